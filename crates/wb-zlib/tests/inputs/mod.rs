//! The inputs the golden test and the `deflate` bench share: `cargo xtask bench`'s 512×512 RGB
//! images (xtask/src/bench/inputs.rs), filtered as Pillow filters them for its PNG data.

/// `cargo xtask bench`'s 32-bit hash.
pub fn hash32(i: u64) -> u32 {
    let mut x = i as u32;
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

/// The bench's 512×512 RGB images (xtask/src/bench/inputs.rs): noise, or photo-like.
pub fn image(photo: bool) -> Vec<u8> {
    let mut data = Vec::with_capacity(512 * 512 * 3);
    for y in 0..512i64 {
        for x in 0..512i64 {
            let mut rgb = [
                (x + y) * 255 / 1022,
                64 + y * 128 / 511,
                200 - x * 100 / 511,
            ];
            if (x - 300).pow(2) + (y - 200).pow(2) < 80 * 80 {
                rgb = [250, 220, 120];
            }
            if (60..200).contains(&x) && (300..480).contains(&y) {
                rgb = [90, 90, 100];
                if (x / 10 + y / 14) % 3 == 0 {
                    rgb = [200, 200, 150];
                }
            }
            for (c, v) in rgb.iter().enumerate() {
                let h = hash32(((y * 512 + x) * 3 + c as i64) as u64);
                data.push(if photo {
                    (v + i64::from(h >> 29)).min(255) as u8
                } else {
                    (h >> 24) as u8
                });
            }
        }
    }
    data
}

/// Rows of `stride` bytes (`bpp` a pixel), each prefixed by the filter Pillow picks: of None,
/// Up, Sub and Paeth (in that order, a later one only while the best costs more than 0 and only
/// when strictly cheaper), the one whose bytes, read as signed, sum to the least magnitude.
pub fn pillow_filter(data: &[u8], stride: usize, bpp: usize) -> Vec<u8> {
    let cost = |r: &[u8]| -> u64 { r.iter().map(|&v| u64::from(v.min(v.wrapping_neg()))).sum() };
    let paeth = |a: u8, b: u8, c: u8| {
        let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
        let (pa, pb, pc) = ((ib - ic).abs(), (ia - ic).abs(), (ia + ib - 2 * ic).abs());
        if pa <= pb && pa <= pc {
            a
        } else if pb <= pc {
            b
        } else {
            c
        }
    };
    let zero = vec![0u8; stride];
    let mut out = Vec::with_capacity(data.len() + data.len() / stride);
    for (y, row) in data.chunks(stride).enumerate() {
        let prev = if y == 0 {
            &zero[..]
        } else {
            &data[(y - 1) * stride..y * stride]
        };
        let left = |i: usize| if i >= bpp { row[i - bpp] } else { 0 };
        let up_left = |i: usize| if i >= bpp { prev[i - bpp] } else { 0 };
        let filtered: [(u8, Vec<u8>); 4] = [
            (0, row.to_vec()),
            (
                2,
                (0..stride).map(|i| row[i].wrapping_sub(prev[i])).collect(),
            ),
            (
                1,
                (0..stride).map(|i| row[i].wrapping_sub(left(i))).collect(),
            ),
            (
                4,
                (0..stride)
                    .map(|i| row[i].wrapping_sub(paeth(left(i), prev[i], up_left(i))))
                    .collect(),
            ),
        ];
        let mut best = 0;
        let mut best_cost = cost(&filtered[0].1);
        for (k, (_, f)) in filtered.iter().enumerate().skip(1) {
            let c = cost(f);
            if best_cost > 0 && c < best_cost {
                (best, best_cost) = (k, c);
            }
        }
        out.push(filtered[best].0);
        out.extend_from_slice(&filtered[best].1);
    }
    out
}
