//! A tiny burn training logged through `WandbMetricLogger`, read back from the run's `.wandb`
//! log: train/ and valid/ rows at the right steps with their epoch and iteration, epoch
//! aggregates in the history and the summary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod spiral;

use std::sync::Arc;

use wb_core::json::Value;
use wb_run::{Mode, Row, Run, RunLog};

fn number(row: &wb_core::json::Map, key: &str) -> Option<f64> {
    match row.get(key)? {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

#[test]
fn history_and_summary_of_a_two_epoch_training() {
    let dir = tempfile::tempdir().unwrap();
    let run = Arc::new(
        Run::builder()
            .with_project("wb-burn-test")
            .with_mode(Mode::Offline)
            .with_dir(dir.path())
            .build()
            .unwrap(),
    );
    // 2 x 8 training points in batches of 4: 4 batches per epoch; 2 x 4 validation points: 2.
    let setup = spiral::Setup {
        epochs: 2,
        per_class: 8,
        batch_size: 4,
        hidden: 8,
        learning_rate: 1e-2,
        early_stopping: false,
    };
    let (_model, errors) = spiral::train(&run, setup, &dir.path().join("burn"));
    errors.check().unwrap();
    assert_eq!(errors.count(), 0);
    // The user's own row, after burn's, in the same run.
    run.log(Row::new().with("after", 1)).unwrap();
    run.finish(0).unwrap();

    let log = RunLog::read(run.dir()).unwrap();
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    let history = log.history().unwrap();
    let steps: Vec<i64> = history.iter().map(|r| r.step.unwrap()).collect();
    assert_eq!(steps, (0..steps.len() as i64).collect::<Vec<_>>());

    // Per epoch: 4 train batch rows, the train epoch row, 2 valid batch rows, the valid epoch
    // row; then the user's row.
    let kinds: Vec<String> = history
        .iter()
        .map(|row| {
            let v = &row.values;
            let has = |k: &str| v.contains_key(k);
            if has("train/epoch/Loss") {
                "T".into()
            } else if has("train/Loss") {
                "t".into()
            } else if has("valid/epoch/Loss") {
                "V".into()
            } else if has("valid/Loss") {
                "v".into()
            } else if has("after") {
                "u".into()
            } else {
                format!("{:?}", v.keys().collect::<Vec<_>>())
            }
        })
        .collect();
    assert_eq!(kinds.concat(), "ttttTvvVttttTvvVu");

    let axes: Vec<(Option<f64>, Option<f64>)> = history
        .iter()
        .map(|r| (number(&r.values, "epoch"), number(&r.values, "iteration")))
        .collect();
    let expected: Vec<(Option<f64>, Option<f64>)> = [
        (1, 1),
        (1, 2),
        (1, 3),
        (1, 4),
        (1, 4),
        (1, 4),
        (1, 4),
        (1, 4),
        (2, 5),
        (2, 6),
        (2, 7),
        (2, 8),
        (2, 8),
        (2, 8),
        (2, 8),
        (2, 8),
    ]
    .iter()
    .map(|&(e, i)| (Some(e as f64), Some(i as f64)))
    .chain([(None, None)])
    .collect();
    assert_eq!(axes, expected);

    // Every train and valid row has both metrics; accuracy is a percentage, loss positive.
    for row in &history[..16] {
        let metrics: Vec<(&String, f64)> = row
            .values
            .keys()
            .filter(|k| k.starts_with("train/") || k.starts_with("valid/"))
            .map(|k| (k, number(&row.values, k).unwrap()))
            .collect();
        assert_eq!(metrics.len(), 2, "{:?}", row.values);
        for (key, value) in metrics {
            if key.ends_with("Loss") {
                assert!(value > 0.0 && value.is_finite(), "{key} = {value}");
            } else {
                assert!(key.ends_with("Accuracy"), "{key}");
                assert!((0.0..=100.0).contains(&value), "{key} = {value}");
            }
        }
    }

    // The epoch rows hold the epoch's mean: train batches are all of 4 points, so the
    // aggregate is the mean of the batch values.
    for epoch in 0..2 {
        let rows = &history[epoch * 8..epoch * 8 + 5];
        let mean = rows[..4]
            .iter()
            .map(|r| number(&r.values, "train/Loss").unwrap())
            .sum::<f64>()
            / 4.0;
        let aggregate = number(&rows[4].values, "train/epoch/Loss").unwrap();
        assert!((mean - aggregate).abs() < 1e-9, "{mean} vs {aggregate}");
    }

    // The summary holds the last epoch's aggregates under the batch keys.
    let summary = log.summary().unwrap();
    let last_train = number(&history[12].values, "train/epoch/Loss").unwrap();
    let last_valid = number(&history[15].values, "valid/epoch/Accuracy").unwrap();
    assert_eq!(number(&summary, "train/Loss"), Some(last_train));
    assert_eq!(number(&summary, "train/epoch/Loss"), Some(last_train));
    assert_eq!(number(&summary, "valid/Accuracy"), Some(last_valid));
    assert_eq!(number(&summary, "epoch"), Some(2.0));
    assert_eq!(log.exit_code(), Some(0));

    // The x-axes, declared with define_metric: the axes themselves, then every batch metric
    // against `iteration` (globs), then each epoch aggregate against `epoch`, by its exact
    // name, when first written.
    let metrics: Vec<(String, String)> = wb_run::RecordReader::open(run.log_path())
        .unwrap()
        .filter_map(|r| match r.unwrap().record_type {
            Some(wb_run::proto::RecordType::Metric(m)) => Some((
                if m.glob_name.is_empty() {
                    m.name
                } else {
                    m.glob_name
                },
                m.step_metric,
            )),
            _ => None,
        })
        .collect();
    let pair = |n: &str, s: &str| (n.to_owned(), s.to_owned());
    assert_eq!(
        metrics[..5],
        [
            pair("iteration", ""),
            pair("epoch", ""),
            pair("train/*", "iteration"),
            pair("valid/*", "iteration"),
            pair("test/*", "iteration"),
        ]
    );
    let mut epoch_keys = metrics[5..].to_vec();
    epoch_keys.sort();
    assert_eq!(
        epoch_keys,
        [
            pair("train/epoch/Accuracy", "epoch"),
            pair("train/epoch/Loss", "epoch"),
            pair("valid/epoch/Accuracy", "epoch"),
            pair("valid/epoch/Loss", "epoch"),
        ]
    );
}

#[test]
fn a_finished_run_makes_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let run = Arc::new(
        Run::builder()
            .with_project("wb-burn-test")
            .with_mode(Mode::Offline)
            .with_dir(dir.path())
            .build()
            .unwrap(),
    );
    run.finish(0).unwrap();
    let setup = spiral::Setup {
        epochs: 1,
        per_class: 4,
        batch_size: 4,
        hidden: 4,
        learning_rate: 1e-2,
        early_stopping: false,
    };
    let (_model, errors) = spiral::train(&run, setup, &dir.path().join("burn"));
    assert!(errors.count() > 0);
    assert!(errors.check().is_err());
    assert!(errors.check().is_ok(), "check takes the error it returns");
}

/// burn's early stopping reads the validation loss back through the logger (its only one):
/// with a learning rate of 0 the loss of epoch 2 equals epoch 1's, so training stops there.
#[test]
fn early_stopping_reads_the_loss_back_from_the_logger() {
    let dir = tempfile::tempdir().unwrap();
    let run = Arc::new(
        Run::builder()
            .with_project("wb-burn-test")
            .with_mode(Mode::Offline)
            .with_dir(dir.path())
            .build()
            .unwrap(),
    );
    let setup = spiral::Setup {
        epochs: 5,
        per_class: 8,
        batch_size: 4,
        hidden: 4,
        learning_rate: 0.0,
        early_stopping: true,
    };
    let (_model, errors) = spiral::train(&run, setup, &dir.path().join("burn"));
    errors.check().unwrap();
    run.finish(0).unwrap();
    let history = RunLog::read(run.dir()).unwrap().history().unwrap();
    let epochs: Vec<f64> = history
        .iter()
        .filter(|r| r.values.contains_key("valid/epoch/Loss"))
        .map(|r| number(&r.values, "epoch").unwrap())
        .collect();
    assert_eq!(epochs, [1.0, 2.0]);
}
