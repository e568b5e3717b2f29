//! One deflate block as zlib's `_tr_flush_block` writes it: both dynamic trees and the
//! code-length tree are built, their costs compared with the fixed trees' and with storing the
//! bytes raw, and the cheapest is written (stored when it costs no more than the best coded
//! form and the bytes are still in zlib's window; fixed when it costs no more than dynamic).

use super::bits::BitWriter;
use super::tables::{
    BASE_DIST, BASE_LENGTH, BL_ORDER, D_CODES, END_BLOCK, EXTRA_DBITS, EXTRA_LBITS, L_CODES,
    LENGTH_CODE, MAX_BITS, STATIC_DTREE_CODE, STATIC_DTREE_LEN, STATIC_LTREE_CODE,
    STATIC_LTREE_LEN, d_code,
};
use super::trees::{BlItem, Builder, Costs, TreeKind, build_bl_tree, run_lengths};

/// A parsed symbol: bits 0–7 a literal byte or a match length − 3, bits 8 and up the match
/// distance (0 for a literal).
pub(crate) type Sym = u32;

/// A literal symbol.
#[inline(always)]
pub(crate) fn literal(byte: u8) -> Sym {
    u32::from(byte)
}

/// A match symbol (`len` 3–258, `dist` 1–32768).
#[inline(always)]
pub(crate) fn matched(len: usize, dist: usize) -> Sym {
    ((dist as u32) << 8) | (len as u32 - 3)
}

const LTREE: TreeKind = TreeKind {
    elems: L_CODES,
    max_length: MAX_BITS,
    extra: &EXTRA_LBITS,
    extra_base: 257,
    static_len: Some(&STATIC_LTREE_LEN),
};

const DTREE: TreeKind = TreeKind {
    elems: D_CODES,
    max_length: MAX_BITS,
    extra: &EXTRA_DBITS,
    extra_base: 0,
    static_len: Some(&STATIC_DTREE_LEN),
};

/// How a block got written (for tests and statistics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockType {
    /// Raw bytes.
    Stored,
    /// The fixed trees.
    Fixed,
    /// Dynamic trees.
    Dynamic,
}

/// A block's symbol counts and size, from one pass over its symbols.
pub(crate) struct Freqs {
    lfreq: [u32; L_CODES],
    dfreq: [u32; D_CODES],
    /// Bytes the symbols encode.
    pub(crate) bytes: usize,
    /// Bytes the last symbol encodes (0 for an empty block).
    pub(crate) last_len: usize,
}

impl Freqs {
    /// Counts the symbols of `parts` (one block, possibly in two pieces).
    pub(crate) fn count(parts: [&[Sym]; 2]) -> Freqs {
        let mut lfreq = [0u32; L_CODES];
        let mut dfreq = [0u32; D_CODES];
        let mut bytes = 0usize;
        let mut last_len = 0usize;
        for part in parts {
            for &s in part {
                let lc = (s & 0xff) as usize;
                let dist = (s >> 8) as usize;
                if dist == 0 {
                    lfreq[lc] += 1;
                    last_len = 1;
                } else {
                    lfreq[usize::from(LENGTH_CODE[lc]) + 257] += 1;
                    dfreq[d_code(dist - 1)] += 1;
                    last_len = lc + 3;
                }
                bytes += last_len;
            }
        }
        lfreq[END_BLOCK] = 1;
        Freqs {
            lfreq,
            dfreq,
            bytes,
            last_len,
        }
    }
}

