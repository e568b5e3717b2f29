//! Live conformance with the real SDK: the same logs written by Python (`wandb==0.31.0`,
//! offline) and by our `Run` must look the same to wandb's own tools.
//!
//! - `wandb leet inspect --summary --json` shows the same state, config, tags and summary (every
//!   key with the same value) for both runs;
//! - the two `.wandb` files hold the same records (apart from ids, times, and the SDK's
//!   telemetry, environment and system-metrics records), read with our reader;
//! - the media files are the same files, byte for byte;
//! - `wandb sync --dry-run` accepts our run folder.
//!
//! It needs a Python with wandb 0.31.0, so it is opt-in (`#[ignore]`):
//!
//! ```sh
//! WB_PYTHON=/path/to/python cargo test -p wb-run --test sdk_conformance -- --ignored
//! ```
//!
//! Without `WB_PYTHON` it uses `$WB_CONFORMANCE_PYTHON`, then the conformance runner's venv
//! (`target/conformance-venv`, built by `cargo xtask conformance`), and fails with a message
//! saying so when none has wandb 0.31.0.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{normalize, simple_records};
use std::path::{Path, PathBuf};
use std::process::Command;
use wb_core::json::{Map, Value, parse};
use wb_core::{Histogram, Html, json_map};
use wb_run::{LogOptions, Row, Run, RunLog};

const SCRIPT: &str = r#"
import sys, wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
run = wandb.init(project="wb-run-conformance", name="same-logs", dir=sys.argv[1],
                 config={"lr": 0.001, "model": {"layers": 4, "act": "relu"}, "tiny": 1e-7,
                         "nan": float("nan"), "list": [1, 2.5, "x"]},
                 tags=["rust", "conformance"], notes="same logs in Python and Rust")
for step in range(12):
    x = float(step)
    row = {
        "loss": 1.0 / (x + 1.0), "acc": 1.0 - 0.5 / (x + 1.0), "count": step * 3,
        "phase": "warmup" if step < 6 else "train", "flag": step % 2 == 0, "none": None,
        "eval": {"loss": 1.2 / (x + 1.0), "per_class": {"cat": 0.5, "dog": 0.25}, "empty": {}},
        "hist": wandb.Histogram([float((i * 7 + step) % 23) for i in range(100)], num_bins=16),
        "np_hist": wandb.Histogram(np_histogram=([1, 2, step], [0.0, 0.5, 1.5, 2.5 + x])),
        "list": [1, 2.5, "s", None], "big": 2**63, "neg_zero": -0.0, "small": 1e-5 * x,
        "nan": float("nan"), "inf": float("inf"), "text": "h\u00e9llo \u2603 <&> \u2028 \"q\"\n",
        "a.b": 1, "c/d": 2,
    }
    if step % 4 == 0:
        row["page"] = wandb.Html("<h1>Step %d</h1>" % step)
        row["pages"] = [wandb.Html("<p>%d %d</p>" % (i, step), inject=False) for i in range(3)]
        row["nested"] = {"deep": {"page": wandb.Html("<i>%d</i>" % step, inject=False)}}
    run.log(row)
run.log({"partial_a": 1}, commit=False)
run.log({"partial_b": 2})
run.log({"at": 20, "nested2": {"a": 1}}, step=20)
run.log({"at2": 21, "nested2": {"b": 2}}, step=20)
run.log({"later": 1}, step=25)
run.summary["best"] = 0.975
run.summary.update({"best_step": 11, "obj": {"x": [1, 2], "y": 1.0},
                    "summary_page": wandb.Html("<p>summary</p>")})
run.config.update({"batch_size": 64})
run.finish(exit_code=0)
"#;

