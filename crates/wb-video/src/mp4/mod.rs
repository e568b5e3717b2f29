//! MP4 from arrays: frames coded as H.264 and stored in an MP4 file, the SDK's
//! `wandb.Video(array, format="mp4")`.
//!
//! Two H.264 encoders, one per build:
//! - by default, [`rusty`]: the `rusty_h264-encoder` crate, in pure Rust, no C or C++
//!   toolchain;
//! - with the `mp4` feature, [`h264`]: OpenH264 (compiled from C++).
//!
//! What the SDK writes (moviepy → ffmpeg → libx264) and what we write:
//! - the same frames: moviepy's `int(duration * fps)` of them, as for GIF
//!   ([`crate::gif::sampled_frame_count`]);
//! - the same frame rate: the SDK passes ffmpeg the rate with two decimals (`"%.02f"`), so a
//!   file's rate is `fps` rounded to 0.01 (the frames are still sampled at `fps`), and the
//!   track's timescale is that rate's numerator doubled until it reaches 10000, as ffmpeg's;
//! - the same picture size for even sides. H.264 in 4:2:0 (the layout browsers play) needs
//!   even sides: an odd side is padded by one, repeating the last column or row (the SDK's
//!   ffmpeg writes odd sizes in 4:4:4 instead, which browsers do not play). The `width` and
//!   `height` in the JSON are the frames' own, as the SDK's. Pictures are coded in whole
//!   macroblocks and cropped back to the frame in the SPS (OpenH264's smallest picture is 16
//!   pixels a side: smaller frames are padded for it and the SPS rewritten, see [`sps`]);
//! - H.264 Constrained Baseline instead of libx264's High profile, lossy at a constant
//!   quantizer, from rusty_h264 (default) or OpenH264 (`mp4` feature);
//! - 1- and 2-channel arrays are written as gray (the SDK's ffmpeg reads them as if they were
//!   RGB and writes scrambled frames); of 4 channels, the first three (as the SDK).

#[cfg(feature = "mp4")]
mod bits;
#[cfg(feature = "mp4")]
mod h264;
mod mux;
// Used by the default build; with the `mp4` feature, only by the tests that decode its
// output with OpenH264's decoder.
#[cfg_attr(feature = "mp4", allow(dead_code))]
mod rusty;
#[cfg(feature = "mp4")]
mod sps;
mod yuv;

use crate::gif::sampled_frame_count;
use crate::prepare::Frames;
use wb_core::{Error, Result};

/// An encoded stream: the parameter sets (without start codes) and one access unit per
/// frame, its NAL units each prefixed by a 4-byte big-endian length (the MP4 layout).
#[derive(Debug, Default)]
pub struct Stream {
    /// The sequence parameter set.
    pub sps: Vec<u8>,
    /// The picture parameter set.
    pub pps: Vec<u8>,
    /// One access unit per frame, in order.
    pub frames: Vec<AccessUnit>,
}

/// Keeps the first parameter set of a kind (`"sequence"`, `"picture"`) that `encoder` wrote; a
/// different one later cannot go in one MP4 track.
fn set_once(slot: &mut Vec<u8>, nal: &[u8], kind: &str, encoder: &str) -> Result<()> {
    if slot.is_empty() {
        slot.extend_from_slice(nal);
        Ok(())
    } else if slot == nal {
        Ok(())
    } else {
        Err(Error::Unsupported(format!(
            "the H.264 encoder ({encoder}) changed its {kind} parameter set mid-stream"
        )))
    }
}

/// One coded frame.
#[derive(Debug, Default)]
pub struct AccessUnit {
    /// Length-prefixed NAL units.
    pub data: Vec<u8>,
    /// An IDR picture (a sync sample).
    pub sync: bool,
}

impl AccessUnit {
    /// Appends a NAL unit (without start code), prefixed by its length.
    pub fn push_nal(&mut self, nal: &[u8]) -> Result<()> {
        let len = u32::try_from(nal.len())
            .map_err(|_| Error::Unsupported("an H.264 NAL unit over 4 GiB".into()))?;
        self.data.extend_from_slice(&len.to_be_bytes());
        self.data.extend_from_slice(nal);
        Ok(())
    }
}

