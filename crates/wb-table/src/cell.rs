//! [`Cell`], one value of a table, and [`Key`], a column name or dict key.

use indexmap::IndexMap;
use std::fmt::Write;
use std::sync::Arc;
use wb_core::WbValue;

use crate::nd_array::NdArray;
use crate::pyrepr;
use crate::time::Timestamp;

/// A column name or a dict key: wandb columns are `str` or `int`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A string name.
    Str(String),
    /// An integer name.
    Int(i64),
}

impl Key {
    /// `str(key)`: the JSON object key form (`1` → `"1"`).
    pub fn to_json_key(&self) -> String {
        match self {
            Key::Str(s) => s.clone(),
            Key::Int(i) => i.to_string(),
        }
    }

    /// Python `repr(key)` (`'a'` or `1`).
    pub fn py_repr(&self) -> String {
        match self {
            Key::Str(s) => pyrepr::str_repr(s),
            Key::Int(i) => i.to_string(),
        }
    }

    /// The key as a JSON value (`"a"` or `1`).
    pub fn to_value(&self) -> wb_core::Value {
        match self {
            Key::Str(s) => wb_core::Value::Str(s.clone()),
            Key::Int(i) => wb_core::Value::Int(i128::from(*i)),
        }
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Str(s) => f.write_str(s),
            Key::Int(i) => write!(f, "{i}"),
        }
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Self {
        Key::Str(s.to_owned())
    }
}
impl From<String> for Key {
    fn from(s: String) -> Self {
        Key::Str(s)
    }
}
impl From<&String> for Key {
    fn from(s: &String) -> Self {
        Key::Str(s.clone())
    }
}
impl From<&Key> for Key {
    fn from(k: &Key) -> Self {
        k.clone()
    }
}
impl From<i64> for Key {
    fn from(i: i64) -> Self {
        Key::Int(i)
    }
}
impl From<i32> for Key {
    fn from(i: i32) -> Self {
        Key::Int(i64::from(i))
    }
}

/// One table cell: the Python values a `wandb.Table` holds.
#[derive(Debug, Clone, Default)]
pub enum Cell {
    /// `None`.
    #[default]
    Null,
    /// `bool`.
    Bool(bool),
    /// `int`.
    Int(i64),
    /// `float` (NaN is typed `none`, as the SDK types a bare float NaN).
    Float(f64),
    /// `str`.
    Str(String),
    /// `datetime.datetime` or `datetime.date`.
    Timestamp(Timestamp),
    /// `list` (or tuple).
    List(Vec<Cell>),
    /// `dict`.
    Dict(Box<IndexMap<Key, Cell>>),
    /// `numpy.ndarray`.
    NdArray(Box<NdArray>),
    /// A W&B data type (`Image`, `Audio`, `Html`, a nested `Table`...).
    Media(Arc<dyn WbValue>),
    /// A row index of another table (`Table::index`, the SDK's `_TableIndex`): written as
    /// the integer, typed `foreignIndex` of that table.
    Index(TableIndex),
}

/// A link to row `row` of `table` (the SDK's `_TableIndex`).
#[derive(Debug, Clone)]
pub struct TableIndex {
    /// The row number.
    pub row: usize,
    /// The table it indexes.
    pub table: Arc<crate::table::Table>,
}

impl Cell {
    /// A media cell.
    pub fn from_media(v: impl WbValue) -> Self {
        Cell::Media(Arc::new(v))
    }

    /// A dict cell from `(key, value)` pairs.
    pub fn from_dict<K: Into<Key>, V: Into<Cell>>(items: impl IntoIterator<Item = (K, V)>) -> Self {
        Cell::Dict(Box::new(
            items
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        ))
    }

    /// `true` for `None` and for a float NaN (both typed `none`).
    pub fn is_none_typed(&self) -> bool {
        match self {
            Cell::Null => true,
            Cell::Float(f) => f.is_nan(),
            _ => false,
        }
    }

    /// Python `str(cell)`.
    pub fn py_str(&self) -> String {
        let mut s = String::new();
        match self {
            Cell::Str(v) => s.push_str(v),
            Cell::Timestamp(t) => s.push_str(&t.py_str()),
            Cell::NdArray(a) => s.push_str(&a.py_str()),
            other => other.write_repr(&mut s),
        }
        s
    }

    /// Python `repr(cell)`.
    pub fn py_repr(&self) -> String {
        let mut s = String::new();
        self.write_repr(&mut s);
        s
    }

