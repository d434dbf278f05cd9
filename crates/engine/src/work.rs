//! Phase 7, work: arrival at the destination (the promised job, a worse one, or none), then
//! each month the wage, wage theft, passport confiscation, living costs, interest, repayment
//! and remittances. The coercion rate of the recruiter that placed the worker raises the
//! destination's hazards. Women recruited by deception or by a trafficking network face sexual
//! exploitation (more so when young); a worker may lose the job, or leave it to move on.

use super::agent::{Agent, NO_RECRUITER, State, fl, tr};
use super::context::{Ctx, Local};
use super::finance;
use super::journey;
use super::params::{Channel, Ix, RecruiterType};
use super::rng::Purpose;
use super::stats::Account;

/// Arrival at the route's destination.
pub fn arrive(ctx: &Ctx, _i: usize, a: &mut Agent, loc: &mut Local, by_sea: bool) {
    let p = ctx.p;
    let rp = &p.routes[a.route as usize];
    let d = rp.dest as usize;
    let dest = &p.dests[d];
    a.location = dest.location as u8;
    a.flags |= fl::ARRIVED;
    let t = loc.t(a);
    t.arrivals[d] += 1;
    if by_sea {
        t.sea_arrivals[d] += 1;
    }
    t.arrivals_by_route[a.route as usize] += 1;
    let legal = rp.channel == Channel::Regular
        || (rp.channel == Channel::VisaFraud && dest.visa_fraud_legal);
    let kept = p.work.promise_kept_share;
    let broken = !legal || a.wage < kept * a.promised;
    if a.promised * kept > a.wage {
        a.flags |= fl::DECEIVED;
    }
    if let Some(y) = ctx.year_of(a.departed).filter(|_| a.is(fl::REPORTED)) {
        let e = &mut loc.out.episodes[y][a.cell()];
        e.arrived += 1;
        if broken {
            e.promise_broken += 1;
        }
    }
    if legal {
        let wage = a.wage;
        start_job(ctx, a, d as Ix, wage, true, loc);
    } else if rp.job_on_arrival {
        // A job waits, without a work visa (a visit visa sold with an employer who exists).
        let wage = a.wage;
        start_job(ctx, a, d as Ix, wage, false, loc);
    } else {
        journey::strand(a, loc);
    }
}

/// The median wage a person would be offered at a destination whose median is `wage`: the
/// skilled earn `work.skilled_wage_factor` times it.
#[inline]
pub fn median_wage(p: &super::params::Params, a: &Agent, wage: f32) -> f32 {
    if a.has(tr::SKILLED) {
        wage * p.work.skilled_wage_factor
    } else {
        wage
    }
}

/// Start a job at destination `d`.
pub fn start_job(ctx: &Ctx, a: &mut Agent, d: Ix, wage: f32, legal: bool, _loc: &mut Local) {
    let dest = &ctx.p.dests[d as usize];
    a.set_state(State::Working);
    a.wage = wage;
    a.timer = dest.contract_months;
    a.location = dest.location as u8;
    a.withheld = 0;
    if legal {
        a.flags |= fl::LEGAL;
    }
}

/// Coercion rate of the recruiter that placed the worker.
#[inline]
pub fn coercion(ctx: &Ctx, a: &Agent) -> f32 {
    if a.recruiter == NO_RECRUITER {
        return 0.0;
    }
    ctx.rec.coercion_now[a.recruiter as usize]
}

/// Kind of the recruiter of the current episode, if any.
#[inline]
pub fn kind_of(ctx: &Ctx, a: &Agent) -> Option<RecruiterType> {
    (a.recruiter != NO_RECRUITER)
        .then(|| ctx.p.kinds[ctx.rec.kind[a.recruiter as usize] as usize].kind)
}

/// One month of work; whether wages were withheld is kept in the agent's monthly history.
#[inline]
pub fn month(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local) {
    let p = ctx.p;
    let d = p.locations[a.location as usize].dest.unwrap_or(0) as usize;
    let dest = &p.dests[d];
    let mut rng = ctx.rng(i, Purpose::Work, 0);
    let boost = 1.0 + p.work.coercion_hazard_factor * coercion(ctx, a);
    if !a.is(fl::PASSPORT) && rng.chance(dest.p_passport * boost) {
        a.flags |= fl::PASSPORT;
    }
    let u_theft = rng.uniform();
    let theft = if a.withheld & 1 != 0 {
        u_theft < p.work.withholding_persistence_share
    } else {
        u_theft < dest.p_wage_theft * boost
    };
    a.withheld = (a.withheld << 1) | theft as u8;
    let pay = if theft {
        a.wage * (1.0 - p.work.wage_theft_share)
    } else {
        a.wage
    };
    loc.t(a).pay(Account::Employers, Account::Households, pay);
    loc.t(a)
        .pay(Account::Households, Account::LivingCosts, dest.living);
    a.savings += pay - dest.living;
    finance::accrue(ctx, a, loc);
    let surplus = pay - dest.living;
    let mut repaid = 0.0;
    if surplus > 0.0 && a.debt > 0.0 {
        // The recruiter's advance is deducted from the wage first.
        let due = (surplus * p.work.repay_share).max(a.advance.min(surplus));
        repaid = finance::repay(ctx, a, due, loc);
    }
    if surplus > repaid {
        // What is left is sent home; the household spends part of it.
        let remitted = surplus - repaid;
        loc.t(a).remittances += remitted as f64;
        let spent = remitted * (1.0 - p.work.saved_share);
        a.savings -= spent;
        loc.t(a)
            .pay(Account::Households, Account::HomeEconomy, spent);
    }
    if !a.is(fl::PAID) && !theft {
        a.flags |= fl::PAID;
        if p.registered(a.route)
            && a.is(fl::REPORTED)
            && let Some(y) = ctx.year_of(a.departed)
        {
            let e = &mut loc.out.episodes[y][a.cell()];
            e.paid_count += 1;
            e.paid_cost += a.cost as f64;
            e.paid_first_wage += a.wage as f64;
        }
    }
    // Sexual exploitation: women recruited by a trafficking network or by a deceptive offer,
    // the young more often. (A draw only for those exposed: most workers are not.)
    if a.has(tr::WOMAN)
        && !a.is(fl::SEXUAL)
        && (a.is(fl::DECEPTIVE_RECRUITMENT)
            || kind_of(ctx, a) == Some(RecruiterType::TraffickingNetwork))
    {
        let mut hazard =
            dest.p_sexual_exploitation + p.routes[a.route as usize].p_sexual_exploitation;
        if a.age(ctx.t, ctx.p.pop.age_min) <= p.offers.young_age_max as i32 {
            hazard *= p.exploitation.young_women_factor;
        }
        if rng.chance(hazard) {
            a.flags |= fl::SEXUAL;
        }
    }
    if rng.chance(dest.p_job_loss) {
        journey::strand(a, loc);
    } else if dest.p_move_on > 0.0 && rng.chance(dest.p_move_on) {
        // Leaves the job to go further (e.g. from Serbia into the EU).
        let mut rng = ctx.rng(i, Purpose::Journey, 3);
        journey::move_on(ctx, i, a, loc, &mut rng);
    }
}
