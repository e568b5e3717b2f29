//! Console output, as the Python SDK and wandb-core record it: what the process writes to
//! stdout and stderr (and what the `log` logger and the `tracing` layer write) becomes
//! `output_raw` records in the run's log, and `files/output.log`.
//!
//! In an online run, wandb-core receives the records, writes `output.log` and streams the
//! lines to the server's Logs tab; in an offline run this module writes `output.log` the way
//! core does, and `wandb sync` / `wb sync` rebuild and upload it from the records.

mod capture;
#[cfg(feature = "log")]
mod logger;
mod rebuild;
mod terminal;
#[cfg(feature = "tracing")]
mod tracing_layer;

#[cfg(feature = "log")]
pub use logger::ConsoleLogger;
#[cfg(feature = "tracing")]
pub use tracing_layer::ConsoleLayer;

use crate::error::{Error, Result};
use crate::run::{RecordSink, Run};
use crate::settings::{Mode, Source};
pub(crate) use rebuild::rebuild_output_log;
use std::fmt;
use std::fs::File;
use std::io::Write;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};
use terminal::OutputLog;
pub(crate) use terminal::Stream;
use wb_proto::{OutputRawRecord, OutputType, Record, RecordInfo, RecordType, Timestamp};

/// Whether a run captures the process's stdout and stderr (`wandb.init(settings=
/// wandb.Settings(console=...))`, `WANDB_CONSOLE`).
///
/// Capturing redirects file descriptors 1 and 2 into pipes (Unix), or the process's standard
/// output and error handles (Windows: what Rust's `print!` and child processes write is
/// captured, but not what C code writes through the C runtime's `stdout`); a background thread
/// passes everything on to the original stdout and stderr unchanged and writes it to the
/// run. The redirect is undone when the run finishes or is dropped. Only one run in a
/// process captures at a time; where capturing is impossible, the run says why once and goes
/// on without it.
///
/// Finish the run (or let it drop) before `std::process::exit`: output still in the pipes
/// when the process exits reaches neither the terminal nor the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Console {
    /// The SDK's default: capture. Also what the SDK's `wrap`, `wrap_raw` and `wrap_emu`
    /// give here (a Rust program has no stream objects to wrap, so the file descriptors are
    /// redirected).
    #[default]
    Auto,
    /// Capture by redirecting the file descriptors.
    Redirect,
    /// Capture nothing.
    Off,
}

impl Console {
    /// The SDK's name of the setting.
    pub fn as_str(self) -> &'static str {
        match self {
            Console::Auto => "auto",
            Console::Redirect => "redirect",
            Console::Off => "off",
        }
    }

    fn captures(self) -> bool {
        self != Console::Off
    }
}

impl fmt::Display for Console {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Console {
    type Err = Error;

