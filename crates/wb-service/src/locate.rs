//! Finding the wandb-core binary, without running Python.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{CORE_VERSION, Error, Result};

/// The environment variable naming the wandb-core binary to use.
pub const CORE_PATH_ENV: &str = "WB_CORE_PATH";

/// The file name of the binary.
pub(crate) const CORE_EXE: &str = if cfg!(windows) {
    "wandb-core.exe"
} else {
    "wandb-core"
};

/// Where a wandb-core binary was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoreSource {
    /// The path in `WB_CORE_PATH`.
    Env,
    /// An installed `wandb` Python package; the folder is its `site-packages`.
    PythonPackage(PathBuf),
    /// The per-user cache filled by `wb core install`.
    Cache,
    /// A path given by the program.
    Given,
}

/// A wandb-core binary, and where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreBinary {
    path: PathBuf,
    source: CoreSource,
}

impl CoreBinary {
    /// Finds wandb-core: `WB_CORE_PATH`, else an installed `wandb` 0.31.0 Python package (its
    /// `site-packages` found from `$VIRTUAL_ENV`, `$CONDA_PREFIX`, the pythons on `PATH`, the
    /// user's and the system's folders, pyenv), else the cache of `wb core install`
    /// ([`cache_dir`]). The version is checked when core starts.
    pub fn find() -> Result<Self> {
        let env = Environment::current();
        find_in(&env)
    }

    /// A binary at a path the program chose.
    pub fn from_path(path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        if !path.is_file() {
            return Err(Error::NotFound {
                looked_in: vec![format!("{path:?} (not a file)")],
            });
        }
        Ok(CoreBinary {
            path,
            source: CoreSource::Given,
        })
    }

    /// The binary's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where it was found.
    pub fn source(&self) -> &CoreSource {
        &self.source
    }

    /// The version the binary reports (`wandb-core --help` prints it), run with a bounded
    /// wait.
    pub fn version(&self) -> Result<String> {
        crate::process::read_version(&self.path)
    }
}

/// The per-user cache folder `wb core install` fills for this platform:
/// `$XDG_CACHE_HOME` (else `~/.cache`; `%LOCALAPPDATA%` on Windows) +
/// `wb-types/wandb-core/0.31.0/<os>-<arch>/`.
pub fn cache_dir() -> Option<PathBuf> {
    cache_dir_in(&Environment::current())
}

/// The platform part of the cache folder (`linux-x86_64`, `macos-aarch64`, ...).
pub fn platform() -> String {
    format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)
}

/// What locating reads from the process environment, so tests can give their own.
#[derive(Clone, Debug, Default)]
pub(crate) struct Environment {
    pub core_path: Option<OsString>,
    pub virtual_env: Option<OsString>,
    pub conda_prefix: Option<OsString>,
    pub path: Option<OsString>,
    pub home: Option<PathBuf>,
    pub xdg_cache_home: Option<OsString>,
    pub local_app_data: Option<OsString>,
    pub pyenv_root: Option<OsString>,
    /// The system folders (`/usr/lib`, `/usr/local/lib`, ...); empty in tests.
    pub system_roots: Vec<PathBuf>,
}

impl Environment {
    pub(crate) fn current() -> Self {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        Environment {
            core_path: var(CORE_PATH_ENV),
            virtual_env: var("VIRTUAL_ENV"),
            conda_prefix: var("CONDA_PREFIX"),
            path: var("PATH"),
            home: home_dir(),
            xdg_cache_home: var("XDG_CACHE_HOME"),
            local_app_data: var("LOCALAPPDATA"),
            pyenv_root: var("PYENV_ROOT"),
            system_roots: if cfg!(windows) {
                Vec::new()
            } else {
                vec![
                    PathBuf::from("/usr/lib"),
                    PathBuf::from("/usr/local/lib"),
                    PathBuf::from("/opt/homebrew/lib"),
                    PathBuf::from("/Library/Frameworks/Python.framework/Versions"),
                ]
            },
        }
    }
}

/// The user's home folder (`$HOME`, or `%USERPROFILE%` on Windows).
pub(crate) fn home_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    var("HOME")
        .or_else(|| var("USERPROFILE"))
        .map(PathBuf::from)
}

pub(crate) fn cache_dir_in(env: &Environment) -> Option<PathBuf> {
    let base = if cfg!(windows) {
        env.local_app_data.as_ref().map(PathBuf::from)
    } else {
        env.xdg_cache_home
            .as_ref()
            .map(PathBuf::from)
            .or_else(|| env.home.as_ref().map(|h| h.join(".cache")))
    }?;
    Some(
        base.join("wb-types")
            .join("wandb-core")
            .join(CORE_VERSION)
            .join(platform()),
    )
}

