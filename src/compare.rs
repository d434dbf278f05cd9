//! Comparing scenarios with a baseline run on the same seeds. Replicate r of every scenario
//! uses the same keyed random streams (common random numbers), so the per-replicate difference
//! scenario − baseline isolates the policy; its mean and Student-t interval are reported.

use crate::metrics::{self, Stats};

/// One row of comparison.csv.
#[derive(Debug, Clone)]
pub struct Diff {
    pub scenario: String,
    pub metric: String,
    pub baseline_mean: Option<f64>,
    pub scenario_mean: Option<f64>,
    pub diff: Stats,
    pub relative_change: Option<f64>,
}

/// Metric values per replicate, as produced by `output::tables::replicate_metrics`.
pub type Values = Vec<Vec<(String, Option<f64>)>>;

/// Paired differences of every metric between a scenario and the baseline.
pub fn paired(name: &str, base: &Values, scen: &Values) -> Vec<Diff> {
    let Some(first) = base.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, (metric, _)) in first.iter().enumerate() {
        let pick = |v: &Values, r: usize| {
            v.get(r)
                .and_then(|x| x.get(k))
                .filter(|x| &x.0 == metric)
                .and_then(|x| x.1)
        };
        let n = base.len().min(scen.len());
        let b: Vec<f64> = (0..base.len()).filter_map(|r| pick(base, r)).collect();
        let s: Vec<f64> = (0..scen.len()).filter_map(|r| pick(scen, r)).collect();
        let d: Vec<f64> = (0..n)
            .filter_map(|r| Some(pick(scen, r)? - pick(base, r)?))
            .collect();
        let bm = metrics::describe(&b).mean;
        let stats = metrics::describe(&d);
        out.push(Diff {
            scenario: name.to_string(),
            metric: metric.clone(),
            baseline_mean: bm,
            scenario_mean: metrics::describe(&s).mean,
            relative_change: match (stats.mean, bm) {
                (Some(dm), Some(b)) if b != 0.0 => Some(dm / b),
                _ => None,
            },
            diff: stats,
        });
    }
    out
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
pub const HEADLINE: [(&str, &str); 7] = [
    (
        "debt_bondage_share",
        "Ever in debt bondage (share of departures)",
    ),
    ("trafficked_per_1000", "Trafficked (per 1,000 departures)"),
    (
        "deaths_per_1000_irregular",
        "Deaths (per 1,000 irregular departures)",
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
        xs.iter()
            .map(|&x| vec![("m".to_string(), Some(x))])
            .collect()
    }

    #[test]
    fn same_scenario_gives_exactly_zero() {
        let b = vals(&[1.0, 2.5, 3.0]);
        let d = paired("x", &b, &b);
        assert_eq!(d[0].diff.mean, Some(0.0));
        assert_eq!(d[0].diff.lo, Some(0.0));
        assert_eq!(d[0].relative_change, Some(0.0));
    }

    #[test]
    fn pairing_removes_shared_noise() {
        // Replicates share a large common component; the policy adds 1 with small noise.
        let base = [10.0, 20.0, 30.0, 15.0, 25.0];
        let scen = [11.1, 20.9, 31.0, 16.05, 25.95];
        let d = paired("x", &vals(&base), &vals(&scen));
        let paired_half = d[0].diff.hi.unwrap() - d[0].diff.mean.unwrap();
        let unpaired = unpaired_half_width(&base, &scen).unwrap();
        assert!(
            paired_half * 10.0 < unpaired,
            "paired {paired_half} vs unpaired {unpaired}"
        );
    }
}
