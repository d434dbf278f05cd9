//! The pool of prospective migrants: who is in it, drawn once per replicate from the scenario's
//! distributions, and when each person enters (reaching `age_min`) and leaves it (reaching
//! `age_max`). Everyone who will ever be in the pool over the run is an agent from the start,
//! with an entry month, so entries and exits are accounted flows. Entrants are stored after the
//! initial pool in order of entry month, so the monthly step can stop at the first one not yet
//! entered. A share of the people in the
//! pool at the first month are already working abroad (the stock), part of them still in debt.
//! That is a rough first picture; a run with a settling run (`lib.rs`) instead seats its initial
//! pool on the state the settling run ended in ([`seat`]).

use super::agent::{Agent, NEVER, NO_RECRUITER, State, fl, tr};
use super::params::{Channel, ForSex, RecruiterType};
use super::params::{Ix, Params, channel_index};
use super::rng::{Purpose, RunKey, Stream};
use super::{OutOfMemory, try_vec};
use rand_distr::{Beta, Distribution, Exp};
use rayon::prelude::*;

/// Persons each agent stands for, and how many agents are in the pool at the first month.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub agents: usize,
    pub initial: usize,
    pub weight: f64,
    pub horizon: i32,
}

impl Layout {
    pub fn new(p: &Params, agents: usize, horizon: i32) -> Layout {
        Layout::starting_with(p, p.pop.persons, agents, horizon)
    }

    /// The layout of a run whose pool holds `persons` at the first month (the scenario's
    /// `persons`, or what a settling run ended with).
    pub fn starting_with(p: &Params, persons: f64, agents: usize, horizon: i32) -> Layout {
        let entrants = p.pop.entries_per_year * horizon as f64 / 12.0;
        let total = persons + entrants;
        let initial = ((agents as f64 * persons / total).round() as usize).min(agents);
        Layout {
            agents,
            initial,
            weight: total / agents as f64,
            horizon,
        }
    }

    /// The layout of a run drawn by sampling strata, whose initial pool of `persons` and
    /// entrants stand for `initial_units` and `entrant_units` units of weight an agent on
    /// average. The agents are split between the two so that one unit stands for as many
    /// persons in both: `weight` is then the persons a unit stands for.
    pub fn stratified(
        p: &Params,
        persons: f64,
        agents: usize,
        horizon: i32,
        initial_units: f64,
        entrant_units: f64,
    ) -> Layout {
        let entrants = p.pop.entries_per_year * horizon as f64 / 12.0;
        let (a0, a1) = (persons / initial_units, entrants / entrant_units);
        let initial = ((agents as f64 * a0 / (a0 + a1)).round() as usize).min(agents);
        Layout {
            agents,
            initial,
            weight: (a0 + a1) / agents as f64,
            horizon,
        }
    }
}

