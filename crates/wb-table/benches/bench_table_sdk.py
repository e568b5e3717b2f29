"""The SDK side of examples/bench_table.rs: the same 10 000 x 5 table built with wandb.Table and
serialized as an artifact entry. Run: WANDB_MODE=offline /work/venv-ref/bin/python bench_table_sdk.py"""
import json, statistics, time
import wandb

ROWS = 10_000
cols = ["id", "x", "name", "flag", "triple"]


def rows():
    return [[i, i * 0.5, f"row{i}", i % 2 == 0, [i, i + 1, i + 2]] for i in range(ROWS)]


build, total = [], []
for _ in range(5):
    data = rows()
    t0 = time.perf_counter()
    t = wandb.Table(columns=cols, data=data)
    t1 = time.perf_counter()
    art = wandb.Artifact("bench", "dataset")
    text = json.dumps(t.to_json(art), sort_keys=True)
    t2 = time.perf_counter()
    build.append((t1 - t0) * 1e3)
    total.append((t2 - t0) * 1e3)
print(f"wandb {wandb.__version__}: {ROWS} rows x 5 cols: build {statistics.median(build):.1f} ms, "
      f"build + artifact JSON {statistics.median(total):.1f} ms ({len(text)} bytes), median of 5")
