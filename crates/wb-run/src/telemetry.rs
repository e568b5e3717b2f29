//! The run's `telemetry` records, written where the SDK (`wandb==0.31.0`) writes them.
//!
//! The SDK keeps one cumulative `TelemetryRecord` per run: `wandb.init` fills in the client's
//! versions, the platform and the features the init call used, and the run record carries it.
//! Once the run is ready, the whole record is written, and again each time a feature flag is
//! set that changes it (a flag already set writes nothing). wandb-core merges the records into
//! the run config as `_wandb.t` (feature flags as the list of their field numbers), with
//! `_wandb.cli_version` and `_wandb.python_version`; W&B uses them to count which client
//! features are in use.
//!
//! What a Rust run sets, and why:
//! - `cli_version` is the wandb version whose formats and protocol this library writes
//!   ([`wb_proto::WANDB_VERSION`], `0.31.0`), not wb-run's own version: the server and the web
//!   app read it as the version of the client's protocol.
//! - `python_version` is left empty: there is no Python interpreter, and the field is read as
//!   one. wandb-core then leaves `_wandb.python_version` out of the config. (The environment
//!   record's `python` field names the Rust compiler for the run page's overview.)
//! - The proto has no field for a client's language; its `lib_c` / `lib_cpp` flags mean the
//!   C and C++ libraries and are not set.
//! - `platform` is the SDK's `<platform.system()>-<platform.machine()>`, lowercased
//!   (`linux-x86_64`, `darwin-arm64`, `windows-amd64`), and `env.windows` on Windows.
//! - Feature flags only where the run does what the flag means in the SDK: see [`Feature`].

use prost::Message;
use std::sync::Mutex;
use wb_proto::{Record, RecordInfo, RecordType};

/// `wandb_internal.TelemetryRecord`: the fields a Rust run sets, with wandb's field numbers.
#[derive(Clone, PartialEq, prost::Message)]
struct TelemetryRecord {
    #[prost(message, optional, tag = "3")]
    feature: Option<FeatureFlags>,
    #[prost(string, tag = "4")]
    python_version: String,
    #[prost(string, tag = "5")]
    cli_version: String,
    #[prost(message, optional, tag = "8")]
    env: Option<Env>,
    #[prost(string, tag = "13")]
    platform: String,
}

/// `wandb_internal.Feature`: the flags a Rust run sets, with wandb's field numbers.
#[derive(Clone, Copy, PartialEq, prost::Message)]
struct FeatureFlags {
    #[prost(bool, tag = "2")]
    finish: bool,
    #[prost(bool, tag = "3")]
    save: bool,
    #[prost(bool, tag = "4")]
    offline: bool,
    #[prost(bool, tag = "5")]
    resumed: bool,
    #[prost(bool, tag = "7")]
    metric: bool,
    #[prost(bool, tag = "13")]
    set_init_name: bool,
    #[prost(bool, tag = "14")]
    set_init_id: bool,
    #[prost(bool, tag = "15")]
    set_init_tags: bool,
    #[prost(bool, tag = "16")]
    set_init_config: bool,
    #[prost(bool, tag = "61")]
    set_step_log: bool,
    #[prost(bool, tag = "62")]
    set_summary: bool,
    #[prost(bool, tag = "63")]
    metric_summary: bool,
    #[prost(bool, tag = "65")]
    metric_hidden: bool,
    #[prost(bool, tag = "66")]
    metric_step_sync: bool,
    #[prost(bool, tag = "67")]
    shared_mode: bool,
    #[prost(bool, tag = "69")]
    user_provided_label: bool,
    #[prost(bool, tag = "74")]
    finish_timeout: bool,
    #[prost(bool, tag = "75")]
    finish_timeout_raises: bool,
    #[prost(bool, tag = "78")]
    table: bool,
    #[prost(bool, tag = "79")]
    incremental_table: bool,
}

/// `wandb_internal.Env`: the one environment flag that applies to a Rust program.
#[derive(Clone, Copy, PartialEq, prost::Message)]
struct Env {
    #[prost(bool, tag = "3")]
    windows: bool,
}

