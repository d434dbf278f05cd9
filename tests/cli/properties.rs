//! Properties every run must have (docs/MODEL.md, docs/OUTPUTS.md), checked through the real program:
//! output independent of the thread count (with many chunks per thread), seeds and replicates
//! that matter, conservation of persons in timeseries.csv, honest scaling between agent counts,
//! the output files and columns of the contract, files written whole (no `*.partial` left), and a
//! manifest that records the run. The money ledger is checked on the library, where the engine
//! reports the largest monthly gap between households' net worth and the ledger, and so is the
//! state the recruiters keep from month to month (what a rebuild from scratch would give).

use crate::support::{Output, Sim, fixture, fixture_text, fixture_without_events, read_csv};
use crossroads::engine::{Epoch, RunSpec, run_replicate};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// The seven states of the output contract (docs/OUTPUTS.md).
const STATES: [&str; 7] = [
    "at_home",
    "seeking",
    "in_transit",
    "detained",
    "working",
    "stranded",
    "dead",
];

/// The flows of the output contract (docs/OUTPUTS.md), in order.
const FLOWS: [&str; 26] = [
    "departures_regular",
    "departures_visa_fraud",
    "departures_irregular",
    "departures_cross_border",
    "arrivals",
    "sea_arrivals",
    "deaths",
    "detentions",
    "entry_refusals",
    "deportations",
    "returns",
    "undocumented_returns",
    "new_debt_bondage",
    "new_forced_labour",
    "new_trafficked",
    "identified",
    "investigations",
    "prosecutions",
    "convictions",
    "remittances_usd",
    "mean_debt_usd",
    "in_forced_labour",
    "in_debt_bondage",
    "held_for_ransom",
    "ransom_paid_usd",
    "smuggled",
];

/// Metrics of outcomes.csv that do not depend on the scenario's ids.
const METRICS: [&str; 54] = [
    "departures_per_year",
    "registered_departures_per_year",
    "regular_departures_per_year",
    "visa_fraud_departures_per_year",
    "irregular_departures_per_year",
    "cross_border_departures_per_year",
    "women_share",
    "mean_migration_cost_usd",
    "cost_months_of_earnings",
    "borrowed_share",
    "broker_share",
    "mean_irregular_cost_usd",
    "mean_visa_fraud_cost_usd",
    "collateral_lost_share",
    "repaid_share",
    "mean_months_to_repay",
    "debt_bondage_share",
    "debt_trap_share",
    "forced_labour_share",
    "trafficked_per_1000",
    "trafficked_bd_law_per_1000",
    "promise_broken_share",
    "failed_migration_share",
    "deaths_per_1000_irregular",
    "detained_share_irregular",
    "sea_crossing_death_share",
    "returns_per_year",
    "undocumented_returns_per_year",
    "returnee_in_debt_share",
    "remigration_share",
    "remigration_irregular_share",
    "reintegration_sustainable_share",
    "identified_per_year",
    "investigations_per_year",
    "prosecutions_per_year",
    "convictions_per_year",
    "remittances_usd_per_year",
    "forced_labour_prevalence_per_1000",
    "debt_bondage_prevalence_per_1000",
    "failed_attempt_share",
    "lost_before_departure_usd_per_year",
    "offloaded_per_year",
    "smuggled_per_year",
    "trafficked_per_year",
    "trafficked_per_year[channel=irregular]",
    "trafficked_per_year[sex=women]",
    "held_for_ransom_per_year",
    "ransom_paid_usd_per_year",
    "deaths_in_captivity_per_year",
    "deaths_per_year",
    "onward_departures_per_year",
    "departure_share[destination=saudi_arabia]",
    "arrivals_per_year[destination=italy]",
    "via_share[destination+location=italy+libya]",
];

// Reproducibility -----------------------------------------------------------------------------

#[test]
fn thread_count_does_not_change_the_output() {
    // 120 000 agents are ~30 chunks of 4096: many per thread, and replicates running side by side.
    let base = Sim::new().agents(120_000).replicates(3).seed(5);
    let one = base.clone().threads(1).run();
    let two = base.threads(2).run();
    for f in ["timeseries.csv", "outcomes.csv", "summary.csv"] {
        assert!(
            one.bytes(f) == two.bytes(f),
            "{f} differs between --threads 1 and --threads 2"
        );
    }
    assert_eq!(one.manifest()["threads"], 1);
    assert_eq!(two.manifest()["threads"], 2);
}

#[test]
fn thread_count_does_not_change_a_run_that_starts_from_a_settling_run() {
    // The settling run, and the cloning of the run's people from its end, under 1 and 2 threads.
    let base = Sim::new()
        .agents(60_000)
        .replicates(2)
        .seed(5)
        .months(24)
        .set("settle_months", 120)
        .set("settle_persons_per_agent", 100);
    let one = base.clone().threads(1).run();
    let two = base.threads(2).run();
    for f in ["timeseries.csv", "outcomes.csv"] {
        assert!(
            one.bytes(f) == two.bytes(f),
            "{f} differs between --threads 1 and --threads 2 after a settling run"
        );
    }
}

/// The fixture's parameters with a settling run of `months` months (an agent for each 100
/// persons in it).
fn settled_fixture(months: u32) -> crossroads::engine::params::Params {
    let mut s: crossroads::scenario::Scenario =
        toml::from_str(&fixture_without_events()).expect("the fixture parses");
    s.settle_months = months;
    s.settle_persons_per_agent = 100.0;
    crossroads::compile::params(&s).expect("the fixture compiles")
}

