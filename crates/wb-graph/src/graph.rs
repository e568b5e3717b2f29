//! [`Graph`] (`graph-file`) and [`Edge`].

use crate::node::{Node, NodeId};
use std::collections::HashMap;
use std::sync::OnceLock;
use wb_core::internal::media::{generated_file, media_value_methods};
use wb_core::internal::{Media, MediaType};
use wb_core::json::{self, Dialect, Map, Value};
use wb_core::{ArtifactSource, ArtifactTarget, Error, MediaFile, Result, WbValue};

/// The media folder of graph files.
pub(crate) const MEDIA_DIR: &str = "media/graph";
/// The extension of graph files.
pub(crate) const EXTENSION: &str = ".graph.json";
/// The `_type` of a graph, in runs and artifacts.
pub(crate) const LOG_TYPE: &str = "graph-file";

/// A directed edge between two nodes of a [`Graph`], by their positions in
/// [`Graph::nodes`]. It is written as `[from_id, to_id]`, the ids of those nodes (`null` for a
/// node without an id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Edge {
    from: usize,
    to: usize,
}

impl Edge {
    /// The position of the source node.
    pub fn from(&self) -> usize {
        self.from
    }
    /// The position of the target node.
    pub fn to(&self) -> usize {
        self.to
    }
}

/// A model's graph: nodes (layers) and edges, logged as a `.graph.json` file that the W&B
/// graph panel draws (the SDK's `wandb.Graph`).
///
/// The file is written when the graph is logged (bound to a run), compact, as
/// `{"format": ..., "nodes": [...], "edges": [[from_id, to_id], ...]}`; its bytes are the
/// SDK's for the same nodes and edges. The run JSON is
/// `{"_type": "graph-file", "sha256", "size", "path"}`.
///
/// As in the SDK, a graph cannot be added to an artifact by itself
/// ([`Artifact::add`](wb_core::Artifact::add) refuses it); inside a table in an artifact it is
/// written as `{"_type": "graph-file"}` alone unless it was logged to a run first, in which
/// case its file goes along.
///
/// ```
/// use wb_graph::{Graph, Node};
/// let mut g = Graph::new("keras");
/// let a = g.add_node(Node::new().with_id("in").with_name("in").with_class_name("InputLayer"));
/// let b = g.add_node(Node::new().with_id("out").with_name("out").with_class_name("Dense"));
/// g.add_edge(a, b)?;
/// assert_eq!(
///     g.to_graph_json_string(),
///     r#"{"format":"keras","nodes":[{"name":"in","id":"in","class_name":"InputLayer"},{"name":"out","id":"out","class_name":"Dense"}],"edges":[["in","out"]]}"#
/// );
/// # Ok::<(), wb_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Graph {
    format: String,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// The `.graph.json` file, made when the graph is bound (or read back by `from_json`).
    media: OnceLock<Media>,
}

impl Default for Graph {
    /// An empty graph in the SDK's default format, `keras`.
    fn default() -> Self {
        Graph::new("keras")
    }
}

impl PartialEq for Graph {
    /// Same format, nodes and edges (what the graph file would contain). The SDK's notion of
    /// equality (the same file hash, only for logged graphs) is [`WbValue::wb_eq`].
    fn eq(&self, other: &Self) -> bool {
        self.format == other.format && self.nodes == other.nodes && self.edges == other.edges
    }
}

impl Graph {
    /// An empty graph. `format` tells the W&B UI how to draw it: `"keras"` (the SDK's
    /// default), `"torch"` (what `wandb.watch` logs), or another name.
    pub fn new(format: impl Into<String>) -> Self {
        Graph {
            format: format.into(),
            nodes: Vec::new(),
            edges: Vec::new(),
            media: OnceLock::new(),
        }
    }

    /// The format name.
    pub fn format(&self) -> &str {
        &self.format
    }

    /// The nodes, in the order they were added (the order they are written).
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The edges, in the order they were added.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The node at position `index`.
    pub fn node(&self, index: usize) -> Option<&Node> {
        self.nodes.get(index)
    }

    /// The node at position `index`, to change it (before logging the graph).
    pub fn node_mut(&mut self, index: usize) -> Option<&mut Node> {
        self.media = OnceLock::new();
        self.nodes.get_mut(index)
    }

    /// The position of the node with this id; with several, the last one added (the SDK's
    /// `nodes_by_id`).
    pub fn position(&self, id: impl Into<NodeId>) -> Option<usize> {
        let id = id.into();
        self.find(Some(&id))
    }

    /// The position of the last node added without an id (the SDK's `nodes_by_id[None]`).
    pub fn position_without_id(&self) -> Option<usize> {
        self.find(None)
    }

    fn find(&self, id: Option<&NodeId>) -> Option<usize> {
        self.nodes.iter().rposition(|n| n.id() == id)
    }

