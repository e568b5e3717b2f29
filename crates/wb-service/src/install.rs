//! `wb core install`: the wandb 0.31.0 wheel for this platform from PyPI, checked against the
//! index's sha256, and its `wandb-core` and `wandb-symon` extracted into the per-user cache.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::error::{CORE_VERSION, Error, Result};
use crate::locate::{CORE_EXE, cache_dir};

/// The environment variable that replaces the package index's address (`https://pypi.org`).
pub const PYPI_URL_ENV: &str = "WB_PYPI_URL";

/// The largest wheel we download (the 0.31.0 wheels are about 20 MB).
const MAX_WHEEL: u64 = 512 << 20;
/// The largest index answer we read.
const MAX_JSON: u64 = 64 << 20;

fn fail(msg: impl Into<String>) -> Error {
    Error::Install(msg.into())
}

/// Where to download from and install to; [`install`].
#[derive(Clone, Debug)]
#[must_use]
#[non_exhaustive]
pub struct InstallOptions {
    index_url: String,
    dir: Option<PathBuf>,
    force: bool,
    timeout: Duration,
}

impl Default for InstallOptions {
    /// The index from `WB_PYPI_URL`, else `https://pypi.org`; the cache folder
    /// ([`crate::cache_dir`]); no reinstall; 10 minutes for the whole download.
    fn default() -> Self {
        InstallOptions {
            index_url: std::env::var(PYPI_URL_ENV)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "https://pypi.org".to_string()),
            dir: None,
            force: false,
            timeout: Duration::from_secs(600),
        }
    }
}

impl InstallOptions {
    /// The package index (its JSON API lives under `/pypi/`).
    pub fn with_index_url(mut self, url: impl Into<String>) -> Self {
        self.index_url = url.into();
        self
    }

    /// Install into this folder instead of the cache.
    pub fn with_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// Download again even if the folder already holds wandb-core.
    pub fn with_force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// The bound on the whole download.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// What [`install`] did.
#[derive(Clone, Debug)]
pub struct Installed {
    core: PathBuf,
    symon: Option<PathBuf>,
    wheel: Option<String>,
}

impl Installed {
    /// The installed `wandb-core`.
    pub fn core(&self) -> &Path {
        &self.core
    }

    /// The installed `wandb-symon` (system metrics), if the wheel has one.
    pub fn symon(&self) -> Option<&Path> {
        self.symon.as_deref()
    }

    /// The wheel downloaded, or `None` if wandb-core was already installed.
    pub fn wheel(&self) -> Option<&str> {
        self.wheel.as_deref()
    }
}

/// A wheel the index lists.
#[derive(Clone, Debug, PartialEq, Eq)]
struct WheelFile {
    filename: String,
    url: String,
    sha256: String,
}

/// Downloads the wandb 0.31.0 wheel for this platform, checks its sha256 against the index's,
/// and extracts `wandb-core` and `wandb-symon` into the cache folder (or the folder given),
/// atomically: a failed install leaves no partial binary. An existing install is kept unless
/// [`InstallOptions::with_force`].
pub fn install(options: &InstallOptions) -> Result<Installed> {
    let dir = match &options.dir {
        Some(d) => d.clone(),
        None => cache_dir().ok_or_else(|| {
            fail("no cache folder: set XDG_CACHE_HOME or HOME (or give a folder)")
        })?,
    };
    let core = dir.join(CORE_EXE);
    if core.is_file() && !options.force {
        let symon = dir.join(symon_exe());
        return Ok(Installed {
            core,
            symon: symon.is_file().then_some(symon),
            wheel: None,
        });
    }
    let agent = agent(options.timeout);
    let wheels = list_wheels(&agent, &options.index_url)?;
    let wheel = pick_wheel(
        &wheels,
        std::env::consts::OS,
        std::env::consts::ARCH,
        cfg!(target_env = "musl"),
    )?;
    let parent = dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&parent).map_err(|source| Error::Io {
        action: "creating",
        path: parent.clone(),
        source,
    })?;
    let staging = tempfile::Builder::new()
        .prefix(".wandb-core-install-")
        .tempdir_in(&parent)
        .map_err(|source| Error::Io {
            action: "creating a temporary folder in",
            path: parent.clone(),
            source,
        })?;
    let wheel_path = staging.path().join(&wheel.filename);
    download(&agent, &wheel, &wheel_path)?;
    let out = staging.path().join("bin");
    extract(&wheel_path, &out)?;
    crate::process::check_version(&out.join(CORE_EXE))?;
    replace_dir(&out, &dir)?;
    let symon = dir.join(symon_exe());
    Ok(Installed {
        core,
        symon: symon.is_file().then_some(symon),
        wheel: Some(wheel.filename),
    })
}

fn symon_exe() -> &'static str {
    if cfg!(windows) {
        "wandb-symon.exe"
    } else {
        "wandb-symon"
    }
}

