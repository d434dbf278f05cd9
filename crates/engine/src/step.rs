//! The monthly step, in the order of the model (docs/MODEL.md, "Process"):
//!
//! 1–3 and 6–10 run in one parallel pass over the agents (pass A): people at home age out or
//! seek (aspiration, offers, choice); people abroad travel, work, are assessed for exploitation,
//! exit and return. Those phases read only last month's world, so fusing them changes nothing.
//! 4 matching waits for every seeker; then 5 financing and the first leg of the journey run for
//! the accepted applicants (pass B). 11 enforcement and market runs over the recruiters.
//!
//! Agents are stepped in fixed chunks; each chunk writes its own counters, added in chunk order,
//! so the output does not depend on the number of threads. Pass A visits only the agents still
//! in the pool or yet to enter it: those who have left it for good would do nothing.

use super::agent::{Agent, State, fl};
use super::context::{Application, Ctx, Local, Trace};
use super::offers;
use super::params::Channel;
use super::params::Params;
use super::population::Layout;
use super::recruiters::Recruiters;
use super::rng::{Purpose, RunKey};
use super::stats::{Account, GROUPS, Outcomes, Tally};
use super::{OutOfMemory, try_vec};
use super::{
    aspiration, attempt, awareness, choice, enforcement, exit, exploitation, finance, journey,
    matching, prefetch, reintegration, work,
};
use rayon::prelude::*;

/// Agents per chunk: fixed by the size of the world, never by the threads, so that results do
/// not depend on threads.
pub const CHUNK: usize = 4096;
/// Agents per chunk in a world of more than [`LARGE_WORLD`] agents: each chunk keeps its own
/// counters for the whole run (tens of kilobytes), which in chunks of [`CHUNK`] would cost
/// several bytes an agent.
pub const LARGE_CHUNK: usize = 16_384;
/// Agents above which a world is stepped in chunks of [`LARGE_CHUNK`].
pub const LARGE_WORLD: usize = 1 << 24;

/// Agents per chunk in a world of `agents` agents.
pub fn chunk_size(agents: usize) -> usize {
    if agents > LARGE_WORLD {
        LARGE_CHUNK
    } else {
        CHUNK
    }
}

/// What one chunk keeps between passes and months.
#[derive(Clone)]
struct Scratch {
    /// The month's counters, one per cell (group and sampling stratum, `Agent::cell`).
    tally: Vec<Tally>,
    out: Outcomes,
    apps: Vec<Application>,
    traces: Vec<Trace>,
    offers: Vec<offers::Offer>,
    weights: Vec<f32>,
    /// One bit per agent of the chunk, cleared once the agent has left the pool for good
    /// ([`gone`]): pass A visits only the agents whose bit is set.
    live: Vec<u64>,
}

/// The state of one replicate.
pub struct World {
    pub agents: Vec<Agent>,
    pub rec: Recruiters,
    pub key: RunKey,
    pub weight: f64,
    pub first: i32,
    pub last: i32,
    /// Agents in the pool from the first month; the entrants follow them.
    initial: usize,
    /// Agents per chunk (`chunk_size`).
    chunk: usize,
    scratch: Vec<Scratch>,
    matching: matching::Buffers,
    all_apps: Vec<Application>,
    /// Share of eligible returnees the reintegration budget pays for this month.
    budget_share: f32,
    /// Units of weight of an agent of each sampling stratum (`Population::units`): counts
    /// are in units, and `weight` is the persons a unit stands for.
    units: Vec<u32>,
}

/// The month's flows (in all, and per group) and the recruiters' enforcement counts.
pub struct Month {
    pub tally: Tally,
    pub groups: Vec<Tally>,
    pub enforcement: enforcement::Counts,
}

