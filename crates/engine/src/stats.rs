//! Counters the monthly step fills: the month's flows and states (`Tally`), the outcomes of
//! episodes by departure year (`EpisodeAcc`), and of returns by return year (`ReturnAcc`).
//!
//! Counts are in agents; the output layer multiplies by the weight. Each chunk of agents fills
//! its own counters, and chunks are added in chunk order, so sums do not depend on threads.

use super::agent::STATES;
use super::params::{DeathsEstimator, Params};

/// The groups every counter is kept for: sex by skill, index `woman + 2 * skilled` (see
/// `Agent::group`). A total is the sum over the four, added in this order.
pub const GROUPS: usize = 4;
/// The groups of women, of men, of the skilled and of the unskilled.
pub const WOMEN: [usize; 2] = [1, 3];
pub const MEN: [usize; 2] = [0, 2];
pub const SKILLED: [usize; 2] = [2, 3];
pub const UNSKILLED: [usize; 2] = [0, 1];

/// Months after a return within which leaving again counts as re-migration (a definition of
/// the output contract: `remigration_share`).
pub const REMIGRATION_WINDOW_MONTHS: i32 = 24;
/// Months after a return at which reintegration is judged (a definition of the output
/// contract: `reintegration_sustainable_share`).
pub const SUSTAINABILITY_CHECK_MONTHS: i32 = 12;

/// Named money accounts of the ledger. Every payment has a payer and a payee among these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum Account {
    Households = 0,
    Lenders,
    Recruiters,
    Transport,
    Employers,
    LivingCosts,
    Captors,
    Grants,
    HomeEconomy,
    /// Money that enters or leaves with people entering or leaving the pool.
    PoolBoundary,
}
pub const ACCOUNTS: usize = 10;

/// One month's flows, in agents (money in USD per agent).
#[derive(Clone, Debug)]
pub struct Tally {
    pub states: [u32; STATES],
    pub entered: u32,
    pub exited: u32,
    /// By channel (regular, visa_fraud, irregular, cross_border).
    pub departures: [u32; 4],
    /// Registered departures by destination.
    pub registered_by_dest: Vec<u32>,
    /// Arrivals by destination, all channels.
    pub arrivals: Vec<u32>,
    /// Arrivals by destination whose last leg was by sea.
    pub sea_arrivals: Vec<u32>,
    /// Arrivals by the route they came on (which locations they passed: `RouteP::via`).
    pub arrivals_by_route: Vec<u32>,
    pub deaths: u32,
    pub sea_deaths: u32,
    /// The deaths expected from the death hazards agents faced this month (the sum of each
    /// hazard's probability, whether or not the draw then took the agent), at sea and in
    /// captivity too, in units of 2^-24 of an agent (`Stream::chance_units`). They estimate the
    /// same number as the deaths drawn, with less sampling noise (see `deaths_estimator`).
    pub deaths_expected: u64,
    pub sea_deaths_expected: u64,
    pub captive_deaths_expected: u64,
    pub sea_attempts: u32,
    pub detentions: u32,
    pub entry_refusals: u32,
    pub deportations: u32,
    pub returns: u32,
    pub undocumented_returns: u32,
    /// Returns home by the destination they came back from (returns from a hub or on the way
    /// are in `returns` only).
    pub returns_by_dest: Vec<u32>,
    /// People who became stranded (no work, no way on), by the location where it happened.
    pub stranded_by_location: Vec<u32>,
    /// Women who suffered sexual violence crossing a leg.
    pub sexual_violence: u32,
    pub new_debt_bondage: u32,
    pub new_forced_labour: u32,
    pub new_trafficked: u32,
    /// Persons in forced labour, and in debt bondage, this month (point prevalence).
    pub in_forced_labour: u32,
    pub in_debt_bondage: u32,
    /// Irregular departures through smugglers.
    pub smuggled: u32,
    /// Onward irregular departures (stranded people drawn on, workers moving on), by the
    /// location they left from.
    pub onward_by_location: Vec<u32>,
    /// Taken captive for ransom on a leg; sold on from one captor to another; died while held.
    pub held_for_ransom: u32,
    pub sold: u32,
    pub captive_deaths: u32,
    /// Ransom paid by families, USD per agent.
    pub ransom_paid: f64,
    pub identified: u32,
    /// Victims identified by where they were (`exit::Place`: working, captive, detained,
    /// stranded).
    pub identified_by_place: [u32; 4],
    /// People the awareness campaign reached this month, in villages and online.
    pub reached_village: u32,
    pub reached_online: u32,
    /// Returnees offered reintegration support under its targeting (before the budget), and
    /// those supported.
    pub eligible: u32,
    pub supported: u32,
    pub remittances: f64,
    pub debt_sum: f64,
    pub debtors: u32,
    /// Net transfers between accounts: `ledger[a]` is money received by a minus money paid.
    pub ledger: [f64; ACCOUNTS],
    /// Households' change in net worth as seen on the agents themselves.
    pub net_worth_change: f64,
}

