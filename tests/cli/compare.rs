//! `crossroads compare` on the fixture: each scenario is compared over the reported years in
//! which its policy differs from the baseline's (comparison.csv's `period`), and year by year
//! (comparison_by_year.csv); the differences are those of the runs' own monthly counts in
//! timeseries.csv over those years; the terminal table gives each rate beside its count a year.

use crate::support::*;
use crossroads::metrics::describe;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A lever switched on by an event in January 2023, the second of the fixture's three reported
/// years (2022-2024, after a year of spin-up).
const AWARENESS_FROM_2023: &str = r#"
name = "awareness"
[[event]]
date = "2023-01"
set = { "policy.awareness.coverage_share" = 0.5, "policy.awareness.effect_share" = 0.4 }
"#;

/// An event that changes a destination, not a policy: the policy is the baseline's throughout.
const MORE_JOBS_FROM_2023: &str = r#"
name = "jobs"
[[event]]
date = "2023-07"
set = { "destination.saudi_arabia.jobs_per_month" = 8000 }
"#;

/// A finished comparison of the fixture with some scenarios that extend it.
struct Compared {
    _tmp: TempDir,
    out: PathBuf,
    stdout: String,
}

impl Compared {
    fn run(scenarios: &[&str]) -> Compared {
        let tmp = TempDir::new().expect("temp dir");
        let mut args = vec!["compare".to_string(), fixture().display().to_string()];
        for (i, text) in scenarios.iter().enumerate() {
            let file = write(
                tmp.path(),
                &format!("s{i}.toml"),
                &format!("extends = {:?}\n{text}", fixture().display().to_string()),
            );
            args.push(file.display().to_string());
        }
        let out = tmp.path().join("cmp");
        args.extend(
            [
                "--agents",
                "5000",
                "--replicates",
                "3",
                "--seed",
                "3",
                "--quiet",
                "--out",
            ]
            .map(String::from),
        );
        args.push(out.display().to_string());
        let r = run_in(
            tmp.path(),
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert_eq!(
            r.code,
            Some(0),
            "crossroads {} failed: {}",
            args.join(" "),
            r.stderr
        );
        Compared {
            _tmp: tmp,
            out,
            stdout: r.stdout,
        }
    }

    /// Rows of a comparison file by column name.
    fn rows(&self, file: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
        let (head, rows) = read_csv(&self.out.join(file));
        let rows = rows
            .into_iter()
            .map(|r| head.iter().cloned().zip(r).collect())
            .collect();
        (head, rows)
    }

    /// One scenario's total of `metric` in a comparison file (`at`: the period or the year).
    fn row(&self, file: &str, scenario: &str, metric: &str, at: &str) -> BTreeMap<String, String> {
        let col = if file == "comparison.csv" {
            "period"
        } else {
            "year"
        };
        self.rows(file)
            .1
            .into_iter()
            .find(|r| {
                r["scenario"] == scenario
                    && r["metric"] == metric
                    && r["by"].is_empty()
                    && r[col] == at
            })
            .unwrap_or_else(|| panic!("{file} has no row {scenario} {metric} {at}"))
    }
}

/// Per replicate, the persons a year of the timeseries columns `cols` (summed) over the reported
/// months of the calendar years `years` of a run's folder: their total × 12 ÷ months.
fn per_year(dir: &Path, cols: &[&str], years: std::ops::RangeInclusive<i32>) -> Vec<f64> {
    let (head, rows) = read_csv(&dir.join("timeseries.csv"));
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let mut total: BTreeMap<u32, (f64, usize)> = BTreeMap::new();
    for r in rows {
        let year: i32 = r[at("date")][..4].parse().unwrap();
        if !years.contains(&year) {
            continue;
        }
        let e = total
            .entry(r[at("replicate")].parse().unwrap())
            .or_default();
        e.0 += cols
            .iter()
            .map(|c| r[at(c)].parse::<f64>().unwrap())
            .sum::<f64>();
        e.1 += 1;
    }
    total
        .values()
        .map(|(n, months)| n * 12.0 / *months as f64)
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    // The files write 6 decimals; a month's persons are rounded before they are summed.
    (a - b).abs() <= 1e-3 + 1e-9 * a.abs().max(b.abs())
}

/// The baseline's and a scenario's replicates of some monthly counts over `years`, against a
/// row of a comparison file: the means and the paired difference with its interval.
fn assert_row_is_the_timeseries(
    c: &Compared,
    file: &str,
    scenario: &str,
    metric: &str,
    cols: &[&str],
    years: std::ops::RangeInclusive<i32>,
    at: &str,
) {
    let row = c.row(file, scenario, metric, at);
    let b = per_year(&c.out.join("small"), cols, years.clone());
    let s = per_year(&c.out.join(scenario), cols, years);
    let d: Vec<f64> = s.iter().zip(&b).map(|(s, b)| s - b).collect();
    let stats = describe(&d);
    for (col, want) in [
        ("baseline_mean", describe(&b).mean),
        ("scenario_mean", describe(&s).mean),
        ("diff_mean", stats.mean),
        ("diff_ci_low", stats.lo),
        ("diff_ci_high", stats.hi),
    ] {
        let got = cell(&row[col]);
        assert!(
            matches!((got, want), (Some(g), Some(w)) if close(g, w)),
            "{file} {scenario} {metric} {at} {col}: {got:?}, but the timeseries give {want:?} (replicates: baseline {b:?}, scenario {s:?})"
        );
    }
}

#[test]
fn a_policy_set_by_a_later_event_is_compared_over_the_years_it_is_in_force() {
    let c = Compared::run(&[AWARENESS_FROM_2023, MORE_JOBS_FROM_2023]);
    let (head, rows) = c.rows("comparison.csv");
    assert_eq!(
        head,
        [
            "scenario",
            "metric",
            "by",
            "level",
            "period",
            "baseline_mean",
            "scenario_mean",
            "diff_mean",
            "diff_ci_low",
            "diff_ci_high",
            "relative_change"
        ]
    );
    // Every row of a scenario carries its period: from the event's year for the policy, all
    // three reported years for the scenario whose policy is the baseline's.
    for r in &rows {
        let want = match r["scenario"].as_str() {
            "awareness" => "2023-2024",
            "jobs" => "2022-2024",
            other => panic!("unexpected scenario {other}"),
        };
        assert_eq!(r["period"], want, "{r:?}");
    }
    // The differences are the runs' own monthly counts over those years, paired by replicate.
    for (metric, cols) in [
        ("deaths_per_year", &["deaths"][..]),
        ("debt_bondage_per_year", &["new_debt_bondage"][..]),
        ("forced_labour_per_year", &["new_forced_labour"][..]),
        (
            "departures_per_year",
            &[
                "departures_regular",
                "departures_visa_fraud",
                "departures_irregular",
                "departures_cross_border",
            ][..],
        ),
    ] {
        let comparison = "comparison.csv";
        assert_row_is_the_timeseries(
            &c,
            comparison,
            "awareness",
            metric,
            cols,
            2023..=2024,
            "2023-2024",
        );
        assert_row_is_the_timeseries(
            &c,
            comparison,
            "jobs",
            metric,
            cols,
            2022..=2024,
            "2022-2024",
        );
        for year in 2022..=2024 {
            let at = year.to_string();
            assert_row_is_the_timeseries(
                &c,
                "comparison_by_year.csv",
                "awareness",
                metric,
                cols,
                year..=year,
                &at,
            );
        }
    }
    // Before the event the two runs are the same month by month (same seeds, same world):
    // 2022's flows do not differ at all.
    for metric in [
        "departures_per_year",
        "deaths_per_year",
        "debt_bondage_per_year",
    ] {
        let row = c.row("comparison_by_year.csv", "awareness", metric, "2022");
        for col in ["diff_mean", "diff_ci_low", "diff_ci_high"] {
            assert_eq!(cell(&row[col]), Some(0.0), "2022 {metric} {col}");
        }
    }
    // Over the whole period, the baseline's means are its summary.csv.
    let summary = read_csv(&c.out.join("small/summary.csv")).1;
    for r in rows
        .iter()
        .filter(|r| r["scenario"] == "jobs" && !r["metric"].starts_with("cost_per_"))
    {
        let s = summary
            .iter()
            .find(|s| s[1] == r["metric"] && s[2] == r["by"] && s[3] == r["level"])
            .unwrap_or_else(|| panic!("summary.csv has no {r:?}"));
        assert_eq!(r["baseline_mean"], s[4], "{r:?}");
    }
}

#[test]
fn comparison_by_year_has_one_row_per_scenario_metric_and_year() {
    let c = Compared::run(&[AWARENESS_FROM_2023, MORE_JOBS_FROM_2023]);
    let (head, rows) = c.rows("comparison_by_year.csv");
    assert_eq!(
        head,
        [
            "scenario",
            "metric",
            "by",
            "level",
            "year",
            "baseline_mean",
            "scenario_mean",
            "diff_mean",
            "diff_ci_low",
            "diff_ci_high",
            "relative_change"
        ]
    );
    let (_, period_rows) = c.rows("comparison.csv");
    let key = |r: &BTreeMap<String, String>| {
        (
            r["scenario"].clone(),
            r["metric"].clone(),
            r["by"].clone(),
            r["level"].clone(),
        )
    };
    // The values of comparison.csv, each over the three reported years in turn, in its order.
    let mut want = Vec::new();
    for r in &period_rows {
        for year in ["2022", "2023", "2024"] {
            want.push((key(r), year.to_string()));
        }
    }
    let got: Vec<_> = rows.iter().map(|r| (key(r), r["year"].clone())).collect();
    assert_eq!(got.len(), 2 * 3 * (period_rows.len() / 2));
    assert_eq!(got, want);
}

#[test]
fn the_terminal_table_gives_the_period_and_each_count_beside_its_rate() {
    let c = Compared::run(&[AWARENESS_FROM_2023, MORE_JOBS_FROM_2023]);
    let lines: Vec<&str> = c.stdout.lines().collect();
    for l in &lines {
        assert!(l.chars().count() <= 100, "wider than 100 columns: {l:?}");
    }
    let has = |scenario: &str, words: &[&str]| {
        lines
            .iter()
            .any(|l| l.trim_start().starts_with(scenario) && words.iter().all(|w| l.contains(w)))
    };
    assert!(has("awareness", &["2023-2024", "2023-01"]), "{}", c.stdout);
    assert!(
        has("jobs", &["2022-2024", "every reported year"]),
        "{}",
        c.stdout
    );
    // In the first table, each scenario's rate line is followed by its count a year.
    for (title, rate) in [
        ("Debt bondage (", "share"),
        ("Trafficked (", "per 1,000"),
        ("Deaths during migration (", "per 1,000"),
        ("Forced labour (", "per 1,000"),
    ] {
        let at = lines
            .iter()
            .position(|l| l.starts_with(title))
            .unwrap_or_else(|| panic!("no block {title:?} in\n{}", c.stdout));
        for scenario in ["awareness", "jobs"] {
            let i = (at..lines.len())
                .find(|&i| lines[i].trim_start().starts_with(scenario))
                .unwrap();
            let words = |l: &str| l.split_whitespace().map(String::from).collect::<Vec<_>>();
            assert!(lines[i].contains(rate), "{title} {scenario}: {}", lines[i]);
            assert_eq!(
                words(lines[i + 1])[..2],
                ["per", "year"],
                "{title} {scenario}: the count must follow the rate:\n{}\n{}",
                lines[i],
                lines[i + 1]
            );
            // Baseline, scenario, difference [low, high], change: numbers on both lines.
            assert!(words(lines[i + 1]).len() >= 8, "{}", lines[i + 1]);
        }
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Irregular departures (persons a year)")),
        "{}",
        c.stdout
    );
    // The costs per person averted: for each scenario a value with its interval, or the reason
    // there is none (one line when the reason is the same for all three).
    let costs = lines
        .iter()
        .position(|l| l.starts_with("Programme cost per person averted"))
        .expect("a section on costs");
    for scenario in ["awareness", "jobs"] {
        let i = (costs..lines.len())
            .find(|&i| lines[i].trim_start().starts_with(scenario))
            .unwrap_or_else(|| panic!("no costs of {scenario} in\n{}", c.stdout));
        let told = |l: &str| {
            l.contains('[')
                || l.contains("no programme cost in the outputs")
                || l.contains("not averted")
                || l.contains("fewer than two replicates")
        };
        assert!(told(lines[i]), "{}", lines[i]);
        if !lines[i].contains("no programme cost") {
            for l in &lines[i..(i + 3).min(lines.len())] {
                assert!(told(l), "{l}");
            }
        }
    }
}

/// A lever set from the first month: the scenario's parameters differ from the fixture's from
/// the start, so it shares no month with the others.
const CAMPAIGN_FROM_THE_START: &str = r#"
name = "from_start"
[policy.awareness]
coverage_share = 0.3
effect_share = 0.4
"#;

#[test]
fn each_scenario_of_a_comparison_writes_what_running_it_alone_writes() {
    // The scenarios of a comparison are stepped on one world while their parameters agree, and
    // on a copy each where they part (the campaign and the jobs from 2023, the twin campaign
    // never, the lever from the start at once): each scenario's files must be those of a run of
    // it alone, on one thread and on two.
    let twin = AWARENESS_FROM_2023.replacen("name = \"awareness\"", "name = \"twin\"", 1);
    let c = Compared::run(&[
        AWARENESS_FROM_2023,
        MORE_JOBS_FROM_2023,
        &twin,
        CAMPAIGN_FROM_THE_START,
    ]);
    let files = [
        (fixture(), "small"),
        (c._tmp.path().join("s0.toml"), "awareness"),
        (c._tmp.path().join("s1.toml"), "jobs"),
        (c._tmp.path().join("s2.toml"), "twin"),
        (c._tmp.path().join("s3.toml"), "from_start"),
    ];
    for (i, (file, name)) in files.iter().enumerate() {
        let threads = 1 + i % 2;
        let alone = Sim::new()
            .scenario(file)
            .agents(5000)
            .replicates(3)
            .seed(3)
            .threads(threads)
            .run();
        for f in ["timeseries.csv", "outcomes.csv", "summary.csv"] {
            let together = std::fs::read(c.out.join(name).join(f)).expect("compare wrote it");
            let by_itself = alone.bytes(f);
            assert!(
                together == by_itself,
                "{name}/{f} of the comparison differs from a run of {name} alone on {threads} thread(s)"
            );
        }
    }
    // At the top of the folder, each table is the scenarios' tables joined, the baseline's
    // first and the header once, and the manifest lists the scenarios and their folders.
    for f in ["timeseries.csv", "outcomes.csv", "summary.csv"] {
        let mut joined = String::new();
        for (i, (_, name)) in files.iter().enumerate() {
            let text = std::fs::read_to_string(c.out.join(name).join(f)).unwrap();
            let body = if i == 0 {
                text.as_str()
            } else {
                text.split_once('\n').map_or("", |(_, rest)| rest)
            };
            joined.push_str(body);
        }
        let top = std::fs::read_to_string(c.out.join(f)).expect("compare wrote it at the top");
        assert!(
            top == joined,
            "{f} at the top is not the scenarios' {f} joined"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(c.out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["command"], "compare");
    assert_eq!(manifest["baseline"], "small");
    let folders: Vec<&str> = manifest["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["folder"].as_str().unwrap())
        .collect();
    assert_eq!(folders, files.iter().map(|(_, n)| *n).collect::<Vec<_>>());
    assert_eq!(manifest["scenarios"][1]["seed"], 3);
}

#[test]
fn a_scenario_on_other_draws_or_months_than_the_baseline_is_refused() {
    // Paired differences set person i of replicate r in one scenario beside the same person in
    // the baseline, month by month: a scenario with its own seed or its own months would pair
    // strangers, or other years.
    let tmp = TempDir::new().expect("temp dir");
    let base = fixture().display().to_string();
    for (key, line) in [("seed", "seed = 99"), ("months", "months = 48")] {
        let file = write(
            tmp.path(),
            &format!("{key}.toml"),
            &format!("extends = {base:?}\nname = \"other\"\n{line}\n"),
        );
        let out = tmp.path().join(format!("cmp-{key}"));
        let r = run_in(
            tmp.path(),
            &[
                "compare",
                &base,
                file.to_str().unwrap(),
                "--agents",
                "300",
                "--replicates",
                "1",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, Some(2), "{key}: {}", r.stderr);
        assert!(
            r.stderr
                .starts_with(&format!("error: {}: {key} is ", file.display())),
            "{key}: {}",
            r.stderr
        );
        assert!(
            !out.exists(),
            "{key}: a refused comparison wrote {}",
            out.display()
        );
    }
}
