//! `run.save`: files (a path or a glob) linked or copied into the run's `files/` folder and
//! announced with a `files` record carrying their upload policy, as `wandb.save` does.

use super::{Run, record};
use crate::error::{Error, Result};
use crate::settings::Mode;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;
use wb_proto::{FileType, FilesItem, FilesRecord, RecordType};

/// When a saved file is uploaded (`wandb.save(policy=...)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum FilePolicy {
    /// Uploaded once, right away.
    Now,
    /// Uploaded now and again each time it changes while the run is open. A file that could
    /// only be copied (not linked) into the run folder is uploaded once (`Now`), as the SDK
    /// does, since later changes would not show in the copy. The SDK's default.
    #[default]
    Live,
    /// Uploaded when the run finishes.
    End,
}

impl FilePolicy {
    /// The SDK's name of the policy.
    pub fn as_str(self) -> &'static str {
        match self {
            FilePolicy::Now => "now",
            FilePolicy::Live => "live",
            FilePolicy::End => "end",
        }
    }

    fn to_proto(self) -> wb_proto::FilePolicy {
        match self {
            FilePolicy::Now => wb_proto::FilePolicy::Now,
            FilePolicy::Live => wb_proto::FilePolicy::Live,
            FilePolicy::End => wb_proto::FilePolicy::End,
        }
    }
}

impl fmt::Display for FilePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FilePolicy {
    type Err = Error;

    fn from_str(s: &str) -> Result<FilePolicy> {
        match s {
            "now" => Ok(FilePolicy::Now),
            "live" => Ok(FilePolicy::Live),
            "end" => Ok(FilePolicy::End),
            _ => Err(Error::InvalidSetting(
                "Only \"live\", \"end\" and \"now\" policies are currently supported.".into(),
            )),
        }
    }
}

/// The optional arguments of [`Run::save_with`] (`wandb.save(base_path=..., glob=...)`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SaveOptions {
    base_path: Option<PathBuf>,
    glob: bool,
}

impl Default for SaveOptions {
    fn default() -> Self {
        SaveOptions {
            base_path: None,
            glob: true,
        }
    }
}

impl SaveOptions {
    /// The folder the saved paths are relative to in the run's `files/` folder: a prefix of
    /// the path or glob (default: the current folder for a relative path; for an absolute one,
    /// the parent of its folder, so the file keeps one folder level, with a warning, as the
    /// SDK does).
    pub fn with_base_path(mut self, base_path: impl Into<PathBuf>) -> Self {
        self.base_path = Some(base_path.into());
        self
    }

    /// Whether the path is a glob pattern (`*`, `?`, `[...]`; the default) or a literal path.
    pub fn with_glob(mut self, glob: bool) -> Self {
        self.glob = glob;
        self
    }

    /// The base path, if one was given.
    pub fn base_path(&self) -> Option<&Path> {
        self.base_path.as_deref()
    }

    /// Whether the path is expanded as a glob.
    pub fn is_glob(&self) -> bool {
        self.glob
    }
}

/// Python's `os.path.abspath`: joined onto the current folder and normalized (`.` and `..`
/// removed without reading links).
fn abspath(p: &Path) -> Result<PathBuf> {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::io("reading the current folder for", p, e))?
            .join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    Ok(out)
}

/// The SDK's `validate_glob_path`.
fn validate(glob: &Path, base: &Path) -> Result<PathBuf> {
    let (g, b) = (glob.to_string_lossy(), base.to_string_lossy());
    if !g.starts_with(b.as_ref()) {
        return Err(Error::InvalidSetting(
            "Glob may not walk above the base path".into(),
        ));
    }
    if glob == base {
        return Err(Error::InvalidSetting(
            "Glob cannot be the same as the base path".into(),
        ));
    }
    let rel = glob.strip_prefix(base).map_err(|_| {
        Error::InvalidSetting(format!(
            "{} is not in the subpath of {}",
            glob.display(),
            base.display()
        ))
    })?;
    if rel
        .components()
        .next()
        .is_some_and(|c| c.as_os_str() == "*")
    {
        return Err(Error::InvalidSetting(
            "Glob may not start with '*' relative to the base path".into(),
        ));
    }
    Ok(rel.to_path_buf())
}

