//! The comparator: docs/conformance.md "What is compared", every rule and allowance, for one case.
//!
//! JSON values are compared key by key (rule 1). A string that names a file one side wrote is
//! a file reference: the two files are compared by their kind (rule 2, [`files`]); when their
//! bytes differ in a way the rules accept, the JSON around them may differ in `sha256`, `size`
//! and the 20-hex id of the path, provided our `sha256` and `size` are those of our own file and
//! our path is the SDK's path with our file's id in place of the SDK's. Every file either side
//! wrote must be paired with one of the other side's this way.

pub mod files;
mod zip;

use super::case::{Case, NamePattern, Target};
use super::rust_side::RustRun;
use files::Verdict;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use wb_types::core::internal::hash::{md5_hex, sha256_hex};
use wb_types::core::json::{self, Dialect, Map, Value};
use wb_types::core::{ArtifactSource, DirArtifact};

/// Files the runner itself writes in a case's output folder; never media.
pub const RESERVED: &[&str] = &[
    "result.json",
    "crossread.json",
    "traceback.txt",
    super::GOLDEN_CASE_HASH,
];

/// Relative tolerance for floats (rule 1: floats computed by arithmetic).
pub const FLOAT_REL_TOL: f64 = 1e-12;

const CLIENT_URL: &str = "wandb-client-artifact://";

/// How two strings matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StrMatch {
    /// Equal (for file references: the same name and the same bytes).
    Equal,
    /// File references whose files differ in an accepted way; the names follow the rule.
    FilesEquivalent,
}

/// Compares the outputs of one case: the Python side in `py`, ours in `rs`.
pub struct Comparator {
    py: PathBuf,
    rs: PathBuf,
    /// SHA-256 of each fixture file of the case: a file with those bytes was copied from a path.
    fixtures: HashSet<String>,
    verdicts: RefCell<HashMap<(String, String), Verdict>>,
    paired_py: RefCell<HashSet<String>>,
    paired_rs: RefCell<HashSet<String>>,
}

impl Comparator {
    /// A comparator for the output folders `py` and `rs`; `fixtures` are the hashes of the
    /// case's fixture files (see [`fixture_hashes`]).
    pub fn new(py: &Path, rs: &Path, fixtures: HashSet<String>) -> Self {
        Comparator {
            py: py.to_path_buf(),
            rs: rs.to_path_buf(),
            fixtures,
            verdicts: RefCell::default(),
            paired_py: RefCell::default(),
            paired_rs: RefCell::default(),
        }
    }

    /// Rule 1 for a run case: the same history keys with the same values.
    pub fn run_results(&self, p: &Map, r: &Map) -> Result<(), String> {
        self.object(p, r, "")
    }

    /// Rule 1 for an artifact case: the same `.json` entries with the same content. An entry
    /// name that holds a file id (a sidecar added under its hash) may differ by that id, as
    /// any file reference may.
    pub fn artifact_results(&self, p: &Map, r: &Map) -> Result<(), String> {
        let mut unmatched: Vec<&String> = r.keys().filter(|k| !p.contains_key(*k)).collect();
        for (k, pv) in p {
            let rk = if r.contains_key(k) {
                self.string(k, k, k)?;
                k
            } else {
                let found = unmatched
                    .iter()
                    .position(|rk| self.string(k, rk, k).is_ok());
                match found {
                    Some(i) => unmatched.remove(i),
                    None => return Err(format!("entry {k}: python wrote it, rust did not")),
                }
            };
            self.values(pv, &r[rk], k)?;
        }
        match unmatched.first() {
            Some(rk) => Err(format!("entry {rk}: rust wrote it, python did not")),
            None => Ok(()),
        }
    }

