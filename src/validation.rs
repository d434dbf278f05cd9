//! Observed data and how far a run is from it: each calibration target computed over its own
//! period (a 2023 target over 2023's months), each yearly series year by year with its averaged
//! relative difference. The observed data is read from the scenario's `[observed]` table:
//!
//! ```toml
//! [[observed.target]]
//! id = "T1"                      # several parts: T2_saudi_arabia, T2_malaysia, ...
//! kind = "emergent"              # or "input"
//! quantity = "registered departures per year"
//! metric = "registered_departures_per_year"   # or parameter = "lender.money_lender.rate_year"
//! period = "2023"                # a year, "2023-2024", or "any" (the whole horizon)
//! target = 1305453
//! band = [950000, 1400000]
//! source = "BMET"
//!
//! [[observed.series]]
//! id = "registered_departures"
//! metric = "registered_departures_per_year"
//! source = "BMET"
//! values = { 2022 = 1135873, 2023 = 1305453, 2024 = 1011856 }
//! ```

use crate::engine::{Params, Replicate};
use crate::metrics::{self, Period};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    #[serde(default, rename = "target")]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: String,
    pub kind: String,
    pub quantity: String,
    #[serde(default)]
    pub metric: Option<String>,
    /// A scenario key (dotted path, ids for arrays) whose value is checked, for input targets
    /// that check a parameter rather than an output.
    #[serde(default)]
    pub parameter: Option<String>,
    pub period: String,
    pub target: f64,
    pub band: [f64; 2],
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    pub id: String,
    pub metric: String,
    pub source: String,
    pub values: toml::Table,
}

/// What a row of validation.csv checks: an outcome the model produces (`emergent`), a value the
/// scenario was given (`input`), or a yearly series' averaged relative difference (`series`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Emergent,
    Input,
    Series,
}

impl Kind {
    /// As written in validation.csv (and, for targets, in the scenario).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Emergent => "emergent",
            Kind::Input => "input",
            Kind::Series => "series",
        }
    }

    /// The kind of an `[[observed.target]]`: `emergent` or `input`.
    pub fn of_target(s: &str) -> Option<Kind> {
        match s {
            "emergent" => Some(Kind::Emergent),
            "input" => Some(Kind::Input),
            _ => None,
        }
    }
}

/// One row of validation.csv.
#[derive(Debug, Clone)]
pub struct Row {
    pub target_id: String,
    pub kind: Kind,
    pub quantity: String,
    pub metric: String,
    pub period: String,
    pub simulated: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub target: Option<f64>,
    pub band: [f64; 2],
}

impl Row {
    pub fn within(&self) -> bool {
        self.simulated
            .is_some_and(|v| v >= self.band[0] && v <= self.band[1])
    }
}

/// One row of validation_series.csv.
#[derive(Debug, Clone)]
pub struct SeriesRow {
    pub series: String,
    pub year: i32,
    pub simulated: Option<f64>,
    pub observed: f64,
}

/// Whether a period string lies (at least partly) outside the reported months, so that a run
/// shortened with `--months` skips the target instead of failing.
fn outside(s: &str, start_year: i32, months: usize) -> bool {
    period(s, start_year, months).is_err() && period(s, start_year, usize::MAX / 2).is_ok()
}

/// Parse a period against the run's first reported year and length.
pub fn period(s: &str, start_year: i32, months: usize) -> Result<Period, String> {
    let all = Period {
        from: 0,
        to: months,
    };
    if s == "any" {
        return Ok(all);
    }
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a, b),
        None => (s, s),
    };
    let (a, b): (i32, i32) = match (a.trim().parse(), b.trim().parse()) {
        (Ok(a), Ok(b)) if a <= b => (a, b),
        _ => {
            return Err(format!(
                "period {s:?} must be a year, YYYY-YYYY, or \"any\""
            ));
        }
    };
    let from = (a - start_year) * 12;
    let to = (b + 1 - start_year) * 12;
    if from < 0 || to as usize > months {
        return Err(format!(
            "period {s:?} is outside the reported months ({start_year} on, {months} months)"
        ));
    }
    Ok(Period {
        from: from as usize,
        to: to as usize,
    })
}

