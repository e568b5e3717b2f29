//! The Python side: a virtual environment with wandb==0.31.0 under `target/`, created once and
//! re-used, and one run of `tests/conformance/reference.py` for all cases.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest the reference may take for one run of the corpus (a hung SDK call must not
/// hang CI): 30 minutes, far above the minute the whole corpus takes.
const REFERENCE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Names an interpreter to use instead of the runner's own venv (it must have what
/// `tests/conformance/requirements.txt` lists).
pub const PYTHON_ENV: &str = "WB_CONFORMANCE_PYTHON";

/// The venv's marker file: the requirements it was built from.
const MARKER: &str = "wb-conformance-requirements.txt";

/// The interpreter to run the reference with: `$WB_CONFORMANCE_PYTHON`, or the runner's venv
/// (built first when missing or built from other requirements).
pub fn interpreter(root: &Path, target: &Path) -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os(PYTHON_ENV) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("{PYTHON_ENV}={} is not a file", p.display()))
        };
    }
    let reqs_path = root.join("tests/conformance/requirements.txt");
    let reqs = std::fs::read_to_string(&reqs_path)
        .map_err(|e| format!("cannot read {}: {e}", reqs_path.display()))?;
    let venv = target.join("conformance-venv");
    let py = venv_python(&venv);
    let marker = venv.join(MARKER);
    if py.is_file() && std::fs::read_to_string(&marker).is_ok_and(|m| m == reqs) {
        return Ok(py);
    }
    build_venv(&venv, &reqs_path, target)?;
    std::fs::write(&marker, reqs).map_err(|e| format!("cannot write {}: {e}", marker.display()))?;
    Ok(py)
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// The first of `candidates` that runs (`--version` succeeds).
fn find_python<'a>(candidates: &[&'a str]) -> Result<&'a str, String> {
    candidates
        .iter()
        .copied()
        .find(|p| {
            Command::new(p)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .ok_or_else(|| {
            format!(
                "{} was not found on PATH. The conformance runner needs Python 3.9 or newer \
                 to build its reference environment (wandb==0.31.0) under \
                 target/conformance-venv; install Python, or point {PYTHON_ENV} at an \
                 interpreter that has tests/conformance/requirements.txt installed",
                candidates.first().copied().unwrap_or("python3")
            )
        })
}

fn build_venv(venv: &Path, reqs: &Path, target: &Path) -> Result<(), String> {
    let system = find_python(&["python3", "python"])?;
    let log = target.join("conformance-venv.log");
    eprintln!(
        "conformance: building the reference environment in {} (wandb==0.31.0 and the media \
         libraries from PyPI; once, a few minutes; log: {})",
        venv.display(),
        log.display()
    );
    let _ = std::fs::remove_dir_all(venv);
    run_logged(
        Command::new(system).args(["-m", "venv"]).arg(venv),
        &log,
        &format!("`{system} -m venv` failed (on Debian/Ubuntu, install the python3-venv package)"),
    )?;
    let py = venv_python(venv);
    run_logged(
        Command::new(&py).args(["-m", "pip", "install", "--upgrade", "pip"]),
        &log,
        "upgrading pip in the reference environment failed",
    )?;
    run_logged(
        Command::new(&py)
            .args(["-m", "pip", "install", "--disable-pip-version-check", "-r"])
            .arg(reqs),
        &log,
        &format!("installing {} failed (is PyPI reachable?)", reqs.display()),
    )?;
    let check = Command::new(&py)
        .args(["-c", "import wandb, numpy, pandas, PIL, soundfile, imageio, moviepy, plotly; print(wandb.__version__)"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", py.display()))?;
    let version = String::from_utf8_lossy(&check.stdout).trim().to_owned();
    if !check.status.success() || version != "0.31.0" {
        return Err(format!(
            "the reference environment does not import wandb 0.31.0 (got {version:?}): {}",
            String::from_utf8_lossy(&check.stderr).trim()
        ));
    }
    Ok(())
}

/// Runs `cmd` with its output appended to `log`; on failure, the error names the log and
/// shows its last lines.
fn run_logged(cmd: &mut Command, log: &Path, what: &str) -> Result<(), String> {
    run_logged_timeout(cmd, log, what, None)
}

/// [`run_logged`], killing the command after `timeout`.
fn run_logged_timeout(
    cmd: &mut Command,
    log: &Path,
    what: &str,
    timeout: Option<Duration>,
) -> Result<(), String> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
    let err = file
        .try_clone()
        .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
    let mut child = cmd
        .stdout(file)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("{what}: cannot start it: {e}"))?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait().map_err(|e| format!("{what}: {e}"))? {
            Some(status) => break status,
            None if timeout.is_some_and(|t| start.elapsed() > t) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{what}: stopped after {} s without finishing (see {})",
                    start.elapsed().as_secs(),
                    log.display()
                ));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    if status.success() {
        return Ok(());
    }
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let tail: Vec<&str> = text.lines().rev().take(15).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(format!(
        "{what} ({status}); the end of {}:\n{}",
        log.display(),
        tail.join("\n")
    ))
}

/// Runs the reference script once for every staged case file. Its log goes to `log`.
pub fn run_reference(
    python: &Path,
    root: &Path,
    cases: &[PathBuf],
    out: &Path,
    rust_out: &Path,
    scratch: &Path,
    log: &Path,
) -> Result<(), String> {
    let script = root.join("tests/conformance/reference.py");
    // Long lists go through a file, never the command line's length limit.
    let list = scratch.join("cases.txt");
    std::fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let text: Vec<String> = cases
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    std::fs::write(&list, text.join("\n")).map_err(|e| format!("{}: {e}", list.display()))?;
    let _ = std::fs::remove_file(log);
    run_logged_timeout(
        Command::new(python)
            .arg(&script)
            .arg("--out")
            .arg(out)
            .arg("--rust")
            .arg(rust_out)
            .arg("--scratch")
            .arg(scratch)
            .arg("--case-list")
            .arg(&list)
            .env("WANDB_MODE", "offline")
            .env("WANDB_SILENT", "true")
            .env("PYTHONUNBUFFERED", "1"),
        log,
        "the Python reference failed",
        Some(REFERENCE_TIMEOUT),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_python_is_a_clear_error() {
        let e = find_python(&["no-such-python-wb-conformance"]).unwrap_err();
        assert!(
            e.starts_with("no-such-python-wb-conformance was not found on PATH"),
            "{e}"
        );
        assert!(e.contains("WB_CONFORMANCE_PYTHON"), "{e}");
    }

    #[test]
    fn a_failed_command_shows_its_log() {
        let d = tempfile::tempdir().unwrap();
        let log = d.path().join("log.txt");
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "echo 'ERROR: No matching distribution found for wandb==0.31.0'; exit 1",
        ]);
        let e = run_logged(&mut cmd, &log, "installing failed").unwrap_err();
        assert!(e.starts_with("installing failed"), "{e}");
        assert!(e.contains("No matching distribution found"), "{e}");
        let mut slow = Command::new("sh");
        slow.args(["-c", "sleep 5"]);
        let e = run_logged_timeout(&mut slow, &log, "slow", Some(Duration::from_millis(100)))
            .unwrap_err();
        assert!(e.contains("stopped after"), "{e}");
    }
}
