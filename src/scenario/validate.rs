//! Range and reference checks of a typed [`Scenario`]. Each problem names the dotted key it
//! concerns (ids for entries of arrays of tables) and says what is allowed; the loader turns the
//! key into where it was written.
//!
//! Naming rules, applied to every number: it is finite; a key named `p_*` or `*_share` is a
//! probability or share in [0, 1]; every other number is 0 or more, except the two that may
//! be negative (`aspiration.poverty_slope`, `choice.stay_home_usd`). Every number also has an
//! upper bound where the model gives it a meaning ([`upper`]): sizes of the real world
//! (persons, recruiters, money), ages, durations in months. The same checks apply to values
//! given with `--set` and by `[[event]]` tables, which are checked as the file is.

use std::collections::{HashMap, HashSet};

use super::observed::{ObservedPeriod, known_metrics, parameter_value, unknown_metric};
use super::{LocationKind, RecruiterType, Scenario, parse_month};
use crate::metric_names::Key;

/// Keys whose value may be negative (down to minus their upper bound).
const MAY_BE_NEGATIVE: [&str; 2] = ["poverty_slope", "stay_home_usd"];

/// Most legs a route may have.
pub(crate) const MAX_ROUTE_LEGS: usize = 64;
/// Most months a run may simulate, spin-up included.
pub(crate) const MAX_HORIZON_MONTHS: u32 = 1200;
/// Oldest age the model knows.
pub(crate) const MAX_AGE: f64 = 100.0;

/// The smallest value a whole number may take, by where it is (`at`) and its key: 1 for the
/// counts a run cannot do without, 0 for the rest. The one place these are written: the
/// checks of the values (`numbers`) refuse a smaller value, and the messages for a value of
/// the wrong form quote it (`decode`).
pub(crate) fn lower(at: &[String], key: &str) -> u64 {
    match key {
        "months" | "replicates" if at.len() == 1 => 1,
        "default_agents" if at.first().is_some_and(|s| s == "population") => 1,
        "contract_months" if at.first().is_some_and(|s| s == "destination") => 1,
        "oversample" => 1,
        _ => 0,
    }
}

/// The largest value a number may take, by where it is (`at`, its path) and its key's name.
/// Generous for real use: they exist to refuse values that have no meaning in the model and
/// would overflow its counters or take unbounded time.
pub(crate) fn upper(at: &[String], key: &str) -> f64 {
    match key {
        // The top-level run length; a leg's `months` is a duration like the other `*_months`.
        "months" | "spin_up_months" | "settle_months" if at.len() == 1 => MAX_HORIZON_MONTHS as f64,
        "persons" | "entries_per_year" => 1e9,
        // Recruiters are simulated one by one (10 million take about 0.5 GB and seconds a
        // month); Bangladesh has tens of thousands.
        "count" => 1e6,
        "capacity_per_month" | "jobs_per_month" => 1e7,
        "age_min" | "age_max" | "prime_age_min" | "prime_age_max" | "young_age_max" => MAX_AGE,
        "replicates" => 10_000.0,
        // A stratum's factor (the least common multiple of all is checked when compiled).
        "oversample" => 64.0,
        "default_agents" => 1e8,
        "rate_year" | "safe_loan_rate_year" => 100.0,
        "weight" | "broker_weight" | "awareness_concentration" => 1e6,
        "poverty_slope"
        | "prosecution_intensity"
        | "transnational_focus"
        | "location_focus"
        | "recruiter_focus" => 1000.0,
        "sentence_years" => 100.0,
        "deterrence_elasticity" => 10.0,
        k if k.ends_with("_spread") => 3.0,
        "seed" => f64::INFINITY,
        k if k == "months" || k.ends_with("_months") => 240.0,
        k if k.ends_with("_usd") => 1e7,
        k if k.ends_with("_factor") => 1000.0,
        k if k.ends_with("_sd_log") => 10.0,
        _ => 1e9,
    }
}

/// One thing wrong with a scenario.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    /// Where to point: path segments, `#N` for the entry at index N of an array of tables.
    pub at: Vec<String>,
    /// The other keys of a relation between keys (e.g. `population.age_max` for "age_min must
    /// be less than age_max"): a message points at the first of `at` and these that a `--set`
    /// or an event gave, as that is the value just changed, and otherwise at `at`.
    pub also: Vec<Vec<String>>,
    /// For a name that must be one of a list's ids (`route "x" must be one of: …`): that list
    /// (`route`). When an override replaced the list or changed an id or kind in it, the message
    /// points at that override, which is what broke the reference.
    pub refers_to: Option<String>,
    /// The whole message, starting with the dotted key, e.g.
    /// `policy.awareness.coverage_share = 1.7 must be in [0, 1]`.
    pub message: String,
}

fn problem(at: &[&str], message: String) -> Problem {
    Problem {
        at: path_of(at),
        also: Vec::new(),
        refers_to: None,
        message,
    }
}

/// A name at `at` that is not among the ids (or of the kind asked) of the list `list`.
fn reference(at: &[&str], list: &str, message: String) -> Problem {
    Problem {
        refers_to: Some(list.to_string()),
        ..problem(at, message)
    }
}

/// A problem in the relation between the key `at` and the key `other`.
fn between(at: &[&str], other: &[&str], message: String) -> Problem {
    Problem {
        also: vec![path_of(other)],
        ..problem(at, message)
    }
}

