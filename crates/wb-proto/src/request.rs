//! Requests from a client to wandb-core inside a [`Record`](crate::Record)
//! (`wandb_internal.Request`), and what core answers (`wandb_internal.Result` and
//! `wandb_internal.Response`), with the field numbers of wandb 0.31.0.
//!
//! The requests a run needs are modelled field by field; the others are kept as their raw
//! encoded bytes, so nothing is lost when a record holding one is decoded and encoded again.

use crate::{HistoryItem, HistoryStep, RunRecord, SummaryItem, Timestamp};

/// `wandb_internal._RequestInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestInfo {
    /// The run id.
    #[prost(string, tag = "1")]
    pub stream_id: String,
}

/// `wandb_internal._ResultInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResultInfo {
    /// A trace id.
    #[prost(string, tag = "100")]
    pub tracelog_id: String,
}

/// `wandb_internal.Request`: a request carried by a [`Record`](crate::Record).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Request {
    /// Which request.
    #[prost(
        oneof = "RequestType",
        tags = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 84, 11, 12, 13, 14, 17, 20, 21, 23, 24, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 77, 78, 81, 82, 83, 1000"
    )]
    pub request_type: Option<RequestType>,
}

/// The kinds of [`Request`]. Kinds kept as raw bytes are encoded messages we do not model.
// A message holds one of these at a time; boxing the run-sized variants would cost an
// allocation per message for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum RequestType {
    /// Whether the server asked the run to stop.
    #[prost(message, tag = "1")]
    StopStatus(StopStatusRequest),
    /// Recent HTTP errors.
    #[prost(message, tag = "2")]
    NetworkStatus(NetworkStatusRequest),
    /// `DeferRequest` (the old finish sequence), raw.
    #[prost(bytes = "vec", tag = "3")]
    Defer(Vec<u8>),
    /// The run's summary.
    #[prost(message, tag = "4")]
    GetSummary(GetSummaryRequest),
    /// Log in with a key.
    #[prost(message, tag = "5")]
    Login(LoginRequest),
    /// `PauseRequest` (pause system metrics), raw.
    #[prost(bytes = "vec", tag = "6")]
    Pause(Vec<u8>),
    /// `ResumeRequest` (resume system metrics), raw.
    #[prost(bytes = "vec", tag = "7")]
    Resume(Vec<u8>),
    /// Upload progress after the exit record, and whether everything is done.
    #[prost(message, tag = "8")]
    PollExit(PollExitRequest),
    /// `SampledHistoryRequest`, raw.
    #[prost(bytes = "vec", tag = "9")]
    SampledHistory(Vec<u8>),
    /// A history row, or part of one (what the SDK sends for `run.log`).
    #[prost(message, tag = "10")]
    PartialHistory(PartialHistoryRequest),
    /// `HistoryStepRequest`, raw.
    #[prost(bytes = "vec", tag = "84")]
    HistoryStep(Vec<u8>),
    /// Start the run's background work (after the run record was answered).
    #[prost(message, tag = "11")]
    RunStart(RunStartRequest),
    /// `CheckVersionRequest`, raw.
    #[prost(bytes = "vec", tag = "12")]
    CheckVersion(Vec<u8>),
    /// `LogArtifactRequest`, raw.
    #[prost(bytes = "vec", tag = "13")]
    LogArtifact(Vec<u8>),
    /// `DownloadArtifactRequest`, raw.
    #[prost(bytes = "vec", tag = "14")]
    DownloadArtifact(Vec<u8>),
    /// Keep the connection alive.
    #[prost(message, tag = "17")]
    Keepalive(KeepaliveRequest),
    /// How far the upload is.
    #[prost(message, tag = "20")]
    RunStatus(RunStatusRequest),
    /// `CancelRequest`, raw.
    #[prost(bytes = "vec", tag = "21")]
    Cancel(Vec<u8>),
    /// Warnings core collected.
    #[prost(message, tag = "23")]
    InternalMessages(InternalMessagesRequest),
    /// `PythonPackagesRequest`, raw.
    #[prost(bytes = "vec", tag = "24")]
    PythonPackages(Vec<u8>),
    /// Stop the stream.
    #[prost(message, tag = "64")]
    Shutdown(ShutdownRequest),
    /// Attach to a run owned by another process.
    #[prost(message, tag = "65")]
    Attach(AttachRequest),
    /// Whether the run should stop.
    #[prost(message, tag = "66")]
    Status(StatusRequest),
    /// Messages from the server and the local version.
    #[prost(message, tag = "67")]
    ServerInfo(ServerInfoRequest),
    /// `SenderMarkRequest`, raw.
    #[prost(bytes = "vec", tag = "68")]
    SenderMark(Vec<u8>),
    /// `SenderReadRequest`, raw.
    #[prost(bytes = "vec", tag = "69")]
    SenderRead(Vec<u8>),
    /// `StatusReportRequest`, raw.
    #[prost(bytes = "vec", tag = "70")]
    StatusReport(Vec<u8>),
    /// `SummaryRecordRequest`, raw.
    #[prost(bytes = "vec", tag = "71")]
    SummaryRecord(Vec<u8>),
    /// `TelemetryRecordRequest`, raw.
    #[prost(bytes = "vec", tag = "72")]
    TelemetryRecord(Vec<u8>),
    /// `JobInfoRequest`, raw.
    #[prost(bytes = "vec", tag = "73")]
    JobInfo(Vec<u8>),
    /// `GetSystemMetricsRequest`, raw.
    #[prost(bytes = "vec", tag = "74")]
    GetSystemMetrics(Vec<u8>),
    /// `JobInputRequest`, raw.
    #[prost(bytes = "vec", tag = "77")]
    JobInput(Vec<u8>),
    /// `LinkArtifactRequest`, raw.
    #[prost(bytes = "vec", tag = "78")]
    LinkArtifact(Vec<u8>),
    /// `SyncFinishRequest`, raw.
    #[prost(bytes = "vec", tag = "81")]
    SyncFinish(Vec<u8>),
    /// The operations core is busy with (uploads, retries).
    #[prost(message, tag = "82")]
    Operations(OperationStatsRequest),
    /// `ProbeSystemInfoRequest`, raw.
    #[prost(bytes = "vec", tag = "83")]
    ProbeSystemInfo(Vec<u8>),
    /// `TestInjectRequest`, raw.
    #[prost(bytes = "vec", tag = "1000")]
    TestInject(Vec<u8>),
}

