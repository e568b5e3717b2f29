//! `define_metric`: metric definitions ([`MetricOptions`], [`Summary`]), written as the SDK's
//! `metric` records, and wandb-core's handling of them while a run logs: glob names matched
//! against new keys, the step metric filled into rows that lack it (`step_sync`), and the
//! summary statistics each step's derived summary carries.
//!
//! What wandb-core 0.31.0 does, and so what this does:
//! - a definition for a name merges with the earlier ones for the same name (summaries add up,
//!   `step_sync` and `hidden` once set stay set, a new step metric replaces the old one);
//!   `overwrite` starts from nothing;
//! - the summary of every logged leaf keeps its first value, minimum, maximum, sum and count
//!   from the start, so a definition made late covers the values logged before it; a leaf
//!   with no summary kinds shows its last value, one with kinds an object of them, one with
//!   `none` nothing;
//! - an explicit summary value (`run.summary`) drops the leaf's kinds until the metric is
//!   defined again;
//! - a key matching a glob becomes a metric of its own the first time it is logged (keys
//!   starting with `_` never match); 0.31.0 keeps these definitions to itself and writes no
//!   record for them;
//! - before a row is written, every key whose metric has a step metric and `step_sync` gets
//!   the step metric's last logged number (0 before any) when the row has none.

use crate::error::{Error, Result};
use crate::history::PartialRow;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use wb_core::json::{Dialect, Map, Value, write_to};
use wb_proto::{MetricControl, MetricRecord, MetricSummary, SummaryItem};

/// A summary statistic of a metric (`define_metric(summary=...)`), in the SDK's names.
///
/// The SDK 0.31.0 accepts `min`, `max`, `mean`, `last`, `first` and `none` (and the
/// deprecated `copy`, which wandb-core ignores); `best` and `goal` were removed in 0.31.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Summary {
    /// The smallest value (`min`).
    Min,
    /// The largest value (`max`).
    Max,
    /// The mean of the values (`mean`).
    Mean,
    /// The last value (`last`).
    Last,
    /// The first value (`first`).
    First,
    /// No summary at all for the metric (`none`).
    None,
}

impl Summary {
    /// Every kind, in the order the SDK documents them.
    const ALL: [Summary; 6] = [
        Summary::Min,
        Summary::Max,
        Summary::Mean,
        Summary::Last,
        Summary::First,
        Summary::None,
    ];

    /// The SDK's name: `"min"`, `"max"`, `"mean"`, `"last"`, `"first"` or `"none"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Summary::Min => "min",
            Summary::Max => "max",
            Summary::Mean => "mean",
            Summary::Last => "last",
            Summary::First => "first",
            Summary::None => "none",
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Summary {
    type Err = Error;

    /// The SDK's names, in any case (the SDK lowercases them).
    fn from_str(s: &str) -> Result<Summary> {
        let lower = s.to_lowercase();
        Summary::ALL
            .into_iter()
            .find(|k| k.as_str() == lower)
            .ok_or_else(|| {
                Error::InvalidMetric(format!(
                    "Unhandled define_metric() arg: summary op: {lower} (the summary ops are min, max, mean, last, first and none)"
                ))
            })
    }
}

/// The settings of [`crate::Run::define_metric`] (the SDK's `define_metric` arguments besides
/// the name).
///
/// ```
/// use wb_run::{MetricOptions, Summary};
///
/// let options = MetricOptions::default()
///     .with_step_metric("epoch")
///     .with_summary([Summary::Min, Summary::Last]);
/// assert_eq!(options.step_metric(), Some("epoch"));
/// assert!(options.is_step_sync()); // on by default when there is a step metric
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MetricOptions {
    step_metric: Option<String>,
    step_sync: Option<bool>,
    hidden: bool,
    summary: Vec<Summary>,
    overwrite: bool,
}

impl MetricOptions {
    /// The metric used as this metric's x-axis in the automatic charts (`step_metric=`).
    pub fn with_step_metric(mut self, step_metric: impl Into<String>) -> Self {
        self.step_metric = Some(step_metric.into());
        self
    }

