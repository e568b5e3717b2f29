//! Quickstart: logs wb-core's types into a run directory and prints where they went.
//!
//! `cargo run --release --example quickstart [DIR]`
#![allow(clippy::print_stdout)]

use indexmap::IndexMap;
use std::sync::Arc;
use wb_types::core::value::history_row_to_json;
use wb_types::{DirRun, Histogram, Html, LogValue, Plotly, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "quickstart-run".to_owned());
    let run = DirRun::new(std::path::Path::new(&root).join("files"));

    let losses: Vec<f64> = (0..1000).map(|i| (f64::from(i) * 0.01).sin()).collect();
    let figure = wb_types::core::json::parse(
        r#"{"data": [{"type": "scatter", "y": [1, 3, 2]}], "layout": {}}"#,
    )?;

    let mut row: IndexMap<String, LogValue> = IndexMap::new();
    row.insert("loss".into(), 0.25.into());
    row.insert(
        "loss_hist".into(),
        LogValue::Media(Arc::new(Histogram::from_sequence(&losses)?)),
    );
    row.insert(
        "report".into(),
        LogValue::media(Html::from_literal("<h1>Hello from Rust</h1>", true)),
    );
    row.insert(
        "plot".into(),
        LogValue::media(Plotly::from_figure(&figure)?),
    );
    let json = history_row_to_json(&run, &row, 0)?;

    println!(
        "{}",
        wb_types::core::json::to_string(
            &Value::Object(json),
            wb_types::core::json::Dialect::Compact
        )
    );
    println!("files written under {}", run.files_dir_path().display());
    Ok(())
}
