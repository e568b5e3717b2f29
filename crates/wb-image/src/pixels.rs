//! Arrays → pixels, as `wandb.Image` turns a numpy array into a Pillow image: squeeze,
//! [`guess_mode`], the cast to `uint8` ([`PixelScaling`]), Pillow's `fromarray` layout and
//! `convert(mode)`.

use crate::format::ImageFormat;
use ndarray::{ArrayView, ArrayViewD, Dimension, IxDyn};
use wb_core::{Error, Result};

/// A Pillow image mode this crate can produce and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageMode {
    /// 8-bit grayscale (`"L"`).
    L,
    /// Grayscale with alpha (`"LA"`).
    La,
    /// 8-bit RGB (`"RGB"`).
    Rgb,
    /// RGB with alpha (`"RGBA"`).
    Rgba,
}

impl ImageMode {
    /// Bytes per pixel.
    pub fn channels(self) -> usize {
        match self {
            ImageMode::L => 1,
            ImageMode::La => 2,
            ImageMode::Rgb => 3,
            ImageMode::Rgba => 4,
        }
    }

    /// Pillow's name for the mode (`"L"`, `"LA"`, `"RGB"`, `"RGBA"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImageMode::L => "L",
            ImageMode::La => "LA",
            ImageMode::Rgb => "RGB",
            ImageMode::Rgba => "RGBA",
        }
    }

    /// The mode of an image with `channels` bytes per pixel.
    pub(crate) fn from_channels(channels: usize) -> Option<ImageMode> {
        match channels {
            1 => Some(ImageMode::L),
            2 => Some(ImageMode::La),
            3 => Some(ImageMode::Rgb),
            4 => Some(ImageMode::Rgba),
            _ => None,
        }
    }
}

impl std::str::FromStr for ImageMode {
    type Err = Error;
    /// Parses Pillow's name (`"L"`, `"LA"`, `"RGB"`, `"RGBA"`).
    fn from_str(name: &str) -> Result<ImageMode> {
        match name {
            "L" => Ok(ImageMode::L),
            "LA" => Ok(ImageMode::La),
            "RGB" => Ok(ImageMode::Rgb),
            "RGBA" => Ok(ImageMode::Rgba),
            other => Err(Error::value(format!(
                "image mode {other:?} is not supported: use one of L, LA, RGB, RGBA"
            ))),
        }
    }
}

impl std::fmt::Display for ImageMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How array values become `uint8` pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PixelScaling {
    /// What wandb 0.31 does (the default): a plain cast to `uint8`, as numpy's
    /// `astype(np.uint8)`: floats are truncated toward zero, integers wrap modulo 256
    /// (`-1` → 255, `256` → 0, `300.7` → 44), and floats outside the 32-bit integer range,
    /// NaN and infinities become 0. A float image in `[0, 1]` therefore comes out (nearly)
    /// black, exactly as it does with the SDK.
    #[default]
    Cast,
    /// What wandb up to 0.28 did with `normalize=True`, and what most users mean by a float
    /// image. For float arrays: values all in `[0, 1]` are multiplied by 255; otherwise values
    /// all in `[-1, 1]` are mapped by `255 * (x + 1) / 2`; otherwise they are clipped to
    /// `[0, 255]`; then truncated. Integer and boolean arrays are clipped to `[0, 255]`.
    /// (`[[-0.2, 0.6]]` → `[[102, 204]]`, `[[0.2, 0.3]]` → `[[51, 76]]`,
    /// `[[-9, 0.1, 100, 254.5, 270]]` → `[[0, 0, 100, 254, 255]]`.)
    Legacy,
}

impl PixelScaling {
    /// The name: `cast` or `legacy`.
    pub fn as_str(self) -> &'static str {
        match self {
            PixelScaling::Cast => "cast",
            PixelScaling::Legacy => "legacy",
        }
    }
}

impl std::str::FromStr for PixelScaling {
    type Err = Error;
    /// Parses `cast` or `legacy`.
    fn from_str(name: &str) -> Result<PixelScaling> {
        match name {
            "cast" => Ok(PixelScaling::Cast),
            "legacy" => Ok(PixelScaling::Legacy),
            other => Err(Error::value(format!(
                "pixel scaling {other:?} is not supported: use cast or legacy"
            ))),
        }
    }
}

