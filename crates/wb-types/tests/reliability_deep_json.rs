//! Deeply nested JSON (issue 9). `json::parse` reads up to `MAX_DEPTH` (1000) levels, about
//! what Python's `json` reads and writes, and refuses deeper input with an error saying so,
//! wherever JSON is read: `json::parse`, the registry, `.wandb` values. A `Value` built deeper
//! than that in code (10 000 and 100 000 levels here) is written in every dialect, cloned,
//! compared, printed, logged and dropped without recursion, so without overflowing the stack
//! of a thread with 2 MiB, the default for spawned threads, in a debug build.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use wb_types::core::json::{self, Dialect, MAX_DEPTH, Map, Value};
use wb_types::run::{Row, Run, RunLog};
use wb_types::{Artifact, Plotly};

const DEPTH: usize = 10_000;

/// `depth` levels, arrays and objects in turn (the innermost an array) around `1`:
/// `{"k": [{"k": [... [1] ...]}]}` for an even depth.
fn deep_value(depth: usize) -> Value {
    let mut v = Value::Int(1);
    for i in 0..depth {
        v = if i % 2 == 0 {
            Value::Array(vec![v])
        } else {
            let mut m = Map::new();
            m.insert("k".into(), v);
            Value::Object(m)
        };
    }
    v
}

/// The text of `deep_value(depth)` (even `depth`) in `dialect`, built directly.
fn deep_text(depth: usize, dialect: Dialect) -> String {
    let open = if dialect == Dialect::Python {
        "{\"k\": ["
    } else {
        "{\"k\":["
    };
    open.repeat(depth / 2) + "1" + &"]}".repeat(depth / 2)
}

/// Checks the error `json::parse` gives for `text`, nested deeper than `MAX_DEPTH`: at the
/// opening bracket of level 1001.
fn assert_too_deep(text: &str) {
    let err = json::parse(text).unwrap_err();
    // Where nesting reaches level 1001 (no brackets inside strings in these texts).
    let mut depth = 0;
    let at = text
        .bytes()
        .position(|b| {
            match b {
                b'[' | b'{' => depth += 1,
                b']' | b'}' => depth -= 1,
                _ => {}
            }
            depth > MAX_DEPTH
        })
        .unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "invalid JSON at byte {at}: JSON nested deeper than 1000 levels: at most 1000 arrays \
             and objects may enclose one another (wandb's Python SDK cannot write deeper JSON \
             either)"
        )
    );
}

/// Runs `f` on a thread with a 2 MiB stack (what `std::thread::spawn` gives by default),
/// whatever `RUST_MIN_STACK` says.
fn on_2mib_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn parsing_reads_1000_levels_and_refuses_more() {
    on_2mib_stack(|| {
        for depth in [DEPTH, 100_000] {
            for text in [
                "[".repeat(depth) + &"]".repeat(depth),
                "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth),
                deep_text(depth, Dialect::Python),
                // Unclosed.
                "[".repeat(depth),
            ] {
                assert_too_deep(&text);
            }
        }
        assert_too_deep(&deep_text(MAX_DEPTH + 2, Dialect::Compact));
        // 1000 levels read back to the value that wrote them, in each dialect.
        let v = deep_value(MAX_DEPTH);
        for d in [Dialect::Compact, Dialect::Python, Dialect::Go] {
            let text = deep_text(MAX_DEPTH, d);
            assert_eq!(json::to_string(&v, d), text);
            assert!(json::parse(&text).unwrap() == v);
        }
    });
}

#[test]
fn deep_values_are_written_cloned_compared_and_dropped_on_a_2mib_stack() {
    on_2mib_stack(|| {
        for depth in [DEPTH, 100_000] {
            let v = deep_value(depth);
            for d in [Dialect::Compact, Dialect::Python, Dialect::Go] {
                let text = json::to_string(&v, d);
                // `assert!`, not `assert_eq!`: a failure would print megabytes.
                assert!(text == deep_text(depth, d), "{d:?}, {depth} levels");
                // Deeper than the parser reads: refused with the error, not a crash.
                assert_too_deep(&text);
            }
            let copy = v.clone();
            assert!(copy == v);
            assert!(deep_value(depth - 2) != v);
            // `{:?}` elides what is nested deeper than DEBUG_DEPTH levels.
            assert!(format!("{v:?}").len() < 100 * json::DEBUG_DEPTH);
            drop(copy);
            drop(Arc::new(v));
        }
    });
}

#[test]
fn deep_values_are_logged_to_a_run_and_given_to_the_decoders() {
    on_2mib_stack(|| {
        let v = deep_value(DEPTH);
        // As a figure (written whole: our Plotly takes any object) and in a run: logged.
        assert!(Plotly::from_figure(&v).is_ok());
        let tmp = tempfile::tempdir().unwrap();
        let run = Run::builder()
            .with_dir(tmp.path())
            .with_project("deep")
            .with_mode(wb_types::run::Mode::Offline)
            .build()
            .unwrap();
        run.log(Row::new().with("deep", v.clone()).with("x", 1))
            .unwrap();
        run.log(Row::new().with("x", 2)).unwrap();
        run.finish(0).unwrap();
        // Reading the rows back: the deep value cannot be parsed (past 1000 levels), which is
        // an error for that read, not a crash.
        let log = RunLog::read(run.dir()).unwrap();
        let err = log.history().unwrap_err();
        assert!(
            err.to_string()
                .contains("JSON nested deeper than 1000 levels"),
            "{err}"
        );
        // The registry refuses deep artifact entries when it parses them.
        let text = format!(
            "{{\"_type\": \"table\", \"columns\": [\"a\"], \"data\": {}}}",
            deep_text(DEPTH, Dialect::Python)
        );
        assert_too_deep(&text);
        // A value that deep built in code reaches the decoders: they read it or refuse it,
        // never crash.
        let art = Artifact::new("a", "dataset");
        let reg = wb_types::registry();
        for t in reg.types() {
            let mut m = Map::new();
            m.insert("_type".into(), Value::Str(t.into()));
            for k in [
                "data", "columns", "val", "values", "bins", "box_data", "nodes", "path",
            ] {
                m.insert(k.into(), v.clone());
            }
            let _ = reg.decode(&Value::Object(m), &art);
        }
    });
}
