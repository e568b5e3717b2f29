//! [`WbValue`], the trait every data type implements, and [`LogValue`], what a user logs.

use crate::artifact::ArtifactTarget;
use crate::error::{Error, Result};
use crate::json::{Map, Value};
use crate::path::Step;
use crate::target::RunTarget;
use indexmap::IndexMap;
use std::any::Any;
use std::fmt::Debug;
use std::sync::Arc;

/// A W&B data type (the SDK's `WBValue`).
///
/// A value is bound to a run (its file named and placed) by [`WbValue::bind_to_run`], then
/// serialized by [`WbValue::to_run_json`]; or serialized into an artifact by
/// [`WbValue::to_artifact_json`], which adds the files it needs. Binding uses interior
/// mutability so one value can be shared (`Arc`) and logged from several threads; a value
/// already bound keeps its path when logged again, as in the SDK.
pub trait WbValue: Any + Send + Sync + Debug {
    /// The SDK's `_log_type`: the artifact `_type` and the registry key (`"histogram"`,
    /// `"image-file"`); `None` for types that have none.
    fn log_type(&self) -> Option<&'static str>;

    /// The Python class name (`"Image"`), as the lossy run copy of a table writes media cells.
    fn class_name(&self) -> &'static str;

    /// Places the value's files in `run` for `key` at `step`; no-op for file-less values and
    /// for values already bound.
    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        let _ = (run, key, step);
        Ok(())
    }

    /// The run (history/summary) JSON. File-backed values must be bound first.
    fn to_run_json(&self, run: &dyn RunTarget) -> Result<Value>;

    /// The artifact JSON, adding any files to `artifact`.
    fn to_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Value>;

    /// Equality as the SDK defines it for this type (`Media`: same class and `sha256`).
    fn wb_eq(&self, other: &dyn WbValue) -> bool;

    /// The artifact entry text, for types that write it themselves rather than through
    /// [`WbValue::to_artifact_json`] (a table written straight from its cells, with integer
    /// column names sorted numerically as `sort_keys` sorts them). `None` (the default) means
    /// `json.dump(to_artifact_json(), sort_keys=True)`. The text may come with its MD5.
    fn artifact_entry_text(
        &self,
        artifact: &mut dyn ArtifactTarget,
    ) -> Option<Result<crate::artifact::EntryText>> {
        let _ = artifact;
        None
    }

    /// The table column type (`_dtypes`) this value infers, as its `{"wb_type": ..., "params":
    /// ...}` JSON (for example `image-file` with its box and mask layers). `None` means the
    /// table types it as `{"wb_type": "pythonObject", "params": {"class_name": <class_name>}}`.
    fn column_type(&self) -> Option<Value> {
        None
    }

    /// Whether `artifact.add(value, name)` accepts this type. The SDK accepts only Table,
    /// JoinedTable, PartitionedTable, Classes, ImageMask, BoundingBoxes2D, Audio, Image, Video,
    /// Html, Object3D, Molecule, Bokeh and saved models; others (Histogram, Plotly, Graph)
    /// can still appear inside a table in an artifact.
    fn artifact_addable(&self) -> bool {
        true
    }

    /// Whether a logged list of values of this type is written as one batch (the SDK's
    /// `BatchableMedia`), and how many items it keeps. The default is [`Batching::Never`].
    fn batching(&self) -> Batching {
        Batching::Never
    }

    /// The list JSON (`seq_to_json`) for `items`, all of this value's type and already bound.
    fn seq_to_run_json(
        &self,
        items: &[&dyn WbValue],
        run: &dyn RunTarget,
        key: &str,
        step: Step,
    ) -> Result<Value> {
        let _ = (items, run, key, step);
        Err(Error::Unsupported(format!(
            "{} values cannot be logged as a batch",
            self.class_name()
        )))
    }
}

/// How a logged list of one type's values is written ([`WbValue::batching`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Batching {
    /// Not batchable: a list is written item by item.
    #[default]
    Never,
    /// One batch of every item.
    All,
    /// One batch of the first `n` items (the SDK's `Image.MAX_ITEMS`: 108); the rest are
    /// dropped, as the SDK drops them.
    AtMost(usize),
}

impl dyn WbValue {
    /// Downcasts to a concrete type.
    pub fn downcast_ref<T: WbValue>(&self) -> Option<&T> {
        (self as &dyn Any).downcast_ref::<T>()
    }
}

/// Downcasts every item to `T` (for `seq_to_run_json` implementations).
pub fn downcast_all<'a, T: WbValue>(items: &[&'a dyn WbValue]) -> Result<Vec<&'a T>> {
    items
        .iter()
        .map(|v| {
            v.downcast_ref::<T>().ok_or_else(|| {
                Error::type_error(format!(
                    "a batched list holds items of one type only: found a {} among {} items",
                    v.class_name(),
                    items.first().map_or("other", |f| f.class_name())
                ))
            })
        })
        .collect()
}

/// What can be logged under a key: plain JSON, a data type, a list or a nested map.
#[derive(Debug, Clone)]
pub enum LogValue {
    /// A scalar, string, or any JSON.
    Json(Value),
    /// A data type.
    Media(Arc<dyn WbValue>),
    /// A list: batched when every item is the same batchable media type; item by item when
    /// every item is a data type; otherwise plain JSON (a data type inside such a list is the
    /// SDK's `TypeError: Object of type ... is not JSON serializable`).
    List(Vec<LogValue>),
    /// A nested dict; media inside use their leaf key for their file names.
    Map(IndexMap<String, LogValue>),
}

impl<T: Into<Value>> From<T> for LogValue {
    fn from(v: T) -> Self {
        LogValue::Json(v.into())
    }
}

