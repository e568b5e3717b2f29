//! Quickstart: writes one real offline W&B run with every media type, then prints its folder
//! and the `wandb sync` command that would upload it.
//!
//! `cargo run --release --example quickstart [ROOT]` (ROOT defaults to the current folder; the
//! run goes to `ROOT/wandb/offline-run-YYYYMMDD_HHMMSS-<id>/`, as the Python SDK puts it).
#![allow(clippy::print_stdout)]

use ndarray::{Array2, Array3, Array5};
use wb_types::audio::Audio;
use wb_types::graph::{Graph, Module};
use wb_types::image::{
    BoundingBoxes2D, BoundingBoxes2DOptions, Box2D, ClassLabels, Image, ImageMask,
};
use wb_types::object3d::{Atom, Bond, Molecule, Object3D, Vector3D, box3d, triple};
use wb_types::run::{Row, Run, RunLog};
use wb_types::table::{Cell, Table};
use wb_types::video::Video;
use wb_types::{Histogram, Html, Plotly};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".to_owned());
    let run = Run::builder()
        .with_dir(&root)
        .with_project("wb-types-quickstart")
        .with_name("rust-quickstart")
        .with_tags(["rust", "quickstart"])
        .with_config_value("lr", 0.001)
        .with_config_value("epochs", 3)
        .build()?;

    // Scalars and a histogram at every step.
    for step in 0..3u32 {
        let weights: Vec<f64> = (0..10_000)
            .map(|i| (f64::from(i) * 0.001 + f64::from(step)).sin())
            .collect();
        run.log(
            Row::new()
                .with("loss", 1.0 / f64::from(step + 1))
                .with("accuracy", 0.5 + 0.1 * f64::from(step))
                .with_media("weights", Histogram::from_sequence(&weights)?),
        )?;
    }

    // An image with boxes and a mask, and a list of images.
    let (h, w) = (64, 96);
    let pixels = Array3::from_shape_fn((h, w, 3), |(y, x, c)| {
        ((x * 2 + y * 3 + c * 60) % 256) as u8
    });
    let labels = ClassLabels::from([(0, "background"), (1, "car"), (2, "road")]);
    let boxes = BoundingBoxes2D::from_boxes_with(
        [Box2D::from_min_max(0.1, 0.5, 0.2, 0.6)
            .with_class_id(1)
            .with_caption("car")
            .with_score("confidence", 0.92)],
        BoundingBoxes2DOptions::default().with_class_labels(labels.clone()),
    )?;
    let mask_data = Array2::from_shape_fn((h, w), |(y, _)| if y > 40 { 2u8 } else { 0 });
    let mask = ImageMask::from_array(mask_data.view())?.with_class_labels(labels.clone());
    let image = Image::from_array(pixels.view())?
        .with_caption("a synthetic street")
        .with_boxes("predictions", boxes)
        .with_mask("segmentation", mask);
    let thumbs: Vec<Image> = (0..4u8)
        .map(|i| {
            Image::from_array(Array3::from_elem((16, 16, 3), i * 60).view())
                .map(|img| img.with_caption(format!("thumb {i}")))
        })
        .collect::<Result<_, _>>()?;

    // Audio: one second of a 440 Hz tone.
    let tone: Vec<f32> = (0..16_000)
        .map(|i| (i as f32 * 440.0 * std::f32::consts::TAU / 16_000.0).sin() * 0.5)
        .collect();
    let audio = Audio::from_samples(&tone, 16_000)?.with_caption("440 Hz");

    // Video: 8 frames of a moving gradient (T, C, H, W), batch of 1, as a GIF.
    let frames = Array5::from_shape_fn((1, 8, 3, 32, 32), |(_, t, c, y, x)| {
        ((x * 8 + t * 16 + c * 40 + y) % 256) as u8
    });
    let video = Video::from_array(frames.view())?.with_caption("gradient");

    // A point cloud scene with a box, and a molecule.
    let points = Array2::from_shape_fn((500, 3), |(i, d)| ((i * (d + 3)) % 97) as f64 / 10.0);
    let cube = box3d(
        [4.0, 4.0, 4.0],
        [2.0, 2.0, 2.0],
        [1.0, 0.0, 0.0, 0.0],
        triple(255, 0, 0),
    )?
    .with_label("cube");
    let scene = Object3D::from_point_cloud(
        points.view(),
        &[cube],
        &[Vector3D::new(triple(0, 0, 0), triple(4, 4, 4))],
    )?;
    let water = Molecule::from_atoms(
        &[
            Atom::new("O", [0.0, 0.0, 0.0]),
            Atom::new("H", [0.96, 0.0, 0.0]),
            Atom::new("H", [-0.24, 0.93, 0.0]),
        ],
        &[Bond::new(0, 1, 1), Bond::new(0, 2, 1)],
    )?
    .with_caption("water");

    // HTML, a plotly figure, a model graph and a table.
    let html = Html::from_literal("<h1>Hello from Rust</h1><p>logged by wb-types</p>");
    let figure = wb_types::core::json::parse(
        r#"{"data": [{"type": "scatter", "x": [0, 1, 2], "y": [1.0, 0.5, 0.33], "name": "loss"}], "layout": {"title": {"text": "loss"}}}"#,
    )?;
    let plot = Plotly::from_figure(&figure)?;
    let model = Module::new("mlp", "Sequential")
        .with_child(
            Module::new("fc1", "Linear")
                .with_param("weight", [32, 8])
                .with_param("bias", [32])
                .with_output_shape([1, 32]),
        )
        .with_child(Module::new("act", "ReLU").with_output_shape([1, 32]))
        .with_child(
            Module::new("fc2", "Linear")
                .with_param("weight", [2, 32])
                .with_param("bias", [2])
                .with_output_shape([1, 2]),
        );
    let graph = Graph::from_module_tree(&model);
    let table = Table::from_rows(
        ["id", "prediction", "score", "ok", "sample"],
        (0..3i64)
            .map(|i| {
                let img = Image::from_array(Array3::from_elem((8, 8, 3), (i * 80) as u8).view())?;
                Ok(vec![
                    Cell::Int(i),
                    Cell::from(["cat", "dog", "car"][i as usize]),
                    Cell::from(0.5 + i as f64 / 10.0),
                    Cell::from(i % 2 == 0),
                    Cell::from_media(img),
                ])
            })
            .collect::<Result<Vec<_>, wb_types::core::Error>>()?,
    )?;

    run.log(
        Row::new()
            .with_media("street", image)
            .with_media_list("thumbnails", thumbs)
            .with_media("tone", audio)
            .with_media("clip", video)
            .with_media("scene", scene)
            .with_media("molecule", water)
            .with_media("report", html)
            .with_media("plot", plot)
            .with_media("model", graph)
            .with_media("predictions", table),
    )?;
    run.summary(Row::new().with("best_accuracy", 0.7))?;
    run.finish(0)?;

    let log = RunLog::read(run.dir())?;
    println!(
        "wrote {} history rows to {}",
        log.history()?.len(),
        run.dir().display()
    );
    println!("upload it with: {}", run.sync_command());
    Ok(())
}