    /// Whether rows that log this metric without its step metric get the step metric's last
    /// value (`step_sync=`; default: on when a step metric is set).
    pub fn with_step_sync(mut self, step_sync: bool) -> Self {
        self.step_sync = Some(step_sync);
        self
    }

    /// Whether the metric is left out of the automatic charts (`hidden=`, default `false`).
    pub fn with_hidden(mut self, hidden: bool) -> Self {
        self.hidden = hidden;
        self
    }

    /// The summary statistics to keep (`summary="min,last"`); without any, the summary shows
    /// the last value. Replaces what was set before.
    pub fn with_summary(mut self, kinds: impl IntoIterator<Item = Summary>) -> Self {
        self.summary = kinds.into_iter().collect();
        self
    }

    /// Whether this definition replaces the earlier ones for the name instead of adding to
    /// them (`overwrite=`, default `false`).
    pub fn with_overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }

    /// The step metric, if one was set.
    pub fn step_metric(&self) -> Option<&str> {
        self.step_metric.as_deref()
    }

    /// Whether rows get the step metric's last value (as set, else whether a step metric is
    /// set).
    pub fn is_step_sync(&self) -> bool {
        self.step_sync.unwrap_or(self.step_metric.is_some())
    }

    /// `step_sync` as given (`None`: not given), for the telemetry flag the SDK sets only for
    /// an explicit `step_sync=True`.
    pub(crate) fn step_sync_given(&self) -> Option<bool> {
        self.step_sync
    }

    /// Whether the metric is hidden.
    pub fn is_hidden(&self) -> bool {
        self.hidden
    }

    /// The summary statistics, as given.
    pub fn summary(&self) -> &[Summary] {
        &self.summary
    }

    /// Whether the definition replaces earlier ones.
    pub fn is_overwrite(&self) -> bool {
        self.overwrite
    }
}

/// The `MetricRecord` the SDK's `define_metric` publishes, after its checks.
pub(crate) fn metric_record(name: &str, o: &MetricOptions) -> Result<MetricRecord> {
    if name.is_empty() {
        return Err(Error::InvalidMetric(
            "define_metric() requires non-empty name argument".into(),
        ));
    }
    let glob = name.ends_with('*');
    if name[..name.len() - usize::from(glob)].contains('*') {
        return Err(Error::InvalidMetric(format!(
            "Unhandled define_metric() arg: name (glob suffixes only): {name} (a `*` may only end the name, as in \"train/*\")"
        )));
    }
    let mut rec = MetricRecord::default();
    if glob {
        rec.glob_name = name.to_owned();
    } else {
        rec.name = name.to_owned();
    }
    if let Some(step) = &o.step_metric {
        rec.step_metric = step.clone();
    }
    rec.options = Some(wb_proto::MetricOptions {
        step_sync: o.is_step_sync(),
        hidden: o.hidden,
        defined: true,
    });
    if !o.summary.is_empty() {
        let mut s = MetricSummary::default();
        for kind in &o.summary {
            match kind {
                Summary::Min => s.min = true,
                Summary::Max => s.max = true,
                Summary::Mean => s.mean = true,
                Summary::Last => s.last = true,
                Summary::First => s.first = true,
                Summary::None => s.none = true,
            }
        }
        rec.summary = Some(s);
    }
    if o.overwrite {
        rec.control = Some(MetricControl { overwrite: true });
    }
    Ok(rec)
}

/// Summary kinds as wandb-core's flags.
const LAST: u8 = 1;
const MIN: u8 = 2;
const MAX: u8 = 4;
const MEAN: u8 = 8;
const FIRST: u8 = 16;

/// A metric definition as wandb-core keeps it (all definitions of a name merged).
#[derive(Debug, Clone, Default)]
struct Definition {
    step_sync: bool,
    step: String,
    hidden: bool,
    no_summary: bool,
    track: u8,
}

