"""The Python side of `cargo xtask bench`: the same operations, on the same inputs, in the
wandb 0.31.0 SDK.

    python bench.py NAME output --out DIR [--rust-output PATH]
        Runs the operation once, keeps its output under DIR and prints one JSON line:
        {"output": PATH, "bytes": N, "equivalent": BOOL, "detail": TEXT}
        (the comparison with our output, when --rust-output is given).
    python bench.py NAME time --out DIR [--reps N] [--budget SECONDS]
        Warms up, then times the operation (time.perf_counter, garbage collection off, as
        timeit does), deleting the files each run wrote after its timing (as the Rust side
        does: files piling up make each write land on page-cache pages the VM never touched,
        ~33 ms instead of ~2.6 ms for 11.4 MB here), and prints {"ms": MEDIAN, "runs_ms": [...]}.

Every input is built from a seed-free formula that xtask/src/bench/inputs.rs repeats
exactly (integer hashing and IEEE-exact float arithmetic only, no libm), so both sides log
identical data. Each operation is what a user of the SDK pays for: for media, construction
plus `val_to_json` (what `run.log` does with the value: bind it to the run, write the file,
build its JSON); for the table, `wandb.Table(...)` plus `Artifact.add`; for the run,
`wandb.init(mode="offline")`, the `run.log` calls and `run.finish()`; for run-online the same
with `mode="online"` against the fake backend at $WANDB_BASE_URL, `finish()` returning once
everything is uploaded.
"""

import argparse
import gc
import glob
import json
import os
import shutil
import statistics
import struct
import sys
import tempfile
import time
import zlib

os.environ.setdefault("WANDB_MODE", "offline")
os.environ.setdefault("WANDB_SILENT", "true")
os.environ.setdefault("WANDB_DISABLE_GIT", "true")
os.environ.setdefault("WANDB_DISABLE_CODE", "true")

import numpy as np  # noqa: E402
import wandb  # noqa: E402
from wandb.sdk.data_types.utils import val_to_json  # noqa: E402

M32 = np.uint32(0xFFFFFFFF)


# ---------------------------------------------------------------------------------------------
# Inputs (mirrored in xtask/src/bench/inputs.rs)


