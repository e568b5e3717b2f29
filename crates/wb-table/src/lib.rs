//! # wb-table
//!
//! W&B tables for Rust, written exactly as `wandb==0.31.0` writes them.
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

pub use cell::{Cell, Key};
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
