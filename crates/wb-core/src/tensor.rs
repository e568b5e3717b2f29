//! Tensor-shaped inputs: a flat, row-major slice plus a shape plus a [`Layout`] naming its
//! axes, and [`TensorLike`], the tensors of ML frameworks (candle's `Tensor` with feature
//! `candle`) read as such a slice.
//!
//! Every family's `from_slice` checks its input here ([`crate::internal::tensor::view`]) and
//! gets an `ndarray` view of the slice (no copy); a layout that differs from the SDK's numpy
//! order is permuted as a view too, so the only copy is the conversion each type does anyway.

use crate::error::{Error, Result};
use ndarray::{ArrayViewD, IxDyn};

/// The order of the axes of a flat, row-major buffer (what a `from_slice` constructor is told
/// about its slice). Each family takes the layouts its data can have:
///
/// | layout | axes | taken by |
/// |---|---|---|
/// | [`Hw`](Layout::Hw) | height, width | `Image` (grayscale), `ImageMask` |
/// | [`Hwc`](Layout::Hwc) | height, width, channels | `Image` (numpy's and Pillow's order: the SDK's numpy path) |
/// | [`Chw`](Layout::Chw) | channels, height, width | `Image` (torch, candle, burn: the SDK's torch path) |
/// | [`Tchw`](Layout::Tchw) | time, channels, height, width | `Video` (the SDK's order for arrays and tensors) |
/// | [`Btchw`](Layout::Btchw) | batch, time, channels, height, width | `Video` (a batch, tiled into a grid as the SDK tiles it) |
/// | [`Thwc`](Layout::Thwc) | time, height, width, channels | `Video` (frames of `Hwc` images) |
/// | [`Tc`](Layout::Tc) | time, channels | `Audio` (frames of interleaved samples: the SDK's order) |
/// | [`Ct`](Layout::Ct) | channels, time | `Audio` (one row of samples per channel) |
///
/// Point clouds, tables and numpy-array cells have one axis order only, so their
/// `from_slice` takes no layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Layout {
    /// Height × width.
    Hw,
    /// Height × width × channels.
    Hwc,
    /// Channels × height × width.
    Chw,
    /// Time × channels × height × width.
    Tchw,
    /// Batch × time × channels × height × width.
    Btchw,
    /// Time × height × width × channels.
    Thwc,
    /// Time × channels.
    Tc,
    /// Channels × time.
    Ct,
}

impl Layout {
    /// Every layout, in declaration order.
    const ALL: [Layout; 8] = [
        Layout::Hw,
        Layout::Hwc,
        Layout::Chw,
        Layout::Tchw,
        Layout::Btchw,
        Layout::Thwc,
        Layout::Tc,
        Layout::Ct,
    ];

    /// The name: the initials of the axes in order (`"chw"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Hw => "hw",
            Layout::Hwc => "hwc",
            Layout::Chw => "chw",
            Layout::Tchw => "tchw",
            Layout::Btchw => "btchw",
            Layout::Thwc => "thwc",
            Layout::Tc => "tc",
            Layout::Ct => "ct",
        }
    }

    /// The number of axes a shape of this layout has.
    pub fn rank(self) -> usize {
        self.as_str().len()
    }

    /// The axes' names, for messages (`"(channels, height, width)"`).
    pub fn axes(self) -> String {
        let names: Vec<&str> = self
            .as_str()
            .chars()
            .map(|c| match c {
                'b' => "batch",
                't' => "time",
                'c' => "channels",
                'h' => "height",
                _ => "width",
            })
            .collect();
        format!("({})", names.join(", "))
    }
}

