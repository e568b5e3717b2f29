//! Reading the machine and this process on macOS and Windows, through the `sysinfo` crate
//! (which wandb-symon, the SDK's monitor, also links): process CPU time and resident
//! memory, system memory, network and disk I/O counters, disk space, CPU counts and model.
//! `sysinfo` has no thread count off Linux; it is one system call here (`proc_pidinfo` on
//! macOS, a Toolhelp snapshot on Windows). TCP retransmits are Linux-only, as in the SDK.
//!
//! Every reader gives `None` (or nothing) where the system refuses: the key is left out.

use super::metadata;
use super::stats::{Snapshot, volume_for};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use sysinfo::{
    CpuRefreshKind, DiskRefreshKind, Disks, MemoryRefreshKind, Networks, Pid, ProcessRefreshKind,
    ProcessesToUpdate, RefreshKind, System,
};

/// The sampler's reader: `sysinfo`'s tables, kept between snapshots (refreshing them is
/// cheaper than listing the disks and interfaces anew).
#[derive(Debug)]
pub(crate) struct Host {
    system: System,
    networks: Networks,
    disks: Disks,
    pid: Pid,
}

impl Host {
    /// Lists the disks and network interfaces once.
    pub(crate) fn open() -> Host {
        Host {
            system: System::new(),
            networks: Networks::new_with_refreshed_list(),
            disks: Disks::new_with_refreshed_list_specifics(
                DiskRefreshKind::nothing().with_storage().with_io_usage(),
            ),
            pid: Pid::from_u32(std::process::id()),
        }
    }

    /// The counters now, and the disk space of `disk_paths`.
    pub(crate) fn snapshot(&mut self, disk_paths: &[&str]) -> Snapshot {
        self.system
            .refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
        self.system.refresh_processes_specifics(
            ProcessesToUpdate::Some(&[self.pid]),
            false,
            ProcessRefreshKind::nothing().with_cpu().with_memory(),
        );
        self.networks.refresh(false);
        self.disks.refresh_specifics(
            false,
            DiskRefreshKind::nothing().with_storage().with_io_usage(),
        );
        let process = self.system.process(self.pid);
        let total = self.system.total_memory();
        let volumes = self.volumes();
        Snapshot {
            cpu_seconds: process.map(|p| p.accumulated_cpu_time() as f64 / 1000.0),
            network: Some(self.networks.values().fold((0, 0), |(r, s), n| {
                (
                    r.saturating_add(n.total_received()),
                    s.saturating_add(n.total_transmitted()),
                )
            })),
            tcp_retransmits: None,
            disk_io: volumes
                .iter()
                .map(|v| (v.device.clone(), (v.read, v.written)))
                .collect(),
            memory: (total > 0).then(|| (total, self.system.available_memory())),
            rss: process.map(sysinfo::Process::memory),
            threads: thread_count(),
            disk_usage: disk_paths
                .iter()
                .filter_map(|p| Some(((*p).to_owned(), usage_of(&volumes, Path::new(p))?)))
                .collect(),
        }
    }

    /// The devices whose I/O is reported for `paths`: the volumes holding them, else every
    /// volume.
    pub(crate) fn disk_devices(
        &mut self,
        paths: &[&str],
        io: &BTreeMap<String, (u64, u64)>,
    ) -> Vec<String> {
        let volumes = self.volumes();
        let mounts: Vec<(&Path, &str)> = volumes
            .iter()
            .map(|v| (v.mount.as_path(), v.device.as_str()))
            .collect();
        let mut devices: Vec<String> = paths
            .iter()
            .filter_map(|p| volume_for(&mounts, &absolute(Path::new(p))))
            .filter(|d| io.contains_key(*d))
            .map(str::to_owned)
            .collect();
        if devices.is_empty() {
            devices = io.keys().cloned().collect();
        }
        devices.sort();
        devices.dedup();
        devices
    }

    fn volumes(&self) -> Vec<Volume> {
        self.disks
            .list()
            .iter()
            .map(|d| {
                let usage = d.usage();
                Volume {
                    device: device_name(d.mount_point()),
                    mount: d.mount_point().to_path_buf(),
                    total: d.total_space(),
                    available: d.available_space(),
                    read: usage.total_read_bytes,
                    written: usage.total_written_bytes,
                }
            })
            .collect()
    }
}

