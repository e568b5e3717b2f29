//! Writing a PDB block from atoms and bonds the caller has: what the SDK's
//! `Molecule.from_smiles` / `from_rdkit` produce with RDKit's `MolToPDBBlock` (one `UNL`
//! residue of `HETATM` records, `CONECT` records with a bond's order as repeated neighbours,
//! `END`), without RDKit.

use std::fmt::Write;
use wb_core::{Error, Result};

/// An atom of a [`Molecule::from_atoms`](crate::Molecule::from_atoms): its element symbol
/// (`"C"`, `"Cl"`), position in ångström and optional name.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    element: String,
    position: [f64; 3],
    name: Option<String>,
}

impl Atom {
    /// An atom of `element` at `position`.
    pub fn new(element: impl Into<String>, position: [f64; 3]) -> Self {
        Atom {
            element: element.into(),
            position,
            name: None,
        }
    }

    /// Sets the atom name (at most 4 characters); without one, an atom is named element +
    /// number (`C1`, `O2`).
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The element symbol, one or two letters.
    pub fn element(&self) -> &str {
        &self.element
    }

    /// x, y, z in ångström.
    pub fn position(&self) -> [f64; 3] {
        self.position
    }

    /// The atom name, if one was set.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

/// A bond between atoms `a` and `b` (indices into the atom list, from 0) of `order` 1
/// (single), 2 (double) or 3 (triple), checked by
/// [`Molecule::from_atoms`](crate::Molecule::from_atoms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bond {
    a: usize,
    b: usize,
    order: u8,
}

impl Bond {
    /// A bond of `order` between atoms `a` and `b`.
    pub fn new(a: usize, b: usize, order: u8) -> Self {
        Bond { a, b, order }
    }

    /// The indices of the two atoms.
    pub fn atoms(&self) -> [usize; 2] {
        [self.a, self.b]
    }

    /// The bond order.
    pub fn order(&self) -> u8 {
        self.order
    }
}

/// The most atoms a PDB serial number (5 columns) can count.
const MAX_ATOMS: usize = 99_999;

fn check_coordinate(x: f64, atom: usize) -> Result<()> {
    if !x.is_finite() || !(-999.9995..9999.9995).contains(&x) {
        return Err(Error::value(format!(
            "atom {atom}: coordinate {x} does not fit PDB's 8.3 columns (-999.999 to 9999.999)"
        )));
    }
    Ok(())
}

