//! Git's object database read without git: loose objects (`objects/ab/cdef...`, zlib) and
//! pack files (`objects/pack/*.pack` with their version 2 `.idx`), including deltas against an
//! offset in the same pack (`OFS_DELTA`) or an object id (`REF_DELTA`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{Error, Oid};

/// What an object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Commit,
    Tree,
    Blob,
    Tag,
}

impl Kind {
    fn from_pack_type(t: u8) -> Option<Kind> {
        match t {
            1 => Some(Kind::Commit),
            2 => Some(Kind::Tree),
            3 => Some(Kind::Blob),
            4 => Some(Kind::Tag),
            _ => None,
        }
    }

    fn from_name(name: &[u8]) -> Option<Kind> {
        match name {
            b"commit" => Some(Kind::Commit),
            b"tree" => Some(Kind::Tree),
            b"blob" => Some(Kind::Blob),
            b"tag" => Some(Kind::Tag),
            _ => None,
        }
    }
}

/// Deltas deeper than this are refused (git's own packs stay under 4096).
const MAX_DELTA_DEPTH: usize = 10_000;

/// One pack: its index (read whole) and its data file (read where needed).
struct Pack {
    path: PathBuf,
    idx: Vec<u8>,
    count: usize,
    file: File,
}

impl Pack {
    fn open(idx_path: &Path) -> Result<Pack, Error> {
        let idx = std::fs::read(idx_path).map_err(|e| Error::io(idx_path, e))?;
        let bad = |what: &str| Error::Format(format!("{}: {what}", idx_path.display()));
        if idx.len() < 8 + 256 * 4 + 40 || idx[..4] != [0xff, b't', b'O', b'c'] {
            return Err(Error::Unsupported(format!(
                "{}: not a version 2 pack index (version 1 indexes are not read)",
                idx_path.display()
            )));
        }
        if be32(&idx, 4) != 2 {
            return Err(Error::Unsupported(format!(
                "{}: pack index version {} (only 2 is read)",
                idx_path.display(),
                be32(&idx, 4)
            )));
        }
        let count = be32(&idx, 8 + 255 * 4) as usize;
        // fan-out, ids, CRCs, 4-byte offsets, then the 8-byte offsets and two checksums.
        let min = 8 + 256 * 4 + count * (20 + 4 + 4) + 40;
        if idx.len() < min {
            return Err(bad("truncated"));
        }
        let pack_path = idx_path.with_extension("pack");
        let file = File::open(&pack_path).map_err(|e| Error::io(&pack_path, e))?;
        Ok(Pack {
            path: pack_path,
            idx,
            count,
            file,
        })
    }

    fn id_at(&self, i: usize) -> &[u8] {
        let at = 8 + 256 * 4 + i * 20;
        &self.idx[at..at + 20]
    }

    /// The position of `oid` in the sorted ids, or where it would go.
    fn search(&self, oid: &Oid) -> Result<usize, usize> {
        let first = oid[0] as usize;
        let lo = if first == 0 {
            0
        } else {
            be32(&self.idx, 8 + (first - 1) * 4) as usize
        };
        let hi = (be32(&self.idx, 8 + first * 4) as usize).min(self.count);
        let lo = lo.min(hi);
        let mut range = lo..hi;
        while !range.is_empty() {
            let mid = range.start + range.len() / 2;
            match self.id_at(mid).cmp(&oid[..]) {
                std::cmp::Ordering::Equal => return Ok(mid),
                std::cmp::Ordering::Less => range.start = mid + 1,
                std::cmp::Ordering::Greater => range.end = mid,
            }
        }
        Err(range.start)
    }

    fn offset_at(&self, i: usize) -> Result<u64, Error> {
        let base = 8 + 256 * 4 + self.count * 24;
        let v = be32(&self.idx, base + i * 4);
        if v & 0x8000_0000 == 0 {
            return Ok(u64::from(v));
        }
        let at = base + self.count * 4 + (v & 0x7fff_ffff) as usize * 8;
        let bytes = self
            .idx
            .get(at..at + 8)
            .ok_or_else(|| Error::Format(format!("{}: bad large offset", self.path.display())))?;
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes);
        Ok(u64::from_be_bytes(b))
    }
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Bytes of inflated pack objects kept for delta chains that share bases.
const CACHE_BYTES: usize = 32 << 20;

/// An inflated object, shared by the cache and its readers.
type Cached = (Kind, Rc<[u8]>);

