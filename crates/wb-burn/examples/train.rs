//! Trains a small MLP on a generated two-arm spiral with burn's CPU backend, logging burn's
//! metrics to an offline W&B run (under `./wandb/`) through `wb_burn::WandbMetricLogger`,
//! and, from the same script, a histogram of the trained first layer's weights.
//!
//! `cargo run --release -p wb-burn --example train`, then `wandb sync <run folder>`.
#![allow(clippy::print_stdout)]

use std::sync::Arc;

use wb_core::Histogram;
use wb_run::{Mode, Row, Run};

#[path = "../tests/spiral/mod.rs"]
mod spiral;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let setup = spiral::Setup {
        epochs: 5,
        per_class: 512,
        batch_size: 32,
        hidden: 32,
        learning_rate: 1e-2,
        early_stopping: false,
    };
    let run = Arc::new(
        Run::builder()
            .with_project("wb-burn-spiral")
            .with_mode(Mode::Offline)
            .with_config_value("epochs", setup.epochs)
            .with_config_value("batch_size", setup.batch_size)
            .with_config_value("hidden", setup.hidden)
            .with_config_value("learning_rate", setup.learning_rate)
            .build()?,
    );
    let artifacts = std::env::temp_dir().join(format!("wb-burn-{}", run.id()));
    let (model, errors) = spiral::train(&run, setup, &artifacts);
    errors.check()?;

    // The same run, from the training script: anything else it wants to log.
    let weights: Vec<f64> = model.input_weights().into_iter().map(f64::from).collect();
    run.log(Row::new().with_media("weights/input", Histogram::from_sequence(&weights)?))?;
    run.finish(0)?;
    println!("run folder: {}", run.dir().display());
    println!("{}", run.sync_command());
    Ok(())
}
