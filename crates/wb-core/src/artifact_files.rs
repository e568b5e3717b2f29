//! A user's artifact (`wandb.Artifact(name, type, description, metadata)`): description and
//! metadata, and local files and folders added as entries (`add_file`, `add_dir`).

use crate::artifact::{Artifact, ArtifactTarget, EntryData};
use crate::error::{Error, Result};
use crate::hash::md5_b64;
use crate::json::Map;
use std::path::Path;

impl Artifact {
    /// The artifact's description (`wandb.Artifact(description=...)`).
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The artifact's metadata (`wandb.Artifact(metadata=...)`), replacing any set before.
    pub fn with_metadata(mut self, metadata: Map) -> Self {
        self.metadata = metadata;
        self
    }

    /// The description, if one was set.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The metadata (empty when none was set).
    pub fn metadata(&self) -> &Map {
        &self.metadata
    }

    /// Adds the file at `path` as the entry named by its file name (`artifact.add_file(path)`).
    /// Its bytes are read when the artifact is logged.
    pub fn add_file(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Error::value(format!(
                    "Path is not a file: {:?}",
                    path.display().to_string()
                ))
            })?;
        self.add_file_as(path, &name)
    }

    /// Adds the file at `path` as entry `name` (`artifact.add_file(path, name=...)`): a
    /// `/`-separated path inside the artifact. Adding different content under a name already
    /// used is the SDK's error.
    pub fn add_file_as(&mut self, path: impl AsRef<Path>, name: &str) -> Result<()> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(Error::value(format!(
                "Path is not a file: {:?}",
                path.display().to_string()
            )));
        }
        self.add_local(path, name.trim_start_matches('/'))
    }

    /// Adds every file under the folder `path` (links followed), each as the entry named by
    /// its path below the folder (`artifact.add_dir(path)`).
    pub fn add_dir(&mut self, path: impl AsRef<Path>) -> Result<()> {
        self.add_dir_as(path, "")
    }

    /// Adds every file under the folder `path` below the entry prefix `name`
    /// (`artifact.add_dir(path, name=...)`).
    pub fn add_dir_as(&mut self, path: impl AsRef<Path>, name: &str) -> Result<()> {
        let root = path.as_ref();
        if !root.is_dir() {
            return Err(Error::value(format!(
                "Path is not a directory: {:?}",
                root.display().to_string()
            )));
        }
        let prefix = name.trim_matches('/');
        let mut files = Vec::new();
        walk(root, root, &mut files)?;
        files.sort();
        for (rel, physical) in files {
            let entry = if prefix.is_empty() {
                rel
            } else {
                format!("{prefix}/{rel}")
            };
            self.add_local(&physical, &entry)?;
        }
        Ok(())
    }

    fn add_local(&mut self, path: &Path, name: &str) -> Result<()> {
        crate::artifact::safe_join(Path::new("."), name)?;
        let bytes = std::fs::read(path).map_err(|e| Error::io("reading", path, e))?;
        if let Some(old) = self.entries.get(name)
            && old.digest != md5_b64(&bytes)
        {
            return Err(Error::value(format!(
                "Cannot add the same path twice: {name:?}"
            )));
        }
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.put_entry(name, EntryData::File(abs))
    }
}

/// Every file under `dir` (following links, as `os.walk(followlinks=True)`), with its
/// `/`-separated path below `root`.
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, std::path::PathBuf)>) -> Result<()> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io("reading folder", dir, e))?;
    for e in rd {
        let e = e.map_err(|e| Error::io("reading folder", dir, e))?;
        let p = e.path();
        if p.is_dir() {
            walk(root, &p, out)?;
        } else if p.is_file()
            && let Ok(rel) = p.strip_prefix(root)
        {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, p));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_folders_become_entries_with_their_digests() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::create_dir_all(d.join("data/sub")).unwrap();
        std::fs::write(d.join("data/a.txt"), "hello\n").unwrap();
        std::fs::write(d.join("data/sub/c.txt"), "deep\n").unwrap();
        let mut art = Artifact::new("my-data", "dataset")
            .with_description("some files")
            .with_metadata(crate::json_map! {"rows" => 3});
        art.add_file(d.join("data/a.txt")).unwrap();
        art.add_file_as(d.join("data/a.txt"), "renamed/a.txt")
            .unwrap();
        art.add_dir_as(d.join("data"), "d").unwrap();
        let names: Vec<&str> = art.entries.keys().map(String::as_str).collect();
        assert_eq!(names, ["a.txt", "renamed/a.txt", "d/a.txt", "d/sub/c.txt"]);
        // The SDK's digest of "hello\n" (a manifest entry of a Python-written artifact).
        assert_eq!(art.entries["a.txt"].digest, "sZRqySSS0jR8YjW00mERhA==");
        assert_eq!(art.description(), Some("some files"));
        let err = art
            .add_file_as(d.join("data/sub/c.txt"), "a.txt")
            .unwrap_err();
        assert_eq!(err.to_string(), "Cannot add the same path twice: \"a.txt\"");
        assert!(
            art.add_file(d.join("data"))
                .unwrap_err()
                .to_string()
                .starts_with("Path is not a file")
        );
        assert!(
            art.add_dir(d.join("data/a.txt"))
                .unwrap_err()
                .to_string()
                .starts_with("Path is not a directory")
        );
    }
}
