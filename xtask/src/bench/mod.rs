//! `cargo xtask bench [--quick] [--only NAME]...`: each benchmark of the performance issue,
//! ours against the Python SDK (wandb 0.31.0) on the same machine and the same inputs.
//!
//! Per benchmark: build the input (both sides, from the same formulas: [`inputs`] and
//! `tests/bench/bench.py`); run our operation once and the SDK's once, and have the Python side
//! check that the outputs are equivalent (same pixels, counts, JSON, bytes, frames or history
//! rows); only then time the SDK (timeit: a warm-up, then runs, median) and ours (a warm-up,
//! then runs, median). A benchmark with a floor ([`floor`]: the work any writer of the same
//! file must do) has the floor timed in the same runs, alternating with ours, and is judged by
//! our time over the floor. The table goes to stdout and `target/bench/report.json`.
//!
//! `cargo xtask` runs a debug build, and timing unoptimized code would mean nothing, so the
//! debug build re-runs itself as `cargo run --release -p xtask -- bench ...`.

mod cases;
mod floor;
mod inputs;
mod python;
mod report;

use python::Python;
use report::{Outcome, Row};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;
use wb_types::core::json::{Map, Value};

const USAGE: &str = "\
usage: cargo xtask bench [--quick] [--only NAME]... [--list]

