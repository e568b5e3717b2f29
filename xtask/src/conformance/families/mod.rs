//! Rust side of the conformance runner: each family maps a case's `$wb` class and arguments to
//! the same public API calls a user makes. A family returns `None` for a class it does not
//! know, so the dispatcher can try the next one; an unknown class everywhere fails the case.

use super::args::{Arg, Args, unmapped};
use std::path::Path;
use wb_types::LogValue;

pub mod audio;
pub mod core;
pub mod graph;
pub mod image;
pub mod object3d;
pub mod table;
pub mod video;

/// What a builder gets besides the arguments.
pub struct Ctx<'a> {
    /// The case file's folder (relative paths are resolved already; kept for fixtures).
    pub case_dir: &'a Path,
}

/// The result of a builder: `None` = not this family's class.
pub type Built = Option<Result<LogValue, String>>;

/// Builds `{"$wb": class, "args": args}` with our API.
pub fn build(class: &str, args: &Args, ctx: &Ctx<'_>) -> Result<LogValue, String> {
    let families: [fn(&str, &Args, &Ctx<'_>) -> Built; 7] = [
        core::build,
        image::build,
        audio::build,
        video::build,
        object3d::build,
        table::build,
        graph::build,
    ];
    for f in families {
        if let Some(r) = f(class, args, ctx) {
            return r;
        }
    }
    Err(unmapped(format!(
        "unknown class {class:?}: no Rust builder maps it"
    )))
}

/// Turns any case value into a `LogValue` (nested `$wb` values built, lists kept as lists).
pub fn to_log_value(arg: &Arg, ctx: &Ctx<'_>) -> Result<LogValue, String> {
    match arg {
        Arg::Wb { class, args } => build(class, args, ctx),
        Arg::Json(v) => Ok(LogValue::Json(v.clone())),
        Arg::Float(f) => Ok(LogValue::Json((*f).into())),
        Arg::List(items) | Arg::Tuple(items) => items
            .iter()
            .map(|a| to_log_value(a, ctx))
            .collect::<Result<Vec<_>, _>>()
            .map(LogValue::List),
        Arg::Map(items) => items
            .iter()
            .map(|(k, a)| Ok((k.clone(), to_log_value(a, ctx)?)))
            .collect::<Result<_, String>>()
            .map(LogValue::Map),
        Arg::DataFrame { columns, data } => record_batch_table(columns, data),
        other => Err(unmapped(format!(
            "a {other:?} cannot be logged directly in a case"
        ))),
    }
}

/// A pandas DataFrame logged on its own (the SDK logs it as `Table(dataframe=df)`): for a Rust
/// user, an Arrow `RecordBatch` made into a table with `Table::from_record_batches`. Each
/// column becomes an Arrow array of its values' kind (int64, float64, string, bool; `null` as
/// a missing value).
fn record_batch_table(columns: &[Arg], data: &[Vec<Arg>]) -> Result<LogValue, String> {
    use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    use wb_types::core::json::Value;
    let mut arrays: Vec<(String, ArrayRef)> = Vec::new();
    for (ci, c) in columns.iter().enumerate() {
        let Arg::Json(Value::Str(name)) = c else {
            return Err(unmapped("a logged $dataframe needs string column names"));
        };
        let cells: Vec<&Value> = data
            .iter()
            .map(|r| match r.get(ci) {
                Some(Arg::Json(v)) => Ok(v),
                _ => Err(unmapped("a logged $dataframe holds plain JSON cells")),
            })
            .collect::<Result<_, _>>()?;
        let non_null = || cells.iter().filter(|v| !v.is_null());
        let array: ArrayRef = if non_null().all(|v| matches!(v, Value::Int(_))) {
            Arc::new(Int64Array::from(
                cells.iter().map(|v| v.as_i64()).collect::<Vec<_>>(),
            ))
        } else if non_null().all(|v| matches!(v, Value::Int(_) | Value::Float(_))) {
            Arc::new(Float64Array::from(
                cells.iter().map(|v| v.as_f64()).collect::<Vec<_>>(),
            ))
        } else if non_null().all(|v| matches!(v, Value::Str(_))) {
            Arc::new(StringArray::from(
                cells.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
            ))
        } else if non_null().all(|v| matches!(v, Value::Bool(_))) {
            Arc::new(BooleanArray::from(
                cells.iter().map(|v| v.as_bool()).collect::<Vec<_>>(),
            ))
        } else {
            return Err(unmapped(format!(
                "column {name:?} of a logged $dataframe mixes kinds an Arrow array cannot hold"
            )));
        };
        arrays.push((name.clone(), array));
    }
    let batch = RecordBatch::try_from_iter(arrays).map_err(|e| e.to_string())?;
    wb_types::table::Table::from_record_batches(&[batch])
        .map(LogValue::media)
        .map_err(|e| e.to_string())
}
