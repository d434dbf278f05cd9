//! Writes docs/POLICIES.md from the model: every recommendation at its default strength (its own
//! scenario file) and at the weak and strong ends of its levers' plausible ranges
//! (scenarios/policy-ranges.toml), all-five and the safe-migration loan, compared with the
//! baseline on the same seeds over the years the policies are in force.
//!
//! ```text
//! cargo run --release --example policies_page                       # writes docs/POLICIES.md
//! cargo run --release --example policies_page -- --agents 40000 --replicates 4 --out /tmp/p.md
//! ```

use crossroads::app::{RunOptions, compare};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Ranges {
    recommendation: Vec<Recommendation>,
    #[serde(default)]
    assumption: Vec<Assumption>,
}

/// A model assumption the page varies, on the baseline and the scenarios alike.
#[derive(Deserialize)]
struct Assumption {
    key: String,
    title: String,
    why: String,
    values: Vec<f64>,
    scenarios: Vec<String>,
    outcomes: Vec<[String; 3]>,
}

#[derive(Deserialize)]
struct Recommendation {
    file: String,
    title: String,
    mechanism: String,
    evidence: String,
    outcomes: Vec<[String; 3]>,
    levers: Vec<Lever>,
}

#[derive(Deserialize)]
struct Lever {
    key: String,
    low: toml::Value,
    high: toml::Value,
}

/// comparison.csv by (scenario, metric, by, level).
type Rows = HashMap<(String, String, String, String), Row>;

/// One row of comparison.csv.
struct Row {
    period: String,
    baseline: Option<f64>,
    diff: Option<f64>,
    lo: Option<f64>,
    hi: Option<f64>,
    rel: Option<f64>,
}

/// The outcomes every section shows, each a count a year beside its rate, then the costs.
const HEADLINE: [(&str, &str); 12] = [
    ("trafficked_per_year", "trafficked (persons a year)"),
    ("trafficked_per_1000", "trafficked per 1,000 departures"),
    (
        "debt_bondage_per_year",
        "entering debt bondage (persons a year)",
    ),
    (
        "debt_bondage_share",
        "share of departures ever in debt bondage",
    ),
    (
        "forced_labour_per_year",
        "entering forced labour (persons a year)",
    ),
    ("deaths_per_year", "deaths (persons a year)"),
    (
        "deaths_per_1000_irregular",
        "deaths per 1,000 irregular departures",
    ),
    (
        "irregular_departures_per_year",
        "irregular departures (persons a year)",
    ),
    ("identified_per_year", "victims identified (persons a year)"),
    ("programme_cost_usd_per_year", "programme cost (USD a year)"),
    (
        "cost_per_trafficked_averted_usd",
        "extra cost per person not trafficked (USD)",
    ),
    (
        "cost_per_death_averted_usd",
        "extra cost per death averted (USD)",
    ),
];

