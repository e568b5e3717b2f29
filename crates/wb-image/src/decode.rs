//! Reading image files: their size (what Pillow's `open` reports) and their pixels.

use crate::pixels::{ImageMode, Pixels};
use image::{DynamicImage, ImageReader};
use std::io::Cursor;
use wb_core::{Error, Result};

/// `(width, height)` of an encoded image (PNG, JPEG, BMP, GIF, WebP), read from its header.
pub(crate) fn dimensions(bytes: &[u8], what: &str) -> Result<(u32, u32)> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| unidentified(what, &e.to_string()))?
        .into_dimensions()
        .map_err(|e| unidentified(what, &e.to_string()))
}

/// Decodes an encoded image into 8-bit pixels (first frame of an animation; 16-bit and float
/// images are reduced to 8 bits).
pub(crate) fn pixels(bytes: &[u8], what: &str) -> Result<Pixels> {
    let img = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| unidentified(what, &e.to_string()))?
        .decode()
        .map_err(|e| unidentified(what, &e.to_string()))?;
    from_dynamic(&img)
}

/// An `image` crate buffer as pixels in the nearest 8-bit mode (L, LA, RGB, RGBA).
pub(crate) fn from_dynamic(img: &DynamicImage) -> Result<Pixels> {
    let (w, h) = (img.width(), img.height());
    match img {
        DynamicImage::ImageLuma8(b) => Pixels::from_raw(w, h, ImageMode::L, b.as_raw().clone()),
        DynamicImage::ImageLumaA8(b) => Pixels::from_raw(w, h, ImageMode::La, b.as_raw().clone()),
        DynamicImage::ImageRgb8(b) => Pixels::from_raw(w, h, ImageMode::Rgb, b.as_raw().clone()),
        DynamicImage::ImageRgba8(b) => Pixels::from_raw(w, h, ImageMode::Rgba, b.as_raw().clone()),
        DynamicImage::ImageLuma16(_) => {
            Pixels::from_raw(w, h, ImageMode::L, img.to_luma8().into_raw())
        }
        DynamicImage::ImageLumaA16(_) => {
            Pixels::from_raw(w, h, ImageMode::La, img.to_luma_alpha8().into_raw())
        }
        other if other.color().has_alpha() => {
            Pixels::from_raw(w, h, ImageMode::Rgba, img.to_rgba8().into_raw())
        }
        _ => Pixels::from_raw(w, h, ImageMode::Rgb, img.to_rgb8().into_raw()),
    }
}

fn unidentified(what: &str, why: &str) -> Error {
    Error::value(format!("cannot identify image file {what}: {why}"))
}
