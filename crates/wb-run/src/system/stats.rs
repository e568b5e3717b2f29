//! The system metrics sampler: one `stats` record per interval, with the keys, units and
//! order of wandb 0.31.0's monitor on Linux.

use super::gpu::{Gpus, gpu_keys};
use super::linux;
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
const DISK_PATHS: [&str; 1] = ["/"];

/// What one sample compares with: the counters when the run started and the last CPU time.
#[derive(Debug)]
pub(crate) struct Probe {
    devices: Vec<String>,
    io_start: BTreeMap<String, (u64, u64)>,
    net_start: Option<(u64, u64)>,
    retransmits_start: Option<u64>,
    last_cpu: Option<(Instant, f64)>,
    cores: u32,
    gpus: Option<Gpus>,
}

impl Probe {
    /// Reads the starting counters (and loads NVML, once).
    pub(crate) fn new() -> Probe {
        let io_start = linux::disk_io();
        Probe {
            devices: linux::disk_devices(&DISK_PATHS, &io_start),
            io_start,
            net_start: linux::network_bytes(),
            retransmits_start: linux::tcp_retransmits(),
            last_cpu: linux::process_cpu_seconds().map(|c| (Instant::now(), c)),
            cores: linux::cpu_count_physical(),
            gpus: Gpus::open(),
        }
    }

    /// One sample: `(key, value)` in wandb's order. The process CPU percent (`cpu`, over the
    /// time since the last sample, divided by the physical cores) is absent from the first.
    pub(crate) fn sample(&mut self, first: bool) -> Vec<(String, Value)> {
        let mut out: Vec<(String, Value)> = Vec::new();
        let mut put = |k: &str, v: f64| out.push((k.to_owned(), Value::Float(v)));
        let now = Instant::now();
        let cpu = linux::process_cpu_seconds();
        if let (Some((then, before)), Some(cpu)) = (self.last_cpu, cpu)
            && !first
        {
            let wall = now.duration_since(then).as_secs_f64();
            if wall > 0.0 {
                put(
                    "cpu",
                    (cpu - before) / wall * 100.0 / f64::from(self.cores.max(1)),
                );
            }
        }
        if let Some(cpu) = cpu {
            self.last_cpu = Some((now, cpu));
        }
        if let (Some((recv0, sent0)), Some((recv, sent))) = (self.net_start, linux::network_bytes())
        {
            put("network.sent", sent.saturating_sub(sent0) as f64);
            put("network.recv", recv.saturating_sub(recv0) as f64);
        }
        if let (Some(r0), Some(r)) = (self.retransmits_start, linux::tcp_retransmits()) {
            put("network.tcpRetransmits", r.saturating_sub(r0) as f64);
        }
        let io = linux::disk_io();
        for dev in &self.devices {
            if let (Some((r0, w0)), Some((r, w))) = (self.io_start.get(dev), io.get(dev)) {
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
        let memory = linux::memory();
        if let Some((total, available)) = memory
            && total > 0
        {
            put(
                "memory_percent",
                total.saturating_sub(available) as f64 / total as f64 * 100.0,
            );
            put("proc.memory.availableMB", available as f64 / MIB);
        }
        if let Some((rss, threads)) = linux::process_rss_threads() {
            put("proc.memory.rssMB", rss as f64 / MIB);
            if let Some((total, _)) = memory
                && total > 0
            {
                put("proc.memory.percent", rss as f64 / total as f64 * 100.0);
            }
            put("proc.cpu.threads", threads as f64);
        }
        for path in DISK_PATHS {
            if let Some((_, used, avail)) = linux::disk_usage(Path::new(path)) {
                let seen = used + avail;
                if seen > 0 {
                    put(
                        &format!("disk.{path}.usagePercent"),
                        used as f64 / seen as f64 * 100.0,
                    );
                }
                put(&format!("disk.{path}.usageGB"), used as f64 / GIB);
            }
        }
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
