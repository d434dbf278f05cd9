//! `crossroads sweep CONFIG` and `crossroads sweep merge DIR`: run the model at every point of a
//! design (every scenario, every replicate, on the same draws), keep each finished point in an
//! append-only log, and from the logs write the sweep's tables.
//!
//! The sweep's folder (`output/sweep-<config name>/` unless `--out`):
//!
//! - `sweep.json`: the plan — what decides the results (program build, configuration, scenario
//!   files, sizes, seed, points), with its hash, the sweep's identity;
//! - `points.csv`: the design's points, written at the start;
//! - `shards/I-of-N.log`: the finished points of shard I of N (`shards/1-of-1.log` without
//!   `--shard`), one checksummed line each, appended and synced as each point finishes;
//! - `sweep.log`: a line per session of each shard (points run, runs, wall time);
//! - `results.csv`, `sensitivity.csv`, `robustness.csv`: written by the merge, which a sweep
//!   without `--shard` runs itself when its last point is done.
//!
//! Running the same command again resumes: finished points are read back from the logs (a line
//! cut short by a kill is dropped), and only the others run. The tables depend only on the
//! logged values, so an interrupted and resumed sweep writes the same bytes as one that ran
//! through.

use super::config_file::{check_error, check_scenario_file, read_toml};
use super::{Error, Prepared, RunOptions, check_memory, note, pool, prepare, size_label};
use crate::compare::{Years, policy_period};
use crate::engine::{self, RunSpec};
use crate::metric_names::Key;
use crate::metrics;
use crate::output::sweep as tables;
use crate::scenario::parameter_value;
use crate::sweep::shard::{self, Record, Shard};
use crate::sweep::{Config, Design, Layout, indices, outputs, robustness};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

/// How to run a sweep, besides the run options.
#[derive(Clone, Debug, Default)]
pub struct SweepOptions {
    pub run: RunOptions,
    /// Run only this shard's points (and do not merge).
    pub shard: Option<Shard>,
    /// Write Slurm scripts instead of running.
    pub slurm: Option<super::slurm::SlurmOptions>,
}

/// What a sweep did, for the terminal.
pub struct SweepReport {
    pub out: PathBuf,
    pub lines: Vec<String>,
}

