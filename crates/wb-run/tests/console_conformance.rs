//! Console output against the Python SDK (`wandb==0.31.0`): the same writes to stdout and
//! stderr, made by a Python script under `wandb.init` and by a Rust process under a `Run`,
//! give the same console text in the `output_raw` records (per stream, byte for byte; the
//! SDK cuts records at each `write` call, a pipe at each read) with the same record envelope,
//! and the same `files/output.log` (each stream's lines, in order; the order between the two
//! streams depends on when each was read).
//!
//! Opt-in (`#[ignore]`), as it runs the SDK:
//!
//! ```sh
//! WB_PYTHON=/path/to/python cargo test -p wb-run --test console_conformance -- --ignored
//! ```
//!
//! Without `WB_PYTHON` it uses `$WB_CONFORMANCE_PYTHON`, then the conformance runner's venv
//! (`target/conformance-venv`), and fails saying so when none has wandb 0.31.0.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use wb_run::proto::{OutputType, Record, RecordType};
use wb_run::{Mode, RecordReader, Run};

/// The writes, in order: (stream, text). Progress bars, cursor movement, colours, a
/// trailing space, a line longer than core keeps, characters of every UTF-8 length, empty
/// lines and a last line without a newline.
fn writes() -> Vec<(&'static str, String)> {
    let mut w: Vec<(&str, String)> = vec![
        ("out", "plain line\n".into()),
        ("out", "partial ".into()),
        ("out", "rest\n".into()),
        ("err", "an error line\n".into()),
        ("out", "progress 1\rprogress 2\rprogress 3\n".into()),
        (
            "out",
            "  0%|          | 0/10\r 50%|█████     | 5/10\r100%|██████████| 10/10\n".into(),
        ),
        ("out", "trailing space \n".into()),
        ("out", "\x1b[31mred\x1b[0m\n".into()),
        ("out", "up one\nup two\n\x1b[A\x1b[AUP\n\n".into()),
        ("out", "tab\there é ☃ 🎉\n".into()),
        ("out", "\n\n".into()),
        ("err", "err partial ".into()),
        ("err", "err rest\n".into()),
    ];
    w.push(("out", format!("{}\n", "x".repeat(5000))));
    w.push(("out", "no newline at end".into()));
    w
}

const SCRIPT: &str = r#"
import json, sys, wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
writes = json.load(open(sys.argv[2]))
run = wandb.init(project="console", dir=sys.argv[1], mode="offline")
for stream, text in writes:
    f = sys.stdout if stream == "out" else sys.stderr
    f.write(text)
    f.flush()
run.finish()
"#;

const CHILD_DIR: &str = "WB_CONSOLE_CHILD_DIR";

#[test]
#[ignore = "started by console_output_matches_the_sdk, in a child process"]
fn child_writes() {
    let Some(dir) = std::env::var_os(CHILD_DIR).map(PathBuf::from) else {
        return;
    };
    let run = Run::builder()
        .with_dir(&dir)
        .with_data_dir(dir.join("data"))
        .with_mode(Mode::Offline)
        .with_project("console")
        .with_silent(true)
        .build()
        .unwrap();
    for (stream, text) in writes() {
        if stream == "out" {
            let mut out = std::io::stdout();
            out.write_all(text.as_bytes()).unwrap();
            out.flush().unwrap();
        } else {
            std::io::stderr().write_all(text.as_bytes()).unwrap();
        }
    }
    run.finish(0).unwrap();
}

/// The one run folder under `root`.
fn run_dir(root: &Path) -> PathBuf {
    std::fs::read_dir(root.join("wandb"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("offline-run-")
        })
        .unwrap()
}

/// The run id and the `output_raw` records of a run folder.
fn console_records(dir: &Path) -> (String, Vec<Record>) {
    let id = wb_run::RunLog::read(dir)
        .unwrap()
        .run()
        .unwrap()
        .run_id
        .clone();
    let path = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "wandb"))
        .unwrap();
    let mut reader = RecordReader::open(path).unwrap();
    let mut out = Vec::new();
    while let Some(r) = reader.next_with_offset() {
        let (_, _, rec) = r.unwrap();
        if matches!(rec.record_type, Some(RecordType::OutputRaw(_))) {
            out.push(rec);
        }
    }
    (id, out)
}