impl Tally {
    /// Empty counters sized for the scenario's destinations and routes.
    pub fn new(p: &Params) -> Self {
        Tally::sized(p.dests.len(), p.routes.len(), p.locations.len())
    }

    /// The counters of every group, for a scenario.
    pub fn groups(p: &Params) -> Vec<Tally> {
        (0..GROUPS).map(|_| Tally::new(p)).collect()
    }

    /// The sum of `groups`, added in group order.
    pub fn total(groups: &[Tally]) -> Tally {
        let mut t = groups[0].clone();
        for g in &groups[1..] {
            t.add(g);
        }
        t
    }

    pub fn sized(dests: usize, routes: usize, locations: usize) -> Self {
        Tally {
            states: [0; STATES],
            entered: 0,
            exited: 0,
            departures: [0; 4],
            registered_by_dest: vec![0; dests],
            arrivals: vec![0; dests],
            sea_arrivals: vec![0; dests],
            arrivals_by_route: vec![0; routes],
            deaths: 0,
            sea_deaths: 0,
            deaths_expected: 0,
            sea_deaths_expected: 0,
            captive_deaths_expected: 0,
            sea_attempts: 0,
            detentions: 0,
            entry_refusals: 0,
            deportations: 0,
            returns: 0,
            undocumented_returns: 0,
            returns_by_dest: vec![0; dests],
            stranded_by_location: vec![0; locations],
            sexual_violence: 0,
            new_debt_bondage: 0,
            new_forced_labour: 0,
            new_trafficked: 0,
            in_forced_labour: 0,
            in_debt_bondage: 0,
            smuggled: 0,
            onward_by_location: vec![0; locations],
            held_for_ransom: 0,
            sold: 0,
            captive_deaths: 0,
            ransom_paid: 0.0,
            identified: 0,
            identified_by_place: [0; 4],
            reached_village: 0,
            reached_online: 0,
            eligible: 0,
            supported: 0,
            remittances: 0.0,
            debt_sum: 0.0,
            debtors: 0,
            ledger: [0.0; ACCOUNTS],
            net_worth_change: 0.0,
        }
    }

    /// Zero every counter, keeping the sizes (and the memory).
    pub fn clear(&mut self) {
        let mut v = std::mem::take(&mut self.registered_by_dest);
        let mut a = std::mem::take(&mut self.arrivals);
        let mut s = std::mem::take(&mut self.sea_arrivals);
        let mut r = std::mem::take(&mut self.arrivals_by_route);
        let mut rd = std::mem::take(&mut self.returns_by_dest);
        let mut sl = std::mem::take(&mut self.stranded_by_location);
        let mut ol = std::mem::take(&mut self.onward_by_location);
        for x in [&mut v, &mut a, &mut s, &mut r, &mut rd, &mut sl, &mut ol] {
            x.iter_mut().for_each(|c| *c = 0);
        }
        *self = Tally {
            registered_by_dest: v,
            arrivals: a,
            sea_arrivals: s,
            arrivals_by_route: r,
            returns_by_dest: rd,
            stranded_by_location: sl,
            onward_by_location: ol,
            ..Tally::sized(0, 0, 0)
        };
    }

    /// Record a payment.
    #[inline(always)]
    pub fn pay(&mut self, from: Account, to: Account, amount: f32) {
        let a = amount as f64;
        self.ledger[from as usize] -= a;
        self.ledger[to as usize] += a;
    }