impl Definition {
    /// This definition updated with a record.
    fn with(mut self, rec: &MetricRecord) -> Definition {
        let options = rec.options.unwrap_or_default();
        self.step_sync |= options.step_sync;
        self.hidden |= options.hidden;
        if !rec.step_metric.is_empty() {
            self.step = rec.step_metric.clone();
        }
        if let Some(s) = rec.summary {
            self.no_summary = s.none;
            for (on, flag) in [
                (s.min, MIN),
                (s.max, MAX),
                (s.mean, MEAN),
                (s.last, LAST),
                (s.first, FIRST),
            ] {
                if on {
                    self.track |= flag;
                }
            }
        }
        self
    }

    /// The complete record of this definition under `name` (what wandb-core makes for a key
    /// matching a glob).
    fn to_record(&self, name: &str) -> MetricRecord {
        MetricRecord {
            name: name.to_owned(),
            step_metric: self.step.clone(),
            options: Some(wb_proto::MetricOptions {
                step_sync: self.step_sync,
                hidden: self.hidden,
                defined: false,
            }),
            summary: Some(MetricSummary {
                none: self.no_summary,
                min: self.track & MIN != 0,
                max: self.track & MAX != 0,
                mean: self.track & MEAN != 0,
                last: self.track & LAST != 0,
                first: self.track & FIRST != 0,
                ..MetricSummary::default()
            }),
            control: Some(MetricControl { overwrite: true }),
            expanded_from_glob: true,
            ..MetricRecord::default()
        }
    }
}

/// The summary state of one leaf.
#[derive(Debug, Default)]
struct Stats {
    first: Value,
    min: f64,
    max: f64,
    total: f64,
    count: u64,
    track: u8,
    no_summary: bool,
    has_data: bool,
}

/// Go's `min` on floats: NaN wins, and -0 is below +0.
fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() { a } else { b }
    } else if a < b {
        a
    } else {
        b
    }
}

/// Go's `max` on floats: NaN wins, and +0 is above -0.
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() { b } else { a }
    } else if a > b {
        a
    } else {
        b
    }
}

impl Stats {
    fn update(&mut self, value: &Value) {
        if !self.has_data {
            self.first = value.clone();
        }
        self.has_data = true;
        let x = match value {
            Value::Float(f) => *f,
            Value::Int(i) => *i as f64,
            _ => return,
        };
        if self.count > 0 {
            self.min = go_min(self.min, x);
            self.max = go_max(self.max, x);
        } else {
            self.min = x;
            self.max = x;
        }
        self.total += x;
        self.count += 1;
    }
}

/// The summary tree: one [`Stats`] per leaf path; a leaf where a subtree is needed is
/// replaced, and the other way round (wandb-core's path tree).
#[derive(Debug)]
enum Node {
    Leaf(Stats),
    Tree(HashMap<String, Node>),
}

fn stats_at<'a>(root: &'a mut HashMap<String, Node>, path: &[String]) -> Option<&'a mut Stats> {
    let (last, prefix) = path.split_last()?;
    let mut tree = root;
    for k in prefix {
        if !matches!(tree.get(k), Some(Node::Tree(_))) {
            tree.insert(k.clone(), Node::Tree(HashMap::new()));
        }
        match tree.get_mut(k) {
            Some(Node::Tree(sub)) => tree = sub,
            _ => return None,
        }
    }
    if !matches!(tree.get(last), Some(Node::Leaf(_))) {
        tree.insert(last.clone(), Node::Leaf(Stats::default()));
    }
    match tree.get_mut(last) {
        Some(Node::Leaf(s)) => Some(s),
        _ => None,
    }
}

/// wandb-core's split of a metric name into a path: unescaped dots separate, `\.` is a dot,
/// and a trailing empty part is dropped.
fn split_escaped(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut escaped = false;
    for c in name.chars() {
        if escaped {
            if c != '.' {
                part.push('\\');
            }
            part.push(c);
            escaped = false;
        } else if c == '.' {
            parts.push(std::mem::take(&mut part));
        } else if c == '\\' {
            escaped = true;
        } else {
            part.push(c);
        }
    }
    if !part.is_empty() {
        parts.push(part);
    }
    parts
}

