//! `Drop`, `Clone`, `PartialEq` and `Debug` for [`Value`] that work at any depth.
//!
//! The derived versions recurse once per nesting level, so a value nested some thousands of
//! levels deep (easy to build in code) would overflow the thread's stack. Here:
//! - `Drop` leaves a container whose members hold only scalars to Rust's own drop, and takes
//!   any other apart with a stack of containers on the heap (in order);
//! - `Clone` copies the first 64 levels recursively, through `Vec`'s and `IndexMap`'s own
//!   `clone` (a thread-local count of the levels under way), and deeper ones with a heap stack;
//! - `PartialEq` walks both values with a heap stack, scalar members in a tight loop;
//! - `Debug` recurses but elides what is nested deeper than [`DEBUG_DEPTH`] levels.
//!
//! Costs against the derived versions are measured by `examples/bench_json.rs` (see
//! docs/reliability.md): the same or less time on tables, history rows and object trees; a
//! flat array of 100 000 scalars takes ~0.2 ms longer to drop (two passes over it, not one).

use super::value::{Map, Value};
use std::cell::Cell;
use std::fmt;

/// How deep `{:?}` shows nesting; deeper arrays and objects print as `Array([..])` /
/// `Object({..})`.
pub const DEBUG_DEPTH: usize = 100;

#[inline]
fn is_container(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

/// `true` for an array or object with members.
#[inline]
fn has_members(v: &Value) -> bool {
    match v {
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
        _ => false,
    }
}

/// `true` if a member of `v` is an array or object with members: dropping `v` the way Rust
/// does by itself would go more than two levels down.
#[inline]
fn has_nested_members(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.iter().any(has_members),
        Value::Object(m) => m.values().any(has_members),
        _ => false,
    }
}

/// A container being dropped: its members, and the index of the next one to look at (an
/// object's are taken out as they are looked at).
enum DropFrame {
    Array(Vec<Value>, usize),
    Object(indexmap::map::IntoValues<String, Value>),
}

impl DropFrame {
    /// Takes `v`'s members out of it (leaving it empty).
    fn take_members(v: &mut Value) -> Self {
        match v {
            Value::Object(m) => DropFrame::Object(std::mem::take(m).into_values()),
            Value::Array(a) => DropFrame::Array(std::mem::take(a), 0),
            _ => DropFrame::Array(Vec::new(), 0),
        }
    }
}

impl Drop for Value {
    /// Drops nested arrays and objects without recursion. Scalars, and arrays and objects
    /// whose members hold only scalars, drop as usual.
    #[inline]
    fn drop(&mut self) {
        if is_container(self) && has_nested_members(self) {
            drop_members(self);
        }
    }
}

/// Drops the members of `v` with the containers being taken apart on a stack on the heap: a
/// member holding arrays or objects with members is emptied before it is dropped, so no drop
/// goes more than two levels down. A container without nested ones allocates nothing.
#[inline(never)]
fn drop_members(v: &mut Value) {
    let mut current = DropFrame::take_members(v);
    let mut outer: Vec<DropFrame> = Vec::new();
    loop {
        let inner = match &mut current {
            DropFrame::Array(items, i) => {
                // The other members stay where they are, dropped with the array.
                let nested = items
                    .iter_mut()
                    .enumerate()
                    .skip(*i)
                    .find(|(_, m)| has_nested_members(m));
                nested.map(|(at, m)| {
                    *i = at + 1;
                    DropFrame::take_members(m)
                })
            }
            DropFrame::Object(rest) => rest
                .find_map(|mut m| has_nested_members(&m).then(|| DropFrame::take_members(&mut m))),
        };
        match inner {
            Some(inner) => outer.push(std::mem::replace(&mut current, inner)),
            None => match outer.pop() {
                Some(frame) => current = frame,
                None => return,
            },
        }
    }
}

/// A copy of a value that is not an array or an object (`null` for one).
#[inline]
fn clone_scalar(v: &Value) -> Value {
    match v {
        Value::Bool(b) => Value::Bool(*b),
        Value::Int(i) => Value::Int(*i),
        Value::Float(f) => Value::Float(*f),
        Value::Str(s) => Value::Str(s.clone()),
        Value::Null | Value::Array(_) | Value::Object(_) => Value::Null,
    }
}