    pub fn add(&mut self, o: &Tally) {
        self.add_times(o, 1);
    }

    /// Add `k` times `o`: the counters of agents who each stand for `k` units of weight
    /// (`Params::units`). With `k = 1` this is a plain sum, to the bit.
    pub fn add_times(&mut self, o: &Tally, k: u32) {
        let kf = k as f64;
        for i in 0..STATES {
            self.states[i] += o.states[i] * k;
        }
        self.entered += o.entered * k;
        self.exited += o.exited * k;
        for i in 0..4 {
            self.departures[i] += o.departures[i] * k;
        }
        for (mine, theirs) in [
            (&mut self.registered_by_dest, &o.registered_by_dest),
            (&mut self.arrivals, &o.arrivals),
            (&mut self.sea_arrivals, &o.sea_arrivals),
            (&mut self.arrivals_by_route, &o.arrivals_by_route),
            (&mut self.returns_by_dest, &o.returns_by_dest),
            (&mut self.stranded_by_location, &o.stranded_by_location),
            (&mut self.onward_by_location, &o.onward_by_location),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b * k;
            }
        }
        self.sexual_violence += o.sexual_violence * k;
        self.deaths += o.deaths * k;
        self.sea_deaths += o.sea_deaths * k;
        self.deaths_expected += o.deaths_expected * k as u64;
        self.sea_deaths_expected += o.sea_deaths_expected * k as u64;
        self.captive_deaths_expected += o.captive_deaths_expected * k as u64;
        self.sea_attempts += o.sea_attempts * k;
        self.detentions += o.detentions * k;
        self.entry_refusals += o.entry_refusals * k;
        self.deportations += o.deportations * k;
        self.returns += o.returns * k;
        self.undocumented_returns += o.undocumented_returns * k;
        self.new_debt_bondage += o.new_debt_bondage * k;
        self.new_forced_labour += o.new_forced_labour * k;
        self.new_trafficked += o.new_trafficked * k;
        self.in_forced_labour += o.in_forced_labour * k;
        self.in_debt_bondage += o.in_debt_bondage * k;
        self.smuggled += o.smuggled * k;
        self.held_for_ransom += o.held_for_ransom * k;
        self.sold += o.sold * k;
        self.captive_deaths += o.captive_deaths * k;
        self.ransom_paid += o.ransom_paid * kf;
        self.identified += o.identified * k;
        for (a, b) in self
            .identified_by_place
            .iter_mut()
            .zip(&o.identified_by_place)
        {
            *a += b * k;
        }
        self.reached_village += o.reached_village * k;
        self.reached_online += o.reached_online * k;
        self.eligible += o.eligible * k;
        self.supported += o.supported * k;
        self.remittances += o.remittances * kf;
        self.debt_sum += o.debt_sum * kf;
        self.debtors += o.debtors * k;
        for i in 0..ACCOUNTS {
            self.ledger[i] += o.ledger[i] * kf;
        }
        self.net_worth_change += o.net_worth_change * kf;
    }

    pub fn population(&self) -> u32 {
        self.states[1..].iter().sum()
    }

    pub fn registered(&self) -> u32 {
        self.departures[0] + self.departures[1]
    }

    /// Deaths, in agents, as `how` counts them.
    pub fn deaths(&self, how: DeathsEstimator) -> f64 {
        deaths(how, self.deaths, self.deaths_expected)
    }

    /// Deaths at sea, in agents, as `how` counts them.
    pub fn sea_deaths(&self, how: DeathsEstimator) -> f64 {
        deaths(how, self.sea_deaths, self.sea_deaths_expected)
    }

    /// Deaths in captivity, in agents, as `how` counts them.
    pub fn captive_deaths(&self, how: DeathsEstimator) -> f64 {
        deaths(how, self.captive_deaths, self.captive_deaths_expected)
    }
}

/// Units of an expected count in one agent (`Stream::chance_units`).
pub const EXPECTED_UNITS: f64 = 16_777_216.0;

