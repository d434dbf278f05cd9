//! The `[[event]]` timeline: when each event takes effect, and the scenario in force in each
//! epoch. An event dated `YYYY-MM` (or `month = N`, 1 = the first reported month) takes effect at
//! simulated month t = spin_up_months + months since `start`; an event before the first
//! simulated month (t < 0, or `month` below 1) or after the last is refused. Later events
//! override earlier ones, events of the same month apply in file order. Every epoch's scenario
//! is checked like the file, and a problem points at the event that caused it.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::span::SourceMap;
use super::validate;
use super::{Epoch, Scenario, ScenarioError, decode, parse_month, path};

/// Top-level keys an event may not change: they fix the run itself.
const FIXED: [&str; 13] = [
    "name",
    "description",
    "extends",
    "start",
    "months",
    "spin_up_months",
    "settle_months",
    "settle_persons_per_agent",
    "seed",
    "replicates",
    "deaths_estimator",
    "event",
    "observed",
];

/// Population keys read only when the pool is drawn, at the first simulated month.
const POPULATION_AT_START: [&str; 16] = [
    "persons",
    "entries_per_year",
    "default_agents",
    "age_min",
    "age_max",
    "women_share",
    "skilled_share",
    "land_share",
    "home_income_sd_log",
    "skilled_income_factor",
    "savings_months",
    "awareness_mean",
    "awareness_concentration",
    "initial_abroad_share",
    "initial_indebted_share",
    "initial_debt_usd",
];

/// The lists of entities of a scenario.
const ENTITY_LISTS: [&str; 7] = [
    "district",
    "location",
    "leg",
    "route",
    "destination",
    "recruiter",
    "lender",
];

/// Why a key may not be set by an event, if it may not: it is read only when a replicate's world
/// is created (the pool, the recruiters and where they work), it is a route's path that people
/// may be travelling on, or it is an id. The engine would ignore the change, or people would be
/// left on legs that no longer exist.
fn structural(segs: &[String]) -> Option<&'static str> {
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    match s.as_slice() {
        ["population"] => Some("the pool is drawn from it at the first simulated month"),
        ["population", k, ..] if POPULATION_AT_START.contains(k) => {
            Some("the pool is drawn from it at the first simulated month")
        }
        [list] | [list, _] if ENTITY_LISTS.contains(list) => {
            Some("entities are fixed for the whole run; set their keys one by one")
        }
        [list, _, "id"] if ENTITY_LISTS.contains(list) => Some("ids are fixed for the whole run"),
        ["recruiter", _, "count" | "districts" | "kind"] => Some(
            "recruiters are created, and placed in their districts, at the first simulated month",
        ),
        ["district", _, "pool_share"] => {
            Some("the pool and the brokers are spread over districts at the first simulated month")
        }
        ["route", _, "legs" | "destination"] | ["leg", _, "from" | "to"] => {
            Some("people may be on the way along it; define another route and shift weights")
        }
        _ => None,
    }
}

/// Most (months with events) × (entities) a scenario may have: about 2 GB while loading.
const MAX_ENTITY_EPOCHS: u64 = 1_000_000;

/// One event, ready to apply.
struct Timed<'s> {
    /// Its index in `Scenario::events`.
    index: usize,
    /// Simulated month from which it applies.
    month: u32,
    /// `2024-05` or `month 12`, for messages.
    label: String,
    /// Where its `[[event]]` header was written.
    header: Range<usize>,
    /// (path, where the key was written, value).
    sets: Vec<(Vec<String>, Range<usize>, Spanned<DeValue<'s>>)>,
}

fn err(sources: &SourceMap, pos: usize, msg: String) -> ScenarioError {
    ScenarioError::new(sources.at(pos), msg)
}

