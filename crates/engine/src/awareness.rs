//! The awareness campaign (recommendation 4): each month it reaches a share of the people at
//! home in its target districts, by two channels, village sessions and online (social-media
//! users only), and closes part of the gap between what they know and full awareness: the risks
//! of a crossing, telling smuggling from trafficking and a false job offer from a real one, and
//! their rights (which makes victims report themselves, `exit`). What it added fades each month
//! toward the population's mean awareness. The monthly reach is worked out once per epoch
//! (`Params::campaign_reach`).

use super::agent::{Agent, tr};
use super::context::{Ctx, Local};

/// The campaign reaches the person if its uniform draw for the campaign, `u()`, falls under the
/// reach; a person it reached before loses part of what it learnt. The draw is taken only where
/// the campaign runs.
#[inline]
pub fn campaign(ctx: &Ctx, a: &mut Agent, u: impl FnOnce() -> f32, loc: &mut Local) {
    let p = ctx.p;
    let pol = &p.policy.awareness;
    if a.has(tr::CAMPAIGN) && pol.decay_share_month > 0.0 {
        let before = a.awareness;
        let aw = a.awareness();
        let mean = p.pop.awareness_mean as f32;
        if aw > mean {
            a.set_awareness(aw - pol.decay_share_month * (aw - mean));
        }
        // Nothing left to fade at the awareness's resolution: stop looking.
        if a.awareness == before {
            a.traits &= !tr::CAMPAIGN;
        }
    }
    let online = a.has(tr::ONLINE);
    let reach = p.campaign_reach[online as usize];
    if reach <= 0.0 || !p.districts[a.district as usize].campaign {
        return;
    }
    let u = u();
    if u < reach {
        let aw = a.awareness();
        a.set_awareness(aw + pol.effect_share * (1.0 - aw));
        a.traits |= tr::CAMPAIGN;
        // Which channel reached an online user: the online part of its reach first.
        let t = loc.t(a);
        if online && u < reach - p.campaign_reach[0] {
            t.reached_online += 1;
        } else {
            t.reached_village += 1;
        }
    }
}
