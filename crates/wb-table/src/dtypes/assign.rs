//! Inference ([`type_of`]), assignment and `explain`, as the SDK's `_dtypes` does them.

use super::{Type, image, sort_by_repr};
use crate::cell::{Cell, Key};
use wb_core::Value;

/// `TypeRegistry.type_of(value)`: the type a cell infers.
pub fn type_of(c: &Cell) -> Type {
    match c {
        Cell::Null => Type::None,
        Cell::Float(f) if f.is_nan() => Type::None,
        Cell::Bool(_) => Type::Boolean,
        Cell::Int(_) | Cell::Float(_) => Type::Number,
        Cell::Str(_) => Type::String,
        Cell::Timestamp(_) => Type::Timestamp,
        Cell::List(items) => list_type_of(items),
        Cell::Dict(m) => Type::TypedDict(m.iter().map(|(k, v)| (k.clone(), type_of(v))).collect()),
        Cell::NdArray(a) => Type::ndarray(a.shape().to_vec()),
        Cell::Index(ix) => Type::ForeignIndex {
            table: ix.table.clone(),
        },
        Cell::Media(m) => match m.column_type() {
            Some(json) => super::json::media_type_from_json(&json)
                .unwrap_or_else(|| Type::PythonObject(m.class_name().to_owned())),
            None => match m.log_type() {
                // The SDK's media types without params, for values that do not say theirs.
                Some(
                    t
                    @ ("audio-file" | "video-file" | "html-file" | "object3D-file" | "bokeh-file"),
                ) => Type::media(t),
                _ => Type::PythonObject(m.class_name().to_owned()),
            },
        },
    }
}

/// `ListType.from_obj`: the element type is `Unknown` (or `None or Unknown` when the list holds
/// `None`) assigned every item in turn.
fn list_type_of(items: &[Cell]) -> Type {
    let mut elem = if items.iter().any(|c| matches!(c, Cell::Null)) {
        Type::optional(Type::Unknown)
    } else {
        Type::Unknown
    };
    for item in items {
        elem = elem.assign(item);
    }
    Type::List {
        element: Box::new(elem),
        length: Some(items.len()),
    }
}

/// The shape `NDArrayType.from_obj` reads off an array or nested list.
fn ndarray_shape(c: &Cell) -> Option<Vec<usize>> {
    match c {
        Cell::NdArray(a) => Some(a.shape().to_vec()),
        Cell::List(_) => {
            let mut shape = Vec::new();
            let mut target = c;
            while let Cell::List(items) = target {
                shape.push(items.len());
                match items.first() {
                    Some(first) => target = first,
                    None => break,
                }
            }
            Some(shape)
        }
        _ => None,
    }
}

/// What iterating a Python value yields (`list(obj)`), for `ListType.assign`.
fn iter_items(c: &Cell) -> Option<Vec<Cell>> {
    match c {
        Cell::List(items) => Some(items.clone()),
        Cell::Str(s) => Some(s.chars().map(|ch| Cell::Str(ch.to_string())).collect()),
        Cell::Dict(m) => Some(
            m.keys()
                .map(|k| match k {
                    Key::Str(s) => Cell::Str(s.clone()),
                    Key::Int(i) => Cell::Int(*i),
                })
                .collect(),
        ),
        Cell::NdArray(a) => {
            let n = a.shape().first().copied()?;
            (0..n).map(|i| a.index(i)).collect()
        }
        _ => None,
    }
}

/// The JSON value of a cell as a `ConstType` holds it (`None` for values JSON cannot hold).
fn const_value(c: &Cell) -> Value {
    match c {
        Cell::Null => Value::Null,
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Int(i) => Value::Int(i128::from(*i)),
        Cell::Float(f) => Value::Float(*f),
        Cell::Str(s) => Value::Str(s.clone()),
        Cell::List(items) => Value::Array(items.iter().map(const_value).collect()),
        Cell::Dict(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.to_json_key(), const_value(v)))
                .collect(),
        ),
        Cell::NdArray(a) => a.to_json(),
        Cell::Timestamp(t) => Value::Str(t.py_repr()),
        Cell::Media(m) => Value::Str(format!("<{} object>", m.class_name())),
        Cell::Index(ix) => Value::Int(ix.row as i128),
    }
}

