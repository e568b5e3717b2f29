//! PNG exactly as Pillow 11.3 writes it for `wandb.Image`: the same bytes, hence the same
//! SHA-256 and the same media file name as the SDK's.
//!
//! The container is Pillow's: `IHDR` (8-bit, colour type 0/4/2/6, no interlace), the zlib
//! stream split into `IDAT` chunks of `max(65536, 4 * width)` bytes, `IEND`; no other chunks.
//! Each row gets the filter Pillow picks: of None, Up, Sub and Paeth (tried in that order, a
//! later one only when strictly better) the one whose bytes, read as signed, sum to the least
//! absolute value. So the filtered stream equals Pillow's byte for byte.
//!
//! Pillow deflates it with zlib 1.2.13, level 6, memLevel 9, windowBits 15, `Z_FILTERED`,
//! fed one row per `deflate` call; [`zdeflate`] produces exactly zlib's stream for that (all
//! 300 images of the `examples/png_sizes.py` corpus come out byte-identical to Pillow's files).

use crate::encode::zdeflate;
use crate::pixels::{Mode, Pixels};
use wb_core::Result;

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
    let filtered = filter_rows_padded(pixels, zdeflate::matcher::PAD);
    let row = pixels.width() as usize * pixels.mode().channels() + 1;
    let n = filtered.len() - zdeflate::matcher::PAD;
    let z = zdeflate::compress_padded(&filtered, n, row)?;

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
    filter_rows_padded(pixels, 0)
}

/// Filtered streams from this size on are filtered by two threads (half the rows each).
const PARALLEL_FILTER_MIN: usize = 1 << 18;

/// [`filter_rows`] followed by `pad` zero bytes.
fn filter_rows_padded(pixels: &Pixels, pad: usize) -> Vec<u8> {
    let bpp = pixels.mode().channels();
    let stride = pixels.width() as usize * bpp;
    let h = pixels.height() as usize;
    let row = stride + 1;
    let mut out = vec![0u8; row * h + pad];
    if stride == 0 {
        return out;
    }
    let data = pixels.data();
    let rows = &mut out[..row * h];
    if row * h >= PARALLEL_FILTER_MIN && h >= 2 {
        let mid = h / 2;
        let spawned = std::thread::scope(|sc| {
            let (top, bottom) = rows.split_at_mut(mid * row);
            let ok = std::thread::Builder::new()
                .spawn_scoped(sc, move || filter_range(data, stride, bpp, mid, bottom))
                .is_ok();
            filter_range(data, stride, bpp, 0, top);
            ok
        });
        if !spawned {
            filter_range(data, stride, bpp, mid, &mut out[mid * row..row * h]);
        }
    } else {
        filter_range(data, stride, bpp, 0, rows);
    }
    out
}

/// Filters the rows `y0..` of the image `data` (rows of `stride` bytes, `bpp` bytes a pixel)
/// into `out`, one filtered row (filter byte first) per `stride + 1` bytes.
fn filter_range(data: &[u8], stride: usize, bpp: usize, y0: usize, out: &mut [u8]) {
    let zero = vec![0u8; stride];
    let mut cand = vec![0u8; stride];
    let mut best = vec![0u8; stride];
    for (k, dst) in out.chunks_exact_mut(stride + 1).enumerate() {
        let y = y0 + k;
        let Some(row) = data.get(y * stride..(y + 1) * stride) else {
            break;
        };
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
        dst[0] = kind;
        dst[1..].copy_from_slice(if kind == 0 { row } else { &best });
    }
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
