//! The git patches of `save_code`, as wandb-core writes them at run start: `diff.patch` is
//! `git diff --submodule=diff HEAD` (the tracked files' staged and unstaged changes against
//! `HEAD`; untracked files are left out, newly staged ones are in) and
//! `diff_<upstream commit>.patch` is the same against the commit `@{u}` (the current branch's
//! upstream) points at. A patch with no changes is not written, as core writes none for empty
//! git output.
//!
//! Made here without a git binary: the commit's tree comes from the object store (loose
//! objects, packs with their deltas), the staged entries from the index (versions 2 to 4),
//! and the work tree files are hashed as git hashes blobs (an entry whose cached stat data
//! still matches, and is older than the index, is taken as unchanged without reading it).
//! The output is byte-identical to `git diff HEAD` for: modified, staged new and deleted
//! files (staged `git rm`, or removed from the work tree), mode changes, type changes (a
//! deletion and an addition, as git prints them), symlinks, binary files (a NUL in the first
//! 8000 bytes), missing final newlines, quoted paths (`core.quotePath`), exact renames
//! (identical content, as git finds them first), hunks with 3 lines of context, git's default
//! function lines, and git's abbreviation of object ids (7 hex digits, more in big repos and
//! as long as needed to be unique). The config is read as git reads it (system, user,
//! repository and worktree files; no `include`), and the settings that change `git diff`'s
//! bytes are followed: `core.quotePath`, `core.abbrev`, `core.fileMode`, `diff.noprefix`,
//! `diff.mnemonicPrefix`, `diff.srcPrefix`, `diff.dstPrefix`, `diff.renames`, `diff.context`,
//! `diff.interHunkContext`, `diff.indentHeuristic`, `diff.suppressBlankEmpty` and
//! `diff.algorithm=minimal`.
//!
//! Not covered (the patch may then differ from git's): the choice between equally short
//! edit scripts on files with many repeated lines (see `hunks`); renames of changed content
//! (similarity under 100%) and copies; other diff settings (`diff.algorithm=histogram` or
//! `patience`, `color.diff=always`, `diff.external`, `-c` and `GIT_CONFIG_COUNT` settings);
//! `.gitattributes`
//! and end-of-line conversion (`core.autocrlf`, `text`, `binary`, textconv and filter
//! drivers); submodule contents (gitlink entries are left out); conflicted (unmerged) paths;
//! SHA-256 repositories, split and sparse indexes, alternates (their objects are not found:
//! no patch); a multi-pack index is not read (the packs it covers are, but git's abbreviation
//! length may then count objects differently); `@{u}` from a `branch.<name>.merge`
//! that is not mapped by a plain `remote.<name>.fetch` refspec; and wandb's opt-in
//! `disable_git_fork_point=False`, which diffs against a merge base instead of `@{u}`.
//! A repository that cannot be read gives no patch and a warning; the run goes on.
//!
//! The SDK also copies the Python program to `files/code/<path>`: a Rust program's source is
//! not a single file next to the executable, so nothing is copied; the patch records the
//! changes against the commit that the run's metadata names.

mod hunks;
mod index;
mod odb;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

/// A SHA-1 object id.
pub(crate) type Oid = [u8; 20];

const NULL_OID: Oid = [0; 20];

/// Why a patch could not be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// A file of the repository could not be read.
    #[error("reading {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file or object is not what git writes.
    #[error("corrupt git data: {0}")]
    Format(String),
    /// The repository uses a format this reader does not read.
    #[error("unsupported git repository format: {0}")]
    Unsupported(String),
    /// An object is in neither a pack nor the loose objects.
    #[error("git object {0} not found")]
    MissingObject(String),
}

impl Error {
    fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The error with the file it was found in.
    fn within(self, path: &Path) -> Error {
        match self {
            Error::Format(m) => Error::Format(format!("{}: {m}", path.display())),
            other => other,
        }
    }
}

