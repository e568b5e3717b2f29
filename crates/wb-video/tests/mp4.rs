//! MP4 from arrays, in both builds (pure-Rust H.264 by default, OpenH264 with the `mp4`
//! feature): the JSON checked against the SDK's (`tests/golden/mp4/`, made by
//! `tests/golden/make_golden_mp4.py` with wandb 0.31.0), with the allowance of the conformance
//! rules: a file the SDK encodes with libx264 may differ in `sha256`, `size` and the id in its
//! path, which must be those of our own file; and, with the `mp4` feature, OpenH264's files
//! read back with a reader we did not write (the `mp4` crate) and decoded with OpenH264's
//! decoder, checked against the input frames (the pure-Rust encoder's pictures are checked
//! against OpenH264's decoder in its unit tests, `src/mp4/rusty.rs`, with the feature on).
//!
//! `tests/mp4/verify_with_ffmpeg.py` checks the files of either build with ffmpeg
//! (imageio-ffmpeg).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ndarray::{ArrayD, IxDyn};
#[cfg(feature = "mp4")]
use openh264::decoder::Decoder;
#[cfg(feature = "mp4")]
use openh264::formats::YUVSource;
#[cfg(feature = "mp4")]
use std::io::Cursor;
use std::path::{Path, PathBuf};
use wb_core::LogValue;
use wb_core::internal::value::val_to_json;
use wb_core::json::{self, Dialect, Value};
use wb_core::{Artifact, DirRun, Registry, RunTarget, Step};
use wb_video::{Video, VideoElement, VideoFormat, VideoOptions};

const STEP: Step = Step::Num(3);

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/mp4")
}

