#!/usr/bin/env python3
"""Builds the seed corpora under fuzz/corpus/<target>/ from files already in the repository:
golden artifact entries (with the media file each refers to, after a NUL byte, for
registry_from_json), the .wandb logs of wb-run's tests, and the conformance case files.
Run from the repository root: python3 fuzz/make_seeds.py. Seeds are named by content hash."""
import hashlib, json, os, glob

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")
MAX = 64 * 1024  # keep the committed corpus small


def put(target, data):
    if len(data) > MAX:
        return
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def paths_in(v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            if k == "path" and isinstance(x, str):
                out.append(x)
            else:
                paths_in(x, out)
    elif isinstance(v, list):
        for x in v:
            paths_in(x, out)


def referenced_file(jpath, v):
    refs = []
    paths_in(v, refs)
    base = os.path.dirname(jpath)
    for r in refs:
        for root in (base, os.path.join(base, "files"), os.path.join(base, "artifact", "files")):
            p = os.path.join(root, r)
            if os.path.isfile(p):
                return open(p, "rb").read()
    return b""


golden = glob.glob(os.path.join(ROOT, "crates/*/tests/golden/**/*.json"), recursive=True)
for p in sorted(golden):
    raw = open(p, "rb").read()
    if len(raw) > MAX:
        continue
    put("json_parse", raw)
    try:
        v = json.loads(raw)
    except ValueError:
        continue
    docs = [v] if isinstance(v, dict) else []
    # Golden files often hold several values: keep each one with a `_type`.
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            if "_type" in x and x is not v:
                docs.append(x)
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
    for d in docs:
        if isinstance(d, dict) and "_type" in d:
            text = json.dumps(d, sort_keys=True).encode()
            put("registry_from_json", text + b"\0" + referenced_file(p, d))

for p in sorted(glob.glob(os.path.join(ROOT, "crates/wb-run/tests/data/**/*.wandb"), recursive=True)):
    raw = open(p, "rb").read()
    # Mode 0: the file as is (the first 64 KiB of larger ones).
    put("wandb_reader", b"\0" + raw[:MAX - 1])

for p in sorted(glob.glob(os.path.join(ROOT, "tests/conformance/cases/*.json"))):
    raw = open(p, "rb").read()
    put("case_parser", raw)
    put("json_parse", raw)


def wandb_records(raw):
    """Record payloads of a .wandb file (LevelDB log framing after a 7-byte header)."""
    out, cur, pos, block = [], b"", 7, 32768
    while pos + 7 <= len(raw):
        room = block - pos % block
        if room < 7:
            pos += room
            continue
        n = raw[pos + 4] | raw[pos + 5] << 8
        t = raw[pos + 6]
        data = raw[pos + 7:pos + 7 + n]
        pos += 7 + n
        if t == 1:
            out.append(data)
        elif t == 2:
            cur = data
        elif t == 3:
            cur += data
        elif t == 4:
            out.append(cur + data)
        else:
            pos += block - pos % block
    return out


for p in sorted(glob.glob(os.path.join(ROOT, "crates/wb-run/tests/data/**/*.wandb"), recursive=True)):
    recs = wandb_records(open(p, "rb").read())
    # Mode 1: record payloads joined by FF 00, framed by the target; in groups of 20.
    for i in range(0, len(recs), 20):
        put("wandb_reader", b"\1" + b"\xff\0".join(recs[i:i + 20]))

# media_bytes: first byte picks the parser (see crates/wb-fuzz-targets/src/lib.rs, media_bytes).
O3D = ["obj", "gltf", "glb", "babylon", "stl", "pts.json"]
MOL = ["pdb", "pqr", "mmcif", "mcif", "cif", "sdf", "sd", "gro", "mol2", "mmtf"]
PNG, NPZ, GRAPH = len(O3D) + len(MOL), len(O3D) + len(MOL) + 1, len(O3D) + len(MOL) + 2
for p in sorted(glob.glob(os.path.join(ROOT, "crates/*/tests/**/*"), recursive=True)):
    if not os.path.isfile(p):
        continue
    raw = open(p, "rb").read()
    name = os.path.basename(p)
    sel = None
    for i, t in enumerate(O3D):
        if name.endswith("." + t):
            sel = i
    for i, t in enumerate(MOL):
        if name.endswith("." + t):
            sel = len(O3D) + i
    if name.endswith(".png"):
        sel = PNG
    elif name.endswith(".npz"):
        sel = NPZ
    elif name.endswith(".graph.json") or name.endswith(".plotly.json"):
        sel = GRAPH
    if sel is not None:
        put("media_bytes", bytes([sel]) + raw)
