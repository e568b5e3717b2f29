//! Differential with the real SDK (`wandb==0.31.0`, offline) for `telemetry` records: the same
//! calls in Python and with our `Run` write the same telemetry records (the run record's, then
//! each cumulative record, decoded by the SDK's own protobuf classes), each at the same place
//! among the records that carry the calls (metric, files, artifact, summary, history, exit).
//!
//! Left out of the comparison, by name: `python_version` (the SDK's interpreter; ours is
//! empty, there is none) and `imports_init` / `imports_finish` (the Python modules loaded,
//! none for a Rust program).
//!
//! Opt-in (`#[ignore]`), as `tests/sdk_conformance.rs`:
//! `WB_PYTHON=/path/to/python cargo test -p wb-run --test sdk_telemetry -- --ignored`.
//! This file holds one test: it changes the process's current folder (the SDK's relative
//! paths are relative to it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::telemetry_scenario::{main_run, telemetry_calls, with_sdk_calls};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use wb_run::proto::RecordType;
use wb_run::{LogOptions, RecordReader, Row, SaveOptions};
use wb_table::{LogMode, Table, TableOptions};

/// Every call that sets a telemetry flag a Rust run sets, in an order that shows each record
/// (`#CALLS`: [`with_sdk_calls`]).
const SCRIPT: &str = r#"
import os, sys, wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
root, src = sys.argv[1], sys.argv[2]
os.chdir(src)
run = wandb.init(project="p", id="tele0001", name="telemetry", tags=["a"], config={"lr": 0.1},
                 mode="offline", dir=root,
                 settings=wandb.Settings(x_disable_stats=True, x_disable_meta=True,
                                         console="off", disable_git=True,
                                         finish_timeout=600, finish_timeout_raises=True))
#CALLS
run.log({"it": wandb.Table(columns=["a"], data=[[2]], log_mode="INCREMENTAL")})
run.log({"x": 1}, step=7)
run.finish()
# A run with nothing given to init: only `offline`, then `finish`.
run = wandb.init(project="p", mode="offline", dir=os.path.join(root, "plain"),
                 settings=wandb.Settings(x_disable_stats=True, x_disable_meta=True,
                                         console="off", disable_git=True))
run.log({"a": 1})
run.finish()
"#;

/// Decodes telemetry records (encoded `TelemetryRecord`s) with the SDK's protobuf classes,
/// as JSON with the proto's field names.
const DECODE: &str = r#"
import json, sys
from google.protobuf.json_format import MessageToDict
from wandb.proto.wandb_telemetry_pb2 import TelemetryRecord
for line in sys.stdin:
    t = TelemetryRecord()
    t.ParseFromString(bytes.fromhex(line.strip()))
    print(json.dumps(MessageToDict(t, preserving_proto_field_name=True), sort_keys=True))
"#;

