//! The summary in plain language: sentences generated from the numbers of a run, a comparison
//! or a sweep, with the numbers rounded as a person would say them ("about 7%", "about 3,500
//! persons a year", "1.2 million"). No I/O.

use super::tables::{DiffRow, RobustRow, SummaryRow};
use crate::compare::{HEADLINE, Headline};

/// What kind of quantity a headline metric is, from its short unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// Persons (or events) a year.
    Count,
    /// A share between 0 and 1.
    Share,
    /// Per 1,000 of a denominator.
    PerThousand,
    /// US dollars.
    Usd,
}

impl Kind {
    pub fn of(h: &Headline) -> Kind {
        match h.short {
            "share" => Kind::Share,
            "per 1,000" => Kind::PerThousand,
            "USD" => Kind::Usd,
            _ => Kind::Count,
        }
    }
}

/// How the sentences name a headline metric: the noun phrase of "lowers ___ by about 7%", and
/// for counts the unit of "about 3,500 ___".
struct Words {
    metric: &'static str,
    noun: &'static str,
    count_unit: &'static str,
}

const WORDS: &[Words] = &[
    w(
        "debt_bondage_share",
        "the share of departures that end in debt bondage",
        "",
    ),
    w(
        "debt_bondage_per_year",
        "the number of people entering debt bondage",
        "persons a year",
    ),
    w(
        "forced_labour_prevalence_per_1000",
        "forced labour among the persons abroad",
        "",
    ),
    w(
        "forced_labour_per_year",
        "the number of people entering forced labour",
        "persons a year",
    ),
    w(
        "trafficked_per_1000",
        "the share of departures trafficked",
        "",
    ),
    w(
        "trafficked_per_year",
        "the number of people trafficked",
        "persons a year",
    ),
    w(
        "deaths_per_1000_irregular",
        "the death rate of irregular departures",
        "",
    ),
    w(
        "deaths_per_year",
        "the number of deaths during migration",
        "deaths a year",
    ),
    w(
        "irregular_departures_per_year",
        "the number of irregular departures",
        "departures a year",
    ),
    w("mean_migration_cost_usd", "the mean cost of migrating", ""),
    w(
        "convictions_per_year",
        "the number of trafficking convictions",
        "convictions a year",
    ),
    w(
        "reintegration_sustainable_share",
        "the share of returnees sustainably reintegrated a year after return",
        "",
    ),
];

const fn w(metric: &'static str, noun: &'static str, count_unit: &'static str) -> Words {
    Words {
        metric,
        noun,
        count_unit,
    }
}

/// The headline row of a metric, if it is one.
pub fn headline(metric: &str) -> Option<&'static Headline> {
    HEADLINE.iter().find(|h| h.metric == metric)
}

/// The noun phrase of a metric: "the number of people trafficked".
pub fn noun(metric: &str) -> String {
    if let Some(w) = WORDS.iter().find(|w| w.metric == metric) {
        return w.noun.to_string();
    }
    match headline(metric) {
        Some(h) => format!("{} ({})", h.topic.to_lowercase(), h.unit),
        None => metric.replace('_', " "),
    }
}

