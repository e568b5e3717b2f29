//! `.npz` files (a zip of `.npy` members), as `numpy.savez_compressed` writes and `numpy.load`
//! reads them. The zip container is written here (deflate via `flate2`, CRC-32 via
//! `crc32fast`); the reader understands the zip64 records numpy writes.

use crate::nd_array::NdArray;
use flate2::Compression;
use std::io::{Read, Write};
use wb_core::{Error, Result};

/// Writes `arrays` as a compressed `.npz` (member `<name>.npy` each).
pub fn write_npz(arrays: &[(&str, &NdArray)]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let io = |e: std::io::Error| Error::value(format!("compressing npz member: {e}"));
    for (name, arr) in arrays {
        let raw = arr.to_npy();
        let crc = crc32fast::hash(&raw);
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&raw).map_err(io)?;
        let comp = enc.finish().map_err(io)?;
        let fname = format!("{name}.npy");
        let (Ok(csize), Ok(usize_), Ok(offset)) = (
            u32::try_from(comp.len()),
            u32::try_from(raw.len()),
            u32::try_from(out.len()),
        ) else {
            return Err(Error::value("npz members over 4 GiB are not supported"));
        };
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&8u16.to_le_bytes()); // deflate
            h.extend_from_slice(&0u16.to_le_bytes()); // time
            h.extend_from_slice(&0x21u16.to_le_bytes()); // date 1980-01-01
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&csize.to_le_bytes());
            h.extend_from_slice(&usize_.to_le_bytes());
            h.extend_from_slice(&(fname.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&0u16.to_le_bytes()); // comment
                h.extend_from_slice(&0u16.to_le_bytes()); // disk
                h.extend_from_slice(&0u16.to_le_bytes()); // internal attrs
                h.extend_from_slice(&(0o100644u32 << 16).to_le_bytes()); // external attrs
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(fname.as_bytes());
            h
        };
        out.extend_from_slice(&header(0x0403_4b50, false));
        out.extend_from_slice(&comp);
        central.extend_from_slice(&header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    let n = arrays.len() as u16;
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    Ok(out)
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(i..i + 8)?.try_into().ok()?))
}

/// Reads member `key` (`<key>.npy`) of an `.npz` file.
pub fn read_npz(bytes: &[u8], key: &str) -> Result<NdArray> {
    let bad = |why: &str| Error::decode("ndarray", format!("invalid npz file: {why}"));
    let eocd = (0..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(bytes, i) == Some(0x0605_4b50))
        .ok_or_else(|| bad("no end of central directory"))?;
    let mut count = u64::from(u16_at(bytes, eocd + 10).ok_or_else(|| bad("short"))?);
    let mut cd = u64::from(u32_at(bytes, eocd + 16).ok_or_else(|| bad("short"))?);
    if (cd == 0xFFFF_FFFF || count == 0xFFFF) && eocd >= 20 {
        // zip64 end of central directory locator just before the EOCD.
        if u32_at(bytes, eocd - 20) == Some(0x0706_4b50) {
            let rec = u64_at(bytes, eocd - 12).ok_or_else(|| bad("short"))? as usize;
            count = u64_at(bytes, rec + 32).ok_or_else(|| bad("short"))?;
            cd = u64_at(bytes, rec + 48).ok_or_else(|| bad("short"))?;
        }
    }
    let want = format!("{key}.npy");
    let mut p = cd as usize;
    for _ in 0..count {
        if u32_at(bytes, p) != Some(0x0201_4b50) {
            return Err(bad("broken central directory"));
        }
        let method = u16_at(bytes, p + 10).ok_or_else(|| bad("short"))?;
        let mut csize = u64::from(u32_at(bytes, p + 20).ok_or_else(|| bad("short"))?);
        let mut usize_ = u64::from(u32_at(bytes, p + 24).ok_or_else(|| bad("short"))?);
        let nlen = usize::from(u16_at(bytes, p + 28).ok_or_else(|| bad("short"))?);
        let elen = usize::from(u16_at(bytes, p + 30).ok_or_else(|| bad("short"))?);
        let clen = usize::from(u16_at(bytes, p + 32).ok_or_else(|| bad("short"))?);
        let mut offset = u64::from(u32_at(bytes, p + 42).ok_or_else(|| bad("short"))?);
        let name = bytes
            .get(p + 46..p + 46 + nlen)
            .ok_or_else(|| bad("short"))?;
        let extra = bytes
            .get(p + 46 + nlen..p + 46 + nlen + elen)
            .ok_or_else(|| bad("short"))?;
        // zip64 extended information: present fields replace the 0xFFFFFFFF ones, in order.
        let mut e = 0;
        while e + 4 <= extra.len() {
            let id = u16_at(extra, e).unwrap_or(0);
            let len = usize::from(u16_at(extra, e + 2).unwrap_or(0));
            if id == 1 {
                let mut q = e + 4;
                for field in [&mut usize_, &mut csize, &mut offset] {
                    if *field == 0xFFFF_FFFF {
                        *field = u64_at(extra, q).ok_or_else(|| bad("short zip64 field"))?;
                        q += 8;
                    }
                }
            }
            e += 4 + len;
        }
        if name == want.as_bytes() {
            let off = offset as usize;
            if u32_at(bytes, off) != Some(0x0403_4b50) {
                return Err(bad("broken local header"));
            }
            let lnlen = usize::from(u16_at(bytes, off + 26).ok_or_else(|| bad("short"))?);
            let lelen = usize::from(u16_at(bytes, off + 28).ok_or_else(|| bad("short"))?);
            let start = off + 30 + lnlen + lelen;
            let data = bytes
                .get(start..start + csize as usize)
                .ok_or_else(|| bad("truncated member"))?;
            let raw = match method {
                0 => data.to_vec(),
                8 => {
                    let mut v = Vec::with_capacity(usize_ as usize);
                    flate2::read::DeflateDecoder::new(data)
                        .read_to_end(&mut v)
                        .map_err(|e| bad(&format!("inflating: {e}")))?;
                    v
                }
                m => return Err(bad(&format!("unsupported compression method {m}"))),
            };
            return NdArray::from_npy(&raw);
        }
        p += 46 + nlen + elen + clen;
    }
    Err(Error::decode(
        "ndarray",
        format!("npz file has no array named {key:?}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nd_array::NdData;

    #[test]
    fn round_trip() -> Result<()> {
        let a = NdArray::from_data(vec![2, 2], NdData::I64(vec![1, 2, 3, 4]))?;
        let z = write_npz(&[("col", &a)])?;
        assert_eq!(read_npz(&z, "col")?, a);
        assert!(read_npz(&z, "other").is_err());
        Ok(())
    }
}
