//! H.264 in pure Rust, the default MP4 encoder: every macroblock that changed since the
//! previous frame is stored as I_PCM (its samples as they are, ITU-T H.264 §7.3.5), every
//! macroblock that did not is skipped (P_Skip: copied from the previous frame).
//!
//! - The stream is Constrained Baseline (profile 66, `constraint_set0` and `set1`), 4:2:0,
//!   8-bit, CAVLC, one slice per picture: what every browser and hardware decoder plays.
//! - Lossless: the decoded pictures are exactly the 4:2:0 pictures given (the only loss is
//!   the RGB to YCbCr conversion and the chroma subsampling, see [`super::yuv`]). Files are
//!   large: 384 bytes per changed 16×16 macroblock, 1.5 bytes a pixel for a picture that
//!   changes everywhere, against a tenth or less of that for a lossy coder. The `mp4` feature
//!   (OpenH264) writes lossy, small files.
//! - Skipped macroblocks are exact copies: the motion vector of P_Skip is predicted from the
//!   neighbours (§8.4.1.1), which are all skipped with a zero vector or intra coded, so it is
//!   always zero. The deblocking filter is off, so no edge is changed.
//! - An IDR picture first and every [`KEYFRAME_INTERVAL`] frames, so players can seek; the
//!   pictures in between are P pictures, each the reference of the next.
//! - The SPS gives the picture size (cropped from whole macroblocks to the frame), the level
//!   the stream needs ([`level`]) and the colour description of [`super::yuv`] (BT.601
//!   matrix, limited range).

use super::bits::{Writer, escape};
use super::yuv::I420;
use super::{AccessUnit, Stream};
use wb_core::{Error, Result};

/// An IDR (key) frame every this many frames (x264's default, as the OpenH264 path).
pub const KEYFRAME_INTERVAL: usize = 250;

/// `log2_max_frame_num_minus4`: frame numbers count modulo 16.
const LOG2_MAX_FRAME_NUM: u32 = 4;

/// Bytes of one I_PCM macroblock's samples: 16×16 luma and two 8×8 chroma blocks.
const MB_BYTES: usize = 384;

/// The levels of Table A-1: `level_idc`, MaxMBPS (macroblocks a second), MaxFS (macroblocks
/// a frame), MaxBR (Baseline: 1000 bits a second).
const LEVELS: [(u8, u64, u64, u64); 19] = [
    (10, 1_485, 99, 64),
    (11, 3_000, 396, 192),
    (12, 6_000, 396, 384),
    (13, 11_880, 396, 768),
    (20, 11_880, 396, 2_000),
    (21, 19_800, 792, 4_000),
    (22, 20_250, 1_620, 4_000),
    (30, 40_500, 1_620, 10_000),
    (31, 108_000, 3_600, 14_000),
    (32, 216_000, 5_120, 20_000),
    (40, 245_760, 8_192, 20_000),
    (41, 245_760, 8_192, 50_000),
    (42, 522_240, 8_704, 50_000),
    (50, 589_824, 22_080, 135_000),
    (51, 983_040, 36_864, 240_000),
    (52, 2_073_600, 36_864, 240_000),
    (60, 4_177_920, 139_264, 240_000),
    (61, 8_355_840, 139_264, 480_000),
    (62, 16_711_680, 139_264, 800_000),
];

/// The largest picture of any level, in macroblocks (MaxFS of level 6.2).
pub const MAX_FRAME_MBS: u64 = 139_264;

/// The lowest level whose frame size, macroblock rate and bit rate hold pictures of
/// `width_mbs × height_mbs` macroblocks at `fps`, at most `max_frame_bytes` each; the highest
/// level when none does (decoders do not enforce rates).
pub fn level(width_mbs: u64, height_mbs: u64, fps: f64, max_frame_bytes: u64) -> u8 {
    let mbs = width_mbs * height_mbs;
    let mbps = mbs as f64 * fps;
    let kbps = max_frame_bytes as f64 * 8.0 * fps / 1000.0;
    LEVELS
        .iter()
        .find(|&&(_, max_mbps, max_fs, max_br)| {
            // Each side at most sqrt(8 × MaxFS) macroblocks (A.3.1, A.3.2).
            let side_ok = |s: u64| s * s <= 8 * max_fs;
            mbs <= max_fs
                && side_ok(width_mbs)
                && side_ok(height_mbs)
                && mbps <= max_mbps as f64
                && kbps <= max_br as f64
        })
        .map_or(62, |l| l.0)
}

