//! From a sweep's results to its conclusions, without I/O: per point, the quantity analysed
//! (the baseline's value of each metric, or a policy scenario's effect: the mean over
//! replicates of its paired difference from the baseline on the same draws); per parameter,
//! its sensitivity indices; per policy scenario and metric, how robust the effect's sign is.

use super::{Design, DesignKind, Distribution};
use crate::sensitivity::{MorrisDesign, below, morris_with, sobol_indices};

/// Where each value of a point's record sits: scenarios (the baseline first), then
/// replicates, then metrics.
#[derive(Clone, Debug)]
pub struct Layout {
    pub scenarios: Vec<String>,
    pub replicates: usize,
    pub metrics: Vec<String>,
}

impl Layout {
    /// Values in one point's record.
    pub fn width(&self) -> usize {
        self.scenarios.len() * self.replicates * self.metrics.len()
    }

    pub fn at(&self, scenario: usize, replicate: usize, metric: usize) -> usize {
        (scenario * self.replicates + replicate) * self.metrics.len() + metric
    }
}

/// The quantity analysed at every point: `[scenario][metric][point]`. For the baseline its
/// value (mean over replicates); for a policy scenario its effect (mean over the replicates
/// where both sides have a value of the paired difference).
pub fn outputs(layout: &Layout, points: &[Vec<Option<f64>>]) -> Vec<Vec<Vec<Option<f64>>>> {
    (0..layout.scenarios.len())
        .map(|s| {
            (0..layout.metrics.len())
                .map(|m| {
                    points
                        .iter()
                        .map(|v| {
                            let xs: Vec<f64> = (0..layout.replicates)
                                .filter_map(|r| {
                                    let x = v[layout.at(s, r, m)]?;
                                    if s == 0 {
                                        Some(x)
                                    } else {
                                        Some(x - v[layout.at(0, r, m)]?)
                                    }
                                })
                                .collect();
                            (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// One row of sensitivity.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    pub scenario: String,
    pub metric: String,
    /// `value` (the baseline) or `effect` (a policy scenario's paired difference).
    pub quantity: &'static str,
    pub parameter: String,
    /// `S1`, `ST` (Sobol'), `mu_star`, `mu`, `sigma` (Morris), `spearman` (grid, lhs).
    pub index: &'static str,
    pub estimate: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// Every index of every parameter for every scenario and metric. `ys` is [`outputs`];
/// `values[p]` are the design's parameter values at point p (point 0 first).
/// `values[p]` are the parameters' values design point p + 1 ran with (the design's, with those
/// of whole-number keys rounded), `dists` their distributions: the indices are of the values
/// run, not of the coordinates before rounding.
#[allow(clippy::too_many_arguments)]
pub fn indices(
    layout: &Layout,
    design: &Design,
    parameters: &[String],
    values: &[Vec<f64>],
    dists: &[Distribution],
    ys: &[Vec<Vec<Option<f64>>>],
    resamples: usize,
    seed: u64,
) -> Vec<Index> {
    let mut out = Vec::new();
    // Each Morris move's step in unit coordinates: the design's, unless rounding moved either
    // end, then the step between where the values run sit in their distributions.
    let steps: Vec<Vec<f64>> = design.morris.as_ref().map_or(Vec::new(), |d| {
        d.moves
            .iter()
            .enumerate()
            .map(|(t, moves)| {
                moves
                    .iter()
                    .enumerate()
                    .map(|(s, &(i, dir))| {
                        let (p0, p1) = (t * (d.k + 1) + s, t * (d.k + 1) + s + 1);
                        let (a, b) = (values[p0][i], values[p1][i]);
                        if a == design.values[p0][i] && b == design.values[p1][i] {
                            dir * d.delta
                        } else {
                            dists[i].cdf(b) - dists[i].cdf(a)
                        }
                    })
                    .collect()
            })
            .collect()
    });
    for (s, per_metric) in ys.iter().enumerate() {
        for (m, y) in per_metric.iter().enumerate() {
            // The design's points only (point 0 is the reference).
            let y = &y[1..];
            let row = |parameter: usize,
                       index: &'static str,
                       estimate: f64,
                       ci: Option<(f64, f64)>| Index {
                scenario: layout.scenarios[s].clone(),
                metric: layout.metrics[m].clone(),
                quantity: if s == 0 { "value" } else { "effect" },
                parameter: parameters[parameter].clone(),
                index,
                estimate,
                ci_low: ci.map(|c| c.0),
                ci_high: ci.map(|c| c.1),
            };
            match design.kind {
                DesignKind::Sobol => {
                    let Some(d) = &design.sobol else { continue };
                    let (n, k) = (d.a.len(), d.k);
                    // Rows at which every matrix has a value.
                    let rows: Vec<usize> = (0..n)
                        .filter(|&r| (0..k + 2).all(|b| y[b * n + r].is_some()))
                        .collect();
                    if rows.len() < 2 {
                        continue;
                    }
                    let col = |b: usize| -> Vec<f64> {
                        rows.iter().map(|&r| y[b * n + r].unwrap_or(0.0)).collect()
                    };
                    let fab: Vec<Vec<f64>> = (0..k).map(|i| col(2 + i)).collect();
                    let ix = sobol_indices(&col(0), &col(1), &fab, resamples, seed);
                    for i in 0..k {
                        let (f, t) = (ix.first[i], ix.total[i]);
                        out.push(row(i, "S1", f.value, Some((f.ci_low, f.ci_high))));
                        out.push(row(i, "ST", t.value, Some((t.ci_low, t.ci_high))));
                    }
                }
                DesignKind::Morris => {
                    let Some(d) = &design.morris else { continue };
                    let k = d.k;
                    // Trajectories with a value at every point.
                    let keep: Vec<usize> = (0..d.trajectories.len())
                        .filter(|&t| (0..=k).all(|j| y[t * (k + 1) + j].is_some()))
                        .collect();
                    if keep.is_empty() {
                        continue;
                    }
                    let along = |t: usize| -> Vec<f64> {
                        (0..=k).map(|j| y[t * (k + 1) + j].unwrap_or(0.0)).collect()
                    };
                    let steps_of = |pick: &[usize]| -> Vec<Vec<f64>> {
                        pick.iter().map(|&t| steps[t].clone()).collect()
                    };
                    let stats = morris_with(
                        &subset(d, &keep),
                        &keep.iter().map(|&t| along(t)).collect::<Vec<_>>(),
                        &steps_of(&keep),
                    );
                    // Bootstrap interval of mu* over trajectories.
                    let mut state = seed ^ 0x6d75_7374;
                    let mut boot = vec![Vec::with_capacity(resamples); k];
                    for _ in 0..resamples {
                        let pick: Vec<usize> = (0..keep.len())
                            .map(|_| keep[below(&mut state, keep.len())])
                            .collect();
                        let outs: Vec<Vec<f64>> = pick.iter().map(|&t| along(t)).collect();
                        let resampled = morris_with(&subset(d, &pick), &outs, &steps_of(&pick));
                        for (i, st) in resampled.iter().enumerate() {
                            if st.effects > 0 {
                                boot[i].push(st.mu_star);
                            }
                        }
                    }
                    for (i, st) in stats.iter().enumerate() {
                        // Every move of the parameter rounded away: nothing to say of it.
                        if st.effects == 0 {
                            continue;
                        }
                        let ci = if keep.len() > 1 {
                            percentile_interval(&mut boot[i])
                        } else {
                            None
                        };
                        out.push(row(i, "mu_star", st.mu_star, ci));
                        out.push(row(i, "mu", st.mu, None));
                        out.push(row(i, "sigma", st.sigma, None));
                    }
                }
                DesignKind::Grid | DesignKind::Lhs => {
                    let rows: Vec<usize> = (0..y.len()).filter(|&p| y[p].is_some()).collect();
                    if rows.len() < 3 {
                        continue;
                    }
                    let yr = ranks(
                        &rows
                            .iter()
                            .map(|&p| y[p].unwrap_or(0.0))
                            .collect::<Vec<_>>(),
                    );
                    // A result that does not move at all is not associated with any parameter
                    // that does: 0 [0, 0], as Sobol' and Morris report it. A parameter that
                    // takes one value only (every value rounded alike) has nothing to say.
                    let still = yr.iter().all(|&r| r == yr[0]);
                    for (i, _) in parameters.iter().enumerate() {
                        let xr = ranks(&rows.iter().map(|&p| values[p][i]).collect::<Vec<_>>());
                        if still && xr.iter().any(|&r| r != xr[0]) {
                            out.push(row(i, "spearman", 0.0, Some((0.0, 0.0))));
                            continue;
                        }
                        let Some(r) = pearson(&xr, &yr) else { continue };
                        let ci = (rows.len() > 3).then(|| {
                            let z = r.clamp(-0.999_999, 0.999_999).atanh();
                            let h = 1.959_964 / ((rows.len() - 3) as f64).sqrt();
                            ((z - h).tanh(), (z + h).tanh())
                        });
                        out.push(row(i, "spearman", r, ci));
                    }
                }
            }
        }
    }
    out
}

/// A Morris design restricted to (or resampled as) the trajectories `pick`.
fn subset(d: &MorrisDesign, pick: &[usize]) -> MorrisDesign {
    MorrisDesign {
        k: d.k,
        delta: d.delta,
        trajectories: pick.iter().map(|&t| d.trajectories[t].clone()).collect(),
        moves: pick.iter().map(|&t| d.moves[t].clone()).collect(),
    }
}

/// The 2.5% and 97.5% percentiles of `xs` (sorted in place).
fn percentile_interval(xs: &mut [f64]) -> Option<(f64, f64)> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    Some((quantile(xs, 0.025), quantile(xs, 0.975)))
}

/// The `q` quantile of sorted values, linearly interpolated.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Ranks (1-based), ties sharing their mean rank.
fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && xs[order[j + 1]] == xs[order[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &o in &order[i..=j] {
            r[o] = mean;
        }
        i = j + 1;
    }
    r
}

fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// One row of robustness.csv: a policy scenario's effect on a metric across the design.
#[derive(Clone, Debug, PartialEq)]
pub struct Robustness {
    pub scenario: String,
    pub metric: String,
    /// The effect at point 0 (the scenarios as written) and relative to the baseline there.
    pub default_effect: Option<f64>,
    pub default_relative: Option<f64>,
    /// Design points with an effect, and how many have the sign of the default effect.
    pub points: usize,
    pub same_sign: usize,
    /// `same_sign / points` with its Wilson 95% interval; empty when the default effect is 0
    /// or missing.
    pub share: Option<(f64, f64, f64)>,
    /// The 5th, 50th and 95th percentiles of the effect over the points, and of the relative
    /// effect (effect ÷ the baseline's value at the same point).
    pub effect: Option<[f64; 3]>,
    pub relative: Option<[f64; 3]>,
}

/// Robustness of each policy scenario's effect on each metric, over the design's points that
/// are draws from the parameters' distributions (for Sobol', the rows of A and B; otherwise
/// every point).
pub fn robustness(
    layout: &Layout,
    design: &Design,
    ys: &[Vec<Vec<Option<f64>>>],
) -> Vec<Robustness> {
    let drawn: Vec<usize> = match &design.sobol {
        Some(d) => (1..=2 * d.a.len()).collect(),
        None => (1..=design.values.len()).collect(),
    };
    let mut out = Vec::new();
    for s in 1..layout.scenarios.len() {
        for (m, (effect, base)) in ys[s].iter().zip(&ys[0]).enumerate() {
            let d0 = effect[0];
            let rel = |p: usize| match (effect[p], base[p]) {
                (Some(e), Some(b)) if b != 0.0 => Some(e / b),
                _ => None,
            };
            let with: Vec<f64> = drawn.iter().filter_map(|&p| effect[p]).collect();
            let sign = d0.map(f64::signum).filter(|_| d0 != Some(0.0));
            let same = sign.map_or(0, |sg| {
                with.iter()
                    .filter(|e| e.signum() == sg && **e != 0.0)
                    .count()
            });
            let mut rels: Vec<f64> = drawn.iter().filter_map(|&p| rel(p)).collect();
            let mut effs = with.clone();
            out.push(Robustness {
                scenario: layout.scenarios[s].clone(),
                metric: layout.metrics[m].clone(),
                default_effect: d0,
                default_relative: rel(0),
                points: with.len(),
                same_sign: same,
                share: sign
                    .filter(|_| !with.is_empty())
                    .map(|_| wilson(same, with.len())),
                effect: spread(&mut effs),
                relative: spread(&mut rels),
            });
        }
    }
    out
}

fn spread(xs: &mut [f64]) -> Option<[f64; 3]> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    Some([quantile(xs, 0.05), quantile(xs, 0.5), quantile(xs, 0.95)])
}

/// A share k / n with its Wilson score 95% interval.
pub fn wilson(k: usize, n: usize) -> (f64, f64, f64) {
    let (k, n) = (k as f64, n as f64);
    let z = 1.959_964f64;
    let p = k / n;
    let den = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / den;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / den;
    (p, (centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::Distribution;

    fn layout(scenarios: usize, replicates: usize) -> Layout {
        Layout {
            scenarios: (0..scenarios).map(|s| format!("s{s}")).collect(),
            replicates,
            metrics: vec!["m".into()],
        }
    }

    #[test]
    fn effects_are_paired_differences_averaged_over_replicates() {
        let l = layout(2, 2);
        // Baseline 10 and 20, scenario 13 and 21: effects 3 and 1, mean 2.
        let points = vec![vec![Some(10.0), Some(20.0), Some(13.0), Some(21.0)]];
        let ys = outputs(&l, &points);
        assert_eq!(ys[0][0][0], Some(15.0));
        assert_eq!(ys[1][0][0], Some(2.0));
        // A replicate without a value on one side is left out of the pair.
        let points = vec![vec![Some(10.0), None, Some(13.0), Some(21.0)]];
        assert_eq!(outputs(&l, &points)[1][0][0], Some(3.0));
    }

    #[test]
    fn robustness_counts_the_points_that_keep_the_default_sign() {
        let l = layout(2, 1);
        let d = Design::new(
            DesignKind::Lhs,
            &[Distribution::Uniform {
                low: 0.0,
                high: 1.0,
            }],
            10,
            0,
            1,
        )
        .unwrap();
        // Effect at point 0: −1; at the ten points: seven negative, three positive.
        let mut points = vec![vec![Some(100.0), Some(99.0)]];
        for p in 0..10 {
            let e = if p < 7 { -2.0 } else { 1.0 };
            points.push(vec![Some(100.0), Some(100.0 + e)]);
        }
        let r = robustness(&l, &d, &outputs(&l, &points));
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].points, r[0].same_sign), (10, 7));
        let (share, lo, hi) = r[0].share.unwrap();
        assert_eq!(share, 0.7);
        assert!(lo < 0.7 && hi > 0.7 && lo > 0.3 && hi < 0.95, "{lo} {hi}");
        assert_eq!(r[0].default_relative, Some(-0.01));
    }

    #[test]
    fn a_result_that_never_moves_gets_a_zero_correlation_row_not_none() {
        let l = layout(1, 1);
        let dists = vec![
            Distribution::Uniform {
                low: 0.0,
                high: 1.0
            };
            2
        ];
        let d = Design::new(DesignKind::Lhs, &dists, 20, 0, 3).unwrap();
        let mut points = vec![vec![Some(7.0)]];
        points.extend(d.values.iter().map(|_| vec![Some(7.0)]));
        let ix = indices(
            &l,
            &d,
            &["a".into(), "b".into()],
            &d.values,
            &dists,
            &outputs(&l, &points),
            100,
            1,
        );
        assert_eq!(ix.len(), 2, "one row for each parameter: {ix:?}");
        for r in &ix {
            assert_eq!((r.index, r.estimate), ("spearman", 0.0));
            assert_eq!((r.ci_low, r.ci_high), (Some(0.0), Some(0.0)));
        }
    }

    #[test]
    fn spearman_finds_the_parameter_that_matters() {
        let l = layout(1, 1);
        let dists = vec![
            Distribution::Uniform {
                low: 0.0,
                high: 1.0
            };
            2
        ];
        let d = Design::new(DesignKind::Lhs, &dists, 50, 0, 3).unwrap();
        let mut points = vec![vec![Some(0.0)]];
        points.extend(d.values.iter().map(|v| vec![Some(v[0].powi(3))]));
        let ys = outputs(&l, &points);
        let ix = indices(
            &l,
            &d,
            &["a".into(), "b".into()],
            &d.values,
            &dists,
            &ys,
            100,
            1,
        );
        assert_eq!(ix[0].estimate, 1.0, "monotone in a");
        assert!(
            ix[1].estimate.abs() < 0.35,
            "b does nothing: {}",
            ix[1].estimate
        );
    }

    #[test]
    fn morris_intervals_bracket_mu_star() {
        let l = layout(1, 1);
        let dists = vec![
            Distribution::Uniform {
                low: 0.0,
                high: 1.0
            };
            2
        ];
        let d = Design::new(DesignKind::Morris, &dists, 20, 4, 7).unwrap();
        let mut points = vec![vec![Some(0.0)]];
        points.extend(
            d.values
                .iter()
                .map(|v| vec![Some(4.0 * v[0] + v[1] * v[1])]),
        );
        let ys = outputs(&l, &points);
        let ix = indices(
            &l,
            &d,
            &["a".into(), "b".into()],
            &d.values,
            &dists,
            &ys,
            200,
            1,
        );
        let a = ix
            .iter()
            .find(|r| r.parameter == "a" && r.index == "mu_star")
            .unwrap();
        assert!(
            (a.estimate - 4.0).abs() < 1e-9,
            "linear in a: {}",
            a.estimate
        );
        let b = ix
            .iter()
            .find(|r| r.parameter == "b" && r.index == "mu_star")
            .unwrap();
        assert!(b.ci_low.unwrap() <= b.estimate && b.estimate <= b.ci_high.unwrap());
        assert!(b.estimate < a.estimate);
    }

    #[test]
    fn indices_are_of_the_values_run_when_a_whole_number_key_is_rounded() {
        // A parameter on [6, 8] taken in whole numbers: the result is 10 × its value as run.
        let l = layout(1, 1);
        let dists = vec![
            Distribution::Uniform {
                low: 6.0,
                high: 8.0
            };
            2
        ];
        let round = |d: &Design| -> Vec<Vec<f64>> {
            d.values.iter().map(|v| vec![v[0].round(), v[1]]).collect()
        };
        // The indices of a result 10 × a's value as run, at the rounded values.
        let of = |d: &Design| {
            let run = round(d);
            let mut points = vec![vec![Some(0.0)]];
            points.extend(run.iter().map(|v| vec![Some(10.0 * v[0])]));
            let names = ["a".to_string(), "b".to_string()];
            indices(&l, d, &names, &run, &dists, &outputs(&l, &points), 50, 1)
        };
        // Morris: a move over the whole range of the values run is worth 10 × 2 = 20; moves
        // that rounding left in place give no effect rather than a zero.
        let ix = of(&Design::new(DesignKind::Morris, &dists, 20, 4, 7).unwrap());
        let a = ix
            .iter()
            .find(|r| r.parameter == "a" && r.index == "mu_star")
            .unwrap();
        assert!((a.estimate - 20.0).abs() < 1e-9, "{}", a.estimate);
        // Spearman: the ranks of the values run, ties and all, match the result's exactly.
        let ix = of(&Design::new(DesignKind::Lhs, &dists, 12, 0, 3).unwrap());
        assert!((ix[0].estimate - 1.0).abs() < 1e-12, "{}", ix[0].estimate);
    }
}
