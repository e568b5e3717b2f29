//! The run writer against the SDK: the same logs as the golden scenarios of
//! `tests/data/make_sdk_logs.py`, written with our `Run`, give the same records as the
//! `.wandb` files wandb 0.31.0 wrote (apart from ids, times, and the SDK's telemetry,
//! environment and system-metrics records).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{data, golden, normalize, simple_records};
use std::sync::Arc;
use wb_core::internal::artifact::EntryData;
use wb_core::json::Value;
use wb_core::{Artifact, ArtifactTarget, Histogram, Html, RunTarget, json_map};
use wb_run::{Error, LogOptions, Row, Run, RunLog};

fn assert_same_records(ours: &[Value], sdk: &[Value]) {
    let (a, b) = (normalize(ours), normalize(sdk));
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(
            x,
            y,
            "record {i} differs:\n ours: {}\n  sdk: {}",
            wb_core::json::to_string(x, wb_core::json::Dialect::Compact),
            wb_core::json::to_string(y, wb_core::json::Dialect::Compact)
        );
    }
    assert_eq!(a.len(), b.len(), "record count");
}

/// The "basic" scenario of make_sdk_logs.py, with our API.
fn write_basic(root: &std::path::Path) -> Run {
    let run = Run::builder()
        .with_dir(root)
        .with_project("golden")
        .with_mode(wb_run::Mode::Offline)
        .with_name("basic")
        .with_config(json_map! {
            "lr" => 0.001, "nested" => json_map!{"a" => 1}, "tiny" => 1e-7,
            "nan" => f64::NAN, "ln" => vec![f64::NAN],
        })
        .with_tags(["t1", "t2"])
        .with_notes("notes")
        .with_group("grp")
        .with_job_type("train")
        .with_data_dir(root.join("data"))
        .build()
        .unwrap();
    for i in 0..4i64 {
        let row = Row::new()
            .with("a", i)
            .with("b", 0.5 * i as f64)
            .with("s", "x<&>\u{2028}\n\u{e9}")
            .with("nested", Row::new().with("x", Row::new().with("y", 1.0)))
            .with("e", Row::new())
            .with_media(
                "h",
                Histogram::from_np_histogram(vec![1, 2, i], vec![0.0, 0.5, 1.5, 2.5]).unwrap(),
            )
            .with_media("page", Html::from_literal("<p>hi</p>"))
            .with_media_list(
                "pages",
                (0..2).map(|j| {
                    Html::from_literal_with(
                        &format!("<p>{j}</p>"),
                        wb_core::HtmlOptions::default().with_inject(false),
                    )
                }),
            )
            .with("f", vec![1e-5, 1e21, -0.0, 1234567.0])
            .with("nan", f64::NAN)
            .with("inf", f64::INFINITY)
            .with("big", Value::Int(1 << 63))
            .with("none", Value::Null)
            .with("t", true);
        assert_eq!(run.log(row).unwrap(), i as u64);
    }
    run.log_with(
        Row::new().with("p1", 1),
        LogOptions::default().with_commit(false),
    )
    .unwrap();
    run.log(Row::new().with("p2", 2)).unwrap();
    run.log_with(
        Row::new().with("at", 1),
        LogOptions::default().with_step(10),
    )
    .unwrap();
    run.log_with(
        Row::new().with("at2", 2),
        LogOptions::default().with_step(10),
    )
    .unwrap();
    run.log_with(
        Row::new().with("later", "z"),
        LogOptions::default().with_step(12),
    )
    .unwrap();
    run.summary(Row::new().with("best", 3.25)).unwrap();
    run.summary(
        Row::new()
            .with(
                "obj",
                json_map! {"k" => Value::Array(vec![1.into(), 2.5.into()])},
            )
            .with("z", 1e-7)
            .with("nan", f64::NAN)
            .with("dn", json_map! {"n" => f64::NAN})
            .with("ln", vec![f64::NAN, 1.0]),
    )
    .unwrap();
    run.config_update(json_map! {"bs" => 32}).unwrap();
    run.finish(3).unwrap();
    run
}

#[test]
fn same_logs_give_the_sdks_records() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_basic(tmp.path());
    assert_same_records(&simple_records(run.log_path()), &golden("basic"));
}

