//! Shared by the online tests: finding wandb-core, the run builder against the fake backend,
//! the reference logging and the checks of what arrived.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use wb_core::{Histogram, LogValue};
use wb_fake_backend::{Backend, Completion};
use wb_image::Image;
use wb_run::{Mode, Row, Run, RunBuilder, RunLog};
use wb_table::Table;

mod basics;
pub use basics::*;

/// An online run's builder against `backend`, with everything under `tmp`.
pub fn builder(core: &Path, backend: &Backend, tmp: &Path) -> RunBuilder {
    Run::builder()
        .with_mode(Mode::Online)
        .with_core_path(core)
        .with_base_url(backend.base_url())
        .with_api_key(KEY)
        .with_dir(tmp)
        .with_data_dir(tmp.join("data"))
        .with_project("online-proj")
        .with_silent(true)
}

/// The SDK's Python against `backend`, kept to `home`: a cleared environment with only `PATH`,
/// `HOME`, `LANG`, the server, the test's API key and the SDK's config, cache and data folders
/// under `home`; started in `home`, stdin closed. Callers add the run's own settings
/// (`WANDB_MODE`, ...) and the arguments.
pub fn sdk_command(python: &Path, backend: &Backend, home: &Path) -> Command {
    let mut cmd = Command::new(python);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("LANG", "C.UTF-8")
        .env("WANDB_BASE_URL", backend.base_url())
        .env("WANDB_API_KEY", KEY)
        .env("WANDB_CONFIG_DIR", home.join("config"))
        .env("WANDB_CACHE_DIR", home.join("cache"))
        .env("WANDB_DATA_DIR", home.join("data"))
        .current_dir(home)
        .stdin(Stdio::null());
    cmd
}

/// [`sdk_command`] for a silent online run (`WANDB_MODE=online`, `WANDB_SILENT=true`).
pub fn sdk_online_command(python: &Path, backend: &Backend, home: &Path) -> Command {
    let mut cmd = sdk_command(python, backend, home);
    cmd.env("WANDB_MODE", "online").env("WANDB_SILENT", "true");
    cmd
}

/// Runs `cmd` to its end and returns its output; panics with its stdout and stderr, saying
/// that `what` failed, if it did not succeed.
pub fn output_ok(cmd: &mut Command, what: &str) -> Output {
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{what} failed\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `wandb sync` of a run folder to `backend`, from a fresh home.
pub fn wandb_sync(python: &Path, backend: &Backend, run_dir: &Path) {
    let home = tempfile::tempdir().unwrap();
    output_ok(
        sdk_command(python, backend, home.path())
            .args(["-m", "wandb", "sync"])
            .arg(run_dir),
        "wandb sync",
    );
}

/// wandb-core's upload of a finished run's `.wandb` log (what `wb sync` runs) to `backend`,
/// with core's own files (its debug-sync log under `logs/`) in `wandb_dir`, and `x_primary`
/// as given.
pub fn core_sync(
    core: &Path,
    backend: &Backend,
    log_path: &Path,
    wandb_dir: &Path,
    x_primary: Option<bool>,
) {
    let client = wb_service::Client::builder()
        .with_binary(wb_service::CoreBinary::from_path(core).unwrap())
        .build()
        .unwrap();
    let settings = wb_proto::Settings {
        base_url: Some(backend.base_url().to_owned()),
        api_key: Some(KEY.to_owned()),
        wandb_dir: Some(wandb_dir.to_string_lossy().into_owned()),
        x_primary,
        ..Default::default()
    };
    let id = client
        .init_sync(
            &[log_path.to_path_buf()],
            wb_service::SyncMode::Finished,
            settings,
        )
        .unwrap();
    client
        .sync(&id, 4)
        .unwrap()
        .wait(Duration::from_secs(300))
        .unwrap();
    client.teardown(0, Duration::from_secs(60)).unwrap();
}

/// Every file under `dir`, as `/`-separated paths relative to it.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

pub fn image(step: u8) -> Image {
    let px = wb_core::ndarray::Array3::from_shape_fn((8, 12, 3), |(y, x, c)| {
        (y * 20 + x * 7 + c * 50 + usize::from(step)) as u8
    });
    Image::from_array(px.view()).unwrap()
}

/// Logs the reference run: scalars, a histogram, an image, a table, config and summary.
pub fn log_reference(run: &Run, steps: u32) {
    run.config_update(wb_core::json_map! {"batch" => 32})
        .unwrap();
    for step in 0..steps {
        let x = f64::from(step);
        let mut row = Row::new()
            .with("loss", 1.0 / (x + 1.0))
            .with("phase", if step < 2 { "warmup" } else { "train" })
            .with(
                "h",
                LogValue::media(Histogram::from_sequence(&[x, 2.0 * x, 1.5]).unwrap()),
            );
        if step % 2 == 0 {
            row = row.with_media("img", image(step as u8));
        }
        run.log(row).unwrap();
    }
    let table = Table::from_rows(
        ["a", "b"],
        vec![vec![1.into(), "x".into()], vec![2.into(), "y".into()]],
    )
    .unwrap();
    run.log(Row::new().with_media("tbl", table)).unwrap();
    run.summary(Row::new().with("best", 0.875)).unwrap();
}

/// What reached `backend` for `run` is what its local log holds: every history row, the
/// summary, the config, every file under `files/` with its bytes, the table artifact, and a
/// complete run with exit code 0.
pub fn assert_uploaded(backend: &Backend, run_dir: &Path, run_id: &str, rows: usize) {
    // One `.wandb` log in the run folder, ours (core writes no second one), read whole.
    let logs: Vec<String> = files_under(run_dir)
        .into_iter()
        .filter(|f| f.ends_with(".wandb"))
        .collect();
    assert_eq!(logs, [format!("run-{run_id}.wandb")]);
    let log = RunLog::read(run_dir).unwrap();
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    let got = backend
        .run(run_id)
        .unwrap_or_else(|| panic!("no run {run_id} on the backend"));
    assert_eq!(got.project(), "online-proj");
    let logged = assert_history_uploaded(&got, &log);
    assert_eq!(logged.len(), rows);
    let got_summary = assert_summary_uploaded(&got, &log);
    assert_eq!(got_summary["best"], json!(0.875));
    let config = got.config_values();
    assert_eq!(config.get("batch"), Some(&json!(32)), "{config:?}");
    let files_dir = run_dir.join("files");
    let local = files_under(&files_dir);
    assert!(
        local.iter().any(|f| f.starts_with("media/images/")),
        "{local:?}"
    );
    for name in &local {
        let bytes = std::fs::read(files_dir.join(name)).unwrap();
        let up = got.file(name).unwrap_or_else(|| {
            panic!(
                "{name} was not uploaded; uploaded: {:?}",
                got.files().keys()
            )
        });
        assert!(up == bytes.as_slice(), "{name}: the uploaded bytes differ");
    }
    let artifact = backend
        .artifacts()
        .into_iter()
        .find(|a| a.type_name() == "run_table")
        .expect("the table's run_table artifact arrived");
    let manifest = artifact.manifest().unwrap().expect("its manifest arrived");
    let contents = manifest["contents"].as_object().unwrap();
    assert!(
        contents.keys().any(|k| k.ends_with(".table.json")),
        "{manifest}"
    );
    for (path, entry) in contents {
        let bytes = artifact_file(&artifact, path, entry["digest"].as_str())
            .unwrap_or_else(|| panic!("artifact file {path} was not uploaded"));
        assert_eq!(entry["size"], json!(bytes.len()), "{path}");
    }
    assert_eq!(got.completion(), Completion::Complete { exit_code: 0 });
}
