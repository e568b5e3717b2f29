//! A minimal MP4 (ISO/IEC 14496-12 and -15) writer for one H.264 video track, laid out for
//! progressive playback: `ftyp`, then `moov` (the index), then `mdat` (the frames, in one
//! chunk). Every frame lasts the same time; no edit list, no audio. Creation and modification
//! times are 0, so the same frames always give the same bytes.

use super::Stream;

/// The movie timescale (`mvhd`, `tkhd` durations): milliseconds.
const MOVIE_TIMESCALE: u32 = 1000;

/// The frame timing of a track: `timescale` ticks a second, each frame `frame_ticks` long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Ticks per second of the track.
    pub timescale: u32,
    /// Ticks per frame.
    pub frame_ticks: u32,
}

/// Box writing: each box's size is patched in when it ends.
struct Boxes {
    out: Vec<u8>,
}

impl Boxes {
    fn begin(&mut self, kind: &[u8; 4]) -> usize {
        let at = self.out.len();
        self.out.extend_from_slice(&[0, 0, 0, 0]);
        self.out.extend_from_slice(kind);
        at
    }

    /// A full box: version and flags follow the type.
    fn begin_full(&mut self, kind: &[u8; 4], version: u8, flags: u32) -> usize {
        let at = self.begin(kind);
        self.u32((u32::from(version) << 24) | (flags & 0x00ff_ffff));
        at
    }

