//! What the backend recorded: every request, and per run and per artifact what the server would
//! now hold.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::Error;

/// One request as the backend received it, and the status it answered.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) gzipped: bool,
    pub(crate) operation: Option<String>,
    pub(crate) variables: Option<Value>,
    pub(crate) status: u16,
    pub(crate) injected: bool,
}

impl RecordedRequest {
    /// The HTTP method (`POST`, `PUT`, ...).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path, percent-decoded, without the query string.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The raw query string, if the target had one.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// Every header, in the order received.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body, de-chunked and decompressed (empty when the backend was started
    /// [without request bodies](crate::BackendBuilder::with_request_bodies)).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Whether the body arrived gzip-compressed.
    pub fn is_gzipped(&self) -> bool {
        self.gzipped
    }

    /// The GraphQL operation name, for `POST /graphql`.
    pub fn operation(&self) -> Option<&str> {
        self.operation.as_deref()
    }

    /// The GraphQL variables, for `POST /graphql`.
    pub fn variables(&self) -> Option<&Value> {
        self.variables.as_ref()
    }

    /// The status the backend answered; 0 when an injected disconnect closed the connection
    /// without an answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the answer was an injected fault (or a rejected key) rather than served.
    pub fn is_injected(&self) -> bool {
        self.injected
    }

    /// The API key of HTTP Basic auth (`api:<key>`), if the request carried one.
    pub fn api_key(&self) -> Option<String> {
        basic_auth_key(self.header("authorization")?)
    }
}

/// The password of an HTTP Basic `Authorization` value.
pub(crate) fn basic_auth_key(value: &str) -> Option<String> {
    use base64::Engine as _;
    let (scheme, b64) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (_, key) = text.split_once(':')?;
    Some(key.to_string())
}

/// Lines of a file-stream file (`wandb-history.jsonl`, `output.log`, ...) placed by offset.
#[derive(Debug, Clone, Default)]
pub(crate) struct OffsetLines {
    lines: Vec<Option<String>>,
}

impl OffsetLines {
    /// Puts `content` at line `offset`, replacing what was there (a resend or a console update).
    pub(crate) fn put(&mut self, offset: usize, content: &[String]) {
        let end = offset + content.len();
        if self.lines.len() < end {
            self.lines.resize(end, None);
        }
        for (slot, line) in self.lines[offset..end].iter_mut().zip(content) {
            *slot = Some(line.clone());
        }
    }

    fn present(&self) -> Vec<String> {
        self.lines.iter().flatten().cloned().collect()
    }

    fn missing(&self) -> Vec<usize> {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.is_none())
            .map(|(i, _)| i)
            .collect()
    }
}

/// Whether a run finished, as the last file-stream request said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// No file-stream request has said `complete` yet.
    Running,
    /// A file-stream request said `complete: true` with this `exitcode`.
    Complete {
        /// The run's exit code.
        exit_code: i32,
    },
}

/// A run as the backend holds it: what `UpsertBucket` set and what `file_stream` and uploads
/// brought.
#[derive(Debug, Clone, Default)]
pub struct RunRecord {
    pub(crate) id: String,
    pub(crate) entity: String,
    pub(crate) project: String,
    pub(crate) name: String,
    pub(crate) display_name: Option<String>,
    pub(crate) config: Option<Value>,
    pub(crate) summary_metrics: Option<Value>,
    pub(crate) tags: Option<Vec<String>>,
    pub(crate) notes: Option<String>,
    pub(crate) group: Option<String>,
    pub(crate) job_type: Option<String>,
    pub(crate) host: Option<String>,
    pub(crate) program: Option<String>,
    pub(crate) upserts: Vec<Value>,
    pub(crate) history: OffsetLines,
    pub(crate) events: OffsetLines,
    pub(crate) console: OffsetLines,
    pub(crate) summary: Option<String>,
    pub(crate) complete: Option<i32>,
    pub(crate) preempting: bool,
    pub(crate) uploaded: Vec<String>,
    pub(crate) requested_files: Vec<String>,
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    pub(crate) file_stream_requests: usize,
    pub(crate) used_artifacts: Vec<String>,
}

impl RunRecord {
    /// The run's storage id (the bucket id the backend gave it).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The entity the run belongs to.
    pub fn entity(&self) -> &str {
        &self.entity
    }

    /// The project the run belongs to.
    pub fn project(&self) -> &str {
        &self.project
    }

    /// The run's name, which the SDK calls its id (`run.id`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The display name, as last upserted.
    pub fn display_name(&self) -> Option<&str> {
        self.display_name.as_deref()
    }

