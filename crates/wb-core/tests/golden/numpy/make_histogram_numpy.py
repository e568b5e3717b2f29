"""Golden counts and edges from numpy.histogram (numpy 2.4, the SDK's wandb.Histogram backend)
for inputs large enough to take wb-core's block, table and multi-thread paths.

Run: python make_histogram_numpy.py   (writes histogram_numpy.json next to this script)

Each case's data is `hash_values(n, lo, hi)` (a seed-free formula that
tests/histogram_numpy.rs repeats) followed by `extra`: values on and one ULP either side of
numpy's own bin edges, where its index estimate needs correcting.
"""
import json, os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def hash_values(n, lo, hi, dtype):
    i = np.arange(n, dtype=np.uint64)
    u = ((i * np.uint64(2654435761)) % np.uint64(1 << 32)).astype(np.float64) / 4294967296.0
    return (u * (hi - lo) + lo).astype(dtype)


def near_edges(lo, hi, bins, dtype):
    edges = np.linspace(np.array(lo, dtype), np.array(hi, dtype), bins + 1).astype(dtype)
    out = []
    for e in edges:
        for x in (e, np.nextafter(e, dtype(-np.inf)), np.nextafter(e, dtype(np.inf))):
            if lo <= x <= hi:
                out.append(x)
    return np.array(out, dtype=dtype)


cases = []
for name, n, lo, hi, bins, dtype in [
    ("f64_64", 600_000, -2.0, 7.5, 64, np.float64),
    ("f64_512", 300_001, 0.1, 0.7, 512, np.float64),
    ("f64_offset", 300_000, 1e9, 1e9 + 0.001, 64, np.float64),
    ("f32_64", 500_003, -1.0, 3.0, 64, np.float32),
]:
    base = hash_values(n, lo, hi, dtype)
    lo_d, hi_d = dtype(lo), dtype(hi)
    # The range of the full data must be [lo, hi] so the edges are the ones perturbed around.
    extra = np.concatenate([np.array([lo_d, hi_d], dtype=dtype), near_edges(lo_d, hi_d, bins, dtype)])
    data = np.concatenate([base, extra])
    counts, edges = np.histogram(data, bins=bins)
    cases.append({
        "name": name, "n": n, "lo": lo, "hi": hi, "bins": bins,
        "dtype": "f32" if dtype is np.float32 else "f64",
        "extra": [float(x) for x in extra],
        "counts": counts.tolist(), "edges": [float(x) for x in edges],
    })

with open(os.path.join(HERE, "histogram_numpy.json"), "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases}, f, indent=1)