/// Writes one block: `parts` are its symbols (counted in `f`), `raw` the bytes they encode
/// (`None` when zlib no longer holds them in its window, which rules out a stored block),
/// `last` marks the final block.
pub(crate) fn write_block(
    w: &mut BitWriter,
    b: &mut Builder,
    f: &Freqs,
    parts: [&[Sym]; 2],
    raw: Option<&[u8]>,
    last: bool,
) -> BlockType {
    let stored_len = f.bytes;
    // Room for the worst case: every symbol 48 bits, trees and headers.
    w.reserve(6 * (parts[0].len() + parts[1].len()) + 1024);
    let mut costs = Costs::default();
    let ltree = b.build(&f.lfreq, &LTREE, &mut costs);
    let dtree = b.build(&f.dfreq, &DTREE, &mut costs);
    let mut items: Vec<BlItem> = Vec::with_capacity(L_CODES + D_CODES);
    run_lengths(&ltree, &mut items);
    run_lengths(&dtree, &mut items);
    let (bltree, blcodes) = build_bl_tree(b, &items, &mut costs);

    let mut opt_lenb = (costs.opt_len.wrapping_add(3 + 7)) >> 3;
    let static_lenb = (costs.static_len.wrapping_add(3 + 7)) >> 3;
    if static_lenb <= opt_lenb {
        opt_lenb = static_lenb;
    }
    let last_bit = u64::from(last);
    if let Some(bytes) = raw.filter(|_| stored_len as u64 + 4 <= opt_lenb) {
        w.put(last_bit, 3);
        w.align();
        let len = stored_len as u16;
        w.bytes(&len.to_le_bytes());
        w.bytes(&(!len).to_le_bytes());
        w.bytes(bytes);
        BlockType::Stored
    } else if static_lenb == opt_lenb {
        w.put((1 << 1) + last_bit, 3);
        for part in parts {
            compress(
                w,
                part,
                &STATIC_LTREE_CODE,
                &STATIC_LTREE_LEN,
                &STATIC_DTREE_CODE,
                &STATIC_DTREE_LEN,
            );
        }
        w.put(
            u64::from(STATIC_LTREE_CODE[END_BLOCK]),
            u32::from(STATIC_LTREE_LEN[END_BLOCK]),
        );
        if last {
            w.align();
        }
        BlockType::Fixed
    } else {
        w.put((2 << 1) + last_bit, 3);
        let lcodes = ltree.max_code + 1;
        let dcodes = dtree.max_code + 1;
        w.put((lcodes - 257) as u64, 5);
        w.put((dcodes - 1) as u64, 5);
        w.put((blcodes - 4) as u64, 4);
        for &sym in &BL_ORDER[..blcodes] {
            w.put(u64::from(bltree.len[sym]), 3);
        }
        for &(sym, extra) in &items {
            let sym = usize::from(sym);
            w.put(u64::from(bltree.code[sym]), u32::from(bltree.len[sym]));
            match sym {
                16 => w.put(u64::from(extra), 2),
                17 => w.put(u64::from(extra), 3),
                18 => w.put(u64::from(extra), 7),
                _ => {}
            }
        }
        for part in parts {
            compress(w, part, &ltree.code, &ltree.len, &dtree.code, &dtree.len);
        }
        w.put(
            u64::from(ltree.code[END_BLOCK]),
            u32::from(ltree.len[END_BLOCK]),
        );
        if last {
            w.align();
        }
        BlockType::Dynamic
    }
}

/// zlib's `compress_block` (without the end of block): the symbols with the given trees.
/// The trees are first packed into tables that give, per literal, its code and length, and
/// per match length its code with the extra bits already in place, so that a match takes one
/// write to the bit buffer.
fn compress(
    w: &mut BitWriter,
    syms: &[Sym],
    lcode: &[u16],
    llen: &[u8],
    dcode: &[u16],
    dlen: &[u8],
) {
    if syms.is_empty() {
        return;
    }
    // Literal: code | len << 16.
    let mut lit = [0u32; 256];
    for (i, e) in lit.iter_mut().enumerate() {
        *e = u32::from(lcode[i]) | u32::from(llen[i]) << 16;
    }
    // Match length − 3: (length code with its extra bits) | bit count << 24.
    let mut len = [0u32; 256];
    for (lc, e) in len.iter_mut().enumerate() {
        let code = usize::from(LENGTH_CODE[lc]);
        let clen = u32::from(llen[code + 257]);
        let extra = u32::from(EXTRA_LBITS[code]);
        // (Length 258 has code 28 and no extra bits, whatever its offset from the base.)
        let value = (lc as u32 - u32::from(BASE_LENGTH[code])) & ((1 << extra) - 1);
        let bits = u32::from(lcode[code + 257]) | (value << clen);
        *e = bits | (clen + extra) << 24;
    }
    // Distance code: code, its length, its base.
    let mut dist = [(0u64, 0u32, 0u32); 30];
    for (dc, e) in dist.iter_mut().enumerate() {
        *e = (
            u64::from(dcode[dc]),
            u32::from(dlen[dc]),
            u32::from(BASE_DIST[dc]),
        );
    }
    for &s in syms {
        let lc = (s & 0xff) as usize;
        let d = s >> 8;
        if d == 0 {
            let e = lit[lc];
            w.put(u64::from(e & 0xffff), e >> 16);
        } else {
            let e = len[lc];
            let (lbits, ln) = (u64::from(e & 0xff_ffff), e >> 24);
            let d = d - 1;
            let dc = d_code(d as usize);
            let (code, clen, base) = dist[dc];
            let extra = u32::from(EXTRA_DBITS[dc]);
            let dbits = code | (u64::from(d - base) << clen);
            w.put(lbits | (dbits << ln), ln + clen + extra);
        }
    }
}
