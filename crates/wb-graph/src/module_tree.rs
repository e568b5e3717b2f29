//! A model given as a tree of modules ([`Module`]) and the graph made of it.

use crate::graph::Graph;
use crate::node::Node;
use wb_core::json::Value;

/// One module of a model: a layer, or a container of other modules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Module {
    /// The module's name in its parent (`"0"`, `"encoder"`, `"fc1"`); the root's is the
    /// model's name.
    pub name: String,
    /// The module's type (`"Linear"`, `"Conv2d"`); may be empty when unknown.
    pub type_name: String,
    /// The module's own parameters (not its children's): name and shape.
    pub params: Vec<(String, Vec<usize>)>,
    /// The shape of the module's output, when known.
    pub output_shape: Option<Vec<usize>>,
    /// Child modules, in order.
    pub children: Vec<Module>,
}

impl Module {
    /// A module with no parameters, output shape or children.
    pub fn new(name: impl Into<String>, type_name: impl Into<String>) -> Self {
        Module {
            name: name.into(),
            type_name: type_name.into(),
            ..Module::default()
        }
    }

    /// Adds a parameter of this module.
    #[must_use]
    pub fn with_param(
        mut self,
        name: impl Into<String>,
        shape: impl IntoIterator<Item = usize>,
    ) -> Self {
        self.params.push((name.into(), shape.into_iter().collect()));
        self
    }

    /// Sets the output shape.
    #[must_use]
    pub fn with_output_shape(mut self, shape: impl IntoIterator<Item = usize>) -> Self {
        self.output_shape = Some(shape.into_iter().collect());
        self
    }

    /// Adds a child module.
    #[must_use]
    pub fn with_child(mut self, child: Module) -> Self {
        self.children.push(child);
        self
    }

    /// A module tree from dotted parameter paths and shapes, as frameworks list them
    /// (candle's `VarMap`, burn's records, a safetensors file): `encoder.0.weight` is the
    /// parameter `weight` of module `0` inside `encoder`. Modules appear in the order their
    /// first parameter does; their types are empty (fill them in with
    /// [`find_mut`](Self::find_mut)).
    ///
    /// ```
    /// use wb_graph::Module;
    /// let mut m = Module::from_named_parameters("net", "Net", [
    ///     ("fc1.weight", vec![16, 4]), ("fc1.bias", vec![16]), ("out.weight", vec![1, 16]),
    /// ]);
    /// m.find_mut("fc1").unwrap().type_name = "Linear".into();
    /// assert_eq!(m.children.len(), 2);
    /// assert_eq!(m.num_parameters(), 64 + 16 + 16);
    /// ```
    pub fn from_named_parameters<P, S>(
        name: impl Into<String>,
        type_name: impl Into<String>,
        params: impl IntoIterator<Item = (P, S)>,
    ) -> Self
    where
        P: AsRef<str>,
        S: IntoIterator<Item = usize>,
    {
        let mut root = Module::new(name, type_name);
        for (path, shape) in params {
            let path = path.as_ref();
            let (modules, param) = match path.rsplit_once('.') {
                Some((m, p)) => (Some(m), p),
                None => (None, path),
            };
            let mut at = &mut root;
            for seg in modules.into_iter().flat_map(|m| m.split('.')) {
                let i = match at.children.iter().position(|c| c.name == seg) {
                    Some(i) => i,
                    None => {
                        at.children.push(Module::new(seg, ""));
                        at.children.len() - 1
                    }
                };
                at = &mut at.children[i];
            }
            at.params
                .push((param.to_owned(), shape.into_iter().collect()));
        }
        root
    }

    /// The module at a dotted path below this one (`"encoder.0"`); `""` is this module.
    pub fn find_mut(&mut self, path: &str) -> Option<&mut Module> {
        if path.is_empty() {
            return Some(self);
        }
        let mut at = self;
        for seg in path.split('.') {
            at = at.children.iter_mut().find(|c| c.name == seg)?;
        }
        Some(at)
    }

