//! What a training script needs, in one import: `use wb_types::prelude::*;`.
//!
//! The run (`Run`, `Row`, `Mode`, `LogOptions`, `MetricOptions` and `Summary` for
//! `Run::define_metric`, `FilePolicy` for `run.save`, `Artifact` for `run.log_artifact`),
//! every media type with its options and format
//! enums, [`Error`] and [`Result`]. Everything else is at the crate root.

pub use crate::{Error, Result};

pub use wb_core::{
    Artifact, Histogram, HistogramOptions, Html, HtmlOptions, JsonMetadata, Layout, LogValue,
    Plotly,
};

#[cfg(feature = "run")]
pub use wb_run::{FilePolicy, LogOptions, MetricOptions, Mode, Row, Run, Summary};

#[cfg(feature = "image")]
pub use wb_image::{
    BoundingBoxes2D, BoundingBoxes2DOptions, Box2D, ClassLabels, Classes, Image, ImageFormat,
    ImageMask, ImageMode, ImageOptions, PixelScaling,
};

#[cfg(feature = "audio")]
pub use wb_audio::Audio;

#[cfg(feature = "video")]
pub use wb_video::{Video, VideoFormat, VideoOptions};

#[cfg(feature = "object3d")]
pub use wb_3d::{
    Atom, Bond, Box3D, Molecule, MoleculeFormat, Object3D, Object3DFormat, Vector3D, box3d, triple,
};

#[cfg(feature = "table")]
pub use wb_table::{Cell, JoinedTable, LogMode, PartitionedTable, Table, TableOptions};

#[cfg(feature = "graph")]
pub use wb_graph::{Edge, Graph, Module, ModuleTreeOptions, Node};
