//! `crossroads sweep` through the program: the tables agree with each other, a sweep killed
//! with SIGKILL resumes to the same bytes, shards merge to the same bytes as one run, the Slurm
//! scripts run the same sweep, and what cannot be merged or run is refused with a clear error.

use super::support::*;
use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tempfile::TempDir;

/// A policy scenario on the test fixture: a wide awareness campaign from 2023.
fn policy(dir: &Path) -> PathBuf {
    write(
        dir,
        "campaign.toml",
        &format!(
            "extends = {:?}\nname = \"campaign\"\n[[event]]\ndate = \"2023-01\"\nset = {{ \"policy.awareness.coverage_share\" = 0.6 }}\n",
            fixture().display().to_string()
        ),
    )
}

/// A sweep configuration over the fixture and the campaign: `design` lines, two parameters.
fn config(dir: &Path, name: &str, design: &str) -> PathBuf {
    policy(dir);
    write(
        dir,
        name,
        &format!(
            "baseline = {:?}
scenarios = [\"campaign.toml\"]
{design}
replicates = 2
agents = 2000
seed = 3
metrics = [\"trafficked_per_year\", \"irregular_departures_per_year\"]

[[parameter]]
key = \"policy.awareness.effect_share\"
distribution = \"uniform\"
low = 0.1
high = 0.6

[[parameter]]
key = \"choice.value_of_life_usd\"
distribution = \"log_uniform\"
low = 20000
high = 200000
",
            fixture().display().to_string()
        ),
    )
}

fn sweep_ok(cwd: &Path, args: &[&str]) -> Ran {
    let mut all = vec!["sweep"];
    all.extend(args);
    let r = run_in(cwd, &all);
    assert_eq!(
        r.code,
        Some(0),
        "crossroads {}: {}",
        all.join(" "),
        r.stderr
    );
    r
}

const TABLES: [&str; 4] = [
    "points.csv",
    "results.csv",
    "sensitivity.csv",
    "robustness.csv",
];

fn assert_same_tables(a: &Path, b: &Path) {
    for t in TABLES {
        let (x, y) = (fs::read(a.join(t)).unwrap(), fs::read(b.join(t)).unwrap());
        assert!(
            x == y,
            "{t} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Column `name` of a table's rows.
fn col<'a>(head: &[String], row: &'a [String], name: &str) -> &'a str {
    &row[head
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))]
}

#[test]
fn a_sobol_sweep_writes_tables_that_agree_with_each_other() {
    let dir = TempDir::new().unwrap();
    let cfg = config(dir.path(), "s.toml", "design = \"sobol\"\nn = 8");
    let out = dir.path().join("out");
    let r = sweep_ok(
        dir.path(),
        &[
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--report",
        ],
    );
    assert!(r.stdout.contains("keeps its sign"), "{}", r.stdout);
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        page.contains("<svg") && page.contains("campaign"),
        "the sweep's report"
    );
    // Point 0 (the scenarios as written) and N (k + 2) = 8 × 4 design points.
    let (head, points) = read_csv(&out.join("points.csv"));
    assert_eq!(
        head,
        [
            "point",
            "policy.awareness.effect_share",
            "choice.value_of_life_usd"
        ]
    );
    assert_eq!(points.len(), 1 + 32);
    assert_eq!(
        (cell(&points[0][1]), cell(&points[0][2])),
        (Some(0.3), Some(50000.0))
    );
    // Every point × scenario × replicate × metric, once.
    let (head, results) = read_csv(&out.join("results.csv"));
    assert_eq!(
        head,
        [
            "point",
            "scenario",
            "replicate",
            "period",
            "metric",
            "value"
        ]
    );
    assert_eq!(results.len(), 33 * 2 * 2 * 2);
    assert!(
        results.iter().all(|r| r[3] == "2023-2024"),
        "the policy years"
    );
    // The default effect in robustness.csv is the mean paired difference at point 0 in
    // results.csv.
    let at0 = |scenario: &str, metric: &str| -> Vec<f64> {
        results
            .iter()
            .filter(|r| r[0] == "0" && r[1] == scenario && r[4] == metric)
            .map(|r| cell(&r[5]).unwrap())
            .collect()
    };
    let (rh, rob) = read_csv(&out.join("robustness.csv"));
    assert_eq!(rob.len(), 2, "one row per policy scenario and metric");
    for row in &rob {
        let m = col(&rh, row, "metric");
        let (b, s) = (at0("small", m), at0("campaign", m));
        let d = (s[0] - b[0] + s[1] - b[1]) / 2.0;
        let written = cell(col(&rh, row, "default_effect")).unwrap();
        assert!(
            (written - d).abs() <= 1e-5 * d.abs().max(1.0),
            "{m}: {written} vs {d}"
        );
        let (n, same) = (col(&rh, row, "points"), col(&rh, row, "same_sign_points"));
        assert_eq!(n, "16", "robustness is judged on the 2N rows of A and B");
        let share = cell(col(&rh, row, "same_sign_share")).unwrap();
        assert!((share - same.parse::<f64>().unwrap() / 16.0).abs() < 1e-6);
    }
    // S1 and ST of each parameter for each scenario's metric, each inside its interval.
    let (sh, sens) = read_csv(&out.join("sensitivity.csv"));
    assert_eq!(
        sens.len(),
        2 * 2 * 2 * 2,
        "scenarios × metrics × parameters × (S1, ST)"
    );
    for row in &sens {
        let (e, lo, hi) = (
            cell(col(&sh, row, "estimate")).unwrap(),
            cell(col(&sh, row, "ci_low")).unwrap(),
            cell(col(&sh, row, "ci_high")).unwrap(),
        );
        assert!(lo <= hi && e.is_finite(), "{row:?}");
        let quantity = col(&sh, row, "quantity");
        let want = if col(&sh, row, "scenario") == "small" {
            "value"
        } else {
            "effect"
        };
        assert_eq!(quantity, want);
    }
}

