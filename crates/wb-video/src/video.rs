//! [`Video`] (`video-file`): a clip from an array (encoded here) or from a file or bytes, and
//! [`VideoOptions`], how an array is encoded.

use crate::format::{ACCEPTED_FORMATS, VideoFormat};
use crate::prepare::{Frames, VideoElement};
use ndarray::{ArrayView, Dimension};
use std::path::Path;
use wb_core::internal::media::{
    Media, MediaType, batch_captions, entry_path, generated_file, media_value_methods, user_file,
};
use wb_core::internal::path::splitext_ext;
use wb_core::internal::value::downcast_all;
use wb_core::json::{Map, Value};
use wb_core::{ArtifactSource, ArtifactTarget, Error, MediaFile, Result, RunTarget, Step, WbValue};

/// The media folder of videos.
const MEDIA_DIR: &str = "media/videos";
/// The `_type` of one video (run and artifact JSON).
pub(crate) const LOG_TYPE: &str = "video-file";
/// The frame rate arrays are encoded at unless told otherwise (the SDK's default).
const DEFAULT_FPS: f64 = 4.0;

/// How an array of frames is encoded: the container format and the frame rate (the SDK's
/// `format=` and `fps=`). The default is the SDK's 4 frames per second, as a GIF.
///
/// ```
/// use wb_video::{VideoFormat, VideoOptions};
/// let options = VideoOptions::default().with_fps(8.0).with_format(VideoFormat::Gif);
/// assert_eq!((options.fps(), options.format()), (8.0, VideoFormat::Gif));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct VideoOptions {
    fps: f64,
    format: VideoFormat,
}

impl Default for VideoOptions {
    fn default() -> Self {
        VideoOptions {
            fps: DEFAULT_FPS,
            format: VideoFormat::Gif,
        }
    }
}

impl VideoOptions {
    /// Sets the frame rate in frames per second: any positive number (checked when the video
    /// is made).
    #[must_use]
    pub fn with_fps(mut self, fps: f64) -> Self {
        self.fps = fps;
        self
    }

    /// Sets the container format: [`VideoFormat::Gif`] or [`VideoFormat::Mp4`] (the others
    /// are not encoded from arrays: an error says so).
    #[must_use]
    pub fn with_format(mut self, format: VideoFormat) -> Self {
        self.format = format;
        self
    }

    /// The frame rate.
    pub fn fps(&self) -> f64 {
        self.fps
    }

    /// The container format.
    pub fn format(&self) -> VideoFormat {
        self.format
    }
}

/// A video, the SDK's `wandb.Video`.
///
/// - From an array ([`Video::from_array`]): `(T, C, H, W)` frames, or `(B, T, C, H, W)` clips
///   tiled into one grid exactly as the SDK tiles them, of any numeric type (cast to `u8` as
///   numpy casts, no scaling). GIF is encoded here in pure Rust, byte-identical to the SDK's. MP4 is H.264 at about
///   the SDK's quality: from the pure-Rust rusty_h264 encoder by default, from OpenH264 with
///   the opt-in `mp4` feature (see the crate's "Differences from the SDK"). WebM and Ogg are not
///   encoded from arrays (the SDK uses ffmpeg): a clear error says so.
///   Unlike the SDK, 1-channel (gray) arrays can be written as GIF.
/// - From a file ([`Video::from_path`]) or bytes ([`Video::from_bytes`]) in one of the
///   [`VideoFormat`]s: stored as they are.
///
/// ```
/// use ndarray::Array4;
/// use wb_video::{Video, VideoFormat};
/// // 8 frames, 3 channels, 32x48 pixels.
/// let frames = Array4::<u8>::from_shape_fn((8, 3, 32, 48), |(t, c, y, x)| (t * 30 + c * 80 + x + y) as u8);
/// let video = Video::from_array(frames.view())?.with_caption("moving");
/// assert_eq!(video.format(), VideoFormat::Gif);
/// assert_eq!((video.width(), video.height()), (Some(48), Some(32)));
/// # Ok::<(), wb_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Video {
    media: Media,
    format: VideoFormat,
    width: Option<u32>,
    height: Option<u32>,
}

impl Video {
    /// Encodes an array as a GIF at 4 frames per second (the [`VideoOptions`] default).
    pub fn from_array<T: VideoElement, D: Dimension>(data: ArrayView<'_, T, D>) -> Result<Self> {
        Self::from_array_with(data, VideoOptions::default())
    }

    /// Encodes an array in the format and at the frame rate of `options`.
    ///
    /// ```
    /// use ndarray::Array5;
    /// use wb_video::{Video, VideoFormat, VideoOptions};
    /// let clips = Array5::<u8>::zeros((2, 4, 3, 8, 8));
    /// let options = VideoOptions::default().with_fps(10.0).with_format(VideoFormat::Gif);
    /// let video = Video::from_array_with(clips.view(), options)?;
    /// assert_eq!((video.width(), video.height()), (Some(16), Some(8)));
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_array_with<T: VideoElement, D: Dimension>(
        data: ArrayView<'_, T, D>,
        options: VideoOptions,
    ) -> Result<Self> {
        let frames = Frames::from_array(data)?;
        Self::from_frames_with(&frames, options)
    }

    /// Encodes [`Frames`] as a GIF at 4 frames per second (the [`VideoOptions`] default).
    pub fn from_frames(frames: &Frames<'_>) -> Result<Self> {
        Self::from_frames_with(frames, VideoOptions::default())
    }

