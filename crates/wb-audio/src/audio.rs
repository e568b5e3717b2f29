//! [`Audio`] (`audio-file`): a sound clip, from samples (written as WAV) or from a file.

use crate::wav::{self, Sample};
use ndarray::{ArrayView, Dimension};
use std::path::Path;
use wb_core::internal::media::{media_value_methods, prehashed_file, user_file};
use wb_core::internal::value::downcast_all;
use wb_core::internal::{Media, MediaType};
use wb_core::json::{Map, Value};
use wb_core::{ArtifactSource, Batching, Error, MediaFile, Result, RunTarget, Step, WbValue};

/// The media folder of audio files.
const MEDIA_DIR: &str = "media/audio";
/// The `_type` of one audio clip (run and artifact JSON).
pub(crate) const LOG_TYPE: &str = "audio-file";

/// An audio clip, the SDK's `wandb.Audio`.
///
/// From samples ([`Audio::from_array`], [`Audio::from_samples`], [`Audio::from_interleaved`])
/// it is a 16-bit PCM WAV file byte-identical to the one the SDK writes (same `sha256`, so the
/// same file name). From a file ([`Audio::from_path`]) the file is logged as it is, whatever
/// its format; such a clip has no known sample rate or duration, as in the SDK.
///
/// ```
/// use wb_audio::Audio;
/// let tone: Vec<f32> = (0..800).map(|i| (i as f32 * 0.1).sin() * 0.5).collect();
/// let clip = Audio::from_samples(&tone, 8000)?.with_caption("a tone");
/// assert_eq!(clip.duration(), Some(0.1));
/// # Ok::<(), wb_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Audio {
    media: Media,
    sample_rate: Option<u32>,
    duration: Option<f64>,
}

impl Audio {
    /// From an array of shape `(n,)` (mono) or `(n, channels)`, of `f32`, `f64`, `i16` or `i32`
    /// samples (any memory layout). Floats are full scale at ±1.0 and clipped beyond it.
    pub fn from_array<S: Sample, D: Dimension>(
        data: ArrayView<'_, S, D>,
        sample_rate: u32,
    ) -> Result<Self> {
        let channels = match data.shape() {
            [_] => 1,
            [_, ch] => *ch,
            shape => {
                return Err(Error::value(format!(
                    "Invalid shape: {} (too many dimensions): audio data must be (n,) for mono or (n, channels)",
                    py_tuple(shape)
                )));
            }
        };
        let frames = data.shape().first().copied().unwrap_or(0);
        // A contiguous array is read as a slice, which the conversion loop vectorizes.
        let bytes = match data.as_slice() {
            Some(flat) => wav::encode_pcm16_hashed(flat.iter().copied(), channels, sample_rate)?,
            None => wav::encode_pcm16_hashed(data.iter().copied(), channels, sample_rate)?,
        };
        Ok(Self::generated(bytes, frames, sample_rate))
    }

    /// Mono samples.
    pub fn from_samples<S: Sample>(samples: &[S], sample_rate: u32) -> Result<Self> {
        let bytes = wav::encode_pcm16_hashed(samples.iter().copied(), 1, sample_rate)?;
        Ok(Self::generated(bytes, samples.len(), sample_rate))
    }

    /// Interleaved samples of `channels` channels (`[l0, r0, l1, r1, ...]` for stereo).
    pub fn from_interleaved<S: Sample>(
        samples: &[S],
        channels: usize,
        sample_rate: u32,
    ) -> Result<Self> {
        if channels == 0 || !samples.len().is_multiple_of(channels) {
            return Err(Error::value(format!(
                "{} interleaved samples cannot be split into {channels} channels",
                samples.len()
            )));
        }
        let bytes = wav::encode_pcm16_hashed(samples.iter().copied(), channels, sample_rate)?;
        Ok(Self::generated(
            bytes,
            samples.len() / channels,
            sample_rate,
        ))
    }

    /// An audio file of any format (`.wav`, `.mp3`, `.flac`, ...), logged as it is.
    ///
    /// External references (`s3://`, `gs://`, `http(s)://`) are not supported: they are
    /// refused with an error rather than read as local paths.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = path.to_string_lossy();
        if ["gs://", "s3://", "http://", "https://"]
            .iter()
            .any(|p| text.starts_with(p))
        {
            return Err(Error::Unsupported(format!(
                "Audio from an external reference ({text}) is not supported: download the file and pass its local path"
            )));
        }
        Ok(Audio {
            media: Media::new(user_file(path)?),
            sample_rate: None,
            duration: None,
        })
    }

    fn generated(wav: wav::Hashed, frames: usize, sample_rate: u32) -> Self {
        Audio {
            media: Media::new(prehashed_file(wav.bytes, ".wav", wav.sha256)),
            sample_rate: Some(sample_rate),
            duration: Some(frames as f64 / f64::from(sample_rate)),
        }
    }

    /// Sets the caption shown with the clip.
    #[must_use]
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.media = self.media.with_caption(caption);
        self
    }

    /// The caption.
    pub fn caption(&self) -> Option<&str> {
        self.media.caption()
    }

    /// The sample rate, for clips made from samples.
    pub fn sample_rate(&self) -> Option<u32> {
        self.sample_rate
    }

    /// The duration in seconds (frames / sample rate), for clips made from samples.
    pub fn duration(&self) -> Option<f64> {
        self.duration
    }

    /// The file behind the clip.
    pub fn file(&self) -> &MediaFile {
        self.media.file()
    }

    /// Reads an artifact entry back (the SDK's `Audio.from_json`). The caption is optional:
    /// the SDK itself fails (`KeyError`) on entries without one, which it writes for every
    /// clip logged without a caption; we read them. As in the SDK, the sample rate and
    /// duration are not stored, so they are unknown after reading.
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Self> {
        Self::decode_media(json, source)
    }
}

