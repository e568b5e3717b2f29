//! `wandb_internal.MetricRecord` (`run.define_metric`) and the messages inside it.

use crate::record::RecordInfo;

/// `wandb_internal.MetricRecord`: a metric definition (`run.define_metric`).
///
/// Exactly one of `name` (one metric) and `glob_name` (every metric whose name starts with
/// the glob's text before its final `*`) is set.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MetricRecord {
    /// The metric's name (nested keys joined with `.`).
    #[prost(string, tag = "1")]
    pub name: String,
    /// A name ending in `*`: the definition applies to every metric it matches.
    #[prost(string, tag = "2")]
    pub glob_name: String,
    /// The metric used as this metric's x-axis.
    #[prost(string, tag = "4")]
    pub step_metric: String,
    /// The step metric's 1-based index in the run config's `_wandb.m` list (wandb-core sets it
    /// there, not in the log).
    #[prost(int32, tag = "5")]
    pub step_metric_index: i32,
    /// Options: `step_sync`, `hidden`, `defined`.
    #[prost(message, optional, tag = "6")]
    pub options: Option<MetricOptions>,
    /// The summary statistics to keep.
    #[prost(message, optional, tag = "7")]
    pub summary: Option<MetricSummary>,
    /// Whether lower or higher is better (`MetricRecord.MetricGoal`).
    #[prost(enumeration = "MetricGoal", tag = "8")]
    pub goal: i32,
    /// `_control`: whether this definition replaces the earlier ones for the name.
    #[prost(message, optional, tag = "9")]
    pub control: Option<MetricControl>,
    /// Set by wandb-core on definitions it made from a glob.
    #[prost(bool, tag = "10")]
    pub expanded_from_glob: bool,
    /// Record info.
    #[prost(message, optional, tag = "200")]
    pub info: Option<RecordInfo>,
}

/// `wandb_internal.MetricOptions`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct MetricOptions {
    /// Fill in the step metric's last value in rows that lack it.
    #[prost(bool, tag = "1")]
    pub step_sync: bool,
    /// Hide the metric from the automatic charts.
    #[prost(bool, tag = "2")]
    pub hidden: bool,
    /// Defined by the user (the SDK sets it on every `define_metric`).
    #[prost(bool, tag = "3")]
    pub defined: bool,
}

/// `wandb_internal.MetricSummary`: which summary statistics to keep.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct MetricSummary {
    /// The smallest value.
    #[prost(bool, tag = "1")]
    pub min: bool,
    /// The largest value.
    #[prost(bool, tag = "2")]
    pub max: bool,
    /// The mean of the values.
    #[prost(bool, tag = "3")]
    pub mean: bool,
    /// The best value by the goal (no longer set by the SDK 0.31.0).
    #[prost(bool, tag = "4")]
    pub best: bool,
    /// The last value.
    #[prost(bool, tag = "5")]
    pub last: bool,
    /// No summary at all.
    #[prost(bool, tag = "6")]
    pub none: bool,
    /// `copy` (deprecated in the SDK).
    #[prost(bool, tag = "7")]
    pub copy: bool,
    /// The first value.
    #[prost(bool, tag = "8")]
    pub first: bool,
}

/// `wandb_internal.MetricControl`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct MetricControl {
    /// Replace earlier definitions of the name instead of merging with them.
    #[prost(bool, tag = "1")]
    pub overwrite: bool,
}

/// `MetricRecord.MetricGoal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum MetricGoal {
    /// No goal.
    GoalUnset = 0,
    /// Lower is better.
    GoalMinimize = 1,
    /// Higher is better.
    GoalMaximize = 2,
}
