//! Our reader on `.wandb` files the Python SDK (wandb 0.31.0, wandb-core) wrote: every record
//! reads back with the content the SDK's own protobuf classes decode, and nothing is lost
//! (the framing module's unit tests reframe the same files byte for byte).
//!
//! The files and their `.records.json` dumps were made by `tests/data/make_sdk_logs.py`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use prost::Message;
use wb_core::json::Value;
use wb_run::{RecordReader, RunLog};

mod common;
use common::{data, golden, simple};

const SCENARIOS: [&str; 3] = ["basic", "table", "large"];

#[test]
fn every_sdk_record_reads_back_with_the_sdks_content() {
    for name in SCENARIOS {
        let golden = golden(name);
        let mut reader = RecordReader::open(data(&format!("{name}.wandb"))).unwrap();
        let mut n = 0;
        while let Some(r) = reader.next_with_offset() {
            let (_, len, rec) = r.unwrap_or_else(|e| panic!("{name}: {e}"));
            let want = golden
                .get(n)
                .unwrap_or_else(|| panic!("{name}: extra record {rec:?}"));
            assert_eq!(simple(&rec, len), *want, "{name}: record {n}");
            // Nothing was dropped: our messages re-encode to the size the SDK wrote.
            assert_eq!(
                rec.encode_to_vec().len(),
                len,
                "{name}: record {n} ({})",
                rec.kind()
            );
            n += 1;
        }
        assert_eq!(n, golden.len(), "{name}: record count");
    }
}

#[test]
fn run_log_rebuilds_history_summary_and_config() {
    let log = RunLog::read(data("basic.wandb")).unwrap();
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    assert_eq!(log.exit_code(), Some(3));
    let run = log.run().unwrap();
    assert_eq!(
        (run.project.as_str(), run.display_name.as_str()),
        ("golden", "basic")
    );

    let rows = log.history().unwrap();
    let steps: Vec<Option<i64>> = rows.iter().map(|r| r.step).collect();
    assert_eq!(steps, [0, 1, 2, 3, 4, 10, 12].map(Some));
    let r2 = &rows[2].values;
    assert_eq!(r2.get("a"), Some(&Value::Int(2)));
    assert_eq!(r2.get("b"), Some(&Value::Int(1))); // Python 1.0, written by Go as `1`
    assert_eq!(r2.get("_step"), Some(&Value::Int(2)));
    assert_eq!(
        r2.get("nested")
            .and_then(|v| v.get("x"))
            .and_then(|v| v.get("y")),
        Some(&Value::Int(1))
    );
    assert!(!r2.contains_key("e")); // empty dicts vanish
    assert_eq!(r2.get("none"), Some(&Value::Null));
    assert!(r2.get("nan").unwrap().as_f64().unwrap().is_nan());
    assert_eq!(r2.get("big"), Some(&Value::Float(9.223372036854776e18)));
    assert_eq!(rows[4].values.get("p1"), Some(&Value::Int(1)));
    assert_eq!(rows[4].values.get("p2"), Some(&Value::Int(2)));
    assert_eq!(rows[5].values.get("at2"), Some(&Value::Int(2)));

    let summary = log.summary().unwrap();
    assert_eq!(summary.get("best"), Some(&Value::Float(3.25)));
    assert_eq!(summary.get("later"), Some(&Value::from("z")));
    assert_eq!(summary.get("a"), Some(&Value::Int(3)));
    assert!(!summary.contains_key("none")); // null leaves have no summary
    let config = log.config().unwrap();
    assert_eq!(config.get("bs"), Some(&Value::Int(32)));
    assert_eq!(config.get("lr"), Some(&Value::Float(0.001)));
    assert_eq!(log.files().len(), 1 + 4 * 3);
}
