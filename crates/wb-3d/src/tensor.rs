//! Tensor-shaped inputs: `Object3D::from_slice` (a slice and a shape) and `from_tensor`.

use crate::object3d::Object3D;
use crate::pts::PointScalar;
use wb_core::internal::tensor::{for_each_element, shaped, unsupported_dtype};
use wb_core::{Result, TensorLike};

impl Object3D {
    /// A point cloud from a flat, row-major slice of shape `[n, 3]`, `[n, 4]` or `[n, 6]`
    /// (one point per row, as [`Object3D::from_array`] takes it; a point cloud has one axis
    /// order, so there is no layout to state): exactly [`Object3D::from_array`] of that array.
    ///
    /// ```
    /// use wb_3d::Object3D;
    /// let xyz = [0.0f32, 0.0, 1.0, 1.0, 2.0, 3.0];
    /// let cloud = Object3D::from_slice(&xyz, [2, 3])?;
    /// assert_eq!(&*cloud.file().bytes()?, b"[[0.0,0.0,1.0],[1.0,2.0,3.0]]");
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_slice<T: PointScalar>(data: &[T], shape: impl AsRef<[usize]>) -> Result<Self> {
        Self::from_array(shaped(data, shape.as_ref())?)
    }

    /// A point cloud from an `[n, 3|4|6]` tensor ([`TensorLike`]: candle's `Tensor` with
    /// feature `candle`) of any element type: [`Object3D::from_slice`] of its elements. (The
    /// SDK refuses torch tensors here; this is what it writes for `tensor.numpy()`.)
    pub fn from_tensor(tensor: &impl TensorLike) -> Result<Self> {
        tensor.with_elements(|shape, elements| {
            for_each_element!(elements, |s| Self::from_slice(s, shape), |other| Err(
                unsupported_dtype(&other)
            ),)
        })?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn slices_equal_the_array_path() {
        let data: Vec<f64> = (0..24).map(|i| f64::from(i) * 0.25).collect();
        for cols in [3, 4, 6] {
            let a = Array2::from_shape_vec((24 / cols, cols), data.clone()).unwrap();
            let from_array = Object3D::from_array(a.view()).unwrap();
            let from_slice = Object3D::from_slice(&data, [24 / cols, cols]).unwrap();
            assert_eq!(
                from_slice.file().bytes().unwrap(),
                from_array.file().bytes().unwrap()
            );
        }
        assert!(Object3D::from_slice(&data, [12, 2]).is_err());
        assert!(Object3D::from_slice(&data, [5, 3]).is_err());
    }
}
