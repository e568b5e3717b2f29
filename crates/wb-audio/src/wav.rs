//! WAV encoding: PCM 16-bit, byte for byte what `soundfile.write(path, data, rate)` (libsndfile
//! 1.2.2) writes, which is what `wandb.Audio` stores for raw data.
//!
//! The file is the canonical 44-byte header (`RIFF`, `WAVE`, a 16-byte `fmt ` chunk with format
//! 1 = PCM whatever the channel count, `data`) followed by the interleaved little-endian
//! samples. Sample conversion follows libsndfile, measured against it (see the golden tests):
//! - `i16` is written unchanged;
//! - `i32` keeps its high 16 bits (`x >> 16`, rounding towards minus infinity);
//! - `f32` / `f64` are scaled to 32 bits first (`x * 2^31`, rounded half to even, clipped to
//!   `[-2^31, 2^31 - 1]`, NaN giving `-2^31`), then keep their high 16 bits. That is `x * 32768`
//!   rounded down, with values at or beyond ±1.0 clipped to `[-32768, 32767]`.

use sha2::{Digest, Sha256};
use std::sync::Arc;
use wb_core::{Error, Result};

/// Most channels libsndfile writes in one file.
pub const MAX_CHANNELS: usize = 1024;

/// A sample type `wandb.Audio` accepts in a raw array (the dtypes `soundfile` writes:
/// `float32`, `float64`, `int16`, `int32`).
pub trait Sample: Copy + Send + Sync + 'static {
    /// The numpy dtype name (`"float32"`).
    const DTYPE: &'static str;
    /// The 16-bit PCM value libsndfile writes for this sample.
    fn to_pcm16(self) -> i16;
}

impl Sample for i16 {
    const DTYPE: &'static str = "int16";
    fn to_pcm16(self) -> i16 {
        self
    }
}

impl Sample for i32 {
    const DTYPE: &'static str = "int32";
    fn to_pcm16(self) -> i16 {
        (self >> 16) as i16
    }
}

impl Sample for f64 {
    const DTYPE: &'static str = "float64";
    fn to_pcm16(self) -> i16 {
        float_to_pcm16(self)
    }
}

impl Sample for f32 {
    const DTYPE: &'static str = "float32";
    fn to_pcm16(self) -> i16 {
        // `x * 2^31` is exact in f32 and in f64 alike, so the f64 path gives the same result.
        float_to_pcm16(f64::from(self))
    }
}

/// libsndfile's float → 16-bit conversion (see the module docs), branch-free so that a loop
/// over samples vectorizes (`round_ties_even` would be a libm call on baseline x86-64).
#[inline]
fn float_to_pcm16(x: f64) -> i16 {
    /// `1.5 * 2^52`: adding it leaves `round_ties_even(v)` in the low 32 bits of the sum's
    /// bits, two's complement, for any `|v| <= 2^31` (the FPU rounds to nearest, ties to even).
    const ROUND: f64 = 6_755_399_441_055_744.0;
    const I32_MAX: f64 = 2_147_483_647.0;
    const I32_MIN: f64 = -2_147_483_648.0;
    // `max` ignores a NaN operand, so NaN clips to `I32_MIN`, as libsndfile gives (`clamp`
    // would keep the NaN).
    #[allow(clippy::manual_clamp)]
    let clipped = (x * 2_147_483_648.0).max(I32_MIN).min(I32_MAX);
    let wide = (clipped + ROUND).to_bits() as u32 as i32;
    (wide >> 16) as i16
}

/// The 44-byte header of a PCM 16-bit WAV file holding `frames` frames of `channels` channels.
fn header(channels: u16, sample_rate: u32, data_len: u32) -> [u8; 44] {
    let block_align = channels.wrapping_mul(2);
    // libsndfile writes the byte rate modulo 2^32 for very high rates; so do we.
    let byte_rate = sample_rate.wrapping_mul(u32::from(block_align));
    let mut h = [0u8; 44];
    let mut put = |at: usize, bytes: &[u8]| h[at..at + bytes.len()].copy_from_slice(bytes);
    put(0, b"RIFF");
    put(4, &(36 + data_len).to_le_bytes());
    put(8, b"WAVE");
    put(12, b"fmt ");
    put(16, &16u32.to_le_bytes());
    put(20, &1u16.to_le_bytes());
    put(22, &channels.to_le_bytes());
    put(24, &sample_rate.to_le_bytes());
    put(28, &byte_rate.to_le_bytes());
    put(32, &block_align.to_le_bytes());
    put(34, &16u16.to_le_bytes());
    put(36, b"data");
    put(40, &data_len.to_le_bytes());
    h
}

