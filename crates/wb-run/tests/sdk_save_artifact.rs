//! Differential with the real SDK (`wandb==0.31.0`, offline) for `run.save`, user artifacts and
//! offline resume: the same calls in Python and with our `Run` give the same `files` records
//! (paths and policies), the same links in `files/`, the same `artifact` record (name, type,
//! description, metadata, manifest digest, entries with digests and sizes), and the same
//! offline resume behaviour (`auto`'s `wandb-resume.json`, a fresh run from step 0).
//!
//! Opt-in (`#[ignore]`), as `tests/sdk_conformance.rs`:
//! `WB_PYTHON=/path/to/python cargo test -p wb-run --test sdk_save_artifact -- --ignored`.
//! This file holds one test: it changes the process's current folder (the SDK's relative
//! paths are relative to it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use wb_core::json::{Value, parse};
use wb_core::{Artifact, json_map};
use wb_run::proto::{ArtifactRecord, FilesRecord, RecordType};
use wb_run::{FilePolicy, RecordReader, Resume, Row, SaveOptions};
use wb_table::Table;

const SCRIPT: &str = r#"
import os, sys, wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
root, src = sys.argv[1], sys.argv[2]
os.chdir(src)
run = wandb.init(project="p", id="diff0001", mode="offline", dir=root)
print("SAVED", run.save("model.json", policy="now"))
print("SAVED", run.save("data/*.txt", policy="live"))
print("SAVED", run.save("data/sub/c.txt", base_path="data", policy="end"))
print("SAVED", run.save(os.path.join(src, "abs", "x.bin")))
print("SAVED", run.save("data/[ab].txt", base_path=".", policy="end"))
print("SAVED", run.save("nomatch/*.zip", policy="now"))
art = wandb.Artifact("my-data", type="dataset", description="some files",
                     metadata={"rows": 3, "src": "unit", "nested": {"b": 1.5, "a": [1, "x"]}})
art.add_file("model.json")
art.add_file("data/a.txt", name="renamed/a.txt")
art.add_dir("data", name="d")
art.add(wandb.Table(columns=["a", "b"], data=[[1, "x"], [2, "y"]]), "tbl")
run.log_artifact(art)
run.finish()
# resume="auto" offline: a run that fails keeps its id in wandb/wandb-resume.json.
auto_root = os.path.join(root, "auto")
os.makedirs(auto_root)
run = wandb.init(project="p", mode="offline", resume="auto", dir=auto_root)
run.log({"a": 1})
print("AUTO", run.id, run.step, run.resumed)
run.finish(exit_code=1)
# resume="must" offline: the SDK starts a fresh run with that id.
run = wandb.init(project="p", id=run.id, mode="offline", resume="must", dir=auto_root)
print("MUST", run.id, run.step, run.resumed)
run.finish(exit_code=1)
"#;

fn make_sources(src: &Path) {
    std::fs::create_dir_all(src.join("data/sub")).unwrap();
    std::fs::create_dir_all(src.join("abs")).unwrap();
    std::fs::write(src.join("model.json"), "{\"x\":1}\n").unwrap();
    std::fs::write(src.join("data/a.txt"), "hello\n").unwrap();
    std::fs::write(src.join("data/b.txt"), "world\n").unwrap();
    std::fs::write(src.join("data/sub/c.txt"), "deep\n").unwrap();
    std::fs::write(src.join("abs/x.bin"), [0u8, 1, 2, 255]).unwrap();
}

