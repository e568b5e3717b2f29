//! `Table(columns, data=ndarray)` for an array of any rank: the first axis is the rows, the
//! second the columns, and each cell is the rest (a number for a 2-D array, an [`NdArray`]
//! of the remaining axes otherwise).

use crate::cell::{Cell, Key};
use crate::nd_array::NdArray;
use crate::table::{Table, TableOptions};
use wb_core::{Error, Result};

impl Table {
    /// A table from one array of shape `(rows, columns, ...)`, as the SDK's `Table(columns,
    /// data=array)` takes it (each row of the array is added with `add_data(*row)`): a 2-D
    /// array gives number (or boolean) cells, a higher-rank one gives array cells of shape
    /// `shape[2..]` (a `(rows, cols, 3)` array: cells of 3 values).
    ///
    /// Errors: an array of fewer than 2 axes, or a second axis whose length is not the number
    /// of columns (the SDK's `This table expects N columns: [...], found M`).
    ///
    /// ```
    /// use wb_table::{NdArray, Table};
    /// let a = ndarray::Array3::<u8>::zeros((4, 2, 3));
    /// let t = Table::from_ndarray(["rgb", "hsv"], NdArray::from_array(a.view()))?;
    /// assert_eq!((t.nrows(), t.columns().len()), (4, 2));
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_ndarray<K: Into<Key>>(
        columns: impl IntoIterator<Item = K>,
        data: NdArray,
    ) -> Result<Table> {
        Self::from_ndarray_with(columns, data, TableOptions::default())
    }

    /// [`Table::from_ndarray`] with the constructor's settings.
    pub fn from_ndarray_with<K: Into<Key>>(
        columns: impl IntoIterator<Item = K>,
        data: NdArray,
        options: TableOptions,
    ) -> Result<Table> {
        if data.shape().len() < 2 {
            return Err(Error::type_error(format!(
                "a table's data array needs 2 or more axes (rows, columns, ...), got shape {:?}",
                data.shape()
            )));
        }
        let nrows = data.shape()[0];
        let rows = (0..nrows)
            .map(|r| match data.index(r) {
                Some(Cell::NdArray(row)) => {
                    let ncols = row.shape().first().copied().unwrap_or(0);
                    Ok((0..ncols).filter_map(|c| row.index(c)).collect())
                }
                _ => Err(Error::value(format!("row {r} is out of the array's range"))),
            })
            .collect::<Result<Vec<Vec<Cell>>>>()?;
        Self::from_rows_with(columns, rows, options)
    }
}
