#!/usr/bin/env python3
"""The Python side of `cargo xtask conformance`: runs conformance cases with wandb==0.31.0.

Each case (format: docs/conformance.md) is built with the real SDK and logged through
the SDK's own code path; nothing here re-implements a data type.

* run target: a fresh offline run per case. `run.log(log, step=step)` is what logs the row; the
  JSON value of each key is the `value_json` the SDK hands to its core for that key (captured
  by observing the run interface's `_publish_partial_history`, after the SDK's own
  `history_dict_to_json` and history encoder made it). Media files are copied from the run's
  `files/media/` folder.

  The file-name step is the run's local step counter *before* `run.log` applies `step=`
  (format reference §2.2). A fresh run starts at 0, so for a case step S > 0 the script first
  calls `run.log({}, step=S)`: a public call that moves the counter to S without committing
  (an explicit step with `commit=None` does not advance it further). The case's row is then
  logged with `run.log(log, step=S)`, so its files are named `{key}_{S}_...` and its history
  row is step S, as for a user whose run is at step S.

* artifact target: `wandb.Artifact("conformance", "dataset")`, then `artifact.add(value, name)`
  for every entry of `add`; every manifest entry's local file is written at its entry name.

* cross-reading (artifact target, when `--rust DIR` is given): the entries the project wrote
  for the same case are read back with `WBValue.init_from_json`, from a local artifact whose
  files are already in place, and compared with the SDK's own values.

Outputs, per case, in OUT/<case>/: `result.json` ({"status": "ok", "result": {...}} or
{"status": "error", "error": "..."}), the files, and for artifact cases `crossread.json`.

Usage: reference.py --out OUT --scratch DIR [--rust RUST_OUT] [--case-list FILE] CASE.json...
"""

from __future__ import annotations

import argparse
import datetime
import inspect
import json
import os
import shutil
import sys
import time
import traceback


class CaseError(Exception):
    """The case file itself is malformed (not an SDK error)."""


# ---------------------------------------------------------------------------------------------
# Case values (docs/conformance.md "Values")
# ---------------------------------------------------------------------------------------------

SPECIAL_FLOATS = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}
DTYPES = {"uint8", "int16", "int32", "int64", "float32", "float64", "bool"}


def decode(v, case_dir):
    """Turns a case value into the Python value it stands for."""
    if isinstance(v, list):
        return [decode(x, case_dir) for x in v]
    if not isinstance(v, dict):
        return v
    special = [k for k in v if k.startswith("$")]
    if not special:
        return {k: decode(x, case_dir) for k, x in v.items()}
    key = special[0]
    extra = [k for k in v if k != key and not (key == "$wb" and k == "args")]
    if extra:
        raise CaseError(f"{key} object has an unexpected key {extra[0]!r}")
    body = v[key]
    if key == "$wb":
        args = v.get("args", {})
        if not isinstance(args, dict):
            raise CaseError("$wb args must be an object")
        kwargs = {k: decode(x, case_dir) for k, x in args.items()}
        return build(body, kwargs)
    if key == "$ndarray":
        if isinstance(body, dict) and body.get("dtype") == "object":
            return object_array(body, case_dir)
        return ndarray(body)
    if key == "$torch":
        return Tensor(ndarray(body))
    if key == "$npy":
        import numpy as np

        return np.load(os.path.join(case_dir, body))
    if key == "$file":
        return os.path.join(case_dir, body)
    if key == "$dataframe":
        import pandas as pd

        cols = [decode(c, case_dir) for c in body["columns"]]
        rows = [[decode(c, case_dir) for c in row] for row in body["data"]]
        return pd.DataFrame(rows, columns=cols)
    if key == "$float":
        if body not in SPECIAL_FLOATS:
            raise CaseError(f'$float takes "nan", "inf" or "-inf", not {body!r}')
        return SPECIAL_FLOATS[body]
    if key == "$datetime":
        return datetime.datetime.fromisoformat(body)
    if key == "$tuple":
        return tuple(decode(x, case_dir) for x in body)
    if key == "$intkeys":
        try:
            return {int(k): decode(x, case_dir) for k, x in body.items()}
        except ValueError as e:
            raise CaseError(f"$intkeys keys must be integers: {e}") from None
    if key == "$plotly":
        import plotly.graph_objects as go

        return go.Figure(body)
    raise CaseError(f"unknown special key {key!r}")