    /// The SDK's names: `auto`, `redirect`, `off`, and `wrap`, `wrap_raw`, `wrap_emu` (which
    /// capture as `auto` does).
    fn from_str(s: &str) -> Result<Console> {
        match s {
            "auto" | "wrap" | "wrap_raw" | "wrap_emu" => Ok(Console::Auto),
            "redirect" => Ok(Console::Redirect),
            "off" => Ok(Console::Off),
            other => Err(Error::InvalidSetting(format!(
                "invalid console setting {other:?}: it must be one of \"auto\", \"redirect\", \"off\", \"wrap\", \"wrap_raw\" or \"wrap_emu\""
            ))),
        }
    }
}

/// The builder's setting, then `WANDB_CONSOLE`, then [`Console::Auto`].
pub(crate) fn resolve(given: Option<Console>, source: &Source) -> Result<Console> {
    match (given, source.var("WANDB_CONSOLE")) {
        (Some(c), _) => Ok(c),
        (None, Some(v)) if !v.is_empty() => v.parse(),
        _ => Ok(Console::Auto),
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A run's console hooks: the shared writer and the capture, if any.
#[derive(Debug, Default)]
pub(crate) struct ConsoleHook {
    out: Option<Arc<ConsoleOut>>,
    capture: Mutex<Option<capture::Capture>>,
}

impl ConsoleHook {
    /// Sets up console output for a new run and starts capturing when the setting says so.
    pub(crate) fn start(run: &Run, console: Console) -> Self {
        if run.mode() == Mode::Disabled {
            return ConsoleHook::default();
        }
        let sink = run.record_sink();
        // Core writes `output.log` of an online run from the records it receives.
        let output_log = (!sink.is_online())
            .then(|| OutputLog::new(&run.dir().join("files").join("output.log")));
        let out = Arc::new(ConsoleOut {
            state: Mutex::new(OutState {
                sink,
                output_log,
                closed: false,
            }),
            echo: Mutex::new(None),
        });
        let capture = if console.captures() {
            match capture::Capture::start(Arc::clone(&out)) {
                Ok(c) => Some(c),
                Err(why) => {
                    capture::warn_once(&why);
                    None
                }
            }
        } else {
            None
        };
        ConsoleHook {
            out: Some(out),
            capture: Mutex::new(capture),
        }
    }

    /// Stops capturing (everything written so far reaches the run), writes the rest of
    /// `output.log`, and drops later lines.
    pub(crate) fn stop(&self) {
        if let Some(c) = lock(&self.capture).take() {
            c.stop();
        }
        if let Some(out) = &self.out {
            out.close();
        }
    }

    /// The writer the loggers share with the capture (none for a disabled run).
    #[cfg_attr(not(any(feature = "log", feature = "tracing")), allow(dead_code))]
    pub(crate) fn out(&self) -> Option<Arc<ConsoleOut>> {
        self.out.clone()
    }
}

#[derive(Debug)]
struct OutState {
    sink: RecordSink,
    output_log: Option<OutputLog>,
    closed: bool,
}

/// Writes console text to a run: `output_raw` records and, offline, `output.log`.
#[derive(Debug)]
pub(crate) struct ConsoleOut {
    state: Mutex<OutState>,
    /// The process's real stdout and stderr while they are captured: where the loggers echo
    /// their lines so they are not captured a second time.
    echo: Mutex<Option<(Arc<File>, Arc<File>)>>,
}

/// The record's time, to the microsecond as the SDK stamps it.
fn now() -> Timestamp {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        seconds: d.as_secs() as i64,
        nanos: (d.subsec_micros() * 1000) as i32,
    }
}

impl ConsoleOut {
    /// One `output_raw` record with `text` as written, and its lines in `output.log`.
    /// After the run finished, or when the log cannot be written, the text is dropped: console
    /// output never fails the program.
    pub(crate) fn write(&self, stream: Stream, text: &str) {
        if text.is_empty() {
            return;
        }
        let mut st = lock(&self.state);
        if st.closed {
            return;
        }
        let record = Record {
            num: 0,
            record_type: Some(RecordType::OutputRaw(OutputRawRecord {
                output_type: match stream {
                    Stream::Stdout => OutputType::Stdout,
                    Stream::Stderr => OutputType::Stderr,
                } as i32,
                timestamp: Some(now()),
                line: text.to_owned(),
                info: None,
            })),
            control: None,
            uuid: String::new(),
            info: Some(RecordInfo {
                stream_id: st.sink.run_id().to_owned(),
                tracelog_id: String::new(),
            }),
        };
        if st.sink.emit(vec![record]).is_err() {
            // Finished, or the log is broken (the run reports that on its own calls).
            return;
        }
        if let Some(f) = &mut st.output_log {
            f.write(stream, text);
        }
    }

    /// Writes `text` to the terminal: the real stdout or stderr, bypassing the capture.
    #[cfg_attr(not(any(feature = "log", feature = "tracing")), allow(dead_code))]
    pub(crate) fn echo(&self, stream: Stream, text: &str) {
        let saved = lock(&self.echo).clone();
        let _ = match (saved, stream) {
            (Some((out, _)), Stream::Stdout) => (&*out).write_all(text.as_bytes()),
            (Some((_, err)), Stream::Stderr) => (&*err).write_all(text.as_bytes()),
            (None, Stream::Stdout) => std::io::stdout().write_all(text.as_bytes()),
            (None, Stream::Stderr) => std::io::stderr().write_all(text.as_bytes()),
        };
    }

    fn set_echo(&self, saved: Option<(Arc<File>, Arc<File>)>) {
        *lock(&self.echo) = saved;
    }

    fn close(&self) {
        let mut st = lock(&self.state);
        st.closed = true;
        if let Some(f) = &mut st.output_log {
            f.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_settings_parse_with_the_sdks_names() {
        for (s, c) in [
            ("auto", Console::Auto),
            ("wrap", Console::Auto),
            ("wrap_emu", Console::Auto),
            ("redirect", Console::Redirect),
            ("off", Console::Off),
        ] {
            assert_eq!(s.parse::<Console>().unwrap(), c);
        }
        assert_eq!(Console::Off.to_string(), "off");
        assert!("on".parse::<Console>().is_err());
    }

    #[test]
    fn the_builder_wins_over_wandb_console() {
        let src = Source::Fixed {
            vars: [("WANDB_CONSOLE".to_owned(), "off".to_owned())].into(),
            home: None,
        };
        assert_eq!(resolve(None, &src).unwrap(), Console::Off);
        assert_eq!(resolve(Some(Console::Auto), &src).unwrap(), Console::Auto);
        let empty = Source::Fixed {
            vars: Default::default(),
            home: None,
        };
        assert_eq!(resolve(None, &empty).unwrap(), Console::Auto);
    }

    #[test]
    fn a_bad_wandb_console_fails_before_anything_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let src = Source::Fixed {
            vars: [
                ("WANDB_CONSOLE".to_owned(), "loud".to_owned()),
                ("WANDB_MODE".to_owned(), "offline".to_owned()),
            ]
            .into(),
            home: Some(tmp.path().to_path_buf()),
        };
        let err = Run::builder()
            .with_dir(tmp.path())
            .with_source(src)
            .build()
            .unwrap_err();
        assert!(
            err.to_string().contains("invalid console setting \"loud\""),
            "{err}"
        );
        assert!(!tmp.path().join("wandb").exists());
    }
}
