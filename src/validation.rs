//! How far a run is from the scenario's observed data: each calibration target computed over
//! its own period (a 2023 target over 2023's months), each yearly series year by year with its
//! averaged relative difference. The observed data is typed and checked by the scenario loader
//! ([`crate::scenario::Observed`]): metric names exist, periods lie inside the horizon, bands
//! are ordered, parameter paths resolve. Here it is only consumed.

use crate::engine::{Params, Replicate};
use crate::metric_names::Key;
use crate::metrics::{self, Period};
use crate::scenario::{self, ObservedPeriod};

pub use crate::scenario::{Observed, Series, Target, TargetKind};

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
}

/// One row of validation.csv.
#[derive(Debug, Clone)]
pub struct Row {
    pub target_id: String,
    pub kind: Kind,
    pub quantity: String,
    /// The metric (or, for an input target, the scenario key) checked, and its breakdown.
    pub metric: String,
    pub by: String,
    pub level: String,
    pub period: String,
    /// A parameter was fitted or set to this figure.
    pub used_in_fit: bool,
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

/// Whether a well-formed period lies (at least partly) outside the reported months, so that a
/// run shortened with `--months` skips the target instead of failing.
fn outside(s: &str, start_year: i32, months: usize) -> bool {
    ObservedPeriod::parse(s).is_some_and(|p| p.months(start_year, months).is_none())
}

/// Parse a period against the run's first reported year and length.
pub fn period(s: &str, start_year: i32, months: usize) -> Result<Period, String> {
    let p = ObservedPeriod::parse(s)
        .ok_or_else(|| format!("period {s:?} must be a year, YYYY-YYYY, or \"any\""))?;
    let (from, to) = p.months(start_year, months).ok_or_else(|| {
        format!("period {s:?} is outside the reported months ({start_year} on, {months} months)")
    })?;
    Ok(Period { from, to })
}

/// Each replicate's metrics over a period, worked out once for all the targets and series
/// that read the same period (a run's validation reads a few periods many times).
struct Values<'a> {
    reps: &'a [Replicate],
    p: &'a Params,
    /// `(from, to)` of each period worked out, and every metric of each replicate over it.
    done: Vec<((usize, usize), Vec<Metrics>)>,
}

/// Every metric of one replicate over one period (`metrics::outcomes`).
type Metrics = Vec<(Key, Option<f64>)>;

impl<'a> Values<'a> {
    fn new(reps: &'a [Replicate], p: &'a Params) -> Self {
        Values {
            reps,
            p,
            done: Vec::new(),
        }
    }

    /// The value of `key` over `per` in each replicate that has one.
    fn of(&mut self, key: &Key, per: Period) -> Result<Vec<f64>, String> {
        let at = (per.from, per.to);
        let i = match self.done.iter().position(|(p, _)| *p == at) {
            Some(i) => i,
            None => {
                let all = self
                    .reps
                    .iter()
                    .map(|r| metrics::outcomes(r, self.p, per))
                    .collect();
                self.done.push((at, all));
                self.done.len() - 1
            }
        };
        let mut out = Vec::new();
        for all in &self.done[i].1 {
            match all.iter().find(|(n, _)| n == key) {
                Some((_, Some(v))) => out.push(*v),
                Some((_, None)) => {}
                None => return Err(format!("unknown metric {key}")),
            }
        }
        Ok(out)
    }
}