#[test]
fn a_sweep_killed_with_sigkill_resumes_to_the_same_bytes_and_shards_merge_to_them_too() {
    let dir = TempDir::new().unwrap();
    let cfg = config(dir.path(), "l.toml", "design = \"lhs\"\nn = 24");
    let cfg = cfg.to_str().unwrap();
    // Uninterrupted, on two threads.
    let whole = dir.path().join("whole");
    sweep_ok(
        dir.path(),
        &[cfg, "--out", whole.to_str().unwrap(), "--threads", "2"],
    );

    // Killed after two points are logged, then resumed on one thread.
    let killed = dir.path().join("killed");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("crossroads"))
        .current_dir(dir.path())
        .args([
            "sweep",
            cfg,
            "--out",
            killed.to_str().unwrap(),
            "--threads",
            "2",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn crossroads");
    let stderr = child.stderr.take().unwrap();
    let done = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .filter(|l| l.starts_with("point "))
        .take(2)
        .count();
    assert_eq!(done, 2, "the sweep reports each point as it finishes");
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(9),
        "killed before it finished: {status:?}"
    );
    let log = killed.join("shards/1-of-1.log");
    let before = fs::read_to_string(&log).unwrap();
    let logged = before.lines().count() - 1;
    assert!(
        (2..25).contains(&logged),
        "{logged} points logged when killed"
    );
    // A record cut short, as a kill in the middle of a write leaves it.
    fs::write(&log, format!("{before}7\t0.5,1")).unwrap();
    let r = sweep_ok(
        dir.path(),
        &[cfg, "--out", killed.to_str().unwrap(), "--threads", "1"],
    );
    assert!(
        r.stdout
            .contains(&format!("{logged} of its 25 points were already done")),
        "{}",
        r.stdout
    );
    assert_same_tables(&whole, &killed);
    // No point lost, none twice.
    let mut points: Vec<usize> = fs::read_to_string(&log)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().parse().unwrap())
        .collect();
    points.sort();
    assert_eq!(points, (0..25).collect::<Vec<_>>());

    // Three shards run apart; the merge refuses until all are in, then writes the same bytes.
    let sharded = dir.path().join("sharded");
    let s = sharded.to_str().unwrap();
    for i in [3, 1] {
        let r = sweep_ok(
            dir.path(),
            &[cfg, "--out", s, "--shard", &format!("{i}/3"), "--quiet"],
        );
        assert!(r.stdout.is_empty(), "--quiet: {}", r.stdout);
    }
    let r = run_in(dir.path(), &["sweep", "merge", s]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("8 of 25 points have no result yet"),
        "{}",
        r.stderr
    );
    sweep_ok(dir.path(), &[cfg, "--out", s, "--shard", "2/3"]);
    // A points.csv damaged meanwhile is written again from the plan by the merge.
    fs::write(sharded.join("points.csv"), "garbage").unwrap();
    sweep_ok(dir.path(), &["merge", s]);
    assert_same_tables(&whole, &sharded);
}

