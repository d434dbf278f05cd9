//! The scenario file's schema: every entity of the model as plain data.
//!
//! These types mirror the TOML one to one. They hold no behaviour beyond defaults; range checks
//! live in `validate.rs`, and the engine compiles them into index-based parameters
//! (`engine::params`). Naming rule used by the validator: a key named `p_*` or `*_share` is a
//! probability or share in [0, 1]; keys ending in `_usd`, `_months` or `_year` are non-negative.

use serde::{Deserialize, Serialize};

/// A whole scenario after `extends` has been resolved.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Scenario name; defaults to the file's stem.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Parent scenario, relative to this file. Resolved by the loader; kept for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// First reported month, `YYYY-MM`.
    pub start: String,
    /// Reported months.
    pub months: u32,
    /// Months simulated before `start` and not reported.
    pub spin_up_months: u32,
    /// Months of the settling run, simulated before the spin-up at a coarser resolution; its
    /// end state seeds the initial pool and the recruiters. Optional: 0 (no settling run; the
    /// pool is drawn from `[population]` at the first simulated month).
    #[serde(default)]
    pub settle_months: u32,
    /// Persons each agent of the settling run stands for, at most; never fewer agents than
    /// that takes, never more than the run's. Optional: 1,000.
    #[serde(default = "default_settle_persons_per_agent")]
    pub settle_persons_per_agent: f64,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default = "default_replicates")]
    pub replicates: u32,
    pub population: Population,
    pub aspiration: Aspiration,
    pub offers: Offers,
    pub choice: Choice,
    pub finance: Finance,
    pub work: Work,
    pub exit: Exit,
    pub exploitation: Exploitation,
    pub captivity: Captivity,
    pub market: Market,
    pub policy: Policy,
    #[serde(rename = "district")]
    pub districts: Vec<District>,
    #[serde(rename = "location")]
    pub locations: Vec<Location>,
    #[serde(rename = "leg")]
    pub legs: Vec<Leg>,
    #[serde(rename = "route")]
    pub routes: Vec<Route>,
    #[serde(rename = "destination")]
    pub destinations: Vec<Destination>,
    #[serde(rename = "recruiter")]
    pub recruiters: Vec<RecruiterKind>,
    #[serde(rename = "lender")]
    pub lenders: Vec<Lender>,
    /// Sampling strata (run setting): groups of the population drawn more often than the rest,
    /// each agent of them standing for fewer persons. None: every agent stands for as many.
    #[serde(rename = "stratum", default, skip_serializing_if = "Vec::is_empty")]
    pub strata: Vec<Stratum>,
    /// How deaths are counted in the outputs (run setting): `expected` (default), the deaths
    /// the hazards agents faced would bring on average; `drawn`, the agents whose draw took
    /// them. Both estimate the same number; `expected` has far less sampling noise.
    #[serde(default)]
    pub deaths_estimator: DeathsEstimator,
    #[serde(rename = "event", default)]
    pub events: Vec<Event>,
    /// Observed data for validation (targets and series). Never inherited through `extends`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<super::Observed>,
}

fn default_seed() -> u64 {
    1
}
fn default_replicates() -> u32 {
    8
}
fn default_settle_persons_per_agent() -> f64 {
    1000.0
}

