//! A recording fake W&B server for tests that drive the real uploader, `wandb-core` 0.31.0.
//!
//! [`Backend::start`] binds `127.0.0.1:0` and serves HTTP/1.1 on background threads (keep-alive,
//! `Content-Length` and chunked bodies, gzip-compressed bodies) until dropped. Give the client
//! [`Backend::base_url`] as its base URL (`WANDB_BASE_URL`). Any key is accepted unless
//! [`BackendBuilder::with_api_key`] names one. wandb-core itself sends any non-empty key as
//! HTTP Basic `api:<key>`; the check that a key has 40 or more word characters (after an
//! optional `prefix-`) is the Python SDK's, before it starts a run or `wandb sync`. A 401
//! fails the run at `wandb.init`, and the message of the answer's `errors[0]` reaches the user.
//!
//! ```
//! use wb_fake_backend::{Backend, Completion, Fault};
//!
//! let backend = Backend::start()?;
//! // The first two file_stream posts fail with 429; the client must retry.
//! backend.inject(Fault::new(429, 2).with_path_prefix("/files/").with_retry_after(1));
//! let base_url = backend.base_url(); // WANDB_BASE_URL for the client under test
//! # let _ = base_url;
//! // ... run the client, then look at what arrived:
//! for run in backend.runs() {
//!     assert!(run.missing_history_lines().is_empty());
//!     if let Completion::Complete { exit_code } = run.completion() {
//!         eprintln!("{}: {} rows, exit {exit_code}", run.name(), run.history()?.len());
//!     }
//! }
//! # Ok::<(), wb_fake_backend::Error>(())
//! ```
//!
//! # What it answers
//! - `POST /graphql`, by operation name: `UpsertBucket` (a bucket with id, name, display name,
//!   project and entity; the entity is the builder's when the client names none),
//!   `ServerFeaturesQuery` (the builder's features, none by default), `Viewer`, `ServerInfo`,
//!   `RunResumeStatus` (the run as held, or no bucket), `CreateRunFiles` (one upload URL per
//!   file, back on this server), `CreateArtifact` (pending; a committed artifact of the same
//!   collection and digest is answered as committed, as the server deduplicates),
//!   `CreateArtifactManifest`, `UpdateArtifactManifest`, `CreateArtifactFiles`,
//!   `CommitArtifact`, `UseArtifact`, and the SDK's own `ArtifactType` (asked before a table
//!   is logged). Any other operation gets `{"data": null}` (wandb-core 0.31.0 tolerates it for
//!   `OrganizationCoreWeaveOrganizationID`, which it asks at start) and is listed by
//!   [`Backend::unknown_operations`].
//! - `POST /files/{entity}/{project}/{run}/file_stream`: 200 with a JSON object. Bodies are
//!   gzipped only when the server reports `FILESTREAM_GZIP` and the client's
//!   `x_file_stream_no_gzip` setting is off (it is on by default in 0.31.0).
//! - `POST /sdk/otel/...` (the SDK's telemetry export): 200, dropped.
//! - `PUT /upload/...` (the upload URLs it hands out): 200, the bytes are kept; `GET` reads
//!   them back.
//! - Anything else: 404.
//!
//! # What it records
//! - Every request ([`Backend::requests`]): method, path, headers, decoded body, GraphQL
//!   operation and variables, the status answered and whether it was an injected fault.
//! - Per run ([`Backend::run`], [`RunRecord`]): the upserted fields (config, display name, tags,
//!   notes, group, job type, every upsert's variables), history lines placed by file-stream
//!   offset (resends are idempotent, gaps are reported), the last summary, system-metrics
//!   lines, console lines, completion and exit code, the `uploaded` list, the files asked for
//!   and the bytes uploaded for each.
//! - Per artifact ([`Backend::artifact`], [`ArtifactRecord`]): the `CreateArtifact` input, the
//!   manifest as uploaded, the file specs and the bytes of each file, pending or committed.
//!
//! A request answered by a fault changes nothing but the request log.
//!
//! # Faults
//! [`Backend::inject`] makes the next N matching requests (all, a path prefix, or one GraphQL
//! operation) answer a status, with `Retry-After` if asked, or close their connection
//! without an answer ([`Fault::disconnect`]); [`Backend::set_api_key`] makes
//! every other key get 401; [`Backend::stop_listening`] and [`Backend::resume_listening`]
//! take the server down and bring it back on the same port.
//!
//! # Finding the reference tools
//! [`locate_wandb_core`] and [`locate_sdk_python`] find the binary and the interpreter that
//! tests run (`WB_CORE_PATH`, `WB_PYTHON`, then `target/conformance-venv`).

mod fault;
mod http;
mod locate;
mod record;
mod server;
mod service;

pub use fault::{Fault, FaultTarget};
pub use locate::{locate_sdk_python, locate_wandb_core};
pub use record::{ArtifactRecord, ArtifactState, Completion, RecordedRequest, RunRecord};
pub use server::{Backend, BackendBuilder};

use std::path::PathBuf;

/// The result of the backend's fallible operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong with the backend.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be bound.
    #[error("could not listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// Recorded data that should be JSON is not.
    #[error("{what} is not JSON ({reason}): {text:?}")]
    BadJson {
        /// Which data.
        what: &'static str,
        /// The parser's message.
        reason: String,
        /// The start of the text.
        text: String,
    },
    /// A reference tool was not found.
    #[error("{what} was not found (tried {tried:?}); {hint}")]
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// Every path tried.
        tried: Vec<PathBuf>,
        /// How to provide it.
        hint: &'static str,
    },
}
