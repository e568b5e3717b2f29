//! Cheap structural checks of molecule files (the SDK checks only the extension). Each check
//! reads the format's atom records, so a file that is not what its extension says, or is
//! truncated, is refused with the line that is wrong.

use wb_core::{Error, Result};

/// Checks `bytes` as a molecule file of `file_type`; `name` says which file in the error.
pub(crate) fn check(bytes: &[u8], file_type: &str, name: &str) -> Result<()> {
    let r = match file_type {
        "mmtf" => mmtf(bytes),
        other => text(bytes).and_then(|t| match other {
            "pdb" => pdb(t),
            "pqr" => pqr(t),
            "mmcif" | "mcif" | "cif" => cif(t),
            "sdf" | "sd" => sdf(t),
            "gro" => gro(t),
            "mol2" => mol2(t),
            _ => Ok(()),
        }),
    };
    r.map_err(|reason| Error::value(format!("{name} is not a valid .{file_type} file: {reason}")))
}

fn text(bytes: &[u8]) -> Result<&str, String> {
    if bytes.contains(&0) {
        return Err("it contains NUL bytes, so it is binary, not a text molecule file".into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| format!("it is not UTF-8 text ({e})"))
}

fn lines(t: &str) -> impl Iterator<Item = (usize, &str)> {
    t.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
}

fn float(s: &str, line: usize, what: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| format!("line {line}: {what} {:?} is not a number", s.trim()))
}

/// A substring by byte columns `[a, b)`, clipped to the line.
fn cols(l: &str, a: usize, b: usize) -> &str {
    let b = b.min(l.len());
    if a >= b {
        return "";
    }
    l.get(a..b).unwrap_or("")
}

/// PDB: fixed-column records; every `ATOM`/`HETATM` has x, y, z in columns 31–54.
fn pdb(t: &str) -> Result<(), String> {
    let mut atoms = 0;
    for (n, l) in lines(t) {
        if l.trim().is_empty() {
            continue;
        }
        let rec = cols(l, 0, 6).trim_end();
        if !rec
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            || rec.is_empty()
        {
            return Err(format!(
                "line {n} does not start with a PDB record name (ATOM, HETATM, HEADER, ...): {:?}",
                cols(l, 0, 40)
            ));
        }
        if rec == "ATOM" || rec == "HETATM" {
            if l.len() < 54 {
                return Err(format!(
                    "line {n}: an {rec} record needs x, y, z in columns 31-54, the line has {} characters",
                    l.len()
                ));
            }
            float(cols(l, 30, 38), n, "x")?;
            float(cols(l, 38, 46), n, "y")?;
            float(cols(l, 46, 54), n, "z")?;
            atoms += 1;
        }
    }
    if atoms == 0 {
        return Err("it has no ATOM or HETATM record".into());
    }
    Ok(())
}

/// PQR: whitespace-separated `ATOM`/`HETATM` records ending in x y z charge radius.
fn pqr(t: &str) -> Result<(), String> {
    let mut atoms = 0;
    for (n, l) in lines(t) {
        let f: Vec<&str> = l.split_whitespace().collect();
        if matches!(f.first(), Some(&"ATOM" | &"HETATM")) {
            if f.len() < 10 {
                return Err(format!(
                    "line {n}: a PQR atom needs serial, name, residue, residue number, x, y, z, charge and radius"
                ));
            }
            for (i, what) in ["x", "y", "z", "charge", "radius"].iter().enumerate() {
                float(f[f.len() - 5 + i], n, what)?;
            }
            atoms += 1;
        }
    }
    if atoms == 0 {
        return Err("it has no ATOM or HETATM record".into());
    }
    Ok(())
}

/// A CIF token: its text, whether it was quoted (or a text field), and its line.
struct Tok<'a> {
    s: &'a str,
    quoted: bool,
    line: usize,
}

