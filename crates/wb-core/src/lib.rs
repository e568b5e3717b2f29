//! # wb-core
//!
//! The foundation of `wb-types`: what every Weights & Biases data type shares, and the types
//! that need no other crate.
//!
//! A value flows: **construct** (check the input, encode it: [`MediaFile::generated`]) →
//! **bind** ([`WbValue::bind_to_run`] names the file `{key}_{step}_{sha256[:20]}{ext}` and
//! places it under the run's media folder) → **`to_json`** ([`WbValue::to_run_json`] or
//! [`WbValue::to_artifact_json`]) → **target** (a [`RunTarget`] such as [`DirRun`] or the
//! offline run of `wb-run`; an [`ArtifactTarget`] such as [`Artifact`]).
//!
//! ## Map of the crate
//! - [`json`]: the ordered [`json::Value`] and wandb's three JSON byte dialects.
//! - [`value`]: the [`WbValue`] trait, [`LogValue`], `val_to_json` and batching of lists.
//! - [`media`]: [`MediaFile`], a value's file, its hash, run binding and artifact entry naming.
//! - [`path`]: the SDK's key → file-name rules ([`path::safe_key`], [`Step`]).
//! - [`target`]: the [`RunTarget`] trait and the plain-directory [`DirRun`].
//! - [`artifact`]: the [`ArtifactTarget`] trait, the in-memory [`Artifact`], artifact readers.
//! - [`registry`]: `_type` → decoder ([`Registry`], the SDK's `init_from_json`).
//! - Types: [`Histogram`], [`Html`], [`Plotly`], [`JsonMetadata`].
//! - [`fs`]: atomic writes; [`hash`]: digests; [`parallel`]: pieces made on several threads,
//!   used in order.
//!
//! ## Features
#![doc = document_features::document_features!()]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod artifact;
pub mod error;
pub mod fs;
pub mod hash;
pub mod histogram;
pub mod html;
pub mod json;
pub mod media;
pub mod metadata;
pub mod parallel;
pub mod path;
pub mod plotly;
pub mod random;
pub mod registry;
pub mod target;
pub mod value;

pub use artifact::{Artifact, ArtifactSource, ArtifactTarget, DirArtifact};
pub use error::{Error, Result};
pub use histogram::Histogram;
pub use html::Html;
pub use json::{Map, Value};
pub use media::MediaFile;
pub use metadata::JsonMetadata;
pub use path::Step;
pub use plotly::Plotly;
pub use registry::Registry;
pub use target::{DirRun, RunTarget};
pub use value::{LogValue, WbValue};

/// Registers wb-core's decodable types (`histogram`, `html-file`, `plotly-file`).
pub fn register(registry: &mut Registry) {
    registry.register("histogram", histogram::decode);
    registry.register("html-file", html::decode);
    registry.register("plotly-file", plotly::decode);
}
