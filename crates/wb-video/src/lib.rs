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
//! ```
//! use ndarray::Array5;
//! use wb_video::{Video, VideoFormat};
//! // A batch of 3 clips of 4 frames, RGB, 16x16: tiled into a 1x4 grid (the 4th clip black).
//! let clips = Array5::<f32>::from_elem((3, 4, 3, 16, 16), 128.0);
//! let v = Video::from_array_with_fps(clips.view(), VideoFormat::Gif, 8.0)?;
//! assert_eq!((v.width(), v.height()), (Some(64), Some(16)));
//! # Ok::<(), wb_core::Error>(())
//! ```
//!
//! ## Map of the crate
//! - [`video`]: [`Video`], its run, list (`_type: "videos"`) and artifact JSON, `from_json`.
//! - [`format`](mod@format): [`VideoFormat`] (`gif`, `mp4`, `webm`, `ogg`).
//! - [`prepare`]: the SDK's array rules: the `u8` cast ([`VideoElement`]) and batch tiling.
//! - [`gif`]: the GIF writer, its median-cut palette quantizer and its LZW coder.
//!
//! ## Differences from the SDK
//! - 1-channel (gray) arrays are written as GIF; the SDK fails on them ("Can't write images
//!   with one color channel.").
//! - MP4, WebM and Ogg are not encoded from arrays (the SDK calls ffmpeg; an opt-in H.264
//!   encoder for MP4 is planned): a clear error says so. Files and bytes in every format are
//!   stored as the SDK stores them.
//! - Like the SDK, some frame rates drop the last frame (moviepy samples `int(n/fps*fps)`
//!   frames: 6 frames at 3 fps give 5); we keep that so the GIF is the SDK's. A frame count and
//!   rate that leave no frame (1 frame at 49 fps) is an error here; the SDK writes an empty file.
//! - [`Video::from_json`] keeps `caption`, `width` and `height`; the SDK drops them.
#![warn(missing_docs)]

pub mod format;
pub mod gif;
pub mod prepare;
pub mod video;

pub use format::VideoFormat;
pub use ndarray;
pub use prepare::VideoElement;
pub use video::Video;

/// Registers `video-file`, so `Registry::from_json` reads video entries back.
pub fn register(registry: &mut wb_core::Registry) {
    registry.register(video::LOG_TYPE, video::decode);
}