fn dotted_path(key: &str) -> Vec<String> {
    key.split('.').map(str::to_owned).collect()
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// A run's metric definitions and summary state: wandb-core's metric handler and run summary.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    defined: HashMap<String, Definition>,
    /// Globs in the order they were defined: the first that matches a key wins (wandb-core
    /// picks among several matching globs in Go's map order, which is unspecified).
    globs: IndexMap<String, Definition>,
    /// The last number logged for each step metric.
    latest_step: HashMap<String, f64>,
    stats: HashMap<String, Node>,
}

impl Metrics {
    /// Takes a definition in (wandb-core's `handleMetric`).
    pub(crate) fn process(&mut self, rec: &MetricRecord) {
        if !rec.step_metric.is_empty() {
            self.latest_step
                .entry(rec.step_metric.clone())
                .or_insert(0.0);
        }
        let overwrite = rec.control.is_some_and(|c| c.overwrite);
        let merged = |prev: Option<&Definition>| match prev {
            Some(p) if !overwrite => p.clone().with(rec),
            _ => Definition::default().with(rec),
        };
        if !rec.name.is_empty() {
            let def = merged(self.defined.get(&rec.name));
            if let Some(s) = stats_at(&mut self.stats, &split_escaped(&rec.name)) {
                s.no_summary = def.no_summary;
                s.track = def.track;
            }
            self.defined.insert(rec.name.clone(), def);
        } else if !rec.glob_name.is_empty() {
            let def = merged(self.globs.get(&rec.glob_name));
            self.globs.insert(rec.glob_name.clone(), def);
        }
    }

    /// Before a row is written: the step metrics' last values, definitions for new keys that
    /// match a glob, and the step metrics filled in (`step_sync`).
    pub(crate) fn prepare_row(&mut self, row: &mut PartialRow) {
        if self.latest_step.is_empty() && self.globs.is_empty() {
            return;
        }
        for (key, latest) in &mut self.latest_step {
            if key.is_empty() {
                continue;
            }
            if let Some(n) = row.leaf(&dotted_path(key)).and_then(number) {
                *latest = n;
            }
        }
        let paths = row.leaf_paths();
        if !self.globs.is_empty() {
            for path in &paths {
                let key = path.join(".");
                if key.starts_with('_') || self.defined.contains_key(&key) {
                    continue;
                }
                let prefix_of =
                    |glob: &str| key.starts_with(glob.strip_suffix('*').unwrap_or(glob));
                let found = self
                    .globs
                    .iter()
                    .find(|(glob, _)| prefix_of(glob))
                    .map(|(_, def)| def.to_record(&key));
                if let Some(rec) = found {
                    self.process(&rec);
                }
            }
        }
        for path in &paths {
            let Some(def) = self.defined.get(&path.join(".")) else {
                continue;
            };
            if def.step.is_empty() || !def.step_sync {
                continue;
            }
            let step_path = dotted_path(&def.step);
            if row.leaf(&step_path).is_some() {
                continue;
            }
            if let Some(latest) = self.latest_step.get(&def.step) {
                row.set_path(&step_path, Value::Float(*latest));
            }
        }
    }

    /// An explicit summary value at `path` (`run.summary`, the run time): the leaf shows its
    /// last value again until its metric is defined anew.
    pub(crate) fn set_explicit(&mut self, path: &[String]) {
        if let Some(s) = stats_at(&mut self.stats, path) {
            s.track = 0;
            s.has_data = true;
        }
    }

