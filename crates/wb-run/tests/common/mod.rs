//! Shared by the integration tests: records in the simple JSON shape of
//! `tests/data/make_sdk_logs.py`, and normalization for comparing two runs' logs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod metric_scenario;
pub mod telemetry_scenario;

use std::path::{Path, PathBuf};
use wb_core::json::{Map, Value, parse};
use wb_core::json_map;
use wb_run::RecordReader;
use wb_run::proto::{Record, RecordType};

pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sdk")
        .join(name)
}

/// The golden records of an SDK scenario.
pub fn golden(name: &str) -> Vec<Value> {
    std::fs::read_to_string(data(&format!("{name}.records.json")))
        .unwrap()
        .lines()
        .map(|l| parse(l).unwrap())
        .collect()
}

/// Every record of a `.wandb` file (or run folder) in the simple shape.
pub fn simple_records(path: &Path) -> Vec<Value> {
    let mut reader = RecordReader::open(path).unwrap();
    let mut out = Vec::new();
    while let Some(r) = reader.next_with_offset() {
        let (_, len, rec) = r.unwrap();
        out.push(simple(&rec, len));
    }
    out
}

fn items<'a>(xs: impl IntoIterator<Item = (&'a str, &'a [String], &'a str)>) -> Value {
    Value::Array(
        xs.into_iter()
            .map(|(k, nk, v)| {
                Value::Array(vec![
                    k.into(),
                    Value::Array(nk.iter().map(|s| s.as_str().into()).collect()),
                    v.into(),
                ])
            })
            .collect(),
    )
}

/// The same shape as `simple()` in make_sdk_logs.py.
pub fn simple(rec: &Record, len: usize) -> Value {
    let mut m: Map = json_map! {
        "num" => rec.num,
        "type" => rec.kind(),
        "len" => len,
        "stream_id" => rec.info.as_ref().map(|i| i.stream_id.clone()).unwrap_or_default(),
        "mailbox_slot" => rec.control.as_ref().map(|c| c.mailbox_slot.clone()).unwrap_or_default(),
    };
    match rec.record_type.as_ref().unwrap() {
        RecordType::Header(h) => {
            let v = h.version_info.clone().unwrap_or_default();
            m.extend(json_map! {"producer" => v.producer, "min_consumer" => v.min_consumer});
        }
        RecordType::Run(r) => {
            let st = r.start_time.unwrap_or_default();
            let config = r.config.clone().unwrap_or_default();
            m.extend(json_map! {
                "run_id" => r.run_id.clone(), "project" => r.project.clone(),
                "entity" => r.entity.clone(), "display_name" => r.display_name.clone(),
                "tags" => r.tags.clone(), "notes" => r.notes.clone(),
                "run_group" => r.run_group.clone(), "job_type" => r.job_type.clone(),
                "host" => r.host.clone(),
                "start_time" => Value::Array(vec![st.seconds.into(), st.nanos.into()]),
                "config" => items(config.update.iter().map(|i| (i.key.as_str(), i.nested_key.as_slice(), i.value_json.as_str()))),
            });
        }
        RecordType::Summary(s) => {
            m.insert(
                "update".into(),
                items(s.update.iter().map(|i| {
                    (
                        i.key.as_str(),
                        i.nested_key.as_slice(),
                        i.value_json.as_str(),
                    )
                })),
            );
            m.insert(
                "remove".into(),
                items(s.remove.iter().map(|i| {
                    (
                        i.key.as_str(),
                        i.nested_key.as_slice(),
                        i.value_json.as_str(),
                    )
                })),
            );
        }
        RecordType::Config(s) => {
            m.insert(
                "update".into(),
                items(s.update.iter().map(|i| {
                    (
                        i.key.as_str(),
                        i.nested_key.as_slice(),
                        i.value_json.as_str(),
                    )
                })),
            );
            m.insert(
                "remove".into(),
                items(s.remove.iter().map(|i| {
                    (
                        i.key.as_str(),
                        i.nested_key.as_slice(),
                        i.value_json.as_str(),
                    )
                })),
            );
        }
        RecordType::History(h) => {
            m.insert(
                "items".into(),
                items(h.item.iter().map(|i| {
                    (
                        i.key.as_str(),
                        i.nested_key.as_slice(),
                        i.value_json.as_str(),
                    )
                })),
            );
            m.insert("step".into(), h.step.map(|s| s.num).into());
        }
        RecordType::Files(f) => {
            let files = f
                .files
                .iter()
                .map(|i| {
                    Value::Array(vec![
                        i.path.as_str().into(),
                        i.policy.into(),
                        i.file_type.into(),
                    ])
                })
                .collect();
            m.insert("files".into(), Value::Array(files));
        }
        RecordType::Exit(e) => {
            m.extend(json_map! {"exit_code" => e.exit_code, "runtime" => e.runtime});
        }
        RecordType::Metric(x) => {
            let o = x.options.unwrap_or_default();
            let s = x.summary;
            m.extend(json_map! {
                "name" => x.name.clone(), "glob_name" => x.glob_name.clone(),
                "step_metric" => x.step_metric.clone(),
                "options" => Value::Array(vec![o.step_sync.into(), o.hidden.into(), o.defined.into()]),
                "summary" => s.map_or(Value::Null, |s| Value::Array(
                    [s.min, s.max, s.mean, s.best, s.last, s.none, s.copy, s.first].map(Value::from).to_vec())),
                "goal" => x.goal,
                "overwrite" => x.control.is_some_and(|c| c.overwrite),
                "expanded_from_glob" => x.expanded_from_glob,
            });
        }
        RecordType::OutputRaw(o) => {
            m.extend(json_map! {"line" => o.line.clone(), "output_type" => o.output_type});
        }
        RecordType::Artifact(a) => {
            let man = a.manifest.clone().unwrap_or_default();
            m.extend(json_map! {
                "run_id" => a.run_id.clone(), "project" => a.project.clone(),
                "artifact_type" => a.artifact_type.clone(), "name" => a.name.clone(),
                "digest" => a.digest.clone(), "aliases" => a.aliases.clone(),
                "finalize" => a.finalize, "client_id" => a.client_id.clone(),
                "sequence_client_id" => a.sequence_client_id.clone(),
                "digest_algorithm" => a.digest_algorithm.clone(),
                "incremental" => a.incremental_beta1, "manifest_version" => man.version,
                "storage_policy" => man.storage_policy.clone(),
                "storage_policy_config" => Value::Array(man.storage_policy_config.iter().map(|c| Value::Array(vec![c.key.as_str().into(), c.value_json.as_str().into()])).collect()),
                "entries" => Value::Array(man.contents.iter().map(|e| Value::Array(vec![e.path.as_str().into(), e.digest.as_str().into(), e.size.into(), e.local_path.as_str().into()])).collect()),
            });
        }
        _ => {}
    }
    Value::Object(m)
}

