//! Phase 6, the journey: departure, then the legs of the route one by one. Each traversal draws
//! its hazards: death, sexual violence against women, interception (sent back), entry refused
//! (sent back), no job or passage beyond the leg (left at its start), detention with ransom.
//! Sent back into Bangladesh, a traveller is home again; sent back abroad, it is stranded there.
//! A migrant stranded in a hub or a destination may be drawn onto an onward irregular route
//! (as may a worker who leaves the job to go further), detained, or go home.

use super::agent::{Agent, IMMIGRATION, NO_RECRUITER, State, fl, tr};
use super::context::{Ctx, Local};
use super::exploitation;
use super::finance;
use super::params::channel_index;
use super::params::{Channel, LocationKind, RecruiterType};
use super::reintegration::{self, ReturnKind};
use super::rng::{Purpose, Stream};
use super::stats::{Account, REMIGRATION_WINDOW_MONTHS};
use super::work;

/// Leave home on the route of the accepted offer (already paid for): count the departure and
/// start the first leg.
pub fn depart(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local) {
    let p = ctx.p;
    let rp = &p.routes[a.route as usize];
    let ch = channel_index(rp.channel);
    a.flags = (a.flags & !fl::CHANNEL_MASK) | ((ch as u32) << fl::CHANNEL_SHIFT);
    a.flags &= !fl::APPLIED;
    a.departed = ctx.t as i16;
    a.leg = 0;
    a.location = p.legs[rp.legs[0] as usize].from as u8;
    a.set_state(State::InTransit);
    let registered = p.registered(a.route);
    let t = loc.t(a);
    t.departures[ch] += 1;
    if registered {
        t.registered_by_dest[rp.dest as usize] += 1;
    }
    if matches!(rp.channel, Channel::Irregular | Channel::CrossBorder) {
        a.traits |= tr::IRREGULAR_AGAIN;
    }
    a.traits &= !tr::FAILED_ATTEMPT;
    if rp.channel == Channel::Irregular && work::kind_of(ctx, a) == Some(RecruiterType::Smuggler) {
        t.smuggled += 1;
    }
    // Re-migration of a returnee within the contract's window after its return.
    if a.has(tr::RETURNEE)
        && ctx.t - a.returned as i32 <= REMIGRATION_WINDOW_MONTHS
        && a.returned as i32 + REMIGRATION_WINDOW_MONTHS <= ctx.last
        && let Some(y) = ctx.year_of(a.returned)
    {
        let r = &mut loc.out.returns[y][a.cell()];
        r.remigrated += 1;
        if matches!(rp.channel, Channel::Irregular | Channel::CrossBorder) {
            r.remigrated_irregular += 1;
        }
    }
    if let Some(y) = ctx.year_of(a.departed) {
        a.flags |= fl::REPORTED;
        let e = &mut loc.out.episodes[y][a.cell()];
        e.departures[ch] += 1;
        if a.recruiter != NO_RECRUITER {
            let k = ctx.rec.kind[a.recruiter as usize] as usize;
            e.departed_by_kind[k] += 1;
            if a.is(fl::DECEPTIVE_RECRUITMENT) {
                e.deceived_by_kind[k] += 1;
            }
        }
        if a.is(fl::BORROWED) {
            e.borrowed += 1;
        }
        if registered {
            e.registered += 1;
            e.registered_cost += a.cost as f64;
            if a.is(fl::BORROWED) {
                e.registered_borrowed += 1;
            }
            if a.is(fl::BROKER) {
                e.registered_broker += 1;
            }
        }
        if rp.channel == Channel::VisaFraud {
            e.visa_fraud_cost += a.cost as f64;
        }
        if rp.channel == Channel::Irregular && p.dests[rp.dest as usize].europe {
            e.irregular_europe += 1;
            e.irregular_europe_cost += a.cost as f64;
        }
    }
    a.timer = p.legs[rp.legs[0] as usize].months;
    if a.timer == 0 {
        let mut rng = ctx.rng(i, Purpose::Journey, 0);
        advance(ctx, i, a, loc, &mut rng);
    }
}

