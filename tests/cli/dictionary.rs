//! The dictionary of the metrics (`crossroads metrics`, committed as docs/metrics.csv) against
//! the program: the committed file is what the command prints, and the pairs of metric and
//! breakdown dimension that outcomes.csv writes are exactly the dictionary's rows, in its order.

use crate::support::*;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

const REGENERATE: &str = "regenerate it with `cargo run --release -- metrics > docs/metrics.csv`";

/// What `crossroads metrics` prints, byte for byte.
fn printed() -> Vec<u8> {
    let tmp = TempDir::new().expect("temp dir");
    let out = crossroads()
        .current_dir(tmp.path())
        .arg("metrics")
        .output()
        .expect("spawn crossroads");
    assert_eq!(
        out.status.code(),
        Some(0),
        "crossroads metrics failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "crossroads metrics wrote to stderr");
    out.stdout
}

/// The dictionary's header and rows, read as CSV.
fn rows(csv_bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(csv_bytes);
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|x| x.expect("a CSV record").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn docs_metrics_csv_is_what_crossroads_metrics_prints() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/metrics.csv");
    let committed =
        fs::read(&path).unwrap_or_else(|e| panic!("read docs/metrics.csv: {e}; {REGENERATE}"));
    let printed = printed();
    if committed != printed {
        let (a, b) = (
            String::from_utf8_lossy(&committed),
            String::from_utf8_lossy(&printed),
        );
        let first = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or_else(|| a.lines().count().min(b.lines().count()));
        panic!(
            "docs/metrics.csv is not what `crossroads metrics` prints (first difference on line {}):\n  file:    {}\n  command: {}\n{REGENERATE}",
            first + 1,
            a.lines().nth(first).unwrap_or("(end of file)"),
            b.lines().nth(first).unwrap_or("(end of output)"),
        );
    }
    let (header, rows) = rows(&printed);
    assert_eq!(
        header,
        ["metric", "by", "unit", "denominator", "definition"]
    );
    for r in &rows {
        assert_eq!(r.len(), 5, "{r:?}");
        assert!(
            !r[2].is_empty() && !r[4].is_empty(),
            "{r:?}: unit and definition"
        );
    }
}

#[test]
fn outcomes_csv_writes_exactly_the_rows_of_the_dictionary_in_its_order() {
    let out = Sim::new()
        .scenario(baseline())
        .agents(20_000)
        .replicates(1)
        .run();
    // The pairs (metric, by) in the order outcomes.csv first writes them.
    let (_, outcome_rows) = read_csv(&out.path("outcomes.csv"));
    let mut written: Vec<(String, String)> = Vec::new();
    for r in outcome_rows {
        let pair = (r[2].clone(), r[3].clone());
        if !written.contains(&pair) {
            written.push(pair);
        }
    }
    let (_, dictionary_rows) = rows(&printed());
    let dictionary: Vec<(String, String)> = dictionary_rows
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let name = |p: &(String, String)| key(&p.0, &p.1, "*");
    let missing: Vec<String> = written
        .iter()
        .filter(|p| !dictionary.contains(p))
        .map(name)
        .collect();
    assert!(
        missing.is_empty(),
        "outcomes.csv writes {missing:?} but the dictionary (DICTIONARY in src/metric_names.rs) has no row for them ({})",
        out.command
    );
    let unwritten: Vec<String> = dictionary
        .iter()
        .filter(|p| !written.contains(p))
        .map(name)
        .collect();
    assert!(
        unwritten.is_empty(),
        "the dictionary has rows {unwritten:?} that outcomes.csv does not write ({})",
        out.command
    );
    assert_eq!(
        written.iter().map(name).collect::<Vec<_>>(),
        dictionary.iter().map(name).collect::<Vec<_>>(),
        "the dictionary's rows must be in the order outcomes.csv writes them"
    );
}

/// comparison.csv and comparison_by_year.csv write the dictionary's pairs of metric and
/// breakdown and, beyond them, only the comparison-only rows (`COMPARISON_ONLY` in
/// src/metric_names.rs: ratios of two differences, which no single run has), each scenario all of
/// them, as totals.
#[test]
fn comparison_csv_adds_only_the_comparison_only_rows_to_the_dictionary() {
    let tmp = TempDir::new().expect("temp dir");
    let scenario = write(
        tmp.path(),
        "campaign.toml",
        &format!(
            "name = \"campaign\"\nextends = {:?}\n[[event]]\ndate = \"2023-01\"\nset = {{ \"policy.awareness.coverage_share\" = 0.5 }}\n",
            fixture().display().to_string()
        ),
    );
    let out = compare_ok(
        tmp.path(),
        &[fixture(), scenario],
        &["--agents", "3000", "--replicates", "2"],
    );
    let (_, dictionary_rows) = rows(&printed());
    let dictionary: Vec<(String, String)> = dictionary_rows
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let only: Vec<&str> = crossroads::metric_names::COMPARISON_ONLY
        .iter()
        .map(|m| m.metric)
        .collect();
    assert_eq!(
        only,
        [
            "cost_per_trafficked_averted_usd",
            "cost_per_bondage_averted_usd",
            "cost_per_death_averted_usd"
        ]
    );
    for file in ["comparison.csv", "comparison_by_year.csv"] {
        let (head, written) = read_csv(&out.join(file));
        assert_eq!(head[1..4], ["metric", "by", "level"], "{file}");
        for r in &written {
            let pair = (r[1].clone(), r[2].clone());
            assert!(
                dictionary.contains(&pair) || (only.contains(&r[1].as_str()) && r[2].is_empty()),
                "{file} writes {} by {:?}, which is neither in the dictionary nor a comparison-only row",
                r[1],
                r[2]
            );
        }
        for m in &only {
            assert!(
                written
                    .iter()
                    .any(|r| r[1] == *m && r[2].is_empty() && r[3].is_empty()),
                "{file} has no row {m}"
            );
        }
    }
}
