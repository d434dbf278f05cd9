//! `crossroads check`: load and compile a scenario without running it, and print what it
//! resolves to.

use super::{Error, compile};
use crate::scenario;
use std::fmt::Write;
use std::path::Path;

/// `crossroads check`: a short summary of the resolved scenario.
pub fn check(path: &Path, sets: &[String]) -> Result<String, Error> {
    let loaded = scenario::load(path, sets)?;
    let s = &loaded.scenario;
    let p = compile(path, s)?;
    // Every epoch, as a run compiles them: an event may change values, not the entities or
    // the sampling strata.
    crate::compile::epochs(&loaded, s.spin_up_months + s.months)
        .map_err(|e| super::in_file(path, e))?;
    let persons = s.population.persons
        + s.population.entries_per_year * (s.spin_up_months + s.months) as f64 / 12.0;
    let mut out = String::new();
    let _ = writeln!(out, "scenario {} ({})", s.name, path.display());
    let _ = writeln!(
        out,
        "  time: {} for {} months, after {} spin-up months",
        s.start, s.months, s.spin_up_months
    );
    if s.settle_months > 0 {
        let _ = writeln!(
            out,
            "  start: a settling run of {} months at up to {} persons per agent; the run's pool takes its size (so the persons below are approximate)",
            s.settle_months, s.settle_persons_per_agent
        );
    }
    let _ = writeln!(
        out,
        "  pool: {:.0} persons ever, {} agents by default ({:.1} persons each), {} replicates, seed {}",
        persons,
        s.population.default_agents,
        persons / s.population.default_agents.max(1) as f64,
        s.replicates,
        s.seed
    );
    if !s.strata.is_empty() {
        let strata: Vec<String> = s
            .strata
            .iter()
            .map(|st| format!("{} drawn {}x", st.id, st.oversample))
            .collect();
        let _ = writeln!(
            out,
            "  sampling strata (in order; the rest drawn 1x, each agent of a stratum standing for that many times fewer persons): {}",
            strata.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "  deaths counted: {}",
        match s.deaths_estimator {
            crate::scenario::DeathsEstimator::Expected =>
                "expected (each death hazard an agent faces adds its probability)",
            crate::scenario::DeathsEstimator::Drawn => "drawn (the agents whose draw took them)",
        }
    );
    let _ = writeln!(
        out,
        "  {} districts, {} locations, {} legs, {} routes, {} destinations",
        p.districts.len(),
        p.locations.len(),
        p.legs.len(),
        p.routes.len(),
        p.dests.len()
    );
    let recruiters: Vec<String> = s
        .recruiters
        .iter()
        .map(|r| format!("{} {}", r.count, r.id))
        .collect();
    let _ = writeln!(out, "  recruiters: {}", recruiters.join(", "));
    let lenders: Vec<String> = s.lenders.iter().map(|l| l.id.clone()).collect();
    let _ = writeln!(
        out,
        "  lenders (in borrowing order): {}",
        lenders.join(", ")
    );
    if !sets.is_empty() {
        // What each --set changed, from the file's value.
        let plain = scenario::load(path, &[])?;
        let _ = writeln!(out, "  overrides (--set):");
        let key_of = |set: &str| {
            set.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        };
        for (i, set) in sets.iter().enumerate() {
            let Some((key, value)) = key_of(set) else {
                continue;
            };
            let key = key.as_str();
            let show = |t: &toml::Table| {
                scenario::value_at(t, key).map_or("(not set)".to_string(), |v| v.to_string())
            };
            // The same key given again: each --set replaces the one before it, and only the
            // last holds.
            let earlier = sets[..i]
                .iter()
                .filter_map(|s| key_of(s))
                .rfind(|(k, _)| k == key)
                .map(|(_, v)| v);
            let replaced_later = sets[i + 1..]
                .iter()
                .filter_map(|s| key_of(s))
                .any(|(k, _)| k == key);
            let from = earlier.unwrap_or_else(|| show(&plain.resolved));
            if replaced_later {
                let _ = writeln!(
                    out,
                    "    {key}: {from} -> {value} (replaced by a later --set of the same key)"
                );
                continue;
            }
            let later: Vec<String> = scenario::event_keys(s)
                .into_iter()
                .filter(|(_, k)| Some(k) == scenario::canonical_key(key).as_ref())
                .map(|(when, _)| when)
                .collect();
            let note = if later.is_empty() {
                String::new()
            } else {
                format!(
                    " (an event sets it again from {}; the event's value holds from then on)",
                    later.join(", ")
                )
            };
            let _ = writeln!(out, "    {key}: {from} -> {}{note}", show(&loaded.resolved));
        }
    }
    // The policy levers in force at the first simulated month, section by section.
    if let Some(toml::Value::Table(policy)) = loaded.resolved.get("policy") {
        let _ = writeln!(out, "  policy levers at the first simulated month:");
        for (section, v) in policy {
            if let toml::Value::Table(t) = v {
                let levers: Vec<String> = t.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                let _ = writeln!(out, "    policy.{section}: {}", levers.join(", "));
            }
        }
    }
    // The events in the order they take effect, one line per key set.
    let _ = writeln!(out, "  events: {} (date, key = value)", s.events.len());
    let start = scenario::parse_month(&s.start).unwrap_or((0, 1));
    let mut timeline: Vec<(i64, String, String)> = Vec::new();
    // (month, key) -> the value the first event of that month gave it: a second, different one
    // in the same month replaces it at once, which is legal but rarely meant.
    let mut same_month: std::collections::HashMap<(i64, String), String> = Default::default();
    let mut clashes = Vec::new();
    for e in &s.events {
        let (m, when) = match (&e.date, e.month) {
            (Some(d), _) => {
                let (y, mo) = scenario::parse_month(d).unwrap_or(start);
                (y as i64 * 12 + mo as i64, d.clone())
            }
            (None, Some(n)) => {
                let m = start.0 as i64 * 12 + start.1 as i64 + n - 1;
                (
                    m,
                    format!("{:04}-{:02} (month {n})", (m - 1) / 12, (m - 1) % 12 + 1),
                )
            }
            _ => continue,
        };
        let phase = if e.phase_in_months > 1 {
            format!(", phased in over {} months", e.phase_in_months)
        } else {
            String::new()
        };
        let note = if e.note.is_empty() {
            String::new()
        } else {
            format!("  ({}{phase})", e.note)
        };
        for (i, (k, v)) in e.set.iter().enumerate() {
            let key = scenario::canonical_key(k).unwrap_or_else(|| k.clone());
            match same_month.get(&(m, key.clone())) {
                Some(first) if *first != v.to_string() => clashes.push(format!(
                    "two events of {when} set {key}: {first}, then {v}; the later holds from that month on"
                )),
                Some(_) => {}
                None => {
                    same_month.insert((m, key), v.to_string());
                }
            }
            let tail = if i == 0 { note.clone() } else { String::new() };
            timeline.push((m, when.clone(), format!("{k} = {v}{tail}")));
        }
    }
    timeline.sort_by_key(|t| t.0);
    // A `--set months` may end the run before some events (the files' own months hold them all).
    let last = start.0 as i64 * 12 + start.1 as i64 + s.months as i64 - 1;
    for (m, when, what) in &timeline {
        let after = if *m > last {
            "  [after the run's last month: does not happen]"
        } else {
            ""
        };
        let _ = writeln!(out, "    {when}  {what}{after}");
    }
    for c in &clashes {
        let _ = writeln!(out, "  warning: {c}");
    }
    // A scenario can be valid and still send nobody abroad: say so.
    let offered = p
        .kinds
        .iter()
        .any(|k| k.count > 0 && k.offer_weights.iter().flatten().any(|&w| w > 0.0));
    if !offered {
        let _ = writeln!(
            out,
            "  warning: at the first simulated month no recruiter (with a count above 0) sells a route that can be offered (one that does not start at a hub, to a destination with job openings if it is regular): nobody can leave until an event opens one"
        );
    }
    // The districts' pool shares are weights (each divided by their sum): a district added or
    // removed without the others' shares rebalanced changes every district's share. Say so.
    let shares: f64 = s.districts.iter().map(|d| d.pool_share).sum();
    if (shares - 1.0).abs() > 1e-6 {
        let _ = writeln!(
            out,
            "  warning: the districts' pool_share add up to {shares:.4}, not 1: each is used divided by that sum ({})",
            s.districts
                .iter()
                .map(|d| format!("{} {:.4}", d.id, d.pool_share / shares))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // A stratum no one can fall in draws nobody more often: say so.
    for w in empty_strata(s) {
        let _ = writeln!(out, "  warning: {w}");
    }
    let _ = writeln!(out, "  input files:");
    for f in &loaded.files {
        let _ = writeln!(out, "    {} sha256 {}", f.path.display(), &f.sha256_hex);
    }
    out.push_str("scenario is valid");
    Ok(out)
}

/// Sampling strata no person can belong to: one whose every member an earlier stratum takes
/// first (a person belongs to the first stratum it matches), or one that asks for a trait the
/// population's shares give to nobody (or to everybody, for its absence).
fn empty_strata(s: &crate::scenario::Scenario) -> Vec<String> {
    let traits = |st: &crate::scenario::Stratum| {
        [st.women, st.skilled, st.land, st.ties, st.online, st.urban]
    };
    let pop = &s.population;
    let shares = [
        ("women", Some(pop.women_share)),
        ("skilled", Some(pop.skilled_share)),
        ("land", Some(pop.land_share)),
        ("ties", None),
        ("online", Some(pop.online_share)),
        ("urban", None),
    ];
    let mut out = Vec::new();
    for (j, st) in s.strata.iter().enumerate() {
        let taken = s.strata[..j].iter().find(|first| {
            let places = first.districts.is_empty()
                || (!st.districts.is_empty()
                    && st.districts.iter().all(|d| first.districts.contains(d)));
            places
                && traits(first)
                    .iter()
                    .zip(traits(st))
                    .all(|(a, b)| a.is_none() || *a == b)
        });
        if let Some(first) = taken {
            out.push(format!(
                "stratum {:?} draws nobody: every person it takes belongs to the earlier stratum {:?} first",
                st.id, first.id
            ));
            continue;
        }
        for ((name, share), want) in shares.iter().zip(traits(st)) {
            let (Some(share), Some(want)) = (share, want) else {
                continue;
            };
            if (want && *share <= 0.0) || (!want && *share >= 1.0) {
                out.push(format!(
                    "stratum {:?} draws nobody: it asks for {name} = {want}, and population.{name}_share = {share}",
                    st.id
                ));
                break;
            }
        }
    }
    out
}
