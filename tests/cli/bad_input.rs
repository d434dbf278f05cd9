//! Bad input through the real program: every mistake a user can make in a scenario file, in
//! `--set` or in the run options ends with exit code 2 and one message on stderr that starts
//! `error: ` and names the file (with `line:col` where there is one), the key and what is allowed,
//! and no output file is written. An output folder that cannot be written ends with exit code 1,
//! again with no output. `check` accepts the fixture and rejects what `run` rejects.

use crate::support::{Ran, edit, fixture, fixture_text, line_of, run_in, write};
use std::fs;
use std::path::Path;
use tempfile::TempDir;

/// Every file under `dir`, recursively (relative paths).
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// `crossroads run SCENARIO ...` in `tmp`, writing to `tmp/out`; asserts exit code `code`, one
/// `error: ` message, no panic, and that no output was written (the out folder is absent or
/// empty, and no file other than `keep` exists under `tmp`). Returns stderr.
pub(crate) fn run_fails(
    tmp: &TempDir,
    scenario: &str,
    extra: &[&str],
    code: i32,
    keep: &[&str],
) -> String {
    let out = tmp.path().join("out");
    let out_s = out.display().to_string();
    let mut args = vec!["run", scenario, "--out", &out_s, "--quiet"];
    // Small runs, unless the test is about these very options.
    for (flag, v) in [("--agents", "2000"), ("--replicates", "1")] {
        if !extra.contains(&flag) {
            args.extend([flag, v]);
        }
    }
    args.extend_from_slice(extra);
    let r = run_in(tmp.path(), &args);
    check_failure(&r, code, &format!("crossroads {}", args.join(" ")));
    if out.exists() {
        assert!(out.is_dir(), "--out {} is not a folder", out.display());
        assert!(
            files_under(&out).is_empty(),
            "output written despite the error: {:?}",
            files_under(&out)
        );
    }
    let stray: Vec<String> = files_under(tmp.path())
        .into_iter()
        .filter(|f| !keep.iter().any(|k| f == k))
        .collect();
    assert!(
        stray.is_empty(),
        "files written despite the error: {stray:?}\nstderr: {}",
        r.stderr
    );
    r.stderr
}

pub(crate) fn check_failure(r: &Ran, code: i32, command: &str) {
    assert_eq!(
        r.code,
        Some(code),
        "{command}\nexpected exit code {code}\nstdout:\n{}\nstderr:\n{}",
        r.stdout,
        r.stderr
    );
    assert!(
        r.stderr.starts_with("error: "),
        "{command}\nstderr must start with `error: `:\n{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("error:").count(),
        1,
        "{command}\nexactly one error message expected:\n{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("panicked"),
        "{command}\nthe program panicked:\n{}",
        r.stderr
    );
    assert!(
        !r.stdout.contains("scenario is valid"),
        "{command}\nclaims the scenario is valid:\n{}",
        r.stdout
    );
}

/// Asserts `stderr` contains every one of `needles`.
pub(crate) fn mentions(stderr: &str, needles: &[&str]) {
    for n in needles {
        assert!(
            stderr.contains(n),
            "the error message should mention {n:?}:\n{stderr}"
        );
    }
}

/// Asserts `stderr` locates the error at `file:line:col`.
pub(crate) fn located(stderr: &str, file: &str, line: usize) {
    let at = format!("{file}:{line}:");
    let ok = stderr
        .match_indices(&at)
        .any(|(i, _)| stderr[i + at.len()..].starts_with(|c: char| c.is_ascii_digit()));
    assert!(
        ok,
        "the error message should locate the error as {at}<col>:\n{stderr}"
    );
}

/// A copy of the fixture with one edit, in `tmp`; returns (path, text).
pub(crate) fn edited(tmp: &TempDir, name: &str, old: &str, new: &str) -> (String, String) {
    let text = edit(&fixture_text(), old, new);
    let p = write(tmp.path(), name, &text);
    (p.display().to_string(), text)
}

#[test]
fn check_accepts_the_fixture_and_its_overrides() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    for extra in [
        vec![],
        vec![
            "--set",
            "policy.awareness.coverage_share=0.5",
            "--set",
            "leg.libya-italy.p_death=0.2",
        ],
    ] {
        let mut args = vec!["check", f.as_str()];
        args.extend(extra.iter().copied());
        let r = run_in(tmp.path(), &args);
        assert_eq!(
            r.code,
            Some(0),
            "crossroads {}\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        assert_eq!(
            r.stdout.trim_end().lines().last(),
            Some("scenario is valid"),
            "stdout:\n{}",
            r.stdout
        );
    }
    assert!(
        files_under(tmp.path()).is_empty(),
        "check must not write files"
    );
}

