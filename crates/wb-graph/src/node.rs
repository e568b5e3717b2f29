//! [`Node`] and [`NodeId`]: one vertex of a [`Graph`](crate::Graph), with the attributes the
//! SDK's `wandb.sdk.data_types.graph.Node` has.

use wb_core::json::{self, Dialect, Map, Value};
use wb_core::{Error, Result};

/// A node's id, unique in its graph: a string (a layer name) or an integer (what
/// `wandb.watch` uses). Written as a JSON string or number, and used by edges.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeId {
    /// A string id, such as a layer name.
    Str(String),
    /// An integer id.
    Int(i64),
}

impl NodeId {
    /// The id as JSON.
    pub fn to_json(&self) -> Value {
        match self {
            NodeId::Str(s) => Value::Str(s.clone()),
            NodeId::Int(i) => Value::Int(i128::from(*i)),
        }
    }

    /// Reads an id from JSON: a string, an integer, or `null` (no id). Anything else is an
    /// error naming `what` (the place in the graph).
    pub fn from_json(v: &Value, what: &str) -> Result<Option<NodeId>> {
        match v {
            Value::Null => Ok(None),
            Value::Str(s) => Ok(Some(NodeId::Str(s.clone()))),
            Value::Int(_) => v.as_i64().map(|i| Some(NodeId::Int(i))).ok_or_else(|| {
                Error::decode(
                    "graph-file",
                    format!("{what}: integer id {v:?} does not fit 64 bits"),
                )
            }),
            other => Err(Error::decode(
                "graph-file",
                format!("{what}: a node id must be a string, an integer or null, not {other:?}"),
            )),
        }
    }
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeId::Str(s) => write!(f, "{s:?}"),
            NodeId::Int(i) => write!(f, "{i}"),
        }
    }
}

impl From<&str> for NodeId {
    fn from(s: &str) -> Self {
        NodeId::Str(s.to_owned())
    }
}
impl From<String> for NodeId {
    fn from(s: String) -> Self {
        NodeId::Str(s)
    }
}
impl From<&String> for NodeId {
    fn from(s: &String) -> Self {
        NodeId::Str(s.clone())
    }
}
impl From<i64> for NodeId {
    fn from(i: i64) -> Self {
        NodeId::Int(i)
    }
}
impl From<i32> for NodeId {
    fn from(i: i32) -> Self {
        NodeId::Int(i64::from(i))
    }
}
impl From<u32> for NodeId {
    fn from(i: u32) -> Self {
        NodeId::Int(i64::from(i))
    }
}

/// The attribute names a node writes, in the order it writes them: the order in which
/// `Node(**attrs)` sets its constructor arguments (`name` first, always present), then the
/// attributes the SDK only has as properties.
pub(crate) const ATTRIBUTE_ORDER: [&str; 11] = [
    "name",
    "id",
    "class_name",
    "size",
    "parameters",
    "output_shape",
    "is_output",
    "num_parameters",
    "functions",
    "child_parameters",
    "is_constant",
];

/// A node of a graph, usually a layer of a model.
///
/// Every attribute is optional; only the set ones are written, in a fixed order
/// ([`Node::ATTRIBUTES`]), so the JSON equals what `Node(id=..., name=..., ...)` gives in
/// Python. `name` is always written (`null` when unset).
///
/// ```
/// use wb_graph::Node;
/// let n = Node::new()
///     .with_id("dense")
///     .with_name("dense")
///     .with_class_name("Dense")
///     .with_parameter("kernel", vec![3, 2])
///     .with_output_shape(vec![None, Some(2)])
///     .with_num_parameters(6);
/// assert_eq!(
///     wb_core::json::to_string(&n.to_json(), wb_core::json::Dialect::Compact),
///     r#"{"name":"dense","id":"dense","class_name":"Dense","parameters":[["kernel",[3,2]]],"output_shape":[null,2],"num_parameters":6}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    id: Option<NodeId>,
    name: Option<String>,
    class_name: Option<String>,
    size: Option<Vec<Value>>,
    parameters: Option<Vec<(String, Value)>>,
    output_shape: Option<Value>,
    is_output: Option<bool>,
    num_parameters: Option<Value>,
    functions: Option<Value>,
    child_parameters: Option<Value>,
    is_constant: Option<bool>,
    extra: Map,
}

