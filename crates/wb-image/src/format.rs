//! [`ImageFormat`]: the file formats of images.

use wb_core::{Error, Result};

/// An image file format.
///
/// Arrays and pixels are written as [`ImageFormat::Png`] (the default), `Jpg`, `Jpeg` or `Bmp`
/// (the SDK's `file_type`); the JSON `format` and the file extension are the name (`jpeg`
/// stays `jpeg`). [`Image::from_bytes`](crate::Image::from_bytes) also takes `Gif` and `Webp`
/// files, written as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ImageFormat {
    /// PNG (the default), byte-identical to Pillow's.
    #[default]
    Png,
    /// JPEG, extension `.jpg`.
    Jpg,
    /// JPEG, extension `.jpeg`.
    Jpeg,
    /// Windows bitmap, byte-identical to Pillow's.
    Bmp,
    /// GIF (read, never written from pixels).
    Gif,
    /// WebP (read, never written from pixels).
    Webp,
}

/// The SDK's error for a `file_type` it cannot write pixels as.
pub(crate) const FILE_TYPE_ERROR: &str = "file_type must be one of ['png', 'jpg', 'jpeg', 'bmp']";

impl ImageFormat {
    /// The name: the JSON `format` and the file extension (`png`, `jpg`, `jpeg`, `bmp`, `gif`,
    /// `webp`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpg => "jpg",
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Bmp => "bmp",
            ImageFormat::Gif => "gif",
            ImageFormat::Webp => "webp",
        }
    }

    /// Whether pixels can be written in this format (the SDK's `file_type`s).
    pub(crate) fn check_writable(self) -> Result<()> {
        match self {
            ImageFormat::Gif | ImageFormat::Webp => Err(Error::value(FILE_TYPE_ERROR)),
            _ => Ok(()),
        }
    }

    /// Whether this is JPEG (no alpha channel).
    pub(crate) fn is_jpeg(self) -> bool {
        matches!(self, ImageFormat::Jpg | ImageFormat::Jpeg)
    }
}

impl std::str::FromStr for ImageFormat {
    type Err = Error;
    /// Parses a name as [`ImageFormat::as_str`] writes it; anything else is the SDK's
    /// `file_type` error.
    fn from_str(name: &str) -> Result<Self> {
        match name {
            "png" => Ok(ImageFormat::Png),
            "jpg" => Ok(ImageFormat::Jpg),
            "jpeg" => Ok(ImageFormat::Jpeg),
            "bmp" => Ok(ImageFormat::Bmp),
            "gif" => Ok(ImageFormat::Gif),
            "webp" => Ok(ImageFormat::Webp),
            _ => Err(Error::value(FILE_TYPE_ERROR)),
        }
    }
}

impl std::fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
