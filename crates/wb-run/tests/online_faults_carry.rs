//! Server faults while an online run carries more than history rows: the file stream and the
//! file uploads answer 500 and 429 for a while, during a run that defines metrics, samples
//! system metrics, captures its console, saves files with each policy and logs an artifact.
//! Once the server recovers, it holds every row, the summary the metric rules give, every
//! console line, every stats sample and every saved and artifact file byte for byte, as the
//! run's local log and folder hold them.
//!
//! A test binary of its own: the run captures this process's stdout and stderr.
//! Opt-in (`#[ignore]`) as the other online tests:
//! `cargo test -p wb-run --test online_faults_carry -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod online_support;

use online_support::*;
use std::time::Duration;
use wb_core::Artifact;
use wb_fake_backend::{Backend, Completion, Fault};
use wb_run::{Console, Row, RunLog};

const STEPS: u32 = 12;

#[test]
#[ignore = "needs wandb-core 0.31.0 (run with --ignored; CI runs it after the conformance venv exists)"]
fn file_stream_and_upload_faults_lose_nothing_a_run_carries() {
    let Some(core) = core() else { return };
    let backend = Backend::start().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let blob = write_fault_sources(&src);

    let run = builder(&core, &backend, tmp.path())
        .with_console(Console::Redirect)
        .with_stats_interval(Duration::from_millis(200))
        .build()
        .unwrap();
    // From here on, the file stream (history, summary, stats, console lines) and the file
    // uploads fail for a while (errors, connections reset), and so do the requests for upload
    // URLs and the artifact's creation, files and commit.
    // Three in a row on the file stream: core's backoff doubles with each (about 2, 4, 8 s...).
    backend.inject(Fault::new(500, 1).with_path_prefix("/files/"));
    backend.inject(
        Fault::new(429, 1)
            .with_retry_after(1)
            .with_path_prefix("/files/"),
    );
    backend.inject(Fault::disconnect(1).with_path_prefix("/files/"));
    backend.inject(
        Fault::new(429, 3)
            .with_retry_after(1)
            .with_path_prefix("/upload/"),
    );
    backend.inject(Fault::new(500, 2).with_path_prefix("/upload/"));
    backend.inject(Fault::new(500, 2).with_operation("CreateRunFiles"));
    backend.inject(Fault::new(500, 1).with_operation("CreateArtifactFiles"));
    backend.inject(Fault::new(503, 1).with_operation("CreateArtifact"));
    backend.inject(Fault::new(500, 1).with_operation("CommitArtifact"));

    define_fault_metrics(&run);
    save_fault_sources(&run, &src);
    let mut written = Vec::new();
    for step in 0..STEPS {
        written.extend(log_fault_step(&run, step));
        if step == STEPS / 2 {
            std::fs::write(src.join("live.txt"), "live 2, changed during the run\n").unwrap();
        }
        std::thread::sleep(Duration::from_millis(60));
    }
    let mut art = Artifact::new("carried", "dataset").with_description("fault test");
    art.add_dir_as(src.join("art"), "files").unwrap();
    run.log_artifact(art).unwrap();
    run.summary(Row::new().with("best", 0.25)).unwrap();
    run.finish(0).unwrap();
    assert!(backend.requests().iter().any(|r| r.is_injected()));
    assert!(
        backend.pending_faults().is_empty(),
        "faults not used: {:?}",
        backend.pending_faults()
    );

    let log = RunLog::read(run.dir()).unwrap();
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    let got = backend.run(run.id()).unwrap();
    assert_eq!(got.completion(), Completion::Complete { exit_code: 0 });

    // History: every row, as the local log holds it.
    let logged = assert_history_uploaded(&got, &log);
    assert_eq!(logged.len(), STEPS as usize);

    // The summary the metric rules give: what the local log holds, and the statistics of
    // the values logged.
    assert_fault_summary_uploaded(&got, &log, &logged);

    // Console: every line written reached the file stream, in order per stream, and the
    // uploaded output.log is the one core wrote in the run folder.
    let lines: Vec<String> = got
        .console_lines()
        .iter()
        .map(|l| untimed(l))
        .filter(|l| l.contains("console line "))
        .collect();
    let (got_err, got_out): (Vec<&String>, Vec<&String>) =
        lines.iter().partition(|l| l.starts_with("ERROR "));
    let (want_err, want_out): (Vec<&String>, Vec<&String>) =
        written.iter().partition(|l| l.starts_with("ERROR "));
    assert_eq!(got_out, want_out);
    assert_eq!(got_err, want_err);
    let local_output = std::fs::read(run.dir().join("files/output.log")).unwrap();
    assert_eq!(
        got.file("output.log").expect("output.log was uploaded"),
        local_output.as_slice()
    );
    let text = String::from_utf8(local_output).unwrap();
    for line in &written {
        let line = line.strip_prefix("ERROR ").unwrap_or(line);
        assert!(text.lines().any(|l| l == line), "{line} not in output.log");
    }

    // Stats: one events line per stats record, with its values.
    let local_stats = stats_records(&log);
    assert!(!local_stats.is_empty());
    assert_events_are_stats(&got, &local_stats);

    // Saved files, each policy, with their last bytes.
    for name in ["now.txt", "live.txt", "end.txt"] {
        let want = std::fs::read(src.join(name)).unwrap();
        assert_eq!(
            got.file(name),
            Some(want.as_slice()),
            "{name}; uploaded: {:?}",
            got.files().keys()
        );
    }
    assert!(got.file("wandb-metadata.json").is_some());

    // The artifact: committed, every file with its bytes.
    let artifact = backend
        .artifacts()
        .into_iter()
        .find(|a| a.name() == "carried")
        .expect("the artifact arrived");
    assert_eq!(artifact.state(), wb_fake_backend::ArtifactState::Committed);
    let manifest = artifact.manifest().unwrap().expect("its manifest arrived");
    let contents = manifest["contents"].as_object().unwrap();
    let mut names: Vec<&String> = contents.keys().collect();
    names.sort();
    assert_eq!(names, ["files/blob.bin", "files/notes.txt"]);
    for (path, want) in [
        ("files/blob.bin", blob.as_slice()),
        ("files/notes.txt", b"artifact notes\n".as_slice()),
    ] {
        let digest = contents[path]["digest"].as_str().unwrap();
        let bytes = artifact_file(&artifact, path, Some(digest))
            .unwrap_or_else(|| panic!("{path} not uploaded: {:?}", artifact.files().keys()));
        assert!(bytes == want, "{path}: the uploaded bytes differ");
    }
}
