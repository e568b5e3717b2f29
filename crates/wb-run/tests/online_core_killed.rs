//! A wandb-core killed in the middle of an online run: logging goes on locally, every row
//! reaches the local log, the run says it is no longer online, and wandb-core's upload of the
//! local log (what `wb sync` runs) sends the rest. A test binary of its own, so the only
//! wandb-core children of this process are this test's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod online_support;

use online_support::*;
use std::time::Duration;
use wb_fake_backend::{Backend, Completion};
use wb_run::{Row, RunLog};

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn a_killed_core_loses_nothing_locally_and_sync_uploads_the_rest() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = builder(&core, &backend, tmp.path()).build().unwrap();
    for step in 0..3u32 {
        run.log(Row::new().with("loss", f64::from(step))).unwrap();
    }
    assert!(kill_cores(&core) > 0, "wandb-core is running");
    // Logging goes on: every row reaches the local log; the run notices core is gone.
    for step in 3..10u32 {
        run.log(Row::new().with("loss", f64::from(step))).unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    // Finishing says the upload did not complete, once everything is written locally.
    let err = run.finish(0).unwrap_err();
    assert_upload_incomplete(&err, run.dir());
    assert!(!run.is_online());
    let log = RunLog::read(run.dir()).unwrap();
    let rows = log.history().unwrap();
    assert_eq!(rows.len(), 10);
    assert_eq!(log.exit_code(), Some(0));

    // wandb-core's own upload of the local log (what `wb sync` runs) sends the rest.
    core_sync(
        &core,
        &backend,
        run.log_path(),
        &tmp.path().join("wandb"),
        None,
    );
    let got = backend.run(run.id()).unwrap();
    let history = got.history().unwrap();
    assert_eq!(history.len(), 10);
    for (i, row) in history.iter().enumerate() {
        assert_eq!(row["loss"].as_f64(), Some(i as f64), "{row}");
    }
    assert_eq!(got.completion(), Completion::Complete { exit_code: 0 });
}
