//! Several processes, one run: the SDK's shared mode (`wandb.init(mode="shared")` with the
//! settings `x_primary`, `x_update_finish_state` and `x_label`).
//!
//! One process (the primary) creates the run; the others (workers) attach to it by giving the
//! same run id. Every process has its own wandb-core, which sends the server its history rows
//! without step numbers (the server numbers them as they arrive), and labels the process's
//! system metrics (`<metric>/l:<label>`) and console lines (`[<label>]`, file
//! `output_<label>.log`) with its label. What only the primary does, as wandb-core decides
//! from `x_primary`: upload `config.yaml`, `wandb-summary.json` and `wandb-metadata.json`.
//! What only the process that may set the final state does (`x_update_finish_state`, true
//! for the primary): mark the run finished with its exit code; a worker's `finish` leaves the
//! run running.

use crate::error::{Error, Result};
use std::fmt;
use std::str::FromStr;

/// What a process of a shared run ([`Mode::Shared`](crate::Mode::Shared)) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SharedRole {
    /// Owns the run: uploads its config, summary and metadata files and sets its final state
    /// (the SDK's `x_primary=True`, `x_update_finish_state=True`, its defaults).
    #[default]
    Primary,
    /// Attaches to the run by id: logs history, system metrics and console lines, and leaves
    /// the run's files and final state to the primary (`x_primary=False`,
    /// `x_update_finish_state=False`).
    Worker,
}

impl SharedRole {
    /// The role's name: `primary` or `worker`.
    pub fn as_str(self) -> &'static str {
        match self {
            SharedRole::Primary => "primary",
            SharedRole::Worker => "worker",
        }
    }

    /// The SDK's `x_primary` for this role.
    pub(crate) fn is_primary(self) -> bool {
        self == SharedRole::Primary
    }

    /// The SDK's `x_update_finish_state` for this role.
    pub(crate) fn updates_finish_state(self) -> bool {
        self == SharedRole::Primary
    }
}

impl fmt::Display for SharedRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SharedRole {
    type Err = Error;

    fn from_str(s: &str) -> Result<SharedRole> {
        match s {
            "primary" => Ok(SharedRole::Primary),
            "worker" => Ok(SharedRole::Worker),
            other => Err(Error::InvalidSetting(format!(
                "invalid shared role {other:?}: the role must be \"primary\" or \"worker\""
            ))),
        }
    }
}

/// A shared run's settings, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shared {
    pub role: SharedRole,
    /// The label of this process's system metrics and console lines (`x_label`).
    pub label: String,
}

/// The SDK's default label in shared mode: `<host>-<8 random characters>`, or just the
/// random part without a host.
pub(crate) fn default_label(host: &str) -> String {
    let id = wb_core::internal::random::random_id(8);
    if host.is_empty() {
        id
    } else {
        format!("{host}-{id}")
    }
}

/// `log` with a step in shared mode: the step is ignored (the server numbers the rows of every
/// process), as the SDK ignores it; said once per process.
pub(crate) fn warn_step_ignored(step: u64) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        eprintln!(
            "wandb: WARNING a shared run ignores the step given to log (here {step}): the \
             server numbers the rows of every process; log your own x-axis value and choose it \
             in the app (https://wandb.me/define-metric)"
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_print() {
        for r in [SharedRole::Primary, SharedRole::Worker] {
            assert_eq!(r.as_str().parse::<SharedRole>().unwrap(), r);
            assert_eq!(r.to_string(), r.as_str());
        }
        assert!("boss".parse::<SharedRole>().is_err());
        assert!(SharedRole::Primary.is_primary() && SharedRole::Primary.updates_finish_state());
        assert!(!SharedRole::Worker.is_primary() && !SharedRole::Worker.updates_finish_state());
    }

    #[test]
    fn the_default_label_is_host_dash_id() {
        let l = default_label("node1");
        assert!(
            l.starts_with("node1-") && l.len() == "node1-".len() + 8,
            "{l}"
        );
        assert_eq!(default_label("").len(), 8);
    }
}

/// `record` with each `stats` item key suffixed by `/l:<label>`, as wandb-core's system
/// monitor labels the metrics of a shared run's process; other records unchanged.
pub(crate) fn label_stats(mut record: wb_proto::Record, label: &str) -> wb_proto::Record {
    use prost::Message;
    if let Some(wb_proto::RecordType::Stats(bytes)) = &mut record.record_type
        && let Ok(mut stats) = wb_proto::StatsRecord::decode(bytes.as_slice())
    {
        for item in &mut stats.item {
            item.key = format!("{}/l:{label}", item.key);
        }
        *bytes = stats.encode_to_vec();
    }
    record
}

#[cfg(test)]
mod label_tests {
    use super::*;
    use prost::Message;

    #[test]
    fn stats_keys_get_the_label_and_other_records_do_not_change() {
        let stats = wb_proto::StatsRecord {
            item: vec![wb_proto::StatsItem {
                key: "cpu".into(),
                value_json: "1.5".into(),
            }],
            ..wb_proto::StatsRecord::default()
        };
        let record = wb_proto::Record {
            record_type: Some(wb_proto::RecordType::Stats(stats.encode_to_vec())),
            ..wb_proto::Record::default()
        };
        let labelled = label_stats(record, "rank-1");
        let Some(wb_proto::RecordType::Stats(bytes)) = labelled.record_type else {
            panic!("not a stats record");
        };
        let back = wb_proto::StatsRecord::decode(bytes.as_slice()).unwrap();
        assert_eq!(back.item[0].key, "cpu/l:rank-1");
        assert_eq!(back.item[0].value_json, "1.5");
        let other = wb_proto::Record::default();
        assert_eq!(label_stats(other.clone(), "x"), other);
    }
}
