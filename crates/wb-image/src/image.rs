//! [`Image`] (`image-file`) and its builder.

use crate::boxes::BoundingBoxes2D;
use crate::classes::{ClassLabels, Classes};
use crate::decode;
use crate::encode;
use crate::file_type::FileType;
use crate::mask::ImageMask;
use crate::pixels::{self, Element, Mode, PixelScaling, Pixels};
use indexmap::IndexMap;
use ndarray::{ArrayView, Dimension};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wb_core::artifact::{ArtifactSource, ArtifactTarget, add_value};
use wb_core::hash::{md5_b64, md5_hex};
use wb_core::json::{self, Dialect, Map, Value};
use wb_core::media::{media_artifact_json, media_run_json};
use wb_core::value::downcast_all;
use wb_core::{Error, MediaFile, Registry, Result, RunTarget, Step, WbValue};

/// The media folder of images.
pub const MEDIA_DIR: &str = "media/images";
/// The most images one logged list keeps (the SDK's `Image.MAX_ITEMS`); the rest are dropped.
pub const MAX_ITEMS: usize = 108;

/// An image: `wandb.Image`.
///
/// Made from an array ([`Image::from_array`]), an `image` crate buffer
/// ([`Image::from_dynamic`] and friends), [`Pixels`], a file ([`Image::from_path`], copied as
/// it is) or encoded bytes ([`Image::from_encoded`]); each returns an [`ImageBuilder`] for the
/// SDK's keyword arguments. Encoding happens in [`ImageBuilder::build`], as in the SDK's
/// constructor, so every error surfaces there.
///
/// ```
/// use ndarray::Array3;
/// use wb_image::{Image, FileType};
/// let a = Array3::<u8>::zeros((32, 48, 3));
/// let img = Image::from_array(a.view()).caption("zeros").build()?;
/// assert_eq!((img.width(), img.height(), img.format()), (48, 32, "png"));
/// # Ok::<(), wb_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Image {
    file: MediaFile,
    format: String,
    width: u32,
    height: u32,
    caption: Option<String>,
    grouping: Option<i64>,
    classes: Option<ClassLabels>,
    boxes: IndexMap<String, BoundingBoxes2D>,
    masks: IndexMap<String, ImageMask>,
    warnings: Vec<String>,
}

type ArrayFn<'a> =
    Box<dyn FnOnce(Option<Mode>, FileType, PixelScaling) -> Result<(Pixels, Vec<String>)> + 'a>;

enum Source<'a> {
    Array(ArrayFn<'a>),
    Pixels(Result<Pixels>),
    Path(PathBuf),
    Encoded(Arc<[u8]>, String),
}

/// The keyword arguments of `wandb.Image`; finish with [`ImageBuilder::build`].
#[must_use = "an ImageBuilder does nothing until build() is called"]
pub struct ImageBuilder<'a> {
    source: Source<'a>,
    mode: Option<Mode>,
    file_type: Option<FileType>,
    scaling: PixelScaling,
    caption: Option<String>,
    grouping: Option<i64>,
    classes: Option<ClassLabels>,
    boxes: IndexMap<String, BoundingBoxes2D>,
    masks: IndexMap<String, ImageMask>,
}

impl std::fmt::Debug for ImageBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageBuilder")
            .field("mode", &self.mode)
            .field("file_type", &self.file_type)
            .field("caption", &self.caption)
            .finish_non_exhaustive()
    }
}

impl Image {
    fn builder(source: Source<'_>) -> ImageBuilder<'_> {
        ImageBuilder {
            source,
            mode: None,
            file_type: None,
            scaling: PixelScaling::default(),
            caption: None,
            grouping: None,
            classes: None,
            boxes: IndexMap::new(),
            masks: IndexMap::new(),
        }
    }

    /// An image from an array view: 2-D (gray), or H×W×1/3/4 (gray, RGB, RGBA); axes of
    /// length 1 are squeezed first and the channel axis must be last, as in the SDK. Elements
    /// are any [`Element`] (`u8`, `i32`, `i64`, `f32`, `f64`, `bool`, ...), cast to `uint8`
    /// by [`ImageBuilder::pixel_scaling`] (a plain cast by default, as wandb 0.31).
    pub fn from_array<'a, T: Element, D: Dimension + 'a>(
        array: ArrayView<'a, T, D>,
    ) -> ImageBuilder<'a> {
        Self::builder(Source::Array(Box::new(move |mode, ft, scaling| {
            let mut warnings = Vec::new();
            if pixels::drops_alpha(array.shape(), mode, ft) {
                warnings.push(pixels::JPEG_ALPHA_WARNING.to_owned());
            }
            Ok((pixels::from_array(array, mode, ft, scaling)?, warnings))
        })))
    }

