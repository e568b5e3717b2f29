//! [`Molecule`] (`molecule-file`): a molecule file shown by W&B's 3-D molecule viewer.

use crate::format::MoleculeFormat;
use crate::pdb::{Atom, Bond, pdb_block};
use std::path::Path;
use std::sync::Arc;
use wb_core::internal::media::{
    Media, MediaType, batch_captions, generated_file, media_value_methods, user_file,
};
use wb_core::internal::path::splitext_ext;
use wb_core::internal::value::downcast_all;
use wb_core::{ArtifactSource, Error, MediaFile, Result, RunTarget, Step, Value, WbValue};

/// The media folder of molecules.
const MEDIA_DIR: &str = "media/molecule";
/// The log type (artifact `_type`).
pub(crate) const LOG_TYPE: &str = "molecule-file";

/// The format named by an extension (with its dot), if it is one of the SDK's.
fn format_of(ext: &str) -> Option<MoleculeFormat> {
    ext.strip_prefix('.')?.parse().ok()
}

/// A molecule file (`.pdb`, `.pqr`, `.mmcif`, `.mcif`, `.cif`, `.sdf`, `.sd`, `.gro`,
/// `.mol2`, `.mmtf`) with an optional caption (the SDK's `wandb.Molecule`).
///
/// The SDK's `Molecule.from_smiles` and `Molecule.from_rdkit` need RDKit to build 3-D
/// coordinates. This crate does not embed a chemistry toolkit; instead,
/// [`Molecule::from_atoms`] writes a PDB file (the format those SDK methods produce) from
/// atoms with coordinates and bonds you already have, for example from your own model's output.
///
/// ```
/// use wb_3d::{Atom, Bond, Molecule};
/// let water = Molecule::from_atoms(
///     &[
///         Atom::new("O", [0.0, 0.0, 0.0]),
///         Atom::new("H", [0.957, 0.0, 0.0]),
///         Atom::new("H", [-0.24, 0.927, 0.0]),
///     ],
///     &[Bond::new(0, 1, 1), Bond::new(0, 2, 1)],
/// )
/// .unwrap()
/// .with_caption("water");
/// assert_eq!(water.file().extension(), ".pdb");
/// ```
#[derive(Debug, Clone)]
pub struct Molecule {
    media: Media,
}

impl Molecule {
    /// A molecule file by path, copied as it is when logged. Its extension must be a supported
    /// type, and its content is checked cheaply for that format (atom records that parse, a
    /// CIF's loops, a molfile's counts...), so a broken file is refused with the line at fault.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let name = path.to_string_lossy();
        let Some(format) = format_of(splitext_ext(&name)) else {
            return Err(Error::value(format!(
                "Molecule only supports files of the type: {} (got '{name}')",
                MoleculeFormat::list()
            )));
        };
        let file = user_file(path)?;
        crate::molcheck::check(&file.bytes()?, format.as_str(), &format!("File '{name}'"))?;
        Ok(Molecule {
            media: Media::new(file),
        })
    }

    /// A molecule file's content in `format` (the SDK's io-object form with `file_type=`),
    /// checked as for [`Molecule::from_path`].
    pub fn from_bytes(bytes: impl Into<Arc<[u8]>>, format: MoleculeFormat) -> Result<Self> {
        let bytes = bytes.into();
        crate::molcheck::check(&bytes, format.as_str(), "The data")?;
        Ok(Molecule {
            media: Media::new(generated_file(bytes, format.extension())),
        })
    }

    /// A molecule from atoms (element and coordinates) and bonds, written as a `.pdb` file in
    /// the layout of RDKit's `MolToPDBBlock` (what the SDK's `from_smiles` logs): one `UNL`
    /// residue of `HETATM` records, `CONECT` records with a bond's order as repeated
    /// neighbours, `END`.
    ///
    /// Errors: no atoms, more than 99 999, an element that is not one or two letters, a name
    /// longer than 4 characters, a coordinate outside PDB's columns (-999.999 to 9999.999), a
    /// bond to a missing atom, to itself, or of an order other than 1, 2 or 3.
    pub fn from_atoms(atoms: &[Atom], bonds: &[Bond]) -> Result<Self> {
        let text = pdb_block(atoms, bonds)?;
        Ok(Molecule {
            media: Media::new(generated_file(text.into_bytes(), ".pdb")),
        })
    }

    /// Sets the caption shown with the molecule.
    #[must_use]
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.media = self.media.with_caption(caption);
        self
    }

    /// The caption, when it is text (a caption of another JSON type read from an SDK
    /// artifact is kept and written back, but is not text).
    pub fn caption(&self) -> Option<&str> {
        self.media.caption()
    }

    /// The file behind the value.
    pub fn file(&self) -> &MediaFile {
        self.media.file()
    }

    /// Reads an artifact entry back (`Molecule.from_json`): the file named by `path`. The
    /// caption is kept when the JSON has one.
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Self> {
        Self::decode_media(json, source)
    }
}

impl MediaType for Molecule {
    const LOG_TYPE: &'static str = LOG_TYPE;
    const MEDIA_DIR: &'static str = MEDIA_DIR;
    fn media(&self) -> &Media {
        &self.media
    }
    /// The entry's extension, which must name a [`MoleculeFormat`].
    fn entry_extension(path: &str) -> Result<String> {
        format_of(splitext_ext(path))
            .map(|f| f.extension().to_owned())
            .ok_or_else(|| {
                Error::decode(
                    LOG_TYPE,
                    format!(
                        "entry {path:?} is not one of the supported types ({})",
                        MoleculeFormat::list()
                    ),
                )
            })
    }
    fn from_media(media: Media, _json: &Value) -> Result<Self> {
        Ok(Molecule { media })
    }
}

impl WbValue for Molecule {
    media_value_methods!("Molecule");
    fn batching(&self) -> wb_core::Batching {
        wb_core::Batching::All
    }
    fn seq_to_run_json(
        &self,
        items: &[&dyn WbValue],
        run: &dyn RunTarget,
        _key: &str,
        _step: Step,
    ) -> Result<Value> {
        let items = downcast_all::<Molecule>(items)?;
        let prefix = format!("{MEDIA_DIR}/");
        let mut filenames = Vec::with_capacity(items.len());
        for m in &items {
            let j = m.to_run_json(run)?;
            let path = j.get("path").and_then(Value::as_str).unwrap_or_default();
            if !path.starts_with(&prefix) {
                return Err(Error::value(format!(
                    "Files in an array of Molecule's must be in the {MEDIA_DIR} directory, not {path}"
                )));
            }
            filenames.push(Value::from(path));
        }
        let captions = batch_captions(items.iter().map(|m| &m.media));
        Ok(Value::Object(wb_core::json_map! {
            "_type" => "molecule",
            "filenames" => Value::Array(filenames),
            "count" => items.len(),
            "captions" => captions,
        }))
    }
}

/// Logs the value under a row's key: `Row::new().with("key", value)`.
impl From<Molecule> for wb_core::LogValue {
    fn from(value: Molecule) -> Self {
        wb_core::LogValue::media(value)
    }
}
