//! Classifies 64 bytes at a time into bit masks (quotes, backslashes, brackets), so that the
//! reader skips strings and containers it does not keep with a few word operations per block
//! instead of a branch per byte, whatever the text holds: escape-dense script and JSON bodies,
//! base64 images, header lists.
//!
//! On x86-64 the masks come from SSE2 compares and `movemask` (through `safe_arch`, which
//! exposes those instructions as safe functions: this crate stays free of `unsafe`), sixteen
//! bytes per instruction. Elsewhere a portable version compares a byte at a time, in a loop the
//! compiler vectorises, and gathers each 8 bytes' results into mask bits with one multiplication;
//! the tests check the two against each other and against a byte-by-byte reference.
//!
//! The masks follow the JSON rules a skipper needs: a backslash escapes the next byte, so a
//! quote is a string's end only after an even run of backslashes; brackets count only outside
//! strings. State carried from one block to the next (an escape pending at the boundary, being
//! inside a string) lets a caller mix blocks with byte-at-a-time steps at the buffer's edges.

/// Bytes per block (one bit each in a `u64` mask).
pub const BLOCK: usize = 64;

/// Bits 0, 2, 4, …
const EVEN_BITS: u64 = 0x5555_5555_5555_5555;
const ODD_BITS: u64 = !EVEN_BITS;

/// Where a block's bytes are `"`, `\`, an opening bracket (`{` `[`) or a closing one (`}` `]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classes {
    pub quote: u64,
    pub backslash: u64,
    pub open: u64,
    pub close: u64,
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub use sse2::{container_classes, string_classes, whitespace_run};

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
pub use portable::{container_classes, string_classes, whitespace_run};

/// Bytes in a run of white space (a pretty-printed file's indentation) crossed at once.
pub const RUN: usize = 16;

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use super::{Classes, BLOCK};
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };

    #[inline(always)]
    fn lanes(block: &[u8; BLOCK]) -> [m128i; 4] {
        std::array::from_fn(|k| {
            let bytes: &[u8; 16] = block[16 * k..16 * k + 16].try_into().expect("16 bytes");
            load_unaligned_m128i(bytes)
        })
    }

    /// The bits of the 64 bytes equal to `byte`.
    #[inline(always)]
    fn equal(lanes: &[m128i; 4], byte: u8) -> u64 {
        let splat = set_splat_i8_m128i(byte as i8);
        let mut mask = 0;
        for (k, &lane) in lanes.iter().enumerate() {
            let bits = move_mask_i8_m128i(cmp_eq_mask_i8_m128i(lane, splat)) as u32 as u64;
            mask |= (bits & 0xFFFF) << (16 * k);
        }
        mask
    }

    /// Quotes and backslashes only (all a string needs).
    #[inline(always)]
    pub fn string_classes(block: &[u8; BLOCK]) -> (u64, u64) {
        let lanes = lanes(block);
        (equal(&lanes, b'"'), equal(&lanes, b'\\'))
    }

    /// Every class a container needs.
    #[inline(always)]
    pub fn container_classes(block: &[u8; BLOCK]) -> Classes {
        let lanes = lanes(block);
        // '[' is 0x5B and '{' 0x7B, ']' 0x5D and '}' 0x7D: they differ only in bit 0x20, and
        // no other byte ORed with 0x20 gives 0x7B or 0x7D.
        let folded = lanes.map(|lane| bitor_m128i(lane, set_splat_i8_m128i(0x20)));
        Classes {
            quote: equal(&lanes, b'"'),
            backslash: equal(&lanes, b'\\'),
            open: equal(&folded, b'{'),
            close: equal(&folded, b'}'),
        }
    }

    /// How many of the bytes, from the first, are JSON white space (space, tab, CR, LF).
    #[inline(always)]
    pub fn whitespace_run(bytes: &[u8; super::RUN]) -> usize {
        let lane = load_unaligned_m128i(bytes);
        let mut space = 0;
        for byte in [b' ', b'\n', b'\r', b'\t'] {
            space |= move_mask_i8_m128i(cmp_eq_mask_i8_m128i(lane, set_splat_i8_m128i(byte as i8)));
        }
        (!space).trailing_zeros().min(16) as usize
    }
}

