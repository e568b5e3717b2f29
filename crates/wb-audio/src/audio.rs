//! [`Audio`] (`audio-file`): a sound clip, from samples (written as WAV) or from a file.

use crate::wav::{self, Sample};
use ndarray::{ArrayView, Dimension};
use std::path::Path;
use std::sync::Arc;
use wb_core::json::{Map, Value};
use wb_core::media::{MediaFile, media_artifact_json, media_run_json};
use wb_core::path::splitext_ext;
use wb_core::value::downcast_all;
use wb_core::{ArtifactSource, ArtifactTarget, Error, Registry, Result, RunTarget, Step, WbValue};

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
    file: MediaFile,
    sample_rate: Option<u32>,
    duration: Option<f64>,
    caption: Option<String>,
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
            file: MediaFile::from_path(path, None)?,
            sample_rate: None,
            duration: None,
            caption: None,
        })
    }

    fn generated(wav: wav::Hashed, frames: usize, sample_rate: u32) -> Self {
        Audio {
            file: MediaFile::generated_prehashed(wav.bytes, ".wav", wav.sha256),
            sample_rate: Some(sample_rate),
            duration: Some(frames as f64 / f64::from(sample_rate)),
            caption: None,
        }
    }

    /// Sets the caption shown with the clip.
    #[must_use]
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// The caption.
    pub fn caption(&self) -> Option<&str> {
        self.caption.as_deref()
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
        &self.file
    }

    /// Reads an artifact entry back (the SDK's `Audio.from_json`). The caption is optional:
    /// the SDK itself fails (`KeyError`) on entries without one, which it writes for every
    /// clip logged without a caption; we read them. As in the SDK, the sample rate and
    /// duration are not stored, so they are unknown after reading.
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Self> {
        let path = json
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::decode(LOG_TYPE, "`path` must be a string"))?;
        let caption = match json.get("caption") {
            None | Some(Value::Null) => None,
            Some(Value::Str(s)) => Some(s.clone()),
            Some(other) => {
                return Err(Error::decode(
                    LOG_TYPE,
                    format!("`caption` must be a string, got {other:?}"),
                ));
            }
        };
        let bytes = source.read_entry(path)?;
        Ok(Audio {
            file: MediaFile::generated(bytes, splitext_ext(path)),
            sample_rate: None,
            duration: None,
            caption,
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
    fn log_type(&self) -> Option<&'static str> {
        Some(LOG_TYPE)
    }
    fn class_name(&self) -> &'static str {
        "Audio"
    }
    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        self.file.bind(run, MEDIA_DIR, key, step).map(drop)
    }
    fn to_run_json(&self, _run: &dyn RunTarget) -> Result<Value> {
        media_run_json(self.caption(), LOG_TYPE, &self.file, None).map(Value::Object)
    }
    fn to_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        media_artifact_json(self.caption(), LOG_TYPE, MEDIA_DIR, &self.file, artifact)
            .map(Value::Object)
    }
    /// Same file content (`sha256`) and same caption, as the SDK's `Audio.__eq__`.
    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        other
            .downcast_ref::<Audio>()
            .is_some_and(|o| o.file.sha256() == self.file.sha256() && o.caption == self.caption)
    }
    fn column_type(&self) -> Option<Value> {
        let mut m = Map::new();
        m.insert("wb_type".into(), LOG_TYPE.into());
        Some(Value::Object(m))
    }
    fn batch_limit(&self) -> Option<Option<usize>> {
        Some(None)
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
        if items.iter().any(|a| a.caption.is_some()) {
            let captions = items
                .iter()
                .map(|a| Value::from(a.caption.clone().unwrap_or_default()))
                .collect();
            m.insert("captions".into(), Value::Array(captions));
        }
        Ok(Value::Object(m))
    }
}

pub(crate) fn decode(
    json: &Value,
    source: &dyn ArtifactSource,
    _: &Registry,
) -> Result<Arc<dyn WbValue>> {
    Ok(Arc::new(Audio::from_json(json, source)?))
}