/// An object id in lowercase hex.
pub(crate) fn hex(oid: &Oid) -> String {
    oid.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_hex(s: &str) -> Option<Oid> {
    if s.len() != 40 {
        return None;
    }
    let mut oid = [0u8; 20];
    for (i, o) in oid.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(oid)
}

/// The id git gives `data` as a blob.
fn blob_id(data: &[u8]) -> Oid {
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", data.len()).as_bytes());
    h.update(data);
    h.finalize().into()
}

/// The patches being made on a background thread (a big repository takes a while to
/// hash); [`Saver::wait`] waits for them, and for their `files` record to be written.
#[derive(Debug, Default)]
pub(crate) struct Saver {
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// What is done with the patches' `files` record and warnings, on the saver's thread.
pub(crate) type Done = Box<dyn FnOnce(Option<wb_proto::FilesRecord>, Vec<String>) + Send>;

impl Saver {
    /// Starts making the patches of the repository holding `root` into `files_dir`; `done`
    /// gets the record and warnings. Without a thread, they are made here.
    pub(crate) fn start(root: &Path, files_dir: &Path, done: Done) -> Saver {
        let (root, files_dir) = (root.to_path_buf(), files_dir.to_path_buf());
        let work = move || {
            let (record, warnings) = patches(&root, &files_dir);
            done(record, warnings);
        };
        let (work_tx, work_rx) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let spawned = std::thread::Builder::new()
            .name("wb-run-git-patch".into())
            .spawn(move || {
                if let Ok(work) = work_rx.recv() {
                    work();
                }
            });
        match spawned {
            Ok(handle) => {
                // The thread exists: hand it the work (a send to it cannot fail).
                let _ = work_tx.send(Box::new(work));
                Saver {
                    thread: std::sync::Mutex::new(Some(handle)),
                }
            }
            Err(_) => {
                work();
                Saver::default()
            }
        }
    }

    /// Waits until the patches and their record are written.
    pub(crate) fn wait(&self) {
        let handle = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }
}

/// Writes the patches of the repository holding `root` (else the working folder) under
/// `files_dir`. Returns the `files` record naming them (one record, type `WANDB`, as core
/// sends it; `None` when no patch was written) and a warning for each patch that could not
/// be made.
pub(crate) fn patches(
    root: &Path,
    files_dir: &Path,
) -> (Option<wb_proto::FilesRecord>, Vec<String>) {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let start = match super::git::discover(&root) {
        Some(_) => root,
        None => std::env::current_dir().unwrap_or(root),
    };
    let (saved, warnings) = save_patches(&start, files_dir);
    let record = (!saved.is_empty()).then(|| wb_proto::FilesRecord {
        files: saved
            .into_iter()
            .map(|path| wb_proto::FilesItem {
                path,
                policy: wb_proto::FilePolicy::Now as i32,
                file_type: wb_proto::FileType::Wandb as i32,
            })
            .collect(),
        info: None,
    });
    (record, warnings)
}

/// The patches written under `files_dir`: their file names, and a warning for each patch
/// that could not be made (none when `start` is in no repository, as core makes none).
pub(crate) fn save_patches(start: &Path, files_dir: &Path) -> (Vec<String>, Vec<String>) {
    let mut saved = Vec::new();
    let mut warnings = Vec::new();
    let Some(info) = super::git::discover(start) else {
        return (saved, warnings);
    };
    let repo = match Repo::open(&info.root) {
        Ok(r) => r,
        Err(e) => {
            warnings.push(format!(
                "save_code: no git patch of {}: {e}",
                info.root.display()
            ));
            return (saved, warnings);
        }
    };
    let mut save = |name: String, against: Option<Oid>| {
        let Some(commit) = against else { return };
        match repo.diff_against(&commit) {
            Ok(patch) if patch.is_empty() => {}
            Ok(patch) => match std::fs::write(files_dir.join(&name), patch) {
                Ok(()) => saved.push(name),
                Err(e) => warnings.push(format!("save_code: writing {name}: {e}")),
            },
            Err(e) => warnings.push(format!("save_code: no {name}: {e}")),
        }
    };
    save("diff.patch".to_owned(), repo.head());
    if let Some(up) = repo.upstream() {
        save(format!("diff_{}.patch", hex(&up)), Some(up));
    }
    (saved, warnings)
}

/// The repository's config values this reader follows (the repository's own file only).
#[derive(Debug, Default)]
struct Config {
    /// `section.subsection.key` (section and key lowercased) to the last value.
    values: HashMap<String, String>,
}

impl Config {
    /// The config git reads, later files winning: the system file (unless
    /// `GIT_CONFIG_NOSYSTEM`; `GIT_CONFIG_SYSTEM` names it), the user's (`GIT_CONFIG_GLOBAL`,
    /// else `$XDG_CONFIG_HOME/git/config` or `~/.config/git/config`, then `~/.gitconfig`),
    /// the repository's, and a worktree's `config.worktree`. `include` is not followed.
    fn load(common: &Path, git_dir: &Path) -> Config {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let mut files: Vec<PathBuf> = Vec::new();
        let no_system = var("GIT_CONFIG_NOSYSTEM")
            .and_then(|v| parse_bool(&v.to_string_lossy()))
            .unwrap_or(false);
        if !no_system {
            files.push(
                var("GIT_CONFIG_SYSTEM").map_or_else(|| "/etc/gitconfig".into(), PathBuf::from),
            );
        }
        match var("GIT_CONFIG_GLOBAL") {
            Some(g) => files.push(PathBuf::from(g)),
            None => {
                let home = var("HOME").map(PathBuf::from);
                match var("XDG_CONFIG_HOME") {
                    Some(x) => files.push(PathBuf::from(x).join("git/config")),
                    None => files.extend(home.as_ref().map(|h| h.join(".config/git/config"))),
                }
                files.extend(home.map(|h| h.join(".gitconfig")));
            }
        }
        files.push(common.join("config"));
        let mut config = Config::default();
        for f in &files {
            if let Ok(text) = std::fs::read_to_string(f) {
                config.add(&text);
            }
        }
        if config.bool("extensions.worktreeconfig") == Some(true)
            && let Ok(text) = std::fs::read_to_string(git_dir.join("config.worktree"))
        {
            config.add(&text);
        }
        config
    }

    #[cfg(test)]
    fn parse(text: &str) -> Config {
        let mut config = Config::default();
        config.add(text);
        config
    }

    fn add(&mut self, text: &str) {
        let values = &mut self.values;
        let mut section = String::new();
        for line in text.lines() {
            let mut line = line.trim();
            if line.starts_with('[') {
                let Some(end) = line.find(']') else { continue };
                let head = &line[1..end];
                section = match head.split_once(char::is_whitespace) {
                    Some((name, sub)) => {
                        let sub = sub.trim().trim_matches('"').replace("\\\"", "\"");
                        format!("{}.{sub}", name.to_ascii_lowercase())
                    }
                    // The old `[section.sub]` form lowercases the subsection too.
                    None => head.to_ascii_lowercase(),
                };
                line = line[end + 1..].trim();
                if line.is_empty() {
                    continue;
                }
            }
            if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
                continue;
            }
            let (key, value) = match line.split_once('=') {
                Some((k, v)) => (k.trim(), v.trim()),
                // A key without a value is true.
                None => (line, "true"),
            };
            let value = value.split([';', '#']).next().unwrap_or("").trim();
            values.insert(
                format!("{section}.{}", key.to_ascii_lowercase()),
                value.trim_matches('"').to_owned(),
            );
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    fn bool(&self, key: &str) -> Option<bool> {
        parse_bool(self.get(key)?)
    }

    /// The `diff.*` and `core.quotePath` settings that change `git diff`'s output.
    fn diff_options(&self) -> DiffOptions {
        let mut o = DiffOptions::default();
        if self.bool("diff.noprefix") == Some(true) {
            o.src_prefix = Vec::new();
            o.dst_prefix = Vec::new();
        } else if self.bool("diff.mnemonicprefix") == Some(true) {
            // `git diff <commit>`: the commit against the work tree.
            o.src_prefix = b"c/".to_vec();
            o.dst_prefix = b"w/".to_vec();
        } else {
            if let Some(p) = self.get("diff.srcprefix") {
                o.src_prefix = p.as_bytes().to_vec();
            }
            if let Some(p) = self.get("diff.dstprefix") {
                o.dst_prefix = p.as_bytes().to_vec();
            }
        }
        if let Some(q) = self.bool("core.quotepath") {
            o.quote_path = q;
        }
        // `diff.renames`: a boolean, or `copies` (copies are not detected here).
        if let Some(r) = self.get("diff.renames") {
            o.renames = parse_bool(r).unwrap_or(true);
        }
        if let Some(n) = self.get("diff.context").and_then(|v| v.parse::<u32>().ok()) {
            o.hunks.context = n;
        }
        if let Some(n) = self
            .get("diff.interhunkcontext")
            .and_then(|v| v.parse::<u32>().ok())
        {
            o.hunks.inter_hunk = n;
        }
        if let Some(h) = self.bool("diff.indentheuristic") {
            o.hunks.indent_heuristic = h;
        }
        o.hunks.minimal = self
            .get("diff.algorithm")
            .is_some_and(|a| a.eq_ignore_ascii_case("minimal"));
        if let Some(b) = self.bool("diff.suppressblankempty") {
            o.hunks.suppress_blank_empty = b;
        }
        o
    }
}

/// git's booleans: `true`/`yes`/`on`/a non-zero number, `false`/`no`/`off`/`0`/empty.
fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Some(true),
        "false" | "no" | "off" | "" => Some(false),
        n => n.parse::<i64>().ok().map(|n| n != 0),
    }
}

/// How `git diff` prints, from the config.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DiffOptions {
    src_prefix: Vec<u8>,
    dst_prefix: Vec<u8>,
    /// `core.quotePath`: bytes over 0x7f are octal-quoted (default on).
    quote_path: bool,
    /// `diff.renames` (default on): exact renames are found.
    renames: bool,
    hunks: hunks::Options,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            src_prefix: b"a/".to_vec(),
            dst_prefix: b"b/".to_vec(),
            quote_path: true,
            renames: true,
            hunks: hunks::Options::default(),
        }
    }
}

