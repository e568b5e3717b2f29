//! Large point clouds are written into a temporary file while they are formatted: that file
//! becomes the run's file when bound, and disappears with the last value holding it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use crate::Object3D;
use crate::pts::{encode_points, points_json};
use ndarray::Array2;
use wb_core::LogValue;
use wb_core::internal::hash::sha256_hex;
use wb_core::internal::media::MediaSource;
use wb_core::internal::value::val_to_json;
use wb_core::{DirRun, Step, Value};

fn cloud(rows: usize) -> Array2<f64> {
    Array2::from_shape_fn((rows, 6), |(i, j)| {
        (i * 6 + j) as f64 * 0.618_033_988_749_894_9 - 7.5
    })
}

fn temp_path(o: &Object3D) -> std::path::PathBuf {
    match wb_core::internal::media::file_source(o.file()) {
        MediaSource::GeneratedFile(t) => t.to_path_buf(),
        other => panic!("a large cloud should be in a temporary file, found {other:?}"),
    }
}

#[test]
fn a_large_cloud_is_bound_with_the_bytes_and_name_of_the_in_memory_encoding() {
    let a = cloud(20_000);
    let want = points_json(a.view());
    let o = Object3D::from_array(a.view()).unwrap();
    let tmp = temp_path(&o);
    assert_eq!(std::fs::read(&tmp).unwrap(), want);
    assert_eq!(o.file().sha256(), sha256_hex(&want));
    assert_eq!(o.file().size(), want.len() as u64);
    assert!(wb_core::internal::media::file_is_tmp(o.file()));
    let copy = o.clone();

    let dir = tempfile::tempdir().unwrap();
    let run = DirRun::new(dir.path().join("files"));
    let logged = LogValue::media(o);
    let js = val_to_json(&run, "pc", &logged, Step::Num(4)).unwrap();
    let path = js.get("path").and_then(Value::as_str).unwrap().to_owned();
    assert_eq!(
        path,
        format!("media/object3D/pc_4_{}.pts.json", &sha256_hex(&want)[..20])
    );
    let bound = dir.path().join("files").join(&path);
    assert_eq!(std::fs::read(&bound).unwrap(), want);

    // The temporary file goes with the last value holding it; the run's file stays.
    drop(logged);
    assert!(tmp.exists(), "a clone still holds the file");
    drop(copy);
    assert!(!tmp.exists(), "the temporary file outlived every value");
    assert_eq!(std::fs::read(&bound).unwrap(), want);
}

#[test]
fn an_unbound_cloud_leaves_no_file_behind() {
    let o = Object3D::from_array(cloud(10_000).view()).unwrap();
    let tmp = temp_path(&o);
    assert!(tmp.exists());
    drop(o);
    assert!(!tmp.exists());
}

#[test]
fn the_same_cloud_logged_twice_gets_two_names_and_equal_files() {
    let a = cloud(8_000);
    let dir = tempfile::tempdir().unwrap();
    let run = DirRun::new(dir.path().join("files"));
    for step in [1, 2] {
        let o = Object3D::from_array(a.view()).unwrap();
        let js = val_to_json(&run, "pc", &LogValue::media(o), Step::Num(step)).unwrap();
        let path = js.get("path").and_then(Value::as_str).unwrap();
        let bytes = std::fs::read(dir.path().join("files").join(path)).unwrap();
        assert_eq!(bytes, encode_points(b"", a.view(), b"").bytes);
    }
}

#[test]
fn a_small_cloud_stays_in_memory() {
    let o = Object3D::from_array(cloud(10).view()).unwrap();
    assert!(matches!(
        wb_core::internal::media::file_source(o.file()),
        MediaSource::Generated(_)
    ));
}

/// With no usable temporary folder, a large cloud is encoded in memory instead, with the same
/// bytes. (Run in a child process of this test binary, whose `TMPDIR` points nowhere.)
#[test]
fn a_large_cloud_without_a_temporary_folder_is_kept_in_memory() {
    const INNER: &str = "WB_3D_STREAMED_INNER";
    if std::env::var_os(INNER).is_some() {
        assert_eq!(
            std::env::temp_dir(),
            std::path::Path::new("/nonexistent/wb-3d")
        );
        let a = cloud(10_000);
        let o = Object3D::from_array(a.view()).unwrap();
        assert!(matches!(
            wb_core::internal::media::file_source(o.file()),
            MediaSource::Generated(_)
        ));
        assert_eq!(&*o.file().bytes().unwrap(), &points_json(a.view())[..]);
        return;
    }
    if !cfg!(unix) {
        return; // TMPDIR is how Unix names the temporary folder.
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "streamed_tests::a_large_cloud_without_a_temporary_folder_is_kept_in_memory",
            "--test-threads=1",
        ])
        .env(INNER, "1")
        .env("TMPDIR", "/nonexistent/wb-3d")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}
