//! The system metrics sampler: one `stats` record per interval, with the keys, units and
//! order of wandb 0.31.0's monitor on Linux. The operating system is read by `host` (Linux,
//! macOS or Windows) into a [`Snapshot`] of raw counters; turning snapshots into the SDK's
//! keys ([`Counters::keys`]) is the same on every system.

use super::gpu::{Gpus, gpu_keys};
use super::host;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use wb_core::json::{Dialect, Value, to_string};
use wb_proto::{Record, RecordType, StatsItem, StatsRecord, Timestamp};

const MIB: f64 = 1024.0 * 1024.0;
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// The paths whose disk usage is reported (wandb's default `x_stats_disk_paths`).
pub(crate) const DISK_PATHS: [&str; 1] = ["/"];

/// One reading of the machine and this process, as the operating system counts: totals
/// since boot or since the process started, not yet differences. A field the system does not
/// provide is `None` (or empty), and its keys are left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Snapshot {
    /// This process's CPU time (user + system), in seconds.
    pub cpu_seconds: Option<f64>,
    /// Bytes (received, sent) over the network interfaces.
    pub network: Option<(u64, u64)>,
    /// TCP segments retransmitted (Linux only).
    pub tcp_retransmits: Option<u64>,
    /// Bytes (read, written) of each disk device, by the name its keys carry.
    pub disk_io: BTreeMap<String, (u64, u64)>,
    /// System memory: (total, available) bytes.
    pub memory: Option<(u64, u64)>,
    /// This process's resident set size in bytes.
    pub rss: Option<u64>,
    /// This process's thread count.
    pub threads: Option<u64>,
    /// Disk space of each monitored path: (path, (total, used, free for unprivileged users))
    /// bytes.
    pub disk_usage: Vec<(String, (u64, u64, u64))>,
}

/// The device of the volume mounted deepest above `path`, among `(mount point, device)`.
#[cfg_attr(not(any(target_os = "macos", windows)), allow(dead_code))] // Linux reads mountinfo.
pub(crate) fn volume_for<'a>(mounts: &[(&Path, &'a str)], path: &Path) -> Option<&'a str> {
    mounts
        .iter()
        .filter(|(mount, _)| path.starts_with(mount))
        .max_by_key(|(mount, _)| mount.as_os_str().len())
        .map(|(_, device)| *device)
}

/// What samples are compared with: the snapshot when the run started (network and disk
/// counters are reported as the difference since then) and the last CPU time.
#[derive(Debug, Clone)]
pub(crate) struct Counters {
    start: Snapshot,
    /// The devices whose I/O is reported.
    devices: Vec<String>,
    last_cpu: Option<(Instant, f64)>,
    /// What the process CPU percent is divided by: the physical cores.
    cores: u32,
}

impl Counters {
    /// Counters starting at `start`, taken at `at`.
    pub(crate) fn new(start: Snapshot, at: Instant, devices: Vec<String>, cores: u32) -> Self {
        Counters {
            last_cpu: start.cpu_seconds.map(|c| (at, c)),
            start,
            devices,
            cores,
        }
    }

    /// The keys of `now` (taken at `at`) in wandb's order. The process CPU percent (`cpu`,
    /// over the time since the last sample, divided by the physical cores) is absent from the
    /// first sample.
    pub(crate) fn keys(
        &mut self,
        now: &Snapshot,
        at: Instant,
        first: bool,
    ) -> Vec<(String, Value)> {
        let mut out: Vec<(String, Value)> = Vec::new();
        let mut put = |k: &str, v: f64| out.push((k.to_owned(), Value::Float(v)));
        if let (Some((then, before)), Some(cpu)) = (self.last_cpu, now.cpu_seconds)
            && !first
        {
            let wall = at.saturating_duration_since(then).as_secs_f64();
            if wall > 0.0 {
                put(
                    "cpu",
                    (cpu - before).max(0.0) / wall * 100.0 / f64::from(self.cores.max(1)),
                );
            }
        }
        if let Some(cpu) = now.cpu_seconds {
            self.last_cpu = Some((at, cpu));
        }
        if let (Some((recv0, sent0)), Some((recv, sent))) = (self.start.network, now.network) {
            put("network.sent", sent.saturating_sub(sent0) as f64);
            put("network.recv", recv.saturating_sub(recv0) as f64);
        }
        if let (Some(r0), Some(r)) = (self.start.tcp_retransmits, now.tcp_retransmits) {
            put("network.tcpRetransmits", r.saturating_sub(r0) as f64);
        }
        for dev in &self.devices {
            if let (Some((r0, w0)), Some((r, w))) =
                (self.start.disk_io.get(dev), now.disk_io.get(dev))
            {
                put(
                    &format!("disk.{dev}.in"),
                    r.saturating_sub(*r0) as f64 / MIB,
                );
                put(
                    &format!("disk.{dev}.out"),
                    w.saturating_sub(*w0) as f64 / MIB,
                );
            }
        }
        let memory = now.memory.filter(|(total, _)| *total > 0);
        if let Some((total, available)) = memory {
            put(
                "memory_percent",
                total.saturating_sub(available) as f64 / total as f64 * 100.0,
            );
            put("proc.memory.availableMB", available as f64 / MIB);
        }
        if let Some(rss) = now.rss {
            put("proc.memory.rssMB", rss as f64 / MIB);
            if let Some((total, _)) = memory {
                put("proc.memory.percent", rss as f64 / total as f64 * 100.0);
            }
        }
        if let Some(threads) = now.threads {
            put("proc.cpu.threads", threads as f64);
        }
        for (path, (_, used, avail)) in &now.disk_usage {
            let seen = used + avail;
            if seen > 0 {
                put(
                    &format!("disk.{path}.usagePercent"),
                    *used as f64 / seen as f64 * 100.0,
                );
            }
            put(&format!("disk.{path}.usageGB"), *used as f64 / GIB);
        }
        out
    }
}

