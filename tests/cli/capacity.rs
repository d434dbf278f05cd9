//! Scenarios larger than the baseline in every list the engine indexes, and entities written in
//! another order: the engine sizes its arrays from the scenario, so both run, and both give the
//! right answer. Regression tests for the fixed capacities that made a 17th destination or a
//! 33rd location panic and a 257th route alias the first.

use crate::support::*;
use std::fs;
use tempfile::TempDir;
use toml::{Table, Value};

fn baseline_table() -> Table {
    toml::from_str(&fs::read_to_string(baseline()).expect("read the baseline"))
        .expect("the baseline parses")
}

fn fixture_table() -> Table {
    toml::from_str(&fixture_text()).expect("the fixture parses")
}

fn list<'a>(t: &'a mut Table, key: &str) -> &'a mut Vec<Value> {
    t.get_mut(key)
        .and_then(Value::as_array_mut)
        .unwrap_or_else(|| panic!("[[{key}]] is a list"))
}

/// A copy of the entry of `[[key]]` whose id is `id`, with `changes` applied.
fn copy_of(t: &Table, key: &str, id: &str, changes: &[(&str, Value)]) -> Value {
    let mut v = t[key]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
        })
        .unwrap_or_else(|| panic!("[[{key}]] has {id}"))
        .clone();
    let e = v.as_table_mut().expect("an entry is a table");
    for (k, x) in changes {
        e.insert((*k).to_string(), x.clone());
    }
    v
}

fn s(x: &str) -> Value {
    Value::String(x.to_string())
}

fn write(dir: &TempDir, name: &str, t: &Table) -> std::path::PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, toml::to_string(t).expect("serialise")).expect("write scenario");
    path
}

/// The baseline grown to 40 destinations, 80 locations, 102 routes and 20 recruiter kinds: each
/// added destination is reached by three regular routes through three distinct added hubs, sold
/// by added agencies. Every added destination receives arrivals, and its arrivals split exactly
/// over its three routes (the via shares of its hubs add up to one).
#[test]
fn forty_destinations_eighty_locations_a_hundred_routes_twenty_kinds_run_and_add_up() {
    let mut t = baseline_table();
    t.remove("observed");
    let extra_dests = 26;
    let hubs = 27;
    for h in 0..hubs {
        let hub = format!("hub_{h}");
        list(&mut t, "location").push(Value::Table(Table::from_iter([
            ("id".to_string(), s(&hub)),
            ("kind".to_string(), s("hub")),
        ])));
        let leg = copy_of(
            &t,
            "leg",
            "dhaka-oman",
            &[("id", s(&format!("dhaka-{hub}"))), ("to", s(&hub))],
        );
        list(&mut t, "leg").push(leg);
    }
    let mut routes_of_agency: Vec<Vec<Value>> = vec![Vec::new(); 14];
    for d in 0..extra_dests {
        let dest = format!("dest_{d}");
        list(&mut t, "location").push(Value::Table(Table::from_iter([
            ("id".to_string(), s(&dest)),
            ("kind".to_string(), s("destination")),
        ])));
        let entry = copy_of(&t, "destination", "oman", &[("id", s(&dest))]);
        list(&mut t, "destination").push(entry);
        for j in 0..3 {
            let hub = format!("hub_{}", (d + j) % hubs);
            let leg_id = format!("{hub}-{dest}");
            let leg = copy_of(
                &t,
                "leg",
                "dhaka-oman",
                &[
                    ("id", s(&leg_id)),
                    ("from", s(&hub)),
                    ("to", s(&dest)),
                    ("months", Value::Integer(0)),
                ],
            );
            list(&mut t, "leg").push(leg);
            let route_id = format!("{dest}_via_{hub}");
            let route = copy_of(
                &t,
                "route",
                "oman",
                &[
                    ("id", s(&route_id)),
                    ("destination", s(&dest)),
                    (
                        "legs",
                        Value::Array(vec![s(&format!("dhaka-{hub}")), s(&leg_id)]),
                    ),
                ],
            );
            list(&mut t, "route").push(route);
            routes_of_agency[d % 14].push(s(&route_id));
        }
    }
    for (a, routes) in routes_of_agency.into_iter().enumerate() {
        let kind = copy_of(
            &t,
            "recruiter",
            "licensed_agency",
            &[
                ("id", s(&format!("agency_{a}"))),
                ("routes", Value::Array(routes)),
            ],
        );
        list(&mut t, "recruiter").push(kind);
    }
    for (key, n) in [("destination", 40), ("location", 80), ("recruiter", 20)] {
        assert_eq!(list(&mut t, key).len(), n, "[[{key}]]");
    }
    assert!(list(&mut t, "route").len() >= 100);

    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "big.toml", &t);
    let checked = run_in(dir.path(), &["check", &path.display().to_string()]);
    assert_eq!(checked.code, Some(0), "{}", checked.stderr);

    let out = Sim::new()
        .scenario(&path)
        .agents(80_000)
        .replicates(1)
        .months(24)
        .run();
    let m = out.outcomes();
    let one = |name: &str| -> Option<f64> {
        m.get(name)
            .unwrap_or_else(|| panic!("outcomes.csv has {name}"))[0]
    };
    let mut share_sum = 0.0;
    for d in 0..40 {
        let id = list(&mut t, "destination")[d]["id"]
            .as_str()
            .expect("id")
            .to_string();
        share_sum += one(&by_dest("departure_share", &id)).unwrap_or(0.0);
    }
    // Shares are written with six significant digits.
    assert!(
        (share_sum - 1.0).abs() < 1e-4,
        "departure shares add up to {share_sum}"
    );
    for d in 0..extra_dests {
        let dest = format!("dest_{d}");
        let arrivals = one(&by_dest("arrivals_per_year", &dest)).expect("arrivals");
        assert!(arrivals > 0.0, "{dest} received nobody");
        let via: f64 = (0..3)
            .map(|j| {
                let level = format!("{dest}+hub_{}", (d + j) % hubs);
                one(&key("via_share", "destination+location", &level))
                    .expect("a via share where there are arrivals")
            })
            .sum();
        assert!(
            (via - 1.0).abs() < 1e-4,
            "{dest}: arrivals over its three routes add up to {via} of its arrivals"
        );
    }
}

