//! Writing the output contract: timeseries.csv, outcomes.csv, summary.csv, manifest.json (and,
//! with later commands, comparison and validation files). Every file is written under a
//! temporary name and renamed only when all of a run's files are complete.

pub mod chart;
pub mod files;
pub mod tables;

pub use files::Staged;
