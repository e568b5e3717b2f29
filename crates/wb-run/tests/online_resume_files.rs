//! Resume, `run.save` and user artifacts online, through the real wandb-core 0.31.0 against the
//! recording fake backend: a resumed run continues after the server's last step and keeps its
//! summary, `must` / `never` refusals are clear errors, saved files (`now`, `live`, `end`) and
//! a user artifact's files reach the server byte for byte, and a `live` file changed during
//! the run is uploaded again.
//!
//! Opt-in (`#[ignore]`) as the other online tests:
//! `cargo test -p wb-run --test online_resume_files -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod online_support;

use online_support::*;
use serde_json::json;
use std::time::{Duration, Instant};
use wb_core::{Artifact, json_map};
use wb_fake_backend::{Backend, Completion};
use wb_run::{Error, FilePolicy, Resume, Row, SaveOptions};
use wb_table::Table;

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn a_resumed_run_continues_after_the_last_step_and_keeps_its_summary() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();

    // `never` with a run the server does not have is a new run.
    let first = builder(&core, &backend, tmp.path())
        .with_id("resume01")
        .with_resume(Resume::Never)
        .build()
        .unwrap();
    assert!(!first.is_resumed());
    for i in 0..3 {
        first
            .log(Row::new().with("loss", 1.0 / f64::from(i + 1)))
            .unwrap();
    }
    first.summary(Row::new().with("best", 0.5)).unwrap();
    first.finish(1).unwrap();
    assert_eq!(
        history_steps(&backend.run("resume01").unwrap().history().unwrap()),
        [0, 1, 2]
    );

    // `must` resumes it: steps go on at 3 and the summary keeps `best`.
    let second = builder(&core, &backend, tmp.path())
        .with_id("resume01")
        .with_resume(Resume::Must)
        .build()
        .unwrap();
    assert!(second.is_resumed());
    assert_eq!((second.starting_step(), second.step()), (3, 3));
    assert_eq!(second.log(Row::new().with("loss", 0.2)).unwrap(), 3);
    assert_eq!(second.log(Row::new().with("acc", 0.9)).unwrap(), 4);
    second.finish(0).unwrap();
    let got = backend.run("resume01").unwrap();
    assert!(got.missing_history_lines().is_empty());
    let history = got.history().unwrap();
    assert_eq!(history_steps(&history), [0, 1, 2, 3, 4]);
    assert_eq!(history[3]["loss"], json!(0.2));
    let summary = got.summary().unwrap().unwrap();
    assert_eq!(summary["best"], json!(0.5), "{summary}");
    assert_eq!(summary["loss"], json!(0.2));
    assert_eq!(summary["acc"], json!(0.9));
    assert_eq!(summary["_step"], json!(4));
    assert_eq!(got.completion(), Completion::Complete { exit_code: 0 });
    // The local log of the resumed run holds its own steps, and the summary sent back.
    let log = wb_run::RunLog::read(second.dir()).unwrap();
    let local: Vec<Option<i64>> = log.history().unwrap().iter().map(|r| r.step).collect();
    assert_eq!(local, [Some(3), Some(4)]);
    assert!(log.summary().unwrap().contains_key("best"));

    // `allow` resumes too; with an id the server does not have, it starts a new run.
    let third = builder(&core, &backend, tmp.path())
        .with_id("resume01")
        .with_resume(Resume::Allow)
        .build()
        .unwrap();
    assert_eq!((third.is_resumed(), third.step()), (true, 5));
    third.finish(0).unwrap();
    let fresh = builder(&core, &backend, tmp.path())
        .with_id("fresh001")
        .with_resume(Resume::Allow)
        .build()
        .unwrap();
    assert_eq!((fresh.is_resumed(), fresh.step()), (false, 0));
    fresh.finish(0).unwrap();

    // `must` with a run the server does not have, `never` with one it has: clear errors.
    let err = builder(&core, &backend, tmp.path())
        .with_id("nothere1")
        .with_resume(Resume::Must)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Resume { .. }), "{err}");
    assert!(err.to_string().contains("does not exist"), "{err}");
    let err = builder(&core, &backend, tmp.path())
        .with_id("resume01")
        .with_resume(Resume::Never)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Resume { .. }), "{err}");
    assert!(err.to_string().contains("already exists"), "{err}");
    assert!(backend.run("nothere1").is_none());
}

