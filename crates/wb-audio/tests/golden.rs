//! wb-audio against golden outputs of wandb 0.31.0 (made by `tests/golden/make_golden.py`, which
//! logs the same samples through the SDK's own `val_to_json` and `Artifact.add`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use ndarray::{Array1, Array2, Array3};
use std::path::{Path, PathBuf};
use wb_audio::Audio;
use wb_core::LogValue;
use wb_core::internal::value::val_to_json;
use wb_core::json::{self, Dialect, Value};
use wb_core::{Artifact, DirArtifact, DirRun, Registry, RunTarget, Step};

const STEP: Step = Step::Num(3);
const FAKE_MP3: &[u8] = b"ID3\x03\x00\x00\x00\x00\x00\x0fnot really an mp3, just bytes";

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn read_json(p: &Path) -> Value {
    json::parse(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn compact(v: &Value) -> String {
    json::to_string(v, Dialect::Compact)
}

/// The script's `ramp(n, lo, hi)`, computed with the same float64 operations.
fn ramp(n: usize, lo: f64, hi: f64) -> Vec<f64> {
    (0..n as i64)
        .map(|i| {
            let u = (((i * 37) % 2001) - 1000) as f64 / 1000.0;
            u * ((hi - lo) / 2.0) + (hi + lo) / 2.0
        })
        .collect()
}

fn edges() -> Vec<f64> {
    let k: Vec<f64> = (-40..40).map(f64::from).collect();
    let mut base = Vec::new();
    for off in [0.0, 0.5, 0.25, 0.75] {
        base.extend(k.iter().map(|k| k + off));
    }
    base.extend(k.iter().map(|k| 32766.0 + k / 8.0));
    base.extend(k.iter().map(|k| -32767.0 + k / 8.0));
    let mut v: Vec<f64> = base.iter().map(|x| x / 32768.0).collect();
    v.extend([1.0, -1.0, 1.5, -2.0, 0.99999, -0.99999, 1e30, -1e30]);
    v
}

fn fake_mp3(dir: &Path) -> PathBuf {
    let d = dir.join(format!("mp3-{}", rand_suffix()));
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join("clip.mp3");
    std::fs::write(&p, FAKE_MP3).unwrap();
    p
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn f32s(v: &[f64]) -> Vec<f32> {
    v.iter().map(|x| *x as f32).collect()
}

fn run_cases(tmp: &Path) -> Vec<(&'static str, &'static str, LogValue)> {
    let m = |a: Audio| LogValue::media(a);
    let i16s: Vec<i16> = (-32768i32..32768).step_by(97).map(|x| x as i16).collect();
    let i32s: Vec<i32> = (-(1i64 << 31)..((1i64 << 31) - (1 << 24)))
        .step_by((1 << 24) + 12345)
        .map(|x| x as i32)
        .collect();
    let six: Vec<i16> = (0..60).map(|i| (i * 1000 - 30000) as i16).collect();
    vec![
        (
            "mono_f64",
            "aud",
            m(Audio::from_samples(&ramp(1000, -1.5, 1.5), 8000).unwrap()),
        ),
        (
            "mono_f32",
            "aud",
            m(Audio::from_samples(&f32s(&ramp(999, -0.9, 0.7)), 22050).unwrap()),
        ),
        (
            "mono_i16",
            "aud",
            m(Audio::from_array(Array1::from(i16s).view(), 16000).unwrap()),
        ),
        (
            "mono_i32",
            "aud",
            m(Audio::from_samples(&i32s, 44100).unwrap()),
        ),
        (
            "stereo_f64",
            "aud",
            m(Audio::from_array(
                Array2::from_shape_vec((600, 2), ramp(1200, -1.0, 1.0))
                    .unwrap()
                    .view(),
                48000,
            )
            .unwrap()
            .with_caption("stereo")),
        ),
        (
            "six_ch_i16",
            "aud",
            m(Audio::from_interleaved(&six, 6, 8000).unwrap()),
        ),
        (
            "edges_f64",
            "aud",
            m(Audio::from_samples(&edges(), 8000).unwrap()),
        ),
        (
            "edges_f32",
            "aud",
            m(Audio::from_samples(&f32s(&edges()), 8000).unwrap()),
        ),
        (
            "empty",
            "aud",
            m(Audio::from_samples::<i16>(&[], 8000).unwrap()),
        ),
        (
            "caption",
            "a/b",
            m(Audio::from_samples(&ramp(100, -0.5, 0.5), 1000)
                .unwrap()
                .with_caption("h\u{e9}llo")),
        ),
        (
            "path_mp3",
            "aud",
            m(Audio::from_path(fake_mp3(tmp)).unwrap()),
        ),
        (
            "list_mixed",
            "aud",
            LogValue::list([
                Audio::from_samples(&ramp(800, -1.0, 1.0), 8000)
                    .unwrap()
                    .with_caption("x"),
                Audio::from_samples(&ramp(400, -0.5, 0.5), 16000).unwrap(),
                Audio::from_path(fake_mp3(tmp)).unwrap(),
            ]),
        ),
        (
            "list_no_captions",
            "aud",
            LogValue::list([
                Audio::from_samples(&ramp(800, -1.0, 1.0), 8000).unwrap(),
                Audio::from_samples(&ramp(300, -0.25, 0.5), 3000).unwrap(),
            ]),
        ),
    ]
}

#[test]
fn run_json_and_files_match_the_sdk() {
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path().join("files"));
    let mut checked_files = 0;
    for (case, key, val) in run_cases(tmp.path()) {
        let got = val_to_json(&run, key, &val, STEP).unwrap();
        let want = read_json(&golden().join("run").join(format!("{case}.json")));
        assert_eq!(compact(&got), compact(&want), "{case}");
        let items = match want.get("audio") {
            Some(Value::Array(items)) => items.clone(),
            _ => vec![want.clone()],
        };
        for item in items {
            let rel = item.get("path").and_then(Value::as_str).unwrap();
            let ours = std::fs::read(run.files_dir().join(rel)).unwrap();
            let sdk = std::fs::read(golden().join("run/files").join(rel)).unwrap();
            assert!(ours == sdk, "{case}: {rel} differs from the SDK's file");
            checked_files += 1;
        }
    }
    assert_eq!(checked_files, 16);
}

#[test]
fn wav_decodes_with_hound() {
    let stereo = Array2::from_shape_vec((600, 2), ramp(1200, -1.0, 1.0)).unwrap();
    let a = Audio::from_array(stereo.view(), 48000).unwrap();
    let bytes = a.file().bytes().unwrap();
    let mut r = hound::WavReader::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let spec = r.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (2, 48000, 16)
    );
    let samples: Vec<i16> = r.samples::<i16>().map(Result::unwrap).collect();
    assert_eq!(samples.len(), 1200);
    // Interleaved in (frame, channel) order; x * 32768 rounded down.
    assert_eq!(
        samples[1],
        (ramp(1200, -1.0, 1.0)[1] * 32768.0).floor() as i16
    );
    assert_eq!(a.duration(), Some(600.0 / 48000.0));
}

#[test]
fn non_contiguous_views_are_read_in_logical_order() {
    let t = Array2::from_shape_vec((2, 600), ramp(1200, -1.0, 1.0)).unwrap();
    let transposed = t.t(); // shape (600, 2), column-major in memory
    let owned = transposed.to_owned();
    let a = Audio::from_array(transposed, 8000).unwrap();
    let b = Audio::from_array(owned.view(), 8000).unwrap();
    assert_eq!(a.file().sha256(), b.file().sha256());
}

#[test]
fn artifact_json_matches_the_sdk_and_reads_back() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Audio)> = vec![
        (
            "art_caption",
            Audio::from_samples(&ramp(100, -0.5, 0.5), 1000)
                .unwrap()
                .with_caption("c"),
        ),
        (
            "art_plain",
            Audio::from_samples(&ramp(800, -1.0, 1.0), 8000).unwrap(),
        ),
        ("art_path", Audio::from_path(fake_mp3(tmp.path())).unwrap()),
    ];
    let mut registry = Registry::new().with_core();
    wb_audio::register(&mut registry);
    for (case, val) in cases {
        let mut art = Artifact::new("golden", "dataset");
        let entry = art.add(&val, case).unwrap();
        assert_eq!(entry, format!("{case}.audio-file.json"));
        let want = std::fs::read(golden().join("artifact").join(&entry)).unwrap();
        assert_eq!(
            String::from_utf8(art.entry_bytes(&entry).unwrap().to_vec()).unwrap(),
            String::from_utf8(want).unwrap(),
            "{case}"
        );
        // Our entries read back into an equal value.
        let js =
            json::parse(std::str::from_utf8(&art.entry_bytes(&entry).unwrap()).unwrap()).unwrap();
        let back = registry.decode(&js, &art).unwrap().unwrap();
        assert!(back.wb_eq(&val), "{case}: read back differs");
        // The SDK's entries (its files in golden/artifact/files) read back too, including the
        // caption-less ones the SDK itself cannot read (KeyError: 'caption').
        let sdk_dir = DirArtifact::new(golden().join("artifact/files"));
        let sdk_js = read_json(&golden().join("artifact").join(&entry));
        let from_sdk = registry.decode(&sdk_js, &sdk_dir).unwrap().unwrap();
        assert!(from_sdk.wb_eq(&val), "{case}: SDK entry read back differs");
    }
    let errors = read_json(&golden().join("errors.json"));
    assert_eq!(
        errors.get("from_json_no_caption").and_then(Value::as_str),
        Some("KeyError: 'caption'")
    );
}

#[test]
fn errors_use_the_sdks_words() {
    let errors = read_json(&golden().join("errors.json"));
    let sdk = |k: &str| errors.get(k).and_then(Value::as_str).unwrap().to_owned();
    // `sdk("no_sample_rate")` (raw data without a rate) cannot happen here: the rate is a
    // required parameter. The conformance case `audio_missing_sample_rate` checks the text.
    let e = Audio::from_array(Array3::<i16>::zeros((3, 2, 2)).view(), 8000).unwrap_err();
    assert!(
        format!("ValueError: {e}").starts_with(&sdk("three_dims")),
        "{e}"
    );
    assert!(Audio::from_samples(&[0i16], 0).is_err());
    assert!(Audio::from_interleaved(&[0i16; 3], 2, 8000).is_err());
    assert!(Audio::from_array(Array2::<i16>::zeros((3, 0)).view(), 8000).is_err());
    assert!(Audio::from_path("/nonexistent/clip.wav").is_err());
    assert!(Audio::from_path("s3://bucket/clip.wav").is_err());
}
