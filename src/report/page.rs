//! The report's HTML: one self-contained page rendered from the page model with maud (every
//! text is escaped; the charts are inline SVG), with its CSS for the screen and for A4 paper.
//! The page loads nothing and runs no script.

use super::charts::tick;
use super::summary;
use super::tables::{CheckRow, RobustRow};
use super::{Figure, GENERATOR, Page, Provenance};
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// The page's style: readable on a laptop screen, and on A4 paper with each section on a new
/// page and no chart cut by a page break.
const CSS: &str = r#"
:root { --ink: #222; --muted: #555; --rule: #d8d8d8; --accent: #0072b2; --no: #a33f00; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", "Liberation Sans", sans-serif; }
header, main, footer { max-width: 74rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.25rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .4rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-top: .6rem; border-top: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; }
p, li { max-width: 48rem; }
.lede { font-size: 1.05rem; color: var(--muted); margin: 0 0 .6rem; }
nav ul { list-style: none; padding: 0; margin: .4rem 0 0; display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; }
a { color: var(--accent); }
ul.sentences { padding-left: 1.2rem; }
ul.sentences li { margin: .25rem 0; }
figure { margin: 1rem 0 1.4rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: var(--muted); margin-top: .35rem; max-width: 48rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 29rem), 1fr)); gap: 0 1.5rem; align-items: start; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .6rem 0 1.2rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.no { color: var(--no); font-weight: 600; }
td.id { overflow-wrap: anywhere; min-width: 5rem; }
.sha { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .75rem; word-break: break-all; }
footer { margin-top: 2.5rem; padding-bottom: 2rem; font-size: .85rem; color: var(--muted); border-top: 1px solid var(--rule); }
@media print {
  @page { size: A4; margin: 14mm 12mm 16mm; }
  body { font-size: 10pt; }
  header, main, footer { max-width: none; padding: 0; }
  nav { display: none; }
  section { break-before: page; page-break-before: always; }
  main > section:first-child { break-before: auto; page-break-before: auto; }
  h2 { margin-top: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .grid { display: block; }
  figure svg { max-height: 235mm; }
  tr, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; }
}
"#;

/// The page as HTML.
pub fn render(p: &Page) -> String {
    let sections = p.sections();
    // A sweep's own page: its summary's intervals are over the sweep's points, not replicates.
    let sweep_only = p.sensitivity.is_some() && p.differences.is_none() && p.over_time.is_empty();
    let name = |s: &str| match s {
        "summary" => "Summary",
        "over-time" => "Over time",
        "differences" => "Differences from the baseline",
        "fit" => "Fit to the real world",
        "sensitivity" => "Sensitivity to the assumptions",
        _ => "Provenance",
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(GENERATOR);
                title { (p.title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    h1 { (p.title) }
                    p.lede { (p.lede) }
                    nav aria-label="Sections" {
                        ul {
                            @for s in &sections {
                                li { a href=(format!("#{s}")) { (name(s)) } }
                            }
                        }
                    }
                }
                main {
                    @if !p.summary.is_empty() {
                        section #summary {
                            h2 { (name("summary")) }
                            p {
                                @if sweep_only {
                                    "Generated from the numbers in this folder. The intervals are Wilson 95% intervals of the share of the sweep's points at which an effect keeps the sign it has with the scenarios as written: they measure how much the conclusion depends on the assumptions swept. Counts are persons a year."
                                } @else {
                                    "Generated from the numbers in this folder. Intervals are 95% intervals over the replicates: they measure the model's own randomness, not how uncertain its assumptions are"
                                    @if p.sensitivity.is_some() { " (the robustness, from the sweep, speaks to those)" }
                                    ". Counts are persons a year."
                                }
                            }
                            @for b in &p.summary {
                                h3 { (b.heading) }
                                ul.sentences {
                                    @for s in &b.sentences { li { (s) } }
                                }
                            }
                        }
                    }
                    @if !p.over_time.is_empty() {
                        section #over-time {
                            h2 { (name("over-time")) }
                            p { (p.over_time_note) }
                            @for f in &p.over_time { (figure(f)) }
                        }
                    }
                    @if let Some(d) = &p.differences {
                        section #differences {
                            h2 { (name("differences")) }
                            p { (d.intro) }
                            @if !d.forest.is_empty() {
                                h3 { "Over the years each policy is in force" }
                                div.grid { @for f in &d.forest { (figure(f)) } }
                            }
                            @if !d.by_year.is_empty() {
                                h3 { "Year by year" }
                                @for f in &d.by_year { (figure(f)) }
                            }
                        }
                    }
                    @if let Some(fit) = &p.fit {
                        section #fit {
                            h2 { (name("fit")) }
                            p {
                                "The run of " (fit.scenario) " against the published figures its scenario carries (validation.csv): each simulated value over the target's own period, with its 95% interval, the published value and the band it must fall in (within: whether it does), and whether a parameter was fitted to the figure (fitted: meeting such a target shows consistency, not evidence)."
                            }
                            p { strong { (fit.verdict) } }
                            (checks(&fit.rows))
                            @if !fit.series.is_empty() {
                                h3 { "Yearly series against observed points" }
                                div.grid { @for f in &fit.series { (figure(f)) } }
                            }
                        }
                    }
                    @if let Some(s) = &p.sensitivity {
                        section #sensitivity {
                            h2 { (name("sensitivity")) }
                            p { (s.intro) }
                            @if !s.parameters.is_empty() {
                                table {
                                    caption { "The assumptions swept" }
                                    thead { tr { th { "parameter" } th.n { "as written" } th.n { "lowest swept" } th.n { "highest swept" } } }
                                    tbody {
                                        @for (k, d, lo, hi) in &s.parameters {
                                            tr { td { code { (k) } } td.n { (num(*d)) } td.n { (num(*lo)) } td.n { (num(*hi)) } }
                                        }
                                    }
                                }
                            }
                            @if !s.robustness.is_empty() {
                                (robustness(&s.robustness))
                            }
                            @for e in &s.effects {
                                h3 { (e.heading) }
                                @if let Some(t) = &e.sentence { p { (t) } }
                                div.grid { @for f in &e.figures { (figure(f)) } }
                            }
                        }
                    }
                    section #provenance {
                        h2 { (name("provenance")) }
                        (provenance(&p.provenance))
                        p {
                            "The model is described in "
                            a href="../../docs/MODEL.md" { "docs/MODEL.md" }
                            " (the ODD protocol, with every parameter's source) and the output files, column by column, in "
                            a href="../../docs/OUTPUTS.md" { "docs/OUTPUTS.md" }
                            "; both are in the crossroads repository (the links work when this page sits in the repository's output/<name>/ folder)."
                        }
                    }
                }
                footer {
                    p { "Written by crossroads " (env!("CARGO_PKG_VERSION")) " from the files of this folder. The page loads nothing from the network and needs no script; it prints on A4." }
                }
            }
        }
    }
    .into_string()
}

