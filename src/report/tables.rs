//! Reading the output contract back: the CSV tables and JSON files of a run, a comparison and a
//! sweep (docs/OUTPUTS.md, docs/SWEEPS.md), from bytes already read, into the rows the report
//! draws. Columns are found by name, so a table with extra columns still reads; a missing column
//! or a cell that is not a number is an error that names the file, the row and the column, and
//! a table with rows missing (a header alone; a timeseries.csv short of a month its manifest
//! records) is an error that names the file and what it lacks.

use super::ReportError;
use std::collections::BTreeMap;

/// A CSV table: its header and rows, with the file name for messages.
pub(super) struct Table {
    file: String,
    header: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    pub(super) fn parse(file: &str, bytes: &[u8]) -> Result<Table, ReportError> {
        let mut r = csv::ReaderBuilder::new().from_reader(bytes);
        let header = r
            .headers()
            .map_err(|e| ReportError::new(file, format!("cannot read its header: {e}")))?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = r
            .records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ReportError::new(file, format!("is not a CSV table: {e}")))?;
        Ok(Table {
            file: file.to_string(),
            header,
            rows,
        })
    }

    /// The index of column `name`.
    pub(super) fn col(&self, name: &str) -> Result<usize, ReportError> {
        self.header.iter().position(|h| h == name).ok_or_else(|| {
            ReportError::new(
                &self.file,
                format!("has no column `{name}` (docs/OUTPUTS.md lists the columns)"),
            )
        })
    }

    /// The table has rows: a header alone is refused, as a file emptied or cut short
    /// (`holds` says what it has a row for).
    pub(super) fn not_empty(&self, holds: &str) -> Result<(), ReportError> {
        if self.header.is_empty() {
            return Err(ReportError::new(
                &self.file,
                "is empty, not even a header; run it again".into(),
            ));
        }
        if self.rows.is_empty() {
            return Err(ReportError::new(
                &self.file,
                format!("has a header and no rows, where it holds a row {holds}; run it again"),
            ));
        }
        Ok(())
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.header.iter().any(|h| h == name)
    }

    pub(super) fn rows(&self) -> impl Iterator<Item = (usize, &csv::StringRecord)> {
        self.rows.iter().enumerate()
    }

    pub(super) fn text<'a>(&self, row: &'a csv::StringRecord, col: usize) -> &'a str {
        row.get(col).unwrap_or("")
    }

    /// A number cell; empty is `None`.
    pub(super) fn num(
        &self,
        i: usize,
        row: &csv::StringRecord,
        col: usize,
    ) -> Result<Option<f64>, ReportError> {
        let s = self.text(row, col);
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<f64>().map(Some).map_err(|_| {
            ReportError::new(
                &self.file,
                format!(
                    "row {}: column `{}` = {s:?} is not a number",
                    i + 2,
                    self.header[col]
                ),
            )
        })
    }

    /// A number cell that must be there.
    pub(super) fn need(
        &self,
        i: usize,
        row: &csv::StringRecord,
        col: usize,
    ) -> Result<f64, ReportError> {
        self.num(i, row, col)?.ok_or_else(|| {
            ReportError::new(
                &self.file,
                format!("row {}: column `{}` is empty", i + 2, self.header[col]),
            )
        })
    }
}

/// A row of comparison.csv or comparison_by_year.csv (`period` is the year there).
#[derive(Clone, Debug)]
pub struct DiffRow {
    pub scenario: String,
    pub metric: String,
    pub by: String,
    pub level: String,
    pub period: String,
    pub baseline_mean: Option<f64>,
    pub scenario_mean: Option<f64>,
    pub diff_mean: Option<f64>,
    pub diff_ci_low: Option<f64>,
    pub diff_ci_high: Option<f64>,
    pub relative_change: Option<f64>,
}

impl DiffRow {
    /// Whether the 95% interval of the difference excludes zero.
    pub fn clear(&self) -> bool {
        matches!((self.diff_ci_low, self.diff_ci_high), (Some(l), Some(h)) if l > 0.0 || h < 0.0)
    }
}

