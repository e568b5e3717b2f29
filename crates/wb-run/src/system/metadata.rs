//! The run's `environment` records, as wandb 0.31.0 writes two of them: the program's (OS,
//! interpreter, arguments, program, git, root, host) and the machine's (CPUs, memory, disk,
//! GPUs), both with the same writer id. wandb-core turns them into `wandb-metadata.json` when
//! it uploads the run (live, or by `wandb sync` / `wb sync`).
//!
//! A Rust program fills the Python-specific fields as follows: `python` is the compiler that
//! built wb-run (`Rust 1.95.0`), `program` and `executable` are the running executable,
//! `code_path` / `code_path_local` are that executable relative to the repository root and to
//! the working folder (left empty when it is outside them), and `os` is what Python's
//! `platform.platform()` gives on the same system: `Linux-<kernel release>-<machine>` (without
//! its libc suffix), `macOS-<version>-<machine>-<processor>-64bit`,
//! `Windows-<release>-10.0.<build>-SP0`.

use super::git;
use super::gpu::Gpus;
use super::host;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};
use wb_proto::{
    CpuInfo, DiskInfo, EnvironmentRecord, GitRepoRecord, MemoryInfo, Record, RecordType, Timestamp,
};

/// What the program's environment record needs from the run.
#[derive(Debug)]
pub(crate) struct RunFacts<'a> {
    /// The run's root folder (`wandb.init(dir=...)`, else the working folder).
    pub root: &'a Path,
    /// The host name written in the run record.
    pub host: &'a str,
    /// When the run started.
    pub started: SystemTime,
}

fn timestamp(t: SystemTime) -> Timestamp {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    Timestamp {
        seconds: d.as_secs() as i64,
        nanos: d.subsec_nanos() as i32,
    }
}

/// A writer id in the SDK's form: a UUID version 7 (milliseconds since the epoch, then random
/// bits).
pub(crate) fn writer_id() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let mut r = [0u8; 10];
    if getrandom::fill(&mut r).is_err() {
        let seed = u64::from(std::process::id()) ^ ms.rotate_left(17);
        r.iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = (seed >> ((i % 8) * 8)) as u8);
    }
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    b[6..].copy_from_slice(&r);
    b[6] = 0x70 | (b[6] & 0x0f);
    b[8] = 0x80 | (b[8] & 0x3f);
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Python's `platform.platform()` from its parts: the non-empty ones joined by `-`, spaces
/// made `_`.
pub(crate) fn python_platform(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .replace(' ', "_")
}

/// `platform.platform()` on macOS: `macOS-<product version>-<machine>-<processor>-64bit`,
/// with `uname`'s machine and processor for `arch` (Rust's name of the CPU architecture);
/// without a product version, Python falls back to `Darwin-<kernel release>`.
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
pub(crate) fn macos_platform(
    product_version: Option<&str>,
    kernel: Option<&str>,
    arch: &str,
) -> String {
    let (machine, processor) = match arch {
        "aarch64" => ("arm64", "arm"),
        "x86_64" => ("x86_64", "i386"),
        other => (other, ""),
    };
    match product_version.filter(|v| !v.is_empty()) {
        Some(v) => python_platform(&["macOS", v, machine, processor, "64bit"]),
        None => python_platform(&["Darwin", kernel.unwrap_or(""), machine, processor, "64bit"]),
    }
}

/// `platform.platform()` on Windows (CPython 3.12 and later): `Windows-<release>-10.0.<build>-SP0`,
/// the release being `10` or `11` (`sysinfo`'s OS version, `11 (22631)`, gives both).
#[cfg_attr(not(windows), allow(dead_code))]
pub(crate) fn windows_platform(os_version: Option<&str>) -> String {
    let v = os_version.unwrap_or("");
    let (release, build) = match v.split_once(' ') {
        Some((release, build)) => (release, build.trim_matches(|c| c == '(' || c == ')')),
        None => (v, ""),
    };
    let version = if build.is_empty() {
        String::new()
    } else {
        format!("10.0.{build}")
    };
    python_platform(&["Windows", release, &version, "SP0"])
}

fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn environment(record: EnvironmentRecord) -> Record {
    Record {
        record_type: Some(RecordType::Environment(prost::Message::encode_to_vec(
            &record,
        ))),
        ..Record::default()
    }
}

/// The program's environment record.
pub(crate) fn program_record(facts: &RunFacts<'_>, writer_id: &str) -> Record {
    let exe = std::env::current_exe()
        .ok()
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p));
    let exe_str = exe
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let root = std::path::absolute(facts.root).unwrap_or_else(|_| facts.root.to_path_buf());
    let cwd = std::env::current_dir().unwrap_or_else(|_| root.clone());
    let repo = git::discover(&root).or_else(|| git::discover(&cwd));
    let code_path = match (&exe, &repo) {
        (Some(e), Some(r)) => relative(e, &r.root),
        _ => String::new(),
    };
    let code_path_local = exe.as_ref().map(|e| relative(e, &cwd)).unwrap_or_default();
    let version = env!("WB_RUSTC_VERSION");
    environment(EnvironmentRecord {
        os: host::platform(),
        python: if version.is_empty() {
            "Rust".to_owned()
        } else {
            format!("Rust {version}")
        },
        started_at: Some(timestamp(facts.started)),
        args: std::env::args().skip(1).collect(),
        program: exe_str.clone(),
        code_path,
        code_path_local,
        git: repo.map(|r| GitRepoRecord {
            remote_url: r.remote_url.unwrap_or_default(),
            commit: r.commit.unwrap_or_default(),
        }),
        root: root.to_string_lossy().into_owned(),
        host: facts.host.to_owned(),
        executable: exe_str,
        writer_id: writer_id.to_owned(),
        ..EnvironmentRecord::default()
    })
}

