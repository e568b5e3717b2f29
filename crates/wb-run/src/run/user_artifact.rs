//! `run.log_artifact(artifact, aliases=..., tags=...)`: a user's artifact (built with
//! [`wb_core::Artifact`]'s `add_file`, `add_dir` and `add`) logged as the SDK logs it: one
//! `artifact` record with the manifest (each entry staged as a read-only copy), description,
//! metadata, aliases (always with `latest`) and tags. Online, wandb-core uploads the files and
//! commits the version.

use super::{Run, record};
use crate::error::{Error, Result};
use crate::settings::Mode;
use wb_core::Artifact;
use wb_proto::RecordType;

/// The SDK's `validate_artifact_name` and `validate_artifact_type` (the name at most 128
/// characters and without `/`, the type without `/` or `:`).
fn validate(artifact: &Artifact) -> Result<()> {
    const MAX: usize = 128;
    let name = &artifact.name;
    if name.chars().count() > MAX {
        let trunc: String = name.chars().take(MAX).collect();
        return Err(Error::InvalidSetting(format!(
            "Artifact name is longer than {MAX} characters: '{trunc} ...'"
        )));
    }
    if name.contains('/') {
        return Err(Error::InvalidSetting(format!(
            "Artifact names must not contain any of the following characters: '/'.  Got: '{name}'"
        )));
    }
    let ty = &artifact.artifact_type;
    if ty.contains(['/', ':']) {
        return Err(Error::InvalidSetting(
            "Artifact types must not contain any of the following characters: '/', ':'".into(),
        ));
    }
    if ty.chars().count() > MAX {
        return Err(Error::InvalidSetting(format!(
            "Artifact types must be less than or equal to {MAX} characters"
        )));
    }
    Ok(())
}

/// The optional arguments of [`Run::log_artifact_with`] (`run.log_artifact(artifact,
/// aliases=[...], tags=[...])`). The aliases and tags are checked when the artifact is logged.
///
/// ```
/// use wb_run::LogArtifactOptions;
///
/// let options = LogArtifactOptions::default()
///     .with_aliases(["best", "v1-final"])
///     .with_tags(["baseline", "small data"]);
/// assert_eq!(options.aliases(), ["best", "v1-final"]);
/// assert_eq!(options.tags(), ["baseline", "small data"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogArtifactOptions {
    aliases: Vec<String>,
    tags: Vec<String>,
}

impl LogArtifactOptions {
    /// Aliases of the logged version besides `latest`, which it always gets (`aliases=`).
    /// An alias may not contain `/` or `:`. Replaces the aliases set before.
    pub fn with_aliases<S: Into<String>>(mut self, aliases: impl IntoIterator<Item = S>) -> Self {
        self.aliases = aliases.into_iter().map(Into::into).collect();
        self
    }

    /// Tags of the logged version (`tags=`): letters, digits, `-` and `_`, in words separated
    /// by spaces. Replaces the tags set before.
    pub fn with_tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// The aliases, as given.
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }

    /// The tags, as given.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }
}