impl World {
    /// The world of a replicate: its agents laid out as `layout` says, its recruiters, and the
    /// first reported month `first` (the months before it are spin-up).
    pub fn new(
        p: &Params,
        agents: Vec<Agent>,
        layout: Layout,
        mut rec: Recruiters,
        key: RunKey,
        first: i32,
        units: Vec<u32>,
    ) -> World {
        rec.use_key(key);
        let (initial, weight, last) = (layout.initial, layout.weight, layout.horizon - 1);
        let years = ((last - first + 1) as usize).div_ceil(12);
        let chunk = chunk_size(agents.len());
        let chunks = agents.len().div_ceil(chunk);
        let cells = GROUPS * units.len();
        let scratch = (0..chunks)
            .map(|c| Scratch {
                tally: (0..cells).map(|_| Tally::new(p)).collect(),
                out: Outcomes::new(years, p.kinds.len(), p.locations.len(), cells),
                apps: Vec::new(),
                traces: Vec::new(),
                offers: Vec::new(),
                weights: Vec::new(),
                live: all_live((agents.len() - c * chunk).min(chunk), chunk),
            })
            .collect();
        World {
            agents,
            rec,
            key,
            weight,
            first,
            last,
            initial,
            chunk,
            scratch,
            matching: matching::Buffers::default(),
            all_apps: Vec::new(),
            budget_share: 1.0,
            units,
        }
    }

    /// Step one month `t` under parameters `p`.
    pub fn step(&mut self, p: &Params, t: i32) -> Month {
        self.rec.refresh(p);
        let ctx = Ctx {
            p,
            rec: &self.rec,
            key: self.key,
            t,
            first: self.first,
            last: self.last,
            aged_out: t - p.pop.span_months(),
            budget_share: self.budget_share,
            units: &self.units,
        };

        // Pass A: phases 1–3 and 6–10. Agents who have not entered the pool yet sit at the end,
        // in order of entry (see population.rs), so the pass stops where they begin: they would
        // do nothing, and skipping them saves reading their memory. Those who have left it are
        // scattered among the others: each chunk's bits say which agents are still to visit.
        let end = self.entered_end(t);
        let chunk_len = self.chunk;
        for s in &mut self.scratch[end.div_ceil(chunk_len)..] {
            s.tally.iter_mut().for_each(Tally::clear);
            s.apps.clear();
            s.traces.clear();
        }
        self.agents[..end]
            .par_chunks_mut(chunk_len)
            .zip(self.scratch.par_iter_mut())
            .enumerate()
            .for_each(|(c, (chunk, s))| {
                s.tally.iter_mut().for_each(Tally::clear);
                s.apps.clear();
                s.traces.clear();
                let mut loc = Local {
                    tally: &mut s.tally,
                    out: &mut s.out,
                    apps: &mut s.apps,
                    traces: &mut s.traces,
                    offers: &mut s.offers,
                    weights: &mut s.weights,
                };
                // The agents of the chunk still in the pool or yet to enter it, in order.
                'chunk: for (w, word) in s.live.iter_mut().enumerate() {
                    let mut bits = *word;
                    while bits != 0 {
                        let b = bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        let j = w * 64 + b;
                        if j >= chunk.len() {
                            break 'chunk;
                        }
                        if let Some(ahead) = chunk.get(j + prefetch::AHEAD) {
                            prefetch::read(ahead);
                        }
                        pass_a(&ctx, c * chunk_len + j, &mut chunk[j], &mut loc);
                        if gone(&chunk[j], t) {
                            *word &= !(1 << b);
                        }
                    }
                }
            });

        // Phase 4: matching, over every application in chunk order.
        self.all_apps.clear();
        for s in &self.scratch {
            self.all_apps.extend_from_slice(&s.apps);
        }
        let demand = matching::match_all(
            p,
            &self.rec,
            &mut self.all_apps,
            self.weight,
            self.key,
            t,
            &mut self.matching,
        );
        let mut k = 0;
        for s in &mut self.scratch {
            for app in &mut s.apps {
                app.accepted = self.all_apps[k].accepted;
                k += 1;
            }
        }