/// A valid scenario from which nobody can leave (no recruiter left to sell a route) is still
/// valid, but `check` says so; the fixture itself draws no warning.
#[test]
fn check_warns_when_nobody_can_leave() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let warned = |extra: &[&str]| {
        let mut args = vec!["check", f.as_str()];
        args.extend_from_slice(extra);
        let r = run_in(tmp.path(), &args);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.stdout.contains("warning: ") && r.stdout.contains("nobody can leave")
    };
    assert!(!warned(&[]));
    assert!(warned(&[
        "--set",
        "recruiter.agency.count=0",
        "--set",
        "recruiter.fraud.count=0",
        "--set",
        "recruiter.network.count=0",
    ]));
}

#[test]
fn check_warns_of_a_sampling_stratum_that_draws_nobody() {
    let tmp = TempDir::new().unwrap();
    let strata = |second: &str| {
        write(
            tmp.path(),
            "st.toml",
            &format!(
                "extends = {:?}\nname = \"st\"\n[[stratum]]\nid = \"women\"\nwomen = true\noversample = 2\n[[stratum]]\nid = \"second\"\n{second}\noversample = 4\n",
                fixture().display().to_string()
            ),
        )
    };
    let warnings = |file: &std::path::Path, extra: &[&str]| {
        let f = file.display().to_string();
        let mut args = vec!["check", f.as_str()];
        args.extend_from_slice(extra);
        let r = run_in(tmp.path(), &args);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.stdout
            .lines()
            .filter(|l| l.contains("warning: stratum"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    // Men online: drawn. Women online: all taken by the first stratum.
    assert!(warnings(&strata("women = false\nonline = true"), &[]).is_empty());
    let w = warnings(&strata("women = true\nonline = true"), &[]);
    assert!(
        w.len() == 1
            && w[0].contains("\"second\" draws nobody")
            && w[0].contains("\"women\" first"),
        "{w:?}"
    );
    // A trait the population gives nobody.
    let w = warnings(
        &strata("women = false\nonline = true"),
        &["--set", "population.women_share=0"],
    );
    assert!(
        w.len() == 1 && w[0].contains("population.women_share = 0"),
        "{w:?}"
    );
}

#[test]
fn check_rejects_what_run_rejects() {
    let tmp = TempDir::new().unwrap();
    let (path, text) = edited(
        &tmp,
        "e2e_check.toml",
        "p_identify = 0.01",
        "p_identify = 1.5",
    );
    let r = run_in(tmp.path(), &["check", &path]);
    check_failure(&r, 2, "crossroads check e2e_check.toml");
    mentions(&r.stderr, &["e2e_check.toml", "p_identify"]);
    located(&r.stderr, "e2e_check.toml", line_of(&text, "p_identify"));
    let f = fixture().display().to_string();
    let r = run_in(
        tmp.path(),
        &["check", &f, "--set", "population.awareness_mean=2"],
    );
    check_failure(
        &r,
        2,
        "crossroads check small.toml --set population.awareness_mean=2",
    );
    mentions(&r.stderr, &["awareness_mean"]);
}

#[test]
fn missing_scenario_file_is_bad_input() {
    let tmp = TempDir::new().unwrap();
    let p = tmp
        .path()
        .join("e2e_no_such_scenario.toml")
        .display()
        .to_string();
    let err = run_fails(&tmp, &p, &[], 2, &[]);
    mentions(&err, &["e2e_no_such_scenario.toml"]);
}

#[test]
fn directory_as_scenario_is_bad_input() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path().join("e2e_a_folder.toml");
    fs::create_dir(&d).unwrap();
    let err = run_fails(&tmp, &d.display().to_string(), &[], 2, &[]);
    mentions(&err, &["e2e_a_folder.toml"]);
}

#[test]
fn empty_scenario_file_is_bad_input() {
    let tmp = TempDir::new().unwrap();
    let p = write(tmp.path(), "e2e_empty.toml", "");
    let err = run_fails(&tmp, &p.display().to_string(), &[], 2, &["e2e_empty.toml"]);
    mentions(&err, &["e2e_empty.toml"]);
}

#[test]
fn non_toml_file_is_bad_input_with_its_line() {
    let tmp = TempDir::new().unwrap();
    let text = "name = \"x\"\nstart = \"2022-01\"\nthis is not toml, it is prose\n";
    let p = write(tmp.path(), "e2e_prose.toml", text);
    let err = run_fails(&tmp, &p.display().to_string(), &[], 2, &["e2e_prose.toml"]);
    located(&err, "e2e_prose.toml", 3);
}

#[test]
fn unknown_top_level_key_is_named_with_its_line() {
    let tmp = TempDir::new().unwrap();
    let (p, text) = edited(
        &tmp,
        "e2e_top.toml",
        "\nmonths = 36\n",
        "\nmonths = 36\nmonthz = 10\n",
    );
    let err = run_fails(&tmp, &p, &[], 2, &["e2e_top.toml"]);
    mentions(&err, &["e2e_top.toml", "monthz"]);
    located(&err, "e2e_top.toml", line_of(&text, "monthz"));
}

#[test]
fn unknown_nested_key_is_named_with_its_line_and_the_allowed_keys() {
    let tmp = TempDir::new().unwrap();
    let (p, text) = edited(
        &tmp,
        "e2e_nested.toml",
        "[policy.awareness]\n",
        "[policy.awareness]\ncoverag_share = 0.1\n",
    );
    let err = run_fails(&tmp, &p, &[], 2, &["e2e_nested.toml"]);
    // What is allowed: the key that was meant is among the suggestions.
    mentions(
        &err,
        &["e2e_nested.toml", "coverag_share", "coverage_share"],
    );
    located(&err, "e2e_nested.toml", line_of(&text, "coverag_share"));
}

#[test]
fn unknown_key_in_a_child_scenario_names_the_child() {
    let tmp = TempDir::new().unwrap();
    let text = format!(
        "extends = {:?}\n\n[policy.awareness]\ncoverag_share = 0.1\n",
        fixture().display().to_string()
    );
    let p = write(tmp.path(), "e2e_child.toml", &text);
    let err = run_fails(&tmp, &p.display().to_string(), &[], 2, &["e2e_child.toml"]);
    mentions(&err, &["e2e_child.toml", "coverag_share"]);
    located(&err, "e2e_child.toml", 4);
}

#[test]
fn wrong_type_is_named_with_its_line() {
    let tmp = TempDir::new().unwrap();
    let (p, text) = edited(
        &tmp,
        "e2e_type.toml",
        "\nmonths = 36\n",
        "\nmonths = \"ten\"\n",
    );
    let err = run_fails(&tmp, &p, &[], 2, &["e2e_type.toml"]);
    mentions(&err, &["e2e_type.toml", "months"]);
    located(&err, "e2e_type.toml", line_of(&text, "months ="));
}

#[test]
fn probability_above_one_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let (p, text) = edited(
        &tmp,
        "e2e_prob.toml",
        "p_identify = 0.01",
        "p_identify = 1.5",
    );
    let err = run_fails(&tmp, &p, &[], 2, &["e2e_prob.toml"]);
    mentions(
        &err,
        &["e2e_prob.toml", "p_identify", "1.5", "must be", "[0, 1]"],
    );
    located(&err, "e2e_prob.toml", line_of(&text, "p_identify"));
}

#[test]
fn share_below_zero_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let (p, text) = edited(
        &tmp,
        "e2e_share.toml",
        "women_share = 0.3",
        "women_share = -0.1",
    );
    let err = run_fails(&tmp, &p, &[], 2, &["e2e_share.toml"]);
    mentions(
        &err,
        &["e2e_share.toml", "women_share", "-0.1", "must be", "[0, 1]"],
    );
    located(&err, "e2e_share.toml", line_of(&text, "women_share"));
}

