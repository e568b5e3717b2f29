//! Setting the frame cropping of an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1).
//!
//! OpenH264 codes pictures of at least 16×16 pixels. A smaller (even) frame is padded up to
//! 16 pixels a side for the encoder, and the SPS's cropping rectangle is then set to the
//! frame's own size, so every decoder shows exactly the frame (as libx264's files for the
//! SDK do). The SPS is rewritten bit for bit, only the cropping fields change.

use super::bits::{Writer, escape, unescape};
use wb_core::{Error, Result};

fn malformed(what: &str) -> Error {
    Error::Unsupported(format!(
        "cannot set the frame size in the H.264 sequence parameter set: {what}"
    ))
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn bit(&mut self) -> Result<u32> {
        let byte = self
            .data
            .get(self.pos / 8)
            .ok_or_else(|| malformed("it ends early"))?;
        let b = (byte >> (7 - self.pos % 8)) & 1;
        self.pos += 1;
        Ok(u32::from(b))
    }

    fn bits(&mut self, n: u32) -> Result<u32> {
        (0..n).try_fold(0, |v, _| Ok((v << 1) | self.bit()?))
    }

    /// Unsigned Exp-Golomb.
    fn ue(&mut self) -> Result<u32> {
        let mut zeros = 0;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return Err(malformed("an Exp-Golomb code is too long"));
            }
        }
        Ok(((1u64 << zeros) - 1 + u64::from(self.bits(zeros)?)) as u32)
    }
}

/// The SPS fields this module needs: the coded size in macroblocks and where the cropping
/// flag is.
struct Layout {
    width_mbs: u32,
    height_mbs: u32,
    /// Bit position of `frame_cropping_flag`.
    crop_flag: usize,
    /// Bit position just after the cropping fields.
    after_crop: usize,
}

fn layout(rbsp: &[u8]) -> Result<Layout> {
    let mut r = Reader { data: rbsp, pos: 8 }; // past the NAL header
    let profile = r.bits(8)?;
    r.bits(16)?; // constraint flags, level
    r.ue()?; // seq_parameter_set_id
    if matches!(
        profile,
        100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135
    ) {
        if r.ue()? == 3 {
            r.bit()?; // separate_colour_plane_flag
        }
        r.ue()?; // bit depths
        r.ue()?;
        r.bit()?; // qpprime_y_zero_transform_bypass_flag
        if r.bit()? == 1 {
            return Err(malformed("it has scaling matrices"));
        }
    }
    r.ue()?; // log2_max_frame_num_minus4
    match r.ue()? {
        0 => {
            r.ue()?;
        }
        1 => {
            r.bit()?;
            r.ue()?; // offsets (se, read as ue: only their lengths matter)
            r.ue()?;
            for _ in 0..r.ue()? {
                r.ue()?;
            }
        }
        _ => {}
    }
    r.ue()?; // max_num_ref_frames
    r.bit()?; // gaps_in_frame_num_value_allowed_flag
    let width_mbs = r.ue()? + 1;
    let height_units = r.ue()? + 1;
    let frame_mbs_only = r.bit()?;
    if frame_mbs_only == 0 {
        return Err(malformed("it codes fields, not frames"));
    }
    r.bit()?; // direct_8x8_inference_flag
    let crop_flag = r.pos;
    if r.bit()? == 1 {
        for _ in 0..4 {
            r.ue()?;
        }
    }
    Ok(Layout {
        width_mbs,
        height_mbs: height_units,
        crop_flag,
        after_crop: r.pos,
    })
}

