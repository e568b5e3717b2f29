//! `str(type)`: the text of the SDK's error messages and the key unions are sorted by.

use super::Type;
use crate::pyrepr::value_str;
use std::fmt;

/// Python's `str.capitalize()`.
fn capitalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::PythonObject(c) => write!(f, "Pythonobject(class_name:{c})"),
            Type::Const { val, is_set } => f.write_str(&value_str(val, true, *is_set)),
            Type::Union(ts) => {
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    write!(f, "{t}")?;
                }
                Ok(())
            }
            Type::List { element, .. } => write!(f, "{element}[]"),
            Type::TypedDict(map) => {
                f.write_str("{")?;
                for (i, (k, t)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {t}", k.py_repr())?;
                }
                f.write_str("}")
            }
            Type::NdArray { shape, .. } => {
                let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
                write!(f, "Ndarray(shape:[{}])", dims.join(", "))
            }
            Type::Media { name, params } => {
                f.write_str(&capitalize(name))?;
                if !params.is_empty() {
                    f.write_str("(")?;
                    for (i, (k, v)) in params.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        let text = match super::json::param_type(v) {
                            Some(t) => t.to_string(),
                            None => value_str(v, true, false),
                        };
                        write!(f, "{k}:{text}")?;
                    }
                    f.write_str(")")?;
                }
                Ok(())
            }
            Type::Table(ct) => write!(f, "Table(column_types:{ct})"),
            Type::ForeignKey { col_name, .. } => {
                write!(f, "Foreignkey(table:<Table object>, col_name:{col_name})")
            }
            Type::ForeignIndex { .. } => f.write_str("Foreignindex(table:<Table object>)"),
            other => f.write_str(&capitalize(other.name())),
        }
    }
}
