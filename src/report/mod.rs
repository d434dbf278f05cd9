//! `crossroads report`: one self-contained HTML page (`report.html`) that says what an output
//! folder holds: a summary in plain language, yearly fan charts, the differences from the
//! baseline, the fit to observed data, the sensitivity to the assumptions, and provenance.
//!
//! This module turns the files of a folder, already read (`Input`), into the page's model
//! (`Page`): which sections the data allows, their sentences, charts and tables. `summary`
//! writes the sentences, `charts` draws the SVG charts, `page` renders the model as HTML
//! (maud), and `tables` reads the CSV and JSON files of the output contract back. Nothing here
//! touches files: `app::report` reads the folder and writes the page.

pub mod charts;
pub mod page;
pub mod summary;
pub mod tables;

use charts::{FanFigure, FanPanel, ForestRow, IndexBar, Swing, YearSeries};
use serde_json::Value;
use summary::{Block, Named};
use tables::{Aggregate, CheckRow, DiffRow, IndexRow, Observed, RobustRow, SummaryRow, Yearly};

/// The file a report is written to, in the folder it describes.
pub const REPORT_FILE: &str = "report.html";

/// The mark of a page crossroads wrote, in its `<meta name="generator">`.
pub const GENERATOR: &str = "crossroads report";

/// Why a folder cannot be reported on.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file of the folder that cannot be read as the output contract says.
    #[error("{file}: {message}")]
    Input { file: String, message: String },
    /// A chart that cannot be drawn.
    #[error("drawing a chart: {0}")]
    Draw(String),
}

impl ReportError {
    pub(crate) fn new(file: &str, message: String) -> ReportError {
        ReportError::Input {
            file: file.to_string(),
            message,
        }
    }
}

fn draw(e: anyhow::Error) -> ReportError {
    ReportError::Draw(format!("{e:#}"))
}

/// The files of one run's folder (a run, or one scenario of a comparison), as read; `None`
/// where the folder does not hold the file.
#[derive(Clone, Debug, Default)]
pub struct RunFiles {
    /// The folder's name inside a comparison (the scenario's name); empty for a run's folder.
    pub folder: String,
    pub manifest: Option<Vec<u8>>,
    pub timeseries: Option<Vec<u8>>,
    /// outcomes.csv's first lines only: the report draws nothing from it, and checks that the
    /// run wrote rows into it.
    pub outcomes_head: Option<Vec<u8>>,
    pub summary: Option<Vec<u8>>,
    pub validation: Option<Vec<u8>>,
    pub validation_series: Option<Vec<u8>>,
}

impl RunFiles {
    /// The files of a run's folder the report reads whole (outcomes.csv is read apart, its
    /// first lines only: [`RunFiles::outcomes_head`]).
    pub const FILES: [&'static str; 5] = [
        "manifest.json",
        "timeseries.csv",
        "summary.csv",
        "validation.csv",
        "validation_series.csv",
    ];

    /// Set the file `name` (one of [`RunFiles::FILES`]).
    pub fn set(&mut self, name: &str, bytes: Vec<u8>) {
        match name {
            "manifest.json" => self.manifest = Some(bytes),
            "timeseries.csv" => self.timeseries = Some(bytes),
            "summary.csv" => self.summary = Some(bytes),
            "validation.csv" => self.validation = Some(bytes),
            "validation_series.csv" => self.validation_series = Some(bytes),
            _ => {}
        }
    }

    fn path(&self, file: &str) -> String {
        if self.folder.is_empty() {
            file.to_string()
        } else {
            format!("{}/{file}", self.folder)
        }
    }
}

/// The files of a comparison's folder.
#[derive(Clone, Debug, Default)]
pub struct CompareFiles {
    pub comparison: Vec<u8>,
    pub by_year: Option<Vec<u8>>,
    /// One per scenario sub-folder, in any order.
    pub runs: Vec<RunFiles>,
}

/// The files of a sweep's folder the report reads.
#[derive(Clone, Debug, Default)]
pub struct SweepFiles {
    pub plan: Vec<u8>,
    pub sensitivity: Vec<u8>,
    pub robustness: Vec<u8>,
    pub points: Option<Vec<u8>>,
    pub results: Option<Vec<u8>>,
}

/// What kind of folder, with its files.
#[derive(Clone, Debug)]
pub enum Source {
    Run(RunFiles),
    Compare(CompareFiles),
    Sweep(SweepFiles),
}

/// Everything a report is made from.
#[derive(Clone, Debug)]
pub struct Input {
    /// The folder as the user named it (the page's title).
    pub folder: String,
    pub source: Source,
    /// A sweep whose sensitivity and robustness the report adds (`--sweep`), with its folder
    /// as named.
    pub sweep: Option<(String, SweepFiles)>,
}

/// A chart with its caption.
#[derive(Clone, Debug)]
pub struct Figure {
    /// One `<svg>` element.
    pub svg: String,
    pub caption: String,
}

/// The differences from the baseline.
#[derive(Clone, Debug)]
pub struct Differences {
    pub intro: String,
    pub forest: Vec<Figure>,
    pub by_year: Vec<Figure>,
}

/// The fit to published figures.
#[derive(Clone, Debug)]
pub struct Fit {
    /// Whose run it is (the baseline in a comparison).
    pub scenario: String,
    pub verdict: String,
    pub rows: Vec<CheckRow>,
    pub series: Vec<Figure>,
}

/// One policy effect (or baseline value) of a sweep.
#[derive(Clone, Debug)]
pub struct Effect {
    pub heading: String,
    pub sentence: Option<String>,
    pub figures: Vec<Figure>,
}

/// The sensitivity of results to the assumptions a sweep varied.
#[derive(Clone, Debug)]
pub struct Sensitivity {
    pub intro: String,
    /// Each parameter: key, value as written, lowest and highest value swept.
    pub parameters: Vec<(String, f64, f64, f64)>,
    /// How each policy effect holds across the sweep (robustness.csv), headline metrics first.
    pub robustness: Vec<RobustRow>,
    pub effects: Vec<Effect>,
}

