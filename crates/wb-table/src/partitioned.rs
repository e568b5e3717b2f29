//! [`PartitionedTable`] (`partitioned-table`): a table made of the table entries under one
//! folder of an artifact.

use crate::cell::{Cell, Key};
use crate::table::Table;
use crate::table_run::ArtifactBinding;
use std::sync::Arc;
use wb_core::ArtifactTarget;
use wb_core::json::Map;
use wb_core::{ArtifactSource, Error, Registry, Result, RunTarget, Step, Value, WbValue};

/// `wandb.PartitionedTable(parts_path)`.
#[derive(Debug)]
pub struct PartitionedTable {
    parts_path: String,
    parts: Vec<(String, Table)>,
    binding: ArtifactBinding,
}

impl PartitionedTable {
    /// A table made of every entry under `parts_path` of the artifact it is added to.
    pub fn new(parts_path: impl Into<String>) -> Self {
        PartitionedTable {
            parts_path: parts_path.into(),
            parts: Vec::new(),
            binding: ArtifactBinding::default(),
        }
    }

    /// The folder of the parts.
    pub fn parts_path(&self) -> &str {
        &self.parts_path
    }

    /// The parts read by [`PartitionedTable::from_json`], by entry name.
    pub fn parts(&self) -> &[(String, Table)] {
        &self.parts
    }

    /// Every row of every part, in entry order (`iterrows`); the parts must have equal columns.
    pub fn rows(&self) -> Result<Vec<Vec<Cell>>> {
        let mut columns: Option<&[Key]> = None;
        let mut out = Vec::new();
        for (_, part) in &self.parts {
            match columns {
                None => columns = Some(part.columns()),
                Some(c) if c != part.columns() => {
                    let fmt = |cols: &[Key]| {
                        format!(
                            "[{}]",
                            cols.iter().map(Key::py_repr).collect::<Vec<_>>().join(", ")
                        )
                    };
                    return Err(Error::value(format!(
                        "Table parts have non-matching columns. {} != {}",
                        fmt(c),
                        fmt(part.columns())
                    )));
                }
                Some(_) => {}
            }
            out.extend(part.rows());
        }
        Ok(out)
    }

    /// Reads a `partitioned-table` entry and the table entries under its `parts_path`.
    pub fn from_json(
        json: &Value,
        source: &dyn ArtifactSource,
        registry: &Registry,
    ) -> Result<Self> {
        let parts_path = json
            .get("parts_path")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::decode("partitioned-table", "`parts_path` must be a string"))?;
        let prefix = format!("{}/", parts_path.trim_end_matches('/'));
        let mut parts = Vec::new();
        for name in source.entry_names() {
            if !name.starts_with(&prefix) || !name.ends_with(".table.json") {
                continue;
            }
            let bytes = source.read_entry(&name)?;
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| Error::decode("partitioned-table", format!("{name} is not UTF-8")))?;
            let v = wb_core::json::parse(text)?;
            parts.push((name, Table::from_json(&v, source, registry)?));
        }
        Ok(PartitionedTable {
            parts_path: parts_path.to_owned(),
            parts,
            binding: ArtifactBinding::default(),
        })
    }
}

impl WbValue for PartitionedTable {
    fn log_type(&self) -> Option<&'static str> {
        Some("partitioned-table")
    }
    fn class_name(&self) -> &'static str {
        "PartitionedTable"
    }
    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, _step: Step) -> Result<()> {
        self.binding.bind(self, run, key)
    }
    fn to_run_json(&self, _run: &dyn RunTarget) -> Result<Value> {
        self.binding
            .run_json("partitioned-table", "PartitionedTables")
    }
    fn to_artifact_json(&self, _artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        let mut m = Map::new();
        m.insert("_type".into(), "partitioned-table".into());
        m.insert("parts_path".into(), self.parts_path.as_str().into());
        Ok(Value::Object(m))
    }
    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        other
            .downcast_ref::<PartitionedTable>()
            .is_some_and(|o| o.parts_path == self.parts_path)
    }
    fn column_type(&self) -> Option<Value> {
        Some(Value::Object(
            wb_core::json_map! {"wb_type" => "partitioned-table"},
        ))
    }
}

impl From<PartitionedTable> for wb_core::LogValue {
    /// The partitioned table, to log.
    fn from(t: PartitionedTable) -> Self {
        wb_core::LogValue::media(t)
    }
}

pub(crate) fn decode(
    json: &Value,
    source: &dyn ArtifactSource,
    registry: &Registry,
) -> Result<Arc<dyn WbValue>> {
    Ok(Arc::new(PartitionedTable::from_json(
        json, source, registry,
    )?))
}