/// `wandb_internal.StopStatusRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StopStatusRequest {
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.NetworkStatusRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NetworkStatusRequest {
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.GetSummaryRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetSummaryRequest {
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.LoginRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LoginRequest {
    /// The API key.
    #[prost(string, tag = "1")]
    pub api_key: String,
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.PollExitRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PollExitRequest {
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.HistoryAction`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct HistoryAction {
    /// Whether the row is complete and may be written.
    #[prost(bool, tag = "1")]
    pub flush: bool,
}

/// `wandb_internal.PartialHistoryRequest`: what the SDK sends for `run.log`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PartialHistoryRequest {
    /// The leaves (`key` and `value_json`, as the SDK sends them).
    #[prost(message, repeated, tag = "1")]
    pub item: Vec<HistoryItem>,
    /// The step, when given explicitly.
    #[prost(message, optional, tag = "2")]
    pub step: Option<HistoryStep>,
    /// Whether to finish the row.
    #[prost(message, optional, tag = "3")]
    pub action: Option<HistoryAction>,
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.RunStartRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RunStartRequest {
    /// The run, as the server answered it.
    #[prost(message, optional, tag = "1")]
    pub run: Option<RunRecord>,
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.KeepaliveRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct KeepaliveRequest {
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.RunStatusRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RunStatusRequest {
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.InternalMessagesRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct InternalMessagesRequest {
    /// Wait for messages.
    #[prost(bool, tag = "1")]
    pub wait: bool,
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.ShutdownRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ShutdownRequest {
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.AttachRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AttachRequest {
    /// The run to attach to.
    #[prost(string, tag = "20")]
    pub attach_id: String,
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.StatusRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StatusRequest {
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.ServerInfoRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerInfoRequest {
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.OperationStatsRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OperationStatsRequest {
    /// Request info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RequestInfo>,
}

/// `wandb_internal.Result`: core's answer to a record sent with a mailbox slot.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RecordResult {
    /// What the answer is.
    #[prost(oneof = "ResultType", tags = "17, 18, 20, 21, 22, 23, 100")]
    pub result_type: Option<ResultType>,
    /// The control block of the record answered (its mailbox slot).
    #[prost(message, optional, tag = "16")]
    pub control: Option<crate::Control>,
    /// An optional unique id.
    #[prost(string, tag = "24")]
    pub uuid: String,
    /// Result info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<ResultInfo>,
}

/// The kinds of [`RecordResult`].
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum ResultType {
    /// The answer to a run record: the run as the server has it, or an error.
    #[prost(message, tag = "17")]
    RunResult(RunUpdateResult),
    /// The answer to an exit record.
    #[prost(message, tag = "18")]
    ExitResult(RunExitResult),
    /// `HistoryResult` (empty).
    #[prost(message, tag = "20")]
    LogResult(EmptyResult),
    /// `SummaryResult` (empty).
    #[prost(message, tag = "21")]
    SummaryResult(EmptyResult),
    /// `OutputResult` (empty).
    #[prost(message, tag = "22")]
    OutputResult(EmptyResult),
    /// `ConfigResult` (empty).
    #[prost(message, tag = "23")]
    ConfigResult(EmptyResult),
    /// The answer to a [`Request`].
    #[prost(message, tag = "100")]
    Response(Response),
}

/// An empty message (`HistoryResult`, `SummaryResult`, `OutputResult`, `ConfigResult`,
/// `RunStartResponse`, `KeepaliveResponse`, `ShutdownResponse`).
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct EmptyResult {}

/// `wandb_internal.RunUpdateResult`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RunUpdateResult {
    /// The run as the server has it (entity, display name, ...).
    #[prost(message, optional, tag = "1")]
    pub run: Option<RunRecord>,
    /// What went wrong, if anything.
    #[prost(message, optional, tag = "2")]
    pub error: Option<ErrorInfo>,
}

/// `wandb_internal.RunExitResult`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct RunExitResult {
    /// Whether the exit timed out.
    #[prost(bool, tag = "1")]
    pub timed_out: bool,
}

/// `wandb_internal.Response`: the answer to a [`Request`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct Response {
    /// Which answer.
    #[prost(
        oneof = "ResponseType",
        tags = "18, 19, 20, 24, 25, 26, 27, 75, 28, 29, 30, 31, 35, 36, 37, 64, 65, 66, 67, 68, 69, 71, 70, 74, 1000"
    )]
    pub response_type: Option<ResponseType>,
}

/// The kinds of [`Response`]. Kinds kept as raw bytes are encoded messages we do not model.
// A message holds one of these at a time; boxing the run-sized variants would cost an
// allocation per message for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum ResponseType {
    /// `KeepaliveResponse` (empty).
    #[prost(message, tag = "18")]
    KeepaliveResponse(EmptyResult),
    /// Whether the server asked the run to stop.
    #[prost(message, tag = "19")]
    StopStatusResponse(StopStatusResponse),
    /// Recent HTTP errors.
    #[prost(message, tag = "20")]
    NetworkStatusResponse(NetworkStatusResponse),
    /// The entity of the key.
    #[prost(message, tag = "24")]
    LoginResponse(LoginResponse),
    /// The run's summary.
    #[prost(message, tag = "25")]
    GetSummaryResponse(GetSummaryResponse),
    /// Upload progress and whether everything is done.
    #[prost(message, tag = "26")]
    PollExitResponse(PollExitResponse),
    /// `SampledHistoryResponse`, raw.
    #[prost(bytes = "vec", tag = "27")]
    SampledHistoryResponse(Vec<u8>),
    /// `HistoryStepResponse`, raw.
    #[prost(bytes = "vec", tag = "75")]
    HistoryStepResponse(Vec<u8>),
    /// `RunStartResponse` (empty).
    #[prost(message, tag = "28")]
    RunStartResponse(EmptyResult),
    /// `CheckVersionResponse`, raw.
    #[prost(bytes = "vec", tag = "29")]
    CheckVersionResponse(Vec<u8>),
    /// `LogArtifactResponse`, raw.
    #[prost(bytes = "vec", tag = "30")]
    LogArtifactResponse(Vec<u8>),
    /// `DownloadArtifactResponse`, raw.
    #[prost(bytes = "vec", tag = "31")]
    DownloadArtifactResponse(Vec<u8>),
    /// How far the upload is.
    #[prost(message, tag = "35")]
    RunStatusResponse(RunStatusResponse),
    /// `CancelResponse`, raw.
    #[prost(bytes = "vec", tag = "36")]
    CancelResponse(Vec<u8>),
    /// Warnings core collected.
    #[prost(message, tag = "37")]
    InternalMessagesResponse(InternalMessagesResponse),
    /// `ShutdownResponse` (empty).
    #[prost(message, tag = "64")]
    ShutdownResponse(EmptyResult),
    /// The run attached to, or an error.
    #[prost(message, tag = "65")]
    AttachResponse(AttachResponse),
    /// Whether the run should stop.
    #[prost(message, tag = "66")]
    StatusResponse(StatusResponse),
    /// Messages from the server and the local version.
    #[prost(message, tag = "67")]
    ServerInfoResponse(ServerInfoResponse),
    /// `JobInfoResponse`, raw.
    #[prost(bytes = "vec", tag = "68")]
    JobInfoResponse(Vec<u8>),
    /// `GetSystemMetricsResponse`, raw.
    #[prost(bytes = "vec", tag = "69")]
    GetSystemMetricsResponse(Vec<u8>),
    /// `LinkArtifactResponse`, raw.
    #[prost(bytes = "vec", tag = "71")]
    LinkArtifactResponse(Vec<u8>),
    /// `SyncResponse`, raw.
    #[prost(bytes = "vec", tag = "70")]
    SyncResponse(Vec<u8>),
    /// The operations core is busy with.
    #[prost(message, tag = "74")]
    OperationsResponse(OperationStatsResponse),
    /// `TestInjectResponse`, raw.
    #[prost(bytes = "vec", tag = "1000")]
    TestInjectResponse(Vec<u8>),
}

/// `wandb_internal.StopStatusResponse`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct StopStatusResponse {
    /// The server asked the run to stop.
    #[prost(bool, tag = "1")]
    pub run_should_stop: bool,
}

/// `wandb_internal.NetworkStatusResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NetworkStatusResponse {
    /// Recent HTTP errors.
    #[prost(message, repeated, tag = "1")]
    pub network_responses: Vec<HttpResponse>,
}

/// `wandb_internal.HttpResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HttpResponse {
    /// The HTTP status.
    #[prost(int32, tag = "1")]
    pub http_status_code: i32,
    /// The body.
    #[prost(string, tag = "2")]
    pub http_response_text: String,
}

/// `wandb_internal.LoginResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LoginResponse {
    /// The key's default entity.
    #[prost(string, tag = "1")]
    pub active_entity: String,
}

/// `wandb_internal.GetSummaryResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetSummaryResponse {
    /// The summary's leaves.
    #[prost(message, repeated, tag = "1")]
    pub item: Vec<SummaryItem>,
}

/// `wandb_internal.PollExitResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PollExitResponse {
    /// Everything is uploaded.
    #[prost(bool, tag = "1")]
    pub done: bool,
    /// The exit's result.
    #[prost(message, optional, tag = "2")]
    pub exit_result: Option<RunExitResult>,
    /// Bytes uploaded and to upload.
    #[prost(message, optional, tag = "3")]
    pub pusher_stats: Option<FilePusherStats>,
    /// Files by kind.
    #[prost(message, optional, tag = "4")]
    pub file_counts: Option<FileCounts>,
    /// What core is busy with.
    #[prost(message, optional, tag = "5")]
    pub operation_stats: Option<OperationStats>,
}

