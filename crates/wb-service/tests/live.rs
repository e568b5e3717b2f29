//! wb-service against the real wandb-core 0.31.0 and the fake W&B backend on 127.0.0.1.
//!
//! The tests that need wandb-core are opt-in (`cargo test -p wb-service -- --ignored`; CI runs
//! them after building `target/conformance-venv` with `cargo xtask conformance`). The binary
//! comes from `WB_CORE_PATH`, else that venv; without one they are skipped with a message,
//! except in CI (`CI=true`), where they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wb_fake_backend::{Backend, Completion};
use wb_proto::{
    HistoryAction, HistoryItem, HistoryStep, PartialHistoryRequest, Record, RecordType, Request,
    RequestType, ResultType, RunExitRecord, RunRecord, RunStartRequest, Settings,
};
use wb_service::{Client, CoreBinary, Error};

const KEY: &str = "0123456789abcdef0123456789abcdef01234567";

fn core() -> Option<CoreBinary> {
    match wb_fake_backend::locate_wandb_core() {
        Ok(p) => Some(CoreBinary::from_path(p).unwrap()),
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("these tests need wandb-core 0.31.0: {e}");
            }
            eprintln!("SKIPPED: these tests need wandb-core 0.31.0: {e}");
            None
        }
    }
}

fn client(core: &CoreBinary) -> Client {
    Client::builder()
        .with_binary(core.clone())
        .with_start_timeout(Duration::from_secs(60))
        .with_request_timeout(Duration::from_secs(15))
        .build()
        .unwrap()
}

/// The settings an online run needs (see the reference on wandb-core).
fn settings(root: &Path, base_url: &str, key: &str, run_id: &str) -> Settings {
    let wandb_dir = root.join("wandb");
    let sync_dir = wandb_dir.join(format!("run-20250101_000000-{run_id}"));
    std::fs::create_dir_all(sync_dir.join("files")).unwrap();
    std::fs::create_dir_all(sync_dir.join("logs")).unwrap();
    let s = |p: &Path| Some(p.to_string_lossy().into_owned());
    Settings {
        base_url: Some(base_url.into()),
        api_key: Some(key.into()),
        run_id: Some(run_id.into()),
        project: Some("svc-proj".into()),
        mode: Some("online".into()),
        root_dir: s(root),
        wandb_dir: s(&wandb_dir),
        sync_dir: s(&sync_dir),
        sync_file: s(&sync_dir.join(format!("run-{run_id}.wandb"))),
        log_dir: s(&sync_dir.join("logs")),
        log_internal: s(&sync_dir.join("logs/debug-internal.log")),
        x_start_time: Some(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs_f64(),
        ),
        x_disable_stats: Some(true),
        x_disable_meta: Some(true),
        ..Default::default()
    }
}

fn run_record(run_id: &str) -> Record {
    Record {
        record_type: Some(RecordType::Run(RunRecord {
            run_id: run_id.into(),
            project: "svc-proj".into(),
            display_name: "by-hand".into(),
            ..Default::default()
        })),
        ..Default::default()
    }
}

