//! The simulation engine: the model of docs/MODEL.md, stepped month by month.
//!
//! **The engine does no I/O.** It receives compiled parameters and returns counts; reading
//! scenarios and writing files belong to `scenario` and `output`.

pub mod agent;
pub mod aspiration;
pub mod attempt;
pub mod awareness;
pub mod choice;
pub mod context;
pub mod enforcement;
pub mod exit;
pub mod exploitation;
pub mod finance;
pub mod journey;
pub mod matching;
pub mod offers;
pub mod params;
pub mod population;
pub mod prefetch;
pub mod recruiters;
pub mod reintegration;
pub mod rng;
pub mod select;
pub mod shared;
pub mod stats;
pub mod step;
pub mod work;

pub use params::Params;

use rng::RunKey;
use stats::{Outcomes, Tally};

/// Parameters in force from simulated month `from` on.
pub struct Epoch {
    pub from: u32,
    pub params: Params,
}

/// How to run one replicate.
#[derive(Clone, Copy, Debug)]
pub struct RunSpec {
    pub seed: u64,
    pub replicate: u32,
    pub agents: usize,
    pub spin_up: u32,
    pub months: u32,
    /// One agent per person (weight 1): the run has as many agents as the persons the pool
    /// holds at the first month plus those entering it, worked out once the settling run is
    /// done (`agents` is then only the estimate used to plan memory), and no sampling strata.
    pub full: bool,
}

/// One reported month.
#[derive(Clone, Debug)]
pub struct MonthRow {
    pub tally: Tally,
    /// The month's counters of each group (`stats::GROUPS`); `tally` is their sum.
    pub groups: Vec<Tally>,
    pub enforcement: enforcement::Counts,
}

/// What one replicate produced: counts in agents, and the weight that turns them into persons.
#[derive(Debug)]
pub struct Replicate {
    pub replicate: u32,
    pub weight: f64,
    pub months: Vec<MonthRow>,
    pub outcomes: Outcomes,
    /// Largest monthly gap between the households' change in net worth and the ledger's net
    /// transfers to households, relative to the month's gross flows.
    pub ledger_gap: f64,
    /// Agents drawn in each sampling stratum, then the rest (`[agents]` without strata).
    pub stratum_agents: Vec<u64>,
    /// Agents simulated (`RunSpec::agents`, or the persons of a `full` run).
    pub agents: usize,
}

/// Memory the engine asked for and could not get: the run cannot go on, but the process does
/// not abort; the caller reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutOfMemory {
    /// What was being allocated.
    pub what: &'static str,
    pub bytes: u64,
}

impl std::fmt::Display for OutOfMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not enough memory for {} ({:.1} GB)",
            self.what,
            self.bytes as f64 / 1e9
        )
    }
}

impl std::error::Error for OutOfMemory {}

/// Memory one replicate needs, in bytes: what it holds while it runs (the agents with their
/// per-chunk counters, and the recruiters), and what its result keeps (monthly and yearly
/// counts) until written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    pub agents: u64,
    pub recruiters: u64,
    pub kept: u64,
}

