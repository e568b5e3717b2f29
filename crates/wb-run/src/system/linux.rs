//! Reading the machine and this process from `/proc`, `/sys` and `statvfs`, as wandb's system
//! monitor (`wandb-symon`, gopsutil's formulas) reads them. Every reader returns `None` where
//! the file is missing or unreadable (another OS, a sandbox): the key is then left out.

use super::stats::Snapshot;
use std::collections::BTreeMap;
use std::path::Path;

/// `USER_HZ`: the unit of the CPU times in `/proc/<pid>/stat`, fixed at 100 by the Linux ABI.
const CLOCK_TICKS: f64 = 100.0;
/// `/proc/diskstats` counts 512-byte sectors whatever the device's own sector size.
const SECTOR: u64 = 512;

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// The `kB` value of a `Key:   123 kB` line of `/proc/meminfo` or `/proc/self/status`, in bytes.
fn kib_field(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        let n: u64 = rest.split_whitespace().next()?.parse().ok()?;
        Some(n * 1024)
    })
}

/// System memory: (total, available) bytes.
pub(crate) fn memory() -> Option<(u64, u64)> {
    let text = read("/proc/meminfo")?;
    Some((
        kib_field(&text, "MemTotal")?,
        kib_field(&text, "MemAvailable")?,
    ))
}

/// This process's resident set size in bytes and its thread count.
pub(crate) fn process_rss_threads() -> Option<(u64, u64)> {
    let text = read("/proc/self/status")?;
    let rss = kib_field(&text, "VmRSS")?;
    let threads = text.lines().find_map(|l| {
        l.strip_prefix("Threads:")
            .and_then(|v| v.trim().parse::<u64>().ok())
    })?;
    Some((rss, threads))
}

/// This process's CPU time (user + system) in seconds.
pub(crate) fn process_cpu_seconds() -> Option<f64> {
    let text = read("/proc/self/stat")?;
    // The command name (field 2) may hold spaces: fields are counted after its `)`.
    let after = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // `after` starts at field 3 (state); utime and stime are fields 14 and 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / CLOCK_TICKS)
}

/// Bytes (received, sent) over every network interface, as gopsutil's `IOCounters(false)`
/// sums them.
pub(crate) fn network_bytes() -> Option<(u64, u64)> {
    let text = read("/proc/net/dev")?;
    let (mut recv, mut sent) = (0u64, 0u64);
    for line in text.lines().skip(2) {
        let Some((_, counters)) = line.split_once(':') else {
            continue;
        };
        let f: Vec<u64> = counters
            .split_whitespace()
            .filter_map(|v| v.parse().ok())
            .collect();
        if f.len() >= 9 {
            recv += f[0];
            sent += f[8];
        }
    }
    Some((recv, sent))
}

/// TCP segments retransmitted since boot (`RetransSegs` of `/proc/net/snmp`).
pub(crate) fn tcp_retransmits() -> Option<u64> {
    let text = read("/proc/net/snmp")?;
    let mut tcp = text.lines().filter(|l| l.starts_with("Tcp:"));
    let names: Vec<&str> = tcp.next()?.split_whitespace().collect();
    let values: Vec<&str> = tcp.next()?.split_whitespace().collect();
    let i = names.iter().position(|n| *n == "RetransSegs")?;
    values.get(i)?.parse().ok()
}

/// Bytes (read, written) since boot of each block device, by name (`vda`, `nvme0n1`).
pub(crate) fn disk_io() -> BTreeMap<String, (u64, u64)> {
    let mut out = BTreeMap::new();
    for line in read("/proc/diskstats").unwrap_or_default().lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 10 {
            continue;
        }
        let (Ok(read), Ok(written)) = (f[5].parse::<u64>(), f[9].parse::<u64>()) else {
            continue;
        };
        out.insert(f[2].to_owned(), (read * SECTOR, written * SECTOR));
    }
    out
}

/// Loop, RAM and compressed-RAM devices, which back no real disk.
fn pseudo_device(name: &str) -> bool {
    ["loop", "ram", "zram"].iter().any(|p| name.starts_with(p))
}

/// The block devices whose I/O is reported for the monitored `paths`, as wandb picks them:
/// the devices of the mounts each path is under that `/proc/diskstats` lists, else every real
/// device it lists.
pub(crate) fn disk_devices(paths: &[&str], io: &BTreeMap<String, (u64, u64)>) -> Vec<String> {
    let mut devices: Vec<String> = Vec::new();
    for line in read("/proc/self/mountinfo").unwrap_or_default().lines() {
        // `id parent major:minor root mount-point options ... - fstype source super-options`
        let f: Vec<&str> = line.split_whitespace().collect();
        let (Some(mount), Some(dash)) = (f.get(4), f.iter().position(|x| *x == "-")) else {
            continue;
        };
        let Some(source) = f.get(dash + 2) else {
            continue;
        };
        let dev = source.trim_start_matches("/dev/");
        if paths.iter().any(|p| p.starts_with(mount))
            && io.contains_key(dev)
            && !devices.iter().any(|d| d == dev)
        {
            devices.push(dev.to_owned());
        }
    }
    if devices.is_empty() {
        devices = io.keys().filter(|d| !pseudo_device(d)).cloned().collect();
    }
    devices.sort();
    devices
}

