//! Behaviours checked against wandb 0.31.0 (tests/golden/behaviors.json, made by
//! tests/golden/make_behaviors.py): dtype/optional lists, cast, add_column, primary keys,
//! union ordering, and logging the same table again in each log mode.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;
use std::sync::Arc;
use wb_core::json::{Value, parse};
use wb_core::{DirRun, LogValue, RunTarget, Step, WbValue};
use wb_table::{Cell, Dtype, LogMode, Nullability, Optional, RowLimit, Table, TableOptions, Type};

fn golden() -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/behaviors.json");
    parse(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn g<'a>(v: &'a Value, k: &str) -> &'a Value {
    v.get(k).unwrap_or_else(|| panic!("golden has no {k}"))
}

fn types(t: &Table) -> Value {
    t.column_types().to_json().unwrap()
}

fn err_text(e: wb_core::Error) -> String {
    let kind = match e {
        wb_core::Error::Type(_) => "TypeError",
        wb_core::Error::Value(_) => "ValueError",
        _ => "Error",
    };
    format!("{kind}: {e}")
}

#[test]
fn dtypes_cast_add_column_and_keys() {
    let gd = golden();
    let t = Table::from_rows_with(
        ["a", "b"],
        vec![vec![1.into(), "x".into()], vec![2.into(), Cell::Null]],
        TableOptions::default()
            .with_dtype(Dtype::PerColumn(vec![Type::Number, Type::String]))
            .with_optional(Optional::PerColumn(vec![false, true])),
    )
    .unwrap();
    assert_eq!(types(&t), *g(&gd, "dtype_types"));

    let t = Table::from_rows_with(
        ["a"],
        vec![vec![Cell::from(vec![1, 2])]],
        TableOptions::default().with_dtype(Dtype::PerColumn(vec![Type::list(Type::Number)])),
    )
    .unwrap();
    assert_eq!(types(&t), *g(&gd, "dtype_list_types"));

    let mut t = Table::from_rows(["a"], vec![vec!["x".into()], vec!["y".into()]]).unwrap();
    let e = t
        .cast("a", Type::Number, Nullability::Required)
        .unwrap_err();
    assert_eq!(Value::Str(err_text(e)), *g(&gd, "cast_error"));
    t.cast("a", Type::String, Nullability::Required).unwrap();
    assert_eq!(types(&t), *g(&gd, "cast_types"));

    let mut t = Table::from_rows(["a"], vec![vec![1.into()], vec![2.into()]]).unwrap();
    let e = t
        .add_column("b", vec![1.into()], Nullability::Required)
        .unwrap_err();
    assert_eq!(
        format!("AssertionError: {e}"),
        g(&gd, "add_column_len_error").as_str().unwrap()
    );
    let e = t
        .add_column("b", vec![1.into(), "x".into()], Nullability::Required)
        .unwrap_err();
    assert_eq!(Value::Str(err_text(e)), *g(&gd, "add_column_type_error"));
    assert_eq!(t.ncols(), 1, "a failed add_column is rolled back");
    t.add_column("b", vec![1.5.into(), 2.5.into()], Nullability::Required)
        .unwrap();
    t.add_column("c", vec!["p".into(), Cell::Null], Nullability::Optional)
        .unwrap();
    assert_eq!(types(&t), *g(&gd, "add_column_types"));

    let mut t = Table::from_rows(
        ["id", "v"],
        vec![vec!["a".into(), 1.into()], vec!["b".into(), 2.into()]],
    )
    .unwrap();
    t.set_pk("id").unwrap();
    assert_eq!(types(&t), *g(&gd, "pk_types"));
    let e = t.set_pk("v").unwrap_err();
    assert_eq!(Value::Str(err_text(e)), *g(&gd, "pk_twice_error"));

    let t = Table::from_rows(["u"], vec![vec![Cell::from(vec![1])], vec![Cell::Null]]).unwrap();
    assert_eq!(types(&t), *g(&gd, "list_none_types"));
    let t = Table::from_rows(
        ["d"],
        vec![
            vec![Cell::from_dict([(
                "a",
                Cell::List(vec![1.into(), Cell::Null]),
            )])],
            vec![Cell::from_dict([(
                "a",
                Cell::List(vec![Cell::Null, 2.5.into()]),
            )])],
        ],
    )
    .unwrap();
    assert_eq!(types(&t), *g(&gd, "dict_list_none_types"));
}

