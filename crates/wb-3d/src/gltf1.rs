//! glTF 1.x (the format before 2.0, still in the SDK's own test assets): collections are
//! objects keyed by id (`"accessors": {"acc_0": {...}}`) and references are those ids. The
//! `gltf` crate reads only 2.x, so 1.x files are checked here: their structure and that every
//! reference names an object that exists.

use wb_core::json::{Map, Value};

/// The glTF major version a JSON document declares: `asset.version` (`"1.0"`, `"2.0"`, or
/// the number `1` some 1.0 exporters wrote); without one, 1 when a collection is an object
/// (the 1.x layout), else 2 (and the 2.x checks report the missing asset).
pub(crate) fn major_version(doc: &Map) -> Result<u64, String> {
    match doc.get("asset").and_then(|a| a.get("version")) {
        Some(Value::Str(v)) => v
            .split('.')
            .next()
            .and_then(|m| m.trim().parse::<u64>().ok())
            .ok_or_else(|| format!("its asset.version {v:?} is not a glTF version (like \"2.0\")")),
        Some(v) if v.as_f64().is_some_and(|f| f >= 0.0) => Ok(v.as_f64().map_or(0, |f| f as u64)),
        Some(v) => Err(format!(
            "its asset.version must be a string like \"2.0\", not {}",
            wb_core::json::to_string(v, wb_core::json::Dialect::Compact)
        )),
        None if COLLECTIONS
            .iter()
            .any(|c| matches!(doc.get(*c), Some(Value::Object(_)))) =>
        {
            Ok(1)
        }
        None => Ok(2),
    }
}

/// The top-level collections of glTF 1.x.
const COLLECTIONS: &[&str] = &[
    "accessors",
    "animations",
    "buffers",
    "bufferViews",
    "cameras",
    "images",
    "materials",
    "meshes",
    "nodes",
    "programs",
    "samplers",
    "scenes",
    "shaders",
    "skins",
    "techniques",
    "textures",
];

