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
//! fed one row per `deflate` call; `wb_zlib` writes exactly zlib's stream for that (checked on
//! a 300-image corpus: `examples/png_sizes.py` and `png_sizes.rs`). The rows are filtered on
//! one thread, the four filters' costs in one vectorized pass.

use crate::pixels::{ImageMode, Pixels};
use wb_core::{Error, Result};

/// Pillow's `ImageFile.MAXBLOCK`, the smallest IDAT chunk it writes.
const MAXBLOCK: usize = 65536;

/// PNG colour type of a mode.
fn color_type(mode: ImageMode) -> u8 {
    match mode {
        ImageMode::L => 0,
        ImageMode::Rgb => 2,
        ImageMode::La => 4,
        ImageMode::Rgba => 6,
    }
}

/// Encodes `pixels` as a PNG file.
pub(crate) fn encode(pixels: &Pixels) -> Result<Vec<u8>> {
    let filtered = filter_rows_spare(pixels, wb_zlib::SPARE_CAPACITY);
    let row = pixels.width() as usize * pixels.mode().channels() + 1;
    let options = wb_zlib::CompressOptions::default().with_feed_size(row);
    let z = wb_zlib::compress_vec(filtered, options).map_err(|e| Error::value(e.to_string()))?;

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
    // |v as i8| is v below 128, else 256 − v: the smaller of v and −v (mod 256), a single
    // unsigned byte minimum in SIMD.
    u32::from(v.min(v.wrapping_neg()))
}

/// [`cost`] as a 16-bit number.
#[inline(always)]
fn cost8(v: u8) -> u16 {
    u16::from(v.min(v.wrapping_neg()))
}

/// Every row prefixed by its filter byte, each filter chosen as Pillow chooses it, in a buffer
/// with `spare` bytes of spare capacity (for `wb_zlib::compress_vec`).
fn filter_rows_spare(pixels: &Pixels, spare: usize) -> Vec<u8> {
    let bpp = pixels.mode().channels();
    let stride = pixels.width() as usize * bpp;
    let h = pixels.height() as usize;
    let row = stride + 1;
    let mut out = Vec::with_capacity(row * h + spare);
    out.resize(row * h, 0);
    if stride == 0 {
        return out;
    }
    // One thread: the filters cost little next to deflating, less than handing half of them
    // to a second thread would save on a busy machine.
    filter_range(pixels.data(), stride, bpp, 0, &mut out);
    out
}

/// Filters the rows `y0..` of the image `data` (rows of `stride` bytes, `bpp` bytes a pixel)
/// into `out`, one filtered row (filter byte first) per `stride + 1` bytes.
fn filter_range(data: &[u8], stride: usize, bpp: usize, y0: usize, out: &mut [u8]) {
    let zero = vec![0u8; stride];
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
        // Pillow's choice: None, then Up, Sub and Paeth, each only while the best so far
        // costs more than 0 and only if strictly cheaper.
        let [none, sub, up, paeth] = costs(row, prev, bpp);
        let (mut kind, mut sum) = (0u8, none);
        for (k, s) in [(2u8, up), (1, sub), (4, paeth)] {
            if sum > 0 && s < sum {
                (kind, sum) = (k, s);
            }
        }
        let (head, body) = dst.split_at_mut(1);
        head[0] = kind;
        write_filter(kind, row, prev, bpp, body);
    }
}

/// The cost (sum of the filtered bytes' distances from zero, read as signed) of each filter
/// of `row` (above it `prev`): None, Sub, Up, Paeth, in one pass.
fn costs(row: &[u8], prev: &[u8], bpp: usize) -> [u32; 4] {
    let n = row.len().min(prev.len());
    let bpp = bpp.min(n);
    let (mut none, mut sub, mut up, mut paeth) = (0u32, 0u32, 0u32, 0u32);
    for (&x, &b) in row[..bpp].iter().zip(&prev[..bpp]) {
        none += cost(x);
        sub += cost(x);
        up += cost(x.wrapping_sub(b));
        paeth += cost(x.wrapping_sub(b));
    }
    // Equal-length slices, so that the loop has no bounds checks, and sums kept in 16 bits
    // over pieces of 256 bytes (at most 256 × 128), so that it vectorizes 8 or 16 lanes wide.
    let m = n - bpp;
    let (x, b) = (&row[bpp..n], &prev[bpp..n]);
    let (a, c) = (&row[..m], &prev[..m]);
    for (((x, a), b), c) in x
        .chunks(256)
        .zip(a.chunks(256))
        .zip(b.chunks(256))
        .zip(c.chunks(256))
    {
        let (mut s_none, mut s_sub, mut s_up, mut s_paeth) = (0u16, 0u16, 0u16, 0u16);
        for (((&x, &a), &b), &c) in x.iter().zip(a).zip(b).zip(c) {
            s_none += cost8(x);
            s_sub += cost8(x.wrapping_sub(a));
            s_up += cost8(x.wrapping_sub(b));
            s_paeth += cost8(x.wrapping_sub(paeth_pred(a, b, c)));
        }
        none += u32::from(s_none);
        sub += u32::from(s_sub);
        up += u32::from(s_up);
        paeth += u32::from(s_paeth);
    }
    [none, sub, up, paeth]
}

