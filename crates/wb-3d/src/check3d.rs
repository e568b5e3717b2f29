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
    match parse_json(bytes)? {
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
    let g = gltf::Gltf::from_slice_without_validation(bytes)
        .map_err(|e| format!("it is not glTF JSON ({e})"))?;
    gltf_validate(g)
}

/// Binary glTF (GLB), parsed and validated with the `gltf` crate.
fn glb(bytes: &[u8]) -> Result<(), String> {
    if !bytes.starts_with(b"glTF") {
        return Err("a GLB file starts with the magic bytes `glTF`".into());
    }
    let g = gltf::Gltf::from_slice_without_validation(bytes)
        .map_err(|e| format!("it is not a well-formed GLB ({e})"))?;
    gltf_validate(g)
}