/// comparison.csv (`period_col` = "period") or comparison_by_year.csv ("year"): the rows of
/// totals (`by` empty).
pub(super) fn diffs(
    file: &str,
    bytes: &[u8],
    period_col: &str,
) -> Result<Vec<DiffRow>, ReportError> {
    let t = Table::parse(file, bytes)?;
    let c = |n: &str| t.col(n);
    let (sc, me, by, lv, pe) = (
        c("scenario")?,
        c("metric")?,
        c("by")?,
        c("level")?,
        c(period_col)?,
    );
    let (bm, sm, dm, lo, hi, rc) = (
        c("baseline_mean")?,
        c("scenario_mean")?,
        c("diff_mean")?,
        c("diff_ci_low")?,
        c("diff_ci_high")?,
        c("relative_change")?,
    );
    let mut out = Vec::new();
    for (i, r) in t.rows() {
        if !t.text(r, by).is_empty() {
            continue;
        }
        out.push(DiffRow {
            scenario: t.text(r, sc).to_string(),
            metric: t.text(r, me).to_string(),
            by: String::new(),
            level: t.text(r, lv).to_string(),
            period: t.text(r, pe).to_string(),
            baseline_mean: t.num(i, r, bm)?,
            scenario_mean: t.num(i, r, sm)?,
            diff_mean: t.num(i, r, dm)?,
            diff_ci_low: t.num(i, r, lo)?,
            diff_ci_high: t.num(i, r, hi)?,
            relative_change: t.num(i, r, rc)?,
        });
    }
    Ok(out)
}

/// A row of summary.csv (totals only).
#[derive(Clone, Debug)]
pub struct SummaryRow {
    pub metric: String,
    pub mean: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

pub(super) fn summary(file: &str, bytes: &[u8]) -> Result<Vec<SummaryRow>, ReportError> {
    let t = Table::parse(file, bytes)?;
    t.not_empty("for each metric")?;
    let (me, by, mean, lo, hi) = (
        t.col("metric")?,
        t.col("by")?,
        t.col("mean")?,
        t.col("ci_low")?,
        t.col("ci_high")?,
    );
    let mut out = Vec::new();
    for (i, r) in t.rows() {
        if !t.text(r, by).is_empty() {
            continue;
        }
        out.push(SummaryRow {
            metric: t.text(r, me).to_string(),
            mean: t.num(i, r, mean)?,
            ci_low: t.num(i, r, lo)?,
            ci_high: t.num(i, r, hi)?,
        });
    }
    Ok(out)
}

/// outcomes.csv, of which the report draws nothing: it must have a row, or the run's folder
/// holds a file emptied or cut short. `head` may be the file's first lines only.
pub(super) fn outcomes(file: &str, head: &[u8]) -> Result<(), ReportError> {
    Table::parse(file, head)?.not_empty("for each replicate and metric")
}

/// How a yearly series is made from monthly rows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Aggregate {
    /// A flow: the year's total (× 12 ÷ its months, for a shorter last year).
    Flow,
    /// A stock: the average over the year's months.
    Stock,
}

/// Yearly series from timeseries.csv: for each requested series, its value per replicate and
/// year. Years are blocks of twelve reported months counted from the first month, named by the
/// calendar year of the first month plus their index (as comparison_by_year.csv names them).
#[derive(Clone, Debug, Default)]
pub struct Yearly {
    /// The first reported month, `(year, month)`.
    pub start: (i32, u32),
    pub years: Vec<i32>,
    pub replicates: usize,
    /// Series name → `values[replicate][year]`.
    pub series: BTreeMap<&'static str, Vec<Vec<f64>>>,
}

/// What a run's timeseries.csv holds, as its manifest.json records: for `scenario`, one row
/// for each reported month (1 to `months`; the spin-up is not written) of each replicate (0 to
/// `replicates` − 1).
#[derive(Clone, Copy, Debug)]
pub(super) struct Expected<'a> {
    pub scenario: &'a str,
    pub replicates: u64,
    pub months: u64,
}

/// Most months and replicates whose rows are kept track of one by one when the file is smaller:
/// 2^24 bits (2 MiB), more than the largest run (10,000 replicates of 1,200 months) needs.
const TRACKED: u64 = 1 << 24;

