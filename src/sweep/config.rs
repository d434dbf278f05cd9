//! A sweep's configuration file:
//!
//! ```toml
//! baseline = "../scenarios/baseline.toml"    # relative to this file (`scenario` also works)
//! scenarios = ["../scenarios/recommendations/5-enforcement.toml"]   # optional: policy effects
//! design = "sobol"            # grid, lhs, morris or sobol
//! n = 256                     # sobol: rows of A and B; lhs: points; morris: trajectories
//! levels = 4                  # grid: values per continuous parameter; morris: grid levels
//! replicates = 2
//! agents = 20000
//! seed = 1
//! metrics = ["trafficked_per_year", "deaths_per_year"]   # default: the headline metrics
//! seeds = "common"            # or "per_point": every point on its own draws
//!
//! [[parameter]]
//! key = "market.deterrence_elasticity"      # any dotted key, as for --set
//! distribution = "uniform"    # uniform, log_uniform, truncated_normal, discrete
//! low = 0.05
//! high = 0.5
//! pin = false                 # true: hold over events that set the key
//! ```

use super::{Design, DesignKind, Distribution, ParameterSpec};
use crate::metric_names::TOTALS;
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(alias = "scenario")]
    pub baseline: String,
    #[serde(default)]
    pub scenarios: Vec<String>,
    pub design: DesignKind,
    #[serde(default)]
    pub n: Option<usize>,
    #[serde(default)]
    pub levels: Option<usize>,
    #[serde(default = "two")]
    pub replicates: u32,
    #[serde(default)]
    pub agents: Option<u32>,
    #[serde(default)]
    pub months: Option<u32>,
    #[serde(default = "one")]
    pub seed: u64,
    #[serde(default)]
    pub metrics: Option<Vec<String>>,
    /// Bootstrap resamples for the intervals of the indices.
    #[serde(default = "thousand")]
    pub resamples: usize,
    /// Whether every point runs on the same draws (`common`) or on its own (`per_point`).
    #[serde(default)]
    pub seeds: Seeds,
    #[serde(rename = "parameter", default)]
    pub parameters: Vec<ParameterSpec>,
}

/// The random draws of the points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Seeds {
    /// Every point runs replicate r on the seed's draws: points differ by their parameters
    /// only (common random numbers; the default).
    #[default]
    Common,
    /// Point p runs on its own seed, derived from (seed, p): the points' differences carry the
    /// model's noise too.
    PerPoint,
}

