//! Python `repr` of the few value kinds that appear in the SDK's error messages.

use wb_core::json::{FloatStyle, format_float};

/// `repr(float)`: `1.5`, `1e-07`, `nan`, `inf`, `-inf`.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let mut s = String::new();
    format_float(&mut s, f, FloatStyle::Python);
    s
}

/// `repr(str)`: single quotes unless the text has a `'` and no `"`.
pub use wb_core::internal::text::py_str_repr as str_repr;

/// Python `str()` of a JSON value as the SDK's `Const` types print it (strings bare at the
/// top level, `repr` inside containers; arrays printed as sets when `as_set`).
pub fn value_str(v: &wb_core::Value, top: bool, as_set: bool) -> String {
    use wb_core::Value as V;
    match v {
        V::Null => "None".into(),
        V::Bool(b) => if *b { "True" } else { "False" }.into(),
        V::Int(i) => i.to_string(),
        V::Float(f) => float_repr(*f),
        V::Str(s) if top => s.clone(),
        V::Str(s) => str_repr(s),
        V::Array(a) if as_set && a.is_empty() => "set()".into(),
        V::Array(a) => {
            let inner: Vec<String> = a.iter().map(|x| value_str(x, false, false)).collect();
            if as_set {
                format!("{{{}}}", inner.join(", "))
            } else {
                format!("[{}]", inner.join(", "))
            }
        }
        V::Object(m) => {
            let inner: Vec<String> = m
                .iter()
                .map(|(k, x)| format!("{}: {}", str_repr(k), value_str(x, false, as_set)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs() {
        assert_eq!(float_repr(1e-7), "1e-07");
        assert_eq!(float_repr(1.0), "1.0");
        assert_eq!(float_repr(f64::NAN), "nan");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a'\"b"), "'a\\'\"b'");
        assert_eq!(str_repr("x\n"), "'x\\n'");
    }
}
