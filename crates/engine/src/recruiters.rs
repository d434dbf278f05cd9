//! The recruiters: individual agents of each kind. Each draws its own deception, coercion, price
//! and capacity around its kind's values, operates from a base (a location), keeps a reputation
//! per district, complies or not with the fee cap and the licence conditions, and has an
//! enforcement state. A broker works for one principal (an agency, fraudulent agency, network or
//! smuggler reaching its district): the chain is recorded both ways. Counts and capacities are
//! real numbers: recruiters are never sampled; a migrant agent uses up `weight` places of
//! capacity.

use super::params::RecruiterType;
use super::params::{Ix, Params};
use super::rng::{Purpose, RunKey, Stream, entity};

mod clocks;
mod operating;
pub use operating::Books;

/// No principal: not a broker, or a broker with no principal operating in its district.
pub const NO_PRINCIPAL: u32 = u32::MAX;
use super::{OutOfMemory, try_filled, try_vec};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    /// Under prosecution; keeps operating until the verdict (in month `verdict`).
    Prosecuted,
    /// Convicted, lost its licence, or never filled: an empty slot a new recruiter may take.
    Closed,
}

#[derive(Clone, Debug)]
pub struct Recruiters {
    pub kind: Vec<Ix>,
    /// Changed only through `set_status` and `enter`, which record it for the books.
    pub status: Vec<Status>,
    /// The month of a prosecuted recruiter's verdict (in the months enforcement is called with,
    /// see `clocks.rs`); set by `await_verdict`.
    pub verdict: Vec<i32>,
    /// Home district of a broker (brokers work in one district); 255 for others.
    pub home: Vec<Option<Ix>>,
    /// Each recruiter's fixed draw in [0, 1) for compliance with the fee cap: it complies while
    /// the draw is under the epoch's `p_comply`, so a cap enforced from a date on is obeyed from
    /// then on by the agencies it deters. Changed only through `enter` and `review_compliance`.
    pub comply_draw: Vec<f32>,
    /// Each recruiter's own factors on its kind's deception, coercion, price (fee factor; a
    /// broker's markup) and capacity.
    pub deception: Vec<f32>,
    pub coercion: Vec<f32>,
    pub price: Vec<f32>,
    pub capacity: Vec<f32>,
    /// Index into its kind's `bases` of the location it operates from.
    pub base: Vec<u8>,
    /// A broker's principal (a recruiter id); `NO_PRINCIPAL` for others, or while a broker has
    /// none operating in its district. Changed only through `find_principal`.
    pub principal: Vec<u32>,
    /// The same links read the other way: each recruiter's brokers, in id order, for following
    /// a prosecuted principal's chain and for finding the brokers a closing principal leaves.
    brokers: Vec<Vec<u32>>,
    /// Fixed draw in [0, 1): an agency complies with the licence conditions while it is under
    /// the epoch's `p_comply_licence`.
    pub ethics_draw: Vec<f32>,
    /// Each recruiter's deception and coercion this month (`p_deception`, `p_coercion`), worked
    /// out once a month by `refresh` for the agents' phases.
    pub deception_now: Vec<f32>,
    pub coercion_now: Vec<f32>,
    /// What `deception_now` and `coercion_now` were last worked out under besides each
    /// recruiter's own traits (see `refresh_basis`), and the recruiters that have drawn new
    /// traits since (entrants): only those need working out again while the rest is unchanged.
    refresh_basis: Vec<u32>,
    redrawn: Vec<u32>,
    /// Reputation in each district, `d * recruiters + r`: by district, so that the brokers of a
    /// district (consecutive ids) have theirs side by side, which the seekers' offers read.
    pub reputation: Vec<f32>,
    /// Victims traced to each recruiter this month (agents).
    pub victims: Vec<u32>,
    /// First recruiter id of each kind, and one past the last.
    pub kind_start: Vec<u32>,
    /// Active recruiters of each kind that reach each district: `[kind * districts + d]`.
    pub reach: Vec<Vec<u32>>,
    /// All places (open or closed) of each kind in each district, same indexing.
    pub slots: Vec<u32>,
    pub districts: usize,
    /// Each recruiter's fixed draws under `draws_key` that the monthly loops read: whether a
    /// broker is driven out (`Market` 1) and registered (`Market` 3), kept so that those loops
    /// do not hash them again for every recruiter; drawn again only when the key changes (the
    /// settling run has a key of its own).
    exit_draw: Vec<f32>,
    registration_draw: Vec<f32>,
    draws_key: RunKey,
    /// Recruiters that opened or closed, entered, or reviewed their compliance since the reach
    /// lists and books were last brought up to date (`rebuild_reach`): all that can change
    /// them besides the key and the parameters. In order, possibly more than once.
    changed: Vec<u32>,
    books: Books,
    /// For `replace_lost_principals`: the recruiters recorded in `changed` since it last ran,
    /// whether it must look at every broker (the lists were rebuilt from scratch since), and
    /// the brokers it left without a principal (they look again every month).
    unchecked: Vec<u32>,
    check_all_principals: bool,
    orphans: Vec<u32>,
    /// Recruiters whose reputations may still move when they recover (`recover_reputations`),
    /// in no particular order, and a flag per recruiter for membership. The others' are at the
    /// point where a month's recovery changes nothing (their kind's starting value, or a value
    /// so close that the step rounds away), and stay there until a victim is traced to them
    /// or they are replaced: most recruiters, so a month need not visit every reputation.
    recovering: Vec<u32>,
    is_recovering: Vec<bool>,
    /// What the recovery depends on besides the reputations (the monthly share and each kind's
    /// starting value, as bits), when `recovering` was last checked: if it changes, every
    /// recruiter may move again.
    recovery_basis: Vec<u32>,
    /// Each clocked recruiter's month of next investigation at its steady rate (`clocks.rs`).
    clocks: clocks::Clocks,
    /// A bit per recruiter, set while it is closed: enforcement looks at each of them every
    /// month (a new recruiter may take the place).
    pub closed: Vec<u64>,
}

