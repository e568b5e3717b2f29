//! # wb-proto
//!
//! The protobuf messages W&B's Python SDK and its uploader `wandb-core` exchange, written by
//! hand with the field numbers of `wandb==0.31.0` (no build script, no `protoc`):
//!
//! - the `.wandb` transaction log's [`Record`] and the records inside it;
//! - the [`Request`]s a run sends inside a record (`partial_history`, `run_start`,
//!   `poll_exit`, ...) and the [`RecordResult`] / [`Response`] core answers with;
//! - the service protocol's envelopes, [`ServerRequest`] and [`ServerResponse`]
//!   (`inform_init`, `record_publish`, `init_sync`, `sync`, `sync_status`, ...);
//! - the run [`Settings`] a client sets.
//!
//! Messages and kinds we do not model field by field are kept as their raw encoded bytes, so
//! decoding and encoding again loses nothing; fields we do not know are skipped by the decoder.
//! The field numbers are checked against the SDK's compiled descriptors by this crate's
//! differential test (`tests/python_differential.rs`).
//!
//! ```
//! use prost::Message;
//! use wb_proto::{HistoryItem, HistoryStep, PartialHistoryRequest, Record, RecordType, Request,
//!     RequestType};
//!
//! let row = PartialHistoryRequest {
//!     item: vec![HistoryItem { key: "loss".into(), value_json: "0.5".into(), ..Default::default() }],
//!     step: Some(HistoryStep { num: 3 }),
//!     ..Default::default()
//! };
//! let record = Record {
//!     record_type: Some(RecordType::Request(Request {
//!         request_type: Some(RequestType::PartialHistory(row)),
//!     })),
//!     ..Default::default()
//! };
//! let bytes = record.encode_to_vec();
//! assert_eq!(Record::decode(bytes.as_slice())?, record);
//! # Ok::<(), prost::DecodeError>(())
//! ```
#![warn(missing_docs)]

mod metric;
mod record;
mod request;
mod server;
mod settings;
mod system;

pub use metric::*;
pub use record::*;
pub use request::*;
pub use server::*;
pub use settings::*;
pub use system::*;

/// The wandb version whose field numbers these messages carry.
pub const WANDB_VERSION: &str = "0.31.0";