    /// An image from 8-bit pixels.
    pub fn from_pixels(pixels: Pixels) -> ImageBuilder<'static> {
        Self::builder(Source::Pixels(Ok(pixels)))
    }

    /// An image from an `image` crate buffer (16-bit and float buffers are reduced to 8 bits).
    pub fn from_dynamic(img: &image::DynamicImage) -> ImageBuilder<'static> {
        Self::builder(Source::Pixels(decode::from_dynamic(img)))
    }

    /// An image from an RGB buffer.
    pub fn from_rgb(img: &image::RgbImage) -> ImageBuilder<'static> {
        Self::builder(Source::Pixels(Pixels::new(
            img.width(),
            img.height(),
            Mode::Rgb,
            img.as_raw().clone(),
        )))
    }

    /// An image from an RGBA buffer.
    pub fn from_rgba(img: &image::RgbaImage) -> ImageBuilder<'static> {
        Self::builder(Source::Pixels(Pixels::new(
            img.width(),
            img.height(),
            Mode::Rgba,
            img.as_raw().clone(),
        )))
    }

    /// An image from a grayscale buffer.
    pub fn from_gray(img: &image::GrayImage) -> ImageBuilder<'static> {
        Self::builder(Source::Pixels(Pixels::new(
            img.width(),
            img.height(),
            Mode::L,
            img.as_raw().clone(),
        )))
    }

    /// An image file (PNG, JPEG, BMP, GIF, WebP): copied as it is when logged, `format` = its
    /// extension without the dot (case kept); `mode` and `file_type` do not apply.
    pub fn from_path(path: impl AsRef<Path>) -> ImageBuilder<'static> {
        Self::builder(Source::Path(path.as_ref().to_path_buf()))
    }

    /// An already encoded image and its format (`"png"`, `"jpg"`, `"gif"`, ...), written as it
    /// is with that extension; `mode` and `file_type` do not apply.
    pub fn from_encoded(bytes: impl Into<Arc<[u8]>>, format: &str) -> ImageBuilder<'static> {
        Self::builder(Source::Encoded(bytes.into(), format.to_owned()))
    }

    /// The JSON `format` (`png`, `jpg`, ..., or a file's extension).
    pub fn format(&self) -> &str {
        &self.format
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The caption.
    pub fn caption_text(&self) -> Option<&str> {
        self.caption.as_deref()
    }

    /// The grouping number.
    pub fn grouping_number(&self) -> Option<i64> {
        self.grouping
    }

    /// The merged class map (the SDK's `_classes`): each box set's labels, then each mask's,
    /// then `classes`, later names winning.
    pub fn classes(&self) -> Option<&ClassLabels> {
        self.classes.as_ref()
    }

    /// The box sets by name.
    pub fn boxes(&self) -> &IndexMap<String, BoundingBoxes2D> {
        &self.boxes
    }

    /// The masks by name.
    pub fn masks(&self) -> &IndexMap<String, ImageMask> {
        &self.masks
    }

    /// Warnings the SDK prints while building this image (JPEG dropping an alpha channel).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The image file.
    pub fn file(&self) -> &MediaFile {
        &self.file
    }

    /// The decoded pixels of the image file.
    pub fn pixels(&self) -> Result<Pixels> {
        decode::pixels(&self.file.bytes()?, "of this image")
    }

    /// The class-label records the SDK stores in the run config when this image is logged
    /// under `log_key`: `(section, key, value)` meaning `config._wandb[section][key] = value`,
    /// with section `bounding_box/class_labels` or `mask/class_labels`, key
    /// `<log_key>_wandb_delimeter_<set>` and value `{"type", "key", "value": {"<id>": name}}`.
    /// [`WbValue::bind_to_run`] records them with `RunTarget::update_config_singleton`.
    pub fn config_singletons(&self, log_key: &str) -> Vec<(&'static str, String, Value)> {
        let mut out: Vec<_> = self
            .boxes
            .values()
            .map(|b| b.config_singleton(log_key))
            .collect();
        out.extend(
            self.masks
                .values()
                .filter_map(|m| m.config_singleton(log_key)),
        );
        out
    }

    /// The artifact name of this image's classes file,
    /// `media/classes/<md5 of the class list as Python prints it>_cls`.
    pub fn classes_entry_name(&self) -> Option<String> {
        let c = self.classes.as_ref()?;
        Some(format!(
            "media/classes/{}_cls",
            md5_hex(c.python_repr().as_bytes())
        ))
    }

    /// Reads an artifact entry back (`Image.from_json`): the image file, caption, grouping,
    /// the classes file, box lists and mask files.
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Image> {
        let path = json
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::decode("image-file", "`path` must be a string"))?;
        let ext = wb_core::path::splitext_ext(path);
        let bytes = source.read_entry(path)?;
        let mut b = Image::from_encoded(bytes, ext.trim_start_matches('.'));
        if let Some(c) = json.get("caption").and_then(Value::as_str) {
            b = b.caption(c);
        }
        if let Some(g) = json.get("grouping").and_then(Value::as_i64) {
            b = b.grouping(g);
        }
        if let Some(c) = json.get("classes").filter(|c| !c.is_null()) {
            let cpath = c
                .get("path")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::decode("image-file", "`classes.path` must be a string"))?;
            let text = source.read_entry(cpath)?;
            let text = std::str::from_utf8(&text)
                .map_err(|_| Error::decode("classes", "the classes file is not UTF-8"))?;
            b = b.classes(Classes::from_json(&json::parse(text)?)?.labels());
        }
        if let Some(boxes) = json.get("boxes").and_then(Value::as_object) {
            for (k, v) in boxes {
                b = b.boxes(k, BoundingBoxes2D::from_json(v)?);
            }
        }
        if let Some(masks) = json.get("masks").and_then(Value::as_object) {
            for (k, v) in masks {
                b = b.mask(k, ImageMask::from_json(v, source)?);
            }
        }
        b.build()
    }

    fn run_json_map(&self, run: &dyn RunTarget) -> Result<Map> {
        let mut m = media_run_json(self.caption.as_deref(), "image-file", &self.file, None)?;
        self.add_common(&mut m);
        if !self.boxes.is_empty() {
            let mut b = Map::new();
            for (k, v) in &self.boxes {
                b.insert(k.clone(), v.run_json(run)?);
            }
            m.insert("boxes".into(), Value::Object(b));
        }
        if !self.masks.is_empty() {
            let mut ms = Map::new();
            for (k, v) in &self.masks {
                ms.insert(k.clone(), v.to_run_json(run)?);
            }
            m.insert("masks".into(), Value::Object(ms));
        }
        Ok(m)
    }

    fn add_common(&self, m: &mut Map) {
        m.insert("format".into(), self.format.clone().into());
        m.insert("width".into(), self.width.into());
        m.insert("height".into(), self.height.into());
        if let Some(g) = self.grouping.filter(|g| *g != 0) {
            m.insert("grouping".into(), g.into());
        }
    }
}