#[test]
fn negative_money_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let (p, text) = edited(&tmp, "e2e_money.toml", "fee_usd = 4500", "fee_usd = -100");
    let err = run_fails(&tmp, &p, &[], 2, &["e2e_money.toml"]);
    mentions(&err, &["e2e_money.toml", "fee_usd", "-100", "must be"]);
    located(&err, "e2e_money.toml", line_of(&text, "fee_usd = -100"));
}

#[test]
fn extends_cycle_is_rejected() {
    let tmp = TempDir::new().unwrap();
    write(
        tmp.path(),
        "e2e_a.toml",
        "extends = \"e2e_b.toml\"\nmonths = 12\n",
    );
    write(
        tmp.path(),
        "e2e_b.toml",
        "extends = \"e2e_a.toml\"\nmonths = 24\n",
    );
    let a = tmp.path().join("e2e_a.toml").display().to_string();
    let err = run_fails(&tmp, &a, &[], 2, &["e2e_a.toml", "e2e_b.toml"]);
    mentions(&err, &["extends"]);
    assert!(
        err.contains("e2e_a.toml") && err.contains("e2e_b.toml"),
        "a cycle should name the files in it:\n{err}"
    );
}

#[test]
fn missing_parent_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let p = write(
        tmp.path(),
        "e2e_orphan.toml",
        "extends = \"e2e_no_such_parent.toml\"\nmonths = 12\n",
    );
    let err = run_fails(&tmp, &p.display().to_string(), &[], 2, &["e2e_orphan.toml"]);
    mentions(&err, &["e2e_orphan.toml", "e2e_no_such_parent.toml"]);
}

