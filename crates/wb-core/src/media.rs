//! [`MediaFile`]: the one file behind a media value, and its binding to a run or artifact.

use crate::artifact::{ArtifactTarget, EntryData, LocalId};
use crate::error::{Error, Result};
use crate::fs::{atomic_copy, atomic_write};
use crate::hash::{md5_hex, sha256_hex};
use crate::path::{Step, media_file_name, splitext_ext};
use crate::target::RunTarget;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Where the bytes of a media file come from.
#[derive(Debug, Clone)]
pub enum MediaSource {
    /// Bytes this library encoded (the SDK's temp files, `is_tmp=True`). They stay in memory
    /// until the value is bound, then are written once, straight to their final place.
    Generated(Arc<[u8]>),
    /// A file the user gave by path (`is_tmp=False`); it is copied, never moved.
    UserFile(PathBuf),
}

/// Where a bound media file is in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// Path relative to the run's `files/` folder, `/`-separated (the JSON `path`).
    pub rel_path: String,
    /// Absolute path of the file on disk.
    pub abs_path: PathBuf,
}

/// The file behind a media value (the SDK's `Media._path`, `_sha256`, `_size`, `_extension`).
#[derive(Debug)]
pub struct MediaFile {
    source: MediaSource,
    sha256: String,
    size: u64,
    ext: String,
    local: LocalId,
    binding: Mutex<Option<Binding>>,
}

impl Clone for MediaFile {
    fn clone(&self) -> Self {
        MediaFile {
            source: self.source.clone(),
            sha256: self.sha256.clone(),
            size: self.size,
            ext: self.ext.clone(),
            local: self.local.clone(),
            binding: Mutex::new(self.binding()),
        }
    }
}

impl MediaFile {
    /// Media from bytes this library generated, with their extension (`".png"`, `".pts.json"`).
    pub fn generated(bytes: impl Into<Arc<[u8]>>, ext: &str) -> Self {
        let bytes: Arc<[u8]> = bytes.into();
        MediaFile {
            sha256: sha256_hex(&bytes),
            size: bytes.len() as u64,
            source: MediaSource::Generated(bytes),
            ext: ext.to_owned(),
            local: LocalId::Generated(NEXT_ID.fetch_add(1, Ordering::Relaxed)),
            binding: Mutex::new(None),
        }
    }

    /// [`MediaFile::generated`] for an encoder that hashed its output while producing it
    /// (for example on another thread, overlapping hashing with encoding): `sha256` must be the
    /// lowercase hex SHA-256 of `bytes` (debug builds check it).
    pub fn generated_prehashed(bytes: Arc<[u8]>, ext: &str, sha256: String) -> Self {
        debug_assert_eq!(
            sha256,
            sha256_hex(&bytes),
            "generated_prehashed: wrong sha256"
        );
        MediaFile {
            sha256,
            size: bytes.len() as u64,
            source: MediaSource::Generated(bytes),
            ext: ext.to_owned(),
            local: LocalId::Generated(NEXT_ID.fetch_add(1, Ordering::Relaxed)),
            binding: Mutex::new(None),
        }
    }

