//! One zlib stream written by two threads, byte for byte what one would write, and never much
//! slower than one thread when the machine has no second core to give.
//!
//! **Parse.** zlib's parse at a position depends only on the 32 KiB before it (every position
//! is inserted into the hash chains, which look back no further) and on a few state variables
//! ([`State`]). So a second thread rebuilds the tables from the 32 KiB before a point `p0` in
//! the middle and parses from there to the end, starting from a guessed state, while the first
//! thread parses from the start. When the first thread reaches `p0` it keeps going until, at
//! some loop top, its state equals the one the second thread recorded there (usually within a
//! few bytes: in a run of literals the states agree at once); from there on the two parses are
//! the same: the stream takes the first thread's symbols up to the meeting point, then the
//! second's. The first thread waits for the second to finish; if the second makes no progress
//! for [`STALL`] (it gets no core: the machine is busy), the first tells it to stop and parses
//! the rest itself. Likewise if the second has not recorded its start when the first reaches
//! `p0`, or the states never agree within [`SYNC_RANGE`] bytes.
//!
//! **Blocks.** The first thread writes blocks from the front into the stream, the second from
//! the back, each into its own bit writer, claiming them one at a time until they meet; the
//! second's blocks are then appended with a shift ([`BitWriter::append`]). A block's position
//! follows from its neighbour's: the front one starts where the previous ended, the back one
//! ends where the next starts (the last ends at the end of the input).
//!
//! So a thread that does not get a core holds the other up for at most [`STALL`] in the parse,
//! and for the one block it is writing.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

use super::bits::BitWriter;
use super::blocks::{Edge, Layout};
use super::matcher::WSIZE;
use super::parse::{Hook, NoHook, Parser, State};
use super::trees::Builder;
use super::{adler32, adler32_combine};

/// How far past the second thread's start the first one looks for a matching state.
pub(crate) const SYNC_RANGE: usize = 1 << 16;

/// The second thread records its state at loop tops at multiples of this.
const SYNC_STEP: usize = 8;

/// How long the first thread waits for the second's record before going on alone.
const WAIT: Duration = Duration::from_micros(300);

/// After the parses meet, the first thread waits for the second to finish, and goes on alone
/// if the second has not moved for this long.
pub(crate) const STALL: Duration = Duration::from_millis(3);

/// The second thread reports its progress, and checks whether it should stop, every this many
/// bytes.
const CHECK: usize = 1 << 14;

/// Above this share of time with some task waiting for a CPU (Linux's CPU pressure over the
/// last 10 s, in percent), a second thread would mostly wait for a core too, so one thread
/// does the work.
pub(crate) const BUSY_PRESSURE: f64 = 40.0;

/// Whether a second thread is likely to get a core of its own: at least two CPUs are available
/// to this process and the machine's CPU pressure (`/proc/pressure/cpu`, `some avg10`) is below
/// [`BUSY_PRESSURE`]; without that file (other systems, older kernels), yes. Checked at most
/// every quarter second. On a machine whose cores are all busy a second thread gets no extra
/// time, only overhead and waits, so then one thread is faster.
pub(crate) fn spare_core() -> bool {
    static LAST: Mutex<Option<(Instant, bool)>> = Mutex::new(None);
    let now = Instant::now();
    if let Ok(last) = LAST.lock()
        && let Some((at, spare)) = *last
        && now.duration_since(at) < Duration::from_millis(250)
    {
        return spare;
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let spare = cpus >= 2 && cpu_pressure().is_none_or(|p| p < BUSY_PRESSURE);
    if let Ok(mut last) = LAST.lock() {
        *last = Some((now, spare));
    }
    spare
}

/// Linux's CPU pressure: the percentage of the last 10 s in which some task waited for a CPU.
fn cpu_pressure() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/pressure/cpu").ok()?;
    let some = text.lines().find(|l| l.starts_with("some"))?;
    some.split_whitespace()
        .find_map(|f| f.strip_prefix("avg10="))?
        .parse()
        .ok()
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

/// The blocks still to write: `next..end`, claimed from the front or from the back.
struct Claims {
    next: usize,
    end: usize,
}

/// What both threads write blocks from once the parse is settled.
struct Plan<'a> {
    layout: Layout<'a>,
    claims: &'a Mutex<Claims>,
}

