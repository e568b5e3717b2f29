//! The same logging through the Python SDK (`wandb==0.31.0`, `mode="online"`) and through an
//! online `wb_run::Run`, each against its own fake backend: the same history rows (every key but
//! `_runtime` and `_timestamp`), summary, config, uploaded media file names and bytes, and
//! table artifact manifest.
//!
//! It needs the SDK's Python (`WB_PYTHON`, `WB_CONFORMANCE_PYTHON`, `target/conformance-venv`
//! or `/work/venv`) and wandb-core; without them it is skipped with a message, except under
//! `CI=true`, where it fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod online_support;

mod common;

use online_support::*;
use serde_json::{Map, Value, json};
use std::path::Path;
use wb_core::{Histogram, Html, LogValue};
use wb_fake_backend::{Backend, Completion};
use wb_run::Row;
use wb_table::Table;

const STEPS: u32 = 3;

/// The logging of both sides: config, per step two scalars, a histogram and an image (the
/// image every other step), then a table and an HTML page, then a summary value.
const SCRIPT: &str = r#"
import json, sys, wandb, numpy as np
assert wandb.__version__ == "0.31.0", wandb.__version__
out, root, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
run = wandb.init(project="online-proj", dir=root, name="diff", config={"lr": 0.01, "batch": 32},
                 settings=wandb.Settings(x_disable_stats=True, x_disable_meta=True,
                                         console="off"))
for step in range(steps):
    x = float(step)
    row = {"loss": 1.0 / (x + 1.0), "phase": "warmup" if step < 2 else "train",
           "h": wandb.Histogram([x, 2.0 * x, 1.5])}
    if step % 2 == 0:
        px = np.fromfunction(lambda y, xx, c: (y * 20 + xx * 7 + c * 50 + step) % 256,
                             (8, 12, 3), dtype=np.int64).astype(np.uint8)
        row["img"] = wandb.Image(px)
    run.log(row)
run.log({"tbl": wandb.Table(columns=["a", "b"], data=[[1, "x"], [2, "y"]]),
         "page": wandb.Html("<h1>hello</h1>", inject=False)})
run.summary["best"] = 0.875
info = {"id": run.id, "dir": run.dir}
run.finish()
with open(out, "w") as f:
    json.dump(info, f)
"#;

fn image(step: u32) -> wb_image::Image {
    let px = wb_core::ndarray::Array3::from_shape_fn((8, 12, 3), |(y, x, c)| {
        ((y * 20 + x * 7 + c * 50 + step as usize) % 256) as u8
    });
    wb_image::Image::from_array(px.view()).unwrap()
}

/// Runs the SDK's script against `backend`; returns the run id.
fn sdk_run(python: &Path, backend: &Backend, home: &Path) -> String {
    let script = home.join("script.py");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = home.join("out.json");
    output_ok(
        sdk_command(python, backend, home)
            .env("WANDB_MODE", "online")
            .env("WANDB_DISABLE_GIT", "true")
            .arg(&script)
            .arg(&out)
            .arg(home)
            .arg(STEPS.to_string()),
        "the SDK run",
    );
    let info: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    info["id"].as_str().unwrap().to_owned()
}

