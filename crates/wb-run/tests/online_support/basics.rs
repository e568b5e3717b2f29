//! What the online tests of wb-run and the fault tests of wb-cli (which include this file)
//! both need: the API key, finding wandb-core, its child processes, and the checks that what
//! reached the fake backend is what a run's local log holds.

use prost::Message;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use wb_core::json::{Dialect, to_string};
use wb_fake_backend::{ArtifactRecord, RunRecord};
use wb_run::proto::{RecordType, StatsRecord};
use wb_run::{FilePolicy, HistoryRow, MetricOptions, Row, Run, RunLog, SaveOptions, Summary};

/// The API key every test run and SDK run sends to the fake backend.
pub const KEY: &str = "0123456789abcdef0123456789abcdef01234567";

/// wandb-core 0.31.0's path; `None` (with a message) where it is missing, a panic under
/// `CI=true`.
pub fn core() -> Option<PathBuf> {
    match wb_fake_backend::locate_wandb_core() {
        Ok(p) => Some(p),
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("the online tests need wandb-core 0.31.0: {e}");
            }
            eprintln!("SKIPPED: the online tests need wandb-core 0.31.0: {e}");
            None
        }
    }
}

/// wb-core's JSON value as serde_json's, through its text.
pub fn to_serde(v: &wb_core::json::Value) -> Value {
    serde_json::from_str(&to_string(v, Dialect::Go)).unwrap()
}

/// A console line of the file stream without its timestamp: `[ERROR ]<content>`.
pub fn untimed(line: &str) -> String {
    let (prefix, rest) = match line.strip_prefix("ERROR ") {
        Some(rest) => ("ERROR ", rest),
        None => ("", line),
    };
    let content = rest.split_once(' ').map_or("", |(_, c)| c);
    format!("{prefix}{content}")
}

/// The pids of running processes whose parent is this process and whose executable is
/// `core`.
pub fn core_pids(core: &Path) -> Vec<u32> {
    let me = std::process::id();
    let core = core.canonicalize().ok();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // The parent pid is the fourth field, after the parenthesized command name.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        let exe = std::fs::read_link(e.path().join("exe"))
            .ok()
            .and_then(|x| x.canonicalize().ok());
        if ppid == Some(me) && exe.is_some() && exe == core {
            out.push(pid);
        }
    }
    out
}

/// Kills (SIGKILL) this process's wandb-core children, those [`core_pids`] finds; returns
/// how many there were.
pub fn kill_cores(core: &Path) -> usize {
    let pids = core_pids(core);
    for pid in &pids {
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
    }
    pids.len()
}

/// `err` is [`wb_run::Error::UploadIncomplete`] naming `run_dir`, the run's folder.
pub fn assert_upload_incomplete(err: &wb_run::Error, run_dir: &Path) {
    assert!(
        matches!(err, wb_run::Error::UploadIncomplete { run_dir: dir, .. } if dir == run_dir),
        "{err}"
    );
}

/// The `_step` of each history row.
pub fn history_steps(history: &[Value]) -> Vec<i64> {
    history
        .iter()
        .map(|r| r["_step"].as_i64().unwrap())
        .collect()
}

/// Every history row of `log` reached `got` (no line missing), each as the log holds it;
/// returns the rows logged.
pub fn assert_history_uploaded(got: &RunRecord, log: &RunLog) -> Vec<HistoryRow> {
    assert!(got.missing_history_lines().is_empty());
    let history = got.history().unwrap();
    let logged = log.history().unwrap();
    assert_eq!(history.len(), logged.len(), "history rows");
    for (up, local) in history.iter().zip(&logged) {
        assert_eq!(
            up,
            &to_serde(&wb_core::json::Value::Object(local.values.clone()))
        );
    }
    logged
}

/// Every summary value of `log` is in `got`'s summary, equal; returns that summary.
pub fn assert_summary_uploaded(got: &RunRecord, log: &RunLog) -> Value {
    let summary = to_serde(&wb_core::json::Value::Object(log.summary().unwrap()));
    let got_summary = got.summary().unwrap().expect("a summary arrived");
    for (k, v) in summary.as_object().unwrap() {
        assert_eq!(got_summary.get(k), Some(v), "summary key {k}");
    }
    got_summary
}

/// The summary statistics `min`, `max` and `last` in `stats` are those of `values`.
pub fn assert_min_max_last(stats: &Value, values: &[f64]) {
    let min = values.iter().copied().reduce(f64::min);
    assert_eq!(stats["min"].as_f64(), min, "{stats}");
    let max = values.iter().copied().reduce(f64::max);
    assert_eq!(stats["max"].as_f64(), max, "{stats}");
    assert_eq!(stats["last"].as_f64(), values.last().copied(), "{stats}");
}

