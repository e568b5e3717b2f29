//! Several processes, one run (`Mode::Shared`, the SDK's shared mode): three processes (this
//! test binary, run again as children) log to one run through their own wandb-core 0.31.0
//! against the recording fake backend: a primary, which creates the run, and two workers,
//! which attach to it by id. What the server received from each process (told apart by the
//! client id core sends in shared mode) is checked, and compared with what three processes of
//! the Python SDK (`mode="shared"`, `x_primary`, `x_update_finish_state`, `x_label`) send to
//! another fake backend when the SDK's Python is there.
//!
//! Opt-in, as the other online tests: `cargo test -p wb-run --test online_shared -- --ignored`.
//! Without wandb-core (or without the SDK's Python, for the comparison) it is skipped with a
//! message, except under `CI=true`, where it fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod online_support;

mod common;

use online_support::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use wb_fake_backend::Backend;
use wb_run::{Mode, Row, Run, RunLog, SharedRole};

const RUN_ID: &str = "sharedrun1";
const STEPS: u32 = 3;
/// The environment variable that makes [`child_process`] a rank of the shared run.
const CHILD: &str = "WB_SHARED_TEST_RANK";

/// The role of each rank: rank 0 is the primary.
fn role(rank: u32) -> SharedRole {
    if rank == 0 {
        SharedRole::Primary
    } else {
        SharedRole::Worker
    }
}

fn label(rank: u32) -> String {
    format!("rank-{rank}")
}

/// One rank's logging, the same on both sides: the primary gives the initial config; every
/// rank logs `STEPS` rows of its rank and a loss, then sets a summary value; the primary
/// finishes last, once the workers have (as the SDK's docs have the primary wait for them).
fn rank_rows(rank: u32) -> Vec<(f64, f64)> {
    (0..STEPS)
        .map(|s| (f64::from(rank), f64::from(rank + 1) / f64::from(s + 1)))
        .collect()
}

