//! The system-metrics and run-metadata messages (`StatsRecord`, `EnvironmentRecord`), with the
//! field numbers of wandb 0.31.0. [`crate::RecordType::Stats`] and
//! [`crate::RecordType::Environment`] hold them encoded (`prost::Message::encode_to_vec`), so a
//! record read from an SDK-written file keeps every field, modelled here or not.

use crate::{GitRepoRecord, RecordInfo, Timestamp};

/// `wandb_internal.StatsRecord`: one sample of the system metrics.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StatsRecord {
    /// `StatsType`: 0 is `SYSTEM`, the only kind.
    #[prost(int32, tag = "1")]
    pub stats_type: i32,
    /// When the sample was taken.
    #[prost(message, optional, tag = "2")]
    pub timestamp: Option<Timestamp>,
    /// The metrics, each value as JSON.
    #[prost(message, repeated, tag = "3")]
    pub item: Vec<StatsItem>,
    /// The stream (run id) the record belongs to.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.StatsItem`: one metric of a [`StatsRecord`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct StatsItem {
    /// The metric's name (`cpu`, `proc.memory.rssMB`, `gpu.0.temp`, ...).
    #[prost(string, tag = "1")]
    pub key: String,
    /// The value as JSON.
    #[prost(string, tag = "16")]
    pub value_json: String,
}

/// `wandb_internal.EnvironmentRecord`: the machine and the program a run's writer ran on
/// (what `wandb-metadata.json` holds). Fields of other accelerators (AMD, Apple, Trainium,
/// TPU, CoreWeave) are not modelled.
#[derive(Clone, PartialEq, prost::Message)]
pub struct EnvironmentRecord {
    /// The platform (Python's `platform.platform()` in the SDK).
    #[prost(string, tag = "1")]
    pub os: String,
    /// The interpreter (`CPython 3.11.7` in the SDK).
    #[prost(string, tag = "2")]
    pub python: String,
    /// When the run started.
    #[prost(message, optional, tag = "3")]
    pub started_at: Option<Timestamp>,
    /// The docker image.
    #[prost(string, tag = "4")]
    pub docker: String,
    /// The program's arguments (without the program).
    #[prost(string, repeated, tag = "5")]
    pub args: Vec<String>,
    /// The program's absolute path.
    #[prost(string, tag = "6")]
    pub program: String,
    /// The program relative to the repository root.
    #[prost(string, tag = "7")]
    pub code_path: String,
    /// The program relative to the working folder.
    #[prost(string, tag = "8")]
    pub code_path_local: String,
    /// The git repository.
    #[prost(message, optional, tag = "9")]
    pub git: Option<GitRepoRecord>,
    /// The user's email.
    #[prost(string, tag = "10")]
    pub email: String,
    /// The run's root folder.
    #[prost(string, tag = "11")]
    pub root: String,
    /// The host name.
    #[prost(string, tag = "12")]
    pub host: String,
    /// The user name.
    #[prost(string, tag = "13")]
    pub username: String,
    /// The interpreter's executable.
    #[prost(string, tag = "14")]
    pub executable: String,
    /// The Colab notebook URL.
    #[prost(string, tag = "15")]
    pub colab: String,
    /// Physical CPU cores.
    #[prost(uint32, tag = "16")]
    pub cpu_count: u32,
    /// Logical CPUs.
    #[prost(uint32, tag = "17")]
    pub cpu_count_logical: u32,
    /// The first GPU's name.
    #[prost(string, tag = "18")]
    pub gpu_type: String,
    /// The number of GPUs.
    #[prost(uint32, tag = "19")]
    pub gpu_count: u32,
    /// Disk space by monitored path.
    #[prost(btree_map = "string, message", tag = "20")]
    pub disk: std::collections::BTreeMap<String, DiskInfo>,
    /// Memory.
    #[prost(message, optional, tag = "21")]
    pub memory: Option<MemoryInfo>,
    /// The CPU.
    #[prost(message, optional, tag = "22")]
    pub cpu: Option<CpuInfo>,
    /// NVIDIA GPUs.
    #[prost(message, repeated, tag = "24")]
    pub gpu_nvidia: Vec<GpuNvidiaInfo>,
    /// The CUDA driver version.
    #[prost(string, tag = "25")]
    pub cuda_version: String,
    /// A unique id of the process that wrote the record.
    #[prost(string, tag = "199")]
    pub writer_id: String,
    /// The stream (run id) the record belongs to.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.DiskInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct DiskInfo {
    /// Total bytes.
    #[prost(uint64, tag = "1")]
    pub total: u64,
    /// Used bytes.
    #[prost(uint64, tag = "2")]
    pub used: u64,
}

/// `wandb_internal.MemoryInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MemoryInfo {
    /// Total bytes.
    #[prost(uint64, tag = "1")]
    pub total: u64,
}

/// `wandb_internal.CpuInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CpuInfo {
    /// Physical cores.
    #[prost(uint32, tag = "1")]
    pub count: u32,
    /// Logical CPUs.
    #[prost(uint32, tag = "2")]
    pub count_logical: u32,
    /// The model name.
    #[prost(string, tag = "3")]
    pub model: String,
}

/// `wandb_internal.GpuNvidiaInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GpuNvidiaInfo {
    /// The device name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Total memory in bytes.
    #[prost(uint64, tag = "2")]
    pub memory_total: u64,
    /// CUDA cores.
    #[prost(uint32, tag = "3")]
    pub cuda_cores: u32,
    /// The architecture.
    #[prost(string, tag = "4")]
    pub architecture: String,
    /// The device UUID.
    #[prost(string, tag = "5")]
    pub uuid: String,
}
