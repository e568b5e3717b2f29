//! The comparator's own tests: each allowance of docs/conformance.md accepted, each kind of difference
//! caught.

use super::*;
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use std::io::Cursor;

struct Sides {
    _tmp: tempfile::TempDir,
    py: PathBuf,
    rs: PathBuf,
}

fn sides() -> Sides {
    let tmp = tempfile::tempdir().unwrap();
    let py = tmp.path().join("python");
    let rs = tmp.path().join("rust");
    std::fs::create_dir_all(&py).unwrap();
    std::fs::create_dir_all(&rs).unwrap();
    Sides { _tmp: tmp, py, rs }
}

fn put(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn obj(text: &str) -> Map {
    json::parse(text).unwrap().as_object().unwrap().clone()
}

fn run_cmp(s: &Sides, p: &str, r: &str) -> Result<(), String> {
    let c = Comparator::new(&s.py, &s.rs, HashSet::new());
    c.run_results(&obj(p), &obj(r))?;
    c.all_files_paired()
}

/// The run JSON of a media file, as `Media.to_json(run)` writes it.
fn media_json(dir: &str, key: &str, step: u32, ext: &str, bytes: &[u8]) -> (String, String) {
    let sha = sha256_hex(bytes);
    let path = format!("media/{dir}/{key}_{step}_{}{ext}", &sha[..20]);
    let json = format!(
        r#"{{"_type":"x-file","sha256":"{sha}","size":{},"path":"{path}"}}"#,
        bytes.len()
    );
    (path, json)
}

fn png(img: &DynamicImage, fmt: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, fmt).unwrap();
    out.into_inner()
}

/// The same pixels as two different byte strings: an encoder's output we do not reproduce.
fn same_pixels_other_bytes() -> (Vec<u8>, Vec<u8>) {
    let img = DynamicImage::ImageRgb8(ImageBuffer::from_fn(4, 3, |x, y| {
        Rgb([x as u8 * 9, y as u8 * 7, 3])
    }));
    let a = png(&img, ImageFormat::Png);
    // Re-encode through BMP → PNG with a different compression: other bytes, same pixels.
    let mut b = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut b,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Paeth,
    )
    .write_image(img.as_bytes(), 4, 3, image::ExtendedColorType::Rgb8)
    .map(|_| ())
    .unwrap();
    use image::ImageEncoder as _;
    assert_ne!(a, b);
    (a, b)
}

