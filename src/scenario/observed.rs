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
use crate::metric_names::{self, Key};

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

/// Every value of outcomes.csv for scenario `s` (metric, `by`, `level`): the totals, the
/// metrics by destination, and the `via` share for each transit location on a route to each
/// destination.
pub fn known_metrics(s: &Scenario) -> Vec<Key> {
    let mut out: Vec<Key> = metric_names::TOTALS.iter().map(|m| Key::total(m)).collect();
    for m in metric_names::PER_DESTINATION {
        for d in &s.destinations {
            out.push(Key::per_destination(m, &d.id));
        }
    }
    out.extend(via_pairs(s).into_iter().map(|(l, d)| Key::via_share(d, l)));
    let trafficked = "trafficked_per_year";
    for c in ["regular", "visa_fraud", "irregular", "cross_border"] {
        out.push(Key::by(trafficked, metric_names::BY_CHANNEL, c));
    }
    for k in &s.recruiters {
        out.push(Key::by(trafficked, metric_names::BY_RECRUITER_KIND, &k.id));
    }
    for l in &s.locations {
        if !matches!(l.kind, LocationKind::Capital | LocationKind::Border) {
            out.push(Key::by(
                "stranded_per_year",
                metric_names::BY_LOCATION,
                &l.id,
            ));
        }
    }
    // Onward departures from each place an onward route starts.
    let legs_from: std::collections::HashMap<&str, &str> = s
        .legs
        .iter()
        .map(|l| (l.id.as_str(), l.from.as_str()))
        .collect();
    let mut onward_from = BTreeSet::new();
    for r in &s.routes {
        if let Some(from) = r.legs.first().and_then(|l| legs_from.get(l.as_str())) {
            if s.locations.iter().any(|l| {
                l.id == *from && matches!(l.kind, LocationKind::Hub | LocationKind::Destination)
            }) {
                onward_from.insert(*from);
            }
        }
    }
    for l in onward_from {
        out.push(Key::by(
            "onward_departures_per_year",
            metric_names::BY_LOCATION,
            l,
        ));
    }
    for m in metric_names::BY_GROUP {
        for (by, level) in [
            (metric_names::BY_SEX, "women"),
            (metric_names::BY_SEX, "men"),
            (metric_names::BY_SKILL, "skilled"),
            (metric_names::BY_SKILL, "unskilled"),
        ] {
            out.push(Key::by(m, by, level));
        }
    }
    for m in metric_names::BY_SEX_DESTINATION {
        for sex in ["women", "men"] {
            for d in &s.destinations {
                out.push(Key::by(
                    m,
                    metric_names::BY_SEX_DESTINATION_DIM,
                    &format!("{sex}+{}", d.id),
                ));
            }
        }
    }
    out
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
    let dests: Vec<&str> = s.destinations.iter().map(|d| d.id.as_str()).collect();
    let m = key.metric.as_str();
    let breakdown = format!("(by = {:?}, level = {:?})", key.by, key.level);
    if metric_names::PER_DESTINATION.contains(&m) && key.by == metric_names::BY_DESTINATION {
        return format!(
            "{} names destination {:?}, which is not a [[destination]]; destinations: {}",
            breakdown,
            key.level,
            dests.join(", ")
        );
    }
    if m == metric_names::VIA_SHARE && key.by == metric_names::BY_DESTINATION_LOCATION {
        let pairs: Vec<String> = via_pairs(s)
            .into_iter()
            .map(|(l, d)| format!("{d}+{l}"))
            .collect();
        return format!(
            "{} is not a destination+location pair of this scenario (a transit location on a route to a destination); pairs: {}",
            breakdown,
            pairs.join(", ")
        );
    }
    if metric_names::TOTALS.contains(&m) || metric_names::PER_DESTINATION.contains(&m) {
        let allowed = if metric_names::PER_DESTINATION.contains(&m) {
            format!(
                "by = \"\" (the total) or by = \"{}\"",
                metric_names::BY_DESTINATION
            )
        } else if m == "trafficked_per_year" {
            format!(
                "by = \"\" (the total) or by one of {} (levels: a channel, a [[recruiter]] id, women or men)",
                metric_names::TRAFFICKED_BY.join(", ")
            )
        } else {
            "by = \"\" (the total)".to_string()
        };
        return format!(
            "{} is not a breakdown of {m}; allowed: {allowed}",
            breakdown
        );
    }
    if m == metric_names::VIA_SHARE {
        return format!(
            "{} must be by = \"{}\" with level = \"<destination>+<location>\"",
            breakdown,
            metric_names::BY_DESTINATION_LOCATION
        );
    }
    format!(
        "is not a metric of outcomes.csv; metrics: {}, {} (by destination), {} (by destination+location)",
        metric_names::TOTALS.join(", "),
        metric_names::PER_DESTINATION.join(", "),
        metric_names::VIA_SHARE
    )
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