/// The 384 samples of macroblock `(mx, my)` in I_PCM order (luma rows, then Cb, then Cr),
/// positions past the picture repeating its last column and row.
fn macroblock(p: &I420, mx: usize, my: usize, out: &mut [u8; MB_BYTES]) {
    let (cw, ch) = (p.width / 2, p.height / 2);
    let mut k = 0;
    for y in 0..16 {
        let row = (my * 16 + y).min(p.height - 1) * p.width;
        for x in 0..16 {
            out[k] = p.y[row + (mx * 16 + x).min(p.width - 1)];
            k += 1;
        }
    }
    for plane in [&p.u, &p.v] {
        for y in 0..8 {
            let row = (my * 8 + y).min(ch - 1) * cw;
            for x in 0..8 {
                out[k] = plane[row + (mx * 8 + x).min(cw - 1)];
                k += 1;
            }
        }
    }
}

/// The sequence parameter set (§7.3.2.1.1), as a NAL unit without start code.
fn sps(width: usize, height: usize, level_idc: u8) -> Vec<u8> {
    let (wm, hm) = (width.div_ceil(16), height.div_ceil(16));
    let mut w = Writer::default();
    w.bits(8, 0x67); // nal_ref_idc 3, type 7
    w.bits(8, 66); // profile_idc: Baseline
    w.bits(8, 0b1100_0000); // constraint_set0 and set1: Constrained Baseline
    w.bits(8, level_idc.into());
    w.ue(0); // seq_parameter_set_id
    w.ue(LOG2_MAX_FRAME_NUM - 4);
    w.ue(2); // pic_order_cnt_type 2: output order is decoding order
    w.ue(1); // max_num_ref_frames
    w.bit(0); // gaps_in_frame_num_value_allowed_flag
    w.ue(wm as u32 - 1);
    w.ue(hm as u32 - 1);
    w.bit(1); // frame_mbs_only_flag
    w.bit(1); // direct_8x8_inference_flag
    let (right, bottom) = ((wm * 16 - width) / 2, (hm * 16 - height) / 2);
    if right == 0 && bottom == 0 {
        w.bit(0);
    } else {
        // Offsets in pairs of pixels (4:2:0 frames): left, right, top, bottom.
        w.bit(1);
        for v in [0, right, 0, bottom] {
            w.ue(v as u32);
        }
    }
    w.bit(1); // vui_parameters_present_flag
    w.bit(0); // aspect_ratio_info_present_flag
    w.bit(0); // overscan_info_present_flag
    w.bit(1); // video_signal_type_present_flag
    w.bits(3, 5); // video_format: unspecified
    w.bit(0); // video_full_range_flag: limited range
    w.bit(1); // colour_description_present_flag
    w.bits(8, 2); // colour_primaries: unspecified
    w.bits(8, 2); // transfer_characteristics: unspecified
    w.bits(8, 6); // matrix_coefficients: BT.601 (SMPTE 170M)
    w.bit(0); // chroma_loc_info_present_flag
    w.bit(0); // timing_info_present_flag (the MP4 track has the timing)
    w.bit(0); // nal_hrd_parameters_present_flag
    w.bit(0); // vcl_hrd_parameters_present_flag
    w.bit(0); // pic_struct_present_flag
    w.bit(0); // bitstream_restriction_flag
    w.trailing();
    escape(&w.out)
}

/// The picture parameter set (§7.3.2.2), as a NAL unit without start code.
fn pps() -> Vec<u8> {
    let mut w = Writer::default();
    w.bits(8, 0x68); // nal_ref_idc 3, type 8
    w.ue(0); // pic_parameter_set_id
    w.ue(0); // seq_parameter_set_id
    w.bit(0); // entropy_coding_mode_flag: CAVLC
    w.bit(0); // bottom_field_pic_order_in_frame_present_flag
    w.ue(0); // num_slice_groups_minus1
    w.ue(0); // num_ref_idx_l0_default_active_minus1
    w.ue(0); // num_ref_idx_l1_default_active_minus1
    w.bit(0); // weighted_pred_flag
    w.bits(2, 0); // weighted_bipred_idc
    w.ue(0); // pic_init_qp_minus26 (se(v) 0 is ue(v) 0)
    w.ue(0); // pic_init_qs_minus26
    w.ue(0); // chroma_qp_index_offset
    w.bit(1); // deblocking_filter_control_present_flag: the slices turn it off
    w.bit(0); // constrained_intra_pred_flag
    w.bit(0); // redundant_pic_cnt_present_flag
    w.trailing();
    escape(&w.out)
}

