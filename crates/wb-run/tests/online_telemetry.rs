//! Telemetry online: the same calls through the Python SDK (`wandb==0.31.0`, `mode="online"`)
//! and through an online `wb_run::Run`, each against its own fake backend, leave the same
//! telemetry in the run config wandb-core uploads (`_wandb.t`: the feature flags as the list of
//! their field numbers, the CLI, core and platform strings; and `_wandb.cli_version`), for a
//! run using every flag a Rust run sets, for a resumed run and for a shared run; and an
//! offline run of each, uploaded by `wandb sync`, gives the server the same telemetry too.
//!
//! Left out by name: `_wandb.t["4"]` and `_wandb.python_version`, the SDK's Python version
//! (a Rust run has none and sends none); `_wandb.t["1"]` / `["2"]`, the Python modules loaded.
//!
//! It needs the SDK's Python and wandb-core; without them it is skipped with a message, except
//! under `CI=true`, where it fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod online_support;

use common::quiet;
use common::telemetry_scenario::{main_run, telemetry_calls, with_sdk_calls};
use online_support::*;
use serde_json::{Map, Value};
use std::path::Path;
use wb_core::json_map;
use wb_fake_backend::{Backend, Completion};
use wb_run::{LogOptions, MetricOptions, Resume, Row, SaveOptions, Summary};

/// A run with every call that sets a flag a Rust run sets (`#CALLS`: [`with_sdk_calls`]); a
/// run resumed; a shared run.
const SCRIPT: &str = r#"
import os, sys, wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
root = sys.argv[1]
os.chdir(root)
# A new Settings for each run: init writes the run's name, tags and id into the one it gets.
settings = lambda: wandb.Settings(x_disable_stats=True, x_disable_meta=True, console="off",
                                  disable_git=True)
run = wandb.init(project="online-proj", id="tele0001", name="telemetry", tags=["a"],
                 config={"lr": 0.1}, dir=root, settings=settings())
#CALLS
run.log({"x": 1}, step=7)
run.finish()
run = wandb.init(project="online-proj", id="tele0002", dir=root, settings=settings())
run.log({"a": 1})
run.finish()
run = wandb.init(project="online-proj", id="tele0002", resume="must", dir=root, settings=settings())
run.log({"a": 2})
run.finish()
run = wandb.init(project="online-proj", id="tele0003", mode="shared", dir=root, settings=settings())
run.log({"a": 3})
run.finish()
"#;

/// An offline run, uploaded later by `wandb sync`.
const OFFLINE_SCRIPT: &str = r#"
import os, sys, wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
root = sys.argv[1]
run = wandb.init(project="online-proj", id="tele0004", name="offline", config={"lr": 0.1},
                 mode="offline", dir=root,
                 settings=wandb.Settings(x_disable_stats=True, x_disable_meta=True,
                                         console="off", disable_git=True))
run.define_metric("loss", summary="min")
run.log({"loss": 1.0}, step=3)
run.finish()
"#;

fn sdk_run(python: &Path, backend: &Backend, home: &Path) {
    sdk_command(python, backend, home, &with_sdk_calls(SCRIPT));
}

fn sdk_command(python: &Path, backend: &Backend, home: &Path, script: &str) {
    output_ok(
        sdk_online_command(python, backend, home)
            .args(["-c", script])
            .arg(home),
        "the SDK run",
    );
}

/// The run config's `_wandb` value as last upserted.
fn config_wandb(backend: &Backend, id: &str) -> Map<String, Value> {
    let run = backend
        .run(id)
        .unwrap_or_else(|| panic!("no run {id} arrived"));
    assert_eq!(run.completion(), Completion::Complete { exit_code: 0 });
    let config = run.config().expect("a config arrived");
    config["_wandb"]["value"]
        .as_object()
        .unwrap_or_else(|| panic!("no _wandb in {config}"))
        .clone()
}

/// The run config's `_wandb` value in the first upsert that has a config (made from the run
/// record, whose telemetry is the init's).
fn first_config_wandb(backend: &Backend, id: &str) -> Map<String, Value> {
    let run = backend.run(id).unwrap();
    let config = run
        .upserts()
        .iter()
        .find_map(|u| u["config"].as_str().map(str::to_owned))
        .expect("an upsert with a config");
    let config: Value = serde_json::from_str(&config).unwrap();
    config["_wandb"]["value"].as_object().unwrap().clone()
}

/// The telemetry in a run's `_wandb` (`t` and the version keys), the Python-only keys taken
/// out by name.
fn telemetry(wandb: &Map<String, Value>) -> Value {
    let mut t = wandb["t"].as_object().expect("_wandb.t").clone();
    for k in ["1", "2", "4"] {
        t.remove(k);
    }
    serde_json::json!({"t": t, "cli_version": wandb.get("cli_version")})
}

