//! # wb-burn
//!
//! [burn](https://burn.dev)'s training metrics logged to a W&B run: [`WandbMetricLogger`]
//! implements burn-train's [`MetricLogger`] for a shared [`wb_run::Run`], so a
//! `SupervisedTraining` writes its train and validation metrics into the run's history and
//! summary, while the training script keeps the same run (an `Arc<Run>`) to log images,
//! tables and histograms from its own loop.
//!
//! ```no_run
//! use std::sync::Arc;
//! use wb_burn::WandbMetricLogger;
//! use wb_run::{Mode, Row, Run};
//!
//! let run = Arc::new(Run::builder().with_project("spiral").with_mode(Mode::Offline).build()?);
//! let logger = WandbMetricLogger::new(Arc::clone(&run));
//! let errors = logger.errors();
//! // SupervisedTraining::new(dir, train_loader, valid_loader)
//! //     .metrics((AccuracyMetric::new(), LossMetric::new()))
//! //     .with_metric_logger(logger)
//! //     .launch(learner);
//! errors.check()?; // the first error a logging call met, if any
//! run.log(Row::new().with("note", "after training"))?;
//! run.finish(0)?;
//! # Ok::<(), wb_run::Error>(())
//! ```
//!
//! ## What is logged
//! Metric names are burn's (`Loss`, `Accuracy`, ...), prefixed by the split: `train/`,
//! `valid/`, `test/` (`test/<tag>/` for a tagged test split).
//! - Each batch: one history row with the batch's value of every numeric metric
//!   (`train/Loss`), the text of every other metric, and two axes: `epoch` (burn's epoch
//!   number, from 1) and `iteration` (the training batches this logger has seen, across
//!   epochs; validation rows carry the iteration of the model they evaluate). Metrics without
//!   a batch value (AUROC, ...) are left out of batch rows.
//! - Each split's end of epoch: one history row with the epoch's aggregated values
//!   (`train/epoch/Loss`), and the same values set into the run summary under the batch keys
//!   (`train/Loss`), with `epoch`, so the run's summary shows the last epoch's aggregates.
//! - The x-axes, declared with `define_metric` when the logger is made: `iteration` for every
//!   batch metric (`train/*`, `valid/*`, `test/*`) and `epoch` for each epoch aggregate
//!   (`train/epoch/Loss`, defined by its exact name when first written), so W&B charts batch
//!   metrics against iterations and epoch aggregates against epochs.
//!
//! The logger sees each update one call late (it is the end-of-epoch update when burn's epoch
//! summary follows it), so a batch row is written when the next update arrives.
//!
//! burn also reads metrics back through its loggers (early stopping and metric-based
//! checkpointing): the logger keeps the numeric entries in memory and answers those reads, so
//! it can be the only logger.
//!
//! ## Errors
//! burn's `MetricLogger` methods cannot return errors: a failed write (the run was finished,
//! a disk error) is kept, reported once on stderr, and returned by [`LogErrors::check`].
#![warn(missing_docs)]

mod logger;

pub use logger::{LogErrors, WandbMetricLogger};

/// burn-train's metric logger trait, which [`WandbMetricLogger`] implements.
pub use burn::train::logger::MetricLogger;
