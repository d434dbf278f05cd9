//! `crossroads run`: one scenario, its replicates, and the files of the output contract (and
//! report.html with `--report`).

use super::{
    Error, Prepared, RunOptions, check_memory, default_out, note, pool, prepare, progress_bar,
    simulate, size_label, validate,
};
use crate::compare::Values;
use crate::engine::Replicate;
use crate::engine::params::DeathsEstimator;
use crate::output::manifest::StratumRow;
use crate::output::{Folder, Manifest, tables};
use crate::{calendar, memory, validation};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a finished run reports.
pub struct RunReport {
    pub out: PathBuf,
    pub seconds: f64,
    pub agent_steps: f64,
    pub replicates: Vec<Replicate>,
    /// Metric values per replicate (outcomes.csv).
    pub values: Values,
    /// Rows of validation.csv, when the scenario carries observed data.
    pub validation: Option<Vec<validation::Row>>,
}

/// `crossroads run`.
pub fn run(path: &Path, o: &RunOptions) -> Result<RunReport, Error> {
    let prep = prepare(path, o)?;
    if let Some(cut) = &prep.cut_events {
        note(format_args!("note: {cut}"));
    }
    check_memory(&size_label(&prep), &[prep.need()], false, 1)?;
    let out = match &o.out {
        Some(out) => out.clone(),
        None => default_out(prep.folder_name(path)?),
    };
    let pool = pool(o.threads)?;
    // Claimed before the run: a foreign, busy or unwritable folder stops it here.
    let folder = Folder::claim(&out)?;
    let bar = progress_bar(prep.total_months(), o.quiet, &prep.name);
    let mut done = run_into(&prep, path, &folder, Path::new(""), &pool, &bar)?;
    bar.finish_and_clear();
    if o.report {
        super::report::write_into(&folder, &out)?;
    }
    folder.commit()?;
    done.out = out;
    Ok(done)
}

/// Run a prepared scenario and write its outputs into `sub` of a claimed folder (`""` for the
/// folder itself). The report's `out` is `sub`; the caller knows where the folder lands.
pub(super) fn run_into(
    prep: &Prepared,
    path: &Path,
    folder: &Folder,
    sub: &Path,
    pool: &rayon::ThreadPool,
    bar: &indicatif::ProgressBar,
) -> Result<RunReport, Error> {
    let timing = Timing {
        started: calendar::now_secs(),
        threads: pool.current_num_threads(),
        seconds: 0.0,
    };
    let clock = Instant::now();
    let reps = pool.install(|| simulate(prep, bar))?;
    let timing = Timing {
        seconds: clock.elapsed().as_secs_f64(),
        ..timing
    };
    write_into(prep, path, folder, sub, reps, timing)
}

/// When and how a run's replicates were simulated, for its manifest.
#[derive(Clone, Copy, Debug)]
pub(super) struct Timing {
    /// Start, in seconds since 1970.
    pub started: u64,
    pub threads: usize,
    /// Wall time of the simulation (of all the scenarios simulated together, for those that
    /// shared a world).
    pub seconds: f64,
}

