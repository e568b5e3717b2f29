//! The fuzz targets' bodies (see `targets`); the conformance case parser is crate `wb-cases`.
#![allow(missing_docs)]

pub mod targets;
