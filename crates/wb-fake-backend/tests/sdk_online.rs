//! The real SDK (`wandb==0.31.0`, its Python and its wandb-core) online against the fake
//! backend: what a run logs arrives whole, through server errors too, and a wrong key fails.
//!
//! They need the SDK's Python, so they are opt-in (`#[ignore]`); CI runs them after
//! `cargo xtask conformance` has built `target/conformance-venv`:
//!
//! ```sh
//! cargo test -p wb-fake-backend -- --ignored
//! ```
//!
//! `WB_PYTHON` picks another interpreter. Without one they fail under `CI=true` and are
//! skipped, with a message, elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{KEY, files_under, python, run_bounded, sdk_command, sha256_hex};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;
use wb_fake_backend::{ArtifactState, Backend, Completion, Fault, RunRecord};

/// A generous bound for one SDK process: a run takes seconds, retries tens of seconds.
const LIMIT: Duration = Duration::from_secs(240);

/// Logs scalars, images and a table, sets the summary, finishes; writes the run's id and
/// files dir to argv[1] as JSON.
const SCRIPT: &str = r#"
import json, sys, wandb, numpy as np
assert wandb.__version__ == "0.31.0", wandb.__version__
out, root, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
run = wandb.init(project="fake-proj", dir=root, name="shown-name", notes="some notes",
                 tags=["rust", "fake"],
                 config={"lr": 0.01, "layers": [64, 32], "opt": {"name": "adam"}})
for step in range(steps):
    img = np.zeros((8, 6, 3), dtype=np.uint8)
    img[..., step % 3] = 40 * (step + 1)
    run.log({"loss": 1.0 / (step + 1), "acc": step * 0.25, "img": wandb.Image(img)})
print("console line from the script", flush=True)
run.log({"table": wandb.Table(columns=["a", "b"], data=[[1, "x"], [2, "y"]])})
run.summary["best"] = 0.875
info = {"id": run.id, "files": run.dir}
run.finish()
with open(out, "w") as f:
    json.dump(info, f)
"#;

struct SdkRun {
    id: String,
    files: PathBuf,
}

fn run_script(
    python: &Path,
    backend: &Backend,
    key: &str,
    steps: usize,
    env: &[(&str, &str)],
) -> (SdkRun, String) {
    let home = tempfile::tempdir().unwrap();
    let script = home.path().join("script.py");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = home.path().join("out.json");
    let mut cmd = sdk_command(python, home.path(), backend.base_url(), key);
    cmd.envs(env.iter().copied());
    cmd.arg(&script)
        .arg(&out)
        .arg(home.path())
        .arg(steps.to_string());
    let done = run_bounded(cmd, LIMIT);
    assert!(done.success, "the SDK run failed\n{done}");
    let info: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let run = SdkRun {
        id: info["id"].as_str().unwrap().to_string(),
        files: PathBuf::from(info["files"].as_str().unwrap()),
    };
    // The temp dir must outlive the checks: keep it.
    std::mem::forget(home);
    (run, done.to_string())
}