impl Recruiters {
    /// Create every recruiter of every kind. Brokers are spread over districts by pool share.
    pub fn new(p: &Params, key: RunKey) -> Result<Recruiters, OutOfMemory> {
        let nd = p.districts.len();
        let total: usize = p.kinds.iter().map(|k| k.count as usize).sum();
        let mut r = Recruiters {
            kind: try_vec(total, "the recruiters")?,
            status: try_vec(total, "the recruiters")?,
            verdict: try_filled(total, 0, "the recruiters")?,
            home: try_vec(total, "the recruiters")?,
            comply_draw: try_vec(total, "the recruiters")?,
            deception: try_vec(total, "the recruiters")?,
            coercion: try_vec(total, "the recruiters")?,
            price: try_vec(total, "the recruiters")?,
            capacity: try_vec(total, "the recruiters")?,
            base: try_vec(total, "the recruiters")?,
            principal: try_filled(total, NO_PRINCIPAL, "the recruiters")?,
            brokers: try_filled(total, Vec::new(), "the recruiters' brokers")?,
            ethics_draw: try_vec(total, "the recruiters")?,
            deception_now: try_filled(total, 0.0, "the recruiters")?,
            coercion_now: try_filled(total, 0.0, "the recruiters")?,
            reputation: try_vec(
                total.saturating_mul(nd),
                "the recruiters' reputations by district",
            )?,
            victims: try_filled(total, 0, "the recruiters")?,
            kind_start: Vec::with_capacity(p.kinds.len() + 1),
            reach: try_filled(p.kinds.len() * nd, Vec::new(), "the recruiters' reach")?,
            slots: try_filled(p.kinds.len() * nd, 0, "the recruiters' reach")?,
            districts: nd,
            exit_draw: try_filled(total, 0.0, "the recruiters")?,
            registration_draw: try_filled(total, 0.0, "the recruiters")?,
            draws_key: key,
            refresh_basis: Vec::new(),
            redrawn: Vec::new(),
            changed: Vec::new(),
            books: Books::default(),
            unchecked: Vec::new(),
            check_all_principals: true,
            orphans: Vec::new(),
            recovering: try_vec(total, "the recruiters")?,
            is_recovering: try_filled(total, false, "the recruiters")?,
            recovery_basis: Vec::new(),
            clocks: clocks::Clocks::default(),
            closed: try_filled(total.div_ceil(64), 0, "the recruiters")?,
        };
        for (k, kind) in p.kinds.iter().enumerate() {
            r.kind_start.push(r.kind.len() as u32);
            // The districts this kind may work in (all, unless the scenario lists some).
            let allowed: Vec<Ix> = if kind.districts.is_empty() {
                (0..nd).map(|d| d as Ix).collect()
            } else {
                kind.districts.clone()
            };
            let share_sum: f32 = allowed
                .iter()
                .map(|&d| p.districts[d as usize].pool_share)
                .sum();
            for j in 0..kind.count {
                let id = r.kind.len() as u64;
                r.kind.push(k as Ix);
                r.status.push(Status::Active);
                let home = if kind.kind == RecruiterType::InformalBroker {
                    // Spread brokers over the districts they may work in, by pool share.
                    let x = (j as f32 + 0.5) / kind.count as f32 * share_sum;
                    let mut acc = 0.0;
                    let mut home: Ix = 0;
                    for &d in &allowed {
                        acc += p.districts[d as usize].pool_share;
                        home = d;
                        if x < acc {
                            break;
                        }
                    }
                    Some(home)
                } else {
                    None
                };
                r.home.push(home);
                r.comply_draw
                    .push(key.fixed(entity::recruiter(id as usize), Purpose::Market, 0));
                r.ethics_draw
                    .push(key.fixed(entity::recruiter(id as usize), Purpose::Market, 4));
                // Bases are spread over the kind's recruiters by share, like brokers over
                // districts.
                let x = (j as f32 + 0.5) / kind.count as f32;
                let mut acc = 0.0;
                let mut base = 0;
                for (b, &(_, share)) in kind.bases.iter().enumerate() {
                    acc += share;
                    base = b;
                    if x < acc {
                        break;
                    }
                }
                r.base.push(base as u8);
                r.deception.push(0.0);
                r.coercion.push(0.0);
                r.price.push(1.0);
                r.capacity.push(0.0);
                let mut rng =
                    key.stream(entity::recruiter(id as usize), u32::MAX, Purpose::Market, 5);
                r.draw_traits(p, id as usize, &mut rng);
            }
        }
        r.kind_start.push(r.kind.len() as u32);
        for _ in 0..nd {
            r.reputation
                .extend(r.kind.iter().map(|&k| p.kinds[k as usize].reputation));
        }
        r.draw_fixed(key);
        let mut slots = std::mem::take(&mut r.slots);
        for id in 0..r.len() {
            r.for_each_district(p, id, |slot| slots[slot] += 1);
        }
        r.slots = slots;
        r.rebuild_reach(p, key);
        for b in 0..r.len() {
            if p.kinds[r.kind[b] as usize].kind == RecruiterType::InformalBroker {
                let mut rng = key.stream(entity::recruiter(b), u32::MAX, Purpose::Market, 6);
                r.find_principal(p, b, &mut rng);
            }
        }
        Ok(r)
    }

