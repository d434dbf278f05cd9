//! The engine's whole view of the world: every entity of the model with its references resolved
//! to indices, money in `f32`, rates per month, and "no cap" written as `None`.
//!
//! The engine knows no file format. A front end (the `crossroads` scenario compiler) fills these
//! structures and calls [`Params::derive`], which works out the quantities the model derives
//! once per epoch (a route's travel cost, the places it passes, its risk; who sells an onward
//! route; the campaign's monthly reach). [`Params::check`] states what the engine relies on; a
//! front end that passes it cannot make the engine fail.

/// Index of a district, location, leg, route, destination or recruiter kind. Every array the
/// engine keeps per entity is sized from the scenario, so the only limit is this type's range
/// ([`MAX_ENTITIES`]), but for locations, which an agent keeps in a byte ([`MAX_LOCATIONS`]).
pub type Ix = u16;

/// Most entities of one sort (districts, locations, legs, routes, destinations, recruiter kinds,
/// lenders) the engine indexes.
pub const MAX_ENTITIES: usize = Ix::MAX as usize - 1;
/// Most locations: an agent keeps where it is in a byte.
pub const MAX_LOCATIONS: usize = u8::MAX as usize;
/// Most legs on one route (the agent keeps its position on the route in a byte; one value is
/// reserved for immigration detention).
pub const MAX_LEGS_PER_ROUTE: usize = 254;
/// Longest duration, in months, of anything the agent counts down in its one-byte timer: a leg,
/// a detention, a contract.
pub const MAX_TIMER_MONTHS: u32 = 255;
/// Oldest age a person of the pool can reach.
pub const MAX_AGE: u32 = 150;
/// Most recruiters in all (recruiter ids are `u32`, one value reserved for "none").
pub const MAX_RECRUITERS: u64 = u32::MAX as u64 - 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    Regular,
    VisaFraud,
    Irregular,
    CrossBorder,
}

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecruiterType {
    LicensedAgency,
    InformalBroker,
    FraudulentAgency,
    TraffickingNetwork,
    /// Sells a paid, consented crossing; not trafficking unless the journey turns into
    /// exploitation.
    Smuggler,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LenderType {
    Family,
    Microfinance,
    MoneyLender,
    RecruiterAdvance,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocationKind {
    Capital,
    Border,
    Hub,
    Destination,
}

/// Yearly rate → monthly compound rate.
pub fn monthly_rate(year: f64) -> f32 {
    ((1.0 + year).powf(1.0 / 12.0) - 1.0) as f32
}

/// Who a route is offered to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForSex {
    Anyone,
    Women,
    Men,
}

impl ForSex {
    /// Whether a person (a woman or not) may be offered the route.
    #[inline]
    pub fn admits(self, woman: bool) -> bool {
        match self {
            ForSex::Anyone => true,
            ForSex::Women => woman,
            ForSex::Men => !woman,
        }
    }
}

#[derive(Debug, Clone)]
pub struct DistrictP {
    pub id: String,
    pub pool_share: f32,
    pub border: bool,
    /// Multiplies the cross-border offer rates in a border district (how active the trafficking
    /// corridors into India are there).
    pub cross_border_factor: f32,
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
    pub kind: LocationKind,
    pub p_onward: f32,
    pub p_return_stranded: f32,
    pub p_detention_stranded: f32,
    /// Monthly probability of dying in immigration detention here.
    pub p_death_detained: f32,
    /// The destination index if this location is a destination.
    pub dest: Option<Ix>,
    /// Derived: routes that start here (onward routes for people stranded here), and their
    /// weights in the same order.
    pub onward_routes: Vec<Ix>,
    pub onward_weights: Vec<f32>,
}

#[derive(Debug, Clone)]
pub struct LegP {
    pub from: Ix,
    pub to: Ix,
    pub sea: bool,
    pub cost: f32,
    pub months: u8,
    pub p_death: f32,
    pub p_detention: f32,
    pub detention_months: u8,
    pub ransom: f32,
    pub p_interception: f32,
    pub p_entry_denied: f32,
    /// The job or passage promised beyond this leg does not exist: the traveller is left
    /// stranded at the leg's start.
    pub p_stranded: f32,
    /// A woman crossing the leg suffers sexual violence.
    pub p_sexual_violence: f32,
}

#[derive(Debug, Clone)]
pub struct RouteP {
    pub id: String,
    pub channel: Channel,
    pub dest: Ix,
    pub legs: Vec<Ix>,
    pub fee: f32,
    pub fee_sd_log: f32,
    pub agency_cost: f32,
    pub weight: f32,
    /// Before departure, after the fee is paid: the visa is refused, or the traveller is stopped
    /// by exit immigration at the airport ("offloaded").
    pub p_visa_refused: f32,
    pub p_offloaded: f32,
    /// Who the route is offered to (a corridor for women, such as domestic work).
    pub sex: ForSex,
    /// A sector of its own (e.g. domestic work): job openings a month apart from the
    /// destination's, for a regular route; `None` shares the destination's openings.
    pub jobs_per_month: Option<f32>,
    /// The sector's wage relative to the destination's.
    pub wage_factor: f32,
    /// Monthly hazard of sexual exploitation for a woman at work on this route, on top of the
    /// destination's.
    pub p_sexual_exploitation: f32,
    /// An irregular route whose price includes a job waiting at the destination (without a
    /// work visa): those who arrive start work at once instead of being stranded.
    pub job_on_arrival: bool,
    /// Derived: the job openings the route draws on: its destination's (the destination's
    /// index) or its own (after the destinations, see `Params::pools`).
    pub pool: Ix,
    /// Derived: sum of the legs' travel costs.
    pub travel_cost: f32,
    /// Derived: the locations the route passes through (each once, in order; not its
    /// destination).
    pub via: Vec<Ix>,
    /// Derived: starts abroad (a hub or a destination): an onward route, offered to people
    /// stranded there and to workers who move on.
    pub onward: bool,
    /// Derived: expected cost of the route's hazards to the migrant, in USD at full awareness,
    /// apart from captivity for ransom.
    pub risk_usd: f32,
    /// Derived: expected ransom paid on the way (captivity for ransom), in USD.
    pub captivity_usd: f32,
    /// Derived: probability of dying on the way.
    pub p_death: f32,
    /// Derived: the first recruiter kind that sells this route (who an onward traveller pays).
    pub seller: Option<Ix>,
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
    /// Monthly probability that a worker leaves the job to move on by an onward route from
    /// here (e.g. from Serbia into the EU).
    pub p_move_on: f32,
    pub location: Ix,
}

#[derive(Debug, Clone)]
pub struct KindP {
    pub id: String,
    pub kind: RecruiterType,
    pub count: u32,
    pub capacity: f32,
    /// Districts reached (empty: all).
    pub districts: Vec<Ix>,
    /// (route, weight) pairs this kind sells.
    pub routes: Vec<(Ix, f32)>,
    pub p_direct_offer: f32,
    pub broker_weight: f32,
    pub fee_factor: f32,
    pub markup: f32,
    pub p_deception: f32,
    pub promise_factor: f32,
    pub deception_wage_factor: f32,
    pub p_coercion: f32,
    pub advance_share: f32,
    /// Probability that, once paid, the recruiter absconds or the job and visa never
    /// materialise: the attempt fails before departure and the money is lost.
    pub p_abscond: f32,
    pub reputation: f32,
    pub transnational: bool,
    /// Sd of the log of each recruiter's own factor on the kind's deception, coercion, price
    /// and capacity (mean-1 lognormal factors; 0: all alike).
    pub deception_spread: f32,
    pub coercion_spread: f32,
    pub price_spread: f32,
    pub capacity_spread: f32,
    /// (location, share) of the bases the kind operates from; never empty (the capital when
    /// the scenario names none).
    pub bases: Vec<(Ix, f32)>,
    /// Persons convicted with a recruiter of the kind.
    pub persons: f32,
    /// Derived: for each of `bases`, the offer weights of `offer_weights` restricted to the
    /// routes that pass through, end at or start from the base (all for a base in Bangladesh).
    pub base_weights: Vec<[Vec<f32>; 4]>,
    /// Derived: for each of `routes`, the weight of each base in choosing the recruiter of an
    /// offer on that route (1 for bases on the route, 0 otherwise).
    pub route_bases: Vec<Vec<bool>>,
    /// Derived: the weight of each of `routes` in an offer, with routes closed this epoch (no
    /// job openings, onward routes, another sex's corridor) at zero, indexed by
    /// `cross-border + 2 × woman`: home routes for men, cross-border for men, home for women,
    /// cross-border for women.
    pub offer_weights: [Vec<f32>; 4],
}

#[derive(Debug, Clone)]
pub struct LenderP {
    pub kind: LenderType,
    /// Monthly interest rate.
    pub rate: f32,
    pub cap: f32,
    pub access_share: f32,
    pub collateral: bool,
}

/// The population the scenario stands for and how agents are drawn from it.
#[derive(Debug, Clone)]
pub struct Population {
    pub persons: f64,
    pub entries_per_year: f64,
    pub age_min: u32,
    pub age_max: u32,
    pub women_share: f32,
    pub skilled_share: f32,
    pub land_share: f32,
    pub land_value: f32,
    /// Share of people who use social media.
    pub online_share: f64,
    pub home_income: f32,
    pub home_income_sd_log: f32,
    pub skilled_income_factor: f32,
    pub subsistence: f32,
    pub savings_months: f32,
    pub awareness_mean: f64,
    pub awareness_concentration: f64,
    pub initial_abroad_share: f32,
    pub initial_indebted_share: f32,
    pub initial_debt: f64,
    /// Months of the settling run whose end state seeds the initial pool (0: no settling run;
    /// the pool is drawn as above).
    pub settle_months: u32,
    /// Persons each agent of the settling run stands for, at most (0: as many agents as the run).
    pub settle_persons_per_agent: f64,
    /// Sampling strata, in the order a person is matched against them (empty: every agent
    /// stands for the same number of persons). A person in no stratum is in the rest, stratum
    /// `strata.len()`, sampled at 1.
    pub strata: Vec<Stratum>,
    /// How the outputs count deaths (the engine keeps both counts; see `DeathsEstimator`).
    pub deaths_estimator: DeathsEstimator,
}

/// How the outputs count deaths. `Expected`: each time an agent faces a death hazard `p` the
/// count gains `p` (the deaths its hazards would bring on average, which estimates the same
/// number as the deaths drawn with far less sampling noise, since a death is a rare draw
/// among many exposures); `Drawn`: the agents whose draw took them. Either way the draw is
/// made and decides what happens to the agent, so the simulation is the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeathsEstimator {
    #[default]
    Expected,
    Drawn,
}