fn decode(python: &Path, records: &[Vec<u8>]) -> Vec<Value> {
    let mut child = Command::new(python)
        .args(["-c", DECODE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for r in records {
            let hex: String = r.iter().map(|b| format!("{b:02x}")).collect();
            writeln!(stdin, "{hex}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The fields that depend on Python, taken out by name.
fn without_python(mut v: Value) -> Value {
    if let Some(m) = v.as_object_mut() {
        for k in ["python_version", "imports_init", "imports_finish"] {
            m.remove(k);
        }
    }
    v
}

/// A run's telemetry: the run record's, then each telemetry record's, decoded; and the
/// sequence of record kinds with each telemetry record in place, among the kinds that carry
/// the calls (wandb-core's derived summary records left out: it writes them in its own order).
fn telemetry(python: &Path, dir: &Path) -> (Vec<Value>, Vec<String>) {
    let mut reader = RecordReader::open(dir).unwrap();
    let (mut raw, mut kinds) = (Vec::new(), Vec::new());
    while let Some(r) = reader.next_with_offset() {
        let rec = r.unwrap().2;
        match &rec.record_type {
            Some(RecordType::Run(run)) => raw.push(run.telemetry.clone().unwrap_or_default()),
            Some(RecordType::Telemetry(t)) => {
                raw.push(t.clone());
                kinds.push(format!("telemetry#{}", raw.len() - 1));
            }
            Some(RecordType::Files(f))
                if f.files
                    .first()
                    .is_some_and(|i| i.path == "requirements.txt") => {}
            Some(t @ (RecordType::Metric(_) | RecordType::Files(_) | RecordType::Artifact(_))) => {
                kinds.push(t.name().to_owned())
            }
            Some(t @ (RecordType::History(_) | RecordType::Exit(_))) => {
                kinds.push(t.name().to_owned())
            }
            _ => {}
        }
    }
    (decode(python, &raw), kinds)
}

fn run_dir(root: &Path) -> PathBuf {
    std::fs::read_dir(root.join("wandb"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir() && p.to_string_lossy().contains("offline-run-"))
        .unwrap_or_else(|| panic!("no run folder under {}", root.display()))
}

#[test]
#[ignore = "needs a Python with wandb==0.31.0 (WB_PYTHON); run with --ignored"]
fn telemetry_records_match_the_sdk() {
    let python = common::sdk_python();
    let tmp = tempfile::tempdir().unwrap();
    let (py_root, py_src) = (tmp.path().join("py"), tmp.path().join("py-src"));
    let (rs_root, rs_src) = (tmp.path().join("rs"), tmp.path().join("rs-src"));
    for s in [&py_src, &rs_src] {
        std::fs::create_dir_all(s).unwrap();
        std::fs::write(s.join("notes.txt"), "notes\n").unwrap();
    }
    std::fs::create_dir_all(&py_root).unwrap();
    common::stdout_ok(
        common::sdk_script_command(&python, &with_sdk_calls(SCRIPT), tmp.path())
            .arg(&py_root)
            .arg(&py_src)
            .env_remove("WANDB_MODE")
            .env_remove("WANDB_RUN_ID")
            .env_remove("WANDB_NAME")
            .env_remove("WANDB_TAGS")
            .env_remove("WANDB_X_LABEL"),
    );

    // The same calls from Rust.
    std::env::set_current_dir(&rs_src).unwrap();
    let builder = || common::quiet(common::offline_builder(tmp.path()));
    let run = main_run(
        builder()
            .with_dir(&rs_root)
            .with_finish_timeout(std::time::Duration::from_secs(600)),
    );
    telemetry_calls(&run, Path::new("notes.txt"), SaveOptions::default());
    let incremental = Table::from_rows_with(
        ["a"],
        vec![vec![2.into()]],
        TableOptions::default().with_log_mode(LogMode::Incremental),
    )
    .unwrap();
    run.log(Row::new().with_media("it", incremental)).unwrap();
    run.log_with(Row::new().with("x", 1), LogOptions::default().with_step(7))
        .unwrap();
    run.finish(0).unwrap();
    let plain = builder().with_dir(rs_root.join("plain")).build().unwrap();
    plain.log(Row::new().with("a", 1)).unwrap();
    plain.finish(0).unwrap();

    for (py_dir, rs_dir, records) in [
        (run_dir(&py_root), run.dir().to_path_buf(), 12),
        (
            run_dir(&py_root.join("plain")),
            plain.dir().to_path_buf(),
            3,
        ),
    ] {
        let (py, py_kinds) = telemetry(&python, &py_dir);
        let (rs, rs_kinds) = telemetry(&python, &rs_dir);
        for (i, t) in py.iter().enumerate() {
            eprintln!("SDK telemetry {i}: {t}");
        }
        assert_eq!(py.len(), records, "{py:#?}");
        // The SDK's records have a python_version; ours have none.
        assert!(py.iter().all(|t| t["python_version"].is_string()));
        assert!(rs.iter().all(|t| t.get("python_version").is_none()));
        let strip = |v: Vec<Value>| -> Vec<Value> { v.into_iter().map(without_python).collect() };
        assert_eq!(strip(rs), strip(py), "telemetry records");
        eprintln!("record kinds: {py_kinds:?}");
        assert_eq!(rs_kinds, py_kinds, "where the telemetry records are");
    }
}
