//! The protobuf messages of the `.wandb` log (`wandb_internal.Record` and the records inside
//! it), with the field numbers of wandb 0.31.0.
//!
//! These are our own definitions of the subset we write and read. Record kinds we do not model
//! field by field (telemetry, stats, environment, console output, ...) are kept as their raw
//! encoded bytes, so a record read from a file the SDK wrote loses nothing and re-encodes to the
//! same length. Fields we do not know are skipped by the decoder.

/// One entry of the transaction log (`wandb_internal.Record`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Record {
    /// A sequence number, starting at 1 for the header.
    #[prost(int64, tag = "1")]
    pub num: i64,
    /// What the record is.
    #[prost(
        oneof = "RecordType",
        tags = "2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 17, 18, 20, 21, 22, 23, 24, 25, 26, 27, 100"
    )]
    pub record_type: Option<RecordType>,
    /// Mailbox and flow-control information (set by the SDK on request records).
    #[prost(message, optional, tag = "16")]
    pub control: Option<Control>,
    /// An optional unique id.
    #[prost(string, tag = "19")]
    pub uuid: String,
    /// The stream (run id) the record belongs to.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// The kinds of [`Record`]. Kinds kept as raw bytes are encoded messages we do not model.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum RecordType {
    /// A history row (one step).
    #[prost(message, tag = "2")]
    History(HistoryRecord),
    /// Summary updates.
    #[prost(message, tag = "3")]
    Summary(SummaryRecord),
    /// `OutputRecord` (legacy console output), raw.
    #[prost(bytes = "vec", tag = "4")]
    Output(Vec<u8>),
    /// Config updates.
    #[prost(message, tag = "5")]
    Config(ConfigRecord),
    /// Files to upload.
    #[prost(message, tag = "6")]
    Files(FilesRecord),
    /// `StatsRecord` (system metrics), raw.
    #[prost(bytes = "vec", tag = "7")]
    Stats(Vec<u8>),
    /// An artifact logged by the run.
    #[prost(message, tag = "8")]
    Artifact(ArtifactRecord),
    /// `TBRecord` (TensorBoard sync), raw.
    #[prost(bytes = "vec", tag = "9")]
    Tbrecord(Vec<u8>),
    /// `AlertRecord`, raw.
    #[prost(bytes = "vec", tag = "10")]
    Alert(Vec<u8>),
    /// `TelemetryRecord`, raw.
    #[prost(bytes = "vec", tag = "11")]
    Telemetry(Vec<u8>),
    /// A metric definition (`define_metric`).
    #[prost(message, tag = "12")]
    Metric(crate::MetricRecord),
    /// Console output.
    #[prost(message, tag = "13")]
    OutputRaw(OutputRawRecord),
    /// The run: id, project, config, tags, start time.
    #[prost(message, tag = "17")]
    Run(RunRecord),
    /// The run's exit.
    #[prost(message, tag = "18")]
    Exit(RunExitRecord),
    /// `FinalRecord`, raw.
    #[prost(bytes = "vec", tag = "20")]
    Final(Vec<u8>),
    /// The first record: who wrote the file.
    #[prost(message, tag = "21")]
    Header(HeaderRecord),
    /// `FooterRecord`, raw.
    #[prost(bytes = "vec", tag = "22")]
    Footer(Vec<u8>),
    /// `RunPreemptingRecord`, raw.
    #[prost(bytes = "vec", tag = "23")]
    Preempting(Vec<u8>),
    /// `google.protobuf.Empty` (`noop_link_artifact`), raw.
    #[prost(bytes = "vec", tag = "24")]
    NoopLinkArtifact(Vec<u8>),
    /// `UseArtifactRecord`, raw.
    #[prost(bytes = "vec", tag = "25")]
    UseArtifact(Vec<u8>),
    /// `EnvironmentRecord` (host, OS, hardware), raw.
    #[prost(bytes = "vec", tag = "26")]
    Environment(Vec<u8>),
    /// `OutputLoggerRecord`, raw.
    #[prost(bytes = "vec", tag = "27")]
    OutputLogger(Vec<u8>),
    /// A request from the client to core (not normally stored in a log).
    #[prost(message, tag = "100")]
    Request(crate::Request),
}