fn log(run: &DirRun, key: &str, t: &Table, step: i64) -> (Value, String) {
    // Logging `&t` logs a snapshot: the same table each time.
    let j = wb_core::internal::value::val_to_json(run, key, &LogValue::from(t), Step::Num(step))
        .unwrap();
    let p = j.get("path").and_then(Value::as_str).unwrap();
    let text = std::fs::read_to_string(run.files_dir().join(p)).unwrap();
    (j, text)
}

fn strip_ids(v: &Value) -> Value {
    match v {
        Value::Str(s) if s.starts_with("wandb-client-artifact://") => {
            let rest = &s[24 + 128..];
            let rest = match rest.find(".inc.") {
                Some(i) => format!("{}<ms>{}", &rest[..rest.find('-').unwrap() + 1], &rest[i..]),
                None => rest.to_owned(),
            };
            Value::Str(rest)
        }
        Value::Array(a) => Value::Array(a.iter().map(strip_ids).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), strip_ids(v))).collect())
        }
        v => v.clone(),
    }
}

#[test]
fn logging_again_in_each_log_mode() {
    let gd = golden();
    let dir = tempfile::tempdir().unwrap();
    let run = DirRun::new(dir.path()).with_id("abc12345");

    // IMMUTABLE: the second log re-uses the first (same file), only nrows is live.
    let mut t = Table::from_rows(["a"], vec![vec![1.into()]]).unwrap();
    let (j1, _) = log(&run, "imm", &t, 0);
    t.add_data(vec![2.into()]).unwrap();
    let (j2, f2) = log(&run, "imm", &t, 1);
    let gi = g(&gd, "immutable");
    assert_eq!(strip_ids(&j1), strip_ids(g(gi, "first")));
    assert_eq!(strip_ids(&j2), strip_ids(g(gi, "second")));
    assert_eq!(j1.get("artifact_path"), j2.get("artifact_path"));
    assert_eq!(Value::Str(f2), *g(gi, "file"));
    assert_eq!(run.artifacts().len(), 1);

    // MUTABLE: a change makes the next log a new file and a new artifact.
    let mut t = Table::from_rows_with(
        ["a"],
        vec![vec![1.into()]],
        TableOptions::default().with_log_mode(LogMode::Mutable),
    )
    .unwrap();
    let (j1, f1) = log(&run, "mut", &t, 0);
    t.add_data(vec![2.into()]).unwrap();
    let (j2, f2) = log(&run, "mut", &t, 1);
    let gm = g(&gd, "mutable");
    assert_eq!(strip_ids(&j1), strip_ids(g(gm, "first")));
    assert_eq!(strip_ids(&j2), strip_ids(g(gm, "second")));
    assert_eq!(Value::Array(vec![f1.into(), f2.into()]), *g(gm, "files"));
    assert_eq!(run.artifacts().len(), 3);

    // INCREMENTAL: the second log holds the new row only, and points at the first.
    let mut t = Table::from_rows_with(
        ["a"],
        vec![vec![1.into()], vec![2.into()]],
        TableOptions::default().with_log_mode(LogMode::Incremental),
    )
    .unwrap();
    let (j1, f1) = log(&run, "inc", &t, 0);
    t.add_data(vec![3.into()]).unwrap();
    let (j2, f2) = log(&run, "inc", &t, 1);
    let gc = g(&gd, "incremental");
    assert_eq!(Value::Array(vec![f1.into(), f2.into()]), *g(gc, "files"));
    assert_eq!(strip_ids(&j2), strip_ids(g(gc, "second")));
    assert_eq!(
        j2.get("previous_increments_paths"),
        Some(&Value::Array(vec![
            j1.get("artifact_path").unwrap().clone()
        ]))
    );
    let arts = run.artifacts();
    let inc = &arts[arts.len() - 1];
    assert_eq!(inc.artifact_type, "wandb-run-incremental-table");
    assert_eq!(inc.name, "run-abc12345-incr-inc");
    assert!(inc.incremental);
    let (entry, _) = inc.entries.first().unwrap();
    assert!(
        entry.starts_with("1-") && entry.ends_with(".inc.table.json"),
        "{entry}"
    );
    let text = String::from_utf8(inc.entry_bytes(entry).unwrap().to_vec()).unwrap();
    let aj = parse(&text).unwrap();
    assert_eq!(aj.get("nrows"), Some(&Value::Int(1)));
    assert_eq!(aj.get("increment_num"), Some(&Value::Int(1)));

    // The first increment's entry is named `None-<ms>.<key>.table.json`.
    let first = &arts[arts.len() - 2];
    assert!(first.entries.keys().next().unwrap().starts_with("None-"));
}

