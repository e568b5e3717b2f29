//! [`BoundingBoxes2D`]: 2-D boxes over an image (`bounding-boxes`; run `_type` `boxes2D`).

use crate::classes::ClassLabels;
use std::sync::Arc;
use wb_core::json::{Map, Value};
use wb_core::{
    ArtifactSource, ArtifactTarget, Error, JsonMetadata, Registry, Result, RunTarget, Step, WbValue,
};

/// The SDK's message for a box without a valid position (its literal embeds a line
/// continuation, hence the run of spaces before the newline).
pub(crate) const POSITION_ERROR: &str = "Each box must contain a position with: middle, width, and height or                     \nminX, maxX, minY, maxY.";

/// The config section boxes record their class labels in.
pub(crate) const CONFIG_SECTION: &str = "bounding_box/class_labels";

/// The SDK's key for a class-label singleton: `<logkey>_wandb_delimeter_<setkey>` (its
/// spelling).
pub(crate) fn singleton_key(log_key: &str, set_key: &str) -> String {
    format!("{log_key}_wandb_delimeter_{set_key}")
}

/// The `{"type", "key", "value"}` record the SDK stores in `config._wandb[section][key]`.
pub(crate) fn singleton_value(section: &str, key: &str, labels: &ClassLabels) -> Value {
    Value::Object(wb_core::json_map! {
        "type" => section,
        "key" => key,
        "value" => labels.to_json(),
    })
}

/// A set of 2-D boxes: `wandb.BoundingBoxes2D(val, key)`, attached to an image with
/// [`Image::with_boxes(key, boxes)`](crate::Image::with_boxes), which names the set.
///
/// `val` is the SDK's dict: `box_data` (a list of boxes) and optionally `class_labels`
/// (`{"<int id>": "name"}`), plus any other keys, which are kept. Each box has a `position`,
/// either `{"minX", "maxX", "minY", "maxY"}` or `{"middle": [x, y], "width", "height"}`, and
/// optionally `domain` (`"pixel"`; absent means relative 0–1 coordinates), `class_id`,
/// `scores` (`{name: number}`) and `box_caption`. The sidecar file is `val` exactly as given
/// (compact JSON), so it is byte-identical to the SDK's.
///
/// ```
/// use wb_image::{BoundingBoxes2D, BoundingBoxes2DOptions, Box2D, ClassLabels};
/// let boxes = BoundingBoxes2D::from_boxes_with(
///     [Box2D::from_min_max(0.1, 0.4, 0.2, 0.5).with_class_id(1).with_score("acc", 0.9)],
///     BoundingBoxes2DOptions::default().with_class_labels(ClassLabels::from([(1, "car")])),
/// )?;
/// assert_eq!(boxes.class_labels().get(1), Some("car"));
/// # Ok::<(), wb_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BoundingBoxes2D {
    meta: JsonMetadata,
    key: String,
    class_labels: ClassLabels,
}

impl BoundingBoxes2D {
    /// The SDK's constructor: validates `val` (its dict, see above) with the SDK's rules and
    /// messages and encodes the sidecar.
    pub fn new(val: Value) -> Result<Self> {
        let meta = JsonMetadata::from_value("boxes2D", val, validate)?;
        let val = meta.val();
        let class_labels = match val.get("class_labels") {
            Some(labels) => ClassLabels::parse(labels, LABELS_ERROR)?,
            None => default_labels(box_data(val)?)?,
        };
        Ok(BoundingBoxes2D {
            meta,
            key: String::new(),
            class_labels,
        })
    }

    /// Boxes (see [`Box2D`]) without class labels: every box needs a class id, and each id
    /// `c` is labelled `class_<c>`.
    pub fn from_boxes(boxes: impl IntoIterator<Item = Box2D>) -> Result<Self> {
        Self::from_boxes_with(boxes, BoundingBoxes2DOptions::default())
    }

    /// Boxes (see [`Box2D`]) with `options` (class labels).
    pub fn from_boxes_with(
        boxes: impl IntoIterator<Item = Box2D>,
        options: BoundingBoxes2DOptions,
    ) -> Result<Self> {
        let mut m = Map::new();
        m.insert(
            "box_data".into(),
            Value::Array(boxes.into_iter().map(|b| Value::Object(b.0)).collect()),
        );
        if let Some(l) = &options.class_labels {
            m.insert("class_labels".into(), l.to_json());
        }
        Self::new(Value::Object(m))
    }

    /// Reads the artifact form (the bare `box_data` list), as `BoundingBoxes2D.from_json`.
    pub fn from_json(json: &Value) -> Result<Self> {
        let mut m = Map::new();
        m.insert("box_data".into(), json.clone());
        Self::new(Value::Object(m))
    }

