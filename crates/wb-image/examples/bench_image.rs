//! Image benchmark: a 512×512×3 `uint8` array → `Image` → bound to a run → run JSON, as
//! `run.log({"img": wandb.Image(array)})` does, on two inputs made by the same seed-free
//! formulas as `bench_image.py` (noise, and a photo-like gradient with shapes).
//!
//! ```text
//! cargo run --release -p wb-image --example bench_image
//! WANDB_MODE=offline WANDB_SILENT=true python crates/wb-image/examples/bench_image.py
//! ```
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;
use wb_core::{DirRun, LogValue, Step};
use wb_image::Image;
use wb_image::ndarray::Array3;

const H: usize = 512;
const W: usize = 512;

/// Hash noise: byte `i` of the flat array from a 32-bit multiplicative hash of `i`.
fn noise() -> Array3<u8> {
    Array3::from_shape_fn((H, W, 3), |(y, x, c)| {
        let i = ((y * W + x) * 3 + c) as u64;
        let mut v = (i * 2_654_435_761 + 12345) % (1 << 32);
        v = ((v ^ (v >> 13)) * 1_274_126_177) % (1 << 32);
        ((v >> 16) & 255) as u8
    })
}

/// A photo-like image: smooth colour gradients, a disc and a rectangle.
fn photo() -> Array3<u8> {
    Array3::from_shape_fn((H, W, 3), |(y, x, c)| {
        let (xf, yf) = (x as f64, y as f64);
        let disc = (xf - W as f64 / 2.0).powi(2) + (yf - H as f64 / 2.0).powi(2)
            < (H.min(W) as f64 / 4.0).powi(2);
        let rect = xf > 40.0 && xf < 120.0 && yf > 300.0 && yf < 400.0;
        let v = if rect {
            [20.0, 200.0, 60.0][c]
        } else if disc {
            [250.0, 40.0, 30.0][c]
        } else {
            [
                128.0 + 100.0 * (xf / 40.0).sin() * (yf / 60.0).cos(),
                255.0 * xf / (W - 1) as f64,
                255.0 * yf / (H - 1) as f64,
            ][c]
        };
        v as u8
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
            let img = Image::from_array(arr.view()).build().unwrap();
            let v = LogValue::media(img);
            let json =
                wb_core::value::val_to_json(&run, "img", &v, Step::Num(step as i64)).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
            size = json.get("size").and_then(|s| s.as_i64()).unwrap();
        }
        let mut enc = Vec::with_capacity(iters);
        for _ in 0..iters {
            let t = Instant::now();
            let px = wb_image::pixels::from_array(
                arr.view(),
                None,
                wb_image::FileType::Png,
                wb_image::PixelScaling::Cast,
            )
            .unwrap();
            let _ = wb_image::encode::png::filter_rows(&px);
            let t1 = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            let _ = wb_image::encode::png::encode(&px).unwrap();
            enc.push((t1, t.elapsed().as_secs_f64() * 1e3));
        }
        enc.sort_by(|a, b| a.1.total_cmp(&b.1));
        println!(
            "         (array->pixels + row filters {:.2} ms; PNG encode = filters + deflate {:.2} ms)",
            enc[iters / 2].0,
            enc[iters / 2].1
        );
        times.sort_by(f64::total_cmp);
        println!(
            "rust   {name}: median {:.2} ms, min {:.2} ms, png {size} bytes ({iters} runs)",
            times[iters / 2],
            times[0]
        );
    }
}
