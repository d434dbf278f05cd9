//! Phase 11, enforcement and market.
//!
//! Each operating recruiter may be investigated, with a monthly probability given by its kind
//! and base (`Params::investigation_rate`: prosecution intensity, the transnational and
//! location focus, joint operations and data sharing with partner countries) and raised by the
//! victims traced to it. A share of investigations become prosecutions, and a share of those
//! end in conviction after a delay: the recruiter leaves, and its persons are counted as
//! convicted. An investigation follows the recorded chain: a prosecuted broker's principal, and a
//! prosecuted principal's brokers, are investigated too (always for a registered broker, with
//! `p_chain_trace` otherwise), and under joint liability a prosecuted broker's principal is
//! prosecuted with it. Licensed agencies over the fee cap, or breaking the licence conditions,
//! lose their licence when caught. Returning victims lower their recruiter's reputation in their
//! district. Empty places are taken by new recruiters, faster where demand went unmet and
//! slower where the expected penalty deters (`Params::deterrence`); an entrant draws its own
//! traits. Brokers whose principal is gone find another. The month's programme costs of
//! recruitment regulation, cooperation and enforcement are counted here.
//!
//! The recruiters of every kind but the licensed agencies are investigated at their steady rate
//! by a clock (`recruiters/clocks.rs`, the same law as a draw each month), so a month looks only
//! at the licensed agencies, the recruiters closed or under prosecution, and those due or with
//! victims, not at each of the 22,000.

use super::context::Trace;
use super::matching::KindDemand;
use super::params::Params;
use super::params::RecruiterType;
use super::recruiters::{NO_PRINCIPAL, Recruiters, Status};
use super::rng::{Purpose, RunKey, Stream, entity};

/// The levers whose programme cost is counted, in the order of [`Counts::cost`].
pub const LEVERS: [&str; 5] = [
    "recruitment",
    "cooperation",
    "reintegration",
    "awareness",
    "enforcement",
];

/// Index of each lever in [`Counts::cost`].
pub mod lever {
    pub const RECRUITMENT: usize = 0;
    pub const COOPERATION: usize = 1;
    pub const REINTEGRATION: usize = 2;
    pub const AWARENESS: usize = 3;
    pub const ENFORCEMENT: usize = 4;
}

#[derive(Clone, Debug, Default)]
pub struct Counts {
    pub investigations: u32,
    pub prosecutions: u32,
    /// Recruiters convicted, and the persons convicted with them.
    pub convictions: u32,
    pub persons_convicted: f64,
    /// Licences withdrawn for charging over the fee cap or breaking the licence conditions.
    pub licences_withdrawn: u32,
    /// Operating recruiters at the end of the month, by kind and base: `[k * locations + l]`.
    pub operating: Vec<u32>,
    /// Programme cost of the month in USD, by lever ([`LEVERS`]). The agents' parts
    /// (reintegration, awareness) are added by the step.
    pub cost: [f64; 5],
}

pub fn month(
    p: &Params,
    rec: &mut Recruiters,
    key: RunKey,
    t: i32,
    traces: &[Trace],
    demand: &KindDemand,
    weight: f64,
) -> Counts {
    let mut c = Counts::default();
    let m = &p.market;
    let w = weight as f32;
    for tr in traces {
        rec.victims[tr.recruiter as usize] += tr.units as u32;
        let hit = if tr.units == 1 {
            w
        } else {
            w * tr.units as f32
        };
        rec.hurt_reputation(
            tr.recruiter as usize,
            tr.district as usize,
            m.reputation_hit_share * hit,
        );
    }
    // Each recruiter's reputations are its own: recovering them all before the loop below,
    // rather than each in its turn, changes nothing.
    rec.recover_reputations(p);
    // The recruiters to look at this month, in id order: every licensed agency, every recruiter
    // closed or under prosecution, and of the others (investigated by their clocks, see
    // recruiters/clocks.rs) those whose clock is due and those with victims this month. The
    // others' month would change nothing.
    rec.start_clocks(p, key, t);
    let mut visit = rec.closed.clone();
    let mut mark = |r: usize| visit[r / 64] |= 1 << (r % 64);
    for (k, kind) in p.kinds.iter().enumerate() {
        if kind.kind == RecruiterType::LicensedAgency {
            (rec.kind_start[k]..rec.kind_start[k + 1]).for_each(|r| mark(r as usize));
        }
    }
    rec.take_due(t, &mut mark);
    traces.iter().for_each(|tr| mark(tr.recruiter as usize));
    // Recruiters prosecuted this month, in id order: their chains are followed below.
    let mut prosecuted: Vec<u32> = Vec::new();
    for (word, &bits) in visit.iter().enumerate() {
        let mut bits = bits;
        while bits != 0 {
            let r = word * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if turn(p, rec, key, t, r, demand, w, &mut c) {
                prosecuted.push(r as u32);
            }
            rec.victims[r] = 0;
        }
    }
    follow_chains(p, rec, key, t, &prosecuted, &mut c);
    rec.rebuild_reach(p, key);
    rec.replace_lost_principals(p, key, t);
    count_operating(p, rec, key, &mut c);
    c
}

