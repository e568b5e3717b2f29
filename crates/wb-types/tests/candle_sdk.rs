//! The candle path against the SDK. For the conformance cases in which the SDK is given a torch
//! tensor (`tests/conformance/cases/*torch*.json`, `{"$torch": ...}`), a candle tensor of the
//! same data through `from_tensor`, and its flat data through `from_slice` with the layout the
//! SDK's torch path reads, must write what the SDK wrote: the same JSON and the same file, byte
//! for byte (the cases' golden copies, `tests/conformance/golden/<case>/`, blessed from
//! wandb 0.31.0).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use wb_cases::args::{Arg, NdArray, decode};
use wb_types::candle_core::{Device, Tensor};
use wb_types::core::internal::value::val_to_json;
use wb_types::core::json::{self, Value};
use wb_types::{
    Audio, DirRun, Histogram, HistogramOptions, Image, ImageMode, ImageOptions, Layout, LogValue,
    Step, Video, VideoFormat, VideoOptions,
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The case's step and the `$torch` argument `arg` of the value logged under `key`.
fn torch_arg(case: &str, key: &str, arg: &str) -> (i64, NdArray) {
    let dir = repo().join("tests/conformance/cases");
    let text = std::fs::read_to_string(dir.join(format!("{case}.json"))).unwrap();
    let case_json = json::parse(&text).unwrap();
    let step = case_json.get("step").and_then(Value::as_i64).unwrap_or(0);
    let value = case_json.get("log").and_then(|l| l.get(key)).unwrap();
    let Arg::Wb { args, .. } = decode(value, &dir).unwrap() else {
        panic!("{case}: {key} is not a data type")
    };
    match args.get(arg) {
        Some(Arg::Torch(nd)) => (step, nd.clone()),
        other => panic!("{case}: {arg} is not a $torch value: {other:?}"),
    }
}

/// A CPU candle tensor of the `$torch` value's dtype, shape and data.
fn tensor(nd: &NdArray) -> Tensor {
    let cpu = &Device::Cpu;
    let shape = nd.shape.clone();
    match nd.dtype.as_str() {
        "uint8" => {
            let v: Vec<u8> = nd.as_i64().unwrap().into_iter().map(|x| x as u8).collect();
            Tensor::from_vec(v, shape, cpu)
        }
        "int64" => Tensor::from_vec(nd.as_i64().unwrap(), shape, cpu),
        "float32" => {
            let v: Vec<f32> = nd.as_f64().unwrap().into_iter().map(|x| x as f32).collect();
            Tensor::from_vec(v, shape, cpu)
        }
        "float64" => Tensor::from_vec(nd.as_f64().unwrap(), shape, cpu),
        other => panic!("no candle dtype for {other}"),
    }
    .unwrap()
}

fn f32s(nd: &NdArray) -> Vec<f32> {
    nd.as_f64().unwrap().into_iter().map(|x| x as f32).collect()
}

/// The JSON `value` is logged as under `key` at `step`, and the bytes of the file it names.
fn logged(key: &str, step: i64, value: LogValue) -> (Value, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let run = DirRun::new(dir.path());
    let json = val_to_json(&run, key, &value, Step::Num(step)).unwrap();
    let path = json.get("path").and_then(Value::as_str).unwrap().to_owned();
    (json, std::fs::read(dir.path().join(path)).unwrap())
}

/// The SDK's JSON for `key` in `case` and the bytes of the file it names.
fn sdk(case: &str, key: &str) -> (Value, Vec<u8>) {
    let golden = repo().join("tests/conformance/golden").join(case);
    let result =
        json::parse(&std::fs::read_to_string(golden.join("result.json")).unwrap()).unwrap();
    assert_eq!(result.get("status").and_then(Value::as_str), Some("ok"));
    let json = result
        .get("result")
        .and_then(|r| r.get(key))
        .unwrap()
        .clone();
    let path = json.get("path").and_then(Value::as_str).unwrap().to_owned();
    (json, std::fs::read(golden.join(path)).unwrap())
}

fn assert_same(case: &str, ours: (Value, Vec<u8>), sdk: &(Value, Vec<u8>)) {
    assert_eq!(ours.0, sdk.0, "{case}: JSON");
    assert!(ours.1 == sdk.1, "{case}: the file differs from the SDK's");
}

#[test]
fn chw_images_from_candle_and_from_slice_equal_the_sdks_files() {
    for case in [
        "image_torch_chw_f32",
        "image_torch_chw_uint8",
        "image_torch_chw_int64",
        "image_torch_chw_gray",
        "image_torch_chw_rgba",
        "image_torch_chw_one_row",
    ] {
        let (step, nd) = torch_arg(case, "img", "data_or_path");
        let expected = sdk(case, "img");
        let t = tensor(&nd);
        let from_tensor = Image::from_tensor(&t).unwrap();
        assert_same(case, logged("img", step, from_tensor.into()), &expected);
        let from_slice = match nd.dtype.as_str() {
            "uint8" => {
                let v: Vec<u8> = nd.as_i64().unwrap().into_iter().map(|x| x as u8).collect();
                Image::from_slice(&v, &nd.shape, Layout::Chw)
            }
            "int64" => Image::from_slice(&nd.as_i64().unwrap(), &nd.shape, Layout::Chw),
            _ => Image::from_slice(&f32s(&nd), &nd.shape, Layout::Chw),
        }
        .unwrap();
        assert_same(case, logged("img", step, from_slice.into()), &expected);
    }
}

#[test]
fn a_given_mode_applies_to_a_tensor() {
    let case = "image_torch_chw_mode_given";
    let (step, nd) = torch_arg(case, "img", "data_or_path");
    let gray = ImageOptions::default().with_mode(ImageMode::L);
    let img = Image::from_tensor_with(&tensor(&nd), gray).unwrap();
    assert_same(case, logged("img", step, img.into()), &sdk(case, "img"));
}

#[test]
fn audio_and_histograms_from_candle_equal_the_sdks() {
    for case in ["audio_torch_stereo", "audio_torch_mono"] {
        let (step, nd) = torch_arg(case, "aud", "data_or_path");
        let rate = match sample_rate(case) {
            Some(r) => r,
            None => panic!("{case}: no sample_rate"),
        };
        let clip = Audio::from_tensor(&tensor(&nd), rate).unwrap();
        assert_same(case, logged("aud", step, clip.into()), &sdk(case, "aud"));
    }
    let case = "core_histogram_torch";
    let (step, nd) = torch_arg(case, "h", "sequence");
    let h = Histogram::from_tensor_with(&tensor(&nd), HistogramOptions::default().with_num_bins(8))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ours = val_to_json(&DirRun::new(dir.path()), "h", &h.into(), Step::Num(step)).unwrap();
    let golden = repo().join("tests/conformance/golden").join(case);
    let result =
        json::parse(&std::fs::read_to_string(golden.join("result.json")).unwrap()).unwrap();
    assert_eq!(Some(&ours), result.get("result").and_then(|r| r.get("h")));
}

/// The `sample_rate` argument of the `aud` value of `case`.
fn sample_rate(case: &str) -> Option<u32> {
    let dir = repo().join("tests/conformance/cases");
    let text = std::fs::read_to_string(dir.join(format!("{case}.json"))).ok()?;
    let case_json = json::parse(&text).ok()?;
    let rate = case_json
        .get("log")?
        .get("aud")?
        .get("args")?
        .get("sample_rate")?
        .as_i64()?;
    u32::try_from(rate).ok()
}

#[test]
fn candle_videos_equal_the_slice_path() {
    // GIF bytes are not the SDK's (a different encoder; the conformance run compares frames):
    // the candle path must write exactly what from_slice writes.
    for (case, layout) in [
        ("video_torch_tchw", Layout::Tchw),
        ("video_torch_btchw", Layout::Btchw),
    ] {
        let (_, nd) = torch_arg(case, "vid", "data_or_path");
        let options = VideoOptions::default().with_format(VideoFormat::Gif);
        let from_tensor = Video::from_tensor_with(&tensor(&nd), options).unwrap();
        let from_slice = match nd.dtype.as_str() {
            "uint8" => {
                let v: Vec<u8> = nd.as_i64().unwrap().into_iter().map(|x| x as u8).collect();
                Video::from_slice_with(&v, &nd.shape, layout, options)
            }
            _ => Video::from_slice_with(&f32s(&nd), &nd.shape, layout, options),
        }
        .unwrap();
        assert!(
            from_tensor.file().bytes().unwrap() == from_slice.file().bytes().unwrap(),
            "{case}"
        );
    }
}

#[test]
fn non_contiguous_and_half_tensors_are_read() {
    let cpu = &Device::Cpu;
    let hwc = Tensor::arange(0f32, 2.0 * 3.0 * 3.0, cpu)
        .unwrap()
        .affine(13.0, 0.0)
        .unwrap()
        .reshape((2, 3, 3))
        .unwrap();
    // A permuted (strided) view and its bf16 copy: the same image as the contiguous data.
    let chw = hwc.permute((2, 0, 1)).unwrap();
    let flat: Vec<f32> = chw
        .contiguous()
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    let expected = Image::from_slice(&flat, [3, 2, 3], Layout::Chw).unwrap();
    let bytes = |i: &Image| i.file().bytes().unwrap().to_vec();
    assert_eq!(bytes(&Image::from_tensor(&chw).unwrap()), bytes(&expected));
    let bf16 = chw.to_dtype(wb_types::candle_core::DType::BF16).unwrap();
    assert_eq!(bytes(&Image::from_tensor(&bf16).unwrap()), bytes(&expected));
    let h = Histogram::from_tensor_with(&hwc, HistogramOptions::default().with_num_bins(4));
    assert!(h.is_ok());
    assert!(
        Audio::from_tensor(
            &Tensor::zeros(4, wb_types::candle_core::DType::I64, cpu).unwrap(),
            8000
        )
        .is_err()
    );
}
