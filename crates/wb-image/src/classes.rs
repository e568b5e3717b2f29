//! [`ClassLabels`] (the `{id: name}` maps of boxes and masks) and [`Classes`] (`classes`).

use indexmap::IndexMap;
use std::sync::Arc;
use wb_core::internal::text::py_str_repr;
use wb_core::json::{Map, Value};
use wb_core::{ArtifactSource, ArtifactTarget, Error, Registry, Result, RunTarget, WbValue};

/// An ordered map of integer class ids to names (a Python `{int: str}` dict).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassLabels(IndexMap<i64, String>);

impl ClassLabels {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `id` to `name`; an existing id keeps its position (Python `dict` semantics).
    pub fn insert(&mut self, id: i64, name: impl Into<String>) {
        self.0.insert(id, name.into());
    }

    /// The name of `id`.
    pub fn get(&self, id: i64) -> Option<&str> {
        self.0.get(&id).map(String::as_str)
    }

    /// `(id, name)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &str)> {
        self.0.iter().map(|(k, v)| (*k, v.as_str()))
    }

    /// The ids in order.
    pub fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.0.keys().copied()
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Python's `dict.update`: later names win, first positions stay.
    pub fn update(&mut self, other: &ClassLabels) {
        for (k, v) in other.iter() {
            self.insert(k, v);
        }
    }

    /// `{"<id>": "<name>"}` as the SDK's JSON encoders write an int-keyed dict.
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|(k, v)| (k.to_string(), Value::from(v.as_str())))
                .collect(),
        )
    }

    /// Reads a JSON object of labels (`{"1": "car"}`, as the SDK writes them). Keys must be
    /// integers and values strings.
    pub fn from_json(v: &Value) -> Result<ClassLabels> {
        Self::parse(v, LABELS_ERROR)
    }

    /// [`ClassLabels::from_json`] with `message` (the SDK's words for the caller) as the error.
    pub(crate) fn parse(v: &Value, message: &str) -> Result<ClassLabels> {
        let obj = v.as_object().ok_or_else(|| Error::type_error(message))?;
        let mut out = ClassLabels::new();
        for (k, name) in obj {
            let name = name.as_str().ok_or_else(|| Error::type_error(message))?;
            let id = parse_number_key(k).ok_or_else(|| Error::type_error(message))?;
            let id = id.ok_or_else(|| {
                Error::value(format!(
                    "class label id {k:?} is not an integer: wb-types supports integer class ids only"
                ))
            })?;
            out.insert(id, name);
        }
        Ok(out)
    }

    /// The labels as a Python `str()` of a list of `{'id': .., 'name': ..}` dicts, the text
    /// whose MD5 names an image's classes file.
    pub(crate) fn python_repr(&self) -> String {
        let items: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| format!("{{'id': {k}, 'name': {}}}", py_str_repr(v)))
            .collect();
        format!("[{}]", items.join(", "))
    }
}

/// The SDK's message for labels that are not a `{number: str}` dict.
const LABELS_ERROR: &str = "Class labels must be a dictionary of numbers to strings";

/// Whether a JSON object key is a Python number: `Some(Some(id))` for an integer,
/// `Some(None)` for another number (`"1.5"`), `None` for anything else.
fn parse_number_key(k: &str) -> Option<Option<i64>> {
    if let Ok(i) = k.parse::<i64>() {
        return Some(Some(i));
    }
    match k.parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => Some(Some(f as i64)),
        Ok(_) => Some(None),
        Err(_) => None,
    }
}

impl<S: Into<String>> FromIterator<(i64, S)> for ClassLabels {
    fn from_iter<I: IntoIterator<Item = (i64, S)>>(iter: I) -> Self {
        let mut out = ClassLabels::new();
        for (k, v) in iter {
            out.insert(k, v);
        }
        out
    }
}

impl<S: Into<String>, const N: usize> From<[(i64, S); N]> for ClassLabels {
    fn from(items: [(i64, S); N]) -> Self {
        items.into_iter().collect()
    }
}