/// A sampling stratum: the persons matching every condition given, drawn `oversample` times as
/// often as the rest, each agent of it standing for `1 / oversample` as many persons.
#[derive(Debug, Clone, PartialEq)]
pub struct Stratum {
    pub id: String,
    /// Districts (empty: any).
    pub districts: Vec<Ix>,
    /// Required value of each trait bit in `traits_mask` (`agent::tr` bits).
    pub traits_mask: u16,
    pub traits_value: u16,
    pub oversample: u32,
}

/// The most strata a scenario may define (the stratum sits in four bits of `Agent::traits`,
/// one value of which is the rest).
pub const MAX_STRATA: usize = 15;

impl Population {
    /// Months of age the pool spans: a person leaves it by age this long after entering.
    #[inline(always)]
    pub fn span_months(&self) -> i32 {
        (self.age_max.saturating_sub(self.age_min) * 12) as i32
    }

    /// The stratum of a person of district `d` with traits `traits`: the first that matches, or
    /// the rest (`strata.len()`).
    #[inline]
    pub fn stratum_of(&self, d: Ix, traits: u16) -> usize {
        self.strata
            .iter()
            .position(|s| {
                traits & s.traits_mask == s.traits_value
                    && (s.districts.is_empty() || s.districts.contains(&d))
            })
            .unwrap_or(self.strata.len())
    }

