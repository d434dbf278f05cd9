//! Every number of the baseline at its extremes. Each is set alone, with `--set`, to 0, 1, twice
//! and a thousand times its value (the first entry of each list stands for the others: the
//! checks and the engine treat the entries of a list alike). A short run then either simulates
//! and writes its outputs (exit code 0) or refuses the value with one message naming it (exit
//! code 2). It is never a panic, an abort or a hang: a scenario the program accepts, it runs.
//!
//! About 800 runs of 300 agents, two minutes on two cores, so it is not part of `cargo test`:
//!
//! ```sh
//! cargo test --release --test cli -- --ignored extremes
//! ```

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use tempfile::TempDir;

use crate::support::{baseline, run_in};

/// Entity lists: one entry of each is enough.
const LISTS: [&str; 7] = [
    "district",
    "location",
    "leg",
    "route",
    "destination",
    "recruiter",
    "lender",
];
/// Run settings left alone: the seed changes nothing of interest, and a thousand times the
/// replicates or agents is a long run, not an extreme of the model.
const SETTINGS: [&str; 4] = ["seed", "replicates", "event", "observed"];

/// The dotted key and value of every number of `v` under `path`, one entry of each list.
fn numbers(v: &Value, path: &mut Vec<String>, out: &mut Vec<(String, f64, bool)>) {
    match v {
        Value::Number(n) => out.push((
            path.join("."),
            n.as_f64().unwrap(),
            n.is_i64() || n.is_u64(),
        )),
        Value::Object(m) => {
            for (k, x) in m {
                if path.is_empty() && SETTINGS.contains(&k.as_str()) {
                    continue;
                }
                if path.len() == 2 && LISTS.contains(&path[0].as_str()) && k == "id" {
                    continue;
                }
                path.push(k.clone());
                numbers(x, path, out);
                path.pop();
            }
        }
        Value::Array(entries) if path.len() == 1 && LISTS.contains(&path[0].as_str()) => {
            if let Some(e) = entries.first() {
                path.push(e["id"].as_str().expect("an entity has an id").to_string());
                numbers(e, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The values tried for a number `x`: 0, 1, twice and a thousand times it (whole numbers stay
/// whole), each once.
fn extremes(x: f64, whole: bool) -> Vec<String> {
    let base = if x == 0.0 { 5.0 } else { x };
    let mut v: Vec<String> = Vec::new();
    for y in [0.0, 1.0, 2.0 * base, 1000.0 * base] {
        let s = if whole {
            format!("{}", y.round() as i64)
        } else {
            format!("{y:?}")
        };
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v
}

#[test]
#[ignore = "slow: about 800 runs; cargo test --release --test cli -- --ignored extremes"]
fn every_number_of_the_baseline_at_its_extremes_runs_or_is_refused() {
    let tmp = TempDir::new().unwrap();
    let base = baseline().display().to_string();
    // The baseline as resolved, every default written out: its manifest's copy.
    let first = tmp.path().join("resolved");
    let r = run_in(
        tmp.path(),
        &[
            "run",
            &base,
            "--agents",
            "1",
            "--months",
            "1",
            "--quiet",
            "--out",
            &first.display().to_string(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(first.join("manifest.json")).unwrap())
            .unwrap();
    let mut keys = Vec::new();
    numbers(&manifest["resolved_scenario"], &mut Vec::new(), &mut keys);
    assert!(keys.len() > 100, "only {} numbers found", keys.len());
    let cases: Vec<String> = keys
        .iter()
        .flat_map(|(k, x, whole)| {
            extremes(*x, *whole)
                .into_iter()
                .map(move |v| format!("{k}={v}"))
        })
        .collect();

    let next = AtomicUsize::new(0);
    let (ran, refused) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for w in 0..workers {
            let (cases, next, ran, refused, failures) = (&cases, &next, &ran, &refused, &failures);
            let (base, dir) = (&base, tmp.path());
            s.spawn(move || {
                let out = dir.join(format!("run-{w}"));
                while let Some(set) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let _ = std::fs::remove_dir_all(&out);
                    let r = run_in(
                        dir,
                        &[
                            "run",
                            base,
                            "--set",
                            set,
                            "--agents",
                            "300",
                            "--replicates",
                            "1",
                            "--quiet",
                            "--out",
                            &out.display().to_string(),
                        ],
                    );
                    let key = set.split('=').next().unwrap();
                    let ok = match r.code {
                        Some(0) => {
                            ran.fetch_add(1, Ordering::Relaxed);
                            Path::new(&out).join("summary.csv").is_file()
                        }
                        Some(2) => {
                            refused.fetch_add(1, Ordering::Relaxed);
                            r.stderr.starts_with("error: ")
                                && r.stderr.contains(key)
                                && r.stderr.lines().count() == 1
                        }
                        _ => false,
                    };
                    if !ok || r.stderr.contains("panicked") {
                        failures.lock().unwrap().push(format!(
                            "--set {set}: exit {:?}: {}",
                            r.code,
                            r.stderr.trim()
                        ));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every case ended one way or the other, and both ways happen: the extremes reach past
    // what the checks allow, and inside it.
    let (ran, refused) = (ran.into_inner(), refused.into_inner());
    assert_eq!(ran + refused, cases.len());
    assert!(
        ran > cases.len() / 2 && refused > 0,
        "{ran} ran and {refused} were refused of {} cases",
        cases.len()
    );
    eprintln!(
        "{ran} ran and {refused} were refused of {} cases",
        cases.len()
    );
}