    /// Take every recruiter's fixed draws under `key` (see `exit_draw`).
    fn draw_fixed(&mut self, key: RunKey) {
        self.draws_key = key;
        for r in 0..self.len() {
            self.exit_draw[r] = key.fixed(entity::recruiter(r), Purpose::Market, 1);
            self.registration_draw[r] = key.fixed(entity::recruiter(r), Purpose::Market, 3);
        }
    }

    /// Keep the fixed draws of `key`, the key the monthly loops will pass (a no-op if they are
    /// those already).
    pub fn use_key(&mut self, key: RunKey) {
        if key != self.draws_key {
            self.draw_fixed(key);
        }
    }

    /// Draw recruiter `r`'s own deception, coercion, price and capacity around its kind's.
    fn draw_traits(&mut self, p: &Params, r: usize, rng: &mut Stream) {
        let kind = &p.kinds[self.kind[r] as usize];
        let mut factor = |sd: f32| rng.lognormal((-0.5 * sd * sd).exp(), sd);
        self.deception[r] = (kind.p_deception * factor(kind.deception_spread)).min(1.0);
        self.coercion[r] = (kind.p_coercion * factor(kind.coercion_spread)).min(1.0);
        self.price[r] = factor(kind.price_spread);
        self.capacity[r] = kind.capacity * factor(kind.capacity_spread);
    }

