//! End-to-end tests of the `crossroads` command line: the real binary run on scenario files in
//! temporary folders, its exit codes, messages and CSV output checked against the output
//! contract (docs/OUTPUTS.md) and the model (docs/MODEL.md). One test binary
//! (`cargo test --release --test cli`):
//!
//! - `capacity`: scenarios bigger than the baseline in every list, and entities in another order;
//! - `compare`: a comparison covers the years each scenario's policy is in force, and every year
//!   on its own; its differences are the runs' own monthly counts; the terminal table gives each
//!   rate beside its count a year;
//! - `bad_input`: every kind of bad input is refused with exit code 2 (or 1 for an unwritable
//!   output folder), one clear message, and no output files;
//! - `bad_scenarios`: scenarios the loader refuses before anything runs (magnitudes, events
//!   outside the simulated months, observed data, repeated ids, FIFOs and oversized files);
//! - `exploitation`: forced labour, debt bondage, failure before departure, smuggling and
//!   trafficking, captivity for ransom, measured as the model defines them, and their metrics;
//! - `mechanisms`: each mechanism of the monthly step moves the outcomes it should, in the
//!   direction (and roughly the size) the model implies;
//! - `properties`: reproducibility across threads, conservation, the money ledger, the
//!   recruiters' kept state, honest scaling, the output files and the manifest;
//! - `loader_mutations`: thousands of seeded mutations of the baseline never make `check`
//!   panic, and always end in exit code 0 or 2;
//! - `baseline_checks`: the calibrated baseline meets its targets at a reduced size, and each
//!   recommendation moves what it targets;
//! - `output_folder`: a run's folder holds one run, whole, even when the run is killed or two
//!   runs race for it; foreign folders are never replaced; runs too large for the machine are
//!   refused before they start;
//! - `routes`: Dubai, the Western Balkans, returns from Europe, corridors and hazards by sex,
//!   and the outputs by sex and skill;
//! - `model_tables`: docs/MODEL.md's tables of the baseline's parameters (sections 4.1 to 4.7
//!   and the recruiters') give the values scenarios/baseline.toml holds;
//! - `stationary`: the baseline with its events removed keeps every yearly flow steady from the
//!   first reported year to the last;
//! - `dictionary`: docs/metrics.csv is what `crossroads metrics` prints, outcomes.csv writes
//!   exactly the dictionary's pairs of metric and breakdown, in its order, and comparison.csv
//!   adds only the comparison-only rows;
//! - `report`: report.html holds each section when the folder has its data and only then, its
//!   summary states comparison.csv's numbers, and it is self-contained (no script, nothing from
//!   the network, every chart with a size and a title); bad folders are refused;
//! - `route_map`: `map` draws every location and leg of the baseline, the same bytes every time
//!   and the same as docs/routes.svg, refuses bad input as `check` does, and never replaces a
//!   file it did not write;
//! - `extremes` (ignored: slow, `cargo test --release --test cli -- --ignored extremes`): every
//!   number of the baseline set alone to 0, 1, twice and a thousand times its value, from the
//!   start or by an event, and random sets of six at once, either run or are refused with one
//!   message, never a panic.

mod bad_input;
mod bad_scenarios;
mod baseline_checks;
mod capacity;
mod compare;
mod deaths;
mod dictionary;
mod exploitation;
mod extremes;
mod first_use;
mod loader_mutations;
mod mechanisms;
mod model_tables;
mod output_folder;
mod properties;
mod report;
mod route_map;
mod routes;
mod sampling;
mod stationary;
mod support;
mod sweep;
