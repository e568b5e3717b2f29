//! Deflate's fixed tables (RFC 1951 §3.2.5–3.2.6), laid out as zlib's `trees.c` lays them out:
//! length and distance codes with their extra bits and bases, the order of the code-length
//! code lengths, and the fixed ("static") literal/length and distance trees.
//!
//! Everything here is computed at compile time from the RFC's rules.

/// Literal/length codes in a dynamic tree (0–255 literals, 256 end of block, 257–285 lengths).
pub(crate) const L_CODES: usize = 286;
/// Distance codes.
pub(crate) const D_CODES: usize = 30;
/// Code-length codes (the "bit length" tree).
pub(crate) const BL_CODES: usize = 19;
/// The end-of-block symbol.
pub(crate) const END_BLOCK: usize = 256;
/// Length codes (257–285).
const LENGTH_CODES: usize = 29;
/// Longest bit length of a literal/length or distance code.
pub(crate) const MAX_BITS: usize = 15;
/// Longest bit length of a code-length code.
pub(crate) const MAX_BL_BITS: usize = 7;
/// Repeat the previous length 3–6 times (2 extra bits).
pub(crate) const REP_3_6: usize = 16;
/// Repeat a zero length 3–10 times (3 extra bits).
pub(crate) const REPZ_3_10: usize = 17;
/// Repeat a zero length 11–138 times (7 extra bits).
pub(crate) const REPZ_11_138: usize = 18;

/// Extra bits of each length code (257–285).
pub(crate) const EXTRA_LBITS: [u8; LENGTH_CODES] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Extra bits of each distance code.
pub(crate) const EXTRA_DBITS: [u8; D_CODES] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// Extra bits of each code-length code.
pub(crate) const EXTRA_BLBITS: [u8; BL_CODES] =
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7];
/// The order in which code-length code lengths are sent.
pub(crate) const BL_ORDER: [usize; BL_CODES] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Length code (0–28, i.e. symbol − 257) of each match length − 3 (0–255).
pub(crate) const LENGTH_CODE: [u8; 256] = length_code();
/// First match length − 3 of each length code.
pub(crate) const BASE_LENGTH: [u8; LENGTH_CODES] = base_length();
/// Distance code of distance − 1: entries 0–255 for distances 1–256, then entry `256 + (d >> 7)`.
pub(crate) const DIST_CODE: [u8; 512] = dist_code();
/// First distance − 1 of each distance code.
pub(crate) const BASE_DIST: [u16; D_CODES] = base_dist();

/// Bit lengths of the fixed literal/length tree (288 symbols).
pub(crate) const STATIC_LTREE_LEN: [u8; 288] = static_ltree_len();
/// Codes (bit-reversed, ready to send LSB first) of the fixed literal/length tree.
pub(crate) const STATIC_LTREE_CODE: [u16; 288] = static_ltree_code();
/// Bit lengths of the fixed distance tree.
pub(crate) const STATIC_DTREE_LEN: [u8; D_CODES] = [5; D_CODES];
/// Codes (bit-reversed) of the fixed distance tree.
pub(crate) const STATIC_DTREE_CODE: [u16; D_CODES] = static_dtree_code();

/// Distance code of a distance − 1 (0–32767).
#[inline]
pub(crate) fn d_code(dist_minus_1: usize) -> usize {
    if dist_minus_1 < 256 {
        DIST_CODE[dist_minus_1] as usize
    } else {
        DIST_CODE[(256 + (dist_minus_1 >> 7)) & 511] as usize
    }
}

/// The low `len` bits of `code`, reversed.
pub(crate) const fn bi_reverse(code: u32, len: u32) -> u16 {
    if len == 0 {
        return 0;
    }
    (code.reverse_bits() >> (32 - len)) as u16
}

const fn length_code() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut length = 0usize;
    let mut code = 0;
    while code < LENGTH_CODES - 1 {
        let mut n = 0;
        while n < (1 << EXTRA_LBITS[code]) {
            t[length] = code as u8;
            length += 1;
            n += 1;
        }
        code += 1;
    }
    // Length 258 (255 here) has its own code, 28, overriding the last slot of code 27.
    t[255] = (LENGTH_CODES - 1) as u8;
    t
}

