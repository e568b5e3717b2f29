//! [`Object3D`] (`object3D-file`): point clouds, point-cloud scenes and 3-D model files.

use crate::format::Object3DFormat;
use crate::pts::{Encoded, PointScalar, encode_points, stream_points};
use crate::scene::{Box3D, Vector3D};
use ndarray::{ArrayView, ArrayView2, Dimension, Ix2};
use std::path::Path;
use std::sync::Arc;
use wb_core::internal::media::{
    Media, MediaType, TempMediaFile, generated_file, media_value_methods, prehashed_file,
    prehashed_temp_file, user_file_with_extension,
};
use wb_core::internal::value::downcast_all;
use wb_core::json::{self, Dialect};
use wb_core::{
    ArtifactSource, ArtifactTarget, Error, MediaFile, Result, RunTarget, Step, Value, WbValue,
};

/// The media folder of 3-D objects.
const MEDIA_DIR: &str = "media/object3D";
/// The log type (artifact `_type`).
pub(crate) const LOG_TYPE: &str = "object3D-file";
/// The only point-cloud scene type the SDK supports.
const LIDAR_BETA: &str = "lidar/beta";

/// Arrays with at least this many values are written to a temporary file as they are
/// formatted (about 600 KB of text and up).
const STREAM_MIN_VALUES: usize = 1 << 15;

const SHAPE_MESSAGE: &str = "The shape of the numpy array must be one of either
    [[x y z],       ...] nx3
     [x y z c],     ...] nx4 where c is a category with supported range [1, 14]
     [x y z r g b], ...] nx6 where rgb is color";

/// A 3-D object: a point cloud (`.pts.json`) or a model file (`.obj`, `.gltf`, `.glb`,
/// `.babylon`, `.stl`), with an optional caption (the SDK's `wandb.Object3D`).
///
/// ```
/// use ndarray::array;
/// use wb_3d::Object3D;
/// let points = array![[0.0, 0.0, 0.0], [1.0, 2.0, 3.5]];
/// let obj = Object3D::from_array(points.view()).unwrap().with_caption("two points");
/// assert_eq!(obj.file().extension(), ".pts.json");
/// ```
#[derive(Debug, Clone)]
pub struct Object3D {
    media: Media,
}

impl Object3D {
    /// A point cloud from an `n×3` (x y z), `n×4` (x y z category, 1–14) or `n×6`
    /// (x y z r g b) array, written as the SDK's compact `.pts.json`: floats as floats,
    /// integers as integers. Any other shape is the SDK's error.
    ///
    /// An array of 32 768 values or more is written, while it is formatted, into a temporary
    /// file in the system's temporary folder (as the SDK writes its media to a temporary
    /// folder): binding the value to a run links that file into the run, and it is removed when
    /// the last value holding it is dropped. Smaller arrays stay in memory until bound.
    pub fn from_array<T: PointScalar, D: Dimension>(data: ArrayView<'_, T, D>) -> Result<Self> {
        let shape = data.shape().to_vec();
        let points = data
            .into_dimensionality::<Ix2>()
            .ok()
            .filter(|a| matches!(a.ncols(), 3 | 4 | 6))
            .ok_or_else(|| {
                Error::value(format!(
                    "{SHAPE_MESSAGE}\n(got an array of shape {shape:?})"
                ))
            })?;
        Ok(Self::from_points(b"", points, b""))
    }

    /// A `lidar/beta` point-cloud scene (`wandb.Object3D.from_point_cloud`): points (any
    /// number of columns, as the SDK does not check them), 3-D boxes (see
    /// [`box3d`](crate::box3d)) and vectors. The file is
    /// `{"type":"lidar/beta","vectors":[...],"points":[...],"boxes":[...]}`.
    pub fn from_point_cloud<T: PointScalar>(
        points: ArrayView2<'_, T>,
        boxes: &[Box3D],
        vectors: &[Vector3D],
    ) -> Result<Self> {
        let vectors = Value::Array(vectors.iter().map(Vector3D::to_value).collect());
        let boxes = Value::Array(boxes.iter().map(Box3D::to_value).collect());
        let prefix = format!(
            "{{\"type\":\"lidar/beta\",\"vectors\":{},\"points\":",
            json::to_string(&vectors, Dialect::Compact)
        );
        let suffix = format!(",\"boxes\":{}}}", json::to_string(&boxes, Dialect::Compact));
        Ok(Self::from_points(
            prefix.as_bytes(),
            points,
            suffix.as_bytes(),
        ))
    }

