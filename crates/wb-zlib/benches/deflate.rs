//! Times wb-zlib against zlib-rs (level 6, `Z_FILTERED`, the same settings; what flate2's
//! zlib-rs backend runs) on the PNG data of `cargo xtask bench`'s two 512×512 RGB images
//! (noise and photo-like), filtered as Pillow filters them. The runs are interleaved so that
//! all see the same machine load; minimum and median of each, in milliseconds.
//!
//! ```text
//! cargo bench -p wb-zlib --bench deflate [-- RUNS]
//! ```
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

// The inputs the golden test builds too (`tests/inputs/`).
#[path = "../tests/inputs/mod.rs"]
mod inputs;

use inputs::{image, pillow_filter};
use std::time::Instant;
use wb_zlib::{CompressOptions, Threads};

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
