//! `crossroads report DIR [--sweep SWEEPDIR]`, and the report that `run --report` and
//! `compare --report` write into their folder: read the files of an output folder (a run's, a
//! comparison's or a sweep's), make the page (`crate::report`), and write `DIR/report.html`
//! whole, through a temporary name and a rename. A folder that is not an output folder, or a
//! sweep that has not been merged, is bad input (exit code 2), named with what is missing.

use super::Error;
use crate::output::folder::{self, Folder};
use crate::report::{self, CompareFiles, Input, REPORT_FILE, RunFiles, Source, SweepFiles};
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// What a report command wrote.
pub struct ReportDone {
    /// The page's path.
    pub out: PathBuf,
    /// The sections it holds, by their anchors.
    pub sections: Vec<&'static str>,
}

/// `crossroads report DIR [--sweep SWEEPDIR]`: write `DIR/report.html`.
pub fn report(dir: &Path, sweep: Option<&Path>) -> Result<ReportDone, Error> {
    let source = read_source(dir)?;
    let sweep = match sweep {
        Some(s) => {
            if matches!(source, Source::Sweep(_)) {
                return Err(Error::Input(format!(
                    "--sweep {}: {} is itself a sweep's folder; --sweep adds a sweep to the report of a run or a comparison",
                    s.display(),
                    dir.display()
                )));
            }
            let files = read_sweep(s, "--sweep ")?;
            same_scenario(&source, &files, s, dir)?;
            Some((s.display().to_string(), files))
        }
        None => None,
    };
    let is_sweep = matches!(source, Source::Sweep(_));
    let input = Input {
        folder: dir.display().to_string(),
        source,
        sweep,
    };
    let (html, sections) = report::render(&input).map_err(|e| in_folder(dir, e))?;
    let out = dir.join(REPORT_FILE);
    // A run or comparison folder is swapped whole by the next run into it: hold its lock, as a
    // run does, so that the page cannot land in a folder being replaced. A sweep's folder has
    // its own locks per shard; its report is written beside its tables.
    let _lock = if is_sweep {
        None
    } else {
        Some(folder::lock(&swapped_whole(dir))?)
    };
    folder::replace_file(&out, html.as_bytes(), "a report", folder::is_report)?;
    Ok(ReportDone { out, sections })
}

/// The report of a sweep's folder, `DIR/report.html` (sensitivity and robustness): what
/// `crossroads report DIR` does on a sweep's folder, for the sweep to call once it has merged.
pub fn write_sweep_report(dir: &Path) -> Result<ReportDone, Error> {
    if !dir.join("sweep.json").is_file() {
        return Err(Error::Input(format!(
            "{}: is not a sweep's folder (no sweep.json)",
            dir.display()
        )));
    }
    report(dir, None)
}

/// The report of a run or comparison being written into `folder` (`--report`): made from the
/// files already written into its temporary folder, and written beside them, so that it is
/// swapped in with the run. `shown` is the folder's final name, for the page's title.
pub(super) fn write_into(folder: &Folder, shown: &Path) -> Result<(), Error> {
    let staged = folder.staged();
    let input = Input {
        folder: shown.display().to_string(),
        source: read_source(staged).map_err(|e| Error::Other(format!("report.html: {e}")))?,
        sweep: None,
    };
    // The files were written by this run: anything wrong with them is this program's fault.
    let (html, _) =
        report::render(&input).map_err(|e| Error::Other(format!("report.html: {e}")))?;
    folder.write(REPORT_FILE, html.as_bytes())?;
    Ok(())
}

/// The folder a run swaps in whole with `dir`: a comparison's, when `dir` is one of its
/// scenarios' folders; otherwise `dir` itself.
fn swapped_whole(dir: &Path) -> PathBuf {
    // Through a link as a run goes, so that both take the same lock.
    let abs = folder::through_link(dir).unwrap_or_else(|_| dir.to_path_buf());
    match abs.parent() {
        Some(p) if p.join("comparison.csv").is_file() && abs.join("manifest.json").is_file() => {
            p.to_path_buf()
        }
        _ => abs,
    }
}

fn in_folder(dir: &Path, e: report::ReportError) -> Error {
    match e {
        // A file of the --sweep folder names itself.
        report::ReportError::Input { file, message } if file.starts_with("--sweep ") => {
            Error::Input(format!("{file}: {message}"))
        }
        report::ReportError::Input { file, message } => {
            Error::Input(format!("{}: {message}", dir.join(file).display()))
        }
        other => Error::Other(other.to_string()),
    }
}

/// A file of the folder if it is there; an unreadable file is an error.
fn read_opt(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Input(format!(
            "{}: cannot read: {e}",
            path.display()
        ))),
    }
}

/// The first two lines of a file if it is there (a header and a row; at most 1 MiB): enough
/// to see that a table has a row, without reading it whole. An unreadable file is an error.
fn read_head(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    let cannot = |e: std::io::Error| Error::Input(format!("{}: cannot read: {e}", path.display()));
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cannot(e)),
    };
    let mut lines = BufReader::new(file.take(1 << 20));
    let mut head = Vec::new();
    for _ in 0..2 {
        if lines.read_until(b'\n', &mut head).map_err(cannot)? == 0 {
            break;
        }
    }
    Ok(Some(head))
}

fn read_run(dir: &Path, folder: &str) -> Result<RunFiles, Error> {
    let mut r = RunFiles {
        folder: folder.to_string(),
        ..RunFiles::default()
    };
    for f in RunFiles::FILES {
        if let Some(b) = read_opt(&dir.join(f))? {
            r.set(f, b);
        }
    }
    r.outcomes_head = read_head(&dir.join("outcomes.csv"))?;
    Ok(r)
}

