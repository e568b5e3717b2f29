//! Huffman trees exactly as zlib 1.2.13's `trees.c` builds them, so that equal frequencies give
//! equal codes: a binary heap ordered by frequency then subtree depth, leaves entered in symbol
//! order, the two least frequent nodes merged at each step; lengths longer than the limit
//! clamped and fixed up by zlib's rule (move leaves down from the deepest level that can take
//! them, then hand the lengths out again in increasing frequency); canonical codes.
//!
//! The cost estimates zlib uses to choose the block type are computed alongside
//! ([`Costs::opt_len`] for the dynamic trees, [`Costs::static_len`] for the fixed ones), with
//! zlib's wrapping unsigned arithmetic.

use super::tables::{
    BL_CODES, BL_ORDER, EXTRA_BLBITS, MAX_BITS, MAX_BL_BITS, REP_3_6, REPZ_3_10, REPZ_11_138,
    bi_reverse,
};

/// zlib's `HEAP_SIZE`: room for every node of the largest tree (2 × 286 + 1).
pub(crate) const HEAP_SIZE: usize = 2 * 286 + 1;

/// What a tree is made of.
pub(crate) struct TreeKind {
    /// Number of leaves (symbols).
    pub(crate) elems: usize,
    /// The longest code allowed.
    pub(crate) max_length: usize,
    /// Extra bits per symbol from `extra_base` on.
    pub(crate) extra: &'static [u8],
    /// The first symbol with extra bits.
    pub(crate) extra_base: usize,
    /// Bit lengths of the fixed tree, if this tree has one.
    pub(crate) static_len: Option<&'static [u8]>,
}

/// Running bit counts of the current block, as zlib keeps them in `opt_len` / `static_len`.
#[derive(Default, Clone, Copy)]
pub(crate) struct Costs {
    /// Bits of the block with dynamic trees (tree descriptions included once the bit-length
    /// tree is built).
    pub(crate) opt_len: u64,
    /// Bits of the block with the fixed trees.
    pub(crate) static_len: u64,
}

/// One built tree: per symbol its code length and (bit-reversed) code.
pub(crate) struct Tree {
    /// Code length of each symbol (0: unused).
    pub(crate) len: [u8; HEAP_SIZE],
    /// Code of each symbol, bit-reversed for LSB-first output.
    pub(crate) code: [u16; HEAP_SIZE],
    /// The largest symbol with a code.
    pub(crate) max_code: usize,
}

impl Tree {
    fn new() -> Tree {
        Tree {
            len: [0; HEAP_SIZE],
            code: [0; HEAP_SIZE],
            max_code: 0,
        }
    }
}

/// Scratch space for building trees (zlib's heap, depth and node arrays).
pub(crate) struct Builder {
    heap: [usize; HEAP_SIZE],
    heap_len: usize,
    heap_max: usize,
    depth: [u8; HEAP_SIZE],
    freq: [u32; HEAP_SIZE],
    dad: [u16; HEAP_SIZE],
    len: [u16; HEAP_SIZE],
    bl_count: [u32; MAX_BITS + 1],
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            heap: [0; HEAP_SIZE],
            heap_len: 0,
            heap_max: 0,
            depth: [0; HEAP_SIZE],
            freq: [0; HEAP_SIZE],
            dad: [0; HEAP_SIZE],
            len: [0; HEAP_SIZE],
            bl_count: [0; MAX_BITS + 1],
        }
    }
}

impl Builder {
    /// zlib's `smaller`: less frequent, or as frequent and not deeper.
    #[inline]
    fn smaller(&self, n: usize, m: usize) -> bool {
        self.freq[n] < self.freq[m]
            || (self.freq[n] == self.freq[m] && self.depth[n] <= self.depth[m])
    }

    /// Sifts the node at heap index `k` down to its place.
    fn pqdownheap(&mut self, mut k: usize) {
        let v = self.heap[k];
        let mut j = k << 1;
        while j <= self.heap_len {
            if j < self.heap_len && self.smaller(self.heap[j + 1], self.heap[j]) {
                j += 1;
            }
            if self.smaller(v, self.heap[j]) {
                break;
            }
            self.heap[k] = self.heap[j];
            k = j;
            j <<= 1;
        }
        self.heap[k] = v;
    }

