"""Makes the golden `.wandb` files of tests/data/sdk/ with the real SDK (wandb==0.31.0).

Run with the reference interpreter from the crate folder:

    /path/to/python-with-wandb-0.31.0 tests/data/make_sdk_logs.py [scenario ...]

For each scenario it runs an offline run (WANDB_MODE=offline) in a temporary folder, copies
its `run-<id>.wandb` to tests/data/sdk/<scenario>.wandb, and writes
tests/data/sdk/<scenario>.records.json: one JSON object per record, decoded with the SDK's own
protobuf classes (wandb.proto.wandb_internal_pb2), in the simple shape tests/sdk_files.rs
compares against. Artifact entries (staged outside the run folder) are copied to
tests/data/sdk/<scenario>.artifact/<entry name>; the "table" run's media files to
tests/data/sdk/table.media/.
"""

import glob
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "sdk")

SCENARIOS = {
    # Scalars, nested dicts, strings needing escapes, special floats, big ints, a histogram,
    # HTML (single and list), explicit steps, commit=False, summary and config updates.
    "basic": r'''
import math, wandb
run = wandb.init(project="golden", name="basic", config={"lr": 0.001, "nested": {"a": 1}, "tiny": 1e-7,
                                                       "nan": float("nan"), "ln": [float("nan")]},
                 tags=["t1", "t2"], notes="notes", group="grp", job_type="train")
for i in range(4):
    run.log({"a": i, "b": 0.5 * i, "s": "x<&>\u2028\n\u00e9", "nested": {"x": {"y": 1.0}}, "e": {},
             "h": wandb.Histogram(np_histogram=([1, 2, i], [0.0, 0.5, 1.5, 2.5])),
             "page": wandb.Html("<p>hi</p>"),
             "pages": [wandb.Html("<p>%d</p>" % j, inject=False) for j in range(2)],
             "f": [1e-5, 1e21, -0.0, 1234567.0], "nan": float("nan"), "inf": float("inf"),
             "big": 2**63, "none": None, "t": True})
run.log({"p1": 1}, commit=False)
run.log({"p2": 2})
run.log({"at": 1}, step=10)
run.log({"at2": 2}, step=10)
run.log({"later": "z"}, step=12)
run.summary["best"] = 3.25
run.summary.update({"obj": {"k": [1, 2.5]}, "z": 1e-7, "nan": float("nan"),
                    "dn": {"n": float("nan")}, "ln": [float("nan"), 1.0]})
run.config.update({"bs": 32})
run.finish(exit_code=3)
''',
    # A table (its run_table artifact) and an image with boxes (class labels in config._wandb).
    "table": r'''
import numpy as np, wandb
run = wandb.init(project="golden", name="table")
t = wandb.Table(columns=["a", "b"], data=[[1, "x"], [2, "y"]])
img = wandb.Image(np.zeros((2, 2, 3), dtype=np.uint8),
                  boxes={"pred": {"box_data": [{"position": {"minX": 0.1, "maxX": 0.2, "minY": 0.3, "maxY": 0.4},
                                                "class_id": 1}], "class_labels": {1: "car"}}})
run.log({"tbl": t, "img": img})
run.finish()
''',
    # Records larger than a block (FIRST/MIDDLE/LAST chunks) and a file of several blocks.
    "large": r'''
import wandb
run = wandb.init(project="golden", name="large")
run.log({"long": "abcdefghij" * 3500, "i": 1})
run.log({"i": 2})
run.finish()
''',
    # define_metric: step metrics and step_sync, globs, summaries (min/max/mean/last/first/none),
    # hidden, overwrite, merged and late definitions, an explicit summary over a defined metric.
    "metric": r'''
import wandb
run = wandb.init(project="golden", name="metric")
run.define_metric("epoch")
run.define_metric("loss", step_metric="epoch", summary="min,max,mean,last,first")
run.define_metric("acc", summary="max", hidden=True)
run.define_metric("train/*", step_metric="epoch")
run.define_metric("val_*", summary="none")
run.define_metric("eval.loss", summary="min")
run.define_metric("loss", summary="mean")
run.define_metric("x", step_metric="epoch", step_sync=False)
run.define_metric("s", summary="min,last")
run.define_metric("o", summary="last", overwrite=True)
run.define_metric("g/*", step_metric="gstep", summary="max")
run.define_metric("a\\.b", summary="min")
for i in range(4):
    row = {"loss": 1.0 / (i + 1), "acc": i * 0.1, "train/a": i, "train/b": 2.5 * i, "val_x": i,
           "eval": {"loss": 3 - i}, "x": i, "s": "str%d" % i, "o": i, "a.b": 5 - i}
    if i % 2 == 0:
        row["epoch"] = i // 2
    if i == 3:
        row["g/k"] = 2.0
    run.log(row)
run.log({"loss": 7, "z": None})
run.log({"late": 5})
run.log({"late": 2})
run.define_metric("late", summary="min,first")
run.log({"late": 3})
run.summary["loss"] = 0.01
run.log({"loss": 9, "acc": float("nan")})
run.log({"loss": 1}, step=20)
run.log({"x": 3, "epoch": 7}, commit=False)
run.define_metric("x", summary="max")
run.log({"x": 4})
run.define_metric("*", summary="max")
run.log({"new": 1})
run.log({"new": 0})
run.finish()
''',
}


