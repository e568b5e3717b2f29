//! The `wb` binary against the real wandb-core 0.31.0 and the fake W&B backend, with no Python
//! on `PATH`: `wb login` writes the key, `wb sync` uploads an offline run written by wb-run
//! (every history row, every file under `files/` byte for byte), a wrong key and a missing
//! binary fail with a non-zero exit in bounded time.
//!
//! The tests that need wandb-core are opt-in (`cargo test -p wb-cli -- --ignored`; CI runs them
//! after building `target/conformance-venv`). The binary comes from `WB_CORE_PATH`, else that
//! venv; without it they are skipped with a message, except in CI (`CI=true`), where they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wb_core::json::{Dialect, to_string};
use wb_core::{Histogram, Html, HtmlOptions};
use wb_fake_backend::{Backend, Completion};
use wb_run::{Row, Run, RunLog};

const KEY: &str = "0123456789abcdef0123456789abcdef01234567";

fn core() -> Option<PathBuf> {
    match wb_fake_backend::locate_wandb_core() {
        Ok(p) => Some(p),
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("these tests need wandb-core 0.31.0: {e}");
            }
            eprintln!("SKIPPED: these tests need wandb-core 0.31.0: {e}");
            None
        }
    }
}

struct Out {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// `wb ARGS` started with a clean environment: no Python on PATH, HOME in `home`, plus `env`.
fn spawn_wb(home: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    let empty_bin = home.join("empty-bin");
    std::fs::create_dir_all(&empty_bin).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wb"));
    cmd.args(args)
        .current_dir(home)
        .env_clear()
        .env("PATH", &empty_bin)
        .env("HOME", home)
        .env("TMPDIR", std::env::temp_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// Waits for `wb`, at most `limit`.
fn finish_wb(mut child: std::process::Child, args: &[&str], limit: Duration) -> Out {
    let t = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t.elapsed() > limit {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "wb {args:?} did not finish within {limit:?}\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Out {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `wb ARGS` run to its end, at most `limit`.
fn wb(home: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Out {
    finish_wb(spawn_wb(home, args, env), args, limit)
}

fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(
                    p.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn to_serde(v: &wb_core::json::Value) -> Value {
    serde_json::from_str(&to_string(v, Dialect::Go)).unwrap()
}

fn offline_run(root: &Path) -> Run {
    let run = Run::builder()
        .with_dir(root)
        .with_project("cli-proj")
        .with_mode(wb_run::Mode::Offline)
        .build()
        .unwrap();
    for step in 0..5u32 {
        let x = f64::from(step);
        let mut row = Row::new()
            .with("loss", 1.0 / (x + 1.0))
            .with("phase", if step < 2 { "warmup" } else { "train" })
            .with_media(
                "weights",
                Histogram::from_sequence(&[x, x * 2.0, 1.5]).unwrap(),
            );
        if step % 2 == 0 {
            row = row.with_media(
                "page",
                Html::from_literal_with(
                    &format!("<p>{step}</p>"),
                    HtmlOptions::default().with_inject(false),
                ),
            );
        }
        run.log(row).unwrap();
    }
    run.finish(0).unwrap();
    run
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn login_then_sync_an_offline_run_without_python() {
    let Some(core) = core() else { return };
    let backend = Backend::builder().with_api_key(KEY).start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let run = offline_run(&home.path().join("project"));
    let core = core.to_string_lossy().into_owned();

    // wb login stores the key for the backend's host:port in ~/.netrc, owner-only.
    let out = wb(
        home.path(),
        &["login", KEY, "--host", backend.base_url()],
        &[],
        Duration::from_secs(30),
    );
    assert!(out.ok, "{}{}", out.stdout, out.stderr);
    let netrc = home.path().join(".netrc");
    let text = std::fs::read_to_string(&netrc).unwrap();
    let host = backend.base_url().split_once("://").unwrap().1;
    assert_eq!(
        text,
        format!("machine {host}\n  login user\n  password {KEY}\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&netrc).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // A .synced marker is no reason to skip a run.
    let wandb_file = std::fs::read_dir(run.dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "wandb"))
        .unwrap();
    std::fs::write(wandb_file.with_extension("wandb.synced"), b"").unwrap();

    let dir = run.dir().to_string_lossy().into_owned();
    let out = wb(
        home.path(),
        &["sync", &dir],
        &[
            ("WB_CORE_PATH", &core),
            ("WANDB_BASE_URL", backend.base_url()),
        ],
        Duration::from_secs(240),
    );
    eprintln!("{}{}", out.stdout, out.stderr);
    assert!(out.ok, "wb sync failed:\n{}{}", out.stdout, out.stderr);

    let synced = backend.run(run.id()).unwrap_or_else(|| {
        panic!(
            "no run {} on the backend\n{}{}",
            run.id(),
            out.stdout,
            out.stderr
        )
    });
    assert_eq!(synced.project(), "cli-proj");
    let log = RunLog::read(run.dir()).unwrap();
    let rows = synced.history().unwrap();
    let logged = log.history().unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows.len(), logged.len());
    for (got, want) in rows.iter().zip(&logged) {
        assert_eq!(
            got,
            &to_serde(&wb_core::json::Value::Object(want.values.clone()))
        );
    }
    let files_dir = run.dir().join("files");
    let local = files_under(&files_dir);
    assert!(
        local.iter().any(|f| f.starts_with("media/html/")),
        "{local:?}"
    );
    for name in &local {
        let bytes = std::fs::read(files_dir.join(name)).unwrap();
        let up = synced
            .file(name)
            .unwrap_or_else(|| panic!("{name} was not uploaded: {:?}", synced.files().keys()));
        assert!(up == bytes.as_slice(), "{name}: the uploaded bytes differ");
    }
    // The run's environment records become wandb-metadata.json, as for a Python run.
    let meta: Value = serde_json::from_slice(
        synced
            .file("wandb-metadata.json")
            .unwrap_or_else(|| panic!("no wandb-metadata.json: {:?}", synced.files().keys())),
    )
    .unwrap();
    for key in [
        "os",
        "python",
        "program",
        "host",
        "cpu_count",
        "memory",
        "disk",
    ] {
        assert!(meta.get(key).is_some(), "{key} not in {meta}");
    }
    assert_eq!(synced.completion(), Completion::Complete { exit_code: 0 });
    // Core's log of the upload is in ./wandb/logs, as for `wandb sync`.
    let logs = std::fs::read_dir(home.path().join("wandb/logs"))
        .unwrap()
        .count();
    assert!(logs > 0);
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn sync_live_follows_a_run_being_written() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let core = core.to_string_lossy().into_owned();
    let run = Run::builder()
        .with_dir(home.path().join("project"))
        .with_project("live-proj")
        .with_mode(wb_run::Mode::Offline)
        .build()
        .unwrap();
    run.log(Row::new().with("loss", 1.0)).unwrap();
    let dir = run.dir().to_string_lossy().into_owned();
    let args = ["sync", "--live", &dir];
    let child = spawn_wb(
        home.path(),
        &args,
        &[
            ("WB_CORE_PATH", &core),
            ("WANDB_BASE_URL", backend.base_url()),
            ("WANDB_API_KEY", KEY),
        ],
    );
    // The upload has begun on the rows so far before the run goes on.
    assert!(
        backend.wait_until(Duration::from_secs(120), |b| b
            .run(run.id())
            .is_some_and(|r| !r.history_lines().is_empty())),
        "the first row did not arrive while the run was being written"
    );
    for step in 1..4u32 {
        run.log(Row::new().with("loss", 1.0 / f64::from(step + 1)))
            .unwrap();
    }
    run.finish(0).unwrap();
    let out = finish_wb(child, &args, Duration::from_secs(240));
    assert!(
        out.ok,
        "wb sync --live failed:\n{}{}",
        out.stdout, out.stderr
    );
    let synced = backend.run(run.id()).unwrap();
    let rows = synced.history().unwrap();
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows[3]["loss"], 0.25);
    assert_eq!(synced.completion(), Completion::Complete { exit_code: 0 });
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn a_wrong_key_fails_in_bounded_time() {
    let Some(core) = core() else { return };
    let backend = Backend::builder().with_api_key(KEY).start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let run = offline_run(&home.path().join("project"));
    let core = core.to_string_lossy().into_owned();
    let dir = run.dir().to_string_lossy().into_owned();
    let wrong = "f".repeat(40);
    let out = wb(
        home.path(),
        &["sync", &dir, "--base-url", backend.base_url()],
        &[("WB_CORE_PATH", &core), ("WANDB_API_KEY", &wrong)],
        Duration::from_secs(240),
    );
    assert!(
        !out.ok,
        "a refused key must fail:\n{}{}",
        out.stdout, out.stderr
    );
    eprintln!("{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("error"), "{}", out.stderr);
    assert!(backend.run(run.id()).is_none());
}

#[test]
fn no_key_and_no_binary_are_clear_errors() {
    let home = tempfile::tempdir().unwrap();
    let run = offline_run(&home.path().join("project"));
    let dir = run.dir().to_string_lossy().into_owned();
    let out = wb(home.path(), &["sync", &dir], &[], Duration::from_secs(60));
    assert!(!out.ok);
    assert!(
        out.stderr.contains("WANDB_API_KEY") && out.stderr.contains("wb login"),
        "{}",
        out.stderr
    );

    let out = wb(
        home.path(),
        &["sync", &dir],
        &[("WANDB_API_KEY", KEY)],
        Duration::from_secs(60),
    );
    assert!(!out.ok);
    for way in [
        "WB_CORE_PATH",
        "pip install wandb==0.31.0",
        "wb core install",
    ] {
        assert!(out.stderr.contains(way), "{}", out.stderr);
    }
    let out = wb(home.path(), &["core", "path"], &[], Duration::from_secs(60));
    assert!(!out.ok);
    assert!(out.stderr.contains("wb core install"), "{}", out.stderr);
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn core_path_names_the_binary_and_its_version() {
    let Some(core) = core() else { return };
    let home = tempfile::tempdir().unwrap();
    let core_s = core.to_string_lossy().into_owned();
    let out = wb(
        home.path(),
        &["core", "path"],
        &[("WB_CORE_PATH", &core_s)],
        Duration::from_secs(60),
    );
    assert!(out.ok, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), core_s);
    assert!(
        out.stderr.contains("WB_CORE_PATH") && out.stderr.contains("0.31.0"),
        "{}",
        out.stderr
    );
}

#[test]
fn help_for_every_command() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["sync", "--help"],
        &["login", "--help"],
        &["core", "--help"],
    ] {
        let out = wb(home.path(), args, &[], Duration::from_secs(30));
        assert!(out.ok, "{args:?}: {}", out.stderr);
        assert!(out.stdout.contains("Usage: wb"), "{args:?}: {}", out.stdout);
    }
    let out = wb(home.path(), &["frobnicate"], &[], Duration::from_secs(30));
    assert!(!out.ok);
    assert!(out.stderr.contains("unknown command"), "{}", out.stderr);
}

#[test]
#[ignore = "needs the SDK's Python (WB_PYTHON or target/conformance-venv)"]
fn login_writes_the_netrc_as_wandb_login_does() {
    let py = match wb_fake_backend::locate_sdk_python() {
        Ok(p) => p,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("this test needs the SDK's Python: {e}");
            }
            eprintln!("SKIPPED: this test needs the SDK's Python: {e}");
            return;
        }
    };
    const SCRIPT: &str = "import sys\n\
        from wandb.sdk.lib.wbauth import wbnetrc\n\
        wbnetrc.write_netrc_auth(host=sys.argv[1], api_key=sys.argv[2])\n";
    let home = tempfile::tempdir().unwrap();
    let existing = "machine other.example\n  login me\n  password 'p w'\n\
                    machine 127.0.0.1:8080\n  login user\n  password old\n# a comment\n";
    let keys = [KEY.to_string(), format!("local-{}", "k".repeat(40))];
    for (i, (before, key)) in [(None, &keys[0]), (Some(existing), &keys[1])]
        .into_iter()
        .enumerate()
    {
        let ours = home.path().join(format!("ours-{i}"));
        let theirs = home.path().join(format!("theirs-{i}"));
        if let Some(b) = before {
            std::fs::write(&ours, b).unwrap();
            std::fs::write(&theirs, b).unwrap();
        }
        let status = Command::new(&py)
            .args(["-c", SCRIPT, "http://127.0.0.1:8080", key])
            .env("NETRC", &theirs)
            .env("WANDB_SILENT", "true")
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let netrc = ours.to_string_lossy().into_owned();
        let out = wb(
            home.path(),
            &["login", "--relogin", key, "--host", "http://127.0.0.1:8080"],
            &[("NETRC", &netrc)],
            Duration::from_secs(30),
        );
        assert!(out.ok, "{}", out.stderr);
        assert_eq!(
            std::fs::read_to_string(&ours).unwrap(),
            std::fs::read_to_string(&theirs).unwrap()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&ours), mode(&theirs));
        }
    }
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (WB_CORE_PATH or target/conformance-venv)"]
fn sync_uploads_saved_files_and_a_user_artifact() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let src = home.path().join("src");
    std::fs::create_dir_all(src.join("ckpt")).unwrap();
    std::fs::write(src.join("ckpt/a.pt"), [1u8, 2, 3]).unwrap();
    std::fs::write(src.join("ckpt/b.pt"), [4u8, 5]).unwrap();
    std::fs::write(src.join("notes.md"), "# notes\n").unwrap();
    let run = Run::builder()
        .with_dir(home.path().join("project"))
        .with_project("save-proj")
        .with_mode(wb_run::Mode::Offline)
        .with_data_dir(home.path().join("data"))
        .with_silent(true)
        .build()
        .unwrap();
    let base = wb_run::SaveOptions::default().with_base_path(&src);
    run.save_with(src.join("ckpt/*.pt"), wb_run::FilePolicy::End, base.clone())
        .unwrap();
    run.save_with(src.join("notes.md"), wb_run::FilePolicy::Live, base)
        .unwrap();
    let mut art = wb_core::Artifact::new("ckpts", "model").with_description("checkpoints");
    art.add_dir_as(src.join("ckpt"), "weights").unwrap();
    run.log_artifact(art).unwrap();
    run.log(Row::new().with("loss", 0.5)).unwrap();
    run.finish(0).unwrap();

    let dir = run.dir().to_string_lossy().into_owned();
    let core = core.to_string_lossy().into_owned();
    let out = wb(
        home.path(),
        &["sync", &dir],
        &[
            ("WB_CORE_PATH", &core),
            ("WANDB_BASE_URL", backend.base_url()),
            ("WANDB_API_KEY", KEY),
        ],
        Duration::from_secs(240),
    );
    assert!(out.ok, "wb sync failed:\n{}{}", out.stdout, out.stderr);
    let synced = backend.run(run.id()).unwrap();
    for (name, bytes) in [
        ("ckpt/a.pt", &[1u8, 2, 3][..]),
        ("ckpt/b.pt", &[4u8, 5][..]),
        ("notes.md", b"# notes\n"),
    ] {
        assert_eq!(
            synced.file(name),
            Some(bytes),
            "{name}: uploaded {:?}",
            synced.files().keys()
        );
    }
    let artifact = backend
        .artifacts()
        .into_iter()
        .find(|a| a.name() == "ckpts")
        .expect("the artifact was synced");
    let manifest = artifact.manifest().unwrap().expect("its manifest arrived");
    let contents = manifest["contents"].as_object().unwrap();
    let mut names: Vec<&String> = contents.keys().collect();
    names.sort();
    assert_eq!(names, ["weights/a.pt", "weights/b.pt"]);
    let uploaded: usize = artifact.files().values().map(Vec::len).sum();
    assert_eq!(uploaded, 5, "{:?}", artifact.files().keys());
    assert_eq!(synced.completion(), Completion::Complete { exit_code: 0 });
}