pub(crate) use super::space::disk_usage;

/// Logical CPUs (`processor` entries of `/proc/cpuinfo`), else the parallelism std sees.
pub(crate) fn cpu_count_logical() -> u32 {
    let n = read("/proc/cpuinfo")
        .map(|t| t.lines().filter(|l| l.starts_with("processor")).count())
        .unwrap_or(0);
    if n > 0 {
        return n as u32;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get() as u32)
}

/// Physical cores: distinct (package, core) pairs of the CPUs' sysfs topology, else the
/// logical count.
pub(crate) fn cpu_count_physical() -> u32 {
    let mut cores = std::collections::BTreeSet::new();
    if let Ok(entries) = std::fs::read_dir("/sys/devices/system/cpu") {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_cpu = name
                .strip_prefix("cpu")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if !is_cpu {
                continue;
            }
            let topo = e.path().join("topology");
            let get = |f: &str| {
                std::fs::read_to_string(topo.join(f))
                    .ok()
                    .map(|s| s.trim().to_owned())
            };
            if let (Some(pkg), Some(core)) = (get("physical_package_id"), get("core_id")) {
                cores.insert((pkg, core));
            }
        }
    }
    if cores.is_empty() {
        cpu_count_logical()
    } else {
        cores.len() as u32
    }
}

/// The CPU's model name (`model name` of `/proc/cpuinfo`).
pub(crate) fn cpu_model() -> Option<String> {
    read("/proc/cpuinfo")?.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == "model name").then(|| v.trim().to_owned())
    })
}

/// The kernel release (`6.8.0-45-generic`).
pub(crate) fn kernel_release() -> Option<String> {
    read("/proc/sys/kernel/osrelease").map(|s| s.trim().to_owned())
}

/// The sampler's reader on Linux: every snapshot reads `/proc` afresh.
#[derive(Debug, Default)]
pub(crate) struct Host;

impl Host {
    /// Nothing to open on Linux.
    pub(crate) fn open() -> Host {
        Host
    }

    /// The counters now, and the disk space of `disk_paths`.
    pub(crate) fn snapshot(&mut self, disk_paths: &[&str]) -> Snapshot {
        let cpu_seconds = process_cpu_seconds();
        let (rss, threads) = process_rss_threads().unzip();
        Snapshot {
            cpu_seconds,
            network: network_bytes(),
            tcp_retransmits: tcp_retransmits(),
            disk_io: disk_io(),
            memory: memory(),
            rss,
            threads,
            disk_usage: disk_paths
                .iter()
                .filter_map(|p| Some(((*p).to_owned(), disk_usage(Path::new(p))?)))
                .collect(),
        }
    }

    /// The devices whose I/O is reported for `paths` (see [`disk_devices`]).
    pub(crate) fn disk_devices(
        &mut self,
        paths: &[&str],
        io: &BTreeMap<String, (u64, u64)>,
    ) -> Vec<String> {
        disk_devices(paths, io)
    }
}

/// Total system memory in bytes.
pub(crate) fn memory_total() -> Option<u64> {
    memory().map(|(total, _)| total)
}

/// `Linux-<kernel release>-<machine>`: Python's `platform.platform()` without its libc suffix.
pub(crate) fn platform() -> String {
    let release = kernel_release().unwrap_or_default();
    // Python's `platform.system()`: `Linux` here, the OS's own name on other Unixes.
    let system = match std::env::consts::OS {
        "linux" => "Linux",
        other => other,
    };
    super::metadata::python_platform(&[system, &release, std::env::consts::ARCH])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kib_fields_are_read_in_bytes() {
        let text = "MemTotal:       24683772 kB\nMemFree:  10 kB\nMemAvailable: 2 kB\n";
        assert_eq!(kib_field(text, "MemTotal"), Some(24_683_772 * 1024));
        assert_eq!(kib_field(text, "MemAvailable"), Some(2048));
        assert_eq!(kib_field(text, "Mem"), None);
    }

    #[test]
    fn this_machine_reads() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let (total, avail) = memory().unwrap();
        assert!(total > 0 && avail <= total);
        let (rss, threads) = process_rss_threads().unwrap();
        assert!(rss > 0 && threads >= 1);
        assert!(process_cpu_seconds().unwrap() >= 0.0);
        assert!(cpu_count_physical() >= 1 && cpu_count_physical() <= cpu_count_logical());
        let (total, used, avail) = disk_usage(Path::new("/")).unwrap();
        assert!(total > 0 && used <= total && avail <= total);
    }
}
