//! wandb-core killed in the middle of an online run that carries everything besides history
//! rows (metric definitions, system metrics, captured console lines, saved files of each
//! policy, an artifact): every logging call still succeeds, the run's folder keeps every
//! record and file, `finish` says the upload did not complete, and `wb sync` of the folder to
//! a fresh server uploads it all (rows, summary, console lines and `output.log`, stats, saved
//! files, `wandb-metadata.json`, the artifact).
//!
//! A test binary of its own: it captures this process's console and kills this process's
//! wandb-core children. Opt-in (`#[ignore]`):
//! `cargo test -p wb-cli --test faults_core_killed -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod faults_support;

use faults_support::*;
use wb_fake_backend::Backend;
use wb_run::Console;

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn a_killed_core_keeps_everything_locally_and_wb_sync_uploads_it() {
    let Some(core) = core() else { return };
    let live = Backend::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut carry = Carry::new(home.path(), Console::Redirect);
    let run = builder(
        &core,
        &live,
        &home.path().join("project"),
        Console::Redirect,
    )
    .build()
    .unwrap();
    carry.begin(&run);
    carry.log(&run, 0..4);

    assert!(kill_cores(&core) > 0, "wandb-core is running");
    // Every call goes on succeeding (they unwrap) while core is dead.
    carry.log(&run, 4..10);
    carry.end(&run);
    let err = run.finish(0).unwrap_err();
    assert_upload_incomplete(&err, run.dir());
    assert!(!run.is_online());

    // The folder keeps every record. (That the run warns once is checked where its stderr
    // is the process's own: wb-run's tests/online_faults_console.rs.)
    assert_local_log_complete(run.dir(), &carry, 10);

    // output.log, which core was writing, holds every line: the run wrote it from its log.
    let before = std::fs::read_to_string(run.dir().join("files/output.log")).unwrap();
    for line in &carry.written {
        let line = line.strip_prefix("ERROR ").unwrap_or(line);
        assert!(
            before.lines().any(|l| l == line),
            "{line} not in output.log"
        );
    }
    // A fresh server gets it all from `wb sync`.
    let fresh = Backend::start().unwrap();
    wb_sync(home.path(), &core, &fresh, run.dir());
    assert_backend_holds_the_run(&fresh, run.dir(), &carry);
    // The upload wrote the folder's output.log from the records as the run had: unchanged.
    let after = std::fs::read_to_string(run.dir().join("files/output.log")).unwrap();
    assert_eq!(after, before);
    let got = fresh.run(run.id()).unwrap();
    assert!(got.file("output.log") == Some(before.as_bytes()));
}
