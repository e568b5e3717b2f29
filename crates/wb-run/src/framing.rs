//! The `.wandb` framing: LevelDB's log format with a W&B header, as wandb-core writes it.
//!
//! - The file starts with the 7-byte header `:W&B`, magic `0xBEE1` (little-endian), version 0.
//! - It is cut into 32 KiB blocks counted from offset 0 (the header sits in block 0).
//! - Each record is one or more chunks: a 7-byte chunk header (CRC-32 IEEE of the type byte and
//!   the payload, as u32 LE; payload length as u16 LE; type: 1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST)
//!   and the payload. Chunks never cross blocks; a block tail shorter than a chunk header is
//!   zero-filled; a tail of exactly 7 bytes holds an empty FIRST chunk.
//!
//! [`LogWriter`] frames payloads into an in-memory buffer that the caller writes out whole, so a
//! process killed at any point leaves only complete records plus at most one torn tail.
//! [`LogReader`] reads them back, skipping corrupt blocks as the Go reader does.

use std::io::Read;

/// Bytes per block.
pub const BLOCK_SIZE: usize = 32 * 1024;
/// Bytes in a chunk header.
pub const CHUNK_HEADER_SIZE: usize = 7;
/// The file header: `:W&B`, magic `0xBEE1` little-endian, version 0.
pub const FILE_HEADER: [u8; 7] = [b':', b'W', b'&', b'B', 0xE1, 0xBE, 0x00];

/// A chunk holding a whole record.
pub const FULL: u8 = 1;
/// The first chunk of a record.
pub const FIRST: u8 = 2;
/// A middle chunk of a record.
pub const MIDDLE: u8 = 3;
/// The last chunk of a record.
pub const LAST: u8 = 4;

fn chunk_crc(chunk_type: u8, payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&[chunk_type]);
    h.update(payload);
    h.finalize()
}

/// Frames records into the `.wandb` layout.
///
/// The writer only tracks the position in the current block; framed bytes accumulate in
/// [`LogWriter::buffer`] until the caller takes them ([`LogWriter::take`]) and writes them.
#[derive(Debug, Clone)]
pub struct LogWriter {
    block_offset: usize,
    buf: Vec<u8>,
}

impl Default for LogWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl LogWriter {
    /// A writer at the start of a new file; the file header is already in the buffer.
    pub fn new() -> Self {
        LogWriter {
            block_offset: FILE_HEADER.len(),
            buf: FILE_HEADER.to_vec(),
        }
    }

    /// Frames one record (a serialized `Record`) into the buffer.
    pub fn add_record(&mut self, payload: &[u8]) {
        let mut rest = payload;
        let mut first = true;
        loop {
            let left = BLOCK_SIZE - self.block_offset;
            if left < CHUNK_HEADER_SIZE {
                self.buf.extend(std::iter::repeat_n(0u8, left));
                self.block_offset = 0;
            }
            let avail = BLOCK_SIZE - self.block_offset - CHUNK_HEADER_SIZE;
            let n = rest.len().min(avail);
            let (frag, tail) = rest.split_at(n);
            let last = tail.is_empty();
            let chunk_type = match (first, last) {
                (true, true) => FULL,
                (true, false) => FIRST,
                (false, false) => MIDDLE,
                (false, true) => LAST,
            };
            self.buf
                .extend_from_slice(&chunk_crc(chunk_type, frag).to_le_bytes());
            self.buf.extend_from_slice(&(n as u16).to_le_bytes());
            self.buf.push(chunk_type);
            self.buf.extend_from_slice(frag);
            self.block_offset += CHUNK_HEADER_SIZE + n;
            rest = tail;
            first = false;
            if last {
                return;
            }
        }
    }

    /// The framed bytes not yet taken.
    pub fn buffer(&self) -> &[u8] {
        &self.buf
    }

    /// Takes the framed bytes, leaving the buffer empty (its capacity is kept).
    pub fn take(&mut self) -> Vec<u8> {
        let cap = self.buf.capacity().min(1 << 20);
        std::mem::replace(&mut self.buf, Vec::with_capacity(cap))
    }

    /// Clears the buffer after its bytes were written (keeps the allocation).
    pub fn clear(&mut self) {
        self.buf.clear();
    }
}

