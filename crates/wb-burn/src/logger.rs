//! [`WandbMetricLogger`]: burn-train's `MetricLogger` writing to a `wb_run::Run`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use burn::train::logger::MetricLogger;
use burn::train::metric::store::{EpochSummary, MetricsUpdate, Split};
use burn::train::metric::{MetricDefinition, MetricId, MetricName, NumericEntry};
use wb_run::{MetricOptions, Row, Run};

/// burn-train's [`MetricLogger`] for a shared [`Run`]: batch rows and epoch rows in the run's
/// history, epoch aggregates in its summary (see the [crate docs](crate) for the keys).
///
/// Install it with `SupervisedTraining::with_metric_logger(logger)`; keep the `Arc<Run>` to
/// log anything else to the same run and to finish it.
pub struct WandbMetricLogger {
    run: Arc<Run>,
    names: HashMap<MetricId, MetricName>,
    /// The last update, written when the next call shows whether it ended an epoch.
    pending: Option<Pending>,
    /// Training batches seen, across epochs.
    iteration: u64,
    /// Numeric entries per (metric name, split, epoch), for burn's `read_numeric`.
    numeric: HashMap<(String, Split, usize), Vec<NumericEntry>>,
    /// The epoch aggregate keys already defined with `epoch` as their x-axis.
    epoch_keys: HashSet<String>,
    errors: LogErrors,
}

/// The splits' key globs, each charted against `iteration` (`define_metric("train/*",
/// step_metric="iteration")`).
const SPLIT_GLOBS: [&str; 3] = ["train/*", "valid/*", "test/*"];

struct Pending {
    update: MetricsUpdate,
    epoch: usize,
    split: Split,
}

impl WandbMetricLogger {
    /// A logger writing to `run`. It declares the run's x-axes with `define_metric`:
    /// `iteration` for every batch metric (`train/*`, `valid/*`, `test/*`) and `epoch` for
    /// each epoch aggregate (`train/epoch/Loss`, defined by its exact name when first
    /// written, so that it does not depend on which of two matching globs the server picks).
    pub fn new(run: Arc<Run>) -> Self {
        let errors = LogErrors::default();
        errors.record(run.define_metric("iteration", MetricOptions::default()));
        errors.record(run.define_metric("epoch", MetricOptions::default()));
        for glob in SPLIT_GLOBS {
            let axis = MetricOptions::default().with_step_metric("iteration");
            errors.record(run.define_metric(glob, axis));
        }
        Self {
            run,
            names: HashMap::new(),
            pending: None,
            iteration: 0,
            numeric: HashMap::new(),
            epoch_keys: HashSet::new(),
            errors,
        }
    }

    /// Declares `key` (an epoch aggregate) with `epoch` as its x-axis, once.
    fn define_epoch_key(&mut self, key: &str) {
        if self.epoch_keys.insert(key.to_owned()) {
            let axis = MetricOptions::default().with_step_metric("epoch");
            let result = self.run.define_metric(key, axis);
            self.errors.record(result);
        }
    }

    /// The run this logger writes to.
    pub fn run(&self) -> &Arc<Run> {
        &self.run
    }

    /// A handle on the errors met by logging calls; it stays usable after the logger has
    /// been moved into burn's learner.
    pub fn errors(&self) -> LogErrors {
        self.errors.clone()
    }

    /// Writes the pending update as a batch row (`end_of_epoch == false`) or as the epoch's
    /// aggregates (`true`).
    fn write_pending(&mut self, end_of_epoch: bool) {
        let Some(Pending {
            update,
            epoch,
            split,
        }) = self.pending.take()
        else {
            return;
        };
        let prefix = split_prefix(&split);
        let mut row = Row::new();
        let mut summary = Row::new();
        for entry in &update.entries {
            if entry.serialized_entry.is_not_available() {
                continue;
            }
            if let Some(name) = self.names.get(&entry.metric_id).cloned() {
                let text = entry.serialized_entry.serialized.clone();
                if end_of_epoch {
                    let key = format!("{prefix}/epoch/{name}");
                    self.define_epoch_key(&key);
                    row.insert(key, text.clone());
                    summary.insert(format!("{prefix}/{name}"), text);
                } else {
                    row.insert(format!("{prefix}/{name}"), text);
                }
            }
        }
        for numeric in &update.entries_numeric {
            let (Some(name), Some(value)) = (
                self.names.get(&numeric.entry.metric_id).cloned(),
                numeric.numeric_entry.as_ref(),
            ) else {
                continue;
            };
            let value = value.current();
            if end_of_epoch {
                let key = format!("{prefix}/epoch/{name}");
                self.define_epoch_key(&key);
                row.insert(key, value);
                summary.insert(format!("{prefix}/{name}"), value);
            } else {
                row.insert(format!("{prefix}/{name}"), value);
            }
        }
        if row.is_empty() {
            return;
        }
        row.insert("epoch", epoch);
        row.insert("iteration", self.iteration);
        let result = self.run.log(row).map(|_| ());
        self.errors.record(result);
        if end_of_epoch {
            summary.insert("epoch", epoch);
            let result = self.run.summary(summary);
            self.errors.record(result);
        }
    }