fn figure(f: &Figure) -> Markup {
    html! {
        figure {
            (PreEscaped(f.svg.as_str()))
            @if !f.caption.is_empty() { figcaption { (f.caption) } }
        }
    }
}

/// A number in a table: three significant figures, thousands separated.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v != 0.0 && v.abs() < 0.001 {
        return scientific(v);
    }
    let rounded = if v == 0.0 {
        0.0
    } else {
        let f = 10f64.powi(2 - v.abs().log10().floor() as i32);
        (v * f).round() / f
    };
    if rounded.abs() >= 1e6 {
        // Whole digits in a table, not "1.08M".
        let millions = tick((rounded / 1e6).trunc());
        let rest = (rounded.abs() % 1e6).round() as u64;
        return format!("{millions},{:03},{:03}", rest / 1000, rest % 1000);
    }
    // As many decimals as three significant figures need: 0.00880, not 0.009.
    let d = if rounded == 0.0 {
        0
    } else {
        (2 - rounded.abs().log10().floor() as i32).max(0) as usize
    };
    super::charts::with_decimals(rounded, d)
}

/// A small number as a reader writes it by hand: "1.33 × 10⁻⁴", three significant figures.
fn scientific(v: f64) -> String {
    let s = format!("{v:.2e}");
    let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
    let power: String = exponent
        .chars()
        .map(|c| match c {
            '-' => '\u{207b}',
            d => "\u{2070}\u{b9}\u{b2}\u{b3}\u{2074}\u{2075}\u{2076}\u{2077}\u{2078}\u{2079}"
                .chars()
                .nth(d.to_digit(10).unwrap_or(0) as usize)
                .unwrap_or(d),
        })
        .collect();
    format!("{} \u{d7} 10{power}", mantissa.replace('-', "\u{2212}"))
}

/// Two ends of an interval: with a dash ("0.76–1.16"), or "to" when an end is negative, where
/// a dash would read as a minus ("−48,700 to 209,000").
fn range(lo: f64, hi: f64) -> String {
    if lo < 0.0 || hi < 0.0 {
        format!("{} to {}", num(lo), num(hi))
    } else {
        format!("{}\u{2013}{}", num(lo), num(hi))
    }
}

