//! End-to-end tests of the `crossroads` command line: the real binary run on scenario files in
//! temporary folders, its exit codes, messages and CSV output checked against the contract of
//! METRICS.md and the model of MODEL.md. One test binary (`cargo test --release --test cli`):
//!
//! - `bad_input`: every kind of bad input is refused with exit code 2 (or 1 for an unwritable
//!   output folder), one clear message, and no output files;
//! - `bad_scenarios`: scenarios the loader refuses before anything runs (magnitudes, events
//!   outside the simulated months, observed data, repeated ids, FIFOs and oversized files);
//! - `mechanisms`: each mechanism of the monthly step moves the outcomes it should, in the
//!   direction (and roughly the size) the model implies;
//! - `properties`: reproducibility across threads, conservation, the money ledger, honest
//!   scaling, the output files and the manifest;
//! - `loader_mutations`: thousands of seeded mutations of the baseline never make `check`
//!   panic, and always end in exit code 0 or 2;
//! - `baseline_checks`: the calibrated baseline meets its targets at a reduced size, and each
//!   recommendation moves what it targets.

mod bad_input;
mod bad_scenarios;
mod baseline_checks;
mod loader_mutations;
mod mechanisms;
mod properties;
mod support;
