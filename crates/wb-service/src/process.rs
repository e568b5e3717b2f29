//! Starting wandb-core: the version check, the spawn, the port file, the connection.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{CORE_VERSION, Error, Result};

/// How long `wandb-core --help` may take.
const VERSION_TIMEOUT: Duration = Duration::from_secs(20);
/// How often the port file and a child are polled.
const POLL: Duration = Duration::from_millis(10);

/// Waits for `child` to exit, at most `timeout`; `None` if it is still running.
pub(crate) fn wait_timeout(
    child: &mut Child,
    timeout: Duration,
) -> Option<std::process::ExitStatus> {
    let end = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < end => std::thread::sleep(POLL),
            // An error from try_wait means the child cannot be waited on: treat it as gone.
            Err(_) => return None,
            Ok(None) => return None,
        }
    }
}

/// The version `wandb-core --help` prints (`Version: 0.31.0`).
pub(crate) fn read_version(path: &Path) -> Result<String> {
    let unknown = |detail: String| Error::VersionUnknown {
        path: path.to_path_buf(),
        detail,
    };
    let mut child = Command::new(path)
        .arg("--help")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| Error::Spawn {
            path: path.to_path_buf(),
            source,
        })?;
    // Its help is a few hundred bytes: it fits in the pipes, so waiting first cannot deadlock.
    if wait_timeout(&mut child, VERSION_TIMEOUT).is_none() {
        let _ = child.kill();
        let _ = child.wait();
        return Err(unknown(format!(
            "it did not exit within {VERSION_TIMEOUT:?}"
        )));
    }
    let mut text = String::new();
    for pipe in [
        child.stdout.take().map(|p| Box::new(p) as Box<dyn Read>),
        child.stderr.take().map(|p| Box::new(p) as Box<dyn Read>),
    ]
    .into_iter()
    .flatten()
    {
        let mut buf = Vec::new();
        let _ = pipe.take(1 << 20).read_to_end(&mut buf);
        text.push_str(&String::from_utf8_lossy(&buf));
    }
    parse_version(&text).ok_or_else(|| unknown(format!("no `Version:` line in {text:?}")))
}

fn parse_version(help: &str) -> Option<String> {
    help.lines()
        .find_map(|l| l.trim().strip_prefix("Version:"))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Checks that `path` is wandb-core 0.31.0 and returns the version.
pub(crate) fn check_version(path: &Path) -> Result<String> {
    let v = read_version(path)?;
    if v != CORE_VERSION {
        return Err(Error::WrongVersion {
            path: path.to_path_buf(),
            found: v,
        });
    }
    Ok(v)
}

/// Where core listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Address {
    /// A Unix socket (core writes one only where there are Unix sockets).
    #[cfg_attr(not(unix), allow(dead_code))]
    Unix(PathBuf),
    /// A port on 127.0.0.1.
    Tcp(u16),
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Unix(p) => write!(f, "unix socket {}", p.display()),
            Address::Tcp(port) => write!(f, "127.0.0.1:{port}"),
        }
    }
}

/// Reads the port file: `None` until its last line is `EOF`.
pub(crate) fn parse_port_file(text: &str) -> Option<Result<Address>> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.last() != Some(&"EOF") {
        return None;
    }
    for l in &lines {
        #[cfg(unix)]
        if let Some(p) = l.strip_prefix("unix=")
            && !p.is_empty()
        {
            return Some(Ok(Address::Unix(PathBuf::from(p))));
        }
        if let Some(p) = l.strip_prefix("sock=")
            && let Ok(port) = p.parse()
        {
            return Some(Ok(Address::Tcp(port)));
        }
    }
    Some(Err(Error::PortFile {
        content: text.to_string(),
    }))
}

/// A connected socket to core.
pub(crate) enum Socket {
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
    Tcp(TcpStream),
}

impl Socket {
    pub(crate) fn connect(addr: &Address) -> Result<Socket> {
        let err = |source| Error::Connect {
            address: addr.to_string(),
            source,
        };
        match addr {
            #[cfg(unix)]
            Address::Unix(p) => std::os::unix::net::UnixStream::connect(p)
                .map(Socket::Unix)
                .map_err(err),
            #[cfg(not(unix))]
            Address::Unix(_) => Err(err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "no Unix sockets on this platform",
            ))),
            Address::Tcp(port) => {
                let s = TcpStream::connect(("127.0.0.1", *port)).map_err(err)?;
                let _ = s.set_nodelay(true);
                Ok(Socket::Tcp(s))
            }
        }
    }

    pub(crate) fn try_clone(&self) -> std::io::Result<Socket> {
        match self {
            #[cfg(unix)]
            Socket::Unix(s) => s.try_clone().map(Socket::Unix),
            Socket::Tcp(s) => s.try_clone().map(Socket::Tcp),
        }
    }

    pub(crate) fn shutdown(&self) {
        let _ = match self {
            #[cfg(unix)]
            Socket::Unix(s) => s.shutdown(std::net::Shutdown::Both),
            Socket::Tcp(s) => s.shutdown(std::net::Shutdown::Both),
        };
    }
}

