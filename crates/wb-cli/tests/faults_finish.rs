//! An online run whose server fails for good: the key is revoked, or the server goes down,
//! and stays so at `finish`. `finish` returns [`wb_run::Error::UploadIncomplete`] saying what
//! happened (the server's 401 answer; the finish timeout and the last retrying error), the
//! run's folder holds every record, and a later `wb sync` (new key accepted, server back)
//! uploads everything. A warning of wandb-core that is no failure (an artifact that already
//! exists with the same content) leaves `finish` Ok.
//!
//! Opt-in (`#[ignore]`): `cargo test -p wb-cli --test faults_finish -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod faults_support;

use faults_support::*;
use std::time::Duration;
use wb_fake_backend::Backend;
use wb_run::Console;

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn a_key_revoked_before_finish_is_an_error_and_wb_sync_uploads_the_run() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut carry = Carry::new(home.path(), Console::Off);
    let run = builder(&core, &backend, &home.path().join("project"), Console::Off)
        .build()
        .unwrap();
    carry.begin(&run);
    // The key stops working before any row reached the server: every request is answered
    // 401. (Rows that had arrived would be sent again by `wb sync`, which continues the
    // history at the server's line count: docs/reliability.md.)
    backend.require_api_key("f".repeat(40));
    carry.log(&run, 0..6);
    carry.end(&run);
    let err = run.finish(0).unwrap_err();
    eprintln!("revoked key: {err}");
    assert_upload_incomplete(&err, run.dir());
    assert!(err.to_string().contains("401"), "{err}");
    assert_local_log_complete(run.dir(), &carry, 6);

    // A later `wb sync` with a key the server takes uploads it all.
    backend.require_api_key(KEY);
    wb_sync(home.path(), &core, &backend, run.dir());
    assert_backend_holds_the_run(&backend, run.dir(), &carry);
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn a_server_down_at_finish_is_an_error_and_wb_sync_uploads_the_run() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut carry = Carry::new(home.path(), Console::Off);
    let limit = Duration::from_secs(5);
    let run = builder(&core, &backend, &home.path().join("project"), Console::Off)
        .with_finish_timeout(limit)
        .build()
        .unwrap();
    carry.begin(&run);
    // The server goes down before any row reached it (see above).
    backend.stop_listening();
    carry.log(&run, 0..6);
    carry.end(&run);
    let err = run.finish(0).unwrap_err();
    eprintln!("server down: {err}");
    assert_upload_incomplete(&err, run.dir());
    let text = err.to_string();
    assert!(text.contains(&format!("within {limit:?}")), "{err}");
    assert!(text.contains("connection refused"), "{err}");
    assert_local_log_complete(run.dir(), &carry, 6);

    // Once the server is back, `wb sync` uploads it all.
    backend.resume_listening().unwrap();
    wb_sync(home.path(), &core, &backend, run.dir());
    assert_backend_holds_the_run(&backend, run.dir(), &carry);
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn a_warning_that_is_no_failure_leaves_finish_ok() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let carry = Carry::new(home.path(), Console::Off);
    // The second run logs an artifact with the content of the first one's: wandb-core warns
    // that no new version is created, and the upload is complete all the same.
    for _ in 0..2 {
        let run = builder(&core, &backend, &home.path().join("project"), Console::Off)
            .build()
            .unwrap();
        carry.end(&run);
        run.finish(0).unwrap();
        assert_eq!(
            backend.run(run.id()).unwrap().completion(),
            wb_fake_backend::Completion::Complete { exit_code: 0 }
        );
    }
}
