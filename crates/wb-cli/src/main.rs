//! `wb`: upload offline W&B runs through wandb-core (no Python needed), install wandb-core,
//! and store an API key as `wandb login` does.
// A command-line tool prints its results.
#![allow(clippy::print_stdout)]

mod netrc;
mod sync;

use std::process::ExitCode;

const DEFAULT_BASE_URL: &str = "https://api.wandb.ai";

const HELP: &str = "\
wb: Weights & Biases from Rust, without Python

Usage: wb <COMMAND> [OPTIONS]

Commands:
  sync DIR...     Upload offline runs (run folders, wandb/ folders or .wandb files)
  login [KEY]     Store an API key in ~/.netrc, as `wandb login` does
  core install    Download wandb-core 0.31.0 from PyPI into the per-user cache
  core path       Print the wandb-core that would be used, and where it was found
  help            Print this help (also: wb <COMMAND> --help)

Options:
  -h, --help      Print help
  -V, --version   Print the version

wandb-core is looked for in WB_CORE_PATH, then an installed `wandb` Python package, then the
cache filled by `wb core install`.
";

const SYNC_HELP: &str = "\
Upload offline runs through wandb-core

Usage: wb sync [OPTIONS] DIR...

Each DIR is a run folder (holding a .wandb file), a wandb/ folder of run folders, or a
.wandb file. Runs are uploaded even if a .wandb.synced marker exists: the marker is no proof
of an upload.