/// What one sample reads: the operating system, the starting counters, and NVML (loaded
/// once).
#[derive(Debug)]
pub(crate) struct Probe {
    host: host::Host,
    counters: Counters,
    gpus: Option<Gpus>,
}

impl Probe {
    /// Reads the starting counters (and loads NVML, once).
    pub(crate) fn new() -> Probe {
        let mut host = host::Host::open();
        let start = host.snapshot(&DISK_PATHS);
        let devices = host.disk_devices(&DISK_PATHS, &start.disk_io);
        Probe {
            counters: Counters::new(start, Instant::now(), devices, host::cpu_count_physical()),
            host,
            gpus: Gpus::open(),
        }
    }

    /// One sample: `(key, value)` in wandb's order (see [`Counters::keys`]), then the GPUs'.
    pub(crate) fn sample(&mut self, first: bool) -> Vec<(String, Value)> {
        let snapshot = self.host.snapshot(&DISK_PATHS);
        let mut out = self.counters.keys(&snapshot, Instant::now(), first);
        if let Some(gpus) = &self.gpus {
            for (i, reading) in gpus.read(std::process::id()) {
                out.extend(gpu_keys(i, &reading));
            }
        }
        out
    }

    /// The GPUs seen, for the environment record.
    pub(crate) fn gpus(&self) -> Option<&Gpus> {
        self.gpus.as_ref()
    }
}

/// A `stats` record of one sample, as wandb writes it (type `SYSTEM`, the sample's time, each
/// value as JSON; no stream id).
pub(crate) fn stats_record(sample: &[(String, Value)], at: SystemTime) -> Record {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let stats = StatsRecord {
        stats_type: 0,
        timestamp: Some(Timestamp {
            seconds: since.as_secs() as i64,
            nanos: since.subsec_nanos() as i32,
        }),
        item: sample
            .iter()
            .map(|(k, v)| StatsItem {
                key: k.clone(),
                value_json: to_string(v, Dialect::Compact),
            })
            .collect(),
        info: None,
    };
    Record {
        record_type: Some(RecordType::Stats(prost::Message::encode_to_vec(&stats))),
        ..Record::default()
    }
}

/// Where the sampler's records go: returns false once the run takes no more records.
pub(crate) type Sink = Box<dyn FnMut(Record) -> bool + Send>;

/// The background sampler thread of a run; [`Sampler::stop`] (or dropping it) ends it.
#[derive(Debug)]
pub(crate) struct Sampler {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Sampler {
    /// Starts sampling now and every `interval`, sending each record to `sink`. Sampling
    /// happens on the thread without any of the run's locks; only handing the record over
    /// takes the log's lock, as a `log` call does.
    /// With `machine_writer`, the machine's environment record (with that writer id) goes
    /// first.
    pub(crate) fn start(
        interval: Duration,
        machine_writer: Option<String>,
        mut sink: Sink,
    ) -> Sampler {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("wb-run-system-metrics".into())
            .spawn(move || {
                let mut probe = Probe::new();
                if let Some(w) = machine_writer
                    && !sink(super::metadata::machine_record(probe.gpus(), &w))
                {
                    return;
                }
                let mut first = true;
                let mut next = Instant::now();
                loop {
                    let sample = probe.sample(first);
                    first = false;
                    if !sample.is_empty() && !sink(stats_record(&sample, SystemTime::now())) {
                        return;
                    }
                    next += interval;
                    let (lock, cv) = &*flag;
                    let mut stopped = lock.lock().unwrap_or_else(|p| p.into_inner());
                    loop {
                        if *stopped {
                            return;
                        }
                        let now = Instant::now();
                        if now >= next {
                            break;
                        }
                        stopped = cv
                            .wait_timeout(stopped, next - now)
                            .unwrap_or_else(|p| p.into_inner())
                            .0;
                    }
                }
            })
            .ok();
        Sampler {
            stop,
            thread: Mutex::new(thread),
        }
    }

