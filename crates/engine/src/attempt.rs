//! Phase 5, financing, and the attempt up to departure. An accepted applicant pays the fee and
//! the fare (savings first, then lenders: `finance`); its attempt has begun. It may still fail
//! before the person leaves: the recruiter absconds or the job and visa never materialise (a
//! rate per recruiter kind), the visa is refused, or exit immigration stops the traveller at the
//! airport, "offloading" it (rates per route). The money paid is lost (the fare is refunded
//! unless the traveller reached the airport) and the debt taken for it stays at home. Visa
//! screening, where cooperation provides it, catches a fake visa before anything is paid.

use super::agent::{Agent, State, fl, tr};
use super::context::{Application, Ctx, Local, Trace};
use super::finance;
use super::journey;
use super::params::Channel;
use super::rng::Purpose;
use super::stats::Account;

/// How an attempt can fail before departure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Failure {
    /// The recruiter took the money and vanished, or the job and visa never came.
    Absconded,
    VisaRefused,
    /// Stopped by exit immigration at the airport.
    Offloaded,
}

/// An accepted applicant: screened, pays, and leaves or fails before leaving.
pub fn start(ctx: &Ctx, i: usize, a: &mut Agent, app: &Application, loc: &mut Local) {
    let p = ctx.p;
    let rp = &p.routes[a.route as usize];
    if rp.channel == Channel::VisaFraud
        && ctx
            .rng(i, Purpose::Finance, 1)
            .chance(p.policy.cooperation.visa_screening_share)
    {
        // The fake visa is caught before anything is paid, and the agency that sold it exposed.
        loc.traces.push(Trace {
            recruiter: a.recruiter,
            district: a.district,
            units: ctx.units(a),
        });
        a.set_state(State::AtHome);
        return;
    }
    // A new attempt: keep only what describes the offer taken.
    a.flags &= fl::BROKER | fl::DECEPTIVE_RECRUITMENT;
    a.advance = 0.0;
    finance::pay_departure(ctx, i, a, app.fee, rp.travel_cost, app.advance, loc);
    // Three draws at fixed positions, so that one rate does not move the others' draws.
    let mut rng = ctx.rng(i, Purpose::Finance, 2);
    let (u_abscond, u_refused, u_offloaded) = (rng.uniform(), rng.uniform(), rng.uniform());
    // The recruiter, or the broker who carried its offer, takes the money and vanishes.
    let kept = |k: usize| 1.0 - p.kinds[k].p_abscond;
    let p_abscond = 1.0
        - kept(ctx.rec.kind[a.recruiter as usize] as usize)
            * app.broker_kind.map(|b| kept(b as usize)).unwrap_or(1.0);
    let failure = if u_abscond < p_abscond {
        Some(Failure::Absconded)
    } else if u_refused < rp.p_visa_refused {
        Some(Failure::VisaRefused)
    } else if u_offloaded < rp.p_offloaded {
        Some(Failure::Offloaded)
    } else {
        None
    };
    match failure {
        None => journey::depart(ctx, i, a, loc),
        Some(f) => fail_before_departure(ctx, a, app.fee, rp.travel_cost, f, loc),
    }
}

/// The attempt ends at home: the money paid is lost, the debt stays.
fn fail_before_departure(
    ctx: &Ctx,
    a: &mut Agent,
    fee: f32,
    travel: f32,
    f: Failure,
    loc: &mut Local,
) {
    let mut lost = if f == Failure::Offloaded {
        fee + travel
    } else {
        // No ticket was used: the fare comes back.
        a.savings += travel;
        loc.t(a)
            .pay(Account::Transport, Account::Households, travel);
        fee
    };
    if f == Failure::Absconded {
        // A recruiter who vanished collects nothing of what it advanced: that debt is gone, and
        // the household lost only what it paid itself.
        let gone = a.advance.min(a.debt);
        a.debt -= gone;
        loc.t(a).pay(Account::Lenders, Account::Households, gone);
        lost -= gone;
        if a.debt < 1.0 {
            loc.t(a).pay(Account::Lenders, Account::Households, a.debt);
            a.debt = 0.0;
            a.rate = 0.0;
        }
    }
    // Otherwise what the recruiter advanced is now an ordinary debt of the household.
    a.advance = 0.0;
    a.traits |= tr::FAILED_ATTEMPT;
    a.set_state(State::AtHome);
    if let Some(y) = ctx.year_of(ctx.t as i16) {
        let e = &mut loc.out.episodes[y][a.cell()];
        e.failed_before_departure += 1;
        e.lost_before_departure += lost as f64;
        if f == Failure::Offloaded {
            e.offloaded += 1;
        }
        // Bangladesh's 2012 law counts a fraudulent recruitment scheme with loss.
        if f == Failure::Absconded {
            e.trafficked_bd_law += 1;
        }
    }
}
