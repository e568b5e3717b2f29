"""Regenerates wb-graph's golden outputs and conformance cases with the real SDK (wandb==0.31.0).

Run from anywhere: WANDB_MODE=offline WANDB_SILENT=true /work/venv-ref/bin/python make_golden.py

Every case below is one conformance case (docs/conformance.md format): `log` maps history keys to values,
where a graph is `{"$wb": "Graph.from_nodes_edges", "args": {"format", "nodes", "edges"}}` or
`{"$wb": "Graph", "args": {"format": ...}}`. This script
  - writes each case to tests/conformance/cases/graph_<case>.json (the project's corpus) and
    to <case>/case.json next to this script (so the crate's golden test is self-contained);
  - builds the values with the SDK exactly as `from_nodes_edges` below does, logs each entry
    through the SDK's own `history_dict_to_json` (what `run.log` uses) on an offline run, and writes
    next to itself <case>/result.json (`{"status": "ok", "result": {key: run JSON}}` or
    `{"status": "error", "error": msg}`) and the media files at their `path`;
  - writes artifact.json: what `Graph.to_json(artifact)` gives for an unbound and a bound
    graph (a graph inside a table in an artifact), and the file entry the bound one adds.
"""
import json, os, shutil, sys, tempfile
import wandb
from wandb.sdk.data_types.graph import Node, Graph
from wandb.sdk.data_types.utils import history_dict_to_json, val_to_json

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
CASES_DIR = os.path.join(ROOT, "tests", "conformance", "cases")

# Node's constructor takes these; the other attributes are only properties, set after it.
CTOR = ("id", "name", "class_name", "size", "parameters", "output_shape", "is_output", "num_parameters")
EXTRA = ("functions", "child_parameters", "is_constant")


def from_nodes_edges(format="keras", nodes=(), edges=()):
    """`Graph.from_nodes_edges` of docs/conformance.md."""
    g = Graph(format=format)
    for attrs in nodes:
        node = Node(**{k: v for k, v in attrs.items() if k not in EXTRA})
        for k in EXTRA:  # fixed order, whatever the case's key order; null = not set
            if attrs.get(k) is not None:
                setattr(node, k, attrs[k])
        g.add_node(node)
    for f, t in edges:
        g.add_edge(g.nodes_by_id[f], g.nodes_by_id[t])
    return g


def G(format=None, nodes=None, edges=None):
    args = {}
    if format is not None:
        args["format"] = format
    if nodes is not None:
        args["nodes"] = nodes
    if edges is not None:
        args["edges"] = edges
    return {"$wb": "Graph.from_nodes_edges", "args": args}


def build(v):
    if isinstance(v, dict) and "$wb" in v:
        a = build(v.get("args", {}))
        if v["$wb"] == "Graph":
            return Graph(**a)
        if v["$wb"] == "Graph.from_nodes_edges":
            return from_nodes_edges(**a)
        raise ValueError(v["$wb"])
    if isinstance(v, dict) and "$float" in v:
        return float(v["$float"])
    if isinstance(v, dict):
        return {k: build(x) for k, x in v.items()}
    if isinstance(v, list):
        return [build(x) for x in v]
    return v


MLP = [  # what wb_graph::ModelGraph::new("torch") makes of the 3-layer MLP in golden.rs
    {"name": "fc1", "id": "fc1", "class_name": "Linear", "parameters": [["weight", [16, 4]], ["bias", [16]]],
     "output_shape": [[1, 16]], "num_parameters": [64, 16]},
    {"name": "act", "id": "act", "class_name": "ReLU", "parameters": [], "output_shape": [[1, 16]], "num_parameters": []},
    {"name": "fc2", "id": "fc2", "class_name": "Linear", "parameters": [["weight", [3, 16]], ["bias", [3]]],
     "output_shape": [[1, 3]], "num_parameters": [48, 3]},
]
MLP_KERAS = [  # the same with ModelGraph::new("keras")
    {"name": "fc1", "id": "fc1", "class_name": "Linear", "parameters": [["weight", [16, 4]], ["bias", [16]]],
     "output_shape": [1, 16], "num_parameters": 80},
    {"name": "act", "id": "act", "class_name": "ReLU", "output_shape": [1, 16], "num_parameters": 0},
    {"name": "fc2", "id": "fc2", "class_name": "Linear", "parameters": [["weight", [3, 16]], ["bias", [3]]],
     "output_shape": ["multiple"], "num_parameters": 51},
]