/// A container being copied: the copy so far (its length is the index of the next member to
/// copy) and the original.
enum CloneFrame<'a> {
    Array(Vec<Value>, &'a [Value]),
    Object(Map, &'a Map),
}

impl Clone for Value {
    /// A deep copy. The first 64 levels of arrays and objects are copied recursively, as the
    /// derived `Clone` would (an `IndexMap` copies its hash table rather than hashing every key
    /// again); anything deeper, without recursion.
    #[inline]
    fn clone(&self) -> Self {
        if is_container(self) {
            clone_container(self)
        } else {
            clone_scalar(self)
        }
    }
}

/// How many levels of arrays and objects `Value::clone` copies recursively before it goes on
/// with a stack on the heap (a few hundred bytes of thread stack per level in a debug build).
const CLONE_RECURSION: usize = 64;

thread_local! {
    /// How many `Value::clone` calls of arrays and objects are under way on this thread.
    static CLONE_DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Counts one level of recursive cloning for as long as it lives.
struct CloneLevel(usize);

impl CloneLevel {
    /// A level, if fewer than [`CLONE_RECURSION`] are under way.
    fn enter() -> Option<Self> {
        let depth = CLONE_DEPTH.get();
        (depth < CLONE_RECURSION).then(|| {
            CLONE_DEPTH.set(depth + 1);
            CloneLevel(depth)
        })
    }
}

impl Drop for CloneLevel {
    fn drop(&mut self) {
        CLONE_DEPTH.set(self.0);
    }
}

/// A deep copy of an array or object: recursively (through `Vec`'s and `IndexMap`'s own
/// `clone`) while few levels are under way, else [`clone_iteratively`].
#[inline(never)]
fn clone_container(v: &Value) -> Value {
    let Some(_level) = CloneLevel::enter() else {
        return clone_iteratively(v);
    };
    match v {
        Value::Array(items) => Value::Array(items.clone()),
        Value::Object(map) => Value::Object(map.clone()),
        scalar => clone_scalar(scalar),
    }
}

/// A deep copy of an array or object, made with a stack of the containers being copied on
/// the heap.
fn clone_iteratively(v: &Value) -> Value {
    let mut open: Vec<CloneFrame<'_>> = Vec::new();
    let mut next = v;
    'value: loop {
        // Open `next`, an array or object (its members are copied below); an object without
        // nested members is copied whole.
        let mut done = match next {
            Value::Array(items) => {
                open.push(CloneFrame::Array(Vec::with_capacity(items.len()), items));
                None
            }
            // Without nested members, IndexMap's own clone (which copies the hash table
            // rather than hashing every key again) recurses one level only.
            Value::Object(map) if !map.values().any(is_container) => {
                Some(Value::Object(map.clone()))
            }
            Value::Object(map) => {
                open.push(CloneFrame::Object(Map::with_capacity(map.len()), map));
                None
            }
            scalar => Some(clone_scalar(scalar)),
        };
        // Add a finished copy to the innermost open container, copy its scalar members,
        // and come back above with the first array or object among them; close it when
        // all are copied.
        while let Some(frame) = open.last_mut() {
            match frame {
                CloneFrame::Array(copy, items) => {
                    let items: &[Value] = items;
                    copy.extend(done.take());
                    while let Some(item) = items.get(copy.len()) {
                        if is_container(item) {
                            next = item;
                            continue 'value;
                        }
                        copy.push(clone_scalar(item));
                    }
                    done = Some(Value::Array(std::mem::take(copy)));
                }
                CloneFrame::Object(copy, map) => {
                    let map: &Map = map;
                    if let (Some(v), Some((k, _))) = (done.take(), map.get_index(copy.len())) {
                        copy.insert(k.clone(), v);
                    }
                    while let Some((k, item)) = map.get_index(copy.len()) {
                        if is_container(item) {
                            next = item;
                            continue 'value;
                        }
                        copy.insert(k.clone(), clone_scalar(item));
                    }
                    done = Some(Value::Object(std::mem::take(copy)));
                }
            }
            open.pop();
        }
        return done.unwrap_or_default();
    }
}

/// Compares two values that are not both arrays or objects (`false` if either is one).
#[inline]
fn scalar_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => {
            (x.is_nan() && y.is_nan()) || (x == y && x.is_sign_negative() == y.is_sign_negative())
        }
        (Value::Str(x), Value::Str(y)) => x == y,
        _ => false,
    }
}

/// Two arrays or objects being compared, and the index of the next member to compare.
enum EqFrame<'a> {
    Array(&'a [Value], &'a [Value], usize),
    Object(&'a Map, &'a Map, usize),
}

