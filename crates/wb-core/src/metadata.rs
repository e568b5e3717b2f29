//! [`JsonMetadata`]: arbitrary JSON logged as a file (the SDK's `JSONMetadata` base).

use crate::artifact::ArtifactTarget;
use crate::error::Result;
use crate::json::{self, Dialect, Value};
use crate::media::MediaFile;
use crate::media_type::Media;
use crate::path::Step;
use crate::target::RunTarget;
use crate::value::WbValue;

/// A JSON document logged as `media/metadata/<type_name>/<key>_<step>_<sha20>.<type_name>.json`,
/// run `_type` = `type_name`. `BoundingBoxes2D` is built on it.
#[derive(Debug, Clone)]
pub struct JsonMetadata {
    type_name: &'static str,
    val: Value,
    media: Media,
}

impl JsonMetadata {
    /// Metadata of type `type_name` (the SDK's default is `"metadata"`): `val` as it is,
    /// written as compact JSON.
    pub fn new(type_name: &'static str, val: Value) -> Self {
        let text = json::to_string(&val, Dialect::Compact);
        let file = MediaFile::generated(text.into_bytes(), &format!(".{type_name}.json"));
        JsonMetadata {
            type_name,
            val,
            media: Media::new(file),
        }
    }

    /// [`JsonMetadata::new`] for a type whose value must pass `validate` (the `validate` of
    /// the SDK's `JSONMetadata` subclasses), checked before anything is encoded: its error
    /// when the value does not pass.
    pub fn from_value(
        type_name: &'static str,
        val: Value,
        validate: impl FnOnce(&Value) -> Result<()>,
    ) -> Result<Self> {
        validate(&val)?;
        Ok(Self::new(type_name, val))
    }

    /// The type name (`_type` in the run JSON).
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The media folder, `media/metadata/<type_name>`.
    pub fn media_dir(&self) -> String {
        format!("media/metadata/{}", self.type_name)
    }

    /// The value as given.
    pub fn val(&self) -> &Value {
        &self.val
    }

    /// The file behind the value.
    pub fn file(&self) -> &MediaFile {
        self.media.file()
    }
}

impl WbValue for JsonMetadata {
    fn log_type(&self) -> Option<&'static str> {
        None
    }
    fn class_name(&self) -> &'static str {
        "JSONMetadata"
    }
    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        self.media.bind(run, &self.media_dir(), key, step)
    }
    fn to_run_json(&self, _run: &dyn RunTarget) -> Result<Value> {
        self.media.run_json(self.type_name).map(Value::Object)
    }
    fn to_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        self.media
            .artifact_json(self.type_name, &self.media_dir(), artifact)
            .map(Value::Object)
    }
    fn artifact_addable(&self) -> bool {
        false
    }
    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        other
            .downcast_ref::<JsonMetadata>()
            .is_some_and(|o| o.type_name == self.type_name && o.media.same_file(&self.media))
    }
}

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<JsonMetadata> for crate::LogValue {
    fn from(value: JsonMetadata) -> Self {
        crate::LogValue::media(value)
    }
}
