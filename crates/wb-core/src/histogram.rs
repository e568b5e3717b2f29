//! [`Histogram`] (`histogram`), with `numpy.histogram`'s exact edges and counts.

use crate::artifact::{ArtifactSource, ArtifactTarget};
use crate::error::{Error, Result};
use crate::json::{FloatStyle, Value};
use crate::registry::Registry;
use crate::target::RunTarget;
use crate::value::WbValue;
use std::sync::Arc;

mod kernel;

/// The SDK's `Histogram.MAX_LENGTH`: at most 512 bins.
pub const MAX_LENGTH: usize = 512;
/// The default number of bins.
pub const DEFAULT_NUM_BINS: usize = 64;

/// A histogram: counts (`values`) and `bins` edges, one more edge than counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    values: Vec<Value>,
    bins: Vec<Value>,
}

/// A sample type `numpy.histogram` accepts; floats keep their own precision (an `f32` array
/// gets `f32` edges, as numpy computes them), integers are binned as `f64`.
pub trait HistogramSample: Copy + Send + Sync {
    /// The float type numpy computes the edges in.
    type Edge: EdgeFloat;
    /// The sample in that type.
    fn to_edge(self) -> Self::Edge;
}

/// `f32` or `f64`, the precisions numpy bins in.
pub trait EdgeFloat: Copy + PartialOrd + Send + Sync + std::fmt::Debug + Into<Value> {
    /// Conversion from a bin counter.
    fn from_usize(n: usize) -> Self;
    /// Conversion from f64 (for ±0.5 and the empty range).
    fn from_f64(x: f64) -> Self;
    /// `self as usize`, truncating like numpy's `astype(intp)`.
    fn trunc_index(self) -> isize;
    /// Arithmetic.
    fn sub(self, o: Self) -> Self;
    /// Arithmetic.
    fn div(self, o: Self) -> Self;
    /// Arithmetic.
    fn mul(self, o: Self) -> Self;
    /// Arithmetic.
    fn add(self, o: Self) -> Self;
    /// Finite check.
    fn is_finite(self) -> bool;
    /// `str()` of the numpy scalar, for error messages.
    fn py_str(self) -> String;
    /// Half the distance from 1 to the next value (`2^-53` for `f64`, `2^-24` for `f32`): the
    /// largest relative error of one rounded operation. The default (`0.5`) makes the binning
    /// kernel take its exact-division path.
    const UNIT_ROUNDOFF: f64 = 0.5;
    /// The smallest positive normal value, as `f64` (the default, infinity, makes the binning
    /// kernel take its exact-division path).
    const MIN_NORMAL: f64 = f64::INFINITY;
    /// The value as `f64` (the default, NaN, makes the kernel take its exact-division path).
    fn to_f64(self) -> f64 {
        f64::NAN
    }
    /// Positive infinity.
    fn infinity() -> Self {
        Self::from_f64(f64::INFINITY)
    }
    /// `self as usize` for `0 <= self < 2^22`, without the saturation checks of `as` (which
    /// keep the binning loop from vectorizing); meaningless, but harmless, outside that range.
    fn trunc_small(self) -> usize {
        self.trunc_index().max(0) as usize
    }
    /// `(r, r as usize)`, `r` the integer nearest to `self` (ties to even), for
    /// `0 <= self < 2^22`, without conversions the compiler cannot vectorize.
    fn round_small(self) -> (Self, usize) {
        let n = self.add(Self::from_f64(0.5)).trunc_index().max(0) as usize;
        (Self::from_usize(n), n)
    }
}

