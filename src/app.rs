//! The commands, between the command line and the library: load and check a scenario, run its
//! replicates on a thread pool, and write the output contract. Errors carry the exit code the
//! command line reports: 2 for bad input, 1 for anything else.

use crate::engine::{self, Epoch, Replicate, RunSpec};
use crate::output::{Staged, tables};
use crate::scenario::{self, Loaded};
use crate::validation;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// An error and the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
    pub fn other(e: anyhow::Error) -> Failure {
        Failure {
            code: 1,
            message: format!("{e:#}"),
        }
    }
}

impl From<scenario::ScenarioError> for Failure {
    fn from(e: scenario::ScenarioError) -> Failure {
        Failure::input(e.to_string())
    }
}

/// Options shared by the commands that run scenarios.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub out: Option<PathBuf>,
    pub seed: Option<u64>,
    pub replicates: Option<u32>,
    pub agents: Option<u32>,
    pub months: Option<u32>,
    pub threads: Option<usize>,
    pub sets: Vec<String>,
    pub quiet: bool,
}

/// A scenario loaded, overridden by the options, and compiled for the engine.
pub struct Prepared {
    pub loaded: Loaded,
    pub name: String,
    pub epochs: Vec<Epoch>,
    pub spec: RunSpec,
    pub replicates: u32,
    pub start: (i32, u32),
}

/// Load a scenario and apply the run options; every bad input is reported here, before any
/// output is written.
pub fn prepare(path: &Path, o: &RunOptions) -> Result<Prepared, Failure> {
    for (flag, v) in [
        ("--agents", o.agents),
        ("--months", o.months),
        ("--replicates", o.replicates),
    ] {
        if v == Some(0) {
            return Err(Failure::input(format!("{flag} 0: must be at least 1")));
        }
    }
    if o.threads == Some(0) {
        return Err(Failure::input("--threads 0: must be at least 1"));
    }
    let loaded = scenario::load(path, &o.sets)?;
    let s = &loaded.scenario;
    let months = o.months.unwrap_or(s.months);
    let spin_up = s.spin_up_months;
    let horizon = spin_up + months;
    if horizon > i16::MAX as u32 - 1 {
        return Err(Failure::input(format!(
            "{}: spin_up_months + months = {horizon} is too long (at most {})",
            path.display(),
            i16::MAX - 1
        )));
    }
    let agents = o.agents.unwrap_or(s.population.default_agents);
    let epochs = compile_epochs(path, &loaded, horizon)?;
    let start = scenario::parse_month(&s.start).ok_or_else(|| {
        Failure::input(format!(
            "{}: start = {:?} is not YYYY-MM",
            path.display(),
            s.start
        ))
    })?;
    Ok(Prepared {
        name: s.name.clone(),
        epochs,
        spec: RunSpec {
            seed: o.seed.unwrap_or(s.seed),
            replicate: 0,
            agents: agents as usize,
            spin_up,
            months,
        },
        replicates: o.replicates.unwrap_or(s.replicates),
        start,
        loaded,
    })
}

/// Compile the scenario's epochs for the engine; the one place the app calls the compiler.
fn compile_epochs(path: &Path, loaded: &Loaded, horizon: u32) -> Result<Vec<Epoch>, Failure> {
    crate::compile::epochs(loaded, horizon)
        .map_err(|e| Failure::input(format!("{}: {}", path.display(), e.message)))
}

/// A rayon pool with the requested threads (all cores by default).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Failure> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        b = b.num_threads(n);
    }
    b.build()
        .map_err(|e| Failure::other(anyhow::anyhow!("cannot start threads: {e}")))
}

pub fn progress_bar(total: u64, quiet: bool, label: &str) -> ProgressBar {
    let target = if quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) =
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} months  {elapsed_precise}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(label.to_string());
    bar
}

/// Agents (summed over replicates held at once) below which replicates run side by side.
/// Small runs gain more from stepping replicates in parallel than from splitting a month's few
/// chunks over threads; large ones would only multiply their memory.
pub const PARALLEL_REPLICATE_AGENTS: usize = 4_000_000;

