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
//!
//! The same calendar holds the month of each prosecuted recruiter's verdict, so that it is looked
//! at then and not every month before. Months are those enforcement is called with; a month that
//! does not follow the last one (the run's months count from 0 again after its settling run) moves
//! every verdict with it, so that each comes as many months after as it had still to wait.

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
    /// The recruiters due (a clock or a verdict) by month. A clock drawn again leaves its old
    /// entry behind, which is passed over because `due` no longer names that month.
    calendar: Calendar,
    /// The month of the last call of `start_clocks`.
    last: Option<i32>,
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
    /// were drawn, every active clocked recruiter's clock is drawn again from `t` on. If `t` does
    /// not follow the month of the last call, every verdict moves with it.
    pub fn start_clocks(&mut self, p: &Params, key: RunKey, t: i32) {
        let next = self.clocks.last.map_or(t, |last| last + 1);
        self.clocks.last = Some(t);
        if t != next {
            for r in 0..self.len() {
                if self.status[r] == Status::Prosecuted {
                    self.verdict[r] += t - next;
                }
            }
            self.clocks.basis = None;
        }
        let rates: Vec<u32> = p.investigation_rate.iter().map(|x| x.to_bits()).collect();
        if matches!(&self.clocks.basis, Some((k, b)) if *k == key && *b == rates) {
            return;
        }
        self.clocks.basis = Some((key, rates));
        self.clocks.calendar.clear();
        self.clocks.due.clear();
        self.clocks.due.resize(self.len(), NEVER);
        for r in 0..self.len() {
            match self.status[r] {
                Status::Active if self.clocked(p, r) => {
                    self.draw_clock(p, key, r, t, t, SUB_EPOCH);
                }
                Status::Prosecuted => self.clocks.calendar.push(self.verdict[r], r, t),
                _ => {}
            }
        }
    }

    /// Recruiter `r` is prosecuted in month `t`: its verdict comes `months` later.
    pub fn await_verdict(&mut self, r: usize, t: i32, months: u32) {
        let at = t.saturating_add(months.clamp(1, u16::MAX as u32) as i32);
        self.verdict[r] = at;
        self.clocks.calendar.push(at, r, t);
    }

    /// Draw clocked recruiter `r`'s clock again at month `t`, from the next month on (it has
    /// just become active, or its clock has just fired).
    pub fn restart_clock(&mut self, p: &Params, key: RunKey, r: usize, t: i32) {
        if self.clocked(p, r) {
            self.draw_clock(p, key, r, t, t + 1, SUB_AGAIN);
        }
    }

    /// The recruiters the calendar names for month `t`, in no particular order and possibly
    /// more than once: a clocked one must still be checked for being due with
    /// `due_now`, a prosecuted one for its verdict.
    pub fn take_due(&mut self, t: i32, each: impl FnMut(usize)) {
        self.clocks.calendar.take(t, each);
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
            self.clocks.calendar.push(due, r, now);
        }
    }
}

/// Months of the calendar's wheel: entries due within this many months of when they are made
/// go into the wheel, by month; later ones wait in `far`, which is looked through every
/// `FAR_EVERY` months for those that have come within reach.
const WHEEL: i32 = 256;
const FAR_EVERY: i32 = 64;

/// Recruiters by the month they are due, taken a month at a time in increasing months.
#[derive(Clone, Debug)]
struct Calendar {
    wheel: Vec<Vec<u32>>,
    far: Vec<(i32, u32)>,
}

impl Default for Calendar {
    fn default() -> Calendar {
        Calendar {
            wheel: vec![Vec::new(); WHEEL as usize],
            far: Vec::new(),
        }
    }
}

impl Calendar {
    fn clear(&mut self) {
        self.wheel.iter_mut().for_each(Vec::clear);
        self.far.clear();
    }

    /// Recruiter `r` is due in month `at`, which is `now` or later.
    fn push(&mut self, at: i32, r: usize, now: i32) {
        if at - now < WHEEL {
            self.wheel[at.rem_euclid(WHEEL) as usize].push(r as u32);
        } else {
            self.far.push((at, r as u32));
        }
    }

    /// Hand each recruiter due in month `t` to `each`, and forget them. Months must be taken in
    /// increasing order, none skipped, from the month of the first `push` on.
    fn take(&mut self, t: i32, mut each: impl FnMut(usize)) {
        if t.rem_euclid(FAR_EVERY) == 0 && !self.far.is_empty() {
            let wheel = &mut self.wheel;
            self.far.retain(|&(at, r)| {
                let near = at - t < WHEEL;
                if near {
                    wheel[at.rem_euclid(WHEEL) as usize].push(r);
                }
                !near
            });
        }
        let slot = &mut self.wheel[t.rem_euclid(WHEEL) as usize];
        slot.iter().for_each(|&r| each(r as usize));
        slot.clear();
    }
}
