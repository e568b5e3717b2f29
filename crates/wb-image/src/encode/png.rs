//! PNG as Pillow writes it for `wandb.Image`, with a deliberately chosen deflate.
//!
//! The container is Pillow's: `IHDR` (8-bit, colour type 0/4/2/6, no interlace), the zlib
//! stream split into `IDAT` chunks of `max(65536, 4 * width)` bytes, `IEND`; no other chunks.
//! Each row gets the filter Pillow picks: of None, Up, Sub and Paeth (tried in that order, a
//! later one only when strictly better) the one whose bytes, read as signed, sum to the least
//! absolute value. So the filtered stream equals Pillow's byte for byte.
//!
//! Pillow deflates it with zlib level 6, `Z_FILTERED`, memLevel 9. We use zlib-rs (a pure-Rust
//! port of zlib-ng) at level 7 with the same strategy and memory level: its lazy matcher with a
//! 256-step chain. Measured on the same filtered data (`examples/png_sizes.rs` and
//! `examples/bench_image.rs`): a 512×512 photo-like image comes out smaller than Pillow's
//! (41,232 bytes vs 46,664), in less time than Pillow's zlib; on a corpus of 300 mixed images
//! (`examples/png_sizes.py`) the total is 0.67% smaller, and the 29 files that come out larger
//! are so by at most 1.44% (a few bytes on most; zlib-rs levels 8 and 9, miniz_oxide, and
//! splitting the stream over two threads were tried and none removes them: zlib-ng hashes 4
//! bytes where zlib hashes 3). Only a byte-exact port of zlib's own deflate could promise
//! "never larger". zlib-rs level 6 (its "medium" matcher) is ~40% faster but up to 27% larger,
//! which is why it is not used.
//!
//! Noise is the exception (`looks_incompressible`): when the byte histogram is nearly flat
//! and a fast matcher saves under 0.5% on three probes, the stream is entropy-coded only
//! (Huffman, or stored blocks where smaller). On 512×512 RGB noise that is 3–4× faster than
//! the matcher and smaller than Pillow's file (787,276 bytes vs 788,084), since zlib's matcher
//! spends block headers on matches that gain nothing.

use crate::pixels::{Mode, Pixels};
use wb_core::{Error, Result};
use zlib_rs::{DeflateConfig, Method, ReturnCode, Strategy};

/// The deflate settings (see the module docs for why).
pub const DEFLATE: DeflateConfig = DeflateConfig {
    level: 7,
    method: Method::Deflated,
    window_bits: 15,
    mem_level: 9,
    strategy: Strategy::Filtered,
};

/// Entropy coding only, for data in which back-references find nothing (noise): several times
/// faster than the matcher, and zlib-rs still stores a block raw when that is smaller.
pub const HUFFMAN_ONLY: DeflateConfig = DeflateConfig {
    level: 1,
    method: Method::Deflated,
    window_bits: 15,
    mem_level: 9,
    strategy: Strategy::HuffmanOnly,
};

/// Bytes in each probe of [`looks_incompressible`].
const PROBE: usize = 32 * 1024;

/// Below this many bytes the matcher is cheap enough to always run.
const PROBE_MIN: usize = 4 * PROBE;

/// Whether `data` looks like noise: its byte histogram leaves entropy coding almost nothing to
/// gain (at least 7.9 bits a byte), and on three probes (start, middle, end) a fast matcher
/// saves under 0.5% over entropy coding alone (its block headers cost about that on noise). Then level 6 with its matches cannot do much
/// better either, and Huffman-only output is what the file gets.
fn looks_incompressible(data: &[u8]) -> bool {
    if data.len() < PROBE_MIN {
        return false;
    }
    let mut hist = [0u64; 256];
    for &b in data {
        hist[usize::from(b)] += 1;
    }
    let n = data.len() as f64;
    let bits: f64 = hist
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum();
    if bits < 7.9 {
        return false;
    }
    let fast = DeflateConfig {
        level: 2,
        strategy: Strategy::Default,
        ..DEFLATE
    };
    [0, (data.len() - PROBE) / 2, data.len() - PROBE]
        .into_iter()
        .all(|start| {
            let probe = &data[start..start + PROBE];
            match (deflate(probe, fast), deflate(probe, HUFFMAN_ONLY)) {
                (Ok(lz), Ok(huff)) => lz.len() + lz.len() / 200 >= huff.len(),
                _ => false,
            }
        })
}

/// `data` as one zlib stream.
fn deflate(data: &[u8], config: DeflateConfig) -> Result<Vec<u8>> {
    let mut z = vec![0u8; zlib_rs::compress_bound(data.len())];
    let (stream, rc) = zlib_rs::compress_slice(&mut z, data, config);
    if rc != ReturnCode::Ok {
        return Err(Error::value(format!("deflating PNG data failed: {rc:?}")));
    }
    let stream_len = stream.len();
    z.truncate(stream_len);
    Ok(z)
}

/// Pillow's `ImageFile.MAXBLOCK`, the smallest IDAT chunk it writes.
const MAXBLOCK: usize = 65536;

/// PNG colour type of a mode.
fn color_type(mode: Mode) -> u8 {
    match mode {
        Mode::L => 0,
        Mode::Rgb => 2,
        Mode::La => 4,
        Mode::Rgba => 6,
    }
}

