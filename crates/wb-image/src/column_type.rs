//! The `image-file` column type of tables (`_ImageFileType.from_obj`).

use crate::classes::ClassLabels;
use crate::image::Image;
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
pub(crate) fn image_file_type(img: &Image) -> Value {
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
