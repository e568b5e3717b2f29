//! Differential with the real SDK (`wandb==0.31.0`, offline) for `log_artifact`'s aliases and
//! tags: the same artifact logged with the same aliases and tags gives the same `artifact`
//! record (the aliases as a set: the SDK lists them in a Python set's order, which changes
//! from one Python process to the next), and the SDK and `Run::log_artifact_with` accept and
//! refuse the same aliases and tags.
//!
//! Opt-in (`#[ignore]`), as `tests/sdk_conformance.rs`:
//! `WB_PYTHON=/path/to/python cargo test -p wb-run --test sdk_artifact_aliases -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use wb_core::Artifact;
use wb_run::proto::{ArtifactRecord, RecordType};
use wb_run::{Error, LogArtifactOptions, RecordReader};

const ALIASES: [&str; 4] = ["best", "v1", "best", "with space"];
const TAGS: [&str; 4] = ["tag one", "t-2_x", "tag one", "été"];

/// Aliases and tags tried one at a time, each accepted or refused by both.
const ALIAS_CANDIDATES: [&str; 7] = ["ok", "a/b", "run:v1", "", "é", "latest", "x y"];
/// `"end\n"` is left out: Python's `$` lets the SDK accept a tag ending in a newline, which
/// `log_artifact_with` refuses.
const TAG_CANDIDATES: [&str; 10] = [
    "ok",
    "two  words",
    "a.b",
    " lead",
    "trail ",
    "",
    "été",
    "tab\there",
    "x!",
    "a/b",
];

const SCRIPT: &str = r#"
import json, os, sys, wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
root, src, cases = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
run = wandb.init(project="p", id="alias001", mode="offline", dir=root,
                 settings=wandb.Settings(x_disable_stats=True, x_disable_meta=True,
                                         console="off", disable_git=True))
art = wandb.Artifact("d", type="dataset", description="aliased")
art.add_file(os.path.join(src, "a.txt"))
run.log_artifact(art, aliases=cases["aliases"], tags=cases["tags"])
accepted = {"aliases": [], "tags": []}
for kind in ["aliases", "tags"]:
    for c in cases[kind + "_candidates"]:
        a = wandb.Artifact("c", type="dataset")
        try:
            run.log_artifact(a, **{kind: [c]})
            accepted[kind].append(True)
        except ValueError:
            accepted[kind].append(False)
run.finish()
print(json.dumps(accepted))
"#;

/// The artifact records of a run folder.
fn artifacts(dir: &Path) -> Vec<ArtifactRecord> {
    let mut reader = RecordReader::open(dir).unwrap();
    let mut out = Vec::new();
    while let Some(r) = reader.next_with_offset() {
        if let Some(RecordType::Artifact(a)) = r.unwrap().2.record_type {
            out.push(a);
        }
    }
    out
}

/// What differs between two runs' records of the same artifact: ids, the staged copies' paths,
/// and the order of the aliases.
fn comparable(a: &ArtifactRecord) -> ArtifactRecord {
    let mut a = a.clone();
    a.client_id.clear();
    a.sequence_client_id.clear();
    a.info = None;
    a.aliases.sort();
    if let Some(m) = a.manifest.as_mut() {
        for e in &mut m.contents {
            e.local_path.clear();
        }
    }
    a
}

#[test]
#[ignore = "needs a Python with wandb==0.31.0 (WB_PYTHON); run with --ignored"]
fn aliases_and_tags_match_the_sdk() {
    let python = common::sdk_python();
    let tmp = tempfile::tempdir().unwrap();
    let (py_root, rs_root, src) = (
        tmp.path().join("py"),
        tmp.path().join("rs"),
        tmp.path().join("src"),
    );
    for d in [&py_root, &rs_root, &src] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(src.join("a.txt"), "a\n").unwrap();
    let cases = serde_json::json!({
        "aliases": ALIASES, "tags": TAGS,
        "aliases_candidates": ALIAS_CANDIDATES, "tags_candidates": TAG_CANDIDATES,
    });
    let stdout = common::stdout_ok(
        common::sdk_script_command(&python, SCRIPT, tmp.path())
            .arg(&py_root)
            .arg(&src)
            .arg(cases.to_string())
            .env_remove("WANDB_MODE"),
    );
    let sdk_accepted: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap()).unwrap();

    let run = common::quiet(common::offline_builder(tmp.path()))
        .with_dir(&rs_root)
        .with_id("alias001")
        .build()
        .unwrap();
    let mut art = Artifact::new("d", "dataset").with_description("aliased");
    art.add_file(src.join("a.txt")).unwrap();
    run.log_artifact_with(
        art,
        LogArtifactOptions::default()
            .with_aliases(ALIASES)
            .with_tags(TAGS),
    )
    .unwrap();
    let mut accepted = serde_json::json!({"aliases": [], "tags": []});
    for (kind, candidates) in [
        ("aliases", &ALIAS_CANDIDATES[..]),
        ("tags", &TAG_CANDIDATES),
    ] {
        for c in candidates {
            let options = match kind {
                "aliases" => LogArtifactOptions::default().with_aliases([*c]),
                _ => LogArtifactOptions::default().with_tags([*c]),
            };
            let result = run.log_artifact_with(Artifact::new("c", "dataset"), options);
            if let Err(e) = &result {
                assert!(
                    matches!(e, Error::InvalidAlias { .. } | Error::InvalidTag { .. }),
                    "{c:?}: {e}"
                );
            }
            accepted[kind]
                .as_array_mut()
                .unwrap()
                .push(result.is_ok().into());
        }
    }
    run.finish(0).unwrap();

    assert_eq!(accepted, sdk_accepted, "accepted aliases and tags");
    let py_dir = std::fs::read_dir(py_root.join("wandb"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("offline-run-"))
        .unwrap();
    let (py, ours) = (artifacts(&py_dir), artifacts(run.dir()));
    assert_eq!(ours.len(), py.len());
    let (py, ours) = (&py[0], &ours[0]);
    eprintln!("the SDK's aliases {:?}, tags {:?}", py.aliases, py.tags);
    assert_eq!(ours.tags, py.tags, "tags, in order");
    assert_eq!(comparable(ours), comparable(py), "artifact record");
    // Each alias once and `latest`; the given order, `latest` last.
    assert_eq!(ours.aliases, ["best", "v1", "with space", "latest"]);
    // The candidates' records: the same aliases and tags for each accepted one.
    let rest = |v: &[ArtifactRecord]| -> Vec<(Vec<String>, Vec<String>)> {
        v[1..]
            .iter()
            .map(|a| {
                let mut aliases = a.aliases.clone();
                aliases.sort();
                (aliases, a.tags.clone())
            })
            .collect()
    };
    assert_eq!(
        rest(&artifacts(run.dir())),
        rest(&artifacts(&py_dir)),
        "each accepted candidate's record"
    );
}
