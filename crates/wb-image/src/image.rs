//! [`Image`] (`image-file`) and its [`ImageOptions`].

use crate::boxes::BoundingBoxes2D;
use crate::classes::{ClassLabels, Classes};
use crate::decode;
use crate::encode;
use crate::format::ImageFormat;
use crate::mask::ImageMask;
use crate::pixels::{self, Element, ImageMode, PixelScaling, Pixels};
use indexmap::IndexMap;
use ndarray::{ArrayView, Dimension};
use std::path::Path;
use std::sync::Arc;
use wb_core::internal::Media;
use wb_core::internal::artifact::add_value;
use wb_core::internal::hash::{md5_b64, md5_hex};
use wb_core::internal::media::{
    batch_captions, entry_path, generated_file, unbound_copy, user_file,
};
use wb_core::internal::path::splitext_ext;
use wb_core::internal::value::downcast_all;
use wb_core::json::{self, Dialect, Map, Value};
use wb_core::{
    ArtifactSource, ArtifactTarget, Error, MediaFile, Registry, Result, RunTarget, Step, WbValue,
};

/// The `_type` of an image.
const LOG_TYPE: &str = "image-file";
/// The media folder of images.
const MEDIA_DIR: &str = "media/images";
/// The most images one logged list keeps (the SDK's `Image.MAX_ITEMS`); the rest are dropped.
pub(crate) const MAX_ITEMS: usize = 108;

/// An image: `wandb.Image`.
///
/// Made from an array ([`Image::from_array`]), [`Pixels`] or an `image` crate buffer
/// ([`Image::from_pixels`], [`Image::from_dynamic`], ...), a file ([`Image::from_path`], copied
/// as it is) or encoded bytes ([`Image::from_bytes`]). The constructor encodes the image and
/// makes every check, with the SDK's errors; how pixels are encoded (mode, format, scaling)
/// is an [`ImageOptions`] given to the `_with` constructors. The SDK's other keyword
/// arguments are `with_*` methods: [`Image::with_caption`], [`Image::with_grouping`],
/// [`Image::with_classes`], [`Image::with_boxes`], [`Image::with_mask`].
///
/// ```
/// use ndarray::Array3;
/// use wb_image::{Image, ImageFormat, ImageOptions};
/// let a = Array3::<u8>::zeros((32, 48, 3));
/// let img = Image::from_array(a.view())?.with_caption("zeros");
/// assert_eq!((img.width(), img.height(), img.format()), (48, 32, "png"));
/// let jpeg = Image::from_array_with(a.view(), ImageOptions::default().with_format(ImageFormat::Jpeg))?;
/// assert_eq!(jpeg.format(), "jpeg");
/// # Ok::<(), wb_core::Error>(())
/// ```
///
/// # Differences from the SDK
/// A copy made with [`Image::from_image`] (the SDK's `wandb.Image(other_image)`) is
/// independent of the image it copies: both log, in one call or in any order, where the
/// SDK's copy shares the first image's temporary file and fails with `FileNotFoundError`.
#[derive(Debug, Clone)]
pub struct Image {
    media: Media,
    format: String,
    width: u32,
    height: u32,
    grouping: Option<i64>,
    /// What [`Image::with_classes`] gave.
    given_classes: Option<ClassLabels>,
    /// The SDK's `_classes`: the box sets' labels, then the masks', then the given classes.
    classes: Option<ClassLabels>,
    /// The classes of the image this one copies ([`Image::from_image`]), kept while no box
    /// set, mask or class set of its own replaces them.
    copied_classes: Option<ClassLabels>,
    boxes: IndexMap<String, BoundingBoxes2D>,
    masks: IndexMap<String, ImageMask>,
    warnings: Vec<String>,
}

/// How pixels become an image file: the SDK's `mode` and `file_type`, and how array values
/// become `uint8` ([`PixelScaling`]). Files and encoded bytes are written as they are, so these
/// do not apply to them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImageOptions {
    mode: Option<ImageMode>,
    format: ImageFormat,
    pixel_scaling: PixelScaling,
}

