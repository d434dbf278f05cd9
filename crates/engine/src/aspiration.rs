//! Phase 1, aspiration: a person at home starts seeking work abroad with a monthly probability
//! that rises with poverty, ties abroad, prime working age and debt left from an earlier
//! attempt (less so with psychosocial support), and is lower for women and for returnees whom
//! social support has reconnected at home.

use super::agent::{Agent, tr};
use super::context::Ctx;

/// Monthly probability that this person starts seeking.
#[inline]
pub fn probability(ctx: &Ctx, a: &Agent) -> f32 {
    let p = ctx.p;
    let s = &p.asp;
    if a.has(tr::RETURNEE) && ctx.t - (a.returned as i32) < s.rest_months as i32 {
        return 0.0;
    }
    let median = p.pop.home_income;
    let poverty = (1.0 + s.poverty_slope * (median / a.home_income.max(1.0) - 1.0)).max(0.0);
    let mut x = s.p_base * poverty;
    if a.has(tr::TIES) {
        x *= s.ties_factor;
    }
    let age = a.age(ctx.t);
    if age >= s.prime_age_min as i32 && age <= s.prime_age_max as i32 {
        x *= s.prime_age_factor;
    }
    if a.has(tr::WOMAN) {
        x *= s.women_factor;
    }
    // Debt left from an earlier attempt, whether it failed abroad or before departure.
    if a.has(tr::RETURNEE | tr::FAILED_ATTEMPT) && a.debt > 0.0 {
        let support = if a.has(tr::SUPPORTED) {
            p.policy.reintegration.psychosocial_share
        } else {
            0.0
        };
        x *= 1.0 + (s.debt_factor - 1.0) * (1.0 - support);
    }
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
