//! Golden tests against wandb 0.31.0: `tests/golden/*.json` were written by the SDK with
//! `tests/golden/make_golden.py` (see its docstring for the command). Sidecar JSON files, class
//! files, config singletons and all JSON must be identical; PNGs must decode to the SDK's
//! pixels, size and mode (their deflate streams differ, so do their hashes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use wb_core::json::{self, Map, Value};
use wb_core::ndarray::{Array, ArrayD, IxDyn};
use wb_core::{Artifact, DirRun, LogValue, Step, WbValue};
use wb_image::{BoundingBoxes2D, ClassLabels, Image, ImageMask};

/// `v[key]` for JSON objects (a missing key is a test failure).
trait At {
    fn at(&self, key: &str) -> &Value;
}

impl At for Value {
    fn at(&self, key: &str) -> &Value {
        self.get(key)
            .unwrap_or_else(|| panic!("no key {key:?} in {self:?}"))
    }
}

impl At for Map {
    fn at(&self, key: &str) -> &Value {
        self.get(key).unwrap_or_else(|| panic!("no key {key:?}"))
    }
}

fn golden(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{name}.json"));
    json::parse(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn ramp(shape: &[usize], mul: usize) -> ArrayD<u8> {
    let n: usize = shape.iter().product();
    Array::from_shape_vec(
        IxDyn(shape),
        (0..n).map(|i| (i * mul % 256) as u8).collect(),
    )
    .unwrap()
}

fn boxes() -> Vec<Value> {
    let v = json::parse(
        r#"[{"position":{"minX":0.1,"maxX":0.2,"minY":0.3,"maxY":0.4},"class_id":1,"box_caption":"car","scores":{"acc":0.2,"loss":1.2}},
            {"position":{"middle":[3,2],"width":2,"height":1},"domain":"pixel","class_id":3,"box_caption":"bldg","scores":{"acc":0.5}}]"#,
    )
    .unwrap();
    v.as_array().unwrap().to_vec()
}

fn box_val(items: Vec<Value>, labels: Option<&ClassLabels>) -> Value {
    let mut m = Map::new();
    m.insert("box_data".into(), Value::Array(items));
    if let Some(l) = labels {
        m.insert("class_labels".into(), l.to_json());
    }
    Value::Object(m)
}

fn mask_data() -> ArrayD<u8> {
    Array::from_shape_vec(IxDyn(&[3, 4]), vec![0, 1, 1, 3, 3, 3, 0, 1, 1, 1, 1, 1]).unwrap()
}

/// Pixels of a PNG as the golden files record them.
fn decoded(path: &Path) -> Value {
    let p = Image::from_path(path).unwrap().to_pixels().unwrap();
    Value::Object(wb_core::json_map! {
        "mode" => p.mode().as_str(),
        "width" => p.width(),
        "height" => p.height(),
        "data" => Value::Array(p.data().iter().map(|b| Value::from(*b)).collect()),
    })
}

/// Compares a run JSON value with the SDK's: equal (PNG files are byte-identical to Pillow's,
/// so their `sha256`, `size` and names too); each file's id is its own bytes' SHA-256;
/// sidecars byte-identical; PNG pixels identical.
fn check_run_json(ours: &Value, theirs: &Value, golden_media: &Map, files: &Path) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            assert_eq!(
                a.keys().collect::<Vec<_>>(),
                b.keys().collect::<Vec<_>>(),
                "key order"
            );
            for (k, va) in a {
                let vb = b.at(k);
                check_run_json(va, vb, golden_media, files);
            }
            if let (Some(pa), Some(pb)) = (
                a.get("path").and_then(Value::as_str),
                b.get("path").and_then(Value::as_str),
            ) {
                let bytes = std::fs::read(files.join(pa)).unwrap();
                let sha = wb_core::internal::hash::sha256_hex(&bytes);
                assert_eq!(a.at("sha256").as_str(), Some(sha.as_str()));
                assert_eq!(a.at("size").as_i64(), Some(bytes.len() as i64));
                assert_eq!(pa, pb);
                assert_eq!(&pa[pa.len() - 20 - ext_len(pa)..][..20], &sha[..20]);
                match golden_media.at(pb) {
                    Value::Str(text) => assert_eq!(std::str::from_utf8(&bytes).unwrap(), text),
                    pixels => assert_eq!(&decoded(&files.join(pa)), pixels, "{pa}"),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(b) {
                check_run_json(x, y, golden_media, files);
            }
        }
        (a, b) => assert_eq!(a, b),
    }
}

