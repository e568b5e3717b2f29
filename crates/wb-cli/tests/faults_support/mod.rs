//! Shared by the fault tests that finish with `wb sync`: an online run that carries metric
//! definitions, system metrics, console lines, saved files of each policy and an artifact,
//! and the check that what reached a backend is what the run's local folder holds.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wb_core::Artifact;
use wb_fake_backend::{ArtifactState, Backend, Completion};
use wb_run::SaveOptions;
use wb_run::proto::{OutputType, RecordType};
use wb_run::{Console, FilePolicy, Mode, Row, Run, RunBuilder, RunLog};

#[path = "../../../wb-run/tests/online_support/basics.rs"]
mod basics;
pub use basics::*;

/// An online run's builder against `backend`, under `root`, with system metrics sampled
/// every 200 ms.
pub fn builder(core: &Path, backend: &Backend, root: &Path, console: Console) -> RunBuilder {
    Run::builder()
        .with_mode(Mode::Online)
        .with_core_path(core)
        .with_base_url(backend.base_url())
        .with_api_key(KEY)
        .with_dir(root)
        .with_data_dir(root.join("data"))
        .with_project("faults-proj")
        .with_silent(true)
        .with_console(console)
        .with_stats_interval(Duration::from_millis(200))
}

/// The files a run saves and puts in its artifact, and the console lines it wrote.
pub struct Carry {
    pub src: PathBuf,
    pub blob: Vec<u8>,
    /// Every console line written while the run captures them, stderr's prefixed `ERROR `
    /// as the file stream has them.
    pub written: Vec<String>,
    captured: bool,
}

impl Carry {
    /// Writes the source files under `root/src`, for a run with this console setting.
    pub fn new(root: &Path, console: Console) -> Carry {
        let src = root.join("src");
        let blob = write_fault_sources(&src);
        std::fs::write(src.join("late.txt"), "saved after a fault\n").unwrap();
        Carry {
            src,
            blob,
            written: Vec::new(),
            captured: console != Console::Off,
        }
    }

    /// Metric definitions and the saved files of each policy.
    pub fn begin(&self, run: &Run) {
        define_fault_metrics(run);
        save_fault_sources(run, &self.src);
    }

