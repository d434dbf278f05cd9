//! The calibrated baseline and the recommendations, through the real program at a reduced agent
//! count: the emergent targets are met with bands widened only by the sampling error of the
//! smaller run, and each recommendation moves the outcomes it targets.

use crate::support::*;
use crossroads::metrics::t975;
use std::path::{Path, PathBuf};

fn baseline() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml")
}

fn recommendation(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/recommendations")
        .join(name)
}

/// The baseline at 60,000 agents × 6 replicates meets every emergent target. The band of each
/// target is widened by three standard errors of the mean at this size (from the interval in
/// validation.csv: half-width ÷ t quantile), and by nothing else.
#[test]
fn the_baseline_meets_its_emergent_targets_at_reduced_size() {
    let out = Sim::new()
        .scenario(baseline())
        .agents(60_000)
        .replicates(6)
        .seed(1)
        .run();
    let (head, rows) = read_csv(&out.path("validation.csv"));
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let t = t975(5);
    let mut checked = 0;
    for r in &rows {
        if r[col("kind")] != "emergent" {
            continue;
        }
        let sim = cell(&r[col("simulated")])
            .unwrap_or_else(|| panic!("{} has no value", r[col("target_id")]));
        let (lo, hi) = (
            cell(&r[col("ci_low")]).unwrap(),
            cell(&r[col("ci_high")]).unwrap(),
        );
        let se = (hi - lo) / 2.0 / t;
        let (band_lo, band_hi) = (
            cell(&r[col("band_low")]).unwrap(),
            cell(&r[col("band_high")]).unwrap(),
        );
        assert!(
            sim >= band_lo - 3.0 * se && sim <= band_hi + 3.0 * se,
            "{}: {sim} outside [{band_lo}, {band_hi}] widened by 3 × se {se}",
            r[col("target_id")]
        );
        checked += 1;
    }
    assert!(checked >= 14, "only {checked} emergent targets checked");
}

/// A scenario compared with itself differs by exactly zero on every metric.
#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let tmp = tempfile::TempDir::new().unwrap();
    let copy = write(
        tmp.path(),
        "copy.toml",
        &format!(
            "name = \"copy\"\nextends = {:?}\n",
            baseline().display().to_string()
        ),
    );
    let out = compare_ok(
        tmp.path(),
        &[baseline(), copy],
        &["--agents", "20000", "--replicates", "3"],
    );
    let (head, rows) = read_csv(&out.join("comparison.csv"));
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    assert!(rows.len() > 40);
    for row in &rows {
        for c in ["diff_mean", "diff_ci_low", "diff_ci_high"] {
            if let Some(v) = cell(&row[col(c)]) {
                assert_eq!(v, 0.0, "{} {c}", row[col("metric")]);
            }
        }
    }
}

