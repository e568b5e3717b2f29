//! Runs `tests/bench/bench.py` (the SDK side) and reads its one-line JSON answers.

use std::path::{Path, PathBuf};
use std::process::Command;
use wb_types::core::json::{self, Value};

/// Names an interpreter to use instead of the conformance venv (it needs wandb 0.31.0, numpy,
/// Pillow, soundfile, imageio and moviepy, as `tests/conformance/requirements.txt` lists).
pub const PYTHON_ENV: &str = "WB_BENCH_PYTHON";

/// The SDK side.
pub struct Python {
    exe: PathBuf,
    script: PathBuf,
}

/// The SDK's output of one operation, and how it compares with ours.
pub struct PyOutput {
    /// Total bytes of its output files (`None`: no file, as for the histogram).
    pub bytes: Option<u64>,
    /// Whether it is equivalent to ours.
    pub equivalent: bool,
    /// What was compared, or what differs.
    pub detail: String,
    /// `python`, `wandb` and `numpy` versions.
    pub versions: String,
}

/// The SDK's timings.
pub struct PyTime {
    /// The median, in milliseconds.
    pub ms: f64,
    /// Every timed run, in milliseconds.
    pub runs_ms: Vec<f64>,
    /// Parts of each timed run timed separately (`"parts": {"in log": [ms, ...]}`).
    pub parts: Vec<(String, Vec<f64>)>,
}

impl Python {
    /// `$WB_BENCH_PYTHON`, else the conformance runner's interpreter (`$WB_CONFORMANCE_PYTHON`
    /// or its venv under `target/`, built on first use).
    pub fn find(root: &Path, target: &Path) -> Result<Python, String> {
        let exe = match std::env::var_os(PYTHON_ENV) {
            Some(p) => {
                let p = PathBuf::from(p);
                if !p.is_file() {
                    return Err(format!("{PYTHON_ENV}={} is not a file", p.display()));
                }
                p
            }
            None => xtask::conformance::python::interpreter(root, target)?,
        };
        Ok(Python {
            exe,
            script: root.join("tests/bench/bench.py"),
        })
    }

    /// The interpreter's path.
    pub fn exe(&self) -> &Path {
        &self.exe
    }

    fn call(&self, args: &[String], cwd: &Path, env: &[(String, String)]) -> Result<Value, String> {
        std::fs::create_dir_all(cwd).map_err(|e| format!("{}: {e}", cwd.display()))?;
        let out = Command::new(&self.exe)
            .arg(&self.script)
            .args(args)
            .current_dir(cwd)
            .env("WANDB_MODE", "offline")
            .env("WANDB_SILENT", "true")
            .env("WANDB_DIR", cwd)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.exe.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let last = stdout.lines().rev().find(|l| l.starts_with('{'));
        match (out.status.success(), last) {
            (true, Some(line)) => {
                json::parse(line).map_err(|e| format!("bench.py said {line:?}: {e}"))
            }
            _ => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                Err(format!(
                    "bench.py {} failed ({}): {}",
                    args.join(" "),
                    out.status,
                    tail.join(" / ")
                ))
            }
        }
    }

    /// Runs the SDK's operation once, keeps its output under `out` and compares it with ours.
    pub fn output(
        &self,
        name: &str,
        out: &Path,
        ours: &[PathBuf],
        env: &[(String, String)],
    ) -> Result<PyOutput, String> {
        let mut args = vec![
            name.to_owned(),
            "output".into(),
            "--out".into(),
            out.display().to_string(),
            "--rust-output".into(),
        ];
        args.extend(ours.iter().map(|p| p.display().to_string()));
        let v = self.call(&args, out, env)?;
        let versions = ["python", "wandb", "numpy"]
            .iter()
            .map(|k| format!("{k} {}", v.get(k).and_then(Value::as_str).unwrap_or("?")))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(PyOutput {
            bytes: v.get("bytes").and_then(Value::as_i64).map(|b| b as u64),
            equivalent: v.get("equivalent").and_then(Value::as_bool) == Some(true),
            detail: v
                .get("detail")
                .and_then(Value::as_str)
                .unwrap_or("no comparison")
                .to_owned(),
            versions,
        })
    }

    /// Times the SDK's operation: a warm-up, then up to `reps` runs (at least three) within
    /// about `budget_s` seconds.
    pub fn time(
        &self,
        name: &str,
        out: &Path,
        reps: usize,
        budget_s: f64,
        env: &[(String, String)],
    ) -> Result<PyTime, String> {
        let args = vec![
            name.to_owned(),
            "time".into(),
            "--out".into(),
            out.display().to_string(),
            "--reps".into(),
            reps.to_string(),
            "--budget".into(),
            budget_s.to_string(),
        ];
        let v = self.call(&args, out, env)?;
        let ms = v
            .get("ms")
            .and_then(Value::as_f64)
            .ok_or_else(|| format!("bench.py {name} time gave no \"ms\": {v:?}"))?;
        let runs_ms = v
            .get("runs_ms")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        let parts = v
            .get("parts")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, a)| {
                        let runs = a
                            .as_array()
                            .map(|a| a.iter().filter_map(Value::as_f64).collect())
                            .unwrap_or_default();
                        (k.clone(), runs)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(PyTime { ms, runs_ms, parts })
    }
}
