//! The GIF encoder: what the SDK's moviepy → imageio → Pillow pipeline writes, in pure Rust and
//! in parallel.
//!
//! What the SDK's GIFs are, and so what ours are:
//! - GIF89a, looping forever (`NETSCAPE2.0`, loop count 0);
//! - the frames moviepy samples: `int(duration * fps)` of them, where `duration` is the float
//!   sum of `1/fps` once per input frame, so some frame rates drop the last frame (6 frames at
//!   3 fps give 5); frame `i` is input frame `i`;
//! - each frame its own palette of at most 256 colours (see [`quantize`]); gray input (1 or 2
//!   channels) keeps its exact gray levels;
//! - a frame identical to the previous one is not written: its duration is added to the
//!   previous frame's;
//! - each frame's delay is `int(duration_ms / 10)` hundredths of a second, with
//!   `duration_ms = 1000 / fps` (summed over merged frames);
//! - frames after the first store only the rectangle that changed, with the unchanged pixels
//!   inside it transparent when a palette index is free for that.
//!
//! Decoded, every frame has the pixels the SDK's has (exactly when a frame has at most 256
//! colours, and within a small difference otherwise); the file is about the same size. Frames
//! are quantized and compressed on all cores.

pub mod lzw;
pub mod quantize;

use crate::prepare::Frames;
use quantize::Quantized;
use std::borrow::Cow;
use wb_core::{Error, Result};

/// The frame count moviepy's `iter_frames` gives for `t` images at `fps`.
pub fn sampled_frame_count(t: usize, fps: f64) -> usize {
    let step = 1.0 / fps;
    let mut duration = 0.0f64;
    for _ in 0..t {
        duration += step;
    }
    let n = (duration * fps).trunc();
    if n.is_finite() && n > 0.0 {
        n as usize
    } else {
        0
    }
}

/// One frame ready to write.
struct Encoded {
    /// `None` when the frame is identical to the previous one.
    frame: Option<gif::Frame<'static>>,
}

/// Runs `f(i)` for `i` in `0..n` on up to `threads` threads; results in order.
fn par_map<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Result<Vec<T>> {
    if threads <= 1 || n <= 1 {
        return Ok((0..n).map(f).collect());
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let parts = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.min(n))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= n {
                            break;
                        }
                        mine.push((i, f(i)));
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect::<Vec<_>>()
    });
    for part in parts {
        let part = part.map_err(|_| Error::value("a GIF encoding thread failed"))?;
        for (i, v) in part {
            results[i] = Some(v);
        }
    }
    results
        .into_iter()
        .map(|r| r.ok_or_else(|| Error::value("a GIF frame was not encoded")))
        .collect()
}

