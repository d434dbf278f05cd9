//! One migrant, stored compactly (60 bytes) so that the whole population fits in memory and a
//! month's pass over them streams through cache. What every agent shares is not stored: the age
//! at entry into the pool is `population.age_min` for everyone, and the month of leaving by age
//! follows from the month of entry (`Ctx::aged_out`).
//!
//! Months are `i16` simulated-month indices (t = 0 is the first spin-up month). Money is `f32`.

use super::params::Ix;

/// The seven reported states, plus `Absent` for people not (yet, or any more) in the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum State {
    #[default]
    Absent = 0,
    AtHome,
    Seeking,
    InTransit,
    Detained,
    Working,
    Stranded,
    Dead,
}

pub const STATES: usize = 8;

/// Traits that last a life (bits of `Agent::traits`).
pub mod tr {
    pub const WOMAN: u16 = 1 << 0;
    pub const SKILLED: u16 = 1 << 1;
    pub const LAND: u16 = 1 << 2;
    pub const TIES: u16 = 1 << 3;
    pub const ONLINE: u16 = 1 << 4;
    pub const URBAN: u16 = 1 << 5;
    /// Support from the reintegration programme after the last return.
    pub const SUPPORTED: u16 = 1 << 6;
    /// Left again irregularly after the last return.
    pub const IRREGULAR_AGAIN: u16 = 1 << 8;
    /// Has completed at least one episode (is a returnee).
    pub const RETURNEE: u16 = 1 << 9;
    /// The last attempt failed before departure (money lost, debt left at home).
    pub const FAILED_ATTEMPT: u16 = 1 << 7;
    /// Income uplift from economic support, for the 12 months after return.
    pub const UPLIFT: u16 = 1 << 10;
    /// Reached by the awareness campaign at least once (what it added may fade).
    pub const CAMPAIGN: u16 = 1 << 11;
    /// The sampling stratum (`Params::strata`; 0 without any) sits in bits 12–15.
    pub const STRATUM_SHIFT: u16 = 12;
    pub const STRATUM_MASK: u16 = 0xf << STRATUM_SHIFT;
}

/// What happened in the current episode (bits of `Agent::flags`), reset at departure. The
/// pending-offer bits describe the offer a seeker has applied for.
pub mod fl {
    pub const BORROWED: u32 = 1 << 0;
    pub const BROKER: u32 = 1 << 1;
    pub const DECEIVED: u32 = 1 << 2;
    pub const COLLATERAL: u32 = 1 << 3;
    /// Held captive: the ransom of the current captor has been paid.
    pub const RANSOM_PAID: u32 = 1 << 4;
    /// Held captive: put to forced work by the captors.
    pub const CAPTIVE_WORK: u32 = 1 << 8;
    pub const PASSPORT: u32 = 1 << 5;
    pub const LEGAL: u32 = 1 << 6;
    pub const PAID: u32 = 1 << 7;
    pub const DEBT_BONDAGE: u32 = 1 << 9;
    pub const DEBT_TRAP: u32 = 1 << 10;
    pub const FORCED_LABOUR: u32 = 1 << 11;
    pub const TRAFFICKED: u32 = 1 << 12;
    pub const SEXUAL: u32 = 1 << 13;
    /// Held captive for ransom at least once during the episode.
    pub const CAPTIVE: u32 = 1 << 14;
    pub const DETAINED_EVER: u32 = 1 << 15;
    pub const ARRIVED: u32 = 1 << 16;
    pub const FAILED: u32 = 1 << 19;
    pub const REPAID: u32 = 1 << 20;
    pub const COLLATERAL_LOST: u32 = 1 << 21;
    /// Recruited by a deceptive offer (a promise the job does not keep, a fake contract or
    /// visa): deception as the "means" of the Palermo definition.
    pub const DECEPTIVE_RECRUITMENT: u32 = 1 << 22;
    /// Pending offer: applied this month and waiting for matching.
    pub const APPLIED: u32 = 1 << 23;
    /// Counted as trafficked under Bangladesh's 2012 law (adds failed schemes with loss).
    pub const BD_LAW: u32 = 1 << 25;
    /// The episode has been counted in the outcome tallies as departing in the reported months.
    pub const REPORTED: u32 = 1 << 27;
    /// The episode's channel (index into `params::CHANNELS`) sits in bits 28–29.
    pub const CHANNEL_SHIFT: u32 = 28;
    pub const CHANNEL_MASK: u32 = 3 << CHANNEL_SHIFT;
}

pub const NO_RECRUITER: u32 = u32::MAX;
pub const NEVER: i16 = i16::MIN;

