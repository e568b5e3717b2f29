//! The GIF encoder: what the SDK's moviepy → imageio → Pillow pipeline writes, in pure Rust and
//! in parallel, down to the bytes.
//!
//! What the SDK's GIFs are, and so what ours are:
//! - GIF89a, looping forever (`NETSCAPE2.0`, loop count 0);
//! - the frames moviepy samples: `int(duration * fps)` of them, where `duration` is the float
//!   sum of `1/fps` once per input frame, so some frame rates drop the last frame (6 frames at
//!   3 fps give 5); frame `i` is input frame `i`;
//! - each frame its own palette of at most 256 colours (see [`quantize`]); gray input (1 or 2
//!   channels) keeps its exact gray levels; palettes of frames under 512×512 pixels keep only
//!   the entries in use when that leaves no gap or halves the table;
//! - a frame identical to the previous one is not written: its duration is added to the
//!   previous frame's;
//! - each frame's delay is `int(duration_ms / 10)` hundredths of a second, with
//!   `duration_ms = 1000 / fps` (summed over merged frames); no control block when that is 0;
//! - the first frame uses the global colour table; later ones have their own, and store only
//!   the rectangle that changed since the previous one, with the unchanged pixels transparent
//!   when a palette index is free (the palette's length if under 256, else the highest index
//!   the frame does not use);
//! - a GIF of one frame is interlaced when both sides are at least 16 pixels;
//! - LZW with 8-bit minimum code size and a clear code whenever the table fills ([`lzw`]).
//!
//! The result is byte-identical to the SDK's file for every input we compared it on (so it has
//! the same `sha256` and the same media file name), and the work is spread over all cores: all
//! frames are quantized, then all built, each thread taking the next frame as it goes.

mod lzw;
mod quantize;

use crate::prepare::Frames;
use quantize::Quantized;
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// One frame as a worker leaves it: quantized and, unless identical to the frame before it,
/// built for writing after that frame.
struct Worked {
    q: Quantized,
    out: Option<OutFrame>,
}

/// `f(0)`, ..., `f(n - 1)` on up to `threads` threads, each taking the next index as it goes
/// (so a thread that is slowed down or descheduled holds up nothing). The results do not
/// depend on which thread computed what.
fn parallel_map<T: Send>(
    n: usize,
    threads: usize,
    f: impl Fn(usize) -> T + Sync,
) -> Result<Vec<T>> {
    let threads = threads.clamp(1, n.max(1));
    if threads == 1 {
        return Ok((0..n).map(f).collect());
    }
    let next = AtomicUsize::new(0);
    let parts = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            return done;
                        }
                        done.push((i, f(i)));
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect::<Vec<_>>()
    });
    let failed = || Error::value("a GIF encoding thread failed");
    let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
    for part in parts {
        for (i, v) in part.map_err(|_| failed())? {
            out[i] = Some(v);
        }
    }
    out.into_iter().map(|v| v.ok_or_else(failed)).collect()
}

/// Every frame worked on up to `threads` threads: all frames quantized, then each built after
/// the frame before it.
fn work_all(frames: &Frames<'_>, n: usize, threads: usize) -> Result<Vec<Worked>> {
    let width = frames.width;
    let quantized = parallel_map(n, threads, |i| quantize_frame(frames, i))?;
    let built = parallel_map(n, threads, |i| match i {
        0 => Some(build_frame(&quantized[0], None, width, false)),
        _ => {
            let (p, q) = (&quantized[i - 1], &quantized[i]);
            changed_rect(p, q, width).map(|r| build_frame(q, Some((p, r)), width, false))
        }
    })?;
    Ok(quantized
        .into_iter()
        .zip(built)
        .map(|(q, out)| Worked { q, out })
        .collect())
}

