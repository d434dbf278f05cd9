//! Comparing scenarios with a baseline run on the same seeds. Replicate r of every scenario
//! uses the same keyed random streams (common random numbers), so the per-replicate difference
//! scenario − baseline isolates the policy; its mean and Student-t interval are reported, over
//! the reported years in which the scenario's policy differs from the baseline's
//! ([`policy_period`]) and year by year. The cost per person averted is a ratio of two mean
//! paired differences, with Fieller's interval ([`fieller`]).

use crate::metric_names::Key;
use crate::metrics::{self, Period, Stats};

/// A span of reported years, both ends included, named by calendar year: a reported year is a
/// block of twelve reported months from `start`, named by the year of `start` plus its index (as
/// validation.csv's periods are). Written `2026-2031`, or `2031` for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Years {
    pub first: i32,
    pub last: i32,
}

impl Years {
    pub fn one(year: i32) -> Years {
        Years {
            first: year,
            last: year,
        }
    }

    /// Every year of the span, one by one.
    pub fn each(self) -> impl Iterator<Item = Years> {
        (self.first..=self.last).map(Years::one)
    }

    /// The smallest span holding both.
    pub fn union(self, o: Years) -> Years {
        Years {
            first: self.first.min(o.first),
            last: self.last.max(o.last),
        }
    }
}

