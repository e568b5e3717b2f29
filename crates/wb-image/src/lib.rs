//! # wb-image
//!
//! The image family of wb-types: [`Image`], [`ImageMask`], [`BoundingBoxes2D`] and
//! [`Classes`], written as `wandb==0.31.0` writes them.
//!
//! ```
//! use ndarray::Array3;
//! use wb_core::{DirRun, LogValue, Step};
//! use wb_image::{BoundingBoxes2D, Box2D, ClassLabels, Image};
//!
//! let pixels = Array3::<u8>::from_elem((64, 64, 3), 200);
//! let boxes = BoundingBoxes2D::from_boxes(
//!     [Box2D::min_max(0.1, 0.4, 0.2, 0.5).class_id(1).caption("car").score("acc", 0.9)],
//!     Some(&ClassLabels::from([(1, "car")])),
//!     "predictions",
//! )?;
//! let img = Image::from_array(pixels.view())
//!     .caption("a grey square")
//!     .boxes("predictions", boxes)
//!     .build()?;
//! let dir = tempfile::tempdir().unwrap();
//! let run = DirRun::new(dir.path());
//! let json = wb_core::value::val_to_json(&run, "examples", &LogValue::media(img), Step::Num(0))?;
//! assert_eq!(json.get("_type").and_then(|t| t.as_str()), Some("image-file"));
//! # Ok::<(), wb_core::Error>(())
//! ```
//!
//! ## Map of the crate
//! - [`image`]: [`Image`] and its [`ImageBuilder`] (inputs, keyword arguments, run and
//!   artifact JSON, lists as `images/separated`, `from_json`).
//! - [`pixels`]: arrays → pixels: squeeze, [`pixels::guess_mode`], the `uint8` cast and the
//!   opt-in legacy scaling ([`PixelScaling`]), Pillow's mode conversions.
//! - [`encode`]: PNG (byte-identical to Pillow's: its filters and chunking, deflated by our exact port of zlib's level 6, [`encode::zdeflate`]), BMP
//!   (byte-identical to Pillow), JPEG (quality 75); [`FileType`] in [`file_type`].
//! - [`decode`]: sizes and pixels of image files.
//! - [`boxes`]: [`BoundingBoxes2D`], its validation and the [`Box2D`] builder.
//! - [`mask`]: masks, [`ImageMask`].
//! - [`classes`]: [`ClassLabels`] and [`Classes`].
//! - [`column_type`]: the `image-file` table column type.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod boxes;
pub mod classes;
pub mod column_type;
pub mod decode;
pub mod encode;
pub mod file_type;
pub mod image;
pub mod mask;
pub mod pixels;

pub use boxes::{BoundingBoxes2D, Box2D};
pub use classes::{ClassLabels, Classes};
pub use file_type::FileType;
pub use image::{Image, ImageBuilder};
pub use mask::ImageMask;
pub use pixels::{Element, Mode, PixelScaling, Pixels};

/// The `ndarray` this crate takes views of (re-exported so callers use the same version).
pub use ndarray;

/// Registers this family's decodable `_type`s: `image-file`, `mask`, `bounding-boxes`,
/// `classes`.
pub fn register(registry: &mut wb_core::Registry) {
    registry.register("image-file", image::decode_entry);
    registry.register("mask", mask::decode);
    registry.register("bounding-boxes", boxes::decode);
    registry.register("classes", classes::decode);
}
