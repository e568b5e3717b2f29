"""Writes a corpus of 300 mixed images saved by Pillow (as wandb.Image saves them) into the
folder given, for examples/png_sizes.rs:

  python crates/wb-image/examples/png_sizes.py /tmp/png-corpus
  cargo run --release -p wb-image --example png_sizes -- /tmp/png-corpus
"""
import os, sys
import numpy as np
from PIL import Image

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(1)
for i in range(300):
    h, w = int(rng.integers(1, 300)), int(rng.integers(1, 300))
    c = int(rng.choice([1, 3, 4]))
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    kind = i % 6
    if kind == 0:  # noise
        a = rng.integers(0, 256, (h, w, c))
    elif kind == 1:  # gradients
        a = np.stack([(x * rng.uniform(0, 3) + y * rng.uniform(0, 3) + j * 40) % 256 for j in range(c)], -1)
    elif kind == 2:  # few colours
        a = rng.integers(0, int(rng.integers(2, 8)), (h, w, c)) * 30
    elif kind == 3:  # photo-like: smooth waves plus sensor noise
        a = np.stack([128 + 120 * np.sin(x / rng.uniform(3, 60) + j) * np.cos(y / rng.uniform(3, 60)) for j in range(c)], -1)
        a = a + rng.normal(0, rng.uniform(0, 10), (h, w, c))
    elif kind == 4:  # blocks
        a = np.repeat(np.repeat(rng.integers(0, 256, (h // 8 + 1, w // 8 + 1, c)), 8, 0), 8, 1)[:h, :w]
    else:  # stripes / masks
        a = ((x // rng.integers(1, 40) + y // rng.integers(1, 40)) % 5)[..., None].repeat(c, -1) * 50
    a = np.clip(a, 0, 255).astype(np.uint8)
    Image.fromarray(a[..., 0] if c == 1 else a).save(os.path.join(out, f"{i:03d}.png"), transparency=None)