#[test]
#[ignore = "needs wandb-core 0.31.0 and the SDK's Python (run with --ignored)"]
fn the_config_carries_the_same_telemetry_as_the_sdks() {
    let Some(core) = core() else { return };
    let Some(python) = common::online_sdk_python("the online telemetry test") else {
        return;
    };
    let sdk_backend = Backend::start().unwrap();
    let sdk_home = tempfile::tempdir().unwrap();
    std::fs::write(sdk_home.path().join("notes.txt"), "notes\n").unwrap();
    sdk_run(&python, &sdk_backend, sdk_home.path());

    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes.txt");
    std::fs::write(&notes, "notes\n").unwrap();
    let run = main_run(quiet(builder(&core, &backend, tmp.path())));
    telemetry_calls(
        &run,
        &notes,
        SaveOptions::default().with_base_path(tmp.path()),
    );
    run.log_with(Row::new().with("x", 1), LogOptions::default().with_step(7))
        .unwrap();
    run.finish(0).unwrap();
    let plain = quiet(builder(&core, &backend, tmp.path()))
        .with_id("tele0002")
        .build()
        .unwrap();
    plain.log(Row::new().with("a", 1)).unwrap();
    plain.finish(0).unwrap();
    let resumed = quiet(builder(&core, &backend, tmp.path()))
        .with_id("tele0002")
        .with_resume(Resume::Must)
        .build()
        .unwrap();
    assert!(resumed.is_resumed());
    resumed.log(Row::new().with("a", 2)).unwrap();
    resumed.finish(0).unwrap();
    let shared = quiet(builder(&core, &backend, tmp.path()))
        .with_id("tele0003")
        .with_mode(wb_run::Mode::Shared)
        .build()
        .unwrap();
    shared.log(Row::new().with("a", 3)).unwrap();
    shared.finish(0).unwrap();

    for id in ["tele0001", "tele0002", "tele0003"] {
        let (sdk, ours) = (config_wandb(&sdk_backend, id), config_wandb(&backend, id));
        eprintln!("{id}: the SDK's _wandb.t {}", sdk["t"]);
        // The SDK sends its Python version; we send none, and core adds none.
        assert!(sdk["python_version"].is_string() && sdk["t"]["4"].is_string());
        assert_eq!(ours.get("python_version"), None, "{ours:?}");
        assert_eq!(ours["t"].get("4"), None);
        assert_eq!(telemetry(&ours), telemetry(&sdk), "{id}");
    }
    // At the start, the run record's telemetry: the init's flags only.
    let (sdk, ours) = (
        first_config_wandb(&sdk_backend, "tele0001"),
        first_config_wandb(&backend, "tele0001"),
    );
    eprintln!("tele0001 at the start: the SDK's _wandb.t {}", sdk["t"]);
    assert_eq!(telemetry(&ours), telemetry(&sdk), "the first upsert");
    // The flags behind the lists: finish (2), save (3), metric (7), set_init_* (13-16),
    // set_step_log (61), set_summary (62), metric_summary (63), metric_hidden (65),
    // metric_step_sync (66), table (78); the resumed run has resumed (5); the shared run
    // shared_mode (67) and user_provided_label (69, for the default label).
    let t = |id| config_wandb(&backend, id)["t"]["3"].clone();
    assert_eq!(
        t("tele0001"),
        serde_json::json!([2, 3, 7, 13, 14, 15, 16, 61, 62, 63, 65, 66, 78])
    );
    assert!(t("tele0002").as_array().unwrap().contains(&5.into()));
    let shared = t("tele0003");
    assert!(shared.as_array().unwrap().contains(&67.into()), "{shared}");
    assert!(shared.as_array().unwrap().contains(&69.into()), "{shared}");
}

#[test]
#[ignore = "needs wandb-core 0.31.0 and the SDK's Python (run with --ignored)"]
fn offline_runs_synced_later_carry_the_same_telemetry() {
    let Some(core) = core() else { return };
    let Some(python) = common::online_sdk_python("the offline telemetry sync test") else {
        return;
    };
    // The SDK's offline run; no server is used until the sync.
    let unused = Backend::start().unwrap();
    let sdk_home = tempfile::tempdir().unwrap();
    sdk_command(&python, &unused, sdk_home.path(), OFFLINE_SCRIPT);
    let sdk_dir = std::fs::read_dir(sdk_home.path().join("wandb"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("offline-run-"))
        .unwrap();
    let sdk_backend = Backend::start().unwrap();
    wandb_sync(&python, &sdk_backend, &sdk_dir);

    let tmp = tempfile::tempdir().unwrap();
    let run = quiet(builder(&core, &unused, tmp.path()))
        .with_mode(wb_run::Mode::Offline)
        .with_id("tele0004")
        .with_name("offline")
        .with_config(json_map! {"lr" => 0.1})
        .build()
        .unwrap();
    run.define_metric(
        "loss",
        MetricOptions::default().with_summary([Summary::Min]),
    )
    .unwrap();
    run.log_with(
        Row::new().with("loss", 1.0),
        LogOptions::default().with_step(3),
    )
    .unwrap();
    run.finish(0).unwrap();
    let backend = Backend::start().unwrap();
    wandb_sync(&python, &backend, run.dir());

    let (sdk, ours) = (
        config_wandb(&sdk_backend, "tele0004"),
        config_wandb(&backend, "tele0004"),
    );
    eprintln!("synced: the SDK's _wandb.t {}", sdk["t"]);
    assert_eq!(ours.get("python_version"), None, "{ours:?}");
    assert_eq!(telemetry(&ours), telemetry(&sdk));
    // offline (4) is among the flags.
    assert!(ours["t"]["3"].as_array().unwrap().contains(&4.into()));
}