/// `sps` (a NAL unit without start code) with its cropping set so the decoded frame is
/// `width × height` (both even, no larger than the coded size), from the top left.
pub fn set_display_size(sps: &[u8], width: usize, height: usize) -> Result<Vec<u8>> {
    let rbsp = unescape(sps);
    let l = layout(&rbsp)?;
    let (coded_w, coded_h) = (l.width_mbs as usize * 16, l.height_mbs as usize * 16);
    if width % 2 == 1 || height % 2 == 1 || width > coded_w || height > coded_h || width == 0 {
        return Err(malformed(&format!(
            "{width}x{height} does not fit the coded {coded_w}x{coded_h} in 4:2:0"
        )));
    }
    // The end of the data: the last 1 bit is the RBSP stop bit.
    let last = rbsp
        .iter()
        .rposition(|&b| b != 0)
        .ok_or_else(|| malformed("it has no stop bit"))?;
    let stop = last * 8 + 7 - rbsp[last].trailing_zeros() as usize;
    let mut r = Reader {
        data: &rbsp,
        pos: 0,
    };
    let mut w = Writer::default();
    for _ in 0..l.crop_flag {
        w.bit(r.bit()?);
    }
    // Offsets count pairs of pixels (4:2:0 frames): right and bottom.
    let (right, bottom) = ((coded_w - width) / 2, (coded_h - height) / 2);
    if right == 0 && bottom == 0 {
        w.bit(0);
    } else {
        w.bit(1);
        for v in [0, right, 0, bottom] {
            w.ue(v as u32);
        }
    }
    r.pos = l.after_crop;
    while r.pos < stop {
        w.bit(r.bit()?);
    }
    w.bit(1);
    Ok(escape(&w.out))
}

/// The display size an SPS gives: the coded size less the cropping (for tests).
#[cfg(test)]
pub fn display_size(sps: &[u8]) -> Result<(usize, usize)> {
    let rbsp = unescape(sps);
    let l = layout(&rbsp)?;
    let mut r = Reader {
        data: &rbsp,
        pos: l.crop_flag,
    };
    let (mut w, mut h) = (l.width_mbs as usize * 16, l.height_mbs as usize * 16);
    if r.bit()? == 1 {
        let mut c = [0usize; 4];
        for v in &mut c {
            *v = r.ue()? as usize * 2;
        }
        w = w.saturating_sub(c[0] + c[1]);
        h = h.saturating_sub(c[2] + c[3]);
    }
    Ok((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SPS OpenH264 writes for `width × height` pictures.
    fn openh264_sps(width: usize, height: usize) -> Vec<u8> {
        let picture = crate::mp4::yuv::I420 {
            width,
            height,
            y: vec![100; width * height],
            u: vec![128; width * height / 4],
            v: vec![128; width * height / 4],
        };
        crate::mp4::h264::encode([picture], 4.0)
            .map(|s| s.sps)
            .unwrap_or_default()
    }

    #[test]
    fn exp_golomb_round_trips() {
        let mut w = Writer::default();
        for v in [0, 1, 2, 7, 8, 300, 65535] {
            w.ue(v);
        }
        let mut r = Reader {
            data: &w.out,
            pos: 0,
        };
        for v in [0, 1, 2, 7, 8, 300, 65535] {
            assert_eq!(r.ue().unwrap_or(u32::MAX), v);
        }
    }

    #[test]
    fn cropping_is_set_and_the_rest_kept() {
        let sps = openh264_sps(16, 16);
        assert_eq!(display_size(&sps).ok(), Some((16, 16)));
        let cropped = set_display_size(&sps, 4, 6).unwrap_or_default();
        assert_eq!(display_size(&cropped).ok(), Some((4, 6)));
        // Back to no cropping gives the original bytes.
        assert_eq!(set_display_size(&cropped, 16, 16).ok(), Some(sps.clone()));
        assert!(set_display_size(&sps, 5, 6).is_err());
        assert!(set_display_size(&sps, 18, 6).is_err());
        // OpenH264's own cropping (sizes that are not whole macroblocks) reads back.
        assert_eq!(display_size(&openh264_sps(18, 34)).ok(), Some((18, 34)));
        let sps = openh264_sps(18, 34);
        assert_eq!(set_display_size(&sps, 18, 34).ok(), Some(sps.clone()));
    }
}
