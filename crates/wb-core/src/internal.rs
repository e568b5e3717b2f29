//! Machinery the family crates of `wb-types` share and users do not need.
//!
//! **Unstable**: anything here may change or go in any release, without notice; it is hidden
//! from the documentation. A family crate imports it from here only (never from the modules
//! it comes from, which are private).
//!
//! | module | what |
//! |---|---|
//! | [`media`] | a file-backed media type's caption, binding, run/artifact JSON shapes and registry decoder ([`Media`], [`MediaType`]); `MediaFile` constructors for generated files |
//! | [`fs`] | atomic writes, copies and links |
//! | [`parallel`] | pieces made on several threads, used in order |
//! | [`random`] | random ids in the SDK's alphabet |
//! | [`hash`] | SHA-256 and MD5 digests as the SDK prints them |
//! | [`path`] | the SDK's key → file-name rules |
//! | [`text`] | Python's `repr(str)`; JSON string escaping is [`crate::json::write_str`] |
//! | [`value`] | converting logged rows and lists (`val_to_json`), downcasting batches |
//! | [`artifact`] | artifact entry plumbing (entry data and text, entry naming, adding values) |
//! | [`histogram`] | numpy's `histogram`, as `Histogram` computes it |
//! | [`tensor`] | checking a `from_slice` input (slice, shape, layout) into an `ndarray` view |

pub use media::{Media, MediaType, media_decoder};

pub mod media {
    //! File-backed media: [`Media`] and [`MediaType`] (see its documentation for how a type
    //! adopts them), and the file behind a value.
    //!
    //! The constructors here are the only way family crates should make a `MediaFile`; its
    //! inherent constructors and binding methods are crate-private.
    use crate::error::Result;
    use crate::media::MediaFile;
    pub use crate::media::{Binding, MediaSource, TempMediaFile, media_run_json};
    pub use crate::media_type::{Media, MediaType, batch_captions, entry_path, media_decoder};

    /// `media_value_methods!("Class")`, inside `impl WbValue for T` of a [`MediaType`] `T`:
    /// the [`WbValue`](crate::WbValue) methods every media type shares, each a call of the
    /// [`MediaType`] method that a type overrides where it differs (`log_type` is
    /// [`MediaType::LOG_TYPE`], `class_name` is `"Class"`, `bind_to_run` is
    /// [`MediaType::bind_media`], `to_run_json` and `to_artifact_json` are
    /// [`MediaType::media_run_json`] and [`MediaType::media_artifact_json`] as objects,
    /// `wb_eq` is [`MediaType::same_media`]).
    pub use crate::__media_value_methods as media_value_methods;
    use crate::{ArtifactTarget, RunTarget, Step};
    use std::path::Path;
    use std::sync::Arc;

    /// A file of bytes this library generated, with its extension (`".png"`,
    /// `".pts.json"`): kept in memory until bound, then written once, to its final place.
    pub fn generated_file(bytes: impl Into<Arc<[u8]>>, ext: &str) -> MediaFile {
        MediaFile::generated(bytes, ext)
    }

    /// [`generated_file`] for an encoder that hashed its output while producing it: `sha256`
    /// must be the lowercase hex SHA-256 of `bytes` (debug builds check it).
    pub fn prehashed_file(bytes: Arc<[u8]>, ext: &str, sha256: String) -> MediaFile {
        MediaFile::generated_prehashed(bytes, ext, sha256)
    }

    /// A generated file an encoder wrote into a [`TempMediaFile`], hashed on the way:
    /// `sha256` and `size` must be those of the file's bytes (debug builds check them). It is
    /// bound by a hard link (a copy across file systems) and removed with its last value.
    pub fn prehashed_temp_file(
        file: TempMediaFile,
        ext: &str,
        sha256: String,
        size: u64,
    ) -> MediaFile {
        MediaFile::generated_file_prehashed(file, ext, sha256, size)
    }

    /// An unbound copy of `file` (the SDK's `Image(other_image)`): the same bytes, bound
    /// afresh when logged; a bound file is read back from its run path.
    pub fn unbound_copy(file: &MediaFile) -> MediaFile {
        file.unbound_copy()
    }

