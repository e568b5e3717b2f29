//! The artifact target: entries by name, as `wandb.Artifact.add` lays them out.

use crate::error::{Error, Result};
use crate::hash::{md5_b64, md5_digest_b64};
use crate::json::{self, Dialect};
use crate::path::with_suffix;
use crate::value::WbValue;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The identity of a local file the SDK uses to re-use an entry name ("the same local path
/// was already added").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LocalId {
    /// A file on disk.
    Path(PathBuf),
    /// Bytes generated in this process (unique per generated media file).
    Generated(u64),
}

/// An artifact entry's text as a value writes it itself ([`WbValue::artifact_entry_text`]):
/// the text in parts (a large one is written by several threads, a part each), joined once,
/// straight into the entry's storage, when it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryText {
    /// The text: these parts, in order.
    pub parts: Vec<String>,
    /// Its MD5, when the writer computed it on the way (saves hashing it again).
    pub md5: Option<[u8; 16]>,
}

impl EntryText {
    /// A text in one part, with no MD5.
    pub fn new(text: String) -> Self {
        EntryText {
            parts: vec![text],
            md5: None,
        }
    }

    /// The whole text.
    pub fn text(self) -> String {
        self.parts.concat()
    }

    /// The whole text as shared bytes: one allocation and one copy of each part.
    pub fn bytes(&self) -> Arc<[u8]> {
        let len = self.parts.iter().map(String::len).sum();
        // A slice of known length collects into one allocation.
        let mut bytes: Arc<[u8]> = std::iter::repeat_n(0u8, len).collect();
        match Arc::get_mut(&mut bytes) {
            Some(dst) => {
                let mut at = 0;
                for p in &self.parts {
                    dst[at..at + p.len()].copy_from_slice(p.as_bytes());
                    at += p.len();
                }
                bytes
            }
            // Not reachable: the Arc was just made.
            None => Arc::from(self.parts.concat().into_bytes()),
        }
    }

    /// Stores the text as entry `name` of `art` (with its MD5, when it came with one).
    /// Refuses a name that would leave the artifact (`Invalid artifact path: ...`, as the SDK).
    pub fn put(self, art: &mut dyn ArtifactTarget, name: &str) -> Result<()> {
        crate::path::validate_artifact_path(name)?;
        let data = EntryData::Bytes(self.bytes());
        match self.md5 {
            Some(md5) => art.put_entry_with_md5(name, data, md5),
            None => art.put_entry(name, data),
        }
    }
}

/// The content of an artifact entry.
#[derive(Debug, Clone)]
pub enum EntryData {
    /// Bytes held in memory.
    Bytes(Arc<[u8]>),
    /// A file on disk.
    File(PathBuf),
}

impl EntryData {
    /// The entry's bytes.
    pub fn read(&self) -> Result<Arc<[u8]>> {
        match self {
            EntryData::Bytes(b) => Ok(b.clone()),
            EntryData::File(p) => std::fs::read(p)
                .map(Arc::from)
                .map_err(|e| Error::io("reading", p, e)),
        }
    }
}

/// Something values can be added to as artifact entries (the SDK's `Artifact` as a target of
/// `to_json`). [`Artifact`] is the in-memory implementation; a run writer can log it.
pub trait ArtifactTarget {
    /// Stores `data` under entry `name`, replacing an entry of that name.
    fn put_entry(&mut self, name: &str, data: EntryData) -> Result<()>;
    /// [`put_entry`](Self::put_entry) for content whose MD5 the caller computed while it wrote
    /// it (`md5` must be the MD5 of `data`'s bytes). The default ignores `md5` and hashes again.
    fn put_entry_with_md5(&mut self, name: &str, data: EntryData, md5: [u8; 16]) -> Result<()> {
        let _ = md5;
        self.put_entry(name, data)
    }
    /// The entry name a local file was already added under.
    fn entry_for_local(&self, local: &LocalId) -> Option<String>;
    /// Records that `local` was added as `name`.
    fn remember_local(&mut self, local: LocalId, name: String);
    /// Whether an entry of that name exists.
    fn has_entry(&self, name: &str) -> bool;
    /// The artifact's 128-character client id.
    fn client_id(&self) -> &str;
    /// The artifact sequence's 128-character client id.
    fn sequence_client_id(&self) -> &str;
}