/// After a settling run the initial pool is not drawn but seated: each of its agents takes the
/// record of a person alive at the end of the settling run (`population::seat`), and `create`
/// leaves those agents blank for it. No agent may be left blank: every one of the initial pool is
/// in it (a seated person), and every one after it an entrant still to enter. Without the
/// seating, the blank ones would stay out of the pool until the first month and then enter it
/// as people with nothing drawn (no district, income or traits of their own).
#[test]
fn every_agent_of_a_settled_start_is_seated_or_still_to_enter() {
    use crossroads::engine::agent::State;
    let p = settled_fixture(12);
    let spec = RunSpec {
        seed: 3,
        replicate: 0,
        agents: 5_000,
        spin_up: 12,
        months: 24,
        full: false,
    };
    let world = crossroads::engine::new_world(&p, spec).expect("memory for 5,000 agents");
    let seated = world
        .agents
        .iter()
        .filter(|a| a.state != State::Absent)
        .count();
    assert!(seated > 2_000, "only {seated} of 5,000 agents seated");
    let initial = world.initial();
    assert!(
        initial > 2_000 && initial < 5_000,
        "{initial} agents in the initial pool"
    );
    for (i, a) in world.agents.iter().enumerate() {
        assert_eq!(
            a.state != State::Absent,
            i < initial,
            "agent {i} of an initial pool of {initial} is neither seated nor still to enter: {a:?}"
        );
        assert!(
            a.state != State::Dead,
            "agent {i} was seated on a dead person"
        );
    }
}

/// Pass A skips the agents who have left the pool for good (`step::gone`): out of it and past
/// their month of entry. Checked after every month of a run that starts from a settling run
/// (so that people age out from its first month): the agents no longer visited are exactly
/// those, and the same world stepped with everyone visited every month gives the same records
/// and the same counts, month by month.
#[test]
fn agents_who_have_left_the_pool_are_skipped_and_skipping_them_changes_nothing() {
    use crossroads::engine::agent::State;
    let p = settled_fixture(24);
    let spec = RunSpec {
        seed: 5,
        replicate: 0,
        agents: 6_000,
        spin_up: 0,
        months: 48,
        full: false,
    };
    let mut skipping = crossroads::engine::new_world(&p, spec).expect("memory for 6,000 agents");
    let mut everyone = crossroads::engine::new_world(&p, spec).expect("memory for 6,000 agents");
    let mut skipped = 0;
    for t in 0..48 {
        everyone.visit_everyone();
        let (a, b) = (skipping.step(&p, t), everyone.step(&p, t));
        assert_eq!(
            format!("{:?}", a.tally),
            format!("{:?}", b.tally),
            "month {t}"
        );
        assert_eq!(
            format!("{:?}", a.enforcement),
            format!("{:?}", b.enforcement),
            "month {t}"
        );
        for (i, (x, y)) in skipping.agents.iter().zip(&everyone.agents).enumerate() {
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "agent {i}, month {t}");
            let gone = x.state == State::Absent && x.entry as i32 <= t;
            assert_eq!(skipping.visits(i), !gone, "agent {i}, month {t}: {x:?}");
        }
        skipped = (0..skipping.agents.len())
            .filter(|&i| !skipping.visits(i))
            .count();
    }
    assert!(
        skipped > 100,
        "only {skipped} agents skipped after 48 months"
    );
}

/// Scenarios run together (`engine::shared`, what `compare` and `sweep` do) step one world while
/// their parameters agree and a copy each where they part: each scenario's replicate must be
/// the one it gets alone, to the bit, and the months shared must be stepped once. Five
/// scenarios after a settling run: the fixture; a lever from month 24 (twice, so two stay
/// together to the end); different parameters from the start (its own world, settling run
/// included); and a new epoch at month 30 with the same parameters (which still rebuilds the
/// recruiters' reach, so it parts from the fixture there). Drawn uniformly, and by strata.
#[test]
fn scenarios_run_together_get_what_each_gets_alone_and_share_their_first_months() {
    let stratum =
        "\n[[stratum]]\nid = \"online_men\"\nwomen = false\nonline = true\noversample = 3\n";
    for text in [fixture_without_events(), fixture_without_events() + stratum] {
        run_together_and_alone(&text);
    }
}

fn run_together_and_alone(text: &str) {
    use crossroads::engine::shared;
    let mut s: crossroads::scenario::Scenario = toml::from_str(text).expect("the fixture parses");
    s.settle_months = 12;
    s.settle_persons_per_agent = 100.0;
    let p0 = crossroads::compile::params(&s).expect("the fixture compiles");
    assert_eq!(p0.pop.strata.is_empty(), !text.contains("[[stratum]]"));
    s.policy.awareness.coverage_share = 0.5;
    s.policy.awareness.effect_share = 0.4;
    let p1 = crossroads::compile::params(&s).expect("the changed fixture compiles");
    let epoch = |from: u32, p: &crossroads::engine::Params| Epoch {
        from,
        params: p.clone(),
    };
    let scenarios: Vec<Vec<Epoch>> = vec![
        vec![epoch(0, &p0)],
        vec![epoch(0, &p0), epoch(24, &p1)],
        vec![epoch(0, &p0), epoch(24, &p1)],
        vec![epoch(0, &p1)],
        vec![epoch(0, &p0), epoch(30, &p0)],
    ];
    let texts: Vec<Vec<String>> = scenarios.iter().map(|e| shared::describe(e)).collect();
    let members: Vec<shared::Member> = scenarios
        .iter()
        .zip(&texts)
        .map(|(epochs, texts)| shared::Member { epochs, texts })
        .collect();
    let agents = 3_000;
    let spec = RunSpec {
        seed: 7,
        replicate: 1,
        agents,
        spin_up: 12,
        months: 36,
        full: false,
    };
    let together = shared::run(&members, spec, &|| {}).expect("memory for the test");
    for (i, epochs) in scenarios.iter().enumerate() {
        let alone = run_replicate(epochs, spec, &|| {}).expect("memory for the test");
        assert!(
            format!("{:?}", together.replicates[i]) == format!("{alone:?}"),
            "scenario {i} run with the others differs from scenario {i} run alone"
        );
    }
    // One world for months 0-23 of the first, second, third and fifth; then the second and
    // third together to month 47; the first and fifth together to month 29, then each on its
    // own; the fourth alone throughout.
    let months = 24 + 24 + 6 + 18 + 18 + 48;
    assert_eq!(together.agent_steps, (agents * months) as u64);
}

