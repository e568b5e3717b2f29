//! `cargo xtask`: the project's automation (conformance against the Python SDK).
#![allow(clippy::print_stdout, missing_docs)]

use std::path::PathBuf;
use std::process::ExitCode;
use xtask::conformance::{self, Options};

mod bench;

const USAGE: &str = "\
usage: cargo xtask api-check      (see cargo xtask api-check --help)
       cargo xtask bench ...      (see cargo xtask bench --help)
       cargo xtask conformance [--cases DIR]... [--filter TEXT] [--keep] [--bless] [--golden]
                               [--work-dir DIR]

Runs every conformance case (tests/conformance/cases/, or each --cases DIR) with the Python SDK
(wandb==0.31.0, in a venv built under target/conformance-venv on first use) and with wb-types,
compares the outputs (docs/conformance.md) and prints one row per case, then
`conformance: N passed, M failed`. Exits 1 when a case fails, 2 when it cannot run.

  --cases DIR    a folder of case files (repeatable; replaces the default corpus)
  --filter TEXT  only the cases whose name contains TEXT
  --keep         keep the staged cases and the SDK's offline runs (target/conformance/)
  --bless        store the Python outputs of passing corpus cases in tests/conformance/golden/
  --golden       compare with tests/conformance/golden/ instead of running Python
  --work-dir DIR where staged cases and outputs go (default target/conformance/); give each
                 concurrent run its own

Environment: WB_CONFORMANCE_PYTHON=/path/to/python uses that interpreter instead of the venv.
See docs/conformance.md.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("conformance") => conformance_cmd(&args[1..]),
        Some("bench") => bench::main(&args[1..]),
        Some("api-check") => xtask::api_check::main(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("xtask: unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match a.as_str() {
            "--cases" => o.case_dirs.push(PathBuf::from(value("--cases")?)),
            "--filter" => o.filter = Some(value("--filter")?),
            "--keep" => o.keep = true,
            "--bless" => o.bless = true,
            "--golden" => o.golden = true,
            "--work-dir" => o.work_dir = Some(PathBuf::from(value("--work-dir")?)),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if o.bless && o.golden {
        return Err(
            "--bless stores the live Python outputs; it cannot be used with --golden".into(),
        );
    }
    Ok(o)
}

fn conformance_cmd(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let opts = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("conformance: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match conformance::run(&opts) {
        Ok(rows) => {
            if conformance::print_report(&rows) > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("conformance: error: {e}");
            ExitCode::from(2)
        }
    }
}