/// The real population the scenario stands for, and how agents are drawn from it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Persons in the pool of prospective migrants at the first simulated month.
    pub persons: f64,
    /// Persons reaching `age_min` and entering the pool each year.
    pub entries_per_year: f64,
    /// Agents simulated when `--agents` is not given.
    pub default_agents: u32,
    /// Age at which people enter the pool.
    pub age_min: u32,
    /// Age at which people leave the pool.
    pub age_max: u32,
    pub women_share: f64,
    pub skilled_share: f64,
    /// Share of households that own land they can pledge as collateral.
    pub land_share: f64,
    /// Value of pledgeable land, and the cap on what a money-lender lends against it.
    pub land_value_usd: f64,
    /// Share of people who use social media (where online offers and online campaigns arrive).
    pub online_share: f64,
    /// Median monthly household income at home.
    pub home_income_usd: f64,
    /// Log-scale spread of home income (lognormal sigma).
    pub home_income_sd_log: f64,
    /// Income multiplier for skilled people.
    pub skilled_income_factor: f64,
    /// Monthly subsistence need of a household (sustainable reintegration threshold).
    pub subsistence_usd: f64,
    /// Initial savings in months of home income.
    pub savings_months: f64,
    /// Mean of the awareness distribution (beta), in [0, 1].
    pub awareness_mean: f64,
    /// Concentration (a + b) of the awareness beta distribution.
    pub awareness_concentration: f64,
    /// Share of the pool working abroad at the first simulated month (the initial stock).
    pub initial_abroad_share: f64,
    /// Share of the initial stock that still owes, and the mean debt left of those who owe.
    pub initial_indebted_share: f64,
    pub initial_debt_usd: f64,
}

/// A sampling stratum: the persons matching every condition it gives (a person belongs to the
/// first stratum it matches; persons matching none are the rest).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Stratum {
    pub id: String,
    /// Persons of the stratum are drawn this many times as often as the rest, and each of its
    /// agents stands for this many times fewer persons: a whole number from 1 to 64; the least
    /// common multiple of all strata's must be at most 64.
    pub oversample: u32,
    /// Districts of the stratum; empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub districts: Vec<String>,
    /// Conditions on a person's traits; a trait not given is not a condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub women: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skilled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ties: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urban: Option<bool>,
}

/// Origin districts (aggregated groups of districts).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct District {
    pub id: String,
    /// Share of the pool living here; the shares are normalised.
    pub pool_share: f64,
    /// A border district next to India (cross-border offers).
    #[serde(default)]
    pub border: bool,
    /// Share of the district's people who live in towns (direct agency offers).
    pub urban_share: f64,
    /// Multiplier on home income.
    pub income_factor: f64,
    /// Share with network ties abroad.
    pub ties_share: f64,
    /// Monthly probability that an informal broker brings a seeker an offer.
    pub p_broker_offer: f64,
    /// In a border district: multiplies the cross-border offer rates of `[offers]` (how active
    /// the trafficking corridors into India are here). Default 1.
    #[serde(default = "one")]
    pub cross_border_factor: f64,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeathsEstimator {
    #[default]
    Expected,
    Drawn,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    Capital,
    Border,
    Hub,
    Destination,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub id: String,
    pub kind: LocationKind,
    /// Monthly probability that a person stranded here is drawn onto an onward route from here.
    #[serde(default)]
    pub p_onward: f64,
    /// Monthly probability that a person stranded here goes home (an undocumented return).
    #[serde(default)]
    pub p_return_stranded: f64,
    /// Monthly probability that a stranded person here is detained by immigration.
    #[serde(default)]
    pub p_detention_stranded: f64,
    /// Monthly probability of dying in immigration detention here.
    #[serde(default)]
    pub p_death_detained: f64,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Air,
    Land,
    Sea,
}

/// A directed edge between locations, with its price and hazards per traversal.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Leg {
    pub id: String,
    pub from: String,
    pub to: String,
    pub mode: Mode,
    pub legal: bool,
    /// Travel and documents for this leg, paid by the migrant.
    pub cost_usd: f64,
    /// Months the traversal takes (0: several legs in one month).
    pub months: u32,
    #[serde(default)]
    pub p_death: f64,
    /// Held for ransom or in immigration detention on this leg.
    #[serde(default)]
    pub p_detention: f64,
    #[serde(default)]
    pub detention_months: u32,
    #[serde(default)]
    pub ransom_usd: f64,
    /// Intercepted and sent back to the start of the leg, stranded there.
    #[serde(default)]
    pub p_interception: f64,
    /// Refused entry at `to`: sent back to `from`, stranded there.
    #[serde(default)]
    pub p_entry_denied: f64,
    /// The job or passage promised beyond this leg does not exist: left stranded at `from`.
    #[serde(default)]
    pub p_stranded: f64,
    /// A woman crossing this leg suffers sexual violence (counted, by sex).
    #[serde(default)]
    pub p_sexual_violence: f64,
}