    /// Logs `steps` with a console line on each stream per step (written to the process's
    /// stdout and stderr, which the run may capture).
    pub fn log(&mut self, run: &Run, steps: std::ops::Range<u32>) {
        for step in steps {
            let lines = log_fault_step(run, step);
            if self.captured {
                self.written.extend(lines);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A late file (`now`), a change to the live file, the artifact and a summary value.
    pub fn end(&self, run: &Run) {
        run.save_with(
            self.src.join("late.txt"),
            FilePolicy::Now,
            SaveOptions::default().with_base_path(&self.src),
        )
        .unwrap();
        std::fs::write(
            self.src.join("live.txt"),
            "live 2, changed during the run\n",
        )
        .unwrap();
        let mut art = Artifact::new("carried", "dataset").with_description("fault test");
        art.add_dir_as(self.src.join("art"), "files").unwrap();
        run.log_artifact(art).unwrap();
        run.summary(Row::new().with("best", 0.25)).unwrap();
    }
}

/// The console text of a run's `output_raw` records: (stdout's, stderr's).
pub fn logged_console(log: &RunLog) -> (String, String) {
    let (mut out, mut err) = (String::new(), String::new());
    for r in &log.records {
        if let Some(RecordType::OutputRaw(o)) = &r.record_type {
            if o.output_type == OutputType::Stderr as i32 {
                err.push_str(&o.line);
            } else {
                out.push_str(&o.line);
            }
        }
    }
    (out, err)
}

/// How many records of a kind the log holds (`"metric"`, `"files"`, `"artifact"`, ...).
pub fn count(log: &RunLog, kind: &str) -> usize {
    log.records
        .iter()
        .filter(|r| r.record_type.as_ref().is_some_and(|t| t.name() == kind))
        .count()
}

/// The local log holds every record the run carried: the rows, both metric definitions,
/// stats, every console line, the files records and the artifact, and the exit.
pub fn assert_local_log_complete(run_dir: &Path, carry: &Carry, rows: usize) -> RunLog {
    let log = RunLog::read(run_dir).unwrap();
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    assert_eq!(log.history().unwrap().len(), rows);
    assert_eq!(log.exit_code(), Some(0));
    assert_eq!(count(&log, "metric"), 2);
    assert!(!stats_records(&log).is_empty());
    assert_eq!(count(&log, "artifact"), 1);
    let mut saved = log.files();
    saved.sort();
    for name in ["end.txt", "late.txt", "live.txt", "now.txt"] {
        assert!(saved.iter().any(|f| f == name), "{name} not in {saved:?}");
    }
    let (out, err) = logged_console(&log);
    for line in &carry.written {
        match line.strip_prefix("ERROR ") {
            Some(l) => assert!(err.lines().any(|x| x == l), "{l} not logged"),
            None => assert!(out.lines().any(|x| x == line), "{line} not logged"),
        }
    }
    log
}

/// What `backend` holds for the run is what its local folder holds: every history row, the
/// summary (the metric statistics among it), every console line of the log's `output_raw`
/// records (and `output.log` with each), one events line per stats record, every saved
/// file with its last bytes, `wandb-metadata.json`, the artifact's files, exit code 0.
pub fn assert_backend_holds_the_run(backend: &Backend, run_dir: &Path, carry: &Carry) {
    let log = RunLog::read(run_dir).unwrap();
    let run_id = log.run().unwrap().run_id.clone();
    let got = backend
        .run(&run_id)
        .unwrap_or_else(|| panic!("no run {run_id} on the backend"));
    assert_eq!(got.completion(), Completion::Complete { exit_code: 0 });

    let logged = assert_history_uploaded(&got, &log);

    assert_fault_summary_uploaded(&got, &log, &logged);

    // Console: the file stream's lines are the log's, each stream in order.
    let (out, err) = logged_console(&log);
    let want_out: Vec<String> = out.lines().map(str::to_owned).collect();
    let want_err: Vec<String> = err.lines().map(|l| format!("ERROR {l}")).collect();
    let (got_err, got_out): (Vec<String>, Vec<String>) = got
        .console_lines()
        .iter()
        .map(|l| untimed(l))
        .partition(|l| l.starts_with("ERROR "));
    assert_eq!(got_out, want_out);
    assert_eq!(got_err, want_err);
    for line in &carry.written {
        assert!(got_out.contains(line) || got_err.contains(line), "{line}");
    }
    let output_log = match got.file("output.log") {
        Some(b) => String::from_utf8(b.to_vec()).unwrap(),
        None if carry.written.is_empty() => String::new(),
        None => panic!("no output.log: {:?}", got.files().keys()),
    };
    for line in &carry.written {
        let line = line.strip_prefix("ERROR ").unwrap_or(line);
        assert!(
            output_log.lines().any(|l| l == line),
            "{line} not in the uploaded output.log"
        );
    }

    assert_events_are_stats(&got, &stats_records(&log));

    for name in ["now.txt", "live.txt", "end.txt", "late.txt"] {
        let want = std::fs::read(carry.src.join(name)).unwrap();
        assert_eq!(
            got.file(name),
            Some(want.as_slice()),
            "{name}; uploaded: {:?}",
            got.files().keys()
        );
    }
    let meta: Value = serde_json::from_slice(
        got.file("wandb-metadata.json")
            .unwrap_or_else(|| panic!("no wandb-metadata.json: {:?}", got.files().keys())),
    )
    .unwrap();
    assert!(meta.get("host").is_some(), "{meta}");

    // A version the first upload created but could not finish may stay pending beside the
    // committed one (the fake backend does not merge them by digest as the server does).
    let artifact = backend
        .artifacts()
        .into_iter()
        .find(|a| a.name() == "carried" && a.state() == ArtifactState::Committed)
        .unwrap_or_else(|| {
            panic!(
                "no committed artifact: {:?}",
                backend
                    .artifacts()
                    .iter()
                    .map(|a| (a.name().to_owned(), a.state()))
                    .collect::<Vec<_>>()
            )
        });
    let manifest = artifact.manifest().unwrap().expect("its manifest arrived");
    let contents = manifest["contents"].as_object().unwrap();
    for (path, want) in [
        ("files/blob.bin", carry.blob.as_slice()),
        ("files/notes.txt", b"artifact notes\n".as_slice()),
    ] {
        let digest = contents[path]["digest"].as_str().unwrap();
        let bytes = artifact_file(&artifact, path, Some(digest))
            .unwrap_or_else(|| panic!("{path} not uploaded: {:?}", artifact.files().keys()));
        assert!(bytes == want, "{path}: the uploaded bytes differ");
    }
}

/// `wb sync <run_dir>` against `backend` with a clean environment (HOME in `home`, no
/// Python on PATH), at most four minutes; panics with its output if it fails.
pub fn wb_sync(home: &Path, core: &Path, backend: &Backend, run_dir: &Path) -> String {
    let empty_bin = home.join("empty-bin");
    std::fs::create_dir_all(&empty_bin).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wb"))
        .arg("sync")
        .arg(run_dir)
        .current_dir(home)
        .env_clear()
        .env("PATH", &empty_bin)
        .env("HOME", home)
        .env("TMPDIR", std::env::temp_dir())
        .env("WB_CORE_PATH", core)
        .env("WANDB_BASE_URL", backend.base_url())
        .env("WANDB_API_KEY", KEY)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t.elapsed() > Duration::from_secs(240) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "wb sync did not finish\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "wb sync failed:\n{text}");
    text
}
