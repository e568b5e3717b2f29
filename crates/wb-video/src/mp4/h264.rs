//! H.264 with OpenH264: pictures in, the parameter sets and one access unit per frame out.
//!
//! The settings, chosen for files that play everywhere and look like the input:
//! - Constrained Baseline profile (all OpenH264 writes), 4:2:0, one slice per picture, one
//!   encoder thread (so the same frames always give the same bytes, on any machine);
//! - a fixed quantizer of [`QP`] (OpenH264's buffer-based mode with its QP range pinned to
//!   it), no rate control and no skipped frames, so every frame is stored, at about the SDK's
//!   quality (libx264 at CRF 23);
//! - an IDR picture first and every [`KEYFRAME_INTERVAL`] frames (x264's default), so players
//!   can seek; no scene-change detection (on small moving pictures it called a key frame every
//!   20 or so frames);
//! - the SPS says how to read the colours back: the BT.601 matrix and limited range, what
//!   [`super::yuv`] converts with (primaries and transfer left unspecified, as the input's are).

use super::yuv::I420;
use super::{AccessUnit, Stream, set_once};
use openh264::OpenH264API;
use openh264::Timestamp;
use openh264::encoder::{
    BitRate, ColorPrimaries, Complexity, Encoder, EncoderConfig, FrameRate, IntraFramePeriod,
    MatrixCoefficients, QpRange, RateControlMode, SpsPpsStrategy, TransferCharacteristics,
    UsageType, VuiConfig,
};
use openh264::formats::YUVSource;
use wb_core::{Error, Result};

/// The encoder's name in error messages.
const ENCODER: &str = "OpenH264";

/// The quantizer every frame is coded with (0..=51, lower is better and larger).
pub const QP: u8 = 22;
/// An IDR (key) frame every this many frames.
pub const KEYFRAME_INTERVAL: u32 = 250;
/// The largest picture OpenH264 encodes (either orientation).
pub const MAX_SIDES: (usize, usize) = (3840, 2160);

impl YUVSource for I420 {
    fn dimensions(&self) -> (usize, usize) {
        (self.width, self.height)
    }
    fn strides(&self) -> (usize, usize, usize) {
        (self.width, self.width / 2, self.width / 2)
    }
    fn y(&self) -> &[u8] {
        &self.y
    }
    fn u(&self) -> &[u8] {
        &self.u
    }
    fn v(&self) -> &[u8] {
        &self.v
    }
}

fn failed(e: openh264::Error) -> Error {
    Error::Unsupported(format!("the H.264 encoder (OpenH264) failed: {e}"))
}

/// A NAL unit without its Annex B start code.
fn strip_start_code(nal: &[u8]) -> &[u8] {
    nal.strip_prefix(&[0, 0, 0, 1])
        .or_else(|| nal.strip_prefix(&[0, 0, 1]))
        .unwrap_or(nal)
}

/// A new encoder for pictures of `width × height` at `fps`.
fn encoder(fps: f64) -> Result<Encoder> {
    let config = EncoderConfig::new()
        .usage_type(UsageType::CameraVideoRealTime)
        .rate_control_mode(RateControlMode::Bufferbased)
        .bitrate(BitRate::from_bps(100_000_000))
        .qp(QpRange::new(QP, QP))
        .skip_frames(false)
        .max_frame_rate(FrameRate::from_hz(fps as f32))
        .complexity(Complexity::High)
        .scene_change_detect(false)
        .intra_frame_period(IntraFramePeriod::from_num_frames(KEYFRAME_INTERVAL))
        .sps_pps_strategy(SpsPpsStrategy::ConstantId)
        .num_threads(1)
        .vui(
            VuiConfig::bt601()
                .color_primaries(ColorPrimaries::Unspecified)
                .transfer_characteristics(TransferCharacteristics::Unspecified)
                .matrix_coefficients(MatrixCoefficients::Smpte170M)
                .full_range(false),
        );
    Encoder::with_api_config(OpenH264API::from_source(), config).map_err(failed)
}

/// Encodes `pictures` (all of one size) at `fps` frames per second.
pub fn encode(pictures: impl IntoIterator<Item = I420>, fps: f64) -> Result<Stream> {
    let mut enc = encoder(fps)?;
    let mut stream = Stream::default();
    for (i, picture) in pictures.into_iter().enumerate() {
        let ms = (i as f64 * 1000.0 / fps).round() as u64;
        let bits = enc
            .encode_at(&picture, Timestamp::from_millis(ms))
            .map_err(failed)?;
        let mut unit = AccessUnit::default();
        for l in 0..bits.num_layers() {
            let Some(layer) = bits.layer(l) else { continue };
            for n in 0..layer.nal_count() {
                let Some(nal) = layer.nal_unit(n).map(strip_start_code) else {
                    continue;
                };
                let Some(&header) = nal.first() else { continue };
                match header & 0x1f {
                    7 => set_once(&mut stream.sps, nal, "sequence", ENCODER)?,
                    8 => set_once(&mut stream.pps, nal, "picture", ENCODER)?,
                    kind => {
                        unit.sync |= kind == 5;
                        unit.push_nal(nal)?;
                    }
                }
            }
        }
        if unit.data.is_empty() {
            return Err(Error::Unsupported(format!(
                "the H.264 encoder (OpenH264) returned no picture for frame {i}"
            )));
        }
        stream.frames.push(unit);
    }
    if stream.sps.len() < 4 || stream.pps.is_empty() {
        return Err(Error::Unsupported(
            "the H.264 encoder (OpenH264) wrote no parameter sets".into(),
        ));
    }
    Ok(stream)
}
