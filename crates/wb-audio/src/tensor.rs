//! Tensor-shaped inputs: `Audio::from_slice` (a slice, a shape and a [`Layout`]) and
//! `from_tensor`, as the SDK reads a torch tensor (soundfile takes it as a numpy array:
//! time, or time × channels).

use crate::audio::Audio;
use crate::wav::Sample;
use ndarray::IxDyn;
use wb_core::internal::tensor::{shaped, view};
use wb_core::{Error, Layout, Result, TensorElements, TensorLike};

/// The layouts `Audio::from_slice` takes.
const AUDIO_LAYOUTS: [Layout; 2] = [Layout::Tc, Layout::Ct];

impl Audio {
    /// Audio from a flat, row-major slice of samples of `shape`, whose axes are in `layout`:
    ///
    /// - [`Layout::Tc`] (`[frames, channels]`, interleaved: the SDK's order): exactly
    ///   [`Audio::from_array`] of the same array;
    /// - [`Layout::Ct`] (`[channels, frames]`, one row per channel, as audio tensors usually
    ///   are): transposed to frames × channels first (as a view: no copy).
    ///
    /// For mono samples, [`Audio::from_samples`] takes the slice alone.
    ///
    /// ```
    /// use wb_audio::Audio;
    /// use wb_core::Layout;
    /// let planar = [0.0f32, 0.5, 1.0, -1.0, -0.5, 0.0]; // left, then right
    /// let clip = Audio::from_slice(&planar, [2, 3], Layout::Ct, 8000)?;
    /// assert_eq!(clip.duration(), Some(3.0 / 8000.0));
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_slice<S: Sample>(
        data: &[S],
        shape: impl AsRef<[usize]>,
        layout: Layout,
        sample_rate: u32,
    ) -> Result<Self> {
        let array = view(
            data,
            shape.as_ref(),
            layout,
            &AUDIO_LAYOUTS,
            "Audio::from_slice",
        )?;
        match layout {
            Layout::Ct => Self::from_array(array.permuted_axes(IxDyn(&[1, 0])), sample_rate),
            _ => Self::from_array(array, sample_rate),
        }
    }

    /// Audio from a tensor ([`TensorLike`]: candle's `Tensor` with feature `candle`) of
    /// shape `[frames]` or `[frames, channels]`, read as the SDK reads a torch tensor (as a
    /// numpy array): exactly [`Audio::from_array`] of the same array. Its element type must be
    /// one soundfile writes (`f32`, `f64`, `i16`, `i32`; 16-bit floats arrive as `f32`). A
    /// `[channels, frames]` tensor: transpose it first, or use [`Audio::from_slice`] with
    /// [`Layout::Ct`].
    pub fn from_tensor(tensor: &impl TensorLike, sample_rate: u32) -> Result<Self> {
        tensor.with_elements(|shape, elements| match elements {
            TensorElements::I16(s) => Self::from_array(shaped(s, shape)?, sample_rate),
            TensorElements::I32(s) => Self::from_array(shaped(s, shape)?, sample_rate),
            TensorElements::F32(s) => Self::from_array(shaped(s, shape)?, sample_rate),
            TensorElements::F64(s) => Self::from_array(shaped(s, shape)?, sample_rate),
            other => Err(Error::type_error(format!(
                "dtype must be one of ['float32', 'float64', 'int16', 'int32'] and not '{}'",
                other.dtype()
            ))),
        })?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn bytes(a: &Audio) -> Vec<u8> {
        a.file().bytes().unwrap().to_vec()
    }

    #[test]
    fn slices_equal_the_array_path() {
        let tc: Vec<f32> = (0..12).map(|i| (i as f32 - 6.0) / 5.0).collect();
        let a = Array2::from_shape_vec((6, 2), tc.clone()).unwrap();
        let from_array = Audio::from_array(a.view(), 8000).unwrap();
        assert_eq!(
            bytes(&Audio::from_slice(&tc, [6, 2], Layout::Tc, 8000).unwrap()),
            bytes(&from_array)
        );
        let ct: Vec<f32> = a.t().iter().copied().collect();
        assert_eq!(
            bytes(&Audio::from_slice(&ct, [2, 6], Layout::Ct, 8000).unwrap()),
            bytes(&from_array)
        );
        assert!(Audio::from_slice(&ct, [2, 5], Layout::Ct, 8000).is_err());
        assert!(Audio::from_slice(&ct, [12], Layout::Tc, 8000).is_err());
        assert!(Audio::from_slice(&ct, [2, 6], Layout::Chw, 8000).is_err());
    }
}
