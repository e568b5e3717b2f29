//! `cargo xtask conformance`: runs each case with the Python SDK and with us, and compares
//! (the contract, case format and how to use it: `docs/conformance.md`).
//!
//! 1. Every case file is loaded and staged in `target/conformance/stage/<case>/` with its
//!    fixture files ([`case`]).
//! 2. Our side runs in this process, case by case, each in `catch_unwind` ([`rust_side`]),
//!    writing `target/conformance/rust/<case>/`.
//! 3. The Python side runs once for all cases in the reference venv ([`python`]), writing
//!    `target/conformance/python/<case>/`, and reads our artifact entries back.
//! 4. Each case is compared ([`compare`]) and gets a row; the last line is
//!    `conformance: N passed, M failed`.
//!
//! With `--golden`, and in `cargo test` (`xtask/tests/golden.rs`), the blessed copies in
//! `tests/conformance/golden/<case>/` stand in for the Python side.

pub mod compare;
pub mod families;
pub mod python;
pub mod rust_side;

/// The case format's parser (crate `wb-cases`), under the names the runner's modules use.
pub use wb_cases::{args, case};

use compare::PythonCrossRead;
use std::path::{Path, PathBuf};
use std::time::Instant;
use wb_types::core::internal::hash::sha256_hex;

/// The file in a golden copy that records which case file it was blessed from.
pub const GOLDEN_CASE_HASH: &str = "case.sha256";

/// What `cargo xtask conformance` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Folders of case files (`--cases DIR`, repeatable); empty = `tests/conformance/cases`.
    pub case_dirs: Vec<PathBuf>,
    /// `--keep`: keep the staged cases and the SDK's offline runs (`target/conformance/stage`,
    /// `target/conformance/scratch`) for inspection.
    pub keep: bool,
    /// `--bless`: store the Python side's outputs of passing corpus cases as golden copies.
    pub bless: bool,
    /// `--filter TEXT`: only cases whose name contains TEXT.
    pub filter: Option<String>,
    /// `--golden`: compare with the golden copies instead of running Python (cases without
    /// a golden copy are not run, and counted).
    pub golden: bool,
    /// Where outputs go (default `target/conformance`).
    pub work_dir: Option<PathBuf>,
}

/// One row of the report.
#[derive(Debug, Clone)]
pub struct Row {
    /// The case's name.
    pub name: String,
    /// `Ok(note)` passed; `Err(first difference)` failed.
    pub outcome: Result<Option<String>, String>,
}

/// The workspace root.
pub fn root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

/// Cargo's target folder.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// The project's own corpus.
pub fn corpus_dir(root: &Path) -> PathBuf {
    root.join("tests/conformance/cases")
}

/// The golden copies.
pub fn golden_dir(root: &Path) -> PathBuf {
    root.join("tests/conformance/golden")
}

/// A case file found in a case folder.
struct Found {
    name: String,
    path: PathBuf,
    in_corpus: bool,
}

/// A case ready to compare.
struct Prepared {
    case: case::Case,
    staged: PathBuf,
    in_corpus: bool,
}