/// Write the outputs of a scenario's simulated replicates into `sub` of a claimed folder.
pub(super) fn write_into(
    prep: &Prepared,
    path: &Path,
    folder: &Folder,
    sub: &Path,
    reps: Vec<Replicate>,
    timing: Timing,
) -> Result<RunReport, Error> {
    let Timing {
        started,
        threads,
        seconds,
    } = timing;
    let horizon = (prep.spec.spin_up + prep.spec.months) as u64;
    let p0 = &prep.epochs[0].params;
    let per_replicate = tables::replicate_metrics(p0, &reps);
    let values = Values::from_replicates(&per_replicate);
    let validation = validate(prep, path, &reps)?;
    let build = || -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
        let mut files = Vec::new();
        let mut ts = csv::Writer::from_writer(Vec::new());
        tables::timeseries(
            &mut ts,
            &prep.name,
            prep.start,
            &reps,
            p0.pop.deaths_estimator,
        )?;
        files.push(("timeseries.csv", ts.into_inner().context("timeseries.csv")?));
        let mut oc = csv::Writer::from_writer(Vec::new());
        tables::outcomes(&mut oc, &prep.name, &reps, &per_replicate)?;
        files.push(("outcomes.csv", oc.into_inner().context("outcomes.csv")?));
        let mut sm = csv::Writer::from_writer(Vec::new());
        tables::summary(&mut sm, &prep.name, &values)?;
        files.push(("summary.csv", sm.into_inner().context("summary.csv")?));
        let manifest = Manifest {
            scenario: &prep.name,
            seed: prep.spec.seed,
            replicates: prep.replicates,
            agents: reps.first().map_or(prep.spec.agents, |r| r.agents),
            weight: reps.first().map(|r| r.weight).unwrap_or(0.0),
            sampling: sampling(prep, &reps),
            deaths_estimator: match p0.pop.deaths_estimator {
                DeathsEstimator::Expected => "expected",
                DeathsEstimator::Drawn => "drawn",
            },
            months: prep.spec.months,
            spin_up_months: prep.spec.spin_up,
            threads,
            input_files: &prep.loaded.files,
            started,
            wall_seconds: seconds,
            resolved: &prep.loaded.resolved,
        };
        files.push((
            "manifest.json",
            manifest.to_bytes().context("manifest.json")?,
        ));
        if let Some((rows, series)) = &validation {
            let (v, vs) = tables::validation(rows, series).context("validation.csv")?;
            files.push(("validation.csv", v));
            files.push(("validation_series.csv", vs));
        }
        Ok(files)
    };
    for (name, bytes) in build().map_err(Error::other)? {
        folder.write(sub.join(name), &bytes)?;
    }
    let agents = reps.first().map_or(prep.spec.agents, |r| r.agents);
    let agent_steps = agents as f64 * horizon as f64 * prep.replicates as f64;
    Ok(RunReport {
        out: sub.to_path_buf(),
        seconds,
        agent_steps,
        values,
        replicates: reps,
        validation: validation.map(|v| v.0),
    })
}

/// The manifest's account of how agents were drawn: each sampling stratum of the scenario
/// (then the rest), its oversampling, the persons an agent of it stands for and the agents
/// drawn in it.
fn sampling(prep: &Prepared, reps: &[Replicate]) -> Vec<StratumRow> {
    let pop = &prep.epochs[0].params.pop;
    // One agent per person has no strata to report.
    let none = Vec::new();
    let (stated, units, oversample) = if prep.spec.full {
        (&none, vec![1], vec![1])
    } else {
        (&prep.loaded.scenario.strata, pop.units(), pop.oversample())
    };
    let weight = reps.first().map(|r| r.weight).unwrap_or(0.0);
    let n = reps.len().max(1) as f64;
    (0..units.len())
        .map(|s| {
            let agents = reps
                .iter()
                .map(|r| r.stratum_agents.get(s).copied().unwrap_or(0) as f64)
                .sum::<f64>()
                / n;
            let (id, conditions) = match stated.get(s) {
                Some(st) => (
                    st.id.clone(),
                    serde_json::to_value(st)
                        .map(|mut v| {
                            if let Some(o) = v.as_object_mut() {
                                o.remove("id");
                                o.remove("oversample");
                            }
                            v
                        })
                        .unwrap_or_default(),
                ),
                None if stated.is_empty() => ("everyone".to_string(), serde_json::json!({})),
                None => ("rest".to_string(), serde_json::json!({})),
            };
            StratumRow {
                id,
                conditions,
                oversample: oversample[s],
                persons_per_agent: weight * units[s] as f64,
                agents,
            }
        })
        .collect()
}

/// One line on speed and memory, printed after a run.
pub fn speed_line(r: &RunReport) -> String {
    speed(r.seconds, r.agent_steps)
}

/// The wall time, the agent-steps a second and the peak memory of this process, in one line.
pub fn speed(seconds: f64, agent_steps: f64) -> String {
    let mem = memory::peak()
        .map(|b| format!("{:.0} MB", b as f64 / 1e6))
        .unwrap_or_else(|| "unknown".into());
    format!(
        "wall {:.2} s, {:.1} million agent-steps/s, peak memory {mem}",
        seconds,
        agent_steps / seconds.max(1e-9) / 1e6
    )
}