/// One picture as a slice NAL unit: IDR (all I_PCM) when `previous` is `None`, else a P
/// picture that skips the macroblocks equal to `previous`'s.
fn picture(
    p: &I420,
    previous: Option<&I420>,
    frame_num: u32,
    idr_pic_id: u32,
    (wm, hm): (usize, usize),
) -> Vec<u8> {
    let mut w = Writer::default();
    let idr = previous.is_none();
    w.bits(8, if idr { 0x65 } else { 0x41 }); // nal_ref_idc 3 (IDR) or 2; type 5 or 1
    w.ue(0); // first_mb_in_slice
    w.ue(if idr { 7 } else { 5 }); // slice_type: I or P, all slices of the picture
    w.ue(0); // pic_parameter_set_id
    w.bits(LOG2_MAX_FRAME_NUM, frame_num);
    if idr {
        w.ue(idr_pic_id);
    } else {
        w.bit(0); // num_ref_idx_active_override_flag
        w.bit(0); // ref_pic_list_modification_flag_l0
    }
    // dec_ref_pic_marking()
    if idr {
        w.bit(0); // no_output_of_prior_pics_flag
        w.bit(0); // long_term_reference_flag
    } else {
        w.bit(0); // adaptive_ref_pic_marking_mode_flag: sliding window
    }
    w.ue(0); // slice_qp_delta (se(v) 0)
    w.ue(1); // disable_deblocking_filter_idc: off
    // slice_data(): in a P slice, each coded macroblock is preceded by the number of skipped
    // ones (mb_skip_run); I_PCM is mb_type 25 in an I slice, 5 + 25 in a P slice.
    let mut mb = [0u8; MB_BYTES];
    let mut before = [0u8; MB_BYTES];
    let mut skipped = 0u32;
    for my in 0..hm {
        for mx in 0..wm {
            macroblock(p, mx, my, &mut mb);
            if let Some(prev) = previous {
                macroblock(prev, mx, my, &mut before);
                if before == mb {
                    skipped += 1;
                    continue;
                }
                w.ue(skipped);
                skipped = 0;
                w.ue(30);
            } else {
                w.ue(25);
            }
            w.align_zero(); // pcm_alignment_zero_bit
            w.aligned_bytes(&mb);
        }
    }
    if skipped > 0 {
        w.ue(skipped);
    }
    w.trailing();
    escape(&w.out)
}

