//! Investigation clocks: the month of each recruiter's next investigation at its steady rate.
//!
//! An active recruiter of any kind but the licensed agencies is investigated each month with a
//! probability that stays the same from month to month (its kind's rate at its base, set by the
//! epoch's parameters) but for the months in which victims are traced to it. Instead of a draw
//! for each of some 20,000 recruiters every month, each keeps the month of its next
//! investigation at that rate, drawn from the geometric law of the months to wait, and only the
//! recruiters due, or with victims, are looked at in a month. This is the same law as a draw
//! every month: with a monthly chance `q`, the months to the next success are geometric with
//! parameter `q`, and after a success (or from any month on) the wait starts afresh, whatever
//! came before. A month with victims adds a chance of its own (see `extra_chance`), so that the
//! month's chance of an investigation is the one the rate and the victims give.
//!
//! A clock is drawn again when the recruiter becomes active (a new recruiter in a closed place,
//! or one acquitted), after it fires, and for every active recruiter when the rates or the run
//! key change (a new epoch, the run after its settling run), always from the month it is drawn
//! in on. Its draws come from the recruiter's own streams, keyed by the month of the drawing.

use std::collections::BTreeMap;

use super::super::params::{Params, RecruiterType};
use super::super::rng::{Purpose, RunKey, entity};
use super::{Recruiters, Status};

/// Sub-streams of `Purpose::Recruiter` used here (0 is the month's enforcement draws, 3 the
/// chains'): clocks drawn again for a new epoch or key, clocks drawn again for one recruiter,
/// and the extra chance of a month with victims.
const SUB_EPOCH: u16 = 5;
const SUB_AGAIN: u16 = 6;
const SUB_VICTIMS: u16 = 4;

/// Months that never come: a clock with a rate of zero.
const NEVER: i32 = i32::MAX;

#[derive(Clone, Debug, Default)]
pub struct Clocks {
    /// The key and the monthly rates (as bits, `Params::investigation_rate`) the clocks were
    /// drawn under; none before the first month.
    basis: Option<(RunKey, Vec<u32>)>,
    /// Each recruiter's month of next investigation at its steady rate (`NEVER` for none, and
    /// for recruiters without a clock: agencies, and those not active when it was last drawn).
    due: Vec<i32>,
    /// The recruiters due in each month. A clock drawn again leaves its old entry behind, which
    /// is passed over because `due` no longer names that month.
    calendar: BTreeMap<i32, Vec<u32>>,
}

impl Recruiters {
    /// Whether recruiter `r` is investigated by its clock rather than by a draw every month.
    #[inline]
    pub fn clocked(&self, p: &Params, r: usize) -> bool {
        p.kinds[self.kind[r] as usize].kind != RecruiterType::LicensedAgency
    }

    /// Monthly chance that recruiter `r` is investigated at its steady rate.
    #[inline]
    pub fn steady_rate(&self, p: &Params, r: usize) -> f32 {
        let k = self.kind[r] as usize;
        p.investigation_rate[k * p.locations.len() + self.base_location(p, r) as usize]
    }

    /// Make the clocks those of `key` and `p`'s rates at month `t`: if either changed since they
    /// were drawn, every active clocked recruiter's clock is drawn again from `t` on.
    pub fn start_clocks(&mut self, p: &Params, key: RunKey, t: i32) {
        let rates: Vec<u32> = p.investigation_rate.iter().map(|x| x.to_bits()).collect();
        if matches!(&self.clocks.basis, Some((k, b)) if *k == key && *b == rates) {
            return;
        }
        self.clocks.basis = Some((key, rates));
        self.clocks.calendar.clear();
        self.clocks.due.clear();
        self.clocks.due.resize(self.len(), NEVER);
        for r in 0..self.len() {
            if self.status[r] == Status::Active && self.clocked(p, r) {
                self.draw_clock(p, key, r, t, t, SUB_EPOCH);
            }
        }
    }

    /// Draw clocked recruiter `r`'s clock again at month `t`, from the next month on (it has
    /// just become active, or its clock has just fired).
    pub fn restart_clock(&mut self, p: &Params, key: RunKey, r: usize, t: i32) {
        if self.clocked(p, r) {
            self.draw_clock(p, key, r, t, t + 1, SUB_AGAIN);
        }
    }

    /// The recruiters whose clock says they are investigated in month `t`, in no particular order
    /// and possibly more than once (each is active and clocked, and must be checked for being
    /// due with `due_now`).
    pub fn take_due(&mut self, t: i32) -> Vec<u32> {
        self.clocks.calendar.remove(&t).unwrap_or_default()
    }

    /// Whether clocked recruiter `r`'s clock fires in month `t`.
    #[inline]
    pub fn due_now(&self, r: usize, t: i32) -> bool {
        self.clocks.due.get(r) == Some(&t)
    }

    /// The chance, in a month in which victims raise clocked recruiter `r`'s chance of an
    /// investigation from its steady rate `q` to `x`, of an investigation besides the clock's:
    /// the two together give `x`, as `1 - (1 - q)(1 - extra) = x`.
    pub fn extra_chance(q: f32, x: f32) -> f32 {
        if q >= 1.0 || x <= q {
            0.0
        } else {
            ((x - q) / (1.0 - q)).min(1.0)
        }
    }

    /// Whether the extra chance of a month `t` with victims, `extra`, makes an investigation of
    /// `r` (its own stream).
    pub fn victims_investigate(key: RunKey, r: usize, t: i32, extra: f32) -> bool {
        extra > 0.0
            && key
                .stream(
                    entity::recruiter(r),
                    t as u32,
                    Purpose::Recruiter,
                    SUB_VICTIMS,
                )
                .chance(extra)
    }

    /// Draw in month `now` the month of `r`'s next investigation at its steady rate, counting
    /// from month `from` (which may be `now` itself), on sub-stream `sub` of `now`.
    fn draw_clock(&mut self, p: &Params, key: RunKey, r: usize, now: i32, from: i32, sub: u16) {
        let q = self.steady_rate(p, r) as f64;
        let due = if q <= 0.0 {
            NEVER
        } else if q >= 1.0 {
            from
        } else {
            // Months to wait, 0 or more: geometric, by inversion of a draw in (0, 1].
            let mut rng = key.stream(entity::recruiter(r), now as u32, Purpose::Recruiter, sub);
            let u = 1.0 - (rng.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0);
            let wait = (u.ln() / (-q).ln_1p()).floor();
            if wait < (NEVER - from) as f64 {
                from + wait as i32
            } else {
                NEVER
            }
        };
        self.clocks.due[r] = due;
        if due != NEVER {
            self.clocks.calendar.entry(due).or_default().push(r as u32);
        }
    }
}