/// `wandb-client-artifact://<client_id>/<entry>` and its `:latest` twin.
pub fn client_artifact_urls(art: &dyn ArtifactTarget, entry: &str) -> (String, String) {
    (
        format!("wandb-client-artifact://{}/{entry}", art.client_id()),
        format!(
            "wandb-client-artifact://{}:latest/{entry}",
            art.sequence_client_id()
        ),
    )
}

/// A manifest entry.
#[derive(Debug, Clone)]
pub struct ArtifactEntry {
    /// The content.
    pub data: EntryData,
    /// Base64 MD5 of the content (the manifest digest).
    pub digest: String,
    /// Size in bytes.
    pub size: u64,
}

/// An artifact being built: name, type, entries (a manifest in insertion order).
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Artifact name (`run-<id>-<key>` for automatic run tables).
    pub name: String,
    /// Artifact type (`run_table`, `dataset`, ...).
    pub artifact_type: String,
    /// Entries by name.
    pub entries: IndexMap<String, ArtifactEntry>,
    /// Whether this is an incremental artifact (`incremental_beta1`).
    pub incremental: bool,
    /// `wandb.Artifact(description=...)` ([`Artifact::with_description`]).
    pub(crate) description: Option<String>,
    /// `wandb.Artifact(metadata=...)` ([`Artifact::with_metadata`]).
    pub(crate) metadata: crate::json::Map,
    client_id: String,
    sequence_client_id: String,
    locals: HashMap<LocalId, String>,
}

impl Artifact {
    /// A new empty artifact with fresh random client ids.
    pub fn new(name: impl Into<String>, artifact_type: impl Into<String>) -> Self {
        Artifact {
            name: name.into(),
            artifact_type: artifact_type.into(),
            entries: IndexMap::new(),
            incremental: false,
            description: None,
            metadata: crate::json::Map::new(),
            client_id: crate::random::random_id(128),
            sequence_client_id: crate::random::random_id(128),
            locals: HashMap::new(),
        }
    }

    /// Adds `value` as entry `with_suffix(name)` (its artifact JSON in the stdlib dialect),
    /// with every file it refers to; returns the entry name. This is `artifact.add(obj, name)`.
    pub fn add(&mut self, value: &dyn WbValue, name: &str) -> Result<String> {
        add_value(self, value, name)
    }

    /// Writes every entry under `dir` at its entry name.
    pub fn write_to_dir(&self, dir: &Path) -> Result<()> {
        for (name, e) in &self.entries {
            let dest = safe_join(dir, name)?;
            crate::fs::atomic_write(&dest, &e.data.read()?)?;
        }
        Ok(())
    }

    /// The entry's content.
    pub fn entry_bytes(&self, name: &str) -> Result<Arc<[u8]>> {
        self.entries
            .get(name)
            .ok_or_else(|| {
                Error::value(format!(
                    "entry {name:?} not found in artifact {:?}",
                    self.name
                ))
            })?
            .data
            .read()
    }
}

impl Artifact {
    fn insert_entry(&mut self, name: &str, data: EntryData, digest: String, size: u64) {
        let entry = ArtifactEntry { digest, size, data };
        self.entries.insert(name.to_owned(), entry);
    }
}

