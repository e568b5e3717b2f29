//! Encoders: pixels → file bytes as Pillow's `Image.save` writes them for the SDK.
//!
//! - [`png`]: byte-identical to Pillow's PNG: its per-row filter choice and IDAT chunking,
//!   deflated by `wb_zlib`, which writes exactly what zlib 1.2.13 writes for Pillow's settings.
//! - [`bmp`]: byte-identical to Pillow's BMP writer.
//! - JPEG: `jpeg-encoder` (libjpeg's tables and quality scaling, 4:2:0) at Pillow's default
//!   quality 75.

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
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
    let color = match pixels.mode() {
        Mode::L => ColorType::Luma,
        Mode::Rgb => ColorType::Rgb,
        m => {
            return Err(Error::value(format!(
                "cannot write mode {} as JPEG",
                m.name()
            )));
        }
    };
    let (w, h) = match (
        u16::try_from(pixels.width()),
        u16::try_from(pixels.height()),
    ) {
        (Ok(w), Ok(h)) => (w, h),
        _ => {
            return Err(Error::value(format!(
                "a {}x{} image is too large for JPEG (at most 65535x65535)",
                pixels.width(),
                pixels.height()
            )));
        }
    };
    let mut out = Vec::new();
    let mut enc = Encoder::new(&mut out, JPEG_QUALITY);
    // Pillow (libjpeg) subsamples chroma 2x2 by default.
    enc.set_sampling_factor(SamplingFactor::F_2_2);
    enc.encode(pixels.data(), w, h, color)
        .map_err(|e| Error::value(format!("encoding JPEG: {e}")))?;
    Ok(out)
}