/// A count of deaths in agents: the drawn one, or the expected one.
fn deaths(how: DeathsEstimator, drawn: u32, expected: u64) -> f64 {
    match how {
        DeathsEstimator::Drawn => drawn as f64,
        DeathsEstimator::Expected => expected as f64 / EXPECTED_UNITS,
    }
}

/// Outcomes of the episodes that departed in one reported year, followed to the horizon.
#[derive(Clone, Debug, Default)]
pub struct EpisodeAcc {
    pub departures: [u32; 4],
    pub registered: u32,
    pub registered_cost: f64,
    pub registered_borrowed: u32,
    pub registered_broker: u32,
    /// Registered departures that reached paid work: their cost and first full wage.
    pub paid_count: u32,
    pub paid_cost: f64,
    pub paid_first_wage: f64,
    pub irregular_europe: u32,
    pub irregular_europe_cost: f64,
    pub visa_fraud_cost: f64,
    pub borrowed: u32,
    pub collateral_lost: u32,
    pub repaid: u32,
    pub months_to_repay: f64,
    pub debt_bondage: u32,
    pub debt_trap: u32,
    pub forced_labour: u32,
    pub trafficked: u32,
    /// Trafficked by the episode's channel, and by the recruiter kind that recruited them
    /// (index of the kind).
    pub trafficked_by_channel: [u32; 4],
    pub trafficked_by_kind: Vec<u32>,
    /// Trafficked persons by the base location of their recruiter.
    pub trafficked_by_base: Vec<u32>,
    /// Departures by the kind of their recruiter, and those recruited by a deceptive offer.
    pub departed_by_kind: Vec<u32>,
    pub deceived_by_kind: Vec<u32>,
    pub trafficked_bd_law: u32,
    pub arrived: u32,
    pub promise_broken: u32,
    pub failed: u32,
    pub irregular_deaths: u32,
    /// The deaths expected of irregular episodes (see `Tally::deaths_expected`).
    pub irregular_deaths_expected: u64,
    pub irregular_detained: u32,
    /// Attempts that failed before departure (counted in the year of the payment, which is
    /// the year the attempt would have departed), the money they lost, and those of them
    /// stopped at the airport.
    pub failed_before_departure: u32,
    pub lost_before_departure: f64,
    pub offloaded: u32,
}

impl EpisodeAcc {
    /// Empty outcomes for a scenario with `kinds` recruiter kinds.
    pub fn new(kinds: usize, locations: usize) -> Self {
        EpisodeAcc {
            trafficked_by_kind: vec![0; kinds],
            trafficked_by_base: vec![0; locations],
            departed_by_kind: vec![0; kinds],
            deceived_by_kind: vec![0; kinds],
            ..Default::default()
        }
    }

    pub fn add(&mut self, o: &EpisodeAcc) {
        self.add_times(o, 1);
    }

    /// Deaths of irregular episodes, in agents, as `how` counts them.
    pub fn irregular_deaths(&self, how: DeathsEstimator) -> f64 {
        deaths(how, self.irregular_deaths, self.irregular_deaths_expected)
    }

