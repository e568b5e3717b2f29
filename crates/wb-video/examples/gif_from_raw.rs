//! Encodes raw planar `u8` frames to GIF: `gif_from_raw IN.raw T C H W FPS OUT.gif`.
//! (A tool to compare our GIFs with the SDK's on the same input; see `bench_gif`.)
#![allow(clippy::print_stdout)]

use wb_video::{Frames, Video, VideoOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 8 {
        return Err("usage: gif_from_raw IN.raw T C H W FPS OUT.gif".into());
    }
    let n = |i: usize| a[i].parse::<usize>();
    let data = std::fs::read(&a[1])?;
    let frames = Frames::from_planar(n(2)?, n(3)?, n(4)?, n(5)?, data)?;
    let fps: f64 = a[6].parse()?;
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let mut best = f64::INFINITY;
    let mut gif = None;
    for _ in 0..repeat.max(1) {
        let t0 = std::time::Instant::now();
        let video = Video::from_frames_with(&frames, VideoOptions::default().with_fps(fps))?;
        best = best.min(t0.elapsed().as_secs_f64());
        gif = Some(video.file().bytes()?);
    }
    let gif = gif.ok_or("no GIF encoded")?;
    std::fs::write(&a[7], &gif)?;
    println!(
        "{} bytes in {:.2} ms (best of {repeat})",
        gif.len(),
        best * 1000.0
    );
    Ok(())
}
