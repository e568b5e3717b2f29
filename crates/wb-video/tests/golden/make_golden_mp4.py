"""wb-video's golden JSON for mp4 encoded from arrays (the `mp4` feature), made with the real
SDK (wandb==0.31.0, which encodes through moviepy, ffmpeg and libx264).

Run: WANDB_MODE=offline WANDB_SILENT=true python make_golden_mp4.py
Arrays are `pattern(kind, shape)` of make_golden.py (tests/mp4.rs computes the same). Writes
next to this script:
  mp4/run/<case>.json        the run JSON `val_to_json` produced
  mp4/artifact/<case>.video-file.json   the `Artifact.add(video, case)` entry
Only the JSON is kept: the SDK's H.264 bytes are libx264's, which we do not reproduce (the
conformance rules let an encoded file's `sha256`, `size` and path id differ); tests/mp4.rs
compares everything else, and checks our own files by decoding them.
"""
import json, os, shutil, tempfile
import wandb
from wandb.sdk.data_types.utils import val_to_json
from make_golden import HERE, STEP, arr

RUN_CASES = {
    "mp4_4d": ("vid", lambda: wandb.Video(arr("ramp", (5, 3, 10, 8)), format="mp4")),
    "mp4_odd_sides": ("vid", lambda: wandb.Video(arr("ramp", (4, 3, 9, 7)), format="mp4")),
    "mp4_b3_caption": ("a/v", lambda: wandb.Video(arr("ramp", (3, 2, 3, 6, 4)), caption="b", format="mp4")),
    "mp4_fps_float": ("vid", lambda: wandb.Video(arr("smooth", (6, 3, 8, 8)), fps=7.5, format="mp4")),
    "mp4_f32": ("vid", lambda: wandb.Video(arr("wide", (3, 3, 8, 8), "float32") * 0.5, format="mp4")),
    "mp4_list": ("vid", lambda: [
        wandb.Video(arr("ramp", (2, 3, 4, 4)), caption="first", format="mp4"),
        wandb.Video(arr("ramp", (3, 3, 4, 4)), format="gif"),
    ]),
}
ARTIFACT_CASES = {
    "art_mp4": lambda: wandb.Video(arr("ramp", (3, 3, 4, 6)), caption="c", format="mp4"),
}

def main():
    out = os.path.join(HERE, "mp4")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "run"))
    os.makedirs(os.path.join(out, "artifact"))
    work = tempfile.mkdtemp()
    run = wandb.init(project="golden", dir=work, mode="offline",
                     settings=wandb.Settings(console="off", x_disable_stats=True))
    for case, (key, make) in RUN_CASES.items():
        js = val_to_json(run, key, make(), namespace=STEP)
        with open(os.path.join(out, "run", case + ".json"), "w") as f:
            json.dump(js, f, indent=1)
    for case, make in ARTIFACT_CASES.items():
        art = wandb.Artifact("golden", "dataset")
        art.add(make(), case)
        for name, entry in art.manifest.entries.items():
            if name.endswith(".json"):
                shutil.copy(entry.local_path, os.path.join(out, "artifact", name))
    run.finish()

if __name__ == "__main__":
    main()
