//! wb-video against golden outputs of wandb 0.31.0 (made by `tests/golden/make_golden.py`, which
//! logs the same arrays through the SDK's own `val_to_json` and `Artifact.add`).
//!
//! GIFs from arrays are compared as the conformance rules compare them (docs/conformance.md: same size,
//! frame count, delays and loop; decoded frames within a mean absolute difference of 8), and
//! then byte for byte: ours are the SDK's files exactly. Files copied from a path or bytes
//! must be byte-identical too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use ndarray::{ArrayD, IxDyn};
use std::path::{Path, PathBuf};
use wb_core::LogValue;
use wb_core::internal::value::val_to_json;
use wb_core::json::{self, Dialect, Value};
use wb_core::{Artifact, DirArtifact, DirRun, Registry, RunTarget, Step};
use wb_video::{Video, VideoElement, VideoFormat, VideoOptions};

const STEP: Step = Step::Num(3);
const FAKE: &[u8] = b"\x00\x00\x00\x18ftypmp42 not a real video, just bytes";

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn read_json(p: &Path) -> Value {
    json::parse(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The script's `pattern(kind, shape)` as i64.
fn pattern(kind: &str, shape: &[usize]) -> ArrayD<i64> {
    let n: usize = shape.iter().product();
    let per: i64 = shape[shape.len() - 3..].iter().product::<usize>() as i64;
    let v: Vec<i64> = (0..n as i64)
        .map(|i| match kind {
            "ramp" => (i * 7 + i / 61) % 256,
            "wide" => (i * 37) % 1201 - 400,
            "smooth" => (i * 3 + (i / 97) * 5) % 256,
            "still" => ((i % per) * 11) % 256,
            _ => panic!("{kind}"),
        })
        .collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

fn u8s(kind: &str, shape: &[usize]) -> ArrayD<u8> {
    pattern(kind, shape).mapv(|v| v as u8)
}

fn fixture(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let d = dir.join(format!("fx{}", N.fetch_add(1, Ordering::Relaxed)));
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn gif_of<T: VideoElement>(a: &ArrayD<T>) -> Video {
    Video::from_array(a.view()).unwrap()
}

fn run_cases(tmp: &Path) -> Vec<(&'static str, &'static str, LogValue)> {
    let m = |v: Video| LogValue::media(v);
    let wide = pattern("wide", &[3, 3, 8, 8]);
    vec![
        ("gif_4d", "vid", m(gif_of(&u8s("ramp", &[5, 3, 10, 8])))),
        (
            "gif_caption_fps",
            "a/v",
            m(Video::from_array_with(
                u8s("ramp", &[4, 3, 6, 7]).view(),
                VideoOptions::default().with_fps(10.0),
            )
            .unwrap()
            .with_caption("hi")),
        ),
        ("gif_b2", "vid", m(gif_of(&u8s("ramp", &[2, 3, 3, 5, 4])))),
        ("gif_b3", "vid", m(gif_of(&u8s("ramp", &[3, 4, 3, 10, 8])))),
        ("gif_b5", "vid", m(gif_of(&u8s("ramp", &[5, 2, 3, 6, 4])))),
        ("gif_f64", "vid", m(gif_of(&wide.mapv(|v| v as f64 + 0.75)))),
        ("gif_f32", "vid", m(gif_of(&wide.mapv(|v| v as f32 * 0.5)))),
        ("gif_i64", "vid", m(gif_of(&wide))),
        ("gif_i16", "vid", m(gif_of(&wide.mapv(|v| v as i16)))),
        (
            "gif_fps3_drop",
            "vid",
            m(Video::from_array_with(
                u8s("ramp", &[6, 3, 4, 4]).view(),
                VideoOptions::default().with_fps(3.0),
            )
            .unwrap()),
        ),
        (
            "gif_still",
            "vid",
            m(Video::from_array_with(
                u8s("still", &[4, 3, 5, 5]).view(),
                VideoOptions::default().with_fps(3.0),
            )
            .unwrap()),
        ),
        (
            "gif_one_frame",
            "vid",
            m(gif_of(&u8s("ramp", &[1, 3, 20, 20]))),
        ),
        (
            "gif_two_channels",
            "vid",
            m(gif_of(&u8s("ramp", &[3, 2, 6, 6]))),
        ),
        (
            "gif_four_channels",
            "vid",
            m(gif_of(&u8s("ramp", &[3, 4, 6, 6]))),
        ),
        (
            "gif_many_colours",
            "vid",
            m(gif_of(&u8s("smooth", &[3, 3, 40, 48]))),
        ),
        (
            "path_mp4",
            "vid",
            m(Video::from_path(fixture(tmp, "clip.mp4", FAKE))
                .unwrap()
                .with_caption("file")),
        ),
        (
            "path_upper_gif",
            "vid",
            m(Video::from_path(fixture(tmp, "clip.GIF", b"GIF89a fake")).unwrap()),
        ),
        (
            "bytes_webm",
            "vid",
            m(Video::from_bytes(
                b"\x1aE\xdf\xa3 webm bytes".to_vec(),
                VideoFormat::Webm,
            )),
        ),
        (
            "list_captions",
            "vid",
            LogValue::list([
                gif_of(&u8s("ramp", &[2, 3, 4, 4])).with_caption("first"),
                Video::from_path(fixture(tmp, "clip.mp4", FAKE)).unwrap(),
            ]),
        ),
        (
            "list_no_first_caption",
            "vid",
            LogValue::list([
                gif_of(&u8s("ramp", &[2, 3, 4, 4])),
                gif_of(&u8s("ramp", &[3, 3, 4, 4])).with_caption("second"),
            ]),
        ),
    ]
}

/// A decoded GIF: canvas size, loop count, and each frame's delay and composited RGB pixels.
struct Decoded {
    size: (u16, u16),
    repeat: gif::Repeat,
    frames: Vec<(u16, Vec<u8>)>,
}

fn decode_gif(bytes: &[u8]) -> Decoded {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut d = opts.read_info(bytes).unwrap();
    let (w, h) = (d.width(), d.height());
    let mut canvas = vec![0u8; usize::from(w) * usize::from(h) * 3];
    let mut frames = Vec::new();
    while let Some(f) = d.read_next_frame().unwrap() {
        for y in 0..usize::from(f.height) {
            for x in 0..usize::from(f.width) {
                let s = (y * usize::from(f.width) + x) * 4;
                if f.buffer[s + 3] == 0 {
                    continue;
                }
                let t = ((y + usize::from(f.top)) * usize::from(w) + x + usize::from(f.left)) * 3;
                canvas[t..t + 3].copy_from_slice(&f.buffer[s..s + 3]);
            }
        }
        frames.push((f.delay, canvas.clone()));
    }
    Decoded {
        size: (w, h),
        repeat: d.repeat(),
        frames,
    }
}

/// The conformance comparison of two GIFs; returns the largest per-frame mean difference.
fn compare_gifs(ours: &[u8], sdk: &[u8], case: &str) -> f64 {
    let (a, b) = (decode_gif(ours), decode_gif(sdk));
    assert_eq!(a.size, b.size, "{case}: size");
    assert_eq!(a.repeat, b.repeat, "{case}: loop");
    assert_eq!(a.frames.len(), b.frames.len(), "{case}: frame count");
    let mut worst = 0.0f64;
    for (i, ((da, pa), (db, pb))) in a.frames.iter().zip(&b.frames).enumerate() {
        assert_eq!(da, db, "{case}: delay of frame {i}");
        let diff: u64 = pa
            .iter()
            .zip(pb)
            .map(|(x, y)| u64::from(x.abs_diff(*y)))
            .sum();
        worst = worst.max(diff as f64 / pa.len() as f64);
    }
    assert!(worst <= 8.0, "{case}: mean difference {worst}");
    worst
}

fn check_item(run: &DirRun, ours: &Value, sdk: &Value, case: &str) {
    let ours_path = ours.get("path").and_then(Value::as_str).unwrap();
    let sdk_path = sdk.get("path").and_then(Value::as_str).unwrap();
    let ours_bytes = std::fs::read(run.files_dir().join(ours_path)).unwrap();
    let sdk_bytes = std::fs::read(golden().join("run/files").join(sdk_path)).unwrap();
    if sdk.get("width").is_some() {
        // A GIF we encoded: the conformance rules would accept other bytes with the same
        // frames, but ours are the SDK's bytes exactly (so the same sha256 and file name).
        compare_gifs(&ours_bytes, &sdk_bytes, case);
    }
    assert!(
        ours_bytes == sdk_bytes,
        "{case}: {ours_path} differs from the SDK's file"
    );
    assert_eq!(
        json::to_string(ours, Dialect::Compact),
        json::to_string(sdk, Dialect::Compact),
        "{case}"
    );
}

#[test]
fn run_json_and_files_match_the_sdk() {
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path().join("files"));
    for (case, key, val) in run_cases(tmp.path()) {
        let got = val_to_json(&run, key, &val, STEP).unwrap();
        let want = read_json(&golden().join("run").join(format!("{case}.json")));
        match (got.get("videos"), want.get("videos")) {
            (Some(Value::Array(a)), Some(Value::Array(b))) => {
                assert_eq!(a.len(), b.len(), "{case}");
                for (x, y) in a.iter().zip(b) {
                    check_item(&run, x, y, case);
                }
                for k in ["_type", "count", "captions"] {
                    assert_eq!(got.get(k), want.get(k), "{case}: {k}");
                }
                assert_eq!(got.as_object().unwrap().len(), 4, "{case}");
            }
            _ => check_item(&run, &got, &want, case),
        }
    }
}

#[test]
fn artifact_json_matches_the_sdk_and_reads_back() {
    let tmp = tempfile::tempdir().unwrap();
    let mut registry = Registry::new().with_core();
    wb_video::register(&mut registry);
    let cases: Vec<(&str, Video)> = vec![
        (
            "art_gif",
            gif_of(&u8s("ramp", &[3, 3, 4, 4])).with_caption("c"),
        ),
        (
            "art_path",
            Video::from_path(fixture(tmp.path(), "clip.mp4", FAKE)).unwrap(),
        ),
    ];
    for (case, val) in cases {
        let mut art = Artifact::new("golden", "dataset");
        let entry = art.add(&val, case).unwrap();
        assert_eq!(entry, format!("{case}.video-file.json"));
        let ours =
            json::parse(std::str::from_utf8(&art.entry_bytes(&entry).unwrap()).unwrap()).unwrap();
        let sdk = read_json(&golden().join("artifact").join(&entry));
        if case == "art_gif" {
            let path = ours.get("path").and_then(Value::as_str).unwrap();
            let bytes = art.entry_bytes(path).unwrap();
            let sdk_path = sdk.get("path").and_then(Value::as_str).unwrap();
            let sdk_gif = std::fs::read(golden().join("artifact/files").join(sdk_path)).unwrap();
            compare_gifs(&bytes, &sdk_gif, case);
            assert!(*bytes == *sdk_gif, "{case}: GIF bytes differ");
        }
        assert_eq!(
            String::from_utf8(art.entry_bytes(&entry).unwrap().to_vec()).unwrap(),
            std::fs::read_to_string(golden().join("artifact").join(&entry)).unwrap(),
            "{case}"
        );
        let back = registry.decode(&ours, &art).unwrap().unwrap();
        assert!(back.wb_eq(&val), "{case}: read back differs");
        let back = back.downcast_ref::<Video>().unwrap();
        assert_eq!(back.caption(), val.caption());
        assert_eq!((back.width(), back.height()), (val.width(), val.height()));
        // The SDK's own entry reads back into the SDK's file.
        let from_sdk = registry
            .decode(&sdk, &DirArtifact::new(golden().join("artifact/files")))
            .unwrap()
            .unwrap();
        let from_sdk = from_sdk.downcast_ref::<Video>().unwrap();
        assert_eq!(
            from_sdk.file().sha256(),
            sdk.get("sha256").and_then(Value::as_str).unwrap()
        );
    }
}

#[test]
fn errors_use_the_sdks_words() {
    let errors = read_json(&golden().join("errors.json"));
    let sdk = |k: &str| errors.get(k).and_then(Value::as_str).unwrap().to_owned();
    let tmp = tempfile::tempdir().unwrap();
    let e = Video::from_array(u8s("ramp", &[3, 4, 4]).view()).unwrap_err();
    assert_eq!(format!("ValueError: {e}"), sdk("three_dims"));
    let e = Video::from_path(fixture(tmp.path(), "clip.avi", FAKE)).unwrap_err();
    assert_eq!(format!("ValueError: {e}"), sdk("bad_extension"));
    let e = "avi".parse::<VideoFormat>().unwrap_err();
    assert_eq!(format!("ValueError: {e}"), sdk("bad_format"));
    // `sdk("no_format_array")` / `sdk("no_format_bytes")`: the format of an array defaults to
    // GIF here and bytes take a `VideoFormat`; the conformance case `video_no_format_error`
    // checks the harness's text.
    // The SDK cannot write 1-channel GIFs; we write them as gray.
    assert!(sdk("one_channel_gif").contains("one color channel"));
    let gray = Video::from_array(u8s("ramp", &[2, 1, 4, 4]).view()).unwrap();
    let d = decode_gif(&gray.file().bytes().unwrap());
    let want = u8s("ramp", &[2, 1, 4, 4]);
    for (t, (_, px)) in d.frames.iter().enumerate() {
        for p in 0..16 {
            assert_eq!(px[p * 3..p * 3 + 3], [want[[t, 0, p / 4, p % 4]]; 3]);
        }
    }
    // Formats we do not encode from arrays say so.
    let a = u8s("ramp", &[2, 3, 4, 4]);
    for f in [VideoFormat::Webm, VideoFormat::Ogg] {
        assert!(Video::from_array_with(a.view(), VideoOptions::default().with_format(f)).is_err());
    }
    // mp4 from arrays: encoded in every build (pure Rust by default, OpenH264 with the `mp4`
    // feature; tests/mp4.rs decodes both).
    let mp4 = Video::from_array_with(
        a.view(),
        VideoOptions::default().with_format(VideoFormat::Mp4),
    );
    assert!(mp4.is_ok(), "{mp4:?}");
    assert!(Video::from_array_with(a.view(), VideoOptions::default().with_fps(0.0)).is_err());
    assert!(Video::from_array(u8s("ramp", &[0, 3, 4, 4]).view()).is_err());
}