    /// How often each stratum (then the rest) is oversampled.
    pub fn oversample(&self) -> Vec<u32> {
        oversample(&self.strata)
    }

    /// Units of weight an agent of each stratum (then the rest) stands for.
    pub fn units(&self) -> Vec<u32> {
        units(&self.strata)
    }
}

/// How often each of `strata` (then the rest) is oversampled.
pub fn oversample(strata: &[Stratum]) -> Vec<u32> {
    strata
        .iter()
        .map(|s| s.oversample)
        .chain(std::iter::once(1))
        .collect()
}

/// Units of weight an agent of each of `strata` (then the rest) stands for: the least common
/// multiple of the oversampling factors divided by its own, so that every count stays a whole
/// number of units (`[1]` without strata).
pub fn units(strata: &[Stratum]) -> Vec<u32> {
    let f = oversample(strata);
    let l = f
        .iter()
        .fold(1u64, |l, &x| lcm(l, x as u64))
        .min(u32::MAX as u64) as u32;
    f.iter().map(|&x| l / x.max(1)).collect()
}

fn lcm(a: u64, b: u64) -> u64 {
    let gcd = |mut a: u64, mut b: u64| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    a / gcd(a, b) * b
}

#[derive(Debug, Clone)]
pub struct Aspiration {
    pub p_base: f32,
    pub poverty_slope: f32,
    pub ties_factor: f32,
    pub prime_age_min: u32,
    pub prime_age_max: u32,
    pub prime_age_factor: f32,
    pub women_factor: f32,
    pub debt_factor: f32,
    pub rest_months: u32,
    pub max_seek_months: u32,
}

#[derive(Debug, Clone)]
pub struct Offers {
    pub skilled_factor: f32,
    pub urban_factor: f32,
    pub awareness_factor: f32,
    pub awareness_filter_share: f32,
    pub p_see_through: f32,
    pub p_cross_border_young_women: f32,
    pub p_cross_border_other: f32,
    pub young_age_max: u32,
}

#[derive(Debug, Clone)]
pub struct Choice {
    /// Logit scale in USD.
    pub scale: f32,
    pub stay_home: f32,
    pub horizon_months: f32,
    pub value_of_life: f32,
    pub naive_risk_share: f32,
    pub desperation_share: f32,
}

#[derive(Debug, Clone)]
pub struct Finance {
    pub default_months: u32,
    pub home_repay_share: f32,
    pub ransom_borrowed_share: f32,
    /// Share of a defaulted debt written off; the rest bears no more interest.
    pub default_write_off_share: f32,
    /// Monthly share of savings above the buffer (`Population::savings_months` of income) that
    /// a household at home spends.
    pub home_spending_share: f32,
}

