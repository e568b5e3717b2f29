//! [`FileType`]: the formats `wandb.Image` writes arrays and buffers as.

use wb_core::{Error, Result};

/// What an image made from pixels is written as (`file_type`); the JSON `format` and the file
/// extension are this name (`jpeg` stays `jpeg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FileType {
    /// PNG (the default).
    #[default]
    Png,
    /// JPEG, extension `.jpg`.
    Jpg,
    /// JPEG, extension `.jpeg`.
    Jpeg,
    /// Windows bitmap.
    Bmp,
}

impl FileType {
    /// The SDK's accepted names, in its order.
    pub const ACCEPTED: [&'static str; 4] = ["png", "jpg", "jpeg", "bmp"];

    /// Parses a `file_type`; anything but `png`, `jpg`, `jpeg`, `bmp` is the SDK's error.
    pub fn parse(name: &str) -> Result<FileType> {
        match name {
            "png" => Ok(FileType::Png),
            "jpg" => Ok(FileType::Jpg),
            "jpeg" => Ok(FileType::Jpeg),
            "bmp" => Ok(FileType::Bmp),
            _ => Err(Error::value(
                "file_type must be one of ['png', 'jpg', 'jpeg', 'bmp']",
            )),
        }
    }

    /// The name (`format` in the JSON).
    pub fn name(self) -> &'static str {
        match self {
            FileType::Png => "png",
            FileType::Jpg => "jpg",
            FileType::Jpeg => "jpeg",
            FileType::Bmp => "bmp",
        }
    }

    /// Whether this is JPEG (no alpha channel).
    pub fn is_jpeg(self) -> bool {
        matches!(self, FileType::Jpg | FileType::Jpeg)
    }
}

impl std::str::FromStr for FileType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        FileType::parse(s)
    }
}

impl std::fmt::Display for FileType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
