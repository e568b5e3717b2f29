//! Tensor-shaped inputs: `Table::from_slice` (rows of a flat slice) and
//! `NdArray::from_slice` (a numpy-array cell).

use crate::cell::{Cell, Key};
use crate::nd_array::{NdArray, NdElement};
use crate::table::{Table, TableOptions};
use wb_core::Result;
use wb_core::internal::tensor::shaped;

impl Table {
    /// `Table(columns, data=ndarray)` for a flat, row-major slice of shape `[rows, columns]`
    /// (a table has one axis order, so there is no layout to state): exactly
    /// [`Table::from_array`] of that array.
    ///
    /// ```
    /// use wb_table::Table;
    /// let t = Table::from_slice(["x", "y"], &[1.0, 2.0, 3.0, 4.5], [2, 2])?;
    /// assert_eq!(t.nrows(), 2);
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_slice<K: Into<Key>, A: Clone + Into<Cell>>(
        columns: impl IntoIterator<Item = K>,
        data: &[A],
        shape: impl AsRef<[usize]>,
    ) -> Result<Table> {
        Self::from_slice_with(columns, data, shape, TableOptions::default())
    }

    /// [`Table::from_slice`] with the constructor's settings.
    pub fn from_slice_with<K: Into<Key>, A: Clone + Into<Cell>>(
        columns: impl IntoIterator<Item = K>,
        data: &[A],
        shape: impl AsRef<[usize]>,
        options: TableOptions,
    ) -> Result<Table> {
        let shape = shape.as_ref();
        let rows = shaped(data, shape)?
            .into_dimensionality::<ndarray::Ix2>()
            .map_err(|_| {
                wb_core::Error::value(format!(
                    "a table's data must have 2 axes (rows, columns), got shape {}",
                    wb_core::internal::tensor::shape_repr(shape)
                ))
            })?;
        Self::from_array_with(columns, rows, options)
    }
}

impl NdArray {
    /// A numpy array (a table cell) from a flat, row-major slice of `shape`, of an element type
    /// numpy has ([`NdElement`]); the slice's length must be the shape's number of values.
    ///
    /// ```
    /// use wb_table::NdArray;
    /// let a = NdArray::from_slice(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3])?;
    /// assert_eq!(a.shape(), [2, 3]);
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_slice<A: NdElement>(data: &[A], shape: impl AsRef<[usize]>) -> Result<NdArray> {
        Ok(NdArray::from_array(shaped(data, shape.as_ref())?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_equal_the_array_path() {
        let data = [1i64, 2, 3, 4, 5, 6];
        let a = ndarray::Array2::from_shape_vec((3, 2), data.to_vec()).unwrap();
        let from_array = Table::from_array(["a", "b"], a.view()).unwrap();
        let from_slice = Table::from_slice(["a", "b"], &data, [3, 2]).unwrap();
        assert_eq!(from_slice.nrows(), from_array.nrows());
        assert_eq!(
            format!("{:?}", from_slice.rows().collect::<Vec<_>>()),
            format!("{:?}", from_array.rows().collect::<Vec<_>>())
        );
        assert!(Table::from_slice(["a", "b"], &data, [6]).is_err());
        assert!(Table::from_slice(["a", "b"], &data, [4, 2]).is_err());
        let nd = NdArray::from_slice(&data, [2, 3]).unwrap();
        assert_eq!(
            nd,
            NdArray::from_array(a.view().into_shape_with_order((2, 3)).unwrap())
        );
        assert!(NdArray::from_slice(&data, [4]).is_err());
    }
}