impl std::fmt::Display for PixelScaling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An element type `wandb.Image` accepts in an array (numpy's `uint8`, `int16`, `int32`,
/// `int64`, `float32`, `float64`, `bool`, ...).
pub trait Element: Copy + Send + Sync + 'static {
    /// numpy's name for the type (`"uint8"`).
    const DTYPE: &'static str;
    /// Whether the type is a float type.
    const IS_FLOAT: bool;
    /// numpy's `astype(np.uint8)` of this value (x86-64 semantics, as the SDK runs).
    fn cast_u8(self) -> u8;
    /// The value as `f64` (for scaling and range checks).
    fn to_f64(self) -> f64;
    /// numpy's `astype(np.int32)` of this value.
    fn cast_i32(self) -> i32;
}

/// numpy's float → integer cast on x86-64: the value truncated toward zero when it fits in a
/// 32-bit integer, else `i32::MIN` (the CPU's "integer indefinite" result).
fn float_to_i32(x: f64) -> i32 {
    if x.is_finite() && x > -2_147_483_649.0 && x < 2_147_483_648.0 {
        x.trunc() as i32
    } else {
        i32::MIN
    }
}

macro_rules! int_element {
    ($t:ty, $name:literal) => {
        impl Element for $t {
            const DTYPE: &'static str = $name;
            const IS_FLOAT: bool = false;
            fn cast_u8(self) -> u8 {
                self as u8
            }
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn cast_i32(self) -> i32 {
                self as i32
            }
        }
    };
}
int_element!(u8, "uint8");
int_element!(i8, "int8");
int_element!(u16, "uint16");
int_element!(i16, "int16");
int_element!(u32, "uint32");
int_element!(i32, "int32");
int_element!(u64, "uint64");
int_element!(i64, "int64");

impl Element for f32 {
    const DTYPE: &'static str = "float32";
    const IS_FLOAT: bool = true;
    fn cast_u8(self) -> u8 {
        float_to_i32(f64::from(self)) as u8
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn cast_i32(self) -> i32 {
        float_to_i32(f64::from(self))
    }
}

impl Element for f64 {
    const DTYPE: &'static str = "float64";
    const IS_FLOAT: bool = true;
    fn cast_u8(self) -> u8 {
        float_to_i32(self) as u8
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn cast_i32(self) -> i32 {
        float_to_i32(self)
    }
}

impl Element for bool {
    const DTYPE: &'static str = "bool";
    const IS_FLOAT: bool = false;
    fn cast_u8(self) -> u8 {
        u8::from(self)
    }
    fn to_f64(self) -> f64 {
        f64::from(u8::from(self))
    }
    fn cast_i32(self) -> i32 {
        i32::from(self)
    }
}

/// Decoded 8-bit pixels: `width × height` pixels of `mode`, rows top to bottom, channels
/// interleaved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pixels {
    width: u32,
    height: u32,
    mode: ImageMode,
    data: Vec<u8>,
}

impl Pixels {
    /// Pixels from a buffer; `data.len()` must be `width * height * mode.channels()`, and
    /// there must be at least one pixel.
    pub fn from_raw(width: u32, height: u32, mode: ImageMode, data: Vec<u8>) -> Result<Pixels> {
        let expected = (width as usize)
            .checked_mul(height as usize)
            .and_then(|n| n.checked_mul(mode.channels()));
        if expected != Some(data.len()) {
            return Err(Error::value(format!(
                "a {width}x{height} {} image needs {} bytes, got {}",
                mode.as_str(),
                expected.map_or_else(|| "too many".to_owned(), |n| n.to_string()),
                data.len()
            )));
        }
        if width == 0 || height == 0 {
            return Err(Error::value(format!(
                "an image must have at least one pixel, got {width}x{height}"
            )));
        }
        Ok(Pixels {
            width,
            height,
            mode,
            data,
        })
    }

