//! Classifies 64 bytes at a time into bit masks (quotes, backslashes, brackets), so that the
//! reader skips strings and containers it does not keep with a few word operations per block
//! instead of a branch per byte, whatever the text holds: escape-dense script and JSON bodies,
//! base64 images, header lists. Safe code only: the compiler vectorises the per-byte compares,
//! and each 8 bytes' results are gathered into mask bits with one multiplication.
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

const QUOTE: u8 = 1;
const BACKSLASH: u8 = 2;
const OPEN: u8 = 4;
const CLOSE: u8 = 8;

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

const ONES: u64 = 0x0101_0101_0101_0101;

/// Where a block's bytes are `"`, `\`, an opening bracket (`{` `[`) or a closing one (`}` `]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classes {
    pub quote: u64,
    pub backslash: u64,
    pub open: u64,
    pub close: u64,
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
        // '[' is 0x5B and '{' 0x7B, ']' 0x5D and '}' 0x7D: they differ only in bit 0x20, and
        // no other byte ORed with 0x20 gives 0x7B or 0x7D.
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
    fn prefix_xor_marks_string_interiors() {
        assert_eq!(prefix_xor(0b10_1001_0010), 0b01_1000_1110);
        assert_eq!(prefix_xor(0b1001_0010), (!0 << 7) | 0b1110);
        assert_eq!(prefix_xor(0), 0);
        assert_eq!(prefix_xor(1 << 63), 1 << 63);
    }
}
