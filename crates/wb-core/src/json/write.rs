//! The three writers.

use super::float::{FloatStyle, format_float};
use super::value::{Map, Value};
use std::fmt::Write;

/// The byte format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// pydantic-core, as `wandb.sdk.lib.json_util.dumps`: compact, UTF-8 unescaped, keys in
    /// insertion order, floats like `1e-7`, `0.00001`, `1.0`, `1e+16`.
    Compact,
    /// stdlib `json.dump(..., sort_keys=True)`: `", "`/`": "`, ASCII escapes, keys sorted at
    /// every level, floats as Python `repr` (`1e-07`).
    Python,
    /// wandb-core's `simplejsonext`: compact, floats as Go `'g'` (`1e-05`, integral floats bare);
    /// strings escape only `"`, `\\` and control characters (U+2028, `<`, `&` stay as they are,
    /// as observed in `.wandb` files written by wandb-core 0.31.0).
    Go,
}

/// Serializes `v` in `dialect`.
pub fn to_string(v: &Value, dialect: Dialect) -> String {
    let mut out = String::new();
    write_to(&mut out, v, dialect);
    out
}

/// Appends the serialization of `v` in `dialect` to `out`.
///
/// Values of any depth: nesting is followed with an explicit stack on the heap, not recursion,
/// so a value nested 100 000 levels deep is written on the smallest thread stack.
pub fn write_to(out: &mut String, v: &Value, dialect: Dialect) {
    let (sep, colon) = if dialect == Dialect::Python {
        (", ", ": ")
    } else {
        (",", ":")
    };
    // The containers being written, innermost last, each with the index of its next member.
    let mut open: Vec<Frame<'_>> = Vec::new();
    let mut next = v;
    'value: loop {
        // Write `next` (its key and separator are written): a scalar whole, a container's
        // opening bracket.
        match next {
            Value::Array(items) => {
                out.push('[');
                open.push(Frame::Array(items, 0));
            }
            Value::Object(map) if dialect == Dialect::Python => {
                out.push('{');
                let mut pairs: Vec<(&String, &Value)> = map.iter().collect();
                pairs.sort_by(|a, b| a.0.cmp(b.0));
                open.push(Frame::Sorted(pairs, 0));
            }
            Value::Object(map) => {
                out.push('{');
                open.push(Frame::Object(map, 0));
            }
            scalar => write_scalar(out, scalar, dialect),
        }
        // Go on with the innermost open container: write its scalar members, and come back
        // here with the first array or object among them; close it when all are written.
        while let Some(frame) = open.last_mut() {
            match frame {
                Frame::Array(items, i) => {
                    let items: &[Value] = items;
                    while let Some(item) = items.get(*i) {
                        if *i > 0 {
                            out.push_str(sep);
                        }
                        *i += 1;
                        if is_container(item) {
                            next = item;
                            continue 'value;
                        }
                        write_scalar(out, item, dialect);
                    }
                    out.push(']');
                }
                Frame::Object(map, i) => {
                    let map: &Map = map;
                    let member = |j| map.get_index(j);
                    if let Some(item) = write_members(out, member, i, (sep, colon), dialect) {
                        next = item;
                        continue 'value;
                    }
                }
                Frame::Sorted(pairs, i) => {
                    let pairs: &[(&String, &Value)] = pairs;
                    let member = |j| pairs.get(j).copied();
                    if let Some(item) = write_members(out, member, i, (sep, colon), dialect) {
                        next = item;
                        continue 'value;
                    }
                }
            }
            open.pop();
        }
        return;
    }
}

/// Writes an object's members from index `*i` on (`member(j)` is the `j`-th key and value):
/// scalar members whole; returns the first array or object member, its key written, for the
/// caller to descend into, or `None` once the closing brace is written.
#[inline]
fn write_members<'v>(
    out: &mut String,
    member: impl Fn(usize) -> Option<(&'v String, &'v Value)>,
    i: &mut usize,
    (sep, colon): (&str, &str),
    dialect: Dialect,
) -> Option<&'v Value> {
    while let Some((k, item)) = member(*i) {
        if *i > 0 {
            out.push_str(sep);
        }
        *i += 1;
        write_str(out, k, dialect);
        out.push_str(colon);
        if is_container(item) {
            return Some(item);
        }
        write_scalar(out, item, dialect);
    }
    out.push('}');
    None
}

/// A container being written, and the index of its next member.
enum Frame<'a> {
    Array(&'a [Value], usize),
    /// An object written in insertion order.
    Object(&'a Map, usize),
    /// An object written with its keys sorted (Python dialect).
    Sorted(Vec<(&'a String, &'a Value)>, usize),
}

#[inline]
fn is_container(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

/// Appends an integer in decimal, without the `fmt` machinery (every history row, histogram
/// and table writes many).
pub fn write_int(out: &mut String, i: i64) {
    out.push_str(itoa::Buffer::new().format(i));
}

/// Writes a value that is not an array or an object.
fn write_scalar(out: &mut String, v: &Value, dialect: Dialect) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            if dialect == Dialect::Go && i64::try_from(*i).is_err() {
                // The Go core decodes integers beyond int64 as float64.
                format_float(out, *i as f64, FloatStyle::Go);
            } else if let Ok(small) = i64::try_from(*i) {
                write_int(out, small);
            } else {
                let _ = write!(out, "{i}");
            }
        }
        Value::Float(f) => format_float(
            out,
            *f,
            match dialect {
                Dialect::Compact => FloatStyle::Pydantic,
                Dialect::Python => FloatStyle::Python,
                Dialect::Go => FloatStyle::Go,
            },
        ),
        Value::Str(s) => write_str(out, s, dialect),
        // `write_to` writes containers itself and never passes one here.
        Value::Array(_) | Value::Object(_) => {}
    }
}

