//! Truncated and corrupt files: PNG, GIF, WAV, glTF/GLB and `.wandb`. Nothing panics; files
//! the SDK stores without reading (an image's pixels, a GIF, a WAV) are stored as they are,
//! exactly as wandb 0.31.0 does; what we must parse fails with an error naming the file; a
//! damaged `.wandb` log gives back every complete record outside the damaged region.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ndarray::{Array, Array2, IxDyn};
use std::path::{Path, PathBuf};
use wb_types::audio::Audio;
use wb_types::core::json;
use wb_types::image::{Image, ImageFormat};
use wb_types::object3d::Object3D;
use wb_types::run::{ReadError, RecordReader, Row, Run, RunLog};
use wb_types::video::{Video, VideoFormat};
use wb_types::{Artifact, DirRun, Histogram, Step, WbValue};

/// Cut points and corruptions of `bytes`: each prefix at a few places, and flipped bytes.
fn damaged(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let n = bytes.len();
    let mut out = vec![("empty".to_owned(), Vec::new())];
    for cut in [1, 4, 8, 12, 16, 24, 33, n / 3, n / 2, n - 12, n - 1] {
        if cut < n {
            out.push((format!("cut at {cut}"), bytes[..cut].to_vec()));
        }
    }
    for at in [0, 1, 8, 12, 16, 20, 29, n / 2, n - 5] {
        if at < n {
            let mut b = bytes.to_vec();
            b[at] ^= 0xFF;
            out.push((format!("byte {at} flipped"), b));
        }
    }
    let mut garbage: Vec<u8> = (0..n).map(|i| (i * 131 % 251) as u8).collect();
    garbage.truncate(n.max(1));
    out.push(("garbage".into(), garbage));
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Binds `v` and writes its run JSON; the stored file is `want` byte for byte.
fn logs_as_is(v: &dyn WbValue, want: &[u8]) {
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path().join("files"));
    v.bind_to_run(&run, "k", Step::Num(0)).unwrap();
    let j = v.to_run_json(&run).unwrap();
    let path = tmp
        .path()
        .join("files")
        .join(j.get("path").unwrap().as_str().unwrap());
    assert_eq!(std::fs::read(path).unwrap(), want);
}

fn png() -> Vec<u8> {
    let a = Array::from_shape_fn((16, 16, 3), |(y, x, c)| (y * 16 + x * 3 + c) as u8);
    let img = Image::from_array(a.view()).unwrap();
    img.file().bytes().unwrap().to_vec()
}

#[test]
fn truncated_and_corrupt_pngs() {
    let tmp = tempfile::tempdir().unwrap();
    let good = png();
    for (what, bytes) in damaged(&good) {
        let p = write(tmp.path(), "bad.png", &bytes);
        // By path: the size comes from the header, as Pillow's lazy open reads it; a file
        // whose header is unreadable is refused with the path in the message.
        match Image::from_path(&p) {
            Ok(img) => {
                assert!(bytes.len() >= 24, "{what}: accepted without a header");
                logs_as_is(&img, &bytes);
                // Decoding the pixels of a damaged file fails cleanly (or succeeds if only
                // ancillary bytes were hit).
                let _ = img.to_pixels();
            }
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.contains("cannot identify image file"), "{what}: {msg}");
                assert!(msg.contains("bad.png"), "{what}: {msg}");
            }
        }
        // From bytes: the same, with the format in the message.
        if let Err(e) = Image::from_bytes(bytes.clone(), ImageFormat::Png) {
            assert!(
                e.to_string().contains("cannot identify image file"),
                "{what}: {e}"
            );
        }
        // Through the registry: an image entry whose file is damaged.
        let mut art = Artifact::new("a", "dataset");
        let entry = "media/images/0123456789abcdef0123.png";
        art.entries.insert(
            entry.into(),
            wb_types::core::internal::artifact::ArtifactEntry {
                data: wb_types::core::internal::artifact::EntryData::Bytes(bytes.clone().into()),
                digest: String::new(),
                size: bytes.len() as u64,
            },
        );
        let j = json::parse(&format!(
            r#"{{"_type": "image-file", "path": "{entry}", "sha256": "x", "format": "png", "width": 16, "height": 16}}"#
        ))
        .unwrap();
        let _ = wb_types::registry().decode(&j, &art);
    }
}

