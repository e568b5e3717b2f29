//! [`Frames`] from the user's array, as the SDK's `_prepare_video` makes them: every element
//! cast to `uint8` as numpy's `astype(np.uint8)` casts it, and a batch of clips tiled into one
//! grid.

use ndarray::{ArrayView, Dimension};
use std::borrow::Cow;
use wb_core::{Error, Result};

/// The SDK's error for arrays of fewer than 4 dimensions.
const TOO_FEW_DIMS: &str = "Video must be at least 4 dimensions: time, channels, height, width";

/// An element type a video array can hold. Each is cast to `u8` exactly as numpy's
/// `astype(np.uint8)` casts it on x86-64 (no scaling, as the SDK does):
/// - integers wrap modulo 256 (`-1` → 255, `256` → 0, `300` → 44);
/// - floats are truncated towards zero to a 32-bit integer that then wraps (`254.9` → 254,
///   `-1.5` → 255); NaN, infinities and values outside the 32-bit range give 0;
/// - `bool` gives 0 or 1.
pub trait VideoElement: Copy + Send + Sync + 'static {
    /// The value numpy's `astype(np.uint8)` gives.
    fn to_u8(self) -> u8;
    /// The slice itself when the type is `u8` already (so it is used without a copy).
    fn as_bytes(s: &[Self]) -> Option<&[u8]> {
        let _ = s;
        None
    }
}

impl VideoElement for u8 {
    fn to_u8(self) -> u8 {
        self
    }
    fn as_bytes(s: &[Self]) -> Option<&[u8]> {
        Some(s)
    }
}

macro_rules! wrapping_int {
    ($($t:ty),*) => {$(
        impl VideoElement for $t {
            fn to_u8(self) -> u8 {
                self as u8
            }
        }
    )*};
}
wrapping_int!(i8, u16, i16, u32, i32, u64, i64, usize, isize);

impl VideoElement for bool {
    fn to_u8(self) -> u8 {
        u8::from(self)
    }
}

impl VideoElement for f64 {
    fn to_u8(self) -> u8 {
        let t = self.trunc();
        if (-2_147_483_648.0..=2_147_483_647.0).contains(&t) {
            (t as i32) as u8
        } else {
            0
        }
    }
}

impl VideoElement for f32 {
    fn to_u8(self) -> u8 {
        f64::from(self).to_u8()
    }
}

/// Frames ready to encode: `t` frames of `height × width` pixels with `channels` channels,
/// stored planar, `[t][channel][y][x]`; made from an array ([`Frames::from_array`], what
/// [`Video::from_array`](crate::Video::from_array) does) or from planar bytes
/// ([`Frames::from_planar`]), and encoded by [`Video::from_frames`](crate::Video::from_frames).
///
/// ```
/// use ndarray::Array5;
/// use wb_video::Frames;
/// // 3 clips of 2 frames, RGB, 4x4: tiled into a 1x4 grid, as the SDK tiles them.
/// let clips = Array5::<f32>::from_elem((3, 2, 3, 4, 4), 300.0);
/// let frames = Frames::from_array(clips.view())?;
/// assert_eq!((frames.frame_count(), frames.height(), frames.width()), (2, 4, 16));
/// assert_eq!(frames.plane(0, 0).map(|p| p[0]), Some(44)); // 300 cast to u8 as numpy casts it
/// # Ok::<(), wb_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Frames<'a> {
    pub(crate) t: usize,
    pub(crate) channels: usize,
    pub(crate) height: usize,
    pub(crate) width: usize,
    data: Cow<'a, [u8]>,
}

impl<'a> Frames<'a> {
    /// Checks the shape and builds the frames: `(T, C, H, W)`, or `(B, T, C, H, W)` tiled into
    /// a grid as the SDK tiles a batch (padded with black clips up to a power of two). Every
    /// element is cast to `u8` as numpy casts it ([`VideoElement`]). Borrows the array when it
    /// already is one contiguous `u8` clip.
    pub fn from_array<T: VideoElement, D: Dimension>(data: ArrayView<'a, T, D>) -> Result<Self> {
        prepare(&data)
    }

