//! Palette quantization: a median cut that behaves like the one Pillow applies to every RGB
//! frame the SDK writes to a GIF (`convert("P", palette=ADAPTIVE)`, 256 colours, no dithering),
//! so our frames come out (nearly always exactly) as the SDK's do.
//!
//! The method, as Pillow's quantizer behaves (written here from its documented behaviour and
//! measured output, not from its code):
//! 1. Count the distinct colours. If there are more than 65536, drop one low bit of every
//!    channel and count again, until there are at most 65536.
//! 2. Median cut: start with one box holding every colour; repeatedly take the box with the
//!    most pixels (a binary max-heap on the pixel count; single-colour boxes are set aside),
//!    cut it along the axis whose range, weighted 77/150/29 (R/G/B luminance weights), is the
//!    largest, at the pixel median: the colours at or above the first value where the running
//!    pixel count (from the top) passes half go to the upper box. At most 255 cuts.
//! 3. Each box, in tree order (upper halves first), becomes a palette entry: the mean of its
//!    pixels, rounded half up.
//! 4. Each colour is mapped to the nearest palette entry (squared RGB distance) among those
//!    its own box's entry can reach: entries within twice the distance, searched from the
//!    nearest; ties keep the earlier one.
//!
//! A frame with at most 256 colours therefore keeps its exact colours.
//!
//! How it is made fast (none of it changes the result, which depends only on the set of colours
//! and their counts, never on the order they are met in):
//! - colours are counted with a small hash table when the frame has few of them, and by a radix
//!   sort of the pixels on their colour when a sample shows many (a large hash table misses the
//!   caches on every pixel); a pixel of the colour of the one before it skips the table;
//! - a large box is cut after one pass that builds its three per-axis histograms (its colour
//!   range and the counts of the cut axis at once), a small one by sorting its few colours;
//! - the nearest-entry search reads its candidates' colours from the sorted neighbour list.

/// Most distinct (possibly reduced) colours the histogram holds before precision is dropped.
const MAX_HASH_ENTRIES: usize = 65536;

/// A palette and one palette index per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantized {
    /// Palette entries (at most 256).
    pub palette: Vec<[u8; 3]>,
    /// One index into `palette` per pixel.
    pub indices: Vec<u8>,
}

impl Quantized {
    /// Drops palette entries no pixel uses, keeping the order of the others (what Pillow's GIF
    /// writer does for frames under 512×512 pixels; we do it for every frame).
    pub fn compact(&mut self) {
        let mut used = [false; 256];
        for &i in &self.indices {
            used[usize::from(i)] = true;
        }
        if used[..self.palette.len()].iter().all(|u| *u) {
            return;
        }
        let mut remap = [0u8; 256];
        let mut palette = Vec::with_capacity(self.palette.len());
        for (i, c) in self.palette.iter().enumerate() {
            if used[i] {
                remap[i] = palette.len() as u8;
                palette.push(*c);
            }
        }
        for i in &mut self.indices {
            *i = remap[usize::from(*i)];
        }
        self.palette = palette;
    }
}

/// A grayscale frame: the palette is the gray levels in use, ascending (what Pillow writes for
/// an `L` image), and each pixel its level's rank. Exact.
pub fn quantize_gray(plane: &[u8]) -> Quantized {
    let mut used = [false; 256];
    for &v in plane {
        used[usize::from(v)] = true;
    }
    let mut rank = [0u8; 256];
    let mut palette = Vec::new();
    for v in 0..256usize {
        if used[v] {
            rank[v] = palette.len() as u8;
            palette.push([v as u8; 3]);
        }
    }
    Quantized {
        palette,
        indices: plane.iter().map(|v| rank[usize::from(*v)]).collect(),
    }
}

/// An open-addressing map from a packed colour (`0x00RRGGBB`) to a dense id (the order of
/// first sight) and a count. It starts small (so a frame of few colours stays in the L1 cache)
/// and grows.
struct ColorTable {
    /// Per slot: `key + 1` (0 = empty), the id, the count.
    slots: Vec<[u32; 3]>,
    mask: usize,
    shift: u32,
    len: usize,
}

impl ColorTable {
    fn new() -> Self {
        Self::with_slots(1024)
    }

    fn with_slots(cap: usize) -> Self {
        ColorTable {
            slots: vec![[0; 3]; cap],
            mask: cap - 1,
            shift: 32 - cap.trailing_zeros(),
            len: 0,
        }
    }

