//! zlib's `deflate_slow` (lazy matching) at level 6 with `Z_FILTERED`, on absolute positions.
//!
//! At each step zlib inserts the position, looks for a match if the previous one is shorter
//! than `max_lazy` (16), drops matches of 5 bytes or fewer (`Z_FILTERED`), and emits the previous
//! match when the new one is not longer, else a literal for the previous position. A block ends
//! when its symbol buffer (`lit_bufsize − 1` = 32767 symbols for memLevel 9) is full.
//!
//! zlib's window slides (by 32 KiB, when a refill finds the position at least
//! `WSIZE + MAX_DIST` into the window) matter in two places, both reproduced: a block may be
//! stored raw only while its first byte is still in the window, and a chain entry a slide has
//! turned into `NIL` is never looked at. When zlib refills depends on how the input is fed
//! (whole, or a Pillow row at a time), which is why [`Feed`] is part of the parse.

use super::block::{Sym, literal, matched};
use super::matcher::{MAX_DIST, MIN_LOOKAHEAD, Matcher, WSIZE};

/// zlib's `lit_bufsize − 1` for memLevel 9: symbols per block.
pub const SYMS_PER_BLOCK: usize = (1 << (9 + 6)) - 1;
const MAX_LAZY: usize = 16;
const GOOD_LENGTH: usize = 8;
const NICE_LENGTH: usize = 128;
const MAX_CHAIN: u16 = 128;

/// A finished block: its symbols are `syms[sym_start..sym_end]`, its bytes `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockSpan {
    /// First symbol.
    pub sym_start: usize,
    /// One past the last symbol.
    pub sym_end: usize,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Whether zlib still has the block's bytes in its window (a stored block is possible).
    pub stored_ok: bool,
    /// The final block.
    pub last: bool,
}

/// The parse of an input: its symbols and blocks.
#[derive(Default)]
pub struct Parse {
    /// Every symbol, in order.
    pub syms: Vec<Sym>,
    /// Every block, in order.
    pub blocks: Vec<BlockSpan>,
}

/// Parses `d[..n]` (`d` carries [`super::matcher::PAD`] more bytes) as zlib does when the
/// input arrives `chunk` bytes per `deflate` call (`n` or more: all at once).
pub fn parse(d: &[u8], n: usize, chunk: usize, out: &mut Parse) {
    let chunk = chunk.max(1);
    let mut m = Matcher::default();
    let syms = &mut out.syms;
    syms.reserve(n / 3 + 16);
    // zlib's state: the position, how far the window has slid, how much of the input is in
    // the window and how much has been handed to deflate.
    let (mut s, mut offset, mut filled, mut provided) = (0usize, 0usize, 0usize, 0usize);
    let (mut block_start, mut block_sym_start) = (0usize, 0usize);
    let mut match_available = false;
    let mut match_length = 2usize;
    let mut match_start = 0usize;
    loop {
        if filled - s < MIN_LOOKAHEAD {
            // fill_window, and another deflate() call with the next piece while zlib asks
            // for more input.
            loop {
                if s - offset >= WSIZE + MAX_DIST {
                    offset += WSIZE;
                }
                filled = (offset + 2 * WSIZE).min(provided);
                if filled - s >= MIN_LOOKAHEAD || provided == n {
                    break;
                }
                provided = (provided + chunk).min(n);
            }
            if filled == s {
                break;
            }
        }
        let lookahead = filled - s;
        let rank = if lookahead >= 3 { m.insert(d, s, n) } else { 0 };
        let prev_length = match_length;
        let prev_match = match_start;
        match_length = 2;
        if prev_length < MAX_LAZY && lookahead >= 6 {
            let chain = if prev_length >= GOOD_LENGTH {
                MAX_CHAIN >> 2
            } else {
                MAX_CHAIN
            };
            let need = prev_length.max(5);
            if let Some((len, start)) = m.find(
                d,
                s,
                rank,
                need,
                chain,
                NICE_LENGTH.min(lookahead),
                258.min(lookahead),
                offset,
            ) {
                match_length = len;
                match_start = start;
            }
        }
        if prev_length >= 3 && match_length <= prev_length {
            syms.push(matched(prev_length, s - 1 - prev_match));
            let end = s - 1 + prev_length;
            for p in s + 1..end {
                if p + 3 <= filled {
                    m.insert(d, p, n);
                }
            }
            match_available = false;
            match_length = 2;
            s = end;
            if syms.len() - block_sym_start == SYMS_PER_BLOCK {
                out.blocks.push(BlockSpan {
                    sym_start: block_sym_start,
                    sym_end: syms.len(),
                    start: block_start,
                    end: s,
                    stored_ok: block_start >= offset,
                    last: false,
                });
                (block_start, block_sym_start) = (s, syms.len());
            }
        } else if match_available {
            syms.push(literal(d[s - 1]));
            if syms.len() - block_sym_start == SYMS_PER_BLOCK {
                out.blocks.push(BlockSpan {
                    sym_start: block_sym_start,
                    sym_end: syms.len(),
                    start: block_start,
                    end: s,
                    stored_ok: block_start >= offset,
                    last: false,
                });
                (block_start, block_sym_start) = (s, syms.len());
            }
            s += 1;
        } else {
            match_available = true;
            s += 1;
        }
    }
    if match_available {
        syms.push(literal(d[s - 1]));
    }
    out.blocks.push(BlockSpan {
        sym_start: block_sym_start,
        sym_end: syms.len(),
        start: block_start,
        end: s,
        stored_ok: block_start >= offset,
        last: true,
    });
}
