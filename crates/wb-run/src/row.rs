//! [`Row`]: what one `log` call logs, keys to values.

use indexmap::IndexMap;
use wb_core::{LogValue, Value, WbValue};

/// One logged row: keys to scalars, strings, JSON, nested rows, media values or lists of
/// media, in insertion order (the Python dict passed to `run.log`).
///
/// ```
/// use wb_core::{Histogram, Html, LogValue};
/// use wb_run::Row;
///
/// let row = Row::new()
///     .with("loss", 0.25)
///     .with("epoch", 3)
///     .with("weights", LogValue::media(Histogram::from_sequence(&[1.0, 2.0, 2.5]).unwrap()))
///     .with("eval", Row::new().with("acc", 0.9))
///     .with("pages", LogValue::list(vec![Html::from_literal_with("<p>a</p>", wb_core::HtmlOptions::default().with_inject(false))]));
/// assert_eq!(row.len(), 5);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Row(IndexMap<String, LogValue>);

impl Row {
    /// An empty row.
    pub fn new() -> Self {
        Row(IndexMap::new())
    }

    /// Sets `key` to a number, string, JSON value, nested [`Row`], data type or list of data
    /// types: anything that converts into a [`LogValue`]. A list of one batchable media type
    /// is logged as a batch (`images/separated`, `html`, ...), as the SDK does; media inside
    /// a nested row are named by their leaf key.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<LogValue>) -> Self {
        self.insert(key, value);
        self
    }

    /// Sets `key` to a data type: `with(key, LogValue::media(value))`, for media types that
    /// do not convert into [`LogValue`] themselves.
    pub fn with_media(mut self, key: impl Into<String>, value: impl WbValue) -> Self {
        self.insert(key, LogValue::media(value));
        self
    }

    /// Sets `key` to a list of data types: `with(key, LogValue::list(values))`.
    pub fn with_media_list<T: WbValue>(
        mut self,
        key: impl Into<String>,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        self.insert(key, LogValue::list(values));
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

/// How [`Run::log_with`](crate::Run::log_with) logs a row: the SDK's `step=` and `commit=`.
///
/// ```
/// use wb_run::LogOptions;
///
/// let options = LogOptions::default().with_step(7).with_commit(false);
/// assert_eq!((options.step(), options.commit()), (Some(7), Some(false)));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogOptions {
    step: Option<u64>,
    commit: Option<bool>,
}

impl LogOptions {
    /// Logs to `step` (`run.log(row, step=step)`): rows for the same step merge; the step's
    /// row is written when a later step starts or the run finishes.
    pub fn with_step(mut self, step: u64) -> Self {
        self.step = Some(step);
        self
    }

    /// `commit=`: `true` writes the step out and moves to the next one; `false` keeps adding
    /// to it. Default: `true` without a step, `false` with one.
    pub fn with_commit(mut self, commit: bool) -> Self {
        self.commit = Some(commit);
        self
    }

    /// The step, if one was given.
    pub fn step(&self) -> Option<u64> {
        self.step
    }

    /// The commit choice, if one was given.
    pub fn commit(&self) -> Option<bool> {
        self.commit
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
