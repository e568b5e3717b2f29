//! Times the PNG encoder's stages on `cargo xtask bench`'s two 512×512×3 images (the same
//! inputs as `bench_image.rs`): row filtering, the match parse, and the whole zlib stream.
//! Minimum and median of 60 runs each (the minimum is the steadier number on a busy machine).
//!
//! ```text
//! cargo run --release -p wb-image --example deflate_bench
//! ```
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;
use wb_image::encode::{png, zdeflate};
use wb_image::pixels::{Mode, Pixels};

fn hash32(i: u64) -> u32 {
    let mut x = i as u32;
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

fn image(photo: bool) -> Pixels {
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
    Pixels::new(512, 512, Mode::Rgb, data).unwrap()
}

/// Minimum and median wall time of `runs` calls of `f`.
fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    (t[0], t[runs / 2])
}

/// Runs per measurement.
const RUNS: usize = 60;

fn main() {
    let mut which: Vec<String> = std::env::args().skip(1).collect();
    let once = which.iter().any(|w| w == "once");
    which.retain(|w| w != "once");
    let which_paths = which.clone();
    which.retain(|w| w != "serial" && w != "split");
    let which_img = which.clone();
    let which = which_paths;
    for (name, photo) in [("noise", false), ("photo", true)] {
        if !which_img.is_empty() && !which_img.iter().any(|w| w == name) {
            continue;
        }
        let px = image(photo);
        let filtered = png::filter_rows(&px);
        let row = 512 * 3 + 1;
        if which.iter().any(|w| w == "serial" || w == "split") {
            // Only one of the two paths, 40 times (for `perf stat`: CPU time against wall time).
            let mut padded = filtered.clone();
            padded.resize(filtered.len() + zdeflate::matcher::PAD, 0);
            let serial = which.iter().any(|w| w == "serial");
            let t = Instant::now();
            for _ in 0..40 {
                std::hint::black_box(if serial {
                    zdeflate::compress_serial(&padded, filtered.len(), row, vec![0x78, 0x9c])
                        .unwrap()
                } else {
                    zdeflate::compress_padded(&padded, filtered.len(), row).unwrap()
                });
            }
            println!(
                "{name}: {:.2} ms per stream (wall)",
                t.elapsed().as_secs_f64() * 1e3 / 40.0
            );
            continue;
        }
        if once {
            // One parse and one stream, for profilers (`valgrind --tool=cachegrind`).
            let mut padded = filtered.clone();
            padded.resize(filtered.len() + zdeflate::matcher::PAD, 0);
            let mut p = zdeflate::parse::Parser::new(&padded, filtered.len(), row);
            p.finish();
            println!(
                "{name}: {} symbols, {} bytes",
                p.syms.len(),
                zdeflate::compress_chunked(&filtered, row).unwrap().len()
            );
            continue;
        }
        let (f_min, f_med) = time(RUNS, || {
            std::hint::black_box(png::filter_rows(&px));
        });
        let mut padded = filtered.clone();
        padded.resize(filtered.len() + zdeflate::matcher::PAD, 0);
        let (p_min, p_med) = time(RUNS, || {
            let mut p = zdeflate::parse::Parser::new(&padded, filtered.len(), row);
            p.finish();
            std::hint::black_box(p.syms.len());
        });
        // Our encoder on one thread and on two, and the previous encoder (zlib-rs, not
        // byte-identical to zlib: level 7, or entropy coding only as it did for noise),
        // interleaved so that all see the same machine load.
        let zlib_rs = |level: i32, strategy: zlib_rs::Strategy| {
            let config = zlib_rs::DeflateConfig {
                level,
                method: zlib_rs::Method::Deflated,
                window_bits: 15,
                mem_level: 9,
                strategy,
            };
            let mut z = vec![0u8; zlib_rs::compress_bound(filtered.len())];
            let len = zlib_rs::compress_slice(&mut z, &filtered, config).0.len();
            z.truncate(len);
            z
        };
        let mut t = [const { Vec::new() }; 4];
        for _ in 0..RUNS {
            let runs: [&dyn Fn() -> usize; 4] = [
                &|| {
                    zdeflate::compress_serial(&padded, filtered.len(), row, vec![0x78, 0x9c])
                        .unwrap()
                        .len()
                },
                &|| {
                    zdeflate::compress_padded(&padded, filtered.len(), row)
                        .unwrap()
                        .len()
                },
                &|| zlib_rs(7, zlib_rs::Strategy::Filtered).len(),
                &|| zlib_rs(1, zlib_rs::Strategy::HuffmanOnly).len(),
            ];
            for (k, f) in runs.iter().enumerate() {
                let start = Instant::now();
                std::hint::black_box(f());
                t[k].push(start.elapsed().as_secs_f64() * 1e3);
            }
        }
        for v in &mut t {
            v.sort_by(f64::total_cmp);
        }
        println!(
            "{name}: deflate (min/median, interleaved): ours on one thread {:.2}/{:.2} ms, on two {:.2}/{:.2} ms; \
             zlib-rs level 7 {:.2}/{:.2} ms, Huffman only {:.2}/{:.2} ms",
            t[0][0],
            t[0][RUNS / 2],
            t[1][0],
            t[1][RUNS / 2],
            t[2][0],
            t[2][RUNS / 2],
            t[3][0],
            t[3][RUNS / 2]
        );
        let mut size = 0;
        let (z_min, z_med) = time(RUNS, || {
            size = zdeflate::compress_chunked(&filtered, row).unwrap().len();
        });
        let (e_min, e_med) = time(RUNS, || {
            std::hint::black_box(png::encode(&px).unwrap());
        });
        println!(
            "{name}: filter {f_min:.2}/{f_med:.2} ms, parse {p_min:.2}/{p_med:.2} ms, \
             deflate {z_min:.2}/{z_med:.2} ms ({size} bytes), png::encode {e_min:.2}/{e_med:.2} ms (min/median)"
        );
    }
}
