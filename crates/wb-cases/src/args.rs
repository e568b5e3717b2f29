//! Case values (docs/conformance.md "Values") decoded into [`Arg`]s, which family builders turn into our
//! public API calls.

use std::path::{Path, PathBuf};
use wb_core::json::{Map, Value};

/// The start of every error that says a case cannot be mapped to our API (an unknown class,
/// argument or special form, a malformed value). The runner fails such a case whatever it
/// expects: it is the harness that failed, not the library. Builders report these with
/// [`unmapped`]; errors our library returns are reported as they are.
pub const UNMAPPED: &str = "cannot map the case to the Rust API: ";

/// An error saying the case cannot be mapped (see [`UNMAPPED`]).
pub fn unmapped(msg: impl std::fmt::Display) -> String {
    format!("{UNMAPPED}{msg}")
}

/// A decoded case value.
#[derive(Debug, Clone)]
pub enum Arg {
    /// Plain JSON (numbers, strings, booleans, null); arrays and objects of plain JSON too.
    Json(Value),
    /// `{"$wb": Class, "args": {...}}`: a data type to build.
    Wb {
        /// Python class (or `Class.method`, or `box3d`).
        class: String,
        /// Its keyword arguments.
        args: Args,
    },
    /// `{"$ndarray": {...}}`.
    NdArray(NdArray),
    /// `{"$ndarray": {"dtype": "object", "shape": [n], "data": [...]}}`: a numpy array of
    /// Python objects (`np.array([{...}, {...}])`), each item any case value.
    ObjectArray(Vec<Arg>),
    /// `{"$torch": {...}}`: a CPU torch tensor of that data (the body is an `$ndarray`'s);
    /// our side passes it as a slice, its shape and the layout the SDK's torch path reads.
    Torch(NdArray),
    /// `{"$npy": path}` (already resolved against the case folder).
    Npy(PathBuf),
    /// `{"$file": path}`: the path, as a string argument, resolved against the case folder.
    File(PathBuf),
    /// `{"$dataframe": {"columns": [...], "data": [[...]]}}`.
    DataFrame {
        /// Column names.
        columns: Vec<Arg>,
        /// Rows.
        data: Vec<Vec<Arg>>,
    },
    /// `{"$float": "nan" | "inf" | "-inf"}`.
    Float(f64),
    /// `{"$datetime": "..."}` (ISO text, naive = UTC).
    Datetime(String),
    /// `{"$tuple": [...]}`.
    Tuple(Vec<Arg>),
    /// `{"$intkeys": {...}}`: a dict with integer keys.
    IntKeys(Vec<(i64, Arg)>),
    /// `{"$plotly": figure}`.
    Plotly(Value),
    /// An array containing special values.
    List(Vec<Arg>),
    /// An object containing special values (keys in order).
    Map(Vec<(String, Arg)>),
}

/// Keyword arguments in order.
#[derive(Debug, Clone, Default)]
pub struct Args(pub Vec<(String, Arg)>);

impl Args {
    /// The argument named `k`.
    pub fn get(&self, k: &str) -> Option<&Arg> {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v)
    }
    /// Names of every argument.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }
    /// Fails if an argument outside `allowed` is present (unknown arguments are a failed case).
    pub fn only(&self, class: &str, allowed: &[&str]) -> Result<(), String> {
        match self.names().find(|n| !allowed.contains(n)) {
            Some(n) => Err(unmapped(format!(
                "{class}: unknown argument {n:?} (known: {})",
                allowed.join(", ")
            ))),
            None => Ok(()),
        }
    }
}

/// An `$ndarray` value.
#[derive(Debug, Clone)]
pub struct NdArray {
    /// numpy dtype name (`uint8`, `int16`, `int32`, `int64`, `float32`, `float64`, `bool`).
    pub dtype: String,
    /// Shape.
    pub shape: Vec<usize>,
    /// Flat row-major data.
    pub data: Vec<Value>,
}

impl NdArray {
    /// The data as `f64` (booleans as 0/1; non-numbers are an error).
    pub fn as_f64(&self) -> Result<Vec<f64>, String> {
        self.data
            .iter()
            .map(|v| match v {
                Value::Bool(b) => Ok(f64::from(u8::from(*b))),
                v => v
                    .as_f64()
                    .ok_or_else(|| format!("$ndarray data must be numbers, got {v:?}")),
            })
            .collect()
    }
    /// The data as `i64` (floats truncated, as a numpy integer dtype array is built).
    pub fn as_i64(&self) -> Result<Vec<i64>, String> {
        self.data
            .iter()
            .map(|v| match v {
                Value::Bool(b) => Ok(i64::from(*b)),
                Value::Int(i) => i64::try_from(*i).map_err(|_| format!("{i} does not fit int64")),
                Value::Float(f) => Ok(*f as i64),
                v => Err(format!("$ndarray data must be numbers, got {v:?}")),
            })
            .collect()
    }
}

