//! One zlib stream written by two threads, byte for byte what one would write.
//!
//! zlib's parse at a position depends only on the 32 KiB before it (every position is
//! inserted into the hash chains, which look back no further) and on a few state variables
//! ([`State`]). So a second thread rebuilds the tables from the 32 KiB before a point `p0`
//! in the middle and parses from there, starting from a guessed state, while the first
//! thread parses from the start. When the first thread reaches `p0` it keeps going until, at
//! some loop top, its state equals the one the second thread recorded there (usually within a
//! few bytes: in a run of literals the states agree at once); from there on the two parses
//! are the same, so the second thread's symbols are adopted. If they never agree within
//! [`SYNC_RANGE`] bytes, the first thread simply parses to the end.
//!
//! If the second thread has not recorded its start when the first reaches `p0` (it is not
//! getting a core: the machine is busy), the first thread goes on alone and tells the second
//! to stop.
//!
//! The blocks are then written by both threads, each into its own bit writer, the second
//! thread's bits appended with a shift ([`BitWriter::append`]). Each thread also computes
//! the Adler-32 of its half, combined at the end.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use super::bits::BitWriter;
use super::block::Sym;
use super::blocks::{Layout, SYMS_PER_BLOCK, sym_len};
use super::matcher::WSIZE;
use super::parse::{Hook, NoHook, Parser, State};
use super::{adler32, adler32_combine, write_all};

/// How far past the second thread's start the first one looks for a matching state.
pub const SYNC_RANGE: usize = 1 << 16;

/// The second thread records its state at loop tops at multiples of this.
const SYNC_STEP: usize = 8;

/// How long the first thread waits for the second's record before going on alone.
const WAIT: Duration = Duration::from_micros(300);

/// The second thread checks every this many bytes whether the first has gone on alone.
const ABANDON_CHECK: usize = 1 << 14;

/// What the first thread hands the second once the parse is settled: which symbols make the
/// stream and which blocks the second thread writes.
struct Handoff<'a> {
    /// The first thread's symbols that are part of the stream.
    a: &'a [Sym],
    /// Where the second thread's own symbols take over (`None`: they are not used, the first
    /// thread parsed everything).
    b_from: Option<usize>,
    /// The slides of the first thread's part.
    slides: Vec<usize>,
    /// Loop top where the parses agreed (the first thread's slides are those up to it).
    q: usize,
    /// Whether the last symbol is zlib's after-loop literal (first thread's parse only).
    final_literal: bool,
    /// First block the second thread writes, and where it starts.
    g_mid: usize,
    start: usize,
}

/// Where the second thread starts, and its guesses of zlib's window offset and of how much
/// input zlib has been given there. The start sits half-way between window slides
/// (a multiple of 32 KiB plus 16 KiB), where the offset is certain for row-sized feeding.
fn start_point(n: usize, chunk: usize) -> (usize, usize, usize) {
    let k = (n / 2 + WSIZE / 4) / WSIZE;
    let p0 = k * WSIZE + WSIZE / 2;
    let offset = k.saturating_sub(1) * WSIZE;
    let provided = if chunk >= n {
        n
    } else {
        (p0 + 262).div_ceil(chunk) * chunk
    };
    (p0, offset, provided.min(n))
}