/// Run every replicate of a prepared scenario. The output is the same whichever way they run:
/// each replicate is keyed by its own index and results are kept in replicate order.
pub fn simulate(prep: &Prepared, bar: &ProgressBar) -> Result<Vec<Replicate>, Failure> {
    use rayon::prelude::*;
    let tick = || bar.inc(1);
    let one = |r: u32| {
        engine::run_replicate(
            &prep.epochs,
            RunSpec {
                replicate: r,
                ..prep.spec
            },
            &tick,
        )
    };
    let reps: Result<Vec<Replicate>, _> =
        if prep.spec.agents * prep.replicates as usize <= PARALLEL_REPLICATE_AGENTS {
            (0..prep.replicates).into_par_iter().map(one).collect()
        } else {
            (0..prep.replicates).map(one).collect()
        };
    reps.map_err(|e| Failure::other(anyhow::anyhow!("{e}")))
}

/// Peak resident memory of this process in bytes (Linux), if known.
pub fn peak_memory() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Seconds since the epoch as an RFC 3339 UTC timestamp.
pub fn timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// What a finished run reports.
pub struct RunReport {
    pub out: PathBuf,
    pub seconds: f64,
    pub agent_steps: f64,
    pub replicates: Vec<Replicate>,
    /// Metric values per replicate (outcomes.csv).
    pub values: crate::compare::Values,
    /// Rows of validation.csv, when the scenario carries observed data.
    pub validation: Option<Vec<validation::Row>>,
}

/// The default output folder of a scenario.
pub fn default_out(name: &str) -> PathBuf {
    Path::new("output").join(name)
}

/// `crossroads run`.
pub fn run(path: &Path, o: &RunOptions) -> Result<RunReport, Failure> {
    let prep = prepare(path, o)?;
    let pool = pool(o.threads)?;
    let out = o.out.clone().unwrap_or_else(|| default_out(&prep.name));
    let horizon = (prep.spec.spin_up + prep.spec.months) as u64;
    let bar = progress_bar(horizon * prep.replicates as u64, o.quiet, &prep.name);
    let done = run_into(&prep, path, &out, &pool, &bar)?;
    bar.finish_and_clear();
    Ok(done)
}

/// Run a prepared scenario and write its outputs into `out`.
pub fn run_into(
    prep: &Prepared,
    path: &Path,
    out: &Path,
    pool: &rayon::ThreadPool,
    bar: &ProgressBar,
) -> Result<RunReport, Failure> {
    let threads = pool.current_num_threads();
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Fail on an unwritable output folder before spending time on the run.
    let mut staged = Staged::new(out).map_err(Failure::other)?;
    let horizon = (prep.spec.spin_up + prep.spec.months) as u64;
    let clock = Instant::now();
    let reps = pool.install(|| simulate(prep, bar))?;
    let seconds = clock.elapsed().as_secs_f64();

    let p0 = &prep.epochs[0].params;
    let values = tables::replicate_metrics(p0, &reps);
    let validation = validate(prep, path, &reps)?;
    let mut write = || -> anyhow::Result<()> {
        let mut ts = csv::Writer::from_writer(Vec::new());
        tables::timeseries(&mut ts, &prep.name, prep.start, &reps, true)?;
        staged.write(
            "timeseries.csv",
            &ts.into_inner().context("timeseries.csv")?,
        )?;
        let mut oc = csv::Writer::from_writer(Vec::new());
        tables::outcomes(&mut oc, &prep.name, &reps, &values, true)?;
        staged.write("outcomes.csv", &oc.into_inner().context("outcomes.csv")?)?;
        let mut sm = csv::Writer::from_writer(Vec::new());
        tables::summary(&mut sm, &prep.name, &values, true)?;
        staged.write("summary.csv", &sm.into_inner().context("summary.csv")?)?;
        let manifest = manifest(
            prep,
            threads,
            started,
            seconds,
            reps.first().map(|r| r.weight).unwrap_or(0.0),
        );
        staged.write(
            "manifest.json",
            serde_json::to_string_pretty(&manifest)?.as_bytes(),
        )?;
        if let Some((rows, series)) = &validation {
            let (v, vs) = tables::validation(rows, series)?;
            staged.write("validation.csv", &v)?;
            staged.write("validation_series.csv", &vs)?;
        }
        Ok(())
    };
    write().map_err(Failure::other)?;
    staged.commit().map_err(Failure::other)?;
    let agent_steps = prep.spec.agents as f64 * horizon as f64 * prep.replicates as f64;
    Ok(RunReport {
        out: out.to_path_buf(),
        seconds,
        agent_steps,
        values,
        replicates: reps,
        validation: validation.map(|v| v.0),
    })
}