/// What a run was, from its manifest.
#[derive(Clone, Debug, Default)]
pub struct RunProvenance {
    pub scenario: String,
    pub version: String,
    pub seed: String,
    pub agents: String,
    pub weight: String,
    pub replicates: String,
    pub months: String,
    pub threads: String,
    pub started: String,
    pub wall: String,
    pub files: Vec<(String, String)>,
}

/// What a sweep was, from its sweep.json.
#[derive(Clone, Debug, Default)]
pub struct SweepProvenance {
    pub folder: String,
    pub facts: Vec<(String, String)>,
    pub files: Vec<(String, String)>,
}

#[derive(Clone, Debug, Default)]
pub struct Provenance {
    pub runs: Vec<RunProvenance>,
    pub sweep: Option<SweepProvenance>,
}

/// The page: each section is there only when the folder has its data.
#[derive(Clone, Debug)]
pub struct Page {
    pub title: String,
    /// What the folder is, in a sentence.
    pub lede: String,
    pub summary: Vec<Block>,
    pub over_time: Vec<Figure>,
    pub over_time_note: String,
    pub differences: Option<Differences>,
    pub fit: Option<Fit>,
    pub sensitivity: Option<Sensitivity>,
    pub provenance: Provenance,
}

impl Page {
    /// The sections the page holds, by their anchors, in order.
    pub fn sections(&self) -> Vec<&'static str> {
        let mut s = Vec::new();
        if !self.summary.is_empty() {
            s.push("summary");
        }
        if !self.over_time.is_empty() {
            s.push("over-time");
        }
        if self.differences.is_some() {
            s.push("differences");
        }
        if self.fit.is_some() {
            s.push("fit");
        }
        if self.sensitivity.is_some() {
            s.push("sensitivity");
        }
        s.push("provenance");
        s
    }
}

/// The page of a folder, as HTML.
pub fn render(input: &Input) -> Result<(String, Vec<&'static str>), ReportError> {
    let page = build(input)?;
    Ok((page::render(&page), page.sections()))
}

