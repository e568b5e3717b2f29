//! Tensor-shaped inputs: `Image::from_slice` (a slice, a shape and a [`Layout`]) and
//! `from_tensor`, as the SDK converts a torch tensor; `ImageMask::from_slice` and
//! `from_tensor`.

use crate::ImageFormat;
use crate::image::{Image, ImageOptions};
use crate::mask::ImageMask;
use crate::pixels::{self, Element, ImageMode};
use ndarray::IxDyn;
use wb_core::internal::tensor::{for_each_element, shape_repr, shaped, unsupported_dtype, view};
use wb_core::{Error, Layout, Result, TensorLike};

/// The layouts `Image::from_slice` takes.
const IMAGE_LAYOUTS: [Layout; 3] = [Layout::Chw, Layout::Hwc, Layout::Hw];

/// The SDK's `guess_mode` for a torch tensor: the channel axis is the first one, and the
/// shape is not squeezed (`[1, h, w]` is gray, `[3, h, w]` RGB, `[4, h, w]` RGBA, or RGB
/// with a warning for JPEG). Returns the mode and whether the alpha channel is dropped.
fn guess_mode_channels_first(shape: &[usize], format: ImageFormat) -> Result<(ImageMode, bool)> {
    match shape.first() {
        Some(1) => Ok((ImageMode::L, false)),
        Some(3) => Ok((ImageMode::Rgb, false)),
        Some(4) if format.is_jpeg() => Ok((ImageMode::Rgb, true)),
        Some(4) => Ok((ImageMode::Rgba, false)),
        _ => Err(Error::value(format!(
            "Un-supported shape for image conversion {}",
            shape_repr(shape)
        ))),
    }
}

impl Image {
    /// An image from a flat, row-major slice of `shape`, whose axes are in `layout`:
    ///
    /// - [`Layout::Chw`] (`[channels, height, width]`, the layout of torch, candle and burn
    ///   images), converted as the SDK converts a torch tensor: the mode is guessed from the
    ///   first axis (1 gray, 3 RGB, 4 RGBA), the axes are permuted to height × width ×
    ///   channels (as a view: no copy), then cast, squeezed and converted as
    ///   [`Image::from_array`] does;
    /// - [`Layout::Hwc`] (`[height, width, channels]`) and [`Layout::Hw`] (`[height, width]`):
    ///   exactly [`Image::from_array`] of the same array (the SDK's numpy path).
    ///
    /// Values are cast to `uint8` as wandb 0.31 casts them (a float image in `[0, 1]` comes
    /// out nearly black, as with the SDK); for the old 0–1 scaling use
    /// [`Image::from_slice_with`] and [`PixelScaling::Legacy`](crate::PixelScaling::Legacy).
    ///
    /// ```
    /// use wb_core::Layout;
    /// use wb_image::Image;
    /// let (h, w) = (2, 3);
    /// let chw: Vec<f32> = (0..3 * h * w).map(|i| i as f32 * 10.0).collect();
    /// let img = Image::from_slice(&chw, [3, h, w], Layout::Chw)?;
    /// assert_eq!((img.width(), img.height()), (3, 2));
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_slice<T: Element>(
        data: &[T],
        shape: impl AsRef<[usize]>,
        layout: Layout,
    ) -> Result<Image> {
        Self::from_slice_with(data, shape, layout, ImageOptions::default())
    }

    /// [`Image::from_slice`] with `options` (mode, format, pixel scaling).
    pub fn from_slice_with<T: Element>(
        data: &[T],
        shape: impl AsRef<[usize]>,
        layout: Layout,
        options: ImageOptions,
    ) -> Result<Image> {
        let shape = shape.as_ref();
        let array = view(data, shape, layout, &IMAGE_LAYOUTS, "Image::from_slice")?;
        if layout != Layout::Chw {
            return Self::from_array_with(array, options);
        }
        let format = options.format();
        format.check_writable()?;
        let (mode, dropped_alpha) = match options.mode() {
            Some(mode) => (mode, false),
            None => guess_mode_channels_first(shape, format)?,
        };
        let hwc = array.permuted_axes(IxDyn(&[1, 2, 0]));
        let mut img = Self::from_array_with(hwc, options.with_mode(mode))?;
        if dropped_alpha {
            img.push_warning(pixels::JPEG_ALPHA_WARNING);
        }
        Ok(img)
    }

    /// An image from a `[channels, height, width]` tensor ([`TensorLike`]: candle's `Tensor`
    /// with feature `candle`), of any element type, converted as the SDK converts a torch
    /// tensor: [`Image::from_slice`] with [`Layout::Chw`].
    pub fn from_tensor(tensor: &impl TensorLike) -> Result<Image> {
        Self::from_tensor_with(tensor, ImageOptions::default())
    }

