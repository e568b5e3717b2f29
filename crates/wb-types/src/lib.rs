//! # wb-types
//!
//! Weights & Biases rich-media data types for Rust: every type the Python SDK logs (images,
//! tables, histograms, audio, video, point clouds, molecules, HTML, plots, graphs), written
//! exactly as `wandb==0.31.0` writes them, in pure Rust.
//!
//! A training script needs one import:
//!
//! ```no_run
//! use wb_types::prelude::*;
//! ```
//!
//! Every type is also re-exported here, flat (`wb_types::Image`, `wb_types::Table`), each behind
//! its family's feature, and each family's crate is a module (`wb_types::image` is `wb-image`).
//! [`Error`] takes the errors of every crate, so `?` works across them.
//!
//! ## Features
#![doc = document_features::document_features!()]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod error;
pub mod prelude;

pub use error::{Error, Result};

pub use wb_core as core;
pub use wb_core::ndarray;
pub use wb_core::{
    Artifact, ArtifactSource, ArtifactTarget, DirArtifact, DirRun, Histogram, HistogramOptions,
    Html, HtmlOptions, JsonMetadata, Layout, LogValue, Plotly, Registry, RunTarget, Step,
    TensorElements, TensorLike, Value, WbValue,
};

/// burn-train's metric logger for a run (crate `wb-burn`).
#[cfg(feature = "burn")]
pub use wb_burn as burn;
/// The `candle-core` crate whose tensors the `from_tensor` constructors take.
#[cfg(feature = "candle")]
pub use wb_core::candle_core;

#[cfg(feature = "object3d")]
pub use wb_3d as object3d;
#[cfg(feature = "object3d")]
pub use wb_3d::{
    Atom, Bond, Box3D, Molecule, MoleculeFormat, Object3D, Object3DFormat, PointScalar, Vector3D,
    box3d, triple,
};
#[cfg(feature = "audio")]
pub use wb_audio as audio;
#[cfg(feature = "audio")]
pub use wb_audio::Audio;
#[cfg(feature = "graph")]
pub use wb_graph as graph;
#[cfg(feature = "graph")]
pub use wb_graph::{Edge, EdgeStyle, Graph, Module, ModuleTreeOptions, Node, NodeId};
#[cfg(feature = "image")]
pub use wb_image as image;
#[cfg(feature = "image")]
pub use wb_image::{
    BoundingBoxes2D, BoundingBoxes2DOptions, Box2D, ClassLabels, Classes, Image, ImageFormat,
    ImageMask, ImageMode, ImageOptions, PixelScaling,
};
#[cfg(feature = "run")]
pub use wb_run as run;
#[cfg(feature = "tracing")]
#[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
pub use wb_run::ConsoleLayer;
#[cfg(feature = "log")]
#[cfg_attr(docsrs, doc(cfg(feature = "log")))]
pub use wb_run::ConsoleLogger;
#[cfg(feature = "run")]
pub use wb_run::{
    Console, FilePolicy, LogArtifactOptions, LogOptions, MetricOptions, Mode, Resume, Row, Run,
    RunBuilder, RunLog, SaveOptions, SharedRole, Summary,
};
#[cfg(feature = "table")]
pub use wb_table as table;
#[cfg(feature = "table")]
pub use wb_table::{
    Cell, JoinedTable, LogMode, Nullability, PartitionedTable, Table, TableOptions, Timestamp,
};
/// `Video` (crate `wb-video`): GIF and MP4 from arrays, video files and bytes; MP4 from arrays
/// with OpenH264 (lossy, small files) with the `video-mp4` feature.
#[cfg(feature = "video")]
pub use wb_video as video;
#[cfg(feature = "video")]
pub use wb_video::{Video, VideoFormat, VideoOptions};

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
    let mut r = Registry::new().with_core();
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