    /// Frames from planar `[t][channel][y][x]` data.
    pub fn from_planar(
        t: usize,
        channels: usize,
        height: usize,
        width: usize,
        data: impl Into<Cow<'a, [u8]>>,
    ) -> Result<Self> {
        let data = data.into();
        if t.checked_mul(channels)
            .and_then(|n| n.checked_mul(height))
            .and_then(|n| n.checked_mul(width))
            != Some(data.len())
        {
            return Err(Error::value(format!(
                "{} bytes are not {t} frames of {channels} channels of {height}x{width} pixels",
                data.len()
            )));
        }
        Ok(Frames {
            t,
            channels,
            height,
            width,
            data,
        })
    }

    /// The number of frames.
    pub fn frame_count(&self) -> usize {
        self.t
    }

    /// Channels per pixel.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Height in pixels (of the whole grid for a batch).
    pub fn height(&self) -> usize {
        self.height
    }

    /// Width in pixels (of the whole grid for a batch).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Channel `c` of frame `i`, `height * width` bytes, row by row; `None` when there is no
    /// such frame or channel.
    pub fn plane(&self, i: usize, c: usize) -> Option<&[u8]> {
        (i < self.t && c < self.channels).then(|| self.plane_at(i, c))
    }

    /// [`Frames::plane`] for indices the encoders know to be in range.
    pub(crate) fn plane_at(&self, i: usize, c: usize) -> &[u8] {
        let n = self.height * self.width;
        let at = (i * self.channels + c) * n;
        &self.data[at..at + n]
    }
}

/// The grid a batch of `b` clips is tiled into, as the SDK computes it: `b` padded with black
/// clips up to a power of two, `rows = 2^((bitlen(b) - 1) / 2)` (from the original `b`),
/// `cols = padded / rows`.
pub(crate) fn grid(b: usize) -> (usize, usize) {
    let bitlen = usize::BITS - b.leading_zeros();
    let padded = if b.is_power_of_two() {
        b
    } else {
        1usize << bitlen
    };
    let rows = 1usize << ((bitlen.saturating_sub(1)) / 2);
    (rows, padded / rows)
}

