//! Keyed random streams.
//!
//! No random draw in the engine comes from a shared generator. Every draw comes from a small
//! generator seeded by hashing (seed, replicate, entity, month, purpose), so any thread may step
//! any agent and get the same numbers, and two scenarios run with the same seed give agent `i`
//! the same draws for the same purpose (common random numbers).

use std::convert::Infallible;

/// What a stream is for. Each decision draws from its own stream so that a policy changing how
/// many draws one phase makes does not shift the draws of another. Within a purpose, the
/// `sub` of a stream (a `u16`, so it can never reach the purpose's bits of the key) tells
/// decisions apart; every use is listed here:
///
/// | purpose | entity | sub |
/// |---|---|---|
/// | `Init` | agent | 0: drawing the person |
/// | `Aspiration` | agent | 0: campaign and aspiration draws |
/// | `Offers` | agent | 0: which sources reach the seeker; 1 + k: the offer of direct kind k |
/// | `BrokerOffer` | agent | broker kind |
/// | `CrossBorderOffer` | agent | 0 |
/// | `Choice` | agent | 0 |
/// | `Matching` | agent, kind, destination | 0: priority, places; 1: broker places; 2: an applicant standing for more units of weight than the places left |
/// | `Finance` | agent | lender index (fixed: access); 1 (monthly): visa screening |
/// | `SafeLoan` | agent | 0 (fixed: access) |
/// | `Journey` | agent | 0: legs; 1: detention; 2: stranded |
/// | `Work`, `Return` | agent | 0 |
/// | `Exit` | agent | 0: identification at work, escape; 1: contract end; 2: identification while captive, detained or stranded |
/// | `Recruiter` | recruiter | 0: enforcement, entry and an entrant's traits; 2: a broker finds a principal; 3: reached through its chain |
/// | `Market` | recruiter | 0 (fixed): complies with a cap; 1 (fixed): driven out as a broker; 2: reviews its compliance; 3 (fixed): registered as a broker; 4 (fixed): keeps the licence conditions; 5 (at creation): its traits; 6 (at creation): a broker's first principal; 7: caught breaking the licence conditions |
#[derive(Clone, Copy, Debug)]
#[repr(u16)]
pub enum Purpose {
    Init = 1,
    Aspiration,
    Offers,
    Choice,
    Matching,
    Finance,
    Journey,
    Work,
    Exit,
    Return,
    Recruiter,
    Market,
    BrokerOffer,
    CrossBorderOffer,
    SafeLoan,
}

/// The entities streams are keyed by, each sort in a range of its own: agents from 0 (fewer
/// than 2^40), then recruiters, destinations and recruiter kinds.
pub mod entity {
    /// Recruiter `r`.
    #[inline(always)]
    pub fn recruiter(r: usize) -> u64 {
        (1 << 40) + r as u64
    }
    /// Destination `d`.
    #[inline(always)]
    pub fn destination(d: usize) -> u64 {
        (1 << 41) + d as u64
    }
    /// Recruiter kind `k`.
    #[inline(always)]
    pub fn kind(k: usize) -> u64 {
        (1 << 42) + k as u64
    }
}

/// SplitMix64 finaliser: a strong 64-bit mixing function.
#[inline(always)]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;
/// An odd constant unrelated to `GOLDEN`, so that entity and tag bits do not cancel.
const TAG_MUL: u64 = 0xd6e8_feb8_6659_fd93;

/// The key of one replicate of one run: derived from the base seed and the replicate only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunKey(u64);

impl RunKey {
    pub fn new(seed: u64, replicate: u32) -> Self {
        RunKey(mix(
            mix(seed ^ 0x5eed) ^ (replicate as u64 + 1).wrapping_mul(GOLDEN)
        ))
    }

    /// A stream for one entity (agent or recruiter) in one month for one purpose. `sub`
    /// separates several independent decisions within a purpose. One mix of the combined key:
    /// distinct keys collide with probability about 2^-64 per pair.
    #[inline(always)]
    pub fn stream(self, entity: u64, month: u32, purpose: Purpose, sub: u16) -> Stream {
        let tag = ((month as u64) << 32) | ((purpose as u64) << 16) | sub as u64;
        Stream {
            s: mix(self.0 ^ entity.wrapping_mul(GOLDEN) ^ tag.wrapping_mul(TAG_MUL)),
        }
    }

