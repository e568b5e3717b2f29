//! A `tracing` layer whose events go to the run's console output.

use super::{ConsoleOut, Stream};
use crate::run::Run;
use std::fmt::Write as _;
use std::sync::Arc;
use tracing_core::field::{Field, Visit};
use tracing_core::{Event, Level, Subscriber};
use tracing_subscriber::layer::Context;

/// A [`tracing_subscriber::Layer`] that writes each event to the run's console output (an
/// `output_raw` record on stderr and a line of `output.log`), formatted as
/// `LEVEL target: message key=value ...`:
///
/// ```text
/// INFO  training: epoch done epoch=3 loss=0.12
/// ```
///
/// It does not echo to the terminal: stack it with `tracing_subscriber::fmt::layer()` for
/// that. Events after the run finished are dropped.
///
/// ```ignore
/// use tracing_subscriber::prelude::*;
/// let run = wb_run::Run::builder().with_project("demo").build()?;
/// tracing_subscriber::registry()
///     .with(wb_run::ConsoleLayer::new(&run))
///     .with(tracing_subscriber::fmt::layer())
///     .init();
/// tracing::info!(epoch = 3, "epoch done");
/// ```
#[derive(Debug, Clone)]
pub struct ConsoleLayer {
    out: Option<Arc<ConsoleOut>>,
    max_level: Level,
}

impl ConsoleLayer {
    /// A layer for `run`'s console output, for events at level `INFO` and above.
    pub fn new(run: &Run) -> ConsoleLayer {
        ConsoleLayer {
            out: run.console_hook().out(),
            max_level: Level::INFO,
        }
    }

    /// The most detailed level written (default `INFO`).
    pub fn with_max_level(mut self, level: Level) -> Self {
        self.max_level = level;
        self
    }

    /// The most detailed level written.
    pub fn max_level(&self) -> Level {
        self.max_level
    }
}

/// The event's `message` and its other fields as ` key=value`.
#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }
}

/// `LEVEL target: message key=value` and a newline, the level padded to 5 characters.
fn format_line(event: &Event<'_>) -> String {
    let mut fields = Fields::default();
    event.record(&mut fields);
    let meta = event.metadata();
    let text = format!("{}{}", fields.message, fields.rest);
    format!(
        "{:<5} {}: {}\n",
        meta.level(),
        meta.target(),
        text.trim_start()
    )
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for ConsoleLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        // `Level`'s order: TRACE is the greatest.
        if *event.metadata().level() > self.max_level {
            return;
        }
        if let Some(out) = &self.out {
            out.write(Stream::Stderr, &format_line(event));
        }
    }
}