    /// A table that holds about `colours` colours before it grows.
    fn for_colours(colours: usize) -> Self {
        Self::with_slots((colours * 2).next_power_of_two().max(1024))
    }

    /// Counts one more `key`; returns its id, which is `next` if the key is new.
    #[inline(always)]
    fn count(&mut self, key: u32, next: u32) -> u32 {
        let k = key + 1;
        // Fibonacci hashing: the high bits of the product.
        let mut s = (key.wrapping_mul(0x9E37_79B1) >> self.shift) as usize;
        loop {
            let held = self.slots[s][0];
            if held == k {
                self.slots[s][2] += 1;
                return self.slots[s][1];
            }
            if held == 0 {
                if (self.len + 1) * 2 > self.slots.len() {
                    // At most half full: grow, and look again.
                    self.grow();
                    s = (key.wrapping_mul(0x9E37_79B1) >> self.shift) as usize;
                    continue;
                }
                self.slots[s] = [k, next, 1];
                self.len += 1;
                return next;
            }
            s = (s + 1) & self.mask;
        }
    }

    /// Adds `n` to the count of `key`, which the table holds.
    fn add(&mut self, key: u32, n: u32) {
        let k = key + 1;
        let mut s = (key.wrapping_mul(0x9E37_79B1) >> self.shift) as usize;
        while self.slots[s][0] != k {
            if self.slots[s][0] == 0 {
                return;
            }
            s = (s + 1) & self.mask;
        }
        self.slots[s][2] += n;
    }

    /// The counts by id.
    fn counts(&self) -> Vec<u32> {
        let mut out = vec![0u32; self.len];
        for slot in &self.slots {
            if slot[0] != 0 {
                out[slot[1] as usize] = slot[2];
            }
        }
        out
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        *self = Self::with_slots(old.len() * 2);
        for slot in old {
            if slot[0] != 0 {
                let mut s = ((slot[0] - 1).wrapping_mul(0x9E37_79B1) >> self.shift) as usize;
                while self.slots[s][0] != 0 {
                    s = (s + 1) & self.mask;
                }
                self.slots[s] = slot;
                self.len += 1;
            }
        }
    }
}

#[inline]
fn pack(r: u8, g: u8, b: u8) -> u32 {
    (u32::from(r) << 16) | (u32::from(g) << 8) | u32::from(b)
}

#[inline]
fn unpack(k: u32) -> [u8; 3] {
    [(k >> 16) as u8, (k >> 8) as u8, k as u8]
}

#[inline]
fn dist2(a: [u8; 3], b: [u8; 3]) -> u32 {
    let d = |x: u8, y: u8| {
        let v = i32::from(x) - i32::from(y);
        (v * v) as u32
    };
    d(a[0], b[0]) + d(a[1], b[1]) + d(a[2], b[2])
}

/// The colour histogram at some precision: the distinct (reduced) colours with their pixel
/// counts (and, when precision was dropped, the sums of their pixels' real channel values),
/// and each pixel's colour id.
struct Histogram {
    keys: Vec<u32>,
    counts: Vec<u32>,
    sums: Option<Vec<[u64; 3]>>,
    pixel_id: Vec<u16>,
    scale: u32,
}

/// Pixels under which the hash table always counts (a sort costs more on so few).
const SORT_MIN_PIXELS: usize = 16 * 1024;
/// Pixels sampled to choose between counting with a hash table and sorting.
const SAMPLES: usize = 1024;
/// Distinct colours among the samples from which sorting is chosen at once: a frame of nearly
/// only distinct colours (a sort costs about the same whatever the colours; a hash table is
/// several times faster while it stays in the L1/L2 caches, and more with runs of a colour;
/// it gives up for sorting on its own when it finds too many, see [`CROWDED_MIN`]).
const SORT_MIN_SAMPLED_COLOURS: usize = 900;

