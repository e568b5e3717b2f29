//! A small burn training shared by the example and the tests: a two-layer MLP classifying
//! the two arms of a generated spiral, trained on burn's CPU backend (burn-flex) with the
//! metric logger of this crate.
// The example and the tests each use part of it.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use burn::data::dataloader::DataLoaderBuilder;
use burn::data::dataloader::batcher::Batcher;
use burn::data::dataset::InMemDataset;
use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::nn::{Linear, LinearConfig};
use burn::optim::AdamConfig;
use burn::tensor::activation::relu;
use burn::tensor::{Device, Int, Tensor, TensorData};
use burn::train::metric::store::{Aggregate, Direction, Split};
use burn::train::metric::{AccuracyMetric, LossMetric};
use burn::train::{
    ClassificationOutput, InferenceStep, Learner, MetricEarlyStoppingStrategy, StoppingCondition,
    SupervisedTraining, TrainOutput, TrainStep,
};
use wb_burn::{LogErrors, WandbMetricLogger};
use wb_run::Run;

/// One point of the spiral and its arm (0 or 1).
#[derive(Clone, Debug)]
pub struct Point {
    xy: [f32; 2],
    label: i64,
}

/// `per_class` points on each arm of a two-arm spiral, with a little deterministic noise.
pub fn spiral(per_class: usize, seed: u64) -> Vec<Point> {
    let mut state = seed | 1;
    let mut noise = move || {
        // xorshift64: reproducible noise without a random-number dependency.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 0.1
    };
    let mut points = Vec::with_capacity(2 * per_class);
    for i in 0..per_class {
        let r = (i as f64 + 1.0) / per_class as f64;
        for label in 0..2 {
            let t = 3.0 * std::f64::consts::PI * r + label as f64 * std::f64::consts::PI;
            points.push(Point {
                xy: [
                    (r * t.cos() + noise()) as f32,
                    (r * t.sin() + noise()) as f32,
                ],
                label,
            });
        }
    }
    points
}

/// A batch of points.
#[derive(Clone, Debug)]
pub struct PointBatch {
    xy: Tensor<2>,
    labels: Tensor<1, Int>,
}

struct PointBatcher;

impl Batcher<Point, PointBatch> for PointBatcher {
    fn batch(&self, items: Vec<Point>, device: &Device) -> PointBatch {
        let n = items.len();
        let xy: Vec<f32> = items.iter().flat_map(|p| p.xy).collect();
        let labels: Vec<i64> = items.iter().map(|p| p.label).collect();
        PointBatch {
            xy: Tensor::from_floats(TensorData::new(xy, [n, 2]), device),
            labels: Tensor::from_ints(TensorData::new(labels, [n]), device),
        }
    }
}

/// The MLP: 2 inputs, two hidden layers of `hidden` ReLU units, 2 logits.
#[derive(Module, Debug)]
pub struct Mlp {
    input: Linear,
    hidden: Linear,
    output: Linear,
}

impl Mlp {
    /// A new MLP on `device`.
    pub fn new(hidden: usize, device: &Device) -> Self {
        Self {
            input: LinearConfig::new(2, hidden).init(device),
            hidden: LinearConfig::new(hidden, hidden).init(device),
            output: LinearConfig::new(hidden, 2).init(device),
        }
    }

    /// The first layer's weights, flattened.
    pub fn input_weights(&self) -> Vec<f32> {
        self.input
            .weight
            .val()
            .try_into_vec_as::<f32>()
            .unwrap_or_default()
    }

    fn classify(&self, batch: PointBatch) -> ClassificationOutput {
        let x = relu(self.input.forward(batch.xy));
        let x = relu(self.hidden.forward(x));
        let logits = self.output.forward(x);
        let loss = CrossEntropyLossConfig::new()
            .init(&logits.device())
            .forward(logits.clone(), batch.labels.clone());
        ClassificationOutput {
            loss,
            output: logits,
            targets: batch.labels,
        }
    }
}

impl TrainStep for Mlp {
    type Input = PointBatch;
    type Output = ClassificationOutput;

    fn step(&self, batch: PointBatch) -> TrainOutput<ClassificationOutput> {
        let output = self.classify(batch);
        TrainOutput::new(self, output.loss.backward(), output)
    }
}

impl InferenceStep for Mlp {
    type Input = PointBatch;
    type Output = ClassificationOutput;

    fn step(&self, batch: PointBatch) -> ClassificationOutput {
        self.classify(batch)
    }
}

/// What one training is made of.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// Epochs to train.
    pub epochs: usize,
    /// Training points per spiral arm (validation has half as many).
    pub per_class: usize,
    /// Points per batch.
    pub batch_size: usize,
    /// Hidden units per layer.
    pub hidden: usize,
    /// Adam's learning rate.
    pub learning_rate: f64,
    /// Stop when the validation loss has not improved for an epoch (burn reads the loss back
    /// through the metric logger).
    pub early_stopping: bool,
}

/// Trains the MLP with `WandbMetricLogger` writing to `run`; burn's own files (none unless
/// checkpointing is asked for) go under `artifacts`. Returns the model and the logger's errors.
pub fn train(run: &Arc<Run>, setup: Setup, artifacts: &Path) -> (Mlp, LogErrors) {
    let device = Device::flex().autodiff();
    let train = DataLoaderBuilder::new(PointBatcher)
        .batch_size(setup.batch_size)
        .shuffle(7)
        .build(InMemDataset::new(spiral(setup.per_class, 1)));
    let valid = DataLoaderBuilder::new(PointBatcher)
        .batch_size(setup.batch_size)
        .build(InMemDataset::new(spiral(setup.per_class.div_ceil(2), 2)));

    let logger = WandbMetricLogger::new(Arc::clone(run));
    let errors = logger.errors();
    let learner = Learner::new(
        Mlp::new(setup.hidden, &device),
        AdamConfig::new().init(),
        setup.learning_rate,
    );
    let mut training = SupervisedTraining::new(artifacts, train, valid)
        .metrics((AccuracyMetric::new(), LossMetric::new()))
        .with_metric_logger(logger)
        .with_application_logger(None)
        .num_epochs(setup.epochs);
    if setup.early_stopping {
        training = training.early_stopping(MetricEarlyStoppingStrategy::new(
            &LossMetric::new(),
            Aggregate::Mean,
            Direction::Lowest,
            Split::Valid,
            StoppingCondition::NoImprovementSince { n_epochs: 1 },
        ));
    }
    let result = training.launch(learner);
    (result.model, errors)
}
