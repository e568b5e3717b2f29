//! Our outputs against the golden copies of the SDK's outputs (`tests/conformance/golden/`,
//! stored by `cargo xtask conformance --bless` from a live run with wandb 0.31.0), with the
//! same comparator as the live run, and no Python. The live run stays the authority; this test
//! keeps `cargo test --workspace` from losing what it once proved.

use xtask::conformance::{self, Options};

#[test]
fn outputs_match_the_golden_copies() {
    let root = conformance::root();
    let golden = conformance::golden_dir(&root);
    let corpus = conformance::corpus_dir(&root);
    let stale = conformance::stale_golden(&golden, &corpus);
    assert!(
        stale.is_empty(),
        "golden copies without a case file (delete them, or run `cargo xtask conformance --bless`): {stale:?}"
    );
    let work = tempfile::tempdir().expect("a temporary folder");
    let opts = Options {
        golden: true,
        work_dir: Some(work.path().to_path_buf()),
        ..Options::default()
    };
    let rows = conformance::run(&opts).expect("the golden run starts");
    assert!(
        rows.len() >= 30,
        "only {} cases have golden copies; expected the whole wb-core corpus at least",
        rows.len()
    );
    let failed: Vec<String> = rows
        .iter()
        .filter_map(|r| r.outcome.as_ref().err().map(|e| format!("{}: {e}", r.name)))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} cases differ from their golden copies:\n{}",
        failed.len(),
        rows.len(),
        failed.join("\n")
    );
}