fn agent(timeout: Duration) -> ureq::Agent {
    // The operating system's certificate store, so company proxies with their own CA work.
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(timeout))
        .timeout_connect(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .user_agent(format!(
            "wb-types/{} (wb core install)",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .new_agent()
}

/// GETs `url`; `Ok(None)` for a 404.
fn get_json(agent: &ureq::Agent, url: &str) -> Result<Option<serde_json::Value>> {
    let mut resp = agent
        .get(url)
        .call()
        .map_err(|e| fail(format!("GET {url}: {e}")))?;
    let status = resp.status().as_u16();
    if status == 404 {
        return Ok(None);
    }
    if status != 200 {
        return Err(fail(format!("GET {url}: HTTP {status}")));
    }
    let body = resp
        .body_mut()
        .with_config()
        .limit(MAX_JSON)
        .read_to_vec()
        .map_err(|e| fail(format!("GET {url}: {e}")))?;
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| fail(format!("GET {url}: not JSON: {e}")))
}

/// The wheels of wandb 0.31.0: the release's JSON (`/pypi/wandb/0.31.0/json`), else the
/// project's (`/pypi/wandb/json`, its `releases`), as some mirrors serve only that one.
fn list_wheels(agent: &ureq::Agent, index: &str) -> Result<Vec<WheelFile>> {
    let base = index.trim_end_matches('/');
    let release_url = format!("{base}/pypi/wandb/{CORE_VERSION}/json");
    if let Some(v) = get_json(agent, &release_url)? {
        return wheels_from(v.get("urls"), &release_url);
    }
    let project_url = format!("{base}/pypi/wandb/json");
    match get_json(agent, &project_url)? {
        Some(v) => wheels_from(
            v.get("releases").and_then(|r| r.get(CORE_VERSION)),
            &project_url,
        ),
        None => Err(fail(format!(
            "the index has no wandb {CORE_VERSION} ({release_url} and {project_url} are 404)"
        ))),
    }
}

fn wheels_from(files: Option<&serde_json::Value>, from: &str) -> Result<Vec<WheelFile>> {
    let files = files
        .and_then(|f| f.as_array())
        .ok_or_else(|| fail(format!("{from} lists no files of wandb {CORE_VERSION}")))?;
    Ok(files
        .iter()
        .filter_map(|f| {
            let filename = f.get("filename")?.as_str()?;
            if !filename.ends_with(".whl") {
                return None;
            }
            Some(WheelFile {
                filename: filename.to_string(),
                url: resolve_url(from, f.get("url")?.as_str()?),
                sha256: f
                    .get("digests")?
                    .get("sha256")?
                    .as_str()?
                    .to_ascii_lowercase(),
            })
        })
        .collect())
}

/// `href` resolved against `base` (absolute, scheme-relative, host-relative or relative).
fn resolve_url(base: &str, href: &str) -> String {
    if href.contains("://") {
        return href.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    if let Some(h) = href.strip_prefix("//") {
        return format!("{scheme}://{h}");
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut segs: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        let mut s: Vec<&str> = path.split('/').collect();
        s.pop(); // the last segment is a file name (or empty after a slash)
        s
    };
    for seg in href.trim_start_matches('/').split('/') {
        match seg {
            ".." => {
                segs.pop();
            }
            "." => {}
            s => segs.push(s),
        }
    }
    format!("{scheme}://{host}/{}", segs.join("/"))
}

/// The wheel for `os`-`arch` (glibc or musl on Linux).
fn pick_wheel(wheels: &[WheelFile], os: &str, arch: &str, musl: bool) -> Result<WheelFile> {
    let fits = |tag: &str| -> bool {
        match os {
            "linux" => {
                let family = if musl { "musllinux_" } else { "manylinux" };
                tag.starts_with(family) && tag.ends_with(&format!("_{arch}"))
            }
            "macos" => {
                let a = if arch == "aarch64" { "arm64" } else { arch };
                tag.starts_with("macosx_")
                    && (tag.ends_with(&format!("_{a}")) || tag.ends_with("_universal2"))
            }
            "windows" => match arch {
                "x86_64" => tag == "win_amd64",
                "aarch64" => tag == "win_arm64",
                _ => false,
            },
            _ => false,
        }
    };
    wheels
        .iter()
        .find(|w| {
            w.filename
                .strip_suffix(".whl")
                .and_then(|n| n.rsplit('-').next())
                .is_some_and(|tags| tags.split('.').any(fits))
        })
        .cloned()
        .ok_or_else(|| {
            fail(format!(
                "wandb {CORE_VERSION} has no wheel for {os}-{arch}; the index lists: {}",
                wheels
                    .iter()
                    .map(|w| w.filename.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// Streams the wheel to `to`, hashing it; a digest other than the index's is an error.
fn download(agent: &ureq::Agent, wheel: &WheelFile, to: &Path) -> Result<()> {
    let mut resp = agent
        .get(&wheel.url)
        .call()
        .map_err(|e| fail(format!("GET {}: {e}", wheel.url)))?;
    let status = resp.status().as_u16();
    if status != 200 {
        return Err(fail(format!("GET {}: HTTP {status}", wheel.url)));
    }
    let io_err = |source| Error::Io {
        action: "writing",
        path: to.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::create(to).map_err(io_err)?;
    let mut reader = resp.body_mut().with_config().limit(MAX_WHEEL).reader();
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| fail(format!("downloading {}: {e}", wheel.url)))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n]).map_err(io_err)?;
    }
    file.sync_all().map_err(io_err)?;
    let got: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if got != wheel.sha256 {
        return Err(fail(format!(
            "the sha256 of {} is {got}, but the index says {}; nothing was installed",
            wheel.filename, wheel.sha256
        )));
    }
    Ok(())
}

/// Extracts `wandb/bin/wandb-core` and `wandb/bin/wandb-symon` into `out`, executable.
fn extract(wheel: &Path, out: &Path) -> Result<()> {
    let file = std::fs::File::open(wheel).map_err(|source| Error::Io {
        action: "opening",
        path: wheel.to_path_buf(),
        source,
    })?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| fail(format!("{} is not a zip file: {e}", wheel.display())))?;
    std::fs::create_dir_all(out).map_err(|source| Error::Io {
        action: "creating",
        path: out.to_path_buf(),
        source,
    })?;
    for (name, required) in [(CORE_EXE, true), (symon_exe(), false)] {
        let entry_name = format!("wandb/bin/{name}");
        let mut entry = match zip.by_name(&entry_name) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) if !required => continue,
            Err(e) => {
                return Err(fail(format!(
                    "{} has no {entry_name}: {e}",
                    wheel.display()
                )));
            }
        };
        let dest = out.join(name);
        let io_err = |source| Error::Io {
            action: "writing",
            path: dest.clone(),
            source,
        };
        let mut f = std::fs::File::create(&dest).map_err(io_err)?;
        std::io::copy(&mut entry, &mut f)
            .map_err(|e| fail(format!("extracting {entry_name}: {e}")))?;
        f.sync_all().map_err(io_err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o755))
                .map_err(io_err)?;
        }
    }
    Ok(())
}