/// Runs the conformance cases as `opts` says. `Err` is a setup failure (no Python, a failed
/// install, an unreadable case folder); a case that fails is a row.
pub fn run(opts: &Options) -> Result<Vec<Row>, String> {
    let root = root();
    let target = target_dir(&root);
    let work = opts
        .work_dir
        .clone()
        .unwrap_or_else(|| target.join("conformance"));
    let golden = golden_dir(&root);
    let corpus = corpus_dir(&root);
    let dirs = if opts.case_dirs.is_empty() {
        vec![corpus.clone()]
    } else {
        opts.case_dirs.clone()
    };
    let mut found = Vec::new();
    for d in &dirs {
        let in_corpus = same_dir(d, &corpus);
        for path in case::list_cases(d)? {
            let name = case::case_name(&path);
            if opts
                .filter
                .as_ref()
                .is_none_or(|f| name.contains(f.as_str()))
            {
                found.push(Found {
                    name,
                    path,
                    in_corpus,
                });
            }
        }
    }
    let python_out = work.join("python");
    let rust_out = work.join("rust");
    let stage = work.join("stage");
    let scratch = work.join("scratch");
    for d in [&python_out, &rust_out, &stage, &scratch] {
        let _ = std::fs::remove_dir_all(d);
    }

    let mut rows = Vec::new();
    let mut prepared = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for f in found {
        if let Some(first) = seen.insert(f.name.clone(), f.path.clone()) {
            rows.push(Row {
                outcome: Err(format!(
                    "two case files are named {}: {} and {}; rename one",
                    f.name,
                    first.display(),
                    f.path.display()
                )),
                name: f.name,
            });
            continue;
        }
        let staged = case::load(&f.path)
            .map_err(|e| format!("invalid case: {e}"))
            .and_then(|c| {
                let staged = case::stage(&c, &stage.join(&c.name))?;
                Ok((c, staged))
            });
        match staged {
            Ok((case, staged)) => prepared.push(Prepared {
                case,
                staged,
                in_corpus: f.in_corpus,
            }),
            Err(e) => rows.push(Row {
                name: f.name,
                outcome: Err(e),
            }),
        }
    }

    if opts.golden {
        let before = prepared.len();
        prepared.retain(|p| golden.join(&p.case.name).is_dir());
        if prepared.len() < before {
            eprintln!(
                "conformance: {} cases have no golden copy and are not checked (the live run checks them)",
                before - prepared.len()
            );
        }
    }
    let t = Instant::now();
    let rust_runs: Vec<_> = prepared
        .iter()
        .map(|p| rust_side::run(&p.case, &p.staged, &rust_out.join(&p.case.name)))
        .collect();
    let rust_time = t.elapsed();

    let t = Instant::now();
    let (py_root, crossread) = if opts.golden {
        (golden.clone(), PythonCrossRead::Skip)
    } else {
        if !prepared.is_empty() {
            let python = python::interpreter(&root, &target)?;
            let staged: Vec<PathBuf> = prepared.iter().map(|p| p.staged.clone()).collect();
            let log = work.join("python.log");
            if let Err(e) = python::run_reference(
                &python,
                &root,
                &staged,
                &python_out,
                &rust_out,
                &scratch,
                &log,
            ) {
                eprintln!("conformance: {e}");
            }
        }
        (python_out.clone(), PythonCrossRead::Check)
    };
    let python_time = t.elapsed();

    for (p, rust) in prepared.iter().zip(&rust_runs) {
        let name = &p.case.name;
        let py_dir = py_root.join(name);
        let outcome = if opts.golden {
            golden_check(&p.case, &py_dir)
        } else {
            Ok(())
        }
        .and_then(|()| {
            compare::compare_case(
                &p.case,
                &py_dir,
                &rust_out.join(name),
                p.staged.parent().unwrap_or(Path::new(".")),
                rust,
                crossread,
            )
        });
        rows.push(Row {
            name: name.clone(),
            outcome,
        });
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));

    if opts.bless && !opts.golden {
        let whole_corpus = opts.filter.is_none() && dirs.iter().any(|d| same_dir(d, &corpus));
        bless(&prepared, &rows, &python_out, &golden, &work)?;
        if whole_corpus {
            remove_stale_golden(&golden, &corpus)?;
        }
    }
    if !opts.keep {
        let _ = std::fs::remove_dir_all(&stage);
        let _ = std::fs::remove_dir_all(&scratch);
    }
    eprintln!(
        "conformance: {} cases; rust side {:.1}s, {} side {:.1}s",
        prepared.len(),
        rust_time.as_secs_f64(),
        if opts.golden { "golden" } else { "python" },
        python_time.as_secs_f64()
    );
    Ok(rows)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A golden copy must have been blessed from the case file as it is now.
fn golden_check(case: &case::Case, golden: &Path) -> Result<(), String> {
    let recorded = std::fs::read_to_string(golden.join(GOLDEN_CASE_HASH)).map_err(|_| {
        format!(
            "no golden copy in {}; run `cargo xtask conformance --bless`",
            golden.display()
        )
    })?;
    let now = std::fs::read(&case.path)
        .map(|b| sha256_hex(&b))
        .unwrap_or_default();
    if recorded.trim() != now {
        return Err("the case file changed since its golden copy was blessed; run `cargo xtask conformance --bless`".into());
    }
    Ok(())
}

