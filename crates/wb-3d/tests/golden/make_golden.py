"""Regenerates wb-3d's golden outputs with the real SDK (wandb==0.31.0, numpy).

Run: WANDB_MODE=offline WANDB_SILENT=true python make_golden.py
(after `python ../fixtures/make_fixtures.py`). It logs each value through the SDK's own
conversion (`val_to_json` on a real offline run, the function `run.log` uses) and
`Artifact.add`, and writes next to this script:
  run/<case>.json          the run JSON the SDK produced
  run/files/...            the media files at the JSON's `path`
  artifact/<case>.json     the artifact entry the SDK wrote (its exact bytes)
  artifact/files/...       the artifact's other entries
  points/<name>.bin        a raw little-endian array (dtype and shape in points/manifest.json)
  points/<name>.pts.json   the file the SDK writes for `Object3D(array)`
  box3d_random.json        random box3d inputs and the SDK's corners
  errors.json              case -> the SDK's error message
"""
import json, os, shutil, struct, tempfile
import numpy as np
import wandb
from wandb.sdk.data_types.utils import val_to_json

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures")
STEP = 3

def fx(name):
    return os.path.join(FIX, name)

def boxes():
    return [
        wandb.box3d(center=(0, 0, 0), size=(1, 2, 3), orientation=(1, 0, 0, 0), color=(255, 0, 0),
                    label="car", score=0.9),
        wandb.box3d(center=(1.5, -2.0, 0.25), size=(0.5, 0.5, 2.0),
                    orientation=(0.9238795325112867, 0.0, 0.0, 0.3826834323650898),
                    color=(0.5, 0.25, 1.0)),
    ]

def scene():
    return wandb.Object3D.from_point_cloud(
        points=[[0, 0, 0], [1, 2, 3.5], [-1e-7, 2e16, -0.0]],
        boxes=boxes(),
        vectors=[{"start": [0, 0, 0], "end": [1, 1, 1]}, {"start": [0.5, 0, 0], "end": [0, 0.5, 2.0]}],
    )

