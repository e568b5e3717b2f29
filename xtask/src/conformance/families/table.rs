//! Conformance builders for the table family: `Table`, `JoinedTable`, `PartitionedTable`,
//! mapped to the calls a Rust user makes (`Table::from_rows_with(columns, rows, options)`,
//! `JoinedTable::new(..)`, `PartitionedTable::new(..)`). Cells are built with `Cell` values;
//! media cells (`$wb` inside a row) with the other families' builders.

use super::{Built, Ctx};
use crate::conformance::args::{Arg, Args, NdArray as CaseArray};
use std::sync::Arc;
use wb_types::LogValue;
use wb_types::core::json::Value;
use wb_types::table::{
    Cell, Dtype, JoinKey, JoinedTable, Key, LogMode, NdArray, NdData, Optional, PartitionedTable,
    Table, TableOptions, TableRef, Timestamp, Type,
};

/// Maps the table family's classes to our API; `None` for classes it does not know.
pub fn build(class: &str, args: &Args, ctx: &Ctx<'_>) -> Built {
    let r = match class {
        "Table" => table(args, ctx).map(LogValue::media),
        "JoinedTable" => joined(args, ctx).map(LogValue::media),
        "PartitionedTable" => partitioned(args).map(LogValue::media),
        _ => return None,
    };
    Some(r)
}

fn nd(a: &CaseArray) -> Result<NdArray, String> {
    let data = match a.dtype.as_str() {
        "bool" => NdData::Bool(a.as_i64()?.into_iter().map(|x| x != 0).collect()),
        "uint8" => NdData::U8(a.as_i64()?.into_iter().map(|x| x as u8).collect()),
        "int16" => NdData::I16(a.as_i64()?.into_iter().map(|x| x as i16).collect()),
        "int32" => NdData::I32(a.as_i64()?.into_iter().map(|x| x as i32).collect()),
        "int64" => NdData::I64(a.as_i64()?),
        "float32" => NdData::F32(a.as_f64()?.into_iter().map(|x| x as f32).collect()),
        "float64" => NdData::F64(a.as_f64()?),
        other => return Err(format!("$ndarray dtype {other} is not supported in tables")),
    };
    NdArray::from_data(a.shape.clone(), data).map_err(|e| e.to_string())
}

/// A case value as a table cell.
fn cell(a: &Arg, ctx: &Ctx<'_>) -> Result<Cell, String> {
    Ok(match a {
        Arg::Json(v) => Cell::from(v),
        Arg::Float(f) => Cell::Float(*f),
        Arg::Datetime(s) => Cell::Timestamp(Timestamp::from_iso(s).map_err(|e| e.to_string())?),
        Arg::NdArray(n) => Cell::from(nd(n)?),
        Arg::List(items) | Arg::Tuple(items) => Cell::List(
            items
                .iter()
                .map(|i| cell(i, ctx))
                .collect::<Result<_, _>>()?,
        ),
        Arg::Map(items) => Cell::Dict(Box::new(
            items
                .iter()
                .map(|(k, v)| Ok((Key::from(k.as_str()), cell(v, ctx)?)))
                .collect::<Result<_, String>>()?,
        )),
        Arg::IntKeys(items) => Cell::Dict(Box::new(
            items
                .iter()
                .map(|(k, v)| Ok((Key::Int(*k), cell(v, ctx)?)))
                .collect::<Result<_, String>>()?,
        )),
        Arg::File(p) => Cell::Str(p.to_string_lossy().into_owned()),
        Arg::Wb { class, args } => match super::build(class, args, ctx)? {
            LogValue::Media(m) => Cell::Media(m),
            other => {
                return Err(format!(
                    "{class} is not a data type a cell can hold: {other:?}"
                ));
            }
        },
        other => return Err(format!("{other:?} cannot be a table cell")),
    })
}

fn columns(a: &Arg) -> Result<Vec<Key>, String> {
    let items = match a {
        Arg::Json(Value::Array(items)) => items,
        _ => return Err("columns argument expects a `list` object".into()),
    };
    items
        .iter()
        .map(|c| match c {
            Value::Str(s) => Ok(Key::from(s.as_str())),
            Value::Int(i) => i64::try_from(*i)
                .map(Key::Int)
                .map_err(|_| "column index out of range".to_owned()),
            _ => Err("columns argument expects list of strings or ints".to_owned()),
        })
        .collect()
}

