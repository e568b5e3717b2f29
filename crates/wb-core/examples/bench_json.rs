//! Micro-benchmark of `wb_core::json`: writing (each dialect), cloning, comparing, dropping and
//! parsing values shaped like what wandb writes: a 10 000-row table, 10 000 history rows
//! written one call each, a flat array of 100 000 floats, and a wide tree of objects 8 levels
//! deep: wall milliseconds per call, the minimum and median of many calls (the minimum is the
//! figure to compare on a busy machine).
//!
//! `cargo run --release -p wb-core --example bench_json [-- CALLS]`; for exact CPU time,
//! `perf stat -e task-clock` on `bench_json --perf SHAPE OP CALLS`, minus the same with `--dry`.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Instant;
use wb_core::json::{self, Dialect, Map, Value};

fn table() -> Value {
    Value::Array(
        (0..10_000i64)
            .map(|i| {
                Value::Array(vec![
                    Value::Int(i128::from(i)),
                    Value::Float(i as f64 * 0.5),
                    Value::Str(format!("row{i}")),
                    Value::Bool(i % 2 == 0),
                    Value::Array(vec![i.into(), (i + 1).into(), (i + 2).into()]),
                ])
            })
            .collect(),
    )
}

fn history_rows() -> Vec<Value> {
    (0..10_000i64)
        .map(|step| {
            let mut hist = Map::new();
            hist.insert("_type".into(), "histogram".into());
            hist.insert(
                "values".into(),
                Value::Array((0..64i64).map(|b| Value::from((b * step) % 97)).collect()),
            );
            hist.insert(
                "bins".into(),
                Value::Array(
                    (0..65)
                        .map(|b| Value::Float(-0.5 + b as f64 / 64.0))
                        .collect(),
                ),
            );
            hist.insert("packedBins".into(), Value::Null);
            let mut row = Map::new();
            row.insert("loss".into(), Value::Float(1.0 / (step + 1) as f64));
            row.insert("acc".into(), Value::Float(step as f64 / 10_000.0));
            row.insert("lr".into(), Value::Float(0.001));
            row.insert("weights".into(), Value::Object(hist));
            row.insert("_step".into(), step.into());
            row.insert("_runtime".into(), Value::Float(0.25 + step as f64 * 1e-3));
            row.insert(
                "_timestamp".into(),
                Value::Float(1.7e9 + step as f64 * 0.01),
            );
            Value::Object(row)
        })
        .collect()
}

fn flat() -> Value {
    Value::Array((0..100_000).map(|i| Value::Float(i as f64 * 0.1)).collect())
}

fn tree(depth: usize) -> Value {
    if depth == 0 {
        return Value::Float(0.5);
    }
    let mut m = Map::new();
    for k in ["delta", "alpha", "charlie", "bravo"] {
        m.insert(k.into(), tree(depth - 1));
    }
    Value::Object(m)
}

/// The operations timed, by name.
const OPS: [&str; 7] = [
    "write-compact",
    "write-python",
    "write-go",
    "clone",
    "eq",
    "drop",
    "parse",
];

/// An operation's input, made before the clock starts.
enum Input {
    None,
    Copy(Vec<Value>),
    Texts(Vec<String>),
}

/// What an operation leaves, dropped (or leaked) after the clock stops.
#[allow(dead_code, reason = "held only to be dropped outside the timing")]
enum Output {
    Len(usize),
    Values(Vec<Value>),
    Eq(bool, Vec<Value>),
    None,
}

fn prepare(op: &str, values: &[Value]) -> Input {
    match op {
        "eq" | "drop" => Input::Copy(values.to_vec()),
        "parse" => Input::Texts(
            values
                .iter()
                .map(|v| json::to_string(v, Dialect::Python))
                .collect(),
        ),
        _ => Input::None,
    }
}

fn run(op: &str, values: &[Value], input: Input) -> Output {
    let write = |d| {
        Output::Len(
            values
                .iter()
                .map(|v| json::to_string(v, d).len())
                .sum::<usize>(),
        )
    };
    match (op, input) {
        ("write-compact", _) => write(Dialect::Compact),
        ("write-python", _) => write(Dialect::Python),
        ("write-go", _) => write(Dialect::Go),
        ("clone", _) => Output::Values(values.to_vec()),
        ("eq", Input::Copy(copy)) => Output::Eq(copy == values, copy),
        ("drop", Input::Copy(copy)) => {
            drop(copy);
            Output::None
        }
        ("parse", Input::Texts(texts)) => {
            Output::Values(texts.iter().map(|t| json::parse(t).unwrap()).collect())
        }
        _ => Output::None,
    }
}

fn shapes() -> Vec<(&'static str, Vec<Value>)> {
    vec![
        ("table", vec![table()]),
        ("history", history_rows()),
        ("flat", vec![flat()]),
        ("tree", vec![tree(8)]),
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--perf") {
        // `--perf SHAPE OP CALLS [--dry]`: for `perf stat -e task-clock`, which counts CPU
        // time exactly; `--dry` makes the inputs but runs nothing (the baseline to subtract).
        let (shape, op) = (&args[1], args[2].as_str());
        let calls: usize = args[3].parse().unwrap();
        let dry = args.get(4).is_some_and(|a| a == "--dry");
        let values = shapes().into_iter().find(|s| s.0 == shape).unwrap().1;
        let inputs: Vec<Input> = (0..calls).map(|_| prepare(op, &values)).collect();
        if !dry {
            let outputs: Vec<Output> = inputs
                .into_iter()
                .map(|i| black_box(run(op, &values, i)))
                .collect();
            std::mem::forget(outputs);
        } else {
            std::mem::forget(inputs);
        }
        std::mem::forget(values);
        return;
    }
    let samples: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(31);
    println!("wall ms per call: min / median of {samples} calls");
    // `BENCH_JSON_SHAPE=table BENCH_JSON_OP=write-python` runs only those.
    let only = |var: &str, name: &str| std::env::var(var).map_or(true, |v| v == name);
    for (name, values) in shapes() {
        if !only("BENCH_JSON_SHAPE", name) {
            continue;
        }
        let mut line = format!("{name:<8}");
        for op in OPS.into_iter().filter(|op| only("BENCH_JSON_OP", op)) {
            let mut ms: Vec<f64> = (0..samples)
                .map(|_| {
                    let input = prepare(op, &values);
                    let t = Instant::now();
                    let out = black_box(run(op, &values, input));
                    let ms = t.elapsed().as_secs_f64() * 1e3;
                    drop(out);
                    ms
                })
                .collect();
            ms.sort_by(f64::total_cmp);
            line += &format!(" | {op} {:.3} / {:.3}", ms[0], ms[ms.len() / 2]);
        }
        println!("{line}");
    }
}
