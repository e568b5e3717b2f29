//! `save_code` online, through the real wandb-core 0.31.0 against the recording fake backend:
//! the git patch wb-run writes at run start (core is not asked to make one) reaches the
//! server byte for byte, and is `git diff HEAD`'s output.
//!
//! Opt-in (`#[ignore]`) as the other online tests:
//! `cargo test -p wb-run --test online_git_diff -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod online_support;

use online_support::*;
use std::path::Path;
use std::process::Command;
use wb_fake_backend::Backend;

fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out.stdout)
}

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn the_patch_is_uploaded() {
    let Some(core) = core() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    if git(repo, &["init", "-q", "-b", "main"]).is_none() {
        eprintln!("SKIPPED: git is not installed; the test builds its repository with it");
        return;
    }
    std::fs::write(repo.join("train.rs"), "fn main() {\n    let lr = 0.1;\n}\n").unwrap();
    git(repo, &["add", "train.rs"]).unwrap();
    git(repo, &["commit", "-q", "-m", "one"]).unwrap();
    std::fs::write(
        repo.join("train.rs"),
        "fn main() {\n    let lr = 0.01;\n}\n",
    )
    .unwrap();
    std::fs::write(repo.join("staged.txt"), "new\n").unwrap();
    git(repo, &["add", "staged.txt"]).unwrap();
    let want = git(repo, &["diff", "HEAD", "--submodule=diff"]).unwrap();

    let backend = Backend::start().unwrap();
    let run = builder(&core, &backend, repo)
        .with_save_code(true)
        .build()
        .unwrap();
    let id = run.id().to_owned();
    let local = run.dir().join("files/diff.patch");
    run.finish(0).unwrap();
    assert_eq!(std::fs::read(&local).unwrap(), want);
    let got = backend.run(&id).unwrap();
    assert_eq!(
        got.file("diff.patch"),
        Some(&want[..]),
        "uploaded: {:?}",
        got.files().keys()
    );
}
