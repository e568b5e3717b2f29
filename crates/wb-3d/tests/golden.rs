//! wb-3d against golden outputs of wandb 0.31.0 (made by `tests/golden/make_golden.py`, which
//! logs the same values through the SDK's own `val_to_json` and `Artifact.add`, on the fixture
//! files of `tests/fixtures/make_fixtures.py`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use ndarray::{Array, Array2, ArrayD, IxDyn, array};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wb_3d::{
    Box3D, Molecule, MoleculeFormat, Object3D, Object3DFormat, PointScalar, Vector3D, box3d, triple,
};
use wb_core::LogValue;
use wb_core::internal::value::val_to_json;
use wb_core::json::{self, Dialect, Value};
use wb_core::{Artifact, DirArtifact, DirRun, Registry, Step, WbValue};

const STEP: Step = Step::Num(3);

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn fx(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read_json(p: &Path) -> Value {
    json::parse(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Key order matters in run JSON: compare the compact serializations.
fn compact(v: &Value) -> String {
    json::to_string(v, Dialect::Compact)
}

fn boxes() -> Vec<Box3D> {
    vec![
        box3d(
            [0.0, 0.0, 0.0],
            [1.0, 2.0, 3.0],
            [1.0, 0.0, 0.0, 0.0],
            triple(255, 0, 0),
        )
        .unwrap()
        .with_label("car")
        .with_score(0.9),
        box3d(
            [1.5, -2.0, 0.25],
            [0.5, 0.5, 2.0],
            [0.9238795325112867, 0.0, 0.0, 0.3826834323650898],
            triple(0.5, 0.25, 1.0),
        )
        .unwrap(),
    ]
}

fn scene() -> Object3D {
    Object3D::from_point_cloud(
        array![[0.0, 0.0, 0.0], [1.0, 2.0, 3.5], [-1e-7, 2e16, -0.0]].view(),
        &boxes(),
        &[
            Vector3D::new(triple(0, 0, 0), triple(1, 1, 1)),
            Vector3D::new(triple(0.5, 0, 0), triple(0, 0.5, 2.0)),
        ],
    )
    .unwrap()
}

fn obj(p: &str) -> Object3D {
    Object3D::from_path(fx(p)).unwrap()
}

fn mol(p: &str) -> Molecule {
    Molecule::from_path(fx(p)).unwrap()
}

fn media(v: impl WbValue) -> LogValue {
    LogValue::media(v)
}

fn run_cases() -> Vec<(&'static str, &'static str, LogValue)> {
    let np = |a: Array2<f64>| media(Object3D::from_array(a.view()).unwrap());
    vec![
        (
            "pc_f64",
            "pc",
            np(array![[0.0, -0.0, 1e-7], [2e16, 1e-5, 0.1]]),
        ),
        (
            "pc_int_nx4",
            "pc",
            media(Object3D::from_array(array![[1i64, 2, 3, 1], [4, 5, 6, 14]].view()).unwrap()),
        ),
        (
            "pc_rgb_nx6",
            "pc",
            media(
                Object3D::from_array(array![[0.5, 1.0, 2.0, 255.0, 0.0, 0.0]].view())
                    .unwrap()
                    .with_caption("rgb"),
            ),
        ),
        (
            "pc_f32_from_numpy",
            "pc",
            media(Object3D::from_array(array![[0.1f32, 0.2, 0.3]].view()).unwrap()),
        ),
        (
            "pc_uint8",
            "pc",
            media(Object3D::from_array(array![[0u8, 128, 255]].view()).unwrap()),
        ),
        ("pc_empty", "pc", np(Array2::zeros((0, 3)))),
        (
            "pc_list",
            "objs",
            LogValue::List(vec![
                np(array![[1.0, 2.0, 3.0]]),
                media(
                    Object3D::from_array(array![[4i64, 5, 6]].view())
                        .unwrap()
                        .with_caption("second"),
                ),
            ]),
        ),
        ("scene", "scene", media(scene())),
        (
            "scene_no_boxes",
            "scene",
            media(Object3D::from_point_cloud(array![[1i64, 2, 3]].view(), &[], &[]).unwrap()),
        ),
        (
            "scene_dict",
            "scene",
            media(
                Object3D::from_scene_json(
                    &json::parse(
                        r#"{"type": "lidar/beta", "vectors": [[[0,0,0],[1,1,1]]], "points": [[1.0,2.0,3.0]]}"#,
                    )
                    .unwrap(),
                )
                .unwrap(),
            ),
        ),
        (
            "file_obj",
            "model",
            media(obj("cube.obj").with_caption("cube")),
        ),
        ("file_gltf", "model", media(obj("tri.gltf"))),
        ("file_glb", "model", media(obj("tri.glb"))),
        ("file_stl_binary", "model", media(obj("tri_binary.stl"))),
        ("file_stl_ascii", "model", media(obj("tri_ascii.stl"))),
        ("file_babylon", "model", media(obj("tri.babylon"))),
        ("file_pts", "model", media(obj("cloud.pts.json"))),
        (
            "file_list",
            "models",
            LogValue::List(vec![
                media(obj("cube.obj")),
                media(obj("tri.glb").with_caption("g")),
            ]),
        ),
        (
            "mol_pdb",
            "mol",
            media(mol("water.pdb").with_caption("water")),
        ),
        ("mol_pqr", "mol", media(mol("water.pqr"))),
        ("mol_cif", "mol", media(mol("water.cif"))),
        ("mol_sdf", "mol", media(mol("ethanol.sdf"))),
        ("mol_mol2", "mol", media(mol("water.mol2"))),
        ("mol_gro", "mol", media(mol("water.gro"))),
        ("mol_mmtf", "mol", media(mol("water.mmtf"))),
        (
            "mol_list_captions",
            "mols",
            LogValue::List(vec![
                media(mol("water.pdb").with_caption("a")),
                media(mol("ethanol.sdf")),
            ]),
        ),
        (
            "mol_list_no_captions",
            "mols",
            LogValue::List(vec![
                media(mol("water.pdb")),
                media(mol("ethanol.sdf").with_caption("b")),
            ]),
        ),
    ]
}

/// Every `path` a run JSON names.
fn paths(v: &Value) -> Vec<String> {
    if let Some(objs) = v.get("objects").and_then(Value::as_array) {
        return objs.iter().flat_map(paths).collect();
    }
    if let Some(names) = v.get("filenames").and_then(Value::as_array) {
        return names
            .iter()
            .map(|n| n.as_str().unwrap().to_owned())
            .collect();
    }
    v.get("path")
        .and_then(Value::as_str)
        .map(|p| vec![p.to_owned()])
        .unwrap_or_default()
}

#[test]
fn run_json_and_files_match_the_sdk() {
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path().join("files"));
    let g = golden();
    let cases = run_cases();
    assert_eq!(
        cases.len(),
        std::fs::read_dir(g.join("run"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_file())
            .count()
    );
    for (case, key, value) in cases {
        let ours = val_to_json(&run, key, &value, STEP).unwrap();
        let want = read_json(&g.join(format!("run/{case}.json")));
        assert_eq!(compact(&ours), compact(&want), "{case}");
        for p in paths(&want) {
            let p = if p.starts_with("media/") {
                p
            } else {
                format!("media/object3D/{p}")
            };
            let a = std::fs::read(tmp.path().join("files").join(&p)).unwrap();
            let b = std::fs::read(g.join("run/files").join(&p)).unwrap();
            assert!(a == b, "{case}: {p} differs");
        }
    }
}

fn artifact_cases() -> Vec<(&'static str, Arc<dyn WbValue>)> {
    vec![
        (
            "pc",
            Arc::new(
                Object3D::from_array(array![[0.0, 1.5, -2.0], [3.0, 4.0, 5.0]].view()).unwrap(),
            ),
        ),
        (
            "pc_caption",
            Arc::new(
                Object3D::from_array(array![[1i64, 2, 3]].view())
                    .unwrap()
                    .with_caption("c"),
            ),
        ),
        ("scene", Arc::new(scene())),
        ("pts_file", Arc::new(obj("cloud.pts.json"))),
        ("mol_pdb", Arc::new(mol("water.pdb").with_caption("water"))),
        ("mol_sdf", Arc::new(mol("ethanol.sdf"))),
    ]
}

#[test]
fn artifact_entries_match_the_sdk_and_read_back() {
    let g = golden();
    let mut registry = Registry::new().with_core();
    wb_3d::register(&mut registry);
    for (case, value) in artifact_cases() {
        let mut art = Artifact::new("golden", "dataset");
        let entry = art.add(value.as_ref(), case).unwrap();
        let want = std::fs::read(g.join(format!("artifact/{case}.json"))).unwrap();
        let ours = art.entry_bytes(&entry).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&want),
            "{case}"
        );
        let want_json = json::parse(std::str::from_utf8(&want).unwrap()).unwrap();
        let file = want_json.get("path").and_then(Value::as_str).unwrap();
        assert_eq!(
            &*art.entry_bytes(file).unwrap(),
            &std::fs::read(g.join("artifact/files").join(file)).unwrap()[..],
            "{case}: {file}"
        );
        // Cross-reading: the SDK's entry decodes into a value equal to ours.
        let source = DirArtifact::new(g.join("artifact/files"));
        let back = registry.decode(&want_json, &source).unwrap().unwrap();
        assert!(back.wb_eq(value.as_ref()), "{case}: from_json differs");
        assert_eq!(back.log_type(), value.log_type());
    }
}

fn sdk_error(case: &str) -> String {
    let errors = read_json(&golden().join("errors.json"));
    errors.get(case).and_then(Value::as_str).unwrap().to_owned()
}

/// Our message says what the SDK says (its words, white space aside; set-valued lists in
/// the SDK's message come in a random order, so only the text before them is compared).
fn says(ours: &wb_core::Error, case: &str) {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let sdk = sdk_error(case);
    let sdk = sdk.split_once(": ").map_or(sdk.as_str(), |x| x.1);
    let sdk = sdk.split(" supported types are:").next().unwrap();
    let sdk = sdk.split(" files of the type:").next().unwrap();
    let sdk = norm(sdk).replace("<fixtures>", fx("").to_string_lossy().trim_end_matches('/'));
    let ours = norm(&ours.to_string());
    assert!(ours.contains(&sdk), "{case}:\n ours {ours}\n sdk  {sdk}");
}

#[test]
fn errors_say_what_the_sdk_says() {
    let e = Object3D::from_array(ArrayD::<f64>::zeros(IxDyn(&[3])).view()).unwrap_err();
    says(&e, "shape_1d");
    let e = Object3D::from_array(Array2::<f64>::zeros((2, 5)).view()).unwrap_err();
    says(&e, "shape_nx5");
    let e = Object3D::from_array(Array::<f64, _>::zeros((2, 2, 3)).view()).unwrap_err();
    assert!(e.to_string().contains("[2, 2, 3]"));
    let e = Object3D::from_path(fx("make_fixtures.py")).unwrap_err();
    says(&e, "bad_extension");
    let e = Object3D::from_scene_json(&json::parse(r#"{"type": "radar"}"#).unwrap()).unwrap_err();
    says(&e, "scene_type");
    let e = box3d([0.0; 3], [1.0; 3], [0.0; 4], triple(1, 1, 1)).unwrap_err();
    says(&e, "zero_quaternion");
    let e = Artifact::new("a", "dataset")
        .add(&obj("cube.obj"), "o")
        .unwrap_err();
    says(&e, "artifact_obj");
    let e = Molecule::from_path(fx("make_fixtures.py")).unwrap_err();
    says(&e, "mol_extension");
    let e = Molecule::from_path(fx("missing.pdb")).unwrap_err();
    assert!(sdk_error("mol_missing").starts_with("FileNotFoundError"));
    assert!(e.to_string().contains("missing.pdb"), "{e}");
}

#[test]
fn broken_files_are_refused_with_the_reason() {
    let refuse = |r: wb_core::Result<()>, words: &str| {
        let e = r.unwrap_err().to_string();
        assert!(e.contains(words), "{e}");
    };
    refuse(
        Object3D::from_path(fx("bad_text.gltf")).map(drop),
        "not glTF JSON",
    );
    refuse(
        Object3D::from_path(fx("bad_json.glb")).map(drop),
        "magic bytes `glTF`",
    );
    refuse(
        Object3D::from_path(fx("bad_truncated.stl")).map(drop),
        "announces 1 triangles, which take 134 bytes, but the file has 100",
    );
    refuse(
        Object3D::from_path(fx("bad_binary.obj")).map(drop),
        "binary",
    );
    refuse(
        Molecule::from_path(fx("bad_noatoms.pdb")).map(drop),
        "no ATOM or HETATM",
    );
    refuse(
        Molecule::from_path(fx("bad_truncated.sdf")).map(drop),
        "announces 3 atoms",
    );
    refuse(
        Molecule::from_path(fx("bad_loop.cif")).map(drop),
        "not a multiple of 9",
    );
    // A JSON glTF named .glb, a GLB named .gltf.
    let glb = std::fs::read(fx("tri.glb")).unwrap();
    refuse(
        Object3D::from_bytes(glb, Object3DFormat::Gltf).map(drop),
        "name it .glb",
    );
    refuse(
        Object3D::from_bytes(b"[[1, 2], {}]".to_vec(), Object3DFormat::PtsJson).map(drop),
        "points",
    );
    refuse(
        "zip".parse::<Object3DFormat>().map(drop),
        "Object 3D only supports numpy arrays or files of the type",
    );
    refuse(
        "xyz".parse::<MoleculeFormat>().map(drop),
        "Molecule 3D only supports files of the type",
    );
    // The same content is accepted under the right type, and bytes are kept as given.
    let m =
        Molecule::from_bytes(std::fs::read(fx("water.pdb")).unwrap(), MoleculeFormat::Pdb).unwrap();
    assert_eq!(m.file().sha256(), mol("water.pdb").file().sha256());
}

fn load<T: PointScalar>(
    bytes: &[u8],
    size: usize,
    conv: impl Fn(&[u8]) -> T,
    shape: (usize, usize),
) -> Array2<T> {
    let v: Vec<T> = bytes.chunks_exact(size).map(conv).collect();
    Array2::from_shape_vec(shape, v).unwrap()
}

fn ours_for(dtype: &str, bytes: &[u8], shape: (usize, usize), tile: usize) -> Vec<u8> {
    fn go<T: PointScalar>(a: Array2<T>, tile: usize) -> Vec<u8> {
        let views: Vec<_> = (0..tile).map(|_| a.view()).collect();
        let a = ndarray::concatenate(ndarray::Axis(0), &views).unwrap();
        Object3D::from_array(a.view())
            .unwrap()
            .file()
            .bytes()
            .unwrap()
            .to_vec()
    }
    match dtype {
        "float64" => go(
            load(
                bytes,
                8,
                |c| f64::from_le_bytes(c.try_into().unwrap()),
                shape,
            ),
            tile,
        ),
        "float32" => go(
            load(
                bytes,
                4,
                |c| f32::from_le_bytes(c.try_into().unwrap()),
                shape,
            ),
            tile,
        ),
        "int64" => go(
            load(
                bytes,
                8,
                |c| i64::from_le_bytes(c.try_into().unwrap()),
                shape,
            ),
            tile,
        ),
        "int32" => go(
            load(
                bytes,
                4,
                |c| i32::from_le_bytes(c.try_into().unwrap()),
                shape,
            ),
            tile,
        ),
        "uint8" => go(load(bytes, 1, |c| c[0], shape), tile),
        "bool" => go(load(bytes, 1, |c| c[0] != 0, shape), tile),
        other => panic!("dtype {other}"),
    }
}

/// The SDK's file for the array repeated `tile` times along rows, from its file for one copy.
fn tiled(sdk: &[u8], tile: usize) -> Vec<u8> {
    let inner = &sdk[1..sdk.len() - 1];
    let mut out = b"[".to_vec();
    for i in 0..tile {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(inner);
    }
    out.push(b']');
    out
}

#[test]
fn point_files_are_byte_identical_to_the_sdk() {
    let g = golden().join("points");
    let manifest = read_json(&g.join("manifest.json"));
    for m in manifest.as_array().unwrap() {
        let name = m.get("name").and_then(Value::as_str).unwrap();
        let dtype = m.get("dtype").and_then(Value::as_str).unwrap();
        let shape = m.get("shape").and_then(Value::as_array).unwrap();
        let shape = (
            shape[0].as_i64().unwrap() as usize,
            shape[1].as_i64().unwrap() as usize,
        );
        let bytes = std::fs::read(g.join(format!("{name}.bin"))).unwrap();
        let sdk = std::fs::read(g.join(format!("{name}.pts.json"))).unwrap();
        // Once as it is, and tiled so the multi-threaded path writes it (at least 32768 values).
        let tile = (40_000 / (shape.0 * shape.1).max(1)).max(1);
        for t in [1, tile] {
            let ours = ours_for(dtype, &bytes, shape, t);
            let want = tiled(&sdk, t);
            if ours != want {
                let a = String::from_utf8_lossy(&ours);
                let b = String::from_utf8_lossy(&want);
                let diff = a.split(',').zip(b.split(',')).find(|(x, y)| x != y);
                panic!("{name} x{t}: first difference (ours, sdk) {diff:?}");
            }
        }
    }
}

fn arr<const N: usize>(v: &Value) -> [f64; N] {
    let a = v.as_array().unwrap();
    std::array::from_fn(|i| a[i].as_f64().unwrap())
}

#[test]
fn box3d_corners_are_the_sdks_bit_for_bit() {
    let cases = read_json(&golden().join("box3d_random.json"));
    for (n, c) in cases.as_array().unwrap().iter().enumerate() {
        let b = box3d(
            arr(c.get("c").unwrap()),
            arr(c.get("s").unwrap()),
            arr(c.get("q").unwrap()),
            triple(1, 2, 3),
        )
        .unwrap();
        let want = c.get("corners").and_then(Value::as_array).unwrap();
        for (k, w) in want.iter().enumerate() {
            let w: [f64; 3] = arr(w);
            assert_eq!(
                b.corners()[k].map(f64::to_bits),
                w.map(f64::to_bits),
                "case {n} corner {k}: {:?} vs {w:?}",
                b.corners()[k]
            );
        }
    }
}