/// `crossroads compare`: every scenario on the same seeds as the baseline, each scenario's own
/// outputs in `<out>/<name>/`, and comparison.csv and comparison.svg in `<out>`.
pub fn compare(
    baseline: &Path,
    scenarios: &[PathBuf],
    o: &RunOptions,
) -> Result<CompareReport, Failure> {
    let mut preps = vec![(baseline.to_path_buf(), prepare(baseline, o)?)];
    for s in scenarios {
        preps.push((s.clone(), prepare(s, o)?));
    }
    let mut names = std::collections::BTreeSet::new();
    for (path, p) in &preps {
        if !names.insert(p.name.clone()) {
            return Err(Failure::input(format!(
                "{}: scenario name {:?} is used twice; names must differ (set `name` in the file)",
                path.display(),
                p.name
            )));
        }
    }
    let out = o
        .out
        .clone()
        .unwrap_or_else(|| default_out(&format!("compare-{}", preps[0].1.name)));
    let pool = pool(o.threads)?;
    let total: u64 = preps
        .iter()
        .map(|(_, p)| (p.spec.spin_up + p.spec.months) as u64 * p.replicates as u64)
        .sum();
    let bar = progress_bar(total, o.quiet, "compare");
    let mut staged = Staged::new(&out).map_err(Failure::other)?;
    let mut runs = Vec::new();
    for (path, p) in &preps {
        bar.set_prefix(p.name.clone());
        runs.push(run_into(p, path, &out.join(&p.name), &pool, &bar)?);
    }
    bar.finish_and_clear();
    let base = &runs[0].values;
    let mut diffs = Vec::new();
    for (run, (_, p)) in runs.iter().zip(&preps).skip(1) {
        diffs.extend(crate::compare::paired(&p.name, base, &run.values));
    }
    let write = || -> anyhow::Result<()> {
        staged.write("comparison.csv", &tables::comparison(&diffs)?)?;
        staged.write(
            "comparison.svg",
            crate::output::chart::comparison_svg(&preps[0].1.name, &diffs)?.as_bytes(),
        )?;
        staged.commit()?;
        Ok(())
    };
    write().map_err(Failure::other)?;
    Ok(CompareReport {
        out,
        table: tables::comparison_text(&diffs),
    })
}

pub struct CompareReport {
    pub out: PathBuf,
    /// The headline differences as a text table for the terminal.
    pub table: String,
}

/// validation.csv and validation_series.csv rows of a run.
type Checked = (Vec<validation::Row>, Vec<validation::SeriesRow>);

/// Check the run against the scenario's observed data, if it carries any.
fn validate(prep: &Prepared, path: &Path, reps: &[Replicate]) -> Result<Option<Checked>, Failure> {
    let Some(obs) = &prep.loaded.scenario.observed else {
        return Ok(None);
    };
    let obs: validation::Observed = obs
        .clone()
        .try_into()
        .map_err(|e| Failure::input(format!("{}: observed: {e}", path.display())))?;
    let p0 = &prep.epochs[0].params;
    validation::validate(&obs, reps, p0, &prep.loaded.resolved, prep.start.0)
        .map(Some)
        .map_err(|e| Failure::input(format!("{}: observed: {e}", path.display())))
}

