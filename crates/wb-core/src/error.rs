//! The one error type of wb-core; family crates wrap or reuse it.

use std::path::PathBuf;

/// Everything that can go wrong building, binding or serializing a value.
///
/// Messages say what was wrong and what is allowed; where the Python SDK raises for the same
/// input, the message uses the SDK's words so users can search for them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value the caller passed is not acceptable (the SDK's `ValueError`).
    #[error("{0}")]
    Value(String),
    /// A value of the wrong type (the SDK's `TypeError`).
    #[error("{0}")]
    Type(String),
    /// An I/O error, with the path it concerns.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done (`"writing"`, `"reading"`, `"copying to"`).
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// JSON that could not be parsed.
    #[error(transparent)]
    Json(#[from] crate::json::ParseError),
    /// A serialized value that does not have the shape its `_type` requires.
    #[error("cannot read {type_name} from JSON: {reason}")]
    Decode {
        /// The `_type` being decoded.
        type_name: String,
        /// What was missing or malformed.
        reason: String,
    },
    /// The key a value is logged under cannot be used as a file name.
    #[error("invalid key {key:?}: {reason}")]
    InvalidKey {
        /// The key.
        key: String,
        /// Why.
        reason: String,
    },
    /// The operation is not supported for this value or target (for example, a run-only type
    /// added to an artifact).
    #[error("{0}")]
    Unsupported(String),
}

impl Error {
    /// A `ValueError`-style error.
    pub fn value(msg: impl Into<String>) -> Self {
        Error::Value(msg.into())
    }

    /// A `TypeError`-style error.
    pub fn type_error(msg: impl Into<String>) -> Self {
        Error::Type(msg.into())
    }

    /// An I/O error about `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// A decoding error for `type_name`.
    pub fn decode(type_name: &str, reason: impl Into<String>) -> Self {
        Error::Decode {
            type_name: type_name.to_owned(),
            reason: reason.into(),
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
