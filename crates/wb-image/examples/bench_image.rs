//! Image benchmark: a 512×512×3 `uint8` array → `Image` → bound to a run → run JSON, as
//! `run.log({"img": wandb.Image(array)})` does, on `cargo xtask bench`'s two inputs, made by
//! the same seed-free formulas as `bench_image.py` (noise, and a photo-like image).
//!
//! ```text
//! cargo run --release -p wb-image --example bench_image
//! WANDB_MODE=offline WANDB_SILENT=true python crates/wb-image/examples/bench_image.py
//! ```
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;
use wb_core::ndarray::Array3;
use wb_core::{DirRun, LogValue, Step};
use wb_image::Image;

const H: usize = 512;
const W: usize = 512;

/// `cargo xtask bench`'s 32-bit hash (xtask/src/bench/inputs.rs).
fn hash32(i: u64) -> u32 {
    let mut x = i as u32;
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

/// The bench's noise: the top byte of the hash of each sample's index.
fn noise() -> Array3<u8> {
    Array3::from_shape_fn((H, W, 3), |(y, x, c)| {
        (hash32(((y * W + x) * 3 + c) as u64) >> 24) as u8
    })
}

/// The bench's photo-like image: gradients, a disc, a block with windows, and sensor noise
/// (0..7 added to each sample).
fn photo() -> Array3<u8> {
    Array3::from_shape_fn((H, W, 3), |(y, x, c)| {
        let (xi, yi) = (x as i64, y as i64);
        let mut rgb = [
            (xi + yi) * 255 / 1022,
            64 + yi * 128 / 511,
            200 - xi * 100 / 511,
        ];
        if (xi - 300).pow(2) + (yi - 200).pow(2) < 80 * 80 {
            rgb = [250, 220, 120];
        }
        if (60..200).contains(&xi) && (300..480).contains(&yi) {
            rgb = [90, 90, 100];
            if (xi / 10 + yi / 14) % 3 == 0 {
                rgb = [200, 200, 150];
            }
        }
        let noise = i64::from(hash32(((y * W + x) * 3 + c) as u64) >> 29);
        (rgb[c] + noise).min(255) as u8
    })
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let run = DirRun::new(dir.path());
    let iters = 30;
    for (name, arr) in [("noise", noise()), ("photo", photo())] {
        let mut times = Vec::with_capacity(iters);
        let mut size = 0;
        for step in 0..iters {
            let t = Instant::now();
            let img = Image::from_array(arr.view()).unwrap();
            let v = LogValue::media(img);
            let json =
                wb_core::internal::value::val_to_json(&run, "img", &v, Step::Num(step as i64))
                    .unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
            size = json.get("size").and_then(|s| s.as_i64()).unwrap();
        }
        let mut enc = Vec::with_capacity(iters);
        for _ in 0..iters {
            let t = Instant::now();
            std::hint::black_box(Image::from_array(arr.view()).unwrap());
            enc.push(t.elapsed().as_secs_f64() * 1e3);
        }
        enc.sort_by(f64::total_cmp);
        println!(
            "         (Image::from_array: array -> pixels -> PNG file, hashed: {:.2} ms)",
            enc[iters / 2]
        );
        times.sort_by(f64::total_cmp);
        println!(
            "rust   {name}: median {:.2} ms, min {:.2} ms, png {size} bytes ({iters} runs)",
            times[iters / 2],
            times[0]
        );
    }
}