/// Checks a sample rate as `soundfile.write` does (a positive C `int`).
pub fn check_sample_rate(sample_rate: u32) -> Result<()> {
    if sample_rate == 0 || sample_rate > i32::MAX as u32 {
        return Err(Error::value(format!(
            "sample rate {sample_rate} is not allowed: it must be between 1 and 2147483647 Hz"
        )));
    }
    Ok(())
}

/// Encodes interleaved samples (`frames * channels` of them) as a PCM 16-bit WAV file.
pub fn encode_pcm16<S: Sample>(
    samples: impl ExactSizeIterator<Item = S>,
    channels: usize,
    sample_rate: u32,
) -> Result<Vec<u8>> {
    Ok(encode_pcm16_hashed(samples, channels, sample_rate)?
        .bytes
        .to_vec())
}

/// A WAV file and the lowercase hex SHA-256 of its bytes.
#[derive(Debug, Clone)]
pub struct Hashed {
    /// The file's bytes.
    pub bytes: Arc<[u8]>,
    /// Lowercase hex SHA-256 of `bytes`.
    pub sha256: String,
}

/// Samples converted per step of [`encode_pcm16_hashed`], so each piece is hashed while it is
/// still in cache.
const PIECE_SAMPLES: usize = 8 * 1024;

/// [`encode_pcm16`], written straight into the shared buffer a media file keeps (no copy) and
/// hashed piece by piece as it is written.
pub fn encode_pcm16_hashed<S: Sample>(
    samples: impl ExactSizeIterator<Item = S>,
    channels: usize,
    sample_rate: u32,
) -> Result<Hashed> {
    check_sample_rate(sample_rate)?;
    if channels == 0 || channels > MAX_CHANNELS {
        return Err(Error::value(format!(
            "audio with {channels} channels cannot be written: a WAV file holds 1 to {MAX_CHANNELS} channels"
        )));
    }
    let n = samples.len();
    let data_len = n
        .checked_mul(2)
        .and_then(|b| u32::try_from(b).ok())
        .filter(|b| *b <= u32::MAX - 36)
        .ok_or_else(|| {
            Error::value(format!(
                "{n} samples do not fit in one WAV file (its data is limited to 4 GiB)"
            ))
        })?;
    // One allocation of the final size (`repeat_n` has an exact length), filled in place.
    let mut bytes: Arc<[u8]> = std::iter::repeat_n(0u8, 44 + data_len as usize).collect();
    let Some(out) = Arc::get_mut(&mut bytes) else {
        return Err(Error::value("internal: a new WAV buffer was shared"));
    };
    let mut hasher = Sha256::new();
    let (head, body) = out.split_at_mut(44);
    head.copy_from_slice(&header(channels as u16, sample_rate, data_len));
    hasher.update(&*head);
    let mut samples = samples;
    for piece in body.chunks_mut(2 * PIECE_SAMPLES) {
        for (dst, s) in piece.chunks_exact_mut(2).zip(&mut samples) {
            dst.copy_from_slice(&s.to_pcm16().to_le_bytes());
        }
        hasher.update(&*piece);
    }
    Ok(Hashed {
        bytes,
        sha256: wb_core::internal::hash::hex(&hasher.finalize()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_conversion_edges() {
        // Values printed by soundfile 0.14 / libsndfile 1.2.2 for the same inputs.
        let cases: &[(f64, i16)] = &[
            (0.5, 16384),
            (1.0, 32767),
            (-1.0, -32768),
            (1.5, 32767),
            (-2.0, -32768),
            (0.5 / 32768.0, 0),
            (1.5 / 32768.0, 1),
            (-0.5 / 32768.0, -1),
            (-32766.25 / 32768.0, -32767),
            (-65536.5 / 2_147_483_648.0, -1),
            (f64::NAN, -32768),
            (f64::INFINITY, 32767),
            (f64::NEG_INFINITY, -32768),
        ];
        for &(x, want) in cases {
            assert_eq!(x.to_pcm16(), want, "{x}");
        }
        assert_eq!(65536i32.to_pcm16(), 1);
        assert_eq!((-1i32).to_pcm16(), -1);
        assert_eq!(i32::MIN.to_pcm16(), -32768);
    }

    #[test]
    fn header_is_canonical() {
        let wav = encode_pcm16([0i16; 3].into_iter(), 1, 44100).unwrap_or_default();
        assert_eq!(
            wav,
            [
                b"RIFF".as_slice(),
                &42u32.to_le_bytes(),
                b"WAVEfmt ",
                &[16, 0, 0, 0, 1, 0, 1, 0],
                &44100u32.to_le_bytes(),
                &88200u32.to_le_bytes(),
                &[2, 0, 16, 0],
                b"data",
                &6u32.to_le_bytes(),
                &[0; 6],
            ]
            .concat()
        );
    }
}
