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
    let _ = writeln!(out, "  events: {}", s.events.len());
    for e in &s.events {
        let when = e
            .date
            .clone()
            .unwrap_or_else(|| format!("reported month {}", e.month.unwrap_or(0)));
        let sets: Vec<String> = e.set.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        let note = if e.note.is_empty() {
            String::new()
        } else {
            format!(" ({})", e.note)
        };
        let _ = writeln!(out, "    from {when}: {}{note}", sets.join(", "));
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
    let _ = writeln!(out, "  input files:");
    for f in &loaded.files {
        let _ = writeln!(out, "    {} sha256 {}", f.path.display(), &f.sha256_hex);
    }
    out.push_str("scenario is valid");
    Ok(out)
}