    /// The set's name when it is logged on its own (the SDK's `key`, which names its class
    /// labels in the run config). An image names its sets by the key given to
    /// [`Image::with_boxes`](crate::Image::with_boxes) instead.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }

    /// The `val` dict as given.
    pub fn val(&self) -> &Value {
        self.meta.val()
    }

    /// The `box_data` list.
    pub fn box_data(&self) -> &[Value] {
        box_data(self.meta.val()).unwrap_or(&[])
    }

    /// The class labels: `class_labels` as given, else `class_<id>` for each distinct
    /// `class_id` in ascending order (used for the run config and column types, never written
    /// into the file).
    pub fn class_labels(&self) -> &ClassLabels {
        &self.class_labels
    }

    /// The sidecar file.
    pub fn file(&self) -> &wb_core::MediaFile {
        self.meta.file()
    }

    /// The config singleton binding records for an image logged under `log_key`:
    /// `(section, key, value)` for `config._wandb[section][key] = value`.
    pub(crate) fn config_singleton(&self, log_key: &str) -> (&'static str, String, Value) {
        let key = singleton_key(log_key, &self.key);
        let value = singleton_value(CONFIG_SECTION, &key, &self.class_labels);
        (CONFIG_SECTION, key, value)
    }

    /// Binds the sidecar and records the class labels in the run config; `newly` is false
    /// when it was bound before (nothing is recorded again then, as in the SDK).
    pub(crate) fn bind(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        let was_bound = wb_core::internal::media::file_binding(self.meta.file()).is_some();
        self.meta.bind_to_run(run, key, step)?;
        if !was_bound {
            let (section, k, v) = self.config_singleton(key);
            run.update_config_singleton(section, &k, v)?;
        }
        Ok(())
    }

    /// The run JSON: `{"_type": "boxes2D", "sha256", "size", "path"}`.
    pub(crate) fn run_json(&self, run: &dyn RunTarget) -> Result<Value> {
        self.meta.to_run_json(run)
    }
}

/// The default labels: numpy's `unique` of the class ids, cast to int32.
fn default_labels(boxes: &[Value]) -> Result<ClassLabels> {
    let mut ids = boxes
        .iter()
        .map(|b| match b.get("class_id") {
            Some(Value::Int(i)) => Ok(*i as i32 as i64),
            Some(Value::Bool(t)) => Ok(i64::from(*t)),
            Some(_) => Err(Error::type_error("A box's class_id must be an integer")),
            None => Err(Error::value(
                "'class_id': every box needs a class_id when no class_labels are given",
            )),
        })
        .collect::<Result<Vec<_>>>()?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids.into_iter().map(|c| (c, format!("class_{c}"))).collect())
}

const LABELS_ERROR: &str = "Class labels must be a dictionary of numbers to string";

fn box_data(val: &Value) -> Result<&[Value]> {
    match val.get("box_data") {
        None => Err(Error::value(
            "'box_data': the boxes dict has no box_data key",
        )),
        Some(v) => v
            .as_array()
            .ok_or_else(|| Error::type_error("Boxes must be a list")),
    }
}

fn is_number(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Int(_) | Value::Float(_) | Value::Bool(_)))
}

fn py_len(v: &Value) -> Option<usize> {
    match v {
        Value::Array(a) => Some(a.len()),
        Value::Str(s) => Some(s.chars().count()),
        Value::Object(o) => Some(o.len()),
        _ => None,
    }
}

/// The SDK's `BoundingBoxes2D.validate`, in its order and with its messages.
fn validate(val: &Value) -> Result<()> {
    if val.as_object().is_none() {
        return Err(Error::type_error(
            "BoundingBoxes2D takes a dict with a \"box_data\" list",
        ));
    }
    if let Some(labels) = val.get("class_labels") {
        let obj = labels
            .as_object()
            .ok_or_else(|| Error::type_error(LABELS_ERROR))?;
        for (k, v) in obj {
            if parse_number(k).is_none() || v.as_str().is_none() {
                return Err(Error::type_error(LABELS_ERROR));
            }
        }
    }
    for b in box_data(val)? {
        let pos = b
            .get("position")
            .ok_or_else(|| Error::type_error(POSITION_ERROR))?;
        let middle_ok = pos.get("middle").and_then(py_len) == Some(2)
            && is_number(pos.get("width"))
            && is_number(pos.get("height"));
        let corners_ok = ["minX", "maxX", "minY", "maxY"]
            .iter()
            .all(|k| is_number(pos.get(k)));
        if !(middle_ok || corners_ok) {
            return Err(Error::type_error(POSITION_ERROR));
        }
        if let Some(scores) = b.get("scores") {
            let s = scores
                .as_object()
                .ok_or_else(|| Error::type_error("Box scores must be a dictionary"))?;
            if s.values().any(|v| !is_number(Some(v))) {
                return Err(Error::type_error("A score value must be a number"));
            }
        }
        if let Some(c) = b.get("class_id")
            && !matches!(c, Value::Int(_) | Value::Bool(_))
        {
            return Err(Error::type_error("A box's class_id must be an integer"));
        }
        if let Some(c) = b.get("box_caption")
            && c.as_str().is_none()
        {
            return Err(Error::type_error("A box's caption must be a string"));
        }
    }
    Ok(())
}