/// The numeric cells of a timeseries row after `replicate`.
fn row_values(out: &Output) -> Vec<(u32, u32, Vec<String>)> {
    let (h, rows) = out.timeseries();
    rows.iter()
        .map(|r| {
            (
                r.replicate(),
                r.month(),
                h.iter().skip(4).map(|c| r.str(c).to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn a_different_seed_gives_different_results() {
    let a = Sim::new().agents(20_000).replicates(2).seed(1).run();
    let b = Sim::new().agents(20_000).replicates(2).seed(2).run();
    let (ra, rb) = (row_values(&a), row_values(&b));
    assert_eq!(ra.len(), rb.len());
    let differ = ra.iter().zip(&rb).filter(|(x, y)| x.2 != y.2).count();
    assert!(
        differ * 10 >= ra.len() * 9,
        "only {differ} of {} rows differ between seeds 1 and 2",
        ra.len()
    );
    assert!(a.bytes("outcomes.csv") != b.bytes("outcomes.csv"));
}

#[test]
fn replicates_of_one_run_differ() {
    let out = Sim::new().agents(20_000).replicates(2).seed(3).run();
    let rows = row_values(&out);
    let r0: Vec<_> = rows.iter().filter(|r| r.0 == 0).collect();
    let r1: Vec<_> = rows.iter().filter(|r| r.0 == 1).collect();
    assert_eq!(r0.len(), 36);
    assert_eq!(r1.len(), 36);
    let differ = r0.iter().zip(&r1).filter(|(x, y)| x.2 != y.2).count();
    assert!(
        differ >= 33,
        "only {differ} of 36 months differ between replicates 0 and 1"
    );
    let o = out.outcomes();
    let dep = &o["departures_per_year"];
    assert_ne!(
        dep[0], dep[1],
        "replicates 0 and 1 have the same departures"
    );
}

// Conservation --------------------------------------------------------------------------------

#[test]
fn states_add_up_and_population_changes_only_by_entries_and_exits() {
    // 35 000 agents: a weight that is not a whole number of persons.
    let out = Sim::new().agents(35_000).replicates(3).seed(9).run();
    let (_, rows) = out.timeseries();
    assert_eq!(rows.len(), 3 * 36);
    let mut last: Option<(u32, u32, f64)> = None;
    for r in &rows {
        let pop = r.get("population");
        let states: f64 = STATES.iter().map(|s| r.get(s)).sum();
        assert!(pop > 0.0);
        assert!(
            (states - pop).abs() <= 1e-6 * pop,
            "replicate {} month {}: the states add up to {states}, the population is {pop}",
            r.replicate(),
            r.month()
        );
        for c in STATES
            .iter()
            .chain(FLOWS.iter())
            .chain(["entered", "exited"].iter())
        {
            assert!(
                r.get(c) >= 0.0,
                "replicate {} month {}: {c} is negative",
                r.replicate(),
                r.month()
            );
        }
        if let Some((rep, month, prev)) = last
            && rep == r.replicate()
        {
            assert_eq!(r.month(), month + 1, "months must follow each other");
            let expect = prev + r.get("entered") - r.get("exited");
            assert!(
                (pop - expect).abs() <= 1e-6 * pop,
                "replicate {rep} month {}: population {pop}, but {prev} + entered − exited = {expect}",
                r.month()
            );
        }
        last = Some((r.replicate(), r.month(), pop));
    }
    // People do enter and leave over three years (otherwise the check above is empty).
    assert!(rows.iter().map(|r| r.get("entered")).sum::<f64>() > 0.0);
    assert!(rows.iter().map(|r| r.get("exited")).sum::<f64>() > 0.0);
}

#[test]
fn money_ledger_balances_every_month() {
    let s: crossroads::scenario::Scenario =
        toml::from_str(&fixture_text()).expect("the fixture parses");
    let epochs = vec![Epoch {
        from: 0,
        params: crossroads::compile::params(&s).expect("the fixture compiles"),
    }];
    for replicate in 0..2 {
        let spec = RunSpec {
            seed: 1,
            replicate,
            agents: 20_000,
            spin_up: s.spin_up_months,
            months: s.months,
            full: false,
        };
        let r = run_replicate(&epochs, spec, &|| {}).expect("memory for a small run");
        assert_eq!(r.months.len(), s.months as usize);
        assert!(
            r.ledger_gap < 1e-5,
            "replicate {replicate}: the ledger is off by {} of the month's flows",
            r.ledger_gap
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// The books balance whatever the policy mix: grants, safe loans, ransom, fees, caps.
    #[test]
    fn money_ledger_balances_under_any_policy_mix(
        grant in 0.0f64..2000.0,
        coverage in 0.0f64..1.0,
        safe_loan in 0.0f64..1.0,
        fee in 500.0f64..10000.0,
        cap in prop_oneof![Just(0.0f64), 1000.0f64..5000.0],
        ransom in 0.0f64..10000.0,
        p_detention in 0.0f64..0.9,
        employer_pays in 0.0f64..1.0,
        seed in 0u64..1000,
    ) {
        let mut s: crossroads::scenario::Scenario = toml::from_str(&fixture_text()).expect("the fixture parses");
        s.policy.reintegration.economic_grant_usd = grant;
        s.policy.reintegration.coverage_share = coverage;
        s.policy.finance.safe_loan_coverage_share = safe_loan;
        s.policy.recruitment.fee_cap_usd = cap;
        s.policy.recruitment.employer_pays_share = employer_pays;
        for r in s.routes.iter_mut().filter(|r| r.id == "saudi") {
            r.fee_usd = fee;
        }
        for l in s.legs.iter_mut().filter(|l| l.id == "dhaka-libya") {
            l.ransom_usd = ransom;
            l.p_detention = p_detention;
        }
        let epochs = vec![Epoch { from: 0, params: crossroads::compile::params(&s).expect("the fixture compiles") }];
        let spec = RunSpec { seed, replicate: 0, agents: 10_000, spin_up: s.spin_up_months, months: s.months, full: false  };
        let r = run_replicate(&epochs, spec, &|| {}).expect("memory for a small run");
        prop_assert!(r.ledger_gap < 1e-5, "the ledger is off by {} of the month's flows", r.ledger_gap);
    }
}

// Recruiters' kept state -----------------------------------------------------------------------

/// A victim's hit to a recruiter's reputation lands in that recruiter's reputation in that
/// district and nowhere else: the offers read back what enforcement wrote, whatever the order
/// the reputations are stored in (by district, so that a district's brokers lie side by side).
#[test]
fn a_reputation_hit_is_read_back_for_that_recruiter_and_district_alone() {
    use crossroads::engine::recruiters::Recruiters;
    use crossroads::engine::rng::RunKey;
    let s: crossroads::scenario::Scenario =
        toml::from_str(&fixture_without_events()).expect("the fixture parses");
    let p = crossroads::compile::params(&s).expect("the fixture compiles");
    let mut rec = Recruiters::new(&p, RunKey::new(1, 0)).expect("memory for the recruiters");
    let (n, nd) = (rec.len(), rec.districts);
    assert!(n > 2 && nd > 1, "{n} recruiters in {nd} districts");
    let before: Vec<Vec<f32>> = (0..n)
        .map(|r| (0..nd).map(|d| rec.reputation(r as u32, d as _)).collect())
        .collect();
    let (hit_r, hit_d) = (n / 2, nd - 1);
    rec.hurt_reputation(hit_r, hit_d, 0.25);
    for (r, row) in before.iter().enumerate() {
        for (d, &was) in row.iter().enumerate() {
            let now = rec.reputation(r as u32, d as _);
            let want = if (r, d) == (hit_r, hit_d) {
                (was - 0.25).max(0.0)
            } else {
                was
            };
            assert_eq!(now.to_bits(), want.to_bits(), "recruiter {r}, district {d}");
        }
    }
    assert!(
        before[hit_r][hit_d] > 0.0,
        "the hit recruiter starts with a reputation"
    );
}

/// The recruiters keep what the months read of them (the reach lists, the operating counts, the
/// pooled capacities, each recruiter's brokers, deception and coercion, which reputations still
/// recover) up to date from the few recruiters a month changes. After every month, all of it must
/// be what working it out again from scratch gives, bit for bit: under a policy that opens and
/// closes many recruiters, after a settling run and with an epoch change half way, and under one
/// so quiet that in some months the only change is an agency reviewing its compliance.
#[test]
fn the_recruiters_kept_state_is_what_a_rebuild_from_scratch_gives() {
    use crossroads::engine::params::RecruiterType;
    use crossroads::engine::recruiters::Status;

    let fixture: crossroads::scenario::Scenario =
        toml::from_str(&fixture_without_events()).expect("the fixture parses");
    let mut busy = fixture.clone();
    let r = &mut busy.policy.recruitment;
    r.broker_exit_share = 0.3;
    r.broker_registration_share = 0.5;
    r.p_cap_enforcement = 0.05;
    r.p_licence_enforcement = 0.05;
    r.joint_liability_share = 0.5;
    busy.policy.enforcement.p_investigation = 0.03;
    busy.policy.enforcement.conviction_share = 0.5;
    busy.policy.enforcement.months_to_verdict = 3;
    busy.market.p_compliance_review = 0.05;
    busy.market.p_entry = 0.05;
    // A settling run first: its own key, then the run's.
    busy.settle_months = 12;
    let mut changed = busy.clone();
    changed.policy.recruitment.broker_exit_share = 0.6;
    changed.policy.recruitment.fee_cap_usd = 1000.0;
    changed.policy.recruitment.employer_pays_share = 0.3;
    changed.market.reputation_recovery_share = 0.05;
    let runs = recruiters_month_by_month(&busy, &changed);
    assert!(
        runs.opened > 50 && runs.closed > 50,
        "the busy run opened {} and closed {} recruiters",
        runs.opened,
        runs.closed
    );

    let mut quiet = fixture;
    quiet.policy.recruitment.p_cap_enforcement = 0.01;
    quiet.policy.enforcement.p_investigation = 0.0002;
    quiet.market.p_compliance_review = 0.05;
    let runs = recruiters_month_by_month(&quiet, &quiet);
    assert!(
        runs.reviews_alone > 0,
        "no month of the quiet run changed agencies by reviews alone"
    );

    /// What the runs below did to the recruiters.
    struct Runs {
        opened: u32,
        closed: u32,
        /// Months in which agencies reviewed their compliance and none opened or closed.
        reviews_alone: u32,
    }

    /// Step a world 48 months, under `first` and then from month 24 under `then`, checking the
    /// recruiters' kept state after every month.
    fn recruiters_month_by_month(
        first: &crossroads::scenario::Scenario,
        then: &crossroads::scenario::Scenario,
    ) -> Runs {
        let first = crossroads::compile::params(first).expect("the fixture compiles");
        let mut then = crossroads::compile::params(then).expect("the changed fixture compiles");
        then.set_deterrence_reference(first.expected_penalty());
        let spec = RunSpec {
            seed: 3,
            replicate: 0,
            agents: 20_000,
            spin_up: 0,
            months: 48,
            full: false,
        };
        let mut world =
            crossroads::engine::new_world(&first, spec).expect("memory for a small run");
        let mut runs = Runs {
            opened: 0,
            closed: 0,
            reviews_alone: 0,
        };
        for month in 0..48 {
            let p = if month < 24 { &first } else { &then };
            if month == 24 {
                // As run_replicate does at an epoch change.
                world.rec.rebuild_reach(p, world.key);
            }
            let rec = &world.rec;
            let (status, comply) = (rec.status.clone(), rec.comply_draw.clone());
            world.step(p, month);
            let rec = &world.rec;
            let agency =
                |r: usize| p.kinds[rec.kind[r] as usize].kind == RecruiterType::LicensedAgency;
            let (mut agencies_changed, mut reviewed) = (false, false);
            for r in 0..rec.len() {
                let (was, is) = (status[r] == Status::Closed, rec.status[r] == Status::Closed);
                runs.opened += (was && !is) as u32;
                runs.closed += (!was && is) as u32;
                agencies_changed |= agency(r) && was != is;
                reviewed |= agency(r) && !was && !is && comply[r] != rec.comply_draw[r];
            }
            runs.reviews_alone += (reviewed && !agencies_changed) as u32;
            check_recruiters(rec, p, world.key, month);
        }
        runs
    }
}

/// The recruiters' kept state after `month`, against what working it out from scratch gives.
fn check_recruiters(
    rec: &crossroads::engine::recruiters::Recruiters,
    p: &crossroads::engine::Params,
    key: crossroads::engine::rng::RunKey,
    month: i32,
) {
    use crossroads::engine::params::RecruiterType;
    use crossroads::engine::recruiters::{NO_PRINCIPAL, Status};
    use crossroads::engine::rng::{Purpose, entity};
    let n = rec.len();
    let nd = rec.districts;
    let nl = p.locations.len();
    let pol = &p.policy.recruitment;
    // Operating: open, and for a broker not driven out (a fixed draw of the key).
    let broker = |r: usize| p.kinds[rec.kind[r] as usize].kind == RecruiterType::InformalBroker;
    let fixed = |r: usize, sub: u16| key.fixed(entity::recruiter(r), Purpose::Market, sub);
    let operating: Vec<bool> = (0..n)
        .map(|r| {
            rec.status[r] != Status::Closed && (!broker(r) || fixed(r, 1) >= pol.broker_exit_share)
        })
        .collect();
    for (r, &operates) in operating.iter().enumerate() {
        assert_eq!(
            rec.operating(p, key, r),
            operates,
            "month {month}: {r} operates"
        );
        let registered = fixed(r, 3) < pol.broker_registration_share;
        assert_eq!(
            rec.registered(p, key, r),
            registered,
            "month {month}: {r} registered"
        );
    }
    // Reach lists: every operating recruiter, in id order, in each district it works in.
    let mut reach = vec![Vec::new(); p.kinds.len() * nd];
    for r in (0..n).filter(|&r| operating[r]) {
        let k = rec.kind[r] as usize;
        let districts: Vec<usize> = match rec.home[r] {
            Some(h) => vec![h as usize],
            None if p.kinds[k].districts.is_empty() => (0..nd).collect(),
            None => p.kinds[k].districts.iter().map(|&d| d as usize).collect(),
        };
        for d in districts {
            reach[k * nd + d].push(r as u32);
        }
    }
    assert!(rec.reach == reach, "month {month}: the reach lists");
    // Operating counts by kind and base, registered brokers, licensed agencies.
    let books = rec
        .books(p, key)
        .expect("the books are up to date after a month");
    let mut counts = vec![0u32; p.kinds.len() * nl];
    let (mut registered, mut agencies) = (0, 0);
    for r in (0..n).filter(|&r| operating[r]) {
        let k = rec.kind[r] as usize;
        counts[k * nl + rec.base_location(p, r) as usize] += 1;
        match p.kinds[k].kind {
            RecruiterType::InformalBroker if fixed(r, 3) < pol.broker_registration_share => {
                registered += 1
            }
            RecruiterType::LicensedAgency => agencies += 1,
            _ => {}
        }
    }
    assert_eq!(books.operating, counts, "month {month}: operating counts");
    assert_eq!(
        books.registered, registered,
        "month {month}: registered brokers"
    );
    assert_eq!(books.agencies, agencies, "month {month}: licensed agencies");
    // Pooled capacities, added in id order.
    let mut pooled = vec![0.0f32; p.kinds.len()];
    for r in (0..n).filter(|&r| operating[r]) {
        pooled[rec.kind[r] as usize] += rec.capacity(p, r);
    }
    let mut kept = Vec::new();
    rec.pooled_capacity(p, key, &mut kept);
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        bits(&kept),
        bits(&pooled),
        "month {month}: pooled capacities"
    );
    // Each recruiter's brokers; every open broker has an operating principal or none.
    let mut brokers = vec![Vec::new(); n];
    for b in (0..n).filter(|&b| rec.principal[b] != NO_PRINCIPAL) {
        brokers[rec.principal[b] as usize].push(b as u32);
    }
    for (r, list) in brokers.iter().enumerate() {
        assert_eq!(
            rec.brokers_of(r),
            list.as_slice(),
            "month {month}: brokers of {r}"
        );
    }
    for b in 0..n {
        let q = rec.principal[b];
        if broker(b) && rec.status[b] != Status::Closed {
            assert!(
                q == NO_PRINCIPAL || operating[q as usize],
                "month {month}: broker {b} works for {q}, which does not operate"
            );
        }
    }
    // Next month's deception and coercion, and the recovery of reputations.
    let mut next = rec.clone();
    next.refresh(p);
    for r in 0..n {
        assert_eq!(
            next.deception_now[r].to_bits(),
            rec.p_deception(p, r).to_bits()
        );
        assert_eq!(
            next.coercion_now[r].to_bits(),
            rec.p_coercion(p, r).to_bits()
        );
    }
    next.recover_reputations(p);
    let share = p.market.reputation_recovery_share;
    for (i, (&x, &y)) in rec.reputation.iter().zip(&next.reputation).enumerate() {
        let start = p.kinds[rec.kind[i % rec.len()] as usize].reputation;
        let want = x + share * (start - x);
        assert_eq!(y.to_bits(), want.to_bits(), "month {month}: reputation {i}");
    }
}

// Scaling -------------------------------------------------------------------------------------

/// Mean and standard error of `metric` from summary.csv.
fn summary_mean_se(out: &Output, metric: &str) -> (f64, f64) {
    let s = out.summary();
    let row = s
        .get(metric)
        .unwrap_or_else(|| panic!("summary.csv has no {metric}"));
    let mean = row.mean.expect("mean");
    let sd = row.sd.expect("sd");
    (mean, sd / (row.replicates as f64).sqrt())
}

/// Asserts that `metric` agrees between 20 000 and 80 000 agents (weights 4:1) within sampling
/// error, and that the test is sharp: the tolerance is under `sharp` of the mean.
fn agrees_across_agent_counts(base: Sim, metric: &str, sharp: f64) {
    let small = base.clone().agents(20_000).replicates(8).run();
    let large = base.agents(80_000).replicates(8).run();
    let (m1, se1) = summary_mean_se(&small, metric);
    let (m2, se2) = summary_mean_se(&large, metric);
    let tol = 3.0 * (se1 * se1 + se2 * se2).sqrt();
    assert!(
        tol < sharp * m2,
        "the test is too wide to mean anything: tolerance {tol} around {m2}"
    );
    assert!(
        (m1 - m2).abs() < tol,
        "{metric}: {m1} (± {se1}) at 20 000 agents (weight {}) vs {m2} (± {se2}) at 80 000 (weight {}); the difference {} exceeds 3 standard errors ({tol})",
        small.weight(),
        large.weight(),
        m1 - m2
    );
}

#[test]
fn departures_do_not_depend_on_the_agent_count() {
    agrees_across_agent_counts(Sim::new().seed(13), "departures_per_year", 0.06);
}

#[test]
fn exploitation_shares_do_not_depend_on_the_agent_count() {
    agrees_across_agent_counts(Sim::new().seed(13), "debt_bondage_share", 0.1);
}

#[test]
fn binding_recruiter_capacity_does_not_depend_on_the_agent_count() {
    // 500 agencies placing 3 persons a month each (18 000 a year) against a larger demand: the
    // capacity binds, and what it lets through must not depend on how many persons an agent is.
    agrees_across_agent_counts(
        Sim::new()
            .seed(13)
            .set("recruiter.agency.capacity_per_month", 3),
        "regular_departures_per_year",
        0.06,
    );
}

// Files and contract --------------------------------------------------------------------------

#[test]
fn a_run_writes_exactly_the_contract_files_and_no_partial_files() {
    let out = Sim::new().agents(20_000).replicates(2).run();
    assert_eq!(
        out.files(),
        [
            "manifest.json",
            "outcomes.csv",
            "summary.csv",
            "timeseries.csv"
        ]
    );
    assert!(!out.files().iter().any(|f| f.ends_with(".partial")));
}

#[test]
fn output_columns_and_rows_follow_the_contract() {
    let out = Sim::new().agents(20_000).replicates(3).months(24).run();

    // timeseries.csv: columns in the documented order, one row per (replicate, month).
    let (h, rows) = out.timeseries();
    let mut expect: Vec<&str> = vec![
        "scenario",
        "replicate",
        "month",
        "date",
        "population",
        "entered",
        "exited",
    ];
    expect.extend(STATES);
    expect.extend(FLOWS);
    assert_eq!(h, expect, "timeseries.csv columns");
    assert_eq!(rows.len(), 3 * 24);
    for (k, r) in rows.iter().enumerate() {
        let (rep, m) = ((k / 24) as u32, (k % 24) as u32 + 1);
        assert_eq!(
            (r.replicate(), r.month()),
            (rep, m),
            "rows are ordered by replicate and month"
        );
        assert_eq!(r.str("scenario"), "small");
        let date = format!("{}-{:02}", 2022 + (m - 1) / 12, (m - 1) % 12 + 1);
        assert_eq!(r.str("date"), date, "month {m} is {date}");
    }

    // outcomes.csv: every metric for every replicate; values are plain numbers or empty.
    let (h, rows) = read_csv(&out.path("outcomes.csv"));
    assert_eq!(
        h,
        ["scenario", "replicate", "metric", "by", "level", "value"]
    );
    let o = out.outcomes();
    for m in METRICS {
        let v = o.get(m).unwrap_or_else(|| panic!("outcomes.csv lacks {m}"));
        assert_eq!(v.len(), 3, "{m} should have one row per replicate");
    }
    assert_eq!(rows.len(), 3 * o.len());
    // Metric names are snake_case and carry no breakdown: that is what `by` and `level` are for.
    let snake = |x: &str| {
        x.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let dests = ["saudi_arabia", "italy", "india"];
    for r in &rows {
        let (metric, by, level) = (&r[2], &r[3], &r[4]);
        assert!(snake(metric), "metric {metric} is not snake_case");
        assert!(
            !dests.iter().any(|d| metric.contains(*d)),
            "metric {metric} carries a destination in its name"
        );
        assert_eq!(
            by.is_empty(),
            level.is_empty(),
            "{metric}: by {by:?}, level {level:?}"
        );
        assert!(
            [
                "",
                "destination",
                "destination+location",
                "channel",
                "recruiter_kind",
                "sex",
                "skill",
                "location",
                "sex+destination",
                "state",
                "lever",
                "recruiter_kind+location",
                "base"
            ]
            .contains(&by.as_str()),
            "{metric}: unknown breakdown {by:?}"
        );
    }
    for (m, v) in &o {
        let metric = m.split('[').next().unwrap_or(m);
        for x in v.iter().flatten() {
            assert!(x.is_finite(), "{m} = {x}");
            if metric.ends_with("_share") {
                assert!(
                    (0.0..=1.0).contains(x),
                    "{m} = {x} is a share outside [0, 1]"
                );
            }
            if metric.ends_with("_per_year")
                || metric.ends_with("_usd")
                || metric.ends_with("_per_1000")
            {
                assert!(*x >= 0.0, "{m} = {x} is negative");
            }
        }
    }
    // Departures by channel add up; registered = regular + visa fraud.
    #[allow(clippy::needless_range_loop)]
    for r in 0..3 {
        let g = |m: &str| o[m][r].unwrap();
        let channels = g("regular_departures_per_year")
            + g("visa_fraud_departures_per_year")
            + g("irregular_departures_per_year")
            + g("cross_border_departures_per_year");
        assert!((channels - g("departures_per_year")).abs() < 1e-3);
        assert!(
            (g("regular_departures_per_year") + g("visa_fraud_departures_per_year")
                - g("registered_departures_per_year"))
            .abs()
                < 1e-3
        );
    }

    // summary.csv: one row per metric, the mean and interval of the replicates' values.
    let s = out.summary();
    assert_eq!(
        s.keys().collect::<BTreeSet<_>>(),
        o.keys().collect::<BTreeSet<_>>(),
        "summary.csv and outcomes.csv metrics"
    );
    for (m, row) in &s {
        let vals: Vec<f64> = o[m].iter().flatten().copied().collect();
        assert_eq!(row.replicates, vals.len(), "{m}: replicates");
        if vals.is_empty() {
            assert!(row.mean.is_none(), "{m}: mean of no values must be empty");
            continue;
        }
        let mean = vals.iter().sum::<f64>() / vals.len() as f64;
        let got = row.mean.unwrap();
        assert!(
            (got - mean).abs() <= 1e-6 * mean.abs().max(1.0),
            "{m}: summary mean {got}, outcomes mean {mean}"
        );
        if vals.len() >= 2 {
            let (lo, hi) = (row.ci_low.unwrap(), row.ci_high.unwrap());
            assert!(
                lo <= got + 1e-9 && got <= hi + 1e-9,
                "{m}: mean {got} outside its interval [{lo}, {hi}]"
            );
            assert!(row.sd.unwrap() >= 0.0);
        }
    }

    // Counts in persons: flows are whole agents times the weight.
    let w = out.weight();
    let (_, rows) = out.timeseries();
    for r in &rows {
        for c in ["departures_regular", "arrivals", "returns", "population"] {
            let agents = r.get(c) / w;
            assert!(
                (agents - agents.round()).abs() < 1e-4,
                "{c} = {} is not a whole number of agents of weight {w}",
                r.get(c)
            );
        }
    }
}

#[test]
fn one_replicate_leaves_sd_and_interval_empty() {
    let out = Sim::new().agents(20_000).replicates(1).run();
    let s = out.summary();
    let row = &s["departures_per_year"];
    assert_eq!(row.replicates, 1);
    assert!(row.mean.is_some());
    assert!(
        row.sd.is_none() && row.ci_low.is_none() && row.ci_high.is_none(),
        "{row:?}"
    );
}

#[test]
fn empty_denominators_are_empty_cells_not_zeros() {
    // Nobody sells an irregular or cross-border route: metrics over irregular departures or sea
    // crossings have no denominator, while counts per year are a true zero.
    let out = Sim::new()
        .agents(20_000)
        .replicates(2)
        .set("recruiter.network.p_direct_offer", 0)
        .set("recruiter.network.broker_weight", 0)
        .set("offers.p_cross_border_young_women", 0)
        .set("offers.p_cross_border_other", 0)
        .run();
    let o = out.outcomes();
    for m in [
        "deaths_per_1000_irregular",
        "detained_share_irregular",
        "mean_irregular_cost_usd",
        "sea_crossing_death_share",
        "via_share[destination+location=italy+libya]",
    ] {
        assert!(
            o[m].iter().all(Option::is_none),
            "{m} has no denominator and must be empty: {:?}",
            o[m]
        );
    }
    for m in [
        "irregular_departures_per_year",
        "cross_border_departures_per_year",
        "arrivals_per_year[destination=italy]",
    ] {
        assert!(
            o[m].iter().all(|x| *x == Some(0.0)),
            "{m} must be 0: {:?}",
            o[m]
        );
    }
    let s = out.summary();
    assert!(
        s["detained_share_irregular"].mean.is_none()
            && s["detained_share_irregular"].replicates == 0
    );
}

// Manifest ------------------------------------------------------------------------------------

#[test]
fn the_manifest_records_the_run() {
    let out = Sim::new()
        .agents(20_000)
        .replicates(2)
        .seed(42)
        .threads(2)
        .set("policy.awareness.coverage_share", 0.5)
        .run();
    let m = out.manifest();
    for k in [
        "seed",
        "replicates",
        "agents",
        "weight",
        "threads",
        "version",
        "commit",
        "input_files",
        "start_time",
        "wall_seconds",
        "resolved_scenario",
    ] {
        assert!(m.get(k).is_some(), "manifest.json lacks {k}:\n{m:#}");
    }
    assert_eq!(m["seed"], 42);
    assert_eq!(m["replicates"], 2);
    assert_eq!(m["agents"], 20_000);
    assert_eq!(m["threads"], 2);
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        m["commit"].as_str().is_some_and(|c| !c.is_empty()),
        "the commit the program was built from, or \"unknown\""
    );
    // Weight: persons ever in the pool over the run ÷ agents.
    let s: crossroads::scenario::Scenario = toml::from_str(&fixture_text()).unwrap();
    let persons = s.population.persons
        + s.population.entries_per_year * (s.spin_up_months + s.months) as f64 / 12.0;
    let w = m["weight"].as_f64().unwrap();
    assert!(
        (w - persons / 20_000.0).abs() < 1e-6 * w,
        "weight {w}, expected {}",
        persons / 20_000.0
    );
    // The input file, with the SHA-256 of its bytes.
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(std::fs::read(fixture()).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let files = m["input_files"].as_array().expect("input_files is a list");
    assert!(
        files
            .iter()
            .any(|f| f["sha256"].as_str() == Some(digest.as_str())
                && f["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("small.toml"))),
        "input_files should hold small.toml with sha256 {digest}: {files:?}"
    );
    let start = m["start_time"].as_str().expect("start_time is text");
    assert!(
        start.len() == 20 && start.ends_with('Z') && &start[10..11] == "T",
        "start_time {start} is not RFC 3339 UTC"
    );
    assert!(m["wall_seconds"].as_f64().is_some_and(|x| x >= 0.0));
    // The resolved scenario holds the --set.
    let r = &m["resolved_scenario"];
    assert_eq!(
        r["policy"]["awareness"]["coverage_share"].as_f64(),
        Some(0.5),
        "resolved_scenario should carry the --set value"
    );
    assert_eq!(r["name"], "small");
}

#[test]
fn the_resolved_scenario_in_the_manifest_reproduces_the_run() {
    let first = Sim::new()
        .agents(20_000)
        .replicates(2)
        .seed(8)
        .set("route.saudi.fee_usd", 6000)
        .run();
    let resolved = first.manifest()["resolved_scenario"].clone();
    let value: toml::Value =
        serde_json::from_value(resolved).expect("resolved_scenario converts to TOML");
    let tmp = tempfile::TempDir::new().unwrap();
    let path = tmp.path().join("e2e_resolved.toml");
    std::fs::write(&path, toml::to_string(&value).expect("serialise TOML")).unwrap();
    let again = Sim::new()
        .scenario(&path)
        .agents(20_000)
        .replicates(2)
        .seed(8)
        .run();
    for f in ["timeseries.csv", "outcomes.csv", "summary.csv"] {
        assert!(
            first.bytes(f) == again.bytes(f),
            "{f}: rerunning the manifest's resolved scenario gives different output"
        );
    }
}

/// Enforcement investigates an active recruiter in a month with its kind's rate at its base,
/// raised by the victims traced to it that month, whether the chance is drawn every month (the
/// licensed agencies) or kept by the recruiter's clock (the others, `recruiters/clocks.rs`):
/// over many months of recruiters being prosecuted, acquitted, convicted and replaced, the
/// investigations counted match the sum of those chances within sampling error.
#[test]
fn investigations_follow_each_recruiters_monthly_chance() {
    use crossroads::engine::context::Trace;
    use crossroads::engine::enforcement;
    use crossroads::engine::matching::KindDemand;
    use crossroads::engine::recruiters::{Recruiters, Status};
    use crossroads::engine::rng::RunKey;

    let mut s: crossroads::scenario::Scenario =
        toml::from_str(&fixture_without_events()).expect("the fixture parses");
    let e = &mut s.policy.enforcement;
    e.p_investigation = 0.05;
    e.months_to_verdict = 2;
    e.conviction_share = 0.3;
    // Investigations only from the month's chances: no chains, no licences withdrawn.
    s.market.p_chain_trace = 0.0;
    s.market.p_investigate_per_victim = 0.2;
    let r = &mut s.policy.recruitment;
    r.broker_registration_share = 0.0;
    r.joint_liability_share = 0.0;
    r.p_cap_enforcement = 0.0;
    r.p_licence_enforcement = 0.0;
    let p = crossroads::compile::params(&s).expect("the fixture compiles");
    let key = RunKey::new(5, 0);
    let mut rec = Recruiters::new(&p, key).expect("memory for the recruiters");
    let demand = KindDemand {
        applied: vec![0; p.kinds.len()],
        rejected: vec![0; p.kinds.len()],
    };
    let traced = |r: usize, t: usize| (r + t).is_multiple_of(7);
    // Expected investigations, their variance, and those counted.
    let (mut expected, mut variance, mut counted) = (0.0f64, 0.0f64, 0u64);
    let (mut acquitted, mut entered) = (0, 0);
    for t in 0..240 {
        let traces: Vec<Trace> = (0..rec.len())
            .filter(|&r| traced(r, t))
            .map(|r| Trace {
                recruiter: r as u32,
                district: 0,
                units: 1,
            })
            .collect();
        let before = rec.status.clone();
        for (r, _) in before
            .iter()
            .enumerate()
            .filter(|(_, s)| **s == Status::Active)
        {
            let victims = traced(r, t) as u32 as f32;
            let x = (rec.steady_rate(&p, r) + victims * p.market.p_investigate_per_victim).min(1.0)
                as f64;
            expected += x;
            variance += x * (1.0 - x);
        }
        let c = enforcement::month(&p, &mut rec, key, t as i32, &traces, &demand, 1.0);
        counted += c.investigations as u64;
        for (r, was) in before.iter().enumerate() {
            let active = rec.status[r] == Status::Active;
            acquitted += (*was == Status::Prosecuted && active) as u32;
            entered += (*was == Status::Closed && active) as u32;
        }
    }
    let (counted, sd) = (counted as f64, variance.sqrt());
    assert!(
        acquitted > 100 && entered > 100,
        "the run must exercise clocks drawn again: {acquitted} acquitted, {entered} entered"
    );
    let z = (counted - expected) / sd;
    assert!(
        z.abs() < 4.0,
        "{counted} investigations counted against {expected:.0} expected (sd {sd:.0}): z = {z:.2}"
    );
}

/// A prosecuted recruiter's verdict comes `months_to_verdict` months after its prosecution
/// (enforcement looks at it only then, `recruiters/clocks.rs`), also when the month count starts
/// again, as it does after the settling run: the verdict then comes as many months later as it
/// still had to wait.
#[test]
fn a_verdict_comes_months_to_verdict_after_the_prosecution_across_a_restart() {
    use crossroads::engine::enforcement;
    use crossroads::engine::matching::KindDemand;
    use crossroads::engine::recruiters::{Recruiters, Status};
    use crossroads::engine::rng::RunKey;

    const WAIT: u32 = 5;
    let mut s: crossroads::scenario::Scenario =
        toml::from_str(&fixture_without_events()).expect("the fixture parses");
    let e = &mut s.policy.enforcement;
    e.p_investigation = 0.05;
    e.months_to_verdict = WAIT;
    e.conviction_share = 0.3;
    s.market.p_chain_trace = 0.0;
    let r = &mut s.policy.recruitment;
    r.joint_liability_share = 0.0;
    r.p_cap_enforcement = 0.0;
    r.p_licence_enforcement = 0.0;
    let p = crossroads::compile::params(&s).expect("the fixture compiles");
    let mut rec = Recruiters::new(&p, RunKey::new(5, 0)).expect("memory for the recruiters");
    let demand = KindDemand {
        applied: vec![0; p.kinds.len()],
        rejected: vec![0; p.kinds.len()],
    };
    // Months since each recruiter's prosecution, counted in calls of enforcement.
    let mut waited: Vec<Option<u32>> = vec![None; rec.len()];
    let (mut verdicts, mut across) = (0, 0);
    // A settling run of 30 months under its own key, then the run from month 0 under another.
    let months = (0..30)
        .map(|t| (RunKey::new(5, 0), t))
        .chain((0..30).map(|t| (RunKey::new(6, 0), t)));
    for (call, (key, t)) in months.enumerate() {
        let before = rec.status.clone();
        enforcement::month(&p, &mut rec, key, t, &[], &demand, 1.0);
        for (r, was) in before.iter().enumerate() {
            let now = rec.status[r];
            if let Some(w) = waited[r].as_mut() {
                *w += 1;
                if now == Status::Prosecuted {
                    assert!(
                        *w < WAIT,
                        "recruiter {r} still awaits its verdict after {w} months"
                    );
                } else {
                    assert_eq!(*w, WAIT, "recruiter {r}'s verdict came after {w} months");
                    verdicts += 1;
                    across += (call >= 30 && call < 30 + WAIT as usize) as u32;
                    waited[r] = None;
                }
            }
            if *was == Status::Active && now == Status::Prosecuted {
                waited[r] = Some(0);
            }
        }
    }
    assert!(
        verdicts > 100 && across > 10,
        "the run must exercise verdicts, also across the restart: {verdicts}, {across} across"
    );
}