/// The first of each value, in order.
fn unique(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// The SDK's `validate_aliases` then `_resolve_aliases`: no alias with `/` or `:`; each alias
/// once, and `latest` always. The SDK returns them in a set's order, which varies between runs
/// of Python; here they keep the order given, `latest` last unless given.
fn resolve_aliases(aliases: &[String]) -> Result<Vec<String>> {
    if let Some(bad) = aliases.iter().find(|a| a.contains(['/', ':'])) {
        return Err(Error::InvalidAlias { alias: bad.clone() });
    }
    let mut out = unique(aliases);
    if !out.iter().any(|a| a == "latest") {
        out.push("latest".into());
    }
    Ok(out)
}

/// The SDK's `validate_tags`: each tag matches `^[-\w]+( +[-\w]+)*$` (word characters and
/// `-`, in groups separated by spaces); each tag once, in order. Python's `$` also accepts a
/// tag ending in one newline; that is refused here.
fn resolve_tags(tags: &[String]) -> Result<Vec<String>> {
    let valid = |t: &str| {
        !t.is_empty()
            && !t.starts_with(' ')
            && !t.ends_with(' ')
            && t.chars()
                .all(|c| c == ' ' || c == '-' || c == '_' || c.is_alphanumeric())
    };
    let out = unique(tags);
    if let Some(bad) = out.iter().find(|t| !valid(t)) {
        return Err(Error::InvalidTag { tag: bad.clone() });
    }
    Ok(out)
}

impl Run {
    /// Logs an artifact as an output of the run (`run.log_artifact(artifact)`), as version
    /// `latest` of the collection `artifact.name`: its entries are staged under the data
    /// folder's `artifacts/staging/` (so later changes to the files do not reach the upload)
    /// and an `artifact` record carries the manifest. `wb sync` / `wandb sync` (offline) or
    /// wandb-core (online) uploads the files and commits the version. Clone the artifact to
    /// keep it: a logged version is not changed again.
    ///
    /// ```no_run
    /// use wb_core::Artifact;
    /// use wb_core::json_map;
    /// use wb_run::Run;
    ///
    /// let run = Run::builder().with_project("demo").build()?;
    /// let mut dataset = Artifact::new("mnist-subset", "dataset")
    ///     .with_description("the first 1000 images")
    ///     .with_metadata(json_map! {"rows" => 1000});
    /// dataset.add_file("data/labels.csv")?; // entry "labels.csv"
    /// dataset.add_dir_as("data/images", "images")?; // entries "images/..."
    /// run.log_artifact(dataset)?;
    /// run.finish(0)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn log_artifact(&self, artifact: Artifact) -> Result<()> {
        self.log_artifact_with(artifact, LogArtifactOptions::default())
    }

    /// [`Run::log_artifact`] with aliases and tags (`run.log_artifact(artifact,
    /// aliases=[...], tags=[...])`): the version gets the aliases and `latest`, each once, and
    /// the tags, each once. An alias with `/` or `:` is refused ([`Error::InvalidAlias`]), as
    /// is a tag with other characters than letters, digits, `-`, `_` and single spaces between
    /// words ([`Error::InvalidTag`]); nothing is logged then.
    ///
    /// ```no_run
    /// use wb_core::Artifact;
    /// use wb_run::{LogArtifactOptions, Run};
    ///
    /// let run = Run::builder().with_project("demo").build()?;
    /// let mut model = Artifact::new("classifier", "model");
    /// model.add_file("model.safetensors")?;
    /// run.log_artifact_with(
    ///     model,
    ///     LogArtifactOptions::default().with_aliases(["best"]).with_tags(["resnet"]),
    /// )?;
    /// run.finish(0)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn log_artifact_with(&self, artifact: Artifact, options: LogArtifactOptions) -> Result<()> {
        self.check_open()?;
        // The SDK checks the name and type when the artifact is made, before these.
        validate(&artifact)?;
        let aliases = resolve_aliases(&options.aliases)?;
        let tags = resolve_tags(&options.tags)?;
        if self.mode == Mode::Disabled {
            return Ok(());
        }
        let mut art = self.artifact_record(&artifact)?;
        art.aliases = aliases;
        art.tags = tags;
        let rec = record(RecordType::Artifact(art), Some(&self.id));
        self.emit(|_| Ok(vec![rec]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_types_are_checked_as_the_sdk_checks_them() {
        assert!(validate(&Artifact::new("my-data.v1_x", "dataset")).is_ok());
        assert_eq!(
            validate(&Artifact::new("a/b", "dataset"))
                .unwrap_err()
                .to_string(),
            "Artifact names must not contain any of the following characters: '/'.  Got: 'a/b'"
        );
        assert!(validate(&Artifact::new("x".repeat(129), "dataset")).is_err());
        assert!(validate(&Artifact::new("ok", "a:b")).is_err());
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn aliases_always_have_latest_once_and_refuse_separators() {
        assert_eq!(resolve_aliases(&[]).unwrap(), ["latest"]);
        assert_eq!(
            resolve_aliases(&strings(&["best", "v 1", "best", "latest"])).unwrap(),
            ["best", "v 1", "latest"]
        );
        for bad in ["a/b", "run:v1"] {
            let e = resolve_aliases(&strings(&["ok", bad])).unwrap_err();
            assert!(
                matches!(&e, Error::InvalidAlias { alias } if alias == bad),
                "{e}"
            );
            assert!(e.to_string().contains("'/', ':'"), "{e}");
        }
    }

    #[test]
    fn tags_are_words_separated_by_spaces() {
        assert_eq!(
            resolve_tags(&strings(&["a-b_c", "two  words", "a-b_c", "été"])).unwrap(),
            ["a-b_c", "two  words", "été"]
        );
        for bad in ["", " lead", "trail ", "a.b", "a/b", "tab\there", "line\n"] {
            let e = resolve_tags(&strings(&[bad])).unwrap_err();
            assert!(
                matches!(&e, Error::InvalidTag { tag } if tag == bad),
                "{bad:?}: {e}"
            );
        }
    }
}