    /// Rule 1 for two values at JSON path `at`.
    pub fn values(&self, p: &Value, r: &Value, at: &str) -> Result<(), String> {
        let differ = || {
            Err(format!(
                "{}: python {}, rust {}",
                at_or_root(at),
                show(p),
                show(r)
            ))
        };
        match (p, r) {
            (Value::Object(a), Value::Object(b)) => self.object(a, b, at),
            (Value::Array(a), Value::Array(b)) => {
                if a.len() != b.len() {
                    return Err(format!(
                        "{}: python has {} items, rust {}",
                        at_or_root(at),
                        a.len(),
                        b.len()
                    ));
                }
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.values(x, y, &format!("{at}[{i}]"))?;
                }
                Ok(())
            }
            (Value::Str(a), Value::Str(b)) => self.string(a, b, at).map(drop),
            (Value::Float(a), Value::Float(b)) if floats_agree(*a, *b) => Ok(()),
            (Value::Int(a), Value::Int(b)) if a == b => Ok(()),
            (Value::Bool(a), Value::Bool(b)) if a == b => Ok(()),
            (Value::Null, Value::Null) => Ok(()),
            _ => differ(),
        }
    }

    fn object(&self, p: &Map, r: &Map, at: &str) -> Result<(), String> {
        let sub = |k: &str| {
            if at.is_empty() {
                k.to_owned()
            } else {
                format!("{at}.{k}")
            }
        };
        if let Some(k) = p.keys().find(|k| !r.contains_key(*k)) {
            return Err(format!("{}: python has it, rust does not", sub(k)));
        }
        if let Some(k) = r.keys().find(|k| !p.contains_key(*k)) {
            return Err(format!("{}: rust has it, python does not", sub(k)));
        }
        // The file first: whether its bytes may differ decides how sha256 and size compare.
        let mut file_differs = None;
        if let (Some(Value::Str(a)), Some(Value::Str(b))) = (p.get("path"), r.get("path"))
            && self.string(a, b, &sub("path"))? == StrMatch::FilesEquivalent
        {
            file_differs = Some(b.clone());
        }
        for (k, pv) in p {
            let rv = &r[k];
            match (k.as_str(), &file_differs) {
                ("path", _) if pv.as_str().is_some() && rv.as_str().is_some() => {}
                ("sha256" | "size", Some(ours)) => self.own_file_field(k, rv, ours, &sub(k))?,
                _ => self.values(pv, rv, &sub(k))?,
            }
        }
        Ok(())
    }

    /// Our `sha256` or `size` next to a file whose bytes may differ: it must be our own file's.
    fn own_file_field(&self, k: &str, rv: &Value, ours: &str, at: &str) -> Result<(), String> {
        let bytes = std::fs::read(self.rs.join(ours)).map_err(|e| format!("{at}: {e}"))?;
        let expected: Value = if k == "sha256" {
            sha256_hex(&bytes).into()
        } else {
            (bytes.len() as u64).into()
        };
        if *rv == expected {
            Ok(())
        } else {
            Err(format!(
                "{at}: rust says {}, but its own file {ours} has {}",
                show(rv),
                show(&expected)
            ))
        }
    }

    fn string(&self, a: &str, b: &str, at: &str) -> Result<StrMatch, String> {
        let at = at_or_root(at);
        let pf = side_file(&self.py, a);
        let rf = side_file(&self.rs, b);
        match (pf, rf) {
            (None, None) => {
                if a == b || client_url_masked(a).is_some_and(|m| client_url_masked(b) == Some(m)) {
                    Ok(StrMatch::Equal)
                } else {
                    Err(format!("{at}: python {a:?}, rust {b:?}"))
                }
            }
            (Some(_), None) => Err(format!(
                "{at}: python names its file {a:?}; rust names {b:?}, which it did not write"
            )),
            (None, Some(_)) => Err(format!(
                "{at}: rust names its file {b:?}; python names {a:?}, which it did not write"
            )),
            (Some(pf), Some(rf)) => {
                let m = match self.file_verdict(a, b, &pf, &rf) {
                    Verdict::Identical if a == b => StrMatch::Equal,
                    Verdict::Identical => {
                        return Err(format!(
                            "{at}: the same bytes under different names: python {a:?}, rust {b:?}"
                        ));
                    }
                    Verdict::Equivalent => {
                        naming_rule(a, b, &pf, &rf).map_err(|e| format!("{at}: {e}"))?;
                        StrMatch::FilesEquivalent
                    }
                    Verdict::Different(e) => return Err(format!("{b}: {e}")),
                };
                self.paired_py.borrow_mut().insert(a.to_owned());
                self.paired_rs.borrow_mut().insert(b.to_owned());
                Ok(m)
            }
        }
    }

    fn file_verdict(&self, a: &str, b: &str, pf: &Path, rf: &Path) -> Verdict {
        let key = (a.to_owned(), b.to_owned());
        if let Some(v) = self.verdicts.borrow().get(&key) {
            return v.clone();
        }
        // A file that (indirectly) names itself: assume equal while it is being compared.
        self.verdicts
            .borrow_mut()
            .insert(key.clone(), Verdict::Identical);
        let v = match (std::fs::read(pf), std::fs::read(rf)) {
            (Ok(p), Ok(r)) => {
                let copied = self.fixtures.contains(&sha256_hex(&p));
                // Differences inside the file are reported as `<file>: <path in the file>`.
                let rules = |x: &Value, y: &Value| self.values(x, y, "");
                files::compare(a, &p, &r, copied, &rules)
            }
            (Err(e), _) | (_, Err(e)) => Verdict::Different(format!("cannot read: {e}")),
        };
        self.verdicts.borrow_mut().insert(key, v.clone());
        v
    }

    /// Every file either side wrote must have been paired with one of the other side's.
    pub fn all_files_paired(&self) -> Result<(), String> {
        for (side, dir, paired) in [
            ("python", &self.py, &self.paired_py),
            ("rust", &self.rs, &self.paired_rs),
        ] {
            let paired = paired.borrow();
            if let Some(f) = list_files(dir).into_iter().find(|f| !paired.contains(f)) {
                return Err(format!(
                    "{side} wrote {f}, which nothing in the other side's output pairs with"
                ));
            }
        }
        Ok(())
    }
}

