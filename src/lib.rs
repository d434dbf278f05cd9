//! crossroads: an agent-based simulator of labour migration, recruitment debt and debt bondage.
//!
//! `scenario` reads and checks scenario files; `engine` runs the model and does no I/O;
//! `metrics`, `validation`, `compare` and `calibrate` compute on its counts; `sensitivity` holds
//! the designs and estimators of global sensitivity analysis (Sobol', Morris) and `sweep` the
//! distributions and design points of a sweep; `output` writes the
//! files of the output contract; `report` makes the HTML report of an output folder; `app` holds
//! the commands. `memory` and `calendar` are small
//! helpers: what the system says about memory, and dates.

pub mod app;
pub mod calendar;
pub mod calibrate;
pub mod compare;
pub use crossroads_engine as engine;
pub mod compile;
pub mod memory;
pub mod metric_names;
pub mod metrics;
pub mod output;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod sweep;
pub mod validation;