/// `wandb.Classes`: a list of `{"id": .., "name": ..}` dicts (`_type` `classes`).
///
/// It has no file of its own in runs; in artifacts it is an entry of its own
/// (`media/classes/<md5>_cls.classes.json` when an image refers to it).
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    class_set: Vec<Map>,
}

impl Classes {
    /// From `(id, name)` pairs (each written as `{"id": id, "name": name}`).
    pub fn new(labels: &ClassLabels) -> Self {
        Classes {
            class_set: labels
                .iter()
                .map(|(id, name)| {
                    let mut m = Map::new();
                    m.insert("id".into(), id.into());
                    m.insert("name".into(), name.into());
                    m
                })
                .collect(),
        }
    }

    /// From a list of dicts, each of which must have `id` and `name` (other keys are kept).
    pub fn from_class_set(class_set: Vec<Map>) -> Result<Self> {
        for c in &class_set {
            if !c.contains_key("id") || !c.contains_key("name") {
                return Err(Error::value(
                    "every class of a Classes set must have an \"id\" and a \"name\"",
                ));
            }
        }
        Ok(Classes { class_set })
    }

    /// The dicts as given.
    pub fn class_set(&self) -> &[Map] {
        &self.class_set
    }

    /// The classes as labels (entries whose id is not an integer or name not a string are
    /// skipped).
    pub fn to_labels(&self) -> ClassLabels {
        self.class_set
            .iter()
            .filter_map(|c| Some((c.get("id")?.as_i64()?, c.get("name")?.as_str()?.to_owned())))
            .collect()
    }

    /// `{"_type": "classes", "class_set": [...]}`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("_type".into(), "classes".into());
        m.insert(
            "class_set".into(),
            Value::Array(self.class_set.iter().cloned().map(Value::Object).collect()),
        );
        Value::Object(m)
    }

    /// Reads `{"class_set": [...]}` (the artifact JSON).
    pub fn from_json(json: &Value) -> Result<Self> {
        let items = json
            .get("class_set")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::decode("classes", "`class_set` must be a list"))?;
        let set = items
            .iter()
            .map(|c| {
                c.as_object()
                    .cloned()
                    .ok_or_else(|| Error::decode("classes", "each class must be an object"))
            })
            .collect::<Result<Vec<_>>>()?;
        Classes::from_class_set(set)
    }
}

impl WbValue for Classes {
    fn log_type(&self) -> Option<&'static str> {
        Some("classes")
    }
    fn class_name(&self) -> &'static str {
        "Classes"
    }
    fn to_run_json(&self, _run: &dyn RunTarget) -> Result<Value> {
        Ok(self.to_json())
    }
    fn to_artifact_json(&self, _artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        Ok(self.to_json())
    }
    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        other
            .downcast_ref::<Classes>()
            .is_some_and(|o| o.class_set == self.class_set)
    }
}

pub(crate) fn decode(
    json: &Value,
    _source: &dyn ArtifactSource,
    _: &Registry,
) -> Result<Arc<dyn WbValue>> {
    Ok(Arc::new(Classes::from_json(json)?))
}

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<Classes> for wb_core::LogValue {
    fn from(value: Classes) -> Self {
        wb_core::LogValue::media(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_repr_of_class_sets() {
        let l = ClassLabels::from([(1, "car"), (0, "bg")]);
        assert_eq!(
            l.python_repr(),
            "[{'id': 1, 'name': 'car'}, {'id': 0, 'name': 'bg'}]"
        );
        assert_eq!(py_str_repr("it's"), "\"it's\"");
        assert_eq!(py_str_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(py_str_repr("é\n"), "'é\\n'");
    }

    #[test]
    fn labels_need_number_keys() {
        let mut m = Map::new();
        m.insert("car".into(), "x".into());
        assert!(ClassLabels::from_json(&Value::Object(m)).is_err());
    }
}