#[derive(Debug, Clone)]
pub struct Work {
    pub repay_share: f32,
    pub saved_share: f32,
    pub wage_theft_share: f32,
    /// Probability that wages withheld last month are withheld again this month (an employer
    /// who withholds goes on doing it).
    pub withholding_persistence_share: f32,
    /// A recruiter's coercion rate multiplies a destination's passport and wage-theft hazards
    /// by (1 + this × coercion).
    pub coercion_hazard_factor: f32,
    /// A wage below this share of the promise breaks the promise (the worker was deceived).
    pub promise_kept_share: f32,
    /// Skilled workers' wage abroad relative to the destination's.
    pub skilled_wage_factor: f32,
}

#[derive(Debug, Clone)]
pub struct Exit {
    pub p_escape: f32,
    pub p_identify: f32,
    pub p_release: f32,
    /// Full data sharing multiplies identification in partner locations by (1 + this).
    pub data_sharing_identification: f32,
    /// Identification of victims held captive, detained, or stranded (before policy).
    pub p_identify_captive: f32,
    pub p_identify_detained: f32,
    pub p_identify_stranded: f32,
    /// Full joint operations multiply identification of the captive and detained in partner
    /// locations by (1 + this).
    pub joint_operations_identification: f32,
    /// Identification × max(0, 1 + this × (awareness − the population's mean awareness)).
    pub self_report_factor: f32,
}

/// Conditions that make work involuntary (ILO 2018), as bits of [`Exploitation::involuntary`].
pub mod involuntary {
    /// Deceived about the nature or conditions of the work (a broken promise).
    pub const DECEIVED: u8 = 1 << 0;
    /// Induced by debt: in debt bondage.
    pub const DEBT_BONDAGE: u8 = 1 << 1;
    /// Work not agreed at all: put to work while held captive.
    pub const NOT_AGREED: u8 = 1 << 2;
}

/// Means of coercion or menace of a penalty (ILO 2018), as bits of [`Exploitation::coercion`].
pub mod coercion {
    /// Identity documents withheld.
    pub const PASSPORT_WITHHELD: u8 = 1 << 0;
    /// Wages withheld in at least `withheld_wage_months` of the reference period.
    pub const WAGES_WITHHELD: u8 = 1 << 1;
    /// Confinement: held captive.
    pub const CONFINEMENT: u8 = 1 << 2;
    /// Debt manipulation: in debt bondage to the party that controls the work.
    pub const DEBT_BONDAGE: u8 = 1 << 3;
}

/// The measurement of forced labour: which indicators count, over what reference period.
#[derive(Debug, Clone)]
pub struct Exploitation {
    /// Involuntary-work indicators that count (bits of [`involuntary`]).
    pub involuntary: u8,
    /// Coercion indicators that count (bits of [`coercion`]).
    pub coercion: u8,
    /// Months looked back on (at most [`MAX_REFERENCE_MONTHS`]).
    pub reference_months: u32,
    /// Months with wages withheld, within the reference period, that make withholding coercive.
    pub withheld_wage_months: u32,
    /// The hazards of sexual exploitation are this many times higher for women aged at most
    /// `offers.young_age_max`.
    pub young_women_factor: f32,
}

/// Longest reference period for withheld wages (the agent keeps one bit per month in a byte).
pub const MAX_REFERENCE_MONTHS: u32 = 8;

/// Monthly hazards of captivity for ransom.
#[derive(Debug, Clone)]
pub struct Captivity {
    /// The family raises and pays the ransom.
    pub p_ransom_paid: f32,
    /// Sold to another group, which demands a ransom of its own.
    pub p_sold: f32,
    /// Put to forced work while held.
    pub p_forced_work: f32,
    pub p_death: f32,
    /// Released (or escapes) without a ransom, once the months held are over.
    pub p_release_unpaid: f32,
}

#[derive(Debug, Clone)]
pub struct Market {
    pub p_entry: f32,
    /// Unmet demand (a share of applications) multiplies entry by (1 + this × unmet).
    pub entry_demand_factor: f32,
    pub reputation_hit_share: f32,
    pub reputation_recovery_share: f32,
    pub p_investigate_per_victim: f32,
    /// Monthly probability that a licensed agency draws its compliance with the fee cap anew.
    pub p_compliance_review: f32,
    /// Elasticity of deception, coercion and entry with respect to the expected penalty.
    pub deterrence_elasticity: f32,
    /// Investigating a recruiter reaches each recruiter chained to it with this probability.
    pub p_chain_trace: f32,
}