/// `wandb_internal.FilePusherStats`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct FilePusherStats {
    /// Bytes uploaded.
    #[prost(int64, tag = "1")]
    pub uploaded_bytes: i64,
    /// Bytes to upload in all.
    #[prost(int64, tag = "2")]
    pub total_bytes: i64,
    /// Bytes not uploaded because the server had them.
    #[prost(int64, tag = "3")]
    pub deduped_bytes: i64,
}

/// `wandb_internal.FileCounts`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct FileCounts {
    /// W&B files.
    #[prost(int32, tag = "1")]
    pub wandb_count: i32,
    /// Media files.
    #[prost(int32, tag = "2")]
    pub media_count: i32,
    /// Artifact files.
    #[prost(int32, tag = "3")]
    pub artifact_count: i32,
    /// Other files.
    #[prost(int32, tag = "4")]
    pub other_count: i32,
}

/// `wandb_internal.OperationStats`: what core is busy with.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OperationStats {
    /// A label for the group of operations.
    #[prost(string, tag = "3")]
    pub label: String,
    /// The longest-running operations.
    #[prost(message, repeated, tag = "1")]
    pub operations: Vec<Operation>,
    /// How many operations there are in all.
    #[prost(int64, tag = "2")]
    pub total_operations: i64,
}

