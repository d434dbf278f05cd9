//! What every phase reads (the month's world state) and writes (its chunk's counters).

use super::offers::Offer;
use super::params::{Ix, Params};
use super::recruiters::Recruiters;
use super::rng::{Purpose, RunKey, Stream};
use super::stats::{Outcomes, Tally};

/// Read-only view of the world for one month. Every agent sees the same one within a phase.
pub struct Ctx<'a> {
    pub p: &'a Params,
    pub rec: &'a Recruiters,
    pub key: RunKey,
    /// Simulated month index (0 = first spin-up month).
    pub t: i32,
    /// First reported month index.
    pub first: i32,
    /// Last simulated month index.
    pub last: i32,
    /// People who entered the pool in this month or before have reached its top age and leave
    /// it (`t - Population::span_months`), worked out once a month.
    pub aged_out: i32,
    /// Share of the eligible returnees reintegration support can pay for this month under its
    /// budget (1 without a budget): worked out from last month's eligible returnees.
    pub budget_share: f32,
    /// Units of weight of an agent of each sampling stratum (`Params::units`; `[1]` without
    /// strata).
    pub units: &'a [u32],
}

impl Ctx<'_> {
    /// Units of weight agent `a` stands for.
    #[inline(always)]
    pub fn units(&self, a: &super::agent::Agent) -> u16 {
        self.units[a.stratum()] as u16
    }

    #[inline(always)]
    pub fn rng(&self, agent: usize, purpose: Purpose, sub: u16) -> Stream {
        self.key.stream(agent as u64, self.t as u32, purpose, sub)
    }

    /// Reported-year index of a month, if it is reported.
    #[inline(always)]
    pub fn year_of(&self, month: i16) -> Option<usize> {
        let m = month as i32;
        if m >= self.first && m <= self.last {
            Some(((m - self.first) / 12) as usize)
        } else {
            None
        }
    }
}

/// An application to a recruiter, waiting for matching.
#[derive(Clone, Copy, Debug)]
pub struct Application {
    pub agent: u32,
    pub recruiter: u32,
    pub priority: u32,
    /// The job openings it needs (`RouteP::pool`).
    pub pool: Ix,
    /// Kind of the broker that carried the offer (brokers' capacity is rationed too).
    pub broker_kind: Option<Ix>,
    /// Needs one of the destination's job openings (regular work visa).
    pub needs_job: bool,
    /// What the offer costs in fees (to the recruiter and any broker), and the part of it the
    /// recruiter advances: paid at departure.
    pub fee: f32,
    pub advance: f32,
    /// Units of weight the applicant stands for (`Params::units` of its stratum): the places
    /// it takes.
    pub units: u16,
    pub accepted: bool,
}

/// A returning victim's trace to its recruiter, in its district.
#[derive(Clone, Copy, Debug)]
pub struct Trace {
    pub recruiter: u32,
    pub district: Ix,
    /// Units of weight the victim stands for.
    pub units: u16,
}

/// What one chunk of agents writes during a pass.
pub struct Local<'a> {
    /// The month's counters, one per cell (`Agent::cell`: group and sampling stratum).
    pub tally: &'a mut [Tally],
    pub out: &'a mut Outcomes,
    pub apps: &'a mut Vec<Application>,
    pub traces: &'a mut Vec<Trace>,
    /// Scratch space for a seeker's offers and the weights of its choice.
    pub offers: &'a mut Vec<Offer>,
    pub weights: &'a mut Vec<f32>,
}

impl Local<'_> {
    /// The month's counters of `a`'s cell.
    #[inline(always)]
    pub fn t(&mut self, a: &super::agent::Agent) -> &mut Tally {
        &mut self.tally[a.cell()]
    }
}
