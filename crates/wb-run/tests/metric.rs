//! `define_metric` against the SDK: the "metric" scenario of `tests/data/make_sdk_logs.py`
//! (step metrics and `step_sync`, globs, every summary kind, hidden, overwrite, merged, late
//! and mid-step definitions, an explicit summary over a defined metric), written with our
//! `Run`, gives the records wandb 0.31.0 and wandb-core wrote: the same `metric` records and
//! the same derived summaries and history rows, step by step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::metric_scenario::{opts, write_metric_scenario};
use common::{golden, normalize, simple_records};
use wb_core::json::Value;
use wb_run::{Error, Mode, Run, RunLog};

fn new_run(root: &std::path::Path) -> Run {
    Run::builder()
        .with_dir(root)
        .with_project("golden")
        .with_name("metric")
        .with_mode(Mode::Offline)
        .with_data_dir(root.join("data"))
        .build()
        .unwrap()
}

#[test]
fn define_metric_gives_the_sdks_records() {
    let tmp = tempfile::tempdir().unwrap();
    let run = new_run(tmp.path());
    write_metric_scenario(&run);
    run.finish(0).unwrap();
    let (ours, sdk) = (
        normalize(&simple_records(run.log_path())),
        normalize(&golden("metric")),
    );
    for (i, (x, y)) in ours.iter().zip(&sdk).enumerate() {
        assert_eq!(
            x,
            y,
            "record {i} differs:\n ours: {}\n  sdk: {}",
            wb_core::json::to_string(x, wb_core::json::Dialect::Compact),
            wb_core::json::to_string(y, wb_core::json::Dialect::Compact)
        );
    }
    assert_eq!(ours.len(), sdk.len(), "record count");
    let metrics = ours
        .iter()
        .filter(|r| r.get("type") == Some(&Value::from("metric")))
        .count();
    assert_eq!(metrics, 15);
}

#[test]
fn the_summary_reads_back_with_the_statistics() {
    let tmp = tempfile::tempdir().unwrap();
    let run = new_run(tmp.path());
    write_metric_scenario(&run);
    run.finish(0).unwrap();
    let summary = RunLog::read(run.dir()).unwrap().summary().unwrap();
    let get = |k: &str| summary.get(k).cloned();
    // The values wandb-core 0.31.0 left for the same logs (tests/data/sdk/metric.wandb).
    assert_eq!(
        get("late"),
        Some(wb_core::json::parse(r#"{"min": 2, "first": 5}"#).unwrap())
    );
    assert_eq!(
        get("new"),
        Some(wb_core::json::parse(r#"{"max": 1}"#).unwrap())
    );
    assert_eq!(get("val_x"), Option::None);
    assert_eq!(get("gstep"), Some(Value::Int(0)));
}

#[test]
fn bad_definitions_are_refused_and_finished_runs_refuse_definitions() {
    let tmp = tempfile::tempdir().unwrap();
    let run = new_run(tmp.path());
    for name in ["", "a*b", "*a*"] {
        let err = run.define_metric(name, opts()).unwrap_err();
        assert!(matches!(err, Error::InvalidMetric(_)), "{name}: {err}");
    }
    run.finish(0).unwrap();
    assert!(matches!(
        run.define_metric("loss", opts()),
        Err(Error::Finished { .. })
    ));
    // Nothing refused reached the log.
    let kinds: Vec<Value> = simple_records(run.log_path())
        .iter()
        .filter_map(|r| r.get("type").cloned())
        .collect();
    assert!(!kinds.contains(&Value::from("metric")), "{kinds:?}");

    let disabled = Run::builder().with_mode(Mode::Disabled).build().unwrap();
    disabled.define_metric("loss", opts()).unwrap();
    assert!(disabled.define_metric("", opts()).is_err());
}
