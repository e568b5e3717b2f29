//! An LSB-first bit writer (deflate's bit order). zlib fills a 16-bit buffer; the bytes that
//! come out are the same for any buffer width, so this one gathers up to 64 bits and stores
//! four bytes at a time.

/// Appends bits to a byte vector, least significant bit first.
pub struct BitWriter {
    /// The bytes written so far.
    pub out: Vec<u8>,
    buf: u64,
    nbits: u32,
}

impl BitWriter {
    /// A writer appending to `out`.
    pub fn new(out: Vec<u8>) -> BitWriter {
        BitWriter {
            out,
            buf: 0,
            nbits: 0,
        }
    }

    /// Appends the low `n` bits of `value` (`n` ≤ 32; the higher bits of `value` must be 0).
    #[inline(always)]
    pub fn put(&mut self, value: u64, n: u32) {
        self.buf |= value << self.nbits;
        self.nbits += n;
        if self.nbits >= 32 {
            self.out.extend_from_slice(&(self.buf as u32).to_le_bytes());
            self.buf >>= 32;
            self.nbits -= 32;
        }
    }

    /// Pads with zero bits to a byte boundary (zlib's `bi_windup`).
    pub fn align(&mut self) {
        while self.nbits > 0 {
            self.out.push(self.buf as u8);
            self.buf >>= 8;
            self.nbits = self.nbits.saturating_sub(8);
        }
        self.buf = 0;
    }

    /// Appends whole bytes; the writer must be byte-aligned.
    pub fn bytes(&mut self, b: &[u8]) {
        debug_assert_eq!(self.nbits, 0);
        self.out.extend_from_slice(b);
    }

    /// The bytes, after padding to a byte boundary.
    pub fn finish(mut self) -> Vec<u8> {
        self.align();
        self.out
    }
}
