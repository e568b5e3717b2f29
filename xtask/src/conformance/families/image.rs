//! Conformance builders for the image family: `Image`, `ImageMask`, `BoundingBoxes2D`,
//! `Classes`, mapped to the calls a Rust user makes (`Image::from_array_with(view, options)?
//! .with_caption(..).with_boxes(key, BoundingBoxes2D::new(val)?)`).

use super::{Built, Ctx};
use crate::conformance::args::{Arg, Args, NdArray, unmapped};
use wb_types::LogValue;
use wb_types::core::Layout;
use wb_types::core::json::{Map, Value};
use wb_types::image::{
    BoundingBoxes2D, ClassLabels, Classes, Image, ImageFormat, ImageMask, ImageMode, ImageOptions,
};

/// Maps the image family's classes to our API; `None` for classes it does not know.
pub fn build(class: &str, args: &Args, ctx: &Ctx<'_>) -> Built {
    let _ = ctx;
    let r = match class {
        "Image" => image(args).map(LogValue::media),
        "ImageMask" => mask_value(args).map(LogValue::media),
        "BoundingBoxes2D" => boxes_value(args).map(LogValue::media),
        "Classes" => classes_value(args).map(LogValue::media),
        _ => return None,
    };
    Some(r)
}

/// A typed n-d array from an `$ndarray`, handed to `f` as a view.
macro_rules! with_array {
    ($nd:expr, |$a:ident| $body:expr) => {{
        let nd: &NdArray = $nd;
        let shape = wb_types::core::ndarray::IxDyn(&nd.shape);
        match nd.dtype.as_str() {
            "uint8" => {
                let v: Vec<u8> = nd.as_i64()?.into_iter().map(|x| x as u8).collect();
                let $a = wb_types::core::ndarray::ArrayD::from_shape_vec(shape, v)
                    .map_err(|e| e.to_string())?;
                $body
            }
            "int16" => {
                let v: Vec<i16> = nd.as_i64()?.into_iter().map(|x| x as i16).collect();
                let $a = wb_types::core::ndarray::ArrayD::from_shape_vec(shape, v)
                    .map_err(|e| e.to_string())?;
                $body
            }
            "int32" => {
                let v: Vec<i32> = nd.as_i64()?.into_iter().map(|x| x as i32).collect();
                let $a = wb_types::core::ndarray::ArrayD::from_shape_vec(shape, v)
                    .map_err(|e| e.to_string())?;
                $body
            }
            "int64" => {
                let v: Vec<i64> = nd.as_i64()?;
                let $a = wb_types::core::ndarray::ArrayD::from_shape_vec(shape, v)
                    .map_err(|e| e.to_string())?;
                $body
            }
            "float32" => {
                let v: Vec<f32> = nd.as_f64()?.into_iter().map(|x| x as f32).collect();
                let $a = wb_types::core::ndarray::ArrayD::from_shape_vec(shape, v)
                    .map_err(|e| e.to_string())?;
                $body
            }
            "float64" => {
                let v: Vec<f64> = nd.as_f64()?;
                let $a = wb_types::core::ndarray::ArrayD::from_shape_vec(shape, v)
                    .map_err(|e| e.to_string())?;
                $body
            }
            "bool" => {
                let v: Vec<bool> = nd.as_i64()?.into_iter().map(|x| x != 0).collect();
                let $a = wb_types::core::ndarray::ArrayD::from_shape_vec(shape, v)
                    .map_err(|e| e.to_string())?;
                $body
            }
            other => return Err(unmapped(format!("unsupported dtype {other}"))),
        }
    }};
}

/// The data of an array built by `with_array!` (always in standard layout), as a slice.
fn flat<T>(a: &wb_types::core::ndarray::ArrayD<T>) -> Result<&[T], String> {
    a.as_slice()
        .ok_or_else(|| unmapped("the array is not in standard layout"))
}

fn text<'a>(a: &'a Arg, what: &str) -> Result<&'a str, String> {
    match a {
        Arg::Json(Value::Str(s)) => Ok(s),
        other => Err(unmapped(format!("{what} must be a string, got {other:?}"))),
    }
}

fn none(a: Option<&Arg>) -> Option<&Arg> {
    a.filter(|a| !matches!(a, Arg::Json(Value::Null)))
}

/// Plain JSON for an argument (`$intkeys` becomes an object with the ids as keys).
fn to_json(a: &Arg) -> Result<Value, String> {
    Ok(match a {
        Arg::Json(v) => v.clone(),
        Arg::Float(f) => Value::Float(*f),
        Arg::List(items) | Arg::Tuple(items) => {
            Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?)
        }
        Arg::Map(items) => Value::Object(
            items
                .iter()
                .map(|(k, v)| Ok((k.clone(), to_json(v)?)))
                .collect::<Result<Map, String>>()?,
        ),
        Arg::IntKeys(items) => Value::Object(
            items
                .iter()
                .map(|(k, v)| Ok((k.to_string(), to_json(v)?)))
                .collect::<Result<Map, String>>()?,
        ),
        other => return Err(unmapped(format!("{other:?} is not JSON"))),
    })
}

