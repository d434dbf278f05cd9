//! Reading the merged table into a typed [`Scenario`], with serde's errors (unknown key, wrong
//! type, missing key, unknown variant) rewritten as one line that names the dotted key, where it
//! was written, and what is allowed there.

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeTable;

use super::path;
use super::span::SourceMap;
use super::{Scenario, ScenarioError};

/// Deserialize the scenario; an error points at the key it concerns.
pub(crate) fn scenario(
    root: &Spanned<DeTable<'_>>,
    sources: &SourceMap,
) -> Result<Scenario, ScenarioError> {
    Scenario::deserialize(toml::de::Deserializer::from(root.clone()))
        .map_err(|e| describe(&e, root, sources))
}

/// One line for a deserialization error: `file:line:col: key ... what is wrong`.
pub(crate) fn describe(
    e: &toml::de::Error,
    root: &Spanned<DeTable<'_>>,
    sources: &SourceMap,
) -> ScenarioError {
    let msg = e.message().trim();
    let Some(span) = e.span() else {
        return ScenarioError::new("", msg);
    };
    let (mut path, pos) = match path::at_span(root, &span) {
        Some((path, key_span)) => (path, key_span.start),
        None => (String::new(), span.start),
    };
    // `event[5]` counts the events of every file `extends` chains: name the event by its file.
    if let Some(rest) = path.strip_prefix("event[")
        && let Some((_, tail)) = rest.split_once(']')
        && let Some((n, file)) = sources.event_of(pos)
        && n > 0
    {
        path = format!("[[event]] {n} of {file}{}", tail.replacen('.', ": ", 1));
    }
    let written = sources.snippet(&span);
    // A TOML date (2027-01-01) where a month string is wanted.
    if path.ends_with("date")
        && let Some(w) = written
        && w.len() >= 7
        && w.as_bytes()[4] == b'-'
        && w[..4].bytes().all(|b| b.is_ascii_digit())
    {
        return ScenarioError::new(
            sources.at(pos),
            format!(
                "{path} = {w} is a TOML date; write the month as a string: date = \"{}\"",
                &w[..7]
            ),
        );
    }
    ScenarioError::new(sources.at(pos), explain(msg, &path, written))
}

/// Names quoted in backticks after `after`, e.g. the fields of "expected one of `a`, `b`".
fn quoted_after<'a>(msg: &'a str, after: &str) -> Vec<&'a str> {
    let Some(i) = msg.find(after) else {
        return Vec::new();
    };
    msg[i + after.len()..]
        .split('`')
        .skip(1)
        .step_by(2)
        .collect()
}

fn first_quoted(msg: &str) -> &str {
    msg.split('`').nth(1).unwrap_or("")
}

/// What serde expected, in words.
fn expected(what: &str) -> String {
    let what = what.trim();
    match what {
        "f64" | "f32" => "a number".into(),
        "u32" => "a whole number from 0 to 4294967295".into(),
        "u64" | "u16" | "u8" | "usize" => "a whole number, 0 or more".into(),
        "i64" | "i32" => "a whole number".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "an array".into(),
        "a map" => "a table".into(),
        w if w.starts_with("struct ") => "a table".into(),
        w => w.into(),
    }
}

/// For a key that takes a whole number (`want`, serde's name of its type), the range it really
/// takes: from 0 to the smaller of its type's largest value and the bound the checks of the
/// scenario put on it (`validate::upper`), so that the message quotes the limit that applies.
fn whole_number_within(want: &str, path: &str) -> Option<String> {
    let most = match want.trim() {
        "u8" => u8::MAX as f64,
        "u16" => u16::MAX as f64,
        "u32" => u32::MAX as f64,
        "u64" | "usize" => u64::MAX as f64,
        _ => return None,
    };
    let at: Vec<String> = path.split('.').map(String::from).collect();
    let key = at.last()?.split('[').next()?;
    let bound = super::validate::upper(&at, key).min(most);
    let least = super::validate::lower(&at, key);
    (bound < u64::MAX as f64).then(|| format!("a whole number from {least} to {bound}"))
}

