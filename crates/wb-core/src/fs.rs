//! File writes that no reader ever sees half done: a temporary name in the target folder,
//! then a rename into place.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn temp_name(dest: &Path) -> std::path::PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = dest
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

fn ensure_parent(dest: &Path) -> Result<()> {
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("creating folder", parent, e))?;
    }
    Ok(())
}

/// Writes `bytes` to `dest` atomically, creating parent folders.
pub fn atomic_write(dest: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(dest, |f| f.write_all(bytes))
}

/// [`atomic_write`] of `parts` one after the other (never joined in memory).
pub fn atomic_write_parts(dest: &Path, parts: &[Vec<u8>]) -> Result<()> {
    write_atomically(dest, |f| parts.iter().try_for_each(|p| f.write_all(p)))
}

/// Creates a temporary file next to `dest`, fills it with `fill`, and renames it to `dest`;
/// on any error the temporary file is removed and the error names `dest`.
fn write_atomically(
    dest: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    ensure_parent(dest)?;
    let tmp = temp_name(dest);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        fill(&mut f)?;
        f.flush()?;
        std::fs::rename(&tmp, dest)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io("writing", dest, e)
    })
}

/// Copies `src` to `dest` atomically (content and permission bits, like `shutil.copy`).
/// Copying a file onto itself is a no-op, as `run.log` ignores `SameFileError`.
pub fn atomic_copy(src: &Path, dest: &Path) -> Result<()> {
    ensure_parent(dest)?;
    if let (Ok(a), Ok(b)) = (std::fs::canonicalize(src), std::fs::canonicalize(dest))
        && a == b
    {
        return Ok(());
    }
    let tmp = temp_name(dest);
    std::fs::copy(src, &tmp)
        .and_then(|_| std::fs::rename(&tmp, dest))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io("copying to", dest, e)
        })
}
