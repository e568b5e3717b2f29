//! # wb-zlib
//!
//! A deflate encoder that writes exactly the bytes zlib 1.2.13 writes for level 6, memLevel 9,
//! windowBits 15 and `Z_FILTERED`, the whole input handed over at once or a piece per
//! `deflate(Z_NO_FLUSH)` call, then `Z_FINISH`: Pillow's PNG settings, so the PNG files of
//! `wb-image` are Pillow's byte for byte (same SHA-256, same media file name as the SDK's).
//!
//! ```
//! let data = b"the quick brown fox jumps over the lazy dog, the quick brown fox".repeat(50);
//! let z = wb_zlib::compress(&data)?;
//! assert_eq!(&z[..2], &[0x78, 0x9c]);
//! // Fed as Pillow feeds a PNG's filtered rows, one row per `deflate` call:
//! let rows = wb_zlib::CompressOptions::default().with_feed_size(1 + 64 * 3);
//! let z = wb_zlib::compress_with(&data, rows)?;
//! # let _ = z;
//! # Ok::<(), wb_zlib::Error>(())
//! ```
//!
//! Our own code, written from zlib's documented algorithm and behaviour, checked against zlib's
//! output: `tests/zlib_golden.rs` (zlib's streams for 40 inputs made by formulas, up to 1 MB,
//! whole and fed in pieces, on one thread and on two; the unit tests of `split` take every
//! way the two threads can share the work) and, through `wb-image`, every image of the
//! 300-image corpus of its `examples/png_sizes.py` (byte-identical PNG files).
//!
//! What zlib does, and where it is here (private modules):
//!
//! - `parse`: the lazy matcher (`deflate_slow`): every position inserted into the 3-byte hash
//!   chains (hash bits 16 = memLevel + 7), a search while the previous match is shorter than 16,
//!   chains 128 deep (32 once the previous match is 8 long), stop at 128, matches of 5 bytes or
//!   fewer dropped (`Z_FILTERED`), `MAX_DIST` = 32506; window slides (which depend on how the
//!   input is fed) and their two effects (slid-out entries are `NIL`; stored blocks only while
//!   the block's bytes are in the window);
//! - `blocks`: a block ends every 32767 symbols (`lit_bufsize − 1`), the literal after the
//!   loop never ends one;
//! - `trees`: Huffman trees (heap ordered by frequency then depth, leaves in symbol order,
//!   at least two codes, lengths over the limit fixed up by zlib's rule), canonical codes,
//!   code-length run coding, the cost estimates `opt_len` / `static_len`;
//! - `block`: stored if it costs no more than the coded forms (and the bytes are still in the
//!   window), fixed if it costs no more than dynamic, else dynamic; the bit output;
//! - `tables`, `bits`: RFC 1951's tables, an LSB-first bit writer; `adler32` and the
//!   `78 9c` header.
//!
//! How it is fast while writing the same bytes:
//!
//! - `matcher`: only matches of 6 bytes or more survive `Z_FILTERED`, so instead of walking
//!   zlib's 3-byte chains (up to 128 candidates per position on image data) the matcher walks
//!   a chain of positions with the same 6-byte hash and knows, from per-hash counters, how deep
//!   in zlib's chain each candidate sits; candidates come in zlib's order, so "the first that
//!   beats the best" is the same one. A run of literals takes one pass with one rarely taken
//!   branch per position.
//! - `split`: two threads, each parsing (and writing the blocks of) about half the input; the
//!   second starts mid-way from the 32 KiB before its start and its parse is adopted from the
//!   first loop top where both parses' states agree.
//! - `scratch`: the tables and symbol buffer are kept between streams.

#![warn(missing_docs)]

mod bits;
mod block;
mod blocks;
mod matcher;
mod parse;
mod scratch;
mod split;
mod tables;
mod trees;

use bits::BitWriter;
use blocks::Layout;
use matcher::PAD;
use parse::Parser;

/// What can go wrong when deflating.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is longer than [`MAX_INPUT`] (positions are kept in 32 bits).
    #[error("cannot deflate {len} bytes: at most {max} bytes are supported", max = MAX_INPUT)]
    InputTooLong {
        /// The input's length.
        len: usize,
    },
}

/// This crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The longest input: positions are kept in 32 bits.
pub const MAX_INPUT: usize = u32::MAX as usize - (1 << 16);

/// The spare capacity [`compress_vec`] needs past the input's end to deflate it in place;
/// with less, the buffer grows once.
pub const SPARE_CAPACITY: usize = PAD;

/// Inputs from this size on may be deflated by two threads (see [`Threads::Auto`]).
const PARALLEL_MIN: usize = 1 << 18;

/// How many threads deflate one stream (the output is the same either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Threads {
    /// Two threads for inputs of 256 KiB or more when a second core looks free (at least two
    /// CPUs and, on Linux, CPU pressure below 40%), else one.
    #[default]
    Auto,
    /// Only the calling thread.
    One,
}

/// How the input is fed to zlib and how many threads deflate it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct CompressOptions {
    feed_size: Option<usize>,
    threads: Threads,
}

