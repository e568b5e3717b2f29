//! The `image-file` type's params and their merge (`_ImageFileType.assign_type`).

use wb_core::Value;
use wb_core::json::Map;

const KEYS: [&str; 6] = [
    "box_layers",
    "box_score_keys",
    "mask_layers",
    "box_class_maps",
    "mask_class_maps",
    "class_map",
];

fn const_json(val: Value, is_set: bool) -> Value {
    let mut params = Map::new();
    params.insert("val".into(), val);
    params.insert("is_set".into(), Value::Bool(is_set));
    let mut m = Map::new();
    m.insert("wb_type".into(), "const".into());
    m.insert("params".into(), Value::Object(params));
    Value::Object(m)
}

/// The `val` of a `const` param (`{}`/`[]` when missing).
fn val<'a>(params: &'a Map, key: &str) -> Option<&'a Value> {
    params
        .get(key)
        .and_then(|c| c.get("params"))
        .and_then(|p| p.get("val"))
}

fn sorted_set(items: impl IntoIterator<Item = Value>) -> Value {
    let mut v: Vec<Value> = Vec::new();
    for i in items {
        if !v.contains(&i) {
            v.push(i);
        }
    }
    v.sort_by(|a, b| match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    });
    Value::Array(v)
}

fn obj(v: Option<&Value>) -> Map {
    v.and_then(Value::as_object).cloned().unwrap_or_default()
}

/// The params as `_ImageFileType(**params)` normalizes them: every key present, layer id lists
/// as sets, `box_score_keys` a set.
pub fn normalize(params: &Map) -> Map {
    let mut out = Map::new();
    for key in KEYS {
        let v = val(params, key).cloned();
        let (value, is_set) = match key {
            "box_layers" | "mask_layers" => (
                Value::Object(
                    obj(v.as_ref())
                        .into_iter()
                        .map(|(k, ids)| {
                            let items = ids.as_array().map(<[Value]>::to_vec).unwrap_or_default();
                            (k, sorted_set(items))
                        })
                        .collect(),
                ),
                false,
            ),
            "box_score_keys" => (
                sorted_set(
                    v.as_ref()
                        .and_then(Value::as_array)
                        .map(<[Value]>::to_vec)
                        .unwrap_or_default(),
                ),
                true,
            ),
            _ => (Value::Object(obj(v.as_ref())), false),
        };
        out.insert(key.into(), const_json(value, is_set));
    }
    out
}

fn merge_layers(a: &Map, b: &Map) -> Value {
    let mut out = Map::new();
    for (k, ids) in a.iter().chain(b.iter()) {
        let entry = out.entry(k.clone()).or_insert_with(|| Value::Array(vec![]));
        let mut items = entry.as_array().map(<[Value]>::to_vec).unwrap_or_default();
        items.extend(ids.as_array().map(<[Value]>::to_vec).unwrap_or_default());
        *entry = sorted_set(items);
    }
    Value::Object(out)
}

fn merge_prefer_first(a: &Map, b: &Map) -> Map {
    let mut out = b.clone();
    for (k, v) in a {
        out.insert(k.clone(), v.clone());
    }
    out
}

fn merge_class_maps(a: &Map, b: &Map) -> Value {
    let mut out = Map::new();
    let keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    for k in keys {
        if out.contains_key(k) {
            continue;
        }
        let merged = merge_prefer_first(&obj(a.get(k)), &obj(b.get(k)));
        out.insert(k.clone(), Value::Object(merged));
    }
    Value::Object(out)
}

/// `_ImageFileType.assign_type` between two image types: layers, score keys and class maps
/// merged (this type's names preferred).
pub fn merge(a: &Map, b: &Map) -> Map {
    let (a, b) = (normalize(a), normalize(b));
    let o = |m: &Map, k: &str| obj(val(m, k));
    let mut scores = val(&a, "box_score_keys")
        .and_then(Value::as_array)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    scores.extend(
        val(&b, "box_score_keys")
            .and_then(Value::as_array)
            .map(<[Value]>::to_vec)
            .unwrap_or_default(),
    );
    let mut out = Map::new();
    out.insert(
        "box_layers".into(),
        const_json(
            merge_layers(&o(&a, "box_layers"), &o(&b, "box_layers")),
            false,
        ),
    );
    out.insert(
        "box_score_keys".into(),
        const_json(sorted_set(scores), true),
    );
    out.insert(
        "mask_layers".into(),
        const_json(
            merge_layers(&o(&a, "mask_layers"), &o(&b, "mask_layers")),
            false,
        ),
    );
    out.insert(
        "box_class_maps".into(),
        const_json(
            merge_class_maps(&o(&a, "box_class_maps"), &o(&b, "box_class_maps")),
            false,
        ),
    );
    out.insert(
        "mask_class_maps".into(),
        const_json(
            merge_class_maps(&o(&a, "mask_class_maps"), &o(&b, "mask_class_maps")),
            false,
        ),
    );
    out.insert(
        "class_map".into(),
        const_json(
            Value::Object(merge_prefer_first(&o(&a, "class_map"), &o(&b, "class_map"))),
            false,
        ),
    );
    out
}