impl PartialEq for Value {
    /// Structural equality, without recursion. Floats compare by value with `NaN == NaN` (and
    /// `0.0 != -0.0`), as a reader of the files expects when it compares two serializations;
    /// objects compare as maps (key order does not matter).
    fn eq(&self, other: &Self) -> bool {
        let mut open: Vec<EqFrame<'_>> = Vec::new();
        let (mut a, mut b) = (self, other);
        'value: loop {
            match (a, b) {
                (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                    open.push(EqFrame::Array(x, y, 0));
                }
                (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
                    open.push(EqFrame::Object(x, y, 0));
                }
                _ => {
                    if !scalar_eq(a, b) {
                        return false;
                    }
                }
            }
            // Compare the innermost pair's scalar members, and come back above with the first
            // pair of arrays or objects among them.
            while let Some(frame) = open.last_mut() {
                match frame {
                    EqFrame::Array(x, y, i) => {
                        let (x, y): (&[Value], &[Value]) = (x, y);
                        while let (Some(p), Some(q)) = (x.get(*i), y.get(*i)) {
                            *i += 1;
                            if is_container(p) {
                                (a, b) = (p, q);
                                continue 'value;
                            }
                            if !scalar_eq(p, q) {
                                return false;
                            }
                        }
                    }
                    EqFrame::Object(x, y, i) => {
                        let (x, y): (&Map, &Map) = (x, y);
                        while let Some((k, p)) = x.get_index(*i) {
                            *i += 1;
                            let Some(q) = y.get(k) else {
                                return false;
                            };
                            if is_container(p) {
                                (a, b) = (p, q);
                                continue 'value;
                            }
                            if !scalar_eq(p, q) {
                                return false;
                            }
                        }
                    }
                }
                open.pop();
            }
            return true;
        }
    }
}

/// `{:?}` of a value `depth` levels down.
struct Shown<'a>(&'a Value, usize);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Shown(v, depth) = *self;
        match v {
            Value::Null => f.write_str("Null"),
            Value::Bool(b) => f.debug_tuple("Bool").field(b).finish(),
            Value::Int(i) => f.debug_tuple("Int").field(i).finish(),
            Value::Float(x) => f.debug_tuple("Float").field(x).finish(),
            Value::Str(s) => f.debug_tuple("Str").field(s).finish(),
            Value::Array(items) if depth >= DEBUG_DEPTH && !items.is_empty() => {
                f.write_str("Array([..])")
            }
            Value::Object(map) if depth >= DEBUG_DEPTH && !map.is_empty() => {
                f.write_str("Object({..})")
            }
            Value::Array(items) => f
                .debug_tuple("Array")
                .field(&ShownItems(items, depth + 1))
                .finish(),
            Value::Object(map) => f
                .debug_tuple("Object")
                .field(&ShownMembers(map, depth + 1))
                .finish(),
        }
    }
}

/// `{:?}` of an array's items, `depth` levels down.
struct ShownItems<'a>(&'a [Value], usize);

impl fmt::Debug for ShownItems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|v| Shown(v, self.1)))
            .finish()
    }
}

/// `{:?}` of an object's members, `depth` levels down.
struct ShownMembers<'a>(&'a Map, usize);

impl fmt::Debug for ShownMembers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, Shown(v, self.1))))
            .finish()
    }
}

impl fmt::Debug for Value {
    /// As `#[derive(Debug)]` would print it (`Array([Int(1), Object({"a": Null})])`), except
    /// that arrays and objects nested deeper than [`DEBUG_DEPTH`] levels print as
    /// `Array([..])` / `Object({..})`, so that formatting never exhausts the stack.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Shown(self, 0).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Dialect, to_string};
    use crate::json_map;

    /// `depth` levels of arrays and objects in turn around `leaf`.
    fn deep(depth: usize, leaf: Value) -> Value {
        let mut v = leaf;
        for i in 0..depth {
            v = if i % 2 == 0 {
                Value::Array(vec![v, Value::Int(i as i128)])
            } else {
                Value::Object(json_map! {"k" => v, "e" => Value::object()})
            };
        }
        v
    }

    /// The same shape as [`Value`], with the derived traits, to check ours against.
    #[derive(Debug)]
    #[allow(dead_code, reason = "the fields are read by the derived Debug only")]
    enum Derived {
        Null,
        Bool(bool),
        Int(i128),
        Float(f64),
        Str(String),
        Array(Vec<Derived>),
        Object(indexmap::IndexMap<String, Derived>),
    }

