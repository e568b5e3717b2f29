//! `log_artifact` with aliases and tags online: the same artifact logged through the Python SDK
//! (`wandb==0.31.0`, `mode="online"`) and through an online `wb_run::Run`, each against its own
//! fake backend, reaches the server with the same aliases (as a set: the SDK lists them in a
//! Python set's order) and the same tags in wandb-core's `CreateArtifact` request.
//!
//! It needs the SDK's Python and wandb-core; without them it is skipped with a message, except
//! under `CI=true`, where it fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod online_support;

use online_support::*;
use serde_json::Value;
use std::path::Path;
use wb_core::Artifact;
use wb_fake_backend::{Backend, Completion};
use wb_run::LogArtifactOptions;

const SCRIPT: &str = r#"
import os, sys, wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
root = sys.argv[1]
run = wandb.init(project="online-proj", id="alias001", dir=root,
                 settings=wandb.Settings(x_disable_stats=True, x_disable_meta=True,
                                         console="off", disable_git=True))
art = wandb.Artifact("d", type="dataset")
art.add_file(os.path.join(root, "a.txt"))
run.log_artifact(art, aliases=["best", "v1", "best"], tags=["tag one", "t-2", "tag one"])
run.finish()
"#;

fn sdk_run(python: &Path, backend: &Backend, home: &Path) {
    output_ok(
        sdk_online_command(python, backend, home)
            .args(["-c", SCRIPT])
            .arg(home),
        "the SDK run",
    );
}

/// The aliases (sorted) and tags of the `CreateArtifact` request for collection `d`.
fn created(backend: &Backend) -> (Vec<Value>, Value) {
    let requests: Vec<Value> = backend
        .requests()
        .iter()
        .filter(|r| r.operation() == Some("CreateArtifact"))
        .filter_map(|r| r.variables().cloned())
        .filter(|v| v["input"]["artifactCollectionName"] == "d")
        .collect();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let input = &requests[0]["input"];
    let mut aliases = input["aliases"].as_array().unwrap().clone();
    aliases.sort_by_key(|a| a.to_string());
    (aliases, input["tags"].clone())
}

#[test]
#[ignore = "needs wandb-core 0.31.0 and the SDK's Python (run with --ignored)"]
fn aliases_and_tags_reach_the_server_as_the_sdks() {
    let Some(core) = core() else { return };
    let Some(python) = common::online_sdk_python("the online artifact aliases test") else {
        return;
    };
    let sdk_backend = Backend::start().unwrap();
    let sdk_home = tempfile::tempdir().unwrap();
    std::fs::write(sdk_home.path().join("a.txt"), "a\n").unwrap();
    sdk_run(&python, &sdk_backend, sdk_home.path());

    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.txt"), "a\n").unwrap();
    let run = common::quiet(builder(&core, &backend, tmp.path()))
        .with_id("alias001")
        .build()
        .unwrap();
    let mut art = Artifact::new("d", "dataset");
    art.add_file(tmp.path().join("a.txt")).unwrap();
    run.log_artifact_with(
        art,
        LogArtifactOptions::default()
            .with_aliases(["best", "v1", "best"])
            .with_tags(["tag one", "t-2", "tag one"]),
    )
    .unwrap();
    run.finish(0).unwrap();
    assert_eq!(
        backend.run("alias001").unwrap().completion(),
        Completion::Complete { exit_code: 0 }
    );

    let (sdk, ours) = (created(&sdk_backend), created(&backend));
    eprintln!(
        "the SDK's CreateArtifact aliases {:?}, tags {}",
        sdk.0, sdk.1
    );
    assert_eq!(ours, sdk);
    // And the recorded artifact has them: each alias once, with latest.
    let mut aliases = backend
        .artifact("d")
        .expect("artifact d")
        .aliases()
        .to_vec();
    aliases.sort();
    assert_eq!(aliases, ["best", "latest", "v1"]);
}
