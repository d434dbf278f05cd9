//! Writes docs/ROBUSTNESS.md from the two sweeps of the robustness study:
//!
//! ```sh
//! cargo run --release -- sweep scenarios/sweeps/robustness-morris.toml
//! cargo run --release -- sweep scenarios/sweeps/robustness-sobol.toml
//! cargo run --release --example robustness_page
//! ```
//!
//! It reads `output/sweep-robustness-morris/` and `output/sweep-robustness-sobol/` (the plan,
//! sensitivity.csv, robustness.csv and the journal sweep.log) and renders what each
//! recommendation's headline effects do across the assumptions' ranges. `--morris DIR`,
//! `--sobol DIR` and `--out FILE` change the paths.

use crossroads::sweep::Config;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The recommendations and the outcomes each is judged on first.
const RECOMMENDATIONS: [(&str, &str, &[&str]); 5] = [
    (
        "1-regulate-recruitment",
        "Regulate recruitment",
        &[
            "debt_bondage_per_year",
            "trafficked_per_year",
            "deaths_per_year",
        ],
    ),
    (
        "2-cross-border-cooperation",
        "Cross-border cooperation",
        &[
            "identified_per_year",
            "trafficked_per_year",
            "deaths_per_year",
        ],
    ),
    (
        "3-reintegration",
        "Reintegration of returnees",
        &[
            "reintegration_sustainable_share",
            "irregular_departures_per_year",
            "trafficked_per_year",
        ],
    ),
    (
        "4-awareness",
        "Awareness campaigns",
        &[
            "trafficked_per_year",
            "irregular_departures_per_year",
            "deaths_per_year",
        ],
    ),
    (
        "5-enforcement",
        "Stronger enforcement",
        &[
            "trafficked_per_year",
            "convictions_per_year",
            "deaths_per_year",
        ],
    ),
];

fn words(metric: &str) -> &'static str {
    match metric {
        "trafficked_per_year" => "persons trafficked a year",
        "debt_bondage_per_year" => "persons entering debt bondage a year",
        "debt_bondage_share" => "share of departures ever in debt bondage",
        "forced_labour_per_year" => "persons entering forced labour a year",
        "deaths_per_year" => "deaths during migration a year",
        "irregular_departures_per_year" => "irregular departures a year",
        "identified_per_year" => "victims identified a year",
        "reintegration_sustainable_share" => "share of returnees sustainably reintegrated",
        "convictions_per_year" => "recruiters convicted a year",
        _ => "",
    }
}

/// A table as rows of column → value.
fn read_table(path: &Path) -> Result<Vec<BTreeMap<String, String>>, String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let head: Vec<String> = r
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(str::to_string)
        .collect();
    r.records()
        .map(|rec| {
            let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(head
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect())
        })
        .collect()
}

/// One sweep's folder, read.
struct Sweep {
    plan: serde_json::Value,
    config: Config,
    sensitivity: Vec<BTreeMap<String, String>>,
    robustness: Vec<BTreeMap<String, String>>,
    /// Wall seconds over every session in sweep.log, and runs.
    wall: f64,
    runs: u64,
    /// Per (scenario, metric): the share of the variance of the effect across points that is
    /// the model's own noise (from the differences between replicates at each point), when the
    /// sweep has two replicates or more.
    noise: BTreeMap<(String, String), f64>,
}