/// Recruiter `r`'s month: a closed place may be taken by a new recruiter (faster where demand
/// went unmet, slower where the penalty deters); an agency may reconsider its compliance, and
/// lose its licence for charging over the cap or breaking its conditions; an active recruiter
/// may be investigated, a prosecuted one comes a month nearer its verdict. Returns whether it is
/// prosecuted. The month's stream is made only when a draw is taken from it.
#[allow(clippy::too_many_arguments)]
fn turn(
    p: &Params,
    rec: &mut Recruiters,
    key: RunKey,
    t: i32,
    r: usize,
    demand: &KindDemand,
    w: f32,
    c: &mut Counts,
) -> bool {
    let m = &p.market;
    let cap = &p.policy.recruitment;
    let k = rec.kind[r] as usize;
    let stream = || key.stream(entity::recruiter(r), t as u32, Purpose::Recruiter, 0);
    if rec.status[r] == Status::Closed {
        let unmet = if demand.applied[k] > 0 {
            demand.rejected[k] as f32 / demand.applied[k] as f32
        } else {
            0.0
        };
        let entry = m.p_entry * (1.0 + m.entry_demand_factor * unmet) * rec.deterrence(p, r);
        let mut rng = stream();
        if rng.chance(entry) {
            rec.enter(p, r, &mut rng);
            rec.restart_clock(p, key, r, t);
        }
        return false;
    }
    let active = rec.status[r] == Status::Active;
    let q = rec.steady_rate(p, r);
    if rec.clocked(p, r) {
        if active {
            // The clock's investigation, or the victims' own chance (see clocks.rs).
            let x = (q + rec.victims[r] as f32 * w * m.p_investigate_per_victim).min(1.0);
            let due = rec.due_now(r, t);
            if due {
                rec.restart_clock(p, key, r, t);
            }
            let investigated =
                due || Recruiters::victims_investigate(key, r, t, Recruiters::extra_chance(q, x));
            return investigated && investigate(p, rec, r, t, &mut stream(), c);
        }
        wait_for_verdict(p, rec, key, t, r, stream, c);
        return false;
    }
    // A licensed agency. It reconsiders from time to time whether over-charging is worth the
    // risk; its own stream, so that the enforcement draws below do not move.
    if m.p_compliance_review > 0.0 {
        let mut review = key.stream(entity::recruiter(r), t as u32, Purpose::Market, 2);
        if review.chance(m.p_compliance_review) {
            rec.review_compliance(r, review.uniform());
        }
    }
    let mut rng = stream();
    if cap.fee_cap.is_some() && !rec.compliant(p, r) && rng.chance(cap.p_cap_enforcement as f32) {
        rec.set_status(r, Status::Closed);
        c.licences_withdrawn += 1;
        return false;
    }
    // Licence conditions: an agency that deceives or coerces is caught on inspection (its own
    // stream, so the draws above and below do not move).
    if cap.p_licence_enforcement > 0.0
        && !rec.keeps_conditions(p, r)
        && (rec.deception[r] > 0.0 || rec.coercion[r] > 0.0)
        && key
            .stream(entity::recruiter(r), t as u32, Purpose::Market, 7)
            .chance(cap.p_licence_enforcement as f32)
    {
        rec.set_status(r, Status::Closed);
        c.licences_withdrawn += 1;
        return false;
    }
    if active {
        let x = (q + rec.victims[r] as f32 * w * m.p_investigate_per_victim).min(1.0);
        return rng.chance(x) && investigate(p, rec, r, t, &mut rng, c);
    }
    wait_for_verdict(p, rec, key, t, r, || rng, c);
    false
}

/// A prosecuted recruiter's month: nothing before its verdict month, and then convicted (it
/// closes, and its persons are counted) or acquitted (active again), with a draw from the
/// month's stream.
fn wait_for_verdict(
    p: &Params,
    rec: &mut Recruiters,
    key: RunKey,
    t: i32,
    r: usize,
    stream: impl FnOnce() -> Stream,
    c: &mut Counts,
) {
    if rec.verdict[r] != t {
        return;
    }
    if stream().chance(p.policy.enforcement.conviction_share) {
        c.convictions += 1;
        c.persons_convicted += p.kinds[rec.kind[r] as usize].persons as f64;
        rec.set_status(r, Status::Closed);
    } else {
        rec.set_status(r, Status::Active);
        rec.restart_clock(p, key, r, t);
    }
}

