//! Cheap checks that a 3-D file is what its extension says (the SDK checks nothing and copies
//! any file; we refuse, with a clear error, a file a viewer could never open).

use wb_core::{Error, Result, json};

/// Checks `bytes` as a file of `file_type` (`obj`, `gltf`, `glb`, `babylon`, `stl`,
/// `pts.json`); `name` says which file in the error.
pub(crate) fn check(bytes: &[u8], file_type: &str, name: &str) -> Result<()> {
    let r = match file_type {
        "obj" => obj(bytes),
        "gltf" => gltf_json(bytes),
        "glb" => glb(bytes),
        "babylon" => babylon(bytes),
        "stl" => stl(bytes),
        "pts.json" => pts_json(bytes),
        _ => Ok(()),
    };
    r.map_err(|reason| Error::value(format!("{name} is not a valid .{file_type} file: {reason}")))
}

/// Lines of a text file, refusing binary content.
fn text_lines(bytes: &[u8]) -> Result<impl Iterator<Item = (usize, &[u8])>, String> {
    if bytes.contains(&0) {
        return Err("it contains NUL bytes, so it is binary, not text".into());
    }
    Ok(bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_ascii())))
}

fn numbers(fields: &[&[u8]], line: usize, min: usize, what: &str) -> Result<(), String> {
    if fields.len() < min {
        return Err(format!("line {line}: {what} needs at least {min} numbers"));
    }
    for f in fields {
        let ok = std::str::from_utf8(f)
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .is_some();
        if !ok {
            return Err(format!(
                "line {line}: {what} has {:?} where a number was expected",
                String::from_utf8_lossy(f)
            ));
        }
    }
    Ok(())
}

fn fields(line: &[u8]) -> Vec<&[u8]> {
    line.split(|b| b.is_ascii_whitespace())
        .filter(|f| !f.is_empty())
        .collect()
}

/// Wavefront OBJ: statements `keyword args...`, numeric `v`/`vt`/`vn`, at least one vertex.
fn obj(bytes: &[u8]) -> Result<(), String> {
    let mut vertices = 0usize;
    for (n, line) in text_lines(bytes)? {
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        let f = fields(line);
        let kw = f[0];
        if !kw.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_') {
            return Err(format!(
                "line {n} does not start with an OBJ keyword (v, vt, vn, f, o, g, usemtl, ...): {:?}",
                String::from_utf8_lossy(&line[..line.len().min(40)])
            ));
        }
        match kw {
            b"v" => {
                numbers(&f[1..], n, 3, "vertex `v`")?;
                vertices += 1;
            }
            b"vn" => numbers(&f[1..], n, 3, "normal `vn`")?,
            b"vt" => numbers(&f[1..], n, 1, "texture coordinate `vt`")?,
            _ => {}
        }
    }
    if vertices == 0 {
        return Err("it has no vertex (`v x y z`) line".into());
    }
    Ok(())
}

/// STL: binary (80-byte header, triangle count, 50 bytes per triangle) or ASCII
/// (`solid ... endsolid`).
fn stl(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() >= 84 {
        let count = u32::from_le_bytes([bytes[80], bytes[81], bytes[82], bytes[83]]) as u64;
        if 84 + 50 * count == bytes.len() as u64 {
            return Ok(());
        }
    }
    let start = bytes.trim_ascii_start();
    if !start.starts_with(b"solid") {
        let detail = if bytes.len() >= 84 {
            let count = u32::from_le_bytes([bytes[80], bytes[81], bytes[82], bytes[83]]) as u64;
            format!(
                "as binary STL its header announces {count} triangles, which take {} bytes, but the file has {}",
                84 + 50 * count,
                bytes.len()
            )
        } else {
            format!(
                "it has {} bytes, fewer than a binary STL's 84-byte header",
                bytes.len()
            )
        };
        return Err(format!(
            "it is neither ASCII STL (which starts with `solid`) nor binary STL: {detail}"
        ));
    }
    let mut ended = false;
    for (n, line) in text_lines(bytes)? {
        let f = fields(line);
        match f.first().copied() {
            Some(b"vertex") => numbers(&f[1..], n, 3, "`vertex`")?,
            Some(b"facet") if f.get(1) == Some(&&b"normal"[..]) => {
                numbers(&f[2..], n, 3, "`facet normal`")?;
            }
            Some(b"endsolid") => ended = true,
            _ => {}
        }
    }
    if !ended {
        return Err("ASCII STL must end with `endsolid`".into());
    }
    Ok(())
}

fn parse_json(bytes: &[u8]) -> Result<json::Value, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| format!("it is not UTF-8 text ({e})"))?;
    json::parse(text).map_err(|e| format!("it is not JSON ({e})"))
}