impl Plan<'_> {
    /// Claims the first unwritten block.
    fn front(&self) -> Option<usize> {
        let mut c = self.claims.lock().ok()?;
        (c.next < c.end).then(|| {
            c.next += 1;
            c.next - 1
        })
    }

    /// Claims the last unwritten block.
    fn back(&self) -> Option<usize> {
        let mut c = self.claims.lock().ok()?;
        (c.next < c.end).then(|| {
            c.end -= 1;
            c.end
        })
    }
}

/// Ways to steer the two threads, so that tests can take every path (in normal use which path
/// is taken depends on timing; the output never does).
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Steer {
    /// Whatever the timing gives.
    #[default]
    Free,
    /// The first thread ignores the second's record and parses alone.
    Alone,
    /// The first thread parses to the end even when the second has finished.
    FirstWins,
    /// The first thread waits for the second's parse (the second wins the race).
    SecondWins,
    /// The first thread writes blocks only once the second has claimed all it wants (so the
    /// second writes all of them).
    BackOnly,
    /// The second thread writes no blocks.
    FrontOnly,
}

/// The zlib stream of `d[..n]` (fed `chunk` bytes at a time) written by two threads, after
/// `header`; `None` if the input is too short to split or a thread could not be started (the
/// caller then writes it alone).
pub(crate) fn compress(d: &[u8], n: usize, chunk: usize, header: Vec<u8>) -> Option<Vec<u8>> {
    compress_steered(d, n, chunk, header, Steer::Free)
}

