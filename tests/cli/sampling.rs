//! Sampling: strata drawn more often than the rest with smaller weights give the same
//! outcomes as a uniform sample, within sampling error; bad strata are refused; `--agents full`
//! stands one agent for each person.

use crate::support::*;
use std::collections::BTreeMap;
use std::path::Path;
use tempfile::TempDir;

/// The baseline drawn by strata (`scenarios/sampling/baseline.toml`): men online from landed
/// households (a twelfth of the pool, over half the deaths on the way) drawn eight times as
/// often as the rest, other men online twice.
fn stratified_baseline() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sampling/baseline.toml")
}

/// Mean and standard error of the mean of each metric over replicates (metrics undefined in a
/// replicate are left out).
fn means(out: &BTreeMap<String, Vec<Option<f64>>>) -> BTreeMap<String, (f64, f64)> {
    out.iter()
        .filter_map(|(k, v)| {
            let x: Vec<f64> = v.iter().copied().collect::<Option<Vec<_>>>()?;
            let n = x.len() as f64;
            let mean = x.iter().sum::<f64>() / n;
            let var = x.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (n - 1.0);
            Some((k.clone(), (mean, (var / n).sqrt())))
        })
        .collect()
}

#[test]
fn a_stratified_and_a_uniform_run_agree_on_every_metric_within_sampling_error() {
    let strat = stratified_baseline();
    let uniform = Sim::new().scenario(baseline()).agents(30_000).replicates(8);
    let stratified = uniform.clone().scenario(&strat);
    let (u, s) = (uniform.run(), stratified.run());

    // The strata are drawn as asked, and the weights still add up to the pool.
    let m: serde_json::Value =
        serde_json::from_slice(&s.bytes("manifest.json")).expect("manifest.json");
    let rows = m["sampling"].as_array().expect("sampling");
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r["stratum"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["online_men_with_land", "online_men", "rest"]);
    let agents = |i: usize| rows[i]["agents"].as_f64().unwrap();
    let per_agent = |i: usize| rows[i]["persons_per_agent"].as_f64().unwrap();
    assert_eq!(per_agent(0) * 8.0, per_agent(2));
    assert_eq!(per_agent(1) * 2.0, per_agent(2));
    let persons: f64 = (0..3).map(|i| agents(i) * per_agent(i)).sum();
    let u_manifest: serde_json::Value =
        serde_json::from_slice(&u.bytes("manifest.json")).expect("manifest.json");
    let uniform_persons =
        u_manifest["agents"].as_f64().unwrap() * u_manifest["weight"].as_f64().unwrap();
    assert!(
        (persons / uniform_persons - 1.0).abs() < 0.01,
        "the strata stand for {persons:.0} persons, the uniform sample for {uniform_persons:.0}"
    );
    // About 8% of the pool, drawn eight times as often: over a quarter of the agents.
    assert!(agents(0) / 30_000.0 > 0.25, "{rows:?}");

    // Every metric: the two means differ by less than five standard errors of their
    // difference (the chance that any of them does so by chance alone is negligible), and
    // nineteen in twenty by less than two and a half.
    let (mu, ms) = (means(&u.outcomes()), means(&s.outcomes()));
    let (mut compared, mut within, mut worst) = (0, 0, (0.0, String::new()));
    for (k, &(a, sa)) in &mu {
        let Some(&(b, sb)) = ms.get(k) else { continue };
        let se = (sa * sa + sb * sb).sqrt();
        let tolerance = 1e-9 * a.abs().max(b.abs());
        if se == 0.0 {
            assert!(
                (a - b).abs() <= tolerance,
                "{k}: {a} vs {b}, no spread in either"
            );
            continue;
        }
        compared += 1;
        let z = (a - b).abs() / se;
        if z < 2.5 {
            within += 1;
        }
        if z > worst.0 {
            worst = (z, k.clone());
        }
        assert!(
            z < 5.0,
            "{k}: uniform {a} ± {sa}, stratified {b} ± {sb} ({z:.1} standard errors)"
        );
    }
    assert!(compared > 100, "only {compared} metrics compared");
    assert!(
        within as f64 >= 0.95 * compared as f64,
        "{within} of {compared} within 2.5 standard errors; worst {worst:?}"
    );
}

#[test]
fn a_stratified_run_is_the_same_on_any_number_of_threads() {
    let strat = stratified_baseline();
    let sim = Sim::new().scenario(&strat).agents(12_000).replicates(2);
    let (one, two) = (sim.clone().threads(1).run(), sim.threads(2).run());
    for f in ["timeseries.csv", "outcomes.csv", "summary.csv"] {
        assert!(
            one.bytes(f) == two.bytes(f),
            "{f} differs between 1 and 2 threads"
        );
    }
}

#[test]
fn bad_strata_are_refused_naming_the_key() {
    let tmp = TempDir::new().unwrap();
    let cases = [
        ("id = \"a\"\noversample = 0\n", "stratum.a.oversample = 0"),
        ("id = \"a\"\noversample = 65\n", "stratum.a.oversample = 65"),
        (
            "id = \"a\"\noversample = 2\ndistricts = [\"atlantis\"]\n",
            "district \"atlantis\" must be one of: ",
        ),
        ("id = \"a\"\noversample = 2\nincome = true\n", "income"),
        (
            "id = \"a\"\noversample = 5\n\n[[stratum]]\nid = \"b\"\noversample = 13\nwomen = true\n",
            "least common multiple of 65",
        ),
        (
            "id = \"a\"\noversample = 2\n\n[[stratum]]\nid = \"a\"\noversample = 4\n",
            "\"a\" is used twice",
        ),
        (
            "id = \"a\"\noversample = 2\n\n[[event]]\ndate = \"2025-01\"\nnote = \"x\"\n\n[event.set]\n\"stratum.a.oversample\" = 4\n",
            "sampling strata; events may change values only",
        ),
    ];
    for (i, (stratum, message)) in cases.iter().enumerate() {
        let path = write(
            tmp.path(),
            &format!("bad{i}.toml"),
            &format!(
                "extends = {:?}\n\n[[stratum]]\n{stratum}",
                baseline().display().to_string()
            ),
        );
        let r = run_in(tmp.path(), &["check", path.to_str().unwrap()]);
        assert_eq!(r.code, Some(2), "{stratum}: {}", r.stderr);
        assert!(
            r.stderr.contains(message),
            "{stratum}: expected {message:?} in {}",
            r.stderr
        );
    }
}

#[test]
fn agents_full_stands_one_agent_for_each_person() {
    // A pool of 3,000 persons and 100 entrants a year, no settling run: 3,000 + 100 x 15
    // persons over the 180 simulated months.
    let tmp = TempDir::new().unwrap();
    let strat = stratified_baseline();
    let out = tmp.path().join("full");
    let r = run_in(
        tmp.path(),
        &[
            "run",
            strat.to_str().unwrap(),
            "--agents",
            "full",
            "--replicates",
            "1",
            "--quiet",
            "--set",
            "population.persons=3000",
            "--set",
            "population.entries_per_year=100",
            "--set",
            "settle_months=0",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["agents"], 4_500);
    assert_eq!(m["weight"], 1.0);
    // Strata have no meaning at one agent per person.
    assert_eq!(m["sampling"][0]["stratum"], "everyone");
    assert_eq!(m["sampling"].as_array().unwrap().len(), 1);
    let bad = run_in(
        tmp.path(),
        &["run", strat.to_str().unwrap(), "--agents", "many"],
    );
    assert_eq!(bad.code, Some(2));
    assert!(bad.stderr.contains("`full`"), "{}", bad.stderr);
}