/// `--bless`: the Python side's outputs of each passing corpus case become its golden copy.
/// Failing cases keep the golden copy they had (if any), and are listed.
///
/// A case whose outputs hold the absolute path of its staging folder (an `Html` of a path's
/// text, say) is not blessed either: its golden copy would only hold on this machine.
fn bless(
    prepared: &[Prepared],
    rows: &[Row],
    python_out: &Path,
    golden: &Path,
    work: &Path,
) -> Result<(), String> {
    let mut blessed = 0;
    let mut skipped = Vec::new();
    let mut local = Vec::new();
    let work_text = work.to_string_lossy().into_owned();
    for p in prepared.iter().filter(|p| p.in_corpus) {
        let name = &p.case.name;
        let passed = rows.iter().any(|r| &r.name == name && r.outcome.is_ok());
        if !passed {
            skipped.push(name.as_str());
            continue;
        }
        let src = python_out.join(name);
        let mentions_work = compare::list_files(&src)
            .into_iter()
            .chain(std::iter::once("result.json".to_owned()))
            .filter_map(|f| std::fs::read(src.join(f)).ok())
            .any(|b| String::from_utf8_lossy(&b).contains(&work_text));
        if mentions_work {
            local.push(name.as_str());
            continue;
        }
        let dest = golden.join(name);
        let _ = std::fs::remove_dir_all(&dest);
        for f in compare::list_files(&src)
            .into_iter()
            .chain(std::iter::once("result.json".to_owned()))
        {
            let to = dest.join(&f);
            std::fs::create_dir_all(to.parent().unwrap_or(&dest))
                .and_then(|()| std::fs::copy(src.join(&f), &to).map(drop))
                .map_err(|e| format!("blessing {name}: {f}: {e}"))?;
        }
        let hash = std::fs::read(&p.case.path)
            .map(|b| sha256_hex(&b))
            .map_err(|e| format!("blessing {name}: {e}"))?;
        std::fs::write(dest.join(GOLDEN_CASE_HASH), hash + "\n")
            .map_err(|e| format!("blessing {name}: {e}"))?;
        blessed += 1;
    }
    eprintln!(
        "conformance: blessed {blessed} golden copies in {}",
        golden.display()
    );
    if !skipped.is_empty() {
        eprintln!(
            "conformance: not blessed (failing live; an existing golden copy is kept): {}",
            skipped.join(", ")
        );
    }
    if !local.is_empty() {
        eprintln!(
            "conformance: not blessed (outputs name this machine's staging folder): {}",
            local.join(", ")
        );
    }
    Ok(())
}

/// Golden copies whose case file is no longer in the corpus.
pub fn stale_golden(golden: &Path, corpus: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(golden) else {
        return Vec::new();
    };
    let mut out: Vec<String> = rd
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !corpus.join(format!("{n}.json")).is_file())
        .collect();
    out.sort();
    out
}

fn remove_stale_golden(golden: &Path, corpus: &Path) -> Result<(), String> {
    for n in stale_golden(golden, corpus) {
        std::fs::remove_dir_all(golden.join(&n))
            .map_err(|e| format!("removing the stale golden copy {n}: {e}"))?;
        eprintln!("conformance: removed the golden copy of {n} (its case file is gone)");
    }
    Ok(())
}

/// The report: one row per case, then `conformance: N passed, M failed`. Returns M.
pub fn print_report(rows: &[Row]) -> usize {
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut failed = 0;
    for r in rows {
        match &r.outcome {
            Ok(None) => println!("ok    {}", r.name),
            Ok(Some(note)) => println!("ok    {:width$}  (note: {note})", r.name),
            Err(diff) => {
                failed += 1;
                println!("FAIL  {:width$}  {diff}", r.name);
            }
        }
    }
    println!(
        "conformance: {} passed, {failed} failed",
        rows.len() - failed
    );
    failed
}