impl<'a> ImageBuilder<'a> {
    /// The Pillow mode to convert to (`L`, `LA`, `RGB`, `RGBA`); inferred from the array's
    /// channels when not given ([`pixels::guess_mode`]).
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// The file type for pixel data (PNG by default); see [`FileType::parse`] for names.
    pub fn file_type(mut self, file_type: FileType) -> Self {
        self.file_type = Some(file_type);
        self
    }

    /// How array values become `uint8` (default [`PixelScaling::Cast`], as wandb 0.31; use
    /// [`PixelScaling::Legacy`] for float images in `[0, 1]` or `[-1, 1]`).
    pub fn pixel_scaling(mut self, scaling: PixelScaling) -> Self {
        self.scaling = scaling;
        self
    }

    /// The caption.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// The grouping number (written when non-zero).
    pub fn grouping(mut self, grouping: i64) -> Self {
        self.grouping = Some(grouping);
        self
    }

    /// The class set (`classes=`), merged after the boxes' and masks' labels.
    pub fn classes(mut self, classes: impl Into<ClassLabels>) -> Self {
        let mut c = self.classes.take().unwrap_or_default();
        c.update(&classes.into());
        self.classes = Some(c);
        self
    }

    /// Adds a box set under `key` (its name in `boxes=`).
    pub fn boxes(mut self, key: impl Into<String>, boxes: BoundingBoxes2D) -> Self {
        let key = key.into();
        self.boxes.insert(key.clone(), boxes.with_key(key));
        self
    }