/// The histogram, its colours counted by sorting when `sort` says so, else (`None`) as a
/// sample of the pixels suggests.
fn histogram(r: &[u8], g: &[u8], b: &[u8], sort: Option<bool>) -> Histogram {
    let n = r.len();
    let sampled = sampled_colours(r, g, b);
    let may_sort = n >= SORT_MIN_PIXELS;
    let may_switch = sort.is_none() && may_sort;
    let mut sort = sort.unwrap_or(may_sort && sampled >= SORT_MIN_SAMPLED_COLOURS);
    let mut pixel_id = vec![0u16; n];
    let mut scale = 0u32;
    let (keys, counts) = loop {
        let counted = if sort {
            count_sorted(r, g, b, scale, &mut pixel_id)
        } else {
            count_hashed(r, g, b, scale, sampled, may_switch, &mut pixel_id)
        };
        match counted {
            Counted::Done(keys, counts) => break (keys, counts),
            Counted::OverLimit => scale += 1,
            Counted::Crowded => sort = true,
        }
    };
    let sums = (scale > 0).then(|| {
        let mut sums = vec![[0u64; 3]; keys.len()];
        for (i, &id) in pixel_id.iter().enumerate() {
            let s = &mut sums[id as usize];
            s[0] += u64::from(r[i]);
            s[1] += u64::from(g[i]);
            s[2] += u64::from(b[i]);
        }
        sums
    });
    Histogram {
        keys,
        counts,
        sums,
        pixel_id,
        scale,
    }
}

/// The distinct colours among up to [`SAMPLES`] evenly spaced pixels.
fn sampled_colours(r: &[u8], g: &[u8], b: &[u8]) -> usize {
    let step = (r.len() / SAMPLES).max(1);
    let mut seen = ColorTable::with_slots(4 * SAMPLES);
    for i in (0..r.len()).step_by(step) {
        seen.count(pack(r[i], g[i], b[i]), seen.len as u32);
    }
    seen.len
}

/// What counting the colours found.
enum Counted {
    /// The colours (keys) and their pixel counts, by id.
    Done(Vec<u32>, Vec<u32>),
    /// More than [`MAX_HASH_ENTRIES`] colours at this precision.
    OverLimit,
    /// (Hash table, when allowed to give up) so many new colours that sorting is faster.
    Crowded,
}

/// Colours a hash table counts before it may give up for sorting: past them, it does when
/// more than one pixel in [`CROWDED_RATE`] so far brought a new colour (the table is then
/// headed out of the caches, and few runs of a colour save it lookups).
const CROWDED_MIN: usize = 2048;
/// See [`CROWDED_MIN`].
const CROWDED_RATE: usize = 4;

/// Counts colours (reduced by `scale` bits) with a hash table sized for about `expected`
/// colours; ids in the order of first sight. With `may_give_up`, stops early
/// ([`Counted::Crowded`]) on a frame of many colours and few runs.
fn count_hashed(
    r: &[u8],
    g: &[u8],
    b: &[u8],
    scale: u32,
    expected: usize,
    may_give_up: bool,
    pixel_id: &mut [u16],
) -> Counted {
    let mut table = ColorTable::for_colours(expected);
    let mut keys: Vec<u32> = Vec::with_capacity(expected);
    // A pixel of the same colour as the one before it (runs are common) skips the table; its
    // count is added when the run ends.
    let (mut last_key, mut last_id, mut run) = (u32::MAX, 0u32, 0u32);
    // The keys first, in a pass of its own (it vectorizes, and leaves the table loop simple).
    let packed: Vec<u32> = r
        .iter()
        .zip(g)
        .zip(b)
        .map(|((&r, &g), &b)| pack(r >> scale, g >> scale, b >> scale))
        .collect();
    let n = packed.len();
    let mut pixels = packed.iter().zip(pixel_id.iter_mut());
    while let Some((&key, id_out)) = pixels.next() {
        if key == last_key {
            run += 1;
            *id_out = last_id as u16;
            continue;
        }
        if run > 0 {
            table.add(last_key, run);
            run = 0;
        }
        let next = keys.len() as u32;
        let id = table.count(key, next);
        if id == next {
            if keys.len() == MAX_HASH_ENTRIES {
                return Counted::OverLimit;
            }
            let seen = n - pixels.len();
            if may_give_up && keys.len() >= CROWDED_MIN && keys.len() * CROWDED_RATE > seen {
                return Counted::Crowded;
            }
            keys.push(key);
        }
        (last_key, last_id) = (key, id);
        *id_out = id as u16;
    }
    if run > 0 {
        table.add(last_key, run);
    }
    Counted::Done(keys, table.counts())
}