/// The plan of a sweep, written to `sweep.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Plan {
    pub program: String,
    pub version: String,
    /// The git commit the program was built from (`+changes` if the tree differed from it).
    #[serde(default)]
    pub commit: String,
    /// SHA-256 of the program's executable: results of two builds are never mixed.
    pub build: String,
    /// The sweep's identity: the hash of every field below that decides the results.
    pub sweep: String,
    pub config: ConfigFile,
    pub scenarios: Vec<PlanScenario>,
    pub parameters: Vec<PlanParameter>,
    pub design: String,
    /// Points, point 0 (the scenarios as written) included.
    pub points: usize,
    pub replicates: u32,
    pub agents: usize,
    pub months: u32,
    pub seed: u64,
    pub sets: Vec<String>,
    pub metrics: Vec<String>,
    /// `common` or `per_point`.
    pub seeds: crate::sweep::Seeds,
    /// The reported years every metric is computed over.
    pub period: String,
    pub resamples: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ConfigFile {
    pub path: String,
    pub sha256: String,
    /// The configuration itself, so that `merge` can rebuild the design anywhere.
    pub text: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanScenario {
    pub name: String,
    pub path: String,
    /// Every file the scenario was read from, with its SHA-256.
    pub files: Vec<(String, String)>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanParameter {
    pub key: String,
    /// The baseline's own value (point 0).
    pub default: f64,
    /// Held over the events' settings of the key.
    pub pin: bool,
    /// The key takes whole numbers: values are rounded to the nearest.
    pub whole: bool,
}

/// The run options of a point: `base` with each parameter set to its value (pinned ones as
/// pins).
fn at_point(base: &RunOptions, parameters: &[PlanParameter], values: &[f64]) -> RunOptions {
    let mut o = base.clone();
    for (p, v) in parameters.iter().zip(values) {
        let set = format!("{}={v}", p.key);
        if p.pin {
            o.pins.push(set);
        } else {
            o.sets.push(set);
        }
    }
    o
}

impl Plan {
    /// The identity of the results: everything that decides them, without the paths (a sweep
    /// may be moved, or run from another folder).
    fn identity(&self) -> String {
        let decides = serde_json::json!({
            "version": self.version,
            "build": self.build,
            "config": canonical(&self.config.text),
            "scenarios": self.scenarios.iter().map(|s| (&s.name, s.files.iter().map(|f| &f.1).collect::<Vec<_>>())).collect::<Vec<_>>(),
            "parameters": self.parameters.iter().map(|p| (&p.key, p.default.to_bits(), p.pin, p.whole)).collect::<Vec<_>>(),
            "design": self.design,
            "points": self.points,
            "replicates": self.replicates,
            "agents": self.agents,
            "months": self.months,
            "seed": self.seed,
            "sets": self.sets,
            "metrics": self.metrics,
            "period": self.period,
            "resamples": self.resamples,
        });
        hex(&Sha256::digest(decides.to_string().as_bytes())[..16])
    }

    fn layout(&self) -> Layout {
        Layout {
            scenarios: self.scenarios.iter().map(|s| s.name.clone()).collect(),
            replicates: self.replicates as usize,
            metrics: self.metrics.clone(),
        }
    }

    fn keys(&self) -> Vec<String> {
        self.parameters.iter().map(|p| p.key.clone()).collect()
    }
}

/// A configuration as parsed: a comment or a blank line changes no result.
fn canonical(text: &str) -> String {
    toml::from_str::<toml::Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| text.to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The running program's version and build (the SHA-256 of its executable).
fn program() -> (String, String) {
    // /proc/self/exe reads the running executable even if a rebuild has replaced its file.
    let build = fs::read("/proc/self/exe")
        .or_else(|_| std::env::current_exe().and_then(fs::read))
        .map(|b| hex(&Sha256::digest(&b)[..16]))
        .unwrap_or_else(|_| "unknown".into());
    (env!("CARGO_PKG_VERSION").to_string(), build)
}

/// Everything a sweep needs to run its points.
struct Sweep {
    plan: Plan,
    /// Each scenario's file.
    paths: Vec<PathBuf>,
    base: RunOptions,
    /// Every point's parameter values, point 0 first.
    points: Vec<Vec<f64>>,
    years: Years,
    /// Notes for the terminal (parameters that events override).
    notes: Vec<String>,
}

pub fn sweep(config: &Path, o: &SweepOptions) -> Result<SweepReport, Error> {
    // Every option is checked before the folder is made: a refused sweep leaves nothing.
    if let Some(slurm) = &o.slurm {
        slurm.check()?;
    }
    let sw = plan(config, &o.run)?;
    let out = match &o.run.out {
        Some(p) => p.clone(),
        None => super::default_out(&format!(
            "sweep-{}",
            config
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_else(|| "sweep".into())
        )),
    };
    open_folder(&out, &sw.plan, &sw.points)?;
    if let Some(slurm) = &o.slurm {
        let lines = super::slurm::write(&out, config, &sw.plan, &o.run, slurm)?;
        return Ok(SweepReport { out, lines });
    }
    if !o.run.quiet {
        for n in &sw.notes {
            note(format_args!("{n}"));
        }
    }
    let shard = o.shard.unwrap_or(Shard::WHOLE);
    let mut lines = run_shard(&sw, &out, shard, &o.run)?;
    if o.shard.is_none() {
        lines.extend(merge(&out)?.lines);
    } else {
        lines.push(format!(
            "shard {}/{} done; when every shard is, merge with: crossroads sweep merge {}",
            shard.index,
            shard.of,
            out.display()
        ));
    }
    Ok(SweepReport { out, lines })
}

/// Read the configuration, check every scenario at the ends of every parameter's range, and
/// lay out the points.
fn plan(config: &Path, o: &RunOptions) -> Result<Sweep, Error> {
    let at = config.display();
    let (cfg, text): (Config, String) = read_toml(config)?;
    cfg.check()
        .map_err(|e| Error::Input(check_error(config, &text, &e)))?;
    let design: Design = cfg
        .design()
        .map_err(|e| Error::Input(check_error(config, &text, &e)))?;
    let dir = config.parent().unwrap_or(Path::new("."));
    let mut paths = vec![dir.join(&cfg.baseline)];
    paths.extend(cfg.scenarios.iter().map(|s| dir.join(s)));
    // A scenario file that cannot be read is named where the configuration names it.
    check_scenario_file(
        config,
        &text,
        &["baseline", "scenario"],
        None,
        &cfg.baseline,
        &paths[0],
    )?;
    for (i, (s, p)) in cfg.scenarios.iter().zip(&paths[1..]).enumerate() {
        check_scenario_file(config, &text, &["scenarios"], Some(i), s, p)?;
    }
    let base = RunOptions {
        seed: Some(o.seed.unwrap_or(cfg.seed)),
        replicates: Some(o.replicates.unwrap_or(cfg.replicates)),
        agents: o.agents.or(cfg.agents),
        months: o.months.or(cfg.months),
        quiet: true,
        out: None,
        ..o.clone()
    };
    super::set_of_a_configured_key(config, &base)?;
    let preps: Vec<Prepared> = paths
        .iter()
        .map(|p| prepare(p, &base))
        .collect::<Result<_, _>>()?;
    // A policy's effect is a paired difference: its scenario runs on the baseline's draws and
    // months.
    let framed: Vec<(&Path, &Prepared)> = paths.iter().map(PathBuf::as_path).zip(&preps).collect();
    super::same_frame(framed[0], &framed[1..])?;
    let mut names = std::collections::BTreeSet::new();
    for (path, p) in paths.iter().zip(&preps) {
        if !names.insert(p.name.clone()) {
            return Err(Error::Input(format!(
                "{}: scenario name {:?} is used twice in {at}; names must differ (set `name` in the file)",
                path.display(),
                p.name
            )));
        }
    }
    let mut defaults = Vec::new();
    for p in &cfg.parameters {
        let v = parameter_value(&preps[0].loaded.resolved, &p.key).ok_or_else(|| {
            Error::Input(format!(
                "{at}: [[parameter]] key = {:?}: the baseline {} has no number at this key",
                p.key,
                paths[0].display()
            ))
        })?;
        defaults.push(v);
    }
    // Each parameter is tried at the ends of its range in every scenario, one at a time, so
    // that a bad key or range is named as the configuration's rather than as a point's. A key
    // that takes whole numbers is found here too: its values are rounded.
    let mut whole = Vec::new();
    for p in &cfg.parameters {
        let d = p
            .distribution()
            .map_err(|e| Error::Input(format!("{at}: {e}")))?;
        let mut ends = vec![d.quantile(0.0), d.quantile(1.0)];
        if let crate::sweep::Distribution::Discrete { values } = &d {
            ends = values.clone();
        }
        let mut one = [PlanParameter {
            key: p.key.clone(),
            default: 0.0,
            pin: p.pin,
            whole: false,
        }];
        // The resolved scenario writes a whole-number field as a TOML integer.
        one[0].whole = matches!(
            crate::scenario::value_at(&preps[0].loaded.resolved, &p.key),
            Some(toml::Value::Integer(_))
        );
        whole.push(one[0].whole);
        for v in ends {
            // As a point would run it: a whole-number key's ends rounded.
            let v = if one[0].whole { v.round() } else { v };
            for path in &paths {
                if let Err(e) = prepare(path, &at_point(&base, &one, &[v])) {
                    let why = match e {
                        Error::Scenario(s) => s.to_string(),
                        other => other.to_string(),
                    };
                    return Err(Error::Input(format!(
                        "{at}: [[parameter]] key = {:?}: at {v}: {why}",
                        p.key
                    )));
                }
            }
        }
    }
    // A parameter an event sets is replaced by the event's value from its month on, unless
    // pinned: say so, since the sweep would then vary it only before that month.
    let mut notes: Vec<String> = cfg.too_small().into_iter().collect();
    // A parameter is an assumption common to every scenario: a scenario file's own value of it
    // gives way to the point's, at point 0 to the baseline's. Say so.
    for (p, default) in cfg.parameters.iter().zip(&defaults) {
        for (path, prep) in paths.iter().zip(&preps).skip(1) {
            if let Some(own) =
                parameter_value(&prep.loaded.resolved, &p.key).filter(|own| own != default)
            {
                notes.push(format!(
                    "note: {} sets parameter {} to {own} itself; the sweep sets it in every scenario, at point 0 to the baseline's {default}",
                    path.display(),
                    p.key
                ));
            }
        }
    }
    for p in cfg.parameters.iter().filter(|p| !p.pin) {
        let key = crate::scenario::canonical_key(&p.key).unwrap_or_else(|| p.key.clone());
        for (path, prep) in paths.iter().zip(&preps) {
            for (when, k) in crate::scenario::event_keys(&prep.loaded.scenario) {
                if k == key {
                    notes.push(format!(
                        "note: parameter {} is set by an event of {} ({when}), whose value holds from then on; add `pin = true` to its [[parameter]] to vary it over the whole run",
                        p.key,
                        path.display()
                    ));
                }
            }
        }
    }
    // Each of the sweep's threads steps a run of its own (one replicate of a scenario at a
    // point), holding its world and counts until the point's metrics are taken.
    let runs = (design.values.len() as u64 + 1)
        .saturating_mul(preps.len() as u64)
        .saturating_mul(preps[0].replicates.max(1) as u64);
    let threads = o.threads.unwrap_or_else(rayon::current_num_threads) as u64;
    check_memory(
        &format!("a sweep at {}", size_label(&preps[0])),
        &preps.iter().map(|p| p.need_one()).collect::<Vec<_>>(),
        false,
        threads.min(runs),
    )?;
    // Every metric over the same years: from the first year any scenario's policy differs from
    // the baseline's (all reported years with no policy scenario) to the last.
    let base_tl = super::compare::timeline(&preps[0]);
    let years = preps[1..]
        .iter()
        .map(|p| policy_period(&base_tl, &super::compare::timeline(p)).years)
        .reduce(|a, b| Years {
            first: a.first.min(b.first),
            last: a.last.max(b.last),
        })
        .unwrap_or_else(|| base_tl.years());
    let points = point_values(&defaults, &whole, &design);
    let (version, build) = program();
    let config_bytes = text.as_bytes();
    let mut plan = Plan {
        program: "crossroads".into(),
        version,
        commit: env!("CROSSROADS_COMMIT").into(),
        build,
        sweep: String::new(),
        config: ConfigFile {
            path: config.display().to_string(),
            sha256: hex(&Sha256::digest(config_bytes)),
            text: text.clone(),
        },
        scenarios: paths
            .iter()
            .zip(&preps)
            .map(|(path, p)| PlanScenario {
                name: p.name.clone(),
                path: path.display().to_string(),
                files: p
                    .loaded
                    .files
                    .iter()
                    .map(|f| (f.path.display().to_string(), f.sha256_hex.clone()))
                    .collect(),
            })
            .collect(),
        parameters: cfg
            .parameters
            .iter()
            .zip(&defaults)
            .zip(&whole)
            .map(|((p, d), w)| PlanParameter {
                key: p.key.clone(),
                default: *d,
                pin: p.pin,
                whole: *w,
            })
            .collect(),
        design: design.kind.name().into(),
        points: points.len(),
        replicates: preps[0].replicates,
        agents: preps[0].spec.agents,
        months: preps[0].spec.months,
        seed: preps[0].spec.seed,
        sets: o.sets.clone(),
        metrics: cfg.metric_list(),
        seeds: cfg.seeds,
        period: years_label(years),
        resamples: cfg.resamples,
    };
    plan.sweep = plan.identity();
    Ok(Sweep {
        plan,
        paths,
        base,
        points,
        years,
        notes,
    })
}

fn years_label(y: Years) -> String {
    if y.first == y.last {
        y.first.to_string()
    } else {
        format!("{}-{}", y.first, y.last)
    }
}

/// Files a sweep's folder may hold.
const SWEEP_FILES: [&str; 9] = [
    "report.html",
    "sweep.json",
    "sweep.log",
    "points.csv",
    "results.csv",
    "sensitivity.csv",
    "robustness.csv",
    "shards",
    "slurm",
];

/// Make `out` this sweep's folder: new, empty, or holding this same sweep (to resume). A folder
/// of another sweep, or with anything else in it, is refused.
fn open_folder(out: &Path, plan: &Plan, points: &[Vec<f64>]) -> Result<(), Error> {
    let at = out.display();
    if out.exists() {
        if !out.is_dir() {
            return Err(Error::Input(format!("--out {at}: is not a folder")));
        }
        let json = out.join("sweep.json");
        if json.exists() {
            let theirs = read_plan(out)?;
            if theirs.sweep != plan.sweep {
                return Err(Error::Input(format!(
                    "{at} holds another sweep ({}; this one is {}): {}; use another --out or remove the folder",
                    theirs.sweep,
                    plan.sweep,
                    differences(&theirs, plan)
                )));
            }
        } else {
            let entries = fs::read_dir(out)
                .map_err(|e| Error::Other(format!("{at}: cannot read the folder: {e}")))?;
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if !SWEEP_FILES.contains(&name.as_str()) && !name.starts_with('.') {
                    return Err(Error::Input(format!(
                        "--out {at}: holds {name:?}, which a sweep does not write; a sweep's folder must be new, empty, or a sweep's"
                    )));
                }
            }
        }
    }
    if let Some(file) = crate::output::folder::file_on_the_way(&out.join("shards")) {
        return Err(Error::Other(format!(
            "--out {at}: cannot be made: {} is a file, not a folder",
            file.display()
        )));
    }
    fs::create_dir_all(out.join("shards"))
        .map_err(|e| Error::Other(format!("{at}: cannot create the folder: {e}")))?;
    let json =
        serde_json::to_vec_pretty(plan).map_err(|e| Error::Other(format!("sweep.json: {e}")))?;
    write_whole(&out.join("sweep.json"), &json)?;
    let pts =
        tables::points(&plan.keys(), points).map_err(|e| Error::other(e.context("points.csv")))?;
    write_whole(&out.join("points.csv"), &pts)
}

/// Every point's values: point 0 the scenarios as written (`defaults`), then the design's, with
/// the keys that take whole numbers rounded.
fn point_values(defaults: &[f64], whole: &[bool], design: &Design) -> Vec<Vec<f64>> {
    let mut points = vec![defaults.to_vec()];
    points.extend(design.values.iter().map(|row| {
        row.iter()
            .zip(whole)
            .map(|(v, w)| if *w { v.round() } else { *v })
            .collect::<Vec<f64>>()
    }));
    points
}

/// What differs between two plans, in words.
fn differences(a: &Plan, b: &Plan) -> String {
    let mut d = Vec::new();
    if (&a.version, &a.build) != (&b.version, &b.build) {
        d.push(format!(
            "it was written by crossroads {} (build {}), this is {} (build {})",
            a.version, a.build, b.version, b.build
        ));
    }
    if canonical(&a.config.text) != canonical(&b.config.text) {
        d.push("the configuration differs".into());
    }
    if a.scenarios != b.scenarios {
        d.push("the scenario files differ".into());
    }
    // `a` is the plan in the folder, `b` this one.
    if a.agents != b.agents {
        d.push(format!("agents {} there, {} here", a.agents, b.agents));
    }
    if a.replicates != b.replicates {
        d.push(format!(
            "replicates {} there, {} here",
            a.replicates, b.replicates
        ));
    }
    if a.months != b.months {
        d.push(format!("months {} there, {} here", a.months, b.months));
    }
    if a.seed != b.seed {
        d.push(format!("seed {} there, {} here", a.seed, b.seed));
    }
    if a.sets != b.sets {
        let list = |s: &[String]| {
            if s.is_empty() {
                "none".to_string()
            } else {
                s.join(", ")
            }
        };
        d.push(format!(
            "--set {} there, {} here",
            list(&a.sets),
            list(&b.sets)
        ));
    }
    if d.is_empty() {
        d.push("the plans differ".into());
    }
    d.join("; ")
}

fn read_plan(dir: &Path) -> Result<Plan, Error> {
    let path = dir.join("sweep.json");
    let bytes = fs::read(&path).map_err(|e| {
        Error::Input(format!(
            "{}: cannot read ({e}); is this a sweep's folder?",
            path.display()
        ))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::Input(format!(
            "{}: is not a sweep plan this program can read ({e})",
            path.display()
        ))
    })
}

/// Write a file whole: a temporary sibling, synced, renamed.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string());
    let tmp = path.with_file_name(format!(
        ".{}.tmp-{}",
        name.unwrap_or_default(),
        std::process::id()
    ));
    let done = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    done.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::Other(format!("{}: cannot write: {e}", path.display()))
    })
}