/// Pack objects already inflated, by pack and offset (as git's delta base cache, so that
/// objects deltified against the same bases do not inflate the chain again).
#[derive(Default)]
struct Cache {
    objects: HashMap<(usize, u64), Cached>,
    bytes: usize,
}

/// The object store of one repository.
pub(crate) struct Odb {
    objects: PathBuf,
    packs: Vec<Pack>,
    cache: RefCell<Cache>,
}

impl Odb {
    /// Opens `<common git dir>/objects` and indexes its packs.
    pub(crate) fn open(common: &Path) -> Result<Odb, Error> {
        let objects = common.join("objects");
        let mut packs = Vec::new();
        if let Ok(dir) = std::fs::read_dir(objects.join("pack")) {
            let mut names: Vec<PathBuf> = dir
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "idx"))
                .collect();
            names.sort();
            for p in names {
                packs.push(Pack::open(&p)?);
            }
        }
        Ok(Odb {
            objects,
            packs,
            cache: RefCell::default(),
        })
    }

    /// The number of objects in packs, which git's automatic abbreviation length is based on
    /// (loose objects are not counted, as in git).
    pub(crate) fn packed_count(&self) -> usize {
        self.packs.iter().map(|p| p.count).sum()
    }

    fn loose_path(&self, oid: &Oid) -> PathBuf {
        let hex = super::hex(oid);
        self.objects.join(&hex[..2]).join(&hex[2..])
    }

    /// Reads an object.
    pub(crate) fn read(&self, oid: &Oid) -> Result<(Kind, Vec<u8>), Error> {
        self.read_depth(oid, 0)
    }

    /// Reads an object that must be of `kind`.
    pub(crate) fn read_kind(&self, oid: &Oid, kind: Kind) -> Result<Vec<u8>, Error> {
        let (k, data) = self.read(oid)?;
        if k != kind {
            return Err(Error::Format(format!(
                "object {} is a {k:?}, not a {kind:?}",
                super::hex(oid)
            )));
        }
        Ok(data)
    }

    fn read_depth(&self, oid: &Oid, depth: usize) -> Result<(Kind, Vec<u8>), Error> {
        for (p, pack) in self.packs.iter().enumerate() {
            if let Ok(i) = pack.search(oid) {
                let offset = pack.offset_at(i)?;
                let (kind, data) = self.read_packed(p, offset, depth)?;
                return Ok((kind, data.to_vec()));
            }
        }
        let path = self.loose_path(oid);
        match std::fs::read(&path) {
            Ok(z) => read_loose(&z).map_err(|e| match e {
                Error::Format(m) => Error::Format(format!("{}: {m}", path.display())),
                other => other,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::MissingObject(super::hex(oid)))
            }
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// A pack's object at `offset`, from the cache or inflated (and its delta applied).
    fn read_packed(&self, p: usize, offset: u64, depth: usize) -> Result<(Kind, Rc<[u8]>), Error> {
        if let Some((kind, data)) = self.cache.borrow().objects.get(&(p, offset)) {
            return Ok((*kind, Rc::clone(data)));
        }
        let (kind, data) = self.inflate_packed(p, offset, depth)?;
        let data: Rc<[u8]> = data.into();
        let mut cache = self.cache.borrow_mut();
        if data.len() <= CACHE_BYTES / 4 {
            if cache.bytes + data.len() > CACHE_BYTES {
                cache.objects.clear();
                cache.bytes = 0;
            }
            cache.bytes += data.len();
            cache.objects.insert((p, offset), (kind, Rc::clone(&data)));
        }
        Ok((kind, data))
    }

    fn inflate_packed(
        &self,
        p: usize,
        offset: u64,
        depth: usize,
    ) -> Result<(Kind, Vec<u8>), Error> {
        let pack = &self.packs[p];
        if depth > MAX_DELTA_DEPTH {
            return Err(Error::Format(format!(
                "{}: delta chain longer than {MAX_DELTA_DEPTH}",
                pack.path.display()
            )));
        }
        let io = |e| Error::io(&pack.path, e);
        let mut f = &pack.file;
        f.seek(SeekFrom::Start(offset)).map_err(io)?;
        let mut r = BufReader::with_capacity(16 * 1024, f);
        let mut byte = read_byte(&mut r).map_err(io)?;
        let t = (byte >> 4) & 7;
        let mut size = u64::from(byte & 15);
        let mut shift = 4;
        while byte & 0x80 != 0 {
            byte = read_byte(&mut r).map_err(io)?;
            if shift > 57 {
                return Err(Error::Format(format!(
                    "{}: bad object size",
                    pack.path.display()
                )));
            }
            size |= u64::from(byte & 0x7f) << shift;
            shift += 7;
        }
        match t {
            6 => {
                let back = read_offset_varint(&mut r).map_err(io)?;
                let base_offset = offset.checked_sub(back).filter(|&b| b > 0).ok_or_else(|| {
                    Error::Format(format!("{}: bad delta base offset", pack.path.display()))
                })?;
                let delta = inflate(r, size).map_err(|e| e.within(&pack.path))?;
                let (kind, base) = self.read_packed(p, base_offset, depth + 1)?;
                Ok((kind, apply_delta(&base, &delta)?))
            }
            7 => {
                let mut base_id = [0u8; 20];
                r.read_exact(&mut base_id).map_err(io)?;
                let delta = inflate(r, size).map_err(|e| e.within(&pack.path))?;
                let (kind, base) = self.read_depth(&base_id, depth + 1)?;
                Ok((kind, apply_delta(&base, &delta)?))
            }
            t => {
                let kind = Kind::from_pack_type(t).ok_or_else(|| {
                    Error::Format(format!("{}: object type {t}", pack.path.display()))
                })?;
                Ok((kind, inflate(r, size).map_err(|e| e.within(&pack.path))?))
            }
        }
    }

    /// The shortest abbreviation of `oid`, at least `min` hex digits, that no other object in
    /// the store shares (git's `find_unique_abbrev`; `oid` itself need not be stored).
    pub(crate) fn unique_abbrev_len(&self, oid: &Oid, min: usize) -> usize {
        let mut common = 0;
        for pack in &self.packs {
            let i = match pack.search(oid) {
                Ok(i) => {
                    if i + 1 < pack.count {
                        common = common.max(common_hex(oid, pack.id_at(i + 1)));
                    }
                    i
                }
                Err(i) => {
                    if i < pack.count {
                        common = common.max(common_hex(oid, pack.id_at(i)));
                    }
                    i
                }
            };
            if i > 0 {
                common = common.max(common_hex(oid, pack.id_at(i - 1)));
            }
        }
        let hex = super::hex(oid);
        if let Ok(dir) = std::fs::read_dir(self.objects.join(&hex[..2])) {
            for e in dir.flatten() {
                let name = e.file_name();
                let Some(rest) = name.to_str() else { continue };
                if rest.len() != 38 || rest == &hex[2..] {
                    continue;
                }
                let n = 2 + rest
                    .bytes()
                    .zip(hex[2..].bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                common = common.max(n);
            }
        }
        min.max(common + 1).min(40)
    }
}

/// How many leading hex digits two ids share.
fn common_hex(a: &Oid, b: &[u8]) -> usize {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            return i * 2 + usize::from(x >> 4 == y >> 4);
        }
    }
    40
}