    /// A fixed draw in [0, 1) for an entity and purpose that does not change over time (e.g.
    /// whether a household can borrow from microfinance at all).
    #[inline(always)]
    pub fn fixed(self, entity: u64, purpose: Purpose, sub: u16) -> f32 {
        self.stream(entity, u32::MAX, purpose, sub).uniform()
    }
}

/// The top 24 bits of a draw as a uniform number in [0, 1).
#[inline(always)]
fn to_uniform(x: u64) -> f32 {
    (x >> 40) as f32 * (1.0 / 16_777_216.0)
}

/// A SplitMix64 generator: one add and one mix per draw.
#[derive(Clone, Debug)]
pub struct Stream {
    s: u64,
}

impl Stream {
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        self.s = self.s.wrapping_add(GOLDEN);
        mix(self.s)
    }

    /// Uniform in [0, 1) with 24 bits.
    #[inline(always)]
    pub fn uniform(&mut self) -> f32 {
        to_uniform(self.next_u64())
    }

    /// The uniform draw `k` places ahead (1: the next one), without taking it or the draws
    /// before it: a SplitMix64 stream is a counter, so each draw depends on its position only.
    /// A caller that needs some of a stream's draws only under some condition can so take just
    /// those it uses, each the same number as in order, and skip the mixing of the others.
    #[inline(always)]
    pub fn uniform_ahead(&self, k: u64) -> f32 {
        to_uniform(mix(self.s.wrapping_add(GOLDEN.wrapping_mul(k))))
    }

    /// True with probability `p`: `uniform() < p`. The draw's 24 bits `n` are compared with
    /// `p` scaled up by 2^24 instead of `n` scaled down: scaling by a power of two is exact
    /// (the product is at most 2^24 below, and an overflow to infinity is still above every
    /// `n`), so the answer is the same, and the multiplication no longer waits for the draw.
    #[inline(always)]
    pub fn chance(&mut self, p: f32) -> bool {
        ((self.next_u64() >> 40) as f32) < p * 16_777_216.0
    }

    /// How many of the 2^24 values of a draw's 24 bits make `chance(p)` (and `uniform() < p`)
    /// true: the exact probability of either is this ÷ 2^24. Counts of expected outcomes are
    /// kept in these units, as whole numbers, so their sums are exact in any order.
    #[inline(always)]
    pub fn chance_units(p: f32) -> u64 {
        (p * 16_777_216.0).ceil().clamp(0.0, 16_777_216.0) as u64
    }

    /// A standard normal draw (Box–Muller, one of the pair).
    #[inline]
    pub fn normal(&mut self) -> f32 {
        let u1 = ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / 9_007_199_254_740_992.0);
        let u2 = (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0);
        ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
    }

    /// A lognormal draw with the given median and log-scale sigma.
    #[inline]
    pub fn lognormal(&mut self, median: f32, sigma: f32) -> f32 {
        if sigma == 0.0 {
            median
        } else {
            median * (sigma * self.normal()).exp()
        }
    }

    /// Index drawn in proportion to `weights` (all non-negative); `None` if they sum to zero.
    #[inline]
    pub fn pick(&mut self, weights: &[f32]) -> Option<usize> {
        let total: f32 = weights.iter().sum();
        if total <= 0.0 {
            return None;
        }
        let mut x = self.uniform() * total;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return Some(i);
            }
            x -= w;
        }
        weights.iter().rposition(|&w| w > 0.0)
    }

    /// Uniform index below `n` (n > 0).
    #[inline(always)]
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }
}

