//! The JSON value type shared by every crate.

use indexmap::IndexMap;

/// An insertion-ordered JSON object, as Python dicts are.
pub type Map = IndexMap<String, Value>;

/// A JSON value as wandb writes it.
///
/// Unlike `serde_json::Value` it keeps integers up to 128 bits (Python ints are unbounded),
/// non-finite floats (`NaN`, `Infinity`) and the insertion order of object keys.
///
/// Dropping, cloning and comparing work at any depth (`traverse.rs`: they follow the nesting
/// with a worklist, not recursion). `Value` implements `Drop`, so a member cannot be moved out
/// of it by a `match` on the value itself: match on `&mut value` and `std::mem::take` it.
#[derive(Default)]
pub enum Value {
    /// `null` (Python `None`).
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer (Python `int`).
    Int(i128),
    /// A float (Python `float`), possibly non-finite.
    Float(f64),
    /// A string.
    Str(String),
    /// An array (Python `list` or `tuple`).
    Array(Vec<Value>),
    /// An object with keys in insertion order (Python `dict`).
    Object(Map),
}

impl Value {
    /// A new empty object.
    pub fn object() -> Self {
        Value::Object(Map::new())
    }

    /// The object's map, if this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The object's map, mutably, if this is an object.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The array's items, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The array's items, taken out of the value; the value itself if it is not an array.
    ///
    /// `Value` implements `Drop`, so `match` cannot move members out of it; this can.
    pub fn into_array(mut self) -> Result<Vec<Value>, Value> {
        match &mut self {
            Value::Array(a) => Ok(std::mem::take(a)),
            _ => Err(self),
        }
    }

    /// The object's map, taken out of the value; the value itself if it is not an object.
    ///
    /// `Value` implements `Drop`, so `match` cannot move members out of it; this can.
    pub fn into_object(mut self) -> Result<Map, Value> {
        match &mut self {
            Value::Object(m) => Ok(std::mem::take(m)),
            _ => Err(self),
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is an integer that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => i64::try_from(*i).ok(),
            _ => None,
        }
    }

    /// The number as `f64`, if this is an integer or a float.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// `true` for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Member `key` of an object (`None` for a missing key or a non-object).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|m| m.get(key))
    }

    /// The `_type` member of an object, as wandb tags its values.
    pub fn type_tag(&self) -> Option<&str> {
        self.get("_type").and_then(Value::as_str)
    }

    /// Python's truthiness: `None`, `False`, `0`, `0.0`, `""`, `[]` and `{}` are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(m) => !m.is_empty(),
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::Int(i128::from(v)) }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl From<usize> for Value {
    fn from(v: usize) -> Self {
        Value::Int(v as i128)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<f32> for Value {
    /// Widened exactly, as numpy's `float32.tolist()` does (`0.1f32` → `0.10000000149011612`).
    fn from(v: f32) -> Self {
        Value::Float(f64::from(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}
impl From<Map> for Value {
    fn from(v: Map) -> Self {
        Value::Object(v)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Self {
        Value::Array(v.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Builds a [`Map`] from `key => value` pairs, keeping their order.
#[macro_export]
macro_rules! json_map {
    ($($k:expr => $v:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut m = $crate::json::Map::new();
        $( m.insert(::std::string::String::from($k), $crate::json::Value::from($v)); )*
        m
    }};
}
