//! What a run records about the machine it runs on, as the SDK does: system metrics sampled in
//! the background (`stats` records) and the run metadata (`environment` records, which become
//! `wandb-metadata.json`). Linux is read from `/proc` and `/sys`, macOS and Windows through the
//! `sysinfo` crate; NVIDIA GPUs through NVML, loaded at run time.

#[cfg(any(target_os = "macos", windows))]
mod desktop;
mod git;
pub(crate) mod git_diff;
mod gpu;
#[cfg(not(any(target_os = "macos", windows)))]
mod linux;
mod metadata;
#[cfg(not(windows))]
mod space;
mod stats;

/// The reader of the operating system: `Host` (the sampler's snapshots) and the machine's
/// facts for the environment record.
#[cfg(any(target_os = "macos", windows))]
use desktop as host;
#[cfg(not(any(target_os = "macos", windows)))]
use linux as host;

use std::time::Duration;

pub(crate) use metadata::RunFacts;
pub(crate) use stats::{Sampler, Sink};

/// The SDK's default sampling interval (`x_stats_sampling_interval`): 15 seconds.
pub(crate) const DEFAULT_STATS_INTERVAL: Duration = Duration::from_secs(15);
/// The shortest interval the SDK accepts (0.1 s); shorter ones are raised to it.
pub(crate) const MIN_STATS_INTERVAL: Duration = Duration::from_millis(100);

/// The run's system settings (builder: `with_system_metrics`, `with_stats_interval`,
/// `with_metadata`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SystemSettings {
    /// The sampling interval, or `None` for no system metrics.
    pub stats: Option<Duration>,
    /// Whether the environment records are written.
    pub metadata: bool,
}

impl Default for SystemSettings {
    fn default() -> Self {
        SystemSettings {
            stats: Some(DEFAULT_STATS_INTERVAL),
            metadata: true,
        }
    }
}

/// Writes the program's environment record through `sink` now, then starts the sampler,
/// which writes the machine's environment record (it loads NVML, off the caller's thread)
/// and a `stats` record at once and every interval. Without metrics, the machine's record is
/// written here and no thread starts.
pub(crate) fn start(
    settings: SystemSettings,
    facts: &RunFacts<'_>,
    mut sink: Sink,
) -> Option<Sampler> {
    let writer = metadata::writer_id();
    if settings.metadata && !sink(metadata::program_record(facts, &writer)) {
        return None;
    }
    match settings.stats {
        Some(interval) => Some(Sampler::start(
            interval.max(MIN_STATS_INTERVAL),
            settings.metadata.then_some(writer),
            sink,
        )),
        None => {
            if settings.metadata {
                let gpus = gpu::Gpus::open();
                sink(metadata::machine_record(gpus.as_ref(), &writer));
            }
            None
        }
    }
}