fn has_magic(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Python's `fnmatch.fnmatchcase` (`*`, `?`, `[seq]`, `[!seq]`).
fn fnmatch(name: &[char], pat: &[char]) -> bool {
    match pat.first() {
        None => name.is_empty(),
        Some('*') => (0..=name.len()).any(|i| fnmatch(&name[i..], &pat[1..])),
        Some('?') => !name.is_empty() && fnmatch(&name[1..], &pat[1..]),
        Some('[') => match class_end(pat) {
            Some(end) => {
                !name.is_empty()
                    && class_matches(&pat[1..end], name[0])
                    && fnmatch(&name[1..], &pat[end + 1..])
            }
            // An unclosed `[` is a literal.
            None => name.first() == Some(&'[') && fnmatch(&name[1..], &pat[1..]),
        },
        Some(c) => name.first() == Some(c) && fnmatch(&name[1..], &pat[1..]),
    }
}

/// The index of the `]` closing the class that starts at `pat[0]` (a `]` first in the class,
/// after an optional `!`, is a member).
fn class_end(pat: &[char]) -> Option<usize> {
    let mut i = 1;
    if pat.get(i) == Some(&'!') {
        i += 1;
    }
    if pat.get(i) == Some(&']') {
        i += 1;
    }
    while i < pat.len() {
        if pat[i] == ']' {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn class_matches(class: &[char], c: char) -> bool {
    let (negate, class) = match class.split_first() {
        Some(('!', rest)) => (true, rest),
        _ => (false, class),
    };
    let mut found = false;
    let mut i = 0;
    while i < class.len() {
        if i + 2 < class.len() && class[i + 1] == '-' {
            if class[i] <= c && c <= class[i + 2] {
                found = true;
            }
            i += 3;
        } else {
            if class[i] == c {
                found = true;
            }
            i += 1;
        }
    }
    found != negate
}

/// Python's `glob.glob(pattern)` (not recursive: `**` is `*`): names starting with `.` match
/// only a pattern part that starts with `.`; a part without magic must exist.
fn glob(pattern: &Path) -> Vec<PathBuf> {
    let parts: Vec<Component<'_>> = pattern.components().collect();
    let mut current: Vec<PathBuf> = vec![PathBuf::new()];
    for (i, c) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let part = c.as_os_str().to_string_lossy();
        let mut next = Vec::new();
        if matches!(c, Component::Normal(_)) && has_magic(&part) {
            let pat: Vec<char> = part.chars().collect();
            for dir in &current {
                let Ok(rd) = std::fs::read_dir(dir) else {
                    continue;
                };
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') && !part.starts_with('.') {
                        continue;
                    }
                    let chars: Vec<char> = name.chars().collect();
                    if !fnmatch(&chars, &pat) {
                        continue;
                    }
                    let p = dir.join(&name);
                    if last || p.is_dir() {
                        next.push(p);
                    }
                }
            }
        } else {
            for dir in &current {
                let p = dir.join(c.as_os_str());
                let ok = if last {
                    std::fs::symlink_metadata(&p).is_ok()
                } else {
                    p.is_dir()
                };
                if ok {
                    next.push(p);
                }
            }
        }
        current = next;
    }
    if parts.is_empty() {
        return Vec::new();
    }
    current.sort();
    current
}

/// Whether `a` and `b` are the same file (Python's `samefile`).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// How a saved file got into the run folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Linked {
    #[cfg_attr(windows, allow(dead_code))] // No symbolic links on Windows (see link_or_copy).
    Symlink,
    Hardlink,
    Copy,
}

/// The SDK's `link_or_copy`: a symbolic link (not on Windows), else a hard link, else a copy
/// (written beside the target and renamed over it).
fn link_or_copy(src: &Path, dst: &Path) -> Result<Linked> {
    #[cfg(unix)]
    if std::os::unix::fs::symlink(src, dst).is_ok() {
        return Ok(Linked::Symlink);
    }
    if std::fs::hard_link(src, dst).is_ok() {
        return Ok(Linked::Hardlink);
    }
    let mut tmp = dst.as_os_str().to_owned();
    tmp.push(".tmp~wandb");
    let tmp = PathBuf::from(tmp);
    std::fs::copy(src, &tmp).map_err(|e| Error::io("copying a saved file to", &tmp, e))?;
    std::fs::rename(&tmp, dst).map_err(|e| Error::io("renaming a saved file to", dst, e))?;
    Ok(Linked::Copy)
}