/// `YYYY-MM` of simulated month `t` (t = spin_up is `start`).
fn date_of(start: (i32, u32), spin_up: u32, t: i64) -> String {
    let m = start.0 as i64 * 12 + (start.1 as i64 - 1) + t - spin_up as i64;
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

/// Read the events of `root` (deserialized as `s.events`), in the order they apply.
fn read<'s>(
    root: &Spanned<DeTable<'s>>,
    s: &Scenario,
    full: &toml::Table,
    sources: &SourceMap,
    declared: &validate::Horizon,
) -> Result<Vec<Timed<'s>>, ScenarioError> {
    let Some(DeValue::Array(list)) = root.get_ref().get("event").map(|v| v.get_ref()) else {
        return Ok(Vec::new());
    };
    let start = parse_month(&s.start).unwrap_or((0, 1));
    // An event must fall within the months the files declare; a run shortened by `--set
    // months` (as by `--months`) ends before the later ones, which then do not happen.
    let horizon = s.spin_up_months as i64 + s.months.max(declared.months) as i64;
    let mut out = Vec::new();
    for (index, (entry, ev)) in list.iter().zip(&s.events).enumerate() {
        let header = entry.span();
        let DeValue::Table(table) = entry.get_ref() else {
            continue;
        };
        let key_at = |k: &str| {
            table
                .get_key_value(k)
                .map_or(header.start, |(k, _)| k.span().start)
        };
        let (t, label, at) = match (&ev.date, ev.month) {
            (Some(d), None) => {
                let Some((y, m)) = parse_month(d) else {
                    return Err(err(
                        sources,
                        key_at("date"),
                        format!("event date = {d:?} must be a month written \"YYYY-MM\""),
                    ));
                };
                let since = (y as i64 - start.0 as i64) * 12 + (m as i64 - start.1 as i64);
                (s.spin_up_months as i64 + since, d.clone(), key_at("date"))
            }
            (None, Some(n)) => {
                if n < 1 {
                    return Err(err(
                        sources,
                        key_at("month"),
                        format!(
                            "event month = {n} must be at least 1 (1 = the first reported month, {}); an event during the spin-up is dated, e.g. date = \"{}\"",
                            s.start,
                            date_of(start, s.spin_up_months, 0)
                        ),
                    ));
                }
                (
                    (s.spin_up_months as i64).saturating_add(n - 1),
                    format!("month {n}"),
                    key_at("month"),
                )
            }
            _ => {
                return Err(err(
                    sources,
                    header.start,
                    "[[event]] needs exactly one of date = \"YYYY-MM\" or month = N (1 = the first reported month)".into(),
                ));
            }
        };
        if t < 0 {
            return Err(err(
                sources,
                at,
                format!(
                    "event of {label} is before the first simulated month {} (start = {:?} less spin_up_months = {}); an event may be dated from {} on",
                    date_of(start, s.spin_up_months, 0),
                    s.start,
                    s.spin_up_months,
                    date_of(start, s.spin_up_months, 0)
                ),
            ));
        }
        if t >= horizon {
            return Err(err(
                sources,
                at,
                format!(
                    "event of {label} is after the horizon: the last simulated month is {} (month {})",
                    date_of(start, s.spin_up_months, horizon - 1),
                    horizon - s.spin_up_months as i64
                ),
            ));
        }
        // The bound of every such count of months in a scenario.
        let most = validate::upper(&["event".into()], "phase_in_months") as u32;
        if ev.phase_in_months > most {
            return Err(err(
                sources,
                key_at("phase_in_months"),
                format!(
                    "event of {label}: phase_in_months = {} must be in [0, {most}]",
                    ev.phase_in_months
                ),
            ));
        }
        let mut sets = Vec::new();
        if let Some(DeValue::Table(set)) = table.get("set").map(|v| v.get_ref()) {
            for (k, v) in set.iter() {
                let key = k.get_ref().as_ref();
                let fail = |msg: String| {
                    err(
                        sources,
                        k.span().start,
                        format!("event of {label}: set {key:?}: {msg}"),
                    )
                };
                let segs = path::parse(key).map_err(&fail)?;
                if FIXED.contains(&segs[0].as_str()) {
                    return Err(fail(format!("{} cannot be changed by an event", segs[0])));
                }
                if let Some(why) = structural(&segs) {
                    return Err(fail(format!("{key} cannot be changed by an event: {why}")));
                }
                path::check(full, &segs, &FIXED).map_err(&fail)?;
                sets.push((segs, k.span(), v.clone()));
            }
        }
        out.push(Timed {
            index,
            month: t as u32,
            label,
            header,
            sets,
        });
    }
    out.sort_by_key(|e| e.month);
    Ok(out)
}