    /// Add `k` times `o` (see `Tally::add_times`).
    pub fn add_times(&mut self, o: &EpisodeAcc, k: u32) {
        let kf = k as f64;
        for i in 0..4 {
            self.departures[i] += o.departures[i] * k;
        }
        self.registered += o.registered * k;
        self.registered_cost += o.registered_cost * kf;
        self.registered_borrowed += o.registered_borrowed * k;
        self.registered_broker += o.registered_broker * k;
        self.paid_count += o.paid_count * k;
        self.paid_cost += o.paid_cost * kf;
        self.paid_first_wage += o.paid_first_wage * kf;
        self.irregular_europe += o.irregular_europe * k;
        self.irregular_europe_cost += o.irregular_europe_cost * kf;
        self.visa_fraud_cost += o.visa_fraud_cost * kf;
        self.borrowed += o.borrowed * k;
        self.collateral_lost += o.collateral_lost * k;
        self.repaid += o.repaid * k;
        self.months_to_repay += o.months_to_repay * kf;
        self.debt_bondage += o.debt_bondage * k;
        self.debt_trap += o.debt_trap * k;
        self.forced_labour += o.forced_labour * k;
        self.trafficked += o.trafficked * k;
        for i in 0..4 {
            self.trafficked_by_channel[i] += o.trafficked_by_channel[i] * k;
        }
        if self.trafficked_by_kind.len() < o.trafficked_by_kind.len() {
            self.trafficked_by_kind
                .resize(o.trafficked_by_kind.len(), 0);
        }
        for (a, b) in self
            .trafficked_by_kind
            .iter_mut()
            .zip(&o.trafficked_by_kind)
        {
            *a += b * k;
        }
        for (a, b) in [
            (&mut self.trafficked_by_base, &o.trafficked_by_base),
            (&mut self.departed_by_kind, &o.departed_by_kind),
            (&mut self.deceived_by_kind, &o.deceived_by_kind),
        ] {
            if a.len() < b.len() {
                a.resize(b.len(), 0);
            }
            for (x, y) in a.iter_mut().zip(b) {
                *x += y * k;
            }
        }
        self.trafficked_bd_law += o.trafficked_bd_law * k;
        self.arrived += o.arrived * k;
        self.promise_broken += o.promise_broken * k;
        self.failed += o.failed * k;
        self.irregular_deaths += o.irregular_deaths * k;
        self.irregular_deaths_expected += o.irregular_deaths_expected * k as u64;
        self.irregular_detained += o.irregular_detained * k;
        self.failed_before_departure += o.failed_before_departure * k;
        self.lost_before_departure += o.lost_before_departure * kf;
        self.offloaded += o.offloaded * k;
    }
}

/// Outcomes of the returns of one reported year.
#[derive(Clone, Debug, Default)]
pub struct ReturnAcc {
    pub returns: u32,
    pub in_debt: u32,
    /// Returns followed for 24 months, and those of them who left again (any channel, and
    /// irregular or cross-border).
    pub followed_24: u32,
    pub remigrated: u32,
    pub remigrated_irregular: u32,
    /// Returns followed for 12 months, and those of them sustainably reintegrated.
    pub followed_12: u32,
    pub sustainable: u32,
}

impl ReturnAcc {
    pub fn add(&mut self, o: &ReturnAcc) {
        self.add_times(o, 1);
    }

    /// Add `k` times `o` (see `Tally::add_times`).
    pub fn add_times(&mut self, o: &ReturnAcc, k: u32) {
        self.returns += o.returns * k;
        self.in_debt += o.in_debt * k;
        self.followed_24 += o.followed_24 * k;
        self.remigrated += o.remigrated * k;
        self.remigrated_irregular += o.remigrated_irregular * k;
        self.followed_12 += o.followed_12 * k;
        self.sustainable += o.sustainable * k;
    }
}

/// Per-chunk accumulators that persist over the run: episode and return outcomes by year, each
/// for every cell (`[year][cell]`, `Agent::cell`: the group, and the sampling stratum). The
/// outcomes of a replicate are collapsed to the groups (`[year][group]`), each stratum's counts
/// times its units of weight.
#[derive(Clone, Debug, Default)]
pub struct Outcomes {
    pub episodes: Vec<Vec<EpisodeAcc>>,
    pub returns: Vec<Vec<ReturnAcc>>,
}

impl Outcomes {
    /// Empty outcomes for `years` reported years and `cells` cells (`GROUPS` times the strata).
    pub fn new(years: usize, kinds: usize, locations: usize, cells: usize) -> Self {
        Outcomes {
            episodes: vec![vec![EpisodeAcc::new(kinds, locations); cells]; years],
            returns: vec![vec![ReturnAcc::default(); cells]; years],
        }
    }

    /// Add a chunk's outcomes by cell into these by group: cell `c` counts `units[c / GROUPS]`
    /// times into group `c % GROUPS`.
    pub fn add_cells(&mut self, o: &Outcomes, units: &[u32]) {
        for (a, b) in self.episodes.iter_mut().zip(&o.episodes) {
            for (c, y) in b.iter().enumerate() {
                a[c % GROUPS].add_times(y, units[c / GROUPS]);
            }
        }
        for (a, b) in self.returns.iter_mut().zip(&o.returns) {
            for (c, y) in b.iter().enumerate() {
                a[c % GROUPS].add_times(y, units[c / GROUPS]);
            }
        }
    }
}