/// [`compress`], steered (for tests).
pub(crate) fn compress_steered(
    d: &[u8],
    n: usize,
    chunk: usize,
    header: Vec<u8>,
    steer: Steer,
) -> Option<Vec<u8>> {
    let (p0, offset0, provided0) = start_point(n, chunk);
    if p0 + SYNC_RANGE >= n || p0 < WSIZE {
        return None;
    }
    // Shared between the threads (and outliving them): the stop signal for the second
    // thread, each thread's finished parse, the second half's Adler-32, the block claims.
    let stop = AtomicBool::new(false);
    let progress = AtomicUsize::new(0);
    let first: OnceLock<Parser<'_>> = OnceLock::new();
    let second: OnceLock<Parser<'_>> = OnceLock::new();
    let adler_b: OnceLock<u32> = OnceLock::new();
    let slides: OnceLock<Vec<usize>> = OnceLock::new();
    let claims = Mutex::new(Claims { next: 0, end: 0 });
    let (stop, progress, first, second, adler_b, slides, claims) = (
        &stop, &progress, &first, &second, &adler_b, &slides, &claims,
    );

    std::thread::scope(|sc| {
        // Made here, so that on any early return the senders are dropped before the scope
        // waits for the second thread (which then stops waiting).
        let (states_tx, states_rx) = mpsc::channel::<Vec<State>>();
        let (plan_tx, plan_rx) = mpsc::channel::<Plan<'_>>();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let helper = std::thread::Builder::new()
            .spawn_scoped(sc, move || {
                let _ = adler_b.set(adler32(&d[p0..n]));
                let mut t2 = Parser::warm_start(d, n, chunk, p0, offset0, provided0);
                let mut rec = Recorder {
                    end: p0 + SYNC_RANGE,
                    states: Vec::with_capacity(SYNC_RANGE / SYNC_STEP + 1),
                    tx: Some(states_tx),
                    stop,
                    progress,
                };
                if !t2.run(usize::MAX, &mut rec) {
                    rec.send();
                    let _ = second.set(t2);
                    let _ = done_tx.send(());
                }
                drop(done_tx);
                // Blocks from the back, each into its own writer.
                let plan = plan_rx.recv().ok()?;
                if steer == Steer::FrontOnly {
                    return Some(Vec::new());
                }
                let mut b = Builder::default();
                let mut out = Vec::new();
                let mut end = n;
                while let Some(g) = plan.back() {
                    let mut w = BitWriter::new(Vec::new());
                    end = plan
                        .layout
                        .write_one(&mut w, &mut b, d, g, Edge::End(end))
                        .0;
                    out.push(w);
                }
                Some(out)
            })
            .ok()?;

        // The first part, then the search for the loop top where both parses agree.
        let mut t1 = Parser::new(d, n, chunk);
        t1.run(p0, &mut NoHook);
        let states = match (steer, states_rx.try_recv()) {
            (Steer::Alone, _) => None,
            (Steer::SecondWins, _) => states_rx.recv().ok(),
            (_, Ok(states)) => Some(states),
            (_, Err(_)) => states_rx.recv_timeout(WAIT).ok(),
        };
        let mut meet = None;
        if let Some(states) = states {
            let mut sync = Syncer {
                end: p0 + SYNC_RANGE,
                states,
                i: 0,
            };
            if !sync.states.is_empty() && t1.run(usize::MAX, &mut sync) {
                let st = sync.states[sync.i];
                meet = Some((t1.syms.len(), st.syms as usize, t1.pos()));
            }
        }
        // Alone (no record, or no agreement), or racing the second thread to the end.
        let second_won = match meet {
            None => {
                stop.store(true, Ordering::Relaxed);
                t1.finish();
                false
            }
            Some(_) if steer == Steer::FirstWins => {
                t1.finish();
                stop.store(true, Ordering::Relaxed);
                false
            }
            Some(_) if steer == Steer::SecondWins => {
                while second.get().is_none() && !helper.is_finished() {
                    std::thread::yield_now();
                }
                second.get().is_some()
            }
            Some(_) => {
                // Wait for the second thread while it makes progress; if it stalls (no core
                // for it), go on alone.
                let mut seen = progress.load(Ordering::Relaxed);
                let won = loop {
                    match done_rx.recv_timeout(STALL) {
                        Ok(()) => break true,
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            let now = progress.load(Ordering::Relaxed);
                            if now == seen {
                                break false;
                            }
                            seen = now;
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => break second.get().is_some(),
                    }
                };
                if !won {
                    stop.store(true, Ordering::Relaxed);
                    t1.finish();
                }
                won
            }
        };
        let t1 = first.get_or_init(|| t1);
        let layout = match (meet, second.get()) {
            (Some((k1, k2, q)), Some(t2)) if second_won => {
                // The first thread's symbols and slides up to the meeting point, then the
                // second's.
                let merged = slides.get_or_init(|| {
                    let mut v: Vec<usize> = t1.slides.iter().copied().filter(|&s| s <= q).collect();
                    v.extend(t2.slides.iter().filter(|&&s| s > q));
                    v
                });
                Layout {
                    a: &t1.syms[..k1.min(t1.syms.len())],
                    b: t2.syms.get(k2..).unwrap_or(&[]),
                    slides: merged,
                    final_literal: t2.final_literal,
                }
            }
            _ => Layout {
                a: &t1.syms,
                b: &[],
                slides: &t1.slides,
                final_literal: t1.final_literal,
            },
        };
        if let Ok(mut c) = claims.lock() {
            *c = Claims {
                next: 0,
                end: layout.blocks(),
            };
        }
        let plan = Plan { layout, claims };
        let _ = plan_tx.send(Plan { layout, claims });
        if steer == Steer::BackOnly {
            while !helper.is_finished() {
                std::thread::yield_now();
            }
        }
        // Blocks from the front, straight into the stream.
        let mut w = BitWriter::new(header);
        let mut b = Builder::default();
        let mut start = 0;
        while let Some(g) = plan.front() {
            start = layout.write_one(&mut w, &mut b, d, g, Edge::Start(start)).1;
        }
        let back = helper.join().ok().flatten()?;
        for part in back.into_iter().rev() {
            w.append(part);
        }
        let mut out = w.finish();
        let adler_b = adler_b.get().copied().unwrap_or_else(|| adler32(&d[p0..n]));
        let adler = adler32_combine(adler32(&d[..p0]), adler_b, n - p0);
        out.extend_from_slice(&adler.to_be_bytes());
        Some(out)
    })
}

