//! Conformance builders for the graph family: `Graph` and `Graph.from_nodes_edges`.
//!
//! `Graph.from_nodes_edges` (docs/conformance.md) stands for how a Rust user builds a graph: a
//! [`Node`] per attribute object, set attribute by attribute with the `Node::with_*` builder,
//! added in order, then one edge per `[from_id, to_id]` pair with `Graph::add_edge_by_id`
//! (or, for `null` ids, by the position of the last node without an id, as Python's
//! `nodes_by_id[None]`). `null` attributes are left unset, as `Node(attr=None)` leaves them.
//! Attribute values Rust's types cannot take (an integer `size`, an attribute `Node` does not
//! have) cannot be written in Rust at all, so they are reported as unmapped.

use super::{Built, Ctx};
use crate::conformance::args::{Arg, Args, unmapped};
use wb_types::graph::{Graph, Node, NodeId};
use wb_types::{LogValue, Value};

/// Maps `Graph` and `Graph.from_nodes_edges` to our API.
pub fn build(class: &str, args: &Args, _ctx: &Ctx<'_>) -> Built {
    let r = match class {
        "Graph" => graph(args),
        "Graph.from_nodes_edges" => from_nodes_edges(args),
        _ => return None,
    };
    Some(r.map(LogValue::media))
}

/// A case value as plain JSON (special floats and tuples resolved).
fn json(a: &Arg) -> Result<Value, String> {
    match a {
        Arg::Json(v) => Ok(v.clone()),
        Arg::Float(f) => Ok(Value::Float(*f)),
        Arg::List(items) | Arg::Tuple(items) => items
            .iter()
            .map(json)
            .collect::<Result<_, _>>()
            .map(Value::Array),
        Arg::Map(items) => items
            .iter()
            .map(|(k, v)| Ok((k.clone(), json(v)?)))
            .collect::<Result<_, String>>()
            .map(Value::Object),
        other => Err(unmapped(format!(
            "a graph attribute must be JSON, a $float or a $tuple, not {other:?}"
        ))),
    }
}

fn format(args: &Args) -> Result<String, String> {
    match args.get("format") {
        None => Ok("keras".to_owned()),
        Some(Arg::Json(Value::Str(s))) => Ok(s.clone()),
        Some(other) => Err(unmapped(format!("format must be a string, got {other:?}"))),
    }
}

fn graph(args: &Args) -> Result<Graph, String> {
    args.only("Graph", &["format"])?;
    Ok(Graph::new(format(args)?))
}

fn from_nodes_edges(args: &Args) -> Result<Graph, String> {
    args.only("Graph.from_nodes_edges", &["format", "nodes", "edges"])?;
    let mut g = Graph::new(format(args)?);
    let list = |k: &str| -> Result<Vec<Value>, String> {
        match args.get(k).map(json).transpose()?.map(Value::into_array) {
            None => Ok(Vec::new()),
            Some(Ok(items)) => Ok(items),
            Some(Err(other)) => Err(unmapped(format!("{k} must be a list, got {other:?}"))),
        }
    };
    for (i, n) in list("nodes")?.iter().enumerate() {
        let attrs = n
            .as_object()
            .ok_or_else(|| unmapped(format!("node {i} must be an object of attributes")))?;
        g.add_node(node(attrs, i)?);
    }
    for (i, e) in list("edges")?.iter().enumerate() {
        let Some([from, to]) = e.as_array() else {
            return Err(unmapped(format!(
                "edge {i} must be a [from_id, to_id] pair"
            )));
        };
        let id = |v: &Value| NodeId::from_json(v, &format!("edge {i}")).map_err(unmapped);
        match (id(from)?, id(to)?) {
            (Some(f), Some(t)) => {
                g.add_edge_by_id(f, t).map_err(|e| e.to_string())?;
            }
            (f, t) => {
                let pos = |id: &Option<NodeId>| {
                    let found = id
                        .clone()
                        .map_or_else(|| g.position_without_id(), |i| g.position(i));
                    found.ok_or_else(|| match id {
                        Some(id) => format!("KeyError: no node has the id {id}"),
                        None => "KeyError: None: no node without an id was added".to_owned(),
                    })
                };
                let (f, t) = (pos(&f)?, pos(&t)?);
                g.add_edge(f, t).map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(g)
}

fn node(attrs: &wb_types::core::json::Map, i: usize) -> Result<Node, String> {
    let bad = |k: &str, want: &str, v: &Value| {
        unmapped(format!("node {i}: {k} must be {want} in Rust, got {v:?}"))
    };
    let mut n = Node::new();
    for (k, v) in attrs {
        if v.is_null() {
            continue;
        }
        n = match k.as_str() {
            "id" => match NodeId::from_json(v, &format!("node {i}")).map_err(unmapped)? {
                Some(id) => n.with_id(id),
                None => n,
            },
            "name" => n.with_name(v.as_str().ok_or_else(|| bad(k, "a string", v))?),
            "class_name" => n.with_class_name(v.as_str().ok_or_else(|| bad(k, "a string", v))?),
            "size" => n.with_size(v.as_array().ok_or_else(|| bad(k, "a list", v))?.to_vec()),
            "parameters" => {
                let items = v
                    .as_array()
                    .ok_or_else(|| bad(k, "a list of [name, shape] pairs", v))?;
                let pairs = items
                    .iter()
                    .map(|p| match p.as_array() {
                        Some([Value::Str(name), shape]) => Ok((name.clone(), shape.clone())),
                        _ => Err(bad(k, "a list of [name, shape] pairs", v)),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                n.with_parameters(pairs)
            }
            "output_shape" => n.with_output_shape(v.clone()),
            "is_output" => n.with_is_output(v.as_bool().ok_or_else(|| bad(k, "a boolean", v))?),
            "num_parameters" => n.with_num_parameters(v.clone()),
            "functions" => n.with_functions(v.clone()),
            "child_parameters" => n.with_child_parameters(v.clone()),
            "is_constant" => n.with_is_constant(v.as_bool().ok_or_else(|| bad(k, "a boolean", v))?),
            other => {
                return Err(unmapped(format!(
                    "node {i}: Node has no attribute {other:?} (known: {})",
                    Node::ATTRIBUTES.join(", ")
                )));
            }
        };
    }
    Ok(n)
}
