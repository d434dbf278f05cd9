//! `crossroads report DIR` and `--report`: each section of report.html is there when the folder
//! has its data and only then (no "Fit" without observed data, "Differences" for a comparison,
//! "Sensitivity" with a sweep); the summary's numbers are comparison.csv's; the page is
//! self-contained (no script, nothing fetched from the network) and every chart has a size and
//! a title; bad folders are refused with exit code 2.

use crate::support::*;
use crossroads::report::summary::{Named, effect_sentence};
use crossroads::report::tables::DiffRow;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A policy on the fixture from January 2023, phased in over six months: far more enforcement,
/// which lowers debt bondage and the cost of migrating clearly at the tests' size.
fn enforcement(dir: &Path) -> PathBuf {
    write(
        dir,
        "enforcement.toml",
        &format!(
            r#"extends = {:?}
name = "enforcement"
description = "Stronger enforcement: twenty times the investigations"
[[event]]
date = "2023-01"
phase_in_months = 6
set = {{ "policy.enforcement.p_investigation" = 0.02, "policy.enforcement.conviction_share" = 0.5, "policy.recruitment.p_cap_enforcement" = 0.05 }}
"#,
            fixture().display().to_string()
        ),
    )
}

/// report.html of a folder.
fn page(dir: &Path) -> String {
    fs::read_to_string(dir.join("report.html"))
        .unwrap_or_else(|e| panic!("read {}/report.html: {e}", dir.display()))
}