fn ext_len(p: &str) -> usize {
    [".mask.png", ".boxes2D.json", ".png"]
        .iter()
        .find(|e| p.ends_with(*e))
        .map_or(0, |e| e.len())
}

/// The SDK's singletons (accumulated over the golden run) for one log key equal ours.
fn check_singletons(ours: &Map, golden: &Value, key: &str) {
    let prefix = format!("{key}_wandb_delimeter_");
    let mut theirs = Map::new();
    for (section, entries) in golden.as_object().unwrap() {
        let mine: Map = entries
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !mine.is_empty() {
            theirs.insert(section.clone(), Value::Object(mine));
        }
    }
    assert_eq!(Value::Object(ours.clone()), Value::Object(theirs));
}

fn log(value: LogValue, key: &str, step: i64) -> (tempfile::TempDir, DirRun, Value) {
    let dir = tempfile::tempdir().unwrap();
    let run = DirRun::new(dir.path());
    let j = wb_core::internal::value::val_to_json(&run, key, &value, Step::Num(step)).unwrap();
    (dir, run, j)
}

#[test]
fn boxes_and_masks_on_one_image() {
    let g = golden("boxes_masks");
    let labels = ClassLabels::from([(1, "car"), (3, "building")]);
    let mut truth = boxes()[0].clone();
    truth
        .as_object_mut()
        .unwrap()
        .insert("class_id".into(), 7.into());
    let img = Image::from_array(ramp(&[3, 4, 3], 7).view())
        .unwrap()
        .with_caption("both")
        .with_boxes(
            "predictions",
            BoundingBoxes2D::new(box_val(boxes(), Some(&labels))).unwrap(),
        )
        .with_boxes(
            "truth",
            BoundingBoxes2D::new(box_val(vec![truth], None)).unwrap(),
        )
        .with_mask("seg", ImageMask::from_array(mask_data().view()).unwrap());
    let (dir, run, j) = log(LogValue::media(img), "scene", 2);
    check_run_json(
        &j,
        g.at("json"),
        g.at("media").as_object().unwrap(),
        dir.path(),
    );
    check_singletons(&run.config_singletons(), g.at("singletons"), "scene");
}

#[test]
fn a_list_with_captions_and_boxes() {
    let g = golden("list");
    let a = Image::from_array(ramp(&[2, 3, 3], 7).view())
        .unwrap()
        .with_caption("a")
        .with_boxes(
            "p",
            BoundingBoxes2D::new(box_val(vec![boxes()[0].clone()], None)).unwrap(),
        );
    let b = Image::from_array(ramp(&[2, 3, 3], 3).view()).unwrap();
    let (dir, run, j) = log(LogValue::list([a, b]), "batch", 4);
    check_run_json(
        &j,
        g.at("json"),
        g.at("media").as_object().unwrap(),
        dir.path(),
    );
    check_singletons(&run.config_singletons(), g.at("singletons"), "batch");
}

#[test]
fn every_dtype_casts_to_the_sdks_pixels() {
    let g = golden("cast");
    for (name, case) in g.as_object().unwrap() {
        let shape: Vec<usize> = case
            .at("shape")
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_i64().unwrap() as usize)
            .collect();
        let input = case.at("input").as_array().unwrap();
        let f: Vec<f64> = input
            .iter()
            .map(|v| {
                v.as_f64()
                    .unwrap_or(f64::from(u8::from(v.as_bool() == Some(true))))
            })
            .collect();
        let sh = IxDyn(&shape);
        let img = match case.at("dtype").as_str().unwrap() {
            "int32" => {
                let a = Array::from_shape_vec(sh, f.iter().map(|x| *x as i32).collect()).unwrap();
                Image::from_array(a.view())
            }
            "float32" => {
                let a = Array::from_shape_vec(sh, f.iter().map(|x| *x as f32).collect()).unwrap();
                Image::from_array(a.view())
            }
            "float64" => {
                let a = Array::from_shape_vec(sh, f.clone()).unwrap();
                Image::from_array(a.view())
            }
            "bool" => {
                let a = Array::from_shape_vec(sh, f.iter().map(|x| *x != 0.0).collect()).unwrap();
                Image::from_array(a.view())
            }
            "uint8" => {
                let a = Array::from_shape_vec(sh, f.iter().map(|x| *x as u8).collect()).unwrap();
                Image::from_array(a.view())
            }
            other => panic!("dtype {other}"),
        }
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.png");
        std::fs::write(&p, img.file().bytes().unwrap()).unwrap();
        assert_eq!(decoded(&p), *case.at("pixels"), "{name}");
        assert_eq!(Value::from(img.width()), *case.at("width"), "{name}");
        assert_eq!(Value::from(img.height()), *case.at("height"), "{name}");
    }
}