    /// Encodes [`Frames`] in the format and at the frame rate of `options`:
    /// [`VideoFormat::Gif`] or [`VideoFormat::Mp4`]; the other formats are an error that says
    /// so.
    pub fn from_frames_with(frames: &Frames<'_>, options: VideoOptions) -> Result<Self> {
        let VideoOptions { fps, format } = options;
        let bytes = match format {
            VideoFormat::Gif => crate::gif::encode(frames, fps)?,
            VideoFormat::Mp4 => crate::mp4::encode(frames, fps)?,
            VideoFormat::Webm | VideoFormat::Ogg => {
                return Err(Error::Unsupported(format!(
                    "encoding arrays to {format} is not supported (the SDK uses ffmpeg for it): \
                     use VideoFormat::Gif, or encode the file yourself and use Video::from_path"
                )));
            }
        };
        Ok(Video {
            media: Media::new(generated_file(bytes, format.extension())),
            format,
            width: u32::try_from(frames.width()).ok(),
            height: u32::try_from(frames.height()).ok(),
        })
    }

    /// A video file, stored as it is. Its extension, in any case, must be `gif`, `mp4`,
    /// `webm` or `ogg` (the SDK's rule and error).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let format = format_of(&path.to_string_lossy())?;
        Ok(Video {
            media: Media::new(user_file(path)?),
            format,
            width: None,
            height: None,
        })
    }

    /// Encoded video bytes in `format` (the SDK's `BytesIO` input), stored as they are.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>, format: VideoFormat) -> Self {
        Video {
            media: Media::new(generated_file(bytes.into(), format.extension())),
            format,
            width: None,
            height: None,
        }
    }

    /// Sets the caption.
    #[must_use]
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.media = self.media.with_caption(caption);
        self
    }

    /// The caption, when it is text (a caption of another JSON type read from an SDK
    /// artifact is kept and written back, but is not text).
    pub fn caption(&self) -> Option<&str> {
        self.media.caption()
    }

    /// The container format.
    pub fn format(&self) -> VideoFormat {
        self.format
    }

    /// Width in pixels of the encoded frames (videos from arrays only).
    pub fn width(&self) -> Option<u32> {
        self.width
    }

    /// Height in pixels of the encoded frames (videos from arrays only).
    pub fn height(&self) -> Option<u32> {
        self.height
    }

    /// The file behind the video.
    pub fn file(&self) -> &MediaFile {
        self.media.file()
    }

    /// Reads an artifact entry back (the SDK's `Video.from_json`). The SDK rebuilds the video
    /// from the file alone, dropping `caption`, `width` and `height`; we keep them.
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Self> {
        Self::decode_media(json, source)
    }
}

impl MediaType for Video {
    const LOG_TYPE: &'static str = LOG_TYPE;
    const MEDIA_DIR: &'static str = MEDIA_DIR;
    fn media(&self) -> &Media {
        &self.media
    }
    /// The entry's own extension, which must name a [`VideoFormat`] (the SDK's error if not).
    fn entry_extension(path: &str) -> Result<String> {
        format_of(path)?;
        Ok(splitext_ext(path).to_owned())
    }
    fn from_media(media: Media, json: &Value) -> Result<Self> {
        let format = format_of(entry_path(json, LOG_TYPE)?)?;
        let dim = |k: &str| {
            json.get(k)
                .and_then(Value::as_i64)
                .and_then(|v| u32::try_from(v).ok())
        };
        Ok(Video {
            media,
            format,
            width: dim("width"),
            height: dim("height"),
        })
    }
    /// The media's run JSON with the video's `width` and `height`.
    fn media_run_json(&self) -> Result<Map> {
        let mut m = self.media.run_json(LOG_TYPE)?;
        self.add_size(&mut m);
        Ok(m)
    }
    /// The media's artifact JSON with the video's `width` and `height`.
    fn media_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Map> {
        let mut m = self.media.artifact_json(LOG_TYPE, MEDIA_DIR, artifact)?;
        self.add_size(&mut m);
        Ok(m)
    }
}

/// The format named by a path's extension, compared in lower case.
fn format_of(path: &str) -> Result<VideoFormat> {
    let ext = splitext_ext(path).trim_start_matches('.').to_lowercase();
    ext.parse().map_err(|_| Error::value(ACCEPTED_FORMATS))
}

impl WbValue for Video {
    media_value_methods!("Video");
    fn column_type(&self) -> Option<Value> {
        let mut m = Map::new();
        m.insert("wb_type".into(), LOG_TYPE.into());
        Some(Value::Object(m))
    }
    fn batching(&self) -> wb_core::Batching {
        wb_core::Batching::All
    }
    /// `{"_type": "videos", "count", "videos", "captions"}`: `captions` is the list of
    /// captions (`null` for missing ones) when the first video has one, else `false`.
    fn seq_to_run_json(
        &self,
        items: &[&dyn WbValue],
        run: &dyn RunTarget,
        _key: &str,
        _step: Step,
    ) -> Result<Value> {
        let items = downcast_all::<Video>(items)?;
        let videos = items
            .iter()
            .map(|v| v.to_run_json(run))
            .collect::<Result<Vec<_>>>()?;
        let captions = batch_captions(items.iter().map(|v| &v.media));
        let mut m = Map::new();
        m.insert("_type".into(), "videos".into());
        m.insert("count".into(), items.len().into());
        m.insert("videos".into(), Value::Array(videos));
        m.insert("captions".into(), captions);
        Ok(Value::Object(m))
    }
}

impl Video {
    fn add_size(&self, m: &mut Map) {
        if let Some(w) = self.width {
            m.insert("width".into(), Value::Int(w.into()));
        }
        if let Some(h) = self.height {
            m.insert("height".into(), Value::Int(h.into()));
        }
    }
}

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<Video> for wb_core::LogValue {
    fn from(value: Video) -> Self {
        wb_core::LogValue::media(value)
    }
}