/// One mounted volume as `sysinfo` lists it.
#[derive(Debug)]
struct Volume {
    device: String,
    mount: PathBuf,
    // The volume sizes are read on Windows only (macOS uses statvfs, see `usage_of`).
    #[cfg_attr(target_os = "macos", allow(dead_code))]
    total: u64,
    #[cfg_attr(target_os = "macos", allow(dead_code))]
    available: u64,
    read: u64,
    written: u64,
}

/// `path` made absolute: on Windows `/` is the root of the working folder's drive.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Disk space of the volume holding `path`: (total, used, free) bytes.
#[cfg(windows)]
fn usage_of(volumes: &[Volume], path: &Path) -> Option<(u64, u64, u64)> {
    let path = absolute(path);
    let v = volumes
        .iter()
        .filter(|v| path.starts_with(&v.mount))
        .max_by_key(|v| v.mount.as_os_str().len())?;
    Some((v.total, v.total.saturating_sub(v.available), v.available))
}

/// Disk space of the file system holding `path`: `statvfs`, as on Linux (the volume sizes
/// `sysinfo` reads on macOS count purgeable space as free).
#[cfg(target_os = "macos")]
fn usage_of(_volumes: &[Volume], path: &Path) -> Option<(u64, u64, u64)> {
    super::space::disk_usage(path)
}

/// Disk space of the file system holding `path`, for the environment record.
#[cfg(target_os = "macos")]
pub(crate) fn disk_usage(path: &Path) -> Option<(u64, u64, u64)> {
    super::space::disk_usage(path)
}

/// Disk space of the volume holding `path`, for the environment record.
#[cfg(windows)]
pub(crate) fn disk_usage(path: &Path) -> Option<(u64, u64, u64)> {
    let disks = Disks::new_with_refreshed_list_specifics(DiskRefreshKind::nothing().with_storage());
    let volumes: Vec<Volume> = disks
        .list()
        .iter()
        .map(|d| Volume {
            device: String::new(),
            mount: d.mount_point().to_path_buf(),
            total: d.total_space(),
            available: d.available_space(),
            read: 0,
            written: 0,
        })
        .collect();
    usage_of(&volumes, path)
}

/// The name a volume's I/O keys carry: the device of its file system on macOS (`disk3s1s1`,
/// from `statfs`), the drive on Windows (`C:`, as gopsutil named them for the SDK before).
#[cfg(target_os = "macos")]
fn device_name(mount: &Path) -> String {
    let from = rustix::fs::statfs(mount).ok().map(|st| {
        let bytes: Vec<u8> = st
            .f_mntfromname
            .iter()
            .take_while(|c| **c != 0)
            .map(|c| *c as u8)
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    });
    match from {
        Some(dev) if !dev.is_empty() => dev.trim_start_matches("/dev/").to_owned(),
        _ => mount.to_string_lossy().into_owned(),
    }
}

/// The name a volume's I/O keys carry: the drive on Windows (`C:`, as gopsutil named them
/// for the SDK before).
#[cfg(windows)]
fn device_name(mount: &Path) -> String {
    mount
        .to_string_lossy()
        .trim_end_matches(['\\', '/'])
        .to_owned()
}

/// This process's thread count (`pti_threadnum` of `proc_pidinfo(PROC_PIDTASKINFO)`).
/// `unsafe`: a C call that fills a caller-owned struct; no safe wrapper exists (sysinfo reads
/// the same struct but does not expose the field).
#[cfg(target_os = "macos")]
#[allow(unsafe_code)]
fn thread_count() -> Option<u64> {
    let mut info = std::mem::MaybeUninit::<libc::proc_taskinfo>::zeroed();
    let size = std::mem::size_of::<libc::proc_taskinfo>() as libc::c_int;
    // SAFETY: `info` is a writable buffer of exactly `size` bytes for the `proc_taskinfo` that
    // PROC_PIDTASKINFO fills; the call writes nothing else and keeps no pointer.
    let n = unsafe {
        libc::proc_pidinfo(
            std::process::id() as libc::c_int,
            libc::PROC_PIDTASKINFO,
            0,
            info.as_mut_ptr().cast(),
            size,
        )
    };
    if n != size {
        return None;
    }
    // SAFETY: the kernel filled all `size` bytes (checked above), and `proc_taskinfo` is
    // plain integers, valid for any bytes.
    let info = unsafe { info.assume_init() };
    u64::try_from(info.pti_threadnum).ok()
}

