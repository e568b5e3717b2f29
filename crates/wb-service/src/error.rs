//! The error type of wb-service.

use std::path::PathBuf;
use std::time::Duration;

/// The wandb-core version this crate speaks.
pub const CORE_VERSION: &str = wb_proto::WANDB_VERSION;

/// What went wrong finding, starting or talking to wandb-core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No wandb-core binary was found.
    #[error(
        "wandb-core {CORE_VERSION} was not found. Give its path in WB_CORE_PATH, or install the \
         Python package (`pip install wandb=={CORE_VERSION}`), or download it with \
         `wb core install`. Looked in: {}",
        looked_in.join(", ")
    )]
    NotFound {
        /// Where we looked, and what we found there that did not fit.
        looked_in: Vec<String>,
    },

    /// `WB_CORE_PATH` names something that is not a file.
    #[error(
        "WB_CORE_PATH is {path:?}, which is not a file; it must be the path of wandb-core {CORE_VERSION}"
    )]
    BadCorePath {
        /// The path given.
        path: PathBuf,
    },

    /// The binary is not the version this crate speaks.
    #[error(
        "{path:?} is wandb-core {found}, but only wandb-core {CORE_VERSION} is supported (its \
         protocol changes between versions); install wandb=={CORE_VERSION} or run `wb core install`"
    )]
    WrongVersion {
        /// The binary.
        path: PathBuf,
        /// The version it reports.
        found: String,
    },

    /// `wandb-core --help` did not say which version it is.
    #[error("could not read the version of {path:?} from `wandb-core --help`: {detail}")]
    VersionUnknown {
        /// The binary.
        path: PathBuf,
        /// What it printed, or why it could not be run.
        detail: String,
    },

    /// The binary could not be started.
    #[error("could not start {path:?}: {source}")]
    Spawn {
        /// The binary.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// wandb-core exited before it was ready.
    #[error(
        "wandb-core ({path:?}) exited while starting ({status}){}",
        stderr_tail(stderr)
    )]
    ExitedAtStart {
        /// The binary.
        path: PathBuf,
        /// How it exited.
        status: String,
        /// The end of what it wrote on standard error.
        stderr: String,
    },

    /// wandb-core did not say where to connect in time.
    #[error(
        "wandb-core ({path:?}) did not write its port file within {after:?}{}",
        stderr_tail(stderr)
    )]
    StartTimeout {
        /// The binary.
        path: PathBuf,
        /// How long we waited.
        after: Duration,
        /// The end of what it wrote on standard error.
        stderr: String,
    },

    /// The port file holds no connection method we know (`unix=PATH` or `sock=PORT`).
    #[error("wandb-core's port file holds no `unix=` or `sock=` line: {content:?}")]
    PortFile {
        /// The file's content.
        content: String,
    },

    /// Connecting to wandb-core's socket failed.
    #[error("could not connect to wandb-core at {address}: {source}")]
    Connect {
        /// The socket.
        address: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// wandb-core is gone: the connection closed, the process exited or was killed.
    #[error("wandb-core is no longer running: {reason}")]
    CoreDied {
        /// What was seen (connection closed, exit status).
        reason: String,
    },

    /// wandb-core did not answer in time.
    #[error("wandb-core did not answer {what} within {after:?}")]
    Timeout {
        /// The request.
        what: String,
        /// How long we waited.
        after: Duration,
    },

    /// wandb-core sent something that is not a framed `ServerResponse`.
    #[error("wandb-core sent a message we cannot read: {detail}")]
    Protocol {
        /// What was wrong.
        detail: String,
    },

    /// wandb-core answered with an error, or with an answer of the wrong kind.
    #[error("wandb-core refused {what}: {message}")]
    Refused {
        /// The request.
        what: String,
        /// Core's message.
        message: String,
    },

    /// A file or folder could not be read or written.
    #[error("{action} {path:?}: {source}")]
    Io {
        /// What we were doing.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// `wb core install` failed.
    #[cfg(feature = "install")]
    #[error("installing wandb-core {CORE_VERSION}: {0}")]
    Install(String),
}

fn stderr_tail(stderr: &str) -> String {
    let t = stderr.trim();
    if t.is_empty() {
        return String::new();
    }
    let start = t.char_indices().rev().nth(2000).map_or(0, |(i, _)| i);
    format!("; its standard error ends with:\n{}", &t[start..])
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