/// [`Frames::from_array`].
fn prepare<'a, T: VideoElement, D: Dimension>(data: &ArrayView<'a, T, D>) -> Result<Frames<'a>> {
    let shape = data.shape();
    let (b, t, c, h, w) = match *shape {
        [t, c, h, w] => (1, t, c, h, w),
        [b, t, c, h, w] => (b, t, c, h, w),
        _ if shape.len() < 4 => return Err(Error::value(TOO_FEW_DIMS)),
        _ => {
            return Err(Error::value(format!(
                "Video must be 4 dimensions (time, channels, height, width) or 5 (batch, time, channels, height, width), got shape {shape:?}"
            )));
        }
    };
    if b == 0 || t == 0 || c == 0 || h == 0 || w == 0 {
        return Err(Error::value(format!(
            "Video must have at least one clip, frame, channel and pixel, got shape {shape:?}"
        )));
    }
    // Refuse what cannot be encoded or held before copying anything (a broadcast view of any
    // shape costs its caller nothing): GIF frames are at most 65535 pixels a side, and the
    // frames must fit in memory.
    let (rows, cols) = grid(b);
    let (gh, gw) = (rows.saturating_mul(h), cols.saturating_mul(w));
    let total = [b, t, c, h, w]
        .iter()
        .try_fold(1usize, |n, d| n.checked_mul(*d))
        .and_then(|n| {
            t.checked_mul(c)?
                .checked_mul(gh)?
                .checked_mul(gw)
                .map(|g| n.max(g))
        });
    let too_large = |why: &str| {
        Error::value(format!(
            "Video of shape {shape:?} is too large: {why} (frames are {gw}x{gh} pixels)"
        ))
    };
    if gh > 65_535 || gw > 65_535 {
        return Err(too_large("GIF frames are at most 65535 pixels a side"));
    }
    // Pillow's decompression-bomb limit, as for images (`wb_image::pixels::MAX_PIXELS`).
    if gh as u128 * gw as u128 > 178_956_970 {
        return Err(too_large("frames may have at most 178956970 pixels"));
    }
    let Some(total) = total else {
        return Err(too_large("its size overflows"));
    };
    if b > 1 || data.to_slice().is_none() {
        // The copy below: fail cleanly when it cannot be allocated.
        Vec::<u8>::new()
            .try_reserve_exact(total)
            .map_err(|_| too_large(&format!("{total} bytes cannot be allocated")))?;
    }
    if b == 1 {
        if let Some(bytes) = data.to_slice().and_then(T::as_bytes) {
            return Frames::from_planar(t, c, h, w, Cow::Borrowed(bytes));
        }
        let flat: Vec<u8> = data.iter().map(|v| v.to_u8()).collect();
        return Frames::from_planar(t, c, h, w, flat);
    }
    let flat: Vec<u8> = data.iter().map(|v| v.to_u8()).collect();
    let mut out = vec![0u8; t * c * gh * gw];
    let clip_len = t * c * h * w;
    for (clip, src) in flat.chunks_exact(clip_len).enumerate() {
        let (row, col) = (clip / cols, clip % cols);
        for ti in 0..t {
            for ci in 0..c {
                let plane_src = &src[(ti * c + ci) * h * w..][..h * w];
                let plane_dst = &mut out[(ti * c + ci) * gh * gw..][..gh * gw];
                for y in 0..h {
                    let dst_at = (row * h + y) * gw + col * w;
                    plane_dst[dst_at..dst_at + w].copy_from_slice(&plane_src[y * w..][..w]);
                }
            }
        }
    }
    Frames::from_planar(t, c, gh, gw, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array, Array4, Array5, IxDyn};

    #[test]
    fn grids_match_the_sdk() {
        // (B, rows, cols) from the SDK's formula, checked by running it for these B.
        for (b, rows, cols) in [
            (1, 1, 1),
            (2, 1, 2),
            (3, 1, 4),
            (4, 2, 2),
            (5, 2, 4),
            (7, 2, 4),
            (8, 2, 4),
            (9, 2, 8),
            (16, 4, 4),
        ] {
            assert_eq!(grid(b), (rows, cols), "B={b}");
        }
    }

    #[test]
    fn casts_like_numpy() {
        // numpy 2.4 on x86-64: np.array([...]).astype(np.uint8)
        let f: &[(f64, u8)] = &[
            (-1.0, 255),
            (-0.5, 0),
            (-1.5, 255),
            (1.5, 1),
            (254.9, 254),
            (255.5, 255),
            (256.0, 0),
            (300.7, 44),
            (-300.7, 212),
            (-129.0, 127),
            (3e9, 0),
            (f64::NAN, 0),
            (f64::INFINITY, 0),
            (70000.3, 112),
            (2_147_483_647.0, 255),
            (2_147_483_648.0, 0),
        ];
        for &(x, want) in f {
            assert_eq!(x.to_u8(), want, "{x}");
        }
        assert_eq!(2_147_483_647.0f32.to_u8(), 0);
        assert_eq!((-1i64).to_u8(), 255);
        assert_eq!(70000i64.to_u8(), 112);
        assert_eq!(((1i64 << 40) + 3).to_u8(), 3);
        assert_eq!(true.to_u8(), 1);
    }

    #[test]
    fn batch_is_tiled_row_major() {
        // 3 clips of 1 frame, 1 channel, 1x2 pixels: a 1x4 grid, the 4th clip black.
        let a =
            Array5::from_shape_vec((3, 1, 1, 1, 2), vec![1u8, 2, 3, 4, 5, 6]).unwrap_or_default();
        let f = prepare(&a.view()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((f.height, f.width), (1, 8));
        assert_eq!(f.plane_at(0, 0), &[1, 2, 3, 4, 5, 6, 0, 0]);
        // 5 clips: 2 rows of 4.
        let a = Array::from_shape_vec(IxDyn(&[5, 1, 1, 1, 1]), vec![1i64, 2, 3, 4, 5])
            .unwrap_or_else(|e| panic!("{e}"));
        let f = prepare(&a.view()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((f.height, f.width), (2, 4));
        assert_eq!(f.plane_at(0, 0), &[1, 2, 3, 4, 5, 0, 0, 0]);
    }

    #[test]
    fn contiguous_u8_is_borrowed() {
        let a = Array4::<u8>::zeros((2, 3, 4, 5));
        let f = prepare(&a.view()).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(f.data, Cow::Borrowed(_)));
        assert!(prepare(&ndarray::Array3::<u8>::zeros((2, 3, 4)).view()).is_err());
    }
}
