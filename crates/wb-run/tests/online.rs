//! Online runs through the real wandb-core 0.31.0 against the recording fake backend
//! (`wb-fake-backend` on 127.0.0.1): what the run logs reaches the server as the local `.wandb`
//! log holds it, and faults (server errors, a down server, a wrong key, no binary, a killed
//! core) end in a clear error or in a complete local log, never in a hang.
//!
//! The tests that start wandb-core are opt-in (`#[ignore]`), as CI runs them once
//! `cargo xtask conformance` has built `target/conformance-venv`:
//!
//! ```sh
//! cargo test -p wb-run --test online --test online_core_killed --test online_differential -- --ignored
//! ```
//!
//! wandb-core is found as `$WB_CORE_PATH`, else in `target/conformance-venv` (as CI has it),
//! else in `/work/venv`. Without it they are skipped with a message, except under `CI=true`,
//! where they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod online_support;

use online_support::*;
use serde_json::json;
use std::time::Duration;
use wb_fake_backend::{Backend, Fault};
use wb_run::{Error, Mode, Run};

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn an_online_run_reaches_the_server_as_its_local_log_holds_it() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = builder(&core, &backend, tmp.path())
        .with_name("online-ref")
        .with_config_value("lr", 0.01)
        .build()
        .unwrap();
    assert!(run.is_online());
    let folder = run
        .dir()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        folder.starts_with("run-") && folder.ends_with(run.id()),
        "{folder}"
    );
    let url = run.url().unwrap().to_owned();
    assert!(
        url.starts_with(backend.base_url())
            && url.ends_with(&format!("/online-proj/runs/{}", run.id())),
        "{url}"
    );
    log_reference(&run, 5);
    run.finish(0).unwrap();
    assert_uploaded(&backend, run.dir(), run.id(), 6);
    let got = backend.run(run.id()).unwrap();
    assert_eq!(got.display_name(), Some("online-ref"));
    assert_eq!(got.config_values().get("lr"), Some(&json!(0.01)));
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn a_run_dropped_while_panicking_finishes_with_exit_code_1() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = builder(&core, &backend, tmp.path())
        .with_id("panic001")
        .build()
        .unwrap();
    let worker = std::thread::spawn(move || {
        run.log(wb_run::Row::new().with("loss", 0.5)).unwrap();
        panic!("the training loop failed");
    });
    assert!(worker.join().is_err());
    let got = backend.run("panic001").unwrap();
    assert_eq!(got.history().unwrap().len(), 1);
    assert_eq!(
        got.completion(),
        wb_fake_backend::Completion::Complete { exit_code: 1 }
    );
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn server_errors_for_a_while_lose_nothing() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = builder(&core, &backend, tmp.path()).build().unwrap();
    backend.inject(Fault::new(500, 3).with_path_prefix("/files/"));
    backend.inject(
        Fault::new(429, 2)
            .with_retry_after(1)
            .with_path_prefix("/files/"),
    );
    log_reference(&run, 5);
    run.finish(0).unwrap();
    assert!(backend.requests().iter().any(|r| r.is_injected()));
    assert_uploaded(&backend, run.dir(), run.id(), 6);
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn a_wrong_key_is_a_clear_error() {
    let Some(core) = core() else { return };
    let backend = Backend::builder().with_api_key(KEY).start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let err = builder(&core, &backend, tmp.path())
        .with_api_key("f".repeat(40))
        .with_init_timeout(Duration::from_secs(120))
        .build()
        .unwrap_err();
    eprintln!("wrong key: {err}");
    assert!(matches!(err, Error::RunRefused { .. }), "{err}");
    assert!(backend.requests().iter().any(|r| r.status() == 401));
    assert!(backend.run("x").is_none() && backend.runs().is_empty());
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn a_server_that_is_down_is_an_error_in_bounded_time() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    backend.stop_listening();
    let tmp = tempfile::tempdir().unwrap();
    let err = builder(&core, &backend, tmp.path())
        .with_init_timeout(Duration::from_secs(15))
        .build()
        .unwrap_err();
    eprintln!("server down: {err}");
    assert!(
        matches!(err, Error::InitTimeout { .. } | Error::RunRefused { .. }),
        "{err}"
    );
    assert!(err.to_string().contains(backend.base_url()), "{err}");
}

#[test]
fn a_missing_binary_is_a_clear_error() {
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-wandb-core");
    let err = builder(&missing, &backend, tmp.path()).build().unwrap_err();
    eprintln!("no binary: {err}");
    assert!(matches!(err, Error::Service(_)), "{err}");
    assert!(err.to_string().contains("no-such-wandb-core"), "{err}");
}

#[test]
fn a_disabled_run_writes_nothing_and_starts_no_core() {
    let tmp = tempfile::tempdir().unwrap();
    let run = Run::builder()
        .with_mode(Mode::Disabled)
        .with_dir(tmp.path())
        .with_data_dir(tmp.path().join("data"))
        .build()
        .unwrap();
    log_reference(&run, 3);
    run.finish(0).unwrap();
    assert!(!run.is_online() && run.url().is_none());
    assert!(files_under(tmp.path()).is_empty());
}