/// A feature flag, set when the run does what the SDK sets it for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Feature {
    /// `run.finish()` was called (also by dropping the run).
    Finish,
    /// `run.save(...)`.
    Save,
    /// The run is offline (`mode="offline"`).
    Offline,
    /// The server resumed the run.
    Resumed,
    /// `define_metric`.
    Metric,
    /// `define_metric` with summary statistics (any, including `none`).
    MetricSummary,
    /// `define_metric(hidden=True)`.
    MetricHidden,
    /// `define_metric(step_sync=True)`, given explicitly.
    MetricStepSync,
    /// A name given to init (builder or `WANDB_NAME`).
    SetInitName,
    /// An id given to init (builder or `WANDB_RUN_ID`).
    SetInitId,
    /// Tags given to init (builder or `WANDB_TAGS`).
    SetInitTags,
    /// A config given to init.
    SetInitConfig,
    /// `run.log(..., step=...)`.
    SetStepLog,
    /// A summary update (`run.summary.update`).
    SetSummary,
    /// `mode="shared"`.
    SharedMode,
    /// A label is set (`x_label`): the SDK sets this flag for a given label and for the
    /// default label every shared run gets.
    UserProvidedLabel,
    /// A finish timeout (`finish_timeout` > 0).
    FinishTimeout,
    /// `finish_timeout_raises`: our `finish` always returns an error when the timeout passes.
    FinishTimeoutRaises,
    /// A table logged to the run (history or summary).
    Table,
    /// An incremental table logged to the run.
    IncrementalTable,
}

impl Feature {
    fn set(self, f: &mut FeatureFlags) {
        let flag = match self {
            Feature::Finish => &mut f.finish,
            Feature::Save => &mut f.save,
            Feature::Offline => &mut f.offline,
            Feature::Resumed => &mut f.resumed,
            Feature::Metric => &mut f.metric,
            Feature::MetricSummary => &mut f.metric_summary,
            Feature::MetricHidden => &mut f.metric_hidden,
            Feature::MetricStepSync => &mut f.metric_step_sync,
            Feature::SetInitName => &mut f.set_init_name,
            Feature::SetInitId => &mut f.set_init_id,
            Feature::SetInitTags => &mut f.set_init_tags,
            Feature::SetInitConfig => &mut f.set_init_config,
            Feature::SetStepLog => &mut f.set_step_log,
            Feature::SetSummary => &mut f.set_summary,
            Feature::SharedMode => &mut f.shared_mode,
            Feature::UserProvidedLabel => &mut f.user_provided_label,
            Feature::FinishTimeout => &mut f.finish_timeout,
            Feature::FinishTimeoutRaises => &mut f.finish_timeout_raises,
            Feature::Table => &mut f.table,
            Feature::IncrementalTable => &mut f.incremental_table,
        };
        *flag = true;
    }
}

/// The SDK's `f"{platform.system()}-{platform.machine()}".lower()` for this build's target.
fn platform() -> String {
    use std::env::consts::{ARCH, OS};
    let system = match OS {
        "macos" => "darwin",
        other => other,
    };
    // Python reads the machine from uname (Unix) or PROCESSOR_ARCHITECTURE (Windows).
    let machine = match (OS, ARCH) {
        ("windows", "x86_64") => "amd64",
        ("windows", "aarch64") | ("macos", "aarch64") => "arm64",
        ("linux", "x86") => "i686",
        ("linux", "arm") => "armv7l",
        (_, arch) => arch,
    };
    format!("{system}-{machine}")
}

#[derive(Debug)]
struct State {
    record: TelemetryRecord,
    /// The encoding last written (the SDK's `_telemetry_obj_flushed`).
    flushed: Vec<u8>,
    /// Whether changes are written (from the end of init on, the SDK's `_on_ready`).
    active: bool,
}

/// A run's cumulative telemetry.
#[derive(Debug)]
pub(crate) struct Telemetry {
    state: Mutex<State>,
}

