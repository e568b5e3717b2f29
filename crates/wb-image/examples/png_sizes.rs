//! PNG sizes and encode times against Pillow's files: every `*.png` in a folder (written by
//! `png_sizes.py`, or any PNGs Pillow saved) is decoded and re-encoded with our encoder
//! (`Image::from_pixels`, which also hashes the file).
//!
//! ```text
//! python crates/wb-image/examples/png_sizes.py /tmp/png-corpus
//! cargo run --release -p wb-image --example png_sizes -- /tmp/png-corpus
//! ```
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;
use wb_image::{Image, ImageFormat};

fn main() {
    let dir = std::env::args().nth(1).expect("usage: png_sizes DIR");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    paths.sort();
    let (mut theirs, mut ours, mut larger, mut worst, mut secs) = (0usize, 0usize, 0, 1.0f64, 0.0);
    let mut identical = 0;
    for p in &paths {
        let bytes = std::fs::read(p).unwrap();
        let px = Image::from_bytes(bytes.clone(), ImageFormat::Png)
            .unwrap()
            .to_pixels()
            .unwrap();
        let t = Instant::now();
        let mine = Image::from_pixels(px).unwrap().file().bytes().unwrap();
        secs += t.elapsed().as_secs_f64();
        identical += usize::from(*mine == *bytes);
        theirs += bytes.len();
        ours += mine.len();
        if mine.len() > bytes.len() {
            larger += 1;
            worst = worst.max(mine.len() as f64 / bytes.len() as f64);
            println!("larger: {} {} > {}", p.display(), mine.len(), bytes.len());
        }
    }
    println!(
        "{identical} of {} files byte-identical to Pillow's",
        paths.len()
    );
    println!(
        "{} files: Pillow {theirs} bytes, ours {ours} bytes ({:+.2}%); {larger} larger (worst {:+.2}%); encode {:.1} ms total",
        paths.len(),
        (ours as f64 / theirs as f64 - 1.0) * 100.0,
        (worst - 1.0) * 100.0,
        secs * 1e3
    );
}
