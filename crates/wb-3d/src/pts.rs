//! The `.pts.json` writer: a point array as the SDK's compact JSON, fast.
//!
//! The SDK writes `array.tolist()` with pydantic's compact encoder: rows as `[x,y,z]`, no
//! spaces, integers as integers, floats as the shortest round-trip digits in decimal form for
//! `1e-5 <= |x| < 1e16` (`1.0`, `0.00001`) and exponent form otherwise (`1e-7`, `2e+16`),
//! `-0.0` kept, `NaN`/`Infinity`/`-Infinity` bare. `float32` values are widened exactly, as
//! `tolist` does (`0.1f32` → `0.10000000149011612`).
//!
//! This writer produces the same bytes as `wb_core::json::to_string(.., Dialect::Compact)` on
//! the same values (a test checks it on random bit patterns) without building a JSON tree.
//! [`stream_points`] splits large arrays across threads and writes them to a file while it
//! hashes (what [`Object3D`](crate::Object3D) does for large clouds); [`encode_points`] does
//! the same in memory.

use ndarray::ArrayView2;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::sync::Mutex;
use wb_core::Value;
use wb_core::internal::hash::hex;

mod sealed {
    use super::{ArrayView2, Value, write_rows_each};

    /// How a [`PointScalar`](super::PointScalar) is written; private, so the public trait is
    /// sealed and has no methods of its own.
    pub trait Encode: Sized {
        /// Appends the compact-JSON text of the value to `out`.
        fn write_json(self, out: &mut Vec<u8>);
        /// The value as a JSON value (what `tolist` gives for it).
        #[cfg_attr(not(test), allow(dead_code))]
        fn to_value(self) -> Value;
        /// An upper bound of the bytes one value takes (for reserving).
        const MAX_LEN: usize;
        /// Appends rows as `[a,b,c]` items (a leading `,` unless `first`); capacity is reserved.
        fn write_rows(rows: ArrayView2<'_, Self>, out: &mut Vec<u8>, first: bool)
        where
            Self: super::PointScalar,
        {
            write_rows_each(rows, out, first);
        }
    }
}

use sealed::Encode;

/// An element type a point array can hold: the numpy dtypes `tolist` turns into Python
/// `float`, `int` or `bool` (`f64`, `f32`, the integers up to 64 bits, `bool`).
pub trait PointScalar: Copy + Send + Sync + Encode + 'static {}

/// How many floats are formatted before their text is copied out. Reading a number's digits
/// right after the formatter stored them stalls on store-to-load forwarding; formatting a
/// group first lets those stores retire.
const FLOAT_GROUP: usize = 8;

fn nonfinite(x: f64) -> &'static str {
    if x.is_nan() {
        "NaN"
    } else if x > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

/// Rows of floats, formatted [`FLOAT_GROUP`] values at a time.
fn write_float_rows(
    values: impl Iterator<Item = f64>,
    cols: usize,
    out: &mut Vec<u8>,
    first: bool,
) {
    if cols == 0 {
        return;
    }
    let mut bufs: [zmij::Buffer; FLOAT_GROUP] = std::array::from_fn(|_| zmij::Buffer::new());
    let mut group = [0.0f64; FLOAT_GROUP];
    let mut values = values.peekable();
    let mut col = 0;
    let mut first_row = first;
    while values.peek().is_some() {
        let mut n = 0;
        for (slot, x) in group.iter_mut().zip(values.by_ref()) {
            *slot = x;
            n += 1;
        }
        let mut texts: [&str; FLOAT_GROUP] = [""; FLOAT_GROUP];
        for ((t, b), x) in texts.iter_mut().zip(bufs.iter_mut()).zip(&group[..n]) {
            *t = if x.is_finite() {
                b.format_finite(*x)
            } else {
                nonfinite(*x)
            };
        }
        for t in &texts[..n] {
            if col == 0 {
                if !first_row {
                    out.push(b',');
                }
                first_row = false;
                out.push(b'[');
            } else {
                out.push(b',');
            }
            out.extend_from_slice(t.as_bytes());
            col += 1;
            if col == cols {
                out.push(b']');
                col = 0;
            }
        }
    }
}

fn write_f64(out: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        let mut buf = zmij::Buffer::new();
        out.extend_from_slice(buf.format_finite(x).as_bytes());
    } else {
        out.extend_from_slice(nonfinite(x).as_bytes());
    }
}

impl PointScalar for f64 {}
impl Encode for f64 {
    fn write_json(self, out: &mut Vec<u8>) {
        write_f64(out, self);
    }
    fn to_value(self) -> Value {
        Value::Float(self)
    }
    const MAX_LEN: usize = 24;
    fn write_rows(rows: ArrayView2<'_, Self>, out: &mut Vec<u8>, first: bool) {
        match rows.as_slice() {
            Some(flat) => write_float_rows(flat.iter().copied(), rows.ncols(), out, first),
            None => write_float_rows(rows.iter().copied(), rows.ncols(), out, first),
        }
    }
}