/// The memory a replicate of `spec` under `p` needs, worked out from the engine's own layouts
/// before anything is allocated.
pub fn footprint(p: &Params, spec: RunSpec) -> Footprint {
    use std::mem::size_of;
    // The settling run's agents are held, with the run's, while the run is set up.
    let agents = spec.agents as u64 + settle_agents(p, spec) as u64;
    let chunks = agents.div_ceil(step::chunk_size(spec.agents) as u64);
    let years = (spec.months as u64).div_ceil(12) + 1;
    // A tally's fixed part and its counters by destination (four), by route and by location;
    // one per group, and their total.
    let one_tally = size_of::<Tally>() as u64
        + 4 * (4 * p.dests.len() + p.routes.len() + p.locations.len()) as u64;
    // Counters are kept per group and sampling stratum.
    let strata = if spec.full {
        1
    } else {
        p.pop.strata.len() as u64 + 1
    };
    let tally = (stats::GROUPS as u64 * strata + 1) * one_tally;
    let outcomes = years
        * stats::GROUPS as u64
        * strata
        * (size_of::<stats::EpisodeAcc>() + size_of::<stats::ReturnAcc>() + 4 * p.kinds.len())
            as u64;
    // Each recruiter: kind, status, timer, home and base; ten draws and traits (compliance,
    // licence ethics, deception, coercion, price, capacity, this month's deception and
    // coercion, the fixed draws of exit and registration); principal and victims; its list of
    // brokers and its entry in its principal's; whether it is counted as operating, and
    // whether it is recovering (and its entry in that list); a reputation and at most one
    // reach entry per district.
    let recruiters: u64 = p.kinds.iter().map(|k| k.count as u64).sum();
    let per_recruiter = (size_of::<params::Ix>()
        + size_of::<recruiters::Status>()
        + size_of::<u16>()
        + size_of::<Option<params::Ix>>()
        + size_of::<u8>()
        + 10 * size_of::<f32>()
        + 2 * size_of::<u32>()
        + size_of::<Vec<u32>>()
        + size_of::<u32>()
        + 2 * size_of::<bool>()
        + size_of::<u32>()) as u64
        + 8 * p.districts.len() as u64;
    // Applications, in the chunks and in the matching buffers: seekers are a small part of the
    // pool; room for a quarter of the agents applying in one month, in two copies.
    let applications = size_of::<context::Application>() as u64 / 2;
    let agent_bytes = agents
        .saturating_mul(size_of::<agent::Agent>() as u64 + applications)
        .saturating_add(chunks.saturating_mul(tally + outcomes))
        // A bit per agent (pass A's list of those still to visit), in whole chunks.
        .saturating_add(chunks.saturating_mul(step::chunk_size(spec.agents) as u64 / 8));
    let kept = (spec.months as u64)
        .saturating_mul(size_of::<MonthRow>() as u64 + tally - size_of::<Tally>() as u64)
        .saturating_add(outcomes);
    // Per kind and district: the list of recruiters reaching it and the count of places.
    let kind_districts = (p.kinds.len() as u64)
        .saturating_mul(p.districts.len() as u64)
        .saturating_mul((size_of::<Vec<u32>>() + size_of::<u32>()) as u64);
    Footprint {
        agents: agent_bytes,
        recruiters: recruiters
            .saturating_mul(per_recruiter)
            .saturating_add(kind_districts),
        kept,
    }
}

/// A vector of `n` copies of `value`, or the error naming what it was for.
pub(crate) fn try_filled<T: Clone>(
    n: usize,
    value: T,
    what: &'static str,
) -> Result<Vec<T>, OutOfMemory> {
    let mut v = try_vec(n, what)?;
    v.resize(n, value);
    Ok(v)
}

/// A vector of `n` elements' room, or the error naming what it was for.
pub(crate) fn try_vec<T>(n: usize, what: &'static str) -> Result<Vec<T>, OutOfMemory> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| OutOfMemory {
        what,
        bytes: (n as u64).saturating_mul(std::mem::size_of::<T>() as u64),
    })?;
    Ok(v)
}

/// Run one replicate over the spin-up and the reported months. `progress` is called after each
/// simulated month. `epochs` must be non-empty, the first starting at month 0, and their
/// parameters must have passed [`Params::check`]. (A scenario alone: [`shared::run`] runs
/// several on one world while their parameters agree.)
pub fn run_replicate(
    epochs: &[Epoch],
    spec: RunSpec,
    progress: &(dyn Fn() + Sync),
) -> Result<Replicate, OutOfMemory> {
    let alone = shared::Member { epochs, texts: &[] };
    let mut ran = shared::run(&[alone], spec, progress)?;
    Ok(ran.replicates.remove(0))
}