def hash32(i):
    """A 32-bit integer hash of each element of `i` (uint64 array -> uint32 array)."""
    x = (i & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    x ^= x >> np.uint32(16)
    x *= np.uint32(0x7FEB352D)
    x ^= x >> np.uint32(15)
    x *= np.uint32(0x846CA68B)
    x ^= x >> np.uint32(16)
    return x


def unit(i):
    """hash32(i) / 2**32 as float64, in [0, 1)."""
    return hash32(i).astype(np.float64) / 4294967296.0


def noise_image():
    i = np.arange(512 * 512 * 3, dtype=np.uint64)
    return (hash32(i) >> np.uint32(24)).astype(np.uint8).reshape(512, 512, 3)


def photo_image():
    """Smooth gradients, a disc, a block with windows and a little sensor noise."""
    y, x = np.mgrid[0:512, 0:512].astype(np.int64)
    r = (x + y) * 255 // 1022
    g = 64 + y * 128 // 511
    b = 200 - x * 100 // 511
    disc = (x - 300) ** 2 + (y - 200) ** 2 < 80 * 80
    r, g, b = np.where(disc, 250, r), np.where(disc, 220, g), np.where(disc, 120, b)
    block = (x >= 60) & (x < 200) & (y >= 300) & (y < 480)
    lit = block & (((x // 10) + (y // 14)) % 3 == 0)
    r, g, b = np.where(block, 90, r), np.where(block, 90, g), np.where(block, 100, b)
    r, g, b = np.where(lit, 200, r), np.where(lit, 200, g), np.where(lit, 150, b)
    img = np.stack([r, g, b], axis=-1)
    idx = np.arange(512 * 512 * 3, dtype=np.uint64).reshape(512, 512, 3)
    img = img + (hash32(idx) >> np.uint32(29)).astype(np.int64)
    return np.minimum(img, 255).astype(np.uint8)


def histogram_data():
    n = 10_000_000
    i = np.arange(n, dtype=np.uint64)
    return (unit(i) + unit(i + np.uint64(n)) - 1.0) * 3.0


TABLE_COLUMNS = ["id", "score", "name", "flag", "tags"]


def table_rows():
    i = np.arange(10_000, dtype=np.uint64)
    score = (unit(i) * 100.0).tolist()
    return [
        [k, score[k], "item-%05d" % k, k % 3 == 0, [k % 7, k % 11, k % 13]]
        for k in range(10_000)
    ]


def video_frames():
    """16 frames x 3 channels x 256 x 256: a pattern that scrolls, and a moving square."""
    t, c, y, x = np.meshgrid(
        np.arange(16), np.arange(3), np.arange(256), np.arange(256), indexing="ij"
    )
    v = ((x + 8 * t) * (c + 1) + y) % 256
    square = (x >= 16 * t) & (x < 16 * t + 48) & (y >= 100) & (y < 148)
    v = np.where(square, 255 - 80 * c, v)
    return v.astype(np.uint8)


def points():
    k = np.arange(1, 100_000 * 6 + 1, dtype=np.float64)
    return (np.fmod(k * 0.6180339887498949, 1.0) * 200.0 - 100.0).reshape(100_000, 6)


def audio_samples():
    n = 5 * 44100
    i = np.arange(n, dtype=np.uint64)
    tri = ((i * np.uint64(880)) % np.uint64(44100)).astype(np.float64) / 44100.0 * 2.0 - 1.0
    return (tri * 0.6 + (unit(i) - 0.5) * 0.4).astype(np.float32)


RUN_STEPS = 10_000
RUN_WARMUP_STEPS = 200


def run_rows(steps):
    base = unit(np.arange(1000, dtype=np.uint64))
    for s in range(steps):
        yield s, {
            "loss": 1.0 / (1.0 + s * 0.01),
            "acc": 1.0 - 0.5 / (1.0 + s * 0.01),
            "lr": 0.001 / (1.0 + s * 0.0001),
        }, base + s * 0.001


# ---------------------------------------------------------------------------------------------
# Operations


class Ctx:
    """A bench's scratch folder and, for media, one offline run to bind values to."""

    def __init__(self, out):
        self.out = out
        self._run = None
        self._step = -1

    def next_step(self):
        """Each call logs at a new step, so each writes a new file (as in training), never
        replacing the previous one."""
        self._step += 1
        return self._step

    def run(self):
        if self._run is None:
            self._run = wandb.init(mode="offline", dir=self.out, project="wb-bench")
        return self._run

    def media_path(self, js):
        return os.path.join(self.run().dir, js["path"])

    def close(self):
        if self._run is not None:
            self._run.finish()


def media_op(ctx, make, key):
    run = ctx.run()
    return ctx.media_path(val_to_json(run, key, make(), namespace=ctx.next_step()))


def op_image(ctx, inp):
    noise, photo = inp
    a = media_op(ctx, lambda: wandb.Image(noise), "noise")
    b = media_op(ctx, lambda: wandb.Image(photo), "photo")
    return [a, b]


def op_histogram(ctx, inp):
    h = wandb.Histogram(inp)
    path = os.path.join(ctx.out, "histogram.json")
    return h, path


def op_table(ctx, inp):
    art = wandb.Artifact("bench-table", "dataset")
    table = wandb.Table(columns=TABLE_COLUMNS, data=inp)
    entry = art.add(table, "t")
    return entry.local_path


def op_video(ctx, inp):
    return media_op(ctx, lambda: wandb.Video(inp, fps=4, format="gif"), "video")


def op_video_mp4(ctx, inp):
    return media_op(ctx, lambda: wandb.Video(inp, fps=4, format="mp4"), "video")


def op_object3d(ctx, inp):
    return media_op(ctx, lambda: wandb.Object3D(inp), "points")


def op_audio(ctx, inp):
    return media_op(ctx, lambda: wandb.Audio(inp, sample_rate=44100), "audio")


def op_run(ctx, inp, steps=RUN_STEPS, system=True):
    d = tempfile.mkdtemp(dir=ctx.out)
    settings = None if system else wandb.Settings(x_disable_stats=True, x_disable_meta=True)
    run = wandb.init(mode="offline", dir=d, project="wb-bench", settings=settings)
    for _, row, data in run_rows(steps):
        row["h"] = wandb.Histogram(data)
        run.log(row)
    run.finish()
    return glob.glob(os.path.join(d, "wandb", "offline-run-*", "run-*.wandb"))[0]


PARTS = {"in log": [], "last log to finish": []}
"""Per run of op_run_online, in seconds: the time inside the `run.log` calls, and from the last
`run.log` to `run.finish()` returning (core uploading what is left)."""


def op_run_online(ctx, inp, steps=RUN_STEPS):
    """The run bench online (mode="online", to the fake backend at $WANDB_BASE_URL), with core's
    system metrics, metadata and console capture off, as the Rust side runs it."""
    d = tempfile.mkdtemp(dir=ctx.out)
    run = wandb.init(
        mode="online",
        dir=d,
        project="wb-bench",
        settings=wandb.Settings(x_disable_stats=True, x_disable_meta=True, console="off"),
    )
    in_log = 0.0
    for _, row, data in run_rows(steps):
        row["h"] = wandb.Histogram(data)
        t = time.perf_counter()
        run.log(row)
        in_log += time.perf_counter() - t
    t = time.perf_counter()
    run.finish()
    PARTS["last log to finish"].append(time.perf_counter() - t)
    PARTS["in log"].append(in_log)
    return glob.glob(os.path.join(d, "wandb", "run-*", "run-*.wandb"))[0]


# ---------------------------------------------------------------------------------------------
# Equivalence checks: (equivalent, detail)


def png_pixels(path):
    from PIL import Image

    with Image.open(path) as im:
        return im.mode, np.asarray(im)


def check_image(py, rust):
    for name, p, r in zip(["noise", "photo"], py, rust):
        pm, pp = png_pixels(p)
        rm, rp = png_pixels(r)
        if pm != rm or pp.shape != rp.shape or not np.array_equal(pp, rp):
            return False, f"{name}: decoded pixels differ ({pm} {pp.shape} vs {rm} {rp.shape})"
    return True, "same decoded pixels (both PNGs)"


def check_histogram(py, rust):
    with open(rust) as f:
        ours = json.load(f)
    if ours.get("values") != py.histogram or ours.get("bins") != py.bins:
        return False, "counts or edges differ"
    return True, "same counts and edges"


def check_same_json(py, rust):
    with open(py) as f:
        a = json.load(f)
    with open(rust) as f:
        b = json.load(f)
    if a != b:
        return False, "the parsed JSON differs"
    return True, "same parsed JSON"


def check_same_bytes(py, rust):
    with open(py, "rb") as f:
        a = f.read()
    with open(rust, "rb") as f:
        b = f.read()
    if a != b:
        return False, f"bytes differ ({len(a)} vs {len(b)})"
    return True, "byte-identical"


def gif_shape(path):
    from PIL import Image

    with Image.open(path) as im:
        return im.n_frames, im.size


def check_video(py, rust):
    a, b = gif_shape(py), gif_shape(rust)
    if a != b:
        return False, f"frames/size differ: {a} vs {b}"
    return True, f"same frame count and size ({a[0]} frames, {a[1][0]}x{a[1][1]})"


def mp4_frames(path):
    """The frames of an MP4 as ffmpeg decodes them (imageio-ffmpeg, the SDK's own stack)."""
    import imageio

    r = imageio.get_reader(path, "ffmpeg")
    frames = np.stack(list(r.iter_data()))
    r.close()
    return frames


def check_video_mp4(py, rust):
    """Same frame count and size; our frames as close to the input as the SDK's libx264 file's
    (within 1 dB of its PSNR: ours is a different H.264 encoder, so the bytes differ; both
    lose the same in 4:2:0 colour)."""
    a, b = mp4_frames(py), mp4_frames(rust)
    if a.shape != b.shape:
        return False, f"frames/size differ: {a.shape} vs {b.shape}"
    want = video_frames().transpose(0, 2, 3, 1).astype(np.float64)

    def psnr(f):
        mse = ((f.astype(np.float64) - want) ** 2).mean()
        return 10 * np.log10(255.0**2 / max(mse, 1e-12))

    p_py, p_rust = psnr(a), psnr(b)
    detail = (f"same frame count and size ({a.shape[0]} frames, {a.shape[2]}x{a.shape[1]}); "
              f"PSNR to the input: ours {p_rust:.1f} dB, the SDK's {p_py:.1f} dB")
    return p_rust >= p_py - 1.0, detail


def wandb_records(path):
    """Reads a .wandb file (LevelDB log framing, W&B header) into Record messages."""
    from wandb.proto import wandb_internal_pb2

    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b":W&B":
        raise ValueError(f"{path}: not a .wandb file")
    records, pending, pos, block = [], b"", 7, 32 * 1024
    while pos + 7 <= len(data):
        left = block - pos % block
        if left < 7:
            pos += left
            continue
        crc, length, kind = struct.unpack_from("<IHB", data, pos)
        payload = data[pos + 7 : pos + 7 + length]
        pos += 7 + length
        if zlib.crc32(bytes([kind]) + payload) & 0xFFFFFFFF != crc:
            raise ValueError(f"{path}: bad chunk checksum at {pos}")
        if kind == 1:
            pending = payload
        elif kind == 2:
            pending = payload
            continue
        elif kind == 3:
            pending += payload
            continue
        elif kind == 4:
            pending += payload
        else:
            raise ValueError(f"{path}: unknown chunk type {kind} at {pos}")
        rec = wandb_internal_pb2.Record()
        rec.ParseFromString(pending)
        records.append(rec)
        pending = b""
    return records


def history(path):
    rows = []
    for rec in wandb_records(path):
        if rec.WhichOneof("record_type") != "history":
            continue
        row = {}
        for item in rec.history.item:
            key = "/".join(item.nested_key) if item.nested_key else item.key
            if key in ("_timestamp", "_runtime"):
                continue
            row[key] = json.loads(item.value_json)
        rows.append(row)
    return rows


def check_run(py, rust):
    a, b = history(py), history(rust)
    if len(a) != len(b):
        return False, f"{len(a)} history rows vs {len(b)}"
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
            return False, f"history row {i} differs at {keys}"
    return True, f"same {len(a)} history rows (all but _timestamp and _runtime)"


# ---------------------------------------------------------------------------------------------
# Benches: input, operation, how to keep and compare the output, warm-up


def keep_files(paths, out):
    """Copies each output file under out/python/ (the run's folder is reused) and returns the
    copies."""
    dest = os.path.join(out, "python")
    os.makedirs(dest, exist_ok=True)
    kept = []
    for p in paths:
        q = os.path.join(dest, os.path.basename(p))
        shutil.copyfile(p, q)
        kept.append(q)
    return kept


def histogram_output(ctx, result):
    h, path = result
    with open(path, "w") as f:
        json.dump({"_type": "histogram", "values": h.histogram, "bins": h.bins}, f)
    return h, [path]


BENCHES = {
    "image": dict(input=lambda: (noise_image(), photo_image()), op=op_image, check=check_image),
    "histogram": dict(input=histogram_data, op=op_histogram, check=check_histogram),
    "table": dict(input=table_rows, op=op_table, check=check_same_json),
    "video": dict(input=video_frames, op=op_video, check=check_video),
    "video-mp4": dict(input=video_frames, op=op_video_mp4, check=check_video_mp4),
    "object3d": dict(input=points, op=op_object3d, check=check_same_bytes),
    "audio": dict(input=audio_samples, op=op_audio, check=check_same_bytes),
    "run": dict(
        input=lambda: None,
        op=op_run,
        check=check_run,
        warmup=lambda ctx, inp: op_run(ctx, inp, RUN_WARMUP_STEPS),
    ),
    # The same run without system metrics and metadata.
    "run-nostats": dict(
        input=lambda: None,
        op=lambda ctx, inp: op_run(ctx, inp, system=False),
        check=check_run,
        warmup=lambda ctx, inp: op_run(ctx, inp, RUN_WARMUP_STEPS, system=False),
    ),
    "run-online": dict(
        input=lambda: None,
        op=op_run_online,
        check=check_run,
        warmup=lambda ctx, inp: op_run_online(ctx, inp, RUN_WARMUP_STEPS),
    ),
}


def as_list(x):
    return x if isinstance(x, list) else [x]


def cmd_output(name, bench, ctx, rust_output):
    inp = bench["input"]()
    result = bench["op"](ctx, inp)
    if name == "histogram":
        handle, files = histogram_output(ctx, result)
        size = None
    else:
        files = keep_files(as_list(result), ctx.out)
        handle = files if isinstance(result, list) else files[0]
        size = sum(os.path.getsize(p) for p in files)
    out = {"output": files, "bytes": size}
    if rust_output is not None:
        rust = rust_output if len(rust_output) > 1 else rust_output[0]
        ok, detail = bench["check"](handle, rust)
        out.update(equivalent=bool(ok), detail=detail)
    return out


def produced_files(result):
    """The files an operation's result names (the histogram writes none)."""
    if isinstance(result, tuple):
        return []
    return [p for p in as_list(result) if isinstance(p, str)]


def timed_run(op):
    """One run of `op` in seconds, as timeit times it (perf_counter, gc off); then its files
    are deleted, outside the timing."""
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        result = op()
        elapsed = time.perf_counter() - t0
    finally:
        if gc_was_on:
            gc.enable()
    for path in produced_files(result):
        if os.path.isfile(path):
            os.remove(path)
    return elapsed


def cmd_time(bench, ctx, reps, budget):
    inp = bench["input"]()
    warm = bench.get("warmup", bench["op"])
    warm(ctx, inp)
    for v in PARTS.values():
        v.clear()
    first = timed_run(lambda: bench["op"](ctx, inp))
    runs = [first]
    # At least three runs; more while the time budget lasts, up to `reps`.
    more = max(2, min(reps - 1, int(budget / max(first, 1e-6))))
    runs += [timed_run(lambda: bench["op"](ctx, inp)) for _ in range(more)]
    ms = [r * 1e3 for r in runs]
    parts = {k: [x * 1e3 for x in v] for k, v in PARTS.items() if v}
    return {"ms": statistics.median(ms), "runs_ms": ms, "parts": parts}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("name", choices=sorted(BENCHES))
    p.add_argument("phase", choices=["output", "time"])
    p.add_argument("--out", required=True)
    p.add_argument("--rust-output", nargs="+")
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--budget", type=float, default=20.0)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    ctx = Ctx(a.out)
    try:
        if a.phase == "output":
            res = cmd_output(a.name, BENCHES[a.name], ctx, a.rust_output)
        else:
            res = cmd_time(BENCHES[a.name], ctx, a.reps, a.budget)
    finally:
        ctx.close()
    res["python"] = sys.version.split()[0]
    res["wandb"] = wandb.__version__
    res["numpy"] = np.__version__
    print(json.dumps(res))


if __name__ == "__main__":
    main()