fn labels(a: &Arg) -> Result<ClassLabels, String> {
    ClassLabels::from_json(&to_json(a)?).map_err(|e| e.to_string())
}

fn image(args: &Args) -> Result<Image, String> {
    args.only(
        "Image",
        &[
            "data_or_path",
            "mode",
            "caption",
            "grouping",
            "classes",
            "boxes",
            "masks",
            "file_type",
        ],
    )?;
    let data = args
        .get("data_or_path")
        .ok_or_else(|| unmapped("Image needs data_or_path"))?;
    // The keyword arguments, checked before the image is made (as the builder did).
    let options = options(args)?;
    let mut parts = parts(args)?;
    if let Arg::Wb { class, args: inner } = data
        && class == "Image"
    {
        // `wandb.Image(other)`: a copy; the SDK keeps the other image's caption and encoding
        // (it ignores `caption`, `mode` and `file_type` here) and takes the rest.
        parts.caption = None;
        return Ok(parts.attach(Image::from_image(&image(inner)?)));
    }
    let img = match data {
        Arg::NdArray(nd) => with_array!(nd, |a| Image::from_array_with(a.view(), options)
            .map_err(|e| e.to_string())),
        // A torch tensor: its flat data, its shape and the layout the SDK's torch path reads.
        Arg::Torch(nd) => with_array!(nd, |a| Image::from_slice_with(
            flat(&a)?,
            &nd.shape,
            Layout::Chw,
            options
        )
        .map_err(|e| e.to_string())),
        Arg::Npy(p) => {
            let nd = NdArray::load_npy(p)?;
            with_array!(&nd, |a| Image::from_array_with(a.view(), options)
                .map_err(|e| e.to_string()))
        }
        Arg::File(p) => Image::from_path(p).map_err(|e| e.to_string()),
        Arg::Json(Value::Str(p)) => Image::from_path(p).map_err(|e| e.to_string()),
        other => Err(unmapped(format!(
            "Image data_or_path must be an array or a path, got {other:?}"
        ))),
    }?;
    Ok(parts.attach(img))
}