/// Reads a work tree file's content (a symlink's is its target).
type ReadFn = fn(&Path) -> std::io::Result<Vec<u8>>;

/// One side of a file pair.
#[derive(Debug, Clone)]
struct Blob {
    path: Vec<u8>,
    mode: u32,
    oid: Oid,
    /// The content, when it was read (work tree files); else read from the store.
    data: Option<Vec<u8>>,
}

/// One changed path (or renamed pair).
#[derive(Debug)]
struct Pair {
    old: Option<Blob>,
    new: Option<Blob>,
}

impl Pair {
    /// Where git lists the pair: a rename at its new path; a type change's deletion before
    /// its addition.
    fn order(&self) -> (&[u8], u8) {
        match (&self.old, &self.new) {
            (_, Some(n)) => (&n.path, 1),
            (Some(o), None) => (&o.path, 0),
            (None, None) => (&[], 0),
        }
    }
}

struct Repo {
    root: PathBuf,
    git_dir: PathBuf,
    common: PathBuf,
    config: Config,
    odb: odb::Odb,
}

impl Repo {
    fn open(root: &Path) -> Result<Repo, Error> {
        let git_dir = super::git::git_dir(&root.join(".git"))
            .ok_or_else(|| Error::Format(format!("{}: no readable .git", root.display())))?;
        let common = super::git::common_dir(&git_dir);
        let config = Config::load(&common, &git_dir);
        if config
            .get("extensions.objectformat")
            .is_some_and(|f| !f.eq_ignore_ascii_case("sha1"))
        {
            return Err(Error::Unsupported("SHA-256 object ids".into()));
        }
        let odb = odb::Odb::open(&common)?;
        Ok(Repo {
            root: root.to_path_buf(),
            git_dir,
            common,
            config,
            odb,
        })
    }

