//! System metrics and run metadata against the real SDK on the same machine: a Python run
//! (`wandb==0.31.0`, offline) sleeps past two samples of its system monitor; our run samples
//! at a short interval. Every key of the SDK's `stats` records appears in ours with a
//! plausible value, and the fields of the `environment` records that do not depend on the
//! process (CPUs, memory, disk, host, OS, git remote and commit, root) match.
//!
//! It needs a Python with wandb 0.31.0, so it is opt-in (`#[ignore]`):
//!
//! ```sh
//! WB_PYTHON=/path/to/python cargo test -p wb-run --test sdk_system -- --ignored
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use prost::Message;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use wb_run::proto::{EnvironmentRecord, RecordType, StatsRecord};
use wb_run::{Row, Run, RunLog};

const SCRIPT: &str = r#"
import sys, time, wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
run = wandb.init(project="wb-run-system", dir=sys.argv[1])
for i in range(18):
    run.log({"x": i})
    time.sleep(1)
run.finish()
"#;

/// A git repository with an `origin` remote and one commit, made with git's own file layout
/// (loose objects are not needed: only HEAD, the ref and the config are read).
fn git_repo(dir: &Path) {
    let run = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "git {args:?} failed");
    };
    run(&["init", "-q"]);
    run(&[
        "remote",
        "add",
        "origin",
        "https://github.com/example/sysproj.git",
    ]);
    std::fs::write(dir.join("a.txt"), "a").unwrap();
    run(&["add", "a.txt"]);
    run(&["commit", "-qm", "one"]);
}

fn stats(log: &RunLog) -> Vec<StatsRecord> {
    log.records
        .iter()
        .filter_map(|r| match &r.record_type {
            Some(RecordType::Stats(b)) => Some(StatsRecord::decode(b.as_slice()).unwrap()),
            _ => None,
        })
        .collect()
}

/// The environment records merged (as wandb-core merges them into wandb-metadata.json).
fn environment(log: &RunLog) -> EnvironmentRecord {
    let mut env = EnvironmentRecord::default();
    for r in &log.records {
        if let Some(RecordType::Environment(b)) = &r.record_type {
            env.merge(b.as_slice()).unwrap();
        }
    }
    env
}

/// Each key's last value, GPU keys aside.
fn last_values(records: &[StatsRecord]) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for s in records {
        for i in &s.item {
            if i.key.starts_with("gpu.") {
                continue;
            }
            let v: f64 = i.value_json.parse().unwrap_or_else(|_| panic!("{i:?}"));
            out.insert(i.key.clone(), v);
        }
    }
    out
}

#[test]
#[ignore = "needs a Python with wandb==0.31.0 (WB_PYTHON); run with --ignored"]
fn system_metrics_and_metadata_match_the_sdks_on_this_machine() {
    let python = common::sdk_python();
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git_repo(&repo);
    let py_root = repo.join("py");
    let rs_root = repo.join("rs");
    std::fs::create_dir_all(&py_root).unwrap();
    std::fs::create_dir_all(&rs_root).unwrap();
    let script = tmp.path().join("system.py");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = Command::new(&python)
        .arg(&script)
        .arg(&py_root)
        .current_dir(&repo)
        .env("WANDB_MODE", "offline")
        .env("WANDB_SILENT", "true")
        .env("WANDB_CONFIG_DIR", tmp.path().join("config"))
        .env("WANDB_DATA_DIR", tmp.path().join("data"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let run = Run::builder()
        .with_dir(&rs_root)
        .with_project("wb-run-system")
        .with_mode(wb_run::Mode::Offline)
        .with_data_dir(tmp.path().join("data"))
        .with_stats_interval(Duration::from_millis(300))
        .build()
        .unwrap();
    // Enough time for two samples (the first has no process CPU percent).
    for i in 0..12 {
        run.log(Row::new().with("x", i)).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    run.finish(0).unwrap();

    let py_dir = std::fs::read_dir(py_root.join("wandb"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir() && !p.is_symlink())
        .unwrap();
    let py = RunLog::read(&py_dir).unwrap();
    let rs = RunLog::read(run.dir()).unwrap();

    // Every key the SDK samples here, we sample, with a value in the same range.
    let py_stats = last_values(&stats(&py));
    let rs_stats = last_values(&stats(&rs));
    assert!(py_stats.contains_key("cpu"), "{py_stats:?}");
    for (k, py_v) in &py_stats {
        let rs_v = rs_stats
            .get(k)
            .unwrap_or_else(|| panic!("{k} is in the SDK's stats but not ours: {rs_stats:?}"));
        assert!(rs_v.is_finite() && *rs_v >= 0.0, "{k} = {rs_v}");
        match k.as_str() {
            "memory_percent" | "proc.memory.percent" | "cpu" => assert!(*rs_v <= 100.0),
            // The same disk and the same machine: within a few percent of each other.
            "disk./.usagePercent" | "disk./.usageGB" | "proc.memory.availableMB" => {
                assert!(
                    (rs_v - py_v).abs() <= py_v * 0.1 + 1.0,
                    "{k}: {rs_v} vs {py_v}"
                )
            }
            "proc.cpu.threads" => assert!(*rs_v >= 1.0),
            "proc.memory.rssMB" => assert!(*rs_v > 0.0),
            _ => {}
        }
    }
    // Both runs' records carry the sample time and no stream id.
    for s in stats(&rs) {
        assert!(s.timestamp.is_some() && s.info.is_none() && s.stats_type == 0);
    }

    // The environment: what describes the machine and the repository is the same.
    let (pe, re) = (environment(&py), environment(&rs));
    assert_eq!(
        (re.cpu_count, re.cpu_count_logical, re.gpu_count),
        (pe.cpu_count, pe.cpu_count_logical, pe.gpu_count)
    );
    assert_eq!(re.memory, pe.memory);
    assert_eq!(re.cpu, pe.cpu);
    assert_eq!(
        re.disk.keys().collect::<Vec<_>>(),
        pe.disk.keys().collect::<Vec<_>>()
    );
    assert_eq!(re.disk["/"].total, pe.disk["/"].total);
    assert_eq!(re.host, pe.host);
    assert_eq!(re.git, pe.git);
    assert!(re.git.as_ref().is_some_and(|g| g.commit.len() == 40));
    // Python's `platform.platform()` adds the libc (`-with-glibc2.36`); ours stops before.
    assert!(pe.os.starts_with(&re.os), "{} vs {}", pe.os, re.os);
    assert!(pe.python.starts_with("CPython ") && re.python.starts_with("Rust "));
    assert_eq!(Path::new(&re.root), rs_root.as_path());
    assert!(!re.writer_id.is_empty() && re.started_at.is_some());
    // Each of the two records names the same writer, as the SDK's do.
    let writers: Vec<String> = rs
        .records
        .iter()
        .filter_map(|r| match &r.record_type {
            Some(RecordType::Environment(b)) => {
                Some(EnvironmentRecord::decode(b.as_slice()).unwrap().writer_id)
            }
            _ => None,
        })
        .collect();
    assert_eq!(writers.len(), 2);
    assert_eq!(writers[0], writers[1]);
}
