//! Phase 4, matching: the main interaction between agents. Recruiters have a monthly capacity
//! and destinations have job openings; when more seekers apply than there are places, places go
//! in a random priority order (keyed draws, ties broken by agent index) and the rest try again
//! next month. Only over-subscribed groups are sorted.
//!
//! Applicants brought by a broker are first rationed by the brokers' capacity, then everyone by
//! the capacity of the principal they applied to. Capacities are in persons; each agent uses
//! `weight` of them. The capacities of the recruiters of one kind are rationed together: a single agency may place fewer than one agent a month at
//! a coarse weight, and pooling keeps the number placed independent of the weight. Each
//! recruiter still counts through its own capacity (a compliant agency under a fee cap adds
//! less), its reputation and its enforcement state. A pool of x agents admits floor(x), plus one
//! more with probability x − floor(x) (a keyed draw).

use super::context::Application;
use super::params::Params;
use super::recruiters::Recruiters;
use super::rng::{Purpose, RunKey, Stream, entity};

/// Demand and what was met, per recruiter kind (for market entry), in units of weight.
#[derive(Clone, Debug, Default)]
pub struct KindDemand {
    pub applied: Vec<u32>,
    pub rejected: Vec<u32>,
}

/// Accept up to `places` units of weight of `group` (indices into `all`), lowest priority
/// first. Returns the units turned away. An applicant stands for
/// `Application::units` units (1 unless the scenario samples by strata); one that only partly
/// fits in what is left is accepted with the probability of the part that fits (its own keyed
/// draw), so the places taken are right on average.
fn ration(all: &mut [Application], group: &mut [u32], places: usize, key: RunKey, t: i32) -> usize {
    let units: usize = group.iter().map(|&j| all[j as usize].units as usize).sum();
    if units <= places {
        return 0;
    }
    group.sort_unstable_by_key(|&j| (all[j as usize].priority, all[j as usize].agent));
    let mut left = places;
    let mut rejected = 0;
    for &j in group.iter() {
        let app = &mut all[j as usize];
        let u = app.units as usize;
        if u <= left {
            left -= u;
        } else {
            if left > 0
                && key
                    .stream(app.agent as u64, t as u32, Purpose::Matching, 2)
                    .uniform()
                    < left as f32 / u as f32
            {
                left = 0;
                continue;
            }
            left = 0;
            app.accepted = false;
            rejected += u;
        }
    }
    rejected
}

/// Whole places this month for a capacity of `x` agents: stochastic rounding with a keyed draw.
#[inline]
fn places(x: f32, mut rng: Stream) -> usize {
    let x = x.max(0.0);
    let whole = x.floor();
    whole as usize + rng.chance(x - whole) as usize
}

/// Working memory of the matching phase, kept between months so the step does not allocate,
/// and the months each destination has been open (for the ramp of a reopened market).
#[derive(Clone, Debug, Default)]
pub struct Buffers {
    groups: Vec<Vec<u32>>,
    capacity: Vec<f32>,
    open_months: Vec<u32>,
}

/// Job openings of pool `d` (a destination's, or a route's own) this month: its openings a
/// month, built up linearly over its ramp months after the market opened.
pub fn openings(p: &Params, d: usize, open_months: u32) -> f32 {
    let (jobs, ramp) = (p.pool_jobs[d], p.pool_ramp[d]);
    if ramp == 0 {
        jobs
    } else {
        jobs * (open_months as f32 / ramp as f32).min(1.0)
    }
}

