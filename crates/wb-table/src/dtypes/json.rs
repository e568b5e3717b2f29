//! The `{"wb_type": ..., "params": {...}}` JSON of types, both ways.

use super::{Type, image};
use crate::cell::Key;
use std::sync::Arc;
use wb_core::ArtifactTarget;
use wb_core::json::Map;
use wb_core::{ArtifactSource, Error, Registry, Result, Value};

fn obj(name: &str, params: Option<Map>) -> Value {
    let mut m = Map::new();
    m.insert("wb_type".into(), name.into());
    if let Some(p) = params {
        m.insert("params".into(), Value::Object(p));
    }
    Value::Object(m)
}

impl Type {
    /// `type.to_json()`: the `{"wb_type", "params"}` JSON of a type that refers to no table
    /// (key types need an artifact: [`Type::to_artifact_json`]).
    pub fn to_json(&self) -> Result<Value> {
        self.to_json_in(None)
    }

    /// `type.to_json(artifact)`: key types add the table they refer to into `artifact`
    /// (`media/tables/t_<id>.table.json`).
    pub fn to_artifact_json(&self, artifact: &mut dyn ArtifactTarget) -> Result<Value> {
        self.to_json_in(Some(artifact))
    }

    /// `type.to_json(artifact)`, with or without the artifact.
    pub(crate) fn to_json_in<'a>(
        &self,
        mut artifact: Option<&mut (dyn ArtifactTarget + 'a)>,
    ) -> Result<Value> {
        Ok(match self {
            Type::PythonObject(c) => obj(
                self.name(),
                Some(wb_core::json_map! {"class_name" => c.as_str()}),
            ),
            Type::Const { val, is_set } => obj(
                self.name(),
                Some(wb_core::json_map! {"val" => val.clone(), "is_set" => *is_set}),
            ),
            Type::Union(ts) => {
                let mut items = Vec::with_capacity(ts.len());
                for t in ts {
                    items.push(t.to_json_in(reborrow(&mut artifact))?);
                }
                obj(
                    self.name(),
                    Some(wb_core::json_map! {"allowed_types" => Value::Array(items)}),
                )
            }
            Type::List { element, length } => obj(
                self.name(),
                Some(wb_core::json_map! {
                    "element_type" => element.to_json_in(artifact)?,
                    "length" => *length,
                }),
            ),
            Type::TypedDict(map) => {
                let mut tm = Map::new();
                for (k, t) in map {
                    tm.insert(k.to_json_key(), t.to_json_in(reborrow(&mut artifact))?);
                }
                obj(
                    self.name(),
                    Some(wb_core::json_map! {"type_map" => Value::Object(tm)}),
                )
            }
            Type::NdArray {
                shape,
                serialization_path,
            } => {
                let sp = match serialization_path {
                    Some((path, key)) => Value::Object(
                        wb_core::json_map! {"path" => path.as_str(), "key" => key.as_str()},
                    ),
                    None => Value::Null,
                };
                obj(
                    self.name(),
                    Some(wb_core::json_map! {"shape" => shape.clone(), "serialization_path" => sp}),
                )
            }
            Type::Media { name, params } => obj(name, (!params.is_empty()).then(|| params.clone())),
            Type::Table(ct) => obj(
                self.name(),
                Some(wb_core::json_map! {"column_types" => ct.to_json_in(artifact)?}),
            ),
            Type::ForeignKey { table, col_name } => {
                let art = artifact.ok_or_else(|| {
                    Error::value(
                        "_ForeignKeyType does not support serialization without an artifact",
                    )
                })?;
                let path = add_ref_table(table, art)?;
                obj(
                    self.name(),
                    Some(wb_core::json_map! {"table" => path, "col_name" => col_name.as_str()}),
                )
            }
            Type::ForeignIndex { table } => {
                let art = artifact.ok_or_else(|| {
                    Error::value(
                        "_ForeignIndexType does not support serialization without an artifact",
                    )
                })?;
                let path = add_ref_table(table, art)?;
                obj(self.name(), Some(wb_core::json_map! {"table" => path}))
            }
            simple => obj(simple.name(), None),
        })
    }
}

fn reborrow<'s, 'a>(
    a: &'s mut Option<&mut (dyn ArtifactTarget + 'a)>,
) -> Option<&'s mut (dyn ArtifactTarget + 'a)> {
    match a {
        Some(x) => Some(&mut **x),
        None => None,
    }
}

fn add_ref_table(table: &Arc<crate::table::Table>, art: &mut dyn ArtifactTarget) -> Result<String> {
    // The SDK adds the table as `media/tables/t_<id>`, a temporary file the artifact renames to
    // the first 20 hex digits of its MD5.
    let text = table.to_artifact_text(art)?;
    let name = format!(
        "media/tables/{}.table.json",
        &wb_core::internal::hash::md5_hex(text.as_bytes())[..20]
    );
    if !art.has_entry(&name) {
        art.put_entry(
            &name,
            wb_core::internal::artifact::EntryData::Bytes(Arc::from(
                text.into_bytes().into_boxed_slice(),
            )),
        )?;
    }
    Ok(name)
}

/// Where key types read the tables they refer to while a type is decoded.
#[derive(Clone, Copy)]
pub struct TypeJsonContext<'a> {
    /// The artifact the JSON came from.
    pub source: &'a dyn ArtifactSource,
    /// Decoders of media cells (for referenced tables).
    pub registry: &'a Registry,
}

