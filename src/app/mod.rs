//! The commands, between the command line and the library, one file each (`run`, `compare`,
//! `calibrate`, `sweep` with its `slurm` scripts, `check`, `metrics`, `map`, `report`). This file holds what they share: the run options and
//! their limits, preparing a scenario (load, override, compile), the memory a run needs, the
//! thread pool, running the replicates and the progress bar. Every input error is found before any output
//! folder is touched; every error is an [`Error`], which decides the exit code.

mod calibrate;
mod check;
mod compare;
mod config_file;
mod error;
mod map;
mod metrics;
mod report;
mod run;
mod slurm;
mod sweep;

pub use calibrate::{CalibrationReport, calibrate};
pub use check::check;
pub use compare::{CompareReport, compare, compare_what_if};
pub use error::Error;
pub use map::{DEFAULT_MAP, MapReport, map};
pub use metrics::metrics;
pub use report::{ReportDone, report, write_sweep_report};
pub use run::{RunReport, run, speed, speed_line};
pub use slurm::SlurmOptions;
pub use sweep::{SweepOptions, SweepReport, merge as sweep_merge, sweep};

use crate::engine::{self, Epoch, Params, Replicate, RunSpec};
use crate::memory;
use crate::scenario::{self, Loaded, Scenario};
use crate::validation;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};

/// A line on standard error (a note, a finished replicate): nothing, rather than a panic, when
/// standard error cannot be written (`2> /dev/full`).
pub fn note(line: std::fmt::Arguments) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Options shared by the commands that run scenarios.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub out: Option<PathBuf>,
    pub seed: Option<u64>,
    pub replicates: Option<u32>,
    pub agents: Option<u32>,
    /// `--agents full`: one agent per person (weight 1), no sampling strata.
    pub full: bool,
    pub months: Option<u32>,
    pub threads: Option<usize>,
    pub sets: Vec<String>,
    /// A compared variant's own overrides (`compare --what-if`), applied after `sets`.
    pub what_if: Vec<String>,
    /// Overrides that hold for the whole run, over any event's setting of the same key (a
    /// sweep's pinned parameters).
    pub pins: Vec<String>,
    pub quiet: bool,
    /// Write report.html into the output folder with the run (`run` and `compare`).
    pub report: bool,
}

/// Most agents a run may have (64 GB of agents alone).
pub const MAX_AGENTS: u32 = 1_000_000_000;
/// Most replicates a run may have.
pub const MAX_REPLICATES: u32 = 10_000;
/// Most reported months `--months` may ask for (a century).
pub const MAX_MONTHS: u32 = 1_200;
/// Most worker threads, whatever the cores.
pub const MAX_THREADS: usize = 1_024;

/// Most worker threads on this machine: four per core, and at most [`MAX_THREADS`].
pub fn max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (4 * cores).min(MAX_THREADS)
}

/// Check the run options on their own, before anything is read.
fn check_options(o: &RunOptions) -> Result<(), Error> {
    for (flag, v, max) in [
        ("--agents", o.agents, MAX_AGENTS),
        ("--months", o.months, MAX_MONTHS),
        ("--replicates", o.replicates, MAX_REPLICATES),
    ] {
        match v {
            Some(0) => return Err(Error::Input(format!("{flag} 0: must be at least 1"))),
            Some(n) if n > max => {
                return Err(Error::Input(format!("{flag} {n}: must be at most {max}")));
            }
            _ => {}
        }
    }
    match o.threads {
        Some(0) => Err(Error::Input("--threads 0: must be at least 1".into())),
        Some(n) if n > max_threads() => Err(Error::Resource(format!(
            "--threads {n}: must be at most {} on this machine (four per core, at most {MAX_THREADS})",
            max_threads()
        ))),
        _ => Ok(()),
    }
}

/// The engine's parameters for one scenario. The only place a scenario is compiled.
/// A compile error names the scenario file (the key is in the message).
fn compile(path: &Path, s: &Scenario) -> Result<Params, Error> {
    crate::compile::params(s).map_err(|e| in_file(path, e))
}