enum Assignee<'a> {
    Obj(&'a Cell),
    Ty(&'a Type),
}

/// `_union_assigner`: the first member that accepts the value is replaced by the result;
/// failing that, an `Unknown` member becomes the value's type.
fn union_assigner(allowed: &[Type], input: Assignee<'_>) -> Option<Vec<Type>> {
    let mut resolved = Vec::with_capacity(allowed.len() + 1);
    let mut valid = false;
    let mut unknown_count = 0usize;
    for t in allowed {
        if valid {
            resolved.push(t.clone());
        } else if matches!(t, Type::Unknown) {
            unknown_count += 1;
        } else {
            let assigned = match input {
                Assignee::Obj(c) => t.assign(c),
                Assignee::Ty(w) => t.assign_type(w),
            };
            if assigned.is_invalid() {
                resolved.push(t.clone());
            } else {
                resolved.push(assigned);
                valid = true;
            }
        }
    }
    if !valid {
        if unknown_count == 0 {
            return None;
        }
        let new_type = match input {
            Assignee::Ty(w) => w.clone(),
            Assignee::Obj(c) => Type::Unknown.assign(c),
        };
        if new_type.is_invalid() {
            return None;
        }
        resolved.push(new_type);
        unknown_count -= 1;
    }
    resolved.extend(std::iter::repeat_n(Type::Unknown, unknown_count));
    let mut flat = Vec::with_capacity(resolved.len());
    for t in resolved {
        match t {
            Type::Union(inner) => flat.extend(inner),
            t => flat.push(t),
        }
    }
    sort_by_repr(&mut flat);
    Some(flat)
}

impl Type {
    /// `type.assign(value)`: the type after accepting `c`, or [`Type::Invalid`].
    pub fn assign(&self, c: &Cell) -> Type {
        match self {
            Type::Const { .. } => self.assign_type(&Type::Const {
                val: const_value(c),
                is_set: false,
            }),
            Type::Union(ts) => {
                union_assigner(ts, Assignee::Obj(c)).map_or(Type::Invalid, Type::union)
            }
            Type::List { element, .. } => {
                let Some(items) = iter_items(c) else {
                    return Type::Invalid;
                };
                let mut t = (**element).clone();
                for item in &items {
                    t = t.assign(item);
                    if t.is_invalid() {
                        return Type::Invalid;
                    }
                }
                Type::List {
                    element: Box::new(t),
                    length: Some(items.len()),
                }
            }
            Type::NdArray { .. } => match ndarray_shape(c) {
                Some(shape) => self.assign_type(&Type::ndarray(shape)),
                None => Type::Invalid,
            },
            Type::TypedDict(map) => {
                let Cell::Dict(d) = c else {
                    return Type::Invalid;
                };
                if d.keys().any(|k| !map.iter().any(|(mk, _)| mk == k)) {
                    return Type::Invalid;
                }
                let mut out = Vec::with_capacity(map.len());
                for (k, t) in map {
                    let v = d.get(k).unwrap_or(&Cell::Null);
                    let nt = t.assign(v);
                    if nt.is_invalid() {
                        return Type::Invalid;
                    }
                    out.push((k.clone(), nt));
                }
                Type::TypedDict(out)
            }
            Type::Media { name, params } if name == "classesId" => {
                let ok = params
                    .get("valid_ids")
                    .and_then(|u| u.get("params"))
                    .and_then(|p| p.get("allowed_types"))
                    .and_then(Value::as_array)
                    .is_some_and(|ids| {
                        let v = const_value(c);
                        ids.iter()
                            .any(|i| i.get("params").and_then(|p| p.get("val")) == Some(&v))
                    });
                if ok { self.clone() } else { Type::Invalid }
            }
            _ => self.assign_type(&type_of(c)),
        }
    }

    /// `type.assign_type(other)`: the type after accepting values of type `other`.
    pub fn assign_type(&self, w: &Type) -> Type {
        match self {
            Type::Invalid => Type::Invalid,
            Type::Any => {
                if matches!(w, Type::None | Type::Invalid) {
                    Type::Invalid
                } else {
                    Type::Any
                }
            }
            Type::Unknown => {
                if matches!(w, Type::None) {
                    Type::Invalid
                } else {
                    w.clone()
                }
            }
            Type::Union(ts) => {
                let assignees: &[Type] = match w {
                    Type::Union(v) => v,
                    w => std::slice::from_ref(w),
                };
                let mut resolved = ts.clone();
                for a in assignees {
                    match union_assigner(&resolved, Assignee::Ty(a)) {
                        Some(r) => resolved = r,
                        None => return Type::Invalid,
                    }
                }
                Type::union(resolved)
            }
            Type::List { element, length } => {
                if let Type::List {
                    element: e2,
                    length: l2,
                } = w
                {
                    let at = element.assign_type(e2);
                    if !at.is_invalid() {
                        return Type::List {
                            element: Box::new(at),
                            length: if length == l2 { *length } else { None },
                        };
                    }
                }
                Type::Invalid
            }
            Type::NdArray { shape, .. } => match w {
                Type::NdArray { shape: s2, .. } if s2 == shape => self.clone(),
                Type::List { .. } => self.clone(),
                _ => Type::Invalid,
            },
            Type::TypedDict(map) => {
                let Type::TypedDict(m2) = w else {
                    return Type::Invalid;
                };
                if m2.iter().any(|(k, _)| !map.iter().any(|(mk, _)| mk == k)) {
                    return Type::Invalid;
                }
                let mut out = Vec::with_capacity(map.len());
                for (k, t) in map {
                    let other = m2
                        .iter()
                        .find(|(k2, _)| k2 == k)
                        .map_or(&Type::Unknown, |(_, t2)| t2);
                    let nt = t.assign_type(other);
                    if nt.is_invalid() {
                        return Type::Invalid;
                    }
                    out.push((k.clone(), nt));
                }
                Type::TypedDict(out)
            }
            Type::Media { name, params } if name == "image-file" => match w {
                Type::Media {
                    name: n2,
                    params: p2,
                } if n2 == "image-file" => Type::Media {
                    name: name.clone(),
                    params: image::merge(params, p2),
                },
                _ => Type::Invalid,
            },
            Type::Media { name, .. } if name == "classesId" => {
                if let Type::Const { val, .. } = w {
                    return self.assign(&crate::cell::Cell::from(val));
                }
                Type::Invalid
            }
            Type::Table(ct) => match w {
                Type::Table(ct2) => {
                    let r = ct.assign_type(ct2);
                    if r.is_invalid() {
                        Type::Invalid
                    } else {
                        Type::Table(Box::new(r))
                    }
                }
                _ => Type::Invalid,
            },
            Type::PrimaryKey => match w {
                Type::String | Type::PrimaryKey => Type::PrimaryKey,
                _ => Type::Invalid,
            },
            Type::ForeignKey { table, col_name } => match w {
                Type::String => self.clone(),
                Type::ForeignKey {
                    table: t2,
                    col_name: c2,
                } if table.uid == t2.uid && col_name == c2 => self.clone(),
                _ => Type::Invalid,
            },
            Type::ForeignIndex { table } => match w {
                Type::Number => self.clone(),
                Type::ForeignIndex { table: t2 } if table.uid == t2.uid => self.clone(),
                _ => Type::Invalid,
            },
            _ => {
                if self == w {
                    self.clone()
                } else {
                    Type::Invalid
                }
            }
        }
    }

    /// `type.explain(value, depth)`: why `c` cannot be assigned, in the SDK's words.
    pub fn explain(&self, c: &Cell, depth: usize) -> String {
        let gap = "\t".repeat(depth);
        let wbtype = type_of(c);
        let mut exp = if depth > 0 {
            format!("{gap}{wbtype} not assignable to {self}")
        } else {
            format!(
                "{gap}{} of type {wbtype} is not assignable to {self}",
                c.py_str()
            )
        };
        match self {
            Type::Union(ts) => {
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        exp.push_str(&format!("\n{gap}and"));
                    }
                    exp.push('\n');
                    exp.push_str(&t.explain(c, depth + 1));
                }
            }
            Type::List { element, .. } => {
                if let Cell::List(items) = c {
                    let mut t = (**element).clone();
                    for (i, item) in items.iter().enumerate() {
                        let nt = t.assign(item);
                        if nt.is_invalid() {
                            exp.push_str(&format!(
                                "\n{gap}Index {i}:\n{}",
                                t.explain(item, depth + 1)
                            ));
                            break;
                        }
                        t = nt;
                    }
                }
            }
            Type::TypedDict(map) => {
                if let Cell::Dict(d) = c {
                    let extra: Vec<String> = d
                        .keys()
                        .filter(|k| !map.iter().any(|(mk, _)| mk == *k))
                        .map(Key::to_string)
                        .collect();
                    if !extra.is_empty() {
                        exp.push_str(&format!("\n{gap}Found extra keys: {}", extra.join(",")));
                    }
                    for (k, t) in map {
                        let v = d.get(k).unwrap_or(&Cell::Null);
                        if t.assign(v).is_invalid() {
                            exp.push_str(&format!(
                                "\n{gap}Key '{k}':\n{}",
                                t.explain(v, depth + 1)
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
        exp
    }
}

/// `true` when `ty.assign(c)` would return a type equal to `ty` (so nothing about the column
/// type changes). A fast, allocation-free check for the common cells; `false` means "not sure,
/// take the full path".
pub fn fits(ty: &Type, c: &Cell) -> bool {
    match ty {
        Type::Any => !c.is_none_typed(),
        Type::Number => matches!(c, Cell::Int(_)) || matches!(c, Cell::Float(f) if !f.is_nan()),
        Type::String => matches!(c, Cell::Str(_)),
        Type::Boolean => matches!(c, Cell::Bool(_)),
        Type::Timestamp => matches!(c, Cell::Timestamp(_)),
        Type::None => c.is_none_typed(),
        Type::Union(ts) => {
            for t in ts {
                match t {
                    Type::Unknown => continue,
                    Type::Any
                    | Type::Number
                    | Type::String
                    | Type::Boolean
                    | Type::Timestamp
                    | Type::None => {
                        if fits(t, c) {
                            return true;
                        }
                    }
                    t => return fits(t, c),
                }
            }
            false
        }
        Type::List { element, length } => match c {
            Cell::List(items) => {
                *length == Some(items.len()) && items.iter().all(|i| fits(element, i))
            }
            _ => false,
        },
        Type::NdArray { shape, .. } => matches!(c, Cell::NdArray(a) if a.shape() == shape),
        Type::ForeignIndex { table } => match c {
            Cell::Int(_) => true,
            Cell::Float(f) => !f.is_nan(),
            Cell::Index(ix) => ix.table.uid == table.uid,
            _ => false,
        },
        Type::TypedDict(map) => match c {
            Cell::Dict(d) => {
                d.keys().all(|k| map.iter().any(|(mk, _)| mk == k))
                    && map
                        .iter()
                        .all(|(k, t)| fits(t, d.get(k).unwrap_or(&Cell::Null)))
            }
            _ => false,
        },
        _ => false,
    }
}