/// The same logs with our API.
fn write_rust(root: &Path) -> Run {
    let run = Run::builder()
        .with_dir(root)
        .with_project("wb-run-conformance")
        .with_mode(wb_run::Mode::Offline)
        .with_name("same-logs")
        .with_config(json_map! {
            "lr" => 0.001,
            "model" => json_map! {"layers" => 4, "act" => "relu"},
            "tiny" => 1e-7,
            "nan" => f64::NAN,
            "list" => Value::Array(vec![1.into(), 2.5.into(), "x".into()]),
        })
        .with_tags(["rust", "conformance"])
        .with_notes("same logs in Python and Rust")
        .with_data_dir(root.join("data"))
        .build()
        .unwrap();
    for step in 0..12i64 {
        let x = step as f64;
        let data: Vec<f64> = (0..100).map(|i| ((i * 7 + step) % 23) as f64).collect();
        let mut row = Row::new()
            .with("loss", 1.0 / (x + 1.0))
            .with("acc", 1.0 - 0.5 / (x + 1.0))
            .with("count", step * 3)
            .with("phase", if step < 6 { "warmup" } else { "train" })
            .with("flag", step % 2 == 0)
            .with("none", Value::Null)
            .with(
                "eval",
                Row::new()
                    .with("loss", 1.2 / (x + 1.0))
                    .with("per_class", Row::new().with("cat", 0.5).with("dog", 0.25))
                    .with("empty", Row::new()),
            )
            .with_media(
                "hist",
                Histogram::from_sequence_with(
                    &data,
                    wb_core::HistogramOptions::default().with_num_bins(16),
                )
                .unwrap(),
            )
            .with_media(
                "np_hist",
                Histogram::from_np_histogram(vec![1, 2, step], vec![0.0, 0.5, 1.5, 2.5 + x])
                    .unwrap(),
            )
            .with(
                "list",
                Value::Array(vec![1.into(), 2.5.into(), "s".into(), Value::Null]),
            )
            .with("big", Value::Int(1 << 63))
            .with("neg_zero", -0.0)
            .with("small", 1e-5 * x)
            .with("nan", f64::NAN)
            .with("inf", f64::INFINITY)
            .with("text", "h\u{e9}llo \u{2603} <&> \u{2028} \"q\"\n")
            .with("a.b", 1)
            .with("c/d", 2);
        if step % 4 == 0 {
            row = row
                .with_media("page", Html::from_literal(&format!("<h1>Step {step}</h1>")))
                .with_media_list(
                    "pages",
                    (0..3).map(|i| {
                        Html::from_literal_with(
                            &format!("<p>{i} {step}</p>"),
                            wb_core::HtmlOptions::default().with_inject(false),
                        )
                    }),
                )
                .with(
                    "nested",
                    Row::new().with(
                        "deep",
                        Row::new().with_media(
                            "page",
                            Html::from_literal_with(
                                &format!("<i>{step}</i>"),
                                wb_core::HtmlOptions::default().with_inject(false),
                            ),
                        ),
                    ),
                );
        }
        run.log(row).unwrap();
    }
    run.log_with(
        Row::new().with("partial_a", 1),
        LogOptions::default().with_commit(false),
    )
    .unwrap();
    run.log(Row::new().with("partial_b", 2)).unwrap();
    run.log_with(
        Row::new()
            .with("at", 20)
            .with("nested2", Row::new().with("a", 1)),
        LogOptions::default().with_step(20),
    )
    .unwrap();
    run.log_with(
        Row::new()
            .with("at2", 21)
            .with("nested2", Row::new().with("b", 2)),
        LogOptions::default().with_step(20),
    )
    .unwrap();
    run.log_with(
        Row::new().with("later", 1),
        LogOptions::default().with_step(25),
    )
    .unwrap();
    run.summary(Row::new().with("best", 0.975)).unwrap();
    run.summary(
        Row::new()
            .with("best_step", 11)
            .with(
                "obj",
                json_map! {"x" => Value::Array(vec![1.into(), 2.into()]), "y" => 1.0},
            )
            .with_media("summary_page", Html::from_literal("<p>summary</p>")),
    )
    .unwrap();
    run.config_update(json_map! {"batch_size" => 64}).unwrap();
    run.finish(0).unwrap();
    run
}

