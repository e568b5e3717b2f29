//! Property tests of `from_json` through the registry: real artifact entries (the seeds of the
//! `registry_from_json` fuzz corpus: golden entries of every type with the file each refers
//! to) with one node replaced by arbitrary JSON, a key removed, or a `_type` swapped; and
//! arbitrary JSON objects with a registered `_type`. Decoding returns a value or an error, never
//! panics; a decoded value serializes back to artifact JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use wb_types::core::ArtifactSource;
use wb_types::core::json::{self, Map, Value};
use wb_types::{Artifact, Registry};

/// Serves the same bytes for every entry name.
struct Source(Arc<[u8]>);

impl ArtifactSource for Source {
    fn read_entry(&self, name: &str) -> wb_types::core::Result<Arc<[u8]>> {
        if self.0.is_empty() {
            return Err(wb_types::core::Error::value(format!("no entry {name:?}")));
        }
        Ok(self.0.clone())
    }
    fn entry_names(&self) -> Vec<String> {
        vec!["media/a.png".into()]
    }
}

fn registry() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(wb_types::registry)
}

/// The seed entries: (artifact JSON, the bytes of the file it refers to).
fn seeds() -> &'static Vec<(Value, Arc<[u8]>)> {
    static S: OnceLock<Vec<(Value, Arc<[u8]>)>> = OnceLock::new();
    S.get_or_init(|| {
        let dir =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/registry_from_json");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        paths
            .iter()
            .filter_map(|p| {
                let b = std::fs::read(p).ok()?;
                let i = b.iter().position(|c| *c == 0).unwrap_or(b.len());
                let v = json::parse(std::str::from_utf8(&b[..i]).ok()?).ok()?;
                v.type_tag()?;
                Some((v, Arc::from(b.get(i + 1..).unwrap_or(&[]))))
            })
            .collect()
    })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            any::<i64>().prop_map(i128::from),
            Just(i128::MAX),
            Just(-1),
            0i128..5
        ]
        .prop_map(Value::Int),
        prop_oneof![any::<f64>(), Just(f64::NAN), Just(f64::INFINITY)].prop_map(Value::Float),
        prop::sample::select(vec![
            "",
            "png",
            "media/a.png",
            "table",
            "image-file",
            "number",
            "string",
            "../x",
            "/abs",
            "wandb-client-artifact://x/y",
            "IMMUTABLE",
            "INCREMENTAL",
            "RGB",
            "a\0b",
        ])
        .prop_map(|s: &str| Value::Str(s.into())),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop::sample::select(vec![
                        "path",
                        "_type",
                        "columns",
                        "data",
                        "ncols",
                        "nrows",
                        "column_types",
                        "params",
                        "type_map",
                        "wb_type",
                        "values",
                        "bins",
                        "width",
                        "height",
                        "format",
                        "box_data",
                        "position",
                        "class_labels",
                        "masks",
                        "boxes",
                        "key",
                        "nodes",
                        "edges",
                        "shape",
                        "parts_path",
                        "join_key",
                        "table1",
                        "table2",
                        "classes",
                        "class_set",
                        "id",
                        "name",
                        "caption",
                        "sha256",
                        "val",
                    ]),
                    inner,
                ),
                0..6,
            )
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(m) => m.values().map(count).sum(),
        _ => 0,
    }
}

/// Replaces the `n`-th node (pre-order) with `with`; returns whether it was found.
fn replace(v: &mut Value, n: &mut usize, with: &Value) -> bool {
    if *n == 0 {
        *v = with.clone();
        return true;
    }
    *n -= 1;
    match v {
        Value::Array(a) => a.iter_mut().any(|x| replace(x, n, with)),
        Value::Object(m) => m.values_mut().any(|x| replace(x, n, with)),
        _ => false,
    }
}

fn decode(v: &Value, bytes: Arc<[u8]>) {
    if let Ok(Some(value)) = registry().decode(v, &Source(bytes)) {
        let _ = value.wb_eq(value.as_ref());
        let mut art = Artifact::new("p", "dataset");
        let _ = value.to_artifact_json(&mut art);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_real_entries(seed in any::<prop::sample::Index>(), node in any::<prop::sample::Index>(), with in value(), op in 0u8..4, t in any::<prop::sample::Index>()) {
        let seeds = seeds();
        let (orig, bytes) = &seeds[seed.index(seeds.len())];
        let mut v = orig.clone();
        match op {
            0 | 1 => {
                let mut n = node.index(count(&v));
                replace(&mut v, &mut n, &with);
            }
            2 => {
                if let Value::Object(m) = &mut v {
                    let keys: Vec<String> = m.keys().cloned().collect();
                    if !keys.is_empty() {
                        m.shift_remove(&keys[node.index(keys.len())]);
                    }
                }
            }
            _ => {
                let types = registry().types();
                if let Value::Object(m) = &mut v {
                    m.insert("_type".into(), Value::Str(types[t.index(types.len())].into()));
                }
            }
        }
        decode(&v, bytes.clone());
        // The same entry with its file cut in half.
        decode(&v, Arc::from(&bytes[..bytes.len() / 2]));
    }

    #[test]
    fn arbitrary_objects_with_a_registered_type(t in any::<prop::sample::Index>(), body in proptest::collection::vec((prop::sample::select(vec!["path", "columns", "data", "values", "bins", "box_data", "nodes", "edges", "val", "params", "ncols", "nrows", "format", "parts_path"]), value()), 0..8), pick in any::<prop::sample::Index>()) {
        let types = registry().types();
        let mut m = Map::new();
        m.insert("_type".into(), Value::Str(types[t.index(types.len())].into()));
        for (k, v) in body {
            m.insert(k.to_owned(), v);
        }
        let seeds = seeds();
        let bytes = seeds[pick.index(seeds.len())].1.clone();
        decode(&Value::Object(m), bytes);
    }
}
