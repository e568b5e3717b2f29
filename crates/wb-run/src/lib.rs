//! # wb-run
//!
//! An offline W&B run written from Rust, in exactly the layout and log format of the Python
//! SDK (`wandb==0.31.0`): `wandb sync <run dir>` uploads it and `wandb leet` reads it. And a
//! reader for the same `.wandb` log format, which also reads the files the SDK writes.
//!
//! ```no_run
//! use wb_core::{Histogram, Html};
//! use wb_run::{Row, Run};
//!
//! let run = Run::builder(".", "demo").name("rust-run").tags(["rust"]).create()?;
//! run.log(Row::new().set("loss", 0.5).media("page", Html::from_literal("<b>hi</b>", false)))?;
//! run.log(Row::new().set("loss", 0.25).media("h", Histogram::from_sequence(&[1.0, 2.0])?))?;
//! run.finish(0)?;
//! println!("{}", run.sync_command());
//!
//! let log = wb_run::RunLog::read(run.dir())?;
//! assert_eq!(log.history()?.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Map of the crate
//! - [`run`]: [`Run`] and [`RunBuilder`]: the run directory, `log` / `log_at` / `summary` /
//!   `config_update` / `finish`; `Run` is wb-core's [`wb_core::RunTarget`] (media binding,
//!   the automatic table artifacts, class-label config).
//! - [`row`]: [`Row`], what one `log` call logs.
//! - [`reader`]: [`RecordReader`] (record by record) and [`RunLog`] (history rows, summary,
//!   config rebuilt).
//! - [`proto`]: the `wandb_internal.Record` protobuf messages, with wandb's field numbers.
//! - [`framing`]: the `.wandb` block and chunk format ([`framing::LogWriter`],
//!   [`framing::LogReader`]).
//! - [`layout`]: folder names, the `latest-run` link, artifact staging.
//! - [`error`]: the [`Error`] type.
//!
//! ## What is written, and when
//! Like wandb-core, each finished step becomes three records: a summary with the whole-second
//! runtime, a summary of the step's leaves, and the history record (leaves flattened to
//! `nested_key` paths, values as Go-formatted JSON, with `_step`, `_runtime` and
//! `_timestamp`). Media files are announced by a files record before the step's history; a
//! logged table also writes its `run_table` artifact record. Each `log` call writes its records
//! with a single `write`, so a process killed at any moment leaves a log whose every complete
//! record reads back.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod error;
pub mod framing;
mod history;
pub mod layout;
pub mod proto;
pub mod reader;
pub mod row;
pub mod run;

pub use error::{Error, ReadError, Result};
pub use reader::{HistoryRow, RecordReader, RunLog};
pub use row::Row;
pub use run::{Run, RunBuilder};

/// Registers this family's decodable `_type`s (the run family adds none).
pub fn register(registry: &mut wb_core::Registry) {
    let _ = registry;
}
