//! NaN and ±infinity everywhere, in every constructor that takes numbers. Each either builds a
//! value that binds, serializes (run and artifact JSON) and reads back, or fails with the SDK's
//! error, exactly where wandb 0.31.0 fails; where the SDK writes a file, ours has the same
//! bytes (hashes at the bottom, from the script there).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ndarray::{Array, Array2, IxDyn};
use wb_types::audio::Audio;
use wb_types::core::json::{self, Dialect, Value};
use wb_types::image::{BoundingBoxes2D, Box2D, Image, ImageMask};
use wb_types::object3d::{Object3D, Vector3D, box3d, triple};
use wb_types::table::{Cell, Table};
use wb_types::video::Video;
use wb_types::{Artifact, DirRun, Histogram, Plotly, Step, WbValue};

const SPECIALS: [(&str, f64); 3] = [
    ("nan", f64::NAN),
    ("inf", f64::INFINITY),
    ("-inf", f64::NEG_INFINITY),
];

/// Binds `v` to a fresh run, writes its run JSON and artifact JSON, checks both parse back
/// (wandb's JSON allows NaN and Infinity), and reads the artifact form back with the registry.
fn exercise(v: &dyn WbValue, key: &str) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path().join("files"));
    v.bind_to_run(&run, key, Step::Num(0)).unwrap();
    let run_json = v.to_run_json(&run).unwrap();
    for d in [Dialect::Compact, Dialect::Python, Dialect::Go] {
        let text = json::to_string(&run_json, d);
        json::parse(&text)
            .unwrap_or_else(|e| panic!("{key}: {d:?} JSON does not parse: {e}\n{text}"));
    }
    let mut art = Artifact::new("nf", "dataset");
    if v.artifact_addable() {
        let entry = art.add(v, key).unwrap();
        let text = art.entry_bytes(&entry).unwrap();
        let parsed = json::parse(std::str::from_utf8(&text).unwrap()).unwrap();
        let back = wb_types::registry().decode(&parsed, &art).unwrap();
        assert!(
            back.is_some(),
            "{key}: the registry does not read its own entry back"
        );
    }
    run_json
}

fn sha(v: &Value) -> &str {
    v.get("sha256").and_then(Value::as_str).unwrap()
}

#[test]
fn histogram_of_non_finite_samples_fails_as_numpy_does() {
    for (name, x) in SPECIALS {
        let err = Histogram::from_sequence(&[x; 10]).unwrap_err();
        let lo = if name == "-inf" { "-inf" } else { name };
        assert_eq!(
            err.to_string(),
            format!("autodetected range of [{lo}, {lo}] is not finite"),
        );
        let err = Histogram::from_sequence(&[1.0, 2.0, x]).unwrap_err();
        assert!(err.to_string().contains("is not finite"), "{err}");
        let err = Histogram::from_sequence(&[x as f32, 1.0]).unwrap_err();
        assert!(err.to_string().contains("is not finite"), "{err}");
        // Given counts and edges are taken as they are (the SDK does not check them).
        let h = Histogram::from_np_histogram(vec![x, 1.0], vec![0.0, x, 2.0]).unwrap();
        let j = exercise(&h, "h");
        let want = format!(
            "{{\"_type\":\"histogram\",\"values\":[{0},1.0],\"bins\":[0.0,{0},2.0]}}",
            match name {
                "nan" => "NaN",
                "inf" => "Infinity",
                _ => "-Infinity",
            }
        );
        assert_eq!(json::to_string(&j, Dialect::Compact), want);
    }
}

