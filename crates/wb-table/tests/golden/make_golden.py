"""Runs the table conformance cases (tests/conformance/cases/table_*.json) through the Python
SDK (wandb==0.31.0) and stores what it produced under tests/golden/<case>/, for the Rust golden
tests of wb-table:

    WANDB_MODE=offline WANDB_SILENT=true /work/venv-ref/bin/python make_golden.py

Each case folder holds result.json ({"status": "ok", "result": {...}} or {"status": "error",
"error": ...}) and every file the SDK wrote (artifact entries, or run media files).
"""
import base64, datetime, glob, json, os, shutil, sys, tempfile
import numpy as np, pandas as pd, wandb
from wandb.sdk.data_types.utils import val_to_json

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "..", "..", "..", "tests", "conformance", "cases")


def dec(v, d):
    if isinstance(v, list):
        return [dec(x, d) for x in v]
    if isinstance(v, dict):
        ks = [k for k in v if k.startswith("$")]
        if not ks:
            return {k: dec(x, d) for k, x in v.items()}
        k = ks[0]
        b = v[k]
        if k == "$wb":
            args = {a: dec(x, d) for a, x in v.get("args", {}).items()}
            return getattr(wandb, b, None) and getattr(wandb, b)(**args) or getattr(wandb.data_types, b)(**args)
        if k == "$ndarray":
            return np.array(b["data"], dtype=b["dtype"]).reshape(b["shape"])
        if k == "$float":
            return float(b)
        if k == "$datetime":
            return datetime.datetime.fromisoformat(b)
        if k == "$dataframe":
            return pd.DataFrame([dec(r, d) for r in b["data"]], columns=b["columns"])
        if k == "$file":
            return os.path.join(d, b)
        if k == "$tuple":
            return tuple(dec(x, d) for x in b)
        if k == "$intkeys":
            return {int(a): dec(x, d) for a, x in b.items()}
        raise ValueError(k)
    return v


def main():
    only = sys.argv[1:]
    run = wandb.init(mode="offline", dir=tempfile.mkdtemp())
    paths = glob.glob(os.path.join(CASES, "table_*.json")) + glob.glob(os.path.join(HERE, "..", "cases", "table_*.json"))
    for path in sorted(paths, key=os.path.basename):
        name = os.path.basename(path)[:-5]
        if only and name not in only:
            continue
        case = json.load(open(path))
        out = os.path.join(HERE, name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        files = {}
        try:
            if case.get("target", "run") == "artifact":
                art = wandb.Artifact("conformance", "dataset")
                for entry, v in case["add"].items():
                    art.add(dec(v, HERE), entry)
                result = {}
                for ename, e in art.manifest.entries.items():
                    data = open(e.local_path, "rb").read()
                    files[ename] = data
                    if ename.endswith(".json"):
                        result[ename] = json.loads(data)
            else:
                result = {}
                for key, v in case["log"].items():
                    j = val_to_json(run, key, dec(v, HERE), namespace=case.get("step", 0))
                    result[key] = j
                    if isinstance(j, dict) and "path" in j:
                        files[j["path"]] = open(os.path.join(run.dir, j["path"]), "rb").read()
            res = {"status": "ok", "result": result}
        except Exception as e:  # noqa: BLE001
            res = {"status": "error", "error": f"{type(e).__name__}: {e}"}
            files = {}
        with open(os.path.join(out, "result.json"), "w") as f:
            f.write(json.dumps(res, indent=1, sort_keys=True, allow_nan=True))
        for rel, data in files.items():
            p = os.path.join(out, "files", rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "wb").write(data)
        print(name, res["status"], res.get("error", "")[:150])
    run.finish()


main()
