//! The metrics of the output contract (docs/OUTPUTS.md), computed from a replicate's counts.
//! Counts are turned into persons with the replicate's weight; shares keep their denominators,
//! and a metric whose denominator is empty is `None` (written as an empty cell).

use crate::engine::agent::State;
use crate::engine::params::{CHANNELS, Channel, LocationKind, Params};
use crate::engine::stats::{EpisodeAcc, GROUPS, MEN, ReturnAcc, SKILLED, Tally, UNSKILLED, WOMEN};
use crate::engine::{MonthRow, Replicate};
use crate::metric_names::{
    BY_BASE, BY_CHANNEL, BY_DESTINATION, BY_GROUP, BY_LEVER, BY_LOCATION, BY_RECRUITER_KIND,
    BY_RECRUITER_KIND_LOCATION, BY_SEX, BY_SEX_DESTINATION, BY_SEX_DESTINATION_DIM, BY_SKILL,
    BY_STATE, Key,
};
use std::collections::BTreeMap;

/// A range of reported months, 0-based and inclusive of `from`, exclusive of `to`.
#[derive(Clone, Copy, Debug)]
pub struct Period {
    pub from: usize,
    pub to: usize,
}

impl Period {
    pub fn months(&self) -> usize {
        self.to - self.from
    }
    /// Reported years (0-based) the period covers.
    fn years(&self) -> std::ops::Range<usize> {
        self.from / 12..self.to.div_ceil(12)
    }
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    if den > 0.0 { Some(num / den) } else { None }
}

/// Every metric of outcomes.csv, in a fixed order, for one replicate over `period`: every
/// metric for the whole pool, then the metrics of [`BY_GROUP`] for women, men, the skilled
/// and the unskilled (the same definitions over the group's own counts and denominators).
pub fn outcomes(rep: &Replicate, p: &Params, period: Period) -> Vec<(Key, Option<f64>)> {
    let mut out = group_outcomes(rep, p, period, &ALL_GROUPS);
    for (by, level, cells) in [
        (BY_SEX, "women", &WOMEN),
        (BY_SEX, "men", &MEN),
        (BY_SKILL, "skilled", &SKILLED),
        (BY_SKILL, "unskilled", &UNSKILLED),
    ] {
        for (key, v) in group_outcomes(rep, p, period, cells) {
            if key.by.is_empty() && BY_GROUP.contains(&key.metric.as_str()) {
                out.push((Key::by(&key.metric, by, level), v));
            } else if by == BY_SEX
                && key.by == BY_DESTINATION
                && BY_SEX_DESTINATION.contains(&key.metric.as_str())
            {
                let level = format!("{level}+{}", key.level);
                out.push((Key::by(&key.metric, BY_SEX_DESTINATION_DIM, &level), v));
            }
        }
    }
    out
}

const ALL_GROUPS: [usize; GROUPS] = [0, 1, 2, 3];