CASES = {
    "keras_basic": dict(about="Keras graph of two layers and one edge", step=0, log={"graph": G("keras", [
        {"id": "a", "name": "in", "class_name": "Input", "size": [1, 2], "output_shape": [None, 3], "num_parameters": 0},
        {"id": "b", "name": "dense", "class_name": "Dense", "parameters": [["w", [3, 3]]], "is_output": True, "num_parameters": 9},
    ], [["a", "b"]])}),
    "all_attributes": dict(about="every Node attribute set, in shuffled key order", step=2, log={"g": G("torch", [
        {"is_constant": False, "child_parameters": 7, "functions": ["relu", "add"], "num_parameters": [12, 3],
         "is_output": False, "output_shape": [[1, 3], [1, 3]], "parameters": [["weight", [3, 4]], ["bias", [3]]],
         "size": [2, 3, 4], "class_name": "Linear(in_features=4, out_features=3, bias=True)", "name": "fc", "id": 140234},
    ], [])}),
    "torch_watch_style": dict(about="torch format as wandb.watch logs it: int ids, per-parameter counts, no edges", step=1,
        log={"graph_0": G("torch", [
            {"id": 1001, "name": "conv1", "class_name": "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1))",
             "parameters": [["weight", [8, 1, 3, 3]], ["bias", [8]]], "output_shape": [[2, 8, 26, 26]], "num_parameters": [72, 8]},
            {"id": 1002, "name": "pool", "class_name": "MaxPool2d(kernel_size=2)", "parameters": [], "output_shape": [[2, 8, 13, 13]], "num_parameters": []},
            {"id": 1003, "name": "head.fc", "class_name": "Linear(in_features=1352, out_features=10, bias=True)",
             "parameters": [["weight", [10, 1352]], ["bias", [10]]], "output_shape": [[2, 10]], "num_parameters": [13520, 10]},
        ])}),
    "unicode": dict(about="unicode ids, names, class names and key", step=0, log={"modèle/図": G("keras", [
        {"id": "entrée", "name": "Entrée ☃", "class_name": "Слой"},
        {"id": "出力", "name": "出力 🚀", "class_name": "Dense\u2028x", "output_shape": ["多"]},
    ], [["entrée", "出力"]])}),
    "no_ids": dict(about="nodes without ids; edges name them by null", step=0, log={"g": G("keras", [
        {"name": "first"}, {"id": "b", "name": "with id"}, {"name": "last without id", "class_name": "X"}, {},
    ], [[None, "b"], ["b", None], [None, None]])}),
    "empty": dict(about="empty graphs: default format and torch", step=4, log={
        "default": {"$wb": "Graph"}, "torch": {"$wb": "Graph", "args": {"format": "torch"}},
        "spec": G(), "custom_format": G("my-format", [], [])}),
    "nested_keys": dict(about="graphs in nested dicts and under keys with slashes", step=0, log={
        "model": {"arch": G("keras", [{"id": "x", "name": "x"}], []), "note": "text", "n": 3},
        "a/b/graph": G("keras", [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}], [[1, 2], [2, 1]]),
        "../up": G("torch", [{"id": "u"}], [])}),
    "list_of_graphs": dict(about="a list of graphs is a plain JSON array (graphs are not batched)", step=0, log={"graphs": [
        G("keras", [{"id": "a", "name": "a"}], []), G("torch", [{"id": "b", "name": "b"}], []), {"$wb": "Graph"}]}),
    "floats_and_ints": dict(about="float and big-int attribute values in the compact JSON", step=0, log={"g": G("keras", [
        {"id": "f", "name": "floats", "size": [0.5, 1e-07, 1e16, -0.0, 2.0, 123456.789],
         "output_shape": [None, 0.1, 1.5e-5], "num_parameters": 12345678901234567890},
        {"id": "n", "name": "nonfinite", "num_parameters": {"$float": "nan"}, "output_shape": [{"$float": "inf"}, {"$float": "-inf"}]},
    ], [["f", "n"]])}),
    "duplicate_ids": dict(about="two nodes with one id: edges go to the last one added", step=0, log={"g": G("keras", [
        {"id": "x", "name": "first x"}, {"id": "y", "name": "y"}, {"id": "x", "name": "second x"},
    ], [["y", "x"], ["x", "y"]])}),
    "module_tree_torch": dict(about="the nodes and edges ModelGraph('torch') makes of a 3-layer MLP", step=7,
        log={"graph": G("torch", MLP, [["fc1", "act"], ["act", "fc2"]])}),
    "module_tree_keras": dict(about="the nodes and edges ModelGraph('keras') makes of a 3-layer MLP", step=7,
        log={"graph": G("keras", MLP_KERAS, [["fc1", "act"], ["act", "fc2"]])}),
    "null_attributes": dict(about="null attributes are not set (Node(attr=None)); name stays first", step=0, log={"g": G("keras", [
        {"id": None, "name": None, "class_name": None, "size": None, "is_output": None, "functions": None, "is_constant": None},
        {"name": "n", "parameters": None, "num_parameters": 0, "is_output": False},
    ], [])}),
    "artifact_refused": dict(about="a Graph cannot be added to an artifact (Artifact.add raises TypeError)",
        target="artifact", add={"g": G("keras", [{"id": "a", "name": "a"}], [])}, expect="error"),
    "error_unknown_edge_id": dict(about="an edge naming a node id that no node has", step=0, expect="error",
        log={"g": G("keras", [{"id": "a"}], [["a", "missing"]])}),
    "error_edge_to_missing_null_id": dict(about="an edge naming null when every node has an id", step=0, expect="error",
        log={"g": G("torch", [{"id": 1}, {"id": 2}], [[1, 2], [2, None]])}),
}