macro_rules! edge_float {
    ($t:ty, $magic:expr) => {
        impl EdgeFloat for $t {
            const UNIT_ROUNDOFF: f64 = <$t>::EPSILON as f64 / 2.0;
            const MIN_NORMAL: f64 = <$t>::MIN_POSITIVE as f64;
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
            fn trunc_small(self) -> usize {
                // `self + 2^mantissa` rounds to an integer whose bits, less the magic's, are
                // `round(self)`; one less when that rounded up.
                let magic: $t = $magic;
                let t = self + magic;
                let rounded = t - magic;
                (t.to_bits().wrapping_sub(magic.to_bits()) as usize)
                    .wrapping_sub(usize::from(rounded > self))
            }
            fn round_small(self) -> (Self, usize) {
                let magic: $t = $magic;
                let t = self + magic;
                (
                    t - magic,
                    t.to_bits().wrapping_sub(magic.to_bits()) as usize,
                )
            }
            fn from_usize(n: usize) -> Self {
                n as $t
            }
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            fn trunc_index(self) -> isize {
                self as isize
            }
            fn sub(self, o: Self) -> Self {
                self - o
            }
            fn div(self, o: Self) -> Self {
                self / o
            }
            fn mul(self, o: Self) -> Self {
                self * o
            }
            fn add(self, o: Self) -> Self {
                self + o
            }
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            fn py_str(self) -> String {
                if self.is_nan() {
                    return "nan".into();
                }
                if self.is_infinite() {
                    return if self > 0.0 {
                        "inf".into()
                    } else {
                        "-inf".into()
                    };
                }
                // Shortest digits of the value in its own precision, laid out as Python's repr.
                let wide: f64 = format!("{:e}", self).parse().unwrap_or(f64::NAN);
                let mut s = String::new();
                crate::json::format_float(&mut s, wide, FloatStyle::Python);
                s
            }
        }
    };
}
edge_float!(f32, 8_388_608.0); // 2^23
edge_float!(f64, 4_503_599_627_370_496.0); // 2^52

macro_rules! sample {
    ($edge:ty: $($t:ty),*) => {$(
        impl HistogramSample for $t {
            type Edge = $edge;
            fn to_edge(self) -> $edge { self as $edge }
        }
    )*};
}
sample!(f64: f64, i8, i16, i32, i64, u8, u16, u32, u64, isize, usize);
sample!(f32: f32);

/// `numpy.histogram(data, bins=num_bins)`: `(counts, edges)`.
pub fn np_histogram<T: HistogramSample>(
    data: &[T],
    num_bins: usize,
) -> Result<(Vec<i64>, Vec<T::Edge>)> {
    if num_bins < 1 {
        return Err(Error::value("`bins` must be positive, when an integer"));
    }
    let (mut first, mut last) = if data.is_empty() {
        (T::Edge::from_f64(0.0), T::Edge::from_f64(1.0))
    } else {
        kernel::min_max(data)
    };
    if !(first.is_finite() && last.is_finite()) {
        return Err(Error::value(format!(
            "autodetected range of [{}, {}] is not finite",
            first.py_str(),
            last.py_str()
        )));
    }
    if first == last {
        first = first.sub(T::Edge::from_f64(0.5));
        last = last.add(T::Edge::from_f64(0.5));
    }
    let edges = linspace(first, last, num_bins + 1);
    if edges.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::value(format!(
            "Too many bins for data range. Cannot create {num_bins} finite-sized bins."
        )));
    }
    let counts = kernel::count(data, first, last, &edges);
    Ok((counts, edges))
}

/// `numpy.linspace(start, stop, num)` in the precision of `F`: `i * step + start`, the last
/// edge set to `stop`.
fn linspace<F: EdgeFloat>(start: F, stop: F, num: usize) -> Vec<F> {
    let div = F::from_usize(num - 1);
    let delta = stop.sub(start);
    let step = delta.div(div);
    let zero = F::from_f64(0.0);
    let mut y: Vec<F> = (0..num)
        .map(|i| {
            let fi = F::from_usize(i);
            if step == zero {
                fi.div(div).mul(delta).add(start)
            } else {
                fi.mul(step).add(start)
            }
        })
        .collect();
    if let Some(l) = y.last_mut() {
        *l = stop;
    }
    y
}

