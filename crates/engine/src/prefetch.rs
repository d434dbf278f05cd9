//! A hint to the processor to start loading memory the pass will read shortly.
//!
//! Pass A reads the agents' records one after another, but each agent's month also reads and
//! writes elsewhere (its counters, the recruiters, the parameters), and the processor's own
//! prefetcher does not run far enough ahead of the stream: the pass waited on the next record.
//! Asking for the record some way ahead overlaps that wait with the work on the records before
//! it (docs/PERFORMANCE.md, "Reading the records ahead").
//! Pass B asks likewise for the record of an accepted applicant a few applications ahead. A
//! hint changes no value: the output is the same with or without it, and on other targets it
//! does nothing.

/// Records ahead of the one being stepped that pass A asks for: far enough that the load is done
/// when the pass gets there, near enough that the record is still in the cache. 8, 16 and 32
/// measured the same.
pub const AHEAD: usize = 16;

/// Applications ahead whose agent record pass B asks for (the accepted are a few of them, and
/// their records are scattered).
pub const AHEAD_B: usize = 4;

/// Ask for the cache line holding `x` to be loaded.
#[inline(always)]
pub fn read<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints; it reads nothing into the program and cannot fault, and
    // the address is that of a live reference.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(x as *const T as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}