impl PointScalar for f32 {}
impl Encode for f32 {
    fn write_json(self, out: &mut Vec<u8>) {
        write_f64(out, f64::from(self));
    }
    fn to_value(self) -> Value {
        Value::Float(f64::from(self))
    }
    const MAX_LEN: usize = 24;
    fn write_rows(rows: ArrayView2<'_, Self>, out: &mut Vec<u8>, first: bool) {
        match rows.as_slice() {
            Some(flat) => {
                write_float_rows(flat.iter().map(|x| f64::from(*x)), rows.ncols(), out, first)
            }
            None => write_float_rows(rows.iter().map(|x| f64::from(*x)), rows.ncols(), out, first),
        }
    }
}

macro_rules! int_scalar {
    ($($t:ty),*) => {$(
        impl PointScalar for $t {}
        impl Encode for $t {
            fn write_json(self, out: &mut Vec<u8>) {
                let mut buf = itoa::Buffer::new();
                out.extend_from_slice(buf.format(self).as_bytes());
            }
            fn to_value(self) -> Value {
                Value::from(self)
            }
            const MAX_LEN: usize = 20;
        }
    )*};
}
int_scalar!(i8, i16, i32, i64, u8, u16, u32, u64);

impl PointScalar for bool {}
impl Encode for bool {
    fn write_json(self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self { b"true" } else { b"false" });
    }
    fn to_value(self) -> Value {
        Value::Bool(self)
    }
    const MAX_LEN: usize = 5;
}

#[inline]
fn write_row<T: PointScalar>(out: &mut Vec<u8>, comma: bool, row: impl Iterator<Item = T>) {
    if comma {
        out.push(b',');
    }
    out.push(b'[');
    for (j, v) in row.enumerate() {
        if j > 0 {
            out.push(b',');
        }
        v.write_json(out);
    }
    out.push(b']');
}

/// Appends rows as `[a,b,c]` items; a leading `,` unless `first`.
fn write_rows<T: PointScalar>(rows: ArrayView2<'_, T>, out: &mut Vec<u8>, first: bool) {
    out.reserve(rows.nrows() * (rows.ncols() * (T::MAX_LEN + 1) + 2));
    if rows.ncols() == 0 {
        // `[[],[],...]`: nothing for a per-type writer to do.
        write_rows_each(rows, out, first);
    } else {
        T::write_rows(rows, out, first);
    }
}

/// [`write_rows`] one value at a time.
fn write_rows_each<T: PointScalar>(rows: ArrayView2<'_, T>, out: &mut Vec<u8>, first: bool) {
    let cols = rows.ncols();
    match rows.as_slice() {
        // Row-major and contiguous (the usual case): plain slices.
        Some(flat) if cols > 0 => {
            for (i, row) in flat.chunks_exact(cols).enumerate() {
                write_row(out, i > 0 || !first, row.iter().copied());
            }
        }
        _ => {
            for (i, row) in rows.rows().into_iter().enumerate() {
                write_row(out, i > 0 || !first, row.iter().copied());
            }
        }
    }
}

/// Appends `points.tolist()` as compact JSON (`[[x,y,z],...]`) to `out`.
#[cfg(test)]
pub fn write_points<T: PointScalar>(points: ArrayView2<'_, T>, out: &mut Vec<u8>) {
    out.push(b'[');
    write_rows(points, out, true);
    out.push(b']');
}

/// An encoded file and the lowercase hex SHA-256 of its bytes.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
}

/// `prefix`, `points.tolist()` as compact JSON, then `suffix`, in memory, hashed as it is
/// produced ([`stream_points`] into one buffer).
pub fn encode_points<T: PointScalar>(
    prefix: &[u8],
    points: ArrayView2<'_, T>,
    suffix: &[u8],
) -> Encoded {
    let mut out = Vec::new();
    let sha256 = match stream_points(prefix, points, suffix, &mut out) {
        Ok((sha256, _)) => sha256,
        // Not reachable: writing into a `Vec` does not fail.
        Err(_) => hex(&Sha256::digest(&out)),
    };
    Encoded { bytes: out, sha256 }
}

/// Values per chunk of [`stream_points`]: a chunk (about 150 KB of text) is hashed and
/// written while it is still in cache, and its buffer is used again for a later chunk.
const STREAM_CHUNK_VALUES: usize = 8192;

