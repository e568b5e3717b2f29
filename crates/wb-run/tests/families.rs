//! Family types logged to a run: a `wb-table` Table (its `run_table` artifact record and files)
//! and a `wb-image` Image with boxes (class labels in `config._wandb`), against the records
//! wandb 0.31.0 wrote for the same logs (the "table" scenario of tests/data/make_sdk_logs.py).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{data, golden, normalize, simple_records};
use wb_core::json::{Value, parse};
use wb_image::{BoundingBoxes2D, Image, ImageFormat};
use wb_run::{Row, Run};
use wb_table::Table;

#[test]
fn a_table_and_an_image_with_boxes_give_the_sdks_records() {
    let tmp = tempfile::tempdir().unwrap();
    let run = Run::builder()
        .with_dir(tmp.path())
        .with_project("golden")
        .with_mode(wb_run::Mode::Offline)
        .with_name("table")
        .with_data_dir(tmp.path().join("data"))
        .build()
        .unwrap();
    let table = Table::from_rows(
        ["a", "b"],
        vec![vec![1.into(), "x".into()], vec![2.into(), "y".into()]],
    )
    .unwrap();
    // The SDK's PNG of np.zeros((2, 2, 3), uint8): wb-image deflates PNGs with its own settings
    // (smaller files), so its bytes, and file names, differ from Pillow's on purpose.
    let png = std::fs::read(data("table.media/images/img_0_7899d6ced52159786ff0.png")).unwrap();
    let boxes = BoundingBoxes2D::new(
        parse(
            r#"{"box_data": [{"position": {"minX": 0.1, "maxX": 0.2, "minY": 0.3, "maxY": 0.4},
                "class_id": 1}], "class_labels": {"1": "car"}}"#,
        )
        .unwrap(),
    )
    .unwrap();
    let image = Image::from_bytes(png, ImageFormat::Png)
        .unwrap()
        .with_boxes("pred", boxes);
    run.log(Row::new().with_media("tbl", table).with_media("img", image))
        .unwrap();
    run.finish(0).unwrap();

    let ours = normalize(&simple_records(run.log_path()));
    let sdk = normalize(&golden("table"));
    // The artifact's name and the table's artifact paths hold the run id and random client ids.
    let fix = |records: Vec<Value>, run_id: &str| -> Vec<String> {
        records
            .iter()
            .map(|r| wb_core::json::to_string(r, wb_core::json::Dialect::Compact))
            .map(|s| {
                let s = s.replace(run_id, "<run>");
                let re = |s: &str| {
                    let mut out = String::new();
                    let mut rest = s;
                    while let Some(i) = rest.find("wandb-client-artifact://") {
                        out.push_str(&rest[..i + 24]);
                        rest = &rest[i + 24..];
                        out.push_str("<id>");
                        rest = &rest[128..];
                    }
                    out.push_str(rest);
                    out
                };
                re(&s)
            })
            .collect()
    };
    let sdk_run_id = golden("table")[0]
        .get("stream_id")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let (a, b) = (fix(ours, run.id()), fix(sdk, &sdk_run_id));
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x, y, "record {i}");
    }
    assert_eq!(a.len(), b.len());

    // The media files are the SDK's, byte for byte.
    for rel in [
        "images/img_0_7899d6ced52159786ff0.png",
        "metadata/boxes2D/img_0_20abd1d299860bd8117a.boxes2D.json",
        "table/tbl_0_f87e254b768120a6aa89.table.json",
    ] {
        let ours = std::fs::read(run.dir().join("files/media").join(rel)).unwrap();
        assert_eq!(
            ours,
            std::fs::read(data(&format!("table.media/{rel}"))).unwrap(),
            "{rel}"
        );
    }
}
