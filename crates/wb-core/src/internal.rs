//! Machinery the family crates of `wb-types` share and users do not need. **Unstable**: it
//! may change in any release without notice; it is hidden from the documentation.
//!
//! - Media ([`Media`], [`MediaType`], [`media_decoder`], [`batch_captions`], [`entry_path`]):
//!   caption, binding, run and artifact JSON shapes and registry decoding of a file-backed
//!   media type, so that a type is its encoder and a few lines. How a type adopts them is
//!   in `crates/wb-core/src/media_type.rs`, and [`MediaType`] shows it whole.

pub use crate::media_type::{Media, MediaType, batch_captions, entry_path, media_decoder};
