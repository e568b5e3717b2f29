//! zlib's `deflate_slow` (lazy matching) at level 6 with `Z_FILTERED`, on absolute positions.
//!
//! At each step ("loop top") zlib inserts the position, looks for a match if the previous one
//! is shorter than `max_lazy` (16), drops matches of 5 bytes or fewer (`Z_FILTERED`), and emits
//! the previous match when the new one is not longer, else a literal for the previous position.
//!
//! zlib's window slides (by 32 KiB, when a refill finds the position at least
//! `WSIZE + MAX_DIST` into the window) matter in two places, both reproduced: a chain entry a
//! slide has turned into `NIL` is never looked at, and a block may be stored raw only while its
//! first byte is still in the window. When zlib refills depends on how the input is fed (whole,
//! or a Pillow row at a time), which is why the feeding is part of the parse. The parse
//! records where slides happened; block boundaries (every 32767 symbols) are drawn afterwards
//! ([`super::blocks`]).
//!
//! A [`Parser`] can start anywhere: [`Parser::warm_start`] rebuilds the match tables from the
//! 32 KiB before its start, which is all they depend on, so a second thread can parse the
//! second half while the first parses the first; [`State`] is what must agree for the two
//! parses to continue identically (see [`super::split`]).

use super::block::{Sym, literal, matched};
use super::matcher::{MAX_DIST, MIN_LOOKAHEAD, Matcher, WSIZE, key6, load64};
use super::scratch;

const MAX_LAZY: usize = 16;
const GOOD_LENGTH: usize = 8;
const NICE_LENGTH: usize = 128;
const MAX_CHAIN: u16 = 128;

/// The parse state at a loop top (after zlib's refill): everything the rest of the parse
/// depends on besides the input and the match tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct State {
    /// The position (`strstart`).
    pub(crate) s: u32,
    /// Symbols emitted so far by this parser.
    pub(crate) syms: u32,
    /// The previous match length (becomes `prev_length`); 2 when there is none.
    pub(crate) match_length: u16,
    /// Whether the previous position waits to be emitted as a literal.
    pub(crate) match_available: bool,
    /// Where the previous match starts (0 when there is no match).
    pub(crate) match_start: u32,
    /// How far zlib's window has slid.
    pub(crate) offset: u32,
    /// How much input has been handed to zlib.
    pub(crate) provided: u32,
}

/// A parse of (part of) an input: zlib's state machine and what it has emitted.
pub(crate) struct Parser<'a> {
    d: &'a [u8],
    n: usize,
    chunk: usize,
    /// Match tables (`None` only once handed back, when the parser is dropped).
    m: Option<Matcher>,
    s: usize,
    offset: usize,
    filled: usize,
    provided: usize,
    match_available: bool,
    match_length: usize,
    match_start: usize,
    /// Every symbol emitted, in order.
    pub(crate) syms: Vec<Sym>,
    /// Loop tops at which zlib's window slid.
    pub(crate) slides: Vec<usize>,
    /// Whether the last symbol is the literal zlib emits after its loop (it never ends a
    /// block early).
    pub(crate) final_literal: bool,
}

