//! # wb-run
//!
//! A W&B run written from Rust, in exactly the layout and log format of the Python SDK
//! (`wandb==0.31.0`): offline (`wb sync <run dir>` or `wandb sync` uploads it later), online
//! (uploaded live through wandb-core, W&B's own uploader, started and driven by `wb-service`),
//! or disabled, chosen and configured as the SDK does (`WANDB_MODE`, `WANDB_API_KEY`,
//! `~/.netrc`, ...). And a reader for the same `.wandb` log format, which also reads the
//! files the SDK writes.
//!
//! ```no_run
//! use wb_core::{Histogram, Html, LogValue};
//! use wb_run::{Mode, Row, Run};
//!
//! let run = Run::builder()
//!     .with_project("demo")
//!     .with_name("rust-run")
//!     .with_tags(["rust"])
//!     .with_mode(Mode::Offline)
//!     .build()?;
//! run.log(Row::new().with("loss", 0.5).with_media("page", Html::from_literal_with("<b>hi</b>", wb_core::HtmlOptions::default().with_inject(false))))?;
//! let h = Histogram::from_sequence(&[1.0, 2.0])?;
//! run.log(Row::new().with("loss", 0.25).with("h", LogValue::media(h)))?;
//! run.finish(0)?;
//! println!("{}", run.sync_command());
//!
//! let log = wb_run::RunLog::read(run.dir())?;
//! assert_eq!(log.history()?.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Map of the crate
//! - [`Run`] and [`RunBuilder`]: the run directory, `log` / `log_with` / `summary` /
//!   `config_update` / `finish`; `Run` is wb-core's [`wb_core::RunTarget`] (media binding,
//!   the automatic table artifacts, class-label config). [`Mode`] chooses online, offline or
//!   disabled; settings not given to the builder come from the `WANDB_*` environment.
//! - [`Mode::Shared`] with [`SharedRole`] and `with_label`: several processes (the ranks of a
//!   distributed job) log to one run, as the SDK's shared mode.
//! - [`Row`] (what one `log` call logs) and [`LogOptions`] (`step=` / `commit=`).
//! - [`Run::define_metric`] with [`MetricOptions`] and [`Summary`]: custom x-axes (step
//!   metrics, filled into rows by `step_sync`), glob names, hidden metrics, and summaries of
//!   min, max, mean, first and last values, as the SDK's `define_metric` and wandb-core apply them.
//! - Files and artifacts: [`Run::save`] / [`Run::save_with`] (`wandb.save`, with a
//!   [`FilePolicy`] and [`SaveOptions`]) and [`Run::log_artifact`] (a [`wb_core::Artifact`]
//!   built with `add_file`, `add_dir` and `add`; [`Run::log_artifact_with`] and
//!   [`LogArtifactOptions`] for aliases and tags).
//! - Resuming: [`RunBuilder::with_resume`] ([`Resume`], or `WANDB_RESUME`) with the run's id;
//!   [`Run::is_resumed`] and [`Run::starting_step`].
//! - [`RecordReader`] (record by record) and [`RunLog`] (history rows, summary, config
//!   rebuilt); [`LogWriter`] frames encoded records in the same block format.
//! - [`proto`]: the `wandb_internal.Record` protobuf messages, with wandb's field numbers
//!   (the `wb-proto` crate).
//! - [`Console`]: the capture of the process's stdout and stderr as console output (on by
//!   default, as in the SDK), and behind features a `log` logger and a `tracing` layer that
//!   write their lines to the run.
//! - [`Error`], [`ReadError`], [`Result`].
//!
//! ## System metrics and run metadata
//! As the SDK does, a run samples the machine in the background (CPU, memory, disk, network,
//! NVIDIA GPUs through NVML loaded at run time) every 15 seconds into `stats` records, and
//! records the program, host, git commit and hardware in two `environment` records (which
//! wandb-core uploads as `wandb-metadata.json`). [`RunBuilder::with_stats_interval`],
//! [`RunBuilder::with_system_metrics`] and [`RunBuilder::with_metadata`] change or turn them
//! off; `docs/system.md` lists the keys and fields.
//!
//! ## Git state (`save_code`)
//! With [`RunBuilder::with_save_code`] (or `WANDB_SAVE_CODE=true`; off by default, as in the
//! SDK), a run started in a git repository writes `files/diff.patch`, the tracked files'
//! changes against `HEAD` byte for byte as `git diff HEAD` prints them, and
//! `files/diff_<commit>.patch` against the branch's upstream, with the `files` record
//! wandb-core writes for them, offline and online. They are read from `.git` directly (no git
//! binary), on a background thread; `docs/system.md` says what is not covered.
//!
//! ## Features
#![doc = document_features::document_features!()]
//!
//! ## What is written, and when
//! Like wandb-core, each finished step becomes three records: a summary with the whole-second
//! runtime, a summary of the step's leaves, and the history record (leaves flattened to
//! `nested_key` paths, values as Go-formatted JSON, with `_step`, `_runtime` and
//! `_timestamp`). Media files are announced by a files record before the step's history; a
//! logged table also writes its `run_table` artifact record. Each `log` call writes its records
//! with a single `write`, so a process killed at any moment leaves a log whose every complete
//! record reads back.
//!
//! As the SDK does, the run also writes `telemetry` records: the wandb version whose protocol
//! it speaks (`0.31.0`), the platform, and flags for the features the run uses (offline,
//! `define_metric`, `save`, tables, resume, shared mode, finish, ...), which wandb-core puts in
//! the run config as `_wandb.t`. Their Python version is left empty: there is none.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod console;
mod error;
mod framing;
mod history;
mod layout;
mod metric;
mod online;
mod progress;
mod reader;
mod row;
mod run;
mod settings;
mod shared;
mod system;
mod telemetry;

/// The protobuf messages of the `.wandb` log (the `wb-proto` crate).
pub use wb_proto as proto;

pub use console::Console;
#[cfg(feature = "tracing")]
#[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
pub use console::ConsoleLayer;
#[cfg(feature = "log")]
#[cfg_attr(docsrs, doc(cfg(feature = "log")))]
pub use console::ConsoleLogger;
pub use error::{Error, ReadError, Result};
pub use framing::LogWriter;
pub use metric::{MetricOptions, Summary};
pub use reader::{HistoryRow, RecordReader, RunLog};
pub use row::{LogOptions, Row};
pub use run::resume::Resume;
pub use run::save::{FilePolicy, SaveOptions};
pub use run::user_artifact::LogArtifactOptions;
pub use run::{MIN_CONSUMER, PRODUCER, Run, RunBuilder};
pub use settings::{DEFAULT_BASE_URL, Mode};
pub use shared::SharedRole;

/// Registers this family's decodable `_type`s (the run family adds none).
pub fn register(registry: &mut wb_core::Registry) {
    let _ = registry;
}