    /// A new recruiter takes closed place `r`: it opens, and draws its own compliance, licence
    /// ethics and traits from `rng` (in that order); its reputations start at its kind's value.
    pub fn enter(&mut self, p: &Params, r: usize, rng: &mut Stream) {
        self.status[r] = Status::Active;
        self.closed[r / 64] &= !(1 << (r % 64));
        self.comply_draw[r] = rng.uniform();
        self.ethics_draw[r] = rng.uniform();
        self.draw_traits(p, r, rng);
        self.redrawn.push(r as u32);
        self.changed.push(r as u32);
        let start = p.kinds[self.kind[r] as usize].reputation;
        let nd = self.districts;
        let n = self.len();
        for d in 0..nd {
            self.reputation[d * n + r] = start;
        }
        self.mark_recovering(r);
    }

    /// Set recruiter `r`'s enforcement status.
    pub fn set_status(&mut self, r: usize, status: Status) {
        if (self.status[r] == Status::Closed) != (status == Status::Closed) {
            self.changed.push(r as u32);
        }
        self.status[r] = status;
        let bit = 1 << (r % 64);
        if status != Status::Closed {
            self.closed[r / 64] &= !bit;
        } else {
            self.closed[r / 64] |= bit;
        }
    }

    /// Recruiter `r` reconsiders its compliance with the fee cap, with a new draw.
    pub fn review_compliance(&mut self, r: usize, draw: f32) {
        self.comply_draw[r] = draw;
        self.changed.push(r as u32);
    }

    /// A victim traced to recruiter `r` from district `d` costs it `hit` of its reputation
    /// there (never below zero).
    pub fn hurt_reputation(&mut self, r: usize, d: usize, hit: f32) {
        let n = self.len();
        let x = &mut self.reputation[d * n + r];
        *x = (*x - hit).max(0.0);
        self.mark_recovering(r);
    }

    fn mark_recovering(&mut self, r: usize) {
        if !self.is_recovering[r] {
            self.is_recovering[r] = true;
            self.recovering.push(r as u32);
        }
    }

    /// A month's recovery of every reputation: each moves `reputation_recovery_share` of the way
    /// back to its kind's starting value. Only the recruiters that may still move are visited
    /// (`recovering`); one whose reputations this step leaves exactly as they were is dropped
    /// from them, since the same step would leave them so again.
    pub fn recover_reputations(&mut self, p: &Params) {
        let share = p.market.reputation_recovery_share;
        let basis_now =
            std::iter::once(share.to_bits()).chain(p.kinds.iter().map(|k| k.reputation.to_bits()));
        if !self.recovery_basis.iter().copied().eq(basis_now.clone()) {
            self.recovery_basis = basis_now.collect();
            self.recovering.clear();
            self.recovering.extend(0..self.len() as u32);
            self.is_recovering.fill(true);
        }
        let (nd, n) = (self.districts, self.len());
        let mut recovering = std::mem::take(&mut self.recovering);
        recovering.retain(|&r| {
            let r = r as usize;
            let start = p.kinds[self.kind[r] as usize].reputation;
            let mut moved = false;
            for d in 0..nd {
                let x = &mut self.reputation[d * n + r];
                let y = *x + share * (start - *x);
                moved |= y.to_bits() != x.to_bits();
                *x = y;
            }
            self.is_recovering[r] = moved;
            moved
        });
        self.recovering = recovering;
    }

