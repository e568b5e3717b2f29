//! Quickstart: one real W&B run with every media type.
//!
//! `cargo run --release --example quickstart [ROOT]` writes an offline run under
//! `ROOT/wandb/` (ROOT defaults to the current folder) and prints the `wb sync` command that
//! uploads it. With `WANDB_MODE=online` and a key (`WANDB_API_KEY` or `~/.netrc`), the same
//! program logs live through wandb-core, as `wandb.init()` does.
//!
//! Besides the media, the run carries what a Python run carries: system metrics and the
//! machine's metadata (sampled in the background), what the program prints (its Logs tab and
//! `output.log`), a metric with a custom x-axis and a min/last summary, a saved file and a
//! user artifact.
#![allow(clippy::print_stdout)]

use std::time::Duration;
use wb_types::ndarray::{Array2, Array3, Array5};
use wb_types::prelude::*;
use wb_types::{LogArtifactOptions, SaveOptions};

fn main() -> Result<()> {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".to_owned());
    // wandb.init(project=..., name=..., tags=..., config=...)
    let run = Run::builder()
        .with_dir(&root)
        .with_project("wb-types-quickstart")
        .with_name("rust-quickstart")
        .with_tags(["rust", "quickstart"])
        .with_config_value("lr", 0.001)
        .with_config_value("epochs", 3)
        // System metrics every 0.1 s, the shortest interval the SDK allows (its default is
        // 15 s; this run lasts about a second).
        .with_stats_interval(Duration::from_millis(100))
        // wandb.init(save_code=True): the repository's uncommitted changes as files/diff.patch
        // (nothing when the work tree is clean), read from .git without a git binary.
        .with_save_code(true)
        .build()?;

    // run.define_metric("loss", step_metric="epoch", summary="min,last"): a custom x-axis
    // and a best-value summary.
    run.define_metric("epoch", MetricOptions::default())?;
    run.define_metric(
        "loss",
        MetricOptions::default()
            .with_step_metric("epoch")
            .with_summary([Summary::Min, Summary::Last]),
    )?;

    // Scalars and a histogram at every step: wandb.log({"loss": ..., "weights": wandb.Histogram(...)})
    for step in 0..3u32 {
        let step = f64::from(step);
        let weights: Vec<f64> = (0..10_000)
            .map(|i| (f64::from(i) * 0.001 + step).sin())
            .collect();
        // A training step would run here; the pause lets the system metrics sample it.
        std::thread::sleep(Duration::from_millis(150));
        // Printed lines are captured as the run's console output, as the SDK captures them.
        println!("epoch {step}: loss {:.3}", 1.0 / (step + 1.0));
        run.log(
            Row::new()
                .with("epoch", step)
                .with("loss", 1.0 / (step + 1.0))
                .with("accuracy", 0.5 + 0.1 * step)
                .with("weights", Histogram::from_sequence(&weights)?),
        )?;
    }

    // An image with boxes and a mask, and a list of images.
    let pixels = Array3::from_shape_fn((64, 96, 3), |(y, x, c)| {
        ((x * 2 + y * 3 + c * 60) % 256) as u8
    });
    let labels = ClassLabels::from([(0, "background"), (1, "car"), (2, "road")]);
    let car = Box2D::from_min_max(0.1, 0.5, 0.2, 0.6)
        .with_class_id(1)
        .with_caption("car")
        .with_score("confidence", 0.92);
    let boxes = BoundingBoxes2D::from_boxes_with(
        [car],
        BoundingBoxes2DOptions::default().with_class_labels(labels.clone()),
    )?;
    let road = Array2::from_shape_fn((64, 96), |(y, _)| if y > 40 { 2u8 } else { 0 });
    let image = Image::from_array(pixels.view())?
        .with_caption("a synthetic street")
        .with_boxes("predictions", boxes)
        .with_mask(
            "segmentation",
            ImageMask::from_array(road.view())?.with_class_labels(labels),
        );
    // A channel-first (C, H, W) float buffer, as a framework's tensor holds it
    // (wandb.Image(torch_tensor)).
    let (h, w) = (24, 32);
    let chw: Vec<f32> = (0..3 * h * w)
        .map(|i| ((i % w) as f32 / w as f32) * 255.0)
        .collect();
    let from_tensor = Image::from_slice(&chw, [3, h, w], Layout::Chw)?.with_caption("CHW");
    let thumbs = (0..4u8)
        .map(|i| {
            Ok(
                Image::from_array(Array3::from_elem((16, 16, 3), i * 60).view())?
                    .with_caption(format!("thumb {i}")),
            )
        })
        .collect::<Result<Vec<_>>>()?;

    // One second of a 440 Hz tone, and 8 frames (T, C, H, W) of a moving gradient as a GIF.
    let tone: Vec<f32> = (0..16_000)
        .map(|i| (i as f32 * 440.0 * std::f32::consts::TAU / 16_000.0).sin() * 0.5)
        .collect();
    let audio = Audio::from_samples(&tone, 16_000)?.with_caption("440 Hz");
    let frames = Array5::from_shape_fn((1, 8, 3, 32, 32), |(_, t, c, y, x)| {
        ((x * 8 + t * 16 + c * 40 + y) % 256) as u8
    });
    let video = Video::from_array(frames.view())?.with_caption("gradient");

    // A point cloud scene with a box and a vector, and a molecule.
    let points = Array2::from_shape_fn((500, 3), |(i, d)| ((i * (d + 3)) % 97) as f64 / 10.0);
    let cube = box3d(
        [4.0, 4.0, 4.0],
        [2.0, 2.0, 2.0],
        [1.0, 0.0, 0.0, 0.0],
        triple(255, 0, 0),
    )?
    .with_label("cube");
    let arrow = Vector3D::new(triple(0, 0, 0), triple(4, 4, 4));
    let scene = Object3D::from_point_cloud(points.view(), &[cube], &[arrow])?;
    let atoms = [
        Atom::new("O", [0.0, 0.0, 0.0]),
        Atom::new("H", [0.96, 0.0, 0.0]),
        Atom::new("H", [-0.24, 0.93, 0.0]),
    ];
    let water = Molecule::from_atoms(&atoms, &[Bond::new(0, 1, 1), Bond::new(0, 2, 1)])?
        .with_caption("water");

    // HTML, a plotly figure, a model graph and a table with an image column.
    let html = Html::from_literal("<h1>Hello from Rust</h1><p>logged by wb-types</p>");
    let plot = Plotly::from_figure_json(
        r#"{"data": [{"type": "scatter", "x": [0, 1, 2], "y": [1.0, 0.5, 0.33]}], "layout": {"title": {"text": "loss"}}}"#,
    )?;
    let layer = |name: &str, shape: [usize; 2]| {
        Module::new(name, "Linear")
            .with_param("weight", shape)
            .with_param("bias", [shape[0]])
            .with_output_shape([1, shape[0]])
    };
    let model = Module::new("mlp", "Sequential")
        .with_child(layer("fc1", [32, 8]))
        .with_child(Module::new("act", "ReLU").with_output_shape([1, 32]))
        .with_child(layer("fc2", [2, 32]));
    let rows = (0..3i64)
        .map(|i| {
            let sample = Image::from_array(Array3::from_elem((8, 8, 3), (i * 80) as u8).view())?;
            let label = ["cat", "dog", "car"][i as usize];
            Ok(vec![
                Cell::Int(i),
                Cell::from(label),
                Cell::from(0.5 + i as f64 / 10.0),
                Cell::from_media(sample),
            ])
        })
        .collect::<Result<Vec<_>>>()?;
    let table = Table::from_rows(["id", "prediction", "score", "sample"], rows)?;
    let predictions = table.clone();

    run.log(
        Row::new()
            .with("street", image)
            .with("tensor", from_tensor)
            .with_media_list("thumbnails", thumbs)
            .with("tone", audio)
            .with("clip", video)
            .with("scene", scene)
            .with("molecule", water)
            .with("report", html)
            .with("plot", plot)
            .with("model", Graph::from_module_tree(&model))
            .with("predictions", table),
    )?;
    run.summary(Row::new().with("best_accuracy", 0.7))?;

    // wandb.save(path, policy="now"), and run.log_artifact(aliases=["v1"], tags=["quickstart"])
    // of a dataset with a file and a table.
    let notes = std::path::Path::new(&root).join("quickstart-notes.md");
    std::fs::write(&notes, "# quickstart\nlr 0.001, 3 epochs\n")
        .map_err(|e| wb_types::run::Error::io("writing", &notes, e))?;
    run.save_with(
        &notes,
        FilePolicy::Now,
        SaveOptions::default().with_base_path(&root),
    )?;
    let mut data =
        Artifact::new("quickstart-data", "dataset").with_description("the quickstart's inputs");
    data.add_file(&notes)?;
    data.add(&predictions, "predictions")?;
    run.log_artifact_with(
        data,
        LogArtifactOptions::default()
            .with_aliases(["v1"])
            .with_tags(["quickstart"]),
    )?;
    run.finish(0)?;

    match run.url() {
        Some(url) => println!("run uploaded: {url}"),
        None => println!(
            "wrote {}\nupload it with: wb sync {}",
            run.dir().display(),
            run.dir().display()
        ),
    }
    Ok(())
}