/// Who a route is offered to.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum ForSex {
    #[default]
    Anyone,
    Women,
    Men,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Regular,
    VisaFraud,
    Irregular,
    CrossBorder,
}

/// A named path of legs to a destination.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub id: String,
    pub channel: Channel,
    pub destination: String,
    pub legs: Vec<String>,
    /// Median price the recruiter charges for this route (fee, visa, or smuggling price).
    pub fee_usd: f64,
    /// Log-scale spread of the price (lognormal sigma).
    #[serde(default)]
    pub fee_sd_log: f64,
    /// What one placement costs the recruiter (visa purchase, employer kickbacks): below it a
    /// capped fee does not pay.
    #[serde(default)]
    pub agency_cost_usd: f64,
    /// Relative weight with which recruiters selling it offer this route.
    #[serde(default = "one")]
    pub weight: f64,
    /// After the fee is paid, before departure: the visa is refused.
    #[serde(default)]
    pub p_visa_refused: f64,
    /// Stopped by exit immigration at the airport ("offloaded"): the fee and fare are lost.
    #[serde(default)]
    pub p_offloaded: f64,
    /// Who the route is offered to: `anyone` (default), `women` or `men`.
    #[serde(default)]
    pub sex: ForSex,
    /// A regular route with job openings of its own each month (a sector such as domestic
    /// work), apart from its destination's; absent: it shares the destination's openings.
    #[serde(default)]
    pub jobs_per_month: Option<f64>,
    /// The route's jobs pay this times the destination's wage. Default 1.
    #[serde(default = "one")]
    pub wage_factor: f64,
    /// Monthly hazard of sexual exploitation for women at work on this route who were recruited
    /// by deception or by a trafficking network, added to the destination's.
    #[serde(default)]
    pub p_sexual_exploitation: f64,
    /// An irregular route whose price includes a job waiting at the destination, without a work
    /// visa (a visit visa sold with a real employer): those who arrive start work at once.
    #[serde(default)]
    pub job_on_arrival: bool,
}

fn one() -> f64 {
    1.0
}

/// A destination's labour market.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Destination {
    /// Must also be a location of kind `destination`.
    pub id: String,
    #[serde(default)]
    pub europe: bool,
    /// Median monthly wage of a regular job.
    pub wage_usd: f64,
    pub wage_sd_log: f64,
    pub living_cost_usd: f64,
    /// Regular (work-visa) arrivals admitted per month: job openings.
    pub jobs_per_month: f64,
    /// After a closed market opens (job openings from zero to positive), its openings build up
    /// linearly over this many months: employers and the visa process take time to restart.
    #[serde(default)]
    pub ramp_months: u32,
    pub contract_months: u32,
    /// At contract end: probability of renewing rather than going home.
    pub p_renew: f64,
    /// Monthly hazards.
    pub p_wage_theft: f64,
    pub p_passport_confiscation: f64,
    pub p_job_loss: f64,
    /// Irregular workers: deportation and regularisation per month.
    pub p_deportation: f64,
    pub p_regularise: f64,
    /// Irregular arrivals: monthly probability of finding (irregular) work, and its wage factor.
    pub p_irregular_job: f64,
    pub irregular_wage_factor: f64,
    /// Whether visa-fraud arrivals hold a legal status (a real but misrepresented visa).
    #[serde(default)]
    pub visa_fraud_legal: bool,
    /// Monthly hazard of sexual exploitation for women at work here who were recruited by
    /// deception or by a trafficking network.
    #[serde(default)]
    pub p_sexual_exploitation: f64,
    /// Monthly probability that a worker leaves the job to move on by an onward route that
    /// starts here (e.g. from Serbia into the EU).
    #[serde(default)]
    pub p_move_on: f64,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RecruiterType {
    LicensedAgency,
    InformalBroker,
    FraudulentAgency,
    TraffickingNetwork,
    Smuggler,
}

