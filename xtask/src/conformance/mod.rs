//! `cargo xtask conformance`: runs each case with the Python SDK and with us, and compares.

pub mod args;
pub mod families;
