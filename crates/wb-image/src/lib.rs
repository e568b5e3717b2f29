//! # wb-image
//!
//! The image family of wb-types: [`Image`], [`ImageMask`], [`BoundingBoxes2D`] and
//! [`Classes`], written as `wandb==0.31.0` writes them. PNG files are Pillow's byte for byte
//! (its filters and chunking, deflated by crate `wb-zlib`, an exact port of zlib's level 6),
//! BMP files too, JPEG at Pillow's quality 75.
//!
//! ```
//! use ndarray::{Array2, Array3};
//! use wb_core::{DirRun, LogValue, Step};
//! use wb_image::{BoundingBoxes2D, BoundingBoxes2DOptions, Box2D, ClassLabels, Image, ImageMask};
//!
//! let pixels = Array3::<u8>::from_elem((64, 64, 3), 200);
//! let labels = ClassLabels::from([(0, "background"), (1, "car")]);
//! let boxes = BoundingBoxes2D::from_boxes_with(
//!     [Box2D::from_min_max(0.1, 0.4, 0.2, 0.5)
//!         .with_class_id(1)
//!         .with_caption("car")
//!         .with_score("acc", 0.9)],
//!     BoundingBoxes2DOptions::default().with_class_labels(labels.clone()),
//! )?;
//! let mask = ImageMask::from_array(Array2::<u8>::zeros((64, 64)).view())?.with_class_labels(labels);
//! let img = Image::from_array(pixels.view())?
//!     .with_caption("a grey square")
//!     .with_boxes("predictions", boxes)
//!     .with_mask("segmentation", mask);
//! let dir = tempfile::tempdir().unwrap();
//! let run = DirRun::new(dir.path());
//! let json = wb_core::internal::value::val_to_json(&run, "examples", &LogValue::media(img), Step::Num(0))?;
//! assert_eq!(json.get("_type").and_then(|t| t.as_str()), Some("image-file"));
//! # Ok::<(), wb_core::Error>(())
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod boxes;
mod classes;
mod column_type;
mod decode;
mod encode;
mod format;
mod image;
mod mask;
mod pixels;
mod tensor;

pub use boxes::{BoundingBoxes2D, BoundingBoxes2DOptions, Box2D};
pub use classes::{ClassLabels, Classes};
pub use format::ImageFormat;
pub use image::{Image, ImageOptions};
pub use mask::ImageMask;
pub use pixels::{Element, ImageMode, PixelScaling, Pixels};

/// Registers this family's decodable `_type`s: `image-file`, `mask`, `bounding-boxes`,
/// `classes`.
pub fn register(registry: &mut wb_core::Registry) {
    use wb_core::internal::{MediaType, media_decoder};
    registry.register("image-file", image::decode_entry);
    registry.register(ImageMask::LOG_TYPE, media_decoder::<ImageMask>);
    registry.register("bounding-boxes", boxes::decode);
    registry.register("classes", classes::decode);
}
