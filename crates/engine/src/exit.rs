//! Phase 9, exit: exploited migrants may be identified as victims (a base rate raised by data
//! sharing between countries) and return with support, or escape; irregular workers may be
//! deported or regularised; contracts end, and workers renew or go home.

use super::agent::{Agent, NO_RECRUITER, State, fl};
use super::context::{Ctx, Local, Trace};
use super::journey;
use super::reintegration::{self, ReturnKind};
use super::rng::Purpose;

/// Monthly probability that an exploited person is identified.
#[inline]
pub fn p_identify(ctx: &Ctx) -> f32 {
    ctx.p.exit.p_identify
        * (1.0
            + ctx.p.exit.data_sharing_identification * ctx.p.policy.cooperation.data_sharing_share)
}

pub fn month(ctx: &Ctx, i: usize, a: &mut Agent, exploited: bool, loc: &mut Local) {
    let p = ctx.p;
    if exploited {
        let mut rng = ctx.rng(i, Purpose::Exit, 0);
        if rng.chance(p_identify(ctx)) {
            loc.t(a).identified += 1;
            if a.recruiter != NO_RECRUITER {
                loc.traces.push(Trace {
                    recruiter: a.recruiter,
                    district: a.district,
                });
            }
            reintegration::return_home(ctx, i, a, loc, ReturnKind::Identified);
            return;
        }
        if a.state == State::Working && rng.chance(p.exit.p_escape) {
            journey::strand(a, loc);
            return;
        }
    }
    if a.state != State::Working {
        return;
    }
    a.timer = a.timer.saturating_sub(1);
    let legal = a.is(fl::LEGAL);
    // Most workers are legal and mid-contract: nothing to draw.
    if legal && a.timer > 0 {
        return;
    }
    let d = p.locations[a.location as usize].dest.unwrap_or(0) as usize;
    let dest = &p.dests[d];
    let mut rng = ctx.rng(i, Purpose::Exit, 1);
    if !legal {
        if rng.chance(dest.p_deportation) {
            reintegration::deport(ctx, i, a, loc);
            return;
        }
        if rng.chance(dest.p_regularise) {
            a.flags |= fl::LEGAL;
        }
    }
    if a.timer == 0 {
        if a.is(fl::LEGAL) && rng.chance(dest.p_renew) {
            a.timer = dest.contract_months;
        } else {
            reintegration::return_home(ctx, i, a, loc, ReturnKind::ContractEnd);
        }
    }
}