/// The second thread's hook: records its state at every [`SYNC_STEP`]-th loop top below `end`,
/// sends the record to the first thread, then checks now and then whether to stop.
struct Recorder<'f> {
    end: usize,
    states: Vec<State>,
    tx: Option<mpsc::Sender<Vec<State>>>,
    /// Set by the first thread when the second's parse is not needed.
    stop: &'f AtomicBool,
    /// Where the second thread is (updated every [`CHECK`] bytes).
    progress: &'f AtomicUsize,
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
            self.tx.is_some() || s.is_multiple_of(CHECK)
        }
    }

    #[inline(always)]
    fn next(&self, s: usize) -> usize {
        if s < self.end {
            s.next_multiple_of(SYNC_STEP).min(self.end)
        } else if self.tx.is_some() {
            s
        } else {
            s.next_multiple_of(CHECK)
        }
    }

    fn at(&mut self, state: &State) -> bool {
        if (state.s as usize) < self.end {
            self.states.push(*state);
            false
        } else {
            self.send();
            self.progress.store(state.s as usize, Ordering::Relaxed);
            self.stop.load(Ordering::Relaxed)
        }
    }
}

/// The first thread's hook while looking for the meeting point: stops at the first loop top
/// where its state equals the one the second thread recorded there (all but the symbol
/// counts).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compress_serial;

    fn hash32(i: u64) -> u32 {
        let mut x = i as u32;
        x ^= x >> 16;
        x = x.wrapping_mul(0x7feb_352d);
        x ^= x >> 15;
        x = x.wrapping_mul(0x846c_a68b);
        x ^= x >> 16;
        x
    }

    /// Inputs where the two parses meet (runs, smooth rows) and where they never do (noise),
    /// each with how it is fed.
    fn inputs() -> Vec<(&'static str, Vec<u8>, usize)> {
        let random: Vec<u8> = (0..300_000).map(|i| (hash32(i) >> 24) as u8).collect();
        let mixed: Vec<u8> = (0..400_000u64)
            .map(|i| match (i / 20_000) % 4 {
                0 => (hash32(i) >> 24) as u8,
                1 => 0,
                2 => (hash32(i / 23) >> 24) as u8,
                _ => ((hash32(i) >> 24) % 4) as u8,
            })
            .collect();
        let rows: Vec<u8> = (0..512u64 * 1537)
            .map(|i| {
                let (y, x) = (i / 1537, i % 1537);
                ((x + y) / 7 + u64::from(hash32(i) >> 29)) as u8
            })
            .collect();
        let n = random.len();
        vec![
            ("random", random, n),
            ("zeros", vec![0; 1_000_000], 1_000_000),
            ("mixed, fed 777 bytes at a time", mixed, 777),
            ("rows", rows, 1537),
        ]
    }

    #[test]
    fn every_way_of_sharing_the_work_writes_the_one_thread_stream() {
        for (name, mut d, chunk) in inputs() {
            let n = d.len();
            d.resize(n + crate::PAD, 0);
            let serial = compress_serial(&d, n, chunk, vec![0x78, 0x9c]);
            for steer in [
                Steer::Free,
                Steer::Alone,
                Steer::FirstWins,
                Steer::SecondWins,
                Steer::BackOnly,
                Steer::FrontOnly,
            ] {
                let two = compress_steered(&d, n, chunk, vec![0x78, 0x9c], steer);
                assert!(two.as_ref() == Some(&serial), "{name}: {steer:?} differs");
            }
        }
    }
}