fn threads_for(pixels: usize) -> usize {
    if pixels < 64 * 1024 {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn quantize_frame(frames: &Frames<'_>, i: usize) -> Quantized {
    let mut q = if frames.channels >= 3 {
        quantize::quantize_rgb(
            frames.plane(i, 0),
            frames.plane(i, 1),
            frames.plane(i, 2),
            256,
        )
    } else {
        quantize::quantize_gray(frames.plane(i, 0))
    };
    q.compact();
    q
}

fn palette_bytes(p: &[[u8; 3]]) -> Vec<u8> {
    p.iter().flatten().copied().collect()
}

/// The rectangle `(x0, y0, x1, y1)` (exclusive ends) of pixels whose colour differs.
fn changed_rect(
    prev: &Quantized,
    cur: &Quantized,
    width: usize,
) -> Option<(usize, usize, usize, usize)> {
    let height = cur.indices.len() / width;
    let same_palette = prev.palette == cur.palette;
    let differs = |i: usize| {
        let (a, b) = (prev.indices[i], cur.indices[i]);
        if same_palette {
            a != b
        } else {
            prev.palette[usize::from(a)] != cur.palette[usize::from(b)]
        }
    };
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for y in 0..height {
        let row = y * width;
        let Some(first) = (0..width).find(|&x| differs(row + x)) else {
            continue;
        };
        let last = (first..width)
            .rev()
            .find(|&x| differs(row + x))
            .unwrap_or(first);
        x0 = x0.min(first);
        x1 = x1.max(last + 1);
        y0 = y0.min(y);
        y1 = y + 1;
    }
    (x0 != usize::MAX).then_some((x0, y0, x1, y1))
}

/// Frame `i` as a GIF frame: the whole first frame; later ones cropped to what changed since
/// frame `i - 1`, unchanged pixels transparent when an index is free; `None` when identical.
fn encode_frame(q: &[Quantized], i: usize, width: usize) -> Result<Encoded> {
    let cur = &q[i];
    let w16 = |v: usize| {
        u16::try_from(v)
            .map_err(|_| Error::value("GIF frames are at most 65535 pixels wide and high"))
    };
    let mut frame = if i == 0 {
        let height = cur.indices.len() / width;
        gif::Frame {
            width: w16(width)?,
            height: w16(height)?,
            buffer: Cow::Owned(cur.indices.clone()),
            ..gif::Frame::default()
        }
    } else {
        let prev = &q[i - 1];
        let Some((x0, y0, x1, y1)) = changed_rect(prev, cur, width) else {
            return Ok(Encoded { frame: None });
        };
        let same_palette = prev.palette == cur.palette;
        let unchanged = |p: usize| {
            let (a, b) = (prev.indices[p], cur.indices[p]);
            if same_palette {
                a == b
            } else {
                prev.palette[usize::from(a)] == cur.palette[usize::from(b)]
            }
        };
        let mut palette = cur.palette.clone();
        let mut used = [false; 256];
        let mut any_unchanged = false;
        for y in y0..y1 {
            for x in x0..x1 {
                let p = y * width + x;
                used[usize::from(cur.indices[p])] = true;
                any_unchanged |= unchanged(p);
            }
        }
        let transparent = if !any_unchanged {
            None
        } else if palette.len() < 256 {
            palette.push([0, 0, 0]);
            Some((palette.len() - 1) as u8)
        } else {
            (0..256usize).rev().find(|&k| !used[k]).map(|k| k as u8)
        };
        let mut buffer = Vec::with_capacity((x1 - x0) * (y1 - y0));
        for y in y0..y1 {
            for x in x0..x1 {
                let p = y * width + x;
                buffer.push(match transparent {
                    Some(t) if unchanged(p) => t,
                    _ => cur.indices[p],
                });
            }
        }
        let local = palette != q[0].palette;
        gif::Frame {
            left: w16(x0)?,
            top: w16(y0)?,
            width: w16(x1 - x0)?,
            height: w16(y1 - y0)?,
            transparent,
            palette: local.then(|| palette_bytes(&palette)),
            buffer: Cow::Owned(buffer),
            ..gif::Frame::default()
        }
    };
    frame.dispose = gif::DisposalMethod::Any;
    frame.buffer = Cow::Owned(lzw::encode(&frame.buffer));
    Ok(Encoded { frame: Some(frame) })
}

/// Encodes `frames` (1 channel: gray; 2: gray from the first; 3 or more: RGB from the first
/// three) as an animated GIF at `fps` frames per second.
pub fn encode(frames: &Frames<'_>, fps: f64) -> Result<Vec<u8>> {
    if !(fps.is_finite() && fps > 0.0) {
        return Err(Error::value(format!(
            "fps must be a positive number, got {fps}"
        )));
    }
    let (width, height) = (frames.width, frames.height);
    let (w, h) = match (u16::try_from(width), u16::try_from(height)) {
        (Ok(w), Ok(h)) => (w, h),
        _ => {
            return Err(Error::value(format!(
                "a GIF is at most 65535x65535 pixels; these frames are {width}x{height}"
            )));
        }
    };
    let n = sampled_frame_count(frames.t, fps).min(frames.t);
    if n == 0 {
        return Err(Error::value(format!(
            "{} frames at {fps} fps give no frame to write (the SDK writes an empty file here)",
            frames.t
        )));
    }
    let threads = threads_for(width * height * n);
    let quantized = par_map(n, threads, |i| quantize_frame(frames, i))?;
    let encoded = par_map(n, threads, |i| encode_frame(&quantized, i, width))?;

    let frame_ms = 1000.0 / fps;
    let mut kept: Vec<(gif::Frame<'static>, f64)> = Vec::with_capacity(n);
    for e in encoded {
        let e = e?;
        match e.frame {
            Some(f) => kept.push((f, frame_ms)),
            None => {
                if let Some(last) = kept.last_mut() {
                    last.1 += frame_ms;
                }
            }
        }
    }
    let global = palette_bytes(&quantized[0].palette);
    let size: usize = kept.iter().map(|(f, _)| f.buffer.len() + 800).sum();
    let mut out = Vec::with_capacity(size + 1024);
    {
        let gif_err = |e: gif::EncodingError| Error::value(format!("GIF encoding failed: {e}"));
        let mut enc = gif::Encoder::new(&mut out, w, h, &global).map_err(gif_err)?;
        enc.set_repeat(gif::Repeat::Infinite).map_err(gif_err)?;
        for (mut f, ms) in kept {
            f.delay = (ms / 10.0).trunc().min(65535.0) as u16;
            enc.write_lzw_pre_encoded_frame(&f).map_err(gif_err)?;
        }
        enc.into_inner().map_err(gif_err)?;
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn frame_counts_follow_moviepy() {
        // Checked against moviepy 2.2.1's ImageSequenceClip.iter_frames.
        assert_eq!(sampled_frame_count(6, 3.0), 5);
        assert_eq!(sampled_frame_count(7, 3.0), 6);
        assert_eq!(sampled_frame_count(5, 3.0), 5);
        assert_eq!(sampled_frame_count(16, 4.0), 16);
        assert_eq!(sampled_frame_count(1, 49.0), 0);
    }
}
