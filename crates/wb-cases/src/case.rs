//! Case files (docs/conformance.md "The case format"): loading, checking, and staging each case in a folder of
//! its own with its fixture files, so both sides read the same files by the same relative paths.

use base64::Engine as _;
use std::path::{Component, Path, PathBuf};
use wb_core::json::{self, Map, Value};

/// Where a case logs its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `run.log(log, step=step)`.
    Run,
    /// `artifact.add(value, name)` for each entry.
    Artifact,
}

/// A parsed case file.
#[derive(Debug, Clone)]
pub struct Case {
    /// File name without `.json`.
    pub name: String,
    /// The `about` line.
    pub about: String,
    /// The case file as given.
    pub path: PathBuf,
    /// Run or artifact.
    pub target: Target,
    /// The step used in media file names.
    pub step: i64,
    /// `log` (run) or `add` (artifact) entries, in order.
    pub entries: Vec<(String, Value)>,
    /// `expect: "error"`.
    pub expect_error: bool,
    /// Inline fixture files: relative path and bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// Names compared by pattern (`patterns`): each holds one placeholder, `{id}` (digits, a
    /// Python object id) or `{random}` (`[a-z0-9]`, a random id).
    pub patterns: Vec<NamePattern>,
}

/// A name whose middle is an id that differs between runs: `t1_{id}.table.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern {
    /// The pattern as written (what every match is compared as).
    pub text: String,
    /// Before the placeholder (not empty).
    pub prefix: String,
    /// After the placeholder.
    pub suffix: String,
    /// `{random}` (letters and digits) rather than `{id}` (digits).
    pub alphanumeric: bool,
}

impl NamePattern {
    /// Parses `prefix{id}suffix` or `prefix{random}suffix`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (ph, alphanumeric) = if text.contains("{id}") {
            ("{id}", false)
        } else if text.contains("{random}") {
            ("{random}", true)
        } else {
            return Err(format!(
                "pattern {text:?} needs a {{id}} or {{random}} placeholder"
            ));
        };
        let (prefix, suffix) = text.split_once(ph).unwrap_or((text, ""));
        if prefix.is_empty() || suffix.contains("{id}") || suffix.contains("{random}") {
            return Err(format!(
                "pattern {text:?} must start with literal text and hold one placeholder"
            ));
        }
        Ok(NamePattern {
            text: text.to_owned(),
            prefix: prefix.to_owned(),
            suffix: suffix.to_owned(),
            alphanumeric,
        })
    }

    /// `s` with every match of the pattern replaced by the pattern's text.
    pub fn canonicalize(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find(&self.prefix) {
            let after = &rest[i + self.prefix.len()..];
            let n = after
                .find(|c: char| {
                    !(c.is_ascii_digit() || (self.alphanumeric && c.is_ascii_lowercase()))
                })
                .unwrap_or(after.len());
            if n > 0 && after[n..].starts_with(&self.suffix) {
                out.push_str(&rest[..i]);
                out.push_str(&self.text);
                rest = &after[n + self.suffix.len()..];
            } else {
                out.push_str(&rest[..i + self.prefix.len()]);
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }
}

const FIELDS: &[&str] = &[
    "about", "target", "step", "log", "add", "expect", "files", "patterns",
];

/// Reads and checks a case file.
pub fn load(path: &Path) -> Result<Case, String> {
    let name = case_name(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let v = json::parse(&text).map_err(|e| format!("not valid JSON: {e}"))?;
    let m = v.as_object().ok_or("a case file must hold a JSON object")?;
    if let Some(k) = m.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "unknown field {k:?} (known: {})",
            FIELDS.join(", ")
        ));
    }
    let about = match m.get("about") {
        None => String::new(),
        Some(Value::Str(s)) => s.clone(),
        Some(_) => return Err("`about` must be a string".into()),
    };
    let target = match m.get("target").map(Value::as_str) {
        None | Some(Some("run")) => Target::Run,
        Some(Some("artifact")) => Target::Artifact,
        Some(_) => return Err("`target` must be \"run\" or \"artifact\"".into()),
    };
    let step = match m.get("step") {
        None => 0,
        Some(Value::Int(n)) if *n >= 0 => {
            i64::try_from(*n).map_err(|_| "`step` does not fit in 64 bits".to_owned())?
        }
        Some(_) => return Err("`step` must be a non-negative integer".into()),
    };
    let (field, other) = match target {
        Target::Run => ("log", "add"),
        Target::Artifact => ("add", "log"),
    };
    if m.contains_key(other) {
        return Err(format!("a {target:?} case takes `{field}`, not `{other}`"));
    }
    let entries = match m.get(field) {
        Some(Value::Object(o)) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => return Err(format!("a {target:?} case needs a `{field}` object")),
    };
    let expect_error = match m.get("expect").map(Value::as_str) {
        None | Some(Some("ok")) => false,
        Some(Some("error")) => true,
        Some(_) => return Err("`expect` must be \"ok\" or \"error\"".into()),
    };
    let files = match m.get("files") {
        None => Vec::new(),
        Some(Value::Object(o)) => inline_files(o)?,
        Some(_) => return Err("`files` must be an object of relative path -> base64".into()),
    };
    let patterns = match m.get("patterns") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|p| {
                p.as_str()
                    .ok_or_else(|| "`patterns` must hold strings".to_owned())
                    .and_then(NamePattern::parse)
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("`patterns` must be a list of name patterns".into()),
    };
    Ok(Case {
        name,
        about,
        path: path.to_path_buf(),
        target,
        step,
        entries,
        expect_error,
        files,
        patterns,
    })
}