#[test]
fn media_files_are_the_sdks() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_basic(tmp.path());
    let log = RunLog::read(run.dir()).unwrap();
    // Every announced file exists under files/, and the names are the SDK's (same content
    // hashes, same keys and steps).
    let files = log.files();
    let sdk_files: Vec<String> = golden("basic")
        .iter()
        .filter(|r| r.get("type") == Some(&Value::from("files")))
        .map(|r| {
            r.get("files").unwrap().as_array().unwrap()[0]
                .as_array()
                .unwrap()[0]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .filter(|p| p != "requirements.txt")
        .collect();
    assert_eq!(files, sdk_files);
    for f in &files {
        assert!(run.dir().join("files").join(f).is_file(), "{f}");
    }
}

#[test]
fn run_folder_layout_is_the_sdks() {
    let tmp = tempfile::tempdir().unwrap();
    let run = Run::builder()
        .with_dir(tmp.path())
        .with_project("p")
        .with_mode(wb_run::Mode::Offline)
        .with_id("abc123xy")
        .build()
        .unwrap();
    let dir_name = run
        .dir()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    // offline-run-YYYYMMDD_HHMMSS-<id>
    assert_eq!(dir_name.len(), "offline-run-20260101_000000-abc123xy".len());
    assert!(dir_name.starts_with("offline-run-2") && dir_name.ends_with("-abc123xy"));
    assert_eq!(run.dir().parent().unwrap(), tmp.path().join("wandb"));
    assert!(run.dir().join("files").is_dir() && run.dir().join("logs").is_dir());
    assert_eq!(run.log_path(), run.dir().join("run-abc123xy.wandb"));
    #[cfg(unix)]
    assert_eq!(
        std::fs::read_link(tmp.path().join("wandb/latest-run")).unwrap(),
        std::path::PathBuf::from(&dir_name)
    );
    // A second run moves the link.
    let run2 = Run::builder()
        .with_dir(tmp.path())
        .with_project("p")
        .with_mode(wb_run::Mode::Offline)
        .build()
        .unwrap();
    assert_eq!(run2.id().len(), 8);
    #[cfg(unix)]
    assert_eq!(
        std::fs::read_link(tmp.path().join("wandb/latest-run")).unwrap(),
        std::path::PathBuf::from(run2.dir().file_name().unwrap())
    );
    // `<root>/.wandb` is used when it exists, as the SDK does.
    let tmp2 = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp2.path().join(".wandb")).unwrap();
    let run3 = Run::builder()
        .with_dir(tmp2.path())
        .with_project("p")
        .with_mode(wb_run::Mode::Offline)
        .build()
        .unwrap();
    assert_eq!(run3.dir().parent().unwrap(), tmp2.path().join(".wandb"));
    // The same id twice in one folder and second: the log file is never overwritten.
    let run4 = Run::builder()
        .with_dir(tmp.path())
        .with_project("p")
        .with_mode(wb_run::Mode::Offline)
        .with_id("dup00000")
        .build()
        .unwrap();
    match Run::builder()
        .with_dir(tmp.path())
        .with_project("p")
        .with_mode(wb_run::Mode::Offline)
        .with_id("dup00000")
        .build()
    {
        Err(Error::Io { .. }) => {}
        Ok(r) => assert_ne!(r.dir(), run4.dir()),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn header_and_run_records() {
    let tmp = tempfile::tempdir().unwrap();
    let run = Run::builder()
        .with_dir(tmp.path())
        .with_project("proj")
        .with_mode(wb_run::Mode::Offline)
        .with_id("r1")
        .with_host("myhost")
        .with_config_value("nan", f64::NAN)
        .build()
        .unwrap();
    run.finish(0).unwrap();
    let log = RunLog::read(run.dir()).unwrap();
    // Two telemetry records, the first when the run is ready (among the sampler's records,
    // which its thread writes) and the second at finish.
    let telemetry = log.records.iter().filter(|r| r.kind() == "telemetry");
    assert_eq!(telemetry.count(), 2);
    let kinds: Vec<&str> = log
        .records
        .iter()
        .map(|r| r.kind())
        .filter(|k| *k != "telemetry")
        .collect();
    // The program's and the machine's environment records and the first system metrics
    // sample come right after the run record, as the SDK writes them; `finish` waits for the
    // sampler.
    assert_eq!(
        kinds,
        [
            "header",
            "run",
            "environment",
            "environment",
            "stats",
            "summary",
            "exit"
        ]
    );
    let nums: Vec<i64> = log.records.iter().map(|r| r.num).collect();
    assert_eq!(nums, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    let r = log.run().unwrap();
    assert_eq!(
        (r.run_id.as_str(), r.project.as_str(), r.host.as_str()),
        ("r1", "proj", "myhost")
    );
    let cfg = &r.config.as_ref().unwrap().update;
    // `_wandb` first, then the user's keys; NaN becomes null as json_friendly_val makes it.
    assert_eq!(cfg[0].key, "_wandb");
    assert_eq!(cfg[0].value_json, "{}");
    assert_eq!(cfg[1].value_json, "null");
    let st = r.start_time.unwrap();
    let started = run
        .start_time()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    assert_eq!(st.seconds as u64, started.as_secs());
    assert_eq!(log.exit_code(), Some(0));
}

#[test]
fn a_logged_artifact_is_the_sdks_run_table_record() {
    // The SDK's run_table artifact for the "table" scenario, rebuilt from its staged entry.
    let sdk = golden("table");
    let sdk_art = sdk
        .iter()
        .find(|r| r.get("type") == Some(&Value::from("artifact")))
        .unwrap();
    let entry = std::fs::read(data("table.artifact/tbl.table.json")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = Run::builder()
        .with_dir(tmp.path())
        .with_project("golden")
        .with_mode(wb_run::Mode::Offline)
        .with_data_dir(tmp.path().join("data"))
        .build()
        .unwrap();
    let mut art = Artifact::new(format!("run-{}-tbl", run.id()), "run_table");
    art.put_entry("tbl.table.json", EntryData::Bytes(Arc::from(entry.clone())))
        .unwrap();
    let (client_id, seq_id) = (
        art.client_id().to_owned(),
        art.sequence_client_id().to_owned(),
    );
    run.log_artifact(art).unwrap();
    // The class labels of a box layer go to config._wandb as the SDK puts them there.
    let labels = json_map! {"type" => "bounding_box/class_labels", "key" => "img_wandb_delimeter_pred", "value" => json_map!{"1" => "car"}};
    run.update_config_singleton(
        "bounding_box/class_labels",
        "img_wandb_delimeter_pred",
        Value::Object(labels),
    )
    .unwrap();
    run.finish(0).unwrap();

    let ours = simple_records(run.log_path());
    let our_art = ours
        .iter()
        .find(|r| r.get("type") == Some(&Value::from("artifact")))
        .unwrap();
    let mut want = sdk_art.as_object().unwrap().clone();
    want.insert("run_id".into(), run.id().into());
    want.insert("name".into(), format!("run-{}-tbl", run.id()).into());
    want.insert("client_id".into(), client_id.into());
    want.insert("sequence_client_id".into(), seq_id.into());
    let mut got = our_art.as_object().unwrap().clone();
    for m in [&mut want, &mut got] {
        for k in ["num", "len", "stream_id", "entries"] {
            m.shift_remove(k);
        }
    }
    // The manifest digest covers entry names and contents only, so it is the SDK's.
    assert_eq!(Value::Object(got), Value::Object(want));
    let entries = our_art.get("entries").unwrap().as_array().unwrap();
    let sdk_entries = sdk_art.get("entries").unwrap().as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].as_array().unwrap()[..3],
        sdk_entries[0].as_array().unwrap()[..3]
    );
    // The entry is staged, read-only, under <data dir>/artifacts/staging/tmpXXXXXXXX.
    let staged = std::path::PathBuf::from(entries[0].as_array().unwrap()[3].as_str().unwrap());
    assert_eq!(
        staged.parent().unwrap(),
        tmp.path().join("data/artifacts/staging")
    );
    let name = staged.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("tmp") && name.len() == 11, "{name}");
    assert_eq!(std::fs::read(&staged).unwrap(), entry);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&staged).unwrap().permissions().mode() & 0o777,
            0o400
        );
    }

    // config._wandb carries the labels exactly as the SDK's does.
    let sdk_cfg = sdk
        .iter()
        .find(|r| r.get("type") == Some(&Value::from("config")))
        .unwrap();
    let sdk_wandb = wb_core::json::parse(
        sdk_cfg.get("update").unwrap().as_array().unwrap()[0]
            .as_array()
            .unwrap()[2]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let cfg = RunLog::read(run.dir()).unwrap().config().unwrap();
    assert_eq!(
        cfg.get("_wandb").unwrap().get("bounding_box/class_labels"),
        sdk_wandb.get("bounding_box/class_labels")
    );
}

