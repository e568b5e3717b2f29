//! The calls of the telemetry tests' main run, in Rust and in the SDK's Python, that the
//! offline (`sdk_telemetry.rs`) and the online (`online_telemetry.rs`) comparisons share.

use std::path::Path;
use wb_core::{Artifact, json_map};
use wb_run::{FilePolicy, MetricOptions, Row, Run, RunBuilder, SaveOptions, Summary};
use wb_table::Table;

/// The main run: `builder` with id `tele0001`, name `telemetry`, tag `a` and config `lr` 0.1,
/// as the SDK scripts' first `wandb.init`.
pub fn main_run(builder: RunBuilder) -> Run {
    builder
        .with_id("tele0001")
        .with_name("telemetry")
        .with_tags(["a"])
        .with_config(json_map! {"lr" => 0.1})
        .build()
        .unwrap()
}

/// Two metric definitions, a history row, `notes` saved now (with `save`), an artifact of
/// `notes`, a summary value and a table: [`SDK_CALLS`] with our API.
pub fn telemetry_calls(run: &Run, notes: &Path, save: SaveOptions) {
    run.define_metric("epoch", MetricOptions::default())
        .unwrap();
    run.define_metric(
        "val/*",
        MetricOptions::default()
            .with_step_metric("epoch")
            .with_summary([Summary::Min, Summary::Last])
            .with_hidden(true)
            .with_step_sync(true),
    )
    .unwrap();
    run.log(Row::new().with("epoch", 0).with("val/loss", 1.0))
        .unwrap();
    run.save_with(notes, FilePolicy::Now, save).unwrap();
    let mut art = Artifact::new("d", "dataset");
    art.add_file(notes).unwrap();
    run.log_artifact(art).unwrap();
    run.summary(Row::new().with("best", 0.5)).unwrap();
    let table = Table::from_rows(["a"], vec![vec![1.into()]]).unwrap();
    run.log(Row::new().with_media("t", table)).unwrap();
}

/// The SDK's side of [`telemetry_calls`] in Python, for a `run` started in a folder holding
/// `notes.txt`.
pub const SDK_CALLS: &str = r#"run.define_metric("epoch")
run.define_metric("val/*", step_metric="epoch", summary="min,last", hidden=True, step_sync=True)
run.log({"epoch": 0, "val/loss": 1.0})
run.save("notes.txt", policy="now")
art = wandb.Artifact("d", type="dataset")
art.add_file("notes.txt")
run.log_artifact(art)
run.summary.update({"best": 0.5})
run.log({"t": wandb.Table(columns=["a"], data=[[1]])})
"#;

/// `script` with [`SDK_CALLS`] in place of its `#CALLS` line.
pub fn with_sdk_calls(script: &str) -> String {
    assert!(script.contains("#CALLS\n"), "no #CALLS line in {script}");
    script.replace("#CALLS\n", SDK_CALLS)
}
