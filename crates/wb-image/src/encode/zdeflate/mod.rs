//! A deflate encoder that writes exactly the bytes zlib 1.2.13 writes for level 6, memLevel 9,
//! windowBits 15 and `Z_FILTERED`: Pillow's PNG settings, so our PNG files are Pillow's byte
//! for byte (same SHA-256, same media file name as the SDK's).
//!
//! Our own code, written from zlib's documented algorithm and checked against zlib's output
//! (`tests/zlib_golden.rs`, and every image of the 300-image corpus of
//! `examples/png_sizes.py`):
//!
//! - [`parse`]: zlib's lazy matcher (`deflate_slow`) and its window slides;
//! - [`blocks`]: where zlib ends its blocks;
//! - [`matcher`]: finds the same matches as zlib's 3-byte hash chains through a 6-byte chain
//!   and per-hash ranks (only 6-byte matches survive `Z_FILTERED`), so far fewer candidates are
//!   looked at;
//! - [`trees`]: zlib's Huffman tree construction (heap order, depth tie-breaks, length limit
//!   fix-up) and code-length run coding;
//! - [`block`]: zlib's choice between stored, fixed and dynamic blocks and the bit output;
//! - [`tables`], [`bits`]: the RFC 1951 tables and an LSB-first bit writer.

pub mod bits;
pub mod block;
pub mod blocks;
pub mod matcher;
pub mod parse;
pub mod split;
pub mod tables;
pub mod trees;

use bits::BitWriter;
use blocks::Layout;
use matcher::PAD;
use parse::Parser;

/// The zlib stream of `data` fed to zlib in one piece (then `Z_FINISH`).
pub fn compress(data: &[u8]) -> Vec<u8> {
    compress_chunked(data, data.len())
}

/// The zlib stream of `data` fed to zlib `chunk` bytes per `deflate(Z_NO_FLUSH)` call, then
/// `Z_FINISH`: how Pillow feeds it, one filtered row (`1 + width × channels` bytes) at a time.
/// The feeding moves zlib's window slides, which can (rarely) change the output.
pub fn compress_chunked(data: &[u8], chunk: usize) -> Vec<u8> {
    let mut padded = Vec::with_capacity(data.len() + PAD);
    padded.extend_from_slice(data);
    padded.resize(data.len() + PAD, 0);
    compress_padded(&padded, data.len(), chunk)
}

/// Inputs from this size on are deflated by two threads ([`split`]).
pub const PARALLEL_MIN: usize = 1 << 18;

/// [`compress_chunked`] of `d[..n]`, where `d` carries at least [`PAD`] bytes past `n`.
pub fn compress_padded(d: &[u8], n: usize, chunk: usize) -> Vec<u8> {
    let n = n.min(d.len().saturating_sub(PAD));
    // CMF 0x78 (deflate, 32 KiB window), FLG 0x9c (level 6's flag, check bits).
    let mut header = Vec::with_capacity(n / 2 + 64);
    header.extend_from_slice(&[0x78, 0x9c]);
    if n >= PARALLEL_MIN
        && let Some(out) = split::compress(d, n, chunk, header.clone())
    {
        return out;
    }
    compress_serial(d, n, chunk, header)
}

/// [`compress_padded`] on this thread alone, after `header`.
pub fn compress_serial(d: &[u8], n: usize, chunk: usize, header: Vec<u8>) -> Vec<u8> {
    let mut p = Parser::new(d, n, chunk);
    p.finish();
    write_all(&p, d, n, header)
}

/// The stream of a finished parse of `d[..n]`, written on this thread after `header`.
fn write_all(p: &Parser<'_>, d: &[u8], n: usize, header: Vec<u8>) -> Vec<u8> {
    let layout = Layout {
        a: &p.syms,
        b: &[],
        slides: &p.slides,
        final_literal: p.final_literal,
    };
    let mut w = BitWriter::new(header);
    layout.write(&mut w, d, 0, usize::MAX, 0);
    let mut out = w.finish();
    out.extend_from_slice(&adler32(&d[..n]).to_be_bytes());
    out
}

/// The Adler-32 of `a ++ b` from those of `a` and `b` and the length of `b` (zlib's
/// `adler32_combine`).
pub fn adler32_combine(adler_a: u32, adler_b: u32, len_b: usize) -> u32 {
    const MOD: u64 = 65521;
    let rem = len_b as u64 % MOD;
    let (a1, b1) = (u64::from(adler_a & 0xffff), u64::from(adler_a >> 16));
    let (a2, b2) = (u64::from(adler_b & 0xffff), u64::from(adler_b >> 16));
    let sum1 = (a1 + a2 + MOD - 1) % MOD;
    let sum2 = (rem * a1 % MOD + b1 + b2 + MOD - rem) % MOD;
    ((sum2 << 16) | sum1) as u32
}

/// Adler-32 of `data` (the zlib trailer).
pub fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    // 5552 bytes keep both sums below 2^32 before the reduction (zlib's NMAX).
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}
