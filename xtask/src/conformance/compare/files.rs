//! docs/conformance.md "What is compared", the files: one file of each side, by its kind.

use image::{AnimationDecoder, DynamicImage};
use std::io::Cursor;
use wb_types::core::json::{self, Value};

/// How two files compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The same bytes.
    Identical,
    /// Different bytes that the rules accept (an encoder's output, re-ordered plotly JSON, a
    /// sidecar that names such files): the JSON naming them may differ in `sha256`, `size` and
    /// the id in the path.
    Equivalent,
    /// A difference the rules do not accept.
    Different(String),
}

/// The kinds of files the rules tell apart, from the file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.plotly.json`: equal as parsed JSON without `layout.template`.
    Plotly,
    /// Any other `.json`: byte-identical; when the bytes differ only because they name
    /// encoder-made files whose ids differ, equal under the JSON rules.
    JsonSidecar,
    /// `.png`, `.bmp`: same size, colour type and decoded pixels.
    Lossless,
    /// `.jpg`, `.jpeg`: same size, mean absolute pixel difference at most 2.
    Jpeg,
    /// `.gif`: same size, frame count, delays and loop count; per-frame mean difference ≤ 8.
    Gif,
    /// `.mp4`, `.webm`, `.ogg` made from arrays: no decoder here; the container must be right.
    Container,
    /// `.npz` (numpy's zip of `.npy` arrays): the same members
    /// with byte-identical content. The archive's own bytes (timestamps, compression) may
    /// differ.
    Npz,
    /// Everything else (`.html`, `.wav`, files copied from a path): byte-identical.
    Bytes,
}

impl Kind {
    /// The kind of a file by its name.
    pub fn of(name: &str) -> Kind {
        let n = name.to_ascii_lowercase();
        let ext = n.rsplit('.').next().unwrap_or("");
        if n.ends_with(".plotly.json") {
            Kind::Plotly
        } else {
            match ext {
                "json" => Kind::JsonSidecar,
                "png" | "bmp" => Kind::Lossless,
                "jpg" | "jpeg" => Kind::Jpeg,
                "gif" => Kind::Gif,
                "mp4" | "webm" | "ogg" => Kind::Container,
                "npz" => Kind::Npz,
                _ => Kind::Bytes,
            }
        }
    }
}

/// Compares `py` and `rs`, the bytes of a file named `name` on each side. `copied` means the
/// Python file's bytes are those of a fixture file (a file copied from a path): those must be
/// identical whatever their kind. `json_rules` compares parsed JSON under the JSON rules
/// (rule 1), for sidecars whose content names other files.
pub fn compare(
    name: &str,
    py: &[u8],
    rs: &[u8],
    copied: bool,
    json_rules: &dyn Fn(&Value, &Value) -> Result<(), String>,
) -> Verdict {
    if py == rs {
        return Verdict::Identical;
    }
    if copied {
        return Verdict::Different(format!(
            "the SDK copied this file from a path, so it must be byte-identical; {}",
            bytes_diff(py, rs)
        ));
    }
    let r = match Kind::of(name) {
        Kind::Bytes => Err(bytes_diff(py, rs)),
        Kind::Plotly => plotly(py, rs, json_rules),
        Kind::JsonSidecar => sidecar(py, rs, json_rules),
        Kind::Lossless => lossless(py, rs),
        Kind::Jpeg => jpeg(py, rs),
        Kind::Gif => gif_rule(py, rs),
        Kind::Container => container(name, rs),
        Kind::Npz => npz(py, rs),
    };
    match r {
        Ok(()) => Verdict::Equivalent,
        Err(e) => Verdict::Different(e),
    }
}

/// Where two byte strings first differ, with a little context.
pub fn bytes_diff(py: &[u8], rs: &[u8]) -> String {
    let at = py
        .iter()
        .zip(rs)
        .position(|(a, b)| a != b)
        .unwrap_or(py.len().min(rs.len()));
    let snippet = |b: &[u8]| {
        let start = at.saturating_sub(16);
        let end = (at + 24).min(b.len());
        format!("{:?}", String::from_utf8_lossy(&b[start.min(end)..end]))
    };
    format!(
        "bytes differ at offset {at} (python {} bytes, rust {} bytes): python …{}…, rust …{}…",
        py.len(),
        rs.len(),
        snippet(py),
        snippet(rs)
    )
}

