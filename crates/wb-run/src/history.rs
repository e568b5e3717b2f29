//! The history row being built for the current step, and its flattening into `nested_key`
//! leaves, with wandb-core's merge rules.
//!
//! wandb-core keeps a path tree per step: a JSON object is merged key by key (so `{"a": {"b":
//! 1}}` then `{"a": {"c": 2}}` gives both leaves), anything else (numbers, strings, arrays,
//! `null`) is a leaf that replaces what was at its path, and empty objects add nothing.

use indexmap::IndexMap;
use wb_core::json::{Dialect, Value, write_to};

#[derive(Debug, Clone)]
enum Node {
    Leaf(Value),
    Tree(IndexMap<String, Node>),
}

/// A flattened leaf: its path and its value as Go-formatted JSON.
pub(crate) type Leaf = (Vec<String>, String);

/// The merged, not yet written, row of one step.
#[derive(Debug, Default)]
pub(crate) struct PartialRow {
    root: IndexMap<String, Node>,
}

/// Whether merging `v` sets at least one leaf (objects with only empty objects set nothing).
fn has_leaf(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.values().any(has_leaf),
        _ => true,
    }
}

fn merge_into(tree: &mut IndexMap<String, Node>, key: String, mut value: Value) {
    match &mut value {
        Value::Object(m) => {
            if !m.values().any(has_leaf) {
                return;
            }
            let node = tree
                .entry(key)
                .or_insert_with(|| Node::Tree(IndexMap::new()));
            if matches!(node, Node::Leaf(_)) {
                *node = Node::Tree(IndexMap::new());
            }
            if let Node::Tree(sub) = node {
                for (k, v) in std::mem::take(m) {
                    merge_into(sub, k, v);
                }
            }
        }
        _ => {
            tree.insert(key, Node::Leaf(value));
        }
    }
}

/// Room for a leaf's JSON text, so that long arrays (histogram bins) are not regrown.
fn text_estimate(v: &Value) -> usize {
    match v {
        Value::Array(items) => 2 + items.len() * 20,
        _ => 24,
    }
}

fn flatten(
    tree: IndexMap<String, Node>,
    prefix: &mut Vec<String>,
    out: &mut Vec<Leaf>,
    visit: &mut impl FnMut(&[String], &Value, &str),
) {
    for (k, node) in tree {
        prefix.push(k);
        match node {
            Node::Leaf(v) => {
                let mut text = String::with_capacity(text_estimate(&v));
                write_to(&mut text, &v, Dialect::Go);
                visit(prefix, &v, &text);
                out.push((prefix.clone(), text));
            }
            Node::Tree(sub) => flatten(sub, prefix, out, visit),
        }
        prefix.pop();
    }
}

impl PartialRow {
    /// Whether no leaf was set.
    pub(crate) fn is_empty(&self) -> bool {
        self.root.is_empty()
    }

    /// Merges a top-level item (`key`, value), as wandb-core merges partial history.
    pub(crate) fn merge(&mut self, key: String, value: Value) {
        merge_into(&mut self.root, key, value);
    }

    /// Sets a top-level leaf (`_runtime`, `_step`).
    pub(crate) fn set(&mut self, key: &str, value: Value) {
        self.root.insert(key.to_owned(), Node::Leaf(value));
    }

    /// Takes the row's leaves (paths and Go-formatted JSON) and leaves the row empty.
    #[cfg(test)]
    pub(crate) fn take_leaves(&mut self) -> Vec<Leaf> {
        self.take_leaves_with(|_, _, _| {})
    }

    /// [`PartialRow::take_leaves`], showing `visit` each leaf's path, value and JSON text
    /// first (for the derived summary).
    pub(crate) fn take_leaves_with(
        &mut self,
        mut visit: impl FnMut(&[String], &Value, &str),
    ) -> Vec<Leaf> {
        let mut out = Vec::new();
        flatten(
            std::mem::take(&mut self.root),
            &mut Vec::new(),
            &mut out,
            &mut visit,
        );
        out
    }

    /// The paths of the row's leaves.
    pub(crate) fn leaf_paths(&self) -> Vec<Vec<String>> {
        fn walk(
            tree: &IndexMap<String, Node>,
            prefix: &mut Vec<String>,
            out: &mut Vec<Vec<String>>,
        ) {
            for (k, node) in tree {
                prefix.push(k.clone());
                match node {
                    Node::Leaf(_) => out.push(prefix.clone()),
                    Node::Tree(sub) => walk(sub, prefix, out),
                }
                prefix.pop();
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut Vec::new(), &mut out);
        out
    }

    /// The leaf at `path`, if there is one.
    pub(crate) fn leaf(&self, path: &[String]) -> Option<&Value> {
        let (last, prefix) = path.split_last()?;
        let mut tree = &self.root;
        for k in prefix {
            match tree.get(k) {
                Some(Node::Tree(sub)) => tree = sub,
                _ => return None,
            }
        }
        match tree.get(last) {
            Some(Node::Leaf(v)) => Some(v),
            _ => None,
        }
    }

    /// Sets the leaf at `path`, replacing leaves on the way by subtrees and a subtree at the
    /// end by the leaf (wandb-core's path tree `Set`).
    pub(crate) fn set_path(&mut self, path: &[String], value: Value) {
        let Some((last, prefix)) = path.split_last() else {
            return;
        };
        let mut tree = &mut self.root;
        for k in prefix {
            let node = tree
                .entry(k.clone())
                .or_insert_with(|| Node::Tree(IndexMap::new()));
            if matches!(node, Node::Leaf(_)) {
                *node = Node::Tree(IndexMap::new());
            }
            let Node::Tree(sub) = node else { return };
            tree = sub;
        }
        tree.insert(last.clone(), Node::Leaf(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wb_core::json::parse;

    fn merged(items: &[&str]) -> Vec<(String, String)> {
        let mut row = PartialRow::default();
        for text in items {
            let Ok(m) = parse(text).unwrap().into_object() else {
                panic!("not an object")
            };
            for (k, v) in m {
                row.merge(k, v);
            }
        }
        row.take_leaves()
            .into_iter()
            .map(|(p, v)| (p.join("|"), v))
            .collect()
    }

    #[test]
    fn objects_merge_and_leaves_replace() {
        let got = merged(&[
            r#"{"a": {"b": 1}, "x": 5, "l": [1.0, {"k": 2.5}]}"#,
            r#"{"a": {"c": 2.0}, "x": {"y": "s"}, "e": {}, "f": {"g": {}}}"#,
        ]);
        assert_eq!(
            got,
            vec![
                ("a|b".into(), "1".into()),
                ("a|c".into(), "2".into()),
                ("x|y".into(), "\"s\"".into()),
                ("l".into(), "[1,{\"k\":2.5}]".into()),
            ]
        );
    }

    #[test]
    fn empty_objects_do_not_replace_leaves() {
        // wandb-core sets nothing for `{}` (nor for objects holding only empty objects), so an
        // earlier leaf at that path survives.
        let got = merged(&[r#"{"a": 1}"#, r#"{"a": {"b": {}}}"#]);
        assert_eq!(got, vec![("a".into(), "1".into())]);
    }

    #[test]
    fn keys_with_dots_and_slashes_stay_single_path_elements() {
        let got = merged(&[r#"{"a.b": 1, "c/d": 2, "e": {"f.g": 3}}"#]);
        let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["a.b", "c/d", "e|f.g"]);
    }
}
