//! [`ImageMask`]: a per-pixel class map over an image (`mask`).

use crate::classes::ClassLabels;
use crate::encode::png;
use crate::pixels::{Element, ImageMode, Pixels};
use ndarray::{ArrayView, Dimension};
use std::path::Path;
use std::sync::Arc;
use wb_core::internal::media::{generated_file, media_value_methods, user_file};
use wb_core::internal::{Media, MediaType};
use wb_core::json::Value;
use wb_core::{ArtifactSource, Error, MediaFile, Result, RunTarget, Step, WbValue};

/// The media folder of masks.
pub(crate) const MEDIA_DIR: &str = "media/images/mask";
/// The extension of mask files.
pub(crate) const EXTENSION: &str = ".mask.png";
/// The config section masks record their class labels in.
pub(crate) const CONFIG_SECTION: &str = "mask/class_labels";

/// A segmentation mask: `wandb.ImageMask({"mask_data": array, "class_labels": {...}}, key)`,
/// attached to an image with [`Image::with_mask(key, mask)`](crate::Image::with_mask), which
/// names it.
///
/// The data is a 2-D array of class ids in 0–255 (floats are truncated), written as an 8-bit
/// grayscale PNG `media/images/mask/<key>_<step>_<sha20>.mask.png`. Without class labels each
/// distinct value `c` is labelled `class_<c>`. The labels go to the run config, never into the
/// JSON.
///
/// A mask can also be an existing image file ([`ImageMask::from_path`], the SDK's
/// `{"path": "mask.png"}`): it is copied as it is, under its own extension
/// (`media/images/mask/<key>_<step>_<sha20>.png`), with no default class labels.
///
/// # Differences from the SDK
/// - A mask file must be an image (PNG, JPEG, BMP, GIF, WebP) that can be decoded: the SDK
///   copies any file; we refuse one a viewer could never show, with the reason.
/// - Class labels set on a mask from a file ([`ImageMask::with_class_labels`]) are recorded in
///   the run config as for an array mask; the SDK drops the `class_labels` of a `{"path": ...}`
///   mask. The logged JSON and files are the same.
///
/// ```
/// use wb_image::{ClassLabels, ImageMask};
/// let data = ndarray::Array2::<u8>::from_elem((4, 6), 1);
/// let mask = ImageMask::from_array(data.view())?
///     .with_class_labels(ClassLabels::from([(0, "bg"), (1, "car")]));
/// assert_eq!(mask.class_labels().and_then(|l| l.get(1)), Some("car"));
/// # Ok::<(), wb_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ImageMask {
    media: Media,
    key: String,
    class_labels: Option<ClassLabels>,
}

impl ImageMask {
    /// A mask from a 2-D array of class ids, with the SDK's checks and messages: the array
    /// must be 2-D (`mask_data must be a 2D array`) and every value in 0–255 (`Mask data must
    /// be integers between 0 and 255`). Each distinct value `c` is labelled `class_<c>` until
    /// [`ImageMask::with_class_labels`] says otherwise.
    pub fn from_array<T: Element, D: Dimension>(mask_data: ArrayView<'_, T, D>) -> Result<Self> {
        let data = mask_data.into_dyn();
        if let [h, w] = data.shape() {
            crate::pixels::check_size(*w, *h)?;
        }
        let mut ids: Vec<f64> = data.iter().map(|v| v.to_f64()).collect();
        ids.sort_by(f64::total_cmp);
        ids.dedup_by(|a, b| a.to_bits() == b.to_bits());
        let mut class_labels = ClassLabels::new();
        for v in ids {
            let c = i64::from(f64_to_i32(v));
            if class_labels.get(c).is_none() {
                class_labels.insert(c, format!("class_{c}"));
            }
        }
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
        let pixels = Pixels::from_raw(w, h, ImageMode::L, bytes)?;
        let file = generated_file(png::encode(&pixels)?, EXTENSION);
        Ok(ImageMask {
            media: Media::new(file),
            key: String::new(),
            class_labels: Some(class_labels),
        })
    }