fn parse_json(b: &[u8], side: &str) -> Result<Value, String> {
    let text = std::str::from_utf8(b).map_err(|_| format!("{side}'s file is not UTF-8"))?;
    json::parse(text).map_err(|e| format!("{side}'s file is not valid JSON: {e}"))
}

fn plotly(
    py: &[u8],
    rs: &[u8],
    json_rules: &dyn Fn(&Value, &Value) -> Result<(), String>,
) -> Result<(), String> {
    let strip = |mut v: Value| {
        if let Some(layout) = v
            .as_object_mut()
            .and_then(|m| m.get_mut("layout"))
            .and_then(Value::as_object_mut)
        {
            layout.shift_remove("template");
        }
        v
    };
    let p = strip(parse_json(py, "python")?);
    let r = strip(parse_json(rs, "rust")?);
    json_rules(&p, &r)
}

fn sidecar(
    py: &[u8],
    rs: &[u8],
    json_rules: &dyn Fn(&Value, &Value) -> Result<(), String>,
) -> Result<(), String> {
    let p = parse_json(py, "python")?;
    let r = parse_json(rs, "rust")?;
    json_rules(&p, &r)?;
    if p == r {
        // Nothing in the content needed an allowance, so the bytes had to be the same.
        return Err(format!(
            "same JSON, different bytes: {}",
            bytes_diff(py, rs)
        ));
    }
    Ok(())
}

fn decode(b: &[u8], side: &str) -> Result<DynamicImage, String> {
    image::load_from_memory(b).map_err(|e| format!("{side}'s image cannot be decoded: {e}"))
}

fn same_size(p: &DynamicImage, r: &DynamicImage) -> Result<(), String> {
    if (p.width(), p.height()) != (r.width(), r.height()) {
        return Err(format!(
            "image size: python {}x{}, rust {}x{}",
            p.width(),
            p.height(),
            r.width(),
            r.height()
        ));
    }
    Ok(())
}

fn lossless(py: &[u8], rs: &[u8]) -> Result<(), String> {
    let (p, r) = (decode(py, "python")?, decode(rs, "rust")?);
    same_size(&p, &r)?;
    if p.color() != r.color() {
        return Err(format!(
            "colour type: python {:?}, rust {:?}",
            p.color(),
            r.color()
        ));
    }
    let (pb, rb) = (p.as_bytes(), r.as_bytes());
    if let Some(i) = pb.iter().zip(rb).position(|(a, b)| a != b) {
        let bpp = usize::from(p.color().bytes_per_pixel()).max(1);
        let px = i / bpp;
        let w = p.width() as usize;
        let pixel = |b: &[u8]| b[px * bpp..(px + 1) * bpp].to_vec();
        return Err(format!(
            "pixels differ, first at (x={}, y={}): python {:?}, rust {:?}",
            px % w.max(1),
            px / w.max(1),
            pixel(pb),
            pixel(rb)
        ));
    }
    Ok(())
}

/// Mean absolute difference of two equally sized RGBA buffers, over every channel.
fn mean_abs_diff(p: &[u8], r: &[u8]) -> f64 {
    if p.is_empty() {
        return 0.0;
    }
    let sum: u64 = p
        .iter()
        .zip(r)
        .map(|(a, b)| u64::from(a.abs_diff(*b)))
        .sum();
    sum as f64 / p.len() as f64
}

fn jpeg(py: &[u8], rs: &[u8]) -> Result<(), String> {
    let (p, r) = (decode(py, "python")?, decode(rs, "rust")?);
    same_size(&p, &r)?;
    let d = mean_abs_diff(p.to_rgba8().as_raw(), r.to_rgba8().as_raw());
    if d > 2.0 {
        return Err(format!("JPEG pixels: mean absolute difference {d:.3} > 2"));
    }
    Ok(())
}

struct GifInfo {
    width: u16,
    height: u16,
    delays: Vec<u16>,
    repeat: gif::Repeat,
    frames: Vec<Vec<u8>>,
}