fn rows(a: &Arg, ctx: &Ctx<'_>) -> Result<Vec<Vec<Cell>>, String> {
    let row_args: Vec<Arg> = match a {
        Arg::Json(Value::Array(items)) => items.iter().cloned().map(Arg::Json).collect(),
        Arg::List(items) => items.clone(),
        Arg::NdArray(n) => {
            // A 2-D numpy array: one row per array row.
            let arr = nd(n)?;
            let rows = arr.shape().first().copied().unwrap_or(0);
            return (0..rows)
                .map(|r| match arr.index(r) {
                    Some(Cell::NdArray(row)) => match row.to_cell_list() {
                        Cell::List(cells) => Ok(cells),
                        c => Ok(vec![c]),
                    },
                    Some(c) => Ok(vec![c]),
                    None => Err("row out of range".to_owned()),
                })
                .collect();
        }
        _ => return Err("data argument expects a `list` object".into()),
    };
    row_args
        .iter()
        .map(|r| match r {
            Arg::Json(Value::Array(items)) => items.iter().map(|v| Ok(Cell::from(v))).collect(),
            Arg::List(items) | Arg::Tuple(items) => items.iter().map(|i| cell(i, ctx)).collect(),
            other => Err(format!("a row must be a list, got {other:?}")),
        })
        .collect()
}

/// `type_from_dtype` for the values a case can hold: a concrete value is a `const`; a list is a
/// list type (one element) or a union; a dict a typedDict.
fn dtype_of(v: &Value) -> Type {
    match v {
        Value::Array(items) => match items.as_slice() {
            [] => Type::list(Type::Unknown),
            [one] => Type::list(dtype_of(one)),
            many => Type::union(many.iter().map(dtype_of)),
        },
        Value::Object(m) => Type::typed_dict(m.iter().map(|(k, v)| (k.as_str(), dtype_of(v)))),
        v => Type::constant(v.clone()),
    }
}

fn table(args: &Args, ctx: &Ctx<'_>) -> Result<Table, String> {
    args.only(
        "Table",
        &[
            "columns",
            "data",
            "rows",
            "dataframe",
            "dtype",
            "optional",
            "allow_mixed_types",
            "log_mode",
        ],
    )?;
    let mut b = TableOptions::default();
    let mut names: Vec<Key> = Table::DEFAULT_COLUMNS.map(Key::from).to_vec();
    let mut data = Vec::new();
    let mut array_data = None;
    let frame = match (args.get("dataframe"), args.get("data")) {
        (Some(f @ Arg::DataFrame { .. }), _) | (_, Some(f @ Arg::DataFrame { .. })) => Some(f),
        (Some(other), _) => return Err(format!("dataframe must be a $dataframe, got {other:?}")),
        _ => None,
    };
    if let Some(Arg::DataFrame {
        columns: cols,
        data: frame_rows,
    }) = frame
    {
        names = cols
            .iter()
            .map(|c| match c {
                Arg::Json(Value::Str(s)) => Ok(Key::from(s.as_str())),
                Arg::Json(Value::Int(i)) => Ok(Key::Int(*i as i64)),
                _ => Err("columns argument expects list of strings or ints".to_owned()),
            })
            .collect::<Result<Vec<_>, _>>()?;
        data = frame_rows
            .iter()
            .map(|r| r.iter().map(|c| cell(c, ctx)).collect())
            .collect::<Result<Vec<Vec<Cell>>, String>>()?;
    } else {
        if let Some(c) = args.get("columns") {
            names = columns(c)?;
        }
        if let Some(Arg::NdArray(n)) = args.get("data") {
            // One array of shape (rows, columns, ...).
            array_data = Some(nd(n)?);
        } else if let Some(d) = args
            .get("data")
            .filter(|a| !matches!(a, Arg::Json(Value::Null)))
        {
            data = rows(d, ctx)?;
        } else if let Some(r) = args
            .get("rows")
            .filter(|a| !matches!(a, Arg::Json(Value::Null)))
        {
            data = rows(r, ctx)?;
        }
    }
    match args.get("dtype") {
        None | Some(Arg::Json(Value::Null)) => {}
        Some(Arg::Json(Value::Array(items))) => {
            b = b.with_dtype(Dtype::PerColumn(items.iter().map(dtype_of).collect()))
        }
        Some(Arg::Json(v)) => b = b.with_dtype(Dtype::All(dtype_of(v))),
        Some(other) => return Err(format!("dtype {other:?} is not supported")),
    }
    match args.get("optional") {
        None => {}
        Some(Arg::Json(Value::Bool(o))) => b = b.with_optional(Optional::All(*o)),
        Some(Arg::Json(Value::Array(items))) => {
            b = b.with_optional(Optional::PerColumn(
                items
                    .iter()
                    .map(|i| i.as_bool().ok_or("optional must hold booleans"))
                    .collect::<Result<_, _>>()?,
            ))
        }
        Some(other) => return Err(format!("optional must be a bool or a list, got {other:?}")),
    }
    match args.get("allow_mixed_types") {
        None => {}
        Some(Arg::Json(Value::Bool(m))) => b = b.with_allow_mixed_types(*m),
        Some(other) => return Err(format!("allow_mixed_types must be a bool, got {other:?}")),
    }
    match args.get("log_mode") {
        None => {}
        Some(Arg::Json(Value::Str(m))) => {
            b = b.with_log_mode(m.parse::<LogMode>().map_err(|e| e.to_string())?)
        }
        Some(other) => {
            return Err(format!(
                "Invalid log_mode: {other:?}. Must be one of ['IMMUTABLE', 'MUTABLE', 'INCREMENTAL']"
            ));
        }
    }
    match array_data {
        Some(a) => Table::from_ndarray_with(names, a, b),
        None => Table::from_rows_with(names, data, b),
    }
    .map_err(|e| e.to_string())
}

