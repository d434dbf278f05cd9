//! The CSV tables of the output contract, built in memory from the replicates' counts. Numbers
//! are plain decimals; an undefined value is an empty cell.

use crate::calendar::month_label;
use crate::compare::Values;
use crate::engine::Replicate;
use crate::engine::agent::State;
use crate::engine::params::Params;
use crate::metric_names::{self, BY_GROUP, BY_SEX, Key};
use crate::metrics::{self, Period};
use anyhow::Result;

/// A number as the contract writes it: shortest form, at most 6 decimals, no trailing zeros.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

pub fn opt(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

const STATE_COLUMNS: [(&str, State); 7] = [
    ("at_home", State::AtHome),
    ("seeking", State::Seeking),
    ("in_transit", State::InTransit),
    ("detained", State::Detained),
    ("working", State::Working),
    ("stranded", State::Stranded),
    ("dead", State::Dead),
];

pub const FLOW_COLUMNS: [&str; 26] = [
    "departures_regular",
    "departures_visa_fraud",
    "departures_irregular",
    "departures_cross_border",
    "arrivals",
    "sea_arrivals",
    "deaths",
    "detentions",
    "entry_refusals",
    "deportations",
    "returns",
    "undocumented_returns",
    "new_debt_bondage",
    "new_forced_labour",
    "new_trafficked",
    "identified",
    "investigations",
    "prosecutions",
    "convictions",
    "remittances_usd",
    "mean_debt_usd",
    "in_forced_labour",
    "in_debt_bondage",
    "held_for_ransom",
    "ransom_paid_usd",
    "smuggled",
];

/// Write the timeseries rows of one scenario's replicates.
pub fn timeseries(
    w: &mut csv::Writer<Vec<u8>>,
    scenario: &str,
    start: (i32, u32),
    reps: &[Replicate],
) -> Result<()> {
    let mut h = vec![
        "scenario",
        "replicate",
        "month",
        "date",
        "population",
        "entered",
        "exited",
    ];
    h.extend(STATE_COLUMNS.iter().map(|s| s.0));
    h.extend(FLOW_COLUMNS);
    w.write_record(&h)?;
    for rep in reps {
        let wt = rep.weight;
        let persons = |n: u32| num(n as f64 * wt);
        for (m, row) in rep.months.iter().enumerate() {
            let t = &row.tally;
            let mut rec = vec![
                scenario.to_string(),
                rep.replicate.to_string(),
                (m + 1).to_string(),
                month_label(start, m),
                persons(t.population()),
                persons(t.entered),
                persons(t.exited),
            ];
            for (_, s) in STATE_COLUMNS {
                rec.push(persons(t.states[s as usize]));
            }
            for d in t.departures {
                rec.push(persons(d));
            }
            rec.push(persons(t.arrivals.iter().sum()));
            rec.push(persons(t.sea_arrivals.iter().sum()));
            for n in [
                t.deaths,
                t.detentions,
                t.entry_refusals,
                t.deportations,
                t.returns,
                t.undocumented_returns,
                t.new_debt_bondage,
                t.new_forced_labour,
                t.new_trafficked,
                t.identified,
            ] {
                rec.push(persons(n));
            }
            rec.push(num(row.enforcement.investigations as f64));
            rec.push(num(row.enforcement.prosecutions as f64));
            rec.push(num(row.enforcement.convictions as f64));
            rec.push(num(t.remittances * wt));
            rec.push(num(if t.debtors > 0 {
                t.debt_sum / t.debtors as f64
            } else {
                0.0
            }));
            rec.push(persons(t.in_forced_labour));
            rec.push(persons(t.in_debt_bondage));
            rec.push(persons(t.held_for_ransom));
            rec.push(num(t.ransom_paid * wt));
            rec.push(persons(t.smuggled));
            w.write_record(&rec)?;
        }
    }
    Ok(())
}

/// Metric values per replicate over the whole reported horizon.
pub fn replicate_metrics(p: &Params, reps: &[Replicate]) -> Vec<Vec<(Key, Option<f64>)>> {
    reps.iter()
        .map(|r| {
            metrics::outcomes(
                r,
                p,
                Period {
                    from: 0,
                    to: r.months.len(),
                },
            )
        })
        .collect()
}

pub fn outcomes(
    w: &mut csv::Writer<Vec<u8>>,
    scenario: &str,
    reps: &[Replicate],
    values: &[Vec<(Key, Option<f64>)>],
) -> Result<()> {
    w.write_record(["scenario", "replicate", "metric", "by", "level", "value"])?;
    for (rep, vals) in reps.iter().zip(values) {
        for (k, v) in vals {
            w.write_record([
                scenario,
                &rep.replicate.to_string(),
                &k.metric,
                &k.by,
                &k.level,
                &opt(*v),
            ])?;
        }
    }
    Ok(())
}

pub fn summary(w: &mut csv::Writer<Vec<u8>>, scenario: &str, values: &Values) -> Result<()> {
    w.write_record([
        "scenario",
        "metric",
        "by",
        "level",
        "mean",
        "sd",
        "ci_low",
        "ci_high",
        "replicates",
    ])?;
    for k in values.keys() {
        let s = metrics::describe(&values.defined(k));
        w.write_record([
            scenario,
            &k.metric,
            &k.by,
            &k.level,
            &opt(s.mean),
            &opt(s.sd),
            &opt(s.lo),
            &opt(s.hi),
            &s.n.to_string(),
        ])?;
    }
    Ok(())
}

/// validation.csv and validation_series.csv.
pub fn validation(
    rows: &[crate::validation::Row],
    series: &[crate::validation::SeriesRow],
) -> Result<(Vec<u8>, Vec<u8>)> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "target_id",
        "kind",
        "quantity",
        "metric",
        "by",
        "level",
        "period",
        "used_in_fit",
        "simulated",
        "ci_low",
        "ci_high",
        "target",
        "band_low",
        "band_high",
        "within",
    ])?;
    for r in rows {
        w.write_record([
            r.target_id.as_str(),
            r.kind.as_str(),
            &r.quantity,
            &r.metric,
            &r.by,
            &r.level,
            &r.period,
            if r.used_in_fit { "true" } else { "false" },
            &opt(r.simulated),
            &opt(r.ci_low),
            &opt(r.ci_high),
            &opt(r.target),
            &num(r.band[0]),
            &num(r.band[1]),
            if r.within() { "true" } else { "false" },
        ])?;
    }
    let mut s = csv::Writer::from_writer(Vec::new());
    s.write_record(["series", "year", "simulated", "observed", "relative_error"])?;
    for r in series {
        let rel = r
            .simulated
            .filter(|_| r.observed != 0.0)
            .map(|v| (v - r.observed) / r.observed);
        s.write_record([
            r.series.as_str(),
            &r.year.to_string(),
            &opt(r.simulated),
            &num(r.observed),
            &opt(rel),
        ])?;
    }
    Ok((w.into_inner()?, s.into_inner()?))
}

