//! # wb-table
//!
//! W&B tables for Rust, written exactly as `wandb==0.31.0` writes them.
//!
//! ```
//! use wb_table::{Cell, Table};
//! # fn main() -> wb_core::Result<()> {
//! let mut t = Table::from_rows(["id", "label"], vec![vec![1.into(), "cat".into()]])?;
//! t.add_data(vec![2.into(), Cell::Null])?; // None is allowed: columns are optional
//! assert!(t.add_data(vec!["x".into(), "dog".into()]).is_err()); // the SDK's TypeError
//! assert_eq!(t.column_types().to_string(), "{'id': None or Number, 'label': None or String}");
//!
//! // In an artifact: `labels.table.json`, byte for byte what the SDK writes.
//! let mut art = wb_core::Artifact::new("dataset", "dataset");
//! let entry = art.add(&t, "labels")?;
//! assert_eq!(entry, "labels.table.json");
//!
//! // Logged to a run: the `run_table` artifact, the run copy and the `table-file` JSON.
//! let dir = std::env::temp_dir().join("wb-table-doc");
//! let run = wb_core::DirRun::with_id(&dir, "abc12345");
//! let json = wb_core::value::val_to_json(&run, "labels", &wb_core::LogValue::media(t), 0.into())?;
//! assert_eq!(json.get("nrows").and_then(wb_core::Value::as_i64), Some(2));
//! assert_eq!(run.artifacts()[0].name, "run-abc12345-labels");
//! # Ok(())
//! # }
//! ```
//!
//! ## Map of the crate
//! - [`Table`] ([`table`]): columns, rows of [`Cell`]s, column types; `add_data`, `add_column`,
//!   `get_column`, `cast`, `set_pk`, `set_fk`; [`LogMode`].
//! - [`dtypes`]: the SDK's column type system ([`Type`]): inference, assignment, error texts,
//!   `wb_type` JSON.
//! - [`cell`]: [`Cell`] and [`Key`]; [`time`]: [`Timestamp`]; [`ndarray`]: [`NdArray`] and
//!   `.npy`; [`npz`]: `.npz` files.
//! - [`table_json`]: the artifact form (`name.table.json`) and `Table::from_json`.
//! - [`table_run`]: logging to a run (`table-file`, the `run_table` artifact, the run copy).
//! - [`joined`]: [`JoinedTable`]; [`partitioned`]: [`PartitionedTable`].
//! - [`frame`] (feature `parquet`): Arrow `RecordBatch` and Parquet conversion, and the legacy
//!   `data-frame` JSON.
//!
//! ## Features
#![doc = document_features::document_features!()]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod cell;
pub mod dtypes;
#[cfg(feature = "parquet")]
pub mod frame;
pub mod joined;
pub mod ndarray;
pub mod npz;
pub mod partitioned;
mod pyrepr;
mod pywrite;
pub mod table;
pub mod table_json;
pub mod table_run;
pub mod time;

pub use cell::{Cell, Key, TableIndex};
pub use dtypes::Type;
pub use joined::{JoinKey, JoinedTable, TableRef};
pub use ndarray::{NdArray, NdData};
pub use partitioned::PartitionedTable;
pub use table::{Dtype, LogMode, Optional, Table, TableBuilder};
pub use time::{TimeKind, Timestamp};

/// Registers this family's decodable `_type`s: `table`, `joined-table`, `partitioned-table`.
pub fn register(registry: &mut wb_core::Registry) {
    registry.register("table", table_run::decode);
    registry.register("joined-table", joined::decode);
    registry.register("partitioned-table", partitioned::decode);
}
