//! [`Plotly`] (`plotly-file`): a plotly figure as JSON.

use crate::artifact::ArtifactSource;
use crate::error::{Error, Result};
use crate::internal::media::media_value_methods;
use crate::json::{self, Dialect, Value};
use crate::media::MediaFile;
use crate::media_type::{Media, MediaType};
use crate::value::WbValue;

/// The media folder of plotly figures.
pub const MEDIA_DIR: &str = "media/plotly";
/// The extension of plotly files.
const EXTENSION: &str = ".plotly.json";

/// A plotly figure, written as `.plotly.json` (compact, keys in the figure's order).
#[derive(Debug, Clone)]
pub struct Plotly {
    media: Media,
}

impl Plotly {
    /// From a figure in plotly's JSON form (`{"data": [...], "layout": {...}}`, what
    /// `fig.to_plotly_json()` gives in Python and `Plot::to_json()` in Rust).
    ///
    /// A figure always has `data` and `layout` (as `go.Figure(...).to_plotly_json()` writes
    /// them): a missing one is written empty (`[]`, `{}`).
    pub fn from_figure(figure: &Value) -> Result<Self> {
        let Some(fig) = figure.as_object() else {
            return Err(Error::value(
                "Logged plots must be plotly figures, or matplotlib plots convertible to plotly via mpl_to_plotly",
            ));
        };
        let mut full = json::Map::new();
        full.insert(
            "data".into(),
            fig.get("data").cloned().unwrap_or(Value::Array(Vec::new())),
        );
        full.insert(
            "layout".into(),
            fig.get("layout").cloned().unwrap_or_else(Value::object),
        );
        for (k, v) in fig {
            full.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let text = json::to_string(&Value::Object(full), Dialect::Compact);
        Ok(Plotly {
            media: Media::new(MediaFile::generated(text.into_bytes(), EXTENSION)),
        })
    }

    /// From a figure serialized as JSON text.
    pub fn from_figure_json(text: &str) -> Result<Self> {
        Self::from_figure(&json::parse(text)?)
    }

    /// From a [`plotly::Plot`] (feature `plotly`).
    #[cfg(feature = "plotly")]
    pub fn from_plot(plot: &plotly::Plot) -> Result<Self> {
        Self::from_figure_json(&plot.to_json())
    }

    /// The file behind the value.
    pub fn file(&self) -> &MediaFile {
        self.media.file()
    }

    /// Reads an artifact entry back.
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Self> {
        Self::decode_media(json, source)
    }
}

impl MediaType for Plotly {
    const LOG_TYPE: &'static str = "plotly-file";
    const MEDIA_DIR: &'static str = MEDIA_DIR;
    const HAS_CAPTION: bool = false;
    fn media(&self) -> &Media {
        &self.media
    }
    fn from_media(media: Media, _json: &Value) -> Result<Self> {
        Ok(Plotly { media })
    }
    /// Always `.plotly.json`.
    fn entry_extension(_path: &str) -> Result<String> {
        Ok(EXTENSION.to_owned())
    }
}

impl WbValue for Plotly {
    media_value_methods!("Plotly");
    fn artifact_addable(&self) -> bool {
        false
    }
}

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<Plotly> for crate::LogValue {
    fn from(value: Plotly) -> Self {
        crate::LogValue::media(value)
    }
}