#[test]
fn identical_outputs_pass() {
    let s = sides();
    let (path, j) = media_json("html", "h", 3, ".html", b"<p>x</p>");
    put(&s.py, &path, b"<p>x</p>");
    put(&s.rs, &path, b"<p>x</p>");
    let row = format!(r#"{{"h": {j}, "n": {{"a": [1, 2.5, "s", null, true]}}}}"#);
    run_cmp(&s, &row, &row).unwrap();
}

#[test]
fn values_keys_and_types_are_caught() {
    let s = sides();
    let e = run_cmp(&s, r#"{"a": 1}"#, r#"{"a": 2}"#).unwrap_err();
    assert!(e.starts_with("a: python 1 (int), rust 2 (int)"), "{e}");
    let e = run_cmp(&s, r#"{"a": 1}"#, r#"{"a": 1.0}"#).unwrap_err();
    assert!(e.contains("python 1 (int), rust 1.0 (float)"), "{e}");
    let e = run_cmp(&s, r#"{"a": {"b": 1}}"#, r#"{"a": {}}"#).unwrap_err();
    assert_eq!(e, "a.b: python has it, rust does not");
    let e = run_cmp(&s, r#"{"a": 1}"#, r#"{"a": 1, "z": 0}"#).unwrap_err();
    assert_eq!(e, "z: rust has it, python does not");
    let e = run_cmp(&s, r#"{"a": [1, 2]}"#, r#"{"a": [1]}"#).unwrap_err();
    assert!(e.contains("python has 2 items, rust 1"), "{e}");
    let e = run_cmp(&s, r#"{"a": ["x", "y"]}"#, r#"{"a": ["x", "z"]}"#).unwrap_err();
    assert!(e.starts_with("a[1]:"), "{e}");
    assert!(run_cmp(&s, r#"{"a": null}"#, r#"{"a": false}"#).is_err());
}

#[test]
fn floats_agree_to_1e_12_relative() {
    let s = sides();
    // numpy and a re-implementation may round the last bit of a computed edge differently.
    run_cmp(
        &s,
        r#"{"b": [1.6666666666666665]}"#,
        r#"{"b": [1.6666666666666667]}"#,
    )
    .unwrap();
    run_cmp(
        &s,
        r#"{"b": NaN, "c": -Infinity}"#,
        r#"{"b": NaN, "c": -Infinity}"#,
    )
    .unwrap();
    let e = run_cmp(&s, r#"{"b": [1.0]}"#, r#"{"b": [1.000000001]}"#).unwrap_err();
    assert!(e.starts_with("b[0]:"), "{e}");
    assert!(run_cmp(&s, r#"{"b": NaN}"#, r#"{"b": 1.0}"#).is_err());
    assert!(run_cmp(&s, r#"{"b": Infinity}"#, r#"{"b": -Infinity}"#).is_err());
    assert!(floats_agree(0.0, -0.0));
}

#[test]
fn client_artifact_ids_may_differ_and_nothing_else() {
    let s = sides();
    let id = |c: char| c.to_string().repeat(128);
    let url = |c: char, rest: &str| format!("wandb-client-artifact://{}{rest}", id(c));
    let row = |a: &str, l: &str| {
        format!(r#"{{"t": {{"artifact_path": "{a}", "_latest_artifact_path": "{l}"}}}}"#)
    };
    run_cmp(
        &s,
        &row(
            &url('a', "/t.table.json"),
            &url('b', ":latest/t.table.json"),
        ),
        &row(
            &url('c', "/t.table.json"),
            &url('d', ":latest/t.table.json"),
        ),
    )
    .unwrap();
    let e = run_cmp(
        &s,
        &row(
            &url('a', "/t.table.json"),
            &url('b', ":latest/t.table.json"),
        ),
        &row(
            &url('c', "/u.table.json"),
            &url('d', ":latest/t.table.json"),
        ),
    )
    .unwrap_err();
    assert!(e.starts_with("t.artifact_path"), "{e}");
    // An id that is not 128 characters of [a-z0-9] is not a client id.
    let short = "wandb-client-artifact://abc/t.table.json";
    assert!(
        run_cmp(
            &s,
            &row(short, short),
            &row(&url('c', "/t.table.json"), short)
        )
        .is_err()
    );
}

#[test]
fn encoder_made_files_may_differ_in_sha_size_and_id() {
    let s = sides();
    let (a, b) = same_pixels_other_bytes();
    let (pp, pj) = media_json("images", "img", 2, ".png", &a);
    let (rp, rj) = media_json("images", "img", 2, ".png", &b);
    put(&s.py, &pp, &a);
    put(&s.rs, &rp, &b);
    run_cmp(
        &s,
        &format!(r#"{{"img": {pj}}}"#),
        &format!(r#"{{"img": {rj}}}"#),
    )
    .unwrap();

    // Our sha256 must be that of our own file.
    let wrong_sha = rj.replace(&sha256_hex(&b), &sha256_hex(&a));
    let e = run_cmp(
        &s,
        &format!(r#"{{"img": {pj}}}"#),
        &format!(r#"{{"img": {wrong_sha}}}"#),
    )
    .unwrap_err();
    assert!(e.contains("img.sha256: rust says"), "{e}");
    // And our size.
    let wrong_size = rj.replace(&format!("\"size\":{}", b.len()), "\"size\":1");
    let e = run_cmp(
        &s,
        &format!(r#"{{"img": {pj}}}"#),
        &format!(r#"{{"img": {wrong_size}}}"#),
    )
    .unwrap_err();
    assert!(e.contains("img.size: rust says 1"), "{e}");
}

#[test]
fn encoder_made_files_must_follow_the_naming_rule() {
    let s = sides();
    let (a, b) = same_pixels_other_bytes();
    let (pp, pj) = media_json("images", "img", 2, ".png", &a);
    // Our file under the wrong step: the name must be the SDK's with our id.
    let (rp, rj) = media_json("images", "img", 3, ".png", &b);
    put(&s.py, &pp, &a);
    put(&s.rs, &rp, &b);
    let e = run_cmp(
        &s,
        &format!(r#"{{"img": {pj}}}"#),
        &format!(r#"{{"img": {rj}}}"#),
    )
    .unwrap_err();
    assert!(e.contains("does not follow the naming rule"), "{e}");
}

#[test]
fn encoder_made_files_with_other_pixels_are_caught() {
    let s = sides();
    let one = DynamicImage::ImageRgb8(ImageBuffer::from_fn(2, 2, |_, _| Rgb([1, 2, 3])));
    let two = DynamicImage::ImageRgb8(ImageBuffer::from_fn(2, 2, |x, _| Rgb([1, 2, 3 + x as u8])));
    let (a, b) = (png(&one, ImageFormat::Png), png(&two, ImageFormat::Png));
    let (pp, pj) = media_json("images", "img", 0, ".png", &a);
    let (rp, rj) = media_json("images", "img", 0, ".png", &b);
    put(&s.py, &pp, &a);
    put(&s.rs, &rp, &b);
    let e = run_cmp(
        &s,
        &format!(r#"{{"img": {pj}}}"#),
        &format!(r#"{{"img": {rj}}}"#),
    )
    .unwrap_err();
    assert!(e.contains("pixels differ, first at (x=1, y=0)"), "{e}");
}

#[test]
fn byte_exact_files_are_caught_with_their_sha() {
    let s = sides();
    let (pp, pj) = media_json("html", "h", 0, ".html", b"<p>x</p>");
    let (rp, rj) = media_json("html", "h", 0, ".html", b"<p>y</p>");
    put(&s.py, &pp, b"<p>x</p>");
    put(&s.rs, &rp, b"<p>y</p>");
    let e = run_cmp(
        &s,
        &format!(r#"{{"h": {pj}}}"#),
        &format!(r#"{{"h": {rj}}}"#),
    )
    .unwrap_err();
    assert!(e.contains("bytes differ at offset 3"), "{e}");
}

#[test]
fn missing_and_unpaired_files_are_caught() {
    let s = sides();
    let (path, j) = media_json("html", "h", 0, ".html", b"<p>x</p>");
    put(&s.py, &path, b"<p>x</p>");
    let e = run_cmp(&s, &format!(r#"{{"h": {j}}}"#), &format!(r#"{{"h": {j}}}"#)).unwrap_err();
    assert!(e.contains("which it did not write"), "{e}");
    put(&s.rs, &path, b"<p>x</p>");
    put(&s.rs, "media/html/extra.html", b"<p>x</p>");
    let e = run_cmp(&s, &format!(r#"{{"h": {j}}}"#), &format!(r#"{{"h": {j}}}"#)).unwrap_err();
    assert_eq!(
        e,
        "rust wrote media/html/extra.html, which nothing in the other side's output pairs with"
    );
}

#[test]
fn same_bytes_under_another_name_is_caught() {
    let s = sides();
    let (pp, pj) = media_json("html", "h", 0, ".html", b"<p>x</p>");
    let (rp, rj) = media_json("html", "h", 1, ".html", b"<p>x</p>");
    put(&s.py, &pp, b"<p>x</p>");
    put(&s.rs, &rp, b"<p>x</p>");
    let e = run_cmp(
        &s,
        &format!(r#"{{"h": {pj}}}"#),
        &format!(r#"{{"h": {rj}}}"#),
    )
    .unwrap_err();
    assert!(e.contains("the same bytes under different names"), "{e}");
}

#[test]
fn plotly_files_may_differ_in_sha_size_and_id() {
    let s = sides();
    let py = br#"{"data":[{"y":[1],"type":"bar"}],"layout":{"template":{"data":{}}}}"#;
    let rs = br#"{"data":[{"type":"bar","y":[1]}],"layout":{}}"#;
    let (pp, pj) = media_json("plotly", "p", 0, ".plotly.json", py);
    let (rp, rj) = media_json("plotly", "p", 0, ".plotly.json", rs);
    put(&s.py, &pp, py);
    put(&s.rs, &rp, rs);
    run_cmp(
        &s,
        &format!(r#"{{"p": {pj}}}"#),
        &format!(r#"{{"p": {rj}}}"#),
    )
    .unwrap();
    let bad = br#"{"data":[{"type":"bar","y":[1]}],"layout":{"title":"x"}}"#;
    let (bp, bj) = media_json("plotly", "p", 0, ".plotly.json", bad);
    put(&s.rs, &bp, bad);
    std::fs::remove_file(s.rs.join(&rp)).unwrap();
    let e = run_cmp(
        &s,
        &format!(r#"{{"p": {pj}}}"#),
        &format!(r#"{{"p": {bj}}}"#),
    )
    .unwrap_err();
    assert!(e.contains("layout.title: rust has it"), "{e}");
}

#[test]
fn copied_files_must_be_byte_identical() {
    let s = sides();
    let (a, b) = same_pixels_other_bytes();
    let (pp, pj) = media_json("images", "img", 0, ".png", &a);
    let (rp, rj) = media_json("images", "img", 0, ".png", &b);
    put(&s.py, &pp, &a);
    put(&s.rs, &rp, &b);
    // The SDK's file has the bytes of a fixture: it was copied, so ours must be the same.
    let c = Comparator::new(&s.py, &s.rs, [sha256_hex(&a)].into_iter().collect());
    let e = c
        .run_results(
            &obj(&format!(r#"{{"img": {pj}}}"#)),
            &obj(&format!(r#"{{"img": {rj}}}"#)),
        )
        .unwrap_err();
    assert!(e.contains("copied this file from a path"), "{e}");
}

#[test]
fn artifact_entries_pair_by_name_and_by_generated_ids() {
    let s = sides();
    let (a, b) = same_pixels_other_bytes();
    let name = |bytes: &[u8]| format!("media/images/{}.png", &md5_hex(bytes)[..20]);
    let entry = |bytes: &[u8]| {
        format!(
            r#"{{"_type": "image-file", "path": "{}", "sha256": "{}"}}"#,
            name(bytes),
            sha256_hex(bytes)
        )
    };
    put(&s.py, &name(&a), &a);
    put(&s.rs, &name(&b), &b);
    put(&s.py, "img.image-file.json", entry(&a).as_bytes());
    put(&s.rs, "img.image-file.json", entry(&b).as_bytes());
    let c = Comparator::new(&s.py, &s.rs, HashSet::new());
    let p = obj(&format!(r#"{{"img.image-file.json": {}}}"#, entry(&a)));
    let r = obj(&format!(r#"{{"img.image-file.json": {}}}"#, entry(&b)));
    c.artifact_results(&p, &r).unwrap();
    c.all_files_paired().unwrap();

    // An entry only one side wrote.
    let c = Comparator::new(&s.py, &s.rs, HashSet::new());
    let r2 = obj(&format!(r#"{{"other.image-file.json": {}}}"#, entry(&b)));
    let e = c.artifact_results(&p, &r2).unwrap_err();
    assert_eq!(
        e,
        "entry img.image-file.json: python wrote it, rust did not"
    );
}

#[test]
fn artifact_entry_bytes_must_match_when_content_does() {
    let s = sides();
    put(&s.py, "h.html-file.json", br#"{"_type": "html-file"}"#);
    put(&s.rs, "h.html-file.json", br#"{"_type":"html-file"}"#);
    let c = Comparator::new(&s.py, &s.rs, HashSet::new());
    let m = obj(r#"{"h.html-file.json": {"_type": "html-file"}}"#);
    let e = c.artifact_results(&m, &m).unwrap_err();
    assert!(e.contains("same JSON, different bytes"), "{e}");
}

#[test]
fn error_messages_in_other_words_are_noted() {
    assert_eq!(
        message_note(
            "ValueError: The maximum length of a histogram is 512",
            "The maximum length of a histogram is 512"
        ),
        None
    );
    assert!(message_note("ValueError: x", "y").is_some());
}

fn case(expect_error: bool) -> Case {
    Case {
        name: "c".into(),
        about: String::new(),
        path: PathBuf::from("c.json"),
        target: Target::Run,
        step: 0,
        entries: Vec::new(),
        expect_error,
        files: Vec::new(),
        patterns: Vec::new(),
    }
}

fn outcome(s: &Sides, py: &str, rs: &str, expect_error: bool) -> Result<Option<String>, String> {
    put(&s.py, "result.json", py.as_bytes());
    put(&s.rs, "result.json", rs.as_bytes());
    compare_case(
        &case(expect_error),
        &s.py,
        &s.rs,
        &s.py,
        &RustRun::default(),
        PythonCrossRead::Skip,
    )
}

#[test]
fn expected_errors_and_outcomes() {
    let s = sides();
    let ok = r#"{"status": "ok", "result": {"a": 1}}"#;
    let err = |m: &str| format!(r#"{{"status": "error", "error": "{m}"}}"#);
    assert_eq!(outcome(&s, ok, ok, false), Ok(None));
    assert_eq!(
        outcome(&s, &err("ValueError: bad"), &err("bad"), true),
        Ok(None)
    );
    assert!(
        outcome(&s, &err("ValueError: bad"), &err("other"), true)
            .unwrap()
            .is_some()
    );
    let e = outcome(&s, ok, &err("x"), true).unwrap_err();
    assert!(e.contains("the SDK logged it without one"), "{e}");
    let e = outcome(&s, &err("ValueError: bad"), ok, true).unwrap_err();
    assert!(e.contains("rust accepted it"), "{e}");
    let e = outcome(&s, ok, &err("boom"), false).unwrap_err();
    assert_eq!(e, "rust failed: boom");
    let e = outcome(&s, &err("ValueError: bad"), ok, false).unwrap_err();
    assert!(e.contains("the SDK raised"), "{e}");
    // A panic, an unmapped case or an invalid case fails whatever the case expects.
    let panic = r#"{"status": "error", "error": "panicked: x", "panic": true}"#;
    assert!(outcome(&s, &err("E: x"), panic, true).is_err());
    let unmapped = r#"{"status": "error", "error": "cannot map", "unmapped": true}"#;
    assert!(outcome(&s, &err("E: x"), unmapped, true).is_err());
    let invalid = r#"{"status": "error", "error": "invalid case: x", "invalid_case": true}"#;
    assert!(outcome(&s, invalid, &err("x"), true).is_err());
}

#[test]
fn python_cross_read_failures_are_reported() {
    let s = sides();
    put(
        &s.py,
        "crossread.json",
        br#"{"h.html-file.json": {"ok": false, "error": "KeyError: x"}}"#,
    );
    let e = python_read_rust(&s.py).unwrap_err();
    assert!(
        e.contains("the SDK reads our h.html-file.json: KeyError: x"),
        "{e}"
    );
    put(
        &s.py,
        "crossread.json",
        br#"{"h.html-file.json": {"ok": true}}"#,
    );
    python_read_rust(&s.py).unwrap();
    std::fs::remove_file(s.py.join("crossread.json")).unwrap();
    assert!(python_read_rust(&s.py).is_err());
}
