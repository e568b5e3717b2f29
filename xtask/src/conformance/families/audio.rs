//! Conformance builders for the audio family: `Audio`, mapped to the calls a Rust user makes
//! (`Audio::from_array(view, rate)`, `Audio::from_path(p)`, `.with_caption(c)`).

use super::{Built, Ctx};
use crate::conformance::args::{Arg, Args, NdArray, unmapped};
use wb_types::LogValue;
use wb_types::audio::Audio;
use wb_types::core::Layout;
use wb_types::core::json::Value;
use wb_types::core::ndarray::{ArrayD, IxDyn};

/// The SDK's error for raw data without a sample rate (a Rust caller always passes one).
const MISSING_SAMPLE_RATE: &str =
    "Argument \"sample_rate\" is required when instantiating wandb.Audio with raw data.";

/// Maps `Audio` to our API; `None` for other classes.
pub fn build(class: &str, args: &Args, _ctx: &Ctx<'_>) -> Built {
    match class {
        "Audio" => Some(audio(args).map(LogValue::media)),
        _ => None,
    }
}

fn audio(args: &Args) -> Result<Audio, String> {
    args.only("Audio", &["data_or_path", "sample_rate", "caption"])?;
    let rate = match args.get("sample_rate") {
        None | Some(Arg::Json(Value::Null)) => None,
        Some(Arg::Json(v)) => Some(
            v.as_i64()
                .ok_or_else(|| unmapped("sample_rate must be an integer"))
                .and_then(|r| {
                    u32::try_from(r).map_err(|_| format!("sample rate {r} is not allowed"))
                })?,
        ),
        Some(other) => {
            return Err(unmapped(format!(
                "sample_rate must be an integer, got {other:?}"
            )));
        }
    };
    let clip = match args.get("data_or_path") {
        Some(Arg::File(p)) => Audio::from_path(p).map_err(|e| e.to_string())?,
        Some(Arg::Json(Value::Str(s))) => Audio::from_path(s).map_err(|e| e.to_string())?,
        Some(Arg::NdArray(nd)) => from_ndarray(nd, rate)?,
        Some(Arg::Torch(nd)) => from_torch(nd, rate)?,
        // A Python list: soundfile makes it a float64 array (or int64, which it refuses).
        Some(Arg::Json(Value::Array(items))) => {
            let nd = NdArray {
                dtype: if items.iter().all(|v| matches!(v, Value::Int(_))) {
                    "int64".into()
                } else {
                    "float64".into()
                },
                shape: vec![items.len()],
                data: items.clone(),
            };
            from_ndarray(&nd, rate)?
        }
        other => {
            return Err(unmapped(format!(
                "data_or_path must be a path or an array, got {other:?}"
            )));
        }
    };
    Ok(match args.get("caption") {
        None | Some(Arg::Json(Value::Null)) => clip,
        Some(Arg::Json(Value::Str(c))) => clip.with_caption(c),
        Some(other) => return Err(unmapped(format!("caption must be a string, got {other:?}"))),
    })
}

fn from_ndarray(nd: &NdArray, rate: Option<u32>) -> Result<Audio, String> {
    // The SDK asks for the sample rate before it looks at the data.
    let rate = rate.ok_or_else(|| MISSING_SAMPLE_RATE.to_owned())?;
    let shape = IxDyn(&nd.shape);
    let r = match nd.dtype.as_str() {
        "float64" => ArrayD::from_shape_vec(shape, nd.as_f64()?)
            .map_err(|e| e.to_string())
            .map(|a| Audio::from_array(a.view(), rate))?,
        "float32" => {
            let v: Vec<f32> = nd.as_f64()?.into_iter().map(|x| x as f32).collect();
            ArrayD::from_shape_vec(shape, v)
                .map_err(|e| e.to_string())
                .map(|a| Audio::from_array(a.view(), rate))?
        }
        "int16" => {
            let v: Vec<i16> = nd.as_i64()?.into_iter().map(|x| x as i16).collect();
            ArrayD::from_shape_vec(shape, v)
                .map_err(|e| e.to_string())
                .map(|a| Audio::from_array(a.view(), rate))?
        }
        "int32" => {
            let v: Vec<i32> = nd.as_i64()?.into_iter().map(|x| x as i32).collect();
            ArrayD::from_shape_vec(shape, v)
                .map_err(|e| e.to_string())
                .map(|a| Audio::from_array(a.view(), rate))?
        }
        // Our `Sample` trait has no other types (a Rust caller cannot pass them); soundfile
        // refuses them with this message.
        other => {
            return Err(format!(
                "dtype must be one of ['float32', 'float64', 'int16', 'int32'] and not '{other}'"
            ));
        }
    };
    r.map_err(|e| e.to_string())
}

/// A torch tensor, read by the SDK as a numpy array: a Rust user passes its flat samples with
/// `Audio::from_samples` (shape `[frames]`) or `Audio::from_slice` in [`Layout::Tc`] (shape
/// `[frames, channels]`).
fn from_torch(nd: &NdArray, rate: Option<u32>) -> Result<Audio, String> {
    fn make<S: wb_types::audio::Sample>(nd: &NdArray, v: &[S], rate: u32) -> Result<Audio, String> {
        match nd.shape.len() {
            1 => Audio::from_samples(v, rate),
            _ => Audio::from_slice(v, &nd.shape, Layout::Tc, rate),
        }
        .map_err(|e| e.to_string())
    }
    let rate = rate.ok_or_else(|| MISSING_SAMPLE_RATE.to_owned())?;
    match nd.dtype.as_str() {
        "float64" => make(nd, &nd.as_f64()?, rate),
        "float32" => {
            let v: Vec<f32> = nd.as_f64()?.into_iter().map(|x| x as f32).collect();
            make(nd, &v, rate)
        }
        "int16" => {
            let v: Vec<i16> = nd.as_i64()?.into_iter().map(|x| x as i16).collect();
            make(nd, &v, rate)
        }
        "int32" => {
            let v: Vec<i32> = nd.as_i64()?.into_iter().map(|x| x as i32).collect();
            make(nd, &v, rate)
        }
        other => Err(format!(
            "dtype must be one of ['float32', 'float64', 'int16', 'int32'] and not '{other}'"
        )),
    }
}