/// Drops what legitimately differs between two runs of the same logs (ids, hosts, times,
/// record sizes and numbers, the SDK's telemetry/environment/stats/console records and its
/// `requirements.txt`), and sorts history and summary items (wandb-core writes them in Go map
/// order).
pub fn normalize(records: &[Value]) -> Vec<Value> {
    const VOLATILE: [&str; 3] = ["_runtime", "_timestamp", "_wandb.runtime"];
    let mut out = Vec::new();
    for r in records {
        let mut m = r.as_object().unwrap().clone();
        let kind = m.get("type").and_then(Value::as_str).unwrap().to_owned();
        if ["environment", "stats", "telemetry", "output_raw"].contains(&kind.as_str()) {
            continue;
        }
        if kind == "files"
            && m.get("files").unwrap().as_array().unwrap()[0]
                .as_array()
                .unwrap()[0]
                == Value::from("requirements.txt")
        {
            continue;
        }
        for k in [
            "num",
            "len",
            "mailbox_slot",
            "run_id",
            "host",
            "start_time",
            "producer",
            "client_id",
            "sequence_client_id",
        ] {
            m.shift_remove(k);
        }
        let has_info = m
            .shift_remove("stream_id")
            .is_some_and(|s| s != Value::from(""));
        m.insert("has_info".into(), has_info.into());
        if kind == "exit" {
            m.shift_remove("runtime");
        }
        // The SDK's config._wandb also carries its telemetry (Python and CLI versions, feature
        // flags); the rest (class labels, ...) must be the same.
        if kind == "config"
            && has_info
            && let Some(Value::Array(items)) = m.get_mut("update")
        {
            for it in items.iter_mut() {
                if let Value::Array(a) = it
                    && a[0] == Value::from("_wandb")
                {
                    let mut w = parse(a[2].as_str().unwrap()).unwrap();
                    if let Value::Object(o) = &mut w {
                        for k in ["python_version", "t", "m", "cli_version"] {
                            o.shift_remove(k);
                        }
                    }
                    a[2] = wb_core::json::to_string(&w, wb_core::json::Dialect::Compact).into();
                }
            }
        }
        for list in ["items", "update"] {
            if let Some(Value::Array(items)) = m.get_mut(list) {
                for it in items.iter_mut() {
                    let a = it.as_array().unwrap();
                    let key = a[0].as_str().unwrap();
                    let path: Vec<&str> = a[1]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s.as_str().unwrap())
                        .collect();
                    let dotted = if path.is_empty() {
                        key.to_owned()
                    } else {
                        path.join(".")
                    };
                    // Values the SDK side wrote (records with stream info) compare as text;
                    // wandb-core's compare as JSON, since it writes object keys in Go map order.
                    let value = if VOLATILE.contains(&dotted.as_str()) {
                        "*".into()
                    } else if has_info {
                        a[2].clone()
                    } else {
                        parse(a[2].as_str().unwrap()).unwrap()
                    };
                    *it = Value::Array(vec![a[0].clone(), a[1].clone(), value]);
                }
                items.sort_by_key(|v| {
                    let a = v.as_array().unwrap();
                    wb_core::json::to_string(
                        &Value::Array(a[..2].to_vec()),
                        wb_core::json::Dialect::Compact,
                    )
                });
            }
        }
        if let Some(Value::Array(entries)) = m.get_mut("entries") {
            for e in entries.iter_mut() {
                if let Value::Array(a) = e {
                    a[3] = "<staged>".into();
                }
            }
        }
        out.push(Value::Object(m));
    }
    out
}

