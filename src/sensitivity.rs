//! Global sensitivity analysis on the unit hypercube, without I/O: the designs and estimators a
//! sweep uses. A caller maps each coordinate in [0, 1) to its parameter (a quantile of the
//! parameter's distribution), runs the model at every point, and hands the outputs back.
//!
//! - **Sobol' indices** (Saltelli's scheme): two independent N × k matrices A and B from an
//!   Owen-scrambled Sobol' sequence in 2k dimensions, and for each parameter i the matrix A_B^(i)
//!   (A with column i taken from B): N (k + 2) runs. First-order indices by Saltelli et al.
//!   (2010), total indices by Jansen (1999), each with a bootstrap 95% interval over the N rows.
//! - **Morris elementary effects**: r trajectories of k + 1 points on a p-level grid, one
//!   parameter moved by ±Δ at each step (Δ = p / (2 (p − 1))); per parameter μ* (mean absolute
//!   effect), μ and σ.
//!
//! Everything is deterministic given the seed.

/// A SplitMix64 step: the keyed randomness of designs and bootstraps.
pub(crate) fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A uniform integer below `n` (n > 0).
pub(crate) fn below(state: &mut u64, n: usize) -> usize {
    ((splitmix(state) >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n
}

/// Most rows of a Sobol' design (the sequence's length).
pub const MAX_SOBOL_ROWS: usize = 1 << 16;
/// Most parameters of a Sobol' design (its 2k dimensions are at most 256).
pub const MAX_SOBOL_PARAMETERS: usize = 128;

/// Saltelli's design: rows of A, of B, and of each A_B^(i), every row a point of [0, 1)^k.
#[derive(Clone, Debug)]
pub struct SobolDesign {
    pub k: usize,
    pub a: Vec<Vec<f64>>,
    pub b: Vec<Vec<f64>>,
    /// `ab[i][n]`: row n of A with column i from B.
    pub ab: Vec<Vec<Vec<f64>>>,
}

impl SobolDesign {
    /// `n` rows (at most [`MAX_SOBOL_ROWS`]) for `k` parameters (at most
    /// [`MAX_SOBOL_PARAMETERS`]), scrambled by `seed`.
    pub fn new(n: usize, k: usize, seed: u32) -> Result<SobolDesign, String> {
        if n == 0 || n > MAX_SOBOL_ROWS {
            return Err(format!(
                "{n} rows: a Sobol' design has 1 to {MAX_SOBOL_ROWS}"
            ));
        }
        if k == 0 || k > MAX_SOBOL_PARAMETERS {
            return Err(format!(
                "{k} parameters: a Sobol' design has 1 to {MAX_SOBOL_PARAMETERS}"
            ));
        }
        let point = |row: usize, from: usize| -> Vec<f64> {
            (0..k)
                .map(|j| sobol_burley::sample(row as u32, (from + j) as u32, seed) as f64)
                .collect()
        };
        let a: Vec<Vec<f64>> = (0..n).map(|r| point(r, 0)).collect();
        let b: Vec<Vec<f64>> = (0..n).map(|r| point(r, k)).collect();
        let ab = (0..k)
            .map(|i| {
                a.iter()
                    .zip(&b)
                    .map(|(ra, rb)| {
                        let mut x = ra.clone();
                        x[i] = rb[i];
                        x
                    })
                    .collect()
            })
            .collect();
        Ok(SobolDesign { k, a, b, ab })
    }

    /// Every point, in the order A, B, A_B^(1), ..., A_B^(k): N (k + 2) of them.
    pub fn points(&self) -> Vec<&[f64]> {
        let mut v: Vec<&[f64]> = self.a.iter().map(Vec::as_slice).collect();
        v.extend(self.b.iter().map(Vec::as_slice));
        for m in &self.ab {
            v.extend(m.iter().map(Vec::as_slice));
        }
        v
    }
}

/// An index with its bootstrap 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// First-order and total indices of each parameter.
#[derive(Clone, Debug)]
pub struct SobolIndices {
    pub first: Vec<Estimate>,
    pub total: Vec<Estimate>,
}

/// S1 (Saltelli 2010) and ST (Jansen) of each parameter on the rows `rows` of the outputs.
fn indices_on(fa: &[f64], fb: &[f64], fab: &[Vec<f64>], rows: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let n = rows.len() as f64;
    let mean = rows.iter().map(|&r| fa[r] + fb[r]).sum::<f64>() / (2.0 * n);
    let var = rows
        .iter()
        .map(|&r| (fa[r] - mean).powi(2) + (fb[r] - mean).powi(2))
        .sum::<f64>()
        / (2.0 * n - 1.0);
    let mut s1 = Vec::with_capacity(fab.len());
    let mut st = Vec::with_capacity(fab.len());
    for f in fab {
        if var <= 0.0 {
            s1.push(0.0);
            st.push(0.0);
            continue;
        }
        let v1 = rows.iter().map(|&r| fb[r] * (f[r] - fa[r])).sum::<f64>() / n;
        let vt = rows.iter().map(|&r| (fa[r] - f[r]).powi(2)).sum::<f64>() / (2.0 * n);
        s1.push(v1 / var);
        st.push(vt / var);
    }
    (s1, st)
}

/// The Sobol' indices from the outputs at the design's points (`fa` at A, `fb` at B, `fab[i]`
/// at A_B^(i)), with 95% intervals from `resamples` bootstrap resamples of the rows (keyed by
/// `seed`; percentile intervals).
pub fn sobol_indices(
    fa: &[f64],
    fb: &[f64],
    fab: &[Vec<f64>],
    resamples: usize,
    seed: u64,
) -> SobolIndices {
    let n = fa.len();
    let all: Vec<usize> = (0..n).collect();
    let (s1, st) = indices_on(fa, fb, fab, &all);
    let k = fab.len();
    let mut boot_s1 = vec![Vec::with_capacity(resamples); k];
    let mut boot_st = vec![Vec::with_capacity(resamples); k];
    let mut state = seed ^ 0x5eed_5eed;
    let mut rows = vec![0usize; n];
    for _ in 0..resamples {
        for r in rows.iter_mut() {
            *r = below(&mut state, n);
        }
        let (b1, bt) = indices_on(fa, fb, fab, &rows);
        for i in 0..k {
            boot_s1[i].push(b1[i]);
            boot_st[i].push(bt[i]);
        }
    }
    let estimate = |value: f64, boot: &mut Vec<f64>| {
        if boot.is_empty() {
            return Estimate {
                value,
                ci_low: value,
                ci_high: value,
            };
        }
        boot.sort_by(f64::total_cmp);
        let q = |p: f64| boot[((p * (boot.len() - 1) as f64).round() as usize).min(boot.len() - 1)];
        Estimate {
            value,
            ci_low: q(0.025),
            ci_high: q(0.975),
        }
    };
    SobolIndices {
        first: (0..k).map(|i| estimate(s1[i], &mut boot_s1[i])).collect(),
        total: (0..k).map(|i| estimate(st[i], &mut boot_st[i])).collect(),
    }
}

/// A Morris design: `r` trajectories of k + 1 points each, and which parameter moved (and in
/// which direction) at each step.
#[derive(Clone, Debug)]
pub struct MorrisDesign {
    pub k: usize,
    pub delta: f64,
    /// `trajectories[t][s]`: point s of trajectory t (s = 0 is its base).
    pub trajectories: Vec<Vec<Vec<f64>>>,
    /// `moves[t][s]`: (parameter, +1 or −1) moved from point s to point s + 1.
    pub moves: Vec<Vec<(usize, f64)>>,
}

impl MorrisDesign {
    /// `r` trajectories for `k` parameters on a grid of `levels` (even, at least 2), keyed by
    /// `seed`.
    pub fn new(r: usize, k: usize, levels: usize, seed: u64) -> Result<MorrisDesign, String> {
        if k == 0 || r == 0 {
            return Err("a Morris design needs at least one parameter and one trajectory".into());
        }
        if levels < 2 || !levels.is_multiple_of(2) {
            return Err(format!("levels = {levels}: must be even and at least 2"));
        }
        let p = levels as f64;
        let delta = p / (2.0 * (p - 1.0));
        let step = 1.0 / (p - 1.0);
        // Levels from which a move of +Δ (the lower half) or −Δ (the upper half) stays in [0, 1].
        let half = levels / 2;
        let mut state = seed ^ 0x4d0e_5115;
        let mut trajectories = Vec::with_capacity(r);
        let mut moves = Vec::with_capacity(r);
        for _ in 0..r {
            let dirs: Vec<f64> = (0..k)
                .map(|_| {
                    if splitmix(&mut state) & 1 == 0 {
                        1.0
                    } else {
                        -1.0
                    }
                })
                .collect();
            let base: Vec<f64> = dirs
                .iter()
                .map(|&d| {
                    let j = below(&mut state, half);
                    let level = if d > 0.0 { j } else { j + half };
                    level as f64 * step
                })
                .collect();
            // The order of the parameters: a keyed shuffle.
            let mut order: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                order.swap(i, below(&mut state, i + 1));
            }
            let mut points = vec![base];
            let mut m = Vec::with_capacity(k);
            for &i in &order {
                let mut x = points.last().unwrap().clone();
                x[i] = (x[i] + dirs[i] * delta).clamp(0.0, 1.0);
                points.push(x);
                m.push((i, dirs[i]));
            }
            trajectories.push(points);
            moves.push(m);
        }
        Ok(MorrisDesign {
            k,
            delta,
            trajectories,
            moves,
        })
    }
}

/// Morris statistics of one parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Morris {
    /// Mean of the absolute elementary effects.
    pub mu_star: f64,
    pub mu: f64,
    /// Standard deviation of the elementary effects (n − 1; 0 with one trajectory).
    pub sigma: f64,
    /// Elementary effects behind these (0: none, and the statistics mean nothing).
    pub effects: usize,
}

