//! Frames to the 4:2:0 pictures H.264 codes: RGB (or gray) planes converted with the BT.601
//! matrix to limited-range ("TV", 16..=235 luma) YCbCr, as ffmpeg's default `rgb24` to
//! `yuv420p` conversion does for the SDK, chroma averaged over each 2×2 block, and the picture
//! padded by repeating its last column and row: to even sides (4:2:0 needs them), and to at
//! least 16 pixels a side (OpenH264's smallest picture; the SPS then crops back, see
//! [`super::sps`]).

use crate::prepare::Frames;

/// `round(x * 65536)` of the BT.601 limited-range coefficients (luma scaled by 219/255,
/// chroma by 224/255); each chroma row sums to 0, so gray stays exactly neutral.
const Y_COEF: [i32; 3] = [16_829, 33_039, 6_416];
const CB_COEF: [i32; 3] = [-9_714, -19_070, 28_784];
const CR_COEF: [i32; 3] = [28_784, -24_103, -4_681];

/// One picture in I420 layout: the `Y` plane (`width × height`), then `U` and `V`
/// (`width/2 × height/2` each). Both sides are even.
#[derive(Debug, Clone)]
pub struct I420 {
    /// Width in pixels (even).
    pub width: usize,
    /// Height in pixels (even).
    pub height: usize,
    /// Luma, row by row.
    pub y: Vec<u8>,
    /// Blue-difference chroma, one sample per 2×2 block.
    pub u: Vec<u8>,
    /// Red-difference chroma, one sample per 2×2 block.
    pub v: Vec<u8>,
}

/// The size a `width × height` frame is shown at: each side rounded up to even.
pub fn display_size(width: usize, height: usize) -> (usize, usize) {
    (width + width % 2, height + height % 2)
}

/// The size of the picture given to the encoder: the display size, at least 16 a side.
pub fn picture_size(width: usize, height: usize) -> (usize, usize) {
    let (w, h) = display_size(width, height);
    (w.max(16), h.max(16))
}

#[inline]
fn luma(r: i32, g: i32, b: i32) -> u8 {
    // 16 + the weighted sum, rounded; at most 16 + 219.
    ((Y_COEF[0] * r + Y_COEF[1] * g + Y_COEF[2] * b + (16 << 16) + (1 << 15)) >> 16) as u8
}

#[inline]
fn chroma(coef: &[i32; 3], r4: i32, g4: i32, b4: i32) -> u8 {
    // The inputs are sums of four pixels: 128 + the weighted mean, rounded (16..=240).
    ((coef[0] * r4 + coef[1] * g4 + coef[2] * b4 + (128 << 18) + (1 << 17)) >> 18) as u8
}