/// Every metric for the people of the groups `cells` (all four: the whole pool).
fn group_outcomes(
    rep: &Replicate,
    p: &Params,
    period: Period,
    cells: &[usize],
) -> Vec<(Key, Option<f64>)> {
    let w = rep.weight;
    let per_year = 12.0 / period.months().max(1) as f64;
    let rows = &rep.months[period.from..period.to.min(rep.months.len())];
    // Each month's counters of the group: the stored total for the whole pool, else the sum of
    // the group's cells in cell order.
    let all = cells.len() == GROUPS;
    let months: Vec<Tally> = rows
        .iter()
        .map(|m| {
            if all {
                m.tally.clone()
            } else {
                let mut t = m.groups[cells[0]].clone();
                for &g in &cells[1..] {
                    t.add(&m.groups[g]);
                }
                t
            }
        })
        .collect();
    let mut t = Tally::new(p);
    let (mut inv, mut pros, mut conv) = (0u64, 0u64, 0.0f64);
    let mut cost = [0.0f64; 5];
    let mut operating: Vec<f64> = Vec::new();
    let mut women_registered = 0u32;
    for (m, row) in months.iter().zip(rows) {
        t.add(m);
        let MonthRow { enforcement, .. } = row;
        inv += enforcement.investigations as u64;
        pros += enforcement.prosecutions as u64;
        conv += enforcement.persons_convicted;
        for (c, x) in cost.iter_mut().zip(&enforcement.cost) {
            *c += x;
        }
        if operating.len() < enforcement.operating.len() {
            operating.resize(enforcement.operating.len(), 0.0);
        }
        for (o, &x) in operating.iter_mut().zip(&enforcement.operating) {
            *o += x as f64;
        }
        for &g in &WOMEN {
            if cells.contains(&g) {
                women_registered += row.groups[g].registered();
            }
        }
    }
    let mut e = EpisodeAcc::new(p.kinds.len(), p.locations.len());
    let mut r = ReturnAcc::default();
    for y in period.years() {
        for &g in cells {
            if let Some(x) = rep.outcomes.episodes.get(y) {
                e.add(&x[g]);
            }
            if let Some(x) = rep.outcomes.returns.get(y) {
                r.add(&x[g]);
            }
        }
    }
    let persons_year = |n: u32| Some(n as f64 * w * per_year);
    let how = p.pop.deaths_estimator;
    let mut out: Vec<(Key, Option<f64>)> = Vec::new();
    let mut put = |key: Key, v: Option<f64>| out.push((key, v));
    let departures: u32 = t.departures.iter().sum();
    put(Key::total("departures_per_year"), persons_year(departures));
    put(
        Key::total("registered_departures_per_year"),
        persons_year(t.registered()),
    );
    for (i, c) in CHANNELS.iter().enumerate() {
        put(
            Key::total(&format!("{}_departures_per_year", channel_name(*c))),
            persons_year(t.departures[i]),
        );
    }
    for (d, dest) in p.dests.iter().enumerate() {
        put(
            Key::per_destination("departure_share", &dest.id),
            ratio(t.registered_by_dest[d] as f64, t.registered() as f64),
        );
    }
    for (d, dest) in p.dests.iter().enumerate() {
        put(
            Key::per_destination("registered_departures_per_year", &dest.id),
            persons_year(t.registered_by_dest[d]),
        );
    }
    for (d, dest) in p.dests.iter().enumerate() {
        put(
            Key::per_destination("arrivals_per_year", &dest.id),
            persons_year(t.arrivals[d]),
        );
    }
    for (d, dest) in p.dests.iter().enumerate() {
        put(
            Key::per_destination("sea_arrivals_per_year", &dest.id),
            persons_year(t.sea_arrivals[d]),
        );
    }
    for ((d, l), n) in via_counts(p, &t) {
        put(
            Key::via_share(&p.dests[d].id, &p.locations[l].id),
            ratio(n as f64, t.arrivals[d] as f64),
        );
    }
    put(
        Key::total("women_share"),
        ratio(women_registered as f64, t.registered() as f64),
    );
    let reg = e.registered as f64;
    put(
        Key::total("mean_migration_cost_usd"),
        ratio(e.registered_cost, reg),
    );
    put(
        Key::total("cost_months_of_earnings"),
        ratio(e.paid_cost, e.paid_first_wage),
    );
    put(
        Key::total("borrowed_share"),
        ratio(e.registered_borrowed as f64, reg),
    );
    put(
        Key::total("broker_share"),
        ratio(e.registered_broker as f64, reg),
    );
    put(
        Key::total("mean_irregular_cost_usd"),
        ratio(e.irregular_europe_cost, e.irregular_europe as f64),
    );
    put(
        Key::total("mean_visa_fraud_cost_usd"),
        ratio(e.visa_fraud_cost, e.departures[1] as f64),
    );
    put(
        Key::total("collateral_lost_share"),
        ratio(e.collateral_lost as f64, e.borrowed as f64),
    );
    put(
        Key::total("repaid_share"),
        ratio(e.repaid as f64, e.borrowed as f64),
    );
    put(
        Key::total("mean_months_to_repay"),
        ratio(e.months_to_repay, e.repaid as f64),
    );
    let dep = e.departures.iter().sum::<u32>() as f64;
    put(
        Key::total("debt_bondage_share"),
        ratio(e.debt_bondage as f64, dep),
    );
    put(
        Key::total("debt_trap_share"),
        ratio(e.debt_trap as f64, dep),
    );
    put(
        Key::total("forced_labour_share"),
        ratio(e.forced_labour as f64, dep),
    );
    put(
        Key::total("trafficked_per_1000"),
        ratio(1000.0 * e.trafficked as f64, dep),
    );
    put(
        Key::total("trafficked_bd_law_per_1000"),
        ratio(1000.0 * e.trafficked_bd_law as f64, dep),
    );
    put(
        Key::total("promise_broken_share"),
        ratio(e.promise_broken as f64, e.arrived as f64),
    );
    put(
        Key::total("failed_migration_share"),
        ratio(e.failed as f64, dep),
    );
    put(
        Key::total("deaths_per_1000_irregular"),
        ratio(1000.0 * e.irregular_deaths(how), e.departures[2] as f64),
    );
    put(
        Key::total("detained_share_irregular"),
        ratio(e.irregular_detained as f64, e.departures[2] as f64),
    );
    put(
        Key::total("sea_crossing_death_share"),
        ratio(t.sea_deaths(how), t.sea_attempts as f64),
    );
    put(Key::total("returns_per_year"), persons_year(t.returns));
    put(
        Key::total("undocumented_returns_per_year"),
        persons_year(t.undocumented_returns),
    );
    put(
        Key::total("returnee_in_debt_share"),
        ratio(r.in_debt as f64, r.returns as f64),
    );
    put(
        Key::total("remigration_share"),
        ratio(r.remigrated as f64, r.followed_24 as f64),
    );
    put(
        Key::total("remigration_irregular_share"),
        ratio(r.remigrated_irregular as f64, r.followed_24 as f64),
    );
    put(
        Key::total("reintegration_sustainable_share"),
        ratio(r.sustainable as f64, r.followed_12 as f64),
    );
    put(
        Key::total("identified_per_year"),
        persons_year(t.identified),
    );
    // Recruiters are not sampled: their counts are real numbers already.
    put(
        Key::total("investigations_per_year"),
        Some(inv as f64 * per_year),
    );
    put(
        Key::total("prosecutions_per_year"),
        Some(pros as f64 * per_year),
    );
    put(Key::total("convictions_per_year"), Some(conv * per_year));
    put(
        Key::total("remittances_usd_per_year"),
        Some(t.remittances * w * per_year),
    );

    // Point prevalence among persons abroad, averaged over the months of the period.
    let prevalence = |count: fn(&Tally) -> u32| {
        let per_month: Vec<f64> = months
            .iter()
            .filter_map(|m| ratio(1000.0 * count(m) as f64, abroad(m) as f64))
            .collect();
        ratio(per_month.iter().sum(), per_month.len() as f64)
    };
    put(
        Key::total("forced_labour_prevalence_per_1000"),
        prevalence(|t| t.in_forced_labour),
    );
    put(
        Key::total("debt_bondage_prevalence_per_1000"),
        prevalence(|t| t.in_debt_bondage),
    );
    // An attempt begins with the first payment; it fails before departure, or departs and then
    // fails (the episode's `failed`).
    put(
        Key::total("failed_attempt_share"),
        ratio(
            (e.failed_before_departure + e.failed) as f64,
            dep + e.failed_before_departure as f64,
        ),
    );
    // Episode counts are kept by year: per year is over the reported months of those years.
    let years = period.years();
    let episode_months =
        (years.end * 12).min(rep.months.len()) - (years.start * 12).min(rep.months.len());
    let episode_year = |n: f64| Some(n * w * 12.0 / episode_months.max(1) as f64);
    put(
        Key::total("lost_before_departure_usd_per_year"),
        episode_year(e.lost_before_departure),
    );
    put(
        Key::total("offloaded_per_year"),
        episode_year(e.offloaded as f64),
    );
    put(Key::total("smuggled_per_year"), persons_year(t.smuggled));
    put(
        Key::total("trafficked_per_year"),
        episode_year(e.trafficked as f64),
    );
    for (i, c) in CHANNELS.iter().enumerate() {
        put(
            Key::by("trafficked_per_year", BY_CHANNEL, channel_name(*c)),
            episode_year(e.trafficked_by_channel[i] as f64),
        );
    }
    for (k, kind) in p.kinds.iter().enumerate() {
        let n = e.trafficked_by_kind.get(k).copied().unwrap_or(0);
        put(
            Key::by("trafficked_per_year", BY_RECRUITER_KIND, &kind.id),
            episode_year(n as f64),
        );
    }
    // Counted in the month the state begins (the rates beside them count by departure year).
    put(
        Key::total("debt_bondage_per_year"),
        persons_year(t.new_debt_bondage),
    );
    put(
        Key::total("forced_labour_per_year"),
        persons_year(t.new_forced_labour),
    );
    put(
        Key::total("held_for_ransom_per_year"),
        persons_year(t.held_for_ransom),
    );
    put(
        Key::total("ransom_paid_usd_per_year"),
        Some(t.ransom_paid * w * per_year),
    );
    put(
        Key::total("deaths_in_captivity_per_year"),
        Some(t.captive_deaths(how) * w * per_year),
    );
    put(
        Key::total("deaths_per_year"),
        Some(t.deaths(how) * w * per_year),
    );
    put(
        Key::total("onward_departures_per_year"),
        persons_year(t.onward_by_location.iter().sum()),
    );
    for (l, loc) in p.locations.iter().enumerate() {
        if matches!(loc.kind, LocationKind::Hub | LocationKind::Destination) {
            put(
                Key::by("onward_departures_per_year", BY_LOCATION, &loc.id),
                persons_year(t.onward_by_location[l]),
            );
        }
    }
    put(
        Key::total("stranded_per_year"),
        persons_year(t.stranded_by_location.iter().sum()),
    );
    for (l, loc) in p.locations.iter().enumerate() {
        if matches!(loc.kind, LocationKind::Hub | LocationKind::Destination) {
            put(
                Key::by("stranded_per_year", BY_LOCATION, &loc.id),
                persons_year(t.stranded_by_location[l]),
            );
        }
    }
    for (d, dest) in p.dests.iter().enumerate() {
        put(
            Key::per_destination("returns_per_year", &dest.id),
            persons_year(t.returns_by_dest[d]),
        );
    }
    put(
        Key::total("sexual_violence_per_year"),
        persons_year(t.sexual_violence),
    );
    for (s, name) in crate::engine::exit::PLACE_NAMES.iter().enumerate() {
        put(
            Key::by("identified_per_year", BY_STATE, name),
            persons_year(t.identified_by_place[s]),
        );
    }
    for (l, loc) in p.locations.iter().enumerate() {
        let n = e.trafficked_by_base.get(l).copied().unwrap_or(0);
        put(
            Key::by("trafficked_per_year", BY_BASE, &loc.id),
            episode_year(n as f64),
        );
    }
    for (k, kind) in p.kinds.iter().enumerate() {
        let n = e.departed_by_kind.get(k).copied().unwrap_or(0);
        let d = e.deceived_by_kind.get(k).copied().unwrap_or(0);
        put(
            Key::by("deceptive_recruitment_share", BY_RECRUITER_KIND, &kind.id),
            ratio(d as f64, n as f64),
        );
    }
    // Recruiters are real: a mean over the months, not weighted.
    let months_n = rows.len() as f64;
    put(
        Key::total("operating_recruiters"),
        ratio(operating.iter().sum(), months_n),
    );
    let nl = p.locations.len();
    for (k, kind) in p.kinds.iter().enumerate() {
        for &(l, _) in &kind.bases {
            let n = operating.get(k * nl + l as usize).copied().unwrap_or(0.0);
            let level = format!("{}+{}", kind.id, p.locations[l as usize].id);
            put(
                Key::by("operating_recruiters", BY_RECRUITER_KIND_LOCATION, &level),
                ratio(n, months_n),
            );
        }
    }
    put(
        Key::total("reintegration_supported_per_year"),
        persons_year(t.supported),
    );
    put(
        Key::total("campaign_reached_per_year"),
        persons_year(t.reached_village + t.reached_online),
    );
    // Costs are pool-wide: for a group, its share is not defined, so groups get the pool's.
    put(
        Key::total("programme_cost_usd_per_year"),
        Some(cost.iter().sum::<f64>() * per_year),
    );
    for (c, name) in cost.iter().zip(crate::engine::enforcement::LEVERS) {
        put(
            Key::by("programme_cost_usd_per_year", BY_LEVER, name),
            Some(c * per_year),
        );
    }
    put(
        Key::total("reintegration_cost_per_person_usd"),
        ratio(
            cost[crate::engine::enforcement::lever::REINTEGRATION],
            t.supported as f64 * w,
        ),
    );
    out
}