    /// Pixels of an `image` crate buffer in the nearest 8-bit mode (L, LA, RGB, RGBA; 16-bit
    /// and float buffers are reduced to 8 bits).
    pub fn from_dynamic(img: &image::DynamicImage) -> Result<Pixels> {
        crate::decode::from_dynamic(img)
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The mode.
    pub fn mode(&self) -> ImageMode {
        self.mode
    }

    /// The interleaved bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Pillow's `convert(mode)` between L, LA, RGB and RGBA (ITU-R 601-2 luma for colour to
    /// gray, as Pillow rounds it; alpha 255 where none was).
    pub fn into_mode(self, mode: ImageMode) -> Pixels {
        if mode == self.mode {
            return self;
        }
        let from = self.mode;
        let n = self.data.len() / from.channels();
        let mut out = Vec::with_capacity(n * mode.channels());
        for px in self.data.chunks_exact(from.channels()) {
            let (l, rgb, a) = match from {
                ImageMode::L => (px[0], [px[0]; 3], 255),
                ImageMode::La => (px[0], [px[0]; 3], px[1]),
                ImageMode::Rgb => (luma(px[0], px[1], px[2]), [px[0], px[1], px[2]], 255),
                ImageMode::Rgba => (luma(px[0], px[1], px[2]), [px[0], px[1], px[2]], px[3]),
            };
            match mode {
                ImageMode::L => out.push(l),
                ImageMode::La => out.extend_from_slice(&[l, a]),
                ImageMode::Rgb => out.extend_from_slice(&rgb),
                ImageMode::Rgba => out.extend_from_slice(&[rgb[0], rgb[1], rgb[2], a]),
            }
        }
        Pixels {
            width: self.width,
            height: self.height,
            mode,
            data: out,
        }
    }
}

/// Pillow's RGB → L: `(R*19595 + G*38470 + B*7471 + 0x8000) >> 16`.
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 19595 + u32::from(g) * 38470 + u32::from(b) * 7471 + 0x8000) >> 16) as u8
}

/// numpy's `squeeze()`: every axis of length 1 removed.
fn squeezed(shape: &[usize]) -> Vec<usize> {
    shape.iter().copied().filter(|&d| d != 1).collect()
}

/// The SDK's `guess_mode` for a (squeezed) numpy shape: `L` for 2-D or one channel, `RGB` for
/// 3, `RGBA` for 4 (`RGB` when writing JPEG, which has no alpha), otherwise the SDK's error.
/// The channel axis is the last one: channel-first arrays are refused, as the SDK refuses them.
pub(crate) fn guess_mode(shape: &[usize], file_type: ImageFormat) -> Result<ImageMode> {
    let Some(&channels) = shape.last() else {
        // numpy raises IndexError on `shape[-1]` of a 0-d array.
        return Err(Error::value(
            "tuple index out of range: the image array has no dimensions left after squeezing",
        ));
    };
    if shape.len() == 2 || channels == 1 {
        return Ok(ImageMode::L);
    }
    match channels {
        3 => Ok(ImageMode::Rgb),
        4 if file_type.is_jpeg() => Ok(ImageMode::Rgb),
        4 => Ok(ImageMode::Rgba),
        _ => Err(Error::value(format!(
            "Un-supported shape for image conversion {}",
            py_list(shape)
        ))),
    }
}

fn py_list(shape: &[usize]) -> String {
    let items: Vec<String> = shape.iter().map(usize::to_string).collect();
    format!("[{}]", items.join(", "))
}

/// The SDK's warning when a 4-channel array is written as JPEG without an explicit mode.
pub(crate) const JPEG_ALPHA_WARNING: &str =
    "JPEG format does not support transparency. Ignoring alpha channel.";

/// Whether building `shape` as `file_type` without a mode drops an alpha channel (the case the
/// SDK warns about with [`JPEG_ALPHA_WARNING`]).
pub(crate) fn drops_alpha(
    shape: &[usize],
    mode: Option<ImageMode>,
    file_type: ImageFormat,
) -> bool {
    let shape = if shape.len() > 2 {
        squeezed(shape)
    } else {
        shape.to_vec()
    };
    mode.is_none() && file_type.is_jpeg() && shape.len() != 2 && shape.last() == Some(&4)
}

/// The most pixels an image built from an array may have: Pillow's decompression-bomb limit
/// (`2 * Image.MAX_IMAGE_PIXELS`, past which Pillow refuses to open an image file). Larger
/// arrays are refused before any pixel buffer is allocated.
pub(crate) const MAX_PIXELS: u64 = 178_956_970;