    /// Adds a mask under `key` (its name in `masks=`).
    pub fn mask(mut self, key: impl Into<String>, mask: ImageMask) -> Self {
        let key = key.into();
        self.masks.insert(key.clone(), mask.with_key(key));
        self
    }

    /// Encodes the image (for pixel sources) or reads the file's size, and assembles the
    /// value, with the SDK's errors.
    pub fn build(self) -> Result<Image> {
        let file_type = self.file_type.unwrap_or_default();
        let encoded = |p: Pixels| -> Result<(MediaFile, String, u32, u32)> {
            let p = match self.mode {
                Some(m) => p.convert(m),
                None => p,
            };
            let bytes = encode::encode(&p, file_type)?;
            Ok((
                MediaFile::generated(bytes, &format!(".{}", file_type.name())),
                file_type.name().to_owned(),
                p.width(),
                p.height(),
            ))
        };
        let mut warnings = Vec::new();
        let (file, format, width, height) = match self.source {
            Source::Array(f) => {
                let (p, w) = f(self.mode, file_type, self.scaling)?;
                warnings = w;
                let bytes = encode::encode(&p, file_type)?;
                (
                    MediaFile::generated(bytes, &format!(".{}", file_type.name())),
                    file_type.name().to_owned(),
                    p.width(),
                    p.height(),
                )
            }
            Source::Pixels(p) => encoded(p?)?,
            Source::Path(path) => {
                let file = MediaFile::from_path(&path, None)?;
                let what = format!("{:?}", path.display().to_string());
                let (w, h) = decode::dimensions(&file.bytes()?, &what)?;
                let format = file.extension().trim_start_matches('.').to_owned();
                (file, format, w, h)
            }
            Source::Encoded(bytes, format) => {
                let (w, h) = decode::dimensions(&bytes, &format!("of format {format:?}"))?;
                let file = MediaFile::generated(bytes, &format!(".{format}"));
                (file, format, w, h)
            }
        };
        let mut total = ClassLabels::new();
        for b in self.boxes.values() {
            total.update(b.class_labels());
        }
        for m in self.masks.values() {
            if let Some(l) = m.class_labels() {
                total.update(l);
            }
        }
        if let Some(c) = &self.classes {
            total.update(c);
        }
        Ok(Image {
            file,
            format,
            width,
            height,
            caption: self.caption,
            grouping: self.grouping,
            classes: (!total.is_empty()).then_some(total),
            boxes: self.boxes,
            masks: self.masks,
            warnings,
        })
    }
}

impl From<&Classes> for ClassLabels {
    fn from(c: &Classes) -> Self {
        c.labels()
    }
}

impl From<Classes> for ClassLabels {
    fn from(c: Classes) -> Self {
        c.labels()
    }
}