/// make_golden.py's `pattern(kind, shape)`.
fn pattern(kind: &str, shape: &[usize]) -> ArrayD<i64> {
    let n: usize = shape.iter().product();
    let v: Vec<i64> = (0..n as i64)
        .map(|i| match kind {
            "ramp" => (i * 7 + i / 61) % 256,
            "wide" => (i * 37) % 1201 - 400,
            "smooth" => (i * 3 + (i / 97) * 5) % 256,
            _ => panic!("{kind}"),
        })
        .collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

fn u8s(kind: &str, shape: &[usize]) -> ArrayD<u8> {
    pattern(kind, shape).mapv(|v| v as u8)
}

#[cfg(feature = "mp4")]
/// Smooth moving content (what video codecs are for): `(T, C, H, W)`.
fn waves(t: usize, c: usize, h: usize, w: usize) -> ArrayD<u8> {
    ArrayD::from_shape_fn(IxDyn(&[t, c, h, w]), |i| {
        let (t, c, y, x) = (i[0] as f64, i[1] as f64, i[2] as f64, i[3] as f64);
        let v = 128.0
            + 60.0 * ((x + 3.0 * t) / 9.0 + c).sin()
            + 50.0 * ((y - 2.0 * t) / 13.0 - c).cos();
        v.round().clamp(0.0, 255.0) as u8
    })
}

fn mp4_of<T: VideoElement>(a: &ArrayD<T>, fps: f64) -> Video {
    Video::from_array_with(
        a.view(),
        VideoOptions::default()
            .with_format(VideoFormat::Mp4)
            .with_fps(fps),
    )
    .unwrap()
}

#[cfg(feature = "mp4")]
/// An MP4 read back: its one track's coded size, timing and sync flags, and each frame
/// decoded to RGB (BT.601, limited range) at the coded size.
struct Decoded {
    width: usize,
    height: usize,
    timescale: u32,
    durations: Vec<u32>,
    sync: Vec<bool>,
    frames: Vec<Vec<u8>>,
}

#[cfg(feature = "mp4")]
fn annex_b(out: &mut Vec<u8>, nal: &[u8]) {
    out.extend_from_slice(&[0, 0, 0, 1]);
    out.extend_from_slice(nal);
}

#[cfg(feature = "mp4")]
fn decode(bytes: &[u8]) -> Decoded {
    let mut r = mp4::Mp4Reader::read_header(Cursor::new(bytes), bytes.len() as u64).unwrap();
    assert_eq!(r.major_brand().to_string(), "isom");
    assert_eq!(r.tracks().len(), 1, "one track");
    let (&id, track) = r.tracks().iter().next().unwrap();
    assert_eq!(track.media_type().unwrap(), mp4::MediaType::H264);
    let (width, height) = (usize::from(track.width()), usize::from(track.height()));
    let timescale = track.timescale();
    let mut head = Vec::new();
    annex_b(&mut head, track.sequence_parameter_set().unwrap());
    annex_b(&mut head, track.picture_parameter_set().unwrap());
    let count = r.sample_count(id).unwrap();
    let mut decoder = Decoder::new().unwrap();
    let mut out = Decoded {
        width,
        height,
        timescale,
        durations: Vec::new(),
        sync: Vec::new(),
        frames: Vec::new(),
    };
    let to_rgb = |yuv: &dyn YUVSource, frames: &mut Vec<Vec<u8>>| {
        assert_eq!(yuv.dimensions(), (width, height), "decoded size");
        let mut rgb = vec![0u8; width * height * 3];
        // BT.601 limited range back to RGB.
        let (ys, us, _) = yuv.strides();
        for y in 0..height {
            for x in 0..width {
                let l = 1.164 * (f64::from(yuv.y()[y * ys + x]) - 16.0);
                let cb = f64::from(yuv.u()[(y / 2) * us + x / 2]) - 128.0;
                let cr = f64::from(yuv.v()[(y / 2) * us + x / 2]) - 128.0;
                let px = [l + 1.596 * cr, l - 0.392 * cb - 0.813 * cr, l + 2.017 * cb];
                for (c, v) in px.iter().enumerate() {
                    rgb[(y * width + x) * 3 + c] = v.round().clamp(0.0, 255.0) as u8;
                }
            }
        }
        frames.push(rgb);
    };
    if let Some(yuv) = decoder.decode(&head).unwrap() {
        to_rgb(&yuv, &mut out.frames);
    }
    for s in 1..=count {
        let sample = r.read_sample(id, s).unwrap().unwrap();
        out.durations.push(sample.duration);
        out.sync.push(sample.is_sync);
        let mut data: &[u8] = &sample.bytes;
        let mut au = Vec::new();
        while !data.is_empty() {
            let len = u32::from_be_bytes(data[..4].try_into().unwrap()) as usize;
            annex_b(&mut au, &data[4..4 + len]);
            data = &data[4 + len..];
        }
        if let Some(yuv) = decoder.decode(&au).unwrap() {
            to_rgb(&yuv, &mut out.frames);
        }
    }
    for yuv in decoder.flush_remaining().unwrap() {
        to_rgb(&yuv, &mut out.frames);
    }
    out
}

#[cfg(feature = "mp4")]
/// The input frames `(T, C, H, W)` as RGB rows (gray for 1 or 2 channels).
fn input_rgb(a: &ArrayD<u8>, i: usize) -> Vec<u8> {
    let s = a.shape();
    let (c, h, w) = (s[1], s[2], s[3]);
    let mut out = Vec::with_capacity(h * w * 3);
    for y in 0..h {
        for x in 0..w {
            for ch in 0..3 {
                let from = if c >= 3 { ch } else { 0 };
                out.push(a[[i, from, y, x]]);
            }
        }
    }
    out
}

#[cfg(feature = "mp4")]
/// PSNR (dB) of a decoded frame (at the coded size) against an input frame, on the input's
/// own `w × h` pixels.
fn psnr(decoded: &[u8], coded_w: usize, input: &[u8], w: usize, h: usize) -> f64 {
    let mut se = 0.0;
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let d = f64::from(decoded[(y * coded_w + x) * 3 + c])
                    - f64::from(input[(y * w + x) * 3 + c]);
                se += d * d;
            }
        }
    }
    let mse = se / (w * h * 3) as f64;
    10.0 * (255.0 * 255.0 / mse.max(1e-12)).log10()
}