/// One month in transit: wait out the current leg, then traverse it (and any 0-month legs
/// after it).
pub fn advance(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local, rng: &mut Stream) {
    let p = ctx.p;
    loop {
        if a.timer > 0 {
            a.timer -= 1;
            if a.timer > 0 {
                return;
            }
        }
        let route = &p.routes[a.route as usize];
        let leg = &p.legs[route.legs[a.leg as usize] as usize];
        if leg.sea {
            loc.t(a).sea_attempts += 1;
        }
        face_death(ctx, a, loc, leg.p_death, leg.sea);
        if rng.chance(leg.p_death) {
            die(ctx, a, loc, leg.sea);
            return;
        }
        if a.has(tr::WOMAN) && rng.chance(leg.p_sexual_violence) {
            loc.t(a).sexual_violence += 1;
        }
        let intercepted = rng.chance(leg.p_interception);
        let refused = !intercepted && rng.chance(leg.p_entry_denied);
        let no_job = !intercepted && !refused && rng.chance(leg.p_stranded);
        if intercepted || refused || no_job {
            if refused {
                loc.t(a).entry_refusals += 1;
            }
            a.location = leg.from as u8;
            exploitation::fail(ctx, a, loc);
            if matches!(
                p.locations[leg.from as usize].kind,
                LocationKind::Capital | LocationKind::Border
            ) {
                // Sent back into Bangladesh (the Indian border, Dhaka airport): home again.
                reintegration::return_home(ctx, i, a, loc, ReturnKind::Stranded);
            } else {
                strand(a, loc);
            }
            return;
        }
        if rng.chance(leg.p_detention) {
            // Held for ransom: the ransom is demanded now and paid when the family raises it.
            a.location = leg.to as u8;
            a.set_state(State::Detained);
            a.timer = leg.detention_months.max(1);
            a.flags = (a.flags | fl::CAPTIVE) & !(fl::RANSOM_PAID | fl::CAPTIVE_WORK);
            loc.t(a).held_for_ransom += 1;
            mark_detained(ctx, a, loc);
            return;
        }
        a.location = leg.to as u8;
        if !next_leg(ctx, i, a, loc, leg.sea) {
            return;
        }
    }
}

/// Left abroad without work or a way on, where the agent is now: counted by location.
pub fn strand(a: &mut Agent, loc: &mut Local) {
    a.set_state(State::Stranded);
    loc.t(a).stranded_by_location[a.location as usize] += 1;
}

/// Move on to the next leg; returns whether the journey goes on this month (0-month leg).
fn next_leg(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local, by_sea: bool) -> bool {
    let p = ctx.p;
    let route = &p.routes[a.route as usize];
    a.leg += 1;
    if a.leg as usize >= route.legs.len() {
        work::arrive(ctx, i, a, loc, by_sea);
        return false;
    }
    a.timer = p.legs[route.legs[a.leg as usize] as usize].months;
    a.timer == 0
}

/// Count a detention, and the first one of an irregular episode.
fn mark_detained(ctx: &Ctx, a: &mut Agent, loc: &mut Local) {
    loc.t(a).detentions += 1;
    if a.is(fl::DETAINED_EVER) {
        return;
    }
    a.flags |= fl::DETAINED_EVER;
    if a.channel() == channel_index(Channel::Irregular)
        && a.is(fl::REPORTED)
        && let Some(y) = ctx.year_of(a.departed)
    {
        loc.out.episodes[y][a.cell()].irregular_detained += 1;
    }
}

