//! The awareness campaign (recommendation 4): each month it reaches a share of the people at
//! home in its target districts, online (social-media users only) and offline, and closes part
//! of the gap between what they know and full awareness. The monthly reach is worked out once
//! per epoch (`Params::campaign_reach`).

use super::agent::{Agent, tr};
use super::context::Ctx;

/// The campaign reaches the person if its uniform draw `u` for the campaign falls under the reach.
pub fn campaign(ctx: &Ctx, a: &mut Agent, u: f32) {
    let p = ctx.p;
    let reach = p.campaign_reach[a.has(tr::ONLINE) as usize];
    if reach <= 0.0 || !p.districts[a.district as usize].campaign {
        return;
    }
    if u < reach {
        let aw = a.awareness();
        a.set_awareness(aw + p.policy.awareness.effect_share * (1.0 - aw));
    }
}
