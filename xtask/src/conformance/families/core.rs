//! Conformance builders for wb-core's types: Histogram, Html, Plotly.

use super::{Built, Ctx};
use crate::conformance::args::{Arg, Args, unmapped};
use wb_types::core::{HistogramOptions, HtmlOptions};
use wb_types::{Histogram, Html, LogValue, Plotly, Value};

/// Maps `Histogram`, `Html` and `Plotly` to our API.
pub fn build(class: &str, args: &Args, _ctx: &Ctx<'_>) -> Built {
    let r = match class {
        "Histogram" => histogram(args),
        "Html" => html(args),
        "Plotly" => plotly(args),
        _ => return None,
    };
    Some(r)
}

fn numbers(a: &Arg) -> Result<Vec<Value>, String> {
    match a {
        Arg::NdArray(nd) => Ok(nd.data.clone()),
        Arg::Json(Value::Array(items)) => Ok(items.clone()),
        Arg::List(items) => items
            .iter()
            .map(|i| match i {
                Arg::Json(v) => Ok(v.clone()),
                Arg::Float(f) => Ok(Value::Float(*f)),
                other => Err(unmapped(format!("expected a number, got {other:?}"))),
            })
            .collect(),
        other => Err(unmapped(format!(
            "expected a sequence of numbers, got {other:?}"
        ))),
    }
}

fn histogram(args: &Args) -> Result<LogValue, String> {
    args.only("Histogram", &["sequence", "np_histogram", "num_bins"])?;
    let options = match args.get("num_bins") {
        None => HistogramOptions::default(),
        Some(Arg::Json(v)) => HistogramOptions::default().with_num_bins(
            v.as_i64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| unmapped("num_bins must be a non-negative integer (a usize)"))?,
        ),
        Some(other) => {
            return Err(unmapped(format!(
                "num_bins must be an integer, got {other:?}"
            )));
        }
    };
    let h = if let Some(nh) = args
        .get("np_histogram")
        .filter(|a| !matches!(a, Arg::Json(Value::Null)))
    {
        let parts = match nh {
            Arg::Tuple(p) | Arg::List(p) => p.clone(),
            Arg::Json(Value::Array(p)) => p.iter().cloned().map(Arg::Json).collect(),
            other => {
                return Err(unmapped(format!(
                    "np_histogram must be a tuple, got {other:?}"
                )));
            }
        };
        if parts.len() != 2 {
            return Err(unmapped(
                "np_histogram must be (values, bin_edges): from_np_histogram takes two vectors",
            ));
        }
        Histogram::from_np_histogram(numbers(&parts[0])?, numbers(&parts[1])?)
    } else {
        let seq = args.get("sequence").ok_or_else(|| {
            unmapped("Histogram needs `sequence` or `np_histogram`: our API takes one of them")
        })?;
        match seq {
            // A torch tensor: `np.histogram` flattens it, so a Rust user passes its flat slice.
            Arg::NdArray(nd) | Arg::Torch(nd) if nd.dtype == "float32" => {
                let v: Vec<f32> = nd.as_f64()?.into_iter().map(|x| x as f32).collect();
                Histogram::from_sequence_with(&v, options)
            }
            Arg::NdArray(nd) | Arg::Torch(nd) if nd.dtype.starts_with("float") => {
                Histogram::from_sequence_with(&nd.as_f64()?, options)
            }
            Arg::NdArray(nd) | Arg::Torch(nd) => {
                Histogram::from_sequence_with(&nd.as_i64()?, options)
            }
            other => {
                let vals = numbers(other)?;
                if vals.iter().all(|v| matches!(v, Value::Int(_))) {
                    let ints: Vec<i64> = vals.iter().filter_map(Value::as_i64).collect();
                    Histogram::from_sequence_with(&ints, options)
                } else {
                    let fl: Vec<f64> = vals
                        .iter()
                        .map(|v| {
                            v.as_f64()
                                .ok_or_else(|| unmapped("sequence must hold numbers"))
                        })
                        .collect::<Result<_, _>>()?;
                    Histogram::from_sequence_with(&fl, options)
                }
            }
        }
    };
    h.map(LogValue::media).map_err(|e| e.to_string())
}

fn flag(args: &Args, name: &str, default: bool) -> Result<bool, String> {
    match args.get(name) {
        None => Ok(default),
        Some(Arg::Json(Value::Bool(b))) => Ok(*b),
        Some(other) => Err(unmapped(format!("{name} must be a boolean, got {other:?}"))),
    }
}

fn html(args: &Args) -> Result<LogValue, String> {
    args.only("Html", &["data", "inject", "data_is_not_path"])?;
    let inject = flag(args, "inject", true)?;
    let not_path = flag(args, "data_is_not_path", false)?;
    let options = HtmlOptions::default().with_inject(inject);
    let h = match args.get("data") {
        Some(Arg::Json(Value::Str(s))) if not_path => Ok(Html::from_literal_with(s, options)),
        Some(Arg::Json(Value::Str(s))) => Html::new_with(s, options),
        Some(Arg::File(p)) if not_path => {
            Ok(Html::from_literal_with(&p.to_string_lossy(), options))
        }
        Some(Arg::File(p)) => Html::new_with(&p.to_string_lossy(), options),
        _ => return Err(unmapped("Html data must be a string or a $file path")),
    };
    h.map(LogValue::media).map_err(|e| e.to_string())
}

fn plotly(args: &Args) -> Result<LogValue, String> {
    args.only("Plotly", &["val"])?;
    let fig = match args.get("val") {
        Some(Arg::Plotly(fig)) => fig,
        // Not a figure at all (a number, a string): our API gets it as JSON and must refuse it.
        Some(Arg::Json(v)) if v.as_object().is_none() => v,
        _ => return Err(unmapped("Plotly val must be a $plotly figure")),
    };
    Plotly::from_figure(fig)
        .map(LogValue::media)
        .map_err(|e| e.to_string())
}
