//! Console output: the capture of the process's own stdout and stderr (checked in a child
//! process, since the test harness replaces stdout and stderr only inside Rust, not on the
//! file descriptors), and the `log` logger and `tracing` layer (features `log`, `tracing`).
//!
//! Each `child_*` test does its work only when its parent test starts it with
//! `WB_CONSOLE_CHILD_DIR` set, in a fresh process of this test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::print_stdout)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use wb_run::proto::{OutputType, RecordType};
use wb_run::{Mode, RecordReader, Run};

const CHILD_DIR: &str = "WB_CONSOLE_CHILD_DIR";

/// Runs the ignored test `name` of this binary in a child process with real file descriptors.
fn run_child(name: &str, dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        name,
        "--exact",
        "--ignored",
        "--nocapture",
        "--quiet",
        "--test-threads=1",
    ])
    .env(CHILD_DIR, dir)
    .env_remove("WANDB_CONSOLE")
    .env_remove("WANDB_MODE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "child {name} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn child_dir() -> Option<PathBuf> {
    std::env::var_os(CHILD_DIR).map(PathBuf::from)
}

fn offline(dir: &Path) -> wb_run::RunBuilder {
    Run::builder()
        .with_dir(dir)
        .with_data_dir(dir.join("data"))
        .with_mode(Mode::Offline)
        .with_project("console")
        .with_silent(true)
}

/// The run folders under `dir`, oldest first.
fn run_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir.join("wandb"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("offline-run-")
        })
        .collect();
    dirs.sort_by_key(|p| {
        let log = wb_run::RunLog::read(p).unwrap();
        let ts = log.run().unwrap().start_time.unwrap();
        (ts.seconds, ts.nanos)
    });
    dirs
}

/// The `output_raw` records of a run: (stream, text), checking each record's stamps.
fn console_records(run_dir: &Path) -> Vec<(OutputType, String)> {
    let log = wb_run::RunLog::read(run_dir).unwrap();
    let id = log.run().unwrap().run_id.clone();
    let mut out = Vec::new();
    let path = std::fs::read_dir(run_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "wandb"))
        .unwrap();
    let mut reader = RecordReader::open(path).unwrap();
    while let Some(r) = reader.next_with_offset() {
        let (_, _, rec) = r.unwrap();
        if let Some(RecordType::OutputRaw(o)) = rec.record_type {
            assert_eq!(rec.info.as_ref().unwrap().stream_id, id);
            let ts = o.timestamp.unwrap();
            assert!(ts.seconds > 1_600_000_000 && ts.nanos % 1000 == 0, "{ts:?}");
            out.push((o.output_type(), o.line));
        }
    }
    out
}

fn text_of(records: &[(OutputType, String)], stream: OutputType) -> String {
    records
        .iter()
        .filter(|(s, _)| *s == stream)
        .map(|(_, t)| t.as_str())
        .collect()
}

const STDOUT: &str = "out: hello\nout: partial rest\nout: progress 1\rout: progress 2\n é ☃ \nout: from sh\nout: two runs\n";
const WARNING: &str =
    "wandb: WARNING console output is not captured: another run of this process is capturing it\n";

#[test]
#[ignore = "started by captured_output_reaches_the_terminal_and_the_run, in a child process"]
fn child_capture() {
    let Some(dir) = child_dir() else { return };
    let run = offline(&dir).build().unwrap();
    println!("out: hello");
    print!("out: partial ");
    std::io::stdout().flush().unwrap();
    println!("rest");
    eprintln!("err: one");
    std::io::stdout()
        .write_all("out: progress 1\rout: progress 2\n é ☃ \n".as_bytes())
        .unwrap();
    // A child process writes to the captured descriptors it inherits.
    let status = Command::new("sh")
        .args(["-c", "echo 'out: from sh'; echo 'err: from sh' >&2"])
        .status()
        .unwrap();
    assert!(status.success());
    // A second run does not capture: it warns once.
    let second = offline(&dir).build().unwrap();
    println!("out: two runs");
    second.finish(0).unwrap();
    run.finish(0).unwrap();
    println!("after finish");
    eprintln!("err: after finish");
}