/// Puts `new` in place of `dir` with renames (the old folder, if any, moved aside first).
fn replace_dir(new: &Path, dir: &Path) -> Result<()> {
    let io = |action, path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    };
    if dir.exists() {
        let old = dir.with_extension(format!("old-{}", std::process::id()));
        std::fs::rename(dir, &old).map_err(io("moving aside", dir))?;
        std::fs::rename(new, dir).map_err(io("installing into", dir))?;
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(new, dir).map_err(io("installing into", dir))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn urls_resolve() {
        let base = "https://pypi.org/pypi/wandb/json";
        assert_eq!(
            resolve_url(base, "../../packages/packages/2a/w.whl"),
            "https://pypi.org/packages/packages/2a/w.whl"
        );
        assert_eq!(
            resolve_url(base, "https://files.x/a.whl"),
            "https://files.x/a.whl"
        );
        assert_eq!(
            resolve_url(base, "//files.x/a.whl"),
            "https://files.x/a.whl"
        );
        assert_eq!(
            resolve_url("http://127.0.0.1:9/pypi/wandb/0.31.0/json", "/f/a.whl"),
            "http://127.0.0.1:9/f/a.whl"
        );
    }

    fn wheel(name: &str) -> WheelFile {
        WheelFile {
            filename: name.into(),
            url: String::new(),
            sha256: String::new(),
        }
    }

    #[test]
    fn wheels_for_each_platform() {
        // The 0.31.0 wheel names.
        let all: Vec<WheelFile> = [
            "wandb-0.31.0-py3-none-musllinux_1_2_x86_64.whl",
            "wandb-0.31.0-py3-none-manylinux_2_28_x86_64.whl",
            "wandb-0.31.0-py3-none-macosx_13_0_arm64.whl",
            "wandb-0.31.0-py3-none-macosx_13_0_x86_64.whl",
            "wandb-0.31.0-py3-none-musllinux_1_2_aarch64.whl",
            "wandb-0.31.0-py3-none-win_amd64.whl",
            "wandb-0.31.0-py3-none-win_arm64.whl",
            "wandb-0.31.0-py3-none-manylinux_2_28_aarch64.whl",
        ]
        .into_iter()
        .map(wheel)
        .collect();
        let pick = |os, arch, musl| pick_wheel(&all, os, arch, musl).unwrap().filename;
        assert!(pick("linux", "x86_64", false).contains("manylinux_2_28_x86_64"));
        assert!(pick("linux", "x86_64", true).contains("musllinux_1_2_x86_64"));
        assert!(pick("linux", "aarch64", false).contains("manylinux_2_28_aarch64"));
        assert!(pick("macos", "aarch64", false).contains("macosx_13_0_arm64"));
        assert!(pick("macos", "x86_64", false).contains("macosx_13_0_x86_64"));
        assert!(pick("windows", "x86_64", false).contains("win_amd64"));
        assert!(pick("windows", "aarch64", false).contains("win_arm64"));
        let err = pick_wheel(&all, "freebsd", "x86_64", false).unwrap_err();
        assert!(err.to_string().contains("freebsd-x86_64"), "{err}");
    }
}