impl CompressOptions {
    /// Feeds the input `size` bytes per `deflate(Z_NO_FLUSH)` call, then `Z_FINISH`, as Pillow
    /// feeds a PNG's filtered rows (`1 + width × channels` bytes each). The feeding moves
    /// zlib's window slides, which can (rarely) change the output. `0` means all at once (the
    /// default).
    pub fn with_feed_size(mut self, size: usize) -> Self {
        self.feed_size = (size > 0).then_some(size);
        self
    }

    /// How many threads deflate the stream ([`Threads::Auto`] by default).
    pub fn with_threads(mut self, threads: Threads) -> Self {
        self.threads = threads;
        self
    }

    /// The bytes per `deflate` call, `None` when the input is fed all at once.
    pub fn feed_size(&self) -> Option<usize> {
        self.feed_size
    }

    /// The threads setting.
    pub fn threads(&self) -> Threads {
        self.threads
    }
}

/// Refuses inputs longer than [`MAX_INPUT`].
fn check_len(n: usize) -> Result<()> {
    if n > MAX_INPUT {
        return Err(Error::InputTooLong { len: n });
    }
    Ok(())
}

/// The zlib stream of `data` handed to zlib in one piece (then `Z_FINISH`).
pub fn compress(data: &[u8]) -> Result<Vec<u8>> {
    compress_with(data, CompressOptions::default())
}

/// The zlib stream of `data`, fed and deflated as `options` say.
pub fn compress_with(data: &[u8], options: CompressOptions) -> Result<Vec<u8>> {
    check_len(data.len())?;
    let mut padded = Vec::with_capacity(data.len() + PAD);
    padded.extend_from_slice(data);
    compress_vec(padded, options)
}

/// [`compress_with`] on an owned buffer, without copying it when it has
/// [`SPARE_CAPACITY`] bytes of spare capacity.
pub fn compress_vec(mut data: Vec<u8>, options: CompressOptions) -> Result<Vec<u8>> {
    let n = data.len();
    check_len(n)?;
    data.resize(n + PAD, 0);
    let chunk = options.feed_size.unwrap_or(n);
    // CMF 0x78 (deflate, 32 KiB window), FLG 0x9c (level 6's flag, check bits).
    let header = vec![0x78, 0x9c];
    if options.threads == Threads::Auto
        && n >= PARALLEL_MIN
        && split::spare_core()
        && let Some(out) = split::compress(&data, n, chunk, header.clone())
    {
        return Ok(out);
    }
    Ok(compress_serial(&data, n, chunk, header))
}

/// The stream of `d[..n]` (`d` carries [`PAD`] more bytes) on this thread alone, after
/// `header`.
fn compress_serial(d: &[u8], n: usize, chunk: usize, header: Vec<u8>) -> Vec<u8> {
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
pub(crate) fn adler32_combine(adler_a: u32, adler_b: u32, len_b: usize) -> u32 {
    const MOD: u64 = 65521;
    let rem = len_b as u64 % MOD;
    let (a1, b1) = (u64::from(adler_a & 0xffff), u64::from(adler_a >> 16));
    let (a2, b2) = (u64::from(adler_b & 0xffff), u64::from(adler_b >> 16));
    let sum1 = (a1 + a2 + MOD - 1) % MOD;
    let sum2 = (rem * a1 % MOD + b1 + b2 + MOD - rem) % MOD;
    ((sum2 << 16) | sum1) as u32
}

/// Adler-32 of `data` (the zlib trailer).
pub(crate) fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    // Blocks short enough that both sums stay below 2^32 before the reduction (zlib's NMAX,
    // 5552, rounded down to whole 32-byte pieces).
    const BLOCK: usize = 5536;
    let (mut a, mut b) = (1u32, 0u32);
    for block in data.chunks(BLOCK) {
        let mut pieces = block.chunks_exact(32);
        for piece in &mut pieces {
            // The sums over 32 bytes at once (a loop the compiler turns into SIMD): `a` grows
            // by the bytes, `b` by 32 times `a` plus each byte weighted by its distance to
            // the end of the piece.
            let (mut s1, mut s2) = (0u32, 0u32);
            for (i, &x) in piece.iter().enumerate() {
                s1 += u32::from(x);
                s2 += (32 - i as u32) * u32::from(x);
            }
            b += 32 * a + s2;
            a += s1;
        }
        for &x in pieces.remainder() {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_matches_the_rfc_1950_example_and_combines() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
        let data: Vec<u8> = (0..100_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for cut in [0, 1, 5551, 5552, 65521, 70_000, 100_000] {
            let (a, b) = data.split_at(cut);
            assert_eq!(
                adler32_combine(adler32(a), adler32(b), b.len()),
                adler32(&data),
                "{cut}"
            );
        }
    }

    #[test]
    fn inputs_beyond_32_bit_positions_are_refused() {
        assert!(check_len(MAX_INPUT).is_ok());
        let e = check_len(MAX_INPUT + 1).unwrap_err().to_string();
        assert!(e.contains("at most"), "{e}");
    }
}