/// Counts colours (reduced by `scale` bits) by sorting the pixels on their colour (an LSD
/// radix sort of `colour << 32 | pixel`, a byte at a time); ids in colour order. The result
/// does not depend on the order of ids. `None` when there are more than [`MAX_HASH_ENTRIES`].
fn count_sorted(r: &[u8], g: &[u8], b: &[u8], scale: u32, pixel_id: &mut [u16]) -> Counted {
    let n = r.len();
    let mut digits = [[0u32; 256]; 3];
    let mut items: Vec<u64> = Vec::with_capacity(n);
    for (i, ((&r, &g), &b)) in r.iter().zip(g).zip(b).enumerate() {
        let (r, g, b) = (r >> scale, g >> scale, b >> scale);
        digits[0][usize::from(b)] += 1;
        digits[1][usize::from(g)] += 1;
        digits[2][usize::from(r)] += 1;
        items.push((u64::from(pack(r, g, b)) << 32) | i as u64);
    }
    let mut sorted = vec![0u64; n];
    for (pass, counts) in digits.iter().enumerate() {
        if counts.iter().any(|&c| c as usize == n) {
            continue; // every item has the same digit here
        }
        let mut at = [0usize; 256];
        let mut sum = 0;
        for (a, &c) in at.iter_mut().zip(counts) {
            *a = sum;
            sum += c as usize;
        }
        let shift = 32 + 8 * pass;
        for &item in &items {
            let d = &mut at[((item >> shift) & 0xff) as usize];
            sorted[*d] = item;
            *d += 1;
        }
        std::mem::swap(&mut items, &mut sorted);
    }
    let mut keys: Vec<u32> = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    let mut last = u64::MAX;
    for &item in &items {
        let key = item >> 32;
        if key != last {
            if keys.len() == MAX_HASH_ENTRIES {
                return Counted::OverLimit;
            }
            keys.push(key as u32);
            counts.push(0);
            last = key;
        }
        let id = keys.len() - 1;
        counts[id] += 1;
        pixel_id[(item & 0xffff_ffff) as usize] = id as u16;
    }
    Counted::Done(keys, counts)
}

/// One distinct (reduced) colour: its value, its pixel count and its histogram id.
#[derive(Clone, Copy)]
struct Entry {
    c: [u8; 3],
    count: u32,
    slot: u32,
}

/// A box of the median cut: `entries[lo..hi]` are its colours, of `pixels` pixels.
struct CutBox {
    lo: usize,
    hi: usize,
    pixels: u64,
    children: Option<(usize, usize)>,
}

/// A binary max-heap of box ids keyed by pixel count, with the tie behaviour of the heap
/// Pillow's median cut uses (a new item rises only above strictly smaller parents; on removal
/// the right child is taken only when strictly larger, and the moved item stops above children
/// it strictly exceeds), so equal boxes are cut in the same order.
struct BoxHeap {
    items: Vec<(u64, usize)>,
}

impl BoxHeap {
    fn new() -> Self {
        BoxHeap {
            items: vec![(0, 0)],
        }
    }

    fn push(&mut self, pixels: u64, id: usize) {
        self.items.push((pixels, id));
        let mut k = self.items.len() - 1;
        while k != 1 {
            let parent = self.items[k / 2];
            if pixels <= parent.0 {
                break;
            }
            self.items[k] = parent;
            k /= 2;
        }
        self.items[k] = (pixels, id);
    }

    fn pop(&mut self) -> Option<usize> {
        let count = self.items.len() - 1;
        if count == 0 {
            return None;
        }
        let top = self.items[1].1;
        let last = self.items[count];
        self.items.truncate(count);
        let count = count - 1;
        if count == 0 {
            return Some(top);
        }
        let mut k = 1;
        while k * 2 <= count {
            let mut l = k * 2;
            if l < count && self.items[l].0 < self.items[l + 1].0 {
                l += 1;
            }
            if last.0 > self.items[l].0 {
                break;
            }
            self.items[k] = self.items[l];
            k = l;
        }
        self.items[k] = last;
        Some(top)
    }
}

/// Boxes of fewer entries than this find their colour range entry by entry; larger ones from
/// per-axis histograms built in one pass (which also gives the cut axis its pixel counts).
const SMALL_BOX: usize = 96;

/// The lowest and highest value with a nonzero count.
fn value_range(counts: &[u32; 256]) -> (u8, u8) {
    let lo = counts.iter().position(|&c| c != 0).unwrap_or(0);
    let hi = counts.iter().rposition(|&c| c != 0).unwrap_or(0);
    (lo as u8, hi as u8)
}

