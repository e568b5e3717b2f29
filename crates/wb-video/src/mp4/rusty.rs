//! H.264 in pure Rust, the default MP4 encoder: the `rusty_h264-encoder` crate, lossy at
//! about the SDK's quality, its Annex B output split into the parameter sets and one access
//! unit per frame.
//!
//! The settings, chosen for files that play everywhere and look like the input:
//! - the encoder's Constrained Baseline configuration (CAVLC, one reference picture, no
//!   lookahead: what every browser and hardware decoder plays, and what OpenH264's decoder
//!   reads; its High-profile default is decoded by ffmpeg but not by OpenH264), 4:2:0, 8-bit,
//!   one slice per picture, a constant quantizer of [`QP`] (adaptive quantization off: on, it
//!   lowered the PSNR of the smallest frames and made the 256×256 and 640×360 clips 8-60%
//!   larger), P
//!   pictures only (decode order is display order, as the MP4 writer assumes);
//! - an IDR picture first and every [`KEYFRAME_INTERVAL`] frames (x264's default), so players
//!   can seek;
//! - the crate is built without its `std` feature (see the root `Cargo.toml`), so it reads no
//!   environment variable and starts no thread: the same frames give the same bytes anywhere;
//! - the level in the SPS is raised, when needed, to the one whose frame size, macroblock rate
//!   and bit rate hold the stream ([`level`]);
//! - no colour description in the SPS, as the SDK's libx264 files: players read the pictures
//!   as BT.601 limited range, what [`super::yuv`] converts with.

use super::yuv::I420;
use super::{AccessUnit, Stream, set_once};
use rusty_h264_common::YuvPlanes;
use rusty_h264_encoder::{Encoder, EncoderConfig};
use wb_core::{Error, Result};

/// The encoder's name in error messages.
const ENCODER: &str = "rusty_h264";

/// The quantizer (0..=51, lower is better and larger): chosen on the cases of
/// `tests/mp4/verify_with_ffmpeg.py`, whose PSNR it keeps within 3 dB of the SDK's files
/// (2.8 dB under for the smallest frames, 6×4) at 0.5× to 3.1× their size.
pub const QP: u8 = 24;
/// An IDR (key) frame at least every this many frames.
pub const KEYFRAME_INTERVAL: u32 = 250;

/// The levels of Table A-1: `level_idc`, MaxMBPS (macroblocks a second), MaxFS (macroblocks
/// a frame), MaxBR (Baseline and Main: 1000 bits a second; High allows 1.25 times that).
const LEVELS: [(u8, u64, u64, u64); 19] = [
    (10, 1_485, 99, 64),
    (11, 3_000, 396, 192),
    (12, 6_000, 396, 384),
    (13, 11_880, 396, 768),
    (20, 11_880, 396, 2_000),
    (21, 19_800, 792, 4_000),
    (22, 20_250, 1_620, 4_000),
    (30, 40_500, 1_620, 10_000),
    (31, 108_000, 3_600, 14_000),
    (32, 216_000, 5_120, 20_000),
    (40, 245_760, 8_192, 20_000),
    (41, 245_760, 8_192, 50_000),
    (42, 522_240, 8_704, 50_000),
    (50, 589_824, 22_080, 135_000),
    (51, 983_040, 36_864, 240_000),
    (52, 2_073_600, 36_864, 240_000),
    (60, 4_177_920, 139_264, 240_000),
    (61, 8_355_840, 139_264, 480_000),
    (62, 16_711_680, 139_264, 800_000),
];

/// The largest picture of any level, in macroblocks (MaxFS of level 6.2).
pub const MAX_FRAME_MBS: u64 = 139_264;