    /// [`Image::from_tensor`] with `options` (mode, format, pixel scaling).
    pub fn from_tensor_with(tensor: &impl TensorLike, options: ImageOptions) -> Result<Image> {
        tensor.with_elements(|shape, elements| {
            for_each_element!(
                elements,
                |s| Self::from_slice_with(s, shape, Layout::Chw, options),
                |other| Err(unsupported_dtype(&other)),
            )
        })?
    }
}

impl ImageMask {
    /// A mask from a flat, row-major slice of class ids of shape `[height, width]`: exactly
    /// [`ImageMask::from_array`] of that array (a mask has one axis order, so there is no
    /// layout to state).
    pub fn from_slice<T: Element>(data: &[T], shape: impl AsRef<[usize]>) -> Result<Self> {
        Self::from_array(shaped(data, shape.as_ref())?)
    }

    /// A mask from a `[height, width]` tensor ([`TensorLike`]) of class ids, as the SDK reads
    /// a torch tensor (`tensor.cpu().numpy()`): [`ImageMask::from_slice`].
    pub fn from_tensor(tensor: &impl TensorLike) -> Result<Self> {
        tensor.with_elements(|shape, elements| {
            for_each_element!(elements, |s| Self::from_slice(s, shape), |other| Err(
                unsupported_dtype(&other)
            ),)
        })?
    }
}

/// An element type added to [`TensorElements`] after this crate was written.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelScaling;
    use ndarray::Array3;

    /// A deterministic `[c, h, w]` buffer with values across and beyond `0..=255`.
    fn chw(c: usize, h: usize, w: usize) -> Vec<f32> {
        (0..c * h * w)
            .map(|i| ((i * 37) % 300) as f32 - 20.5)
            .collect()
    }

    fn png(img: &Image) -> Vec<u8> {
        img.file().bytes().unwrap().to_vec()
    }

    #[test]
    fn chw_equals_the_array_path_after_the_permute() {
        for (c, h, w) in [(3, 4, 5), (4, 3, 2), (1, 5, 4)] {
            let data = chw(c, h, w);
            let hwc = Array3::from_shape_vec((c, h, w), data.clone())
                .unwrap()
                .permuted_axes([1, 2, 0])
                .as_standard_layout()
                .to_owned();
            let from_slice = Image::from_slice(&data, [c, h, w], Layout::Chw).unwrap();
            let from_array = Image::from_array(hwc.view()).unwrap();
            assert_eq!(png(&from_slice), png(&from_array), "shape {c}x{h}x{w}");
            let hwc_flat: Vec<f32> = hwc.iter().copied().collect();
            let from_hwc = Image::from_slice(&hwc_flat, [h, w, c], Layout::Hwc).unwrap();
            assert_eq!(png(&from_hwc), png(&from_array));
            let legacy = ImageOptions::default().with_pixel_scaling(PixelScaling::Legacy);
            assert_eq!(
                png(&Image::from_slice_with(&data, [c, h, w], Layout::Chw, legacy).unwrap()),
                png(&Image::from_array_with(hwc.view(), legacy).unwrap())
            );
        }
    }

    #[test]
    fn the_mode_is_guessed_from_the_channel_axis() {
        // [3, 1, 5]: the torch path guesses RGB from the first axis, then squeezes to 5x3 gray
        // pixels converted to RGB (the numpy path of the permuted array would stay gray).
        let img = Image::from_slice(&chw(3, 1, 5), [3, 1, 5], Layout::Chw).unwrap();
        assert_eq!((img.width(), img.height()), (3, 5));
        let e = Image::from_slice(&chw(5, 2, 2), [5, 2, 2], Layout::Chw).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Un-supported shape for image conversion [5, 2, 2]"
        );
        let jpeg = ImageOptions::default().with_format(ImageFormat::Jpeg);
        let img = Image::from_slice_with(&chw(4, 2, 2), [4, 2, 2], Layout::Chw, jpeg).unwrap();
        assert_eq!(img.warnings(), [pixels::JPEG_ALPHA_WARNING]);
    }

    #[test]
    fn wrong_inputs_are_refused() {
        let data = chw(3, 2, 2);
        assert!(Image::from_slice(&data, [3, 2, 3], Layout::Chw).is_err());
        assert!(Image::from_slice(&data, [3, 4], Layout::Chw).is_err());
        assert!(Image::from_slice(&data, [3, 2, 2], Layout::Tchw).is_err());
        assert!(ImageMask::from_slice(&[0u8, 1, 2], [2, 2]).is_err());
        assert!(ImageMask::from_slice(&[0u8, 1, 2, 3], [2, 2]).is_ok());
    }
}
