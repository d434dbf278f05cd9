//! The CSV tables of the output contract, built in memory from the replicates' counts. Numbers
//! are plain decimals; an undefined value is an empty cell.

use crate::calendar::month_label;
use crate::compare::{Comparison, CostEffect, Diff, Values};
use crate::engine::Replicate;
use crate::engine::agent::State;
use crate::engine::params::{DeathsEstimator, Params};
use crate::metric_names::{self, BY_GROUP, BY_SEX, Key};
use crate::metrics::{self, Period};
use anyhow::Result;

/// A number as the contract writes it: shortest form, at most 6 decimals, no trailing zeros.
/// A number written exactly: the shortest decimal that reads back as the same `f64` (empty when
/// not finite). For the tables whose numbers others are computed from (a sweep's points and
/// results), so that the computation can be repeated from the file.
pub fn exact(v: f64) -> String {
    if !v.is_finite() {
        String::new()
    } else if v == 0.0 {
        "0".to_string()
    } else {
        format!("{v}")
    }
}

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

/// Write the timeseries rows of one scenario's replicates (deaths counted as `deaths` says).
pub fn timeseries(
    w: &mut csv::Writer<Vec<u8>>,
    scenario: &str,
    start: (i32, u32),
    reps: &[Replicate],
    deaths: DeathsEstimator,
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
            rec.push(num(t.deaths(deaths) * wt));
            for n in [
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

/// The columns of comparison.csv; comparison_by_year.csv has `year` in place of `period`.
const COMPARISON_HEADER: [&str; 11] = [
    "scenario",
    "metric",
    "by",
    "level",
    "period",
    "baseline_mean",
    "scenario_mean",
    "diff_mean",
    "diff_ci_low",
    "diff_ci_high",
    "relative_change",
];

fn comparison_rows(
    w: &mut csv::Writer<Vec<u8>>,
    diffs: &[Diff],
    costs: &[CostEffect],
) -> Result<()> {
    for d in diffs {
        w.write_record([
            d.scenario.as_str(),
            &d.key.metric,
            &d.key.by,
            &d.key.level,
            &d.period.to_string(),
            &opt(d.baseline_mean),
            &opt(d.scenario_mean),
            &opt(d.diff.mean),
            &opt(d.diff.lo),
            &opt(d.diff.hi),
            &opt(d.relative_change),
        ])?;
    }
    // A cost per person averted is a ratio of two differences: it has no baseline or scenario
    // mean, and no relative change.
    for c in costs {
        let r = c.value.as_ref().ok();
        w.write_record([
            c.scenario.as_str(),
            c.metric,
            "",
            "",
            &c.period.to_string(),
            "",
            "",
            &opt(r.map(|r| r.estimate)),
            &opt(r.map(|r| r.lo)),
            &opt(r.map(|r| r.hi)),
            "",
        ])?;
    }
    Ok(())
}

/// comparison.csv: each scenario's metrics, then its costs per person averted, over the years
/// its policy is in force.
pub fn comparison(comparisons: &[Comparison]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COMPARISON_HEADER)?;
    for c in comparisons {
        comparison_rows(&mut w, &c.diffs, &c.costs)?;
    }
    Ok(w.into_inner()?)
}

/// comparison_by_year.csv: the same rows year by year over every reported year.
pub fn comparison_by_year(comparisons: &[Comparison]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = COMPARISON_HEADER;
    header[4] = "year";
    w.write_record(header)?;
    for c in comparisons {
        comparison_rows(&mut w, &c.by_year, &c.costs_by_year)?;
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

/// Widths of the terminal table: scenario, row unit, a value, a difference with its interval,
/// a relative change, and a difference for one sex. A row is 2 + 24 + 1 + 9 + 2 × (1 + 9) +
/// 1 + 30 + 1 + 7 = 96 characters, or 2 + 24 + 1 + 9 + 2 × (1 + 30) = 98 by sex, for names of up
/// to 24 characters. Numbers in [`compact`] form take at most 9 characters, so a difference with
/// its interval at most 32: a row can reach 100 characters, no more.
/// Rows of text cells printed with each column as wide as its widest cell: the first two
/// columns left-aligned, the others right-aligned. A row of one cell is a heading across.
fn aligned(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |j: usize| {
        rows.iter()
            .filter(|r| r.len() > 1)
            .filter_map(|r| r.get(j))
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..cols).map(width).collect();
    let mut out = String::new();
    for r in rows {
        if r.len() == 1 {
            out.push_str(&r[0]);
        } else {
            let mut line = String::from(" ");
            for (j, c) in r.iter().enumerate() {
                let pad = widths[j].saturating_sub(c.chars().count());
                line.push(' ');
                if j < 2 {
                    line.push_str(c);
                    line.push_str(&" ".repeat(pad));
                } else {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(c);
                }
            }
            out.push_str(line.trim_end());
        }
        out.push('\n');
    }
    out
}

/// The headline differences for the terminal: the years each scenario is compared over, then one
/// block per outcome with its rate and its count a year on consecutive lines for each scenario,
/// the same differences for women and for men, and the costs per person averted. Shares are
/// percentages (their differences in percentage points), numbers have three significant digits,
/// and every column is as wide as its widest value.
pub fn comparison_text(baseline: &str, comparisons: &[Comparison]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Scenario minus baseline {baseline:?}, mean of the paired replicates, over the years compared:"
    );
    let mut rows: Vec<Vec<String>> = Vec::new();
    for c in comparisons {
        let why = match c.policy.from {
            Some(m) => format!(
                "policy differs from the baseline's from {}",
                crate::compare::month_text(m)
            ),
            None => "policy the same as the baseline's: every reported year".to_string(),
        };
        rows.push(vec![
            c.scenario.clone(),
            format!("{}  {why}", c.policy.years),
        ]);
    }
    s.push_str(&aligned(&rows));
    let total = |c: &Comparison, metric: &str| {
        c.diffs
            .iter()
            .find(|d| d.key == Key::total(metric))
            .cloned()
    };
    let mut rows: Vec<Vec<String>> = vec![
        vec![String::new()],
        vec![
            String::new(),
            String::new(),
            "baseline".into(),
            "scenario".into(),
            "difference [95% interval]".into(),
            "change".into(),
        ],
    ];
    for block in crate::compare::headline_blocks() {
        rows.push(vec![block_title(block)]);
        for c in comparisons {
            for (i, h) in block.iter().enumerate() {
                let name = if i == 0 {
                    c.scenario.clone()
                } else {
                    String::new()
                };
                let share = h.short == "share";
                let unit = h.short.to_string();
                let Some(d) = total(c, h.metric) else {
                    rows.push(vec![name, unit, "-".into()]);
                    continue;
                };
                rows.push(vec![
                    name,
                    unit,
                    show(d.baseline_mean, share),
                    show(d.scenario_mean, share),
                    with_interval(&d, share),
                    d.relative_change
                        .map(|r| format!("{:+.1}%", 100.0 * r))
                        .unwrap_or_else(|| "-".into()),
                ]);
            }
        }
    }
    s.push_str(&aligned(&rows));
    // The same differences for women and for men, each over its own denominators.
    let by_sex = |c: &Comparison, metric: &str, level: &str, share: bool| {
        c.diffs
            .iter()
            .find(|d| d.key == Key::by(metric, BY_SEX, level))
            .map(|d| with_interval(d, share))
            .unwrap_or_else(|| "-".into())
    };
    let mut rows: Vec<Vec<String>> = vec![
        vec![String::new()],
        vec![
            "difference by sex [95% interval]".into(),
            String::new(),
            "women".into(),
            "men".into(),
        ],
    ];
    for block in crate::compare::headline_blocks() {
        let listed: Vec<_> = block
            .iter()
            .filter(|h| BY_GROUP.contains(&h.metric))
            .collect();
        if listed.is_empty() {
            continue;
        }
        rows.push(vec![block_title(block)]);
        for c in comparisons {
            for (i, h) in listed.iter().enumerate() {
                let name = if i == 0 {
                    c.scenario.clone()
                } else {
                    String::new()
                };
                let share = h.short == "share";
                rows.push(vec![
                    name,
                    h.short.to_string(),
                    by_sex(c, h.metric, "women", share),
                    by_sex(c, h.metric, "men", share),
                ]);
            }
        }
    }
    s.push_str(&aligned(&rows));
    // Costs per person averted: a value with its interval, or why there is none.
    let _ = writeln!(
        s,
        "\nProgramme cost per person averted (USD; ratio of mean paired differences, Fieller 95% interval)"
    );
    let mut rows: Vec<Vec<String>> = Vec::new();
    for c in comparisons {
        let reasons: Vec<String> = c
            .costs
            .iter()
            .map(|x| match &x.value {
                Ok(_) => String::new(),
                Err(e) => e.to_string(),
            })
            .collect();
        if !reasons.is_empty() && reasons.iter().all(|r| !r.is_empty() && *r == reasons[0]) {
            rows.push(vec![c.scenario.clone(), reasons[0].clone()]);
            continue;
        }
        for (i, x) in c.costs.iter().enumerate() {
            let name = if i == 0 {
                c.scenario.clone()
            } else {
                String::new()
            };
            let what = crate::compare::COST_EFFECTIVENESS
                .iter()
                .find(|e| e.metric == x.metric)
                .map_or(x.metric, |e| e.short);
            let text = match &x.value {
                Ok(r) => format!("{} [{}, {}]", say(r.estimate), say(r.lo), say(r.hi)),
                Err(e) => e.to_string(),
            };
            rows.push(vec![name, format!("{what}  {text}")]);
        }
    }
    s.push_str(&aligned(&rows));
    s
}

fn block_title(block: &[crate::compare::Headline]) -> String {
    let units: Vec<&str> = block.iter().map(|h| h.unit).collect();
    format!("{} ({})", block[0].topic, units.join("; "))
}

fn show(v: Option<f64>, share: bool) -> String {
    match v {
        Some(x) if share => format!("{}%", say(100.0 * x)),
        Some(x) => say(x),
        None => "-".into(),
    }
}

/// A difference and its interval, `-1,780 [-2,580, -985]`, or for a share in percentage points
/// (`-10.4 pp [-20.8, -0.1]`). A difference that is rounding error next to the values compared
/// reads as 0.
fn with_interval(d: &Diff, share: bool) -> String {
    let scale = d
        .baseline_mean
        .unwrap_or(0.0)
        .abs()
        .max(d.scenario_mean.unwrap_or(0.0).abs());
    let k = if share { 100.0 } else { 1.0 };
    let zero = |x: f64| if x.abs() <= 1e-9 * scale { 0.0 } else { k * x };
    let unit = if share { " pp" } else { "" };
    match (d.diff.mean, d.diff.lo, d.diff.hi) {
        (Some(m), Some(l), Some(h)) => format!(
            "{}{unit} [{}, {}]",
            say(zero(m)),
            say(zero(l)),
            say(zero(h))
        ),
        (Some(m), _, _) => format!("{}{unit}", say(zero(m))),
        _ => "-".into(),
    }
}

/// A number as a person reads it: three significant digits, thousands separated by commas
/// (`11,100`, `-4,880`, `0.0473`, `0.000739`), powers of ten only beyond a billion or below a
/// millionth.
pub fn say(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v == 0.0 { "0".into() } else { "-".into() };
    }
    let a = v.abs();
    if !(1e-6..1e9).contains(&a) {
        return compact(v);
    }
    if a < 1000.0 {
        // `short` keeps three significant digits in plain decimals (`0.000739`).
        return short(v);
    }
    let e = a.log10().floor() as i32;
    let unit = 10f64.powi(e - 2);
    let r = ((v / unit).round() * unit) as i64;
    let digits = r.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if r < 0 { format!("-{out}") } else { out }
}

/// A number for the terminal in at most 9 characters: three significant digits, and powers of
/// ten for the very small and the very large (`-5.46e-5`, `1.23e7`).
pub fn compact(v: f64) -> String {
    if v != 0.0 && v.is_finite() && (v.abs() < 1e-3 || v.abs() >= 1e7) {
        // Fewer digits as the exponent grows longer.
        let digits = match v.abs().log10().floor().abs() {
            e if e < 10.0 => 2,
            e if e < 100.0 => 1,
            _ => 0,
        };
        format!("{v:.digits$e}")
    } else {
        short(v)
    }
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

    /// An output folder is recognised by how its comparison.csv and calibration.csv begin
    /// (`folder.rs`): the writers must begin them so, even with nothing in them.
    #[test]
    fn the_marker_files_begin_as_the_output_folder_expects() {
        use crate::output::folder::{CALIBRATION_HEADER, COMPARISON_HEADER};
        let c = comparison(&[]).unwrap();
        assert!(c.starts_with(COMPARISON_HEADER.as_bytes()));
        let k = calibration(&["aspiration.p_base"], &[]).unwrap();
        assert!(k.starts_with(CALIBRATION_HEADER.as_bytes()));
    }

    #[test]
    fn exact_numbers_read_back_as_the_same_number() {
        for v in [36_266.666_666_666_664, 1.0 / 3.0, -2.5e-9, 1e21, 7.0] {
            assert_eq!(exact(v).parse::<f64>().unwrap(), v, "{v}");
        }
        assert_eq!(exact(-0.0), "0");
        assert_eq!(exact(f64::NAN), "");
        // Where `num` would have rounded two different results to the same six decimals.
        assert_ne!(exact(36_266.666_666_666_664), num(36_266.666_666_666_664));
    }

    #[test]
    fn numbers_read_as_a_person_says_them() {
        assert_eq!(say(-20_543.0), "-20,500");
        assert_eq!(say(1_234_567.0), "1,230,000");
        assert_eq!(say(6_650.4), "6,650");
        assert_eq!(say(48.27), "48.3");
        assert_eq!(say(-0.000_739_2), "-0.000739");
        assert_eq!(say(2.5e-8), "2.50e-8");
        assert_eq!(say(0.0), "0");
    }

    #[test]
    fn compact_numbers_fit_nine_characters() {
        assert_eq!(compact(-0.0000546), "-5.46e-5");
        assert_eq!(compact(0.00568), "0.00568");
        assert_eq!(compact(63710.0), "63710");
        assert_eq!(compact(-1.234e8), "-1.23e8");
        assert_eq!(compact(0.0), "0");
        for v in [-9_999_999.0, -0.001, -1.1e-300, 123.456, -5.5e12] {
            assert!(compact(v).len() <= 9, "{v}: {}", compact(v));
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(0.125), "0.125");
        assert_eq!(num(-0.0000001), "0");
        assert_eq!(num(f64::NAN), "");
    }
}
