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
pub(crate) const WSIZE: usize = 1 << 15;
const WMASK: usize = WSIZE - 1;
/// zlib's `MIN_LOOKAHEAD`: `MAX_MATCH + MIN_MATCH + 1`.
pub(crate) const MIN_LOOKAHEAD: usize = 258 + 3 + 1;
/// zlib's `MAX_DIST`: the farthest a match may reach back.
pub(crate) const MAX_DIST: usize = WSIZE - MIN_LOOKAHEAD;
/// Bits of the 6-byte hash.
const H6_BITS: u32 = 17;
/// The low 48 bits: 6 bytes of a little-endian load.
const MASK48: u64 = (1 << 48) - 1;
/// Bytes the input must carry after its end, so that 8-byte loads never fall outside it.
pub(crate) const PAD: usize = 8;

/// The next 8 bytes at `i` as a little-endian integer (0 if they are not all there, which the
/// padding rules out for every position read here).
#[inline(always)]
pub(crate) fn load64(d: &[u8], i: usize) -> u64 {
    d.get(i..i + 8)
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
        .map_or(0, u64::from_le_bytes)
}

/// zlib's 3-byte hash (hash_bits 16, hash_shift 6) of the low 3 bytes of `w`.
#[inline(always)]
fn hash3(w: u64) -> usize {
    // ((b0 << 12) ^ (b1 << 6) ^ b2) & 0xffff, with b0..b2 the low bytes of w.
    usize::from(((w << 12) as u16) ^ ((w >> 2) as u16 & 0x3fc0) ^ u16::from((w >> 16) as u8))
}

/// A multiplicative hash of the low 6 bytes of `w`.
#[inline(always)]
fn hash6(w: u64) -> usize {
    ((w & MASK48).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - H6_BITS)) as usize
}

/// A zeroed boxed array (allocated zeroed, not built on the stack).
fn zeroed<T: Copy + Default, const N: usize>() -> Box<[T; N]> {
    vec![T::default(); N]
        .into_boxed_slice()
        .try_into()
        .unwrap_or_else(|_| Box::new([T::default(); N]))
}

/// The match finder's tables. Fixed-size arrays indexed by masked values, so that indexing
/// needs no bounds checks.
pub(crate) struct Matcher {
    /// Positions inserted so far per 3-byte hash (wrapping).
    cnt3: Box<[u16; 1 << 16]>,
    /// The counter of each position's 3-byte hash right after its insertion.
    idx3: Box<[u16; WSIZE]>,
    /// Most recent position per 6-byte hash.
    head6: Box<[u32; 1 << H6_BITS]>,
    /// The previous position with the same 6-byte hash, per position.
    prev6: Box<[u32; WSIZE]>,
}

impl Default for Matcher {
    fn default() -> Self {
        Matcher {
            cnt3: zeroed(),
            idx3: zeroed(),
            head6: zeroed(),
            prev6: zeroed(),
        }
    }
}

/// The match finder's tables, borrowed for a run of the parse (so that the compiler keeps
/// their addresses in registers).
pub(crate) struct Tab<'m> {
    cnt3: &'m mut [u16; 1 << 16],
    idx3: &'m mut [u16; WSIZE],
    head6: &'m mut [u32; 1 << H6_BITS],
    prev6: &'m mut [u32; WSIZE],
}

impl Matcher {
    /// Makes the tables ready for a new input. Only the 6-byte heads need clearing: the
    /// counters are only ever compared as differences between positions of one input, and
    /// the per-position entries are only read for positions inserted since (every chain
    /// starts from a cleared head).
    pub(crate) fn reset(&mut self) {
        self.head6.fill(0);
    }

    /// The tables, for a run of the parse.
    pub(crate) fn tab(&mut self) -> Tab<'_> {
        Tab {
            cnt3: &mut self.cnt3,
            idx3: &mut self.idx3,
            head6: &mut self.head6,
            prev6: &mut self.prev6,
        }
    }

    /// Inserts position `p` of `d[..n]` (with at least 3 bytes left).
    pub(crate) fn insert_at(&mut self, d: &[u8], p: usize, n: usize) {
        self.tab().insert_at(d, p, n);
    }
}

