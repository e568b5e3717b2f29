//! # wb-cases
//!
//! The conformance case format (described in `docs/conformance.md`, "The case format"): one JSON
//! file says what a user logs; `cargo xtask conformance` does it with the Python SDK and with
//! wb-types and compares the outputs. This crate reads and checks case files ([`case`]) and
//! decodes their values ([`args`]); it is shared by xtask's runner, the fuzz targets and the
//! test suite's corpus replay. Not published: it is the project's test machinery, not API.
//!
//! - [`case::load`] reads a case file into a [`case::Case`]; [`case::stage`] copies it with
//!   its fixture files into a folder of its own.
//! - [`args::decode`] turns a case value (`$wb`, `$ndarray`, `$npy`, `$file`, ...) into an
//!   [`args::Arg`]; [`args::NdArray::parse_npy`] reads numpy's `.npy` files.

pub mod args;
pub mod case;