RUN_CASES = {
    "pc_f64": ("pc", lambda: wandb.Object3D(np.array([[0.0, -0.0, 1e-7], [2e16, 1e-5, 0.1]]))),
    "pc_int_nx4": ("pc", lambda: wandb.Object3D(np.array([[1, 2, 3, 1], [4, 5, 6, 14]], dtype=np.int64))),
    "pc_rgb_nx6": ("pc", lambda: wandb.Object3D(np.array([[0.5, 1, 2, 255, 0, 0]]), caption="rgb")),
    "pc_f32_from_numpy": ("pc", lambda: wandb.Object3D.from_numpy(np.array([[0.1, 0.2, 0.3]], dtype=np.float32))),
    "pc_uint8": ("pc", lambda: wandb.Object3D(np.array([[0, 128, 255]], dtype=np.uint8))),
    "pc_empty": ("pc", lambda: wandb.Object3D(np.zeros((0, 3)))),
    "pc_list": ("objs", lambda: [wandb.Object3D(np.array([[1.0, 2.0, 3.0]])),
                                 wandb.Object3D(np.array([[4, 5, 6]]), caption="second")]),
    "scene": ("scene", scene),
    "scene_no_boxes": ("scene", lambda: wandb.Object3D.from_point_cloud(points=[[1, 2, 3]], boxes=[])),
    "scene_dict": ("scene", lambda: wandb.Object3D({"type": "lidar/beta", "points": np.array([[1.0, 2.0, 3.0]]),
                                                     "vectors": np.array([[[0, 0, 0], [1, 1, 1]]])})),
    "file_obj": ("model", lambda: wandb.Object3D(fx("cube.obj"), caption="cube")),
    "file_gltf": ("model", lambda: wandb.Object3D(fx("tri.gltf"))),
    "file_glb": ("model", lambda: wandb.Object3D(fx("tri.glb"))),
    "file_stl_binary": ("model", lambda: wandb.Object3D(fx("tri_binary.stl"))),
    "file_stl_ascii": ("model", lambda: wandb.Object3D(fx("tri_ascii.stl"))),
    "file_babylon": ("model", lambda: wandb.Object3D(fx("tri.babylon"))),
    "file_pts": ("model", lambda: wandb.Object3D(fx("cloud.pts.json"))),
    "file_list": ("models", lambda: [wandb.Object3D(fx("cube.obj")), wandb.Object3D(fx("tri.glb"), caption="g")]),
    "mol_pdb": ("mol", lambda: wandb.Molecule(fx("water.pdb"), caption="water")),
    "mol_pqr": ("mol", lambda: wandb.Molecule(fx("water.pqr"))),
    "mol_cif": ("mol", lambda: wandb.Molecule(fx("water.cif"))),
    "mol_sdf": ("mol", lambda: wandb.Molecule(fx("ethanol.sdf"))),
    "mol_mol2": ("mol", lambda: wandb.Molecule(fx("water.mol2"))),
    "mol_gro": ("mol", lambda: wandb.Molecule(fx("water.gro"))),
    "mol_mmtf": ("mol", lambda: wandb.Molecule(fx("water.mmtf"))),
    "mol_list_captions": ("mols", lambda: [wandb.Molecule(fx("water.pdb"), caption="a"), wandb.Molecule(fx("ethanol.sdf"))]),
    "mol_list_no_captions": ("mols", lambda: [wandb.Molecule(fx("water.pdb")), wandb.Molecule(fx("ethanol.sdf"), caption="b")]),
}
ARTIFACT_CASES = {
    "pc": lambda: wandb.Object3D(np.array([[0.0, 1.5, -2.0], [3, 4, 5]])),
    "pc_caption": lambda: wandb.Object3D(np.array([[1, 2, 3]]), caption="c"),
    "scene": scene,
    "pts_file": lambda: wandb.Object3D(fx("cloud.pts.json")),
    "mol_pdb": lambda: wandb.Molecule(fx("water.pdb"), caption="water"),
    "mol_sdf": lambda: wandb.Molecule(fx("ethanol.sdf")),
}
ERROR_CASES = {
    "shape_1d": lambda: wandb.Object3D(np.zeros(3)),
    "shape_nx5": lambda: wandb.Object3D(np.zeros((2, 5))),
    "from_numpy_3d": lambda: wandb.Object3D.from_numpy(np.zeros((2, 2, 3))),
    "bad_extension": lambda: wandb.Object3D(fx("make_fixtures.py")),
    "scene_type": lambda: wandb.Object3D({"type": "radar"}),
    "point_cloud_type": lambda: wandb.Object3D.from_point_cloud(points=[[1, 2, 3]], boxes=[], point_cloud_type="radar"),
    "zero_quaternion": lambda: wandb.box3d(center=(0, 0, 0), size=(1, 1, 1), orientation=(0, 0, 0, 0), color=(1, 1, 1)),
    "artifact_obj": lambda: wandb.Artifact("a", "dataset").add(wandb.Object3D(fx("cube.obj")), "o"),
    "mol_extension": lambda: wandb.Molecule(fx("make_fixtures.py")),
    "mol_missing": lambda: wandb.Molecule(fx("missing.pdb")),
}

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

