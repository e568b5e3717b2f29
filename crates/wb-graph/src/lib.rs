//! # wb-graph
//!
//! The `graph` family of wb-types: [`Graph`], [`Node`] and [`Edge`] (`graph-file`), the model
//! graphs the W&B graph panel draws, written exactly as `wandb==0.31.0` writes them, with
//! [`petgraph`] conversions both ways and a builder for models given as a tree of modules.
//!
//! ## Map of the crate
//! - [`Node`] (every attribute the SDK's `Node` has, written in its key order) and
//!   [`NodeId`].
//! - [`Graph`] and [`Edge`]: the `.graph.json` file, the run JSON, the artifact JSON,
//!   `from_json`; `Graph::from_petgraph` / `Graph::to_petgraph`.
//! - [`Module`] (name, type, parameter shapes, output shape, children), turned into nodes and
//!   edges by [`Graph::from_module_tree`] and [`Graph::from_module_tree_with`]
//!   ([`ModuleTreeOptions`], [`EdgeStyle`]).
//!
//! ## Logging a small model's graph
//!
//! ```
//! use wb_core::internal::value::val_to_json;
//! use wb_core::{DirRun, LogValue, Step};
//! use wb_graph::{Graph, Module};
//!
//! // The model as its framework reports it: a tree of modules.
//! let model = Module::new("mlp", "Sequential")
//!     .with_child(Module::new("fc1", "Linear").with_param("weight", [16, 4]).with_param("bias", [16]).with_output_shape([1, 16]))
//!     .with_child(Module::new("act", "ReLU").with_output_shape([1, 16]))
//!     .with_child(Module::new("fc2", "Linear").with_param("weight", [3, 16]).with_param("bias", [3]).with_output_shape([1, 3]));
//! let graph = Graph::from_module_tree(&model);
//!
//! // Log it (here to a plain directory; `wb-run` writes a real offline run).
//! let dir = tempfile::tempdir()?;
//! let run = DirRun::new(dir.path());
//! let json = val_to_json(&run, "graph", &LogValue::media(graph), Step::Num(0))?;
//! assert_eq!(json.get("_type").and_then(|t| t.as_str()), Some("graph-file"));
//!
//! let path = json.get("path").and_then(|p| p.as_str()).unwrap_or_default();
//! assert!(path.starts_with("media/graph/graph_0_") && path.ends_with(".graph.json"));
//! let file = std::fs::read_to_string(dir.path().join(path))?;
//! assert!(file.starts_with(r#"{"format":"torch","nodes":[{"name":"fc1","id":"fc1","class_name":"Linear""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Building nodes and edges by hand, as `wandb.Graph` / `wandb.Node` do:
//!
//! ```
//! use wb_graph::{Graph, Node};
//! let mut g = Graph::new("keras");
//! g.add_node(Node::new().with_id("x").with_name("x").with_class_name("InputLayer").with_output_shape(vec![None, Some(4)]));
//! g.add_node(Node::new().with_id("y").with_name("y").with_class_name("Dense").with_num_parameters(20).with_is_output(true));
//! g.add_edge_by_id("x", "y")?;
//! # Ok::<(), wb_core::Error>(())
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod graph;
mod interop;
mod module_tree;
mod node;

pub use graph::{Edge, Graph};
pub use module_tree::{EdgeStyle, Module, ModuleTreeOptions};
pub use node::{Node, NodeId};

/// Registers this family's decodable `_type`s (`graph-file`).
pub fn register(registry: &mut wb_core::Registry) {
    registry.register(graph::LOG_TYPE, wb_core::internal::media_decoder::<Graph>);
}
