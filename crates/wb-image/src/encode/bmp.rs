//! BMP as Pillow writes it: `BITMAPINFOHEADER`, bottom-up rows padded to 4 bytes, 96 dpi;
//! L as 8-bit with a 256-gray palette, RGB as 24-bit BGR, RGBA as 32-bit BGRA.

use crate::pixels::{ImageMode, Pixels};
use wb_core::{Error, Result};

/// 96 dpi in pixels per metre, as Pillow rounds it.
const PPM_96_DPI: u32 = 3780;

/// Encodes `pixels` (L, RGB or RGBA) as a BMP file.
pub(crate) fn encode(pixels: &Pixels) -> Result<Vec<u8>> {
    let (bits, palette): (u16, u32) = match pixels.mode() {
        ImageMode::L => (8, 256),
        ImageMode::Rgb => (24, 0),
        ImageMode::Rgba => (32, 0),
        ImageMode::La => return Err(Error::value("cannot write mode LA as BMP")),
    };
    let (w, h) = (pixels.width() as usize, pixels.height() as usize);
    let channels = pixels.mode().channels();
    let stride = (w * channels + 3) & !3;
    let image_size = stride * h;
    let offset = 14 + 40 + palette as usize * 4;
    let file_size = offset + image_size;
    let too_big = || Error::value("image too large for BMP");
    let mut out = Vec::with_capacity(file_size);
    out.extend_from_slice(b"BM");
    out.extend_from_slice(
        &u32::try_from(file_size)
            .map_err(|_| too_big())?
            .to_le_bytes(),
    );
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(offset as u32).to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&pixels.width().to_le_bytes());
    out.extend_from_slice(&pixels.height().to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(
        &u32::try_from(image_size)
            .map_err(|_| too_big())?
            .to_le_bytes(),
    );
    out.extend_from_slice(&PPM_96_DPI.to_le_bytes());
    out.extend_from_slice(&PPM_96_DPI.to_le_bytes());
    out.extend_from_slice(&palette.to_le_bytes());
    out.extend_from_slice(&palette.to_le_bytes());
    for i in 0..palette {
        let g = i as u8;
        out.extend_from_slice(&[g, g, g, 0]);
    }
    let data = pixels.data();
    for row in data.chunks_exact(w * channels).rev() {
        match pixels.mode() {
            ImageMode::Rgb => row
                .chunks_exact(3)
                .for_each(|p| out.extend_from_slice(&[p[2], p[1], p[0]])),
            ImageMode::Rgba => row
                .chunks_exact(4)
                .for_each(|p| out.extend_from_slice(&[p[2], p[1], p[0], p[3]])),
            _ => out.extend_from_slice(row),
        }
        out.resize(out.len() + stride - w * channels, 0);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgb_bytes_match_pillow() {
        // Pillow 11.3 `Image.fromarray(a).save(buf, "bmp")` of a 3x2 RGB image.
        // Rows top to bottom, RGB; the file stores them bottom-up as BGR.
        let data = vec![
            0xd9, 0xa3, 0x82, 0x45, 0x4e, 0x0a, 0x13, 0x04, 0x2c, // top
            0x0c, 0x6c, 0xf2, 0x9e, 0x59, 0xfe, 0x9a, 0xf2, 0x04, // bottom
        ];
        let p = Pixels::from_raw(3, 2, ImageMode::Rgb, data).unwrap();
        let hex: String = encode(&p)
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "424d4e0000000000000036000000280000000300000002000000010018000000000018000000c40e0000c40e00000000000000000000f26c0cfe599e04f29a00000082a3d90a4e452c0413000000"
        );
    }
}