/// Refuses a `width` × `height` image of more than [`MAX_PIXELS`] pixels.
pub(crate) fn check_size(width: usize, height: usize) -> Result<()> {
    if width as u128 * height as u128 > u128::from(MAX_PIXELS) {
        return Err(Error::value(format!(
            "image of {width}x{height} pixels is too large: at most {MAX_PIXELS} pixels are \
             accepted (Pillow's decompression-bomb limit)"
        )));
    }
    Ok(())
}

/// Builds pixels from an array as `wandb.Image(array, mode=...)` does: squeeze when the array
/// has more than two axes, infer the mode unless given, cast to `uint8` by `scaling`, lay out
/// as Pillow's `fromarray` (a 1-D array of `n` values is a 1×`n` column), then convert.
pub(crate) fn from_array<T: Element, D: Dimension>(
    array: ArrayView<'_, T, D>,
    mode: Option<ImageMode>,
    file_type: ImageFormat,
    scaling: PixelScaling,
) -> Result<Pixels> {
    let array: ArrayViewD<'_, T> = array.into_dyn();
    let shape: Vec<usize> = if array.ndim() > 2 {
        squeezed(array.shape())
    } else {
        array.shape().to_vec()
    };
    // Refuse huge arrays (a broadcast view costs its caller nothing) before copying them.
    match shape.as_slice() {
        [n] => check_size(1, *n)?,
        [h, w] | [h, w, _] => check_size(*w, *h)?,
        _ => {}
    }
    if shape.iter().try_fold(1u64, |n, d| n.checked_mul(*d as u64)) > Some(4 * MAX_PIXELS) {
        return Err(Error::value(format!(
            "an image array of shape {} is too large: at most {MAX_PIXELS} pixels are accepted",
            py_list(&shape)
        )));
    }
    let mode = match mode {
        Some(m) => m,
        None => guess_mode(&shape, file_type)?,
    };
    let array = array
        .to_shape(IxDyn(&shape))
        .map_err(|e| Error::value(format!("cannot squeeze the image array: {e}")))?;
    let bytes = match array.as_slice() {
        Some(flat) => to_u8(flat.iter().copied(), flat.len(), scaling),
        None => to_u8(array.iter().copied(), array.len(), scaling),
    };
    let (width, height, source_mode) = match shape.as_slice() {
        [n] => (1, *n, ImageMode::L),
        [h, w] => (*w, *h, ImageMode::L),
        [h, w, c] => match ImageMode::from_channels(*c).filter(|_| *c != 1) {
            Some(m) => (*w, *h, m),
            None => return Err(cannot_handle(&shape)),
        },
        _ => return Err(cannot_handle(&shape)),
    };
    let (width, height) = match (u32::try_from(width), u32::try_from(height)) {
        (Ok(w), Ok(h)) => (w, h),
        _ => {
            return Err(Error::value(format!(
                "image of {width}x{height} pixels is too large"
            )));
        }
    };
    Ok(Pixels::from_raw(width, height, source_mode, bytes)?.into_mode(mode))
}

/// Pillow's `fromarray` error for a shape it has no mode for.
fn cannot_handle(shape: &[usize]) -> Error {
    let mut key: Vec<String> = vec!["1".into(), "1".into()];
    key.extend(shape.iter().skip(2).map(usize::to_string));
    Error::type_error(format!(
        "Cannot handle this data type: ({}), |u1",
        key.join(", ")
    ))
}

/// Casts (or, with [`PixelScaling::Legacy`], scales) values to `uint8`.
fn to_u8<T: Element>(
    values: impl Iterator<Item = T> + Clone,
    len: usize,
    s: PixelScaling,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    match s {
        PixelScaling::Cast => out.extend(values.map(Element::cast_u8)),
        PixelScaling::Legacy if T::IS_FLOAT => {
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            let mut nan = false;
            for v in values.clone() {
                let v = v.to_f64();
                nan |= v.is_nan();
                lo = lo.min(v);
                hi = hi.max(v);
            }
            let f: fn(f64) -> f64 = if nan {
                clip
            } else if lo >= 0.0 && hi <= 1.0 {
                |x| x * 255.0
            } else if lo >= -1.0 && hi <= 1.0 {
                |x| 255.0 * 0.5 * (x + 1.0)
            } else {
                clip
            };
            out.extend(values.map(|v| float_to_i32(f(v.to_f64())) as u8));
        }
        PixelScaling::Legacy => out.extend(values.map(|v| v.to_f64().clamp(0.0, 255.0) as u8)),
    }
    out
}

