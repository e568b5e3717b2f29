"""Produces the golden files of tests/golden.rs with the reference SDK (wandb==0.31.0).

Run from the repository root:
  WANDB_MODE=offline WANDB_SILENT=true /work/venv-ref/bin/python crates/wb-image/tests/golden/make_golden.py
Each scenario writes <name>.json: what the SDK produced (history JSON, config singletons,
artifact entries as parsed JSON, sidecar texts, decoded pixels of its PNGs).
"""
import json, os, sys, tempfile
import numpy as np
import wandb
from PIL import Image as PILImage

OUT = os.path.dirname(os.path.abspath(__file__))
os.chdir(tempfile.mkdtemp())
run = wandb.init(mode="offline", project="golden")
files = run.dir


def pixels(path):
    im = PILImage.open(path)
    return {"mode": im.mode, "width": im.width, "height": im.height,
            "data": np.asarray(im).ravel().tolist()}


def media(json_obj):
    """Sidecar texts and PNG pixels for every path in a run JSON value."""
    out = {}
    def walk(v):
        if isinstance(v, dict):
            p = v.get("path")
            if isinstance(p, str):
                full = os.path.join(files, p)
                if p.endswith(".json"):
                    out[p] = open(full, encoding="utf-8").read()
                elif p.endswith(".png"):
                    out[p] = pixels(full)
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(json_obj)
    return out


def singletons():
    w = dict(run._config._items.get("_wandb", {}))
    return {k: w[k] for k in ("bounding_box/class_labels", "mask/class_labels") if k in w}


def save(name, obj):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(obj, f, indent=1)  # insertion order kept: the run JSON key order is checked


def ramp(shape, mul=7):
    return (np.arange(int(np.prod(shape))) * mul % 256).reshape(shape).astype(np.uint8)


BOXES = [
    {"position": {"minX": 0.1, "maxX": 0.2, "minY": 0.3, "maxY": 0.4}, "class_id": 1, "box_caption": "car", "scores": {"acc": 0.2, "loss": 1.2}},
    {"position": {"middle": [3, 2], "width": 2, "height": 1}, "domain": "pixel", "class_id": 3, "box_caption": "bldg", "scores": {"acc": 0.5}},
]
MASK = np.array([[0, 1, 1, 3], [3, 3, 0, 1], [1, 1, 1, 1]], np.uint8)


def log_scenario(name, key, value, step):
    from wandb.sdk.data_types.utils import val_to_json
    j = val_to_json(run, key, value, namespace=step)
    save(name, {"key": key, "step": step, "json": j, "media": media(j), "singletons": singletons()})


# 1. boxes (given labels and default ones) and a mask with default labels on one image.
log_scenario("boxes_masks", "scene", wandb.Image(
    ramp((3, 4, 3)), caption="both",
    boxes={"predictions": {"box_data": BOXES, "class_labels": {1: "car", 3: "building"}},
           "truth": {"box_data": [dict(BOXES[0], class_id=7)]}},
    masks={"seg": {"mask_data": MASK}}), 2)

# 2. a list: captions with a null, boxes on one image only.
log_scenario("list", "batch", [
    wandb.Image(ramp((2, 3, 3)), caption="a", boxes={"p": {"box_data": [BOXES[0]]}}),
    wandb.Image(ramp((2, 3, 3), 3)),
], 4)

# 3. pixels of every dtype and shape the SDK casts.
cast = {}
for name, arr in {
    "int32": np.array([[-1, 256, 1000], [300, 0, 255]], np.int32),
    "float32": np.array([[0.0, 0.5, 1.0, 0.99], [254.9, -1.0, 300.7, 128.5]], np.float32),
    "float64_rgb": np.linspace(-3, 400, 18).reshape(2, 3, 3),
    "bool": np.array([[True, False], [False, True]]),
    "rgba": ramp((3, 5, 4), 13),
    "squeeze": ramp((1, 5, 3)),
}.items():
    im = wandb.Image(arr)
    cast[name] = {"shape": list(arr.shape), "dtype": str(arr.dtype), "input": arr.ravel().tolist(),
                  "pixels": pixels(im._path), "width": im._width, "height": im._height}
save("cast", cast)

# 4. an artifact with boxes, masks and classes, and a table with an image column.
art = wandb.Artifact("golden", "dataset")
img = wandb.Image(ramp((3, 4, 3)), caption="c",
                  boxes={"pred": {"box_data": BOXES, "class_labels": {1: "car", 3: "building"}}},
                  masks={"m": {"mask_data": MASK, "class_labels": {0: "bg", 1: "car", 3: "building"}}},
                  classes=[{"id": 0, "name": "bg"}, {"id": 2, "name": "bike"}])
art.add(img, "sample")
table = wandb.Table(columns=["image", "n"])
table.add_data(img, 1)
table.add_data(wandb.Image(ramp((2, 2))), 2)
art.add(table, "tab")
entries = {}
for name, e in art.manifest.entries.items():
    if name.endswith(".json"):
        entries[name] = json.load(open(e.local_path))
save("artifact", {"entries": sorted(art.manifest.entries), "json": entries,
                  "digests": {n: e.digest for n, e in art.manifest.entries.items()}})
run.finish()