def ndarray(body):
    import numpy as np

    dtype = body.get("dtype")
    if dtype not in DTYPES:
        raise CaseError(f"$ndarray dtype {dtype!r} is not one of {sorted(DTYPES)}")
    data = [SPECIAL_FLOATS[x["$float"]] if isinstance(x, dict) else x for x in body["data"]]
    return np.array(data, dtype=dtype).reshape(body["shape"])


def object_array(body, case_dir):
    """`$ndarray` of dtype object: each item is any case value (a dict, say), as numpy holds
    the dicts of `np.array([{...}, {...}])`."""
    import numpy as np

    items = [decode(x, case_dir) for x in body["data"]]
    out = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        out[i] = x
    return out.reshape(body["shape"])


class Tensor:
    """`{"$torch": ...}`: a CPU `torch.Tensor` of that data, for the SDK's torch paths.

    PyPI's torch is the CUDA build (about 900 MB), too big for the conformance environment, so
    this stands in for a CPU tensor without gradient. The SDK recognizes a torch tensor by its
    type name (`torch.Tensor`, as `util.is_pytorch_tensor_typename` reads it) and then calls
    only what is below; each does what torch does for a CPU tensor, through numpy (a CPU
    tensor's `.numpy()` shares its memory): `permute` is numpy's `transpose` and refuses a
    wrong number of axes with torch's message, `.to(float)` is `float64`, `dtype` prints as
    torch prints it. The SDK's own torch branch (`wandb.Image`'s mode guess from the first
    axis, permute, cast, squeeze) therefore runs unchanged.
    """

    requires_grad = False

    def __init__(self, array):
        self._array = array

    @property
    def dtype(self):
        name = self._array.dtype.name
        return "torch." + {"float32": "float32", "float64": "float64", "bool": "bool"}.get(
            name, name
        )

    @property
    def ndim(self):
        return self._array.ndim

    @property
    def shape(self):
        return tuple(self._array.shape)

    def __len__(self):
        return len(self._array)

    def __array__(self, dtype=None, copy=None):
        import numpy as np

        return np.asarray(self._array, dtype=dtype)

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self._array

    def to(self, dtype):
        import numpy as np

        if dtype is float:
            return Tensor(self._array.astype(np.float64))
        raise CaseError(f"the torch stand-in has no .to({dtype!r})")

    def permute(self, *dims):
        if len(dims) != self._array.ndim:
            raise RuntimeError(
                "permute(sparse_coo): number of dimensions in the tensor input does not match "
                "the length of the desired ordering of dimensions i.e. input.dim() = "
                f"{self._array.ndim} is not equal to len(dims) = {len(dims)}"
            )
        return Tensor(self._array.transpose(dims))


Tensor.__module__ = "torch"


def build(name, kwargs):
    """`{"$wb": name, "args": kwargs}`: a public data type, class method or helper of wandb."""
    import wandb
    from wandb import data_types

    if name == "Graph.from_nodes_edges":
        return graph_from_nodes_edges(**kwargs)
    parts = name.split(".")
    if len(parts) > 2:
        raise CaseError(f"unknown class {name!r}")
    obj = getattr(data_types, parts[0], None) or getattr(wandb, parts[0], None)
    if obj is None or parts[0].startswith("_"):
        raise CaseError(f"unknown class {name!r}: wandb has no public data type of that name")
    if len(parts) == 2:
        obj = getattr(obj, parts[1], None)
        if obj is None or parts[1].startswith("_"):
            raise CaseError(f"unknown class method {name!r}")
    return obj(**kwargs)


def graph_from_nodes_edges(format="keras", nodes=(), edges=()):
    import wandb
    from wandb import data_types

    g = wandb.Graph(format=format)
    by_id = {}
    init = set(inspect.signature(data_types.Node.__init__).parameters) - {"self", "node"}
    for attrs in nodes:
        # The constructor's arguments first, then the attributes only a public property sets
        # (functions, child_parameters, is_constant), as the SDK's own graph builders do. Those
        # are set in one fixed order and only when not null, which is what the Rust API's
        # `with_functions` / `with_child_parameters` / `with_is_constant` calls stand for (a
        # Rust user cannot set them to None, and their order does not depend on call order).
        node = data_types.Node(**{k: v for k, v in attrs.items() if k in init})
        for k in attrs:
            if k in init:
                continue
            if k.startswith("_") or not isinstance(getattr(data_types.Node, k, None), property):
                raise TypeError(f"Node has no attribute {k!r}")
        for k in ("functions", "child_parameters", "is_constant"):
            if attrs.get(k) is not None:
                setattr(node, k, attrs[k])
        g.add_node(node)
        by_id[node.id] = node
    for a, b in edges:
        g.add_edge(by_id[a], by_id[b])
    return g