    /// The node with this id (the last one added, if several have it): `graph["id"]` in Python.
    pub fn node_by_id(&self, id: impl Into<NodeId>) -> Option<&Node> {
        let id = id.into();
        self.find(Some(&id)).and_then(|i| self.nodes.get(i))
    }

    /// Adds a node; returns its position, which edges use.
    pub fn add_node(&mut self, node: Node) -> usize {
        self.media = OnceLock::new();
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Adds an edge between the nodes at positions `from` and `to`; returns the edge's
    /// position. Both nodes must be in the graph.
    pub fn add_edge(&mut self, from: usize, to: usize) -> Result<usize> {
        let n = self.nodes.len();
        if from >= n || to >= n {
            return Err(Error::value(format!(
                "cannot add an edge from node {from} to node {to}: the graph has {n} nodes, \
                 so positions must be below {n} (add the nodes first)"
            )));
        }
        self.media = OnceLock::new();
        self.edges.push(Edge { from, to });
        Ok(self.edges.len() - 1)
    }

    /// Adds an edge between the nodes with these ids (the last node added with an id, if
    /// several have it). Both nodes must be in the graph.
    pub fn add_edge_by_id(
        &mut self,
        from: impl Into<NodeId>,
        to: impl Into<NodeId>,
    ) -> Result<usize> {
        let (from, to) = (from.into(), to.into());
        let find = |id: &NodeId| {
            self.find(Some(id)).ok_or_else(|| {
                Error::value(format!(
                    "cannot add an edge from node {from} to node {to}: no node has the id {id} \
                     (add the node first)"
                ))
            })
        };
        let (f, t) = (find(&from)?, find(&to)?);
        self.add_edge(f, t)
    }

    /// The graph file's content as JSON: `{"format", "nodes", "edges"}`.
    pub fn to_graph_json(&self) -> Value {
        let id_of = |i: usize| {
            self.nodes
                .get(i)
                .and_then(Node::id)
                .map_or(Value::Null, NodeId::to_json)
        };
        let mut m = Map::new();
        m.insert("format".into(), self.format.clone().into());
        m.insert(
            "nodes".into(),
            Value::Array(self.nodes.iter().map(Node::to_json).collect()),
        );
        m.insert(
            "edges".into(),
            Value::Array(
                self.edges
                    .iter()
                    .map(|e| Value::Array(vec![id_of(e.from), id_of(e.to)]))
                    .collect(),
            ),
        );
        Value::Object(m)
    }

    /// The `.graph.json` file's text, byte for byte what the SDK writes (the compact
    /// serialization of [`to_graph_json`](Self::to_graph_json), written directly).
    pub fn to_graph_json_string(&self) -> String {
        let mut out = String::with_capacity(64 + 160 * self.nodes.len() + 24 * self.edges.len());
        let id = |out: &mut String, i: usize| match self.nodes.get(i).and_then(Node::id) {
            None => out.push_str("null"),
            Some(NodeId::Int(n)) => out.push_str(&n.to_string()),
            Some(s) => json::write_to(out, &s.to_json(), Dialect::Compact),
        };
        out.push_str("{\"format\":");
        json::write_to(&mut out, &Value::Str(self.format.clone()), Dialect::Compact);
        out.push_str(",\"nodes\":[");
        for (i, n) in self.nodes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            n.write_compact(&mut out);
        }
        out.push_str("],\"edges\":[");
        for (i, e) in self.edges.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            id(&mut out, e.from);
            out.push(',');
            id(&mut out, e.to);
            out.push(']');
        }
        out.push_str("]}");
        out
    }

    /// Reads a graph file's content (`{"format", "nodes", "edges"}`). Each edge's ids are
    /// matched to the last node with that id (`null` to a node without an id); an edge naming
    /// no node is an error.
    pub fn from_graph_json(v: &Value) -> Result<Graph> {
        let bad = |reason: String| Error::decode(LOG_TYPE, reason);
        let m = v
            .as_object()
            .ok_or_else(|| bad(format!("a graph must be a JSON object, not {v:?}")))?;
        let format = match m.get("format") {
            Some(Value::Str(s)) => s.clone(),
            other => {
                return Err(bad(format!(
                    "`format` must be a string, not {}",
                    other.map_or("missing".to_owned(), |o| format!("{o:?}"))
                )));
            }
        };
        let list = |k: &str| {
            m.get(k)
                .and_then(Value::as_array)
                .ok_or_else(|| bad(format!("`{k}` must be an array")))
        };
        let mut g = Graph::new(format);
        for (i, n) in list("nodes")?.iter().enumerate() {
            g.nodes.push(Node::from_json(n, &format!("node {i}"))?);
        }
        let mut by_id: HashMap<Option<&NodeId>, usize> = HashMap::new();
        for (i, n) in g.nodes.iter().enumerate() {
            by_id.insert(n.id(), i);
        }
        let mut edges = Vec::new();
        for (i, e) in list("edges")?.iter().enumerate() {
            let what = format!("edge {i}");
            let [f, t] = e.as_array().unwrap_or_default() else {
                return Err(bad(format!(
                    "{what} must be a [from_id, to_id] pair, not {e:?}"
                )));
            };
            let resolve = |v: &Value| -> Result<usize> {
                let id = NodeId::from_json(v, &what)?;
                by_id.get(&id.as_ref()).copied().ok_or_else(|| {
                    bad(format!(
                        "{what} refers to the node id {} that no node has",
                        id.map_or("null".to_owned(), |i| i.to_string())
                    ))
                })
            };
            edges.push(Edge {
                from: resolve(f)?,
                to: resolve(t)?,
            });
        }
        g.edges = edges;
        Ok(g)
    }

    /// [`from_graph_json`](Self::from_graph_json) of a file's text.
    pub fn from_graph_json_str(text: &str) -> Result<Graph> {
        Self::from_graph_json(&json::parse(text)?)
    }

    /// The graph file, once the graph was logged (or read back by [`from_json`](Self::from_json)).
    pub fn file(&self) -> Option<&MediaFile> {
        self.media.get().map(Media::file)
    }

    /// Reads a graph back from its artifact JSON: the entry at `path` is the graph file.
    ///
    /// The SDK writes graphs into artifacts (inside tables) as `{"_type": "graph-file"}`
    /// alone unless they were logged to a run first; such JSON has no `path`, nothing to read,
    /// and is an error, as it is for the SDK. (The SDK's own `from_json` of a graph with a
    /// `path` builds a broken graph whose format is the downloaded file's path; this one reads
    /// the file.)
    pub fn from_json(json: &Value, source: &dyn ArtifactSource) -> Result<Graph> {
        Self::decode_media(json, source)
    }
}

