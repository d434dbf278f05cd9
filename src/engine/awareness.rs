//! The awareness campaign (recommendation 4): each month it reaches a share of the people at
//! home in its target districts, online (social-media users only) and offline, and closes part
//! of the gap between what they know and full awareness.

use super::agent::{tr, Agent};
use super::context::Ctx;
use super::rng::Purpose;

/// Monthly probability that the campaign reaches this person.
#[inline]
pub fn reach(ctx: &Ctx, a: &Agent) -> f32 {
    let p = ctx.p;
    let c = &p.policy.awareness;
    if c.coverage_share <= 0.0 || c.effect_share <= 0.0 || !p.districts[a.district as usize].campaign {
        return 0.0;
    }
    let online_users = p.pop.online_share.max(1e-6);
    // Of the people reached in a year, `online_share` are reached online, and only social-media
    // users can be reached that way.
    let yearly = if a.has(tr::ONLINE) {
        (c.coverage_share * c.online_share / online_users).min(1.0) + c.coverage_share * (1.0 - c.online_share)
    } else {
        c.coverage_share * (1.0 - c.online_share)
    };
    (yearly.min(1.0) / 12.0) as f32
}

pub fn campaign(ctx: &Ctx, i: usize, a: &mut Agent) {
    let x = reach(ctx, a);
    if x > 0.0 && ctx.rng(i, Purpose::Awareness, 0).chance(x) {
        let aw = a.awareness();
        a.set_awareness(aw + ctx.p.policy.awareness.effect_share as f32 * (1.0 - aw));
    }
}
