//! `cargo xtask`: the project's automation (conformance against the Python SDK, benchmarks).
#![allow(clippy::print_stdout, missing_docs)]

mod conformance;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    eprintln!("xtask: unknown command {args:?}; try `cargo xtask conformance`");
    std::process::exit(2);
}