fn threads_for(pixels: usize) -> usize {
    if pixels < 64 * 1024 {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Pillow's palette optimization for GIF frames: keep only the entries in use (in order) when
/// the frame is gray, or under 512×512 pixels and either some unused entry lies below a used
/// one or the used entries fit in half the table.
fn optimize_palette(q: &mut Quantized, pixels: usize, gray: bool) {
    if !gray && pixels >= 512 * 512 {
        return;
    }
    let mut used = [false; 256];
    for &i in &q.indices {
        used[usize::from(i)] = true;
    }
    let used_list: Vec<usize> = (0..256).filter(|&i| used[i]).collect();
    let Some(&max_used) = used_list.last() else {
        return;
    };
    let n = q.palette.len();
    let table = 1usize << (usize::BITS - n.saturating_sub(1).leading_zeros());
    let remap = gray || max_used >= used_list.len() || (used_list.len() <= table / 2 && table > 2);
    if remap {
        q.compact();
    }
}

fn quantize_frame(frames: &Frames<'_>, i: usize) -> Quantized {
    let gray = frames.channels < 3;
    let mut q = if gray {
        quantize::quantize_gray(frames.plane_at(i, 0))
    } else {
        quantize::quantize_rgb(
            frames.plane_at(i, 0),
            frames.plane_at(i, 1),
            frames.plane_at(i, 2),
            256,
        )
    };
    optimize_palette(&mut q, frames.width * frames.height, gray);
    q
}

/// A rectangle `(x0, y0, x1, y1)`, ends exclusive.
type Rect = (usize, usize, usize, usize);

/// How Pillow decides a pixel is unchanged: same index when both palettes are the same bytes,
/// else the same colour.
fn unchanged_fn<'a>(prev: &'a Quantized, cur: &'a Quantized) -> impl Fn(usize) -> bool + 'a {
    let same_palette = prev.palette == cur.palette;
    move |p: usize| {
        let (a, b) = (prev.indices[p], cur.indices[p]);
        if same_palette {
            a == b
        } else {
            prev.palette[usize::from(a)] == cur.palette[usize::from(b)]
        }
    }
}

/// The rectangle of pixels that changed from `prev` to `cur`; `None` when none did.
fn changed_rect(prev: &Quantized, cur: &Quantized, width: usize) -> Option<Rect> {
    let height = cur.indices.len() / width;
    let unchanged = unchanged_fn(prev, cur);
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for y in 0..height {
        let row = y * width;
        let Some(first) = (0..width).find(|&x| !unchanged(row + x)) else {
            continue;
        };
        let last = (first..width)
            .rev()
            .find(|&x| !unchanged(row + x))
            .unwrap_or(first);
        x0 = x0.min(first);
        x1 = x1.max(last + 1);
        y0 = y0.min(y);
        y1 = y + 1;
    }
    (x0 != usize::MAX).then_some((x0, y0, x1, y1))
}

/// One frame as written: where it goes, its palette (`None`: the global one), its control
/// block values and its LZW stream.
struct OutFrame {
    rect: Rect,
    palette: Option<Vec<[u8; 3]>>,
    transparent: Option<u8>,
    duration_ms: f64,
    interlaced: bool,
    lzw: Vec<u8>,
}

/// The rows of an interlaced image, in the order they are stored.
fn interlaced_rows(height: usize) -> impl Iterator<Item = usize> {
    [(0, 8), (4, 8), (2, 4), (1, 2)]
        .into_iter()
        .flat_map(move |(start, step)| (start..height).step_by(step))
}

/// Frame `frame`, written after `prev` (the last frame written, with the rectangle that changed
/// since) when there is one.
fn build_frame(
    frame: &Quantized,
    prev: Option<(&Quantized, Rect)>,
    width: usize,
    single: bool,
) -> OutFrame {
    let height = frame.indices.len() / width;
    let Some((prev, rect)) = prev else {
        let interlaced = single && width.min(height) >= 16;
        let pixels: Vec<u8> = if interlaced {
            interlaced_rows(height)
                .flat_map(|y| frame.indices[y * width..(y + 1) * width].iter().copied())
                .collect()
        } else {
            frame.indices.clone()
        };
        return OutFrame {
            rect: (0, 0, width, height),
            palette: None,
            transparent: None,
            duration_ms: 0.0,
            interlaced,
            lzw: lzw::encode(&pixels, 8),
        };
    };
    let transparent = if frame.palette.len() < 256 {
        Some(frame.palette.len() as u8)
    } else {
        let mut used = [false; 256];
        for &i in &frame.indices {
            used[usize::from(i)] = true;
        }
        (0..256usize).rev().find(|&k| !used[k]).map(|k| k as u8)
    };
    let unchanged = unchanged_fn(prev, frame);
    let (x0, y0, x1, y1) = rect;
    let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        let row = &frame.indices[y * width + x0..y * width + x1];
        match transparent {
            None => pixels.extend_from_slice(row),
            Some(t) => pixels.extend(
                row.iter()
                    .enumerate()
                    .map(|(dx, &v)| if unchanged(y * width + x0 + dx) { t } else { v }),
            ),
        }
    }
    OutFrame {
        rect,
        palette: Some(frame.palette.clone()),
        transparent,
        duration_ms: 0.0,
        interlaced: false,
        lzw: lzw::encode(&pixels, 8),
    }
}

/// The colour table size field for `n` entries (the table holds `2 << size` entries).
fn table_size(n: usize) -> u8 {
    match n {
        0..=2 => 1,
        n => (usize::BITS - (n - 1).leading_zeros()) as u8 - 1,
    }
}

fn put_table(out: &mut Vec<u8>, palette: &[[u8; 3]]) {
    let size = table_size(palette.len());
    for c in palette {
        out.extend_from_slice(c);
    }
    for _ in palette.len()..(2usize << size) {
        out.extend_from_slice(&[0, 0, 0]);
    }
}

fn put_u16(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&(v as u16).to_le_bytes());
}