fn path_of(at: &[&str]) -> Vec<String> {
    at.iter().map(|s| s.to_string()).collect()
}

impl Problem {
    /// `at`, then the other keys of the relation.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &Vec<String>> {
        std::iter::once(&self.at).chain(&self.also)
    }
}

/// A number as it would be written in the file (huge ones with an exponent).
fn num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x.abs() >= 1e16 || (x != 0.0 && x.abs() < 1e-9) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The reported months the observed data must lie in: those the scenario's files declare
/// (`start`, `months`). A run shortened or moved with `--months` or `--set` skips the targets
/// outside its own months instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Horizon {
    pub start: String,
    pub months: u32,
}

impl Horizon {
    pub(crate) fn of(s: &Scenario) -> Horizon {
        Horizon {
            start: s.start.clone(),
            months: s.months,
        }
    }
}

/// Every problem of the scenario, in a fixed order: run settings, numbers, relations between
/// keys, ids, references, observed data (its periods against its own horizon).
#[cfg(test)]
pub(crate) fn problems(s: &Scenario) -> Vec<Problem> {
    problems_in(s, &Horizon::of(s))
}

/// Every problem of the scenario, the observed periods checked against `horizon`.
pub(crate) fn problems_in(s: &Scenario, horizon: &Horizon) -> Vec<Problem> {
    let mut out = Vec::new();
    run_settings(s, &mut out);
    let table = match toml::Value::try_from(s) {
        Ok(toml::Value::Table(t)) => t,
        _ => toml::Table::new(),
    };
    for (k, v) in &table {
        if k != "event" && k != "observed" {
            numbers(v, &mut vec![k.clone()], k, &mut out);
        }
    }
    relations(s, &mut out);
    ids(s, &mut out);
    references(s, &mut out);
    observed(s, &table, horizon, &mut out);
    out
}

/// What a scenario's name may hold.
pub(crate) const NAME_RULE: &str = "use the letters a-z and A-Z, digits, '.', '-' and '_', at most 200 of them, not starting with '.', and not the name of an output file";