#[test]
fn artifact_entries_classes_file_and_column_type() {
    let g = golden("artifact");
    let img = Image::from_array(ramp(&[3, 4, 3], 7).view())
        .unwrap()
        .with_caption("c")
        .with_boxes(
            "pred",
            BoundingBoxes2D::new(box_val(
                boxes(),
                Some(&ClassLabels::from([(1, "car"), (3, "building")])),
            ))
            .unwrap(),
        )
        .with_mask(
            "m",
            ImageMask::from_array(mask_data().view())
                .map(|m| {
                    m.with_class_labels(ClassLabels::from([(0, "bg"), (1, "car"), (3, "building")]))
                })
                .unwrap(),
        )
        .with_classes(ClassLabels::from([(0, "bg"), (2, "bike")]));
    let mut art = Artifact::new("golden", "dataset");
    let entry = art.add(&img, "sample").unwrap();
    assert_eq!(entry, "sample.image-file.json");
    let ours =
        json::parse(std::str::from_utf8(&art.entry_bytes(&entry).unwrap()).unwrap()).unwrap();
    let theirs = &g.at("json").at("sample.image-file.json");
    // PNG files are byte-identical to Pillow's, so their digests and entry names too.
    assert_eq!(&ours, *theirs);

    // The classes file: same name, same bytes (hence digest).
    let classes = theirs.at("classes").at("path").as_str().unwrap();
    assert!(art.entries.contains_key(classes), "{classes}");
    assert_eq!(
        art.entries[classes].digest,
        g.at("digests").at(classes).as_str().unwrap()
    );
    assert_eq!(
        ours.at("classes").at("digest").as_str(),
        g.at("digests").at(classes).as_str()
    );
    // Entry names: the SDK's, PNG ids included. Its artifact also holds the table's second
    // image, which this artifact does not have (the table names it by its own rule).
    let mut ours_names: Vec<String> = art.entries.keys().cloned().collect();
    let mut theirs_names: Vec<String> = g
        .at("entries")
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .filter(|n| n != "tab.table.json")
        .collect();
    ours_names.sort();
    theirs_names.sort();
    theirs_names.dedup();
    let extra: Vec<&String> = theirs_names
        .iter()
        .filter(|n| !ours_names.contains(n))
        .collect();
    assert_eq!(extra.len(), 1, "{ours_names:?} vs {theirs_names:?}");
    assert!(extra[0].starts_with("media/images/") && extra[0].ends_with(".png"));
    assert!(ours_names.iter().all(|n| theirs_names.contains(n)));

    // Column type: the SDK's image column of a table holding this image.
    let col = &g
        .at("json")
        .at("tab.table.json")
        .at("column_types")
        .at("params")
        .at("type_map")
        .at("image")
        .at("params")
        .at("allowed_types")
        .as_array()
        .unwrap()[0];
    // Python writes the score keys in its (random) set order of strings; we sort them.
    let mut col = col.clone();
    let keys = col.as_object_mut().unwrap()["params"]
        .as_object_mut()
        .unwrap()["box_score_keys"]
        .as_object_mut()
        .unwrap()["params"]
        .as_object_mut()
        .unwrap();
    if let Some(Value::Array(v)) = keys.get_mut("val") {
        v.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    assert_eq!(img.column_type().unwrap(), col);

    // And it reads back into an equal image.
    let back = Image::from_json(&ours, &art).unwrap();
    assert!(back.wb_eq(&img));
    assert_eq!(
        back.boxes()["pred"].box_data(),
        img.boxes()["pred"].box_data()
    );
}
