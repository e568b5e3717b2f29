//! [`JoinedTable`] (`joined-table`): two tables joined on a key, for the artifact UI.

use crate::partitioned::PartitionedTable;
use crate::table::Table;
use crate::table_run::ArtifactBinding;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use wb_core::ArtifactTarget;
use wb_core::internal::artifact::add_value;
use wb_core::json::Map;
use wb_core::{ArtifactSource, Error, Registry, Result, RunTarget, Step, Value, WbValue};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// One side of a join: a table object or the entry path of a table in the artifact.
#[derive(Debug, Clone)]
pub enum TableRef {
    /// A table, added to the artifact as `t<1|2>_<id>.table.json` when needed.
    Table(Arc<Table>),
    /// A partitioned table.
    Partitioned(Arc<PartitionedTable>),
    /// An entry path ending in `.table.json`, already in the artifact.
    Path(String),
}

/// `join_key`: one column name for both tables, or one per table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinKey {
    /// The same column in both tables.
    One(String),
    /// Column of table 1, column of table 2.
    Two(String, String),
}

impl JoinKey {
    /// From a Python-style list, which must hold exactly two names.
    pub fn from_list(items: Vec<String>) -> Result<JoinKey> {
        match <[String; 2]>::try_from(items) {
            Ok([a, b]) => Ok(JoinKey::Two(a, b)),
            Err(_) => Err(Error::value(
                "JoinedTable join_key should be a string or a list of two strings",
            )),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            JoinKey::One(k) => Value::Str(k.clone()),
            JoinKey::Two(a, b) => Value::Array(vec![a.as_str().into(), b.as_str().into()]),
        }
    }
}

/// `wandb.JoinedTable(table1, table2, join_key)`.
#[derive(Debug)]
pub struct JoinedTable {
    table1: TableRef,
    table2: TableRef,
    join_key: JoinKey,
    paths: Option<(String, String)>,
    id: u64,
    binding: ArtifactBinding,
}

fn validate(t: &TableRef, n: u8) -> Result<()> {
    match t {
        TableRef::Path(p) if !p.ends_with(".table.json") => Err(Error::value(format!(
            "JoinedTable table{n} should be an artifact path to a table or wandb.Table object"
        ))),
        _ => Ok(()),
    }
}

impl JoinedTable {
    /// Joins `table1` and `table2` on `join_key`; paths must end with `.table.json`.
    pub fn new(table1: TableRef, table2: TableRef, join_key: JoinKey) -> Result<Self> {
        validate(&table1, 1)?;
        validate(&table2, 2)?;
        Ok(JoinedTable {
            table1,
            table2,
            join_key,
            paths: None,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            binding: ArtifactBinding::default(),
        })
    }

    /// The first table.
    pub fn table1(&self) -> &TableRef {
        &self.table1
    }
    /// The second table.
    pub fn table2(&self) -> &TableRef {
        &self.table2
    }
    /// The join key.
    pub fn join_key(&self) -> &JoinKey {
        &self.join_key
    }

    fn ensure_in_artifact(
        &self,
        t: &TableRef,
        art: &mut dyn ArtifactTarget,
        n: u8,
    ) -> Result<String> {
        let path = match t {
            TableRef::Table(table) => table.add_to_artifact(art, &format!("t{n}_{}", self.id))?,
            TableRef::Partitioned(p) => add_value(art, p.as_ref(), &format!("t{n}_{}", self.id))?,
            TableRef::Path(p) => p.clone(),
        };
        if !art.has_entry(&path) {
            return Err(Error::value(format!(
                "JoinedTable table:{path} not found in artifact. Add a table to the artifact using Artifact#add(<table>, {path}) before adding this JoinedTable"
            )));
        }
        Ok(path)
    }

