//! A table's artifact form (`name.table.json`, written as the SDK writes it) and `from_json`.

use crate::cell::{Cell, Key};
use crate::dtypes::{Type, TypeJsonContext, type_from_json};
use crate::nd_array::NdArray;
use crate::pywrite::{has_media, sorted_keys, write_cell, write_int, write_str};
use crate::table::{
    LogMode, MAX_ARTIFACT_ROWS, MAX_EMBEDDING_DIMENSIONS, RowLimit, Table, TableOptions,
};
use wb_core::ArtifactTarget;
use wb_core::internal::artifact::EntryText;
use wb_core::internal::hash::Md5Stream;
use wb_core::json::{Dialect, write_to};
use wb_core::{ArtifactSource, Error, Registry, Result, Value};

/// Rows per thread below which a table's rows are written on the calling thread alone.
const PARALLEL_MIN_ROWS: usize = 2048;

/// Rows below which a chunk is not cut smaller.
const CHUNK_MIN_ROWS: usize = 256;

/// Which columns are written as `null` (npz) and which may hold media cells.
#[derive(Clone, Copy)]
struct RowsOut<'a> {
    npz_cols: &'a [bool],
    media_cols: &'a [bool],
}

/// Whether a column of type `t` can hold a cell whose JSON adds files to the artifact. Every
/// cell fits its column's type (`add_data`, `add_column` and `cast` check it), so columns of
/// plain types need no scan for media.
fn may_hold_media(t: &Type) -> bool {
    match t {
        Type::Unknown
        | Type::None
        | Type::String
        | Type::Number
        | Type::Boolean
        | Type::Timestamp
        | Type::NdArray { .. }
        | Type::ForeignIndex { .. } => false,
        Type::List { element, .. } => may_hold_media(element),
        Type::Union(ts) => ts.iter().any(may_hold_media),
        _ => true,
    }
}

/// Rows written before the text's final size is estimated and reserved.
const ESTIMATE_ROWS: usize = 63;

/// The folder npz columns go to inside an artifact.
pub(crate) const SERIALIZED_DATA_DIR: &str = "media/serialized_data";

impl Table {
    /// The rows an artifact or run copy of the table holds: all of them, or for an INCREMENTAL
    /// table the ones added since the last log; at most `max_rows`.
    pub(crate) fn rows_to_write(&self, max_rows: usize) -> std::ops::Range<usize> {
        let start = if self.log_mode == LogMode::Incremental {
            self.state
                .lock()
                .ok()
                .and_then(|s| s.logged_rows)
                .unwrap_or(0)
        } else {
            0
        };
        let start = start.min(self.nrows);
        start..start.saturating_add(max_rows).min(self.nrows)
    }

    /// The artifact JSON text of the table (`json.dump(to_json(artifact), sort_keys=True)`),
    /// adding media cells' files and npz columns to `artifact`.
    /// More than [`Table::MAX_ARTIFACT_ROWS`] rows are truncated, as the SDK does (it logs
    /// "Truncating wandb.Table object to 200000 rows."), or refused with the SDK's error when
    /// the table's [`RowLimit`] is [`RowLimit::Raise`].
    pub fn to_artifact_text(&self, artifact: &mut dyn ArtifactTarget) -> Result<String> {
        Ok(self.artifact_entry(artifact, false)?.text())
    }