/// A kind of recruiter; `count` individual recruiters of it are simulated.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecruiterKind {
    pub id: String,
    pub kind: RecruiterType,
    /// How many exist (real number, not sampled).
    pub count: u32,
    /// Persons each can place per month (brokers: persons they can bring per month). Capacities
    /// of a kind are pooled in matching.
    pub capacity_per_month: f64,
    /// Districts reached; empty means all.
    #[serde(default)]
    pub districts: Vec<String>,
    /// Routes sold (empty for brokers, who sell their principals' routes).
    #[serde(default)]
    pub routes: Vec<String>,
    /// Monthly probability of reaching a seeker directly (agencies: walk-in; networks and
    /// fraudulent agencies: online, filtered by awareness).
    #[serde(default)]
    pub p_direct_offer: f64,
    /// Weight with which brokers carry this kind's offers (0: never through a broker).
    #[serde(default)]
    pub broker_weight: f64,
    /// Multiplier on the route's price.
    #[serde(default = "one")]
    pub fee_factor: f64,
    /// Brokers: the markup added to the principal's fee.
    #[serde(default)]
    pub markup_usd: f64,
    /// Share of offers that promise more than is delivered.
    pub p_deception: f64,
    /// Promised wage over the true wage, in a deceptive offer.
    #[serde(default = "one")]
    pub promise_factor: f64,
    /// Wage delivered over the promise, in a deceptive offer that reaches a job.
    #[serde(default = "one")]
    pub deception_wage_factor: f64,
    /// Raises the destination's passport-confiscation and wage-theft hazards (1 + p_coercion × 4).
    pub p_coercion: f64,
    /// Share of the fee the recruiter advances, repaid by wage deduction.
    #[serde(default)]
    pub advance_share: f64,
    /// Once paid, the recruiter absconds or the job and visa never materialise: the attempt
    /// fails before departure and the money is lost.
    #[serde(default)]
    pub p_abscond: f64,
    /// Starting reputation, in [0, 1].
    #[serde(default = "one")]
    pub reputation_share: f64,
    /// Operates across borders (targeted by cooperation and `transnational_focus`).
    #[serde(default)]
    pub transnational: bool,
    /// Recruiters of a kind differ: each draws its own deception, coercion, price (its fee
    /// factor; a broker's markup) and capacity as the kind's value times a lognormal factor of
    /// mean 1 whose log has this standard deviation. 0: all alike. Probabilities are capped at 1.
    #[serde(default)]
    pub deception_spread: f64,
    #[serde(default)]
    pub coercion_spread: f64,
    #[serde(default)]
    pub price_spread: f64,
    #[serde(default)]
    pub capacity_spread: f64,
    /// Where the recruiters of this kind operate from: location id → share of them (shares
    /// are normalised). Empty: Bangladesh (the capital). A recruiter based abroad sells only
    /// the kind's routes that pass through, end at or start from its base.
    #[serde(default)]
    pub bases: std::collections::BTreeMap<String, f64>,
    /// Persons convicted when a recruiter of this kind is convicted (a network's members; the
    /// TIP reports count persons). Default 1.
    #[serde(default = "one")]
    pub persons: f64,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LenderType {
    Family,
    Microfinance,
    MoneyLender,
    RecruiterAdvance,
}