/// Persons abroad in a month, the denominator of a point prevalence: working, held or detained,
/// stranded (not those still travelling).
pub fn abroad(t: &Tally) -> u32 {
    t.states[State::Working as usize]
        + t.states[State::Detained as usize]
        + t.states[State::Stranded as usize]
}

/// Arrivals at each destination `d` whose route passed through location `l`, keyed `(d, l)` in
/// that order, for every pair some route makes (the capital, where every journey starts, is
/// left out).
pub fn via_counts(p: &Params, t: &Tally) -> BTreeMap<(usize, usize), u64> {
    let mut out = BTreeMap::new();
    for (r, route) in p.routes.iter().enumerate() {
        for &l in &route.via {
            if p.locations[l as usize].kind != LocationKind::Capital {
                *out.entry((route.dest as usize, l as usize)).or_insert(0) +=
                    t.arrivals_by_route[r] as u64;
            }
        }
    }
    out
}

pub fn channel_name(c: Channel) -> &'static str {
    match c {
        Channel::Regular => "regular",
        Channel::VisaFraud => "visa_fraud",
        Channel::Irregular => "irregular",
        Channel::CrossBorder => "cross_border",
    }
}

/// Student-t 97.5% quantile for `df` degrees of freedom.
pub fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => T[df - 1],
        _ => {
            // Cornish–Fisher expansion around the normal quantile.
            let z: f64 = 1.959964;
            let d = df as f64;
            z + (z.powi(3) + z) / (4.0 * d)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        }
    }
}