/// `wandb_internal.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Operation {
    /// What it is (`"uploading history"`, ...).
    #[prost(string, tag = "1")]
    pub desc: String,
    /// For how long it has run.
    #[prost(double, tag = "2")]
    pub runtime_seconds: f64,
    /// Progress text (`"3/5 files"`).
    #[prost(string, tag = "3")]
    pub progress: String,
    /// The last error, when retrying.
    #[prost(string, tag = "4")]
    pub error_status: String,
    /// Sub-operations.
    #[prost(message, repeated, tag = "5")]
    pub subtasks: Vec<Operation>,
}

/// `wandb_internal.RunStatusResponse`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct RunStatusResponse {
    /// Items to sync in all.
    #[prost(int64, tag = "1")]
    pub sync_items_total: i64,
    /// Items still to sync.
    #[prost(int64, tag = "2")]
    pub sync_items_pending: i64,
    /// When the last sync happened.
    #[prost(message, optional, tag = "3")]
    pub sync_time: Option<Timestamp>,
}

/// `wandb_internal.InternalMessagesResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct InternalMessagesResponse {
    /// The messages.
    #[prost(message, optional, tag = "1")]
    pub messages: Option<InternalMessages>,
}

/// `wandb_internal.InternalMessages`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct InternalMessages {
    /// Warnings.
    #[prost(string, repeated, tag = "1")]
    pub warning: Vec<String>,
}