fn table_ref(a: Option<&Arg>, n: u8, ctx: &Ctx<'_>) -> Result<TableRef, String> {
    let bad = || {
        format!("JoinedTable table{n} should be an artifact path to a table or wandb.Table object")
    };
    match a {
        Some(Arg::Json(Value::Str(p))) => Ok(TableRef::Path(p.clone())),
        Some(Arg::Wb { class, args }) => match super::build(class, args, ctx)? {
            LogValue::Media(m) => {
                if let Some(t) = m.downcast_ref::<Table>() {
                    Ok(TableRef::Table(Arc::new(t.clone())))
                } else if let Some(p) = m.downcast_ref::<PartitionedTable>() {
                    Ok(TableRef::Partitioned(Arc::new(PartitionedTable::new(
                        p.parts_path(),
                    ))))
                } else {
                    Err(bad())
                }
            }
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn joined(args: &Args, ctx: &Ctx<'_>) -> Result<JoinedTable, String> {
    args.only("JoinedTable", &["table1", "table2", "join_key"])?;
    let bad_key = "JoinedTable join_key should be a string or a list of two strings";
    let key = match args.get("join_key") {
        Some(Arg::Json(Value::Str(k))) => JoinKey::One(k.clone()),
        Some(Arg::Json(Value::Array(items))) => JoinKey::from_list(
            items
                .iter()
                .map(|i| i.as_str().map(str::to_owned).ok_or(bad_key))
                .collect::<Result<_, _>>()?,
        )
        .map_err(|e| e.to_string())?,
        _ => return Err(bad_key.into()),
    };
    let t1 = table_ref(args.get("table1"), 1, ctx)?;
    let t2 = table_ref(args.get("table2"), 2, ctx)?;
    JoinedTable::new(t1, t2, key).map_err(|e| e.to_string())
}

fn partitioned(args: &Args) -> Result<PartitionedTable, String> {
    args.only("PartitionedTable", &["parts_path"])?;
    match args.get("parts_path") {
        Some(Arg::Json(Value::Str(p))) => Ok(PartitionedTable::new(p.clone())),
        other => Err(format!("parts_path must be a string, got {other:?}")),
    }
}
