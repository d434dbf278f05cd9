//! The report's charts, drawn with plotters into SVG: fan charts of yearly series over
//! replicates, forest plots of paired differences, the differences year by year, simulated
//! series against observed points, tornado plots and bar charts of sensitivity indices.
//!
//! Every chart is one `<svg>` element with an explicit width, height and viewBox, `role="img"`,
//! an `aria-label` that says what it shows, a `<title>` and a `<desc>`; colours are the
//! Okabe–Ito palette, safe for colour-blind readers; titles and axes are in words and units. No
//! I/O.

use anyhow::{Result, anyhow};
use maud::{PreEscaped, html};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

// Okabe & Ito (2008), "Color universal design".
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// The baseline, and text.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
/// The baseline under a scenario drawn in black.
const BASE_GREY: RGBColor = RGBColor(0x8c, 0x8c, 0x8c);
const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

/// The policy scenarios' colours, in the order they are given: the palette's black comes
/// seventh (a fan chart then draws its baseline in grey), and its yellow, hard to see on white,
/// last.
const SCENARIO_COLOURS: [RGBColor; 8] = [
    BLUE,
    VERMILLION,
    BLUISH_GREEN,
    REDDISH_PURPLE,
    ORANGE,
    SKY_BLUE,
    INK,
    YELLOW,
];

/// The colour of the `i`-th policy scenario.
pub fn scenario_colour(i: usize) -> RGBColor {
    SCENARIO_COLOURS[i % SCENARIO_COLOURS.len()]
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn e<T: std::fmt::Debug>(x: T) -> anyhow::Error {
    anyhow!("{x:?}")
}

fn font(size: f64) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&INK)
}

fn bold(size: f64) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&INK)
}

/// Roughly how wide a line of text is, in pixels (for laying out legends and labels).
fn text_width(s: &str, size: f64) -> i32 {
    (s.chars().count() as f64 * size * 0.56).ceil() as i32
}