/// CIF tokens, one at a time (a large mmCIF file is never held as a token list).
struct CifTokens<'a> {
    lines: std::iter::Peekable<Box<dyn Iterator<Item = (usize, &'a str)> + 'a>>,
    /// The rest of the current line and its number.
    cur: Option<(usize, &'a str)>,
}

impl<'a> CifTokens<'a> {
    fn new(t: &'a str) -> Self {
        let lines: Box<dyn Iterator<Item = (usize, &'a str)> + 'a> = Box::new(lines(t));
        CifTokens {
            lines: lines.peekable(),
            cur: None,
        }
    }
}

impl<'a> Iterator for CifTokens<'a> {
    type Item = Result<Tok<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (n, rest) = match self.cur.take() {
                Some(c) => c,
                None => {
                    let (n, l) = self.lines.next()?;
                    if l.starts_with(';') {
                        // A text field runs to the next line starting with ';'.
                        for (_, l2) in self.lines.by_ref() {
                            if l2.starts_with(';') {
                                return Some(Ok(Tok {
                                    s: "",
                                    quoted: true,
                                    line: n,
                                }));
                            }
                        }
                        return Some(Err(format!("line {n}: a ';' text field is never closed")));
                    }
                    (n, l)
                }
            };
            let rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let b = rest.as_bytes();
            match b.first() {
                None | Some(b'#') => continue,
                Some(&q @ (b'\'' | b'"')) => {
                    // Quoted: ends at the same quote followed by white space or the line end.
                    let end = (1..b.len()).find(|&j| {
                        b[j] == q && (j + 1 == b.len() || b[j + 1].is_ascii_whitespace())
                    });
                    let Some(j) = end else {
                        return Some(Err(format!("line {n}: a quoted value is never closed")));
                    };
                    self.cur = Some((n, rest.get(j + 1..).unwrap_or("")));
                    return Some(Ok(Tok {
                        s: rest.get(1..j).unwrap_or(""),
                        quoted: true,
                        line: n,
                    }));
                }
                Some(_) => {
                    let j = b
                        .iter()
                        .position(u8::is_ascii_whitespace)
                        .unwrap_or(b.len());
                    self.cur = Some((n, rest.get(j..).unwrap_or("")));
                    return Some(Ok(Tok {
                        s: rest.get(..j).unwrap_or(""),
                        quoted: false,
                        line: n,
                    }));
                }
            }
        }
    }
}

fn is_keyword(t: &Tok<'_>) -> bool {
    if t.quoted {
        return false;
    }
    let lower = t.s.to_ascii_lowercase();
    t.s.starts_with('_')
        || lower == "loop_"
        || lower.starts_with("data_")
        || lower.starts_with("save_")
        || lower == "global_"
        || lower == "stop_"
}

/// CIF/mmCIF: a `data_` block of tag–value pairs and loops whose value count is a multiple of
/// their tag count, with atom sites (`_atom_site.` or `_atom_site_` tags).
fn cif(t: &str) -> Result<(), String> {
    let mut toks = CifTokens::new(t).peekable();
    let first = match toks.next() {
        None => return Err("it is empty".into()),
        Some(r) => r?,
    };
    if !first.s.to_ascii_lowercase().starts_with("data_") || first.quoted {
        return Err(format!(
            "line {}: a CIF file starts with a `data_` block header, not {:?}",
            first.line, first.s
        ));
    }
    let mut atom_sites = false;
    while let Some(tok) = toks.next() {
        let tok = tok?;
        let lower = tok.s.to_ascii_lowercase();
        if tok.quoted {
            return Err(format!("line {}: a value without a tag", tok.line));
        }
        if lower == "loop_" {
            let mut tags = 0usize;
            while let Some(Ok(t)) = toks.peek() {
                if t.quoted || !t.s.starts_with('_') {
                    break;
                }
                atom_sites |= t.s.to_ascii_lowercase().starts_with("_atom_site");
                tags += 1;
                toks.next();
            }
            if tags == 0 {
                return Err(format!("line {}: `loop_` without tags", tok.line));
            }
            let mut values = 0usize;
            while let Some(t) = toks.peek() {
                match t {
                    Ok(t) if is_keyword(t) => break,
                    Ok(_) => {
                        values += 1;
                        toks.next();
                    }
                    Err(e) => return Err(e.clone()),
                }
            }
            if !values.is_multiple_of(tags) {
                return Err(format!(
                    "line {}: a loop of {tags} tags has {values} values, not a multiple of {tags} (truncated or malformed)",
                    tok.line
                ));
            }
        } else if tok.s.starts_with('_') {
            atom_sites |= lower.starts_with("_atom_site");
            match toks.next() {
                Some(Ok(v)) if !is_keyword(&v) => {}
                Some(Err(e)) => return Err(e),
                _ => return Err(format!("line {}: tag {} has no value", tok.line, tok.s)),
            }
        } else if lower.starts_with("data_") || lower.starts_with("save_") || lower == "global_" {
            continue;
        } else {
            return Err(format!(
                "line {}: {:?} is neither a tag, `loop_` nor a value of one",
                tok.line, tok.s
            ));
        }
    }
    if !atom_sites {
        return Err("it has no atom sites (`_atom_site` items)".into());
    }
    Ok(())
}