Runs each benchmark with wb-types (release build) and with the Python SDK (wandb==0.31.0, the
conformance venv under target/, or $WB_BENCH_PYTHON), checks that both produced equivalent
output, times both (warm-up, several runs, median), prints one row per benchmark (Python ms,
Rust ms, ratio, time over the floor where the bench has one (object3d: formatting and hashing
the file on the same input, in the same runs), goal, bytes each side) and writes
target/bench/report.json.
Exits 1 when a goal is missed or a benchmark could not run.

  --quick      fewer runs (3 Python, 5 Rust) and smaller time budgets
  --only NAME  only this benchmark (repeatable): image, histogram, table, video, video-mp4,
               object3d, audio, run, run-nostats,
               run-online (needs wandb-core 0.31.0: $WB_CORE_PATH or the venv's)
  --list       list the benchmarks and their goals
  --rust-only  time only our side (no Python, no equivalence check, no report): for profiling,
               e.g. perf record target/release/xtask bench --rust-only --only table

See docs/performance.md.";

/// How many runs, and how long, each side gets.
#[derive(Debug, Clone, Copy)]
struct Effort {
    python_reps: usize,
    python_budget_s: f64,
    rust_reps: usize,
    rust_budget_s: f64,
}

const FULL: Effort = Effort {
    python_reps: 7,
    python_budget_s: 20.0,
    rust_reps: 15,
    rust_budget_s: 5.0,
};

const QUICK: Effort = Effort {
    python_reps: 3,
    python_budget_s: 3.0,
    rust_reps: 5,
    rust_budget_s: 1.0,
};

#[derive(Debug, Default)]
struct Options {
    quick: bool,
    only: Vec<String>,
    list: bool,
    rust_only: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let names: Vec<&str> = cases::all().iter().map(|d| d.name).collect();
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => o.quick = true,
            "--list" => o.list = true,
            "--rust-only" => o.rust_only = true,
            "--only" => {
                let n = it.next().ok_or("--only needs a benchmark name")?;
                for n in n.split(',') {
                    if !names.contains(&n) {
                        return Err(format!(
                            "unknown benchmark {n:?}; the benchmarks are {}",
                            names.join(", ")
                        ));
                    }
                    o.only.push(n.to_owned());
                }
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

/// `cargo xtask bench ARGS`.
pub fn main(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let opts = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if opts.list {
        for d in cases::all() {
            let size = d
                .goal
                .max_size_ratio
                .map(|s| format!(", file <= {s}x the SDK's"))
                .unwrap_or_default();
            let speed = match d.goal.max_floor_ratio {
                Some(f) => format!("<= {f}x the floor"),
                None => format!(">= {}x", d.goal.ratio),
            };
            println!("{:<10} {speed}{size}  ({})", d.name, d.input);
        }
        return ExitCode::SUCCESS;
    }
    if cfg!(debug_assertions) {
        return rerun_release(args);
    }
    if opts.rust_only {
        return match rust_only(&opts) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bench: error: {e}");
                ExitCode::from(2)
            }
        };
    }
    match run(&opts) {
        Ok(rows) if rows.iter().all(Row::met) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("bench: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Re-runs this command from an optimized build.
fn rerun_release(args: &[String]) -> ExitCode {
    let root = xtask::conformance::root();
    eprintln!("bench: building and running the release build (timings need optimized code)");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["run", "--release", "--quiet", "-p", "xtask", "--", "bench"])
        .args(args)
        .current_dir(&root)
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(s.code().map_or(2, |c| c.clamp(1, 255) as u8)),
        Err(e) => {
            eprintln!("bench: cannot run cargo: {e}");
            ExitCode::from(2)
        }
    }
}

/// `--rust-only`: times our side of each selected benchmark and prints the medians.
fn rust_only(opts: &Options) -> Result<(), String> {
    let root = xtask::conformance::root();
    let out = xtask::conformance::target_dir(&root).join("bench");
    let effort = if opts.quick { QUICK } else { FULL };
    for def in selected(opts) {
        let mut bench = (def.make)()?;
        let dir = out.join(def.name).join("rust-only");
        let timed = time_rust(bench.as_mut(), &dir, effort)?;
        let _ = std::fs::remove_dir_all(&dir);
        let runs = &timed.runs;
        let med = report::median(runs).unwrap_or(f64::NAN);
        let min = runs.iter().copied().fold(f64::INFINITY, f64::min);
        let floor = match report::median(&timed.floor_runs) {
            Some(f) => format!(", floor {} ms ({:.2}x)", report::fmt_ms(f), med / f),
            None => String::new(),
        };
        let parts: String = bench
            .parts(runs.len())
            .iter()
            .map(|(name, ms)| {
                format!(
                    ", {name} {} ms",
                    report::fmt_ms(report::median(ms).unwrap_or(f64::NAN))
                )
            })
            .collect();
        println!(
            "{:<10} median {} ms, best {} ms ({} runs){floor}{parts}",
            def.name,
            report::fmt_ms(med),
            report::fmt_ms(min),
            runs.len()
        );
    }
    Ok(())
}

fn selected(opts: &Options) -> Vec<cases::Def> {
    cases::all()
        .into_iter()
        .filter(|d| opts.only.is_empty() || opts.only.iter().any(|n| n == d.name))
        .collect()
}

/// Runs the selected benchmarks, prints the table and writes the report.
fn run(opts: &Options) -> Result<Vec<Row>, String> {
    let root = xtask::conformance::root();
    let target = xtask::conformance::target_dir(&root);
    let out = target.join("bench");
    let effort = if opts.quick { QUICK } else { FULL };
    let py = Python::find(&root, &target);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load_start = load_average();
    if let Some(load) = load_start.filter(|&l| l > cores as f64 * 0.5) {
        eprintln!(
            "bench: note: the load average is {load:.1} on {cores} cores; other work on the \
             machine slows both sides unevenly (see docs/performance.md)"
        );
    }
    let mut versions = String::new();
    let mut rows = Vec::new();
    for def in selected(opts) {
        eprint!("bench: {:<10} ", def.name);
        let started = Instant::now();
        let (outcome, note) = match &py {
            Err(e) => (
                Outcome::Missing(format!("no Python side: {e}")),
                String::new(),
            ),
            Ok(py) => one(&def, py, &out.join(def.name), effort, &mut versions),
        };
        let row = Row {
            bench: def.name,
            input: def.input,
            goal: def.goal,
            outcome,
            note,
        };
        eprintln!(
            "{} ({:.0} s)",
            row.verdict(),
            started.elapsed().as_secs_f64()
        );
        rows.push(row);
    }
    print!("{}", report::table(&rows));
    let mut meta = meta(opts, py.as_ref().ok(), &versions);
    if let Some(l) = load_start {
        meta.insert("load_average_1min_at_start".into(), l.into());
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let path = out.join("report.json");
    std::fs::write(&path, report::to_json(&rows, meta))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    println!("\nreport: {}", path.display());
    Ok(rows)
}

/// One benchmark: outputs, equivalence, then timings.
fn one(
    def: &cases::Def,
    py: &Python,
    dir: &Path,
    effort: Effort,
    versions: &mut String,
) -> (Outcome, String) {
    let _ = std::fs::remove_dir_all(dir);
    let mut bench = match (def.make)() {
        Ok(b) => b,
        Err(why) => return (Outcome::Missing(why), String::new()),
    };
    // Our output, kept under dir/rust/.
    let ours = match keep_output(bench.as_mut(), &dir.join("rust"), def.name) {
        Ok(o) => o,
        Err(e) => return (Outcome::Failed(format!("ours: {e}")), String::new()),
    };
    let rust_bytes = ours.bytes;
    let env = match cases::python_env(def.name) {
        Ok(e) => e,
        Err(e) => return (Outcome::Failed(format!("Python side: {e}")), String::new()),
    };
    // The SDK's output, and the comparison (done by the Python side, with the SDK's decoders).
    let theirs = match py.output(def.name, &dir.join("python"), &ours.files, &env) {
        Ok(t) => t,
        Err(e) => return (Outcome::Failed(format!("Python side: {e}")), String::new()),
    };
    theirs.versions.clone_into(versions);
    if !theirs.equivalent {
        return (Outcome::Mismatch(theirs.detail), String::new());
    }
    settle();
    let py_time = match py.time(
        def.name,
        &dir.join("python-time"),
        effort.python_reps,
        effort.python_budget_s,
        &env,
    ) {
        Ok(t) => t,
        Err(e) => return (Outcome::Failed(format!("Python side: {e}")), theirs.detail),
    };
    settle();
    let timed = match time_rust(bench.as_mut(), &dir.join("rust-time"), effort) {
        Ok(t) => t,
        Err(e) => return (Outcome::Failed(format!("ours: {e}")), theirs.detail),
    };
    let rust_runs = timed.runs;
    let rust_ms = report::median(&rust_runs).unwrap_or(f64::NAN);
    let floor_ms = report::median(&timed.floor_runs);
    let floor_note = match &timed.floor {
        None => String::new(),
        Some(f) => {
            let same = ours
                .files
                .first()
                .and_then(|p| std::fs::read(p).ok())
                .is_some_and(|b| wb_types::core::internal::hash::sha256_hex(&b) == f.sha256);
            format!(
                "; floor: {} bytes formatted and hashed on {} threads, {} our file ({} runs)",
                f.bytes,
                std::thread::available_parallelism().map_or(1, usize::from),
                if same {
                    "the same bytes as"
                } else {
                    "NOT the bytes of"
                },
                timed.floor_runs.len()
            )
        }
    };
    let parts_note: String = bench
        .parts(rust_runs.len())
        .iter()
        .map(|(name, ours)| {
            let sdk = py_time
                .parts
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, ms)| report::median(ms));
            let ours = report::median(ours).unwrap_or(f64::NAN);
            match sdk {
                Some(sdk) => format!(
                    "; {name}: the SDK {} ms, ours {} ms ({:.1}x)",
                    report::fmt_ms(sdk),
                    report::fmt_ms(ours),
                    sdk / ours
                ),
                None => format!("; {name}: ours {} ms", report::fmt_ms(ours)),
            }
        })
        .collect();
    let note = format!(
        "{}; {} Python runs, {} Rust runs{floor_note}{parts_note}",
        theirs.detail,
        py_time.runs_ms.len(),
        rust_runs.len()
    );
    let _ = std::fs::remove_dir_all(dir.join("rust-time"));
    let _ = std::fs::remove_dir_all(dir.join("python-time"));
    (
        Outcome::Measured {
            python_ms: py_time.ms,
            rust_ms,
            python_bytes: theirs.bytes,
            rust_bytes,
            python_best_ms: py_time.runs_ms.iter().copied().fold(py_time.ms, f64::min),
            rust_best_ms: rust_runs.iter().copied().fold(rust_ms, f64::min),
            floor_ms,
        },
        note,
    )
}

/// Flushes dirty pages (`sync`) before a side is timed, so that the kernel writing back the
/// files of the previous phase (up to hundreds of MB for the run bench) does not land in the
/// next phase's timings. Best effort.
fn settle() {
    let _ = Command::new("sync").status();
}

struct Kept {
    files: Vec<PathBuf>,
    bytes: Option<u64>,
}

/// Runs our operation once and keeps what it produced under `dir`.
fn keep_output(bench: &mut dyn cases::Bench, dir: &Path, name: &str) -> Result<Kept, String> {
    let scratch = dir.join("scratch");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    bench.before()?;
    match bench.run(&scratch)? {
        cases::Produced::Json(text) => {
            let p = dir.join(format!("{name}.json"));
            std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
            Ok(Kept {
                files: vec![p],
                bytes: None,
            })
        }
        cases::Produced::Files(files) => {
            let mut bytes = 0;
            for f in &files {
                bytes += std::fs::metadata(f)
                    .map_err(|e| format!("{}: {e}", f.display()))?
                    .len();
            }
            Ok(Kept {
                files,
                bytes: Some(bytes),
            })
        }
    }
}

/// Our timings, and the floor's where the bench has one.
struct Timed {
    /// Milliseconds per run of ours.
    runs: Vec<f64>,
    /// Milliseconds per run of the floor, each right after one of ours (empty: no floor).
    floor_runs: Vec<f64>,
    /// What the floor made (its last run).
    floor: Option<floor::Floor>,
}

/// A warm-up, then runs until `rust_reps` runs or the time budget (at least five runs), all in
/// one folder (as the SDK's runs share one run folder; a run bench makes a new run folder
/// inside each time). After each of our runs, the floor's run on the same input (so load on
/// the machine falls on both alike). Milliseconds per run.
fn time_rust(bench: &mut dyn cases::Bench, dir: &Path, effort: Effort) -> Result<Timed, String> {
    let mut runs = Vec::new();
    let mut floor_runs = Vec::new();
    let mut floor = None;
    let mut spent = 0.0;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for i in 0..=effort.rust_reps {
        if i > 5 && spent > effort.rust_budget_s {
            break;
        }
        bench.before()?;
        let t = Instant::now();
        let produced = bench.run(dir)?;
        let s = t.elapsed().as_secs_f64();
        // The files are deleted after each run, outside the timing, as tests/bench/bench.py
        // does with the SDK's: see `remove_outputs`.
        remove_outputs(&produced);
        let t = Instant::now();
        let made = bench.floor();
        let floor_s = t.elapsed().as_secs_f64();
        // Run 0 is the warm-up.
        if i > 0 {
            runs.push(s * 1e3);
            spent += s;
            if made.is_some() {
                floor_runs.push(floor_s * 1e3);
            }
        }
        floor = made;
    }
    std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(Timed {
        runs,
        floor_runs,
        floor,
    })
}

/// Deletes the files a timed run wrote (both sides do this, outside the timing). Files that
/// pile up make each next write land on page-cache pages the guest has never touched: on this
/// project's VMs an 11.4 MB write then takes ~33 ms instead of ~2.6 ms (docs/performance.md),
/// a cost of the hypervisor that would swamp the operations being compared.
fn remove_outputs(produced: &cases::Produced) {
    if let cases::Produced::Files(files) = produced {
        for f in files {
            let _ = std::fs::remove_file(f);
        }
    }
}

/// The 1-minute load average (Linux), to tell a quiet machine from a busy one.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The machine and versions, for `report.json`'s `_meta`.
fn meta(opts: &Options, py: Option<&Python>, versions: &str) -> Map {
    let mut m = Map::new();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    m.insert("cpu".into(), cpu.into());
    m.insert("cores".into(), Value::from(cores as i64));
    m.insert("os".into(), std::env::consts::OS.into());
    if let Some(load) = load_average() {
        m.insert("load_average_1min_at_end".into(), load.into());
    }
    m.insert("quick".into(), opts.quick.into());
    m.insert("python_side".into(), versions.into());
    if let Some(py) = py {
        m.insert("python".into(), py.exe().display().to_string().into());
    }
    m
}