#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
mod portable {
    use super::{Classes, BLOCK};

    const QUOTE: u8 = 1;
    const BACKSLASH: u8 = 2;
    const OPEN: u8 = 4;
    const CLOSE: u8 = 8;
    const ONES: u64 = 0x0101_0101_0101_0101;

    /// One flag byte per input byte (a loop the compiler turns into vector compares), then, for
    /// the flag `bit`, its 64 values gathered into a mask.
    #[inline(always)]
    fn mask(flags: &[u8; BLOCK], bit: u32) -> u64 {
        let mut m = 0;
        for (k, word) in flags.chunks_exact(8).enumerate() {
            let w = (u64::from_le_bytes(word.try_into().expect("8 bytes")) >> bit) & ONES;
            // Byte j's bit 0 lands at bit 56+j through the multiplier's byte 7-j, and no two
            // partial products share a bit, so there are no carries.
            m |= (w.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
        }
        m
    }

    /// Quotes and backslashes only (all a string needs).
    #[inline(always)]
    pub fn string_classes(block: &[u8; BLOCK]) -> (u64, u64) {
        let mut flags = [0u8; BLOCK];
        for (f, &b) in flags.iter_mut().zip(block) {
            *f = (u8::from(b == b'"') * QUOTE) | (u8::from(b == b'\\') * BACKSLASH);
        }
        (mask(&flags, 0), mask(&flags, 1))
    }

    /// Every class a container needs.
    #[inline(always)]
    pub fn container_classes(block: &[u8; BLOCK]) -> Classes {
        let mut flags = [0u8; BLOCK];
        for (f, &b) in flags.iter_mut().zip(block) {
            let folded = b | 0x20;
            *f = (u8::from(b == b'"') * QUOTE)
                | (u8::from(b == b'\\') * BACKSLASH)
                | (u8::from(folded == b'{') * OPEN)
                | (u8::from(folded == b'}') * CLOSE);
        }
        Classes {
            quote: mask(&flags, 0),
            backslash: mask(&flags, 1),
            open: mask(&flags, 2),
            close: mask(&flags, 3),
        }
    }

    /// How many of the bytes, from the first, are JSON white space (space, tab, CR, LF).
    #[inline(always)]
    pub fn whitespace_run(bytes: &[u8; super::RUN]) -> usize {
        bytes
            .iter()
            .position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
            .unwrap_or(super::RUN)
    }
}

/// The bytes of a block that a backslash escapes, other than backslashes themselves: a quote
/// here is text, not a string's end. `pending` says the block's first byte is escaped (the last
/// block ended in an escaping backslash) and is updated for the next block.
#[inline(always)]
pub fn escaped(backslash: u64, pending: &mut bool) -> u64 {
    let carried = u64::from(*pending);
    // An escaped backslash escapes nothing: drop it, so that the runs below start fresh.
    let b = backslash & !carried;
    if b == 0 {
        *pending = false;
        return carried & !backslash;
    }
    let starts = b & !(b << 1);
    // Adding a run's start bit to the run carries through it and sets the bit just after it.
    // A run of odd length escapes the byte after it: that byte sits at the other parity from
    // the run's start.
    let after_even_starts = b.wrapping_add(starts & EVEN_BITS) & !b;
    let after_odd_starts = b.wrapping_add(starts & ODD_BITS) & !b;
    let escaped =
        (after_even_starts & ODD_BITS) | (after_odd_starts & EVEN_BITS) | (carried & !backslash);
    // The run reaching bit 63 escapes the next block's first byte when its length is odd.
    *pending = b >> 63 == 1 && b.leading_ones() % 2 == 1;
    escaped
}

/// Bit i set when an odd number of bits 0..=i of `x` are set: with `x` the unescaped quotes,
/// the bytes from a string's opening quote up to (not including) its closing one.
#[inline(always)]
pub fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Byte-at-a-time reference: escaped non-backslash positions, and the pending flag.
    fn reference(bytes: &[u8], mut pending: bool) -> (u64, bool) {
        let mut mask = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if pending {
                pending = false;
                if b != b'\\' {
                    mask |= 1 << i;
                }
            } else if b == b'\\' {
                pending = true;
            }
        }
        (mask, pending)
    }

    fn block_of(bytes: &[u8]) -> [u8; BLOCK] {
        bytes.try_into().unwrap()
    }

    #[test]
    fn masks_match_a_byte_at_a_time_scan() {
        // A small xorshift: deterministic, no dependency.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b"\\\\\\\"\"{}[]ax\x00\xff\x7b\x5b\xdb\xfd";
        for round in 0..20_000 {
            let mut bytes = [0u8; BLOCK];
            for b in bytes.iter_mut() {
                *b = if round % 3 == 0 {
                    (next() & 0xff) as u8
                } else {
                    alphabet[(next() % alphabet.len() as u64) as usize]
                };
            }
            let c = container_classes(&bytes);
            let (q, bs) = string_classes(&bytes);
            assert_eq!((q, bs), (c.quote, c.backslash));
            assert_eq!(c, portable::container_classes(&bytes));
            assert_eq!((q, bs), portable::string_classes(&bytes));
            for (i, &b) in bytes.iter().enumerate() {
                assert_eq!(c.quote >> i & 1 == 1, b == b'"', "{bytes:?} {i}");
                assert_eq!(c.backslash >> i & 1 == 1, b == b'\\');
                assert_eq!(c.open >> i & 1 == 1, b == b'{' || b == b'[');
                assert_eq!(c.close >> i & 1 == 1, b == b'}' || b == b']');
            }
            for start in [false, true] {
                let mut pending = start;
                let got = escaped(c.backslash, &mut pending);
                let (want, want_pending) = reference(&bytes, start);
                assert_eq!(
                    got,
                    want,
                    "{:?} pending {start}",
                    String::from_utf8_lossy(&bytes)
                );
                assert_eq!(pending, want_pending);
            }
        }
    }

    #[test]
    fn runs_of_backslashes_across_blocks() {
        for run in 0..200 {
            for offset in 0..BLOCK {
                let mut text = vec![b'a'; offset];
                text.extend(std::iter::repeat_n(b'\\', run));
                text.push(b'"');
                text.resize(text.len().div_ceil(BLOCK) * BLOCK, b'a');
                let mut pending = false;
                let mut found = None;
                for (n, chunk) in text.chunks_exact(BLOCK).enumerate() {
                    let (q, bs) = string_classes(&block_of(chunk));
                    let live = q & !escaped(bs, &mut pending);
                    if live != 0 {
                        found = Some(n * BLOCK + live.trailing_zeros() as usize);
                        break;
                    }
                }
                let quote_at = offset + run;
                if run % 2 == 0 {
                    assert_eq!(found, Some(quote_at), "run {run} offset {offset}");
                } else {
                    assert_eq!(found, None, "run {run} offset {offset}");
                }
            }
        }
    }

    #[test]
    fn whitespace_runs_match_the_portable_count() {
        let alphabet = b" \n\r\tx\x0b\x0c\"{\x00\xa0";
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            let mut bytes = [0u8; RUN];
            for b in bytes.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = alphabet[(state % alphabet.len() as u64) as usize];
            }
            let want = bytes
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
                .count();
            assert_eq!(whitespace_run(&bytes), want, "{bytes:?}");
            assert_eq!(portable::whitespace_run(&bytes), want, "{bytes:?}");
        }
        assert_eq!(whitespace_run(&[b' '; RUN]), RUN);
    }

    #[test]
    fn prefix_xor_marks_string_interiors() {
        assert_eq!(prefix_xor(0b10_1001_0010), 0b01_1000_1110);
        assert_eq!(prefix_xor(0b1001_0010), (!0 << 7) | 0b1110);
        assert_eq!(prefix_xor(0), 0);
        assert_eq!(prefix_xor(1 << 63), 1 << 63);
    }
}