    fn write_repr(&self, out: &mut String) {
        match self {
            Cell::Null => out.push_str("None"),
            Cell::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
            Cell::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Cell::Float(f) => out.push_str(&pyrepr::float_repr(*f)),
            Cell::Str(s) => out.push_str(&pyrepr::str_repr(s)),
            Cell::Timestamp(t) => out.push_str(&t.py_repr()),
            Cell::List(items) => {
                out.push('[');
                for (i, c) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    c.write_repr(out);
                }
                out.push(']');
            }
            Cell::Dict(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&k.py_repr());
                    out.push_str(": ");
                    v.write_repr(out);
                }
                out.push('}');
            }
            Cell::NdArray(a) => out.push_str(&a.py_repr()),
            Cell::Media(m) => {
                let _ = write!(out, "<{} object>", m.class_name());
            }
            Cell::Index(ix) => {
                let _ = write!(out, "{}", ix.row);
            }
        }
    }

    /// Equality as the SDK's `Table.__eq__` compares cells (`==`; media by `wb_eq`), except that
    /// a float NaN equals `None` (both are typed `none`, and NaN is written `null`).
    pub fn cell_eq(&self, other: &Cell) -> bool {
        match (self, other) {
            // NaN is typed `none` and written `null`: after a round trip it is `None`.
            (a, b) if a.is_none_typed() && b.is_none_typed() => true,
            (Cell::Bool(a), Cell::Bool(b)) => a == b,
            (Cell::Int(a), Cell::Int(b)) => a == b,
            (Cell::Float(a), Cell::Float(b)) => a == b,
            (Cell::Int(a), Cell::Float(b)) | (Cell::Float(b), Cell::Int(a)) => (*a as f64) == *b,
            (Cell::Bool(a), Cell::Int(b)) | (Cell::Int(b), Cell::Bool(a)) => i64::from(*a) == *b,
            (Cell::Str(a), Cell::Str(b)) => a == b,
            (Cell::Timestamp(a), Cell::Timestamp(b)) => a.same_instant(b),
            (Cell::List(a), Cell::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.cell_eq(y))
            }
            (Cell::Dict(a), Cell::Dict(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.get(k).is_some_and(|w| v.cell_eq(w)))
            }
            (Cell::NdArray(a), Cell::NdArray(b)) => a.values_eq(b),
            (Cell::NdArray(a), Cell::List(_)) | (Cell::List(_), Cell::NdArray(a)) => {
                let l = if let Cell::List(_) = self {
                    self
                } else {
                    other
                };
                a.to_cell_list().cell_eq(l)
            }
            (Cell::Media(a), Cell::Media(b)) => a.wb_eq(b.as_ref()),
            (Cell::Index(a), Cell::Index(b)) => a.row == b.row,
            (Cell::Index(a), Cell::Int(b)) | (Cell::Int(b), Cell::Index(a)) => a.row as i64 == *b,
            _ => false,
        }
    }
}

impl From<bool> for Cell {
    fn from(v: bool) -> Self {
        Cell::Bool(v)
    }
}
macro_rules! int_cell {
    ($($t:ty),*) => {$(
        impl From<$t> for Cell {
            fn from(v: $t) -> Self { Cell::Int(i64::from(v)) }
        }
    )*};
}
int_cell!(i8, i16, i32, i64, u8, u16, u32);
impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Float(v)
    }
}
impl From<f32> for Cell {
    fn from(v: f32) -> Self {
        Cell::Float(f64::from(v))
    }
}
impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Str(v.to_owned())
    }
}
impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Str(v)
    }
}
impl From<Timestamp> for Cell {
    fn from(v: Timestamp) -> Self {
        Cell::Timestamp(v)
    }
}
impl From<NdArray> for Cell {
    fn from(v: NdArray) -> Self {
        Cell::NdArray(Box::new(v))
    }
}
impl From<Arc<dyn WbValue>> for Cell {
    fn from(v: Arc<dyn WbValue>) -> Self {
        Cell::Media(v)
    }
}
impl<T: Into<Cell>> From<Vec<T>> for Cell {
    fn from(v: Vec<T>) -> Self {
        Cell::List(v.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Null, Into::into)
    }
}

/// Converts plain JSON into a cell (arrays → lists, objects → dicts).
impl From<&wb_core::Value> for Cell {
    fn from(v: &wb_core::Value) -> Self {
        use wb_core::Value as V;
        match v {
            V::Null => Cell::Null,
            V::Bool(b) => Cell::Bool(*b),
            V::Int(i) => i64::try_from(*i).map_or(Cell::Float(*i as f64), Cell::Int),
            V::Float(f) => Cell::Float(*f),
            V::Str(s) => Cell::Str(s.clone()),
            V::Array(a) => Cell::List(a.iter().map(Cell::from).collect()),
            V::Object(m) => Cell::Dict(Box::new(
                m.iter()
                    .map(|(k, v)| (Key::Str(k.clone()), Cell::from(v)))
                    .collect(),
            )),
        }
    }
}
