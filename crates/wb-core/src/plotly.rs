//! [`Plotly`] (`plotly-file`): a plotly figure as JSON.

use crate::artifact::{ArtifactSource, ArtifactTarget};
use crate::error::{Error, Result};
use crate::json::{self, Dialect, Value};
use crate::media::{MediaFile, media_artifact_json, media_run_json};
use crate::path::Step;
use crate::registry::Registry;
use crate::target::RunTarget;
use crate::value::WbValue;
use std::sync::Arc;

/// The media folder of plotly figures.
pub const MEDIA_DIR: &str = "media/plotly";

/// A plotly figure, written as `.plotly.json` (compact, keys in the figure's order).
#[derive(Debug, Clone)]
pub struct Plotly {
    file: MediaFile,
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
            file: MediaFile::generated(text.into_bytes(), ".plotly.json"),
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
        &self.file
    }

    /// Reads an artifact entry back.
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Self> {
        let path = json
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::decode("plotly-file", "`path` must be a string"))?;
        Ok(Plotly {
            file: MediaFile::generated(source.read_entry(path)?, ".plotly.json"),
        })
    }
}

impl WbValue for Plotly {
    fn log_type(&self) -> Option<&'static str> {
        Some("plotly-file")
    }
    fn class_name(&self) -> &'static str {
        "Plotly"
    }
    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        self.file.bind(run, MEDIA_DIR, key, step).map(drop)
    }
    fn to_run_json(&self, _run: &dyn RunTarget) -> Result<Value> {
        media_run_json(None, "plotly-file", &self.file, None).map(Value::Object)
    }
    fn to_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        media_artifact_json(None, "plotly-file", MEDIA_DIR, &self.file, artifact).map(Value::Object)
    }
    fn artifact_addable(&self) -> bool {
        false
    }
    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        other
            .downcast_ref::<Plotly>()
            .is_some_and(|o| o.file.sha256() == self.file.sha256())
    }
}

pub(crate) fn decode(
    json: &Value,
    source: &dyn ArtifactSource,
    _: &Registry,
) -> Result<Arc<dyn WbValue>> {
    Ok(Arc::new(Plotly::from_json(json, source)?))
}