    /// The config, as last upserted (the `config` JSON string, parsed; the SDK's
    /// `{"key": {"value": ..., "desc": ...}}` form).
    pub fn config(&self) -> Option<&Value> {
        self.config.as_ref()
    }

    /// The `value` of each config key (the form a user passed to `wandb.init(config=...)`),
    /// without `_wandb`.
    pub fn config_values(&self) -> BTreeMap<String, Value> {
        let Some(Value::Object(map)) = &self.config else {
            return BTreeMap::new();
        };
        map.iter()
            .filter(|(k, _)| k.as_str() != "_wandb")
            .map(|(k, v)| (k.clone(), v.get("value").cloned().unwrap_or(Value::Null)))
            .collect()
    }

    /// The `summaryMetrics` of the last upsert that had them (parsed).
    pub fn upserted_summary(&self) -> Option<&Value> {
        self.summary_metrics.as_ref()
    }

    /// The tags, as last upserted.
    pub fn tags(&self) -> Option<&[String]> {
        self.tags.as_deref()
    }

    /// The notes, as last upserted.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }

    /// The group name, as last upserted.
    pub fn group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    /// The job type, as last upserted.
    pub fn job_type(&self) -> Option<&str> {
        self.job_type.as_deref()
    }

    /// The host, as last upserted.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The program, as last upserted.
    pub fn program(&self) -> Option<&str> {
        self.program.as_deref()
    }

    /// The variables of every `UpsertBucket` for this run, in order.
    pub fn upserts(&self) -> &[Value] {
        &self.upserts
    }

    /// The history lines (`wandb-history.jsonl`) the backend holds, in offset order.
    pub fn history_lines(&self) -> Vec<String> {
        self.history.present()
    }

    /// History offsets below the highest one received that never arrived (empty when nothing
    /// was lost).
    pub fn missing_history_lines(&self) -> Vec<usize> {
        self.history.missing()
    }

    /// The history rows, parsed.
    ///
    /// # Errors
    /// [`Error::BadJson`] when a line is not JSON.
    pub fn history(&self) -> Result<Vec<Value>, Error> {
        self.history
            .present()
            .iter()
            .map(|l| parse_json("a history line", l))
            .collect()
    }

    /// The system-metrics lines (`wandb-events.jsonl`), in offset order.
    pub fn events_lines(&self) -> Vec<String> {
        self.events.present()
    }

    /// The console lines (`output.log`), in offset order, as last updated.
    pub fn console_lines(&self) -> Vec<String> {
        self.console.present()
    }

    /// The last `wandb-summary.json` line received, raw.
    pub fn summary_line(&self) -> Option<&str> {
        self.summary.as_deref()
    }

    /// The summary: the last `wandb-summary.json` line received, parsed.
    ///
    /// # Errors
    /// [`Error::BadJson`] when the line is not JSON.
    pub fn summary(&self) -> Result<Option<Value>, Error> {
        self.summary
            .as_deref()
            .map(|l| parse_json("the summary line", l))
            .transpose()
    }

    /// Whether a file-stream request marked the run complete, and with which exit code.
    pub fn completion(&self) -> Completion {
        match self.complete {
            Some(exit_code) => Completion::Complete { exit_code },
            None => Completion::Running,
        }
    }

    /// Whether a file-stream request said the run is being preempted.
    pub fn is_preempting(&self) -> bool {
        self.preempting
    }

    /// The file names that file-stream requests listed as `uploaded`.
    pub fn uploaded(&self) -> &[String] {
        &self.uploaded
    }

    /// The file names `CreateRunFiles` asked upload URLs for, in order (with repeats).
    pub fn requested_files(&self) -> &[String] {
        &self.requested_files
    }

    /// The run files uploaded to the backend: name (relative to the run's `files/`) to bytes.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// The bytes of one uploaded run file.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(Vec::as_slice)
    }

    /// How many `file_stream` requests the backend accepted for this run.
    pub fn file_stream_requests(&self) -> usize {
        self.file_stream_requests
    }

    /// The ids of the artifacts `UseArtifact` marked as used by this run.
    pub fn used_artifacts(&self) -> &[String] {
        &self.used_artifacts
    }
}

/// An artifact's state on the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactState {
    /// Created, not committed.
    Pending,
    /// `CommitArtifact` was called.
    Committed,
}