/// Every record of every log in `dir/shards`, by point; the logs must be this sweep's.
fn read_logs(dir: &Path, plan: &Plan) -> Result<Vec<Option<Record>>, Error> {
    let shards = dir.join("shards");
    let mut by_point: Vec<Option<Record>> = vec![None; plan.points];
    let width = plan.layout().width();
    let mut files: Vec<PathBuf> = fs::read_dir(&shards)
        .map_err(|e| Error::Other(format!("{}: cannot read: {e}", shards.display())))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    files.sort();
    for f in files {
        let bytes =
            fs::read(&f).map_err(|e| Error::Other(format!("{}: cannot read: {e}", f.display())))?;
        let (_, log) = shard::read(&bytes, &plan.sweep, width)
            .map_err(|e| Error::Input(format!("{}: {e}", f.display())))?;
        if log.dropped > 0 {
            note(format_args!(
                "note: {}: {} line(s) dropped, cut short by a kill or changed since written (the checksum fails); their points count as not done",
                f.display(),
                log.dropped
            ));
        }
        for r in log.records {
            let Some(slot) = by_point.get_mut(r.point) else {
                return Err(Error::Input(format!(
                    "{}: point {} is not a point of this sweep (it has {})",
                    f.display(),
                    r.point,
                    plan.points
                )));
            };
            match slot {
                Some(old) if old.values != r.values => {
                    return Err(Error::Other(format!(
                        "{}: point {} has other values than in another log of this sweep; the logs are not from one build",
                        f.display(),
                        r.point
                    )));
                }
                Some(_) => {}
                None => *slot = Some(r),
            }
        }
    }
    Ok(by_point)
}