fn te(msg: String) -> Error {
    Error::type_error(msg)
}

/// A `params` value that is itself a type (`{"wb_type": ...}`), for printing.
pub(crate) fn param_type(v: &Value) -> Option<Type> {
    if v.get("wb_type").is_some() {
        type_from_json(v, None).ok()
    } else {
        None
    }
}

/// The type a media cell's `column_type()` JSON describes (`None` when it is not a type).
pub(crate) fn media_type_from_json(v: &Value) -> Option<Type> {
    type_from_json(v, None).ok()
}

fn params(v: &Value) -> Map {
    v.get("params")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn sub(v: Option<&Value>, ctx: Option<TypeJsonContext<'_>>) -> Result<Type> {
    match v {
        Some(v) if !v.is_null() => type_from_json(v, ctx),
        _ => Ok(Type::Unknown),
    }
}

/// `TypeRegistry.type_from_dict(json)`: decodes a type (legacy names included).
pub fn type_from_json(v: &Value, ctx: Option<TypeJsonContext<'_>>) -> Result<Type> {
    let name = v
        .get("wb_type")
        .and_then(Value::as_str)
        .ok_or_else(|| te("json_dict must contain `wb_type` key".into()))?;
    let p = params(v);
    Ok(match name {
        "invalid" => Type::Invalid,
        "any" => Type::Any,
        "unknown" => Type::Unknown,
        "none" => Type::None,
        "string" => Type::String,
        "number" => Type::Number,
        "boolean" => Type::Boolean,
        "timestamp" => Type::Timestamp,
        "pythonObject" | "object" => Type::PythonObject(
            p.get("class_name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        ),
        "const" => {
            let val = p.get("val").cloned().unwrap_or(Value::Null);
            let is_set = p.get("is_set").and_then(Value::as_bool).unwrap_or(false);
            Type::Const { val, is_set }
        }
        "union" => {
            let items = p
                .get("allowed_types")
                .and_then(Value::as_array)
                .unwrap_or_default();
            Type::union(
                items
                    .iter()
                    .map(|i| type_from_json(i, ctx))
                    .collect::<Result<Vec<_>>>()?,
            )
        }
        "list" => Type::List {
            element: Box::new(sub(p.get("element_type"), ctx)?),
            length: p
                .get("length")
                .and_then(Value::as_i64)
                .and_then(|n| usize::try_from(n).ok()),
        },
        "typedDict" | "dictionary" => {
            let mut out = Vec::new();
            if let Some(tm) = p.get("type_map").and_then(Value::as_object) {
                for (k, t) in tm {
                    out.push((Key::Str(k.clone()), type_from_json(t, ctx)?));
                }
            }
            Type::TypedDict(out)
        }
        "ndarray" => Type::NdArray {
            shape: p
                .get("shape")
                .and_then(Value::as_array)
                .unwrap_or_default()
                .iter()
                .filter_map(|d| d.as_i64().and_then(|d| usize::try_from(d).ok()))
                .collect(),
            serialization_path: p.get("serialization_path").and_then(|sp| {
                Some((
                    sp.get("path")?.as_str()?.to_owned(),
                    sp.get("key")?.as_str()?.to_owned(),
                ))
            }),
        },
        "table" | "wandb.Table" => {
            let ct = sub(p.get("column_types"), ctx)?;
            if !matches!(ct, Type::TypedDict(_) | Type::Unknown) {
                return Err(te("column_types must be a dict or TypedDictType".into()));
            }
            Type::Table(Box::new(ct))
        }
        "joined-table" => Type::JoinedTable,
        "partitioned-table" => Type::PartitionedTable,
        "primaryKey" | "wandb.TablePrimaryKey" => Type::PrimaryKey,
        "foreignKey" | "wandb.TableForeignKey" | "foreignIndex" | "wandb.TableForeignIndex" => {
            let ctx = ctx.ok_or_else(|| {
                Error::value(format!(
                    "_{}Type does not support deserialization without an artifact",
                    if name.contains("ndex") {
                        "ForeignIndex"
                    } else {
                        "ForeignKey"
                    }
                ))
            })?;
            let path = p
                .get("table")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::decode(name, "params.table must be an entry path"))?;
            let bytes = ctx.source.read_entry(path)?;
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| Error::decode(name, "referenced table is not UTF-8"))?;
            let json = wb_core::json::parse(text)?;
            let table = Arc::new(crate::table::Table::from_json(
                &json,
                ctx.source,
                ctx.registry,
            )?);
            if name.contains("ndex") {
                Type::ForeignIndex { table }
            } else {
                Type::ForeignKey {
                    table,
                    col_name: p
                        .get("col_name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                }
            }
        }
        "image-file" | "wandb.Image" => Type::Media {
            name: "image-file".into(),
            params: image::normalize(&p),
        },
        "audio-file" | "video-file" | "html-file" | "object3D-file" | "bokeh-file"
        | "wb_trace_tree" => Type::Media {
            name: name.into(),
            params: p,
        },
        "classesId" | "wandb.Classes_id" => Type::Media {
            name: "classesId".into(),
            params: p,
        },
        other => return Err(te(format!("missing type handler for {other}"))),
    })
}
