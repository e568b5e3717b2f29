//! The project's automation, run as `cargo xtask ...` (see `main.rs`); a library so that tests
//! (`tests/golden.rs`) can run the conformance machinery without Python.
#![allow(clippy::print_stdout, missing_docs)]

pub mod api_check;
pub mod conformance;
