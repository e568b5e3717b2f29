//! `run.log_artifact(artifact)`: a user's artifact (built with [`wb_core::Artifact`]'s
//! `add_file`, `add_dir` and `add`) logged as the SDK logs it: one `artifact` record with the
//! manifest (each entry staged as a read-only copy), description and metadata, aliased
//! `latest`. Online, wandb-core uploads the files and commits the version.

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
        self.check_open()?;
        validate(&artifact)?;
        if self.mode == Mode::Disabled {
            return Ok(());
        }
        let art = self.artifact_record(&artifact)?;
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
}
