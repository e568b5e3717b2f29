//! Times building a 10 000-row × 5-column table (int, float, string, bool, 3-element list) and
//! serializing it to its artifact JSON (`name.table.json`), the same work as
//! `wandb.Table(columns, data)` + `json.dump(table.to_json(artifact), sort_keys=True)`.
//!
//! `cargo run --release -p wb-table --example bench_table`; the SDK side is
//! `crates/wb-table/benches/bench_table_sdk.py` (same inputs).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;
use wb_core::Artifact;
use wb_table::{Cell, Table};

const ROWS: usize = 10_000;

fn rows() -> Vec<Vec<Cell>> {
    (0..ROWS as i64)
        .map(|i| {
            vec![
                Cell::Int(i),
                Cell::Float(i as f64 * 0.5),
                Cell::Str(format!("row{i}")),
                Cell::Bool(i % 2 == 0),
                Cell::List(vec![Cell::Int(i), Cell::Int(i + 1), Cell::Int(i + 2)]),
            ]
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() -> wb_core::Result<()> {
    let cols = ["id", "x", "name", "flag", "triple"];
    let mut build = Vec::new();
    let mut total = Vec::new();
    let mut bytes = 0;
    for _ in 0..30 {
        let data = rows();
        let t0 = Instant::now();
        let table = Table::from_rows(cols, data)?;
        let t1 = Instant::now();
        let mut art = Artifact::new("bench", "dataset");
        let text = table.to_artifact_text(&mut art)?;
        let t2 = Instant::now();
        bytes = text.len();
        build.push((t1 - t0).as_secs_f64() * 1e3);
        total.push((t2 - t0).as_secs_f64() * 1e3);
    }
    println!(
        "wb-table: {ROWS} rows x 5 cols: build {:.2} ms, build + artifact JSON {:.2} ms ({bytes} bytes), median of 30",
        median(build),
        median(total)
    );
    // The same table built a column at a time.
    let mut by_col = Vec::new();
    for _ in 0..30 {
        let data = rows();
        let mut cols_data: Vec<Vec<Cell>> = (0..5).map(|_| Vec::with_capacity(ROWS)).collect();
        for row in data {
            for (c, cell) in cols_data.iter_mut().zip(row) {
                c.push(cell);
            }
        }
        let t0 = Instant::now();
        let table = Table::from_columns(cols.iter().copied().zip(cols_data).collect())?;
        let mut art = Artifact::new("bench", "dataset");
        let text = table.to_artifact_text(&mut art)?;
        by_col.push(t0.elapsed().as_secs_f64() * 1e3);
        assert_eq!(text.len(), bytes);
    }
    println!(
        "wb-table: from_columns + artifact JSON {:.2} ms, median of 30",
        median(by_col)
    );
    Ok(())
}