/// Cuts box `id` in two (see the module docs), reordering its entries so the upper half
/// comes first; returns the ids of the upper and lower halves, or `None` when the box holds a
/// single colour (it cannot be cut).
fn cut(boxes: &mut Vec<CutBox>, id: usize, entries: &mut [Entry]) -> Option<(usize, usize)> {
    let (lo, hi, pixels) = (boxes[id].lo, boxes[id].hi, boxes[id].pixels);
    let part = &mut entries[lo..hi];
    if part.len() < SMALL_BOX {
        let (mut min, mut max) = ([255u8; 3], [0u8; 3]);
        for e in part.iter() {
            for a in 0..3 {
                min[a] = min[a].min(e.c[a]);
                max[a] = max[a].max(e.c[a]);
            }
        }
        let axis = cut_axis(min, max)?;
        return Some(cut_small(boxes, id, part, axis, min[axis]));
    }
    let mut by_axis = [[0u32; 256]; 3];
    for e in part.iter() {
        for (counts, &v) in by_axis.iter_mut().zip(&e.c) {
            counts[usize::from(v)] += e.count;
        }
    }
    let (mut min, mut max) = ([0u8; 3], [0u8; 3]);
    for a in 0..3 {
        (min[a], max[a]) = value_range(&by_axis[a]);
    }
    let axis = cut_axis(min, max)?;
    let by_value = &by_axis[axis];
    let mut threshold = min[axis];
    let mut running = 0u64;
    for v in (0..256usize).rev() {
        running += u64::from(by_value[v]);
        if running * 2 > pixels {
            threshold = v as u8;
            break;
        }
    }
    // Values at or above the threshold go up; if that is every value, only the lowest one is
    // left for the lower half.
    let lowest = if threshold == min[axis] {
        threshold
    } else {
        threshold - 1
    };
    let upper_pixels: u64 = by_value[usize::from(lowest) + 1..]
        .iter()
        .map(|&c| u64::from(c))
        .sum();
    // Partition (branch-free: always swap, advance when the entry goes up).
    let mut split = 0;
    for i in 0..part.len() {
        let up = part[i].c[axis] > lowest;
        part.swap(i, split);
        split += usize::from(up);
    }
    Some(push_halves(
        boxes,
        id,
        (lo, split, hi),
        (pixels, upper_pixels),
    ))
}

/// Adds box `id`'s two halves, entries `lo..lo + split` (holding `upper_pixels` of its
/// `pixels`) and `lo + split..hi`, and links them as its children; returns their ids.
fn push_halves(
    boxes: &mut Vec<CutBox>,
    id: usize,
    (lo, split, hi): (usize, usize, usize),
    (pixels, upper_pixels): (u64, u64),
) -> (usize, usize) {
    let up = boxes.len();
    boxes.push(CutBox {
        lo,
        hi: lo + split,
        pixels: upper_pixels,
        children: None,
    });
    boxes.push(CutBox {
        lo: lo + split,
        hi,
        pixels: pixels - upper_pixels,
        children: None,
    });
    boxes[id].children = Some((up, up + 1));
    (up, up + 1)
}

/// The axis a box with these colour bounds is cut along: the largest range weighted 77/150/29
/// (R/G/B), the first on ties; `None` for a single colour.
fn cut_axis(min: [u8; 3], max: [u8; 3]) -> Option<usize> {
    if min == max {
        return None;
    }
    let weighted = [
        u32::from(max[0] - min[0]) * 77,
        u32::from(max[1] - min[1]) * 150,
        u32::from(max[2] - min[2]) * 29,
    ];
    let mut axis = 0;
    for a in 1..3 {
        if weighted[axis] < weighted[a] {
            axis = a;
        }
    }
    Some(axis)
}

