//! The "metric" scenario of `tests/data/make_sdk_logs.py` (`define_metric` in every form),
//! with our API; shared by the golden, live-SDK and online tests.

use wb_core::json::Value;
use wb_run::{LogOptions, MetricOptions, Row, Run, Summary};

/// The default options.
pub fn opts() -> MetricOptions {
    MetricOptions::default()
}

/// The "metric" scenario, with our API (the run is left open).
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