#[test]
fn run_copy_keeps_ten_thousand_rows() {
    let gd = golden();
    let gb = g(&gd, "big");
    let dir = tempfile::tempdir().unwrap();
    let run = DirRun::new(dir.path()).with_id("abc12345");
    let rows = (0..10_005i64)
        .map(|i| vec![Cell::Int(i), Cell::Str(format!("r{i}"))])
        .collect();
    let t = Table::from_rows(["i", "s"], rows).unwrap();
    let (j, f) = log(&run, "big", &t, 0);
    assert_eq!(strip_ids(&j), strip_ids(g(gb, "json")));
    assert_eq!(
        Value::Str(wb_core::internal::hash::sha256_hex(f.as_bytes())),
        *g(gb, "file_sha256")
    );
    // The artifact keeps every row.
    let art = &run.artifacts()[0];
    let text = String::from_utf8(art.entry_bytes("big.table.json").unwrap().to_vec()).unwrap();
    assert_eq!(
        parse(&text).unwrap().get("nrows"),
        Some(&Value::Int(10_005))
    );
}

#[test]
fn artifact_table_reads_back_with_media_cells() {
    // An Html-cell table written by the SDK (golden) reads back into Html values.
    let files =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/table_artifact_html_cells/files");
    let src = wb_core::DirArtifact::new(&files);
    let json = parse(&std::fs::read_to_string(files.join("t.table.json")).unwrap()).unwrap();
    let mut reg = wb_core::Registry::new().with_core();
    wb_table::register(&mut reg);
    let t = Table::from_json(&json, &src, &reg).unwrap();
    assert_eq!(t.nrows(), 3);
    let Cell::Media(m) = &t.column("page").unwrap()[0] else {
        panic!("not a media cell")
    };
    assert_eq!(m.class_name(), "Html");
    assert_eq!(types(&t), *json.get("column_types").unwrap());
    // And through the registry, as `WBValue.init_from_json`.
    let v = reg.decode(&json, &src).unwrap().unwrap();
    assert!(v.wb_eq(&t));
}

#[test]
fn incremental_artifact_reads_every_increment_in_order() {
    // An incremental artifact holds one entry per increment; from_json of any of them reads the
    // rows of all, ordered by (increment, timestamp), as `_get_data_from_increments` does.
    let mut t = Table::from_rows_with(
        ["a"],
        vec![vec![1.into()]],
        TableOptions::default().with_log_mode(LogMode::Incremental),
    )
    .unwrap();
    let mut art = wb_core::Artifact::new("run-x-incr-t", "wandb-run-incremental-table");
    let first = t.add_to_artifact(&mut art, "0-200.t").unwrap();
    // Pretend the first increment was logged, then add a row and write the second increment.
    let dir = tempfile::tempdir().unwrap();
    let run = DirRun::new(dir.path()).with_id("abc12345");
    log(&run, "t", &t, 0);
    t.add_data(vec![2.into()]).unwrap();
    t.add_data(vec![3.into()]).unwrap();
    let second = t.add_to_artifact(&mut art, "1-100.t").unwrap();
    assert_eq!(second, "1-100.t.table.json");
    let json = parse(std::str::from_utf8(&art.entry_bytes(&first).unwrap()).unwrap()).unwrap();
    let reg = wb_core::Registry::new().with_core();
    let back = Table::from_json(&json, &art, &reg).unwrap();
    let col: Vec<String> = back
        .column("a")
        .unwrap()
        .into_iter()
        .map(Cell::py_str)
        .collect();
    assert_eq!(col, ["1", "2", "3"]);
    assert_eq!(back.log_mode(), LogMode::Incremental);
}