/// This process's thread count (`cntThreads` of its entry in a Toolhelp process snapshot).
/// `unsafe`: Win32 calls on a handle this function owns, filling a caller-owned struct; the
/// `windows` crate marks them `unsafe` and sysinfo does not expose the count.
#[cfg(windows)]
#[allow(unsafe_code)]
fn thread_count() -> Option<u64> {
    use windows::Win32::Foundation::CloseHandle;
    use windows::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, PROCESSENTRY32W, Process32FirstW, Process32NextW,
        TH32CS_SNAPPROCESS,
    };
    let pid = std::process::id();
    // SAFETY: no pointer is passed; the snapshot handle is closed below.
    let snapshot = unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0) }.ok()?;
    let mut entry = PROCESSENTRY32W {
        dwSize: std::mem::size_of::<PROCESSENTRY32W>() as u32,
        ..Default::default()
    };
    let mut found = None;
    // SAFETY: `snapshot` is a live Toolhelp handle and `entry` a PROCESSENTRY32W whose
    // `dwSize` is set, as Process32FirstW/NextW require; they only write into `entry`.
    let mut more = unsafe { Process32FirstW(snapshot, &mut entry) }.is_ok();
    while more {
        if entry.th32ProcessID == pid {
            found = Some(u64::from(entry.cntThreads));
            break;
        }
        // SAFETY: as above.
        more = unsafe { Process32NextW(snapshot, &mut entry) }.is_ok();
    }
    // SAFETY: `snapshot` came from CreateToolhelp32Snapshot and is closed once.
    let _ = unsafe { CloseHandle(snapshot) };
    found
}

/// Physical cores, else the logical count.
pub(crate) fn cpu_count_physical() -> u32 {
    System::physical_core_count()
        .map(|n| n as u32)
        .filter(|n| *n > 0)
        .unwrap_or_else(cpu_count_logical)
}

fn cpus() -> System {
    System::new_with_specifics(RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing()))
}

/// Logical CPUs.
pub(crate) fn cpu_count_logical() -> u32 {
    match cpus().cpus().len() {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get() as u32),
        n => n as u32,
    }
}

/// The CPU's model name (its brand string).
pub(crate) fn cpu_model() -> Option<String> {
    cpus()
        .cpus()
        .first()
        .map(|c| c.brand().trim().to_owned())
        .filter(|b| !b.is_empty())
}

/// Total system memory in bytes.
pub(crate) fn memory_total() -> Option<u64> {
    let s = System::new_with_specifics(
        RefreshKind::nothing().with_memory(MemoryRefreshKind::nothing().with_ram()),
    );
    Some(s.total_memory()).filter(|t| *t > 0)
}

/// What Python's `platform.platform()` gives on this system.
pub(crate) fn platform() -> String {
    #[cfg(target_os = "macos")]
    {
        metadata::macos_platform(
            System::os_version().as_deref(),
            System::kernel_version().as_deref(),
            std::env::consts::ARCH,
        )
    }
    #[cfg(windows)]
    {
        metadata::windows_platform(System::os_version().as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_reads() {
        let mut host = Host::open();
        let s = host.snapshot(&["/"]);
        let (total, avail) = s.memory.unwrap();
        assert!(total > 0 && avail <= total);
        assert!(s.rss.unwrap() > 0 && s.threads.unwrap() >= 1);
        assert!(s.cpu_seconds.unwrap() >= 0.0);
        assert_eq!(s.disk_usage.len(), 1);
        assert!(cpu_count_physical() >= 1 && cpu_count_physical() <= cpu_count_logical());
    }
}
