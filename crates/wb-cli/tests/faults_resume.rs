//! A resumed online run (whose resume question the server fails for a while) whose
//! wandb-core is killed: the server keeps the rows of the first run, the resumed run's folder
//! keeps its own, and `wb sync` of that folder adds them after the first run's rows without
//! overwriting them.
//!
//! A test binary of its own: it kills this process's wandb-core children. Opt-in
//! (`#[ignore]`): `cargo test -p wb-cli --test faults_resume -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod faults_support;

use faults_support::*;
use wb_fake_backend::{Backend, Completion, Fault};
use wb_run::{Console, Error, Resume, Row, RunLog};

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn a_resumed_run_whose_core_is_killed_is_completed_by_wb_sync() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let root = home.path().join("project");
    let first = builder(&core, &backend, &root, Console::Off)
        .with_id("resumek1")
        .build()
        .unwrap();
    for i in 0..3 {
        first.log(Row::new().with("loss", f64::from(i))).unwrap();
    }
    first.summary(Row::new().with("best", 0.5)).unwrap();
    first.finish(1).unwrap();

    // The server fails the question whether the run exists, for a while.
    backend.inject(Fault::new(500, 2).with_operation("RunResumeStatus"));
    let second = builder(&core, &backend, &root, Console::Off)
        .with_id("resumek1")
        .with_resume(Resume::Must)
        .build()
        .unwrap();
    assert!(second.is_resumed());
    assert!(backend.pending_faults().is_empty());
    assert_eq!(second.step(), 3);
    // Core is killed before a row of the resumed run reaches the server. (Rows that had
    // arrived would be sent again by `wb sync`, which continues the history at the server's
    // line count: docs/reliability.md.)
    kill_cores(&core);
    for i in 3..8 {
        second.log(Row::new().with("loss", f64::from(i))).unwrap();
    }
    let err = second.finish(0).unwrap_err();
    assert!(matches!(err, Error::UploadIncomplete { .. }), "{err}");
    let log = RunLog::read(second.dir()).unwrap();
    let local: Vec<Option<i64>> = log.history().unwrap().iter().map(|r| r.step).collect();
    assert_eq!(local, (3..8).map(Some).collect::<Vec<_>>());

    let out = wb_sync(home.path(), &core, &backend, second.dir());
    let got = backend.run("resumek1").unwrap();
    let history = got.history().unwrap();
    eprintln!("{out}\n{history:#?}");
    assert_eq!(history_steps(&history), (0..8).collect::<Vec<_>>());
    for (i, row) in history.iter().enumerate() {
        assert_eq!(row["loss"].as_f64(), Some(i as f64), "{row}");
    }
    let summary = got.summary().unwrap().unwrap();
    assert_eq!(summary["best"], serde_json::json!(0.5), "{summary}");
    assert_eq!(got.completion(), Completion::Complete { exit_code: 0 });
}