/// The metrics the summary speaks of: one per headline topic, the count a year where the topic
/// has one ("people trafficked a year" rather than "per 1,000 departures").
pub fn summary_metrics() -> Vec<&'static Headline> {
    crate::compare::headline_blocks()
        .into_iter()
        .filter_map(|block| {
            block
                .iter()
                .find(|h| Kind::of(h) == Kind::Count)
                .or(block.first())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Numbers as a person says them.

const MINUS: char = '\u{2212}';

/// `v` rounded to `n` significant figures.
fn sig(v: f64, n: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let p = n - 1 - v.abs().log10().floor() as i32;
    let f = 10f64.powi(p);
    (v * f).round() / f
}

/// Decimals that show `v` to `n` significant figures (none for large numbers).
fn decimals(v: f64, n: i32) -> usize {
    if v == 0.0 || !v.is_finite() {
        return 0;
    }
    (n - 1 - v.abs().log10().floor() as i32).max(0) as usize
}

/// A non-negative number with `d` decimals and thousands separated by commas; trailing zeros
/// of the decimals dropped.
fn grouped(v: f64, d: usize) -> String {
    let s = grouped_fixed(v, d);
    match s.split_once('.') {
        Some((i, f)) if f.trim_end_matches('0').is_empty() => i.to_string(),
        Some((i, f)) => format!("{i}.{}", f.trim_end_matches('0')),
        None => s,
    }
}

/// A non-negative number with exactly `d` decimals and thousands separated by commas (the two
/// ends of an interval keep the same decimals: "1.1–9.0").
fn grouped_fixed(v: f64, d: usize) -> String {
    let s = format!("{:.*}", d, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (s.clone(), String::new()),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    out
}

/// The sign of a number in prose: the minus sign for negatives, nothing otherwise.
fn signed(v: f64, body: String) -> String {
    if v < 0.0 && body.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("{MINUS}{body}")
    } else {
        body
    }
}

/// A number with its sign written out, "+0.2", "−0.4"; zero has none.
pub fn with_plus(s: String) -> String {
    if s.starts_with(MINUS) || !s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        s
    } else {
        format!("+{s}")
    }
}

/// A count of persons (or events): two significant figures, at least whole units from 10 on,
/// "1.2 million" from a million: 3,456 → "3,500"; 65.1 → "65"; 7.4 → "7"; 0.43 → "0.4".
pub fn count(v: f64) -> String {
    if !v.is_finite() {
        return "no value".into();
    }
    let a = v.abs();
    let body = if sig(a, 2) >= 1e6 {
        let m = sig(a / 1e6, 2);
        format!("{} million", grouped(m, decimals(m, 2)))
    } else if a >= 9.5 {
        grouped(sig(a, 2), 0)
    } else if a >= 0.95 {
        grouped(a.round(), 0)
    } else {
        grouped(sig(a, 1), decimals(a, 1))
    };
    signed(v, body)
}

/// A percentage (given in percent) for "by about X%": 6.95 → "7"; 6.8 → "6.8"; 40.8 → "41";
/// 0.43 → "0.4"; 134 → "130".
pub fn percent(p: f64) -> String {
    if !p.is_finite() {
        return "no value".into();
    }
    let a = p.abs();
    let body = if a == 0.0 {
        "0".to_string()
    } else if a < 1.0 {
        grouped(sig(a, 1), decimals(a, 1))
    } else if a < 10.0 {
        grouped(sig(a, 2), decimals(a, 2))
    } else if a < 100.0 {
        grouped(a.round(), 0)
    } else {
        grouped(sig(a, 2), 0)
    };
    signed(p, body)
}

/// Two ends of an interval of percentages, with as many decimals as the larger end needs for
/// two significant figures: (6.71, 7.18) → "6.7–7.2"; (38.4, 43.2) → "38–43". Ends of
/// different signs are written with their signs: "−0.4 to +0.8".
pub fn percent_range(lo: f64, hi: f64) -> String {
    let top = lo.abs().max(hi.abs());
    let d = decimals(top, 2);
    // From 1,000 on, both ends to the larger end's two significant figures: "−600 to +1,900".
    let step = if top >= 1000.0 {
        10f64.powi(top.log10().floor() as i32 - 1)
    } else {
        0.0
    };
    let f = |v: f64| {
        let r = if step > 0.0 {
            (v / step).round() * step
        } else {
            v
        };
        let body = grouped_fixed(r, d);
        // An end that is not zero never reads as zero: it keeps its own two figures.
        let body = if v != 0.0 && !body.chars().any(|c| c.is_ascii_digit() && c != '0') {
            grouped(sig(v.abs(), 2), decimals(v, 2))
        } else {
            body
        };
        signed(v, body)
    };
    if lo < 0.0 && hi > 0.0 {
        format!("{} to +{}", f(lo), f(hi))
    } else {
        format!("{}\u{2013}{}", f(lo), f(hi))
    }
}

/// US dollars: "USD 3,500".
pub fn usd(v: f64) -> String {
    let s = count(v);
    match s.strip_prefix(MINUS) {
        Some(rest) => format!("{MINUS}USD {rest}"),
        None => format!("USD {s}"),
    }
}

/// A value of a metric of kind `k` as a person would say it, with its unit where it is short.
pub fn level(v: f64, k: Kind) -> String {
    match k {
        Kind::Count => count(v),
        Kind::Share => format!("{}%", percent(100.0 * v)),
        Kind::PerThousand => format!("{} per 1,000", small(v)),
        Kind::Usd => usd(v),
    }
}

/// A rate: two significant figures, whole units from 100 on.
pub fn small(v: f64) -> String {
    if !v.is_finite() {
        return "no value".into();
    }
    let a = v.abs();
    let body = if a >= 100.0 {
        grouped(sig(a, 2), 0)
    } else {
        grouped(sig(a, 2), decimals(a, 2))
    };
    signed(v, body)
}

/// An interval of values of kind `k`, its unit once: "48,000 to 52,000", "8.7 to 15 per
/// 1,000", "USD 4,100 to 4,300".
fn level_range(lo: f64, hi: f64, k: Kind) -> String {
    match k {
        Kind::Count => format!("{} to {}", count(lo), count(hi)),
        Kind::Share => format!("{}% to {}%", percent(100.0 * lo), percent(100.0 * hi)),
        Kind::PerThousand => format!("{} to {} per 1,000", small(lo), small(hi)),
        Kind::Usd => format!("{} to {}", usd(lo), count(hi)),
    }
}

// ---------------------------------------------------------------------------------------------
// Sentences.

/// A block of the summary: a heading (a scenario and its years) and its sentences.
#[derive(Clone, Debug)]
pub struct Block {
    pub heading: String,
    pub sentences: Vec<String>,
}

/// How the sentences name a scenario.
#[derive(Clone, Debug)]
pub struct Named {
    pub name: String,
    /// The scenario's `description`, if it has one.
    pub description: Option<String>,
}

impl Named {
    /// The subject of a sentence: the description's first phrase when it is short
    /// ("Recommendation 4"), otherwise the scenario's name ("Scenario “campaign”").
    pub fn subject(&self) -> String {
        if let Some(d) = &self.description {
            let head = d.split([':', ',']).next().unwrap_or("").trim();
            if !head.is_empty() && head.chars().count() <= 40 {
                let mut c = head.chars();
                return match c.next() {
                    Some(f) => f.to_uppercase().chain(c).collect(),
                    None => String::new(),
                };
            }
        }
        format!("Scenario \u{201c}{}\u{201d}", self.name)
    }
}

/// One sentence on a policy's effect on a metric, from its row of comparison.csv.
pub fn effect_sentence(subject: &str, d: &DiffRow) -> Option<String> {
    let h = headline(&d.metric);
    let kind = h.map(Kind::of).unwrap_or(Kind::Count);
    let noun = noun(&d.metric);
    let m = d.diff_mean?;
    let (lo, hi) = (d.diff_ci_low, d.diff_ci_high);
    let base = d.baseline_mean.filter(|b| *b > 0.0);
    let verb = agree(subject, if m < 0.0 { "lowers" } else { "raises" });
    let (leaves, makes) = (agree(subject, "leaves"), agree(subject, "makes"));
    let absolute = absolute_clause(d, kind);
    let s = match (base, lo, hi) {
        _ if m == 0.0 && lo.unwrap_or(0.0) == 0.0 && hi.unwrap_or(0.0) == 0.0 => {
            format!("{subject} {leaves} {noun} unchanged (the same in every replicate).")
        }
        (Some(b), Some(lo), Some(hi)) if d.clear() => {
            let (a, z) = if m < 0.0 {
                (-hi / b * 100.0, -lo / b * 100.0)
            } else {
                (lo / b * 100.0, hi / b * 100.0)
            };
            format!(
                "{subject} {verb} {noun} by about {}% (95% interval {}%){absolute}.",
                percent((m / b * 100.0).abs()),
                percent_range(a, z)
            )
        }
        (Some(b), Some(lo), Some(hi)) => format!(
            "{subject} {makes} no clear difference to {noun}: about {}% (95% interval {}%).",
            with_plus(percent(m / b * 100.0)),
            percent_range(lo / b * 100.0, hi / b * 100.0)
        ),
        (_, Some(lo), Some(hi)) if d.clear() => format!(
            "{subject} {verb} {noun} by about {} (95% interval {}).",
            level(m.abs(), kind),
            if m < 0.0 {
                level_range(-hi, -lo, kind)
            } else {
                level_range(lo, hi, kind)
            }
        ),
        (_, Some(lo), Some(hi)) => format!(
            "{subject} {makes} no clear difference to {noun} (95% interval of the change {}).",
            level_range(lo, hi, kind)
        ),
        _ => format!(
            "In the one replicate run, {} {verb} {noun} by about {} (no interval: with fewer than two replicates the difference may be chance).",
            lower_first(subject),
            amount(m.abs(), kind, &d.metric)
        ),
    };
    Some(s)
}

/// A difference of a metric of kind `k`, with its unit: "1,300 persons a year", "3.9
/// percentage points", "0.5 per 1,000", "USD 120".
fn amount(v: f64, k: Kind, metric: &str) -> String {
    match k {
        Kind::Count => format!("{} {}", count(v), count_unit(metric)),
        Kind::Share => format!("{} percentage points", small(100.0 * v)),
        Kind::PerThousand | Kind::Usd => level(v, k),
    }
}

/// What a count metric counts, a year: "persons a year", "deaths a year".
fn count_unit(metric: &str) -> &'static str {
    WORDS
        .iter()
        .find(|w| w.metric == metric)
        .map(|w| w.count_unit)
        .filter(|u| !u.is_empty())
        .unwrap_or("a year")
}