pub fn manifest(
    prep: &Prepared,
    threads: usize,
    started: u64,
    seconds: f64,
    weight: f64,
) -> serde_json::Value {
    let files: Vec<_> = prep
        .loaded
        .files
        .iter()
        .map(|f| json!({ "path": f.path.display().to_string(), "sha256": f.sha256_hex }))
        .collect();
    json!({
        "program": "crossroads",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": prep.name,
        "seed": prep.spec.seed,
        "replicates": prep.replicates,
        "agents": prep.spec.agents,
        "weight": weight,
        "months": prep.spec.months,
        "spin_up_months": prep.spec.spin_up,
        "threads": threads,
        "input_files": files,
        "start_time": timestamp(started),
        "wall_seconds": seconds,
        "resolved_scenario": prep.loaded.resolved,
    })
}

/// One line on speed and memory, printed after a run.
pub fn speed_line(r: &RunReport) -> String {
    let mem = peak_memory()
        .map(|b| format!("{:.0} MB", b as f64 / 1e6))
        .unwrap_or_else(|| "unknown".into());
    format!(
        "wall {:.2} s, {:.1} million agent-steps/s, peak memory {mem}",
        r.seconds,
        r.agent_steps / r.seconds.max(1e-9) / 1e6
    )
}

/// `crossroads check`: a short summary of the resolved scenario.
pub fn check(path: &Path, sets: &[String]) -> Result<String, Failure> {
    let loaded = scenario::load(path, sets)?;
    let s = &loaded.scenario;
    let p = crate::compile::params(s)
        .map_err(|e| Failure::input(format!("{}: {}", path.display(), e.message)))?;
    let persons = s.population.persons
        + s.population.entries_per_year * (s.spin_up_months + s.months) as f64 / 12.0;
    let mut out = String::new();
    use std::fmt::Write;
    let _ = writeln!(out, "scenario {} ({})", s.name, path.display());
    let _ = writeln!(
        out,
        "  time: {} for {} months, after {} spin-up months",
        s.start, s.months, s.spin_up_months
    );
    let _ = writeln!(
        out,
        "  pool: {:.0} persons ever, {} agents by default ({:.1} persons each), {} replicates, seed {}",
        persons,
        s.population.default_agents,
        persons / s.population.default_agents.max(1) as f64,
        s.replicates,
        s.seed
    );
    let _ = writeln!(
        out,
        "  {} districts, {} locations, {} legs, {} routes, {} destinations",
        p.districts.len(),
        p.locations.len(),
        p.legs.len(),
        p.routes.len(),
        p.dests.len()
    );
    let recruiters: Vec<String> = s
        .recruiters
        .iter()
        .map(|r| format!("{} {}", r.count, r.id))
        .collect();
    let _ = writeln!(out, "  recruiters: {}", recruiters.join(", "));
    let lenders: Vec<String> = s.lenders.iter().map(|l| l.id.clone()).collect();
    let _ = writeln!(
        out,
        "  lenders (in borrowing order): {}",
        lenders.join(", ")
    );
    let _ = writeln!(out, "  events: {}", s.events.len());
    for e in &s.events {
        let when = e
            .date
            .clone()
            .unwrap_or_else(|| format!("reported month {}", e.month.unwrap_or(0)));
        let sets: Vec<String> = e.set.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        let note = if e.note.is_empty() {
            String::new()
        } else {
            format!(" ({})", e.note)
        };
        let _ = writeln!(out, "    from {when}: {}{note}", sets.join(", "));
    }
    let _ = writeln!(out, "  input files:");
    for f in &loaded.files {
        let _ = writeln!(out, "    {} sha256 {}", f.path.display(), &f.sha256_hex);
    }
    out.push_str("scenario is valid");
    Ok(out)
}

