//! `wb sync`: the `.wandb` files of the folders given, uploaded by wandb-core's
//! `init_sync` / `sync`, with `sync_status` as progress.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use wb_proto::{ServerInitSyncRequest, ServerSyncMessage, Settings, Severity};
use wb_service::{Client, Error};

use crate::{Fail, netrc, value};

/// What `wb sync` was asked.
pub struct Options {
    paths: Vec<PathBuf>,
    live: bool,
    base_url: Option<String>,
    project: Option<String>,
    entity: Option<String>,
    parallelism: u32,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, Fail> {
        let mut o = Options {
            paths: Vec::new(),
            live: false,
            base_url: None,
            project: None,
            entity: None,
            parallelism: 4,
        };
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            let is = |name: &str| a == name || a.starts_with(&format!("{name}="));
            match a {
                "--live" => o.live = true,
                _ if is("--base-url") => o.base_url = Some(value(args, &mut i, "--base-url")?),
                "-p" => o.project = Some(value(args, &mut i, "-p")?),
                _ if is("--project") => o.project = Some(value(args, &mut i, "--project")?),
                "-e" => o.entity = Some(value(args, &mut i, "-e")?),
                _ if is("--entity") => o.entity = Some(value(args, &mut i, "--entity")?),
                _ if is("--parallelism") => {
                    let v = value(args, &mut i, "--parallelism")?;
                    o.parallelism = v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        Fail(format!(
                            "--parallelism must be a positive number, not {v:?}"
                        ))
                    })?;
                }
                "--" => {
                    o.paths.extend(args[i + 1..].iter().map(PathBuf::from));
                    break;
                }
                _ if a.starts_with('-') && a.len() > 1 => {
                    return Err(Fail(format!("unknown option {a} (see `wb sync --help`)")));
                }
                _ => o.paths.push(PathBuf::from(a)),
            }
            i += 1;
        }
        if o.paths.is_empty() {
            return Err(Fail(
                "give at least one run folder, wandb/ folder or .wandb file (see `wb sync --help`)"
                    .into(),
            ));
        }
        Ok(o)
    }
}

/// The `.wandb` files a path selects: the file itself, the files of a run folder, or those of
/// the run folders inside a `wandb/` folder.
pub fn wandb_files(path: &Path) -> Result<Vec<PathBuf>, Fail> {
    let is_wandb = |p: &Path| p.extension().is_some_and(|e| e == "wandb") && p.is_file();
    if is_wandb(path) {
        return Ok(vec![path.to_path_buf()]);
    }
    let list = |dir: &Path| -> Result<Vec<PathBuf>, Fail> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Fail(format!("reading {}: {e}", dir.display())))?
            .flatten()
            .map(|e| e.path())
            .collect();
        v.sort();
        Ok(v)
    };
    if !path.is_dir() {
        return Err(Fail(format!(
            "{} is neither a .wandb file nor a folder",
            path.display()
        )));
    }
    let entries = list(path)?;
    let here: Vec<PathBuf> = entries.iter().filter(|p| is_wandb(p)).cloned().collect();
    if !here.is_empty() {
        return Ok(here);
    }
    let mut out = Vec::new();
    for sub in entries.iter().filter(|p| p.is_dir()) {
        out.extend(list(sub)?.into_iter().filter(|p| is_wandb(p)));
    }
    Ok(out)
}

/// The SDK's `wandb_dir`: `$WANDB_DIR` (else the current folder), then `.wandb` if that exists,
/// else `wandb`.
fn wandb_dir() -> Option<PathBuf> {
    let root = std::env::var_os("WANDB_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())?;
    let dot = root.join(".wandb");
    Some(if dot.exists() {
        dot
    } else {
        root.join("wandb")
    })
}

fn api_key(base_url: &str) -> Result<String, Fail> {
    let key = std::env::var("WANDB_API_KEY")
        .ok()
        .filter(|k| !k.is_empty())
        .or_else(|| netrc::read_key(base_url))
        .ok_or_else(|| {
            Fail(format!(
                "no API key for {base_url}: set WANDB_API_KEY, or store one with `wb login`"
            ))
        })?;
    netrc::check_key(&key).map_err(Fail)?;
    Ok(key)
}

fn severity_name(m: &ServerSyncMessage) -> &'static str {
    match Severity::try_from(m.severity) {
        Ok(Severity::Error) => "error",
        Ok(Severity::Warning) => "warning",
        _ => "info",
    }
}

/// Prints core's messages; true if one is an error.
fn show(messages: &[ServerSyncMessage]) -> bool {
    let mut failed = false;
    for m in messages {
        failed |= m.severity >= Severity::Error as i32;
        eprintln!("wb: {}: {}", severity_name(m), m.content.trim_end());
    }
    failed
}

pub fn run(o: Options) -> Result<ExitCode, Fail> {
    let mut files = BTreeSet::new();
    for p in &o.paths {
        for f in wandb_files(p)? {
            files.insert(f.canonicalize().unwrap_or(f));
        }
    }
    if files.is_empty() {
        return Err(Fail(format!(
            "no .wandb files in {}",
            o.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let base_url = crate::base_url(o.base_url.clone());
    let key = api_key(&base_url)?;
    println!("wb: syncing {} run(s) to {base_url}:", files.len());
    for f in &files {
        println!("  {}", f.display());
    }

    let client = Client::start()?;
    let settings = Settings {
        base_url: Some(base_url),
        api_key: Some(key),
        // Core writes its log of the upload under `wandb_dir/logs`.
        wandb_dir: wandb_dir().map(|d| d.to_string_lossy().into_owned()),
        // As `wandb sync` sends it: this process writes the run's files, so core uploads
        // wandb-metadata.json (from the environment records), config.yaml and the summary.
        x_primary: Some(true),
        ..Default::default()
    };
    let files: Vec<PathBuf> = files.into_iter().collect();
    let id = client.init_sync_with(ServerInitSyncRequest {
        path: files
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect(),
        cwd: std::env::current_dir()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default(),
        live: o.live,
        settings: Some(settings),
        new_entity: o.entity.unwrap_or_default(),
        new_project: o.project.unwrap_or_default(),
        ..Default::default()
    })?;
    let done = client.sync(&id, o.parallelism)?;
    let mut failed = false;
    let mut last_progress = String::new();
    let response = loop {
        match done.wait(Duration::from_secs(1)) {
            Ok(r) => break r,
            Err(Error::Timeout { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        let status = client.sync_status(&id)?;
        failed |= show(&status.new_messages);
        let progress: Vec<String> = status
            .stats
            .iter()
            .flat_map(|s| {
                s.operations.iter().map(move |op| {
                    let mut t = format!("{}: {}", s.label, op.desc);
                    if !op.progress.is_empty() {
                        t.push_str(&format!(" ({})", op.progress));
                    }
                    if !op.error_status.is_empty() {
                        t.push_str(&format!(" [{}]", op.error_status));
                    }
                    t
                })
            })
            .collect();
        let progress = progress.join("; ");
        if !progress.is_empty() && progress != last_progress {
            eprintln!("wb: {progress}");
            last_progress = progress;
        }
    };
    failed |= show(&response.messages);
    let _ = client.teardown(0, Duration::from_secs(30));
    if failed {
        eprintln!("wb: the upload failed (see the errors above)");
        Ok(ExitCode::FAILURE)
    } else {
        println!("wb: done");
        Ok(ExitCode::SUCCESS)
    }
}