def records(path):
    data = open(path, "rb").read()
    assert data[:7] == b":W&B\xe1\xbe\x00", data[:7]
    off, buf, block = 7, b"", 32768
    while off < len(data):
        left = block - off % block
        if left < 7:
            off += left
            continue
        crc, ln, ty = struct.unpack("<IHB", data[off:off + 7])
        payload = data[off + 7:off + 7 + ln]
        assert zlib.crc32(payload, zlib.crc32(bytes([ty]))) == crc, off
        off += 7 + ln
        if ty == 1:
            yield payload
        elif ty == 2:
            buf = payload
        elif ty == 3:
            buf += payload
        elif ty == 4:
            yield buf + payload


def items(xs):
    return [[x.key, list(x.nested_key), x.value_json] for x in xs]


def simple(rec, payload_len):
    kind = rec.WhichOneof("record_type")
    out = {"num": rec.num, "type": kind, "len": payload_len,
           "stream_id": rec._info.stream_id, "mailbox_slot": rec.control.mailbox_slot}
    r = getattr(rec, kind)
    if kind == "header":
        out.update(producer=r.version_info.producer, min_consumer=r.version_info.min_consumer)
    elif kind == "run":
        out.update(run_id=r.run_id, project=r.project, entity=r.entity, display_name=r.display_name,
                   tags=list(r.tags), notes=r.notes, run_group=r.run_group, job_type=r.job_type,
                   host=r.host, start_time=[r.start_time.seconds, r.start_time.nanos],
                   config=items(r.config.update))
    elif kind in ("summary", "config"):
        out.update(update=items(r.update), remove=items(r.remove))
    elif kind == "history":
        out.update(items=items(r.item), step=r.step.num if r.HasField("step") else None)
    elif kind == "files":
        out.update(files=[[f.path, f.policy, f.type] for f in r.files])
    elif kind == "exit":
        out.update(exit_code=r.exit_code, runtime=r.runtime)
    elif kind == "metric":
        o, m = r.options, r.summary
        out.update(name=r.name, glob_name=r.glob_name, step_metric=r.step_metric,
                   options=[o.step_sync, o.hidden, o.defined],
                   summary=[m.min, m.max, m.mean, m.best, m.last, m.none, m.copy, m.first]
                   if r.HasField("summary") else None,
                   goal=r.goal, overwrite=r._control.overwrite,
                   expanded_from_glob=r.expanded_from_glob)
    elif kind == "output_raw":
        out.update(line=r.line, output_type=r.output_type)
    elif kind == "artifact":
        m = r.manifest
        out.update(run_id=r.run_id, project=r.project, artifact_type=r.type, name=r.name, digest=r.digest,
                   aliases=list(r.aliases), finalize=r.finalize, client_id=r.client_id,
                   sequence_client_id=r.sequence_client_id, digest_algorithm=r.digest_algorithm,
                   incremental=r.incremental_beta1, manifest_version=m.version,
                   storage_policy=m.storage_policy,
                   storage_policy_config=[[c.key, c.value_json] for c in m.storage_policy_config],
                   entries=[[e.path, e.digest, e.size, e.local_path] for e in m.contents])
    return out


def main():
    from wandb.proto import wandb_internal_pb2 as pb
    import wandb
    assert wandb.__version__ == "0.31.0", wandb.__version__
    os.makedirs(OUT, exist_ok=True)
    only = sys.argv[1:]  # scenario names to make; all without any
    for name, code in SCENARIOS.items():
        if only and name not in only:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            script = os.path.join(tmp, "gen.py")
            with open(script, "w") as f:
                f.write(code)
            env = dict(os.environ, WANDB_MODE="offline", WANDB_SILENT="true",
                       WANDB_DATA_DIR=os.path.join(tmp, "data"))
            subprocess.run([sys.executable, script], cwd=tmp, env=env, check=True)
            (log,) = glob.glob(os.path.join(tmp, "wandb", "offline-run-*", "*.wandb"))
            dest = os.path.join(OUT, name + ".wandb")
            shutil.copyfile(log, dest)
            if name == "table":
                # The media files, to log the SDK's exact PNG from Rust.
                media = os.path.join(os.path.dirname(log), "files", "media")
                shutil.rmtree(os.path.join(OUT, name + ".media"), ignore_errors=True)
                shutil.copytree(media, os.path.join(OUT, name + ".media"))
            lines = []
            for payload in records(dest):
                rec = pb.Record()
                rec.ParseFromString(payload)
                lines.append(json.dumps(simple(rec, len(payload)), ensure_ascii=False))
                if rec.WhichOneof("record_type") == "artifact":
                    # Keep the staged entry files (they live outside the run folder).
                    for e in rec.artifact.manifest.contents:
                        to = os.path.join(OUT, name + ".artifact", e.path)
                        os.makedirs(os.path.dirname(to), exist_ok=True)
                        shutil.copyfile(e.local_path, to)
        with open(os.path.join(OUT, name + ".records.json"), "w") as f:
            f.write("\n".join(lines) + "\n")
        print(name, len(lines), "records")


if __name__ == "__main__":
    main()