/// The same scenario with 300 unused districts (no one lives there) and 300 unsold copies of a
/// route written before the real ones gives byte-identical outcomes: indices past 255 no longer
/// wrap onto the first entities.
#[test]
fn entities_written_first_and_unused_change_nothing() {
    let plain = fixture_table();
    let mut padded = plain.clone();
    let first_route = list(&mut padded, "route")[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let first_district = list(&mut padded, "district")[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let mut districts: Vec<Value> = (0..300)
        .map(|i| {
            copy_of(
                &plain,
                "district",
                &first_district,
                &[
                    ("id", s(&format!("empty_{i}"))),
                    ("pool_share", Value::Float(0.0)),
                    ("border", Value::Boolean(false)),
                ],
            )
        })
        .collect();
    districts.append(list(&mut padded, "district"));
    *list(&mut padded, "district") = districts;
    let mut routes: Vec<Value> = (0..300)
        .map(|i| {
            copy_of(
                &plain,
                "route",
                &first_route,
                &[("id", s(&format!("unsold_{i}")))],
            )
        })
        .collect();
    routes.append(list(&mut padded, "route"));
    *list(&mut padded, "route") = routes;

    let dir = TempDir::new().expect("temp dir");
    let a = write(&dir, "plain.toml", &plain);
    let b = write(&dir, "padded.toml", &padded);
    let run = |path| Sim::new().scenario(path).agents(20_000).replicates(1).run();
    let (ra, rb) = (run(&a), run(&b));
    let oa = fs::read_to_string(ra.path("outcomes.csv")).expect("outcomes");
    let ob = fs::read_to_string(rb.path("outcomes.csv")).expect("outcomes");
    let strip = |x: &str, name: &str| x.replace(name, "scenario");
    assert_eq!(strip(&oa, "plain"), strip(&ob, "padded"));
    let departures = ra.mean("departures_per_year");
    assert!(departures > 0.0);
}