impl RecordType {
    /// The record kind as wandb names it (`"history"`, `"run"`, `"output_raw"`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            RecordType::History(_) => "history",
            RecordType::Summary(_) => "summary",
            RecordType::Output(_) => "output",
            RecordType::Config(_) => "config",
            RecordType::Files(_) => "files",
            RecordType::Stats(_) => "stats",
            RecordType::Artifact(_) => "artifact",
            RecordType::Tbrecord(_) => "tbrecord",
            RecordType::Alert(_) => "alert",
            RecordType::Telemetry(_) => "telemetry",
            RecordType::Metric(_) => "metric",
            RecordType::OutputRaw(_) => "output_raw",
            RecordType::Run(_) => "run",
            RecordType::Exit(_) => "exit",
            RecordType::Final(_) => "final",
            RecordType::Header(_) => "header",
            RecordType::Footer(_) => "footer",
            RecordType::Preempting(_) => "preempting",
            RecordType::NoopLinkArtifact(_) => "noop_link_artifact",
            RecordType::UseArtifact(_) => "use_artifact",
            RecordType::Environment(_) => "environment",
            RecordType::OutputLogger(_) => "output_logger",
            RecordType::Request(_) => "request",
        }
    }
}

impl Record {
    /// The record kind's name, or `"unknown"` for a record with no kind we know.
    pub fn kind(&self) -> &'static str {
        self.record_type
            .as_ref()
            .map_or("unknown", RecordType::name)
    }
}

/// `wandb_internal._RecordInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RecordInfo {
    /// The run id.
    #[prost(string, tag = "1")]
    pub stream_id: String,
    /// A trace id.
    #[prost(string, tag = "100")]
    pub tracelog_id: String,
}

/// `wandb_internal.Control`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Control {
    /// The record expects a response.
    #[prost(bool, tag = "1")]
    pub req_resp: bool,
    /// The record was already written locally.
    #[prost(bool, tag = "2")]
    pub local: bool,
    /// Relay id.
    #[prost(string, tag = "3")]
    pub relay_id: String,
    /// Mailbox slot of the request.
    #[prost(string, tag = "4")]
    pub mailbox_slot: String,
    /// Flow control flag.
    #[prost(bool, tag = "6")]
    pub flow_control: bool,
    /// Offset in the log at which the record ends.
    #[prost(int64, tag = "7")]
    pub end_offset: i64,
    /// Connection id.
    #[prost(string, tag = "8")]
    pub connection_id: String,
}