    /// Media backed by a user's file, copied when bound. `ext` defaults to the path's last
    /// extension (`splitext`); pass it for multi-dot ones (`".pts.json"`).
    pub fn from_path(path: impl AsRef<Path>, ext: Option<&str>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::io("reading", path, e))?;
        let name = path.to_string_lossy();
        let ext = ext.map_or_else(|| splitext_ext(&name).to_owned(), str::to_owned);
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        Ok(MediaFile {
            sha256: sha256_hex(&bytes),
            size: bytes.len() as u64,
            source: MediaSource::UserFile(path.to_path_buf()),
            ext,
            local: LocalId::Path(abs),
            binding: Mutex::new(None),
        })
    }

    /// Lowercase hex SHA-256 of the file's bytes.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// File size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The extension, with its leading dot.
    pub fn extension(&self) -> &str {
        &self.ext
    }

    /// Where the bytes come from.
    pub fn source(&self) -> &MediaSource {
        &self.source
    }

    /// The file's bytes (read from disk for a user file).
    pub fn bytes(&self) -> Result<Arc<[u8]>> {
        match &self.source {
            MediaSource::Generated(b) => Ok(b.clone()),
            MediaSource::UserFile(p) => std::fs::read(p)
                .map(Arc::from)
                .map_err(|e| Error::io("reading", p, e)),
        }
    }

    /// `true` while the file is a generated one not yet bound to a run (the SDK's `_is_tmp`).
    pub fn is_tmp(&self) -> bool {
        matches!(self.source, MediaSource::Generated(_)) && self.binding().is_none()
    }

    /// The run binding, if bound.
    pub fn binding(&self) -> Option<Binding> {
        self.binding
            .lock()
            .map(|b| b.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Binds the file to `run` under `media_dir` as `{safe_key}_{step}_{sha256[:20]}{ext}`,
    /// writes it there (atomically) and publishes it. A file already bound keeps its path.
    pub fn bind(
        &self,
        run: &dyn RunTarget,
        media_dir: &str,
        key: &str,
        step: Step,
    ) -> Result<Binding> {
        let mut guard = self.binding.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = guard.as_ref() {
            return Ok(b.clone());
        }
        let name = media_file_name(key, step, &self.sha256[..20], &self.ext)?;
        let published = format!("{media_dir}/{name}");
        // The SDK publishes the path as it joined it, and its JSON `path` is that path
        // normalized (`os.path.relpath`): empty components of a key (`a//b`) collapse.
        let rel_path = published
            .split('/')
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join("/");
        let abs_path = run.files_dir().join(&rel_path);
        match &self.source {
            MediaSource::Generated(bytes) => atomic_write(&abs_path, bytes)?,
            MediaSource::UserFile(src) => atomic_copy(src, &abs_path)?,
        }
        run.publish_file(&published)?;
        let b = Binding { rel_path, abs_path };
        *guard = Some(b.clone());
        Ok(b)
    }

    /// Adds the file to `artifact` under `media_dir` and returns its entry name, with the SDK's
    /// naming: a generated, unbound file is `<media_dir>/<md5[:20]><ext>`; any other file is
    /// `<media_dir>/<sha256[:20]>/<basename>`; the same file added twice keeps its first name.
    pub fn add_to_artifact(
        &self,
        artifact: &mut dyn ArtifactTarget,
        media_dir: &str,
    ) -> Result<String> {
        let local = match self.binding() {
            Some(b) => LocalId::Path(b.abs_path),
            None => self.local.clone(),
        };
        if let Some(name) = artifact.entry_for_local(&local) {
            return Ok(name);
        }
        let (name, data) = match (&self.source, self.binding()) {
            (MediaSource::Generated(bytes), None) => (
                format!("{media_dir}/{}{}", &md5_hex(bytes)[..20], self.ext),
                EntryData::Bytes(bytes.clone()),
            ),
            (_, Some(b)) => (
                format!(
                    "{media_dir}/{}/{}",
                    &self.sha256[..20],
                    basename(&b.abs_path)
                ),
                EntryData::File(b.abs_path),
            ),
            (MediaSource::UserFile(p), None) => (
                format!("{media_dir}/{}/{}", &self.sha256[..20], basename(p)),
                EntryData::File(p.clone()),
            ),
        };
        artifact.put_entry(&name, data)?;
        artifact.remember_local(local, name.clone());
        Ok(name)
    }
}

fn basename(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `{"_type": ..., "sha256": ..., "size": ..., "path": ...}` preceded by `caption` when set: the
/// run JSON every file-backed media starts with (SDK `Media.to_json(run)`). `artifact_urls`
/// (`artifact_path`, `_latest_artifact_path`) go before `path` when the value was added to an
/// artifact first.
pub fn media_run_json(
    caption: Option<&str>,
    type_name: &str,
    file: &MediaFile,
    artifact_urls: Option<(&str, &str)>,
) -> Result<crate::json::Map> {
    let b = file.binding().ok_or_else(|| {
        Error::value(format!(
            "{type_name} value must be bound to a run with bind_to_run() before being serialized to JSON"
        ))
    })?;
    let mut m = crate::json::Map::new();
    if let Some(c) = caption {
        m.insert("caption".into(), c.into());
    }
    m.insert("_type".into(), type_name.into());
    m.insert("sha256".into(), file.sha256().into());
    m.insert("size".into(), file.size().into());
    if let Some((url, latest)) = artifact_urls {
        m.insert("artifact_path".into(), url.into());
        m.insert("_latest_artifact_path".into(), latest.into());
    }
    m.insert("path".into(), b.rel_path.into());
    Ok(m)
}

/// `{"caption"?, "path", "sha256", "_type"}`, the artifact JSON of a file-backed media
/// (SDK `Media.to_json(artifact)`), after adding the file to `artifact`.
pub fn media_artifact_json(
    caption: Option<&str>,
    log_type: &str,
    media_dir: &str,
    file: &MediaFile,
    artifact: &mut dyn ArtifactTarget,
) -> Result<crate::json::Map> {
    let name = file.add_to_artifact(artifact, media_dir)?;
    let mut m = crate::json::Map::new();
    if let Some(c) = caption {
        m.insert("caption".into(), c.into());
    }
    m.insert("path".into(), name.into());
    m.insert("sha256".into(), file.sha256().into());
    m.insert("_type".into(), log_type.into());
    Ok(m)
}