/// The body of an `$ndarray` (or `$torch`, named `form` in messages): dtype, shape, flat data.
fn ndarray(body: &Value, form: &str) -> Result<NdArray, String> {
    let dtype = body
        .get("dtype")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{form} needs a dtype"))?
        .to_owned();
    const DTYPES: &[&str] = &[
        "uint8", "int16", "int32", "int64", "float32", "float64", "bool",
    ];
    if !DTYPES.contains(&dtype.as_str()) {
        return Err(format!(
            "{form} dtype {dtype:?} is not one of {}",
            DTYPES.join(", ")
        ));
    }
    let shape = body
        .get("shape")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{form} needs a shape"))?
        .iter()
        .map(|d| {
            d.as_i64()
                .and_then(|d| usize::try_from(d).ok())
                .ok_or_else(|| format!("{form} shape must be non-negative integers"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let data = body
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{form} needs data"))?
        .iter()
        .map(|x| match x.get("$float") {
            Some(f) => special_float(f).map(Value::Float),
            None => Ok(x.clone()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if shape.iter().try_fold(1usize, |n, d| n.checked_mul(*d)) != Some(data.len()) {
        return Err(format!(
            "{form} shape {shape:?} does not hold {} values",
            data.len()
        ));
    }
    Ok(NdArray { dtype, shape, data })
}

/// `"nan"`, `"inf"` or `"-inf"` as a float.
fn special_float(v: &Value) -> Result<f64, String> {
    match v.as_str() {
        Some("nan") => Ok(f64::NAN),
        Some("inf") => Ok(f64::INFINITY),
        Some("-inf") => Ok(f64::NEG_INFINITY),
        _ => Err(format!(
            "$float takes \"nan\", \"inf\" or \"-inf\", not {v:?}"
        )),
    }
}

/// Decodes a case value. `dir` is the case file's folder, for relative paths.
pub fn decode(v: &Value, dir: &Path) -> Result<Arg, String> {
    match v {
        Value::Array(items) => {
            let items = items
                .iter()
                .map(|i| decode(i, dir))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if items.iter().all(|a| matches!(a, Arg::Json(_))) {
                Arg::Json(Value::Array(
                    items
                        .into_iter()
                        .filter_map(|a| match a {
                            Arg::Json(v) => Some(v),
                            _ => None,
                        })
                        .collect(),
                ))
            } else {
                Arg::List(items)
            })
        }
        Value::Object(m) => decode_object(m, dir),
        v => Ok(Arg::Json(v.clone())),
    }
}

fn decode_object(m: &Map, dir: &Path) -> Result<Arg, String> {
    let special = m.keys().find(|k| k.starts_with('$'));
    let Some(key) = special else {
        let items = m
            .iter()
            .map(|(k, v)| Ok((k.clone(), decode(v, dir)?)))
            .collect::<Result<Vec<_>, String>>()?;
        return Ok(if items.iter().all(|(_, a)| matches!(a, Arg::Json(_))) {
            Arg::Json(Value::Object(m.clone()))
        } else {
            Arg::Map(items)
        });
    };
    let allowed_extra: &[&str] = if key == "$wb" { &["args"] } else { &[] };
    if let Some(extra) = m
        .keys()
        .find(|k| *k != key && !allowed_extra.contains(&k.as_str()))
    {
        return Err(format!("{key} object has an unexpected key {extra:?}"));
    }
    let body = &m[key];
    let text = |what: &str| {
        body.as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{what} takes a string"))
    };
    match key.as_str() {
        "$wb" => {
            let class = text("$wb")?;
            let args = match m.get("args") {
                None => Args::default(),
                Some(Value::Object(a)) => Args(
                    a.iter()
                        .map(|(k, v)| Ok((k.clone(), decode(v, dir)?)))
                        .collect::<Result<_, String>>()?,
                ),
                Some(_) => return Err("$wb args must be an object".into()),
            };
            Ok(Arg::Wb { class, args })
        }
        "$ndarray" if body.get("dtype").and_then(Value::as_str) == Some("object") => {
            let items = body
                .get("data")
                .and_then(Value::as_array)
                .ok_or("$ndarray needs data")?;
            let shape = body.get("shape").and_then(Value::as_array);
            if shape.is_none_or(|s| s.len() != 1 || s[0].as_i64() != Some(items.len() as i64)) {
                return Err("an object $ndarray is 1-D: its shape is [len(data)]".into());
            }
            Ok(Arg::ObjectArray(
                items
                    .iter()
                    .map(|i| decode(i, dir))
                    .collect::<Result<_, _>>()?,
            ))
        }
        "$ndarray" => ndarray(body, "$ndarray").map(Arg::NdArray),
        "$torch" => ndarray(body, "$torch").map(Arg::Torch),
        "$npy" => Ok(Arg::Npy(dir.join(text("$npy")?))),
        "$file" => Ok(Arg::File(dir.join(text("$file")?))),
        "$dataframe" => {
            let columns = body
                .get("columns")
                .and_then(Value::as_array)
                .ok_or("$dataframe needs columns")?;
            let data = body
                .get("data")
                .and_then(Value::as_array)
                .ok_or("$dataframe needs data")?;
            Ok(Arg::DataFrame {
                columns: columns
                    .iter()
                    .map(|c| decode(c, dir))
                    .collect::<Result<_, _>>()?,
                data: data
                    .iter()
                    .map(|r| {
                        r.as_array()
                            .ok_or_else(|| "$dataframe rows must be arrays".to_owned())?
                            .iter()
                            .map(|c| decode(c, dir))
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .collect::<Result<_, _>>()?,
            })
        }
        "$float" => special_float(body).map(Arg::Float),
        "$datetime" => Ok(Arg::Datetime(text("$datetime")?)),
        "$tuple" => match body {
            Value::Array(items) => Ok(Arg::Tuple(
                items
                    .iter()
                    .map(|i| decode(i, dir))
                    .collect::<Result<_, _>>()?,
            )),
            _ => Err("$tuple takes an array".into()),
        },
        "$intkeys" => {
            let obj = body.as_object().ok_or("$intkeys takes an object")?;
            obj.iter()
                .map(|(k, v)| {
                    let k: i64 = k
                        .parse()
                        .map_err(|_| format!("$intkeys key {k:?} is not an integer"))?;
                    Ok((k, decode(v, dir)?))
                })
                .collect::<Result<_, String>>()
                .map(Arg::IntKeys)
        }
        "$plotly" => Ok(Arg::Plotly(body.clone())),
        other => Err(format!("unknown special key {other:?}")),
    }
}

impl NdArray {
    /// Reads a `.npy` file (format versions 1–3, little-endian or byte-order-free dtypes among
    /// `uint8`, `int16`, `int32`, `int64`, `float32`, `float64`, `bool`, C or Fortran order),
    /// as `numpy.load` gives it: the data in row-major order.
    pub fn load_npy(path: &Path) -> Result<NdArray, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse_npy(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses the bytes of a `.npy` file (see [`NdArray::load_npy`]).
    pub fn parse_npy(bytes: &[u8]) -> Result<NdArray, String> {
        let rest = bytes
            .strip_prefix(b"\x93NUMPY")
            .ok_or("not a .npy file (no \\x93NUMPY magic)")?;
        let (major, rest) = rest.split_first().ok_or("truncated .npy header")?;
        let rest = rest.get(1..).ok_or("truncated .npy header")?;
        let (len, rest) = match major {
            1 => {
                let b = rest.get(..2).ok_or("truncated .npy header")?;
                (usize::from(u16::from_le_bytes([b[0], b[1]])), &rest[2..])
            }
            2 | 3 => {
                let b = rest.get(..4).ok_or("truncated .npy header")?;
                (
                    u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize,
                    &rest[4..],
                )
            }
            v => {
                return Err(format!(
                    ".npy format version {v} is not supported (1-3 are)"
                ));
            }
        };
        let header = std::str::from_utf8(rest.get(..len).ok_or("truncated .npy header")?)
            .map_err(|_| ".npy header is not text")?;
        let data = &rest[len..];
        let field = |key: &str| {
            let i = header
                .find(&format!("'{key}'"))
                .ok_or_else(|| format!(".npy header has no {key}"))?;
            let after = header[i + key.len() + 2..].trim_start();
            Ok::<_, String>(after.strip_prefix(':').unwrap_or(after).trim_start())
        };
        let descr = field("descr")?;
        let descr = descr
            .strip_prefix('\'')
            .and_then(|d| d.split('\'').next())
            .ok_or(".npy descr is not a string")?;
        let fortran = field("fortran_order")?.starts_with("True");
        let shape_text = field("shape")?;
        let shape_text = shape_text
            .strip_prefix('(')
            .and_then(|s| s.split(')').next())
            .ok_or(".npy shape is not a tuple")?;
        let shape = shape_text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<usize>()
                    .map_err(|_| format!("bad .npy shape {shape_text:?}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (dtype, size): (&str, usize) = match descr {
            "|u1" | "<u1" => ("uint8", 1),
            "|b1" | "<b1" => ("bool", 1),
            "<i2" => ("int16", 2),
            "<i4" => ("int32", 4),
            "<i8" => ("int64", 8),
            "<f4" => ("float32", 4),
            "<f8" => ("float64", 8),
            d => return Err(format!(".npy dtype {d:?} is not supported")),
        };
        let n = shape
            .iter()
            .try_fold(1usize, |n, d| n.checked_mul(*d))
            .filter(|n| n.checked_mul(size).is_some())
            .ok_or_else(|| format!(".npy shape {shape:?} is too large"))?;
        let raw = data
            .get(..n * size)
            .ok_or_else(|| format!(".npy data holds fewer than {n} values"))?;
        let mut values: Vec<Value> = raw
            .chunks_exact(size)
            .map(|c| {
                let mut b = [0u8; 8];
                b[..size].copy_from_slice(c);
                match dtype {
                    "uint8" => Value::Int(i128::from(c[0])),
                    "bool" => Value::Bool(c[0] != 0),
                    "int16" => Value::Int(i128::from(i16::from_le_bytes([b[0], b[1]]))),
                    "int32" => Value::Int(i128::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
                    "int64" => Value::Int(i128::from(i64::from_le_bytes(b))),
                    "float32" => {
                        Value::Float(f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                    }
                    _ => Value::Float(f64::from_le_bytes(b)),
                }
            })
            .collect();
        if fortran && shape.len() > 1 {
            values = fortran_to_c(&values, &shape);
        }
        Ok(NdArray {
            dtype: dtype.to_owned(),
            shape,
            data: values,
        })
    }
}

/// Reorders column-major data into row-major order.
fn fortran_to_c(values: &[Value], shape: &[usize]) -> Vec<Value> {
    let n = values.len();
    let mut out = Vec::with_capacity(n);
    let mut idx = vec![0usize; shape.len()];
    for _ in 0..n {
        // Fortran offset of the C-order index `idx`.
        let mut off = 0;
        let mut stride = 1;
        for (i, d) in idx.iter().zip(shape) {
            off += i * stride;
            stride *= d;
        }
        out.push(values[off].clone());
        for k in (0..shape.len()).rev() {
            idx[k] += 1;
            if idx[k] < shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `.npy` v1.0 file as numpy writes it: magic, version, header length, a header dict
    /// padded with spaces to a multiple of 64 bytes and ending in a newline, then the data.
    fn npy(descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
        let f = if fortran { "True" } else { "False" };
        let mut h = format!("{{'descr': '{descr}', 'fortran_order': {f}, 'shape': {shape}, }}");
        while (10 + h.len() + 1) % 64 != 0 {
            h.push(' ');
        }
        h.push('\n');
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(h.len() as u16).to_le_bytes());
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn reads_npy_files() {
        let a = NdArray::parse_npy(&npy("|u1", false, "(2, 3)", &[1, 2, 3, 4, 5, 6])).unwrap();
        assert_eq!((a.dtype.as_str(), a.shape.clone()), ("uint8", vec![2, 3]));
        assert_eq!(a.as_i64().unwrap(), vec![1, 2, 3, 4, 5, 6]);
        // Fortran order: column-major bytes come back row-major.
        let a = NdArray::parse_npy(&npy("|u1", true, "(2, 3)", &[1, 4, 2, 5, 3, 6])).unwrap();
        assert_eq!(a.as_i64().unwrap(), vec![1, 2, 3, 4, 5, 6]);
        let data: Vec<u8> = [1.5f64, -2.0]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let a = NdArray::parse_npy(&npy("<f8", false, "(2,)", &data)).unwrap();
        assert_eq!(a.as_f64().unwrap(), vec![1.5, -2.0]);
        assert!(NdArray::parse_npy(&npy(">f8", false, "(2,)", &data)).is_err());
        assert!(NdArray::parse_npy(b"PK\x03\x04").is_err());
    }

    #[test]
    fn decodes_special_forms() {
        let dir = Path::new("/cases");
        let v = wb_core::json::parse(
            r#"{"$ndarray": {"dtype": "float64", "shape": [2], "data": [1, {"$float": "nan"}]}}"#,
        )
        .unwrap();
        let Arg::NdArray(nd) = decode(&v, dir).unwrap() else {
            panic!("not an ndarray")
        };
        assert!(nd.as_f64().unwrap()[1].is_nan());
        let bad = wb_core::json::parse(r#"{"$wat": 1}"#).unwrap();
        assert!(
            decode(&bad, dir)
                .unwrap_err()
                .contains("unknown special key")
        );
        let two = wb_core::json::parse(r#"{"$file": "a", "x": 1}"#).unwrap();
        assert!(decode(&two, dir).is_err());
        let f = wb_core::json::parse(r#"{"$file": "a/b.html"}"#).unwrap();
        assert!(matches!(decode(&f, dir).unwrap(), Arg::File(p) if p == dir.join("a/b.html")));
    }
}