/// Writes the file: header, global table (the first frame's palette), loop block, frames.
fn write_file(width: usize, height: usize, global: &[[u8; 3]], frames: &[OutFrame]) -> Vec<u8> {
    let size: usize = frames
        .iter()
        .map(|f| f.lzw.len() + f.lzw.len() / 255 + 800)
        .sum();
    let mut out = Vec::with_capacity(size + 1024);
    out.extend_from_slice(b"GIF89a");
    put_u16(&mut out, width);
    put_u16(&mut out, height);
    out.extend_from_slice(&[0x80 | table_size(global.len()), 0, 0]);
    put_table(&mut out, global);
    out.extend_from_slice(b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00");
    for f in frames {
        let delay = (f.duration_ms / 10.0).trunc().clamp(0.0, 65535.0) as u16;
        if f.transparent.is_some() || delay != 0 {
            out.extend_from_slice(&[0x21, 0xf9, 4, u8::from(f.transparent.is_some())]);
            out.extend_from_slice(&delay.to_le_bytes());
            out.extend_from_slice(&[f.transparent.unwrap_or(0), 0]);
        }
        let (x0, y0, x1, y1) = f.rect;
        out.push(b',');
        for v in [x0, y0, x1 - x0, y1 - y0] {
            put_u16(&mut out, v);
        }
        let mut flags = if f.interlaced { 0x40 } else { 0 };
        if let Some(p) = &f.palette {
            flags |= 0x80 | table_size(p.len());
        }
        out.push(flags);
        if let Some(p) = &f.palette {
            put_table(&mut out, p);
        }
        out.push(8);
        for block in f.lzw.chunks(255) {
            out.push(block.len() as u8);
            out.extend_from_slice(block);
        }
        out.push(0);
    }
    out.push(b';');
    out
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
    if width > 65535 || height > 65535 {
        return Err(Error::value(format!(
            "a GIF is at most 65535x65535 pixels; these frames are {width}x{height}"
        )));
    }
    let n = sampled_frame_count(frames.t, fps).min(frames.t);
    if n == 0 {
        return Err(Error::value(format!(
            "{} frames at {fps} fps give no frame to write (the SDK writes an empty file here)",
            frames.t
        )));
    }
    encode_on(frames, fps, n, threads_for(width * height * n))
}

/// [`encode`] of the first `n` frames on up to `threads` threads.
fn encode_on(frames: &Frames<'_>, fps: f64, n: usize, threads: usize) -> Result<Vec<u8>> {
    let width = frames.width;
    let mut worked = work_all(frames, n, threads)?;

    // Which frames are written: a frame identical to the last one written adds its time to it.
    // Workers compared each frame with the one before it; where that one was not written, the
    // frame is compared (and built) again against the last one that was.
    let frame_ms = 1000.0 / fps;
    let mut kept: Vec<(usize, OutFrame)> = Vec::with_capacity(n);
    let mut durations: Vec<f64> = Vec::with_capacity(n);
    let mut last = 0;
    for i in 0..n {
        let out = if i == 0 || last == i - 1 {
            worked[i].out.take()
        } else {
            changed_rect(&worked[last].q, &worked[i].q, width)
                .map(|r| build_frame(&worked[i].q, Some((&worked[last].q, r)), width, false))
        };
        match out {
            Some(f) => {
                kept.push((i, f));
                durations.push(frame_ms);
                last = i;
            }
            None => {
                if let Some(d) = durations.last_mut() {
                    *d += frame_ms;
                }
            }
        }
    }
    if kept.len() == 1 {
        // A one-frame GIF is written as Pillow writes a single image (interlaced if large).
        kept[0].1 = build_frame(&worked[0].q, None, width, true);
    }
    let mut out: Vec<OutFrame> = kept.into_iter().map(|(_, f)| f).collect();
    for (f, d) in out.iter_mut().zip(durations) {
        f.duration_ms = d;
    }
    Ok(write_file(width, frames.height, &worked[0].q.palette, &out))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn threads_do_not_change_the_file() {
        // 9 frames, 3 channels, 12x10: runs of identical frames (2-5, 7-8), whichever thread
        // works on them, and many colours.
        let (t, c, h, w) = (9usize, 3usize, 12usize, 10usize);
        let mut data = vec![0u8; t * c * h * w];
        for (i, v) in data.iter_mut().enumerate() {
            let f = i / (c * h * w);
            let key = match f {
                2..=5 => 2,
                7 | 8 => 7,
                f => f,
            };
            *v = ((i % (c * h * w)) * 37 + key * 101) as u8;
        }
        let frames = Frames::from_planar(t, c, h, w, data).unwrap();
        let one = encode_on(&frames, 4.0, t, 1).unwrap();
        for threads in [2, 3, 4, 9] {
            assert_eq!(
                encode_on(&frames, 4.0, t, threads).unwrap(),
                one,
                "{threads} threads"
            );
        }
        // Frames 3-5 and 8 were merged: 5 frames written, so 5 control blocks.
        assert_eq!(one.windows(2).filter(|p| p == &[0x21, 0xf9]).count(), 5);
    }

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