#[test]
fn set_to_an_unknown_key_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let err = run_fails(
        &tmp,
        &f,
        &["--set", "policy.awareness.coverag_share=0.5"],
        2,
        &[],
    );
    mentions(&err, &["--set", "coverag_share", "coverage_share"]);
}

#[test]
fn set_to_an_unknown_id_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let err = run_fails(
        &tmp,
        &f,
        &["--set", "destination.atlantis.jobs_per_month=0"],
        2,
        &[],
    );
    // What is allowed: the ids that exist.
    mentions(&err, &["--set", "atlantis", "saudi_arabia"]);
}

#[test]
fn set_out_of_range_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let err = run_fails(&tmp, &f, &["--set", "leg.libya-italy.p_death=1.5"], 2, &[]);
    mentions(&err, &["--set", "p_death", "1.5", "[0, 1]"]);
    let err = run_fails(&tmp, &f, &["--set", "route.saudi.fee_usd=-5"], 2, &[]);
    mentions(&err, &["--set", "fee_usd", "-5", "must be"]);
}

#[test]
fn set_of_the_wrong_type_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let err = run_fails(
        &tmp,
        &f,
        &["--set", "destination.saudi_arabia.contract_months=long"],
        2,
        &[],
    );
    mentions(&err, &["contract_months"]);
}

#[test]
fn set_without_a_value_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let err = run_fails(
        &tmp,
        &f,
        &["--set", "policy.awareness.coverage_share"],
        2,
        &[],
    );
    mentions(&err, &["policy.awareness.coverage_share"]);
}

#[test]
fn event_setting_an_unknown_path_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let (p, _) = edited(
        &tmp,
        "e2e_event.toml",
        "\"destination.saudi_arabia.jobs_per_month\" = 10000",
        "\"destination.atlantis.jobs_per_month\" = 10000",
    );
    let err = run_fails(&tmp, &p, &[], 2, &["e2e_event.toml"]);
    mentions(&err, &["e2e_event.toml", "atlantis"]);
}

#[test]
fn zero_agents_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let err = run_fails(&tmp, &f, &["--agents", "0"], 2, &[]);
    mentions(&err, &["--agents", "at least 1"]);
}

#[test]
fn zero_months_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let err = run_fails(&tmp, &f, &["--months", "0"], 2, &[]);
    mentions(&err, &["--months", "at least 1"]);
}

#[test]
fn zero_replicates_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let err = run_fails(&tmp, &f, &["--replicates", "0"], 2, &[]);
    mentions(&err, &["--replicates", "at least 1"]);
}

#[test]
fn non_numeric_agents_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let err = run_fails(&tmp, &f, &["--agents", "many"], 2, &[]);
    mentions(&err, &["--agents", "many"]);
}

/// A negative number given to a counting option is read as the option's value and refused with
/// what is allowed, not taken for an unknown option ("unexpected argument '-5'") or refused with
/// the type's range ("not in 0..=4294967295").
#[test]
fn a_negative_count_is_refused_with_what_is_allowed() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    for (flag, allowed) in [
        ("--agents", "a whole number of agents"),
        ("--replicates", "a whole number of replicates, 1 to 10000"),
        ("--seed", "a whole number from 0"),
        ("--months", "a whole number of months, at least 1"),
        ("--threads", "a whole number of threads, at least 1"),
    ] {
        let err = run_fails(&tmp, &f, &[flag, "-5"], 2, &[]);
        mentions(&err, &[flag, "\"-5\"", allowed]);
        assert!(!err.contains("unexpected argument"), "{err}");
    }
    let err = run_fails(&tmp, &f, &["--months", "5000000000"], 2, &[]);
    mentions(&err, &["--months", "5000000000 is too large for"]);
}

