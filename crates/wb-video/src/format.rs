//! [`VideoFormat`]: the containers `wandb.Video` accepts.

use std::fmt;
use std::str::FromStr;
use wb_core::Error;

/// The SDK's error for a format or extension it does not accept.
pub(crate) const ACCEPTED_FORMATS: &str = "wandb.Video accepts gif, mp4, webm, ogg formats";

/// A video container: the SDK's `Video.EXTS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VideoFormat {
    /// Animated GIF (encoded in pure Rust from arrays).
    #[default]
    Gif,
    /// MP4 (files and bytes; H.264 encoded from arrays).
    Mp4,
    /// WebM (files and bytes only).
    Webm,
    /// Ogg (files and bytes only).
    Ogg,
}

impl VideoFormat {
    /// Every format, in the SDK's order.
    pub const ALL: [VideoFormat; 4] = [Self::Gif, Self::Mp4, Self::Webm, Self::Ogg];

    /// The name (and extension without the dot): `"gif"`, `"mp4"`, `"webm"`, `"ogg"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gif => "gif",
            Self::Mp4 => "mp4",
            Self::Webm => "webm",
            Self::Ogg => "ogg",
        }
    }

    /// The extension with its dot (`".gif"`).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Gif => ".gif",
            Self::Mp4 => ".mp4",
            Self::Webm => ".webm",
            Self::Ogg => ".ogg",
        }
    }
}

impl fmt::Display for VideoFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VideoFormat {
    type Err = Error;
    /// Exactly `gif`, `mp4`, `webm` or `ogg` (lower case, as the SDK's `format` argument).
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| Error::value(ACCEPTED_FORMATS))
    }
}