/// The open log of one shard, locked against a second process running the same shard.
struct ShardLog {
    file: fs::File,
    _lock: fs::File,
}

fn open_log(dir: &Path, plan: &Plan, shard: Shard) -> Result<ShardLog, Error> {
    let path = dir.join("shards").join(shard.file_name());
    let lock_path = dir
        .join("shards")
        .join(format!(".{}.lock", shard.file_name()));
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::Other(format!("{}: cannot create: {e}", lock_path.display())))?;
    if lock.try_lock().is_err() {
        return Err(Error::Other(format!(
            "{}: another crossroads is running this shard (it holds {})",
            path.display(),
            lock_path.display()
        )));
    }
    // Keep the whole records only: a line cut short by a kill is dropped here.
    let header = shard::header(&plan.sweep, shard);
    let existing = fs::read(&path).ok();
    let rewrite = match &existing {
        None => Some(header.clone().into_bytes()),
        Some(bytes) => {
            let (_, log) = shard::read(bytes, &plan.sweep, plan.layout().width())
                .map_err(|e| Error::Input(format!("{}: {e}", path.display())))?;
            log.dirty.then(|| {
                let mut b = header.clone().into_bytes();
                for r in &log.records {
                    b.extend(r.line().as_bytes());
                }
                b
            })
        }
    };
    if let Some(bytes) = rewrite {
        write_whole(&path, &bytes)?;
    }
    let file = fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(|e| Error::Other(format!("{}: cannot open: {e}", path.display())))?;
    Ok(ShardLog { file, _lock: lock })
}