Options:
      --live               Follow runs still being written, until their exit record
      --base-url URL       The W&B server (default: WANDB_BASE_URL, else https://api.wandb.ai)
  -p, --project NAME       Upload into this project instead of the run's
  -e, --entity NAME        Upload into this entity instead of the run's
      --parallelism N      Runs uploaded at once (default 4)
  -h, --help               Print help

The API key is WANDB_API_KEY, else the ~/.netrc entry for the server (see `wb login`).
The exit code is 0 only if every run was uploaded without an error.
";

const LOGIN_HELP: &str = "\
Store an API key in ~/.netrc (or $NETRC), as `wandb login` does

Usage: wb login [OPTIONS] [KEY]

Without KEY, the key is read from standard input. Find yours at https://wandb.ai/authorize.

Options:
      --host URL     The W&B server (default: WANDB_BASE_URL, else https://api.wandb.ai)
      --relogin      Replace a key already stored for the server
  -h, --help         Print help
";

const CORE_HELP: &str = "\
Manage wandb-core, W&B's uploader

Usage: wb core <install|path>

Commands:
  install [--force] [--index-url URL]
        Download the wandb 0.31.0 wheel for this platform from PyPI (or WB_PYPI_URL / URL),
        check its sha256 against the index's, and extract wandb-core and wandb-symon into
        the per-user cache. --force downloads again.
  path  Print the wandb-core that would be used, where it was found, and its version
";

/// A command-line error: the message printed after `wb: error:`.
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(Fail(msg)) => {
            eprintln!("wb: error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn wants_help(args: &[String]) -> bool {
    args.iter().any(|a| a == "-h" || a == "--help")
}

fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let Some((cmd, rest)) = args.split_first() else {
        print!("{HELP}");
        return Ok(ExitCode::from(2));
    };
    match cmd.as_str() {
        "-h" | "--help" | "help" => {
            print!("{HELP}");
            Ok(ExitCode::SUCCESS)
        }
        "-V" | "--version" => {
            println!(
                "wb {} (wandb-core {})",
                env!("CARGO_PKG_VERSION"),
                wb_service::CORE_VERSION
            );
            Ok(ExitCode::SUCCESS)
        }
        "sync" if wants_help(rest) => {
            print!("{SYNC_HELP}");
            Ok(ExitCode::SUCCESS)
        }
        "sync" => sync::run(sync::Options::parse(rest)?),
        "login" if wants_help(rest) => {
            print!("{LOGIN_HELP}");
            Ok(ExitCode::SUCCESS)
        }
        "login" => login(rest),
        "core" if wants_help(rest) || rest.is_empty() => {
            print!("{CORE_HELP}");
            Ok(if rest.is_empty() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
        "core" => match rest[0].as_str() {
            "install" => core_install(&rest[1..]),
            "path" => core_path(&rest[1..]),
            other => Err(Fail(format!(
                "unknown command `wb core {other}`; use `wb core install` or `wb core path`"
            ))),
        },
        other => Err(Fail(format!(
            "unknown command `{other}`; the commands are sync, login, core install, core path \
             (see `wb --help`)"
        ))),
    }
}

/// The W&B server: the option, else `WANDB_BASE_URL`, else the cloud.
pub(crate) fn base_url(option: Option<String>) -> String {
    option
        .or_else(|| {
            std::env::var("WANDB_BASE_URL")
                .ok()
                .filter(|v| !v.is_empty())
        })
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_string())
        .trim_end_matches('/')
        .to_string()
}

/// Takes the value of `--name VALUE` or `--name=VALUE` at `args[*i]`.
pub(crate) fn value(args: &[String], i: &mut usize, name: &str) -> Result<String, Fail> {
    let a = &args[*i];
    if let Some(v) = a.strip_prefix(&format!("{name}=")) {
        return Ok(v.to_string());
    }
    *i += 1;
    args.get(*i)
        .cloned()
        .ok_or_else(|| Fail(format!("{name} needs a value")))
}

fn login(args: &[String]) -> Result<ExitCode, Fail> {
    let mut host = None;
    let mut relogin = false;
    let mut key = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--relogin" => relogin = true,
            _ if a == "--host" || a.starts_with("--host=") => {
                host = Some(value(args, &mut i, "--host")?);
            }
            _ if a.starts_with('-') => {
                return Err(Fail(format!("unknown option {a} (see `wb login --help`)")));
            }
            _ if key.is_none() => key = Some(a.to_string()),
            _ => return Err(Fail("give at most one KEY".into())),
        }
        i += 1;
    }
    let base = base_url(host);
    if netrc::netloc(&base).is_none() {
        return Err(Fail(format!(
            "{base:?} is not a URL (like https://api.wandb.ai)"
        )));
    }
    if !relogin && let Some(_existing) = netrc::read_key(&base) {
        println!("wb: a key for {base} is already stored; use `wb login --relogin` to replace it");
        return Ok(ExitCode::SUCCESS);
    }
    let key = match key {
        Some(k) => k,
        None => {
            eprint!("Paste an API key from https://wandb.ai/authorize (input is echoed): ");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim().to_string()
        }
    };
    netrc::check_key(&key).map_err(Fail)?;
    let path = netrc::write_key(&base, &key).map_err(Fail)?;
    println!("wb: stored the key for {base} in {}", path.display());
    Ok(ExitCode::SUCCESS)
}

fn core_install(args: &[String]) -> Result<ExitCode, Fail> {
    let mut opts = wb_service::InstallOptions::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--force" => opts = opts.with_force(true),
            _ if a == "--index-url" || a.starts_with("--index-url=") => {
                opts = opts.with_index_url(value(args, &mut i, "--index-url")?);
            }
            _ => return Err(Fail(format!("unknown argument {a} (see `wb core --help`)"))),
        }
        i += 1;
    }
    let done = wb_service::install(&opts)?;
    match done.wheel() {
        Some(w) => println!("wb: installed wandb-core from {w}"),
        None => println!("wb: wandb-core is already installed (--force downloads it again)"),
    }
    println!("{}", done.core().display());
    if let Some(s) = done.symon() {
        println!("{}", s.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn core_path(args: &[String]) -> Result<ExitCode, Fail> {
    if let Some(a) = args.first() {
        return Err(Fail(format!("unknown argument {a} (see `wb core --help`)")));
    }
    let core = wb_service::CoreBinary::find()?;
    let from = match core.source() {
        wb_service::CoreSource::Env => "WB_CORE_PATH".to_string(),
        wb_service::CoreSource::PythonPackage(site) => {
            format!("the wandb package in {}", site.display())
        }
        wb_service::CoreSource::Cache => "the cache of `wb core install`".to_string(),
        _ => "the path given".to_string(),
    };
    println!("{}", core.path().display());
    match core.version() {
        Ok(v) if v == wb_service::CORE_VERSION => {
            eprintln!("wb: found through {from}; version {v}");
            Ok(ExitCode::SUCCESS)
        }
        Ok(v) => Err(Fail(format!(
            "found through {from}, but it is version {v}, not {}",
            wb_service::CORE_VERSION
        ))),
        Err(e) => Err(e.into()),
    }
}