fn has_wandb_031(python: &Path) -> bool {
    std::process::Command::new(python)
        .args(["-c", "import wandb; print(wandb.__version__)"])
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0.31.0")
}

/// The Python to run the SDK with, for the tests that compare our runs with the SDK's:
/// `$WB_PYTHON`, `$WB_CONFORMANCE_PYTHON`, then the conformance runner's venv under
/// `target/`, the first with wandb 0.31.0. Panics, naming them, when none has it.
pub fn sdk_python() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let mut candidates: Vec<PathBuf> = ["WB_PYTHON", "WB_CONFORMANCE_PYTHON"]
        .iter()
        .filter_map(std::env::var_os)
        .map(PathBuf::from)
        .collect();
    candidates.push(target.join(if cfg!(windows) {
        "conformance-venv/Scripts/python.exe"
    } else {
        "conformance-venv/bin/python"
    }));
    for c in &candidates {
        if c.is_file() && has_wandb_031(c) {
            return c.clone();
        }
    }
    panic!(
        "this test compares our runs with the Python SDK and needs a Python with wandb==0.31.0. \
         None of these has it: {candidates:?}. Set WB_PYTHON=/path/to/python."
    );
}

/// The SDK's Python for an online differential test (`wb_fake_backend::locate_sdk_python`,
/// with wandb 0.31.0), or `None` after saying the test (`what`) is skipped; in CI
/// (`CI=true`), a missing SDK is a failure instead.
pub fn online_sdk_python(what: &str) -> Option<PathBuf> {
    let found = wb_fake_backend::locate_sdk_python()
        .ok()
        .filter(|p| has_wandb_031(p));
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("{what} needs a Python with wandb 0.31.0");
        }
        eprintln!("SKIPPED: {what} needs a Python with wandb 0.31.0");
    }
    found
}

/// `python -c script` for the offline SDK differential tests, in `tmp`: silent, with the SDK's
/// config in `tmp/config` and its data in `tmp/py-data`. Callers add the arguments and unset
/// the variables their script must not see.
pub fn sdk_script_command(python: &Path, script: &str, tmp: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(python);
    cmd.args(["-c", script])
        .env("WANDB_SILENT", "true")
        .env("WANDB_CONFIG_DIR", tmp.join("config"))
        .env("WANDB_DATA_DIR", tmp.join("py-data"));
    cmd
}

/// Runs `cmd` to its end and returns its stdout; panics with its stdout and stderr if it
/// failed.
pub fn stdout_ok(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The offline run builder of the SDK differential tests: project `p`, silent, its data in
/// `tmp/rs-data`.
pub fn offline_builder(tmp: &Path) -> wb_run::RunBuilder {
    wb_run::Run::builder()
        .with_project("p")
        .with_mode(wb_run::Mode::Offline)
        .with_silent(true)
        .with_data_dir(tmp.join("rs-data"))
}

/// `builder` without system metrics, metadata or console capture, as the SDK scripts run
/// (`x_disable_stats`, `x_disable_meta`, `console="off"`).
pub fn quiet(builder: wb_run::RunBuilder) -> wb_run::RunBuilder {
    builder
        .with_system_metrics(false)
        .with_metadata(false)
        .with_console(wb_run::Console::Off)
}