/// An investigation of recruiter `r`: counted, and a prosecution with the prosecution share.
/// Returns whether it is prosecuted.
fn investigate(
    p: &Params,
    rec: &mut Recruiters,
    r: usize,
    t: i32,
    rng: &mut Stream,
    c: &mut Counts,
) -> bool {
    c.investigations += 1;
    if rng.chance(p.policy.enforcement.prosecution_share) {
        prosecute(p, rec, r, t, c);
        return true;
    }
    false
}

fn prosecute(p: &Params, rec: &mut Recruiters, r: usize, t: i32, c: &mut Counts) {
    c.prosecutions += 1;
    rec.set_status(r, Status::Prosecuted);
    rec.await_verdict(r, t, p.policy.enforcement.months_to_verdict);
}

/// Follow the chains of the recruiters prosecuted this month: a broker's principal, a
/// principal's brokers. A recruiter reached is investigated (on its own stream); a registered
/// broker's link is always followed, others with `p_chain_trace`. Under joint liability a
/// prosecuted broker's principal is prosecuted with it.
fn follow_chains(
    p: &Params,
    rec: &mut Recruiters,
    key: RunKey,
    t: i32,
    prosecuted: &[u32],
    c: &mut Counts,
) {
    let m = &p.market;
    let pol = &p.policy.recruitment;
    if prosecuted.is_empty()
        || (m.p_chain_trace <= 0.0
            && pol.broker_registration_share <= 0.0
            && pol.joint_liability_share <= 0.0)
    {
        return;
    }
    let reach = |rec: &mut Recruiters, from: usize, to: usize, broker: usize, c: &mut Counts| {
        if rec.status[to] != Status::Active {
            return;
        }
        let mut rng = key.stream(entity::recruiter(to), t as u32, Purpose::Recruiter, 3);
        let u = rng.uniform();
        let registered = rec.registered(p, key, broker);
        // Joint liability: the principal answers for its broker's acts.
        if from == broker && u < pol.joint_liability_share {
            prosecute(p, rec, to, t, c);
            return;
        }
        let follow = if registered { 1.0 } else { m.p_chain_trace };
        if rng.chance(follow) {
            investigate(p, rec, to, t, &mut rng, c);
        }
    };
    for &r in prosecuted {
        let r = r as usize;
        let q = rec.principal[r];
        if q != NO_PRINCIPAL {
            reach(rec, r, q as usize, r, c);
        }
        // Following a chain changes statuses only, never who works for whom.
        for j in 0..rec.brokers_of(r).len() {
            let b = rec.brokers_of(r)[j] as usize;
            reach(rec, r, b, b, c);
        }
    }
}

/// Operating recruiters by kind and base, registered brokers, agencies inspected: and the
/// month's programme costs of recruitment regulation, cooperation and enforcement.
fn count_operating(p: &Params, rec: &Recruiters, key: RunKey, c: &mut Counts) {
    let pol = &p.policy.recruitment;
    let books = rec
        .books(p, key)
        .expect("the recruiters' books are brought up to date just before");
    c.operating = books.operating.clone();
    let (registered, agencies) = (books.registered, books.agencies);
    // Expected inspections: each operating agency is inspected each month with the
    // probabilities of the fee cap's and the licence conditions' enforcement.
    let mut p_inspect = pol.p_licence_enforcement;
    if pol.fee_cap.is_some() {
        p_inspect += pol.p_cap_enforcement;
    }
    let inspections = agencies as f64 * p_inspect.min(1.0);
    c.cost[lever::RECRUITMENT] = inspections * pol.cost_per_inspection
        + registered as f64 * pol.cost_per_registered_broker_year / 12.0;
    let coop = &p.policy.cooperation;
    if coop.data_sharing_share > 0.0 || coop.joint_operations_share > 0.0 {
        let partners = coop.partner.iter().filter(|&&x| x).count();
        c.cost[lever::COOPERATION] = partners as f64 * coop.cost_per_partner_year / 12.0;
    }
    let e = &p.policy.enforcement;
    c.cost[lever::ENFORCEMENT] = c.investigations as f64 * e.cost_per_investigation
        + c.prosecutions as f64 * e.cost_per_prosecution;
}
