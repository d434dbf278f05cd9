//! `crossroads calibrate`: run a Latin-hypercube design over the configuration's parameters and
//! write every point with its score, best first, to calibration.csv.

use super::config_file::{check_error, check_scenario_file, read_toml};
use super::{
    Error, RunOptions, check_memory, default_out, pool, prepare, progress_bar, simulate,
    size_label, validate,
};
use crate::calibrate::{Config, design, score};
use crate::output::{Folder, tables};
use crate::validation;
use std::path::{Path, PathBuf};

pub struct CalibrationReport {
    pub out: PathBuf,
    /// One line on the best point.
    pub best: String,
}

pub fn calibrate(config: &Path, o: &RunOptions) -> Result<CalibrationReport, Error> {
    let (cfg, text) = read_config(config)?;
    let scenario = config
        .parent()
        .unwrap_or(Path::new("."))
        .join(&cfg.scenario);
    // A scenario file that cannot be read is named where the configuration names it.
    check_scenario_file(config, &text, &["scenario"], None, &cfg.scenario, &scenario)?;
    let mut points = design(&cfg);
    let base = RunOptions {
        seed: Some(o.seed.unwrap_or(cfg.seed)),
        replicates: Some(o.replicates.unwrap_or(cfg.replicates)),
        agents: o.agents.or(cfg.agents),
        months: o.months.or(cfg.months),
        quiet: true,
        ..o.clone()
    };
    super::set_of_a_configured_key(config, &base)?;
    // The scenario itself first: a file that cannot be read is named as such, not as a
    // parameter's value.
    let plain = prepare(&scenario, &base)?;
    // A key that takes whole numbers (the resolved scenario writes it as a TOML integer) has its
    // values rounded, as a sweep's are.
    let whole: Vec<bool> = cfg
        .parameters
        .iter()
        .map(|p| {
            matches!(
                crate::scenario::value_at(&plain.loaded.resolved, &p.key),
                Some(toml::Value::Integer(_))
            )
        })
        .collect();
    let round = |v: f64, whole: bool| if whole { v.round() } else { v };
    for row in &mut points {
        for (v, &w) in row.iter_mut().zip(&whole) {
            *v = round(*v, w);
        }
    }
    // Each parameter's range is checked at its two ends, one parameter at a time, so that a bad
    // key or range is named as the configuration's, not as a point's `--set`.
    for (p, &w) in cfg.parameters.iter().zip(&whole) {
        for v in [round(p.min, w), round(p.max, w)] {
            let mut opts = base.clone();
            opts.sets.push(format!("{}={v}", p.key));
            if let Err(e) = prepare(&scenario, &opts) {
                let why = match e {
                    Error::Scenario(s) => s.message,
                    other => other.to_string(),
                };
                return Err(Error::Input(format!(
                    "{}: [[parameter]] key = {:?}, range [{}, {}]: at {v}: {why}",
                    config.display(),
                    p.key,
                    p.min,
                    p.max
                )));
            }
        }
    }
    // Every point is checked before any runs: a bad combination fails at once.
    let mut preps = Vec::new();
    for row in &points {
        let mut opts = base.clone();
        for (p, v) in cfg.parameters.iter().zip(row) {
            opts.sets.push(format!("{}={v}", p.key));
        }
        preps.push(prepare(&scenario, &opts)?);
    }
    if preps[0].loaded.scenario.observed.is_none() {
        return Err(Error::Input(format!(
            "{}: the scenario carries no observed data to calibrate against",
            scenario.display()
        )));
    }
    let needs: Vec<_> = preps.iter().map(|p| p.need()).collect();
    check_memory(&size_label(&preps[0]), &needs, false, 1)?;
    let stem = config
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "calibration".into());
    let out = o
        .out
        .clone()
        .unwrap_or_else(|| default_out(&format!("calibrate-{stem}")));
    let pool = pool(o.threads)?;
    let folder = Folder::claim(&out)?;
    let total: u64 = preps.iter().map(|p| p.total_months()).sum();
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
    // A point without a score cannot be ranked: if none has one, there is no best point.
    if scored.iter().all(|(_, s, _)| s.is_none()) {
        let missing: Vec<&str> = scored
            .first()
            .map(|(_, _, rows)| {
                rows.iter()
                    .filter(|r| r.kind != validation::Kind::Input && r.simulated.is_none())
                    .map(|r| r.target_id.as_str())
                    .collect()
            })
            .unwrap_or_default();
        return Err(Error::Input(format!(
            "{}: no point could be scored: no simulated value for {} (a period the run does not reach, or too few agents for it); run the months of the observed data, with more agents",
            config.display(),
            missing.join(", ")
        )));
    }
    scored.sort_by(|a, b| {
        a.1.unwrap_or(f64::INFINITY)
            .total_cmp(&b.1.unwrap_or(f64::INFINITY))
            .then(a.0.cmp(&b.0))
    });
    let keys: Vec<&str> = cfg.parameters.iter().map(|p| p.key.as_str()).collect();
    let table: Vec<tables::ScoredPoint> = scored
        .iter()
        .map(|(i, s, rows)| tables::ScoredPoint {
            point: *i,
            values: &points[*i],
            score: *s,
            rows,
        })
        .collect();
    let bytes = tables::calibration(&keys, &table)
        .map_err(|e| Error::other(e.context("calibration.csv")))?;
    folder.write("calibration.csv", &bytes)?;
    folder.commit()?;
    let best = table.first().map(|p| {
        let sets: Vec<String> = keys
            .iter()
            .zip(p.values)
            .map(|(k, v)| format!("{k}={}", tables::num(*v)))
            .collect();
        let (met, total) = validation::targets_met(p.rows);
        format!(
            "best point {} (score {}, {met} of {total} fitted targets and series met): {}",
            p.point + 1,
            tables::opt(p.score),
            sets.join(" ")
        )
    });
    Ok(CalibrationReport {
        out,
        best: best.unwrap_or_default(),
    })
}

/// Read and check a calibration configuration, with its text. Errors are one line: `file:
/// ...`, or `file:line:col: ...` for a TOML error.
fn read_config(path: &Path) -> Result<(Config, String), Error> {
    let (cfg, text): (Config, _) = read_toml(path)?;
    cfg.check()
        .map_err(|e| Error::Input(check_error(path, &text, &e)))?;
    Ok((cfg, text))
}