/// Morris statistics from the outputs along each trajectory (`outputs[t][s]` at point s of
/// trajectory t), per parameter.
pub fn morris(design: &MorrisDesign, outputs: &[Vec<f64>]) -> Vec<Morris> {
    let steps: Vec<Vec<f64>> = design
        .moves
        .iter()
        .map(|moves| moves.iter().map(|&(_, d)| d * design.delta).collect())
        .collect();
    morris_with(design, outputs, &steps)
}

/// [`morris`] with each move's signed step in the unit coordinates given (`steps[t][s]`, for
/// move s of trajectory t): the step the values run actually took, when a parameter's values
/// were rounded. A move that rounding made no move at all (a step of 0) gives no effect.
pub fn morris_with(design: &MorrisDesign, outputs: &[Vec<f64>], steps: &[Vec<f64>]) -> Vec<Morris> {
    let mut effects = vec![Vec::new(); design.k];
    for ((moves, ys), step) in design.moves.iter().zip(outputs).zip(steps) {
        for (s, &(i, _)) in moves.iter().enumerate() {
            if step[s] != 0.0 {
                effects[i].push((ys[s + 1] - ys[s]) / step[s]);
            }
        }
    }
    effects
        .iter()
        .map(|e| {
            let n = e.len().max(1) as f64;
            let mu = e.iter().sum::<f64>() / n;
            let mu_star = e.iter().map(|x| x.abs()).sum::<f64>() / n;
            let sigma = if e.len() > 1 {
                (e.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
            } else {
                0.0
            };
            Morris {
                mu_star,
                mu,
                sigma,
                effects: e.len(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// The Ishigami function on [−π, π]^3 (a = 7, b = 0.1), from unit coordinates.
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
        let (a, b) = (7.0, 0.1);
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    /// Its analytic indices: first order and total.
    fn ishigami_indices() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0f64, 0.1f64);
        let pi4 = PI.powi(4);
        let pi8 = PI.powi(8);
        let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = 8.0 * b * b * pi8 / 225.0;
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    #[test]
    fn sobol_indices_of_the_ishigami_function_are_within_two_hundredths_at_8192_rows() {
        let n = 8192;
        let d = SobolDesign::new(n, 3, 7).unwrap();
        let fa: Vec<f64> = d.a.iter().map(|x| ishigami(x)).collect();
        let fb: Vec<f64> = d.b.iter().map(|x| ishigami(x)).collect();
        let fab: Vec<Vec<f64>> =
            d.ab.iter()
                .map(|m| m.iter().map(|x| ishigami(x)).collect())
                .collect();
        let got = sobol_indices(&fa, &fb, &fab, 200, 1);
        let (s1, st) = ishigami_indices();
        for i in 0..3 {
            assert!(
                (got.first[i].value - s1[i]).abs() < 0.02,
                "S1[{i}] = {} against {}",
                got.first[i].value,
                s1[i]
            );
            assert!(
                (got.total[i].value - st[i]).abs() < 0.02,
                "ST[{i}] = {} against {}",
                got.total[i].value,
                st[i]
            );
            for e in [got.first[i], got.total[i]] {
                assert!(e.ci_low <= e.value && e.value <= e.ci_high, "{e:?}");
                assert!(e.ci_high - e.ci_low < 0.1, "interval too wide: {e:?}");
            }
        }
        assert_eq!(d.points().len(), n * (3 + 2));
    }

    #[test]
    fn a_design_is_the_same_for_the_same_seed_and_differs_for_another() {
        let a = SobolDesign::new(64, 4, 1).unwrap();
        let b = SobolDesign::new(64, 4, 1).unwrap();
        let c = SobolDesign::new(64, 4, 2).unwrap();
        assert_eq!(a.a, b.a);
        assert_ne!(a.a, c.a);
        assert!(SobolDesign::new(0, 4, 1).is_err());
        assert!(SobolDesign::new(64, 0, 1).is_err());
        assert!(SobolDesign::new(MAX_SOBOL_ROWS + 1, 4, 1).is_err());
    }

    #[test]
    fn morris_effects_of_a_linear_function_are_its_coefficients() {
        let c = [3.0, -2.0, 0.0, 0.5];
        let d = MorrisDesign::new(20, 4, 4, 9).unwrap();
        let outputs: Vec<Vec<f64>> = d
            .trajectories
            .iter()
            .map(|t| {
                t.iter()
                    .map(|x| x.iter().zip(&c).map(|(a, b)| a * b).sum())
                    .collect()
            })
            .collect();
        let m = morris(&d, &outputs);
        for (i, s) in m.iter().enumerate() {
            assert!((s.mu - c[i]).abs() < 1e-9, "{i}: {s:?}");
            assert!((s.mu_star - c[i].abs()).abs() < 1e-9, "{i}: {s:?}");
            assert!(s.sigma < 1e-9, "{i}: {s:?}");
        }
        // Every point stays on the grid in [0, 1], and each step moves one parameter by Δ.
        for t in &d.trajectories {
            for w in t.windows(2) {
                let moved: Vec<usize> = (0..4).filter(|&j| w[0][j] != w[1][j]).collect();
                assert_eq!(moved.len(), 1);
                assert!(((w[1][moved[0]] - w[0][moved[0]]).abs() - d.delta).abs() < 1e-12);
                assert!(w[1].iter().all(|x| (0.0..=1.0).contains(x)));
            }
        }
    }

    #[test]
    fn morris_sees_the_interaction_of_the_third_ishigami_parameter() {
        let d = MorrisDesign::new(100, 3, 4, 3).unwrap();
        let outputs: Vec<Vec<f64>> = d
            .trajectories
            .iter()
            .map(|t| t.iter().map(|x| ishigami(x)).collect())
            .collect();
        let m = morris(&d, &outputs);
        // x3 acts only through its interaction with x1: its effects vary a great deal.
        assert!(m[2].sigma > 0.5 * m[2].mu_star, "{:?}", m[2]);
        assert!(m.iter().all(|s| s.mu_star > 0.0));
    }
}