/// Babylon.js scene: a JSON object.
fn babylon(bytes: &[u8]) -> Result<(), String> {
    match parse_json(bytes)? {
        json::Value::Object(_) => Ok(()),
        _ => Err("a Babylon scene is a JSON object".into()),
    }
}

/// A point cloud: a JSON array of points, or a scene object with a `type`.
fn pts_json(bytes: &[u8]) -> Result<(), String> {
    match &parse_json(bytes)? {
        json::Value::Array(items) => {
            if items.iter().all(|p| {
                p.as_array()
                    .is_some_and(|c| c.iter().all(|x| x.as_f64().is_some()))
            }) {
                Ok(())
            } else {
                Err("a point list must hold points, arrays of numbers ([[x, y, z], ...])".into())
            }
        }
        json::Value::Object(m) if m.get("type").and_then(json::Value::as_str).is_some() => Ok(()),
        _ => Err(
            "it must be a list of points ([[x, y, z], ...]) or a scene object with a \"type\" (\"lidar/beta\")"
                .into(),
        ),
    }
}

/// glTF validation errors other than an unsupported extension (which viewers may support).
fn gltf_validate(g: gltf::Gltf) -> Result<(), String> {
    use gltf::json::validation::{Error as VErr, Validate};
    let root = g.document.into_json();
    // gltf-json 1.4 checks a primitive's POSITION accessor by indexing `accessors` unchecked
    // (a panic on a dangling index, found by fuzzing): report such an index ourselves first.
    let positions = gltf::json::validation::Checked::Valid(gltf::json::mesh::Semantic::Positions);
    for (m, mesh) in root.meshes.iter().enumerate() {
        for (p, prim) in mesh.primitives.iter().enumerate() {
            if let Some(i) = prim.attributes.get(&positions)
                && i.value() >= root.accessors.len()
            {
                return Err(format!(
                    "invalid glTF: meshes[{m}].primitives[{p}].attributes[\"POSITION\"]: \
                     Index out of range"
                ));
            }
        }
    }
    let mut errors = Vec::new();
    root.validate(&root, gltf::json::Path::new, &mut |path, err| {
        if !matches!(err, VErr::Unsupported) {
            errors.push(format!("{}: {err}", path()));
        }
    });
    if errors.is_empty() {
        Ok(())
    } else {
        let more = if errors.len() > 3 {
            format!(" (and {} more)", errors.len() - 3)
        } else {
            String::new()
        };
        errors.truncate(3);
        Err(format!("invalid glTF: {}{more}", errors.join("; ")))
    }
}

/// glTF JSON, parsed and validated with the `gltf` crate.
fn gltf_json(bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(b"glTF") {
        return Err("it is binary glTF (GLB); name it .glb".into());
    }
    let value = parse_json(bytes).map_err(|e| format!("it is not glTF JSON: {e}"))?;
    let Some(doc) = value.as_object() else {
        return Err("it is not glTF JSON (a glTF file is a JSON object)".into());
    };
    match crate::gltf1::major_version(doc)? {
        1 => crate::gltf1::validate(doc),
        2 => {
            let g = gltf::Gltf::from_slice_without_validation(bytes)
                .map_err(|e| format!("it is not glTF JSON ({e})"))?;
            gltf_validate(g)
        }
        v => Err(format!(
            "it declares glTF version {v}; versions 1.x and 2.x are glTF"
        )),
    }
}