impl MediaType for Audio {
    const LOG_TYPE: &'static str = LOG_TYPE;
    const MEDIA_DIR: &'static str = MEDIA_DIR;
    fn media(&self) -> &Media {
        &self.media
    }
    fn from_media(media: Media, _json: &Value) -> Result<Self> {
        Ok(Audio {
            media,
            sample_rate: None,
            duration: None,
        })
    }
    /// Same file content (`sha256`) and same caption, as the SDK's `Audio.__eq__`.
    fn same_media(&self, other: &dyn WbValue) -> bool {
        other.downcast_ref::<Audio>().is_some_and(|o| {
            o.media.same_file(&self.media) && o.media.caption_json() == self.media.caption_json()
        })
    }
}

/// `(3, 2, 2)` as Python prints a shape tuple.
fn py_tuple(shape: &[usize]) -> String {
    match shape {
        [one] => format!("({one},)"),
        dims => format!(
            "({})",
            dims.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl WbValue for Audio {
    media_value_methods!("Audio");
    fn column_type(&self) -> Option<Value> {
        let mut m = Map::new();
        m.insert("wb_type".into(), LOG_TYPE.into());
        Some(Value::Object(m))
    }
    fn batching(&self) -> Batching {
        Batching::All
    }
    /// `{"_type": "audio", "count", "audio", "sampleRates", "durations", "captions"?}`:
    /// `null` rates and durations for clips read from files; `captions` only when some clip
    /// has one, with `""` for the others.
    fn seq_to_run_json(
        &self,
        items: &[&dyn WbValue],
        run: &dyn RunTarget,
        _key: &str,
        _step: Step,
    ) -> Result<Value> {
        let items = downcast_all::<Audio>(items)?;
        let mut m = Map::new();
        m.insert("_type".into(), "audio".into());
        m.insert("count".into(), items.len().into());
        let audio = items
            .iter()
            .map(|a| a.to_run_json(run))
            .collect::<Result<Vec<_>>>()?;
        m.insert("audio".into(), Value::Array(audio));
        if !items.is_empty() {
            let rates = items
                .iter()
                .map(|a| a.sample_rate.map_or(Value::Null, |r| Value::Int(r.into())))
                .collect();
            m.insert("sampleRates".into(), Value::Array(rates));
            let durations = items.iter().map(|a| Value::from(a.duration)).collect();
            m.insert("durations".into(), Value::Array(durations));
        }
        if items.iter().any(|a| a.media.caption_json().is_some()) {
            let captions = items
                .iter()
                .map(|a| a.media.caption_json().cloned().unwrap_or_else(|| "".into()))
                .collect();
            m.insert("captions".into(), Value::Array(captions));
        }
        Ok(Value::Object(m))
    }
}

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<Audio> for wb_core::LogValue {
    fn from(value: Audio) -> Self {
        wb_core::LogValue::media(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wb_core::json::{self, Dialect};
    use wb_core::{Artifact, DirRun};

    /// The shared caption rule: a caption the SDK wrote as another JSON value (`caption=5` in
    /// Python) is read, kept and written back as it was, also in a logged list's `captions`.
    #[test]
    fn a_non_string_caption_is_kept_as_the_sdk_keeps_it() {
        let clip = Audio::from_samples(&[0i16, 1, 2], 8000).unwrap();
        let mut art = Artifact::new("a", "t");
        let mut j = clip.to_artifact_json(&mut art).unwrap();
        j.as_object_mut()
            .unwrap()
            .insert("caption".into(), Value::Int(5));
        let back = Audio::from_json(&j, &art).unwrap();
        assert_eq!(back.caption(), None);
        let again = back.to_artifact_json(&mut Artifact::new("a", "t")).unwrap();
        assert_eq!(again.get("caption"), Some(&Value::Int(5)));
        let dir = tempfile::tempdir().unwrap();
        let run = DirRun::new(dir.path());
        let items: [&dyn WbValue; 2] = [&back, &clip];
        for i in items {
            i.bind_to_run(&run, "k", Step::Num(0)).unwrap();
        }
        let list = back
            .seq_to_run_json(&items, &run, "k", Step::Num(0))
            .unwrap();
        assert_eq!(
            list.get("captions")
                .map(|c| json::to_string(c, Dialect::Compact)),
            Some(r#"[5,""]"#.to_owned())
        );
    }
}