/// Why a record could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file does not start with the `.wandb` header.
    #[error(
        "not a .wandb file: expected the header `:W&B` E1 BE 00 (ident, magic, version 0), found {found:02x?}"
    )]
    BadHeader {
        /// The first bytes found.
        found: Vec<u8>,
    },
    /// A damaged chunk; the reader skipped to the next block.
    #[error("corrupt data at byte {offset}: {reason}; skipped to the next block")]
    Corrupt {
        /// File offset of the chunk.
        offset: u64,
        /// What was wrong.
        reason: String,
    },
    /// The file ends inside a record (a writer stopped mid-write); nothing follows.
    #[error("the file ends inside a record at byte {offset} (torn tail of an interrupted write)")]
    Truncated {
        /// File offset where the incomplete record starts.
        offset: u64,
    },
    /// A complete record whose payload is not a valid `Record` protobuf.
    #[error("record at byte {offset} is not a valid wandb Record: {source}")]
    Decode {
        /// File offset of the record.
        offset: u64,
        /// The protobuf error.
        #[source]
        source: prost::DecodeError,
    },
    /// An I/O error.
    #[error("reading the .wandb log: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads records (raw payloads) from a `.wandb` stream.
///
/// Iterating yields `Ok((offset, payload))` for each complete record. Damaged chunks yield one
/// [`ReadError::Corrupt`] and reading resumes at the next block, as wandb-core's reader
/// recovers; a torn tail yields [`ReadError::Truncated`] and ends the iteration.
#[derive(Debug)]
pub struct LogReader<R> {
    src: R,
    block: Vec<u8>,
    /// File offset of `block[0]`.
    block_start: u64,
    /// Read position inside `block`.
    pos: usize,
    /// True once a short (final) block was read.
    eof: bool,
    done: bool,
    /// Skip chunks until the next block (after corruption).
    skip_block: bool,
    header_checked: bool,
}

enum Chunk {
    Data {
        chunk_type: u8,
        start: usize,
        end: usize,
        offset: u64,
    },
    Corrupt {
        offset: u64,
        reason: String,
    },
    Truncated {
        offset: u64,
    },
    End,
}

impl<R: Read> LogReader<R> {
    /// A reader over `src`, positioned at the start of the file.
    pub fn new(src: R) -> Self {
        LogReader {
            src,
            block: Vec::with_capacity(BLOCK_SIZE),
            block_start: 0,
            pos: 0,
            eof: false,
            done: false,
            skip_block: false,
            header_checked: false,
        }
    }

