//! Comparing scenarios with a baseline run on the same seeds. Replicate r of every scenario
//! uses the same keyed random streams (common random numbers), so the per-replicate difference
//! scenario − baseline isolates the policy; its mean and Student-t interval are reported.

use crate::metric_names::Key;
use crate::metrics::{self, Stats};

/// One row of comparison.csv.
#[derive(Debug, Clone)]
pub struct Diff {
    pub scenario: String,
    /// The metric and its breakdown.
    pub key: Key,
    pub baseline_mean: Option<f64>,
    pub scenario_mean: Option<f64>,
    pub diff: Stats,
    pub relative_change: Option<f64>,
}

/// The metrics of one run by key (metric, `by`, `level`): each (in the order of the contract)
/// with its value in every replicate, `None` where its denominator was empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    metrics: Vec<(Key, Vec<Option<f64>>)>,
}

impl Values {
    /// From each replicate's (key, value) list, as `metrics::outcomes` gives them. Values are
    /// matched by key; one missing from a replicate is `None` there.
    pub fn from_replicates(per_replicate: &[Vec<(Key, Option<f64>)>]) -> Values {
        let mut metrics: Vec<(Key, Vec<Option<f64>>)> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let n = per_replicate.len();
        for (r, vals) in per_replicate.iter().enumerate() {
            for (name, v) in vals {
                let k = *index.entry(name.clone()).or_insert_with(|| {
                    metrics.push((name.clone(), vec![None; n]));
                    metrics.len() - 1
                });
                metrics[k].1[r] = *v;
            }
        }
        Values { metrics }
    }

    /// One value's values per replicate.
    pub fn get(&self, key: &Key) -> Option<&[Option<f64>]> {
        self.metrics
            .iter()
            .find(|(n, _)| n == key)
            .map(|(_, v)| v.as_slice())
    }

    /// One value's defined values across replicates.
    pub fn defined(&self, key: &Key) -> Vec<f64> {
        self.get(key)
            .map(|v| v.iter().flatten().copied().collect())
            .unwrap_or_default()
    }

    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.metrics.iter().map(|(n, _)| n)
    }
}

/// Metrics that only one side of a comparison has (e.g. a destination only the scenario has).
/// Their rows in comparison.csv leave the other side and the difference empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unmatched {
    pub scenario: String,
    pub only_in_baseline: Vec<String>,
    pub only_in_scenario: Vec<String>,
}

impl Unmatched {
    pub fn is_empty(&self) -> bool {
        self.only_in_baseline.is_empty() && self.only_in_scenario.is_empty()
    }
}

impl std::fmt::Display for Unmatched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // At most ten names each, so that the note stays readable; comparison.csv has them all.
        let list = |v: &[String]| match v.len() {
            0 => "none".to_string(),
            n if n <= 10 => v.join(", "),
            n => format!("{} and {} more", v[..10].join(", "), n - 10),
        };
        write!(
            f,
            "{}: metrics without a counterpart (no difference computed): only in the baseline: {}; only in the scenario: {}",
            self.scenario,
            list(&self.only_in_baseline),
            list(&self.only_in_scenario)
        )
    }
}

/// Paired differences of every metric between a scenario and the baseline, matched by metric
/// name and by replicate index: the baseline's metrics in its order, then any metric only the
/// scenario has. A metric only one side has gets a row with the other side empty, and is listed
/// in the returned [`Unmatched`].
pub fn paired(name: &str, base: &Values, scen: &Values) -> (Vec<Diff>, Unmatched) {
    let mut unmatched = Unmatched {
        scenario: name.to_string(),
        ..Unmatched::default()
    };
    let mut order: Vec<&Key> = base.keys().collect();
    for m in scen.keys() {
        if base.get(m).is_none() {
            order.push(m);
            unmatched.only_in_scenario.push(m.to_string());
        }
    }
    let mut out = Vec::new();
    for metric in order {
        let (b, s) = (base.get(metric), scen.get(metric));
        if s.is_none() {
            unmatched.only_in_baseline.push(metric.to_string());
        }
        let d: Vec<f64> = match (b, s) {
            (Some(b), Some(s)) => b
                .iter()
                .zip(s)
                .filter_map(|(b, s)| Some((*s)? - (*b)?))
                .collect(),
            _ => Vec::new(),
        };
        let bm = metrics::describe(&base.defined(metric)).mean;
        let stats = metrics::describe(&d);
        out.push(Diff {
            scenario: name.to_string(),
            key: metric.clone(),
            baseline_mean: bm,
            scenario_mean: metrics::describe(&scen.defined(metric)).mean,
            relative_change: match (stats.mean, bm) {
                (Some(dm), Some(b)) if b != 0.0 => Some(dm / b),
                _ => None,
            },
            diff: stats,
        });
    }
    (out, unmatched)
}

/// The unpaired interval of the difference of means (Welch), for showing what pairing buys.
pub fn unpaired_half_width(base: &[f64], scen: &[f64]) -> Option<f64> {
    let (b, s) = (metrics::describe(base), metrics::describe(scen));
    let (sb, ss) = (b.sd?, s.sd?);
    let (nb, ns) = (base.len() as f64, scen.len() as f64);
    let se2 = sb * sb / nb + ss * ss / ns;
    // Welch–Satterthwaite degrees of freedom.
    let df =
        se2 * se2 / ((sb * sb / nb).powi(2) / (nb - 1.0) + (ss * ss / ns).powi(2) / (ns - 1.0));
    let df = if df.is_finite() {
        df.floor().max(1.0) as usize
    } else {
        (nb + ns - 2.0) as usize
    };
    Some(metrics::t975(df) * se2.sqrt())
}