/// Decide which applications are accepted in month `t`.
pub fn match_all(
    p: &Params,
    rec: &Recruiters,
    all: &mut [Application],
    weight: f64,
    key: RunKey,
    t: i32,
    buf: &mut Buffers,
) -> KindDemand {
    let nk = p.kinds.len();
    let mut demand = KindDemand {
        applied: vec![0; nk],
        rejected: vec![0; nk],
    };
    let Buffers {
        groups,
        capacity,
        open_months,
    } = buf;
    open_months.resize(p.pool_jobs.len(), 0);
    for (d, open) in open_months.iter_mut().enumerate() {
        *open = if p.pool_jobs[d] > 0.0 {
            open.saturating_add(1)
        } else {
            0
        };
    }
    // Each kind's pool: the capacities of its recruiters operating this month.
    rec.pooled_capacity(p, key, capacity);
    groups.resize(nk.max(p.pool_jobs.len()), Vec::new());
    let w = weight as f32;
    // Brokers first: a broker brings only so many people a month.
    for g in groups.iter_mut() {
        g.clear();
    }
    for (j, a) in all.iter_mut().enumerate() {
        a.accepted = true;
        if let Some(b) = a.broker_kind {
            groups[b as usize].push(j as u32);
        }
    }
    for (k, group) in groups.iter_mut().enumerate().take(nk) {
        if !group.is_empty() {
            let n = places(
                capacity[k] / w,
                key.stream(entity::kind(k), t as u32, Purpose::Matching, 1),
            );
            ration(all, group, n, key, t);
        }
    }
    // Then the principals: agencies, fraudulent agencies, networks.
    for g in groups.iter_mut() {
        g.clear();
    }
    for (j, a) in all.iter().enumerate() {
        if a.accepted {
            groups[rec.kind[a.recruiter as usize] as usize].push(j as u32);
        }
    }
    for k in 0..nk {
        let group = &mut groups[k];
        if group.is_empty() {
            continue;
        }
        let n = places(
            capacity[k] / w,
            key.stream(entity::kind(k), t as u32, Purpose::Matching, 0),
        );
        demand.applied[k] = group.iter().map(|&j| all[j as usize].units as u32).sum();
        demand.rejected[k] = ration(all, group, n, key, t) as u32;
    }
    // Job openings of each pool, for the regular applicants the recruiters accepted.
    for g in groups.iter_mut() {
        g.clear();
    }
    for (j, a) in all.iter().enumerate() {
        if a.accepted && a.needs_job {
            groups[a.pool as usize].push(j as u32);
        }
    }
    for d in 0..p.pool_jobs.len() {
        let group = &mut groups[d];
        if group.is_empty() {
            continue;
        }
        let n = places(
            openings(p, d, open_months[d]) / w,
            key.stream(entity::destination(d), t as u32, Purpose::Matching, 0),
        );
        ration(all, group, n, key, t);
    }
    demand
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(agent: u32, priority: u32) -> Application {
        Application {
            agent,
            recruiter: 0,
            priority,
            pool: 0,
            broker_kind: None,
            needs_job: false,
            fee: 0.0,
            advance: 0.0,
            units: 1,
            accepted: true,
        }
    }

    #[test]
    fn ration_accepts_lowest_priorities() {
        let mut all = vec![app(0, 50), app(1, 10), app(2, 30), app(3, 20)];
        let mut group: Vec<u32> = (0..4).collect();
        let rejected = ration(&mut all, &mut group, 2, RunKey::new(1, 0), 0);
        let accepted: Vec<u32> = all.iter().filter(|a| a.accepted).map(|a| a.agent).collect();
        assert_eq!(accepted, vec![1, 3]);
        assert_eq!(rejected, 2);
    }

    #[test]
    fn ration_under_capacity_accepts_all() {
        let mut all = vec![app(0, 5), app(1, 1)];
        let mut group: Vec<u32> = (0..2).collect();
        let rejected = ration(&mut all, &mut group, 10, RunKey::new(1, 0), 0);
        assert!(all.iter().all(|a| a.accepted));
        assert_eq!(rejected, 0);
    }

    #[test]
    fn applicants_standing_for_several_units_take_that_many_places_on_average() {
        // Three applicants of 4 units each for 6 places: the first fits, the second fits only
        // by half and is accepted half the time, the third never; 6 places used on average.
        let n = 20_000;
        let mut second = 0;
        for t in 0..n {
            let mut all: Vec<Application> = (0..3)
                .map(|i| Application {
                    units: 4,
                    ..app(i, i)
                })
                .collect();
            let mut group: Vec<u32> = (0..3).collect();
            let rejected = ration(&mut all, &mut group, 6, RunKey::new(5, 0), t);
            assert!(all[0].accepted && !all[2].accepted);
            assert_eq!(rejected, if all[1].accepted { 4 } else { 8 });
            second += all[1].accepted as u32;
        }
        assert!(
            (second as f64 / n as f64 - 0.5).abs() < 0.015,
            "{second} of {n}"
        );
    }

    #[test]
    fn stochastic_rounding_keeps_the_mean() {
        let key = RunKey::new(3, 0);
        let n = 20_000;
        let total: usize = (0..n)
            .map(|t| places(0.3, key.stream(9, t, Purpose::Matching, 0)))
            .sum();
        assert!((total as f64 / n as f64 - 0.3).abs() < 0.01);
        assert_eq!(places(2.0, key.stream(9, 0, Purpose::Matching, 0)), 2);
    }
}
