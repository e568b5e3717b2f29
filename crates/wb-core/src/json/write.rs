//! The three writers.

use super::float::{FloatStyle, format_float};
use super::value::Value;
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
pub fn write_to(out: &mut String, v: &Value, dialect: Dialect) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            if dialect == Dialect::Go && i64::try_from(*i).is_err() {
                // The Go core decodes integers beyond int64 as float64.
                format_float(out, *i as f64, FloatStyle::Go);
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
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(if dialect == Dialect::Python {
                        ", "
                    } else {
                        ","
                    });
                }
                write_to(out, item, dialect);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            let (sep, colon) = if dialect == Dialect::Python {
                (", ", ": ")
            } else {
                (",", ":")
            };
            let write_pair = |out: &mut String, i: usize, k: &str, v: &Value| {
                if i > 0 {
                    out.push_str(sep);
                }
                write_str(out, k, dialect);
                out.push_str(colon);
                write_to(out, v, dialect);
            };
            if dialect == Dialect::Python {
                let mut pairs: Vec<(&String, &Value)> = map.iter().collect();
                pairs.sort_by(|a, b| a.0.cmp(b.0));
                for (i, (k, v)) in pairs.into_iter().enumerate() {
                    write_pair(out, i, k, v);
                }
            } else {
                for (i, (k, v)) in map.iter().enumerate() {
                    write_pair(out, i, k, v);
                }
            }
            out.push('}');
        }
    }
}

fn write_str(out: &mut String, s: &str, dialect: Dialect) {
    out.push('"');
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