    /// The SDK's dict form, `wandb.Object3D({"type": "lidar/beta", "vectors": ..., "points":
    /// ..., "boxes": ...})`, given as JSON: `type` must be `"lidar/beta"`; each other member is
    /// written as it is (a missing one as `[]`); other keys are ignored, as in the SDK. The file
    /// is `{"type":"lidar/beta","vectors":[...],"points":[...],"boxes":[...]}`.
    ///
    /// ```
    /// use wb_3d::Object3D;
    /// let scene = wb_core::json::parse(r#"{"type": "lidar/beta", "points": [[0, 0, 1]]}"#)?;
    /// let obj = Object3D::from_scene_json(&scene)?;
    /// assert_eq!(
    ///     &*obj.file().bytes()?,
    ///     br#"{"type":"lidar/beta","vectors":[],"points":[[0,0,1]],"boxes":[]}"#
    /// );
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_scene_json(scene: &Value) -> Result<Self> {
        let Value::Object(members) = scene else {
            return Err(Error::value(
                "a scene must be a JSON object with a `type` (only 'lidar/beta' is supported)",
            ));
        };
        match members.get("type") {
            Some(Value::Str(t)) if t == LIDAR_BETA => {}
            other => {
                return Err(Error::value(format!(
                    "Type not supported, only 'lidar/beta' is currently supported (got {})",
                    other.map_or_else(
                        || "no type".to_owned(),
                        |t| json::to_string(t, Dialect::Compact)
                    )
                )));
            }
        }
        let empty = Value::Array(Vec::new());
        let member = |k: &str| members.get(k).unwrap_or(&empty).clone();
        let mut m = json::Map::new();
        m.insert("type".into(), LIDAR_BETA.into());
        m.insert("vectors".into(), member("vectors"));
        m.insert("points".into(), member("points"));
        m.insert("boxes".into(), member("boxes"));
        let text = json::to_string(&Value::Object(m), Dialect::Compact);
        Ok(Self::generated(text.into_bytes()))
    }

    /// A 3-D file by path, copied as it is when logged. The type comes from how the path ends
    /// (`.obj`, `.gltf`, `.glb`, `.babylon`, `.stl`, `.pts.json`); the content is checked to be
    /// of that type: glTF 2.x (JSON or GLB) is parsed and validated with the `gltf` crate;
    /// glTF 1.x (collections keyed by id, and its binary form) is checked for its structure
    /// and that every reference names an existing object.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let name = path.to_string_lossy();
        let Some(format) = Object3DFormat::ALL
            .iter()
            .copied()
            .find(|f| name.ends_with(f.as_str()))
        else {
            return Err(Error::value(format!(
                "File '{name}' is not compatible with Object3D: supported types are: {}",
                Object3DFormat::list()
            )));
        };
        let ext = format.extension();
        if !name.ends_with(ext) {
            return Err(Error::value(format!(
                "Media file extension \"{ext}\" must occur at the end of path \"{name}\"."
            )));
        }
        let file = user_file_with_extension(path, ext)?;
        crate::check3d::check(&file.bytes()?, format.as_str(), &format!("File '{name}'"))?;
        Ok(Object3D {
            media: Media::new(file),
        })
    }

    /// A 3-D file's content in `format` (the SDK's io-object form, `file_type=`), checked as
    /// for [`Object3D::from_path`].
    pub fn from_bytes(bytes: impl Into<Arc<[u8]>>, format: Object3DFormat) -> Result<Self> {
        let bytes = bytes.into();
        crate::check3d::check(&bytes, format.as_str(), "The data")?;
        Ok(Object3D {
            media: Media::new(generated_file(bytes, format.extension())),
        })
    }

    fn generated(bytes: Vec<u8>) -> Self {
        Object3D {
            media: Media::new(generated_file(bytes, ".pts.json")),
        }
    }

    /// The `.pts.json` of `prefix`, the points and `suffix`. A large array is written straight
    /// into a temporary file as it is formatted (bound to a run by a hard link); a small one,
    /// or any whose temporary file cannot be written, is kept in memory until bound.
    fn from_points<T: PointScalar>(
        prefix: &[u8],
        points: ArrayView2<'_, T>,
        suffix: &[u8],
    ) -> Self {
        if points.len() >= STREAM_MIN_VALUES
            && let Ok(file) = Self::streamed(prefix, points, suffix)
        {
            return Object3D {
                media: Media::new(file),
            };
        }
        Self::encoded(encode_points(prefix, points, suffix))
    }

    fn streamed<T: PointScalar>(
        prefix: &[u8],
        points: ArrayView2<'_, T>,
        suffix: &[u8],
    ) -> Result<MediaFile> {
        let mut tmp = TempMediaFile::create(".pts.json")?;
        let (sha256, size) = stream_points(prefix, points, suffix, tmp.file())
            .map_err(|e| Error::io("writing", tmp.path(), e))?;
        Ok(prehashed_temp_file(tmp, ".pts.json", sha256, size))
    }

    fn encoded(e: Encoded) -> Self {
        Object3D {
            media: Media::new(prehashed_file(Arc::from(e.bytes), ".pts.json", e.sha256)),
        }
    }

    /// Sets the caption shown with the object.
    #[must_use]
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.media = self.media.with_caption(caption);
        self
    }

    /// The caption, when it is text (a caption of another JSON type read from an SDK
    /// artifact is kept and written back, but is not text).
    pub fn caption(&self) -> Option<&str> {
        self.media.caption()
    }

    /// The file behind the value.
    pub fn file(&self) -> &MediaFile {
        self.media.file()
    }

    /// `true` for a point cloud (`.pts.json`), the only kind an artifact accepts.
    pub fn is_point_cloud(&self) -> bool {
        self.file().extension() == ".pts.json"
    }

    /// Reads an artifact entry back (`Object3D.from_json`): the file named by `path`, whose
    /// type comes from how the entry name ends. The caption is kept when the JSON has one.
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Self> {
        Self::decode_media(json, source)
    }
}