/// An artifact as the backend holds it.
#[derive(Debug, Clone)]
pub struct ArtifactRecord {
    pub(crate) id: String,
    pub(crate) entity: String,
    pub(crate) project: String,
    pub(crate) name: String,
    pub(crate) type_name: String,
    pub(crate) digest: String,
    pub(crate) run: Option<String>,
    pub(crate) aliases: Vec<String>,
    pub(crate) input: Value,
    pub(crate) state: ArtifactState,
    pub(crate) manifest_name: Option<String>,
    pub(crate) manifest_digest: Option<String>,
    pub(crate) manifest: Option<Vec<u8>>,
    pub(crate) file_specs: Vec<Value>,
    pub(crate) files: BTreeMap<String, Vec<u8>>,
}

impl ArtifactRecord {
    /// The id the backend gave the artifact.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The entity it was created in.
    pub fn entity(&self) -> &str {
        &self.entity
    }

    /// The project it was created in.
    pub fn project(&self) -> &str {
        &self.project
    }

    /// The collection name (`run-<id>-<key>` for a logged table).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The artifact type (`run_table`, `dataset`, ...).
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The digest `CreateArtifact` gave.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The run that created it, if `CreateArtifact` named one.
    pub fn run(&self) -> Option<&str> {
        self.run.as_deref()
    }

    /// The aliases `CreateArtifact` gave.
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }

    /// The full `input` of `CreateArtifact`.
    pub fn input(&self) -> &Value {
        &self.input
    }

    /// Pending or committed.
    pub fn state(&self) -> ArtifactState {
        self.state
    }

    /// The manifest file name (`wandb_manifest.json`) of the last `CreateArtifactManifest`.
    pub fn manifest_name(&self) -> Option<&str> {
        self.manifest_name.as_deref()
    }

    /// The manifest digest of the last `CreateArtifactManifest` that had one.
    pub fn manifest_digest(&self) -> Option<&str> {
        self.manifest_digest.as_deref()
    }

    /// The uploaded manifest, raw.
    pub fn manifest_bytes(&self) -> Option<&[u8]> {
        self.manifest.as_deref()
    }

    /// The uploaded manifest, parsed.
    ///
    /// # Errors
    /// [`Error::BadJson`] when the manifest is not JSON.
    pub fn manifest(&self) -> Result<Option<Value>, Error> {
        self.manifest
            .as_deref()
            .map(|b| parse_json("the artifact manifest", &String::from_utf8_lossy(b)))
            .transpose()
    }

    /// The file specs of every `CreateArtifactFiles` for this artifact (name, md5, ...).
    pub fn file_specs(&self) -> &[Value] {
        &self.file_specs
    }

    /// The uploaded files: name in the artifact to bytes.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// The bytes of one uploaded artifact file.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(Vec::as_slice)
    }
}

fn parse_json(what: &'static str, text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::BadJson {
        what,
        reason: e.to_string(),
        text: text.chars().take(200).collect(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn offset_lines_assemble_resends_and_gaps() {
        let mut l = OffsetLines::default();
        l.put(0, &s(&["a", "b"]));
        l.put(3, &s(&["d"]));
        assert_eq!(l.present(), s(&["a", "b", "d"]));
        assert_eq!(l.missing(), vec![2]);
        // A resend of the same offsets after a failed attempt changes nothing.
        l.put(0, &s(&["a", "b"]));
        l.put(2, &s(&["c", "d"]));
        assert_eq!(l.present(), s(&["a", "b", "c", "d"]));
        assert!(l.missing().is_empty());
        // Console updates replace earlier lines (a progress bar).
        l.put(3, &s(&["D"]));
        assert_eq!(l.present(), s(&["a", "b", "c", "D"]));
    }

    #[test]
    fn basic_auth_keys() {
        // "api:" + 40 x's.
        let key = "x".repeat(40);
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("api:{key}"));
        assert_eq!(basic_auth_key(&format!("Basic {b64}")), Some(key));
        assert_eq!(basic_auth_key("Bearer abc"), None);
        assert_eq!(basic_auth_key("Basic !!!"), None);
    }

    #[test]
    fn config_values_drop_wandb_and_unwrap_value() {
        let run = RunRecord {
            config: Some(serde_json::json!({
                "lr": {"value": 0.1, "desc": null},
                "_wandb": {"value": {"t": {}}}
            })),
            ..RunRecord::default()
        };
        let v = run.config_values();
        assert_eq!(v.len(), 1);
        assert_eq!(v["lr"], serde_json::json!(0.1));
    }

    #[test]
    fn bad_summary_is_an_error() {
        let run = RunRecord {
            summary: Some("{not json".into()),
            ..RunRecord::default()
        };
        let err = run.summary().unwrap_err();
        assert!(err.to_string().contains("summary"), "{err}");
    }
}