    /// Builds the tree for `freq` (one count per symbol of `kind`), adding its cost to `costs`.
    /// zlib's `build_tree`, `gen_bitlen` and `gen_codes`.
    pub(crate) fn build(&mut self, freq: &[u32], kind: &TreeKind, costs: &mut Costs) -> Tree {
        let elems = kind.elems;
        let mut tree = Tree::new();
        self.heap_len = 0;
        self.heap_max = HEAP_SIZE;
        let mut max_code: isize = -1;
        for n in 0..elems {
            let f = freq.get(n).copied().unwrap_or(0);
            self.freq[n] = f;
            self.len[n] = 0;
            if f != 0 {
                self.heap_len += 1;
                self.heap[self.heap_len] = n;
                max_code = n as isize;
                self.depth[n] = 0;
            }
        }
        // At least two codes, so that at least one bit is sent even for a single symbol.
        while self.heap_len < 2 {
            let node = if max_code < 2 {
                max_code += 1;
                max_code as usize
            } else {
                0
            };
            self.heap_len += 1;
            self.heap[self.heap_len] = node;
            self.freq[node] = 1;
            self.depth[node] = 0;
            costs.opt_len = costs.opt_len.wrapping_sub(1);
            if let Some(st) = kind.static_len {
                costs.static_len = costs.static_len.wrapping_sub(u64::from(st[node]));
            }
        }
        let max_code = max_code as usize;
        tree.max_code = max_code;

        for n in (1..=self.heap_len / 2).rev() {
            self.pqdownheap(n);
        }
        let mut node = elems;
        loop {
            // The two least frequent nodes become children of a new node.
            let n = self.heap[1];
            self.heap[1] = self.heap[self.heap_len];
            self.heap_len -= 1;
            self.pqdownheap(1);
            let m = self.heap[1];
            self.heap_max -= 1;
            self.heap[self.heap_max] = n;
            self.heap_max -= 1;
            self.heap[self.heap_max] = m;
            self.freq[node] = self.freq[n] + self.freq[m];
            self.depth[node] = self.depth[n].max(self.depth[m]).wrapping_add(1);
            self.dad[n] = node as u16;
            self.dad[m] = node as u16;
            self.heap[1] = node;
            node += 1;
            self.pqdownheap(1);
            if self.heap_len < 2 {
                break;
            }
        }
        self.heap_max -= 1;
        self.heap[self.heap_max] = self.heap[1];

        self.gen_bitlen(max_code, kind, costs);
        for n in 0..=max_code {
            tree.len[n] = self.len[n] as u8;
        }
        gen_codes(&mut tree, &self.bl_count);
        tree
    }

    /// zlib's `gen_bitlen`: code lengths from the tree, clamped to `max_length` with zlib's
    /// overflow fix-up, and the block's costs.
    fn gen_bitlen(&mut self, max_code: usize, kind: &TreeKind, costs: &mut Costs) {
        let max_length = kind.max_length;
        self.bl_count = [0; MAX_BITS + 1];
        self.len[self.heap[self.heap_max]] = 0; // the root
        let mut overflow = 0i32;
        for h in self.heap_max + 1..HEAP_SIZE {
            let n = self.heap[h];
            let mut bits = usize::from(self.len[usize::from(self.dad[n])]) + 1;
            if bits > max_length {
                bits = max_length;
                overflow += 1;
            }
            self.len[n] = bits as u16;
            if n > max_code {
                continue; // not a leaf
            }
            self.bl_count[bits] += 1;
            let xbits = if n >= kind.extra_base {
                usize::from(kind.extra[n - kind.extra_base])
            } else {
                0
            };
            let f = u64::from(self.freq[n]);
            costs.opt_len = costs.opt_len.wrapping_add(f * (bits + xbits) as u64);
            if let Some(st) = kind.static_len {
                costs.static_len = costs
                    .static_len
                    .wrapping_add(f * (usize::from(st[n]) + xbits) as u64);
            }
        }
        if overflow == 0 {
            return;
        }
        // Move leaves down from the deepest level below the limit that has any, two overflow
        // items up as their brothers, until nothing overflows.
        loop {
            let mut bits = max_length - 1;
            // (A tree with leaves too deep has leaves higher up; the guard only keeps this
            // loop in bounds.)
            while bits > 1 && self.bl_count[bits] == 0 {
                bits -= 1;
            }
            self.bl_count[bits] = self.bl_count[bits].saturating_sub(1);
            self.bl_count[bits + 1] += 2;
            self.bl_count[max_length] = self.bl_count[max_length].saturating_sub(1);
            overflow -= 2;
            if overflow <= 0 {
                break;
            }
        }
        // Hand the lengths out again, longest to the least frequent leaves.
        let mut h = HEAP_SIZE;
        for bits in (1..=max_length).rev() {
            let mut n = self.bl_count[bits];
            while n != 0 {
                h -= 1;
                let m = self.heap[h];
                if m > max_code {
                    continue;
                }
                if usize::from(self.len[m]) != bits {
                    let delta = (bits as u64).wrapping_sub(u64::from(self.len[m]));
                    costs.opt_len = costs
                        .opt_len
                        .wrapping_add(delta.wrapping_mul(u64::from(self.freq[m])));
                    self.len[m] = bits as u16;
                }
                n -= 1;
            }
        }
    }
}

