//! Console output of an online run through the real wandb-core 0.31.0 against the recording
//! fake backend: the captured lines reach the server's file stream (the Logs tab) and core
//! uploads `output.log`, as for a Python run doing the same writes (run beside it when the
//! SDK's Python is found).
//!
//! An offline run's console output is uploaded by `wandb sync` the same way: the `output.log`
//! it uploads is, byte for byte, the one the run wrote.
//!
//! Opt-in (`#[ignore]`), as it starts wandb-core:
//!
//! ```sh
//! cargo test -p wb-run --test online_console -- --ignored
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod online_support;

use online_support::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use wb_fake_backend::{Backend, Completion};
use wb_run::{Mode, Run};

const CHILD_DIR: &str = "WB_CONSOLE_CHILD_DIR";
const CHILD_URL: &str = "WB_CONSOLE_CHILD_URL";
const CHILD_CORE: &str = "WB_CONSOLE_CHILD_CORE";

/// The writes of both sides: (stream, text).
const WRITES: &[(&str, &str)] = &[
    ("out", "epoch 1 loss 0.5\n"),
    ("out", "progress 1/3\rprogress 2/3\rprogress 3/3\n"),
    ("err", "a warning\n"),
    ("out", "épsilon ☃\n"),
    ("out", "done"),
];

const SCRIPT: &str = r#"
import json, sys, wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
out, root = sys.argv[1], sys.argv[2]
writes = json.loads(sys.argv[3])
run = wandb.init(project="online-proj", dir=root)
for stream, text in writes:
    f = sys.stdout if stream == "out" else sys.stderr
    f.write(text)
    f.flush()
info = {"id": run.id, "dir": run.dir}
run.finish()
with open(out, "w") as f:
    json.dump(info, f)
"#;

/// The child's run: online when `CHILD_URL` is set, else offline.
fn child_run(dir: &Path) {
    let builder = match std::env::var(CHILD_URL) {
        Ok(url) => Run::builder()
            .with_mode(Mode::Online)
            .with_core_path(std::env::var_os(CHILD_CORE).unwrap())
            .with_base_url(url)
            .with_api_key(KEY),
        Err(_) => Run::builder().with_mode(Mode::Offline),
    };
    let run = builder
        .with_dir(dir)
        .with_data_dir(dir.join("data"))
        .with_project("online-proj")
        .with_silent(true)
        .build()
        .unwrap();
    for (stream, text) in WRITES {
        if *stream == "out" {
            let mut out = std::io::stdout();
            out.write_all(text.as_bytes()).unwrap();
            out.flush().unwrap();
        } else {
            std::io::stderr().write_all(text.as_bytes()).unwrap();
        }
    }
    run.finish(0).unwrap();
    std::fs::write(
        dir.join("run.txt"),
        format!("{}\n{}", run.id(), run.dir().display()),
    )
    .unwrap();
}

#[test]
#[ignore = "started by the tests below, in a child process"]
fn child_console_run() {
    if let Some(dir) = std::env::var_os(CHILD_DIR).map(PathBuf::from) {
        child_run(&dir);
    }
}

/// Runs `child_console_run` (online against `url` when given); returns its run id and folder.
fn run_child(dir: &Path, online: Option<(&str, &Path)>) -> (String, PathBuf) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "child_console_run",
        "--exact",
        "--ignored",
        "--nocapture",
        "--quiet",
        "--test-threads=1",
    ])
    .env(CHILD_DIR, dir)
    .env_remove(CHILD_URL)
    .env_remove("WANDB_CONSOLE")
    .env_remove("WANDB_MODE")
    .stdin(Stdio::null());
    if let Some((url, core)) = online {
        cmd.env(CHILD_URL, url).env(CHILD_CORE, core);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info = std::fs::read_to_string(dir.join("run.txt")).unwrap();
    let (id, run_dir) = info.split_once('\n').unwrap();
    (id.to_owned(), PathBuf::from(run_dir))
}