/// The sections of a page, by their ids, in order.
fn sections(page: &str) -> Vec<String> {
    page.match_indices("<section id=\"")
        .map(|(i, m)| {
            let rest = &page[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// Text as the page escapes it.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The value of attribute `name` in an opening tag, if it has it.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[at..at + tag[at..].find('"')?])
}

/// The page needs nothing but itself: no script, no resource from the network, and every chart
/// is an `<svg>` with a non-zero width and height, a viewBox, `role="img"`, an `aria-label` and
/// a `<title>`.
fn assert_self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"), "not an HTML page");
    assert!(page.contains("<meta charset=\"utf-8\">"));
    let lower = page.to_lowercase();
    assert!(!lower.contains("<script"), "the page holds a script");
    assert!(!lower.contains("<iframe") && !lower.contains("<link"));
    assert!(!lower.contains("url(") && !lower.contains("@import"));
    for a in ["src=\"", "href=\"", "src='", "href='"] {
        for (i, _) in lower.match_indices(a) {
            let v = &lower[i + a.len()..];
            assert!(
                !v.starts_with("http:") && !v.starts_with("https:") && !v.starts_with("//"),
                "a remote resource: {}",
                &page[i..(i + 80).min(page.len())]
            );
        }
    }
    // The fixture carries no address at all, so neither may the page.
    assert!(!lower.contains("http://") && !lower.contains("https://"));
    let svgs: Vec<usize> = page.match_indices("<svg").map(|(i, _)| i).collect();
    assert!(!svgs.is_empty(), "no chart");
    for i in svgs {
        let tag = &page[i..i + page[i..].find('>').unwrap() + 1];
        for dim in ["width", "height"] {
            let v: f64 = attr(tag, dim)
                .unwrap_or_else(|| panic!("an <svg> without {dim}: {tag}"))
                .parse()
                .unwrap_or_else(|_| panic!("{dim} is not a number: {tag}"));
            assert!(v > 0.0, "{dim} = {v}: {tag}");
        }
        assert!(attr(tag, "viewBox").is_some(), "no viewBox: {tag}");
        assert_eq!(attr(tag, "role"), Some("img"), "{tag}");
        assert!(
            attr(tag, "aria-label").is_some_and(|l| l.len() > 20),
            "no aria-label: {tag}"
        );
        let after = &page[i + tag.len()..];
        assert!(
            after.starts_with("<title>") && !after.starts_with("<title></title>"),
            "an <svg> without a <title>: {tag}"
        );
    }
}

/// `crossroads report DIR [extra...]`, which must succeed.
fn report_ok(cwd: &Path, dir: &Path, extra: &[&str]) -> Ran {
    let mut args = vec!["report", dir.to_str().unwrap()];
    args.extend(extra);
    let r = run_in(cwd, &args);
    assert_eq!(
        r.code,
        Some(0),
        "crossroads {}: {}",
        args.join(" "),
        r.stderr
    );
    r
}

#[test]
fn a_run_report_has_its_sections_and_no_fit_without_observed_data() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("run");
    let mut args = Sim::new().agents(4000).replicates(2).args(&out);
    args.push("--report".into());
    let r = run_in(
        tmp.path(),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let written = page(&out);
    assert_eq!(sections(&written), ["summary", "over-time", "provenance"]);
    assert_self_contained(&written);
    assert!(written.contains("Trafficked (persons a year): about "));
    // The provenance names the scenario file with its SHA-256, as the manifest does.
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let sha = manifest["input_files"][0]["sha256"].as_str().unwrap();
    assert!(
        written.contains(sha),
        "the page lacks the scenario's SHA-256"
    );
    assert!(written.contains("docs/MODEL.md") && written.contains("docs/OUTPUTS.md"));
    // `report` makes the same page from the folder, replacing the one it holds.
    let again = report_ok(tmp.path(), &out, &[]);
    assert!(again.stdout.contains("report.html"), "{}", again.stdout);
    assert!(
        page(&out) == written,
        "report DIR differs from run --report"
    );
    // The folder is still one a run may replace: a run without --report leaves no page.
    let args = Sim::new().agents(2000).replicates(1).args(&out);
    let r = run_in(
        tmp.path(),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!out.join("report.html").exists());
}

#[test]
fn a_run_with_observed_data_is_checked_against_it() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("base");
    let r = run_in(
        tmp.path(),
        &[
            "run",
            baseline().to_str().unwrap(),
            "--agents",
            "3000",
            "--replicates",
            "2",
            "--quiet",
            "--report",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let p = page(&out);
    assert_eq!(sections(&p), ["summary", "over-time", "fit", "provenance"]);
    assert_self_contained(&p);
    let (h, rows) = read_csv(&out.join("validation.csv"));
    let id = h.iter().position(|c| c == "target_id").unwrap();
    for r in &rows {
        assert!(p.contains(&format!(">{}<", r[id])), "no row {}", r[id]);
    }
    let (_, series) = read_csv(&out.join("validation_series.csv"));
    let first = &series[0][0];
    assert!(
        p.contains(&format!("The series {first}:")),
        "no chart of the series {first}"
    );
}

#[test]
fn a_comparison_report_states_the_numbers_of_comparison_csv() {
    let tmp = TempDir::new().unwrap();
    let policy = enforcement(tmp.path());
    let out = compare_ok(
        tmp.path(),
        &[fixture(), policy],
        &[
            "--agents",
            "8000",
            "--replicates",
            "3",
            "--seed",
            "1",
            "--report",
        ],
    );
    let p = page(&out);
    assert_eq!(
        sections(&p),
        ["summary", "over-time", "differences", "provenance"]
    );
    assert_self_contained(&p);
    let (h, rows) = read_csv(&out.join("comparison.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let row = |metric: &str| -> DiffRow {
        let r = rows
            .iter()
            .find(|r| r[col("metric")] == metric && r[col("by")].is_empty())
            .unwrap_or_else(|| panic!("comparison.csv has no {metric}"));
        DiffRow {
            scenario: r[col("scenario")].clone(),
            metric: metric.into(),
            by: String::new(),
            level: String::new(),
            period: r[col("period")].clone(),
            baseline_mean: cell(&r[col("baseline_mean")]),
            scenario_mean: cell(&r[col("scenario_mean")]),
            diff_mean: cell(&r[col("diff_mean")]),
            diff_ci_low: cell(&r[col("diff_ci_low")]),
            diff_ci_high: cell(&r[col("diff_ci_high")]),
            relative_change: cell(&r[col("relative_change")]),
        }
    };
    // The fall in debt bondage, in the words and roundings a person would use, checked against
    // comparison.csv by hand.
    let d = row("debt_bondage_per_year");
    let (b, m, hi) = (
        d.baseline_mean.unwrap(),
        d.diff_mean.unwrap(),
        d.diff_ci_high.unwrap(),
    );
    assert!(hi < 0.0, "the test needs a clear fall: {d:?}");
    let pct = 100.0 * m.abs() / b;
    let pct = if pct >= 10.0 {
        format!("{pct:.0}")
    } else {
        format!("{pct:.1}")
    };
    let mag = 10f64.powi(m.abs().log10().floor() as i32 - 1);
    let persons = ((m.abs() / mag).round() * mag) as u64;
    let persons = if persons >= 1000 {
        format!("{},{:03}", persons / 1000, persons % 1000)
    } else {
        persons.to_string()
    };
    let expected = format!(
        "Stronger enforcement lowers the number of people entering debt bondage by about {pct}% (95% interval "
    );
    assert!(p.contains(&expected), "the page lacks {expected:?}");
    assert!(
        p.contains(&format!("%), about {persons} persons a year.")),
        "the page lacks about {persons} persons a year"
    );
    // Every sentence of the summary is made from its row of comparison.csv.
    let who = Named {
        name: "enforcement".into(),
        description: Some("Stronger enforcement: twenty times the investigations".into()),
    };
    for metric in [
        "debt_bondage_per_year",
        "forced_labour_per_year",
        "trafficked_per_year",
        "deaths_per_year",
        "irregular_departures_per_year",
        "mean_migration_cost_usd",
        "convictions_per_year",
        "reintegration_sustainable_share",
    ] {
        let s = effect_sentence(&who.subject(), &row(metric)).unwrap();
        assert!(
            p.contains(&format!("<li>{}</li>", escape(&s))),
            "the summary lacks {s:?}"
        );
    }
    // The fan charts mark when the policy starts, from the scenarios' events.
    assert!(p.contains("policy from 2023-01, phased in over 6 months"));
    // One forest plot per headline metric, and the effect year by year.
    assert!(p.contains("aria-label=\"Forest plot: Debt bondage (persons entering it a year)"));
    assert!(p.contains("difference from the baseline by year"));
    // `report` on the folder makes the same page.
    let before = p.clone();
    report_ok(tmp.path(), &out, &[]);
    assert!(
        page(&out) == before,
        "report DIR differs from compare --report"
    );
    // A scenario's own folder has its own page; the comparison's folder stays one a run
    // replaces (no lock or leftover inside it).
    let one = out.join("enforcement");
    report_ok(tmp.path(), &one, &[]);
    assert_eq!(
        sections(&page(&one)),
        ["summary", "over-time", "provenance"]
    );
    compare_ok(
        tmp.path(),
        &[fixture(), tmp.path().join("enforcement.toml")],
        &["--agents", "2000", "--replicates", "1"],
    );
    assert!(!one.join("report.html").exists() && !out.join("report.html").exists());
    // A scenario's sub-folder without its tables would drop its figures from the page
    // silently: the comparison's manifest names it, and the report is refused.
    fs::remove_file(one.join("summary.csv")).unwrap();
    let r = run_in(tmp.path(), &["report", out.to_str().unwrap()]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the comparison's sub-folder enforcement is missing or lacks"),
        "{}",
        r.stderr
    );
    assert!(!out.join("report.html").exists());
}

/// A small Morris sweep of the fixture and a policy scenario, merged, in `dir/sweep`.
fn sweep(dir: &Path, policy: &Path, shard: Option<&str>) -> PathBuf {
    let cfg = write(
        dir,
        "sweep.toml",
        &format!(
            r#"baseline = {:?}
scenarios = [{:?}]
design = "morris"
n = 2
replicates = 2
agents = 2000
seed = 3
metrics = ["trafficked_per_year", "debt_bondage_per_year"]

[[parameter]]
key = "policy.awareness.effect_share"
distribution = "uniform"
low = 0.1
high = 0.6

[[parameter]]
key = "choice.value_of_life_usd"
distribution = "log_uniform"
low = 20000
high = 200000
"#,
            fixture().display().to_string(),
            policy.display().to_string()
        ),
    );
    let out = dir.join("sweep");
    let mut args = vec![
        "sweep",
        cfg.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    if let Some(s) = shard {
        args.extend(["--shard", s]);
    }
    let r = run_in(dir, &args);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    out
}

#[test]
fn a_sweep_adds_sensitivity_and_a_sweep_folder_has_its_own_report() {
    let tmp = TempDir::new().unwrap();
    let policy = enforcement(tmp.path());
    let sw = sweep(tmp.path(), &policy, None);
    report_ok(tmp.path(), &sw, &[]);
    let p = page(&sw);
    assert_eq!(sections(&p), ["summary", "sensitivity", "provenance"]);
    assert_self_contained(&p);
    assert!(p.contains("Tornado plot: enforcement, effect: Trafficked (persons a year)"));
    assert!(p.contains("(mean absolute elementary effect)"));
    assert!(p.contains("How often each effect keeps its sign across the sweep"));
    // A comparison of the same scenarios with the sweep: its robustness in the summary.
    let cmp = compare_ok(
        tmp.path(),
        &[fixture(), policy.clone()],
        &["--agents", "2000", "--replicates", "2"],
    );
    let r = report_ok(tmp.path(), &cmp, &["--sweep", sw.to_str().unwrap()]);
    assert!(r.stdout.contains("sensitivity"), "{}", r.stdout);
    let p = page(&cmp);
    assert_eq!(
        sections(&p),
        [
            "summary",
            "over-time",
            "differences",
            "sensitivity",
            "provenance"
        ]
    );
    assert_self_contained(&p);
    assert!(
        p.contains("The effect keeps its sign across "),
        "no robustness in the summary"
    );
    assert!(
        !p.contains("The sweep ran at"),
        "the same size, nothing to warn of"
    );
    // A comparison at another size than the sweep's says so beside the sweep.
    let bigger = tmp.path().join("bigger");
    let r = run_in(
        tmp.path(),
        &[
            "compare",
            fixture().to_str().unwrap(),
            policy.to_str().unwrap(),
            "--agents",
            "3000",
            "--replicates",
            "2",
            "--quiet",
            "--out",
            bigger.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    report_ok(tmp.path(), &bigger, &["--sweep", sw.to_str().unwrap()]);
    assert!(
        page(&bigger).contains(
            "The sweep ran at 2,000 agents a replicate and the runs above at 3,000: its levels and effects are from its own runs, and at fewer agents levels run low (docs/SWEEPS.md, \u{201c}Levels at few agents\u{201d}), so the sweep's levels are the lower"
        ),
        "no word of the sweep's other size"
    );
    // A sweep of another scenario is not this run's sensitivity.
    let other = write(
        tmp.path(),
        "other.toml",
        &format!(
            "extends = {:?}\nname = \"other\"\n",
            fixture().display().to_string()
        ),
    );
    let run = Sim::new().scenario(&other).agents(2000).replicates(1).run();
    let r = run_in(
        tmp.path(),
        &[
            "report",
            run.dir.to_str().unwrap(),
            "--sweep",
            sw.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("is a sweep of the scenario") && r.stderr.contains("\"other\""),
        "{}",
        r.stderr
    );
    assert!(!run.dir.join("report.html").exists());
}

#[test]
fn folders_without_what_a_report_needs_are_refused() {
    let tmp = TempDir::new().unwrap();
    let refused = |args: &[&str], says: &str| {
        let mut all = vec!["report"];
        all.extend(args);
        let r = run_in(tmp.path(), &all);
        assert_eq!(
            r.code,
            Some(2),
            "crossroads {}: {}",
            all.join(" "),
            r.stderr
        );
        assert!(r.stderr.contains(says), "{:?} lacks {says:?}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    };
    refused(&["missing"], "missing: cannot read the folder");
    fs::create_dir(tmp.path().join("empty")).unwrap();
    refused(&["empty"], "empty: is not a crossroads output folder");
    assert!(!tmp.path().join("empty/report.html").exists());
    let run = Sim::new().agents(2000).replicates(1).run();
    let at = run.dir.to_str().unwrap();
    // One replicate has no bands: the captions say so rather than speak of a median.
    report_ok(tmp.path(), &run.dir, &[]);
    let one = page(&run.dir);
    assert!(
        one.contains("the line is the one replicate run (no bands with one replicate)")
            && !one.contains("median over 1 replicate"),
        "one replicate's captions"
    );
    fs::remove_file(run.dir.join("report.html")).unwrap();
    refused(
        &[at, "--sweep", at],
        "is not a sweep's folder (no sweep.json)",
    );
    // A sweep whose shards have not been merged has no tables yet.
    let policy = enforcement(tmp.path());
    let sw = sweep(tmp.path(), &policy, Some("1/2"));
    refused(&[sw.to_str().unwrap()], "the sweep has not been merged");
    refused(
        &[at, "--sweep", sw.to_str().unwrap()],
        "crossroads sweep merge",
    );
    // A report.html crossroads did not write is never replaced.
    fs::write(run.dir.join("report.html"), "my notes").unwrap();
    refused(&[at], "is not a report crossroads wrote");
    assert_eq!(
        fs::read_to_string(run.dir.join("report.html")).unwrap(),
        "my notes"
    );
    // A run's folder without its tables gives no page of nothing.
    fs::remove_file(run.dir.join("report.html")).unwrap();
    let summary = fs::read(run.dir.join("summary.csv")).unwrap();
    fs::remove_file(run.dir.join("summary.csv")).unwrap();
    refused(&[at], "lacks summary.csv");
    fs::write(run.dir.join("summary.csv"), summary).unwrap();
    // A table that does not read as the contract says is named, with what is wrong.
    fs::write(run.dir.join("summary.csv"), "scenario,metric\nx,y\n").unwrap();
    refused(&[at], "summary.csv: has no column `by`");
}

/// A table with rows missing would be drawn as if whole: the last year of a timeseries.csv cut
/// short charted from the months it has, a header alone as no "Over time" at all. Each run's
/// timeseries.csv must hold a row for every reported month of every replicate its manifest.json
/// records, and outcomes.csv and summary.csv must hold rows, in a run's folder and in each
/// scenario's folder of a comparison; otherwise the report is refused, naming the file.
#[test]
fn tables_with_rows_missing_are_refused() {
    let tmp = TempDir::new().unwrap();
    let refused = |dir: &Path, says: &[&str]| {
        let r = run_in(tmp.path(), &["report", dir.to_str().unwrap()]);
        assert_eq!(r.code, Some(2), "report {}: {}", dir.display(), r.stderr);
        for s in says {
            assert!(r.stderr.contains(s), "{:?} lacks {s:?}", r.stderr);
        }
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
        assert!(!dir.join("report.html").exists());
    };
    // The fixture reports 36 months (after 12 of spin-up, which timeseries.csv does not hold):
    // 2 replicates make 72 rows.
    let run = Sim::new().agents(2000).replicates(2).run();
    let ts = run.dir.join("timeseries.csv");
    let whole = fs::read_to_string(&ts).unwrap();
    let lines: Vec<&str> = whole.lines().collect();
    assert_eq!(lines.len(), 1 + 72);
    let keep = |n: usize| lines[..n].join("\n") + "\n";
    let file = format!("{}: expected 36 rows", ts.display());
    // Cut in the second replicate's second year.
    fs::write(&ts, keep(1 + 36 + 18)).unwrap();
    refused(
        &run.dir,
        &[
            &file,
            "for scenario \"small\", replicate 1",
            "found 18: months 19 to 36 missing",
        ],
    );
    // The header alone.
    fs::write(&ts, keep(1)).unwrap();
    refused(
        &run.dir,
        &[&file, "replicate 0", "found 0: months 1 to 36 missing"],
    );
    // As many rows as there should be, one month twice and another missing.
    let mut twice = lines.clone();
    twice[5] = lines[4];
    fs::write(&ts, twice.join("\n") + "\n").unwrap();
    refused(
        &run.dir,
        &["timeseries.csv: row 6: month 4 of replicate 0 a second time"],
    );
    // Rows of another run.
    fs::write(&ts, whole.replace("\nsmall,", "\nother,")).unwrap();
    refused(&run.dir, &["timeseries.csv: row 2: scenario \"other\""]);
    fs::write(&ts, &whole).unwrap();
    // outcomes.csv and summary.csv with their header alone.
    for name in ["outcomes.csv", "summary.csv"] {
        let path = run.dir.join(name);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, format!("{}\n", text.lines().next().unwrap())).unwrap();
        refused(
            &run.dir,
            &[&format!("{}: has a header and no rows", path.display())],
        );
        fs::write(&path, text).unwrap();
    }
    report_ok(tmp.path(), &run.dir, &[]);

    // A scenario's folder of a comparison is checked as a run's is.
    let policy = enforcement(tmp.path());
    let out = compare_ok(
        tmp.path(),
        &[fixture(), policy],
        &["--agents", "2000", "--replicates", "2"],
    );
    let ts = out.join("enforcement/timeseries.csv");
    let whole = fs::read_to_string(&ts).unwrap();
    let cut: String = whole
        .lines()
        .take(1 + 36 + 30)
        .map(|l| l.to_string() + "\n")
        .collect();
    fs::write(&ts, cut).unwrap();
    refused(
        &out,
        &[
            &format!("{}: expected 36 rows", ts.display()),
            "for scenario \"enforcement\", replicate 1",
            "found 30: months 31 to 36 missing",
        ],
    );
    fs::write(&ts, &whole).unwrap();
    let outcomes = out.join("small/outcomes.csv");
    let text = fs::read_to_string(&outcomes).unwrap();
    fs::write(&outcomes, format!("{}\n", text.lines().next().unwrap())).unwrap();
    refused(
        &out,
        &[&format!("{}: has a header and no rows", outcomes.display())],
    );
    fs::write(&outcomes, text).unwrap();
    report_ok(tmp.path(), &out, &[]);
}
