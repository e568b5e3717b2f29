//! A table of a million rows: built, logged to a run and added to an artifact without
//! trouble. As in wandb 0.31.0, the run copy keeps the first `Table.MAX_ROWS` (10 000) rows
//! and the artifact the first `Table.MAX_ARTIFACT_ROWS` (200 000); nothing errors (the SDK
//! only warns, unless `table_raise_on_max_row_limit_exceeded` is set).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wb_types::core::json::{self, Value};
use wb_types::table::{Cell, Table};
use wb_types::{Artifact, DirRun, Step, WbValue};

const ROWS: usize = 1_000_000;

#[test]
fn a_million_row_table() {
    assert_eq!(
        (Table::MAX_ROWS, Table::MAX_ARTIFACT_ROWS),
        (10_000, 200_000)
    );
    let t = Table::from_columns(vec![
        (
            "i",
            (0..ROWS).map(|i| Cell::from(i as i64)).collect::<Vec<_>>(),
        ),
        ("x", (0..ROWS).map(|i| Cell::from(i as f64 * 0.5)).collect()),
        (
            "s",
            (0..ROWS)
                .map(|i| Cell::from(if i % 2 == 0 { "even" } else { "odd" }))
                .collect(),
        ),
    ])
    .unwrap();
    assert_eq!(t.nrows(), ROWS);

    // The artifact copy: the first 200 000 rows.
    let mut art = Artifact::new("big", "dataset");
    let entry = art.add(&t, "big").unwrap();
    let text = art.entry_bytes(&entry).unwrap();
    let j = json::parse(std::str::from_utf8(&text).unwrap()).unwrap();
    let data = j.get("data").and_then(Value::as_array).unwrap();
    assert_eq!(data.len(), Table::MAX_ARTIFACT_ROWS);
    assert_eq!(
        data.last().unwrap().as_array().unwrap()[0].as_i64(),
        Some(Table::MAX_ARTIFACT_ROWS as i64 - 1)
    );

    // The run copy: the first 10 000 rows, in the run's media folder.
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path().join("files"));
    t.bind_to_run(&run, "big", Step::Num(0)).unwrap();
    let rj = t.to_run_json(&run).unwrap();
    // `nrows` counts every row, as the SDK writes it (`len(self.data)`); the file holds 10 000.
    assert_eq!(rj.get("nrows").and_then(Value::as_i64), Some(ROWS as i64));
    let path = rj.get("path").and_then(Value::as_str).unwrap();
    let file = std::fs::read_to_string(tmp.path().join("files").join(path)).unwrap();
    let fj = json::parse(&file).unwrap();
    assert_eq!(
        fj.get("data").and_then(Value::as_array).unwrap().len(),
        Table::MAX_ROWS
    );
}
