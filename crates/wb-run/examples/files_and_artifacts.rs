//! Saves files with a run (`run.save` with the `now`, `live` and `end` policies) and logs a
//! user artifact (files, a folder and a table, with a description and metadata), offline;
//! `wb sync <run dir>` (or `wandb sync`) then uploads both.
//!
//! ```sh
//! cargo run -p wb-run --example files_and_artifacts [ROOT]
//! ```
#![allow(clippy::print_stdout)]

use wb_core::{Artifact, json_map};
use wb_run::{FilePolicy, Row, Run, SaveOptions};
use wb_table::Table;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    // Some files to save: a config, checkpoints, a dataset folder.
    let work = root.join("files-example");
    std::fs::create_dir_all(work.join("checkpoints"))?;
    std::fs::create_dir_all(work.join("dataset/images"))?;
    std::fs::write(work.join("hparams.yaml"), "lr: 0.001\nlayers: 4\n")?;
    std::fs::write(work.join("dataset/labels.csv"), "id,label\n0,cat\n1,dog\n")?;
    std::fs::write(work.join("dataset/images/0.txt"), "pixels of a cat\n")?;
    std::fs::write(work.join("dataset/images/1.txt"), "pixels of a dog\n")?;

    let run = Run::builder()
        .with_dir(&root)
        .with_project("wb-run-example")
        .with_mode(wb_run::Mode::Offline)
        .with_name("files-and-artifacts")
        .build()?;

    // Paths in the run's files/ folder are relative to the base path (default: the current
    // folder): these become files/hparams.yaml and files/checkpoints/epoch-<n>.bin.
    let here = SaveOptions::default().with_base_path(&work);
    run.save_with(work.join("hparams.yaml"), FilePolicy::Now, here.clone())?;
    for epoch in 0..3u8 {
        std::fs::write(
            work.join(format!("checkpoints/epoch-{epoch}.bin")),
            [epoch; 16],
        )?;
        run.log(Row::new().with("loss", 1.0 / f64::from(epoch + 1)))?;
    }
    // A glob saves every match; `end` uploads them when the run finishes.
    let saved = run.save_with(work.join("checkpoints/*.bin"), FilePolicy::End, here)?;
    println!(
        "saved {} checkpoints into {}",
        saved.len(),
        run.dir().display()
    );

    // A user artifact: a file, a folder and a table, as `wandb.Artifact` builds them.
    let mut dataset = Artifact::new("pets", "dataset")
        .with_description("two labelled pets")
        .with_metadata(json_map! {"rows" => 2, "source" => "example"});
    dataset.add_file(work.join("dataset/labels.csv"))?;
    dataset.add_dir_as(work.join("dataset/images"), "images")?;
    let table = Table::from_rows(
        ["id", "label"],
        vec![vec![0.into(), "cat".into()], vec![1.into(), "dog".into()]],
    )?;
    dataset.add(&table, "labels")?;
    run.log_artifact(dataset)?;

    run.finish(0)?;
    println!("upload with: wb sync {}", run.dir().display());
    Ok(())
}