/// The machine's environment record: CPU counts and model, memory, the disk holding `/`, and
/// the NVIDIA GPUs when NVML sees any.
pub(crate) fn machine_record(gpus: Option<&Gpus>, writer_id: &str) -> Record {
    let mut disk = std::collections::BTreeMap::new();
    if let Some((total, used, _)) = host::disk_usage(Path::new("/")) {
        disk.insert("/".to_owned(), DiskInfo { total, used });
    }
    let (gpu_nvidia, cuda_version) = gpus.map(Gpus::info).unwrap_or_default();
    environment(EnvironmentRecord {
        cpu_count: host::cpu_count_physical(),
        cpu_count_logical: host::cpu_count_logical(),
        gpu_type: gpu_nvidia
            .first()
            .map(|g| g.name.clone())
            .unwrap_or_default(),
        gpu_count: gpu_nvidia.len() as u32,
        disk,
        memory: host::memory_total().map(|total| MemoryInfo { total }),
        cpu: host::cpu_model().map(|model| CpuInfo {
            model,
            ..CpuInfo::default()
        }),
        gpu_nvidia,
        cuda_version,
        writer_id: writer_id.to_owned(),
        ..EnvironmentRecord::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(r: &Record) -> EnvironmentRecord {
        let Some(RecordType::Environment(b)) = &r.record_type else {
            panic!("not an environment record");
        };
        prost::Message::decode(b.as_slice()).unwrap()
    }

    #[test]
    fn writer_ids_are_uuid_v7() {
        let id = writer_id();
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('7'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(id, writer_id());
    }

    #[test]
    fn the_program_record_describes_this_process() {
        let tmp = tempfile::tempdir().unwrap();
        let started = UNIX_EPOCH + std::time::Duration::new(1_700_000_000, 5);
        let facts = RunFacts {
            root: tmp.path(),
            host: "box",
            started,
        };
        let env = decode(&program_record(&facts, "w-1"));
        assert!(env.os.starts_with(if cfg!(target_os = "linux") {
            "Linux-"
        } else {
            ""
        }));
        assert!(env.python.starts_with("Rust 1."), "{}", env.python);
        assert_eq!(env.started_at, Some(timestamp(started)));
        assert_eq!(env.host, "box");
        assert_eq!(env.writer_id, "w-1");
        assert!(Path::new(&env.program).is_absolute());
        assert_eq!(env.program, env.executable);
        assert_eq!(env.args, std::env::args().skip(1).collect::<Vec<_>>());
        assert_eq!(
            Path::new(&env.root),
            std::path::absolute(tmp.path()).unwrap()
        );
    }

    #[test]
    fn os_strings_are_pythons_platform_on_macos_and_windows() {
        // What CPython's `platform.platform()` returns given those systems' `uname()`,
        // `mac_ver()` and `win32_ver()` (checked with the venv's Python, its `uname` and
        // `*_ver` replaced; a Mach-O interpreter adds no linkage suffix).
        assert_eq!(
            macos_platform(Some("14.5"), Some("23.5.0"), "aarch64"),
            "macOS-14.5-arm64-arm-64bit"
        );
        assert_eq!(
            macos_platform(Some("13.6.7"), Some("22.6.0"), "x86_64"),
            "macOS-13.6.7-x86_64-i386-64bit"
        );
        assert_eq!(
            macos_platform(None, Some("22.6.0"), "x86_64"),
            "Darwin-22.6.0-x86_64-i386-64bit"
        );
        // sysinfo's OS version is `<release> (<build>)`.
        assert_eq!(
            windows_platform(Some("10 (19045)")),
            "Windows-10-10.0.19045-SP0"
        );
        assert_eq!(
            windows_platform(Some("11 (22631)")),
            "Windows-11-10.0.22631-SP0"
        );
        assert_eq!(windows_platform(None), "Windows-SP0");
        assert_eq!(python_platform(&["Linux", "", "x86_64"]), "Linux-x86_64");
    }

    #[test]
    fn the_machine_record_has_cpus_memory_and_disk() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let env = decode(&machine_record(None, "w-1"));
        assert!(env.cpu_count >= 1 && env.cpu_count <= env.cpu_count_logical);
        assert!(env.memory.unwrap().total > 0);
        assert!(env.disk["/"].total >= env.disk["/"].used);
        assert_eq!((env.gpu_count, env.gpu_nvidia.len()), (0, 0));
        assert_eq!(env.writer_id, "w-1");
    }
}
