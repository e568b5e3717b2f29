//! The fuzz targets' bodies (see `targets`), with the conformance case parser compiled in from
//! the xtask sources (it lives in the xtask binary crate, which this crate cannot depend on
//! without pulling in the whole conformance runner).
#![allow(missing_docs)]

#[path = "../../xtask/src/conformance/args.rs"]
#[allow(dead_code)]
pub mod args;
#[path = "../../xtask/src/conformance/case.rs"]
#[allow(dead_code)]
pub mod case;
pub mod targets;