/// Everything the run logged is on the backend, byte for byte where there are bytes.
fn assert_run_arrived_whole(backend: &Backend, sdk: &SdkRun, steps: usize, log: &str) {
    let run: RunRecord = backend
        .run(&sdk.id)
        .unwrap_or_else(|| panic!("no run {} on the backend\n{log}", sdk.id));
    assert_eq!(run.project(), "fake-proj");
    assert_eq!(run.display_name(), Some("shown-name"));
    assert_eq!(run.notes(), Some("some notes"));
    assert_eq!(
        run.tags(),
        Some(&["rust".to_string(), "fake".to_string()][..])
    );
    let config = run.config_values();
    assert_eq!(config["lr"], json!(0.01));
    assert_eq!(config["layers"], json!([64, 32]));
    assert_eq!(config["opt"], json!({"name": "adam"}));

    // History: every step, in order, nothing missing.
    assert!(
        run.missing_history_lines().is_empty(),
        "{:?}",
        run.missing_history_lines()
    );
    let rows = run.history().unwrap();
    assert_eq!(rows.len(), steps + 1, "{rows:#?}");
    for (step, row) in rows.iter().take(steps).enumerate() {
        assert_eq!(row["_step"], json!(step));
        assert_eq!(row["loss"].as_f64().unwrap(), 1.0 / (step as f64 + 1.0));
        assert_eq!(row["acc"].as_f64().unwrap(), step as f64 * 0.25);
        let img = &row["img"];
        assert_eq!(img["_type"], "image-file");
        assert_eq!(
            (img["width"].as_u64(), img["height"].as_u64()),
            (Some(6), Some(8))
        );
        let path = img["path"].as_str().unwrap();
        let uploaded = run
            .file(path)
            .unwrap_or_else(|| panic!("{path} was not uploaded"));
        assert_eq!(sha256_hex(uploaded), img["sha256"].as_str().unwrap());
        assert_eq!(uploaded, std::fs::read(sdk.files.join(path)).unwrap());
    }
    let table_row = &rows[steps];
    assert_eq!(table_row["table"]["_type"], "table-file");

    // Summary: the same as the run's local wandb-summary.json.
    let local_summary: Value =
        serde_json::from_slice(&std::fs::read(sdk.files.join("wandb-summary.json")).unwrap())
            .unwrap();
    assert_eq!(run.summary().unwrap().as_ref(), Some(&local_summary));
    assert_eq!(local_summary["best"], json!(0.875));

    // Every file of the run's files dir, uploaded with its bytes.
    let local = files_under(&sdk.files);
    for name in &local {
        let bytes = std::fs::read(sdk.files.join(name)).unwrap();
        let up = run.file(name).unwrap_or_else(|| {
            panic!(
                "{name} was not uploaded; uploaded: {:?}",
                run.files().keys()
            )
        });
        assert!(
            up == bytes.as_slice(),
            "{name}: the uploaded bytes differ from the local file"
        );
    }
    for name in run.requested_files() {
        assert!(
            run.file(name).is_some(),
            "{name} got an upload URL but was not uploaded"
        );
    }
    assert!(
        run.console_lines()
            .iter()
            .any(|l| l.contains("console line from the script"))
    );
    assert_eq!(run.completion(), Completion::Complete { exit_code: 0 });

    // The table's artifact: committed, its manifest lists the uploaded file with its md5.
    let art = backend
        .artifact(&format!("run-{}-table", sdk.id))
        .unwrap_or_else(|| panic!("no table artifact; artifacts: {:?}", backend.artifacts()));
    assert_eq!(art.type_name(), "run_table");
    assert_eq!(art.state(), ArtifactState::Committed);
    let manifest = art.manifest().unwrap().expect("the manifest was uploaded");
    let contents = manifest["contents"].as_object().unwrap();
    assert_eq!(
        contents.keys().collect::<Vec<_>>(),
        vec!["table.table.json"]
    );
    let entry = &contents["table.table.json"];
    let bytes = art
        .file("table.table.json")
        .expect("the table file was uploaded");
    assert_eq!(entry["size"].as_u64(), Some(bytes.len() as u64));
    assert_eq!(entry["digest"].as_str().unwrap(), md5_b64(bytes));
    let table: Value = serde_json::from_slice(bytes).unwrap();
    assert_eq!(table["columns"], json!(["a", "b"]));
    assert_eq!(table["data"], json!([[1, "x"], [2, "y"]]));
}

/// The base64 md5 that manifests carry as a file's digest.
fn md5_b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use md5::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(bytes))
}

#[test]
#[ignore = "needs the SDK's Python (target/conformance-venv or WB_PYTHON)"]
fn sdk_online_run_arrives_whole() {
    let Some(py) = python() else { return };
    let backend = Backend::start().unwrap();
    let (sdk, log) = run_script(&py, &backend, KEY, 4, &[]);
    assert_run_arrived_whole(&backend, &sdk, 4, &log);
    // The first requests are the ones wandb-core makes to start a run.
    let ops = backend.operations();
    assert!(ops.contains(&"UpsertBucket".to_string()), "{ops:?}");
    assert!(
        backend
            .requests()
            .iter()
            .filter(|r| r.path() == "/graphql")
            .all(|r| r.api_key().as_deref() == Some(KEY))
    );
}

