//! Deaths counted by their expectation: the default estimator and the drawn one estimate the same
//! number from the same simulation, the expected one with far less noise, enough that the
//! paired difference in deaths under recommendation 1 is measured at the README's default
//! compare; a bad setting is refused.

use crate::support::*;
use std::collections::BTreeSet;
use tempfile::TempDir;

/// The metrics that count deaths (the rest of outcomes.csv must not depend on the estimator).
const DEATH_METRICS: [&str; 4] = [
    "deaths_per_year",
    "deaths_in_captivity_per_year",
    "deaths_per_1000_irregular",
    "sea_crossing_death_share",
];

fn is_death_metric(key: &str) -> bool {
    DEATH_METRICS
        .iter()
        .any(|m| key == *m || key.starts_with(&format!("{m}[")))
}

fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

#[test]
fn expected_and_drawn_deaths_estimate_the_same_number_from_the_same_simulation() {
    let sim = Sim::new()
        .scenario(baseline())
        .agents(30_000)
        .replicates(12);
    let drawn = sim.clone().set("deaths_estimator", "drawn").run();
    let expected = sim.run();

    // The manifest says how deaths were counted.
    for (out, how) in [(&drawn, "drawn"), (&expected, "expected")] {
        let m: serde_json::Value =
            serde_json::from_slice(&out.bytes("manifest.json")).expect("manifest.json");
        assert_eq!(m["deaths_estimator"], how);
    }

    // The simulation is the same: every other metric, and every column of timeseries.csv but
    // `deaths`, to the byte.
    let (d, e) = (drawn.outcomes(), expected.outcomes());
    assert_eq!(
        d.keys().collect::<BTreeSet<_>>(),
        e.keys().collect::<BTreeSet<_>>()
    );
    let others = d.keys().filter(|k| !is_death_metric(k)).count();
    assert!(others > 300, "only {others} other metrics");
    for k in d.keys().filter(|k| !is_death_metric(k)) {
        assert_eq!(d[k], e[k], "{k} depends on how deaths are counted");
    }
    let (hd, rd) = read_csv(&drawn.path("timeseries.csv"));
    let (he, re) = read_csv(&expected.path("timeseries.csv"));
    assert_eq!(hd, he);
    let deaths_col = hd
        .iter()
        .position(|c| c == "deaths")
        .expect("deaths column");
    let mut months_with_deaths = 0;
    for (a, b) in rd.iter().zip(&re) {
        for (c, (x, y)) in a.iter().zip(b).enumerate() {
            if c != deaths_col {
                assert_eq!(x, y, "timeseries.csv column {} differs", hd[c]);
            }
        }
        if b[deaths_col].parse::<f64>().unwrap() > 0.0 {
            months_with_deaths += 1;
        }
    }
    assert!(
        months_with_deaths > re.len() / 2,
        "{months_with_deaths} months with deaths"
    );

    // Each replicate's two counts come from the same journeys: their difference is the noise
    // of the death draws alone, and averages to zero within its standard error. The expected
    // count varies less from replicate to replicate than the drawn one.
    for metric in DEATH_METRICS {
        let (xd, xe) = (drawn.values(metric), expected.values(metric));
        let diff: Vec<f64> = xd.iter().zip(&xe).map(|(a, b)| a - b).collect();
        let (m, sd) = mean_sd(&diff);
        let se = sd / (diff.len() as f64).sqrt();
        assert!(
            se > 0.0,
            "{metric}: the two counts are the same in every replicate"
        );
        assert!(
            m.abs() < 4.0 * se,
            "{metric}: drawn − expected = {m} ± {se} (drawn {xd:?}, expected {xe:?})"
        );
        let (mean_e, sd_e) = mean_sd(&xe);
        let (_, sd_d) = mean_sd(&xd);
        assert!(mean_e > 0.0, "{metric}: no deaths expected");
        assert!(
            sd_e < sd_d,
            "{metric}: expected varies by {sd_e}, drawn by {sd_d}"
        );
    }
}

#[test]
fn the_deaths_interval_under_recommendation_1_at_the_readme_default_is_under_a_fifth_of_the_baseline()
 {
    // The README's compare at its defaults (250,000 agents, 8 replicates), for recommendation 1
    // alone: its pairs with the baseline are the same as in the compare of all five.
    let tmp = TempDir::new().unwrap();
    let out = compare_ok(
        tmp.path(),
        &[baseline(), recommendation("1-regulate-recruitment.toml")],
        &[],
    );
    let (h, rows) = read_csv(&out.join("comparison.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).expect(name);
    let row = rows
        .iter()
        .find(|r| r[col("metric")] == "deaths_per_year" && r[col("by")].is_empty())
        .expect("deaths_per_year in comparison.csv");
    let num = |name: &str| cell(&row[col(name)]).unwrap_or_else(|| panic!("{name} is empty"));
    let (base, low, high) = (
        num("baseline_mean"),
        num("diff_ci_low"),
        num("diff_ci_high"),
    );
    assert!(base > 100.0, "baseline deaths a year {base}");
    assert!(
        high - low < base / 5.0,
        "95% interval of the difference [{low}, {high}] is {} wide; a fifth of the baseline's {base} deaths a year is {}",
        high - low,
        base / 5.0
    );
}

#[test]
fn a_bad_deaths_estimator_is_refused_naming_the_key() {
    let tmp = TempDir::new().unwrap();
    let base = baseline().display().to_string();
    let cases = [
        (
            format!("extends = {base:?}\ndeaths_estimator = \"median\"\n"),
            ["deaths_estimator", "expected", "drawn"],
        ),
        (
            format!(
                "extends = {base:?}\n\n[[event]]\ndate = \"2025-01\"\nnote = \"x\"\n\n[event.set]\ndeaths_estimator = \"drawn\"\n"
            ),
            ["deaths_estimator", "event", "bad1.toml"],
        ),
    ];
    for (i, (text, words)) in cases.iter().enumerate() {
        let path = write(tmp.path(), &format!("bad{i}.toml"), text);
        let r = run_in(tmp.path(), &["check", path.to_str().unwrap()]);
        assert_eq!(r.code, Some(2), "{text}: {}", r.stderr);
        for w in words {
            assert!(
                r.stderr.contains(w),
                "{text}: expected {w:?} in {}",
                r.stderr
            );
        }
    }
}