    fn head_value(&self) -> String {
        std::fs::read_to_string(self.git_dir.join("HEAD"))
            .unwrap_or_default()
            .trim()
            .to_owned()
    }

    fn resolve(&self, value: &str) -> Option<Oid> {
        super::git::resolve(value, &self.git_dir, &self.common, 0).and_then(|h| parse_hex(&h))
    }

    /// The commit `HEAD` points at (`None` before the first commit).
    fn head(&self) -> Option<Oid> {
        self.resolve(&self.head_value())
    }

    /// The commit `@{u}` points at: the current branch's `branch.<name>.merge` through
    /// `remote.<remote>.fetch` to its remote-tracking ref (a local branch for remote `.`).
    fn upstream(&self) -> Option<Oid> {
        let head = self.head_value();
        let branch = head
            .strip_prefix("ref:")?
            .trim()
            .strip_prefix("refs/heads/")?;
        let remote = self.config.get(&format!("branch.{branch}.remote"))?;
        let merge = self.config.get(&format!("branch.{branch}.merge"))?;
        let merge = if merge.starts_with("refs/") {
            merge.to_owned()
        } else {
            format!("refs/heads/{merge}")
        };
        if remote == "." {
            return self.resolve(&format!("ref: {merge}"));
        }
        let fetch = self.config.get(&format!("remote.{remote}.fetch"))?;
        let spec = fetch.trim_start_matches('+');
        let (src, dst) = spec.split_once(':')?;
        let tracking = match (src.split_once('*'), dst.split_once('*')) {
            (Some((sp, ss)), Some((dp, ds))) => {
                let mid = merge.strip_prefix(sp)?.strip_suffix(ss)?;
                format!("{dp}{mid}{ds}")
            }
            (None, None) if src == merge => dst.to_owned(),
            _ => return None,
        };
        self.resolve(&format!("ref: {tracking}"))
    }

