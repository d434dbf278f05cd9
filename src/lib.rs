//! crossroads: an agent-based simulator of labour migration, recruitment debt and debt bondage.
//!
//! `scenario` reads and checks scenario files; `engine` runs the model and does no I/O;
//! `output` turns the engine's counts into the CSV files of the output contract.

pub mod app;
pub mod calibrate;
pub mod compare;
pub mod engine;
pub mod metric_names;
pub mod metrics;
pub mod output;
pub mod scenario;
pub mod validation;