/// The PDB text for `atoms` and `bonds`.
///
/// Errors: no atoms, more than [`MAX_ATOMS`], an element that is not one or two letters, a
/// name longer than 4 characters, a coordinate outside PDB's columns, a bond to a missing atom,
/// to itself, or of an order other than 1, 2 or 3.
pub(crate) fn pdb_block(atoms: &[Atom], bonds: &[Bond]) -> Result<String> {
    if atoms.is_empty() {
        return Err(Error::value("a molecule needs at least one atom"));
    }
    if atoms.len() > MAX_ATOMS {
        return Err(Error::value(format!(
            "a PDB file holds at most {MAX_ATOMS} atoms, got {}",
            atoms.len()
        )));
    }
    let mut out = String::with_capacity(atoms.len() * 81 + bonds.len() * 32 + 8);
    let mut per_element: std::collections::HashMap<String, usize> = Default::default();
    for (i, a) in atoms.iter().enumerate() {
        let el = a.element.trim();
        if el.is_empty() || el.len() > 2 || !el.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::value(format!(
                "atom {i}: element {:?} must be a one- or two-letter symbol",
                a.element
            )));
        }
        let mut sym = el.to_ascii_lowercase();
        sym[..1].make_ascii_uppercase();
        for x in a.position {
            check_coordinate(x, i)?;
        }
        let name = match &a.name {
            Some(n) if n.len() > 4 || !n.is_ascii() => {
                return Err(Error::value(format!(
                    "atom {i}: name {n:?} must be at most 4 ASCII characters"
                )));
            }
            Some(n) => n.clone(),
            None => {
                let c = per_element.entry(sym.clone()).or_insert(0);
                *c += 1;
                format!("{sym}{c}")
            }
        };
        // One-letter elements start in column 14, two-letter ones in column 13.
        let name = if sym.len() == 1 && name.len() < 4 {
            format!(" {name:<3}")
        } else {
            format!("{name:<4}")
        };
        let [x, y, z] = a.position;
        let _ = writeln!(
            out,
            "HETATM{:>5} {name:<4} UNL     1    {x:>8.3}{y:>8.3}{z:>8.3}  1.00  0.00          {:>2}  ",
            i + 1,
            sym.to_ascii_uppercase()
        );
    }
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); atoms.len()];
    for (k, b) in bonds.iter().enumerate() {
        if b.a >= atoms.len() || b.b >= atoms.len() || b.a == b.b {
            return Err(Error::value(format!(
                "bond {k}: atoms {} and {} must be two different atoms of 0..{}",
                b.a,
                b.b,
                atoms.len()
            )));
        }
        if !(1..=3).contains(&b.order) {
            return Err(Error::value(format!(
                "bond {k}: order {} must be 1, 2 or 3",
                b.order
            )));
        }
        for _ in 0..b.order {
            neighbours[b.a].push(b.b + 1);
            neighbours[b.b].push(b.a + 1);
        }
    }
    for (i, ns) in neighbours.iter().enumerate() {
        for chunk in ns.chunks(4) {
            let _ = write!(out, "CONECT{:>5}", i + 1);
            for n in chunk {
                let _ = write!(out, "{n:>5}");
            }
            out.push('\n');
        }
    }
    out.push_str("END\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn water_in_rdkit_layout() {
        let atoms = [
            Atom::new("O", [0.0, 0.0, 0.0]),
            Atom::new("H", [0.9572, 0.0, 0.0]),
            Atom::new("H", [-0.24, 0.927, 0.0]),
        ];
        let bonds = [Bond::new(0, 1, 1), Bond::new(0, 2, 1)];
        let pdb = pdb_block(&atoms, &bonds).unwrap();
        let expected = "\
HETATM    1  O1  UNL     1       0.000   0.000   0.000  1.00  0.00           O  
HETATM    2  H1  UNL     1       0.957   0.000   0.000  1.00  0.00           H  
HETATM    3  H2  UNL     1      -0.240   0.927   0.000  1.00  0.00           H  
CONECT    1    2    3
CONECT    2    1
CONECT    3    1
END
";
        assert_eq!(pdb, expected);
        // Columns as the PDB format defines them.
        let l = pdb.lines().nth(1).unwrap();
        assert_eq!(&l[30..38], "   0.957");
        assert_eq!(&l[76..78], " H");
        assert_eq!(l.len(), 80);
        crate::molcheck::check(pdb.as_bytes(), "pdb", "x").unwrap();
    }

    #[test]
    fn errors() {
        let ok = Atom::new("C", [0.0; 3]);
        assert!(pdb_block(&[], &[]).is_err());
        assert!(pdb_block(&[Atom::new("Xyz", [0.0; 3])], &[]).is_err());
        assert!(pdb_block(&[Atom::new("C", [1e5, 0.0, 0.0])], &[]).is_err());
        assert!(pdb_block(std::slice::from_ref(&ok), &[Bond::new(0, 1, 1)]).is_err());
        assert!(pdb_block(&[ok.clone(), ok.clone()], &[Bond::new(0, 1, 4)]).is_err());
        let double = pdb_block(
            &[ok.clone(), Atom::new("o", [1.2, 0.0, 0.0])],
            &[Bond::new(0, 1, 2)],
        )
        .unwrap();
        assert!(double.contains("CONECT    1    2    2\n"));
        assert!(double.contains(" O1  UNL"));
    }
}