/// zlib's `gen_codes`: canonical codes from the lengths, bit-reversed.
fn gen_codes(tree: &mut Tree, bl_count: &[u32; MAX_BITS + 1]) {
    let mut next = [0u32; MAX_BITS + 1];
    let mut code = 0u32;
    for bits in 1..=MAX_BITS {
        code = (code + bl_count[bits - 1]) << 1;
        next[bits] = code;
    }
    for n in 0..=tree.max_code {
        let len = usize::from(tree.len[n]);
        if len != 0 {
            tree.code[n] = bi_reverse(next[len], len as u32);
            next[len] += 1;
        }
    }
}

/// The code lengths of `tree` as zlib's `scan_tree` / `send_tree` read them: up to `max_code`,
/// then a guard that equals no length.
#[inline]
fn len_or_guard(tree: &Tree, n: usize) -> u32 {
    if n > tree.max_code {
        0xffff
    } else {
        u32::from(tree.len[n])
    }
}

/// One item of a run-length coded list of code lengths: a code-length symbol (0–18) and the
/// value of its extra bits.
pub(crate) type BlItem = (u8, u8);

/// zlib's `scan_tree` and `send_tree` in one: the code lengths of `tree` (0..=max_code) as the
/// run-length items zlib sends, appended to `out`.
pub(crate) fn run_lengths(tree: &Tree, out: &mut Vec<BlItem>) {
    let mut prevlen: u32 = u32::MAX;
    let mut nextlen = len_or_guard(tree, 0);
    let mut count = 0u32;
    let (mut max_count, mut min_count) = if nextlen == 0 { (138, 3) } else { (7, 4) };
    for n in 0..=tree.max_code {
        let curlen = nextlen;
        nextlen = len_or_guard(tree, n + 1);
        count += 1;
        if count < max_count && curlen == nextlen {
            continue;
        } else if count < min_count {
            for _ in 0..count {
                out.push((curlen as u8, 0));
            }
        } else if curlen != 0 {
            if curlen != prevlen {
                out.push((curlen as u8, 0));
                count -= 1;
            }
            out.push((REP_3_6 as u8, (count - 3) as u8));
        } else if count <= 10 {
            out.push((REPZ_3_10 as u8, (count - 3) as u8));
        } else {
            out.push((REPZ_11_138 as u8, (count - 11) as u8));
        }
        count = 0;
        prevlen = curlen;
        if nextlen == 0 {
            (max_count, min_count) = (138, 3);
        } else if curlen == nextlen {
            (max_count, min_count) = (6, 3);
        } else {
            (max_count, min_count) = (7, 4);
        }
    }
}

/// The tree of code-length codes (zlib's `build_bl_tree`) for the run-length items of both
/// trees, and the number of its lengths that are sent (`max_blindex + 1`).
pub(crate) fn build_bl_tree(
    builder: &mut Builder,
    items: &[BlItem],
    costs: &mut Costs,
) -> (Tree, usize) {
    let mut freq = [0u32; BL_CODES];
    for &(sym, _) in items {
        freq[usize::from(sym)] += 1;
    }
    let kind = TreeKind {
        elems: BL_CODES,
        max_length: MAX_BL_BITS,
        extra: &EXTRA_BLBITS,
        extra_base: 0,
        static_len: None,
    };
    let tree = builder.build(&freq, &kind, costs);
    let mut max_blindex = BL_CODES - 1;
    while max_blindex >= 3 {
        if tree.len[BL_ORDER[max_blindex]] != 0 {
            break;
        }
        max_blindex -= 1;
    }
    costs.opt_len = costs
        .opt_len
        .wrapping_add(3 * (max_blindex as u64 + 1) + 5 + 5 + 4);
    (tree, max_blindex + 1)
}