/// How [`Histogram::from_sequence_with`] and [`Histogram::from_array_with`] bin their data.
///
/// ```
/// use wb_core::{Histogram, HistogramOptions};
/// let h = Histogram::from_sequence_with(&[1, 2, 3], HistogramOptions::default().with_num_bins(3))?;
/// assert_eq!(h.values().len(), 3);
/// # Ok::<(), wb_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistogramOptions {
    num_bins: usize,
}

impl Default for HistogramOptions {
    /// [`Histogram::DEFAULT_NUM_BINS`] bins, the SDK's default.
    fn default() -> Self {
        HistogramOptions {
            num_bins: DEFAULT_NUM_BINS,
        }
    }
}

impl HistogramOptions {
    /// The number of bins (`num_bins=`): 1 to [`Histogram::MAX_LENGTH`], checked by the constructor.
    #[must_use]
    pub fn with_num_bins(mut self, num_bins: usize) -> Self {
        self.num_bins = num_bins;
        self
    }

    /// The number of bins.
    pub fn num_bins(&self) -> usize {
        self.num_bins
    }
}

impl Histogram {
    /// The SDK's `Histogram.MAX_LENGTH`: at most 512 bins.
    pub const MAX_LENGTH: usize = MAX_LENGTH;
    /// The default number of bins (the SDK's `num_bins=64`).
    pub const DEFAULT_NUM_BINS: usize = DEFAULT_NUM_BINS;

    /// `wandb.Histogram(sequence)`: [`Histogram::DEFAULT_NUM_BINS`] bins over the data's range.
    pub fn from_sequence<T: HistogramSample>(data: &[T]) -> Result<Self> {
        Self::from_sequence_with(data, HistogramOptions::default())
    }

    /// `wandb.Histogram(sequence, num_bins=...)`: at most [`Histogram::MAX_LENGTH`] bins; the data's
    /// range must be finite.
    pub fn from_sequence_with<T: HistogramSample>(
        data: &[T],
        options: HistogramOptions,
    ) -> Result<Self> {
        let num_bins = options.num_bins;
        if num_bins > MAX_LENGTH {
            return Err(Error::value("The maximum length of a histogram is 512"));
        }
        let (counts, edges) = np_histogram(data, num_bins)?;
        Self::from_np_histogram(counts, edges)
    }

    /// A histogram of every element of an array of any dimension, in logical (row-major)
    /// order, with [`Histogram::DEFAULT_NUM_BINS`] bins.
    pub fn from_array<T: HistogramSample, D: ndarray::Dimension>(
        data: ndarray::ArrayView<'_, T, D>,
    ) -> Result<Self> {
        Self::from_array_with(data, HistogramOptions::default())
    }

    /// [`Histogram::from_array`] with options ([`Histogram::from_sequence_with`]'s rules).
    pub fn from_array_with<T: HistogramSample, D: ndarray::Dimension>(
        data: ndarray::ArrayView<'_, T, D>,
        options: HistogramOptions,
    ) -> Result<Self> {
        match data.as_slice() {
            Some(s) => Self::from_sequence_with(s, options),
            None => Self::from_sequence_with(&data.iter().copied().collect::<Vec<_>>(), options),
        }
    }

    /// `wandb.Histogram(np_histogram=(values, bin_edges))`: the values and edges as given, so
    /// integer edges stay integers.
    pub fn from_np_histogram<V: Into<Value>, B: Into<Value>>(
        values: Vec<V>,
        bin_edges: Vec<B>,
    ) -> Result<Self> {
        let values: Vec<Value> = values.into_iter().map(Into::into).collect();
        let bins: Vec<Value> = bin_edges.into_iter().map(Into::into).collect();
        if values.len() > MAX_LENGTH {
            return Err(Error::value("The maximum length of a histogram is 512"));
        }
        if values.len() + 1 != bins.len() {
            return Err(Error::value("len(bins) must be len(histogram) + 1"));
        }
        Ok(Histogram { values, bins })
    }

