//! Digests used in file and entry names.

use base64::Engine;
use md5::Md5;
use sha2::{Digest, Sha256};

/// Lowercase hex SHA-256 of `bytes` (the `sha256` field of every media JSON).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex MD5 of `bytes`.
pub fn md5_hex(bytes: &[u8]) -> String {
    hex(&Md5::digest(bytes))
}

/// Base64 of the MD5 of `bytes`, the digest of an artifact manifest entry.
pub fn md5_b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(bytes))
}

/// Base64 of an MD5 digest (the form of an artifact manifest digest).
pub fn md5_digest_b64(md5: &[u8; 16]) -> String {
    base64::engine::general_purpose::STANDARD.encode(md5)
}

/// An MD5 computed over bytes fed in pieces (for writers that hash a text while they produce
/// it, and give the digest to [`ArtifactTarget::put_entry_with_md5`](crate::artifact::ArtifactTarget::put_entry_with_md5)).
#[derive(Debug, Clone, Default)]
pub struct Md5Stream(Md5);

impl Md5Stream {
    /// A new, empty digest.
    pub fn new() -> Self {
        Self::default()
    }
    /// Feeds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    /// The digest of everything fed.
    pub fn finish(self) -> [u8; 16] {
        self.0.finalize().into()
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(md5_b64(b"abc"), "kAFQmDzST7DWlj99KOF/cg==");
    }
}