/// `mode` and `file_type`: how pixels are encoded.
fn options(args: &Args) -> Result<ImageOptions, String> {
    let mut o = ImageOptions::default();
    if let Some(m) = none(args.get("mode")) {
        o = o.with_mode(
            text(m, "mode")?
                .parse::<ImageMode>()
                .map_err(|e| e.to_string())?,
        );
    }
    if let Some(f) = none(args.get("file_type")) {
        o = o.with_format(
            text(f, "file_type")?
                .parse::<ImageFormat>()
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(o)
}

/// The keyword arguments set on the image once made.
struct Parts {
    caption: Option<String>,
    grouping: Option<i64>,
    boxes: Vec<(String, BoundingBoxes2D)>,
    masks: Vec<(String, ImageMask)>,
    classes: Option<ClassLabels>,
}

impl Parts {
    fn attach(self, mut img: Image) -> Image {
        if let Some(c) = self.caption {
            img = img.with_caption(c);
        }
        if let Some(g) = self.grouping {
            img = img.with_grouping(g);
        }
        for (k, b) in self.boxes {
            img = img.with_boxes(k, b);
        }
        for (k, m) in self.masks {
            img = img.with_mask(k, m);
        }
        if let Some(c) = self.classes {
            img = img.with_classes(c);
        }
        img
    }
}

/// Every keyword argument but `data_or_path`, `mode` and `file_type`.
fn parts(args: &Args) -> Result<Parts, String> {
    let mut p = Parts {
        caption: None,
        grouping: None,
        boxes: Vec::new(),
        masks: Vec::new(),
        classes: None,
    };
    if let Some(c) = none(args.get("caption")) {
        p.caption = Some(text(c, "caption")?.to_owned());
    }
    if let Some(g) = none(args.get("grouping")) {
        match g {
            Arg::Json(Value::Int(i)) => p.grouping = Some(*i as i64),
            other => return Err(unmapped(format!("grouping must be an int, got {other:?}"))),
        }
    }
    if let Some(bx) = none(args.get("boxes")) {
        for (key, v) in entries(bx, "boxes")? {
            let set = match v {
                Arg::Wb { class, args } if class == "BoundingBoxes2D" => boxes_value(&args)?,
                v => BoundingBoxes2D::new(to_json(&v)?).map_err(|e| e.to_string())?,
            };
            p.boxes.push((key, set));
        }
    }
    if let Some(ms) = none(args.get("masks")) {
        for (key, v) in entries(ms, "masks")? {
            let m = match v {
                Arg::Wb { class, args } if class == "ImageMask" => mask_value(&args)?,
                v => mask_from_dict(&v)?,
            };
            p.masks.push((key, m));
        }
    }
    if let Some(c) = none(args.get("classes")) {
        let c = match c {
            Arg::Wb { class, args } if class == "Classes" => classes_value(args)?.to_labels(),
            other => Classes::from_class_set(class_dicts(other)?)
                .map_err(|e| e.to_string())?
                .to_labels(),
        };
        p.classes = Some(c);
    }
    Ok(p)
}

/// The entries of a dict argument (`boxes=`, `masks=`).
fn entries(a: &Arg, what: &str) -> Result<Vec<(String, Arg)>, String> {
    match a {
        Arg::Map(items) => Ok(items.clone()),
        Arg::Json(Value::Object(m)) => Ok(m
            .iter()
            .map(|(k, v)| (k.clone(), Arg::Json(v.clone())))
            .collect()),
        _ => Err(format!("Images \"{what}\" argument must be a dictionary")),
    }
}

fn class_dicts(a: &Arg) -> Result<Vec<Map>, String> {
    match to_json(a)?.into_array() {
        Ok(items) => items
            .into_iter()
            .map(|i| {
                i.into_object()
                    .map_err(|other| unmapped(format!("a class must be a dict, got {other:?}")))
            })
            .collect(),
        Err(other) => Err(unmapped(format!("classes must be a list, got {other:?}"))),
    }
}

fn mask_from_dict(v: &Arg) -> Result<ImageMask, String> {
    let items = match v {
        Arg::Map(items) => items.clone(),
        Arg::Json(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), Arg::Json(v.clone())))
            .collect(),
        other => return Err(unmapped(format!("a mask must be a dict, got {other:?}"))),
    };
    let get = |k: &str| items.iter().find(|(n, _)| n == k).map(|(_, a)| a);
    let class_labels = get("class_labels").map(labels).transpose()?;
    // `{"path": file}`: the SDK reads the file and ignores every other member.
    if let Some(p) = get("path") {
        let mask = match p {
            Arg::File(p) => ImageMask::from_path(p),
            Arg::Json(Value::Str(p)) => ImageMask::from_path(p),
            other => {
                return Err(unmapped(format!(
                    "a mask path must be a path, got {other:?}"
                )));
            }
        }
        .map_err(|e| e.to_string())?;
        return Ok(match class_labels {
            Some(l) => mask.with_class_labels(l),
            None => mask,
        });
    }
    let data = get("mask_data").ok_or("'mask_data'")?;
    match data {
        Arg::NdArray(nd) => {
            let mask = with_array!(nd, |a| ImageMask::from_array(a.view())
                .map_err(|e| e.to_string()))?;
            Ok(match class_labels {
                Some(l) => mask.with_class_labels(l),
                None => mask,
            })
        }
        Arg::Torch(nd) => {
            let mask = with_array!(nd, |a| ImageMask::from_slice(flat(&a)?, &nd.shape)
                .map_err(|e| e.to_string()))?;
            Ok(match class_labels {
                Some(l) => mask.with_class_labels(l),
                None => mask,
            })
        }
        other => Err(unmapped(format!(
            "mask_data must be an $ndarray, got {other:?}"
        ))),
    }
}

fn mask_value(args: &Args) -> Result<ImageMask, String> {
    args.only("ImageMask", &["val", "key"])?;
    let key = text(
        args.get("key")
            .ok_or_else(|| unmapped("ImageMask needs key"))?,
        "key",
    )?;
    let val = args
        .get("val")
        .ok_or_else(|| unmapped("ImageMask needs val"))?;
    Ok(mask_from_dict(val)?.with_key(key))
}

fn boxes_value(args: &Args) -> Result<BoundingBoxes2D, String> {
    args.only("BoundingBoxes2D", &["val", "key"])?;
    let key = text(
        args.get("key")
            .ok_or_else(|| unmapped("BoundingBoxes2D needs key"))?,
        "key",
    )?;
    let val = args
        .get("val")
        .ok_or_else(|| unmapped("BoundingBoxes2D needs val"))?;
    Ok(BoundingBoxes2D::new(to_json(val)?)
        .map_err(|e| e.to_string())?
        .with_key(key))
}

fn classes_value(args: &Args) -> Result<Classes, String> {
    args.only("Classes", &["class_set"])?;
    let set = args
        .get("class_set")
        .ok_or_else(|| unmapped("Classes needs class_set"))?;
    Classes::from_class_set(class_dicts(set)?).map_err(|e| e.to_string())
}