/// Binary glTF (GLB), parsed and validated with the `gltf` crate.
fn glb(bytes: &[u8]) -> Result<(), String> {
    if !bytes.starts_with(b"glTF") {
        return Err("a GLB file starts with the magic bytes `glTF`".into());
    }
    if bytes.get(4..8) == Some(&1u32.to_le_bytes()[..]) {
        let content = crate::gltf1::glb_content(bytes)?;
        let value =
            parse_json(content).map_err(|e| format!("its content is not glTF JSON: {e}"))?;
        return match value.as_object() {
            Some(doc) => crate::gltf1::validate(doc),
            None => Err("its JSON content is not an object".into()),
        };
    }
    // The gltf crate subtracts the 12-byte header from the declared length unchecked (an
    // overflow panic in debug builds, found by fuzzing): check the length first.
    match bytes.get(8..12) {
        Some(&[a, b, c, d]) if u32::from_le_bytes([a, b, c, d]) >= 12 => {}
        Some(&[a, b, c, d]) => {
            return Err(format!(
                "it is not a well-formed GLB (its header declares {} bytes, fewer than the \
                 12-byte header itself)",
                u32::from_le_bytes([a, b, c, d])
            ));
        }
        _ => return Err("it is not a well-formed GLB (shorter than the 12-byte header)".into()),
    }
    let g = gltf::Gltf::from_slice_without_validation(bytes)
        .map_err(|e| format!("it is not a well-formed GLB ({e})"))?;
    gltf_validate(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(b: &[u8], ty: &str) -> String {
        check(b, ty, "x").unwrap_err().to_string()
    }

    #[test]
    fn obj_stl_babylon_pts() {
        assert!(
            check(
                b"# c\nv 1 2 3\r\nv 1e-3 -2 3.5 1.0\nf 1 1 1\nusemtl m\n",
                "obj",
                "x"
            )
            .is_ok()
        );
        assert!(err(b"f 1 2 3\n", "obj").contains("no vertex"));
        assert!(err(b"v 1 2\n", "obj").contains("at least 3 numbers"));
        assert!(err(b"{\"a\": 1}\n", "obj").contains("OBJ keyword"));
        assert!(err(b"solid x\nfacet normal 0 0\n", "stl").contains("`facet normal`"));
        assert!(err(b"solid x\n", "stl").contains("endsolid"));
        assert!(err(b"abc", "stl").contains("fewer than a binary STL's 84-byte header"));
        // A binary STL whose header happens to start with "solid" is still binary.
        let mut bin = b"solid but binary".to_vec();
        bin.resize(80, b' ');
        bin.extend_from_slice(&0u32.to_le_bytes());
        assert!(check(&bin, "stl", "x").is_ok());
        assert!(check(b"\xEF\xBB\xBF{\"meshes\": []}", "babylon", "x").is_ok());
        assert!(err(b"[1]", "babylon").contains("JSON object"));
        assert!(err(b"{nope", "babylon").contains("not JSON"));
        assert!(check(b"{\"type\":\"lidar/beta\",\"points\":[]}", "pts.json", "x").is_ok());
        assert!(check(b"[]", "pts.json", "x").is_ok());
        assert!(err(b"{\"points\":[]}", "pts.json").contains("\"type\""));
    }

    #[test]
    fn gltf_validation_errors_are_reported() {
        // An accessor pointing at a buffer view that does not exist.
        let doc = br#"{"asset":{"version":"2.0"},"accessors":[{"bufferView":5,"componentType":5126,"count":1,"type":"VEC3"}]}"#;
        let e = err(doc, "gltf");
        assert!(
            e.contains("invalid glTF") && e.contains("accessors[0].bufferView"),
            "{e}"
        );
        // An extension the crate does not know is not a reason to refuse the file.
        let ext = br#"{"asset":{"version":"2.0"},"extensionsUsed":["KHR_draco_mesh_compression"],"extensionsRequired":["KHR_draco_mesh_compression"]}"#;
        assert!(check(ext, "gltf", "x").is_ok());
        assert!(err(b"glTF\x02\0\0\0\x0c\0\0\0", "glb").contains("well-formed GLB"));
    }

    #[test]
    fn gltf_1x_files_are_accepted() {
        let v1 = br#"{"asset": {"version": "1.0"}, "buffers": {"b": {"uri": "data:,"}},
            "bufferViews": {"v": {"buffer": "b", "byteOffset": 0}},
            "accessors": {"a": {"bufferView": "v", "byteOffset": 0, "componentType": 5126, "count": 0, "type": "VEC3"}},
            "meshes": {"m": {"primitives": [{"attributes": {"POSITION": "a"}}]}},
            "nodes": {"n": {"meshes": ["m"]}}, "scenes": {"s": {"nodes": ["n"]}}, "scene": "s"}"#;
        assert!(check(v1, "gltf", "x").is_ok());
        // No asset at all, collections keyed by id: 1.x.
        assert!(check(br#"{"scenes": {"s": {"nodes": []}}}"#, "gltf", "x").is_ok());
        // A dangling id is reported with where it is.
        let bad = br#"{"asset": {"version": "1.0"}, "scenes": {"s": {"nodes": ["nope"]}}}"#;
        let e = err(bad, "gltf");
        assert!(
            e.contains("invalid glTF 1.x") && e.contains("scenes.\"s\".nodes"),
            "{e}"
        );
        // 1.x collections must be objects; a 2.x file keeps the gltf crate's checks.
        assert!(
            err(br#"{"asset": {"version": "1.0"}, "nodes": []}"#, "gltf").contains("keyed by id")
        );
        assert!(err(br#"{"asset": {"version": "3.0"}}"#, "gltf").contains("version 3"));
        assert!(err(b"[1, 2]", "gltf").contains("not glTF JSON"));
        assert!(err(b"solid x", "gltf").contains("not glTF JSON"));
        // Binary glTF 1.0: a 20-byte header, then the JSON content.
        let content = br#"{"scenes": {"s": {"nodes": []}}}"#;
        let mut glb = b"glTF".to_vec();
        for w in [1u32, 20 + content.len() as u32, content.len() as u32, 0] {
            glb.extend_from_slice(&w.to_le_bytes());
        }
        glb.extend_from_slice(content);
        assert!(check(&glb, "glb", "x").is_ok());
        glb[8] = 0xff;
        assert!(err(&glb, "glb").contains("well-formed GLB 1.0"));
    }
}