fn request(r: RequestType) -> Record {
    Record {
        record_type: Some(RecordType::Request(Request {
            request_type: Some(r),
        })),
        ..Default::default()
    }
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn core_starts_and_reports_its_version() {
    let Some(core) = core() else { return };
    assert_eq!(core.version().unwrap(), "0.31.0");
    let c = client(&core);
    assert_eq!(c.version(), "0.31.0");
    assert!(c.is_alive());
    c.teardown(0, Duration::from_secs(30)).unwrap();
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn a_run_published_by_hand_reaches_the_backend() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let root = tempfile::tempdir().unwrap();
    let c = client(&core);
    let run_id = "byhand01";
    let stream = c
        .inform_init(
            settings(root.path(), backend.base_url(), KEY, run_id),
            run_id,
        )
        .unwrap();

    let answer = stream
        .communicate(run_record(run_id), Duration::from_secs(60))
        .unwrap();
    let Some(ResultType::RunResult(r)) = answer.result_type else {
        panic!("not a run result: {answer:?}")
    };
    assert!(r.error.is_none(), "{:?}", r.error);
    let run = r.run.unwrap();
    assert_eq!(run.run_id, run_id);
    assert!(!run.entity.is_empty(), "the server's entity comes back");

    stream
        .communicate(
            request(RequestType::RunStart(RunStartRequest {
                run: Some(run),
                info: None,
            })),
            Duration::from_secs(60),
        )
        .unwrap();
    for step in 0..3i64 {
        stream
            .publish(request(RequestType::PartialHistory(
                PartialHistoryRequest {
                    item: vec![HistoryItem {
                        key: "loss".into(),
                        value_json: format!("{}", 1.0 / (step as f64 + 1.0)),
                        ..Default::default()
                    }],
                    step: Some(HistoryStep { num: step }),
                    action: Some(HistoryAction { flush: true }),
                    info: None,
                },
            )))
            .unwrap();
    }
    let exit = stream
        .deliver(Record {
            record_type: Some(RecordType::Exit(RunExitRecord {
                exit_code: 0,
                ..Default::default()
            })),
            ..Default::default()
        })
        .unwrap();
    exit.wait(Duration::from_secs(120)).unwrap();
    stream.finish().unwrap();
    c.teardown(0, Duration::from_secs(60)).unwrap();

    let got = backend.run(run_id).expect("the run is on the backend");
    assert_eq!(got.project(), "svc-proj");
    assert_eq!(got.display_name(), Some("by-hand"));
    let rows = got.history().unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    for (step, row) in rows.iter().enumerate() {
        assert_eq!(row["_step"], step);
        assert_eq!(row["loss"], 1.0 / (step as f64 + 1.0));
    }
    assert_eq!(got.completion(), Completion::Complete { exit_code: 0 });
    // Core keeps its own transaction log of the online run.
    let log = root.path().join(format!(
        "wandb/run-20250101_000000-{run_id}/run-{run_id}.wandb"
    ));
    assert!(log.is_file(), "{log:?}");
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn a_wrong_key_is_an_error_in_bounded_time() {
    let Some(core) = core() else { return };
    let backend = Backend::builder().with_api_key(KEY).start().unwrap();
    let root = tempfile::tempdir().unwrap();
    let c = client(&core);
    let wrong = "f".repeat(40);
    let stream = c
        .inform_init(
            settings(root.path(), backend.base_url(), &wrong, "badkey01"),
            "badkey01",
        )
        .unwrap();
    let t = Instant::now();
    let answer = stream
        .communicate(run_record("badkey01"), Duration::from_secs(120))
        .unwrap();
    let Some(ResultType::RunResult(r)) = answer.result_type else {
        panic!("not a run result: {answer:?}")
    };
    let err = r.error.expect("a refused key is an error");
    eprintln!("401 answered in {:?}: {err:?}", t.elapsed());
    assert!(backend.requests().iter().any(|r| r.status() == 401));
    assert!(backend.run("badkey01").is_none());
    c.teardown(0, Duration::from_secs(30)).unwrap();
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn a_killed_core_is_an_error_not_a_hang() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let root = tempfile::tempdir().unwrap();
    let c = client(&core);
    let stream = c
        .inform_init(
            settings(root.path(), backend.base_url(), KEY, "killed01"),
            "killed01",
        )
        .unwrap();
    let status = std::process::Command::new("kill")
        .args(["-9", &c.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // A request sent after the kill, waiting far longer than the test may take: the closed
    // connection ends the wait.
    let t = Instant::now();
    let err = stream
        .communicate(run_record("killed01"), Duration::from_secs(3600))
        .unwrap_err();
    assert!(matches!(err, Error::CoreDied { .. }), "{err}");
    assert!(t.elapsed() < Duration::from_secs(600));
    assert!(!c.is_alive());
    let err = stream.publish(run_record("killed01")).unwrap_err();
    assert!(matches!(err, Error::CoreDied { .. }), "{err}");
    assert!(err.to_string().contains("signal: 9"), "{err}");
}

#[cfg(unix)]
#[test]
fn another_version_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("wandb-core");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho 'wandb-core - W&B SDK core service'\necho\necho 'Version: 0.30.0'\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = Client::builder()
        .with_binary(CoreBinary::from_path(&fake).unwrap())
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::WrongVersion { ref found, .. } if found == "0.30.0"),
        "{err}"
    );
    assert!(err.to_string().contains("0.31.0"), "{err}");
}

#[test]
fn no_binary_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = CoreBinary::from_path(dir.path().join("nothing")).unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    for way in [
        "WB_CORE_PATH",
        "pip install wandb==0.31.0",
        "wb core install",
    ] {
        assert!(err.to_string().contains(way), "{err}");
    }
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn an_unreachable_server_is_an_error_or_a_timeout_never_a_hang() {
    let Some(core) = core() else { return };
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let root = tempfile::tempdir().unwrap();
    let c = client(&core);
    let url = format!("http://127.0.0.1:{port}");
    let stream = c
        .inform_init(settings(root.path(), &url, KEY, "nowhere1"), "nowhere1")
        .unwrap();
    let t = Instant::now();
    let bound = Duration::from_secs(20);
    match stream.communicate(run_record("nowhere1"), bound) {
        Ok(answer) => {
            let Some(ResultType::RunResult(r)) = answer.result_type else {
                panic!("not a run result: {answer:?}")
            };
            assert!(r.error.is_some(), "{r:?}");
            eprintln!(
                "unreachable server: error after {:?}: {:?}",
                t.elapsed(),
                r.error
            );
        }
        Err(Error::Timeout { .. }) => {
            eprintln!("unreachable server: no answer within {bound:?} (core retries)");
        }
        Err(e) => panic!("{e}"),
    }
    assert!(t.elapsed() < bound + Duration::from_secs(5));
    assert!(c.is_alive());
}