/// MDL SD file: molfile records (header, counts line with V2000 or V3000, atom block,
/// `M  END`), separated by `$$$$`.
fn sdf(t: &str) -> Result<(), String> {
    let all: Vec<(usize, &str)> = lines(t).collect();
    let mut i = 0;
    let mut records = 0;
    while i < all.len() {
        // Skip blank lines between records (and at the end).
        if all[i..].iter().all(|(_, l)| l.trim().is_empty()) {
            break;
        }
        i = molfile(&all, i)?;
        records += 1;
        // Data items up to `$$$$` (or the end of the file).
        while i < all.len() && !all[i].1.starts_with("$$$$") {
            i += 1;
        }
        i += 1;
    }
    if records == 0 {
        return Err("it has no molecule record".into());
    }
    Ok(())
}

/// One molfile starting at `all[start]`; returns the index after `M  END`.
fn molfile(all: &[(usize, &str)], start: usize) -> Result<usize, String> {
    let counts_at = start + 3;
    let Some(&(n, counts)) = all.get(counts_at) else {
        return Err(format!(
            "line {}: a molfile record needs three header lines and a counts line",
            all.get(start).map_or(0, |x| x.0)
        ));
    };
    let mut i = counts_at + 1;
    if counts.contains("V3000") {
        let mut atoms_block = false;
        while let Some(&(_, l)) = all.get(i) {
            if l.starts_with("M  V30 BEGIN ATOM") {
                atoms_block = true;
            }
            if l.starts_with("M  END") {
                if !atoms_block {
                    return Err(format!("line {n}: a V3000 record without an atom block"));
                }
                return Ok(i + 1);
            }
            i += 1;
        }
        return Err(format!("line {n}: the V3000 record has no `M  END`"));
    }
    let atoms = cols(counts, 0, 3).trim().parse::<usize>();
    let bonds = cols(counts, 3, 6).trim().parse::<usize>();
    let (Ok(atoms), Ok(bonds)) = (atoms, bonds) else {
        return Err(format!(
            "line {n}: the counts line must start with the atom and bond counts (3 columns each), got {counts:?}"
        ));
    };
    for k in 0..atoms {
        let Some(&(an, l)) = all.get(i + k) else {
            return Err(format!(
                "the record announces {atoms} atoms but the file ends first"
            ));
        };
        float(cols(l, 0, 10), an, "atom x")?;
        float(cols(l, 10, 20), an, "atom y")?;
        float(cols(l, 20, 30), an, "atom z")?;
        if cols(l, 31, 34).trim().is_empty() {
            return Err(format!(
                "line {an}: an atom line needs its element symbol in columns 32-34"
            ));
        }
    }
    i += atoms;
    for k in 0..bonds {
        let Some(&(bn, l)) = all.get(i + k) else {
            return Err(format!(
                "the record announces {bonds} bonds but the file ends first"
            ));
        };
        for (a, b) in [(0, 3), (3, 6), (6, 9)] {
            let v = cols(l, a, b).trim().parse::<usize>();
            if !matches!(v, Ok(x) if x >= 1 && (a == 6 || x <= atoms)) {
                return Err(format!(
                    "line {bn}: a bond line needs two atom numbers (1-{atoms}) and a bond type"
                ));
            }
        }
    }
    i += bonds;
    while let Some(&(_, l)) = all.get(i) {
        if l.starts_with("M  END") {
            return Ok(i + 1);
        }
        if l.starts_with("$$$$") {
            break;
        }
        i += 1;
    }
    Err(format!("line {n}: the molfile record has no `M  END` line"))
}