#[test]
fn artifact_row_limit_truncates_or_raises() {
    let rows: Vec<Vec<Cell>> = (0..200_001i64).map(|i| vec![Cell::Int(i)]).collect();
    let t = Table::from_rows(["i"], rows).unwrap();
    let mut art = wb_core::Artifact::new("a", "dataset");
    let text = t.to_artifact_text(&mut art).unwrap();
    let j = parse(&text).unwrap();
    assert_eq!(j.get("nrows"), Some(&Value::Int(200_000)));
    assert_eq!(
        j.get("data").and_then(Value::as_array).map(<[Value]>::len),
        Some(200_000)
    );
    let t = Table::from_rows_with(
        ["i"],
        t.rows().collect(),
        TableOptions::default().with_row_limit(RowLimit::Raise),
    )
    .unwrap();
    let e = t.to_artifact_text(&mut art).unwrap_err().to_string();
    assert!(
        e.starts_with("Table row limit exceeded: table has 200001 rows, limit is 200000."),
        "{e}"
    );
}

#[test]
fn row_indexes_and_foreign_keys_in_an_artifact() {
    // Printed by wandb 0.31.0 for the same tables (entries of `art.add(t2, "t2")` and
    // `art.add(t3, "t3")`).
    let t1_text = r#"{"_type": "table", "column_types": {"params": {"type_map": {"id": {"params": {"allowed_types": [{"wb_type": "none"}, {"wb_type": "string"}]}, "wb_type": "union"}}}, "wb_type": "typedDict"}, "columns": ["id"], "data": [["a"], ["b"]], "log_mode": "IMMUTABLE", "ncols": 1, "nrows": 2}"#;
    let t2_text = r#"{"_type": "table", "column_types": {"params": {"type_map": {"ref": {"params": {"table": "media/tables/dc0a4e155d55b8361f41.table.json"}, "wb_type": "foreignIndex"}, "v": {"params": {"allowed_types": [{"wb_type": "none"}, {"wb_type": "number"}]}, "wb_type": "union"}}}, "wb_type": "typedDict"}, "columns": ["ref", "v"], "data": [[0, 1], [1, 1]], "log_mode": "IMMUTABLE", "ncols": 2, "nrows": 2}"#;
    let t3_text = r#"{"_type": "table", "column_types": {"params": {"type_map": {"k": {"params": {"col_name": "id", "table": "media/tables/dc0a4e155d55b8361f41.table.json"}, "wb_type": "foreignKey"}}}, "wb_type": "typedDict"}, "columns": ["k"], "data": [["a"]], "log_mode": "IMMUTABLE", "ncols": 1, "nrows": 1}"#;
    let t1 = Table::from_rows(["id"], vec![vec!["a".into()], vec!["b".into()]]).unwrap();
    let rows = t1.index().into_iter().map(|i| vec![i, 1.into()]).collect();
    let t2 = Table::from_rows(["ref", "v"], rows).unwrap();
    let mut art = wb_core::Artifact::new("x", "dataset");
    art.add(&t2, "t2").unwrap();
    let names: Vec<&String> = art.entries.keys().collect();
    assert_eq!(
        names,
        [
            "media/tables/dc0a4e155d55b8361f41.table.json",
            "t2.table.json"
        ]
    );
    let text = |a: &wb_core::Artifact, n: &str| {
        String::from_utf8(a.entry_bytes(n).unwrap().to_vec()).unwrap()
    };
    assert_eq!(
        text(&art, "media/tables/dc0a4e155d55b8361f41.table.json"),
        t1_text
    );
    assert_eq!(text(&art, "t2.table.json"), t2_text);

    let t1 = Arc::new(t1);
    let mut t3 = Table::from_rows(["k"], vec![vec!["a".into()]]).unwrap();
    t3.set_fk("k", &t1, "id").unwrap();
    let mut art = wb_core::Artifact::new("y", "dataset");
    art.add(&t3, "t3").unwrap();
    assert_eq!(text(&art, "t3.table.json"), t3_text);
    // And both read back, with the referenced table loaded.
    let reg = wb_core::Registry::new().with_core();
    let back = Table::from_json(&parse(t3_text).unwrap(), &art, &reg).unwrap();
    assert!(
        matches!(back.column_type(&"k".into()), Some(Type::ForeignKey { col_name, .. }) if col_name == "id")
    );
    // A table cannot refer to itself.
    let me = Arc::new(t3.snapshot());
    assert!(t3.set_fk("k", &me, "k").is_err());
}

