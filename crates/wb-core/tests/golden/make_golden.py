"""Regenerates the golden outputs of wb-core's types with the real SDK (wandb==0.31.0).

Run: WANDB_MODE=offline WANDB_SILENT=true python make_golden.py
It logs each value through the SDK's own conversion (`val_to_json` on a real offline run, the
function `run.log` uses) and `Artifact.add`, and writes, next to this script:
  run/<case>.json        the run JSON the SDK produced for the value
  run/files/...          the media files at the JSON's `path`
  artifact/<case>.json   the artifact entry the SDK wrote (its exact bytes)
  artifact/files/...     the artifact's other entries
  errors.json            case -> the SDK's error message
"""
import json, os, shutil, sys, tempfile
import numpy as np
import wandb
from wandb.sdk.data_types.utils import val_to_json
from wandb.sdk.data_types.base_types.json_metadata import JSONMetadata

HERE = os.path.dirname(os.path.abspath(__file__))
STEP = 3
FIG = {"data": [{"type": "scatter", "x": [1, 2, 3], "y": [4.5, 5, 6], "name": "s\u00e9rie"}],
       "layout": {"title": {"text": "t"}}}

def html_file():
    p = os.path.join(tempfile.mkdtemp(), "page.html")
    with open(p, "w") as f:
        f.write("<html><body><p>from a file</p></body></html>\n")
    return p

RUN_CASES = {
    "hist_default": ("h", lambda: wandb.Histogram([1, 2, 3, 4, 5, 6, 7, 8, 9, 10.5])),
    "hist_bins3": ("h", lambda: wandb.Histogram([1, 2, 3], num_bins=3)),
    "hist_constant": ("h", lambda: wandb.Histogram([5.0, 5.0, 5.0], num_bins=4)),
    "hist_empty": ("h", lambda: wandb.Histogram([])),
    "hist_ints": ("h", lambda: wandb.Histogram(np.array([3, -7, 12, 0, 5, 5, 9], dtype=np.int64), num_bins=7)),
    "hist_f32": ("h", lambda: wandb.Histogram(np.array([0.1, 0.2, 0.7, 1.3], dtype=np.float32), num_bins=5)),
    "hist_np_int": ("h", lambda: wandb.Histogram(np_histogram=([1, 2, 3], [0, 1, 2, 3]))),
    "hist_np_float": ("h", lambda: wandb.Histogram(np_histogram=(np.array([4, 0]), np.array([0.0, 0.5, 1.0])))),
    "hist_512": ("h", lambda: wandb.Histogram(np.linspace(-3, 7, 2000), num_bins=512)),
    "hist_mod": ("h", lambda: wandb.Histogram(((np.arange(1000) * 37) % 101) * 0.013 - 0.3)),
    "html_plain": ("html", lambda: wandb.Html("<p>hello \u00e9</p>")),
    "html_head": ("html", lambda: wandb.Html("<html><head><title>x</title></head><body>b</body></html>")),
    "html_html_only": ("html", lambda: wandb.Html("  <html><body>b</body></html>  ")),
    "html_no_inject": ("html", lambda: wandb.Html("<p>raw</p>\n", inject=False)),
    "html_path_inject": ("html", lambda: wandb.Html(html_file())),
    "html_path_no_inject": ("html", lambda: wandb.Html(html_file(), inject=False)),
    "key_slashes": ("a/b/c", lambda: wandb.Html("<p>k</p>")),
    "key_dotdot": ("../../up", lambda: wandb.Html("<p>k</p>")),
    "key_leading_slash": ("////abs/x", lambda: wandb.Html("<p>k</p>")),
    "key_dot": ("a/./b", lambda: wandb.Html("<p>k</p>")),
    "plotly": ("plot", lambda: wandb.Plotly(__import__("plotly.graph_objects").graph_objects.Figure(FIG))),
    "metadata": ("meta", lambda: JSONMetadata({"z": 1, "a": [1.5, float("nan"), 1e-7], "s": "\u2603"})),
}
ARTIFACT_CASES = {
    "html_plain": lambda: wandb.Html("<p>hello \u00e9</p>"),
    "html_path_no_inject": lambda: wandb.Html(html_file(), inject=False),
}
ERROR_CASES = {
    "hist_513": lambda: wandb.Histogram(np.arange(600.0), num_bins=513),
    "hist_nan": lambda: wandb.Histogram([1.0, float("nan")]),
    "hist_inf": lambda: wandb.Histogram([1.0, float("inf")]),
    "hist_np_bad_len": lambda: wandb.Histogram(np_histogram=([1, 2], [0, 1])),
    "hist_np_not_pair": lambda: wandb.Histogram(np_histogram=([1, 2],)),
    "html_bad_type": lambda: wandb.Html(42),
    "artifact_add_histogram": lambda: wandb.Artifact("a", "dataset").add(wandb.Histogram([1, 2]), "h"),
    "artifact_add_plotly": lambda: wandb.Artifact("a", "dataset").add(
        wandb.Plotly(__import__("plotly.graph_objects").graph_objects.Figure(FIG)), "p"),
}

def main():
    out = HERE
    for d in ("run", "artifact"):
        shutil.rmtree(os.path.join(out, d), ignore_errors=True)
    work = tempfile.mkdtemp()
    run = wandb.init(project="golden", dir=work, mode="offline",
                     settings=wandb.Settings(console="off", x_disable_stats=True))
    for case, (key, make) in RUN_CASES.items():
        val = make()
        js = val_to_json(run, key, val, namespace=STEP)
        with open(os.path.join(out, "run", case + ".json") if os.path.isdir(os.path.join(out, "run")) else _mk(out, "run", case), "w") as f:
            json.dump(js, f, indent=1)
        if isinstance(js, dict) and "path" in js:
            dst = os.path.join(out, "run", "files", js["path"])
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy(os.path.join(run.dir, js["path"]), dst)
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

def _mk(out, d, case):
    os.makedirs(os.path.join(out, d), exist_ok=True)
    return os.path.join(out, d, case + ".json")

main()
