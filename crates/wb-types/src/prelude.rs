//! What a training script needs, in one import: `use wb_types::prelude::*;`.
//!
//! The run (`Run`, `Row`), every media type with its options and format enums, [`Error`] and
//! [`Result`]. Everything else is at the crate root.

pub use crate::{Error, Result};

// TODO(rename): HistogramOptions, HtmlOptions.
pub use wb_core::{Histogram, Html, JsonMetadata, Plotly};

#[cfg(feature = "run")]
pub use wb_run::{Row, Run};
// TODO(rename): `pub use wb_run::{LogOptions, Mode};` (wb-run on the convention, online runs).

// TODO(rename): FileType is ImageFormat, ImageBuilder is ImageOptions, Mode is ImageMode,
// BoundingBoxes2DOptions.
#[cfg(feature = "image")]
pub use wb_image::{
    BoundingBoxes2D, Box2D, ClassLabels, Classes, FileType as ImageFormat, Image, ImageBuilder,
    ImageMask, Mode as ImageMode, PixelScaling,
};

#[cfg(feature = "audio")]
pub use wb_audio::Audio;

// TODO(rename): VideoOptions.
#[cfg(feature = "video")]
pub use wb_video::{Video, VideoFormat};

// TODO(rename): Object3DFormat, MoleculeFormat.
#[cfg(feature = "object3d")]
pub use wb_3d::{Box3D, Molecule, Object3D, box3d};

// TODO(rename): TableBuilder is TableOptions.
#[cfg(feature = "table")]
pub use wb_table::{JoinedTable, LogMode, PartitionedTable, Table, TableBuilder};

#[cfg(feature = "graph")]
pub use wb_graph::{Edge, Graph, Node};