impl Seeds {
    /// The seed of point `point`.
    pub fn of(self, seed: u64, point: usize) -> u64 {
        match self {
            Seeds::Common => seed,
            Seeds::PerPoint => {
                let mut state = seed ^ (point as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                crate::sensitivity::splitmix(&mut state)
            }
        }
    }
}

fn two() -> u32 {
    2
}
fn one() -> u64 {
    1
}
fn thousand() -> usize {
    1000
}

/// Most bootstrap resamples.
pub const MAX_RESAMPLES: usize = 100_000;

impl Config {
    /// What is wrong with the configuration on its own (the scenarios are checked by loading
    /// them), naming the key.
    pub fn check(&self) -> Result<(), String> {
        if self.parameters.is_empty() {
            return Err("no [[parameter]] to vary".into());
        }
        crate::calibrate::each_key_once(self.parameters.iter().map(|p| p.key.as_str()))?;
        for p in &self.parameters {
            p.distribution()?;
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
        if !(1..=MAX_RESAMPLES).contains(&self.resamples) {
            return Err(format!(
                "resamples = {}: must be 1 to {MAX_RESAMPLES}",
                self.resamples
            ));
        }
        let n_needed = !matches!(self.design, DesignKind::Grid);
        match (self.n, n_needed) {
            (None, true) => {
                return Err(format!(
                    "design = {:?} needs n ({})",
                    self.design.name(),
                    n_meaning(self.design)
                ));
            }
            (Some(_), false) => {
                return Err("n has no meaning for design = \"grid\" (it takes levels)".into());
            }
            (Some(0), _) => return Err("n = 0: must be at least 1".into()),
            _ => {}
        }
        if self.levels.is_some() && matches!(self.design, DesignKind::Lhs | DesignKind::Sobol) {
            return Err(format!(
                "levels has no meaning for design = {:?}",
                self.design.name()
            ));
        }
        if self.design == DesignKind::Lhs && self.n == Some(1) {
            return Err("n = 1: a Latin hypercube needs at least 2 points".into());
        }
        if let Some(ms) = &self.metrics {
            if ms.is_empty() {
                return Err("metrics = []: name at least one metric".into());
            }
            for m in ms {
                if !TOTALS.contains(&m.as_str()) {
                    return Err(format!(
                        "metrics: {m:?} is not a metric with a total in outcomes.csv (see `crossroads metrics`)"
                    ));
                }
            }
        }
        self.design().map(|_| ())
    }

    /// A design too small to give any sensitivity index (its results and robustness are still
    /// written): what to say of it when the sweep starts.
    pub fn too_small(&self) -> Option<String> {
        let points = self.design().ok()?.values.len();
        let why = match self.design {
            DesignKind::Grid | DesignKind::Lhs if points < 3 => {
                "a rank correlation needs at least 3 points"
            }
            DesignKind::Sobol if self.n == Some(1) => "Sobol' indices need at least 2 rows (n)",
            _ => return None,
        };
        Some(format!(
            "note: the design has {points} point{} besides point 0: {why}, so sensitivity.csv will hold no index (results.csv and robustness.csv are written as usual)",
            if points == 1 { "" } else { "s" }
        ))
    }

    /// The parameters' distributions, in the configuration's order.
    pub fn distributions(&self) -> Result<Vec<Distribution>, String> {
        self.parameters.iter().map(|p| p.distribution()).collect()
    }

    /// Grid levels: 3 for a grid, 4 for Morris unless given.
    pub fn levels(&self) -> usize {
        self.levels.unwrap_or(match self.design {
            DesignKind::Grid => 3,
            _ => 4,
        })
    }

    /// The design's points (besides point 0).
    pub fn design(&self) -> Result<Design, String> {
        Design::new(
            self.design,
            &self.distributions()?,
            self.n.unwrap_or(0),
            self.levels(),
            self.seed,
        )
    }

    /// The metrics analysed: the configuration's, else the headline metrics.
    pub fn metric_list(&self) -> Vec<String> {
        match &self.metrics {
            Some(m) => m.clone(),
            None => crate::compare::HEADLINE
                .iter()
                .map(|h| h.metric.to_string())
                .collect(),
        }
    }
}

fn n_meaning(kind: DesignKind) -> &'static str {
    match kind {
        DesignKind::Sobol => "the rows of the matrices A and B; the design has n (k + 2) points",
        DesignKind::Lhs => "the points of the hypercube",
        DesignKind::Morris => "the trajectories; the design has n (k + 1) points",
        DesignKind::Grid => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMS: &str = "[[parameter]]\nkey = \"a.b\"\ndistribution = \"uniform\"\nlow = 0\nhigh = 1\n[[parameter]]\nkey = \"c.d\"\ndistribution = \"discrete\"\nvalues = [1, 2, 3]\n";

    fn cfg(head: &str) -> Result<Config, String> {
        let c: Config = toml::from_str(&format!("baseline = \"b.toml\"\n{head}\n{PARAMS}"))
            .map_err(|e| e.to_string())?;
        c.check().map(|()| c)
    }

    #[test]
    fn each_design_has_its_points() {
        let k = 2;
        for (head, points) in [
            ("design = \"sobol\"\nn = 16", 16 * (k + 2)),
            ("design = \"morris\"\nn = 5", 5 * (k + 1)),
            ("design = \"lhs\"\nn = 9", 9),
            ("design = \"grid\"\nlevels = 4", 4 * 3),
        ] {
            let c = cfg(head).unwrap();
            assert_eq!(c.design().unwrap().values.len(), points, "{head}");
        }
    }

    #[test]
    fn a_configuration_says_what_is_wrong() {
        for (head, says) in [
            ("design = \"sobol\"", "needs n"),
            ("design = \"grid\"\nn = 4", "n has no meaning"),
            (
                "design = \"lhs\"\nn = 4\nlevels = 3",
                "levels has no meaning",
            ),
            ("design = \"morris\"\nn = 4\nlevels = 3", "must be even"),
            (
                "design = \"sobol\"\nn = 4\nreplicates = 0",
                "replicates = 0",
            ),
            (
                "design = \"sobol\"\nn = 4\nmetrics = [\"nonsense\"]",
                "\"nonsense\" is not a metric",
            ),
            ("design = \"annealing\"\nn = 4", "unknown variant"),
        ] {
            let e = cfg(head).unwrap_err();
            assert!(e.contains(says), "{head}: {e}");
        }
        let twice: Config = toml::from_str(&format!(
            "baseline = \"b.toml\"\ndesign = \"lhs\"\nn = 4\n{PARAMS}{}",
            PARAMS
                .split("[[parameter]]")
                .nth(1)
                .map(|p| format!("[[parameter]]{p}"))
                .unwrap()
        ))
        .unwrap();
        assert!(twice.check().unwrap_err().contains("listed twice"));
        // Designs too small for any index are run, with a note that says so.
        for (head, says) in [
            (
                "design = \"lhs\"\nn = 2",
                "the design has 2 points besides point 0: a rank correlation",
            ),
            (
                "design = \"sobol\"\nn = 1",
                "Sobol' indices need at least 2 rows",
            ),
        ] {
            let c = cfg(head).unwrap();
            let note = c.too_small().unwrap_or_default();
            assert!(note.contains(says), "{head}: {note}");
        }
        assert_eq!(cfg("design = \"lhs\"\nn = 3").unwrap().too_small(), None);
    }
}