    /// A mask from an image file (`wandb.ImageMask({"path": path}, key)`): the file is copied as
    /// it is when logged, named with its own extension (the path's last one, as the SDK's
    /// `os.path.splitext`). It has no class labels until [`ImageMask::with_class_labels`].
    ///
    /// Errors: the file cannot be read, or is not an image file (see "Differences from the
    /// SDK" above).
    ///
    /// ```no_run
    /// use wb_image::{Image, ImageMask};
    /// let img = Image::from_path("photo.png")?.with_mask("segmentation", ImageMask::from_path("mask.png")?);
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = user_file(path)?;
        crate::decode::dimensions(&file.bytes()?, &format!("{:?}", path.display().to_string()))?;
        Ok(Self::from_media_file(file))
    }

    /// A mask from an existing PNG file's bytes (no class labels); refused when they are not
    /// an image file.
    pub fn from_png_bytes(bytes: impl Into<Arc<[u8]>>) -> Result<Self> {
        let bytes = bytes.into();
        crate::decode::dimensions(&bytes, "of this mask")?;
        Ok(Self::from_media_file(generated_file(bytes, EXTENSION)))
    }

    fn from_media_file(file: MediaFile) -> Self {
        ImageMask {
            media: Media::new(file),
            key: String::new(),
            class_labels: None,
        }
    }

    /// Reads an artifact entry back (`{"path": ..., "sha256": ..., "_type": "mask"}`).
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Self> {
        Self::decode_media(json, source)
    }

    /// The class labels (`class_labels`), replacing the `class_<c>` defaults.
    pub fn with_class_labels(mut self, labels: impl Into<ClassLabels>) -> Self {
        self.class_labels = Some(labels.into());
        self
    }

    /// The mask's name when it is logged on its own (the SDK's `key`, which names its class
    /// labels in the run config). An image names its masks by the key given to
    /// [`Image::with_mask`](crate::Image::with_mask) instead.
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
        self.media.file()
    }

    /// The config record for an image logged under `log_key`:
    /// `(section, key, {"type", "key", "value"})`, if the mask has labels.
    pub(crate) fn config_singleton(&self, log_key: &str) -> Option<(&'static str, String, Value)> {
        let labels = self.class_labels.as_ref()?;
        let key = crate::boxes::singleton_key(log_key, &self.key);
        let value = crate::boxes::singleton_value(CONFIG_SECTION, &key, labels);
        Some((CONFIG_SECTION, key, value))
    }
}

fn f64_to_i32(v: f64) -> i32 {
    if v.is_finite() && v > -2_147_483_649.0 && v < 2_147_483_648.0 {
        v.trunc() as i32
    } else {
        i32::MIN
    }
}

impl MediaType for ImageMask {
    const LOG_TYPE: &'static str = "mask";
    const MEDIA_DIR: &'static str = MEDIA_DIR;
    const HAS_CAPTION: bool = false;
    fn media(&self) -> &Media {
        &self.media
    }
    fn from_media(media: Media, _json: &Value) -> Result<Self> {
        Ok(ImageMask {
            media,
            key: String::new(),
            class_labels: None,
        })
    }
    fn entry_extension(_path: &str) -> Result<String> {
        Ok(EXTENSION.to_owned())
    }
    /// Binds the file and, the first time, writes the class labels into the run config.
    fn bind_media(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        let was_bound = self.media.is_bound();
        self.media.bind(run, MEDIA_DIR, key, step)?;
        if !was_bound && let Some((section, k, v)) = self.config_singleton(key) {
            run.update_config_singleton(section, &k, v)?;
        }
        Ok(())
    }
}

impl WbValue for ImageMask {
    media_value_methods!("ImageMask");
}

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<ImageMask> for wb_core::LogValue {
    fn from(value: ImageMask) -> Self {
        wb_core::LogValue::media(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_path_refuses_a_file_that_is_not_an_image() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("mask.png");
        std::fs::write(&p, b"not an image").unwrap();
        let e = ImageMask::from_path(&p).unwrap_err().to_string();
        assert!(e.contains("mask.png"), "{e}");
        assert!(ImageMask::from_path(dir.path().join("none.png")).is_err());
    }
}