/// The page's model of a folder.
pub fn build(input: &Input) -> Result<Page, ReportError> {
    let sweep = match &input.sweep {
        Some((name, files)) => Some(Sweep::read(name, files, &format!("--sweep {name}/"))?),
        None => None,
    };
    match &input.source {
        Source::Run(r) => build_run(input, r, sweep.as_ref()),
        Source::Compare(c) => build_compare(input, c, sweep.as_ref()),
        Source::Sweep(s) => {
            let sw = Sweep::read(&input.folder, s, "")?;
            build_sweep(input, &sw)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Runs.

/// What the report uses of a run's manifest.
#[derive(Clone, Debug, Default)]
struct Manifest {
    scenario: String,
    description: Option<String>,
    start: Option<(i32, u32)>,
    months: Option<u64>,
    replicates: Option<u64>,
    policy: Option<Value>,
    events: Vec<Event>,
    /// Agents a replicate ran with.
    agents: Option<f64>,
    provenance: RunProvenance,
}

/// An `[[event]]` of a resolved scenario: its month, phase-in and the keys it sets.
#[derive(Clone, Debug)]
struct Event {
    date: (i32, u32),
    phase_in: u64,
    set: serde_json::Map<String, Value>,
}

impl Manifest {
    fn parse(file: &str, bytes: &[u8]) -> Result<Manifest, ReportError> {
        let v: Value = serde_json::from_slice(bytes)
            .map_err(|e| ReportError::new(file, format!("is not JSON: {e}")))?;
        if v.get("program").and_then(Value::as_str) != Some("crossroads") {
            return Err(ReportError::new(
                file,
                "is not a manifest crossroads wrote (no \"program\": \"crossroads\")".into(),
            ));
        }
        let s = |k: &str| {
            v.get(k)
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_default()
        };
        let resolved = v.get("resolved_scenario");
        let r = |k: &str| resolved.and_then(|r| r.get(k));
        let events = r("event")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|e| {
                        Some(Event {
                            date: tables::parse_month(e.get("date")?.as_str()?)?,
                            phase_in: e
                                .get("phase_in_months")
                                .and_then(Value::as_u64)
                                .unwrap_or(0),
                            set: e.get("set")?.as_object()?.clone(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let files = v
            .get("input_files")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|f| {
                        let g = |k: &str| {
                            f.get(k)
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string()
                        };
                        (g("path"), g("sha256"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let months = v.get("months").and_then(Value::as_u64);
        let spin_up = v.get("spin_up_months").and_then(Value::as_u64);
        let weight = v.get("weight").and_then(Value::as_f64);
        let wall = v.get("wall_seconds").and_then(Value::as_f64);
        let provenance = RunProvenance {
            scenario: s("scenario"),
            version: match v.get("commit").and_then(Value::as_str) {
                Some(c) => format!("{} (commit {c})", s("version")),
                None => s("version"),
            },
            seed: s("seed"),
            agents: v
                .get("agents")
                .and_then(Value::as_f64)
                .map(summary::count)
                .map(|c| c.replace(" million", "\u{a0}million"))
                .unwrap_or_default(),
            weight: weight.map(charts::tick).unwrap_or_default(),
            replicates: s("replicates"),
            months: match (months, spin_up) {
                (Some(m), Some(su)) => format!("{m} after {su} of spin-up"),
                (Some(m), None) => m.to_string(),
                _ => String::new(),
            },
            threads: s("threads"),
            started: s("start_time"),
            wall: wall.map(seconds).unwrap_or_default(),
            files,
        };
        Ok(Manifest {
            scenario: s("scenario"),
            description: r("description")
                .and_then(Value::as_str)
                .filter(|d| !d.trim().is_empty())
                .map(str::to_string),
            start: r("start")
                .and_then(Value::as_str)
                .and_then(tables::parse_month),
            months,
            replicates: v.get("replicates").and_then(Value::as_u64),
            policy: r("policy").cloned(),
            events,
            agents: v.get("agents").and_then(Value::as_f64),
            provenance,
        })
    }

    /// What the run's timeseries.csv holds, by this manifest (`file`, for messages): the
    /// scenario, and a row for each of its reported months and replicates.
    fn expected(&self, file: &str) -> Result<tables::Expected<'_>, ReportError> {
        let need = |key: &str, v: Option<u64>| {
            v.filter(|&n| n >= 1).ok_or_else(|| {
                ReportError::new(
                    file,
                    format!(
                        "has no `{key}` that is a whole number from 1, to say which rows timeseries.csv holds; run it again"
                    ),
                )
            })
        };
        if self.scenario.is_empty() {
            return Err(ReportError::new(
                file,
                "has no `scenario`, to say whose rows timeseries.csv holds; run it again".into(),
            ));
        }
        Ok(tables::Expected {
            scenario: &self.scenario,
            replicates: need("replicates", self.replicates)?,
            months: need("months", self.months)?,
        })
    }
}

/// A wall time in words: "9.2 s", "2 min 5 s", "1 h 12 min".
fn seconds(s: f64) -> String {
    if s < 60.0 {
        format!("{} s", charts::tick((s * 10.0).round() / 10.0))
    } else if s < 3600.0 {
        format!("{} min {} s", (s / 60.0).floor(), (s % 60.0).round())
    } else {
        format!(
            "{} h {} min",
            (s / 3600.0).floor(),
            ((s % 3600.0) / 60.0).round()
        )
    }
}

/// A run's data, read.
#[derive(Clone, Debug, Default)]
struct Run {
    name: String,
    /// The sub-folder it was read from (empty for a run's own folder).
    folder: String,
    manifest: Option<Manifest>,
    yearly: Option<Yearly>,
    summary: Option<Vec<SummaryRow>>,
    validation: Option<Vec<CheckRow>>,
    series: Option<Vec<Observed>>,
}

/// The yearly series of the "Over time" section: a title, timeseries.csv's columns (summed),
/// how months add up, and the unit.
const SERIES: &[(&str, &[&str], Aggregate, &str)] = &[
    (
        "Regular departures",
        &["departures_regular"],
        Aggregate::Flow,
        "persons a year",
    ),
    (
        "Departures on a fraudulent visa",
        &["departures_visa_fraud"],
        Aggregate::Flow,
        "persons a year",
    ),
    (
        "Irregular departures (smuggled)",
        &["departures_irregular"],
        Aggregate::Flow,
        "persons a year",
    ),
    (
        "Departures across the land border",
        &["departures_cross_border"],
        Aggregate::Flow,
        "persons a year",
    ),
    (
        "People in debt bondage",
        &["in_debt_bondage"],
        Aggregate::Stock,
        "persons, mean over the year",
    ),
    (
        "People in forced labour",
        &["in_forced_labour"],
        Aggregate::Stock,
        "persons, mean over the year",
    ),
    (
        "People newly trafficked",
        &["new_trafficked"],
        Aggregate::Flow,
        "persons a year",
    ),
    (
        "Deaths during migration",
        &["deaths"],
        Aggregate::Flow,
        "deaths a year",
    ),
    (
        "Returns home",
        &["returns"],
        Aggregate::Flow,
        "persons a year",
    ),
];

impl Run {
    fn read(f: &RunFiles) -> Result<Run, ReportError> {
        let manifest = f
            .manifest
            .as_deref()
            .map(|b| Manifest::parse(&f.path("manifest.json"), b))
            .transpose()?;
        let wanted: Vec<(&'static str, &[&str], Aggregate)> =
            SERIES.iter().map(|(n, c, a, _)| (*n, *c, *a)).collect();
        // timeseries.csv is checked against the manifest beside it: a row for every reported
        // month of every replicate, or a year would be charted from the months it has.
        let yearly = match (f.timeseries.as_deref(), &manifest) {
            (None, _) => None,
            (Some(b), Some(m)) => Some(tables::yearly(
                &f.path("timeseries.csv"),
                b,
                &wanted,
                m.expected(&f.path("manifest.json"))?,
            )?),
            (Some(_), None) => {
                return Err(ReportError::new(
                    &f.path("timeseries.csv"),
                    "has no manifest.json beside it to say which months and replicates it holds; run it again".into(),
                ));
            }
        };
        if let Some(head) = &f.outcomes_head {
            tables::outcomes(&f.path("outcomes.csv"), head)?;
        }
        let summary = f
            .summary
            .as_deref()
            .map(|b| tables::summary(&f.path("summary.csv"), b))
            .transpose()?;
        let validation = f
            .validation
            .as_deref()
            .map(|b| tables::validation(&f.path("validation.csv"), b))
            .transpose()?;
        let series = f
            .validation_series
            .as_deref()
            .map(|b| tables::validation_series(&f.path("validation_series.csv"), b))
            .transpose()?;
        let name = match (&manifest, f.folder.as_str()) {
            (Some(m), _) if !m.scenario.is_empty() => m.scenario.clone(),
            (_, "") => "run".to_string(),
            (_, folder) => folder.to_string(),
        };
        Ok(Run {
            name,
            folder: f.folder.clone(),
            manifest,
            yearly,
            summary,
            validation,
            series,
        })
    }

    fn named(&self) -> Named {
        Named {
            name: self.name.clone(),
            description: self.manifest.as_ref().and_then(|m| m.description.clone()),
        }
    }

    /// The reported years, `2022-2031`.
    fn period(&self) -> String {
        if let Some(y) = &self.yearly
            && let (Some(a), Some(b)) = (y.years.first(), y.years.last())
        {
            return if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            };
        }
        match self
            .manifest
            .as_ref()
            .and_then(|m| Some((m.start?, m.months?)))
        {
            Some(((y, _), m)) => format!("{y}-{}", y + (m.max(1) as i32 - 1) / 12),
            None => "the reported years".into(),
        }
    }
}

/// When a scenario's policy first differs from the baseline's, read from the two manifests'
/// resolved scenarios: an `[policy]` section that differs outright starts with the run; else
/// the earliest event that sets a `policy.` key to a value the baseline's events do not set in
/// the same month. Returns the reported month index (0 = first reported month; negative:
/// before the reported months) and the label.
fn policy_start(scen: &Manifest, base: &Manifest, start: (i32, u32)) -> Option<(i64, String)> {
    let index = |(y, m): (i32, u32)| (y - start.0) as i64 * 12 + m as i64 - start.1 as i64;
    if scen.policy.is_some() && scen.policy != base.policy {
        return Some((i64::MIN, "policy differs from the start".into()));
    }
    let own = |e: &Event, k: &str, v: &Value| {
        !base
            .events
            .iter()
            .any(|b| b.date == e.date && b.set.get(k) == Some(v))
    };
    let first = scen
        .events
        .iter()
        .filter(|e| {
            e.set
                .iter()
                .any(|(k, v)| k.starts_with("policy.") && own(e, k, v))
        })
        .min_by_key(|e| e.date)?;
    let (y, m) = first.date;
    let phase = if first.phase_in > 0 {
        format!(", phased in over {} months", first.phase_in)
    } else {
        String::new()
    };
    Some((index(first.date), format!("policy from {y}-{m:02}{phase}")))
}

/// The "Over time" figure of one scenario (and the baseline under it).
fn fan(
    run: &Run,
    base: Option<&Run>,
    colour: plotters::style::RGBColor,
    policy: Option<(i64, String)>,
) -> Result<Option<Figure>, ReportError> {
    let Some(y) = &run.yearly else {
        return Ok(None);
    };
    let by = base
        .and_then(|b| b.yearly.as_ref())
        .filter(|b| b.years == y.years);
    let n = y.years.len();
    let mut panels = Vec::new();
    for (title, _, _, unit) in SERIES {
        let Some(v) = y.series.get(title) else {
            continue;
        };
        panels.push(FanPanel {
            title: title.to_string(),
            unit: unit.to_string(),
            base: by
                .and_then(|b| b.series.get(title))
                .map(|v| charts::bands(v, n)),
            scen: charts::bands(v, n),
        });
    }
    if panels.is_empty() {
        return Ok(None);
    }
    let first = y.years[0] as f64;
    let policy = policy.filter(|(i, _)| *i > 0).map(|(i, label)| {
        // A year's point sits at its label; months run from half a year before it.
        (first - 0.5 + i as f64 / 12.0, label)
    });
    let base_name = by.and(base).map(|b| b.name.as_str());
    let title = match base_name {
        Some("baseline") => format!("{} against the baseline, by year", run.name),
        Some(b) => format!("{} against the baseline {b}, by year", run.name),
        None => format!("{}, by year", run.name),
    };
    let fig = FanFigure {
        title,
        scenario: &run.name,
        baseline: base_name,
        colour,
        years: &y.years,
        policy: policy.clone(),
        replicates: y.replicates,
        panels,
    };
    let svg = charts::fan_figure(&fig).map_err(draw)?;
    let line = if y.replicates == 1 {
        "the line is the one replicate run (no bands with one replicate)".to_string()
    } else {
        format!(
            "the line is the median over {} replicates, the bands hold the middle 50% and 95% of them",
            y.replicates
        )
    };
    let caption = format!(
        "{}: each panel a yearly series from timeseries.csv; {line}{}{}.",
        run.name,
        if base_name.is_some() {
            "; the dashed line and grey bands are the baseline's"
        } else {
            ""
        },
        policy
            .map(|(_, l)| format!("; the dashed vertical line marks the {l}"))
            .unwrap_or_default()
    );
    Ok(Some(Figure { svg, caption }))
}

/// The "Fit to the real world" section from a run's validation files.
fn fit(run: &Run) -> Result<Option<Fit>, ReportError> {
    let Some(rows) = &run.validation else {
        return Ok(None);
    };
    let count = |keep: &dyn Fn(&CheckRow) -> bool| {
        let all: Vec<&CheckRow> = rows.iter().filter(|r| keep(r)).collect();
        (
            all.iter().filter(|r| r.within == Some(true)).count(),
            all.len(),
        )
    };
    let (f, fnn) = count(&|r| r.kind == "emergent" && r.used_in_fit);
    let (o, on) = count(&|r| r.kind == "emergent" && !r.used_in_fit);
    let (i, inn) = count(&|r| r.kind == "input");
    let (s, sn) = count(&|r| r.kind == "series");
    let mut parts = vec![format!(
        "targets a parameter was fitted to: {f} of {fnn} within their band"
    )];
    if on > 0 {
        parts.push(format!("targets left out of fitting: {o} of {on}"));
    }
    if inn > 0 {
        parts.push(format!("input checks: {i} of {inn}"));
    }
    if sn > 0 {
        parts.push(format!(
            "yearly series within their band of averaged relative difference: {s} of {sn}"
        ));
    }
    let mut series = Vec::new();
    for o in run.series.iter().flatten() {
        let title = format!("{} by year", o.series.replace('_', " "));
        let svg = charts::observed(&title, &o.points).map_err(draw)?;
        series.push(Figure {
            svg,
            caption: format!(
                "The series {}: the model's yearly value (mean of the replicates) against the published figure.",
                o.series
            ),
        });
    }
    let mut verdict = parts.join("; ");
    verdict.push('.');
    if let Some(first) = verdict.get(..1) {
        verdict = first.to_uppercase() + &verdict[1..];
    }
    Ok(Some(Fit {
        scenario: run.name.clone(),
        verdict,
        rows: rows.clone(),
        series,
    }))
}

fn build_run(input: &Input, f: &RunFiles, sweep: Option<&Sweep>) -> Result<Page, ReportError> {
    let run = Run::read(f)?;
    let mut summary = Vec::new();
    if let Some(rows) = &run.summary {
        summary.push(summary::run(&run.named(), &run.period(), rows));
    }
    if let Some(sw) = sweep {
        summary.extend(summary::sweep(&sw.named(), &sw.robustness));
    }
    let over_time: Vec<Figure> = fan(&run, None, charts::BLUE, None)?.into_iter().collect();
    Ok(Page {
        title: format!("crossroads report: {}", input.folder),
        lede: format!(
            "The run of the scenario {} in the folder {}, over {}.",
            run.name,
            input.folder,
            summary::years(&run.period())
        ),
        summary,
        over_time,
        over_time_note: over_time_note(),
        differences: None,
        fit: fit(&run)?,
        sensitivity: match sweep {
            Some(sw) => Some(sw.section_beside(run.manifest.as_ref())?),
            None => None,
        },
        provenance: Provenance {
            runs: run.manifest.iter().map(|m| m.provenance.clone()).collect(),
            sweep: sweep.map(Sweep::provenance),
        },
    })
}

fn over_time_note() -> String {
    "Yearly values from each replicate's monthly record (timeseries.csv): flows are the year's total, stocks the mean over its months; years are blocks of twelve reported months. The spread over replicates is the model's own randomness, not the uncertainty of its assumptions.".into()
}

// ---------------------------------------------------------------------------------------------
// Comparisons.

fn build_compare(
    input: &Input,
    c: &CompareFiles,
    sweep: Option<&Sweep>,
) -> Result<Page, ReportError> {
    let rows = tables::diffs("comparison.csv", &c.comparison, "period")?;
    let by_year = c
        .by_year
        .as_deref()
        .map(|b| tables::diffs("comparison_by_year.csv", b, "year"))
        .transpose()?
        .unwrap_or_default();
    let mut order: Vec<String> = Vec::new();
    for r in &rows {
        if !order.contains(&r.scenario) {
            order.push(r.scenario.clone());
        }
    }
    let runs: Vec<Run> = c.runs.iter().map(Run::read).collect::<Result<_, _>>()?;
    let find = |name: &str| runs.iter().find(|r| r.name == name || r.folder == name);
    // The baseline is the scenario comparison.csv does not list.
    let base = runs
        .iter()
        .find(|r| !order.contains(&r.name) && !order.contains(&r.folder));
    let named: Vec<Named> = order
        .iter()
        .map(|s| match find(s) {
            Some(r) => r.named(),
            None => Named {
                name: s.clone(),
                description: None,
            },
        })
        .collect();
    let robust = sweep.map(|s| s.robustness.as_slice()).unwrap_or(&[]);
    let summary = summary::comparison(&named, &rows, robust);

    let mut over_time = Vec::new();
    for (i, s) in order.iter().enumerate() {
        let Some(run) = find(s) else { continue };
        let start = run
            .yearly
            .as_ref()
            .map(|y| y.start)
            .or_else(|| run.manifest.as_ref().and_then(|m| m.start));
        let period_first: Option<i32> = rows
            .iter()
            .find(|r| &r.scenario == s)
            .and_then(|r| r.period.split('-').next()?.parse().ok());
        let policy = match (&run.manifest, base.and_then(|b| b.manifest.as_ref()), start) {
            (Some(m), Some(bm), Some(st)) => policy_start(m, bm, st).map(|(idx, label)| {
                // Trust comparison.csv's years: a start outside its first year falls back to
                // that year's first month.
                match period_first {
                    Some(py)
                        if idx != i64::MIN && st.0 as i64 + idx.div_euclid(12) != py as i64 =>
                    {
                        let idx = (py - st.0) as i64 * 12;
                        (idx, format!("policy period from {py}"))
                    }
                    _ => (idx, label),
                }
            }),
            _ => None,
        };
        if let Some(f) = fan(run, base, charts::scenario_colour(i), policy)? {
            over_time.push(f);
        }
    }
    if over_time.is_empty()
        && let Some(b) = base
        && let Some(f) = fan(b, None, charts::INK, None)?
    {
        over_time.push(f);
    }

    let differences = differences(&order, &rows, &by_year)?;
    let with = match base.map(|b| b.name.as_str()) {
        Some("baseline") | None => "the baseline".to_string(),
        Some(b) => format!("the baseline {b}"),
    };
    let mut provenance = Provenance {
        runs: Vec::new(),
        sweep: sweep.map(Sweep::provenance),
    };
    for r in base.into_iter().chain(order.iter().filter_map(|s| find(s))) {
        if let Some(m) = &r.manifest {
            provenance.runs.push(m.provenance.clone());
        }
    }
    Ok(Page {
        title: format!("crossroads report: {}", input.folder),
        lede: format!(
            "A comparison of {} scenario{} with {with} on the same random draws, in the folder {}.",
            order.len(),
            if order.len() == 1 { "" } else { "s" },
            input.folder
        ),
        summary,
        over_time,
        over_time_note: over_time_note(),
        differences,
        fit: match base {
            Some(b) => fit(b)?,
            None => None,
        },
        sensitivity: match sweep {
            Some(sw) => Some(sw.section_beside(base.and_then(|b| b.manifest.as_ref()))?),
            None => None,
        },
        provenance,
    })
}

/// "−41%" beside a forest plot's row.
fn relative_note(d: &DiffRow) -> String {
    match d.relative_change {
        Some(r) => format!("{}%", summary::with_plus(summary::percent(100.0 * r))),
        None => String::new(),
    }
}

fn differences(
    order: &[String],
    rows: &[DiffRow],
    by_year: &[DiffRow],
) -> Result<Option<Differences>, ReportError> {
    let mut forest = Vec::new();
    let periods: Vec<&str> = {
        let mut p: Vec<&str> = rows.iter().map(|r| r.period.as_str()).collect();
        p.sort_unstable();
        p.dedup();
        p
    };
    let one_period = (periods.len() == 1).then(|| summary::years(periods[0]));
    for h in crate::compare::HEADLINE {
        let frows: Vec<ForestRow> = order
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let d = rows
                    .iter()
                    .find(|d| &d.scenario == s && d.metric == h.metric)?;
                Some(ForestRow {
                    label: match &one_period {
                        Some(_) => s.clone(),
                        None => format!("{s} ({})", summary::years(&d.period)),
                    },
                    colour: charts::scenario_colour(i),
                    mean: d.diff_mean,
                    lo: d.diff_ci_low,
                    hi: d.diff_ci_high,
                    note: relative_note(d),
                })
            })
            .collect();
        if frows.is_empty() {
            continue;
        }
        let axis = match &one_period {
            Some(p) => format!("scenario minus baseline, {} ({})", h.unit, p),
            None => format!("scenario minus baseline, {}", h.unit),
        };
        let svg = charts::forest(&h.label(), &axis, &frows).map_err(draw)?;
        forest.push(Figure {
            svg,
            caption: String::new(),
        });
    }
    let mut years = Vec::new();
    for h in summary::summary_metrics() {
        let series: Vec<YearSeries> = order
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let points: Vec<_> = by_year
                    .iter()
                    .filter(|d| &d.scenario == s && d.metric == h.metric)
                    .filter_map(|d| {
                        Some((
                            d.period.parse().ok()?,
                            d.diff_mean?,
                            d.diff_ci_low,
                            d.diff_ci_high,
                        ))
                    })
                    .collect();
                (!points.is_empty()).then(|| YearSeries {
                    label: s.clone(),
                    colour: charts::scenario_colour(i),
                    points,
                })
            })
            .collect();
        if series.is_empty() {
            continue;
        }
        let title = format!("{}: difference from the baseline by year", h.label());
        let unit = format!("scenario minus baseline, {}", h.unit);
        let svg = charts::by_year(&title, &unit, &series).map_err(draw)?;
        years.push(Figure {
            svg,
            caption: format!(
                "{} in each reported year on its own (comparison_by_year.csv), with 95% intervals; years before a policy starts differ only through episodes followed into its years.",
                h.label()
            ),
        });
    }
    if forest.is_empty() && years.is_empty() {
        return Ok(None);
    }
    Ok(Some(Differences {
        intro: "Each policy scenario minus the baseline, replicate by replicate on the same random draws (common random numbers), over the years its policy is in force (comparison.csv), then year by year (comparison_by_year.csv). Each point is the mean of the paired differences and each bar its 95% interval; a filled point has an interval that excludes zero, a difference the model attributes to the policy rather than to chance. Beside each row, the change relative to the baseline.".into(),
        forest,
        by_year: years,
    }))
}

// ---------------------------------------------------------------------------------------------
// Sweeps.

/// A sweep's tables, read.
struct Sweep {
    folder: String,
    plan: Value,
    /// Scenario names in the plan's order: the baseline first.
    scenarios: Vec<String>,
    indices: Vec<IndexRow>,
    robustness: Vec<RobustRow>,
    points: Option<(Vec<String>, Vec<Vec<f64>>)>,
    results: Option<tables::Results>,
}

impl Sweep {
    fn read(folder: &str, f: &SweepFiles, prefix: &str) -> Result<Sweep, ReportError> {
        let file = |n: &str| format!("{prefix}{n}");
        let plan: Value = serde_json::from_slice(&f.plan)
            .map_err(|e| ReportError::new(&file("sweep.json"), format!("is not JSON: {e}")))?;
        if plan.get("program").and_then(Value::as_str) != Some("crossroads") {
            return Err(ReportError::new(
                &file("sweep.json"),
                "is not a sweep plan crossroads wrote".into(),
            ));
        }
        let scenarios = plan
            .get("scenarios")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| Some(s.get("name")?.as_str()?.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let points = f
            .points
            .as_deref()
            .map(|b| tables::points(&file("points.csv"), b))
            .transpose()?;
        let results = f
            .results
            .as_deref()
            .map(|b| tables::results(&file("results.csv"), b))
            .transpose()?;
        Ok(Sweep {
            folder: folder.to_string(),
            scenarios,
            indices: tables::sensitivity(&file("sensitivity.csv"), &f.sensitivity)?,
            robustness: tables::robustness(&file("robustness.csv"), &f.robustness)?,
            plan,
            points,
            results,
        })
    }

    fn named(&self) -> Vec<Named> {
        self.scenarios
            .iter()
            .map(|s| Named {
                name: s.clone(),
                description: None,
            })
            .collect()
    }

    fn text(&self, k: &str) -> String {
        match self.plan.get(k) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(v) => v.to_string(),
        }
    }

    /// The effect of `scenario` on `metric` at each point (the mean of the paired differences
    /// over replicates), or the baseline's value when `scenario` is the baseline.
    fn effect_at(&self, point: usize, scenario: &str, metric: &str) -> Option<f64> {
        let results = self.results.as_ref()?;
        let base = self.scenarios.first()?;
        let get = |s: &str| results.get(&(point, s.to_string(), metric.to_string()));
        let s = get(scenario)?;
        let pairs: Vec<f64> = if scenario == base {
            s.iter().flatten().copied().collect()
        } else {
            let b = get(base)?;
            s.iter()
                .zip(b)
                .filter_map(|(x, y)| Some((*x)? - (*y)?))
                .collect()
        };
        (!pairs.is_empty()).then(|| pairs.iter().sum::<f64>() / pairs.len() as f64)
    }

    /// The tornado plot's data: the effect as written, and for each parameter the mean effect
    /// over the points where it lies in the lowest third and in the highest third of its values.
    fn swings(&self, scenario: &str, metric: &str) -> Option<(f64, Vec<Swing>)> {
        let (params, points) = self.points.as_ref()?;
        let centre = self.effect_at(0, scenario, metric)?;
        let effects: Vec<Option<f64>> = (0..points.len())
            .map(|p| self.effect_at(p, scenario, metric))
            .collect();
        let mut swings = Vec::new();
        for (j, name) in params.iter().enumerate() {
            let mut vals: Vec<f64> = points.iter().skip(1).map(|p| p[j]).collect();
            if vals.len() < 3 {
                continue;
            }
            vals.sort_by(f64::total_cmp);
            let t1 = vals[(vals.len() - 1) / 3];
            let t2 = vals[(2 * (vals.len() - 1)).div_ceil(3)];
            if t1 >= t2 {
                continue;
            }
            let mean_where = |keep: &dyn Fn(f64) -> bool| {
                let v: Vec<f64> = points
                    .iter()
                    .enumerate()
                    .skip(1)
                    .filter(|(_, p)| keep(p[j]))
                    .filter_map(|(i, _)| effects[i])
                    .collect();
                (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
            };
            if let (Some(low), Some(high)) = (mean_where(&|v| v <= t1), mean_where(&|v| v >= t2)) {
                swings.push(Swing {
                    parameter: name.clone(),
                    low,
                    high,
                });
            }
        }
        swings.sort_by(|a, b| (b.high - b.low).abs().total_cmp(&(a.high - a.low).abs()));
        (!swings.is_empty()).then_some((centre, swings))
    }

    /// The bar chart of one effect's indices.
    fn bars(
        &self,
        rows: &[&IndexRow],
        title: &str,
        unit: &str,
    ) -> Result<Option<Figure>, ReportError> {
        let has = |ix: &str| rows.iter().any(|r| r.index == ix);
        let (main, second, names, axis): (&str, Option<&str>, (&str, Option<&str>), String) =
            if has("S1") || has("ST") {
                (
                    "S1",
                    Some("ST"),
                    ("first-order index S1", Some("total index ST")),
                    "share of the variance explained".into(),
                )
            } else if has("mu_star") {
                (
                    "mu_star",
                    Some("sigma"),
                    (
                        "\u{3bc}* (mean absolute elementary effect)",
                        Some("\u{3c3} (spread)"),
                    ),
                    format!("change over the parameter's range, {unit}"),
                )
            } else if has("spearman") {
                (
                    "spearman",
                    None,
                    ("Spearman's rank correlation", None),
                    "rank correlation with the result".into(),
                )
            } else {
                return Ok(None);
            };
        let mut params: Vec<&str> = Vec::new();
        for r in rows {
            if !params.contains(&r.parameter.as_str()) {
                params.push(&r.parameter);
            }
        }
        let get = |p: &str, ix: &str| {
            rows.iter()
                .find(|r| r.parameter == p && r.index == ix)
                .and_then(|r| Some((r.estimate?, r.ci_low, r.ci_high)))
        };
        let mut bars: Vec<IndexBar> = params
            .iter()
            .filter_map(|p| {
                let m = get(p, main);
                let s = second.and_then(|ix| get(p, ix));
                let m = m.or(s.map(|_| (0.0, None, None)))?;
                Some(IndexBar {
                    parameter: p.to_string(),
                    main: m,
                    second: second.map(|_| s.unwrap_or((0.0, None, None))),
                })
            })
            .collect();
        if bars.is_empty() {
            return Ok(None);
        }
        // Most influential first: by ST for Sobol', μ* for Morris, |ρ| for Spearman.
        let key = |b: &IndexBar| match (main, b.second) {
            ("S1", Some(s)) => s.0,
            _ => b.main.0.abs(),
        };
        bars.sort_by(|a, b| key(b).total_cmp(&key(a)));
        let svg = charts::index_bars(title, &axis, names, &bars).map_err(draw)?;
        Ok(Some(Figure {
            svg,
            caption: match main {
                "S1" => "Sobol' indices: S1 is the share of the variance over the ranges that a parameter explains alone, ST with its interactions; ST near 0 means the parameter can be fixed anywhere in its range.".into(),
                "mu_star" => "Morris screening: \u{3bc}* ranks the parameters by influence; \u{3c3} large against \u{3bc}* means non-linearity or interactions.".into(),
                _ => "Spearman's rank correlation of each parameter's values with the result, with Fisher's 95% interval.".into(),
            },
        }))
    }

    /// The section, added to a run or a comparison whose baseline ran with `run`'s manifest: when the
    /// sweep ran at another size, its intro says so, since levels at few agents run low
    /// (docs/SWEEPS.md, "Levels at few agents").
    fn section_beside(&self, run: Option<&Manifest>) -> Result<Sensitivity, ReportError> {
        let mut section = self.section()?;
        let mine = self.plan.get("agents").and_then(Value::as_f64);
        if let (Some(sweep), Some(compared)) = (mine, run.and_then(|m| m.agents))
            && sweep != compared
        {
            let (lower, other) = if sweep < compared {
                ("the sweep's levels", "the runs above")
            } else {
                ("the levels above", "the sweep")
            };
            section.intro.push_str(&format!(
                " The sweep ran at {} agents a replicate and the runs above at {}: its levels and effects are from its own runs, and at fewer agents levels run low (docs/SWEEPS.md, \u{201c}Levels at few agents\u{201d}), so {lower} are the lower; read {other} for the size of an effect.",
                charts::with_decimals(sweep, 0),
                charts::with_decimals(compared, 0)
            ));
        }
        Ok(section)
    }

    fn section(&self) -> Result<Sensitivity, ReportError> {
        let effects_exist = self.indices.iter().any(|r| r.quantity == "effect");
        let quantity = if effects_exist { "effect" } else { "value" };
        let mut keys: Vec<(String, String)> = Vec::new();
        for r in self.indices.iter().filter(|r| r.quantity == quantity) {
            let k = (r.scenario.clone(), r.metric.clone());
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        // One metric per headline topic where the sweep has it, else all its metrics.
        let chosen: Vec<&str> = summary::summary_metrics()
            .iter()
            .map(|h| h.metric)
            .collect();
        if keys.iter().any(|(_, m)| chosen.contains(&m.as_str())) {
            keys.retain(|(_, m)| chosen.contains(&m.as_str()));
        }
        let scen_pos = |s: &str| {
            self.scenarios
                .iter()
                .position(|x| x == s)
                .unwrap_or(usize::MAX)
        };
        let metric_pos = |m: &str| {
            crate::compare::HEADLINE
                .iter()
                .position(|h| h.metric == m)
                .unwrap_or(usize::MAX)
        };
        keys.sort_by_key(|(s, m)| (scen_pos(s), metric_pos(m)));
        let mut effects = Vec::new();
        for (s, m) in &keys {
            let rows: Vec<&IndexRow> = self
                .indices
                .iter()
                .filter(|r| &r.scenario == s && &r.metric == m && r.quantity == quantity)
                .collect();
            let h = summary::headline(m);
            let unit = h.map(|h| h.unit).unwrap_or("the metric's unit");
            let what = h.map(|h| h.label()).unwrap_or_else(|| m.clone());
            let heading = if quantity == "effect" {
                format!("{s}, effect: {what}")
            } else {
                format!("{s}: {what}")
            };
            let mut figures = Vec::new();
            if let Some((centre, swings)) = self.swings(s, m) {
                let axis = if quantity == "effect" {
                    format!("scenario minus baseline, {unit}")
                } else {
                    unit.to_string()
                };
                let svg = charts::tornado(&format!("{heading}: tornado"), &axis, centre, &swings)
                    .map_err(draw)?;
                figures.push(Figure {
                    svg,
                    caption: "Tornado plot: for each parameter, the mean result over the design's points where the parameter lies in the lowest third of its swept values (orange) and in the highest third (blue), against the result with the scenarios as written (black line); widest swing first.".into(),
                });
            }
            if let Some(f) = self.bars(&rows, &format!("{heading}: indices"), unit)? {
                figures.push(f);
            }
            if figures.is_empty() {
                continue;
            }
            let sentence = self
                .robustness
                .iter()
                .find(|r| &r.scenario == s && &r.metric == m)
                .and_then(summary::robustness_sentence);
            effects.push(Effect {
                heading,
                sentence,
                figures,
            });
        }
        let parameters = match &self.points {
            Some((names, pts)) if !pts.is_empty() => names
                .iter()
                .enumerate()
                .map(|(j, n)| {
                    let vals = pts.iter().skip(1).map(|p| p[j]);
                    let lo = vals.clone().fold(f64::INFINITY, f64::min);
                    let hi = vals.fold(f64::NEG_INFINITY, f64::max);
                    (n.clone(), pts[0][j], lo, hi)
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut robustness = self.robustness.clone();
        robustness.sort_by_key(|r| (scen_pos(&r.scenario), metric_pos(&r.metric)));
        Ok(Sensitivity {
            robustness,
            intro: format!(
                "From the sweep in {}: a {} design of {} points over {} parameter{}, every scenario on the same random draws at each point ({} replicate{} of {} agents), over {}. The indices say which assumptions drive each result; the robustness says whether an effect keeps its sign across their plausible ranges (docs/SWEEPS.md).",
                self.folder,
                self.text("design"),
                self.text("points"),
                self.plan
                    .get("parameters")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len),
                if self
                    .plan
                    .get("parameters")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
                    == 1
                {
                    ""
                } else {
                    "s"
                },
                self.text("replicates"),
                if self.text("replicates") == "1" {
                    ""
                } else {
                    "s"
                },
                self.text("agents"),
                summary::years(&self.text("period")),
            ),
            parameters,
            effects,
        })
    }

    fn provenance(&self) -> SweepProvenance {
        let mut facts: Vec<(String, String)> = [
            ("program version", "version"),
            ("commit", "commit"),
            ("build (SHA-256 of the program, first 16 bytes)", "build"),
            ("sweep identity", "sweep"),
            ("design", "design"),
            ("points (point 0 included)", "points"),
            ("replicates", "replicates"),
            ("agents", "agents"),
            ("reported months", "months"),
            ("seed", "seed"),
            ("seeds", "seeds"),
            ("period", "period"),
        ]
        .iter()
        .map(|(label, k)| (label.to_string(), self.text(k)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
        let mut files = Vec::new();
        if let Some(c) = self.plan.get("config") {
            let g = |k: &str| {
                c.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            files.push((g("path"), g("sha256")));
        }
        for s in self
            .plan
            .get("scenarios")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for f in s
                .get("files")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let path = f.get(0).and_then(Value::as_str).unwrap_or_default();
                let sha = f.get(1).and_then(Value::as_str).unwrap_or_default();
                if !files.iter().any(|(p, _)| p == path) {
                    files.push((path.to_string(), sha.to_string()));
                }
            }
        }
        let sets = self.text("sets");
        if sets != "[]" && !sets.is_empty() {
            facts.push(("--set".into(), sets));
        }
        SweepProvenance {
            folder: self.folder.clone(),
            facts,
            files,
        }
    }
}

fn build_sweep(input: &Input, sw: &Sweep) -> Result<Page, ReportError> {
    Ok(Page {
        title: format!("crossroads report: {}", input.folder),
        lede: format!(
            "A sweep of {} over {} ({} design, {} points), in the folder {}.",
            sw.scenarios.join(", "),
            summary::years(&sw.text("period")),
            sw.text("design"),
            sw.text("points"),
            input.folder
        ),
        summary: summary::sweep(&sw.named(), &sw.robustness),
        over_time: Vec::new(),
        over_time_note: String::new(),
        differences: None,
        fit: None,
        sensitivity: Some(sw.section()?),
        provenance: Provenance {
            runs: Vec::new(),
            sweep: Some(sw.provenance()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(policy: &str, events: &str) -> Manifest {
        let json = format!(
            r#"{{"program":"crossroads","scenario":"s","resolved_scenario":{{"start":"2022-01","policy":{policy},"event":{events}}}}}"#
        );
        Manifest::parse("manifest.json", json.as_bytes()).unwrap()
    }

    #[test]
    fn the_policy_starts_at_the_first_event_the_baseline_does_not_share() {
        let shared = r#"{"date":"2023-01","phase_in_months":0,"set":{"policy.x":1}}"#;
        let own = r#"{"date":"2026-01","phase_in_months":12,"set":{"policy.y":2}}"#;
        let other = r#"{"date":"2024-05","phase_in_months":0,"set":{"destination.a.jobs":2}}"#;
        let base = manifest("{}", &format!("[{shared}]"));
        let scen = manifest("{}", &format!("[{shared},{other},{own}]"));
        let (idx, label) = policy_start(&scen, &base, (2022, 1)).unwrap();
        assert_eq!(idx, 48);
        assert_eq!(label, "policy from 2026-01, phased in over 12 months");
        assert!(policy_start(&base, &base, (2022, 1)).is_none());
        let differs = manifest(r#"{"a":1}"#, "[]");
        assert_eq!(
            policy_start(&differs, &base, (2022, 1)).map(|p| p.0),
            Some(i64::MIN)
        );
    }

    #[test]
    fn wall_times_read_in_words() {
        assert_eq!(seconds(9.23), "9.2 s");
        assert_eq!(seconds(125.0), "2 min 5 s");
        assert_eq!(seconds(4320.0), "1 h 12 min");
    }
}
