//! The scenario compiled for the engine: ids replaced by indices, money in `f32`, monthly rates,
//! and the few quantities derived once per epoch (a route's total travel cost, its risk).
//!
//! Compilation cannot fail on a scenario the loader accepted: references were checked there.

use crate::scenario::{self as sc, Channel, LenderType, Mode, RecruiterType};
use std::collections::HashMap;

pub const MAX_DEST: usize = 16;
pub const MAX_LOC: usize = 32;
pub const MAX_DISTRICTS: usize = 64;
pub const MAX_ROUTES: usize = 250;

pub const CHANNELS: [Channel; 4] = [
    Channel::Regular,
    Channel::VisaFraud,
    Channel::Irregular,
    Channel::CrossBorder,
];

#[inline]
pub fn channel_index(c: Channel) -> usize {
    match c {
        Channel::Regular => 0,
        Channel::VisaFraud => 1,
        Channel::Irregular => 2,
        Channel::CrossBorder => 3,
    }
}

/// Yearly rate → monthly compound rate.
pub fn monthly_rate(year: f64) -> f32 {
    ((1.0 + year).powf(1.0 / 12.0) - 1.0) as f32
}

#[derive(Debug, Clone)]
pub struct DistrictP {
    pub id: String,
    pub pool_share: f32,
    pub border: bool,
    pub urban_share: f32,
    pub income_factor: f32,
    pub ties_share: f32,
    pub p_broker_offer: f32,
    /// Whether the awareness campaign targets this district.
    pub campaign: bool,
}

#[derive(Debug, Clone)]
pub struct LocationP {
    pub id: String,
    pub kind: sc::LocationKind,
    pub p_onward: f32,
    pub p_return_stranded: f32,
    pub p_detention_stranded: f32,
    /// Routes that start here (onward routes for people stranded here).
    pub onward_routes: Vec<u8>,
    /// The destination index if this location is a destination.
    pub dest: Option<u8>,
}

#[derive(Debug, Clone)]
pub struct LegP {
    pub from: u8,
    pub to: u8,
    pub sea: bool,
    pub cost: f32,
    pub months: u8,
    pub p_death: f32,
    pub p_detention: f32,
    pub detention_months: u8,
    pub ransom: f32,
    pub p_interception: f32,
    pub p_entry_denied: f32,
}

#[derive(Debug, Clone)]
pub struct RouteP {
    pub id: String,
    pub channel: Channel,
    pub dest: u8,
    pub legs: Vec<u16>,
    pub fee: f32,
    pub fee_sd_log: f32,
    pub agency_cost: f32,
    pub weight: f32,
    /// Sum of the legs' travel costs.
    pub travel_cost: f32,
    /// Bit i set if the route passes through location i (not counting its destination).
    pub via: u32,
    /// Starts at a hub: an onward route, offered to people stranded there.
    pub onward: bool,
    /// Expected cost of the route's hazards to the migrant, in USD at full awareness.
    pub risk_usd: f32,
    /// Probability of dying on the way (for reporting and the risk cost).
    pub p_death: f32,
}

#[derive(Debug, Clone)]
pub struct DestP {
    pub id: String,
    pub europe: bool,
    pub wage: f32,
    pub wage_sd_log: f32,
    pub living: f32,
    pub jobs_per_month: f32,
    pub ramp_months: u32,
    pub contract_months: u8,
    pub p_renew: f32,
    pub p_wage_theft: f32,
    pub p_passport: f32,
    pub p_job_loss: f32,
    pub p_deportation: f32,
    pub p_regularise: f32,
    pub p_irregular_job: f32,
    pub irregular_wage_factor: f32,
    pub visa_fraud_legal: bool,
    pub p_sexual_exploitation: f32,
    pub location: u8,
}

#[derive(Debug, Clone)]
pub struct KindP {
    pub id: String,
    pub kind: RecruiterType,
    pub count: u32,
    pub capacity: f32,
    /// Districts reached (empty: all).
    pub districts: Vec<u8>,
    /// (route, weight) pairs this kind sells.
    pub routes: Vec<(u8, f32)>,
    pub p_direct_offer: f32,
    pub broker_weight: f32,
    pub fee_factor: f32,
    pub markup: f32,
    pub p_deception: f32,
    pub promise_factor: f32,
    pub deception_wage_factor: f32,
    pub p_coercion: f32,
    pub advance_share: f32,
    pub reputation: f32,
    pub transnational: bool,
}

#[derive(Debug, Clone)]
pub struct LenderP {
    pub kind: LenderType,
    pub rate: f32,
    pub cap: f32,
    pub access_share: f32,
    pub collateral: bool,
}