#[test]
fn computed_columns() {
    // wandb.Table(columns=["x","y"], data=[[3,1],[4,6]]).add_computed_columns(
    //     lambda ndx, row: {"diff": row["x"] - row["y"]}) gives diff = [2, -2], typed number.
    let mut t = Table::from_rows(
        ["x", "y"],
        vec![vec![3.into(), 1.into()], vec![4.into(), 6.into()]],
    )
    .unwrap();
    t.add_computed_columns(|_, row| {
        let v = |k: &str| match row.get(&wb_table::Key::from(k)) {
            Some(Cell::Int(i)) => *i,
            _ => 0,
        };
        [("diff".to_owned(), Cell::Int(v("x") - v("y")))]
            .into_iter()
            .collect()
    })
    .unwrap();
    let diff: Vec<String> = t
        .column("diff")
        .unwrap()
        .into_iter()
        .map(Cell::py_str)
        .collect();
    assert_eq!(diff, ["2", "-2"]);
    assert_eq!(t.column_type(&"diff".into()), Some(&Type::Number));
    let mut inc = Table::from_rows_with(
        ["x"],
        Vec::new(),
        TableOptions::default().with_log_mode(LogMode::Incremental),
    )
    .unwrap();
    let e = inc
        .add_computed_columns(|_, _| indexmap::IndexMap::new())
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Operation 'add_computed_columns' is not supported")
    );
}

#[test]
fn a_clone_is_a_new_table_and_a_snapshot_the_same_one() {
    let dir = tempfile::tempdir().unwrap();
    let run = DirRun::new(dir.path()).with_id("abc12345");
    let t = Table::from_rows(["a"], vec![vec!["x".into()]]).unwrap();
    let (j1, _) = log(&run, "t", &t, 0);
    // A snapshot is the logged table: its second log re-uses the first artifact.
    let (j2, _) = log(&run, "t", &t, 1);
    assert_eq!(j1.get("artifact_path"), j2.get("artifact_path"));
    assert_eq!(run.artifacts().len(), 1);
    // A clone was never logged: logging it makes its own artifact.
    let clone: Arc<dyn WbValue> = Arc::new(t.clone());
    wb_core::internal::value::val_to_json(&run, "t", &LogValue::Media(clone), Step::Num(2))
        .unwrap();
    assert_eq!(run.artifacts().len(), 2);
    // And it is another table: it may refer to the original, which a snapshot may not.
    let mut c = t.clone();
    c.set_fk("a", &Arc::new(t.clone()), "a").unwrap();
    let mut s = t.snapshot();
    assert!(s.set_fk("a", &Arc::new(t.snapshot()), "a").is_err());
}