fn in_file(path: &Path, e: scenario::ScenarioError) -> Error {
    Error::Scenario(scenario::ScenarioError::new(
        path.display().to_string(),
        e.message,
    ))
}

/// The first `--set` of `key`, if any.
fn set_of<'a>(sets: &'a [String], key: &str) -> Option<&'a String> {
    sets.iter()
        .find(|x| x.split_once('=').is_some_and(|(k, _)| k.trim() == key))
}

/// A sweep or a calibration gives every run it makes the seed, replicates and months of its
/// configuration (or of the options); a `--set` of one of those would be overridden, so it is
/// refused, naming where the value is given. (`prepare` would refuse it too, but as a clash with
/// an option the user never gave.)
pub(crate) fn set_of_a_configured_key(config: &Path, o: &RunOptions) -> Result<(), Error> {
    for (key, given) in [
        ("seed", o.seed.is_some()),
        ("replicates", o.replicates.is_some()),
        ("months", o.months.is_some()),
    ] {
        if let Some(set) = set_of(&o.sets, key).filter(|_| given) {
            return Err(Error::Input(format!(
                "--set {set}: the runs of {} take their {key} from its `{key}` key or from --{key}; give it there",
                config.display()
            )));
        }
    }
    Ok(())
}

/// A scenario loaded, overridden by the options, and compiled for the engine.
pub struct Prepared {
    pub loaded: Loaded,
    pub name: String,
    pub epochs: Vec<Epoch>,
    pub spec: RunSpec,
    pub replicates: u32,
    /// Worker threads the run will have (`--threads`, or one per core).
    pub threads: usize,
    pub start: (i32, u32),
    /// When `--months` ends the run before some of the scenario's events: a note that says so
    /// (their months, which the run never reaches).
    pub cut_events: Option<String>,
}

/// Load a scenario and apply the run options; every bad input is reported here, before any
/// output is written.
pub fn prepare(path: &Path, o: &RunOptions) -> Result<Prepared, Error> {
    check_options(o)?;
    let loaded = scenario::load_pinned(path, &o.sets, &o.what_if, &o.pins)?;
    let s = &loaded.scenario;
    // An option and a --set of the same key that disagree: which one was meant is not ours
    // to guess (the option would win, and the manifest's resolved scenario would show the other).
    for (key, option, value) in [
        ("months", o.months.map(u64::from), s.months as u64),
        (
            "replicates",
            o.replicates.map(u64::from),
            s.replicates as u64,
        ),
        ("seed", o.seed, s.seed),
    ] {
        let set = set_of(&o.sets, key).is_some();
        if let Some(v) = option.filter(|&v| set && v != value) {
            return Err(Error::Input(format!(
                "--{key} {v} and --set {key}={value} disagree; give one of them"
            )));
        }
    }
    let months = o.months.unwrap_or(s.months);
    let spin_up = s.spin_up_months;
    let horizon = spin_up + months;
    // The same bound as the scenario file's, whether the months come from it or from --months.
    if horizon > MAX_MONTHS {
        return Err(Error::Input(format!(
            "{}: spin_up_months + months = {spin_up} + {months} = {horizon} simulated months; at most {MAX_MONTHS} (100 years)",
            path.display(),
        )));
    }
    // One agent per person: the persons at the start and those entering over the run (the
    // settling run may change the first figure a little; the engine counts it again then).
    let agents = if o.full {
        let ever = s.population.persons + s.population.entries_per_year * horizon as f64 / 12.0;
        if !(1.0..=MAX_AGENTS as f64).contains(&ever.round()) {
            return Err(Error::Input(format!(
                "--agents full: the scenario's pool holds {ever:.0} persons over the run; at most {MAX_AGENTS} agents are supported"
            )));
        }
        ever.round() as u32
    } else {
        o.agents.unwrap_or(s.population.default_agents)
    };
    let epochs = crate::compile::epochs(&loaded, horizon).map_err(|e| in_file(path, e))?;
    let start = scenario::parse_month(&s.start).ok_or_else(|| {
        Error::Input(format!(
            "{}: start = {:?} is not YYYY-MM",
            path.display(),
            s.start
        ))
    })?;
    // The files' events all fall within the months they declare (the loader refuses others),
    // so only a shorter --months or --set months can leave some out.
    let cut: Vec<String> = loaded
        .epochs
        .iter()
        .filter(|e| e.month >= horizon)
        .map(|e| crate::calendar::month_label(start, (e.month - spin_up) as usize))
        .collect();
    let cut_events = (!cut.is_empty()).then(|| {
        let which = if cut.len() == 1 {
            format!("its event of {}, which does not happen", cut[0])
        } else {
            format!(
                "its events of {} months from {} to {}, which do not happen",
                cut.len(),
                cut[0],
                cut[cut.len() - 1]
            )
        };
        let by = if o.months.is_some() {
            format!("--months {months}")
        } else {
            format!("months = {months}")
        };
        format!(
            "{}: with {by} the run ends in {}, before {which}",
            path.display(),
            crate::calendar::month_label(start, months.saturating_sub(1) as usize),
        )
    });
    Ok(Prepared {
        name: s.name.clone(),
        epochs,
        cut_events,
        spec: RunSpec {
            seed: o.seed.unwrap_or(s.seed),
            replicate: 0,
            agents: agents as usize,
            spin_up,
            months,
            full: o.full,
        },
        replicates: o.replicates.unwrap_or(s.replicates),
        threads: o
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        start,
        loaded,
    })
}

