//! Logging a [`Table`] to a run: the automatic `run_table` artifact that holds the real data,
//! the lossy run copy under `media/table/`, and the `table-file` JSON.

use crate::cell::{Cell, Key};
use crate::table::{LogMode, MAX_ROWS, Table};
use base64::Engine;
use std::sync::Arc;
use wb_core::ArtifactTarget;
use wb_core::internal::artifact::client_artifact_urls;
use wb_core::internal::media::{generated_file, media_run_json};
use wb_core::json::{Dialect, Map, to_string};
use wb_core::{Artifact, ArtifactSource, Error, Registry, Result, RunTarget, Step, Value, WbValue};

/// The media folder of run copies.
pub(crate) const MEDIA_DIR: &str = "media/table";
/// The artifact type of a logged table.
pub(crate) const RUN_TABLE_TYPE: &str = "run_table";
/// The artifact type of an INCREMENTAL table's increments.
pub(crate) const INCREMENTAL_TABLE_TYPE: &str = "wandb-run-incremental-table";

/// `sanitize_artifact_name`: characters outside `[a-zA-Z0-9_\-.]` are dropped and, when that
/// changed the name, `-<crc32 in url-safe base64>` is appended.
pub(crate) fn sanitize_artifact_name(name: &str) -> String {
    let sanitized: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect();
    if sanitized == name {
        return sanitized;
    }
    let crc = crc32fast::hash(name.as_bytes());
    let suffix = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crc.to_be_bytes());
    format!("{sanitized}-{suffix}")
}

/// How a [`JoinedTable`](crate::JoinedTable) or [`PartitionedTable`](crate::PartitionedTable)
/// is logged to a run: added to a `run_table` artifact named after the run and key, then
/// written in the run as `{"_type", "artifact_path"}` pointing at that entry.
#[derive(Debug, Default)]
pub(crate) struct ArtifactBinding {
    /// `artifact_path` and `_latest_artifact_path` of the entry, once bound.
    urls: std::sync::Mutex<Option<(String, String)>>,
}

impl ArtifactBinding {
    /// `bind_to_run` of `value` logged under `key`.
    pub(crate) fn bind(&self, value: &dyn WbValue, run: &dyn RunTarget, key: &str) -> Result<()> {
        let mut art = Artifact::new(
            sanitize_artifact_name(&format!("run-{}-{key}", run.run_id())),
            RUN_TABLE_TYPE,
        );
        let entry = wb_core::internal::artifact::add_value(&mut art, value, key)?;
        let urls = client_artifact_urls(&art, &entry);
        if let Ok(mut u) = self.urls.lock() {
            *u = Some(urls);
        }
        run.log_artifact(art)
    }

    /// The run JSON of a bound value of `log_type`; `class_plural` names it in the error for
    /// one never bound.
    pub(crate) fn run_json(&self, log_type: &str, class_plural: &str) -> Result<Value> {
        let url = self
            .urls
            .lock()
            .ok()
            .and_then(|u| u.as_ref().map(|u| u.0.clone()));
        let url = url.ok_or_else(|| {
            Error::value(format!(
                "{class_plural} must first be added to an Artifact before logging to a Run"
            ))
        })?;
        let mut m = Map::new();
        m.insert("_type".into(), log_type.into());
        m.insert("artifact_path".into(), url.into());
        Ok(Value::Object(m))
    }
}

fn lock(t: &Table) -> Result<std::sync::MutexGuard<'_, crate::table::LogState>> {
    t.state
        .lock()
        .map_err(|_| Error::value("table state lock poisoned"))
}

/// A cell in the run copy: as `_numpy_arrays_to_lists` and pydantic write it (media as their
/// class name, datetimes as ISO text, NaN kept).
fn run_cell(c: &Cell) -> Value {
    match c {
        Cell::Null => Value::Null,
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Int(i) => Value::Int(i128::from(*i)),
        Cell::Float(f) => Value::Float(*f),
        Cell::Str(s) => Value::Str(s.clone()),
        Cell::Timestamp(t) => Value::Str(t.iso()),
        Cell::List(items) => Value::Array(items.iter().map(run_cell).collect()),
        Cell::Dict(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.to_json_key(), run_cell(v)))
                .collect(),
        ),
        Cell::NdArray(a) => a.to_json(),
        Cell::Media(m) => Value::Str(m.class_name().to_owned()),
        Cell::Index(ix) => Value::Int(ix.row as i128),
    }
}

impl Table {
    /// The run copy's content: `{"columns": [...], "data": [...]}` with at most
    /// [`Table::MAX_ROWS`] rows, written compactly as the SDK writes media sidecars.
    pub(crate) fn run_copy_json(&self) -> String {
        let rows = self.rows_to_write(MAX_ROWS);
        let data: Vec<Value> = rows
            .map(|r| Value::Array(self.rows[r].iter().map(run_cell).collect()))
            .collect();
        let mut m = Map::new();
        m.insert(
            "columns".into(),
            Value::Array(self.columns.iter().map(Key::to_value).collect()),
        );
        m.insert("data".into(), Value::Array(data));
        to_string(&Value::Object(m), Dialect::Compact)
    }