/// Removes a file or link at `p` (not a folder), as the SDK's `unlink_path`.
fn unlink(p: &Path) -> Result<()> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() || m.is_file() => {
            std::fs::remove_file(p).map_err(|e| Error::io("removing", p, e))
        }
        _ => Ok(()),
    }
}

/// A path relative to `files/` as the SDK writes it in a files record (`/` separated).
fn rel_string(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

impl Run {
    /// Saves files with the run (`run.save(glob_str, policy=...)`): every file matching the
    /// path or glob is linked (or copied, where it cannot be linked) into the run's `files/`
    /// folder, keeping its folders below the base path, and announced in a `files` record so
    /// that `wb sync` / `wandb sync` (offline) or wandb-core (online) uploads it by `policy`.
    /// Returns the paths in the run folder, sorted. See [`Run::save_with`] for the base path
    /// and literal paths. As in the SDK, a saved file is a link to yours: do not save files
    /// named as the run's own (`config.yaml`, `wandb-summary.json`, `wandb-metadata.json`,
    /// `output.log`, `requirements.txt`) at the top of `files/`, which wandb-core writes.
    ///
    /// ```no_run
    /// use wb_run::{FilePolicy, Run};
    ///
    /// let run = Run::builder().with_project("demo").build()?;
    /// run.save("checkpoints/*.pt", FilePolicy::Live)?; // files/checkpoints/<each match>
    /// run.save("config.yaml", FilePolicy::Now)?;
    /// # Ok::<(), wb_run::Error>(())
    /// ```
    pub fn save(&self, path_or_glob: impl AsRef<Path>, policy: FilePolicy) -> Result<Vec<PathBuf>> {
        self.save_with(path_or_glob, policy, SaveOptions::default())
    }

    /// [`Run::save`] with a base path and the choice of a literal path
    /// (`run.save(glob_str, base_path=..., policy=..., glob=...)`). Errors are the SDK's:
    /// a glob above the base path, equal to it, or starting with `*` below it.
    pub fn save_with(
        &self,
        path_or_glob: impl AsRef<Path>,
        policy: FilePolicy,
        options: SaveOptions,
    ) -> Result<Vec<PathBuf>> {
        self.check_open()?;
        if self.mode == Mode::Disabled {
            return Ok(Vec::new());
        }
        let given = path_or_glob.as_ref();
        let glob_path = abspath(given)?;
        let base = match &options.base_path {
            Some(b) => abspath(b)?,
            None if !given.is_absolute() => abspath(Path::new("."))?,
            None => {
                self.warn_once_saving_without_folders();
                glob_path
                    .parent()
                    .and_then(Path::parent)
                    .map(Path::to_path_buf)
                    .unwrap_or_default()
            }
        };
        let rel_glob = validate(&glob_path, &base)?;
        let files_root = self.files_dir.clone();
        let (sources, preexisting): (Vec<PathBuf>, Vec<PathBuf>) = if options.glob {
            let pre = glob(&files_root.join(&rel_glob));
            let src = glob(&base.join(&rel_glob));
            (src, pre)
        } else {
            let dst = files_root.join(&rel_glob);
            let pre = if std::fs::symlink_metadata(&dst).is_ok() {
                vec![dst]
            } else {
                Vec::new()
            };
            let src = base.join(&rel_glob);
            let src = if std::fs::symlink_metadata(&src).is_ok() {
                vec![src]
            } else {
                Vec::new()
            };
            (src, pre)
        };
        let mut entries: Vec<(String, FilePolicy)> = Vec::new();
        let mut created: Vec<PathBuf> = Vec::new();
        for src in sources {
            let rel = src.strip_prefix(&base).unwrap_or(&src).to_path_buf();
            let dst = files_root.join(&rel);
            created.push(dst.clone());
            if dst.exists() && same_file(&src, &dst) {
                entries.push((rel_string(&rel), policy));
                continue;
            }
            if let Some(parent) = dst.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io("creating folder", parent, e))?;
            }
            unlink(&dst)?;
            let effective = match (link_or_copy(&src, &dst)?, policy) {
                (Linked::Copy, FilePolicy::Live) => FilePolicy::Now,
                _ => policy,
            };
            entries.push((rel_string(&rel), effective));
        }
        for p in preexisting {
            if !created.contains(&p) {
                let rel = p.strip_prefix(&files_root).unwrap_or(&p);
                entries.push((rel_string(rel), policy));
            }
        }
        let files = entries
            .iter()
            .map(|(path, policy)| FilesItem {
                path: path.clone(),
                policy: policy.to_proto() as i32,
                file_type: FileType::Other as i32,
            })
            .collect();
        let rec = record(
            RecordType::Files(FilesRecord { files, info: None }),
            Some(&self.id),
        );
        self.emit_with_telemetry(&[crate::telemetry::Feature::Save], vec![rec])?;
        let mut out: Vec<PathBuf> = entries.iter().map(|(p, _)| files_root.join(p)).collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The SDK's warning for an absolute path without a base path, printed once per process
    /// (its `termwarn(repeat=False)`).
    fn warn_once_saving_without_folders(&self) {
        use std::sync::atomic::{AtomicBool, Ordering};
        static WARNED: AtomicBool = AtomicBool::new(false);
        if !WARNED.swap(true, Ordering::SeqCst) {
            eprintln!(
                "wandb: WARNING Saving files without folders. If you want to preserve \
                 subdirectories pass base_path to wandb.save, i.e. \
                 wandb.save(\"/mnt/folder/file.h5\", base_path=\"/mnt\")"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, pat: &str) -> bool {
        let n: Vec<char> = name.chars().collect();
        let p: Vec<char> = pat.chars().collect();
        fnmatch(&n, &p)
    }

    #[test]
    fn fnmatch_is_pythons() {
        assert!(m("a.txt", "*.txt"));
        assert!(!m("a.txt", "*.py"));
        assert!(m("a1", "a?"));
        assert!(m("b", "[abc]"));
        assert!(!m("d", "[abc]"));
        assert!(m("d", "[!abc]"));
        assert!(m("5", "[0-9]"));
        assert!(m("]", "[]]"));
        assert!(m("[x", "[x"));
        assert!(m("", "*"));
    }

    #[test]
    fn glob_paths_are_checked_as_the_sdk_checks_them() {
        let base = Path::new("/a/b");
        assert_eq!(
            validate(Path::new("/a/b/c/*.txt"), base).unwrap(),
            Path::new("c/*.txt")
        );
        for (glob, msg) in [
            ("/a/x", "Glob may not walk above the base path"),
            ("/a/b", "Glob cannot be the same as the base path"),
            (
                "/a/b/*/x",
                "Glob may not start with '*' relative to the base path",
            ),
        ] {
            assert_eq!(
                validate(Path::new(glob), base).unwrap_err().to_string(),
                msg
            );
        }
        assert_eq!("live".parse::<FilePolicy>().unwrap(), FilePolicy::Live);
        assert!("later".parse::<FilePolicy>().is_err());
    }

    #[test]
    fn glob_skips_hidden_names_and_matches_folders_level_by_level() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::create_dir_all(d.join("x/sub")).unwrap();
        for f in ["x/a.txt", "x/.h.txt", "x/sub/b.txt", "x/c.log"] {
            std::fs::write(d.join(f), f).unwrap();
        }
        assert_eq!(glob(&d.join("x/*.txt")), vec![d.join("x/a.txt")]);
        assert_eq!(glob(&d.join("x/.*.txt")), vec![d.join("x/.h.txt")]);
        assert_eq!(glob(&d.join("*/*/b.txt")), vec![d.join("x/sub/b.txt")]);
        assert_eq!(
            glob(&d.join("x/*")),
            vec![d.join("x/a.txt"), d.join("x/c.log"), d.join("x/sub")]
        );
        assert_eq!(glob(&d.join("x/none.txt")), Vec::<PathBuf>::new());
        assert_eq!(glob(&d.join("x/c.log")), vec![d.join("x/c.log")]);
    }
}
