//! Encoders: pixels → file bytes as Pillow's `Image.save` writes them for the SDK.
//!
//! - [`png`]: byte-identical to Pillow's PNG: its per-row filter choice and IDAT chunking,
//!   deflated by `wb_zlib`, which writes exactly what zlib 1.2.13 writes for Pillow's settings.
//! - [`bmp`]: byte-identical to Pillow's BMP writer.
//! - JPEG: `jpeg-encoder` (libjpeg's tables and quality scaling, 4:2:0) at Pillow's default
//!   quality 75.

pub(crate) mod bmp;
pub(crate) mod png;

use crate::format::ImageFormat;
use crate::pixels::{ImageMode, Pixels};
use wb_core::{Error, Result};

/// Pillow's default JPEG quality.
pub(crate) const JPEG_QUALITY: u8 = 75;

/// Encodes `pixels` as `file_type`, refusing what Pillow cannot write (alpha in JPEG, `LA`
/// in BMP) with Pillow's message.
pub(crate) fn encode(pixels: &Pixels, format: ImageFormat) -> Result<Vec<u8>> {
    match format {
        ImageFormat::Png => png::encode(pixels),
        ImageFormat::Bmp => bmp::encode(pixels),
        ImageFormat::Jpg | ImageFormat::Jpeg => jpeg(pixels),
        ImageFormat::Gif | ImageFormat::Webp => Err(Error::value(crate::format::FILE_TYPE_ERROR)),
    }
}

fn jpeg(pixels: &Pixels) -> Result<Vec<u8>> {
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
    let color = match pixels.mode() {
        ImageMode::L => ColorType::Luma,
        ImageMode::Rgb => ColorType::Rgb,
        m => {
            return Err(Error::value(format!(
                "cannot write mode {} as JPEG",
                m.as_str()
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