/// The noise share of each policy effect: at every point the effects of replicates 0 and 1
/// differ by noise alone (the same parameters), so half the mean square of that difference is
/// the noise variance of one replicate's effect, and half that again the noise variance of the
/// two-replicate mean, which is set against the variance of the mean effects across points.
fn noise_shares(
    results: &[BTreeMap<String, String>],
    baseline: &str,
) -> BTreeMap<(String, String), f64> {
    // (point, scenario, metric) -> per-replicate values.
    let mut v: BTreeMap<(String, String, String), BTreeMap<String, f64>> = BTreeMap::new();
    for r in results {
        if let Some(x) = num(r, "value") {
            v.entry((
                r["point"].clone(),
                r["scenario"].clone(),
                r["metric"].clone(),
            ))
            .or_default()
            .insert(r["replicate"].clone(), x);
        }
    }
    let mut acc: BTreeMap<(String, String), (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for ((point, scenario, metric), reps) in &v {
        if scenario == baseline {
            continue;
        }
        let Some(base) = v.get(&(point.clone(), baseline.to_string(), metric.clone())) else {
            continue;
        };
        let e: Vec<f64> = reps
            .iter()
            .filter_map(|(r, x)| Some(x - base.get(r)?))
            .collect();
        if e.len() < 2 {
            continue;
        }
        let a = acc.entry((scenario.clone(), metric.clone())).or_default();
        a.0.push(e[0] - e[1]);
        a.1.push((e[0] + e[1]) / 2.0);
    }
    acc.into_iter()
        .filter_map(|(k, (d, m))| {
            let n = m.len() as f64;
            let noise = d.iter().map(|x| x * x).sum::<f64>() / d.len() as f64 / 4.0;
            let mean = m.iter().sum::<f64>() / n;
            let var = m.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
            (var > 0.0).then(|| (k, (noise / var).min(1.0)))
        })
        .collect()
}

fn read_sweep(dir: &Path) -> Result<Sweep, String> {
    let plan: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("sweep.json")).map_err(|e| format!("{}: {e}", dir.display()))?,
    )
    .map_err(|e| e.to_string())?;
    let config: Config =
        toml::from_str(plan["config"]["text"].as_str().unwrap_or("")).map_err(|e| e.to_string())?;
    let log = std::fs::read_to_string(dir.join("sweep.log")).unwrap_or_default();
    let (mut wall, mut runs) = (0.0, 0u64);
    for line in log.lines() {
        // "... ran 169 points (2028 runs of 20000 agents) in 812.3 s on 2 threads"
        if let (Some(r), Some(w)) = (line.split(" points (").nth(1), line.split(") in ").nth(1)) {
            runs += r
                .split(' ')
                .next()
                .and_then(|x| x.parse().ok())
                .unwrap_or(0);
            wall += w
                .split(' ')
                .next()
                .and_then(|x| x.parse::<f64>().ok())
                .unwrap_or(0.0);
        }
    }
    let baseline = plan["scenarios"][0]["name"]
        .as_str()
        .unwrap_or("baseline")
        .to_string();
    let noise = if plan["replicates"].as_u64().unwrap_or(1) >= 2 {
        noise_shares(&read_table(&dir.join("results.csv"))?, &baseline)
    } else {
        BTreeMap::new()
    };
    Ok(Sweep {
        plan,
        config,
        sensitivity: read_table(&dir.join("sensitivity.csv"))?,
        robustness: read_table(&dir.join("robustness.csv"))?,
        wall,
        runs,
        noise,
    })
}

fn num(row: &BTreeMap<String, String>, col: &str) -> Option<f64> {
    row.get(col).and_then(|v| v.parse().ok())
}

