//! The fuzz targets' smoke run, on stable, in every `cargo test`: each committed corpus file
//! (`fuzz/corpus/<target>/`, seeds plus what libFuzzer kept in its 10-minute runs) goes through
//! the same target function the fuzzers run (this crate's), and so does each file
//! truncated and with bytes flipped, plus a few thousand random inputs per target (proptest).
//! A panic here is a fuzz finding; see docs/reliability.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use std::path::PathBuf;
use wb_fuzz_targets as targets;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the fuzz corpus {} is missing: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "empty corpus {}", dir.display());
    out
}

/// Every corpus input, then each one cut at a few points and with a few bytes flipped.
fn replay(target: &str, f: fn(&[u8])) {
    let files = corpus(target);
    for (path, bytes) in &files {
        let run = |data: &[u8], what: &str| {
            let r = std::panic::catch_unwind(|| f(data));
            assert!(
                r.is_ok(),
                "{target} panicked on {} ({what})",
                path.display()
            );
        };
        run(bytes, "as is");
        let n = bytes.len();
        for cut in [n / 2, n * 9 / 10, n.saturating_sub(1)] {
            run(&bytes[..cut], &format!("cut at {cut}"));
        }
        let mut flipped = bytes.clone();
        for i in (0..n).step_by((n / 8).max(1)) {
            flipped[i] ^= 0x5A;
        }
        run(&flipped, "bytes flipped");
    }
    eprintln!("{target}: {} corpus files replayed", files.len());
}

#[test]
fn json_parse_corpus() {
    replay("json_parse", targets::json_parse);
}

#[test]
fn registry_from_json_corpus() {
    replay("registry_from_json", targets::registry_from_json);
}

#[test]
fn wandb_reader_corpus() {
    replay("wandb_reader", targets::wandb_reader);
}

#[test]
fn media_bytes_corpus() {
    replay("media_bytes", targets::media_bytes);
}

#[test]
fn case_parser_corpus() {
    replay("case_parser", targets::case_parser);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn json_parse_random(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        targets::json_parse(&data);
    }

    #[test]
    fn json_parse_random_text(text in "[\\[\\]{}\",:0-9eE+.\\-a-zINfty \\\\u]{0,200}") {
        targets::json_parse(text.as_bytes());
    }

    #[test]
    fn wandb_reader_random(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
        targets::wandb_reader(&data);
    }

    #[test]
    fn media_bytes_random(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        targets::media_bytes(&data);
    }

    #[test]
    fn case_parser_random(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        targets::case_parser(&data);
    }
}