/// Appends `s` as a JSON string in `dialect`: `"`, `\\` and control characters escaped as
/// Python's `json` escapes them, and, in [`Dialect::Python`] (`ensure_ascii=True`), every
/// character outside printable ASCII as `\uXXXX` UTF-16 units.
pub fn write_str(out: &mut String, s: &str, dialect: Dialect) {
    out.push('"');
    // Most keys and strings are printable ASCII with nothing to escape: copied at once.
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if dialect == Dialect::Python && !(' '..='~').contains(&c) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_map;

    fn sample() -> Value {
        Value::Array(vec![
            Value::Float(1e-7),
            Value::Float(1e-5),
            Value::Float(1.0),
            Value::Float(f64::NAN),
            Value::Float(f64::NEG_INFINITY),
            Value::Int(1 << 70),
            Value::Str("h\u{e9}llo \u{2603} \u{7f} \u{1} \n \t / < > & \u{2028} \u{1F600}".into()),
            Value::Object(json_map! {"b" => 1, "a" => vec![1.5f64]}),
        ])
    }

    /// Empty and non-empty containers inside one another, in every position.
    fn nested() -> Value {
        Value::Object(json_map! {
            "z" => Value::Array(vec![]),
            "b" => Value::object(),
            "c" => Value::Array(vec![
                Value::Array(vec![]),
                Value::object(),
                Value::Array(vec![Value::Array(vec![])]),
            ]),
            "a" => json_map! {
                "y" => Value::Array(vec![
                    Value::Int(1),
                    Value::Object(json_map! {
                        "f" => Value::Array(vec![]),
                        "e" => json_map! {"x" => Value::Null},
                    }),
                ]),
                "b" => true,
            },
            "k" => Value::Array(vec![Value::Object(json_map! {"b" => 2, "a" => 1}), "s".into()]),
        })
    }

    #[test]
    fn nested_containers_match_the_sdk() {
        // Printed by wandb 0.31.0 `json_util.dumps` and CPython 3.11
        // `json.dumps(..., sort_keys=True)` for the same Python dict.
        let compact = r#"{"z":[],"b":{},"c":[[],{},[[]]],"a":{"y":[1,{"f":[],"e":{"x":null}}],"b":true},"k":[{"b":2,"a":1},"s"]}"#;
        assert_eq!(to_string(&nested(), Dialect::Compact), compact);
        assert_eq!(
            to_string(&nested(), Dialect::Python),
            r#"{"a": {"b": true, "y": [1, {"e": {"x": null}, "f": []}]}, "b": {}, "c": [[], {}, [[]]], "k": [{"a": 1, "b": 2}, "s"], "z": []}"#
        );
        // simplejsonext writes containers, ints, null and booleans as pydantic does.
        assert_eq!(to_string(&nested(), Dialect::Go), compact);
        // Appending keeps what is there.
        let mut out = String::from("x=");
        write_to(&mut out, &nested(), Dialect::Compact);
        assert_eq!(out, format!("x={compact}"));
    }

    #[test]
    fn any_depth_is_written_on_a_small_stack() {
        // 100 000 levels, alternating arrays and objects, on a test thread's 2 MiB stack (any
        // recursion per level would overflow it, in a debug build most of all).
        const DEPTH: usize = 100_000;
        let mut v = Value::Float(0.5);
        for i in 0..DEPTH {
            v = if i % 2 == 0 {
                Value::Array(vec![v])
            } else {
                Value::Object(json_map! {"k" => v})
            };
        }
        for (d, key) in [
            (Dialect::Compact, "{\"k\":"),
            (Dialect::Python, "{\"k\": "),
            (Dialect::Go, "{\"k\":"),
        ] {
            let pair_open = key.to_owned() + "[";
            let expected = pair_open.repeat(DEPTH / 2) + "0.5" + &"]}".repeat(DEPTH / 2);
            assert!(to_string(&v, d) == expected, "{d:?}");
        }
    }

    #[test]
    fn compact_matches_json_util_dumps() {
        // Printed by wandb 0.31.0 `json_util.dumps` for the same Python values.
        assert_eq!(
            to_string(&sample(), Dialect::Compact),
            "[1e-7,0.00001,1.0,NaN,-Infinity,1180591620717411303424,\"h\u{e9}llo \u{2603} \u{7f} \\u0001 \\n \\t / < > & \u{2028} \u{1F600}\",{\"b\":1,\"a\":[1.5]}]"
        );
    }

    #[test]
    fn go_matches_wandb_core_value_json() {
        // Escapes seen in the `value_json` wandb-core 0.31.0 wrote into `.wandb` history records
        // for logged Python strings "a\nb\rc\bd\fe\x1ff\x00g\u2029h" and "<a>&'\" \u2028 \x7f".
        let v = Value::Str("a\nb\rc\u{8}d\u{c}e\u{1f}f\u{0}g\u{2029}h<>&'\"\u{2028}\u{7f}".into());
        assert_eq!(
            to_string(&v, Dialect::Go),
            "\"a\\nb\\rc\\bd\\fe\\u001ff\\u0000g\u{2029}h<>&'\\\"\u{2028}\u{7f}\""
        );
    }

    #[test]
    fn python_matches_json_dumps_sort_keys() {
        // Printed by CPython 3.11 `json.dumps(..., sort_keys=True)`.
        assert_eq!(
            to_string(&sample(), Dialect::Python),
            "[1e-07, 1e-05, 1.0, NaN, -Infinity, 1180591620717411303424, \"h\\u00e9llo \\u2603 \\u007f \\u0001 \\n \\t / < > & \\u2028 \\ud83d\\ude00\", {\"a\": [1.5], \"b\": 1}]"
        );
    }
}