    /// A broker takes a principal: a recruiter of a kind drawn by the brokers' weights, among
    /// those operating in the broker's district (none if there is none).
    pub fn find_principal(&mut self, p: &Params, b: usize, rng: &mut Stream) {
        let mut principal = NO_PRINCIPAL;
        if let Some(home) = self.home[b]
            && let Some(k) = rng.pick(&p.broker_principal_weights)
        {
            let list = &self.reach[k * self.districts + home as usize];
            if !list.is_empty() {
                principal = list[rng.below(list.len())];
            }
        }
        let old = self.principal[b];
        if old != principal {
            let b = b as u32;
            if old != NO_PRINCIPAL {
                let brokers = &mut self.brokers[old as usize];
                if let Ok(i) = brokers.binary_search(&b) {
                    brokers.remove(i);
                }
            }
            if principal != NO_PRINCIPAL {
                let brokers = &mut self.brokers[principal as usize];
                if let Err(i) = brokers.binary_search(&b) {
                    brokers.insert(i, b);
                }
            }
        }
        self.principal[b] = principal;
    }

    /// The brokers working for recruiter `r` (whose principal it is), in id order.
    #[inline]
    pub fn brokers_of(&self, r: usize) -> &[u32] {
        &self.brokers[r]
    }

    /// Location recruiter `r` operates from.
    #[inline]
    pub fn base_location(&self, p: &Params, r: usize) -> Ix {
        p.kinds[self.kind[r] as usize].bases[self.base[r] as usize].0
    }

    /// Deterrence factor of recruiter `r`'s kind and base this epoch.
    #[inline]
    pub fn deterrence(&self, p: &Params, r: usize) -> f32 {
        let k = self.kind[r] as usize;
        p.deterrence[k * p.locations.len() + self.base_location(p, r) as usize]
    }

    /// Whether a licensed agency keeps the licence conditions (no deception, no contract
    /// substitution, no coercion) under this epoch's enforcement of them.
    #[inline]
    pub fn keeps_conditions(&self, p: &Params, r: usize) -> bool {
        p.kinds[self.kind[r] as usize].kind == RecruiterType::LicensedAgency
            && self.ethics_draw[r] < p.policy.recruitment.p_comply_licence
    }

    /// Probability that an offer of recruiter `r` is deceptive this epoch: its own rate,
    /// deterred, and none for an agency keeping the licence conditions.
    #[inline]
    pub fn p_deception(&self, p: &Params, r: usize) -> f32 {
        if self.keeps_conditions(p, r) {
            return 0.0;
        }
        (self.deception[r] * self.deterrence(p, r)).min(1.0)
    }

    /// Coercion rate of recruiter `r` this epoch (as `p_deception`).
    #[inline]
    pub fn p_coercion(&self, p: &Params, r: usize) -> f32 {
        if self.keeps_conditions(p, r) {
            return 0.0;
        }
        (self.coercion[r] * self.deterrence(p, r)).min(1.0)
    }

    /// Work out every recruiter's deception and coercion under this month's parameters. They
    /// change only with the parameters of `refresh_basis` or a recruiter's own traits, so in a
    /// month where the former are as they were, only the entrants' are worked out again.
    pub fn refresh(&mut self, p: &Params) {
        let basis = refresh_basis(p);
        if !self.refresh_basis.iter().copied().eq(basis.clone()) {
            self.refresh_basis = basis.collect();
            self.redrawn.clear();
            for r in 0..self.len() {
                self.deception_now[r] = self.p_deception(p, r);
                self.coercion_now[r] = self.p_coercion(p, r);
            }
            return;
        }
        for r in std::mem::take(&mut self.redrawn) {
            let r = r as usize;
            self.deception_now[r] = self.p_deception(p, r);
            self.coercion_now[r] = self.p_coercion(p, r);
        }
    }

    /// Whether broker `b` is registered as a sub-agent this epoch (a fixed draw against the
    /// registered share).
    #[inline]
    pub fn registered(&self, p: &Params, key: RunKey, b: usize) -> bool {
        let x = if key == self.draws_key {
            self.registration_draw[b]
        } else {
            key.fixed(entity::recruiter(b), Purpose::Market, 3)
        };
        x < p.policy.recruitment.broker_registration_share
    }