/// Checks a glTF 1.x document: every collection is an object of objects, and every reference
/// names an existing object of the right collection.
pub(crate) fn validate(doc: &Map) -> Result<(), String> {
    let mut errors = Vec::new();
    for c in COLLECTIONS {
        match doc.get(*c) {
            None => {}
            Some(Value::Object(items)) => {
                for (id, item) in items {
                    if !matches!(item, Value::Object(_)) {
                        errors.push(format!("{c}.{id:?} must be an object"));
                    }
                }
            }
            Some(_) => errors.push(format!("{c} must be an object keyed by id (glTF 1.x)")),
        }
    }
    if let Some(a) = doc.get("asset")
        && !matches!(a, Value::Object(_))
    {
        errors.push("asset must be an object".into());
    }
    let exists = |coll: &str, id: &Value| -> bool {
        id.as_str().is_some_and(|id| {
            doc.get(coll)
                .and_then(Value::as_object)
                .is_some_and(|m| m.contains_key(id))
        })
    };
    let refer = |errors: &mut Vec<String>, at: String, coll: &str, id: Option<&Value>| {
        if let Some(id) = id
            && !exists(coll, id)
        {
            errors.push(format!(
                "{at}: {} names no object of {coll}",
                wb_core::json::to_string(id, wb_core::json::Dialect::Compact)
            ));
        }
    };
    let items = |coll: &str| -> Vec<(String, Map)> {
        doc.get(coll)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_object().map(|o| (k.clone(), o.clone())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let list = |v: Option<&Value>| -> Vec<Value> {
        v.and_then(Value::as_array)
            .map(<[Value]>::to_vec)
            .unwrap_or_default()
    };
    for (id, acc) in items("accessors") {
        let at = format!("accessors.{id:?}.bufferView");
        match acc.get("bufferView") {
            None => errors.push(format!("{at}: missing")),
            v => refer(&mut errors, at, "bufferViews", v),
        }
    }
    for (id, view) in items("bufferViews") {
        let at = format!("bufferViews.{id:?}.buffer");
        match view.get("buffer") {
            None => errors.push(format!("{at}: missing")),
            v => refer(&mut errors, at, "buffers", v),
        }
    }
    for (id, mesh) in items("meshes") {
        for (p, prim) in list(mesh.get("primitives")).iter().enumerate() {
            let at = format!("meshes.{id:?}.primitives[{p}]");
            let Some(prim) = prim.as_object() else {
                errors.push(format!("{at} must be an object"));
                continue;
            };
            if let Some(attrs) = prim.get("attributes").and_then(Value::as_object) {
                for (name, acc) in attrs {
                    refer(
                        &mut errors,
                        format!("{at}.attributes.{name}"),
                        "accessors",
                        Some(acc),
                    );
                }
            }
            refer(
                &mut errors,
                format!("{at}.indices"),
                "accessors",
                prim.get("indices"),
            );
            refer(
                &mut errors,
                format!("{at}.material"),
                "materials",
                prim.get("material"),
            );
        }
    }
    for (id, node) in items("nodes") {
        for m in list(node.get("meshes")) {
            refer(
                &mut errors,
                format!("nodes.{id:?}.meshes"),
                "meshes",
                Some(&m),
            );
        }
        for c in list(node.get("children")) {
            refer(
                &mut errors,
                format!("nodes.{id:?}.children"),
                "nodes",
                Some(&c),
            );
        }
    }
    for (id, scene) in items("scenes") {
        for n in list(scene.get("nodes")) {
            refer(
                &mut errors,
                format!("scenes.{id:?}.nodes"),
                "nodes",
                Some(&n),
            );
        }
    }
    refer(&mut errors, "scene".into(), "scenes", doc.get("scene"));
    for (id, m) in items("materials") {
        refer(
            &mut errors,
            format!("materials.{id:?}.technique"),
            "techniques",
            m.get("technique"),
        );
    }
    for (id, t) in items("techniques") {
        refer(
            &mut errors,
            format!("techniques.{id:?}.program"),
            "programs",
            t.get("program"),
        );
    }
    for (id, p) in items("programs") {
        for k in ["vertexShader", "fragmentShader"] {
            refer(
                &mut errors,
                format!("programs.{id:?}.{k}"),
                "shaders",
                p.get(k),
            );
        }
    }
    for (id, t) in items("textures") {
        refer(
            &mut errors,
            format!("textures.{id:?}.source"),
            "images",
            t.get("source"),
        );
        refer(
            &mut errors,
            format!("textures.{id:?}.sampler"),
            "samplers",
            t.get("sampler"),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        let more = if errors.len() > 3 {
            format!(" (and {} more)", errors.len() - 3)
        } else {
            String::new()
        };
        errors.truncate(3);
        Err(format!("invalid glTF 1.x: {}{more}", errors.join("; ")))
    }
}

/// The JSON content of a binary glTF 1.x file (`KHR_binary_glTF`): a 20-byte header (magic,
/// version 1, length, content length, content format 0 = JSON), then the JSON.
pub(crate) fn glb_content(bytes: &[u8]) -> Result<&[u8], String> {
    let word = |i: usize| {
        bytes
            .get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let (Some(length), Some(content), Some(format)) = (word(8), word(12), word(16)) else {
        return Err("it is not a well-formed GLB 1.0 (shorter than its 20-byte header)".into());
    };
    if format != 0 {
        return Err(format!(
            "it is not a well-formed GLB 1.0 (content format {format}; 0, JSON, is the only one)"
        ));
    }
    if length > bytes.len() {
        return Err(format!(
            "it is not a well-formed GLB 1.0 (its header declares {length} bytes, the file has {})",
            bytes.len()
        ));
    }
    bytes
        .get(20..20usize.saturating_add(content))
        .filter(|_| 20usize.saturating_add(content) <= length)
        .ok_or_else(|| {
            "it is not a well-formed GLB 1.0 (its content runs past the declared length)".into()
        })
}
