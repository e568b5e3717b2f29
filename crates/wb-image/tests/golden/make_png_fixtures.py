"""Writes tests/golden/pillow_*.png: small images saved by Pillow 11.3 the way wandb.Image saves
them (`save(path, transparency=None)`), to check our per-row filter choice against Pillow's.

  /work/venv-ref/bin/python crates/wb-image/tests/golden/make_png_fixtures.py
"""
import os
import numpy as np
from PIL import Image

OUT = os.path.dirname(os.path.abspath(__file__))
H, W = 48, 40
i = np.arange(H * W * 4, dtype=np.uint64)
v = (i * np.uint64(2654435761) + np.uint64(12345)) % np.uint64(1 << 32)
v = ((v ^ (v >> np.uint64(13))) * np.uint64(1274126177)) % np.uint64(1 << 32)
noise = ((v >> np.uint64(16)) & np.uint64(255)).astype(np.uint8).reshape(H, W, 4)
y, x = np.mgrid[0:H, 0:W].astype(np.float64)
photo = np.stack([128 + 100 * np.sin(x / 7.0) * np.cos(y / 9.0), 255 * x / (W - 1), 255 * y / (H - 1)], -1)
photo[(x - W / 2) ** 2 + (y - H / 2) ** 2 < 100] = [250, 40, 30]
photo = photo.astype(np.uint8)
for name, arr in {
    "rgba_noise": noise,
    "rgb_photo": photo,
    "l_photo": photo[..., 1],
    "la_mix": np.dstack([photo[..., 0], noise[..., 0]]),
    "rgb_flat": np.full((H, W, 3), 9, np.uint8),
}.items():
    Image.fromarray(arr).save(os.path.join(OUT, f"pillow_{name}.png"), transparency=None)