impl<'a> Parser<'a> {
    /// A parser of `d[..n]` (`d` carries [`super::matcher::PAD`] more bytes) fed to zlib
    /// `chunk` bytes per `deflate` call (`n` or more: all at once), from the start.
    pub(crate) fn new(d: &'a [u8], n: usize, chunk: usize) -> Parser<'a> {
        Parser::with_capacity(d, n, chunk, n + 1)
    }

    /// [`Parser::new`] with room for `cap` symbols (at most one per byte, plus one).
    fn with_capacity(d: &'a [u8], n: usize, chunk: usize, cap: usize) -> Parser<'a> {
        let scratch = scratch::take(cap);
        Parser {
            d,
            n,
            chunk: chunk.max(1),
            m: Some(scratch.m),
            s: 0,
            offset: 0,
            filled: 0,
            provided: 0,
            match_available: false,
            match_length: 2,
            match_start: 0,
            syms: scratch.syms,
            slides: Vec::new(),
            final_literal: false,
        }
    }

    /// A parser starting at `start` (where zlib's window has slid by `offset` and `provided`
    /// bytes have been handed over; guesses that the start of the parse will correct), with
    /// its match tables rebuilt from the 32 KiB before `start`.
    pub(crate) fn warm_start(
        d: &'a [u8],
        n: usize,
        chunk: usize,
        start: usize,
        offset: usize,
        provided: usize,
    ) -> Parser<'a> {
        let mut p = Parser::with_capacity(d, n, chunk, n.saturating_sub(start) + 1);
        for q in start.saturating_sub(WSIZE)..start.min(n.saturating_sub(2)) {
            if let Some(m) = p.m.as_mut() {
                m.insert_at(d, q, n);
            }
        }
        p.s = start;
        p.offset = offset;
        p.provided = provided.min(n);
        p.filled = (offset + 2 * WSIZE).min(p.provided);
        p
    }

    /// The current position.
    pub(crate) fn pos(&self) -> usize {
        self.s
    }

    /// Runs the parse to the end of the input.
    pub(crate) fn finish(&mut self) {
        self.run(usize::MAX, &mut NoHook);
    }

    /// Runs loop tops while the position is below `stop` and `hook` does not stop it (it is
    /// asked at each loop top, after zlib's refill). Returns true if the hook stopped it; at
    /// the end of the input, emits zlib's final literal.
    pub(crate) fn run(&mut self, stop: usize, hook: &mut impl Hook) -> bool {
        let d = self.d;
        let n = self.n;
        let chunk = self.chunk;
        let mut t = self.m.get_or_insert_with(Matcher::default).tab();
        // The state lives in locals while the loop runs (written back at the end).
        let mut s = self.s;
        let mut offset = self.offset;
        let mut filled = self.filled;
        let mut provided = self.provided;
        let mut match_available = self.match_available;
        let mut match_length = self.match_length;
        let mut match_start = self.match_start;
        let mut syms = std::mem::take(&mut self.syms);
        let slides = &mut self.slides;
        // The 8 bytes at the previous loop top (its low byte is the literal zlib emits for it).
        let mut prev_w = if s > 0 { load64(d, s - 1) } else { 0 };
        let outcome = loop {
            if s >= stop {
                break Outcome::Stop;
            }
            if filled - s < MIN_LOOKAHEAD {
                // zlib's fill_window, and further deflate() calls with the next pieces while
                // zlib asks for more input.
                loop {
                    if s - offset >= WSIZE + MAX_DIST {
                        offset += WSIZE;
                        slides.push(s);
                    }
                    filled = (offset + 2 * WSIZE).min(provided);
                    if filled - s >= MIN_LOOKAHEAD || provided == n {
                        break;
                    }
                    provided = (provided + chunk).min(n);
                }
                if filled == s {
                    break Outcome::End;
                }
            }
            if hook.wants(s) {
                let st = State {
                    s: s as u32,
                    syms: syms.len() as u32,
                    match_length: match_length as u16,
                    match_available,
                    match_start: if match_length >= 3 {
                        match_start as u32
                    } else {
                        0
                    },
                    offset: offset as u32,
                    provided: provided as u32,
                };
                if hook.at(&st) {
                    break Outcome::Hooked;
                }
            }
            // A run of literals (the previous byte waits, no match pending): until a candidate
            // turns up, a loop top only inserts its position and emits the previous byte, and
            // needs no refill before `end` (nor a look from the hook).
            let mut pre = None;
            if match_available && match_length == 2 {
                let end = (filled + 1)
                    .saturating_sub(MIN_LOOKAHEAD)
                    .min(stop)
                    .min(hook.next(s + 1));
                if s < end {
                    let (stop_at, found) = t.literal_run(d, s, end);
                    // The bytes before each of these positions become literals.
                    syms.extend(d[s - 1..stop_at - 1].iter().map(|&b| literal(b)));
                    s = stop_at;
                    prev_w = load64(d, s - 1);
                    match found {
                        Some(f) => pre = Some(f),
                        None => continue,
                    }
                }
            }
            let lookahead = filled - s;
            let prev_length = match_length;
            let prev_match = match_start;
            match_length = 2;
            let w = pre.map_or_else(|| load64(d, s), |(w, _, _)| w);
            if lookahead >= 6 {
                let (rank, head) = match pre {
                    Some((_, rank, head)) => (rank, head),
                    None => t.insert(w, s),
                };
                if prev_length < MAX_LAZY {
                    let lim = s.saturating_sub(MAX_DIST).max(offset);
                    if t.may_match(d, s, key6(w), head, lim) {
                        let chain = if prev_length >= GOOD_LENGTH {
                            MAX_CHAIN >> 2
                        } else {
                            MAX_CHAIN
                        };
                        if let Some((len, start)) = t.find(
                            d,
                            s,
                            rank,
                            head,
                            prev_length.max(5),
                            chain,
                            NICE_LENGTH.min(lookahead),
                            258.min(lookahead),
                            offset,
                        ) {
                            match_length = len;
                            match_start = start;
                        }
                    }
                }
            } else if lookahead >= 3 {
                t.insert3(w, s);
            }
            if prev_length >= 3 && match_length <= prev_length {
                syms.push(matched(prev_length, s - 1 - prev_match));
                let end = s - 1 + prev_length;
                for p in s + 1..end.min((filled + 1).saturating_sub(3)) {
                    t.insert_at(d, p, n);
                }
                match_available = false;
                match_length = 2;
                s = end;
                prev_w = load64(d, s - 1);
            } else {
                if match_available {
                    syms.push(literal(prev_w as u8));
                }
                match_available = true;
                s += 1;
                prev_w = w;
            }
        };
        if let Outcome::End = outcome
            && match_available
        {
            syms.push(literal(prev_w as u8));
            match_available = false;
            self.final_literal = true;
        }
        self.s = s;
        self.offset = offset;
        self.filled = filled;
        self.provided = provided;
        self.match_available = match_available;
        self.match_length = match_length;
        self.match_start = match_start;
        self.syms = syms;
        matches!(outcome, Outcome::Hooked)
    }
}

impl Drop for Parser<'_> {
    fn drop(&mut self) {
        if let Some(m) = self.m.take() {
            scratch::give(scratch::Scratch {
                m,
                syms: std::mem::take(&mut self.syms),
            });
        }
    }
}

/// How [`Parser::run`] ended.
enum Outcome {
    /// It reached the stop position.
    Stop,
    /// The hook stopped it.
    Hooked,
    /// The input ended.
    End,
}

/// Something asked at each loop top of a parse (after zlib's refill).
pub(crate) trait Hook {
    /// Whether to look at the state at position `s` (cheap; false for most positions).
    fn wants(&mut self, s: usize) -> bool;
    /// The first position from `s` on that [`Hook::wants`] (`usize::MAX` if none).
    fn next(&self, s: usize) -> usize;
    /// Looks at the state; true stops the parse.
    fn at(&mut self, state: &State) -> bool;
}

/// The hook that never looks.
pub(crate) struct NoHook;

impl Hook for NoHook {
    #[inline(always)]
    fn wants(&mut self, _: usize) -> bool {
        false
    }
    #[inline(always)]
    fn next(&self, _: usize) -> usize {
        usize::MAX
    }
    fn at(&mut self, _: &State) -> bool {
        false
    }
}
