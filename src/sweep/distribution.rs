//! The distributions a sweep draws its parameters from, and the `[[parameter]]` table that names
//! one. A design works on the unit hypercube; a coordinate u in [0, 1] becomes a parameter value
//! through the quantile function of the parameter's distribution.

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
                let (a, b) = cut_at(*mean, *sd, *low, *high);
                let p = (a + u * (b - a)).clamp(1e-15, 1.0 - 1e-15);
                (mean + sd * normal_quantile(p)).clamp(*low, *high)
            }
            Distribution::Discrete { values } => {
                let i = ((u * values.len() as f64) as usize).min(values.len() - 1);
                values[i]
            }
        }
    }

    /// The probability below `x`, the inverse of [`Distribution::quantile`]: where a value the
    /// design's coordinate was rounded to sits in the parameter's range. For a discrete list,
    /// the share of its values below `x` plus half of those equal to it.
    pub fn cdf(&self, x: f64) -> f64 {
        match self {
            Distribution::Uniform { low, high } => ((x - low) / (high - low)).clamp(0.0, 1.0),
            Distribution::LogUniform { low, high } => {
                ((x.ln() - low.ln()) / (high.ln() - low.ln())).clamp(0.0, 1.0)
            }
            Distribution::TruncatedNormal {
                mean,
                sd,
                low,
                high,
            } => {
                let (a, b) = cut_at(*mean, *sd, *low, *high);
                ((normal_cdf((x - mean) / sd) - a) / (b - a)).clamp(0.0, 1.0)
            }
            Distribution::Discrete { values } => {
                let below = values.iter().filter(|&&v| v < x).count() as f64;
                let equal = values.iter().filter(|&&v| v == x).count() as f64;
                (below + equal / 2.0) / values.len() as f64
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

/// Where a normal distribution is cut: the probabilities below `low` and below `high`.
fn cut_at(mean: f64, sd: f64, low: f64, high: f64) -> (f64, f64) {
    (
        normal_cdf((low - mean) / sd),
        normal_cdf((high - mean) / sd),
    )
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
    /// Hold the value for the whole run in every scenario, over any event's setting of the
    /// key (otherwise an event that sets it replaces it from its month on, as with `--set`).
    #[serde(default)]
    pub pin: bool,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distribution_function_undoes_the_quantile() {
        let dists = [
            Distribution::Uniform {
                low: 6.0,
                high: 24.0,
            },
            Distribution::LogUniform {
                low: 20_000.0,
                high: 200_000.0,
            },
            Distribution::TruncatedNormal {
                mean: 3.0,
                sd: 1.5,
                low: 1.0,
                high: 6.0,
            },
        ];
        for d in &dists {
            for u in [0.0, 0.1, 1.0 / 3.0, 0.5, 0.9, 1.0] {
                let back = d.cdf(d.quantile(u));
                assert!((back - u).abs() < 1e-6, "{d:?} at {u}: {back}");
            }
        }
        // A discrete list: the share below, and half of those equal.
        let d = Distribution::Discrete {
            values: vec![1.0, 2.0, 3.0, 4.0],
        };
        assert_eq!(d.cdf(3.0), 0.625);
        assert_eq!(d.cdf(0.5), 0.0);
    }

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
}