#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct Agent {
    /// Household debt, all lenders.
    pub debt: f32,
    /// Part of `debt` owed to the recruiter as an advance (repaid first, by wage deduction).
    pub advance: f32,
    /// Household cash.
    pub savings: f32,
    /// Monthly household income at home.
    pub home_income: f32,
    /// Current monthly wage abroad; while seeking, the true wage of the pending offer.
    pub wage: f32,
    /// Promised wage of the current or pending offer.
    pub promised: f32,
    /// Cost paid for the episode (fees, travel, documents; not ransom); while seeking, the
    /// pending offer's price.
    pub cost: f32,
    /// Monthly interest rate on `debt` (blended over lenders).
    pub rate: f32,
    /// Recruiter of the current or pending offer.
    pub recruiter: u32,
    pub flags: u32,
    /// Month of entry into the pool (it is left by age `Population::span_months` later:
    /// `Ctx::aged_out`).
    pub entry: i16,
    /// Departure month of the current (or last) episode.
    pub departed: i16,
    /// Month of the last return home.
    pub returned: i16,
    pub traits: u16,
    pub district: Ix,
    /// Route of the current episode or pending offer.
    pub route: Ix,
    /// Location while abroad (index into locations; at most `MAX_LOCATIONS` of them).
    pub location: u8,
    pub state: State,
    /// Index of the next leg on the route.
    pub leg: u8,
    /// Months left: on the current leg, in detention, or in the contract.
    pub timer: u8,
    /// Months in the current state (saturates at 255).
    pub months_in_state: u8,
    /// Awareness of risks and deception, 0..=255 for [0, 1].
    pub awareness: u8,
    /// Consecutive months at home unable to pay the interest.
    pub arrears: u8,
    /// Months of the current job in which wages were withheld, one bit per month, the latest
    /// in bit 0 (the reference period of forced labour looks back at most 8 months).
    pub withheld: u8,
}

const _: () = assert!(std::mem::size_of::<Agent>() <= 60);
const _: () = assert!(tr::WOMAN == 1 && tr::SKILLED == 2);

impl Agent {
    /// Held captive for ransom now (not immigration detention).
    /// Alive and in the pool: neither out of it (not yet entered, or left) nor dead.
    #[inline(always)]
    pub fn in_pool(&self) -> bool {
        !matches!(self.state, State::Absent | State::Dead)
    }
    #[inline(always)]
    pub fn captive(&self) -> bool {
        self.state == State::Detained && self.leg != IMMIGRATION
    }
}

/// Leg index marking immigration detention (released by deportation, not onward).
pub const IMMIGRATION: u8 = 255;

impl Agent {
    #[inline(always)]
    pub fn has(&self, t: u16) -> bool {
        self.traits & t != 0
    }
    #[inline(always)]
    pub fn is(&self, f: u32) -> bool {
        self.flags & f != 0
    }
    #[inline(always)]
    pub fn awareness(&self) -> f32 {
        self.awareness as f32 * (1.0 / 255.0)
    }
    #[inline(always)]
    pub fn set_awareness(&mut self, a: f32) {
        // `x.round()` without a call into libm (x86-64's baseline has no rounding instruction):
        // for 0 <= x <= 255 the fraction `x - trunc(x)` is exact, and halves round up. A NaN
        // gives 0, as `round() as u8` does.
        let x = a.clamp(0.0, 1.0) * 255.0;
        let t = x as u8;
        self.awareness = t + (x - t as f32 >= 0.5) as u8;
    }
    /// Age in month `t`: everyone enters the pool at `age_min`.
    #[inline(always)]
    pub fn age(&self, t: i32, age_min: u32) -> i32 {
        age_min as i32 + (t - self.entry as i32).max(0) / 12
    }
    #[inline(always)]
    pub fn set_state(&mut self, s: State) {
        self.state = s;
        self.months_in_state = 0;
    }
    /// Channel index of the current episode.
    #[inline(always)]
    pub fn channel(&self) -> usize {
        ((self.flags & fl::CHANNEL_MASK) >> fl::CHANNEL_SHIFT) as usize
    }
    /// The counters' group of this person: `woman + 2 * skilled` (`stats::GROUPS`).
    #[inline(always)]
    pub fn group(&self) -> usize {
        (self.traits & (tr::WOMAN | tr::SKILLED)) as usize
    }
    /// The sampling stratum the agent was drawn in (which weight it carries).
    #[inline(always)]
    pub fn stratum(&self) -> usize {
        (self.traits >> tr::STRATUM_SHIFT) as usize
    }
    #[inline(always)]
    pub fn set_stratum(&mut self, s: usize) {
        self.traits = (self.traits & !tr::STRATUM_MASK) | ((s as u16) << tr::STRATUM_SHIFT);
    }
    /// The counters' cell of this person: its group, within its stratum
    /// (`group + GROUPS * stratum`).
    #[inline(always)]
    pub fn cell(&self) -> usize {
        self.group() + super::stats::GROUPS * self.stratum()
    }
    /// Net worth in money: cash minus debt (for the ledger check).
    #[inline(always)]
    pub fn net_worth(&self) -> f64 {
        self.savings as f64 - self.debt as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awareness_rounds_as_round_does() {
        let mut a: Agent = unsafe { std::mem::zeroed() };
        // Every value near each half-step and each step, and a sweep of [0, 1] past both ends.
        let mut xs: Vec<f32> = vec![f32::NAN, -1.0, -0.0, 2.0, f32::INFINITY];
        for k in 0..=256 {
            for centre in [k as f32 / 255.0, (k as f32 + 0.5) / 255.0] {
                let mut x = centre;
                for _ in 0..64 {
                    x = x.next_down();
                }
                for _ in 0..128 {
                    xs.push(x);
                    x = x.next_up();
                }
            }
        }
        xs.extend((0..=1_000_000).map(|j| j as f32 / 1_000_000.0));
        for x in xs {
            a.set_awareness(x);
            assert_eq!(
                a.awareness,
                (x.clamp(0.0, 1.0) * 255.0).round() as u8,
                "{x}"
            );
        }
    }
}
