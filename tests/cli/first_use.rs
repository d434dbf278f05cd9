//! The command line as a first-time user meets it: a what-if compared without writing a
//! scenario, `check` showing what `--set` changed and the event timeline, events whose mistakes
//! are named plainly, progress told line by line when there is no terminal, and a terminal table
//! whose columns stay aligned, and a run cut short by `--months` that says which events it leaves
//! out.

use crate::support::*;
use tempfile::TempDir;

#[test]
fn a_what_if_is_compared_with_the_baseline_on_the_same_draws() {
    let dir = TempDir::new().unwrap();
    let fx = fixture();
    let out = dir.path().join("cmp");
    let r = run_in(
        dir.path(),
        &[
            "compare",
            fx.to_str().unwrap(),
            "--what-if",
            "policy.awareness.coverage_share=0.02",
            "--what-if",
            "policy.recruitment.fee_cap_usd=800;policy.recruitment.p_cap_enforcement=0.1",
            "--agents",
            "2000",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let same = "what-if_policy.awareness.coverage_share-0.02";
    let capped =
        "what-if_policy.recruitment.fee_cap_usd-800_and_policy.recruitment.p_cap_enforcement-0.1";
    assert!(out.join(same).is_dir() && out.join(capped).is_dir());
    let (head, rows) = read_csv(&out.join("comparison.csv"));
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let diff = |scenario: &str, metric: &str| {
        rows.iter()
            .find(|r| {
                r[col("scenario")] == scenario
                    && r[col("metric")] == metric
                    && r[col("by")].is_empty()
            })
            .and_then(|r| cell(&r[col("diff_mean")]))
            .unwrap()
    };
    // The baseline's own value: exactly the baseline, draw for draw.
    for metric in [
        "trafficked_per_year",
        "debt_bondage_per_year",
        "mean_migration_cost_usd",
    ] {
        assert_eq!(diff(same, metric), 0.0, "{metric}");
    }
    assert!(
        diff(capped, "mean_migration_cost_usd") < 0.0,
        "a lower, enforced cap costs less"
    );
    // A what-if without a value is refused before anything runs.
    let r = run_in(
        dir.path(),
        &[
            "compare",
            fx.to_str().unwrap(),
            "--what-if",
            "policy.awareness.coverage_share",
        ],
    );
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("KEY=VALUE"), "{}", r.stderr);
}

#[test]
fn check_shows_what_set_changed_the_levers_and_the_timeline() {
    let dir = TempDir::new().unwrap();
    let fx = fixture();
    let policy = write(
        dir.path(),
        "p.toml",
        &format!(
            "extends = {:?}\nname = \"p\"\n[[event]]\ndate = \"2024-01\"\nnote = \"later\"\nset = {{ \"policy.awareness.coverage_share\" = 0.4 }}\n[[event]]\ndate = \"2023-01\"\nset = {{ \"policy.recruitment.fee_cap_usd\" = 900 }}\n",
            fx.display().to_string()
        ),
    );
    let r = run_in(
        dir.path(),
        &[
            "check",
            policy.to_str().unwrap(),
            "--set",
            "policy.awareness.coverage_share=0.3",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let out = &r.stdout;
    assert!(
        out.contains(
            "policy.awareness.coverage_share: 0.02 -> 0.3 (an event sets it again from 2024-01"
        ),
        "{out}"
    );
    assert!(
        out.contains("policy.recruitment: ") && out.contains("fee_cap_usd = 1500"),
        "{out}"
    );
    // The timeline in date order, whatever the order in the file.
    let a = out
        .find("2023-01  policy.recruitment.fee_cap_usd = 900")
        .expect(out);
    let b = out
        .find("2024-01  policy.awareness.coverage_share = 0.4  (later)")
        .expect(out);
    assert!(a < b, "{out}");
}

#[test]
fn event_mistakes_name_the_file_and_the_fix() {
    let dir = TempDir::new().unwrap();
    let fx = fixture().display().to_string();
    let date = write(
        dir.path(),
        "d.toml",
        &format!(
            "extends = {fx:?}\n[[event]]\ndate = 2023-01-01\nset = {{ \"policy.awareness.coverage_share\" = 0.3 }}\n"
        ),
    );
    let r = run_in(dir.path(), &["check", date.to_str().unwrap()]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("[[event]] 1 of")
            && r.stderr.contains("d.toml")
            && r.stderr.contains("date = \"2023-01\""),
        "{}",
        r.stderr
    );
    let late = write(
        dir.path(),
        "l.toml",
        &format!(
            "extends = {fx:?}\n[[event]]\ndate = \"2040-01\"\nset = {{ \"policy.awareness.coverage_share\" = 0.3 }}\n"
        ),
    );
    let r = run_in(dir.path(), &["check", late.to_str().unwrap()]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("after the horizon"), "{}", r.stderr);
    let bare = write(
        dir.path(),
        "b.toml",
        &format!("extends = {fx:?}\n[[event]]\ndate = \"2023-01\"\n"),
    );
    let r = run_in(dir.path(), &["check", bare.to_str().unwrap()]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("[[event]] 1 of") && r.stderr.contains("set is missing"),
        "{}",
        r.stderr
    );
}

#[test]
fn without_a_terminal_each_replicate_is_told_and_the_table_stays_aligned() {
    let dir = TempDir::new().unwrap();
    let fx = fixture();
    let out = dir.path().join("c");
    let r = run_in(
        dir.path(),
        &[
            "compare",
            fx.to_str().unwrap(),
            "--what-if",
            "policy.awareness.coverage_share=0.5",
            "--agents",
            "2000",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // The baseline and the what-if run together, one line for both at each replicate.
    for rep in ["replicate 1 of 2 done", "replicate 2 of 2 done"] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.starts_with("small and what-if_") && l.contains(rep)),
            "{}",
            r.stderr
        );
    }
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("wall ") && l.contains("agent-steps/s")),
        "{}",
        r.stdout
    );
    // Every full row of the first table ends at the same column, and shares are percentages.
    let first: Vec<&str> = r
        .stdout
        .lines()
        .skip_while(|l| !l.contains("difference [95% interval]"))
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && l.contains('['))
        .collect();
    assert!(first.len() > 10, "{}", r.stdout);
    let width = first[0].chars().count();
    assert!(
        first.iter().all(|l| l.chars().count() == width),
        "{}",
        first.join("\n")
    );
    assert!(
        first
            .iter()
            .any(|l| l.contains("share") && l.contains('%') && l.contains(" pp [")),
        "{}",
        first.join("\n")
    );
    let q = run_in(
        dir.path(),
        &[
            "run",
            fx.to_str().unwrap(),
            "--agents",
            "2000",
            "--quiet",
            "--out",
            dir.path().join("q").to_str().unwrap(),
        ],
    );
    assert!(!q.stderr.contains("replicate"), "--quiet: {}", q.stderr);
}