/// Draw the agents of `layout`: the initial pool (at home or working abroad) and the entrants.
/// Agents from index `strata_from` on (`None`: none) are drawn by the scenario's sampling strata
/// (`Population::strata`) and record their stratum; the others are in stratum 0. (An initial
/// pool that is seated on a settling run afterwards is not drawn by strata: `seat` replaces it.)
/// The first `seated` agents are left blank (`Agent::default()`), for `seat` to fill: whatever
/// was drawn for them would be replaced, and no draw of one agent depends on another's.
pub fn create(
    p: &Params,
    key: RunKey,
    layout: Layout,
    kind_start: &[u32],
    strata_from: Option<usize>,
    seated: usize,
) -> Result<Vec<Agent>, OutOfMemory> {
    let mut agents = try_vec::<Agent>(layout.agents, "the agents")?;
    let pop = &p.pop;
    let span_months = pop.span_months();
    let entrants = layout.agents - layout.initial;
    let share_sum: f32 = p.districts.iter().map(|d| d.pool_share).sum();
    let district_w: Vec<f32> = p
        .districts
        .iter()
        .map(|d| d.pool_share / share_sum)
        .collect();
    let m = pop.awareness_mean.clamp(1e-3, 1.0 - 1e-3);
    let beta = Beta::new(
        m * pop.awareness_concentration,
        (1.0 - m) * pop.awareness_concentration,
    )
    .ok();
    // The stock abroad works on the regular corridors open at the start, by route weight.
    let stock_routes: Vec<(Ix, f32)> = p
        .routes
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.channel == Channel::Regular
                && !r.onward
                && r.sex == ForSex::Anyone
                && p.pool_jobs[r.pool as usize] > 0.0
        })
        .map(|(i, r)| (i as Ix, r.weight))
        .collect();
    let stock_w: Vec<f32> = stock_routes.iter().map(|x| x.1).collect();
    let agency = p
        .kinds
        .iter()
        .position(|k| k.kind == RecruiterType::LicensedAgency);
    let loan_rates: Vec<f32> = p
        .lenders
        .iter()
        .map(|l| l.rate)
        .filter(|&r| r > 0.0)
        .collect();
    let stock_rate = if loan_rates.is_empty() {
        0.0
    } else {
        loan_rates.iter().sum::<f32>() / loan_rates.len() as f32
    };
    let debt_exp = Exp::new(1.0 / pop.initial_debt.max(1.0)).ok();
    let strata_from = match strata_from {
        Some(i) if !pop.strata.is_empty() => i,
        _ => usize::MAX,
    };
    let oversample = pop.oversample();
    let most = oversample.iter().copied().max().unwrap_or(1);

    let seated = seated.min(layout.agents);
    agents.par_extend((0..seated).into_par_iter().map(|_| Agent::default()));
    agents.par_extend((seated..layout.agents).into_par_iter().map(|i| {
        let mut rng = key.stream(i as u64, 0, Purpose::Init, 0);
        // Who the person is: a district and the traits of a life. Under sampling strata, a
        // person is kept with probability oversample / the largest oversample and drawn
        // again otherwise (on the same stream), so each stratum is drawn in proportion to its
        // share of the population times its oversampling.
        let (district, mut traits, stratum) = loop {
            let (district, traits) = draw_person(p, &district_w, &mut rng);
            if i < strata_from {
                break (district, traits, 0);
            }
            let s = pop.stratum_of(district, traits);
            if oversample[s] == most || rng.uniform() * (most as f32) < oversample[s] as f32 {
                break (district, traits, s);
            }
        };
        traits |= (stratum as u16) << tr::STRATUM_SHIFT;
        let dp = &p.districts[district as usize];
        let skill = if traits & tr::SKILLED != 0 {
            pop.skilled_income_factor
        } else {
            1.0
        };
        let home_income = rng.lognormal(
            pop.home_income * dp.income_factor * skill,
            pop.home_income_sd_log,
        );
        let awareness = beta
            .as_ref()
            .map(|b| b.sample(&mut rng) as f32)
            .unwrap_or(m as f32);
        let (entry, state) = if i < layout.initial {
            // Already in the pool: spread over the ages of the pool.
            (
                -(rng.below(span_months.max(1) as usize) as i32),
                State::AtHome,
            )
        } else {
            let j = i - layout.initial;
            (
                (j as i64 * layout.horizon as i64 / entrants.max(1) as i64) as i32,
                State::Absent,
            )
        };
        let mut a = Agent {
            debt: 0.0,
            advance: 0.0,
            savings: pop.savings_months * home_income,
            home_income,
            wage: 0.0,
            promised: 0.0,
            cost: 0.0,
            rate: 0.0,
            recruiter: NO_RECRUITER,
            flags: 0,
            entry: entry as i16,
            departed: NEVER,
            returned: NEVER,
            traits,
            state,
            district,
            location: 0,
            route: 0,
            leg: 0,
            timer: 0,
            months_in_state: 0,
            awareness: 0,
            arrears: 0,
            withheld: 0,
        };
        a.set_awareness(awareness);
        if state == State::AtHome
            && rng.chance(pop.initial_abroad_share)
            && let Some(j) = rng.pick(&stock_w)
        {
            {
                let route = stock_routes[j].0;
                let rp = &p.routes[route as usize];
                let dest = &p.dests[rp.dest as usize];
                a.route = route;
                a.set_state(State::Working);
                a.location = dest.location as u8;
                a.wage = rng.lognormal(dest.wage, dest.wage_sd_log);
                a.promised = a.wage;
                a.cost = rp.fee + rp.travel_cost;
                a.timer = 1 + rng.below(dest.contract_months as usize) as u8;
                a.departed = -((dest.contract_months - a.timer) as i16);
                a.flags = fl::LEGAL
                    | fl::PAID
                    | fl::ARRIVED
                    | ((channel_index(Channel::Regular) as u32) << fl::CHANNEL_SHIFT);
                if let Some(k) = agency {
                    let (s, e) = (kind_start[k], kind_start[k + 1]);
                    if e > s {
                        a.recruiter = s + rng.below((e - s) as usize) as u32;
                    }
                }
                if rng.chance(pop.initial_indebted_share) {
                    a.debt = debt_exp
                        .as_ref()
                        .map(|d| d.sample(&mut rng) as f32)
                        .unwrap_or(0.0);
                    a.rate = stock_rate;
                    a.flags |= fl::BORROWED;
                }
            }
        }
        a
    }));
    Ok(agents)
}

