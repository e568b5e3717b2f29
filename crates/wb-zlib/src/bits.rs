//! An LSB-first bit writer (deflate's bit order). zlib fills a 16-bit buffer; the bytes that
//! come out are the same for any buffer width, so this one gathers bits in a 64-bit word and,
//! after every addition, stores the whole word and advances by the complete bytes in it (no
//! branch on whether a byte is complete; the output keeps 8 spare bytes for that store).
//!
//! Two writers can work on consecutive parts of one stream: the second starts as if at a byte
//! boundary and remembers where it first aligned (a stored block, or the end), since only the
//! bits before that depend on where it really starts ([`BitWriter::append`]).

/// Appends bits to a byte vector, least significant bit first.
pub(crate) struct BitWriter {
    /// The output; bytes past `pos` are scratch.
    out: Vec<u8>,
    /// Bytes complete.
    pos: usize,
    buf: u64,
    nbits: u32,
    /// Bits written before the first [`BitWriter::align`].
    first_align: Option<usize>,
}

/// Bytes kept writable past the complete ones.
const SLACK: usize = 8;

impl BitWriter {
    /// A writer appending to `out`.
    pub(crate) fn new(out: Vec<u8>) -> BitWriter {
        let pos = out.len();
        let mut w = BitWriter {
            out,
            pos,
            buf: 0,
            nbits: 0,
            first_align: None,
        };
        w.reserve(64);
        w
    }

    /// Makes room for `bytes` more bytes (plus the slack).
    pub(crate) fn reserve(&mut self, bytes: usize) {
        let need = self.pos + bytes + SLACK;
        if self.out.len() < need {
            self.out.resize(need.max(self.out.len() * 3 / 2), 0);
        }
    }

    /// Appends the low `n` bits of `value` (`n` ≤ 56; the higher bits of `value` must be 0).
    /// Fastest when room was made beforehand ([`BitWriter::reserve`]).
    #[inline(always)]
    pub(crate) fn put(&mut self, value: u64, n: u32) {
        self.buf |= value << self.nbits;
        self.nbits += n;
        match self.out.get_mut(self.pos..self.pos + 8) {
            Some(dst) => dst.copy_from_slice(&self.buf.to_le_bytes()),
            None => self.store_slow(),
        }
        let whole = self.nbits / 8;
        self.pos += whole as usize;
        // `whole` ≤ 7, so the shift stays below 64.
        self.buf >>= whole * 8;
        self.nbits &= 7;
    }

    #[cold]
    fn store_slow(&mut self) {
        self.reserve(1 << 16);
        if let Some(dst) = self.out.get_mut(self.pos..self.pos + 8) {
            dst.copy_from_slice(&self.buf.to_le_bytes());
        }
    }

    /// Bits written so far.
    pub(crate) fn bits(&self) -> usize {
        self.pos * 8 + self.nbits as usize
    }

    /// Pads with zero bits to a byte boundary (zlib's `bi_windup`).
    pub(crate) fn align(&mut self) {
        if self.first_align.is_none() {
            self.first_align = Some(self.bits());
        }
        if self.nbits > 0 {
            self.reserve(1);
            self.out[self.pos] = self.buf as u8;
            self.pos += 1;
        }
        self.buf = 0;
        self.nbits = 0;
    }

    /// Appends whole bytes; the writer must be byte-aligned.
    pub(crate) fn bytes(&mut self, b: &[u8]) {
        debug_assert_eq!(self.nbits, 0);
        self.reserve(b.len());
        self.out[self.pos..self.pos + b.len()].copy_from_slice(b);
        self.pos += b.len();
    }

    /// Appends `bits` bits of `bytes` (LSB first).
    fn put_bits_of(&mut self, bytes: &[u8], bits: usize) {
        let whole = (bits / 8).min(bytes.len());
        self.reserve(whole + 8);
        if self.nbits == 0 {
            // Byte-aligned here: whole bytes land as they are.
            self.bytes(&bytes[..whole]);
        } else {
            for chunk in bytes[..whole].chunks(4) {
                let mut v = 0u64;
                for (i, &b) in chunk.iter().enumerate() {
                    v |= u64::from(b) << (8 * i);
                }
                self.put(v, 8 * chunk.len() as u32);
            }
        }
        let rest = (bits % 8) as u32;
        if rest > 0 {
            let b = bytes.get(bits / 8).copied().unwrap_or(0);
            self.put(u64::from(b) & ((1 << rest) - 1), rest);
        }
    }

    /// Appends what `next` wrote as the continuation of this stream: its bits up to its first
    /// alignment shifted to this writer's bit position, then (that alignment redone here) the
    /// rest of it as it is.
    pub(crate) fn append(&mut self, next: BitWriter) {
        let done = &next.out[..next.pos];
        match next.first_align {
            None => {
                self.put_bits_of(done, next.pos * 8);
                self.reserve(8);
                self.put(next.buf, next.nbits);
            }
            Some(head) => {
                self.put_bits_of(done, head);
                self.align();
                if let Some(tail) = done.get(head.div_ceil(8)..) {
                    self.bytes(tail);
                }
                self.reserve(8);
                self.put(next.buf, next.nbits);
            }
        }
    }

    /// The bytes, after padding to a byte boundary.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.align();
        self.out.truncate(self.pos);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appending_a_second_writer_equals_writing_through() {
        for first_bits in 0..20u32 {
            for shift_case in 0..3 {
                let mut one = BitWriter::new(vec![0x78]);
                let mut a = BitWriter::new(vec![0x78]);
                let mut b = BitWriter::new(Vec::new());
                let mut v = 0x5a5a_5a5au64 ^ u64::from(first_bits);
                for _ in 0..first_bits {
                    one.put(v & 1, 1);
                    a.put(v & 1, 1);
                    v = v.rotate_left(3);
                }
                // The second part: some bits, an alignment with raw bytes (as a stored block),
                // more bits, and the final alignment.
                for w in [&mut one, &mut b] {
                    w.put(0b101, 3);
                    w.put(0x1234, 13 + shift_case);
                    w.align();
                    w.bytes(&[1, 2, 3]);
                    w.put(0b11, 2);
                    w.put(0xabcd, 16);
                    w.align();
                }
                a.append(b);
                assert_eq!(a.finish(), one.finish(), "{first_bits} {shift_case}");
            }
        }
    }

    #[test]
    fn bits_come_out_lsb_first() {
        let mut w = BitWriter::new(Vec::new());
        w.put(0b1, 1);
        w.put(0b10, 2);
        w.put(0x1ff, 9);
        w.put(0xabcdef, 24);
        assert_eq!(w.finish(), vec![0xfd, 0xff, 0xde, 0xbc, 0x0a]);
    }
}