/// `wandb_internal.AttachResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AttachResponse {
    /// The run attached to.
    #[prost(message, optional, tag = "1")]
    pub run: Option<RunRecord>,
    /// What went wrong, if anything.
    #[prost(message, optional, tag = "2")]
    pub error: Option<ErrorInfo>,
}

/// `wandb_internal.StatusResponse`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct StatusResponse {
    /// The server asked the run to stop.
    #[prost(bool, tag = "1")]
    pub run_should_stop: bool,
}

/// `wandb_internal.ServerInfoResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerInfoResponse {
    /// The local version and whether it is out of date.
    #[prost(message, optional, tag = "1")]
    pub local_info: Option<LocalInfo>,
    /// Messages from the server.
    #[prost(message, optional, tag = "2")]
    pub server_messages: Option<ServerMessages>,
}

/// `wandb_internal.LocalInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LocalInfo {
    /// The SDK version the server knows as the latest.
    #[prost(string, tag = "1")]
    pub version: String,
    /// Whether ours is out of date.
    #[prost(bool, tag = "2")]
    pub out_of_date: bool,
}

/// `wandb_internal.ServerMessages`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerMessages {
    /// The messages.
    #[prost(message, repeated, tag = "1")]
    pub item: Vec<ServerMessage>,
}

/// `wandb_internal.ServerMessage`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerMessage {
    /// Plain text.
    #[prost(string, tag = "1")]
    pub plain_text: String,
    /// Text with Unicode.
    #[prost(string, tag = "2")]
    pub utf_text: String,
    /// HTML.
    #[prost(string, tag = "3")]
    pub html_text: String,
    /// Message type.
    #[prost(string, tag = "4")]
    pub r#type: String,
    /// Level.
    #[prost(int32, tag = "5")]
    pub level: i32,
}

/// `wandb_internal.OperationStatsResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OperationStatsResponse {
    /// What core is busy with.
    #[prost(message, optional, tag = "1")]
    pub operation_stats: Option<OperationStats>,
}

/// `wandb_internal.ErrorInfo`: what went wrong, as core reports it.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ErrorInfo {
    /// The message (for a refused key, the server's answer).
    #[prost(string, tag = "1")]
    pub message: String,
    /// The kind of error.
    #[prost(enumeration = "ErrorCode", tag = "2")]
    pub code: i32,
}

/// `ErrorInfo.ErrorCode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum ErrorCode {
    /// Not known.
    Unknown = 0,
    /// The server could not be reached or answered badly.
    Communication = 1,
    /// The key was refused.
    Authentication = 2,
    /// A usage error (a refused project, ...).
    Usage = 3,
    /// Not supported.
    Unsupported = 4,
}
