//! # wb-types
//!
//! Weights & Biases rich-media data types for Rust: every type the Python SDK logs (images,
//! tables, histograms, audio, video, point clouds, molecules, HTML, plots, graphs), written
//! exactly as `wandb==0.31.0` writes them, in pure Rust.
//!
//! This umbrella crate re-exports [`core`] (always) and each family behind a feature.
//!
//! ## Features
#![doc = document_features::document_features!()]
#![warn(missing_docs)]

pub use wb_core as core;
pub use wb_core::{
    Artifact, DirRun, Error, Histogram, Html, JsonMetadata, LogValue, Plotly, Registry, Result,
    RunTarget, Step, Value, WbValue,
};

#[cfg(feature = "object3d")]
pub use wb_3d as object3d;
#[cfg(feature = "audio")]
pub use wb_audio as audio;
#[cfg(feature = "graph")]
pub use wb_graph as graph;
#[cfg(feature = "image")]
pub use wb_image as image;
#[cfg(feature = "run")]
pub use wb_run as run;
#[cfg(feature = "table")]
pub use wb_table as table;
/// `Video` (crate `wb-video`): GIF from arrays, video files and bytes; MP4 from arrays with
/// the `video-mp4` feature.
#[cfg(feature = "video")]
pub use wb_video as video;

/// A registry that decodes every `_type` of the enabled families (`WBValue.type_mapping()`).
#[cfg_attr(
    not(any(
        feature = "image",
        feature = "audio",
        feature = "video",
        feature = "object3d",
        feature = "table",
        feature = "graph"
    )),
    allow(unused_mut)
)]
pub fn registry() -> Registry {
    let mut r = Registry::with_core();
    #[cfg(feature = "image")]
    wb_image::register(&mut r);
    #[cfg(feature = "audio")]
    wb_audio::register(&mut r);
    #[cfg(feature = "video")]
    wb_video::register(&mut r);
    #[cfg(feature = "object3d")]
    wb_3d::register(&mut r);
    #[cfg(feature = "table")]
    wb_table::register(&mut r);
    #[cfg(feature = "graph")]
    wb_graph::register(&mut r);
    r
}