    /// Stops the thread and waits for it (a sample under way is finished first).
    pub(crate) fn stop(&self) {
        let (lock, cv) = &*self.stop;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cv.notify_all();
        let thread = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(t) = thread {
            let _ = t.join();
        }
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_sample_holds_the_linux_keys_in_wandbs_order() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let mut probe = Probe::new();
        let first: Vec<String> = probe.sample(true).into_iter().map(|(k, _)| k).collect();
        assert!(!first.contains(&"cpu".to_owned()));
        let second = probe.sample(false);
        let keys: Vec<&str> = second.iter().map(|(k, _)| k.as_str()).collect();
        for k in [
            "cpu",
            "network.sent",
            "network.recv",
            "memory_percent",
            "proc.memory.availableMB",
            "proc.memory.rssMB",
            "proc.memory.percent",
            "proc.cpu.threads",
            "disk./.usagePercent",
            "disk./.usageGB",
        ] {
            assert!(keys.contains(&k), "{k} missing from {keys:?}");
        }
        assert_eq!(keys[0], "cpu");
        assert!(
            keys.iter()
                .any(|k| k.starts_with("disk.") && k.ends_with(".in"))
        );
    }

    const MB: u64 = 1024 * 1024;
    const GB: u64 = 1024 * MB;

    fn floats(keys: &[(String, Value)]) -> Vec<(&str, f64)> {
        keys.iter()
            .map(|(k, v)| match v {
                Value::Float(f) => (k.as_str(), *f),
                other => panic!("{k} = {other:?}"),
            })
            .collect()
    }

    /// The counters of a run's start, as a system reports them (totals since boot).
    fn start() -> Snapshot {
        Snapshot {
            cpu_seconds: Some(10.0),
            network: Some((5_000, 7_000)),
            tcp_retransmits: Some(40),
            disk_io: [
                ("vda".to_owned(), (100 * MB, 200 * MB)),
                ("vdb".to_owned(), (1, 2)),
            ]
            .into(),
            memory: Some((16 * GB, 8 * GB)),
            rss: Some(100 * MB),
            threads: Some(3),
            disk_usage: vec![("/".to_owned(), (100 * GB, 30 * GB, 60 * GB))],
        }
    }

    #[test]
    fn keys_are_differences_since_the_start_and_shares_of_totals_in_wandbs_order() {
        let t0 = Instant::now();
        let mut counters = Counters::new(start(), t0, vec!["vda".to_owned()], 4);
        let now = Snapshot {
            // 2 CPU-seconds over 4 s of wall time on 4 cores: 12.5 % of the machine.
            cpu_seconds: Some(12.0),
            network: Some((5_000 + 3_000, 7_000 + 1_000)),
            tcp_retransmits: Some(42),
            disk_io: [
                ("vda".to_owned(), (100 * MB + 3 * MB, 200 * MB + MB / 2)),
                ("vdb".to_owned(), (9, 9)),
            ]
            .into(),
            memory: Some((16 * GB, 4 * GB)),
            rss: Some(512 * MB),
            threads: Some(5),
            disk_usage: vec![("/".to_owned(), (100 * GB, 30 * GB, 10 * GB))],
        };
        let keys = counters.keys(&now, t0 + Duration::from_secs(4), false);
        // The keys and their order are those of the SDK's records on Linux (wandb-symon
        // 0.31.0 writes cpu, network, disk I/O, memory, process, disk usage).
        assert_eq!(
            floats(&keys),
            [
                ("cpu", 12.5),
                ("network.sent", 1_000.0),
                ("network.recv", 3_000.0),
                ("network.tcpRetransmits", 2.0),
                ("disk.vda.in", 3.0),
                ("disk.vda.out", 0.5),
                ("memory_percent", 75.0),
                ("proc.memory.availableMB", 4096.0),
                ("proc.memory.rssMB", 512.0),
                ("proc.memory.percent", 3.125),
                ("proc.cpu.threads", 5.0),
                // Used over what an unprivileged user can fill (used + available), as
                // gopsutil's and wandb's usage percent.
                ("disk./.usagePercent", 75.0),
                ("disk./.usageGB", 30.0),
            ]
        );
        // The next CPU percent is over the time since this sample.
        let later = Snapshot {
            cpu_seconds: Some(13.0),
            ..now.clone()
        };
        let keys = counters.keys(&later, t0 + Duration::from_secs(6), false);
        assert_eq!(floats(&keys)[0], ("cpu", 12.5));
    }