/// [`cut`] for a small box, the same halves by sorting: its entries in descending order of
/// their value on `axis` (lowest value `min`), the upper half first.
fn cut_small(
    boxes: &mut Vec<CutBox>,
    id: usize,
    part: &mut [Entry],
    axis: usize,
    min: u8,
) -> (usize, usize) {
    let (lo, hi, pixels) = (boxes[id].lo, boxes[id].hi, boxes[id].pixels);
    part.sort_unstable_by_key(|e| std::cmp::Reverse(e.c[axis]));
    // The first value, from the top, where the running pixel count passes half.
    let mut threshold = min;
    let mut running = 0u64;
    let mut i = 0;
    while i < part.len() {
        let v = part[i].c[axis];
        while i < part.len() && part[i].c[axis] == v {
            running += u64::from(part[i].count);
            i += 1;
        }
        if running * 2 > pixels {
            threshold = v;
            break;
        }
    }
    let lowest = if threshold == min {
        threshold
    } else {
        threshold - 1
    };
    let split = part.partition_point(|e| e.c[axis] > lowest);
    let upper_pixels: u64 = part[..split].iter().map(|e| u64::from(e.count)).sum();
    push_halves(boxes, id, (lo, split, hi), (pixels, upper_pixels))
}

/// A palette entry in a neighbour list: `distance << 8 | index` (the sort key: distance from
/// the list's start entry, then index) and its colour, at hand for the search.
#[derive(Clone, Copy)]
struct Candidate {
    key: u32,
    c: [i16; 3],
}

/// The palette entry nearest to `c` (squared RGB distance) that the search from `start` finds,
/// `initial` being the distance from `start` to `c` (not 0). `row` holds, sorted by key, every
/// entry within `4 * initial` of `start` (it may hold more).
///
/// Entries are tried nearest-to-`start` first, among those within twice the distance from
/// `start` to `c`; ties keep the earlier one (`start` first). By the triangle inequality an
/// entry `j` can only be strictly nearer to `c` than the best so far if
/// |start j| < |start c| + |c best|, so the search also stops there: the same result, sooner.
fn search(row: &[Candidate], start: usize, c: [u8; 3], initial: u32) -> u8 {
    let limit = initial * 4;
    let root_initial = f64::from(initial).sqrt();
    let (mut best, mut best_d) = (start as u8, initial);
    let mut reach = limit;
    let [r, g, b] = c.map(i32::from);
    for cand in row {
        if cand.key >> 8 > reach {
            break;
        }
        let [dr, dg, db] = [
            i32::from(cand.c[0]) - r,
            i32::from(cand.c[1]) - g,
            i32::from(cand.c[2]) - b,
        ];
        let dj = (dr * dr + dg * dg + db * db) as u32;
        if dj < best_d {
            best_d = dj;
            best = cand.key as u8;
            // (|start c| + |c best|)^2, rounded up (past any rounding error) so no candidate
            // that could be nearer is dropped.
            let r = root_initial + f64::from(best_d).sqrt();
            reach = limit.min((r * r) as u32 + 2);
        }
    }
    best
}

/// Every palette entry within `bound` of `palette[start]`, sorted by key.
fn neighbours(palette: &[[u8; 3]], start: usize, bound: u32, row: &mut Vec<Candidate>) {
    row.clear();
    let p = palette[start];
    for (j, q) in palette.iter().enumerate() {
        let d = dist2(p, *q);
        if d <= bound {
            row.push(Candidate {
                key: (d << 8) | j as u32,
                c: q.map(i16::from),
            });
        }
    }
    row.sort_unstable_by_key(|c| c.key);
}

/// Nearest-entry search for colours met one at a time, with each start's neighbour list
/// sorted on first use.
struct Nearest<'a> {
    palette: &'a [[u8; 3]],
    rows: Vec<Vec<Candidate>>,
}

impl<'a> Nearest<'a> {
    fn new(palette: &'a [[u8; 3]]) -> Self {
        Nearest {
            palette,
            rows: vec![Vec::new(); palette.len()],
        }
    }

    fn find(&mut self, start: usize, c: [u8; 3]) -> u8 {
        let initial = dist2(self.palette[start], c);
        if initial == 0 {
            return start as u8;
        }
        let row = &mut self.rows[start];
        if row.is_empty() {
            neighbours(self.palette, start, u32::MAX, row);
        }
        search(row, start, c, initial)
    }
}

/// Quantizes an RGB frame given as three planes of equal length to at most `max_colors`
/// (1..=256) colours.
pub fn quantize_rgb(r: &[u8], g: &[u8], b: &[u8], max_colors: usize) -> Quantized {
    quantize_counting(r, g, b, max_colors, None)
}