#[test]
fn unwritable_output_path_fails_with_code_1_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    let blocker = tmp.path().join("blocker");
    fs::write(&blocker, "a regular file\n").unwrap();
    let out = blocker.join("out").display().to_string();
    let f = fixture().display().to_string();
    let args = [
        "run",
        f.as_str(),
        "--out",
        out.as_str(),
        "--agents",
        "2000",
        "--replicates",
        "1",
        "--quiet",
    ];
    let r = run_in(tmp.path(), &args);
    check_failure(&r, 1, &format!("crossroads {}", args.join(" ")));
    mentions(&r.stderr, &["blocker"]);
    assert_eq!(
        files_under(tmp.path()),
        ["blocker"],
        "nothing but the blocking file may exist"
    );
    assert_eq!(
        fs::read_to_string(&blocker).unwrap(),
        "a regular file\n",
        "the blocking file was changed"
    );
}

/// A malformed argument is one line (what is wrong, with which flag) and exit 2, like any other
/// bad input; nothing is written.
#[test]
fn a_malformed_argument_is_one_line_and_exit_2() {
    let tmp = TempDir::new().expect("temp dir");
    let fixture = crate::support::fixture().display().to_string();
    let err = run_fails(&tmp, &fixture, &["--agents", "many"], 2, &[]);
    mentions(&err, &["'many'", "--agents"]);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    let r = run_in(tmp.path(), &["frobnicate"]);
    check_failure(&r, 2, "crossroads frobnicate");
    assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
}

