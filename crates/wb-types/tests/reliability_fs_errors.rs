//! File-system failures come back as errors naming the path, and leave no temporary or
//! half-written file: a full disk (a 64 KiB tmpfs), a read-only file system (a tmpfs remounted
//! read-only: permission bits do not stop root, which CI runs as), a missing source file, and a
//! run folder whose place is taken by a file. Mounting needs root; without it the two mount
//! tests say so on stderr and check nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use wb_types::core::Error;
use wb_types::image::Image;
use wb_types::run::{Row, Run, RunLog};
use wb_types::{DirRun, Html, Step, WbValue};

/// A tmpfs mounted at a temporary folder, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!(
                "SKIPPED: cannot mount a tmpfs (needs root and mount permission); the disk-full \
                 and read-only checks did not run"
            );
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount_read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .status()
            .unwrap()
            .success();
        assert!(ok, "remounting read-only failed");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p.clone());
            }
            out.push(p);
        }
    }
    out
}

fn assert_no_temp_files(dir: &Path) {
    for p in walk(dir) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.ends_with(".tmp"),
            "temporary file left behind: {}",
            p.display()
        );
    }
}

/// 200 KB of HTML that does not compress away (the tmpfs is 64 KiB).
fn big_html(seed: u32) -> Html {
    let mut s = String::with_capacity(200_000);
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    while s.len() < 200_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        s.push(char::from(b'a' + (x % 26) as u8));
    }
    Html::from_literal_with(
        &s,
        wb_types::core::HtmlOptions::default().with_inject(false),
    )
}

#[test]
fn a_full_disk_is_an_error_with_the_path_and_leaves_no_partial_file() {
    let Some(fs) = Tmpfs::mount("64k") else {
        return;
    };
    let files = fs.path().join("files");
    let run = DirRun::new(&files);
    let h = big_html(1);
    let err = h.bind_to_run(&run, "page", Step::Num(0)).unwrap_err();
    let Error::Io { path, source, .. } = &err else {
        panic!("expected an I/O error, got {err:?}")
    };
    assert!(
        path.starts_with(&files) && path.to_string_lossy().contains("page_0_"),
        "{}",
        path.display()
    );
    assert_eq!(source.raw_os_error(), Some(28), "{source}"); // ENOSPC
    assert!(err.to_string().contains(&*path.to_string_lossy()), "{err}");
    assert!(err.to_string().contains("No space left on device"), "{err}");
    assert_no_temp_files(fs.path());
    // Nothing half-written under the final name either.
    assert!(!path.exists());
    // Small media still fit afterwards.
    let small = Html::from_literal_with(
        "<p>fits</p>",
        wb_types::core::HtmlOptions::default().with_inject(false),
    );
    small.bind_to_run(&run, "small", Step::Num(0)).unwrap();
}

#[test]
fn a_run_on_a_full_disk_fails_with_the_log_path_and_keeps_every_complete_record() {
    let Some(fs) = Tmpfs::mount("256k") else {
        return;
    };
    let run = Run::builder()
        .with_dir(fs.path())
        .with_project("full")
        .with_mode(wb_types::run::Mode::Offline)
        .with_id("diskfull")
        .build()
        .unwrap();
    let mut logged = 0u32;
    let err = loop {
        // Rows of ~9 KB of text: the log fills the disk after a couple of dozen.
        let pad: String = (0..9_000)
            .map(|i| char::from(b'a' + ((i * 7 + logged as usize) % 26) as u8))
            .collect();
        match run.log(Row::new().with("i", logged).with("pad", pad)) {
            Ok(_) => logged += 1,
            Err(e) => break e,
        }
        assert!(logged < 1000, "the disk never filled");
    };
    let msg = err.to_string();
    assert!(msg.contains("run-diskfull.wandb"), "{msg}");
    assert!(msg.contains("No space left on device"), "{msg}");
    // Later calls fail too (the log is closed after a failed write), with the path.
    let again = run.log(Row::new().with("i", 0)).unwrap_err().to_string();
    assert!(again.contains("run-diskfull.wandb"), "{again}");
    // Media that do not fit fail on their own file, naming it.
    let media_err = run
        .log(Row::new().with_media("page", big_html(2)))
        .unwrap_err()
        .to_string();
    assert!(media_err.contains("page_"), "{media_err}");
    assert_no_temp_files(fs.path());
    // Every record written before the disk filled reads back.
    let log = RunLog::read(run.dir()).unwrap();
    assert!(log.errors.len() <= 1, "{:?}", log.errors);
    let rows = log.history().unwrap();
    // Rows reach the log when the next step starts: all but the last accepted one.
    assert!(
        rows.len() + 2 >= logged as usize,
        "{} rows of {logged}",
        rows.len()
    );
    for (n, r) in rows.iter().enumerate() {
        assert_eq!(r.values.get("i").and_then(|v| v.as_i64()), Some(n as i64));
    }
    drop(run);
}

#[test]
fn a_read_only_file_system_is_an_error_with_the_path() {
    let Some(fs) = Tmpfs::mount("1m") else { return };
    std::fs::create_dir(fs.path().join("files")).unwrap();
    fs.remount_read_only();
    let files = fs.path().join("files");
    let run = DirRun::new(&files);
    let err = Html::from_literal_with(
        "<p>x</p>",
        wb_types::core::HtmlOptions::default().with_inject(false),
    )
    .bind_to_run(&run, "ro", Step::Num(3))
    .unwrap_err();
    let Error::Io { path, source, .. } = &err else {
        panic!("expected an I/O error, got {err:?}")
    };
    assert_eq!(source.raw_os_error(), Some(30), "{source}"); // EROFS
    assert!(path.starts_with(&files), "{}", path.display());
    assert!(err.to_string().contains("Read-only file system"), "{err}");
    // Creating a run there fails with the folder it could not create.
    let err = Run::builder()
        .with_dir(fs.path())
        .with_project("ro")
        .with_mode(wb_types::run::Mode::Offline)
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains(&*fs.path().to_string_lossy()), "{err}");
    assert!(err.contains("Read-only file system"), "{err}");
    assert!(walk(fs.path()).iter().all(|p| p == &files));
}

#[test]
fn missing_sources_and_blocked_folders_are_errors_with_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    // A user file that is not there.
    let missing = tmp.path().join("nope.png");
    let err = Image::from_path(&missing).unwrap_err();
    assert!(err.to_string().contains("nope.png"), "{err}");
    let err = Html::from_path_with(
        &missing,
        wb_types::core::HtmlOptions::default().with_inject(false),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Io { path, .. } if path == &missing),
        "{err:?}"
    );
    // The media folder's place is taken by a file.
    let files = tmp.path().join("files");
    std::fs::create_dir(&files).unwrap();
    std::fs::write(files.join("media"), "a file, not a folder").unwrap();
    let run = DirRun::new(&files);
    let err = Html::from_literal_with(
        "<p>x</p>",
        wb_types::core::HtmlOptions::default().with_inject(false),
    )
    .bind_to_run(&run, "k", Step::Num(0))
    .unwrap_err();
    assert!(
        err.to_string()
            .contains(&*files.join("media").to_string_lossy()),
        "{err}"
    );
    assert_no_temp_files(tmp.path());
    // A run whose root is a file.
    let file_root = tmp.path().join("root_is_a_file");
    std::fs::write(&file_root, "x").unwrap();
    let err = Run::builder()
        .with_dir(&file_root)
        .with_project("p")
        .with_mode(wb_types::run::Mode::Offline)
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("root_is_a_file"), "{err}");
}
