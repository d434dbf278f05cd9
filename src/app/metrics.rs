//! `crossroads metrics`: the dictionary of the metrics of outcomes.csv, as CSV.

use super::Error;

/// `crossroads metrics`: one row per metric and breakdown (`metric, by, unit, denominator,
/// definition`), in the order outcomes.csv writes them; what docs/metrics.csv holds.
pub fn metrics() -> Result<Vec<u8>, Error> {
    crate::output::tables::dictionary().map_err(Error::other)
}