/// So that `rand_distr` distributions can draw from a keyed stream.
impl rand::TryRng for Stream {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((Stream::next_u64(self) >> 32) as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(Stream::next_u64(self))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let b = Stream::next_u64(self).to_le_bytes();
            chunk.copy_from_slice(&b[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chance_units_counts_exactly_the_draws_that_pass() {
        // Every one of the 2^24 values a draw's 24 bits can take, for probabilities on and off
        // the grid of 2^-24, at the ends, and out of range.
        for p in [
            0.0f32,
            -0.5,
            1e-9,
            1e-7,
            0.0123,
            0.25,
            1.0 / 3.0,
            0.999_999,
            1.0,
            1.5,
        ] {
            let chance = (0u32..1 << 24)
                .filter(|&n| (n as f32) < p * 16_777_216.0)
                .count() as u64;
            let uniform = (0u32..1 << 24)
                .filter(|&n| (n as f32) * (1.0 / 16_777_216.0) < p)
                .count() as u64;
            assert_eq!(Stream::chance_units(p), chance, "p = {p}");
            assert_eq!(Stream::chance_units(p), uniform, "p = {p}");
        }
    }

    #[test]
    fn same_key_same_draws_different_purpose_different_draws() {
        let k = RunKey::new(7, 0);
        let a: Vec<u64> = (0..4)
            .map(|_| k.stream(5, 3, Purpose::Work, 0).next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            k.stream(5, 3, Purpose::Work, 0).next_u64(),
            k.stream(5, 3, Purpose::Exit, 0).next_u64()
        );
        assert_ne!(
            k.stream(5, 3, Purpose::Work, 0).next_u64(),
            RunKey::new(7, 1).stream(5, 3, Purpose::Work, 0).next_u64()
        );
    }

    #[test]
    fn the_streams_of_many_kinds_never_coincide() {
        // Direct offers of 2,000 kinds, broker offers of 2,000 broker kinds, the cross-border
        // offer and the reach draw of one agent in one month: all distinct streams.
        let k = RunKey::new(11, 0);
        let mut seen = std::collections::HashSet::new();
        let mut n = 0;
        let mut add = |p: Purpose, sub: u16| {
            n += 1;
            seen.insert(k.stream(42, 7, p, sub).next_u64());
        };
        add(Purpose::Offers, 0);
        add(Purpose::CrossBorderOffer, 0);
        for kind in 0..2000u16 {
            add(Purpose::Offers, 1 + kind);
            add(Purpose::BrokerOffer, kind);
        }
        for lender in 0..2000u16 {
            add(Purpose::Finance, lender);
        }
        add(Purpose::SafeLoan, 0);
        assert_eq!(seen.len(), n);
    }

    #[test]
    fn a_draw_ahead_is_the_draw_in_order() {
        let k = RunKey::new(3, 1);
        for e in 0..50 {
            let s = k.stream(e, 9, Purpose::Aspiration, 0);
            let mut t = s.clone();
            for ahead in 1..6 {
                assert_eq!(s.uniform_ahead(ahead).to_bits(), t.uniform().to_bits());
            }
        }
    }

    #[test]
    fn chance_is_a_uniform_draw_under_p() {
        // Every 24-bit draw against thresholds on and next to each multiple of 2^-24, and
        // numbers that are not probabilities.
        let mut ps = vec![
            0.0f32,
            -0.0,
            -1.0,
            1.0,
            2.0,
            1e30,
            f32::INFINITY,
            f32::NAN,
            1e-45,
        ];
        for n in [
            0u32, 1, 2, 3, 1000, 4_194_304, 8_388_607, 16_777_214, 16_777_215,
        ] {
            let x = n as f32 / 16_777_216.0;
            ps.extend([x.next_down(), x, x.next_up()]);
        }
        let k = RunKey::new(5, 0);
        for e in 0..20_000 {
            let s = k.stream(e, 1, Purpose::Work, 0);
            for &p in &ps {
                let (mut a, mut b) = (s.clone(), s.clone());
                assert_eq!(a.chance(p), b.uniform() < p, "{p}");
            }
        }
        for n in 0..(1u64 << 24) {
            let x = (n << 40) | 0xff_ffff;
            let u = (x >> 40) as f32 * (1.0 / 16_777_216.0);
            for p in [u, u.next_up(), u.next_down()] {
                assert_eq!(((x >> 40) as f32) < p * 16_777_216.0, u < p);
            }
        }
    }

    #[test]
    fn uniform_mean_and_chance() {
        let k = RunKey::new(1, 0);
        let n = 200_000;
        let mut hits = 0;
        let mut sum = 0.0f64;
        for i in 0..n {
            let mut s = k.stream(i, 0, Purpose::Init, 0);
            sum += s.uniform() as f64;
            if s.chance(0.1) {
                hits += 1;
            }
        }
        assert!((sum / n as f64 - 0.5).abs() < 0.005);
        assert!((hits as f64 / n as f64 - 0.1).abs() < 0.005);
    }
}