#[test]
fn steps_behave_as_in_the_sdk() {
    let tmp = tempfile::tempdir().unwrap();
    let run = Run::builder()
        .with_dir(tmp.path())
        .with_project("p")
        .with_mode(wb_run::Mode::Offline)
        .build()
        .unwrap();
    assert_eq!(run.log(Row::new().with("a", 1)).unwrap(), 0);
    assert_eq!(
        run.log_with(Row::new().with("b", 1), LogOptions::default().with_step(5))
            .unwrap(),
        5
    );
    assert_eq!(run.step(), 5);
    // A lower step is refused, with the SDK's words, and nothing is written.
    let err = run
        .log_with(Row::new().with("c", 1), LogOptions::default().with_step(3))
        .unwrap_err();
    assert!(matches!(
        err,
        Error::StepDecreased {
            step: 3,
            current: 5
        }
    ));
    assert!(err.to_string().starts_with(
        "Tried to log to step 3 that is less than the current step 5. Steps must be monotonically increasing"
    ));
    // A row without a step joins the pending step 5 and writes it.
    assert_eq!(run.log(Row::new().with("d", 1)).unwrap(), 5);
    assert_eq!(run.step(), 6);
    // `_step` in a row is ignored, `_timestamp` is kept.
    run.log(Row::new().with("_step", 99).with("_timestamp", 12.5))
        .unwrap();
    run.finish(0).unwrap();
    let rows = RunLog::read(run.dir()).unwrap().history().unwrap();
    let steps: Vec<i64> = rows.iter().map(|r| r.step.unwrap()).collect();
    assert_eq!(steps, [0, 5, 6]);
    assert!(rows[1].values.contains_key("b") && rows[1].values.contains_key("d"));
    assert!(!rows[1].values.contains_key("c"));
    assert_eq!(rows[2].values.get("_timestamp"), Some(&Value::Float(12.5)));
    assert_eq!(rows[2].values.get("_step"), Some(&Value::Int(6)));
    // Logging after finish is an error.
    assert!(matches!(
        run.log(Row::new().with("x", 1)),
        Err(Error::Finished { .. })
    ));
    assert!(run.finish(0).is_ok()); // finishing twice does nothing
}