# ---------------------------------------------------------------------------------------------
# Running a case
# ---------------------------------------------------------------------------------------------

RUN_SETTINGS = dict(
    x_disable_stats=True,
    x_disable_meta=True,
    x_disable_machine_info=True,
    x_save_requirements=False,
    console="off",
    disable_git=True,
    save_code=False,
    silent=True,
)

# History items the SDK adds to every row; not part of what the case logged.
ROW_EXTRAS = {"_timestamp", "_runtime", "_step"}


def run_case(case, case_dir, out_dir, scratch):
    target = case.get("target", "run")
    step = case.get("step", 0)
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise CaseError("step must be a non-negative integer")
    if target == "run":
        if not isinstance(case.get("log"), dict):
            raise CaseError('a "run" case needs a "log" object')
        return log_to_run(case["log"], step, case_dir, out_dir, scratch)
    if target == "artifact":
        if not isinstance(case.get("add"), dict):
            raise CaseError('an "artifact" case needs an "add" object')
        return add_to_artifact(case["add"], case_dir, out_dir)
    raise CaseError(f'target must be "run" or "artifact", not {target!r}')


def log_to_run(log, step, case_dir, out_dir, scratch):
    import wandb

    row = {k: decode(v, case_dir) for k, v in log.items()}
    run = wandb.init(
        project="conformance",
        mode="offline",
        dir=scratch,
        settings=wandb.Settings(**RUN_SETTINGS),
    )
    try:
        sent = []
        interface = run._interface
        publish = interface._publish_partial_history

        def observe(history):
            sent.append([(item.key, item.value_json) for item in history.item])
            return publish(history)

        interface._publish_partial_history = observe
        if step > 0:
            run.log({}, step=step)
        sent.clear()
        run.log(row, step=step)
        if len(sent) != 1:
            raise RuntimeError(f"expected one history record from run.log, saw {len(sent)}")
        items = [(k, v) for k, v in sent[0] if k not in ROW_EXTRAS]
        media = os.path.join(run.dir, "media")
        if os.path.isdir(media):
            shutil.copytree(media, os.path.join(out_dir, "media"))
    finally:
        run.finish()
    # value_json is the SDK's own JSON text for each key: embed it verbatim.
    body = ", ".join(f"{json.dumps(k)}: {v}" for k, v in items)
    return '{"status": "ok", "result": {' + body + "}}"


