//! Reading `.wandb` logs: record by record ([`RecordReader`]), or a whole run with its
//! history rows, summary and config rebuilt ([`RunLog`]). Reads the files this crate writes
//! and the files the Python SDK (wandb-core) writes.

use crate::error::{Error, Result};
use crate::framing::{LogReader, ReadError};
use indexmap::IndexMap;
use prost::Message;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use wb_core::json::{Map, Value, parse};
use wb_proto::{HistoryValue, Record, RecordType, RunRecord};

/// Finds the `.wandb` file for `path`: the file itself, or the first `*.wandb` file (by name)
/// in a run folder.
pub fn find_log_file(path: &Path) -> Result<PathBuf> {
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    if path.is_dir() {
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Error::io("listing", path, e))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "wandb"))
            .collect();
        found.sort();
        if let Some(p) = found.into_iter().next() {
            return Ok(p);
        }
    }
    Err(Error::NoLogFile {
        path: path.to_path_buf(),
    })
}

/// Decoded records of a `.wandb` stream, in order.
///
/// Yields `Ok(record)` for every complete record; a damaged region yields one
/// [`ReadError::Corrupt`] and reading goes on at the next block; a torn tail (a writer that
/// was killed) yields [`ReadError::Truncated`] and ends the iteration.
#[derive(Debug)]
pub struct RecordReader<R> {
    log: LogReader<R>,
}

impl RecordReader<BufReader<File>> {
    /// Opens a `.wandb` file, or the one in a run folder.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let file = find_log_file(path.as_ref())?;
        let f = File::open(&file).map_err(|e| Error::io("opening", &file, e))?;
        Ok(RecordReader::new(BufReader::with_capacity(1 << 16, f)))
    }
}

impl<R: Read> RecordReader<R> {
    /// Reads records from `src` (positioned at the start of the file).
    pub fn new(src: R) -> Self {
        RecordReader {
            log: LogReader::new(src),
        }
    }

    /// The next record with its file offset and encoded size.
    pub fn next_with_offset(&mut self) -> Option<Result<(u64, usize, Record), ReadError>> {
        let (offset, payload) = match self.log.next()? {
            Ok(x) => x,
            Err(e) => return Some(Err(e)),
        };
        Some(
            Record::decode(payload.as_slice())
                .map(|r| (offset, payload.len(), r))
                .map_err(|source| ReadError::Decode { offset, source }),
        )
    }
}

impl<R: Read> Iterator for RecordReader<R> {
    type Item = Result<Record, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_with_offset().map(|r| r.map(|(_, _, rec)| rec))
    }
}

/// A path tree of JSON values with wandb-core's rules: setting a path replaces what is there
/// (a leaf in the way becomes a folder).
#[derive(Debug, Default, Clone)]
struct Tree(IndexMap<String, Node>);

#[derive(Debug, Clone)]
enum Node {
    Leaf(Value),
    Tree(Tree),
}

impl Tree {
    fn set(&mut self, path: &[String], value: Value) {
        let Some((last, prefix)) = path.split_last() else {
            return;
        };
        let mut t = self;
        for k in prefix {
            let node =
                t.0.entry(k.clone())
                    .or_insert_with(|| Node::Tree(Tree::default()));
            if matches!(node, Node::Leaf(_)) {
                *node = Node::Tree(Tree::default());
            }
            let Node::Tree(sub) = node else {
                return;
            };
            t = sub;
        }
        t.0.insert(last.clone(), Node::Leaf(value));
    }

    fn remove(&mut self, path: &[String]) {
        let Some((last, prefix)) = path.split_last() else {
            return;
        };
        let mut t = self;
        for k in prefix {
            match t.0.get_mut(k) {
                Some(Node::Tree(sub)) => t = sub,
                _ => return,
            }
        }
        t.0.shift_remove(last);
    }

    fn to_map(&self) -> Map {
        self.0
            .iter()
            .map(|(k, n)| {
                let v = match n {
                    Node::Leaf(v) => v.clone(),
                    Node::Tree(t) => Value::Object(t.to_map()),
                };
                (k.clone(), v)
            })
            .collect()
    }
}

fn item_path(key: &str, nested_key: &[String]) -> Vec<String> {
    if nested_key.is_empty() {
        vec![key.to_owned()]
    } else {
        nested_key.to_vec()
    }
}

fn parse_json(text: &str) -> Result<Value> {
    parse(text).map_err(|e| Error::Core(e.into()))
}