fn opt(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

fn checks(rows: &[CheckRow]) -> Markup {
    html! {
        table {
            caption { "Targets and checks (validation.csv)" }
            thead {
                tr {
                    th { "target" } th { "what" } th { "period" }
                    th.n { "simulated" } th.n { "95% interval" } th.n { "published" } th.n { "band" }
                    th { "within" } th { "fitted" }
                }
            }
            tbody {
                @for r in rows {
                    tr {
                        td.id { (r.target_id) }
                        td { (r.quantity) @if r.kind == "input" { " (input check)" } }
                        td { (r.period.replace('-', "\u{2013}")) }
                        td.n { (opt(r.simulated)) }
                        td.n {
                            @if let (Some(l), Some(h)) = (r.ci_low, r.ci_high) { (range(l, h)) }
                        }
                        td.n { (opt(r.target)) }
                        td.n {
                            @if let (Some(l), Some(h)) = (r.band_low, r.band_high) { (range(l, h)) }
                        }
                        td {
                            @match r.within {
                                Some(true) => "yes",
                                Some(false) => span.no { "no" },
                                None => "",
                            }
                        }
                        td { @if r.used_in_fit { "yes" } @else { "no" } }
                    }
                }
            }
        }
    }
}

/// robustness.csv as a table: each effect as written, and how often it keeps its sign.
fn robustness(rows: &[RobustRow]) -> Markup {
    let pct = |v: Option<f64>| v.map(|v| format!("{}%", summary::percent(100.0 * v)));
    html! {
        table {
            caption { "How often each effect keeps its sign across the sweep (robustness.csv)" }
            thead {
                tr {
                    th { "scenario" } th { "outcome" } th.n { "effect as written" }
                    th.n { "relative" } th.n { "same sign at" } th.n { "95% interval" }
                    th.n { "effect, 5th to 95th percentile" }
                }
            }
            tbody {
                @for r in rows {
                    tr {
                        td { (r.scenario) }
                        td {
                            @match summary::headline(&r.metric) {
                                Some(h) => (h.label()),
                                None => code { (r.metric) },
                            }
                        }
                        td.n { (opt(r.default_effect)) }
                        td.n { (r.default_relative_change.map(|v| format!("{}%", summary::with_plus(summary::percent(100.0 * v)))).unwrap_or_default()) }
                        td.n { (pct(r.same_sign_share).unwrap_or_default()) }
                        td.n {
                            @if let (Some(l), Some(h)) = (pct(r.ci_low), pct(r.ci_high)) { (l) "\u{2013}" (h) }
                        }
                        td.n {
                            @if let (Some(a), Some(b)) = (r.effect_p05, r.effect_p95) { (num(a)) " to " (num(b)) }
                        }
                    }
                }
            }
        }
    }
}

fn provenance(p: &Provenance) -> Markup {
    html! {
        @if !p.runs.is_empty() {
            table {
                caption { "The runs (manifest.json)" }
                thead {
                    tr {
                        th { "scenario" } th { "version" } th.n { "seed" } th.n { "agents" }
                        th.n { "persons per agent" } th.n { "replicates" } th { "reported months" }
                        th.n { "threads" } th { "started (UTC)" } th.n { "wall time" }
                    }
                }
                tbody {
                    @for r in &p.runs {
                        tr {
                            td { (r.scenario) } td { (r.version) } td.n { (r.seed) } td.n { (r.agents) }
                            td.n { (r.weight) } td.n { (r.replicates) } td { (r.months) }
                            td.n { (r.threads) } td { (r.started) } td.n { (r.wall) }
                        }
                    }
                }
            }
            table {
                caption { "Scenario files read, with their SHA-256" }
                thead { tr { th { "scenario" } th { "file" } th { "SHA-256" } } }
                tbody {
                    @for r in &p.runs {
                        @for (path, sha) in &r.files {
                            tr { td { (r.scenario) } td { (path) } td.sha { (sha) } }
                        }
                    }
                }
            }
        }
        @if let Some(s) = &p.sweep {
            table {
                caption { "The sweep (" (s.folder) "/sweep.json)" }
                tbody {
                    @for (k, v) in &s.facts { tr { th { (k) } td { (v) } } }
                }
            }
            table {
                caption { "The sweep's configuration and scenario files, with their SHA-256" }
                thead { tr { th { "file" } th { "SHA-256" } } }
                tbody {
                    @for (path, sha) in &s.files { tr { td { (path) } td.sha { (sha) } } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_numbers_have_three_significant_figures() {
        assert_eq!(num(1_077_291.14), "1,080,000");
        assert_eq!(num(-31_400_000.0), "\u{2212}31,400,000");
        assert_eq!(num(12_345.6), "12,300");
        assert_eq!(num(0.433678), "0.434");
        assert_eq!(num(0.0000546), "5.46 \u{d7} 10\u{207b}\u{2075}");
        assert_eq!(num(-0.000133), "\u{2212}1.33 \u{d7} 10\u{207b}\u{2074}");
        assert_eq!(num(0.0), "0");
        // Three figures however small the number: a band of 0.0088 to 0.0092 reads so.
        assert_eq!(num(0.008798), "0.0088");
        assert_eq!(num(0.009204), "0.0092");
        assert_eq!(range(0.764, 1.16), "0.764\u{2013}1.16");
        assert_eq!(range(-48_700.0, 209_000.0), "\u{2212}48,700 to 209,000");
    }
}