/// A count or a share as a person would say it.
fn say(metric: &str, v: f64) -> String {
    if metric.ends_with("_share") {
        return format!("{:+.1} points", 100.0 * v);
    }
    let a = v.abs();
    let r = if a >= 10_000.0 {
        (v / 1000.0).round() * 1000.0
    } else if a >= 1000.0 {
        (v / 100.0).round() * 100.0
    } else if a >= 100.0 {
        (v / 10.0).round() * 10.0
    } else {
        v.round()
    };
    let s = format!("{:+}", r as i64);
    // Thousands separators.
    let (sign, digits) = s.split_at(1);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A whole number with thousands separated: `2,028`.
fn count(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn pct(v: f64) -> String {
    format!("{:+.0}%", 100.0 * v)
}

/// The parameters' ranges in words.
fn range(cfg: &Config, key: &str) -> String {
    let Some(p) = cfg.parameters.iter().find(|p| p.key == key) else {
        return String::new();
    };
    let g = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
    let pinned = if p.pin { ", pinned" } else { "" };
    match p.distribution.as_str() {
        "discrete" => format!("{:?}{pinned}", p.values.clone().unwrap_or_default()),
        d => format!("{d} {}–{}{pinned}", g(p.low), g(p.high)),
    }
}

/// The Sobol' step's rule (scenarios/sweeps/robustness-sobol.toml: for each of the two headline
/// effects of each recommendation, the assumption with the largest μ\* in the screening), checked
/// against the screening as it was run: which assumptions it asks for and the Sobol' sweep lacks,
/// which the Sobol' sweep has besides, and which are often among the largest but first for none.
fn rule_of_the_sobol_step(o: &mut String, m: &Sweep, s: &Sweep) {
    let in_sobol = |k: &str| s.config.parameters.iter().any(|p| p.key == k);
    let effects: Vec<(&str, &str)> = RECOMMENDATIONS
        .iter()
        .flat_map(|(sc, _, outs)| outs[..2].iter().map(move |me| (*sc, *me)))
        .collect();
    // For each assumption: the effects it is first for, and how often it is among the three largest.
    let mut first: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut top3: BTreeMap<String, usize> = BTreeMap::new();
    for (sc, me) in &effects {
        let ranked = top(m, sc, me, "mu_star", 3);
        if let Some((k, _)) = ranked.first() {
            first
                .entry(k.clone())
                .or_default()
                .push(format!("{}: {}", &sc[..1], words(me)));
        }
        for (k, _) in &ranked {
            *top3.entry(k.clone()).or_default() += 1;
        }
    }
    let code = |k: &str| format!("`{k}`");
    let _ = write!(
        o,
        "\nThe Sobol' step takes the {} assumptions of scenarios/sweeps/robustness-sobol.toml, chosen \
         by the rule written there: for each of the two headline effects of each recommendation \
         ({} effects), the assumption with the largest μ\\* in the screening. In the screening as \
         run for this page, ",
        s.config.parameters.len(),
        effects.len()
    );
    let asked: Vec<&String> = first.keys().collect();
    let lacking: Vec<String> = first
        .iter()
        .filter(|(k, _)| !in_sobol(k))
        .map(|(k, f)| format!("{} (first for {})", code(k), f.join(", ")))
        .collect();
    let besides: Vec<String> = s
        .config
        .parameters
        .iter()
        .filter(|p| !first.contains_key(&p.key))
        .map(|p| code(&p.key))
        .collect();
    if lacking.is_empty() {
        let _ = write!(
            o,
            "the rule names {} assumptions and the Sobol' sweep has each of them",
            asked.len()
        );
    } else {
        let _ = write!(
            o,
            "the rule names {} assumptions, and the Sobol' sweep lacks {}",
            asked.len(),
            lacking.join("; ")
        );
    }
    if besides.is_empty() {
        let _ = writeln!(o, ".");
    } else {
        let _ = writeln!(
            o,
            "; it has besides {}, first for none of the effects here.",
            besides.join(", ")
        );
    }
    let often: Vec<String> = top3
        .iter()
        .filter(|(k, n)| **n >= 2 && !first.contains_key(*k) && !in_sobol(k))
        .map(|(k, n)| format!("{} (among the three largest for {n})", code(k)))
        .collect();
    if !often.is_empty() {
        let _ = writeln!(
            o,
            "Often among the three largest but first for none, and so not in the Sobol' step: {}; \
             a next study should add {}.",
            often.join(", "),
            if often.len() == 1 { "it" } else { "them" }
        );
    }
    let _ = writeln!(o);
}

/// The largest indices of `index` for a scenario's metric, best first.
fn top(s: &Sweep, scenario: &str, metric: &str, index: &str, n: usize) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = s
        .sensitivity
        .iter()
        .filter(|r| r["scenario"] == scenario && r["metric"] == metric && r["index"] == index)
        .filter_map(|r| Some((r["parameter"].clone(), num(r, "estimate")?)))
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v.truncate(n);
    v
}

fn robust<'a>(s: &'a Sweep, scenario: &str, metric: &str) -> Option<&'a BTreeMap<String, String>> {
    s.robustness
        .iter()
        .find(|r| r["scenario"] == scenario && r["metric"] == metric)
}

