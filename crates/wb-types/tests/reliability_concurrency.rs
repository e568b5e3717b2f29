//! Eight threads logging 10 000 steps each into one run lose nothing and corrupt nothing: every
//! row is in the log exactly once, each thread's rows in the order it logged them, steps
//! contiguous, and every media file logged along the way complete and announced.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use wb_types::Html;
use wb_types::core::internal::hash::sha256_hex;
use wb_types::core::json::Value;
use wb_types::run::{Row, Run, RunLog};

const THREADS: i64 = 8;
const STEPS: i64 = 10_000;
const MEDIA_EVERY: i64 = 500;

#[test]
fn eight_threads_times_ten_thousand_steps() {
    let tmp = tempfile::tempdir().unwrap();
    let run = Arc::new(
        Run::builder()
            .with_dir(tmp.path())
            .with_project("concurrency")
            .with_mode(wb_types::run::Mode::Offline)
            .build()
            .unwrap(),
    );
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let run = Arc::clone(&run);
            std::thread::spawn(move || {
                for j in 0..STEPS {
                    let mut row = Row::new()
                        .with("thread", t)
                        .with("j", j)
                        .with(format!("t{t}"), j);
                    if j % MEDIA_EVERY == 0 {
                        row = row.with_media(
                            "page",
                            Html::from_literal_with(
                                &format!("<p>{t} {j}</p>"),
                                wb_types::core::HtmlOptions::default().with_inject(false),
                            ),
                        );
                    }
                    run.log(row).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    run.finish(0).unwrap();

    let log = RunLog::read(run.dir()).unwrap();
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    let nums: Vec<i64> = log.records.iter().map(|r| r.num).collect();
    assert_eq!(nums, (1..=nums.len() as i64).collect::<Vec<_>>());
    let rows = log.history().unwrap();
    assert_eq!(rows.len() as i64, THREADS * STEPS);
    let mut seen: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut pages = 0;
    for (n, r) in rows.iter().enumerate() {
        assert_eq!(r.step, Some(n as i64));
        let t = r.values.get("thread").and_then(Value::as_i64).unwrap();
        let j = r.values.get("j").and_then(Value::as_i64).unwrap();
        assert_eq!(
            r.values.get(&format!("t{t}")).and_then(Value::as_i64),
            Some(j)
        );
        // A row holds one thread's values only.
        let others = (0..THREADS).filter(|o| *o != t && r.values.contains_key(&format!("t{o}")));
        assert_eq!(others.count(), 0, "row {n} mixes threads");
        seen.entry(t).or_default().push(j);
        if let Some(page) = r.values.get("page") {
            pages += 1;
            assert_eq!(j % MEDIA_EVERY, 0);
            let path = page.get("path").and_then(Value::as_str).unwrap();
            let bytes = std::fs::read(run.dir().join("files").join(path)).unwrap();
            assert_eq!(
                page.get("sha256").and_then(Value::as_str),
                Some(sha256_hex(&bytes).as_str())
            );
            assert_eq!(bytes, format!("<p>{t} {j}</p>").as_bytes());
        }
    }
    for t in 0..THREADS {
        assert_eq!(seen[&t], (0..STEPS).collect::<Vec<_>>(), "thread {t}");
    }
    assert_eq!(pages, THREADS * STEPS / MEDIA_EVERY);
    let files: BTreeSet<String> = log.files().into_iter().collect();
    assert_eq!(
        files
            .iter()
            .filter(|f| f.starts_with("media/html/page_"))
            .count() as i64,
        pages
    );
    // The summary holds each thread's last value.
    let summary = log.summary().unwrap();
    for t in 0..THREADS {
        assert_eq!(
            summary.get(&format!("t{t}")).and_then(Value::as_i64),
            Some(STEPS - 1)
        );
    }
}