/// A person's district and the traits drawn with it (sex, skill, land, ties, social media,
/// town), in a fixed order on `rng`.
fn draw_person(p: &Params, district_w: &[f32], rng: &mut Stream) -> (Ix, u16) {
    let pop = &p.pop;
    let district = rng.pick(district_w).unwrap_or(0) as Ix;
    let dp = &p.districts[district as usize];
    let mut traits = 0u16;
    let mut set = |bit: u16, prob: f32, rng: &mut Stream| {
        if rng.chance(prob) {
            traits |= bit;
        }
    };
    set(tr::WOMAN, pop.women_share, rng);
    set(tr::SKILLED, pop.skilled_share, rng);
    set(tr::LAND, pop.land_share, rng);
    set(tr::TIES, dp.ties_share, rng);
    set(tr::ONLINE, pop.online_share as f32, rng);
    set(tr::URBAN, dp.urban_share, rng);
    (district, traits)
}

/// The mean oversampling of the persons `draw_person` draws (each stratum's share of
/// them, worked out exactly from the shares of the districts and the chances of the traits).
fn mean_oversample(p: &Params) -> f64 {
    let pop = &p.pop;
    let oversample = pop.oversample();
    let share_sum: f64 = p.districts.iter().map(|d| d.pool_share as f64).sum();
    let mut mean = 0.0;
    for (d, dp) in p.districts.iter().enumerate() {
        let chances = [
            (tr::WOMAN, pop.women_share as f64),
            (tr::SKILLED, pop.skilled_share as f64),
            (tr::LAND, pop.land_share as f64),
            (tr::TIES, dp.ties_share as f64),
            (tr::ONLINE, pop.online_share),
            (tr::URBAN, dp.urban_share as f64),
        ];
        for combo in 0..(1u32 << chances.len()) {
            let mut traits = 0u16;
            let mut prob = dp.pool_share as f64 / share_sum;
            for (b, &(bit, chance)) in chances.iter().enumerate() {
                let chance = chance.clamp(0.0, 1.0);
                if combo & (1 << b) != 0 {
                    traits |= bit;
                    prob *= chance;
                } else {
                    prob *= 1.0 - chance;
                }
            }
            mean += prob * oversample[pop.stratum_of(d as Ix, traits)] as f64;
        }
    }
    mean
}

/// Persons ever in the pool of a run of `horizon` months that starts with `persons`: the agents
/// of a run with one agent per person.
pub fn persons_ever(p: &Params, persons: f64, horizon: i32) -> usize {
    let ever = persons + p.pop.entries_per_year * horizon as f64 / 12.0;
    ever.round().max(1.0) as usize
}