#[test]
fn summary_media_and_drop_finish() {
    let tmp = tempfile::tempdir().unwrap();
    let dir;
    {
        let run = Run::builder()
            .with_dir(tmp.path())
            .with_project("p")
            .with_mode(wb_run::Mode::Offline)
            .build()
            .unwrap();
        run.summary(Row::new().with(
            "d",
            Row::new().with_media(
                "page",
                Html::from_literal_with(
                    "<p>s</p>",
                    wb_core::HtmlOptions::default().with_inject(false),
                ),
            ),
        ))
        .unwrap();
        dir = run.dir().to_path_buf();
        // dropped without finish: finished with exit code 0
    }
    let log = RunLog::read(&dir).unwrap();
    assert_eq!(log.exit_code(), Some(0));
    let files = log.files();
    assert_eq!(files.len(), 1);
    assert!(
        files[0].starts_with("media/html/d.page_summary_"),
        "{}",
        files[0]
    );
    let summary = log.summary().unwrap();
    assert_eq!(
        summary
            .get("d")
            .and_then(|d| d.get("page"))
            .and_then(|p| p.get("path")),
        Some(&Value::from(files[0].as_str()))
    );
}

#[test]
fn threads_log_whole_rows_in_step_order() {
    let tmp = tempfile::tempdir().unwrap();
    let run = Arc::new(
        Run::builder()
            .with_dir(tmp.path())
            .with_project("p")
            .with_mode(wb_run::Mode::Offline)
            .build()
            .unwrap(),
    );
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let run = run.clone();
            std::thread::spawn(move || {
                for i in 0..250 {
                    let h = Histogram::from_sequence(&[f64::from(t), f64::from(i)]).unwrap();
                    run.log(Row::new().with("thread", t).with("i", i).with_media("h", h))
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    run.finish(0).unwrap();
    let rows = RunLog::read(run.dir()).unwrap().history().unwrap();
    assert_eq!(rows.len(), 1000);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.step, Some(i as i64));
        assert_eq!(r.values.get("_step"), Some(&Value::Int(i as i128)));
        assert!(r.values.contains_key("thread") && r.values.contains_key("h"));
    }
    let mut per_thread = [0; 4];
    for r in &rows {
        per_thread[r.values.get("thread").unwrap().as_i64().unwrap() as usize] += 1;
    }
    assert_eq!(per_thread, [250; 4]);
}