impl std::fmt::Display for Years {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// Calendar months are counted as `year × 12 + (month − 1)`.
pub fn month_index(year: i32, month: u32) -> i64 {
    year as i64 * 12 + month as i64 - 1
}

/// `YYYY-MM` of a month index.
pub fn month_text(m: i64) -> String {
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

/// What a comparison needs of one run's calendar and policies: its first reported month, its
/// reported months, and its policy in each epoch, `(from, policy)` with `from` the month index
/// from which it is in force, in month order, the first from the first simulated month (in the
/// spin-up, if any). `P` is whatever tells two policies apart (e.g. the policy section's Debug
/// text).
#[derive(Debug, Clone)]
pub struct Timeline<P> {
    pub start: (i32, u32),
    pub months: usize,
    pub policies: Vec<(i64, P)>,
}

impl<P> Timeline<P> {
    /// Month index of the first reported month.
    fn first_month(&self) -> i64 {
        month_index(self.start.0, self.start.1)
    }

    /// The reported years.
    pub fn years(&self) -> Years {
        Years {
            first: self.start.0,
            last: self.start.0 + (self.months.max(1) as i32 - 1) / 12,
        }
    }

    /// The reported months of `years`, if the run reports any of them.
    pub fn period(&self, years: Years) -> Option<Period> {
        let at = |y: i32| ((y as i64 - self.start.0 as i64) * 12).clamp(0, self.months as i64);
        let (from, to) = (at(years.first), at(years.last + 1));
        (from < to).then_some(Period {
            from: from as usize,
            to: to as usize,
        })
    }

    /// The policy in force in month `m` (before the first simulated month, the first one).
    fn policy_at(&self, m: i64) -> Option<&P> {
        self.policies
            .iter()
            .rev()
            .find(|(from, _)| *from <= m)
            .or(self.policies.first())
            .map(|(_, p)| p)
    }
}

/// The years a scenario is compared over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyPeriod {
    /// From the reported year of the first month in which the scenario's policy differs from
    /// the baseline's to the last reported year; all reported years if it never differs.
    pub years: Years,
    /// That first month (a month index), if there is one: it may fall in the spin-up, before
    /// the reported months.
    pub from: Option<i64>,
}

/// The first simulated month of the scenario at which its policy differs from the baseline's
/// policy in force in that same calendar month, and the reported years from that month's year
/// to the last reported year of the two runs. Policies change only at the start of an epoch,
/// so only those months (of either run) need checking.
pub fn policy_period<P: PartialEq>(base: &Timeline<P>, scen: &Timeline<P>) -> PolicyPeriod {
    let all = base.years().union(scen.years());
    let Some(&(begin, _)) = scen.policies.first() else {
        return PolicyPeriod {
            years: all,
            from: None,
        };
    };
    let end = scen.first_month() + scen.months as i64;
    let mut months: Vec<i64> = scen
        .policies
        .iter()
        .chain(&base.policies)
        .map(|(m, _)| (*m).max(begin))
        .filter(|m| *m < end)
        .collect();
    months.sort_unstable();
    months.dedup();
    let from = months
        .into_iter()
        .find(|&m| scen.policy_at(m) != base.policy_at(m));
    match from {
        Some(m) => {
            let reported = (m - scen.first_month()).max(0);
            PolicyPeriod {
                years: Years {
                    first: scen.start.0 + (reported / 12) as i32,
                    last: all.last,
                },
                from: Some(m),
            }
        }
        None => PolicyPeriod {
            years: all,
            from: None,
        },
    }
}

/// One row of comparison.csv (over the policy period) or of comparison_by_year.csv (over one
/// year).
#[derive(Debug, Clone)]
pub struct Diff {
    pub scenario: String,
    /// The metric and its breakdown.
    pub key: Key,
    /// The reported years the values are computed over.
    pub period: Years,
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
pub fn paired(name: &str, period: Years, base: &Values, scen: &Values) -> (Vec<Diff>, Unmatched) {
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
        // The replicates in which both sides have a value: the difference is taken over these
        // pairs, and so are the two means, so that diff_mean is scenario_mean - baseline_mean
        // (a replicate whose denominator is empty on one side only would otherwise count in
        // one mean and not in the difference). Without a single pair, each mean is over its
        // own side's replicates and the difference is empty.
        let pairs: Vec<(f64, f64)> = match (b, s) {
            (Some(b), Some(s)) => b
                .iter()
                .zip(s)
                .filter_map(|(b, s)| Some(((*b)?, (*s)?)))
                .collect(),
            _ => Vec::new(),
        };
        let d: Vec<f64> = pairs.iter().map(|(b, s)| s - b).collect();
        let (bm, sm) = if pairs.is_empty() {
            (
                metrics::describe(&base.defined(metric)).mean,
                metrics::describe(&scen.defined(metric)).mean,
            )
        } else {
            let side = |f: fn(&(f64, f64)) -> f64| {
                metrics::describe(&pairs.iter().map(f).collect::<Vec<_>>()).mean
            };
            (side(|p| p.0), side(|p| p.1))
        };
        let stats = metrics::describe(&d);
        out.push(Diff {
            scenario: name.to_string(),
            key: metric.clone(),
            period,
            baseline_mean: bm,
            scenario_mean: sm,
            relative_change: match (stats.mean, bm) {
                (Some(dm), Some(b)) if b != 0.0 => Some(dm / b),
                _ => None,
            },
            diff: stats,
        });
    }
    (out, unmatched)
}

/// A scenario compared with the baseline.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub scenario: String,
    /// The years compared (comparison.csv), and the month its policy first differs.
    pub policy: PolicyPeriod,
    /// Every metric over the policy period, in the order of [`paired`].
    pub diffs: Vec<Diff>,
    /// The costs per person averted over the policy period, in the order of
    /// [`COST_EFFECTIVENESS`].
    pub costs: Vec<CostEffect>,
    /// Every metric year by year over the reported years: one metric's years together, the
    /// metrics in the order of `diffs` (comparison_by_year.csv).
    pub by_year: Vec<Diff>,
    /// The costs per person averted year by year, one metric's years together.
    pub costs_by_year: Vec<CostEffect>,
    /// The metrics only one side has.
    pub unmatched: Unmatched,
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

/// A ratio of two means with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Why a ratio is not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoRatio {
    /// Fewer than two pairs with both values: no interval can be drawn.
    TooFewReplicates,
    /// The denominator's 95% interval includes zero: the ratio's interval is unbounded.
    DenominatorIncludesZero,
    /// The denominator's 95% interval lies below zero.
    DenominatorBelowZero,
}

