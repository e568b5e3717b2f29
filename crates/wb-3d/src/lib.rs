//! # wb-3d
//!
//! The `3d` family of wb-types. (Skeleton: the family's own issue fills it.)
#![warn(missing_docs)]

/// Registers this family's decodable `_type`s.
pub fn register(registry: &mut wb_core::Registry) {
    let _ = registry;
}
