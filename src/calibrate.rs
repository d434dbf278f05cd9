//! `crossroads calibrate CONFIG`: a Latin-hypercube search over named free parameters of a
//! scenario. Every design point runs with the same seeds (common random numbers, so points
//! differ by their parameters, not by noise), is scored by its distance to the scenario's
//! observed data, and written to CSV, best first.
//!
//! The configuration file:
//!
//! ```toml
//! scenario = "../baseline.toml"   # relative to this file
//! points = 40                     # design points
//! replicates = 2
//! agents = 50000
//! seed = 1
//! [[parameter]]
//! key = "aspiration.p_base"       # any dotted scenario key, as for --set
//! min = 0.004
//! max = 0.02
//! ```
//!
//! Score: the mean over emergent targets of ((simulated − target) ÷ half the band width)², plus
//! the mean over series of (averaged relative difference ÷ 0.15)², both over the targets used in
//! fitting only (those kept out of sample are reported, never scored). A point inside every band
//! and under 0.15 on every series scores at most 2.

use crate::engine::rng::{Purpose, RunKey};
use crate::validation::{Kind, Row};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub scenario: String,
    pub points: u32,
    #[serde(default = "two")]
    pub replicates: u32,
    #[serde(default)]
    pub agents: Option<u32>,
    #[serde(default)]
    pub months: Option<u32>,
    #[serde(default = "one")]
    pub seed: u64,
    #[serde(rename = "parameter")]
    pub parameters: Vec<Parameter>,
}

fn two() -> u32 {
    2
}
fn one() -> u64 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub key: String,
    pub min: f64,
    pub max: f64,
}

/// Most design points a configuration may ask for.
pub const MAX_POINTS: u32 = 10_000;

impl Config {
    pub fn check(&self) -> Result<(), String> {
        if self.points == 0 {
            return Err("points = 0: must be at least 1".into());
        }
        if self.points > MAX_POINTS {
            return Err(format!(
                "points = {}: must be at most {MAX_POINTS}",
                self.points
            ));
        }
        if self.replicates == 0 {
            return Err("replicates = 0: must be at least 1".into());
        }
        // The same bounds as the options these stand for (--agents, --months).
        if self.agents == Some(0) {
            return Err("agents = 0: must be at least 1".into());
        }
        if self.months == Some(0) {
            return Err("months = 0: must be at least 1".into());
        }
        if self.parameters.is_empty() {
            return Err("no [[parameter]] to vary".into());
        }
        each_key_once(self.parameters.iter().map(|p| p.key.as_str()))?;
        for p in &self.parameters {
            if !(p.min.is_finite() && p.max.is_finite() && p.min <= p.max) {
                return Err(format!(
                    "parameter {}: min {} and max {} must be numbers with min ≤ max",
                    p.key, p.min, p.max
                ));
            }
        }
        Ok(())
    }
}

/// Keys that fix the run itself: every point of a sweep or a calibration runs with the
/// configuration's (or the options') value, so a parameter of them would vary nothing.
const RUN_KEYS: [&str; 6] = [
    "name",
    "start",
    "months",
    "spin_up_months",
    "seed",
    "replicates",
];

/// Refuses a configuration that lists one `[[parameter]]` key twice, or a key of
/// [`RUN_KEYS`] (`calibrate`, `sweep`).
pub fn each_key_once<'a>(keys: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for k in keys {
        if RUN_KEYS.contains(&k) {
            return Err(format!(
                "parameter {k} fixes the run itself, the same at every point (its calendar, draws or name), and cannot be varied; set it in the scenario or with the option of that name"
            ));
        }
        if !seen.insert(k) {
            return Err(format!(
                "parameter {k} is listed twice: each key may be varied once"
            ));
        }
    }
    Ok(())
}

/// A Latin hypercube: `points` rows, one value per parameter, each parameter's range cut into
/// `points` strata used once each, in a keyed random order.
pub fn design(cfg: &Config) -> Vec<Vec<f64>> {
    latin_hypercube(cfg.points as usize, cfg.parameters.len(), cfg.seed)
        .into_iter()
        .map(|row| {
            row.iter()
                .zip(&cfg.parameters)
                .map(|(u, p)| p.min + u * (p.max - p.min))
                .collect()
        })
        .collect()
}

/// A Latin hypercube on the unit cube: `n` rows of `k` coordinates, each coordinate's range cut
/// into `n` strata used once each, in an order keyed by `seed` (calibrations and sweeps).
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let key = RunKey::new(seed, u32::MAX);
    let cols: Vec<Vec<f64>> = (0..k)
        .map(|j| {
            let mut strata: Vec<usize> = (0..n).collect();
            // Fisher–Yates with keyed draws.
            for i in (1..n).rev() {
                let pick = key
                    .stream(j as u64, i as u32, Purpose::Market, 7)
                    .below(i + 1);
                strata.swap(i, pick);
            }
            (0..n)
                .map(|i| {
                    let u = key.stream(j as u64, i as u32, Purpose::Market, 8).uniform() as f64;
                    (strata[i] as f64 + u) / n as f64
                })
                .collect()
        })
        .collect();
    (0..n)
        .map(|i| cols.iter().map(|c| c[i]).collect())
        .collect()
}

/// Distance of a run from its observed data (lower is better); `None` if a target has no value.
pub fn score(rows: &[Row]) -> Option<f64> {
    let (mut e, mut ne, mut s, mut ns) = (0.0, 0, 0.0, 0);
    // Targets kept out of fitting (out of sample) are reported, never scored.
    for r in rows.iter().filter(|r| r.used_in_fit) {
        match r.kind {
            Kind::Emergent => {
                let half = ((r.band[1] - r.band[0]) / 2.0).max(1e-12);
                e += ((r.simulated? - r.target?) / half).powi(2);
                ne += 1;
            }
            Kind::Series => {
                s += (r.simulated? / 0.15).powi(2);
                ns += 1;
            }
            Kind::Input => {}
        }
    }
    let part = |sum: f64, n: usize| if n > 0 { sum / n as f64 } else { 0.0 };
    Some(part(e, ne) + part(s, ns))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(points: u32) -> Config {
        toml::from_str(&format!(
            "scenario = \"x.toml\"\npoints = {points}\n[[parameter]]\nkey = \"a\"\nmin = 0\nmax = 1\n[[parameter]]\nkey = \"b\"\nmin = 10\nmax = 20\n"
        ))
        .unwrap()
    }

    #[test]
    fn a_parameter_listed_twice_is_refused() {
        let mut c = cfg(4);
        assert!(c.check().is_ok());
        c.parameters[1].key = "a".into();
        let e = c.check().expect_err("a twice");
        assert!(e.contains("parameter a is listed twice"), "{e}");
    }

    #[test]
    fn a_key_that_fixes_the_run_cannot_be_a_parameter() {
        for key in RUN_KEYS {
            let mut c = cfg(4);
            c.parameters[0].key = key.into();
            let e = c.check().expect_err(key);
            assert!(
                e.starts_with(&format!("parameter {key} fixes the run")),
                "{e}"
            );
        }
    }

    #[test]
    fn latin_hypercube_uses_every_stratum_once() {
        let d = design(&cfg(10));
        assert_eq!(d.len(), 10);
        for (k, (lo, hi)) in [(0.0, 1.0), (10.0, 20.0)].into_iter().enumerate() {
            let mut strata: Vec<usize> = d
                .iter()
                .map(|row| ((row[k] - lo) / (hi - lo) * 10.0).floor() as usize)
                .collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
        assert_eq!(design(&cfg(10)), d, "the design is reproducible");
    }
}