    #[test]
    fn what_a_system_does_not_report_has_no_key() {
        let t0 = Instant::now();
        // macOS and Windows: no TCP retransmits; a process the system would not describe.
        let bare = Snapshot {
            tcp_retransmits: None,
            rss: None,
            threads: None,
            cpu_seconds: None,
            ..start()
        };
        let mut counters = Counters::new(bare.clone(), t0, vec!["vda".to_owned()], 4);
        let keys = counters.keys(&bare, t0 + Duration::from_secs(1), false);
        let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "network.sent",
                "network.recv",
                "disk.vda.in",
                "disk.vda.out",
                "memory_percent",
                "proc.memory.availableMB",
                "disk./.usagePercent",
                "disk./.usageGB",
            ]
        );
        // No memory total: no memory shares, but the resident size still.
        let no_total = Snapshot {
            memory: Some((0, 0)),
            rss: Some(MB),
            ..Snapshot::default()
        };
        let mut empty = Counters::new(Snapshot::default(), t0, Vec::new(), 1);
        let keys = empty.keys(&no_total, t0, false);
        assert_eq!(floats(&keys), [("proc.memory.rssMB", 1.0)]);
    }

    #[test]
    fn the_first_sample_and_an_empty_interval_have_no_cpu_and_counters_never_go_negative() {
        let t0 = Instant::now();
        let mut counters = Counters::new(start(), t0, vec!["vda".to_owned()], 2);
        let keys = counters.keys(&start(), t0 + Duration::from_secs(1), true);
        assert!(keys.iter().all(|(k, _)| k != "cpu"));
        // No wall time since the last sample: no percent rather than a division by zero.
        let keys = counters.keys(&start(), t0 + Duration::from_secs(1), false);
        assert!(keys.iter().all(|(k, _)| k != "cpu"));
        // An interface or disk that went away (counters lower than at the start): zero.
        let fewer = Snapshot {
            network: Some((0, 0)),
            disk_io: [("vda".to_owned(), (0, 0))].into(),
            ..start()
        };
        let keys = counters.keys(&fewer, t0 + Duration::from_secs(2), false);
        let keys = floats(&keys);
        for k in [
            "network.sent",
            "network.recv",
            "disk.vda.in",
            "disk.vda.out",
        ] {
            assert!(keys.contains(&(k, 0.0)), "{k}: {keys:?}");
        }
        assert!(keys.contains(&("cpu", 0.0)));
    }

    #[test]
    fn a_path_belongs_to_the_volume_mounted_deepest_above_it() {
        let mounts = [
            (Path::new("/"), "disk3s1s1"),
            (Path::new("/System/Volumes/Data"), "disk3s5"),
            (Path::new("/Volumes/USB"), "disk4s1"),
        ];
        let of = |p: &str| volume_for(&mounts, Path::new(p));
        assert_eq!(of("/"), Some("disk3s1s1"));
        assert_eq!(of("/System/Volumes/Data/Users/me"), Some("disk3s5"));
        // Whole components only: `/Volumes/USB2` is not under `/Volumes/USB`.
        assert_eq!(of("/Volumes/USB2"), Some("disk3s1s1"));
        assert_eq!(volume_for(&mounts[1..], Path::new("/tmp")), None);
    }

    #[test]
    fn stats_records_carry_json_values_and_the_sample_time() {
        let at = UNIX_EPOCH + Duration::new(1_796_624_884, 400_148_210);
        let rec = stats_record(
            &[
                ("proc.cpu.threads".into(), Value::Float(4.0)),
                ("gpu.0.memory".into(), Value::Int(3)),
            ],
            at,
        );
        let Some(RecordType::Stats(bytes)) = rec.record_type else {
            panic!("not a stats record");
        };
        let stats: StatsRecord = prost::Message::decode(bytes.as_slice()).unwrap();
        assert_eq!(
            stats.timestamp,
            Some(Timestamp {
                seconds: 1_796_624_884,
                nanos: 400_148_210
            })
        );
        let items: Vec<(&str, &str)> = stats
            .item
            .iter()
            .map(|i| (i.key.as_str(), i.value_json.as_str()))
            .collect();
        assert_eq!(items, [("proc.cpu.threads", "4.0"), ("gpu.0.memory", "3")]);
    }

    #[test]
    fn the_sampler_stops_when_asked_and_when_the_sink_refuses() {
        let (tx, rx) = std::sync::mpsc::channel();
        let sampler = Sampler::start(
            Duration::from_millis(5),
            None,
            Box::new(move |r| tx.send(r).is_ok()),
        );
        let _ = rx.recv().unwrap();
        let _ = rx.recv().unwrap();
        sampler.stop();
        while rx.try_recv().is_ok() {}
        assert!(rx.recv_timeout(Duration::from_millis(50)).is_err());
        // A sink that refuses ends the thread by itself.
        let sampler = Sampler::start(Duration::from_millis(1), None, Box::new(|_| false));
        sampler.stop();
    }
}