/// ", about 3,500 persons a year" and the like: the size of the change in the metric's unit.
fn absolute_clause(d: &DiffRow, kind: Kind) -> String {
    let Some(m) = d.diff_mean else {
        return String::new();
    };
    match kind {
        Kind::Count => {
            let unit = count_unit(&d.metric);
            let n = count(m.abs());
            // "about 1 conviction a year".
            let unit = match (n.as_str(), unit.split_once(' ')) {
                ("1", Some((noun, rest))) if noun.ends_with('s') => {
                    format!("{} {rest}", &noun[..noun.len() - 1])
                }
                _ => unit.to_string(),
            };
            format!(", about {n} {unit}")
        }
        Kind::Usd => format!(", about {} per registered departure", usd(m.abs())),
        Kind::Share | Kind::PerThousand => match (d.baseline_mean, d.scenario_mean) {
            (Some(b), Some(s)) => {
                let (from, to) = (level(b, kind), level(s, kind));
                if from == to && kind == Kind::Share {
                    // Two values that read the same: one more figure tells them apart.
                    format!(", from {:.1}% to {:.1}%", 100.0 * b, 100.0 * s)
                } else {
                    format!(", from {from} to {to}")
                }
            }
            _ => String::new(),
        },
    }
}

/// "The effect keeps its sign across 96% of the plausible range of the assumptions (95%
/// interval 90–99%)."
pub fn robustness_sentence(r: &RobustRow) -> Option<String> {
    let share = r.same_sign_share?;
    let mut s = format!(
        "The effect keeps its sign across {}% of the plausible range of the assumptions",
        percent(100.0 * share)
    );
    if let (Some(lo), Some(hi)) = (r.ci_low, r.ci_high) {
        s.push_str(&format!(
            " (95% interval {}%)",
            percent_range(100.0 * lo, 100.0 * hi)
        ));
    }
    s.push('.');
    Some(s)
}

