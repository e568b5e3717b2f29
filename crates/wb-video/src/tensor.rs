//! Tensor-shaped inputs: `Video::from_slice` (a slice, a shape and a [`Layout`]) and
//! `from_tensor`, as the SDK reads a torch tensor (`tensor.numpy()`, time × channels ×
//! height × width).

use crate::prepare::VideoElement;
use crate::video::{Video, VideoOptions};
use ndarray::IxDyn;
use wb_core::internal::tensor::{for_each_element, shaped, unsupported_dtype, view};
use wb_core::{Layout, Result, TensorLike};

/// The layouts `Video::from_slice` takes.
const VIDEO_LAYOUTS: [Layout; 3] = [Layout::Tchw, Layout::Btchw, Layout::Thwc];

impl Video {
    /// A video from a flat, row-major slice of `shape`, whose axes are in `layout`:
    ///
    /// - [`Layout::Tchw`] (`[time, channels, height, width]`, the SDK's order for arrays and
    ///   torch tensors) and [`Layout::Btchw`] (a batch, tiled into a grid as the SDK tiles
    ///   it): exactly [`Video::from_array`] of the same array;
    /// - [`Layout::Thwc`] (`[time, height, width, channels]`, frames of height × width ×
    ///   channels images): permuted to time × channels × height × width first (as a view: no
    ///   copy).
    ///
    /// Encoded as a GIF at 4 frames per second; [`Video::from_slice_with`] for other settings.
    ///
    /// ```
    /// use wb_core::Layout;
    /// use wb_video::Video;
    /// let frames = vec![128u8; 5 * 3 * 8 * 8];
    /// let video = Video::from_slice(&frames, [5, 3, 8, 8], Layout::Tchw)?;
    /// assert_eq!((video.width(), video.height()), (Some(8), Some(8)));
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_slice<T: VideoElement>(
        data: &[T],
        shape: impl AsRef<[usize]>,
        layout: Layout,
    ) -> Result<Self> {
        Self::from_slice_with(data, shape, layout, VideoOptions::default())
    }

    /// [`Video::from_slice`] with `options` (format, frame rate).
    pub fn from_slice_with<T: VideoElement>(
        data: &[T],
        shape: impl AsRef<[usize]>,
        layout: Layout,
        options: VideoOptions,
    ) -> Result<Self> {
        let array = view(
            data,
            shape.as_ref(),
            layout,
            &VIDEO_LAYOUTS,
            "Video::from_slice",
        )?;
        match layout {
            Layout::Thwc => {
                Self::from_array_with(array.permuted_axes(IxDyn(&[0, 3, 1, 2])), options)
            }
            _ => Self::from_array_with(array, options),
        }
    }

    /// A video from a tensor ([`TensorLike`]: candle's `Tensor` with feature `candle`) of any
    /// element type, read as the SDK reads a torch tensor (`tensor.numpy()`): time × channels
    /// × height × width, or batch × time × channels × height × width; exactly
    /// [`Video::from_array`] of the same array (with its checks and errors).
    pub fn from_tensor(tensor: &impl TensorLike) -> Result<Self> {
        Self::from_tensor_with(tensor, VideoOptions::default())
    }

    /// [`Video::from_tensor`] with `options` (format, frame rate).
    pub fn from_tensor_with(tensor: &impl TensorLike, options: VideoOptions) -> Result<Self> {
        tensor.with_elements(|shape, elements| {
            for_each_element!(
                elements,
                |s| Self::from_array_with(shaped(s, shape)?, options),
                |other| Err(unsupported_dtype(&other)),
            )
        })?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array4;

    fn bytes(v: &Video) -> Vec<u8> {
        v.file().bytes().unwrap().to_vec()
    }

    #[test]
    fn slices_equal_the_array_path() {
        let (t, c, h, w) = (3, 3, 4, 5);
        let tchw: Vec<f32> = (0..t * c * h * w)
            .map(|i| ((i * 29) % 270) as f32)
            .collect();
        let a = Array4::from_shape_vec((t, c, h, w), tchw.clone()).unwrap();
        let from_array = Video::from_array(a.view()).unwrap();
        let from_slice = Video::from_slice(&tchw, [t, c, h, w], Layout::Tchw).unwrap();
        assert_eq!(bytes(&from_slice), bytes(&from_array));
        let thwc: Vec<f32> = a
            .view()
            .permuted_axes([0, 2, 3, 1])
            .iter()
            .copied()
            .collect();
        let from_thwc = Video::from_slice(&thwc, [t, h, w, c], Layout::Thwc).unwrap();
        assert_eq!(bytes(&from_thwc), bytes(&from_array));
        let batch = Video::from_slice(&tchw, [1, t, c, h, w], Layout::Btchw).unwrap();
        assert_eq!(bytes(&batch), bytes(&from_array));
    }

    #[test]
    fn wrong_inputs_are_refused() {
        let data = [0u8; 24];
        assert!(Video::from_slice(&data, [2, 3, 2, 3], Layout::Tchw).is_err());
        assert!(Video::from_slice(&data, [2, 3, 4], Layout::Tchw).is_err());
        assert!(Video::from_slice(&data, [2, 3, 2, 2], Layout::Chw).is_err());
    }
}