    fn derived(v: &Value) -> Derived {
        match v {
            Value::Null => Derived::Null,
            Value::Bool(b) => Derived::Bool(*b),
            Value::Int(i) => Derived::Int(*i),
            Value::Float(f) => Derived::Float(*f),
            Value::Str(s) => Derived::Str(s.clone()),
            Value::Array(a) => Derived::Array(a.iter().map(derived).collect()),
            Value::Object(m) => {
                Derived::Object(m.iter().map(|(k, v)| (k.clone(), derived(v))).collect())
            }
        }
    }

    fn sample() -> Value {
        Value::Object(json_map! {
            "b" => Value::Array(vec![
                Value::Null,
                true.into(),
                Value::Int(-(1 << 100)),
                Value::Float(-0.0),
                Value::Float(f64::NAN),
                "s\"\n".into(),
                Value::Array(vec![]),
                Value::object(),
            ]),
            "a" => json_map! {"y" => Value::Array(vec![Value::Array(vec![1.into()])]), "x" => 2.5},
        })
    }

    #[test]
    fn clone_copies_every_member_in_order() {
        for v in [
            sample(),
            deep(50, sample()),
            Value::Array(vec![]),
            Value::Null,
        ] {
            let c = v.clone();
            assert_eq!(format!("{c:?}"), format!("{:?}", derived(&v)));
            assert_eq!(
                to_string(&c, Dialect::Compact),
                to_string(&v, Dialect::Compact)
            );
        }
        // Past the levels copied recursively.
        for depth in [CLONE_RECURSION - 1, CLONE_RECURSION, 3 * CLONE_RECURSION] {
            let v = deep(depth, sample());
            let c = v.clone();
            assert!(c == v);
            assert_eq!(
                to_string(&c, Dialect::Python),
                to_string(&v, Dialect::Python)
            );
        }
    }

    #[test]
    fn debug_prints_as_derive_would() {
        for v in [sample(), deep(40, sample())] {
            assert_eq!(format!("{v:?}"), format!("{:?}", derived(&v)));
            assert_eq!(format!("{v:#?}"), format!("{:#?}", derived(&v)));
        }
    }

    #[test]
    fn equality_is_structural() {
        let v = sample();
        assert_eq!(v, v.clone());
        // Key order does not matter; NaN equals NaN; -0.0 is not 0.0.
        let mut reordered = Map::new();
        if let Value::Object(m) = &v {
            for (k, x) in m.iter().rev() {
                reordered.insert(k.clone(), x.clone());
            }
        }
        assert_eq!(v, Value::Object(reordered));
        assert_eq!(Value::Float(f64::NAN), Value::Float(f64::NAN));
        assert_ne!(Value::Float(0.0), Value::Float(-0.0));
        assert_ne!(Value::Int(1), Value::Float(1.0));
        let changed = |f: fn(&mut Map)| {
            let mut c = v.clone();
            if let Value::Object(m) = &mut c {
                f(m);
            }
            c
        };
        assert_ne!(v, changed(|m| m[0] = Value::Array(vec![])));
        assert_ne!(v, changed(|m| drop(m.shift_remove("a"))));
        assert_ne!(v, changed(|m| drop(m.insert("c".into(), Value::Null))));
        assert_ne!(
            v,
            changed(|m| {
                let x = m.shift_remove("a").unwrap_or_default();
                m.insert("A".into(), x);
            })
        );
        assert_ne!(
            v,
            changed(|m| {
                if let Some(Value::Object(a)) = m.get_mut("a") {
                    a["x"] = Value::Float(2.0);
                }
            })
        );
    }

    #[test]
    fn deep_values_clone_compare_print_and_drop_on_a_small_stack() {
        // 100 000 levels on a test thread's 2 MiB stack: any recursion per level would
        // overflow it (in a debug build most of all).
        const DEPTH: usize = 100_000;
        let v = deep(DEPTH, Value::Str("leaf".into()));
        let c = v.clone();
        assert!(c == v);
        assert!(deep(DEPTH, Value::Str("other".into())) != v);
        assert!(deep(DEPTH - 1, Value::Str("leaf".into())) != v);
        // Debug stops at DEBUG_DEPTH levels.
        let shown = format!("{v:?}");
        assert!(shown.len() < 100 * DEBUG_DEPTH, "{}", shown.len());
        assert_eq!(
            shown.matches("([..])").count() + shown.matches("({..})").count(),
            1
        );
        drop(c);
        drop(v);
        // Deep inside a wide value, and a very wide flat one.
        let wide: Value = (0..1000)
            .map(|i| deep(100, Value::Int(i)))
            .collect::<Vec<_>>()
            .into();
        assert!(wide.clone() == wide);
        drop(wide);
        drop(Value::Array(vec![Value::Int(1); 1_000_000]));
    }
}