    /// [`Table::to_artifact_text`], with the text's MD5 when `hash` is set: a large table's rows
    /// are hashed as they are written (on the calling thread, while others write later rows).
    pub(crate) fn artifact_entry(
        &self,
        artifact: &mut dyn ArtifactTarget,
        hash: bool,
    ) -> Result<EntryText> {
        let rows = self.rows_to_write(usize::MAX);
        if rows.len() > MAX_ARTIFACT_ROWS && self.row_limit == RowLimit::Raise {
            return Err(Error::value(format!(
                "Table row limit exceeded: table has {} rows, limit is {MAX_ARTIFACT_ROWS}. To increase the maximum number of allowed rows in a wandb.Table, override the limit with `wandb.Table.MAX_ARTIFACT_ROWS = X` and try again. Note: this may cause slower queries in the W&B UI.",
                self.nrows
            )));
        }
        let rows = self.rows_to_write(MAX_ARTIFACT_ROWS);
        // INCREMENTAL tables start their counters when first serialized.
        let incr = if self.log_mode == LogMode::Incremental {
            let mut s = self
                .state
                .lock()
                .map_err(|_| Error::value("table state lock poisoned"))?;
            let n = *s.increment_num.get_or_insert(0);
            let prev = s.previous_paths.get_or_insert_with(Vec::new).clone();
            Some((n, prev))
        } else {
            None
        };

        // ndarray columns: short 1-D ones become lists, the others go to an npz entry.
        let mut types = self.types.clone();
        let mut npz_cols = vec![false; self.columns.len()];
        for (i, t) in self.types.iter().enumerate() {
            let Some(Type::NdArray { shape, .. }) = t.ndarray_member() else {
                continue;
            };
            if shape.len() == 1 && shape[0] <= MAX_EMBEDDING_DIMENSIONS {
                types[i] = Type::List {
                    element: Box::new(Type::Number),
                    length: Some(shape[0]),
                };
            } else {
                let key = self.columns[i].to_json_key();
                let stacked = self.column_array(self.columns[i].clone())?;
                let bytes = crate::npz::write_npz(&[(&key, &stacked)])?;
                let file = wb_core::internal::media::generated_file(bytes, ".npz");
                let entry = wb_core::internal::media::add_file_to_artifact(
                    &file,
                    artifact,
                    SERIALIZED_DATA_DIR,
                )?;
                set_serialization_path(&mut types[i], entry, key);
                npz_cols[i] = true;
            }
        }
        let column_types = Type::TypedDict(self.columns.iter().cloned().zip(types).collect());

        let mut head = String::from("{\"_type\": \"table\", \"column_types\": ");
        write_column_types(&mut head, &column_types, artifact)?;
        head.push_str(", \"columns\": [");
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                head.push_str(", ");
            }
            match c {
                Key::Str(s) => write_str(&mut head, s),
                Key::Int(n) => write_int(&mut head, *n),
            }
        }
        head.push_str("], \"data\": [");
        let mut md5 = hash.then(Md5Stream::new);
        let media_cols: Vec<bool> = self
            .types
            .iter()
            .zip(&npz_cols)
            .map(|(t, npz)| !npz && may_hold_media(t))
            .collect();
        let out_rows = RowsOut {
            npz_cols: &npz_cols,
            media_cols: &media_cols,
        };
        let mut parts =
            self.write_data_rows(head, rows.clone(), out_rows, artifact, md5.as_mut())?;
        let mut tail = String::from("]");
        if let Some((n, _)) = &incr {
            tail.push_str(", \"increment_num\": ");
            write_int(&mut tail, *n as i64);
        }
        tail.push_str(", \"log_mode\": ");
        write_str(&mut tail, self.log_mode.as_str());
        tail.push_str(", \"ncols\": ");
        write_int(&mut tail, self.columns.len() as i64);
        tail.push_str(", \"nrows\": ");
        write_int(&mut tail, rows.len() as i64);
        if let Some((_, prev)) = &incr {
            tail.push_str(", \"previous_increments_paths\": ");
            write_to(
                &mut tail,
                &Value::Array(prev.iter().map(|p| Value::Str(p.clone())).collect()),
                Dialect::Python,
            );
        }
        tail.push('}');
        let md5 = md5.map(|mut h| {
            h.update(tail.as_bytes());
            h.finish()
        });
        parts.push(tail);
        Ok(EntryText { parts, md5 })
    }

    /// `head`, then the rows of `data`, comma-separated, as the text's parts. Large tables
    /// without media cells are cut into chunks of rows that this thread and others write, a
    /// part each (media cells add files to the artifact, so a table holding any is written
    /// here alone, in order, into `head`). With `md5`, this thread hashes the parts in order
    /// as they are finished, between writing chunks of its own.
    fn write_data_rows(
        &self,
        head: String,
        rows: std::ops::Range<usize>,
        cols: RowsOut<'_>,
        artifact: &mut dyn ArtifactTarget,
        mut md5: Option<&mut Md5Stream>,
    ) -> Result<Vec<String>> {
        let sequential = |mut head: String,
                          artifact: &mut dyn ArtifactTarget,
                          md5: Option<&mut Md5Stream>|
         -> Result<Vec<String>> {
            self.write_rows_seq(&mut head, rows.clone(), cols.npz_cols, artifact)?;
            if let Some(h) = md5 {
                *h = Md5Stream::new();
                h.update(head.as_bytes());
            }
            Ok(vec![head])
        };
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        if threads < 2 || rows.len() < 2 * PARALLEL_MIN_ROWS {
            return sequential(head, artifact, md5);
        }
        // About 8 chunks a thread, so the hashing thread is rarely idle.
        let nchunks = (threads * 8).min(rows.len() / CHUNK_MIN_ROWS).max(2);
        let per = rows.len().div_ceil(nchunks);
        let chunk_rows = |c: usize| {
            let start = rows.start + c * per;
            start..(start + per).min(rows.end)
        };
        let scan = cols.media_cols.iter().any(|m| *m);
        let has_media_in = |part: &std::ops::Range<usize>| {
            scan && self.rows[part.clone()].iter().any(|row| {
                row.iter()
                    .zip(cols.media_cols)
                    .any(|(cell, m)| *m && has_media(cell))
            })
        };
        // A chunk's text (a leading ", " after the first), or `None` when it holds media.
        let write_chunk = |c: usize| -> Result<Option<String>> {
            let part = chunk_rows(c);
            if has_media_in(&part) {
                return Ok(None);
            }
            let mut s = String::new();
            if c > 0 {
                s.push_str(", ");
            }
            // No media cells: nothing is added to this stand-in.
            let mut unused = wb_core::Artifact::new("unused", "unused");
            self.write_rows_seq(&mut s, part, cols.npz_cols, &mut unused)?;
            Ok(Some(s))
        };
        if let Some(h) = md5.as_deref_mut() {
            h.update(head.as_bytes());
        }
        let mut parts = Vec::with_capacity(nchunks + 2);
        let mut failed = None;
        // This thread takes (and hashes) the chunks in order as they are finished.
        let complete =
            wb_core::internal::parallel::in_order(nchunks, threads, write_chunk, |done| {
                match done {
                    Ok(Some(text)) => {
                        if let Some(h) = md5.as_deref_mut() {
                            h.update(text.as_bytes());
                        }
                        parts.push(text);
                        return true;
                    }
                    Ok(None) => {}
                    Err(e) => failed = Some(e),
                }
                false
            });
        if let Some(e) = failed {
            return Err(e);
        }
        if !complete {
            // Media somewhere: all rows on this thread, which may add files to `artifact`.
            return sequential(head, artifact, md5);
        }
        parts.insert(0, head);
        Ok(parts)
    }

    fn write_rows_seq(
        &self,
        out: &mut String,
        rows: std::ops::Range<usize>,
        npz_cols: &[bool],
        artifact: &mut dyn ArtifactTarget,
    ) -> Result<()> {
        let (first, end) = (rows.start, rows.end);
        let start_len = out.len();
        let any_npz = npz_cols.iter().any(|n| *n);
        for (r, row) in rows.clone().zip(&self.rows[rows]) {
            if r > first {
                out.push_str(", ");
            }
            out.push('[');
            for (ci, cell) in row.iter().enumerate() {
                if ci > 0 {
                    out.push_str(", ");
                }
                if any_npz && npz_cols[ci] {
                    out.push_str("null");
                } else {
                    write_cell(out, cell, artifact)?;
                }
            }
            out.push(']');
            if r == first + ESTIMATE_ROWS {
                // Reserve for the rest at the size the first rows took, plus an eighth.
                let per_row = (out.len() - start_len).div_ceil(ESTIMATE_ROWS + 1);
                let left = end - r - 1;
                out.reserve(per_row * left + per_row * left / 8);
            }
        }
        Ok(())
    }

    /// `artifact.add(table, name)` through the fast writer; returns the entry name
    /// (`name.table.json`).
    pub fn add_to_artifact(&self, artifact: &mut dyn ArtifactTarget, name: &str) -> Result<String> {
        let entry = wb_core::internal::path::with_suffix(name, Some("table"));
        wb_core::internal::path::validate_artifact_path(&entry)?;
        self.artifact_entry(artifact, true)?.put(artifact, &entry)?;
        Ok(entry)
    }

    /// `Table.from_json(json, artifact)`: reads a table the SDK (or this crate) wrote into an
    /// artifact: column types, npz columns, epoch-millisecond timestamps, media cells (decoded
    /// with `registry`), and the increments of an INCREMENTAL table.
    pub fn from_json(
        json: &Value,
        source: &dyn ArtifactSource,
        registry: &Registry,
    ) -> Result<Table> {
        let dec = |why: &str| Error::decode("table", why.to_owned());
        let columns: Vec<Key> = json
            .get("columns")
            .and_then(Value::as_array)
            .ok_or_else(|| dec("`columns` must be a list"))?
            .iter()
            .map(|c| match c {
                Value::Str(s) => Ok(Key::Str(s.clone())),
                Value::Int(i) => i64::try_from(*i)
                    .map(Key::Int)
                    .map_err(|_| dec("integer column name out of range")),
                _ => Err(dec("column names must be strings or integers")),
            })
            .collect::<Result<_>>()?;
        let log_mode = match json.get("log_mode").and_then(Value::as_str) {
            Some(m) => m.parse::<LogMode>()?,
            None => LogMode::Immutable,
        };
        let ctx = TypeJsonContext { source, registry };
        let mut types: Option<Vec<Type>> = None;
        let mut npz: Vec<Option<NdArray>> = vec![None; columns.len()];
        let mut ts_cols = vec![false; columns.len()];
        if let Some(ct) = json.get("column_types").filter(|v| !v.is_null()) {
            let Type::TypedDict(map) = type_from_json(ct, Some(ctx))? else {
                return Err(dec("`column_types` must be a typedDict"));
            };
            let mut per_col = Vec::with_capacity(columns.len());
            for (i, col) in columns.iter().enumerate() {
                let k = Key::Str(col.to_json_key());
                let mut t = map
                    .iter()
                    .find(|(mk, _)| *mk == k)
                    .map(|(_, t)| t.clone())
                    .ok_or_else(|| {
                        Error::decode("table", format!("no column type for column {col}"))
                    })?;
                ts_cols[i] = t.has_timestamp();
                if let Some(Type::NdArray {
                    serialization_path: Some((path, key)),
                    ..
                }) = t.ndarray_member()
                {
                    let bytes = source.read_entry(path)?;
                    npz[i] = Some(crate::npz::read_npz(&bytes, key)?);
                    clear_serialization_path(&mut t);
                }
                per_col.push(t);
            }
            types = Some(per_col);
        }
        let raw_rows: Vec<Value> = if log_mode == LogMode::Incremental {
            increments_data(json, source)?
        } else {
            json.get("data")
                .and_then(Value::as_array)
                .ok_or_else(|| dec("`data` must be a list of rows"))?
                .to_vec()
        };
        let mut rows = Vec::with_capacity(raw_rows.len());
        for (ri, row) in raw_rows.iter().enumerate() {
            let items = row
                .as_array()
                .ok_or_else(|| dec("every row must be a list"))?;
            let mut cells = Vec::with_capacity(items.len());
            for (ci, item) in items.iter().enumerate() {
                let cell = if ts_cols.get(ci) == Some(&true) && item.as_f64().is_some() {
                    Cell::Timestamp(crate::time::Timestamp::from_epoch_ms(
                        item.as_f64().unwrap_or_default(),
                    ))
                } else if let Some(Some(arr)) = npz.get(ci) {
                    arr.index(ri).ok_or_else(|| {
                        Error::decode(
                            "table",
                            format!("npz column {ci} has fewer than {} rows", ri + 1),
                        )
                    })?
                } else if item.type_tag().is_some() {
                    match registry.decode(item, source)? {
                        Some(v) => Cell::Media(v),
                        None => Cell::from(item),
                    }
                } else {
                    Cell::from(item)
                };
                cells.push(cell);
            }
            rows.push(cells);
        }
        let mut options = TableOptions::default().with_log_mode(log_mode);
        if let Some(t) = &types {
            options = options.with_dtype(crate::table::Dtype::PerColumn(t.clone()));
        }
        let mut table = Table::from_rows_with(columns, rows, options)?;
        if let Some(t) = types {
            table.pk_col = table
                .columns
                .iter()
                .zip(&t)
                .find(|(_, t)| matches!(t, Type::PrimaryKey))
                .map(|(c, _)| c.clone());
            table.types = t;
        }
        Ok(table)
    }
}