/// `crossroads calibrate`: run a Latin-hypercube design over the configuration's parameters and
/// write every point with its score, best first.
pub fn calibrate(config: &Path, o: &RunOptions) -> Result<CalibrationReport, Failure> {
    use crate::calibrate::{Config, design, score};
    let text = std::fs::read_to_string(config)
        .map_err(|e| Failure::input(format!("{}: cannot read: {e}", config.display())))?;
    let cfg: Config =
        toml::from_str(&text).map_err(|e| Failure::input(format!("{}: {e}", config.display())))?;
    cfg.check()
        .map_err(|e| Failure::input(format!("{}: {e}", config.display())))?;
    let scenario = config
        .parent()
        .unwrap_or(Path::new("."))
        .join(&cfg.scenario);
    let points = design(&cfg);
    let base = RunOptions {
        seed: Some(o.seed.unwrap_or(cfg.seed)),
        replicates: Some(o.replicates.unwrap_or(cfg.replicates)),
        agents: o.agents.or(cfg.agents),
        months: o.months.or(cfg.months),
        quiet: true,
        ..o.clone()
    };
    // Every point is checked before any runs: a bad range fails at once.
    let mut preps = Vec::new();
    for row in &points {
        let mut opts = base.clone();
        for (p, v) in cfg.parameters.iter().zip(row) {
            opts.sets.push(format!("{}={v}", p.key));
        }
        preps.push(prepare(&scenario, &opts)?);
    }
    if preps[0].loaded.scenario.observed.is_none() {
        return Err(Failure::input(format!(
            "{}: the scenario carries no observed data to calibrate against",
            scenario.display()
        )));
    }
    let stem = config
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "calibration".into());
    let out = o
        .out
        .clone()
        .unwrap_or_else(|| default_out(&format!("calibrate-{stem}")));
    let mut staged = Staged::new(&out).map_err(Failure::other)?;
    let pool = pool(o.threads)?;
    let total: u64 = preps
        .iter()
        .map(|p| (p.spec.spin_up + p.spec.months) as u64 * p.replicates as u64)
        .sum();
    let bar = progress_bar(total, o.quiet, "calibrate");
    let mut scored = Vec::new();
    for (i, prep) in preps.iter().enumerate() {
        let reps = pool.install(|| simulate(prep, &bar))?;
        let rows = validate(prep, &scenario, &reps)?
            .map(|v| v.0)
            .unwrap_or_default();
        scored.push((i, score(&rows), rows));
    }
    bar.finish_and_clear();
    scored.sort_by(|a, b| {
        a.1.unwrap_or(f64::INFINITY)
            .total_cmp(&b.1.unwrap_or(f64::INFINITY))
            .then(a.0.cmp(&b.0))
    });
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "rank".to_string(),
        "point".into(),
        "score".into(),
        "targets_met".into(),
    ];
    header.extend(cfg.parameters.iter().map(|p| p.key.clone()));
    if let Some((_, _, rows)) = scored.first() {
        header.extend(rows.iter().map(|r| r.target_id.clone()));
    }
    let write = || -> anyhow::Result<Vec<u8>> {
        w.write_record(&header)?;
        for (rank, (i, s, rows)) in scored.iter().enumerate() {
            let mut rec = vec![(rank + 1).to_string(), (i + 1).to_string(), tables::opt(*s)];
            rec.push(format!(
                "{}/{}",
                rows.iter()
                    .filter(|r| r.within() && r.kind != "input")
                    .count(),
                rows.iter().filter(|r| r.kind != "input").count()
            ));
            rec.extend(points[*i].iter().map(|v| tables::num(*v)));
            rec.extend(rows.iter().map(|r| tables::opt(r.simulated)));
            w.write_record(&rec)?;
        }
        Ok(w.into_inner()?)
    };
    let bytes = write().map_err(Failure::other)?;
    staged
        .write("calibration.csv", &bytes)
        .map_err(Failure::other)?;
    staged.commit().map_err(Failure::other)?;
    let best = scored.first().map(|(i, s, rows)| {
        let sets: Vec<String> = cfg
            .parameters
            .iter()
            .zip(&points[*i])
            .map(|(p, v)| format!("{}={}", p.key, tables::num(*v)))
            .collect();
        format!(
            "best point {} (score {}, {} of {} emergent targets and series met): {}",
            i + 1,
            tables::opt(*s),
            rows.iter()
                .filter(|r| r.within() && r.kind != "input")
                .count(),
            rows.iter().filter(|r| r.kind != "input").count(),
            sets.join(" ")
        )
    });
    Ok(CalibrationReport {
        out,
        best: best.unwrap_or_default(),
    })
}

pub struct CalibrationReport {
    pub out: PathBuf,
    pub best: String,
}
