//! Phase 10, return and reintegration: a returnee lives on at home with the debt it still has.
//! Support, where the policy offers it, starts at the airport (or reaches half as many later):
//! psychosocial (acts in aspiration and choice), economic (a grant and a year of extra income),
//! social (ties at home, acting in aspiration). Twelve months on, the return is judged
//! sustainable or not.

use super::agent::{Agent, NO_RECRUITER, State, fl, tr};
use super::context::{Ctx, Local, Trace};
use super::exploitation;
use super::params::target;
use super::rng::Purpose;
use super::stats::{Account, REMIGRATION_WINDOW_MONTHS, SUSTAINABILITY_CHECK_MONTHS};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnKind {
    /// Contract ended (or the worker chose to leave).
    ContractEnd,
    Deported,
    Stranded,
    Identified,
}

pub fn return_home(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local, kind: ReturnKind) {
    let p = ctx.p;
    if !a.is(fl::PAID) {
        exploitation::fail(ctx, a, loc);
    }
    let undocumented = kind != ReturnKind::ContractEnd || a.is(fl::PASSPORT);
    let from = p.locations[a.location as usize].dest;
    let t = loc.t(a);
    t.returns += 1;
    if undocumented {
        t.undocumented_returns += 1;
    }
    if let Some(d) = from {
        t.returns_by_dest[d as usize] += 1;
    }
    let exploited = a.flags
        & (fl::DEBT_BONDAGE | fl::FORCED_LABOUR | fl::TRAFFICKED | fl::SEXUAL | fl::CAPTIVE)
        != 0;
    if exploited && kind != ReturnKind::Identified && a.recruiter != NO_RECRUITER {
        loc.traces.push(Trace {
            recruiter: a.recruiter,
            district: a.district,
            units: ctx.units(a),
        });
    }
    a.returned = ctx.t as i16;
    a.traits |= tr::RETURNEE;
    a.traits &= !(tr::IRREGULAR_AGAIN | tr::SUPPORTED | tr::UPLIFT);
    a.set_state(State::AtHome);
    a.location = 0;
    a.arrears = 0;
    a.wage = 0.0;
    if let Some(y) = ctx.year_of(a.returned) {
        let r = &mut loc.out.returns[y][a.cell()];
        r.returns += 1;
        if a.debt > 0.0 {
            r.in_debt += 1;
        }
        if ctx.t + REMIGRATION_WINDOW_MONTHS <= ctx.last {
            r.followed_24 += 1;
        }
    }

    // Support: identified victims always; others of the groups it targets as far as the
    // programme and its budget reach.
    let pol = &p.policy.reintegration;
    let mut rng = ctx.rng(i, Purpose::Return, 0);
    let targeted = pol.target == 0
        || (pol.target & target::DEPORTEES != 0 && kind == ReturnKind::Deported)
        || (pol.target & target::VICTIMS != 0 && exploited)
        || (pol.target & target::INDEBTED != 0 && a.debt > 0.0);
    let reach = pol.coverage_share
        * ctx.budget_share
        * if pol.from_airport {
            1.0
        } else {
            pol.late_reach_share
        };
    if targeted && kind != ReturnKind::Identified && pol.coverage_share > 0.0 {
        loc.t(a).eligible += 1;
    }
    let u = rng.uniform();
    if kind == ReturnKind::Identified || (targeted && u < reach) {
        a.traits |= tr::SUPPORTED;
        loc.t(a).supported += 1;
        let grant = pol.economic_grant;
        if grant > 0.0 {
            a.savings += grant;
            loc.t(a).pay(Account::Grants, Account::Households, grant);
        }
        if pol.income_uplift_share > 0.0 {
            a.traits |= tr::UPLIFT;
        }
    }
}

/// Deportation: counted, and the person returns home on a travel permit (a failed attempt if it
/// never reached paid work).
pub fn deport(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local) {
    loc.t(a).deportations += 1;
    return_home(ctx, i, a, loc, ReturnKind::Deported);
}

/// Income at home this month, with the economic support's uplift for the months after return
/// the scenario gives it.
#[inline]
pub fn home_income(ctx: &Ctx, a: &Agent) -> f32 {
    let pol = &ctx.p.policy.reintegration;
    // The rarely true condition first (`returned` is NEVER, long ago, for most): a branch on
    // the trait, which varies from person to person, would often be mispredicted.
    if ctx.t - (a.returned as i32) <= pol.income_uplift_months as i32 && a.has(tr::UPLIFT) {
        a.home_income * (1.0 + pol.income_uplift_share)
    } else {
        a.home_income
    }
}

/// Twelve months after a reported return: at home, income at least subsistence plus debt
/// service, no irregular re-migration, not trafficked again.
pub fn check_sustainable(ctx: &Ctx, a: &Agent, loc: &mut Local) {
    // The rarely true condition first: a branch on whether someone is a returnee, which varies
    // from person to person, would often be mispredicted.
    if ctx.t != a.returned as i32 + SUSTAINABILITY_CHECK_MONTHS || !a.has(tr::RETURNEE) {
        return;
    }
    let Some(y) = ctx.year_of(a.returned) else {
        return;
    };
    let r = &mut loc.out.returns[y][a.cell()];
    r.followed_12 += 1;
    let at_home = matches!(a.state, State::AtHome | State::Seeking);
    let income = home_income(ctx, a);
    let need = ctx.p.pop.subsistence + a.debt * a.rate;
    if at_home && income >= need && !a.has(tr::IRREGULAR_AGAIN) {
        r.sustainable += 1;
    }
}