fn read_byte(r: &mut impl Read) -> std::io::Result<u8> {
    let mut b = [0u8];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

/// The `OFS_DELTA` base distance: big-endian 7-bit groups, each continuation adding one.
fn read_offset_varint(r: &mut impl Read) -> std::io::Result<u64> {
    let mut c = read_byte(r)?;
    let mut v = u64::from(c & 0x7f);
    while c & 0x80 != 0 {
        c = read_byte(r)?;
        v = v
            .checked_add(1)
            .and_then(|v| v.checked_mul(128))
            .ok_or_else(|| std::io::Error::other("offset overflow"))?
            | u64::from(c & 0x7f);
    }
    Ok(v)
}

/// Inflates a zlib stream that must give exactly `size` bytes.
fn inflate(r: impl Read, size: u64) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(size.min(1 << 26) as usize);
    flate2::read::ZlibDecoder::new(r)
        .take(size + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::Format(format!("bad zlib data: {e}")))?;
    if out.len() as u64 != size {
        return Err(Error::Format(format!(
            "object inflated to {} bytes, its header says {size}",
            out.len()
        )));
    }
    Ok(out)
}

/// A loose object: zlib of `<type> <size>\0<content>`.
pub(crate) fn read_loose(z: &[u8]) -> Result<(Kind, Vec<u8>), Error> {
    let mut data = Vec::new();
    flate2::read::ZlibDecoder::new(z)
        .read_to_end(&mut data)
        .map_err(|e| Error::Format(format!("bad zlib data: {e}")))?;
    let nul = data
        .iter()
        .position(|&b| b == 0)
        .ok_or_else(|| Error::Format("loose object without a header".into()))?;
    let header = &data[..nul];
    let sp = header
        .iter()
        .position(|&b| b == b' ')
        .ok_or_else(|| Error::Format("bad loose object header".into()))?;
    let kind = Kind::from_name(&header[..sp])
        .ok_or_else(|| Error::Format("unknown loose object type".into()))?;
    let size: usize = std::str::from_utf8(&header[sp + 1..])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::Format("bad loose object size".into()))?;
    if data.len() - nul - 1 != size {
        return Err(Error::Format("loose object size does not match".into()));
    }
    data.drain(..=nul);
    Ok((kind, data))
}