/// A source of credit. Seekers borrow in the order lenders are listed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lender {
    pub id: String,
    pub kind: LenderType,
    /// Yearly interest, as a fraction (0.6 = 60% a year).
    pub rate_year: f64,
    /// Largest loan. For money-lenders the loan is also capped by the land's value.
    pub cap_usd: f64,
    /// Share of households that can borrow here (a fixed property of each household).
    pub access_share: f64,
    /// Takes land as collateral, lost on default.
    #[serde(default)]
    pub collateral: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Aspiration {
    /// Monthly probability that a person at home starts seeking, before the factors below.
    pub p_base: f64,
    /// Poorer households seek more: the probability is multiplied by
    /// max(0, 1 + poverty_slope × (median income ÷ own income − 1)).
    pub poverty_slope: f64,
    /// Multiplier with network ties abroad.
    pub ties_factor: f64,
    /// Multiplier for prime working age.
    pub prime_age_min: u32,
    pub prime_age_max: u32,
    pub prime_age_factor: f64,
    /// Multiplier for women.
    pub women_factor: f64,
    /// Multiplier for a returnee still in debt from an earlier attempt.
    pub debt_factor: f64,
    /// Months a returnee stays home before seeking again.
    pub rest_months: u32,
    /// Months a seeker looks before giving up.
    pub max_seek_months: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Offers {
    /// Multipliers on licensed agencies' direct offers.
    pub skilled_factor: f64,
    pub urban_factor: f64,
    pub awareness_factor: f64,
    /// How strongly awareness filters out online offers: reach × (1 − filter × awareness).
    pub awareness_filter_share: f64,
    /// Probability of seeing through a deceptive offer at full awareness.
    pub p_see_through: f64,
    /// Cross-border offers in border districts: monthly probability for a young woman.
    pub p_cross_border_young_women: f64,
    /// The same for everyone else in border districts.
    pub p_cross_border_other: f64,
    /// The age range counted as "young" for cross-border offers.
    pub young_age_max: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Logit scale in USD: a utility gap of this size multiplies the odds by e.
    pub scale_usd: f64,
    /// Utility of staying home (USD over the horizon of the decision).
    pub stay_home_usd: f64,
    /// Months of earnings a migrant counts when judging an offer.
    pub horizon_months: u32,
    /// Value the migrant puts on avoiding death, in USD (risk cost).
    pub value_of_life_usd: f64,
    /// Share of the true risk perceived by someone with no awareness (full awareness: all).
    pub naive_risk_share: f64,
    /// Extra discount on perceived risk for an indebted, unsupported returnee (desperation).
    pub desperation_share: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Finance {
    /// Months in arrears at home before a lender forecloses on pledged land.
    pub default_months: u32,
    /// Share of a home income a household at home can put to its debt each month.
    pub home_repay_share: f64,
    /// Share of the ransom the family pays by borrowing from a money-lender (the rest from savings).
    pub ransom_borrowed_share: f64,
    /// Share of what a household still owes after `default_months` in arrears, at home or while
    /// the migrant is abroad (and after any foreclosure), that its lenders write off; the rest
    /// bears no more interest. Optional: 0 when absent (nothing written off, but the interest
    /// stops all the same).
    #[serde(default)]
    pub default_write_off_share: f64,
    /// Monthly share of a household's savings above `population.savings_months` of its income
    /// that it spends at home while no one is seeking work abroad. Optional: 0 when absent
    /// (savings are kept).
    #[serde(default)]
    pub home_spending_share: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Work {
    /// Share of the monthly surplus put to debt while abroad (the rest is remitted).
    pub repay_share: f64,
    /// Share of remittances the household saves; the rest is spent at home.
    pub saved_share: f64,
    /// Share of a month's wage withheld when wage theft strikes.
    pub wage_theft_share: f64,
    /// Probability that wages withheld last month are withheld again this month.
    pub withholding_persistence_share: f64,
    /// The placing recruiter's coercion rate raises a destination's passport-confiscation and
    /// wage-theft hazards: each is multiplied by (1 + coercion_hazard_factor × p_coercion).
    pub coercion_hazard_factor: f64,
    /// A job paying less than this share of the promised wage breaks the promise (the worker
    /// was deceived); the output contract's `promise_broken_share` uses 0.9.
    pub promise_kept_share: f64,
    /// Skilled workers' wage abroad relative to the destination's. Default 1.
    #[serde(default = "one")]
    pub skilled_wage_factor: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exit {
    /// Monthly probability that an exploited worker escapes (becomes stranded).
    pub p_escape: f64,
    /// Monthly probability that an exploited person is identified as a victim, before policy.
    pub p_identify: f64,
    /// Monthly probability that a detained person is released (ransom paid) once held
    /// `detention_months`; each extra month adds to the ransom debt.
    pub p_release: f64,
    /// Full data sharing between countries multiplies the identification of victims abroad by
    /// (1 + data_sharing_identification × policy.cooperation.data_sharing_share).
    pub data_sharing_identification: f64,
    /// Monthly probability that a victim is identified while held captive for ransom, in
    /// immigration detention, or stranded, before policy. Default 0.
    #[serde(default)]
    pub p_identify_captive: f64,
    #[serde(default)]
    pub p_identify_detained: f64,
    #[serde(default)]
    pub p_identify_stranded: f64,
    /// Joint operations in a partner location multiply the identification of people held
    /// captive or detained there by (1 + joint_operations_identification ×
    /// policy.cooperation.joint_operations_share). Default 0.
    #[serde(default)]
    pub joint_operations_identification: f64,
    /// Knowing one's rights: identification is multiplied by (1 + self_report_factor ×
    /// (awareness − population.awareness_mean)), at least 0 (victims who know where to turn
    /// report themselves). Default 0.
    #[serde(default)]
    pub self_report_factor: f64,
}

/// A condition that makes work involuntary (ILO Guidelines on measuring forced labour, 2018).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Involuntary {
    /// Deceived about the nature or conditions of the work (a broken promise).
    Deceived,
    /// Induced by debt: in debt bondage.
    DebtBondage,
    /// Work not agreed at all: put to work while held captive.
    NotAgreed,
}

/// A means of coercion or menace of a penalty (ILO 2018).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Coercion {
    PassportWithheld,
    /// Wages withheld in `withheld_wage_months` of the last `reference_months`.
    WagesWithheld,
    /// Held captive.
    Confinement,
    /// Debt manipulation: in debt bondage to the party that controls the work.
    DebtBondage,
}

/// How forced labour is measured: which indicators count, over what reference period. A person
/// is in forced labour in a month when it is at work with one involuntariness indicator and one
/// coercion indicator present.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exploitation {
    pub involuntary: Vec<Involuntary>,
    pub coercion: Vec<Coercion>,
    /// Months the coercion indicators look back on (1 to 8).
    pub reference_months: u32,
    /// Months with wages withheld, within the reference period, that make withholding coercion.
    pub withheld_wage_months: u32,
    /// Sexual exploitation hazards are this many times higher for women aged at most
    /// `offers.young_age_max`. Default 1.
    #[serde(default = "one")]
    pub young_women_factor: f64,
}

/// Monthly hazards of captivity for ransom on the way.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Captivity {
    /// The family raises and pays the ransom (the leg's `ransom_usd`).
    pub p_ransom_paid: f64,
    /// Sold to another group, which demands a ransom of its own.
    pub p_sold: f64,
    /// Put to forced work while held.
    pub p_forced_work: f64,
    pub p_death: f64,
    /// Released (or escapes) without a ransom, once the leg's `detention_months` are over.
    pub p_release_unpaid: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Monthly probability that an empty recruiter slot is taken by a new recruiter, at no
    /// unmet demand; rises with the share of demand left unmet.
    pub p_entry: f64,
    /// Unmet demand (a share of applications) multiplies entry by (1 + entry_demand_factor ×
    /// unmet share).
    pub entry_demand_factor: f64,
    /// Reputation lost per returning victim (in the recruiter's home district) per person.
    pub reputation_hit_share: f64,
    /// Monthly recovery of reputation toward its start value.
    pub reputation_recovery_share: f64,
    /// Victims traced to a recruiter raise its monthly investigation probability by this much
    /// per victim (persons).
    pub p_investigate_per_victim: f64,
    /// Monthly probability that a licensed agency reconsiders whether to comply with the fee
    /// cap (a new draw against the current deterrence); 0: it decides once, when it enters.
    #[serde(default)]
    pub p_compliance_review: f64,
    /// Deterrence: each recruiter's deception and coercion, and the entry of new recruiters,
    /// are multiplied by (expected penalty at the first simulated month ÷ expected penalty
    /// now)^elasticity, per kind and base; the expected penalty is the yearly chance of
    /// conviction × the sentence. 0: no deterrence. Default 0.
    #[serde(default)]
    pub deterrence_elasticity: f64,
    /// Investigating a recruiter leads to each recruiter it is chained to (a broker's
    /// principal, a principal's brokers) with this probability; registered brokers' chains
    /// are on record and always followed. Default 0.
    #[serde(default)]
    pub p_chain_trace: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub recruitment: Recruitment,
    pub cooperation: Cooperation,
    pub reintegration: Reintegration,
    pub awareness: Awareness,
    pub enforcement: Enforcement,
    pub finance: SafeLoan,
}