fn wandb_cli(python: &Path, args: &[&str], env_root: &Path) -> (bool, String, String) {
    let out = Command::new(python)
        .args(["-m", "wandb"])
        .args(args)
        .env("WANDB_MODE", "offline")
        .env("WANDB_SILENT", "true")
        .env("WANDB_CONFIG_DIR", env_root.join("config"))
        .env("WANDB_DATA_DIR", env_root.join("data"))
        .current_dir(env_root)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `wandb leet inspect --summary --json`, without what differs between any two runs.
fn leet_summary(python: &Path, run_dir: &Path, env_root: &Path) -> Map {
    let dir = run_dir.to_string_lossy();
    let (ok, out, err) = wandb_cli(
        python,
        &["leet", "inspect", "--summary", "--json", &dir],
        env_root,
    );
    assert!(ok, "wandb leet inspect failed on {dir}:\n{err}");
    let mut m = parse(&out)
        .unwrap_or_else(|e| panic!("leet printed no JSON ({e}):\n{out}\n{err}"))
        .as_object()
        .unwrap()
        .clone();
    for k in ["file", "last_write", "start_time", "run_id"] {
        m.shift_remove(k);
    }
    if let Some(Value::Object(s)) = m.get_mut("summary") {
        for k in ["_runtime", "_timestamp", "_wandb"] {
            s.shift_remove(k);
        }
    }
    m
}

fn media_files(run_dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &run_dir.join("files"),
        &run_dir.join("files/media"),
        &mut out,
    );
    out.sort();
    out
}

/// Runs `sdk` (a Python command writing one offline run) in `py_root`, with its wandb
/// config and data folders under `tmp`; the run folder it wrote.
fn run_sdk_offline(mut sdk: Command, tmp: &Path, py_root: &Path) -> PathBuf {
    let out = sdk
        .env("WANDB_MODE", "offline")
        .env("WANDB_SILENT", "true")
        .env("WANDB_CONFIG_DIR", tmp.join("config"))
        .env("WANDB_DATA_DIR", tmp.join("data"))
        .current_dir(py_root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the Python run failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_dir(py_root.join("wandb"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.is_dir()
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("offline-run-"))
        })
        .unwrap()
}

