//! The hot loops of [`np_histogram`](super::np_histogram): the data range and the bin counts,
//! with numpy's exact results and as little work per element as we can manage.
//!
//! Counting follows numpy's uniform-bin algorithm exactly: the estimate
//! `trunc((x - first) / (last - first) * n)` in the edges' precision, then one step down if
//! `x` is below its bin's lower edge and one step up if it is at or above the upper edge.
//! [`count_reference`] is that loop, one element at a time; the two fast paths must agree with
//! it on every input (the tests check them against it, and against numpy):
//!
//! - [`count_exact`] computes numpy's very estimate in blocks (a loop the compiler turns into
//!   SIMD divisions), then applies both corrections with a lookup table whose outer entries are
//!   `-inf` and `+inf`, which stand for numpy's "never below bin 0" and "the last bin includes
//!   its right edge" rules.
//! - [`count_conditioned`], for ranges that are not tiny next to their magnitude (almost every
//!   real input), skips the division and most lookups. There numpy's estimate is provably
//!   within one bin of the *true* bin (the `b` with `edges[b] <= x < edges[b + 1]`), so its
//!   corrections always land on the true bin, and any estimate that close does too: a multiply
//!   by `n / (last - first)` serves, and an element whose scaled position is further than the
//!   error bound from both of its bin's edges is in that bin with no lookup at all. See
//!   [`conditioned_margin`] for the bound.
//!
//! Large inputs are split across threads; counts are integers, so the sum is exact.

use super::{EdgeFloat, HistogramSample};

/// Elements per block: the estimates of one block stay in L1 between the two passes.
const BLOCK: usize = 256;
/// Size of the edge table and of each sub-histogram; the fast paths take fewer bins than this.
const TABLE: usize = 1024;
/// The same for fewer bins than this (the default 64 among them).
const SMALL: usize = 128;
/// Inputs at least this long are split across threads.
const PARALLEL_MIN: usize = 1 << 18;
/// No thread gets fewer elements than this.
const PER_THREAD_MIN: usize = 1 << 17;
/// Elements per piece of work when split across threads.
const CHUNK: usize = 1 << 16;

/// How many threads to split `len` elements across.
fn threads_for(len: usize) -> usize {
    use std::sync::OnceLock;
    static CORES: OnceLock<usize> = OnceLock::new();
    if len < PARALLEL_MIN {
        return 1;
    }
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    cores.min(len / PER_THREAD_MIN).max(1)
}

/// Runs `f` on every `CHUNK`-element piece of `data`, on `threads` threads (the calling one
/// included) that take the next piece as they finish one, and returns the results in no
/// particular order. Pieces, not fixed halves, so a thread the scheduler sets aside on a busy
/// machine leaves its share to the others.
fn split<T: Sync, R: Send>(data: &[T], threads: usize, f: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    if threads <= 1 {
        return vec![f(data)];
    }
    let pieces: Vec<&[T]> = data.chunks(CHUNK).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        while let Some(p) = pieces.get(next.fetch_add(1, Ordering::Relaxed)) {
            out.push(f(p));
        }
        out
    };
    std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut out = work();
        for h in others {
            match h.join() {
                Ok(r) => out.extend(r),
                // A panic in our own arithmetic cannot happen; re-raise it rather than lose it.
                Err(e) => std::panic::resume_unwind(e),
            }
        }
        out
    })
}

/// `(min, max)` of a non-empty slice in the edges' precision, as `numpy.min`/`numpy.max` give
/// them: any NaN makes both NaN. Among equal extremes (`-0.0` and `0.0`) the first one in the
/// data wins.
pub(super) fn min_max<T: HistogramSample>(data: &[T]) -> (T::Edge, T::Edge) {
    let Some(&first) = data.first() else {
        let zero = T::Edge::from_f64(0.0);
        return (zero, zero);
    };
    let parts = split(data, threads_for(data.len()), min_max_part::<T>);
    let (mut lo, mut hi, mut nan) = (first.to_edge(), first.to_edge(), None);
    for (l, h, n) in parts {
        if l < lo {
            lo = l;
        }
        if h > hi {
            hi = h;
        }
        nan = nan.or(n);
    }
    if let Some(n) = nan {
        return (n, n);
    }
    // Lanes see the data out of order; only zeros compare equal while differing (in sign), so
    // a zero extreme takes the sign of the first zero, as a sequential scan would.
    let zero = T::Edge::from_f64(0.0);
    let first_zero = |v: T::Edge| {
        if v == zero {
            data.iter()
                .map(|x| x.to_edge())
                .find(|x| *x == zero)
                .unwrap_or(v)
        } else {
            v
        }
    };
    (first_zero(lo), first_zero(hi))
}