/// Run the points of `shard` that no log holds yet, appending each to the shard's log as it
/// finishes.
fn run_shard(sw: &Sweep, out: &Path, shard: Shard, o: &RunOptions) -> Result<Vec<String>, Error> {
    let plan = &sw.plan;
    let log = Mutex::new(open_log(out, plan, shard)?);
    let done = read_logs(out, plan)?;
    let todo: Vec<usize> = (0..plan.points)
        .filter(|&p| shard.holds(p) && done[p].is_none())
        .collect();
    let mine = (0..plan.points).filter(|&p| shard.holds(p)).count();
    let pool = pool(o.threads)?;
    let threads = pool.current_num_threads();
    let quiet = o.quiet;
    let lines_out = !quiet && !std::io::stderr().is_terminal();
    let bar = points_bar(todo.len() as u64, quiet || lines_out);
    let started = Instant::now();
    let cpu0 = cpu_seconds();
    let finished = AtomicUsize::new(0);
    let busy = AtomicU64::new(0);
    pool.install(|| {
        use rayon::prelude::*;
        todo.par_iter().try_for_each(|&p| -> Result<(), Error> {
            let values = run_point(sw, p, &busy)?;
            let line = Record { point: p, values }.line();
            {
                let mut l = log.lock().unwrap_or_else(|e| e.into_inner());
                l.file
                    .write_all(line.as_bytes())
                    .and_then(|()| l.file.sync_data())
                    .map_err(|e| {
                        Error::Other(format!("{}: cannot append: {e}", shard.file_name()))
                    })?;
            }
            let n = finished.fetch_add(1, Ordering::SeqCst) + 1;
            bar.inc(1);
            if lines_out {
                note(format_args!(
                    "point {p} done ({n} of {} in this run, {:.1} s)",
                    todo.len(),
                    started.elapsed().as_secs_f64()
                ));
            }
            Ok(())
        })
    })?;
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let runs = todo.len() * plan.scenarios.len() * plan.replicates as usize;
    let mut lines = vec![format!(
        "shard {}/{}: {} of its {mine} points were already done; ran {} points ({runs} runs of {} agents) in {wall:.1} s on {threads} threads",
        shard.index,
        shard.of,
        mine - todo.len(),
        todo.len(),
        plan.agents
    )];
    if !todo.is_empty() && wall > 0.0 {
        let sum = busy.load(Ordering::Relaxed) as f64 / 1e9;
        let ideal = sum / threads as f64;
        lines.push(format!(
            "the runs' times add up to {sum:.1} s, {ideal:.1} s over {threads} threads; the wall time is {:+.1}% of that (CPU time {cpu:.1} s, {:.0}% of wall × threads)",
            100.0 * (wall / ideal - 1.0),
            100.0 * cpu / (wall * threads as f64)
        ));
    }
    // A journal of the sweep's sessions (how long each took, across resumes and shards).
    let journal = out.join("sweep.log");
    let stamp = crate::calendar::timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    );
    let entry: String = lines.iter().map(|l| format!("{stamp} {l}\n")).collect();
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&journal)
        .and_then(|mut f| f.write_all(entry.as_bytes()))
        .map_err(|e| Error::Other(format!("{}: cannot append: {e}", journal.display())))?;
    Ok(lines)
}