/// Look a dotted path up in the resolved scenario (ids select entries of arrays of tables).
pub fn lookup(table: &toml::Table, path: &str) -> Option<f64> {
    scenario::parameter_value(table, path)
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
    let mut values = Values::new(reps, p);
    let mut rows = Vec::new();
    for t in &obs.targets {
        let kind = match t.kind {
            TargetKind::Emergent => Kind::Emergent,
            TargetKind::Input => Kind::Input,
        };
        if t.metric.is_some() && outside(&t.period, start_year, months) {
            continue;
        }
        let (metric, stats) = match (t.key(), &t.parameter) {
            (Some(key), None) => {
                let per = period(&t.period, start_year, months)
                    .map_err(|e| format!("target {}: {e}", t.id))?;
                let vals = values
                    .of(&key, per)
                    .map_err(|e| format!("target {}: {e}", t.id))?;
                (key.metric, metrics::describe(&vals))
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
            by: t.by.clone(),
            level: t.level.clone(),
            period: t.period.clone(),
            used_in_fit: t.used_in_fit,
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
        let mut years = s.years();
        years.retain(|(y, _)| !outside(&y.to_string(), start_year, months));
        if years.is_empty() {
            continue;
        }
        for (year, obs) in years {
            let per = period(&year.to_string(), start_year, months)
                .map_err(|e| format!("series {}: {e}", s.id))?;
            let sim = metrics::describe(
                &values
                    .of(&s.key(), per)
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
            by: s.by.clone(),
            level: s.level.clone(),
            period: series_rows
                .iter()
                .filter(|r| r.series == s.id)
                .map(|r| r.year.to_string())
                .collect::<Vec<_>>()
                .join("-"),
            used_in_fit: s.used_in_fit,
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
/// and series used in fitting, not input checks or the targets kept out of sample.
pub fn targets_met(rows: &[Row]) -> (usize, usize) {
    let fit = rows
        .iter()
        .filter(|r| r.kind != Kind::Input && r.used_in_fit);
    let total = fit.clone().count();
    (fit.filter(|r| r.within()).count(), total)
}

/// The one-line verdict printed after a run: emergent targets that a parameter was fitted or
/// set to, apart from those no parameter was fitted to (the evidence), then the input checks and
/// the series' averaged relative differences.
pub fn verdict(rows: &[Row]) -> String {
    let count = |keep: &dyn Fn(&Row) -> bool| {
        let all: Vec<&Row> = rows.iter().filter(|r| keep(r)).collect();
        (all.iter().filter(|r| r.within()).count(), all.len())
    };
    let (f, fn_) = count(&|r| r.kind == Kind::Emergent && r.used_in_fit);
    let (o, on) = count(&|r| r.kind == Kind::Emergent && !r.used_in_fit);
    let (i, inn) = count(&|r| r.kind == Kind::Input);
    let out_of_fit = if on == 0 {
        "no target left out of fitting".to_string()
    } else {
        format!("targets not used in fitting met {o} of {on}")
    };
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
    let ard = if ard.is_empty() {
        "no yearly series falls in the run's years".to_string()
    } else {
        format!("averaged relative difference: {}", ard.join(", "))
    };
    format!(
        "validation: fitted targets met {f} of {fn_}, {out_of_fit}, input checks met {i} of {inn}; {ard}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_too_short_for_any_series_says_so_in_its_verdict() {
        let v = verdict(&[]);
        assert!(
            v.ends_with("; no yearly series falls in the run's years"),
            "{v}"
        );
    }

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
    fn targets_met_counts_fitted_emergent_targets_and_series_not_inputs() {
        let row = |kind, simulated, used_in_fit| Row {
            target_id: "t".into(),
            kind,
            quantity: String::new(),
            metric: String::new(),
            by: String::new(),
            level: String::new(),
            period: "any".into(),
            used_in_fit,
            simulated,
            ci_low: None,
            ci_high: None,
            target: Some(0.5),
            band: [0.0, 1.0],
        };
        let rows = [
            row(Kind::Emergent, Some(0.5), false),
            row(Kind::Emergent, Some(2.0), false),
            row(Kind::Series, Some(0.1), true),
            row(Kind::Input, Some(0.5), false),
            row(Kind::Input, Some(5.0), false),
        ];
        // The two emergent targets are out of sample: reported, not counted in the fit.
        assert_eq!(targets_met(&rows), (1, 1));
        assert_eq!(
            verdict(&rows),
            "validation: fitted targets met 0 of 0, targets not used in fitting met 1 of 2, \
             input checks met 1 of 2; averaged relative difference: t 0.100"
        );
        let mut fitted = rows.clone();
        fitted[0].used_in_fit = true;
        fitted[1].used_in_fit = true;
        assert_eq!(targets_met(&fitted), (2, 3));
        assert!(
            verdict(&fitted).starts_with(
                "validation: fitted targets met 1 of 2, no target left out of fitting, input checks met 1 of 2"
            ),
            "{}",
            verdict(&fitted)
        );
        // The calibration's score leaves the out-of-sample targets out too: 2 (1.5 / 0.5)² = 9
        // once fitted, and only the series' (0.1 / 0.15)² before.
        let series = (0.1f64 / 0.15).powi(2);
        assert_eq!(crate::calibrate::score(&rows), Some(series));
        assert_eq!(
            crate::calibrate::score(&fitted),
            Some((0.0 + 9.0) / 2.0 + series)
        );
    }
}