/// Encodes `pixels` as a PNG file.
pub fn encode(pixels: &Pixels) -> Result<Vec<u8>> {
    let filtered = filter_rows(pixels);
    let z = if looks_incompressible(&filtered) {
        deflate(&filtered, HUFFMAN_ONLY)?
    } else {
        deflate(&filtered, DEFLATE)?
    };

    let chunk = MAXBLOCK.max(pixels.width() as usize * 4);
    let mut out = Vec::with_capacity(z.len() + 64 + 12 * (z.len() / chunk + 1));
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&pixels.width().to_be_bytes());
    ihdr.extend_from_slice(&pixels.height().to_be_bytes());
    ihdr.extend_from_slice(&[8, color_type(pixels.mode()), 0, 0, 0]);
    write_chunk(&mut out, b"IHDR", &ihdr);
    for part in z.chunks(chunk) {
        write_chunk(&mut out, b"IDAT", part);
    }
    write_chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// Distance from zero of a filtered byte read as signed.
#[inline]
fn cost(v: u8) -> u32 {
    u32::from((v as i8).unsigned_abs())
}

/// Every row prefixed by its filter byte, each filter chosen as Pillow chooses it.
pub fn filter_rows(pixels: &Pixels) -> Vec<u8> {
    let bpp = pixels.mode().channels();
    let stride = pixels.width() as usize * bpp;
    let data = pixels.data();
    let zero = vec![0u8; stride];
    let mut out = Vec::with_capacity((stride + 1) * pixels.height() as usize);
    let mut cand = vec![0u8; stride];
    let mut best = vec![0u8; stride];
    for (y, row) in data.chunks_exact(stride).enumerate() {
        let prev = if y == 0 {
            &zero[..]
        } else {
            &data[(y - 1) * stride..y * stride]
        };
        let mut kind = 0u8;
        let mut sum: u32 = row.iter().map(|&v| cost(v)).sum();
        if sum > 0 {
            let s = up(row, prev, &mut cand);
            if s < sum {
                std::mem::swap(&mut cand, &mut best);
                (kind, sum) = (2, s);
            }
        }
        if sum > 0 {
            let s = sub(row, bpp, &mut cand);
            if s < sum {
                std::mem::swap(&mut cand, &mut best);
                (kind, sum) = (1, s);
            }
        }
        if sum > 0 {
            let s = paeth_row(row, prev, bpp, &mut cand);
            if s < sum {
                std::mem::swap(&mut cand, &mut best);
                kind = 4;
            }
        }
        out.push(kind);
        out.extend_from_slice(if kind == 0 { row } else { &best });
    }
    out
}

/// The Up filter into `out`; returns its cost.
fn up(row: &[u8], prev: &[u8], out: &mut [u8]) -> u32 {
    let mut s = 0;
    for ((o, &x), &b) in out.iter_mut().zip(row).zip(prev) {
        let v = x.wrapping_sub(b);
        *o = v;
        s += cost(v);
    }
    s
}

/// The Sub filter into `out`; returns its cost.
fn sub(row: &[u8], bpp: usize, out: &mut [u8]) -> u32 {
    let bpp = bpp.min(row.len());
    out[..bpp].copy_from_slice(&row[..bpp]);
    let mut s: u32 = row[..bpp].iter().map(|&v| cost(v)).sum();
    for ((o, &x), &a) in out[bpp..].iter_mut().zip(&row[bpp..]).zip(row) {
        let v = x.wrapping_sub(a);
        *o = v;
        s += cost(v);
    }
    s
}

/// The Paeth filter into `out`; returns its cost.
fn paeth_row(row: &[u8], prev: &[u8], bpp: usize, out: &mut [u8]) -> u32 {
    let bpp = bpp.min(row.len());
    let mut s = 0;
    for i in 0..bpp {
        let v = row[i].wrapping_sub(prev[i]);
        out[i] = v;
        s += cost(v);
    }
    let it = out[bpp..]
        .iter_mut()
        .zip(&row[bpp..])
        .zip(&prev[bpp..])
        .zip(row.iter().zip(prev));
    for (((o, &x), &b), (&a, &c)) in it {
        let v = x.wrapping_sub(paeth(a, b, c));
        *o = v;
        s += cost(v);
    }
    s
}

#[inline]
fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
    let pa = (ib - ic).abs();
    let pb = (ia - ic).abs();
    let pc = (ia + ib - 2 * ic).abs();
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 256×256 RGB hash noise, and the same noise with each 16-row band repeated once
    /// (back-references 16 rows back find everything in the repeats).
    fn noise(tiled: bool) -> Pixels {
        let (w, h) = (256usize, 256usize);
        let data = (0..w * h * 3)
            .map(|i| {
                let row = i / (w * 3);
                let src = if tiled && (row / 16) % 2 == 1 {
                    i - 16 * w * 3
                } else {
                    i
                } as u64;
                let v = (src * 2_654_435_761 + 12345) % (1 << 32);
                let v = ((v ^ (v >> 13)) * 1_274_126_177) % (1 << 32);
                ((v >> 16) & 255) as u8
            })
            .collect();
        Pixels::new(w as u32, h as u32, Mode::Rgb, data).unwrap()
    }

    #[test]
    fn noise_takes_the_entropy_only_path_and_round_trips() {
        let px = noise(false);
        let filtered = filter_rows(&px);
        assert!(looks_incompressible(&filtered));
        let png = encode(&px).unwrap();
        // Stored size plus at most a few hundred bytes of headers and block overhead.
        assert!(png.len() < filtered.len() + 400, "{}", png.len());
        let back = crate::decode::pixels(&png, "noise").unwrap();
        assert_eq!(back.data(), px.data());
        assert_eq!(back.mode(), Mode::Rgb);
    }

    #[test]
    fn repeated_noise_keeps_the_matcher() {
        let px = noise(true);
        let filtered = filter_rows(&px);
        assert!(!looks_incompressible(&filtered));
        let png = encode(&px).unwrap();
        assert!(png.len() < filtered.len() * 3 / 4, "{}", png.len());
        let back = crate::decode::pixels(&png, "tiled").unwrap();
        assert_eq!(back.data(), px.data());
    }
}