#[test]
fn the_slurm_scripts_run_the_same_sweep() {
    let dir = TempDir::new().unwrap();
    let cfg = config(dir.path(), "m.toml", "design = \"morris\"\nn = 3");
    let cfg = cfg.to_str().unwrap();
    let local = dir.path().join("local");
    sweep_ok(dir.path(), &[cfg, "--out", local.to_str().unwrap()]);
    let cluster = dir.path().join("cluster");
    let r = sweep_ok(
        dir.path(),
        &[
            cfg,
            "--out",
            cluster.to_str().unwrap(),
            "--slurm",
            "--shards",
            "3",
            "--slurm-time",
            "10",
        ],
    );
    assert!(r.stdout.contains("submit.sh"), "{}", r.stdout);
    // --quiet leaves out progress, not the command to submit that --slurm is asked for.
    let quiet = dir.path().join("quiet");
    let r = sweep_ok(
        dir.path(),
        &[cfg, "--out", quiet.to_str().unwrap(), "--slurm", "--quiet"],
    );
    assert!(r.stdout.contains("submit.sh"), "{}", r.stdout);
    // Options sbatch would refuse are refused here, before any folder is made.
    for bad in [
        ["--shards", "0"],
        ["--slurm-cpus", "0"],
        ["--slurm-time", "forever"],
        ["--slurm-mem", "lots"],
        ["--slurm-partition", "two words"],
    ] {
        let refused = dir.path().join("refused");
        let mut args = vec!["sweep", cfg, "--out", refused.to_str().unwrap(), "--slurm"];
        args.extend(bad);
        let r = run_in(dir.path(), &args);
        assert_eq!(r.code, Some(2), "{bad:?}: {}", r.stderr);
        assert!(r.stderr.contains(bad[0]), "{bad:?}: {}", r.stderr);
        assert_eq!(
            r.stderr.matches("--").count(),
            1,
            "one option named: {}",
            r.stderr
        );
        assert!(!refused.exists(), "{bad:?} left {}", refused.display());
    }
    let slurm = cluster.join("slurm");
    let array = fs::read_to_string(slurm.join("array.sbatch")).unwrap();
    assert!(array.contains("#SBATCH --array=1-3"), "{array}");
    assert!(array.contains("#SBATCH --time=10"), "{array}");
    assert!(
        array.contains("--shard \"${SLURM_ARRAY_TASK_ID}/3\""),
        "{array}"
    );
    let submit = fs::read_to_string(slurm.join("submit.sh")).unwrap();
    assert!(submit.contains("--dependency=afterok:"), "{submit}");
    assert!(
        !cluster.join("shards/1-of-3.log").exists(),
        "--slurm writes scripts and runs nothing"
    );
    // What Slurm would do: each array task, then the merge.
    for task in ["1", "2", "3"] {
        let s = std::process::Command::new("bash")
            .arg(slurm.join("array.sbatch"))
            .env("SLURM_ARRAY_TASK_ID", task)
            .env("SLURM_CPUS_PER_TASK", "1")
            .status()
            .unwrap();
        assert!(s.success(), "array task {task}");
    }
    let s = std::process::Command::new("bash")
        .arg(slurm.join("merge.sbatch"))
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(s.success(), "merge");
    assert_same_tables(&local, &cluster);
    // Morris statistics for each parameter.
    let (sh, sens) = read_csv(&local.join("sensitivity.csv"));
    for p in ["policy.awareness.effect_share", "choice.value_of_life_usd"] {
        for ix in ["mu_star", "mu", "sigma"] {
            assert!(
                sens.iter()
                    .any(|r| col(&sh, r, "parameter") == p && col(&sh, r, "index") == ix),
                "{p} {ix}"
            );
        }
    }
}

