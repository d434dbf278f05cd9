//! Choosing between two numbers without a branch, where the choice varies from agent to agent
//! (a trait, whether a household has debt) and a branch would be mispredicted about as often as
//! not.
//!
//! x86-64's baseline has no conditional move between float registers, so the compiler turns a
//! select between floats on a boolean into a branch, even one marked unpredictable and even when
//! written as a select between their bits (it sees through that). These choose with a
//! conditional move between the numbers' bits in integer registers. The result is one of the two
//! numbers, bit for bit, exactly as an `if` would give; other targets use the `if`.

/// `if c { a } else { b }`, without a branch.
#[inline(always)]
pub fn f32(c: bool, a: f32, b: f32) -> f32 {
    f32::from_bits(bits32(c, a.to_bits(), b.to_bits()))
}

/// `if c { a } else { b }`, without a branch.
#[inline(always)]
pub fn f64(c: bool, a: f64, b: f64) -> f64 {
    f64::from_bits(bits64(c, a.to_bits(), b.to_bits()))
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn bits32(c: bool, a: u32, b: u32) -> u32 {
    let mut r = b;
    // SAFETY: a test and a conditional move between registers: no memory, no stack, no flags
    // kept.
    unsafe {
        std::arch::asm!(
            "test {c}, {c}",
            "cmovnz {r:e}, {a:e}",
            c = in(reg_byte) c as u8,
            a = in(reg) a,
            r = inout(reg) r,
            options(pure, nomem, nostack),
        );
    }
    r
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn bits64(c: bool, a: u64, b: u64) -> u64 {
    let mut r = b;
    // SAFETY: as in `bits32`.
    unsafe {
        std::arch::asm!(
            "test {c}, {c}",
            "cmovnz {r}, {a}",
            c = in(reg_byte) c as u8,
            a = in(reg) a,
            r = inout(reg) r,
            options(pure, nomem, nostack),
        );
    }
    r
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn bits32(c: bool, a: u32, b: u32) -> u32 {
    if c { a } else { b }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn bits64(c: bool, a: u64, b: u64) -> u64 {
    if c { a } else { b }
}

#[cfg(test)]
mod tests {
    #[test]
    fn selects_the_bits_an_if_would() {
        for (a, b) in [(1.5f32, -0.0f32), (f32::NAN, 3.0), (0.0, -0.0)] {
            assert_eq!(super::f32(true, a, b).to_bits(), a.to_bits());
            assert_eq!(super::f32(false, a, b).to_bits(), b.to_bits());
            let (a, b) = (a as f64, b as f64);
            assert_eq!(super::f64(true, a, b).to_bits(), a.to_bits());
            assert_eq!(super::f64(false, a, b).to_bits(), b.to_bits());
        }
    }
}
