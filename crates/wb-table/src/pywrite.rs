//! Fast writers for the stdlib `json.dump(sort_keys=True)` dialect the SDK uses for artifact
//! entries, straight from cells (no intermediate JSON tree).

use crate::cell::{Cell, Key};
use wb_core::artifact::ArtifactTarget;
use wb_core::json::{Dialect, FloatStyle, format_float, write_to};
use wb_core::{Error, Result};

/// Appends `s` as a JSON string with ASCII escapes (`ensure_ascii=True`).
pub fn write_str(out: &mut String, s: &str) {
    wb_core::json::write_str(out, s, Dialect::Python);
}

/// Appends a float as Python's `repr` (`NaN`/`Infinity` as the stdlib writes them): the
/// shortest round-trip digits, ties to even as CPython breaks them.
pub fn write_float(out: &mut String, f: f64) {
    format_float(out, f, FloatStyle::Python);
}

/// Appends an integer.
pub fn write_int(out: &mut String, i: i64) {
    wb_core::json::write_int(out, i);
}

/// Whether a cell holds media (whose artifact JSON adds files to the artifact), at any depth.
pub fn has_media(c: &Cell) -> bool {
    match c {
        Cell::Media(_) => true,
        Cell::List(items) => items.iter().any(has_media),
        Cell::Dict(m) => m.values().any(has_media),
        _ => false,
    }
}

/// Sorts keys as `sort_keys=True` does: all strings, or all integers (numerically); a mix is
/// the `TypeError` Python raises.
pub fn sorted_keys<'a>(keys: impl Iterator<Item = &'a Key>) -> Result<Vec<&'a Key>> {
    let mut v: Vec<&Key> = keys.collect();
    let strs = v.iter().filter(|k| matches!(k, Key::Str(_))).count();
    if strs != 0 && strs != v.len() {
        return Err(Error::type_error(
            "'<' not supported between instances of 'int' and 'str' (json.dump(sort_keys=True) cannot sort a mix of integer and string keys)",
        ));
    }
    v.sort();
    Ok(v)
}

/// [`write_cell`] for the cells most tables are made of (numbers, strings, booleans, `None`),
/// inlined into the row loops; `false`, writing nothing, for any other cell.
#[inline]
fn write_plain_cell(out: &mut String, c: &Cell) -> bool {
    match c {
        Cell::Int(i) => write_int(out, *i),
        Cell::Float(f) if f.is_nan() => out.push_str("null"),
        Cell::Float(f) => write_float(out, *f),
        Cell::Str(s) => write_str(out, s),
        Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Cell::Null => out.push_str("null"),
        _ => return false,
    }
    true
}

/// Appends a cell as `_json_helper` converts it for an artifact table, then as
/// `json.dump(sort_keys=True)` writes it: media become their artifact JSON (their files are
/// added to `artifact`), NaN becomes `null`, datetimes epoch milliseconds, arrays lists.
#[inline]
pub fn write_cell(out: &mut String, c: &Cell, artifact: &mut dyn ArtifactTarget) -> Result<()> {
    if write_plain_cell(out, c) {
        return Ok(());
    }
    write_other_cell(out, c, artifact)
}

/// [`write_cell`] for the cells [`write_plain_cell`] does not write.
fn write_other_cell(out: &mut String, c: &Cell, artifact: &mut dyn ArtifactTarget) -> Result<()> {
    match c {
        Cell::Null => out.push_str("null"),
        Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Cell::Int(i) => write_int(out, *i),
        Cell::Float(f) if f.is_nan() => out.push_str("null"),
        Cell::Float(f) => write_float(out, *f),
        Cell::Str(s) => write_str(out, s),
        Cell::Timestamp(t) => write_int(out, t.artifact_millis()),
        Cell::Index(ix) => write_int(out, ix.row as i64),
        Cell::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_cell(out, item, artifact)?;
            }
            out.push(']');
        }
        Cell::Dict(m) => {
            out.push('{');
            for (i, k) in sorted_keys(m.keys())?.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str(out, &k.to_json_key());
                out.push_str(": ");
                if let Some(v) = m.get(k) {
                    write_cell(out, v, artifact)?;
                }
            }
            out.push('}');
        }
        Cell::NdArray(a) => {
            // tolist() keeps NaN as a float; json_friendly then turns it into null.
            write_nan_as_null(out, &a.to_json());
        }
        Cell::Media(m) => {
            let json = m.to_artifact_json(artifact)?;
            write_to(out, &json, Dialect::Python);
        }
    }
    Ok(())
}

fn write_nan_as_null(out: &mut String, v: &wb_core::Value) {
    match v {
        wb_core::Value::Float(f) if f.is_nan() => out.push_str("null"),
        wb_core::Value::Float(f) => write_float(out, *f),
        wb_core::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_nan_as_null(out, item);
            }
            out.push(']');
        }
        other => write_to(out, other, Dialect::Python),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_and_strings_match_python() {
        let mut s = String::new();
        for f in [
            1.5,
            1e-7,
            1e-5,
            1e-4,
            100.0,
            1e16,
            1e15,
            0.1,
            -0.0,
            f64::INFINITY,
        ] {
            write_float(&mut s, f);
            s.push(' ');
        }
        // Printed by CPython 3.11 json.dumps for the same floats.
        assert_eq!(
            s,
            "1.5 1e-07 1e-05 0.0001 100.0 1e+16 1000000000000000.0 0.1 -0.0 Infinity "
        );
        // A tie between two shortest candidates: CPython keeps the even digit.
        let mut tie = String::new();
        write_float(&mut tie, 1_042_995_743_071_348.0 + 0.25); // exact: the ulp here is 1/8
        assert_eq!(tie, "1042995743071348.2");
        let mut ints = String::new();
        for i in [0, 7, -7, 10, 1_000_000, i64::MAX, i64::MIN] {
            write_int(&mut ints, i);
            ints.push(' ');
        }
        assert_eq!(
            ints,
            "0 7 -7 10 1000000 9223372036854775807 -9223372036854775808 "
        );
        let mut t = String::new();
        write_str(&mut t, "h\u{e9}\"\u{1F600}\u{7f}");
        assert_eq!(t, "\"h\\u00e9\\\"\\ud83d\\ude00\\u007f\"");
    }
}