/// comparison.csv.
pub fn comparison(diffs: &[crate::compare::Diff]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scenario",
        "metric",
        "by",
        "level",
        "baseline_mean",
        "scenario_mean",
        "diff_mean",
        "diff_ci_low",
        "diff_ci_high",
        "relative_change",
    ])?;
    for d in diffs {
        w.write_record([
            d.scenario.as_str(),
            &d.key.metric,
            &d.key.by,
            &d.key.level,
            &opt(d.baseline_mean),
            &opt(d.scenario_mean),
            &opt(d.diff.mean),
            &opt(d.diff.lo),
            &opt(d.diff.hi),
            &opt(d.relative_change),
        ])?;
    }
    Ok(w.into_inner()?)
}

/// The dictionary of the metrics of outcomes.csv (`crossroads metrics`, docs/metrics.csv): one
/// row per metric and breakdown, in the order outcomes.csv writes them.
pub fn dictionary() -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(metric_names::DICTIONARY_HEADER)?;
    for m in metric_names::rows() {
        w.write_record(m.record())?;
    }
    Ok(w.into_inner()?)
}

/// One design point of `calibrate`, scored: its 0-based index in the design, its parameter
/// values, its score and its validation rows.
pub struct ScoredPoint<'a> {
    pub point: usize,
    pub values: &'a [f64],
    pub score: Option<f64>,
    pub rows: &'a [crate::validation::Row],
}