/// The fault tests' summary reached `got`: every value of `log`'s, the min, max and last of
/// the `val/acc` of the rows `logged`, and `best` 0.25.
pub fn assert_fault_summary_uploaded(got: &RunRecord, log: &RunLog, logged: &[HistoryRow]) {
    let got_summary = assert_summary_uploaded(got, log);
    let acc: Vec<f64> = logged
        .iter()
        .map(|r| to_serde(r.values.get("val/acc").unwrap()).as_f64().unwrap())
        .collect();
    assert_min_max_last(&got_summary["val/acc"], &acc);
    assert_eq!(got_summary["best"], serde_json::json!(0.25));
}

/// The stats records of a run's log, decoded.
pub fn stats_records(log: &RunLog) -> Vec<StatsRecord> {
    log.records
        .iter()
        .filter_map(|r| match &r.record_type {
            Some(RecordType::Stats(b)) => Some(StatsRecord::decode(b.as_slice()).unwrap()),
            _ => None,
        })
        .collect()
}

/// `got` has one events line per record of `local`, in order, each with the record's values
/// as `system.<key>`.
pub fn assert_events_are_stats(got: &RunRecord, local: &[StatsRecord]) {
    let events: Vec<Value> = got
        .events_lines()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), local.len(), "{events:#?}");
    for (line, rec) in events.iter().zip(local) {
        for item in &rec.item {
            let key = format!("system.{}", item.key);
            let ours: f64 = item.value_json.parse().unwrap();
            assert_eq!(line[&key].as_f64(), Some(ours), "{key} in {line}");
        }
    }
}

/// The uploaded bytes of the artifact's file `path`: stored under its path, else under a
/// name holding its manifest `digest`.
pub fn artifact_file<'a>(
    artifact: &'a ArtifactRecord,
    path: &str,
    digest: Option<&str>,
) -> Option<&'a [u8]> {
    artifact.file(path).or_else(|| {
        let digest = digest?;
        artifact
            .files()
            .iter()
            .find(|(k, _)| k.contains(digest))
            .map(|(_, v)| v.as_slice())
    })
}

/// The fault tests' source files under `src`: `now.txt`, `live.txt` and `end.txt` to save,
/// and `art/blob.bin` (70 kB) and `art/notes.txt` for an artifact; returns the blob's bytes.
pub fn write_fault_sources(src: &Path) -> Vec<u8> {
    std::fs::create_dir_all(src.join("art")).unwrap();
    std::fs::write(src.join("now.txt"), "saved now\n").unwrap();
    std::fs::write(src.join("live.txt"), "live 1\n").unwrap();
    std::fs::write(src.join("end.txt"), "saved at the end\n").unwrap();
    let blob: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(src.join("art/blob.bin"), &blob).unwrap();
    std::fs::write(src.join("art/notes.txt"), "artifact notes\n").unwrap();
    blob
}

/// The fault tests' metric definitions: `epoch`, and `val/*` stepped by it with its min,
/// max, mean and last value in the summary.
pub fn define_fault_metrics(run: &Run) {
    run.define_metric("epoch", MetricOptions::default())
        .unwrap();
    run.define_metric(
        "val/*",
        MetricOptions::default()
            .with_step_metric("epoch")
            .with_summary([Summary::Min, Summary::Max, Summary::Mean, Summary::Last]),
    )
    .unwrap();
}

/// Saves the fault tests' `now.txt`, `live.txt` and `end.txt` under `src` with the policy
/// each is named for, relative to `src`.
pub fn save_fault_sources(run: &Run, src: &Path) {
    let base = SaveOptions::default().with_base_path(src);
    for (name, policy) in [
        ("now.txt", FilePolicy::Now),
        ("live.txt", FilePolicy::Live),
        ("end.txt", FilePolicy::End),
    ] {
        run.save_with(src.join(name), policy, base.clone()).unwrap();
    }
}

/// Logs the fault tests' row for `step` (`loss`, `val/acc`, `epoch`) and writes a console
/// line for it to this process's stdout and one to its stderr; returns the two lines,
/// stderr's prefixed `ERROR ` as the file stream has it.
pub fn log_fault_step(run: &Run, step: u32) -> [String; 2] {
    let x = f64::from(step);
    run.log(
        Row::new()
            .with("loss", 1.0 / (x + 1.0))
            .with("val/acc", (x * 0.37).sin())
            .with("epoch", step / 3),
    )
    .unwrap();
    let out = format!("console line {step} out");
    // Straight to the process's streams: libtest captures only `print!`'s.
    std::io::stdout()
        .write_all(format!("{out}\n").as_bytes())
        .unwrap();
    let err = format!("console line {step} err");
    std::io::stderr()
        .write_all(format!("{err}\n").as_bytes())
        .unwrap();
    [out, format!("ERROR {err}")]
}
