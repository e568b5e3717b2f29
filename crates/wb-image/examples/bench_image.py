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


def noise():
    i = np.arange(H * W * 3, dtype=np.uint64)
    v = (i * np.uint64(2654435761) + np.uint64(12345)) % np.uint64(1 << 32)
    v = ((v ^ (v >> np.uint64(13))) * np.uint64(1274126177)) % np.uint64(1 << 32)
    return ((v >> np.uint64(16)) & np.uint64(255)).astype(np.uint8).reshape(H, W, 3)


def photo():
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    img = np.stack([128 + 100 * np.sin(x / 40.0) * np.cos(y / 60.0), 255 * x / (W - 1), 255 * y / (H - 1)], -1)
    img[(x - W / 2) ** 2 + (y - H / 2) ** 2 < (min(H, W) / 4) ** 2] = [250, 40, 30]
    img[(x > 40) & (x < 120) & (y > 300) & (y < 400)] = [20, 200, 60]
    return img.astype(np.uint8)


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