#[test]
fn what_cannot_be_run_or_merged_is_refused_with_a_clear_error() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let cfg = config(d, "g.toml", "design = \"grid\"\nlevels = 2");
    let out = d.join("out");
    let o = out.to_str().unwrap();
    sweep_ok(d, &[cfg.to_str().unwrap(), "--out", o, "--quiet"]);
    let (sh, sens) = read_csv(&out.join("sensitivity.csv"));
    assert!(sens.iter().all(|r| col(&sh, r, "index") == "spearman"));

    // A comment changes no result: the same sweep, already done.
    let commented = write(
        d,
        "g.toml",
        &format!("# a note\n{}", fs::read_to_string(&cfg).unwrap()),
    );
    let r = sweep_ok(d, &[commented.to_str().unwrap(), "--out", o]);
    assert!(
        r.stdout.contains("5 of its 5 points were already done"),
        "{}",
        r.stdout
    );
    // Another configuration into the same folder.
    let other = config(d, "g2.toml", "design = \"grid\"\nlevels = 3");
    let r = run_in(d, &["sweep", other.to_str().unwrap(), "--out", o]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("holds another sweep") && r.stderr.contains("configuration differs"),
        "{}",
        r.stderr
    );
    // The same configuration with other options.
    let r = run_in(
        d,
        &[
            "sweep",
            cfg.to_str().unwrap(),
            "--out",
            o,
            "--agents",
            "3000",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("agents 2000 there, 3000 here"),
        "the message says what differs: {}",
        r.stderr
    );

    // A log of another sweep among the shards.
    let third = d.join("third");
    sweep_ok(
        d,
        &[
            other.to_str().unwrap(),
            "--out",
            third.to_str().unwrap(),
            "--quiet",
        ],
    );
    fs::copy(
        third.join("shards/1-of-1.log"),
        out.join("shards/1-of-2.log"),
    )
    .unwrap();
    let r = run_in(d, &["sweep", "merge", o]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("1-of-2.log") && r.stderr.contains("belongs to another sweep"),
        "{}",
        r.stderr
    );
    fs::remove_file(out.join("shards/1-of-2.log")).unwrap();

    // A plan written by another version of the program.
    let plan = out.join("sweep.json");
    let text = fs::read_to_string(&plan).unwrap();
    fs::write(
        &plan,
        text.replacen("\"version\": \"", "\"version\": \"9.", 1),
    )
    .unwrap();
    let r = run_in(d, &["sweep", "merge", o]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("planned by crossroads 9."),
        "{}",
        r.stderr
    );
    // A plan changed by hand: its numbers would be labelled with what did not make them.
    fs::write(&plan, text.replacen("\"agents\": ", "\"agents\": 1", 1)).unwrap();
    let r = run_in(d, &["sweep", "merge", o]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("sweep.json: has been changed since the sweep was planned"),
        "{}",
        r.stderr
    );
    fs::write(&plan, &text).unwrap();

    // Bad configurations name the file, and the line or the parameter.
    let bad = write(d, "bad.toml", "baseline = \"x.toml\"\ndesign = = \"lhs\"\n");
    let r = run_in(d, &["sweep", bad.to_str().unwrap()]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("bad.toml:2:"), "{}", r.stderr);
    let text = fs::read_to_string(&cfg)
        .unwrap()
        .replace("choice.value_of_life_usd", "choice.value_of_lief_usd");
    let typo = write(d, "typo.toml", &text);
    let r = run_in(
        d,
        &[
            "sweep",
            typo.to_str().unwrap(),
            "--out",
            d.join("t").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("typo.toml") && r.stderr.contains("value_of_lief_usd"),
        "{}",
        r.stderr
    );
    let text = fs::read_to_string(&cfg)
        .unwrap()
        .replace("low = 0.1", "low = -0.5");
    let range = write(d, "range.toml", &text);
    let r = run_in(
        d,
        &[
            "sweep",
            range.to_str().unwrap(),
            "--out",
            d.join("r").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("policy.awareness.effect_share") && r.stderr.contains("at -0.5"),
        "{}",
        r.stderr
    );
    // A folder that is not a sweep's.
    let busy = d.join("busy");
    fs::create_dir(&busy).unwrap();
    fs::write(busy.join("notes.txt"), "mine").unwrap();
    let r = run_in(
        d,
        &[
            "sweep",
            cfg.to_str().unwrap(),
            "--out",
            busy.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("notes.txt"), "{}", r.stderr);
    assert_eq!(
        fs::read_dir(&busy).unwrap().count(),
        1,
        "nothing written into it"
    );
    let r = run_in(d, &["sweep", cfg.to_str().unwrap(), "--shard", "4/3"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("--shard 4/3"), "{}", r.stderr);
}

/// A scenario file the configuration names that cannot be read, the baseline or an entry of
/// `scenarios`, is the configuration's mistake: the message names the configuration, the line
/// and column of the key (of the entry, in a list), the key and its value, then the file and
/// what is wrong with it, as the loader names a missing `extends`. Nothing is written.
#[test]
fn a_missing_scenario_file_is_named_with_the_configurations_key_and_line() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let text = fs::read_to_string(config(d, "g.toml", "design = \"grid\"\nlevels = 2")).unwrap();
    let baseline = format!("baseline = {:?}", fixture().display().to_string());
    let out = d.join("out");
    let refused = |name: &str, text: &str, says: String| {
        let cfg = write(d, name, text);
        let r = run_in(
            d,
            &[
                "sweep",
                cfg.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert_eq!(
            r.stderr.trim_end(),
            format!("error: {}:{says}", cfg.display())
        );
        assert!(!out.exists(), "nothing is written");
    };
    let missing = d.join("nosuch.toml");
    refused(
        "base.toml",
        &text.replace(&baseline, "baseline = \"nosuch.toml\""),
        format!(
            "1:1: baseline = \"nosuch.toml\": {}: no such file",
            missing.display()
        ),
    );
    refused(
        "list.toml",
        &text.replace(
            "scenarios = [\"campaign.toml\"]",
            "scenarios = [\n  \"campaign.toml\",\n  \"nosuch.toml\",\n]",
        ),
        format!(
            "4:3: scenarios entry 2 = \"nosuch.toml\": {}: no such file",
            missing.display()
        ),
    );
    // A folder is no scenario file either.
    refused(
        "folder.toml",
        &text.replace(
            "scenarios = [\"campaign.toml\"]",
            "scenarios = [\"campaign.toml\", \".\"]",
        ),
        format!(
            "2:31: scenarios entry 2 = \".\": {}: is a directory, not a scenario file",
            d.join(".").display()
        ),
    );
}

#[test]
fn a_pinned_parameter_holds_over_the_events_that_set_it() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    policy(d);
    let cfg = |name: &str, pin: &str| {
        write(
            d,
            name,
            &format!(
                "baseline = {:?}\nscenarios = [\"campaign.toml\"]\ndesign = \"grid\"\nlevels = 3\nreplicates = 1\nagents = 2000\nmetrics = [\"trafficked_per_year\"]\n[[parameter]]\nkey = \"policy.awareness.coverage_share\"\ndistribution = \"uniform\"\nlow = 0.1\nhigh = 0.3\n{pin}\n",
                fixture().display().to_string()
            ),
        )
    };
    // Not pinned: the campaign's event replaces the value from 2023, and the sweep says so.
    let free = cfg("free.toml", "");
    let r = sweep_ok(
        d,
        &[
            free.to_str().unwrap(),
            "--out",
            d.join("free").to_str().unwrap(),
        ],
    );
    assert!(
        r.stderr.contains("is set by an event of") && r.stderr.contains("pin = true"),
        "{}",
        r.stderr
    );
    // Pinned: both scenarios hold the point's value throughout, so they no longer differ.
    let pinned = cfg("pinned.toml", "pin = true");
    let r = sweep_ok(
        d,
        &[
            pinned.to_str().unwrap(),
            "--out",
            d.join("pinned").to_str().unwrap(),
        ],
    );
    assert!(!r.stderr.contains("is set by an event"), "{}", r.stderr);
    for (folder, differ) in [("free", true), ("pinned", false)] {
        let (_, rows) = read_csv(&d.join(folder).join("results.csv"));
        let value = |p: &str, s: &str| {
            rows.iter()
                .find(|r| r[0] == p && r[1] == s)
                .map(|r| r[5].clone())
                .unwrap()
        };
        for p in ["1", "2"] {
            assert_eq!(
                value(p, "small") != value(p, "campaign"),
                differ,
                "{folder}, point {p}"
            );
        }
    }
}

#[test]
fn a_key_that_takes_whole_numbers_is_swept_in_whole_numbers() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    // A policy file that sets the key itself: the sweep's values replace its own, and it says so.
    write(
        d,
        "own.toml",
        &format!(
            "extends = {:?}\nname = \"own\"\n[policy.reintegration]\nincome_uplift_months = 9\n",
            fixture().display().to_string()
        ),
    );
    // Log-uniform: its upper end, exp(ln 24), is 24.000000000000004 before rounding.
    let cfg = write(
        d,
        "w.toml",
        &format!(
            "baseline = {:?}\nscenarios = [\"own.toml\"]\ndesign = \"lhs\"\nn = 6\nreplicates = 1\nagents = 2000\nmetrics = [\"trafficked_per_year\"]\n[[parameter]]\nkey = \"policy.reintegration.income_uplift_months\"\ndistribution = \"log_uniform\"\nlow = 6\nhigh = 24\n",
            fixture().display().to_string()
        ),
    );
    let out = d.join("out");
    let r = sweep_ok(d, &[cfg.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains(
            "sets parameter policy.reintegration.income_uplift_months to 9 itself; the sweep sets it in every scenario, at point 0 to the baseline's"
        ),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let (_, points) = read_csv(&out.join("points.csv"));
    let values: Vec<f64> = points.iter().map(|r| cell(&r[1]).unwrap()).collect();
    assert_eq!(values.len(), 7);
    assert!(
        values
            .iter()
            .all(|v| v.fract() == 0.0 && (6.0..=24.0).contains(v) || *v == 12.0),
        "{values:?}"
    );
    let mut distinct = values.clone();
    distinct.dedup();
    assert!(
        distinct.len() > 3,
        "the hypercube still spreads: {values:?}"
    );
}

#[test]
fn points_share_their_draws_unless_each_is_given_its_own() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    // Two points with the same value: the same results on common draws, different on their own.
    for (seeds, same) in [("common", true), ("per_point", false)] {
        let cfg = write(
            d,
            &format!("{seeds}.toml"),
            &format!(
                "baseline = {:?}\ndesign = \"grid\"\nseeds = \"{seeds}\"\nreplicates = 1\nagents = 2000\nmetrics = [\"irregular_departures_per_year\"]\n[[parameter]]\nkey = \"choice.value_of_life_usd\"\ndistribution = \"discrete\"\nvalues = [40000, 40000]\n",
                fixture().display().to_string()
            ),
        );
        let out = d.join(seeds);
        let r = sweep_ok(d, &[cfg.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        // Two points give no rank correlation: the sweep runs, and says so.
        assert!(
            r.stderr.contains("sensitivity.csv will hold no index"),
            "{}",
            r.stderr
        );
        let (_, rows) = read_csv(&out.join("results.csv"));
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1][5] == rows[2][5], same, "{seeds}: {rows:?}");
    }
}

#[test]
fn a_sweep_whose_threads_cannot_each_hold_a_run_is_refused_before_it_starts() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let cfg = config(d, "g.toml", "design = \"grid\"\nlevels = 2");
    // One run's agents take about a third of the memory available (at 60 bytes or more an
    // agent): one fits, but four threads each stepping a run of the sweep's 20 do not.
    let agents = (meminfo("MemAvailable:") / (3 * 64)).clamp(1_000_000, 1_000_000_000);
    let out = d.join("out");
    let r = run_in(
        d,
        &[
            "sweep",
            cfg.to_str().unwrap(),
            "--agents",
            &agents.to_string(),
            "--threads",
            "4",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.starts_with("error: a sweep at ")
            && r.stderr.contains("4 runs at once, one for each thread")
            && r.stderr.contains("--threads")
            && r.stderr.trim_end().lines().count() == 1,
        "one line naming the runs held at once: {}",
        r.stderr
    );
    assert!(!out.exists(), "nothing is written");
}