fn explain(msg: &str, path: &str, written: Option<&str>) -> String {
    let key = if path.is_empty() { "the file" } else { path };
    let shown = match written {
        Some(w) if !path.is_empty() => format!("{path} = {w}"),
        _ => key.to_string(),
    };
    if msg.starts_with("unknown field") {
        let allowed = quoted_after(msg, "expected");
        return if allowed.is_empty() {
            format!("{key}: unknown key; no keys are allowed here")
        } else {
            format!("{key}: unknown key; allowed here: {}", allowed.join(", "))
        };
    }
    if msg.starts_with("missing field") {
        let field = first_quoted(msg);
        let full = if path.is_empty() {
            field.to_string()
        } else if path.starts_with("[[event]]") {
            format!("{path}: {field}")
        } else {
            format!("{path}.{field}")
        };
        return format!("{full} is missing (a required key)");
    }
    if msg.starts_with("unknown variant") {
        return format!(
            "{shown} must be one of: {}",
            quoted_after(msg, "expected").join(", ")
        );
    }
    if let Some(rest) = msg
        .strip_prefix("invalid type: ")
        .or_else(|| msg.strip_prefix("invalid value: "))
        && let Some((found, want)) = rest.split_once(", expected ")
    {
        let want = whole_number_within(want, path).unwrap_or_else(|| expected(want));
        return match written {
            Some(_) => format!("{shown} must be {want}"),
            None => format!("{key} must be {want}, not {found}"),
        };
    }
    format!("{key}: {msg}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_become_plain_words() {
        assert_eq!(
            explain(
                "unknown field `q`, expected one of `a`, `b`",
                "t.q",
                Some("q")
            ),
            "t.q: unknown key; allowed here: a, b"
        );
        assert_eq!(
            explain("unknown field `q`, expected `id` or `p`", "q", None),
            "q: unknown key; allowed here: id, p"
        );
        assert_eq!(
            explain("missing field `p`", "sub", None),
            "sub.p is missing (a required key)"
        );
        assert_eq!(
            explain("missing field `start`", "", None),
            "start is missing (a required key)"
        );
        assert_eq!(
            explain(
                "invalid type: string \"s\", expected f64",
                "sub.p",
                Some("\"s\"")
            ),
            "sub.p = \"s\" must be a number"
        );
        assert_eq!(
            explain(
                "invalid value: integer `-2`, expected u32",
                "months",
                Some("-2")
            ),
            "months = -2 must be a whole number from 1 to 1200"
        );
        // The bound quoted is the one the checks put on the key, where it is below its type's.
        assert_eq!(
            explain(
                "invalid value: integer `-1`, expected u32",
                "leg.dhaka-dubai.months",
                Some("-1")
            ),
            "leg.dhaka-dubai.months = -1 must be a whole number from 0 to 240"
        );
        // And the least, where the checks refuse 0 (a run of no months, a contract of none).
        assert_eq!(
            explain(
                "invalid type: floating point `1.5`, expected u32",
                "destination.saudi_arabia.contract_months",
                Some("1.5")
            ),
            "destination.saudi_arabia.contract_months = 1.5 must be a whole number from 1 to 240"
        );
        assert_eq!(
            explain(
                "invalid type: floating point `0.5`, expected u8",
                "x.y",
                Some("0.5")
            ),
            "x.y = 0.5 must be a whole number from 0 to 255"
        );
        assert_eq!(
            explain(
                "unknown variant `city`, expected one of `capital`, `hub`",
                "location.x.kind",
                Some("\"city\"")
            ),
            "location.x.kind = \"city\" must be one of: capital, hub"
        );
        assert_eq!(
            explain(
                "invalid type: integer `3`, expected struct Population",
                "population",
                None
            ),
            "population must be a table, not integer `3`"
        );
    }
}