/// Persons alive and in the pool among `agents`, each standing for `weight`.
pub fn persons_in_pool(agents: &[Agent], weight: f64) -> f64 {
    agents.iter().filter(|a| a.in_pool()).count() as f64 * weight
}

/// A household's access to credit as far as fixed draws keyed by its index decide it: one bit
/// per lender (the first 63) and one for the safe-migration loan.
fn credit_profile(p: &Params, key: RunKey, i: usize) -> u64 {
    let mut bits = 0u64;
    for (l, lender) in p.lenders.iter().enumerate().take(63) {
        if key.fixed(i as u64, Purpose::Finance, l as u16) < lender.access_share {
            bits |= 1 << l;
        }
    }
    if key.fixed(i as u64, Purpose::SafeLoan, 0) < p.policy.finance.coverage_share {
        bits |= 1 << 63;
    }
    bits
}

/// Seat the initial pool on a settled one: each person of `initial` (drawn with `key`) takes the
/// state of a person drawn at random among those alive and in the pool at the end of a settling
/// run of `months` months (drawn with `settled_key`), with every month in it moved back by
/// `months`, so that the first simulated month of the run is the settling run's last. The
/// people of the initial pool then have the age, land, savings, debt, history and state (at
/// home, seeking, abroad, on the way) that the model itself produces, not the scenario's rough
/// first picture of them. Access to credit is a fixed draw keyed by a person's index, and in the
/// steady state it is not independent of the rest (who could borrow has left; who could not
/// is still at home), so a person is drawn among those with the same access as its own; only
/// when none has it, among all. Every seated agent is put in sampling stratum `stratum` (the
/// rest, under strata): drawing some strata more often within each credit profile would need a
/// weight per profile, so the initial pool is drawn uniformly and the strata are drawn among
/// the entrants.
pub fn seat(
    p: &Params,
    key: RunKey,
    initial: &mut [Agent],
    settled: &[Agent],
    settled_key: RunKey,
    months: i32,
    stratum: usize,
) {
    let alive = alive_by_profile(p, settled, settled_key);
    if alive.is_empty() {
        return;
    }
    let shift = |m: i16| {
        if m == NEVER {
            NEVER
        } else {
            (m as i32 - months).max(NEVER as i32 + 1) as i16
        }
    };
    initial.par_iter_mut().enumerate().for_each(|(i, a)| {
        let (from, to) = profile_range(&alive, credit_profile(p, key, i));
        // Month `months` of the settling run's key is past its last: no draw of it repeats.
        let mut rng = settled_key.stream(i as u64, months as u32, Purpose::Init, 0);
        let mut b = settled[alive[from + rng.below(to - from)].1 as usize];
        b.set_stratum(stratum);
        b.entry = shift(b.entry);
        b.departed = shift(b.departed);
        b.returned = shift(b.returned);
        *a = b;
    });
}

/// The settled persons alive and in the pool, as (credit profile, index), sorted.
fn alive_by_profile(p: &Params, settled: &[Agent], settled_key: RunKey) -> Vec<(u64, u32)> {
    let mut alive: Vec<(u64, u32)> = settled
        .iter()
        .enumerate()
        .filter(|(_, a)| a.in_pool())
        .map(|(j, _)| (credit_profile(p, settled_key, j), j as u32))
        .collect();
    alive.sort_unstable();
    alive
}

/// The range of `alive` with credit profile `profile`, or all of it if none has it.
fn profile_range(alive: &[(u64, u32)], profile: u64) -> (usize, usize) {
    let from = alive.partition_point(|x| x.0 < profile);
    let to = alive.partition_point(|x| x.0 <= profile);
    if to > from {
        (from, to)
    } else {
        (0, alive.len())
    }
}

/// The mean units of weight of an agent `create` draws: the units of the rest over the mean
/// oversampling of the persons drawn.
pub fn created_mean_units(p: &Params) -> f64 {
    *p.pop.units().last().unwrap_or(&1) as f64 / mean_oversample(p)
}