/// One part's `(min, max, some NaN)`, in eight independent lanes the compiler vectorizes.
fn min_max_part<T: HistogramSample>(data: &[T]) -> (T::Edge, T::Edge, Option<T::Edge>) {
    const LANES: usize = 8;
    let Some(&first) = data.first() else {
        let zero = T::Edge::from_f64(0.0);
        return (zero, zero, None);
    };
    let first = first.to_edge();
    let mut lo = [first; LANES];
    let mut hi = [first; LANES];
    let mut nan = [false; LANES];
    let mut chunks = data.chunks_exact(LANES);
    for c in &mut chunks {
        for j in 0..LANES {
            let x = c[j].to_edge();
            lo[j] = if x < lo[j] { x } else { lo[j] };
            hi[j] = if x > hi[j] { x } else { hi[j] };
            nan[j] |= x.partial_cmp(&x).is_none();
        }
    }
    let (mut l, mut h, mut any_nan) = (first, first, false);
    let rest = chunks.remainder().iter().map(|x| x.to_edge());
    for x in lo.into_iter().chain(rest.clone()) {
        if x < l {
            l = x;
        }
    }
    for x in hi.into_iter().chain(rest.clone()) {
        if x > h {
            h = x;
        }
    }
    for x in rest {
        any_nan |= x.partial_cmp(&x).is_none();
    }
    any_nan |= nan.iter().any(|&b| b);
    let nan = any_nan.then(|| T::Edge::from_f64(f64::NAN));
    (l, h, nan)
}

/// numpy's counts of `data` (every element within `[first, last]`) in `edges.len() - 1` bins.
pub(super) fn count<T: HistogramSample>(
    data: &[T],
    first: T::Edge,
    last: T::Edge,
    edges: &[T::Edge],
) -> Vec<i64> {
    let nb = edges.len().saturating_sub(1);
    let fast = nb > 0 && nb < TABLE && edges.iter().all(|e| e.is_finite());
    let margin = if fast {
        conditioned_margin(first, last, nb)
    } else {
        None
    };
    // The tables are sized to the bins (a power of two above them), so that small inputs do
    // not pay for zeroing tables made for 1023 bins.
    let parts = split(data, threads_for(data.len()), |part| {
        match (margin, nb < SMALL) {
            (Some(m), true) => count_conditioned::<T, SMALL>(part, first, last, edges, m),
            (Some(m), false) => count_conditioned::<T, TABLE>(part, first, last, edges, m),
            (None, true) if fast => count_exact::<T, SMALL>(part, first, last, edges),
            (None, false) if fast => count_exact::<T, TABLE>(part, first, last, edges),
            (None, _) => count_reference(part, first, last, edges),
        }
    });
    let mut counts = vec![0i64; nb];
    for p in parts {
        for (c, v) in counts.iter_mut().zip(p) {
            *c += v;
        }
    }
    counts
}

/// numpy's algorithm, one element at a time.
pub(super) fn count_reference<T: HistogramSample>(
    data: &[T],
    first: T::Edge,
    last: T::Edge,
    edges: &[T::Edge],
) -> Vec<i64> {
    let num_bins = edges.len().saturating_sub(1);
    let mut counts = vec![0i64; num_bins];
    if num_bins == 0 {
        return counts;
    }
    let denom = last.sub(first);
    let n = T::Edge::from_usize(num_bins);
    let nb = num_bins as isize;
    for &x in data {
        let x = x.to_edge();
        let mut i = x.sub(first).div(denom).mul(n).trunc_index();
        if i == nb {
            i -= 1;
        }
        // numpy's two corrections for the index being off by one ULP near an edge.
        if i > 0 && x < edges[i.clamp(0, nb) as usize] {
            i -= 1;
        }
        if i < nb - 1 && x >= edges[i.clamp(-1, nb - 1) as usize + 1] {
            i += 1;
        }
        counts[i.clamp(0, nb - 1) as usize] += 1;
    }
    counts
}

