//! wb-graph against golden outputs of wandb 0.31.0, made by `tests/golden/make_golden.py`:
//! each `tests/golden/<case>/` holds the conformance case (`case.json`), the run JSON the SDK
//! produced for it (`result.json`) and the `.graph.json` files it wrote (`files/`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use indexmap::IndexMap;
use std::path::{Path, PathBuf};
use wb_core::LogValue;
use wb_core::internal::value::history_row_to_json;
use wb_core::json::{self, Dialect, Map, Value};
use wb_core::{Artifact, ArtifactSource, DirRun, Step, WbValue};
use wb_graph::{EdgeStyle, Graph, Module, ModuleTreeOptions, Node, NodeId};

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn read_json(p: &Path) -> Value {
    json::parse(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn compact(v: &Value) -> String {
    json::to_string(v, Dialect::Compact)
}

// ---- the case's `Graph.from_nodes_edges`, with the public API (as the conformance builder) ----

fn resolve_specials(v: &Value) -> Value {
    match v {
        Value::Object(m) if m.len() == 1 && m.contains_key("$float") => {
            match m["$float"].as_str().unwrap() {
                "nan" => Value::Float(f64::NAN),
                "inf" => Value::Float(f64::INFINITY),
                "-inf" => Value::Float(f64::NEG_INFINITY),
                other => panic!("bad $float {other}"),
            }
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), resolve_specials(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(resolve_specials).collect()),
        v => v.clone(),
    }
}

fn node_from_attrs(attrs: &Map) -> Result<Node, String> {
    let mut n = Node::new();
    for (k, v) in attrs {
        if v.is_null() {
            continue;
        }
        n = match k.as_str() {
            "id" => match NodeId::from_json(v, "id").map_err(|e| e.to_string())? {
                Some(id) => n.with_id(id),
                None => n,
            },
            "name" => n.with_name(v.as_str().ok_or("name must be a string")?),
            "class_name" => n.with_class_name(v.as_str().ok_or("class_name must be a string")?),
            "size" => match v {
                Value::Array(items) => n.with_size(items.clone()),
                Value::Str(s) => n.with_size(s.chars().map(String::from)),
                _ => return Err("'int' object is not iterable".into()),
            },
            "parameters" => {
                let mut pairs = Vec::new();
                for p in v.as_array().ok_or("parameters must be a list")? {
                    match p.as_array() {
                        Some([Value::Str(name), shape]) => {
                            pairs.push((name.clone(), shape.clone()))
                        }
                        _ => return Err("parameters must be [name, shape] pairs".into()),
                    }
                }
                n.with_parameters(pairs)
            }
            "output_shape" => n.with_output_shape(v.clone()),
            "is_output" => n.with_is_output(v.as_bool().ok_or("is_output must be a boolean")?),
            "num_parameters" => n.with_num_parameters(v.clone()),
            "functions" => n.with_functions(v.clone()),
            "child_parameters" => n.with_child_parameters(v.clone()),
            "is_constant" => {
                n.with_is_constant(v.as_bool().ok_or("is_constant must be a boolean")?)
            }
            other => {
                return Err(format!(
                    "Node.__init__() got an unexpected keyword argument '{other}'"
                ));
            }
        };
    }
    Ok(n)
}

fn graph_from_args(class: &str, args: &Map) -> Result<Graph, String> {
    let format = args
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or("keras");
    let mut g = Graph::new(format);
    if class == "Graph" {
        return Ok(g);
    }
    for n in args
        .get("nodes")
        .and_then(Value::as_array)
        .unwrap_or_default()
    {
        g.add_node(node_from_attrs(
            n.as_object().ok_or("a node must be an object")?,
        )?);
    }
    for e in args
        .get("edges")
        .and_then(Value::as_array)
        .unwrap_or_default()
    {
        let [f, t] = e.as_array().ok_or("an edge must be a pair")? else {
            return Err("an edge must be a pair".into());
        };
        let f = NodeId::from_json(f, "edge").map_err(|e| e.to_string())?;
        let t = NodeId::from_json(t, "edge").map_err(|e| e.to_string())?;
        let pos = |id: &Option<NodeId>| {
            id.clone()
                .map_or_else(|| g.position_without_id(), |i| g.position(i))
                .ok_or_else(|| format!("KeyError: {id:?}"))
        };
        let (fp, tp) = (pos(&f)?, pos(&t)?);
        g.add_edge(fp, tp).map_err(|e| e.to_string())?;
    }
    Ok(g)
}

fn to_log_value(v: &Value) -> Result<LogValue, String> {
    match v {
        Value::Object(m) if m.contains_key("$wb") => {
            let class = m["$wb"].as_str().unwrap();
            let args = m
                .get("args")
                .map(resolve_specials)
                .unwrap_or_else(Value::object);
            Ok(LogValue::media(graph_from_args(
                class,
                args.as_object().unwrap(),
            )?))
        }
        Value::Object(m) => Ok(LogValue::Map(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), to_log_value(v)?)))
                .collect::<Result<_, String>>()?,
        )),
        Value::Array(a) => Ok(LogValue::List(
            a.iter().map(to_log_value).collect::<Result<_, _>>()?,
        )),
        v => Ok(LogValue::Json(v.clone())),
    }
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(golden())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn every_golden_case_matches_the_sdk() {
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "expected the golden cases, found {}",
        cases.len()
    );
    for dir in cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let case = read_json(&dir.join("case.json"));
        let expected = read_json(&dir.join("result.json"));
        let expect_error = case.get("expect").and_then(Value::as_str) == Some("error");
        assert_eq!(
            expected.get("status").and_then(Value::as_str),
            Some(if expect_error { "error" } else { "ok" }),
            "{name}: golden status"
        );
        let tmp = tempfile::tempdir().unwrap();

        if case.get("target").and_then(Value::as_str) == Some("artifact") {
            let mut art = Artifact::new("graphs", "dataset");
            let mut failed = None;
            for (k, v) in case.get("add").unwrap().as_object().unwrap() {
                match to_log_value(v) {
                    Ok(LogValue::Media(m)) => {
                        if let Err(e) = art.add(m.as_ref(), k) {
                            failed = Some(e.to_string());
                        }
                    }
                    Ok(_) => panic!("{name}: not a value"),
                    Err(e) => failed = Some(e),
                }
            }
            let e = failed.unwrap_or_else(|| panic!("{name}: expected an error"));
            assert!(
                e.starts_with("Found object of type Graph, expected one of: ("),
                "{e}"
            );
            continue;
        }

        let step = case.get("step").and_then(Value::as_i64).unwrap_or(0);
        let built: Result<IndexMap<String, LogValue>, String> = case
            .get("log")
            .unwrap()
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| Ok((k.clone(), to_log_value(v)?)))
            .collect();
        if expect_error {
            let err = expected.get("error").and_then(Value::as_str).unwrap();
            let ours = built
                .err()
                .unwrap_or_else(|| panic!("{name}: expected an error"));
            // The SDK's message, without its exception class, is in ours.
            let sdk = err.split_once(": ").unwrap().1.trim_matches('\'');
            assert!(
                ours.contains(sdk),
                "{name}: {ours:?} should contain {sdk:?}"
            );
            continue;
        }
        let run = DirRun::new(tmp.path());
        let got = history_row_to_json(&run, &built.unwrap(), step).unwrap();
        let want = expected.get("result").unwrap();
        assert_eq!(
            compact(&Value::Object(got.clone())),
            compact(want),
            "{name}: run JSON"
        );
        let mut paths = Vec::new();
        collect_paths(want, &mut paths);
        assert!(!paths.is_empty(), "{name}: no files");
        for p in paths {
            let ours = std::fs::read(tmp.path().join(&p)).unwrap();
            let theirs = std::fs::read(dir.join("files").join(&p)).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs),
                "{name}: {p}"
            );
            assert_eq!(ours, theirs, "{name}: {p} bytes");
            // Every SDK file reads back into a graph that writes the same bytes.
            let back = Graph::from_graph_json_str(std::str::from_utf8(&theirs).unwrap()).unwrap();
            assert_eq!(
                back.to_graph_json_string().as_bytes(),
                &theirs[..],
                "{name}: {p} re-read"
            );
        }
    }
}

