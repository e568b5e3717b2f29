//! The SDK's `_dtypes` column type system: [`Type`], inference from cells ([`type_of`]),
//! assignment ([`Type::assign`], [`Type::assign_type`]), the `explain` messages of type errors,
//! and the `{"wb_type": ..., "params": ...}` JSON.
//!
//! Everything here follows `wandb/sdk/data_types/_dtypes.py` of wandb 0.31.0, including the
//! order of union members (sorted by their Python `repr`) and the exact error texts.

mod assign;
mod image;
mod json;
mod repr;

use crate::cell::Key;
use crate::table::Table;
use std::sync::Arc;
use wb_core::Value;
use wb_core::json::Map;

pub(crate) use assign::{fits, type_of};
pub(crate) use json::{TypeJsonContext, type_from_json};

/// A column type (the SDK's `_dtypes.Type` subclasses).
#[derive(Debug, Clone)]
pub enum Type {
    /// `invalid`: the result of a failed assignment.
    Invalid,
    /// `any`: anything but `None` (`allow_mixed_types`).
    Any,
    /// `unknown`: not yet seen; becomes the type of the first value assigned.
    Unknown,
    /// `none`.
    None,
    /// `string`.
    String,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `timestamp`.
    Timestamp,
    /// `pythonObject`: any other class, by name.
    PythonObject(String),
    /// `const`: one value (or a set of values).
    Const {
        /// The value.
        val: Value,
        /// Whether the value is a set.
        is_set: bool,
    },
    /// `union`: flattened, members sorted by their `repr` (build with [`Type::union`]).
    Union(Vec<Type>),
    /// `list` of one element type; `length` is the length of the last list assigned, or `None`.
    List {
        /// Element type.
        element: Box<Type>,
        /// Length.
        length: Option<usize>,
    },
    /// `typedDict`: a type per key (a table's column types are one).
    TypedDict(Vec<(Key, Type)>),
    /// `ndarray` of a shape; `serialization_path` is set while a table is written as npz.
    NdArray {
        /// Shape.
        shape: Vec<usize>,
        /// `{"path": entry, "key": column}` of the npz holding the column.
        serialization_path: Option<(String, String)>,
    },
    /// A media type (`image-file`, `audio-file`, `video-file`, `html-file`, `object3D-file`,
    /// `classesId`, ...) with its JSON params.
    Media {
        /// The `wb_type`.
        name: String,
        /// Its params, as JSON (nested types in their JSON form).
        params: Map,
    },
    /// `table`: a nested table, by its column types.
    Table(Box<Type>),
    /// `joined-table`.
    JoinedTable,
    /// `partitioned-table`.
    PartitionedTable,
    /// `primaryKey` (`Table::set_pk`).
    PrimaryKey,
    /// `foreignKey` to a column of another table (`Table::set_fk`).
    ForeignKey {
        /// The referenced table.
        table: Arc<Table>,
        /// Its column.
        col_name: String,
    },
    /// `foreignIndex`: row indexes of another table.
    ForeignIndex {
        /// The referenced table.
        table: Arc<Table>,
    },
}

impl PartialEq for Type {
    /// The SDK's `Type.__eq__`: same name and params (an ndarray's serialization path is not a
    /// param; key types compare their tables by identity).
    fn eq(&self, other: &Type) -> bool {
        use Type as T;
        match (self, other) {
            (T::PythonObject(a), T::PythonObject(b)) => a == b,
            (T::Const { val: a, is_set: x }, T::Const { val: b, is_set: y }) => {
                x == y && const_eq(a, b, *x)
            }
            (T::Union(a), T::Union(b)) => a == b,
            (
                T::List {
                    element: a,
                    length: x,
                },
                T::List {
                    element: b,
                    length: y,
                },
            ) => a == b && x == y,
            (T::TypedDict(a), T::TypedDict(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, t)| b.iter().any(|(k2, t2)| k == k2 && t == t2))
            }
            (T::NdArray { shape: a, .. }, T::NdArray { shape: b, .. }) => a == b,
            (T::Media { name: a, params: p }, T::Media { name: b, params: q }) => {
                a == b && Value::Object(p.clone()) == Value::Object(q.clone())
            }
            (T::Table(a), T::Table(b)) => a == b,
            (
                T::ForeignKey {
                    table: a,
                    col_name: x,
                },
                T::ForeignKey {
                    table: b,
                    col_name: y,
                },
            ) => a.uid == b.uid && x == y,
            (T::ForeignIndex { table: a }, T::ForeignIndex { table: b }) => a.uid == b.uid,
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b) && a.is_simple(),
        }
    }
}