    /// The counts.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The bin edges.
    pub fn bins(&self) -> &[Value] {
        &self.bins
    }

    fn json(&self) -> Value {
        Value::Object(crate::json_map! {
            "_type" => "histogram",
            "values" => Value::Array(self.values.clone()),
            "bins" => Value::Array(self.bins.clone()),
        })
    }

    /// Reads `{"_type": "histogram", "values": [...], "bins": [...]}`.
    pub fn from_json(json: &Value) -> Result<Self> {
        let get = |k: &str| {
            json.get(k)
                .and_then(Value::as_array)
                .map(<[Value]>::to_vec)
                .ok_or_else(|| Error::decode("histogram", format!("`{k}` must be an array")))
        };
        Self::from_np_histogram(get("values")?, get("bins")?)
    }
}

impl WbValue for Histogram {
    fn log_type(&self) -> Option<&'static str> {
        Some("histogram")
    }
    fn class_name(&self) -> &'static str {
        "Histogram"
    }
    fn to_run_json(&self, _run: &dyn RunTarget) -> Result<Value> {
        Ok(self.json())
    }
    fn to_artifact_json(&self, _artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        Ok(self.json())
    }
    fn artifact_addable(&self) -> bool {
        false
    }
    /// The SDK compares histograms by identity; we compare values and edges, which is what
    /// a round trip needs.
    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        other.downcast_ref::<Histogram>() == Some(self)
    }
}

pub(crate) fn decode(
    json: &Value,
    _: &dyn ArtifactSource,
    _: &Registry,
) -> Result<Arc<dyn WbValue>> {
    Ok(Arc::new(Histogram::from_json(json)?))
}

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<Histogram> for crate::LogValue {
    fn from(value: Histogram) -> Self {
        crate::LogValue::media(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Dialect, to_string};

    fn json(h: &Histogram) -> String {
        to_string(&h.json(), Dialect::Python)
    }

    fn bins(n: usize) -> HistogramOptions {
        HistogramOptions::default().with_num_bins(n)
    }

    #[test]
    fn three_values_three_bins() {
        // wandb 0.31.0: Histogram([1, 2, 3], num_bins=3) (see the format reference, §3).
        let h = Histogram::from_sequence_with(&[1i64, 2, 3], bins(3)).unwrap();
        assert_eq!(
            json(&h),
            r#"{"_type": "histogram", "bins": [1.0, 1.6666666666666665, 2.333333333333333, 3.0], "values": [1, 1, 1]}"#
        );
    }

    #[test]
    fn constant_and_empty() {
        let h = Histogram::from_sequence_with(&[5.0f64; 3], bins(4)).unwrap();
        assert_eq!(
            h.bins,
            vec![
                Value::Float(4.5),
                4.75.into(),
                5.0.into(),
                5.25.into(),
                5.5.into()
            ]
        );
        let e = Histogram::from_sequence::<f64>(&[]).unwrap();
        assert_eq!(e.values.len(), 64);
        assert!(e.values.iter().all(|v| *v == Value::Int(0)));
        assert_eq!(e.bins[64], Value::Float(1.0));
    }

    #[test]
    fn limits_and_errors() {
        assert!(Histogram::from_sequence_with(&[1.0f64, 2.0], bins(512)).is_ok());
        let e = Histogram::from_sequence_with(&[1.0f64, 2.0], bins(513)).unwrap_err();
        assert_eq!(e.to_string(), "The maximum length of a histogram is 512");
        let e = Histogram::from_sequence(&[1.0, f64::NAN]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "autodetected range of [nan, nan] is not finite"
        );
        let e = Histogram::from_sequence(&[1.0, f64::INFINITY]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "autodetected range of [1.0, inf] is not finite"
        );
        let e = Histogram::from_np_histogram(vec![1, 2], vec![0, 1]).unwrap_err();
        assert_eq!(e.to_string(), "len(bins) must be len(histogram) + 1");
    }
}