/// calibration.csv: one row per design point in the order given (best first): rank, point
/// (1-based), score, targets met (`met/total`, emergent targets and series), the parameters,
/// then the simulated value of each target of the first point.
pub fn calibration(parameters: &[&str], points: &[ScoredPoint]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = vec!["rank", "point", "score", "targets_met"];
    header.extend_from_slice(parameters);
    if let Some(first) = points.first() {
        header.extend(first.rows.iter().map(|r| r.target_id.as_str()));
    }
    w.write_record(&header)?;
    for (rank, p) in points.iter().enumerate() {
        let (met, total) = crate::validation::targets_met(p.rows);
        let mut rec = vec![
            (rank + 1).to_string(),
            (p.point + 1).to_string(),
            opt(p.score),
            format!("{met}/{total}"),
        ];
        rec.extend(p.values.iter().map(|v| num(*v)));
        rec.extend(p.rows.iter().map(|r| opt(r.simulated)));
        w.write_record(&rec)?;
    }
    Ok(w.into_inner()?)
}

/// A short table of the headline differences for the terminal.
pub fn comparison_text(diffs: &[crate::compare::Diff]) -> String {
    use std::fmt::Write;
    let mut scenarios: Vec<&str> = Vec::new();
    for d in diffs {
        if !scenarios.contains(&d.scenario.as_str()) {
            scenarios.push(&d.scenario);
        }
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<34} {:>14} {:>14} {:>26} {:>9}",
        "difference from baseline", "baseline", "scenario", "difference (95% interval)", "change"
    );
    for (metric, label) in crate::compare::HEADLINE {
        let _ = writeln!(s, "{label}");
        for sc in &scenarios {
            if let Some(d) = diffs
                .iter()
                .find(|d| d.scenario == *sc && d.key == Key::total(metric))
            {
                let f = |v: Option<f64>| v.map(short).unwrap_or_else(|| "-".into());
                // A difference that is rounding error next to the values compared reads as 0.
                let scale = d
                    .baseline_mean
                    .unwrap_or(0.0)
                    .abs()
                    .max(d.scenario_mean.unwrap_or(0.0).abs());
                let diff = d
                    .diff
                    .mean
                    .map(|x| if x.abs() <= 1e-9 * scale { 0.0 } else { x });
                let ci = match (d.diff.lo, d.diff.hi) {
                    (Some(l), Some(h)) => {
                        format!("{} [{}, {}]", f(diff), short(l), short(h))
                    }
                    _ => f(diff),
                };
                let rel = d
                    .relative_change
                    .map(|r| format!("{:+.1}%", 100.0 * r))
                    .unwrap_or_else(|| "-".into());
                let _ = writeln!(
                    s,
                    "  {:<32} {:>14} {:>14} {:>26} {:>9}",
                    sc,
                    f(d.baseline_mean),
                    f(d.scenario_mean),
                    ci,
                    rel
                );
            }
        }
    }
    // The same differences for women and for men, each over its own denominators.
    let by_sex = |metric: &str, sc: &str, level: &str| {
        diffs
            .iter()
            .find(|d| d.scenario == sc && d.key == Key::by(metric, BY_SEX, level))
    };
    let cell = |d: Option<&crate::compare::Diff>| match d {
        Some(d) => {
            let v = |x: Option<f64>| x.map(short).unwrap_or_else(|| "-".into());
            let rel = d
                .relative_change
                .map(|r| format!(" ({:+.1}%)", 100.0 * r))
                .unwrap_or_default();
            match (d.diff.lo, d.diff.hi) {
                (Some(l), Some(h)) => {
                    format!("{} [{}, {}]{rel}", v(d.diff.mean), short(l), short(h))
                }
                _ => format!("{}{rel}", v(d.diff.mean)),
            }
        }
        None => "-".into(),
    };
    let mut header = false;
    for (metric, label) in crate::compare::HEADLINE {
        if !BY_GROUP.contains(&metric) {
            continue;
        }
        if !header {
            let _ = writeln!(
                s,
                "\n{:<34} {:>36} {:>36}",
                "difference by sex (95% interval)", "women", "men"
            );
            header = true;
        }
        let _ = writeln!(s, "{label}");
        for sc in &scenarios {
            let _ = writeln!(
                s,
                "  {:<32} {:>36} {:>36}",
                sc,
                cell(by_sex(metric, sc, "women")),
                cell(by_sex(metric, sc, "men"))
            );
        }
    }
    s
}

/// A number rounded for reading: three significant digits.
pub fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return num(v);
    }
    let digits = (3 - 1 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(0.125), "0.125");
        assert_eq!(num(-0.0000001), "0");
        assert_eq!(num(f64::NAN), "");
    }
}
