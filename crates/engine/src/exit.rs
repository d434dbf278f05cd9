//! Phase 9, exit: victims may be identified where they are (at work, held captive, in
//! immigration detention, stranded), at base rates raised by data sharing and joint operations
//! in partner countries and by knowing one's rights, and return home with support (assisted
//! return); exploited workers may escape; irregular workers may be deported or regularised;
//! contracts end, and workers renew or go home.

use super::agent::{Agent, NO_RECRUITER, State, fl};
use super::context::{Ctx, Local, Trace};
use super::journey;
use super::reintegration::{self, ReturnKind};
use super::rng::Purpose;

/// Where a victim is identified (the `state` breakdown of `identified_per_year`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Working = 0,
    Captive = 1,
    Detained = 2,
    Stranded = 3,
}

/// Number of [`Place`]s.
pub const PLACES: usize = 4;

/// The names of the [`Place`]s, in their order (the `state` levels of `identified_per_year`).
pub const PLACE_NAMES: [&str; PLACES] = ["working", "captive", "detained", "stranded"];

/// Monthly probability that a victim at `place` is identified.
#[inline]
pub fn p_identify(ctx: &Ctx, a: &Agent, place: Place) -> f32 {
    let x = &ctx.p.exit;
    let coop = &ctx.p.policy.cooperation;
    let mut p = match place {
        Place::Working => x.p_identify,
        Place::Captive => x.p_identify_captive,
        Place::Detained => x.p_identify_detained,
        Place::Stranded => x.p_identify_stranded,
    };
    if p <= 0.0 {
        return 0.0;
    }
    if coop.partner[a.location as usize] {
        p *= 1.0 + x.data_sharing_identification * coop.data_sharing_share;
        if matches!(place, Place::Captive | Place::Detained) {
            p *= 1.0 + x.joint_operations_identification * coop.joint_operations_share;
        }
    }
    // Knowing one's rights: a victim who can turn to someone reports; a captive cannot.
    if place != Place::Captive && x.self_report_factor != 0.0 {
        let gap = a.awareness() - ctx.p.pop.awareness_mean as f32;
        p *= (1.0 + x.self_report_factor * gap).max(0.0);
    }
    p.min(1.0)
}

/// Whether the person has been a victim in this episode (exploited, trafficked or held).
#[inline]
fn victim(a: &Agent) -> bool {
    a.flags & (fl::TRAFFICKED | fl::FORCED_LABOUR | fl::SEXUAL | fl::CAPTIVE) != 0
}

/// A victim held captive, in immigration detention or stranded may be identified this month and
/// is then returned home with support; returns whether it was.
pub fn identify_abroad(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local) -> bool {
    let place = match a.state {
        State::Detained if a.captive() => Place::Captive,
        State::Detained => Place::Detained,
        State::Stranded => Place::Stranded,
        _ => return false,
    };
    if !(place == Place::Captive || victim(a)) {
        return false;
    }
    let p = p_identify(ctx, a, place);
    if p <= 0.0 || !ctx.rng(i, Purpose::Exit, 2).chance(p) {
        return false;
    }
    identified(ctx, i, a, loc, place);
    true
}

/// An identified victim: counted, traced to its recruiter, returned home with support.
fn identified(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local, place: Place) {
    let t = loc.t(a);
    t.identified += 1;
    t.identified_by_place[place as usize] += 1;
    if a.recruiter != NO_RECRUITER {
        loc.traces.push(Trace {
            recruiter: a.recruiter,
            district: a.district,
            units: ctx.units(a),
        });
    }
    a.flags &= !fl::CAPTIVE_WORK;
    reintegration::return_home(ctx, i, a, loc, ReturnKind::Identified);
}

#[inline]
pub fn month(ctx: &Ctx, i: usize, a: &mut Agent, exploited: bool, loc: &mut Local) {
    let p = ctx.p;
    if exploited {
        let mut rng = ctx.rng(i, Purpose::Exit, 0);
        if rng.chance(p_identify(ctx, a, Place::Working)) {
            identified(ctx, i, a, loc, Place::Working);
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