impl ArtifactTarget for Artifact {
    fn put_entry(&mut self, name: &str, data: EntryData) -> Result<()> {
        let bytes = data.read()?;
        let digest = md5_b64(&bytes);
        self.insert_entry(name, data, digest, bytes.len() as u64);
        Ok(())
    }
    fn put_entry_with_md5(&mut self, name: &str, data: EntryData, md5: [u8; 16]) -> Result<()> {
        match &data {
            EntryData::Bytes(b) => {
                let size = b.len() as u64;
                self.insert_entry(name, data, md5_digest_b64(&md5), size);
                Ok(())
            }
            EntryData::File(_) => self.put_entry(name, data),
        }
    }
    fn entry_for_local(&self, local: &LocalId) -> Option<String> {
        self.locals.get(local).cloned()
    }
    fn remember_local(&mut self, local: LocalId, name: String) {
        self.locals.insert(local, name);
    }
    fn has_entry(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }
    fn client_id(&self) -> &str {
        &self.client_id
    }
    fn sequence_client_id(&self) -> &str {
        &self.sequence_client_id
    }
}

/// `artifact.add(value, name)` for any target: writes `with_suffix(name, log_type)` as the
/// value's artifact JSON (stdlib `json.dump(sort_keys=True)` bytes); returns the entry name.
pub fn add_value(art: &mut dyn ArtifactTarget, value: &dyn WbValue, name: &str) -> Result<String> {
    if !value.artifact_addable() {
        return Err(Error::type_error(format!(
            "Found object of type {}, expected one of: (Bokeh, JoinedTable, PartitionedTable, Table, Classes, \
             ImageMask, BoundingBoxes2D, Audio, Image, Video, Html, Object3D, Molecule, _SavedModel)",
            value.class_name()
        )));
    }
    let entry = with_suffix(name, value.log_type());
    crate::path::validate_artifact_path(&entry)?;
    let text = match value.artifact_entry_text(art) {
        Some(text) => text?,
        None => EntryText::new(json::to_string(
            &value.to_artifact_json(art)?,
            Dialect::Python,
        )),
    };
    text.put(art, &entry)?;
    Ok(entry)
}

/// Where `from_json` reads the files an artifact entry refers to.
pub trait ArtifactSource {
    /// The bytes of entry `name`.
    fn read_entry(&self, name: &str) -> Result<Arc<[u8]>>;
    /// Names of every entry (used by incremental and partitioned tables).
    fn entry_names(&self) -> Vec<String>;
}

impl ArtifactSource for Artifact {
    fn read_entry(&self, name: &str) -> Result<Arc<[u8]>> {
        self.entry_bytes(name)
    }
    fn entry_names(&self) -> Vec<String> {
        self.entries.keys().cloned().collect()
    }
}

/// An artifact laid out in a directory (entries at their names), for reading.
#[derive(Debug, Clone)]
pub struct DirArtifact {
    root: PathBuf,
}

impl DirArtifact {
    /// Reads entries from `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DirArtifact { root: root.into() }
    }
}

impl ArtifactSource for DirArtifact {
    fn read_entry(&self, name: &str) -> Result<Arc<[u8]>> {
        let p = safe_join(&self.root, name)?;
        std::fs::read(&p)
            .map(Arc::from)
            .map_err(|e| Error::io("reading", p, e))
    }
    fn entry_names(&self) -> Vec<String> {
        fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
            let Ok(rd) = std::fs::read_dir(dir) else {
                return;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(base, &p, out);
                } else if let Ok(rel) = p.strip_prefix(base) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &self.root, &mut out);
        out.sort();
        out
    }
}

/// Joins an entry name onto `root`, refusing names that would leave it.
pub fn safe_join(root: &Path, name: &str) -> Result<PathBuf> {
    let bad = name.is_empty()
        || name.starts_with('/')
        || name.contains('\0')
        || name.contains('\\')
        || name.split('/').any(|p| p == ".." || p == ".");
    if bad {
        return Err(Error::value(format!(
            "artifact entry name {name:?} is not a relative path inside the artifact"
        )));
    }
    Ok(root.join(name))
}