fn set_serialization_path(t: &mut Type, path: String, key: String) {
    match t {
        Type::NdArray {
            serialization_path, ..
        } => *serialization_path = Some((path, key)),
        Type::Union(ts) => {
            if let Some(nd) = ts
                .iter_mut()
                .rev()
                .find(|t| matches!(t, Type::NdArray { .. }))
            {
                set_serialization_path(nd, path, key);
            }
        }
        _ => {}
    }
}

fn clear_serialization_path(t: &mut Type) {
    match t {
        Type::NdArray {
            serialization_path, ..
        } => *serialization_path = None,
        Type::Union(ts) => ts.iter_mut().for_each(clear_serialization_path),
        _ => {}
    }
}

/// Writes the `column_types` JSON; a table whose columns are all integers has its type map
/// sorted numerically, as `sort_keys` sorts integer keys before they become strings.
fn write_column_types(
    out: &mut String,
    ct: &Type,
    artifact: &mut dyn ArtifactTarget,
) -> Result<()> {
    let Type::TypedDict(map) = ct else {
        write_to(out, &ct.to_json_in(Some(artifact))?, Dialect::Python);
        return Ok(());
    };
    let order = sorted_keys(map.iter().map(|(k, _)| k))?;
    out.push_str("{\"params\": {\"type_map\": {");
    for (i, k) in order.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_str(out, &k.to_json_key());
        out.push_str(": ");
        if let Some((_, t)) = map.iter().find(|(mk, _)| mk == k) {
            write_to(out, &t.to_json_in(Some(artifact))?, Dialect::Python);
        }
    }
    out.push_str("}}, \"wb_type\": \"typedDict\"}");
    Ok(())
}