/// Recommendation 1.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Recruitment {
    /// Fee cap on licensed agencies, per route; 0 means no cap.
    pub fee_cap_usd: f64,
    /// Monthly probability that an agency charging over the cap is caught and loses its licence.
    pub p_cap_enforcement: f64,
    /// Months of profit an agency weighs against the risk of losing its licence.
    pub deterrence_months: f64,
    /// Share of informal brokers driven out or turned into registered sub-agents.
    pub broker_exit_share: f64,
    /// Share of the recruitment fee paid by the employer.
    pub employer_pays_share: f64,
    /// Share of the operating brokers registered as sub-agents of their principal: their
    /// chain is on record, so an investigation of either side always reaches the other.
    #[serde(default)]
    pub broker_registration_share: f64,
    /// Joint liability: a prosecuted broker's principal is prosecuted with it with this
    /// probability.
    #[serde(default)]
    pub joint_liability_share: f64,
    /// Licence conditions on deception, contract substitution and coercion: monthly
    /// probability that a licensed agency breaking them is caught and loses its licence. An
    /// agency complies (neither deceives nor coerces) when the risk over
    /// `deterrence_months` is drawn, as with the fee cap. 0: no such conditions enforced.
    #[serde(default)]
    pub p_licence_enforcement: f64,
    /// Programme cost: per agency inspection (fee cap and licence conditions), and per
    /// registered broker and year.
    #[serde(default)]
    pub cost_usd_per_inspection: f64,
    #[serde(default)]
    pub cost_usd_per_registered_broker_year: f64,
}