def main():
    os.makedirs(CASES_DIR, exist_ok=True)
    work = tempfile.mkdtemp()
    run = wandb.init(project="golden", dir=work, mode="offline",
                     settings=wandb.Settings(console="off", x_disable_stats=True))
    for name, c in CASES.items():
        case = {"about": c["about"]}
        if c.get("target") == "artifact":
            case["target"] = "artifact"
            case["add"] = c["add"]
        else:
            case["step"] = c["step"]
            case["log"] = c["log"]
        case["expect"] = c.get("expect", "ok")
        with open(os.path.join(CASES_DIR, f"graph_{name}.json"), "w", encoding="utf-8") as f:
            json.dump(case, f, indent=1, ensure_ascii=False)
            f.write("\n")

        out = os.path.join(HERE, name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        with open(os.path.join(out, "case.json"), "w", encoding="utf-8") as f:
            json.dump(case, f, indent=1, ensure_ascii=False)
        try:
            if c.get("target") == "artifact":
                art = wandb.Artifact("graphs", "dataset")
                for k, v in c["add"].items():
                    art.add(build(v), k)
                res = {"status": "ok", "result": {}}
            else:
                # what run.log(log, step=step) converts, nested dicts included
                result = history_dict_to_json(run, build(c["log"]), step=c["step"])
                res = {"status": "ok", "result": result}
        except Exception as e:  # noqa: BLE001
            res = {"status": "error", "error": f"{type(e).__name__}: {e}"}
        if (res["status"] == "ok") != (case["expect"] == "ok"):
            sys.exit(f"case {name}: expected {case['expect']}, got {res}")
        with open(os.path.join(out, "result.json"), "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1, ensure_ascii=False, allow_nan=True)
        for p in _paths(res.get("result", {})):
            dest = os.path.join(out, "files", p)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(os.path.join(run.dir, p), dest)

    # Graph.to_json(artifact): unbound, then bound (as a cell of a table added to an artifact).
    art = wandb.Artifact("graphs", "dataset")
    g = from_nodes_edges("torch", [{"id": "q", "name": "é"}], [])
    unbound = g.to_json(art)
    val_to_json(run, "bound", g, namespace=3)
    bound = g.to_json(art)
    entries = {k: open(e.local_path, encoding="utf-8").read() for k, e in art.manifest.entries.items()}
    with open(os.path.join(HERE, "artifact.json"), "w", encoding="utf-8") as f:
        json.dump({"unbound": unbound, "bound": bound, "entries": entries}, f, indent=1, ensure_ascii=False)
    run.finish()


def _paths(v):
    if isinstance(v, dict):
        if isinstance(v.get("path"), str) and v.get("_type") == "graph-file":
            yield v["path"]
        for x in v.values():
            yield from _paths(x)
    elif isinstance(v, list):
        for x in v:
            yield from _paths(x)


if __name__ == "__main__":
    main()