/// `a.b`, or `(top level)`, for messages.
fn at_or_root(at: &str) -> &str {
    if at.is_empty() { "(top level)" } else { at }
}

/// A short form of a value for messages.
fn show(v: &Value) -> String {
    let s = match v {
        Value::Int(_) => format!("{} (int)", json::to_string(v, Dialect::Python)),
        Value::Float(_) => format!("{} (float)", json::to_string(v, Dialect::Python)),
        v => json::to_string(v, Dialect::Compact),
    };
    if s.chars().count() > 100 {
        format!("{}…", s.chars().take(100).collect::<String>())
    } else {
        s
    }
}

/// Floats agree to 1e-12 relative (NaN agrees with NaN, infinities with the same sign).
pub fn floats_agree(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a == b {
        return true;
    }
    if a.is_infinite() || b.is_infinite() {
        return false;
    }
    (a - b).abs() <= FLOAT_REL_TOL * a.abs().max(b.abs())
}

/// `wandb-client-artifact://<128-char id>[:latest]/entry` with the id masked, or `None` for
/// any other string.
fn client_url_masked(s: &str) -> Option<String> {
    let rest = s.strip_prefix(CLIENT_URL)?;
    let n = rest.find([':', '/']).unwrap_or(rest.len());
    let id = &rest[..n];
    let ok = id.len() == 128
        && id
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    ok.then(|| format!("{CLIENT_URL}<client id>{}", &rest[n..]))
}

/// The file `s` names in `dir`, if `s` is a relative path to a file there (not one of the
/// runner's own files).
fn side_file(dir: &Path, s: &str) -> Option<PathBuf> {
    if s.is_empty() || RESERVED.contains(&s) || !super::case::is_inside(Path::new(s)) {
        return None;
    }
    let p = dir.join(s);
    p.is_file().then_some(p)
}

/// The naming rule: where the SDK's name holds its file's id (`sha256[:20]` in run paths and
/// copied-file entries, `md5[:20]` in generated artifact entries), ours holds our file's id of
/// the same kind, and the rest of the name is the same.
fn naming_rule(a: &str, b: &str, pf: &Path, rf: &Path) -> Result<(), String> {
    let (p, r) = match (std::fs::read(pf), std::fs::read(rf)) {
        (Ok(p), Ok(r)) => (p, r),
        (Err(e), _) | (_, Err(e)) => return Err(e.to_string()),
    };
    let ids = |bytes: &[u8]| {
        [
            sha256_hex(bytes)[..20].to_owned(),
            md5_hex(bytes)[..20].to_owned(),
        ]
    };
    let (pid, rid) = (ids(&p), ids(&r));
    for (pi, ri) in pid.iter().zip(&rid) {
        if let Some(i) = a.rfind(pi.as_str()) {
            let expected = format!("{}{}{}", &a[..i], ri, &a[i + pi.len()..]);
            return if b == expected {
                Ok(())
            } else {
                Err(format!(
                    "rust's name {b:?} does not follow the naming rule: with its own file it should be {expected:?}"
                ))
            };
        }
    }
    if a == b {
        Ok(())
    } else {
        Err(format!("file names differ: python {a:?}, rust {b:?}"))
    }
}

