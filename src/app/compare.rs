//! `crossroads compare`: every scenario on the same seeds as the baseline, each scenario's own
//! outputs in `<out>/<name>/`, and comparison.csv, comparison_by_year.csv, comparison.svg, the
//! scenarios' timeseries.csv, outcomes.csv and summary.csv together and a manifest.json of the
//! comparison in `<out>` (and report.html with `--report`), all swapped in together. Each
//! scenario is compared over the reported years in which its policy differs from the
//! baseline's, and year by year.

use super::run::{RunReport, Timing, run_into, write_into};
use super::{
    Error, Prepared, RunOptions, can_share, check_memory, default_out, note, pool, prepare,
    progress_bar, shared_fits, simulate_shared,
};
use crate::calendar;
use crate::compare::{
    Comparison, Timeline, Unmatched, Values, Years, cost_effectiveness, month_index, paired,
    policy_period,
};
use crate::engine::Replicate;
use crate::metrics::{self, Period};
use crate::output::{Folder, chart, tables};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct CompareReport {
    pub out: PathBuf,
    /// The headline differences as a text table for the terminal.
    pub table: String,
    /// Per scenario, the metrics only one side had (none in the usual case).
    pub unmatched: Vec<Unmatched>,
    /// Wall time of the whole comparison, and the agent-steps simulated (months the scenarios
    /// shared stepped once).
    pub seconds: f64,
    pub agent_steps: f64,
}

pub fn compare(
    baseline: &Path,
    scenarios: &[PathBuf],
    o: &RunOptions,
) -> Result<CompareReport, Error> {
    compare_what_if(baseline, scenarios, &[], o)
}