/// Waits (at most a minute) until the workers wrote their `done-<rank>` files in `dir`.
fn wait_for_workers(dir: &Path) {
    let t = Instant::now();
    while (1..3).any(|r| !dir.join(format!("done-{r}")).exists()) {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the workers did not finish"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child: logs as rank `$WB_SHARED_TEST_RANK` when that is set; does nothing otherwise.
#[test]
fn child_process() {
    let Ok(rank) = std::env::var(CHILD) else {
        return;
    };
    let rank: u32 = rank.parse().unwrap();
    let dir = PathBuf::from(std::env::var("WB_SHARED_TEST_DIR").unwrap());
    let mut builder = Run::builder()
        .with_mode(Mode::Shared)
        .with_shared_role(role(rank))
        .with_label(label(rank))
        .with_id(RUN_ID)
        .with_core_path(std::env::var("WB_SHARED_TEST_CORE").unwrap())
        .with_base_url(std::env::var("WB_SHARED_TEST_URL").unwrap())
        .with_api_key(KEY)
        .with_dir(dir.join(format!("rank{rank}")))
        .with_data_dir(dir.join("data"))
        .with_project("online-proj")
        .with_silent(true);
    if rank == 0 {
        builder = builder.with_config_value("lr", 0.01);
    }
    let run = builder.build().unwrap();
    assert_eq!(run.label(), Some(label(rank).as_str()));
    assert_eq!(run.shared_role(), Some(role(rank)));
    for (r, loss) in rank_rows(rank) {
        run.log(Row::new().with("rank", r).with("loss", loss))
            .unwrap();
    }
    run.summary(Row::new().with(format!("best_{rank}"), f64::from(rank)))
        .unwrap();
    if rank == 0 {
        wait_for_workers(&dir);
    }
    run.finish(0).unwrap();
    std::fs::write(dir.join(format!("done-{rank}")), "").unwrap();
}

/// The SDK's side: the same logging by one rank.
const SCRIPT: &str = r#"
import os, sys, time, wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
rank, run_id, root = int(sys.argv[1]), sys.argv[2], sys.argv[3]
primary = rank == 0
settings = wandb.Settings(mode="shared", x_primary=primary, x_update_finish_state=primary,
                          x_label=f"rank-{rank}", x_disable_stats=True, x_disable_meta=True,
                          console="off", silent=True)
run = wandb.init(id=run_id, project="online-proj", dir=os.path.join(root, f"rank{rank}"),
                 config={"lr": 0.01} if primary else None, settings=settings)
for s in range(int(sys.argv[4])):
    run.log({"rank": float(rank), "loss": (rank + 1) / (s + 1)})
run.summary[f"best_{rank}"] = float(rank)
if primary:
    t = time.time()
    while not all(os.path.exists(os.path.join(root, f"done-{r}")) for r in (1, 2)):
        assert time.time() - t < 60, "the workers did not finish"
        time.sleep(0.05)
run.finish()
open(os.path.join(root, f"done-{rank}"), "w").close()
"#;

/// Starts one rank: ours (this binary's [`child_process`]) or the SDK's script.
fn spawn(side: &Side, rank: u32, backend: &Backend, dir: &Path) -> Child {
    let mut cmd = match side {
        Side::Ours { core } => {
            let mut c = Command::new(std::env::current_exe().unwrap());
            c.args([
                "--exact",
                "child_process",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, rank.to_string())
            .env("WB_SHARED_TEST_DIR", dir)
            .env("WB_SHARED_TEST_CORE", core)
            .env("WB_SHARED_TEST_URL", backend.base_url());
            c
        }
        Side::Sdk { python, script } => {
            let mut c = sdk_command(python, backend, dir);
            c.env("WANDB_DISABLE_GIT", "true")
                .arg(script)
                .arg(rank.to_string())
                .arg(RUN_ID)
                .arg(dir)
                .arg(STEPS.to_string());
            c
        }
    };
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

enum Side {
    Ours { core: PathBuf },
    Sdk { python: PathBuf, script: PathBuf },
}

/// Runs the three ranks against a new backend: the primary first, the workers once the
/// server has the run. Returns the backend.
fn three_ranks(side: &Side, dir: &Path) -> Backend {
    let backend = Backend::start().unwrap();
    let mut children = vec![spawn(side, 0, &backend, dir)];
    assert!(
        backend.wait_until(Duration::from_secs(60), |b| b.run(RUN_ID).is_some()),
        "the primary did not create the run"
    );
    for rank in 1..3 {
        children.push(spawn(side, rank, &backend, dir));
    }
    for (rank, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "rank {rank} failed\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    backend
}

/// What the server received from one process.
#[derive(Debug, Default, Clone, PartialEq)]
struct FromProcess {
    /// History rows, without `_runtime` and `_timestamp`.
    history: Vec<Value>,
    /// The `_step` of each history row (`null` where it had none).
    steps: Vec<Value>,
    /// `complete` and `exitcode` of its last file-stream request.
    complete: Option<Value>,
    exitcode: Option<Value>,
    /// Whether it streamed a summary line.
    streamed_summary: bool,
    /// The config keys of its `UpsertBucket` calls (but `_wandb`).
    config_keys: Vec<String>,
    /// The files it asked upload URLs for.
    files: Vec<String>,
}

/// What the server received, by rank (read from each process's history rows), from the
/// requests of each client id (`X-WANDB-CLIENT-ID` on GraphQL, `X-WANDB-ASYNC-CLIENT-ID` on
/// the file stream, which core sends in shared mode).
fn by_rank(backend: &Backend) -> BTreeMap<u32, FromProcess> {
    let mut by_client: BTreeMap<String, FromProcess> = BTreeMap::new();
    for r in backend.requests() {
        if r.path().ends_with("/file_stream") {
            let client = r
                .header("X-WANDB-ASYNC-CLIENT-ID")
                .expect("a shared run's file stream names its client")
                .to_owned();
            let p = by_client.entry(client).or_default();
            let body: Value = serde_json::from_slice(r.body()).unwrap();
            if let Some(lines) = body["files"]["wandb-history.jsonl"]["content"].as_array() {
                for l in lines {
                    let mut row: Value = serde_json::from_str(l.as_str().unwrap()).unwrap();
                    let m = row.as_object_mut().unwrap();
                    p.steps.push(m.get("_step").cloned().unwrap_or(Value::Null));
                    m.remove("_runtime");
                    m.remove("_timestamp");
                    m.remove("_step");
                    // Numbers as floats: Go writes 1.0 as `1`.
                    for v in m.values_mut() {
                        if let Some(f) = v.as_f64() {
                            *v = json!(f);
                        }
                    }
                    p.history.push(row);
                }
            }
            p.streamed_summary |= body["files"].get("wandb-summary.json").is_some();
            p.complete = body.get("complete").cloned();
            p.exitcode = body.get("exitcode").cloned();
        } else if let Some(op) = r.operation() {
            let Some(client) = r.header("X-WANDB-CLIENT-ID") else {
                continue;
            };
            let p = by_client.entry(client.to_owned()).or_default();
            let vars = r.variables().cloned().unwrap_or(Value::Null);
            match op {
                "UpsertBucket" => {
                    if let Some(cfg) = vars["config"].as_str() {
                        let cfg: Value = serde_json::from_str(cfg).unwrap();
                        for k in cfg.as_object().unwrap().keys() {
                            if k != "_wandb" && !p.config_keys.contains(k) {
                                p.config_keys.push(k.clone());
                            }
                        }
                    }
                }
                "CreateRunFiles" => {
                    for f in vars["files"].as_array().into_iter().flatten() {
                        p.files.push(f.as_str().unwrap_or_default().to_owned());
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeMap::new();
    for (client, mut p) in by_client {
        let rank = p
            .history
            .first()
            .and_then(|r| r["rank"].as_f64())
            .unwrap_or_else(|| panic!("client {client} sent no history: {p:?}"));
        p.config_keys.sort();
        p.files.sort();
        assert!(
            out.insert(rank as u32, p).is_none(),
            "two clients logged rank {rank}"
        );
    }
    out
}

/// The checks that hold for either side: one run, three processes, each one's rows arrived
/// without steps, the primary alone marks the run finished and uploads the summary and
/// config files.
fn check(backend: &Backend, side: &str) -> BTreeMap<u32, FromProcess> {
    assert_eq!(backend.runs().len(), 1, "{side}: one run on the server");
    let got = by_rank(backend);
    assert_eq!(got.keys().copied().collect::<Vec<_>>(), [0, 1, 2], "{side}");
    for (rank, p) in &got {
        let want: Vec<Value> = rank_rows(*rank)
            .into_iter()
            .map(|(r, loss)| json!({"rank": r, "loss": loss}))
            .collect();
        assert_eq!(p.history, want, "{side}: rank {rank}'s rows");
        if *rank == 0 {
            assert_eq!(p.complete, Some(json!(true)), "{side}: {p:?}");
            assert_eq!(p.exitcode, Some(json!(0)), "{side}: {p:?}");
            assert!(p.config_keys.contains(&"lr".to_owned()), "{side}: {p:?}");
        } else {
            assert_eq!(
                p.exitcode, None,
                "{side}: a worker set the exit code: {p:?}"
            );
            assert!(
                !p.files
                    .iter()
                    .any(|f| f == "config.yaml" || f == "wandb-summary.json"),
                "{side}: a worker uploaded the run's files: {p:?}"
            );
        }
    }
    got
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn three_processes_log_to_one_run_as_the_sdks_shared_mode() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let Some(core) = core() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let ours_dir = tmp.path().join("ours");
    std::fs::create_dir_all(&ours_dir).unwrap();
    let backend = three_ranks(&Side::Ours { core }, &ours_dir);
    let ours = check(&backend, "ours");
    let primary = &ours[&0];
    assert!(
        primary.files.iter().any(|f| f == "wandb-summary.json"),
        "{primary:?}"
    );

    let Some(python) = common::online_sdk_python("the shared-mode differential") else {
        return;
    };
    let sdk_dir = tmp.path().join("sdk");
    std::fs::create_dir_all(&sdk_dir).unwrap();
    let script = sdk_dir.join("rank.py");
    std::fs::write(&script, SCRIPT).unwrap();
    let sdk_backend = three_ranks(&Side::Sdk { python, script }, &sdk_dir);
    let sdk = check(&sdk_backend, "the SDK");
    for rank in 0..3 {
        let (a, b) = (&ours[&rank], &sdk[&rank]);
        assert_eq!(a.history, b.history, "rank {rank}: history");
        assert_eq!(a.steps, b.steps, "rank {rank}: steps");
        assert_eq!(
            (&a.complete, &a.exitcode),
            (&b.complete, &b.exitcode),
            "rank {rank}: the final state it set"
        );
        assert_eq!(a.config_keys, b.config_keys, "rank {rank}: config");
        assert_eq!(
            local_history(&ours_dir, rank),
            local_history(&sdk_dir, rank),
            "rank {rank}: the history rows of the local log"
        );
        // The SDK also uploads files we do not write (requirements.txt, ...): the run's
        // files we both write are uploaded by the same processes.
        for f in ["config.yaml", "wandb-summary.json"] {
            assert_eq!(
                a.files.iter().filter(|x| *x == f).count() > 0,
                b.files.iter().filter(|x| *x == f).count() > 0,
                "rank {rank}: whether it uploads {f}: ours {:?}, the SDK's {:?}",
                a.files,
                b.files
            );
        }
    }
}

/// The history rows of rank `rank`'s local `.wandb` log under `dir`, without `_runtime` and
/// `_timestamp`.
fn local_history(dir: &Path, rank: u32) -> Vec<Value> {
    let wandb = dir.join(format!("rank{rank}")).join("wandb");
    let run_dir = std::fs::read_dir(&wandb)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.is_dir()
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("run-"))
        })
        .unwrap_or_else(|| panic!("no run folder in {}", wandb.display()));
    let log = RunLog::read(&run_dir).unwrap();
    log.history()
        .unwrap()
        .into_iter()
        .map(|row| {
            let mut v = to_serde(&wb_core::json::Value::Object(row.values));
            let m = v.as_object_mut().unwrap();
            m.remove("_runtime");
            m.remove("_timestamp");
            v
        })
        .collect()
}
