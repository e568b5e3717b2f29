//! [`Html`] (`html-file`).

use crate::artifact::{ArtifactSource, ArtifactTarget};
use crate::error::{Error, Result};
use crate::json::Value;
use crate::media::{MediaFile, media_artifact_json, media_run_json};
use crate::path::Step;
use crate::registry::Registry;
use crate::target::RunTarget;
use crate::value::{WbValue, downcast_all};
use std::path::Path;
use std::sync::Arc;

/// The media folder of HTML files.
pub const MEDIA_DIR: &str = "media/html";
/// What `inject` adds: a `_blank` base target and W&B's stylesheet.
pub const INJECTED_HEAD: &str = r#"<base target="_blank"><link rel="stylesheet" type="text/css" href="https://app.wandb.ai/normalize.css" />"#;

/// An HTML document logged as a file.
#[derive(Debug, Clone)]
pub struct Html {
    file: MediaFile,
}

/// The SDK's `inject_head`: after the first `<head>`; else replacing the first `<html>` by
/// `<html><head>…</head>`; else prepended; then stripped of surrounding white space.
pub fn inject_head(html: &str) -> String {
    let joined = if let Some((a, b)) = html.split_once("<head>") {
        format!("{a}<head>{INJECTED_HEAD}{b}")
    } else if let Some((a, b)) = html.split_once("<html>") {
        format!("{a}<html><head>{INJECTED_HEAD}</head>{b}")
    } else {
        format!("{INJECTED_HEAD}{html}")
    };
    py_strip(&joined).to_owned()
}

/// Python's `str.strip()` with no argument (Unicode white space).
fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

impl Html {
    /// `wandb.Html(data)`: `data` is a path when it names an existing file whose extension is
    /// exactly `.html`, otherwise literal HTML. With `inject`, W&B's head is added.
    pub fn new(data: &str, inject: bool) -> Result<Self> {
        let p = Path::new(data);
        if p.is_file() && crate::path::splitext_ext(data) == ".html" {
            Self::from_path(p, inject)
        } else {
            Ok(Self::from_literal(data, inject))
        }
    }

    /// `wandb.Html(data, data_is_not_path=True)`: `html` is literal HTML.
    pub fn from_literal(html: &str, inject: bool) -> Self {
        let text = if inject {
            inject_head(html)
        } else {
            html.to_owned()
        };
        Html {
            file: MediaFile::generated(text.into_bytes(), ".html"),
        }
    }

    /// HTML read from a file. Without `inject` the file is copied as it is; with it, the
    /// injected text is written as a new file.
    pub fn from_path(path: impl AsRef<Path>, inject: bool) -> Result<Self> {
        let path = path.as_ref();
        if inject {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io("reading", path, e))?;
            Ok(Self::from_literal(&text, true))
        } else {
            Ok(Html {
                file: MediaFile::from_path(path, Some(".html"))?,
            })
        }
    }

    /// The file behind the value.
    pub fn file(&self) -> &MediaFile {
        &self.file
    }

    /// Reads an artifact entry back (`from_json` uses `inject=False`).
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Self> {
        let path = json
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::decode("html-file", "`path` must be a string"))?;
        let bytes = source.read_entry(path)?;
        Ok(Html {
            file: MediaFile::generated(bytes, ".html"),
        })
    }
}

impl WbValue for Html {
    fn log_type(&self) -> Option<&'static str> {
        Some("html-file")
    }
    fn class_name(&self) -> &'static str {
        "Html"
    }
    fn bind_to_run(&self, run: &dyn RunTarget, key: &str, step: Step) -> Result<()> {
        self.file.bind(run, MEDIA_DIR, key, step).map(drop)
    }
    fn to_run_json(&self, _run: &dyn RunTarget) -> Result<Value> {
        media_run_json(None, "html-file", &self.file, None).map(Value::Object)
    }
    fn to_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        media_artifact_json(None, "html-file", MEDIA_DIR, &self.file, artifact).map(Value::Object)
    }
    fn wb_eq(&self, other: &dyn WbValue) -> bool {
        other
            .downcast_ref::<Html>()
            .is_some_and(|o| o.file.sha256() == self.file.sha256())
    }
    fn batch_limit(&self) -> Option<Option<usize>> {
        Some(None)
    }
    fn seq_to_run_json(
        &self,
        items: &[&dyn WbValue],
        run: &dyn RunTarget,
        _key: &str,
        _step: Step,
    ) -> Result<Value> {
        let items = downcast_all::<Html>(items)?;
        let html = items
            .iter()
            .map(|h| h.to_run_json(run))
            .collect::<Result<Vec<_>>>()?;
        Ok(Value::Object(crate::json_map! {
            "_type" => "html",
            "count" => items.len(),
            "html" => Value::Array(html),
        }))
    }
}

pub(crate) fn decode(
    json: &Value,
    source: &dyn ArtifactSource,
    _: &Registry,
) -> Result<Arc<dyn WbValue>> {
    Ok(Arc::new(Html::from_json(json, source)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injection_rules() {
        assert_eq!(inject_head("<p>x</p>"), format!("{INJECTED_HEAD}<p>x</p>"));
        assert_eq!(
            inject_head("<html><body>b</body></html>"),
            format!("<html><head>{INJECTED_HEAD}</head><body>b</body></html>")
        );
        assert_eq!(
            inject_head("  <html><head><title>t</title></head></html>\n"),
            format!("<html><head>{INJECTED_HEAD}<title>t</title></head></html>")
        );
    }
}
