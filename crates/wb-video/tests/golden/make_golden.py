"""Regenerates wb-video's golden outputs with the real SDK (wandb==0.31.0, moviepy 2.2.1,
imageio 2.38, Pillow 11.3).

Run: WANDB_MODE=offline WANDB_SILENT=true python make_golden.py
Every array is `pattern(kind, shape)`, a closed-form integer formula that tests/golden.rs
computes the same way, then cast with numpy's `astype`. It writes, next to this script:
  run/<case>.json        the run JSON `val_to_json` (what `run.log` uses) produced
  run/files/...          the media files at the JSON's `path` (the SDK's GIFs, copied files)
  artifact/<case>.video-file.json and artifact/files/...   `Artifact.add(video, case)` entries
  errors.json            case -> the SDK's error message (or null when it succeeds)
"""
import io, json, os, shutil, tempfile
import numpy as np
import wandb
from wandb.sdk.data_types.utils import val_to_json

HERE = os.path.dirname(os.path.abspath(__file__))
STEP = 3

def pattern(kind, shape):
    """Element i (row-major flat index) of the array, by kind."""
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    if kind == "ramp":      # 0..255 wrapping, changes every frame
        v = (i * 7 + i // 61) % 256
    elif kind == "wide":    # values outside 0..255, for the casts
        v = (i * 37) % 1201 - 400
    elif kind == "smooth":  # many colours
        v = (i * 3 + (i // 97) * 5) % 256
    elif kind == "still":   # every frame the same: frames get merged
        per = int(np.prod(shape[-3:]))
        v = ((i % per) * 11) % 256
    else:
        raise ValueError(kind)
    return v.reshape(shape)

def fixture(name, content):
    p = os.path.join(tempfile.mkdtemp(), name)
    with open(p, "wb") as f:
        f.write(content)
    return p

FAKE = b"\x00\x00\x00\x18ftypmp42 not a real video, just bytes"

def arr(kind, shape, dtype="uint8"):
    return pattern(kind, shape).astype(dtype)

RUN_CASES = {
    "gif_4d": ("vid", lambda: wandb.Video(arr("ramp", (5, 3, 10, 8)), format="gif")),
    "gif_caption_fps": ("a/v", lambda: wandb.Video(arr("ramp", (4, 3, 6, 7)), caption="hi", fps=10, format="gif")),
    "gif_b2": ("vid", lambda: wandb.Video(arr("ramp", (2, 3, 3, 5, 4)), format="gif")),
    "gif_b3": ("vid", lambda: wandb.Video(arr("ramp", (3, 4, 3, 10, 8)), format="gif")),
    "gif_b5": ("vid", lambda: wandb.Video(arr("ramp", (5, 2, 3, 6, 4)), format="gif")),
    "gif_f64": ("vid", lambda: wandb.Video(arr("wide", (3, 3, 8, 8), "float64") + 0.75, format="gif")),
    "gif_f32": ("vid", lambda: wandb.Video(arr("wide", (3, 3, 8, 8), "float32") * 0.5, format="gif")),
    "gif_i64": ("vid", lambda: wandb.Video(arr("wide", (3, 3, 8, 8), "int64"), format="gif")),
    "gif_i16": ("vid", lambda: wandb.Video(arr("wide", (3, 3, 8, 8), "int16"), format="gif")),
    "gif_fps3_drop": ("vid", lambda: wandb.Video(arr("ramp", (6, 3, 4, 4)), fps=3, format="gif")),
    "gif_still": ("vid", lambda: wandb.Video(arr("still", (4, 3, 5, 5)), fps=3, format="gif")),
    "gif_one_frame": ("vid", lambda: wandb.Video(arr("ramp", (1, 3, 20, 20)), format="gif")),
    "gif_two_channels": ("vid", lambda: wandb.Video(arr("ramp", (3, 2, 6, 6)), format="gif")),
    "gif_four_channels": ("vid", lambda: wandb.Video(arr("ramp", (3, 4, 6, 6)), format="gif")),
    "gif_many_colours": ("vid", lambda: wandb.Video(arr("smooth", (3, 3, 40, 48)), format="gif")),
    "path_mp4": ("vid", lambda: wandb.Video(fixture("clip.mp4", FAKE), caption="file")),
    "path_upper_gif": ("vid", lambda: wandb.Video(fixture("clip.GIF", b"GIF89a fake"))),
    "bytes_webm": ("vid", lambda: wandb.Video(io.BytesIO(b"\x1aE\xdf\xa3 webm bytes"), format="webm")),
    "list_captions": ("vid", lambda: [
        wandb.Video(arr("ramp", (2, 3, 4, 4)), caption="first", format="gif"),
        wandb.Video(fixture("clip.mp4", FAKE)),
    ]),
    "list_no_first_caption": ("vid", lambda: [
        wandb.Video(arr("ramp", (2, 3, 4, 4)), format="gif"),
        wandb.Video(arr("ramp", (3, 3, 4, 4)), caption="second", format="gif"),
    ]),
}
ARTIFACT_CASES = {
    "art_gif": lambda: wandb.Video(arr("ramp", (3, 3, 4, 4)), caption="c", format="gif"),
    "art_path": lambda: wandb.Video(fixture("clip.mp4", FAKE)),
}
ERROR_CASES = {
    "three_dims": lambda: wandb.Video(arr("ramp", (3, 4, 4)), format="gif"),
    "no_format_array": lambda: wandb.Video(arr("ramp", (2, 3, 4, 4))),
    "no_format_bytes": lambda: wandb.Video(io.BytesIO(b"x")),
    "bad_format": lambda: wandb.Video(arr("ramp", (2, 3, 4, 4)), format="avi"),
    "bad_extension": lambda: wandb.Video(fixture("clip.avi", FAKE)),
    "one_channel_gif": lambda: wandb.Video(arr("ramp", (2, 1, 4, 4)), format="gif"),
}

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
        for item in js.get("videos", [js]):
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

if __name__ == "__main__":
    main()