#[test]
#[ignore = "needs a Python with wandb==0.31.0 (WB_PYTHON); run with --ignored"]
fn same_logs_look_the_same_to_wandb() {
    let python = common::sdk_python();
    let tmp = tempfile::tempdir().unwrap();
    let (py_root, rs_root) = (tmp.path().join("python"), tmp.path().join("rust"));
    std::fs::create_dir_all(&py_root).unwrap();
    std::fs::create_dir_all(&rs_root).unwrap();

    // The Python run.
    std::fs::write(tmp.path().join("same_logs.py"), SCRIPT).unwrap();
    let mut sdk = Command::new(&python);
    sdk.arg(tmp.path().join("same_logs.py")).arg(&py_root);
    let py_dir = run_sdk_offline(sdk, tmp.path(), &py_root);

    // Ours.
    let run = write_rust(&rs_root);

    // 1. wandb leet shows the same run.
    let (py_leet, rs_leet) = (
        leet_summary(&python, &py_dir, tmp.path()),
        leet_summary(&python, run.dir(), tmp.path()),
    );
    let keys = |m: &Map| -> Vec<String> {
        m.get("summary")
            .and_then(Value::as_object)
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert!(keys(&py_leet).len() > 20, "{py_leet:?}");
    assert_eq!(keys(&rs_leet), keys(&py_leet), "summary keys");
    for (k, v) in &py_leet {
        assert_eq!(rs_leet.get(k), Some(v), "leet `{k}` differs");
    }
    assert_eq!(rs_leet.len(), py_leet.len());
    assert_eq!(rs_leet.get("state"), Some(&Value::from("finished")));
    eprintln!(
        "leet: {} summary keys, same values; state, step, config, tags, name, notes equal",
        keys(&rs_leet).len()
    );

    // 2. The same records, read with our reader.
    let (ours, sdk) = (
        normalize(&simple_records(run.log_path())),
        normalize(&simple_records(&py_dir)),
    );
    for (i, (a, b)) in ours.iter().zip(&sdk).enumerate() {
        assert_eq!(a, b, "record {i} differs");
    }
    assert_eq!(ours.len(), sdk.len(), "record count");
    let (rl, pl) = (
        RunLog::read(run.dir()).unwrap(),
        RunLog::read(&py_dir).unwrap(),
    );
    assert_eq!(rl.history().unwrap().len(), pl.history().unwrap().len());

    // 3. The same media files.
    let (rm, pm) = (media_files(run.dir()), media_files(&py_dir));
    assert_eq!(
        rm.iter().map(|f| &f.0).collect::<Vec<_>>(),
        pm.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(rm, pm);

    // 4. wandb sync --dry-run accepts our run.
    let dir = run.dir().to_string_lossy().into_owned();
    let (ok, out, err) = wandb_cli(&python, &["sync", "--dry-run", &dir], tmp.path());
    let text = format!("{out}{err}");
    assert!(ok, "wandb sync --dry-run failed:\n{text}");
    assert!(
        text.contains("Would sync 1 run(s)") && text.contains(&format!("run-{}.wandb", run.id())),
        "{text}"
    );
}

/// `define_metric` live: the "metric" scenario of make_sdk_logs.py run by the installed SDK
/// and by our `Run` gives the same records (metric records, step metrics filled in, derived
/// summaries with the defined statistics) and the same summary in `wandb leet`.
#[test]
#[ignore = "needs a Python with wandb==0.31.0 (WB_PYTHON); run with --ignored"]
fn define_metric_looks_the_same_to_wandb() {
    let python = common::sdk_python();
    let tmp = tempfile::tempdir().unwrap();
    let (py_root, rs_root) = (tmp.path().join("python"), tmp.path().join("rust"));
    std::fs::create_dir_all(&py_root).unwrap();
    std::fs::create_dir_all(&rs_root).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let code = format!(
        "import sys; sys.path.insert(0, {:?}); from make_sdk_logs import SCENARIOS; exec(SCENARIOS['metric'])",
        data.to_string_lossy()
    );
    let mut sdk = Command::new(&python);
    sdk.args(["-c", &code]);
    let py_dir = run_sdk_offline(sdk, tmp.path(), &py_root);

    let run = Run::builder()
        .with_dir(&rs_root)
        .with_project("golden")
        .with_name("metric")
        .with_mode(wb_run::Mode::Offline)
        .with_data_dir(rs_root.join("data"))
        .build()
        .unwrap();
    common::metric_scenario::write_metric_scenario(&run);
    run.finish(0).unwrap();

    let (ours, sdk) = (
        normalize(&simple_records(run.log_path())),
        normalize(&simple_records(&py_dir)),
    );
    for (i, (a, b)) in ours.iter().zip(&sdk).enumerate() {
        assert_eq!(a, b, "record {i} differs");
    }
    assert_eq!(ours.len(), sdk.len(), "record count");
    let kinds = |rs: &[Value], kind: &str| {
        rs.iter()
            .filter(|r| r.get("type") == Some(&Value::from(kind)))
            .count()
    };
    assert_eq!(kinds(&ours, "metric"), 15);

    let (py_leet, rs_leet) = (
        leet_summary(&python, &py_dir, tmp.path()),
        leet_summary(&python, run.dir(), tmp.path()),
    );
    assert_eq!(
        rs_leet.get("summary"),
        py_leet.get("summary"),
        "leet summary"
    );
    eprintln!(
        "{} records equal ({} metric); leet summary: {}",
        ours.len(),
        kinds(&ours, "metric"),
        wb_core::json::to_string(
            rs_leet.get("summary").unwrap(),
            wb_core::json::Dialect::Compact
        )
    );

    let dir = run.dir().to_string_lossy().into_owned();
    let (ok, out, err) = wandb_cli(&python, &["sync", "--dry-run", &dir], tmp.path());
    assert!(ok, "wandb sync --dry-run failed:\n{out}{err}");
}