impl Node {
    /// The attribute names a node writes, in the order it writes them: the order in which
    /// `Node(**attrs)` sets its constructor arguments (`name` first, always present), then the
    /// attributes the SDK only has as properties.
    pub const ATTRIBUTES: [&str; 11] = ATTRIBUTE_ORDER;

    /// A node with no attributes set (written as `{"name": null}`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the id (unique in the graph; edges name their nodes by it).
    #[must_use]
    pub fn with_id(mut self, id: impl Into<NodeId>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the name shown for the node (a layer's name).
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the class name (the layer's type, such as `Conv2d`).
    #[must_use]
    pub fn with_class_name(mut self, class_name: impl Into<String>) -> Self {
        self.class_name = Some(class_name.into());
        self
    }

    /// Sets the tensor size (written as an array, as the SDK stores it as a tuple).
    #[must_use]
    pub fn with_size<V: Into<Value>>(mut self, size: impl IntoIterator<Item = V>) -> Self {
        self.size = Some(size.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the parameters as `(name, shape)` pairs, written as `[name, shape]` arrays. An
    /// empty list is written as `[]` (as `wandb.watch` writes a layer without parameters).
    #[must_use]
    pub fn with_parameters<S: Into<String>, V: Into<Value>>(
        mut self,
        parameters: impl IntoIterator<Item = (S, V)>,
    ) -> Self {
        self.parameters = Some(
            parameters
                .into_iter()
                .map(|(n, s)| (n.into(), s.into()))
                .collect(),
        );
        self
    }

    /// Appends one parameter `[name, shape]`.
    #[must_use]
    pub fn with_parameter(mut self, name: impl Into<String>, shape: impl Into<Value>) -> Self {
        self.parameters
            .get_or_insert_with(Vec::new)
            .push((name.into(), shape.into()));
        self
    }

    /// Sets the output shape: one shape (`vec![None, Some(3)]` for Keras' `(None, 3)`), or a
    /// list of shapes (what `wandb.watch` writes: one per output tensor), or any JSON.
    #[must_use]
    pub fn with_output_shape(mut self, output_shape: impl Into<Value>) -> Self {
        self.output_shape = Some(output_shape.into());
        self
    }

    /// Marks the node as an output of the model (or explicitly not one).
    #[must_use]
    pub fn with_is_output(mut self, is_output: bool) -> Self {
        self.is_output = Some(is_output);
        self
    }

    /// Sets the parameter count: an integer (as Keras graphs have it) or a list of counts per
    /// parameter (as `wandb.watch` writes it).
    #[must_use]
    pub fn with_num_parameters(mut self, num_parameters: impl Into<Value>) -> Self {
        self.num_parameters = Some(num_parameters.into());
        self
    }

    /// Sets `functions` (free-form JSON; the SDK neither sets nor reads it).
    #[must_use]
    pub fn with_functions(mut self, functions: impl Into<Value>) -> Self {
        self.functions = Some(functions.into());
        self
    }

    /// Sets `child_parameters` (free-form JSON; the SDK neither sets nor reads it).
    #[must_use]
    pub fn with_child_parameters(mut self, child_parameters: impl Into<Value>) -> Self {
        self.child_parameters = Some(child_parameters.into());
        self
    }

    /// Sets `is_constant`.
    #[must_use]
    pub fn with_is_constant(mut self, is_constant: bool) -> Self {
        self.is_constant = Some(is_constant);
        self
    }

    /// The id, if set.
    pub fn id(&self) -> Option<&NodeId> {
        self.id.as_ref()
    }
    /// The name, if set.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    /// The class name, if set.
    pub fn class_name(&self) -> Option<&str> {
        self.class_name.as_deref()
    }
    /// The tensor size, if set.
    pub fn size(&self) -> Option<&[Value]> {
        self.size.as_deref()
    }
    /// The `(name, shape)` parameters, if set.
    pub fn parameters(&self) -> Option<&[(String, Value)]> {
        self.parameters.as_deref()
    }
    /// The output shape, if set.
    pub fn output_shape(&self) -> Option<&Value> {
        self.output_shape.as_ref()
    }
    /// Whether the node is an output, if set.
    pub fn is_output(&self) -> Option<bool> {
        self.is_output
    }
    /// The parameter count(s), if set.
    pub fn num_parameters(&self) -> Option<&Value> {
        self.num_parameters.as_ref()
    }
    /// `functions`, if set.
    pub fn functions(&self) -> Option<&Value> {
        self.functions.as_ref()
    }
    /// `child_parameters`, if set.
    pub fn child_parameters(&self) -> Option<&Value> {
        self.child_parameters.as_ref()
    }
    /// `is_constant`, if set.
    pub fn is_constant(&self) -> Option<bool> {
        self.is_constant
    }
    /// Attributes outside [`Node::ATTRIBUTES`] read from a graph file, kept so that nothing
    /// read is lost; written after the known ones.
    pub fn extra_attributes(&self) -> &Map {
        &self.extra
    }

    /// The node's JSON object: `name` (always), then every set attribute in
    /// [`Node::ATTRIBUTES`], then [`extra_attributes`](Self::extra_attributes).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), self.name.clone().into());
        if let Some(id) = &self.id {
            m.insert("id".into(), id.to_json());
        }
        if let Some(c) = &self.class_name {
            m.insert("class_name".into(), c.clone().into());
        }
        if let Some(s) = &self.size {
            m.insert("size".into(), Value::Array(s.clone()));
        }
        if let Some(p) = &self.parameters {
            let pairs = p
                .iter()
                .map(|(n, s)| Value::Array(vec![n.clone().into(), s.clone()]))
                .collect();
            m.insert("parameters".into(), Value::Array(pairs));
        }
        let mut put = |k: &str, v: &Option<Value>| {
            if let Some(v) = v {
                m.insert(k.into(), v.clone());
            }
        };
        put("output_shape", &self.output_shape);
        put("is_output", &self.is_output.map(Value::Bool));
        put("num_parameters", &self.num_parameters);
        put("functions", &self.functions);
        put("child_parameters", &self.child_parameters);
        put("is_constant", &self.is_constant.map(Value::Bool));
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }

    /// Appends [`to_json`](Self::to_json) in the compact dialect (the graph file's bytes) to
    /// `out`, without building the JSON value first.
    pub(crate) fn write_compact(&self, out: &mut String) {
        let w = |out: &mut String, v: &Value| json::write_to(out, v, Dialect::Compact);
        let str_value = |out: &mut String, s: &str| w(out, &Value::Str(s.to_owned()));
        out.push_str("{\"name\":");
        match &self.name {
            Some(n) => str_value(out, n),
            None => out.push_str("null"),
        }
        if let Some(id) = &self.id {
            out.push_str(",\"id\":");
            match id {
                NodeId::Str(s) => str_value(out, s),
                NodeId::Int(i) => out.push_str(&i.to_string()),
            }
        }
        if let Some(c) = &self.class_name {
            out.push_str(",\"class_name\":");
            str_value(out, c);
        }
        if let Some(size) = &self.size {
            out.push_str(",\"size\":[");
            for (i, v) in size.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                w(out, v);
            }
            out.push(']');
        }
        if let Some(params) = &self.parameters {
            out.push_str(",\"parameters\":[");
            for (i, (name, shape)) in params.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('[');
                str_value(out, name);
                out.push(',');
                w(out, shape);
                out.push(']');
            }
            out.push(']');
        }
        let bool_value = |b: &Option<bool>| b.map(Value::Bool);
        for (key, v) in [
            ("output_shape", self.output_shape.as_ref()),
            ("is_output", bool_value(&self.is_output).as_ref()),
            ("num_parameters", self.num_parameters.as_ref()),
            ("functions", self.functions.as_ref()),
            ("child_parameters", self.child_parameters.as_ref()),
            ("is_constant", bool_value(&self.is_constant).as_ref()),
        ] {
            if let Some(v) = v {
                out.push_str(",\"");
                out.push_str(key);
                out.push_str("\":");
                w(out, v);
            }
        }
        for (k, v) in &self.extra {
            out.push(',');
            str_value(out, k);
            out.push(':');
            w(out, v);
        }
        out.push('}');
    }

    /// Reads a node from its JSON object (`what` names it in error messages). `null`
    /// attributes count as unset, as `Node(attr=None)` leaves them unset.
    pub fn from_json(v: &Value, what: &str) -> Result<Node> {
        let m = v.as_object().ok_or_else(|| {
            Error::decode("graph-file", format!("{what} must be an object, not {v:?}"))
        })?;
        let bad = |k: &str, want: &str, got: &Value| {
            Error::decode(
                "graph-file",
                format!("{what}: `{k}` must be {want}, not {got:?}"),
            )
        };
        let mut n = Node::new();
        for (k, val) in m {
            if val.is_null() && ATTRIBUTE_ORDER.contains(&k.as_str()) && k != "id" {
                continue;
            }
            match k.as_str() {
                "id" => n.id = NodeId::from_json(val, what)?,
                "name" | "class_name" => {
                    let s = val
                        .as_str()
                        .ok_or_else(|| bad(k, "a string or null", val))?
                        .to_owned();
                    if k == "name" {
                        n.name = Some(s);
                    } else {
                        n.class_name = Some(s);
                    }
                }
                "size" => {
                    n.size = Some(
                        val.as_array()
                            .ok_or_else(|| bad(k, "an array", val))?
                            .to_vec(),
                    );
                }
                "parameters" => {
                    let items = val
                        .as_array()
                        .ok_or_else(|| bad(k, "an array of [name, shape] pairs", val))?;
                    let pairs = items
                        .iter()
                        .map(|p| match p.as_array() {
                            Some([Value::Str(name), shape]) => Ok((name.clone(), shape.clone())),
                            _ => Err(bad(k, "an array of [name, shape] pairs", p)),
                        })
                        .collect::<Result<Vec<_>>>()?;
                    n.parameters = Some(pairs);
                }
                "is_output" | "is_constant" => {
                    let b = val
                        .as_bool()
                        .ok_or_else(|| bad(k, "a boolean or null", val))?;
                    if k == "is_output" {
                        n.is_output = Some(b);
                    } else {
                        n.is_constant = Some(b);
                    }
                }
                "output_shape" => n.output_shape = Some(val.clone()),
                "num_parameters" => n.num_parameters = Some(val.clone()),
                "functions" => n.functions = Some(val.clone()),
                "child_parameters" => n.child_parameters = Some(val.clone()),
                _ => {
                    n.extra.insert(k.clone(), val.clone());
                }
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use wb_core::json::{Dialect, parse, to_string};

    #[test]
    fn empty_node_writes_null_name() {
        assert_eq!(
            to_string(&Node::new().to_json(), Dialect::Compact),
            r#"{"name":null}"#
        );
    }

    #[test]
    fn order_is_fixed_whatever_the_call_order() {
        let a = Node::new()
            .with_is_constant(false)
            .with_num_parameters(3)
            .with_id(7)
            .with_name("n")
            .with_functions(vec!["f"]);
        assert_eq!(
            to_string(&a.to_json(), Dialect::Compact),
            r#"{"name":"n","id":7,"num_parameters":3,"functions":["f"],"is_constant":false}"#
        );
    }

    #[test]
    fn json_round_trip_keeps_unknown_attributes() {
        let text = r#"{"name":"x","id":"a","size":[1,2],"parameters":[["w",[3,3]]],"output_shape":[[1,3]],"is_output":true,"num_parameters":[9,3],"child_parameters":2,"zzz":{"k":1}}"#;
        let n = Node::from_json(&parse(text).unwrap(), "node 0").unwrap();
        assert_eq!(to_string(&n.to_json(), Dialect::Compact), text);
        assert_eq!(n.extra_attributes().len(), 1);
    }

    #[test]
    fn bad_attributes_are_errors() {
        for text in [
            r#"{"name":3}"#,
            r#"{"id":1.5}"#,
            r#"{"parameters":[["w"]]}"#,
            r#"{"is_output":"yes"}"#,
            r#"[1]"#,
        ] {
            let e = Node::from_json(&parse(text).unwrap(), "node 0").unwrap_err();
            assert!(e.to_string().contains("node 0"), "{e}");
        }
    }
}