const fn base_length() -> [u8; LENGTH_CODES] {
    let mut t = [0u8; LENGTH_CODES];
    let mut length = 0usize;
    let mut code = 0;
    while code < LENGTH_CODES - 1 {
        t[code] = length as u8;
        length += 1 << EXTRA_LBITS[code];
        code += 1;
    }
    t
}

const fn dist_code() -> [u8; 512] {
    let mut t = [0u8; 512];
    let mut dist = 0usize;
    let mut code = 0;
    while code < 16 {
        let mut n = 0;
        while n < (1 << EXTRA_DBITS[code]) {
            t[dist] = code as u8;
            dist += 1;
            n += 1;
        }
        code += 1;
    }
    dist >>= 7;
    while code < D_CODES {
        let mut n = 0;
        while n < (1 << (EXTRA_DBITS[code] - 7)) {
            t[256 + dist] = code as u8;
            dist += 1;
            n += 1;
        }
        code += 1;
    }
    t
}

const fn base_dist() -> [u16; D_CODES] {
    let mut t = [0u16; D_CODES];
    let mut dist = 0usize;
    let mut code = 0;
    while code < 16 {
        t[code] = dist as u16;
        dist += 1 << EXTRA_DBITS[code];
        code += 1;
    }
    dist >>= 7;
    while code < D_CODES {
        t[code] = (dist << 7) as u16;
        dist += 1 << (EXTRA_DBITS[code] - 7);
        code += 1;
    }
    t
}

const fn static_ltree_len() -> [u8; 288] {
    let mut t = [0u8; 288];
    let mut n = 0;
    while n < 288 {
        t[n] = if n < 144 {
            8
        } else if n < 256 {
            9
        } else if n < 280 {
            7
        } else {
            8
        };
        n += 1;
    }
    t
}

/// Canonical codes for the bit lengths `lens`, bit-reversed (zlib's `gen_codes`).
const fn canonical_codes<const N: usize>(lens: &[u8; N]) -> [u16; N] {
    let mut bl_count = [0u32; MAX_BITS + 1];
    let mut n = 0;
    while n < N {
        bl_count[lens[n] as usize] += 1;
        n += 1;
    }
    bl_count[0] = 0;
    let mut next = [0u32; MAX_BITS + 1];
    let mut code = 0u32;
    let mut bits = 1;
    while bits <= MAX_BITS {
        code = (code + bl_count[bits - 1]) << 1;
        next[bits] = code;
        bits += 1;
    }
    let mut out = [0u16; N];
    let mut n = 0;
    while n < N {
        let len = lens[n] as usize;
        if len != 0 {
            out[n] = bi_reverse(next[len], len as u32);
            next[len] += 1;
        }
        n += 1;
    }
    out
}

const fn static_ltree_code() -> [u16; 288] {
    canonical_codes(&STATIC_LTREE_LEN)
}

const fn static_dtree_code() -> [u16; D_CODES] {
    let mut t = [0u16; D_CODES];
    let mut n = 0;
    while n < D_CODES {
        t[n] = bi_reverse(n as u32, 5);
        n += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_rfc_1951() {
        // Length 3 → 257, 10 → 264, 11–12 → 265, 258 → 285.
        assert_eq!(LENGTH_CODE[0], 0);
        assert_eq!(LENGTH_CODE[7], 7);
        assert_eq!(LENGTH_CODE[8], 8);
        assert_eq!(LENGTH_CODE[9], 8);
        assert_eq!(LENGTH_CODE[254], 27);
        assert_eq!(LENGTH_CODE[255], 28);
        assert_eq!(BASE_LENGTH[27], 224); // length 227
        // Distances 1–4 → codes 0–3, 5–6 → 4, 32769 is out of range; 24577–32768 → 29.
        assert_eq!(d_code(0), 0);
        assert_eq!(d_code(4), 4);
        assert_eq!(d_code(5), 4);
        assert_eq!(d_code(24576), 29);
        assert_eq!(d_code(32767), 29);
        assert_eq!(BASE_DIST[29], 24576);
        // Fixed literal 0 is 00110000 (sent reversed), 256 is 0000000.
        assert_eq!(STATIC_LTREE_CODE[0], bi_reverse(0b0011_0000, 8));
        assert_eq!(STATIC_LTREE_CODE[256], 0);
        assert_eq!(STATIC_LTREE_CODE[144], bi_reverse(0b1_1001_0000, 9));
    }
}