/// The epochs of a loaded scenario: `root` is its merged table (after `--set`), `s` the
/// scenario read from it, `full` that scenario as a table with every default.
pub(crate) fn epochs(
    root: &Spanned<DeTable<'_>>,
    s: &Scenario,
    full: &toml::Table,
    horizon: &validate::Horizon,
    sources: &SourceMap,
    pinned: &[Vec<String>],
) -> Result<Vec<Epoch>, ScenarioError> {
    let mut events = read(root, s, full, sources, horizon)?;
    // A pinned key keeps its value for the whole run: the events' settings of it are left out.
    for e in &mut events {
        e.sets.retain(|(segs, _, _)| !pinned.contains(segs));
    }
    // Each month with events makes a whole copy of the scenario (checked and compiled on its
    // own), so their product with the number of entities is what loading costs; bound it before
    // building any, rather than exhausting memory.
    let months: std::collections::BTreeSet<u32> = events.iter().map(|e| e.month).collect();
    let entities = s.districts.len()
        + s.locations.len()
        + s.legs.len()
        + s.routes.len()
        + s.destinations.len()
        + s.recruiters.len()
        + s.lenders.len();
    if (months.len() as u64).saturating_mul(entities.max(1) as u64) > MAX_ENTITY_EPOCHS {
        let e = &events[0];
        return Err(err(
            sources,
            e.header.start,
            format!(
                "events in {} different months over {entities} entities: each such month copies the whole scenario, and at most {MAX_ENTITY_EPOCHS} entity copies are allowed; gather the events into fewer months",
                months.len()
            ),
        ));
    }
    let mut first = s.clone();
    first.events.clear();
    let mut epochs = vec![Epoch {
        month: 0,
        scenario: first,
    }];
    // The events are applied from `events`; each epoch's table need not carry them (it is
    // cloned and read once per epoch, so this keeps loading linear in the number of events).
    let mut table = root.clone();
    table.get_mut().remove("event");
    let mut applied: Vec<&Timed> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let month = events[i].month;
        let first_of_month = applied.len();
        while i < events.len() && events[i].month == month {
            for (segs, key_span, value) in &events[i].sets {
                path::set(table.get_mut(), segs, key_span.clone(), value.clone()).map_err(|e| {
                    err(
                        sources,
                        key_span.start,
                        format!("event of {}: {e}", events[i].label),
                    )
                })?;
            }
            applied.push(&events[i]);
            i += 1;
        }
        let mut scenario = Scenario::deserialize(toml::de::Deserializer::from(table.clone()))
            .map_err(|e| {
                let mut out = decode::describe(&e, &table, sources);
                let span = e.span().unwrap_or(0..0);
                let by = applied.iter().rev().find(|ev| {
                    ev.sets
                        .iter()
                        .any(|(_, k, v)| *k == span || v.span().contains(&span.start))
                });
                let ev = by.or(applied.last()).expect("an event was applied");
                out.message = format!("event of {}: {}", ev.label, out.message);
                out
            })?;
        if let Some(p) = validate::problems_in(&scenario, horizon).into_iter().next() {
            // The last event that set a key of the problem (of a relation, any of its keys).
            let by = applied.iter().rev().find_map(|ev| {
                p.keys()
                    .map(|at| path::key_span(&table, at))
                    .find(|key| ev.sets.iter().any(|(_, k, _)| k == key))
                    .map(|key| (ev, key))
            });
            let (ev, pos) = match by {
                Some((ev, key)) => (*ev, key.start),
                None => {
                    let ev = *applied.last().expect("an event was applied");
                    (ev, ev.header.start)
                }
            };
            return Err(err(
                sources,
                pos,
                format!("event of {}: {}", ev.label, p.message),
            ));
        }
        scenario.events = applied[first_of_month..]
            .iter()
            .map(|ev| s.events[ev.index].clone())
            .collect();
        if month == 0 {
            epochs[0].scenario = scenario;
        } else {
            epochs.push(Epoch { month, scenario });
        }
    }
    phase_in(&mut epochs, &events, s, s.spin_up_months + s.months)?;
    Ok(epochs)
}

