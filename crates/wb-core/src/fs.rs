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

/// Puts the file `src` at `dest` atomically as a second name of the same file (a hard link),
/// or as a copy where a link cannot be made (another file system).
pub fn atomic_link_or_copy(src: &Path, dest: &Path) -> Result<()> {
    ensure_parent(dest)?;
    let tmp = temp_name(dest);
    std::fs::hard_link(src, &tmp)
        .or_else(|_| std::fs::copy(src, &tmp).map(|_| ()))
        .and_then(|()| std::fs::rename(&tmp, dest))
        .map_err(|e| {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn link_or_copy_puts_the_same_bytes_in_place_and_replaces_an_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src.bin");
        std::fs::write(&src, b"point cloud").unwrap();
        let dest = dir.path().join("a/b/dest.bin");
        atomic_link_or_copy(&src, &dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"point cloud");
        // Same file system: a second name of the same file, which outlives the first.
        std::fs::remove_file(&src).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"point cloud");
        let other = dir.path().join("other.bin");
        std::fs::write(&other, b"new").unwrap();
        atomic_link_or_copy(&other, &dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"new");
        let e = atomic_link_or_copy(&dir.path().join("missing"), &dest).unwrap_err();
        assert!(e.to_string().contains("dest.bin"), "{e}");
        assert_eq!(
            std::fs::read_dir(dest.parent().unwrap()).unwrap().count(),
            1
        );
    }

    /// Across file systems (`/dev/shm` is a tmpfs on Linux) a hard link cannot be made, and
    /// the file is copied.
    #[cfg(target_os = "linux")]
    #[test]
    fn link_or_copy_copies_across_file_systems() {
        let shm = tempfile::tempdir_in("/dev/shm").unwrap();
        let src = shm.path().join("src.bin");
        std::fs::write(&src, b"from tmpfs").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("dest.bin");
        atomic_link_or_copy(&src, &dest).unwrap();
        std::fs::remove_file(&src).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"from tmpfs");
    }
}