        // Pass B: phase 5 and the start of phase 6 for the accepted applicants.
        let ctx = Ctx {
            p,
            rec: &self.rec,
            key: self.key,
            t,
            first: self.first,
            last: self.last,
            aged_out: t - p.pop.span_months(),
            budget_share: self.budget_share,
            units: &self.units,
        };
        self.agents
            .par_chunks_mut(chunk_len)
            .zip(self.scratch.par_iter_mut())
            .enumerate()
            .for_each(|(c, (chunk, s))| {
                let apps = std::mem::take(&mut s.apps);
                let mut loc = Local {
                    tally: &mut s.tally,
                    out: &mut s.out,
                    apps: &mut Vec::new(),
                    traces: &mut s.traces,
                    offers: &mut s.offers,
                    weights: &mut s.weights,
                };
                // Only the accepted are touched: a rejected applicant's pending-offer flag is
                // cleared when its next month begins (pass A), which reads its memory anyway.
                // Their records are scattered and long out of the cache: each is asked for a few
                // applicants ahead.
                for (n, app) in apps.iter().enumerate() {
                    if let Some(ahead) = apps.get(n + prefetch::AHEAD_B) {
                        prefetch::read(&chunk[ahead.agent as usize - c * chunk_len]);
                    }
                    if !app.accepted {
                        continue;
                    }
                    let i = app.agent as usize;
                    pass_b(&ctx, i, &mut chunk[i - c * chunk_len], app, &mut loc);
                }
                s.apps = apps;
            });

        // Phase 11: enforcement and market.
        let mut traces = Vec::new();
        let mut groups = Tally::groups(p);
        for s in &self.scratch {
            traces.extend_from_slice(&s.traces);
            // Each cell's counts, times the units of weight of its stratum, into its group.
            for (c, t) in s.tally.iter().enumerate() {
                groups[c % GROUPS].add_times(t, self.units[c / GROUPS]);
            }
        }
        let tally = Tally::total(&groups);
        let mut counts =
            enforcement::month(p, &mut self.rec, self.key, t, &traces, &demand, self.weight);
        // The agents' part of the programme costs, in persons, and next month's budget share.
        let w = self.weight;
        let r = &p.policy.reintegration;
        let per_person = r.cost_per_person + r.economic_grant as f64;
        counts.cost[enforcement::lever::REINTEGRATION] = tally.supported as f64 * w * per_person;
        let aw = &p.policy.awareness;
        counts.cost[enforcement::lever::AWARENESS] =
            tally.reached_village as f64 * w * aw.cost_per_person_village
                + tally.reached_online as f64 * w * aw.cost_per_person_online;
        self.budget_share = match r.budget {
            Some(budget) if per_person > 0.0 => {
                let reach = r.coverage_share as f64
                    * if r.from_airport {
                        1.0
                    } else {
                        r.late_reach_share as f64
                    };
                let wanted = tally.eligible as f64 * w * reach * per_person;
                if wanted > 0.0 {
                    (budget / 12.0 / wanted).min(1.0) as f32
                } else {
                    1.0
                }
            }
            _ => 1.0,
        };
        Month {
            tally,
            groups,
            enforcement: counts,
        }
    }

    /// A copy of the world, which steps on exactly as this one would; the memory for its agents
    /// (most of a world) is asked for first, and a refusal is returned, not an abort.
    pub fn try_clone(&self) -> Result<World, OutOfMemory> {
        let mut agents = try_vec(self.agents.len(), "a copy of the agents")?;
        agents.extend_from_slice(&self.agents);
        Ok(World {
            agents,
            rec: self.rec.clone(),
            key: self.key,
            weight: self.weight,
            first: self.first,
            last: self.last,
            initial: self.initial,
            chunk: self.chunk,
            scratch: self.scratch.clone(),
            matching: self.matching.clone(),
            all_apps: self.all_apps.clone(),
            budget_share: self.budget_share,
            units: self.units.clone(),
        })
    }

    /// One past the last agent who has entered the pool by month `t`. Entrants are stored after
    /// the initial pool in order of entry month.
    fn entered_end(&self, t: i32) -> usize {
        self.initial + self.agents[self.initial..].partition_point(|a| a.entry as i32 <= t)
    }

    /// Agents in the pool from the first month; those after them are the entrants, in order
    /// of entry.
    pub fn initial(&self) -> usize {
        self.initial
    }

    /// Whether pass A still visits agent `i`: false once it has left the pool for good.
    pub fn visits(&self, i: usize) -> bool {
        self.scratch[i / self.chunk].live[i % self.chunk / 64] >> (i % 64) & 1 == 1
    }

    /// Make pass A visit every agent again, as if none had left the pool (for tests that
    /// check that skipping those who have changes nothing).
    #[doc(hidden)]
    pub fn visit_everyone(&mut self) {
        let (n, chunk) = (self.agents.len(), self.chunk);
        for (c, s) in self.scratch.iter_mut().enumerate() {
            s.live = all_live((n - c * chunk).min(chunk), chunk);
        }
    }

    /// Last month's applications, after matching (for benchmarks of the matching phase).
    pub fn applications(&self) -> &[Application] {
        &self.all_apps
    }

    /// Episode and return outcomes by group, added over chunks in order (each stratum's
    /// counts times its units of weight).
    pub fn outcomes(&self) -> Outcomes {
        let (years, kinds, locations) =
            match self.scratch.first().and_then(|s| s.out.episodes.first()) {
                Some(e) => (
                    self.scratch[0].out.episodes.len(),
                    e[0].trafficked_by_kind.len(),
                    e[0].trafficked_by_base.len(),
                ),
                None => (0, 0, 0),
            };
        let mut o = Outcomes::new(years, kinds, locations, GROUPS);
        for s in &self.scratch {
            o.add_cells(&s.out, &self.units);
        }
        o
    }

    /// Agents drawn in each sampling stratum (then the rest), over the whole run.
    pub fn stratum_agents(&self) -> Vec<u64> {
        let mut n = vec![0u64; self.units.len()];
        for a in &self.agents {
            n[a.stratum().min(self.units.len() - 1)] += 1;
        }
        n
    }
}