fn quantize_counting(
    r: &[u8],
    g: &[u8],
    b: &[u8],
    max_colors: usize,
    sort: Option<bool>,
) -> Quantized {
    let n = r.len().min(g.len()).min(b.len());
    let (r, g, b) = (&r[..n], &g[..n], &b[..n]);
    if n == 0 {
        return Quantized {
            palette: Vec::new(),
            indices: Vec::new(),
        };
    }
    let max_colors = max_colors.clamp(1, 256);
    let hist = histogram(r, g, b, sort);

    // The distinct (reduced) colours as entries.
    let entries_iter = hist.keys.iter().zip(&hist.counts).enumerate();
    let mut entries: Vec<Entry> = entries_iter
        .map(|(id, (&k, &count))| Entry {
            c: unpack(k),
            count,
            slot: id as u32,
        })
        .collect();
    let root_pixels = n as u64;

    // Median cut.
    let mut boxes = vec![CutBox {
        lo: 0,
        hi: entries.len(),
        pixels: root_pixels,
        children: None,
    }];
    let mut heap = BoxHeap::new();
    heap.push(root_pixels, 0);
    'cuts: for _ in 1..max_colors {
        let (upper, lower) = loop {
            match heap.pop() {
                None => break 'cuts,
                // A box of one colour is set aside.
                Some(id) => match cut(&mut boxes, id, &mut entries) {
                    Some(halves) => break halves,
                    None => continue,
                },
            }
        };
        heap.push(boxes[upper].pixels, upper);
        heap.push(boxes[lower].pixels, lower);
    }

    // Leaves in tree order become palette entries (the mean of their pixels).
    let mut leaves: Vec<(usize, usize)> = Vec::new();
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut stack = vec![0usize];
    while let Some(id) = stack.pop() {
        if let Some((upper, lower)) = boxes[id].children {
            stack.push(lower);
            stack.push(upper);
            continue;
        }
        let (lo, hi) = (boxes[id].lo, boxes[id].hi);
        let mut total = [0u64; 3];
        for e in &entries[lo..hi] {
            match &hist.sums {
                Some(sums) => {
                    let s = sums[e.slot as usize];
                    (0..3).for_each(|a| total[a] += s[a]);
                }
                None => (0..3).for_each(|a| total[a] += u64::from(e.count) * u64::from(e.c[a])),
            }
        }
        let pixels = boxes[id].pixels as f64;
        let mean = |a: usize| (0.5 + total[a] as f64 / pixels) as u8;
        palette.push([mean(0), mean(1), mean(2)]);
        leaves.push((lo, hi));
    }

    // Map colours to their nearest entry. Each box's colours start from its entry, which only
    // needs its neighbours within four times the farthest of them, sorted.
    let indices = if hist.scale == 0 {
        let mut id_index = vec![0u8; hist.keys.len()];
        let mut initial: Vec<u32> = Vec::new();
        let mut row: Vec<Candidate> = Vec::new();
        for (leaf, &(lo, hi)) in leaves.iter().enumerate() {
            let p = palette[leaf];
            initial.clear();
            initial.extend(entries[lo..hi].iter().map(|e| dist2(p, e.c)));
            let farthest = initial.iter().copied().max().unwrap_or(0);
            if farthest > 0 {
                neighbours(&palette, leaf, farthest * 4, &mut row);
            }
            for (e, &d) in entries[lo..hi].iter().zip(&initial) {
                id_index[e.slot as usize] = if d == 0 {
                    leaf as u8
                } else {
                    search(&row, leaf, e.c, d)
                };
            }
        }
        hist.pixel_id
            .iter()
            .map(|&id| id_index[id as usize])
            .collect()
    } else {
        // Several real colours share a reduced one: map each real colour once, starting from
        // the entry of its reduced colour's box.
        let mut id_leaf = vec![0u8; hist.keys.len()];
        for (leaf, &(lo, hi)) in leaves.iter().enumerate() {
            for e in &entries[lo..hi] {
                id_leaf[e.slot as usize] = leaf as u8;
            }
        }
        let mut nearest = Nearest::new(&palette);
        let mut seen = ColorTable::new();
        let mut seen_index: Vec<u8> = Vec::new();
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let c = [r[i], g[i], b[i]];
            let next = seen_index.len() as u32;
            let id = seen.count(pack(c[0], c[1], c[2]), next);
            if id == next {
                let leaf = id_leaf[hist.pixel_id[i] as usize];
                seen_index.push(nearest.find(usize::from(leaf), c));
            }
            out.push(seen_index[id as usize]);
        }
        out
    };
    Quantized { palette, indices }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn few_colours_are_kept_exactly() {
        let r: Vec<u8> = (0..1000u32).map(|i| (i % 7 * 30) as u8).collect();
        let g: Vec<u8> = (0..1000u32).map(|i| (i % 11 * 20) as u8).collect();
        let b: Vec<u8> = (0..1000u32).map(|i| (i % 3 * 100) as u8).collect();
        let q = quantize_rgb(&r, &g, &b, 256);
        for i in 0..1000 {
            assert_eq!(q.palette[usize::from(q.indices[i])], [r[i], g[i], b[i]]);
        }
    }

    #[test]
    fn many_colours_fit_in_256_close_to_the_input() {
        let n = 256 * 256;
        let r: Vec<u8> = (0..n).map(|i| (i % 256) as u8).collect();
        let g: Vec<u8> = (0..n).map(|i| (i / 256) as u8).collect();
        let b: Vec<u8> = (0..n).map(|i| ((i % 256 + i / 256) / 2) as u8).collect();
        let q = quantize_rgb(&r, &g, &b, 256);
        assert!(q.palette.len() <= 256);
        let err: u64 = (0..n)
            .map(|i| {
                let p = q.palette[usize::from(q.indices[i])];
                u64::from(p[0].abs_diff(r[i]))
                    + u64::from(p[1].abs_diff(g[i]))
                    + u64::from(p[2].abs_diff(b[i]))
            })
            .sum();
        assert!(err as f64 / (3 * n) as f64 <= 6.0);
    }

    #[test]
    fn counting_by_hash_or_by_sort_gives_the_same_frame() {
        // Few colours, many colours, more than 65536 (precision dropped), runs, a table that
        // gives up for sorting, one colour.
        let mut z = 7u64;
        let mut rnd = move || {
            z = z
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (z >> 33) as u32
        };
        let n = 300 * 300;
        let cases: Vec<Vec<[u8; 3]>> = vec![
            (0..n)
                .map(|_| [(rnd() % 6 * 40) as u8, (rnd() % 5 * 50) as u8, 9])
                .collect(),
            (0..n)
                .map(|i| [(i % 256) as u8, (i / 256 % 256) as u8, (rnd() % 4) as u8])
                .collect(),
            (0..n)
                .map(|_| {
                    let v = rnd();
                    [v as u8, (v >> 8) as u8, (v >> 16) as u8]
                })
                .collect(),
            (0..n)
                .map(|i| [(i / 500) as u8, (i / 700) as u8, (i / 900) as u8])
                .collect(),
            // Random, then one colour: the sample looks moderate, the table gives up.
            (0..n)
                .map(|i| {
                    let v = rnd();
                    if i < n / 2 {
                        [v as u8, (v >> 8) as u8, (v >> 16) as u8]
                    } else {
                        [1, 2, 3]
                    }
                })
                .collect(),
            vec![[3, 4, 5]; n],
        ];
        for (k, px) in cases.iter().enumerate() {
            let plane = |c: usize| px.iter().map(|p| p[c]).collect::<Vec<u8>>();
            let (r, g, b) = (plane(0), plane(1), plane(2));
            let hashed = quantize_counting(&r, &g, &b, 256, Some(false));
            let sorted = quantize_counting(&r, &g, &b, 256, Some(true));
            assert!(hashed == sorted, "case {k}");
            assert!(quantize_rgb(&r, &g, &b, 256) == hashed, "case {k}");
        }
    }

    #[test]
    fn heap_takes_the_largest_first() {
        let mut h = BoxHeap::new();
        for (p, id) in [(5, 0), (9, 1), (1, 2), (9, 3), (7, 4)] {
            h.push(p, id);
        }
        let order: Vec<usize> = std::iter::from_fn(|| h.pop()).collect();
        assert_eq!(order.len(), 5);
        assert_eq!(order[4], 2);
        assert!(order[..2].contains(&1) && order[..2].contains(&3));
    }

    #[test]
    fn gray_palette_is_the_used_levels() {
        let q = quantize_gray(&[9, 3, 3, 200]);
        assert_eq!(q.palette, vec![[3; 3], [9; 3], [200; 3]]);
        assert_eq!(q.indices, vec![1, 0, 0, 2]);
    }
}