/// Facing a death hazard `p` (drawn right after with `chance(p)` or `uniform() < p`): count the
/// death it would be expected to bring, where `die` would count the death itself.
#[inline]
fn face_death(ctx: &Ctx, a: &Agent, loc: &mut Local, p: f32, at_sea: bool) {
    let units = Stream::chance_units(p);
    if units == 0 {
        return;
    }
    let t = loc.t(a);
    t.deaths_expected += units;
    if at_sea {
        t.sea_deaths_expected += units;
    }
    if a.captive() {
        t.captive_deaths_expected += units;
    }
    if a.channel() == channel_index(Channel::Irregular)
        && a.is(fl::REPORTED)
        && let Some(y) = ctx.year_of(a.departed)
    {
        loc.out.episodes[y][a.cell()].irregular_deaths_expected += units;
    }
}

/// Death during the episode.
pub fn die(ctx: &Ctx, a: &mut Agent, loc: &mut Local, at_sea: bool) {
    loc.t(a).deaths += 1;
    if at_sea {
        loc.t(a).sea_deaths += 1;
    }
    if a.captive() {
        loc.t(a).captive_deaths += 1;
    }
    exploitation::fail(ctx, a, loc);
    if a.channel() == channel_index(Channel::Irregular)
        && a.is(fl::REPORTED)
        && let Some(y) = ctx.year_of(a.departed)
    {
        loc.out.episodes[y][a.cell()].irregular_deaths += 1;
    }
    a.set_state(State::Dead);
}

/// One month in detention: in immigration detention (a death hazard of the place; deported
/// when released), or held for ransom on the way. A captive may die, be sold on to another group
/// (a new ransom), be put to forced work; the family pays the ransom when it has raised it; once
/// the months held are over a captive whose ransom is paid is released onward, and one whose
/// ransom is not paid is released (or escapes) more rarely.
pub fn detained_month(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local) {
    let p = ctx.p;
    let mut rng = ctx.rng(i, Purpose::Journey, 1);
    if a.leg == IMMIGRATION {
        // Draws at fixed positions: death, then release.
        let (u_death, u_release) = (rng.uniform(), rng.uniform());
        let p_death = p.locations[a.location as usize].p_death_detained;
        face_death(ctx, a, loc, p_death, false);
        if u_death < p_death {
            die(ctx, a, loc, false);
            return;
        }
        a.timer = a.timer.saturating_sub(1);
        if a.timer == 0 && u_release < p.exit.p_release {
            reintegration::deport(ctx, i, a, loc);
        }
        return;
    }
    let c = &p.captivity;
    let (u_death, u_paid, u_sold, u_work, u_release) = (
        rng.uniform(),
        rng.uniform(),
        rng.uniform(),
        rng.uniform(),
        rng.uniform(),
    );
    face_death(ctx, a, loc, c.p_death, false);
    if u_death < c.p_death {
        die(ctx, a, loc, false);
        return;
    }
    let leg = &p.legs[p.routes[a.route as usize].legs[a.leg as usize] as usize];
    if !a.is(fl::RANSOM_PAID) && u_paid < c.p_ransom_paid {
        a.flags |= fl::RANSOM_PAID;
        finance::emergency(p, a, leg.ransom, Account::Captors, loc);
        loc.t(a).ransom_paid += leg.ransom as f64;
    }
    if u_sold < c.p_sold {
        // A new captor, a new ransom, the months held start again.
        a.flags &= !fl::RANSOM_PAID;
        a.timer = leg.detention_months.max(1);
        loc.t(a).sold += 1;
        return;
    }
    if u_work < c.p_forced_work {
        a.flags |= fl::CAPTIVE_WORK;
    }
    a.timer = a.timer.saturating_sub(1);
    if a.timer > 0 {
        return;
    }
    let p_release = if a.is(fl::RANSOM_PAID) {
        p.exit.p_release
    } else {
        c.p_release_unpaid
    };
    if u_release >= p_release {
        return;
    }
    a.flags &= !fl::CAPTIVE_WORK;
    a.set_state(State::InTransit);
    if next_leg(ctx, i, a, loc, false) {
        advance(ctx, i, a, loc, &mut rng);
    }
}