/// Applies a git delta (source size, target size, then copy and insert instructions).
pub(crate) fn apply_delta(base: &[u8], delta: &[u8]) -> Result<Vec<u8>, Error> {
    let bad = |what: &str| Error::Format(format!("bad delta: {what}"));
    let mut at = 0;
    let size = |at: &mut usize| -> Result<usize, Error> {
        let mut v = 0usize;
        let mut shift = 0;
        loop {
            let b = *delta.get(*at).ok_or_else(|| bad("truncated size"))?;
            *at += 1;
            if shift > 56 {
                return Err(bad("size too large"));
            }
            v |= usize::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
    };
    let src_size = size(&mut at)?;
    let dst_size = size(&mut at)?;
    if src_size != base.len() {
        return Err(bad("base size does not match"));
    }
    let mut out = Vec::with_capacity(dst_size.min(1 << 26));
    while at < delta.len() {
        let cmd = delta[at];
        at += 1;
        if cmd & 0x80 != 0 {
            let mut arg = |bit: u8, shift: u32| -> Result<usize, Error> {
                if cmd & bit == 0 {
                    return Ok(0);
                }
                let b = *delta.get(at).ok_or_else(|| bad("truncated copy"))?;
                at += 1;
                Ok(usize::from(b) << shift)
            };
            let off = arg(0x01, 0)? | arg(0x02, 8)? | arg(0x04, 16)? | arg(0x08, 24)?;
            let mut len = arg(0x10, 0)? | arg(0x20, 8)? | arg(0x40, 16)?;
            if len == 0 {
                len = 0x10000;
            }
            let src = off
                .checked_add(len)
                .and_then(|end| base.get(off..end))
                .ok_or_else(|| bad("copy outside the base"))?;
            out.extend_from_slice(src);
        } else if cmd != 0 {
            let n = usize::from(cmd);
            let src = delta
                .get(at..at + n)
                .ok_or_else(|| bad("truncated insert"))?;
            out.extend_from_slice(src);
            at += n;
        } else {
            return Err(bad("reserved instruction 0"));
        }
    }
    if out.len() != dst_size {
        return Err(bad("result size does not match"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_copies_and_inserts() {
        let base = b"hello, world\n";
        // sizes 13 -> 14; copy offset 0 len 7 ("hello, "); insert "there"; copy offset 7 len 2.
        let delta = [13, 14, 0x90, 7, 5, b't', b'h', b'e', b'r', b'e', 0x91, 7, 2];
        assert_eq!(apply_delta(base, &delta).unwrap(), b"hello, therewo");
        // A copy past the base, a zero instruction and a wrong base size are refused.
        assert!(apply_delta(base, &[13, 1, 0x91, 12, 5]).is_err());
        assert!(apply_delta(base, &[13, 1, 0]).is_err());
        assert!(apply_delta(b"x", &delta).is_err());
        // A copy of size 0 means 0x10000 bytes.
        let big = vec![7u8; 0x10000];
        let d = [0x80, 0x80, 0x04, 0x80, 0x80, 0x04, 0x80];
        assert_eq!(apply_delta(&big, &d).unwrap(), big);
    }

    #[test]
    fn offset_varint_adds_one_per_continuation() {
        // git's encoding: 0x80 0x00 is 128, not 0.
        assert_eq!(read_offset_varint(&mut &[0x05][..]).unwrap(), 5);
        assert_eq!(read_offset_varint(&mut &[0x80, 0x00][..]).unwrap(), 128);
        assert_eq!(read_offset_varint(&mut &[0x81, 0x7f][..]).unwrap(), 383);
    }

    #[test]
    fn common_hex_counts_half_bytes() {
        let a = [0xabu8; 20];
        let mut b = a;
        b[1] = 0xa0;
        assert_eq!(common_hex(&a, &b), 3);
        b[1] = 0x0b;
        assert_eq!(common_hex(&a, &b), 2);
        assert_eq!(common_hex(&a, &a), 40);
    }
}
