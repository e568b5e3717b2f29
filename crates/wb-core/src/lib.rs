//! # wb-core
//!
//! The foundation of `wb-types`: what every Weights & Biases data type shares, and the types
//! that need no other crate.
//!
//! A value flows: **construct** (check the input, encode its file) → **bind**
//! ([`WbValue::bind_to_run`] names the file `{key}_{step}_{sha256[:20]}{ext}` and places it
//! under the run's media folder) → **`to_json`** ([`WbValue::to_run_json`] or
//! [`WbValue::to_artifact_json`]) → **target** (a [`RunTarget`] such as [`DirRun`] or the
//! offline run of `wb-run`; an [`ArtifactTarget`] such as [`Artifact`]); and back:
//! [`Registry::decode`] reads a value's artifact JSON (the SDK's `init_from_json`).
//!
//! ## What is here
//! - Types: [`Histogram`] ([`HistogramOptions`]), [`Html`] ([`HtmlOptions`]), [`Plotly`],
//!   [`JsonMetadata`].
//! - Logging: the [`WbValue`] trait every data type implements, [`LogValue`] (what a row
//!   holds), [`Step`], the [`RunTarget`] and [`ArtifactTarget`] traits, [`DirRun`],
//!   [`Artifact`], [`DirArtifact`], [`ArtifactSource`], [`Registry`], [`MediaFile`] (the file
//!   behind a media value).
//! - [`json`]: the ordered [`json::Value`] and wandb's three JSON byte dialects.
//! - Tensor-shaped inputs: [`Layout`] (the axis order a `from_slice` constructor is told),
//!   [`TensorLike`] and [`TensorElements`] (what `from_tensor` constructors read; candle's
//!   `Tensor` with feature `candle`).
//! - [`Error`] and [`Result`]; [`ndarray`], re-exported for the array constructors.
//!
//! The machinery the family crates share (media binding, atomic writes, the parallel
//! pipeline, random ids, hashing, path rules) is in a hidden, unstable module, `internal`.
//!
//! ## Features
#![doc = document_features::document_features!()]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod artifact;
mod artifact_files;
mod error;
mod fs;
mod hash;
mod histogram;
mod html;
#[doc(hidden)]
pub mod internal;
pub mod json;
mod media;
mod media_type;
mod metadata;
mod parallel;
mod path;
mod plotly;
mod pyrepr;
mod pyrepr_table;
mod random;
mod registry;
mod target;
mod tensor;
mod value;

pub use artifact::{Artifact, ArtifactSource, ArtifactTarget, DirArtifact};
pub use error::{Error, Result};
pub use histogram::{Histogram, HistogramOptions, HistogramSample};
pub use html::{Html, HtmlOptions};
pub use json::{Map, Value};
pub use media::MediaFile;
pub use metadata::JsonMetadata;
pub use path::Step;
pub use plotly::Plotly;
pub use registry::Registry;
pub use target::{DirRun, RunTarget};
pub use tensor::{Layout, TensorElements, TensorLike};
pub use value::{Batching, LogValue, WbValue};

/// The `ndarray` crate, whose array views the array constructors (`from_array`) take.
pub use ndarray;

/// The `candle-core` crate, whose tensors the `from_tensor` constructors take ([`TensorLike`]).
#[cfg(feature = "candle")]
pub use candle_core;

/// Registers wb-core's decodable types (`histogram`, `html-file`, `plotly-file`).
pub fn register(registry: &mut Registry) {
    use internal::{MediaType, media_decoder};
    registry.register("histogram", histogram::decode);
    registry.register(Html::LOG_TYPE, media_decoder::<Html>);
    registry.register(Plotly::LOG_TYPE, media_decoder::<Plotly>);
}
