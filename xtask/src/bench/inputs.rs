//! The benchmarks' inputs, built from seed-free formulas that `tests/bench/bench.py` repeats
//! exactly: integer hashing, integer arithmetic and IEEE-exact float operations (`+ - * /`,
//! `fmod`, casts), in the same order, and no libm, so both sides log identical data.

use wb_types::ndarray::{Array2, Array3, Array4};

/// A 32-bit integer hash of the low 32 bits of `i` (xorshift-multiply, two rounds).
pub fn hash32(i: u64) -> u32 {
    let mut x = i as u32;
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

/// `hash32(i) / 2^32`, in `[0, 1)`.
pub fn unit(i: u64) -> f64 {
    f64::from(hash32(i)) / 4_294_967_296.0
}

/// 512×512 RGB noise: the top byte of the hash of each sample's index.
pub fn noise_image() -> Array3<u8> {
    Array3::from_shape_fn((512, 512, 3), |(y, x, c)| noise_px(y, x, c))
}

fn noise_px(y: usize, x: usize, c: usize) -> u8 {
    (hash32(((y * 512 + x) * 3 + c) as u64) >> 24) as u8
}

/// 512×512 RGB, photo-like: smooth gradients, a disc, a block with windows, and a little
/// sensor noise (0..7 added to each sample).
pub fn photo_image() -> Array3<u8> {
    Array3::from_shape_fn((512, 512, 3), |(y, x, c)| photo_px(y, x, c))
}

fn photo_px(y: usize, x: usize, c: usize) -> u8 {
    let (xi, yi) = (x as i64, y as i64);
    let mut rgb = [
        (xi + yi) * 255 / 1022,
        64 + yi * 128 / 511,
        200 - xi * 100 / 511,
    ];
    if (xi - 300).pow(2) + (yi - 200).pow(2) < 80 * 80 {
        rgb = [250, 220, 120];
    }
    let block = (60..200).contains(&xi) && (300..480).contains(&yi);
    if block {
        rgb = [90, 90, 100];
        if (xi / 10 + yi / 14) % 3 == 0 {
            rgb = [200, 200, 150];
        }
    }
    let noise = i64::from(hash32(((y * 512 + x) * 3 + c) as u64) >> 29);
    (rgb[c] + noise).min(255) as u8
}

/// Elements of the histogram input.
pub const HISTOGRAM_LEN: usize = 10_000_000;

/// 10 000 000 samples of a triangular distribution on (-3, 3).
pub fn histogram_data() -> Vec<f64> {
    let n = HISTOGRAM_LEN as u64;
    (0..n).map(histogram_value).collect()
}

fn histogram_value(i: u64) -> f64 {
    let n = HISTOGRAM_LEN as u64;
    (unit(i) + unit(i + n) - 1.0) * 3.0
}

/// The table's columns.
pub const TABLE_COLUMNS: [&str; 5] = ["id", "score", "name", "flag", "tags"];
/// The table's rows.
pub const TABLE_ROWS: usize = 10_000;

/// One table row: `[i, score, "item-{i:05}", i % 3 == 0, [i % 7, i % 11, i % 13]]`.
pub struct TableRow {
    /// `id`.
    pub id: i64,
    /// `score`: `unit(i) * 100`.
    pub score: f64,
    /// `name`.
    pub name: String,
    /// `flag`.
    pub flag: bool,
    /// `tags`.
    pub tags: [i64; 3],
}

/// The table's 10 000 rows.
pub fn table_rows() -> Vec<TableRow> {
    (0..TABLE_ROWS as i64)
        .map(|k| TableRow {
            id: k,
            score: unit(k as u64) * 100.0,
            name: format!("item-{k:05}"),
            flag: k % 3 == 0,
            tags: [k % 7, k % 11, k % 13],
        })
        .collect()
}

/// 16 frames × 3 channels × 256 × 256: a scrolling pattern and a moving square.
pub fn video_frames() -> Array4<u8> {
    Array4::from_shape_fn((16, 3, 256, 256), |(t, c, y, x)| video_px(t, c, y, x))
}

fn video_px(t: usize, c: usize, y: usize, x: usize) -> u8 {
    let square = (16 * t..16 * t + 48).contains(&x) && (100..148).contains(&y);
    if square {
        (255 - 80 * c) as u8
    } else {
        (((x + 8 * t) * (c + 1) + y) % 256) as u8
    }
}

/// 100 000 points × (x, y, z, r, g, b): `fmod(k * 0.6180339887498949, 1) * 200 - 100` with
/// `k = 6 * row + col + 1` (17-digit doubles).
pub fn points() -> Array2<f64> {
    Array2::from_shape_fn((100_000, 6), |(i, j)| point(i, j))
}

fn point(i: usize, j: usize) -> f64 {
    let k = (6 * i + j + 1) as f64;
    ((k * 0.618_033_988_749_894_9) % 1.0) * 200.0 - 100.0
}

/// Audio sample rate.
pub const SAMPLE_RATE: u32 = 44_100;

/// 5 s of mono `f32` at 44.1 kHz: a 440 Hz triangle at 0.6 plus noise at 0.2.
pub fn audio_samples() -> Vec<f32> {
    let n = 5 * u64::from(SAMPLE_RATE);
    (0..n).map(audio_sample).collect()
}

fn audio_sample(i: u64) -> f32 {
    let tri = ((i * 880) % 44_100) as f64 / 44_100.0 * 2.0 - 1.0;
    (tri * 0.6 + (unit(i) - 0.5) * 0.4) as f32
}

/// Steps of the run bench.
pub const RUN_STEPS: u64 = 10_000;

/// The run bench's 1000-sample histogram base (step `s` logs `base + s * 0.001`).
pub fn run_base() -> Vec<f64> {
    (0..1000).map(unit).collect()
}

/// Step `s`'s scalars: `(loss, acc, lr)`.
pub fn run_scalars(s: u64) -> (f64, f64, f64) {
    let s = s as f64;
    (
        1.0 / (1.0 + s * 0.01),
        1.0 - 0.5 / (1.0 + s * 0.01),
        0.001 / (1.0 + s * 0.0001),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_matches_numpy() {
        // bench.py: hash32(np.arange(4, dtype=np.uint64)).tolist() and hash32(2**32 + 1).
        assert_eq!(
            [hash32(0), hash32(1), hash32(2), hash32(3)],
            [0, 1_753_845_952, 3_507_691_905, 1_408_362_973]
        );
        assert_eq!(hash32((1 << 32) + 1), hash32(1));
    }

    #[test]
    fn elements_match_numpy() {
        // Printed by bench.py's functions (numpy 2.4) at the same indices.
        let px = |f: fn(usize, usize, usize) -> u8, y, x| [f(y, x, 0), f(y, x, 1), f(y, x, 2)];
        assert_eq!(px(photo_px, 200, 300), [250, 224, 125]);
        assert_eq!(px(photo_px, 310, 65), [97, 95, 103]);
        assert_eq!(px(noise_px, 1, 2), [99, 150, 180]);
        assert_eq!(histogram_value(12345), 1.045_217_782_957_479_4);
        assert_eq!(point(777, 3), 49.318_301_401_945_064);
        assert_eq!(f64::from(audio_sample(999)), 0.454_380_482_435_226_44);
        assert_eq!(video_px(5, 1, 120, 90), 175);
        assert_eq!(video_px(5, 2, 3, 4), 135);
    }
}
