//! A block's masks from AVX-512BW compares, on CPUs that have them (asked at run time): one
//! 64-byte compare into a mask register per class, where the baseline build (SSE2) makes four
//! 16-byte compares and four `pmovmskb`s and joins them. The masks are the same; the tests compare
//! both on every byte at every position.

// One of the library's two `unsafe` modules (the other is webhook/alongside.rs; a test allocator in
// core/tests has its own): calling a function
// compiled for AVX-512BW, which is sound because an `Avx512` exists only where the CPU has it,
// and the one unaligned 64-byte load.
#![allow(unsafe_code)]

use std::arch::x86_64::{
    __m512i, _mm512_cmpeq_epi8_mask, _mm512_cmple_epu8_mask, _mm512_loadu_si512, _mm512_or_si512, _mm512_set1_epi8,
    _mm512_sub_epi8,
};

use super::{Classes, Numbers};

/// Proof that the CPU has AVX-512BW: made only by [`Avx512::detect`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Avx512(());

#[expect(clippy::unused_self, reason = "`self` is the proof that the CPU has AVX-512BW")]
impl Avx512 {
    /// `Some` on a CPU with AVX-512BW (the standard library asks the CPU once and keeps the answer).
    pub(super) fn detect() -> Option<Avx512> {
        std::is_x86_feature_detected!("avx512bw").then_some(Avx512(()))
    }

    /// [`Classes::of`] the block.
    pub(super) fn classes(self, block: &[u8; 64]) -> Classes {
        // SAFETY: `self` proves the CPU has AVX-512BW.
        unsafe { classes(block) }
    }

    /// [`Numbers::of`] the block.
    pub(super) fn numbers(self, block: &[u8; 64]) -> Numbers {
        // SAFETY: `self` proves the CPU has AVX-512BW.
        unsafe { numbers(block) }
    }
}

#[target_feature(enable = "avx512bw")]
fn load(block: &[u8; 64]) -> __m512i {
    // SAFETY: `block` is 64 readable bytes, and this load takes any alignment.
    unsafe { _mm512_loadu_si512(block.as_ptr().cast()) }
}

/// The bytes equal to `byte`.
#[target_feature(enable = "avx512bw")]
fn equal(v: __m512i, byte: u8) -> u64 {
    _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(i8::from_ne_bytes([byte])))
}

/// The bytes at most `byte`, unsigned.
#[target_feature(enable = "avx512bw")]
fn at_most(v: __m512i, byte: u8) -> u64 {
    _mm512_cmple_epu8_mask(v, _mm512_set1_epi8(i8::from_ne_bytes([byte])))
}

#[target_feature(enable = "avx512bw")]
fn classes(block: &[u8; 64]) -> Classes {
    let v = load(block);
    // `[`/`{` and `]`/`}` differ only in bit 0x20.
    let folded = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
    Classes {
        quote: equal(v, b'"'),
        backslash: equal(v, b'\\'),
        control: at_most(v, 0x1F),
        space: at_most(v, b' '),
        open: equal(folded, b'{'),
        close: equal(folded, b'}'),
        comma: equal(v, b','),
        colon: equal(v, b':'),
    }
}

#[target_feature(enable = "avx512bw")]
fn numbers(block: &[u8; 64]) -> Numbers {
    let v = load(block);
    Numbers {
        digit: at_most(_mm512_sub_epi8(v, _mm512_set1_epi8(0x30)), 9),
        zero: equal(v, b'0'),
        dot: equal(v, b'.'),
        minus: equal(v, b'-'),
    }
}
