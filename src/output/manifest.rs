//! manifest.json: what a run was (program, scenario, seed, sizes, threads, input files with
//! their SHA-256, when it started and how long it took, and the fully resolved scenario), enough
//! to reproduce it.

use crate::calendar::timestamp;
use crate::scenario::InputFile;
use serde_json::json;

/// One sampling stratum as the manifest reports it.
pub struct StratumRow {
    pub id: String,
    /// The stratum's conditions, as the scenario gives them.
    pub conditions: serde_json::Value,
    pub oversample: u32,
    /// Persons each agent of the stratum stands for.
    pub persons_per_agent: f64,
    /// Agents drawn in the stratum over the whole run (initial pool and entrants), the mean
    /// over replicates.
    pub agents: f64,
}

/// The facts a manifest records.
pub struct Manifest<'a> {
    pub scenario: &'a str,
    pub seed: u64,
    pub replicates: u32,
    pub agents: usize,
    /// Persons per unit of weight: per agent without sampling strata.
    pub weight: f64,
    /// How the agents were drawn: one row per sampling stratum, then the rest.
    pub sampling: Vec<StratumRow>,
    /// How deaths are counted: `expected` or `drawn` (`deaths_estimator`).
    pub deaths_estimator: &'static str,
    pub months: u32,
    pub spin_up_months: u32,
    pub threads: usize,
    pub input_files: &'a [InputFile],
    /// Unix time the run started, in seconds.
    pub started: u64,
    pub wall_seconds: f64,
    pub resolved: &'a toml::Table,
}

impl Manifest<'_> {
    pub fn to_json(&self) -> serde_json::Value {
        let files: Vec<_> = self
            .input_files
            .iter()
            .map(|f| json!({ "path": f.path.display().to_string(), "sha256": f.sha256_hex }))
            .collect();
        json!({
            "program": "crossroads",
            "version": env!("CARGO_PKG_VERSION"),
            "commit": env!("CROSSROADS_COMMIT"),
            "scenario": self.scenario,
            "seed": self.seed,
            "replicates": self.replicates,
            "agents": self.agents,
            "weight": self.weight,
            "deaths_estimator": self.deaths_estimator,
            "sampling": self.sampling.iter().map(|s| json!({
                "stratum": s.id,
                "conditions": s.conditions,
                "oversample": s.oversample,
                "persons_per_agent": s.persons_per_agent,
                "agents": s.agents,
            })).collect::<Vec<_>>(),
            "months": self.months,
            "spin_up_months": self.spin_up_months,
            "threads": self.threads,
            "input_files": files,
            "start_time": timestamp(self.started),
            "wall_seconds": self.wall_seconds,
            "resolved_scenario": self.resolved,
        })
    }

    /// The file's bytes: pretty-printed JSON.
    pub fn to_bytes(&self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec_pretty(&self.to_json())
    }
}