/// Recommendation 1.
#[derive(Debug, Clone)]
pub struct Recruitment {
    /// Fee cap on licensed agencies; `None`: no cap.
    pub fee_cap: Option<f32>,
    /// Monthly probability that an agency over the cap is caught and loses its licence.
    pub p_cap_enforcement: f64,
    /// Months of profit an agency weighs against that risk.
    pub deterrence_months: f64,
    /// Derived: probability that an agency complies with the cap; 0 without a cap.
    pub p_comply: f32,
    pub broker_exit_share: f32,
    pub employer_pays_share: f32,
    pub broker_registration_share: f32,
    pub joint_liability_share: f32,
    /// Monthly probability that an agency breaking its licence conditions is caught.
    pub p_licence_enforcement: f64,
    /// Derived: probability that an agency complies with the licence conditions.
    pub p_comply_licence: f32,
    pub cost_per_inspection: f64,
    pub cost_per_registered_broker_year: f64,
}

/// Recommendation 2.
#[derive(Debug, Clone)]
pub struct Cooperation {
    pub data_sharing_share: f32,
    pub joint_operations_share: f32,
    pub visa_screening_share: f32,
    /// Full data sharing multiplies investigations of fraudulent agencies and networks by
    /// (1 + this).
    pub data_sharing_exposure: f32,
    /// Whether each location is a partner country.
    pub partner: Vec<bool>,
    pub cost_per_partner_year: f64,
}

/// Recommendation 3.
#[derive(Debug, Clone)]
pub struct Reintegration {
    pub coverage_share: f32,
    pub psychosocial_share: f32,
    pub economic_grant: f32,
    pub income_uplift_share: f32,
    /// Months after return the income uplift lasts.
    pub income_uplift_months: u32,
    pub social_share: f32,
    pub from_airport: bool,
    /// Share of the returnees offered support who are reached when it does not start at the
    /// airport.
    pub late_reach_share: f32,
    /// Groups offered support (bits of [`target`]); 0: every returnee.
    pub target: u8,
    /// Yearly budget; `None`: no limit.
    pub budget: Option<f64>,
    pub cost_per_person: f64,
}

/// Groups reintegration support may target, as bits of [`Reintegration::target`].
pub mod target {
    pub const DEPORTEES: u8 = 1 << 0;
    pub const VICTIMS: u8 = 1 << 1;
    pub const INDEBTED: u8 = 1 << 2;
}

/// Recommendation 4.
#[derive(Debug, Clone)]
pub struct Awareness {
    /// Share of the target population reached per year.
    pub coverage_share: f64,
    pub effect_share: f32,
    /// Share of the campaign delivered online.
    pub online_share: f64,
    /// Monthly share of the campaign's gain that fades (toward the population's mean).
    pub decay_share_month: f32,
    pub cost_per_person_village: f64,
    pub cost_per_person_online: f64,
}

/// Recommendation 5.
#[derive(Debug, Clone)]
pub struct Enforcement {
    pub p_investigation: f32,
    pub prosecution_intensity: f32,
    pub prosecution_share: f32,
    pub months_to_verdict: u32,
    pub conviction_share: f32,
    pub transnational_focus: f32,
    /// Whether recruiters based at each location get the extra weight `location_focus`.
    pub focus: Vec<bool>,
    pub location_focus: f32,
    /// Whether each recruiter entry gets the extra weight `recruiter_focus`.
    pub focus_kinds: Vec<bool>,
    pub recruiter_focus: f32,
    pub sentence_years: f32,
    pub cost_per_investigation: f64,
    pub cost_per_prosecution: f64,
}

/// The safe-migration loan.
#[derive(Debug, Clone)]
pub struct SafeLoan {
    pub coverage_share: f32,
    /// Monthly rate.
    pub rate: f32,
    pub cap: f32,
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub recruitment: Recruitment,
    pub cooperation: Cooperation,
    pub reintegration: Reintegration,
    pub awareness: Awareness,
    pub enforcement: Enforcement,
    pub finance: SafeLoan,
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
    /// In borrowing order.
    pub lenders: Vec<LenderP>,
    pub pop: Population,
    pub asp: Aspiration,
    pub offers: Offers,
    pub choice: Choice,
    pub finance: Finance,
    pub work: Work,
    pub exit: Exit,
    pub exploitation: Exploitation,
    pub captivity: Captivity,
    pub market: Market,
    pub policy: Policy,
    /// Derived: monthly probability that the awareness campaign reaches a person in a target
    /// district: [without social media, with social media].
    pub campaign_reach: [f32; 2],
    /// Derived: indices of the informal-broker kinds.
    pub broker_kinds: Vec<Ix>,
    /// Derived: per kind, the weight with which brokers carry its offers.
    pub broker_principal_weights: Vec<f32>,
    /// Derived: per kind, 1 for trafficking networks that sell a cross-border route, else 0.
    pub cross_border_weights: Vec<f32>,
    /// Derived: job openings a month of each pool (the destinations', then the routes' own,
    /// `RouteP::pool`), and the months over which a reopened pool builds up.
    pub pool_jobs: Vec<f32>,
    pub pool_ramp: Vec<u32>,
    /// Derived: monthly probability that a recruiter of kind k based at location l is
    /// investigated before any victim is traced to it, `[k * locations + l]`.
    pub investigation_rate: Vec<f32>,
    /// The expected penalty (years of prison a year of operating brings) each kind and base
    /// faced at the first simulated month, `[k * locations + l]`; empty: no reference (no
    /// deterrence). Set by the front end from its first epoch.
    pub deterrence_reference: Vec<f32>,
    /// Derived: deterrence factor on deception, coercion and entry, `[k * locations + l]`.
    pub deterrence: Vec<f32>,
}

