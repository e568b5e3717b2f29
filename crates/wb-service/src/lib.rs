//! # wb-service
//!
//! Finds, starts and drives `wandb-core`, the uploader inside W&B's Python SDK (`wandb==0.31.0`),
//! over its service protocol, so a Rust program sends its run to W&B with W&B's own uploader
//! (retries, rate limits, `file_stream` offsets, multipart and artifact uploads are core's).
//!
//! ## Finding the binary
//! [`CoreBinary::find`] looks, in this order, at `WB_CORE_PATH`; an installed `wandb` Python
//! package (`site-packages/wandb/bin/wandb-core`, found without running Python: the
//! site-packages of `$VIRTUAL_ENV`, `$CONDA_PREFIX`, the pythons on `PATH`, `~/.local`, pyenv,
//! the system's); the per-user cache [`cache_dir`] that `wb core install` fills. None found is
//! [`Error::NotFound`], which names these three ways. A binary that is not 0.31.0 is
//! [`Error::WrongVersion`] when it starts.
//!
//! ## A run stream
//! ```no_run
//! use std::time::Duration;
//! use wb_proto::{Record, RecordType, RunExitRecord, RunRecord, Settings};
//! use wb_service::Client;
//!
//! let client = Client::start()?; // find, check the version, spawn, connect
//! let settings = Settings {
//!     base_url: Some("https://api.wandb.ai".into()),
//!     api_key: Some(std::env::var("WANDB_API_KEY")?),
//!     run_id: Some("abc123".into()),
//!     project: Some("demo".into()),
//!     // ... root_dir, sync_dir, sync_file, x_start_time, ... (see the crate docs)
//!     ..Default::default()
//! };
//! let stream = client.inform_init(settings, "abc123")?;
//! let run = Record {
//!     record_type: Some(RecordType::Run(RunRecord {
//!         run_id: "abc123".into(),
//!         project: "demo".into(),
//!         ..Default::default()
//!     })),
//!     ..Default::default()
//! };
//! // The server's answer: the run with its entity and name, or an error (a refused key).
//! let answer = stream.communicate(run, Duration::from_secs(60))?;
//! // ... publish(request.run_start), publish(partial_history) per step, files, ...
//! let exit = Record {
//!     record_type: Some(RecordType::Exit(RunExitRecord { exit_code: 0, ..Default::default() })),
//!     ..Default::default()
//! };
//! let done = stream.deliver(exit)?; // answered once every upload is done
//! done.wait(Duration::from_secs(600))?;
//! stream.finish()?;
//! client.teardown(0, Duration::from_secs(60))?;
//! # let _ = answer;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - [`Client::start`] / [`Client::builder`]: the binary, the start and request timeouts.
//! - [`Client::inform_init`] opens a [`RunStream`]; [`RunStream::publish`] queues a record and
//!   returns at once (a writer thread sends it: `log` never waits on the network);
//!   [`RunStream::deliver`] sends a record whose answer a [`Pending`] waits for, with a bound;
//!   [`RunStream::communicate`] is both; [`RunStream::finish`] is `inform_finish`.
//! - [`Client::teardown`] shuts core down (it first finishes the streams' uploads), bounded;
//!   dropping the last clone of a client tears it down too, and kills core after a grace period.
//! - Uploading `.wandb` files: [`Client::init_sync`], [`Client::sync`],
//!   [`Client::sync_status`] (what `wb sync` uses).
//!
//! ## The settings of an online run
//! What core 0.31.0 needs in [`wb_proto::Settings`] for a live run: `base_url`, `api_key`,
//! `run_id`, `project` (and `entity` if given), `mode = "online"`, `root_dir`, `wandb_dir`,
//! `sync_dir` (the run folder; files to upload live in `sync_dir/files`), `sync_file` (core
//! writes the run's `.wandb` transaction log there, as the SDK's online runs keep it),
//! `log_dir`, `log_internal`, `x_start_time` (seconds since the epoch). `x_disable_stats` and
//! `x_disable_meta` turn off system metrics and the metadata file. A refused key (401) comes
//! back at once as the `error` of the run record's `run_result`; for an unreachable server
//! core keeps retrying (even with `x_graphql_retry_max = 0`, no answer within 20 s here), so
//! bound that wait with [`RunStream::communicate`]'s timeout, as the SDK does with its
//! `init_timeout` (90 s).
//!
//! For `init_sync`, `base_url` and `api_key` are enough.
//!
//! Every wait is bounded. If this program dies without a teardown, core sees its parent
//! (`--pid`) gone and exits by itself (within a fraction of a second here). If core dies (killed, crashed), the reader thread sees the socket
//! close and every waiting and later call returns [`Error::CoreDied`] with core's exit status
//! and the end of its standard error: never a hang.
//!
//! ## Protocol
//! Each message on the socket is the byte `W`, a little-endian `u32` length, then a protobuf
//! ([`wb_proto::ServerRequest`] from us, [`wb_proto::ServerResponse`] from core); an answer
//! carries its request's `request_id`, which is also the record's `control.mailbox_slot`.
//! Core is started as `wandb-core --port-filename F --pid <ours> --no-observability`, in its own
//! process group, and writes `unix=PATH` (or `sock=PORT`) then `EOF` into `F`.
//!
//! ## Features
#![doc = document_features::document_features!()]
#![warn(missing_docs)]

mod client;
mod error;
#[cfg(feature = "install")]
mod install;
mod locate;
mod process;

pub use client::{Client, ClientBuilder, Pending, RunStream, SyncMode};
pub use error::{CORE_VERSION, Error, Result};
#[cfg(feature = "install")]
pub use install::{InstallOptions, Installed, install};
pub use locate::{CORE_PATH_ENV, CoreBinary, CoreSource, cache_dir, platform};