fn clip(x: f64) -> f64 {
    if x.is_nan() { x } else { x.clamp(0.0, 255.0) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array, arr1, arr2};

    #[test]
    fn casts_like_numpy_on_x86_64() {
        // Values observed with numpy 2.4 `astype(np.uint8)` (see tests/golden/README.md).
        let f = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e10,
            -1e10,
            255.9,
            -0.5,
            256.0,
            65536.5,
            -129.7,
            3e9,
            -3e9,
        ];
        let got: Vec<u8> = f.iter().map(|x| x.cast_u8()).collect();
        assert_eq!(got, [0, 0, 0, 0, 0, 255, 0, 0, 0, 127, 0, 0]);
        assert_eq!((-1.0f64).cast_u8(), 255);
        assert_eq!(300.7f64.cast_u8(), 44);
        let i: Vec<u8> = [-1i64, 256, 1000, -129, 32767]
            .iter()
            .map(|x| x.cast_u8())
            .collect();
        assert_eq!(i, [255, 0, 232, 127, 255]);
    }

    #[test]
    fn legacy_scaling_matches_the_old_sdk_tests() {
        let px = |a: Vec<f64>| {
            let n = a.len();
            from_array(
                Array::from_shape_vec((1, n), a).unwrap().view(),
                None,
                ImageFormat::Png,
                PixelScaling::Legacy,
            )
            .unwrap()
            .data()
            .to_vec()
        };
        assert_eq!(px(vec![-0.2, 0.6]), [102, 204]);
        assert_eq!(px(vec![0.2, 0.3]), [51, 76]);
        assert_eq!(
            px(vec![-9.0, 0.1, 100.0, 254.5, 270.0]),
            [0, 0, 100, 254, 255]
        );
    }

    #[test]
    fn shapes_follow_squeeze_and_fromarray() {
        let p = |shape: &[usize]| {
            let n = shape.iter().product();
            let a = Array::from_shape_vec(IxDyn(shape), vec![7u8; n]).unwrap();
            from_array(a.view(), None, ImageFormat::Png, PixelScaling::Cast)
                .map(|p| (p.width(), p.height(), p.mode()))
        };
        assert_eq!(p(&[1, 1, 3]).unwrap(), (1, 3, ImageMode::Rgb));
        assert_eq!(p(&[1, 5, 3]).unwrap(), (3, 5, ImageMode::L));
        assert_eq!(p(&[2, 2, 1]).unwrap(), (2, 2, ImageMode::L));
        assert_eq!(p(&[1, 2, 2, 3]).unwrap(), (2, 2, ImageMode::Rgb));
        assert_eq!(p(&[4]).unwrap(), (1, 4, ImageMode::Rgba));
        assert_eq!(p(&[1, 4]).unwrap(), (4, 1, ImageMode::L));
        assert_eq!(
            p(&[3, 4, 6]).unwrap_err().to_string(),
            "Un-supported shape for image conversion [3, 4, 6]"
        );
        assert!(p(&[1, 1, 1]).is_err());
        assert_eq!(
            p(&[2, 2, 2, 3]).unwrap_err().to_string(),
            "Cannot handle this data type: (1, 1, 2, 3), |u1"
        );
        let _ = arr1(&[1u8]);
        let g = from_array(
            arr2(&[[10u8, 200]]).view(),
            Some(ImageMode::Rgba),
            ImageFormat::Png,
            PixelScaling::Cast,
        )
        .unwrap();
        assert_eq!(g.data(), [10, 10, 10, 255, 200, 200, 200, 255]);
    }

    #[test]
    fn rgb_to_l_uses_pillows_rounding() {
        let p = Pixels::from_raw(2, 1, ImageMode::Rgb, vec![255, 0, 0, 12, 200, 99])
            .unwrap()
            .into_mode(ImageMode::L);
        assert_eq!(p.data(), [luma(255, 0, 0), luma(12, 200, 99)]);
        assert_eq!(luma(255, 0, 0), 76);
    }
}