/// The value of a history item: its `value_json`, or the typed value of 0.31's typed encoding.
pub fn history_item_value(item: &wb_proto::HistoryItem) -> Result<Value> {
    match &item.value {
        _ if !item.value_json.is_empty() => parse_json(&item.value_json),
        Some(HistoryValue::None(_)) | None => Ok(Value::Null),
        Some(HistoryValue::Boolean(b)) => Ok(Value::Bool(*b)),
        Some(HistoryValue::Integer(i)) => Ok(Value::Int(i128::from(*i))),
        Some(HistoryValue::Number(f)) => Ok(Value::Float(*f)),
        Some(HistoryValue::Text(s)) => Ok(Value::Str(s.clone())),
        Some(HistoryValue::Json(s)) => parse_json(s),
    }
}

/// One history row: its step and its nested values (`_step`, `_runtime`, `_timestamp`
/// included).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// The step (`None` for rows written without one, as in shared mode).
    pub step: Option<i64>,
    /// The row, nested back from its `nested_key` leaves.
    pub values: Map,
}

/// A whole `.wandb` log read into memory: every record in order, and what could not be read.
#[derive(Debug, Clone, Default)]
pub struct RunLog {
    /// The records, in file order.
    pub records: Vec<Record>,
    /// Damaged regions skipped and a torn tail, if any (as messages, in file order).
    pub errors: Vec<String>,
}

impl RunLog {
    /// Reads the `.wandb` file at `path` (or the one in a run folder). Only I/O errors and a
    /// missing header fail; damaged records are listed in [`RunLog::errors`].
    pub fn read(path: impl AsRef<Path>) -> Result<RunLog> {
        Self::from_reader(RecordReader::open(path)?)
    }

    /// Reads every record from `reader`.
    pub fn from_reader<R: Read>(reader: RecordReader<R>) -> Result<RunLog> {
        let mut log = RunLog::default();
        for r in reader {
            match r {
                Ok(rec) => log.records.push(rec),
                Err(e @ (ReadError::Io(_) | ReadError::BadHeader { .. })) => return Err(e.into()),
                Err(e) => log.errors.push(e.to_string()),
            }
        }
        Ok(log)
    }

    /// The run record (id, project, name, tags, initial config).
    pub fn run(&self) -> Option<&RunRecord> {
        self.records.iter().find_map(|r| match &r.record_type {
            Some(RecordType::Run(run)) => Some(run),
            _ => None,
        })
    }

    /// The exit code, if the run finished.
    pub fn exit_code(&self) -> Option<i32> {
        self.records
            .iter()
            .rev()
            .find_map(|r| match &r.record_type {
                Some(RecordType::Exit(e)) => Some(e.exit_code),
                _ => None,
            })
    }

    /// The history rows, in order.
    pub fn history(&self) -> Result<Vec<HistoryRow>> {
        let mut rows = Vec::new();
        for r in &self.records {
            if let Some(RecordType::History(h)) = &r.record_type {
                let mut tree = Tree::default();
                for item in &h.item {
                    tree.set(
                        &item_path(&item.key, &item.nested_key),
                        history_item_value(item)?,
                    );
                }
                rows.push(HistoryRow {
                    step: h.step.map(|s| s.num),
                    values: tree.to_map(),
                });
            }
        }
        Ok(rows)
    }

    /// The final summary: every summary record applied in order (a value set at a path
    /// replaces what was there), as wandb-core keeps it.
    pub fn summary(&self) -> Result<Map> {
        let mut tree = Tree::default();
        for r in &self.records {
            if let Some(RecordType::Summary(s)) = &r.record_type {
                for item in &s.update {
                    tree.set(
                        &item_path(&item.key, &item.nested_key),
                        parse_json(&item.value_json)?,
                    );
                }
                for item in &s.remove {
                    tree.remove(&item_path(&item.key, &item.nested_key));
                }
            }
        }
        Ok(tree.to_map())
    }

    /// The final config: the run record's config, then every config record, in order.
    pub fn config(&self) -> Result<Map> {
        let mut tree = Tree::default();
        let mut apply = |c: &wb_proto::ConfigRecord| -> Result<()> {
            for item in &c.update {
                tree.set(
                    &item_path(&item.key, &item.nested_key),
                    parse_json(&item.value_json)?,
                );
            }
            for item in &c.remove {
                tree.remove(&item_path(&item.key, &item.nested_key));
            }
            Ok(())
        };
        for r in &self.records {
            match &r.record_type {
                Some(RecordType::Run(run)) => {
                    if let Some(c) = &run.config {
                        apply(c)?;
                    }
                }
                Some(RecordType::Config(c)) => apply(c)?,
                _ => {}
            }
        }
        Ok(tree.to_map())
    }

    /// Paths (relative to `files/`) of every file announced in a files record.
    pub fn files(&self) -> Vec<String> {
        self.records
            .iter()
            .filter_map(|r| match &r.record_type {
                Some(RecordType::Files(f)) => Some(f.files.iter().map(|i| i.path.clone())),
                _ => None,
            })
            .flatten()
            .collect()
    }
}
