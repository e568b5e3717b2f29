//! The service protocol's envelopes (`wandb_server.proto`, `wandb_sync.proto`): what a client
//! sends to wandb-core over its socket and what core answers, with the field numbers of
//! wandb 0.31.0.

use std::collections::BTreeMap;

use crate::{Record, RecordInfo, RecordResult, Settings};

/// `wandb_internal.ServerRequest`: one message from a client to core.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerRequest {
    /// The id the answer carries back (empty for messages that get none).
    #[prost(string, tag = "10")]
    pub request_id: String,
    /// What is asked.
    #[prost(
        oneof = "ServerRequestType",
        tags = "16, 1, 2, 3, 4, 5, 6, 7, 9, 11, 12, 13, 14, 17, 15, 18, 19, 20"
    )]
    pub server_request_type: Option<ServerRequestType>,
}

/// The kinds of [`ServerRequest`]. Kinds kept as raw bytes are encoded messages we do not model.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum ServerRequestType {
    /// Cancel an earlier request.
    #[prost(message, tag = "16")]
    Cancel(ServerCancelRequest),
    /// A record for a run stream (answered only if it has a mailbox slot).
    #[prost(message, tag = "1")]
    RecordPublish(Record),
    /// A record that expects an answer (older clients).
    #[prost(message, tag = "2")]
    RecordCommunicate(Record),
    /// Open a run stream with its settings.
    #[prost(message, tag = "3")]
    InformInit(ServerInformInitRequest),
    /// Close a run stream.
    #[prost(message, tag = "4")]
    InformFinish(ServerInformFinishRequest),
    /// Attach to a stream another client opened.
    #[prost(message, tag = "5")]
    InformAttach(ServerInformAttachRequest),
    /// Detach from a stream.
    #[prost(message, tag = "6")]
    InformDetach(ServerInformDetachRequest),
    /// Shut core down.
    #[prost(message, tag = "7")]
    InformTeardown(ServerInformTeardownRequest),
    /// Check a key with the server.
    #[prost(message, tag = "9")]
    Authenticate(ServerAuthenticateRequest),
    /// Prepare the upload of `.wandb` files.
    #[prost(message, tag = "11")]
    InitSync(ServerInitSyncRequest),
    /// Run a prepared upload (answered when it is done).
    #[prost(message, tag = "12")]
    Sync(ServerSyncRequest),
    /// Progress of a running upload.
    #[prost(message, tag = "13")]
    SyncStatus(ServerSyncStatusRequest),
    /// `ServerApiInitRequest`, raw.
    #[prost(bytes = "vec", tag = "14")]
    ApiInitRequest(Vec<u8>),
    /// `ServerApiCleanupRequest`, raw.
    #[prost(bytes = "vec", tag = "17")]
    ApiCleanupRequest(Vec<u8>),
    /// `ApiRequest`, raw.
    #[prost(bytes = "vec", tag = "15")]
    ApiRequest(Vec<u8>),
    /// `SweepSchedulerClientInitRequest`, raw.
    #[prost(bytes = "vec", tag = "18")]
    SweepSchedulerInit(Vec<u8>),
    /// `SweepSchedulerClientNextTaskRequest`, raw.
    #[prost(bytes = "vec", tag = "19")]
    SweepSchedulerNextTask(Vec<u8>),
    /// `SweepSchedulerClientStopRequest`, raw.
    #[prost(bytes = "vec", tag = "20")]
    SweepSchedulerStop(Vec<u8>),
}

/// `wandb_internal.ServerResponse`: one message from core to a client.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerResponse {
    /// The id of the request answered.
    #[prost(string, tag = "10")]
    pub request_id: String,
    /// The answer.
    #[prost(
        oneof = "ServerResponseType",
        tags = "2, 3, 4, 5, 6, 7, 9, 11, 12, 13, 14, 16, 17, 18, 200"
    )]
    pub server_response_type: Option<ServerResponseType>,
}

/// The kinds of [`ServerResponse`]. Kinds kept as raw bytes are encoded messages we do not
/// model.
// A message holds one of these at a time; boxing the run-sized variants would cost an
// allocation per message for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum ServerResponseType {
    /// The answer to a record with a mailbox slot.
    #[prost(message, tag = "2")]
    ResultCommunicate(RecordResult),
    /// The stream is open.
    #[prost(message, tag = "3")]
    InformInitResponse(Empty),
    /// The stream is closed.
    #[prost(message, tag = "4")]
    InformFinishResponse(Empty),
    /// The attached stream's settings.
    #[prost(message, tag = "5")]
    InformAttachResponse(ServerInformAttachResponse),
    /// Detached.
    #[prost(message, tag = "6")]
    InformDetachResponse(Empty),
    /// Core is shutting down.
    #[prost(message, tag = "7")]
    InformTeardownResponse(Empty),
    /// The key's entity, or what was wrong with it.
    #[prost(message, tag = "9")]
    AuthenticateResponse(ServerAuthenticateResponse),
    /// The id of a prepared upload.
    #[prost(message, tag = "11")]
    InitSyncResponse(ServerInitSyncResponse),
    /// A finished upload's messages.
    #[prost(message, tag = "12")]
    SyncResponse(ServerSyncResponse),
    /// A running upload's progress.
    #[prost(message, tag = "13")]
    SyncStatusResponse(ServerSyncStatusResponse),
    /// `ServerApiInitResponse`, raw.
    #[prost(bytes = "vec", tag = "14")]
    ApiInitResponse(Vec<u8>),
    /// `ApiResponse`, raw.
    #[prost(bytes = "vec", tag = "16")]
    ApiResponse(Vec<u8>),
    /// `SweepSchedulerServerInitResponse`, raw.
    #[prost(bytes = "vec", tag = "17")]
    SweepSchedulerInitResponse(Vec<u8>),
    /// `SweepSchedulerServerNextTaskResponse`, raw.
    #[prost(bytes = "vec", tag = "18")]
    SweepSchedulerNextTaskResponse(Vec<u8>),
    /// Core could not handle the request.
    #[prost(message, tag = "200")]
    ErrorResponse(ServerErrorResponse),
}