pub(crate) fn find_in(env: &Environment) -> Result<CoreBinary> {
    if let Some(p) = &env.core_path {
        let path = PathBuf::from(p);
        if !path.is_file() {
            return Err(Error::BadCorePath { path });
        }
        return Ok(CoreBinary {
            path,
            source: CoreSource::Env,
        });
    }
    let mut looked_in = vec![format!("{CORE_PATH_ENV} (not set)")];
    let mut seen = Vec::new();
    for site in site_packages_candidates(env) {
        let Ok(canonical) = site.canonicalize() else {
            continue;
        };
        if seen.contains(&canonical) {
            continue;
        }
        seen.push(canonical);
        let exe = site.join("wandb").join("bin").join(CORE_EXE);
        if !exe.is_file() {
            continue;
        }
        match installed_wandb_version(&site) {
            Some(v) if v != CORE_VERSION => {
                looked_in.push(format!(
                    "{} (wandb {v}, not {CORE_VERSION})",
                    site.display()
                ));
            }
            _ => {
                return Ok(CoreBinary {
                    path: exe,
                    source: CoreSource::PythonPackage(site),
                });
            }
        }
    }
    looked_in.push(
        "the site-packages of $VIRTUAL_ENV, $CONDA_PREFIX, the pythons on PATH, ~/.local, \
         pyenv and the system (no wandb package with wandb/bin/wandb-core)"
            .to_string(),
    );
    if let Some(dir) = cache_dir_in(env) {
        let exe = dir.join(CORE_EXE);
        if exe.is_file() {
            return Ok(CoreBinary {
                path: exe,
                source: CoreSource::Cache,
            });
        }
        looked_in.push(format!("{} (empty)", dir.display()));
    }
    Err(Error::NotFound { looked_in })
}

/// The version of the `wandb` distribution installed in `site` (from its `.dist-info` folder).
fn installed_wandb_version(site: &Path) -> Option<String> {
    let entries = std::fs::read_dir(site).ok()?;
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if let Some(rest) = name.strip_prefix("wandb-")
            && let Some(v) = rest.strip_suffix(".dist-info")
        {
            return Some(v.to_string());
        }
    }
    None
}

/// The `python3.*` folders directly under `dir` (`lib/python3.11`, ...), newest first.
fn python_dirs(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut out: Vec<(u32, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let minor = name.strip_prefix(prefix)?;
            let minor = minor.strip_prefix('.').unwrap_or(minor);
            Some((minor.parse().unwrap_or(0), e.path()))
        })
        .collect();
    out.sort_by_key(|p| std::cmp::Reverse(p.0));
    out.into_iter().map(|(_, p)| p).collect()
}

/// The site-packages of a Python installation rooted at `prefix` (`bin/..`).
fn prefix_sites(prefix: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for py in python_dirs(&prefix.join("lib"), "python3") {
        out.push(py.join("site-packages"));
    }
    out.push(prefix.join("Lib").join("site-packages"));
    out
}

