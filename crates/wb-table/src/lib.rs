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
//! let run = wb_core::DirRun::new(&dir).with_id("abc12345");
//! let json = wb_core::internal::value::val_to_json(&run, "labels", &wb_core::LogValue::media(t), 0.into())?;
//! assert_eq!(json.get("nrows").and_then(wb_core::Value::as_i64), Some(2));
//! assert_eq!(run.artifacts()[0].name, "run-abc12345-labels");
//! # Ok(())
//! # }
//! ```
//!
//! ## Map of the crate
//! - [`Table`]: columns, rows of [`Cell`]s, column types; `add_data`, `add_column`, `column`
//!   (the SDK's `get_column`), `index` (`get_index`), `cast`, `set_pk`, `set_fk`; built with
//!   `new`, `from_rows`, `from_columns`, `from_array`, and their `_with` forms taking
//!   [`TableOptions`] ([`Dtype`], [`Optional`], [`LogMode`], [`RowLimit`]). Its artifact form
//!   (`name.table.json`, `Table::from_json`) and its logging to a run (`table-file`, the
//!   `run_table` artifact, the run copy) are what the SDK writes.
//! - [`Type`]: the SDK's column type system: inference, assignment, error texts, `wb_type`
//!   JSON.
//! - [`Cell`], [`Key`], [`TableIndex`]; [`Timestamp`]; [`NdArray`] (numpy array cells, `.npy`
//!   and `.npz`).
//! - [`JoinedTable`]; [`PartitionedTable`].
//! - Feature `parquet`: Arrow `RecordBatch` and Parquet conversion (`Table::to_record_batch`,
//!   `Table::from_parquet`, ...) and the legacy `data-frame` JSON.
//!
//! ## Features
#![doc = document_features::document_features!()]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod cell;
mod dtypes;
#[cfg(feature = "parquet")]
mod frame;
mod joined;
mod nd_array;
mod nd_stack;
mod npz;
mod partitioned;
mod pyrepr;
mod pywrite;
mod table;
mod table_json;
mod table_nd;
mod table_run;
mod tensor;
mod time;

pub use cell::{Cell, Key, TableIndex};
pub use dtypes::Type;
pub use joined::{JoinKey, JoinedTable, TableRef};
pub use nd_array::{NdArray, NdData, NdElement};
pub use partitioned::PartitionedTable;
pub use table::{Dtype, LogMode, Nullability, Optional, RowLimit, Table, TableOptions};
pub use time::{Civil, TimeKind, Timestamp};

/// Registers this family's decodable `_type`s: `table`, `joined-table`, `partitioned-table`.
pub fn register(registry: &mut wb_core::Registry) {
    registry.register("table", table_run::decode);
    registry.register("joined-table", joined::decode);
    registry.register("partitioned-table", partitioned::decode);
}