#[cfg(feature = "mp4")]
#[test]
fn files_decode_to_the_input_frames() {
    // (name, frames (T, C, H, W), fps, frames the SDK writes, timescale, ticks, min PSNR).
    // The PSNR floors sit 1-2 dB under what we measure; a wrong channel, plane, frame order or
    // frame would give under 25 dB on the waves.
    type Case = (&'static str, ArrayD<u8>, f64, usize, u32, u32, f64);
    let cases: Vec<Case> = vec![
        ("even", waves(12, 3, 48, 64), 4.0, 12, 16384, 4096, 36.0),
        ("odd sides", waves(5, 3, 33, 17), 4.0, 5, 16384, 4096, 33.0),
        (
            "7.5 fps drops a frame",
            waves(6, 3, 16, 16),
            7.5,
            5,
            15360,
            2048,
            35.0,
        ),
        ("gray", waves(4, 1, 20, 30), 4.0, 4, 16384, 4096, 41.0),
        (
            "four channels",
            waves(3, 4, 16, 16),
            30.0,
            3,
            15360,
            512,
            35.0,
        ),
        // 4:2:0 chroma cannot hold per-pixel colour noise (the SDK's files neither).
        (
            "noise-like",
            u8s("ramp", &[4, 3, 32, 32]),
            4.0,
            4,
            16384,
            4096,
            16.0,
        ),
    ];
    for (name, a, fps, n, timescale, ticks, min_psnr) in cases {
        let (h, w) = (a.shape()[2], a.shape()[3]);
        let v = mp4_of(&a, fps);
        assert_eq!(
            (v.width(), v.height()),
            (Some(w as u32), Some(h as u32)),
            "{name}"
        );
        let bytes = v.file().bytes().unwrap();
        let d = decode(&bytes);
        assert_eq!(
            (d.width, d.height),
            (w + w % 2, h + h % 2),
            "{name}: coded size"
        );
        assert_eq!(d.frames.len(), n, "{name}: decoded frames");
        assert_eq!(d.durations, vec![ticks; n], "{name}: frame durations");
        assert_eq!(d.timescale, timescale, "{name}: timescale");
        assert!(d.sync[0], "{name}: the first frame is a key frame");
        for (i, frame) in d.frames.iter().enumerate() {
            let p = psnr(frame, d.width, &input_rgb(&a, i), w, h);
            assert!(
                p >= min_psnr,
                "{name}: frame {i} PSNR {p:.2} dB < {min_psnr}"
            );
        }
        if n > 1 {
            // Frames are told apart: frame 0 is far from input frame 1.
            let p = psnr(&d.frames[0], d.width, &input_rgb(&a, 1), w, h);
            assert!(p < min_psnr - 5.0, "{name}: frame 0 vs input 1: {p:.2} dB");
        }
        // The same frames give the same bytes (one encoder thread, no timestamps in the file).
        assert!(
            mp4_of(&a, fps).file().bytes().unwrap() == bytes,
            "{name}: not reproducible"
        );
    }
}

#[cfg(feature = "mp4")]
#[test]
fn key_frames_first_and_every_250() {
    // 260 frames of slow motion (no scene change): IDR pictures at 0 and 250 only.
    let a = waves(260, 3, 16, 16);
    let d = decode(&mp4_of(&a, 4.0).file().bytes().unwrap());
    assert_eq!(d.frames.len(), 260);
    let sync: Vec<usize> = (0..260).filter(|&i| d.sync[i]).collect();
    assert_eq!(sync, vec![0, 250]);
}

#[cfg(feature = "mp4")]
#[test]
fn a_batch_is_tiled_before_encoding() {
    // 3 clips of 2 frames, 16x16: a 1x4 grid of 64x16, the 4th clip black.
    let clips = ArrayD::from_shape_fn(IxDyn(&[3, 2, 3, 16, 16]), |i| (40 + i[0] * 70) as u8);
    let v = mp4_of(&clips, 4.0);
    assert_eq!((v.width(), v.height()), (Some(64), Some(16)));
    let d = decode(&v.file().bytes().unwrap());
    assert_eq!((d.width, d.height, d.frames.len()), (64, 16, 2));
    for frame in &d.frames {
        for (clip, level) in [(0usize, 40i32), (1, 110), (2, 180), (3, 0)] {
            // The centre pixel of each tile, red channel, within the coding error.
            let px = i32::from(frame[(8 * 64 + clip * 16 + 8) * 3]);
            assert!((px - level).abs() <= 3, "clip {clip}: {px} vs {level}");
        }
    }
}

/// Our run JSON against the SDK's: equal but for `sha256`, `size` and the path's id, which
/// must be those of our file.
fn same_but_file(ours: &Value, sdk: &Value, run: &DirRun, case: &str) {
    let sha = ours.get("sha256").and_then(Value::as_str).unwrap();
    let path = ours.get("path").and_then(Value::as_str).unwrap();
    let bytes = std::fs::read(run.files_dir().join(path)).unwrap();
    let f = Video::from_bytes(bytes.clone(), VideoFormat::Mp4);
    assert_eq!(f.file().sha256(), sha, "{case}: sha256 of our file");
    assert_eq!(
        ours.get("size").and_then(Value::as_i64),
        Some(bytes.len() as i64),
        "{case}: size"
    );
    let mask = |v: &Value, sha: &str| {
        let mut m = v.as_object().unwrap().clone();
        m.insert("sha256".into(), "<sha256>".into());
        m.insert("size".into(), 0.into());
        let p = m.get("path").and_then(Value::as_str).unwrap().to_owned();
        m.insert("path".into(), p.replace(&sha[..20], "<id>").into());
        json::to_string(&Value::Object(m), Dialect::Compact)
    };
    let sdk_sha = sdk.get("sha256").and_then(Value::as_str).unwrap();
    assert_eq!(mask(ours, sha), mask(sdk, sdk_sha), "{case}");
    assert!(
        path.ends_with(&format!("_3_{}.mp4", &sha[..20])),
        "{case}: {path}"
    );
}

#[test]
fn run_json_matches_the_sdk() {
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path().join("files"));
    let wide = pattern("wide", &[3, 3, 8, 8]);
    let cases: Vec<(&str, &str, LogValue)> = vec![
        (
            "mp4_4d",
            "vid",
            LogValue::media(mp4_of(&u8s("ramp", &[5, 3, 10, 8]), 4.0)),
        ),
        (
            "mp4_odd_sides",
            "vid",
            LogValue::media(mp4_of(&u8s("ramp", &[4, 3, 9, 7]), 4.0)),
        ),
        (
            "mp4_b3_caption",
            "a/v",
            LogValue::media(mp4_of(&u8s("ramp", &[3, 2, 3, 6, 4]), 4.0).with_caption("b")),
        ),
        (
            "mp4_fps_float",
            "vid",
            LogValue::media(mp4_of(&u8s("smooth", &[6, 3, 8, 8]), 7.5)),
        ),
        (
            "mp4_f32",
            "vid",
            LogValue::media(mp4_of(&wide.mapv(|v| v as f32 * 0.5), 4.0)),
        ),
        (
            "mp4_list",
            "vid",
            LogValue::list([
                mp4_of(&u8s("ramp", &[2, 3, 4, 4]), 4.0).with_caption("first"),
                Video::from_array(u8s("ramp", &[3, 3, 4, 4]).view()).unwrap(),
            ]),
        ),
    ];
    for (case, key, val) in cases {
        let got = val_to_json(&run, key, &val, STEP).unwrap();
        let text = std::fs::read_to_string(golden().join("run").join(format!("{case}.json")));
        let want = json::parse(&text.unwrap()).unwrap();
        match (got.get("videos"), want.get("videos")) {
            (Some(Value::Array(a)), Some(Value::Array(b))) => {
                assert_eq!(a.len(), b.len(), "{case}");
                same_but_file(&a[0], &b[0], &run, case);
                // The GIF is the SDK's, byte for byte.
                assert_eq!(
                    json::to_string(&a[1], Dialect::Compact),
                    json::to_string(&b[1], Dialect::Compact),
                    "{case}"
                );
                for k in ["_type", "count", "captions"] {
                    assert_eq!(got.get(k), want.get(k), "{case}: {k}");
                }
            }
            _ => same_but_file(&got, &want, &run, case),
        }
    }
}