/// The margin `m` (in bins) for [`count_conditioned`], when the range is well conditioned.
///
/// In bin units (`p(x) = (x - first) / (last - first) * n`, exact), with `u` the unit roundoff
/// of the edges' type: numpy's estimate is `p(x) * (1 + t)` with `|t| <= 4.01 u` (four rounded
/// operations, counting `last - first`), so it is within `e = 4.01 u n` of `p(x)`; our
/// `(x - first) * (n / (last - first))` has four roundings too, the same bound. Edge `i`,
/// `fl(fl(i * fl(fl(last - first) / n)) + first)` as `linspace` computes it, is within
/// `d = n u (3.01 + 1.01 M / (last - first))` of `i`, `M = max(|first|, |last|)`. Whenever
/// `e + d < 1`, an estimate within `e` of `p(x)` is within one bin of the true bin, so numpy's
/// corrections, and ours, end on the true bin: the results are the same. And an estimate whose
/// fractional part is at least `e + d` from 0 and 1 is the true bin with no correction.
/// We take `m = 2 (e + d)` and require `m < 1/64`; we also require the bin width to be at
/// least `2^20` times the smallest normal value, so that subnormal results, whose error is
/// absolute (at most half the smallest subnormal), stay negligible next to a bin. Otherwise
/// `None`.
fn conditioned_margin<F: EdgeFloat>(first: F, last: F, nb: usize) -> Option<F> {
    let (a, b) = (first.to_f64(), last.to_f64());
    let u = F::UNIT_ROUNDOFF;
    let n = nb as f64;
    let width = (b - a) / n;
    // Below this, subnormal results (absolute errors up to half the smallest subnormal) would
    // no longer be negligible next to a bin.
    let tiny = F::MIN_NORMAL * 2f64.powi(20);
    if !(width.is_finite() && width > tiny && u < 1e-6) {
        return None;
    }
    let mag = a.abs().max(b.abs()) / (b - a);
    let e = 4.01 * u * n;
    let d = n * u * (3.01 + 1.01 * mag);
    let m = 2.0 * (e + d);
    (m < 1.0 / 64.0).then(|| F::from_f64(m))
}

/// The same counts as [`count_reference`] when [`conditioned_margin`] gave `margin`, for
/// `0 < edges.len() - 1 < N` finite edges (`N` a power of two).
///
/// Per block: (1) the estimate `f = min((x - first) * scale, n - 1)` and its truncation `i`;
/// `f` within `margin` of an integer flags the element; (2) an unflagged element counts in bin
/// `i`; a flagged one is corrected with the edge table as in [`count_exact`].
fn count_conditioned<T: HistogramSample, const N: usize>(
    data: &[T],
    first: T::Edge,
    last: T::Edge,
    edges: &[T::Edge],
    margin: T::Edge,
) -> Vec<i64> {
    let mask = N - 1;
    let flag = N;
    let nb = edges.len() - 1;
    let scale = T::Edge::from_usize(nb).div(last.sub(first));
    let top = T::Edge::from_usize(nb - 1);
    let zero = T::Edge::from_f64(0.0);
    let low = zero.sub(margin);
    let table = edge_table::<_, N>(edges);
    let mut est = [0usize; BLOCK];
    let mut sub = [[0u64; N]; 4];
    let [s0, s1, s2, s3] = &mut sub;
    for block in data.chunks(BLOCK) {
        for (slot, &x) in est.iter_mut().zip(block) {
            let f = x.to_edge().sub(first).mul(scale);
            let f = if f < top { f } else { top };
            // The nearest integer `r`: `f` is near an edge when within `margin` of it, and its
            // bin is `r`, or `r - 1` when `r` is above `f`.
            let (r, ri) = f.round_small();
            let d = f.sub(r);
            let near_edge = d < margin && d > low;
            let i = ri.wrapping_sub(usize::from(d < zero));
            *slot = i | (usize::from(near_edge) * flag);
        }
        let bin = |x: T, i: usize| {
            if i < flag {
                return i & mask;
            }
            let x = x.to_edge();
            let i = i & mask;
            (i - usize::from(x < table[i]) + usize::from(x >= table[(i + 1) & mask])) & mask
        };
        let mut xs = block.chunks_exact(4);
        let mut is = est[..block.len()].chunks_exact(4);
        for (x, i) in (&mut xs).zip(&mut is) {
            s0[bin(x[0], i[0])] += 1;
            s1[bin(x[1], i[1])] += 1;
            s2[bin(x[2], i[2])] += 1;
            s3[bin(x[3], i[3])] += 1;
        }
        for (&x, &i) in xs.remainder().iter().zip(is.remainder()) {
            s0[bin(x, i)] += 1;
        }
    }
    (0..nb)
        .map(|j| (s0[j] + s1[j] + s2[j] + s3[j]) as i64)
        .collect()
}

