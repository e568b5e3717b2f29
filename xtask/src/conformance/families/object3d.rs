//! Conformance builders for the 3-D family: `Object3D` (arrays, `lidar/beta` dicts, files),
//! `Object3D.from_numpy`, `Object3D.from_point_cloud`, `box3d` and `Molecule`, mapped to the
//! calls a Rust user makes (`Object3D::from_array(view)`, `Object3D::from_point_cloud(points,
//! &boxes, &vectors)`, `Object3D::from_scene_json(&scene)`, `box3d(center, size, orientation,
//! color)?.with_label(..).with_score(..)`, `Molecule::from_path(p)?.with_caption(..)`).

use super::{Built, Ctx};
use crate::conformance::args::{Arg, Args, NdArray, unmapped};
use ndarray::{Array2, ArrayD, IxDyn};
use wb_types::LogValue;
use wb_types::core::json::{Map, Value};
use wb_types::object3d::{Box3D, Molecule, Num, Object3D, Triple, Vector3D, box3d};

/// Maps the 3-D family's classes to our API; `None` for classes it does not know.
pub fn build(class: &str, args: &Args, ctx: &Ctx<'_>) -> Built {
    let _ = ctx;
    let r = match class {
        "Object3D" => object3d(args).map(LogValue::media),
        "Object3D.from_numpy" => from_numpy(args).map(LogValue::media),
        "Object3D.from_point_cloud" => from_point_cloud(args).map(LogValue::media),
        "box3d" => box3d_value(args).map(|b| LogValue::Json(b.to_value())),
        "Molecule" => molecule(args).map(LogValue::media),
        _ => return None,
    };
    Some(r)
}

fn lib<T>(r: wb_types::core::Result<T>) -> Result<T, String> {
    r.map_err(|e| e.to_string())
}

fn caption(args: &Args) -> Result<Option<String>, String> {
    match args.get("caption") {
        None | Some(Arg::Json(Value::Null)) => Ok(None),
        Some(Arg::Json(Value::Str(s))) => Ok(Some(s.clone())),
        Some(other) => Err(unmapped(format!("caption must be a string, got {other:?}"))),
    }
}

