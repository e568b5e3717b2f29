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
//!
//! # Depth
//!
//! Nothing here recurses once per nesting level, so no depth can overflow a thread's stack:
//! the writers, [`parse`] and `Value`'s `Drop`, `Clone` and `PartialEq` keep the arrays and
//! objects they are inside of on a stack on the heap. Values of any depth are written, cloned,
//! compared and dropped (tested to 100 000 levels on a 2 MiB thread in a debug build); `{:?}`
//! shows [`DEBUG_DEPTH`] levels and elides deeper ones.
//!
//! [`parse`] reads at most [`MAX_DEPTH`] (1000) levels, as Python's `json` does (the SDK
//! cannot read or write JSON nested deeper than about 990 levels: `RecursionError`); deeper
//! input is a [`ParseError`], "JSON nested deeper than 1000 levels". The limit also keeps code
//! that walks parsed values recursively (decoders in other crates) within bounds.
//!
//! Because `Value` implements `Drop`, a `match` cannot move a member out of a `Value`; take it
//! with [`Value::into_array`] / [`Value::into_object`], or `std::mem::take` on `&mut`.

mod float;
mod parse;
mod traverse;
mod value;
mod write;

pub use float::{FloatStyle, format_float};
pub use parse::{MAX_DEPTH, ParseError, parse};
pub use traverse::DEBUG_DEPTH;
pub use value::{Map, Value};
pub use write::{Dialect, to_string, write_int, write_str, write_to};
