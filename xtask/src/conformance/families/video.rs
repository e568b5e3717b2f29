//! Conformance builders for the video family: `Video`, mapped to the calls a Rust user makes
//! (`Video::from_array_with(view, VideoOptions::default().with_format(f).with_fps(fps))`,
//! `Video::from_path(p)`, `.with_caption(c)`).
//! Bytes (`io.BytesIO`) have no case form; `Video::from_bytes` is tested in wb-video.

use super::{Built, Ctx};
use crate::conformance::args::{Arg, Args, NdArray, unmapped};
use wb_types::LogValue;
use wb_types::core::Layout;
use wb_types::core::json::Value;
use wb_types::core::ndarray::{ArrayD, IxDyn};
use wb_types::video::{Video, VideoElement, VideoFormat, VideoOptions};

/// The SDK's error for an array without `format=` (the Rust API defaults to GIF).
const FORMAT_REQUIRED_ARRAY: &str =
    "wandb.Video requires a `format` argument when initializing with a numpy array.";

/// Maps `Video` to our API; `None` for other classes.
pub fn build(class: &str, args: &Args, _ctx: &Ctx<'_>) -> Built {
    match class {
        "Video" => Some(video(args).map(LogValue::media)),
        _ => None,
    }
}

fn video(args: &Args) -> Result<Video, String> {
    args.only("Video", &["data_or_path", "caption", "fps", "format"])?;
    let format = match args.get("format") {
        None | Some(Arg::Json(Value::Null)) => None,
        Some(Arg::Json(Value::Str(f))) => Some(f.as_str()),
        Some(other) => return Err(unmapped(format!("format must be a string, got {other:?}"))),
    };
    // `fps or 4`: a missing or zero fps is the default.
    let fps = match args.get("fps") {
        None | Some(Arg::Json(Value::Null)) => None,
        Some(Arg::Json(v)) => match v.as_f64() {
            Some(0.0) => None,
            Some(f) => Some(f),
            None => return Err(unmapped("fps must be a number")),
        },
        Some(other) => return Err(unmapped(format!("fps must be a number, got {other:?}"))),
    };
    let v = match args.get("data_or_path") {
        Some(Arg::File(p)) => Video::from_path(p).map_err(|e| e.to_string())?,
        Some(Arg::Json(Value::Str(s))) => Video::from_path(s).map_err(|e| e.to_string())?,
        Some(Arg::NdArray(nd) | Arg::Torch(nd)) => {
            let format: VideoFormat = format
                .ok_or_else(|| FORMAT_REQUIRED_ARRAY.to_owned())?
                .parse()
                .map_err(|e: wb_types::core::Error| e.to_string())?;
            let options = VideoOptions::default().with_format(format);
            let options = fps.map_or(options, |f| options.with_fps(f));
            // A torch tensor: the slice, its shape and the SDK's layout (`tensor.numpy()` is
            // read as time × channels × height × width, or a batch of those).
            let layout = match args.get("data_or_path") {
                Some(Arg::Torch(_)) if nd.shape.len() == 5 => Some(Layout::Btchw),
                Some(Arg::Torch(_)) => Some(Layout::Tchw),
                _ => None,
            };
            from_ndarray(nd, options, layout)?
        }
        other => {
            return Err(unmapped(format!(
                "data_or_path must be a path or an array, got {other:?}"
            )));
        }
    };
    Ok(match args.get("caption") {
        None | Some(Arg::Json(Value::Null)) => v,
        Some(Arg::Json(Value::Str(c))) => v.with_caption(c),
        Some(other) => return Err(unmapped(format!("caption must be a string, got {other:?}"))),
    })
}

fn encode<T: VideoElement>(
    nd: &NdArray,
    v: Vec<T>,
    options: VideoOptions,
    layout: Option<Layout>,
) -> Result<Video, String> {
    if let Some(layout) = layout {
        return Video::from_slice_with(&v, &nd.shape, layout, options).map_err(|e| e.to_string());
    }
    let a = ArrayD::from_shape_vec(IxDyn(&nd.shape), v).map_err(|e| unmapped(e.to_string()))?;
    Video::from_array_with(a.view(), options).map_err(|e| e.to_string())
}

fn from_ndarray(
    nd: &NdArray,
    options: VideoOptions,
    layout: Option<Layout>,
) -> Result<Video, String> {
    match nd.dtype.as_str() {
        "uint8" => encode(
            nd,
            nd.as_i64()?.into_iter().map(|x| x as u8).collect(),
            options,
            layout,
        ),
        "int16" => encode(
            nd,
            nd.as_i64()?.into_iter().map(|x| x as i16).collect(),
            options,
            layout,
        ),
        "int32" => encode(
            nd,
            nd.as_i64()?.into_iter().map(|x| x as i32).collect(),
            options,
            layout,
        ),
        "int64" => encode(nd, nd.as_i64()?, options, layout),
        "float32" => encode(
            nd,
            nd.as_f64()?.into_iter().map(|x| x as f32).collect(),
            options,
            layout,
        ),
        "float64" => encode(nd, nd.as_f64()?, options, layout),
        "bool" => encode(
            nd,
            nd.as_i64()?.into_iter().map(|x| x != 0).collect(),
            options,
            layout,
        ),
        other => Err(unmapped(format!("unsupported dtype {other}"))),
    }
}
