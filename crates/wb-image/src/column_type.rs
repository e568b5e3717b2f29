//! The `image-file` column type of tables (`_ImageFileType.from_obj`).

use crate::classes::ClassLabels;
use crate::image::Image;
use indexmap::IndexMap;
use wb_core::json::{Map, Value};

/// `{"wb_type": "const", "params": {"val": val, "is_set": is_set}}`.
fn constant(val: Value, is_set: bool) -> Value {
    Value::Object(wb_core::json_map! {
        "wb_type" => "const",
        "params" => Value::Object(wb_core::json_map! { "val" => val, "is_set" => is_set }),
    })
}

/// A set of ids as a list (ascending, the order Python iterates a set of small ints in).
fn id_set(ids: impl Iterator<Item = i64>) -> Value {
    let mut v: Vec<i64> = ids.collect();
    v.sort_unstable();
    v.dedup();
    Value::Array(v.into_iter().map(Value::from).collect())
}

/// The column type an image gives a table column: `image-file` with its box layers (class ids
/// per box set), box score keys (sorted: Python's set order of strings is random), mask layers,
/// per-set class maps and the merged class map, each wrapped as a `const`.
pub fn image_file_type(img: &Image) -> Value {
    let box_layers: Map = img
        .boxes()
        .iter()
        .map(|(k, b)| (k.clone(), id_set(b.class_labels().ids())))
        .collect();
    let mut score_keys: Vec<String> = img
        .boxes()
        .values()
        .flat_map(|b| b.box_data().iter())
        .filter_map(|b| b.get("scores").and_then(Value::as_object))
        .flat_map(|s| s.keys().cloned())
        .collect();
    score_keys.sort();
    score_keys.dedup();
    let box_class_maps: Map = img
        .boxes()
        .iter()
        .map(|(k, b)| (k.clone(), b.class_labels().to_json()))
        .collect();
    let mask_layers: Map = img
        .masks()
        .iter()
        .map(|(k, m)| {
            let ids = m.class_labels().map(ClassLabels::ids);
            (k.clone(), id_set(ids.into_iter().flatten()))
        })
        .collect();
    let mask_class_maps: Map = img
        .masks()
        .iter()
        .filter_map(|(k, m)| Some((k.clone(), m.class_labels()?.to_json())))
        .collect();
    let class_map = img
        .classes()
        .map_or_else(Value::object, ClassLabels::to_json);
    Value::Object(wb_core::json_map! {
        "wb_type" => "image-file",
        "params" => Value::Object(wb_core::json_map! {
            "box_layers" => constant(Value::Object(box_layers), false),
            "box_score_keys" => constant(score_keys.into(), true),
            "mask_layers" => constant(Value::Object(mask_layers), false),
            "box_class_maps" => constant(Value::Object(box_class_maps), false),
            "mask_class_maps" => constant(Value::Object(mask_class_maps), false),
            "class_map" => constant(class_map, false),
        }),
    })
}

/// The `val` of the const param `name` of an `image-file` type.
fn param<'a>(t: &'a Value, name: &str) -> Option<&'a Value> {
    t.get("params")?.get(name)?.get("params")?.get("val")
}

/// Union of two `{layer: [ids]}` maps, ids ascending.
fn merge_layers(a: Option<&Value>, b: Option<&Value>) -> Value {
    let mut out: IndexMap<String, Vec<i64>> = IndexMap::new();
    for m in [a, b].into_iter().flatten().filter_map(Value::as_object) {
        for (k, ids) in m {
            let e = out.entry(k.clone()).or_default();
            e.extend(
                ids.as_array()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Value::as_i64),
            );
        }
    }
    Value::Object(
        out.into_iter()
            .map(|(k, ids)| (k, id_set(ids.into_iter())))
            .collect(),
    )
}

/// Union of two `{"<id>": name}` maps, `a`'s names winning, ids in ascending order.
fn merge_class_map(a: Option<&Value>, b: Option<&Value>) -> Value {
    let mut entries: Vec<(String, Value)> = Vec::new();
    for m in [a, b].into_iter().flatten().filter_map(Value::as_object) {
        for (k, v) in m {
            if !entries.iter().any(|(e, _)| e == k) {
                entries.push((k.clone(), v.clone()));
            }
        }
    }
    entries.sort_by(
        |(x, _), (y, _)| match (x.parse::<i64>(), y.parse::<i64>()) {
            (Ok(p), Ok(q)) => p.cmp(&q),
            _ => x.cmp(y),
        },
    );
    Value::Object(entries.into_iter().collect())
}

/// Union of two `{layer: {"<id>": name}}` maps.
fn merge_per_layer(a: Option<&Value>, b: Option<&Value>) -> Value {
    let mut keys: Vec<String> = Vec::new();
    for m in [a, b].into_iter().flatten().filter_map(Value::as_object) {
        keys.extend(
            m.keys()
                .filter(|k| !keys.contains(k))
                .cloned()
                .collect::<Vec<_>>(),
        );
    }
    Value::Object(
        keys.into_iter()
            .map(|k| {
                let v = merge_class_map(a.and_then(|a| a.get(&k)), b.and_then(|b| b.get(&k)));
                (k, v)
            })
            .collect(),
    )
}

/// `_ImageFileType.assign_type`: the column type of a column holding images of types `a` and
/// `b` (both `image-file` JSON as [`image_file_type`] writes them): layers, score keys and class
/// maps united, `a`'s names winning where both name an id. `None` if either is not an
/// `image-file` type.
pub fn merge_image_file_types(a: &Value, b: &Value) -> Option<Value> {
    for t in [a, b] {
        if t.get("wb_type").and_then(Value::as_str) != Some("image-file") {
            return None;
        }
    }
    let mut keys: Vec<String> = Vec::new();
    for t in [a, b] {
        for k in param(t, "box_score_keys")
            .and_then(Value::as_array)
            .unwrap_or(&[])
            .iter()
            .filter_map(Value::as_str)
        {
            keys.push(k.to_owned());
        }
    }
    keys.sort();
    keys.dedup();
    let p = |n: &str| (param(a, n), param(b, n));
    let (bl, sk, ml) = (p("box_layers"), keys, p("mask_layers"));
    let (bc, mc, cm) = (p("box_class_maps"), p("mask_class_maps"), p("class_map"));
    Some(Value::Object(wb_core::json_map! {
        "wb_type" => "image-file",
        "params" => Value::Object(wb_core::json_map! {
            "box_layers" => constant(merge_layers(bl.0, bl.1), false),
            "box_score_keys" => constant(sk.into(), true),
            "mask_layers" => constant(merge_layers(ml.0, ml.1), false),
            "box_class_maps" => constant(merge_per_layer(bc.0, bc.1), false),
            "mask_class_maps" => constant(merge_per_layer(mc.0, mc.1), false),
            "class_map" => constant(merge_class_map(cm.0, cm.1), false),
        }),
    }))
}