/// GROMACS .gro: title, atom count, that many atom lines (x, y, z in columns 21-44), box line.
fn gro(t: &str) -> Result<(), String> {
    let all: Vec<(usize, &str)> = lines(t).collect();
    let Some(&(n, count)) = all.get(1) else {
        return Err("a .gro file has a title line, then the number of atoms".into());
    };
    let atoms: usize = count.trim().parse().map_err(|_| {
        format!(
            "line {n}: the number of atoms {:?} is not an integer",
            count.trim()
        )
    })?;
    for k in 0..atoms {
        let Some(&(an, l)) = all.get(2 + k) else {
            return Err(format!("it announces {atoms} atoms but ends after {k}"));
        };
        float(cols(l, 20, 28), an, "x")?;
        float(cols(l, 28, 36), an, "y")?;
        float(cols(l, 36, 44), an, "z")?;
    }
    let Some(&(bn, boxl)) = all.get(2 + atoms) else {
        return Err("the box vector line after the atoms is missing".into());
    };
    let f: Vec<&str> = boxl.split_whitespace().collect();
    if f.len() != 3 && f.len() != 9 {
        return Err(format!(
            "line {bn}: the box line has 3 or 9 numbers, got {}",
            f.len()
        ));
    }
    for v in f {
        float(v, bn, "box vector")?;
    }
    Ok(())
}

/// Tripos MOL2: `@<TRIPOS>MOLECULE` (with the atom count) and `@<TRIPOS>ATOM` records of
/// `id name x y z type ...`.
fn mol2(t: &str) -> Result<(), String> {
    let all: Vec<(usize, &str)> = lines(t).collect();
    let Some(mi) = all
        .iter()
        .position(|(_, l)| l.trim() == "@<TRIPOS>MOLECULE")
    else {
        return Err("it has no @<TRIPOS>MOLECULE record".into());
    };
    let counts = all.get(mi + 2).map_or("", |x| x.1);
    let announced: Option<usize> = counts
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok());
    let Some(ai) = all.iter().position(|(_, l)| l.trim() == "@<TRIPOS>ATOM") else {
        return Err("it has no @<TRIPOS>ATOM record".into());
    };
    let mut atoms = 0usize;
    for &(n, l) in &all[ai + 1..] {
        if l.starts_with("@<TRIPOS>") {
            break;
        }
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() < 6 {
            return Err(format!(
                "line {n}: an atom line is `id name x y z type ...`"
            ));
        }
        float(f[2], n, "x")?;
        float(f[3], n, "y")?;
        float(f[4], n, "z")?;
        atoms += 1;
    }
    match announced {
        Some(a) if a != atoms => Err(format!(
            "the MOLECULE record announces {a} atoms, the ATOM record has {atoms}"
        )),
        None => Err("the MOLECULE record's third line must start with the number of atoms".into()),
        _ if atoms == 0 => Err("the ATOM record is empty".into()),
        _ => Ok(()),
    }
}