/// `--months` (or `--set months`) shorter than the scenario's own months ends the run before some
/// of its events: the run says which, once, and still runs, and `check` marks them; a run that
/// reaches every event says nothing of it.
#[test]
fn a_run_cut_short_by_months_names_the_events_it_leaves_out() {
    let dir = TempDir::new().unwrap();
    let run = |scenario: &std::path::Path, months: &str| {
        let out = dir.path().join(months);
        let r = run_in(
            dir.path(),
            &[
                "run",
                scenario.to_str().unwrap(),
                "--agents",
                "300",
                "--replicates",
                "1",
                "--months",
                months,
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.stderr
    };
    let short = run(&recommendation("5-enforcement.toml"), "12");
    assert_eq!(short.matches("note:").count(), 1, "{short}");
    for said in [
        "--months 12",
        "ends in 2022-12",
        "from 2023-01 to 2026-12",
        "do not happen",
    ] {
        assert!(short.contains(said), "{said:?} not in: {short}");
    }
    let whole = run(&baseline(), "36");
    assert!(!whole.contains("note:"), "{whole}");

    // `--set months` shortens the run as `--months` does, and `check` marks the events left out.
    let out = dir.path().join("set");
    let base = baseline();
    let base = base.to_str().unwrap();
    let args = [
        "--set",
        "months=12",
        "--agents",
        "300",
        "--replicates",
        "1",
        "--quiet",
    ];
    let set = run_in(
        dir.path(),
        &[
            &["run", base, "--out", out.to_str().unwrap()][..],
            &args[..],
        ]
        .concat(),
    );
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    assert!(
        set.stderr
            .contains("with months = 12 the run ends in 2022-12"),
        "{}",
        set.stderr
    );
    let checked = run_in(dir.path(), &["check", base, "--set", "months=12"]);
    assert_eq!(checked.code, Some(0), "{}", checked.stderr);
    let marked: Vec<&str> = checked
        .stdout
        .lines()
        .filter(|l| l.ends_with("[after the run's last month: does not happen]"))
        .collect();
    assert_eq!(marked.len(), 3, "{}", checked.stdout);
    assert!(
        marked.iter().all(|l| !l.trim_start().starts_with("2022")),
        "{marked:?}"
    );
}

/// A what-if given twice, or one that sets a key twice, is refused naming the --what-if; two
/// long what-ifs whose names would agree in the 200 characters kept get names of their own.
#[test]
fn what_ifs_that_repeat_are_refused_and_long_ones_are_told_apart() {
    let dir = TempDir::new().unwrap();
    let fx = fixture();
    let compare = |what_ifs: &[&str], out: &str| {
        let mut args = vec!["compare", fx.to_str().unwrap()];
        for w in what_ifs {
            args.extend(["--what-if", w]);
        }
        args.extend([
            "--agents",
            "300",
            "--months",
            "6",
            "--replicates",
            "1",
            "--quiet",
            "--out",
            out,
        ]);
        run_in(dir.path(), &args)
    };
    let w = "policy.awareness.coverage_share=0.02";
    let r = compare(&[w, w], "twice");
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is given twice"), "{}", r.stderr);
    let r = compare(
        &["policy.awareness.coverage_share=0.02;policy.awareness.coverage_share=0.03"],
        "key",
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("sets policy.awareness.coverage_share twice"),
        "{}",
        r.stderr
    );
    // Two what-ifs alike in their first 200 characters: one key set early, another at the end.
    let head = "policy.awareness.online_share=0.5;policy.awareness.decay_share_per_year=0.3;policy.awareness.effect_share=0.5;policy.awareness.cost_usd_per_person_online=1.5;policy.awareness.coverage_share=0.01";
    // As a folder name ("=" as "-", ";" as "_and_"), longer than the 200 characters kept.
    assert!(head.len() > 190, "{}", head.len());
    let a = format!("{head};policy.recruitment.p_cap_enforcement=0.1");
    let b = format!("{head};policy.recruitment.p_cap_enforcement=0.2");
    let r = compare(&[&a, &b], "long");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let names: Vec<String> = std::fs::read_dir(dir.path().join("long"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "the baseline and two what-ifs: {names:?}");
}