impl Tab<'_> {
    /// Inserts position `p` whose next 8 bytes are `w` and which has at least 6 bytes before
    /// the end, as zlib's `INSERT_STRING` does (and into the 6-byte chain); returns its rank in
    /// its 3-byte hash class and the previous head of its 6-byte chain.
    #[inline(always)]
    pub(crate) fn insert(&mut self, w: u64, p: usize) -> (u16, usize) {
        let h3 = hash3(w);
        let c = self.cnt3[h3].wrapping_add(1);
        self.cnt3[h3] = c;
        self.idx3[p & WMASK] = c;
        let h6 = hash6(w);
        let head = self.head6[h6];
        self.prev6[p & WMASK] = head;
        self.head6[h6] = p as u32;
        (c, head as usize)
    }

    /// Inserts a position with only 3 to 5 bytes left: zlib's chain only.
    #[inline]
    pub(crate) fn insert3(&mut self, w: u64, p: usize) {
        let h3 = hash3(w);
        let c = self.cnt3[h3].wrapping_add(1);
        self.cnt3[h3] = c;
        self.idx3[p & WMASK] = c;
    }

    /// Inserts position `p` of `d[..n]` (with at least 3 bytes left), whichever way applies.
    #[inline(always)]
    pub(crate) fn insert_at(&mut self, d: &[u8], p: usize, n: usize) {
        let w = load64(d, p);
        if p + 6 <= n {
            self.insert(w, p);
        } else {
            self.insert3(w, p);
        }
    }

    /// Inserts the positions `s..end` while none of them has a candidate for a match
    /// ([`Tab::may_match`] with no match pending, and at least 262 bytes left at each): a run
    /// of literals. Returns where it stopped, and for a position with a candidate its 8 bytes,
    /// rank and chain head.
    #[inline(never)]
    pub(crate) fn literal_run(
        &mut self,
        d: &[u8],
        s: usize,
        end: usize,
    ) -> (usize, Option<(u64, u16, usize)>) {
        // Every position read is below `end`: these slices let the compiler see that, so the
        // sequential loads need no bounds checks (one window of 8 bytes per position).
        let Some(d) = d.get(..end + 7) else {
            return (s, None);
        };
        let Some(ahead) = d.get(s..) else {
            return (s, None);
        };
        for (i, win) in ahead.windows(8).enumerate() {
            let p = s + i;
            let w = win.first_chunk::<8>().map_or(0, |a| u64::from_le_bytes(*a));
            let (rank, head) = self.insert(w, p);
            // A wider test than `head >= limit` (distance only; the offset is left to
            // `find`), which is all this filter needs. Position 0 is never a candidate.
            let in1 = (head != 0) & (p - head <= MAX_DIST);
            // The candidate's bytes only when it is in the window (else this position's, which
            // are cached): old data would be a cache miss for nothing.
            let at = std::hint::select_unpredictable(in1, head, p).min(p);
            debug_assert!(at + 8 <= d.len());
            // The one unchecked read of the encoder, in its hottest loop (a checked read here
            // costs noise images about a fifth of their encoding time, measured).
            // SAFETY: `at <= p < end` and `d.len() == end + 7` (the slice above), so the 8 bytes
            // at `at` lie within `d`; `read_unaligned` allows any alignment.
            #[allow(unsafe_code)]
            let other = unsafe { d.as_ptr().add(at).cast::<u64>().read_unaligned() };
            let other = u64::from_le(other);
            let eq1 = other & MASK48 == key6(w);
            let next = self.prev6[head & WMASK] as usize;
            let in2 = (next != 0) & (p.wrapping_sub(next) <= MAX_DIST);
            // About a fifth of heads are in the window (hash collisions, mostly): one combined
            // test (taken rarely) instead of a branch on that.
            if in1 & (eq1 | in2) {
                return (p, Some((w, rank, head)));
            }
        }
        (end.max(s), None)
    }

    /// Whether the 6-byte chain at `s` (whose previous head is `head`) may hold a candidate
    /// at or above `lim`: a cheap test with one rarely taken branch, false only when
    /// [`Tab::find`] would find nothing.
    #[inline(always)]
    pub(crate) fn may_match(&self, d: &[u8], s: usize, key: u64, head: usize, lim: usize) -> bool {
        // About a third of heads are in the window (hash collisions, mostly): a branch on that
        // would be mispredicted often, so the tests are combined without branches.
        let in1 = head >= lim;
        // Read the candidate's bytes only when it is in the window (else the current position's,
        // which are cached): old data would be a cache miss for nothing.
        let at = std::hint::select_unpredictable(in1, head, s).min(s);
        let eq1 = load64(d, at) & MASK48 == key;
        let next = self.prev6[head & WMASK] as usize;
        // Materialized, so that the compiler cannot split it back into a branch on `in1`.
        std::hint::black_box(in1 & (eq1 | (next >= lim)))
    }

    /// zlib's `longest_match` at `s` (inserted, with rank `rank`, 6-byte chain continuing at
    /// `head`), restricted to what survives `Z_FILTERED`: the first candidate, most recent
    /// first, whose match is longer than `need` (≥ 5) and than every earlier candidate's,
    /// among those zlib would look at (`chain` deep, within `limit`; `offset` is how far
    /// zlib's window has slid). Lengths are capped at `max_len` (258, or the bytes left); the
    /// search stops at `nice`.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    pub(crate) fn find(
        &self,
        d: &[u8],
        s: usize,
        rank: u16,
        head: usize,
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
        let mut p = head;
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

/// The 6-byte key of a load.
#[inline(always)]
pub(crate) fn key6(w: u64) -> u64 {
    w & MASK48
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
