//! Encoders: pixels → file bytes as Pillow's `Image.save` writes them for the SDK.
//!
//! - [`png`]: Pillow's per-row filter choice and IDAT chunking, deflated with zlib-rs.
//! - [`bmp`]: byte-identical to Pillow's BMP writer.
//! - JPEG: the `image` crate's baseline encoder at Pillow's default quality 75.

pub mod bmp;
pub mod png;

use crate::file_type::FileType;
use crate::pixels::{Mode, Pixels};
use wb_core::{Error, Result};

/// Pillow's default JPEG quality.
pub const JPEG_QUALITY: u8 = 75;

/// Encodes `pixels` as `file_type`, refusing what Pillow cannot write (alpha in JPEG, `LA`
/// in BMP) with Pillow's message.
pub fn encode(pixels: &Pixels, file_type: FileType) -> Result<Vec<u8>> {
    match file_type {
        FileType::Png => png::encode(pixels),
        FileType::Bmp => bmp::encode(pixels),
        FileType::Jpg | FileType::Jpeg => jpeg(pixels),
    }
}

fn jpeg(pixels: &Pixels) -> Result<Vec<u8>> {
    use image::ImageEncoder;
    let color = match pixels.mode() {
        Mode::L => image::ExtendedColorType::L8,
        Mode::Rgb => image::ExtendedColorType::Rgb8,
        m => {
            return Err(Error::value(format!(
                "cannot write mode {} as JPEG",
                m.name()
            )));
        }
    };
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .write_image(pixels.data(), pixels.width(), pixels.height(), color)
        .map_err(|e| Error::value(format!("encoding JPEG: {e}")))?;
    Ok(out)
}