/// `_get_data_from_increments`: the rows of every `*.table.json` entry of the artifact, in
/// (increment number, timestamp) order.
fn increments_data(json: &Value, source: &dyn ArtifactSource) -> Result<Vec<Value>> {
    if json.get("increment_num").is_none_or(Value::is_null) {
        return Ok(Vec::new());
    }
    let sort_key = |name: &str| -> (i64, i64) {
        let first = name.split('.').next().unwrap_or_default();
        let mut parts = first.split('-');
        let n = parts.next().and_then(|p| p.parse::<i64>().ok());
        let ts = parts.next().map(|p| p.parse::<i64>());
        match (n, ts) {
            (Some(n), None) => (n, 0),
            (Some(n), Some(Ok(ts))) => (n, ts),
            _ => (0, 0),
        }
    };
    let mut names: Vec<String> = source
        .entry_names()
        .into_iter()
        .filter(|n| n.ends_with(".table.json"))
        .collect();
    names.sort_by_key(|n| sort_key(n));
    let mut data = Vec::new();
    for name in names {
        let bytes = source.read_entry(&name)?;
        let bad = || Error::value(format!("Invalid table file {name}"));
        let text = std::str::from_utf8(&bytes).map_err(|_| bad())?;
        let v = wb_core::json::parse(text).map_err(|_| bad())?;
        data.extend(
            v.get("data")
                .and_then(Value::as_array)
                .ok_or_else(bad)?
                .iter()
                .cloned(),
        );
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn row(i: i64) -> Vec<Cell> {
        vec![
            Cell::Int(i * 7 - 3000),
            Cell::Float(i as f64 / 3.0),
            Cell::Str(format!("r\u{e9}{i}")),
            Cell::Bool(i % 3 == 0),
            Cell::List(vec![Cell::Int(i), Cell::Float(0.5)]),
        ]
    }

    fn data_text(rows: std::ops::Range<i64>) -> String {
        let t = Table::from_rows(["a", "b", "c", "d", "e"], rows.map(row).collect()).unwrap();
        let mut art = wb_core::Artifact::new("t", "dataset");
        let text = t.to_artifact_text(&mut art).unwrap();
        let start = text.find("\"data\": [").unwrap() + "\"data\": [".len();
        let end = text.rfind("], \"log_mode\"").unwrap();
        text[start..end].to_owned()
    }

    #[test]
    fn rows_written_in_parts_equal_rows_written_whole() {
        // 9001 rows go to several threads where there are cores; tables of at most 1000 rows
        // are always written on one thread. Their rows must join to the same text.
        let whole = data_text(0..9001);
        let parts: Vec<String> = (0..10)
            .map(|p| data_text(p * 1000..((p + 1) * 1000).min(9001)))
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(whole, parts.join(", "));
    }

    #[test]
    fn media_in_a_late_row_keeps_every_file() {
        // Media found by a worker sends all rows back to the calling thread, which adds the
        // media's file to the artifact; the text is the same as with the media row alone
        // written by the one-thread path.
        let html = wb_core::Html::from_literal_with(
            "<p>late</p>",
            wb_core::HtmlOptions::default().with_inject(false),
        );
        let mut rows: Vec<Vec<Cell>> = (0..9000).map(|i| vec![Cell::Int(i), Cell::Null]).collect();
        rows[8999][1] = Cell::Media(Arc::new(html.clone()));
        let t = Table::from_rows(["i", "m"], rows).unwrap();
        let mut art = wb_core::Artifact::new("t", "dataset");
        let text = t.to_artifact_text(&mut art).unwrap();
        let small = Table::from_rows(
            ["i", "m"],
            vec![vec![Cell::Int(8999), Cell::Media(Arc::new(html))]],
        )
        .unwrap();
        let mut art2 = wb_core::Artifact::new("t", "dataset");
        let one = small.to_artifact_text(&mut art2).unwrap();
        let last_row =
            &one[one.find("\"data\": [").unwrap() + 9..one.rfind("], \"log_mode\"").unwrap()];
        assert!(text.contains(last_row), "{last_row}");
        assert_eq!(art.entry_names(), art2.entry_names());
        assert!(art.entry_names().iter().any(|n| n.ends_with(".html")));
    }

    #[test]
    fn md5_taken_on_the_way_is_the_md5_of_the_text() {
        // Plain rows (chunks hashed as they are joined), media early and late (a worker gives
        // up, the calling thread writes everything and the MD5 starts over).
        let html = wb_core::Html::from_literal_with(
            "<p>x</p>",
            wb_core::HtmlOptions::default().with_inject(false),
        );
        for media_row in [None, Some(3), Some(5000), Some(8999)] {
            let mut rows: Vec<Vec<Cell>> = (0..9000)
                .map(|i| vec![Cell::Int(i), Cell::Str(format!("r{i}")), Cell::Null])
                .collect();
            if let Some(r) = media_row {
                rows[r][2] = Cell::Media(Arc::new(html.clone()));
            }
            let t = Table::from_rows(["i", "s", "m"], rows).unwrap();
            let mut art = wb_core::Artifact::new("t", "dataset");
            let e = t.artifact_entry(&mut art, true).unwrap();
            let md5 = e.md5.unwrap();
            let text = e.text();
            assert_eq!(
                wb_core::internal::hash::md5_digest_b64(&md5),
                wb_core::internal::hash::md5_b64(text.as_bytes()),
                "media at {media_row:?}"
            );
            let mut art2 = wb_core::Artifact::new("t", "dataset");
            assert_eq!(text, t.to_artifact_text(&mut art2).unwrap());
            // Through Artifact::add, the manifest digest is that MD5.
            let mut art3 = wb_core::Artifact::new("t", "dataset");
            let name = art3.add(&t, "t").unwrap();
            assert_eq!(
                art3.entries[&name].digest,
                wb_core::internal::hash::md5_digest_b64(&md5)
            );
            assert_eq!(art3.entries[&name].size, text.len() as u64);
            assert_eq!(&*art3.entry_bytes(&name).unwrap(), text.as_bytes());
        }
    }

    #[test]
    fn an_error_in_any_chunk_is_the_error_of_the_whole_text() {
        // A dict cell with integer and string keys cannot be written with sort_keys (Python's
        // TypeError); wherever it is, the writer (threaded or not) returns that error.
        let bad = || {
            let mut m = indexmap::IndexMap::new();
            m.insert(crate::cell::Key::Int(1), Cell::Int(1));
            m.insert(crate::cell::Key::Str("a".into()), Cell::Int(2));
            Cell::Dict(Box::new(m))
        };
        for at in [0, 10, 4500, 8999] {
            let mut rows: Vec<Vec<Cell>> =
                (0..9000).map(|i| vec![Cell::Int(i), Cell::Null]).collect();
            rows[at][1] = bad();
            let t = Table::from_rows_with(
                ["i", "d"],
                rows,
                crate::TableOptions::default().with_allow_mixed_types(true),
            )
            .unwrap();
            for hash in [false, true] {
                let mut art = wb_core::Artifact::new("t", "dataset");
                let e = t.artifact_entry(&mut art, hash).unwrap_err().to_string();
                assert!(
                    e.contains("not supported between instances"),
                    "row {at}: {e}"
                );
            }
        }
    }
}