    /// Reads the next block; returns false at end of file.
    fn next_block(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        self.block_start += self.block.len() as u64;
        self.block.clear();
        self.block.resize(BLOCK_SIZE, 0);
        let mut filled = 0;
        while filled < BLOCK_SIZE {
            match self.src.read(&mut self.block[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.block.truncate(filled);
        self.pos = 0;
        if filled < BLOCK_SIZE {
            self.eof = true;
        }
        Ok(filled > 0)
    }

    fn check_header(&mut self) -> Result<(), ReadError> {
        self.next_block()?;
        let n = self.block.len().min(FILE_HEADER.len());
        if self.block[..n] != FILE_HEADER {
            return Err(ReadError::BadHeader {
                found: self.block[..n].to_vec(),
            });
        }
        self.pos = FILE_HEADER.len();
        Ok(())
    }

    fn next_chunk(&mut self) -> Result<Chunk, ReadError> {
        loop {
            let left = self.block.len() - self.pos;
            let room = BLOCK_SIZE - self.pos;
            if self.skip_block || room < CHUNK_HEADER_SIZE || left == 0 {
                // Whatever remains of this block is padding (or skipped); move on.
                if self.eof && !self.skip_block && left > 0 && left < CHUNK_HEADER_SIZE {
                    // A short final block ending in fewer bytes than a chunk header.
                    if self.block[self.pos..].iter().all(|b| *b == 0) && room < CHUNK_HEADER_SIZE {
                        return Ok(Chunk::End);
                    }
                    return Ok(Chunk::Truncated {
                        offset: self.block_start + self.pos as u64,
                    });
                }
                self.skip_block = false;
                if !self.next_block()? {
                    return Ok(Chunk::End);
                }
                continue;
            }
            if left < CHUNK_HEADER_SIZE {
                return Ok(Chunk::Truncated {
                    offset: self.block_start + self.pos as u64,
                });
            }
            let h = &self.block[self.pos..self.pos + CHUNK_HEADER_SIZE];
            let crc = u32::from_le_bytes([h[0], h[1], h[2], h[3]]);
            let len = usize::from(u16::from_le_bytes([h[4], h[5]]));
            let chunk_type = h[6];
            let offset = self.block_start + self.pos as u64;
            if crc == 0 && len == 0 && chunk_type == 0 {
                // A zeroed block tail (preallocated or padded space).
                self.skip_block = true;
                continue;
            }
            let start = self.pos + CHUNK_HEADER_SIZE;
            let end = start + len;
            if end > BLOCK_SIZE {
                self.skip_block = true;
                return Ok(Chunk::Corrupt {
                    offset,
                    reason: format!("chunk of {len} bytes runs past the end of its block"),
                });
            }
            if end > self.block.len() {
                return Ok(Chunk::Truncated { offset });
            }
            if !(FULL..=LAST).contains(&chunk_type) {
                self.skip_block = true;
                return Ok(Chunk::Corrupt {
                    offset,
                    reason: format!("unknown chunk type {chunk_type}"),
                });
            }
            if chunk_crc(chunk_type, &self.block[start..end]) != crc {
                self.skip_block = true;
                return Ok(Chunk::Corrupt {
                    offset,
                    reason: "checksum mismatch".into(),
                });
            }
            self.pos = end;
            return Ok(Chunk::Data {
                chunk_type,
                start,
                end,
                offset,
            });
        }
    }

    /// The next record: its file offset and payload; `None` at the end.
    pub fn next_record(&mut self) -> Option<Result<(u64, Vec<u8>), ReadError>> {
        if self.done {
            return None;
        }
        if !self.header_checked {
            self.header_checked = true;
            if let Err(e) = self.check_header() {
                self.done = true;
                return Some(Err(e));
            }
        }
        let mut record: Option<(u64, Vec<u8>)> = None;
        loop {
            let chunk = match self.next_chunk() {
                Ok(c) => c,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            match chunk {
                Chunk::End => {
                    self.done = true;
                    return record.map(|(offset, _)| Err(ReadError::Truncated { offset }));
                }
                Chunk::Truncated { offset } => {
                    self.done = true;
                    let offset = record.map_or(offset, |(o, _)| o);
                    return Some(Err(ReadError::Truncated { offset }));
                }
                Chunk::Corrupt { offset, reason } => {
                    let offset = record.map_or(offset, |(o, _)| o);
                    return Some(Err(ReadError::Corrupt { offset, reason }));
                }
                Chunk::Data {
                    chunk_type,
                    start,
                    end,
                    offset,
                } => {
                    let data = &self.block[start..end];
                    match (chunk_type, record.as_mut()) {
                        (FULL, None) => return Some(Ok((offset, data.to_vec()))),
                        (FIRST, None) => record = Some((offset, data.to_vec())),
                        (MIDDLE, Some((_, buf))) => buf.extend_from_slice(data),
                        (LAST, Some((o, buf))) => {
                            buf.extend_from_slice(data);
                            let o = *o;
                            let buf = std::mem::take(buf);
                            return Some(Ok((o, buf)));
                        }
                        (_, None) => {
                            // MIDDLE or LAST: the tail of a record whose start was lost; skip
                            // it, as the Go reader does while looking for a first chunk.
                        }
                        (_, Some((o, _))) => {
                            // A new record starts before the previous one ended: drop the
                            // unfinished one and read this chunk again as a new start.
                            let o = *o;
                            self.pos = start - CHUNK_HEADER_SIZE;
                            return Some(Err(ReadError::Corrupt {
                                offset: o,
                                reason: format!(
                                    "record interrupted by a chunk of type {chunk_type} at byte {offset}"
                                ),
                            }));
                        }
                    }
                }
            }
        }
    }
}

impl<R: Read> Iterator for LogReader<R> {
    type Item = Result<(u64, Vec<u8>), ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our framing of the records of `.wandb` files the SDK (wandb-core 0.31.0) wrote
    /// reproduces the files byte for byte (files made by `tests/data/make_sdk_logs.py`).
    #[test]
    fn our_framing_of_the_sdks_records_is_byte_identical() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sdk");
        for name in ["basic", "table", "large"] {
            let bytes = std::fs::read(data.join(format!("{name}.wandb"))).unwrap();
            let mut w = LogWriter::new();
            for r in LogReader::new(bytes.as_slice()) {
                w.add_record(&r.unwrap().1);
            }
            assert_eq!(w.buffer(), bytes.as_slice(), "{name}");
        }
        // The large scenario really has records spanning blocks.
        assert!(std::fs::metadata(data.join("large.wandb")).unwrap().len() > 2 * 32768);
    }

    fn frame(records: &[Vec<u8>]) -> Vec<u8> {
        let mut w = LogWriter::new();
        for r in records {
            w.add_record(r);
        }
        w.take()
    }

    fn read_all(bytes: &[u8]) -> Vec<Result<Vec<u8>, String>> {
        LogReader::new(bytes)
            .map(|r| r.map(|(_, p)| p).map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn header_and_first_chunk_layout() {
        let bytes = frame(&[b"abc".to_vec()]);
        assert_eq!(&bytes[..7], b":W&B\xe1\xbe\x00");
        let crc = u32::from_le_bytes(bytes[7..11].try_into().unwrap());
        // Python: zlib.crc32(b"abc", zlib.crc32(bytes([1])))
        assert_eq!(crc, 0x539d_20a9);
        assert_eq!(crc, crc32_py(FULL, b"abc"));
        assert_eq!(&bytes[11..14], &[3, 0, FULL]);
        assert_eq!(&bytes[14..], b"abc");
    }

    /// CRC-32 computed bit by bit (the definition), to check crc32fast's use.
    fn crc32_py(t: u8, data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in std::iter::once(t).chain(data.iter().copied()) {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn records_round_trip_across_blocks() {
        let sizes = [
            0usize,
            1,
            100,
            32_761 - 7,
            32_768,
            100_000,
            5,
            7,
            65_536 * 2 + 3,
        ];
        let records: Vec<Vec<u8>> = sizes
            .iter()
            .enumerate()
            .map(|(i, n)| (0..*n).map(|j| (i * 31 + j) as u8).collect())
            .collect();
        let bytes = frame(&records);
        let back: Vec<Vec<u8>> = read_all(&bytes).into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(back, records);
        // Every chunk stays inside its block: walking blocks finds only valid chunks.
        assert!(bytes.len() > 3 * BLOCK_SIZE);
    }

    #[test]
    fn seven_byte_block_tail_gets_an_empty_first_chunk() {
        // The header (7) + chunk header (7) + payload fills block 0 up to 7 bytes before its end.
        let first = vec![1u8; BLOCK_SIZE - 7 - 7 - 7];
        let bytes = frame(&[first.clone(), b"xy".to_vec()]);
        let tail = &bytes[BLOCK_SIZE - 7..BLOCK_SIZE];
        assert_eq!(tail[4..7], [0, 0, FIRST]);
        // Python: zlib.crc32(b"", zlib.crc32(bytes([2])))
        assert_eq!(
            u32::from_le_bytes(tail[..4].try_into().unwrap()),
            0x3c0c_8ea1
        );
        assert_eq!(bytes[BLOCK_SIZE + 6], LAST);
        let back: Vec<Vec<u8>> = read_all(&bytes).into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(back, vec![first, b"xy".to_vec()]);
    }

    #[test]
    fn short_block_tail_is_zero_filled() {
        let first = vec![1u8; BLOCK_SIZE - 7 - 7 - 3];
        let bytes = frame(&[first, b"z".to_vec()]);
        assert_eq!(&bytes[BLOCK_SIZE - 3..BLOCK_SIZE], &[0, 0, 0]);
        assert_eq!(bytes[BLOCK_SIZE + 6], FULL);
        assert_eq!(read_all(&bytes).len(), 2);
    }

    #[test]
    fn torn_tail_ends_cleanly_after_every_complete_record() {
        let records: Vec<Vec<u8>> = (0..50).map(|i| vec![i as u8; 1000 + i * 997]).collect();
        let bytes = frame(&records);
        // Cut at many points: every record that ends before the cut reads back, then at most
        // one Truncated error.
        let mut ends = Vec::new();
        let mut probe = LogWriter::new();
        for r in &records {
            probe.add_record(r);
            ends.push(probe.buffer().len());
        }
        let mut cuts: Vec<usize> = (7..bytes.len()).step_by(4099).collect();
        for e in &ends {
            cuts.extend(
                [e - 1, *e, e + 1, e + 8]
                    .into_iter()
                    .filter(|c| *c <= bytes.len()),
            );
        }
        for cut in cuts {
            let got = read_all(&bytes[..cut]);
            let complete = ends.iter().filter(|e| **e <= cut).count();
            let oks: Vec<&Vec<u8>> = got.iter().filter_map(|r| r.as_ref().ok()).collect();
            assert_eq!(oks.len(), complete, "cut at {cut}");
            for (a, b) in oks.iter().zip(&records) {
                assert_eq!(*a, b);
            }
            let errs: Vec<&String> = got.iter().filter_map(|r| r.as_ref().err()).collect();
            assert!(errs.len() <= 1, "cut at {cut}: {errs:?}");
            if let Some(e) = errs.first() {
                assert!(e.contains("ends inside a record"), "cut at {cut}: {e}");
                assert!(got.last().unwrap().is_err());
            }
        }
    }

    #[test]
    fn corrupt_chunk_skips_to_the_next_block() {
        let records: Vec<Vec<u8>> = (0..80).map(|i| vec![i as u8; 2000]).collect();
        let mut bytes = frame(&records);
        bytes[100] ^= 0xFF; // inside record 0's payload, block 0
        let got = read_all(&bytes);
        assert!(got[0].as_ref().unwrap_err().contains("checksum mismatch"));
        let oks: Vec<&Vec<u8>> = got.iter().filter_map(|r| r.as_ref().ok()).collect();
        // Records wholly in later blocks survive; the first survivor starts in block 1.
        assert!(oks.len() > 60, "{}", oks.len());
        assert_eq!(oks.last().unwrap(), &&records[79]);
    }

    #[test]
    fn bad_header_is_reported() {
        let got = read_all(b"PK\x03\x04 not a wandb file");
        assert_eq!(got.len(), 1);
        assert!(got[0].as_ref().unwrap_err().contains("not a .wandb file"));
        assert!(read_all(b"")[0].is_err());
    }
}