/// Why a set of parameters cannot be simulated: what is wrong, in words a front end can pass on
/// (it knows which file and key the entity came from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

impl Params {
    /// Whether a route is registered (counted in the official statistics).
    #[inline]
    pub fn registered(&self, route: Ix) -> bool {
        matches!(
            self.routes[route as usize].channel,
            Channel::Regular | Channel::VisaFraud
        )
    }

    /// Check what the engine relies on: sizes within its index types, references in range,
    /// routes that chain from leg to leg and end at their destination, positive contracts. A
    /// front end that validated its input never fails this; it is the engine's own guard.
    pub fn check(&self) -> Result<(), Invalid> {
        let bad = |m: String| Err(Invalid(m));
        for (what, n, most) in [
            ("districts", self.districts.len(), MAX_ENTITIES),
            ("locations", self.locations.len(), MAX_LOCATIONS),
            ("legs", self.legs.len(), MAX_ENTITIES),
            ("routes", self.routes.len(), MAX_ENTITIES),
            ("destinations", self.dests.len(), MAX_ENTITIES),
            ("recruiter kinds", self.kinds.len(), MAX_ENTITIES),
            ("lenders", self.lenders.len(), MAX_ENTITIES),
        ] {
            if n > most {
                return bad(format!("{n} {what}: at most {most} are supported"));
            }
        }
        if self.districts.is_empty() {
            return bad("no district: the pool lives somewhere".into());
        }
        let pop = &self.pop;
        if !(pop.age_min < pop.age_max && pop.age_max <= MAX_AGE) {
            return bad(format!(
                "ages {}..{}: the pool needs 0 <= age_min < age_max <= {MAX_AGE}",
                pop.age_min, pop.age_max
            ));
        }
        if !(pop.persons.is_finite() && pop.entries_per_year.is_finite())
            || pop.persons < 0.0
            || pop.entries_per_year < 0.0
            || pop.persons + pop.entries_per_year <= 0.0
        {
            return bad("the pool is empty or not a finite number of persons".into());
        }
        let x = &self.exploitation;
        if !(1..=MAX_REFERENCE_MONTHS).contains(&x.reference_months)
            || !(1..=x.reference_months).contains(&x.withheld_wage_months)
        {
            return bad(format!(
                "forced labour's reference period of {} months with {} months of withheld wages: \
                 the period must be 1 to {MAX_REFERENCE_MONTHS} months and hold the withheld months",
                x.reference_months, x.withheld_wage_months
            ));
        }
        let recruiters: u64 = self.kinds.iter().map(|k| k.count as u64).sum();
        if recruiters > MAX_RECRUITERS {
            return bad(format!(
                "{recruiters} recruiters in all: at most {MAX_RECRUITERS} are supported"
            ));
        }
        let nl = self.locations.len();
        for l in &self.legs {
            if l.from as usize >= nl || l.to as usize >= nl {
                return bad("a leg refers to a location that does not exist".into());
            }
        }
        for (i, loc) in self.locations.iter().enumerate() {
            if loc.dest.is_some_and(|d| d as usize >= self.dests.len()) {
                return bad(format!(
                    "location {i} refers to a destination that does not exist"
                ));
            }
        }
        for d in &self.dests {
            if d.location as usize >= nl || d.contract_months == 0 {
                return bad(format!(
                    "destination {}: needs a location and a contract of at least a month",
                    d.id
                ));
            }
        }
        for r in &self.routes {
            if r.legs.is_empty() || r.legs.len() > MAX_LEGS_PER_ROUTE {
                return bad(format!(
                    "route {} has {} legs: between 1 and {MAX_LEGS_PER_ROUTE} are supported",
                    r.id,
                    r.legs.len()
                ));
            }
            if r.dest as usize >= self.dests.len()
                || r.legs.iter().any(|&l| l as usize >= self.legs.len())
            {
                return bad(format!(
                    "route {} refers to an entity that does not exist",
                    r.id
                ));
            }
        }
        for k in &self.kinds {
            if k.districts
                .iter()
                .any(|&d| d as usize >= self.districts.len())
                || k.routes
                    .iter()
                    .any(|&(r, _)| r as usize >= self.routes.len())
            {
                return bad(format!(
                    "recruiter {} refers to an entity that does not exist",
                    k.id
                ));
            }
        }
        Ok(())
    }