/// The ratio of the means of paired samples, mean(num) ÷ mean(den), with its 95% interval by
/// Fieller's theorem: the values θ for which mean(num) − θ·mean(den) is not distinguishable from
/// zero, i.e. (n̄ − θd̄)² ≤ t²·(s_nn − 2θ·s_nd + θ²·s_dd)/k over k pairs (sample variances and
/// covariance, Student-t quantile with k − 1 degrees of freedom). Given only where the
/// denominator's own 95% interval lies entirely above zero, which is exactly when that set is a
/// bounded interval around the estimate.
pub fn fieller(num: &[f64], den: &[f64]) -> Result<Ratio, NoRatio> {
    assert_eq!(num.len(), den.len(), "paired samples");
    let k = num.len();
    if k < 2 {
        return Err(NoRatio::TooFewReplicates);
    }
    let kf = k as f64;
    let (a, b) = (num.iter().sum::<f64>() / kf, den.iter().sum::<f64>() / kf);
    let cov = |x: &[f64], mx: f64, y: &[f64], my: f64| {
        x.iter()
            .zip(y)
            .map(|(x, y)| (x - mx) * (y - my))
            .sum::<f64>()
            / (kf - 1.0)
    };
    let (s_nn, s_dd, s_nd) = (
        cov(num, a, num, a),
        cov(den, b, den, b),
        cov(num, a, den, b),
    );
    let t = metrics::t975(k - 1);
    let half = t * (s_dd / kf).sqrt();
    if b - half <= 0.0 {
        return Err(if b + half < 0.0 {
            NoRatio::DenominatorBelowZero
        } else {
            NoRatio::DenominatorIncludesZero
        });
    }
    // The bounds are the roots of A·θ² − 2B·θ + C = 0; A > 0 because b > t·se(b), and the
    // estimate a/b lies between them, so the discriminant is not negative (up to rounding).
    let q = t * t / kf;
    let qa = b * b - q * s_dd;
    let qb = a * b - q * s_nd;
    let qc = a * a - q * s_nn;
    let root = (qb * qb - qa * qc).max(0.0).sqrt();
    Ok(Ratio {
        estimate: a / b,
        lo: (qb - root) / qa,
        hi: (qb + root) / qa,
    })
}

/// The programme's yearly cost, the numerator of every cost per person averted.
pub const PROGRAMME_COST: &str = "programme_cost_usd_per_year";

/// A row of comparison.csv that gives a cost per person averted
/// ([`crate::metric_names::COMPARISON_ONLY`]).
#[derive(Debug, Clone, Copy)]
pub struct CostPerAverted {
    pub metric: &'static str,
    /// The count a year whose fall is the persons averted.
    pub count: &'static str,
    /// Who is averted, in a word or two, for the terminal table.
    pub short: &'static str,
}

/// The costs per person averted, in the order comparison.csv writes them.
pub const COST_EFFECTIVENESS: [CostPerAverted; 3] = [
    CostPerAverted {
        metric: "cost_per_trafficked_averted_usd",
        count: "trafficked_per_year",
        short: "trafficked",
    },
    CostPerAverted {
        metric: "cost_per_bondage_averted_usd",
        count: "debt_bondage_per_year",
        short: "bondage",
    },
    CostPerAverted {
        metric: "cost_per_death_averted_usd",
        count: "deaths_per_year",
        short: "deaths",
    },
];

/// Why a cost per person averted is left empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReported {
    /// One of the runs has no `programme_cost_usd_per_year`.
    NoCost,
    /// One of the runs has no such count.
    NoCount(&'static str),
    Ratio(NoRatio),
}

impl std::fmt::Display for NotReported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReported::NoCost => write!(f, "no programme cost in the outputs"),
            NotReported::NoCount(m) => write!(f, "no {m} in the outputs"),
            NotReported::Ratio(NoRatio::TooFewReplicates) => {
                write!(f, "fewer than two replicates: no interval")
            }
            NotReported::Ratio(NoRatio::DenominatorIncludesZero) => {
                write!(
                    f,
                    "not averted: the interval of persons averted includes zero"
                )
            }
            NotReported::Ratio(NoRatio::DenominatorBelowZero) => {
                write!(f, "not averted: more persons than in the baseline")
            }
        }
    }
}

/// One cost per person averted of a scenario over some years.
#[derive(Debug, Clone)]
pub struct CostEffect {
    pub scenario: String,
    /// One of [`COST_EFFECTIVENESS`].
    pub metric: &'static str,
    pub period: Years,
    pub value: Result<Ratio, NotReported>,
}

