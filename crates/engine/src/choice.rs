//! Phase 3, choice: among the offers it believes and can finance, plus staying home, a seeker
//! picks by a logit rule on expected net earnings over its horizon, minus the price, minus the
//! cost it perceives for the route's risks. Awareness brings perceived risk closer to the true
//! risk, and alone reveals the risk of captivity on a smuggling journey; an indebted returnee without psychosocial support discounts risk (desperation).

use super::agent::{Agent, tr};
use super::context::Ctx;
use super::finance;
use super::offers::Offer;
use super::rng::Purpose;

/// Share of the true risk this agent perceives.
#[inline]
pub fn perceived_risk_share(ctx: &Ctx, a: &Agent) -> f32 {
    let c = &ctx.p.choice;
    let naive = c.naive_risk_share;
    let mut share = naive + (1.0 - naive) * a.awareness();
    if a.has(tr::RETURNEE) && a.debt > 0.0 {
        let support = if a.has(tr::SUPPORTED) {
            ctx.p.policy.reintegration.psychosocial_share
        } else {
            0.0
        };
        share *= 1.0 - c.desperation_share * (1.0 - support);
    }
    share
}

/// Utility of an offer in USD. The route's risk of death and of being sent back is perceived
/// at `risk_share`; the risk that the journey turns into captivity for ransom only as far as the
/// migrant is aware: to someone who does not know the difference between smuggling and
/// trafficking, a smuggler sells a paid crossing and nothing more.
#[inline]
pub fn utility(ctx: &Ctx, a: &Agent, o: &Offer, risk_share: f32) -> f32 {
    let p = ctx.p;
    let rp = &p.routes[o.route as usize];
    let living = p.dests[rp.dest as usize].living;
    let horizon = p.choice.horizon_months;
    (o.promised - living) * horizon
        - o.fee
        - o.travel
        - rp.risk_usd * risk_share
        - rp.captivity_usd * a.awareness()
}

/// The chosen offer's index, or `None` to stay home this month.
pub fn choose(ctx: &Ctx, i: usize, a: &Agent, offers: &[Offer], w: &mut Vec<f32>) -> Option<usize> {
    let n = offers.len();
    if n == 0 {
        return None;
    }
    let c = &ctx.p.choice;
    let risk_share = perceived_risk_share(ctx, a);
    let scale = c.scale.max(1.0);
    // Utilities of the offers the household can finance (the others are out: -inf), then of
    // staying home, last; `w` first holds utilities, then the logit weights.
    w.clear();
    let mut best = c.stay_home;
    let means = finance::Means::of(ctx, i, a);
    for o in offers {
        let u = if means.with_advance(o.advance, ctx.p.registered(o.route)) >= o.fee + o.travel {
            utility(ctx, a, o, risk_share)
        } else {
            f32::NEG_INFINITY
        };
        best = best.max(u);
        w.push(u);
    }
    w.push(c.stay_home);
    for x in w.iter_mut() {
        *x = if x.is_finite() {
            ((*x - best) / scale).exp()
        } else {
            0.0
        };
    }
    let mut rng = ctx.rng(i, Purpose::Choice, 0);
    match rng.pick(w) {
        Some(j) if j < n => Some(j),
        _ => None,
    }
}
