//! Benchmark: an offline run logging 10 000 steps of three scalars and a 64-bin histogram of a
//! fixed 1 000-value array (built each step, as training code does), from `init` to `finish`;
//! the same with the Python SDK (`wandb==0.31.0`, `WANDB_MODE=offline`) when a Python with
//! wandb is found, and the ratio.
//!
//! ```sh
//! cargo run --release -p wb-run --example bench_run [-- --steps N] [--no-python]
//! WB_PYTHON=/path/to/python cargo run --release -p wb-run --example bench_run
//! ```
//! Python is looked for in `$WB_PYTHON`, `$WB_CONFORMANCE_PYTHON`, then
//! `target/conformance-venv` (built by `cargo xtask conformance`).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use wb_core::Histogram;
use wb_run::{Row, Run};

const PY: &str = r#"
import sys, time
import wandb
steps = int(sys.argv[2])
data = [((i * 7919) % 1000) * 0.001 - 0.5 for i in range(1000)]
t0 = time.perf_counter()
run = wandb.init(project="bench", dir=sys.argv[1])
for step in range(steps):
    run.log({"loss": 1.0 / (step + 1), "acc": step / steps, "lr": 0.001,
             "weights": wandb.Histogram(data, num_bins=64)})
run.finish()
print(time.perf_counter() - t0)
"#;

fn data() -> Vec<f64> {
    (0..1000)
        .map(|i: i64| ((i * 7919) % 1000) as f64 * 0.001 - 0.5)
        .collect()
}

fn rust_run(root: &Path, steps: u64) -> (f64, PathBuf) {
    let data = data();
    let t0 = Instant::now();
    let run = Run::builder()
        .with_dir(root)
        .with_project("bench")
        .with_mode(wb_run::Mode::Offline)
        .build()
        .expect("creating the run");
    for step in 0..steps {
        run.log(
            Row::new()
                .with("loss", 1.0 / (step + 1) as f64)
                .with("acc", step as f64 / steps as f64)
                .with("lr", 0.001)
                .with_media(
                    "weights",
                    Histogram::from_sequence_with(
                        &data,
                        wb_core::HistogramOptions::default().with_num_bins(64),
                    )
                    .expect("histogram"),
                ),
        )
        .expect("logging");
    }
    run.finish(0).expect("finishing");
    (t0.elapsed().as_secs_f64(), run.dir().to_path_buf())
}

fn python() -> Option<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    ["WB_PYTHON", "WB_CONFORMANCE_PYTHON"]
        .iter()
        .filter_map(std::env::var_os)
        .map(PathBuf::from)
        .chain([target.join("conformance-venv/bin/python")])
        .find(|p| {
            Command::new(p)
                .args(["-c", "import wandb"])
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

fn python_run(python: &Path, root: &Path, steps: u64) -> Option<f64> {
    let script = root.join("bench_run.py");
    std::fs::write(&script, PY).ok()?;
    let out = Command::new(python)
        .arg(&script)
        .arg(root)
        .arg(steps.to_string())
        .env("WANDB_MODE", "offline")
        .env("WANDB_SILENT", "true")
        .env("WANDB_DATA_DIR", root.join("data"))
        .current_dir(root)
        .output()
        .ok()?;
    if !out.status.success() {
        println!(
            "python run failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let steps = args
        .iter()
        .position(|a| a == "--steps")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000u64);
    let tmp = std::env::temp_dir().join(format!("wb-run-bench-{}", std::process::id()));
    let (rs_root, py_root) = (tmp.join("rust"), tmp.join("python"));
    std::fs::create_dir_all(&rs_root).expect("temp folder");
    std::fs::create_dir_all(&py_root).expect("temp folder");

    let (rs, dir) = rust_run(&rs_root, steps);
    let size = std::fs::metadata(dir.join(format!(
        "run-{}.wandb",
        dir.file_name()
            .map(|n| n.to_string_lossy().rsplit('-').next().unwrap_or("").to_owned())
            .unwrap_or_default()
    )))
    .map(|m| m.len())
    .unwrap_or(0);
    println!(
        "rust   (wb-run):       {steps} steps x (3 scalars + 64-bin histogram of 1000 values): {rs:.3} s  ({:.1} us/step, .wandb {:.1} MB)",
        rs * 1e6 / steps as f64,
        size as f64 / 1e6
    );
    if args.iter().any(|a| a == "--no-python") {
        println!("python: skipped (--no-python)");
        let _ = std::fs::remove_dir_all(&tmp);
        return;
    }
    match python() {
        Some(py) => match python_run(&py, &py_root, steps) {
            Some(pt) => {
                println!(
                    "python (wandb 0.31.0): {steps} steps, same rows, WANDB_MODE=offline: {pt:.3} s  ({:.1} us/step)",
                    pt * 1e6 / steps as f64
                );
                println!("ratio: wb-run is {:.1}x faster", pt / rs);
            }
            None => println!("python: the run failed; no ratio"),
        },
        None => println!(
            "python: no interpreter with wandb found (set WB_PYTHON, or run `cargo xtask conformance` once); no ratio"
        ),
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
