//! Bit-level writing of H.264 syntax (ITU-T H.264 §7.2): single bits, Exp-Golomb codes,
//! and the emulation prevention bytes that keep a NAL unit's payload free of start codes.

/// The RBSP of a NAL unit's payload: emulation prevention bytes (`00 00 03`) removed.
pub fn unescape(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len());
    let mut zeros = 0;
    for &b in payload {
        if zeros >= 2 && b == 3 {
            zeros = 0;
            continue;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
    }
    out
}

/// A NAL payload from an RBSP: emulation prevention bytes inserted.
pub fn escape(rbsp: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rbsp.len() + rbsp.len() / 64 + 4);
    let mut zeros = 0;
    for &b in rbsp {
        if zeros >= 2 && b <= 3 {
            out.push(3);
            zeros = 0;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
    }
    out
}

/// Writes bits most significant first.
#[derive(Default)]
pub struct Writer {
    /// The bytes written; the last one may be partly filled.
    pub out: Vec<u8>,
    /// How many bits are written.
    pub n: usize,
}

impl Writer {
    /// One bit (the lowest of `b`).
    pub fn bit(&mut self, b: u32) {
        if self.n.is_multiple_of(8) {
            self.out.push(0);
        }
        if b & 1 == 1
            && let Some(last) = self.out.last_mut()
        {
            *last |= 0x80 >> (self.n % 8);
        }
        self.n += 1;
    }

    /// Unsigned Exp-Golomb (`ue(v)`).
    pub fn ue(&mut self, v: u32) {
        let v = u64::from(v) + 1;
        let len = 64 - v.leading_zeros();
        for _ in 1..len {
            self.bit(0);
        }
        for i in (0..len).rev() {
            self.bit((v >> i) as u32 & 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_inserts_prevention_bytes() {
        let rbsp = [0u8, 0, 0, 1, 0, 0, 2, 5, 0, 0, 3, 0, 0];
        let esc = escape(&rbsp);
        assert_eq!(esc, vec![0, 0, 3, 0, 1, 0, 0, 3, 2, 5, 0, 0, 3, 3, 0, 0]);
        assert_eq!(unescape(&esc), rbsp);
    }

    #[test]
    fn exp_golomb_codes() {
        // Table 9-2 of H.264: 0 -> 1, 1 -> 010, 2 -> 011, 3 -> 00100, 7 -> 0001000.
        let mut w = Writer::default();
        for v in [0, 1, 2, 3, 7] {
            w.ue(v);
        }
        w.bit(1);
        // 1 010 011 00100 0001000 1, the last byte's rest zero.
        assert_eq!(w.out, vec![0b1010_0110, 0b0100_0001, 0b0001_0000]);
    }
}