fn gif_info(b: &[u8], side: &str) -> Result<GifInfo, String> {
    let err = |e: &dyn std::fmt::Display| format!("{side}'s GIF cannot be decoded: {e}");
    let mut opts = gif::DecodeOptions::new();
    opts.skip_frame_decoding(true);
    let mut d = opts.read_info(Cursor::new(b)).map_err(|e| err(&e))?;
    let mut delays = Vec::new();
    while let Some(f) = d.read_next_frame().map_err(|e| err(&e))? {
        delays.push(f.delay);
    }
    let (width, height, repeat) = (d.width(), d.height(), d.repeat());
    // Composited frames (disposal and offsets applied), as a viewer shows them.
    let frames = image::codecs::gif::GifDecoder::new(Cursor::new(b))
        .map_err(|e| err(&e))?
        .into_frames()
        .collect_frames()
        .map_err(|e| err(&e))?
        .into_iter()
        .map(|f| f.into_buffer().into_raw())
        .collect();
    Ok(GifInfo {
        width,
        height,
        delays,
        repeat,
        frames,
    })
}

fn gif_rule(py: &[u8], rs: &[u8]) -> Result<(), String> {
    let (p, r) = (gif_info(py, "python")?, gif_info(rs, "rust")?);
    if (p.width, p.height) != (r.width, r.height) {
        return Err(format!(
            "GIF size: python {}x{}, rust {}x{}",
            p.width, p.height, r.width, r.height
        ));
    }
    if p.delays.len() != r.delays.len() {
        return Err(format!(
            "GIF frame count: python {}, rust {}",
            p.delays.len(),
            r.delays.len()
        ));
    }
    if p.delays != r.delays {
        return Err(format!(
            "GIF frame delays (1/100 s): python {:?}, rust {:?}",
            p.delays, r.delays
        ));
    }
    if p.repeat != r.repeat {
        return Err(format!(
            "GIF loop count: python {:?}, rust {:?}",
            p.repeat, r.repeat
        ));
    }
    for (i, (a, b)) in p.frames.iter().zip(&r.frames).enumerate() {
        let d = mean_abs_diff(a, b);
        if a.len() != b.len() || d > 8.0 {
            return Err(format!(
                "GIF frame {i}: mean absolute pixel difference {d:.3} > 8"
            ));
        }
    }
    Ok(())
}

fn npz(py: &[u8], rs: &[u8]) -> Result<(), String> {
    let p = super::zip::members(py).map_err(|e| format!("python's archive: {e}"))?;
    let r = super::zip::members(rs).map_err(|e| format!("rust's archive: {e}"))?;
    let names = |m: &[(String, Vec<u8>)]| m.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if names(&p) != names(&r) {
        return Err(format!(
            "archive members: python {:?}, rust {:?}",
            names(&p),
            names(&r)
        ));
    }
    for ((name, a), (_, b)) in p.iter().zip(&r) {
        if a != b {
            return Err(format!("archive member {name}: {}", bytes_diff(a, b)));
        }
    }
    Ok(())
}

