//! crossroads: an agent-based simulator of labour migration, recruitment debt and debt bondage.
//!
//! `scenario` reads and checks scenario files; `engine` runs the model and does no I/O;
//! `output` turns the engine's counts into the CSV files of the output contract.

pub mod engine;
pub mod scenario;
pub mod app;
pub mod metrics;
pub mod output;
pub mod validation;
pub mod compare;
pub mod calibrate;