/// The world of one replicate at its first month: the pool drawn, the recruiters created. When
/// the scenario asks for a settling run (`settle`), the initial pool and the recruiters take
/// the state that run ends in.
pub fn new_world(p: &Params, spec: RunSpec) -> Result<step::World, OutOfMemory> {
    let key = RunKey::new(spec.seed, spec.replicate);
    let horizon = (spec.spin_up + spec.months) as i32;
    let stratified = !p.pop.strata.is_empty() && !spec.full;
    let units = if stratified { p.pop.units() } else { vec![1] };
    if p.pop.settle_months == 0 {
        let agents = if spec.full {
            population::persons_ever(p, p.pop.persons, horizon)
        } else {
            spec.agents
        };
        let layout = if stratified {
            let u = population::created_mean_units(p);
            population::Layout::stratified(p, p.pop.persons, agents, horizon, u, u)
        } else {
            population::Layout::new(p, agents, horizon)
        };
        let rec = recruiters::Recruiters::new(p, key)?;
        let agents =
            population::create(p, key, layout, &rec.kind_start, stratified.then_some(0), 0)?;
        return Ok(step::World::new(
            p,
            agents,
            layout,
            rec,
            key,
            spec.spin_up as i32,
            units,
        ));
    }
    let (settled, settle_key) = settle(p, spec)?;
    // The run starts with as many people as the settling run ended with: its pool, drawn from
    // the scenario's `persons`, has grown or shrunk to the size its entries and exits keep.
    let persons = population::persons_in_pool(&settled.agents, settled.weight);
    let agents = if spec.full {
        population::persons_ever(p, persons, horizon)
    } else {
        spec.agents
    };
    let layout = if stratified {
        population::Layout::stratified(
            p,
            persons,
            agents,
            horizon,
            // The initial pool is seated uniformly, each agent in the rest.
            *units.last().unwrap_or(&1) as f64,
            population::created_mean_units(p),
        )
    } else {
        population::Layout::starting_with(p, persons, agents, horizon)
    };
    // The initial pool is seated below (if the settling run left anyone to seat it on): only
    // the entrants are drawn, by strata if any.
    let seated = if settled.agents.iter().any(agent::Agent::in_pool) {
        layout.initial
    } else {
        0
    };
    let mut agents = population::create(
        p,
        key,
        layout,
        &settled.rec.kind_start,
        stratified.then_some(layout.initial),
        seated,
    )?;
    population::seat(
        p,
        key,
        &mut agents[..layout.initial],
        &settled.agents,
        settle_key,
        p.pop.settle_months as i32,
        // Seated agents stand for the persons of the rest: a person's settled state is drawn
        // within its credit profile (see `seat`), and oversampling inside each profile would
        // need a weight per profile; the strata are drawn among the entrants.
        if stratified { units.len() - 1 } else { 0 },
    );
    let mut rec = settled.rec;
    // Which brokers a policy has driven out is a fixed draw of the run's own key.
    rec.rebuild_reach(p, key);
    Ok(step::World::new(
        p,
        agents,
        layout,
        rec,
        key,
        spec.spin_up as i32,
        units,
    ))
}

/// Agents of the settling run of a replicate of `spec` (none without one): as many as it takes
/// for each to stand for at most `settle_persons_per_agent` persons, and no more than the run's.
pub fn settle_agents(p: &Params, spec: RunSpec) -> usize {
    if p.pop.settle_months == 0 {
        return 0;
    }
    let persons = p.pop.persons + p.pop.entries_per_year * p.pop.settle_months as f64 / 12.0;
    let agents = (persons / p.pop.settle_persons_per_agent).ceil();
    let most = if spec.full {
        usize::MAX
    } else {
        spec.agents.max(1)
    };
    if agents.is_finite() {
        (agents as usize).clamp(1, most)
    } else {
        spec.agents.max(1)
    }
}

/// The settling run: the pool drawn as the scenario describes it, with [`settle_agents`]
/// agents, and simulated for `settle_months` under the parameters of the first simulated month,
/// nothing reported, until the stocks with a long memory (land lost to lenders, debts, savings,
/// who has been abroad and at what age, people abroad and on the way, recruiters under
/// prosecution) have reached the model's own steady state. Its draws come from a key of its
/// own, returned with it; the recruiters are the run's own (same fixed draws).
fn settle(p: &Params, spec: RunSpec) -> Result<(step::World, RunKey), OutOfMemory> {
    const SETTLE: u64 = 0x5e77_1e00;
    let key = RunKey::new(spec.seed, spec.replicate);
    let settle_key = RunKey::new(rng::mix(spec.seed ^ SETTLE), spec.replicate);
    let months = p.pop.settle_months as i32;
    let layout = population::Layout::new(p, settle_agents(p, spec), months);
    let rec = recruiters::Recruiters::new(p, key)?;
    // The settling run draws every person alike: it stands for the population as a whole.
    let agents = population::create(p, settle_key, layout, &rec.kind_start, None, 0)?;
    // The first reported month is past the last: nothing is counted.
    let mut world = step::World::new(p, agents, layout, rec, settle_key, months, vec![1]);
    for t in 0..months {
        world.step(p, t);
    }
    Ok((world, settle_key))
}