    /// Work out the derived quantities (fields marked "Derived"). Call after filling or
    /// changing the scenario-given fields.
    pub fn derive(&mut self) {
        let vol = self.choice.value_of_life;
        for r in &mut self.routes {
            let legs = &self.legs;
            let dest_loc = self.dests[r.dest as usize].location;
            r.travel_cost = r.legs.iter().map(|&l| legs[l as usize].cost).sum();
            r.via.clear();
            let mut alive = 1.0f32;
            let mut risk = 0.0f32;
            let mut captivity = 0.0f32;
            for &l in &r.legs {
                let leg = &legs[l as usize];
                if leg.from != dest_loc && !r.via.contains(&leg.from) {
                    r.via.push(leg.from);
                }
                // Expected losses on this leg, for those who reach it.
                risk += alive
                    * (leg.p_death * vol
                        + (leg.p_interception + leg.p_entry_denied + leg.p_stranded) * r.fee);
                captivity += alive * leg.p_detention * leg.ransom;
                alive *= 1.0 - leg.p_death;
            }
            r.captivity_usd = captivity;
            let first_from = legs[r.legs[0] as usize].from;
            r.onward = matches!(
                self.locations[first_from as usize].kind,
                LocationKind::Hub | LocationKind::Destination
            );
            r.risk_usd = risk;
            r.p_death = 1.0 - alive;
            r.seller = None;
        }
        // A route is sold on by the first kind that lists it and has recruiters, else by the
        // first that lists it (which then sells nothing: `journey::move_on` finds no one).
        for with_recruiters in [true, false] {
            for (k, kind) in self.kinds.iter().enumerate() {
                if with_recruiters && kind.count == 0 {
                    continue;
                }
                for &(route, _) in &kind.routes {
                    let seller = &mut self.routes[route as usize].seller;
                    if seller.is_none() {
                        *seller = Some(k as Ix);
                    }
                }
            }
        }
        for loc in &mut self.locations {
            loc.onward_routes.clear();
            loc.onward_weights.clear();
        }
        for (k, r) in self.routes.iter().enumerate() {
            if r.onward {
                let from = self.legs[r.legs[0] as usize].from as usize;
                self.locations[from].onward_routes.push(k as Ix);
                self.locations[from].onward_weights.push(r.weight);
            }
        }
        // Job pools: each destination's, then one for each route with openings of its own.
        self.pool_jobs = self.dests.iter().map(|d| d.jobs_per_month).collect();
        self.pool_ramp = self.dests.iter().map(|d| d.ramp_months).collect();
        for r in &mut self.routes {
            r.pool = match r.jobs_per_month {
                Some(jobs) => {
                    self.pool_jobs.push(jobs);
                    self.pool_ramp.push(0);
                    (self.pool_jobs.len() - 1) as Ix
                }
                None => r.dest,
            };
        }
        for kind in &mut self.kinds {
            // [cross-border + 2 × woman]
            for (slot, w) in kind.offer_weights.iter_mut().enumerate() {
                let (cross, woman) = (slot % 2 == 1, slot >= 2);
                *w = kind
                    .routes
                    .iter()
                    .map(|&(route, weight)| {
                        let rp = &self.routes[route as usize];
                        let open = !rp.onward
                            && (rp.channel == Channel::CrossBorder) == cross
                            && rp.sex.admits(woman)
                            && (rp.channel != Channel::Regular
                                || self.pool_jobs[rp.pool as usize] > 0.0);
                        if open { weight } else { 0.0 }
                    })
                    .collect();
            }
        }
        self.broker_kinds = (0..self.kinds.len())
            .filter(|&k| self.kinds[k].kind == RecruiterType::InformalBroker)
            .map(|k| k as Ix)
            .collect();
        self.broker_principal_weights = self.kinds.iter().map(|k| k.broker_weight).collect();
        self.cross_border_weights = self
            .kinds
            .iter()
            .map(|k| {
                let sells = k.kind == RecruiterType::TraffickingNetwork
                    && k.routes
                        .iter()
                        .any(|&(r, _)| self.routes[r as usize].channel == Channel::CrossBorder);
                if sells { 1.0 } else { 0.0 }
            })
            .collect();
        self.campaign_reach = campaign_reach(&self.policy.awareness, self.pop.online_share);
        self.derive_bases();
        self.derive_deterrence();
        let r = &mut self.policy.recruitment;
        r.p_comply_licence = if r.p_licence_enforcement > 0.0 {
            (1.0 - (-r.p_licence_enforcement * r.deterrence_months).exp()) as f32
        } else {
            0.0
        };
        // An agency complies when the risk of losing its licence over the months of profit it
        // weighs (1 − e^(−p × months)) is drawn; no cap, nothing to comply with.
        r.p_comply = match r.fee_cap {
            Some(_) => (1.0 - (-r.p_cap_enforcement * r.deterrence_months).exp()) as f32,
            None => 0.0,
        };
    }
}