    /// Call `f` with the `[kind * districts + d]` index of every district recruiter `r` reaches.
    fn for_each_district(&self, p: &Params, r: usize, mut f: impl FnMut(usize)) {
        let nd = self.districts;
        let k = self.kind[r] as usize;
        if let Some(home) = self.home[r] {
            f(k * nd + home as usize);
        } else if p.kinds[k].districts.is_empty() {
            (0..nd).for_each(|d| f(k * nd + d));
        } else {
            p.kinds[k]
                .districts
                .iter()
                .for_each(|&d| f(k * nd + d as usize));
        }
    }

    pub fn len(&self) -> usize {
        self.kind.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }

    /// Whether a recruiter is operating this month (brokers driven out by policy are not).
    #[inline]
    pub fn operating(&self, p: &Params, key: RunKey, r: usize) -> bool {
        if self.status[r] == Status::Closed {
            return false;
        }
        let kind = &p.kinds[self.kind[r] as usize];
        if kind.kind == RecruiterType::InformalBroker {
            let x = if key == self.draws_key {
                self.exit_draw[r]
            } else {
                key.fixed(entity::recruiter(r), Purpose::Market, 1)
            };
            return x >= p.policy.recruitment.broker_exit_share;
        }
        true
    }

    /// Whether recruiter `r` charges no more than the fee cap under this epoch's enforcement
    /// (only licensed agencies are capped).
    #[inline]
    pub fn compliant(&self, p: &Params, r: usize) -> bool {
        self.comply_draw[r] < p.policy.recruitment.p_comply
    }

    #[inline]
    pub fn reputation(&self, r: u32, d: Ix) -> f32 {
        self.reputation[d as usize * self.len() + r as usize]
    }

    /// Monthly placement capacity of a recruiter, in persons. A licensed agency that complies
    /// with a fee cap below its market price places fewer people: only as many as the capped
    /// fee still pays for (the margin over the agency's cost, relative to the uncapped margin).
    pub fn capacity(&self, p: &Params, r: usize) -> f32 {
        let kind = &p.kinds[self.kind[r] as usize];
        let mut cap = self.capacity[r];
        if kind.kind == RecruiterType::LicensedAgency
            && self.compliant(p, r)
            && let Some(fee_cap) = p.policy.recruitment.fee_cap
        {
            cap *= cap_margin_factor(p, kind, fee_cap);
        }
        cap
    }
}

/// The parameters `p_deception` and `p_coercion` read besides the recruiter's own traits, as
/// bits: the share of agencies keeping the licence conditions, and for each kind whether it is
/// a licensed agency and the deterrence factor at each of its bases (each list led by its
/// length, so that two different sets of parameters never give the same sequence).
fn refresh_basis(p: &Params) -> impl Iterator<Item = u32> + Clone + '_ {
    let nl = p.locations.len();
    let kinds = p.kinds.iter().enumerate().flat_map(move |(k, kind)| {
        let licensed = (kind.kind == RecruiterType::LicensedAgency) as u32;
        let bases = kind
            .bases
            .iter()
            .map(move |&(l, _)| p.deterrence[k * nl + l as usize].to_bits());
        [licensed, kind.bases.len() as u32].into_iter().chain(bases)
    });
    std::iter::once(p.policy.recruitment.p_comply_licence.to_bits()).chain(kinds)
}

/// Fraction of an agency's placements that still pay under the cap, averaged over its routes.
pub fn cap_margin_factor(p: &Params, kind: &super::params::KindP, cap: f32) -> f32 {
    let employer = p.policy.recruitment.employer_pays_share;
    let mut wsum = 0.0;
    let mut fsum = 0.0;
    for &(route, w) in &kind.routes {
        let r = &p.routes[route as usize];
        let price = r.fee * kind.fee_factor;
        // The agency receives the capped part from the migrant plus the employer's share.
        let received = (price * (1.0 - employer)).min(cap) + price * employer;
        let margin_full = (price - r.agency_cost).max(1.0);
        let f = ((received - r.agency_cost) / margin_full).clamp(0.0, 1.0);
        wsum += w;
        fsum += w * f;
    }
    if wsum > 0.0 { fsum / wsum } else { 1.0 }
}
