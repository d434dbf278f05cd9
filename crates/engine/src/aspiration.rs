//! Phase 1, aspiration: a person at home starts seeking work abroad with a monthly probability
//! that rises with poverty, ties abroad, prime working age and debt left from an earlier
//! attempt (less so with psychosocial support), and is lower for women and for returnees whom
//! social support has reconnected at home.

use super::agent::{Agent, tr};
use super::context::Ctx;
use super::select;

/// Monthly probability that this person starts seeking.
#[inline]
pub fn probability(ctx: &Ctx, a: &Agent) -> f32 {
    let p = ctx.p;
    let s = &p.asp;
    // The rarely true condition first: a branch on whether someone is a returnee, which varies
    // from person to person, would often be mispredicted. (Someone who never returned has
    // `returned` = NEVER, long ago.)
    if ctx.t - (a.returned as i32) < s.rest_months as i32 && a.has(tr::RETURNEE) {
        return 0.0;
    }
    let median = p.pop.home_income;
    let poverty = (1.0 + s.poverty_slope * (median / a.home_income.max(1.0) - 1.0)).max(0.0);
    let mut x = s.p_base * poverty;
    // The factors of traits that vary from person to person are selected without a branch
    // (which the processor would mispredict about every other person); a factor not applied
    // is a multiplication by 1, which leaves x as it is.
    x *= select::f32(a.has(tr::TIES), s.ties_factor, 1.0);
    let age = a.age(ctx.t, ctx.p.pop.age_min);
    let prime = (age >= s.prime_age_min as i32) & (age <= s.prime_age_max as i32);
    x *= select::f32(prime, s.prime_age_factor, 1.0);
    x *= select::f32(a.has(tr::WOMAN), s.women_factor, 1.0);
    // Debt left from an earlier attempt, whether it failed abroad or before departure.
    let support = select::f32(
        a.has(tr::SUPPORTED),
        p.policy.reintegration.psychosocial_share,
        0.0,
    );
    let indebted = a.has(tr::RETURNEE | tr::FAILED_ATTEMPT) & (a.debt > 0.0);
    x *= select::f32(indebted, 1.0 + (s.debt_factor - 1.0) * (1.0 - support), 1.0);
    // Social support rebuilds a supported returnee's place at home: less push to leave again.
    if a.has(tr::SUPPORTED) {
        x *= 1.0 - p.policy.reintegration.social_share;
    }
    x.min(1.0)
}

/// Whether the person starts seeking this month, given its uniform draw for aspiration (taken
/// only if the probability is positive: a draw in [0, 1) is never below zero).
#[inline]
pub fn starts_seeking(ctx: &Ctx, a: &Agent, u: impl FnOnce() -> f32) -> bool {
    let x = probability(ctx, a);
    x > 0.0 && u() < x
}
