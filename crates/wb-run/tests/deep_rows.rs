//! Rows nested deeper than the JSON depth limit are refused with an error before anything walks
//! them (no stack overflow), and the run goes on; rows within the limit are logged whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wb_core::LogValue;
use wb_core::json::{MAX_DEPTH, Map, Value};
use wb_run::{Row, Run, RunLog};

/// `{"a": {"a": ... {"a": 1}}}` with `levels` objects, built without recursion.
fn nested_objects(levels: usize) -> Value {
    let mut v = Value::Int(1);
    for _ in 0..levels {
        let mut m = Map::new();
        m.insert("a".into(), v);
        v = Value::Object(m);
    }
    v
}

#[test]
fn a_10000_deep_row_is_refused_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let run = Run::builder()
        .with_dir(tmp.path())
        .with_project("deep")
        .with_mode(wb_run::Mode::Offline)
        .build()
        .unwrap();
    run.log(Row::new().with("x", 1)).unwrap();
    for deep in [
        Row::new().with("d", nested_objects(10_000)),
        Row::new().with("d", LogValue::Json(nested_objects(MAX_DEPTH))),
    ] {
        let err = run.log(deep.clone()).unwrap_err().to_string();
        assert!(err.contains("levels of dicts"), "{err}");
        let err = run.summary(deep).unwrap_err().to_string();
        assert!(err.contains("levels of dicts"), "{err}");
    }
    let mut config = Map::new();
    config.insert("deep".into(), nested_objects(10_000));
    let err = run.config_update(config).unwrap_err().to_string();
    assert!(err.contains("levels of lists and dicts"), "{err}");
    // Within the limit (the row is one level, its value the rest): logged whole.
    run.log(Row::new().with("ok", nested_objects(300))).unwrap();
    run.finish(0).unwrap();
    let rows = RunLog::read(run.dir()).unwrap().history().unwrap();
    let steps: Vec<i64> = rows.iter().map(|r| r.step.unwrap()).collect();
    assert_eq!(steps, [0, 1]);
    let mut v = rows[1].values.get("ok").unwrap();
    for _ in 0..300 {
        v = v.get("a").unwrap();
    }
    assert_eq!(v, &Value::Int(1));
}