/// Spread the numbers set by events with `phase_in_months` > 1 over that many months: at the
/// event's month + j (j < n) a number is old + (new − old) × (j + 1) / n, where old is the
/// value in force the month before the event. Other values changed at once already. A later
/// event setting the same key ends its phase-in.
fn phase_in(
    epochs: &mut Vec<Epoch>,
    events: &[Timed],
    s: &Scenario,
    horizon: u32,
) -> Result<(), ScenarioError> {
    for (e, ev) in events.iter().enumerate() {
        let n = s.events[ev.index].phase_in_months;
        if n <= 1 || ev.month == 0 {
            continue;
        }
        let at = |epochs: &[Epoch], month: u32| {
            epochs
                .iter()
                .rposition(|x| x.month <= month)
                .expect("the first epoch starts at month 0")
        };
        let before = to_table(&epochs[at(epochs, ev.month - 1)].scenario)?;
        let after = to_table(&epochs[at(epochs, ev.month)].scenario)?;
        for j in 0..n {
            let month = ev.month + j;
            if month >= horizon {
                break;
            }
            let k = at(epochs, month);
            let mut table = to_table(&epochs[k].scenario)?;
            let mut changed = false;
            for (segs, _, _) in &ev.sets {
                // A later event (up to this month) that sets the key ends the phase-in.
                let overridden = events[e + 1..]
                    .iter()
                    .filter(|x| x.month <= month)
                    .any(|x| x.sets.iter().any(|(s2, _, _)| s2 == segs));
                if overridden {
                    continue;
                }
                let (Some(old), Some(new)) = (lookup(&before, segs), lookup(&after, segs)) else {
                    continue;
                };
                let f = (j + 1) as f64 / n as f64;
                let v = match (old, new) {
                    (toml::Value::Integer(a), toml::Value::Integer(b)) => {
                        toml::Value::Integer((*a as f64 + (*b - *a) as f64 * f).round() as i64)
                    }
                    (a, b) => match (number(a), number(b)) {
                        (Some(a), Some(b)) => toml::Value::Float(a + (b - a) * f),
                        _ => continue,
                    },
                };
                if let Some(slot) = lookup_mut(&mut table, segs) {
                    *slot = v;
                    changed = true;
                }
            }
            if !changed {
                continue;
            }
            let mut scenario: Scenario =
                toml::Value::Table(table)
                    .try_into()
                    .map_err(|e: toml::de::Error| {
                        ScenarioError::new("", format!("event of {}: phase-in: {e}", ev.label))
                    })?;
            scenario.events = epochs[k].scenario.events.clone();
            if epochs[k].month == month {
                epochs[k].scenario = scenario;
            } else {
                epochs.insert(k + 1, Epoch { month, scenario });
            }
        }
    }
    Ok(())
}

fn to_table(s: &Scenario) -> Result<toml::Table, ScenarioError> {
    toml::Table::try_from(s)
        .map_err(|e| ScenarioError::new("", format!("phase-in: the scenario as a table: {e}")))
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(x) => Some(*x),
        _ => None,
    }
}

/// The value at a dotted path; a segment after a list of entities is an entity's id.
fn lookup<'a>(t: &'a toml::Table, segs: &[String]) -> Option<&'a toml::Value> {
    let mut v = t.get(segs.first()?)?;
    for seg in &segs[1..] {
        v = match v {
            toml::Value::Table(t) => t.get(seg)?,
            toml::Value::Array(list) => list
                .iter()
                .find(|x| x.get("id").and_then(|id| id.as_str()) == Some(seg.as_str()))?,
            _ => return None,
        };
    }
    Some(v)
}