#[test]
fn artifact_json_matches_the_sdk_and_reads_back() {
    let mut registry = Registry::new().with_core();
    wb_video::register(&mut registry);
    let val = mp4_of(&u8s("ramp", &[3, 3, 4, 6]), 4.0).with_caption("c");
    let mut art = Artifact::new("golden", "dataset");
    let entry = art.add(&val, "art_mp4").unwrap();
    assert_eq!(entry, "art_mp4.video-file.json");
    let ours =
        json::parse(std::str::from_utf8(&art.entry_bytes(&entry).unwrap()).unwrap()).unwrap();
    let sdk =
        json::parse(&std::fs::read_to_string(golden().join("artifact").join(&entry)).unwrap())
            .unwrap();
    // The path is `media/videos/<20 hex>.mp4` (the id is of the file's bytes, ours here).
    let path = ours.get("path").and_then(Value::as_str).unwrap();
    let id = path
        .strip_prefix("media/videos/")
        .and_then(|p| p.strip_suffix(".mp4"));
    assert!(
        id.is_some_and(|id| id.len() == 20 && id.bytes().all(|b| b.is_ascii_hexdigit())),
        "{path}"
    );
    assert!(*art.entry_bytes(path).unwrap() == *val.file().bytes().unwrap());
    let strip = |v: &Value| {
        let mut m = v.as_object().unwrap().clone();
        m.shift_remove("path");
        m.shift_remove("sha256");
        json::to_string(&Value::Object(m), Dialect::Compact)
    };
    assert_eq!(strip(&ours), strip(&sdk));
    assert_eq!(
        ours.get("sha256").and_then(Value::as_str),
        Some(val.file().sha256())
    );
    let back = registry.decode(&ours, &art).unwrap().unwrap();
    assert!(back.wb_eq(&val));
    let back = back.downcast_ref::<Video>().unwrap();
    assert_eq!(
        (back.caption(), back.width(), back.height()),
        (Some("c"), Some(6), Some(4))
    );
}

