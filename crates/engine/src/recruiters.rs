//! The recruiters: individual agents of each kind, with their capacity, reputation per district,
//! compliance with the fee cap, and enforcement state. Counts and capacities are real numbers:
//! recruiters are never sampled; a migrant agent uses up `weight` places of capacity.

use super::params::RecruiterType;
use super::params::{Ix, Params};
use super::rng::{Purpose, RunKey, entity};
use super::{OutOfMemory, try_filled, try_vec};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    /// Under prosecution; keeps operating until the verdict (`timer` months away).
    Prosecuted,
    /// Convicted, lost its licence, or never filled: an empty slot a new recruiter may take.
    Closed,
}

#[derive(Clone, Debug)]
pub struct Recruiters {
    pub kind: Vec<Ix>,
    pub status: Vec<Status>,
    pub timer: Vec<u16>,
    /// Home district of a broker (brokers work in one district); 255 for others.
    pub home: Vec<Option<Ix>>,
    /// Each recruiter's fixed draw in [0, 1) for compliance with the fee cap: it complies while
    /// the draw is under the epoch's `p_comply`, so a cap enforced from a date on is obeyed from
    /// then on by the agencies it deters.
    pub comply_draw: Vec<f32>,
    /// Reputation in each district, `r * districts + d`.
    pub reputation: Vec<f32>,
    /// Victims traced to each recruiter this month (agents).
    pub victims: Vec<u32>,
    /// First recruiter id of each kind, and one past the last.
    pub kind_start: Vec<u32>,
    /// Active recruiters of each kind that reach each district: `[kind * districts + d]`.
    pub reach: Vec<Vec<u32>>,
    /// All places (open or closed) of each kind in each district, same indexing.
    pub slots: Vec<u32>,
    pub districts: usize,
}

impl Recruiters {
    /// Create every recruiter of every kind. Brokers are spread over districts by pool share.
    pub fn new(p: &Params, key: RunKey) -> Result<Recruiters, OutOfMemory> {
        let nd = p.districts.len();
        let total: usize = p.kinds.iter().map(|k| k.count as usize).sum();
        let mut r = Recruiters {
            kind: try_vec(total, "the recruiters")?,
            status: try_vec(total, "the recruiters")?,
            timer: try_filled(total, 0, "the recruiters")?,
            home: try_vec(total, "the recruiters")?,
            comply_draw: try_vec(total, "the recruiters")?,
            reputation: try_vec(
                total.saturating_mul(nd),
                "the recruiters' reputations by district",
            )?,
            victims: try_filled(total, 0, "the recruiters")?,
            kind_start: Vec::with_capacity(p.kinds.len() + 1),
            reach: try_filled(p.kinds.len() * nd, Vec::new(), "the recruiters' reach")?,
            slots: try_filled(p.kinds.len() * nd, 0, "the recruiters' reach")?,
            districts: nd,
        };
        for (k, kind) in p.kinds.iter().enumerate() {
            r.kind_start.push(r.kind.len() as u32);
            // The districts this kind may work in (all, unless the scenario lists some).
            let allowed: Vec<Ix> = if kind.districts.is_empty() {
                (0..nd).map(|d| d as Ix).collect()
            } else {
                kind.districts.clone()
            };
            let share_sum: f32 = allowed
                .iter()
                .map(|&d| p.districts[d as usize].pool_share)
                .sum();
            for j in 0..kind.count {
                let id = r.kind.len() as u64;
                r.kind.push(k as Ix);
                r.status.push(Status::Active);
                let home = if kind.kind == RecruiterType::InformalBroker {
                    // Spread brokers over the districts they may work in, by pool share.
                    let x = (j as f32 + 0.5) / kind.count as f32 * share_sum;
                    let mut acc = 0.0;
                    let mut home: Ix = 0;
                    for &d in &allowed {
                        acc += p.districts[d as usize].pool_share;
                        home = d;
                        if x < acc {
                            break;
                        }
                    }
                    Some(home)
                } else {
                    None
                };
                r.home.push(home);
                r.comply_draw
                    .push(key.fixed(entity::recruiter(id as usize), Purpose::Market, 0));
                for _ in 0..nd {
                    r.reputation.push(kind.reputation);
                }
            }
        }
        r.kind_start.push(r.kind.len() as u32);
        let mut slots = std::mem::take(&mut r.slots);
        for id in 0..r.len() {
            r.for_each_district(p, id, |slot| slots[slot] += 1);
        }
        r.slots = slots;
        r.rebuild_reach(p, key);
        Ok(r)
    }

