//! Which recruiters operate: the reach lists of each kind in each district, and the books kept
//! with them (operating recruiters by kind and base, registered brokers, licensed agencies, and
//! each kind's pooled capacity for matching).
//!
//! A month changes few recruiters (a few dozen open, close or review their compliance among
//! 22,000), so the lists and books are brought up to date from the recruiters recorded in
//! `changed` rather than worked out again over every recruiter. Whatever else they depend on (the
//! run key and the parameters listed in `basis`) is compared with what they were last worked out
//! under, and any difference rebuilds them all. Either way they come out as a rebuild from
//! scratch would make them: lists in id order, capacities added in id order.

use super::super::params::{Params, RecruiterType};
use super::super::rng::{Purpose, RunKey, entity};
use super::{NO_PRINCIPAL, Recruiters, Status, cap_margin_factor};

/// The books on the operating recruiters, as of the last `rebuild_reach`.
#[derive(Clone, Debug, Default)]
pub struct Books {
    /// The key and parameters (`basis`) the reach lists and these books were worked out under;
    /// none before the first time.
    basis: Option<(RunKey, Vec<u32>)>,
    /// Whether each recruiter operates, as the lists and counts have it.
    counted: Vec<bool>,
    /// Operating recruiters by kind and base location: `[k * locations + l]`.
    pub operating: Vec<u32>,
    /// Operating brokers registered as sub-agents.
    pub registered: u32,
    /// Operating licensed agencies.
    pub agencies: u32,
    /// Each kind's pooled capacity (persons a month): the capacities of its operating
    /// recruiters, added in id order.
    capacity: Vec<f32>,
    /// Kinds whose pooled capacity must be added up again (scratch, kept to save allocating).
    stale: Vec<bool>,
}

impl Recruiters {
    /// Bring the per-district lists of operating recruiters, and the books kept with them, up to
    /// date (after enforcement and entry, and when the parameters or the key change).
    pub fn rebuild_reach(&mut self, p: &Params, key: RunKey) {
        self.use_key(key);
        let basis = basis(p);
        match &self.books.basis {
            Some((k, b)) if *k == key && *b == basis => self.update_books(p, key),
            _ => {
                self.rebuild_books(p, key);
                self.books.basis = Some((key, basis));
            }
        }
    }

    /// Work out the lists and books from scratch, over every recruiter.
    fn rebuild_books(&mut self, p: &Params, key: RunKey) {
        let n = self.len();
        for v in &mut self.reach {
            v.clear();
        }
        let mut books = std::mem::take(&mut self.books);
        books.counted.clear();
        books.counted.resize(n, false);
        books.operating.clear();
        books.operating.resize(p.kinds.len() * p.locations.len(), 0);
        books.registered = 0;
        books.agencies = 0;
        self.books = books;
        for r in 0..n {
            if self.operating(p, key, r) {
                self.count(p, key, r, true);
            }
        }
        let capacity = (0..p.kinds.len())
            .map(|k| self.kind_capacity(p, k, |r| self.books.counted[r]))
            .collect();
        self.books.capacity = capacity;
        self.changed.clear();
        self.unchecked.clear();
        self.check_all_principals = true;
    }

    /// Bring the lists and books up to date with the recruiters in `changed`, the parameters and
    /// key being those they were worked out under.
    fn update_books(&mut self, p: &Params, key: RunKey) {
        let changed = std::mem::take(&mut self.changed);
        let mut stale = std::mem::take(&mut self.books.stale);
        stale.clear();
        stale.resize(p.kinds.len(), false);
        for &r in &changed {
            let r = r as usize;
            stale[self.kind[r] as usize] = true;
            let now = self.operating(p, key, r);
            if now != self.books.counted[r] {
                self.count(p, key, r, now);
            }
        }
        for (k, &s) in stale.iter().enumerate() {
            if s {
                self.books.capacity[k] = self.kind_capacity(p, k, |r| self.books.counted[r]);
            }
        }
        self.books.stale = stale;
        self.unchecked.extend_from_slice(&changed);
        // Keep the allocation for the next month's changes.
        self.changed = changed;
        self.changed.clear();
    }

    /// Brokers whose principal is gone (convicted, closed, driven out, or never found) look for
    /// another (`find_principal`), each on its own stream of month `t`, among the recruiters
    /// operating under `p` and `key` (the reach lists must have just been brought up to date
    /// under them). After this, every broker that is not closed has an operating principal or
    /// none, so the brokers that can need one next time are only those left without one, those
    /// that reopened since, and those of a principal that stopped operating since; each draws
    /// on its own stream, so visiting only those (in any order) gives the same principals as
    /// visiting every broker. After a rebuild from scratch every broker is visited.
    pub fn replace_lost_principals(&mut self, p: &Params, key: RunKey, t: i32) {
        debug_assert!(self.changed.is_empty());
        let visit: Vec<u32> = if self.check_all_principals {
            (0..self.len() as u32).collect()
        } else {
            let mut visit = std::mem::take(&mut self.orphans);
            for &r in &self.unchecked {
                visit.push(r);
                if !self.operating(p, key, r as usize) {
                    visit.extend_from_slice(&self.brokers[r as usize]);
                }
            }
            visit.sort_unstable();
            visit.dedup();
            visit
        };
        self.unchecked.clear();
        self.orphans.clear();
        self.check_all_principals = false;
        for b in visit {
            let b = b as usize;
            if p.kinds[self.kind[b] as usize].kind != RecruiterType::InformalBroker
                || self.status[b] == Status::Closed
            {
                continue;
            }
            let r = self.principal[b];
            if r == NO_PRINCIPAL || !self.operating(p, key, r as usize) {
                let mut rng = key.stream(entity::recruiter(b), t as u32, Purpose::Recruiter, 2);
                self.find_principal(p, b, &mut rng);
            }
            if self.principal[b] == NO_PRINCIPAL {
                self.orphans.push(b as u32);
            }
        }
    }