/// MMTF: a MessagePack map with the MMTF fields (or gzip-compressed MMTF).
fn mmtf(bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(());
    }
    let map = matches!(bytes.first(), Some(0x80..=0x8f | 0xde | 0xdf));
    let has = |k: &[u8]| bytes.windows(k.len()).any(|w| w == k);
    if !map {
        return Err("an MMTF file is a MessagePack map (or gzip-compressed MMTF)".into());
    }
    if !has(b"numAtoms") || !has(b"xCoordList") {
        return Err("the MessagePack map lacks the MMTF fields numAtoms and xCoordList".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(t: &str, ty: &str) {
        if let Err(e) = check(t.as_bytes(), ty, "x") {
            panic!("{ty}: {e}");
        }
    }

    fn bad(t: &str, ty: &str, words: &str) {
        let e = check(t.as_bytes(), ty, "x").unwrap_err().to_string();
        assert!(e.contains(words), "{ty}: {e}");
    }

    #[test]
    fn cif_quoting_text_fields_and_comments() {
        let t = "# comment\ndata_1ABC\n_struct.title\n;A multi-line\ntitle; with 'quotes'\n;\n\
                 _entity.pdbx_description 'N,N'-dimethyl thing'\nloop_\n_atom_site.id\n\
                 _atom_site.label_atom_id\n_atom_site.Cartn_x\n1 \"O5'\" 1.0 # trailing\n2 C#N 2.0\n";
        ok(t, "cif");
        ok(t, "mmcif");
        // Small-molecule (core CIF) style tags.
        ok(
            "data_x\n_cell_length_a 5.0\nloop_\n_atom_site_label\n_atom_site_fract_x\nC1 0.1\nO1 0.2\n",
            "cif",
        );
        bad("data_x\n_cell_length_a 5.0\n", "cif", "no atom sites");
        bad("HEADER x\n", "cif", "`data_` block");
        bad(
            "data_x\nloop_\n_atom_site.id\n_atom_site.x\n1 2 3\n",
            "cif",
            "3 values",
        );
        bad("data_x\n_atom_site.id\n", "cif", "has no value");
        bad("data_x\n_t 'open\n", "cif", "never closed");
        bad("data_x\n_t\n;text\n", "cif", "never closed");
    }

    #[test]
    fn sdf_v2000_v3000_and_errors() {
        let v3000 = "m\n  RDKit          3D\n\n  0  0  0  0  0  0  0  0  0  0999 V3000\n\
                     M  V30 BEGIN CTAB\nM  V30 COUNTS 1 0 0 0 0\nM  V30 BEGIN ATOM\n\
                     M  V30 1 C 0 0 0 0\nM  V30 END ATOM\nM  V30 END CTAB\nM  END\n$$$$\n";
        ok(v3000, "sdf");
        ok(v3000, "sd");
        bad(
            "x\n\n\n  1  0\n    0.0    0.0    0.0 C\nM  END\n",
            "sdf",
            "is not a number",
        );
        bad("", "sdf", "no molecule record");
        bad("a\nb\n", "sdf", "counts line");
    }

    #[test]
    fn pdb_pqr_gro_mol2_mmtf() {
        bad(
            "ATOM      1  N   ALA A   1      11.104   6.134\n",
            "pdb",
            "columns 31-54",
        );
        bad("data_x\n", "pdb", "PDB record name");
        bad(
            "ATOM  1 N ALA 1 x 0 0 0.1 1.5\n",
            "pqr",
            "x \"x\" is not a number",
        );
        bad(
            "t\n  2\n    1SOL     OW    1   0.000   0.000   0.000\n",
            "gro",
            "announces 2 atoms",
        );
        bad("t\nabc\n", "gro", "not an integer");
        bad(
            "@<TRIPOS>MOLECULE\nm\n 2 0\n@<TRIPOS>ATOM\n1 C 0 0 0 C.3\n",
            "mol2",
            "announces 2 atoms",
        );
        bad("@<TRIPOS>ATOM\n", "mol2", "@<TRIPOS>MOLECULE");
        assert!(check(&[0x1f, 0x8b, 8, 0], "mmtf", "x").is_ok());
        bad("{}", "mmtf", "MessagePack map");
        assert!(check(b"\x81\xa8numAtoms\x01", "mmtf", "x").is_err());
        bad("ATOM\0", "pdb", "NUL");
    }
}
