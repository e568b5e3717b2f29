"""Golden behaviours of wandb.Table beyond single conformance cases (tests/behaviors.rs):
    WANDB_MODE=offline WANDB_SILENT=true /work/venv-ref/bin/python make_behaviors.py
writes behaviors.json next to this script."""
import hashlib, json, os, tempfile
import wandb
from wandb.sdk.data_types.utils import val_to_json

HERE = os.path.dirname(os.path.abspath(__file__))
out = {}


def err(f):
    try:
        f()
        return None
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {e}"


def types(t):
    return t._column_types.to_json()


# dtype and optional lists
t = wandb.Table(columns=["a", "b"], data=[[1, "x"], [2, None]], dtype=[int, str], optional=[False, True])
out["dtype_types"] = types(t)
t = wandb.Table(columns=["a"], data=[[[1, 2]]], dtype=[[int]])
out["dtype_list_types"] = types(t)
# cast
t = wandb.Table(columns=["a"], data=[["x"], ["y"]])
out["cast_error"] = err(lambda: t.cast("a", int))
t.cast("a", str, optional=False)
out["cast_types"] = types(t)
# add_column
t = wandb.Table(columns=["a"], data=[[1], [2]])
out["add_column_len_error"] = err(lambda: t.add_column("b", [1]))
out["add_column_type_error"] = err(lambda: t.add_column("b", [1, "x"]))
t.add_column("b", [1.5, 2.5])
t.add_column("c", ["p", None], optional=True)
out["add_column_types"] = types(t)
out["add_column_columns"] = t.columns
# primary key
t = wandb.Table(columns=["id", "v"], data=[["a", 1], ["b", 2]])
t.set_pk("id")
out["pk_types"] = types(t)
out["pk_twice_error"] = err(lambda: t.set_pk("v"))
# unions and images
t = wandb.Table(columns=["u"], data=[[[1]], [None]], allow_mixed_types=False)
out["list_none_types"] = types(t)
t = wandb.Table(columns=["d"], data=[[{"a": [1, None]}], [{"a": [None, 2.5]}]])
out["dict_list_none_types"] = types(t)

run = wandb.init(mode="offline", dir=tempfile.mkdtemp())


def logged(key, table, step):
    j = val_to_json(run, key, table, namespace=step)
    data = open(os.path.join(run.dir, j["path"]), "rb").read()
    return j, data.decode()


# IMMUTABLE: logging again re-uses the first log, even after a change
t = wandb.Table(columns=["a"], data=[[1]])
j1, f1 = logged("imm", t, 0)
t.add_data(2)
j2, f2 = logged("imm", t, 1)
out["immutable"] = {"first": j1, "second": j2, "file": f2}
# MUTABLE: a change makes the next log a new one
t = wandb.Table(columns=["a"], data=[[1]], log_mode="MUTABLE")
j1, f1 = logged("mut", t, 0)
t.add_data(2)
j2, f2 = logged("mut", t, 1)
out["mutable"] = {"first": j1, "second": j2, "files": [f1, f2]}
# INCREMENTAL: the second log holds only the new rows
t = wandb.Table(columns=["a"], data=[[1], [2]], log_mode="INCREMENTAL")
j1, f1 = logged("inc", t, 0)
t.add_data(3)
j2, f2 = logged("inc", t, 1)
arts = []
out["incremental"] = {"first": j1, "second": j2, "files": [f1, f2]}
# 10 005 rows: the run copy keeps 10 000, nrows counts all
t = wandb.Table(columns=["i", "s"], data=[[i, f"r{i}"] for i in range(10005)])
j, f = logged("big", t, 0)
out["big"] = {"json": j, "file_sha256": hashlib.sha256(f.encode()).hexdigest(), "file_rows": len(json.loads(f)["data"])}
run.finish()
with open(os.path.join(HERE, "behaviors.json"), "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)
print(json.dumps(out, indent=1)[:3000])
