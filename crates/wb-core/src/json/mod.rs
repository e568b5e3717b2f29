//! wandb's JSON: one ordered value type and the three byte dialects the SDK writes.
//!
//! | dialect | writer | used for |
//! |---|---|---|
//! | [`Dialect::Compact`] | `wandb.sdk.lib.json_util.dumps` (pydantic) | media sidecars, run-side `value_json` |
//! | [`Dialect::Python`] | stdlib `json.dump(sort_keys=True)` | artifact entries (`name.table.json`, ...) |
//! | [`Dialect::Go`] | wandb-core's `simplejsonext` | `value_json` inside the `.wandb` log |
//!
//! `serde_json` cannot write `NaN` and formats floats its own way, so this module has its own
//! [`Value`] (insertion-ordered objects, integers beyond 64 bits, non-finite floats) and writers.

mod float;
mod parse;
mod value;
mod write;

pub use float::{FloatStyle, format_float};
pub use parse::{MAX_DEPTH, ParseError, parse};
pub use value::{Map, Value};
pub use write::{Dialect, to_string, write_to};
