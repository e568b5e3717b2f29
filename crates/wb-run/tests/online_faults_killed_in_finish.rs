//! wandb-core killed while `finish` waits for it (the server answers 429 for a while, so the
//! upload is still going on): `finish` returns [`wb_run::Error::UploadIncomplete`], the local
//! log holds every record and `output.log` every console line.
//!
//! A test binary of its own: it captures this process's console (the default) and kills this
//! process's wandb-core children. Opt-in
//! (`#[ignore]`): `cargo test -p wb-run --test online_faults_killed_in_finish -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod online_support;

use online_support::*;
use std::io::Write;
use std::time::{Duration, Instant};
use wb_fake_backend::{Backend, Completion, Fault};
use wb_run::{Row, RunLog};

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn core_killed_while_finish_waits_is_an_error_and_loses_nothing_locally() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = builder(&core, &backend, tmp.path()).build().unwrap();
    let pids = core_pids(&core);
    assert!(!pids.is_empty(), "wandb-core is running");
    // From now on the file stream is refused long enough for finish to wait on it.
    backend.inject(
        Fault::new(429, 30)
            .with_retry_after(1)
            .with_path_prefix("/files/"),
    );
    for step in 0..5u32 {
        run.log(Row::new().with("loss", f64::from(step))).unwrap();
        std::io::stdout()
            .write_all(format!("line {step}\n").as_bytes())
            .unwrap();
    }
    // Core is killed once finish waits on it: once it uploads the run's summary file, which
    // it does when the run exits, while the file stream is still refused.
    let err = std::thread::scope(|s| {
        s.spawn(|| {
            let start = Instant::now();
            while !finishing(&backend) && start.elapsed() < Duration::from_secs(60) {
                std::thread::sleep(Duration::from_millis(50));
            }
            kill_cores(&core);
        });
        run.finish(0)
    });
    assert!(finishing(&backend));
    let err = err.unwrap_err();
    assert_upload_incomplete(&err, run.dir());
    let log = RunLog::read(run.dir()).unwrap();
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    assert_eq!(log.history().unwrap().len(), 5);
    assert_eq!(log.exit_code(), Some(0));
    let got = backend.run(run.id()).unwrap();
    assert_ne!(got.completion(), Completion::Complete { exit_code: 0 });
    let output = std::fs::read_to_string(run.dir().join("files/output.log")).unwrap();
    for step in 0..5 {
        let line = format!("line {step}");
        assert!(
            output.lines().any(|l| l == line),
            "{line} not in {output:?}"
        );
    }
}

/// Whether core is finishing the run: it uploads the summary file only then.
fn finishing(backend: &Backend) -> bool {
    backend
        .requests()
        .iter()
        .any(|r| r.path().ends_with("/wandb-summary.json"))
}
