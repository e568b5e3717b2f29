//! The calls of the telemetry tests' main run that the offline (`sdk_telemetry.rs`) and the
//! online (`online_telemetry.rs`) comparisons with the SDK share.

use std::path::Path;
use wb_core::Artifact;
use wb_run::{FilePolicy, MetricOptions, Row, Run, SaveOptions, Summary};
use wb_table::Table;

/// Two metric definitions, a history row, `notes` saved now (with `save`), an artifact of
/// `notes`, a summary value and a table; the SDK script's calls up to its table.
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