    /// The derived summary item of a logged leaf (`text` is its JSON), or `None` when it has
    /// no summary (`null`, or `summary="none"`).
    pub(crate) fn summary_item(
        &mut self,
        path: &[String],
        value: &Value,
        text: &str,
    ) -> Option<SummaryItem> {
        let item = |value_json: String| SummaryItem {
            key: String::new(),
            nested_key: path.to_vec(),
            value_json,
        };
        let Some(s) = stats_at(&mut self.stats, path) else {
            return (value != &Value::Null).then(|| item(text.to_owned()));
        };
        s.update(value);
        if s.no_summary {
            return None;
        }
        if s.track == 0 {
            return (value != &Value::Null).then(|| item(text.to_owned()));
        }
        let mut m = Map::new();
        if s.track & LAST != 0 {
            m.insert("last".into(), value.clone());
        }
        if s.track & FIRST != 0 {
            m.insert("first".into(), s.first.clone());
        }
        if s.track & MAX != 0 {
            m.insert("max".into(), Value::Float(s.max));
        }
        if s.track & MIN != 0 {
            m.insert("min".into(), Value::Float(s.min));
        }
        if s.track & MEAN != 0 {
            m.insert("mean".into(), Value::Float(s.total / s.count as f64));
        }
        let mut json = String::new();
        write_to(&mut json, &Value::Object(m), Dialect::Go);
        Some(item(json))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn records_are_the_sdks_bytes() {
        // The MetricRecord bytes wandb 0.31.0 wrote for the same define_metric calls.
        let cases = [
            ("epoch", MetricOptions::default(), "0a0565706f636832021801"),
            (
                "loss",
                MetricOptions::default()
                    .with_step_metric("epoch")
                    .with_summary([
                        Summary::Min,
                        Summary::Max,
                        Summary::Mean,
                        Summary::Last,
                        Summary::First,
                    ]),
                "0a046c6f7373220565706f63683204080118013a0a08011001180128014001",
            ),
            (
                "acc",
                MetricOptions::default()
                    .with_summary([Summary::Max])
                    .with_hidden(true),
                "0a036163633204100118013a021001",
            ),
            (
                "train/*",
                MetricOptions::default().with_step_metric("epoch"),
                "1207747261696e2f2a220565706f6368320408011801",
            ),
            (
                "val_*",
                MetricOptions::default().with_summary([Summary::None]),
                "120576616c5f2a320218013a023001",
            ),
            (
                "x",
                MetricOptions::default()
                    .with_step_metric("epoch")
                    .with_step_sync(false),
                "0a0178220565706f636832021801",
            ),
            (
                "o",
                MetricOptions::default()
                    .with_summary([Summary::Last])
                    .with_overwrite(true),
                "0a016f320218013a0228014a020801",
            ),
        ];
        for (name, options, sdk) in cases {
            let rec = metric_record(name, &options).unwrap();
            assert_eq!(hex(&rec.encode_to_vec()), sdk, "{name}");
        }
    }

    #[test]
    fn names_and_summaries_are_checked_as_the_sdk_does() {
        let o = MetricOptions::default();
        assert_eq!(
            metric_record("", &o).unwrap_err().to_string(),
            "define_metric() requires non-empty name argument"
        );
        assert!(
            metric_record("a*b", &o)
                .unwrap_err()
                .to_string()
                .starts_with("Unhandled define_metric() arg: name (glob suffixes only): a*b")
        );
        assert!(metric_record("**", &o).is_err());
        assert!(metric_record("*", &o).is_ok());
        assert_eq!("MIN".parse::<Summary>().unwrap(), Summary::Min);
        assert!(
            "best"
                .parse::<Summary>()
                .unwrap_err()
                .to_string()
                .starts_with("Unhandled define_metric() arg: summary op: best")
        );
        for k in Summary::ALL {
            assert_eq!(k.as_str().parse::<Summary>().unwrap(), k);
        }
    }

    #[test]
    fn names_split_on_unescaped_dots() {
        assert_eq!(split_escaped("a.b"), ["a", "b"]);
        assert_eq!(split_escaped("a\\.b"), ["a.b"]);
        assert_eq!(split_escaped("a\\xb."), ["a\\xb"]);
        assert_eq!(split_escaped("a..b"), ["a", "", "b"]);
    }

    #[test]
    fn go_min_and_max_keep_nan_and_order_zeros() {
        assert!(go_min(1.0, f64::NAN).is_nan() && go_max(f64::NAN, 1.0).is_nan());
        assert!(go_min(0.0, -0.0).is_sign_negative());
        assert!(go_max(-0.0, 0.0).is_sign_positive());
        assert_eq!((go_min(2.0, 1.0), go_max(2.0, 1.0)), (1.0, 2.0));
    }
}
