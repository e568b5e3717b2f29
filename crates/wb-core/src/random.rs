//! Random ids in the SDK's alphabet (`[a-z0-9]`).

/// `len` random characters from `[a-z0-9]` (run ids are 8, artifact client ids 128).
pub fn random_id(len: usize) -> String {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut buf = vec![0u8; len];
    if getrandom::fill(&mut buf).is_err() {
        // No OS randomness: fall back to a time- and counter-seeded generator (ids need only
        // be unique, not secret).
        let mut x = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id());
        for b in &mut buf {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
    }
    buf.iter()
        .map(|b| ALPHABET[(*b as usize) % 36] as char)
        .collect()
}
