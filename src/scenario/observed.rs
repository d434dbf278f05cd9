//! The scenario's `[observed]` data: published figures a run is checked against (calibration
//! targets and yearly series). Read and checked with the rest of the scenario (metric names,
//! periods inside the horizon, bands, ids, parameter paths), so that a run never starts on
//! observed data it cannot use. Never inherited through `extends`.
//!
//! ```toml
//! [[observed.target]]
//! id = "T2_malaysia"             # several parts: T2_saudi_arabia, T2_malaysia, ...
//! kind = "emergent"              # or "input"
//! quantity = "share of registered departures to Malaysia"
//! metric = "departure_share"     # or parameter = "lender.money_lender.rate_year"
//! by = "destination"             # a breakdown, as in outcomes.csv (both empty: the total)
//! level = "malaysia"
//! period = "2023"                # a year, "2023-2024", or "any" (the whole horizon)
//! used_in_fit = true             # a parameter was fitted or set to this figure
//! target = 0.27
//! band = [0.22, 0.32]
//! source = "BMET"
//!
//! [[observed.series]]
//! id = "registered_departures"
//! metric = "registered_departures_per_year"
//! used_in_fit = true
//! source = "BMET"
//! values = { 2022 = 1135873, 2023 = 1305453, 2024 = 1011856 }
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{LocationKind, Scenario, path};
use crate::metric_names::{self, Dimension, Key};

/// The observed data of a scenario.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    #[serde(default, rename = "target")]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub series: Vec<Series>,
}

/// What a target checks: an outcome the model must produce, or an input (a parameter or a
/// price the model is given).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Emergent,
    Input,
}

impl TargetKind {
    /// As written in the file and in validation.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Emergent => "emergent",
            TargetKind::Input => "input",
        }
    }
}

/// One published figure, with the band a run must fall in.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: String,
    pub kind: TargetKind,
    pub quantity: String,
    /// A metric of outcomes.csv, computed over `period`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// The metric's breakdown (`by`, `level` as in outcomes.csv); both empty for the total.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub level: String,
    /// Whether a parameter was fitted or set to this figure (so meeting it is no evidence).
    #[serde(default)]
    pub used_in_fit: bool,
    /// A scenario key (dotted path, ids for arrays) whose value is checked, for input targets
    /// that check a parameter rather than an output. Exactly one of `metric` and `parameter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// A year, `YYYY-YYYY`, or `any`; see [`ObservedPeriod`].
    pub period: String,
    pub target: f64,
    /// [low, high], low ≤ high.
    pub band: [f64; 2],
    pub source: String,
}

/// A yearly series of a metric.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    pub id: String,
    pub metric: String,
    /// The metric's breakdown, as for a target.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub level: String,
    /// Whether a parameter was fitted to this series.
    #[serde(default)]
    pub used_in_fit: bool,
    pub source: String,
    /// Observed value per year, the year written as the key (`2022 = 1135873`).
    pub values: BTreeMap<String, f64>,
}

impl Target {
    /// The value of outcomes.csv this target checks, if it checks a metric.
    pub fn key(&self) -> Option<Key> {
        self.metric.as_ref().map(|m| Key {
            metric: m.clone(),
            by: self.by.clone(),
            level: self.level.clone(),
        })
    }
}

impl Series {
    /// The value of outcomes.csv this series follows.
    pub fn key(&self) -> Key {
        Key {
            metric: self.metric.clone(),
            by: self.by.clone(),
            level: self.level.clone(),
        }
    }

    /// The values by year, in year order; keys that are not years are left out (the loader
    /// refuses them).
    pub fn years(&self) -> Vec<(i32, f64)> {
        let mut out: Vec<(i32, f64)> = self
            .values
            .iter()
            .filter_map(|(k, v)| Some((parse_year(k)?, *v)))
            .collect();
        out.sort_by_key(|x| x.0);
        out
    }
}

/// The period of a target: the whole horizon, or the calendar years `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservedPeriod {
    Any,
    Years(i32, i32),
}

