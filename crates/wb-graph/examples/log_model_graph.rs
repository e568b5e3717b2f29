//! Logs a small model's graph and prints the file the W&B graph panel reads.
//!
//! `cargo run -p wb-graph --example log_model_graph [FILES_DIR]`
//!
//! The model is described as a tree of modules, as a Rust framework reports it (here a small
//! CNN; with candle, `Module::from_named_parameters` builds the tree from a `VarMap`'s names
//! and shapes). The graph is logged to a plain directory standing for a run's `files/`
//! folder (default: `<temp>/wb-graph-example/files`); `wb-run` writes a real offline run.
#![allow(clippy::print_stdout)]

use wb_core::internal::value::val_to_json;
use wb_core::json::{Dialect, Value, to_string};
use wb_core::{DirRun, LogValue, Step};
use wb_graph::{Graph, Module, ModuleTreeOptions};

fn model() -> Module {
    let conv = |name: &str, cin: usize, cout: usize, hw: usize| {
        Module::new(name, "Conv2d")
            .with_param("weight", [cout, cin, 3, 3])
            .with_param("bias", [cout])
            .with_output_shape([8, cout, hw, hw])
    };
    Module::new("cnn", "Cnn")
        .with_child(
            Module::new("features", "Sequential")
                .with_child(conv("0", 1, 16, 26))
                .with_child(Module::new("1", "ReLU").with_output_shape([8, 16, 26, 26]))
                .with_child(conv("2", 16, 32, 24))
                .with_child(Module::new("3", "MaxPool2d").with_output_shape([8, 32, 12, 12])),
        )
        .with_child(Module::new("flatten", "Flatten").with_output_shape([8, 4608]))
        .with_child(
            Module::new("head", "Linear")
                .with_param("weight", [10, 4608])
                .with_param("bias", [10])
                .with_output_shape([8, 10]),
        )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files_dir = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("wb-graph-example").join("files"));
    let run = DirRun::new(&files_dir);

    let model = model();
    let graph = Graph::from_module_tree(&model);
    println!(
        "model: {} parameters, {} nodes, {} edges",
        model.num_parameters(),
        graph.nodes().len(),
        graph.edges().len()
    );

    // The same graph as petgraph sees it, e.g. to find where the data enters.
    let pg = graph.to_petgraph();
    let sources: Vec<_> = pg
        .externals(petgraph::Direction::Incoming)
        .filter_map(|i| pg[i].name())
        .collect();
    println!("inputs: {sources:?}");

    let json = val_to_json(&run, "graph", &LogValue::media(graph), Step::Num(0))?;
    println!("run JSON: {}", to_string(&json, Dialect::Compact));
    let path = json.get("path").and_then(Value::as_str).unwrap_or_default();
    let file = files_dir.join(path);
    println!("{}:\n{}", file.display(), std::fs::read_to_string(&file)?);

    // A coarser view: each top-level module as one node.
    let coarse =
        Graph::from_module_tree_with(&model, ModuleTreeOptions::default().with_max_depth(1));
    println!("top level: {}", coarse.to_graph_json_string());
    Ok(())
}
