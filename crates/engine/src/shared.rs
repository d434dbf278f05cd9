//! Several scenarios of one replicate on one world, for as long as their parameters agree.
//!
//! Scenarios compared with one another usually differ only from the month a policy starts: a
//! recommendation is the baseline plus events from 2026 on. No draw is keyed by the scenario
//! (streams are keyed by seed, replicate, entity, month and purpose), so until that month their
//! worlds are the same, draw for draw. [`run`] steps one world for all of them while the
//! parameters in force agree; where they part it copies the world, one copy for each set of
//! scenarios that still agree, and steps the copies on their own, side by side. Each scenario's
//! result is the same, to the byte, as running it alone ([`super::run_replicate`] is this with
//! one scenario): every month it shares is a month it would have stepped, under the same
//! parameters, from the same state.
//!
//! Parameters agree when their `Debug` text is the same ([`describe`]). That text writes every
//! number so that it reads back to the same bits (0 and -0 differ) and every list and option
//! in full, so equal texts mean equal parameters.

use super::{Epoch, MonthRow, OutOfMemory, Replicate, RunSpec, new_world, stats, step::World};
use rayon::prelude::*;

/// One scenario of a shared run: its epochs (as for [`super::run_replicate`]), and the text of
/// each epoch's parameters ([`describe`]); the texts may be empty for a scenario run alone.
#[derive(Clone, Copy)]
pub struct Member<'a> {
    pub epochs: &'a [Epoch],
    pub texts: &'a [String],
}

/// The text of each epoch's parameters, by which [`run`] tells whether scenarios agree.
pub fn describe(epochs: &[Epoch]) -> Vec<String> {
    epochs.iter().map(|e| format!("{:?}", e.params)).collect()
}

/// What one scenario keeps of its own while it shares a world.
struct Course<'a> {
    /// Its place among the members.
    index: usize,
    member: Member<'a>,
    /// Each epoch's parameters as a number, the same for the same text.
    ids: Vec<usize>,
    /// The epoch in force in the last month stepped.
    epoch: usize,
    months: Vec<MonthRow>,
    ledger_gap: f64,
}

impl<'a> Course<'a> {
    /// The epoch in force in month `t` (the month after the last stepped).
    fn epoch_at(&self, t: i32) -> usize {
        let epochs = self.member.epochs;
        let mut e = self.epoch;
        while e + 1 < epochs.len() && epochs[e + 1].from as i32 <= t {
            e += 1;
        }
        e
    }

    /// What must be the same for scenarios to share month `t`: the parameters in force, and
    /// whether an epoch starts (a new epoch rebuilds the recruiters' reach).
    fn month_key(&self, t: i32) -> (usize, bool) {
        let e = self.epoch_at(t);
        (self.ids.get(e).copied().unwrap_or(0), e != self.epoch)
    }
}

/// What [`run`] gives back.
pub struct Shared<R = Replicate> {
    /// Each member's replicate, in the members' order.
    pub replicates: Vec<R>,
    /// Agent-steps simulated: each month of each world once, however many members shared it.
    pub agent_steps: u64,
}