/// The value of a metric per replicate over a period.
fn metric_values(
    reps: &[Replicate],
    p: &Params,
    name: &str,
    per: Period,
) -> Result<Vec<f64>, String> {
    let mut out = Vec::new();
    for r in reps {
        let all = metrics::outcomes(r, p, per);
        match all.iter().find(|(n, _)| n == name) {
            Some((_, Some(v))) => out.push(*v),
            Some((_, None)) => {}
            None => return Err(format!("unknown metric {name:?}")),
        }
    }
    Ok(out)
}

/// Look a dotted path up in the resolved scenario (ids select entries of arrays of tables).
pub fn lookup(table: &toml::Table, path: &str) -> Option<f64> {
    let mut cur = toml::Value::Table(table.clone());
    let parts: Vec<&str> = path.split('.').collect();
    let mut i = 0;
    while i < parts.len() {
        let key = parts[i];
        cur = match cur {
            toml::Value::Table(t) => t.get(key)?.clone(),
            _ => return None,
        };
        if let toml::Value::Array(items) = &cur {
            let id = parts.get(i + 1)?;
            cur = items
                .iter()
                .find(|v| v.get("id").and_then(|x| x.as_str()) == Some(id))?
                .clone();
            i += 1;
        }
        i += 1;
    }
    cur.as_float()
        .or_else(|| cur.as_integer().map(|x| x as f64))
}

/// Every target and series checked against the replicates.
pub fn validate(
    obs: &Observed,
    reps: &[Replicate],
    p: &Params,
    resolved: &toml::Table,
    start_year: i32,
) -> Result<(Vec<Row>, Vec<SeriesRow>), String> {
    let months = reps.first().map(|r| r.months.len()).unwrap_or(0);
    let mut rows = Vec::new();
    for t in &obs.targets {
        let Some(kind) = Kind::of_target(&t.kind) else {
            return Err(format!(
                "target {}: kind {:?} must be \"emergent\" or \"input\"",
                t.id, t.kind
            ));
        };
        if t.metric.is_some() && outside(&t.period, start_year, months) {
            continue;
        }
        let (metric, stats) = match (&t.metric, &t.parameter) {
            (Some(m), None) => {
                let per = period(&t.period, start_year, months)
                    .map_err(|e| format!("target {}: {e}", t.id))?;
                let vals =
                    metric_values(reps, p, m, per).map_err(|e| format!("target {}: {e}", t.id))?;
                (m.clone(), metrics::describe(&vals))
            }
            (None, Some(k)) => {
                let v = lookup(resolved, k)
                    .ok_or_else(|| format!("target {}: no numeric scenario key {k:?}", t.id))?;
                (k.clone(), metrics::describe(&[v]))
            }
            _ => {
                return Err(format!(
                    "target {}: give exactly one of metric or parameter",
                    t.id
                ));
            }
        };
        rows.push(Row {
            target_id: t.id.clone(),
            kind,
            quantity: t.quantity.clone(),
            metric,
            period: t.period.clone(),
            simulated: stats.mean,
            ci_low: stats.lo,
            ci_high: stats.hi,
            target: Some(t.target),
            band: t.band,
        });
    }
    let mut series_rows = Vec::new();
    for s in &obs.series {
        let (mut num, mut den) = (0.0, 0.0);
        let mut years: Vec<(i32, f64)> = Vec::new();
        for (k, v) in &s.values {
            let year: i32 = k
                .parse()
                .map_err(|_| format!("series {}: year {k:?} is not a year", s.id))?;
            let obs = v
                .as_float()
                .or_else(|| v.as_integer().map(|x| x as f64))
                .ok_or_else(|| format!("series {}: value for {k} is not a number", s.id))?;
            years.push((year, obs));
        }
        years.sort_by_key(|x| x.0);
        years.retain(|(y, _)| !outside(&y.to_string(), start_year, months));
        if years.is_empty() {
            continue;
        }
        for (year, obs) in years {
            let per = period(&year.to_string(), start_year, months)
                .map_err(|e| format!("series {}: {e}", s.id))?;
            let sim = metrics::describe(
                &metric_values(reps, p, &s.metric, per)
                    .map_err(|e| format!("series {}: {e}", s.id))?,
            )
            .mean;
            if let Some(v) = sim {
                num += (v - obs).abs();
            } else {
                num += obs.abs();
            }
            den += obs.abs();
            series_rows.push(SeriesRow {
                series: s.id.clone(),
                year,
                simulated: sim,
                observed: obs,
            });
        }
        rows.push(Row {
            target_id: format!("ARD_{}", s.id),
            kind: Kind::Series,
            quantity: format!("averaged relative difference of {}", s.id),
            metric: s.metric.clone(),
            period: series_rows
                .iter()
                .filter(|r| r.series == s.id)
                .map(|r| r.year.to_string())
                .collect::<Vec<_>>()
                .join("-"),
            simulated: if den > 0.0 { Some(num / den) } else { None },
            ci_low: None,
            ci_high: None,
            target: Some(0.0),
            band: [0.0, 0.15],
        });
    }
    Ok((rows, series_rows))
}

