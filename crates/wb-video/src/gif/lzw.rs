//! GIF's LZW compression (variable-width codes up to 12 bits, least significant bit first, a
//! clear code whenever the table fills). The string table is a small open-addressing hash
//! (16384 slots of 32 bits: the 20-bit `prefix, symbol` key and the 12-bit code), 64 KiB that
//! stay in cache, and each code remembers its last extension (see [`encode`]). The output is
//! the bare code stream (the GIF writer adds the code size byte and the sub-block framing).
//! With the same code size this is, code for code, the stream Pillow's GIF encoder writes
//! (checked against the SDK's files).

const MAX_CODES: u32 = 4096;
const SLOTS: usize = 1 << 14;

/// The smallest LZW code size (2..=8) for indices up to `max_index`.
#[cfg(test)]
pub fn min_code_size(max_index: u8) -> u8 {
    let bits = 8 - max_index.leading_zeros() as u8;
    bits.max(2)
}

struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    #[inline]
    fn put(&mut self, code: u32, width: u32) {
        self.acc |= u64::from(code) << self.n;
        self.n += width;
        if self.n >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.n -= 32;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        while self.n > 0 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n = self.n.saturating_sub(8);
        }
        self.out
    }
}

/// Compresses palette indices (each below `2^m`) with minimum code size `m` (2..=8).
///
/// Besides the hash table, each code remembers the last string it was extended by (`symbol`
/// and the code of the longer string): pictures repeat, so the next lookup from a code is
/// often the one it answered last, and that costs one load instead of a hash and a probe.
pub fn encode(indices: &[u8], m: u8) -> Vec<u8> {
    let m = m.clamp(2, 8);
    let clear = 1u32 << m;
    let eoi = clear + 1;
    let first = clear + 2;
    let mut w = BitWriter {
        out: Vec::with_capacity(indices.len() / 2 + 16),
        acc: 0,
        n: 0,
    };
    let mut width = u32::from(m) + 1;
    let mut next = first;
    let mut table = vec![0u32; SLOTS];
    // Per code: `symbol << 12 | code` of its last extension (`NONE`: none yet).
    const NONE: u32 = u32::MAX;
    let mut last = vec![NONE; MAX_CODES as usize];
    w.put(clear, width);
    let Some((&head, rest)) = indices.split_first() else {
        w.put(eoi, width);
        return w.finish();
    };
    let mut prefix = u32::from(head);
    for &s in rest {
        let symbol = u32::from(s);
        let cached = last[prefix as usize];
        if cached >> 12 == symbol {
            prefix = cached & 0xFFF;
            continue;
        }
        let key = (prefix << 8) | symbol;
        let mut slot = (key.wrapping_mul(0x9E37_79B1) >> (32 - 14)) as usize;
        let found = loop {
            let e = table[slot];
            if e == 0 {
                break None;
            }
            if e >> 12 == key {
                break Some(e & 0xFFF);
            }
            slot = (slot + 1) & (SLOTS - 1);
        };
        if let Some(code) = found {
            last[prefix as usize] = (symbol << 12) | code;
            prefix = code;
            continue;
        }
        w.put(prefix, width);
        if next < MAX_CODES {
            table[slot] = (key << 12) | next;
            last[prefix as usize] = (symbol << 12) | next;
            next += 1;
            if next > (1 << width) && width < 12 {
                width += 1;
            }
        } else {
            w.put(clear, width);
            table.fill(0);
            last.fill(NONE);
            next = first;
            width = u32::from(m) + 1;
        }
        prefix = symbol;
    }
    w.put(prefix, width);
    w.put(eoi, width);
    w.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Wraps the code stream in a one-frame GIF and decodes it with the `gif` crate.
    fn decode(stream: &[u8], m: u8, len: usize) -> Vec<u8> {
        let data: Vec<u8> = std::iter::once(m).chain(stream.iter().copied()).collect();
        let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, i, i]).collect();
        let mut file = Vec::new();
        {
            let mut enc = gif::Encoder::new(&mut file, len as u16, 1, &palette).unwrap();
            let frame = gif::Frame {
                width: len as u16,
                height: 1,
                buffer: std::borrow::Cow::Owned(data),
                ..gif::Frame::default()
            };
            enc.write_lzw_pre_encoded_frame(&frame).unwrap();
        }
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::Indexed);
        let mut dec = opts.read_info(file.as_slice()).unwrap();
        dec.read_next_frame().unwrap().unwrap().buffer.to_vec()
    }

    #[test]
    fn round_trips_through_a_standard_decoder() {
        let inputs: Vec<Vec<u8>> = vec![
            vec![0],
            vec![3, 3, 3, 3, 3, 3, 3],
            (0..20000u32).map(|i| (i * 7 % 256) as u8).collect(),
            (0..50000u32)
                .map(|i| ((i.wrapping_mul(2_654_435_761)) >> 24) as u8)
                .collect(),
            (0..65000u32).map(|i| (i / 300 % 5) as u8).collect(),
            (0..9000u32).map(|i| (i % 2) as u8).collect(),
        ];
        for input in inputs {
            for chunk in input.chunks(65535) {
                let max = chunk.iter().copied().max().unwrap_or(0);
                for m in [min_code_size(max), 8] {
                    let enc = encode(chunk, m);
                    assert_eq!(decode(&enc, m, chunk.len()), chunk, "len {}", chunk.len());
                }
            }
        }
    }

    #[test]
    fn code_sizes() {
        assert_eq!(min_code_size(0), 2);
        assert_eq!(min_code_size(3), 2);
        assert_eq!(min_code_size(4), 3);
        assert_eq!(min_code_size(255), 8);
    }
}
