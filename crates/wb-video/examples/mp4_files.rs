//! Writes MP4 files encoded from arrays with their input frames, for
//! `tests/mp4/verify_with_ffmpeg.py` to decode with ffmpeg and compare with the input and with
//! the SDK's files. Pure-Rust H.264 (the default) or OpenH264 (`--features mp4`):
//!
//! ```sh
//! cargo run --release -p wb-video --example mp4_files -- OUT_DIR
//! cargo run --release -p wb-video --features mp4 --example mp4_files -- OUT_DIR
//! ```
//!
//! Each case `NAME` gives `NAME.mp4`, `NAME.rgb` (the frames the SDK would write, `T×H×W×3`
//! bytes; gray repeated in the three channels) and a line of `cases.json`.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use ndarray::{ArrayD, IxDyn};
use std::fmt::Write as _;
use std::time::Instant;
use wb_video::{Frames, Video, VideoFormat, VideoOptions};

/// Smooth moving content: `(T, C, H, W)`.
fn waves(t: usize, c: usize, h: usize, w: usize) -> ArrayD<u8> {
    ArrayD::from_shape_fn(IxDyn(&[t, c, h, w]), |i| {
        let (t, c, y, x) = (i[0] as f64, i[1] as f64, i[2] as f64, i[3] as f64);
        let v = 128.0
            + 60.0 * ((x + 3.0 * t) / 9.0 + c).sin()
            + 50.0 * ((y - 2.0 * t) / 13.0 - c).cos();
        v.round().clamp(0.0, 255.0) as u8
    })
}

/// `bench_gif`'s "gradient": `(T, 3, H, W)`.
fn gradient(t: usize, h: usize, w: usize) -> ArrayD<u8> {
    ArrayD::from_shape_fn(IxDyn(&[t, 3, h, w]), |i| {
        let (t, c, y, x) = (i[0] as i64, i[1], i[2] as i64, i[3] as i64);
        (match c {
            0 => ((x - 128).pow(2) + (y - 96).pow(2)) / 300 + t * 4,
            1 => (x * y) / 256 + t,
            _ => (x + 2 * y + t * 8) / 3,
        } % 256) as u8
    })
}

/// Per-pixel colour noise (`make_golden.py`'s "ramp").
fn ramp(shape: &[usize]) -> ArrayD<u8> {
    let n: usize = shape.iter().product();
    let v = (0..n as i64)
        .map(|i| ((i * 7 + i / 61) % 256) as u8)
        .collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

fn main() {
    let out = std::path::PathBuf::from(std::env::args().nth(1).expect("an output folder"));
    std::fs::create_dir_all(&out).unwrap();
    let cases: Vec<(&str, ArrayD<u8>, f64)> = vec![
        ("waves_64x48", waves(12, 3, 48, 64), 4.0),
        ("waves_odd_17x33", waves(5, 3, 33, 17), 4.0),
        ("waves_tiny_6x4", waves(4, 3, 4, 6), 4.0),
        ("waves_7.5fps", waves(6, 3, 16, 16), 7.5),
        ("waves_gray", waves(4, 1, 20, 30), 4.0),
        (
            "waves_batch3",
            waves(3, 3, 24, 24)
                .into_shape_with_order(IxDyn(&[3, 1, 3, 24, 24]))
                .unwrap(),
            4.0,
        ),
        ("noise_32x32", ramp(&[4, 3, 32, 32]), 4.0),
        ("gradient_256", gradient(16, 256, 256), 4.0),
        ("waves_640x360", waves(30, 3, 360, 640), 30.0),
    ];
    let mut manifest = String::from("[\n");
    for (k, (name, a, fps)) in cases.iter().enumerate() {
        let t0 = Instant::now();
        let v = Video::from_array_with(
            a.view(),
            VideoOptions::default()
                .with_format(VideoFormat::Mp4)
                .with_fps(*fps),
        )
        .unwrap();
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        let bytes = v.file().bytes().unwrap();
        std::fs::write(out.join(format!("{name}.mp4")), &*bytes).unwrap();
        // The frames as the SDK sees them: batches tiled, (T, H, W, 3).
        let frames = Frames::from_array(a.view()).unwrap();
        let mut rgb = Vec::new();
        for i in 0..frames.frame_count() {
            let planes: Vec<&[u8]> = (0..3)
                .map(|c| frames.plane(i, c.min(frames.channels() - 1)).unwrap())
                .collect();
            let planes = if frames.channels() < 3 {
                vec![planes[0]; 3]
            } else {
                planes
            };
            for p in 0..frames.width() * frames.height() {
                rgb.extend(planes.iter().map(|pl| pl[p]));
            }
        }
        std::fs::write(out.join(format!("{name}.rgb")), rgb).unwrap();
        let _ = writeln!(
            manifest,
            "{{\"name\": \"{name}\", \"shape\": {:?}, \"fps\": {fps}, \"t\": {}, \"height\": {}, \"width\": {}, \"ms\": {ms:.2}}}{}",
            a.shape(),
            frames.frame_count(),
            frames.height(),
            frames.width(),
            if k + 1 < cases.len() { "," } else { "" }
        );
        println!("{name}: {} bytes in {ms:.1} ms", bytes.len());
    }
    manifest.push(']');
    std::fs::write(out.join("cases.json"), manifest).unwrap();
}
