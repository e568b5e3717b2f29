//! The error type of wb-run.

use std::path::PathBuf;

pub use crate::framing::ReadError;

/// Everything that can go wrong creating, logging to, finishing or reading a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from a value being logged (binding its file, serializing it).
    #[error(transparent)]
    Core(#[from] wb_core::Error),
    /// An I/O error, with the path it concerns.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done (`"creating"`, `"writing"`, ...).
        action: &'static str,
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A run setting the SDK would refuse (run id, project name).
    #[error("{0}")]
    InvalidSetting(String),
    /// An online run with no API key for its server.
    #[error(
        "no API key for {base_url}: set WANDB_API_KEY, run `wb login` (or `wandb login`) to store one in ~/.netrc, or pass RunBuilder::with_api_key; or choose Mode::Offline"
    )]
    NoApiKey {
        /// The server the run was for.
        base_url: String,
    },
    /// wandb-core could not be found, started or driven.
    #[error(transparent)]
    Service(#[from] wb_service::Error),
    /// The server did not answer the new run in time (unreachable, or retrying errors).
    #[error(
        "the W&B server at {base_url} did not accept the run within {after:?}: check that it is reachable (WANDB_BASE_URL), or choose Mode::Offline and upload later with `wb sync`"
    )]
    InitTimeout {
        /// The server.
        base_url: String,
        /// How long the run waited.
        after: std::time::Duration,
    },
    /// The server refused the run (a wrong API key, a project the key may not write to).
    #[error("the W&B server at {base_url} refused the run: {message}")]
    RunRefused {
        /// The server.
        base_url: String,
        /// The server's reason, as wandb-core reported it.
        message: String,
    },
    /// The server refused to resume the run as asked: `Resume::Must` for a run it does not
    /// have, `Resume::Never` for one it has (wandb-core's message says which).
    #[error("run {run_id} cannot be started with this resume mode: {message}")]
    Resume {
        /// The run's id.
        run_id: String,
        /// wandb-core's message.
        message: String,
    },
    /// The run was finished; nothing more can be logged to it.
    #[error("run {run_id} is finished; create a new Run to log more")]
    Finished {
        /// The run's id.
        run_id: String,
    },
    /// An online run that was finished, and is complete in its folder, but whose upload did
    /// not complete: wandb-core stopped, the server refused the data (a revoked key), or the
    /// server did not take it within the finish timeout. `wb sync <run_dir>` uploads it.
    #[error(
        "run {run_id} is complete in {} but its upload did not complete: {reason}; `wb sync {}` uploads it",
        run_dir.display(),
        run_dir.display()
    )]
    UploadIncomplete {
        /// The run's id.
        run_id: String,
        /// The run folder, whose log holds every record.
        run_dir: PathBuf,
        /// What happened, as wandb-core reported it.
        reason: String,
    },
    /// A `define_metric` call the SDK refuses (an empty name, a `*` before the end of the
    /// name, an unknown summary).
    #[error("{0}")]
    InvalidMetric(String),
    /// An artifact alias the SDK refuses: one with `/` or `:` ([`crate::LogArtifactOptions`]).
    #[error("Aliases must not contain any of the following characters: '/', ':'.  Got: '{alias}'")]
    InvalidAlias {
        /// The alias given.
        alias: String,
    },
    /// An artifact tag the SDK refuses ([`crate::LogArtifactOptions`]).
    #[error(
        "Invalid tag(s).  Tags must only contain alphanumeric characters separated by hyphens, underscores, and/or spaces.  Got: '{tag}'"
    )]
    InvalidTag {
        /// The tag given.
        tag: String,
    },
    /// A row logged with a step below the run's current step (wandb-core ignores such rows
    /// with a warning; this library refuses them before writing anything).
    #[error(
        "Tried to log to step {step} that is less than the current step {current}. Steps must be monotonically increasing, so this data was not logged. See https://wandb.me/define-metric to log data out of order."
    )]
    StepDecreased {
        /// The step asked for.
        step: u64,
        /// The run's current step.
        current: u64,
    },
    /// A `.wandb` log that could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A path that is neither a `.wandb` file nor a folder holding one.
    #[error("no .wandb file found at {}: pass a run-<id>.wandb file or a run folder that holds one", path.display())]
    NoLogFile {
        /// The path given.
        path: PathBuf,
    },
}

impl Error {
    /// An I/O error about `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