/// Frame `i` as an I420 picture: channels 0, 1, 2 as R, G, B (one or two channels: the first
/// as gray), padded to [`picture_size`].
pub fn frame_to_i420(frames: &Frames<'_>, i: usize) -> I420 {
    let (w, h) = (frames.width, frames.height);
    let (pw, ph) = picture_size(w, h);
    let (r, g, b) = if frames.channels >= 3 {
        (
            frames.plane_at(i, 0),
            frames.plane_at(i, 1),
            frames.plane_at(i, 2),
        )
    } else {
        let p = frames.plane_at(i, 0);
        (p, p, p)
    };
    // The source pixel of padded position (x, y): the last column and row repeat.
    let at = |x: usize, y: usize| y.min(h - 1) * w + x.min(w - 1);
    let mut luma_plane = vec![0u8; pw * ph];
    for y in 0..ph {
        let row = &mut luma_plane[y * pw..(y + 1) * pw];
        let src = y.min(h - 1) * w;
        for (x, out) in row.iter_mut().enumerate().take(w) {
            let p = src + x;
            *out = luma(i32::from(r[p]), i32::from(g[p]), i32::from(b[p]));
        }
        let last = row[w - 1];
        row[w..].fill(last);
    }
    let (cw, ch) = (pw / 2, ph / 2);
    let mut u = vec![0u8; cw * ch];
    let mut v = vec![0u8; cw * ch];
    for cy in 0..ch {
        for cx in 0..cw {
            let (mut r4, mut g4, mut b4) = (0i32, 0i32, 0i32);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let p = at(2 * cx + dx, 2 * cy + dy);
                r4 += i32::from(r[p]);
                g4 += i32::from(g[p]);
                b4 += i32::from(b[p]);
            }
            u[cy * cw + cx] = chroma(&CB_COEF, r4, g4, b4);
            v[cy * cw + cx] = chroma(&CR_COEF, r4, g4, b4);
        }
    }
    I420 {
        width: pw,
        height: ph,
        y: luma_plane,
        u,
        v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The BT.601 limited-range formulas in floating point (ITU-R BT.601, as ffmpeg applies
    /// them to 8-bit RGB).
    fn reference(r: f64, g: f64, b: f64) -> (f64, f64, f64) {
        let y = 16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0;
        let cb = 128.0 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255.0;
        let cr = 128.0 + (112.0 * r - 93.786 * g - 18.214 * b) / 255.0;
        (y, cb, cr)
    }

    #[test]
    fn coefficients_follow_bt601_limited_range() {
        for (r, g, b) in [
            (0, 0, 0),
            (255, 255, 255),
            (255, 0, 0),
            (0, 255, 0),
            (0, 0, 255),
            (12, 200, 99),
        ] {
            let (y, cb, cr) = reference(f64::from(r), f64::from(g), f64::from(b));
            let got = luma(r, g, b);
            assert!(
                (f64::from(got) - y).abs() <= 0.5 + 1e-3,
                "Y of {r},{g},{b}: {got} vs {y}"
            );
            let got = chroma(&CB_COEF, 4 * r, 4 * g, 4 * b);
            assert!(
                (f64::from(got) - cb).abs() <= 0.5 + 1e-3,
                "Cb of {r},{g},{b}: {got} vs {cb}"
            );
            let got = chroma(&CR_COEF, 4 * r, 4 * g, 4 * b);
            assert!(
                (f64::from(got) - cr).abs() <= 0.5 + 1e-3,
                "Cr of {r},{g},{b}: {got} vs {cr}"
            );
        }
        assert_eq!((luma(0, 0, 0), luma(255, 255, 255)), (16, 235));
        for v in 0..=255 {
            assert_eq!(chroma(&CB_COEF, 4 * v, 4 * v, 4 * v), 128);
            assert_eq!(chroma(&CR_COEF, 4 * v, 4 * v, 4 * v), 128);
        }
    }

    #[test]
    fn padding_repeats_the_last_column_and_row() {
        assert_eq!(display_size(17, 33), (18, 34));
        assert_eq!(picture_size(17, 33), (18, 34));
        assert_eq!(picture_size(3, 40), (16, 40));
        // One frame, RGB, 3x17: padded to 16x18.
        let (h, w) = (17, 3);
        let data: Vec<u8> = (0..3 * h * w).map(|i| (i * 9) as u8).collect();
        let f = Frames::from_planar(1, 3, h, w, data).unwrap_or_else(|e| panic!("{e}"));
        let p = frame_to_i420(&f, 0);
        assert_eq!(
            (p.width, p.height, p.y.len(), p.u.len()),
            (16, 18, 16 * 18, 8 * 9)
        );
        for y in 0..18 {
            let row = &p.y[y * 16..(y + 1) * 16];
            assert!(row[2..].iter().all(|&v| v == row[2]), "row {y}");
        }
        assert_eq!(p.y[17 * 16..], p.y[16 * 16..17 * 16]);
        // The chroma block at (2..4, 16..18) is pixel (2, 16) four times.
        let px = |c: usize| i32::from(f.plane_at(0, c)[16 * w + 2]);
        assert_eq!(
            p.u[8 * 8 + 1],
            chroma(&CB_COEF, 4 * px(0), 4 * px(1), 4 * px(2))
        );
    }

    #[test]
    fn gray_has_neutral_chroma() {
        let f = Frames::from_planar(1, 1, 2, 2, vec![0u8, 85, 170, 255])
            .unwrap_or_else(|e| panic!("{e}"));
        let p = frame_to_i420(&f, 0);
        assert_eq!(p.y[..2], [16, 89]);
        assert_eq!(p.y[16..18], [162, 235]);
        assert!(p.u.iter().chain(&p.v).all(|&c| c == 128));
    }
}
