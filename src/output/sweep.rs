//! The CSV tables of a sweep (docs/SWEEPS.md): points.csv, results.csv, sensitivity.csv and
//! robustness.csv, one observation per row.

use super::tables::{exact, num, opt};
use crate::sweep::{Index, Layout, Robustness};
use anyhow::Result;

/// points.csv: `point`, then one column per parameter (point 0: the scenarios as written), each
/// value written exactly.
pub fn points(parameters: &[String], points: &[Vec<f64>]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = vec!["point".to_string()];
    head.extend(parameters.iter().cloned());
    w.write_record(&head)?;
    for (p, values) in points.iter().enumerate() {
        let mut row = vec![p.to_string()];
        row.extend(values.iter().map(|v| exact(*v)));
        w.write_record(&row)?;
    }
    Ok(w.into_inner()?)
}

/// results.csv: every metric of every scenario in every replicate at every point, over the
/// sweep's `period`, written exactly: the indices and robustness can be recomputed from it.
pub fn results(layout: &Layout, period: &str, points: &[Vec<Option<f64>>]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "point",
        "scenario",
        "replicate",
        "period",
        "metric",
        "value",
    ])?;
    for (p, values) in points.iter().enumerate() {
        for (s, scenario) in layout.scenarios.iter().enumerate() {
            for r in 0..layout.replicates {
                for (m, metric) in layout.metrics.iter().enumerate() {
                    w.write_record([
                        p.to_string().as_str(),
                        scenario,
                        r.to_string().as_str(),
                        period,
                        metric,
                        values[layout.at(s, r, m)]
                            .map(exact)
                            .unwrap_or_default()
                            .as_str(),
                    ])?;
                }
            }
        }
    }
    Ok(w.into_inner()?)
}

/// sensitivity.csv: one index of one parameter for one scenario's metric (its value for the
/// baseline, its effect for a policy scenario).
pub fn sensitivity(rows: &[Index]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scenario",
        "metric",
        "quantity",
        "parameter",
        "index",
        "estimate",
        "ci_low",
        "ci_high",
    ])?;
    for r in rows {
        w.write_record([
            r.scenario.as_str(),
            &r.metric,
            r.quantity,
            &r.parameter,
            r.index,
            &num(r.estimate),
            &opt(r.ci_low),
            &opt(r.ci_high),
        ])?;
    }
    Ok(w.into_inner()?)
}

/// robustness.csv: how a policy scenario's effect on a metric holds across the design.
pub fn robustness(rows: &[Robustness], period: &str) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scenario",
        "metric",
        "period",
        "default_effect",
        "default_relative_change",
        "points",
        "same_sign_points",
        "same_sign_share",
        "ci_low",
        "ci_high",
        "effect_p05",
        "effect_p50",
        "effect_p95",
        "relative_change_p05",
        "relative_change_p50",
        "relative_change_p95",
    ])?;
    for r in rows {
        let share = r
            .share
            .map(|s| [Some(s.0), Some(s.1), Some(s.2)])
            .unwrap_or([None; 3]);
        let e = r.effect.map(|x| x.map(Some)).unwrap_or([None; 3]);
        let rel = r.relative.map(|x| x.map(Some)).unwrap_or([None; 3]);
        let mut row = vec![
            r.scenario.clone(),
            r.metric.clone(),
            period.to_string(),
            opt(r.default_effect),
            opt(r.default_relative),
            r.points.to_string(),
            r.same_sign.to_string(),
        ];
        row.extend(share.iter().chain(&e).chain(&rel).map(|v| opt(*v)));
        w.write_record(&row)?;
    }
    Ok(w.into_inner()?)
}