/// The costs per person averted of a scenario: (scenario − baseline) of the programme cost a
/// year ÷ (baseline − scenario) of the persons a year, the ratio of the mean paired differences
/// with Fieller's interval over the replicates where all four values are defined. Empty, with
/// the reason, unless the persons averted have a 95% interval above zero.
pub fn cost_effectiveness(
    name: &str,
    period: Years,
    base: &Values,
    scen: &Values,
) -> Vec<CostEffect> {
    let cost = Key::total(PROGRAMME_COST);
    COST_EFFECTIVENESS
        .iter()
        .map(|&CostPerAverted { metric, count, .. }| {
            let count_key = Key::total(count);
            let value = match (
                base.get(&cost),
                scen.get(&cost),
                base.get(&count_key),
                scen.get(&count_key),
            ) {
                (None, _, _, _) | (_, None, _, _) => Err(NotReported::NoCost),
                (_, _, None, _) | (_, _, _, None) => Err(NotReported::NoCount(count)),
                (Some(cb), Some(cs), Some(nb), Some(ns)) => {
                    let (mut num, mut den) = (Vec::new(), Vec::new());
                    for r in 0..cb.len().min(cs.len()).min(nb.len()).min(ns.len()) {
                        if let (Some(cb), Some(cs), Some(nb), Some(ns)) =
                            (cb[r], cs[r], nb[r], ns[r])
                        {
                            num.push(cs - cb);
                            den.push(nb - ns);
                        }
                    }
                    fieller(&num, &den).map_err(NotReported::Ratio)
                }
            };
            CostEffect {
                scenario: name.to_string(),
                metric,
                period,
                value,
            }
        })
        .collect()
}

/// A headline metric of the picture and the terminal table: what it measures, and its unit in
/// words and in a word or two. Consecutive rows of one `topic` are one block of the table, so
/// that each rate stands next to its count a year.
#[derive(Debug, Clone, Copy)]
pub struct Headline {
    pub metric: &'static str,
    pub topic: &'static str,
    pub unit: &'static str,
    pub short: &'static str,
}

const fn h(
    metric: &'static str,
    topic: &'static str,
    unit: &'static str,
    short: &'static str,
) -> Headline {
    Headline {
        metric,
        topic,
        unit,
        short,
    }
}

/// The headline metrics, in the order of the table and the picture.
pub const HEADLINE: &[Headline] = &[
    h(
        "debt_bondage_share",
        "Debt bondage",
        "ever, share of departures",
        "share",
    ),
    h(
        "debt_bondage_per_year",
        "Debt bondage",
        "persons entering it a year",
        "per year",
    ),
    h(
        "forced_labour_prevalence_per_1000",
        "Forced labour",
        "per 1,000 persons abroad in a month",
        "per 1,000",
    ),
    h(
        "forced_labour_per_year",
        "Forced labour",
        "persons entering it a year",
        "per year",
    ),
    h(
        "trafficked_per_1000",
        "Trafficked",
        "per 1,000 departures",
        "per 1,000",
    ),
    h(
        "trafficked_per_year",
        "Trafficked",
        "persons a year",
        "per year",
    ),
    h(
        "deaths_per_1000_irregular",
        "Deaths during migration",
        "per 1,000 irregular departures",
        "per 1,000",
    ),
    h(
        "deaths_per_year",
        "Deaths during migration",
        "persons a year",
        "per year",
    ),
    h(
        "irregular_departures_per_year",
        "Irregular departures",
        "persons a year",
        "per year",
    ),
    h(
        "mean_migration_cost_usd",
        "Cost of migrating",
        "mean USD per registered departure",
        "USD",
    ),
    h(
        "convictions_per_year",
        "Trafficking convictions",
        "persons convicted a year",
        "per year",
    ),
    h(
        "reintegration_sustainable_share",
        "Sustainably reintegrated a year after return",
        "share of returns",
        "share",
    ),
];

impl Headline {
    /// The metric's label in words: `Trafficked (persons a year)`.
    pub fn label(&self) -> String {
        format!("{} ({})", self.topic, self.unit)
    }
}

