//! How long publishing a run's history takes on the calling thread, and until core has
//! uploaded it: N `partial_history` records to the fake backend on 127.0.0.1.
//!
//! ```sh
//! WB_CORE_PATH=/path/to/wandb-core cargo run --release -p wb-service --example publish_rate -- 10000
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wb_fake_backend::Backend;
use wb_proto::{
    HistoryAction, HistoryItem, HistoryStep, PartialHistoryRequest, Record, RecordType, Request,
    RequestType, RunExitRecord, RunRecord, RunStartRequest, Settings,
};
use wb_service::{Client, CoreBinary};

fn main() {
    let steps: i64 = std::env::args()
        .nth(1)
        .map_or(10_000, |s| s.parse().expect("a number of steps"));
    let core = CoreBinary::from_path(wb_fake_backend::locate_wandb_core().unwrap()).unwrap();
    let backend = Backend::start().unwrap();
    let root = tempfile::tempdir().unwrap();
    let run_id = "rate0001";
    let sync_dir = root.path().join("wandb/run-rate");
    std::fs::create_dir_all(sync_dir.join("files")).unwrap();
    let p = |p: std::path::PathBuf| Some(p.to_string_lossy().into_owned());
    let settings = Settings {
        base_url: Some(backend.base_url().into()),
        api_key: Some("k".repeat(40)),
        run_id: Some(run_id.into()),
        project: Some("rate".into()),
        mode: Some("online".into()),
        root_dir: p(root.path().to_path_buf()),
        wandb_dir: p(root.path().join("wandb")),
        sync_dir: p(sync_dir.clone()),
        sync_file: p(sync_dir.join("run-rate.wandb")),
        log_dir: p(sync_dir.join("logs")),
        log_internal: p(sync_dir.join("logs/debug-internal.log")),
        x_start_time: Some(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs_f64(),
        ),
        x_disable_stats: Some(true),
        x_disable_meta: Some(true),
        ..Default::default()
    };
    let t0 = Instant::now();
    let client = Client::builder().with_binary(core).build().unwrap();
    let started = t0.elapsed();
    let stream = client.inform_init(settings, run_id).unwrap();
    let record = |r| Record {
        record_type: Some(r),
        ..Default::default()
    };
    let answer = stream
        .communicate(
            record(RecordType::Run(RunRecord {
                run_id: run_id.into(),
                project: "rate".into(),
                ..Default::default()
            })),
            Duration::from_secs(60),
        )
        .unwrap();
    let Some(wb_proto::ResultType::RunResult(r)) = answer.result_type else {
        panic!("{answer:?}")
    };
    stream
        .publish(record(RecordType::Request(Request {
            request_type: Some(RequestType::RunStart(RunStartRequest {
                run: r.run,
                info: None,
            })),
        })))
        .unwrap();
    let ready = t0.elapsed();
    let mut in_publish = Duration::ZERO;
    for step in 0..steps {
        let rec = record(RecordType::Request(Request {
            request_type: Some(RequestType::PartialHistory(PartialHistoryRequest {
                item: vec![
                    HistoryItem {
                        key: "loss".into(),
                        value_json: format!("{}", 1.0 / (step as f64 + 1.0)),
                        ..Default::default()
                    },
                    HistoryItem {
                        key: "acc".into(),
                        value_json: format!("{}", step as f64 / steps as f64),
                        ..Default::default()
                    },
                ],
                step: Some(HistoryStep { num: step }),
                action: Some(HistoryAction { flush: true }),
                info: None,
            })),
        }));
        let t = Instant::now();
        stream.publish(rec).unwrap();
        in_publish += t.elapsed();
    }
    let published = t0.elapsed();
    let exit = stream
        .deliver(record(RecordType::Exit(RunExitRecord::default())))
        .unwrap();
    exit.wait(Duration::from_secs(600)).unwrap();
    let uploaded = t0.elapsed();
    stream.finish().unwrap();
    client.teardown(0, Duration::from_secs(60)).unwrap();
    let rows = backend.run(run_id).unwrap().history_lines().len();
    println!(
        "{steps} steps: core started in {started:?}, run ready at {ready:?}, {in_publish:?} inside \
         publish ({:.2} us/step), all published at {published:?}, exit answered (all uploaded) at \
         {uploaded:?}; {rows} rows on the backend",
        in_publish.as_secs_f64() * 1e6 / steps as f64
    );
    assert_eq!(rows as i64, steps);
}