impl ImageOptions {
    /// The Pillow mode to convert to (`L`, `LA`, `RGB`, `RGBA`); inferred from the array's
    /// channels when not given (as the SDK's `guess_mode`).
    pub fn with_mode(mut self, mode: ImageMode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// The file format ([`ImageFormat::Png`] by default; `Jpg`, `Jpeg` and `Bmp` are the
    /// others the SDK writes, and any other is its error when the image is made).
    pub fn with_format(mut self, format: ImageFormat) -> Self {
        self.format = format;
        self
    }

    /// How array values become `uint8` (default [`PixelScaling::Cast`], as wandb 0.31; use
    /// [`PixelScaling::Legacy`] for float images in `[0, 1]` or `[-1, 1]`).
    pub fn with_pixel_scaling(mut self, scaling: PixelScaling) -> Self {
        self.pixel_scaling = scaling;
        self
    }

    /// The mode, if set.
    pub fn mode(&self) -> Option<ImageMode> {
        self.mode
    }

    /// The file format.
    pub fn format(&self) -> ImageFormat {
        self.format
    }

    /// The pixel scaling.
    pub fn pixel_scaling(&self) -> PixelScaling {
        self.pixel_scaling
    }
}

impl Image {
    fn new(file: MediaFile, format: String, width: u32, height: u32) -> Image {
        Image {
            media: Media::new(file),
            format,
            width,
            height,
            grouping: None,
            given_classes: None,
            classes: None,
            copied_classes: None,
            boxes: IndexMap::new(),
            masks: IndexMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Encodes `pixels` (already in their final mode) as `format`.
    fn encoded(p: &Pixels, format: ImageFormat) -> Result<Image> {
        let bytes = encode::encode(p, format)?;
        let ext = format.as_str();
        Ok(Image::new(
            generated_file(bytes, &format!(".{ext}")),
            ext.to_owned(),
            p.width(),
            p.height(),
        ))
    }

    /// An image from an array view: 2-D (gray), or H×W×1/3/4 (gray, RGB, RGBA); axes of
    /// length 1 are squeezed first and the channel axis must be last, as in the SDK. Elements
    /// are any [`Element`] (`u8`, `i32`, `i64`, `f32`, `f64`, `bool`, ...), cast to `uint8`
    /// as wandb 0.31 casts them (see [`PixelScaling`]); written as PNG.
    pub fn from_array<T: Element, D: Dimension>(array: ArrayView<'_, T, D>) -> Result<Image> {
        Self::from_array_with(array, ImageOptions::default())
    }

    /// [`Image::from_array`] with `options` (mode, format, pixel scaling).
    pub fn from_array_with<T: Element, D: Dimension>(
        array: ArrayView<'_, T, D>,
        options: ImageOptions,
    ) -> Result<Image> {
        let format = options.format;
        format.check_writable()?;
        let warn = pixels::drops_alpha(array.shape(), options.mode, format);
        let p = pixels::from_array(array, options.mode, format, options.pixel_scaling)?;
        let mut img = Self::encoded(&p, format)?;
        if warn {
            img.warnings.push(pixels::JPEG_ALPHA_WARNING.to_owned());
        }
        Ok(img)
    }

    /// Records one of the SDK's warnings about how the image was made.
    pub(crate) fn push_warning(&mut self, warning: &str) {
        self.warnings.push(warning.to_owned());
    }

    /// An image from 8-bit pixels, written as PNG.
    pub fn from_pixels(pixels: Pixels) -> Result<Image> {
        Self::from_pixels_with(pixels, ImageOptions::default())
    }

    /// [`Image::from_pixels`] with `options` (mode and format; pixel scaling does not apply).
    pub fn from_pixels_with(pixels: Pixels, options: ImageOptions) -> Result<Image> {
        let p = match options.mode {
            Some(m) => pixels.into_mode(m),
            None => pixels,
        };
        options.format.check_writable()?;
        Self::encoded(&p, options.format)
    }

    /// An image from an `image` crate buffer (16-bit and float buffers are reduced to 8 bits);
    /// for options, [`Image::from_pixels_with`] of [`Pixels::from_dynamic`].
    pub fn from_dynamic(img: &image::DynamicImage) -> Result<Image> {
        Self::from_pixels(Pixels::from_dynamic(img)?)
    }

    /// An image from an RGB buffer.
    pub fn from_rgb(img: &image::RgbImage) -> Result<Image> {
        let p = Pixels::from_raw(
            img.width(),
            img.height(),
            ImageMode::Rgb,
            img.as_raw().clone(),
        );
        Self::from_pixels(p?)
    }

    /// An image from an RGBA buffer.
    pub fn from_rgba(img: &image::RgbaImage) -> Result<Image> {
        let p = Pixels::from_raw(
            img.width(),
            img.height(),
            ImageMode::Rgba,
            img.as_raw().clone(),
        );
        Self::from_pixels(p?)
    }

    /// An image from a grayscale buffer.
    pub fn from_gray(img: &image::GrayImage) -> Result<Image> {
        let p = Pixels::from_raw(
            img.width(),
            img.height(),
            ImageMode::L,
            img.as_raw().clone(),
        );
        Self::from_pixels(p?)
    }

    /// An image file (PNG, JPEG, BMP, GIF, WebP): copied as it is when logged, its JSON
    /// `format` its extension without the dot (case kept).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Image> {
        let path = path.as_ref();
        let file = user_file(path)?;
        let what = format!("{:?}", path.display().to_string());
        let (w, h) = decode::dimensions(&file.bytes()?, &what)?;
        let format = file.extension().trim_start_matches('.').to_owned();
        Ok(Image::new(file, format, w, h))
    }

    /// An encoded image file's bytes in `format`, written as they are with its extension.
    pub fn from_bytes(bytes: impl Into<Arc<[u8]>>, format: ImageFormat) -> Result<Image> {
        Self::from_encoded(bytes.into(), format.as_str())
    }

    /// A copy of another image, as the SDK's `wandb.Image(other_image)` makes it: the same
    /// file (pixels, format, size), caption, grouping and classes; not its boxes or masks,
    /// which the copy sets anew with [`Image::with_boxes`] and [`Image::with_mask`] (its own
    /// boxes, masks or classes then replace the copied classes). The copy is not bound: logged,
    /// it gets its own file under its own key, even when `other` was logged already.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use wb_image::Image;
    /// let a = Array2::<f32>::from_elem((4, 4), 0.5);
    /// let first = Image::from_array(a.view())?.with_caption("raw");
    /// let copy = Image::from_image(&first);
    /// assert_eq!((copy.caption(), copy.file().sha256()), (Some("raw"), first.file().sha256()));
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    ///
    /// # Differences from the SDK
    /// The SDK's copy shares the first image's temporary file, so logging both in one call (or
    /// the copy first, then the original) fails with `FileNotFoundError`; here each is
    /// independent and both log.
    pub fn from_image(other: &Image) -> Image {
        let mut media = Media::new(unbound_copy(other.media.file()));
        if let Some(c) = other.media.caption_json() {
            let mut m = Map::new();
            m.insert("caption".into(), c.clone());
            media = media.with_caption_from_json(&Value::Object(m));
        }
        Image {
            media,
            format: other.format.clone(),
            width: other.width,
            height: other.height,
            grouping: other.grouping,
            given_classes: None,
            classes: other.classes.clone(),
            copied_classes: other.classes.clone(),
            boxes: IndexMap::new(),
            masks: IndexMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Encoded bytes with the extension `ext` (no dot), as an artifact entry holds them.
    fn from_encoded(bytes: Arc<[u8]>, ext: &str) -> Result<Image> {
        let (w, h) = decode::dimensions(&bytes, &format!("of format {ext:?}"))?;
        let file = generated_file(bytes, &format!(".{ext}"));
        Ok(Image::new(file, ext.to_owned(), w, h))
    }

    /// The caption.
    #[must_use]
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.media = self.media.with_caption(caption);
        self
    }

    /// The grouping number (written when non-zero).
    #[must_use]
    pub fn with_grouping(mut self, grouping: i64) -> Self {
        self.grouping = Some(grouping);
        self
    }

    /// The class set (`classes=`), merged after the boxes' and masks' labels; a second call
    /// adds to the first (later names win).
    #[must_use]
    pub fn with_classes(mut self, classes: impl Into<ClassLabels>) -> Self {
        let mut c = self.given_classes.take().unwrap_or_default();
        c.update(&classes.into());
        self.given_classes = Some(c);
        self.merge_classes();
        self
    }

    /// Adds a box set under `key` (its name in `boxes=`); a set already under `key` is
    /// replaced.
    #[must_use]
    pub fn with_boxes(mut self, key: impl Into<String>, boxes: BoundingBoxes2D) -> Self {
        let key = key.into();
        self.boxes.insert(key.clone(), boxes.with_key(key));
        self.merge_classes();
        self
    }

    /// Adds a mask under `key` (its name in `masks=`); a mask already under `key` is
    /// replaced.
    #[must_use]
    pub fn with_mask(mut self, key: impl Into<String>, mask: ImageMask) -> Self {
        let key = key.into();
        self.masks.insert(key.clone(), mask.with_key(key));
        self.merge_classes();
        self
    }

    /// The SDK's `_classes`: each box set's labels, then each mask's, then `classes`.
    fn merge_classes(&mut self) {
        let mut total = ClassLabels::new();
        for b in self.boxes.values() {
            total.update(b.class_labels());
        }
        for m in self.masks.values() {
            if let Some(l) = m.class_labels() {
                total.update(l);
            }
        }
        if let Some(c) = &self.given_classes {
            total.update(c);
        }
        self.classes = if total.is_empty() {
            self.copied_classes.clone()
        } else {
            Some(total)
        };
    }

    /// The JSON `format` (`png`, `jpg`, ..., or a file's extension as written).
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
    pub fn caption(&self) -> Option<&str> {
        self.media.caption()
    }

    /// The grouping number.
    pub fn grouping(&self) -> Option<i64> {
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

    /// Warnings the SDK prints while making this image (JPEG dropping an alpha channel).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The image file.
    pub fn file(&self) -> &MediaFile {
        self.media.file()
    }

    /// The decoded pixels of the image file.
    pub fn to_pixels(&self) -> Result<Pixels> {
        decode::pixels(&self.file().bytes()?, "of this image")
    }

    /// The artifact name of this image's classes file,
    /// `media/classes/<md5 of the class list as Python prints it>_cls`.
    fn classes_entry_name(&self) -> Option<String> {
        let c = self.classes.as_ref()?;
        Some(format!(
            "media/classes/{}_cls",
            md5_hex(c.python_repr().as_bytes())
        ))
    }

    /// Reads an artifact entry back (`Image.from_json`): the image file, caption, grouping,
    /// the classes file, box lists and mask files.
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Image> {
        let path = entry_path(json, LOG_TYPE)?;
        let ext = splitext_ext(path);
        let bytes = source.read_entry(path)?;
        let mut img = Image::from_encoded(bytes, ext.trim_start_matches('.'))?;
        img.media = img.media.with_caption_from_json(json);
        if let Some(g) = json.get("grouping").and_then(Value::as_i64) {
            img = img.with_grouping(g);
        }
        if let Some(c) = json.get("classes").filter(|c| !c.is_null()) {
            let cpath = c
                .get("path")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::decode(LOG_TYPE, "`classes.path` must be a string"))?;
            let text = source.read_entry(cpath)?;
            let text = std::str::from_utf8(&text)
                .map_err(|_| Error::decode("classes", "the classes file is not UTF-8"))?;
            img = img.with_classes(Classes::from_json(&json::parse(text)?)?.to_labels());
        }
        if let Some(boxes) = json.get("boxes").and_then(Value::as_object) {
            for (k, v) in boxes {
                img = img.with_boxes(k, BoundingBoxes2D::from_json(v)?);
            }
        }
        if let Some(masks) = json.get("masks").and_then(Value::as_object) {
            for (k, v) in masks {
                img = img.with_mask(k, ImageMask::from_json(v, source)?);
            }
        }
        Ok(img)
    }

    fn run_json_map(&self, run: &dyn RunTarget) -> Result<Map> {
        let mut m = self.media.run_json(LOG_TYPE)?;
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

impl From<&Classes> for ClassLabels {
    fn from(c: &Classes) -> Self {
        c.to_labels()
    }
}

impl From<Classes> for ClassLabels {
    fn from(c: Classes) -> Self {
        c.to_labels()
    }
}

impl WbValue for Image {
    fn log_type(&self) -> Option<&'static str> {
        Some(LOG_TYPE)
    }

    fn class_name(&self) -> &'static str {
        "Image"
    }

    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        if self.media.is_bound() {
            return Ok(());
        }
        self.media.bind(run, MEDIA_DIR, key, step)?;
        for b in self.boxes.values() {
            b.bind(run, key, step)?;
        }
        for m in self.masks.values() {
            m.bind_to_run(run, key, step)?;
        }
        Ok(())
    }

    fn to_run_json(&self, run: &dyn RunTarget) -> Result<Value> {
        self.run_json_map(run).map(Value::Object)
    }

    fn to_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        let mut m = self.media.artifact_json(LOG_TYPE, MEDIA_DIR, artifact)?;
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
            && self.media.caption_json() == o.media.caption_json()
            && self.width == o.width
            && self.height == o.height
            && self.classes.as_ref().map(Classes::new) == o.classes.as_ref().map(Classes::new);
        same_meta
            && (self.media.same_file(&o.media)
                || matches!((self.to_pixels(), o.to_pixels()), (Ok(a), Ok(b)) if a == b))
    }

    fn column_type(&self) -> Option<Value> {
        Some(crate::column_type::image_file_type(self))
    }

    fn batching(&self) -> wb_core::Batching {
        wb_core::Batching::AtMost(MAX_ITEMS)
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
        let captions = batch_captions(images.iter().map(|i| &i.media));
        if captions.as_array().is_some() {
            m.insert("captions".into(), captions);
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

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<Image> for wb_core::LogValue {
    fn from(value: Image) -> Self {
        wb_core::LogValue::media(value)
    }
}