impl Prepared {
    /// Simulated months of all replicates (for the progress bar).
    fn total_months(&self) -> u64 {
        (self.spec.spin_up + self.spec.months) as u64 * self.replicates as u64
    }

    /// Whether replicates run side by side (see [`PARALLEL_REPLICATE_AGENTS`]).
    fn side_by_side(&self) -> bool {
        self.spec.agents * self.replicates as usize <= PARALLEL_REPLICATE_AGENTS
    }

    /// Memory the run needs: what it holds while a replicate runs, and what it keeps after.
    fn need(&self) -> Need {
        let at_once = if self.side_by_side() {
            worlds_at_once(self.replicates, self.threads)
        } else {
            1
        };
        let one = self.need_one();
        Need {
            agents: at_once.saturating_mul(one.agents),
            recruiters: at_once.saturating_mul(one.recruiters),
            kept: one.kept.saturating_mul(self.replicates as u64),
        }
    }

    /// Bytes one replicate needs on its own (a sweep's run).
    fn need_one(&self) -> Need {
        // The engine's own account of its layouts; the first epoch creates the world (later
        // epochs change values, not sizes).
        let f = self
            .epochs
            .first()
            .map(|e| engine::footprint(&e.params, self.spec))
            .unwrap_or_default();
        Need {
            agents: f.agents,
            recruiters: f.recruiters,
            kept: f.kept,
        }
    }

    /// A scenario name used as a folder name must be one plain name.
    fn folder_name(&self, path: &Path) -> Result<&str, Error> {
        let n = self.name.as_str();
        if crate::output::folder::plain_name(n) {
            Ok(n)
        } else {
            Err(Error::Input(format!(
                "{}: name = \"{}\" cannot name an output folder: {}",
                path.display(),
                crate::scenario::shown(n),
                crate::scenario::NAME_RULE
            )))
        }
    }
}

/// Bytes a run needs.
#[derive(Clone, Copy, Debug, Default)]
struct Need {
    /// Agents (with their counters) held while replicates run, freed after each.
    agents: u64,
    /// Recruiters held while replicates run, freed after each.
    recruiters: u64,
    /// Kept until the outputs are written (monthly and yearly counts of every replicate).
    kept: u64,
}