/// `google.protobuf.Timestamp`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct Timestamp {
    /// Seconds since the Unix epoch.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds within the second.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// `wandb_internal.HeaderRecord`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HeaderRecord {
    /// Producer and minimum consumer versions.
    #[prost(message, optional, tag = "1")]
    pub version_info: Option<VersionInfo>,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.VersionInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct VersionInfo {
    /// Who wrote the file (`"0.31.0+<commit>"` for wandb-core).
    #[prost(string, tag = "1")]
    pub producer: String,
    /// The oldest server version that can read it.
    #[prost(string, tag = "2")]
    pub min_consumer: String,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.RunRecord`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RunRecord {
    /// The run id.
    #[prost(string, tag = "1")]
    pub run_id: String,
    /// Entity (user or team); empty offline unless given.
    #[prost(string, tag = "2")]
    pub entity: String,
    /// Project.
    #[prost(string, tag = "3")]
    pub project: String,
    /// The initial config.
    #[prost(message, optional, tag = "4")]
    pub config: Option<ConfigRecord>,
    /// The initial summary.
    #[prost(message, optional, tag = "5")]
    pub summary: Option<SummaryRecord>,
    /// Group.
    #[prost(string, tag = "6")]
    pub run_group: String,
    /// Job type.
    #[prost(string, tag = "7")]
    pub job_type: String,
    /// Display name.
    #[prost(string, tag = "8")]
    pub display_name: String,
    /// Notes.
    #[prost(string, tag = "9")]
    pub notes: String,
    /// Tags.
    #[prost(string, repeated, tag = "10")]
    pub tags: Vec<String>,
    /// `SettingsRecord`, raw.
    #[prost(bytes = "vec", optional, tag = "11")]
    pub settings: Option<Vec<u8>>,
    /// Sweep id.
    #[prost(string, tag = "12")]
    pub sweep_id: String,
    /// Host name.
    #[prost(string, tag = "13")]
    pub host: String,
    /// First step.
    #[prost(int64, tag = "14")]
    pub starting_step: i64,
    /// Server-side storage id.
    #[prost(string, tag = "16")]
    pub storage_id: String,
    /// When the run started.
    #[prost(message, optional, tag = "17")]
    pub start_time: Option<Timestamp>,
    /// Whether the run was resumed.
    #[prost(bool, tag = "18")]
    pub resumed: bool,
    /// `TelemetryRecord`, raw.
    #[prost(bytes = "vec", optional, tag = "19")]
    pub telemetry: Option<Vec<u8>>,
    /// Runtime before a resume, in seconds.
    #[prost(int32, tag = "20")]
    pub runtime: i32,
    /// Git remote and commit.
    #[prost(message, optional, tag = "21")]
    pub git: Option<GitRepoRecord>,
    /// Whether the run was forked.
    #[prost(bool, tag = "22")]
    pub forked: bool,
    /// `BranchPoint`, raw.
    #[prost(bytes = "vec", optional, tag = "23")]
    pub branch_point: Option<Vec<u8>>,
    /// Resume flag.
    #[prost(bool, tag = "24")]
    pub resume: bool,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.GitRepoRecord`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GitRepoRecord {
    /// Remote URL.
    #[prost(string, tag = "1")]
    pub remote_url: String,
    /// Commit hash.
    #[prost(string, tag = "2")]
    pub commit: String,
}

/// `wandb_internal.ConfigRecord`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ConfigRecord {
    /// Keys set.
    #[prost(message, repeated, tag = "1")]
    pub update: Vec<ConfigItem>,
    /// Keys removed.
    #[prost(message, repeated, tag = "2")]
    pub remove: Vec<ConfigItem>,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.ConfigItem`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ConfigItem {
    /// A top-level key.
    #[prost(string, tag = "1")]
    pub key: String,
    /// A path, for nested keys.
    #[prost(string, repeated, tag = "2")]
    pub nested_key: Vec<String>,
    /// The value as JSON.
    #[prost(string, tag = "16")]
    pub value_json: String,
}

/// `wandb_internal.SummaryRecord`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SummaryRecord {
    /// Keys set.
    #[prost(message, repeated, tag = "1")]
    pub update: Vec<SummaryItem>,
    /// Keys removed.
    #[prost(message, repeated, tag = "2")]
    pub remove: Vec<SummaryItem>,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.SummaryItem`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SummaryItem {
    /// A top-level key.
    #[prost(string, tag = "1")]
    pub key: String,
    /// A path, for nested keys.
    #[prost(string, repeated, tag = "2")]
    pub nested_key: Vec<String>,
    /// The value as JSON.
    #[prost(string, tag = "16")]
    pub value_json: String,
}

/// `wandb_internal.HistoryRecord`: one step of history.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HistoryRecord {
    /// The leaves of the row.
    #[prost(message, repeated, tag = "1")]
    pub item: Vec<HistoryItem>,
    /// The step (present even for step 0).
    #[prost(message, optional, tag = "2")]
    pub step: Option<HistoryStep>,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.HistoryStep`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct HistoryStep {
    /// The step number.
    #[prost(int64, tag = "1")]
    pub num: i64,
}

/// `wandb_internal.HistoryItem`: one leaf of a history row.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HistoryItem {
    /// A top-level key (the SDK's partial rows; wandb-core writes `nested_key`).
    #[prost(string, tag = "1")]
    pub key: String,
    /// The leaf's path.
    #[prost(string, repeated, tag = "2")]
    pub nested_key: Vec<String>,
    /// The typed value (0.31's optional typed encoding).
    #[prost(oneof = "HistoryValue", tags = "3, 4, 5, 6, 7, 8")]
    pub value: Option<HistoryValue>,
    /// The value as JSON (Go formatting when wandb-core wrote it).
    #[prost(string, tag = "16")]
    pub value_json: String,
}

/// `HistoryItem.value`, the typed history value of wandb 0.31.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum HistoryValue {
    /// `null` (a `google.protobuf.NullValue`, always 0).
    #[prost(int32, tag = "3")]
    None(i32),
    /// A boolean.
    #[prost(bool, tag = "4")]
    Boolean(bool),
    /// An integer.
    #[prost(sint64, tag = "5")]
    Integer(i64),
    /// A float.
    #[prost(double, tag = "6")]
    Number(f64),
    /// A string.
    #[prost(string, tag = "7")]
    Text(String),
    /// Any other JSON.
    #[prost(string, tag = "8")]
    Json(String),
}

/// `wandb_internal.FilesRecord`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FilesRecord {
    /// The files.
    #[prost(message, repeated, tag = "1")]
    pub files: Vec<FilesItem>,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.FilesItem`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FilesItem {
    /// Path relative to the run's `files/` folder.
    #[prost(string, tag = "1")]
    pub path: String,
    /// When to upload it.
    #[prost(enumeration = "FilePolicy", tag = "2")]
    pub policy: i32,
    /// What kind of file it is.
    #[prost(enumeration = "FileType", tag = "3")]
    pub file_type: i32,
}

/// `FilesItem.PolicyType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum FilePolicy {
    /// Upload now (media files).
    Now = 0,
    /// Upload at the end of the run.
    End = 1,
    /// Upload as it changes.
    Live = 2,
}