/// Read timeseries.csv into yearly series; `wanted` names each series with its columns (summed)
/// and how months add up. Series whose columns the file lacks are left out. The file must hold
/// exactly the rows `expect` says, each once: a file cut short would chart its last year from
/// a few months as a whole one, and a file of no rows would drop the section.
pub(super) fn yearly(
    file: &str,
    bytes: &[u8],
    wanted: &[(&'static str, &[&str], Aggregate)],
    expect: Expected<'_>,
) -> Result<Yearly, ReportError> {
    let t = Table::parse(file, bytes)?;
    let (scen, rep, month, date) = (
        t.col("scenario")?,
        t.col("replicate")?,
        t.col("month")?,
        t.col("date")?,
    );
    let mut cols: Vec<(&'static str, Vec<usize>, Aggregate)> = Vec::new();
    for (name, columns, how) in wanted {
        if columns.iter().all(|c| t.has(c)) {
            let idx = columns.iter().map(|c| t.col(c)).collect::<Result<_, _>>()?;
            cols.push((name, idx, *how));
        }
    }
    let Expected {
        scenario,
        replicates,
        months,
    } = expect;
    // Which (replicate, month) rows were seen, to find a repeated or a missing one: kept when
    // it costs no more bits than the file has rows, or than TRACKED. Otherwise the file is too
    // short to hold every row, and the count of a replicate says so.
    let cells = replicates.checked_mul(months);
    let mut seen: Option<Vec<u64>> = cells
        .filter(|&c| c <= TRACKED.max(t.rows.len() as u64))
        .map(|c| vec![0; c.div_ceil(64) as usize]);
    let mut found: BTreeMap<u64, u64> = BTreeMap::new();
    // (replicate, year index) → per series (sum, months).
    let mut acc: BTreeMap<(usize, usize), Vec<(f64, u32)>> = BTreeMap::new();
    let mut start: Option<(i32, u32)> = None;
    let mut max_year = 0usize;
    for (i, r) in t.rows() {
        let m = t.need(i, r, month)?;
        let rp = t.need(i, r, rep)?;
        if m < 1.0 || m.fract() != 0.0 || rp < 0.0 || rp.fract() != 0.0 {
            return Err(ReportError::new(
                file,
                format!(
                    "row {}: month and replicate must be whole numbers, month from 1",
                    i + 2
                ),
            ));
        }
        let s = t.text(r, scen);
        if s != scenario {
            return Err(ReportError::new(
                file,
                format!(
                    "row {}: scenario {s:?}, where manifest.json records the run of {scenario:?}; a run's timeseries.csv holds its own scenario's rows only",
                    i + 2
                ),
            ));
        }
        if rp >= replicates as f64 {
            return Err(ReportError::new(
                file,
                format!(
                    "row {}: replicate {rp}, where manifest.json records {replicates} replicate{} (numbered from 0 to {})",
                    i + 2,
                    if replicates == 1 { "" } else { "s" },
                    replicates.saturating_sub(1)
                ),
            ));
        }
        if m > months as f64 {
            return Err(ReportError::new(
                file,
                format!(
                    "row {}: month {m}, where manifest.json records {months} reported month{} (numbered from 1 to {months})",
                    i + 2,
                    if months == 1 { "" } else { "s" },
                ),
            ));
        }
        let (rp, m) = (rp as u64, m as u64);
        if let Some(bits) = seen.as_mut() {
            let cell = rp * months + m - 1;
            let (word, bit) = ((cell / 64) as usize, 1u64 << (cell % 64));
            if bits[word] & bit != 0 {
                return Err(ReportError::new(
                    file,
                    format!(
                        "row {}: month {m} of replicate {rp} a second time; each reported month of each replicate has one row",
                        i + 2
                    ),
                ));
            }
            bits[word] |= bit;
        }
        *found.entry(rp).or_default() += 1;
        let (rp, m) = (rp as usize, m as usize);
        if m == 1 && start.is_none() {
            start = parse_month(t.text(r, date));
        }
        let y = (m - 1) / 12;
        max_year = max_year.max(y);
        let slot = acc
            .entry((rp, y))
            .or_insert_with(|| vec![(0.0, 0); cols.len()]);
        for (k, (_, idx, _)) in cols.iter().enumerate() {
            let mut v = 0.0;
            for &c in idx {
                v += t.num(i, r, c)?.unwrap_or(0.0);
            }
            slot[k].0 += v;
            slot[k].1 += 1;
        }
    }
    // Every replicate has every month. The first replicate short of its months stops the
    // loop, so a replicate count larger than the file is not walked through.
    for r in 0..replicates {
        let n = found.get(&r).copied().unwrap_or(0);
        if n == months {
            continue;
        }
        let missing = seen
            .as_ref()
            .map(|bits| {
                month_ranges((1..=months).filter(|&m| {
                    let cell = r * months + m - 1;
                    bits[(cell / 64) as usize] & (1u64 << (cell % 64)) == 0
                }))
            })
            .filter(|m| !m.is_empty())
            .map(|m| format!(": {m} missing"))
            .unwrap_or_default();
        return Err(ReportError::new(
            file,
            format!(
                "expected {months} row{} for scenario {scenario:?}, replicate {r} (one for each of the {months} reported month{} manifest.json records), found {n}{missing}; the file is incomplete: run it again",
                if months == 1 { "" } else { "s" },
                if months == 1 { "" } else { "s" },
            ),
        ));
    }
    let start = start.ok_or_else(|| {
        ReportError::new(
            file,
            "has no row for month 1 with a date YYYY-MM".to_string(),
        )
    })?;
    let replicates = replicates as usize;
    let n_years = max_year + 1;
    let mut series = BTreeMap::new();
    for (k, (name, _, how)) in cols.iter().enumerate() {
        let mut per_rep = vec![vec![f64::NAN; n_years]; replicates];
        for (&(r, y), slot) in &acc {
            let (sum, months) = slot[k];
            if months > 0 {
                per_rep[r][y] = match how {
                    Aggregate::Flow => sum * 12.0 / months as f64,
                    Aggregate::Stock => sum / months as f64,
                };
            }
        }
        series.insert(*name, per_rep);
    }
    Ok(Yearly {
        start,
        years: (0..n_years).map(|y| start.0 + y as i32).collect(),
        replicates,
        series,
    })
}

/// Months in words, runs of consecutive months joined: "month 7", "months 19 to 24", "months
/// 3, 7 to 9 and 12"; after three runs, "and more".
fn month_ranges(months: impl Iterator<Item = u64>) -> String {
    let mut runs: Vec<(u64, u64)> = Vec::new();
    let mut more = false;
    for m in months {
        if let Some(last) = runs.last_mut()
            && last.1 + 1 == m
        {
            last.1 = m;
        } else if runs.len() == 3 {
            more = true;
            break;
        } else {
            runs.push((m, m));
        }
    }
    let one = |&(a, b): &(u64, u64)| {
        if a == b {
            a.to_string()
        } else {
            format!("{a} to {b}")
        }
    };
    let words: Vec<String> = runs.iter().map(one).collect();
    let list = match (words.as_slice(), more) {
        ([], _) => return String::new(),
        ([only], false) => only.clone(),
        (all, true) => format!("{} and more", all.join(", ")),
        ([init @ .., last], false) => format!("{} and {last}", init.join(", ")),
    };
    let plural = more || runs.len() > 1 || runs[0].0 != runs[0].1;
    format!("month{} {list}", if plural { "s" } else { "" })
}

/// `YYYY-MM` as (year, month).
pub fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.split_once('-')?;
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

/// A row of validation.csv.
#[derive(Clone, Debug)]
pub struct CheckRow {
    pub target_id: String,
    pub kind: String,
    pub quantity: String,
    pub period: String,
    pub used_in_fit: bool,
    pub simulated: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub target: Option<f64>,
    pub band_low: Option<f64>,
    pub band_high: Option<f64>,
    pub within: Option<bool>,
}

pub(super) fn validation(file: &str, bytes: &[u8]) -> Result<Vec<CheckRow>, ReportError> {
    let t = Table::parse(file, bytes)?;
    let c = |n: &str| t.col(n);
    let (id, kind, q, per, fit) = (
        c("target_id")?,
        c("kind")?,
        c("quantity")?,
        c("period")?,
        c("used_in_fit")?,
    );
    let (sim, lo, hi, tg, bl, bh, w) = (
        c("simulated")?,
        c("ci_low")?,
        c("ci_high")?,
        c("target")?,
        c("band_low")?,
        c("band_high")?,
        c("within")?,
    );
    let mut out = Vec::new();
    for (i, r) in t.rows() {
        out.push(CheckRow {
            target_id: t.text(r, id).to_string(),
            kind: t.text(r, kind).to_string(),
            quantity: t.text(r, q).to_string(),
            period: t.text(r, per).to_string(),
            used_in_fit: t.text(r, fit) == "true",
            simulated: t.num(i, r, sim)?,
            ci_low: t.num(i, r, lo)?,
            ci_high: t.num(i, r, hi)?,
            target: t.num(i, r, tg)?,
            band_low: t.num(i, r, bl)?,
            band_high: t.num(i, r, bh)?,
            within: match t.text(r, w) {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
        });
    }
    Ok(out)
}

/// One series of validation_series.csv: (year, simulated, observed) in file order.
#[derive(Clone, Debug)]
pub struct Observed {
    pub series: String,
    pub points: Vec<(i32, Option<f64>, Option<f64>)>,
}

pub(super) fn validation_series(file: &str, bytes: &[u8]) -> Result<Vec<Observed>, ReportError> {
    let t = Table::parse(file, bytes)?;
    let (s, y, sim, obs) = (
        t.col("series")?,
        t.col("year")?,
        t.col("simulated")?,
        t.col("observed")?,
    );
    let mut out: Vec<Observed> = Vec::new();
    for (i, r) in t.rows() {
        let name = t.text(r, s);
        let year = t.need(i, r, y)? as i32;
        let point = (year, t.num(i, r, sim)?, t.num(i, r, obs)?);
        match out.iter_mut().find(|o| o.series == name) {
            Some(o) => o.points.push(point),
            None => out.push(Observed {
                series: name.to_string(),
                points: vec![point],
            }),
        }
    }
    Ok(out)
}

/// A row of sensitivity.csv.
#[derive(Clone, Debug)]
pub struct IndexRow {
    pub scenario: String,
    pub metric: String,
    pub quantity: String,
    pub parameter: String,
    pub index: String,
    pub estimate: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

pub(super) fn sensitivity(file: &str, bytes: &[u8]) -> Result<Vec<IndexRow>, ReportError> {
    let t = Table::parse(file, bytes)?;
    let c = |n: &str| t.col(n);
    let (sc, me, qu, pa, ix, es, lo, hi) = (
        c("scenario")?,
        c("metric")?,
        c("quantity")?,
        c("parameter")?,
        c("index")?,
        c("estimate")?,
        c("ci_low")?,
        c("ci_high")?,
    );
    let mut out = Vec::new();
    for (i, r) in t.rows() {
        out.push(IndexRow {
            scenario: t.text(r, sc).to_string(),
            metric: t.text(r, me).to_string(),
            quantity: t.text(r, qu).to_string(),
            parameter: t.text(r, pa).to_string(),
            index: t.text(r, ix).to_string(),
            estimate: t.num(i, r, es)?,
            ci_low: t.num(i, r, lo)?,
            ci_high: t.num(i, r, hi)?,
        });
    }
    Ok(out)
}

/// A row of robustness.csv.
#[derive(Clone, Debug)]
pub struct RobustRow {
    pub scenario: String,
    pub metric: String,
    pub period: String,
    pub default_effect: Option<f64>,
    pub default_relative_change: Option<f64>,
    pub points: Option<f64>,
    pub same_sign_share: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub effect_p05: Option<f64>,
    pub effect_p95: Option<f64>,
}

pub(super) fn robustness(file: &str, bytes: &[u8]) -> Result<Vec<RobustRow>, ReportError> {
    let t = Table::parse(file, bytes)?;
    let c = |n: &str| t.col(n);
    let (sc, me, pe, de, dr, pts) = (
        c("scenario")?,
        c("metric")?,
        c("period")?,
        c("default_effect")?,
        c("default_relative_change")?,
        c("points")?,
    );
    let (sh, lo, hi, p05, p95) = (
        c("same_sign_share")?,
        c("ci_low")?,
        c("ci_high")?,
        c("effect_p05")?,
        c("effect_p95")?,
    );
    let mut out = Vec::new();
    for (i, r) in t.rows() {
        out.push(RobustRow {
            scenario: t.text(r, sc).to_string(),
            metric: t.text(r, me).to_string(),
            period: t.text(r, pe).to_string(),
            default_effect: t.num(i, r, de)?,
            default_relative_change: t.num(i, r, dr)?,
            points: t.num(i, r, pts)?,
            same_sign_share: t.num(i, r, sh)?,
            ci_low: t.num(i, r, lo)?,
            ci_high: t.num(i, r, hi)?,
            effect_p05: t.num(i, r, p05)?,
            effect_p95: t.num(i, r, p95)?,
        });
    }
    Ok(out)
}

/// points.csv: the parameters' names and each point's values, point 0 first.
pub(super) fn points(
    file: &str,
    bytes: &[u8],
) -> Result<(Vec<String>, Vec<Vec<f64>>), ReportError> {
    let t = Table::parse(file, bytes)?;
    let p = t.col("point")?;
    let params: Vec<(usize, String)> = t
        .header
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != p)
        .map(|(i, h)| (i, h.clone()))
        .collect();
    let mut rows: Vec<(usize, Vec<f64>)> = Vec::new();
    for (i, r) in t.rows() {
        let point = t.need(i, r, p)? as usize;
        let vals = params
            .iter()
            .map(|(c, _)| t.need(i, r, *c))
            .collect::<Result<Vec<_>, _>>()?;
        rows.push((point, vals));
    }
    rows.sort_by_key(|r| r.0);
    if rows.iter().enumerate().any(|(i, r)| r.0 != i) {
        return Err(ReportError::new(
            file,
            "its points are not numbered 0, 1, 2, ... without gaps".to_string(),
        ));
    }
    Ok((
        params.into_iter().map(|p| p.1).collect(),
        rows.into_iter().map(|r| r.1).collect(),
    ))
}

/// A value of results.csv: (point, scenario, metric).
pub(super) type ResultKey = (usize, String, String);

/// results.csv: (point, scenario, metric) → value per replicate (in replicate order).
pub(super) type Results = BTreeMap<ResultKey, Vec<Option<f64>>>;

pub(super) fn results(file: &str, bytes: &[u8]) -> Result<Results, ReportError> {
    let t = Table::parse(file, bytes)?;
    let (p, s, r_, m, v) = (
        t.col("point")?,
        t.col("scenario")?,
        t.col("replicate")?,
        t.col("metric")?,
        t.col("value")?,
    );
    // Replicates may come in any order: kept with their numbers, then sorted.
    let mut out: BTreeMap<ResultKey, Vec<(usize, Option<f64>)>> = BTreeMap::new();
    for (i, r) in t.rows() {
        let point = t.need(i, r, p)? as usize;
        let rep = t.need(i, r, r_)? as usize;
        out.entry((point, t.text(r, s).to_string(), t.text(r, m).to_string()))
            .or_default()
            .push((rep, t.num(i, r, v)?));
    }
    Ok(out
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_by_key(|x| x.0);
            (k, v.into_iter().map(|x| x.1).collect())
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WANTED: &[(&str, &[&str], Aggregate)] = &[("Deaths", &["deaths"], Aggregate::Flow)];

    /// timeseries.csv of scenario `s`: `rows` as (replicate, month).
    fn timeseries(rows: &[(&str, u32, u32)]) -> String {
        let mut t = String::from("scenario,replicate,month,date,deaths\n");
        for (s, r, m) in rows {
            t.push_str(&format!(
                "{s},{r},{m},{},1\n",
                crate::calendar::month_label((2022, 1), *m as usize - 1)
            ));
        }
        t
    }

    fn read(rows: &[(&str, u32, u32)], replicates: u64, months: u64) -> Result<Yearly, String> {
        let expect = Expected {
            scenario: "s",
            replicates,
            months,
        };
        yearly("t.csv", timeseries(rows).as_bytes(), WANTED, expect).map_err(|e| e.to_string())
    }

    fn all(replicates: u32, months: u32) -> Vec<(&'static str, u32, u32)> {
        (0..replicates)
            .flat_map(|r| (1..=months).map(move |m| ("s", r, m)))
            .collect()
    }

    #[test]
    fn a_timeseries_holds_every_month_of_every_replicate_once() {
        let y = read(&all(2, 18), 2, 18).unwrap();
        assert_eq!(y.years, [2022, 2023]);
        assert_eq!(y.series["Deaths"], [[12.0, 12.0], [12.0, 12.0]]);
        // In any order.
        let mut shuffled = all(2, 18);
        shuffled.reverse();
        assert!(read(&shuffled, 2, 18).is_ok());

        // Cut short: the last year would be charted from six months as a whole one.
        let e = read(&all(2, 18)[..30], 2, 18).unwrap_err();
        assert_eq!(
            e,
            "t.csv: expected 18 rows for scenario \"s\", replicate 1 (one for each of the 18 reported months manifest.json records), found 12: months 13 to 18 missing; the file is incomplete: run it again"
        );
        let e = read(&[], 1, 3).unwrap_err();
        assert!(e.contains("replicate 0") && e.contains("found 0: months 1 to 3 missing"));
        // A replicate missing altogether, with the other whole.
        let e = read(&all(2, 3)[3..], 2, 3).unwrap_err();
        assert!(e.contains("replicate 0") && e.contains("found 0"), "{e}");
        // As many rows, one month twice.
        let mut twice = all(1, 4);
        twice[2] = ("s", 0, 2);
        let e = read(&twice, 1, 4).unwrap_err();
        assert_eq!(
            e,
            "t.csv: row 4: month 2 of replicate 0 a second time; each reported month of each replicate has one row"
        );
        // Rows beyond what the manifest records, or of another scenario.
        let e = read(&all(3, 2), 2, 2).unwrap_err();
        assert!(
            e.starts_with("t.csv: row 6: replicate 2, where manifest.json records 2 replicates"),
            "{e}"
        );
        let e = read(&all(1, 3), 1, 2).unwrap_err();
        assert!(
            e.starts_with("t.csv: row 4: month 3, where manifest.json records 2 reported months"),
            "{e}"
        );
        let e = read(&[("s", 0, 1), ("x", 0, 2)], 1, 2).unwrap_err();
        assert!(e.starts_with("t.csv: row 3: scenario \"x\""), "{e}");
        // A manifest claiming more than the file could hold is refused without tracking it.
        let e = read(&all(1, 2), u64::MAX, u64::MAX).unwrap_err();
        assert!(e.contains("replicate 0") && e.contains("found 2;"), "{e}");
    }

    #[test]
    fn a_table_with_its_header_alone_is_refused() {
        let e = summary(
            "summary.csv",
            b"scenario,metric,by,level,mean,ci_low,ci_high\n",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("summary.csv: has a header and no rows"),
            "{e}"
        );
        let e = outcomes("outcomes.csv", b"").unwrap_err();
        assert!(e.to_string().starts_with("outcomes.csv: is empty"), "{e}");
        assert!(outcomes("outcomes.csv", b"scenario,replicate,metric\ns,0,x\n").is_ok());
        // Its first line alone, cut where the file is read no further.
        assert!(outcomes("outcomes.csv", b"scenario,replicate,metric\ns,0,x").is_ok());
    }

    #[test]
    fn missing_months_read_as_runs() {
        assert_eq!(month_ranges([7].into_iter()), "month 7");
        assert_eq!(month_ranges(19..=24), "months 19 to 24");
        assert_eq!(
            month_ranges([3, 7, 8, 9, 12].into_iter()),
            "months 3, 7 to 9 and 12"
        );
        assert_eq!(
            month_ranges([1, 3, 5, 7].into_iter()),
            "months 1, 3, 5 and more"
        );
        assert_eq!(month_ranges(std::iter::empty()), "");
    }
}