fn collect_paths(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(p) = m.get("path").and_then(Value::as_str) {
                out.push(p.to_owned());
            }
            m.values().for_each(|v| collect_paths(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| collect_paths(v, out)),
        _ => {}
    }
}

fn golden_file(case: &str) -> Vec<u8> {
    let want = read_json(&golden().join(case).join("result.json"));
    let mut paths = Vec::new();
    collect_paths(&want, &mut paths);
    std::fs::read(golden().join(case).join("files").join(&paths[0])).unwrap()
}

fn mlp() -> Module {
    Module::new("mlp", "Sequential")
        .with_child(
            Module::new("fc1", "Linear")
                .with_param("weight", [16, 4])
                .with_param("bias", [16])
                .with_output_shape([1, 16]),
        )
        .with_child(Module::new("act", "ReLU").with_output_shape([1, 16]))
        .with_child(
            Module::new("fc2", "Linear")
                .with_param("weight", [3, 16])
                .with_param("bias", [3]),
        )
}

#[test]
fn module_tree_builder_writes_the_sdk_bytes() {
    let mut model = mlp();
    model.children[2].output_shape = Some(vec![1, 3]);
    assert_eq!(
        Graph::from_module_tree(&model)
            .to_graph_json_string()
            .into_bytes(),
        golden_file("module_tree_torch")
    );
    // keras: fc2's output shape unknown → ["multiple"], as Graph.from_keras writes it.
    assert_eq!(
        Graph::from_module_tree_with(&mlp(), ModuleTreeOptions::default().with_format("keras"))
            .to_graph_json_string()
            .into_bytes(),
        golden_file("module_tree_keras")
    );
    let no_edges = Graph::from_module_tree_with(
        &model,
        ModuleTreeOptions::default().with_edges(EdgeStyle::None),
    );
    assert!(no_edges.edges().is_empty());
}