/// Recommendation 2.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cooperation {
    /// Data sharing between countries: raises identification abroad and exposes fraudulent
    /// agencies sooner.
    pub data_sharing_share: f64,
    /// Joint operations: raise investigations of transnational recruiters.
    pub joint_operations_share: f64,
    /// Share of fake visas caught by screening before departure.
    pub visa_screening_share: f64,
    /// Full data sharing multiplies investigations of fraudulent agencies and trafficking
    /// networks by (1 + data_sharing_exposure × data_sharing_share).
    pub data_sharing_exposure: f64,
    /// Partner countries (location ids) that share data and run joint operations; data
    /// sharing and joint operations act on victims located there and on recruiters based
    /// there (and on recruiters based in Bangladesh that sell routes to or through them).
    #[serde(default)]
    pub partners: Vec<String>,
    /// Programme cost per partner country and year of cooperation (when data sharing or
    /// joint operations are above 0).
    #[serde(default)]
    pub cost_usd_per_partner_year: f64,
}

/// Recommendation 3.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reintegration {
    /// Share of returnees offered support.
    pub coverage_share: f64,
    /// Psychosocial support: lowers desperate and irregular re-migration.
    pub psychosocial_share: f64,
    /// Economic support: a one-off grant, and an income uplift for `income_uplift_months`
    /// after return.
    pub economic_grant_usd: f64,
    pub income_uplift_share: f64,
    pub income_uplift_months: u32,
    /// Social support (family and community ties at home): lowers a supported returnee's monthly
    /// probability of seeking to leave again by this share.
    pub social_share: f64,
    /// Support starts at the airport (otherwise only the returnees who seek it out).
    pub from_airport: bool,
    /// Share of the returnees offered support who take it up when it does not start at the
    /// airport.
    pub late_reach_share: f64,
    /// Who is offered support: any of `deportees`, `victims` (exploited or trafficked),
    /// `indebted` (still owing at return). Empty: every returnee. Identified victims are
    /// always supported.
    #[serde(default)]
    pub target: Vec<ReintegrationTarget>,
    /// Yearly budget; 0: no limit. When the eligible returnees of last month would cost more,
    /// coverage falls to what the budget pays for.
    #[serde(default)]
    pub budget_usd_per_year: f64,
    /// Cost of the services per person supported (the grant comes on top).
    #[serde(default)]
    pub cost_usd_per_person: f64,
}

