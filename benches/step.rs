//! Criterion benchmarks of the monthly step on the baseline scenario: one whole month at
//! 100,000 and 1,000,000 agents, and the matching phase (the interaction between agents) alone.
//!
//! Run with `cargo bench --bench step`.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use crossroads::engine::{Params, RunSpec, matching, new_world};
use std::path::Path;

fn baseline() -> Params {
    let loaded = crossroads::scenario::load(Path::new("scenarios/baseline.toml"), &[])
        .expect("scenarios/baseline.toml loads");
    crossroads::compile::params(&loaded.scenario).expect("scenarios/baseline.toml compiles")
}

fn month_step(c: &mut Criterion) {
    let p = baseline();
    let mut g = c.benchmark_group("month_step");
    g.sample_size(10);
    for agents in [100_000usize, 1_000_000] {
        let spec = RunSpec {
            seed: 1,
            replicate: 0,
            agents,
            spin_up: 24,
            months: 120,
            full: false,
        };
        let mut world = new_world(&p, spec).expect("memory for the benchmark");
        // Warm up into a steady state: people abroad, seekers, recruiters under enforcement.
        for t in 0..24 {
            world.step(&p, t);
        }
        let mut t = 24;
        g.bench_function(format!("{agents}_agents"), |b| {
            b.iter(|| {
                let m = world.step(&p, t);
                t = (t + 1).min(143);
                m.tally.states[1]
            })
        });
    }
    g.finish();
}

fn matching_phase(c: &mut Criterion) {
    let p = baseline();
    let spec = RunSpec {
        seed: 1,
        replicate: 0,
        agents: 1_000_000,
        spin_up: 24,
        months: 120,
        full: false,
    };
    let mut world = new_world(&p, spec).expect("memory for the benchmark");
    for t in 0..25 {
        world.step(&p, t);
    }
    let apps = world.applications().to_vec();
    let rec = world.rec.clone();
    let weight = world.weight;
    let key = world.key;
    c.bench_function(&format!("matching_{}_applications", apps.len()), |b| {
        b.iter_batched(
            || apps.clone(),
            |mut apps| {
                let mut buf = matching::Buffers::default();
                matching::match_all(&p, &rec, &mut apps, weight, key, 25, &mut buf)
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, month_step, matching_phase);
criterion_main!(benches);
