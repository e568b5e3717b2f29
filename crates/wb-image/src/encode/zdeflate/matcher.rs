//! Match finding with exactly zlib's results, without walking zlib's hash chains.
//!
//! zlib (level 6, `deflate_slow`) inserts every position into a chain of earlier positions with
//! the same 16-bit hash of their next 3 bytes (`((b0 << 12) ^ (b1 << 6) ^ b2) & 0xffff`: a
//! function of the 3 bytes) and, at a position `s`, looks at up to `chain` (128, or 32 once the
//! previous match is at least 8 long) of the most recent ones within `MAX_DIST`, keeping the
//! first one that beats the best length so far, stopping at 128 (`nice`). With `Z_FILTERED`,
//! any match of 5 bytes or fewer is then thrown away, so only candidates whose first 6 bytes
//! equal those at `s` can change the output.
//!
//! So this matcher keeps, instead of zlib's chain, (a) a chain of earlier positions with the
//! same hash of their next 6 bytes (far shorter than the 3-byte chain on image data) and (b) for
//! every position its rank in its 3-byte hash class (a per-hash counter). A candidate `p` with
//! the same 6 bytes is in `s`'s 3-byte chain at depth `rank(s) − rank(p)`, so whether zlib would
//! have looked at it is known without walking: depth ≤ `chain`, and `p` within zlib's `limit`
//! (the chain's head may sit exactly at `MAX_DIST`, the rest must be nearer; a position zlib's
//! window slides have turned into `NIL` never counts). Candidates are met in the same
//! most-recent-first order as in zlib, so "the first that beats the best" picks the same one.

/// zlib's window size (`windowBits` 15).
pub const WSIZE: usize = 1 << 15;
const WMASK: usize = WSIZE - 1;
/// zlib's `MIN_LOOKAHEAD`: `MAX_MATCH + MIN_MATCH + 1`.
pub const MIN_LOOKAHEAD: usize = 258 + 3 + 1;
/// zlib's `MAX_DIST`: the farthest a match may reach back.
pub const MAX_DIST: usize = WSIZE - MIN_LOOKAHEAD;
/// Bits of the 6-byte hash.
const H6_BITS: u32 = 16;
/// The low 48 bits: 6 bytes of a little-endian load.
const MASK48: u64 = (1 << 48) - 1;
/// Bytes the input must carry after its end, so that 8-byte loads never fall outside it.
pub const PAD: usize = 8;

/// The next 8 bytes at `i` as a little-endian integer (0 if they are not all there, which the
/// padding rules out for every position read here).
#[inline(always)]
pub fn load64(d: &[u8], i: usize) -> u64 {
    d.get(i..i + 8)
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
        .map_or(0, u64::from_le_bytes)
}

/// zlib's 3-byte hash (hash_bits 16, hash_shift 6) of the low 3 bytes of `w`.
#[inline(always)]
fn hash3(w: u64) -> usize {
    ((((w & 0xff) << 12) ^ (((w >> 8) & 0xff) << 6) ^ ((w >> 16) & 0xff)) & 0xffff) as usize
}

/// A multiplicative hash of the low 6 bytes of `w`.
#[inline(always)]
fn hash6(w: u64) -> usize {
    ((w & MASK48).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - H6_BITS)) as usize
}

/// The match finder's tables.
pub struct Matcher {
    /// Positions inserted so far per 3-byte hash (wrapping).
    cnt3: Vec<u16>,
    /// The counter of each position's 3-byte hash right after its insertion.
    idx3: Vec<u16>,
    /// Most recent position per 6-byte hash.
    head6: Vec<u32>,
    /// The previous position with the same 6-byte hash, per position.
    prev6: Vec<u32>,
}

impl Default for Matcher {
    fn default() -> Self {
        Matcher {
            cnt3: vec![0; 1 << 16],
            idx3: vec![0; WSIZE],
            head6: vec![0; 1 << H6_BITS],
            prev6: vec![0; WSIZE],
        }
    }
}

impl Matcher {
    /// Inserts position `p` (which has at least 3 bytes before `n`), as zlib's
    /// `INSERT_STRING` does; returns its rank in its 3-byte hash class.
    #[inline(always)]
    pub fn insert(&mut self, d: &[u8], p: usize, n: usize) -> u16 {
        let w = load64(d, p);
        let h3 = hash3(w);
        let c = self.cnt3[h3].wrapping_add(1);
        self.cnt3[h3] = c;
        self.idx3[p & WMASK] = c;
        if p + 6 <= n {
            let h6 = hash6(w);
            self.prev6[p & WMASK] = self.head6[h6];
            self.head6[h6] = p as u32;
        }
        c
    }

    /// zlib's `longest_match` at `s` (inserted, with rank `rank`), restricted to what survives
    /// `Z_FILTERED`: the first candidate, most recent first, whose match is longer than `need`
    /// (≥ 5) and than every earlier candidate's, among those zlib would look at (`chain`
    /// deep, within `limit`; `offset` is how far zlib's window has slid). Lengths are capped
    /// at `max_len` (258, or the bytes left); the search stops at `nice`.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub fn find(
        &self,
        d: &[u8],
        s: usize,
        rank: u16,
        need: usize,
        chain: u16,
        nice: usize,
        max_len: usize,
        offset: usize,
    ) -> Option<(usize, usize)> {
        if max_len <= need {
            return None;
        }
        let lim = s.saturating_sub(MAX_DIST).max(offset);
        // The chain's head may sit exactly MAX_DIST back (zlib checks it by distance only),
        // unless a slide has made that position NIL.
        let head_at_lim = s >= MAX_DIST && s - MAX_DIST > offset;
        let key = load64(d, s) & MASK48;
        let mut p = self.prev6[s & WMASK] as usize;
        let mut best = need;
        let mut found = None;
        loop {
            if p <= lim {
                if p == lim
                    && head_at_lim
                    && load64(d, p) & MASK48 == key
                    && rank.wrapping_sub(self.idx3[p & WMASK]) == 1
                {
                    let len = match_len(d, p, s, max_len);
                    if len > best {
                        found = Some((len, p));
                    }
                }
                break;
            }
            if load64(d, p) & MASK48 == key {
                if rank.wrapping_sub(self.idx3[p & WMASK]) > chain {
                    break;
                }
                let len = match_len(d, p, s, max_len);
                if len > best {
                    best = len;
                    found = Some((len, p));
                    if len >= nice {
                        break;
                    }
                }
            }
            p = self.prev6[p & WMASK] as usize;
        }
        found
    }
}

/// Length of the common prefix of the bytes at `p` and at `s`, at most `max_len`.
#[inline(always)]
fn match_len(d: &[u8], p: usize, s: usize, max_len: usize) -> usize {
    let mut l = 0;
    while l < max_len {
        let x = load64(d, s + l) ^ load64(d, p + l);
        if x != 0 {
            return (l + (x.trailing_zeros() / 8) as usize).min(max_len);
        }
        l += 8;
    }
    max_len
}