/// The run folder under `root/wandb` whose name ends with `suffix`.
fn run_dir(root: &Path, suffix: &str) -> PathBuf {
    std::fs::read_dir(root.join("wandb"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir() && p.to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("no run folder *{suffix} under {}", root.display()))
}

/// The `files` records (paths and policies, the SDK's `requirements.txt` aside) and the
/// `artifact` records of a run folder.
fn records(dir: &Path) -> (Vec<Vec<(String, i32)>>, Vec<ArtifactRecord>) {
    let mut reader = RecordReader::open(dir).unwrap();
    let (mut files, mut arts) = (Vec::new(), Vec::new());
    while let Some(r) = reader.next_with_offset() {
        match r.unwrap().2.record_type {
            Some(RecordType::Files(FilesRecord { files: f, .. })) => {
                let items: Vec<(String, i32)> = f.into_iter().map(|i| (i.path, i.policy)).collect();
                if items.first().is_some_and(|(p, _)| p == "requirements.txt") {
                    continue;
                }
                files.push(items);
            }
            Some(RecordType::Artifact(a)) => arts.push(a),
            _ => {}
        }
    }
    (files, arts)
}

/// Every link or file under `files/` the saves made (the SDK's own files aside): path, whether
/// it is a symbolic link, and its bytes.
fn saved_files(dir: &Path) -> Vec<(String, bool, Vec<u8>)> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<(String, bool, Vec<u8>)>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            let link = std::fs::symlink_metadata(&p)
                .unwrap()
                .file_type()
                .is_symlink();
            if p.is_dir() && !link {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if [
                    "output.log",
                    "requirements.txt",
                    "wandb-metadata.json",
                    "config.yaml",
                    "wandb-summary.json",
                ]
                .contains(&rel.as_str())
                {
                    continue;
                }
                out.push((rel, link, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&dir.join("files"), &dir.join("files"), &mut out);
    out.sort();
    out
}

fn json(text: &str) -> Value {
    if text.is_empty() {
        Value::Null
    } else {
        parse(text).unwrap()
    }
}

#[test]
#[ignore = "needs a Python with wandb==0.31.0 (WB_PYTHON); run with --ignored"]
fn save_artifacts_and_offline_resume_match_the_sdk() {
    let python = common::sdk_python();
    let tmp = tempfile::tempdir().unwrap();
    let (py_root, py_src) = (tmp.path().join("py"), tmp.path().join("py-src"));
    let (rs_root, rs_src) = (tmp.path().join("rs"), tmp.path().join("rs-src"));
    for s in [&py_src, &rs_src] {
        make_sources(s);
    }
    std::fs::create_dir_all(&py_root).unwrap();
    let stdout = common::stdout_ok(
        common::sdk_script_command(&python, SCRIPT, tmp.path())
            .arg(&py_root)
            .arg(&py_src)
            .env_remove("WANDB_RESUME")
            .env_remove("WANDB_RUN_ID"),
    );

    // The same calls from Rust, relative paths from the sources' folder.
    std::env::set_current_dir(&rs_src).unwrap();
    let run = common::offline_builder(tmp.path())
        .with_dir(&rs_root)
        .with_id("diff0001")
        .build()
        .unwrap();
    let d = SaveOptions::default();
    run.save("model.json", FilePolicy::Now).unwrap();
    run.save("data/*.txt", FilePolicy::Live).unwrap();
    run.save_with(
        "data/sub/c.txt",
        FilePolicy::End,
        d.clone().with_base_path("data"),
    )
    .unwrap();
    let abs = run
        .save(rs_src.join("abs/x.bin"), FilePolicy::Live)
        .unwrap();
    assert_eq!(abs, [run.dir().join("files/abs/x.bin")]);
    run.save_with("data/[ab].txt", FilePolicy::End, d.with_base_path("."))
        .unwrap();
    assert!(
        run.save("nomatch/*.zip", FilePolicy::Now)
            .unwrap()
            .is_empty()
    );
    let mut art = Artifact::new("my-data", "dataset")
        .with_description("some files")
        .with_metadata(json_map! {
            "rows" => 3, "src" => "unit",
            "nested" => json_map! {"b" => 1.5, "a" => Value::Array(vec![1.into(), "x".into()])},
        });
    art.add_file("model.json").unwrap();
    art.add_file_as("data/a.txt", "renamed/a.txt").unwrap();
    art.add_dir_as("data", "d").unwrap();
    let table = Table::from_rows(
        ["a", "b"],
        vec![vec![1.into(), "x".into()], vec![2.into(), "y".into()]],
    )
    .unwrap();
    art.add(&table, "tbl").unwrap();
    run.log_artifact(art).unwrap();
    run.finish(0).unwrap();

    let py_dir = run_dir(&py_root, "-diff0001");
    let (py_files, py_arts) = records(&py_dir);
    let (rs_files, rs_arts) = records(run.dir());
    // Six saves, six records; the last matched nothing and is an empty record, as the SDK's.
    assert_eq!(py_files.len(), 6, "{py_files:?}");
    assert!(py_files[5].is_empty());
    assert_eq!(rs_files, py_files, "files records");
    let saved = saved_files(&py_dir);
    assert_eq!(saved.len(), 5, "{saved:?}");
    assert!(saved.iter().all(|(_, link, _)| *link), "{saved:?}");
    assert_eq!(saved_files(run.dir()), saved, "files/");
    assert_eq!((rs_arts.len(), py_arts.len()), (1, 1));
    let (a, b) = (&rs_arts[0], &py_arts[0]);
    let entries = |x: &ArtifactRecord| -> Vec<(String, String, i64)> {
        x.manifest
            .as_ref()
            .unwrap()
            .contents
            .iter()
            .map(|e| (e.path.clone(), e.digest.clone(), e.size))
            .collect()
    };
    assert_eq!(entries(a), entries(b), "manifest entries");
    assert_eq!(
        (
            &a.artifact_type,
            &a.name,
            &a.description,
            &a.digest,
            &a.aliases
        ),
        (
            &b.artifact_type,
            &b.name,
            &b.description,
            &b.digest,
            &b.aliases
        )
    );
    assert_eq!(json(&a.metadata), json(&b.metadata));
    assert_eq!(a.metadata, b.metadata, "metadata bytes");
    let strip = |x: &ArtifactRecord| {
        let mut x = x.clone();
        x.client_id.clear();
        x.sequence_client_id.clear();
        x.run_id.clear();
        x.info = None;
        if let Some(m) = x.manifest.as_mut() {
            for e in &mut m.contents {
                e.local_path.clear();
            }
        }
        x
    };
    assert_eq!(strip(a), strip(b), "artifact record");
    // Each entry was staged as a copy with the entry's bytes.
    for e in &a.manifest.as_ref().unwrap().contents {
        assert_eq!(
            std::fs::metadata(&e.local_path).unwrap().len() as i64,
            e.size
        );
    }

    // Offline resume: `auto` kept the failed run's id; a Rust run in the same folder takes it
    // and starts from step 0, as the SDK's `must` run did.
    let line = |tag: &str| -> Vec<String> {
        stdout
            .lines()
            .find(|l| l.starts_with(tag))
            .unwrap()
            .split(' ')
            .skip(1)
            .map(str::to_owned)
            .collect()
    };
    let (auto, must) = (line("AUTO"), line("MUST"));
    assert_eq!(&must[1..], ["0", "False"]);
    let auto_root = py_root.join("auto");
    let resume_file = auto_root.join("wandb/wandb-resume.json");
    assert_eq!(
        std::fs::read_to_string(&resume_file).unwrap(),
        format!("{{\"run_id\": \"{}\"}}", auto[0])
    );
    let resumed = common::offline_builder(tmp.path())
        .with_dir(&auto_root)
        .with_resume(Resume::Auto)
        .build()
        .unwrap();
    assert_eq!(resumed.id(), auto[0]);
    assert_eq!((resumed.step(), resumed.is_resumed()), (0, false));
    assert_eq!(resumed.log(Row::new().with("a", 1)).unwrap(), 0);
    // Three runs of the same id in the same second or not: each has its own folder.
    assert!(resumed.dir().exists());
    resumed.finish(0).unwrap();
    assert!(
        !resume_file.exists(),
        "a run finished with 0 removes the resume file"
    );
}