/// `compare` with one-off variants of the baseline as well: each of `what_ifs` is one or more
/// `KEY=VALUE` overrides (separated by `;`) applied to the baseline alone, run on the same draws
/// and named after its overrides.
pub fn compare_what_if(
    baseline: &Path,
    scenarios: &[PathBuf],
    what_ifs: &[String],
    o: &RunOptions,
) -> Result<CompareReport, Error> {
    let mut preps = vec![(baseline.to_path_buf(), prepare(baseline, o)?)];
    for s in scenarios {
        preps.push((s.clone(), prepare(s, o)?));
    }
    for (_, p) in &preps {
        if let Some(cut) = &p.cut_events {
            note(format_args!("note: {cut}"));
        }
    }
    for w in what_ifs {
        let overrides: Vec<String> = w
            .split(';')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect();
        if overrides.is_empty() || overrides.iter().any(|x| !x.contains('=')) {
            return Err(Error::Input(format!(
                "--what-if {w:?}: give KEY=VALUE, or several separated by ';'"
            )));
        }
        let keys: Vec<&str> = overrides
            .iter()
            .map(|x| x.split('=').next().unwrap_or("").trim())
            .collect();
        if let Some(k) = keys
            .iter()
            .enumerate()
            .find_map(|(i, k)| keys[..i].contains(k).then_some(k))
        {
            return Err(Error::Input(format!(
                "--what-if {w:?}: sets {k} twice; give each key once"
            )));
        }
        if what_ifs
            .iter()
            .take_while(|x| !std::ptr::eq(*x, w))
            .any(|x| x == w)
        {
            return Err(Error::Input(format!(
                "--what-if {w:?} is given twice; the second would be the same scenario"
            )));
        }
        let mut opts = o.clone();
        opts.what_if = overrides.clone();
        let mut p = prepare(baseline, &opts)?;
        p.name = what_if_name(&overrides);
        // Two long what-ifs can agree in the first 200 characters their names keep.
        let mut n = 2;
        while preps.iter().any(|(_, q)| q.name == p.name) {
            let mut name = what_if_name(&overrides);
            let tail = format!("_{n}");
            name.truncate(200 - tail.len());
            name.push_str(&tail);
            p.name = name;
            n += 1;
        }
        preps.push((baseline.to_path_buf(), p));
    }
    let framed: Vec<(&Path, &Prepared)> = preps.iter().map(|(f, p)| (f.as_path(), p)).collect();
    super::same_frame(framed[0], &framed[1..])?;
    let mut names = std::collections::BTreeSet::new();
    for (path, p) in &preps {
        p.folder_name(path)?;
        if !names.insert(p.name.clone()) {
            return Err(Error::Input(format!(
                "{}: scenario name {:?} is used twice; names must differ (set `name` in the file)",
                path.display(),
                p.name
            )));
        }
    }
    let base_name = preps[0].1.name.clone();
    let all: Vec<_> = preps.iter().map(|(_, p)| p).collect();
    check_memory(
        &format!(
            "comparing {} scenarios at {}",
            preps.len(),
            super::size_label(&preps[0].1)
        ),
        &all.iter().map(|p| p.need()).collect::<Vec<_>>(),
        true,
        1,
    )?;
    let out = o
        .out
        .clone()
        .unwrap_or_else(|| default_out(&format!("compare-{base_name}")));
    let pool = pool(o.threads)?;
    let folder = Folder::claim(&out)?;
    let total: u64 = preps.iter().map(|(_, p)| p.total_months()).sum();
    let clock = std::time::Instant::now();
    let bar = progress_bar(total, o.quiet, "compare");
    let mut runs = Vec::new();
    // The scenarios usually agree until their policies start: simulated together, those months
    // are stepped once for all (the outputs are the same as one by one).
    let agent_steps = if can_share(&all) && shared_fits(&all, 1) {
        bar.set_prefix(if preps.len() == 1 {
            base_name.clone()
        } else {
            "compare".into()
        });
        let timing = Timing {
            started: calendar::now_secs(),
            threads: pool.current_num_threads(),
            seconds: 0.0,
        };
        let sim = std::time::Instant::now();
        let (each, steps) = pool.install(|| simulate_shared(&all, &bar))?;
        let timing = Timing {
            seconds: sim.elapsed().as_secs_f64(),
            ..timing
        };
        for ((path, p), reps) in preps.iter().zip(each) {
            runs.push(write_into(
                p,
                path,
                &folder,
                Path::new(&p.name),
                reps,
                timing,
            )?);
        }
        steps
    } else {
        for (path, p) in &preps {
            bar.set_prefix(p.name.clone());
            runs.push(run_into(p, path, &folder, Path::new(&p.name), &pool, &bar)?);
        }
        runs.iter().map(|r| r.agent_steps).sum()
    };
    bar.finish_and_clear();
    let base_tl = timeline(&preps[0].1);
    let mut base_values = Memo::new(&runs[0], &preps[0].1, &base_tl);
    let mut comparisons = Vec::new();
    let mut unmatched = Vec::new();
    for (run, (_, p)) in runs.iter().zip(&preps).skip(1) {
        let tl = timeline(p);
        let mut scen_values = Memo::new(run, p, &tl);
        let c = compare_one(&p.name, &mut base_values, &base_tl, &mut scen_values, &tl);
        if !c.unmatched.is_empty() {
            unmatched.push(c.unmatched.clone());
        }
        comparisons.push(c);
    }
    let csv =
        tables::comparison(&comparisons).map_err(|e| Error::other(e.context("comparison.csv")))?;
    let by_year = tables::comparison_by_year(&comparisons)
        .map_err(|e| Error::other(e.context("comparison_by_year.csv")))?;
    let diffs: Vec<_> = comparisons.iter().flat_map(|c| c.diffs.clone()).collect();
    let svg = chart::comparison_svg(&base_name, &diffs)
        .map_err(|e| Error::other(e.context("comparison.svg")))?;
    folder.write("comparison.csv", &csv)?;
    folder.write("comparison_by_year.csv", &by_year)?;
    folder.write("comparison.svg", svg.as_bytes())?;
    let names: Vec<&str> = preps.iter().map(|(_, p)| p.name.as_str()).collect();
    write_together(&folder, &names, clock.elapsed().as_secs_f64())?;
    if o.report {
        super::report::write_into(&folder, &out)?;
    }
    folder.commit()?;
    Ok(CompareReport {
        out,
        table: tables::comparison_text(&base_name, &comparisons),
        unmatched,
        seconds: clock.elapsed().as_secs_f64(),
        agent_steps,
    })
}

