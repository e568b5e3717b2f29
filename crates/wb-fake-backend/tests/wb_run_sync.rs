//! An offline run written by our `wb-run`, uploaded by the SDK's `wandb sync` (wandb-core's
//! `init_sync` / `sync`) to the fake backend: every history row, the summary, the config and
//! every file arrive, the files byte for byte.
//!
//! Opt-in like `sdk_online` (`cargo test -p wb-fake-backend -- --ignored`): it needs the SDK's
//! Python, and fails without it under `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{KEY, files_under, python, run_bounded, sdk_command};
use serde_json::{Value, json};
use std::time::Duration;
use wb_core::json::{Dialect, to_string};
use wb_core::{Histogram, Html, HtmlOptions};
use wb_fake_backend::{ArtifactState, Backend, Completion};
use wb_run::{Row, Run, RunLog};
use wb_table::Table;

/// wb-core's JSON value as serde_json's, through its text.
fn to_serde(v: &wb_core::json::Value) -> Value {
    serde_json::from_str(&to_string(v, Dialect::Go)).unwrap()
}

#[test]
#[ignore = "needs the SDK's Python (target/conformance-venv or WB_PYTHON)"]
fn wb_run_offline_run_synced_by_wandb_sync() {
    let Some(py) = python() else { return };
    let backend = Backend::start().unwrap();
    let home = tempfile::tempdir().unwrap();

    let run = Run::builder()
        .with_dir(home.path())
        .with_project("fake-proj")
        .with_mode(wb_run::Mode::Offline)
        .with_data_dir(home.path().join("data"))
        .build()
        .unwrap();
    const STEPS: u32 = 6;
    for step in 0..STEPS {
        let x = f64::from(step);
        let mut row = Row::new()
            .with("loss", 1.0 / (x + 1.0))
            .with("phase", if step < 3 { "warmup" } else { "train" })
            .with_media(
                "weights",
                Histogram::from_sequence(&[x, x * 2.0, x * 3.0, 1.5]).unwrap(),
            );
        if step % 2 == 0 {
            row = row.with_media(
                "page",
                Html::from_literal_with(
                    &format!("<h1>step {step}</h1>"),
                    HtmlOptions::default().with_inject(false),
                ),
            );
        }
        run.log(row).unwrap();
    }
    let table = Table::from_rows(
        ["a", "b"],
        vec![vec![1.into(), "x".into()], vec![2.into(), "y".into()]],
    )
    .unwrap();
    run.log(Row::new().with("tbl", table)).unwrap();
    run.summary(Row::new().with("best", 0.875)).unwrap();
    run.finish(0).unwrap();

    let mut cmd = sdk_command(&py, home.path(), backend.base_url(), KEY);
    cmd.args(["-m", "wandb", "sync"]).arg(run.dir());
    let done = run_bounded(cmd, Duration::from_secs(240));
    assert!(done.success, "wandb sync failed\n{done}");

    let log = RunLog::read(run.dir()).unwrap();
    let synced = backend
        .run(run.id())
        .unwrap_or_else(|| panic!("no run {} on the backend\n{done}", run.id()));
    assert_eq!(synced.project(), "fake-proj");

    // Every history row, in order, with the values of the log.
    assert!(synced.missing_history_lines().is_empty());
    let rows = synced.history().unwrap();
    let logged = log.history().unwrap();
    assert_eq!(rows.len(), logged.len());
    assert_eq!(rows.len(), STEPS as usize + 1);
    for (got, want) in rows.iter().zip(&logged) {
        let want = to_serde(&wb_core::json::Value::Object(want.values.clone()));
        assert_eq!(got, &want);
    }

    // The summary and config of the log.
    let summary = to_serde(&wb_core::json::Value::Object(log.summary().unwrap()));
    let got_summary = synced.summary().unwrap().expect("a summary arrived");
    for (k, v) in summary.as_object().unwrap() {
        assert_eq!(got_summary.get(k), Some(v), "summary key {k}");
    }
    assert_eq!(got_summary["best"], json!(0.875));
    assert!(synced.config().is_some(), "the config was upserted");

    // Every file under files/ arrived with its bytes.
    let files_dir = run.dir().join("files");
    let local = files_under(&files_dir);
    assert!(
        local.iter().any(|f| f.starts_with("media/html/")),
        "{local:?}"
    );
    for name in &local {
        let bytes = std::fs::read(files_dir.join(name)).unwrap();
        let up = synced.file(name).unwrap_or_else(|| {
            panic!(
                "{name} was not uploaded; uploaded: {:?}",
                synced.files().keys()
            )
        });
        assert!(up == bytes.as_slice(), "{name}: the uploaded bytes differ");
    }
    assert_eq!(synced.completion(), Completion::Complete { exit_code: 0 });

    // The run's environment records became wandb-metadata.json, as for a Python run.
    let meta: serde_json::Value = serde_json::from_slice(
        synced
            .file("wandb-metadata.json")
            .unwrap_or_else(|| panic!("no wandb-metadata.json: {:?}", synced.files().keys())),
    )
    .unwrap();
    assert!(
        meta["python"]
            .as_str()
            .is_some_and(|p| p.starts_with("Rust ")),
        "{meta}"
    );
    assert!(meta["cpu_count"].as_u64().is_some_and(|n| n >= 1), "{meta}");

    // The table's run_table artifact, committed, its file as the manifest describes it.
    let art = backend
        .artifact(&format!("run-{}-tbl", run.id()))
        .unwrap_or_else(|| panic!("no table artifact: {:?}", backend.artifacts()));
    assert_eq!(art.type_name(), "run_table");
    assert_eq!(art.state(), ArtifactState::Committed);
    let manifest = art.manifest().unwrap().expect("the manifest was uploaded");
    let entry = &manifest["contents"]["tbl.table.json"];
    let bytes = art
        .file("tbl.table.json")
        .expect("the table file was uploaded");
    assert_eq!(entry["size"].as_u64(), Some(bytes.len() as u64));
    assert_eq!(entry["digest"].as_str().unwrap(), md5_b64(bytes));
    let table: Value = serde_json::from_slice(bytes).unwrap();
    assert_eq!(table["columns"], json!(["a", "b"]));
    assert_eq!(table["data"], json!([[1, "x"], [2, "y"]]));
}

/// The base64 md5 that manifests carry as a file's digest.
fn md5_b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use md5::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(bytes))
}