/// The case's name: its file name without `.json`.
pub fn case_name(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.strip_suffix(".json").unwrap_or(&file).to_owned()
}

fn inline_files(o: &Map) -> Result<Vec<(String, Vec<u8>)>, String> {
    o.iter()
        .map(|(rel, b64)| {
            if !is_inside(Path::new(rel)) {
                return Err(format!(
                    "fixture path {rel:?} must be relative and stay beside the case"
                ));
            }
            let text = b64
                .as_str()
                .ok_or_else(|| format!("fixture {rel:?} must be a base64 string"))?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| format!("fixture {rel:?} is not valid base64: {e}"))?;
            Ok((rel.clone(), bytes))
        })
        .collect()
}

/// A relative path with no `..`, root or prefix: it stays inside the folder it is joined to.
pub fn is_inside(p: &Path) -> bool {
    !p.as_os_str().is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Every case file (`*.json`) directly in `dir`, sorted by name.
pub fn list_cases(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the case folder {}: {e}", dir.display()))?;
    let mut out: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    out.sort();
    Ok(out)
}

/// Copies the case into `stage` (emptied first): the case file as `<name>.json`, its inline
/// `files`, and every `$file`/`$npy` it names that lies beside it. A path that leaves the
/// case's folder is rewritten to the absolute path of the original, so the staged case reads
/// the same file. Returns the staged case file.
pub fn stage(case: &Case, stage: &Path) -> Result<PathBuf, String> {
    let io = |what: &str, p: &Path, e: std::io::Error| format!("{what} {}: {e}", p.display());
    if stage.exists() {
        std::fs::remove_dir_all(stage).map_err(|e| io("cannot clear", stage, e))?;
    }
    std::fs::create_dir_all(stage).map_err(|e| io("cannot create", stage, e))?;
    let src_dir = case.path.parent().unwrap_or(Path::new("."));
    let text = std::fs::read_to_string(&case.path).map_err(|e| io("cannot read", &case.path, e))?;
    let mut v = json::parse(&text).map_err(|e| e.to_string())?;
    let inline: Vec<&str> = case.files.iter().map(|(p, _)| p.as_str()).collect();
    let mut err = None;
    visit_paths(&mut v, &mut |rel: &mut String| {
        let p = Path::new(rel.as_str());
        if inline.contains(&rel.as_str()) || p.is_absolute() {
            return;
        }
        let orig = src_dir.join(p);
        if is_inside(p) {
            if orig.is_file() {
                let dest = stage.join(p);
                let r = dest
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::copy(&orig, &dest).map(drop));
                if let Err(e) = r {
                    err = Some(io("cannot copy fixture", &orig, e));
                }
            }
        } else if let Ok(abs) = std::path::absolute(&orig) {
            *rel = abs.to_string_lossy().into_owned();
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    for (rel, bytes) in &case.files {
        let dest = stage.join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io("cannot create", parent, e))?;
        }
        std::fs::write(&dest, bytes).map_err(|e| io("cannot write fixture", &dest, e))?;
    }
    let staged = stage.join(format!("{}.json", case.name));
    std::fs::write(&staged, json::to_string(&v, json::Dialect::Compact))
        .map_err(|e| io("cannot write", &staged, e))?;
    Ok(staged)
}

/// Calls `f` on the path string of every `{"$file": ...}` and `{"$npy": ...}` in `v`.
fn visit_paths(v: &mut Value, f: &mut dyn FnMut(&mut String)) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(|i| visit_paths(i, f)),
        Value::Object(m) => {
            let special = m.len() == 1 && (m.contains_key("$file") || m.contains_key("$npy"));
            for (_, x) in m.iter_mut() {
                match x {
                    Value::Str(s) if special => f(s),
                    x => visit_paths(x, f),
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn loads_defaults_and_rejects_unknown_fields() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "core_a.json", r#"{"log": {"x": 1}}"#);
        let c = load(&p).unwrap();
        assert_eq!(c.name, "core_a");
        assert_eq!((c.target, c.step, c.expect_error), (Target::Run, 0, false));
        let p = write(d.path(), "b.json", r#"{"log": {}, "stepp": 1}"#);
        assert!(load(&p).unwrap_err().contains("unknown field \"stepp\""));
        let p = write(d.path(), "c.json", r#"{"target": "artifact", "log": {}}"#);
        assert!(load(&p).unwrap_err().contains("not `log`"));
        let p = write(d.path(), "e.json", r#"{"log": {}, "step": -1}"#);
        assert!(load(&p).is_err());
    }

    #[test]
    fn name_patterns_match_ids() {
        let p = NamePattern::parse("t1_{id}.table.json").unwrap();
        assert_eq!(
            p.canonicalize(r#"{"table1": "t1_140632805980112.table.json", "x": "t1_.table.json"}"#),
            r#"{"table1": "t1_{id}.table.json", "x": "t1_.table.json"}"#
        );
        let r = NamePattern::parse("run-{random}-x").unwrap();
        assert_eq!(r.canonicalize("a run-ab12-x b"), "a run-{random}-x b");
        assert!(NamePattern::parse("no placeholder").is_err());
        assert!(NamePattern::parse("{id}.json").is_err());
    }

    #[test]
    fn stages_inline_and_beside_files() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("fx")).unwrap();
        std::fs::write(d.path().join("fx/page.html"), "<p>x</p>").unwrap();
        let p = write(
            d.path(),
            "c.json",
            r#"{"log": {"a": {"$file": "fx/page.html"}, "b": {"$file": "in.txt"}},
                "files": {"in.txt": "aGk="}}"#,
        );
        let c = load(&p).unwrap();
        let st = d.path().join("stage");
        let staged = stage(&c, &st).unwrap();
        assert_eq!(staged, st.join("c.json"));
        assert_eq!(
            std::fs::read_to_string(st.join("fx/page.html")).unwrap(),
            "<p>x</p>"
        );
        assert_eq!(std::fs::read_to_string(st.join("in.txt")).unwrap(), "hi");
        let bad = write(d.path(), "d.json", r#"{"log": {}, "files": {"../x": ""}}"#);
        assert!(load(&bad).unwrap_err().contains("stay beside"));
    }
}