/// The scenarios' tables of `TOGETHER` in one file each at the top of the comparison's folder,
/// the baseline's rows first (every row names its scenario), and a manifest of the comparison:
/// what it compared, in which folders, and each scenario's seed, sizes and input files. A
/// reader can load the folder whole; each scenario's folder stays what running it alone writes.
fn write_together(folder: &Folder, names: &[&str], wall_seconds: f64) -> Result<(), Error> {
    let read = |name: &str, file: &str| {
        let path = folder.staged().join(name).join(file);
        std::fs::read(&path)
            .map_err(|e| Error::Other(format!("{}: cannot read back: {e}", path.display())))
    };
    for file in TOGETHER {
        let mut all = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let bytes = read(name, file)?;
            // The header once: the first scenario's.
            let body = match (i, bytes.iter().position(|&b| b == b'\n')) {
                (0, _) => &bytes[..],
                (_, Some(end)) => &bytes[end + 1..],
                (_, None) => &[][..],
            };
            all.extend_from_slice(body);
        }
        folder.write(file, &all)?;
    }
    let manifest = |name: &str| -> Result<serde_json::Value, Error> {
        serde_json::from_slice(&read(name, "manifest.json")?)
            .map_err(|e| Error::Other(format!("{name}/manifest.json: {e}")))
    };
    let mut scenarios = Vec::new();
    for name in names {
        let m = manifest(name)?;
        let mut entry = serde_json::Map::new();
        entry.insert("scenario".into(), (*name).into());
        entry.insert("folder".into(), (*name).into());
        for key in SCENARIO_FACTS {
            if let Some(v) = m.get(key) {
                entry.insert(key.into(), v.clone());
            }
        }
        scenarios.push(serde_json::Value::Object(entry));
    }
    let base = manifest(names[0])?;
    let mut top = serde_json::Map::new();
    for key in ["program", "version", "commit"] {
        top.insert(key.into(), base.get(key).cloned().unwrap_or_default());
    }
    top.insert("command".into(), "compare".into());
    top.insert("baseline".into(), names[0].into());
    for key in SHARED_FACTS {
        top.insert(key.into(), base.get(key).cloned().unwrap_or_default());
    }
    top.insert("wall_seconds".into(), wall_seconds.into());
    top.insert("scenarios".into(), scenarios.into());
    let bytes = serde_json::to_vec_pretty(&serde_json::Value::Object(top))
        .map_err(|e| Error::Other(format!("manifest.json: {e}")))?;
    folder.write("manifest.json", &bytes)?;
    Ok(())
}

/// The tables a comparison also writes whole at the top of its folder.
const TOGETHER: [&str; 3] = ["timeseries.csv", "outcomes.csv", "summary.csv"];

/// What the comparison's manifest takes from the baseline's: when it started, and on how many
/// threads (the scenarios of one comparison share both).
const SHARED_FACTS: [&str; 2] = ["threads", "start_time"];

/// What the comparison's manifest gives of each scenario (the rest, the resolved scenario
/// above all, is in the scenario's own).
const SCENARIO_FACTS: [&str; 9] = [
    "seed",
    "replicates",
    "agents",
    "weight",
    "months",
    "spin_up_months",
    "deaths_estimator",
    "sampling",
    "input_files",
];

