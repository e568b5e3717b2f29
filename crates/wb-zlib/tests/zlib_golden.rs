//! Our deflate encoder against zlib 1.2.13 (level 6, memLevel 9, windowBits 15, Z_FILTERED):
//! each input of `tests/golden/zlib_golden.json` is rebuilt here from the formula its script
//! (`make_zlib_golden.py`) used, deflated whole or in the same chunks, and the stream must
//! equal zlib's byte for byte (in full for short streams, else by length and SHA-256).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod inputs;

use inputs::{hash32, image, pillow_filter};
use sha2::{Digest, Sha256};
use wb_core::json::{self, Value};
use wb_zlib::{CompressOptions, Threads};

const WORDS: [&str; 24] = [
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "deflate", "zlib", "window",
    "hash", "chain", "match", "literal", "block", "tree", "huffman", "code", "bits", "image",
    "pixel", "row", "filter",
];

/// The inputs of `make_zlib_golden.py`'s `gen`, formula for formula (Python `gen`).
fn input(kind: &str, n: usize, p: u64) -> Vec<u8> {
    let n64 = n as u64;
    match kind {
        "random" => (0..n64).map(|i| (hash32(i) >> 24) as u8).collect(),
        "alphabet" => (0..n64)
            .map(|i| ((hash32(i) >> 24) as u64 % p) as u8)
            .collect(),
        "zeros" => vec![0; n],
        "runs" => (0..n64).map(|i| (hash32(i / p) >> 24) as u8).collect(),
        "geometric" => (0..n64).map(|i| hash32(i).leading_zeros() as u8).collect(),
        "periodic" => (0..n64).map(|i| (hash32(i % p) >> 24) as u8).collect(),
        "records" => (0..n64)
            .map(|i| {
                let (j, off) = (i / p, i % p);
                let shared = off < 128 || j % 3 == 2;
                (hash32(if shared { off } else { i + 1_000_000 }) >> 24) as u8
            })
            .collect(),
        "ramp" => (0..n64).map(|i| (i & 255) as u8).collect(),
        "text" => {
            let mut s = String::new();
            let mut j = 0;
            while s.len() < n {
                s.push_str(WORDS[hash32(j) as usize % WORDS.len()]);
                s.push(' ');
                j += 1;
            }
            s.into_bytes()[..n].to_vec()
        }
        "mixed" => {
            let mut out = Vec::with_capacity(n);
            for k in 0..n.div_ceil(20000) {
                let m = 20000.min(n - k * 20000);
                let sub = ["random", "alphabet", "zeros", "text", "runs"][k % 5];
                let seg = input(sub, m + k, if sub == "alphabet" { 4 } else { 23 });
                out.extend_from_slice(&seg[k..]);
            }
            out
        }
        "photo" => photo_filtered(),
        _ => panic!("unknown kind {kind}"),
    }
}

/// The bench's photo-like image, filtered as Pillow filters it.
fn photo_filtered() -> Vec<u8> {
    pillow_filter(&image(true), 512 * 3, 3)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn deflate_equals_zlib_1_2_13_byte_for_byte() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/zlib_golden.json");
    let golden = json::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = golden.get("cases").and_then(Value::as_array).unwrap();
    assert!(cases.len() >= 30);
    let mut failures = Vec::new();
    for case in cases {
        let name = case.get("name").and_then(Value::as_str).unwrap();
        let kind = case.get("kind").and_then(Value::as_str).unwrap();
        let n = case.get("n").and_then(Value::as_i64).unwrap() as usize;
        let param = case.get("param").and_then(Value::as_i64).unwrap() as u64;
        let data = input(kind, n, param);
        assert_eq!(data.len(), n, "{name}: input length");
        let options = CompressOptions::default().with_feed_size(
            case.get("chunk")
                .and_then(Value::as_i64)
                .map_or(0, |c| c as usize),
        );
        let ours = wb_zlib::compress_with(&data, options).unwrap();
        // Large inputs may go through the two-thread path; the one-thread path must agree, and
        // so must the owned-buffer entry point.
        if data.len() >= 1 << 18 {
            let serial = wb_zlib::compress_with(&data, options.with_threads(Threads::One)).unwrap();
            assert!(serial == ours, "{name}: one thread and two threads differ");
            let owned = wb_zlib::compress_vec(data.clone(), options).unwrap();
            assert!(owned == ours, "{name}: compress_vec differs");
        }
        if options.feed_size().is_none() && data.len() < 1 << 18 {
            assert!(
                wb_zlib::compress(&data).unwrap() == ours,
                "{name}: compress differs"
            );
        }
        let want_len = case.get("out_len").and_then(Value::as_i64).unwrap() as usize;
        let want_sha = case.get("sha256").and_then(Value::as_str).unwrap();
        let ok = ours.len() == want_len && hex(&Sha256::digest(&ours)) == want_sha;
        if let Some(h) = case.get("hex").and_then(Value::as_str) {
            assert_eq!(hex(&ours), h, "{name}: stream differs from zlib's");
        }
        if !ok {
            failures.push(format!("{name}: {} bytes, zlib {want_len}", ours.len()));
        }
    }
    assert!(
        failures.is_empty(),
        "streams differ from zlib's: {failures:#?}"
    );
}