impl Telemetry {
    /// The telemetry `wandb.init` fills in: versions, platform and the init's features. Not
    /// written until [`Telemetry::ready`].
    pub(crate) fn new(init: impl IntoIterator<Item = Feature>) -> Telemetry {
        let mut record = TelemetryRecord {
            feature: None,
            python_version: String::new(),
            cli_version: wb_proto::WANDB_VERSION.to_owned(),
            env: cfg!(windows).then_some(Env { windows: true }),
            platform: platform(),
        };
        for f in init {
            f.set(record.feature.get_or_insert_with(FeatureFlags::default));
        }
        Telemetry {
            state: Mutex::new(State {
                record,
                flushed: Vec::new(),
                active: false,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The record as it stands, encoded (the run record's `telemetry`).
    pub(crate) fn encoded(&self) -> Vec<u8> {
        self.lock().record.encode_to_vec()
    }

    /// Sets `feature` and returns the telemetry record to write if that changed the record
    /// and the run is ready. Call it where the records are numbered (inside `emit`), so the
    /// cumulative records reach the log in the order they were made.
    pub(crate) fn set(&self, feature: Feature, stream_id: &str) -> Option<Record> {
        let mut st = self.lock();
        feature.set(st.record.feature.get_or_insert_with(FeatureFlags::default));
        Self::flush(&mut st, stream_id)
    }

    /// Sets each of `features` in turn: one record per change, as the SDK's separate
    /// telemetry contexts write them.
    pub(crate) fn set_each(
        &self,
        features: impl IntoIterator<Item = Feature>,
        stream_id: &str,
    ) -> Vec<Record> {
        features
            .into_iter()
            .filter_map(|f| self.set(f, stream_id))
            .collect()
    }

    /// The run is ready (the end of init): from now on changes are written; returns the first
    /// record.
    pub(crate) fn ready(&self, stream_id: &str) -> Option<Record> {
        let mut st = self.lock();
        st.active = true;
        Self::flush(&mut st, stream_id)
    }

    fn flush(st: &mut State, stream_id: &str) -> Option<Record> {
        if !st.active {
            return None;
        }
        let bytes = st.record.encode_to_vec();
        if bytes == st.flushed {
            return None;
        }
        st.flushed = bytes.clone();
        Some(Record {
            record_type: Some(RecordType::Telemetry(bytes)),
            info: Some(RecordInfo {
                stream_id: stream_id.to_owned(),
                tracelog_id: String::new(),
            }),
            ..Record::default()
        })
    }
}

/// The features `wandb.init` records for these settings, in the SDK's order. `config_given`:
/// the builder has config values (the SDK also sets the flag for `config={}`, which a builder
/// does not tell apart from no config). `finish_timeout`: a nonzero timeout was given, which
/// is the SDK's `finish_timeout` with `finish_timeout_raises` (our `finish` returns the error).
pub(crate) fn init_features(
    s: &crate::settings::Resolved,
    config_given: bool,
    finish_timeout: bool,
) -> Vec<Feature> {
    use crate::settings::Mode;
    [
        (config_given, Feature::SetInitConfig),
        (s.id.is_some(), Feature::SetInitId),
        (s.name.is_some(), Feature::SetInitName),
        (!s.tags.is_empty(), Feature::SetInitTags),
        (finish_timeout, Feature::FinishTimeout),
        (finish_timeout, Feature::FinishTimeoutRaises),
        (s.mode == Mode::Offline, Feature::Offline),
        (s.mode == Mode::Shared, Feature::SharedMode),
        // The SDK gives every shared run a default label before it records this flag.
        (
            s.label.is_some() || s.mode == Mode::Shared,
            Feature::UserProvidedLabel,
        ),
    ]
    .into_iter()
    .filter_map(|(on, f)| on.then_some(f))
    .collect()
}

/// The flags `define_metric` sets for these options, in the SDK's order (each its own
/// record): summary statistics, hidden, an explicit `step_sync=True`, then `metric`.
pub(crate) fn metric_features(o: &crate::metric::MetricOptions) -> Vec<Feature> {
    [
        (!o.summary().is_empty(), Feature::MetricSummary),
        (o.is_hidden(), Feature::MetricHidden),
        (o.step_sync_given() == Some(true), Feature::MetricStepSync),
        (true, Feature::Metric),
    ]
    .into_iter()
    .filter_map(|(on, f)| on.then_some(f))
    .collect()
}

/// The table flags for values converted for the run (history or summary JSON): `Table` for a
/// `table-file`, `IncrementalTable` for an `incremental-table-file`, at any depth, as the
/// SDK's `Table.to_json(run)` sets them.
pub(crate) fn table_features<'a>(
    values: impl IntoIterator<Item = &'a wb_core::json::Value>,
) -> Vec<Feature> {
    use wb_core::json::Value;
    fn walk(v: &Value, out: &mut [bool; 2]) {
        match v {
            Value::Object(m) => {
                match m.get("_type").and_then(Value::as_str) {
                    Some("table-file") => out[0] = true,
                    Some("incremental-table-file") => out[1] = true,
                    _ => {}
                }
                for v in m.values() {
                    walk(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut found = [false; 2];
    for v in values {
        walk(v, &mut found);
    }
    let mut out = Vec::new();
    if found[0] {
        out.push(Feature::Table);
    }
    if found[1] {
        out.push(Feature::IncrementalTable);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(r: &Record) -> &[u8] {
        match &r.record_type {
            Some(RecordType::Telemetry(b)) => b,
            other => panic!("not telemetry: {other:?}"),
        }
    }

    #[test]
    fn nothing_is_written_before_ready_and_unchanged_records_are_not_written_again() {
        let t = Telemetry::new([Feature::Offline]);
        assert!(t.set(Feature::Metric, "r").is_none());
        let first = t.ready("r").unwrap();
        assert_eq!(first.info.as_ref().unwrap().stream_id, "r");
        assert!(t.ready("r").is_none());
        assert!(t.set(Feature::Metric, "r").is_none());
        let next = t.set(Feature::Finish, "r").unwrap();
        let decoded = TelemetryRecord::decode(bytes(&next)).unwrap();
        let f = decoded.feature.unwrap();
        assert!(f.offline && f.metric && f.finish && !f.save);
        assert_eq!(decoded.cli_version, "0.31.0");
        assert!(decoded.python_version.is_empty());
    }

    #[test]
    fn records_encode_byte_for_byte_as_the_sdks() {
        // The SDK's two telemetry records of an offline run on linux-x86_64 (wandb 0.31.0,
        // Python 3.11.7): `feature {offline}` after init, `feature {finish offline}` at
        // finish. With the SDK's python_version filled in, ours encode to the same bytes.
        let sdk = [
            "1a0220012206332e31312e372a06302e33312e306a0c6c696e75782d7838365f3634",
            "1a04100120012206332e31312e372a06302e33312e306a0c6c696e75782d7838365f3634",
        ];
        let mut r = TelemetryRecord {
            feature: None,
            python_version: "3.11.7".into(),
            cli_version: wb_proto::WANDB_VERSION.into(),
            env: None,
            platform: "linux-x86_64".into(),
        };
        let hex = |b: Vec<u8>| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        Feature::Offline.set(r.feature.get_or_insert_with(FeatureFlags::default));
        assert_eq!(hex(r.encode_to_vec()), sdk[0]);
        Feature::Finish.set(r.feature.get_or_insert_with(FeatureFlags::default));
        assert_eq!(hex(r.encode_to_vec()), sdk[1]);
    }

    #[test]
    fn platform_is_the_sdks_format() {
        let p = platform();
        assert_eq!(p, p.to_lowercase());
        if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
            assert_eq!(p, "linux-x86_64");
        }
    }

    #[test]
    fn tables_are_found_at_any_depth() {
        use wb_core::json::{Value, parse};
        let v: Value =
            parse(r#"{"a": 1, "n": {"t": {"_type": "table-file", "path": "x"}}}"#).unwrap();
        assert_eq!(table_features([&v]), [Feature::Table]);
        let v: Value =
            parse(r#"[{"_type": "incremental-table-file"}, {"_type": "image-file"}]"#).unwrap();
        assert_eq!(table_features([&v]), [Feature::IncrementalTable]);
        assert!(table_features([&Value::from(1)]).is_empty());
    }
}
