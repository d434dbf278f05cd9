//! The points of a sweep's design, in parameter values. Point 0 is the scenario as written (each
//! parameter at the value the baseline gives it): the reference against which robustness is
//! judged. Points 1, 2, ... are the design's, in its own order:
//!
//! - `grid`: the full factorial over `levels` values per continuous parameter (every value of a
//!   discrete one), the last parameter varying fastest;
//! - `lhs`: a Latin hypercube of `n` points (the one `calibrate` uses);
//! - `morris`: `n` trajectories of k + 1 points on a `levels`-level grid;
//! - `sobol`: Saltelli's matrices A, B and A_B^(1..k), N = `n` rows each: N (k + 2) points.

use super::Distribution;
use crate::calibrate::latin_hypercube;
use crate::sensitivity::{MorrisDesign, SobolDesign};
use serde::Deserialize;

/// The designs a sweep can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignKind {
    Grid,
    Lhs,
    Morris,
    Sobol,
}

impl DesignKind {
    pub fn name(self) -> &'static str {
        match self {
            DesignKind::Grid => "grid",
            DesignKind::Lhs => "lhs",
            DesignKind::Morris => "morris",
            DesignKind::Sobol => "sobol",
        }
    }
}

/// Most points a sweep may have (besides point 0).
pub const MAX_POINTS: usize = 1_000_000;

/// A design: its points in parameter values (without point 0), and the structure its
/// estimators need.
#[derive(Clone, Debug)]
pub struct Design {
    pub kind: DesignKind,
    /// `values[i]`: point i + 1, one value per parameter.
    pub values: Vec<Vec<f64>>,
    pub sobol: Option<SobolDesign>,
    pub morris: Option<MorrisDesign>,
}

impl Design {
    /// The design of `kind` over `dists`: `n` rows (sobol), points (lhs) or trajectories
    /// (morris); `levels` per parameter (grid, morris); keyed by `seed`.
    pub fn new(
        kind: DesignKind,
        dists: &[Distribution],
        n: usize,
        levels: usize,
        seed: u64,
    ) -> Result<Design, String> {
        let k = dists.len();
        let (values, sobol, morris) = match kind {
            DesignKind::Grid => (grid(dists, levels, MAX_POINTS)?, None, None),
            DesignKind::Lhs => (to_values(&latin_hypercube(n, k, seed), dists), None, None),
            DesignKind::Morris => {
                let m = MorrisDesign::new(n, k, levels, seed)?;
                (to_values(&morris_points(&m), dists), None, Some(m))
            }
            DesignKind::Sobol => {
                // The scramble seed is 32 bits: fold the sweep's seed into it.
                let s = SobolDesign::new(n, k, (seed ^ (seed >> 32)) as u32)?;
                (to_values(&sobol_points(&s), dists), Some(s), None)
            }
        };
        if values.len() > MAX_POINTS {
            return Err(format!(
                "the {} design has {} points; at most {MAX_POINTS}",
                kind.name(),
                values.len()
            ));
        }
        Ok(Design {
            kind,
            values,
            sobol,
            morris,
        })
    }
}

/// The points of a design in parameter values (one row per point, one column per parameter),
/// from unit coordinates `unit` through each parameter's quantile function.
pub fn to_values(unit: &[Vec<f64>], dists: &[Distribution]) -> Vec<Vec<f64>> {
    unit.iter()
        .map(|u| u.iter().zip(dists).map(|(x, d)| d.quantile(*x)).collect())
        .collect()
}

/// A full factorial grid over the parameters' grid values (`levels` per continuous parameter),
/// the last parameter varying fastest; at most `max_points` points.
pub fn grid(
    dists: &[Distribution],
    levels: usize,
    max_points: usize,
) -> Result<Vec<Vec<f64>>, String> {
    let axes: Vec<Vec<f64>> = dists.iter().map(|d| d.grid(levels)).collect();
    let total = axes
        .iter()
        .try_fold(1usize, |n, a| n.checked_mul(a.len()))
        .filter(|&n| n <= max_points)
        .ok_or_else(|| {
            format!("the grid has more than {max_points} points: fewer levels or parameters")
        })?;
    let mut out = Vec::with_capacity(total);
    for mut i in 0..total {
        let mut row = vec![0.0; axes.len()];
        for (j, a) in axes.iter().enumerate().rev() {
            row[j] = a[i % a.len()];
            i /= a.len();
        }
        out.push(row);
    }
    Ok(out)
}

/// The unit points of a Morris design, trajectory by trajectory.
pub fn morris_points(d: &MorrisDesign) -> Vec<Vec<f64>> {
    d.trajectories.iter().flatten().cloned().collect()
}

/// The unit points of a Sobol' design, in the order A, B, A_B^(1), ..., A_B^(k).
pub fn sobol_points(d: &SobolDesign) -> Vec<Vec<f64>> {
    d.points().into_iter().map(<[f64]>::to_vec).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_is_the_full_factorial_and_has_a_bound() {
        let d = [
            Distribution::Discrete {
                values: vec![0.0, 1.0],
            },
            Distribution::Uniform {
                low: 0.0,
                high: 1.0,
            },
        ];
        let g = grid(&d, 4, 100).unwrap();
        assert_eq!(g.len(), 8);
        assert_eq!(g[0], [0.0, 0.125]);
        assert_eq!(g[7], [1.0, 0.875]);
        assert!(grid(&d, 4, 7).is_err());
    }

    #[test]
    fn a_latin_hypercube_uses_every_stratum_once_and_is_reproducible() {
        let h = latin_hypercube(16, 3, 5);
        let design = Design::new(
            DesignKind::Lhs,
            &vec![
                Distribution::Uniform {
                    low: 0.0,
                    high: 1.0
                };
                3
            ],
            16,
            0,
            5,
        )
        .unwrap();
        assert_eq!(design.values, h, "a sweep's hypercube is calibrate's");
        for j in 0..3 {
            let mut s: Vec<usize> = h.iter().map(|r| (r[j] * 16.0).floor() as usize).collect();
            s.sort();
            assert_eq!(s, (0..16).collect::<Vec<_>>());
        }
        assert_eq!(latin_hypercube(16, 3, 5), h);
        assert_ne!(latin_hypercube(16, 3, 6), h);
    }

    #[test]
    fn design_points_map_to_parameter_values() {
        let dists = [
            Distribution::Uniform {
                low: 10.0,
                high: 20.0,
            },
            Distribution::LogUniform {
                low: 1.0,
                high: 100.0,
            },
        ];
        let s = SobolDesign::new(32, 2, 1).unwrap();
        let v = to_values(&sobol_points(&s), &dists);
        assert_eq!(v.len(), 32 * 4);
        assert!(
            v.iter()
                .all(|r| (10.0..=20.0).contains(&r[0]) && (1.0..=100.0).contains(&r[1]))
        );
        let m = MorrisDesign::new(5, 2, 4, 1).unwrap();
        assert_eq!(morris_points(&m).len(), 5 * 3);
    }
}
