//! [`Html`] (`html-file`).

use crate::artifact::ArtifactSource;
use crate::error::{Error, Result};
use crate::internal::media::media_value_methods;
use crate::json::Value;
use crate::media::MediaFile;
use crate::media_type::{Media, MediaType};
use crate::path::Step;
use crate::target::RunTarget;
use crate::value::{Batching, WbValue, downcast_all};
use std::path::Path;

/// The media folder of HTML files.
pub const MEDIA_DIR: &str = "media/html";
/// What `inject` adds: a `_blank` base target and W&B's stylesheet.
pub const INJECTED_HEAD: &str = r#"<base target="_blank"><link rel="stylesheet" type="text/css" href="https://app.wandb.ai/normalize.css" />"#;

/// An HTML document logged as a file.
#[derive(Debug, Clone)]
pub struct Html {
    media: Media,
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

/// How HTML is written (the SDK's `inject=`).
///
/// ```
/// use wb_core::{Html, HtmlOptions};
/// let raw = Html::from_literal_with("<p>as is</p>", HtmlOptions::default().with_inject(false));
/// assert_eq!(&raw.file().bytes()?[..], b"<p>as is</p>");
/// # Ok::<(), wb_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HtmlOptions {
    inject: bool,
}

impl Default for HtmlOptions {
    /// W&B's head injected, as the SDK's default (`inject=True`).
    fn default() -> Self {
        HtmlOptions { inject: true }
    }
}

impl HtmlOptions {
    /// Whether W&B's head (a `_blank` base target and W&B's stylesheet, after the first
    /// `<head>`) is added to the document;
    /// without it the document is logged exactly as given.
    #[must_use]
    pub fn with_inject(mut self, inject: bool) -> Self {
        self.inject = inject;
        self
    }

    /// Whether W&B's head is added.
    pub fn inject(&self) -> bool {
        self.inject
    }
}

impl Html {
    /// `wandb.Html(data)`: `data` is a path when it names an existing file whose extension is
    /// exactly `.html`, otherwise literal HTML; W&B's head is injected. Fails only when the
    /// file cannot be read.
    pub fn new(data: &str) -> Result<Self> {
        Self::new_with(data, HtmlOptions::default())
    }

    /// [`Html::new`] with options (`wandb.Html(data, inject=...)`).
    pub fn new_with(data: &str, options: HtmlOptions) -> Result<Self> {
        let p = Path::new(data);
        if p.is_file() && crate::path::splitext_ext(data) == ".html" {
            Self::from_path_with(p, options)
        } else {
            Ok(Self::from_literal_with(data, options))
        }
    }

    /// Literal HTML, with W&B's head injected (`wandb.Html(html, data_is_not_path=True)`).
    pub fn from_literal(html: &str) -> Self {
        Self::from_literal_with(html, HtmlOptions::default())
    }

    /// Literal HTML, with options.
    pub fn from_literal_with(html: &str, options: HtmlOptions) -> Self {
        let text = if options.inject {
            inject_head(html)
        } else {
            html.to_owned()
        };
        Html {
            media: Media::new(MediaFile::generated(text.into_bytes(), ".html")),
        }
    }

    /// HTML read from a file, with W&B's head injected (written as a new file). Fails when
    /// the file cannot be read, or, to be injected, is not UTF-8.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        Self::from_path_with(path, HtmlOptions::default())
    }

    /// HTML read from a file, with options. Without injection the file is copied as it is
    /// when logged.
    pub fn from_path_with(path: impl AsRef<Path>, options: HtmlOptions) -> Result<Self> {
        let path = path.as_ref();
        if options.inject {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io("reading", path, e))?;
            Ok(Self::from_literal(&text))
        } else {
            Ok(Html {
                media: Media::new(MediaFile::from_path(path, Some(".html"))?),
            })
        }
    }

    /// The file behind the value.
    pub fn file(&self) -> &MediaFile {
        self.media.file()
    }

    /// Reads an artifact entry back (the file as it is, as the SDK's `inject=False`).
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Self> {
        Self::decode_media(json, source)
    }
}

impl MediaType for Html {
    const LOG_TYPE: &'static str = "html-file";
    const MEDIA_DIR: &'static str = MEDIA_DIR;
    const HAS_CAPTION: bool = false;
    fn media(&self) -> &Media {
        &self.media
    }
    fn from_media(media: Media, _json: &Value) -> Result<Self> {
        Ok(Html { media })
    }
    /// Always `.html`: the SDK reads the entry back as an HTML file.
    fn entry_extension(_path: &str) -> Result<String> {
        Ok(".html".to_owned())
    }
}

impl WbValue for Html {
    media_value_methods!("Html");
    fn batching(&self) -> Batching {
        Batching::All
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

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<Html> for crate::LogValue {
    fn from(value: Html) -> Self {
        crate::LogValue::media(value)
    }
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
