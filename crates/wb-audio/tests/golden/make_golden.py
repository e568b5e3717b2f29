"""Regenerates wb-audio's golden outputs with the real SDK (wandb==0.31.0, soundfile 0.14,
libsndfile 1.2.2).

Run: WANDB_MODE=offline WANDB_SILENT=true python make_golden.py
Every input is a closed-form formula that tests/golden.rs computes the same way (no random
numbers, no transcendental functions), so both sides log identical samples. It writes, next to
this script:
  run/<case>.json        the run JSON `val_to_json` (what `run.log` uses) produced
  run/files/...          the media files at the JSON's `path` (the WAV files soundfile wrote)
  artifact/<case>.audio-file.json and artifact/files/...   `Artifact.add(audio, case)` entries
  errors.json            case -> the SDK's error message
"""
import json, os, shutil, tempfile
import numpy as np
import wandb
from wandb.sdk.data_types.utils import val_to_json

HERE = os.path.dirname(os.path.abspath(__file__))
STEP = 3

def ramp(n, lo, hi):
    # ((i * 37) % 2001 - 1000) / 1000 * (hi - lo) / 2 + (hi + lo) / 2, in float64
    i = np.arange(n, dtype=np.int64)
    u = ((i * 37) % 2001 - 1000).astype(np.float64) / 1000.0
    return u * ((hi - lo) / 2.0) + (hi + lo) / 2.0

def edges():
    k = np.arange(-40, 40, dtype=np.float64)
    base = np.concatenate([k, k + 0.5, k + 0.25, k + 0.75, 32766.0 + k / 8, -32767.0 + k / 8])
    return np.concatenate([base / 32768.0, [1.0, -1.0, 1.5, -2.0, 0.99999, -0.99999, 1e30, -1e30]])

def file_with(ext, content):
    p = os.path.join(tempfile.mkdtemp(), "clip" + ext)
    with open(p, "wb") as f:
        f.write(content)
    return p

FAKE_MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x0fnot really an mp3, just bytes"

RUN_CASES = {
    "mono_f64": ("aud", lambda: wandb.Audio(ramp(1000, -1.5, 1.5), sample_rate=8000)),
    "mono_f32": ("aud", lambda: wandb.Audio(ramp(999, -0.9, 0.7).astype(np.float32), sample_rate=22050)),
    "mono_i16": ("aud", lambda: wandb.Audio((np.arange(-32768, 32768, 97)).astype(np.int16), sample_rate=16000)),
    "mono_i32": ("aud", lambda: wandb.Audio((np.arange(-2**31, 2**31 - 2**24, 2**24 + 12345)).astype(np.int32), sample_rate=44100)),
    "stereo_f64": ("aud", lambda: wandb.Audio(ramp(1200, -1.0, 1.0).reshape(600, 2), sample_rate=48000, caption="stereo")),
    "six_ch_i16": ("aud", lambda: wandb.Audio((np.arange(60) * 1000 - 30000).astype(np.int16).reshape(10, 6), sample_rate=8000)),
    "edges_f64": ("aud", lambda: wandb.Audio(edges(), sample_rate=8000)),
    "edges_f32": ("aud", lambda: wandb.Audio(edges().astype(np.float32), sample_rate=8000)),
    "empty": ("aud", lambda: wandb.Audio(np.zeros(0, dtype=np.int16), sample_rate=8000)),
    "caption": ("a/b", lambda: wandb.Audio(ramp(100, -0.5, 0.5), sample_rate=1000, caption="h\u00e9llo")),
    "path_mp3": ("aud", lambda: wandb.Audio(file_with(".mp3", FAKE_MP3))),
    "list_mixed": ("aud", lambda: [
        wandb.Audio(ramp(800, -1, 1), sample_rate=8000, caption="x"),
        wandb.Audio(ramp(400, -0.5, 0.5), sample_rate=16000),
        wandb.Audio(file_with(".mp3", FAKE_MP3)),
    ]),
    "list_no_captions": ("aud", lambda: [
        wandb.Audio(ramp(800, -1, 1), sample_rate=8000),
        wandb.Audio(ramp(300, -0.25, 0.5), sample_rate=3000),
    ]),
}
ARTIFACT_CASES = {
    "art_caption": lambda: wandb.Audio(ramp(100, -0.5, 0.5), sample_rate=1000, caption="c"),
    "art_plain": lambda: wandb.Audio(ramp(800, -1, 1), sample_rate=8000),
    "art_path": lambda: wandb.Audio(file_with(".mp3", FAKE_MP3)),
}
ERROR_CASES = {
    "no_sample_rate": lambda: wandb.Audio(ramp(10, -1, 1)),
    "three_dims": lambda: wandb.Audio(np.zeros((3, 2, 2), dtype=np.int16), sample_rate=8000),
    "int64": lambda: wandb.Audio(np.zeros(3, dtype=np.int64), sample_rate=8000),
    "from_json_no_caption": lambda: _roundtrip(wandb.Audio(ramp(8, -1, 1), sample_rate=8000)),
}

def _roundtrip(val):
    # Audio.from_json on the entry `Artifact.add` wrote, with a stand-in for the artifact
    # (offline artifacts cannot be read back before they are logged).
    art = wandb.Artifact("rt", "dataset")
    entry = art.add(val, "x")
    js = json.load(open(entry.local_path))
    class Source:
        def get_entry(self, name):
            class E:
                def download(self):
                    return art.manifest.entries[name].local_path
            return E()
    return wandb.Audio.from_json(js, Source())

def main():
    out = HERE
    for d in ("run", "artifact"):
        shutil.rmtree(os.path.join(out, d), ignore_errors=True)
        os.makedirs(os.path.join(out, d))
    work = tempfile.mkdtemp()
    run = wandb.init(project="golden", dir=work, mode="offline",
                     settings=wandb.Settings(console="off", x_disable_stats=True))
    for case, (key, make) in RUN_CASES.items():
        js = val_to_json(run, key, make(), namespace=STEP)
        with open(os.path.join(out, "run", case + ".json"), "w") as f:
            json.dump(js, f, indent=1)
        items = js.get("audio", [js])
        for item in items:
            dst = os.path.join(out, "run", "files", item["path"])
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy(os.path.join(run.dir, item["path"]), dst)
    for case, make in ARTIFACT_CASES.items():
        art = wandb.Artifact("golden", "dataset")
        art.add(make(), case)
        for name, entry in art.manifest.entries.items():
            dst = os.path.join(out, "artifact", name if name.endswith(".json") else os.path.join("files", name))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy(entry.local_path, dst)
    errors = {}
    for case, make in ERROR_CASES.items():
        try:
            make()
            errors[case] = None
        except Exception as e:  # noqa: BLE001 - we record the SDK's message
            errors[case] = f"{type(e).__name__}: {e}"
    with open(os.path.join(out, "errors.json"), "w") as f:
        json.dump(errors, f, indent=1, sort_keys=True)
    run.finish()

main()
