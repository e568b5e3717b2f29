//! # wb-video
//!
//! `wandb.Video` for Rust: videos logged to W&B runs and artifacts, with no Python, moviepy,
//! imageio or ffmpeg.
//!
//! Arrays of frames, `(T, C, H, W)` or a batch `(B, T, C, H, W)` tiled into a grid as the SDK
//! tiles it, are encoded to animated GIF in pure Rust, frames in parallel, many times faster
//! than the SDK, and **byte-identical** to the SDK's GIF for every input we compared (same
//! palettes, frames, delays and loop; the same `sha256`, so the same media file name). Video
//! files and bytes (`gif`, `mp4`, `webm`, `ogg`) are stored as they are.
//!
//! Arrays are also encoded to MP4 ([`VideoFormat::Mp4`], the SDK's `format="mp4"`), with the
//! SDK's frames, frame rate and JSON, as H.264 in an MP4 file written here (what differs is
//! below). By default the H.264 encoder is the pure-Rust `rusty_h264-encoder` crate:
//! Constrained Baseline, which every browser plays, lossy at about the SDK's quality, in files
//! up to ~3× the SDK's. The opt-in **`mp4` feature** (`video-mp4` in wb-types) encodes with
//! OpenH264 instead (compiled from C++), also Constrained Baseline at about the SDK's quality.
//!
//! ```
//! use ndarray::Array5;
//! use wb_video::{Video, VideoFormat, VideoOptions};
//! // A batch of 3 clips of 4 frames, RGB, 16x16: tiled into a 1x4 grid (the 4th clip black).
//! let clips = Array5::<f32>::from_elem((3, 4, 3, 16, 16), 128.0);
//! let options = VideoOptions::default().with_fps(8.0).with_format(VideoFormat::Gif);
//! let v = Video::from_array_with(clips.view(), options)?;
//! assert_eq!((v.width(), v.height()), (Some(64), Some(16)));
//! # Ok::<(), wb_core::Error>(())
//! ```
//!
//! ## Map of the crate
//! - [`Video`]: a video, its run, list (`_type: "videos"`) and artifact JSON, `from_json`.
//! - [`VideoOptions`]: how an array is encoded (format and frame rate); [`VideoFormat`]
//!   (`gif`, `mp4`, `webm`, `ogg`).
//! - [`Frames`]: the SDK's array rules, the `u8` cast ([`VideoElement`]) and batch tiling.
//! - Private: the GIF writer (median-cut palette quantizer, LZW coder), the YUV conversion,
//!   the two H.264 encoders' settings (rusty_h264's, with the Annex B split and the level;
//!   OpenH264's and SPS cropping with the `mp4` feature) and the MP4 writer.
//!
//! ## Differences from the SDK
//! - The format of an array defaults to GIF ([`VideoOptions`]); the SDK requires `format=`.
//! - 1-channel (gray) arrays are written as GIF; the SDK fails on them ("Can't write images
//!   with one color channel.").
//! - WebM and Ogg are not encoded from arrays (the SDK calls ffmpeg): a clear error says so.
//!   Files and bytes in every format are stored as the SDK stores them.
//! - MP4 from arrays is H.264 Constrained Baseline, not libx264's High profile, so the bytes
//!   (and `sha256`, `size`) differ from the SDK's. By default (rusty_h264 at a fixed
//!   quantizer, in pure Rust): PSNR within 3 dB of the SDK's files on our tests, files 0.5× the
//!   SDK's for tiny frames to 1.7× (256×256) and 3.1× (640×360), frames of up to 139264
//!   macroblocks (8192×4320, for instance) (docs/performance.md). With the `mp4` feature
//!   (OpenH264 at a fixed quantizer): about the SDK's quality (PSNR within 3 dB on our tests),
//!   files up to ~3× larger on long clips, frames at most 3840×2160. In both, odd sides are
//!   padded to even (the SDK's ffmpeg writes 4:4:4 there, which browsers do not play) and 1-
//!   and 2-channel arrays are gray (the SDK's are scrambled).
//! - Like the SDK, some frame rates drop the last frame (moviepy samples `int(n/fps*fps)`
//!   frames: 6 frames at 3 fps give 5); we keep that so the GIF is the SDK's. A frame count and
//!   rate that leave no frame (1 frame at 49 fps) is an error here; the SDK writes an empty file.
//! - [`Video::from_json`] keeps `caption` (of any JSON type, as wb-core's caption rule says),
//!   `width` and `height`; the SDK drops them.
//!
//! ## Features
#![doc = document_features::document_features!()]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod format;
mod gif;
mod mp4;
mod prepare;
mod tensor;
mod video;

pub use format::VideoFormat;
pub use prepare::{Frames, VideoElement};
pub use video::{Video, VideoOptions};

/// Registers `video-file`, so `Registry::decode` reads video entries back.
pub fn register(registry: &mut wb_core::Registry) {
    registry.register(
        video::LOG_TYPE,
        wb_core::internal::media_decoder::<video::Video>,
    );
}