    fn end(&mut self, at: usize) {
        let size = (self.out.len() - at) as u32;
        self.out[at..at + 4].copy_from_slice(&size.to_be_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.bytes(&v.to_be_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.bytes(&v.to_be_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.bytes(&v.to_be_bytes());
    }
    fn zeros(&mut self, n: usize) {
        self.out.resize(self.out.len() + n, 0);
    }

    /// The identity transformation matrix (`mvhd`, `tkhd`).
    fn matrix(&mut self) {
        for v in [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000u32] {
            self.u32(v);
        }
    }

    /// Version 0 (32-bit) times and duration when the duration fits, else version 1.
    fn times_and_duration(&mut self, version: u8, timescale_or_id: u32, duration: u64) {
        if version == 0 {
            self.u32(0);
            self.u32(0);
            self.u32(timescale_or_id);
            self.u32(duration as u32);
        } else {
            self.u64(0);
            self.u64(0);
            self.u32(timescale_or_id);
            self.u64(duration);
        }
    }
}

fn version_for(duration: u64) -> u8 {
    u8::from(duration > u64::from(u32::MAX))
}

/// The MP4 file of `stream`, pictures `width × height`, with `timing`.
pub fn write(stream: &Stream, width: u16, height: u16, timing: Timing) -> Vec<u8> {
    let n = stream.frames.len();
    let media_bytes: u64 = stream.frames.iter().map(|f| f.data.len() as u64).sum();
    let track_duration = n as u64 * u64::from(timing.frame_ticks);
    // In milliseconds, rounded.
    let movie_duration = ((u128::from(track_duration) * u128::from(MOVIE_TIMESCALE)
        + u128::from(timing.timescale / 2))
        / u128::from(timing.timescale.max(1))) as u64;

    // ftyp, then moov (its size does not depend on the chunk offset's value), then mdat.
    let ftyp = {
        let mut b = Boxes { out: Vec::new() };
        let at = b.begin(b"ftyp");
        b.bytes(b"isom");
        b.u32(0x200);
        for brand in [b"isom", b"iso2", b"avc1", b"mp41"] {
            b.bytes(brand);
        }
        b.end(at);
        b.out
    };
    let large_mdat = media_bytes + 8 > u64::from(u32::MAX);
    let mdat_header = if large_mdat { 16 } else { 8 };
    let moov_len = moov(
        stream,
        width,
        height,
        timing,
        movie_duration,
        track_duration,
        0,
        false,
    )
    .len();
    let offset = (ftyp.len() + moov_len + mdat_header) as u64;
    let co64 = offset + media_bytes > u64::from(u32::MAX);
    let moov = moov(
        stream,
        width,
        height,
        timing,
        movie_duration,
        track_duration,
        offset,
        co64,
    );

    let mut out = Vec::with_capacity(offset as usize + media_bytes as usize);
    out.extend_from_slice(&ftyp);
    out.extend_from_slice(&moov);
    if large_mdat {
        out.extend_from_slice(&1u32.to_be_bytes());
        out.extend_from_slice(b"mdat");
        out.extend_from_slice(&(media_bytes + 16).to_be_bytes());
    } else {
        out.extend_from_slice(&((media_bytes + 8) as u32).to_be_bytes());
        out.extend_from_slice(b"mdat");
    }
    for f in &stream.frames {
        out.extend_from_slice(&f.data);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn moov(
    stream: &Stream,
    width: u16,
    height: u16,
    timing: Timing,
    movie_duration: u64,
    track_duration: u64,
    chunk_offset: u64,
    co64: bool,
) -> Vec<u8> {
    let n = stream.frames.len() as u32;
    let mut b = Boxes { out: Vec::new() };
    let moov = b.begin(b"moov");

    let v = version_for(movie_duration);
    let mvhd = b.begin_full(b"mvhd", v, 0);
    b.times_and_duration(v, MOVIE_TIMESCALE, movie_duration);
    b.u32(0x0001_0000); // rate 1.0
    b.u16(0x0100); // volume 1.0
    b.zeros(2 + 8);
    b.matrix();
    b.zeros(6 * 4);
    b.u32(2); // next track ID
    b.end(mvhd);

    let trak = b.begin(b"trak");
    let tkhd = b.begin_full(b"tkhd", v, 0x3); // enabled, in the movie
    if v == 0 {
        b.u32(0);
        b.u32(0);
        b.u32(1); // track ID
        b.u32(0);
        b.u32(movie_duration as u32);
    } else {
        b.u64(0);
        b.u64(0);
        b.u32(1);
        b.u32(0);
        b.u64(movie_duration);
    }
    b.zeros(8);
    b.u16(0); // layer
    b.u16(0); // alternate group
    b.u16(0); // volume (a video track)
    b.u16(0);
    b.matrix();
    b.u32(u32::from(width) << 16);
    b.u32(u32::from(height) << 16);
    b.end(tkhd);

    let mdia = b.begin(b"mdia");
    let tv = version_for(track_duration);
    let mdhd = b.begin_full(b"mdhd", tv, 0);
    b.times_and_duration(tv, timing.timescale, track_duration);
    b.u16(0x55c4); // language "und"
    b.u16(0);
    b.end(mdhd);
    let hdlr = b.begin_full(b"hdlr", 0, 0);
    b.u32(0);
    b.bytes(b"vide");
    b.zeros(12);
    b.bytes(b"VideoHandler\0");
    b.end(hdlr);

    let minf = b.begin(b"minf");
    let vmhd = b.begin_full(b"vmhd", 0, 1);
    b.zeros(8); // graphics mode, opcolor
    b.end(vmhd);
    let dinf = b.begin(b"dinf");
    let dref = b.begin_full(b"dref", 0, 0);
    b.u32(1);
    let url = b.begin_full(b"url ", 0, 1); // the data is in this file
    b.end(url);
    b.end(dref);
    b.end(dinf);

    let stbl = b.begin(b"stbl");
    let stsd = b.begin_full(b"stsd", 0, 0);
    b.u32(1);
    let avc1 = b.begin(b"avc1");
    b.zeros(6);
    b.u16(1); // data reference index
    b.zeros(16);
    b.u16(width);
    b.u16(height);
    b.u32(0x0048_0000); // 72 dpi
    b.u32(0x0048_0000);
    b.u32(0);
    b.u16(1); // frames per sample
    b.zeros(32); // compressor name
    b.u16(0x0018); // depth
    b.u16(0xffff);
    let avcc = b.begin(b"avcC");
    b.u8(1);
    // Profile, its compatibility flags and the level: the SPS's bytes 1..4 (it has them, see
    // `h264::encode`).
    b.bytes(stream.sps.get(1..4).unwrap_or(&[0, 0, 0]));
    b.u8(0xff); // 4-byte NAL lengths
    b.u8(0xe1); // one SPS
    b.u16(stream.sps.len() as u16);
    b.bytes(&stream.sps);
    b.u8(1); // one PPS
    b.u16(stream.pps.len() as u16);
    b.bytes(&stream.pps);
    b.end(avcc);
    b.end(avc1);
    b.end(stsd);

    let stts = b.begin_full(b"stts", 0, 0);
    b.u32(1);
    b.u32(n);
    b.u32(timing.frame_ticks);
    b.end(stts);

    let sync: Vec<u32> = (1..=n)
        .zip(&stream.frames)
        .filter(|(_, f)| f.sync)
        .map(|(i, _)| i)
        .collect();
    if sync.len() < stream.frames.len() {
        // Without `stss` every sample is a sync sample.
        let stss = b.begin_full(b"stss", 0, 0);
        b.u32(sync.len() as u32);
        for i in sync {
            b.u32(i);
        }
        b.end(stss);
    }

    let stsc = b.begin_full(b"stsc", 0, 0);
    b.u32(1);
    b.u32(1); // from chunk 1
    b.u32(n); // all samples in it
    b.u32(1);
    b.end(stsc);

    let stsz = b.begin_full(b"stsz", 0, 0);
    b.u32(0);
    b.u32(n);
    for f in &stream.frames {
        b.u32(f.data.len() as u32);
    }
    b.end(stsz);

    if co64 {
        let co = b.begin_full(b"co64", 0, 0);
        b.u32(1);
        b.u64(chunk_offset);
        b.end(co);
    } else {
        let co = b.begin_full(b"stco", 0, 0);
        b.u32(1);
        b.u32(chunk_offset as u32);
        b.end(co);
    }

    b.end(stbl);
    b.end(minf);
    b.end(mdia);
    b.end(trak);
    b.end(moov);
    b.out
}
