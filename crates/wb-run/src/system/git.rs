//! The git repository a run starts in, read from `.git` directly (no git binary): its root,
//! the `origin` remote's URL and the commit `HEAD` points at.

use std::path::{Path, PathBuf};

/// What the environment record tells about the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GitInfo {
    /// The work tree's root.
    pub root: PathBuf,
    /// The `origin` remote's URL, without a password.
    pub remote_url: Option<String>,
    /// The commit `HEAD` resolves to.
    pub commit: Option<String>,
}

/// The repository holding `start` (it or a parent folder has `.git`), if any.
pub(crate) fn discover(start: &Path) -> Option<GitInfo> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let dot_git = d.join(".git");
        if let Some(git_dir) = git_dir(&dot_git) {
            return Some(read(d, &git_dir));
        }
        dir = d.parent();
    }
    None
}

/// The git folder named by `.git`: the folder itself, or the one a `gitdir: <path>` file (a
/// linked worktree or submodule) names.
pub(super) fn git_dir(dot_git: &Path) -> Option<PathBuf> {
    if dot_git.join("HEAD").is_file() {
        return Some(dot_git.to_path_buf());
    }
    let text = std::fs::read_to_string(dot_git).ok()?;
    let target = text.trim().strip_prefix("gitdir:")?.trim();
    let path = dot_git.parent()?.join(target);
    path.join("HEAD").is_file().then_some(path)
}

/// The folder with the refs, objects and config: a linked worktree's `commondir`, else
/// `git_dir` itself.
pub(super) fn common_dir(git_dir: &Path) -> PathBuf {
    std::fs::read_to_string(git_dir.join("commondir"))
        .ok()
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|| git_dir.to_path_buf())
}

fn read(root: &Path, git_dir: &Path) -> GitInfo {
    // A linked worktree keeps its own HEAD; refs and config are in the common folder.
    let common = common_dir(git_dir);
    let head = std::fs::read_to_string(git_dir.join("HEAD")).unwrap_or_default();
    let commit = resolve(head.trim(), git_dir, &common, 0);
    let remote_url = std::fs::read_to_string(common.join("config"))
        .ok()
        .and_then(|c| remote_url(&c, "origin"))
        .map(|u| without_password(&u));
    GitInfo {
        root: root.to_path_buf(),
        remote_url,
        commit,
    }
}

fn is_object_id(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Follows `ref: <name>` (loose refs in the worktree's and the common folder, then
/// `packed-refs`) to an object id.
pub(super) fn resolve(value: &str, git_dir: &Path, common: &Path, depth: u8) -> Option<String> {
    if is_object_id(value) {
        return Some(value.to_ascii_lowercase());
    }
    let name = value.strip_prefix("ref:")?.trim();
    if depth > 5 || name.contains("..") {
        return None;
    }
    for dir in [git_dir, common] {
        if let Ok(v) = std::fs::read_to_string(dir.join(name)) {
            return resolve(v.trim(), git_dir, common, depth + 1);
        }
    }
    let packed = std::fs::read_to_string(common.join("packed-refs")).ok()?;
    packed.lines().find_map(|l| {
        let (id, r) = l.split_once(' ')?;
        (r.trim() == name && is_object_id(id)).then(|| id.to_ascii_lowercase())
    })
}

/// The `url` of `[remote "<name>"]` in a git config file.
fn remote_url(config: &str, name: &str) -> Option<String> {
    let mut in_section = false;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            let header: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            in_section = header == format!("[remote\"{name}\"]");
            continue;
        }
        if !in_section {
            continue;
        }
        if let Some((k, v)) = line.split_once('=')
            && k.trim().eq_ignore_ascii_case("url")
        {
            return Some(v.trim().trim_matches('"').to_owned());
        }
    }
    None
}

/// A URL with any password in it removed (`https://user:secret@host/x` becomes
/// `https://user@host/x`), as the SDK never records credentials.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "ad7926578e105e2683f71250822189452ef039bc";

    fn repo(dir: &Path) -> PathBuf {
        let git = dir.join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::write(
            git.join("config"),
            "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://x/y.git\n\
             [remote \"origin\"]\n\turl = https://me:token@github.com/example/proj.git\n\
             \tfetch = +refs/heads/*:refs/remotes/origin/*\n",
        )
        .unwrap();
        git
    }

    #[test]
    fn head_resolves_through_loose_and_packed_refs() {
        let tmp = tempfile::tempdir().unwrap();
        let git = repo(tmp.path());
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(
            git.join("packed-refs"),
            format!("# pack-refs with: peeled fully-peeled sorted\n{ID} refs/heads/main\n"),
        )
        .unwrap();
        let sub = tmp.path().join("src/deep");
        std::fs::create_dir_all(&sub).unwrap();
        let info = discover(&sub).unwrap();
        assert_eq!(info.root, tmp.path());
        assert_eq!(info.commit.as_deref(), Some(ID));
        assert_eq!(
            info.remote_url.as_deref(),
            Some("https://me@github.com/example/proj.git")
        );
        // A loose ref wins over the packed one.
        let other = "1111111111111111111111111111111111111111";
        std::fs::write(git.join("refs/heads/main"), format!("{other}\n")).unwrap();
        assert_eq!(discover(&sub).unwrap().commit.as_deref(), Some(other));
        // A detached HEAD is the id itself.
        std::fs::write(git.join("HEAD"), format!("{ID}\n")).unwrap();
        assert_eq!(discover(&sub).unwrap().commit.as_deref(), Some(ID));
    }

    #[test]
    fn a_linked_worktree_reads_its_head_and_the_common_refs() {
        let tmp = tempfile::tempdir().unwrap();
        let main = tmp.path().join("main");
        let git = repo(&main);
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(git.join("refs/heads/topic"), format!("{ID}\n")).unwrap();
        let wt_git = git.join("worktrees/wt");
        std::fs::create_dir_all(&wt_git).unwrap();
        std::fs::write(wt_git.join("HEAD"), "ref: refs/heads/topic\n").unwrap();
        std::fs::write(wt_git.join("commondir"), "../..\n").unwrap();
        let wt = tmp.path().join("wt");
        std::fs::create_dir_all(&wt).unwrap();
        std::fs::write(wt.join(".git"), format!("gitdir: {}\n", wt_git.display())).unwrap();
        let info = discover(&wt).unwrap();
        assert_eq!(info.commit.as_deref(), Some(ID));
        assert!(info.remote_url.unwrap().ends_with("example/proj.git"));
    }

    #[test]
    fn outside_a_repository_there_is_none() {
        let tmp = tempfile::tempdir().unwrap();
        // tempdir may sit inside a repository on some machines; only assert on a fresh root.
        if discover(tmp.path()).is_some() {
            return;
        }
        assert_eq!(
            without_password("git@github.com:a/b.git"),
            "git@github.com:a/b.git"
        );
        assert_eq!(remote_url("[remote \"x\"]\nurl=u\n", "origin"), None);
    }

    #[test]
    fn this_repository_matches_git() {
        // The crate's own checkout, when built from one with git at hand.
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let Some(info) = discover(here) else { return };
        let Ok(out) = std::process::Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(here)
            .output()
        else {
            return;
        };
        if out.status.success() {
            let expected = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            assert_eq!(info.commit.as_deref(), Some(expected.as_str()));
        }
    }
}
