//! Data frames: a [`Table`] to and from Arrow [`RecordBatch`]es (the Rust `dataframe=`), Parquet
//! files and part sets (for tables far beyond the 200 000-row artifact limit, read directly by
//! DuckDB, Spark, DataFusion or pyarrow), and the SDK's former `data-frame` JSON
//! (`data_frame_to_json`, removed from the SDK in 2022).
//!
//! Column mapping: `number` columns of integers → `Int64`, other numbers → `Float64`;
//! `string` → `Utf8`; `boolean` → `Boolean`; `timestamp` → `Timestamp(µs)` (`UTC` when aware,
//! `Date32` for dates); lists of numbers and 1-D arrays → `List<Float64>` (`List<Int64>` for
//! integers); every other cell (dicts, nested lists, arrays, media, mixed `any` columns) →
//! `Utf8` holding its JSON text (media cells: their class name, or their run JSON when the frame
//! is logged to a run). `None` is a null in every column.

use crate::cell::{Cell, Key};
use crate::table::Table;
use crate::time::{TimeKind, Timestamp};
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wb_core::json::{Dialect, Map, to_string};
use wb_core::{Error, Result, RunTarget, Step, Value};

/// The run folder of data frames (`media/data_frames/`).
pub(crate) const DATA_FRAMES_DIR: &str = "media/data_frames";

fn arrow_err(e: impl std::fmt::Display) -> Error {
    Error::value(format!("arrow: {e}"))
}

/// How media cells are written into a frame.
type MediaText<'a> = &'a dyn Fn(&Cell) -> Result<String>;

/// The Arrow type a column's cells are written as.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Float,
    Str,
    Bool,
    Time(bool),
    Date,
    IntList,
    FloatList,
    Json,
}

fn kind_of(col: &[Cell]) -> Kind {
    let mut kind: Option<Kind> = None;
    for c in col {
        let k = match c {
            Cell::Null => continue,
            Cell::Int(_) | Cell::Index(_) => Kind::Int,
            Cell::Float(_) => Kind::Float,
            Cell::Str(_) => Kind::Str,
            Cell::Bool(_) => Kind::Bool,
            Cell::Timestamp(t) => match t.kind() {
                TimeKind::Date => Kind::Date,
                TimeKind::Utc => Kind::Time(true),
                TimeKind::Naive => Kind::Time(false),
            },
            Cell::List(items) if items.iter().all(|i| matches!(i, Cell::Int(_) | Cell::Null)) => {
                Kind::IntList
            }
            Cell::List(items)
                if items
                    .iter()
                    .all(|i| matches!(i, Cell::Int(_) | Cell::Float(_) | Cell::Null)) =>
            {
                Kind::FloatList
            }
            Cell::NdArray(a) if a.shape().len() == 1 => match a.data() {
                crate::NdData::F32(_) | crate::NdData::F64(_) => Kind::FloatList,
                crate::NdData::Bool(_) => Kind::Json,
                _ => Kind::IntList,
            },
            _ => Kind::Json,
        };
        kind = Some(match (kind, k) {
            (None, k) => k,
            (Some(a), b) if a == b => a,
            (Some(Kind::Int), Kind::Float) | (Some(Kind::Float), Kind::Int) => Kind::Float,
            (Some(Kind::IntList), Kind::FloatList) | (Some(Kind::FloatList), Kind::IntList) => {
                Kind::FloatList
            }
            _ => Kind::Json,
        });
    }
    kind.unwrap_or(Kind::Str)
}

/// A cell's JSON text in a `Utf8` column.
fn json_text(c: &Cell, media: MediaText<'_>) -> Result<String> {
    fn val(c: &Cell, media: MediaText<'_>) -> Result<Value> {
        Ok(match c {
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Int(i) => Value::Int(i128::from(*i)),
            Cell::Float(f) => Value::Float(*f),
            Cell::Str(s) => Value::Str(s.clone()),
            Cell::Timestamp(t) => Value::Str(t.iso()),
            Cell::List(items) => {
                Value::Array(items.iter().map(|i| val(i, media)).collect::<Result<_>>()?)
            }
            Cell::Dict(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| Ok((k.to_json_key(), val(v, media)?)))
                    .collect::<Result<Map>>()?,
            ),
            Cell::NdArray(a) => a.to_json(),
            Cell::Index(ix) => Value::Int(ix.row as i128),
            Cell::Media(_) => return media(c).map(Value::Str),
        })
    }
    match c {
        Cell::Str(s) => Ok(s.clone()),
        Cell::Media(_) => media(c),
        c => Ok(to_string(&val(c, media)?, Dialect::Compact)),
    }
}