/// Each recommendation at its default strength moves the metrics it targets, with a paired 95%
/// interval that excludes zero, at a reduced size. The levers start in 2026-01, so comparison.csv
/// compares 2026-2031; the years before are the baseline's exactly.
#[test]
fn each_recommendation_moves_what_it_targets() {
    let tmp = tempfile::TempDir::new().unwrap();
    let mut files = vec![baseline()];
    for f in [
        "1-regulate-recruitment.toml",
        "2-cross-border-cooperation.toml",
        "3-reintegration.toml",
        "4-awareness.toml",
        "5-enforcement.toml",
    ] {
        files.push(recommendation(f));
    }
    let out = compare_ok(
        tmp.path(),
        &files,
        &["--agents", "60000", "--replicates", "6"],
    );
    let (head, rows) = read_csv(&out.join("comparison.csv"));
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let diff = |scenario: &str, metric: &str, by: &str, level: &str| -> (f64, f64) {
        let row = rows
            .iter()
            .find(|r| {
                r[col("scenario")] == scenario
                    && r[col("metric")] == metric
                    && r[col("by")] == by
                    && r[col("level")] == level
            })
            .unwrap_or_else(|| panic!("no row {scenario} {metric} {by} {level}"));
        assert_eq!(row[col("period")], "2026-2031", "{scenario} {metric}");
        (
            cell(&row[col("diff_ci_low")]).unwrap(),
            cell(&row[col("diff_ci_high")]).unwrap(),
        )
    };
    let lower = |s: &str, m: &str, by: &str, level: &str| {
        let (lo, hi) = diff(s, m, by, level);
        assert!(
            hi < 0.0,
            "{s} should lower {m} {by} {level}: interval [{lo}, {hi}]"
        );
    };
    let higher = |s: &str, m: &str, by: &str, level: &str| {
        let (lo, hi) = diff(s, m, by, level);
        assert!(
            lo > 0.0,
            "{s} should raise {m} {by} {level}: interval [{lo}, {hi}]"
        );
    };
    // 1: bondage and the agencies' deception (licence conditions, deterrence).
    lower("1-regulate-recruitment", "debt_bondage_share", "", "");
    lower(
        "1-regulate-recruitment",
        "deceptive_recruitment_share",
        "recruiter_kind",
        "licensed_agency",
    );
    // 2: victims identified where they are held, and trafficking.
    let held = |name: &str| -> Vec<f64> {
        let o = read_outcomes(&out.join(name).join("outcomes.csv"));
        let get = |level: &str| o[&key("identified_per_year", "state", level)].clone();
        get("captive")
            .iter()
            .zip(get("detained"))
            .map(|(a, b)| a.unwrap() + b.unwrap())
            .collect()
    };
    let (base, coop) = (held("baseline"), held("2-cross-border-cooperation"));
    let d: Vec<f64> = coop.iter().zip(&base).map(|(s, b)| s - b).collect();
    let s = crossroads::metrics::describe(&d);
    assert!(
        s.lo.unwrap() > 0.0,
        "recommendation 2 should raise victims identified in captivity or detention: {s:?}"
    );
    lower("2-cross-border-cooperation", "trafficked_per_year", "", "");
    // 3: sustainable reintegration up (irregular re-migration down: its own test, below).
    higher("3-reintegration", "reintegration_sustainable_share", "", "");
    // 4: trafficking.
    lower("4-awareness", "trafficked_per_year", "", "");
    // 5: fewer networks operating from the targeted locations, less trafficking through them.
    for base in ["libya", "dubai"] {
        lower(
            "5-enforcement",
            "operating_recruiters",
            "recruiter_kind+location",
            &format!("trafficking_network+{base}"),
        );
        lower("5-enforcement", "trafficked_per_year", "base", base);
    }
}

/// Reintegration lowers the share of returnees who leave again irregularly. The effect is small
/// (about 0.0002 on a share of 0.0147, under 2%): at the size of the test above the paired 95%
/// interval is about ±0.0003 wide and cannot tell it from zero, so it is checked at the
/// README's default size (250,000 agents, 8 replicates), where the interval is about ±0.0001.
#[test]
fn reintegration_lowers_irregular_remigration_at_the_readme_default() {
    let tmp = tempfile::TempDir::new().unwrap();
    let out = compare_ok(
        tmp.path(),
        &[baseline(), recommendation("3-reintegration.toml")],
        &["--agents", "250000", "--replicates", "8"],
    );
    let (head, rows) = read_csv(&out.join("comparison.csv"));
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let row = rows
        .iter()
        .find(|r| {
            r[col("scenario")] == "3-reintegration"
                && r[col("metric")] == "remigration_irregular_share"
                && r[col("by")].is_empty()
        })
        .expect("a row for remigration_irregular_share");
    assert_eq!(row[col("period")], "2026-2031");
    let (lo, hi) = (
        cell(&row[col("diff_ci_low")]).unwrap(),
        cell(&row[col("diff_ci_high")]).unwrap(),
    );
    assert!(
        hi < 0.0,
        "3-reintegration should lower remigration_irregular_share: interval [{lo}, {hi}]"
    );
}

