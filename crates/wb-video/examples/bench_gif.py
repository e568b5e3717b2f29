"""The SDK's side of `cargo run --release -p wb-video --example bench_gif`: times
`wandb.Video(array, format="gif")` (wandb 0.31.0) on the same 16x3x256x256 inputs the Rust side
builds, best of REPEATS after one warm-up call, and keeps each GIF the SDK wrote.

Usage: python bench_gif.py OUT_DIR REPEATS  ->  one line per pattern: NAME MS_BEST PATH
"""
import os, shutil, sys, time
os.environ.setdefault("WANDB_MODE", "offline")
os.environ.setdefault("WANDB_SILENT", "true")
import numpy as np
import wandb

T, C, H, W = 16, 3, 256, 256

def pattern(name):
    t = np.arange(T, dtype=np.int64)[:, None, None, None]
    c = np.arange(C, dtype=np.int64)[None, :, None, None]
    y = np.arange(H, dtype=np.int64)[None, None, :, None]
    x = np.arange(W, dtype=np.int64)[None, None, None, :]
    zero = 0 * (t + c + y + x)
    if name == "stripes":
        a = (t * 7 + c * 50 + y * 3 + x * 5) % 256
    elif name == "smooth":
        a = np.where(c == 0, x, np.where(c == 1, y, (t * 16 + (x + y) // 2) % 256))
    elif name == "gradient":
        a = np.where(c == 0, ((x - 128) ** 2 + (y - 96) ** 2) // 300 + t * 4,
                     np.where(c == 1, (x * y) // 256 + t, (x + 2 * y + t * 8) // 3)) % 256
    elif name == "noise":
        i = np.arange(T * C * H * W, dtype=np.uint64).reshape(T, C, H, W)
        # splitmix64 of the flat index (uint64 arithmetic wraps modulo 2^64), top 8 bits
        h = i * np.uint64(0x9E3779B97F4A7C15)
        h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        a = (h ^ (h >> np.uint64(31))) >> np.uint64(56)
        zero = np.uint64(0)
    else:
        raise ValueError(name)
    return (a + zero).astype(np.uint8)

def main():
    out, repeats, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    wandb.Video(pattern("stripes")[:2], format="gif")  # warm-up: imports, moviepy
    for name in names:
        a = pattern(name)
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            v = wandb.Video(a, format="gif")
            best = min(best, time.perf_counter() - t0)
        dst = os.path.join(out, f"sdk_{name}.gif")
        shutil.copy(v._path, dst)
        print(name, f"{best * 1000:.3f}", dst, flush=True)

main()