fn column_array(cells: &[Cell], media: MediaText<'_>) -> Result<ArrayRef> {
    let kind = kind_of(cells);
    let num_list = |c: &Cell| -> Option<Vec<Cell>> {
        match c {
            Cell::List(items) => Some(items.clone()),
            Cell::NdArray(a) => match a.to_cell_list() {
                Cell::List(items) => Some(items),
                _ => None,
            },
            _ => None,
        }
    };
    Ok(match kind {
        Kind::Int => {
            let mut b = Int64Builder::with_capacity(cells.len());
            for c in cells {
                b.append_option(match c {
                    Cell::Int(i) => Some(*i),
                    Cell::Index(ix) => Some(ix.row as i64),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        Kind::Float => {
            let mut b = Float64Builder::with_capacity(cells.len());
            for c in cells {
                b.append_option(match c {
                    Cell::Int(i) => Some(*i as f64),
                    Cell::Float(f) => Some(*f),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        Kind::Bool => {
            let mut b = BooleanBuilder::with_capacity(cells.len());
            for c in cells {
                b.append_option(if let Cell::Bool(v) = c {
                    Some(*v)
                } else {
                    None
                });
            }
            Arc::new(b.finish())
        }
        Kind::Time(aware) => {
            let mut b = TimestampMicrosecondBuilder::with_capacity(cells.len());
            for c in cells {
                b.append_option(if let Cell::Timestamp(t) = c {
                    Some(t.unix_micros())
                } else {
                    None
                });
            }
            let a = b.finish();
            Arc::new(if aware { a.with_timezone("UTC") } else { a })
        }
        Kind::Date => {
            let mut b = Date32Builder::with_capacity(cells.len());
            for c in cells {
                b.append_option(if let Cell::Timestamp(t) = c {
                    Some(t.unix_micros().div_euclid(86_400_000_000) as i32)
                } else {
                    None
                });
            }
            Arc::new(b.finish())
        }
        Kind::IntList => {
            let mut b = ListBuilder::new(Int64Builder::new());
            for c in cells {
                match num_list(c) {
                    Some(items) => {
                        for i in items {
                            b.values().append_option(if let Cell::Int(v) = i {
                                Some(v)
                            } else {
                                None
                            });
                        }
                        b.append(true);
                    }
                    None => b.append(false),
                }
            }
            Arc::new(b.finish())
        }
        Kind::FloatList => {
            let mut b = ListBuilder::new(Float64Builder::new());
            for c in cells {
                match num_list(c) {
                    Some(items) => {
                        for i in items {
                            b.values().append_option(match i {
                                Cell::Int(v) => Some(v as f64),
                                Cell::Float(v) => Some(v),
                                _ => None,
                            });
                        }
                        b.append(true);
                    }
                    None => b.append(false),
                }
            }
            Arc::new(b.finish())
        }
        Kind::Str | Kind::Json => {
            let mut b = StringBuilder::with_capacity(cells.len(), cells.len() * 8);
            for c in cells {
                if matches!(c, Cell::Null) {
                    b.append_null();
                } else {
                    b.append_value(json_text(c, media)?);
                }
            }
            Arc::new(b.finish())
        }
    })
}

fn class_name_text(c: &Cell) -> Result<String> {
    match c {
        Cell::Media(m) => Ok(m.class_name().to_owned()),
        _ => Ok(String::new()),
    }
}

fn batch(
    table: &Table,
    rows: std::ops::Range<usize>,
    extra: &[(&str, &str)],
    media: MediaText<'_>,
) -> Result<RecordBatch> {
    let mut fields = Vec::new();
    let mut arrays = Vec::new();
    for (i, name) in table.columns.iter().enumerate() {
        // The column's cells in `rows` (a copy: the table holds its data by row).
        let cells: Vec<Cell> = table.rows[rows.clone()]
            .iter()
            .map(|r| r[i].clone())
            .collect();
        let a = column_array(&cells, media)?;
        fields.push(Field::new(name.to_json_key(), a.data_type().clone(), true));
        arrays.push(a);
    }
    for (name, value) in extra {
        let mut b = StringBuilder::new();
        for _ in rows.clone() {
            b.append_value(value);
        }
        fields.push(Field::new(*name, DataType::Utf8, true));
        arrays.push(Arc::new(b.finish()) as ArrayRef);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(arrow_err)
}

fn write_batches(path: &Path, batches: &[RecordBatch]) -> Result<()> {
    let Some(first) = batches.first() else {
        return Err(Error::value("no record batches to write"));
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    }
    let file = std::fs::File::create(path).map_err(|e| Error::io("creating", path, e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut w = ArrowWriter::try_new(file, first.schema(), Some(props)).map_err(arrow_err)?;
    for b in batches {
        w.write(b).map_err(arrow_err)?;
    }
    w.close().map_err(arrow_err)?;
    Ok(())
}

fn cell_at(a: &dyn Array, i: usize) -> Result<Cell> {
    if a.is_null(i) {
        return Ok(Cell::Null);
    }
    Ok(match a.data_type() {
        DataType::Boolean => Cell::Bool(a.as_boolean().value(i)),
        DataType::Int8 => Cell::Int(i64::from(a.as_primitive::<Int8Type>().value(i))),
        DataType::Int16 => Cell::Int(i64::from(a.as_primitive::<Int16Type>().value(i))),
        DataType::Int32 => Cell::Int(i64::from(a.as_primitive::<Int32Type>().value(i))),
        DataType::Int64 => Cell::Int(a.as_primitive::<Int64Type>().value(i)),
        DataType::UInt8 => Cell::Int(i64::from(a.as_primitive::<UInt8Type>().value(i))),
        DataType::UInt16 => Cell::Int(i64::from(a.as_primitive::<UInt16Type>().value(i))),
        DataType::UInt32 => Cell::Int(i64::from(a.as_primitive::<UInt32Type>().value(i))),
        DataType::UInt64 => {
            let v = a.as_primitive::<UInt64Type>().value(i);
            i64::try_from(v).map_or(Cell::Float(v as f64), Cell::Int)
        }
        DataType::Float16 => Cell::Float(f64::from(a.as_primitive::<Float16Type>().value(i))),
        DataType::Float32 => Cell::Float(f64::from(a.as_primitive::<Float32Type>().value(i))),
        DataType::Float64 => Cell::Float(a.as_primitive::<Float64Type>().value(i)),
        DataType::Utf8 => Cell::Str(a.as_string::<i32>().value(i).to_owned()),
        DataType::LargeUtf8 => Cell::Str(a.as_string::<i64>().value(i).to_owned()),
        DataType::Utf8View => Cell::Str(a.as_string_view().value(i).to_owned()),
        DataType::Date32 => {
            let days = i64::from(a.as_primitive::<Date32Type>().value(i));
            let t = Timestamp::from_unix_micros(days * 86_400_000_000, TimeKind::Date);
            Cell::Timestamp(t)
        }
        DataType::Timestamp(unit, tz) => {
            let micros = match unit {
                TimeUnit::Second => a.as_primitive::<TimestampSecondType>().value(i) * 1_000_000,
                TimeUnit::Millisecond => {
                    a.as_primitive::<TimestampMillisecondType>().value(i) * 1000
                }
                TimeUnit::Microsecond => a.as_primitive::<TimestampMicrosecondType>().value(i),
                TimeUnit::Nanosecond => a.as_primitive::<TimestampNanosecondType>().value(i) / 1000,
            };
            let kind = if tz.is_some() {
                TimeKind::Utc
            } else {
                TimeKind::Naive
            };
            Cell::Timestamp(Timestamp::from_unix_micros(micros, kind))
        }
        DataType::List(_) => {
            let l = a.as_list::<i32>();
            let v = l.value(i);
            Cell::List(
                (0..v.len())
                    .map(|j| cell_at(v.as_ref(), j))
                    .collect::<Result<_>>()?,
            )
        }
        DataType::LargeList(_) => {
            let l = a.as_list::<i64>();
            let v = l.value(i);
            Cell::List(
                (0..v.len())
                    .map(|j| cell_at(v.as_ref(), j))
                    .collect::<Result<_>>()?,
            )
        }
        other => {
            return Err(Error::type_error(format!(
                "Arrow type {other} cannot be a table cell (supported: integers, floats, strings, booleans, timestamps, dates and lists of them)"
            )));
        }
    })
}

#[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
impl Table {
    /// The table as one Arrow record batch (media cells as their class name).
    pub fn to_record_batch(&self) -> Result<RecordBatch> {
        batch(self, 0..self.nrows, &[], &class_name_text)
    }

    /// `Table(dataframe=...)` for Arrow: the columns are the batches' fields, the rows every
    /// batch's rows, types inferred as for [`Table::from_rows`].
    ///
    /// This is also how a record batch is logged as a value: the SDK logs a pandas DataFrame
    /// given to `run.log({"df": df})` as `Table(dataframe=df)` under the same key, and
    /// `Row::new().with("df", Table::from_record_batches(&[batch])?)` writes the same history
    /// JSON and table file. (The conversion can fail on a column type a table cannot hold, so
    /// it is this constructor rather than an infallible `Into` conversion.)
    pub fn from_record_batches(batches: &[RecordBatch]) -> Result<Table> {
        let Some(first) = batches.first() else {
            return Err(Error::value("from_record_batches needs at least one batch"));
        };
        let schema = first.schema();
        let columns: Vec<Key> = schema
            .fields()
            .iter()
            .map(|f| Key::from(f.name().as_str()))
            .collect();
        let mut cols: Vec<Vec<Cell>> = vec![Vec::new(); columns.len()];
        for b in batches {
            if b.schema().fields() != schema.fields() {
                return Err(Error::value(
                    "every record batch must have the schema of the first one",
                ));
            }
            for (ci, a) in b.columns().iter().enumerate() {
                for r in 0..b.num_rows() {
                    cols[ci].push(cell_at(a.as_ref(), r)?);
                }
            }
        }
        Table::from_columns(columns.into_iter().zip(cols).collect())
    }

    /// Writes the table as one Parquet file (snappy-compressed).
    pub fn write_parquet(&self, path: impl AsRef<Path>) -> Result<()> {
        write_batches(path.as_ref(), &[self.to_record_batch()?])
    }

    /// Writes the table as Parquet parts of at most `rows_per_part` rows
    /// (`part-00000.parquet`, ...) in `dir`, a dataset DuckDB (`read_parquet('dir/*.parquet')`),
    /// Spark or pyarrow read as one table. Returns the files written.
    pub fn write_parquet_parts(
        &self,
        dir: impl AsRef<Path>,
        rows_per_part: usize,
    ) -> Result<Vec<PathBuf>> {
        if rows_per_part == 0 {
            return Err(Error::value("rows_per_part must be at least 1"));
        }
        let dir = dir.as_ref();
        let mut out = Vec::new();
        let mut start = 0;
        loop {
            let end = (start + rows_per_part).min(self.nrows);
            let p = dir.join(format!("part-{:05}.parquet", out.len()));
            write_batches(&p, &[batch(self, start..end, &[], &class_name_text)?])?;
            out.push(p);
            start = end;
            if start >= self.nrows {
                break;
            }
        }
        Ok(out)
    }

    /// Reads a Parquet file (or every `*.parquet` file of a folder, in name order) into a table.
    #[doc(alias = "read_parquet")]
    pub fn from_parquet(path: impl AsRef<Path>) -> Result<Table> {
        let path = path.as_ref();
        let files = if path.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Error::io("reading", path, e))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
                .collect();
            v.sort();
            v
        } else {
            vec![path.to_path_buf()]
        };
        let mut batches = Vec::new();
        for f in files {
            let file = std::fs::File::open(&f).map_err(|e| Error::io("opening", &f, e))?;
            let reader = ParquetRecordBatchReaderBuilder::try_new(file)
                .map_err(arrow_err)?
                .build()
                .map_err(arrow_err)?;
            for b in reader {
                batches.push(b.map_err(arrow_err)?);
            }
        }
        Table::from_record_batches(&batches)
    }

    /// The SDK's former `data_frame_to_json(df, run, key, step)`: media cells are logged to the
    /// run under `key` and replaced by their run JSON text, the columns `wandb_run_id` and
    /// `wandb_data_frame_id` are added, the frame is written to
    /// `media/data_frames/<key>-<id>.parquet`, and the JSON
    /// `{"id", "_type": "data-frame", "format": "parquet", "project", "entity", "run", "path"}` is
    /// returned (`path` relative to the run's files folder).
    pub fn to_data_frame_json(
        &self,
        run: &dyn RunTarget,
        key: &str,
        step: Step,
        project: &str,
        entity: Option<&str>,
    ) -> Result<Value> {
        let id = wb_core::internal::random::random_id(8);
        let media = |c: &Cell| -> Result<String> {
            match c {
                Cell::Media(m) => {
                    m.bind_to_run(run, key, step)?;
                    Ok(to_string(&m.to_run_json(run)?, Dialect::Compact))
                }
                _ => Ok(String::new()),
            }
        };
        let b = batch(
            self,
            0..self.nrows,
            &[("wandb_run_id", run.run_id()), ("wandb_data_frame_id", &id)],
            &media,
        )?;
        let safe = wb_core::internal::path::safe_key(key)?;
        let rel = format!("{DATA_FRAMES_DIR}/{safe}-{id}.parquet");
        write_batches(&run.files_dir().join(&rel), &[b])?;
        run.publish_file(&rel)?;
        let mut m = Map::new();
        m.insert("id".into(), id.as_str().into());
        m.insert("_type".into(), "data-frame".into());
        m.insert("format".into(), "parquet".into());
        m.insert("project".into(), project.into());
        m.insert("entity".into(), entity.map_or(Value::Null, Value::from));
        m.insert("run".into(), run.run_id().into());
        m.insert("path".into(), rel.into());
        Ok(Value::Object(m))
    }
}