/// A JSON value with every run- or process-specific part replaced: the run id, artifact
/// client ids in `wandb-client-artifact://` paths, and the keys in `drop`.
fn normalize(v: &Value, run_id: &str, drop: &[&str]) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !drop.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), normalize(v, run_id, drop)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| normalize(v, run_id, drop)).collect())
        }
        Value::String(s) => {
            let s = s.replace(run_id, "<run>");
            let s = match s.find("wandb-client-artifact://") {
                Some(i) => {
                    let rest = &s[i + "wandb-client-artifact://".len()..];
                    let tail = rest.find([':', '/']).map_or("", |j| &rest[j..]);
                    format!("{}wandb-client-artifact://<id>{tail}", &s[..i])
                }
                None => s,
            };
            Value::String(s)
        }
        other => other.clone(),
    }
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn the_sdk_and_wb_run_upload_the_same_run() {
    let Some(core) = core() else { return };
    let Some(python) = common::online_sdk_python("the differential test") else {
        return;
    };

    let sdk_backend = Backend::start().unwrap();
    let sdk_home = tempfile::tempdir().unwrap();
    let sdk_id = sdk_run(&python, &sdk_backend, sdk_home.path());

    let our_backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = builder(&core, &our_backend, tmp.path())
        .with_name("diff")
        .with_config_value("lr", 0.01)
        .with_config_value("batch", 32)
        .build()
        .unwrap();
    for step in 0..STEPS {
        let x = f64::from(step);
        let mut row = Row::new()
            .with("loss", 1.0 / (x + 1.0))
            .with("phase", if step < 2 { "warmup" } else { "train" })
            .with(
                "h",
                LogValue::media(Histogram::from_sequence(&[x, 2.0 * x, 1.5]).unwrap()),
            );
        if step % 2 == 0 {
            row = row.with_media("img", image(step));
        }
        run.log(row).unwrap();
    }
    let table = Table::from_rows(
        ["a", "b"],
        vec![vec![1.into(), "x".into()], vec![2.into(), "y".into()]],
    )
    .unwrap();
    run.log(Row::new().with_media("tbl", table).with_media(
        "page",
        Html::from_literal_with(
            "<h1>hello</h1>",
            wb_core::HtmlOptions::default().with_inject(false),
        ),
    ))
    .unwrap();
    run.summary(Row::new().with("best", 0.875)).unwrap();
    run.finish(0).unwrap();

    let sdk = sdk_backend.run(&sdk_id).expect("the SDK's run arrived");
    let ours = our_backend.run(run.id()).expect("our run arrived");
    assert_eq!(ours.completion(), Completion::Complete { exit_code: 0 });
    assert_eq!(sdk.completion(), Completion::Complete { exit_code: 0 });

    // History rows: every key but _runtime and _timestamp.
    let rows = |h: Vec<Value>, id: &str| -> Vec<Value> {
        h.iter()
            .map(|r| normalize(r, id, &["_runtime", "_timestamp"]))
            .collect()
    };
    let sdk_rows = rows(sdk.history().unwrap(), &sdk_id);
    let our_rows = rows(ours.history().unwrap(), run.id());
    assert_eq!(our_rows.len(), STEPS as usize + 1);
    assert_eq!(our_rows, sdk_rows, "history rows");
    eprintln!(
        "first row: {}\nlast row: {}",
        our_rows[0], our_rows[STEPS as usize]
    );

    // Summary: every key the SDK's has but its timing.
    let drop = ["_runtime", "_timestamp", "_wandb"];
    let sdk_summary = normalize(&sdk.summary().unwrap().unwrap(), &sdk_id, &drop);
    let our_summary = normalize(&ours.summary().unwrap().unwrap(), run.id(), &drop);
    assert_eq!(our_summary, sdk_summary, "summary");

    // Config: the user's keys (`_wandb` holds each side's own metadata).
    let config = |c: std::collections::BTreeMap<String, Value>| -> Value {
        json!(
            c.into_iter()
                .filter(|(k, _)| k != "_wandb")
                .collect::<std::collections::BTreeMap<_, _>>()
        )
    };
    assert_eq!(config(ours.config_values()), config(sdk.config_values()));

    // Uploaded media: the same names and bytes.
    let media = |files: &std::collections::BTreeMap<String, Vec<u8>>| {
        files
            .iter()
            .filter(|(k, _)| k.starts_with("media/"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (sdk_media, our_media) = (media(sdk.files()), media(ours.files()));
    assert!(!our_media.is_empty());
    assert_eq!(
        our_media.keys().collect::<Vec<_>>(),
        sdk_media.keys().collect::<Vec<_>>(),
        "media file names"
    );
    eprintln!("media: {:?}", our_media.keys().collect::<Vec<_>>());
    for (name, bytes) in &our_media {
        assert!(sdk_media[name] == *bytes, "{name}: the bytes differ");
    }

    // The table's artifact manifest: the same entries, digests and sizes.
    let manifest = |backend: &Backend, id: &str| -> Value {
        let art = backend
            .artifact(&format!("run-{id}-tbl"))
            .unwrap_or_else(|| panic!("no table artifact; {:?}", backend.artifacts()));
        let m = art.manifest().unwrap().expect("a manifest");
        let contents: Map<String, Value> = m["contents"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, e)| (k.clone(), json!({"digest": e["digest"], "size": e["size"]})))
            .collect();
        json!({"contents": contents, "storagePolicy": m["storagePolicy"], "version": m["version"]})
    };
    assert_eq!(
        manifest(&our_backend, run.id()),
        manifest(&sdk_backend, &sdk_id),
        "table artifact manifest"
    );
}
