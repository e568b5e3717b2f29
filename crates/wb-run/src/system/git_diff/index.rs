//! Git's index file (`.git/index`), versions 2, 3 and 4: the staged entries with their
//! cached stat data. Extensions are skipped, except that a split index (`link`) or a sparse
//! index (`sdir`) is refused, since their entries are not all in this file.

use super::{Error, Oid};

/// One index entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub path: Vec<u8>,
    pub oid: Oid,
    /// 100644, 100755, 120000 or 160000.
    pub mode: u32,
    /// 0 when merged; 1 to 3 for the sides of a conflict.
    pub stage: u8,
    /// Sparse checkout (`skip-worktree`) or `assume-unchanged`: git takes the work tree
    /// file as unchanged.
    pub skip_worktree: bool,
    pub stat: Stat,
}

/// The stat data git cached for an entry (seconds and nanoseconds; sizes truncated to 32
/// bits, as stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Stat {
    pub ctime: (u32, u32),
    pub mtime: (u32, u32),
    pub dev: u32,
    pub ino: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u32,
}

/// The parsed index.
#[derive(Debug, Default)]
pub(crate) struct Index {
    pub entries: Vec<Entry>,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at + 2)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

/// Parses an index file's bytes.
pub(crate) fn parse(data: &[u8]) -> Result<Index, Error> {
    let bad = |what: &str| Error::Format(format!("index: {what}"));
    if data.len() < 12 + 20 || &data[..4] != b"DIRC" {
        return Err(bad("no DIRC signature"));
    }
    let version = be32(data, 4).ok_or_else(|| bad("truncated"))?;
    if !(2..=4).contains(&version) {
        return Err(Error::Unsupported(format!(
            "index version {version} (2, 3 and 4 are read)"
        )));
    }
    let count = be32(data, 8).ok_or_else(|| bad("truncated"))? as usize;
    let end = data.len() - 20;
    let mut at = 12;
    let mut entries = Vec::with_capacity(count.min(1 << 20));
    let mut prev: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = at;
        let w = |i: usize| be32(data, start + i * 4).ok_or_else(|| bad("truncated entry"));
        let stat = Stat {
            ctime: (w(0)?, w(1)?),
            mtime: (w(2)?, w(3)?),
            dev: w(4)?,
            ino: w(5)?,
            uid: w(7)?,
            gid: w(8)?,
            size: w(9)?,
        };
        let mode = w(6)?;
        let mut oid = [0u8; 20];
        oid.copy_from_slice(
            data.get(start + 40..start + 60)
                .ok_or_else(|| bad("truncated entry"))?,
        );
        let flags = be16(data, start + 60).ok_or_else(|| bad("truncated entry"))?;
        at = start + 62;
        let mut skip_worktree = flags & 0x8000 != 0;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return Err(bad("extended flags in a version 2 index"));
            }
            let ext = be16(data, at).ok_or_else(|| bad("truncated entry"))?;
            skip_worktree |= ext & 0x4000 != 0;
            at += 2;
        }
        if at > end {
            return Err(bad("truncated entry"));
        }
        let stage = ((flags >> 12) & 3) as u8;
        let path = if version == 4 {
            // The name is the previous one less `strip` bytes at its end, then this suffix.
            let (strip, n) = offset_varint(&data[at..end]).ok_or_else(|| bad("bad name"))?;
            at += n;
            let nul = data[at..end]
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| bad("unterminated name"))?;
            let keep = prev
                .len()
                .checked_sub(strip as usize)
                .ok_or_else(|| bad("bad name prefix"))?;
            let mut p = prev[..keep].to_vec();
            p.extend_from_slice(&data[at..at + nul]);
            at += nul + 1;
            p
        } else {
            let nul = data[at..end]
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| bad("unterminated name"))?;
            let p = data[at..at + nul].to_vec();
            // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
            at = start + ((at - start + nul + 8) & !7);
            p
        };
        if at > end {
            return Err(bad("truncated entry"));
        }
        if mode & 0o170000 == 0o040000 {
            return Err(Error::Unsupported(
                "a sparse index (directory entries); run `git sparse-checkout disable` or \
                 set index.sparse=false"
                    .into(),
            ));
        }
        prev.clone_from(&path);
        entries.push(Entry {
            path,
            oid,
            mode,
            stage,
            skip_worktree,
            stat,
        });
    }
    // Extensions: 4-byte signature, 4-byte size, data.
    while at + 8 <= end {
        let sig = &data[at..at + 4];
        let size = be32(data, at + 4).ok_or_else(|| bad("truncated extension"))? as usize;
        if sig == b"link" {
            return Err(Error::Unsupported("a split index (core.splitIndex)".into()));
        }
        if sig == b"sdir" {
            return Err(Error::Unsupported("a sparse index".into()));
        }
        at = at
            .checked_add(8 + size)
            .filter(|&a| a <= end)
            .ok_or_else(|| bad("truncated extension"))?;
    }
    Ok(Index { entries })
}

