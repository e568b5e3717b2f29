//! Quickstart: one real W&B run with every media type.
//!
//! `cargo run --release --example quickstart [ROOT]` writes an offline run under
//! `ROOT/wandb/` (ROOT defaults to the current folder) and prints the `wb sync` command that
//! uploads it. With `WANDB_MODE=online` and a key (`WANDB_API_KEY` or `~/.netrc`), the same
//! program logs live through wandb-core, as `wandb.init()` does.
#![allow(clippy::print_stdout)]

use wb_types::ndarray::{Array2, Array3, Array5};
use wb_types::prelude::*;

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
        .build()?;

    // Scalars and a histogram at every step: wandb.log({"loss": ..., "weights": wandb.Histogram(...)})
    for step in 0..3u32 {
        let step = f64::from(step);
        let weights: Vec<f64> = (0..10_000)
            .map(|i| (f64::from(i) * 0.001 + step).sin())
            .collect();
        run.log(
            Row::new()
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

    run.log(
        Row::new()
            .with("street", image)
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