#[test]
fn truncated_and_corrupt_gifs_are_stored_as_given() {
    let tmp = tempfile::tempdir().unwrap();
    let frames = Array::from_shape_fn(IxDyn(&[3, 3, 8, 8]), |i| {
        (i[0] * 40 + i[2] * 8 + i[3]) as u8
    });
    let good = Video::from_array(frames.view()).unwrap();
    let good = good.file().bytes().unwrap().to_vec();
    for (what, bytes) in damaged(&good) {
        // wandb.Video(path) copies the file without reading it: so do we.
        let p = write(tmp.path(), "bad.gif", &bytes);
        let v = Video::from_path(&p).unwrap_or_else(|e| panic!("{what}: {e}"));
        logs_as_is(&v, &bytes);
        let v = Video::from_bytes(bytes.clone(), VideoFormat::Gif);
        logs_as_is(&v, &bytes);
    }
}

#[test]
fn truncated_and_corrupt_wavs_are_stored_as_given() {
    let tmp = tempfile::tempdir().unwrap();
    let samples: Vec<f32> = (0..400).map(|i| (i as f32 / 10.0).sin()).collect();
    let good = Audio::from_samples(&samples, 8000).unwrap();
    let good = good.file().bytes().unwrap().to_vec();
    for (what, bytes) in damaged(&good) {
        // wandb.Audio(path) stores the file as it is.
        let p = write(tmp.path(), "bad.wav", &bytes);
        let a = Audio::from_path(&p).unwrap_or_else(|e| panic!("{what}: {e}"));
        logs_as_is(&a, &bytes);
    }
    // A path that is not there: an I/O error naming it.
    let err = Audio::from_path(tmp.path().join("missing.wav")).unwrap_err();
    assert!(err.to_string().contains("missing.wav"), "{err}");
}

const GLTF: &str = r#"{"asset": {"version": "2.0"}, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
 "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
 "buffers": [{"byteLength": 36, "uri": "data:application/octet-stream;base64,AAAAAAAAAAAAAAAAAACAPwAAAAAAAAAAAAAAAAAAgD8AAAAA"}],
 "bufferViews": [{"buffer": 0, "byteLength": 36}],
 "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3", "min": [0, 0, 0], "max": [1, 1, 0]}]}"#;

/// A GLB holding `GLTF`'s JSON (padded) and no binary chunk.
fn glb() -> Vec<u8> {
    let mut j = GLTF.as_bytes().to_vec();
    while !j.len().is_multiple_of(4) {
        j.push(b' ');
    }
    let total = 12 + 8 + j.len();
    let mut out = b"glTF".to_vec();
    out.extend_from_slice(&2u32.to_le_bytes());
    out.extend_from_slice(&(total as u32).to_le_bytes());
    out.extend_from_slice(&(j.len() as u32).to_le_bytes());
    out.extend_from_slice(b"JSON");
    out.extend_from_slice(&j);
    out
}

#[test]
fn truncated_and_corrupt_gltf_files_are_refused_with_the_file_name() {
    let tmp = tempfile::tempdir().unwrap();
    let gltf = GLTF.as_bytes().to_vec();
    let p = write(tmp.path(), "ok.gltf", &gltf);
    Object3D::from_path(&p).unwrap();
    let p = write(tmp.path(), "ok.glb", &glb());
    Object3D::from_path(&p).unwrap();
    for (ext, good) in [("gltf", gltf), ("glb", glb())] {
        for (what, bytes) in damaged(&good) {
            let name = format!("bad.{ext}");
            let p = write(tmp.path(), &name, &bytes);
            match Object3D::from_path(&p) {
                Ok(o) => logs_as_is(&o, &bytes),
                Err(e) => assert!(e.to_string().contains(&name), "{ext} {what}: {e}"),
            }
            let _ = Object3D::from_bytes(bytes.clone(), ext.parse().unwrap());
        }
    }
}

/// A finished run with rows of a few sizes (records spanning several 32 KiB blocks).
fn sample_run(root: &Path) -> PathBuf {
    let run = Run::builder()
        .with_dir(root)
        .with_project("corrupt")
        .with_mode(wb_types::run::Mode::Offline)
        .with_id("corrupt1")
        .build()
        .unwrap();
    let data: Vec<f64> = (0..500).map(f64::from).collect();
    for i in 0..60u32 {
        run.log(
            Row::new()
                .with("i", i)
                .with("pad", "p".repeat((i as usize * 997) % 40_000))
                .with_media(
                    "h",
                    Histogram::from_sequence_with(
                        &data,
                        wb_types::core::HistogramOptions::default().with_num_bins(16),
                    )
                    .unwrap(),
                ),
        )
        .unwrap();
    }
    run.finish(0).unwrap();
    run.log_path().to_path_buf()
}

