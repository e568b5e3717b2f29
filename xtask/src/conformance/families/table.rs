//! Conformance builders for the table family (filled by the family's issue).

use super::{Built, Ctx};
use crate::conformance::args::Args;

/// Maps this family's classes to our API; `None` for classes it does not know.
pub fn build(class: &str, args: &Args, ctx: &Ctx<'_>) -> Built {
    let _ = (class, args, ctx);
    None
}