fn lookup_mut<'a>(t: &'a mut toml::Table, segs: &[String]) -> Option<&'a mut toml::Value> {
    let mut v = t.get_mut(segs.first()?)?;
    for seg in &segs[1..] {
        v = match v {
            toml::Value::Table(t) => t.get_mut(seg)?,
            toml::Value::Array(list) => list
                .iter_mut()
                .find(|x| x.get("id").and_then(|id| id.as_str()) == Some(seg.as_str()))?,
            _ => return None,
        };
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::tests::{Dir, line_col};

    /// The tiny scenario (start 2022-01, 6 spin-up months, 24 months) with `events` appended.
    fn with_events(d: &Dir, events: &str) -> String {
        let text = format!("extends = \"base.toml\"\n{events}");
        d.write("ev.toml", &text);
        text
    }

    /// An event with `phase_in_months` moves its numbers in equal monthly steps; other values
    /// change at once, and a later event setting the same key ends the phase-in.
    #[test]
    fn a_phased_event_moves_its_numbers_in_monthly_steps() {
        let d = Dir::new();
        with_events(
            &d,
            r#"
[[event]]
date = "2022-01"
phase_in_months = 4
set = { "policy.awareness.coverage_share" = 0.42, "policy.reintegration.from_airport" = true, "destination.saudi_arabia.jobs_per_month" = 8000 }

[[event]]
date = "2022-03"
set = { "destination.saudi_arabia.jobs_per_month" = 100 }
"#,
        );
        let l = d.load("ev.toml", &[]).unwrap();
        let months: Vec<u32> = l.epochs.iter().map(|e| e.month).collect();
        // 2022-01 is t = 6 (six spin-up months); the phase-in runs over t = 6..=9.
        assert_eq!(months, [0, 6, 7, 8, 9]);
        let at = |t: u32| &l.epochs[months.iter().position(|&m| m == t).unwrap()].scenario;
        let before = l.epochs[0].scenario.policy.awareness.coverage_share;
        for (j, t) in (6..=9).enumerate() {
            let want = before + (0.42 - before) * (j + 1) as f64 / 4.0;
            let got = at(t).policy.awareness.coverage_share;
            assert!((got - want).abs() < 1e-12, "t = {t}: {got} != {want}");
            assert!(
                at(t).policy.reintegration.from_airport,
                "a flag changes at once"
            );
        }
        let jobs = |t: u32| at(t).destinations[0].jobs_per_month;
        assert_eq!(jobs(6), 12_000.0 + (8_000.0 - 12_000.0) / 4.0);
        assert_eq!(jobs(7), 12_000.0 + (8_000.0 - 12_000.0) * 2.0 / 4.0);
        // From 2022-03 (t = 8) the later event's value holds.
        assert_eq!(jobs(8), 100.0);
        assert_eq!(jobs(9), 100.0);
    }

    #[test]
    fn epochs_follow_the_event_months() {
        let d = Dir::new();
        with_events(
            &d,
            r#"
[[event]]
date = "2022-07"
note = "a market closes"
set = { "destination.saudi_arabia.jobs_per_month" = 0, "policy.awareness.coverage_share" = 0.4 }

[[event]]
month = 3
set = { "destination.saudi_arabia.jobs_per_month" = 500 }

[[event]]
date = "2021-07"
set = { "leg.dhaka-saudi_arabia.p_death" = 0.001 }

[[event]]
month = 3
set = { "destination.saudi_arabia.jobs_per_month" = 600 }
"#,
        );
        let l = d.load("ev.toml", &[]).unwrap();
        assert_eq!(l.scenario.events.len(), 4);
        assert_eq!(
            l.scenario.destinations[0].jobs_per_month, 12_000.0,
            "the base scenario has no event applied"
        );
        let months: Vec<u32> = l.epochs.iter().map(|e| e.month).collect();
        // 2021-07 is the first simulated month, t = 0. Month 3 is t = 6 + 2;
        // 2022-07 is t = 6 + 6.
        assert_eq!(months, [0, 8, 12]);
        let e0 = &l.epochs[0].scenario;
        assert_eq!(e0.legs[0].p_death, 0.001);
        assert_eq!(e0.destinations[0].jobs_per_month, 12_000.0);
        assert_eq!(e0.events.len(), 1, "the events of its own month");
        let e8 = &l.epochs[1].scenario;
        assert_eq!(
            e8.destinations[0].jobs_per_month, 600.0,
            "same month: file order, the last one wins"
        );
        assert_eq!(e8.legs[0].p_death, 0.001, "earlier events stay in force");
        assert_eq!(e8.policy.awareness.coverage_share, 0.02);
        let e12 = &l.epochs[2].scenario;
        assert_eq!(
            e12.destinations[0].jobs_per_month, 0.0,
            "a later event overrides an earlier one"
        );
        assert_eq!(e12.policy.awareness.coverage_share, 0.4);
        assert_eq!(
            e8.events.len(),
            2,
            "the two events of month 3, in file order"
        );
        assert_eq!(e12.events.len(), 1);
        assert_eq!(e12.events[0].note, "a market closes");
    }

    #[test]
    fn a_set_override_holds_until_an_event_changes_the_key() {
        let d = Dir::new();
        with_events(
            &d,
            "[[event]]\nmonth = 3\nset = { \"destination.saudi_arabia.jobs_per_month\" = 500 }\n",
        );
        let l = d
            .load("ev.toml", &["destination.saudi_arabia.jobs_per_month=100"])
            .unwrap();
        assert_eq!(l.scenario.destinations[0].jobs_per_month, 100.0);
        assert_eq!(l.epochs[0].scenario.destinations[0].jobs_per_month, 100.0);
        assert_eq!(l.epochs[1].scenario.destinations[0].jobs_per_month, 500.0);
    }

    #[test]
    fn an_event_after_the_horizon_is_an_error() {
        let d = Dir::new();
        let text = with_events(
            &d,
            "[[event]]\nmonth = 25\nset = { \"exit.p_escape\" = 0.1 }\n",
        );
        let (line, _) = line_col(&text, "month = 25");
        assert_eq!(
            d.error("ev.toml", &[]),
            format!(
                "ev.toml:{line}:1: event of month 25 is after the horizon: the last simulated month is 2023-12 (month 24)"
            )
        );
        with_events(
            &d,
            "[[event]]\nmonth = 9223372036854775807\nset = { \"exit.p_escape\" = 0.1 }\n",
        );
        assert!(
            d.error("ev.toml", &[])
                .contains("event of month 9223372036854775807 is after the horizon"),
            "the largest month does not wrap around"
        );
        with_events(
            &d,
            "[[event]]\ndate = \"2023-12\"\nset = { \"exit.p_escape\" = 0.1 }\n",
        );
        assert_eq!(
            d.load("ev.toml", &[]).unwrap().epochs[1].month,
            29,
            "the last simulated month is fine"
        );
    }

    #[test]
    fn an_event_before_the_first_simulated_month_is_an_error() {
        let d = Dir::new();
        let text = with_events(
            &d,
            "[[event]]\ndate = \"2021-06\"\nset = { \"exit.p_escape\" = 0.1 }\n",
        );
        let (line, _) = line_col(&text, "date = ");
        assert_eq!(
            d.error("ev.toml", &[]),
            format!(
                "ev.toml:{line}:1: event of 2021-06 is before the first simulated month 2021-07 (start = \"2022-01\" less spin_up_months = 6); an event may be dated from 2021-07 on"
            )
        );
        for n in [0, -5] {
            let text = with_events(
                &d,
                &format!("[[event]]\nmonth = {n}\nset = {{ \"exit.p_escape\" = 0.1 }}\n"),
            );
            let (line, _) = line_col(&text, "month = ");
            assert_eq!(
                d.error("ev.toml", &[]),
                format!(
                    "ev.toml:{line}:1: event month = {n} must be at least 1 (1 = the first reported month, 2022-01); an event during the spin-up is dated, e.g. date = \"2021-07\""
                )
            );
        }
    }

    #[test]
    fn an_event_needs_one_date_and_known_keys() {
        let d = Dir::new();
        let text = with_events(&d, "\n[[event]]\ndate = \"2022-03\"\nmonth = 2\nset = {}\n");
        let (line, _) = line_col(&text, "[[event]]");
        assert_eq!(
            d.error("ev.toml", &[]),
            format!(
                "ev.toml:{line}:1: [[event]] needs exactly one of date = \"YYYY-MM\" or month = N (1 = the first reported month)"
            )
        );
        let text = with_events(&d, "[[event]]\ndate = \"2022-3\"\nset = {}\n");
        let (line, _) = line_col(&text, "date");
        assert_eq!(
            d.error("ev.toml", &[]),
            format!(
                "ev.toml:{line}:1: event date = \"2022-3\" must be a month written \"YYYY-MM\""
            )
        );
        let text = with_events(
            &d,
            "[[event]]\nmonth = 2\nset = { \"destination.malaysia.jobs_per_month\" = 0 }\n",
        );
        let (line, col) = line_col(&text, "\"destination.malaysia");
        assert_eq!(
            d.error("ev.toml", &[]),
            format!(
                "ev.toml:{line}:{col}: event of month 2: set \"destination.malaysia.jobs_per_month\": no such key: there is no `destination` with id `malaysia`; ids: saudi_arabia, italy"
            )
        );
        with_events(&d, "[[event]]\nmonth = 2\nset = { months = 3 }\n");
        assert!(
            d.error("ev.toml", &[]).ends_with(
                "event of month 2: set \"months\": months cannot be changed by an event"
            )
        );
        // A phase-in is a count of months like the others, with their bound.
        let text = with_events(
            &d,
            "[[event]]\nmonth = 2\nphase_in_months = 241\nset = { \"aspiration.p_base\" = 0.1 }\n",
        );
        let (line, col) = line_col(&text, "phase_in_months");
        assert_eq!(
            d.error("ev.toml", &[]),
            format!(
                "ev.toml:{line}:{col}: event of month 2: phase_in_months = 241 must be in [0, 240]"
            )
        );
    }

    #[test]
    fn an_epoch_is_checked_like_the_file_and_points_at_the_event() {
        let d = Dir::new();
        let text = with_events(
            &d,
            "[[event]]\ndate = \"2022-07\"\nset = { \"destination.italy.p_renew\" = 2 }\n",
        );
        let (line, col) = line_col(&text, "\"destination.italy.p_renew\"");
        assert_eq!(
            d.error("ev.toml", &[]),
            format!(
                "ev.toml:{line}:{col}: event of 2022-07: destination.italy.p_renew = 2 must be in [0, 1]"
            )
        );

        let text = with_events(
            &d,
            "[[event]]\nmonth = 4\nset = { \"destination.italy.jobs_per_month\" = \"many\" }\n",
        );
        let (line, col) = line_col(&text, "\"destination.italy.jobs_per_month\"");
        assert_eq!(
            d.error("ev.toml", &[]),
            format!(
                "ev.toml:{line}:{col}: event of month 4: destination.italy.jobs_per_month = \"many\" must be a number"
            )
        );

        // A relation between two keys broken by setting either: the key the event set.
        let text = with_events(
            &d,
            "\n[[event]]\nmonth = 4\nset = { \"aspiration.prime_age_max\" = 10 }\n",
        );
        let (line, col) = line_col(&text, "\"aspiration.prime_age_max\"");
        assert_eq!(
            d.error("ev.toml", &[]),
            format!(
                "ev.toml:{line}:{col}: event of month 4: aspiration.prime_age_min = 20 must be at most aspiration.prime_age_max = 10"
            )
        );
    }

    #[test]
    fn dates_of_simulated_months() {
        assert_eq!(date_of((2022, 1), 6, 6), "2022-01");
        assert_eq!(date_of((2022, 1), 6, 0), "2021-07");
        assert_eq!(date_of((2022, 1), 6, 29), "2023-12");
    }
}
