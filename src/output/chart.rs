//! comparison.svg: for each headline metric, each scenario's difference from the baseline with
//! its 95% interval over the years its policy is in force, on a scale with a zero line,
//! labelled in words and units.

use crate::compare::{Diff, HEADLINE};
use crate::output::tables::short;
use anyhow::{Result, anyhow};
use plotters::prelude::*;

const WIDTH: u32 = 960;
const LABEL_W: i32 = 380;
const ROW_H: i32 = 24;
const PANEL_GAP: i32 = 46;

pub fn comparison_svg(baseline: &str, diffs: &[Diff]) -> Result<String> {
    let mut scenarios: Vec<&str> = Vec::new();
    for d in diffs {
        if !scenarios.contains(&d.scenario.as_str()) {
            scenarios.push(&d.scenario);
        }
    }
    let panel_h = PANEL_GAP + ROW_H * scenarios.len().max(1) as i32 + 10;
    let height = (70 + panel_h * HEADLINE.len() as i32 + 40) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("{e:?}"))?;
        let title = format!(
            "Each scenario minus the baseline \"{baseline}\" over the years in brackets: mean of paired replicates, with 95% interval"
        );
        root.draw(&Text::new(title, (20, 20), ("sans-serif", 18).into_font()))
            .map_err(|e| anyhow!("{e:?}"))?;
        root.draw(&Text::new(
            "Left of the grey zero line: lower than the baseline; right: higher. Grey points: the interval crosses zero (no clear change).",
            (20, 44),
            ("sans-serif", 13).into_font().color(&RGBColor(90, 90, 90)),
        ))
        .map_err(|e| anyhow!("{e:?}"))?;
        let x0 = LABEL_W;
        let x1 = WIDTH as i32 - 110;
        for (k, headline) in HEADLINE.iter().enumerate() {
            let metric = headline.metric;
            let top = 70 + k as i32 * panel_h;
            root.draw(&Text::new(
                headline.label(),
                (20, top + 14),
                ("sans-serif", 15).into_font().style(FontStyle::Bold),
            ))
            .map_err(|e| anyhow!("{e:?}"))?;
            let rows: Vec<&Diff> = scenarios
                .iter()
                .filter_map(|s| {
                    diffs
                        .iter()
                        .find(|d| d.scenario == *s && d.key.by.is_empty() && d.key.metric == metric)
                })
                .collect();
            // A symmetric scale around zero that holds every interval.
            let mut span = 0.0f64;
            for d in &rows {
                for v in [d.diff.mean, d.diff.lo, d.diff.hi].into_iter().flatten() {
                    span = span.max(v.abs());
                }
            }
            if span == 0.0 {
                span = 1.0;
            }
            span *= 1.1;
            let x_of = |v: f64| x0 + ((v + span) / (2.0 * span) * (x1 - x0) as f64).round() as i32;
            let y_axis_top = top + PANEL_GAP - 18;
            let y_axis_bottom = top + PANEL_GAP + ROW_H * rows.len().max(1) as i32 - 6;
            let zero = x_of(0.0);
            root.draw(&PathElement::new(
                vec![(zero, y_axis_top), (zero, y_axis_bottom)],
                ShapeStyle::from(&RGBColor(120, 120, 120)).stroke_width(1),
            ))
            .map_err(|e| anyhow!("{e:?}"))?;
            for v in [-span / 1.1, span / 1.1] {
                let x = x_of(v);
                root.draw(&Text::new(
                    short(v),
                    (x - 18, y_axis_top - 4),
                    ("sans-serif", 11)
                        .into_font()
                        .color(&RGBColor(110, 110, 110)),
                ))
                .map_err(|e| anyhow!("{e:?}"))?;
            }
            root.draw(&Text::new(
                "0",
                (zero - 3, y_axis_top - 4),
                ("sans-serif", 11).into_font(),
            ))
            .map_err(|e| anyhow!("{e:?}"))?;
            for (j, d) in rows.iter().enumerate() {
                let y = top + PANEL_GAP + j as i32 * ROW_H;
                // The scenario with the years it is compared over.
                root.draw(&Text::new(
                    format!("{} ({})", d.scenario, d.period),
                    (40, y - 6),
                    ("sans-serif", 13).into_font(),
                ))
                .map_err(|e| anyhow!("{e:?}"))?;
                let Some(m) = d.diff.mean else {
                    root.draw(&Text::new(
                        "no value",
                        (x0, y - 6),
                        ("sans-serif", 12).into_font(),
                    ))
                    .map_err(|e| anyhow!("{e:?}"))?;
                    continue;
                };
                let clear = match (d.diff.lo, d.diff.hi) {
                    (Some(l), Some(h)) => l > 0.0 || h < 0.0,
                    _ => false,
                };
                let color = if clear {
                    RGBColor(31, 90, 160)
                } else {
                    RGBColor(150, 150, 150)
                };
                if let (Some(l), Some(h)) = (d.diff.lo, d.diff.hi) {
                    root.draw(&PathElement::new(
                        vec![(x_of(l), y), (x_of(h), y)],
                        ShapeStyle::from(&color).stroke_width(3),
                    ))
                    .map_err(|e| anyhow!("{e:?}"))?;
                }
                root.draw(&Circle::new(
                    (x_of(m), y),
                    5,
                    ShapeStyle::from(&color).filled(),
                ))
                .map_err(|e| anyhow!("{e:?}"))?;
                let rel = d
                    .relative_change
                    .map(|r| format!(" ({:+.0}%)", 100.0 * r))
                    .unwrap_or_default();
                root.draw(&Text::new(
                    format!("{}{rel}", short(m)),
                    (x1 + 8, y - 6),
                    ("sans-serif", 12).into_font(),
                ))
                .map_err(|e| anyhow!("{e:?}"))?;
            }
        }
        root.present().map_err(|e| anyhow!("{e:?}"))?;
    }
    Ok(svg)
}