/// Whether an agent, after its pass of month `t`, has left the pool for good: out of it, and
/// past its month of entry (an agent enters only in that month, and only if it is not already
/// of the age to leave). Pass A would do nothing with it again.
#[inline(always)]
fn gone(a: &Agent, t: i32) -> bool {
    a.state == State::Absent && a.entry as i32 <= t
}

/// The bits of a chunk of `len` agents, all set, in words for a chunk of `chunk` agents.
fn all_live(len: usize, chunk: usize) -> Vec<u64> {
    (0..chunk / 64)
        .map(|w| match len.saturating_sub(w * 64) {
            0 => 0,
            n if n >= 64 => u64::MAX,
            n => (1u64 << n) - 1,
        })
        .collect()
}

/// Count an agent's state and debt at the end of its step.
#[inline]
fn count(a: &Agent, t: &mut Tally, sign: i32) {
    if a.state == State::Absent {
        return;
    }
    let s = a.state as usize;
    t.states[s] = (t.states[s] as i64 + sign as i64) as u32;
    // Debtors are scattered through the pool: counting without a branch (adding 0 to a count,
    // or +0 to a sum that starts at +0, changes nothing) saves a mispredicted one.
    let debtor = (a.debt > 0.0) & (a.state != State::Dead);
    t.debtors = (t.debtors as i64 + debtor as i64 * sign as i64) as u32;
    t.debt_sum += super::select::f64(debtor, sign as f64 * a.debt as f64, 0.0);
}

