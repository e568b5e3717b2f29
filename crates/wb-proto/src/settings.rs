//! The run settings core reads (`wandb_internal.Settings` of `wandb_settings.proto`), with the
//! field numbers of wandb 0.31.0.
//!
//! Only the settings a Rust client sets are modelled; core takes every other one as unset and
//! uses its default. Each setting is a `google.protobuf` wrapper message on the wire (a
//! `StringValue`, `BoolValue`, `DoubleValue` or `Int32Value`), which is what prost's
//! `Option<String>`, `Option<bool>`, `Option<f64>` and `Option<i32>` message fields encode.

use std::collections::BTreeMap;

/// `wandb_internal.ListStringValue`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ListStringValue {
    /// The strings.
    #[prost(string, repeated, tag = "1")]
    pub value: Vec<String>,
}

/// `wandb_internal.MapStringKeyStringValue`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MapStringKeyStringValue {
    /// The entries.
    #[prost(btree_map = "string, string", tag = "1")]
    pub value: BTreeMap<String, String>,
}

/// `wandb_internal.Settings`: what a run stream (or an upload) is told when it opens. Each field
/// is named after the setting (a leading `_` dropped).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Settings {
    /// `_args`.
    #[prost(message, optional, tag = "1")]
    pub args: Option<ListStringValue>,
    /// `x_disable_meta` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "7")]
    pub x_disable_meta: Option<bool>,
    /// `x_disable_stats` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "10")]
    pub x_disable_stats: Option<bool>,
    /// `x_executable` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "13")]
    pub x_executable: Option<String>,
    /// `x_extra_http_headers`.
    #[prost(message, optional, tag = "14")]
    pub x_extra_http_headers: Option<MapStringKeyStringValue>,
    /// `x_file_stream_timeout_seconds` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "15")]
    pub x_file_stream_timeout_seconds: Option<f64>,
    /// `_offline` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "30")]
    pub offline: Option<bool>,
    /// `x_sync` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "31")]
    pub x_sync: Option<bool>,
    /// `_os` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "32")]
    pub os: Option<String>,
    /// `_python` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "34")]
    pub python: Option<String>,
    /// `x_save_requirements` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "37")]
    pub x_save_requirements: Option<bool>,
    /// `x_start_time` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "41")]
    pub x_start_time: Option<f64>,
    /// `x_stats_pid` (`google.protobuf.Int32Value`).
    #[prost(message, optional, tag = "42")]
    pub x_stats_pid: Option<i32>,
    /// `api_key` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "55")]
    pub api_key: Option<String>,
    /// `base_url` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "57")]
    pub base_url: Option<String>,
    /// `console` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "60")]
    pub console: Option<String>,
    /// `disable_code` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "62")]
    pub disable_code: Option<bool>,
    /// `disable_git` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "63")]
    pub disable_git: Option<bool>,
    /// `disable_job_creation` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "65")]
    pub disable_job_creation: Option<bool>,
    /// `docker` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "67")]
    pub docker: Option<String>,
    /// `email` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "68")]
    pub email: Option<String>,
    /// `entity` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "69")]
    pub entity: Option<String>,
    /// `host` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "77")]
    pub host: Option<String>,
    /// `ignore_globs`.
    #[prost(message, optional, tag = "78")]
    pub ignore_globs: Option<ListStringValue>,
    /// `init_timeout` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "79")]
    pub init_timeout: Option<f64>,
    /// `log_dir` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "85")]
    pub log_dir: Option<String>,
    /// `log_internal` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "86")]
    pub log_internal: Option<String>,
    /// `mode` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "92")]
    pub mode: Option<String>,
    /// `program` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "95")]
    pub program: Option<String>,
    /// `program_relpath` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "96")]
    pub program_relpath: Option<String>,
    /// `project` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "97")]
    pub project: Option<String>,
    /// `resume` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "102")]
    pub resume: Option<String>,
    /// `resumed` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "104")]
    pub resumed: Option<bool>,
    /// `root_dir` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "105")]
    pub root_dir: Option<String>,
    /// `run_group` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "106")]
    pub run_group: Option<String>,
    /// `run_id` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "107")]
    pub run_id: Option<String>,
    /// `run_job_type` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "108")]
    pub run_job_type: Option<String>,
    /// `run_mode` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "109")]
    pub run_mode: Option<String>,
    /// `run_name` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "110")]
    pub run_name: Option<String>,
    /// `run_notes` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "111")]
    pub run_notes: Option<String>,
    /// `run_tags`.
    #[prost(message, optional, tag = "112")]
    pub run_tags: Option<ListStringValue>,
    /// `run_url` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "113")]
    pub run_url: Option<String>,
    /// `save_code` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "115")]
    pub save_code: Option<bool>,
    /// `silent` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "123")]
    pub silent: Option<bool>,
    /// `sweep_id` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "129")]
    pub sweep_id: Option<String>,
    /// `sync_dir` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "133")]
    pub sync_dir: Option<String>,
    /// `sync_file` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "134")]
    pub sync_file: Option<String>,
    /// `tmp_dir` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "140")]
    pub tmp_dir: Option<String>,
    /// `username` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "141")]
    pub username: Option<String>,
    /// `wandb_dir` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "142")]
    pub wandb_dir: Option<String>,
    /// `x_file_stream_retry_max` (`google.protobuf.Int32Value`).
    #[prost(message, optional, tag = "147")]
    pub x_file_stream_retry_max: Option<i32>,
    /// `x_file_stream_retry_wait_min_seconds` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "148")]
    pub x_file_stream_retry_wait_min_seconds: Option<f64>,
    /// `x_file_stream_retry_wait_max_seconds` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "149")]
    pub x_file_stream_retry_wait_max_seconds: Option<f64>,
    /// `x_file_transfer_retry_max` (`google.protobuf.Int32Value`).
    #[prost(message, optional, tag = "150")]
    pub x_file_transfer_retry_max: Option<i32>,
    /// `x_file_transfer_retry_wait_min_seconds` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "151")]
    pub x_file_transfer_retry_wait_min_seconds: Option<f64>,
    /// `x_file_transfer_retry_wait_max_seconds` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "152")]
    pub x_file_transfer_retry_wait_max_seconds: Option<f64>,
    /// `x_file_transfer_timeout_seconds` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "153")]
    pub x_file_transfer_timeout_seconds: Option<f64>,
    /// `x_graphql_retry_max` (`google.protobuf.Int32Value`).
    #[prost(message, optional, tag = "154")]
    pub x_graphql_retry_max: Option<i32>,
    /// `x_graphql_retry_wait_min_seconds` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "155")]
    pub x_graphql_retry_wait_min_seconds: Option<f64>,
    /// `x_graphql_retry_wait_max_seconds` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "156")]
    pub x_graphql_retry_wait_max_seconds: Option<f64>,
    /// `x_graphql_timeout_seconds` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "157")]
    pub x_graphql_timeout_seconds: Option<f64>,
    /// `x_disable_machine_info` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "158")]
    pub x_disable_machine_info: Option<bool>,
    /// `program_abspath` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "159")]
    pub program_abspath: Option<String>,
    /// `_shared` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "162")]
    pub shared: Option<bool>,
    /// `x_disable_update_check` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "165")]
    pub x_disable_update_check: Option<bool>,
    /// `console_multipart` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "166")]
    pub console_multipart: Option<bool>,
    /// `http_proxy` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "168")]
    pub http_proxy: Option<String>,
    /// `https_proxy` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "169")]
    pub https_proxy: Option<String>,
    /// `x_file_stream_max_bytes` (`google.protobuf.Int32Value`).
    #[prost(message, optional, tag = "172")]
    pub x_file_stream_max_bytes: Option<i32>,
    /// `x_stats_sampling_interval` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "174")]
    pub x_stats_sampling_interval: Option<f64>,
    /// `x_file_stream_transmit_interval` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "175")]
    pub x_file_stream_transmit_interval: Option<f64>,
    /// `allow_offline_artifacts` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "177")]
    pub allow_offline_artifacts: Option<bool>,
    /// `sync_tensorboard` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "179")]
    pub sync_tensorboard: Option<bool>,
    /// `x_label` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "181")]
    pub x_label: Option<String>,
    /// `x_primary` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "182")]
    pub x_primary: Option<bool>,
    /// `x_update_finish_state` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "183")]
    pub x_update_finish_state: Option<bool>,
    /// `insecure_disable_ssl` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "185")]
    pub insecure_disable_ssl: Option<bool>,
    /// `organization` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "188")]
    pub organization: Option<String>,
    /// `x_skip_transaction_log` (`google.protobuf.BoolValue`).
    #[prost(message, optional, tag = "191")]
    pub x_skip_transaction_log: Option<bool>,
    /// `app_url` (`google.protobuf.StringValue`).
    #[prost(message, optional, tag = "202")]
    pub app_url: Option<String>,
    /// `finish_timeout` (`google.protobuf.DoubleValue`).
    #[prost(message, optional, tag = "206")]
    pub finish_timeout: Option<f64>,
}
