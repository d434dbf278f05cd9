//! The scenario file format: the schema (`types`), and the loader that turns a file, the files it
//! `extends`, the `--set` overrides and the `[[event]]` timeline into checked [`Scenario`]s.
//!
//! Errors are one line and say where the offending key was written, as
//! `scenarios/x.toml:14:3: policy.awareness.coverage_share = 1.7 must be in [0, 1]`, or
//! `--set policy.awareness.coverage_share=1.7: ...` for a value given on the command line.
//! This module knows nothing of the engine.

mod decode;
mod events;
mod load;
mod merge;
mod observed;
mod path;
mod span;
mod types;
mod validate;

pub use load::{MAX_FILE_BYTES, load, load_pinned, read_input, read_scenario_text};
pub use observed::{
    Observed, ObservedPeriod, Series, Target, TargetKind, known_metrics, parameter_value,
};
pub(crate) use span::line_col;
pub use types::*;
pub(crate) use validate::{NAME_RULE, shown};

/// A scenario read from its file(s), resolved and checked, with its timeline.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Fully resolved: `extends` merged, `--set` applied, validated; events NOT applied.
    pub scenario: Scenario,
    /// `epochs[0]` is the scenario in force from simulated month 0 (with any event dated at or
    /// before the first simulated month already applied); then one more per distinct later
    /// event month, in month order.
    pub epochs: Vec<Epoch>,
    /// Every file read (the scenario, then its parents), in read order.
    pub files: Vec<InputFile>,
    /// The resolved scenario as a table, every default filled in (for the manifest).
    pub resolved: toml::Table,
}

/// The scenario in force from simulated month `month` on (t = 0 is the first spin-up month; the
/// first reported month is t = `spin_up_months`). Its `events` holds the events that took effect
/// at `month`, in the order they were applied (the earlier ones are in the earlier epochs).
#[derive(Debug, Clone)]
pub struct Epoch {
    pub month: u32,
    pub scenario: Scenario,
}

/// A file the scenario was read from, with the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: std::path::PathBuf,
    pub sha256_hex: String,
}

/// A scenario that cannot be used. `Display` is one line: where (`file:line:col`, a file, or
/// `--set KEY=VALUE`), then what is wrong and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if at.is_empty() { String::new() } else { format!("{at}: ") })]
pub struct ScenarioError {
    /// `file:line:col`, a file name, `--set KEY=VALUE`, or empty.
    pub at: String,
    /// What is wrong, naming the dotted key.
    pub message: String,
}

impl ScenarioError {
    pub(crate) fn new(at: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            at: at.into(),
            message: message.into(),
        }
    }
}

/// The dotted keys each event of `s` sets, with the event's date or month: `("2026-01",
/// "policy.awareness.effect_share")`.
pub fn event_keys(s: &Scenario) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in &s.events {
        let when = e
            .date
            .clone()
            .or(e.month.map(|m| format!("month {m}")))
            .unwrap_or_default();
        for k in e.set.keys() {
            if let Ok(segs) = path::parse(k) {
                out.push((when.clone(), path::join(&segs)));
            }
        }
    }
    out
}

/// The value at dotted path `key` of a scenario table (ids select entries of arrays of tables).
pub fn value_at<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let segs = path::parse(key).ok()?;
    let mut here = table;
    let mut i = 0;
    loop {
        let mut v = here.get(segs[i].as_str())?;
        if let toml::Value::Array(items) = v
            && items.iter().all(|e| e.get("id").is_some())
            && i + 1 < segs.len()
        {
            i += 1;
            v = items
                .iter()
                .find(|e| e.get("id").and_then(|x| x.as_str()) == Some(segs[i].as_str()))?;
        }
        if i + 1 == segs.len() {
            return Some(v);
        }
        here = v.as_table()?;
        i += 1;
    }
}

/// The canonical dotted form of a key (quotes only where a part holds a dot), if it is one.
pub fn canonical_key(key: &str) -> Option<String> {
    path::parse(key).ok().map(|segs| path::join(&segs))
}

/// Parse a month written `YYYY-MM` (e.g. `"2022-08"`) into (year, month 1..=12).
pub fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month: u32 = m.parse().ok()?;
    (1..=12)
        .contains(&month)
        .then_some((y.parse().ok()?, month))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_month_accepts_only_yyyy_mm() {
        assert_eq!(parse_month("2022-08"), Some((2022, 8)));
        assert_eq!(parse_month("1999-12"), Some((1999, 12)));
        for bad in [
            "2022-13",
            "2022-00",
            "2022-8",
            "22-08",
            "2022/08",
            "2022-08-01",
            "",
            "abcd-ef",
            "+202-08",
        ] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn error_display_is_one_line() {
        let e = ScenarioError::new("x.toml:3:1", "months = 0 must be at least 1");
        assert_eq!(e.to_string(), "x.toml:3:1: months = 0 must be at least 1");
        assert_eq!(ScenarioError::new("", "no").to_string(), "no");
    }
}
