//! `crossroads compare`: every scenario on the same seeds as the baseline, each scenario's own
//! outputs in `<out>/<name>/`, and comparison.csv and comparison.svg in `<out>`, all swapped in
//! together.

use super::run::run_into;
use super::{Error, RunOptions, check_memory, default_out, pool, prepare, progress_bar};
use crate::compare::{Unmatched, paired};
use crate::output::{Folder, chart, tables};
use std::path::{Path, PathBuf};

pub struct CompareReport {
    pub out: PathBuf,
    /// The headline differences as a text table for the terminal.
    pub table: String,
    /// Per scenario, the metrics only one side had (none in the usual case).
    pub unmatched: Vec<Unmatched>,
}

pub fn compare(
    baseline: &Path,
    scenarios: &[PathBuf],
    o: &RunOptions,
) -> Result<CompareReport, Error> {
    let mut preps = vec![(baseline.to_path_buf(), prepare(baseline, o)?)];
    for s in scenarios {
        preps.push((s.clone(), prepare(s, o)?));
    }
    let mut names = std::collections::BTreeSet::new();
    for (path, p) in &preps {
        p.folder_name(path)?;
        if !names.insert(p.name.clone()) {
            return Err(Error::Input(format!(
                "{}: scenario name {:?} is used twice; names must differ (set `name` in the file)",
                path.display(),
                p.name
            )));
        }
    }
    let base_name = preps[0].1.name.clone();
    let all: Vec<_> = preps.iter().map(|(_, p)| p).collect();
    check_memory(
        &format!(
            "comparing {} scenarios at {}",
            preps.len(),
            super::size_label(&preps[0].1)
        ),
        &all,
        true,
    )?;
    let out = o
        .out
        .clone()
        .unwrap_or_else(|| default_out(&format!("compare-{base_name}")));
    let pool = pool(o.threads)?;
    let folder = Folder::claim(&out)?;
    let total: u64 = preps.iter().map(|(_, p)| p.total_months()).sum();
    let bar = progress_bar(total, o.quiet, "compare");
    let mut runs = Vec::new();
    for (path, p) in &preps {
        bar.set_prefix(p.name.clone());
        runs.push(run_into(p, path, &folder, Path::new(&p.name), &pool, &bar)?);
    }
    bar.finish_and_clear();
    let base = &runs[0].values;
    let mut diffs = Vec::new();
    let mut unmatched = Vec::new();
    for (run, (_, p)) in runs.iter().zip(&preps).skip(1) {
        let (d, u) = paired(&p.name, base, &run.values);
        diffs.extend(d);
        if !u.is_empty() {
            unmatched.push(u);
        }
    }
    let csv = tables::comparison(&diffs).map_err(|e| Error::other(e.context("comparison.csv")))?;
    let svg = chart::comparison_svg(&base_name, &diffs)
        .map_err(|e| Error::other(e.context("comparison.svg")))?;
    folder.write("comparison.csv", &csv)?;
    folder.write("comparison.svg", svg.as_bytes())?;
    folder.commit()?;
    Ok(CompareReport {
        out,
        table: tables::comparison_text(&diffs),
        unmatched,
    })
}