impl std::str::FromStr for Layout {
    type Err = Error;
    /// Parses a name as [`Layout::as_str`] writes it (`"chw"`).
    fn from_str(name: &str) -> Result<Layout> {
        Layout::ALL
            .into_iter()
            .find(|l| l.as_str() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Layout::ALL.iter().map(|l| l.as_str()).collect();
                Error::value(format!(
                    "layout {name:?} is not known: use one of {}",
                    names.join(", ")
                ))
            })
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// See [`crate::internal::tensor::for_each_element`].
#[doc(hidden)]
#[macro_export]
macro_rules! __for_each_element {
    ($elements:expr, |$s:ident| $body:expr, |$other:ident| $fallback:expr $(,)?) => {
        match $elements {
            $crate::TensorElements::U8($s) => $body,
            $crate::TensorElements::U32($s) => $body,
            $crate::TensorElements::I16($s) => $body,
            $crate::TensorElements::I32($s) => $body,
            $crate::TensorElements::I64($s) => $body,
            $crate::TensorElements::F32($s) => $body,
            $crate::TensorElements::F64($s) => $body,
            #[allow(unreachable_patterns)]
            $other => $fallback,
        }
    };
}

/// A tensor's elements, borrowed, row-major: the element types ML frameworks hold on the CPU.
/// 16-bit and 8-bit floats arrive as `F32` (each of their values is exact in `f32`).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum TensorElements<'a> {
    /// `uint8`.
    U8(&'a [u8]),
    /// `uint32`.
    U32(&'a [u32]),
    /// `int16`.
    I16(&'a [i16]),
    /// `int32`.
    I32(&'a [i32]),
    /// `int64`.
    I64(&'a [i64]),
    /// `float32`.
    F32(&'a [f32]),
    /// `float64`.
    F64(&'a [f64]),
}

/// The error for a tensor whose element type a constructor does not take.
pub fn unsupported_dtype(elements: &TensorElements<'_>) -> Error {
    Error::type_error(format!(
        "tensors of dtype {} are not supported here",
        elements.dtype()
    ))
}

impl TensorElements<'_> {
    /// The number of elements.
    pub fn len(&self) -> usize {
        match self {
            TensorElements::U8(s) => s.len(),
            TensorElements::U32(s) => s.len(),
            TensorElements::I16(s) => s.len(),
            TensorElements::I32(s) => s.len(),
            TensorElements::I64(s) => s.len(),
            TensorElements::F32(s) => s.len(),
            TensorElements::F64(s) => s.len(),
        }
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// numpy's name of the element type (`"float32"`).
    pub fn dtype(&self) -> &'static str {
        match self {
            TensorElements::U8(_) => "uint8",
            TensorElements::U32(_) => "uint32",
            TensorElements::I16(_) => "int16",
            TensorElements::I32(_) => "int32",
            TensorElements::I64(_) => "int64",
            TensorElements::F32(_) => "float32",
            TensorElements::F64(_) => "float64",
        }
    }
}

/// A tensor the `from_tensor` constructors read: its shape and its elements in row-major
/// order, on the CPU. Implemented for `candle_core::Tensor` with feature `candle`; implement it
/// for a type of your own (a wrapper around another framework's tensor) to log that.
pub trait TensorLike {
    /// Calls `f` with the tensor's shape and its elements (row-major), and returns what `f`
    /// returns; fails when the tensor cannot be read (a device that cannot copy to the CPU, an
    /// element type with no CPU conversion).
    fn with_elements<R>(&self, f: impl FnOnce(&[usize], TensorElements<'_>) -> R) -> Result<R>;
}

/// A slice of `T` of `shape` in `layout`, checked: `layout` must be one of `allowed` (the
/// layouts `what` takes), `shape` must have the layout's number of axes, and the slice must
/// hold exactly the shape's number of values. The view borrows the slice.
pub fn view<'a, T>(
    data: &'a [T],
    shape: &[usize],
    layout: Layout,
    allowed: &[Layout],
    what: &str,
) -> Result<ArrayViewD<'a, T>> {
    if !allowed.contains(&layout) {
        let names: Vec<&str> = allowed.iter().map(|l| l.as_str()).collect();
        return Err(Error::value(format!(
            "{what} does not take layout {layout}: use {}",
            names.join(" or ")
        )));
    }
    if shape.len() != layout.rank() {
        return Err(Error::value(format!(
            "layout {layout} {} needs a shape of {} axes, got {}",
            layout.axes(),
            layout.rank(),
            shape_repr(shape)
        )));
    }
    shaped(data, shape)
}

/// A slice of `T` of `shape` (row-major), checked: the slice must hold exactly the shape's
/// number of values.
pub fn shaped<'a, T>(data: &'a [T], shape: &[usize]) -> Result<ArrayViewD<'a, T>> {
    let count = shape.iter().try_fold(1usize, |n, d| n.checked_mul(*d));
    if count != Some(data.len()) {
        return Err(Error::value(format!(
            "a slice of {} values does not fill shape {} ({} values)",
            data.len(),
            shape_repr(shape),
            count.map_or_else(|| "too many".to_owned(), |n| n.to_string())
        )));
    }
    ArrayViewD::from_shape(IxDyn(shape), data).map_err(|e| {
        Error::value(format!(
            "cannot view the slice as {}: {e}",
            shape_repr(shape)
        ))
    })
}

/// A shape as a Python list (`[3, 4, 5]`), as the SDK prints shapes.
pub fn shape_repr(shape: &[usize]) -> String {
    let items: Vec<String> = shape.iter().map(usize::to_string).collect();
    format!("[{}]", items.join(", "))
}

impl crate::Histogram {
    /// A histogram of every element of a tensor ([`TensorLike`]: candle's `Tensor` with
    /// feature `candle`), whatever its shape, with [`crate::Histogram::DEFAULT_NUM_BINS`]
    /// bins: `np.histogram` flattens a torch tensor, so this is
    /// [`crate::Histogram::from_sequence`] of its elements in row-major order (a flat slice
    /// of any shape is `from_sequence` itself).
    pub fn from_tensor(tensor: &impl TensorLike) -> Result<Self> {
        Self::from_tensor_with(tensor, crate::HistogramOptions::default())
    }

    /// [`crate::Histogram::from_tensor`] with options (number of bins).
    pub fn from_tensor_with(
        tensor: &impl TensorLike,
        options: crate::HistogramOptions,
    ) -> Result<Self> {
        tensor.with_elements(|_, elements| {
            crate::__for_each_element!(
                elements,
                |s| Self::from_sequence_with(s, options),
                |other| Err(unsupported_dtype(&other)),
            )
        })?
    }
}

#[cfg(feature = "candle")]
mod candle_impl {
    use super::{TensorElements, TensorLike};
    use crate::error::{Error, Result};
    use candle_core::{CpuStorage, DType, Device, Storage, Tensor};

    fn candle_error(e: candle_core::Error) -> Error {
        Error::value(format!("cannot read the candle tensor: {e}"))
    }

    impl TensorLike for Tensor {
        /// Reads the tensor's storage in place when it is a contiguous CPU tensor of `u8`,
        /// `u32`, `i16`, `i32`, `i64`, `f32` or `f64`; otherwise copies it to the CPU
        /// (`tensor.to_device(&Device::Cpu)`, as the SDK calls `.cpu()`), contiguous, and
        /// converts 16-bit and 8-bit floats to `f32` (exactly).
        fn with_elements<R>(&self, f: impl FnOnce(&[usize], TensorElements<'_>) -> R) -> Result<R> {
            let shape = self.dims().to_vec();
            let mut owned: Option<Tensor> = None;
            if !self.device().is_cpu() {
                owned = Some(self.to_device(&Device::Cpu).map_err(candle_error)?);
            }
            let t = owned.as_ref().unwrap_or(self);
            let t = match t.dtype() {
                DType::U8
                | DType::U32
                | DType::I16
                | DType::I32
                | DType::I64
                | DType::F32
                | DType::F64 => t.contiguous().map_err(candle_error)?,
                _ => t
                    .to_dtype(DType::F32)
                    .and_then(|t| t.contiguous())
                    .map_err(candle_error)?,
            };
            let (storage, layout) = t.storage_and_layout();
            let Some((start, end)) = layout.contiguous_offsets() else {
                return Err(Error::value(
                    "cannot read the candle tensor: it is not contiguous after `contiguous()`",
                ));
            };
            let Storage::Cpu(cpu) = &*storage else {
                return Err(Error::value(
                    "cannot read the candle tensor: its storage is not on the CPU",
                ));
            };
            let range = start..end;
            let elements = match cpu {
                CpuStorage::U8(v) => v.get(range).map(TensorElements::U8),
                CpuStorage::U32(v) => v.get(range).map(TensorElements::U32),
                CpuStorage::I16(v) => v.get(range).map(TensorElements::I16),
                CpuStorage::I32(v) => v.get(range).map(TensorElements::I32),
                CpuStorage::I64(v) => v.get(range).map(TensorElements::I64),
                CpuStorage::F32(v) => v.get(range).map(TensorElements::F32),
                CpuStorage::F64(v) => v.get(range).map(TensorElements::F64),
                _ => {
                    return Err(Error::value(format!(
                        "cannot read a candle tensor of dtype {:?}: use u8, u32, i16, i32, i64 \
                         or a float type",
                        t.dtype()
                    )));
                }
            };
            let elements = elements.ok_or_else(|| {
                Error::value("cannot read the candle tensor: its layout is outside its storage")
            })?;
            Ok(f(&shape, elements))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for l in Layout::ALL {
            assert_eq!(l.as_str().parse::<Layout>().unwrap(), l);
            assert_eq!(l.to_string(), l.as_str());
        }
        assert_eq!(Layout::Chw.axes(), "(channels, height, width)");
        assert!("whc".parse::<Layout>().is_err());
    }

    #[test]
    fn views_are_checked() {
        let data = [0u8; 24];
        let v = view(&data, &[2, 3, 4], Layout::Chw, &[Layout::Chw], "Image").unwrap();
        assert_eq!(v.shape(), [2, 3, 4]);
        assert_eq!(v.as_ptr(), data.as_ptr());
        let e = view(&data, &[2, 3, 5], Layout::Chw, &[Layout::Chw], "Image").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a slice of 24 values does not fill shape [2, 3, 5] (30 values)"
        );
        let e = view(&data, &[6, 4], Layout::Chw, &[Layout::Chw], "Image").unwrap_err();
        assert_eq!(
            e.to_string(),
            "layout chw (channels, height, width) needs a shape of 3 axes, got [6, 4]"
        );
        let e = view(
            &data,
            &[24, 1],
            Layout::Tc,
            &[Layout::Chw, Layout::Hwc],
            "Image",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "Image does not take layout tc: use chw or hwc"
        );
        assert!(shaped(&data, &[usize::MAX, 2]).is_err());
    }
}