/// One month stranded abroad without work: find irregular work at a destination, be detained,
/// be drawn onto an onward route, or go home.
pub fn stranded_month(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local) {
    let p = ctx.p;
    let l = &p.locations[a.location as usize];
    let mut rng = ctx.rng(i, Purpose::Journey, 2);
    if let Some(d) = l.dest {
        let dest = &p.dests[d as usize];
        if rng.chance(dest.p_irregular_job) {
            let wage = rng.lognormal(work::median_wage(p, a, dest.wage), dest.wage_sd_log)
                * dest.irregular_wage_factor;
            work::start_job(ctx, a, d, wage, false, loc);
            return;
        }
        if rng.chance(dest.p_deportation) {
            reintegration::deport(ctx, i, a, loc);
            return;
        }
    }
    if rng.chance(l.p_detention_stranded) {
        a.set_state(State::Detained);
        a.leg = IMMIGRATION;
        a.timer = 1;
        mark_detained(ctx, a, loc);
        return;
    }
    if rng.chance(l.p_onward) && move_on(ctx, i, a, loc, &mut rng) {
        return;
    }
    if rng.chance(l.p_return_stranded) {
        reintegration::return_home(ctx, i, a, loc, ReturnKind::Stranded);
    }
}

/// Buy one of the onward routes sold where the agent is (a hub, or a destination it leaves to
/// go further) and set off; returns whether there was one to buy.
pub fn move_on(ctx: &Ctx, i: usize, a: &mut Agent, loc: &mut Local, rng: &mut Stream) -> bool {
    let p = ctx.p;
    let l = &p.locations[a.location as usize];
    if l.onward_routes.is_empty() {
        return false;
    }
    let Some(j) = rng.pick(&l.onward_weights) else {
        return false;
    };
    let route = l.onward_routes[j];
    let rp = &p.routes[route as usize];
    // The onward journey is bought from whoever sells the route; it deceives as often as that
    // kind's offers do (a smuggler selling a crossing, rarely).
    let mut fee_factor = 1.0;
    if let Some(k) = rp.seller.map(usize::from) {
        let kind = &p.kinds[k];
        fee_factor = kind.fee_factor;
        // One of the kind's recruiters based where the migrant is (the local partners), or one
        // reaching the migrant's home district (its contacts), or else any of the kind's
        // recruiters: the journey is never credited to the last.
        let (start, end) = (ctx.rec.kind_start[k], ctx.rec.kind_start[k + 1]);
        if start == end {
            // No recruiter of the kind exists (its count is 0): no one sells the journey, and
            // the person stays where they are.
            return false;
        }
        let here = |r: &u32| {
            ctx.rec.operating(p, ctx.key, *r as usize)
                && ctx.rec.base_location(p, *r as usize) == a.location as super::params::Ix
        };
        let local = if kind.bases.len() > 1 {
            (start..end).filter(here).count()
        } else {
            0
        };
        let list = &ctx.rec.reach[k * ctx.rec.districts + a.district as usize];
        a.recruiter = if local > 0 {
            (start..end)
                .filter(here)
                .nth(rng.below(local))
                .unwrap_or(NO_RECRUITER)
        } else if !list.is_empty() {
            list[rng.below(list.len())]
        } else {
            start + rng.below((end - start) as usize) as u32
        };
        let deception = if a.recruiter != NO_RECRUITER {
            ctx.rec.deception_now[a.recruiter as usize]
        } else {
            kind.p_deception
        };
        if rng.chance(deception) {
            a.flags |= fl::DECEPTIVE_RECRUITMENT;
        }
    }
    loc.t(a).onward_by_location[a.location as usize] += 1;
    let price = rp.fee * fee_factor * rng.lognormal(1.0, rp.fee_sd_log);
    finance::emergency(p, a, price, Account::Recruiters, loc);
    finance::emergency(p, a, rp.travel_cost, Account::Transport, loc);
    a.route = route;
    a.leg = 0;
    a.flags &= !fl::LEGAL;
    a.set_state(State::InTransit);
    a.timer = p.legs[rp.legs[0] as usize].months;
    if a.timer == 0 {
        advance(ctx, i, a, loc, rng);
    }
    true
}
