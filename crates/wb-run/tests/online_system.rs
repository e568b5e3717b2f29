//! System metrics and run metadata of an online run through the real wandb-core 0.31.0 and the
//! recording fake backend: our `stats` records reach the server's `wandb-events.jsonl` stream
//! (and core samples nothing itself), and core uploads `wandb-metadata.json` from our
//! `environment` records.
//!
//! Opt-in (`#[ignore]`) like the other online tests:
//!
//! ```sh
//! cargo test -p wb-run --test online_system -- --ignored
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod online_support;

use online_support::*;
use std::time::Duration;
use wb_fake_backend::Backend;
use wb_run::{Row, RunLog};

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn stats_and_metadata_reach_the_server() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = builder(&core, &backend, tmp.path())
        .with_stats_interval(Duration::from_millis(200))
        .build()
        .unwrap();
    for i in 0..8 {
        run.log(Row::new().with("x", i)).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    run.finish(0).unwrap();

    let local = stats_records(&RunLog::read(run.dir()).unwrap());
    assert!(local.len() >= 2, "{} stats records", local.len());

    let got = backend.run(run.id()).unwrap();
    // One line per record we wrote: core forwards ours and samples nothing of its own.
    assert_events_are_stats(&got, &local);

    let meta: serde_json::Value = serde_json::from_slice(
        got.file("wandb-metadata.json")
            .expect("wandb-metadata.json"),
    )
    .unwrap();
    // Core writes the merged records as protobuf JSON (its field names, as for a Python run).
    for key in [
        "os",
        "python",
        "startedAt",
        "program",
        "git",
        "root",
        "host",
        "executable",
        "cpu_count",
        "cpu_count_logical",
        "memory",
        "disk",
        "cpu",
        "writerId",
    ] {
        assert!(meta.get(key).is_some(), "{key} not in {meta}");
    }
    assert!(meta["python"].as_str().unwrap().starts_with("Rust "));
}