impl Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            #[cfg(unix)]
            Socket::Unix(s) => s.read(buf),
            Socket::Tcp(s) => s.read(buf),
        }
    }
}

impl Write for Socket {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            #[cfg(unix)]
            Socket::Unix(s) => s.write(buf),
            Socket::Tcp(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            #[cfg(unix)]
            Socket::Unix(s) => s.flush(),
            Socket::Tcp(s) => s.flush(),
        }
    }
}

/// A started core: the process, its socket, and the folder of its port file and log.
pub(crate) struct Started {
    pub child: Child,
    pub socket: Socket,
    pub dir: tempfile::TempDir,
}

/// The file core's standard error goes to, inside the port file's folder.
pub(crate) fn stderr_path(dir: &Path) -> PathBuf {
    dir.join("wandb-core.stderr")
}

/// The end of what core wrote on standard error.
pub(crate) fn stderr_tail(dir: &Path) -> String {
    let text = std::fs::read(stderr_path(dir)).unwrap_or_default();
    let start = text.len().saturating_sub(4000);
    String::from_utf8_lossy(&text[start..]).into_owned()
}

/// Starts `path` (already version-checked) and connects to it.
pub(crate) fn start(path: &Path, start_timeout: Duration, tcp: bool) -> Result<Started> {
    let dir = tempfile::Builder::new()
        .prefix("wb-core-")
        .tempdir()
        .map_err(|source| Error::Io {
            action: "creating a temporary folder for wandb-core's port file in",
            path: std::env::temp_dir(),
            source,
        })?;
    let port_file = dir.path().join("port.txt");
    let stderr = std::fs::File::create(stderr_path(dir.path())).map_err(|source| Error::Io {
        action: "creating",
        path: stderr_path(dir.path()),
        source,
    })?;
    let mut cmd = Command::new(path);
    cmd.arg("--port-filename")
        .arg(&port_file)
        .arg("--pid")
        .arg(std::process::id().to_string())
        // No error reports from core to W&B's Sentry: a Rust program did not ask for them.
        .arg("--no-observability");
    if tcp || cfg!(not(unix)) {
        cmd.arg("--listen-on-localhost");
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(stderr));
    // Like the SDK, core gets its own process group, so a Ctrl-C meant for the program does
    // not kill the uploader before the program has finished its run.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().map_err(|source| Error::Spawn {
        path: path.to_path_buf(),
        source,
    })?;
    let end = Instant::now() + start_timeout;
    let address = loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(Error::ExitedAtStart {
                path: path.to_path_buf(),
                status: status.to_string(),
                stderr: stderr_tail(dir.path()),
            });
        }
        if let Ok(text) = std::fs::read_to_string(&port_file)
            && let Some(addr) = parse_port_file(&text)
        {
            match addr {
                Ok(a) => break a,
                Err(e) => {
                    kill(&mut child);
                    return Err(e);
                }
            }
        }
        if Instant::now() >= end {
            kill(&mut child);
            return Err(Error::StartTimeout {
                path: path.to_path_buf(),
                after: start_timeout,
                stderr: stderr_tail(dir.path()),
            });
        }
        std::thread::sleep(POLL);
    };
    match Socket::connect(&address) {
        Ok(socket) => Ok(Started { child, socket, dir }),
        Err(e) => {
            kill(&mut child);
            Err(e)
        }
    }
}

/// Kills and reaps a child.
pub(crate) fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn port_file() {
        assert!(parse_port_file("").is_none());
        assert!(parse_port_file("sock=123\n").is_none());
        assert_eq!(
            parse_port_file("sock=123\nEOF\n").unwrap().unwrap(),
            Address::Tcp(123)
        );
        #[cfg(unix)]
        assert_eq!(
            parse_port_file("unix=/tmp/a b.sock\nEOF").unwrap().unwrap(),
            Address::Unix(PathBuf::from("/tmp/a b.sock"))
        );
        assert!(matches!(
            parse_port_file("pipe=x\nEOF"),
            Some(Err(Error::PortFile { .. }))
        ));
    }

    #[test]
    fn version_line() {
        let help = "wandb-core - W&B SDK core service\n\nVersion: 0.31.0\nCommit SHA: 15f8\n";
        assert_eq!(parse_version(help).as_deref(), Some("0.31.0"));
        assert_eq!(parse_version("Usage: x"), None);
    }
}
