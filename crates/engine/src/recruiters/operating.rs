//! Which recruiters operate: the reach lists of each kind in each district, and the books kept
//! with them (operating recruiters by kind and base, registered brokers, licensed agencies, and
//! each kind's pooled capacity for matching).
//!
//! A month changes few recruiters (a few dozen open, close or review their compliance among
//! 22,000), so the lists and books are brought up to date from the recruiters recorded in
//! `changed` rather than worked out again over every recruiter. Whatever else they depend on (the
//! run key and the parameters listed in `basis`) is compared with what they were last worked out
//! under, and any difference rebuilds them all. Either way they come out as a rebuild from
//! scratch would make them: lists in id order, capacities added in id order. A month's changes to
//! a list are made together ([`edit_list`]), so a scenario with hundreds of thousands of
//! recruiters, many of which change each month, costs in proportion to its recruiters.

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
    /// The month's changes to the reach lists, as (list, recruiter, operates now), and a list
    /// being merged (scratch, kept to save allocating).
    edits: Vec<(u32, u32, bool)>,
    merged: Vec<u32>,
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
        let mut reach = std::mem::take(&mut self.reach);
        for r in 0..n {
            if self.operating(p, key, r) {
                // In id order, so each goes at the end of its lists.
                self.count(p, key, r, true);
                self.for_each_district(p, r, |slot| reach[slot].push(r as u32));
            }
        }
        self.reach = reach;
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
        let mut edits = std::mem::take(&mut self.books.edits);
        edits.clear();
        for &r in &changed {
            let r = r as usize;
            stale[self.kind[r] as usize] = true;
            let now = self.operating(p, key, r);
            if now != self.books.counted[r] {
                self.count(p, key, r, now);
                self.for_each_district(p, r, |slot| edits.push((slot as u32, r as u32, now)));
            }
        }
        self.edit_reach(&mut edits);
        self.books.edits = edits;
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

    /// Make the month's `edits` to the reach lists (each recruiter added to a list where it
    /// operates now, taken out where it no longer does), keeping each list in id order.
    fn edit_reach(&mut self, edits: &mut Vec<(u32, u32, bool)>) {
        edits.sort_unstable();
        edits.dedup();
        let mut merged = std::mem::take(&mut self.books.merged);
        for group in edits.chunk_by(|a, b| a.0 == b.0) {
            let list = &mut self.reach[group[0].0 as usize];
            edit_list(list, group, &mut merged, IN_PLACE);
        }
        self.books.merged = merged;
    }

    /// Count recruiter `r` in the books (`now`: it operates) or take it out of them. (Its place
    /// in the reach lists is the caller's.)
    fn count(&mut self, p: &Params, key: RunKey, r: usize, now: bool) {
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

/// Edits of one reach list in a month above which it is merged with them, not edited in place.
const IN_PLACE: usize = 8;

/// Make `edits` to `list`, both in id order (one list's edits, `(list, recruiter, operates
/// now)`, each recruiter once): an edited recruiter is listed if and only if it operates now,
/// the others stay as they are. With at most `in_place` edits, each is made where it falls
/// (moving the rest of the list along); with more, the list is merged with them in one pass
/// (into `merged`, which then holds the old list), so that a month in which many of a kind
/// open or close costs the length of the list once, not once for each.
fn edit_list(
    list: &mut Vec<u32>,
    edits: &[(u32, u32, bool)],
    merged: &mut Vec<u32>,
    in_place: usize,
) {
    if edits.len() <= in_place {
        for &(_, r, now) in edits {
            match list.binary_search(&r) {
                Err(i) if now => list.insert(i, r),
                Ok(i) if !now => {
                    list.remove(i);
                }
                _ => {}
            }
        }
        return;
    }
    merged.clear();
    let mut i = 0;
    for &(_, r, now) in edits {
        while i < list.len() && list[i] < r {
            merged.push(list[i]);
            i += 1;
        }
        if i < list.len() && list[i] == r {
            i += 1;
        }
        if now {
            merged.push(r);
        }
    }
    merged.extend_from_slice(&list[i..]);
    std::mem::swap(list, merged);
}

#[cfg(test)]
mod tests {
    use super::edit_list;
    use std::collections::BTreeSet;

    /// Both ways of editing a list give the sorted set of what should be listed, for lists and
    /// edits of every size up to a few hundred, drawn from a fixed sequence.
    #[test]
    fn a_list_edited_in_place_or_merged_is_the_sorted_set_of_those_listed() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let mut merged = Vec::new();
        for case in 0..2_000 {
            let range = 1 + next(400);
            let listed: BTreeSet<u32> = (0..next(range + 1)).map(|_| next(range) as u32).collect();
            let mut edited: BTreeSet<u32> = BTreeSet::new();
            let mut edits = Vec::new();
            for _ in 0..next(range + 1) {
                let r = next(range) as u32;
                if edited.insert(r) {
                    edits.push((0, r, next(2) == 1));
                }
            }
            edits.sort_unstable();
            let expected: Vec<u32> = (0..range as u32)
                .filter(|r| match edits.iter().find(|e| e.1 == *r) {
                    Some(&(_, _, now)) => now,
                    None => listed.contains(r),
                })
                .collect();
            for in_place in [0, usize::MAX] {
                let mut list: Vec<u32> = listed.iter().copied().collect();
                edit_list(&mut list, &edits, &mut merged, in_place);
                assert_eq!(
                    list, expected,
                    "case {case}, in place up to {in_place} edits"
                );
            }
        }
    }
}
