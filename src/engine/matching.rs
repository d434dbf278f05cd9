//! Phase 4, matching: the main interaction between agents. Each recruiter places at most its
//! monthly capacity; an over-subscribed recruiter accepts applicants in a random priority order
//! (keyed draws, ties broken by agent index) and the rest try again next month. Destinations'
//! job openings cap regular arrivals the same way. Only over-subscribed groups are sorted.
//!
//! Capacities are in persons; each agent uses `weight` of them. Capacity left unused carries
//! over up to one agent's worth, so that small recruiters still place people at any weight.

use super::context::Application;
use super::params::{Params, MAX_DEST};
use super::recruiters::Recruiters;

/// Demand and what was met, per recruiter kind (for market entry).
#[derive(Clone, Debug, Default)]
pub struct KindDemand {
    pub applied: Vec<u32>,
    pub rejected: Vec<u32>,
}

/// Accept up to `avail` of `apps` (indices into `all`), lowest priority first. Returns the
/// capacity left.
fn ration(all: &mut [Application], group: &mut [u32], avail: f32) -> f32 {
    let k = (avail.max(0.0).floor() as usize).min(group.len());
    if k < group.len() {
        group.sort_unstable_by_key(|&j| (all[j as usize].priority, all[j as usize].agent));
        for &j in &group[k..] {
            all[j as usize].accepted = false;
        }
    }
    avail - k as f32
}

/// Decide which applications are accepted. `jobs_carry` and the recruiters' carries persist
/// across months.
pub fn match_all(p: &Params, rec: &mut Recruiters, all: &mut [Application], weight: f64, jobs_carry: &mut [f32; MAX_DEST]) -> KindDemand {
    let mut demand = KindDemand { applied: vec![0; p.kinds.len()], rejected: vec![0; p.kinds.len()] };
    for a in all.iter_mut() {
        a.accepted = true;
    }
    // Group applications by recruiter (counting sort keeps the order deterministic).
    let n = rec.len();
    let mut start = vec![0u32; n + 1];
    for a in all.iter() {
        start[a.recruiter as usize + 1] += 1;
    }
    for r in 0..n {
        start[r + 1] += start[r];
    }
    let mut fill = start.clone();
    let mut order = vec![0u32; all.len()];
    for (j, a) in all.iter().enumerate() {
        let r = a.recruiter as usize;
        order[fill[r] as usize] = j as u32;
        fill[r] += 1;
    }
    let w = weight as f32;
    for r in 0..n {
        let (s, e) = (start[r] as usize, start[r + 1] as usize);
        let avail = rec.capacity(p, r) / w + rec.carry[r];
        let kind = rec.kind[r] as usize;
        demand.applied[kind] += (e - s) as u32;
        let left = ration(all, &mut order[s..e], avail);
        demand.rejected[kind] += (e - s) as u32 - (avail.max(0.0).floor() as usize).min(e - s) as u32;
        rec.carry[r] = left.min(1.0);
    }
    // Job openings at each destination, for the regular applicants the recruiters accepted.
    let mut by_dest: Vec<Vec<u32>> = vec![Vec::new(); p.dests.len()];
    for (j, a) in all.iter().enumerate() {
        if a.accepted && a.needs_job {
            by_dest[a.dest as usize].push(j as u32);
        }
    }
    for (d, group) in by_dest.iter_mut().enumerate() {
        let avail = p.dests[d].jobs_per_month / w + jobs_carry[d];
        let left = ration(all, group, avail);
        jobs_carry[d] = left.min(1.0);
    }
    demand
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(agent: u32, priority: u32) -> Application {
        Application { agent, recruiter: 0, priority, dest: 0, needs_job: false, accepted: true }
    }

    #[test]
    fn ration_accepts_lowest_priorities() {
        let mut all = vec![app(0, 50), app(1, 10), app(2, 30), app(3, 20)];
        let mut group: Vec<u32> = (0..4).collect();
        let left = ration(&mut all, &mut group, 2.5);
        let accepted: Vec<u32> = all.iter().filter(|a| a.accepted).map(|a| a.agent).collect();
        assert_eq!(accepted, vec![1, 3]);
        assert!((left - 0.5).abs() < 1e-6);
    }

    #[test]
    fn ration_under_capacity_accepts_all() {
        let mut all = vec![app(0, 5), app(1, 1)];
        let mut group: Vec<u32> = (0..2).collect();
        let left = ration(&mut all, &mut group, 10.0);
        assert!(all.iter().all(|a| a.accepted));
        assert!((left - 8.0).abs() < 1e-6);
    }
}