    /// Where `file`'s bytes come from.
    pub fn file_source(file: &MediaFile) -> &MediaSource {
        file.source()
    }

    /// `true` while `file` is a generated one not yet bound to a run (the SDK's `_is_tmp`).
    pub fn file_is_tmp(file: &MediaFile) -> bool {
        file.is_tmp()
    }

    /// The run binding of `file`, if it is bound.
    pub fn file_binding(file: &MediaFile) -> Option<Binding> {
        file.binding()
    }

    /// Binds `file` to `run` under `media_dir` as `{safe_key}_{step}_{sha256[:20]}{ext}`,
    /// writes it there (atomically) and publishes it. A file already bound keeps its path.
    pub fn bind_file(
        file: &MediaFile,
        run: &dyn RunTarget,
        media_dir: &str,
        key: &str,
        step: Step,
    ) -> Result<Binding> {
        file.bind(run, media_dir, key, step)
    }

    /// Adds `file` to `artifact` under `media_dir` and returns its entry name, with the SDK's
    /// naming (a generated, unbound file is `<media_dir>/<md5[:20]><ext>`; any other is
    /// `<media_dir>/<sha256[:20]>/<basename>`; the same file added twice keeps its first name).
    pub fn add_file_to_artifact(
        file: &MediaFile,
        artifact: &mut dyn ArtifactTarget,
        media_dir: &str,
    ) -> Result<String> {
        file.add_to_artifact(artifact, media_dir)
    }

    /// A user's file, copied when bound. Its extension is the path's last one (`splitext`).
    pub fn user_file(path: impl AsRef<Path>) -> Result<MediaFile> {
        MediaFile::from_path(path, None)
    }

    /// A user's file with an extension given (for multi-dot ones, `".pts.json"`); the path
    /// need not end with it.
    pub fn user_file_with_extension(path: impl AsRef<Path>, ext: &str) -> Result<MediaFile> {
        MediaFile::from_path(path, Some(ext))
    }
}

pub mod fs {
    //! File writes no reader sees half done: a temporary name in the target folder, then a
    //! rename into place.
    pub use crate::fs::{atomic_copy, atomic_link_or_copy, atomic_write};
}

pub mod parallel {
    //! Work cut into numbered pieces, made on several threads and used in order.
    pub use crate::parallel::in_order;
}

pub mod random {
    //! Random ids in the SDK's alphabet (`[a-z0-9]`).
    pub use crate::random::random_id;
}

pub mod hash {
    //! Digests as the SDK prints them.
    pub use crate::hash::{Md5Stream, hex, md5_b64, md5_digest_b64, md5_hex, sha256_hex};
}

pub mod path {
    //! The SDK's rules for turning a log key into a file name under the run's `files/`.
    pub use crate::path::{
        media_file_name, safe_key, splitext_ext, validate_artifact_path, with_suffix,
    };
}

pub mod text {
    //! Python's text forms. (JSON string escaping, in each of wandb's dialects, is
    //! [`crate::json::write_str`].)
    pub use crate::pyrepr::py_str_repr;
}

pub mod value {
    //! Turning what a user logs into JSON, as `run.log` and the summary do.
    pub use crate::value::{downcast_all, history_row_to_json, summary_to_json, val_to_json};
}

pub mod artifact {
    //! Artifact entry plumbing.
    pub use crate::artifact::{
        ArtifactEntry, EntryData, EntryText, LocalId, add_value, client_artifact_urls, safe_join,
    };
}

pub mod histogram {
    //! numpy's `histogram` as [`crate::Histogram`] computes it.
    pub use crate::histogram::np_histogram;
}

pub mod tensor {
    //! Checking a `from_slice` input (slice, shape, [`Layout`](crate::Layout)) into an
    //! `ndarray` view that borrows the slice.
    pub use crate::tensor::{shape_repr, shaped, unsupported_dtype, view};

    /// `for_each_element!(elements, |s| body, |other| fallback)`: `body` for the slice of
    /// each element type of a [`TensorElements`](crate::TensorElements) (one expansion per
    /// type, so `body` may call a generic constructor), `fallback` for the element types the
    /// enum may gain (it is `#[non_exhaustive]`).
    pub use crate::__for_each_element as for_each_element;
}
