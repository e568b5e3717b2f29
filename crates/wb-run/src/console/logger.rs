//! A `log` crate logger whose lines go to the run's console output.

use super::{ConsoleOut, Stream};
use crate::run::Run;
use std::sync::Arc;

/// A [`log`] logger that writes each record to the run's console output (an `output_raw`
/// record on stderr, as Python's `logging` writes, and a line of `output.log`) and echoes it
/// to the terminal's stderr, formatted as `LEVEL target: message`:
///
/// ```text
/// INFO  training: epoch 3 done, loss 0.120
/// ```
///
/// Lines logged after the run finished only reach the terminal. Install it as the process's
/// logger with [`ConsoleLogger::install`] (or `log::set_boxed_logger`):
///
/// ```no_run
/// let run = wb_run::Run::builder().with_project("demo").build()?;
/// wb_run::ConsoleLogger::new(&run)
///     .with_max_level(log::LevelFilter::Debug)
///     .install()?;
/// log::info!("starting");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ConsoleLogger {
    out: Option<Arc<ConsoleOut>>,
    max_level: log::LevelFilter,
    echo: bool,
}

impl ConsoleLogger {
    /// A logger for `run`'s console output, at level `Info` and above, echoing to stderr.
    pub fn new(run: &Run) -> ConsoleLogger {
        ConsoleLogger {
            out: run.console_hook().out(),
            max_level: log::LevelFilter::Info,
            echo: true,
        }
    }

    /// The most detailed level written (default `Info`).
    pub fn with_max_level(mut self, level: log::LevelFilter) -> Self {
        self.max_level = level;
        self
    }

    /// Whether lines are also written to the terminal's stderr (default `true`).
    pub fn with_echo(mut self, echo: bool) -> Self {
        self.echo = echo;
        self
    }

    /// The most detailed level written.
    pub fn max_level(&self) -> log::LevelFilter {
        self.max_level
    }

    /// Makes this the process's logger (`log::set_boxed_logger`) and sets `log`'s maximum
    /// level to this logger's. Fails when the process already has a logger.
    pub fn install(self) -> Result<(), log::SetLoggerError> {
        let level = self.max_level;
        log::set_boxed_logger(Box::new(self))?;
        log::set_max_level(level);
        Ok(())
    }
}

/// `LEVEL target: message` and a newline, the level padded to 5 characters.
fn format_line(record: &log::Record<'_>) -> String {
    format!(
        "{:<5} {}: {}\n",
        record.level(),
        record.target(),
        record.args()
    )
}

impl log::Log for ConsoleLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= self.max_level
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = format_line(record);
        if let Some(out) = &self.out {
            if self.echo {
                out.echo(Stream::Stderr, &line);
            }
            out.write(Stream::Stderr, &line);
        } else if self.echo {
            use std::io::Write;
            let _ = std::io::stderr().write_all(line.as_bytes());
        }
    }

    fn flush(&self) {}
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_are_level_target_message() {
        let line = super::format_line(
            &log::Record::builder()
                .level(log::Level::Warn)
                .target("train::loop")
                .args(format_args!("loss is {}", 0.5))
                .build(),
        );
        assert_eq!(line, "WARN  train::loop: loss is 0.5\n");
    }
}