/// Everything the monthly step reads, for one epoch of the timeline.
#[derive(Debug, Clone)]
pub struct Params {
    pub districts: Vec<DistrictP>,
    pub locations: Vec<LocationP>,
    pub legs: Vec<LegP>,
    pub routes: Vec<RouteP>,
    pub dests: Vec<DestP>,
    pub kinds: Vec<KindP>,
    pub lenders: Vec<LenderP>,
    pub pop: sc::Population,
    pub asp: sc::Aspiration,
    pub offers: sc::Offers,
    pub choice: sc::Choice,
    pub finance: sc::Finance,
    pub work: sc::Work,
    pub exit: sc::Exit,
    pub market: sc::Market,
    pub policy: sc::Policy,
    pub safe_loan_rate: f32,
    /// Monthly probability that the awareness campaign reaches a person in a target district:
    /// [without social media, with social media].
    pub campaign_reach: [f32; 2],
    /// Index of the kind of each recruiter type, if the scenario has one.
    pub broker_kinds: Vec<u8>,
}

impl Params {
    pub fn compile(s: &sc::Scenario) -> Params {
        let loc_ix: HashMap<&str, u8> = s
            .locations
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), i as u8))
            .collect();
        let dest_ix: HashMap<&str, u8> = s
            .destinations
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i as u8))
            .collect();
        let leg_ix: HashMap<&str, u16> = s
            .legs
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), i as u16))
            .collect();
        let route_ix: HashMap<&str, u8> = s
            .routes
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i as u8))
            .collect();
        let district_ix: HashMap<&str, u8> = s
            .districts
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i as u8))
            .collect();
        let campaign_all = s.policy.awareness.districts.is_empty();

        let districts = s
            .districts
            .iter()
            .map(|d| DistrictP {
                id: d.id.clone(),
                pool_share: d.pool_share as f32,
                border: d.border,
                urban_share: d.urban_share as f32,
                income_factor: d.income_factor as f32,
                ties_share: d.ties_share as f32,
                p_broker_offer: d.p_broker_offer as f32,
                campaign: campaign_all || s.policy.awareness.districts.iter().any(|x| x == &d.id),
            })
            .collect();

        let legs: Vec<LegP> = s
            .legs
            .iter()
            .map(|l| LegP {
                from: loc_ix[l.from.as_str()],
                to: loc_ix[l.to.as_str()],
                sea: l.mode == Mode::Sea,
                cost: l.cost_usd as f32,
                months: l.months.min(255) as u8,
                p_death: l.p_death as f32,
                p_detention: l.p_detention as f32,
                detention_months: l.detention_months.min(255) as u8,
                ransom: l.ransom_usd as f32,
                p_interception: l.p_interception as f32,
                p_entry_denied: l.p_entry_denied as f32,
            })
            .collect();

        let vol = s.choice.value_of_life_usd as f32;
        let routes: Vec<RouteP> = s
            .routes
            .iter()
            .map(|r| {
                let legs_r: Vec<u16> = r.legs.iter().map(|l| leg_ix[l.as_str()]).collect();
                let travel_cost = legs_r.iter().map(|&l| legs[l as usize].cost).sum();
                let dest = dest_ix[r.destination.as_str()];
                let dest_loc = loc_ix[r.destination.as_str()];
                let mut via = 0u32;
                let mut alive = 1.0f32;
                let mut risk = 0.0f32;
                let fee = r.fee_usd as f32;
                for &l in &legs_r {
                    let leg = &legs[l as usize];
                    if leg.from != dest_loc {
                        via |= 1 << leg.from;
                    }
                    // Expected losses on this leg, for those who reach it.
                    risk += alive
                        * (leg.p_death * vol
                            + leg.p_detention * leg.ransom
                            + (leg.p_interception + leg.p_entry_denied) * fee);
                    alive *= 1.0 - leg.p_death;
                }
                let first_from = legs[legs_r[0] as usize].from;
                RouteP {
                    id: r.id.clone(),
                    channel: r.channel,
                    dest,
                    travel_cost,
                    via,
                    onward: s.locations[first_from as usize].kind == sc::LocationKind::Hub,
                    legs: legs_r,
                    fee,
                    fee_sd_log: r.fee_sd_log as f32,
                    agency_cost: r.agency_cost_usd as f32,
                    weight: r.weight as f32,
                    risk_usd: risk,
                    p_death: 1.0 - alive,
                }
            })
            .collect();

        let locations = s
            .locations
            .iter()
            .enumerate()
            .map(|(i, l)| LocationP {
                id: l.id.clone(),
                kind: l.kind,
                p_onward: l.p_onward as f32,
                p_return_stranded: l.p_return_stranded as f32,
                p_detention_stranded: l.p_detention_stranded as f32,
                onward_routes: routes
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.onward && legs[r.legs[0] as usize].from as usize == i)
                    .map(|(k, _)| k as u8)
                    .collect(),
                dest: dest_ix.get(l.id.as_str()).copied(),
            })
            .collect();

        let dests = s
            .destinations
            .iter()
            .map(|d| DestP {
                id: d.id.clone(),
                europe: d.europe,
                wage: d.wage_usd as f32,
                wage_sd_log: d.wage_sd_log as f32,
                living: d.living_cost_usd as f32,
                jobs_per_month: d.jobs_per_month as f32,
                ramp_months: d.ramp_months,
                contract_months: d.contract_months.clamp(1, 255) as u8,
                p_renew: d.p_renew as f32,
                p_wage_theft: d.p_wage_theft as f32,
                p_passport: d.p_passport_confiscation as f32,
                p_job_loss: d.p_job_loss as f32,
                p_deportation: d.p_deportation as f32,
                p_regularise: d.p_regularise as f32,
                p_irregular_job: d.p_irregular_job as f32,
                irregular_wage_factor: d.irregular_wage_factor as f32,
                visa_fraud_legal: d.visa_fraud_legal,
                p_sexual_exploitation: d.p_sexual_exploitation as f32,
                location: loc_ix[d.id.as_str()],
            })
            .collect();

        let kinds: Vec<KindP> = s
            .recruiters
            .iter()
            .map(|k| KindP {
                id: k.id.clone(),
                kind: k.kind,
                count: k.count,
                capacity: k.capacity_per_month as f32,
                districts: k
                    .districts
                    .iter()
                    .map(|d| district_ix[d.as_str()])
                    .collect(),
                routes: k
                    .routes
                    .iter()
                    .map(|r| {
                        let ix = route_ix[r.as_str()];
                        (ix, s.routes[ix as usize].weight as f32)
                    })
                    .collect(),
                p_direct_offer: k.p_direct_offer as f32,
                broker_weight: k.broker_weight as f32,
                fee_factor: k.fee_factor as f32,
                markup: k.markup_usd as f32,
                p_deception: k.p_deception as f32,
                promise_factor: k.promise_factor as f32,
                deception_wage_factor: k.deception_wage_factor as f32,
                p_coercion: k.p_coercion as f32,
                advance_share: k.advance_share as f32,
                reputation: k.reputation_share as f32,
                transnational: k.transnational,
            })
            .collect();

        let lenders = s
            .lenders
            .iter()
            .map(|l| LenderP {
                kind: l.kind,
                rate: monthly_rate(l.rate_year),
                cap: l.cap_usd as f32,
                access_share: l.access_share as f32,
                collateral: l.collateral,
            })
            .collect();

        let broker_kinds = kinds
            .iter()
            .enumerate()
            .filter(|(_, k)| k.kind == RecruiterType::InformalBroker)
            .map(|(i, _)| i as u8)
            .collect();

        Params {
            districts,
            locations,
            legs,
            routes,
            dests,
            kinds,
            lenders,
            pop: s.population.clone(),
            asp: s.aspiration.clone(),
            offers: s.offers.clone(),
            choice: s.choice.clone(),
            finance: s.finance.clone(),
            work: s.work.clone(),
            exit: s.exit.clone(),
            market: s.market.clone(),
            policy: s.policy.clone(),
            safe_loan_rate: monthly_rate(s.policy.finance.safe_loan_rate_year),
            campaign_reach: campaign_reach(&s.policy.awareness, s.population.online_share),
            broker_kinds,
        }
    }

    /// Whether a route is registered (counted in the official statistics).
    #[inline]
    pub fn registered(&self, route: u8) -> bool {
        matches!(
            self.routes[route as usize].channel,
            Channel::Regular | Channel::VisaFraud
        )
    }
}

/// Of the people a campaign reaches in a year, `online_share` are reached online, and only
/// social-media users can be reached that way. Returns the monthly reach [offline user, online
/// user].
fn campaign_reach(c: &sc::Awareness, online_users: f64) -> [f32; 2] {
    if c.coverage_share <= 0.0 || c.effect_share <= 0.0 {
        return [0.0, 0.0];
    }
    let offline = c.coverage_share * (1.0 - c.online_share);
    let online = (c.coverage_share * c.online_share / online_users.max(1e-6)).min(1.0) + offline;
    [
        (offline.min(1.0) / 12.0) as f32,
        (online.min(1.0) / 12.0) as f32,
    ]
}
