//! Reading the members of a zip archive (numpy's `.npz`), for comparing archives by content:
//! their bytes also hold timestamps and the compressor's choices, which no one reproduces.

use std::io::Read;

fn u16_at(b: &[u8], at: usize) -> Result<u16, String> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| "truncated zip archive".to_owned())
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, String> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| "truncated zip archive".to_owned())
}

fn u64_at(b: &[u8], at: usize) -> Result<u64, String> {
    let lo = u64::from(u32_at(b, at)?);
    let hi = u64::from(u32_at(b, at + 4)?);
    Ok(lo | (hi << 32))
}

fn usize_of(v: u64) -> Result<usize, String> {
    usize::try_from(v).map_err(|_| "zip offset out of range".to_owned())
}

/// Every member of a zip archive, by name, decompressed (stored or deflated members; zip64
/// sizes and offsets understood), in the central directory's order.
pub fn members(b: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let search_from = b.len().saturating_sub(22 + 65535);
    let eocd = (search_from..b.len().saturating_sub(21))
        .rev()
        .find(|&i| b[i..].starts_with(EOCD))
        .ok_or("not a zip archive (no end of central directory)")?;
    let mut count = u64::from(u16_at(b, eocd + 10)?);
    let mut cd = u64::from(u32_at(b, eocd + 16)?);
    if cd == 0xffff_ffff || count == 0xffff {
        // The zip64 locator sits right before the end record and points at the zip64 record.
        let loc = eocd.checked_sub(20).ok_or("truncated zip64 locator")?;
        if !b[loc..].starts_with(b"PK\x06\x07") {
            return Err("zip64 archive without a zip64 locator".into());
        }
        let rec = usize_of(u64_at(b, loc + 8)?)?;
        if !b.get(rec..).is_some_and(|r| r.starts_with(b"PK\x06\x06")) {
            return Err("bad zip64 end of central directory".into());
        }
        count = u64_at(b, rec + 32)?;
        cd = u64_at(b, rec + 48)?;
    }
    let mut at = usize_of(cd)?;
    let mut out = Vec::new();
    for _ in 0..count {
        if !b.get(at..).is_some_and(|r| r.starts_with(b"PK\x01\x02")) {
            return Err("bad zip central directory entry".into());
        }
        let method = u16_at(b, at + 10)?;
        let mut comp = u64::from(u32_at(b, at + 20)?);
        let mut size = u64::from(u32_at(b, at + 24)?);
        let name_len = usize::from(u16_at(b, at + 28)?);
        let extra_len = usize::from(u16_at(b, at + 30)?);
        let comment_len = usize::from(u16_at(b, at + 32)?);
        let mut local = u64::from(u32_at(b, at + 42)?);
        let name_bytes = b
            .get(at + 46..at + 46 + name_len)
            .ok_or("truncated zip name")?;
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        let extra = b
            .get(at + 46 + name_len..at + 46 + name_len + extra_len)
            .ok_or("truncated zip extra field")?;
        // The zip64 extra field holds, in order, whichever of the three values overflowed.
        let mut e = 0;
        while e + 4 <= extra.len() {
            let id = u16_at(extra, e)?;
            let len = usize::from(u16_at(extra, e + 2)?);
            if id == 1 {
                let mut f = e + 4;
                for v in [&mut size, &mut comp, &mut local] {
                    if *v == 0xffff_ffff {
                        *v = u64_at(extra, f)?;
                        f += 8;
                    }
                }
            }
            e += 4 + len;
        }
        let lh = usize_of(local)?;
        if !b.get(lh..).is_some_and(|r| r.starts_with(b"PK\x03\x04")) {
            return Err(format!("zip member {name}: bad local header"));
        }
        let start = lh + 30 + usize::from(u16_at(b, lh + 26)?) + usize::from(u16_at(b, lh + 28)?);
        let data = b
            .get(start..start + usize_of(comp)?)
            .ok_or_else(|| format!("zip member {name}: truncated data"))?;
        let bytes = match method {
            0 => data.to_vec(),
            8 => {
                let mut v = Vec::with_capacity(usize_of(size)?);
                flate2::read::DeflateDecoder::new(data)
                    .read_to_end(&mut v)
                    .map_err(|e| format!("zip member {name}: {e}"))?;
                v
            }
            m => {
                return Err(format!(
                    "zip member {name}: compression method {m} is not supported"
                ));
            }
        };
        out.push((name, bytes));
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A one-member archive as Python's zipfile writes it (local header, data, central
    /// directory, end record).
    fn archive(name: &str, data: &[u8], deflate: bool) -> Vec<u8> {
        let body = if deflate {
            let mut e =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        } else {
            data.to_vec()
        };
        let method: u16 = if deflate { 8 } else { 0 };
        let crc = crc32(data);
        let mut out = Vec::new();
        out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00");
        out.extend_from_slice(&method.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&body);
        let cd = out.len();
        out.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00");
        out.extend_from_slice(&method.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        let cd_len = out.len() - cd;
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\x00\x01\x00");
        out.extend_from_slice(&(cd_len as u32).to_le_bytes());
        out.extend_from_slice(&(cd as u32).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn crc32(d: &[u8]) -> u32 {
        let mut c = 0xffff_ffffu32;
        for &b in d {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xedb8_8320
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    #[test]
    fn reads_stored_and_deflated_members() {
        for deflate in [false, true] {
            let m = members(&archive("arr_0.npy", b"\x93NUMPY data data data", deflate)).unwrap();
            assert_eq!(
                m,
                vec![("arr_0.npy".to_owned(), b"\x93NUMPY data data data".to_vec())]
            );
        }
        assert!(members(b"not a zip").is_err());
    }
}
