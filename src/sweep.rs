//! The configuration of a sweep and its design points, without I/O (towards `crossroads sweep`).
//!
//! A sweep varies named scenario keys (any dotted `--set` path) over distributions and runs the
//! model at the points of a design:
//!
//! ```toml
//! baseline = "../scenarios/baseline.toml"        # relative to this file
//! scenarios = ["../scenarios/recommendations/5-enforcement.toml"]   # optional: policy effects
//! design = "sobol"            # grid, lhs, morris or sobol
//! n = 256                     # sobol: rows of A and B; lhs: points; morris: trajectories
//! levels = 4                  # grid: levels per continuous parameter; morris: grid levels
//! replicates = 2
//! agents = 20000
//! seed = 1
//! metrics = ["trafficked_per_year", "deaths_per_year"]
//!
//! [[parameter]]
//! key = "market.deterrence_elasticity"
//! distribution = "uniform"    # uniform, log_uniform, truncated_normal, discrete
//! low = 0.05
//! high = 0.5
//! ```
//!
//! Each design works on the unit hypercube ([`crate::sensitivity`], a Latin hypercube, a full
//! grid); a coordinate u becomes a parameter value through the quantile function of the
//! parameter's distribution.

use crate::sensitivity::{MorrisDesign, SobolDesign};
use serde::Deserialize;

/// How a parameter's values are distributed over its plausible range.
#[derive(Clone, Debug, PartialEq)]
pub enum Distribution {
    Uniform {
        low: f64,
        high: f64,
    },
    /// Uniform in the logarithm: for quantities known to an order of magnitude.
    LogUniform {
        low: f64,
        high: f64,
    },
    /// A normal distribution cut to [low, high].
    TruncatedNormal {
        mean: f64,
        sd: f64,
        low: f64,
        high: f64,
    },
    /// Equally likely values.
    Discrete {
        values: Vec<f64>,
    },
}

impl Distribution {
    /// The value at probability `u` in [0, 1].
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match self {
            Distribution::Uniform { low, high } => low + u * (high - low),
            Distribution::LogUniform { low, high } => (low.ln() + u * (high.ln() - low.ln())).exp(),
            Distribution::TruncatedNormal {
                mean,
                sd,
                low,
                high,
            } => {
                let (a, b) = (
                    normal_cdf((low - mean) / sd),
                    normal_cdf((high - mean) / sd),
                );
                let p = (a + u * (b - a)).clamp(1e-15, 1.0 - 1e-15);
                (mean + sd * normal_quantile(p)).clamp(*low, *high)
            }
            Distribution::Discrete { values } => {
                let i = ((u * values.len() as f64) as usize).min(values.len() - 1);
                values[i]
            }
        }
    }

    /// The distinct values a full grid takes for this parameter with `levels` levels: every
    /// value of a discrete list, else the quantiles at the middle of `levels` equal strata.
    pub fn grid(&self, levels: usize) -> Vec<f64> {
        match self {
            Distribution::Discrete { values } => values.clone(),
            _ => (0..levels)
                .map(|j| self.quantile((j as f64 + 0.5) / levels as f64))
                .collect(),
        }
    }
}

/// The standard normal distribution function (Abramowitz and Stegun 7.1.26 on erfc: absolute
/// error below 1.5e-7).
pub fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erfc = poly * (-z * z).exp();
    if x >= 0.0 {
        1.0 - 0.5 * erfc
    } else {
        0.5 * erfc
    }
}

/// The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9,
/// refined by one Newton step on [`normal_cdf`]).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let low = 0.024_25;
    let x = if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let density = (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
    x - (normal_cdf(x) - p) / density.max(1e-300)
}

/// A `[[parameter]]` table as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterSpec {
    pub key: String,
    pub distribution: String,
    #[serde(default)]
    pub low: Option<f64>,
    #[serde(default)]
    pub high: Option<f64>,
    #[serde(default)]
    pub mean: Option<f64>,
    #[serde(default)]
    pub sd: Option<f64>,
    #[serde(default)]
    pub values: Option<Vec<f64>>,
}