/// Process CPU time so far (user and system), in seconds.
fn cpu_seconds() -> f64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct it is given.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return 0.0;
    }
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

fn points_bar(total: u64, hidden: bool) -> ProgressBar {
    let target = if hidden {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) =
        ProgressStyle::with_template("sweep [{bar:30}] {pos}/{len} points  {elapsed_precise}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// One point: every scenario with the point's values set, every replicate on the same draws;
/// each metric over the sweep's years, in the order of [`Layout::at`].
/// `busy` adds up the time of each run (its share of preparing the scenario, simulating,
/// computing the metrics), in nanoseconds.
fn run_point(sw: &Sweep, point: usize, busy: &AtomicU64) -> Result<Vec<Option<f64>>, Error> {
    use rayon::prelude::*;
    let plan = &sw.plan;
    let mut opts = at_point(&sw.base, &plan.parameters, &sw.points[point]);
    opts.seed = Some(plan.seeds.of(plan.seed, point));
    let t = Instant::now();
    let preps: Vec<Prepared> = sw
        .paths
        .iter()
        .map(|path| prepare(path, &opts))
        .collect::<Result<_, _>>()?;
    busy.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
    let reps = plan.replicates;
    let runs: Vec<(usize, u32)> = (0..preps.len())
        .flat_map(|s| (0..reps).map(move |r| (s, r)))
        .collect();
    let keys: Vec<Key> = plan.metrics.iter().map(|m| Key::total(m)).collect();
    // The sweep's years in each scenario's reported months (the same for all its replicates).
    let periods: Vec<_> = preps
        .iter()
        .map(|p| super::compare::timeline(p).period(sw.years))
        .collect();
    // Each metric of a finished replicate of scenario `s`.
    let values_of = |s: usize, rep: &engine::Replicate| -> Vec<Option<f64>> {
        let Some(period) = periods[s] else {
            return vec![None; keys.len()];
        };
        let all = metrics::outcomes(rep, &preps[s].epochs[0].params, period);
        keys.iter()
            .map(|k| all.iter().find(|(key, _)| key == k).and_then(|(_, v)| *v))
            .collect()
    };
    let stopped = |e: engine::OutOfMemory| Error::Other(format!("{e}: the sweep was stopped"));
    let all: Vec<&Prepared> = preps.iter().collect();
    // Each thread may be running a point of its own, with as many worlds.
    let tasks = rayon::current_num_threads() as u64;
    let share = super::can_share(&all) && super::shared_fits(&all, tasks);
    let per_run: Vec<Vec<Option<f64>>> = if share {
        // The point's scenarios usually agree until their policies start: each replicate
        // steps those months once for all of them (the same numbers as one by one), if the
        // copies of the world each replicate then holds fit in memory.
        let texts = super::describe(&all);
        let members = super::members(&all, &texts);
        let per_replicate: Vec<Vec<Vec<Option<f64>>>> = (0..reps)
            .into_par_iter()
            .map(|r| -> Result<_, Error> {
                let t = Instant::now();
                let spec = RunSpec {
                    replicate: r,
                    ..preps[0].spec
                };
                let ran = engine::shared::run(&members, spec, &|| {}).map_err(stopped)?;
                let values = ran
                    .replicates
                    .iter()
                    .enumerate()
                    .map(|(s, rep)| values_of(s, rep))
                    .collect();
                busy.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
                Ok(values)
            })
            .collect::<Result<_, _>>()?;
        // In the order of `runs`: scenario by scenario, each replicate in turn.
        runs.iter()
            .map(|&(s, r)| per_replicate[r as usize][s].clone())
            .collect()
    } else {
        runs.par_iter()
            .map(|&(s, r)| -> Result<Vec<Option<f64>>, Error> {
                let t = Instant::now();
                let prep = &preps[s];
                let rep = engine::run_replicate(
                    &prep.epochs,
                    RunSpec {
                        replicate: r,
                        ..prep.spec
                    },
                    &|| {},
                )
                .map_err(stopped)?;
                let values = values_of(s, &rep);
                busy.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
                Ok(values)
            })
            .collect::<Result<_, _>>()?
    };
    Ok(per_run.into_iter().flatten().collect())
}

/// `crossroads sweep merge DIR`: every shard's log into the sweep's tables, with the indices
/// and the robustness of each effect.
pub fn merge(dir: &Path) -> Result<SweepReport, Error> {
    let plan = read_plan(dir)?;
    let (version, build) = program();
    if (&plan.version, &plan.build) != (&version, &build) {
        return Err(Error::Input(format!(
            "{}: the sweep was planned by crossroads {} (build {}); this is crossroads {version} (build {build}): merge with the program that ran it",
            dir.display(),
            plan.version,
            plan.build
        )));
    }
    // The plan's hash is of what decides its results: a sweep.json changed by hand (its agents,
    // its period) would label the logs' numbers with what did not make them.
    if plan.identity() != plan.sweep {
        return Err(Error::Input(format!(
            "{}: has been changed since the sweep was planned (what it says no longer gives its hash {}); merge only a plan crossroads wrote, or run the sweep again",
            dir.join("sweep.json").display(),
            plan.sweep
        )));
    }
    let cfg: Config = toml::from_str(&plan.config.text).map_err(|e| {
        Error::Input(format!(
            "{}: sweep.json: its configuration does not parse: {e}",
            dir.display()
        ))
    })?;
    let design = cfg
        .design()
        .map_err(|e| Error::Input(format!("{}: sweep.json: {e}", dir.display())))?;
    if design.values.len() + 1 != plan.points {
        return Err(Error::Input(format!(
            "{}: sweep.json: {} points planned, the configuration gives {}",
            dir.display(),
            plan.points,
            design.values.len() + 1
        )));
    }
    let records = read_logs(dir, &plan)?;
    let missing: Vec<usize> = (0..plan.points).filter(|&p| records[p].is_none()).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(8).map(|p| p.to_string()).collect();
        return Err(Error::Other(format!(
            "{}: {} of {} points have no result yet (points {}{}); run the missing shards, or the sweep without --shard to finish them here",
            dir.display(),
            missing.len(),
            plan.points,
            shown.join(", "),
            if missing.len() > 8 { ", …" } else { "" }
        )));
    }
    let values: Vec<Vec<Option<f64>>> = records.into_iter().flatten().map(|r| r.values).collect();
    let layout = plan.layout();
    let ys = outputs(&layout, &values);
    // The values each point ran with (point 0 first).
    let defaults: Vec<f64> = plan.parameters.iter().map(|p| p.default).collect();
    let whole: Vec<bool> = plan.parameters.iter().map(|p| p.whole).collect();
    let run = point_values(&defaults, &whole, &design);
    let dists = cfg
        .distributions()
        .map_err(|e| Error::Input(format!("{}: sweep.json: {e}", dir.display())))?;
    let ix = indices(
        &layout,
        &design,
        &plan.keys(),
        &run[1..],
        &dists,
        &ys,
        plan.resamples,
        plan.seed,
    );
    let rb = robustness(&layout, &design, &ys);
    let write = |name: &str, bytes: anyhow::Result<Vec<u8>>| -> Result<(), Error> {
        let bytes = bytes.map_err(|e| Error::other(e.context(name.to_string())))?;
        write_whole(&dir.join(name), &bytes)
    };
    // points.csv again, from the plan: every table of the folder is then the merge's own.
    write("points.csv", tables::points(&plan.keys(), &run))?;
    write(
        "results.csv",
        tables::results(&layout, &plan.period, &values),
    )?;
    write("sensitivity.csv", tables::sensitivity(&ix))?;
    write("robustness.csv", tables::robustness(&rb, &plan.period))?;
    let mut lines = vec![format!(
        "merged {} points × {} scenarios × {} replicates; wrote points.csv, results.csv, sensitivity.csv and robustness.csv in {}",
        plan.points,
        plan.scenarios.len(),
        plan.replicates,
        dir.display()
    )];
    for r in rb.iter().filter(|r| r.share.is_some()) {
        let (share, lo, hi) = r.share.unwrap_or_default();
        lines.push(format!(
            "{}: {} keeps its sign at {:.0}% of the points (95% interval {:.0}–{:.0}%)",
            r.scenario,
            r.metric,
            100.0 * share,
            100.0 * lo,
            100.0 * hi
        ));
    }
    Ok(SweepReport {
        out: dir.to_path_buf(),
        lines,
    })
}
