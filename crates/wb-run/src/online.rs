//! The online side of a run: wandb-core, driven over its service protocol ([`wb_service`]),
//! uploads the same records the run writes to its local `.wandb` log.
//!
//! Why our own log stays the record of the run: in online mode wandb-core writes its own
//! transaction log only from the records it has received (`core/internal/stream/writer.go`),
//! so a core that dies loses whatever was still queued for it. The run therefore keeps
//! writing every record to its own `run-<id>.wandb` exactly as an offline run does (the file
//! `wb sync` and `wandb sync` upload) and sends core `x_skip_transaction_log`, so core writes
//! no second log over it. If core dies, logging goes on locally and the run says so.

use crate::error::{Error, Result};
use crate::progress::Display;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use wb_proto::{
    InternalMessagesRequest, OperationStats, OperationStatsRequest, Record, RecordType, Request,
    RequestType, ResponseType, ResultType, RunRecord, RunStartRequest, Settings,
};
use wb_service::{Client, CoreBinary, Pending, RunStream};

/// How long creating an online run waits for the server's answer by default (the SDK's
/// `init_timeout`).
pub(crate) const DEFAULT_INIT_TIMEOUT: Duration = Duration::from_secs(90);

/// How long `finish` waits for core to exit after the uploads are done.
const TEARDOWN_TIMEOUT: Duration = Duration::from_secs(60);

/// What an online run needs to start.
pub(crate) struct Start<'a> {
    pub core_path: Option<&'a Path>,
    pub init_timeout: Duration,
    pub base_url: &'a str,
    pub api_key: &'a str,
    pub root_dir: &'a Path,
    pub wandb_dir: &'a Path,
    pub run_dir: &'a Path,
    pub log_path: &'a Path,
    pub start_unix: f64,
    pub silent: bool,
    /// The run's resume mode: wandb-core asks the server about the run first.
    pub resume: Option<crate::run::resume::Resume>,
    /// The role and label of this process in a shared run.
    pub shared: Option<&'a crate::shared::Shared>,
    /// How long `finish` waits for the upload (no limit when `None`).
    pub finish_timeout: Option<Duration>,
}

/// The connection of an online run to wandb-core.
#[derive(Debug)]
pub(crate) struct Online {
    client: Client,
    stream: RunStream,
    /// False once core stopped answering: the run goes on locally.
    alive: AtomicBool,
    /// Why core stopped, once it did.
    lost: Mutex<Option<String>>,
    /// Whether the user was told that core stopped.
    reported: AtomicBool,
    url: String,
    project_url: String,
    name: String,
    silent: bool,
    /// How long `finish` waits for the upload (no limit when `None`).
    finish_timeout: Option<Duration>,
}

fn path_str(p: &Path) -> Option<String> {
    Some(p.to_string_lossy().into_owned())
}

/// The SDK's `api_to_app_url`: the web app's URL for an API URL.
pub(crate) fn app_url(base_url: &str) -> String {
    let url = base_url.trim_end_matches('/');
    if url.contains("://api.wandb.test") {
        url.replacen("://api.", "://app.", 1)
    } else if url.contains("://api.wandb.") {
        url.replacen("://api.", "://", 1)
    } else if url.contains("://api.") {
        url.replacen("://api.", "://app.", 1)
    } else {
        url.to_owned()
    }
}