fn path_arg(a: &Arg) -> Option<String> {
    match a {
        Arg::File(p) => Some(p.to_string_lossy().into_owned()),
        Arg::Json(Value::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

/// `f(view)` on an `$ndarray` of any dtype, typed as numpy would hold it.
macro_rules! with_typed {
    ($nd:expr, |$a:ident| $body:expr) => {{
        let nd: &NdArray = $nd;
        let shape = IxDyn(&nd.shape);
        let err = |e: ndarray::ShapeError| unmapped(e);
        match nd.dtype.as_str() {
            "float64" => {
                let $a = ArrayD::from_shape_vec(shape, nd.as_f64()?).map_err(err)?;
                $body
            }
            "float32" => {
                let v: Vec<f32> = nd.as_f64()?.into_iter().map(|x| x as f32).collect();
                let $a = ArrayD::from_shape_vec(shape, v).map_err(err)?;
                $body
            }
            "int64" => {
                let $a = ArrayD::from_shape_vec(shape, nd.as_i64()?).map_err(err)?;
                $body
            }
            "int32" => {
                let v: Vec<i32> = nd.as_i64()?.into_iter().map(|x| x as i32).collect();
                let $a = ArrayD::from_shape_vec(shape, v).map_err(err)?;
                $body
            }
            "int16" => {
                let v: Vec<i16> = nd.as_i64()?.into_iter().map(|x| x as i16).collect();
                let $a = ArrayD::from_shape_vec(shape, v).map_err(err)?;
                $body
            }
            "uint8" => {
                let v: Vec<u8> = nd.as_i64()?.into_iter().map(|x| x as u8).collect();
                let $a = ArrayD::from_shape_vec(shape, v).map_err(err)?;
                $body
            }
            "bool" => {
                let v: Vec<bool> = nd.as_i64()?.into_iter().map(|x| x != 0).collect();
                let $a = ArrayD::from_shape_vec(shape, v).map_err(err)?;
                $body
            }
            other => Err(unmapped(format!("unsupported dtype {other}"))),
        }
    }};
}

fn ndarray_arg(a: &Arg) -> Result<Option<NdArray>, String> {
    match a {
        Arg::NdArray(nd) => Ok(Some(nd.clone())),
        Arg::Npy(p) => NdArray::load_npy(p).map(Some).map_err(unmapped),
        _ => Ok(None),
    }
}

fn object3d(args: &Args) -> Result<Object3D, String> {
    args.only("Object3D", &["data_or_path", "caption"])?;
    let data = args
        .get("data_or_path")
        .ok_or_else(|| unmapped("Object3D needs data_or_path"))?;
    let obj = if let Some(p) = path_arg(data) {
        lib(Object3D::from_path(p))?
    } else if let Some(nd) = ndarray_arg(data)? {
        with_typed!(&nd, |a| lib(Object3D::from_array(a.view())))?
    } else if let Some(items) = dict(data) {
        scene_dict(&items)?
    } else {
        return Err("data must be a numpy array, dict or a file object".into());
    };
    Ok(match caption(args)? {
        Some(c) => obj.with_caption(c),
        None => obj,
    })
}

/// The members of a dict argument, if it is one.
fn dict(a: &Arg) -> Option<Vec<(String, Arg)>> {
    match a {
        Arg::Map(items) => Some(items.clone()),
        Arg::Json(Value::Object(m)) => Some(
            m.iter()
                .map(|(k, v)| (k.clone(), Arg::Json(v.clone())))
                .collect(),
        ),
        _ => None,
    }
}

/// `array.tolist()` of an `$ndarray`, as JSON.
fn tolist(nd: &NdArray) -> Result<Value, String> {
    let flat: Vec<Value> = match nd.dtype.as_str() {
        "float64" => nd.as_f64()?.into_iter().map(Value::Float).collect(),
        "float32" => nd
            .as_f64()?
            .into_iter()
            .map(|x| Value::Float(f64::from(x as f32)))
            .collect(),
        "bool" => nd
            .as_i64()?
            .into_iter()
            .map(|x| Value::Bool(x != 0))
            .collect(),
        "int64" => nd.as_i64()?.into_iter().map(Value::from).collect(),
        "int32" => nd
            .as_i64()?
            .into_iter()
            .map(|x| Value::from(x as i32))
            .collect(),
        "int16" => nd
            .as_i64()?
            .into_iter()
            .map(|x| Value::from(x as i16))
            .collect(),
        "uint8" => nd
            .as_i64()?
            .into_iter()
            .map(|x| Value::from(x as u8))
            .collect(),
        other => return Err(unmapped(format!("unsupported dtype {other}"))),
    };
    fn nest(flat: &[Value], shape: &[usize]) -> Value {
        match shape.split_first() {
            None => flat.first().cloned().unwrap_or(Value::Null),
            Some((&n, rest)) => {
                let step: usize = rest.iter().product();
                Value::Array(
                    (0..n)
                        .map(|i| nest(&flat[i * step..(i + 1) * step], rest))
                        .collect(),
                )
            }
        }
    }
    Ok(nest(&flat, &nd.shape))
}

/// The SDK's dict form: `{"type": "lidar/beta", "points": array, "boxes": array, "vectors":
/// array}`; each member goes through `.tolist()`, so it must be an array.
fn scene_dict(items: &[(String, Arg)]) -> Result<Object3D, String> {
    let get = |k: &str| items.iter().find(|(n, _)| n == k).map(|(_, v)| v);
    let Some(t) = get("type") else {
        return Err("data must be a numpy array, dict or a file object".into());
    };
    let Arg::Json(Value::Str(t)) = t else {
        return Err(unmapped("the dict's type must be a string"));
    };
    let member = |k: &str| -> Result<Option<Value>, String> {
        match get(k) {
            None => Ok(None),
            Some(Arg::ObjectArray(items)) => items
                .iter()
                .map(plain_json)
                .collect::<Result<_, _>>()
                .map(|v| Some(Value::Array(v))),
            Some(a) => match ndarray_arg(a)? {
                Some(nd) => tolist(&nd).map(Some),
                None => Err(format!(
                    "'{}' object has no attribute 'tolist': the dict form needs numpy arrays ({k})",
                    match a {
                        Arg::Json(Value::Array(_)) | Arg::List(_) => "list",
                        _ => "value",
                    }
                )),
            },
        }
    };
    let mut scene = Map::new();
    scene.insert("type".into(), Value::Str(t.clone()));
    for k in ["vectors", "points", "boxes"] {
        if let Some(v) = member(k)? {
            scene.insert(k.into(), v);
        }
    }
    lib(Object3D::from_scene_json(&Value::Object(scene)))
}

fn from_numpy(args: &Args) -> Result<Object3D, String> {
    args.only("Object3D.from_numpy", &["data"])?;
    let data = args
        .get("data")
        .ok_or_else(|| unmapped("Object3D.from_numpy needs data"))?;
    match ndarray_arg(data)? {
        Some(nd) => with_typed!(&nd, |a| lib(Object3D::from_array(a.view()))),
        None => Err("`data` must be a numpy array".into()),
    }
}

/// Plain JSON of a case value made of JSON, dicts and lists (what `json.dump` writes of an
/// object array's items).
fn plain_json(a: &Arg) -> Result<Value, String> {
    match a {
        Arg::Json(v) => Ok(v.clone()),
        Arg::Float(f) => Ok(Value::Float(*f)),
        Arg::List(items) | Arg::Tuple(items) => items
            .iter()
            .map(plain_json)
            .collect::<Result<_, _>>()
            .map(Value::Array),
        Arg::Map(items) => items
            .iter()
            .map(|(k, v)| Ok((k.clone(), plain_json(v)?)))
            .collect::<Result<Map, String>>()
            .map(Value::Object),
        other => Err(format!(
            "Object of type {} is not JSON serializable",
            match other {
                Arg::NdArray(_) | Arg::ObjectArray(_) => "ndarray",
                _ => "object",
            }
        )),
    }
}

fn num(a: &Arg) -> Result<Num, String> {
    match a {
        Arg::Json(Value::Int(i)) => i64::try_from(*i)
            .map(Num::Int)
            .map_err(|_| unmapped(format!("{i} does not fit an i64"))),
        Arg::Json(Value::Float(f)) | Arg::Float(f) => Ok(Num::Float(*f)),
        Arg::Json(Value::Bool(b)) => Ok(Num::Int(i64::from(*b))),
        other => Err(unmapped(format!("expected a number, got {other:?}"))),
    }
}

fn seq(a: &Arg) -> Result<Vec<Arg>, String> {
    match a {
        Arg::Json(Value::Array(items)) => Ok(items.iter().cloned().map(Arg::Json).collect()),
        Arg::List(items) | Arg::Tuple(items) => Ok(items.clone()),
        Arg::NdArray(nd) if nd.shape.len() == 1 => {
            Ok(nd.data.iter().cloned().map(Arg::Json).collect())
        }
        Arg::ObjectArray(items) => Ok(items.clone()),
        other => Err(unmapped(format!("expected a sequence, got {other:?}"))),
    }
}

fn floats<const N: usize>(a: &Arg, what: &str) -> Result<[f64; N], String> {
    let items = seq(a)?;
    let v: Vec<f64> = items
        .iter()
        .map(|x| num(x).map(Num::as_f64))
        .collect::<Result<_, _>>()?;
    v.try_into()
        .map_err(|v: Vec<f64>| format!("box3d: {what} must hold {N} numbers, got {}", v.len()))
}

fn triple_arg(a: &Arg, what: &str) -> Result<Triple, String> {
    let items = seq(a)?;
    let v: Vec<Num> = items.iter().map(num).collect::<Result<_, _>>()?;
    v.try_into()
        .map_err(|v: Vec<Num>| unmapped(format!("{what} must hold 3 numbers, got {}", v.len())))
}

fn box3d_value(args: &Args) -> Result<Box3D, String> {
    args.only(
        "box3d",
        &["center", "size", "orientation", "color", "label", "score"],
    )?;
    let req = |k: &str| {
        args.get(k)
            .ok_or_else(|| unmapped(format!("box3d needs {k}")))
    };
    let mut b = lib(box3d(
        floats(req("center")?, "center")?,
        floats(req("size")?, "size")?,
        floats(req("orientation")?, "orientation")?,
        triple_arg(req("color")?, "color")?,
    ))?;
    match args.get("label") {
        None | Some(Arg::Json(Value::Null)) => {}
        Some(Arg::Json(Value::Str(s))) => b = b.with_label(s.clone()),
        Some(other) => return Err(unmapped(format!("label must be a string, got {other:?}"))),
    }
    match args.get("score") {
        None | Some(Arg::Json(Value::Null)) => {}
        Some(a) => b = b.with_score(num(a)?),
    }
    Ok(b)
}

/// `numpy.array(points)` of a nested list: int64 when every number is an integer, float64
/// when one is a float, bool when all are booleans.
fn points_of_list(rows: &[Arg]) -> Result<Result<Array2<i64>, Array2<f64>>, String> {
    let rows: Vec<Vec<Num>> = rows
        .iter()
        .map(|r| seq(r)?.iter().map(num).collect::<Result<Vec<_>, _>>())
        .collect::<Result<_, _>>()?;
    let cols = rows.first().map_or(0, Vec::len);
    if rows.iter().any(|r| r.len() != cols) {
        return Err(format!(
            "setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions. The detected shape was ({},) + inhomogeneous part.",
            rows.len()
        ));
    }
    let flat: Vec<Num> = rows.into_iter().flatten().collect();
    let shape = (flat.len().checked_div(cols).unwrap_or(0), cols);
    if flat.iter().all(|n| matches!(n, Num::Int(_))) {
        let v = flat
            .iter()
            .map(|n| match n {
                Num::Int(i) => *i,
                Num::Float(f) => *f as i64,
            })
            .collect();
        Ok(Ok(Array2::from_shape_vec(shape, v).map_err(unmapped)?))
    } else {
        let v = flat.iter().map(|n| n.as_f64()).collect();
        Ok(Err(Array2::from_shape_vec(shape, v).map_err(unmapped)?))
    }
}

fn from_point_cloud(args: &Args) -> Result<Object3D, String> {
    args.only(
        "Object3D.from_point_cloud",
        &["points", "boxes", "vectors", "point_cloud_type"],
    )?;
    match args.get("point_cloud_type") {
        None => {}
        Some(Arg::Json(Value::Str(t))) if t == "lidar/beta" => {}
        Some(_) => return Err("Point cloud type not supported".into()),
    }
    let boxes: Vec<Box3D> = match args.get("boxes") {
        None => return Err(unmapped("from_point_cloud needs boxes")),
        Some(b) => seq(b)?
            .iter()
            .map(|b| match b {
                Arg::Wb { class, args } if class == "box3d" => box3d_value(args),
                // A plain dict, as the SDK takes it.
                other => lib(Box3D::from_json(&plain_json(other)?)),
            })
            .collect::<Result<_, _>>()?,
    };
    let vectors: Vec<Vector3D> = match args.get("vectors") {
        None | Some(Arg::Json(Value::Null)) => Vec::new(),
        Some(v) => seq(v)?
            .iter()
            .map(|v| {
                if let Ok(json) = plain_json(v) {
                    return lib(Vector3D::from_json(&json));
                }
                let d = dict(v)
                    .ok_or_else(|| unmapped("a vector is {\"start\": [...], \"end\": [...]}"))?;
                let get = |k: &str| {
                    d.iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, a)| a)
                        .ok_or_else(|| unmapped(format!("a vector needs {k}")))
                };
                if d.len() != 2 {
                    return Err(unmapped("a vector has exactly start and end"));
                }
                Ok(Vector3D::new(
                    triple_arg(get("start")?, "start")?,
                    triple_arg(get("end")?, "end")?,
                ))
            })
            .collect::<Result<_, _>>()?,
    };
    let points = args
        .get("points")
        .ok_or_else(|| unmapped("from_point_cloud needs points"))?;
    if let Some(nd) = ndarray_arg(points)? {
        if nd.shape.len() == 1 && nd.data.is_empty() {
            return lib(Object3D::from_point_cloud(
                Array2::<f64>::zeros((0, 0)).view(),
                &boxes,
                &vectors,
            ));
        }
        return with_typed!(&nd, |a| {
            let a = a
                .into_dimensionality::<ndarray::Ix2>()
                .map_err(|_| unmapped("points must be a 2-D array for the Rust API"))?;
            lib(Object3D::from_point_cloud(a.view(), &boxes, &vectors))
        });
    }
    match points_of_list(&seq(points)?)? {
        Ok(ints) => lib(Object3D::from_point_cloud(ints.view(), &boxes, &vectors)),
        Err(floats) => lib(Object3D::from_point_cloud(floats.view(), &boxes, &vectors)),
    }
}

fn molecule(args: &Args) -> Result<Molecule, String> {
    args.only("Molecule", &["data_or_path", "caption"])?;
    let data = args
        .get("data_or_path")
        .ok_or_else(|| unmapped("Molecule needs data_or_path"))?;
    let Some(p) = path_arg(data) else {
        return Err("Data must be file name or a file object".into());
    };
    let m = lib(Molecule::from_path(p))?;
    Ok(match caption(args)? {
        Some(c) => m.with_caption(c),
        None => m,
    })
}