def points():
    """Arrays whose SDK files the fast writer must reproduce byte for byte."""
    rng = np.random.default_rng(20250131)
    out = {}
    bits = rng.integers(0, 2**63, size=3000, dtype=np.int64).view(np.float64)
    bits = np.where(np.isfinite(bits), bits, 1.0) * rng.choice([-1.0, 1.0], size=3000)
    scaled = rng.normal(size=3000) * 10.0 ** rng.integers(-30, 30, size=3000)
    ties = np.floor(rng.uniform(1e15, 1e16, size=600)) + rng.choice([0.25, 0.75, 0.5], size=600)
    special = np.array([0.0, -0.0, 1e-7, 2e16, 1e-5, 9.999999999999999e-6, 1e16, 9999999999999998.0,
                        5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, np.nan, np.inf, -np.inf,
                        0.1, 1.0, 100.0, 1e15, 123456789.123, 1.5e-6, 1e21, 1e-4, -1e-5, 0.3])
    ints = rng.integers(-10**6, 10**6, size=1000).astype(np.float64)
    f64 = np.concatenate([bits, scaled, ties, special, ints])
    f64 = f64[: len(f64) // 6 * 6].reshape(-1, 6)
    out["f64_mixed"] = f64
    f32 = np.concatenate([rng.normal(size=1500).astype(np.float32) * np.float32(10.0) ** rng.integers(-20, 20, size=1500).astype(np.float32),
                          np.array([0.1, -0.0, 3.4028235e38, 1e-45, 1e-7, np.nan, np.inf], dtype=np.float32)])
    out["f32_mixed"] = f32[: len(f32) // 3 * 3].reshape(-1, 3)
    out["i64_nx4"] = np.concatenate([rng.integers(-2**62, 2**62, size=396), np.array([-2**63, 2**63 - 1, 0, -1])]).reshape(-1, 4)
    out["i32_nx6"] = rng.integers(-2**31, 2**31, size=600).astype(np.int32).reshape(-1, 6)
    out["u8_nx6"] = rng.integers(0, 256, size=60).astype(np.uint8).reshape(-1, 6)
    out["bool_nx3"] = np.array([[True, False, True], [False, False, False]])
    manifest = []
    for name, a in out.items():
        o = wandb.Object3D(a)
        write(os.path.join(HERE, "points", name + ".bin"), a.astype(a.dtype.newbyteorder("<")).tobytes())
        write(os.path.join(HERE, "points", name + ".pts.json"), open(o._path, "rb").read())
        manifest.append({"name": name, "dtype": str(a.dtype), "shape": list(a.shape)})
    write(os.path.join(HERE, "points", "manifest.json"), json.dumps(manifest, indent=1).encode())

def box3d_random():
    rng = np.random.default_rng(7)
    out = []
    for i in range(300):
        c = rng.normal(size=3) * rng.choice([1, 10, 1000])
        s = np.abs(rng.normal(size=3)) * rng.choice([0.1, 1, 50])
        q = rng.normal(size=4)
        if i % 10 == 0:
            q[rng.integers(4)] = 0
        b = wandb.box3d(center=c, size=s, orientation=q, color=(1, 2, 3))
        out.append({"c": c.tolist(), "s": s.tolist(), "q": q.tolist(),
                    "corners": [[float(x) for x in p] for p in b["corners"]]})
    write(os.path.join(HERE, "box3d_random.json"), json.dumps(out).encode())

def main():
    for d in ("run", "artifact", "points"):
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)
    work = tempfile.mkdtemp()
    run = wandb.init(project="golden", dir=work, mode="offline",
                     settings=wandb.Settings(console="off", x_disable_stats=True))
    for case, (key, make) in RUN_CASES.items():
        js = val_to_json(run, key, make(), namespace=STEP)
        write(os.path.join(HERE, "run", case + ".json"), json.dumps(js, indent=1).encode())
        paths = [o["path"] for o in js.get("objects", [])] if "objects" in js else \
            js.get("filenames", [js.get("path")])
        for p in paths:
            write(os.path.join(HERE, "run", "files", p), open(os.path.join(run.dir, p), "rb").read())
    for case, make in ARTIFACT_CASES.items():
        art = wandb.Artifact("golden", "dataset")
        art.add(make(), case)
        for entry in art.manifest.entries.values():
            src = entry.local_path
            dest = os.path.join(HERE, "artifact", case + ".json") if entry.path.endswith(".object3D-file.json") \
                or entry.path.endswith(".molecule-file.json") else os.path.join(HERE, "artifact", "files", entry.path)
            write(dest, open(src, "rb").read())
    errors = {}
    for case, make in ERROR_CASES.items():
        try:
            make()
            errors[case] = None
        except BaseException as e:  # noqa: BLE001 - we record whatever the SDK raises
            errors[case] = f"{type(e).__name__}: {e}".replace(os.path.abspath(FIX), "<fixtures>").replace(FIX, "<fixtures>")
    write(os.path.join(HERE, "errors.json"), json.dumps(errors, indent=1).encode())
    points()
    box3d_random()
    run.finish()

if __name__ == "__main__":
    main()