fn pass_a(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local) {
    // Last month's application, if it was rejected, is over.
    a.flags &= !fl::APPLIED;
    if a.state == State::Absent {
        if ctx.t != a.entry as i32 || a.entry as i32 <= ctx.aged_out {
            return;
        }
        a.set_state(State::AtHome);
        loc.t(a).entered += 1;
        loc.t(a).pay(
            Account::PoolBoundary,
            Account::Households,
            a.savings - a.debt,
        );
        loc.t(a).net_worth_change += a.net_worth();
    }
    let nw0 = a.net_worth();
    reintegration::check_sustainable(ctx, a, loc);
    match a.state {
        State::AtHome | State::Seeking => at_home(ctx, i, a, loc),
        State::InTransit => {
            let mut rng = ctx.rng(i, Purpose::Journey, 0);
            journey::advance(ctx, i, a, loc, &mut rng);
        }
        State::Detained => {
            journey::detained_month(ctx, i, a, loc);
            if a.state == State::Detained {
                exploitation::assess(ctx, a, loc);
                exit::identify_abroad(ctx, i, a, loc);
            }
        }
        State::Working => {
            work::month(ctx, i, a, loc);
            let exploited = exploitation::assess(ctx, a, loc);
            exit::month(ctx, i, a, exploited, loc);
        }
        State::Stranded => {
            exploitation::assess(ctx, a, loc);
            if !exit::identify_abroad(ctx, i, a, loc) {
                journey::stranded_month(ctx, i, a, loc);
            }
        }
        State::Dead | State::Absent => {}
    }
    // Leaving the pool by age, from home. (The rarely true condition first: a branch on the
    // state, which varies from person to person, would often be mispredicted.)
    if a.entry as i32 <= ctx.aged_out
        && matches!(a.state, State::AtHome | State::Seeking)
        && !a.is(fl::APPLIED)
    {
        loc.t(a).net_worth_change += a.net_worth() - nw0;
        loc.t(a).pay(
            Account::Households,
            Account::PoolBoundary,
            a.savings - a.debt,
        );
        loc.t(a).net_worth_change -= a.net_worth();
        loc.t(a).exited += 1;
        a.set_state(State::Absent);
        return;
    }
    loc.t(a).net_worth_change += a.net_worth() - nw0;
    a.months_in_state = a.months_in_state.saturating_add(1);
    count(a, loc.t(a), 1);
}

/// People in Bangladesh: debt at home, the awareness campaign, aspiration, offers and choice.
fn at_home(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local) {
    let p = ctx.p;
    finance::home_month(ctx, a, reintegration::home_income(ctx, a), loc);
    // One stream for the two draws everyone at home may take each month, at fixed positions:
    // 1 for the campaign, 2 for aspiration. Each is mixed only where it is used (where no
    // campaign runs, no one needs the first; seekers never need the second).
    let rng = ctx.rng(i, Purpose::Aspiration, 0);
    awareness::campaign(ctx, a, || rng.uniform_ahead(1), loc);
    if a.state == State::AtHome {
        if !aspiration::starts_seeking(ctx, a, || rng.uniform_ahead(2)) {
            return;
        }
        a.set_state(State::Seeking);
    } else if a.months_in_state as u32 >= p.asp.max_seek_months {
        a.set_state(State::AtHome);
        return;
    }
    offers::receive(ctx, i, a, loc.offers);
    let Some(j) = choice::choose(ctx, i, a, loc.offers, loc.weights) else {
        return;
    };
    let o = loc.offers[j];
    a.recruiter = o.recruiter;
    a.route = o.route;
    a.cost = o.fee + o.travel;
    a.promised = o.promised;
    a.wage = o.wage;
    a.flags &= !(fl::BROKER | fl::DECEPTIVE_RECRUITMENT);
    a.flags |= fl::APPLIED;
    if o.via_broker {
        a.flags |= fl::BROKER;
    }
    if o.deceptive {
        a.flags |= fl::DECEPTIVE_RECRUITMENT;
    }
    let rp = &p.routes[o.route as usize];
    loc.apps.push(Application {
        agent: i as u32,
        recruiter: o.recruiter,
        priority: (ctx.rng(i, Purpose::Matching, 0).next_u64() >> 32) as u32,
        pool: rp.pool,
        broker_kind: o.broker_kind,
        needs_job: rp.channel == Channel::Regular,
        fee: o.fee,
        advance: o.advance,
        units: ctx.units(a),
        accepted: false,
    });
}

/// An accepted applicant after matching: pay and leave (or fail before leaving). The rejected
/// try again next month.
fn pass_b(ctx: &Ctx, i: usize, a: &mut Agent, app: &Application, loc: &mut Local) {
    debug_assert!(app.accepted);
    a.flags &= !fl::APPLIED;
    count(a, loc.t(a), -1);
    let nw0 = a.net_worth();
    attempt::start(ctx, i, a, app, loc);
    loc.t(a).net_worth_change += a.net_worth() - nw0;
    count(a, loc.t(a), 1);
}
