//! `repr(str)` against CPython's, over every Unicode scalar value: against the digest CPython
//! 3.11 gave (tests/golden/pyrepr/make_pyrepr.py), and, when `WB_CONFORMANCE_PYTHON` names a
//! Python, against that Python's output character by character.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sha2::{Digest, Sha256};
use std::path::PathBuf;
use wb_core::internal::text::py_str_repr;
use wb_core::json::{self, Value};

fn golden() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/pyrepr/all_chars.json");
    json::parse(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn scalars() -> impl Iterator<Item = char> {
    (0..=0x10ffff).filter_map(char::from_u32)
}

#[test]
fn every_character_as_cpython_writes_it() {
    let all = scalars()
        .map(|c| py_str_repr(&c.to_string()))
        .collect::<Vec<_>>()
        .join("\n");
    let g = golden();
    assert_eq!(
        Some(format!("{:x}", Sha256::digest(all.as_bytes())).as_str()),
        g.get("all_chars_sha256").and_then(Value::as_str),
        "repr(chr(c)) differs from CPython {:?}'s for some c: run with \
         WB_CONFORMANCE_PYTHON=<python> to see which",
        g.get("python")
    );
    for (s, want) in g.get("quotes").and_then(Value::as_object).unwrap() {
        assert_eq!(Some(py_str_repr(s).as_str()), want.as_str(), "{s:?}");
    }
}

#[test]
fn every_character_as_the_given_python_writes_it() {
    let Some(python) = std::env::var_os("WB_CONFORMANCE_PYTHON") else {
        return;
    };
    let out = std::process::Command::new(python)
        .args([
            "-c",
            "import sys\nfor c in range(0x110000):\n    \
             if not 0xD800 <= c <= 0xDFFF: sys.stdout.write(repr(chr(c)) + '\\n')",
        ])
        .env("PYTHONIOENCODING", "utf-8")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    for c in scalars() {
        assert_eq!(
            Some(py_str_repr(&c.to_string()).as_str()),
            lines.next(),
            "U+{:04X}",
            c as u32
        );
    }
}
