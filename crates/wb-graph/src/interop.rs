//! Conversions with [`petgraph`], both ways.

use crate::graph::Graph;
use crate::node::Node;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{EdgeRef, IntoEdgeReferences, IntoNodeReferences, NodeIndexable, NodeRef};

impl Graph {
    /// A graph in `format` with one node per petgraph node (in the order petgraph lists them)
    /// and one edge per petgraph edge (source → target, in petgraph's order). Works with
    /// [`petgraph::graph::Graph`], [`StableGraph`](petgraph::stable_graph::StableGraph) and
    /// any graph implementing petgraph's visit traits; edge weights are ignored, undirected
    /// edges are written in their stored direction. [`Graph::to_petgraph`] goes the other way.
    ///
    /// ```
    /// use petgraph::algo::toposort;
    /// use petgraph::graph::DiGraph;
    /// use wb_graph::{Graph, Node};
    ///
    /// let mut pg = DiGraph::<Node, ()>::new();
    /// let x = pg.add_node(Node::new().with_id("x").with_name("x"));
    /// let h = pg.add_node(Node::new().with_id("h").with_name("hidden").with_class_name("Linear"));
    /// let y = pg.add_node(Node::new().with_id("y").with_name("y").with_is_output(true));
    /// pg.add_edge(x, h, ());
    /// pg.add_edge(h, y, ());
    ///
    /// let graph = Graph::from_petgraph("torch", &pg);
    /// assert_eq!(graph.edges().len(), 2);
    ///
    /// let back = graph.to_petgraph();
    /// let order: Vec<_> = toposort(&back, None).unwrap().into_iter().map(|i| back[i].name()).collect();
    /// assert_eq!(order, [Some("x"), Some("hidden"), Some("y")]);
    /// ```
    pub fn from_petgraph<G>(format: impl Into<String>, graph: G) -> Graph
    where
        G: IntoNodeReferences + IntoEdgeReferences + NodeIndexable,
        G::NodeWeight: Clone + Into<Node>,
    {
        Self::from_petgraph_with(format, graph, |w| w.clone().into())
    }

    /// The same, turning each node weight into a [`Node`] with `make_node` (for graphs whose
    /// nodes are your own types, or a [`GraphMap`](petgraph::graphmap::GraphMap)'s keys).
    pub fn from_petgraph_with<G, F>(format: impl Into<String>, graph: G, mut make_node: F) -> Graph
    where
        G: IntoNodeReferences + IntoEdgeReferences + NodeIndexable,
        F: FnMut(&G::NodeWeight) -> Node,
    {
        let mut g = Graph::new(format);
        let mut position = vec![None; graph.node_bound()];
        for n in graph.node_references() {
            let p = g.add_node(make_node(n.weight()));
            if let Some(slot) = position.get_mut(graph.to_index(n.id())) {
                *slot = Some(p);
            }
        }
        for e in graph.edge_references() {
            let at = |id| position.get(graph.to_index(id)).copied().flatten();
            if let (Some(f), Some(t)) = (at(e.source()), at(e.target())) {
                // Both positions come from `add_node` above, so this cannot fail.
                let _ = g.add_edge(f, t);
            }
        }
        g
    }

    /// The graph as a petgraph [`DiGraph`]: node `i` of the graph is `NodeIndex::new(i)`,
    /// and every edge keeps its order.
    pub fn to_petgraph(&self) -> DiGraph<Node, ()> {
        let mut pg = DiGraph::with_capacity(self.nodes().len(), self.edges().len());
        for n in self.nodes() {
            pg.add_node(n.clone());
        }
        for e in self.edges() {
            pg.add_edge(NodeIndex::new(e.from()), NodeIndex::new(e.to()), ());
        }
        pg
    }
}

impl From<&Graph> for DiGraph<Node, ()> {
    fn from(g: &Graph) -> Self {
        g.to_petgraph()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use petgraph::graphmap::DiGraphMap;
    use petgraph::stable_graph::StableDiGraph;

    #[test]
    fn stable_graph_with_holes() {
        let mut sg = StableDiGraph::<Node, u8>::new();
        let a = sg.add_node(Node::new().with_id("a"));
        let gone = sg.add_node(Node::new().with_id("gone"));
        let c = sg.add_node(Node::new().with_id("c"));
        sg.add_edge(a, gone, 1);
        sg.add_edge(a, c, 2);
        sg.add_edge(c, a, 3);
        sg.remove_node(gone);
        let g = Graph::from_petgraph("keras", &sg);
        assert_eq!(
            g.to_graph_json_string(),
            r#"{"format":"keras","nodes":[{"name":null,"id":"a"},{"name":null,"id":"c"}],"edges":[["a","c"],["c","a"]]}"#
        );
    }

    #[test]
    fn graph_map_with_a_closure() {
        let mut gm = DiGraphMap::<&str, (), std::hash::RandomState>::default();
        gm.add_edge("in", "out", ());
        let g = Graph::from_petgraph_with("keras", &gm, |k| Node::new().with_id(*k).with_name(*k));
        assert_eq!(g.edges().len(), 1);
        assert_eq!(g.node(g.edges()[0].to()).unwrap().name(), Some("out"));
    }

    #[test]
    fn round_trip_keeps_order() {
        let mut g = Graph::new("torch");
        for i in 0..5 {
            g.add_node(Node::new().with_id(i).with_num_parameters(i * 10));
        }
        g.add_edge(4, 0).unwrap();
        g.add_edge(1, 2).unwrap();
        let back = Graph::from_petgraph("torch", &g.to_petgraph());
        assert_eq!(back, g);
        assert_eq!(back.to_graph_json_string(), g.to_graph_json_string());
    }
}