#[test]
fn frame_rates_too_small_for_two_decimals_are_an_error() {
    let a = u8s("ramp", &[2, 3, 4, 4]);
    let e = Video::from_array_with(
        a.view(),
        VideoOptions::default()
            .with_format(VideoFormat::Mp4)
            .with_fps(0.001),
    )
    .unwrap_err();
    assert!(e.to_string().contains("two decimals"), "{e}");
}

#[cfg(feature = "mp4")]
#[test]
fn what_openh264_cannot_encode_is_a_clear_error() {
    let wide = ArrayD::<u8>::zeros(IxDyn(&[1, 3, 2, 3842]));
    let e = Video::from_array_with(
        wide.view(),
        VideoOptions::default().with_format(VideoFormat::Mp4),
    )
    .unwrap_err();
    assert!(e.to_string().contains("at most 3840x2160"), "{e}");
    // A frame count and rate that leave no frame.
    let one = ArrayD::<u8>::zeros(IxDyn(&[1, 3, 2, 2]));
    assert!(
        Video::from_array_with(
            one.view(),
            VideoOptions::default()
                .with_format(VideoFormat::Mp4)
                .with_fps(49.0)
        )
        .is_err()
    );
    // The smallest picture: 1x1, coded as 2x2.
    let d = decode(
        &mp4_of(&ArrayD::<u8>::from_elem(IxDyn(&[2, 3, 1, 1]), 200), 4.0)
            .file()
            .bytes()
            .unwrap(),
    );
    assert_eq!((d.width, d.height, d.frames.len()), (2, 2, 2));
}

/// The pure-Rust encoder's files read back with the `mp4` crate: one H.264 track of
/// Constrained Baseline (profile 66 with `constraint_set1`), the frame's size, one sample per frame, sync samples at
/// 0 and 250 only (its pictures are decoded by OpenH264 in `src/mp4/rusty.rs`'s tests, and by
/// ffmpeg in `tests/mp4/verify_with_ffmpeg.py`).
#[cfg(not(feature = "mp4"))]
#[test]
fn pure_rust_files_are_constrained_baseline_with_key_frames_every_250() {
    use std::io::Cursor;
    let a = ArrayD::from_shape_fn(IxDyn(&[260, 3, 20, 30]), |i| (i[0] * 3 + i[3]) as u8);
    let bytes = mp4_of(&a, 4.0).file().bytes().unwrap();
    let mut r = mp4::Mp4Reader::read_header(Cursor::new(&bytes[..]), bytes.len() as u64).unwrap();
    assert_eq!(r.tracks().len(), 1, "one track");
    let (&id, track) = r.tracks().iter().next().unwrap();
    assert_eq!(track.media_type().unwrap(), mp4::MediaType::H264);
    assert_eq!((track.width(), track.height()), (30, 20));
    let sps = track.sequence_parameter_set().unwrap().to_vec();
    assert_eq!(sps[1..3], [66, 0x40], "Constrained Baseline");
    let count = r.sample_count(id).unwrap();
    assert_eq!(count, 260);
    let sync: Vec<u32> = (1..=count)
        .filter(|&s| r.read_sample(id, s).unwrap().unwrap().is_sync)
        .map(|s| s - 1)
        .collect();
    assert_eq!(sync, vec![0, 250]);
}

#[cfg(not(feature = "mp4"))]
#[test]
fn frames_beyond_every_h264_level_are_a_clear_error() {
    let wide = ArrayD::<u8>::zeros(IxDyn(&[1, 3, 2, 16882]));
    let e = Video::from_array_with(
        wide.view(),
        VideoOptions::default().with_format(VideoFormat::Mp4),
    )
    .unwrap_err();
    assert!(e.to_string().contains("each side at most 16880"), "{e}");
    // The smallest picture, 1x1, is encoded.
    let one = ArrayD::<u8>::from_elem(IxDyn(&[2, 3, 1, 1]), 200);
    assert_eq!(mp4_of(&one, 4.0).width(), Some(1));
}
