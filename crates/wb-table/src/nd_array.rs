//! [`NdArray`]: a numpy array cell, its `tolist()` and its `.npy` bytes.

use crate::cell::Cell;
use wb_core::{Error, Result, Value};

/// The element data of an array, in its numpy dtype.
#[derive(Debug, Clone, PartialEq)]
pub enum NdData {
    /// `bool`.
    Bool(Vec<bool>),
    /// `uint8`.
    U8(Vec<u8>),
    /// `int16`.
    I16(Vec<i16>),
    /// `int32`.
    I32(Vec<i32>),
    /// `int64`.
    I64(Vec<i64>),
    /// `float32`.
    F32(Vec<f32>),
    /// `float64`.
    F64(Vec<f64>),
}

impl NdData {
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            NdData::Bool(v) => v.len(),
            NdData::U8(v) => v.len(),
            NdData::I16(v) => v.len(),
            NdData::I32(v) => v.len(),
            NdData::I64(v) => v.len(),
            NdData::F32(v) => v.len(),
            NdData::F64(v) => v.len(),
        }
    }

    /// `true` when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The numpy dtype name.
    pub fn dtype(&self) -> &'static str {
        match self {
            NdData::Bool(_) => "bool",
            NdData::U8(_) => "uint8",
            NdData::I16(_) => "int16",
            NdData::I32(_) => "int32",
            NdData::I64(_) => "int64",
            NdData::F32(_) => "float32",
            NdData::F64(_) => "float64",
        }
    }

    fn descr(&self) -> &'static str {
        match self {
            NdData::Bool(_) => "|b1",
            NdData::U8(_) => "|u1",
            NdData::I16(_) => "<i2",
            NdData::I32(_) => "<i4",
            NdData::I64(_) => "<i8",
            NdData::F32(_) => "<f4",
            NdData::F64(_) => "<f8",
        }
    }

    /// Element `i` as a cell (`tolist()` of one element).
    pub fn cell(&self, i: usize) -> Cell {
        match self {
            NdData::Bool(v) => Cell::Bool(v[i]),
            NdData::U8(v) => Cell::Int(i64::from(v[i])),
            NdData::I16(v) => Cell::Int(i64::from(v[i])),
            NdData::I32(v) => Cell::Int(i64::from(v[i])),
            NdData::I64(v) => Cell::Int(v[i]),
            NdData::F32(v) => Cell::Float(f64::from(v[i])),
            NdData::F64(v) => Cell::Float(v[i]),
        }
    }

    fn slice(&self, start: usize, end: usize) -> NdData {
        match self {
            NdData::Bool(v) => NdData::Bool(v[start..end].to_vec()),
            NdData::U8(v) => NdData::U8(v[start..end].to_vec()),
            NdData::I16(v) => NdData::I16(v[start..end].to_vec()),
            NdData::I32(v) => NdData::I32(v[start..end].to_vec()),
            NdData::I64(v) => NdData::I64(v[start..end].to_vec()),
            NdData::F32(v) => NdData::F32(v[start..end].to_vec()),
            NdData::F64(v) => NdData::F64(v[start..end].to_vec()),
        }
    }
}

