//! Phase 3, choice: among the offers it believes and can finance, plus staying home, a seeker
//! picks by a logit rule on expected net earnings over its horizon, minus the price, minus the
//! cost it perceives for the route's risks. Awareness brings perceived risk closer to the true
//! risk; an indebted returnee without psychosocial support discounts risk (desperation).

use super::agent::{Agent, tr};
use super::context::Ctx;
use super::finance;
use super::offers::{MAX_OFFERS, Offer};
use super::rng::Purpose;

/// Share of the true risk this agent perceives.
#[inline]
pub fn perceived_risk_share(ctx: &Ctx, a: &Agent) -> f32 {
    let c = &ctx.p.choice;
    let naive = c.naive_risk_share as f32;
    let mut share = naive + (1.0 - naive) * a.awareness();
    if a.has(tr::RETURNEE) && a.debt > 0.0 {
        let support = if a.has(tr::SUPPORTED) {
            ctx.p.policy.reintegration.psychosocial_share as f32
        } else {
            0.0
        };
        share *= 1.0 - c.desperation_share as f32 * (1.0 - support);
    }
    share
}

/// Utility of an offer in USD.
#[inline]
pub fn utility(ctx: &Ctx, a: &Agent, o: &Offer, risk_share: f32) -> f32 {
    let p = ctx.p;
    let rp = &p.routes[o.route as usize];
    let living = p.dests[rp.dest as usize].living;
    let horizon = p.choice.horizon_months as f32;
    let _ = a;
    (o.promised - living) * horizon - o.fee - o.travel - rp.risk_usd * risk_share
}

/// The chosen offer's index, or `None` to stay home this month.
pub fn choose(
    ctx: &Ctx,
    i: usize,
    a: &Agent,
    offers: &[Offer; MAX_OFFERS],
    n: usize,
) -> Option<usize> {
    if n == 0 {
        return None;
    }
    let c = &ctx.p.choice;
    let risk_share = perceived_risk_share(ctx, a);
    let scale = c.scale_usd.max(1.0) as f32;
    let mut u = [f32::NEG_INFINITY; MAX_OFFERS + 1];
    u[MAX_OFFERS] = c.stay_home_usd as f32;
    let mut best = u[MAX_OFFERS];
    let means = finance::Means::of(ctx, i, a);
    for (j, o) in offers.iter().take(n).enumerate() {
        if means.with_advance(o.advance) >= o.fee + o.travel {
            u[j] = utility(ctx, a, o, risk_share);
            best = best.max(u[j]);
        }
    }
    let mut w = [0.0f32; MAX_OFFERS + 1];
    for j in 0..=MAX_OFFERS {
        if u[j].is_finite() {
            w[j] = ((u[j] - best) / scale).exp();
        }
    }
    let mut rng = ctx.rng(i, Purpose::Choice, 0);
    match rng.pick(&w) {
        Some(j) if j < n => Some(j),
        _ => None,
    }
}