#[test]
#[ignore = "needs the SDK's Python (target/conformance-venv or WB_PYTHON)"]
fn sdk_online_run_survives_server_errors() {
    let Some(py) = python() else { return };
    // With the FILESTREAM_GZIP feature and the SDK's gzip setting on, wandb-core gzips
    // file_stream bodies: decoded here too.
    let backend = Backend::builder()
        .with_server_feature("FILESTREAM_GZIP", true)
        .start()
        .unwrap();
    backend.inject(Fault::new(500, 1).with_operation("UpsertBucket"));
    backend.inject(Fault::new(500, 2).with_path_prefix("/files/"));
    backend.inject(
        Fault::new(429, 2)
            .with_operation("CreateRunFiles")
            .with_retry_after(1),
    );
    backend.inject(Fault::new(503, 2).with_path_prefix("/upload/"));
    backend.inject(Fault::new(500, 1).with_operation("CreateArtifact"));
    backend.inject(Fault::disconnect(1).with_operation("CreateArtifactFiles"));
    backend.inject(Fault::disconnect(1).with_path_prefix("/files/"));
    let (sdk, log) = run_script(
        &py,
        &backend,
        KEY,
        3,
        &[("WANDB_X_FILE_STREAM_NO_GZIP", "false")],
    );
    assert!(
        backend.pending_faults().is_empty(),
        "every fault fired: {:?}",
        backend.pending_faults()
    );
    let injected: Vec<u16> = backend
        .requests()
        .iter()
        .filter(|r| r.is_injected())
        .map(|r| r.status())
        .collect();
    assert_eq!(injected.len(), 10, "{injected:?}");
    assert!(
        backend
            .requests()
            .iter()
            .any(|r| r.path().ends_with("/file_stream") && r.is_gzipped()),
        "file_stream bodies were gzipped"
    );
    assert_run_arrived_whole(&backend, &sdk, 3, &log);
}

#[test]
#[ignore = "needs the SDK's Python (target/conformance-venv or WB_PYTHON)"]
fn sdk_online_wrong_key_fails() {
    let Some(py) = python() else { return };
    let backend = Backend::builder().with_api_key(KEY).start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let wrong = "wrongkey".repeat(5);
    let mut cmd = sdk_command(&py, home.path(), backend.base_url(), &wrong);
    cmd.args([
        "-c",
        "import wandb; run = wandb.init(project='fake-proj'); run.log({'a': 1}); run.finish()",
    ]);
    let done = run_bounded(cmd, LIMIT);
    assert!(!done.success, "a wrong key must fail the run\n{done}");
    // The backend's 401 message reaches the user.
    assert!(
        done.stderr
            .contains("the API key is not the one this backend accepts"),
        "{done}"
    );
    let statuses: Vec<u16> = backend.requests().iter().map(|r| r.status()).collect();
    assert!(statuses.contains(&401), "{statuses:?}");
    assert!(
        backend.runs().iter().all(|r| r.upserts().is_empty()),
        "no run was created"
    );
}

/// Runs `code` (Python, with `root` and `marker` in scope as argv[1..]) against the backend.
fn run_code(
    python: &Path,
    backend: &Backend,
    home: &Path,
    code: &str,
    args: &[&str],
) -> common::Finished {
    let mut cmd = sdk_command(python, home, backend.base_url(), KEY);
    cmd.arg("-c").arg(code).args(args);
    let done = run_bounded(cmd, LIMIT);
    assert!(done.success, "the SDK run failed\n{done}");
    done
}