fn const_eq(a: &Value, b: &Value, is_set: bool) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) if is_set => {
            x.len() == y.len() && x.iter().all(|v| y.contains(v))
        }
        _ => a == b,
    }
}

impl Type {
    fn is_simple(&self) -> bool {
        matches!(
            self,
            Type::Invalid
                | Type::Any
                | Type::Unknown
                | Type::None
                | Type::String
                | Type::Number
                | Type::Boolean
                | Type::Timestamp
                | Type::JoinedTable
                | Type::PartitionedTable
                | Type::PrimaryKey
        )
    }

    /// The `wb_type` name.
    pub fn name(&self) -> &str {
        match self {
            Type::Invalid => "invalid",
            Type::Any => "any",
            Type::Unknown => "unknown",
            Type::None => "none",
            Type::String => "string",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::Timestamp => "timestamp",
            Type::PythonObject(_) => "pythonObject",
            Type::Const { .. } => "const",
            Type::Union(_) => "union",
            Type::List { .. } => "list",
            Type::TypedDict(_) => "typedDict",
            Type::NdArray { .. } => "ndarray",
            Type::Media { name, .. } => name,
            Type::Table(_) => "table",
            Type::JoinedTable => "joined-table",
            Type::PartitionedTable => "partitioned-table",
            Type::PrimaryKey => "primaryKey",
            Type::ForeignKey { .. } => "foreignKey",
            Type::ForeignIndex { .. } => "foreignIndex",
        }
    }

    /// `true` for the invalid type.
    pub fn is_invalid(&self) -> bool {
        matches!(self, Type::Invalid)
    }

    /// `UnionType(types)`: flattened and sorted by `repr`.
    pub fn union(types: impl IntoIterator<Item = Type>) -> Type {
        let mut flat = Vec::new();
        flatten_into(types, &mut flat);
        sort_by_repr(&mut flat);
        Type::Union(flat)
    }

    /// `OptionalType(t)`: `t or None`.
    pub fn optional(t: Type) -> Type {
        Type::union([t, Type::None])
    }

    /// `ListType(element)` with no length (the `[int]` dtype notation).
    pub fn list(element: Type) -> Type {
        Type::List {
            element: Box::new(element),
            length: None,
        }
    }

    /// `TypedDictType({key: type})` (the `{"a": int}` dtype notation).
    pub fn typed_dict<K: Into<Key>>(items: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::TypedDict(items.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    /// `ConstType(value)` (a concrete value given as a dtype).
    pub fn constant(val: impl Into<Value>) -> Type {
        Type::Const {
            val: val.into(),
            is_set: false,
        }
    }

    /// `NDArrayType(shape)`.
    pub fn ndarray(shape: Vec<usize>) -> Type {
        Type::NdArray {
            shape,
            serialization_path: None,
        }
    }

    /// A media type with no params (`Type::media("audio-file")`).
    pub fn media(name: &str) -> Type {
        Type::Media {
            name: name.to_owned(),
            params: Map::new(),
        }
    }

    /// The ndarray member of this type (itself, or in a union), if any.
    pub fn ndarray_member(&self) -> Option<&Type> {
        match self {
            Type::NdArray { .. } => Some(self),
            Type::Union(ts) => ts.iter().rev().find(|t| matches!(t, Type::NdArray { .. })),
            _ => None,
        }
    }

    /// Whether this type is, or has as union member, `timestamp`.
    pub fn has_timestamp(&self) -> bool {
        match self {
            Type::Timestamp => true,
            Type::Union(ts) => ts.iter().any(|t| matches!(t, Type::Timestamp)),
            _ => false,
        }
    }
}

fn flatten_into(types: impl IntoIterator<Item = Type>, out: &mut Vec<Type>) {
    for t in types {
        match t {
            Type::Union(inner) => flatten_into(inner, out),
            t => out.push(t),
        }
    }
}

/// Sorts types as `list.sort(key=str)` does (stable, by `repr`).
pub(crate) fn sort_by_repr(types: &mut [Type]) {
    if types.len() < 2 {
        return;
    }
    let mut keyed: Vec<(String, Type)> = types
        .iter_mut()
        .map(|t| (t.to_string(), std::mem::replace(t, Type::Invalid)))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    for (slot, (_, t)) in types.iter_mut().zip(keyed) {
        *slot = t;
    }
}

#[cfg(test)]
mod tests;