/// Draw on a `w` × `h` canvas and wrap the result as the report's `<svg>` element.
fn chart(
    w: u32,
    h: u32,
    title: &str,
    label: &str,
    desc: &str,
    body: impl FnOnce(&Area) -> Result<()>,
) -> Result<String> {
    let mut raw = String::new();
    {
        let root = SVGBackend::with_string(&mut raw, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        body(&root)?;
        root.present().map_err(e)?;
    }
    // plotters writes `<svg width=.. height=.. viewBox=.. xmlns=..>\n ... </svg>`: keep what is
    // inside, and give it the report's own opening tag (no namespace needed inline in HTML).
    let start = raw
        .find(">\n")
        .ok_or_else(|| anyhow!("unexpected SVG from the drawing library"))?
        + 2;
    let end = raw
        .rfind("</svg>")
        .ok_or_else(|| anyhow!("unexpected SVG from the drawing library"))?;
    let inner = &raw[start..end];
    Ok(html! {
        svg role="img" aria-label=(label) width=(w) height=(h) viewBox=(format!("0 0 {w} {h}")) {
            title { (title) }
            desc { (desc) }
            (PreEscaped(inner))
        }
    }
    .into_string())
}

/// A number on an axis: thousands separated, at most three decimals, millions as "1.2M".
pub fn tick(v: f64) -> String {
    if v.abs() >= 1e6 {
        let s = format!("{:.2}", v / 1e6);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        return format!("{}M", s.replace('-', "\u{2212}"));
    }
    with_decimals(v, 3)
}

/// `v` with as many decimals as three significant figures need (0.00880, 959,613, 1.14M from
/// a million): for the text that stands in for a chart.
pub fn three_figures(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v.abs() >= 1e6 {
        return tick(v);
    }
    let d = if v == 0.0 {
        0
    } else {
        (2 - v.abs().log10().floor() as i32).max(0) as usize
    };
    with_decimals(v, d)
}

/// `v` with at most `d` decimals (trailing zeros dropped), thousands separated, and the minus
/// sign for a negative value that does not round to zero.
pub fn with_decimals(v: f64, d: usize) -> String {
    let s = format!("{:.*}", d, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if v < 0.0 && (int != "0" || !frac.is_empty()) {
        out.push('\u{2212}');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Round tick positions covering `[lo, hi]`, at most about `n` of them.
fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater)
        || !lo.is_finite()
        || !hi.is_finite()
    {
        return vec![lo];
    }
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A range that holds every value and zero, with a margin.
fn span_with_zero(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo == hi {
        return (-1.0, 1.0);
    }
    let pad = 0.06 * (hi - lo);
    (
        if lo < 0.0 { lo - pad } else { lo },
        if hi > 0.0 { hi + pad } else { hi },
    )
}

// ---------------------------------------------------------------------------------------------
// Legends.

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
enum Swatch {
    Line,
    Dashed,
    Band(f64),
    Dot,
    Hollow,
    Cross,
    Bar,
}

/// Draw legend entries left to right from `(x, y)`, wrapping within `width`; returns the
/// height used.
fn legend(
    area: &Area,
    items: &[(String, RGBColor, Swatch)],
    x: i32,
    y: i32,
    width: i32,
) -> Result<i32> {
    let (mut cx, mut cy) = (x, y);
    let row = 18;
    for (text, colour, swatch) in items {
        let w = 30 + text_width(text, 12.0) + 18;
        if cx > x && cx + w > x + width {
            cx = x;
            cy += row;
        }
        let mid = cy + 6;
        match swatch {
            Swatch::Line => area
                .draw(&PathElement::new(
                    vec![(cx, mid), (cx + 24, mid)],
                    colour.stroke_width(2),
                ))
                .map_err(e)?,
            Swatch::Dashed => area
                .draw(&DashedPathElement::new(
                    vec![(cx, mid), (cx + 24, mid)],
                    5,
                    3,
                    colour.stroke_width(2),
                ))
                .map_err(e)?,
            Swatch::Band(a) => area
                .draw(&Rectangle::new(
                    [(cx, mid - 5), (cx + 24, mid + 5)],
                    colour.mix(*a).filled(),
                ))
                .map_err(e)?,
            Swatch::Dot => area
                .draw(&Circle::new((cx + 12, mid), 4, colour.filled()))
                .map_err(e)?,
            Swatch::Hollow => area
                .draw(&Circle::new((cx + 12, mid), 4, colour.stroke_width(2)))
                .map_err(e)?,
            Swatch::Cross => area
                .draw(&Cross::new((cx + 12, mid), 4, colour.stroke_width(2)))
                .map_err(e)?,
            Swatch::Bar => area
                .draw(&Rectangle::new(
                    [(cx, mid - 4), (cx + 24, mid + 4)],
                    colour.filled(),
                ))
                .map_err(e)?,
        }
        area.draw(&Text::new(
            text.clone(),
            (cx + 30, mid),
            font(12.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(e)?;
        cx += w;
    }
    Ok(cy + row - y)
}

/// How many pixels a legend needs, laid out as [`legend`] does.
fn legend_height(items: &[(String, RGBColor, Swatch)], width: i32) -> i32 {
    let (mut cx, mut rows) = (0, 1);
    for (text, _, _) in items {
        let w = 30 + text_width(text, 12.0) + 18;
        if cx > 0 && cx + w > width {
            cx = 0;
            rows += 1;
        }
        cx += w;
    }
    rows * 18
}

// ---------------------------------------------------------------------------------------------
// Fan charts.

/// Quantiles of one year's values over replicates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    pub p025: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p975: f64,
}

/// The `q` quantile of sorted values (linear interpolation between order statistics).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Each year's quantiles over replicates (`values[replicate][year]`); a year without values
/// has none.
pub fn bands(values: &[Vec<f64>], years: usize) -> Vec<Option<Band>> {
    (0..years)
        .map(|y| {
            let mut v: Vec<f64> = values
                .iter()
                .filter_map(|r| r.get(y).copied())
                .filter(|x| x.is_finite())
                .collect();
            if v.is_empty() {
                return None;
            }
            v.sort_by(f64::total_cmp);
            Some(Band {
                p025: quantile(&v, 0.025),
                p25: quantile(&v, 0.25),
                p50: quantile(&v, 0.5),
                p75: quantile(&v, 0.75),
                p975: quantile(&v, 0.975),
            })
        })
        .collect()
}

/// One panel of a fan figure: a yearly series of a scenario, and of the baseline under it.
pub struct FanPanel {
    pub title: String,
    pub unit: String,
    pub base: Option<Vec<Option<Band>>>,
    pub scen: Vec<Option<Band>>,
}

/// A figure of fan charts for one scenario: one panel per series.
pub struct FanFigure<'a> {
    pub title: String,
    pub scenario: &'a str,
    pub baseline: Option<&'a str>,
    pub colour: RGBColor,
    pub years: &'a [i32],
    /// Where the policy starts on the year axis (a year's point is at its label), and its
    /// label ("policy from 2026-01").
    pub policy: Option<(f64, String)>,
    pub replicates: usize,
    pub panels: Vec<FanPanel>,
}

const FAN_W: u32 = 960;
const FAN_PANEL_H: u32 = 240;

/// The baseline's colour under a scenario of colour `c`.
fn base_colour(c: RGBColor) -> RGBColor {
    if c == INK { BASE_GREY } else { INK }
}

pub fn fan_figure(f: &FanFigure) -> Result<String> {
    let base = base_colour(f.colour);
    let mut items = vec![
        (format!("{}: median", f.scenario), f.colour, Swatch::Line),
        (
            "50% of replicates".to_string(),
            f.colour,
            Swatch::Band(0.38),
        ),
        (
            "95% of replicates".to_string(),
            f.colour,
            Swatch::Band(0.16),
        ),
    ];
    if let Some(b) = f.baseline {
        let name = if b == "baseline" {
            "baseline: median".to_string()
        } else {
            format!("{b} (the baseline): median")
        };
        items.push((name, base, Swatch::Dashed));
        items.push(("its 50% and 95%".to_string(), base, Swatch::Band(0.14)));
    }
    if let Some((_, label)) = &f.policy {
        items.push((label.clone(), MUTED, Swatch::Dashed));
    }
    let cols = f.panels.len().clamp(1, 3);
    let rows = f.panels.len().div_ceil(cols).max(1);
    let head = 34 + legend_height(&items, FAN_W as i32 - 24) + 8;
    let h = head as u32 + FAN_PANEL_H * rows as u32;
    let names: Vec<&str> = f.panels.iter().map(|p| p.title.as_str()).collect();
    let label = format!(
        "Fan charts of {} by year, {}–{}: {}{}, {}{}.",
        f.scenario,
        f.years.first().copied().unwrap_or(0),
        f.years.last().copied().unwrap_or(0),
        names.join(", "),
        f.baseline
            .map(|b| format!(", each against the baseline {b}"))
            .unwrap_or_default(),
        if f.replicates == 1 {
            "one replicate".to_string()
        } else {
            format!(
                "median over {} replicates with the bands holding 50% and 95% of them",
                f.replicates
            )
        },
        f.policy
            .as_ref()
            .map(|(_, l)| format!("; a dashed vertical line marks the {l}"))
            .unwrap_or_default()
    );
    let desc = fan_desc(f);
    chart(FAN_W, h, &f.title, &label, &desc, |root| {
        root.draw(&Text::new(f.title.clone(), (12, 20), bold(16.0)))
            .map_err(e)?;
        legend(root, &items, 12, 34, FAN_W as i32 - 24)?;
        let (_, body) = root.split_vertically(head);
        let areas = body.split_evenly((rows, cols));
        for (p, area) in f.panels.iter().zip(&areas) {
            fan_panel(area, f, p)?;
        }
        Ok(())
    })
}

/// The numbers behind a fan figure, for screen readers: each series' median in the first and
/// last year.
fn fan_desc(f: &FanFigure) -> String {
    let mut parts = Vec::new();
    for p in &f.panels {
        let first = p.scen.first().copied().flatten();
        let last = p.scen.last().copied().flatten();
        if let (Some(a), Some(b)) = (first, last) {
            parts.push(format!(
                "{} ({}): median {} in {} and {} in {}",
                p.title,
                p.unit,
                tick(a.p50.round()),
                f.years.first().copied().unwrap_or(0),
                tick(b.p50.round()),
                f.years.last().copied().unwrap_or(0)
            ));
        }
    }
    parts.join("; ")
}

fn fan_panel(area: &Area, f: &FanFigure, p: &FanPanel) -> Result<()> {
    let years = f.years;
    let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
        return Ok(());
    };
    let top = p
        .scen
        .iter()
        .chain(p.base.iter().flatten())
        .flatten()
        .map(|b| b.p975)
        .fold(0.0f64, f64::max);
    let ymax = if top > 0.0 { top * 1.08 } else { 1.0 };
    let (x0, x1) = (first as f64 - 0.5, last as f64 + 0.5);
    let mut c = ChartBuilder::on(area)
        .caption(&p.title, bold(13.0))
        .margin(6)
        .margin_right(16)
        .x_label_area_size(36)
        .y_label_area_size(66)
        .build_cartesian_2d(x0..x1, 0f64..ymax)
        .map_err(e)?;
    let year_label = |v: &f64| {
        if (v - v.round()).abs() < 1e-9 {
            format!("{v:.0}")
        } else {
            String::new()
        }
    };
    let y_label = |v: &f64| tick(*v);
    c.configure_mesh()
        .disable_x_mesh()
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&year_label)
        .y_label_formatter(&y_label)
        .x_desc("year")
        .y_desc(p.unit.as_str())
        .label_style(font(11.0))
        .axis_desc_style(font(11.0))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .draw()
        .map_err(e)?;
    let band_poly = |b: &[Option<Band>], lo: fn(&Band) -> f64, hi: fn(&Band) -> f64| {
        let pts: Vec<(f64, &Band)> = years
            .iter()
            .zip(b)
            .filter_map(|(y, b)| b.as_ref().map(|b| (*y as f64, b)))
            .collect();
        let mut poly: Vec<(f64, f64)> = pts.iter().map(|(x, b)| (*x, hi(b))).collect();
        poly.extend(pts.iter().rev().map(|(x, b)| (*x, lo(b))));
        poly
    };
    let median = |b: &[Option<Band>]| -> Vec<(f64, f64)> {
        years
            .iter()
            .zip(b)
            .filter_map(|(y, b)| b.as_ref().map(|b| (*y as f64, b.p50)))
            .collect()
    };
    let grey = base_colour(f.colour);
    if let Some(base) = &p.base {
        c.draw_series(std::iter::once(Polygon::new(
            band_poly(base, |b| b.p025, |b| b.p975),
            grey.mix(0.07).filled(),
        )))
        .map_err(e)?;
        c.draw_series(std::iter::once(Polygon::new(
            band_poly(base, |b| b.p25, |b| b.p75),
            grey.mix(0.14).filled(),
        )))
        .map_err(e)?;
    }
    c.draw_series(std::iter::once(Polygon::new(
        band_poly(&p.scen, |b| b.p025, |b| b.p975),
        f.colour.mix(0.16).filled(),
    )))
    .map_err(e)?;
    c.draw_series(std::iter::once(Polygon::new(
        band_poly(&p.scen, |b| b.p25, |b| b.p75),
        f.colour.mix(0.38).filled(),
    )))
    .map_err(e)?;
    if let Some(base) = &p.base {
        c.draw_series(DashedLineSeries::new(
            median(base),
            5,
            3,
            grey.stroke_width(2),
        ))
        .map_err(e)?;
    }
    c.draw_series(LineSeries::new(median(&p.scen), f.colour.stroke_width(2)))
        .map_err(e)?;
    if let Some((x, _)) = &f.policy
        && *x > x0
        && *x < x1
    {
        c.draw_series(std::iter::once(DashedPathElement::new(
            vec![(*x, 0.0), (*x, ymax)],
            4,
            3,
            MUTED.stroke_width(1),
        )))
        .map_err(e)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Horizontal charts (forest, tornado, bars): rows with labels on the left, one value axis.

struct Rows {
    /// Left edge of the plot, right edge.
    x0: i32,
    x1: i32,
    lo: f64,
    hi: f64,
    /// Top of the first row, and the row height.
    top: i32,
    row_h: i32,
    n: usize,
}

impl Rows {
    fn x(&self, v: f64) -> i32 {
        let t = ((v - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0);
        self.x0 + (t * (self.x1 - self.x0) as f64).round() as i32
    }

    /// The centre line of row `i`.
    fn y(&self, i: usize) -> i32 {
        self.top + i as i32 * self.row_h + self.row_h / 2
    }

    fn bottom(&self) -> i32 {
        self.top + self.n as i32 * self.row_h
    }

    /// Grid lines and tick labels, a bold line at `zero`, the axis description below.
    fn axis(&self, area: &Area, desc: &str, zero: Option<f64>) -> Result<()> {
        let (top, bottom) = (self.top - 4, self.bottom() + 2);
        for t in nice_ticks(self.lo, self.hi, 6) {
            let x = self.x(t);
            area.draw(&PathElement::new(
                vec![(x, top), (x, bottom)],
                GRID.stroke_width(1),
            ))
            .map_err(e)?;
            area.draw(&Text::new(
                tick(t),
                (x, bottom + 4),
                font(11.0).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(e)?;
        }
        if let Some(z) = zero
            && z >= self.lo
            && z <= self.hi
        {
            let x = self.x(z);
            area.draw(&PathElement::new(
                vec![(x, top), (x, bottom)],
                MUTED.stroke_width(1),
            ))
            .map_err(e)?;
        }
        area.draw(&PathElement::new(
            vec![(self.x0, bottom), (self.x1, bottom)],
            MUTED.stroke_width(1),
        ))
        .map_err(e)?;
        area.draw(&Text::new(
            desc.to_string(),
            ((self.x0 + self.x1) / 2, bottom + 22),
            font(12.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(e)
    }

    fn label(&self, area: &Area, i: usize, text: &str) -> Result<()> {
        area.draw(&Text::new(
            text.to_string(),
            (self.x0 - 10, self.y(i)),
            font(12.0).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(e)
    }
}

/// One row of a forest plot: a scenario's paired difference with its 95% interval.
pub struct ForestRow {
    pub label: String,
    pub colour: RGBColor,
    pub mean: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    /// Beside the row on the right, e.g. the relative change "−41%".
    pub note: String,
}

impl ForestRow {
    fn clear(&self) -> bool {
        matches!((self.lo, self.hi), (Some(l), Some(h)) if l > 0.0 || h < 0.0)
    }
}

pub const FOREST_W: u32 = 560;

/// A forest plot: each scenario's difference from the baseline, its 95% interval, a line at
/// zero. Filled points: the interval excludes zero; hollow: it includes zero.
pub fn forest(title: &str, axis: &str, rows: &[ForestRow]) -> Result<String> {
    let label_w = rows
        .iter()
        .map(|r| text_width(&r.label, 12.0))
        .max()
        .unwrap_or(60)
        .clamp(60, 220);
    let (lo, hi) = span_with_zero(rows.iter().flat_map(|r| [r.mean, r.lo, r.hi]).flatten());
    let items = vec![
        ("interval excludes 0".to_string(), INK, Swatch::Dot),
        ("interval includes 0".to_string(), INK, Swatch::Hollow),
    ];
    let head = 30 + legend_height(&items, FOREST_W as i32 - 24) + 10;
    let g = Rows {
        x0: 16 + label_w + 10,
        x1: FOREST_W as i32 - 62,
        lo,
        hi,
        top: head,
        row_h: 24,
        n: rows.len(),
    };
    let h = (g.bottom() + 48) as u32;
    let label = format!(
        "Forest plot: {title}, for {} scenario{}, each with its 95% interval",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    // Three significant figures, as the tables give them; no brackets without an interval.
    let num = three_figures;
    let desc = rows
        .iter()
        .map(|r| {
            let interval = match (r.lo, r.hi) {
                (Some(lo), Some(hi)) => format!(" [{} to {}]", num(lo), num(hi)),
                _ => " (no interval)".to_string(),
            };
            format!(
                "{}: {}{interval} {}",
                r.label,
                r.mean.map(num).unwrap_or_else(|| "no value".into()),
                r.note
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    chart(FOREST_W, h, title, &label, &desc, |root| {
        root.draw(&Text::new(title.to_string(), (12, 18), bold(14.0)))
            .map_err(e)?;
        legend(root, &items, 12, 30, FOREST_W as i32 - 24)?;
        g.axis(root, axis, Some(0.0))?;
        for (i, r) in rows.iter().enumerate() {
            g.label(root, i, &r.label)?;
            let y = g.y(i);
            if let (Some(l), Some(h)) = (r.lo, r.hi) {
                root.draw(&PathElement::new(
                    vec![(g.x(l), y), (g.x(h), y)],
                    r.colour.stroke_width(2),
                ))
                .map_err(e)?;
                for v in [l, h] {
                    root.draw(&PathElement::new(
                        vec![(g.x(v), y - 4), (g.x(v), y + 4)],
                        r.colour.stroke_width(2),
                    ))
                    .map_err(e)?;
                }
            }
            if let Some(m) = r.mean {
                if r.clear() {
                    root.draw(&Circle::new((g.x(m), y), 5, r.colour.filled()))
                        .map_err(e)?;
                } else {
                    root.draw(&Circle::new((g.x(m), y), 5, WHITE.filled()))
                        .map_err(e)?;
                    root.draw(&Circle::new((g.x(m), y), 5, r.colour.stroke_width(2)))
                        .map_err(e)?;
                }
            }
            root.draw(&Text::new(
                r.note.clone(),
                (g.x1 + 8, y),
                font(12.0).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(e)?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Differences year by year.

/// One scenario's paired difference in each year: (year, mean, low, high).
pub struct YearSeries {
    pub label: String,
    pub colour: RGBColor,
    pub points: Vec<(i32, f64, Option<f64>, Option<f64>)>,
}

pub const WIDE_W: u32 = 960;

/// The differences from the baseline year by year, one line per scenario, each year's point
/// with its 95% interval (the scenarios side by side within a year).
pub fn by_year(title: &str, unit: &str, series: &[YearSeries]) -> Result<String> {
    let items: Vec<_> = series
        .iter()
        .map(|s| (s.label.clone(), s.colour, Swatch::Line))
        .collect();
    let head = 30 + legend_height(&items, WIDE_W as i32 - 24) + 6;
    let h = head as u32 + 300;
    let years: Vec<i32> = {
        let mut y: Vec<i32> = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        y.sort_unstable();
        y.dedup();
        y
    };
    let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
        return Err(anyhow!("no years to draw"));
    };
    let (lo, hi) = span_with_zero(series.iter().flat_map(|s| {
        s.points
            .iter()
            .flat_map(|p| [Some(p.1), p.2, p.3])
            .flatten()
    }));
    let label = format!(
        "Line chart of {title}, {first}–{last}: for each of {} scenario{} the mean paired difference from the baseline in each year with its 95% interval",
        series.len(),
        if series.len() == 1 { "" } else { "s" }
    );
    let desc = series
        .iter()
        .map(|s| {
            let pts: Vec<String> = s
                .points
                .iter()
                .map(|p| format!("{} {}", p.0, tick(p.1)))
                .collect();
            format!("{}: {}", s.label, pts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    chart(WIDE_W, h, title, &label, &desc, |root| {
        root.draw(&Text::new(title.to_string(), (12, 18), bold(14.0)))
            .map_err(e)?;
        legend(root, &items, 12, 30, WIDE_W as i32 - 24)?;
        let (_, body) = root.split_vertically(head);
        let mut c = ChartBuilder::on(&body)
            .margin(8)
            .margin_right(20)
            .x_label_area_size(40)
            .y_label_area_size(76)
            .build_cartesian_2d(first as f64 - 0.5..last as f64 + 0.5, lo..hi)
            .map_err(e)?;
        let year_label = |v: &f64| {
            if (v - v.round()).abs() < 1e-9 {
                format!("{v:.0}")
            } else {
                String::new()
            }
        };
        let y_label = |v: &f64| tick(*v);
        c.configure_mesh()
            .disable_x_mesh()
            .x_labels(years.len().min(14))
            .y_labels(6)
            .x_label_formatter(&year_label)
            .y_label_formatter(&y_label)
            .x_desc("year")
            .y_desc(unit)
            .label_style(font(11.0))
            .axis_desc_style(font(12.0))
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(MUTED)
            .draw()
            .map_err(e)?;
        c.draw_series(std::iter::once(PathElement::new(
            vec![(first as f64 - 0.5, 0.0), (last as f64 + 0.5, 0.0)],
            MUTED.stroke_width(1),
        )))
        .map_err(e)?;
        let n = series.len().max(1) as f64;
        for (k, s) in series.iter().enumerate() {
            let dx = if n > 1.0 {
                (k as f64 - (n - 1.0) / 2.0) * 0.6 / n
            } else {
                0.0
            };
            let pts: Vec<(f64, f64)> = s.points.iter().map(|p| (p.0 as f64 + dx, p.1)).collect();
            c.draw_series(LineSeries::new(
                pts.clone(),
                s.colour.mix(0.6).stroke_width(1),
            ))
            .map_err(e)?;
            for p in &s.points {
                if let (Some(l), Some(h)) = (p.2, p.3) {
                    c.draw_series(std::iter::once(PathElement::new(
                        vec![(p.0 as f64 + dx, l), (p.0 as f64 + dx, h)],
                        s.colour.stroke_width(2),
                    )))
                    .map_err(e)?;
                }
            }
            c.draw_series(pts.iter().map(|p| Circle::new(*p, 3, s.colour.filled())))
                .map_err(e)?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Simulated against observed.

pub const SMALL_W: u32 = 470;

/// A yearly series of the model (mean of the replicates) against the published figures.
pub fn observed(title: &str, points: &[(i32, Option<f64>, Option<f64>)]) -> Result<String> {
    let items = vec![
        (
            "simulated, mean of replicates".to_string(),
            BLUE,
            Swatch::Line,
        ),
        ("observed".to_string(), INK, Swatch::Cross),
    ];
    let head = 30 + legend_height(&items, SMALL_W as i32 - 24) + 4;
    let h = head as u32 + 230;
    let years: Vec<i32> = points.iter().map(|p| p.0).collect();
    let (Some(&first), Some(&last)) = (years.iter().min(), years.iter().max()) else {
        return Err(anyhow!("no years to draw"));
    };
    let top = points
        .iter()
        .flat_map(|p| [p.1, p.2])
        .flatten()
        .fold(0.0f64, f64::max);
    let ymax = if top > 0.0 { top * 1.1 } else { 1.0 };
    let label = format!(
        "Line chart of {title}, {first}–{last}: the model's yearly values against the observed figures"
    );
    let desc = points
        .iter()
        .map(|p| {
            format!(
                "{}: simulated {}, observed {}",
                p.0,
                p.1.map(three_figures).unwrap_or_else(|| "none".into()),
                p.2.map(three_figures).unwrap_or_else(|| "none".into())
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    chart(SMALL_W, h, title, &label, &desc, |root| {
        root.draw(&Text::new(title.to_string(), (12, 18), bold(14.0)))
            .map_err(e)?;
        legend(root, &items, 12, 30, SMALL_W as i32 - 24)?;
        let (_, body) = root.split_vertically(head);
        let (x0, x1) = (first as f64 - 0.5, last as f64 + 0.5);
        let mut c = ChartBuilder::on(&body)
            .margin(8)
            .margin_right(16)
            .x_label_area_size(36)
            .y_label_area_size(72)
            .build_cartesian_2d(x0..x1, 0f64..ymax)
            .map_err(e)?;
        let year_label = |v: &f64| {
            if (v - v.round()).abs() < 1e-9 {
                format!("{v:.0}")
            } else {
                String::new()
            }
        };
        let y_label = |v: &f64| tick(*v);
        c.configure_mesh()
            .disable_x_mesh()
            .x_labels(years.len().min(8))
            .y_labels(5)
            .x_label_formatter(&year_label)
            .y_label_formatter(&y_label)
            .x_desc("year")
            .y_desc("persons a year")
            .label_style(font(11.0))
            .axis_desc_style(font(11.0))
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(MUTED)
            .draw()
            .map_err(e)?;
        let sim: Vec<(f64, f64)> = points
            .iter()
            .filter_map(|p| p.1.map(|v| (p.0 as f64, v)))
            .collect();
        c.draw_series(LineSeries::new(sim.clone(), BLUE.stroke_width(2)))
            .map_err(e)?;
        c.draw_series(sim.iter().map(|p| Circle::new(*p, 3, BLUE.filled())))
            .map_err(e)?;
        c.draw_series(
            points
                .iter()
                .filter_map(|p| p.2.map(|v| (p.0 as f64, v)))
                .map(|p| Cross::new(p, 5, INK.stroke_width(2))),
        )
        .map_err(e)?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Sensitivity.

/// One parameter of a tornado plot: the effect where the parameter is in the lowest third of
/// its swept values and in the highest third.
pub struct Swing {
    pub parameter: String,
    pub low: f64,
    pub high: f64,
}

/// A tornado plot: for each parameter (widest swing first), bars from the effect as written to
/// the effect at the low and at the high end of its range.
pub fn tornado(title: &str, axis: &str, centre: f64, swings: &[Swing]) -> Result<String> {
    let label_w = swings
        .iter()
        .map(|s| text_width(&s.parameter, 12.0))
        .max()
        .unwrap_or(60)
        .clamp(60, 260);
    let (lo, hi) = span_with_zero(swings.iter().flat_map(|s| [s.low, s.high]).chain([centre]));
    let items = vec![
        (
            "lowest third of its swept values".to_string(),
            ORANGE,
            Swatch::Bar,
        ),
        ("highest third".to_string(), BLUE, Swatch::Bar),
        ("as written".to_string(), INK, Swatch::Line),
    ];
    let head = 30 + legend_height(&items, FOREST_W as i32 - 24) + 10;
    let g = Rows {
        x0: 16 + label_w + 10,
        x1: FOREST_W as i32 - 20,
        lo,
        hi,
        top: head,
        row_h: 26,
        n: swings.len(),
    };
    let h = (g.bottom() + 48) as u32;
    let label = format!(
        "Tornado plot: {title}; for each of {} parameters, the effect when it lies in the lowest and in the highest third of its range",
        swings.len()
    );
    let desc = swings
        .iter()
        .map(|s| {
            format!(
                "{}: low {}, high {}",
                s.parameter,
                tick(s.low),
                tick(s.high)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    chart(FOREST_W, h, title, &label, &desc, |root| {
        root.draw(&Text::new(title.to_string(), (12, 18), bold(14.0)))
            .map_err(e)?;
        legend(root, &items, 12, 30, FOREST_W as i32 - 24)?;
        g.axis(root, axis, Some(0.0))?;
        let c = g.x(centre);
        for (i, s) in swings.iter().enumerate() {
            g.label(root, i, &s.parameter)?;
            let y = g.y(i);
            for (v, colour, dy) in [(s.low, ORANGE, -8), (s.high, BLUE, 1)] {
                let x = g.x(v);
                let (a, b) = (c.min(x), c.max(x).max(c.min(x) + 1));
                root.draw(&Rectangle::new(
                    [(a, y + dy), (b, y + dy + 7)],
                    colour.filled(),
                ))
                .map_err(e)?;
            }
        }
        root.draw(&PathElement::new(
            vec![(c, g.top - 4), (c, g.bottom())],
            INK.stroke_width(2),
        ))
        .map_err(e)
    })
}

/// One parameter's indices: the main one (S1, μ* or Spearman's ρ) and, for Sobol' and Morris,
/// a second (ST, σ), each with its interval where there is one.
pub struct IndexBar {
    pub parameter: String,
    pub main: (f64, Option<f64>, Option<f64>),
    pub second: Option<(f64, Option<f64>, Option<f64>)>,
}

/// A bar chart of sensitivity indices, one row per parameter (most influential first).
pub fn index_bars(
    title: &str,
    axis: &str,
    names: (&str, Option<&str>),
    bars: &[IndexBar],
) -> Result<String> {
    let label_w = bars
        .iter()
        .map(|b| text_width(&b.parameter, 12.0))
        .max()
        .unwrap_or(60)
        .clamp(60, 260);
    let (lo, hi) = span_with_zero(bars.iter().flat_map(|b| {
        let s = b.second.unwrap_or((0.0, None, None));
        [Some(b.main.0), b.main.1, b.main.2, Some(s.0), s.1, s.2]
            .into_iter()
            .flatten()
    }));
    let mut items = vec![(names.0.to_string(), BLUE, Swatch::Bar)];
    if let Some(n) = names.1 {
        items.push((n.to_string(), SKY_BLUE, Swatch::Bar));
    }
    items.push(("95% interval".to_string(), INK, Swatch::Line));
    let head = 30 + legend_height(&items, FOREST_W as i32 - 24) + 10;
    let g = Rows {
        x0: 16 + label_w + 10,
        x1: FOREST_W as i32 - 20,
        lo,
        hi,
        top: head,
        row_h: 26,
        n: bars.len(),
    };
    let h = (g.bottom() + 48) as u32;
    let label = format!(
        "Bar chart: {title}; {} for each of {} parameters{}",
        names.0,
        bars.len(),
        names.1.map(|n| format!(", with {n}")).unwrap_or_default()
    );
    let desc = bars
        .iter()
        .map(|b| {
            let mut s = format!("{}: {} {}", b.parameter, names.0, tick(b.main.0));
            if let (Some((v, _, _)), Some(n)) = (b.second, names.1) {
                s.push_str(&format!(", {n} {}", tick(v)));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ");
    chart(FOREST_W, h, title, &label, &desc, |root| {
        root.draw(&Text::new(title.to_string(), (12, 18), bold(14.0)))
            .map_err(e)?;
        legend(root, &items, 12, 30, FOREST_W as i32 - 24)?;
        g.axis(root, axis, Some(0.0))?;
        let zero = g.x(0.0);
        for (i, b) in bars.iter().enumerate() {
            g.label(root, i, &b.parameter)?;
            let y = g.y(i);
            let draw_one = |(v, l, h): (f64, Option<f64>, Option<f64>),
                            colour: RGBColor,
                            dy: i32|
             -> Result<()> {
                let x = g.x(v);
                let (a, b) = (zero.min(x), zero.max(x).max(zero.min(x) + 1));
                root.draw(&Rectangle::new(
                    [(a, y + dy), (b, y + dy + 7)],
                    colour.filled(),
                ))
                .map_err(e)?;
                if let (Some(l), Some(h)) = (l, h) {
                    let yy = y + dy + 3;
                    root.draw(&PathElement::new(
                        vec![(g.x(l), yy), (g.x(h), yy)],
                        INK.stroke_width(1),
                    ))
                    .map_err(e)?;
                }
                Ok(())
            };
            match b.second {
                Some(s) => {
                    draw_one(b.main, BLUE, -8)?;
                    draw_one(s, SKY_BLUE, 1)?;
                }
                None => draw_one(b.main, BLUE, -4)?,
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_replicates() {
        let b = bands(&[vec![1.0], vec![2.0], vec![3.0], vec![4.0], vec![5.0]], 1)[0].unwrap();
        assert_eq!(b.p50, 3.0);
        assert_eq!(b.p25, 2.0);
        assert!((b.p025 - 1.1).abs() < 1e-12);
        assert!((b.p975 - 4.9).abs() < 1e-12);
        assert_eq!(bands(&[vec![f64::NAN]], 1)[0], None);
    }

    #[test]
    fn ticks_are_round_and_readable() {
        assert_eq!(
            nice_ticks(0.0, 100.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(tick(20000.0), "20,000");
        assert_eq!(tick(-0.25), "\u{2212}0.25");
        assert_eq!(tick(1_500_000.0), "1.5M");
        assert_eq!(tick(0.0), "0");
        assert_eq!(with_decimals(0.000423, 6), "0.000423");
        assert_eq!(with_decimals(-0.0000001, 3), "0");
        assert_eq!(three_figures(959_613.414), "959,613");
        assert_eq!(three_figures(0.008798), "0.0088");
        assert_eq!(three_figures(-585.458), "\u{2212}585");
        assert_eq!(three_figures(1_140_000.0), "1.14M");
    }

    #[test]
    fn every_chart_is_an_accessible_svg_of_fixed_size() {
        let svg = forest(
            "Trafficked (persons a year)",
            "difference, persons a year",
            &[ForestRow {
                label: "a <b>".into(),
                colour: BLUE,
                mean: Some(-3.0),
                lo: Some(-4.0),
                hi: Some(-2.0),
                note: "\u{2212}7%".into(),
            }],
        )
        .unwrap();
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label=\"Forest plot"),
            "{svg}"
        );
        assert!(svg.contains(" width=\"560\" height=\""), "{svg}");
        assert!(svg.contains("viewBox=\"0 0 560 "), "{svg}");
        assert!(svg.contains("<title>Trafficked (persons a year)</title>"));
        assert!(svg.contains("a &lt;b&gt;"), "labels are escaped");
        assert!(
            !svg.contains("http"),
            "no namespace or link in an inline chart"
        );
        assert_eq!(svg.matches("<svg").count(), 1);
    }
}