#[test]
fn typed_api_writes_the_sdk_bytes() {
    // The reference's observed example (formats doc §5.7), built call by call.
    let mut g = Graph::new("keras");
    let a = g.add_node(
        Node::new()
            .with_id("a")
            .with_name("in")
            .with_class_name("Input")
            .with_size([1, 2])
            .with_output_shape(vec![None, Some(3)])
            .with_num_parameters(0),
    );
    let b = g.add_node(
        Node::new()
            .with_num_parameters(9)
            .with_is_output(true)
            .with_parameter("w", vec![3, 3])
            .with_class_name("Dense")
            .with_name("dense")
            .with_id("b"),
    );
    g.add_edge(a, b).unwrap();
    assert_eq!(
        g.to_graph_json_string().into_bytes(),
        golden_file("keras_basic")
    );

    let mut nid = Graph::new("keras");
    nid.add_node(Node::new().with_name("first"));
    nid.add_node(Node::new().with_id("b").with_name("with id"));
    nid.add_node(
        Node::new()
            .with_name("last without id")
            .with_class_name("X"),
    );
    let last = nid.add_node(Node::new());
    nid.add_edge(last, 1).unwrap();
    nid.add_edge(1, last).unwrap();
    nid.add_edge(last, last).unwrap();
    assert_eq!(
        nid.to_graph_json_string().into_bytes(),
        golden_file("no_ids")
    );
}

#[test]
fn artifact_json_matches_the_sdk() {
    let want = read_json(&golden().join("artifact.json"));
    let mut g = Graph::new("torch");
    g.add_node(Node::new().with_id("q").with_name("é"));
    let mut art = Artifact::new("graphs", "dataset");
    // Not logged yet: no file, `{"_type": "graph-file"}` only (as inside a table).
    assert_eq!(
        g.to_artifact_json(&mut art).unwrap(),
        want.get("unbound").unwrap().clone()
    );
    assert!(art.entries.is_empty());
    // Logged to a run first: the run's file goes along, named `<sha20>/<basename>`.
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path());
    g.bind_to_run(&run, "bound", Step::Num(3)).unwrap();
    let bound = g.to_artifact_json(&mut art).unwrap();
    assert_eq!(compact(&bound), compact(want.get("bound").unwrap()));
    for (name, content) in want.get("entries").unwrap().as_object().unwrap() {
        assert_eq!(
            &art.read_entry(name).unwrap()[..],
            content.as_str().unwrap().as_bytes()
        );
    }
    // from_json reads the file back (the SDK's own from_json does not), into an equal graph.
    let back = Graph::from_json(&bound, &art).unwrap();
    assert_eq!(back, g);
    assert!(back.wb_eq(&g));
    let reg = {
        let mut r = wb_core::Registry::new().with_core();
        wb_graph::register(&mut r);
        r
    };
    let decoded = reg.decode(&bound, &art).unwrap().unwrap();
    assert!(decoded.wb_eq(&g));
    // The SDK raises KeyError('path') for the path-less form; we say why.
    let e = Graph::from_json(want.get("unbound").unwrap(), &art).unwrap_err();
    assert!(e.to_string().contains("`path` is missing"), "{e}");
    // A graph is refused by Artifact::add, as by the SDK.
    let e = art.add(&g, "g").unwrap_err().to_string();
    assert!(
        e.starts_with("Found object of type Graph, expected one of: ("),
        "{e}"
    );
}