fn parse_number(k: &str) -> Option<f64> {
    k.parse::<f64>()
        .ok()
        .filter(|_| !k.eq_ignore_ascii_case("nan") && !k.to_ascii_lowercase().contains("inf"))
}

impl WbValue for BoundingBoxes2D {
    fn log_type(&self) -> Option<&'static str> {
        Some("bounding-boxes")
    }
    fn class_name(&self) -> &'static str {
        "BoundingBoxes2D"
    }
    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        self.bind(run, key, step)
    }
    fn to_run_json(&self, run: &dyn RunTarget) -> Result<Value> {
        self.run_json(run)
    }
    fn to_artifact_json(&self, _artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        Ok(Value::Array(self.box_data().to_vec()))
    }
    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        other
            .downcast_ref::<BoundingBoxes2D>()
            .is_some_and(|o| o.file().sha256() == self.file().sha256())
    }
}

pub(crate) fn decode(
    json: &Value,
    _source: &dyn ArtifactSource,
    _: &Registry,
) -> Result<Arc<dyn WbValue>> {
    Ok(Arc::new(BoundingBoxes2D::from_json(json)?))
}

/// One box, built in the key order of the SDK's documentation (`position`, `domain`,
/// `class_id`, `box_caption`, `scores`); [`Box2D::with_extra`] adds any other key.
#[derive(Debug, Clone, PartialEq)]
pub struct Box2D(Map);

impl Box2D {
    /// A box by its corners.
    pub fn from_min_max(min_x: f64, max_x: f64, min_y: f64, max_y: f64) -> Self {
        Box2D::at(wb_core::json_map! {
            "minX" => min_x, "maxX" => max_x, "minY" => min_y, "maxY" => max_y,
        })
    }

    /// A box by its centre and size.
    pub fn from_middle(x: f64, y: f64, width: f64, height: f64) -> Self {
        Box2D::at(wb_core::json_map! {
            "middle" => vec![x, y], "width" => width, "height" => height,
        })
    }

    fn at(position: Map) -> Self {
        let mut m = Map::new();
        m.insert("position".into(), Value::Object(position));
        Box2D(m)
    }

    /// Coordinates are pixels (`domain: "pixel"`) rather than fractions of the image.
    pub fn with_pixel_domain(mut self) -> Self {
        self.0.insert("domain".into(), "pixel".into());
        self
    }

    /// The box's class id.
    pub fn with_class_id(mut self, id: i64) -> Self {
        self.0.insert("class_id".into(), id.into());
        self
    }

    /// The box's caption.
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.0.insert("box_caption".into(), caption.into().into());
        self
    }

    /// Adds a score.
    pub fn with_score(mut self, name: impl Into<String>, value: f64) -> Self {
        let scores = self
            .0
            .entry("scores".to_owned())
            .or_insert_with(Value::object);
        if let Some(s) = scores.as_object_mut() {
            s.insert(name.into(), value.into());
        }
        self
    }

    /// Adds any other key (kept in the file as given).
    pub fn with_extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.0.insert(key.into(), value.into());
        self
    }

    /// The box as JSON.
    pub fn into_json(self) -> Value {
        Value::Object(self.0)
    }
}

/// How [`BoundingBoxes2D::from_boxes_with`] builds the set: its class labels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BoundingBoxes2DOptions {
    class_labels: Option<ClassLabels>,
}

impl BoundingBoxes2DOptions {
    /// The class labels (`class_labels`, written into the sidecar); without them every box
    /// needs a class id and each id `c` is labelled `class_<c>`.
    pub fn with_class_labels(mut self, labels: impl Into<ClassLabels>) -> Self {
        self.class_labels = Some(labels.into());
        self
    }

    /// The class labels, if set.
    pub fn class_labels(&self) -> Option<&ClassLabels> {
        self.class_labels.as_ref()
    }
}

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<BoundingBoxes2D> for wb_core::LogValue {
    fn from(value: BoundingBoxes2D) -> Self {
        wb_core::LogValue::media(value)
    }
}
