"""Python side of examples/bench_image.rs: wandb 0.31.0 logging the same 512x512x3 images.

  WANDB_MODE=offline WANDB_SILENT=true python crates/wb-image/examples/bench_image.py

Times `wandb.Image(array)` + binding to the run + `to_json(run)` (what `run.log` does to a
media value before sending it), median of 30 runs per input.
"""
import os, tempfile, time
import numpy as np
import wandb
from wandb.sdk.data_types.utils import val_to_json

H = W = 512


def hash32(i):
    """`cargo xtask bench`'s 32-bit hash (tests/bench/bench.py)."""
    x = np.asarray(i, dtype=np.uint64) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    return x


def noise():
    i = np.arange(H * W * 3, dtype=np.uint64)
    return (hash32(i) >> np.uint64(24)).astype(np.uint8).reshape(H, W, 3)


def photo():
    y, x = np.mgrid[0:H, 0:W].astype(np.int64)
    img = np.stack([(x + y) * 255 // 1022, 64 + y * 128 // 511, 200 - x * 100 // 511], -1)
    img[(x - 300) ** 2 + (y - 200) ** 2 < 80 * 80] = [250, 220, 120]
    block = (x >= 60) & (x < 200) & (y >= 300) & (y < 480)
    img[block] = [90, 90, 100]
    img[block & ((x // 10 + y // 14) % 3 == 0)] = [200, 200, 150]
    idx = np.arange(H * W * 3, dtype=np.uint64).reshape(H, W, 3)
    img = img + (hash32(idx) >> np.uint64(29)).astype(np.int64)
    return np.minimum(img, 255).astype(np.uint8)


os.chdir(tempfile.mkdtemp())
run = wandb.init(mode="offline", project="bench")
for name, arr in [("noise", noise()), ("photo", photo())]:
    times = []
    for step in range(30):
        t = time.perf_counter()
        j = val_to_json(run, "img", wandb.Image(arr), namespace=step)
        times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    print(f"python {name}: median {times[15]:.2f} ms, min {times[0]:.2f} ms, png {j['size']} bytes (30 runs)")
run.finish()
