//! Disk space of a file system, as gopsutil's `disk.Usage` (wandb's monitor) computes it on
//! Unix.

use std::path::Path;

/// Disk space of the file system holding `path`: (total, used, free for unprivileged users)
/// bytes. `None` off Unix (no disk keys there).
#[cfg(not(unix))]
pub(crate) fn disk_usage(_path: &Path) -> Option<(u64, u64, u64)> {
    None
}

/// Disk space of the file system holding `path`: (total, used, free for unprivileged users)
/// bytes.
#[cfg(unix)]
pub(crate) fn disk_usage(path: &Path) -> Option<(u64, u64, u64)> {
    let st = rustix::fs::statvfs(path).ok()?;
    let total = st.f_blocks.saturating_mul(st.f_frsize);
    let used = st
        .f_blocks
        .saturating_sub(st.f_bfree)
        .saturating_mul(st.f_frsize);
    let avail = st.f_bavail.saturating_mul(st.f_frsize);
    Some((total, used, avail))
}