/// The frame rate the SDK gives ffmpeg for `fps` (`"%.02f" % fps`), as a reduced fraction
/// `(numerator, denominator)`; `None` when it rounds to 0.
pub fn file_rate(fps: f64) -> Option<(u64, u64)> {
    let text = format!("{fps:.2}");
    let (whole, frac) = text.split_once('.')?;
    let hundredths: u64 = format!("{whole}{frac}").parse().ok()?;
    if hundredths == 0 {
        return None;
    }
    let g = gcd(hundredths, 100);
    Some((hundredths / g, 100 / g))
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The track timing for a frame rate of `num / den`: ffmpeg's MP4 muxer doubles the
/// timescale until it is at least 10000.
pub fn timing(num: u64, den: u64) -> Option<mux::Timing> {
    let (mut scale, mut ticks) = (num, den);
    while scale < 10_000 {
        scale *= 2;
        ticks *= 2;
    }
    Some(mux::Timing {
        timescale: u32::try_from(scale).ok()?,
        frame_ticks: u32::try_from(ticks).ok()?,
    })
}

/// Encodes `frames` (1 or 2 channels: gray from the first; 3 or more: RGB from the first
/// three) as an H.264 MP4 at `fps` frames per second.
pub fn encode(frames: &Frames<'_>, fps: f64) -> Result<Vec<u8>> {
    if !(fps.is_finite() && fps > 0.0) {
        return Err(Error::value(format!(
            "fps must be a positive number, got {fps}"
        )));
    }
    let Some(timing) = file_rate(fps).and_then(|(n, d)| timing(n, d)) else {
        return Err(Error::value(format!(
            "fps {fps} cannot be written to an mp4: rounded to two decimals (as the SDK gives \
             it to ffmpeg) it must be at least 0.01, and small enough for the file's 32-bit \
             timescale"
        )));
    };
    let (w, h) = yuv::display_size(frames.width, frames.height);
    check_size(frames, w, h)?;
    let n = sampled_frame_count(frames.t, fps).min(frames.t);
    if n == 0 {
        return Err(Error::value(format!(
            "{} frames at {fps} fps give no frame to write (the SDK writes an empty file here)",
            frames.t
        )));
    }
    let pictures = (0..n).map(|i| yuv::frame_to_i420(frames, i));
    #[cfg(feature = "mp4")]
    let stream = {
        let mut stream = h264::encode(pictures, fps)?;
        if yuv::picture_size(frames.width, frames.height) != (w, h) {
            // Padded up to OpenH264's 16 pixels: the decoder crops back to the frame.
            stream.sps = sps::set_display_size(&stream.sps, w, h)?;
        }
        stream
    };
    #[cfg(not(feature = "mp4"))]
    let stream = rusty::encode(pictures, w, h, fps)?;
    Ok(mux::write(&stream, w as u16, h as u16, timing))
}

/// Refuses frames the encoder cannot code (OpenH264: 3840×2160 in either orientation).
#[cfg(feature = "mp4")]
fn check_size(frames: &Frames<'_>, w: usize, h: usize) -> Result<()> {
    let (long, short) = (w.max(h), w.min(h));
    if long > h264::MAX_SIDES.0 || short > h264::MAX_SIDES.1 {
        return Err(Error::value(format!(
            "H.264 frames of {}x{} pixels are too large: OpenH264 encodes at most 3840x2160 \
             (or 2160x3840); use VideoFormat::Gif",
            frames.width, frames.height
        )));
    }
    Ok(())
}

/// Refuses frames larger than the largest H.264 level allows (139264 macroblocks, each side
/// at most 16880 pixels), or than the MP4 sample entry's 16-bit width and height.
#[cfg(not(feature = "mp4"))]
fn check_size(frames: &Frames<'_>, w: usize, h: usize) -> Result<()> {
    let (wm, hm) = (w.div_ceil(16) as u64, h.div_ceil(16) as u64);
    if wm * hm > rusty::MAX_FRAME_MBS
        || wm * wm > 8 * rusty::MAX_FRAME_MBS
        || hm * hm > 8 * rusty::MAX_FRAME_MBS
    {
        return Err(Error::value(format!(
            "H.264 frames of {}x{} pixels are too large: at most 139264 macroblocks of 16x16 \
             (8192x4320, for instance), each side at most 16880; use VideoFormat::Gif",
            frames.width, frames.height
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_rates_are_the_sdks_two_decimals() {
        // Python's "%.02f" % fps (round half to even on the binary value), as the SDK gives it
        // to ffmpeg: checked with CPython 3.11.
        for (fps, want) in [
            (4.0, Some((4, 1))),
            (7.5, Some((15, 2))),
            (0.125, Some((3, 25))),    // "0.12"
            (0.375, Some((19, 50))),   // "0.38"
            (2.675, Some((267, 100))), // "2.67"
            (29.97, Some((2997, 100))),
            (1.0 / 3.0, Some((33, 100))),
            (0.005, Some((1, 100))),
            (0.004, None),
        ] {
            assert_eq!(file_rate(fps), want, "{fps}");
        }
        // ffmpeg's mov muxer doubles the timescale to at least 10000 (what the SDK's files have).
        let t = |n, d| timing(n, d).map(|t| (t.timescale, t.frame_ticks));
        assert_eq!(t(4, 1), Some((16384, 4096)));
        assert_eq!(t(3, 1), Some((12288, 4096)));
        assert_eq!(t(15, 2), Some((15360, 2048)));
        assert_eq!(t(30, 1), Some((15360, 512)));
    }
}