/// `FilesItem.FileType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum FileType {
    /// Any file (media files are published with this type).
    Other = 0,
    /// A W&B internal file (`requirements.txt`).
    Wandb = 1,
    /// Media.
    Media = 2,
    /// Artifact.
    Artifact = 3,
}

/// `wandb_internal.ArtifactRecord`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ArtifactRecord {
    /// The logging run's id.
    #[prost(string, tag = "1")]
    pub run_id: String,
    /// Project.
    #[prost(string, tag = "2")]
    pub project: String,
    /// Entity.
    #[prost(string, tag = "3")]
    pub entity: String,
    /// Artifact type (`run_table`, `dataset`, ...).
    #[prost(string, tag = "4")]
    pub artifact_type: String,
    /// Artifact name.
    #[prost(string, tag = "5")]
    pub name: String,
    /// Manifest digest (hex MD5).
    #[prost(string, tag = "6")]
    pub digest: String,
    /// Description.
    #[prost(string, tag = "7")]
    pub description: String,
    /// Metadata as JSON.
    #[prost(string, tag = "8")]
    pub metadata: String,
    /// Logged explicitly by the user.
    #[prost(bool, tag = "9")]
    pub user_created: bool,
    /// Used after commit.
    #[prost(bool, tag = "10")]
    pub use_after_commit: bool,
    /// Aliases (`latest`).
    #[prost(string, repeated, tag = "11")]
    pub aliases: Vec<String>,
    /// The manifest.
    #[prost(message, optional, tag = "12")]
    pub manifest: Option<ArtifactManifest>,
    /// Distributed id.
    #[prost(string, tag = "13")]
    pub distributed_id: String,
    /// Whether to finalize it.
    #[prost(bool, tag = "14")]
    pub finalize: bool,
    /// 128-character client id.
    #[prost(string, tag = "15")]
    pub client_id: String,
    /// 128-character sequence client id.
    #[prost(string, tag = "16")]
    pub sequence_client_id: String,
    /// Base artifact id.
    #[prost(string, tag = "17")]
    pub base_id: String,
    /// Time to live.
    #[prost(int64, tag = "18")]
    pub ttl_duration_seconds: i64,
    /// Tags.
    #[prost(string, repeated, tag = "19")]
    pub tags: Vec<String>,
    /// `MANIFEST_MD5`.
    #[prost(string, tag = "20")]
    pub digest_algorithm: String,
    /// Incremental artifact (incremental tables).
    #[prost(bool, tag = "100")]
    pub incremental_beta1: bool,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.ArtifactManifest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ArtifactManifest {
    /// Manifest version (1).
    #[prost(int32, tag = "1")]
    pub version: i32,
    /// `wandb-storage-policy-v1`.
    #[prost(string, tag = "2")]
    pub storage_policy: String,
    /// Storage policy settings (`storageLayout: "V2"`).
    #[prost(message, repeated, tag = "3")]
    pub storage_policy_config: Vec<StoragePolicyConfigItem>,
    /// Entries, sorted by path.
    #[prost(message, repeated, tag = "4")]
    pub contents: Vec<ArtifactManifestEntry>,
    /// For very large manifests, a file holding the entries.
    #[prost(string, tag = "5")]
    pub manifest_file_path: String,
}

