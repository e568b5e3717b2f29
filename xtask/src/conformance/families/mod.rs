//! Rust side of the conformance runner: each family maps a case's `$wb` class and arguments to
//! the same public API calls a user makes. A family returns `None` for a class it does not
//! know, so the dispatcher can try the next one; an unknown class everywhere fails the case.

use super::args::{Arg, Args, unmapped};
use std::path::Path;
use wb_types::LogValue;

pub mod audio;
pub mod core;
pub mod graph;
pub mod image;
pub mod object3d;
pub mod table;
pub mod video;

/// What a builder gets besides the arguments.
pub struct Ctx<'a> {
    /// The case file's folder (relative paths are resolved already; kept for fixtures).
    pub case_dir: &'a Path,
}

/// The result of a builder: `None` = not this family's class.
pub type Built = Option<Result<LogValue, String>>;

/// Builds `{"$wb": class, "args": args}` with our API.
pub fn build(class: &str, args: &Args, ctx: &Ctx<'_>) -> Result<LogValue, String> {
    let families: [fn(&str, &Args, &Ctx<'_>) -> Built; 7] = [
        core::build,
        image::build,
        audio::build,
        video::build,
        object3d::build,
        table::build,
        graph::build,
    ];
    for f in families {
        if let Some(r) = f(class, args, ctx) {
            return r;
        }
    }
    Err(unmapped(format!(
        "unknown class {class:?}: no Rust builder maps it"
    )))
}

/// Turns any case value into a `LogValue` (nested `$wb` values built, lists kept as lists).
pub fn to_log_value(arg: &Arg, ctx: &Ctx<'_>) -> Result<LogValue, String> {
    match arg {
        Arg::Wb { class, args } => build(class, args, ctx),
        Arg::Json(v) => Ok(LogValue::Json(v.clone())),
        Arg::Float(f) => Ok(LogValue::Json((*f).into())),
        Arg::List(items) | Arg::Tuple(items) => items
            .iter()
            .map(|a| to_log_value(a, ctx))
            .collect::<Result<Vec<_>, _>>()
            .map(LogValue::List),
        Arg::Map(items) => items
            .iter()
            .map(|(k, a)| Ok((k.clone(), to_log_value(a, ctx)?)))
            .collect::<Result<_, String>>()
            .map(LogValue::Map),
        other => Err(unmapped(format!(
            "a {other:?} cannot be logged directly in a case"
        ))),
    }
}