/// Replaces, in one side's outputs, every name matching one of the case's `patterns` (file
/// names, and the text of `result.json` and every JSON file) by the pattern itself, so names
/// holding ids that differ between runs (`t1_140632805980112.table.json`) compare by pattern.
fn canonicalize_names(dir: &Path, patterns: &[NamePattern]) -> Result<(), String> {
    if patterns.is_empty() {
        return Ok(());
    }
    let canon = |s: &str| {
        patterns
            .iter()
            .fold(s.to_owned(), |s, p| p.canonicalize(&s))
    };
    let mut files = list_files(dir);
    files.push("result.json".into());
    for rel in files {
        let path = dir.join(&rel);
        if rel.ends_with(".json")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            let new = canon(&text);
            if new != text {
                std::fs::write(&path, new).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        let renamed = canon(&rel);
        if renamed != rel {
            let dest = dir.join(&renamed);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::rename(&path, &dest).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Every file under `dir` as a `/`-separated relative path, sorted; the runner's own files
/// at the top are left out.
pub fn list_files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(d) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if let Ok(rel) = p.strip_prefix(base) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.retain(|f| !RESERVED.contains(&f.as_str()));
    out.sort();
    out
}

/// SHA-256 of every fixture file in a staged case folder (every file but the case itself).
pub fn fixture_hashes(stage_dir: &Path, case_file_name: &str) -> HashSet<String> {
    list_files(stage_dir)
        .into_iter()
        .filter(|f| f != case_file_name)
        .filter_map(|f| std::fs::read(stage_dir.join(f)).ok())
        .map(|b| sha256_hex(&b))
        .collect()
}

/// A side's `result.json`.
#[derive(Debug, Clone)]
pub struct SideResult {
    /// `status == "ok"`: the result object.
    pub result: Option<Map>,
    /// The error message when `status == "error"`.
    pub error: Option<String>,
    /// Marks that the case itself could not be run (invalid case, unmapped, panic).
    pub flags: Vec<&'static str>,
}

/// Reads `dir/result.json`.
pub fn read_result(dir: &Path) -> Result<SideResult, String> {
    let p = dir.join("result.json");
    let text = std::fs::read_to_string(&p).map_err(|e| format!("no {}: {e}", p.display()))?;
    let v = json::parse(&text).map_err(|e| format!("{} is not valid JSON: {e}", p.display()))?;
    let flags = ["invalid_case", "unmapped", "panic"]
        .into_iter()
        .filter(|f| v.get(f).is_some_and(Value::is_truthy))
        .collect();
    match v.get("status").and_then(Value::as_str) {
        Some("ok") => match v.get("result") {
            Some(Value::Object(m)) => Ok(SideResult {
                result: Some(m.clone()),
                error: None,
                flags,
            }),
            _ => Err(format!(
                "{}: status ok without a result object",
                p.display()
            )),
        },
        Some("error") => Ok(SideResult {
            result: None,
            error: Some(
                v.get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("(no message)")
                    .to_owned(),
            ),
            flags,
        }),
        _ => Err(format!(
            "{}: status must be \"ok\" or \"error\"",
            p.display()
        )),
    }
}

/// Whether the Python side's cross-read of our entries is checked (live runs) or not (golden
/// copies, whose cross-read was of another build's entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonCrossRead {
    /// `crossread.json` must be there and say every entry read back equal.
    Check,
    /// Not checked.
    Skip,
}

/// Compares one case: `Ok(note)` when it passes (the note says something worth knowing, such
/// as error messages in other words), `Err(first difference)` when it fails.
pub fn compare_case(
    case: &Case,
    py_dir: &Path,
    rs_dir: &Path,
    stage_dir: &Path,
    rust: &RustRun,
    crossread: PythonCrossRead,
) -> Result<Option<String>, String> {
    for dir in [py_dir, rs_dir] {
        canonicalize_names(dir, &case.patterns)?;
    }
    let py = read_result(py_dir).map_err(|e| format!("python side: {e}"))?;
    let rs = read_result(rs_dir).map_err(|e| format!("rust side: {e}"))?;
    if py.flags.contains(&"invalid_case") {
        return Err(format!("python side: {}", py.error.unwrap_or_default()));
    }
    if rs.flags.contains(&"panic") {
        return Err(format!("rust {}", rs.error.unwrap_or_default()));
    }
    if rs.flags.contains(&"unmapped") {
        return Err(rs.error.unwrap_or_default());
    }
    if case.expect_error {
        return match (&py.error, &rs.error) {
            (Some(pe), Some(re)) => Ok(message_note(pe, re)),
            (None, _) => Err("the case expects an error, but the SDK logged it without one".into()),
            (Some(pe), None) => Err(format!("rust accepted it; the SDK raises {pe}")),
        };
    }
    let (p, r) = match (py.result, rs.result) {
        (Some(p), Some(r)) => (p, r),
        (None, _) => {
            return Err(format!(
                "the SDK raised {} (the case expects success)",
                py.error.unwrap_or_default()
            ));
        }
        (_, None) => return Err(format!("rust failed: {}", rs.error.unwrap_or_default())),
    };
    let fixtures = fixture_hashes(stage_dir, &format!("{}.json", case.name));
    let cmp = Comparator::new(py_dir, rs_dir, fixtures);
    match case.target {
        Target::Run => cmp.run_results(&p, &r)?,
        Target::Artifact => cmp.artifact_results(&p, &r)?,
    }
    cmp.all_files_paired()?;
    if case.target == Target::Artifact {
        rust_reads_python(rust, py_dir)?;
        if crossread == PythonCrossRead::Check {
            python_read_rust(py_dir)?;
        }
    }
    Ok(None)
}

/// Rule 3's "should": a note when our message does not contain the SDK's (less its
/// exception class).
fn message_note(python: &str, rust: &str) -> Option<String> {
    let words = python.split_once(": ").map_or(python, |(_, m)| m);
    let short = |m: &str| {
        if m.chars().count() > 90 {
            format!("{}…", m.chars().take(90).collect::<String>())
        } else {
            m.to_owned()
        }
    };
    (!rust.contains(words)).then(|| {
        format!(
            "messages differ: python {:?}, rust {:?}",
            short(python),
            short(rust)
        )
    })
}

/// Rule 4, our half: each entry the SDK wrote reads back (`from_json`) into a value equal to
/// the one we added.
pub fn rust_reads_python(rust: &RustRun, py_dir: &Path) -> Result<(), String> {
    let registry = wb_types::registry();
    let source = DirArtifact::new(py_dir);
    for (entry, ours) in &rust.added {
        let bytes = source
            .read_entry(entry)
            .map_err(|e| format!("cross-read: {e}"))?;
        let text = String::from_utf8_lossy(&bytes);
        let v = json::parse(&text).map_err(|e| format!("cross-read: python's {entry}: {e}"))?;
        match registry.decode(&v, &source) {
            Ok(Some(theirs)) if theirs.wb_eq(ours.as_ref()) => {}
            Ok(Some(theirs)) => {
                return Err(format!(
                    "cross-read: rust reads python's {entry} into a {} not equal to ours",
                    theirs.class_name()
                ));
            }
            Ok(None) => {
                return Err(format!(
                    "cross-read: rust has no reader for python's {entry} (_type {:?})",
                    v.type_tag().unwrap_or("none")
                ));
            }
            Err(e) => {
                return Err(format!(
                    "cross-read: rust cannot read python's {entry}: {e}"
                ));
            }
        }
    }
    Ok(())
}

/// Rule 4, the SDK's half, from `crossread.json` written by the reference script.
fn python_read_rust(py_dir: &Path) -> Result<(), String> {
    let p = py_dir.join("crossread.json");
    let text = std::fs::read_to_string(&p).map_err(|_| {
        "cross-read: the SDK did not read our entries back (no crossread.json)".to_owned()
    })?;
    let v = json::parse(&text).map_err(|e| format!("cross-read: {}: {e}", p.display()))?;
    for (entry, r) in v.as_object().into_iter().flatten() {
        if !r.get("ok").is_some_and(Value::is_truthy) {
            let why = r
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("not equal");
            return Err(format!("cross-read: the SDK reads our {entry}: {why}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