/// The summary of a comparison: per policy scenario, one sentence per headline outcome, and
/// the robustness of the effect where a sweep measured it.
pub fn comparison(scenarios: &[Named], rows: &[DiffRow], robust: &[RobustRow]) -> Vec<Block> {
    let metrics = summary_metrics();
    scenarios
        .iter()
        .filter_map(|sc| {
            let mine: Vec<&DiffRow> = rows.iter().filter(|d| d.scenario == sc.name).collect();
            let period = mine.first().map(|d| d.period.clone())?;
            let subject = sc.subject();
            let mut sentences = Vec::new();
            for h in &metrics {
                let Some(d) = mine.iter().find(|d| d.metric == h.metric) else {
                    continue;
                };
                let Some(mut s) = effect_sentence(&subject, d) else {
                    continue;
                };
                // The sweep's robustness speaks of the sign of its own effect at point 0: it is
                // said only of an effect this comparison finds clearly, with that same sign.
                if let Some(r) = robust
                    .iter()
                    .find(|r| r.scenario == sc.name && r.metric == h.metric)
                {
                    let same = match (d.diff_mean, r.default_effect) {
                        (Some(a), Some(b)) => a != 0.0 && b != 0.0 && (a < 0.0) == (b < 0.0),
                        _ => false,
                    };
                    if d.clear() && same {
                        if let Some(rs) = robustness_sentence(r) {
                            s.push(' ');
                            s.push_str(&rs);
                        }
                    } else if d.clear() && r.default_effect.is_some_and(|b| b != 0.0) {
                        s.push_str(
                            " The sweep added to this report finds the opposite sign at its point 0 (its own runs), so its robustness is not carried over.",
                        );
                    }
                }
                sentences.push(s);
            }
            Some(Block {
                heading: heading(
                    sc,
                    &format!("compared with the baseline over {}", years(&period)),
                ),
                sentences,
            })
        })
        .collect()
}

