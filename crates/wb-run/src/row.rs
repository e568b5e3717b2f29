//! [`Row`]: what one `log` call logs, keys to values.

use indexmap::IndexMap;
use wb_core::{LogValue, Value, WbValue};

/// One logged row: keys to scalars, strings, JSON, nested rows, media values or lists of
/// media, in insertion order (the Python dict passed to `run.log`).
///
/// ```
/// use wb_core::{Histogram, Html};
/// use wb_run::Row;
///
/// let row = Row::new()
///     .set("loss", 0.25)
///     .set("epoch", 3)
///     .media("weights", Histogram::from_sequence(&[1.0, 2.0, 2.5]).unwrap())
///     .nested("eval", Row::new().set("acc", 0.9))
///     .media_list("pages", vec![Html::from_literal("<p>a</p>")]);
/// assert_eq!(row.len(), 5);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Row(IndexMap<String, LogValue>);

impl Row {
    /// An empty row.
    pub fn new() -> Self {
        Row(IndexMap::new())
    }

    /// Sets `key` to a scalar, string, JSON value or any [`LogValue`].
    pub fn set(mut self, key: impl Into<String>, value: impl Into<LogValue>) -> Self {
        self.insert(key, value);
        self
    }

    /// Sets `key` to a data type (a `Histogram`, an `Html`, an image, a table, ...).
    pub fn media(mut self, key: impl Into<String>, value: impl WbValue) -> Self {
        self.insert(key, LogValue::media(value));
        self
    }

    /// Sets `key` to a list of data types; a list of one batchable media type is logged as a
    /// batch (`images/separated`, `html`, ...), as the SDK does.
    pub fn media_list<T: WbValue>(
        mut self,
        key: impl Into<String>,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        self.insert(key, LogValue::list(values));
        self
    }

    /// Sets `key` to a nested row (a nested dict; media inside are named by their leaf key).
    pub fn nested(mut self, key: impl Into<String>, row: Row) -> Self {
        self.insert(key, LogValue::Map(row.0));
        self
    }

    /// Sets `key` (in place).
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<LogValue>) {
        self.0.insert(key.into(), value.into());
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the row has no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys and values.
    pub fn as_map(&self) -> &IndexMap<String, LogValue> {
        &self.0
    }

    /// The keys and values, owned.
    pub fn into_map(self) -> IndexMap<String, LogValue> {
        self.0
    }
}

impl From<IndexMap<String, LogValue>> for Row {
    fn from(map: IndexMap<String, LogValue>) -> Self {
        Row(map)
    }
}

impl From<Row> for LogValue {
    fn from(row: Row) -> Self {
        LogValue::Map(row.0)
    }
}

impl<K: Into<String>, V: Into<LogValue>> FromIterator<(K, V)> for Row {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Row(iter
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect())
    }
}

impl<K: Into<String>, V: Into<LogValue>, const N: usize> From<[(K, V); N]> for Row {
    fn from(items: [(K, V); N]) -> Self {
        items.into_iter().collect()
    }
}

/// How deep the maps of a row go: the row's own nested maps and lists, and the JSON objects
/// inside them (which the history merge and the summary walk one level per call). Arrays
/// inside JSON values are leaves there (written without recursion) and are not descended.
/// Counted with a stack on the heap, so a row of any depth is measured safely.
pub(crate) fn nesting_depth(row: &IndexMap<String, LogValue>) -> usize {
    enum Item<'a> {
        Log(&'a LogValue),
        Json(&'a Value),
    }
    let mut stack: Vec<(Item<'_>, usize)> = row.values().map(|v| (Item::Log(v), 1)).collect();
    let mut max = 1;
    while let Some((item, depth)) = stack.pop() {
        max = max.max(depth);
        match item {
            Item::Log(LogValue::Map(m)) => {
                stack.extend(m.values().map(|v| (Item::Log(v), depth + 1)));
            }
            Item::Log(LogValue::List(items)) => {
                stack.extend(items.iter().map(|v| (Item::Log(v), depth + 1)));
            }
            Item::Log(LogValue::Json(v)) => stack.push((Item::Json(v), depth)),
            Item::Log(LogValue::Media(_)) => {}
            Item::Json(Value::Object(m)) => {
                stack.extend(m.values().map(|v| (Item::Json(v), depth + 1)));
            }
            Item::Json(_) => {}
        }
    }
    max
}

/// Refuses a row nested deeper than [`wb_core::json::MAX_DEPTH`] levels of maps (see
/// [`nesting_depth`]), before anything walks it: the SDK cannot serialize deeper JSON either.
pub(crate) fn check_depth(row: &IndexMap<String, LogValue>) -> wb_core::Result<()> {
    refuse_deeper(
        "the row",
        nesting_depth(row),
        "dicts (maps and JSON objects)",
    )
}

/// Levels of arrays and objects in `values` (each one level), counted with a heap stack.
fn json_depth(values: &wb_core::json::Map) -> usize {
    let mut stack: Vec<(&Value, usize)> = values.values().map(|v| (v, 1)).collect();
    let mut max = 1;
    while let Some((v, depth)) = stack.pop() {
        max = max.max(depth);
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(m) => stack.extend(m.values().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    max
}

/// Refuses config values nested deeper than [`wb_core::json::MAX_DEPTH`] levels of arrays and
/// objects before the config conversion walks them (it recurses once per level).
pub(crate) fn check_config_depth(values: &wb_core::json::Map) -> wb_core::Result<()> {
    refuse_deeper("the config", json_depth(values), "lists and dicts")
}

/// The error for `what` nested `depth` levels of `levels` when that is more than
/// [`wb_core::json::MAX_DEPTH`].
fn refuse_deeper(what: &str, depth: usize, levels: &str) -> wb_core::Result<()> {
    if depth > wb_core::json::MAX_DEPTH {
        return Err(wb_core::Error::value(format!(
            "{what} is nested {depth} levels deep: at most {} levels of {levels} can be logged (wandb's Python SDK cannot serialize deeper JSON either)",
            wb_core::json::MAX_DEPTH
        )));
    }
    Ok(())
}