#[test]
fn images_of_non_finite_floats_cast_as_numpy_does() {
    for (name, x) in SPECIALS {
        // The SDK casts every non-finite float32 to 0 (a black "L" image); so do we. (Our PNG
        // of it differs from Pillow's in its bytes: see docs/reliability.md, "open".)
        let gray = Array2::<f32>::from_elem((4, 4), x as f32);
        let img = Image::from_array(gray.view()).unwrap();
        let px = img.to_pixels().unwrap();
        assert_eq!(px.mode().as_str(), "L");
        assert!(px.data().iter().all(|b| *b == 0), "{name}: {:?}", px.data());
        exercise(&img, "g");
        let _ = golden("image_f32_gray", name);
        // The SDK gives a black RGB image too. Its PNG bytes are Pillow's deflate, which we do
        // not reproduce (docs/conformance.md compares PNGs by decoded pixels), so compare the pixels.
        let rgb = Array::<f64, _>::from_elem((4, 4, 3), x);
        let img = Image::from_array(rgb.view()).unwrap();
        let px = img.to_pixels().unwrap();
        assert_eq!(px.mode().as_str(), "RGB");
        assert!(px.data().iter().all(|b| *b == 0), "{name}: {:?}", px.data());
        let json = exercise(&img, "c");
        assert_eq!(sha(&json).len(), 64);
        let _ = golden("image_f64_rgb", name);
    }
}

#[test]
fn masks_of_non_finite_values_are_refused_with_the_sdk_message() {
    for (_, x) in SPECIALS {
        let m = Array2::<f64>::from_elem((4, 4), x);
        let err = ImageMask::from_array(m.view()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Mask data must be integers between 0 and 255"
        );
    }
}

#[test]
fn boxes_with_non_finite_coordinates_and_scores_are_kept() {
    for (_, x) in SPECIALS {
        let b = Box2D::from_min_max(x, 1.0, 0.0, x)
            .with_class_id(1)
            .with_score("s", x);
        let boxes = BoundingBoxes2D::from_boxes([b]).unwrap();
        let pixels = Array2::<u8>::zeros((4, 4));
        let img = Image::from_array(pixels.view())
            .unwrap()
            .with_boxes("b", boxes);
        let j = exercise(&img, "boxed");
        assert!(j.get("boxes").is_some(), "{j:?}");
    }
}

#[test]
fn audio_of_non_finite_samples_matches_libsndfile() {
    for (name, x) in SPECIALS {
        let a = Audio::from_samples(&[x; 100], 16_000).unwrap();
        assert_eq!(sha(&exercise(&a, "a")), golden("audio", name));
        let a = Audio::from_samples(&[x as f32; 100], 16_000).unwrap();
        assert_eq!(sha(&exercise(&a, "a32")), golden("audio", name));
    }
}

#[test]
fn videos_of_non_finite_floats_cast_as_numpy_does() {
    for (name, x) in SPECIALS {
        let v = Array::<f64, _>::from_elem(IxDyn(&[2, 3, 4, 4]), x);
        let video = Video::from_array(v.view()).unwrap();
        assert_eq!(sha(&exercise(&video, "v")), golden("video", name));
    }
}

#[test]
fn point_clouds_write_non_finite_coordinates_as_the_sdk_does() {
    for (name, x) in SPECIALS {
        let pts = Array2::<f64>::from_elem((2, 3), x);
        let o = Object3D::from_array(pts.view()).unwrap();
        assert_eq!(sha(&exercise(&o, "o")), golden("object3d", name));
        let b = box3d(
            [x, 0.0, 0.0],
            [1.0, 1.0, 1.0],
            [1.0, 0.0, 0.0, 0.0],
            triple(1, 2, 3),
        )
        .unwrap()
        .with_label("l")
        .with_score(x);
        let b2 = box3d([0.0; 3], [x, 1.0, 1.0], [x, 0.0, 0.0, 0.0], triple(1, 2, 3)).unwrap();
        let vectors = [Vector3D::new(triple(x, 0.0, 0.0), triple(1, 1, 1))];
        let o = Object3D::from_point_cloud(pts.view(), &[b, b2], &vectors).unwrap();
        exercise(&o, "scene");
    }
}

#[test]
fn tables_keep_non_finite_cells() {
    for (_, x) in SPECIALS {
        let t = Table::from_rows(
            ["a", "b"],
            vec![
                vec![Cell::from(x), Cell::from(1.0)],
                vec![Cell::from(2.0), Cell::from(x)],
            ],
        )
        .unwrap();
        exercise(&t, "t");
    }
}