fn heading(sc: &Named, what: &str) -> String {
    match &sc.description {
        Some(d) => format!("{} ({d}), {what}", sc.name),
        None => format!("{}, {what}", sc.name),
    }
}

/// `2026-2031` as "2026–2031".
pub fn years(period: &str) -> String {
    period.replace('-', "\u{2013}")
}

/// The summary of one run: each headline metric's mean with its 95% interval.
pub fn run(sc: &Named, period: &str, rows: &[SummaryRow]) -> Block {
    let mut sentences = Vec::new();
    for h in HEADLINE {
        let Some(r) = rows.iter().find(|r| r.metric == h.metric) else {
            continue;
        };
        let Some(m) = r.mean else { continue };
        let k = Kind::of(h);
        let interval = match (r.ci_low, r.ci_high) {
            (Some(lo), Some(hi)) => format!(" (95% interval {})", level_range(lo, hi, k)),
            _ => String::new(),
        };
        sentences.push(format!(
            "{} ({}): about {}{interval}.",
            h.topic,
            h.unit,
            level(m, k)
        ));
    }
    Block {
        heading: heading(
            sc,
            &format!("over {}, mean of the replicates", years(period)),
        ),
        sentences,
    }
}

/// The summary of a sweep: for each policy effect, its size with the scenarios as written and
/// how often it keeps its sign across the assumptions.
pub fn sweep(scenarios: &[Named], robust: &[RobustRow]) -> Vec<Block> {
    let order = |m: &str| {
        HEADLINE
            .iter()
            .position(|h| h.metric == m)
            .unwrap_or(usize::MAX)
    };
    scenarios
        .iter()
        .filter_map(|sc| {
            let mut mine: Vec<&RobustRow> =
                robust.iter().filter(|r| r.scenario == sc.name).collect();
            let period = mine.first().map(|r| r.period.clone())?;
            mine.sort_by_key(|r| order(&r.metric));
            let subject = sc.subject();
            let sentences = mine
                .iter()
                .filter_map(|r| {
                    let kind = headline(&r.metric).map(Kind::of).unwrap_or(Kind::Count);
                    let e = r.default_effect?;
                    let mut s = if e == 0.0 {
                        format!(
                            "As written, {} {} {} unchanged.",
                            lower_first(&subject),
                            agree(&subject, "leaves"),
                            noun(&r.metric)
                        )
                    } else {
                        let verb = agree(&subject, if e < 0.0 { "lowers" } else { "raises" });
                        let size = match r.default_relative_change {
                            Some(rel) => format!("about {}%", percent(100.0 * rel.abs())),
                            None => format!("about {}", amount(e.abs(), kind, &r.metric)),
                        };
                        let mut s = format!(
                            "As written, {} {verb} {} by {size}.",
                            lower_first(&subject),
                            noun(&r.metric)
                        );
                        if let Some(rs) = robustness_sentence(r) {
                            s.push(' ');
                            s.push_str(&rs);
                        }
                        s
                    };
                    if let (Some(a), Some(b)) = (r.effect_p05, r.effect_p95) {
                        let signed_amount = |v: f64| signed(v, amount(v.abs(), kind, &r.metric));
                        s.push_str(&format!(
                            " Across the points the change lies between {} and {} (5th and 95th percentiles).",
                            signed_amount(a),
                            signed_amount(b)
                        ));
                    }
                    Some(s)
                })
                .collect();
            Some(Block {
                heading: heading(
                    sc,
                    &format!("effects over {} across the sweep", years(&period)),
                ),
                sentences,
            })
        })
        .collect()
}

