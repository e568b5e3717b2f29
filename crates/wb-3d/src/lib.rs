//! # wb-3d
//!
//! The 3-D family of wb-types: [`Object3D`] (point clouds, `lidar/beta` point-cloud scenes with
//! [`box3d`] boxes and vectors, and obj/glTF/GLB/Babylon/STL model files) and [`Molecule`],
//! written exactly as `wandb==0.31.0` writes them.
//!
//! ## Map of the crate
//! - [`Object3D`]: from an array ([`Object3D::from_array`]), a scene
//!   ([`Object3D::from_point_cloud`], [`Object3D::from_scene_json`]), a file
//!   ([`Object3D::from_path`]) or bytes ([`Object3D::from_bytes`], in an [`Object3DFormat`]).
//!   Arrays are written by a fast private `.pts.json` writer (the SDK's compact JSON, byte for
//!   byte).
//! - Scenes: [`box3d`], [`Box3D`], [`Vector3D`] and [`Num`] (numbers kept as int or float).
//! - [`Molecule`]: from a file, bytes (in a [`MoleculeFormat`]), or [`Atom`]s and [`Bond`]s
//!   ([`Molecule::from_atoms`], written as PDB instead of the SDK's RDKit-based `from_smiles` /
//!   `from_rdkit`).
//! - Private: the cheap checks that a file is what its extension says.
//!
//! ## Differences from the SDK, on purpose
//! - Files are checked: the SDK copies any file with a supported extension; we refuse one that
//!   is not of that format (a `.glb` that is not GLB, a PDB without atoms...) with the reason.
//! - `from_json` keeps the caption the JSON has, of any JSON type (the SDK drops it), as
//!   wb-core's caption rule says.
//! - No RDKit: see [`Molecule::from_atoms`].
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod check3d;
mod format;
mod gltf1;
mod molcheck;
mod molecule;
mod object3d;
mod pdb;
mod pts;
mod scene;
#[cfg(test)]
mod streamed_tests;
mod tensor;

pub use format::{MoleculeFormat, Object3DFormat};
pub use molecule::Molecule;
pub use object3d::Object3D;
pub use pdb::{Atom, Bond};
pub use pts::PointScalar;
pub use scene::{Box3D, Num, Triple, Vector3D, box3d, triple};

/// Registers this family's decodable `_type`s: `object3D-file` and `molecule-file`.
pub fn register(registry: &mut wb_core::Registry) {
    use wb_core::internal::media_decoder;
    registry.register(object3d::LOG_TYPE, media_decoder::<object3d::Object3D>);
    registry.register(molecule::LOG_TYPE, media_decoder::<molecule::Molecule>);
}