/// A folder name for a what-if: its overrides, `=` as `-` and `;` as `+`, other characters a
/// folder name cannot hold as `_` (e.g. `what-if_policy.recruitment.fee_cap_usd-1000`).
fn what_if_name(overrides: &[String]) -> String {
    let joined = overrides.join("+").replace('=', "-");
    let clean: String = joined
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut name = format!("what-if_{clean}").replace('+', "_and_");
    name.truncate(200);
    name
}

/// A run's calendar and its policy section in each epoch that starts within its simulated
/// months, told apart by their Debug text (every field, in declaration order).
pub(super) fn timeline(p: &Prepared) -> Timeline<String> {
    let spin_up = p.spec.spin_up as i64;
    let horizon = p.spec.spin_up + p.spec.months;
    let first = month_index(p.start.0, p.start.1);
    Timeline {
        start: p.start,
        months: p.spec.months as usize,
        policies: p
            .loaded
            .epochs
            .iter()
            .filter(|e| e.month < horizon)
            .map(|e| {
                (
                    first + e.month as i64 - spin_up,
                    format!("{:?}", e.scenario.policy),
                )
            })
            .collect(),
    }
}

/// A run's metric values over spans of reported years, each computed once (the baseline's are
/// shared by every scenario).
struct Memo<'a> {
    reps: &'a [Replicate],
    params: &'a crate::engine::Params,
    timeline: &'a Timeline<String>,
    done: BTreeMap<Years, Values>,
}

impl<'a> Memo<'a> {
    fn new(run: &'a RunReport, p: &'a Prepared, timeline: &'a Timeline<String>) -> Memo<'a> {
        Memo {
            reps: &run.replicates,
            params: &p.epochs[0].params,
            timeline,
            done: BTreeMap::new(),
        }
    }

    /// Every metric per replicate over `years`; empty values if the run reports none of them.
    fn over(&mut self, years: Years) -> &Values {
        let (reps, params, timeline) = (self.reps, self.params, self.timeline);
        self.done.entry(years).or_insert_with(|| {
            let per_replicate: Vec<_> = reps
                .iter()
                .map(|r| match timeline.period(years) {
                    Some(per) => metrics::outcomes(r, params, per),
                    None => metrics::outcomes(
                        r,
                        params,
                        Period {
                            from: 0,
                            to: r.months.len(),
                        },
                    )
                    .into_iter()
                    .map(|(k, _)| (k, None))
                    .collect(),
                })
                .collect();
            Values::from_replicates(&per_replicate)
        })
    }
}

/// One scenario against the baseline: over its policy period, and year by year over the
/// reported years of both.
fn compare_one(
    name: &str,
    base: &mut Memo,
    base_tl: &Timeline<String>,
    scen: &mut Memo,
    scen_tl: &Timeline<String>,
) -> Comparison {
    let policy = policy_period(base_tl, scen_tl);
    let (b, s) = (base.over(policy.years), scen.over(policy.years));
    let (diffs, unmatched) = paired(name, policy.years, b, s);
    let costs = cost_effectiveness(name, policy.years, b, s);
    let (mut by_year, mut costs_by_year) = (Vec::new(), Vec::new());
    for year in base_tl.years().union(scen_tl.years()).each() {
        let (b, s) = (base.over(year), scen.over(year));
        by_year.extend(paired(name, year, b, s).0);
        costs_by_year.extend(cost_effectiveness(name, year, b, s));
    }
    // One metric's years together, metrics in the order of the policy period's rows.
    let order: BTreeMap<_, usize> = diffs
        .iter()
        .enumerate()
        .rev()
        .map(|(i, d)| (d.key.clone(), i))
        .collect();
    by_year.sort_by_key(|d| order.get(&d.key).copied().unwrap_or(usize::MAX));
    costs_by_year.sort_by_key(|c| {
        crate::compare::COST_EFFECTIVENESS
            .iter()
            .position(|e| e.metric == c.metric)
    });
    Comparison {
        scenario: name.to_string(),
        policy,
        diffs,
        costs,
        by_year,
        costs_by_year,
        unmatched,
    }
}
