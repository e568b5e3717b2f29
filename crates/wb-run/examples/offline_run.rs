//! Writes one offline run with scalars, a histogram, HTML, nested values, a list of HTML
//! pages, summary values and a config update, then prints where it is and how to upload it.
//!
//! ```sh
//! cargo run -p wb-run --example offline_run [ROOT]
//! ```
#![allow(clippy::print_stdout)]

use wb_core::json_map;
use wb_core::{Histogram, Html};
use wb_run::{Row, Run};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let run = Run::builder()
        .with_dir(&root)
        .with_project("wb-run-example")
        .with_mode(wb_run::Mode::Offline)
        .with_name("offline-run-example")
        .with_tags(["rust", "example"])
        .with_config(
            json_map! {"lr" => 0.001, "model" => json_map! {"layers" => 4, "act" => "relu"}},
        )
        .build()?;

    for step in 0..20u32 {
        let x = f64::from(step);
        let weights: Vec<f64> = (0..1000).map(|i| (f64::from(i) * 0.01 + x).sin()).collect();
        let mut row = Row::new()
            .with("loss", 1.0 / (x + 1.0))
            .with("accuracy", 1.0 - 0.5 / (x + 1.0))
            .with("phase", if step < 10 { "warmup" } else { "train" })
            .with_media(
                "weights",
                Histogram::from_sequence_with(
                    &weights,
                    wb_core::HistogramOptions::default().with_num_bins(32),
                )?,
            )
            .with(
                "eval",
                Row::new()
                    .with("loss", 1.2 / (x + 1.0))
                    .with("per_class", Row::new().with("cat", 0.5).with("dog", 0.25)),
            );
        if step % 5 == 0 {
            row = row
                .with_media(
                    "report",
                    Html::from_literal(&format!(
                        "<h1>Step {step}</h1><p>loss {:.3}</p>",
                        1.0 / (x + 1.0)
                    )),
                )
                .with_media_list(
                    "pages",
                    (0..3).map(|i| {
                        Html::from_literal_with(
                            &format!("<p>page {i} of step {step}</p>"),
                            wb_core::HtmlOptions::default().with_inject(false),
                        )
                    }),
                );
        }
        run.log(row)?;
    }
    run.summary(
        Row::new()
            .with("best_accuracy", 0.975)
            .with("best_step", 19),
    )?;
    run.config_update(json_map! {"batch_size" => 64})?;
    run.finish(0)?;

    println!("wrote {}", run.dir().display());
    println!("upload it with: {}", run.sync_command());
    Ok(())
}
