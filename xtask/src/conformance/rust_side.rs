//! The project's side of a case: the same public calls a user makes, outputs written as
//! docs/conformance.md "Outputs" lays them out (`result.json` plus the files).

use super::args::{self, UNMAPPED};
use super::case::{Case, Target};
use super::families::{self, Ctx};
use indexmap::IndexMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, Mutex};
use wb_types::core::internal::value::history_row_to_json;
use wb_types::core::json::{self, Dialect, Map, Value};
use wb_types::{Artifact, DirRun, LogValue, WbValue};

/// What the Rust side keeps in memory after a case, for cross-reading.
#[derive(Default)]
pub struct RustRun {
    /// Artifact cases: each entry added (`with_suffix` name) and the value added under it.
    pub added: Vec<(String, Arc<dyn WbValue>)>,
}

/// How a case went on our side.
enum Outcome {
    Ok(Map, RustRun),
    /// Our library returned an error.
    Error(String),
    /// The case could not be mapped to our API (see [`args::UNMAPPED`]).
    Unmapped(String),
    /// Our code panicked: always a failure.
    Panic(String),
}

/// Runs `case` (staged at `staged`) with our API and writes `out/result.json` and the files.
pub fn run(case: &Case, staged: &Path, out: &Path) -> RustRun {
    let _ = std::fs::remove_dir_all(out);
    let case_dir = staged.parent().unwrap_or(Path::new("."));
    let outcome = match catch_panic(|| run_inner(case, case_dir, out)) {
        Ok(Ok((result, run))) => Outcome::Ok(result, run),
        Ok(Err(msg)) if msg.starts_with(UNMAPPED) => Outcome::Unmapped(msg),
        Ok(Err(msg)) => Outcome::Error(msg),
        Err(msg) => Outcome::Panic(msg),
    };
    let mut doc = Map::new();
    let mut run = RustRun::default();
    match outcome {
        Outcome::Ok(result, r) => {
            doc.insert("status".into(), "ok".into());
            doc.insert("result".into(), Value::Object(result));
            run = r;
        }
        Outcome::Error(msg) => {
            doc.insert("status".into(), "error".into());
            doc.insert("error".into(), msg.into());
        }
        Outcome::Unmapped(msg) => {
            doc.insert("status".into(), "error".into());
            doc.insert("error".into(), msg.into());
            doc.insert("unmapped".into(), true.into());
        }
        Outcome::Panic(msg) => {
            doc.insert("status".into(), "error".into());
            doc.insert("error".into(), format!("panicked: {msg}").into());
            doc.insert("panic".into(), true.into());
        }
    }
    let text = json::to_string(&Value::Object(doc), Dialect::Compact);
    if let Err(e) =
        std::fs::create_dir_all(out).and_then(|()| std::fs::write(out.join("result.json"), text))
    {
        eprintln!("conformance: cannot write {}: {e}", out.display());
    }
    run
}

fn run_inner(case: &Case, case_dir: &Path, out: &Path) -> Result<(Map, RustRun), String> {
    let ctx = Ctx { case_dir };
    let mut values = Vec::with_capacity(case.entries.len());
    for (k, v) in &case.entries {
        let arg = args::decode(v, case_dir).map_err(|e| {
            if e.starts_with(UNMAPPED) {
                e
            } else {
                args::unmapped(format!("{k}: {e}"))
            }
        })?;
        values.push((k.clone(), families::to_log_value(&arg, &ctx)?));
    }
    match case.target {
        Target::Run => {
            let run = DirRun::new(out);
            let row: IndexMap<String, LogValue> = values.into_iter().collect();
            let result = history_row_to_json(&run, &row, case.step).map_err(|e| e.to_string())?;
            Ok((result, RustRun::default()))
        }
        Target::Artifact => {
            let mut art = Artifact::new("conformance", "dataset");
            let mut added = Vec::new();
            for (name, v) in values {
                let LogValue::Media(m) = v else {
                    return Err(args::unmapped(format!(
                        "{name}: only a data type can be added to an artifact (Artifact::add takes a WbValue)"
                    )));
                };
                let entry = art.add(m.as_ref(), &name).map_err(|e| e.to_string())?;
                added.push((entry, m));
            }
            art.write_to_dir(out).map_err(|e| e.to_string())?;
            let mut result = Map::new();
            for name in art.entries.keys().filter(|n| n.ends_with(".json")) {
                let bytes = art.entry_bytes(name).map_err(|e| e.to_string())?;
                let text = std::str::from_utf8(&bytes)
                    .map_err(|_| format!("artifact entry {name} is not UTF-8"))?;
                let v = json::parse(text).map_err(|e| format!("artifact entry {name}: {e}"))?;
                result.insert(name.clone(), v);
            }
            Ok((result, RustRun { added }))
        }
    }
}

static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// Runs `f`, turning a panic into its message (with its location), without the default hook
/// printing it.
fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut m) = PANIC_MESSAGE.lock() {
            *m = Some(info.to_string());
        }
    }));
    let r = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    r.map_err(|_| {
        PANIC_MESSAGE
            .lock()
            .ok()
            .and_then(|mut m| m.take())
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_are_caught_with_their_message() {
        let r: Result<(), String> = catch_panic(|| panic!("boom {}", 7));
        assert!(r.unwrap_err().contains("boom 7"));
        assert_eq!(catch_panic(|| 5), Ok(5));
    }
}
