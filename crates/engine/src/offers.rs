//! Phase 2, offers: which recruiters reach a seeker this month and what they offer.
//!
//! Licensed agencies make direct offers (more to the skilled, urban and aware); an informal
//! broker carries the offers of its own principal (an agency, fraudulent agency, network or
//! smuggler) and adds its markup;
//! fraudulent agencies and trafficking networks reach social-media users, filtered by awareness,
//! and so do smugglers (not filtered: theirs is no false job offer);
//! in border districts trafficking networks make cross-border offers, mostly to young women.
//! Each source's reach shrinks with the share of its recruiters no longer operating in the
//! district (convicted, out of licence, driven out). A recruiter with a bad reputation in the
//! district is less likely to be considered, and a deceptive offer is seen through with a
//! probability that grows with awareness. A recruiter based abroad offers only routes through
//! its base; each recruiter's price, deception (deterred by the expected penalty, none for an
//! agency keeping its licence conditions) are its own.

use super::agent::{Agent, tr};
use super::context::Ctx;
use super::params::{Channel, Ix, RecruiterType};
use super::recruiters::NO_PRINCIPAL;
use super::rng::{Purpose, Stream};
use super::select;

/// One offer: (recruiter, route, destination via the route, promised wage, price).
#[derive(Clone, Copy, Debug, Default)]
pub struct Offer {
    pub recruiter: u32,
    pub kind: Ix,
    /// Kind of the broker carrying the offer, if any.
    pub broker_kind: Option<Ix>,
    pub route: Ix,
    pub via_broker: bool,
    pub deceptive: bool,
    /// Paid to the recruiter (and broker): fee or smuggling price.
    pub fee: f32,
    /// Travel and documents along the route's legs.
    pub travel: f32,
    pub promised: f32,
    /// Wage the job really pays (honest offers: the promise).
    pub wage: f32,
    /// Part of the fee the recruiter would advance.
    pub advance: f32,
}

/// The offers a seeker receives this month, written into `out` (cleared first); returns how
/// many. Every source that reaches the seeker adds its offer: there is no fixed limit.
pub fn receive(ctx: &Ctx, i: usize, a: &Agent, out: &mut Vec<Offer>) -> usize {
    let p = ctx.p;
    let o = &p.offers;
    let aw = a.awareness();
    let d = a.district as usize;
    let dist = &p.districts[d];
    out.clear();
    let mut push = |offer: Option<Offer>| {
        if let Some(x) = offer {
            out.push(x);
        }
    };

    // Whether each source reaches the seeker this month: one draw per source, at fixed positions
    // of one stream (each kind in order, then each broker kind, then the cross-border offer), so
    // a policy that changes one source's chance leaves the others' draws alone. The offer
    // itself, when there is one, draws from a stream of its own. The reach draws are taken by
    // position (`uniform_ahead`): only those a decision reads are mixed.
    let reach = ctx.rng(i, Purpose::Offers, 0);
    let nk = p.kinds.len() as u64;
    let broker_at = |j: usize| nk + 1 + j as u64;

    // Direct offers from each kind of principal. Whether the seeker has the traits that raise
    // or filter them varies from seeker to seeker: the factors are selected without branches
    // (a factor not applied is a multiplication by 1, a source that cannot reach the seeker has
    // a chance of 0, under which no draw in [0, 1) falls).
    let online = a.has(tr::ONLINE);
    let skilled = select::f32(a.has(tr::SKILLED), o.skilled_factor, 1.0);
    let urban = select::f32(a.has(tr::URBAN), o.urban_factor, 1.0);
    let seen = 1.0 + o.awareness_factor * aw;
    let filtered = 1.0 - o.awareness_filter_share * aw;
    for (k, kind) in p.kinds.iter().enumerate() {
        let prob = match kind.kind {
            RecruiterType::LicensedAgency => kind.p_direct_offer * seen * skilled * urban,
            // False job offers online: awareness teaches people to spot and ignore them.
            RecruiterType::FraudulentAgency | RecruiterType::TraffickingNetwork => {
                select::f32(online, kind.p_direct_offer * filtered, 0.0)
            }
            // A smuggler's offer of a crossing is no false job offer: awareness acts on how the
            // seeker values it (the risk of captivity, in the choice), not on whether it is seen.
            RecruiterType::Smuggler => select::f32(online, kind.p_direct_offer, 0.0),
            RecruiterType::InformalBroker => continue,
        };
        // Fewer of the kind operating here (convictions, lost licences), fewer offers. (The
        // presence is at most 1: a draw above `prob` needs no look at it.)
        let u = reach.uniform_ahead(k as u64 + 1);
        if u < prob && u < prob * presence(ctx, k, d) {
            let mut rng = ctx.rng(i, Purpose::Offers, 1 + k as u16);
            push(make(ctx, a, k, false, false, &mut rng));
        }
    }

    // A broker's offer, on behalf of a principal chosen by the brokers' weights.
    for (j, &bk) in p.broker_kinds.iter().enumerate() {
        let u = reach.uniform_ahead(broker_at(j));
        if u >= dist.p_broker_offer || u >= dist.p_broker_offer * presence(ctx, bk as usize, d) {
            continue;
        }
        let slot = bk as usize * ctx.rec.districts + d;
        let mut rng = ctx.rng(i, Purpose::BrokerOffer, bk);
        let list = &ctx.rec.reach[slot];
        let b = list[rng.below(list.len())] as usize;
        if !rng.chance(ctx.rec.reputation(b as u32, a.district)) {
            continue;
        }
        let r = ctx.rec.principal[b];
        if r == NO_PRINCIPAL || !ctx.rec.operating(p, ctx.key, r as usize) {
            continue;
        }
        if !rng.chance(ctx.rec.reputation(r, a.district)) {
            continue;
        }
        let k = ctx.rec.kind[r as usize] as usize;
        let weights = &p.kinds[k].base_weights[ctx.rec.base[r as usize] as usize];
        let Some(j) = rng.pick(&weights[slot_of(a, false)]) else {
            continue;
        };
        let mut offer = finish(ctx, a, r, p.kinds[k].routes[j].0, true, &mut rng);
        if let Some(x) = offer.as_mut() {
            x.broker_kind = Some(bk);
            x.fee += p.kinds[bk as usize].markup * ctx.rec.price[b];
            x.advance = p.kinds[k].advance_share * x.fee;
        }
        push(offer);
    }

    // Cross-border offers in border districts. (The draw is rarely under the chance: testing it
    // before the district, which varies from seeker to seeker, saves a mispredicted branch.)
    let young_woman = a.has(tr::WOMAN) && a.age(ctx.t, ctx.p.pop.age_min) <= o.young_age_max as i32;
    let prob = dist.cross_border_factor
        * select::f32(
            young_woman,
            o.p_cross_border_young_women,
            o.p_cross_border_other,
        );
    if reach.uniform_ahead(broker_at(p.broker_kinds.len())) < prob && dist.border {
        let mut rng = ctx.rng(i, Purpose::CrossBorderOffer, 0);
        if let Some(k) = rng.pick(&p.cross_border_weights) {
            push(make(ctx, a, k, false, true, &mut rng));
        }
    }
    out.len()
}