fn share_text(r: &BTreeMap<String, String>) -> String {
    match (
        num(r, "same_sign_share"),
        num(r, "ci_low"),
        num(r, "ci_high"),
    ) {
        (Some(s), Some(lo), Some(hi)) => {
            format!("{:.0}% [{:.0}–{:.0}%]", 100.0 * s, 100.0 * lo, 100.0 * hi)
        }
        _ => "—".into(),
    }
}

fn verdict(share: Option<f64>) -> &'static str {
    match share {
        Some(s) if s >= 0.95 => "holds",
        Some(s) if s >= 0.8 => "mostly holds",
        Some(s) if s >= 0.6 => "is fragile",
        Some(_) => "is decided by the assumptions",
        None => "has no sign to keep",
    }
}

fn render(m: &Sweep, s: &Sweep) -> String {
    // The commit the program was built from (build.rs), `+changes` if the tree differed.
    let commit = env!("CROSSROADS_COMMIT");
    let mut o = String::new();
    let plan = |sw: &Sweep, k: &str| sw.plan[k].clone();
    let _ = writeln!(
        o,
        "# Robustness: which conclusions survive what we don't know\n"
    );
    let _ = writeln!(
        o,
        "This page is written by the program from two sweeps (docs/SWEEPS.md), by the commands\n\n\
         ```sh\n\
         cargo run --release -- sweep scenarios/sweeps/robustness-morris.toml\n\
         cargo run --release -- sweep scenarios/sweeps/robustness-sobol.toml\n\
         cargo run --release --example robustness_page\n\
         ```\n\n\
         at commit `{commit}` (crossroads {}; the sweeps were run by build `{}`). Do not edit it by \
         hand; rerun the commands after any change to the model or the scenarios.\n",
        env!("CARGO_PKG_VERSION"),
        m.plan["build"].as_str().unwrap_or("?")
    );
    let _ = writeln!(
        o,
        "The 95% intervals of `compare` measure the model's randomness at fixed assumptions. Here \
         the assumptions move: twenty numbers that no survey pins down, each over the range written \
         beside it in the baseline (or ±50–100% where none is written), are swept on the \
         baseline and the five recommendations together, on the same random draws. The question \
         for each recommendation is whether its effect keeps its sign across those ranges, and \
         which assumption decides its size. Effects are paired differences (recommendation − \
         baseline) over **{}**, the years the recommendations are in force.\n",
        plan(m, "period").as_str().unwrap_or("")
    );
    let _ = writeln!(o, "## The study\n");
    for (sw, step, what) in [
        (m, "1. Screening", "Morris elementary effects"),
        (s, "2. Indices", "Sobol' indices (Saltelli's scheme)"),
    ] {
        let k = sw.config.parameters.len();
        let points = plan(sw, "points").as_u64().unwrap_or(0);
        let scen = plan(sw, "scenarios").as_array().map_or(0, Vec::len);
        let reps = plan(sw, "replicates").as_u64().unwrap_or(0);
        let _ = writeln!(
            o,
            "- **{step}**: {what} over {k} assumptions, design `{}` with n = {}: {points} points \
             (point 0 the scenarios as written) × {scen} scenarios × {reps} replicates = **{} runs** \
             of {} agents, seed {}; **{:.0} minutes** of wall time on two cores ({} runs logged \
             in `sweep.log`).",
            plan(sw, "design").as_str().unwrap_or(""),
            sw.config.n.unwrap_or(0),
            count(points * scen as u64 * reps),
            count(plan(sw, "agents").as_u64().unwrap_or(0)),
            plan(sw, "seed"),
            sw.wall / 60.0,
            count(sw.runs)
        );
    }
    rule_of_the_sobol_step(&mut o, m, s);

    let _ = writeln!(o, "## Recommendation by recommendation\n");
    let _ = writeln!(
        o,
        "For each outcome: the effect at the assumptions as written (relative to the baseline), \
         the 5th to 95th percentile of the relative effect across the Sobol' points, the share \
         of points at which the effect keeps the sign it has as written (Wilson 95% interval; \
         Sobol' rows of A and B, then the Morris points), and the assumptions with the largest \
         total Sobol' index ST (the share of the effect's variance over the ranges they explain \
         with their interactions: at most 1 in truth, but an estimate from few points, which \
         sampling error can put a little above 1, as it can put two assumptions' shares above 1 \
         in all). The noise share is the part of the variance of the effect \
         across the Morris points that is the model's own randomness at 20,000 agents (from the \
         difference between the two replicates at each point): where it is large, a sign that \
         flips says more about the sample size than about the assumptions, and the outcome needs \
         more agents (rare outcomes such as deaths: a few hundred persons a year, a handful of \
         agents at this size).\n"
    );
    for (scenario, title, outcomes) in RECOMMENDATIONS {
        let n = &scenario[..1];
        let _ = writeln!(o, "### {n}. {title}\n");
        let mut sentences = Vec::new();
        let _ = writeln!(
            o,
            "| outcome | effect as written | relative effect, 5–95% | keeps its sign (Sobol') | keeps its sign (Morris) | noise share | decided most by (ST) |"
        );
        let _ = writeln!(o, "|---|---|---|---|---|---|---|");
        for metric in outcomes.iter() {
            let rs = robust(s, scenario, metric);
            let rm = robust(m, scenario, metric);
            let Some(r) = rs.or(rm) else { continue };
            let d = num(r, "default_effect");
            let rel = num(r, "default_relative_change");
            let written = match (d, rel) {
                (Some(d), Some(rel)) if !metric.ends_with("_share") => {
                    format!("{} ({})", say(metric, d), pct(rel))
                }
                (Some(d), _) => say(metric, d),
                _ => "—".into(),
            };
            let spread = match (
                rs.and_then(|r| num(r, "relative_change_p05")),
                rs.and_then(|r| num(r, "relative_change_p95")),
            ) {
                (Some(a), Some(b)) if !metric.ends_with("_share") => {
                    format!("{} to {}", pct(a), pct(b))
                }
                _ => match (
                    rs.and_then(|r| num(r, "effect_p05")),
                    rs.and_then(|r| num(r, "effect_p95")),
                ) {
                    (Some(a), Some(b)) => format!("{} to {}", say(metric, a), say(metric, b)),
                    _ => "—".into(),
                },
            };
            let drivers: Vec<String> = top(s, scenario, metric, "ST", 2)
                .into_iter()
                .map(|(p, v)| format!("`{p}` {v:.2}"))
                .collect();
            let noise = m
                .noise
                .get(&(scenario.to_string(), metric.to_string()))
                .copied();
            let _ = writeln!(
                o,
                "| {} | {written} | {spread} | {} | {} | {} | {} |",
                words(metric),
                rs.map(share_text).unwrap_or_else(|| "—".into()),
                rm.map(share_text).unwrap_or_else(|| "—".into()),
                noise.map_or("—".into(), |x| format!("{:.0}%", 100.0 * x)),
                if drivers.is_empty() {
                    "—".into()
                } else {
                    drivers.join(", ")
                }
            );
            let share = rs.and_then(|r| num(r, "same_sign_share"));
            let lead = top(s, scenario, metric, "ST", 1);
            // Noise matters to the verdict only where the sign is not kept anyway; and where the
            // two sweeps' point 0 (the same assumptions, other replicates) disagree on the sign,
            // the sign as written is itself not resolved at this sample size.
            let signs = |r: Option<&BTreeMap<String, String>>| {
                r.and_then(|r| num(r, "default_effect")).map(f64::signum)
            };
            let disagree = matches!((signs(rs), signs(rm)), (Some(a), Some(b)) if a != b);
            let noisy =
                disagree || noise.is_some_and(|x| x > 0.5) && share.is_none_or(|x| x < 0.95);
            sentences.push(format!(
                "its effect on {} ({} as written) {}{}{}",
                words(metric),
                match (d, rel) {
                    (Some(d), Some(rel)) if !metric.ends_with("_share") => {
                        format!("{}, {}", say(metric, d), pct(rel))
                    }
                    (Some(d), _) => say(metric, d),
                    _ => "—".into(),
                },
                if disagree {
                    "cannot be told from the model's noise at this sample size: the two sweeps disagree on its sign as written"
                } else if noisy {
                    "cannot be told from the model's noise at this sample size"
                } else {
                    verdict(share)
                },
                share
                    .map(|x| format!(" (same sign at {:.0}% of the points)", 100.0 * x))
                    .unwrap_or_default(),
                if noisy {
                    String::new()
                } else {
                    lead.first()
                        .map(|(p, v)| {
                            // An estimate above 1 is sampling error: the assumption decides
                            // about all of the size.
                            let most = if *v >= 0.95 { "about all" } else { "most" };
                            format!("; `{p}` decides {most} of its size (ST {v:.2})")
                        })
                        .unwrap_or_default()
                }
            ));
        }
        let _ = writeln!(o);
        let _ = writeln!(o, "In words: {}.\n", sentences.join("; "));
    }

    // The screening table: for each headline effect, mu* as a share of its largest.
    let _ = writeln!(o, "## Which assumptions matter: the screening\n");
    let _ = writeln!(
        o,
        "Morris μ\\* of each assumption on each recommendation's first headline effect, as a \
         percentage of the largest μ\\* for that effect (100 = the most influential); bold: the \
         three largest. The last column is the mean over the five, the order of the rows.\n"
    );
    let effects: Vec<(&str, &str)> = RECOMMENDATIONS
        .iter()
        .map(|(s, _, outs)| (*s, outs[0]))
        .collect();
    let keys: Vec<String> = m.config.parameters.iter().map(|p| p.key.clone()).collect();
    let mut table: Vec<(String, Vec<f64>)> = keys
        .iter()
        .map(|k| {
            let row = effects
                .iter()
                .map(|(sc, me)| {
                    let all = top(m, sc, me, "mu_star", usize::MAX);
                    let max = all.first().map_or(0.0, |x| x.1);
                    let v = all.iter().find(|(p, _)| p == k).map_or(0.0, |x| x.1);
                    if max > 0.0 { 100.0 * v / max } else { 0.0 }
                })
                .collect();
            (k.clone(), row)
        })
        .collect();
    table.sort_by(|a, b| {
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        mean(&b.1).total_cmp(&mean(&a.1))
    });
    let _ = write!(o, "| assumption | range | in the Sobol' step |");
    for (sc, me) in &effects {
        let _ = write!(o, " {}: {} |", &sc[..1], words(me));
    }
    let _ = writeln!(o, " mean |");
    let _ = writeln!(o, "|---|---|---|{}---|", "---|".repeat(effects.len()));
    for (k, row) in &table {
        let in_sobol = s.config.parameters.iter().any(|p| &p.key == k);
        let _ = write!(
            o,
            "| `{k}` | {} | {} |",
            range(&m.config, k),
            if in_sobol { "yes" } else { "" }
        );
        for (j, v) in row.iter().enumerate() {
            let mut col: Vec<f64> = table.iter().map(|r| r.1[j]).collect();
            col.sort_by(|a, b| b.total_cmp(a));
            let bold = col.len() >= 3 && *v >= col[2] && *v > 0.0;
            if bold {
                let _ = write!(o, " **{v:.0}** |");
            } else {
                let _ = write!(o, " {v:.0} |");
            }
        }
        let _ = writeln!(o, " {:.0} |", row.iter().sum::<f64>() / row.len() as f64);
    }

    let _ = writeln!(o, "\n## Sobol' indices of the headline effects\n");
    let _ = writeln!(
        o,
        "First-order (S1) and total (ST) indices with bootstrap 95% intervals, from \
         `output/sweep-robustness-sobol/sensitivity.csv`. With n = {} the intervals are wide: \
         read the ranking, not the second decimal.\n",
        s.config.n.unwrap_or(0)
    );
    for (sc, me) in &effects {
        let _ = writeln!(o, "**{}: {}**\n", &sc[..1], words(me));
        let _ = writeln!(o, "| assumption | S1 [95%] | ST [95%] |\n|---|---|---|");
        let mut rows: Vec<(String, String, String, f64)> = s
            .config
            .parameters
            .iter()
            .map(|p| {
                let f = |ix: &str| {
                    s.sensitivity.iter().find(|r| {
                        r["scenario"] == *sc
                            && r["metric"] == *me
                            && r["parameter"] == p.key
                            && r["index"] == ix
                    })
                };
                let cell = |r: Option<&BTreeMap<String, String>>| match r {
                    Some(r) => format!(
                        "{:.2} [{:.2}, {:.2}]",
                        num(r, "estimate").unwrap_or(f64::NAN),
                        num(r, "ci_low").unwrap_or(f64::NAN),
                        num(r, "ci_high").unwrap_or(f64::NAN)
                    ),
                    None => "—".into(),
                };
                let st = f("ST").and_then(|r| num(r, "estimate")).unwrap_or(0.0);
                (p.key.clone(), cell(f("S1")), cell(f("ST")), st)
            })
            .collect();
        rows.sort_by(|a, b| b.3.total_cmp(&a.3));
        for (k, s1, st, _) in rows {
            let _ = writeln!(o, "| `{k}` | {s1} | {st} |");
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(
        o,
        "## What this study cannot say
"
    );
    let _ = writeln!(
        o,
        "- **Sample size.** Each run has {} agents and the Sobol' step one replicate: an effect \
         of a few percent on trafficking, and any effect on deaths (a few hundred persons a year, \
         a handful of agents), is within the model's own noise at this size, which the \
         noise-share column measures. Those conclusions need the same study with more agents per \
         run, which is what the Slurm scripts are for (docs/SWEEPS.md); the default `compare` \
         (250,000 agents, 8 replicates) gives their size at the assumptions as written.",
        count(plan(m, "agents").as_u64().unwrap_or(0))
    );
    let _ = writeln!(
        o,
        "- **Ranges.** Each assumption moves over the range written beside it in the baseline; \
         values outside those ranges, and assumptions not listed, were not explored. The fitted \
         parameters stay at their fitted values at every point: a study that also refitted the \
         calibration at each point would move less on the outcomes the calibration pins down."
    );
    let _ = writeln!(
        o,
        "- **Draws.** Every point runs on the same random draws (common random numbers), so the \
         indices describe the model on those draws; indices above 1 or below 0 are estimation \
         noise of n = {} rows.",
        s.config.n.unwrap_or(0)
    );
    o
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut morris = root.join("output/sweep-robustness-morris");
    let mut sobol = root.join("output/sweep-robustness-sobol");
    let mut out = root.join("docs/ROBUSTNESS.md");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().map(PathBuf::from);
        match (a.as_str(), v) {
            ("--morris", Some(v)) => morris = v,
            ("--sobol", Some(v)) => sobol = v,
            ("--out", Some(v)) => out = v,
            _ => {
                eprintln!("usage: robustness_page [--morris DIR] [--sobol DIR] [--out FILE]");
                std::process::exit(2);
            }
        }
    }
    let result = read_sweep(&morris)
        .and_then(|m| Ok((m, read_sweep(&sobol)?)))
        .map(|(m, s)| render(&m, &s))
        .and_then(|page| std::fs::write(&out, page).map_err(|e| format!("{}: {e}", out.display())));
    match result {
        Ok(()) => println!("wrote {}", out.display()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