    /// The number of parameter elements in this module and its descendants.
    pub fn num_parameters(&self) -> usize {
        self.params
            .iter()
            .map(|(_, s)| s.iter().product::<usize>())
            .sum::<usize>()
            + self
                .children
                .iter()
                .map(Module::num_parameters)
                .sum::<usize>()
    }

    /// Every parameter of this module and its descendants, named by its path below this
    /// module, depth first.
    fn all_params(&self, prefix: &str, out: &mut Vec<(String, Vec<usize>)>) {
        for (n, s) in &self.params {
            out.push((join(prefix, n), s.clone()));
        }
        for c in &self.children {
            c.all_params(&join(prefix, &c.name), out);
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Which edges [`Graph::from_module_tree_with`] adds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EdgeStyle {
    /// An edge from each node to the next: the data flow of a sequential model.
    #[default]
    Sequential,
    /// No edges (what `wandb.watch` logs).
    None,
}

/// A model given as a tree of modules ([`Module`]: name, type, parameter shapes, output
/// shape, children), as a burn or candle model can report it, turned into the nodes and edges
/// of a [`Graph`] by [`Graph::from_module_tree_with`], with these options (the default is
/// the `"torch"` format with sequential edges and no depth limit).
///
/// ## What is produced
///
/// The tree is walked depth first, parents before children, children in order. A module's
/// *path* is the dotted chain of names below the root (`encoder.0`, `head`); the root's own
/// path is its name. A module becomes a node when
/// - it has no children (a layer), or
/// - it is at the [depth limit](ModuleTreeOptions::with_max_depth) (the root's children are at
///   depth 1): its whole subtree becomes this one node, the parameters of its descendants
///   named by their path below it (`0.weight`), or
/// - it has children *and* parameters of its own: a node with those parameters alone, placed
///   before its children's nodes.
///
/// Each node has `name` = `id` = the path and `class_name` = the module's type (left out when
/// the type is empty). (`wandb.watch` uses the same dotted names, but Python object ids as
/// `id` and the module's `repr`, such as `Linear(in_features=4, out_features=8, bias=True)`,
/// as `class_name`; put such a text in [`Module::type_name`] to get it.) The rest follows the
/// graph's format, as the SDK's own writers do:
///
/// | attribute | `"torch"` (as `wandb.watch` writes) | any other format (as `Graph.from_keras` writes) |
/// |---|---|---|
/// | `parameters` | `[[name, shape], ...]`, `[]` when none | the same, left out when none |
/// | `output_shape` | `[shape]` (one shape per output tensor), left out when unknown | `shape`, `["multiple"]` when unknown |
/// | `num_parameters` | the element count of each parameter, `[n, ...]` | the total element count |
///
/// With [`EdgeStyle::Sequential`] (the default) each node has an edge to the next one, the
/// data flow of a sequential model; with [`EdgeStyle::None`] there are no edges (as
/// `wandb.watch` logs). Add other edges with [`Graph::add_edge_by_id`] afterwards.
///
/// ```
/// use wb_graph::{Graph, Module};
/// let mlp = Module::new("mlp", "Sequential")
///     .with_child(Module::new("0", "Linear").with_param("weight", [8, 4]).with_param("bias", [8]).with_output_shape([1, 8]))
///     .with_child(Module::new("1", "ReLU").with_output_shape([1, 8]))
///     .with_child(Module::new("2", "Linear").with_param("weight", [2, 8]).with_param("bias", [2]).with_output_shape([1, 2]));
/// let g = Graph::from_module_tree(&mlp);
/// assert_eq!(
///     g.to_graph_json_string(),
///     concat!(
///         r#"{"format":"torch","nodes":["#,
///         r#"{"name":"0","id":"0","class_name":"Linear","parameters":[["weight",[8,4]],["bias",[8]]],"output_shape":[[1,8]],"num_parameters":[32,8]},"#,
///         r#"{"name":"1","id":"1","class_name":"ReLU","parameters":[],"output_shape":[[1,8]],"num_parameters":[]},"#,
///         r#"{"name":"2","id":"2","class_name":"Linear","parameters":[["weight",[2,8]],["bias",[2]]],"output_shape":[[1,2]],"num_parameters":[16,2]}"#,
///         r#"],"edges":[["0","1"],["1","2"]]}"#
///     )
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModuleTreeOptions {
    format: String,
    edges: EdgeStyle,
    max_depth: Option<usize>,
}

impl Default for ModuleTreeOptions {
    fn default() -> Self {
        ModuleTreeOptions {
            format: "torch".to_owned(),
            edges: EdgeStyle::default(),
            max_depth: None,
        }
    }
}

impl ModuleTreeOptions {
    /// The graph's format: `"torch"` (the default) writes nodes as `wandb.watch` does; any
    /// other format as `Graph.from_keras` does.
    #[must_use]
    pub fn with_format(mut self, format: impl Into<String>) -> Self {
        self.format = format.into();
        self
    }

    /// Sets which edges are added.
    #[must_use]
    pub fn with_edges(mut self, edges: EdgeStyle) -> Self {
        self.edges = edges;
        self
    }

    /// Collapses every module at `depth` (the root's children are at depth 1) into one node
    /// with all its descendants' parameters; `0` makes the whole model one node.
    #[must_use]
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = Some(depth);
        self
    }

    /// The graph's format.
    pub fn format(&self) -> &str {
        &self.format
    }

    /// Which edges are added.
    pub fn edges(&self) -> EdgeStyle {
        self.edges
    }

    /// The depth limit, when set.
    pub fn max_depth(&self) -> Option<usize> {
        self.max_depth
    }

    /// The graph of `root`.
    fn build(&self, root: &Module) -> Graph {
        let mut g = Graph::new(self.format.clone());
        self.walk(root, "", 0, &mut g);
        if self.edges == EdgeStyle::Sequential {
            for i in 1..g.nodes().len() {
                // Both positions are nodes just added, so this cannot fail.
                let _ = g.add_edge(i - 1, i);
            }
        }
        g
    }

    fn walk(&self, m: &Module, path: &str, depth: usize, g: &mut Graph) {
        let label = if path.is_empty() { &m.name } else { path };
        let collapse = self.max_depth.is_some_and(|d| depth >= d);
        if m.children.is_empty() || collapse {
            let mut params = Vec::new();
            m.all_params("", &mut params);
            g.add_node(self.node(m, label, &params));
            return;
        }
        if !m.params.is_empty() {
            g.add_node(self.node(m, label, &m.params));
        }
        for c in &m.children {
            self.walk(c, &join(path, &c.name), depth + 1, g);
        }
    }

    fn node(&self, m: &Module, label: &str, params: &[(String, Vec<usize>)]) -> Node {
        let torch = self.format == "torch";
        let shape = |s: &[usize]| Value::from(s.to_vec());
        let counts: Vec<usize> = params.iter().map(|(_, s)| s.iter().product()).collect();
        let mut n = Node::new().with_id(label).with_name(label);
        if !m.type_name.is_empty() {
            n = n.with_class_name(m.type_name.clone());
        }
        if torch || !params.is_empty() {
            n = n.with_parameters(params.iter().map(|(p, s)| (p.clone(), shape(s))));
        }
        n = match (&m.output_shape, torch) {
            (Some(s), true) => n.with_output_shape(Value::Array(vec![shape(s)])),
            (Some(s), false) => n.with_output_shape(shape(s)),
            (None, true) => n,
            (None, false) => n.with_output_shape(vec!["multiple"]),
        };
        if torch {
            n.with_num_parameters(counts)
        } else {
            n.with_num_parameters(counts.iter().sum::<usize>())
        }
    }
}

impl Graph {
    /// The graph of a model given as a module tree, in the `"torch"` format with sequential
    /// edges. See [`Graph::from_module_tree_with`] for other choices.
    pub fn from_module_tree(root: &Module) -> Graph {
        ModuleTreeOptions::default().build(root)
    }

    /// The graph of a model given as a module tree, with the format, edges and depth limit of
    /// `options`.
    ///
    /// ```
    /// use wb_graph::{EdgeStyle, Graph, Module, ModuleTreeOptions};
    /// let m = Module::new("m", "Seq").with_child(Module::new("a", "A")).with_child(Module::new("b", "B"));
    /// let g = Graph::from_module_tree_with(&m, ModuleTreeOptions::default().with_edges(EdgeStyle::None));
    /// assert_eq!((g.nodes().len(), g.edges().len()), (2, 0));
    /// ```
    pub fn from_module_tree_with(root: &Module, options: ModuleTreeOptions) -> Graph {
        options.build(root)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn model() -> Module {
        Module::new("net", "Net")
            .with_param("scale", [1])
            .with_child(
                Module::new("encoder", "Sequential")
                    .with_child(Module::new("0", "Linear").with_param("weight", [4, 2]))
                    .with_child(Module::new("1", "ReLU")),
            )
            .with_child(
                Module::new("head", "Linear")
                    .with_param("weight", [1, 4])
                    .with_output_shape([1]),
            )
    }

    fn names(g: &Graph) -> Vec<&str> {
        g.nodes().iter().filter_map(Node::name).collect()
    }

    #[test]
    fn leaves_and_own_parameters() {
        let g = Graph::from_module_tree(&model());
        assert_eq!(names(&g), ["net", "encoder.0", "encoder.1", "head"]);
        assert_eq!(g.edges().len(), 3);
    }

    #[test]
    fn depth_limit_collapses() {
        let g = Graph::from_module_tree_with(
            &model(),
            ModuleTreeOptions::default()
                .with_format("keras")
                .with_max_depth(1)
                .with_edges(EdgeStyle::None),
        );
        assert_eq!(names(&g), ["net", "encoder", "head"]);
        assert_eq!(
            wb_core::json::to_string(&g.nodes()[1].to_json(), wb_core::json::Dialect::Compact),
            r#"{"name":"encoder","id":"encoder","class_name":"Sequential","parameters":[["0.weight",[4,2]]],"output_shape":["multiple"],"num_parameters":8}"#
        );
        assert!(g.edges().is_empty());
        let whole = Graph::from_module_tree_with(
            &model(),
            ModuleTreeOptions::default()
                .with_format("keras")
                .with_max_depth(0),
        );
        assert_eq!(names(&whole), ["net"]);
        assert_eq!(
            whole.nodes()[0].num_parameters(),
            Some(&Value::from(1 + 8 + 4))
        );
    }

    #[test]
    fn named_parameters_tree() {
        let m = Module::from_named_parameters(
            "m",
            "M",
            [
                ("a.b.w", vec![2]),
                ("top", vec![3]),
                ("a.c", vec![1]),
                ("a.b.v", vec![]),
            ],
        );
        assert_eq!(m.params, [("top".to_owned(), vec![3])]);
        assert_eq!(m.children.len(), 1);
        let a = &m.children[0];
        assert_eq!(a.params, [("c".to_owned(), vec![1])]);
        assert_eq!(a.children[0].params.len(), 2);
        assert_eq!(m.num_parameters(), 2 + 3 + 1 + 1);
    }

    #[test]
    fn root_leaf_is_one_node() {
        let g = Graph::from_module_tree(&Module::new("lin", "Linear"));
        assert_eq!(
            g.to_graph_json_string(),
            r#"{"format":"torch","nodes":[{"name":"lin","id":"lin","class_name":"Linear","parameters":[],"num_parameters":[]}],"edges":[]}"#
        );
    }
}
