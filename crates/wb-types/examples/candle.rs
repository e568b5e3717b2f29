//! Logging candle tensors: an image, a mask, a video, audio, a histogram of weights and a
//! point cloud, each straight from a `candle_core::Tensor` on the CPU, converted as the
//! Python SDK converts the same torch tensor.
//!
//! `cargo run --example candle --features candle,image,video,audio,object3d,run [ROOT]` writes
//! an offline run under `ROOT/wandb/` (ROOT defaults to the current folder).
#![allow(clippy::print_stdout)]

use wb_types::candle_core::{DType, Device, Tensor};
use wb_types::prelude::*;

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".to_owned());
    let run = Run::builder()
        .with_dir(&root)
        .with_project("wb-types-candle")
        .with_mode(Mode::Offline)
        .build()?;
    let cpu = Device::Cpu;

    // A C×H×W float image with values in 0..255: wandb.Image(tensor) casts to uint8.
    let n = 3 * 48 * 64;
    let rgb = Tensor::arange(0f32, n as f32, &cpu)?
        .reshape((3, 48, 64))?
        .affine(255.0 / n as f64, 0.0)?;
    let image = Image::from_tensor(&rgb)?.with_caption("a C×H×W f32 tensor");

    // A model's output in [0, 1]: the 0.31 cast makes it black; the old scaling maps 1.0 to 255.
    let probs = (&rgb / 255.0)?;
    let scaled = Image::from_tensor_with(
        &probs,
        ImageOptions::default().with_pixel_scaling(PixelScaling::Legacy),
    )?;

    // A segmentation mask (H×W class ids) on the image.
    let mask = rgb.get(0)?.ge(40.0)?.to_dtype(DType::U8)?;
    let image = image.with_mask("segmentation", ImageMask::from_tensor(&mask)?);

    // A T×C×H×W clip (uint8), a T×C audio tensor, weights, and an N×3 point cloud.
    let frames = Tensor::zeros((8, 3, 32, 32), DType::U8, &cpu)?.broadcast_add(
        &Tensor::arange(0u8, 8, &cpu)?
            .reshape((8, 1, 1, 1))?
            .affine(30.0, 0.0)?,
    )?;
    let video = Video::from_tensor(&frames)?;
    let t = Tensor::arange(0f32, 8000.0, &cpu)?;
    let tone = (t
        .affine(2.0 * std::f64::consts::PI * 440.0 / 8000.0, 0.0)?
        .sin()?
        * 0.5)?;
    let audio = Audio::from_tensor(&tone, 8000)?;
    let weights = Tensor::randn(0f32, 1.0, (64, 64), &cpu)?;
    let histogram = Histogram::from_tensor(&weights)?;
    let points = Tensor::randn(0f64, 1.0, (500, 3), &cpu)?;
    let cloud = Object3D::from_tensor(&points)?;

    run.log(
        Row::new()
            .with("image", image)
            .with("scaled", scaled)
            .with("video", video)
            .with("audio", audio)
            .with("weights", histogram)
            .with("cloud", cloud),
    )?;
    run.finish(0)?;
    println!("wrote an offline run under {root}/wandb/");
    Ok(())
}