/// Share of the places of kind `k` in district `d` held by a recruiter operating this month.
#[inline]
fn presence(ctx: &Ctx, k: usize, d: usize) -> f32 {
    let slot = k * ctx.rec.districts + d;
    ctx.rec.reach[slot].len() as f32 / ctx.rec.slots[slot].max(1) as f32
}

/// An offer from a recruiter of kind `k` reaching the agent's district, or none if no such
/// recruiter operates there, the one met is not considered (reputation), it has no route open,
/// or the seeker sees through its deception.
fn make(
    ctx: &Ctx,
    a: &Agent,
    k: usize,
    via_broker: bool,
    cross_border: bool,
    rng: &mut Stream,
) -> Option<Offer> {
    let p = ctx.p;
    let kind = &p.kinds[k];
    let list = &ctx.rec.reach[k * ctx.rec.districts + a.district as usize];
    if list.is_empty() {
        return None;
    }
    let slot = slot_of(a, cross_border);
    let (r, route) = if kind.bases.len() == 1 {
        let r = list[rng.below(list.len())];
        if !rng.chance(ctx.rec.reputation(r, a.district)) {
            return None;
        }
        // Route, among those this kind sells that are open.
        (r, kind.routes[rng.pick(&kind.offer_weights[slot])?].0)
    } else {
        // The route first, then a recruiter based on it.
        let j = rng.pick(&kind.offer_weights[slot])?;
        let on = &kind.route_bases[j];
        let ok = |r: &&u32| on[ctx.rec.base[**r as usize] as usize];
        let n = list.iter().filter(ok).count();
        if n == 0 {
            return None;
        }
        let r = *list.iter().filter(ok).nth(rng.below(n))?;
        if !rng.chance(ctx.rec.reputation(r, a.district)) {
            return None;
        }
        (r, kind.routes[j].0)
    };
    finish(ctx, a, r, route, via_broker, rng)
}

/// Offer-weight slot of a seeker: `cross-border + 2 × woman`.
#[inline]
fn slot_of(a: &Agent, cross_border: bool) -> usize {
    cross_border as usize + 2 * a.has(tr::WOMAN) as usize
}

/// The offer of recruiter `r` on `route`, or none if the seeker sees through its deception.
fn finish(
    ctx: &Ctx,
    a: &Agent,
    r: u32,
    route: Ix,
    via_broker: bool,
    rng: &mut Stream,
) -> Option<Offer> {
    let p = ctx.p;
    let k = ctx.rec.kind[r as usize] as usize;
    let kind = &p.kinds[k];
    let rp = &p.routes[route as usize];
    let dest = &p.dests[rp.dest as usize];

    let price =
        rp.fee * kind.fee_factor * ctx.rec.price[r as usize] * rng.lognormal(1.0, rp.fee_sd_log);
    let mut fee = price;
    if kind.kind == RecruiterType::LicensedAgency {
        let pol = &p.policy.recruitment;
        fee = price * (1.0 - pol.employer_pays_share);
        if let Some(cap) = pol.fee_cap
            && ctx.rec.compliant(p, r as usize)
        {
            fee = fee.min(cap);
        }
    }
    let legal_job = rp.channel == Channel::Regular
        || (rp.channel == Channel::VisaFraud && dest.visa_fraud_legal);
    let median = super::work::median_wage(p, a, dest.wage * rp.wage_factor);
    let market = rng.lognormal(median, dest.wage_sd_log);
    let deceptive = rng.chance(ctx.rec.deception_now[r as usize]);
    // A migrant without a legal job earns the irregular wage; the honest expectation says so,
    // a deceptive offer promises a regular job's wage and more.
    let wage = if legal_job {
        market
    } else {
        market * dest.irregular_wage_factor
    };
    let promised = if deceptive {
        market * kind.promise_factor
    } else {
        wage
    };
    if deceptive && rng.chance(a.awareness() * p.offers.p_see_through) {
        return None;
    }
    Some(Offer {
        recruiter: r,
        kind: k as Ix,
        broker_kind: None,
        route,
        via_broker,
        deceptive,
        fee,
        travel: rp.travel_cost,
        promised,
        wage: if deceptive {
            promised * kind.deception_wage_factor
        } else {
            wage
        },
        advance: kind.advance_share * fee,
    })
}