/// Targets met and targets checked among the rows that measure the model's fit: emergent targets
/// and series, not input checks.
pub fn targets_met(rows: &[Row]) -> (usize, usize) {
    let fit = rows.iter().filter(|r| r.kind != Kind::Input);
    let total = fit.clone().count();
    (fit.filter(|r| r.within()).count(), total)
}

/// The one-line verdict printed after a run.
pub fn verdict(rows: &[Row]) -> String {
    let count = |kind: Kind| {
        let all: Vec<&Row> = rows.iter().filter(|r| r.kind == kind).collect();
        (all.iter().filter(|r| r.within()).count(), all.len())
    };
    let (e, en) = count(Kind::Emergent);
    let (i, inn) = count(Kind::Input);
    let ard: Vec<String> = rows
        .iter()
        .filter(|r| r.kind == Kind::Series)
        .map(|r| {
            format!(
                "{} {}",
                r.target_id.trim_start_matches("ARD_"),
                r.simulated
                    .map(|v| format!("{v:.3}"))
                    .unwrap_or_else(|| "-".into())
            )
        })
        .collect();
    format!(
        "validation: emergent targets met {e} of {en}, input checks met {i} of {inn}; averaged relative difference: {}",
        ard.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let p = period("2023", 2022, 120).unwrap();
        assert_eq!((p.from, p.to), (12, 24));
        let p = period("2023-2024", 2022, 120).unwrap();
        assert_eq!((p.from, p.to), (12, 36));
        assert_eq!(period("any", 2022, 120).unwrap().to, 120);
        assert!(period("2040", 2022, 120).is_err());
        assert!(period("20x3", 2022, 120).is_err());
        assert!(outside("2023", 2022, 12));
        assert!(!outside("2022", 2022, 12));
        assert!(
            !outside("20x3", 2022, 12),
            "a malformed period is an error, not skipped"
        );
    }

    #[test]
    fn lookup_by_id() {
        let t: toml::Table = toml::from_str("[[lender]]\nid = \"a\"\nrate_year = 0.5\n[[lender]]\nid = \"b\"\nrate_year = 1\n[x]\ny = 2").unwrap();
        assert_eq!(lookup(&t, "lender.b.rate_year"), Some(1.0));
        assert_eq!(lookup(&t, "x.y"), Some(2.0));
        assert_eq!(lookup(&t, "lender.c.rate_year"), None);
    }

    #[test]
    fn targets_met_counts_emergent_targets_and_series_not_inputs() {
        let row = |kind, simulated| Row {
            target_id: "t".into(),
            kind,
            quantity: String::new(),
            metric: String::new(),
            period: "any".into(),
            simulated,
            ci_low: None,
            ci_high: None,
            target: None,
            band: [0.0, 1.0],
        };
        let rows = [
            row(Kind::Emergent, Some(0.5)),
            row(Kind::Emergent, Some(2.0)),
            row(Kind::Series, Some(0.1)),
            row(Kind::Input, Some(0.5)),
            row(Kind::Input, Some(5.0)),
        ];
        assert_eq!(targets_met(&rows), (2, 3));
        assert_eq!(Kind::of_target("series"), None);
        assert_eq!(Kind::of_target("input").map(Kind::as_str), Some("input"));
    }
}