/// Run one replicate of every member on the same seed, stepping a world once for the members
/// whose parameters agree, month by month, and copying it where they part. Each member's
/// replicate is the same as [`super::run_replicate`] gives for that member alone. `progress`
/// is called once for each member and simulated month.
///
/// # Panics
/// If there are several members and one's `texts` are not one per epoch.
pub fn run<'a>(
    members: &[Member<'a>],
    spec: RunSpec,
    progress: &(dyn Fn() + Sync),
) -> Result<Shared, OutOfMemory> {
    assert!(
        members.len() <= 1 || members.iter().all(|m| m.texts.len() == m.epochs.len()),
        "shared::run: each member of several needs the text of each epoch (shared::describe)"
    );
    // Each distinct text once, as a number: what the months compare.
    let mut distinct: Vec<&str> = Vec::new();
    let mut id_of = |text: &'a str| match distinct.iter().position(|d| *d == text) {
        Some(i) => i,
        None => {
            distinct.push(text);
            distinct.len() - 1
        }
    };
    let courses: Vec<Course> = members
        .iter()
        .enumerate()
        .map(|(index, &member)| Course {
            index,
            member,
            ids: member.texts.iter().map(|t| id_of(t)).collect(),
            epoch: 0,
            months: Vec::with_capacity(spec.months as usize),
            ledger_gap: 0.0,
        })
        .collect();
    // The world is drawn (and settled) under the first epoch's parameters: members whose first
    // epochs agree start from one world.
    let keys: Vec<usize> = courses
        .iter()
        .map(|c| c.ids.first().copied().unwrap_or(0))
        .collect();
    let groups = partition(courses, &keys);
    let parts = groups
        .into_par_iter()
        .map(|group| {
            let world = new_world(&group[0].member.epochs[0].params, spec)?;
            step_on(world, group, 0, spec, progress)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(gather(parts))
}

/// The parts of a run in one.
fn join<R>(parts: Vec<Shared<R>>) -> Shared<R> {
    let agent_steps = parts.iter().map(|p| p.agent_steps).sum();
    Shared {
        replicates: parts.into_iter().flat_map(|p| p.replicates).collect(),
        agent_steps,
    }
}

/// The parts of a run, each member's replicate in the members' order.
fn gather(parts: Vec<Shared<(usize, Replicate)>>) -> Shared {
    let mut all = join(parts);
    all.replicates.sort_by_key(|(index, _)| *index);
    Shared {
        replicates: all.replicates.into_iter().map(|(_, rep)| rep).collect(),
        agent_steps: all.agent_steps,
    }
}

/// Step `world`, shared by `courses`, from month `from` to the end; where their parameters
/// part, go on with a copy for each set that still agrees.
fn step_on(
    mut world: World,
    mut courses: Vec<Course>,
    from: i32,
    spec: RunSpec,
    progress: &(dyn Fn() + Sync),
) -> Result<Shared<(usize, Replicate)>, OutOfMemory> {
    let horizon = (spec.spin_up + spec.months) as i32;
    let first = spec.spin_up as i32;
    let key = world.key;
    let mut agent_steps = 0u64;
    for t in from..horizon {
        if courses.len() > 1 {
            let keys: Vec<(usize, bool)> = courses.iter().map(|c| c.month_key(t)).collect();
            if keys.iter().any(|k| *k != keys[0]) {
                let groups = partition(courses, &keys);
                // A copy of the world for each set but the last, which takes the world itself.
                let mut worlds: Vec<World> = (1..groups.len())
                    .map(|_| world.try_clone())
                    .collect::<Result<_, _>>()?;
                worlds.push(world);
                let parts = groups
                    .into_par_iter()
                    .zip(worlds)
                    .map(|(group, world)| step_on(world, group, t, spec, progress))
                    .collect::<Result<Vec<_>, _>>()?;
                let mut joined = join(parts);
                joined.agent_steps += agent_steps;
                return Ok(joined);
            }
        }
        // Every course sharing the world has the same parameters this month, and a new epoch
        // starts for all of them or for none.
        let lead = &courses[0];
        let e = lead.epoch_at(t);
        let p = &lead.member.epochs[e].params;
        if e != lead.epoch {
            world.rec.rebuild_reach(p, key);
        }
        let m = world.step(p, t);
        agent_steps += world.agents.len() as u64;
        let gross: f64 = m.tally.ledger.iter().map(|x| x.abs()).sum::<f64>().max(1.0);
        let gap = (m.tally.net_worth_change - m.tally.ledger[stats::Account::Households as usize])
            .abs()
            / gross;
        let row = (t >= first).then_some(MonthRow {
            tally: m.tally,
            groups: m.groups,
            enforcement: m.enforcement,
        });
        for c in &mut courses {
            c.epoch = c.epoch_at(t);
            c.ledger_gap = c.ledger_gap.max(gap);
            progress();
        }
        // The month's row: a copy for each course but the last, which takes it.
        if let (Some(row), Some((last, rest))) = (row, courses.split_last_mut()) {
            for c in rest {
                c.months.push(row.clone());
            }
            last.months.push(row);
        }
    }
    let outcomes = world.outcomes();
    let stratum_agents = world.stratum_agents();
    let replicates = courses
        .into_iter()
        .map(|c| {
            (
                c.index,
                Replicate {
                    replicate: spec.replicate,
                    weight: world.weight,
                    months: c.months,
                    outcomes: outcomes.clone(),
                    ledger_gap: c.ledger_gap,
                    stratum_agents: stratum_agents.clone(),
                    agents: world.agents.len(),
                },
            )
        })
        .collect();
    Ok(Shared {
        replicates,
        agent_steps,
    })
}

/// The courses in sets of equal keys (`keys[i]` is course `i`'s), each set in the courses'
/// order, the sets in the order of their first course.
fn partition<'a, K: PartialEq>(courses: Vec<Course<'a>>, keys: &[K]) -> Vec<Vec<Course<'a>>> {
    let mut sets: Vec<(usize, Vec<Course<'a>>)> = Vec::new();
    for (i, c) in courses.into_iter().enumerate() {
        match sets.iter_mut().find(|(j, _)| keys[*j] == keys[i]) {
            Some((_, set)) => set.push(c),
            None => sets.push((i, vec![c])),
        }
    }
    sets.into_iter().map(|(_, set)| set).collect()
}
