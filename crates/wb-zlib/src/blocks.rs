//! Where zlib ends its blocks, and writing a run of them.
//!
//! zlib (memLevel 9) flushes a block whenever its symbol buffer holds `lit_bufsize − 1` =
//! 32767 symbols, at the loop top that emitted the last one; the literal it emits after its
//! loop never triggers a flush, and the final block holds whatever is left (possibly
//! nothing). A block may be stored raw only if its first byte is still in zlib's window when
//! it is flushed: not before the window's offset after the slides up to that loop top (the
//! loop top after the position of the block's last symbol).

use super::bits::BitWriter;
use super::block::{Freqs, Sym, write_block};
use super::matcher::WSIZE;
use super::trees::Builder;

/// zlib's `lit_bufsize − 1` for memLevel 9: symbols per block.
pub(crate) const SYMS_PER_BLOCK: usize = (1 << (9 + 6)) - 1;

/// A parse's symbols, possibly in two pieces (a first parser's up to where a second parser's
/// took over), and what decides its blocks.
#[derive(Clone, Copy)]
pub(crate) struct Layout<'a> {
    /// The first piece of the symbol stream.
    pub(crate) a: &'a [Sym],
    /// The second piece.
    pub(crate) b: &'a [Sym],
    /// Loop tops where zlib's window slid.
    pub(crate) slides: &'a [usize],
    /// Whether the last symbol is zlib's after-loop literal.
    pub(crate) final_literal: bool,
}

impl Layout<'_> {
    /// Symbols in all.
    pub(crate) fn len(&self) -> usize {
        self.a.len() + self.b.len()
    }

    /// Whether there are no symbols.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of blocks (the last one may be empty).
    pub(crate) fn blocks(&self) -> usize {
        (self.len() - usize::from(self.final_literal && !self.is_empty())) / SYMS_PER_BLOCK + 1
    }

    /// The symbols `lo..hi`, in (up to) two pieces.
    pub(crate) fn parts(&self, lo: usize, hi: usize) -> [&[Sym]; 2] {
        let na = self.a.len();
        let a = &self.a[lo.min(na)..hi.min(na)];
        let b = &self.b[lo.max(na) - na..hi.max(na) - na];
        [a, b]
    }

    /// The symbols of block `g`.
    pub(crate) fn block_syms(&self, g: usize) -> (usize, usize) {
        let lo = g * SYMS_PER_BLOCK;
        if g + 1 == self.blocks() {
            (lo, self.len())
        } else {
            (lo, lo + SYMS_PER_BLOCK)
        }
    }

    /// zlib's window offset after the slides up to loop top `t`.
    fn offset_at(&self, t: usize) -> usize {
        WSIZE * self.slides.partition_point(|&s| s <= t)
    }

    /// Writes blocks `g0..g1` of the input `d` to `w`; block `g0` starts at byte `start`.
    /// Returns the end of the last block written.
    pub(crate) fn write(
        &self,
        w: &mut BitWriter,
        d: &[u8],
        g0: usize,
        g1: usize,
        mut start: usize,
    ) -> usize {
        let mut b = Builder::default();
        for g in g0..g1.min(self.blocks()) {
            start = self.write_one(w, &mut b, d, g, Edge::Start(start)).1;
        }
        start
    }

    /// Writes block `g` of the input `d` to `w`, given where it starts or where it ends;
    /// returns its start and end.
    pub(crate) fn write_one(
        &self,
        w: &mut BitWriter,
        b: &mut Builder,
        d: &[u8],
        g: usize,
        at: Edge,
    ) -> (usize, usize) {
        let (lo, hi) = self.block_syms(g);
        let parts = self.parts(lo, hi);
        let f = Freqs::count(parts);
        let (start, end) = match at {
            Edge::Start(start) => (start, start + f.bytes),
            Edge::End(end) => (end.saturating_sub(f.bytes), end),
        };
        let last = g + 1 == self.blocks();
        let offset = if last {
            WSIZE * self.slides.len()
        } else {
            // The block's last symbol starts at end − last_len; zlib flushed at the next
            // loop top.
            self.offset_at(end - f.last_len + 1)
        };
        let raw = d.get(start..end).filter(|_| start >= offset);
        write_block(w, b, &f, parts, raw, last);
        (start, end)
    }
}

/// Where a block is known to lie: its first byte, or one past its last.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Edge {
    /// The block starts here.
    Start(usize),
    /// The block ends here.
    End(usize),
}