/// What kind of output folder `dir` is, with its files.
fn read_source(dir: &Path) -> Result<Source, Error> {
    let at = dir.display();
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(Error::Input(format!("{at}: is not a folder"))),
        Err(e) => return Err(Error::Input(format!("{at}: cannot read the folder: {e}"))),
    }
    if dir.join("sweep.json").is_file() {
        return Ok(Source::Sweep(read_sweep(dir, "")?));
    }
    if let Some(comparison) = read_opt(&dir.join("comparison.csv"))? {
        let by_year = read_opt(&dir.join("comparison_by_year.csv"))?;
        let mut subs: Vec<String> = fs::read_dir(dir)
            .map_err(|e| Error::Input(format!("{at}: cannot read the folder: {e}")))?
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| !n.starts_with('.'))
            .collect();
        subs.sort();
        let mut runs = Vec::new();
        for s in subs {
            let r = read_run(&dir.join(&s), &s)?;
            if r.manifest.is_some() || r.timeseries.is_some() {
                runs.push(r);
            }
        }
        // The comparison's manifest names each scenario's sub-folder: one missing, or lacking
        // its tables, would silently drop that scenario's figures from the page.
        let named: Vec<String> = read_opt(&dir.join("manifest.json"))?
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|m| {
                m.get("scenarios")?.as_array().map(|all| {
                    all.iter()
                        .filter_map(|s| Some(s.get("folder")?.as_str()?.to_string()))
                        .collect()
                })
            })
            .unwrap_or_default();
        let missing: Vec<String> = named
            .into_iter()
            .filter(|f| {
                !runs
                    .iter()
                    .any(|r| &r.folder == f && r.timeseries.is_some() && r.summary.is_some())
            })
            .collect();
        if !missing.is_empty() {
            return Err(Error::Input(format!(
                "{at}: the comparison's sub-folder {} is missing or lacks timeseries.csv or summary.csv; run the comparison again",
                missing.join(", ")
            )));
        }
        return Ok(Source::Compare(CompareFiles {
            comparison,
            by_year,
            runs,
        }));
    }
    if dir.join("manifest.json").is_file() {
        let run = read_run(dir, "")?;
        // A run's folder lacking a table would give a page without its figures, and no word.
        let missing: Vec<&str> = [
            ("timeseries.csv", &run.timeseries),
            ("summary.csv", &run.summary),
        ]
        .iter()
        .filter(|(_, f)| f.is_none())
        .map(|(name, _)| *name)
        .collect();
        if !missing.is_empty() {
            return Err(Error::Input(format!(
                "{at}: lacks {}: a run's folder holds timeseries.csv, outcomes.csv, summary.csv and manifest.json; run it again",
                missing.join(" and ")
            )));
        }
        return Ok(Source::Run(run));
    }
    if dir.join("calibration.csv").is_file() {
        return Err(Error::Input(format!(
            "{at}: holds a calibration (calibration.csv); a report is made of the folder of a run, a comparison or a sweep"
        )));
    }
    Err(Error::Input(format!(
        "{at}: is not a crossroads output folder: it holds none of manifest.json (a run's folder), comparison.csv (a comparison's) or sweep.json (a sweep's)"
    )))
}

/// A sweep added to the report of a run or a comparison must be a sweep of that scenario (its
/// baseline is the run's scenario, or one of the comparison's): otherwise its sensitivity would
/// be shown as this scenario's.
fn same_scenario(source: &Source, sweep: &SweepFiles, at: &Path, dir: &Path) -> Result<(), Error> {
    let name = |bytes: &Option<Vec<u8>>, key: &str| {
        bytes
            .as_deref()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
            .and_then(|v| v.get(key).and_then(|n| n.as_str()).map(str::to_string))
    };
    let plan: Option<serde_json::Value> = serde_json::from_slice(&sweep.plan).ok();
    let Some(swept) = plan
        .as_ref()
        .and_then(|p| p.pointer("/scenarios/0/name"))
        .and_then(|n| n.as_str())
    else {
        return Ok(());
    };
    let ours: Vec<String> = match source {
        Source::Run(r) => name(&r.manifest, "scenario").into_iter().collect(),
        Source::Compare(c) => c
            .runs
            .iter()
            .filter_map(|r| name(&r.manifest, "scenario"))
            .collect(),
        Source::Sweep(_) => return Ok(()),
    };
    if ours.is_empty() || ours.iter().any(|n| n == swept) {
        return Ok(());
    }
    Err(Error::Input(format!(
        "--sweep {}: is a sweep of the scenario {swept:?}, and {} holds {}: a report adds only a sweep of its own scenario",
        at.display(),
        dir.display(),
        ours.iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// A sweep's folder: its plan and merged tables (`what` prefixes messages, e.g. "--sweep ").
fn read_sweep(dir: &Path, what: &str) -> Result<SweepFiles, Error> {
    let at = dir.display();
    let Some(plan) = read_opt(&dir.join("sweep.json"))? else {
        return Err(Error::Input(format!(
            "{what}{at}: is not a sweep's folder (no sweep.json)"
        )));
    };
    let sensitivity = read_opt(&dir.join("sensitivity.csv"))?;
    let robustness = read_opt(&dir.join("robustness.csv"))?;
    let (Some(sensitivity), Some(robustness)) = (sensitivity, robustness) else {
        return Err(Error::Input(format!(
            "{what}{at}: the sweep has not been merged: sensitivity.csv and robustness.csv are missing (once every point has run, `crossroads sweep merge {at}` writes them)"
        )));
    };
    Ok(SweepFiles {
        plan,
        sensitivity,
        robustness,
        points: read_opt(&dir.join("points.csv"))?,
        results: read_opt(&dir.join("results.csv"))?,
    })
}