/// The edges with `-inf` first and `+inf` last (and after), `N` entries.
fn edge_table<F: EdgeFloat, const N: usize>(edges: &[F]) -> [F; N] {
    let inf = F::infinity();
    let mut table = [inf; N];
    for (t, &e) in table.iter_mut().zip(edges) {
        *t = e;
    }
    table[0] = F::from_f64(f64::NEG_INFINITY);
    if let Some(last) = table.get_mut(edges.len().saturating_sub(1)) {
        *last = inf;
    }
    table
}

/// The same counts as [`count_reference`], for `0 < edges.len() - 1 < N` finite edges (`N` a
/// power of two).
///
/// Per block: (1) the estimates, `min(f, n - 1)` truncated (`i == n` becomes `n - 1` either
/// way, as `f <= n`); (2) `i - (x < lower[i]) + (x >= upper[i])`, where the table holds the
/// edges with `-inf` first and `+inf` last: after a step down the step-up test fails by itself
/// (`x < edges[i] < edges[i + 1]`), so both tests can read the table at once. Four
/// sub-histograms keep consecutive increments independent. Indices are masked with
/// `N - 1`, a no-op on values `< N` that lets the compiler drop bounds checks.
fn count_exact<T: HistogramSample, const N: usize>(
    data: &[T],
    first: T::Edge,
    last: T::Edge,
    edges: &[T::Edge],
) -> Vec<i64> {
    let mask = N - 1;
    let nb = edges.len() - 1;
    let denom = last.sub(first);
    let n = T::Edge::from_usize(nb);
    let top = T::Edge::from_usize(nb - 1);
    let table = edge_table::<_, N>(edges);
    let mut est = [0usize; BLOCK];
    let mut sub = [[0u64; N]; 4];
    let [s0, s1, s2, s3] = &mut sub;
    for block in data.chunks(BLOCK) {
        for (slot, &x) in est.iter_mut().zip(block) {
            let f = x.to_edge().sub(first).div(denom).mul(n);
            *slot = if f < top { f } else { top }.trunc_small();
        }
        let bin = |x: T, i: usize| {
            let x = x.to_edge();
            let i = i & mask;
            (i - usize::from(x < table[i]) + usize::from(x >= table[(i + 1) & mask])) & mask
        };
        let mut xs = block.chunks_exact(4);
        let mut is = est[..block.len()].chunks_exact(4);
        for (x, i) in (&mut xs).zip(&mut is) {
            s0[bin(x[0], i[0])] += 1;
            s1[bin(x[1], i[1])] += 1;
            s2[bin(x[2], i[2])] += 1;
            s3[bin(x[3], i[3])] += 1;
        }
        for (&x, &i) in xs.remainder().iter().zip(is.remainder()) {
            s0[bin(x, i)] += 1;
        }
    }
    (0..nb)
        .map(|j| (s0[j] + s1[j] + s2[j] + s3[j]) as i64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::histogram::linspace;

    fn edges_of<T: HistogramSample>(data: &[T], nb: usize) -> (T::Edge, T::Edge, Vec<T::Edge>) {
        let (mut lo, mut hi) = min_max(data);
        if lo == hi {
            lo = lo.sub(T::Edge::from_f64(0.5));
            hi = hi.add(T::Edge::from_f64(0.5));
        }
        (lo, hi, linspace(lo, hi, nb + 1))
    }

    /// Every path gives the reference's counts; returns whether the range is conditioned.
    fn agree<T: HistogramSample>(data: &[T], nb: usize) -> bool {
        let (lo, hi, edges) = edges_of(data, nb);
        let want = count_reference(data, lo, hi, &edges);
        let exact = count_exact::<T, TABLE>(data, lo, hi, &edges);
        assert_eq!(exact, want, "exact, {nb} bins");
        if nb < SMALL {
            let small = count_exact::<T, SMALL>(data, lo, hi, &edges);
            assert_eq!(small, want, "exact (small table), {nb} bins");
        }
        let margin = conditioned_margin(lo, hi, nb);
        if let Some(m) = margin {
            let got = count_conditioned::<T, TABLE>(data, lo, hi, &edges, m);
            assert_eq!(got, want, "conditioned, {nb} bins, [{lo:?}, {hi:?}]");
            if nb < SMALL {
                let got = count_conditioned::<T, SMALL>(data, lo, hi, &edges, m);
                assert_eq!(got, want, "conditioned (small table), {nb} bins");
            }
        }
        assert_eq!(count(data, lo, hi, &edges), want, "split, {nb} bins");
        assert_eq!(want.iter().sum::<i64>(), data.len() as i64);
        margin.is_some()
    }

    /// Values on, and one ULP either side of, every edge: where the estimate needs correcting.
    fn near_edges(lo: f64, hi: f64, nb: usize) -> Vec<f64> {
        let edges = linspace(lo, hi, nb + 1);
        let mut v = Vec::new();
        for e in edges {
            for x in [e, e.next_down(), e.next_up()] {
                if (lo..=hi).contains(&x) {
                    v.push(x);
                }
            }
        }
        v.push(lo);
        v.push(hi);
        v
    }

    #[test]
    fn fast_paths_match_reference_near_edges() {
        // (range, conditioned?): the last ones are too narrow for their magnitude.
        for (lo, hi, conditioned) in [
            (0.0, 1.0, true),
            (-3.0, 7.0, true),
            (0.1, 0.7, true),
            (-1e-300, 3e-300, true),
            (123456.789, 123457.79, true),
            (1e9, 1e9 + 1e-3, true),
            (1e10, 1e10 + 1e-3, false),
            (1e15, 1e15 + 640.0, false),
            (123456.789, 123456.79, true),
        ] {
            for nb in [1, 3, 7, 10, 64, 100, 512, 1023] {
                let data = near_edges(lo, hi, nb);
                let c = agree(&data, nb);
                if nb == 64 {
                    assert_eq!(c, conditioned, "[{lo}, {hi}]");
                }
            }
        }
    }

    #[test]
    fn conditioned_path_at_its_limit() {
        // Ranges whose margin is just under and just over the 1/64 limit, with values next to
        // every edge: the conditioned path (when taken) must still agree.
        for nb in [64, 512] {
            for k in 30..50 {
                let lo = 2f64.powi(k);
                let hi = lo + 1.0;
                agree(&near_edges(lo, hi, nb), nb);
                let f32s: Vec<f32> = near_edges(1000.0, 1000.0 + 2f64.powi(-(k - 30)), nb)
                    .iter()
                    .map(|&x| x as f32)
                    .collect();
                agree(&f32s, nb);
            }
        }
    }

    #[test]
    fn fast_path_matches_reference_on_many_values() {
        // Large enough to be split across threads and to end in a partial block.
        let n = PARALLEL_MIN * 2 + 77;
        let data: Vec<f64> = (0..n as u64)
            .map(|i| ((i.wrapping_mul(2654435761) % (1 << 32)) as f64 / 4294967296.0) * 9.5 - 2.0)
            .collect();
        for nb in [1, 2, 64, 511, 512] {
            assert!(agree(&data, nb));
        }
        let f32s: Vec<f32> = data.iter().map(|&x| x as f32).collect();
        agree(&f32s, 64);
        let ints: Vec<i64> = (0..n as i64).map(|i| (i * 7919) % 1001 - 500).collect();
        agree(&ints, 64);
        agree(&ints, 1000);
    }

    #[test]
    fn min_max_keeps_nan_and_first_zero() {
        let mut v = vec![1.0f64; 100];
        v[40] = -0.0;
        v[90] = 0.0;
        assert!(min_max(&v).0.is_sign_negative());
        v[40] = 0.0;
        v[90] = -0.0;
        assert!(min_max(&v).0.is_sign_positive());
        v[77] = f64::NAN;
        assert!(min_max(&v).0.is_nan() && min_max(&v).1.is_nan());
        let big: Vec<f64> = (0..PARALLEL_MIN * 3).map(|i| i as f64 - 5.0).collect();
        assert_eq!(min_max(&big), (-5.0, (PARALLEL_MIN * 3) as f64 - 6.0));
    }
}
