//! A writer killed with SIGKILL in the middle of logging leaves a `.wandb` file whose every
//! complete record reads back; the reader stops cleanly at the torn tail.
//!
//! The parent test runs this test binary again as a child (the ignored `child_writer` entry
//! point below), lets it log rows of various sizes in a loop, kills it at a random moment, and
//! reads what is on disk. Several rounds, each killed at a different point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};
use wb_core::Histogram;
use wb_core::json::Value;
use wb_run::proto::RecordType;
use wb_run::{ReadError, RecordReader, Row, Run};

const CHILD_ROOT: &str = "WB_RUN_CRASH_CHILD_ROOT";

/// Not a test: the child process of `killed_writer_leaves_every_complete_record_readable`,
/// started with `--ignored --exact child_writer` and killed by it. Logs until killed.
#[test]
#[ignore = "entry point of the child process the crash test starts and kills"]
fn child_writer() {
    let Some(root) = std::env::var_os(CHILD_ROOT) else {
        panic!("child_writer is started by the crash test, with {CHILD_ROOT} set");
    };
    let run = Run::builder()
        .with_dir(PathBuf::from(root))
        .with_project("crash")
        .with_mode(wb_run::Mode::Offline)
        .with_id("crash000")
        .build()
        .unwrap();
    let data: Vec<f64> = (0..1000).map(|i| f64::from(i % 97)).collect();
    for i in 0u64.. {
        // Rows from a few hundred bytes to ~70 KB (records spanning several blocks).
        let pad = "x".repeat(((i * 7919) % 70_000) as usize);
        run.log(
            Row::new()
                .with("i", i)
                .with("loss", 1.0 / (i as f64 + 1.0))
                .with("pad", pad)
                .with_media(
                    "h",
                    Histogram::from_sequence_with(
                        &data,
                        wb_core::HistogramOptions::default().with_num_bins(64),
                    )
                    .unwrap(),
                ),
        )
        .unwrap();
    }
}

fn find_log(root: &Path) -> Option<PathBuf> {
    let wandb = root.join("wandb");
    for e in std::fs::read_dir(wandb).ok()?.flatten() {
        let p = e.path().join("run-crash000.wandb");
        if p.is_file() {
            return Some(p);
        }
    }
    None
}

fn nanos() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
}

#[test]
fn killed_writer_leaves_every_complete_record_readable() {
    let exe = std::env::current_exe().unwrap();
    let mut torn = 0;
    for round in 0..6 {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(&exe)
            .args([
                "--ignored",
                "--exact",
                "child_writer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ROOT, tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill once the log holds a random amount of data (20 KB to 2 MB).
        let target = 20_000 + (nanos() * (round + 1)) % 2_000_000;
        let start = Instant::now();
        let log = loop {
            if let Some(p) = find_log(tmp.path())
                && std::fs::metadata(&p).is_ok_and(|m| m.len() >= target)
            {
                break p;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the child exited before it was killed: {status}");
            }
            assert!(start.elapsed() < Duration::from_secs(120), "child too slow");
            std::thread::sleep(Duration::from_micros(200));
        };
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();

        let size = std::fs::metadata(&log).unwrap().len();
        let mut nums = Vec::new();
        let mut steps = Vec::new();
        let mut end = None;
        for r in RecordReader::open(&log).unwrap() {
            assert!(end.is_none(), "round {round}: a record after the torn tail");
            match r {
                Ok(rec) => {
                    nums.push(rec.num);
                    if let Some(RecordType::History(h)) = &rec.record_type {
                        let step = h.step.unwrap().num;
                        let i = h.item.iter().find(|it| it.nested_key == ["i"]).unwrap();
                        assert_eq!(i.value_json, step.to_string(), "round {round}");
                        steps.push(step);
                    }
                }
                Err(ReadError::Truncated { offset }) => {
                    assert!(offset < size);
                    end = Some(offset);
                }
                Err(e) => panic!("round {round}: {e}"),
            }
        }
        if end.is_some() {
            torn += 1;
        }
        // Every complete record is there, in order, none missing.
        assert!(nums.len() >= 3, "round {round}: {} records", nums.len());
        assert_eq!(
            nums,
            (1..=nums.len() as i64).collect::<Vec<_>>(),
            "round {round}"
        );
        assert_eq!(
            steps,
            (0..steps.len() as i64).collect::<Vec<_>>(),
            "round {round}"
        );
        // And the run reads as a run: rows rebuilt up to the last complete one.
        let log = wb_run::RunLog::read(&log).unwrap();
        assert_eq!(log.history().unwrap().len(), steps.len());
        assert!(log.errors.len() <= 1);
        if let Some(last) = log.history().unwrap().last() {
            assert!(
                matches!(last.values.get("h").and_then(|h| h.get("_type")), Some(Value::Str(s)) if s == "histogram")
            );
        }
    }
    eprintln!("crash test: {torn} of 6 kills left a torn record at the end of the file");
}