/// An empty message (the `Server*Response` messages that carry nothing).
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct Empty {}

/// `wandb_internal.ServerCancelRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerCancelRequest {
    /// The request to cancel.
    #[prost(string, tag = "1")]
    pub request_id: String,
}

/// `wandb_internal.ServerErrorResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerErrorResponse {
    /// What went wrong.
    #[prost(string, tag = "1")]
    pub message: String,
}

/// `wandb_internal.ServerInformInitRequest`: open a run stream.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerInformInitRequest {
    /// The run's settings.
    #[prost(message, optional, tag = "1")]
    pub settings: Option<Settings>,
    /// The stream id (the run id).
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.ServerInformFinishRequest`: close a run stream.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerInformFinishRequest {
    /// The stream id.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.ServerInformAttachRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerInformAttachRequest {
    /// The stream id.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.ServerInformAttachResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerInformAttachResponse {
    /// The stream's settings.
    #[prost(message, optional, tag = "1")]
    pub settings: Option<Settings>,
    /// The stream id.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.ServerInformDetachRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerInformDetachRequest {
    /// The stream id.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.ServerInformTeardownRequest`: shut core down.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerInformTeardownRequest {
    /// The client's exit code.
    #[prost(int32, tag = "1")]
    pub exit_code: i32,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.ServerAuthenticateRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerAuthenticateRequest {
    /// The key.
    #[prost(string, tag = "1")]
    pub api_key: String,
    /// The server.
    #[prost(string, tag = "2")]
    pub base_url: String,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.ServerAuthenticateResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerAuthenticateResponse {
    /// The key's default entity.
    #[prost(string, tag = "1")]
    pub default_entity: String,
    /// What was wrong, if anything.
    #[prost(string, tag = "2")]
    pub error_status: String,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.ServerInitSyncRequest`: prepare the upload of `.wandb` files.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerInitSyncRequest {
    /// The `.wandb` files.
    #[prost(string, repeated, tag = "1")]
    pub path: Vec<String>,
    /// The working directory paths are relative to.
    #[prost(string, tag = "7")]
    pub cwd: String,
    /// Follow files still being written.
    #[prost(bool, tag = "6")]
    pub live: bool,
    /// `base_url` and `api_key` (and other settings).
    #[prost(message, optional, tag = "2")]
    pub settings: Option<Settings>,
    /// Upload to this entity instead of the run's.
    #[prost(string, tag = "3")]
    pub new_entity: String,
    /// Upload to this project instead of the run's.
    #[prost(string, tag = "4")]
    pub new_project: String,
    /// Upload under this run id instead of the run's.
    #[prost(string, tag = "5")]
    pub new_run_id: String,
    /// Replace the job type.
    #[prost(string, tag = "8")]
    pub new_job_type: String,
    /// Tags to rename.
    #[prost(btree_map = "string, string", tag = "9")]
    pub tag_replacements: BTreeMap<String, String>,
}

/// `wandb_internal.ServerInitSyncResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerInitSyncResponse {
    /// The upload's id.
    #[prost(string, tag = "1")]
    pub id: String,
}

/// `wandb_internal.ServerSyncRequest`: run a prepared upload.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerSyncRequest {
    /// The upload's id.
    #[prost(string, tag = "1")]
    pub id: String,
    /// How many files to upload at once.
    #[prost(uint32, tag = "2")]
    pub parallelism: u32,
}

/// `wandb_internal.ServerSyncResponse`: the upload is over.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerSyncResponse {
    /// What happened (errors among them).
    #[prost(message, repeated, tag = "1")]
    pub messages: Vec<ServerSyncMessage>,
}

/// `wandb_internal.ServerSyncStatusRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerSyncStatusRequest {
    /// The upload's id.
    #[prost(string, tag = "1")]
    pub id: String,
}

/// `wandb_internal.ServerSyncStatusResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerSyncStatusResponse {
    /// What each stream is busy with.
    #[prost(message, repeated, tag = "1")]
    pub stats: Vec<crate::OperationStats>,
    /// Messages since the last status.
    #[prost(message, repeated, tag = "2")]
    pub new_messages: Vec<ServerSyncMessage>,
}

/// `wandb_internal.ServerSyncMessage`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerSyncMessage {
    /// How serious it is.
    #[prost(enumeration = "Severity", tag = "1")]
    pub severity: i32,
    /// The text.
    #[prost(string, tag = "2")]
    pub content: String,
}

/// `ServerSyncMessage.Severity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum Severity {
    /// Not set.
    Notset = 0,
    /// Information.
    Info = 20,
    /// A warning.
    Warning = 30,
    /// An error: the upload failed, at least in part.
    Error = 40,
}