fn container(name: &str, rs: &[u8]) -> Result<(), String> {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let ok = match ext.as_str() {
        "mp4" => rs.get(4..8) == Some(b"ftyp"),
        "webm" => rs.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]),
        "ogg" => rs.starts_with(b"OggS"),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("rust's .{ext} file is not a {ext} container"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, ImageFormat, Rgb};

    fn no_json(_: &Value, _: &Value) -> Result<(), String> {
        Err("json rules must not be called".into())
    }

    fn strict(p: &Value, r: &Value) -> Result<(), String> {
        if p == r {
            Ok(())
        } else {
            Err(format!("json differs: {p:?} vs {r:?}"))
        }
    }

    fn encode(img: &DynamicImage, fmt: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, fmt).unwrap();
        out.into_inner()
    }

    fn rgb(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> DynamicImage {
        DynamicImage::ImageRgb8(ImageBuffer::from_fn(w, h, |x, y| Rgb(f(x, y))))
    }

    fn gif_bytes(frames: &[[u8; 4]], delay: u16, repeat: gif::Repeat) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut e = gif::Encoder::new(&mut out, 2, 2, &[]).unwrap();
            e.set_repeat(repeat).unwrap();
            for c in frames {
                let mut px: Vec<u8> = c.iter().copied().cycle().take(16).collect();
                let mut f = gif::Frame::from_rgba_speed(2, 2, &mut px, 10);
                f.delay = delay;
                e.write_frame(&f).unwrap();
            }
        }
        out
    }

    #[test]
    fn identical_bytes_and_byte_rules() {
        assert_eq!(
            compare("a.html", b"<p>", b"<p>", false, &no_json),
            Verdict::Identical
        );
        let v = compare("a.html", b"<p>x</p>", b"<p>y</p>", false, &no_json);
        assert!(
            matches!(&v, Verdict::Different(m) if m.contains("offset 3")),
            "{v:?}"
        );
        assert!(matches!(
            compare("a.wav", b"RIFF1", b"RIFF2", false, &no_json),
            Verdict::Different(_)
        ));
    }

    #[test]
    fn copied_files_must_be_identical_whatever_their_kind() {
        let a = encode(&rgb(2, 2, |x, _| [x as u8, 0, 0]), ImageFormat::Png);
        let b = encode(&rgb(2, 2, |x, _| [x as u8, 0, 0]), ImageFormat::Bmp);
        // Same pixels, so an encoder-made PNG would pass; a copied one may not.
        assert_eq!(
            compare("x.png", &a, &b, false, &no_json),
            Verdict::Equivalent
        );
        assert!(
            matches!(compare("x.png", &a, &b, true, &no_json), Verdict::Different(m) if m.contains("copied"))
        );
    }

    #[test]
    fn lossless_pixels_size_and_colour_type() {
        let img = rgb(3, 2, |x, y| [x as u8 * 40, y as u8 * 90, 7]);
        let png = encode(&img, ImageFormat::Png);
        // Another encoder (BMP bytes) with the same pixels is accepted.
        assert_eq!(
            compare(
                "i.png",
                &png,
                &encode(&img, ImageFormat::Bmp),
                false,
                &no_json
            ),
            Verdict::Equivalent
        );
        let other = encode(
            &rgb(3, 2, |x, y| {
                if (x, y) == (2, 1) {
                    [0, 0, 0]
                } else {
                    [x as u8 * 40, y as u8 * 90, 7]
                }
            }),
            ImageFormat::Png,
        );
        assert!(
            matches!(compare("i.png", &png, &other, false, &no_json), Verdict::Different(m) if m.contains("x=2, y=1"))
        );
        let small = encode(&rgb(2, 2, |_, _| [0, 0, 0]), ImageFormat::Png);
        assert!(
            matches!(compare("i.png", &png, &small, false, &no_json), Verdict::Different(m) if m.contains("image size"))
        );
        let rgba = DynamicImage::ImageRgba8(img.to_rgba8());
        let v = compare(
            "i.png",
            &png,
            &encode(&rgba, ImageFormat::Png),
            false,
            &no_json,
        );
        assert!(matches!(v, Verdict::Different(m) if m.contains("colour type")));
    }

    #[test]
    fn jpeg_mean_difference() {
        let a = rgb(8, 8, |_, _| [100, 100, 100]);
        let near = rgb(8, 8, |_, _| [101, 101, 101]);
        let far = rgb(8, 8, |_, _| [140, 140, 140]);
        let ja = encode(&a, ImageFormat::Jpeg);
        assert_eq!(
            compare(
                "p.jpg",
                &ja,
                &encode(&near, ImageFormat::Jpeg),
                false,
                &no_json
            ),
            Verdict::Equivalent
        );
        let v = compare(
            "p.jpg",
            &ja,
            &encode(&far, ImageFormat::Jpeg),
            false,
            &no_json,
        );
        assert!(matches!(v, Verdict::Different(m) if m.contains("mean absolute difference")));
    }

    #[test]
    fn gif_frames_delays_loops_and_pixels() {
        let base = gif_bytes(
            &[[10, 20, 30, 255], [200, 0, 0, 255]],
            25,
            gif::Repeat::Infinite,
        );
        // Same frames encoded at another speed: identical decode, accepted.
        let same = gif_bytes(
            &[[10, 20, 30, 255], [200, 0, 0, 255]],
            25,
            gif::Repeat::Infinite,
        );
        assert!(matches!(
            compare("v.gif", &base, &same, false, &no_json),
            Verdict::Identical | Verdict::Equivalent
        ));
        let near = gif_bytes(
            &[[12, 20, 30, 255], [200, 0, 3, 255]],
            25,
            gif::Repeat::Infinite,
        );
        assert_eq!(
            compare("v.gif", &base, &near, false, &no_json),
            Verdict::Equivalent
        );
        let cases = [
            (
                gif_bytes(&[[10, 20, 30, 255]], 25, gif::Repeat::Infinite),
                "frame count",
            ),
            (
                gif_bytes(
                    &[[10, 20, 30, 255], [200, 0, 0, 255]],
                    10,
                    gif::Repeat::Infinite,
                ),
                "delays",
            ),
            (
                gif_bytes(
                    &[[10, 20, 30, 255], [200, 0, 0, 255]],
                    25,
                    gif::Repeat::Finite(0),
                ),
                "loop count",
            ),
            (
                gif_bytes(
                    &[[10, 20, 30, 255], [0, 200, 0, 255]],
                    25,
                    gif::Repeat::Infinite,
                ),
                "frame 1",
            ),
        ];
        for (bytes, what) in cases {
            let v = compare("v.gif", &base, &bytes, false, &no_json);
            assert!(
                matches!(&v, Verdict::Different(m) if m.contains(what)),
                "{what}: {v:?}"
            );
        }
    }

    #[test]
    fn plotly_ignores_template_and_key_order() {
        let py = br#"{"data":[{"y":[1],"type":"bar"}],"layout":{"template":{"x":1},"title":{"text":"t"}}}"#;
        let rs = br#"{"data":[{"type":"bar","y":[1]}],"layout":{"title":{"text":"t"}}}"#;
        assert_eq!(
            compare("p.plotly.json", py, rs, false, &strict),
            Verdict::Equivalent
        );
        let bad = br#"{"data":[{"type":"bar","y":[2]}],"layout":{"title":{"text":"t"}}}"#;
        assert!(matches!(
            compare("p.plotly.json", py, bad, false, &strict),
            Verdict::Different(_)
        ));
        let no_layout = br#"{"data":[{"type":"bar","y":[1]}]}"#;
        assert!(matches!(
            compare("p.plotly.json", py, no_layout, false, &strict),
            Verdict::Different(_)
        ));
    }

    #[test]
    fn json_sidecars_are_byte_identical_unless_an_allowance_applies() {
        let py = br#"{"a":1,"b":[1.0]}"#;
        let spaced = br#"{"a": 1, "b": [1.0]}"#;
        let v = compare("t.table.json", py, spaced, false, &strict);
        assert!(matches!(v, Verdict::Different(m) if m.contains("same JSON, different bytes")));
        let changed = br#"{"a":2,"b":[1.0]}"#;
        assert!(
            matches!(compare("t.table.json", py, changed, false, &strict), Verdict::Different(m) if m.contains("json differs"))
        );
        // Content that differs only where the JSON rules allow it (here: any) is accepted.
        let lenient = |_: &Value, _: &Value| Ok(());
        assert_eq!(
            compare("t.table.json", py, changed, false, &lenient),
            Verdict::Equivalent
        );
    }

    #[test]
    fn containers_are_checked_by_signature() {
        let mp4 = b"\0\0\0\x18ftypisom....";
        assert_eq!(
            compare("v.mp4", b"\0\0\0\x18ftypmp42", mp4, false, &no_json),
            Verdict::Equivalent
        );
        assert!(matches!(
            compare("v.mp4", mp4, b"RIFF....", false, &no_json),
            Verdict::Different(_)
        ));
        assert_eq!(
            compare("v.ogg", b"OggS1", b"OggS2", false, &no_json),
            Verdict::Equivalent
        );
    }

    #[test]
    fn npz_archives_compare_by_member_content() {
        // Made by numpy 2.4.6: np.savez_compressed(f, a=np.arange(6, dtype="int64").reshape(2, 3))
        // and the same with a[1, 2] = 7 (testdata/README.md).
        let a = include_bytes!("testdata/arange.npz");
        let b = include_bytes!("testdata/arange_changed.npz");
        let mut again = a.to_vec();
        // Another archive time stamp (local header bytes 10-13): same content, other bytes.
        again[10] ^= 1;
        assert_eq!(
            compare("x.npz", a, &again, false, &no_json),
            Verdict::Equivalent
        );
        let v = compare("x.npz", a, b, false, &no_json);
        assert!(
            matches!(&v, Verdict::Different(m) if m.contains("archive member a.npy")),
            "{v:?}"
        );
    }

    #[test]
    fn kinds() {
        assert_eq!(Kind::of("media/plotly/p_0_ab.plotly.json"), Kind::Plotly);
        assert_eq!(Kind::of("t.table.json"), Kind::JsonSidecar);
        assert_eq!(Kind::of("m.mask.png"), Kind::Lossless);
        assert_eq!(Kind::of("a.JPEG"), Kind::Jpeg);
        assert_eq!(Kind::of("page.html"), Kind::Bytes);
    }
}