/// Whether a sentence's subject is plural ("All five recommendations", "Safe-migration loans"),
/// judged from its head noun, the last word before any preposition ("Awareness campaign in the
/// districts" is singular), so that its verb agrees. A scenario named by its name is singular.
fn plural(subject: &str) -> bool {
    if subject.starts_with("Scenario \u{201c}") {
        return false;
    }
    const PREPOSITIONS: [&str; 14] = [
        "in", "of", "for", "on", "at", "to", "with", "by", "from", "under", "through", "across",
        "against", "without",
    ];
    let words: Vec<String> = subject
        .split(|c: char| c.is_whitespace() || c == '-')
        .map(str::to_lowercase)
        .take_while(|w| !PREPOSITIONS.contains(&w.as_str()))
        .filter(|w| !w.is_empty() && w.chars().all(char::is_alphabetic))
        .collect();
    if words.first().is_some_and(|w| w == "all" || w == "both") {
        return true;
    }
    words.last().is_some_and(|w| {
        w.len() > 2 && w.ends_with('s') && !["ss", "us", "is"].iter().any(|e| w.ends_with(e))
    })
}

/// The verb `singular` ("lowers", "makes") in the form that agrees with `subject`.
fn agree<'a>(subject: &str, singular: &'a str) -> &'a str {
    if plural(subject) {
        singular.strip_suffix('s').unwrap_or(singular)
    } else {
        singular
    }
}