impl WbValue for Image {
    fn log_type(&self) -> Option<&'static str> {
        Some("image-file")
    }

    fn class_name(&self) -> &'static str {
        "Image"
    }

    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        if self.file.binding().is_some() {
            return Ok(());
        }
        self.file.bind(run, MEDIA_DIR, key, step)?;
        for b in self.boxes.values() {
            b.bind(run, key, step)?;
        }
        for m in self.masks.values() {
            m.bind(run, key, step)?;
        }
        Ok(())
    }

    fn to_run_json(&self, run: &dyn RunTarget) -> Result<Value> {
        self.run_json_map(run).map(Value::Object)
    }

    fn to_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        let mut m = media_artifact_json(
            self.caption.as_deref(),
            "image-file",
            MEDIA_DIR,
            &self.file,
            artifact,
        )?;
        self.add_common(&mut m);
        if (!self.boxes.is_empty() || !self.masks.is_empty()) && self.classes.is_none() {
            return Err(Error::value(
                "classes must be passed to wandb.Image which have masks or bounding boxes when adding to artifacts",
            ));
        }
        if let (Some(c), Some(name)) = (&self.classes, self.classes_entry_name()) {
            let classes = Classes::new(c);
            let entry = add_value(artifact, &classes, &name)?;
            let text = json::to_string(&classes.to_json(), Dialect::Python);
            m.insert(
                "classes".into(),
                Value::Object(wb_core::json_map! {
                    "type" => "classes-file",
                    "path" => entry,
                    "digest" => md5_b64(text.as_bytes()),
                }),
            );
        }
        if !self.boxes.is_empty() {
            let b: Map = self
                .boxes
                .iter()
                .map(|(k, v)| (k.clone(), Value::Array(v.box_data().to_vec())))
                .collect();
            m.insert("boxes".into(), Value::Object(b));
        }
        if !self.masks.is_empty() {
            let mut ms = Map::new();
            for (k, v) in &self.masks {
                ms.insert(k.clone(), v.to_artifact_json(artifact)?);
            }
            m.insert("masks".into(), Value::Object(ms));
        }
        Ok(Value::Object(m))
    }

    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        let Some(o) = other.downcast_ref::<Image>() else {
            return false;
        };
        let same_meta = self.grouping == o.grouping
            && self.caption == o.caption
            && self.width == o.width
            && self.height == o.height
            && self.classes.as_ref().map(Classes::new) == o.classes.as_ref().map(Classes::new);
        same_meta
            && (self.file.sha256() == o.file.sha256()
                || matches!((self.pixels(), o.pixels()), (Ok(a), Ok(b)) if a == b))
    }

    fn column_type(&self) -> Option<Value> {
        Some(crate::column_type::image_file_type(self))
    }

    fn batch_limit(&self) -> Option<Option<usize>> {
        Some(Some(MAX_ITEMS))
    }

    fn seq_to_run_json(
        &self,
        items: &[&dyn WbValue],
        run: &dyn RunTarget,
        _key: &str,
        _step: Step,
    ) -> Result<Value> {
        let images = downcast_all::<Image>(items)?;
        let first = images
            .first()
            .ok_or_else(|| Error::value("an image list must not be empty"))?;
        let jsons = images
            .iter()
            .map(|i| i.run_json_map(run))
            .collect::<Result<Vec<_>>>()?;
        let mut m = Map::new();
        m.insert("_type".into(), "images/separated".into());
        m.insert("width".into(), first.width.into());
        m.insert("height".into(), first.height.into());
        m.insert("format".into(), first.format.clone().into());
        m.insert("count".into(), images.len().into());
        m.insert(
            "filenames".into(),
            Value::Array(
                jsons
                    .iter()
                    .map(|j| {
                        j.get("path")
                            .or_else(|| j.get("artifact_path"))
                            .cloned()
                            .unwrap_or_default()
                    })
                    .collect(),
            ),
        );
        if first.caption.is_some() {
            m.insert(
                "captions".into(),
                Value::Array(images.iter().map(|i| i.caption.clone().into()).collect()),
            );
        }
        if images.iter().any(|i| !i.masks.is_empty()) {
            m.insert(
                "all_masks".into(),
                Value::Array(
                    jsons
                        .iter()
                        .map(|j| j.get("masks").cloned().unwrap_or_default())
                        .collect(),
                ),
            );
        }
        if images.iter().any(|i| !i.boxes.is_empty()) {
            m.insert(
                "all_boxes".into(),
                Value::Array(
                    jsons
                        .iter()
                        .map(|j| j.get("boxes").cloned().unwrap_or_default())
                        .collect(),
                ),
            );
        }
        Ok(Value::Object(m))
    }
}

pub(crate) fn decode_entry(
    json: &Value,
    source: &dyn ArtifactSource,
    _: &Registry,
) -> Result<Arc<dyn WbValue>> {
    Ok(Arc::new(Image::from_json(json, source)?))
}
