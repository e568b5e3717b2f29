//! What the online tests of wb-run and the fault tests of wb-cli (which include this file)
//! both need: the API key, finding wandb-core, its child processes, and the comparisons of
//! uploaded values with local ones.

use serde_json::Value;
use std::path::{Path, PathBuf};
use wb_core::json::{Dialect, to_string};

/// The API key every test run and SDK run sends to the fake backend.
pub const KEY: &str = "0123456789abcdef0123456789abcdef01234567";

/// wandb-core 0.31.0's path; `None` (with a message) where it is missing, a panic under
/// `CI=true`.
pub fn core() -> Option<PathBuf> {
    match wb_fake_backend::locate_wandb_core() {
        Ok(p) => Some(p),
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("the online tests need wandb-core 0.31.0: {e}");
            }
            eprintln!("SKIPPED: the online tests need wandb-core 0.31.0: {e}");
            None
        }
    }
}

/// wb-core's JSON value as serde_json's, through its text.
pub fn to_serde(v: &wb_core::json::Value) -> Value {
    serde_json::from_str(&to_string(v, Dialect::Go)).unwrap()
}

/// A console line of the file stream without its timestamp: `[ERROR ]<content>`.
pub fn untimed(line: &str) -> String {
    let (prefix, rest) = match line.strip_prefix("ERROR ") {
        Some(rest) => ("ERROR ", rest),
        None => ("", line),
    };
    let content = rest.split_once(' ').map_or("", |(_, c)| c);
    format!("{prefix}{content}")
}

/// The pids of running processes whose parent is this process and whose executable is
/// `core`.
pub fn core_pids(core: &Path) -> Vec<u32> {
    let me = std::process::id();
    let core = core.canonicalize().ok();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // The parent pid is the fourth field, after the parenthesized command name.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        let exe = std::fs::read_link(e.path().join("exe"))
            .ok()
            .and_then(|x| x.canonicalize().ok());
        if ppid == Some(me) && exe.is_some() && exe == core {
            out.push(pid);
        }
    }
    out
}
