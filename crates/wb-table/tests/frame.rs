//! Arrow/Parquet round trips, and interchange with pyarrow (tests/golden/frame/).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
#![cfg(feature = "parquet")]

use std::path::Path;
use wb_table::{Cell, Table, Timestamp};

/// The table tests/golden/frame/make_frame_golden.py describes.
fn expected() -> Table {
    let t = |iso: &str| Cell::Timestamp(Timestamp::parse_iso(iso).unwrap());
    Table::from_columns(vec![
        ("i", vec![Cell::Int(1), Cell::Null, Cell::Int(3)]),
        (
            "f",
            vec![Cell::Float(0.5), Cell::Float(f64::INFINITY), Cell::Null],
        ),
        ("s", vec!["a".into(), "h\u{e9}".into(), Cell::Null]),
        ("b", vec![true.into(), false.into(), Cell::Null]),
        (
            "t",
            vec![
                t("2020-01-01T12:00:00Z"),
                Cell::Null,
                t("2021-06-30T01:02:03.500000Z"),
            ],
        ),
        (
            "l",
            vec![
                Cell::List(vec![1.5.into(), 2.0.into()]),
                Cell::List(vec![]),
                Cell::Null,
            ],
        ),
    ])
    .unwrap()
}

fn golden() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/frame")
}

#[test]
fn reads_what_pyarrow_wrote() {
    let t = Table::read_parquet(golden().join("pyarrow_written.parquet")).unwrap();
    let want = expected();
    assert!(t.difference(&want).is_none(), "{:?}", t.difference(&want));
}

#[test]
fn parquet_round_trip_and_parts() {
    let dir = tempfile::tempdir().unwrap();
    let t = expected();
    t.write_parquet(dir.path().join("t.parquet")).unwrap();
    let back = Table::read_parquet(dir.path().join("t.parquet")).unwrap();
    assert!(back.difference(&t).is_none(), "{:?}", back.difference(&t));

    // A big table as parts; read back as one dataset.
    let rows: Vec<Vec<Cell>> = (0..2500i64)
        .map(|i| vec![Cell::Int(i), Cell::Str(format!("r{i}"))])
        .collect();
    let big = Table::from_rows(["id", "name"], rows).unwrap();
    let parts = big
        .write_parquet_parts(dir.path().join("parts"), 1000)
        .unwrap();
    assert_eq!(parts.len(), 3);
    let back = Table::read_parquet(dir.path().join("parts")).unwrap();
    assert_eq!(back.nrows(), 2500);
    assert!(back.difference(&big).is_none());
}

#[test]
fn data_frame_json_of_the_legacy_sdk() {
    let dir = tempfile::tempdir().unwrap();
    let run = wb_core::DirRun::new(dir.path()).with_id("run12345");
    let t = Table::from_rows(
        ["x", "page"],
        vec![vec![
            Cell::Int(1),
            Cell::media(wb_core::Html::from_literal_with(
                "<p>a</p>",
                wb_core::HtmlOptions::default().with_inject(false),
            )),
        ]],
    )
    .unwrap();
    let j = t
        .to_data_frame_json(&run, "frame", wb_core::Step::Num(3), "proj", None)
        .unwrap();
    let id = j
        .get("id")
        .and_then(wb_core::Value::as_str)
        .unwrap()
        .to_owned();
    assert_eq!(
        j.get("_type").and_then(wb_core::Value::as_str),
        Some("data-frame")
    );
    assert_eq!(
        j.get("format").and_then(wb_core::Value::as_str),
        Some("parquet")
    );
    let rel = format!("media/data_frames/frame-{id}.parquet");
    assert_eq!(
        j.get("path").and_then(wb_core::Value::as_str),
        Some(rel.as_str())
    );
    let back = Table::read_parquet(dir.path().join(&rel)).unwrap();
    let cols: Vec<String> = back.columns().iter().map(|c| c.to_string()).collect();
    assert_eq!(cols, ["x", "page", "wandb_run_id", "wandb_data_frame_id"]);
    let page = back.get_column("page").unwrap()[0].py_str();
    assert!(page.starts_with("{\"_type\":\"html-file\""), "{page}");
    assert_eq!(
        back.get_column("wandb_run_id").unwrap()[0].py_str(),
        "run12345"
    );
    assert!(run.published().contains(&rel));
}

/// Opt-in (needs Python with pyarrow): `WB_PYTHON=/work/venv-ref/bin/python cargo test -p
/// wb-table --test frame -- --ignored`.
#[test]
#[ignore = "needs Python with pyarrow (set WB_PYTHON)"]
fn pyarrow_reads_our_parquet() {
    let python = std::env::var("WB_PYTHON").expect("set WB_PYTHON to a python with pyarrow");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ours.parquet");
    expected().write_parquet(&p).unwrap();
    let out = std::process::Command::new(python)
        .arg(golden().join("make_frame_golden.py"))
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