    /// Call `f` with the `[kind * districts + d]` index of every district recruiter `r` reaches.
    fn for_each_district(&self, p: &Params, r: usize, mut f: impl FnMut(usize)) {
        let nd = self.districts;
        let k = self.kind[r] as usize;
        if let Some(home) = self.home[r] {
            f(k * nd + home as usize);
        } else if p.kinds[k].districts.is_empty() {
            (0..nd).for_each(|d| f(k * nd + d));
        } else {
            p.kinds[k]
                .districts
                .iter()
                .for_each(|&d| f(k * nd + d as usize));
        }
    }

    pub fn len(&self) -> usize {
        self.kind.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }

    /// Whether a recruiter is operating this month (brokers driven out by policy are not).
    #[inline]
    pub fn operating(&self, p: &Params, key: RunKey, r: usize) -> bool {
        if self.status[r] == Status::Closed {
            return false;
        }
        let kind = &p.kinds[self.kind[r] as usize];
        if kind.kind == RecruiterType::InformalBroker {
            let x = key.fixed(entity::recruiter(r), Purpose::Market, 1);
            return x >= p.policy.recruitment.broker_exit_share;
        }
        true
    }

    /// Rebuild the per-district lists of operating recruiters (after enforcement and entry).
    pub fn rebuild_reach(&mut self, p: &Params, key: RunKey) {
        for v in &mut self.reach {
            v.clear();
        }
        let mut reach = std::mem::take(&mut self.reach);
        for r in 0..self.len() {
            if self.operating(p, key, r) {
                self.for_each_district(p, r, |slot| reach[slot].push(r as u32));
            }
        }
        self.reach = reach;
    }

    /// Whether recruiter `r` charges no more than the fee cap under this epoch's enforcement
    /// (only licensed agencies are capped).
    #[inline]
    pub fn compliant(&self, p: &Params, r: usize) -> bool {
        self.comply_draw[r] < p.policy.recruitment.p_comply
    }

    #[inline]
    pub fn reputation(&self, r: u32, d: Ix) -> f32 {
        self.reputation[r as usize * self.districts + d as usize]
    }

    /// Monthly placement capacity of a recruiter, in persons. A licensed agency that complies
    /// with a fee cap below its market price places fewer people: only as many as the capped
    /// fee still pays for (the margin over the agency's cost, relative to the uncapped margin).
    pub fn capacity(&self, p: &Params, r: usize) -> f32 {
        let kind = &p.kinds[self.kind[r] as usize];
        let mut cap = kind.capacity;
        if kind.kind == RecruiterType::LicensedAgency
            && self.compliant(p, r)
            && let Some(fee_cap) = p.policy.recruitment.fee_cap
        {
            cap *= cap_margin_factor(p, kind, fee_cap);
        }
        cap
    }
}

/// Fraction of an agency's placements that still pay under the cap, averaged over its routes.
pub fn cap_margin_factor(p: &Params, kind: &super::params::KindP, cap: f32) -> f32 {
    let employer = p.policy.recruitment.employer_pays_share;
    let mut wsum = 0.0;
    let mut fsum = 0.0;
    for &(route, w) in &kind.routes {
        let r = &p.routes[route as usize];
        let price = r.fee * kind.fee_factor;
        // The agency receives the capped part from the migrant plus the employer's share.
        let received = (price * (1.0 - employer)).min(cap) + price * employer;
        let margin_full = (price - r.agency_cost).max(1.0);
        let f = ((received - r.agency_cost) / margin_full).clamp(0.0, 1.0);
        wsum += w;
        fsum += w * f;
    }
    if wsum > 0.0 { fsum / wsum } else { 1.0 }
}