#[test]
fn equality_is_the_sdks() {
    let mut a = Graph::new("keras");
    a.add_node(Node::new().with_id(1));
    let b = a.clone();
    // Unlogged graphs have no file hash: the SDK finds them unequal, even to themselves.
    assert!(!a.wb_eq(&b) && !a.wb_eq(&a));
    assert_eq!(a, b);
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path());
    a.bind_to_run(&run, "x", Step::Num(0)).unwrap();
    b.bind_to_run(&run, "y", Step::Num(1)).unwrap();
    assert!(a.wb_eq(&b));
    assert!(!a.wb_eq(&wb_core::Histogram::from_sequence(&[1.0]).unwrap()));
}

#[test]
fn logging_twice_reuses_the_first_file_and_changes_make_a_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path());
    let mut g = Graph::new("keras");
    g.add_node(Node::new().with_id("a"));
    let shared = std::sync::Arc::new(g.clone());
    let v = LogValue::Media(shared);
    let row = |k: &str| IndexMap::from([(k.to_owned(), v.clone())]);
    let first = history_row_to_json(&run, &row("g"), 0).unwrap();
    let second = history_row_to_json(&run, &row("h"), 1).unwrap();
    assert_eq!(first["g"], second["h"], "a logged graph keeps its file");
    assert_eq!(run.published().len(), 1);
    // Changing an owned graph drops its file, so the next logging writes the new content.
    g.bind_to_run(&run, "g2", Step::Num(0)).unwrap();
    let before = g.file().unwrap().sha256().to_owned();
    g.add_node(Node::new().with_id("b"));
    assert!(g.file().is_none());
    g.bind_to_run(&run, "g2", Step::Num(0)).unwrap();
    assert_ne!(g.file().unwrap().sha256(), before);
    assert!(g.to_run_json(&run).is_ok());
    assert!(Graph::new("x").to_run_json(&run).is_err());
}

#[test]
fn bad_graph_files_are_errors_not_panics() {
    for (text, needle) in [
        ("[]", "JSON object"),
        (r#"{"nodes":[],"edges":[]}"#, "`format`"),
        (r#"{"format":"k","edges":[]}"#, "`nodes`"),
        (r#"{"format":"k","nodes":[]}"#, "`edges`"),
        (
            r#"{"format":"k","nodes":[],"edges":[["a","b"]]}"#,
            "edge 0 refers to the node id \"a\"",
        ),
        (
            r#"{"format":"k","nodes":[{"id":"a"}],"edges":[["a"]]}"#,
            "edge 0 must be a [from_id, to_id] pair",
        ),
        (
            r#"{"format":"k","nodes":[5],"edges":[]}"#,
            "node 0 must be an object",
        ),
        (
            r#"{"format":"k","nodes":[{"id":[1]}],"edges":[]}"#,
            "node id must be",
        ),
    ] {
        let e = Graph::from_graph_json_str(text).unwrap_err().to_string();
        assert!(e.contains(needle), "{text}: {e}");
    }
    let mut g = Graph::new("k");
    assert!(
        g.add_edge(0, 0)
            .unwrap_err()
            .to_string()
            .contains("has 0 nodes")
    );
    g.add_node(Node::new().with_id("a"));
    let e = g.add_edge_by_id("a", "zz").unwrap_err().to_string();
    assert!(e.contains("no node has the id \"zz\""), "{e}");
}