fn main() {
    if let Err(e) = run() {
        eprintln!("policies_page: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = root.join("docs/POLICIES.md");
    let mut o = RunOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--out" => out = PathBuf::from(value()?),
            "--agents" => o.agents = Some(value()?.parse().map_err(|e| format!("--agents: {e}"))?),
            "--replicates" => {
                o.replicates = Some(value()?.parse().map_err(|e| format!("--replicates: {e}"))?)
            }
            "--quiet" => o.quiet = true,
            _ => {
                return Err(format!(
                    "unknown argument {a:?} (allowed: --out, --agents, --replicates, --quiet)"
                ));
            }
        }
    }
    let ranges_path = root.join("scenarios/policy-ranges.toml");
    let text = std::fs::read_to_string(&ranges_path)
        .map_err(|e| format!("{}: {e}", ranges_path.display()))?;
    let ranges: Ranges =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", ranges_path.display()))?;
    let recs = root.join("scenarios/recommendations");
    let tmp = tempfile::TempDir::new().map_err(|e| e.to_string())?;

    // Each recommendation at its default strength, then at the low and high ends.
    let mut scenarios = Vec::new();
    for r in &ranges.recommendation {
        let file = recs.join(&r.file);
        scenarios.push(file.clone());
        for end in ["low", "high"] {
            scenarios.push(variant(tmp.path(), &file, r, end)?);
        }
    }
    for f in ["all-five.toml", "6-safe-migration-loan.toml"] {
        scenarios.push(recs.join(f));
    }
    let cmp = tmp.path().join("cmp");
    o.out = Some(cmp.clone());
    let baseline = root.join("scenarios/baseline.toml");
    let report = compare(&baseline, &scenarios, &o).map_err(|e| e.to_string())?;
    let rows = read_comparison(&report.out.join("comparison.csv"))?;
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(report.out.join("baseline/manifest.json"))
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    // Each assumption at each of its values: the same comparison with the value set everywhere.
    let mut varied = Vec::new();
    for (a, assumption) in ranges.assumption.iter().enumerate() {
        for (j, v) in assumption.values.iter().enumerate() {
            let mut oa = o.clone();
            oa.out = Some(tmp.path().join(format!("assumption-{a}-{j}")));
            oa.sets.push(format!("{}={v}", assumption.key));
            let files: Vec<PathBuf> = assumption.scenarios.iter().map(|f| recs.join(f)).collect();
            let r = compare(&baseline, &files, &oa).map_err(|e| e.to_string())?;
            varied.push((a, *v, read_comparison(&r.out.join("comparison.csv"))?));
        }
    }
    let mut page = render(&ranges, &rows, &manifest, &o);
    render_assumptions(&mut page, &ranges, &rows, &varied);
    std::fs::write(&out, page).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

/// The sections on model assumptions: each listed scenario's differences at each value of the
/// assumption, beside the default (the main comparison).
fn render_assumptions(s: &mut String, ranges: &Ranges, rows: &Rows, varied: &[(usize, f64, Rows)]) {
    for (a, assumption) in ranges.assumption.iter().enumerate() {
        let _ = writeln!(
            s,
            "## How much rests on an assumption: {}\n\n{}\n",
            assumption.title,
            assumption.why.trim().replace('\n', " ")
        );
        let values: Vec<&(usize, f64, Rows)> = varied.iter().filter(|x| x.0 == a).collect();
        let _ = write!(s, "| scenario | outcome | default |");
        for (_, v, _) in &values {
            let _ = write!(s, " `{}` = {v} |", assumption.key);
        }
        let _ = writeln!(s, "\n|---|---|---|{}", "---|".repeat(values.len()));
        for f in &assumption.scenarios {
            let stem = f.trim_end_matches(".toml");
            for [m, by, level] in &assumption.outcomes {
                let key = (stem.to_string(), m.clone(), by.clone(), level.clone());
                let _ = write!(s, "| {stem} | `{m}` | {} |", cell(rows.get(&key)));
                for (_, _, r) in &values {
                    let _ = write!(s, " {} |", cell(r.get(&key)));
                }
                s.push('\n');
            }
        }
        s.push('\n');
    }
}

/// A scenario file: the recommendation's own file with its levers set to one end of their
/// ranges, by an event in the same month as the file's own, which it overrides.
fn variant(dir: &Path, file: &Path, r: &Recommendation, end: &str) -> Result<PathBuf, String> {
    let stem = file.file_stem().unwrap().to_string_lossy();
    let mut s = format!(
        "name = \"{stem}-{end}\"\nextends = {:?}\ndescription = \"{} at the {end} end of its levers' ranges\"\n\n[[event]]\ndate = \"2026-01\"\nphase_in_months = 12\nnote = \"{end} end\"\n\n[event.set]\n",
        file.display().to_string(),
        r.title
    );
    for l in &r.levers {
        let v = if end == "low" { &l.low } else { &l.high };
        let _ = writeln!(s, "{:?} = {v}", l.key);
    }
    let path = dir.join(format!("{stem}-{end}.toml"));
    std::fs::write(&path, s).map_err(|e| e.to_string())?;
    Ok(path)
}

fn read_comparison(path: &Path) -> Result<Rows, String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let head: Vec<String> = r
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(String::from)
        .collect();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let num = |s: &str| s.parse::<f64>().ok();
    let mut out = HashMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let key = (
            rec[col("scenario")].to_string(),
            rec[col("metric")].to_string(),
            rec[col("by")].to_string(),
            rec[col("level")].to_string(),
        );
        out.insert(
            key,
            Row {
                period: rec[col("period")].to_string(),
                baseline: num(&rec[col("baseline_mean")]),
                diff: num(&rec[col("diff_mean")]),
                lo: num(&rec[col("diff_ci_low")]),
                hi: num(&rec[col("diff_ci_high")]),
                rel: num(&rec[col("relative_change")]),
            },
        );
    }
    Ok(out)
}

