//! [`Object3DFormat`] and [`MoleculeFormat`]: the file types the SDK's `Object3D` and
//! `Molecule` accept.

use std::fmt;
use std::str::FromStr;
use wb_core::Error;

/// Each format's SDK string, the list of them for error messages, and the string conversions.
macro_rules! file_formats {
    (
        $(#[$doc:meta])*
        $name:ident, $error:literal,
        $( $(#[$vdoc:meta])* $variant:ident => $text:literal ),+ $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )+
        }

        impl $name {
            /// Every format, in the SDK's order.
            pub const ALL: &'static [$name] = &[$( $name::$variant ),+];

            /// The SDK's name, which is the extension without its dot.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// The extension with its dot.
            pub fn extension(self) -> &'static str {
                match self {
                    $( $name::$variant => concat!(".", $text), )+
                }
            }

            /// The SDK's names, comma-separated, for error messages.
            pub(crate) fn list() -> String {
                Self::ALL
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;
            /// Exactly one of the SDK's names (lower case, as its `file_type=` argument).
            fn from_str(s: &str) -> Result<Self, Error> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|f| f.as_str() == s)
                    .ok_or_else(|| {
                        Error::value(format!(
                            concat!($error, ": {} (got {:?})"),
                            Self::list(),
                            s
                        ))
                    })
            }
        }
    };
}

file_formats! {
    /// A 3-D file format an [`Object3D`](crate::Object3D) is made from: the SDK's
    /// `Object3D.SUPPORTED_TYPES`.
    Object3DFormat, "Object 3D only supports numpy arrays or files of the type",
    /// Wavefront `.obj`.
    Obj => "obj",
    /// glTF (JSON).
    Gltf => "gltf",
    /// Binary glTF.
    Glb => "glb",
    /// Babylon.js scene.
    Babylon => "babylon",
    /// STL (ASCII or binary).
    Stl => "stl",
    /// A point cloud or `lidar/beta` scene as JSON (what arrays are written as).
    PtsJson => "pts.json",
}

file_formats! {
    /// A molecule file format a [`Molecule`](crate::Molecule) is made from: the SDK's
    /// `Molecule.SUPPORTED_TYPES`.
    MoleculeFormat, "Molecule 3D only supports files of the type",
    /// Protein Data Bank.
    Pdb => "pdb",
    /// PDB with charges and radii.
    Pqr => "pqr",
    /// Macromolecular CIF.
    Mmcif => "mmcif",
    /// Macromolecular CIF (other extension).
    Mcif => "mcif",
    /// Crystallographic Information File.
    Cif => "cif",
    /// Structure-data file.
    Sdf => "sdf",
    /// Structure-data file (other extension).
    Sd => "sd",
    /// GROMACS coordinates.
    Gro => "gro",
    /// Tripos Mol2.
    Mol2 => "mol2",
    /// Macromolecular Transmission Format.
    Mmtf => "mmtf",
}