impl MediaType for Graph {
    const LOG_TYPE: &'static str = LOG_TYPE;
    const MEDIA_DIR: &'static str = MEDIA_DIR;
    const HAS_CAPTION: bool = false;

    /// The graph file, made from the nodes and edges the first time it is needed.
    fn media(&self) -> &Media {
        self.media.get_or_init(|| {
            Media::new(generated_file(
                self.to_graph_json_string().into_bytes(),
                EXTENSION,
            ))
        })
    }

    fn from_media(media: Media, _json: &Value) -> Result<Self> {
        let bytes = media.file().bytes()?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            Error::decode(LOG_TYPE, format!("the graph file is not UTF-8 text: {e}"))
        })?;
        let g = Self::from_graph_json_str(text)?;
        let _ = g.media.set(media);
        Ok(g)
    }

    fn entry_extension(_path: &str) -> Result<String> {
        Ok(EXTENSION.to_owned())
    }

    /// Only once the graph was logged (its file bound).
    fn media_run_json(&self) -> Result<Map> {
        if !self.media.get().is_some_and(Media::is_bound) {
            return Err(Error::value(
                "Value of type Graph must be bound to a run with bind_to_run() before being \
                 serialized to JSON.",
            ));
        }
        self.media().run_json(LOG_TYPE)
    }

    /// With its file once the graph was logged; `{"_type": "graph-file"}` alone before, as the
    /// SDK writes it.
    fn media_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Map> {
        match self.media.get() {
            None => Ok(wb_core::json_map! { "_type" => LOG_TYPE }),
            Some(media) => media.artifact_json(LOG_TYPE, MEDIA_DIR, artifact),
        }
    }

    /// The SDK's equality: logged graphs with the same file content (an unlogged graph has no
    /// file and equals nothing).
    fn same_media(&self, other: &dyn WbValue) -> bool {
        other
            .downcast_ref::<Graph>()
            .is_some_and(|o| match (self.media.get(), o.media.get()) {
                (Some(a), Some(b)) => a.same_file(b),
                _ => false,
            })
    }
}

impl WbValue for Graph {
    media_value_methods!("Graph");

    fn artifact_addable(&self) -> bool {
        false
    }
}

impl From<Graph> for wb_core::LogValue {
    /// The graph, to log.
    fn from(g: Graph) -> Self {
        wb_core::LogValue::media(g)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn direct_writer_equals_the_value_serialization() {
        let text = r#"{"format":"k\"é\n","nodes":[{"name":"a\u0001☃","id":"x","class_name":"C","size":[1.5,null,"s"],"parameters":[["w",[3,NaN]],["b",[]]],"output_shape":[[1,2]],"is_output":true,"num_parameters":[1e-7,-0.0,Infinity],"functions":{"f":[1]},"child_parameters":12345678901234567890,"is_constant":false,"zz":{"k":[true]}},{"name":null},{"name":null,"id":-7}],"edges":[["x",null],[-7,"x"]]}"#;
        let g = Graph::from_graph_json_str(text).unwrap();
        assert_eq!(
            g.to_graph_json_string(),
            json::to_string(&g.to_graph_json(), Dialect::Compact)
        );
        assert_eq!(g.to_graph_json_string(), text);
    }
}