fn site_packages_candidates(env: &Environment) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for prefix in [&env.virtual_env, &env.conda_prefix].into_iter().flatten() {
        out.extend(prefix_sites(Path::new(prefix)));
    }
    if let Some(path) = &env.path {
        for dir in std::env::split_paths(path) {
            let has_python = ["python3", "python", "python.exe"]
                .iter()
                .any(|n| dir.join(n).is_file());
            if has_python && let Some(prefix) = dir.parent() {
                out.extend(prefix_sites(prefix));
                // Windows installs keep python.exe in the prefix itself.
                out.push(dir.join("Lib").join("site-packages"));
            }
        }
    }
    if let Some(home) = &env.home {
        out.extend(prefix_sites(&home.join(".local")));
        for py in python_dirs(&home.join("Library").join("Python"), "3") {
            out.push(py.join("lib").join("python").join("site-packages"));
        }
    }
    let pyenv = env
        .pyenv_root
        .as_ref()
        .map(PathBuf::from)
        .or_else(|| env.home.as_ref().map(|h| h.join(".pyenv")));
    if let Some(versions) = pyenv.map(|p| p.join("versions"))
        && let Ok(entries) = std::fs::read_dir(&versions)
    {
        let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        dirs.sort();
        dirs.reverse();
        for d in dirs {
            out.extend(prefix_sites(&d));
        }
    }
    for root in &env.system_roots {
        for py in python_dirs(root, "python3") {
            out.push(py.join("dist-packages"));
            out.push(py.join("site-packages"));
        }
        out.push(root.join("python3").join("dist-packages"));
        // macOS framework builds: Versions/3.x/lib/python3.x/site-packages.
        for v in python_dirs(root, "3") {
            out.extend(prefix_sites(&v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn fake_site(root: &Path, rel: &str, version: Option<&str>) -> PathBuf {
        let site = root.join(rel);
        std::fs::create_dir_all(site.join("wandb/bin")).unwrap();
        std::fs::write(site.join("wandb/bin").join(CORE_EXE), b"x").unwrap();
        if let Some(v) = version {
            std::fs::create_dir_all(site.join(format!("wandb-{v}.dist-info"))).unwrap();
        }
        site
    }

    #[test]
    fn env_var_wins_and_must_be_a_file() {
        let t = tempfile::tempdir().unwrap();
        let exe = t.path().join("core");
        std::fs::write(&exe, b"x").unwrap();
        let env = Environment {
            core_path: Some(exe.clone().into()),
            virtual_env: Some(
                fake_site(
                    t.path(),
                    "venv/lib/python3.11/site-packages",
                    Some("0.31.0"),
                )
                .into(),
            ),
            ..Default::default()
        };
        let b = find_in(&env).unwrap();
        assert_eq!((b.path(), b.source()), (exe.as_path(), &CoreSource::Env));
        let env = Environment {
            core_path: Some(t.path().join("missing").into()),
            ..Default::default()
        };
        assert!(matches!(find_in(&env), Err(Error::BadCorePath { .. })));
    }

    #[test]
    fn finds_a_virtualenv_and_skips_other_versions() {
        let t = tempfile::tempdir().unwrap();
        let old = fake_site(t.path(), "old/lib/python3.10/site-packages", Some("0.30.0"));
        let good = fake_site(
            t.path(),
            "venv/lib/python3.11/site-packages",
            Some("0.31.0"),
        );
        let env = Environment {
            conda_prefix: Some(t.path().join("old").into()),
            path: Some(t.path().join("venv/bin").into()),
            ..Default::default()
        };
        std::fs::create_dir_all(t.path().join("venv/bin")).unwrap();
        // No python on that PATH entry: not a Python installation.
        let err = find_in(&env).unwrap_err().to_string();
        assert!(err.contains("0.30.0"), "{err}");
        std::fs::write(t.path().join("venv/bin/python3"), b"").unwrap();
        let b = find_in(&env).unwrap();
        assert_eq!(b.source(), &CoreSource::PythonPackage(good.clone()));
        assert!(b.path().starts_with(&good));
        let _ = old;
    }

    #[test]
    fn finds_user_pyenv_and_cache() {
        let t = tempfile::tempdir().unwrap();
        let home = t.path().join("home");
        let env = Environment {
            home: Some(home.clone()),
            ..Default::default()
        };
        let err = find_in(&env).unwrap_err().to_string();
        for way in [
            "WB_CORE_PATH",
            "pip install wandb==0.31.0",
            "wb core install",
        ] {
            assert!(err.contains(way), "{err}");
        }
        let cache = cache_dir_in(&env).unwrap();
        assert!(cache.starts_with(home.join(".cache/wb-types/wandb-core/0.31.0")));
        std::fs::create_dir_all(&cache).unwrap();
        std::fs::write(cache.join(CORE_EXE), b"x").unwrap();
        assert_eq!(find_in(&env).unwrap().source(), &CoreSource::Cache);
        let site = fake_site(
            &home,
            ".pyenv/versions/3.12.1/lib/python3.12/site-packages",
            None,
        );
        assert_eq!(
            find_in(&env).unwrap().source(),
            &CoreSource::PythonPackage(site)
        );
        let site = fake_site(&home, ".local/lib/python3.11/site-packages", Some("0.31.0"));
        assert_eq!(
            find_in(&env).unwrap().source(),
            &CoreSource::PythonPackage(site)
        );
    }

    #[test]
    fn xdg_cache_home_is_honoured() {
        let env = Environment {
            xdg_cache_home: Some("/x/cache".into()),
            home: Some("/home/u".into()),
            ..Default::default()
        };
        if !cfg!(windows) {
            assert_eq!(
                cache_dir_in(&env).unwrap(),
                Path::new("/x/cache/wb-types/wandb-core/0.31.0").join(platform())
            );
        }
    }
}