impl MediaType for Object3D {
    const LOG_TYPE: &'static str = LOG_TYPE;
    const MEDIA_DIR: &'static str = MEDIA_DIR;
    fn media(&self) -> &Media {
        &self.media
    }
    /// The [`Object3DFormat`] the entry name ends with (`.pts.json` as a whole).
    fn entry_extension(path: &str) -> Result<String> {
        Object3DFormat::ALL
            .iter()
            .find(|f| path.ends_with(f.extension()))
            .map(|f| f.extension().to_owned())
            .ok_or_else(|| {
                Error::decode(
                    LOG_TYPE,
                    format!(
                        "entry {path:?} is not one of the supported types ({})",
                        Object3DFormat::list()
                    ),
                )
            })
    }
    fn from_media(media: Media, _json: &Value) -> Result<Self> {
        Ok(Object3D { media })
    }
    /// Point clouds only: the SDK refuses other 3D files in artifacts.
    fn media_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<wb_core::Map> {
        if !self.is_point_cloud() {
            return Err(Error::value(format!(
                "Non-point cloud 3D objects are not yet supported with Artifacts (this object is a {} file; only .pts.json point clouds can be added)",
                self.file().extension()
            )));
        }
        self.media.artifact_json(LOG_TYPE, MEDIA_DIR, artifact)
    }
}

impl WbValue for Object3D {
    media_value_methods!("Object3D");
    fn column_type(&self) -> Option<Value> {
        Some(Value::Object(wb_core::json_map! { "wb_type" => LOG_TYPE }))
    }
    fn batching(&self) -> wb_core::Batching {
        wb_core::Batching::All
    }
    fn seq_to_run_json(
        &self,
        items: &[&dyn WbValue],
        run: &dyn RunTarget,
        _key: &str,
        _step: Step,
    ) -> Result<Value> {
        let items = downcast_all::<Object3D>(items)?;
        let prefix = format!("{MEDIA_DIR}/");
        let mut filenames = Vec::with_capacity(items.len());
        let mut objects = Vec::with_capacity(items.len());
        for o in &items {
            let j = o.to_run_json(run)?;
            let path = j.get("path").and_then(Value::as_str).unwrap_or_default();
            let rel = path.strip_prefix(&prefix).ok_or_else(|| {
                Error::value(format!(
                    "Files in an array of Object3D's must be in the {MEDIA_DIR} directory, not {path}"
                ))
            })?;
            filenames.push(Value::from(rel));
            objects.push(j);
        }
        Ok(Value::Object(wb_core::json_map! {
            "_type" => "object3D",
            "filenames" => Value::Array(filenames),
            "count" => items.len(),
            "objects" => Value::Array(objects),
        }))
    }
}

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<Object3D> for wb_core::LogValue {
    fn from(value: Object3D) -> Self {
        wb_core::LogValue::media(value)
    }
}