impl LogValue {
    /// Wraps a data type.
    pub fn media(v: impl WbValue) -> Self {
        LogValue::Media(Arc::new(v))
    }

    /// A list of data types (batched when they are batchable media of one type).
    pub fn list<T: WbValue>(items: impl IntoIterator<Item = T>) -> Self {
        LogValue::List(items.into_iter().map(LogValue::media).collect())
    }
}

/// The SDK's `val_to_json` for one logged value under `key` at `step`.
pub fn val_to_json(run: &dyn RunTarget, key: &str, val: &LogValue, step: Step) -> Result<Value> {
    match val {
        LogValue::Json(v) => Ok(v.clone()),
        LogValue::Media(m) => {
            m.bind_to_run(run, key, step)?;
            m.to_run_json(run)
        }
        LogValue::Map(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(k.clone(), val_to_json(run, k, v, step)?);
            }
            Ok(Value::Object(out))
        }
        LogValue::List(items) => list_to_json(run, key, items, step),
    }
}

fn list_to_json(run: &dyn RunTarget, key: &str, items: &[LogValue], step: Step) -> Result<Value> {
    let medias: Option<Vec<&dyn WbValue>> = items
        .iter()
        .map(|v| match v {
            LogValue::Media(m) => Some(m.as_ref()),
            _ => None,
        })
        .collect();
    if let Some(medias) = medias.filter(|m| !m.is_empty()) {
        let first = medias[0];
        let same_type = medias
            .iter()
            .all(|m| (*m as &dyn Any).type_id() == (first as &dyn Any).type_id());
        let batching = first.batching();
        if batching != Batching::Never && same_type {
            let kept = match batching {
                Batching::AtMost(max) if medias.len() > max => &medias[..max],
                _ => &medias[..],
            };
            for m in kept {
                m.bind_to_run(run, key, step)?;
            }
            return first.seq_to_run_json(kept, run, key, step);
        }
    }
    if items.iter().all(|v| matches!(v, LogValue::Media(_))) {
        // Data types of different classes (or not batchable): item by item, each bound under
        // the same key and step.
        return items
            .iter()
            .map(|v| val_to_json(run, key, v, step))
            .collect::<Result<Vec<_>>>()
            .map(Value::Array);
    }
    // The SDK converts only lists made entirely of data types; any other list goes to its JSON
    // encoder as it is, which fails on a data type anywhere inside.
    plain_json(items).map(Value::Array)
}

fn plain_json(items: &[LogValue]) -> Result<Vec<Value>> {
    fn one(v: &LogValue) -> Result<Value> {
        match v {
            LogValue::Json(j) => Ok(j.clone()),
            LogValue::Media(m) => Err(Error::type_error(format!(
                "Object of type {} is not JSON serializable",
                m.class_name()
            ))),
            LogValue::List(items) => plain_json(items).map(Value::Array),
            LogValue::Map(map) => map
                .iter()
                .map(|(k, v)| Ok((k.clone(), one(v)?)))
                .collect::<Result<Map>>()
                .map(Value::Object),
        }
    }
    items.iter().map(one).collect()
}

/// Converts one logged row, as `run.log(row)` does before it sends it: media are bound (nested
/// ones under their leaf key) and replaced by their run JSON.
pub fn history_row_to_json(
    run: &dyn RunTarget,
    row: &IndexMap<String, LogValue>,
    step: i64,
) -> Result<Map> {
    let mut out = Map::new();
    for (k, v) in row {
        out.insert(k.clone(), val_to_json(run, k, v, Step::Num(step))?);
    }
    Ok(out)
}

/// Converts a summary update: media file names use the dotted path from the root as their key
/// and `summary` as their step (`d.a.b_summary_<sha20>.png`).
pub fn summary_to_json(run: &dyn RunTarget, row: &IndexMap<String, LogValue>) -> Result<Map> {
    fn walk(run: &dyn RunTarget, prefix: &str, row: &IndexMap<String, LogValue>) -> Result<Map> {
        let mut out = Map::new();
        for (k, v) in row {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            let j = match v {
                LogValue::Map(m) => Value::Object(walk(run, &path, m)?),
                v => val_to_json(run, &path, v, Step::Summary)?,
            };
            out.insert(k.clone(), j);
        }
        Ok(out)
    }
    walk(run, "", row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DirRun, Histogram, Html};

    #[test]
    fn lists_follow_the_sdk() {
        let dir = tempfile::tempdir().unwrap();
        let run = DirRun::new(dir.path());
        let html = || {
            LogValue::media(Html::from_literal_with(
                "<p>x</p>",
                crate::HtmlOptions::default().with_inject(false),
            ))
        };
        let hist = || LogValue::media(Histogram::from_sequence(&[1.0, 2.0]).unwrap());
        // Html is batchable: one `html` object.
        let v = val_to_json(
            &run,
            "k",
            &LogValue::List(vec![html(), html()]),
            Step::Num(0),
        )
        .unwrap();
        assert_eq!(v.type_tag(), Some("html"));
        // Mixed data types: an array of their JSON.
        let v = val_to_json(
            &run,
            "k",
            &LogValue::List(vec![html(), hist()]),
            Step::Num(0),
        )
        .unwrap();
        assert_eq!(v.as_array().map(<[Value]>::len), Some(2));
        // A data type among plain values: the SDK's TypeError.
        let e = val_to_json(
            &run,
            "k",
            &LogValue::List(vec![html(), 1.into()]),
            Step::Num(0),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "Object of type Html is not JSON serializable"
        );
        // Plain values only: kept as they are.
        let v = val_to_json(
            &run,
            "k",
            &LogValue::List(vec![1.into(), "a".into()]),
            Step::Num(0),
        )
        .unwrap();
        assert_eq!(v, Value::Array(vec![1.into(), "a".into()]));
    }
}