/// Each stream's text, and the envelope of every record with what differs between any two
/// runs (number, run id, time) checked and blanked.
fn texts_and_envelopes(dir: &Path) -> (String, String, Vec<Record>) {
    let (id, records) = console_records(dir);
    let (mut out, mut err) = (String::new(), String::new());
    let mut envelopes = Vec::new();
    for mut rec in records {
        let Some(RecordType::OutputRaw(o)) = &mut rec.record_type else {
            unreachable!()
        };
        match o.output_type() {
            OutputType::Stdout => out.push_str(&o.line),
            OutputType::Stderr => err.push_str(&o.line),
        }
        let ts = o.timestamp.take().unwrap();
        assert!(ts.seconds > 1_600_000_000 && ts.nanos % 1000 == 0, "{ts:?}");
        o.line.clear();
        o.output_type = 0;
        assert_eq!(rec.info.as_ref().unwrap().stream_id, id);
        rec.info = None;
        rec.num = 0;
        envelopes.push(rec);
    }
    envelopes.dedup();
    (out, err, envelopes)
}

/// `output.log`'s lines split by the stream that wrote them (stderr's are the lines in
/// `err_lines`), and its last byte.
fn output_log(dir: &Path, err_lines: &[&str]) -> (Vec<String>, Vec<String>, Option<u8>) {
    let bytes = std::fs::read(dir.join("files/output.log")).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let (err, out): (Vec<String>, Vec<String>) = text
        .lines()
        .map(str::to_owned)
        .partition(|l| err_lines.contains(&l.as_str()));
    (out, err, bytes.last().copied())
}

#[test]
#[ignore = "needs a Python with wandb==0.31.0 (WB_PYTHON); run with --ignored"]
fn console_output_matches_the_sdk() {
    let python = common::sdk_python();
    let tmp = tempfile::tempdir().unwrap();
    let (py_root, rs_root) = (tmp.path().join("py"), tmp.path().join("rs"));
    std::fs::create_dir_all(&py_root).unwrap();
    std::fs::create_dir_all(&rs_root).unwrap();
    let writes_json = tmp.path().join("writes.json");
    let json: Vec<serde_json::Value> = writes()
        .into_iter()
        .map(|(s, t)| serde_json::json!([s, t]))
        .collect();
    std::fs::write(&writes_json, serde_json::to_string(&json).unwrap()).unwrap();

    let py = Command::new(&python)
        .args(["-c", SCRIPT])
        .arg(&py_root)
        .arg(&writes_json)
        .env("WANDB_SILENT", "true")
        .env("WANDB_CONFIG_DIR", tmp.path().join("config"))
        .env("WANDB_DATA_DIR", tmp.path().join("data"))
        .env_remove("WANDB_CONSOLE")
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let rs = Command::new(std::env::current_exe().unwrap())
        .args([
            "child_writes",
            "--exact",
            "--ignored",
            "--nocapture",
            "--quiet",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, &rs_root)
        .env_remove("WANDB_CONSOLE")
        .env_remove("WANDB_MODE")
        .output()
        .unwrap();
    assert!(
        rs.status.success(),
        "{}",
        String::from_utf8_lossy(&rs.stderr)
    );
    // Both passed everything through to the terminal.
    let all_out: String = writes()
        .into_iter()
        .filter(|(s, _)| *s == "out")
        .map(|(_, t)| t)
        .collect();
    for got in [&py.stdout, &rs.stdout] {
        assert!(String::from_utf8_lossy(got).contains(&all_out));
    }

    let (py_dir, rs_dir) = (run_dir(&py_root), run_dir(&rs_root));
    let (py_out, py_err, py_env) = texts_and_envelopes(&py_dir);
    let (rs_out, rs_err, rs_env) = texts_and_envelopes(&rs_dir);
    assert_eq!(rs_out, py_out, "stdout text");
    assert_eq!(rs_err, py_err, "stderr text");
    assert_eq!(rs_out, all_out);
    assert_eq!(rs_env, py_env, "record envelopes");

    let err_lines = ["an error line", "err partial err rest"];
    let py_log = output_log(&py_dir, &err_lines);
    let rs_log = output_log(&rs_dir, &err_lines);
    assert_eq!(py_log.1, err_lines, "the SDK's stderr lines");
    assert_eq!(rs_log, py_log, "output.log");
}
