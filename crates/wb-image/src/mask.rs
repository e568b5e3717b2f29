//! [`ImageMask`]: a per-pixel class map over an image (`mask`).

use crate::classes::ClassLabels;
use crate::encode::png;
use crate::pixels::{Element, Mode, Pixels};
use ndarray::{ArrayView, Dimension};
use std::sync::Arc;
use wb_core::artifact::{ArtifactSource, ArtifactTarget};
use wb_core::json::Value;
use wb_core::media::{media_artifact_json, media_run_json};
use wb_core::{Error, MediaFile, Registry, Result, RunTarget, Step, WbValue};

/// The media folder of masks.
pub const MEDIA_DIR: &str = "media/images/mask";
/// The extension of mask files.
pub const EXTENSION: &str = ".mask.png";
/// The config section masks record their class labels in.
pub const CONFIG_SECTION: &str = "mask/class_labels";

/// A segmentation mask: `wandb.ImageMask({"mask_data": array, "class_labels": {...}}, key)`.
///
/// The data is a 2-D array of class ids in 0–255 (floats are truncated), written as an 8-bit
/// grayscale PNG `media/images/mask/<key>_<step>_<sha20>.mask.png`. Without class labels each
/// distinct value `c` is labelled `class_<c>`. The labels go to the run config, never into the
/// JSON.
#[derive(Debug, Clone)]
pub struct ImageMask {
    file: MediaFile,
    key: String,
    class_labels: Option<ClassLabels>,
}

impl ImageMask {
    /// A mask from an array, with the SDK's checks and messages: the array must be 2-D
    /// (`mask_data must be a 2D array`) and every value in 0–255 (`Mask data must be integers
    /// between 0 and 255`). `key` names the mask set (an [`crate::Image`] sets its map key).
    pub fn new<T: Element, D: Dimension>(
        mask_data: ArrayView<'_, T, D>,
        class_labels: Option<ClassLabels>,
        key: impl Into<String>,
    ) -> Result<Self> {
        let data = mask_data.into_dyn();
        if let [h, w] = data.shape() {
            crate::pixels::check_size(*w, *h)?;
        }
        let class_labels = match class_labels {
            Some(l) => l,
            None => {
                let mut ids: Vec<f64> = data.iter().map(|v| v.to_f64()).collect();
                ids.sort_by(f64::total_cmp);
                ids.dedup_by(|a, b| a.to_bits() == b.to_bits());
                let mut labels = ClassLabels::new();
                for v in ids {
                    let c = i64::from(f64_to_i32(v));
                    if labels.get(c).is_none() {
                        labels.insert(c, format!("class_{c}"));
                    }
                }
                labels
            }
        };
        let shape = data.shape().to_vec();
        let [h, w] = shape[..] else {
            return Err(Error::type_error("mask_data must be a 2D array"));
        };
        if data.iter().any(|v| {
            let f = v.to_f64();
            !(0.0..=255.0).contains(&f)
        }) {
            return Err(Error::type_error(
                "Mask data must be integers between 0 and 255",
            ));
        }
        let bytes: Vec<u8> = data.iter().map(|v| v.to_f64() as u8).collect();
        let (w, h) = (
            u32::try_from(w).map_err(|_| Error::value("mask too wide"))?,
            u32::try_from(h).map_err(|_| Error::value("mask too tall"))?,
        );
        let pixels = Pixels::new(w, h, Mode::L, bytes)?;
        let file = MediaFile::generated(png::encode(&pixels)?, EXTENSION);
        Ok(ImageMask {
            file,
            key: key.into(),
            class_labels: Some(class_labels),
        })
    }

    /// A mask from an existing PNG's bytes (what `from_json` reads back; no class labels).
    pub fn from_png_bytes(bytes: impl Into<Arc<[u8]>>) -> Self {
        ImageMask {
            file: MediaFile::generated(bytes, EXTENSION),
            key: String::new(),
            class_labels: None,
        }
    }

    /// Reads an artifact entry back (`{"path": ..., "sha256": ..., "_type": "mask"}`).
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Self> {
        let path = json
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::decode("mask", "`path` must be a string"))?;
        Ok(Self::from_png_bytes(source.read_entry(path)?))
    }

    /// The mask set's name.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Renames the set.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }

    /// The class labels (`None` for a mask read back from a file).
    pub fn class_labels(&self) -> Option<&ClassLabels> {
        self.class_labels.as_ref()
    }

    /// The PNG file.
    pub fn file(&self) -> &MediaFile {
        &self.file
    }

    /// The config record for an image logged under `log_key`:
    /// `(section, key, {"type", "key", "value"})`, if the mask has labels.
    pub fn config_singleton(&self, log_key: &str) -> Option<(&'static str, String, Value)> {
        let labels = self.class_labels.as_ref()?;
        let key = crate::boxes::singleton_key(log_key, &self.key);
        let value = crate::boxes::singleton_value(CONFIG_SECTION, &key, labels);
        Some((CONFIG_SECTION, key, value))
    }

    pub(crate) fn bind(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        let was_bound = self.file.binding().is_some();
        self.file.bind(run, MEDIA_DIR, key, step)?;
        if !was_bound && let Some((section, k, v)) = self.config_singleton(key) {
            run.update_config_singleton(section, &k, v)?;
        }
        Ok(())
    }
}

fn f64_to_i32(v: f64) -> i32 {
    if v.is_finite() && v > -2_147_483_649.0 && v < 2_147_483_648.0 {
        v.trunc() as i32
    } else {
        i32::MIN
    }
}

impl WbValue for ImageMask {
    fn log_type(&self) -> Option<&'static str> {
        Some("mask")
    }
    fn class_name(&self) -> &'static str {
        "ImageMask"
    }
    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        self.bind(run, key, step)
    }
    fn to_run_json(&self, _run: &dyn RunTarget) -> Result<Value> {
        media_run_json(None, "mask", &self.file, None).map(Value::Object)
    }
    fn to_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        media_artifact_json(None, "mask", MEDIA_DIR, &self.file, artifact).map(Value::Object)
    }
    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        other
            .downcast_ref::<ImageMask>()
            .is_some_and(|o| o.file.sha256() == self.file.sha256())
    }
}

pub(crate) fn decode(
    json: &Value,
    source: &dyn ArtifactSource,
    _: &Registry,
) -> Result<Arc<dyn WbValue>> {
    Ok(Arc::new(ImageMask::from_json(json, source)?))
}
