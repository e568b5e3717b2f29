//! The run target: where bound media files go and what is told about them.

use crate::artifact::Artifact;
use crate::error::Result;
use crate::json::Value;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a value needs from a run to bind itself (the parts of `wandb.Run` media uses).
///
/// [`DirRun`] is a plain directory; `wb-run` implements a real offline run.
pub trait RunTarget: Send + Sync {
    /// The run's `files/` folder (`run.dir`); media paths are relative to it.
    fn files_dir(&self) -> &Path;
    /// The run id (8 characters of `[a-z0-9]` for runs the SDK creates).
    fn run_id(&self) -> &str;
    /// Announces a file written under `files/` (the SDK's `_publish_file`, a `FilesRecord`).
    fn publish_file(&self, rel_path: &str) -> Result<()>;
    /// Logs an artifact built while logging a value (the automatic `run_table` artifact of a
    /// table); after this the artifact's client ids are the ones its references use.
    fn log_artifact(&self, artifact: Artifact) -> Result<()>;
    /// Sets `config._wandb[section][key] = value` (class labels of boxes and masks).
    fn update_config_singleton(&self, section: &str, key: &str, value: Value) -> Result<()>;
}

/// A run target that is just a directory: files go under it, published paths, logged
/// artifacts and config singletons are kept in memory for inspection.
#[derive(Debug)]
pub struct DirRun {
    files_dir: PathBuf,
    run_id: String,
    published: Mutex<Vec<String>>,
    artifacts: Mutex<Vec<Artifact>>,
    config: Mutex<crate::json::Map>,
}

impl DirRun {
    /// A run whose `files/` folder is `files_dir`, with a random 8-character id.
    pub fn new(files_dir: impl Into<PathBuf>) -> Self {
        DirRun {
            files_dir: files_dir.into(),
            run_id: crate::random::random_id(8),
            published: Mutex::default(),
            artifacts: Mutex::default(),
            config: Mutex::default(),
        }
    }

    /// Sets the run id (instead of a random one).
    #[must_use]
    pub fn with_id(mut self, run_id: impl Into<String>) -> Self {
        self.run_id = run_id.into();
        self
    }

    /// The `files/` folder (the same as [`RunTarget::files_dir`], without importing the trait).
    pub fn files_dir_path(&self) -> &Path {
        &self.files_dir
    }

    /// Files published so far, in order.
    pub fn published(&self) -> Vec<String> {
        self.published.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Artifacts logged so far.
    pub fn artifacts(&self) -> Vec<Artifact> {
        self.artifacts.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// The `_wandb` config singletons set so far.
    pub fn config_singletons(&self) -> crate::json::Map {
        self.config.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl RunTarget for DirRun {
    fn files_dir(&self) -> &Path {
        &self.files_dir
    }
    fn run_id(&self) -> &str {
        &self.run_id
    }
    fn publish_file(&self, rel_path: &str) -> Result<()> {
        if let Ok(mut v) = self.published.lock() {
            v.push(rel_path.to_owned());
        }
        Ok(())
    }
    fn log_artifact(&self, artifact: Artifact) -> Result<()> {
        if let Ok(mut v) = self.artifacts.lock() {
            v.push(artifact);
        }
        Ok(())
    }
    fn update_config_singleton(&self, section: &str, key: &str, value: Value) -> Result<()> {
        if let Ok(mut c) = self.config.lock() {
            let sec = c.entry(section.to_owned()).or_insert_with(Value::object);
            if let Some(m) = sec.as_object_mut() {
                m.insert(key.to_owned(), value);
            }
        }
        Ok(())
    }
}