/// The headline metrics of the picture and the terminal table, with a label and unit in words.
pub const HEADLINE: [(&str, &str); 10] = [
    (
        "debt_bondage_share",
        "Ever in debt bondage (share of departures)",
    ),
    (
        "forced_labour_prevalence_per_1000",
        "In forced labour (per 1,000 persons abroad, any month)",
    ),
    ("trafficked_per_1000", "Trafficked (per 1,000 departures)"),
    ("trafficked_per_year", "Trafficked (persons a year)"),
    (
        "deaths_per_1000_irregular",
        "Deaths (per 1,000 irregular departures)",
    ),
    (
        "deaths_per_year",
        "Deaths during migration (persons a year)",
    ),
    ("mean_migration_cost_usd", "Mean cost of migrating (USD)"),
    ("convictions_per_year", "Trafficking convictions (per year)"),
    (
        "reintegration_sustainable_share",
        "Sustainably reintegrated a year after return (share)",
    ),
    (
        "irregular_departures_per_year",
        "Irregular departures (per year)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(xs: &[f64]) -> Values {
        let reps: Vec<Vec<(Key, Option<f64>)>> = xs
            .iter()
            .map(|&x| vec![(Key::total("m"), Some(x))])
            .collect();
        Values::from_replicates(&reps)
    }

    #[test]
    fn same_scenario_gives_exactly_zero() {
        let b = vals(&[1.0, 2.5, 3.0]);
        let (d, unmatched) = paired("x", &b, &b);
        assert!(unmatched.is_empty());
        assert_eq!(d[0].diff.mean, Some(0.0));
        assert_eq!(d[0].diff.lo, Some(0.0));
        assert_eq!(d[0].relative_change, Some(0.0));
    }

    #[test]
    fn pairing_removes_shared_noise() {
        // Replicates share a large common component; the policy adds 1 with small noise.
        let base = [10.0, 20.0, 30.0, 15.0, 25.0];
        let scen = [11.1, 20.9, 31.0, 16.05, 25.95];
        let (d, _) = paired("x", &vals(&base), &vals(&scen));
        let paired_half = d[0].diff.hi.unwrap() - d[0].diff.mean.unwrap();
        let unpaired = unpaired_half_width(&base, &scen).unwrap();
        assert!(
            paired_half * 10.0 < unpaired,
            "paired {paired_half} vs unpaired {unpaired}"
        );
    }

    #[test]
    fn breakdowns_are_matched_by_metric_by_and_level() {
        let rep = |x: f64, y: f64| {
            vec![
                (Key::per_destination("arrivals_per_year", "italy"), Some(x)),
                (Key::per_destination("arrivals_per_year", "greece"), Some(y)),
            ]
        };
        let base = Values::from_replicates(&[rep(1.0, 10.0), rep(2.0, 20.0)]);
        let scen = Values::from_replicates(&[rep(1.5, 11.0), rep(2.5, 21.0)]);
        let (d, unmatched) = paired("s", &base, &scen);
        assert!(unmatched.is_empty());
        assert_eq!(d[0].key.level, "italy");
        assert_eq!(d[0].diff.mean, Some(0.5));
        assert_eq!(d[1].key.level, "greece");
        assert_eq!(d[1].diff.mean, Some(1.0));
    }

    #[test]
    fn metrics_are_matched_by_name_not_position() {
        let rep = |pairs: &[(&str, f64)]| -> Vec<(Key, Option<f64>)> {
            pairs
                .iter()
                .map(|(n, v)| (Key::total(n), Some(*v)))
                .collect()
        };
        let base = Values::from_replicates(&[
            rep(&[("a", 1.0), ("b", 10.0), ("only_base", 5.0)]),
            rep(&[("a", 2.0), ("b", 20.0), ("only_base", 6.0)]),
        ]);
        // Same metrics in another order, one missing and one extra.
        let scen = Values::from_replicates(&[
            rep(&[("b", 11.0), ("extra", 7.0), ("a", 1.5)]),
            rep(&[("b", 21.0), ("extra", 8.0), ("a", 2.5)]),
        ]);
        let (d, unmatched) = paired("s", &base, &scen);
        let names: Vec<&str> = d.iter().map(|x| x.key.metric.as_str()).collect();
        assert_eq!(names, ["a", "b", "only_base", "extra"]);
        assert_eq!(d[0].diff.mean, Some(0.5));
        assert_eq!(d[1].diff.mean, Some(1.0));
        assert_eq!((d[2].scenario_mean, d[2].diff.mean), (None, None));
        assert_eq!(d[2].baseline_mean, Some(5.5));
        assert_eq!((d[3].baseline_mean, d[3].diff.mean), (None, None));
        assert_eq!(d[3].scenario_mean, Some(7.5));
        assert_eq!(unmatched.only_in_baseline, ["only_base"]);
        assert_eq!(unmatched.only_in_scenario, ["extra"]);
        assert!(
            unmatched
                .to_string()
                .contains("only in the scenario: extra")
        );
    }
}