/// Fixed memory of the program: code, scenario, output tables of a small run.
const FIXED_BYTES: u64 = 64 << 20;

/// Refuse runs that cannot fit in the memory available, before allocating anything. Runs
/// listed together (their [`Need`]s) run one after another; with `keep_all` each keeps its
/// counts until the end (`compare`), otherwise only one run's counts are held at a time.
/// `at_once` runs of the biggest (a sweep's threads, each stepping a run of its own) may be
/// held at the same time.
fn check_memory(what: &str, needs: &[Need], keep_all: bool, at_once: u64) -> Result<(), Error> {
    let Some(avail) = memory::available() else {
        return Ok(());
    };
    let (need, biggest, kept) = memory_need(needs, keep_all, at_once);
    if need <= avail {
        return Ok(());
    }
    let times = if at_once > 1 {
        format!(" ({at_once} runs at once, one for each thread)")
    } else {
        String::new()
    };
    let mut parts = vec![format!(
        "{} for agents{times}",
        memory::human(biggest.agents)
    )];
    if biggest.recruiters >= avail / 8 {
        parts.push(format!(
            "{} for recruiters",
            memory::human(biggest.recruiters)
        ));
    }
    if kept >= avail / 8 {
        parts.push(format!("{} for monthly counts", memory::human(kept)));
    }
    let fewer = if at_once > 1 {
        "fewer --agents, --replicates, --threads or recruiters"
    } else {
        "fewer --agents, --replicates or recruiters"
    };
    Err(Error::Resource(format!(
        "{what} needs about {} ({}); this machine has {} available (use {fewer})",
        memory::human(need),
        parts.join(", "),
        memory::human(avail)
    )))
}

/// The bytes [`check_memory`] asks for, with the biggest run's agents and recruiters, times
/// `at_once`, and the counts kept (in bytes, all runs' at once).
fn memory_need(needs: &[Need], keep_all: bool, at_once: u64) -> (u64, Need, u64) {
    let at_once = at_once.max(1);
    let mut biggest = needs
        .iter()
        .copied()
        .max_by_key(|n| n.agents.saturating_add(n.recruiters))
        .unwrap_or_default();
    biggest.agents = biggest.agents.saturating_mul(at_once);
    biggest.recruiters = biggest.recruiters.saturating_mul(at_once);
    let kept = if keep_all {
        needs.iter().map(|n| n.kept).fold(0u64, u64::saturating_add)
    } else {
        needs
            .iter()
            .map(|n| n.kept)
            .max()
            .unwrap_or(0)
            .saturating_mul(at_once)
    };
    let need = biggest
        .agents
        .saturating_add(biggest.recruiters)
        .saturating_add(kept)
        .saturating_add(FIXED_BYTES);
    (need, biggest, kept)
}

/// Scenarios compared with a baseline must run on its draws and its calendar: the same seed,
/// replicates, agents, first month, spin-up and months. Otherwise their paired differences
/// would set different people, or different years, side by side. The first of `others` that
/// differs is refused, naming the key, both values and how to make them agree.
pub(super) fn same_frame(
    base: (&Path, &Prepared),
    others: &[(&Path, &Prepared)],
) -> Result<(), Error> {
    let (bp, b) = base;
    let frame = |p: &Prepared| {
        [
            ("seed", p.spec.seed.to_string(), " or give --seed"),
            (
                "replicates",
                p.replicates.to_string(),
                " or give --replicates",
            ),
            (
                "population.default_agents",
                if p.spec.full {
                    "full".to_string()
                } else {
                    p.spec.agents.to_string()
                },
                " or give --agents",
            ),
            ("start", crate::calendar::month_label(p.start, 0), ""),
            ("spin_up_months", p.spec.spin_up.to_string(), ""),
            ("months", p.spec.months.to_string(), " or give --months"),
        ]
    };
    for (path, p) in others {
        for ((key, theirs, option), (_, ours, _)) in frame(p).into_iter().zip(frame(b)) {
            if theirs != ours {
                return Err(Error::Input(format!(
                    "{}: {key} is {theirs}, the baseline's ({}) {ours}: a comparison runs every scenario on the baseline's draws over its months; make them agree in the files{option}",
                    path.display(),
                    bp.display()
                )));
            }
        }
    }
    Ok(())
}

