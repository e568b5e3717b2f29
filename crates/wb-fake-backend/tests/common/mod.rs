//! Running the reference SDK's Python against a backend: finding it, a clean environment, a
//! bounded run.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A 40-character API key: the SDK checks only the form of a key; the backend takes any.
pub const KEY: &str = "fakekey0fakekey1fakekey2fakekey3fakekey4";

/// The Python with wandb 0.31.0, or `None` (said loudly) where there is none outside CI.
/// Under `CI=true` a missing Python fails the test.
pub fn python() -> Option<PathBuf> {
    let found = wb_fake_backend::locate_sdk_python().and_then(|p| {
        let out = Command::new(&p)
            .args(["-c", "import wandb; print(wandb.__version__)"])
            .output();
        match out {
            Ok(o)
                if o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0.31.0" =>
            {
                Ok(p)
            }
            _ => Err(wb_fake_backend::Error::NotFound {
                what: "a Python with wandb 0.31.0",
                tried: vec![p],
                hint: "the interpreter found has no wandb 0.31.0",
            }),
        }
    });
    match found {
        Ok(p) => Some(p),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("this test drives the real SDK and CI must provide it: {e}")
        }
        Err(e) => {
            eprintln!("SKIPPED (no reference SDK here, and CI is not set): {e}");
            None
        }
    }
}

/// A child process killed when dropped (a failed assertion never leaves it running).
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What a finished process left.
pub struct Finished {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Display for Finished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// The environment of an SDK process: nothing inherited but `PATH`, a home of its own.
pub fn sdk_command(python: &Path, home: &Path, base_url: &str, key: &str) -> Command {
    let mut cmd = Command::new(python);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("LANG", "C.UTF-8")
        .env("WANDB_BASE_URL", base_url)
        .env("WANDB_API_KEY", key)
        .env("WANDB_MODE", "online")
        .env("WANDB_CONFIG_DIR", home.join("config"))
        .env("WANDB_CACHE_DIR", home.join("cache"))
        .env("WANDB_DATA_DIR", home.join("data"))
        .env("WANDB_ARTIFACT_DIR", home.join("artifacts"))
        .env("WANDB_DISABLE_GIT", "true")
        .current_dir(home);
    cmd
}

/// Runs `cmd` to its end, killing it (and failing) past `limit`.
pub fn run_bounded(mut cmd: Command, limit: Duration) -> Finished {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = KillOnDrop(cmd.spawn().expect("the SDK's Python starts"));
    let mut out = child.0.stdout.take().expect("stdout is piped");
    let mut err = child.0.stderr.take().expect("stderr is piped");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("wait on the child") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if status.is_none() {
        let _ = child.0.kill();
    }
    let finished = Finished {
        success: status.is_some_and(|s| s.success()),
        code: status.and_then(|s| s.code()),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    };
    assert!(
        status.is_some(),
        "the process did not finish within {limit:?} and was killed\n{finished}"
    );
    finished
}

/// Every file under `dir`, as paths relative to it with `/` separators.
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir)
            .expect("read the run's files dir")
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("under root");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The sha256 of bytes, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