/// Waits (bounded) until `check` holds.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{what}: never happened"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn saved_files_and_a_user_artifact_reach_the_server() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("data/sub")).unwrap();
    std::fs::write(src.join("model.json"), "{\"x\":1}\n").unwrap();
    std::fs::write(src.join("data/a.txt"), "hello\n").unwrap();
    std::fs::write(src.join("data/b.txt"), "world\n").unwrap();
    std::fs::write(src.join("data/sub/c.txt"), "deep\n").unwrap();
    std::fs::write(src.join("live.txt"), "version 1\n").unwrap();

    let run = builder(&core, &backend, tmp.path()).build().unwrap();
    let base = SaveOptions::default().with_base_path(&src);
    let saved = run
        .save_with(src.join("model.json"), FilePolicy::Now, base.clone())
        .unwrap();
    assert_eq!(saved, [run.dir().join("files/model.json")]);
    run.save_with(src.join("data/*.txt"), FilePolicy::End, base.clone())
        .unwrap();
    run.save_with(
        src.join("data/sub/c.txt"),
        FilePolicy::Now,
        SaveOptions::default().with_base_path(src.join("data")),
    )
    .unwrap();
    run.save_with(src.join("live.txt"), FilePolicy::Live, base)
        .unwrap();
    run.log(Row::new().with("loss", 0.5)).unwrap();
    eventually("live.txt uploaded", || {
        backend
            .run(run.id())
            .and_then(|r| r.file("live.txt").map(|b| b == b"version 1\n"))
            .unwrap_or(false)
    });
    std::fs::write(src.join("live.txt"), "version 2, longer\n").unwrap();
    eventually("live.txt uploaded again after it changed", || {
        backend
            .run(run.id())
            .and_then(|r| r.file("live.txt").map(|b| b == b"version 2, longer\n"))
            .unwrap_or(false)
    });

    let table = Table::from_rows(
        ["a", "b"],
        vec![vec![1.into(), "x".into()], vec![2.into(), "y".into()]],
    )
    .unwrap();
    let mut art = Artifact::new("my-data", "dataset")
        .with_description("some files")
        .with_metadata(json_map! {"rows" => 3});
    art.add_file(src.join("model.json")).unwrap();
    art.add_dir_as(src.join("data"), "d").unwrap();
    art.add(&table, "tbl").unwrap();
    run.log_artifact(art).unwrap();
    run.finish(0).unwrap();

    let got = backend.run(run.id()).unwrap();
    for (name, bytes) in [
        ("model.json", "{\"x\":1}\n"),
        ("data/a.txt", "hello\n"),
        ("data/b.txt", "world\n"),
        ("sub/c.txt", "deep\n"),
        ("live.txt", "version 2, longer\n"),
    ] {
        assert_eq!(
            got.file(name),
            Some(bytes.as_bytes()),
            "{name}; uploaded: {:?}",
            got.files().keys()
        );
    }
    let artifact = backend
        .artifacts()
        .into_iter()
        .find(|a| a.name() == "my-data")
        .expect("the artifact arrived");
    assert_eq!(artifact.type_name(), "dataset");
    assert_eq!(artifact.input()["description"], json!("some files"));
    let manifest = artifact.manifest().unwrap().expect("its manifest arrived");
    let contents = manifest["contents"].as_object().unwrap();
    let mut names: Vec<&String> = contents.keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "d/a.txt",
            "d/b.txt",
            "d/sub/c.txt",
            "model.json",
            "tbl.table.json"
        ]
    );
    for (path, want) in [("d/a.txt", "hello\n"), ("model.json", "{\"x\":1}\n")] {
        let digest = contents[path]["digest"].as_str().unwrap();
        let bytes = artifact_file(&artifact, path, Some(digest))
            .unwrap_or_else(|| panic!("{path} not uploaded: {:?}", artifact.files().keys()));
        assert_eq!(bytes, want.as_bytes(), "{path}");
    }
    assert_eq!(got.completion(), Completion::Complete { exit_code: 0 });
}