/// git's offset varint (as in packs' `OFS_DELTA`): returns the value and bytes used.
fn offset_varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut i = 0;
    let mut c = *b.first()?;
    let mut v = u64::from(c & 0x7f);
    while c & 0x80 != 0 {
        i += 1;
        c = *b.get(i)?;
        v = v.checked_add(1)?.checked_mul(128)? | u64::from(c & 0x7f);
    }
    Some((v, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index file's bytes from (path, mode, oid byte, stage) entries.
    fn build(version: u32, entries: &[(&str, u32, u8)]) -> Vec<u8> {
        let mut out = b"DIRC".to_vec();
        out.extend(version.to_be_bytes());
        out.extend((entries.len() as u32).to_be_bytes());
        let mut prev = String::new();
        for (path, mode, id) in entries {
            let start = out.len();
            for i in 0..10u32 {
                out.extend(if i == 6 { *mode } else { i + 1 }.to_be_bytes());
            }
            out.extend([*id; 20]);
            out.extend((path.len() as u16).to_be_bytes());
            if version == 4 {
                let common = prev
                    .bytes()
                    .zip(path.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                out.push((prev.len() - common) as u8);
                out.extend(path[common..].bytes());
                out.push(0);
            } else {
                out.extend(path.bytes());
                let len = (out.len() - start + 8) & !7;
                out.resize(start + len, 0);
            }
            prev = path.to_string();
        }
        // An extension to skip (cache tree) and the checksum.
        out.extend(b"TREE");
        out.extend(3u32.to_be_bytes());
        out.extend([1, 2, 3]);
        out.extend([0u8; 20]);
        out
    }

    #[test]
    fn versions_2_and_4_give_the_same_entries() {
        let list = [
            ("README.md", 0o100644, 1),
            ("src/lib.rs", 0o100644, 2),
            ("src/list.rs", 0o100755, 3),
            ("z", 0o120000, 4),
        ];
        let v2 = parse(&build(2, &list)).unwrap();
        let v4 = parse(&build(4, &list)).unwrap();
        assert_eq!(v2.entries, v4.entries);
        let paths: Vec<&[u8]> = v2.entries.iter().map(|e| &e.path[..]).collect();
        assert_eq!(
            paths,
            [&b"README.md"[..], b"src/lib.rs", b"src/list.rs", b"z"]
        );
        assert_eq!(v2.entries[2].mode, 0o100755);
        assert_eq!(v2.entries[1].oid, [2; 20]);
        assert_eq!(v2.entries[0].stat.mtime, (3, 4));
        assert_eq!(v2.entries[0].stat.size, 10);
    }

    #[test]
    fn bad_and_unsupported_indexes_are_errors() {
        assert!(parse(b"nope").is_err());
        let mut v5 = build(2, &[]);
        v5[7] = 5;
        assert!(matches!(parse(&v5), Err(Error::Unsupported(_))));
        // Cut anywhere, an index is an error, never a panic.
        for version in [2, 4] {
            let whole = build(version, &[("a", 0o100644, 1), ("bb/c", 0o100644, 2)]);
            for len in 0..whole.len() - 20 {
                let mut cut = whole[..len].to_vec();
                cut.extend([0u8; 20]);
                let _ = parse(&cut);
            }
        }
        let mut cut = build(2, &[("a", 0o100644, 1)]);
        cut.truncate(50);
        assert!(parse(&cut).is_err());
        let sparse = build(2, &[("dir/", 0o040000, 1)]);
        assert!(matches!(parse(&sparse), Err(Error::Unsupported(_))));
    }
}
