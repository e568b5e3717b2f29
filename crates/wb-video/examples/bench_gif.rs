//! GIF encoding speed against the Python SDK on the same input:
//!
//! ```sh
//! cargo run --release -p wb-video --example bench_gif            # ours, and the SDK if found
//! WB_REF_PYTHON=/path/to/python cargo run --release -p wb-video --example bench_gif
//! ```
//!
//! Four 16×3×256×256 `uint8` clips built from closed-form formulas (the same on both sides,
//! see `bench_gif.py`): `stripes` (256 colours a frame), `smooth` (65536 colours a frame),
//! `gradient` and `noise` (many colours, little structure). Ours: `Video::from_array` (array
//! preparation, quantization, LZW, the file), best of 20 runs and the median. The SDK's:
//! `wandb.Video(array, format="gif")`, best of 3 after a warm-up, run by `WB_REF_PYTHON` (or the
//! conformance venv, or `/work/venv-ref`) when it has wandb 0.31.0. The report gives the
//! ratio, both file sizes and whether the files are byte-identical.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use ndarray::Array4;
use std::path::{Path, PathBuf};
use std::time::Instant;
use wb_video::Video;

const PATTERNS: [&str; 4] = ["stripes", "smooth", "gradient", "noise"];
const SHAPE: (usize, usize, usize, usize) = (16, 3, 256, 256);

fn pattern(name: &str) -> Array4<u8> {
    let (_, _, h, w) = SHAPE;
    Array4::from_shape_fn(SHAPE, |(t, c, y, x)| {
        let (t, c, y, x) = (t as i64, c as i64, y as i64, x as i64);
        let v = match name {
            "stripes" => (t * 7 + c * 50 + y * 3 + x * 5) % 256,
            "smooth" => match c {
                0 => x,
                1 => y,
                _ => (t * 16 + (x + y) / 2) % 256,
            },
            "gradient" => {
                (match c {
                    0 => ((x - 128).pow(2) + (y - 96).pow(2)) / 300 + t * 4,
                    1 => (x * y) / 256 + t,
                    _ => (x + 2 * y + t * 8) / 3,
                }) % 256
            }
            "noise" => {
                let i = (((t * 3 + c) * h as i64 + y) * w as i64 + x) as u64;
                // splitmix64 of the flat index, top 8 bits
                let mut z = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                ((z ^ (z >> 31)) >> 56) as i64
            }
            _ => unreachable!(),
        };
        v as u8
    })
}

fn reference_python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("WB_REF_PYTHON").map(PathBuf::from),
        Some(PathBuf::from("target/conformance-venv/bin/python")),
        Some(PathBuf::from("/work/venv-ref/bin/python")),
    ];
    candidates.into_iter().flatten().find(|p| p.exists())
}

/// Runs the SDK's side; `(name, best ms, gif path)` per pattern.
fn run_sdk(python: &Path, out: &Path) -> Option<Vec<(String, f64, PathBuf)>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bench_gif.py");
    let o = std::process::Command::new(python)
        .arg(script)
        .arg(out)
        .arg("3")
        .args(PATTERNS)
        .output()
        .ok()?;
    if !o.status.success() {
        println!(
            "the SDK side failed:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        return None;
    }
    let text = String::from_utf8_lossy(&o.stdout);
    Some(
        text.lines()
            .filter_map(|l| {
                let mut p = l.split_whitespace();
                Some((
                    p.next()?.to_owned(),
                    p.next()?.parse().ok()?,
                    PathBuf::from(p.next()?),
                ))
            })
            .collect(),
    )
}

fn main() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let mut ours = Vec::new();
    for name in PATTERNS {
        let a = pattern(name);
        let mut times = Vec::new();
        let mut video = None;
        for _ in 0..20 {
            let t0 = Instant::now();
            let v = Video::from_array(a.view()).expect("encodes");
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
            video = Some(v);
        }
        times.sort_by(f64::total_cmp);
        let bytes = video.expect("one run").file().bytes().expect("bytes");
        ours.push((name, times[0], times[times.len() / 2], bytes));
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("GIF of 16x3x256x256 uint8 at 4 fps ({threads} threads)");
    let sdk = reference_python().and_then(|p| {
        println!(
            "SDK: wandb.Video(array, format=\"gif\") with {}",
            p.display()
        );
        run_sdk(&p, out.path())
    });
    println!(
        "{:<9} {:>10} {:>10} {:>10} {:>8} {:>10} {:>10}  identical",
        "pattern", "ours best", "ours med", "SDK best", "ratio", "our bytes", "SDK bytes"
    );
    for (name, best, median, bytes) in &ours {
        let theirs = sdk
            .as_ref()
            .and_then(|s| s.iter().find(|(n, _, _)| n == name));
        match theirs {
            Some((_, sdk_ms, path)) => {
                let sdk_bytes = std::fs::read(path).unwrap_or_default();
                println!(
                    "{name:<9} {best:>8.2}ms {median:>8.2}ms {sdk_ms:>8.1}ms {:>7.1}x {:>10} {:>10}  {}",
                    sdk_ms / best,
                    bytes.len(),
                    sdk_bytes.len(),
                    if **bytes == *sdk_bytes { "yes" } else { "no" }
                );
            }
            None => println!(
                "{name:<9} {best:>8.2}ms {median:>8.2}ms {:>10} {:>8} {:>10} {:>10}",
                "-",
                "-",
                bytes.len(),
                "-"
            ),
        }
    }
}