/// `prefix`, `points.tolist()` as compact JSON, then `suffix`, written to `out` as it is
/// produced and hashed on the way; returns the lowercase hex SHA-256 and the size.
///
/// Row chunks are formatted by worker threads and the calling thread (as many threads as
/// `std::thread::available_parallelism`) into buffers that go back to a pool once used; the
/// calling thread hashes and writes the finished chunks in order between formatting its own.
/// Nothing the size of the whole text is ever held in memory.
pub fn stream_points<T: PointScalar>(
    prefix: &[u8],
    points: ArrayView2<'_, T>,
    suffix: &[u8],
    out: &mut impl Write,
) -> std::io::Result<(String, u64)> {
    let n = points.nrows();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let rows_per = (STREAM_CHUNK_VALUES / points.ncols().max(1)).max(1);
    let nchunks = n.div_ceil(rows_per);
    let pool: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    let write_chunk = |c: usize| {
        let rows = (c * rows_per)..((c + 1) * rows_per).min(n);
        let mut v = pool
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_default();
        v.clear();
        write_rows(points.slice(ndarray::s![rows, ..]), &mut v, c == 0);
        v
    };
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut put = |bytes: &[u8]| {
        hasher.update(bytes);
        size += bytes.len() as u64;
        out.write_all(bytes)
    };
    let mut head = prefix.to_vec();
    head.push(b'[');
    put(&head)?;
    let mut failed = None;
    wb_core::internal::parallel::in_order(nchunks, threads, write_chunk, |v| {
        if let Err(e) = put(&v) {
            failed = Some(e);
            return false;
        }
        if let Ok(mut p) = pool.lock() {
            p.push(v);
        }
        true
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let mut tail = b"]".to_vec();
    tail.extend_from_slice(suffix);
    put(&tail)?;
    Ok((hex(&hasher.finalize()), size))
}

/// `points.tolist()` as compact JSON bytes.
#[cfg(test)]
pub fn points_json<T: PointScalar>(points: ArrayView2<'_, T>) -> Vec<u8> {
    let mut out = Vec::new();
    write_points(points, &mut out);
    out
}

/// `points.tolist()` as a JSON value (nested arrays).
#[cfg(test)]
pub fn points_value<T: PointScalar>(points: ArrayView2<'_, T>) -> Value {
    Value::Array(
        points
            .rows()
            .into_iter()
            .map(|r| Value::Array(r.iter().map(|v| v.to_value()).collect()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use wb_core::json::{Dialect, to_string};

    /// A small deterministic generator (xorshift64*), so the test needs no dependency.
    fn bits(seed: &mut u64) -> u64 {
        *seed ^= *seed >> 12;
        *seed ^= *seed << 25;
        *seed ^= *seed >> 27;
        seed.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// The fast writer against wb-core's compact dialect. wb-core takes its digits from Rust's
    /// `{:e}`, which breaks exact ties between two shortest digit strings differently from
    /// Python's `repr` (`1394865425023536.25` is `...536.2` in Python and zmij, `...536.3` in
    /// Rust's `{:e}`); such tokens must still parse to the same value and have the same length.
    /// Python's own choice is checked by the golden tests.
    fn same_as_core<T: PointScalar>(a: &Array2<T>) -> usize {
        let fast = String::from_utf8(points_json(a.view())).unwrap();
        let slow = to_string(&points_value(a.view()), Dialect::Compact);
        let split = |s: &str| -> Vec<String> {
            s.split(',')
                .map(|t| t.trim_matches(|c| c == '[' || c == ']').to_owned())
                .collect()
        };
        let (f, s) = (split(&fast), split(&slow));
        assert_eq!(f.len(), s.len());
        let mut ties = 0;
        for (x, y) in f.iter().zip(&s) {
            if x != y {
                let same =
                    x.parse::<f64>().unwrap().to_bits() == y.parse::<f64>().unwrap().to_bits();
                assert!(same && x.len() == y.len(), "fast {x} vs core {y}");
                ties += 1;
            }
        }
        assert_eq!(
            fast.replace(|c: char| c.is_ascii_digit(), ""),
            slow.replace(|c: char| c.is_ascii_digit(), "")
        );
        ties
    }

    #[test]
    fn matches_the_compact_dialect_on_random_bit_patterns() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        // Every exponent, subnormals, NaN and infinities included.
        let v: Vec<f64> = (0..240_000)
            .map(|_| f64::from_bits(bits(&mut seed)))
            .collect();
        let ties = same_as_core(&Array2::from_shape_vec((40_000, 6), v).unwrap());
        // About 1 in 4000 random doubles is such a tie.
        assert!(ties < 1000, "{ties} ties");
        let v: Vec<f32> = (0..300_000)
            .map(|_| f32::from_bits(bits(&mut seed) as u32))
            .collect();
        same_as_core(&Array2::from_shape_vec((100_000, 3), v).unwrap());
        let v: Vec<i64> = (0..40_000).map(|_| bits(&mut seed) as i64).collect();
        same_as_core(&Array2::from_shape_vec((10_000, 4), v).unwrap());
    }

    #[test]
    fn boundaries_of_the_decimal_form() {
        let v = vec![
            1e-5,
            9.999999999999999e-6,
            1e16,
            9999999999999998.0,
            -0.0,
            0.0,
            5e-324,
            1e-7,
            2e16,
            f64::MAX,
            f64::MIN_POSITIVE,
            0.1,
            1.0,
            100.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            123456789.123,
            1.5e-6,
            1e21,
        ];
        same_as_core(&Array2::from_shape_vec((5, 4), v).unwrap());
        let fast = points_json(
            Array2::from_shape_vec((1, 4), vec![1e-7, 2e16, -0.0, 1e-5])
                .unwrap()
                .view(),
        );
        assert_eq!(fast, b"[[1e-7,2e+16,-0.0,0.00001]]");
    }

    #[test]
    fn any_memory_layout_gives_the_same_bytes() {
        // A transposed (column-major) view, large enough for the multi-threaded path.
        let a = Array2::from_shape_fn((6, 40_000), |(i, j)| (i * 40_000 + j) as f64 * 0.37 - 5.0);
        let t = a.t();
        let standard = t.as_standard_layout().into_owned();
        let e1 = encode_points(b"{", t, b"}");
        let e2 = encode_points(b"{", standard.view(), b"}");
        assert_eq!(e1.bytes, e2.bytes);
        assert_eq!(e1.sha256, e2.sha256);
        let mut plain = b"{".to_vec();
        write_points(standard.view(), &mut plain);
        plain.push(b'}');
        assert_eq!(e1.bytes, plain);
        assert_eq!(e1.sha256, wb_core::internal::hash::sha256_hex(&plain));
        // A strided slice (every other row).
        let s = standard.slice(ndarray::s![..;2, ..]);
        assert_eq!(points_json(s), points_json(s.to_owned().view()));
    }

    /// What [`stream_points`] gives: the hex SHA-256 and the size.
    type Streamed = std::io::Result<(String, u64)>;

    #[test]
    fn streaming_writes_what_the_in_memory_encoder_makes() {
        // Row counts around the chunk size, three element types, a prefix and a suffix.
        for rows in [0, 1, 1365, 1366, 4000, 20_001] {
            let f = Array2::from_shape_fn((rows, 6), |(i, j)| (i * 6 + j) as f64 / 7.0 - 3.0);
            let g = f.mapv(|x| x as f32);
            let n = f.mapv(|x| (x * 1000.0) as i64);
            let check = |e: Encoded, streamed: (Vec<u8>, (String, u64))| {
                let (bytes, (sha, size)) = streamed;
                assert_eq!(bytes, e.bytes, "{rows} rows");
                assert_eq!(sha, e.sha256);
                assert_eq!(size, bytes.len() as u64);
            };
            let stream = |write: &dyn Fn(&mut Vec<u8>) -> Streamed| {
                let mut out = Vec::new();
                let r = write(&mut out).unwrap();
                (out, r)
            };
            check(
                encode_points(b"{\"p\":", f.view(), b"}"),
                stream(&|o| stream_points(b"{\"p\":", f.view(), b"}", o)),
            );
            check(
                encode_points(b"", g.view(), b""),
                stream(&|o| stream_points(b"", g.view(), b"", o)),
            );
            check(
                encode_points(b"", n.view(), b""),
                stream(&|o| stream_points(b"", n.view(), b"", o)),
            );
        }
    }

    /// A writer that fails after `left` bytes.
    struct Full {
        left: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.left == 0 {
                return Err(std::io::Error::other("disk full"));
            }
            let n = buf.len().min(self.left);
            self.left -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_is_the_error() {
        let a = Array2::from_shape_fn((30_000, 3), |(i, j)| (i + j) as f64 * 0.1);
        for left in [0, 10, 500_000] {
            let e = stream_points(b"", a.view(), b"", &mut Full { left }).unwrap_err();
            assert_eq!(e.to_string(), "disk full");
        }
    }

    #[test]
    fn small_types_and_empty() {
        same_as_core(
            &Array2::from_shape_vec((2, 3), vec![true, false, true, false, false, true]).unwrap(),
        );
        same_as_core(&Array2::from_shape_vec((2, 3), vec![0u8, 255, 7, 1, 2, 3]).unwrap());
        same_as_core(&Array2::from_shape_vec((1, 3), vec![i16::MIN, -1, i16::MAX]).unwrap());
        assert_eq!(points_json(Array2::<f64>::zeros((2, 0)).view()), b"[[],[]]");
        assert_eq!(points_json(Array2::<f32>::zeros((1, 1)).view()), b"[[0.0]]");
        assert_eq!(points_json(Array2::<f64>::zeros((0, 3)).view()), b"[]");
    }
}
