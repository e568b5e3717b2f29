//! `np.array(column)` for an ndarray column: its cells, arrays of any rank or nested lists of
//! numbers (a row may hold either), stacked into one array with numpy's dtype promotion, as
//! the SDK stacks a column before writing it to an npz entry.

use crate::cell::Cell;
use crate::nd_array::{NdArray, NdData};
use wb_core::{Error, Result};

/// One element as it is stacked.
#[derive(Clone, Copy)]
enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
}

/// numpy's dtypes in the order promotion climbs (`bool` < `uint8` < ... < `float64`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Bool,
    U8,
    I16,
    I32,
    I64,
    F32,
    F64,
}

impl Kind {
    fn of(d: &NdData) -> Kind {
        match d {
            NdData::Bool(_) => Kind::Bool,
            NdData::U8(_) => Kind::U8,
            NdData::I16(_) => Kind::I16,
            NdData::I32(_) => Kind::I32,
            NdData::I64(_) => Kind::I64,
            NdData::F32(_) => Kind::F32,
            NdData::F64(_) => Kind::F64,
        }
    }

    /// `np.result_type(a, b)` for arrays: `float32` holds integers up to 16 bits exactly;
    /// wider integers with `float32` give `float64`.
    fn promote(a: Kind, b: Kind) -> Kind {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        match (lo, hi) {
            (Kind::I32 | Kind::I64, Kind::F32) => Kind::F64,
            _ => hi,
        }
    }
}

/// A cell as (shape, elements, dtype); `None` when it is neither an array nor a rectangular
/// nested list of numbers.
fn flatten(cell: &Cell) -> Option<(Vec<usize>, Vec<Scalar>, Kind)> {
    match cell {
        Cell::NdArray(a) => {
            let data = a.data();
            let values = (0..data.len())
                .map(|i| match data.cell(i) {
                    Cell::Bool(b) => Scalar::Bool(b),
                    Cell::Int(i) => Scalar::Int(i),
                    Cell::Float(f) => Scalar::Float(f),
                    _ => Scalar::Float(f64::NAN),
                })
                .collect();
            Some((a.shape().to_vec(), values, Kind::of(data)))
        }
        Cell::List(items) => {
            let mut values = Vec::new();
            let shape = list_shape(items, &mut values)?;
            // A Python list of numbers becomes bool, int64 or float64.
            let kind = if values.iter().all(|v| matches!(v, Scalar::Bool(_))) && !values.is_empty()
            {
                Kind::Bool
            } else if values.iter().any(|v| matches!(v, Scalar::Float(_))) {
                Kind::F64
            } else {
                Kind::I64
            };
            Some((shape, values, kind))
        }
        _ => None,
    }
}

/// The shape of a nested list of numbers, its elements appended to `out`; `None` when ragged
/// or holding something else.
fn list_shape(items: &[Cell], out: &mut Vec<Scalar>) -> Option<Vec<usize>> {
    let mut inner: Option<Vec<usize>> = None;
    for item in items {
        let shape = match item {
            Cell::Bool(b) => {
                out.push(Scalar::Bool(*b));
                Vec::new()
            }
            Cell::Int(i) => {
                out.push(Scalar::Int(*i));
                Vec::new()
            }
            Cell::Float(f) => {
                out.push(Scalar::Float(*f));
                Vec::new()
            }
            Cell::List(sub) => list_shape(sub, out)?,
            _ => return None,
        };
        match &inner {
            None => inner = Some(shape),
            Some(s) if *s == shape => {}
            Some(_) => return None,
        }
    }
    let mut shape = vec![items.len()];
    shape.extend(inner.unwrap_or_default());
    Some(shape)
}

/// Stacks the cells of an ndarray column (`np.array(column)`): every cell an array or a nested
/// list of numbers of one shape; the dtype is numpy's promotion of theirs.
pub(crate) fn stack_column(cells: &[&Cell]) -> Result<NdArray> {
    let mut parts = Vec::with_capacity(cells.len());
    for c in cells {
        let part = flatten(c).ok_or_else(|| {
            Error::type_error(format!(
                "cannot convert {} to a numeric numpy array",
                c.py_repr()
            ))
        })?;
        parts.push(part);
    }
    let Some((first_shape, _, first_kind)) = parts.first() else {
        return Err(Error::value("cannot stack an empty list of arrays"));
    };
    let mut kind = *first_kind;
    for (shape, _, k) in &parts {
        if shape != first_shape {
            return Err(Error::value(format!(
                "arrays of one ndarray column must share their shape to be saved together: found {first_shape:?} and {shape:?}"
            )));
        }
        kind = Kind::promote(kind, *k);
    }
    let values = parts.iter().flat_map(|(_, v, _)| v.iter().copied());
    let as_f64 = |v: Scalar| match v {
        Scalar::Bool(b) => f64::from(u8::from(b)),
        Scalar::Int(i) => i as f64,
        Scalar::Float(f) => f,
    };
    let as_i64 = |v: Scalar| match v {
        Scalar::Bool(b) => i64::from(b),
        Scalar::Int(i) => i,
        Scalar::Float(f) => f as i64,
    };
    let data = match kind {
        Kind::Bool => NdData::Bool(values.map(|v| as_i64(v) != 0).collect()),
        Kind::U8 => NdData::U8(values.map(|v| as_i64(v) as u8).collect()),
        Kind::I16 => NdData::I16(values.map(|v| as_i64(v) as i16).collect()),
        Kind::I32 => NdData::I32(values.map(|v| as_i64(v) as i32).collect()),
        Kind::I64 => NdData::I64(values.map(as_i64).collect()),
        Kind::F32 => NdData::F32(values.map(|v| as_f64(v) as f32).collect()),
        Kind::F64 => NdData::F64(values.map(as_f64).collect()),
    };
    let mut shape = vec![cells.len()];
    shape.extend_from_slice(first_shape);
    NdArray::from_data(shape, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotes_and_stacks_lists_with_arrays() {
        let f64s = Cell::from(NdArray::from_data(vec![2], NdData::F64(vec![0.5, 1.5])).unwrap());
        let f32s = Cell::from(NdArray::from_data(vec![2], NdData::F32(vec![0.25, 1.0])).unwrap());
        let s = stack_column(&[&f64s, &f32s]).unwrap();
        assert_eq!((s.data().dtype(), s.shape()), ("float64", &[2usize, 2][..]));
        let u8s = Cell::from(NdArray::from_data(vec![2], NdData::U8(vec![1, 2])).unwrap());
        let list = Cell::List(vec![Cell::Int(3), Cell::Int(4)]);
        let s = stack_column(&[&u8s, &list]).unwrap();
        assert_eq!(s.data().dtype(), "int64");
        let i32s = Cell::from(NdArray::from_data(vec![2], NdData::I32(vec![1, 2])).unwrap());
        let f32s = Cell::from(NdArray::from_data(vec![2], NdData::F32(vec![1.0, 2.0])).unwrap());
        assert_eq!(
            stack_column(&[&i32s, &f32s]).unwrap().data().dtype(),
            "float64"
        );
        let ragged = Cell::List(vec![Cell::Int(3)]);
        assert!(stack_column(&[&u8s, &ragged]).is_err());
        assert!(stack_column(&[&u8s, &Cell::Str("x".into())]).is_err());
    }
}