    /// Add recruiter `r` to the lists and counts (`now`: it operates) or take it out.
    fn count(&mut self, p: &Params, key: RunKey, r: usize, now: bool) {
        let mut reach = std::mem::take(&mut self.reach);
        self.for_each_district(p, r, |slot| {
            let list = &mut reach[slot];
            match list.binary_search(&(r as u32)) {
                Err(i) if now => list.insert(i, r as u32),
                Ok(i) if !now => {
                    list.remove(i);
                }
                _ => {}
            }
        });
        self.reach = reach;
        let k = self.kind[r] as usize;
        let at = k * p.locations.len() + self.base_location(p, r) as usize;
        let registered = self.registered(p, key, r);
        let step = |x: &mut u32| *x = if now { *x + 1 } else { *x - 1 };
        step(&mut self.books.operating[at]);
        match p.kinds[k].kind {
            RecruiterType::InformalBroker if registered => step(&mut self.books.registered),
            RecruiterType::LicensedAgency => step(&mut self.books.agencies),
            _ => {}
        }
        self.books.counted[r] = now;
    }

    /// The books (operating recruiters by kind and base, registered brokers, licensed agencies),
    /// if they are up to date for `p` and `key`: worked out under them by the last
    /// `rebuild_reach`, and nothing changed since.
    pub fn books(&self, p: &Params, key: RunKey) -> Option<&Books> {
        let current = self.changed.is_empty()
            && matches!(&self.books.basis, Some((k, b)) if *k == key && *b == basis(p));
        current.then_some(&self.books)
    }

    /// Each kind's pooled capacity this month under `p` and `key`, into `out`: the capacities of
    /// its operating recruiters added in id order. Taken from the books when they are up to date
    /// for `p` and `key`, else added up here.
    pub fn pooled_capacity(&self, p: &Params, key: RunKey, out: &mut Vec<f32>) {
        out.clear();
        if let Some(books) = self.books(p, key) {
            out.extend_from_slice(&books.capacity);
        } else {
            out.extend(
                (0..p.kinds.len()).map(|k| self.kind_capacity(p, k, |r| self.operating(p, key, r))),
            );
        }
    }

    /// The capacities (`capacity`) of the recruiters of kind `k` that `operating` says operate,
    /// added in id order. The fee cap's margin factor is worked out once for the kind.
    fn kind_capacity(&self, p: &Params, k: usize, operating: impl Fn(usize) -> bool) -> f32 {
        let kind = &p.kinds[k];
        let capped = match p.policy.recruitment.fee_cap {
            Some(cap) if kind.kind == RecruiterType::LicensedAgency => {
                Some(cap_margin_factor(p, kind, cap))
            }
            _ => None,
        };
        let mut sum = 0.0;
        for r in self.kind_start[k] as usize..self.kind_start[k + 1] as usize {
            if operating(r) {
                sum += match capped {
                    Some(factor) if self.compliant(p, r) => self.capacity[r] * factor,
                    _ => self.capacity[r],
                };
            }
        }
        sum
    }
}

/// The parameters the reach lists and books depend on besides each recruiter's status, traits
/// and compliance, as bits: the shares of brokers driven out and registered, the fee cap's
/// compliance share and whether there is a cap, the number of locations, and for each kind its
/// type, districts, base locations and fee cap margin factor (each list led by its length, so
/// that two different sets of parameters never give the same sequence).
fn basis(p: &Params) -> Vec<u32> {
    let pol = &p.policy.recruitment;
    let mut b = vec![
        pol.broker_exit_share.to_bits(),
        pol.broker_registration_share.to_bits(),
        pol.p_comply.to_bits(),
        pol.fee_cap.is_some() as u32,
        p.locations.len() as u32,
    ];
    for kind in &p.kinds {
        b.push(kind.kind as u32);
        b.push(kind.districts.len() as u32);
        b.extend(kind.districts.iter().map(|&d| d as u32));
        b.push(kind.bases.len() as u32);
        b.extend(kind.bases.iter().map(|&(l, _)| l as u32));
        b.push(match pol.fee_cap {
            Some(cap) if kind.kind == RecruiterType::LicensedAgency => {
                cap_margin_factor(p, kind, cap).to_bits()
            }
            _ => 0,
        });
    }
    b
}
