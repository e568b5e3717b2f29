//! One error for every crate, so `?` works across them.

/// An error from any part of wb-types: a data type (wb-core and the families) or a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Building, reading or writing a data type (crate `wb-core` and every family).
    #[error(transparent)]
    Core(#[from] wb_core::Error),
    /// Creating, logging to or reading a run (crate `wb-run`), including talking to
    /// wandb-core for an online run (`wb_run::Error::Service`).
    #[cfg(feature = "run")]
    #[error(transparent)]
    Run(#[from] wb_run::Error),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
