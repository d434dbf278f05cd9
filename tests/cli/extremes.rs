//! Every number of the baseline at its extremes. Each is set alone, with `--set`, to 0, 1, twice
//! and a thousand times its value (the first entry of each list stands for the others: the
//! checks and the engine treat the entries of a list alike). A short run then either simulates
//! and writes its outputs (exit code 0) or refuses the value with one message naming it (exit
//! code 2). It is never a panic, an abort or a hang: a scenario the program accepts, it runs.
//!
//! The second test sets the same values by an event in January 2026, in the middle of a run,
//! and the third sets six numbers at once, drawn at random (a fixed seed), 300 times. They make
//! about 1,800 runs of 300 agents (two minutes on two cores), so they are not part of
//! `cargo test`:
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

/// Top-level keys left alone: the seed changes nothing of interest, a thousand times the
/// replicates is a long run rather than an extreme of the model, and the events and observed
/// data are not parameters.
const SETTINGS: [&str; 4] = ["seed", "replicates", "event", "observed"];

/// The dotted key and value of every number of `v` under `path`; of a list of entities (an
/// array of tables with ids, as `--set` names them), its first entry only.
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
                path.push(k.clone());
                numbers(x, path, out);
                path.pop();
            }
        }
        Value::Array(entries) => {
            if let Some((e, id)) = entries
                .first()
                .and_then(|e| Some((e, e.get("id")?.as_str()?)))
            {
                path.push(id.to_string());
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

/// Every number of the baseline as resolved (every default written out, the manifest's copy):
/// its dotted key, value, and whether it is a whole number.
fn resolved_numbers(dir: &Path, base: &str) -> Vec<(String, f64, bool)> {
    let first = dir.join("resolved");
    let first_out = first.display().to_string();
    let r = run_in(
        dir,
        &[
            "run", base, "--agents", "1", "--months", "1", "--quiet", "--out", &first_out,
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(first.join("manifest.json")).unwrap())
            .unwrap();
    let mut keys = Vec::new();
    numbers(&manifest["resolved_scenario"], &mut Vec::new(), &mut keys);
    assert!(keys.len() > 100, "only {} numbers found", keys.len());
    keys
}

/// One case for each number at each of its extremes: a single `KEY=VALUE`.
fn cases(dir: &Path, base: &str) -> Vec<Vec<String>> {
    resolved_numbers(dir, base)
        .iter()
        .flat_map(|(k, x, whole)| {
            extremes(*x, *whole)
                .into_iter()
                .map(move |v| vec![format!("{k}={v}")])
        })
        .collect()
}

/// Run every case (a list of `KEY=VALUE`), on as many threads as there are cores:
/// `args(case, worker)` gives the arguments of `crossroads run` before `--agents`. Each run must
/// either simulate and write its outputs (exit code 0) or refuse with one message naming one of
/// the case's keys (exit code 2). Returns how many ran and how many were refused.
fn run_all(
    dir: &Path,
    cases: &[Vec<String>],
    args: impl Fn(&[String], usize) -> Vec<String> + Sync,
) -> (usize, usize) {
    let next = AtomicUsize::new(0);
    let (ran, refused) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for w in 0..workers {
            let (next, ran, refused, failures, args) = (&next, &ran, &refused, &failures, &args);
            s.spawn(move || {
                let out = dir.join(format!("run-{w}")).display().to_string();
                while let Some(case) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let _ = std::fs::remove_dir_all(&out);
                    let mut a = args(case, w);
                    a.extend(
                        [
                            "--agents",
                            "300",
                            "--replicates",
                            "1",
                            "--quiet",
                            "--out",
                            &out,
                        ]
                        .map(String::from),
                    );
                    let r = run_in(dir, &a.iter().map(String::as_str).collect::<Vec<_>>());
                    let named = case
                        .iter()
                        .any(|set| r.stderr.contains(set.split('=').next().unwrap()));
                    let ok = match r.code {
                        Some(0) => {
                            ran.fetch_add(1, Ordering::Relaxed);
                            Path::new(&out).join("summary.csv").is_file()
                        }
                        Some(2) => {
                            refused.fetch_add(1, Ordering::Relaxed);
                            r.stderr.starts_with("error: ")
                                && named
                                && r.stderr.lines().count() == 1
                        }
                        _ => false,
                    };
                    if !ok || r.stderr.contains("panicked") {
                        failures.lock().unwrap().push(format!(
                            "{}: exit {:?}: {}",
                            case.join(" "),
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
    let (ran, refused) = (ran.into_inner(), refused.into_inner());
    assert_eq!(ran + refused, cases.len());
    eprintln!(
        "{ran} ran and {refused} were refused of {} cases",
        cases.len()
    );
    (ran, refused)
}

/// `run BASE --set KEY=VALUE ...` for a case.
fn with_sets(base: &str, case: &[String]) -> Vec<String> {
    let mut a = vec!["run".to_string(), base.to_string()];
    for set in case {
        a.extend(["--set".to_string(), set.clone()]);
    }
    a
}

#[test]
#[ignore = "slow: about 800 runs; cargo test --release --test cli -- --ignored extremes"]
fn every_number_of_the_baseline_at_its_extremes_runs_or_is_refused() {
    let tmp = TempDir::new().unwrap();
    let base = baseline().display().to_string();
    let cases = cases(tmp.path(), &base);
    let (ran, refused) = run_all(tmp.path(), &cases, |case, _| with_sets(&base, case));
    // Both outcomes happen: the extremes reach past what the checks allow, and inside it.
    assert!(
        ran > cases.len() / 2 && refused > 0,
        "{ran} ran, {refused} refused"
    );
}

#[test]
#[ignore = "slow: about 800 runs; cargo test --release --test cli -- --ignored extremes"]
fn every_number_of_the_baseline_set_by_an_event_at_its_extremes_runs_or_is_refused() {
    let tmp = TempDir::new().unwrap();
    let base = baseline().display().to_string();
    let cases = cases(tmp.path(), &base);
    // The same values, set by an event in January 2026 (the month the recommendations start):
    // the run changes its parameters in its middle, or the event is refused.
    let (ran, refused) = run_all(tmp.path(), &cases, |case, w| {
        let sets: Vec<String> = case
            .iter()
            .map(|set| {
                let (key, value) = set.split_once('=').unwrap();
                format!("{key:?} = {value}")
            })
            .collect();
        let file = tmp.path().join(format!("event-{w}.toml"));
        std::fs::write(
            &file,
            format!(
                "extends = {base:?}\nname = \"event\"\n\n[[event]]\ndate = \"2026-01\"\nset = {{ {} }}\n",
                sets.join(", ")
            ),
        )
        .unwrap();
        vec!["run".into(), file.display().to_string()]
    });
    assert!(
        ran > cases.len() / 2 && refused > 0,
        "{ran} ran, {refused} refused"
    );
}

/// SplitMix64: the random choices of the test below, the same on every run.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[test]
#[ignore = "slow: 300 runs; cargo test --release --test cli -- --ignored extremes"]
fn six_numbers_of_the_baseline_at_once_at_their_extremes_run_or_are_refused() {
    let tmp = TempDir::new().unwrap();
    let base = baseline().display().to_string();
    let numbers = resolved_numbers(tmp.path(), &base);
    // 300 cases of six numbers drawn at random (a fixed seed), each at an extreme: shares and
    // probabilities at 0, 1, 1e-9 or a uniform draw; other numbers at 0, 1, 1e-9 (if not whole)
    // or their value times 0.01, 0.5, 2, 10 or 100.
    let mut state = 7u64;
    let cases: Vec<Vec<String>> = (0..300)
        .map(|_| {
            (0..6)
                .map(|_| {
                    let (k, x, whole) = &numbers[next(&mut state) as usize % numbers.len()];
                    let name = k.rsplit('.').next().unwrap();
                    let pick = next(&mut state) % 4;
                    let y = if name.starts_with("p_") || name.ends_with("_share") {
                        [
                            0.0,
                            1.0,
                            1e-9,
                            (next(&mut state) >> 11) as f64 / (1u64 << 53) as f64,
                        ][pick as usize]
                    } else {
                        let times = [0.01, 0.5, 2.0, 10.0, 100.0][next(&mut state) as usize % 5];
                        [0.0, 1.0, if *whole { 1.0 } else { 1e-9 }, x * times][pick as usize]
                    };
                    if *whole {
                        format!("{k}={}", y.round() as i64)
                    } else {
                        format!("{k}={y:?}")
                    }
                })
                .collect()
        })
        .collect();
    let (ran, refused) = run_all(tmp.path(), &cases, |case, _| with_sets(&base, case));
    assert!(ran > cases.len() / 2, "{ran} ran, {refused} refused");
}