/// How a run's size reads in a message: `--agents 100000000 with 2 replicates of 30 simulated
/// months`.
fn size_label(p: &Prepared) -> String {
    format!(
        "--agents {} with {} replicate{} of {} simulated months",
        p.spec.agents,
        p.replicates,
        if p.replicates == 1 { "" } else { "s" },
        p.spec.spin_up + p.spec.months
    )
}

/// A rayon pool with the requested threads (all cores by default).
fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        b = b.num_threads(n);
    }
    b.build()
        .map_err(|e| Error::Other(format!("cannot start threads: {e}")))
}

fn progress_bar(total: u64, quiet: bool, label: &str) -> ProgressBar {
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

/// Whether finished replicates are told one line each on standard error (set by the command
/// line when standard error is not a terminal, where the progress bar does not show).
static LINES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tell each finished replicate on a line of its own (when the progress bar cannot be seen).
pub fn progress_lines(on: bool) {
    LINES.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Agents (summed over replicates held at once) below which replicates run side by side.
/// Small runs gain more from stepping replicates in parallel than from splitting a month's few
/// chunks over threads; large ones would only multiply their memory.
pub const PARALLEL_REPLICATE_AGENTS: usize = 4_000_000;

/// Run every replicate of a prepared scenario. The output is the same whichever way they run:
/// each replicate is keyed by its own index and results are kept in replicate order.
pub fn simulate(prep: &Prepared, bar: &ProgressBar) -> Result<Vec<Replicate>, Error> {
    let (mut each, _) = simulate_shared(&[prep], bar)?;
    Ok(each.remove(0))
}

/// Whether scenarios can be simulated together, on one world per replicate for as long as
/// their parameters agree (`engine::shared`): the same seed, number of agents, months and
/// replicates.
pub fn can_share(preps: &[&Prepared]) -> bool {
    let Some(lead) = preps.first() else {
        return false;
    };
    preps.iter().all(|p| {
        let (a, b) = (&p.spec, &lead.spec);
        (a.seed, a.agents, a.spin_up, a.months, a.full, p.replicates)
            == (
                b.seed,
                b.agents,
                b.spin_up,
                b.months,
                b.full,
                lead.replicates,
            )
    })
}

/// Worlds a run whose replicates go side by side holds at once: a few for each thread (a
/// thread waiting inside one replicate's month may start another; measured, 300 agents and
/// 1,000 replicates on two threads peaked at 200 MB, nearly all of it the counts kept), and
/// never more than its replicates. Each finished replicate's world is dropped.
fn worlds_at_once(replicates: u32, threads: usize) -> u64 {
    (replicates as u64).min(WORLDS_PER_THREAD * threads.max(1) as u64)
}

/// See [`worlds_at_once`].
const WORLDS_PER_THREAD: u64 = 4;

/// Whether the replicates of scenarios simulated together run side by side: as for one
/// scenario ([`PARALLEL_REPLICATE_AGENTS`]), counting the agents of all of them, since each
/// replicate may hold a world for each scenario once their parameters part.
fn shared_side_by_side(preps: &[&Prepared]) -> bool {
    let agents: usize = preps
        .iter()
        .map(|p| p.spec.agents.saturating_mul(p.replicates as usize))
        .fold(0, usize::saturating_add);
    agents <= PARALLEL_REPLICATE_AGENTS
}

/// Whether scenarios simulated together fit in the memory available ([`shared_need`]).
pub(super) fn shared_fits(preps: &[&Prepared], tasks: u64) -> bool {
    memory::available().is_none_or(|avail| shared_need(preps, tasks) <= avail)
}

/// Bytes scenarios simulated together need: each replicate may hold a world for each of them
/// at once, and `tasks` such runs (a sweep's points, one for each thread) may be under way at
/// the same time.
fn shared_need(preps: &[&Prepared], tasks: u64) -> u64 {
    let at_once = match preps.first() {
        Some(p) if shared_side_by_side(preps) => worlds_at_once(p.replicates, p.threads),
        _ => 1,
    };
    preps
        .iter()
        .map(|p| {
            let one = p.need_one();
            at_once
                .saturating_mul(one.agents.saturating_add(one.recruiters))
                .saturating_add(one.kept.saturating_mul(p.replicates as u64))
                .saturating_mul(tasks.max(1))
        })
        .fold(FIXED_BYTES, u64::saturating_add)
}

/// The text of each epoch's parameters of each scenario (`engine::shared::describe`).
pub(super) fn describe(preps: &[&Prepared]) -> Vec<Vec<String>> {
    preps
        .iter()
        .map(|p| engine::shared::describe(&p.epochs))
        .collect()
}

/// The scenarios as members of a shared run, with their texts from [`describe`].
pub(super) fn members<'a>(
    preps: &[&'a Prepared],
    texts: &'a [Vec<String>],
) -> Vec<engine::shared::Member<'a>> {
    preps
        .iter()
        .zip(texts)
        .map(|(p, texts)| engine::shared::Member {
            epochs: &p.epochs,
            texts,
        })
        .collect()
}

/// Run every replicate of several prepared scenarios that [`can_share`] (or of one), each
/// replicate on one world for as long as their parameters agree (`engine::shared`): each
/// scenario's replicates are the same, to the byte, as it gets alone. Replicates are keyed by
/// their own index and kept in replicate order, whichever way they run. Returns each scenario's
/// replicates and the agent-steps simulated (months shared counted once).
pub fn simulate_shared(
    preps: &[&Prepared],
    bar: &ProgressBar,
) -> Result<(Vec<Vec<Replicate>>, f64), Error> {
    use rayon::prelude::*;
    // A scenario alone compares its parameters with nothing: no texts to make.
    let texts = if preps.len() > 1 {
        describe(preps)
    } else {
        vec![Vec::new(); preps.len()]
    };
    let members = members(preps, &texts);
    let Some(lead) = preps.first() else {
        return Ok((Vec::new(), 0.0));
    };
    let names: Vec<&str> = preps.iter().map(|p| p.name.as_str()).collect();
    let tick = || bar.inc(1);
    let clock = std::time::Instant::now();
    let one = |r: u32| {
        let ran = engine::shared::run(
            &members,
            RunSpec {
                replicate: r,
                ..lead.spec
            },
            &tick,
        );
        if LINES.load(std::sync::atomic::Ordering::Relaxed) && ran.is_ok() {
            note(format_args!(
                "{}: replicate {} of {} done ({:.1} s)",
                match names.as_slice() {
                    [a, b] => format!("{a} and {b}"),
                    [first, rest @ ..] if !rest.is_empty() => {
                        format!("{first} and {} others", rest.len())
                    }
                    _ => names.join(""),
                },
                r + 1,
                lead.replicates,
                clock.elapsed().as_secs_f64()
            ));
        }
        ran
    };
    let ran: Result<Vec<engine::shared::Shared>, engine::OutOfMemory> =
        if shared_side_by_side(preps) {
            (0..lead.replicates).into_par_iter().map(one).collect()
        } else {
            (0..lead.replicates).map(one).collect()
        };
    let ran = ran.map_err(|e| Error::Other(format!("{e}: the run was stopped")))?;
    let agent_steps = ran.iter().map(|s| s.agent_steps as f64).sum();
    let mut each: Vec<Vec<Replicate>> = preps.iter().map(|_| Vec::new()).collect();
    for s in ran {
        for (reps, rep) in each.iter_mut().zip(s.replicates) {
            reps.push(rep);
        }
    }
    Ok((each, agent_steps))
}

/// The default output folder of a run: `output/<name>`.
pub fn default_out(name: &str) -> PathBuf {
    Path::new("output").join(name)
}

/// validation.csv and validation_series.csv rows of a run.
type Checked = (Vec<validation::Row>, Vec<validation::SeriesRow>);

/// Check the run against the scenario's observed data, if it carries any.
fn validate(prep: &Prepared, path: &Path, reps: &[Replicate]) -> Result<Option<Checked>, Error> {
    let Some(obs) = &prep.loaded.scenario.observed else {
        return Ok(None);
    };
    let p0 = &prep.epochs[0].params;
    // The observed data was checked while loading; what can still fail here is a safety net.
    validation::validate(obs, reps, p0, &prep.loaded.resolved, prep.start.0)
        .map(Some)
        .map_err(|e| Error::Input(format!("{}: observed: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_held_at_once_multiply_the_memory_asked_for() {
        let runs = [
            Need {
                agents: 600,
                recruiters: 100,
                kept: 10,
            },
            Need {
                agents: 400,
                recruiters: 500,
                kept: 30,
            },
        ];
        // The biggest run's agents and recruiters, and one run's counts at a time...
        let (one, biggest, kept) = memory_need(&runs, false, 1);
        assert_eq!((biggest.agents, biggest.recruiters, kept), (400, 500, 30));
        assert_eq!(one, 930 + FIXED_BYTES);
        // ... times the runs held at once (a sweep's threads), counts and all.
        let (three, _, kept) = memory_need(&runs, false, 3);
        assert_eq!(kept, 90);
        assert_eq!(three, 3 * 930 + FIXED_BYTES);
        // Runs kept until the end (compare) keep every run's counts.
        let (all, _, kept) = memory_need(&runs, true, 1);
        assert_eq!((all, kept), (940 + FIXED_BYTES, 40));
    }

    #[test]
    fn shared_worlds_are_counted_once_for_each_task() {
        let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.toml");
        let o = RunOptions {
            agents: Some(5_000),
            ..RunOptions::default()
        };
        let prep = prepare(&tiny, &o).expect("the fixture prepares");
        let (one, three) = (
            shared_need(&[&prep, &prep], 1),
            shared_need(&[&prep, &prep], 3),
        );
        assert!(one > FIXED_BYTES);
        assert_eq!(three - FIXED_BYTES, 3 * (one - FIXED_BYTES));
    }

    #[test]
    fn replicates_side_by_side_hold_a_few_worlds_for_each_thread_not_one_each() {
        let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.toml");
        let o = RunOptions {
            agents: Some(300),
            replicates: Some(1000),
            threads: Some(2),
            ..RunOptions::default()
        };
        let prep = prepare(&tiny, &o).expect("the fixture prepares");
        assert!(prep.side_by_side());
        let (all, one) = (prep.need(), prep.need_one());
        assert_eq!(all.recruiters, 2 * WORLDS_PER_THREAD * one.recruiters);
        assert_eq!(
            all.kept,
            1000 * one.kept,
            "every replicate's counts are kept"
        );
    }

    #[test]
    fn options_out_of_bounds_are_refused() {
        let bad = [
            RunOptions {
                agents: Some(MAX_AGENTS + 1),
                ..RunOptions::default()
            },
            RunOptions {
                months: Some(0),
                ..RunOptions::default()
            },
            RunOptions {
                replicates: Some(MAX_REPLICATES + 1),
                ..RunOptions::default()
            },
            RunOptions {
                threads: Some(max_threads() + 1),
                ..RunOptions::default()
            },
        ];
        for o in bad {
            let e = check_options(&o).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{e}");
        }
        let fine = RunOptions {
            agents: Some(MAX_AGENTS),
            threads: Some(max_threads()),
            ..RunOptions::default()
        };
        assert!(check_options(&fine).is_ok());
    }
}