impl From<NdData> for NdArray {
    /// A 1-D array of `data`.
    fn from(data: NdData) -> Self {
        NdArray::vector(data)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// An element type numpy has, for [`NdArray::from_array`]: `bool`, `u8`, `i16`, `i32`, `i64`,
/// `f32`, `f64`.
pub trait NdElement: Copy + sealed::Sealed {
    /// The data of these elements.
    fn into_data(v: Vec<Self>) -> NdData;
}

macro_rules! nd_element {
    ($($t:ty => $v:ident),*) => {$(
        impl sealed::Sealed for $t {}
        impl NdElement for $t {
            fn into_data(v: Vec<Self>) -> NdData {
                NdData::$v(v)
            }
        }
    )*};
}
nd_element!(bool => Bool, u8 => U8, i16 => I16, i32 => I32, i64 => I64, f32 => F32, f64 => F64);

/// A numpy array: a shape and row-major data.
#[derive(Debug, Clone, PartialEq)]
pub struct NdArray {
    shape: Vec<usize>,
    data: NdData,
}

impl NdArray {
    /// An array of `shape` holding `data` (row-major); the sizes must agree.
    pub fn from_data(shape: Vec<usize>, data: NdData) -> Result<Self> {
        let n: usize = shape.iter().product();
        if n != data.len() {
            return Err(Error::value(format!(
                "cannot reshape array of size {} into shape {}",
                data.len(),
                shape_repr(&shape)
            )));
        }
        Ok(NdArray { shape, data })
    }

    /// A 1-D array.
    pub(crate) fn vector(data: NdData) -> Self {
        NdArray {
            shape: vec![data.len()],
            data,
        }
    }

    /// From an `ndarray` array of any dimension, of an element type numpy has ([`NdElement`]:
    /// `bool`, `u8`, `i16`, `i32`, `i64`, `f32`, `f64`).
    ///
    /// ```
    /// use wb_table::NdArray;
    /// let a = NdArray::from_array(ndarray::array![[1.0f32, 2.0], [3.0, 4.0]].view());
    /// assert_eq!(a.shape(), [2, 2]);
    /// ```
    pub fn from_array<A: NdElement, D: ndarray::Dimension>(
        a: ndarray::ArrayView<'_, A, D>,
    ) -> Self {
        NdArray {
            shape: a.shape().to_vec(),
            data: A::into_data(a.iter().copied().collect()),
        }
    }

    /// Member `key` (`<key>.npy`) of an `.npz` file, as `numpy.load(f)[key]` reads it.
    pub fn from_npz(bytes: &[u8], key: &str) -> Result<NdArray> {
        crate::npz::read_npz(bytes, key)
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The data.
    pub fn data(&self) -> &NdData {
        &self.data
    }

    /// Sub-array `i` along the first axis (`a[i]`); a 1-D array gives its element.
    pub fn index(&self, i: usize) -> Option<Cell> {
        let first = *self.shape.first()?;
        if i >= first {
            return None;
        }
        if self.shape.len() == 1 {
            return Some(self.data.cell(i));
        }
        let inner: usize = self.shape[1..].iter().product();
        Some(Cell::NdArray(Box::new(NdArray {
            shape: self.shape[1..].to_vec(),
            data: self.data.slice(i * inner, (i + 1) * inner),
        })))
    }

    /// `a.tolist()` as cells.
    pub fn to_cell_list(&self) -> Cell {
        fn rec(data: &NdData, shape: &[usize], offset: usize) -> Cell {
            match shape.split_first() {
                None => data.cell(offset),
                Some((&n, rest)) => {
                    let inner: usize = rest.iter().product();
                    Cell::List(
                        (0..n)
                            .map(|i| rec(data, rest, offset + i * inner))
                            .collect(),
                    )
                }
            }
        }
        rec(&self.data, &self.shape, 0)
    }

    /// `a.tolist()` as JSON.
    pub fn to_json(&self) -> Value {
        fn rec(data: &NdData, shape: &[usize], offset: usize) -> Value {
            match shape.split_first() {
                None => match data.cell(offset) {
                    Cell::Bool(b) => Value::Bool(b),
                    Cell::Int(i) => Value::Int(i128::from(i)),
                    Cell::Float(f) => Value::Float(f),
                    _ => Value::Null,
                },
                Some((&n, rest)) => {
                    let inner: usize = rest.iter().product();
                    Value::Array(
                        (0..n)
                            .map(|i| rec(data, rest, offset + i * inner))
                            .collect(),
                    )
                }
            }
        }
        rec(&self.data, &self.shape, 0)
    }

    /// Element-wise equality (shape and values, any dtype).
    pub fn values_eq(&self, other: &NdArray) -> bool {
        self.shape == other.shape
            && (0..self.data.len()).all(|i| self.data.cell(i).cell_eq(&other.data.cell(i)))
    }

    /// The `.npy` file bytes (format version 1.0, C order).
    pub fn to_npy(&self) -> Vec<u8> {
        let mut header = format!(
            "{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
            self.data.descr(),
            shape_repr(&self.shape)
        );
        let total = 10 + header.len() + 1;
        let pad = (64 - total % 64) % 64;
        header.push_str(&" ".repeat(pad));
        header.push('\n');
        let mut out = Vec::with_capacity(10 + header.len() + self.data.len() * 8);
        out.extend_from_slice(b"\x93NUMPY\x01\x00");
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        match &self.data {
            NdData::Bool(v) => out.extend(v.iter().map(|b| u8::from(*b))),
            NdData::U8(v) => out.extend_from_slice(v),
            NdData::I16(v) => v
                .iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
            NdData::I32(v) => v
                .iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
            NdData::I64(v) => v
                .iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
            NdData::F32(v) => v
                .iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
            NdData::F64(v) => v
                .iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
        }
        out
    }

    /// Reads `.npy` bytes (versions 1-3, little-endian or byte-sized dtypes, C order).
    pub fn from_npy(bytes: &[u8]) -> Result<NdArray> {
        let bad = |why: &str| Error::decode("ndarray", format!("invalid .npy data: {why}"));
        if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
            return Err(bad("missing the \\x93NUMPY magic"));
        }
        let (hlen, start) = match bytes[6] {
            1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
            2 | 3 if bytes.len() >= 12 => (
                u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                12,
            ),
            v => return Err(bad(&format!("unsupported version {v}"))),
        };
        let header = bytes
            .get(start..start + hlen)
            .and_then(|h| std::str::from_utf8(h).ok())
            .ok_or_else(|| bad("truncated header"))?;
        let field = |name: &str| -> Option<&str> {
            let i = header.find(&format!("'{name}':"))? + name.len() + 3;
            Some(header[i..].trim_start())
        };
        let descr = field("descr")
            .and_then(|s| s.strip_prefix('\''))
            .and_then(|s| s.split('\'').next())
            .ok_or_else(|| bad("no descr"))?;
        if field("fortran_order").is_some_and(|s| s.starts_with("True")) {
            return Err(bad("Fortran-ordered arrays are not supported"));
        }
        let shape_txt = field("shape")
            .and_then(|s| s.strip_prefix('('))
            .and_then(|s| s.split(')').next())
            .ok_or_else(|| bad("no shape"))?;
        let shape = shape_txt
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<usize>().map_err(|_| bad("bad shape")))
            .collect::<Result<Vec<_>>>()?;
        let n: usize = shape.iter().product();
        let body = &bytes[start + hlen..];
        fn take<const N: usize, T>(
            body: &[u8],
            n: usize,
            f: impl Fn([u8; N]) -> T,
        ) -> Option<Vec<T>> {
            let body = body.get(..n * N)?;
            Some(
                body.chunks_exact(N)
                    .map(|c| {
                        let mut a = [0u8; N];
                        a.copy_from_slice(c);
                        f(a)
                    })
                    .collect(),
            )
        }
        let data = match descr {
            "|b1" => take::<1, _>(body, n, |a| a[0] != 0).map(NdData::Bool),
            "|u1" => take::<1, _>(body, n, |a| a[0]).map(NdData::U8),
            "<i2" => take(body, n, i16::from_le_bytes).map(NdData::I16),
            "<i4" => take(body, n, i32::from_le_bytes).map(NdData::I32),
            "<i8" => take(body, n, i64::from_le_bytes).map(NdData::I64),
            "<f4" => take(body, n, f32::from_le_bytes).map(NdData::F32),
            "<f8" => take(body, n, f64::from_le_bytes).map(NdData::F64),
            other => return Err(bad(&format!("unsupported dtype {other:?}"))),
        }
        .ok_or_else(|| bad("truncated data"))?;
        Ok(NdArray { shape, data })
    }

    /// Python `str(a)` (numpy's `[1 2 3]` form, without numpy's float padding).
    pub fn py_str(&self) -> String {
        self.nested_text(" ")
    }

    /// Python `repr(a)` (`array([1, 2, 3])`, without numpy's float padding).
    pub fn py_repr(&self) -> String {
        format!("array({})", self.nested_text(", "))
    }

    fn nested_text(&self, sep: &str) -> String {
        fn rec(c: &Cell, sep: &str) -> String {
            match c {
                Cell::List(items) => format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|i| rec(i, sep))
                        .collect::<Vec<_>>()
                        .join(sep)
                ),
                Cell::Float(f) if f.fract() == 0.0 && f.is_finite() => format!("{f}."),
                other => other.py_repr(),
            }
        }
        rec(&self.to_cell_list(), sep)
    }
}

/// A shape as a Python tuple (`(3,)`, `(2, 3)`, `()`).
pub(crate) fn shape_repr(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        s => format!(
            "({})",
            s.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_round_trip_and_header() -> Result<()> {
        let a = NdArray::from_data(vec![2, 3], NdData::F32(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.5]))?;
        let b = a.to_npy();
        // numpy 2.4 `np.save` of the same array: a 118-byte header padded to 128 bytes.
        let mut want =
            b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
                .to_vec();
        want.resize(127, b' ');
        want.push(b'\n');
        assert_eq!(&b[..128], &want[..]);
        assert_eq!(b.len(), 152);
        assert_eq!(NdArray::from_npy(&b)?, a);
        assert_eq!(a.py_repr(), "array([[1., 2., 3.], [4., 5., 6.5]])");
        Ok(())
    }
}
