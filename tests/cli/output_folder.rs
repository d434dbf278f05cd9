//! The output folder holds one run, whole: through the real program, a run killed while it
//! writes leaves the complete earlier run or the complete new one; two runs into one folder
//! cannot mix; a new run leaves no file of an earlier one; a folder crossroads did not write is
//! never replaced; an unwritable `--out`, too many threads and a run larger than the machine's
//! memory are refused before any simulation. Also: a calibration configuration with a TOML
//! syntax error is reported on one line with `file:line:col`.
//!
//! A run writes into `<parent>/.<name>.tmp-<pid>` and swaps it in at the end; the tests watch
//! that folder to know where a run is. `CROSSROADS_TEST_WRITE_DELAY_MS` widens the write phase
//! (a pause after each file and after the swap) so that a kill can land inside it.

use crate::support::{meminfo, run_in, write};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.toml")
}

fn tiny_text() -> String {
    fs::read_to_string(tiny()).expect("read tests/fixtures/tiny.toml")
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("crossroads")
}

/// Arguments of a small, fast run of `scenario` into `out`.
fn run_args(scenario: &Path, out: &Path, seed: u64) -> Vec<String> {
    [
        "run",
        &scenario.display().to_string(),
        "--out",
        &out.display().to_string(),
        "--seed",
        &seed.to_string(),
        "--agents",
        "2000",
        "--replicates",
        "2",
        "--months",
        "12",
        "--quiet",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Run with `args` as built by [`run_args`].
fn run_strings(cwd: &Path, args: &[String]) -> crate::support::Ran {
    run_in(cwd, &args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Run to completion; require success.
fn run_ok(cwd: &Path, args: &[String]) {
    let r = run_strings(cwd, args);
    assert_eq!(
        r.code,
        Some(0),
        "crossroads {} failed:\n{}",
        args.join(" "),
        r.stderr
    );
}

/// Start a run with the write phase slowed down by `delay_ms` per step.
fn spawn_slow(cwd: &Path, args: &[String], delay_ms: u64) -> Child {
    Command::new(bin())
        .current_dir(cwd)
        .args(args)
        .env("CROSSROADS_TEST_WRITE_DELAY_MS", delay_ms.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn crossroads")
}

/// Wait (polling) until `cond` holds: true; or until the child ends first: false.
fn reached(child: &mut Child, mut cond: impl FnMut() -> bool) -> bool {
    loop {
        if cond() {
            return true;
        }
        if child.try_wait().expect("try_wait").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Wait until `cond` holds; fails if the child ends first.
fn wait_until(child: &mut Child, what: &str, cond: impl FnMut() -> bool) {
    if !reached(child, cond) {
        let status = child.wait().expect("wait");
        panic!("the run ended ({status}) before {what}");
    }
}

/// The temporary folder a run with process id `pid` writes `out` into.
fn temp_of(out: &Path, pid: u32) -> PathBuf {
    let name = out.file_name().unwrap().to_string_lossy();
    out.with_file_name(format!(".{name}.tmp-{pid}"))
}

/// A run's folder as a comparable value: every file (recursively) with its bytes, except
/// manifest.json, reduced to the fields that do not depend on the clock.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap_or_else(|e| panic!("read {}: {e}", d.display())) {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            if p.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "manifest.json") {
                let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&p).unwrap())
                    .unwrap_or_else(|e| {
                        panic!("{} is not whole JSON: {e}", p.display());
                    });
                let obj = m.as_object_mut().expect("manifest is an object");
                obj.remove("start_time").expect("start_time");
                obj.remove("wall_seconds").expect("wall_seconds");
                out.insert(rel, serde_json::to_vec(&m).unwrap());
            } else {
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A small deterministic generator for the kill delays.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[test]
fn a_run_killed_while_it_writes_leaves_the_previous_run_or_the_new_one_whole() {
    let tmp = TempDir::new().unwrap();
    let work = tmp.path().join("work");
    fs::create_dir(&work).unwrap();
    let out = work.join("out");
    // The two complete runs the folder may hold, written undisturbed elsewhere.
    let seeds = [1u64, 2];
    let refs: Vec<BTreeMap<String, Vec<u8>>> = seeds
        .iter()
        .map(|s| {
            let dir = tmp.path().join(format!("ref{s}"));
            run_ok(tmp.path(), &run_args(&tiny(), &dir, *s));
            snapshot(&dir)
        })
        .collect();
    assert_ne!(refs[0], refs[1], "the two seeds must give different files");
    run_ok(tmp.path(), &run_args(&tiny(), &out, seeds[0]));
    let mut holds = 0; // index into seeds of the run the folder holds
    assert_eq!(snapshot(&out), refs[holds]);

    // Pauses in the write phase: short ones where a random point of it is hit, long ones where
    // the kill must follow the swap (the test polls for it).
    const DELAY_MS: u64 = 40;
    const SWAP_DELAY_MS: u64 = 300;
    // Four files and the swap, each followed by a pause.
    const WINDOW_MS: u64 = 5 * DELAY_MS;
    let mut rng = Lcg(8);
    let (mut mid_write, mut after_swap, mut kept_old, mut got_new) = (0, 0, 0, 0);
    for round in 0..20 {
        let next = 1 - holds;
        let swap_round = round % 5 == 4;
        let delay = if swap_round { SWAP_DELAY_MS } else { DELAY_MS };
        let mut child = spawn_slow(tmp.path(), &run_args(&tiny(), &out, seeds[next]), delay);
        let temp = temp_of(&out, child.id());
        let hit = if swap_round {
            // Right after the swap, while the earlier run is still to be deleted.
            reached(&mut child, || {
                temp.exists()
                    && fs::read(out.join("manifest.json"))
                        .ok()
                        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                        .is_some_and(|m| m["seed"] == seeds[next])
            })
        } else {
            // Somewhere in the write phase: after the first file, up to past the swap.
            let hit = reached(&mut child, || temp.join("timeseries.csv").exists());
            if hit {
                std::thread::sleep(Duration::from_millis(rng.below(WINDOW_MS + 1)));
            }
            hit
        };
        // A run that ended before the kill (a very slow test machine) must simply be whole.
        let _ = child.kill();
        let status = child.wait().expect("wait");
        if !hit {
            assert!(status.success(), "round {round}: the run failed: {status}");
        } else if swap_round {
            after_swap += 1;
        } else {
            mid_write += 1;
        }
        let now = snapshot(&out);
        let partial: Vec<&String> = now.keys().filter(|k| k.ends_with(".partial")).collect();
        assert!(
            partial.is_empty(),
            "round {round}: partial files {partial:?}"
        );
        if now == refs[holds] {
            kept_old += 1;
        } else if now == refs[next] {
            got_new += 1;
            holds = next;
        } else {
            panic!(
                "round {round}: the folder holds neither complete run: {:?}",
                now.keys().collect::<Vec<_>>()
            );
        }
        if hit && swap_round {
            assert_eq!(holds, next, "round {round}: killed after the swap");
        }
    }
    assert!(
        mid_write >= 8 && after_swap >= 2,
        "too few kills landed in the write phase ({mid_write}) or after the swap ({after_swap})"
    );
    assert!(kept_old + got_new == 20);
    // The next run removes what the killed ones left beside the folder.
    let last = 1 - holds;
    run_ok(tmp.path(), &run_args(&tiny(), &out, seeds[last]));
    assert_eq!(snapshot(&out), refs[last]);
    assert_eq!(names(&work), ["out"], "leftovers beside the output folder");
}

#[test]
fn two_runs_into_one_folder_do_not_mix_one_wins_the_other_stops() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    let reference = tmp.path().join("ref");
    run_ok(tmp.path(), &run_args(&tiny(), &reference, 1));
    let mut first = spawn_slow(tmp.path(), &run_args(&tiny(), &out, 1), 100);
    let temp = temp_of(&out, first.id());
    // The temporary folder is made under the lock: from now on the first run holds it.
    wait_until(&mut first, "the first run holds the folder", || {
        temp.exists()
    });
    let args = run_args(&tiny(), &out, 2);
    let started = Instant::now();
    let second = run_strings(tmp.path(), &args);
    assert_eq!(
        second.code,
        Some(1),
        "the second run: {}\n{}",
        second.stdout,
        second.stderr
    );
    assert!(
        second.stderr.starts_with("error: ")
            && second
                .stderr
                .contains("another crossroads run is writing this folder")
            && second.stderr.contains(&out.display().to_string())
            && second.stderr.trim_end().lines().count() == 1,
        "a clear one-line message: {}",
        second.stderr
    );
    assert!(
        first.try_wait().unwrap().is_none(),
        "the second run must have stopped while the first still ran ({:?})",
        started.elapsed()
    );
    let status = first.wait().unwrap();
    assert!(status.success(), "the first run failed: {status}");
    assert_eq!(snapshot(&out), snapshot(&reference), "the first run, whole");
    assert_eq!(names(tmp.path()), ["out", "ref"]);
}

/// The tiny fixture with one observed target that any run meets.
fn tiny_with_observed() -> String {
    format!(
        "{}\n[[observed.target]]\nid = \"T1\"\nkind = \"emergent\"\nquantity = \"departures\"\nmetric = \"departures_per_year\"\nperiod = \"any\"\ntarget = 1\nband = [0, 1e12]\nsource = \"test\"\n",
        tiny_text()
    )
}

#[test]
fn a_new_run_leaves_no_file_of_an_earlier_one() {
    let tmp = TempDir::new().unwrap();
    let observed = write(tmp.path(), "observed.toml", &tiny_with_observed());
    let out = tmp.path().join("out");
    run_ok(tmp.path(), &run_args(&observed, &out, 1));
    assert!(
        names(&out).contains(&"validation.csv".to_string()),
        "the first run validates: {:?}",
        names(&out)
    );
    run_ok(tmp.path(), &run_args(&tiny(), &out, 1));
    assert_eq!(
        names(&out),
        [
            "manifest.json",
            "outcomes.csv",
            "summary.csv",
            "timeseries.csv"
        ],
        "the earlier run's validation files must be gone"
    );
}

#[test]
fn a_compare_with_fewer_scenarios_leaves_no_folder_of_the_earlier_one() {
    let tmp = TempDir::new().unwrap();
    let paths: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|n| {
            write(tmp.path(), &format!("{n}.toml"), &tiny_text())
                .display()
                .to_string()
        })
        .collect();
    let out = tmp.path().join("cmp").display().to_string();
    let compare = |scenarios: &[String]| {
        let mut args = vec!["compare"];
        args.extend(scenarios.iter().map(String::as_str));
        args.extend([
            "--out",
            &out,
            "--agents",
            "2000",
            "--replicates",
            "2",
            "--months",
            "12",
            "--quiet",
        ]);
        let r = run_in(tmp.path(), &args);
        assert_eq!(r.code, Some(0), "compare failed: {}", r.stderr);
    };
    compare(&paths);
    let cmp = tmp.path().join("cmp");
    assert_eq!(
        names(&cmp),
        [
            "a",
            "b",
            "c",
            "comparison.csv",
            "comparison.svg",
            "comparison_by_year.csv",
            "manifest.json",
            "outcomes.csv",
            "summary.csv",
            "timeseries.csv"
        ]
    );
    compare(&paths[..2]);
    assert_eq!(
        names(&cmp),
        [
            "a",
            "b",
            "comparison.csv",
            "comparison.svg",
            "comparison_by_year.csv",
            "manifest.json",
            "outcomes.csv",
            "summary.csv",
            "timeseries.csv"
        ],
        "the earlier comparison's folder c must be gone"
    );
    let csv = fs::read_to_string(cmp.join("comparison.csv")).unwrap();
    assert!(csv.lines().skip(1).all(|l| l.starts_with("b,")), "{csv}");
}

#[test]
fn a_folder_crossroads_did_not_write_is_refused_and_left_untouched() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("mine");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("thesis.txt"), "two years of work\n").unwrap();
    let args = run_args(&tiny(), &out, 1);
    let r = run_strings(tmp.path(), &args);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.starts_with("error: ")
            && r.stderr.contains(&out.display().to_string())
            && r.stderr.contains("not a crossroads output folder"),
        "{}",
        r.stderr
    );
    assert_eq!(names(tmp.path()), ["mine"], "nothing written beside it");
    assert_eq!(names(&out), ["thesis.txt"]);
    assert_eq!(
        fs::read_to_string(out.join("thesis.txt")).unwrap(),
        "two years of work\n"
    );
    // A file in place of the folder is refused the same way.
    let file = tmp.path().join("file.csv");
    fs::write(&file, "a,b\n").unwrap();
    let args = run_args(&tiny(), &file, 1);
    let r = run_strings(tmp.path(), &args);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is a file, not a folder"), "{}", r.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), "a,b\n");
    // A folder that merely holds a file of a crossroads name (another program's manifest, or a
    // real one beside the user's work) is refused too.
    for (dir, manifest) in [
        ("webapp", r#"{"name": "my-web-app"}"#),
        ("mixed", r#"{"program": "crossroads"}"#),
    ] {
        let d = tmp.path().join(dir);
        fs::create_dir_all(d.join("src")).unwrap();
        fs::write(d.join("manifest.json"), manifest).unwrap();
        fs::write(d.join("thesis.txt"), "draft\n").unwrap();
        fs::write(d.join("src/main.js"), "code\n").unwrap();
        let args = run_args(&tiny(), &d, 1);
        let r = run_strings(tmp.path(), &args);
        assert_eq!(r.code, Some(2), "{dir}: {}", r.stderr);
        assert_eq!(names(&d), ["manifest.json", "src", "thesis.txt"], "{dir}");
        assert_eq!(fs::read_to_string(d.join("thesis.txt")).unwrap(), "draft\n");
    }
}

/// Arguments of a run that would take many seconds to simulate.
fn long_run(out: &Path) -> Vec<String> {
    let mut a = run_args(&tiny(), out, 1);
    for (flag, v) in [("--agents", "3000000"), ("--months", "240")] {
        let i = a.iter().position(|x| x == flag).unwrap();
        a[i + 1] = v.into();
    }
    a
}

/// Run and return the result and how long it took.
fn timed(cwd: &Path, args: &[String]) -> (crate::support::Ran, Duration) {
    let t = Instant::now();
    let r = run_strings(cwd, args);
    (r, t.elapsed())
}

#[test]
fn an_unwritable_out_is_found_before_the_simulation() {
    let tmp = TempDir::new().unwrap();
    let blocker = tmp.path().join("blocker");
    fs::write(&blocker, "a regular file\n").unwrap();
    let (r, took) = timed(tmp.path(), &long_run(&blocker.join("out")));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.starts_with("error: ") && r.stderr.contains("blocker"),
        "{}",
        r.stderr
    );
    // The simulation alone would take tens of seconds.
    assert!(
        took < Duration::from_secs(5),
        "refused only after {took:?}: the run was simulated first"
    );
    assert_eq!(names(tmp.path()), ["blocker"]);
}

#[test]
fn too_many_threads_are_refused_at_once() {
    let tmp = TempDir::new().unwrap();
    let mut args = run_args(&tiny(), &tmp.path().join("out"), 1);
    args.extend(["--threads".into(), "10000".into()]);
    let (r, took) = timed(tmp.path(), &args);
    let cores = std::thread::available_parallelism().unwrap().get();
    let limit = (4 * cores).min(1024);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("--threads 10000") && r.stderr.contains(&format!("at most {limit}")),
        "the message names the limit {limit}: {}",
        r.stderr
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(names(tmp.path()).is_empty());
}

#[test]
fn a_run_larger_than_the_memory_is_refused_with_the_figures() {
    let tmp = TempDir::new().unwrap();
    // 64 bytes an agent: twice the machine's memory in agents, at least 100 million.
    let agents = (meminfo("MemTotal:") / 64 * 2).clamp(100_000_000, 1_000_000_000);
    let mut args = run_args(&tiny(), &tmp.path().join("out"), 1);
    let i = args.iter().position(|x| x == "--agents").unwrap();
    args[i + 1] = agents.to_string();
    if agents * 64 <= meminfo("MemTotal:") {
        // A machine with more than 64 GB: recruiters fill the rest.
        args.extend([
            "--set".into(),
            "recruiter.informal_broker.count=4294967295".into(),
        ]);
    }
    let (r, took) = timed(tmp.path(), &args);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.starts_with("error: ")
            && r.stderr.contains(&format!("--agents {agents}"))
            && r.stderr.contains("needs about")
            && r.stderr.contains("GB")
            && r.stderr.contains("available")
            && r.stderr.trim_end().lines().count() == 1,
        "one line with both figures: {}",
        r.stderr
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(names(tmp.path()).is_empty());
}

#[test]
fn a_calibration_config_with_a_syntax_error_is_one_line_with_file_line_col() {
    let tmp = TempDir::new().unwrap();
    let cfg = write(
        tmp.path(),
        "fit.toml",
        "scenario = \"../x.toml\"\npoints = 4\nreplicates = = 2\n",
    );
    let r = run_in(tmp.path(), &["calibrate", &cfg.display().to_string()]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    let at = format!("error: {}:3:", cfg.display());
    assert!(
        r.stderr.starts_with(&at)
            && r.stderr[at.len()..].starts_with(|c: char| c.is_ascii_digit())
            && r.stderr.trim_end().lines().count() == 1,
        "one line starting {at}<col>: {:?}",
        r.stderr
    );
    // An unknown key is located the same way.
    let cfg = write(
        tmp.path(),
        "fit2.toml",
        "scenario = \"../x.toml\"\npoints = 4\n\n[[parameter]]\nkey = \"a\"\nmin = 0\nmaxi = 1\n",
    );
    let r = run_in(tmp.path(), &["calibrate", &cfg.display().to_string()]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with(&format!("error: {}:7:", cfg.display()))
            && r.stderr.contains("maxi")
            && r.stderr.trim_end().lines().count() == 1,
        "{:?}",
        r.stderr
    );
    assert_eq!(names(tmp.path()), ["fit.toml", "fit2.toml"]);
}

/// A calibration parameter whose range leaves what the scenario allows is named as the
/// configuration's, with its key and range, before anything runs.
#[test]
fn a_calibration_range_outside_the_allowed_values_names_the_configuration() {
    let tmp = TempDir::new().unwrap();
    let cfg = write(
        tmp.path(),
        "fit.toml",
        &format!(
            "scenario = {:?}\npoints = 2\nreplicates = 1\nagents = 1000\n\n[[parameter]]\nkey = \"aspiration.p_base\"\nmin = 0.5\nmax = 1.01\n",
            crate::support::baseline().display().to_string()
        ),
    );
    let r = run_in(tmp.path(), &["calibrate", &cfg.display().to_string()]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!(
            "error: {}: [[parameter]] key = \"aspiration.p_base\"",
            cfg.display()
        )) && r.stderr.contains("at 1.01")
            && r.stderr.contains("must be in [0, 1]")
            && r.stderr.trim_end().lines().count() == 1,
        "{:?}",
        r.stderr
    );
    assert_eq!(names(tmp.path()), ["fit.toml"]);
}

/// A scenario file the configuration names that cannot be read is the configuration's mistake:
/// the message names the configuration, the line and column of `scenario`, the key and its
/// value, then the file and what is wrong with it, as the loader names a missing `extends`.
#[test]
fn a_missing_calibration_scenario_is_named_with_the_configurations_key_and_line() {
    let tmp = TempDir::new().unwrap();
    let cfg = write(
        tmp.path(),
        "fit.toml",
        "# a search\npoints = 2\nscenario = \"nosuch.toml\"\n\n[[parameter]]\nkey = \"aspiration.p_base\"\nmin = 0.01\nmax = 0.02\n",
    );
    let out = tmp.path().join("out");
    let r = run_in(
        tmp.path(),
        &[
            "calibrate",
            &cfg.display().to_string(),
            "--out",
            &out.display().to_string(),
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(
        r.stderr.trim_end(),
        format!(
            "error: {}:3:1: scenario = \"nosuch.toml\": {}: no such file",
            cfg.display(),
            tmp.path().join("nosuch.toml").display()
        )
    );
    assert_eq!(names(tmp.path()), ["fit.toml"]);
}

#[test]
fn a_scenario_name_that_is_not_a_plain_folder_name_is_refused() {
    let tmp = TempDir::new().unwrap();
    let escape = write(
        tmp.path(),
        "escape.toml",
        &format!("name = \"../escaped\"\n{}", tiny_text()),
    );
    // Without --out the name would be the folder: output/../escaped.
    let r = run_in(
        tmp.path(),
        &[
            "run",
            &escape.display().to_string(),
            "--agents",
            "2000",
            "--months",
            "12",
            "--quiet",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("escape.toml") && r.stderr.contains("cannot name an output folder"),
        "{}",
        r.stderr
    );
    assert_eq!(names(tmp.path()), ["escape.toml"]);
    // `check` refuses what `run` could not write, and a name given by --set is named so.
    let r = run_in(tmp.path(), &["check", &escape.display().to_string()]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    let plain = write(tmp.path(), "plain.toml", &tiny_text());
    let r = run_in(
        tmp.path(),
        &[
            "check",
            &plain.display().to_string(),
            "--set",
            "name=\"..\"",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("error: --set name=\"..\": name = \"..\" cannot name an output folder"),
        "{}",
        r.stderr
    );
    // A name taken from the file's name is said to be so, with no line of the file to point
    // at; a name in another script is shown as written, and the rule says which letters.
    let spaced = write(tmp.path(), "my run.toml", &tiny_text());
    let r = run_in(tmp.path(), &["check", &spaced.display().to_string()]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!(
            "error: {}: the scenario has no `name`, so it takes its file's name, \"my run\"",
            spaced.display()
        )) && r.stderr.contains("rename the file"),
        "{}",
        r.stderr
    );
    let bengali = write(
        tmp.path(),
        "bn.toml",
        &format!("name = \"\u{9a2}\u{9be}\u{995}\u{9be}\"\n{}", tiny_text()),
    );
    let r = run_in(tmp.path(), &["check", &bengali.display().to_string()]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("name = \"\u{9a2}\u{9be}\u{995}\u{9be}\"")
            && r.stderr.contains("the letters a-z and A-Z"),
        "{}",
        r.stderr
    );
}

/// A two-point calibration of the baseline at `agents` agents over one `[[parameter]]` (its
/// lines), run with `extra` options into `<tmp>/cal`: what it printed, and that folder.
fn calibrate_baseline(
    tmp: &Path,
    agents: u32,
    parameter: &str,
    extra: &[&str],
) -> (crate::support::Ran, PathBuf) {
    let cfg = write(
        tmp,
        "fit.toml",
        &format!(
            "scenario = {:?}\npoints = 2\nreplicates = 1\nagents = {agents}\n\n[[parameter]]\n{parameter}\n",
            crate::support::baseline().display().to_string()
        ),
    );
    let out = tmp.join("cal");
    let (cfg, at) = (cfg.display().to_string(), out.display().to_string());
    let mut args = vec!["calibrate", &cfg, "--out", &at];
    args.extend_from_slice(extra);
    (run_in(tmp, &args), out)
}

/// A calibration whose points all lack a score (a target the run never reaches) has no best
/// point: it is refused, naming the targets, and writes nothing.
#[test]
fn a_calibration_with_no_point_scored_is_refused_and_names_the_targets() {
    let tmp = TempDir::new().unwrap();
    let (r, out) = calibrate_baseline(
        tmp.path(),
        300,
        "key = \"aspiration.p_base\"\nmin = 0.01\nmax = 0.02",
        &["--months", "12"],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("no point could be scored: no simulated value for T"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

/// A calibration parameter that takes whole numbers has its values rounded, as a sweep's are,
/// instead of failing at a point's `--set`.
#[test]
fn a_whole_number_calibration_parameter_is_rounded() {
    let tmp = TempDir::new().unwrap();
    let (r, out) = calibrate_baseline(
        tmp.path(),
        5000,
        "key = \"destination.malaysia.contract_months\"\nmin = 20.3\nmax = 30.7",
        &["--quiet"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // --quiet: the best point only, no `wrote` line.
    assert!(!r.stdout.contains("wrote"), "{}", r.stdout);
    assert!(!r.stdout.trim().is_empty(), "the best point is printed");
    let (header, rows) = crate::support::read_csv(&out.join("calibration.csv"));
    let col = header
        .iter()
        .position(|h| h == "destination.malaysia.contract_months")
        .expect("the parameter's column");
    for row in &rows {
        let v: f64 = row[col].parse().unwrap();
        assert!(v == v.round() && (20.0..=31.0).contains(&v), "{v}");
    }
}

/// A calibration (and a sweep) gives its runs the seed and replicates of its configuration, so
/// a `--set` of either is refused as such, naming the configuration's key, not as a clash with
/// a `--seed` the user never gave.
#[test]
fn a_set_of_a_key_a_calibration_or_sweep_configures_is_refused_naming_where_it_is_given() {
    let tmp = TempDir::new().unwrap();
    for set in ["seed=5", "replicates=3"] {
        let (r, out) = calibrate_baseline(
            tmp.path(),
            300,
            "key = \"aspiration.p_base\"\nmin = 0.01\nmax = 0.02",
            &["--set", set],
        );
        let key = set.split('=').next().unwrap();
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(
            r.stderr.starts_with(&format!(
                "error: --set {set}: the runs of {} take their {key} from its `{key}` key or from --{key}",
                tmp.path().join("fit.toml").display()
            )),
            "{}",
            r.stderr
        );
        assert!(!out.exists());
    }
    let sweep = write(
        tmp.path(),
        "s.toml",
        &format!(
            "baseline = {:?}\ndesign = \"grid\"\nlevels = 3\nreplicates = 1\nagents = 300\n\n[[parameter]]\nkey = \"aspiration.p_base\"\ndistribution = \"uniform\"\nlow = 0.01\nhigh = 0.02\n",
            crate::support::baseline().display().to_string()
        ),
    );
    let out = tmp.path().join("sw");
    let r = run_in(
        tmp.path(),
        &[
            "sweep",
            sweep.to_str().unwrap(),
            "--set",
            "seed=5",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!(
            "error: --set seed=5: the runs of {} take their seed from its `seed` key or from --seed",
            sweep.display()
        )),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

/// An `--out` that is a symbolic link to a folder (a scratch disk linked into the project, say)
/// is written through: the run lands where the link leads and the link stays a link. A link
/// that leads nowhere is refused.
#[cfg(unix)]
#[test]
fn an_out_that_is_a_link_is_written_through_and_a_dangling_one_is_refused() {
    let tmp = TempDir::new().unwrap();
    let real = tmp.path().join("scratch/run");
    run_ok(tmp.path(), &run_args(&tiny(), &real, 1));
    let link = tmp.path().join("linked");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    // Written as it is, and as a shell completes it, with a slash.
    let slashed = PathBuf::from(format!("{}/", link.display()));
    for (out, seed) in [(&link, 2), (&slashed, 5)] {
        run_ok(tmp.path(), &run_args(&tiny(), out, seed));
        let kind = fs::symlink_metadata(&link).unwrap().file_type();
        assert!(kind.is_symlink(), "{} left the link a link", out.display());
        let manifest = fs::read_to_string(real.join("manifest.json")).unwrap();
        assert!(
            manifest.contains(&format!("\"seed\": {seed}")),
            "the new run is in the link's folder: {manifest}"
        );
    }
    // An empty folder behind a link, too.
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let to_empty = tmp.path().join("to-empty");
    std::os::unix::fs::symlink(&empty, &to_empty).unwrap();
    run_ok(tmp.path(), &run_args(&tiny(), &to_empty, 3));
    assert!(empty.join("summary.csv").is_file());
    // A dangling link.
    let dangling = tmp.path().join("dangling");
    std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).unwrap();
    let args = run_args(&tiny(), &dangling, 4);
    let r = run_strings(tmp.path(), &args);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is a link to"), "{}", r.stderr);
    assert!(
        fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(!tmp.path().join("nowhere").exists());
}

/// A `report.html` of one's own in an output folder is not deleted by the next run into it:
/// the run refuses, as `report` does.
#[test]
fn a_run_does_not_delete_a_report_html_crossroads_did_not_write() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("r");
    run_ok(tmp.path(), &run_args(&tiny(), &out, 1));
    fs::write(out.join("report.html"), "<html>my notes</html>").unwrap();
    let args = run_args(&tiny(), &out, 2);
    let r = run_strings(tmp.path(), &args);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("not a report crossroads wrote"),
        "{}",
        r.stderr
    );
    assert_eq!(
        fs::read_to_string(out.join("report.html")).unwrap(),
        "<html>my notes</html>"
    );
    // A report crossroads wrote goes with the run it describes.
    fs::remove_file(out.join("report.html")).unwrap();
    let r = run_in(tmp.path(), &["report", out.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    run_ok(tmp.path(), &run_args(&tiny(), &out, 3));
}

/// An `--out` below a file cannot be written (exit code 1, as any output path that cannot be
/// made), and the message says which path is the file.
#[test]
fn an_out_below_a_file_names_the_file() {
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "afile", "x");
    let args = run_args(&tiny(), &file.join("sub"), 1);
    let r = run_strings(tmp.path(), &args);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("{} is a file, not a folder", file.display())),
        "{}",
        r.stderr
    );
    let svg = file.join("routes.svg");
    let r = run_in(
        tmp.path(),
        &[
            "map",
            tiny().to_str().unwrap(),
            "--out",
            svg.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("is a file, not a folder"), "{}", r.stderr);
}

/// `run --out` refuses a scenario's folder inside a comparison (the comparison's tables describe
/// it), a sweep's folder (saying what it is), and a name too long to write beside.
#[test]
fn a_run_does_not_replace_a_comparisons_scenario_a_sweep_or_an_overlong_name() {
    let tmp = TempDir::new().unwrap();
    let cmp = tmp.path().join("cmp");
    let r = run_in(
        tmp.path(),
        &[
            "compare",
            tiny().to_str().unwrap(),
            "--what-if",
            "policy.awareness.coverage_share=0.02",
            "--agents",
            "300",
            "--months",
            "6",
            "--replicates",
            "1",
            "--quiet",
            "--out",
            cmp.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let inside = cmp.join("tiny");
    assert!(inside.join("manifest.json").is_file());
    let before = snapshot(&cmp);
    let args = run_args(&tiny(), &inside, 9);
    let r = run_strings(tmp.path(), &args);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("is inside the comparison"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&cmp), before, "the comparison is untouched");
    // A sweep's folder.
    let sweep = tmp.path().join("sw");
    fs::create_dir(&sweep).unwrap();
    fs::write(sweep.join("sweep.json"), "{}").unwrap();
    let args = run_args(&tiny(), &sweep, 9);
    let r = run_strings(tmp.path(), &args);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is a sweep's folder"), "{}", r.stderr);
    // A name of 240 bytes.
    let long = tmp.path().join("a".repeat(240));
    let args = run_args(&tiny(), &long, 9);
    let r = run_strings(tmp.path(), &args);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("at most 235"), "{}", r.stderr);
}