#[test]
fn captured_output_reaches_the_terminal_and_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_child("child_capture", tmp.path(), &[]);
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    // Everything still reaches the terminal, unchanged.
    assert!(
        stdout.contains(&format!("{STDOUT}after finish\n")),
        "{stdout:?}"
    );
    assert!(
        stderr.contains(&format!(
            "err: one\nerr: from sh\n{WARNING}err: after finish\n"
        )),
        "{stderr:?}"
    );
    let dirs = run_dirs(tmp.path());
    assert_eq!(dirs.len(), 2);
    // The first run has everything written while it captured, byte for byte.
    let records = console_records(&dirs[0]);
    assert_eq!(text_of(&records, OutputType::Stdout), STDOUT);
    assert_eq!(
        text_of(&records, OutputType::Stderr),
        format!("err: one\nerr: from sh\n{WARNING}")
    );
    // output.log: each stream's lines as a terminal shows them, the streams interleaved.
    let log = std::fs::read_to_string(dirs[0].join("files/output.log")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    let err_lines = ["err: one", "err: from sh", WARNING.trim_end()];
    let (errs, outs): (Vec<&str>, Vec<&str>) = lines.iter().partition(|l| err_lines.contains(l));
    assert_eq!(
        outs,
        [
            "out: hello",
            "out: partial rest",
            "out: progress 2",
            " é ☃",
            "out: from sh",
            "out: two runs"
        ]
    );
    assert_eq!(errs, err_lines);
    assert!(log.ends_with('\n'));
    // The second run captured nothing.
    assert!(console_records(&dirs[1]).is_empty());
    assert!(!dirs[1].join("files/output.log").exists());
}

#[test]
#[ignore = "started by console_off_captures_nothing, in a child process"]
fn child_console_off() {
    let Some(dir) = child_dir() else { return };
    let run = offline(&dir).build().unwrap();
    println!("out: not captured");
    eprintln!("err: not captured");
    run.finish(0).unwrap();
}

#[test]
fn console_off_captures_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_child("child_console_off", tmp.path(), &[("WANDB_CONSOLE", "off")]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("out: not captured\n"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("err: not captured\n"));
    let dirs = run_dirs(tmp.path());
    assert!(console_records(&dirs[0]).is_empty());
    assert!(!dirs[0].join("files/output.log").exists());
}

#[cfg(feature = "log")]
#[test]
fn the_log_logger_writes_level_target_and_message() {
    let tmp = tempfile::tempdir().unwrap();
    let run = offline(tmp.path())
        .with_console(wb_run::Console::Off)
        .build()
        .unwrap();
    wb_run::ConsoleLogger::new(&run)
        .with_echo(false)
        .install()
        .unwrap();
    log::info!("hello {}", 1);
    log::debug!("not written");
    log::warn!(target: "train::loop", "loss is {:.2}", 0.5);
    run.finish(0).unwrap();
    log::error!("after finish");
    let records = console_records(run.dir());
    assert_eq!(
        records,
        [
            (OutputType::Stderr, "INFO  console: hello 1\n".to_owned()),
            (
                OutputType::Stderr,
                "WARN  train::loop: loss is 0.50\n".to_owned()
            ),
        ]
    );
    assert_eq!(
        std::fs::read_to_string(run.dir().join("files/output.log")).unwrap(),
        "INFO  console: hello 1\nWARN  train::loop: loss is 0.50\n"
    );
}

#[cfg(feature = "tracing")]
#[test]
fn the_tracing_layer_writes_level_target_message_and_fields() {
    use tracing_subscriber::layer::SubscriberExt;
    let tmp = tempfile::tempdir().unwrap();
    let run = offline(tmp.path())
        .with_console(wb_run::Console::Off)
        .build()
        .unwrap();
    let subscriber = tracing_subscriber::registry()
        .with(wb_run::ConsoleLayer::new(&run).with_max_level(tracing::Level::DEBUG));
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(epoch = 3, loss = 0.25, "epoch done");
        tracing::debug!(target: "data", files = ?["a", "b"], "loaded");
        tracing::trace!("not written");
    });
    run.finish(0).unwrap();
    assert_eq!(
        console_records(run.dir()),
        [
            (
                OutputType::Stderr,
                "INFO  console: epoch done epoch=3 loss=0.25\n".to_owned()
            ),
            (
                OutputType::Stderr,
                "DEBUG data: loaded files=[\"a\", \"b\"]\n".to_owned()
            ),
        ]
    );
}