    /// Reads a `joined-table` entry; tables the artifact holds are loaded, other paths kept.
    pub fn from_json(
        json: &Value,
        source: &dyn ArtifactSource,
        registry: &Registry,
    ) -> Result<Self> {
        let side = |k: &str| -> Result<TableRef> {
            let p = json
                .get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| Error::decode("joined-table", format!("`{k}` must be a string")))?;
            let loaded = source.read_entry(p).ok().and_then(|bytes| {
                let text = std::str::from_utf8(&bytes).ok()?;
                let v = wb_core::json::parse(text).ok()?;
                Table::from_json(&v, source, registry).ok()
            });
            Ok(loaded.map_or_else(
                || TableRef::Path(p.to_owned()),
                |t| TableRef::Table(Arc::new(t)),
            ))
        };
        let key = match json.get("join_key") {
            Some(Value::Str(s)) => JoinKey::One(s.clone()),
            Some(Value::Array(items)) => JoinKey::from_list(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        Error::value(
                            "JoinedTable join_key should be a string or a list of two strings",
                        )
                    })?,
            )?,
            _ => {
                return Err(Error::value(
                    "JoinedTable join_key should be a string or a list of two strings",
                ));
            }
        };
        let mut jt = JoinedTable::new(side("table1")?, side("table2")?, key)?;
        if let (Some(a), Some(b)) = (
            json.get("table1").and_then(Value::as_str),
            json.get("table2").and_then(Value::as_str),
        ) {
            jt.paths = Some((a.to_owned(), b.to_owned()));
        }
        Ok(jt)
    }

    /// The entry paths of the two tables, for a joined table read from an artifact.
    pub fn entry_paths(&self) -> Option<(&str, &str)> {
        self.paths.as_ref().map(|(a, b)| (a.as_str(), b.as_str()))
    }
}

/// Sides compare by content, or by entry path when one side is only a path (a table read
/// back from an artifact remembers the path it was read from).
fn ref_eq(a: &TableRef, pa: Option<&str>, b: &TableRef, pb: Option<&str>) -> bool {
    match (a, b) {
        (TableRef::Path(x), _) if pb == Some(x.as_str()) => true,
        (_, TableRef::Path(y)) if pa == Some(y.as_str()) => true,
        (TableRef::Table(x), TableRef::Table(y)) => x.table_eq(y),
        (TableRef::Partitioned(x), TableRef::Partitioned(y)) => x.parts_path() == y.parts_path(),
        (TableRef::Path(x), TableRef::Path(y)) => x == y,
        _ => false,
    }
}

impl WbValue for JoinedTable {
    fn log_type(&self) -> Option<&'static str> {
        Some("joined-table")
    }
    fn class_name(&self) -> &'static str {
        "JoinedTable"
    }
    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, _step: Step) -> Result<()> {
        self.binding.bind(self, run, key)
    }
    fn to_run_json(&self, _run: &dyn RunTarget) -> Result<Value> {
        self.binding.run_json("joined-table", "JoinedTables")
    }
    fn to_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        let t1 = self.ensure_in_artifact(&self.table1, artifact, 1)?;
        let t2 = self.ensure_in_artifact(&self.table2, artifact, 2)?;
        let mut m = Map::new();
        m.insert("_type".into(), "joined-table".into());
        m.insert("table1".into(), t1.into());
        m.insert("table2".into(), t2.into());
        m.insert("join_key".into(), self.join_key.to_json());
        Ok(Value::Object(m))
    }
    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        other.downcast_ref::<JoinedTable>().is_some_and(|o| {
            let (p1, p2) = self.entry_paths().unzip();
            let (q1, q2) = o.entry_paths().unzip();
            o.join_key == self.join_key
                && ref_eq(&self.table1, p1, &o.table1, q1)
                && ref_eq(&self.table2, p2, &o.table2, q2)
        })
    }
    fn column_type(&self) -> Option<Value> {
        Some(Value::Object(
            wb_core::json_map! {"wb_type" => "joined-table"},
        ))
    }
}

impl From<JoinedTable> for wb_core::LogValue {
    /// The joined table, to log.
    fn from(t: JoinedTable) -> Self {
        wb_core::LogValue::media(t)
    }
}

pub(crate) fn decode(
    json: &Value,
    source: &dyn ArtifactSource,
    registry: &Registry,
) -> Result<Arc<dyn WbValue>> {
    Ok(Arc::new(JoinedTable::from_json(json, source, registry)?))
}
