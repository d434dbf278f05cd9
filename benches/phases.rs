//! Criterion benchmarks of each hot phase of the monthly step on the baseline scenario, measured
//! on the agents (or recruiters) a warmed-up world of 200,000 agents has in that phase:
//!
//! - `home`: a month at home for everyone at home (debt and savings, the campaign's draw,
//!   aspiration);
//! - `offers_and_choice`: the offers every seeker receives and the choice among them;
//! - `work`: a month of work for everyone working abroad (pay, interest, repayment, wage theft),
//!   with the assessment of exploitation and the exit phase;
//! - `enforcement`: phase 11 over every recruiter (investigations, prosecutions, entry, the
//!   brokers' principals, reach);
//! - `small_run_start`: drawing the world of a 20,000-agent run, settling run included (the
//!   fixed cost of the small runs a sweep is made of).
//!
//! The whole month and matching alone are in `benches/step.rs`. Run with
//! `cargo bench --bench phases`; docs/PERFORMANCE.md lists the figures.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use crossroads::engine::agent::{Agent, State};
use crossroads::engine::context::{Ctx, Local};
use crossroads::engine::stats::{GROUPS, Outcomes, Tally};
use crossroads::engine::step::World;
use crossroads::engine::{
    Params, RunSpec, aspiration, choice, enforcement, exit, exploitation, finance, matching,
    new_world, offers, work,
};
use std::path::Path;

const MONTH: i32 = 24;

fn baseline() -> Params {
    let loaded = crossroads::scenario::load(Path::new("scenarios/baseline.toml"), &[])
        .expect("scenarios/baseline.toml loads");
    crossroads::compile::params(&loaded.scenario).expect("scenarios/baseline.toml compiles")
}

fn spec(agents: usize) -> RunSpec {
    RunSpec {
        seed: 1,
        replicate: 0,
        agents,
        spin_up: 60,
        months: 120,
        full: false,
    }
}

/// A world of 200,000 agents stepped to month `MONTH`.
fn warm_world(p: &Params) -> World {
    let mut world = new_world(p, spec(200_000)).expect("memory for the benchmark");
    for t in 0..MONTH {
        world.step(p, t);
    }
    world
}

/// The agents of `world` in `state`, with their indices.
fn in_state(world: &World, states: &[State]) -> Vec<(usize, Agent)> {
    world
        .agents
        .iter()
        .enumerate()
        .filter(|(_, a)| states.contains(&a.state))
        .map(|(i, a)| (i, *a))
        .collect()
}

/// The counters a chunk writes into.
struct Sink {
    tally: Vec<Tally>,
    out: Outcomes,
    apps: Vec<crossroads::engine::context::Application>,
    traces: Vec<crossroads::engine::context::Trace>,
    offers: Vec<offers::Offer>,
    weights: Vec<f32>,
}

impl Sink {
    fn new(p: &Params) -> Sink {
        Sink {
            tally: (0..GROUPS).map(|_| Tally::new(p)).collect(),
            out: Outcomes::new(12, p.kinds.len(), p.locations.len(), GROUPS),
            apps: Vec::new(),
            traces: Vec::new(),
            offers: Vec::new(),
            weights: Vec::new(),
        }
    }
    fn local(&mut self) -> Local<'_> {
        Local {
            tally: &mut self.tally,
            out: &mut self.out,
            apps: &mut self.apps,
            traces: &mut self.traces,
            offers: &mut self.offers,
            weights: &mut self.weights,
        }
    }
}

fn phases(c: &mut Criterion) {
    let p = baseline();
    let world = warm_world(&p);
    let units = [1u32];
    let ctx = Ctx {
        p: &p,
        rec: &world.rec,
        key: world.key,
        t: MONTH,
        first: world.first,
        last: world.last,
        aged_out: MONTH - p.pop.span_months(),
        budget_share: 1.0,
        units: &units,
    };
    let mut g = c.benchmark_group("phase");
    g.sample_size(20);

    let home = in_state(&world, &[State::AtHome]);
    g.bench_function(format!("home_{}_agents", home.len()), |b| {
        let mut sink = Sink::new(&p);
        b.iter_batched(
            || home.clone(),
            |mut agents| {
                let mut loc = sink.local();
                let mut starting = 0u32;
                for (i, a) in &mut agents {
                    finance::home_month(&ctx, a, a.home_income, &mut loc);
                    let u = ctx
                        .rng(*i, crossroads::engine::rng::Purpose::Aspiration, 0)
                        .uniform();
                    starting += (u < aspiration::probability(&ctx, a)) as u32;
                }
                starting
            },
            BatchSize::LargeInput,
        )
    });

    let seekers = in_state(&world, &[State::Seeking]);
    g.bench_function(
        format!("offers_and_choice_{}_seekers", seekers.len()),
        |b| {
            let mut sink = Sink::new(&p);
            b.iter(|| {
                let mut chosen = 0u32;
                for (i, a) in &seekers {
                    offers::receive(&ctx, *i, a, &mut sink.offers);
                    chosen += choice::choose(&ctx, *i, a, &sink.offers, &mut sink.weights).is_some()
                        as u32;
                }
                chosen
            })
        },
    );

    let workers = in_state(&world, &[State::Working]);
    g.bench_function(format!("work_{}_workers", workers.len()), |b| {
        let mut sink = Sink::new(&p);
        b.iter_batched(
            || workers.clone(),
            |mut agents| {
                let mut loc = sink.local();
                for (i, a) in &mut agents {
                    work::month(&ctx, *i, a, &mut loc);
                    let exploited = exploitation::assess(&ctx, a, &mut loc);
                    exit::month(&ctx, *i, a, exploited, &mut loc);
                }
                loc.tally[0].returns
            },
            BatchSize::LargeInput,
        )
    });

    let demand = matching::KindDemand {
        applied: vec![0; p.kinds.len()],
        rejected: vec![0; p.kinds.len()],
    };
    g.bench_function(format!("enforcement_{}_recruiters", world.rec.len()), |b| {
        b.iter_batched(
            || world.rec.clone(),
            |mut rec| {
                enforcement::month(&p, &mut rec, world.key, MONTH, &[], &demand, world.weight)
                    .investigations
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("small_run");
    g.sample_size(10);
    g.bench_function("start_20000_agents", |b| {
        b.iter(|| new_world(&p, spec(20_000)).expect("memory").agents.len())
    });
    g.finish();
}

criterion_group!(benches, phases);
criterion_main!(benches);