#[test]
#[ignore = "needs the SDK's Python (target/conformance-venv or WB_PYTHON)"]
fn sdk_online_resume_continues_where_the_backend_stopped() {
    let Some(py) = python() else { return };
    let backend = Backend::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let root = home.path().to_str().unwrap();
    let code = r#"
import sys, wandb
run = wandb.init(project="fake-proj", dir=sys.argv[1], id="resume-me", resume="allow",
                 config={"part": int(sys.argv[2])} if sys.argv[2] == "1" else None)
for i in range(3):
    run.log({"part": int(sys.argv[2]), "i": i})
run.finish()
"#;
    run_code(&py, &backend, home.path(), code, &[root, "1"]);
    let first = backend.run("resume-me").unwrap();
    assert_eq!(first.history_lines().len(), 3);
    run_code(&py, &backend, home.path(), code, &[root, "2"]);
    assert!(
        backend
            .operations()
            .contains(&"RunResumeStatus".to_string())
    );

    let run = backend.run("resume-me").unwrap();
    assert!(run.missing_history_lines().is_empty());
    let rows = run.history().unwrap();
    let seen: Vec<(i64, i64, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["_step"].as_i64().unwrap(),
                r["part"].as_i64().unwrap(),
                r["i"].as_i64().unwrap(),
            )
        })
        .collect();
    // The resumed run appends after the three rows the backend reported, steps continuing.
    assert_eq!(
        seen,
        vec![
            (0, 1, 0),
            (1, 1, 1),
            (2, 1, 2),
            (3, 2, 0),
            (4, 2, 1),
            (5, 2, 2)
        ]
    );
    // The config of the first part survives the resume.
    assert_eq!(run.config_values()["part"], json!(1));
    assert_eq!(run.completion(), Completion::Complete { exit_code: 0 });
}

/// Whether any log file under `dir` contains `needle`.
fn logs_contain(dir: &Path, needle: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            logs_contain(&p, needle)
        } else {
            p.extension().is_some_and(|x| x == "log")
                && std::fs::read(&p).is_ok_and(|b| String::from_utf8_lossy(&b).contains(needle))
        }
    })
}

/// Waits (bounded) for a file to appear.
fn wait_for_file(path: &Path, limit: Duration) {
    let deadline = std::time::Instant::now() + limit;
    while !path.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "{} did not appear within {limit:?}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
#[ignore = "needs the SDK's Python (target/conformance-venv or WB_PYTHON)"]
fn sdk_online_run_survives_the_server_going_down() {
    let Some(py) = python() else { return };
    let backend = Backend::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let root = home.path().to_path_buf();
    let code = r#"
import os, sys, time, wandb
root = sys.argv[1]
def signal(name):
    open(os.path.join(root, name), "w").close()
def wait(name):
    deadline = time.time() + 200
    while not os.path.exists(os.path.join(root, name)):
        assert time.time() < deadline, name
        time.sleep(0.05)
run = wandb.init(project="fake-proj", dir=root, id="down-run",
                 settings=wandb.Settings(x_file_stream_transmit_interval=0.5))
run.log({"i": 0})
signal("started")
wait("server-down")
for i in range(1, 6):
    run.log({"i": i})
wait("server-up")
run.finish()
"#;
    let mut cmd = sdk_command(&py, &root, backend.base_url(), KEY);
    cmd.arg("-c").arg(code).arg(&root);
    let runner = std::thread::spawn(move || run_bounded(cmd, LIMIT));

    wait_for_file(&root.join("started"), LIMIT);
    backend.stop_listening();
    std::fs::write(root.join("server-down"), b"").unwrap();
    // wandb-core finds the server gone: a refused connection in its log.
    let refused = {
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        loop {
            if logs_contain(&root.join("wandb"), "connection refused") {
                break true;
            }
            if std::time::Instant::now() >= deadline {
                break false;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    backend.resume_listening().unwrap();
    std::fs::write(root.join("server-up"), b"").unwrap();
    let done = runner.join().unwrap();
    assert!(done.success, "the SDK run failed\n{done}");
    assert!(
        refused,
        "wandb-core never logged a refused connection\n{done}"
    );

    let run = backend.run("down-run").unwrap();
    assert!(run.missing_history_lines().is_empty());
    let steps: Vec<i64> = run
        .history()
        .unwrap()
        .iter()
        .map(|r| r["i"].as_i64().unwrap())
        .collect();
    assert_eq!(steps, vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(run.completion(), Completion::Complete { exit_code: 0 });
}

#[test]
#[ignore = "needs the SDK's wandb-core (target/conformance-venv or WB_CORE_PATH)"]
fn the_located_wandb_core_is_0_31_0() {
    let core = match wb_fake_backend::locate_wandb_core() {
        Ok(core) => core,
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("{e}"),
        Err(e) => {
            eprintln!("SKIPPED (no wandb-core here, and CI is not set): {e}");
            return;
        }
    };
    let out = std::process::Command::new(&core)
        .arg("--help")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("Version: 0.31.0"),
        "{}: {text}",
        core.display()
    );
}
