//! The simulation engine: the model of docs/MODEL.md, stepped month by month.
//!
//! **The engine does no I/O.** It receives compiled parameters and returns counts; reading
//! scenarios and writing files belong to `scenario` and `output`.

pub mod agent;
pub mod aspiration;
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
pub mod recruiters;
pub mod reintegration;
pub mod rng;
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
}

/// One reported month.
pub struct MonthRow {
    pub tally: Tally,
    pub enforcement: enforcement::Counts,
}

/// What one replicate produced: counts in agents, and the weight that turns them into persons.
pub struct Replicate {
    pub replicate: u32,
    pub weight: f64,
    pub months: Vec<MonthRow>,
    pub outcomes: Outcomes,
    /// Largest monthly gap between the households' change in net worth and the ledger's net
    /// transfers to households, relative to the month's gross flows.
    pub ledger_gap: f64,
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
/// parameters must have passed [`Params::check`].
pub fn run_replicate(
    epochs: &[Epoch],
    spec: RunSpec,
    progress: &(dyn Fn() + Sync),
) -> Result<Replicate, OutOfMemory> {
    let key = RunKey::new(spec.seed, spec.replicate);
    let horizon = (spec.spin_up + spec.months) as i32;
    let first = spec.spin_up as i32;
    let mut world = new_world(&epochs[0].params, spec)?;
    let mut months = Vec::with_capacity(spec.months as usize);
    let mut epoch = 0;
    let mut ledger_gap = 0.0f64;
    for t in 0..horizon {
        let before = epoch;
        while epoch + 1 < epochs.len() && epochs[epoch + 1].from as i32 <= t {
            epoch += 1;
        }
        let p = &epochs[epoch].params;
        if epoch != before {
            world.rec.rebuild_reach(p, key);
        }
        let m = world.step(p, t);
        let gross: f64 = m.tally.ledger.iter().map(|x| x.abs()).sum::<f64>().max(1.0);
        let gap = (m.tally.net_worth_change - m.tally.ledger[stats::Account::Households as usize])
            .abs()
            / gross;
        ledger_gap = ledger_gap.max(gap);
        if t >= first {
            months.push(MonthRow {
                tally: m.tally,
                enforcement: m.enforcement,
            });
        }
        progress();
    }
    Ok(Replicate {
        replicate: spec.replicate,
        weight: world.weight,
        months,
        outcomes: world.outcomes(),
        ledger_gap,
    })
}

/// The world of one replicate at its first month: the pool drawn, the recruiters created.
pub fn new_world(p: &Params, spec: RunSpec) -> Result<step::World, OutOfMemory> {
    let key = RunKey::new(spec.seed, spec.replicate);
    let horizon = (spec.spin_up + spec.months) as i32;
    let layout = population::Layout::new(p, spec.agents, horizon);
    let rec = recruiters::Recruiters::new(p, key)?;
    let agents = population::create(p, key, layout, &rec.kind_start)?;
    Ok(step::World::new(
        p,
        agents,
        layout,
        rec,
        key,
        spec.spin_up as i32,
    ))
}
