//! Finding the reference tools tests drive: the `wandb-core` binary and a Python with the SDK.

use std::path::{Path, PathBuf};

use crate::Error;

/// The workspace's `target` directory (`$CARGO_TARGET_DIR`, else `<workspace>/target`).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// The `site-packages/wandb/bin/wandb-core` of a venv (any `lib/python3*`).
fn core_in_venv(venv: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(venv.join("lib")) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("python3"))
        .map(|e| e.path().join("site-packages/wandb/bin/wandb-core"))
        .collect();
    found.sort();
    found
}

/// The venvs searched after the environment variables: the conformance runner's, then the
/// development machine's.
fn venvs() -> Vec<PathBuf> {
    vec![
        target_dir().join("conformance-venv"),
        PathBuf::from("/work/venv"),
    ]
}

/// The `wandb-core` binary of wandb 0.31.0: `$WB_CORE_PATH`, else the one in
/// `target/conformance-venv` (built by `cargo xtask conformance`), else `/work/venv`'s.
///
/// # Errors
/// [`Error::NotFound`] listing every place tried.
pub fn locate_wandb_core() -> Result<PathBuf, Error> {
    let mut tried = Vec::new();
    if let Some(p) = std::env::var_os("WB_CORE_PATH") {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Ok(p);
        }
        tried.push(p);
    }
    for venv in venvs() {
        let found = core_in_venv(&venv);
        if found.is_empty() {
            tried.push(venv.join("lib/python3*/site-packages/wandb/bin/wandb-core"));
        }
        for p in found {
            if p.is_file() {
                return Ok(p);
            }
            tried.push(p);
        }
    }
    Err(Error::NotFound {
        what: "the wandb-core binary of wandb 0.31.0",
        tried,
        hint: "set WB_CORE_PATH, or run `cargo xtask conformance` once to build \
               target/conformance-venv",
    })
}

/// A Python interpreter with the SDK: `$WB_PYTHON`, `$WB_CONFORMANCE_PYTHON`, else
/// `target/conformance-venv`'s, else `/work/venv`'s (the first that exists; the caller checks
/// its wandb version).
///
/// # Errors
/// [`Error::NotFound`] listing every place tried.
pub fn locate_sdk_python() -> Result<PathBuf, Error> {
    let mut candidates: Vec<PathBuf> = ["WB_PYTHON", "WB_CONFORMANCE_PYTHON"]
        .iter()
        .filter_map(std::env::var_os)
        .map(PathBuf::from)
        .collect();
    for venv in venvs() {
        candidates.push(if cfg!(windows) {
            venv.join("Scripts/python.exe")
        } else {
            venv.join("bin/python")
        });
    }
    if let Some(found) = candidates.iter().find(|c| c.is_file()) {
        return Ok(found.clone());
    }
    Err(Error::NotFound {
        what: "a Python with wandb 0.31.0",
        tried: candidates,
        hint: "set WB_PYTHON, or run `cargo xtask conformance` once to build \
               target/conformance-venv",
    })
}
