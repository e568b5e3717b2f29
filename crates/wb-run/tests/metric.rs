//! `define_metric` against the SDK: the "metric" scenario of `tests/data/make_sdk_logs.py`
//! (step metrics and `step_sync`, globs, every summary kind, hidden, overwrite, merged, late
//! and mid-step definitions, an explicit summary over a defined metric), written with our
//! `Run`, gives the records wandb 0.31.0 and wandb-core wrote: the same `metric` records and
//! the same derived summaries and history rows, step by step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{golden, normalize, simple_records};
use wb_core::json::Value;
use wb_run::{Error, LogOptions, MetricOptions, Mode, Row, Run, RunLog, Summary};

fn opts() -> MetricOptions {
    MetricOptions::default()
}

/// The "metric" scenario, with our API.
pub fn write_metric_scenario(run: &Run) {
    use Summary::*;
    run.define_metric("epoch", opts()).unwrap();
    run.define_metric(
        "loss",
        opts()
            .with_step_metric("epoch")
            .with_summary([Min, Max, Mean, Last, First]),
    )
    .unwrap();
    run.define_metric("acc", opts().with_summary([Max]).with_hidden(true))
        .unwrap();
    run.define_metric("train/*", opts().with_step_metric("epoch"))
        .unwrap();
    run.define_metric("val_*", opts().with_summary([None]))
        .unwrap();
    run.define_metric("eval.loss", opts().with_summary([Min]))
        .unwrap();
    run.define_metric("loss", opts().with_summary([Mean]))
        .unwrap();
    run.define_metric("x", opts().with_step_metric("epoch").with_step_sync(false))
        .unwrap();
    run.define_metric("s", opts().with_summary([Min, Last]))
        .unwrap();
    run.define_metric("o", opts().with_summary([Last]).with_overwrite(true))
        .unwrap();
    run.define_metric("g/*", opts().with_step_metric("gstep").with_summary([Max]))
        .unwrap();
    run.define_metric("a\\.b", opts().with_summary([Min]))
        .unwrap();
    for i in 0..4i64 {
        let mut row = Row::new()
            .with("loss", 1.0 / (i + 1) as f64)
            .with("acc", i as f64 * 0.1)
            .with("train/a", i)
            .with("train/b", 2.5 * i as f64)
            .with("val_x", i)
            .with("eval", Row::new().with("loss", 3 - i))
            .with("x", i)
            .with("s", format!("str{i}"))
            .with("o", i)
            .with("a.b", 5 - i);
        if i % 2 == 0 {
            row = row.with("epoch", i / 2);
        }
        if i == 3 {
            row = row.with("g/k", 2.0);
        }
        run.log(row).unwrap();
    }
    run.log(Row::new().with("loss", 7).with("z", Value::Null))
        .unwrap();
    run.log(Row::new().with("late", 5)).unwrap();
    run.log(Row::new().with("late", 2)).unwrap();
    run.define_metric("late", opts().with_summary([Min, First]))
        .unwrap();
    run.log(Row::new().with("late", 3)).unwrap();
    run.summary(Row::new().with("loss", 0.01)).unwrap();
    run.log(Row::new().with("loss", 9).with("acc", f64::NAN))
        .unwrap();
    run.log_with(
        Row::new().with("loss", 1),
        LogOptions::default().with_step(20),
    )
    .unwrap();
    run.log_with(
        Row::new().with("x", 3).with("epoch", 7),
        LogOptions::default().with_commit(false),
    )
    .unwrap();
    run.define_metric("x", opts().with_summary([Max])).unwrap();
    run.log(Row::new().with("x", 4)).unwrap();
    run.define_metric("*", opts().with_summary([Max])).unwrap();
    run.log(Row::new().with("new", 1)).unwrap();
    run.log(Row::new().with("new", 0)).unwrap();
}

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