def add_to_artifact(add, case_dir, out_dir):
    import wandb

    artifact = wandb.Artifact("conformance", "dataset")
    values = {}
    for name, v in add.items():
        value = decode(v, case_dir)
        entry = artifact.add(value, name)
        values[entry.path] = value
    result = {}
    for name, entry in artifact.manifest.entries.items():
        dest = os.path.join(out_dir, name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(entry.local_path, dest)
        if name.endswith(".json"):
            with open(dest, encoding="utf-8") as f:
                result[name] = json.load(f)
    ADDED[out_dir] = values
    return json.dumps({"status": "ok", "result": result})


# out_dir -> {entry name: value} of the artifact case just run (for cross-reading).
ADDED = {}


# ---------------------------------------------------------------------------------------------
# Cross-reading the project's artifact entries
# ---------------------------------------------------------------------------------------------


def local_artifact(root):
    """A wandb.Artifact over files already laid out at their entry names under `root`.

    Entries are added with `add_dir`; the artifact is marked committed so its readers
    (`get_entry`, `get`) work, and its download root is `root`, where every entry already is
    with the right digest, so `entry.download()` returns the local file and fetches nothing.
    """
    import wandb
    from wandb.sdk.artifacts.artifact_state import ArtifactState

    class LocalArtifact(wandb.Artifact):
        def _default_root(self, include_version=True):
            return root

    art = LocalArtifact("crossread", "dataset")
    art.add_dir(root)
    art._state = ArtifactState.COMMITTED
    return art


def artifact_json(value):
    import wandb

    return value.to_json(wandb.Artifact("compare", "dataset"))


def read_back(root, name, source):
    """`WBValue.init_from_json` of entry `name` under `root`: (value, None) or (None, error)."""
    from wandb.sdk.data_types.base_types.wb_value import WBValue

    try:
        with open(os.path.join(root, name), encoding="utf-8") as f:
            obj = json.load(f)
        value = WBValue.init_from_json(obj, source)
        if value is None:
            return None, "init_from_json returned None"
        return value, None
    except Exception as e:  # noqa: BLE001 - every failure is a reported difference
        return None, f"{type(e).__name__}: {e}"


def cross_read(values, own_dir, rust_dir):
    """Reads the project's entries back with init_from_json and compares them with the SDK's
    own values. Where the SDK cannot read back even its own entry, reading ours must fail the
    same way (and the report says so)."""
    theirs_src = local_artifact(rust_dir)
    own_src = None
    report = {}
    for name, ours in values.items():
        theirs, err = read_back(rust_dir, name, theirs_src)
        if err is None:
            try:
                same = theirs == ours or artifact_json(theirs) == artifact_json(ours)
            except Exception as e:  # noqa: BLE001
                same, err = False, f"comparing: {type(e).__name__}: {e}"
            if same:
                report[name] = {"ok": True}
            else:
                report[name] = {
                    "ok": False,
                    "error": err or f"read back a {type(theirs).__name__} not equal to the SDK's own value",
                }
            continue
        own_src = own_src or local_artifact(own_dir)
        _, own_err = read_back(own_dir, name, own_src)
        if own_err is not None and own_err.split(":")[0] == err.split(":")[0]:
            report[name] = {"ok": True, "note": f"the SDK cannot read its own entry either ({own_err})"}
        else:
            report[name] = {"ok": False, "error": err}
    return report


# ---------------------------------------------------------------------------------------------


def error_result(e):
    return json.dumps({"status": "error", "error": f"{type(e).__name__}: {e}"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output root: OUT/<case>/result.json, files")
    ap.add_argument("--scratch", required=True, help="a folder for the SDK's runs and temp files")
    ap.add_argument("--rust", help="the project's output root, to cross-read artifact entries")
    ap.add_argument("--case-list", help="a file naming one case file a line")
    ap.add_argument("cases", nargs="*", help="case files")
    opts = ap.parse_args()
    cases = list(opts.cases)
    if opts.case_list:
        with open(opts.case_list, encoding="utf-8") as f:
            cases += [line for line in f.read().splitlines() if line]

    scratch = os.path.abspath(opts.scratch)
    for var, sub in [
        ("WANDB_DIR", "runs"),
        ("WANDB_DATA_DIR", "data"),
        ("WANDB_CACHE_DIR", "cache"),
        ("WANDB_CONFIG_DIR", "config"),
        ("WANDB_ARTIFACT_DIR", "artifacts"),
    ]:
        os.environ[var] = os.path.join(scratch, sub)
        os.makedirs(os.environ[var], exist_ok=True)
    os.environ["WANDB_MODE"] = "offline"
    os.environ["WANDB_SILENT"] = "true"
    os.environ.setdefault("WANDB_DISABLE_GIT", "true")

    import wandb

    print(f"reference: wandb {wandb.__version__}, python {sys.version.split()[0]}", flush=True)
    for path in cases:
        name = os.path.basename(path)[: -len(".json")]
        out_dir = os.path.join(opts.out, name)
        shutil.rmtree(out_dir, ignore_errors=True)
        os.makedirs(out_dir)
        start = time.monotonic()
        try:
            with open(path, encoding="utf-8") as f:
                case = json.load(f)
            text = run_case(case, os.path.dirname(os.path.abspath(path)), out_dir, os.environ["WANDB_DIR"])
        except CaseError as e:
            text = json.dumps({"status": "error", "error": f"invalid case: {e}", "invalid_case": True})
        except Exception as e:  # noqa: BLE001 - the SDK raising is a result, not a crash
            text = error_result(e)
            with open(os.path.join(out_dir, "traceback.txt"), "w", encoding="utf-8") as f:
                f.write(traceback.format_exc())
        with open(os.path.join(out_dir, "result.json"), "w", encoding="utf-8") as f:
            f.write(text)
        values = ADDED.pop(out_dir, None)
        rust_dir = opts.rust and os.path.join(opts.rust, name)
        if values is not None and rust_dir and ok_result(rust_dir):
            with open(os.path.join(out_dir, "crossread.json"), "w", encoding="utf-8") as f:
                json.dump(cross_read(values, out_dir, rust_dir), f, indent=1)
        print(f"reference: {name} {time.monotonic() - start:.2f}s", flush=True)
    return 0


def ok_result(rust_dir):
    try:
        with open(os.path.join(rust_dir, "result.json"), encoding="utf-8") as f:
            return json.load(f).get("status") == "ok"
    except (OSError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
