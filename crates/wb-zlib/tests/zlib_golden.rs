//! Our deflate encoder against zlib 1.2.13 (level 6, memLevel 9, windowBits 15, Z_FILTERED):
//! each input of `tests/golden/zlib_golden.json` is rebuilt here from the formula its script
//! (`make_zlib_golden.py`) used, deflated whole or in the same chunks, and the stream must
//! equal zlib's byte for byte (in full for short streams, else by length and SHA-256).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sha2::{Digest, Sha256};
use wb_core::json::{self, Value};
use wb_zlib::{CompressOptions, Threads};

fn hash32(i: u64) -> u32 {
    let mut x = i as u32;
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

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

/// The bench's photo-like image (xtask/src/bench/inputs.rs), filtered as Pillow filters it.
fn photo_filtered() -> Vec<u8> {
    let mut data = Vec::with_capacity(512 * 512 * 3);
    for y in 0..512i64 {
        for x in 0..512i64 {
            let mut rgb = [
                (x + y) * 255 / 1022,
                64 + y * 128 / 511,
                200 - x * 100 / 511,
            ];
            if (x - 300).pow(2) + (y - 200).pow(2) < 80 * 80 {
                rgb = [250, 220, 120];
            }
            if (60..200).contains(&x) && (300..480).contains(&y) {
                rgb = [90, 90, 100];
                if (x / 10 + y / 14) % 3 == 0 {
                    rgb = [200, 200, 150];
                }
            }
            for (c, v) in rgb.iter().enumerate() {
                let noise = i64::from(hash32(((y * 512 + x) * 3 + c as i64) as u64) >> 29);
                data.push((v + noise).min(255) as u8);
            }
        }
    }
    pillow_filter(&data, 512 * 3, 3)
}

/// Rows of `stride` bytes (`bpp` a pixel), each prefixed by the filter Pillow picks: of None,
/// Up, Sub and Paeth (in that order, a later one only while the best costs more than 0 and only
/// when strictly cheaper), the one whose bytes, read as signed, sum to the least magnitude.
fn pillow_filter(data: &[u8], stride: usize, bpp: usize) -> Vec<u8> {
    let cost = |r: &[u8]| -> u64 { r.iter().map(|&v| u64::from(v.min(v.wrapping_neg()))).sum() };
    let paeth = |a: u8, b: u8, c: u8| {
        let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
        let (pa, pb, pc) = ((ib - ic).abs(), (ia - ic).abs(), (ia + ib - 2 * ic).abs());
        if pa <= pb && pa <= pc {
            a
        } else if pb <= pc {
            b
        } else {
            c
        }
    };
    let zero = vec![0u8; stride];
    let mut out = Vec::with_capacity(data.len() + data.len() / stride);
    for (y, row) in data.chunks(stride).enumerate() {
        let prev = if y == 0 {
            &zero[..]
        } else {
            &data[(y - 1) * stride..y * stride]
        };
        let left = |i: usize| if i >= bpp { row[i - bpp] } else { 0 };
        let up_left = |i: usize| if i >= bpp { prev[i - bpp] } else { 0 };
        let filtered: [(u8, Vec<u8>); 4] = [
            (0, row.to_vec()),
            (
                2,
                (0..stride).map(|i| row[i].wrapping_sub(prev[i])).collect(),
            ),
            (
                1,
                (0..stride).map(|i| row[i].wrapping_sub(left(i))).collect(),
            ),
            (
                4,
                (0..stride)
                    .map(|i| row[i].wrapping_sub(paeth(left(i), prev[i], up_left(i))))
                    .collect(),
            ),
        ];
        let mut best = 0;
        let mut best_cost = cost(&filtered[0].1);
        for (k, (_, f)) in filtered.iter().enumerate().skip(1) {
            let c = cost(f);
            if best_cost > 0 && c < best_cost {
                (best, best_cost) = (k, c);
            }
        }
        out.push(filtered[best].0);
        out.extend_from_slice(&filtered[best].1);
    }
    out
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