    /// The entries of a commit's tree, by path.
    fn commit_tree(&self, commit: &Oid) -> Result<BTreeMap<Vec<u8>, (u32, Oid)>, Error> {
        let data = self.odb.read_kind(commit, odb::Kind::Commit)?;
        let tree = data
            .strip_prefix(b"tree ")
            .and_then(|r| r.get(..40))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(parse_hex)
            .ok_or_else(|| Error::Format(format!("commit {} has no tree", hex(commit))))?;
        let mut out = BTreeMap::new();
        self.flatten(&tree, &mut Vec::new(), &mut out, 0)?;
        Ok(out)
    }

    fn flatten(
        &self,
        tree: &Oid,
        prefix: &mut Vec<u8>,
        out: &mut BTreeMap<Vec<u8>, (u32, Oid)>,
        depth: usize,
    ) -> Result<(), Error> {
        if depth > 4096 {
            return Err(Error::Format("trees nested too deep".into()));
        }
        let data = self.odb.read_kind(tree, odb::Kind::Tree)?;
        let bad = || Error::Format(format!("tree {} is malformed", hex(tree)));
        let mut rest = &data[..];
        while !rest.is_empty() {
            let sp = rest.iter().position(|&b| b == b' ').ok_or_else(bad)?;
            let mode = std::str::from_utf8(&rest[..sp])
                .ok()
                .and_then(|m| u32::from_str_radix(m, 8).ok())
                .ok_or_else(bad)?;
            let nul = rest[sp..].iter().position(|&b| b == 0).ok_or_else(bad)? + sp;
            let name = &rest[sp + 1..nul];
            let id: Oid = rest
                .get(nul + 1..nul + 21)
                .and_then(|s| s.try_into().ok())
                .ok_or_else(bad)?;
            rest = &rest[nul + 21..];
            let len = prefix.len();
            prefix.extend_from_slice(name);
            if mode & 0o170000 == 0o040000 {
                prefix.push(b'/');
                self.flatten(&id, prefix, out, depth + 1)?;
            } else {
                out.insert(prefix.clone(), (mode, id));
            }
            prefix.truncate(len);
        }
        Ok(())
    }