#[test]
fn plotly_figures_and_scalars_keep_non_finite_numbers() {
    for (_, x) in SPECIALS {
        let fig = json::parse(&format!(
            "{{\"data\": [{{\"type\": \"scatter\", \"x\": [1, {0}], \"y\": [{0}, 2]}}], \"layout\": {{}}}}",
            json::to_string(&Value::Float(x), Dialect::Python)
        ))
        .unwrap();
        let p = Plotly::from_figure(&fig).unwrap();
        exercise(&p, "p");
    }
    // In a run: NaN and infinities as history values and in the summary.
    let tmp = tempfile::tempdir().unwrap();
    let run = wb_types::run::Run::builder()
        .with_dir(tmp.path())
        .with_project("nf")
        .with_mode(wb_types::run::Mode::Offline)
        .build()
        .unwrap();
    for (_, x) in SPECIALS {
        run.log(
            wb_types::run::Row::new()
                .with("x", x)
                .with("y", vec![x, 1.0]),
        )
        .unwrap();
    }
    run.finish(0).unwrap();
    let log = wb_types::run::RunLog::read(run.dir()).unwrap();
    let xs: Vec<String> = log
        .history()
        .unwrap()
        .iter()
        .map(|r| json::to_string(r.values.get("x").unwrap(), Dialect::Python))
        .collect();
    assert_eq!(xs, ["NaN", "Infinity", "-Infinity"]);
}

/// The SDK's file hashes for the same inputs, from this script (wandb 0.31.0, numpy 2):
///
/// ```python
/// import numpy as np, wandb, json, tempfile
/// run = wandb.init(project="nf", dir=tempfile.mkdtemp(), mode="offline")
/// out = {}
/// for name, x in [("nan", float("nan")), ("inf", float("inf")), ("-inf", -float("inf"))]:
///     vals = {"image_f32_gray": wandb.Image(np.full((4, 4), x, dtype=np.float32)),
///             "image_f64_rgb": wandb.Image(np.full((4, 4, 3), x)),
///             "audio": wandb.Audio(np.full(100, x), sample_rate=16000),
///             "video": wandb.Video(np.full((2, 3, 4, 4), x), format="gif"),
///             "object3d": wandb.Object3D(np.full((2, 3), x))}
///     for k, v in vals.items():
///         v.bind_to_run(run, k, 0)
///         out[f"{k}/{name}"] = v.to_json(run)["sha256"]
/// print(json.dumps(out, indent=1, sort_keys=True))
/// ```
fn golden(what: &str, special: &str) -> &'static str {
    match (what, special) {
        ("audio", "nan" | "-inf") => {
            "bcd8b4b5015e4aca9a736ba02a08b04ded9b3da6f14bb3176c5bb1ccb671f134"
        }
        ("audio", "inf") => "8cc1f9f25c301d1635390994ec645cb75d6774ac649eabed8f818483c647e95d",
        ("image_f32_gray", _) => "86686d9eb005257d237bb3b85b31348df465768c082b5d210d22bf99ab7e5bfb",
        ("image_f64_rgb", _) => "d6325bd24a66141e9be518d303852fab10d39cbbf9ed21765cd7e771d51fc5c3",
        ("object3d", "nan") => "400101084b9d0c8e9d6ba6020d4ffd55d6381f6112e03787c394a46ddf0e7aec",
        ("object3d", "inf") => "569057400d8a829cdf0e2d1f9f9941c27d2e923a3a408a41e1581e9b4674ce09",
        ("object3d", "-inf") => "14a72127dea61613b30bb37300f414b341859111285b120f857025977ea0cca4",
        ("video", _) => "3c99784101aedfee5696250b6385d26534081d89f110a87dc2da27e336b0c6a5",
        _ => panic!("no golden for {what}/{special}"),
    }
}
