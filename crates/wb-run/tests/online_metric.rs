//! `define_metric` online: the "metric" scenario of `tests/data/make_sdk_logs.py` run through
//! the Python SDK (`wandb==0.31.0`, `mode="online"`) and through an online `wb_run::Run`,
//! each against its own fake backend, uploads the same history rows (step metrics filled in),
//! the same summary (the defined statistics) and the same metric definitions in the run
//! config (`_wandb.m`, which wandb-core builds from the `metric` records and the charts use).
//!
//! It needs the SDK's Python and wandb-core; without them it is skipped with a message, except
//! under `CI=true`, where it fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod online_support;

use common::metric_scenario::write_metric_scenario;
use online_support::*;
use serde_json::{Value, json};
use std::path::Path;
use wb_fake_backend::{Backend, Completion};

/// Runs the SDK's "metric" scenario (the text in make_sdk_logs.py) online against `backend`.
fn sdk_run(python: &Path, backend: &Backend, home: &Path) {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let code = format!(
        "import sys; sys.path.insert(0, {:?}); from make_sdk_logs import SCENARIOS; exec(SCENARIOS['metric'])",
        data.to_string_lossy()
    );
    output_ok(
        sdk_online_command(python, backend, home)
            .env("WANDB_DISABLE_GIT", "true")
            .env("WANDB_X_DISABLE_STATS", "true")
            .env("WANDB_X_DISABLE_META", "true")
            .env("WANDB_CONSOLE", "off")
            .args(["-c", &code]),
        "the SDK run",
    );
}

/// The metric definitions in the run config's `_wandb.m`, with each step metric's index
/// (into the list, which wandb-core fills in Go map order) replaced by the step's name, as
/// sorted JSON texts.
fn config_metrics(config: Option<&Value>) -> Vec<Value> {
    let config = config.expect("a config arrived");
    let wandb = &config["_wandb"]["value"];
    let list = wandb["m"].as_array().cloned().unwrap_or_default();
    let name = |m: &Value| -> Value {
        m.get("1")
            .or_else(|| m.get("2"))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let mut out: Vec<Value> = list
        .iter()
        .map(|m| {
            let mut m = m.clone();
            if let Some(i) = m.get("5").and_then(Value::as_u64) {
                let step = name(&list[i as usize - 1]);
                let o = m.as_object_mut().unwrap();
                o.remove("5");
                o.insert("step".into(), step);
            }
            m
        })
        .collect();
    // Object keys in one order, so that equal definitions compare equal.
    let canon = |m: &Value| -> String {
        let sorted: std::collections::BTreeMap<&String, &Value> =
            m.as_object().into_iter().flatten().collect();
        serde_json::to_string(&sorted).unwrap()
    };
    out.sort_by_key(canon);
    out.iter().map(|m| Value::String(canon(m))).collect()
}

#[test]
#[ignore = "needs wandb-core 0.31.0 and the SDK's Python (run with --ignored)"]
fn define_metric_uploads_as_the_sdks() {
    let Some(core) = core() else { return };
    let Some(python) = common::online_sdk_python("the online define_metric test") else {
        return;
    };

    let sdk_backend = Backend::start().unwrap();
    let sdk_home = tempfile::tempdir().unwrap();
    sdk_run(&python, &sdk_backend, sdk_home.path());
    let sdk_runs = sdk_backend.runs();
    assert_eq!(sdk_runs.len(), 1);
    let sdk = &sdk_runs[0];

    let our_backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = builder(&core, &our_backend, tmp.path())
        .with_project("golden")
        .with_name("metric")
        .build()
        .unwrap();
    write_metric_scenario(&run);
    run.finish(0).unwrap();
    let ours = our_backend.run(run.id()).expect("our run arrived");
    assert_eq!(ours.completion(), Completion::Complete { exit_code: 0 });
    assert_eq!(sdk.completion(), Completion::Complete { exit_code: 0 });

    // Read with wb-core's JSON, which takes the NaN wandb-core writes.
    let drop = ["_runtime", "_timestamp", "_wandb"];
    let parse = |line: &str| -> Value {
        let mut v = wb_core::json::parse(line).unwrap();
        if let Some(m) = v.as_object_mut() {
            for k in drop {
                m.shift_remove(k);
            }
        }
        // NaN has no serde_json form: compare it as a string.
        let text = wb_core::json::to_string(&v, wb_core::json::Dialect::Go);
        serde_json::from_str(&text.replace("NaN", "\"NaN\"")).unwrap()
    };
    let rows = |r: &wb_fake_backend::RunRecord| -> Vec<Value> {
        r.history_lines().iter().map(|l| parse(l)).collect()
    };
    let (our_rows, sdk_rows) = (rows(&ours), rows(sdk));
    assert_eq!(our_rows.len(), 12);
    assert_eq!(our_rows, sdk_rows, "history rows");
    // step_sync filled the step metrics in.
    assert_eq!(our_rows[1]["epoch"], json!(0));
    assert_eq!(our_rows[3]["gstep"], json!(0));

    let our_summary = parse(ours.summary_line().expect("our summary"));
    let sdk_summary = parse(sdk.summary_line().expect("the SDK's summary"));
    assert_eq!(our_summary, sdk_summary, "summary");
    assert_eq!(our_summary["late"], json!({"min": 2, "first": 5}));
    assert_eq!(our_summary["acc"], json!({"max": "NaN"}));
    eprintln!("summary: {our_summary}");

    let (our_m, sdk_m) = (config_metrics(ours.config()), config_metrics(sdk.config()));
    assert!(!sdk_m.is_empty(), "{:?}", sdk.config());
    assert_eq!(our_m, sdk_m, "config _wandb.m");
    eprintln!("{} metric definitions in config._wandb.m", our_m.len());
}