/// Mean, standard deviation and Student-t 95% interval of the mean; `None` parts when there are
/// too few values.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

pub fn describe(values: &[f64]) -> Stats {
    let n = values.len();
    if n == 0 {
        return Stats {
            n,
            mean: None,
            sd: None,
            lo: None,
            hi: None,
        };
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Stats {
            n,
            mean: Some(mean),
            sd: None,
            lo: None,
            hi: None,
        };
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let half = t975(n - 1) * sd / (n as f64).sqrt();
    Stats {
        n,
        mean: Some(mean),
        sd: Some(sd),
        lo: Some(mean - half),
        hi: Some(mean + half),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_small_samples() {
        let s = describe(&[1.0, 2.0, 3.0]);
        assert_eq!(s.mean, Some(2.0));
        assert!((s.sd.unwrap() - 1.0).abs() < 1e-12);
        let half = 4.303 / 3f64.sqrt();
        assert!((s.hi.unwrap() - (2.0 + half)).abs() < 1e-9);
        assert!(describe(&[5.0]).sd.is_none());
        assert!(describe(&[]).mean.is_none());
    }

    #[test]
    fn t_quantile_tends_to_normal() {
        assert!((t975(1000) - 1.962).abs() < 0.002);
        assert!(t975(31) < t975(30) && t975(31) > 1.96);
    }
}