/// Encodes `pictures` (all `width × height` or padded beyond it, both even) at `fps`: the
/// parameter sets and one access unit per picture.
pub fn encode(
    pictures: impl IntoIterator<Item = I420>,
    width: usize,
    height: usize,
    fps: f64,
) -> Result<Stream> {
    let (wm, hm) = (width.div_ceil(16), height.div_ceil(16));
    let mut frames = Vec::new();
    let mut previous: Option<I420> = None;
    let mut largest = 0;
    for (i, p) in pictures.into_iter().enumerate() {
        if p.width < width || p.height < height || p.width % 2 == 1 || p.height % 2 == 1 {
            return Err(Error::Unsupported(format!(
                "an H.264 picture of {}x{} cannot show a {width}x{height} frame",
                p.width, p.height
            )));
        }
        let in_gop = i % KEYFRAME_INTERVAL;
        let idr_pic_id = ((i / KEYFRAME_INTERVAL) % 2) as u32;
        let frame_num = (in_gop % (1 << LOG2_MAX_FRAME_NUM)) as u32;
        let reference = if in_gop == 0 { None } else { previous.as_ref() };
        let nal = picture(&p, reference, frame_num, idr_pic_id, (wm, hm));
        let mut unit = AccessUnit {
            data: Vec::with_capacity(nal.len() + 4),
            sync: in_gop == 0,
        };
        unit.push_nal(&nal)?;
        largest = largest.max(unit.data.len());
        frames.push(unit);
        previous = Some(p);
    }
    let level_idc = level(wm as u64, hm as u64, fps, largest as u64);
    Ok(Stream {
        sps: sps(width, height, level_idc),
        pps: pps(),
        frames,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_table_a1() {
        // 1080p at 30 fps of lossy size: level 4 (8160 macroblocks, 244800 a second).
        assert_eq!(level(120, 68, 30.0, 50_000), 40);
        // QCIF at 15 fps, small frames: level 1 (99 macroblocks).
        assert_eq!(level(11, 9, 15.0, 400), 10);
        // 64x64 at 4 fps of PCM (16 macroblocks of 384 bytes): 197 kbit/s, level 1.2.
        assert_eq!(level(4, 4, 4.0, 16 * 388), 12);
        // A 2000x16 strip: 125 macroblocks wide needs 8 × MaxFS >= 125², which level 3
        // (8 × 1620) misses and level 3.1 (8 × 3600) holds.
        assert_eq!(level(125, 1, 1.0, 100), 31);
        // Beyond every level: the highest.
        assert_eq!(level(1000, 1000, 1.0, 100), 62);
    }

    fn gray(width: usize, height: usize, v: u8) -> I420 {
        I420 {
            width,
            height,
            y: vec![v; width * height],
            u: vec![128; width * height / 4],
            v: vec![128; width * height / 4],
        }
    }

    #[test]
    fn unchanged_macroblocks_are_skipped() {
        let a = gray(32, 16, 50);
        let mut b = a.clone();
        b.y[20] = 51; // in the second macroblock
        let s = encode([a.clone(), a.clone(), b], 32, 16, 4.0).unwrap_or_default();
        let sizes: Vec<usize> = s.frames.iter().map(|f| f.data.len()).collect();
        // IDR: two macroblocks of samples; then a P picture of skips only; then one coded.
        assert!(
            sizes[0] > 2 * MB_BYTES && sizes[0] < 2 * MB_BYTES + 40,
            "{sizes:?}"
        );
        assert!(sizes[1] < 12, "{sizes:?}");
        assert!(sizes[2] > MB_BYTES && sizes[2] < MB_BYTES + 30, "{sizes:?}");
        let sync: Vec<bool> = s.frames.iter().map(|f| f.sync).collect();
        assert_eq!(sync, [true, false, false]);
        // Constrained Baseline, level 1.
        assert_eq!(s.sps[..4], [0x67, 66, 0xc0, 10]);
    }

    /// A moving picture: `(width, height)` padded pictures whose content shifts with `t`,
    /// with a still region (the bottom half) that P pictures skip.
    #[cfg(feature = "mp4")]
    fn moving(width: usize, height: usize, t: usize) -> I420 {
        let px = |x: usize, y: usize, k: usize| {
            if y >= height / 2 {
                (x * 3 + y * 5 + k * 40) as u8
            } else {
                ((x + 2 * t) * 7 + y * 3 + k * 50 + t * t) as u8
            }
        };
        let (cw, ch) = (width / 2, height / 2);
        I420 {
            width,
            height,
            y: (0..width * height)
                .map(|i| px(i % width, i / width, 0))
                .collect(),
            u: (0..cw * ch)
                .map(|i| px(2 * (i % cw), 2 * (i / cw), 1))
                .collect(),
            v: (0..cw * ch)
                .map(|i| px(2 * (i % cw), 2 * (i / cw), 2))
                .collect(),
        }
    }

    /// OpenH264's decoder (not ours) gives back exactly the pictures we coded: IDR and P
    /// pictures, skipped and coded macroblocks, a size cropped from whole macroblocks, and a
    /// second IDR picture after [`KEYFRAME_INTERVAL`] frames.
    #[cfg(feature = "mp4")]
    #[test]
    fn openh264_decodes_the_exact_pictures() {
        use openh264::decoder::Decoder;
        use openh264::formats::YUVSource;
        for (w, h, n) in [(38, 22, 5), (16, 16, 3), (64, 48, KEYFRAME_INTERVAL + 3)] {
            let pictures: Vec<I420> = (0..n).map(|t| moving(w, h, t % 7)).collect();
            let s = encode(pictures.clone(), w, h, 4.0).unwrap_or_default();
            assert_eq!(s.frames.len(), n);
            let mut decoder = Decoder::new().unwrap_or_else(|e| panic!("{e}"));
            let annex_b = |nals: &[&[u8]]| {
                let mut out = Vec::new();
                for nal in nals {
                    out.extend_from_slice(&[0, 0, 0, 1]);
                    out.extend_from_slice(nal);
                }
                out
            };
            let _ = decoder.decode(&annex_b(&[&s.sps, &s.pps]));
            let mut decoded = 0;
            for (t, (frame, want)) in s.frames.iter().zip(&pictures).enumerate() {
                assert_eq!(frame.sync, t % KEYFRAME_INTERVAL == 0, "frame {t}");
                let nal = &frame.data[4..];
                let yuv = decoder
                    .decode(&annex_b(&[nal]))
                    .unwrap_or_else(|e| panic!("{w}x{h} frame {t}: {e}"))
                    .unwrap_or_else(|| panic!("{w}x{h} frame {t}: no picture"));
                assert_eq!(yuv.dimensions(), (w, h), "frame {t}");
                let (ys, us, vs) = yuv.strides();
                for y in 0..h {
                    assert_eq!(
                        yuv.y()[y * ys..y * ys + w],
                        want.y[y * w..(y + 1) * w],
                        "{w}x{h} frame {t}, luma row {y}"
                    );
                }
                for y in 0..h / 2 {
                    let cw = w / 2;
                    assert_eq!(yuv.u()[y * us..y * us + cw], want.u[y * cw..(y + 1) * cw]);
                    assert_eq!(yuv.v()[y * vs..y * vs + cw], want.v[y * cw..(y + 1) * cw]);
                }
                decoded += 1;
            }
            assert_eq!(decoded, n);
        }
    }
}
