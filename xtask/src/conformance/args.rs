//! Case values (CASES.md "Values") decoded into [`Arg`]s, which family builders turn into our
//! public API calls.

use std::path::{Path, PathBuf};
use wb_types::core::json::{Map, Value};

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
            Some(n) => Err(format!(
                "{class}: unknown argument {n:?} (known: {})",
                allowed.join(", ")
            )),
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
        "$ndarray" => {
            let dtype = body
                .get("dtype")
                .and_then(Value::as_str)
                .ok_or("$ndarray needs a dtype")?
                .to_owned();
            const DTYPES: &[&str] = &[
                "uint8", "int16", "int32", "int64", "float32", "float64", "bool",
            ];
            if !DTYPES.contains(&dtype.as_str()) {
                return Err(format!(
                    "$ndarray dtype {dtype:?} is not one of {}",
                    DTYPES.join(", ")
                ));
            }
            let shape = body
                .get("shape")
                .and_then(Value::as_array)
                .ok_or("$ndarray needs a shape")?
                .iter()
                .map(|d| {
                    d.as_i64()
                        .and_then(|d| usize::try_from(d).ok())
                        .ok_or("$ndarray shape must be non-negative integers")
                })
                .collect::<Result<Vec<_>, _>>()?;
            let data = body
                .get("data")
                .and_then(Value::as_array)
                .ok_or("$ndarray needs data")?
                .to_vec();
            if shape.iter().product::<usize>() != data.len() {
                return Err(format!(
                    "$ndarray shape {shape:?} does not hold {} values",
                    data.len()
                ));
            }
            Ok(Arg::NdArray(NdArray { dtype, shape, data }))
        }
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
        "$float" => match text("$float")?.as_str() {
            "nan" => Ok(Arg::Float(f64::NAN)),
            "inf" => Ok(Arg::Float(f64::INFINITY)),
            "-inf" => Ok(Arg::Float(f64::NEG_INFINITY)),
            other => Err(format!(
                "$float takes \"nan\", \"inf\" or \"-inf\", not {other:?}"
            )),
        },
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