/// A name as the user wrote it, letters of any script included; only what cannot be shown on a
/// line (control characters) or would end the quotes is escaped.
pub(crate) fn shown(n: &str) -> String {
    n.chars()
        .flat_map(|c| -> Vec<char> {
            if c.is_control() || c == '"' || c == '\\' {
                c.escape_default().collect()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// The scenario's name, which names the run's output folder (and a comparison's sub-folder):
/// checked once the file's name (or its file's stem) and every `--set` are in, so that `check`
/// refuses what `run` could not write.
pub(crate) fn name(s: &Scenario) -> Option<Problem> {
    (!crate::output::folder::plain_name(&s.name)).then(|| {
        problem(
            &["name"],
            format!(
                "name = \"{}\" cannot name an output folder: {NAME_RULE}",
                shown(&s.name)
            ),
        )
    })
}

fn run_settings(s: &Scenario, out: &mut Vec<Problem>) {
    // A TOML integer is at most i64::MAX, so a larger seed (possible only through --set) could
    // not be written into the resolved table that the other checks read: it is refused first.
    if s.seed > i64::MAX as u64 {
        out.push(problem(
            &["seed"],
            format!(
                "seed = {} must be a whole number from 0 to {} (the largest integer a scenario \
                 file can hold; the --seed option takes any seed up to {})",
                s.seed,
                i64::MAX,
                u64::MAX
            ),
        ));
    }
    if parse_month(&s.start).is_none() {
        out.push(problem(
            &["start"],
            format!(
                "start = {:?} must be a month written \"YYYY-MM\", e.g. \"2022-01\"",
                s.start
            ),
        ));
    }
    if s.months.saturating_add(s.spin_up_months) > MAX_HORIZON_MONTHS
        && s.months <= MAX_HORIZON_MONTHS
        && s.spin_up_months <= MAX_HORIZON_MONTHS
    {
        out.push(problem(
            &["spin_up_months"],
            format!(
                "spin_up_months + months = {} must be at most {MAX_HORIZON_MONTHS} (100 years)",
                s.spin_up_months as u64 + s.months as u64
            ),
        ));
    }
}

/// The naming rules, over the scenario serialized with every default.
fn numbers(v: &toml::Value, at: &mut Vec<String>, shown: &str, out: &mut Vec<Problem>) {
    let key = at.last().map(String::as_str).unwrap_or("");
    let x = match v {
        toml::Value::Float(x) => *x,
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Table(t) => {
            for (k, v) in t {
                at.push(k.clone());
                numbers(v, at, &format!("{shown}.{k}"), out);
                at.pop();
            }
            return;
        }
        toml::Value::Array(a) => {
            for (i, e) in a.iter().enumerate() {
                if let Some(id) = e.get("id").and_then(|id| id.as_str()) {
                    at.push(format!("#{i}"));
                    numbers(e, at, &format!("{shown}.{id}"), out);
                    at.pop();
                }
            }
            return;
        }
        _ => return,
    };
    let (min, max) = (lower(at, key), upper(at, key));
    let why = if !x.is_finite() {
        "must be a finite number".to_string()
    } else if key.starts_with("p_") || key.ends_with("_share") {
        if (0.0..=1.0).contains(&x) {
            return;
        } else {
            "must be in [0, 1]".to_string()
        }
    } else if MAY_BE_NEGATIVE.contains(&key) {
        if x.abs() <= max {
            return;
        }
        format!("must be in [{}, {}]", num(-max), num(max))
    } else if x < 0.0 && max.is_infinite() {
        "must be 0 or more".to_string()
    } else if x < 0.0 || x > max {
        format!("must be in [{min}, {}]", num(max))
    } else if x < min as f64 {
        format!("must be at least {min}")
    } else {
        return;
    };
    out.push(Problem {
        at: at.clone(),
        also: Vec::new(),
        refers_to: None,
        message: format!("{shown} = {} {why}", num(x)),
    });
}

fn relations(s: &Scenario, out: &mut Vec<Problem>) {
    let p = &s.population;
    if p.age_min >= p.age_max {
        out.push(between(
            &["population", "age_min"],
            &["population", "age_max"],
            format!(
                "population.age_min = {} must be less than population.age_max = {}",
                p.age_min, p.age_max
            ),
        ));
    }
    if p.persons == 0.0 && p.entries_per_year == 0.0 {
        out.push(between(
            &["population", "persons"],
            &["population", "entries_per_year"],
            "population.persons = 0 and population.entries_per_year = 0: the pool is empty; at least one must be greater than 0".into(),
        ));
    }
    let x = &s.exploitation;
    let most = crate::engine::params::MAX_REFERENCE_MONTHS;
    if !(1..=most).contains(&x.reference_months) {
        out.push(problem(
            &["exploitation", "reference_months"],
            format!(
                "exploitation.reference_months = {} must be in [1, {most}]",
                x.reference_months
            ),
        ));
    } else if !(1..=x.reference_months).contains(&x.withheld_wage_months) {
        out.push(between(
            &["exploitation", "withheld_wage_months"],
            &["exploitation", "reference_months"],
            format!(
                "exploitation.withheld_wage_months = {} must be in [1, exploitation.reference_months = {}]",
                x.withheld_wage_months, x.reference_months
            ),
        ));
    }
    let a = &s.aspiration;
    if a.prime_age_min > a.prime_age_max {
        out.push(between(
            &["aspiration", "prime_age_min"],
            &["aspiration", "prime_age_max"],
            format!(
                "aspiration.prime_age_min = {} must be at most aspiration.prime_age_max = {}",
                a.prime_age_min, a.prime_age_max
            ),
        ));
    }
    if !(0.0..=1.0).contains(&p.awareness_mean) {
        out.push(problem(
            &["population", "awareness_mean"],
            format!(
                "population.awareness_mean = {} must be in [0, 1]",
                num(p.awareness_mean)
            ),
        ));
    }
    let mut positive = |at: &[&str], shown: String, x: f64| {
        if x.is_finite() && x <= 0.0 {
            out.push(problem(
                at,
                format!("{shown} = {} must be greater than 0", num(x)),
            ));
        }
    };
    positive(
        &["population", "awareness_concentration"],
        "population.awareness_concentration".into(),
        p.awareness_concentration,
    );
    positive(
        &["population", "home_income_usd"],
        "population.home_income_usd".into(),
        p.home_income_usd,
    );
    positive(
        &["population", "skilled_income_factor"],
        "population.skilled_income_factor".into(),
        p.skilled_income_factor,
    );
    positive(
        &["choice", "scale_usd"],
        "choice.scale_usd".into(),
        s.choice.scale_usd,
    );
    for (i, d) in s.districts.iter().enumerate() {
        positive(
            &["district", &format!("#{i}"), "income_factor"],
            format!("district.{}.income_factor", d.id),
            d.income_factor,
        );
    }
    for (i, d) in s.destinations.iter().enumerate() {
        positive(
            &["destination", &format!("#{i}"), "wage_usd"],
            format!("destination.{}.wage_usd", d.id),
            d.wage_usd,
        );
    }
}

/// Ids: present, without dots (they are path segments), unique within their array.
fn ids(s: &Scenario, out: &mut Vec<Problem>) {
    let arrays: [(&str, Vec<&str>); 8] = [
        (
            "district",
            s.districts.iter().map(|x| x.id.as_str()).collect(),
        ),
        (
            "location",
            s.locations.iter().map(|x| x.id.as_str()).collect(),
        ),
        ("leg", s.legs.iter().map(|x| x.id.as_str()).collect()),
        ("route", s.routes.iter().map(|x| x.id.as_str()).collect()),
        (
            "destination",
            s.destinations.iter().map(|x| x.id.as_str()).collect(),
        ),
        (
            "recruiter",
            s.recruiters.iter().map(|x| x.id.as_str()).collect(),
        ),
        ("lender", s.lenders.iter().map(|x| x.id.as_str()).collect()),
        ("stratum", s.strata.iter().map(|x| x.id.as_str()).collect()),
    ];
    for (name, ids) in &arrays {
        let mut seen = HashSet::new();
        for (i, id) in ids.iter().enumerate() {
            let at = [*name, &format!("#{i}"), "id"];
            if id.trim().is_empty() || id.contains(['.', '"']) || id.trim() != *id {
                out.push(problem(
                    &at,
                    format!("{name} id {id:?} must be a non-empty name without dots, quotes or surrounding spaces"),
                ));
            } else if !seen.insert(*id) {
                out.push(problem(&at, format!("{name}.{id}.id = {id:?} is used twice: ids must be unique among the [[{name}]] entries")));
            }
        }
    }
}

fn one_of(ids: &[&str]) -> String {
    if ids.is_empty() {
        "(none defined)".into()
    } else {
        ids.join(", ")
    }
}

fn references(s: &Scenario, out: &mut Vec<Problem>) {
    let locations: Vec<&str> = s.locations.iter().map(|l| l.id.as_str()).collect();
    let location_set: HashSet<&str> = locations.iter().copied().collect();
    let kinds: HashMap<&str, LocationKind> = s
        .locations
        .iter()
        .map(|l| (l.id.as_str(), l.kind))
        .collect();
    let kind = |id: &str| kinds.get(id).copied();
    let dest_locations: Vec<&str> = s
        .locations
        .iter()
        .filter(|l| l.kind == LocationKind::Destination)
        .map(|l| l.id.as_str())
        .collect();
    let destinations: Vec<&str> = s.destinations.iter().map(|d| d.id.as_str()).collect();
    let destination_set: HashSet<&str> = destinations.iter().copied().collect();
    let legs: Vec<&str> = s.legs.iter().map(|l| l.id.as_str()).collect();
    let leg_by_id: HashMap<&str, &super::Leg> =
        s.legs.iter().rev().map(|l| (l.id.as_str(), l)).collect();
    let routes: Vec<&str> = s.routes.iter().map(|r| r.id.as_str()).collect();
    let route_set: HashSet<&str> = routes.iter().copied().collect();
    let districts: Vec<&str> = s.districts.iter().map(|d| d.id.as_str()).collect();
    let district_set: HashSet<&str> = districts.iter().copied().collect();

    if !s.districts.iter().any(|d| d.pool_share > 0.0) {
        out.push(problem(
            &["district"],
            "district: at least one [[district]] must have pool_share > 0".into(),
        ));
    }
    for (i, d) in s.destinations.iter().enumerate() {
        if kind(&d.id) != Some(LocationKind::Destination) {
            out.push(reference(
                &["destination", &format!("#{i}"), "id"],
                "location",
                format!(
                    "destination.{0}.id = {0:?} must also be a [[location]] of kind destination; those are: {1}",
                    d.id,
                    one_of(&dest_locations)
                ),
            ));
        }
    }
    for (i, l) in s.legs.iter().enumerate() {
        let ix = format!("#{i}");
        for (key, v) in [("from", &l.from), ("to", &l.to)] {
            if !location_set.contains(v.as_str()) {
                out.push(reference(
                    &["leg", &ix, key],
                    "location",
                    format!(
                        "leg.{}.{key} = {v:?} must be one of: {}",
                        l.id,
                        one_of(&locations)
                    ),
                ));
            }
        }
    }
    for (i, r) in s.routes.iter().enumerate() {
        let ix = format!("#{i}");
        if !destination_set.contains(r.destination.as_str()) {
            out.push(reference(
                &["route", &ix, "destination"],
                "destination",
                format!(
                    "route.{}.destination = {:?} must be one of: {}",
                    r.id,
                    r.destination,
                    one_of(&destinations)
                ),
            ));
        }
        let at = ["route", &ix, "legs"];
        if r.legs.is_empty() {
            out.push(problem(
                &at,
                format!(
                    "route.{}.legs is empty: a route needs at least one leg",
                    r.id
                ),
            ));
            continue;
        }
        if r.legs.len() > MAX_ROUTE_LEGS {
            out.push(problem(
                &at,
                format!(
                    "route.{}.legs has {} legs; a route has at most {MAX_ROUTE_LEGS}",
                    r.id,
                    r.legs.len()
                ),
            ));
            continue;
        }
        let mut found = Vec::new();
        for id in &r.legs {
            match leg_by_id.get(id.as_str()).copied() {
                Some(l) => found.push(l),
                None => out.push(reference(
                    &at,
                    "leg",
                    format!(
                        "route.{}.legs: leg {id:?} must be one of: {}",
                        r.id,
                        one_of(&legs)
                    ),
                )),
            }
        }
        if found.len() != r.legs.len() {
            continue;
        }
        for w in found.windows(2) {
            if w[0].to != w[1].from {
                out.push(problem(
                    &at,
                    format!(
                        "route.{}.legs: leg {} ends at {} but the next leg {} starts at {}",
                        r.id, w[0].id, w[0].to, w[1].id, w[1].from
                    ),
                ));
            }
        }
        let last = found[found.len() - 1];
        if last.to != r.destination {
            out.push(problem(
                &at,
                format!(
                    "route.{}.legs: the last leg {} ends at {} but the route's destination is {}",
                    r.id, last.id, last.to, r.destination
                ),
            ));
        }
        if r.job_on_arrival && r.channel == super::Channel::Regular {
            out.push(problem(
                &["route", &ix, "job_on_arrival"],
                format!(
                    "route.{}.job_on_arrival = true: a regular route's arrivals always start their job; the key is for irregular routes sold with a job waiting",
                    r.id
                ),
            ));
        }
        if let Some(r_jobs) = r.jobs_per_month
            && r.channel != super::Channel::Regular
        {
            out.push(problem(
                &["route", &ix, "jobs_per_month"],
                format!(
                    "route.{}.jobs_per_month = {}: only a regular route has job openings of its own (this one is {:?})",
                    r.id,
                    num(r_jobs),
                    r.channel
                ),
            ));
        }
    }
    for (i, r) in s.recruiters.iter().enumerate() {
        let ix = format!("#{i}");
        let at = ["recruiter", &ix, "routes"];
        match (r.kind, r.routes.is_empty()) {
            (RecruiterType::InformalBroker, false) => out.push(problem(
                &at,
                format!("recruiter.{}.routes must be empty for an informal_broker: brokers sell their principals' routes", r.id),
            )),
            (RecruiterType::InformalBroker, true) | (_, false) => {}
            (_, true) => out.push(problem(&at, format!("recruiter.{}.routes is empty: name at least one of: {}", r.id, one_of(&routes)))),
        }
        for id in &r.routes {
            if !route_set.contains(id.as_str()) {
                out.push(reference(
                    &at,
                    "route",
                    format!(
                        "recruiter.{}.routes: route {id:?} must be one of: {}",
                        r.id,
                        one_of(&routes)
                    ),
                ));
            }
        }
        for id in &r.districts {
            if !district_set.contains(id.as_str()) {
                out.push(reference(
                    &["recruiter", &ix, "districts"],
                    "district",
                    format!(
                        "recruiter.{}.districts: district {id:?} must be one of: {}",
                        r.id,
                        one_of(&districts)
                    ),
                ));
            }
        }
    }
    for (i, st) in s.strata.iter().enumerate() {
        for id in &st.districts {
            if !district_set.contains(id.as_str()) {
                out.push(reference(
                    &["stratum", &format!("#{i}"), "districts"],
                    "district",
                    format!(
                        "stratum.{}.districts: district {id:?} must be one of: {}",
                        st.id,
                        one_of(&districts)
                    ),
                ));
            }
        }
    }
    for id in &s.policy.awareness.districts {
        if !district_set.contains(id.as_str()) {
            out.push(reference(
                &["policy", "awareness", "districts"],
                "district",
                format!(
                    "policy.awareness.districts: district {id:?} must be one of: {}",
                    one_of(&districts)
                ),
            ));
        }
    }
    // Locations named by recruiters' bases, partner countries and the enforcement focus.
    let locations: Vec<&str> = s.locations.iter().map(|l| l.id.as_str()).collect();
    let location_set: HashSet<&str> = locations.iter().copied().collect();
    let mut unknown_location = |at: &[&str], key: String, id: &str| {
        if !location_set.contains(id) {
            out.push(reference(
                at,
                "location",
                format!(
                    "{key}: location {id:?} must be one of: {}",
                    one_of(&locations)
                ),
            ));
        }
    };
    for (i, r) in s.recruiters.iter().enumerate() {
        let ix = format!("#{i}");
        for id in r.bases.keys() {
            unknown_location(
                &["recruiter", &ix, "bases"],
                format!("recruiter.{}.bases", r.id),
                id,
            );
        }
    }
    for id in &s.policy.cooperation.partners {
        unknown_location(
            &["policy", "cooperation", "partners"],
            "policy.cooperation.partners".into(),
            id,
        );
    }
    for id in &s.policy.enforcement.focus_locations {
        unknown_location(
            &["policy", "enforcement", "focus_locations"],
            "policy.enforcement.focus_locations".into(),
            id,
        );
    }
    let recruiter_ids: Vec<&str> = s.recruiters.iter().map(|r| r.id.as_str()).collect();
    for id in &s.policy.enforcement.focus_recruiters {
        if !recruiter_ids.contains(&id.as_str()) {
            out.push(reference(
                &["policy", "enforcement", "focus_recruiters"],
                "recruiter",
                format!(
                    "policy.enforcement.focus_recruiters: recruiter {id:?} must be one of: {}",
                    one_of(&recruiter_ids)
                ),
            ));
        }
    }
    for (i, r) in s.recruiters.iter().enumerate() {
        let ix = format!("#{i}");
        for (id, share) in &r.bases {
            if !(share.is_finite() && *share >= 0.0 && *share <= 1e6) {
                out.push(problem(
                    &["recruiter", &ix, "bases", id],
                    format!(
                        "recruiter.{}.bases.{id} = {} must be a share of 0 or more",
                        r.id,
                        num(*share)
                    ),
                ));
            }
        }
        if !r.bases.is_empty() && r.bases.values().all(|&x| x <= 0.0) {
            out.push(problem(
                &["recruiter", &ix, "bases"],
                format!(
                    "recruiter.{}.bases: the shares must add up to more than 0",
                    r.id
                ),
            ));
        }
    }
}

/// The `[observed]` data: ids unique, each target names one existing metric or one numeric
/// scenario key, periods and series years inside the reported months, numbers finite, bands
/// ordered. `table` is the scenario as a table (for parameter paths).
fn observed(s: &Scenario, table: &toml::Table, horizon: &Horizon, out: &mut Vec<Problem>) {
    let Some(o) = &s.observed else {
        return;
    };
    let known: HashSet<Key> = known_metrics(s).into_iter().collect();
    let start_year = parse_month(&horizon.start).map(|m| m.0);
    let months = horizon.months as usize;
    let years_allowed = |start_year: i32| {
        if months < 12 {
            "\"any\" (the run reports fewer than 12 months)".to_string()
        } else {
            format!(
                "\"any\", or years from {start_year} to {} (e.g. \"{start_year}\" or \"{start_year}-{}\")",
                start_year + months as i32 / 12 - 1,
                start_year + months as i32 / 12 - 1
            )
        }
    };
    let check_id = |kind: &str,
                    i: usize,
                    id: &str,
                    seen: &mut HashSet<String>,
                    out: &mut Vec<Problem>| {
        let at = ["observed", kind, &format!("#{i}"), "id"];
        if id.trim().is_empty() || id.contains(['.', '"']) || id.trim() != id {
            out.push(problem(&at, format!("observed.{kind} id {id:?} must be a non-empty name without dots, quotes or surrounding spaces")));
            false
        } else if !seen.insert(id.to_string()) {
            out.push(problem(&at, format!("observed.{kind}.{id}.id = {id:?} is used twice: ids must be unique among the [[observed.{kind}]] entries")));
            false
        } else {
            true
        }
    };
    let metric = |kind: &str, ix: &str, id: &str, key: &Key, out: &mut Vec<Problem>| {
        if !known.contains(key) {
            out.push(problem(
                &["observed", kind, ix, "metric"],
                format!(
                    "observed.{kind}.{id}.metric = {:?} {}",
                    key.metric,
                    unknown_metric(s, key)
                ),
            ));
        }
    };
    let mut seen = HashSet::new();
    for (i, t) in o.targets.iter().enumerate() {
        if !check_id("target", i, &t.id, &mut seen, out) {
            continue;
        }
        let ix = format!("#{i}");
        let name = format!("observed.target.{}", t.id);
        let at = |key: &str| -> Vec<String> {
            ["observed", "target", &ix, key]
                .iter()
                .map(|s| s.to_string())
                .collect()
        };
        match (&t.metric, &t.parameter) {
            (Some(_), None) => {
                if let Some(key) = t.key() {
                    metric("target", &ix, &t.id, &key, out)
                }
            }
            (None, Some(k)) => {
                if parameter_value(table, k).is_none() {
                    out.push(Problem {
                        at: at("parameter"),
                        also: Vec::new(),
                        // A --set that removed the list (or table) the key is in broke it.
                        refers_to: k.split('.').next().map(str::to_string),
                        message: format!(
                            "{name}.parameter = {k:?} names no number of the scenario: give the dotted key of one, as for --set (e.g. \"population.persons\")"
                        ),
                    });
                }
            }
            _ => out.push(Problem {
                at: at("id"),
                also: Vec::new(),
                refers_to: None,
                message: format!(
                    "{name}: give exactly one of metric = \"...\" or parameter = \"...\""
                ),
            }),
        }
        match ObservedPeriod::parse(&t.period) {
            None => out.push(Problem {
                at: at("period"),
                also: Vec::new(),
                refers_to: None,
                message: format!(
                    "{name}.period = {:?} must be a year, \"YYYY-YYYY\", or \"any\"",
                    t.period
                ),
            }),
            Some(p) => {
                if let Some(y) = start_year
                    && p.months(y, months).is_none()
                {
                    out.push(Problem {
                        at: at("period"),
                        also: Vec::new(),
                        refers_to: None,
                        message: format!(
                            "{name}.period = {:?} is outside the reported months; allowed: {}",
                            t.period,
                            years_allowed(y)
                        ),
                    });
                }
            }
        }
        if !t.target.is_finite() {
            out.push(Problem {
                at: at("target"),
                also: Vec::new(),
                refers_to: None,
                message: format!("{name}.target = {} must be a finite number", num(t.target)),
            });
        }
        let [lo, hi] = t.band;
        if !lo.is_finite() || !hi.is_finite() {
            out.push(Problem {
                at: at("band"),
                also: Vec::new(),
                refers_to: None,
                message: format!(
                    "{name}.band = [{}, {}] must be two finite numbers",
                    num(lo),
                    num(hi)
                ),
            });
        } else if lo > hi {
            out.push(Problem {
                at: at("band"),
                also: Vec::new(),
                refers_to: None,
                message: format!(
                    "{name}.band = [{}, {}] must be [low, high] with low <= high",
                    num(lo),
                    num(hi)
                ),
            });
        }
    }
    let mut seen = HashSet::new();
    for (i, series) in o.series.iter().enumerate() {
        if !check_id("series", i, &series.id, &mut seen, out) {
            continue;
        }
        let ix = format!("#{i}");
        let name = format!("observed.series.{}", series.id);
        metric("series", &ix, &series.id, &series.key(), out);
        for (year, v) in &series.values {
            let at = vec![
                "observed".to_string(),
                "series".into(),
                ix.clone(),
                "values".into(),
                year.clone(),
            ];
            match ObservedPeriod::parse(year) {
                Some(p @ ObservedPeriod::Years(a, b)) if a == b => {
                    if let Some(y) = start_year
                        && p.months(y, months).is_none()
                    {
                        out.push(Problem {
                            at: at.clone(),
                            also: Vec::new(),
                            refers_to: None,
                            message: format!(
                                "{name}.values: year {year} is outside the reported months; allowed: years from {y} to {}",
                                y + months as i32 / 12 - 1
                            ),
                        });
                    }
                }
                _ => out.push(Problem {
                    at: at.clone(),
                    also: Vec::new(),
                    refers_to: None,
                    message: format!("{name}.values: {year:?} must be a year, e.g. 2023 = 1305453"),
                }),
            }
            if !v.is_finite() {
                out.push(Problem {
                    at,
                    also: Vec::new(),
                    refers_to: None,
                    message: format!("{name}.values.{year} = {} must be a finite number", num(*v)),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Scenario {
        toml::from_str(include_str!("../../tests/fixtures/tiny.toml")).unwrap()
    }

    fn first(s: &Scenario) -> String {
        problems(s)
            .first()
            .map(|p| p.message.clone())
            .unwrap_or_default()
    }

    #[test]
    fn the_tiny_fixture_has_no_problem() {
        assert_eq!(problems(&tiny()), Vec::new());
    }

    #[test]
    fn naming_rules_apply_to_every_number() {
        let mut s = tiny();
        s.policy.awareness.coverage_share = 1.7;
        let p = &problems(&s)[0];
        assert_eq!(
            p.message,
            "policy.awareness.coverage_share = 1.7 must be in [0, 1]"
        );
        assert_eq!(p.at, ["policy", "awareness", "coverage_share"]);

        let mut s = tiny();
        s.legs[0].p_death = -0.1;
        let p = &problems(&s)[0];
        assert_eq!(
            p.message,
            format!("leg.{}.p_death = -0.1 must be in [0, 1]", s.legs[0].id)
        );
        assert_eq!(p.at, ["leg", "#0", "p_death"]);

        let mut s = tiny();
        s.lenders[1].rate_year = -0.2;
        assert_eq!(
            first(&s),
            format!(
                "lender.{}.rate_year = -0.2 must be in [0, 100]",
                s.lenders[1].id
            )
        );

        let mut s = tiny();
        s.population.persons = f64::NAN;
        assert_eq!(
            first(&s),
            "population.persons = nan must be a finite number"
        );

        let mut s = tiny();
        s.choice.stay_home_usd = -100.0;
        assert_eq!(problems(&s), Vec::new());
    }

    #[test]
    fn magnitudes_are_bounded_where_the_model_gives_them_a_meaning() {
        type Edit = fn(&mut Scenario);
        let cases: [(Edit, &str); 9] = [
            (
                |s| s.population.persons = 1e308,
                "population.persons = 1e308 must be in [0, 1000000000]",
            ),
            (
                |s| s.population.entries_per_year = 2e9,
                "population.entries_per_year = 2000000000 must be in [0, 1000000000]",
            ),
            (
                |s| s.population.age_max = 300,
                "population.age_max = 300 must be in [0, 100]",
            ),
            (
                |s| s.recruiters[0].count = u32::MAX,
                "recruiter.licensed_agency.count = 4294967295 must be in [0, 1000000]",
            ),
            (
                |s| s.destinations[0].wage_usd = 1e308,
                "destination.saudi_arabia.wage_usd = 1e308 must be in [0, 10000000]",
            ),
            (
                |s| s.destinations[0].contract_months = 300,
                "destination.saudi_arabia.contract_months = 300 must be in [1, 240]",
            ),
            (
                |s| s.legs[0].months = 300,
                "leg.dhaka-saudi_arabia.months = 300 must be in [0, 240]",
            ),
            (
                |s| s.choice.stay_home_usd = -2e7,
                "choice.stay_home_usd = -20000000 must be in [-10000000, 10000000]",
            ),
            (|s| s.months = 1201, "months = 1201 must be in [1, 1200]"),
        ];
        for (edit, want) in cases {
            let mut s = tiny();
            edit(&mut s);
            assert_eq!(first(&s), want);
        }
        let mut s = tiny();
        s.months = 1000;
        s.spin_up_months = 201;
        assert_eq!(
            first(&s),
            "spin_up_months + months = 1201 must be at most 1200 (100 years)"
        );
        let mut s = tiny();
        s.population.persons = 0.0;
        s.population.entries_per_year = 0.0;
        assert!(first(&s).contains("the pool is empty"), "{}", first(&s));
        let mut s = tiny();
        let leg = s.legs[0].id.clone();
        s.routes[0].legs = vec![leg; 65];
        assert!(
            first(&s).ends_with("legs has 65 legs; a route has at most 64"),
            "{}",
            first(&s)
        );
    }

    #[test]
    fn relations_between_keys() {
        let mut s = tiny();
        s.start = "2022-13".into();
        assert!(first(&s).starts_with("start = \"2022-13\" must be a month"));
        let mut s = tiny();
        s.months = 0;
        assert_eq!(first(&s), "months = 0 must be at least 1");
        // Every count that `lower` starts at 1 is refused at 0, by the one check of the values.
        let mut s = tiny();
        s.replicates = 0;
        assert_eq!(first(&s), "replicates = 0 must be at least 1");
        // The name names the output folder: what `run` could not write is refused by `check`.
        let mut s = tiny();
        s.name = "ok-name_2.0".into();
        assert!(name(&s).is_none());
        for bad in ["..", "", "a/b", ".hidden", "comparison.csv"] {
            let mut s = tiny();
            s.name = bad.into();
            let p = name(&s).expect(bad);
            assert!(
                p.message
                    .starts_with(&format!("name = {bad:?} cannot name an output folder")),
                "{bad}"
            );
        }
        let mut s = tiny();
        s.population.default_agents = 0;
        assert_eq!(
            first(&s),
            "population.default_agents = 0 must be at least 1"
        );
        let mut s = tiny();
        s.destinations[1].contract_months = 0;
        let id = s.destinations[1].id.clone();
        assert_eq!(
            first(&s),
            format!("destination.{id}.contract_months = 0 must be at least 1")
        );
        assert_eq!(problems(&s)[0].at, ["destination", "#1", "contract_months"]);
        // Out of range on the other side: the range quoted starts at the least value too.
        s.destinations[1].contract_months = 2400;
        assert_eq!(
            first(&s),
            format!("destination.{id}.contract_months = 2400 must be in [1, 240]")
        );
        let mut s = tiny();
        s.population.age_min = 50;
        assert_eq!(
            first(&s),
            format!(
                "population.age_min = 50 must be less than population.age_max = {}",
                s.population.age_max
            )
        );
        let mut s = tiny();
        s.population.awareness_concentration = 0.0;
        assert_eq!(
            first(&s),
            "population.awareness_concentration = 0 must be greater than 0"
        );
        let mut s = tiny();
        s.destinations[0].wage_usd = 0.0;
        assert!(first(&s).ends_with("wage_usd = 0 must be greater than 0"));
        let mut s = tiny();
        for d in &mut s.districts {
            d.pool_share = 0.0;
        }
        assert_eq!(
            first(&s),
            "district: at least one [[district]] must have pool_share > 0"
        );
    }

    #[test]
    fn a_stratum_is_checked_like_the_other_entities() {
        let stratum = |id: &str, oversample: u32, districts: &[&str]| super::super::Stratum {
            id: id.into(),
            oversample,
            districts: districts.iter().map(|d| d.to_string()).collect(),
            women: Some(true),
            skilled: None,
            land: None,
            ties: None,
            online: None,
            urban: None,
        };
        let district = tiny().districts[0].id.clone();
        let mut s = tiny();
        s.strata = vec![stratum("a", 2, &[&district])];
        assert!(problems(&s).is_empty(), "{:?}", problems(&s));
        for (st, at, start) in [
            (
                stratum("", 2, &[]),
                "id",
                "stratum id \"\" must be a non-empty name",
            ),
            (
                stratum("a", 0, &[]),
                "oversample",
                "stratum.a.oversample = 0 must be at least 1",
            ),
            (
                stratum("a", 65, &[]),
                "oversample",
                "stratum.a.oversample = 65 must be in [1, 64]",
            ),
            (
                stratum("a", 2, &["nowhere"]),
                "districts",
                "stratum.a.districts: district \"nowhere\" must be one of: ",
            ),
        ] {
            let mut s = tiny();
            s.strata = vec![st];
            let p = &problems(&s)[0];
            assert_eq!(p.at, ["stratum", "#0", at]);
            assert!(p.message.starts_with(start), "{}", p.message);
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut s = tiny();
        let id = s.districts[0].id.clone();
        s.districts[1].id = id.clone();
        let p = &problems(&s)[0];
        assert_eq!(p.at, ["district", "#1", "id"]);
        assert_eq!(
            p.message,
            format!(
                "district.{id}.id = {id:?} is used twice: ids must be unique among the [[district]] entries"
            )
        );
    }

    #[test]
    fn references_must_exist_and_routes_connect() {
        let mut s = tiny();
        s.routes[0].destination = "mars".into();
        assert!(
            first(&s).contains(".destination = \"mars\" must be one of: "),
            "{}",
            first(&s)
        );

        let mut s = tiny();
        s.legs[0].to = "nowhere".into();
        assert!(
            first(&s).contains(".to = \"nowhere\" must be one of: dhaka"),
            "{}",
            first(&s)
        );

        // An irregular route of two legs, reversed, does not connect.
        let mut s = tiny();
        let r = s.routes.iter_mut().find(|r| r.legs.len() == 2).unwrap();
        r.legs.reverse();
        let msg = first(&s);
        assert!(
            msg.contains("ends at") && msg.contains("but the next leg"),
            "{msg}"
        );

        let mut s = tiny();
        s.recruiters
            .iter_mut()
            .find(|r| r.kind == RecruiterType::InformalBroker)
            .unwrap()
            .routes = vec![s.routes[0].id.clone()];
        assert!(
            first(&s).contains("must be empty for an informal_broker"),
            "{}",
            first(&s)
        );

        let mut s = tiny();
        s.recruiters
            .iter_mut()
            .find(|r| r.kind == RecruiterType::LicensedAgency)
            .unwrap()
            .routes
            .clear();
        assert!(first(&s).contains("routes is empty"), "{}", first(&s));

        let mut s = tiny();
        s.policy.awareness.districts = vec!["atlantis".into()];
        assert!(
            first(&s)
                .starts_with("policy.awareness.districts: district \"atlantis\" must be one of: ")
        );

        let mut s = tiny();
        let dest = s
            .locations
            .iter_mut()
            .find(|l| l.kind == LocationKind::Destination)
            .unwrap();
        dest.kind = LocationKind::Hub;
        assert!(
            first(&s).contains("must also be a [[location]] of kind destination"),
            "{}",
            first(&s)
        );
    }
}