    /// `_log_table_artifact`: the artifact that holds the table when it is logged under `key`.
    fn log_table_artifact(&self, run: &dyn RunTarget, key: &str) -> Result<()> {
        let (mut art, entry_name) = if self.log_mode == LogMode::Incremental {
            {
                let mut s = lock(self)?;
                match &s.run_id {
                    Some(id) if id != run.run_id() => {
                        return Err(Error::value(
                            "An incremental Table can only be logged to one Run.",
                        ));
                    }
                    _ => s.run_id = Some(run.run_id().to_owned()),
                }
            }
            let mut art = Artifact::new(
                sanitize_artifact_name(&format!("run-{}-incr-{key}", run.run_id())),
                INCREMENTAL_TABLE_TYPE,
            );
            art.incremental = true;
            let n = lock(self)?
                .increment_num
                .map_or_else(|| "None".to_owned(), |n| n.to_string());
            let ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis());
            (art, format!("{n}-{ms}.{key}"))
        } else {
            (
                Artifact::new(
                    sanitize_artifact_name(&format!("run-{}-{key}", run.run_id())),
                    RUN_TABLE_TYPE,
                ),
                key.to_owned(),
            )
        };
        let entry = self.add_to_artifact(&mut art, &entry_name)?;
        let urls = client_artifact_urls(&art, &entry);
        lock(self)?.urls = Some(urls);
        run.log_artifact(art)
    }

    /// The run JSON (`table-file` or `incremental-table-file`).
    fn run_json(&self) -> Result<Value> {
        let s = lock(self)?;
        let file = s.run_file.as_ref().ok_or_else(|| {
            Error::value("Value of type Table must be bound to a run with bind_to_run() before being serialized to JSON.")
        })?;
        let urls = s.urls.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
        let incr = self.log_mode == LogMode::Incremental;
        let type_name = if incr {
            "incremental-table-file"
        } else {
            "table-file"
        };
        let mut m = media_run_json(None, type_name, file, urls)?;
        if incr {
            m.insert("increment_num".into(), s.increment_num.unwrap_or(0).into());
            m.insert(
                "previous_increments_paths".into(),
                Value::Array(
                    s.previous_paths
                        .clone()
                        .unwrap_or_default()
                        .into_iter()
                        .map(Value::Str)
                        .collect(),
                ),
            );
        }
        m.insert("ncols".into(), self.columns.len().into());
        m.insert("nrows".into(), self.nrows.into());
        m.insert("log_mode".into(), self.log_mode.as_str().into());
        Ok(Value::Object(m))
    }
}

impl WbValue for Table {
    fn log_type(&self) -> Option<&'static str> {
        Some("table")
    }
    fn class_name(&self) -> &'static str {
        "Table"
    }
    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        if lock(self)?.run_file.is_some() {
            return Ok(());
        }
        self.log_table_artifact(run, key)?;
        let file = generated_file(self.run_copy_json().into_bytes(), ".table.json");
        wb_core::internal::media::bind_file(&file, run, MEDIA_DIR, key, step)?;
        lock(self)?.run_file = Some(file);
        Ok(())
    }
    fn to_run_json(&self, _run: &dyn RunTarget) -> Result<Value> {
        let json = self.run_json()?;
        if self.log_mode == LogMode::Incremental {
            lock(self)?.logged_rows = Some(self.nrows);
        }
        Ok(json)
    }
    fn to_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        let text = self.to_artifact_text(artifact)?;
        Ok(wb_core::json::parse(&text)?)
    }
    fn artifact_entry_text(
        &self,
        artifact: &mut dyn ArtifactTarget,
    ) -> Option<Result<wb_core::internal::artifact::EntryText>> {
        Some(self.artifact_entry(artifact, true))
    }
    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        other
            .downcast_ref::<Table>()
            .is_some_and(|o| self.table_eq(o))
    }
    fn column_type(&self) -> Option<Value> {
        let ct = self.column_types().to_json().ok()?;
        let mut params = Map::new();
        params.insert("column_types".into(), ct);
        let mut m = Map::new();
        m.insert("wb_type".into(), "table".into());
        m.insert("params".into(), Value::Object(params));
        Some(Value::Object(m))
    }
}

impl From<Table> for wb_core::LogValue {
    /// The table, to log (`run.log({"key": table})`).
    fn from(t: Table) -> Self {
        wb_core::LogValue::media(t)
    }
}

impl From<&Table> for wb_core::LogValue {
    /// A [`Table::snapshot`], to log: the same table logged again follows its [`LogMode`].
    fn from(t: &Table) -> Self {
        wb_core::LogValue::media(t.snapshot())
    }
}

pub(crate) fn decode(
    json: &Value,
    source: &dyn ArtifactSource,
    registry: &Registry,
) -> Result<Arc<dyn WbValue>> {
    Ok(Arc::new(Table::from_json(json, source, registry)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_matches_the_sdk() {
        assert_eq!(sanitize_artifact_name("run-abc-tbl"), "run-abc-tbl");
        // sanitize_artifact_name("run-abc-a/b c") in wandb 0.31.0.
        assert_eq!(
            sanitize_artifact_name("run-abc-a/b c"),
            "run-abc-abc-X-HU3Q"
        );
    }
}