#[test]
fn truncated_and_corrupt_wandb_logs_give_back_every_complete_record() {
    let tmp = tempfile::tempdir().unwrap();
    let log_path = sample_run(tmp.path());
    let good = std::fs::read(&log_path).unwrap();
    let all = RunLog::read(&log_path).unwrap();
    assert!(all.errors.is_empty());
    let n_all = all.records.len();
    assert_eq!(all.history().unwrap().len(), 60);
    let p = tmp.path().join("damaged.wandb");

    // Truncated anywhere: the records before the cut, then at most one "torn tail" error.
    for cut in (0..good.len())
        .step_by(good.len() / 97 + 1)
        .chain([6, 7, 8, good.len() - 1])
    {
        std::fs::write(&p, &good[..cut]).unwrap();
        match RunLog::read(&p) {
            Ok(log) => {
                assert!(log.errors.len() <= 1, "cut {cut}: {:?}", log.errors);
                assert!(log.records.len() <= n_all);
                let nums: Vec<i64> = log.records.iter().map(|r| r.num).collect();
                assert_eq!(
                    nums,
                    (1..=nums.len() as i64).collect::<Vec<_>>(),
                    "cut {cut}"
                );
                log.history().unwrap();
                log.summary().unwrap();
                log.config().unwrap();
            }
            // Shorter than the 7-byte header: refused as not a .wandb file.
            Err(e) => {
                assert!(cut < 7, "cut {cut}: {e}");
                assert!(e.to_string().contains("not a .wandb file"), "{e}");
            }
        }
    }

    // Corrupt bytes: the damaged block is reported and skipped; records in other blocks read.
    for at in (7..good.len()).step_by(good.len() / 41 + 1) {
        let mut b = good.clone();
        b[at] ^= 0x55;
        std::fs::write(&p, &b).unwrap();
        let mut oks = 0;
        let mut errs = 0;
        for r in RecordReader::open(&p).unwrap() {
            match r {
                Ok(_) => oks += 1,
                Err(
                    ReadError::Corrupt { .. }
                    | ReadError::Decode { .. }
                    | ReadError::Truncated { .. },
                ) => errs += 1,
                Err(e) => panic!("byte {at}: {e}"),
            }
        }
        assert!(
            errs >= 1 || oks == n_all,
            "byte {at}: corruption went unnoticed"
        );
        // One damaged 32 KiB block loses at most the records touching it.
        assert!(
            oks + 6 >= n_all.saturating_sub(n_all / 2),
            "byte {at}: only {oks} of {n_all}"
        );
        let log = RunLog::read(&p).unwrap();
        let _ = log.history();
    }

    // Not a .wandb file at all, and a folder without one.
    std::fs::write(&p, b"PK\x03\x04 a zip file").unwrap();
    let e = RunLog::read(&p).unwrap_err();
    assert!(e.to_string().contains("not a .wandb file"), "{e}");
    let empty = tmp.path().join("empty_dir");
    std::fs::create_dir(&empty).unwrap();
    let e = RunLog::read(&empty).unwrap_err();
    assert!(e.to_string().contains("no .wandb file found"), "{e}");
}

#[test]
fn damaged_entries_through_the_registry_are_errors_not_panics() {
    // Every registered type with a path to a damaged file, and with damaged JSON fields.
    let reg = wb_types::registry();
    let files: Vec<Vec<u8>> = vec![
        png(),
        glb(),
        b"\x89PNG\r\n".to_vec(),
        Vec::new(),
        vec![0xFF; 64],
    ];
    for t in reg.types() {
        for bytes in &files {
            let mut art = Artifact::new("a", "dataset");
            for name in [
                "media/x.png",
                "t.table.json",
                "media/graph/g.graph.json",
                "m.pts.json",
            ] {
                art.entries.insert(
                    name.into(),
                    wb_types::core::internal::artifact::ArtifactEntry {
                        data: wb_types::core::internal::artifact::EntryData::Bytes(
                            bytes.clone().into(),
                        ),
                        digest: String::new(),
                        size: bytes.len() as u64,
                    },
                );
            }
            for body in [
                r#""path": "media/x.png", "sha256": "0""#,
                r#""path": "t.table.json""#,
                r#""path": 5, "columns": "x", "data": [[1]]"#,
                r#""columns": ["a"], "data": [[1, 2, 3]], "ncols": 1, "nrows": -1"#,
                r#""path": "../../../etc/passwd""#,
                r#""artifact_path": "wandb-client-artifact://x/y", "path": "m.pts.json""#,
            ] {
                let j = json::parse(&format!(r#"{{"_type": "{t}", {body}}}"#)).unwrap();
                let _ = reg.decode(&j, &art);
            }
        }
    }
    let _ = Array2::<u8>::zeros((1, 1));
}