/// A policy introduced in 2026-01 leaves every month before it exactly as in the baseline (the
/// same draws), and changes the months after.
#[test]
fn a_policy_from_2026_leaves_the_years_before_identical() {
    let tmp = tempfile::TempDir::new().unwrap();
    let out = compare_ok(
        tmp.path(),
        &[baseline(), recommendation("5-enforcement.toml")],
        &["--agents", "20000", "--replicates", "2"],
    );
    // timeseries.csv without its first column (the scenario's name).
    let lines = |name: &str| -> Vec<(String, String)> {
        std::fs::read_to_string(out.join(name).join("timeseries.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                let rest = l.split_once(',').unwrap().1.to_string();
                let date = rest.split(',').nth(2).unwrap().to_string();
                (date, rest)
            })
            .collect()
    };
    let (base, policy) = (lines("baseline"), lines("5-enforcement"));
    assert_eq!(base.len(), policy.len());
    let (mut before, mut after_differ) = (0, 0);
    for ((date, b), (_, p)) in base.iter().zip(&policy) {
        if date.as_str() < "2026-01" {
            assert_eq!(b, p, "{date} differs before the policy starts");
            before += 1;
        } else if b != p {
            after_differ += 1;
        }
    }
    assert!(before >= 2 * 48, "only {before} rows before 2026");
    assert!(after_differ > 0, "nothing changed after the policy started");
}

/// Common random numbers make the paired interval of a difference far narrower than the
/// unpaired interval of the same two sets of replicates. The ratio of the two is itself a
/// random quantity (at six replicates it ranged from 0.2 to 0.7 over seeds), so the test uses
/// twelve replicates and asks for a clear gain (below 0.7). The two runs share their history:
/// recommendation 4's campaign starts in January 2022 as an event, so both start from the same
/// settled world (a policy written at the top level is in force through the settling run, and
/// the two worlds it starts from already differ).
#[test]
fn paired_intervals_are_narrower_than_unpaired_ones() {
    let tmp = tempfile::TempDir::new().unwrap();
    let from_2022 = write(
        tmp.path(),
        "awareness-from-2022.toml",
        &format!(
            "extends = {:?}\n[[event]]\ndate = \"2022-01\"\nset = {{ \"policy.awareness.coverage_share\" = 0.25, \"policy.awareness.effect_share\" = 0.2, \"policy.awareness.online_share\" = 0.5 }}\n",
            baseline().display().to_string()
        ),
    );
    let base = Sim::new()
        .scenario(baseline())
        .agents(30_000)
        .replicates(12)
        .seed(3)
        .run();
    let aware = Sim::new()
        .scenario(from_2022)
        .agents(30_000)
        .replicates(12)
        .seed(3)
        .run();
    let (b, s) = (
        base.values("trafficked_per_1000"),
        aware.values("trafficked_per_1000"),
    );
    let d: Vec<f64> = s.iter().zip(&b).map(|(x, y)| x - y).collect();
    let paired = crossroads::metrics::describe(&d);
    let paired_half = paired.hi.unwrap() - paired.mean.unwrap();
    let unpaired_half = crossroads::compare::unpaired_half_width(&b, &s).unwrap();
    assert!(
        paired_half < 0.7 * unpaired_half,
        "paired ±{paired_half} vs unpaired ±{unpaired_half}"
    );
}

/// An unintended effect: a very low fee cap, strictly enforced, with employers paying nothing,
/// shuts most agencies' placements, so regular departures fall and irregular ones rise.
#[test]
fn a_strict_low_fee_cap_pushes_people_to_irregular_routes() {
    let base = Sim::new()
        .scenario(baseline())
        .agents(40_000)
        .replicates(4)
        .seed(5)
        .run();
    let capped = Sim::new()
        .scenario(baseline())
        .agents(40_000)
        .replicates(4)
        .seed(5)
        .set("policy.recruitment.fee_cap_usd", 800)
        .set("policy.recruitment.p_cap_enforcement", 0.1)
        .set("policy.recruitment.employer_pays_share", 0)
        .run();
    assert_greater("regular_departures_per_year", &base, &capped);
    assert_greater("irregular_departures_per_year", &capped, &base);
}