/// The console lines that reached `backend` for `run_id` (untimed, stdout's then stderr's),
/// and the uploaded `output.log`, checked against the local one.
fn uploaded(backend: &Backend, run_id: &str, run_dir: &Path) -> (Vec<String>, Vec<String>) {
    let got = backend.run(run_id).unwrap();
    assert_eq!(got.completion(), Completion::Complete { exit_code: 0 });
    let local = std::fs::read(run_dir.join("files/output.log")).unwrap();
    assert_eq!(
        got.file("output.log").expect("output.log was uploaded"),
        local.as_slice()
    );
    let (err, out): (Vec<String>, Vec<String>) = got
        .console_lines()
        .iter()
        .map(|l| untimed(l))
        .partition(|l| l.starts_with("ERROR "));
    (out, err)
}

fn sdk_python() -> Option<PathBuf> {
    wb_fake_backend::locate_sdk_python().ok().filter(|p| {
        Command::new(p)
            .args(["-c", "import wandb; print(wandb.__version__)"])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0.31.0")
    })
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored)"]
fn online_console_lines_reach_the_server() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (run_id, run_dir) = run_child(tmp.path(), Some((backend.base_url(), &core)));
    let (out_lines, err_lines) = uploaded(&backend, &run_id, &run_dir);
    assert_eq!(
        out_lines,
        ["epoch 1 loss 0.5", "progress 3/3", "épsilon ☃", "done"]
    );
    assert_eq!(err_lines, ["ERROR a warning"]);

    // The SDK's run of the same writes, against its own backend.
    let Some(python) = sdk_python() else {
        eprintln!("SKIPPED: the SDK side needs a Python with wandb 0.31.0");
        return;
    };
    let sdk_backend = Backend::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let info_path = home.path().join("out.json");
    let writes = serde_json::to_string(&WRITES).unwrap();
    output_ok(
        sdk_online_command(&python, &sdk_backend, home.path())
            .env("WANDB_DISABLE_GIT", "true")
            .args(["-c", SCRIPT])
            .arg(&info_path)
            .arg(home.path())
            .arg(&writes),
        "the SDK run",
    );
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&info_path).unwrap()).unwrap();
    let sdk_dir = Path::new(info["dir"].as_str().unwrap()).parent().unwrap();
    let sdk = uploaded(&sdk_backend, info["id"].as_str().unwrap(), sdk_dir);
    assert_eq!((out_lines, err_lines), sdk);
}

#[test]
#[ignore = "needs the SDK's Python with wandb 0.31.0 (run with --ignored)"]
fn wandb_sync_uploads_an_offline_runs_console_output() {
    let Some(python) = sdk_python() else {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("this test needs a Python with wandb 0.31.0");
        }
        eprintln!("SKIPPED: this test needs a Python with wandb 0.31.0");
        return;
    };
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (run_id, run_dir) = run_child(tmp.path(), None);
    let ours = std::fs::read(run_dir.join("files/output.log")).unwrap();
    let text = String::from_utf8(ours.clone()).unwrap();
    let (err, out): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| *l == "a warning");
    assert_eq!(
        out,
        ["epoch 1 loss 0.5", "progress 3/3", "épsilon ☃", "done"]
    );
    assert_eq!(err, ["a warning"]);
    wandb_sync(&python, &backend, &run_dir);
    let got = backend.run(&run_id).unwrap();
    assert_eq!(
        got.file("output.log").expect("output.log was uploaded"),
        ours.as_slice(),
        "the uploaded output.log is the one the run wrote"
    );
    let mut lines: Vec<String> = got.console_lines().iter().map(|l| untimed(l)).collect();
    lines.sort();
    let mut want: Vec<String> = String::from_utf8(ours)
        .unwrap()
        .lines()
        .map(|l| match l {
            "a warning" => format!("ERROR {l}"),
            _ => l.to_owned(),
        })
        .collect();
    want.sort();
    assert_eq!(lines, want);
}
