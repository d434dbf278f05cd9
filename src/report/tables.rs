//! Reading the output contract back: the CSV tables and JSON files of a run, a comparison and a
//! sweep (docs/OUTPUTS.md, docs/SWEEPS.md), from bytes already read, into the rows the report
//! draws. Columns are found by name, so a table with extra columns still reads; a missing column
//! or a cell that is not a number is an error that names the file, the row and the column.

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

/// Read timeseries.csv into yearly series; `wanted` names each series with its columns (summed)
/// and how months add up. Series whose columns the file lacks are left out.
pub(super) fn yearly(
    file: &str,
    bytes: &[u8],
    wanted: &[(&'static str, &[&str], Aggregate)],
) -> Result<Yearly, ReportError> {
    let t = Table::parse(file, bytes)?;
    let (rep, month, date) = (t.col("replicate")?, t.col("month")?, t.col("date")?);
    let mut cols: Vec<(&'static str, Vec<usize>, Aggregate)> = Vec::new();
    for (name, columns, how) in wanted {
        if columns.iter().all(|c| t.has(c)) {
            let idx = columns.iter().map(|c| t.col(c)).collect::<Result<_, _>>()?;
            cols.push((name, idx, *how));
        }
    }
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
        let m = m as usize;
        if m == 1 && start.is_none() {
            start = parse_month(t.text(r, date));
        }
        let y = (m - 1) / 12;
        max_year = max_year.max(y);
        let slot = acc
            .entry((rp as usize, y))
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
    if acc.is_empty() {
        return Ok(Yearly::default());
    }
    let start = start.ok_or_else(|| {
        ReportError::new(
            file,
            "has no row for month 1 with a date YYYY-MM".to_string(),
        )
    })?;
    let replicates = acc.keys().map(|k| k.0).max().unwrap_or(0) + 1;
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
