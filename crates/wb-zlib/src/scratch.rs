//! Working memory kept between streams: a parser's match tables (about 830 KiB) and symbol
//! buffer (4 bytes a byte of input). Fresh allocations of that size cost page faults and page
//! clearing on every image (about 5% of encoding time, measured); a small pool hands them
//! back instead.

use std::sync::Mutex;

use super::block::Sym;
use super::matcher::Matcher;

/// A parser's reusable memory.
pub(crate) struct Scratch {
    /// Match tables (reset before reuse).
    pub(crate) m: Matcher,
    /// Symbol buffer (emptied before reuse).
    pub(crate) syms: Vec<Sym>,
}

/// Sets kept at most (one per thread of a two-thread stream).
const KEEP: usize = 2;

/// Symbol buffers above this capacity (16 MiB) are not kept: one huge image must not pin its
/// memory for good.
const MAX_KEPT_SYMS: usize = 1 << 22;

static POOL: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());

/// Memory for a parse with room for `cap` symbols: a kept set if there is one (tables reset),
/// else a new one.
pub(crate) fn take(cap: usize) -> Scratch {
    let kept = POOL.lock().ok().and_then(|mut p| p.pop());
    match kept {
        Some(mut s) => {
            s.m.reset();
            s.syms.clear();
            s.syms.reserve(cap);
            s
        }
        None => Scratch {
            m: Matcher::default(),
            syms: Vec::with_capacity(cap),
        },
    }
}

/// Hands memory back for a later parse.
pub(crate) fn give(s: Scratch) {
    if s.syms.capacity() > MAX_KEPT_SYMS {
        return;
    }
    if let Ok(mut p) = POOL.lock()
        && p.len() < KEEP
    {
        p.push(s);
    }
}