    /// `git diff <commit>`: the commit's tree against the index's paths as they are in the
    /// work tree.
    fn diff_against(&self, commit: &Oid) -> Result<Vec<u8>, Error> {
        let mut tree = self.commit_tree(commit)?;
        let index_path = self.git_dir.join("index");
        let (index, index_mtime) = match std::fs::read(&index_path) {
            Ok(data) => {
                let mtime = std::fs::metadata(&index_path)
                    .ok()
                    .and_then(|m| m.modified().ok());
                (index::parse(&data)?, mtime)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (index::Index::default(), None),
            Err(e) => return Err(Error::io(&index_path, e)),
        };
        let filemode = self.config.bool("core.filemode").unwrap_or(true);
        let mut pairs = Vec::new();
        let mut unmerged: Vec<&[u8]> = Vec::new();
        for e in &index.entries {
            if e.stage != 0 {
                unmerged.push(&e.path);
                continue;
            }
            let old = tree.remove(&e.path);
            if e.mode == 0o160000 || old.is_some_and(|(m, _)| m == 0o160000) {
                continue;
            }
            let new = if e.skip_worktree {
                Some(Blob {
                    path: e.path.clone(),
                    mode: e.mode,
                    oid: e.oid,
                    data: None,
                })
            } else {
                self.worktree_blob(e, filemode, index_mtime)?
            };
            let old = old.map(|(mode, oid)| Blob {
                path: e.path.clone(),
                mode,
                oid,
                data: None,
            });
            match (old, new) {
                (Some(o), Some(n)) if o.oid == n.oid && o.mode == n.mode => {}
                (Some(o), Some(n)) if o.mode & 0o170000 != n.mode & 0o170000 => {
                    // A type change is a deletion and an addition.
                    pairs.push(Pair {
                        old: Some(o),
                        new: None,
                    });
                    pairs.push(Pair {
                        old: None,
                        new: Some(n),
                    });
                }
                (None, None) => {}
                (old, new) => pairs.push(Pair { old, new }),
            }
        }
        for (path, (mode, oid)) in tree {
            if mode == 0o160000 || unmerged.contains(&&path[..]) {
                continue;
            }
            pairs.push(Pair {
                old: Some(Blob {
                    path,
                    mode,
                    oid,
                    data: None,
                }),
                new: None,
            });
        }
        let opts = self.config.diff_options();
        let mut pairs = if opts.renames {
            exact_renames(pairs)
        } else {
            pairs
        };
        pairs.sort_by(|a, b| a.order().cmp(&b.order()));
        let abbrev = self.abbrev();
        let mut out = Vec::new();
        for p in &pairs {
            self.write_pair(&mut out, p, abbrev, &opts)?;
        }
        Ok(out)
    }

    /// The index entry's file as it is in the work tree (`None` when gone).
    fn worktree_blob(
        &self,
        e: &index::Entry,
        filemode: bool,
        index_mtime: Option<std::time::SystemTime>,
    ) -> Result<Option<Blob>, Error> {
        let rel = path_from_bytes(&e.path);
        let full = self.root.join(&rel);
        let meta = match std::fs::symlink_metadata(&full) {
            Ok(m) => m,
            Err(_) => return Ok(None),
        };
        let ft = meta.file_type();
        let (mode, read): (u32, ReadFn) = if ft.is_symlink() {
            (0o120000, |p| {
                std::fs::read_link(p).map(|t| t.into_os_string().into_encoded_bytes())
            })
        } else if ft.is_file() {
            let exec = is_executable(&meta);
            let mode = if !filemode && e.mode & 0o170000 == 0o100000 {
                e.mode
            } else if exec {
                0o100755
            } else {
                0o100644
            };
            (mode, |p| std::fs::read(p))
        } else {
            // A folder where a file was: git shows the file as deleted.
            return Ok(None);
        };
        if stat_matches(e, &meta, index_mtime) && mode & 0o170000 == e.mode & 0o170000 {
            return Ok(Some(Blob {
                path: e.path.clone(),
                mode,
                oid: e.oid,
                data: None,
            }));
        }
        let data = read(&full).map_err(|err| Error::io(&full, err))?;
        Ok(Some(Blob {
            path: e.path.clone(),
            mode,
            oid: blob_id(&data),
            data: Some(data),
        }))
    }

    /// git's automatic abbreviation: 7 hex digits, one more for each factor of 4 of packed
    /// objects past 2^14 (or `core.abbrev` when it is a number).
    fn abbrev(&self) -> usize {
        if let Some(n) = self
            .config
            .get("core.abbrev")
            .and_then(|v| v.parse::<usize>().ok())
        {
            return n.clamp(4, 40);
        }
        if self.config.bool("core.abbrev") == Some(false) {
            return 40;
        }
        let count = self.odb.packed_count();
        let msb = usize::BITS - 1 - count.max(1).leading_zeros();
        (msb as usize + 1).div_ceil(2).max(7)
    }

    fn short(&self, oid: &Oid, min: usize) -> String {
        let n = self.odb.unique_abbrev_len(oid, min);
        hex(oid)[..n].to_owned()
    }

    fn content(&self, b: &Blob) -> Result<Vec<u8>, Error> {
        match &b.data {
            Some(d) => Ok(d.clone()),
            None => {
                // An unchanged work tree file (by its stat data) has the index's blob.
                match self.odb.read_kind(&b.oid, odb::Kind::Blob) {
                    Ok(d) => Ok(d),
                    Err(Error::MissingObject(_)) => {
                        let full = self.root.join(path_from_bytes(&b.path));
                        if b.mode == 0o120000 {
                            std::fs::read_link(&full)
                                .map(|t| t.into_os_string().into_encoded_bytes())
                                .map_err(|e| Error::io(&full, e))
                        } else {
                            std::fs::read(&full).map_err(|e| Error::io(&full, e))
                        }
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }

    fn write_pair(
        &self,
        out: &mut Vec<u8>,
        p: &Pair,
        abbrev: usize,
        opts: &DiffOptions,
    ) -> Result<(), Error> {
        let quote = |path: &[u8]| quote_prefixed(b"", path, opts.quote_path);
        let Some(any) = p.old.as_ref().or(p.new.as_ref()) else {
            return Ok(());
        };
        let old_path = p.old.as_ref().unwrap_or(any).path.as_slice();
        let new_path = p.new.as_ref().unwrap_or(any).path.as_slice();
        let a = quote_prefixed(&opts.src_prefix, old_path, opts.quote_path);
        let b = quote_prefixed(&opts.dst_prefix, new_path, opts.quote_path);
        out.extend_from_slice(b"diff --git ");
        out.extend_from_slice(&a);
        out.push(b' ');
        out.extend_from_slice(&b);
        out.push(b'\n');
        match (&p.old, &p.new) {
            (None, Some(n)) => {
                out.extend_from_slice(format!("new file mode {:06o}\n", n.mode).as_bytes())
            }
            (Some(o), None) => {
                out.extend_from_slice(format!("deleted file mode {:06o}\n", o.mode).as_bytes());
            }
            (Some(o), Some(n)) => {
                if o.mode != n.mode {
                    out.extend_from_slice(
                        format!("old mode {:06o}\nnew mode {:06o}\n", o.mode, n.mode).as_bytes(),
                    );
                }
                if o.path != n.path {
                    out.extend_from_slice(b"similarity index 100%\nrename from ");
                    out.extend_from_slice(&quote(&o.path));
                    out.extend_from_slice(b"\nrename to ");
                    out.extend_from_slice(&quote(&n.path));
                    out.push(b'\n');
                }
            }
            (None, None) => {}
        }
        let old_oid = p.old.as_ref().map_or(NULL_OID, |o| o.oid);
        let new_oid = p.new.as_ref().map_or(NULL_OID, |n| n.oid);
        if old_oid == new_oid {
            return Ok(());
        }
        out.extend_from_slice(
            format!(
                "index {}..{}",
                self.short(&old_oid, abbrev),
                self.short(&new_oid, abbrev)
            )
            .as_bytes(),
        );
        if let (Some(o), Some(n)) = (&p.old, &p.new)
            && o.mode == n.mode
        {
            out.extend_from_slice(format!(" {:06o}", o.mode).as_bytes());
        }
        out.push(b'\n');
        let old_data = match &p.old {
            Some(o) => self.content(o)?,
            None => Vec::new(),
        };
        let new_data = match &p.new {
            Some(n) => self.content(n)?,
            None => Vec::new(),
        };
        let label_a = if p.old.is_some() {
            a
        } else {
            b"/dev/null".to_vec()
        };
        let label_b = if p.new.is_some() {
            b
        } else {
            b"/dev/null".to_vec()
        };
        if is_binary(&old_data) || is_binary(&new_data) {
            out.extend_from_slice(b"Binary files ");
            out.extend_from_slice(&label_a);
            out.extend_from_slice(b" and ");
            out.extend_from_slice(&label_b);
            out.extend_from_slice(b" differ\n");
            return Ok(());
        }
        let mut body = Vec::new();
        if hunks::write_hunks(&mut body, &old_data, &new_data, &opts.hunks) {
            for (sign, label) in [(b"--- ", &label_a), (b"+++ ", &label_b)] {
                out.extend_from_slice(sign);
                out.extend_from_slice(label);
                // git ends a file label holding a space with a tab.
                if label.contains(&b' ') {
                    out.push(b'\t');
                }
                out.push(b'\n');
            }
            out.extend_from_slice(&body);
        }
        Ok(())
    }
}

/// Pairs a deleted and an added file with the same content (and file type) into a rename,
/// as git's exact rename detection does: each added file in path order takes an unused
/// deleted one, preferring one with the same base name, else the first in path order.
fn exact_renames(pairs: Vec<Pair>) -> Vec<Pair> {
    let mut deleted: Vec<Option<Blob>> = Vec::new();
    let mut added: Vec<Blob> = Vec::new();
    let mut rest = Vec::new();
    for p in pairs {
        match p {
            Pair {
                old: Some(o),
                new: None,
            } => deleted.push(Some(o)),
            Pair {
                old: None,
                new: Some(n),
            } => added.push(n),
            other => rest.push(other),
        }
    }
    deleted.sort_by(|a, b| {
        a.as_ref()
            .map(|x| &x.path)
            .cmp(&b.as_ref().map(|x| &x.path))
    });
    added.sort_by(|a, b| a.path.cmp(&b.path));
    let base = |p: &[u8]| -> Vec<u8> { p.rsplit(|&c| c == b'/').next().unwrap_or(p).to_vec() };
    for n in added {
        let mut best: Option<(usize, bool)> = None;
        for (i, d) in deleted.iter().enumerate() {
            let Some(d) = d else { continue };
            if d.oid != n.oid || d.mode & 0o170000 != n.mode & 0o170000 {
                continue;
            }
            let same_base = base(&d.path) == base(&n.path);
            if best.is_none_or(|(_, b)| same_base && !b) {
                best = Some((i, same_base));
            }
        }
        match best.and_then(|(i, _)| deleted[i].take()) {
            Some(o) => rest.push(Pair {
                old: Some(o),
                new: Some(n),
            }),
            None => rest.push(Pair {
                old: None,
                new: Some(n),
            }),
        }
    }
    rest.extend(deleted.into_iter().flatten().map(|o| Pair {
        old: Some(o),
        new: None,
    }));
    rest
}

/// git's binary test: a NUL in the first 8000 bytes.
fn is_binary(data: &[u8]) -> bool {
    data[..data.len().min(8000)].contains(&0)
}

/// Whether git quotes a path for byte `c` (bytes over 0x7f only with `core.quotePath`).
fn needs_quote(c: u8, quote_path: bool) -> bool {
    c < 0x20 || c == b'"' || c == b'\\' || c == 0x7f || (quote_path && c > 0x7f)
}

/// `prefix` and a path as git prints them: in double quotes, with C escapes and octal bytes,
/// when the path has a control character, `"`, `\` or (with `core.quotePath`) a byte over
/// 0x7f.
fn quote_prefixed(prefix: &[u8], path: &[u8], quote_path: bool) -> Vec<u8> {
    let needs = |c: u8| needs_quote(c, quote_path);
    if !path.iter().any(|&c| needs(c)) {
        return [prefix, path].concat();
    }
    let mut out = vec![b'"'];
    out.extend_from_slice(prefix);
    for &c in path {
        let esc = match c {
            0x07 => Some(b'a'),
            0x08 => Some(b'b'),
            b'\t' => Some(b't'),
            b'\n' => Some(b'n'),
            0x0b => Some(b'v'),
            0x0c => Some(b'f'),
            b'\r' => Some(b'r'),
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            _ => None,
        };
        match esc {
            Some(e) => out.extend_from_slice(&[b'\\', e]),
            None if needs(c) => out.extend_from_slice(format!("\\{c:03o}").as_bytes()),
            None => out.push(c),
        }
    }
    out.push(b'"');
    out
}

fn path_from_bytes(p: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(p))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(p).into_owned())
    }
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o100 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

/// Whether the file's stat data is the one the index cached, and the index was written
/// after the file last changed (else git too re-reads it: a "racily clean" entry).
#[cfg(unix)]
fn stat_matches(
    e: &index::Entry,
    meta: &std::fs::Metadata,
    index_mtime: Option<std::time::SystemTime>,
) -> bool {
    use std::os::unix::fs::MetadataExt;
    let s = &e.stat;
    let same = s.mtime == (meta.mtime() as u32, meta.mtime_nsec() as u32)
        && s.ctime == (meta.ctime() as u32, meta.ctime_nsec() as u32)
        && s.size == meta.size() as u32
        && s.ino == meta.ino() as u32
        && s.uid == meta.uid()
        && s.gid == meta.gid();
    let Some(index_mtime) = index_mtime else {
        return false;
    };
    let file_mtime = meta.modified().ok();
    same && file_mtime.is_some_and(|m| m < index_mtime)
}

#[cfg(not(unix))]
fn stat_matches(
    _e: &index::Entry,
    _meta: &std::fs::Metadata,
    _index_mtime: Option<std::time::SystemTime>,
) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_as_git_quotes_them() {
        let quote = |p: &[u8]| quote_prefixed(b"", p, true);
        assert_eq!(quote(b"plain name.txt"), b"plain name.txt");
        assert_eq!(
            quote_prefixed(b"a/", "é.txt".as_bytes(), true),
            b"\"a/\\303\\251.txt\""
        );
        // core.quotePath=false keeps bytes over 0x7f as they are.
        assert_eq!(
            quote_prefixed(b"a/", "é.txt".as_bytes(), false),
            "a/é.txt".as_bytes()
        );
        assert_eq!(quote(b"tab\there\"q\\"), b"\"tab\\there\\\"q\\\\\"");
    }

    #[test]
    fn config_sections_and_keys() {
        let c = Config::parse(
            "[core]\n\tfilemode = false\n\tAbbrev = 9\n[branch \"feat/x\"]\n\tremote = origin\n\
             \tmerge = refs/heads/feat/x\n[remote \"origin\"]\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
        );
        assert_eq!(c.bool("core.filemode"), Some(false));
        assert_eq!(c.get("core.abbrev"), Some("9"));
        assert_eq!(c.get("branch.feat/x.merge"), Some("refs/heads/feat/x"));
        assert_eq!(
            c.get("remote.origin.fetch"),
            Some("+refs/heads/*:refs/remotes/origin/*")
        );
    }

    #[test]
    fn blob_ids_are_gits() {
        // `git hash-object /dev/null` and `printf 'hello\n' | git hash-object --stdin`.
        assert_eq!(
            hex(&blob_id(b"")),
            "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
        );
        assert_eq!(
            hex(&blob_id(b"hello\n")),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }
}
