//! Hostile keys and entry names: `..`, absolute paths, NUL bytes, empty keys, names longer than
//! the file system allows. Media always lands inside the run's `files/` folder (the SDK's
//! rules: leading `/` stripped, `.` and `..` components renamed `_` and `__`); keys no file can
//! be named by are refused with a clear error; no failed operation leaves a temporary or
//! half-written file behind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use wb_types::core::Error;
use wb_types::core::{ArtifactSource, DirArtifact};
use wb_types::run::{Row, Run, RunLog};
use wb_types::{Artifact, DirRun, Html, Step, WbValue};

/// Every file and folder under `dir`, recursively (symlinks not followed).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p.clone());
            }
            out.push(p);
        }
    }
    out.sort();
    out
}

/// No temporary (`.<name>.<pid>.<n>.tmp`) or otherwise hidden file anywhere under `dir`.
fn assert_no_partial_files(dir: &Path) {
    for p in walk(dir) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.ends_with(".tmp") && !name.starts_with('.'),
            "a temporary or partial file was left behind: {}",
            p.display()
        );
    }
}

fn html() -> Html {
    Html::from_literal_with(
        "<p>hostile keys</p>",
        wb_types::core::HtmlOptions::default().with_inject(false),
    )
}

#[test]
fn dot_dot_and_absolute_keys_stay_inside_the_media_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let files = tmp.path().join("run/files");
    let run = DirRun::new(&files);
    let cases = [
        ("../../outside/evil", "media/html/__/__/outside/evil_0_"),
        ("/etc/passwd", "media/html/etc/passwd_0_"),
        ("////abs", "media/html/abs_0_"),
        ("..", "media/html/___0_"),
        (".", "media/html/__0_"),
        ("a/./b/../c", "media/html/a/_/b/__/c_0_"),
        (
            "../../../../../../../../tmp/x",
            "media/html/__/__/__/__/__/__/__/__/tmp/x_0_",
        ),
        ("back\\slash", "media/html/back\\slash_0_"),
        ("new\nline é ☃", "media/html/new\nline é ☃_0_"),
    ];
    for (key, want) in cases {
        let h = html();
        h.bind_to_run(&run, key, Step::Num(0)).unwrap();
        let j = h.to_run_json(&run).unwrap();
        let path = j.get("path").unwrap().as_str().unwrap().to_owned();
        assert!(path.starts_with(want), "{key:?} -> {path:?}");
        assert!(!path.split('/').any(|c| c == ".."), "{key:?} -> {path:?}");
        let abs = files.join(&path);
        assert!(abs.is_file(), "{key:?}: {} missing", abs.display());
        // The file is really under files/ (no component resolves outside it).
        let canon = abs.canonicalize().unwrap();
        assert!(
            canon.starts_with(files.canonicalize().unwrap()),
            "{canon:?}"
        );
    }
    assert!(
        walk(&outside).is_empty(),
        "a file was written outside the run"
    );
    assert_no_partial_files(&files);
}

#[test]
fn keys_no_file_can_be_named_by_are_refused_with_the_key_in_the_message() {
    let tmp = tempfile::tempdir().unwrap();
    let files = tmp.path().join("files");
    let run = DirRun::new(&files);
    for key in ["a\0b", "\0", "", "/", "///"] {
        let err = html().bind_to_run(&run, key, Step::Num(1)).unwrap_err();
        assert!(matches!(err, Error::InvalidKey { .. }), "{key:?}: {err:?}");
        let msg = err.to_string();
        assert!(msg.contains("invalid key"), "{msg}");
        if key.contains('\0') {
            assert!(msg.contains("NUL"), "{msg}");
        } else {
            assert!(msg.contains("empty"), "{msg}");
        }
    }
    // Nothing was written: the media folder was never needed.
    assert!(!files.exists() || walk(&files).iter().all(|p| p.is_dir()));
}

#[test]
fn a_name_too_long_for_the_file_system_is_an_io_error_with_the_path_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let files = tmp.path().join("files");
    let run = DirRun::new(&files);
    let key = "k".repeat(300); // a 300-byte file name: over the 255-byte limit
    let err = html().bind_to_run(&run, &key, Step::Num(0)).unwrap_err();
    match &err {
        Error::Io { path, .. } => {
            assert!(path.starts_with(&files), "{}", path.display());
            assert!(path.to_string_lossy().contains(&key));
        }
        other => panic!("expected an I/O error with the path, got {other:?}"),
    }
    assert!(err.to_string().contains(&key), "{err}");
    assert_no_partial_files(&files);
}

#[test]
fn a_run_refuses_bad_keys_without_writing_a_record_or_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let run = Run::builder()
        .with_dir(tmp.path())
        .with_project("keys")
        .with_mode(wb_types::run::Mode::Offline)
        .build()
        .unwrap();
    run.log(Row::new().with("ok", 1)).unwrap();
    for key in ["bad\0key", ""] {
        let err = run
            .log(Row::new().with_media(key, html()).with("x", 2))
            .unwrap_err();
        assert!(err.to_string().contains("invalid key"), "{err}");
    }
    // The hostile but valid keys log normally and land inside the run.
    run.log(Row::new().with_media("../../escape", html()))
        .unwrap();
    run.log(Row::new().with_media("/abs/olute", html()))
        .unwrap();
    run.finish(0).unwrap();
    let files = run.dir().join("files");
    let media: Vec<String> = walk(&files.join("media"))
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| {
            p.strip_prefix(&files)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(media.len(), 2, "{media:?}");
    assert!(
        media[0].starts_with("media/html/__/__/escape_")
            || media[1].starts_with("media/html/__/__/escape_")
    );
    assert!(media.iter().any(|m| m.starts_with("media/html/abs/olute_")));
    assert_no_partial_files(run.dir());
    // Nothing outside the wandb folder.
    let top: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(top, vec![tmp.path().join("wandb")]);
    // The refused rows wrote nothing: three rows, steps 0..3.
    let log = RunLog::read(run.dir()).unwrap();
    let steps: Vec<Option<i64>> = log.history().unwrap().iter().map(|r| r.step).collect();
    assert_eq!(steps, vec![Some(0), Some(1), Some(2)]);
    assert!(log.errors.is_empty(), "{:?}", log.errors);
}

#[test]
fn artifact_entry_names_cannot_leave_the_artifact_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("art");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "s").unwrap();
    let src = DirArtifact::new(&root);
    for name in [
        "../secret.txt",
        "/etc/passwd",
        "a/../../secret.txt",
        "a\0b",
        "",
        ".",
        "a\\..\\b",
    ] {
        let err = src.read_entry(name).unwrap_err();
        assert!(
            err.to_string()
                .contains("is not a relative path inside the artifact"),
            "{name:?}: {err}"
        );
    }
    // An entry under a hostile name is refused when it is added, as the SDK refuses it
    // ("Invalid artifact path"), so nothing can land outside the folder when it is written.
    let mut art = Artifact::new("a", "dataset");
    let err = art.add(&html(), "../../up").unwrap_err();
    assert!(err.to_string().contains("Invalid artifact path"), "{err}");
    let out = tmp.path().join("out");
    art.write_to_dir(&out).unwrap();
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with("up")), "{names:?}");
}