/// Python's `urllib.parse.quote(s, safe)`: percent-encodes all but ASCII letters, digits,
/// `_.-~` and the `safe` characters.
fn quote(s: &str, safe: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.as_bytes().contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SDK's `project_url` and `run_url`.
pub(crate) fn urls(base_url: &str, entity: &str, project: &str, run_id: &str) -> (String, String) {
    let project_url = format!(
        "{}/{}/{}",
        app_url(base_url),
        quote(entity, "/"),
        quote(project, "/")
    );
    let run_url = format!("{project_url}/runs/{}", quote(run_id, "=+&$@"));
    (project_url, run_url)
}

/// The SDK's emoji, where it prints them (not on Windows).
fn emoji(e: &str) -> &str {
    if cfg!(windows) { "" } else { e }
}

fn request(r: RequestType) -> Record {
    Record {
        record_type: Some(RecordType::Request(Request {
            request_type: Some(r),
        })),
        ..Record::default()
    }
}

impl Online {
    /// Starts core, opens the run's stream, sends the run record and waits (at most the init
    /// timeout) for the server's answer, then sends `run_start`. Returns the connection and
    /// the run as the server has it.
    pub(crate) fn start(s: &Start<'_>, run: &RunRecord) -> Result<(Online, RunRecord)> {
        let mut builder = Client::builder().with_start_timeout(s.init_timeout);
        if let Some(p) = s.core_path {
            builder = builder.with_binary(CoreBinary::from_path(p)?);
        }
        let client = builder.build()?;
        let result = Self::open(&client, s, run);
        if result.is_err() {
            // Core may still be retrying the server: stop it now.
            let _ = client.teardown(1, Duration::from_secs(5));
        }
        let (stream, server_run) = result?;
        let name = if server_run.display_name.is_empty() {
            run.display_name.clone()
        } else {
            server_run.display_name.clone()
        };
        let project = if server_run.project.is_empty() {
            &run.project
        } else {
            &server_run.project
        };
        let (project_url, url) = urls(s.base_url, &server_run.entity, project, &run.run_id);
        let online = Online {
            client,
            stream,
            alive: AtomicBool::new(true),
            lost: Mutex::new(None),
            reported: AtomicBool::new(false),
            url,
            project_url,
            name,
            silent: s.silent,
            finish_timeout: s.finish_timeout,
        };
        if !online.silent {
            eprintln!("wandb: Syncing run {}", online.name);
            eprintln!(
                "wandb: {}View project at {}",
                emoji("⭐️ "),
                online.project_url
            );
            eprintln!("wandb: {}View run at {}", emoji("🚀 "), online.url);
        }
        Ok((online, server_run))
    }

    /// The settings core gets for the run (`inform_init`).
    fn core_settings(s: &Start<'_>, run: &RunRecord) -> Settings {
        Settings {
            base_url: Some(s.base_url.to_owned()),
            api_key: Some(s.api_key.to_owned()),
            run_id: Some(run.run_id.clone()),
            project: (!run.project.is_empty()).then(|| run.project.clone()),
            entity: (!run.entity.is_empty()).then(|| run.entity.clone()),
            run_name: (!run.display_name.is_empty()).then(|| run.display_name.clone()),
            mode: Some(
                if s.shared.is_some() {
                    "shared"
                } else {
                    "online"
                }
                .into(),
            ),
            shared: s.shared.map(|_| true),
            // The SDK's default is primary: this process writes the run's files
            // (wandb-metadata.json, made by core from our environment records, is uploaded
            // only by a primary). A shared run's worker is not.
            x_primary: Some(s.shared.is_none_or(|sh| sh.role.is_primary())),
            x_update_finish_state: s.shared.map(|sh| sh.role.updates_finish_state()),
            x_label: s.shared.map(|sh| sh.label.clone()),
            root_dir: path_str(s.root_dir),
            wandb_dir: path_str(s.wandb_dir),
            sync_dir: path_str(s.run_dir),
            sync_file: path_str(s.log_path),
            log_dir: path_str(&s.run_dir.join("logs")),
            log_internal: path_str(&s.run_dir.join("logs").join("debug-internal.log")),
            x_start_time: Some(s.start_unix),
            x_skip_transaction_log: Some(true),
            x_disable_stats: Some(true),
            x_disable_meta: Some(true),
            x_disable_machine_info: Some(true),
            // Not "off": core then writes `output.log` and streams the run's console lines
            // (`output_raw` records) to the Logs tab; it captures nothing itself.
            console: Some("auto".into()),
            resume: s.resume.map(|r| r.as_str().to_owned()),
            ..Settings::default()
        }
    }

    fn open(client: &Client, s: &Start<'_>, run: &RunRecord) -> Result<(RunStream, RunRecord)> {
        let settings = Self::core_settings(s, run);
        let stream = client.inform_init(settings, &run.run_id)?;
        let record = Record {
            record_type: Some(RecordType::Run(run.clone())),
            ..Record::default()
        };
        let answer = stream
            .communicate(record, s.init_timeout)
            .map_err(|e| match e {
                wb_service::Error::Timeout { after, .. } => Error::InitTimeout {
                    base_url: s.base_url.to_owned(),
                    after,
                },
                other => Error::Service(other),
            })?;
        let server_run = match answer.result_type {
            Some(ResultType::RunResult(r)) => match (r.error, r.run) {
                (Some(e), _)
                    if s.resume.is_some() && e.code == wb_proto::ErrorCode::Usage as i32 =>
                {
                    return Err(Error::Resume {
                        run_id: run.run_id.clone(),
                        message: e.message,
                    });
                }
                (Some(e), _) => {
                    return Err(Error::RunRefused {
                        base_url: s.base_url.to_owned(),
                        message: e.message,
                    });
                }
                (None, Some(run)) => run,
                (None, None) => run.clone(),
            },
            other => {
                return Err(Error::RunRefused {
                    base_url: s.base_url.to_owned(),
                    message: format!("wandb-core answered the run record with {other:?}"),
                });
            }
        };
        stream.communicate(
            request(RequestType::RunStart(RunStartRequest {
                run: Some(server_run.clone()),
                info: None,
            })),
            s.init_timeout,
        )?;
        Ok((stream, server_run))
    }

    /// The run's page.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Whether core still takes the run's records.
    pub(crate) fn is_alive(&self) -> bool {
        self.alive.load(Ordering::SeqCst)
    }

    /// Marks core as gone: the run goes on locally. Prints nothing, as it runs where the
    /// log is locked and on the console capture's threads, where writing to the captured
    /// stderr could wait on the capture itself; [`Online::report_lost`] tells the user.
    fn lose(&self, why: &str) {
        if self.alive.swap(false, Ordering::SeqCst) {
            *self.lost.lock().unwrap_or_else(|p| p.into_inner()) = Some(why.to_owned());
        }
    }

    /// Warns once that core stopped, if it did. Call it only from the user's own calls,
    /// holding no lock of the run.
    pub(crate) fn report_lost(&self, run_dir: &Path) {
        if self.is_alive() || self.reported.swap(true, Ordering::SeqCst) {
            return;
        }
        let why = self
            .lost
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_default();
        eprintln!(
            "wandb: WARNING the upload of this run stopped ({why}); the run goes on in full in \
             {}, and `wb sync {}` uploads the rest",
            run_dir.display(),
            run_dir.display()
        );
    }

    /// Queues records for core (never waits on the network). A failure means core is gone:
    /// the run goes on locally.
    pub(crate) fn forward(&self, records: Vec<Record>) {
        if !self.is_alive() {
            return;
        }
        for r in records {
            if let Err(e) = self.stream.publish(r) {
                self.lose(&e.to_string());
                return;
            }
        }
    }

    /// Sends the exit record and waits until core has uploaded everything (progress from
    /// `poll_exit` on a terminal), at most the finish timeout, then closes the stream and
    /// shuts core down. Returns what went wrong when the upload did not complete: core
    /// stopped, it reported a failure (a refused key), or the server did not take the data
    /// in time.
    pub(crate) fn finish(&self, exit: Record, exit_code: i32, run_dir: &Path) -> Option<String> {
        if self.is_alive() {
            match self.stream.deliver(exit) {
                Ok(pending) => self.wait_for_exit(&pending, run_dir),
                Err(e) => self.lose(&e.to_string()),
            }
        }
        self.report_lost(run_dir);
        // Core's warnings (the SDK prints them as they come), among them a failure it gave
        // up on.
        let warnings = if self.is_alive() {
            self.internal_messages()
        } else {
            Vec::new()
        };
        if !self.silent {
            for w in &warnings {
                eprintln!("wandb: WARNING {w}");
            }
        }
        let failures: Vec<&String> = warnings.iter().filter(|w| is_upload_failure(w)).collect();
        let failure = if self.is_alive() {
            (!failures.is_empty()).then(|| {
                let mut reason = failures
                    .iter()
                    .map(|w| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(detail) = last_core_error(run_dir) {
                    reason.push_str(&format!(" (wandb-core: {detail})"));
                }
                reason
            })
        } else {
            Some(
                self.lost
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clone()
                    .unwrap_or_default(),
            )
        };
        let teardown = if self.is_alive() {
            let _ = self.stream.finish();
            TEARDOWN_TIMEOUT
        } else {
            // Core may still be retrying a server that is gone: do not wait on it.
            Duration::from_secs(5)
        };
        let _ = self.client.teardown(exit_code, teardown);
        if !self.silent {
            if failure.is_none() {
                eprintln!(
                    "wandb: {}View run {} at: {}",
                    emoji("🚀 "),
                    self.name,
                    self.url
                );
                eprintln!(
                    "wandb: {}View project at: {}",
                    emoji("⭐️ "),
                    self.project_url
                );
            } else {
                eprintln!(
                    "wandb: WARNING not everything was uploaded: run `wb sync {}`",
                    run_dir.display()
                );
            }
        }
        failure
    }

    /// Waits for core's answer to the exit record, at most the finish timeout, showing
    /// core's operations meanwhile as the SDK does ([`crate::progress`]): the screen is
    /// updated ten times a second and the stats polled every half second (on a terminal or
    /// not, to name the last error if the wait times out).
    fn wait_for_exit(&self, pending: &Pending<wb_proto::RecordResult>, run_dir: &Path) {
        use std::io::Write;
        let mut display = Display::for_stderr(self.silent);
        let mut stats: Option<OperationStats> = None;
        let mut last_poll: Option<Instant> = None;
        let mut last_error = String::new();
        let started = Instant::now();
        loop {
            let step = if display.is_on() {
                Duration::from_millis(100)
            } else {
                Duration::from_millis(500)
            };
            match pending.wait(step) {
                Ok(_) => break,
                Err(wb_service::Error::Timeout { .. }) => {}
                Err(e) => {
                    eprint!("{}", display.close());
                    self.lose(&e.to_string());
                    return;
                }
            }
            if let Some(limit) = self.finish_timeout
                && started.elapsed() >= limit
            {
                eprint!("{}", display.close());
                if last_error.is_empty() {
                    // Between polls, or the operations were in their wait: ask again, else
                    // take the last retried error from core's log.
                    last_error = self
                        .operation_stats()
                        .and_then(|s| first_error(&s.operations))
                        .or_else(|| last_core_retry(run_dir))
                        .unwrap_or_default();
                }
                let mut why =
                    format!("the server did not take the rest of the run within {limit:?}");
                if !last_error.is_empty() {
                    why.push_str(&format!(" (last error: {last_error})"));
                }
                self.lose(&why);
                return;
            }
            if last_poll.is_none_or(|t| t.elapsed() >= Duration::from_millis(500)) {
                last_poll = Some(Instant::now());
                if let Some(s) = self.operation_stats() {
                    if let Some(e) = first_error(&s.operations) {
                        last_error = e;
                    }
                    stats = Some(s);
                }
            }
            if !display.is_on() {
                continue;
            }
            let out = display.update(stats.as_ref());
            if !out.is_empty() {
                let mut err = std::io::stderr().lock();
                let _ = err.write_all(out.as_bytes());
                let _ = err.flush();
            }
        }
        eprint!("{}", display.close());
    }

    /// The warnings core collected for the user (`InternalMessagesRequest`, which the SDK
    /// polls and prints as they come), without waiting for more.
    fn internal_messages(&self) -> Vec<String> {
        let answer = self.stream.communicate(
            request(RequestType::InternalMessages(InternalMessagesRequest {
                wait: false,
                info: None,
            })),
            Duration::from_secs(5),
        );
        let Ok(answer) = answer else {
            return Vec::new();
        };
        let Some(ResultType::Response(r)) = answer.result_type else {
            return Vec::new();
        };
        let Some(ResponseType::InternalMessagesResponse(m)) = r.response_type else {
            return Vec::new();
        };
        m.messages.map(|m| m.warning).unwrap_or_default()
    }

    /// What core is busy with (`OperationStatsRequest`), as the SDK polls it.
    fn operation_stats(&self) -> Option<OperationStats> {
        let answer = self
            .stream
            .communicate(
                request(RequestType::Operations(OperationStatsRequest::default())),
                Duration::from_secs(2),
            )
            .ok()?;
        let Some(ResultType::Response(r)) = answer.result_type else {
            return None;
        };
        let Some(ResponseType::OperationsResponse(o)) = r.response_type else {
            return None;
        };
        o.operation_stats
    }
}

/// Whether a warning of core says that data did not reach the server (its file stream gave
/// up, or the run timed out finishing), as opposed to notes such as an artifact that
/// already exists with the same content.
fn is_upload_failure(warning: &str) -> bool {
    warning.contains("Fatal error while uploading") || warning.contains("Timed out finishing run")
}

/// The first error status among core's operations and their subtasks (`retrying HTTP 500`).
fn first_error(ops: &[wb_proto::Operation]) -> Option<String> {
    ops.iter().find_map(|o| {
        if o.error_status.is_empty() {
            first_error(&o.subtasks)
        } else {
            Some(format!("{}: {}", o.desc, o.error_status))
        }
    })
}

/// The message of the last error core wrote to its log of the run
/// (`logs/debug-internal.log`, JSON lines with `level` and `msg`), where the server's answer
/// (`401 Unauthorized ...`) is named.
fn last_core_error(run_dir: &Path) -> Option<String> {
    last_in_core_log(run_dir, |line| {
        json_field(line, "level")?
            .starts_with("ERROR")
            .then(|| json_field(line, "msg"))
            .flatten()
    })
}

/// The last error core retried, from its log of the run (`api: retrying error` lines).
fn last_core_retry(run_dir: &Path) -> Option<String> {
    last_in_core_log(run_dir, |line| {
        (json_field(line, "msg")? == "api: retrying error")
            .then(|| json_field(line, "error"))
            .flatten()
    })
}

/// The last line of core's log of the run that `pick` takes something from.
fn last_in_core_log(run_dir: &Path, pick: impl Fn(&str) -> Option<String>) -> Option<String> {
    let text = std::fs::read_to_string(run_dir.join("logs").join("debug-internal.log")).ok()?;
    text.lines().rev().find_map(pick)
}

/// A string field of a one-line JSON object, unescaped (enough for core's log lines).
fn json_field(line: &str, key: &str) -> Option<String> {
    let v = wb_core::json::parse(line).ok()?;
    v.as_object()?.get(key)?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_runs_tell_core_their_role_and_label() {
        let dir = Path::new("/tmp/x");
        let run = RunRecord {
            run_id: "r1".into(),
            ..RunRecord::default()
        };
        let start = |shared| Start {
            core_path: None,
            init_timeout: DEFAULT_INIT_TIMEOUT,
            base_url: "http://127.0.0.1:1",
            api_key: "k",
            root_dir: dir,
            wandb_dir: dir,
            run_dir: dir,
            log_path: dir,
            start_unix: 0.0,
            silent: true,
            resume: None,
            shared,
            finish_timeout: None,
        };
        let plain = Online::core_settings(&start(None), &run);
        assert_eq!(plain.mode.as_deref(), Some("online"));
        assert_eq!(
            (plain.shared, plain.x_label, plain.x_primary),
            (None, None, Some(true))
        );
        let worker = crate::shared::Shared {
            role: crate::SharedRole::Worker,
            label: "rank-1".into(),
        };
        let s = Online::core_settings(&start(Some(&worker)), &run);
        assert_eq!(s.mode.as_deref(), Some("shared"));
        assert_eq!(s.shared, Some(true));
        assert_eq!(s.x_label.as_deref(), Some("rank-1"));
        assert_eq!(
            (s.x_primary, s.x_update_finish_state),
            (Some(false), Some(false))
        );
    }

    #[test]
    fn the_last_error_of_cores_log_names_the_servers_answer() {
        // The end of core 0.31.0's debug-internal.log after a key was revoked mid-run.
        let log = concat!(
            r#"{"time":"2026-12-07T09:45:00.808852713Z","level":"INFO","msg":"fileTransfer: Close: file transfer manager closed"}"#,
            "\n",
            r#"{"time":"2026-12-07T09:45:00.809266529Z","level":"ERROR+4","msg":"filestream: fatal error: filestream: failed to upload: 401 Unauthorized url=http://127.0.0.1:33279/files/fake-entity/p/ie2847th/file_stream: {\"errors\":[{\"message\":\"the API key is not the one this backend accepts\"}]}"}"#,
            "\n",
            r#"{"time":"2026-12-07T09:45:00.809686508Z","level":"INFO","msg":"stream: finishing up"}"#,
            "\n",
        );
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("logs")).unwrap();
        std::fs::write(tmp.path().join("logs/debug-internal.log"), log).unwrap();
        let got = last_core_error(tmp.path());
        assert_eq!(
            got.as_deref(),
            Some(
                "filestream: fatal error: filestream: failed to upload: 401 Unauthorized \
                 url=http://127.0.0.1:33279/files/fake-entity/p/ie2847th/file_stream: \
                 {\"errors\":[{\"message\":\"the API key is not the one this backend accepts\"}]}"
            )
        );
        assert!(last_core_error(Path::new("/no/such/run")).is_none());
        assert!(last_core_retry(tmp.path()).is_none());
    }

    #[test]
    fn the_last_retried_error_of_cores_log_names_the_cause() {
        // Lines of core 0.31.0's debug-internal.log while the server was down.
        let log = concat!(
            r#"{"time":"2026-12-07T09:45:00.794501116Z","level":"INFO","msg":"api: retrying error","error":"Post \"http://127.0.0.1:35083/graphql\": dial tcp 127.0.0.1:35083: connect: connection refused"}"#,
            "\n",
            r#"{"time":"2026-12-07T09:45:14.789987749Z","level":"INFO","msg":"filestream: sending request","total_files":3,"history_offset":0,"history_lines":6,"events_offset":0,"events_lines":1}"#,
            "\n",
            r#"{"time":"2026-12-07T09:45:14.7903761Z","level":"INFO","msg":"api: retrying error","error":"Post \"http://127.0.0.1:35083/files/fake-entity/p/md7ppf01/file_stream\": dial tcp 127.0.0.1:35083: connect: connection refused"}"#,
            "\n",
        );
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("logs")).unwrap();
        std::fs::write(tmp.path().join("logs/debug-internal.log"), log).unwrap();
        assert_eq!(
            last_core_retry(tmp.path()).as_deref(),
            Some(
                "Post \"http://127.0.0.1:35083/files/fake-entity/p/md7ppf01/file_stream\": \
                 dial tcp 127.0.0.1:35083: connect: connection refused"
            )
        );
        assert!(last_core_error(tmp.path()).is_none());
    }

    #[test]
    fn urls_are_the_sdks() {
        assert_eq!(app_url("https://api.wandb.ai"), "https://wandb.ai");
        assert_eq!(
            app_url("https://api.example.com/"),
            "https://app.example.com"
        );
        assert_eq!(app_url("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        let (project, run) = urls("https://api.wandb.ai", "me", "my proj", "ab=c");
        assert_eq!(project, "https://wandb.ai/me/my%20proj");
        assert_eq!(run, "https://wandb.ai/me/my%20proj/runs/ab=c");
    }
}
