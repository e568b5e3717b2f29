//! Where things go on disk, as the SDK lays out an offline run.
//!
//! ```text
//! <root>/wandb/                 (<root>/.wandb/ when that folder exists)
//!   latest-run -> offline-run-YYYYMMDD_HHMMSS-<id>
//!   debug.log -> offline-run-.../logs/debug.log
//!   offline-run-YYYYMMDD_HHMMSS-<id>/
//!     run-<id>.wandb
//!     files/        (media under files/media/...)
//!     logs/
//! ```
//! Artifact files are staged outside the run, under the wandb data folder
//! (`$WANDB_DATA_DIR`, by default `~/.local/share/wandb` on Linux) in `artifacts/staging/`.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The SDK's rule for the wandb folder: `<root>/.wandb` when it exists, else `<root>/wandb`.
pub fn wandb_dir(root: &Path) -> PathBuf {
    let hidden = root.join(".wandb");
    if hidden.is_dir() {
        hidden
    } else {
        root.join("wandb")
    }
}

/// `offline-run-YYYYMMDD_HHMMSS-<id>` (offline) or `run-YYYYMMDD_HHMMSS-<id>` (online) for a
/// run started at `start` (local time, as the SDK).
pub fn run_dir_name(mode: crate::Mode, start: std::time::SystemTime, run_id: &str) -> String {
    let local: chrono::DateTime<chrono::Local> = start.into();
    let prefix = match mode {
        crate::Mode::Online | crate::Mode::Shared => "run",
        _ => "offline-run",
    };
    format!("{prefix}-{}-{run_id}", local.format("%Y%m%d_%H%M%S"))
}

/// Points `<wandb_dir>/<link>` at `target` (relative), replacing an older link. Best effort,
/// as in the SDK: a file system without symlinks only loses the convenience link.
pub fn relink(wandb_dir: &Path, link: &str, target: &Path) {
    let path = wandb_dir.join(link);
    if std::fs::symlink_metadata(&path).is_ok() {
        let _ = std::fs::remove_file(&path);
    }
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(target, &path);
    }
    #[cfg(windows)]
    {
        let _ = if wandb_dir.join(target).is_dir() {
            std::os::windows::fs::symlink_dir(target, &path)
        } else {
            std::os::windows::fs::symlink_file(target, &path)
        };
    }
}

/// The machine's host name, best effort (the run record's `host`).
pub fn host_name() -> String {
    for file in ["/proc/sys/kernel/hostname", "/etc/hostname"] {
        if let Ok(s) = std::fs::read_to_string(file) {
            let s = s.trim();
            if !s.is_empty() {
                return s.to_owned();
            }
        }
    }
    for var in ["HOSTNAME", "COMPUTERNAME"] {
        if let Ok(s) = std::env::var(var)
            && !s.trim().is_empty()
        {
            return s.trim().to_owned();
        }
    }
    String::new()
}

/// The wandb data folder: `$WANDB_DATA_DIR`, else the platform's user data folder for
/// `wandb` (as `platformdirs.user_data_dir("wandb")`).
pub fn default_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("WANDB_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if cfg!(target_os = "macos") {
        if let Some(h) = home {
            return h.join("Library/Application Support/wandb");
        }
    } else if cfg!(windows) {
        if let Some(d) = std::env::var_os("LOCALAPPDATA") {
            return PathBuf::from(d).join("wandb").join("wandb");
        }
    } else {
        if let Some(d) = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .filter(|d| d.is_absolute())
        {
            return d.join("wandb");
        }
        if let Some(h) = home {
            return h.join(".local/share/wandb");
        }
    }
    std::env::temp_dir().join("wandb-data")
}

/// Writes `data` to a new read-only file `tmpXXXXXXXX` in `dir` (the SDK's staging copies are
/// `tempfile` names, mode 0400) and returns its absolute path.
pub fn stage_file(dir: &Path, data: &wb_core::internal::artifact::EntryData) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("creating folder", dir, e))?;
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    for _ in 0..100 {
        let path = dir.join(format!("tmp{}", temp_suffix()));
        let mut f = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io("creating", &path, e)),
        };
        let written = match data {
            wb_core::internal::artifact::EntryData::Bytes(b) => f.write_all(b),
            wb_core::internal::artifact::EntryData::File(src) => std::fs::File::open(src)
                .and_then(|mut s| std::io::copy(&mut s, &mut f))
                .map(|_| ()),
        };
        written.map_err(|e| Error::io("writing", &path, e))?;
        drop(f);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400));
        }
        return Ok(path);
    }
    Err(Error::io(
        "creating a staging file in",
        dir,
        std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "no free temporary name after 100 tries",
        ),
    ))
}

/// Eight characters from Python `tempfile`'s alphabet.
fn temp_suffix() -> String {
    const ALPHABET: &[u8; 37] = b"abcdefghijklmnopqrstuvwxyz0123456789_";
    let mut buf = [0u8; 8];
    if getrandom::fill(&mut buf).is_err() {
        let id = wb_core::internal::random::random_id(8);
        return id;
    }
    buf.iter()
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect()
}
