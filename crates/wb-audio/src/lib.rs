//! # wb-audio
//!
//! `wandb.Audio` for Rust: sound clips logged to W&B runs and artifacts, with no Python,
//! soundfile or libsndfile.
//!
//! Clips made from samples are written as 16-bit PCM WAV files **byte-identical** to the ones
//! the Python SDK (wandb 0.31.0, through soundfile/libsndfile) writes for the same samples, so
//! they have the same `sha256` and the same media file name. Clips from a file are logged as
//! the file is.
//!
//! ```
//! use ndarray::Array2;
//! use wb_audio::Audio;
//! // Stereo, shape (frames, channels), as the SDK takes it.
//! let stereo = Array2::<f64>::zeros((4000, 2));
//! let clip = Audio::from_array(stereo.view(), 16_000)?.with_caption("silence");
//! assert_eq!(clip.file().size(), 44 + 4000 * 2 * 2);
//! # Ok::<(), wb_core::Error>(())
//! ```
//!
//! ## Map of the crate
//! - [`Audio`]: a clip, its run and artifact JSON, lists (`_type: "audio"`), `from_json`.
//! - [`Sample`]: the sample types (`f32`, `f64`, `i16`, `i32`), converted to 16-bit PCM with
//!   libsndfile's exact rules by the crate's private WAV writer.
//!
//! ## Differences from the SDK
//! - `Audio.from_json` in the SDK raises `KeyError` for entries without a caption (which it
//!   writes itself for caption-less clips); [`Audio::from_json`] reads them.
//! - External references (`s3://...`) are refused with an error.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod audio;
mod tensor;
mod wav;

pub use audio::Audio;
pub use wav::Sample;

/// Registers `audio-file`, so `Registry::decode` reads audio entries back.
pub fn register(registry: &mut wb_core::Registry) {
    registry.register(
        audio::LOG_TYPE,
        wb_core::internal::media_decoder::<audio::Audio>,
    );
}