impl ParameterSpec {
    /// The distribution the table describes, or what is wrong with it.
    pub fn distribution(&self) -> Result<Distribution, String> {
        let key = &self.key;
        let finite = |name: &str, v: Option<f64>| -> Result<f64, String> {
            match v {
                Some(x) if x.is_finite() => Ok(x),
                Some(x) => Err(format!(
                    "parameter {key}: {name} = {x} must be a finite number"
                )),
                None => Err(format!(
                    "parameter {key}: distribution {:?} needs {name}",
                    self.distribution
                )),
            }
        };
        let extra = |allowed: &[&str]| -> Result<(), String> {
            for (name, set) in [
                ("low", self.low.is_some()),
                ("high", self.high.is_some()),
                ("mean", self.mean.is_some()),
                ("sd", self.sd.is_some()),
                ("values", self.values.is_some()),
            ] {
                if set && !allowed.contains(&name) {
                    return Err(format!(
                        "parameter {key}: {name} has no meaning for distribution {:?} (it takes {})",
                        self.distribution,
                        allowed.join(", ")
                    ));
                }
            }
            Ok(())
        };
        let range = || -> Result<(f64, f64), String> {
            let (low, high) = (finite("low", self.low)?, finite("high", self.high)?);
            if low > high {
                return Err(format!(
                    "parameter {key}: low = {low} must not exceed high = {high}"
                ));
            }
            Ok((low, high))
        };
        match self.distribution.as_str() {
            "uniform" => {
                extra(&["low", "high"])?;
                let (low, high) = range()?;
                Ok(Distribution::Uniform { low, high })
            }
            "log_uniform" => {
                extra(&["low", "high"])?;
                let (low, high) = range()?;
                if low <= 0.0 {
                    return Err(format!(
                        "parameter {key}: a log_uniform distribution needs low > 0 (low = {low})"
                    ));
                }
                Ok(Distribution::LogUniform { low, high })
            }
            "truncated_normal" => {
                extra(&["low", "high", "mean", "sd"])?;
                let (low, high) = range()?;
                let (mean, sd) = (finite("mean", self.mean)?, finite("sd", self.sd)?);
                if sd <= 0.0 {
                    return Err(format!("parameter {key}: sd = {sd} must be above 0"));
                }
                Ok(Distribution::TruncatedNormal {
                    mean,
                    sd,
                    low,
                    high,
                })
            }
            "discrete" => {
                extra(&["values"])?;
                let values = self.values.clone().unwrap_or_default();
                if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
                    return Err(format!(
                        "parameter {key}: a discrete distribution needs a non-empty list of finite values"
                    ));
                }
                Ok(Distribution::Discrete { values })
            }
            other => Err(format!(
                "parameter {key}: distribution = {other:?} must be one of uniform, log_uniform, truncated_normal, discrete"
            )),
        }
    }
}

/// The designs a sweep can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignKind {
    Grid,
    Lhs,
    Morris,
    Sobol,
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

/// A Latin hypercube on the unit cube: `n` points, each coordinate's range cut into `n` strata
/// used once each, in a keyed order.
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    use crate::sensitivity::{below, splitmix};
    let mut state = seed ^ 0x1a71_c0de;
    let cols: Vec<Vec<f64>> = (0..k)
        .map(|_| {
            let mut strata: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                strata.swap(i, below(&mut state, i + 1));
            }
            (0..n)
                .map(|i| {
                    let u = (splitmix(&mut state) >> 11) as f64 / (1u64 << 53) as f64;
                    (strata[i] as f64 + u) / n as f64
                })
                .collect()
        })
        .collect();
    (0..n)
        .map(|i| cols.iter().map(|c| c[i]).collect())
        .collect()
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

    fn spec(text: &str) -> ParameterSpec {
        toml::from_str(&format!("key = \"k\"\n{text}")).unwrap()
    }

    #[test]
    fn quantiles_follow_each_distribution() {
        let u = Distribution::Uniform {
            low: 2.0,
            high: 4.0,
        };
        assert_eq!(
            (u.quantile(0.0), u.quantile(0.5), u.quantile(1.0)),
            (2.0, 3.0, 4.0)
        );
        let l = Distribution::LogUniform {
            low: 0.01,
            high: 1.0,
        };
        assert!(
            (l.quantile(0.5) - 0.1).abs() < 1e-12,
            "the median is the geometric mean"
        );
        let t = Distribution::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            low: -1.0,
            high: 3.0,
        };
        assert!((t.quantile(0.0) + 1.0).abs() < 1e-6 && (t.quantile(1.0) - 3.0).abs() < 1e-6);
        let s = Distribution::TruncatedNormal {
            mean: 5.0,
            sd: 2.0,
            low: 1.0,
            high: 9.0,
        };
        assert!(
            (s.quantile(0.5) - 5.0).abs() < 1e-6,
            "symmetric cut: the median is the mean"
        );
        let d = Distribution::Discrete {
            values: vec![1.0, 2.0, 3.0],
        };
        let picks: Vec<f64> = (0..6).map(|i| d.quantile((i as f64 + 0.5) / 6.0)).collect();
        assert_eq!(picks, [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]);
    }

    #[test]
    fn the_normal_functions_agree_with_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        for p in [1e-6, 0.01, 0.2, 0.5, 0.8, 0.975, 1.0 - 1e-6] {
            assert!(
                (normal_cdf(normal_quantile(p)) - p).abs() < 1e-7 * p.max(1e-3),
                "p = {p}"
            );
        }
    }

    #[test]
    fn a_parameter_table_says_what_is_wrong() {
        assert_eq!(
            spec("distribution = \"uniform\"\nlow = 1\nhigh = 2").distribution(),
            Ok(Distribution::Uniform {
                low: 1.0,
                high: 2.0
            })
        );
        for (table, says) in [
            (
                "distribution = \"uniform\"\nlow = 3\nhigh = 2",
                "low = 3 must not exceed high = 2",
            ),
            (
                "distribution = \"log_uniform\"\nlow = 0\nhigh = 2",
                "needs low > 0",
            ),
            (
                "distribution = \"uniform\"\nlow = 0\nhigh = 2\nsd = 1",
                "sd has no meaning",
            ),
            (
                "distribution = \"beta\"\nlow = 0\nhigh = 2",
                "must be one of uniform, log_uniform, truncated_normal, discrete",
            ),
            (
                "distribution = \"truncated_normal\"\nlow = 0\nhigh = 2\nmean = 1",
                "needs sd",
            ),
            ("distribution = \"discrete\"\nvalues = []", "non-empty list"),
        ] {
            let e = spec(table).distribution().unwrap_err();
            assert!(e.contains(says), "{table}: {e}");
        }
    }

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