impl Params {
    /// The location people leave from (the capital); 0 if the scenario has none.
    pub fn capital(&self) -> Ix {
        self.locations
            .iter()
            .position(|l| l.kind == LocationKind::Capital)
            .unwrap_or(0) as Ix
    }

    /// Whether route `r` passes through, ends at or starts from location `l` (every route does
    /// for the capital).
    pub fn route_touches(&self, r: usize, l: Ix) -> bool {
        let rp = &self.routes[r];
        l == self.capital()
            || rp.via.contains(&l)
            || self.dests[rp.dest as usize].location == l
            || self.legs[rp.legs[0] as usize].from == l
    }

    /// Whether a recruiter of kind `k` based at `l` is reached by cooperation: based in a
    /// partner location, or based at home and selling routes to or through one.
    pub fn partner_group(&self, k: usize, l: Ix) -> bool {
        let partner = &self.policy.cooperation.partner;
        if partner.get(l as usize).copied().unwrap_or(false) {
            return true;
        }
        l == self.capital()
            && self.kinds[k].routes.iter().any(|&(r, _)| {
                let rp = &self.routes[r as usize];
                let dest = self.dests[rp.dest as usize].location;
                partner[dest as usize] || rp.via.iter().any(|&v| partner[v as usize])
            })
    }

    fn derive_bases(&mut self) {
        let mut kinds = std::mem::take(&mut self.kinds);
        for kind in &mut kinds {
            kind.base_weights = kind
                .bases
                .iter()
                .map(|&(l, _)| {
                    std::array::from_fn(|slot| {
                        kind.routes
                            .iter()
                            .zip(&kind.offer_weights[slot])
                            .map(|(&(r, _), &w)| {
                                if self.route_touches(r as usize, l) {
                                    w
                                } else {
                                    0.0
                                }
                            })
                            .collect()
                    })
                })
                .collect();
            kind.route_bases = kind
                .routes
                .iter()
                .map(|&(r, _)| {
                    kind.bases
                        .iter()
                        .map(|&(l, _)| self.route_touches(r as usize, l))
                        .collect()
                })
                .collect();
        }
        self.kinds = kinds;
    }

    /// Monthly investigation probability of each kind and base, and the deterrence it makes.
    fn derive_deterrence(&mut self) {
        let nl = self.locations.len();
        let e = &self.policy.enforcement;
        let coop = &self.policy.cooperation;
        let mut rate = vec![0.0f32; self.kinds.len() * nl];
        for (k, kind) in self.kinds.iter().enumerate() {
            for l in 0..nl {
                let mut x = e.p_investigation * e.prosecution_intensity;
                if kind.transnational {
                    x *= 1.0 + e.transnational_focus;
                }
                if self.partner_group(k, l as Ix) {
                    if kind.transnational {
                        x *= 1.0 + coop.joint_operations_share;
                    }
                    if matches!(
                        kind.kind,
                        RecruiterType::FraudulentAgency
                            | RecruiterType::TraffickingNetwork
                            | RecruiterType::Smuggler
                    ) {
                        x *= 1.0 + coop.data_sharing_exposure * coop.data_sharing_share;
                    }
                }
                if e.focus.get(l).copied().unwrap_or(false) {
                    x *= 1.0 + e.location_focus;
                }
                if e.focus_kinds.get(k).copied().unwrap_or(false) {
                    x *= 1.0 + e.recruiter_focus;
                }
                rate[k * nl + l] = x.min(1.0);
            }
        }
        self.investigation_rate = rate;
        let ep = self.expected_penalty();
        let el = self.market.deterrence_elasticity;
        self.deterrence = ep
            .iter()
            .enumerate()
            .map(|(i, &now)| match self.deterrence_reference.get(i) {
                Some(&r) if el > 0.0 && r > 0.0 => (r / now.max(1e-12)).powf(el).clamp(0.0, 100.0),
                _ => 1.0,
            })
            .collect();
    }

    /// Expected penalty per kind and base: the yearly chance of conviction (from the monthly
    /// investigation rate, the prosecution and conviction shares) × the sentence, `[k *
    /// locations + l]`. Derived quantities must be current (`derive`).
    pub fn expected_penalty(&self) -> Vec<f32> {
        let e = &self.policy.enforcement;
        self.investigation_rate
            .iter()
            .map(|&x| {
                let month = x * e.prosecution_share * e.conviction_share;
                (1.0 - (1.0 - month).powi(12)) * e.sentence_years
            })
            .collect()
    }

    /// Measure deterrence against `reference` (the expected penalties of the first epoch).
    pub fn set_deterrence_reference(&mut self, reference: Vec<f32>) {
        self.deterrence_reference = reference;
        self.derive_deterrence();
    }
}

/// Of the people a campaign reaches in a year, `online_share` are reached online, and only
/// social-media users can be reached that way. Returns the monthly reach [offline user, online
/// user].
fn campaign_reach(c: &Awareness, online_users: f64) -> [f32; 2] {
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