/// A group reintegration support is offered to.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReintegrationTarget {
    Deportees,
    Victims,
    Indebted,
}

/// Recommendation 4.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Awareness {
    /// Share of the target population reached per year.
    pub coverage_share: f64,
    /// Share of the awareness gap (1 − awareness) closed in a person reached.
    pub effect_share: f64,
    /// Share of the campaign delivered online (reaching social-media users).
    pub online_share: f64,
    /// Target districts; empty means all.
    #[serde(default)]
    pub districts: Vec<String>,
    /// Share of what the campaign added to a person's awareness that fades in a year
    /// (toward the population's mean). Default 0.
    #[serde(default)]
    pub decay_share_per_year: f64,
    /// Programme cost per person reached, by channel.
    #[serde(default)]
    pub cost_usd_per_person_village: f64,
    #[serde(default)]
    pub cost_usd_per_person_online: f64,
}

/// Recommendation 5.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Enforcement {
    /// Monthly probability that a recruiter is investigated, before victims and policy.
    pub p_investigation: f64,
    /// Multiplier on investigations (the status quo is 1).
    pub prosecution_intensity: f64,
    /// Share of investigations that become prosecutions.
    pub prosecution_share: f64,
    pub months_to_verdict: u32,
    pub conviction_share: f64,
    /// Extra weight on transnational recruiters: investigations × (1 + focus).
    pub transnational_focus: f64,
    /// Locations whose recruiters (by base) get extra weight: investigations × (1 +
    /// location_focus).
    #[serde(default)]
    pub focus_locations: Vec<String>,
    #[serde(default)]
    pub location_focus: f64,
    /// Recruiter entries (`[[recruiter]]` ids: brokers, agencies, networks, ...) that get extra
    /// weight: investigations × (1 + recruiter_focus).
    #[serde(default)]
    pub focus_recruiters: Vec<String>,
    #[serde(default)]
    pub recruiter_focus: f64,
    /// Years of prison a conviction brings (the penalty of deterrence). Default 5.
    #[serde(default = "five")]
    pub sentence_years: f64,
    /// Programme cost per investigation and per prosecution.
    #[serde(default)]
    pub cost_usd_per_investigation: f64,
    #[serde(default)]
    pub cost_usd_per_prosecution: f64,
}

fn five() -> f64 {
    5.0
}

/// The safe-migration loan (a companion of the fee cap).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SafeLoan {
    pub safe_loan_coverage_share: f64,
    pub safe_loan_rate_year: f64,
    pub safe_loan_cap_usd: f64,
}

/// From its month on, set each dotted path in `set` to its value. Give exactly one of `date`
/// (`YYYY-MM`, may fall in the spin-up) or `month` (1 = the first reported month).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<i64>,
    #[serde(default)]
    pub note: String,
    /// Numbers in `set` move from the value in force before the event to the new value in
    /// equal monthly steps over this many months (the last step at the event's month +
    /// phase_in_months − 1); other values change at once. 0 or 1: at once.
    #[serde(default)]
    pub phase_in_months: u32,
    pub set: toml::Table,
}