/// `wandb_internal.StoragePolicyConfigItem`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StoragePolicyConfigItem {
    /// Key.
    #[prost(string, tag = "1")]
    pub key: String,
    /// Value as JSON.
    #[prost(string, tag = "2")]
    pub value_json: String,
}

/// `wandb_internal.ArtifactManifestEntry`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ArtifactManifestEntry {
    /// Entry name.
    #[prost(string, tag = "1")]
    pub path: String,
    /// Base64 MD5 of the content.
    #[prost(string, tag = "2")]
    pub digest: String,
    /// Reference URL, for reference entries.
    #[prost(string, tag = "3")]
    pub reference: String,
    /// Size in bytes.
    #[prost(int64, tag = "4")]
    pub size: i64,
    /// MIME type.
    #[prost(string, tag = "5")]
    pub mimetype: String,
    /// The staged local copy to upload.
    #[prost(string, tag = "6")]
    pub local_path: String,
    /// Birth artifact id.
    #[prost(string, tag = "7")]
    pub birth_artifact_id: String,
    /// Skip the cache.
    #[prost(bool, tag = "8")]
    pub skip_cache: bool,
    /// Extra key/values.
    #[prost(message, repeated, tag = "16")]
    pub extra: Vec<ExtraItem>,
}

/// `wandb_internal.ExtraItem`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExtraItem {
    /// Key.
    #[prost(string, tag = "1")]
    pub key: String,
    /// Value as JSON.
    #[prost(string, tag = "2")]
    pub value_json: String,
}

/// `wandb_internal.RunExitRecord`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RunExitRecord {
    /// The exit code (0 = finished, anything else = failed).
    #[prost(int32, tag = "1")]
    pub exit_code: i32,
    /// Total runtime in whole seconds.
    #[prost(int32, tag = "2")]
    pub runtime: i32,
    /// The run did not complete.
    #[prost(bool, tag = "3")]
    pub not_complete: bool,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.OutputRawRecord`: console output.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OutputRawRecord {
    /// Standard error or standard output.
    #[prost(enumeration = "OutputType", tag = "1")]
    pub output_type: i32,
    /// When it was written.
    #[prost(message, optional, tag = "2")]
    pub timestamp: Option<Timestamp>,
    /// The text.
    #[prost(string, tag = "3")]
    pub line: String,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `OutputRawRecord.OutputType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum OutputType {
    /// Standard error.
    Stderr = 0,
    /// Standard output.
    Stdout = 1,
}
