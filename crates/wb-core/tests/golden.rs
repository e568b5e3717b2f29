//! wb-core's types against golden outputs of wandb 0.31.0 (made by `tests/golden/make_golden.py`,
//! which logs the same values through the SDK's own `val_to_json` and `Artifact.add`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::path::{Path, PathBuf};
use wb_core::internal::value::val_to_json;
use wb_core::json::{self, Dialect, Value};
use wb_core::{
    Artifact, DirRun, Histogram, HistogramOptions, Html, JsonMetadata, LogValue, Plotly, Step,
    WbValue,
};

const STEP: Step = Step::Num(3);

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn read_json(p: &Path) -> Value {
    json::parse(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Key order matters in run JSON: compare the compact serializations.
fn same_json(a: &Value, b: &Value) -> bool {
    json::to_string(a, Dialect::Compact) == json::to_string(b, Dialect::Compact)
}

fn page_html(dir: &Path) -> PathBuf {
    let p = dir.join("page.html");
    std::fs::write(&p, "<html><body><p>from a file</p></body></html>\n").unwrap();
    p
}

fn figure() -> Value {
    json::parse(r#"{"data": [{"type": "scatter", "x": [1, 2, 3], "y": [4.5, 5, 6], "name": "s\u00e9rie"}], "layout": {"title": {"text": "t"}}}"#).unwrap()
}

fn linspace(start: f64, stop: f64, n: usize) -> Vec<f64> {
    let step = (stop - start) / (n - 1) as f64;
    let mut v: Vec<f64> = (0..n).map(|i| i as f64 * step + start).collect();
    v[n - 1] = stop;
    v
}

fn run_cases(tmp: &Path) -> Vec<(&'static str, &'static str, Box<dyn WbValue>)> {
    let html = |s: &str| -> Box<dyn WbValue> { Box::new(Html::from_literal(s)) };
    let f32s: Vec<f32> = vec![0.1, 0.2, 0.7, 1.3];
    let modded: Vec<f64> = (0..1000i64)
        .map(|i| ((i * 37) % 101) as f64 * 0.013 - 0.3)
        .collect();
    vec![
        (
            "hist_default",
            "h",
            Box::new(
                Histogram::from_sequence(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.5])
                    .unwrap(),
            ),
        ),
        (
            "hist_bins3",
            "h",
            Box::new(
                Histogram::from_sequence_with(
                    &[1i64, 2, 3],
                    HistogramOptions::default().with_num_bins(3),
                )
                .unwrap(),
            ),
        ),
        (
            "hist_constant",
            "h",
            Box::new(
                Histogram::from_sequence_with(
                    &[5.0f64; 3],
                    HistogramOptions::default().with_num_bins(4),
                )
                .unwrap(),
            ),
        ),
        (
            "hist_empty",
            "h",
            Box::new(Histogram::from_sequence::<f64>(&[]).unwrap()),
        ),
        (
            "hist_ints",
            "h",
            Box::new(
                Histogram::from_sequence_with(
                    &[3i64, -7, 12, 0, 5, 5, 9],
                    HistogramOptions::default().with_num_bins(7),
                )
                .unwrap(),
            ),
        ),
        (
            "hist_f32",
            "h",
            Box::new(
                Histogram::from_sequence_with(&f32s, HistogramOptions::default().with_num_bins(5))
                    .unwrap(),
            ),
        ),
        (
            "hist_np_int",
            "h",
            Box::new(Histogram::from_np_histogram(vec![1, 2, 3], vec![0, 1, 2, 3]).unwrap()),
        ),
        (
            "hist_np_float",
            "h",
            Box::new(Histogram::from_np_histogram(vec![4, 0], vec![0.0, 0.5, 1.0]).unwrap()),
        ),
        (
            "hist_512",
            "h",
            Box::new(
                Histogram::from_sequence_with(
                    &linspace(-3.0, 7.0, 2000),
                    HistogramOptions::default().with_num_bins(512),
                )
                .unwrap(),
            ),
        ),
        (
            "hist_mod",
            "h",
            Box::new(Histogram::from_sequence(&modded).unwrap()),
        ),
        ("html_plain", "html", html("<p>hello \u{e9}</p>")),
        (
            "html_head",
            "html",
            html("<html><head><title>x</title></head><body>b</body></html>"),
        ),
        (
            "html_html_only",
            "html",
            html("  <html><body>b</body></html>  "),
        ),
        (
            "html_no_inject",
            "html",
            Box::new(Html::from_literal_with(
                "<p>raw</p>\n",
                wb_core::HtmlOptions::default().with_inject(false),
            )),
        ),
        (
            "html_path_inject",
            "html",
            Box::new(Html::new(page_html(tmp).to_str().unwrap()).unwrap()),
        ),
        (
            "html_path_no_inject",
            "html",
            Box::new(
                Html::new_with(
                    page_html(tmp).to_str().unwrap(),
                    wb_core::HtmlOptions::default().with_inject(false),
                )
                .unwrap(),
            ),
        ),
        ("key_slashes", "a/b/c", html("<p>k</p>")),
        ("key_dotdot", "../../up", html("<p>k</p>")),
        ("key_leading_slash", "////abs/x", html("<p>k</p>")),
        ("key_dot", "a/./b", html("<p>k</p>")),
        (
            "plotly",
            "plot",
            Box::new(Plotly::from_figure(&figure()).unwrap()),
        ),
        (
            "metadata",
            "meta",
            Box::new(JsonMetadata::new(
                "metadata",
                json::parse(r#"{"z": 1, "a": [1.5, NaN, 1e-7], "s": "\u2603"}"#).unwrap(),
            )),
        ),
    ]
}

fn without_template(mut v: Value) -> Value {
    if let Some(layout) = v
        .as_object_mut()
        .and_then(|m| m.get_mut("layout"))
        .and_then(Value::as_object_mut)
    {
        layout.shift_remove("template");
    }
    v
}

#[test]
fn run_json_and_files_match_the_sdk() {
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path().join("files"));
    let g = golden();
    let cases = run_cases(tmp.path());
    assert_eq!(
        cases.len(),
        std::fs::read_dir(g.join("run"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_file())
            .count()
    );
    for (case, key, value) in cases {
        let value: std::sync::Arc<dyn WbValue> = value.into();
        let ours = val_to_json(&run, key, &LogValue::Media(value), STEP).unwrap();
        let want = read_json(&g.join(format!("run/{case}.json")));
        if case == "plotly" {
            // Python's plotly adds its default template; the file differs, so do sha256 and
            // path: compare the figure without the template, and our JSON's own consistency.
            let rel = ours.get("path").and_then(Value::as_str).unwrap();
            let our_fig = read_json(&run.files_dir_path().join(rel));
            let want_fig = read_json(
                &g.join("run/files")
                    .join(want.get("path").and_then(Value::as_str).unwrap()),
            );
            assert_eq!(
                without_template(our_fig),
                without_template(want_fig),
                "{case}"
            );
            assert!(rel.starts_with("media/plotly/plot_3_") && rel.ends_with(".plotly.json"));
            continue;
        }
        assert!(
            same_json(&ours, &want),
            "{case}:\n ours {}\n want {}",
            json::to_string(&ours, Dialect::Compact),
            json::to_string(&want, Dialect::Compact)
        );
        if let Some(rel) = want.get("path").and_then(Value::as_str) {
            let a = std::fs::read(run.files_dir_path().join(rel)).unwrap();
            let b = std::fs::read(g.join("run/files").join(rel)).unwrap();
            assert_eq!(a, b, "{case}: file {rel}");
        }
    }
}

#[test]
fn artifact_entries_match_the_sdk() {
    let tmp = tempfile::tempdir().unwrap();
    let g = golden();
    let cases: Vec<(&str, Box<dyn WbValue>)> = vec![
        (
            "html_plain",
            Box::new(Html::from_literal("<p>hello \u{e9}</p>")),
        ),
        (
            "html_path_no_inject",
            Box::new(
                Html::new_with(
                    page_html(tmp.path()).to_str().unwrap(),
                    wb_core::HtmlOptions::default().with_inject(false),
                )
                .unwrap(),
            ),
        ),
    ];
    for (case, value) in cases {
        let mut art = Artifact::new("golden", "dataset");
        let entry = art.add(value.as_ref(), case).unwrap();
        assert_eq!(entry, format!("{case}.html-file.json"));
        let ours = art.entry_bytes(&entry).unwrap();
        let want = std::fs::read(g.join("artifact").join(&entry)).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&want),
            "{case}"
        );
        let path = read_json(&g.join("artifact").join(&entry))
            .get("path")
            .and_then(Value::as_str)
            .unwrap()
            .to_owned();
        assert_eq!(
            &*art.entry_bytes(&path).unwrap(),
            std::fs::read(g.join("artifact/files").join(&path))
                .unwrap()
                .as_slice()
        );
        // And it reads back equal through the registry.
        let back = wb_core::Registry::new()
            .with_core()
            .decode(&read_json(&g.join("artifact").join(&entry)), &art)
            .unwrap()
            .unwrap();
        assert!(back.wb_eq(value.as_ref()), "{case}: read back differs");
    }
}

#[test]
fn errors_match_the_sdk() {
    let errors = read_json(&golden().join("errors.json"));
    let msg = |case: &str| {
        let full = errors.get(case).and_then(Value::as_str).unwrap();
        full.split_once(": ").unwrap().1.to_owned()
    };
    let big: Vec<f64> = (0..600).map(f64::from).collect();
    assert_eq!(
        Histogram::from_sequence_with(&big, HistogramOptions::default().with_num_bins(513))
            .unwrap_err()
            .to_string(),
        msg("hist_513")
    );
    assert_eq!(
        Histogram::from_sequence(&[1.0, f64::NAN])
            .unwrap_err()
            .to_string(),
        msg("hist_nan")
    );
    assert_eq!(
        Histogram::from_sequence(&[1.0, f64::INFINITY])
            .unwrap_err()
            .to_string(),
        msg("hist_inf")
    );
    assert_eq!(
        Histogram::from_np_histogram(vec![1, 2], vec![0, 1])
            .unwrap_err()
            .to_string(),
        msg("hist_np_bad_len")
    );
    let mut art = Artifact::new("a", "dataset");
    let h = Histogram::from_sequence(&[1.0, 2.0]).unwrap();
    let e = art.add(&h, "h").unwrap_err().to_string();
    assert!(
        e.starts_with("Found object of type Histogram, expected one of: ("),
        "{e}"
    );
    let p = Plotly::from_figure(&figure()).unwrap();
    assert!(art.add(&p, "p").is_err());
}