    /// Keeps the update's numeric entries for [`MetricLogger::read_numeric`], as burn's
    /// file logger stores them (their serialized form).
    fn keep_numeric(&mut self, update: &MetricsUpdate, epoch: usize, split: &Split) {
        for numeric in &update.entries_numeric {
            let serialized = &numeric.entry.serialized_entry;
            if serialized.is_not_available() {
                continue;
            }
            let (Some(name), Ok(entry)) = (
                self.names.get(&numeric.entry.metric_id),
                NumericEntry::deserialize(&serialized.serialized),
            ) else {
                continue;
            };
            self.numeric
                .entry((name.to_string(), split.clone(), epoch))
                .or_default()
                .push(entry);
        }
    }
}

impl MetricLogger for WandbMetricLogger {
    fn log(&mut self, update: MetricsUpdate, epoch: usize, split: &Split) {
        self.write_pending(false);
        self.keep_numeric(&update, epoch, split);
        // A training update is one more batch, unless it is the epoch's end-of-epoch update;
        // that is known only at the next call, so the count is taken back then.
        if *split == Split::Train {
            self.iteration += 1;
        }
        self.pending = Some(Pending {
            update,
            epoch,
            split: split.clone(),
        });
    }

    fn read_numeric(
        &mut self,
        name: &str,
        epoch: usize,
        split: &Split,
    ) -> Result<Vec<NumericEntry>, String> {
        Ok(self
            .numeric
            .get(&(name.to_owned(), split.clone(), epoch))
            .cloned()
            .unwrap_or_default())
    }

    fn log_metric_definition(&mut self, definition: MetricDefinition) {
        self.names.insert(definition.metric_id, definition.name);
    }

    fn log_epoch_summary(&mut self, summary: EpochSummary) {
        let ends_pending = self
            .pending
            .as_ref()
            .is_some_and(|p| p.split == summary.split);
        if ends_pending {
            if summary.split == Split::Train {
                // The end-of-epoch update was counted as a batch.
                self.iteration = self.iteration.saturating_sub(1);
            }
            self.write_pending(true);
        } else {
            self.write_pending(false);
        }
    }
}

impl Drop for WandbMetricLogger {
    fn drop(&mut self) {
        self.write_pending(false);
    }
}

/// `train`, `valid`, `test` or `test/<tag>`.
fn split_prefix(split: &Split) -> String {
    match split {
        Split::Test(Some(tag)) => format!("test/{tag}"),
        other => other.to_string(),
    }
}

/// The errors a [`WandbMetricLogger`]'s writes met (burn's logger calls cannot return them).
/// Clones share the same record.
#[derive(Clone, Default)]
pub struct LogErrors {
    inner: Arc<Mutex<ErrorState>>,
}

#[derive(Default)]
struct ErrorState {
    first: Option<wb_run::Error>,
    count: usize,
}

impl LogErrors {
    fn record(&self, result: wb_run::Result<()>) {
        if let Err(error) = result {
            let mut state = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            if state.count == 0 {
                eprintln!("wandb: WARNING burn metrics not logged: {error}");
            }
            state.count += 1;
            if state.first.is_none() {
                state.first = Some(error);
            }
        }
    }

    /// `Err` with the first error met since the last `check`, if any; `Ok(())` otherwise.
    pub fn check(&self) -> wb_run::Result<()> {
        let mut state = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        match state.first.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// How many logging calls failed since the logger was made.
    pub fn count(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .count
    }
}

impl std::fmt::Debug for LogErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogErrors")
            .field("count", &self.count())
            .finish()
    }
}

impl std::fmt::Debug for WandbMetricLogger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WandbMetricLogger")
            .field("run", &self.run.id())
            .field("iteration", &self.iteration)
            .finish_non_exhaustive()
    }
}