/// The headline metrics in blocks of one topic each.
pub fn headline_blocks() -> Vec<&'static [Headline]> {
    let mut out: Vec<&'static [Headline]> = Vec::new();
    let mut i = 0;
    while i < HEADLINE.len() {
        let j = (i..HEADLINE.len())
            .find(|&j| HEADLINE[j].topic != HEADLINE[i].topic)
            .unwrap_or(HEADLINE.len());
        out.push(&HEADLINE[i..j]);
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y: Years = Years {
        first: 2022,
        last: 2031,
    };

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
        let (d, unmatched) = paired("x", Y, &b, &b);
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
        let (d, _) = paired("x", Y, &vals(&base), &vals(&scen));
        let paired_half = d[0].diff.hi.unwrap() - d[0].diff.mean.unwrap();
        let unpaired = unpaired_half_width(&base, &scen).unwrap();
        assert!(
            paired_half * 10.0 < unpaired,
            "paired {paired_half} vs unpaired {unpaired}"
        );
    }

    #[test]
    fn a_replicate_empty_on_one_side_is_left_out_of_both_means_as_of_the_difference() {
        // The baseline's second replicate has no value (an empty denominator): the scenario's
        // mean over all three replicates would be 2, below the baseline's 4, while the one
        // difference that can be taken is +1. Both means are over the pairs instead.
        let base = Values::from_replicates(&[
            vec![(Key::total("m"), Some(6.0))],
            vec![(Key::total("m"), None)],
            vec![(Key::total("m"), Some(2.0))],
        ]);
        let scen = Values::from_replicates(&[
            vec![(Key::total("m"), Some(7.0))],
            vec![(Key::total("m"), Some(-4.0))],
            vec![(Key::total("m"), Some(3.0))],
        ]);
        let (d, _) = paired("s", Y, &base, &scen);
        assert_eq!(d[0].baseline_mean, Some(4.0));
        assert_eq!(d[0].scenario_mean, Some(5.0));
        assert_eq!(d[0].diff.mean, Some(1.0));
        assert_eq!(d[0].relative_change, Some(0.25));
        // With no replicate in which both have a value, each mean is its own side's.
        let scen = Values::from_replicates(&[
            vec![(Key::total("m"), None)],
            vec![(Key::total("m"), Some(8.0))],
            vec![(Key::total("m"), None)],
        ]);
        let (d, _) = paired("s", Y, &base, &scen);
        assert_eq!(
            (d[0].baseline_mean, d[0].scenario_mean),
            (Some(4.0), Some(8.0))
        );
        assert_eq!((d[0].diff.mean, d[0].relative_change), (None, None));
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
        let (d, unmatched) = paired("s", Y, &base, &scen);
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
        let (d, unmatched) = paired("s", Y, &base, &scen);
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

    #[test]
    fn fieller_with_a_constant_numerator_divides_it_by_the_ends_of_the_denominators_interval() {
        // With no spread in the numerator, (20 − θ·d̄)² ≤ t²·θ²·s_dd/k says exactly that 20/θ lies
        // in the Student-t interval of d̄; here d̄ = 10, s_dd = 1, k = 3.
        let r = fieller(&[20.0, 20.0, 20.0], &[9.0, 10.0, 11.0]).unwrap();
        let half = metrics::t975(2) * (1.0f64 / 3.0).sqrt();
        assert!((r.estimate - 2.0).abs() < 1e-12);
        assert!((r.lo - 20.0 / (10.0 + half)).abs() < 1e-12, "{r:?}");
        assert!((r.hi - 20.0 / (10.0 - half)).abs() < 1e-12, "{r:?}");
    }

    #[test]
    fn fieller_of_proportional_samples_is_a_point() {
        let r = fieller(&[18.0, 20.0, 22.0], &[9.0, 10.0, 11.0]).unwrap();
        assert_eq!(r.estimate, 2.0);
        assert!(
            (r.lo - 2.0).abs() < 1e-9 && (r.hi - 2.0).abs() < 1e-9,
            "{r:?}"
        );
    }

    #[test]
    fn fieller_agrees_with_the_delta_method_when_the_noise_is_small() {
        // Far from zero and with little noise, the interval is the delta method's
        // estimate ± t·se, se² = (s_nn − 2R·s_nd + R²·s_dd) / (k·d̄²).
        let num = [50.013, 49.991, 50.004, 49.982, 50.021];
        let den = [100.002, 99.994, 100.011, 99.989, 100.007];
        let r = fieller(&num, &den).unwrap();
        let k = num.len() as f64;
        let (a, b) = (num.iter().sum::<f64>() / k, den.iter().sum::<f64>() / k);
        let c = |x: &[f64], mx: f64, y: &[f64], my: f64| {
            x.iter()
                .zip(y)
                .map(|(x, y)| (x - mx) * (y - my))
                .sum::<f64>()
                / (k - 1.0)
        };
        let ratio = a / b;
        let se = ((c(&num, a, &num, a) - 2.0 * ratio * c(&num, a, &den, b)
            + ratio * ratio * c(&den, b, &den, b))
            / (k * b * b))
            .sqrt();
        let half = metrics::t975(4) * se;
        assert!((r.estimate - ratio).abs() < 1e-15);
        assert!(
            ((ratio - r.lo) - half).abs() < 1e-3 * half,
            "{r:?} vs ±{half}"
        );
        assert!(
            ((r.hi - ratio) - half).abs() < 1e-3 * half,
            "{r:?} vs ±{half}"
        );
    }

    #[test]
    fn fieller_is_empty_unless_the_denominator_is_clearly_above_zero() {
        // Denominator mean 1, interval 1 ± 4.303·(1/√3): includes zero.
        assert_eq!(
            fieller(&[5.0, 5.0, 5.0], &[0.0, 1.0, 2.0]),
            Err(NoRatio::DenominatorIncludesZero)
        );
        assert_eq!(
            fieller(&[5.0, 5.0, 5.0], &[-10.0, -10.5, -9.5]),
            Err(NoRatio::DenominatorBelowZero)
        );
        // Identical runs avert nobody, exactly.
        assert_eq!(
            fieller(&[0.0, 0.0, 0.0], &[0.0, 0.0, 0.0]),
            Err(NoRatio::DenominatorIncludesZero)
        );
        assert_eq!(fieller(&[5.0], &[3.0]), Err(NoRatio::TooFewReplicates));
    }

    fn timeline(months: usize, policies: &[(i32, u32, &'static str)]) -> Timeline<&'static str> {
        Timeline {
            start: (2022, 1),
            months,
            policies: policies
                .iter()
                .map(|&(y, m, p)| (month_index(y, m), p))
                .collect(),
        }
    }

    #[test]
    fn the_policy_period_starts_in_the_year_the_policy_first_differs() {
        // Five years of spin-up from 2017, ten reported years from 2022.
        let base = timeline(120, &[(2017, 1, "status quo")]);
        let at = |policies: &[(i32, u32, &'static str)]| {
            let p = policy_period(&base, &timeline(120, policies));
            (p.years.to_string(), p.from.map(month_text))
        };
        let from = |s: &str| Some(s.to_string());
        // A lever set by an event in January 2026, or in July.
        assert_eq!(
            at(&[(2017, 1, "status quo"), (2026, 1, "cap")]),
            ("2026-2031".into(), from("2026-01"))
        );
        assert_eq!(
            at(&[(2017, 1, "status quo"), (2026, 7, "cap")]),
            ("2026-2031".into(), from("2026-07"))
        );
        // The same policy throughout, or an event that sets the values already in force: the
        // whole period.
        assert_eq!(at(&[(2017, 1, "status quo")]), ("2022-2031".into(), None));
        assert_eq!(
            at(&[(2017, 1, "status quo"), (2024, 1, "status quo")]),
            ("2022-2031".into(), None)
        );
        // A policy in force from the first simulated month differs during the spin-up: every
        // reported year.
        assert_eq!(
            at(&[(2017, 1, "cap")]),
            ("2022-2031".into(), from("2017-01"))
        );
        // In the last year only.
        assert_eq!(
            at(&[(2017, 1, "status quo"), (2031, 12, "cap")]),
            ("2031".into(), from("2031-12"))
        );
        // The baseline changes its policy and the scenario does not follow: they differ from
        // the baseline's change on; once both change alike they agree again, and the first
        // difference is what counts.
        let moving = timeline(120, &[(2017, 1, "status quo"), (2024, 3, "new law")]);
        let p = policy_period(&moving, &base);
        assert_eq!(p.years.to_string(), "2024-2031");
        let same = timeline(120, &[(2017, 1, "status quo"), (2024, 3, "new law")]);
        assert_eq!(policy_period(&moving, &same).from, None);
    }

    #[test]
    fn years_map_to_each_runs_reported_months() {
        let t = timeline(120, &[(2017, 1, "x")]);
        assert_eq!(t.years().to_string(), "2022-2031");
        let p = |y: Years| t.period(y).map(|p| (p.from, p.to));
        assert_eq!(
            p(Years {
                first: 2026,
                last: 2031
            }),
            Some((48, 120))
        );
        assert_eq!(p(Years::one(2022)), Some((0, 12)));
        assert_eq!(p(Years::one(2032)), None);
        // A last year cut short by the horizon.
        let short = timeline(30, &[(2017, 1, "x")]);
        assert_eq!(short.years().to_string(), "2022-2024");
        assert_eq!(
            short.period(Years::one(2024)).map(|p| (p.from, p.to)),
            Some((24, 30))
        );
        let each: Vec<String> = short.years().each().map(|y| y.to_string()).collect();
        assert_eq!(each, ["2022", "2023", "2024"]);
    }

    #[test]
    fn cost_effectiveness_from_synthetic_runs() {
        let run = |cost: Option<[f64; 3]>, trafficked: [f64; 3], deaths: [f64; 3]| {
            let reps: Vec<Vec<(Key, Option<f64>)>> = (0..3)
                .map(|r| {
                    let mut v = vec![
                        (Key::total("trafficked_per_year"), Some(trafficked[r])),
                        (Key::total("debt_bondage_per_year"), Some(500.0)),
                        (Key::total("deaths_per_year"), Some(deaths[r])),
                    ];
                    if let Some(c) = cost {
                        v.push((Key::total(PROGRAMME_COST), Some(c[r])));
                        v.push((Key::by(PROGRAMME_COST, "lever", "fee_cap"), Some(c[r])));
                    }
                    v
                })
                .collect();
            Values::from_replicates(&reps)
        };
        let base = run(Some([0.0; 3]), [1000.0, 1100.0, 900.0], [40.0, 41.0, 39.0]);
        // Ten million dollars a year avert 100 trafficked persons a year, give or take one.
        let scen = run(
            Some([1.0e7, 1.0e7, 1.0e7]),
            [901.0, 1000.0, 799.0],
            [40.0, 42.0, 38.0],
        );
        let c = cost_effectiveness("s", Y, &base, &scen);
        assert_eq!(
            c.iter().map(|c| c.metric).collect::<Vec<_>>(),
            [
                "cost_per_trafficked_averted_usd",
                "cost_per_bondage_averted_usd",
                "cost_per_death_averted_usd"
            ]
        );
        let r = c[0].value.clone().unwrap();
        assert!((r.estimate - 1.0e5).abs() < 1e-6, "{r:?}");
        // The averted counts 99, 100, 101: a constant numerator over their interval.
        let half = metrics::t975(2) * (1.0f64 / 3.0).sqrt();
        assert!((r.lo - 1.0e7 / (100.0 + half)).abs() < 1e-6, "{r:?}");
        assert!((r.hi - 1.0e7 / (100.0 - half)).abs() < 1e-6, "{r:?}");
        assert_eq!(
            c[1].value,
            Err(NotReported::Ratio(NoRatio::DenominatorIncludesZero))
        );
        assert_eq!(
            c[1].value.clone().unwrap_err().to_string(),
            "not averted: the interval of persons averted includes zero"
        );
        // Deaths averted 0, −1, 1: no value.
        assert!(c[2].value.is_err());
        // Without a programme cost in either run there is nothing to divide.
        let no_cost = cost_effectiveness("s", Y, &run(None, [1.0; 3], [1.0; 3]), &scen);
        assert!(no_cost.iter().all(|c| c.value == Err(NotReported::NoCost)));
        assert_eq!(
            NotReported::NoCost.to_string(),
            "no programme cost in the outputs"
        );
    }

    #[test]
    fn the_costs_per_person_averted_are_the_comparison_only_rows() {
        let names: Vec<&str> = COST_EFFECTIVENESS.iter().map(|c| c.metric).collect();
        let only: Vec<&str> = crate::metric_names::COMPARISON_ONLY
            .iter()
            .map(|m| m.metric)
            .collect();
        assert_eq!(names, only);
        for c in COST_EFFECTIVENESS {
            assert!(
                crate::metric_names::lookup(c.count, crate::metric_names::Dimension::Total)
                    .is_some(),
                "{} is not a metric",
                c.count
            );
        }
    }

    #[test]
    fn headline_blocks_put_each_rate_beside_its_count() {
        let blocks = headline_blocks();
        let metrics: Vec<Vec<&str>> = blocks
            .iter()
            .map(|b| b.iter().map(|h| h.metric).collect())
            .collect();
        for pair in [
            ["debt_bondage_share", "debt_bondage_per_year"],
            ["trafficked_per_1000", "trafficked_per_year"],
            ["deaths_per_1000_irregular", "deaths_per_year"],
        ] {
            assert!(metrics.contains(&pair.to_vec()), "{pair:?} in {metrics:?}");
        }
        assert_eq!(
            blocks.iter().map(|b| b.len()).sum::<usize>(),
            HEADLINE.len()
        );
        for h in HEADLINE {
            assert!(
                crate::metric_names::lookup(h.metric, crate::metric_names::Dimension::Total)
                    .is_some(),
                "{} is not a metric",
                h.metric
            );
        }
    }
}
