//! Times wb-zlib against zlib-rs (level 6, `Z_FILTERED`, the same settings; what flate2's
//! zlib-rs backend runs) on the PNG data of `cargo xtask bench`'s two 512×512 RGB images
//! (noise and photo-like), filtered as Pillow filters them. The runs are interleaved so that
//! all see the same machine load; minimum and median of each, in milliseconds.
//!
//! ```text
//! cargo bench -p wb-zlib --bench deflate [-- RUNS]
//! ```
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;
use wb_zlib::{CompressOptions, Threads};

fn hash32(i: u64) -> u32 {
    let mut x = i as u32;
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

/// The bench's 512×512 RGB images (xtask/src/bench/inputs.rs): noise, or photo-like.
fn image(photo: bool) -> Vec<u8> {
    let mut data = Vec::with_capacity(512 * 512 * 3);
    for y in 0..512i64 {
        for x in 0..512i64 {
            let mut rgb = [
                (x + y) * 255 / 1022,
                64 + y * 128 / 511,
                200 - x * 100 / 511,
            ];
            if (x - 300).pow(2) + (y - 200).pow(2) < 80 * 80 {
                rgb = [250, 220, 120];
            }
            if (60..200).contains(&x) && (300..480).contains(&y) {
                rgb = [90, 90, 100];
                if (x / 10 + y / 14) % 3 == 0 {
                    rgb = [200, 200, 150];
                }
            }
            for (c, v) in rgb.iter().enumerate() {
                let h = hash32(((y * 512 + x) * 3 + c as i64) as u64);
                data.push(if photo {
                    (v + i64::from(h >> 29)).min(255) as u8
                } else {
                    (h >> 24) as u8
                });
            }
        }
    }
    data
}

/// Rows prefixed by the filter Pillow picks (None, Up, Sub, Paeth; the least sum of
/// magnitudes of the bytes read as signed, a later one only when strictly cheaper).
fn pillow_filter(data: &[u8], stride: usize, bpp: usize) -> Vec<u8> {
    let cost = |r: &[u8]| -> u64 { r.iter().map(|&v| u64::from(v.min(v.wrapping_neg()))).sum() };
    let paeth = |a: u8, b: u8, c: u8| {
        let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
        let (pa, pb, pc) = ((ib - ic).abs(), (ia - ic).abs(), (ia + ib - 2 * ic).abs());
        if pa <= pb && pa <= pc {
            a
        } else if pb <= pc {
            b
        } else {
            c
        }
    };
    let zero = vec![0u8; stride];
    let mut out = Vec::with_capacity(data.len() + data.len() / stride);
    for (y, row) in data.chunks(stride).enumerate() {
        let prev = if y == 0 {
            &zero[..]
        } else {
            &data[(y - 1) * stride..y * stride]
        };
        let left = |i: usize| if i >= bpp { row[i - bpp] } else { 0 };
        let up_left = |i: usize| if i >= bpp { prev[i - bpp] } else { 0 };
        let candidates: [(u8, Vec<u8>); 4] = [
            (0, row.to_vec()),
            (
                2,
                (0..stride).map(|i| row[i].wrapping_sub(prev[i])).collect(),
            ),
            (
                1,
                (0..stride).map(|i| row[i].wrapping_sub(left(i))).collect(),
            ),
            (
                4,
                (0..stride)
                    .map(|i| row[i].wrapping_sub(paeth(left(i), prev[i], up_left(i))))
                    .collect(),
            ),
        ];
        let (mut best, mut best_cost) = (0, cost(&candidates[0].1));
        for (k, (_, f)) in candidates.iter().enumerate().skip(1) {
            let c = cost(f);
            if best_cost > 0 && c < best_cost {
                (best, best_cost) = (k, c);
            }
        }
        out.push(candidates[best].0);
        out.extend_from_slice(&candidates[best].1);
    }
    out
}

fn zlib_rs(data: &[u8]) -> Vec<u8> {
    let config = zlib_rs::DeflateConfig {
        level: 6,
        method: zlib_rs::Method::Deflated,
        window_bits: 15,
        mem_level: 9,
        strategy: zlib_rs::Strategy::Filtered,
    };
    let mut z = vec![0u8; zlib_rs::compress_bound(data.len())];
    let len = zlib_rs::compress_slice(&mut z, data, config).0.len();
    z.truncate(len);
    z
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(30)
        .max(1);
    let row = 512 * 3 + 1;
    println!("deflate, {runs} interleaved runs, min / median ms (output bytes)");
    println!("| input | wb-zlib, 1 thread | wb-zlib, auto | zlib-rs level 6 filtered |");
    println!("|---|---|---|---|");
    for (name, photo) in [("noise", false), ("photo-like", true)] {
        let filtered = pillow_filter(&image(photo), 512 * 3, 3);
        let one = CompressOptions::default()
            .with_feed_size(row)
            .with_threads(Threads::One);
        let auto = CompressOptions::default().with_feed_size(row);
        let cases: [&dyn Fn() -> Vec<u8>; 3] = [
            &|| wb_zlib::compress_with(&filtered, one).unwrap(),
            &|| wb_zlib::compress_with(&filtered, auto).unwrap(),
            &|| zlib_rs(&filtered),
        ];
        let mut times = [const { Vec::new() }; 3];
        let mut sizes = [0usize; 3];
        for _ in 0..runs {
            for (k, f) in cases.iter().enumerate() {
                let start = Instant::now();
                let out = std::hint::black_box(f());
                times[k].push(start.elapsed().as_secs_f64() * 1e3);
                sizes[k] = out.len();
            }
        }
        let cells: Vec<String> = times
            .iter_mut()
            .zip(sizes)
            .map(|(t, size)| {
                t.sort_by(f64::total_cmp);
                format!("{:.2} / {:.2} ({size})", t[0], t[t.len() / 2])
            })
            .collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
}