/// Writes `row` filtered with filter `kind` (0 None, 1 Sub, 2 Up, 4 Paeth) into `out`.
fn write_filter(kind: u8, row: &[u8], prev: &[u8], bpp: usize, out: &mut [u8]) {
    let n = row.len().min(prev.len()).min(out.len());
    let bpp = bpp.min(n);
    let m = n - bpp;
    let (x, b, a, c) = (&row[bpp..n], &prev[bpp..n], &row[..m], &prev[..m]);
    match kind {
        1 => {
            out[..bpp].copy_from_slice(&row[..bpp]);
            for (o, (&x, &a)) in out[bpp..n].iter_mut().zip(x.iter().zip(a)) {
                *o = x.wrapping_sub(a);
            }
        }
        2 => {
            for (o, (&x, &b)) in out[..n].iter_mut().zip(row.iter().zip(prev)) {
                *o = x.wrapping_sub(b);
            }
        }
        4 => {
            for (o, (&x, &b)) in out[..bpp].iter_mut().zip(row.iter().zip(prev)) {
                *o = x.wrapping_sub(b);
            }
            let o = &mut out[bpp..n];
            for i in 0..m {
                o[i] = x[i].wrapping_sub(paeth_pred(a[i], b[i], c[i]));
            }
        }
        _ => out[..n].copy_from_slice(&row[..n]),
    }
}

/// Paeth's predictor (PNG spec §9.4) of a pixel from the one to its left (`a`), above (`b`)
/// and above-left (`c`).
#[inline(always)]
fn paeth_pred(a: u8, b: u8, c: u8) -> u8 {
    let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
    let pa = (ib - ic).abs();
    let pb = (ia - ic).abs();
    let pc = (ia + ib - 2 * ic).abs();
    // a if pa ≤ pb and pa ≤ pc, else b if pb ≤ pc, else c: written as plain selects (no
    // short-circuit), which vectorize.
    let bc = if pb <= pc { b } else { c };
    if pa <= pb.min(pc) { a } else { bc }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IHDR of a PNG and its IDAT chunks, concatenated.
    fn idat(png: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let (mut p, mut ihdr, mut data) = (8, Vec::new(), Vec::new());
        while p + 8 <= png.len() {
            let len = u32::from_be_bytes([png[p], png[p + 1], png[p + 2], png[p + 3]]) as usize;
            let body = &png[p + 8..p + 8 + len];
            match &png[p + 4..p + 8] {
                b"IHDR" => ihdr = body.to_vec(),
                b"IDAT" => data.extend_from_slice(body),
                _ => {}
            }
            p += 12 + len;
        }
        (ihdr, data)
    }

    /// Pillow's files (`tests/golden/pillow_*.png`, made by `make_png_fixtures.py`): our
    /// filtered rows are the ones Pillow deflated, and our file is Pillow's byte for byte.
    #[test]
    fn png_files_are_pillows_byte_for_byte() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        for name in ["rgba_noise", "rgb_photo", "l_photo", "la_mix", "rgb_flat"] {
            let theirs = std::fs::read(dir.join(format!("pillow_{name}.png"))).unwrap();
            let (ihdr, z) = idat(&theirs);
            let pixels = crate::decode::pixels(&theirs, name).unwrap();
            let ours_filtered = filter_rows_spare(&pixels, 0);
            let mut raw = vec![0u8; ours_filtered.len() + 16];
            let (raw, rc) =
                zlib_rs::decompress_slice(&mut raw, &z, zlib_rs::InflateConfig::default());
            assert_eq!(rc, zlib_rs::ReturnCode::Ok, "{name}");
            assert_eq!(raw, &ours_filtered[..], "{name}: filtered rows differ");
            let ours = encode(&pixels).unwrap();
            assert_eq!(idat(&ours).0, ihdr, "{name}");
            assert!(ours == theirs, "{name}: PNG differs from Pillow's");
        }
    }
}