/// A number as a person would say it: three significant digits, thousands separated.
fn say(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let a = x.abs();
    if a == 0.0 {
        return "0".into();
    }
    if a >= 1e9 {
        return format!("{:.2} billion", x / 1e9);
    }
    if a >= 1e6 {
        return format!("{:.1} million", x / 1e6);
    }
    if a >= 1000.0 {
        let digits = 10f64.powi(a.log10().floor() as i32 - 2);
        let r = ((x / digits).round() * digits) as i64;
        let s = r.abs().to_string();
        let mut t = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                t.push(',');
            }
            t.push(c);
        }
        return if r < 0 { format!("−{t}") } else { t };
    }
    let d = (2 - a.log10().floor() as i32).max(0) as usize;
    let s = format!("{:.*}", d, x);
    s.replace('-', "−")
}

/// A difference with its interval and relative change, or why there is none.
fn cell(r: Option<&Row>) -> String {
    match r {
        None => "n/a".into(),
        Some(r) => match (r.diff, r.lo, r.hi) {
            (Some(d), Some(lo), Some(hi)) => {
                let sign = if d > 0.0 { "+" } else { "" };
                let rel = r
                    .rel
                    .map(|x| format!(" ({}{:.0}%)", if x > 0.0 { "+" } else { "" }, 100.0 * x))
                    .unwrap_or_default();
                format!("{sign}{} [{}, {}]{rel}", say(d), say(lo), say(hi))
            }
            (Some(d), _, _) => say(d),
            _ => "—".into(),
        },
    }
}