fn parse_year(s: &str) -> Option<i32> {
    let s = s.trim();
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl ObservedPeriod {
    /// Parse `"any"`, `"2023"` or `"2023-2024"` (first year at most the last).
    pub fn parse(s: &str) -> Option<ObservedPeriod> {
        if s == "any" {
            return Some(ObservedPeriod::Any);
        }
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        match (parse_year(a), parse_year(b)) {
            (Some(a), Some(b)) if a <= b => Some(ObservedPeriod::Years(a, b)),
            _ => None,
        }
    }

    /// Reported months `from..to` (0-based) the period covers in a run whose first reported
    /// year is `start_year` and that reports `months` months; `None` if it is not inside them.
    pub fn months(self, start_year: i32, months: usize) -> Option<(usize, usize)> {
        match self {
            ObservedPeriod::Any => Some((0, months)),
            ObservedPeriod::Years(a, b) => {
                let from = (a as i64 - start_year as i64) * 12;
                let to = (b as i64 + 1 - start_year as i64) * 12;
                (from >= 0 && to <= months as i64).then_some((from as usize, to as usize))
            }
        }
    }
}

/// Every value of outcomes.csv for scenario `s` (metric, `by`, `level`): each row of the
/// dictionary of metrics at each level its dimension has in the scenario.
pub fn known_metrics(s: &Scenario) -> Vec<Key> {
    let mut out = Vec::new();
    for m in metric_names::rows() {
        for level in levels(s, m.by) {
            out.push(Key::by(m.metric, m.by.name(), &level));
        }
    }
    out
}

/// The channels, as `level` names them.
const CHANNEL_LEVELS: [&str; 4] = ["regular", "visa_fraud", "irregular", "cross_border"];

/// The levels dimension `by` has in scenario `s`, as outcomes.csv writes them.
fn levels(s: &Scenario, by: Dimension) -> Vec<String> {
    match by {
        Dimension::Total => vec![String::new()],
        Dimension::Destination => s.destinations.iter().map(|d| d.id.clone()).collect(),
        Dimension::DestinationLocation => via_pairs(s)
            .into_iter()
            .map(|(l, d)| Key::via_share(d, l).level)
            .collect(),
        Dimension::Channel => CHANNEL_LEVELS.map(String::from).to_vec(),
        Dimension::RecruiterKind => s.recruiters.iter().map(|k| k.id.clone()).collect(),
        Dimension::Sex => vec!["women".to_string(), "men".to_string()],
        Dimension::Skill => vec!["skilled".to_string(), "unskilled".to_string()],
        // Hubs and destinations: where people are stranded or leave from onward.
        Dimension::Location => s
            .locations
            .iter()
            .filter(|l| matches!(l.kind, LocationKind::Hub | LocationKind::Destination))
            .map(|l| l.id.clone())
            .collect(),
        Dimension::SexDestination => ["women", "men"]
            .iter()
            .flat_map(|sex| {
                s.destinations
                    .iter()
                    .map(move |d| format!("{sex}+{}", d.id))
            })
            .collect(),
        Dimension::State => crate::engine::exit::PLACE_NAMES.map(String::from).to_vec(),
        Dimension::Lever => crate::engine::enforcement::LEVERS
            .map(String::from)
            .to_vec(),
        Dimension::Base => s.locations.iter().map(|l| l.id.clone()).collect(),
        Dimension::RecruiterKindLocation => s
            .recruiters
            .iter()
            .flat_map(|k| {
                let bases: Vec<String> = if k.bases.is_empty() {
                    s.locations
                        .iter()
                        .filter(|l| l.kind == LocationKind::Capital)
                        .map(|l| l.id.clone())
                        .take(1)
                        .collect()
                } else {
                    k.bases.keys().cloned().collect()
                };
                bases.into_iter().map(move |l| format!("{}+{l}", k.id))
            })
            .collect(),
    }
}

/// How a message names the levels of a dimension: what one level is, and what it must be.
fn level_words(by: Dimension) -> (&'static str, &'static str) {
    match by {
        Dimension::Total => ("empty", "levels"),
        Dimension::Destination => ("a [[destination]] id", "destinations"),
        Dimension::DestinationLocation => (
            "\"<destination>+<location>\", a transit location on a route to the destination",
            "pairs",
        ),
        Dimension::Channel => ("a channel", "channels"),
        Dimension::RecruiterKind => ("a [[recruiter]] id", "recruiter kinds"),
        Dimension::Sex => ("women or men", "levels"),
        Dimension::Skill => ("skilled or unskilled", "levels"),
        Dimension::Location => ("a hub or destination [[location]] id", "locations"),
        Dimension::SexDestination => ("\"<women|men>+<destination>\"", "pairs"),
        Dimension::State => ("working, captive, detained or stranded", "levels"),
        Dimension::Lever => ("a policy lever", "levers"),
        Dimension::RecruiterKindLocation => ("\"<recruiter>+<base location>\"", "pairs"),
        Dimension::Base => ("a [[location]] id", "locations"),
    }
}

/// (location, destination) pairs such that some route to the destination passes through the
/// location (a leg starts there), the location being neither a capital nor the destination.
fn via_pairs(s: &Scenario) -> BTreeSet<(&str, &str)> {
    let kinds: std::collections::HashMap<&str, LocationKind> = s
        .locations
        .iter()
        .map(|l| (l.id.as_str(), l.kind))
        .collect();
    let legs: std::collections::HashMap<&str, &str> = s
        .legs
        .iter()
        .map(|l| (l.id.as_str(), l.from.as_str()))
        .collect();
    let mut out = BTreeSet::new();
    for r in &s.routes {
        for leg in &r.legs {
            let Some(&from) = legs.get(leg.as_str()) else {
                continue;
            };
            if from != r.destination && kinds.get(from).is_some_and(|k| *k != LocationKind::Capital)
            {
                out.insert((from, r.destination.as_str()));
            }
        }
    }
    out
}

/// Why `key` is not a value of outcomes.csv for `s`, in words naming what is allowed.
pub(crate) fn unknown_metric(s: &Scenario, key: &Key) -> String {
    let m = key.metric.as_str();
    let breakdown = format!("(by = {:?}, level = {:?})", key.by, key.level);
    let rows: Vec<Dimension> = metric_names::rows()
        .iter()
        .filter(|r| r.metric == m)
        .map(|r| r.by)
        .collect();
    if rows.is_empty() {
        return format!(
            "is not a metric of outcomes.csv; metrics (`crossroads metrics` lists them with their breakdowns): {}",
            metric_names::metric_names().join(", ")
        );
    }
    match Dimension::from_name(&key.by).filter(|d| rows.contains(d)) {
        // The metric has this breakdown: the level is not one of this scenario's.
        Some(Dimension::Total) => format!("{breakdown}: the total has level = \"\""),
        Some(Dimension::Destination) => format!(
            "{breakdown} names destination {:?}, which is not a [[destination]]; destinations: {}",
            key.level,
            levels(s, Dimension::Destination).join(", ")
        ),
        Some(Dimension::DestinationLocation) => format!(
            "{breakdown} is not a destination+location pair of this scenario (a transit location on a route to a destination); pairs: {}",
            levels(s, Dimension::DestinationLocation).join(", ")
        ),
        Some(d) => {
            let (one, many) = level_words(d);
            format!(
                "{breakdown} names {:?}, which is not {one}; {many}: {}",
                key.level,
                levels(s, d).join(", ")
            )
        }
        None => {
            let allowed: Vec<String> = rows
                .iter()
                .map(|d| match d {
                    Dimension::Total => "by = \"\" (the total)".to_string(),
                    d => format!("by = {:?} (level: {})", d.name(), level_words(*d).0),
                })
                .collect();
            format!(
                "{breakdown} is not a breakdown of {m}; allowed: {}",
                allowed.join(", or ")
            )
        }
    }
}

/// The number at dotted path `key` of a scenario table (ids select entries of arrays of tables),
/// if there is one.
pub fn parameter_value(table: &toml::Table, key: &str) -> Option<f64> {
    let segs = path::parse(key).ok()?;
    let mut cur: Option<&toml::Value> = None;
    let mut here: &toml::Table = table;
    let mut i = 0;
    while i < segs.len() {
        let mut v = here.get(segs[i].as_str())?;
        if let toml::Value::Array(items) = v {
            let id = segs.get(i + 1)?;
            v = items
                .iter()
                .find(|e| e.get("id").and_then(|x| x.as_str()) == Some(id.as_str()))?;
            i += 1;
        }
        cur = Some(v);
        match v {
            toml::Value::Table(t) => here = t,
            _ if i + 1 < segs.len() => return None,
            _ => {}
        }
        i += 1;
    }
    match cur? {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(n) => Some(*n as f64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_map_to_reported_months() {
        assert_eq!(ObservedPeriod::parse("any"), Some(ObservedPeriod::Any));
        assert_eq!(
            ObservedPeriod::parse("2023"),
            Some(ObservedPeriod::Years(2023, 2023))
        );
        assert_eq!(
            ObservedPeriod::parse("2023-2024"),
            Some(ObservedPeriod::Years(2023, 2024))
        );
        for bad in [
            "",
            "20x3",
            "2024-2023",
            "23",
            "2023-",
            "Any",
            "2023-2024-2025",
        ] {
            assert_eq!(ObservedPeriod::parse(bad), None, "{bad}");
        }
        assert_eq!(
            ObservedPeriod::Years(2023, 2023).months(2022, 120),
            Some((12, 24))
        );
        assert_eq!(
            ObservedPeriod::Years(2023, 2024).months(2022, 120),
            Some((12, 36))
        );
        assert_eq!(ObservedPeriod::Any.months(2022, 120), Some((0, 120)));
        assert_eq!(ObservedPeriod::Years(2040, 2040).months(2022, 120), None);
        assert_eq!(ObservedPeriod::Years(2021, 2022).months(2022, 120), None);
        assert_eq!(ObservedPeriod::Years(2023, 2023).months(2022, 12), None);
    }

    #[test]
    fn known_and_unknown_metrics_come_from_the_dictionary() {
        let s: Scenario = toml::from_str(include_str!("../../tests/fixtures/tiny.toml")).unwrap();
        let known = known_metrics(&s);
        for m in metric_names::rows() {
            assert!(
                known
                    .iter()
                    .any(|k| k.metric == m.metric && k.by == m.by.name()),
                "{} by {:?}",
                m.metric,
                m.by.name()
            );
        }
        let why = |m: &str, by: &str, level: &str| unknown_metric(&s, &Key::by(m, by, level));
        assert!(why("colour_share", "", "").starts_with(
            "is not a metric of outcomes.csv; metrics (`crossroads metrics` lists them with their breakdowns): departures_per_year, "
        ));
        assert_eq!(
            why("departure_share", "", ""),
            "(by = \"\", level = \"\") is not a breakdown of departure_share; allowed: by = \"destination\" (level: a [[destination]] id), or by = \"sex+destination\" (level: \"<women|men>+<destination>\")"
        );
        assert_eq!(
            why("trafficked_per_year", "colour", "x"),
            "(by = \"colour\", level = \"x\") is not a breakdown of trafficked_per_year; allowed: by = \"\" (the total), or by = \"channel\" (level: a channel), or by = \"recruiter_kind\" (level: a [[recruiter]] id), or by = \"base\" (level: a [[location]] id), or by = \"sex\" (level: women or men), or by = \"skill\" (level: skilled or unskilled)"
        );
        assert_eq!(
            why("trafficked_per_year", "sex", "other"),
            "(by = \"sex\", level = \"other\") names \"other\", which is not women or men; levels: women, men"
        );
        assert_eq!(
            why("women_share", "", "x"),
            "(by = \"\", level = \"x\"): the total has level = \"\""
        );
    }

    #[test]
    fn parameter_values_by_id() {
        let t: toml::Table = toml::from_str(
            "[[lender]]\nid = \"a\"\nrate_year = 0.5\n[[lender]]\nid = \"b\"\nrate_year = 1\n[x]\ny = 2\nz = \"s\"",
        )
        .unwrap();
        assert_eq!(parameter_value(&t, "lender.b.rate_year"), Some(1.0));
        assert_eq!(parameter_value(&t, "x.y"), Some(2.0));
        assert_eq!(parameter_value(&t, "lender.c.rate_year"), None);
        assert_eq!(parameter_value(&t, "x.z"), None, "not a number");
        assert_eq!(parameter_value(&t, "x"), None, "a table");
        assert_eq!(parameter_value(&t, "x.y.w"), None);
        assert_eq!(parameter_value(&t, "lender.a"), None);
    }
}