#[test]
fn standard_output_that_cannot_be_written_is_an_error_and_a_reader_that_left_is_not() {
    use std::process::Stdio;
    // A full device: an error naming standard output, exit code 1, never a panic (101).
    let full = fs::OpenOptions::new().write(true).open("/dev/full");
    if let Ok(full) = full {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_crossroads"))
            .args(["check", fixture().to_str().unwrap()])
            .stdout(Stdio::from(full))
            .output()
            .expect("spawn crossroads");
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("error: writing to standard output"),
            "{err}"
        );
    }
    // A reader that has gone before the first line: the command's work is done, exit code 0.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_crossroads"))
        .args(["check", fixture().to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn crossroads");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for crossroads");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_same_key_given_twice_is_reported_in_order_or_refused_when_option_and_set_disagree() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let key = "policy.awareness.coverage_share";
    let (a, b) = (format!("{key}=0.5"), format!("{key}=0.9"));
    let r = run_in(tmp.path(), &["check", &f, "--set", &a, "--set", &b]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().filter(|l| l.contains(key)).collect();
    assert!(
        lines.len() >= 2
            && lines[0]
                .trim()
                .ends_with("-> 0.5 (replaced by a later --set of the same key)")
            && lines[1].trim() == format!("{key}: 0.5 -> 0.9"),
        "{lines:?}"
    );
    // An option and a --set of the same run setting that disagree are refused, not resolved
    // silently one way.
    for (option, set) in [
        (["--months", "12"], "months=24"),
        (["--replicates", "2"], "replicates=5"),
        (["--seed", "3"], "seed=4"),
    ] {
        let out = tmp.path().join("o");
        let r = run_in(
            tmp.path(),
            &[
                "run",
                &f,
                option[0],
                option[1],
                "--set",
                set,
                "--agents",
                "300",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, Some(2), "{option:?} {set}: {}", r.stderr);
        assert!(
            r.stderr.starts_with(&format!(
                "error: {} {} and --set {set} disagree",
                option[0], option[1]
            )),
            "{}",
            r.stderr
        );
        assert!(!out.exists());
    }
}

#[test]
fn check_warns_of_two_events_of_one_month_that_set_a_key_to_different_values() {
    let tmp = TempDir::new().unwrap();
    let events = |second: f64| {
        write(
            tmp.path(),
            "ev.toml",
            &format!(
                "extends = {:?}\nname = \"ev\"\n[[event]]\nmonth = 2\nset = {{ \"policy.awareness.coverage_share\" = 0.5 }}\n[[event]]\nmonth = 2\nset = {{ \"policy.awareness.coverage_share\" = {second} }}\n",
                fixture().display().to_string()
            ),
        )
    };
    let warned = |file: &std::path::Path| {
        let r = run_in(tmp.path(), &["check", file.to_str().unwrap()]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.stdout
            .lines()
            .filter(|l| l.contains("warning: two events"))
            .count()
    };
    assert_eq!(warned(&events(0.5)), 0, "the same value twice is no clash");
    assert_eq!(warned(&events(0.7)), 1);
}

/// A name that no longer resolves because a `--set` removed or renamed what it names is blamed
/// on that `--set`, not on the file's line that names it (which the user did not change).
#[test]
fn a_reference_broken_by_a_set_is_blamed_on_the_set() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    for (set, then) in [
        (
            "route=[]",
            "recruiter.agency.routes: route \"saudi\" must be one of: (none defined)",
        ),
        (
            "location.dhaka.id=\"capital\"",
            "leg.dhaka-saudi.from = \"dhaka\" must be one of: capital,",
        ),
        (
            "leg.libya-italy.id=\"sea\"",
            "route.libya-italy.legs: leg \"libya-italy\" must be one of:",
        ),
        (
            "location.italy.kind=\"hub\"",
            "destination.italy.id = \"italy\" must also be a [[location]] of kind destination",
        ),
    ] {
        let r = run_in(tmp.path(), &["check", &f, "--set", set]);
        assert_eq!(r.code, Some(2), "{set}: {}", r.stderr);
        assert!(
            r.stderr.starts_with(&format!("error: --set {set}: {then}")),
            "{set}: {}",
            r.stderr
        );
    }
    // The same for a calibration target's parameter whose list a --set emptied.
    let base = crate::support::baseline().display().to_string();
    let r = run_in(tmp.path(), &["check", &base, "--set", "lender=[]"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("error: --set lender=[]: observed.target.")
            && r.stderr.contains(".parameter = \"lender."),
        "{}",
        r.stderr
    );
    // A reference the file itself breaks is still shown at the file's line, whatever else a
    // --set changes.
    let broken = write(
        tmp.path(),
        "broken.toml",
        &format!(
            "extends = {f:?}\nname = \"broken\"\n[[recruiter]]\nid = \"agency\"\nroutes = [\"nowhere\"]\n"
        ),
    );
    let r = run_in(
        tmp.path(),
        &[
            "check",
            broken.to_str().unwrap(),
            "--set",
            "route.saudi.fee_usd=4000",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!(
            "error: {}:5:1: recruiter.agency.routes: route \"nowhere\"",
            broken.display()
        )),
        "{}",
        r.stderr
    );
}

/// District pool shares that do not add up to 1 are used as weights: `check` says so, with the
/// shares they come to, and says nothing when they add up.
#[test]
fn check_warns_when_the_districts_pool_shares_do_not_add_up_to_one() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let r = run_in(
        tmp.path(),
        &["check", &f, "--set", "district.border.pool_share=0.5"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "warning: the districts' pool_share add up to 1.1000, not 1: each is used divided by that sum (central 0.5455, border 0.4545)"
        ),
        "{}",
        r.stdout
    );
    let r = run_in(tmp.path(), &["check", &f]);
    assert!(!r.stdout.contains("pool_share add up"), "{}", r.stdout);
}

/// A path that is not UTF-8 (a file name in Latin-1, say) is a path like any other: `check` and
/// `run` read it, and a `--quiet` after it is still seen, where the program used to panic.
#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_is_read_not_a_panic() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let tmp = TempDir::new().unwrap();
    let name = OsStr::from_bytes(b"\xe9t\xe9.toml");
    fs::write(tmp.path().join(name), fixture_text()).unwrap();
    let out = crate::support::crossroads()
        .current_dir(tmp.path())
        .arg("check")
        .arg(name)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let out = crate::support::crossroads()
        .current_dir(tmp.path())
        .arg("run")
        .arg(name)
        .args([
            "--agents",
            "200",
            "--months",
            "3",
            "--replicates",
            "1",
            "--out",
        ])
        .arg(OsStr::from_bytes(b"r\xff"))
        .arg("--quiet")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.lines().all(|l| l.starts_with("note: ")),
        "--quiet is honoured (notes only): {stderr}"
    );
    assert!(
        tmp.path()
            .join(OsStr::from_bytes(b"r\xff"))
            .join("summary.csv")
            .is_file()
    );
}