/// "Scenario “x”" → "scenario “x”" inside a sentence; names such as "Recommendation 4" stay.
fn lower_first(s: &str) -> String {
    match s.strip_prefix("Scenario ") {
        Some(rest) => format!("scenario {rest}"),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_rounded_as_a_person_says_them() {
        assert_eq!(count(3456.0), "3,500");
        assert_eq!(count(20454.0), "20,000");
        assert_eq!(count(1343.0), "1,300");
        assert_eq!(count(65.1), "65");
        assert_eq!(count(130.4), "130");
        assert_eq!(count(7.4), "7");
        assert_eq!(count(0.43), "0.4");
        assert_eq!(count(0.0), "0");
        assert_eq!(count(999_999.0), "1 million");
        assert_eq!(count(1_234_567.0), "1.2 million");
        assert_eq!(count(31_000_000.0), "31 million");
        assert_eq!(count(-2486.0), "\u{2212}2,500");
        assert_eq!(count(f64::NAN), "no value");
    }

    #[test]
    fn percentages_keep_what_matters() {
        assert_eq!(percent(6.95), "7");
        assert_eq!(percent(6.8), "6.8");
        assert_eq!(percent(40.8), "41");
        assert_eq!(percent(0.43), "0.4");
        assert_eq!(percent(134.0), "130");
        assert_eq!(percent(96.0), "96");
        assert_eq!(percent(100.0), "100");
        assert_eq!(percent(0.0), "0");
        assert_eq!(percent(-2.2), "\u{2212}2.2");
    }

    #[test]
    fn intervals_show_two_significant_figures_of_their_larger_end() {
        assert_eq!(percent_range(6.71, 7.18), "6.7\u{2013}7.2");
        assert_eq!(percent_range(38.4, 43.2), "38\u{2013}43");
        assert_eq!(percent_range(0.13, 0.72), "0.13\u{2013}0.72");
        assert_eq!(percent_range(-0.4, 0.8), "\u{2212}0.40 to +0.80");
        assert_eq!(percent_range(1.1, 9.0), "1.1\u{2013}9.0");
        assert_eq!(percent_range(-4.2, 1.0), "\u{2212}4.2 to +1.0");
        assert_eq!(percent_range(90.1, 99.4), "90\u{2013}99");
        assert_eq!(percent_range(-642.0, 1908.0), "\u{2212}600 to +1,900");
    }

    #[test]
    fn money_and_rates() {
        assert_eq!(usd(3456.0), "USD 3,500");
        assert_eq!(usd(-120.0), "\u{2212}USD 120");
        assert_eq!(small(48.3), "48");
        assert_eq!(small(9.4), "9.4");
        assert_eq!(small(0.00493), "0.0049");
        assert_eq!(level(0.412, Kind::Share), "41%");
    }

    fn row(metric: &str, b: f64, m: f64, lo: f64, hi: f64) -> DiffRow {
        DiffRow {
            scenario: "4-awareness".into(),
            metric: metric.into(),
            by: String::new(),
            level: String::new(),
            period: "2026-2031".into(),
            baseline_mean: Some(b),
            scenario_mean: Some(b + m),
            diff_mean: Some(m),
            diff_ci_low: Some(lo),
            diff_ci_high: Some(hi),
            relative_change: Some(m / b),
        }
    }

    #[test]
    fn a_clear_fall_reads_as_in_the_brief() {
        let d = row(
            "trafficked_per_year",
            50_000.0,
            -3_475.0,
            -3_600.0,
            -3_350.0,
        );
        assert_eq!(
            effect_sentence("Recommendation 4", &d).unwrap(),
            "Recommendation 4 lowers the number of people trafficked by about 7% (95% interval 6.7\u{2013}7.2%), about 3,500 persons a year."
        );
    }

    #[test]
    fn an_interval_across_zero_is_no_clear_difference() {
        let d = row("deaths_per_year", 456.0, 1.0, -2.0, 4.0);
        let s = effect_sentence("Recommendation 3", &d).unwrap();
        assert!(s.starts_with("Recommendation 3 makes no clear difference to the number of deaths during migration: about +0.2%"), "{s}");
        assert!(s.contains("\u{2212}0.44 to +0.88%"), "{s}");
    }

    #[test]
    fn a_plural_subject_takes_a_plural_verb() {
        let d = row(
            "trafficked_per_year",
            50_000.0,
            -3_500.0,
            -3_600.0,
            -3_400.0,
        );
        let s = effect_sentence("All five recommendations", &d).unwrap();
        assert!(
            s.starts_with("All five recommendations lower the number"),
            "{s}"
        );
        let s = effect_sentence("Safe-migration loans", &d).unwrap();
        assert!(s.starts_with("Safe-migration loans lower "), "{s}");
        let s = effect_sentence("Recommendation 1", &d).unwrap();
        assert!(s.starts_with("Recommendation 1 lowers "), "{s}");
        let wide = row("trafficked_per_year", 50_000.0, 10.0, -200.0, 220.0);
        let s = effect_sentence("All five recommendations", &wide).unwrap();
        assert!(
            s.starts_with("All five recommendations make no clear"),
            "{s}"
        );
        for singular in [
            "Awareness",
            "Stronger prosecution",
            "Scenario \u{201c}loans\u{201d}",
            "Awareness campaign in the districts",
            "Loan scheme for returnees",
        ] {
            assert!(!plural(singular), "{singular}");
        }
    }

    #[test]
    fn subjects_come_from_short_descriptions() {
        let n = |d: Option<&str>| Named {
            name: "x-y".into(),
            description: d.map(str::to_string),
        };
        assert_eq!(
            n(Some("Recommendation 4: a campaign")).subject(),
            "Recommendation 4"
        );
        assert_eq!(
            n(Some(
                "All five recommendations, each at the strength of its own file"
            ))
            .subject(),
            "All five recommendations"
        );
        assert_eq!(
            n(Some(
                "a very long description without any colon that goes on"
            ))
            .subject(),
            "Scenario \u{201c}x-y\u{201d}"
        );
        assert_eq!(n(None).subject(), "Scenario \u{201c}x-y\u{201d}");
    }

    #[test]
    fn robustness_reads_as_a_share_of_the_range() {
        let r = RobustRow {
            scenario: "s".into(),
            metric: "trafficked_per_year".into(),
            period: "2026-2031".into(),
            default_effect: Some(-3.0),
            default_relative_change: Some(-0.07),
            points: Some(100.0),
            same_sign_share: Some(0.96),
            ci_low: Some(0.901),
            ci_high: Some(0.987),
            effect_p05: None,
            effect_p95: None,
        };
        assert_eq!(
            robustness_sentence(&r).unwrap(),
            "The effect keeps its sign across 96% of the plausible range of the assumptions (95% interval 90\u{2013}99%)."
        );
    }

    #[test]
    fn an_interval_end_that_is_not_zero_never_reads_as_zero() {
        // A fall of 3.8% to 134%: the smaller end keeps its own figures.
        assert_eq!(percent_range(3.8, 134.0), "4\u{2013}134");
        assert_eq!(percent_range(-71.0, 0.1), "\u{2212}71 to +0.1");
        assert_eq!(percent_range(-100.5, 4.9), "\u{2212}100 to +5");
        // A share of the points: the same figures as the robustness table's.
        assert_eq!(percent_range(80.6392, 100.0), "81\u{2013}100");
    }

    #[test]
    fn one_replicate_says_so_and_gives_a_share_in_percentage_points() {
        let mut d = row("reintegration_sustainable_share", 0.6535, 0.0393, 0.0, 0.0);
        (d.diff_ci_low, d.diff_ci_high) = (None, None);
        let s = effect_sentence("Recommendation 1", &d).unwrap();
        assert_eq!(
            s,
            "In the one replicate run, Recommendation 1 raises the share of returnees sustainably reintegrated a year after return by about 3.9 percentage points (no interval: with fewer than two replicates the difference may be chance)."
        );
        let mut d = row("trafficked_per_year", 50_000.0, -1_300.0, 0.0, 0.0);
        (d.diff_ci_low, d.diff_ci_high) = (None, None);
        let s = effect_sentence("Recommendation 3", &d).unwrap();
        assert!(
            s.contains("by about 1,300 persons a year (no interval"),
            "{s}"
        );
    }

    #[test]
    fn two_shares_that_read_the_same_get_one_more_figure() {
        let d = row(
            "reintegration_sustainable_share",
            0.656009,
            0.008951,
            0.000165,
            0.018,
        );
        let s = effect_sentence("Recommendation 5", &d).unwrap();
        assert!(s.ends_with("from 65.6% to 66.5%."), "{s}");
    }

    fn robust(effect: f64) -> RobustRow {
        RobustRow {
            scenario: "4-awareness".into(),
            metric: "trafficked_per_year".into(),
            period: "2026-2031".into(),
            default_effect: Some(effect),
            default_relative_change: Some(effect / 50_000.0),
            points: Some(100.0),
            same_sign_share: Some(0.88),
            ci_low: Some(0.8),
            ci_high: Some(0.93),
            effect_p05: Some(-0.5),
            effect_p95: Some(12.0),
        }
    }

    #[test]
    fn a_sweeps_robustness_is_said_only_of_a_clear_effect_of_its_own_sign() {
        let sc = [Named {
            name: "4-awareness".into(),
            description: Some("Recommendation 4: a campaign".into()),
        }];
        let fall = row(
            "trafficked_per_year",
            50_000.0,
            -3_475.0,
            -3_600.0,
            -3_350.0,
        );
        let unclear = row("trafficked_per_year", 50_000.0, 30.0, -20.0, 80.0);
        let said = |d: &DiffRow, effect: f64| -> String {
            comparison(&sc, std::slice::from_ref(d), &[robust(effect)])[0].sentences[0].clone()
        };
        assert!(said(&fall, -2.0).contains("keeps its sign across 88%"));
        let opposite = said(&fall, 2.0);
        assert!(
            !opposite.contains("keeps its sign") && opposite.contains("finds the opposite sign"),
            "{opposite}"
        );
        let s = said(&unclear, 2.0);
        assert!(
            !s.contains("keeps its sign") && !s.contains("opposite"),
            "{s}"
        );
    }

    #[test]
    fn a_sweep_summary_says_unchanged_for_no_effect_and_gives_units() {
        let sc = [Named {
            name: "4-awareness".into(),
            description: None,
        }];
        let mut r = robust(0.0);
        r.default_relative_change = None;
        let s = sweep(&sc, &[r])[0].sentences[0].clone();
        assert!(s.starts_with("As written, scenario \u{201c}4-awareness\u{201d} leaves the number of people trafficked unchanged."), "{s}");
        assert!(
            s.contains("between \u{2212}0.5 persons a year and 12 persons a year"),
            "{s}"
        );
        let mut r = robust(-0.002);
        r.metric = "debt_bondage_share".into();
        r.effect_p05 = Some(-0.0033);
        r.effect_p95 = Some(0.000133);
        let s = sweep(&sc, &[r])[0].sentences[0].clone();
        assert!(
            s.contains("between \u{2212}0.33 percentage points and 0.013 percentage points"),
            "{s}"
        );
    }
}