fn render(ranges: &Ranges, rows: &Rows, manifest: &serde_json::Value, o: &RunOptions) -> String {
    let get = |s: &str, m: &str, by: &str, level: &str| {
        rows.get(&(
            s.to_string(),
            m.to_string(),
            by.to_string(),
            level.to_string(),
        ))
    };
    // The commit the program was built from (build.rs), `+changes` if the tree differed.
    let commit = env!("CROSSROADS_COMMIT");
    let mut args = String::new();
    if let Some(a) = o.agents {
        let _ = write!(args, " --agents {a}");
    }
    if let Some(r) = o.replicates {
        let _ = write!(args, " --replicates {r}");
    }
    let period = get("1-regulate-recruitment", "trafficked_per_year", "", "")
        .map(|r| r.period.clone())
        .unwrap_or_default();
    let mut s = String::new();
    let _ = writeln!(s, "# Policies: levers, mechanisms and results\n");
    let _ = writeln!(
        s,
        "This page is written by the program: `cargo run --release --example policies_page{args}`, \
         at commit `{commit}` (crossroads {}), from scenarios/policy-ranges.toml and the scenario \
         files. Do not edit it by hand; rerun the command after any change to the model or the \
         scenarios.\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        s,
        "Every recommendation is run at its default strength (its own file in \
         scenarios/recommendations/), and at the weak (\"low\") and strong (\"high\") ends of its \
         levers' plausible ranges, against the baseline on the same seeds: {} agents (one per {} \
         persons), {} replicates, seed {}. The levers start in January 2026 and phase in over \
         twelve months; 2022–2025 are the status quo in every run, and the differences below are \
         over the years the policy is in force, **{period}**, in persons a year unless a row says \
         otherwise.\n",
        say(manifest["agents"].as_f64().unwrap_or(0.0)),
        say(manifest["weight"].as_f64().unwrap_or(0.0)),
        manifest["replicates"],
        manifest["seed"],
    );
    let _ = writeln!(
        s,
        "Each cell is the mean paired difference from the baseline (scenario − baseline), its 95% \
         interval over replicates in brackets, and the relative change. The interval measures the \
         model's randomness only; the low and high columns show how far the conclusion moves \
         across the plausible range of the levers. Costs are the scenario's programme costs less \
         the baseline's (the status quo's own programmes); a cost per person averted is given only \
         where the persons averted have an interval above zero.\n"
    );

    // Summary at default strength.
    let _ = writeln!(s, "## At default strength\n");
    let mut names: Vec<(String, String)> = ranges
        .recommendation
        .iter()
        .map(|r| {
            (
                r.file.trim_end_matches(".toml").to_string(),
                r.title.clone(),
            )
        })
        .collect();
    names.push(("all-five".into(), "All five together".into()));
    names.push((
        "6-safe-migration-loan".into(),
        "Safe-migration loan (not one of the five)".into(),
    ));
    let _ = writeln!(
        s,
        "| outcome (baseline {period}) | baseline | {} |",
        names
            .iter()
            .map(|n| n.1.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(s, "|---|---:|{}", "---|".repeat(names.len()));
    for (m, label) in HEADLINE {
        let base = get(&names[0].0, m, "", "").and_then(|r| r.baseline);
        let _ = write!(
            s,
            "| {label} | {} |",
            base.map(say).unwrap_or_else(|| "—".into())
        );
        for (n, _) in &names {
            let _ = write!(s, " {} |", cell(get(n, m, "", "")));
        }
        s.push('\n');
    }
    s.push('\n');

    for (i, r) in ranges.recommendation.iter().enumerate() {
        let stem = r.file.trim_end_matches(".toml");
        let _ = writeln!(s, "## {}. {}\n", i + 1, r.title);
        let _ = writeln!(s, "Scenario: `scenarios/recommendations/{}`.\n", r.file);
        let _ = writeln!(
            s,
            "**Mechanism.** {}\n",
            r.mechanism.trim().replace('\n', " ")
        );
        let _ = writeln!(
            s,
            "**Evidence for its size.** {}\n",
            r.evidence.trim().replace('\n', " ")
        );
        let _ = writeln!(s, "| lever | low end | high end |\n|---|---:|---:|");
        for l in &r.levers {
            let _ = writeln!(s, "| `{}` | {} | {} |", l.key, l.low, l.high);
        }
        s.push('\n');
        let _ = writeln!(
            s,
            "| outcome | baseline | low end | default | high end |\n|---|---:|---|---|---|"
        );
        let mut outcomes: Vec<(String, String, String, String)> = HEADLINE
            .iter()
            .map(|(m, l)| (m.to_string(), String::new(), String::new(), l.to_string()))
            .collect();
        for [m, by, level] in &r.outcomes {
            let label = if by.is_empty() {
                format!("`{m}`")
            } else {
                format!("`{m}` ({by} {level})")
            };
            outcomes.push((m.clone(), by.clone(), level.clone(), label));
        }
        for (m, by, level, label) in &outcomes {
            let base = get(stem, m, by, level).and_then(|r| r.baseline);
            let _ = writeln!(
                s,
                "| {label} | {} | {} | {} | {} |",
                base.map(say).unwrap_or_else(|| "—".into()),
                cell(get(&format!("{stem}-low"), m, by, level)),
                cell(get(stem, m, by, level)),
                cell(get(&format!("{stem}-high"), m, by, level)),
            );
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "## All five, and the safe-migration loan\n\n`scenarios/recommendations/all-five.toml` holds \
         exactly the five recommendations, each at the strength of its own file. The \
         safe-migration loan (`6-safe-migration-loan.toml`: a third of households reached at 9% a \
         year, up to USD 3,000) is not one of the five and is compared on its own; both are in the \
         table at the top.\n"
    );
    s
}