/// The lowest level whose frame size, macroblock rate and bit rate hold pictures of
/// `width_mbs × height_mbs` macroblocks at `fps`, at most `max_frame_bytes` each; the highest
/// level when none does (decoders do not enforce rates).
pub fn level(width_mbs: u64, height_mbs: u64, fps: f64, max_frame_bytes: u64) -> u8 {
    let mbs = width_mbs * height_mbs;
    let mbps = mbs as f64 * fps;
    let kbps = max_frame_bytes as f64 * 8.0 * fps / 1000.0;
    LEVELS
        .iter()
        .find(|&&(_, max_mbps, max_fs, max_br)| {
            mbs <= max_fs
                && width_mbs * width_mbs <= 8 * max_fs
                && height_mbs * height_mbs <= 8 * max_fs
                && mbps <= max_mbps as f64
                && kbps <= max_br as f64
        })
        .map_or(62, |&(l, ..)| l)
}

fn failed(e: impl std::fmt::Display) -> Error {
    Error::Unsupported(format!("the H.264 encoder (rusty_h264) failed: {e}"))
}

/// The NAL units of an Annex B stream, without their start codes.
fn nal_units(annex_b: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= annex_b.len() {
        if annex_b[i..i + 3] == [0, 0, 1] {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|&s| s - 3)
        .chain([annex_b.len()])
        .collect();
    starts.into_iter().zip(ends).map(|(s, e)| {
        // Zero bytes before the next start code (its 4-byte form, or trailing zeros) are not
        // part of this unit.
        let mut e = e;
        while e > s && annex_b[e - 1] == 0 {
            e -= 1;
        }
        &annex_b[s..e]
    })
}

/// Adds the NAL units of `annex_b` to `stream`: the parameter sets once, every other unit to
/// the access unit of its picture (a new one at each slice that starts a picture).
fn add_units(stream: &mut Stream, annex_b: &[u8]) -> Result<()> {
    for nal in nal_units(annex_b) {
        let Some(&header) = nal.first() else { continue };
        match header & 0x1f {
            7 => set_once(&mut stream.sps, nal, "sequence", ENCODER)?,
            8 => set_once(&mut stream.pps, nal, "picture", ENCODER)?,
            kind @ (1 | 5) => {
                // first_mb_in_slice is ue(v) first in the slice header: 0 is the single bit 1.
                let first_slice = nal.get(1).is_some_and(|b| b & 0x80 != 0);
                if first_slice || stream.frames.is_empty() {
                    stream.frames.push(AccessUnit::default());
                }
                if let Some(unit) = stream.frames.last_mut() {
                    unit.sync |= kind == 5;
                    unit.push_nal(nal)?;
                }
            }
            // Access unit delimiters, SEI and the rest: not needed in an MP4 sample.
            _ => {}
        }
    }
    Ok(())
}

/// Encodes `pictures` (all padded to at least `width × height`, both even) at `fps`, showing
/// their top-left `width × height`: the parameter sets and one access unit per picture.
pub fn encode(
    pictures: impl IntoIterator<Item = I420>,
    width: usize,
    height: usize,
    fps: f64,
) -> Result<Stream> {
    let mut config = EncoderConfig::baseline(width, height);
    // The lowest level: the encoder raises it to the frame size and references it holds, and
    // [`level`] below to the rates.
    config.level_idc = 10;
    config.qp = QP;
    config.gop_size = KEYFRAME_INTERVAL;
    config.aq_strength = 0.0;
    config.bitrate = 0;
    config.framerate = fps as f32;
    let mut encoder = Encoder::new(config).map_err(failed)?;
    let mut stream = Stream::default();
    let mut count = 0;
    for p in pictures {
        if p.width < width || p.height < height || p.width % 2 == 1 || p.height % 2 == 1 {
            return Err(Error::Unsupported(format!(
                "an H.264 picture of {}x{} cannot show a {width}x{height} frame",
                p.width, p.height
            )));
        }
        let view = YuvPlanes {
            width,
            height,
            y: &p.y,
            u: &p.u,
            v: &p.v,
            stride_y: p.width,
            stride_c: p.width / 2,
        };
        let bytes = encoder.encode_planes(&view).map_err(failed)?;
        add_units(&mut stream, &bytes)?;
        count += 1;
    }
    let tail = encoder.try_flush().map_err(failed)?;
    add_units(&mut stream, &tail)?;
    if stream.frames.len() != count {
        return Err(Error::Unsupported(format!(
            "the H.264 encoder (rusty_h264) returned {} pictures for {count} frames",
            stream.frames.len()
        )));
    }
    if stream.sps.len() < 4 || stream.pps.is_empty() {
        return Err(Error::Unsupported(
            "the H.264 encoder (rusty_h264) wrote no parameter sets".into(),
        ));
    }
    // profile_idc, the constraint flags and level_idc are the bytes after the NAL header,
    // never escaped (profile_idc is not 0).
    let largest = stream
        .frames
        .iter()
        .map(|f| f.data.len())
        .max()
        .unwrap_or(0);
    let needed = level(
        width.div_ceil(16) as u64,
        height.div_ceil(16) as u64,
        fps,
        largest as u64,
    );
    stream.sps[3] = stream.sps[3].max(needed);
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_table_a1() {
        // 1080p at 30 fps of lossy size: level 4 (8160 macroblocks, 244800 a second).
        assert_eq!(level(120, 68, 30.0, 50_000), 40);
        // QCIF at 15 fps, small frames: level 1 (99 macroblocks).
        assert_eq!(level(11, 9, 15.0, 400), 10);
        // A 2000x16 strip: 125 macroblocks wide needs 8 × MaxFS >= 125², which level 3
        // (8 × 1620) misses and level 3.1 (8 × 3600) holds.
        assert_eq!(level(125, 1, 1.0, 100), 31);
        // Beyond every level: the highest.
        assert_eq!(level(1000, 1000, 1.0, 100), 62);
    }

    #[test]
    fn annex_b_splits_into_units() {
        let stream = [
            0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 0x88, 0, 0,
        ];
        let units: Vec<&[u8]> = nal_units(&stream).collect();
        assert_eq!(units, [&[0x67, 1, 2][..], &[0x68, 3], &[0x65, 0x88]]);
    }

    /// A moving picture: `(width, height)` padded pictures whose content shifts with `t`,
    /// with a still region (the bottom half).
    fn moving(width: usize, height: usize, t: usize) -> I420 {
        let px = |x: usize, y: usize, k: usize| {
            let (x, y, t, k) = (x as f64, y as f64, t as f64, k as f64);
            let v = if y >= (height / 2) as f64 {
                128.0 + 60.0 * (x / 7.0 + k).sin()
            } else {
                128.0 + 60.0 * ((x + 3.0 * t) / 9.0 + k).sin() + 50.0 * ((y - 2.0 * t) / 13.0).cos()
            };
            v.round().clamp(0.0, 255.0) as u8
        };
        let (cw, ch) = (width / 2, height / 2);
        I420 {
            width,
            height,
            y: (0..width * height)
                .map(|i| px(i % width, i / width, 0))
                .collect(),
            u: (0..cw * ch)
                .map(|i| px(2 * (i % cw), 2 * (i / cw), 1))
                .collect(),
            v: (0..cw * ch)
                .map(|i| px(2 * (i % cw), 2 * (i / cw), 2))
                .collect(),
        }
    }

    #[test]
    fn one_access_unit_per_frame_key_frames_first_and_every_250() {
        let n = KEYFRAME_INTERVAL as usize + 3;
        let s = encode((0..n).map(|t| moving(64, 48, t % 7)), 64, 48, 4.0).unwrap_or_default();
        assert_eq!(s.frames.len(), n);
        let sync: Vec<usize> = (0..n).filter(|&i| s.frames[i].sync).collect();
        assert_eq!(sync, [0, 250]);
        // Constrained Baseline (profile 66, constraint_set1), level 1.0 (12 macroblocks, small
        // frames).
        assert_eq!(s.sps[..4], [0x67, 66, 0x40, 10]);
        // The same frames give the same bytes.
        let again = encode((0..n).map(|t| moving(64, 48, t % 7)), 64, 48, 4.0).unwrap_or_default();
        assert!(
            again
                .frames
                .iter()
                .zip(&s.frames)
                .all(|(a, b)| a.data == b.data)
        );
    }

    /// OpenH264's decoder (not the encoder's own) gives back the pictures we coded, within
    /// the coding loss: IDR and P pictures, a size cropped from whole macroblocks, pictures
    /// padded beyond the size shown, and a second IDR picture after [`KEYFRAME_INTERVAL`]
    /// frames.
    #[cfg(feature = "mp4")]
    #[test]
    fn openh264_decodes_the_pictures() {
        use openh264::decoder::Decoder;
        use openh264::formats::YUVSource;
        // (shown width, height, padded width, height, frames, min PSNR of each plane in dB).
        for (w, h, pw, ph, n, min_psnr) in [
            (38, 22, 38, 22, 5, 35.0),
            (16, 16, 16, 16, 3, 35.0),
            (6, 4, 16, 16, 3, 35.0),
            (64, 48, 64, 48, KEYFRAME_INTERVAL as usize + 3, 35.0),
        ] {
            let pictures: Vec<I420> = (0..n).map(|t| moving(pw, ph, t % 7)).collect();
            let s = encode(pictures.clone(), w, h, 4.0).unwrap_or_default();
            assert_eq!(s.frames.len(), n);
            let mut decoder = Decoder::new().unwrap_or_else(|e| panic!("{e}"));
            let annex_b = |unit: &[u8]| {
                // Length-prefixed units to start codes.
                let mut out = Vec::new();
                let mut rest = unit;
                while let Some((len, tail)) = rest.split_first_chunk::<4>() {
                    let len = u32::from_be_bytes(*len) as usize;
                    out.extend_from_slice(&[0, 0, 0, 1]);
                    out.extend_from_slice(&tail[..len]);
                    rest = &tail[len..];
                }
                out
            };
            let mut sets = vec![0, 0, 0, 1];
            sets.extend_from_slice(&s.sps);
            sets.extend_from_slice(&[0, 0, 0, 1]);
            sets.extend_from_slice(&s.pps);
            let _ = decoder.decode(&sets);
            let psnr = |got: &[u8], stride: usize, want: &[u8], want_stride: usize, pw, ph| {
                let mut se = 0.0;
                for y in 0..ph {
                    for x in 0..pw {
                        let d =
                            f64::from(got[y * stride + x]) - f64::from(want[y * want_stride + x]);
                        se += d * d;
                    }
                }
                let mse = se / (pw * ph) as f64;
                10.0 * (255.0 * 255.0 / mse.max(1e-12)).log10()
            };
            for (t, (frame, want)) in s.frames.iter().zip(&pictures).enumerate() {
                let yuv = decoder
                    .decode(&annex_b(&frame.data))
                    .unwrap_or_else(|e| panic!("{w}x{h} frame {t}: {e}"))
                    .unwrap_or_else(|| panic!("{w}x{h} frame {t}: no picture"));
                assert_eq!(yuv.dimensions(), (w, h), "frame {t}");
                let (ys, us, vs) = yuv.strides();
                let planes = [
                    psnr(yuv.y(), ys, &want.y, pw, w, h),
                    psnr(yuv.u(), us, &want.u, pw / 2, w / 2, h / 2),
                    psnr(yuv.v(), vs, &want.v, pw / 2, w / 2, h / 2),
                ];
                for p in planes {
                    assert!(
                        p >= min_psnr,
                        "{w}x{h} frame {t}: PSNR {planes:?} < {min_psnr}"
                    );
                }
                // Frames are told apart: the decoded frame is nearer its own input than the
                // next one (half of each picture is still).
                if let Some(next) = pictures.get(t + 1).filter(|_| t % 7 != 6) {
                    let p = psnr(yuv.y(), ys, &next.y, pw, w, h);
                    assert!(
                        p < planes[0] - 3.0,
                        "{w}x{h} frame {t}: {p:.2} dB to input {}, {:.2} to its own",
                        t + 1,
                        planes[0]
                    );
                }
            }
        }
    }
}