/// The zlib stream of `d[..n]` (fed `chunk` bytes at a time) written by two threads, after
/// `header`; `None` if a thread could not be started (the caller then writes it alone).
pub fn compress(d: &[u8], n: usize, chunk: usize, header: Vec<u8>) -> Option<Vec<u8>> {
    let (p0, offset0, provided0) = start_point(n, chunk);
    if p0 + SYNC_RANGE >= n || p0 < WSIZE {
        return None;
    }
    let mut t1 = Parser::new(d, n, chunk);
    let abandon = &AtomicBool::new(false);
    std::thread::scope(|sc| {
        // Made here, so that on any early return the sender is dropped before the scope
        // waits for the second thread (which then stops waiting).
        let (states_tx, states_rx) = mpsc::channel::<Vec<State>>();
        let (hand_tx, hand_rx) = mpsc::channel::<Handoff<'_>>();
        let second = std::thread::Builder::new()
            .spawn_scoped(sc, move || {
                let mut t2 = Parser::warm_start(d, n, chunk, p0, offset0, provided0);
                let mut rec = Recorder {
                    end: p0 + SYNC_RANGE,
                    states: Vec::with_capacity(SYNC_RANGE / SYNC_STEP + 1),
                    tx: Some(states_tx),
                    abandon,
                };
                if t2.run(usize::MAX, &mut rec) {
                    return None;
                }
                rec.send();
                let adler_b = adler32_raw(&d[p0..n]);
                let h: Handoff<'_> = hand_rx.recv().ok()?;
                let (b, slides): (&[Sym], Vec<usize>) = match h.b_from {
                    Some(k2) => {
                        let mut slides = h.slides;
                        slides.extend(t2.slides.iter().filter(|&&s| s > h.q));
                        (t2.syms.get(k2..).unwrap_or(&[]), slides)
                    }
                    None => (&[], h.slides),
                };
                let final_literal = if h.b_from.is_some() {
                    t2.final_literal
                } else {
                    h.final_literal
                };
                let layout = Layout {
                    a: h.a,
                    b,
                    slides: &slides,
                    final_literal,
                };
                let mut w = BitWriter::new(Vec::with_capacity(n / 4));
                layout.write(&mut w, d, h.g_mid, usize::MAX, h.start);
                Some((w, adler_b))
            })
            .ok()?;

        // The first part, then the search for the loop top where both parses agree.
        t1.run(p0, &mut NoHook);
        // The second thread has normally sent its record long before; if it has not (it is
        // not getting a core), this thread does the rest alone.
        let states = match states_rx.try_recv() {
            Ok(states) => Some(states),
            Err(_) => states_rx.recv_timeout(WAIT).ok(),
        };
        let Some(states) = states else {
            abandon.store(true, Ordering::Relaxed);
            t1.finish();
            return Some(write_all(&t1, d, n, header));
        };
        let mut sync = Syncer {
            end: p0 + SYNC_RANGE,
            states,
            i: 0,
        };
        let synced = !sync.states.is_empty() && t1.run(usize::MAX, &mut sync);
        if !synced {
            t1.finish();
        }
        let (states, i) = (sync.states, sync.i);
        let adler_a = adler32_raw(&d[..p0]);
        let q = t1.pos();
        let t1 = &t1;
        let (a, b_from, final_literal, end_a) = if synced {
            let k1 = t1.syms.len();
            let k2 = states[i].syms as usize;
            // The first thread's symbols cover everything before the loop top, except the
            // byte that waits to be a literal.
            let end_a = q - usize::from(states[i].match_available);
            (&t1.syms[..k1], Some(k2), false, end_a)
        } else {
            (&t1.syms[..], None, t1.final_literal, n)
        };
        // The first thread writes the blocks that lie wholly in its symbols (half of them if
        // it parsed everything); the second writes the rest.
        let g_mid = if synced {
            a.len() / SYMS_PER_BLOCK
        } else {
            Layout {
                a,
                b: &[],
                slides: &t1.slides,
                final_literal,
            }
            .blocks()
                / 2
        };
        let lo = (g_mid * SYMS_PER_BLOCK).min(a.len());
        let start = if synced {
            end_a.saturating_sub(a[lo..].iter().map(|&s| sym_len(s)).sum::<usize>())
        } else {
            a[..lo].iter().map(|&s| sym_len(s)).sum()
        };
        let handoff = Handoff {
            a,
            b_from,
            slides: t1.slides.clone(),
            q,
            final_literal,
            g_mid,
            start,
        };
        hand_tx.send(handoff).ok()?;
        let layout = Layout {
            a,
            b: &[],
            slides: &t1.slides,
            final_literal,
        };
        let mut w = BitWriter::new(header);
        layout.write(&mut w, d, 0, g_mid, 0);
        let (w2, adler_b) = second.join().ok()??;
        w.append(w2);
        let mut out = w.finish();
        let adler = adler32_combine(adler_a, adler_b, n - p0);
        out.extend_from_slice(&adler.to_be_bytes());
        Some(out)
    })
}

/// Adler-32 of `data`.
fn adler32_raw(data: &[u8]) -> u32 {
    adler32(data)
}

/// The second thread's hook: records its state at every [`SYNC_STEP`]-th loop top below `end`,
/// then sends the record to the first thread.
struct Recorder<'f> {
    end: usize,
    states: Vec<State>,
    tx: Option<mpsc::Sender<Vec<State>>>,
    /// Set by the first thread when it goes on alone.
    abandon: &'f AtomicBool,
}

impl Recorder<'_> {
    fn send(&mut self) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(std::mem::take(&mut self.states));
        }
    }
}

impl Hook for Recorder<'_> {
    #[inline(always)]
    fn wants(&mut self, s: usize) -> bool {
        if s < self.end {
            s.is_multiple_of(SYNC_STEP)
        } else {
            self.tx.is_some() || s.is_multiple_of(ABANDON_CHECK)
        }
    }

    #[inline(always)]
    fn next(&self, s: usize) -> usize {
        if s < self.end {
            s.next_multiple_of(SYNC_STEP).min(self.end)
        } else if self.tx.is_some() {
            s
        } else {
            s.next_multiple_of(ABANDON_CHECK)
        }
    }

    fn at(&mut self, state: &State) -> bool {
        if (state.s as usize) < self.end {
            self.states.push(*state);
            false
        } else {
            self.send();
            self.abandon.load(Ordering::Relaxed)
        }
    }
}

/// The first thread's hook: stops at the first loop top where its state equals the one the
/// second thread recorded there (all but the symbol counts).
struct Syncer {
    end: usize,
    states: Vec<State>,
    /// The recorded state at or after the current position.
    i: usize,
}

impl Hook for Syncer {
    #[inline(always)]
    fn wants(&mut self, s: usize) -> bool {
        s < self.end && s.is_multiple_of(SYNC_STEP)
    }

    #[inline(always)]
    fn next(&self, s: usize) -> usize {
        if s < self.end {
            s.next_multiple_of(SYNC_STEP)
        } else {
            usize::MAX
        }
    }

    fn at(&mut self, mine: &State) -> bool {
        while self.i < self.states.len() && self.states[self.i].s < mine.s {
            self.i += 1;
        }
        self.states.get(self.i).is_some_and(|t| {
            *t == State {
                syms: t.syms,
                ..*mine
            }
        })
    }
}
