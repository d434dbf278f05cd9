//! The status quo is stationary: the baseline with its events removed (nothing changes in the
//! world) has, for every yearly flow of timeseries.csv, its first and last reported years within
//! sampling noise. The first reported month starts from the model's own steady state (the
//! settling run and the spin-up of docs/MODEL.md), so nothing in a run drifts because of how it
//! was started.

use crate::support::*;
use std::collections::BTreeMap;

/// Columns of timeseries.csv that are not flows: keys, the calendar, the states and the mean
/// debt. Every other column is a flow, so a flow added to the file is checked too.
const NOT_FLOWS: [&str; 13] = [
    "scenario",
    "replicate",
    "month",
    "date",
    "population",
    "at_home",
    "seeking",
    "in_transit",
    "detained",
    "working",
    "stranded",
    "dead",
    "mean_debt_usd",
];

/// Enforcement actions count recruiters, who are simulated one by one, not persons.
const RECRUITER_COUNTS: [&str; 3] = ["investigations", "prosecutions", "convictions"];

/// The baseline's text without its `[[event]]` tables.
fn baseline_without_events() -> String {
    let text = std::fs::read_to_string(baseline()).expect("read scenarios/baseline.toml");
    let mut table: toml::Table = text.parse().expect("scenarios/baseline.toml parses");
    assert!(
        table.remove("event").is_some(),
        "the baseline has events; without them this test checks nothing new"
    );
    toml::to_string(&table).expect("the baseline without events serialises")
}

/// 100,000 agents and 8 replicates of the baseline without events (about 5 s on two cores in
/// release mode). For every flow, the mean over replicates of its first reported year (2022) and
/// of its last (2031) differ by less than 3.5 standard errors plus a floor. The standard error of
/// the difference is √(2/n) × the replicates' standard deviation of a yearly total, pooled over
/// the ten years (so it rests on 70 degrees of freedom, not 7). 3.5 rather than 3 because some
/// twenty flows are judged at once: by chance alone one of them would pass 3 standard errors in
/// about one run in twenty. The floor, three agents' worth of persons (three recruiters for the
/// enforcement counts), keeps rare flows such as deaths from failing on one agent more or less.
#[test]
fn the_status_quo_without_events_is_stationary() {
    let tmp = tempfile::TempDir::new().unwrap();
    let path = write(tmp.path(), "noevents.toml", &baseline_without_events());
    let out = Sim::new()
        .scenario(path)
        .agents(100_000)
        .replicates(8)
        .seed(1)
        .run();
    let weight = out.weight();
    let (head, rows) = out.timeseries();
    let flows: Vec<&String> = head
        .iter()
        .filter(|c| !NOT_FLOWS.contains(&c.as_str()))
        .collect();
    assert!(
        flows.len() >= 20,
        "only {} flow columns: {flows:?}",
        flows.len()
    );

    // Yearly totals by (flow, replicate, year).
    let mut totals: BTreeMap<(&str, u32, i32), f64> = BTreeMap::new();
    let mut years = std::collections::BTreeSet::new();
    let mut replicates = std::collections::BTreeSet::new();
    for r in &rows {
        let year: i32 = r.str("date")[..4].parse().expect("date is YYYY-MM");
        years.insert(year);
        replicates.insert(r.replicate());
        for f in &flows {
            *totals.entry((f.as_str(), r.replicate(), year)).or_default() += r.get(f);
        }
    }
    let years: Vec<i32> = years.into_iter().collect();
    let replicates: Vec<u32> = replicates.into_iter().collect();
    assert_eq!(years.len(), 10, "ten reported years");
    assert_eq!(replicates.len(), 8);
    let n = replicates.len() as f64;
    let (first, last) = (years[0], years[years.len() - 1]);

    let mut report = Vec::new();
    let mut failed = Vec::new();
    for f in &flows {
        let f = f.as_str();
        let yearly =
            |y: i32| -> Vec<f64> { replicates.iter().map(|&r| totals[&(f, r, y)]).collect() };
        // Variance of a yearly total over replicates, pooled over the years.
        let var = years
            .iter()
            .map(|&y| {
                let v = yearly(y);
                let m = v.iter().sum::<f64>() / n;
                v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)
            })
            .sum::<f64>()
            / years.len() as f64;
        let se = (2.0 * var / n).sqrt();
        let mean = |y: i32| yearly(y).iter().sum::<f64>() / n;
        let (a, b) = (mean(first), mean(last));
        let floor = if RECRUITER_COUNTS.contains(&f) {
            3.0
        } else {
            3.0 * weight
        };
        let tolerance = 3.5 * se + floor;
        let line = format!(
            "{f}: {first} {a:.1}, {last} {b:.1}, difference {:.1}, standard error {se:.1}, tolerance {tolerance:.1}",
            b - a
        );
        if (b - a).abs() >= tolerance {
            failed.push(line.clone());
        }
        report.push(line);
    }
    assert!(
        failed.is_empty(),
        "the status quo drifts between {first} and {last}:\n{}\n\nall flows:\n{}\n({})",
        failed.join("\n"),
        report.join("\n"),
        out.command
    );

    // Debts cannot grow without bound: the mean debt of those who owe, averaged over a year,
    // is the same in the last year as in the first (it used to grow thirty-fold).
    let mean_debt = |year: i32| {
        let v: Vec<f64> = rows
            .iter()
            .filter(|r| r.str("date").starts_with(&year.to_string()))
            .map(|r| r.get("mean_debt_usd"))
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let (a, b) = (mean_debt(first), mean_debt(last));
    assert!(
        a > 0.0 && (b / a - 1.0).abs() < 0.1,
        "mean debt of those who owe: USD {a:.0} in {first}, USD {b:.0} in {last} ({})",
        out.command
    );
}
