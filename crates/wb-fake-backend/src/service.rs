//! What the backend answers, and how each accepted request changes the recorded state.

use serde_json::{Value, json};

use crate::http::{Request, Response, percent_encode_path, percent_encode_segment};
use crate::record::{ArtifactRecord, ArtifactState, RunRecord};

/// Where run files are uploaded: `/upload/run/{entity}/{project}/{run}/{name}`.
const RUN_UPLOAD: &str = "/upload/run/";
/// Where artifact files are uploaded: `/upload/artifact/{artifact id}/{name}`.
const ARTIFACT_UPLOAD: &str = "/upload/artifact/";
/// Where artifact manifests are uploaded: `/upload/manifest/{artifact id}/{file name}`.
const MANIFEST_UPLOAD: &str = "/upload/manifest/";

/// Settings that shape the answers.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) entity: String,
    pub(crate) features: Vec<(String, bool)>,
}

/// Everything the backend holds.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) runs: Vec<RunRecord>,
    pub(crate) artifacts: Vec<ArtifactRecord>,
    /// Every accepted `PUT`: path to bytes.
    pub(crate) uploads: std::collections::BTreeMap<String, Vec<u8>>,
    /// GraphQL operations answered with `{"data": null}` because they are not modelled.
    pub(crate) unknown_operations: Vec<String>,
    next_id: u64,
}

/// The GraphQL operation name and variables of a request body.
pub(crate) fn graphql_parts(body: &[u8]) -> (Option<String>, Option<Value>) {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return (None, None);
    };
    let op = v
        .get("operationName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| {
            v.get("query")
                .and_then(Value::as_str)
                .and_then(operation_from_query)
        });
    (op, v.get("variables").cloned())
}

/// The name of the first operation in a GraphQL document (`mutation UpsertBucket(...)`).
pub(crate) fn operation_from_query(query: &str) -> Option<String> {
    let mut rest = query;
    loop {
        let t = rest.trim_start();
        // Skip comments.
        if let Some(after) = t.strip_prefix('#') {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
            continue;
        }
        for kw in ["query", "mutation", "subscription"] {
            if let Some(after) = t.strip_prefix(kw) {
                let name: String = after
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                return (!name.is_empty()).then_some(name);
            }
        }
        // A fragment or anything else first: skip past its balanced braces.
        let open = t.find('{')?;
        let mut depth = 0usize;
        let mut end = None;
        for (i, c) in t[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(open + i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &t[end?..];
    }
}

impl State {
    fn new_id(&mut self, kind: &str) -> String {
        self.next_id += 1;
        format!("{kind}-{}", self.next_id)
    }

    fn run_index(&self, entity: &str, project: &str, name: &str) -> Option<usize> {
        self.runs
            .iter()
            .position(|r| r.entity == entity && r.project == project && r.name == name)
    }

    /// The index of the run, created if the backend does not hold it yet.
    fn run_slot(&mut self, entity: &str, project: &str, name: &str) -> usize {
        match self.run_index(entity, project, name) {
            Some(i) => i,
            None => {
                let id = self.new_id("run");
                self.runs.push(RunRecord {
                    id,
                    entity: entity.into(),
                    project: project.into(),
                    name: name.into(),
                    ..RunRecord::default()
                });
                self.runs.len() - 1
            }
        }
    }

    fn run_mut(&mut self, entity: &str, project: &str, name: &str) -> &mut RunRecord {
        let i = self.run_slot(entity, project, name);
        &mut self.runs[i]
    }

    /// Answers an accepted request and records its effect.
    pub(crate) fn handle(
        &mut self,
        req: &Request,
        operation: Option<&str>,
        variables: Option<&Value>,
        settings: &Settings,
        base_url: &str,
    ) -> Response {
        let path = req.path.as_str();
        match req.method.as_str() {
            "POST" if path == "/graphql" => {
                let null = Value::Null;
                let vars = variables.unwrap_or(&null);
                match operation {
                    Some(op) => self.graphql(op, vars, settings, base_url),
                    None => Response::json(
                        400,
                        &json!({"errors": [{"message": "not a GraphQL request with a named operation"}]}),
                    ),
                }
            }
            "POST" if path.starts_with("/files/") && path.ends_with("/file_stream") => {
                let parts: Vec<&str> = path.trim_start_matches("/files/").split('/').collect();
                match parts.as_slice() {
                    [entity, project, run, "file_stream"] => {
                        self.file_stream(entity, project, run, &req.body)
                    }
                    _ => Response::text(
                        404,
                        "file_stream path is /files/{entity}/{project}/{run}/file_stream",
                    ),
                }
            }
            "PUT" if path.starts_with("/upload/") => self.upload(path, &req.body),
            "GET" | "HEAD" if path.starts_with("/upload/") => match self.uploads.get(path) {
                Some(bytes) => Response {
                    status: 200,
                    headers: vec![("Content-Type".into(), "application/octet-stream".into())],
                    body: if req.method == "GET" {
                        bytes.clone()
                    } else {
                        Vec::new()
                    },
                },
                None => Response::text(404, "nothing was uploaded at this path"),
            },
            // The SDK's OpenTelemetry metrics export: accepted and dropped.
            "POST" if path.starts_with("/sdk/otel/") => Response::text(200, ""),
            _ => Response::text(
                404,
                format!("the fake backend does not serve {} {path}", req.method),
            ),
        }
    }

    fn file_stream(&mut self, entity: &str, project: &str, run: &str, body: &[u8]) -> Response {
        let v: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return Response::text(400, format!("file_stream body is not JSON: {e}")),
        };
        let r = self.run_mut(entity, project, run);
        r.file_stream_requests += 1;
        if let Some(files) = v.get("files").and_then(Value::as_object) {
            for (name, chunk) in files {
                let offset = chunk.get("offset").and_then(Value::as_u64).unwrap_or(0) as usize;
                let content: Vec<String> = chunk
                    .get("content")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                match name.as_str() {
                    "wandb-history.jsonl" => r.history.put(offset, &content),
                    "wandb-events.jsonl" => r.events.put(offset, &content),
                    "output.log" => r.console.put(offset, &content),
                    "wandb-summary.json" => {
                        if let Some(last) = content.last() {
                            r.summary = Some(last.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(up) = v.get("uploaded").and_then(Value::as_array) {
            r.uploaded
                .extend(up.iter().filter_map(Value::as_str).map(str::to_string));
        }
        if v.get("preempting").and_then(Value::as_bool) == Some(true) {
            r.preempting = true;
        }
        if v.get("complete").and_then(Value::as_bool) == Some(true) {
            r.complete = Some(v.get("exitcode").and_then(Value::as_i64).unwrap_or(0) as i32);
        }
        Response::json(200, &json!({"exitcode": null, "limits": {}}))
    }

    fn upload(&mut self, path: &str, body: &[u8]) -> Response {
        if let Some(rest) = path.strip_prefix(RUN_UPLOAD) {
            let mut it = rest.splitn(4, '/');
            let (Some(e), Some(p), Some(run), Some(name)) =
                (it.next(), it.next(), it.next(), it.next())
            else {
                return Response::text(
                    404,
                    "run uploads go to /upload/run/{entity}/{project}/{run}/{name}",
                );
            };
            self.run_mut(e, p, run)
                .files
                .insert(name.to_string(), body.to_vec());
        } else if let Some(rest) = path.strip_prefix(ARTIFACT_UPLOAD) {
            let Some((id, name)) = rest.split_once('/') else {
                return Response::text(404, "artifact uploads go to /upload/artifact/{id}/{name}");
            };
            let Some(a) = self.artifacts.iter_mut().find(|a| a.id == id) else {
                return Response::text(404, format!("no artifact {id}"));
            };
            a.files.insert(name.to_string(), body.to_vec());
        } else if let Some(rest) = path.strip_prefix(MANIFEST_UPLOAD) {
            let id = rest.split('/').next().unwrap_or("");
            let Some(a) = self.artifacts.iter_mut().find(|a| a.id == id) else {
                return Response::text(404, format!("no artifact {id}"));
            };
            a.manifest = Some(body.to_vec());
        }
        self.uploads.insert(path.to_string(), body.to_vec());
        Response::text(200, "")
    }

    fn graphql(&mut self, op: &str, vars: &Value, settings: &Settings, base_url: &str) -> Response {
        let data = match op {
            "UpsertBucket" => self.upsert_bucket(vars, settings),
            "ServerFeaturesQuery" => json!({"serverInfo": {"features": settings
                .features
                .iter()
                .map(|(n, e)| json!({"name": n, "isEnabled": e}))
                .collect::<Vec<_>>()}}),
            "Viewer" => json!({"viewer": {
                "id": "viewer-1",
                "entity": settings.entity,
                "username": settings.entity,
                "email": format!("{}@example.com", settings.entity),
                "flags": "{}",
                "teams": {"edges": []}
            }}),
            "ServerInfo" => json!({"serverInfo": {
                "cliVersionInfo": {},
                "latestLocalVersionInfo": null
            }}),
            "CreateRunFiles" => self.create_run_files(vars, settings, base_url),
            "ArtifactType" => self.artifact_type(vars, settings),
            "RunResumeStatus" => self.run_resume_status(vars, settings),
            "CreateArtifact" => self.create_artifact(vars, settings),
            "CreateArtifactManifest" => {
                self.artifact_manifest(vars, base_url, "createArtifactManifest")
            }
            "UpdateArtifactManifest" => {
                self.artifact_manifest(vars, base_url, "updateArtifactManifest")
            }
            "CreateArtifactFiles" => self.create_artifact_files(vars, base_url),
            "CommitArtifact" => {
                let id = str_var(vars, "artifactID").unwrap_or_default();
                match self.artifacts.iter_mut().find(|a| a.id == id) {
                    Some(a) => {
                        a.state = ArtifactState::Committed;
                        json!({"commitArtifact": {"artifact": {"id": a.id, "digest": a.digest}}})
                    }
                    None => return graphql_error(&format!("CommitArtifact: no artifact {id:?}")),
                }
            }
            "UseArtifact" => {
                let input = vars.get("input").unwrap_or(vars);
                let id = str_var(input, "artifactID").unwrap_or_default();
                let entity =
                    str_var(input, "entityName").unwrap_or_else(|| settings.entity.clone());
                let project =
                    str_var(input, "projectName").unwrap_or_else(|| "uncategorized".into());
                if let Some(run) = str_var(input, "runName") {
                    self.run_mut(&entity, &project, &run)
                        .used_artifacts
                        .push(id.clone());
                }
                json!({"useArtifact": {"artifact": {"id": id}}})
            }
            _ => {
                self.unknown_operations.push(op.to_string());
                Value::Null
            }
        };
        Response::json(200, &json!({"data": data}))
    }

    fn upsert_bucket(&mut self, vars: &Value, settings: &Settings) -> Value {
        // Later upserts may name the run by its bucket id only.
        let by_id = str_var(vars, "id").and_then(|id| self.runs.iter().position(|r| r.id == id));
        let i = match by_id {
            Some(i) => i,
            None => {
                let entity = str_var(vars, "entity").unwrap_or_else(|| settings.entity.clone());
                let project = str_var(vars, "project").unwrap_or_else(|| "uncategorized".into());
                // A run the client did not name gets a fresh name, as the server gives one.
                let name = str_var(vars, "name")
                    .unwrap_or_else(|| format!("fakerun{:04}", self.next_id + 1));
                self.run_slot(&entity, &project, &name)
            }
        };
        let r = &mut self.runs[i];
        r.upserts.push(vars.clone());
        if let Some(v) = str_var(vars, "displayName") {
            r.display_name = Some(v);
        }
        if let Some(v) = str_var(vars, "config") {
            r.config = serde_json::from_str(&v).ok().or(Some(Value::String(v)));
        }
        if let Some(v) = str_var(vars, "summaryMetrics") {
            r.summary_metrics = serde_json::from_str(&v).ok().or(Some(Value::String(v)));
        }
        if let Some(tags) = vars.get("tags").and_then(Value::as_array) {
            r.tags = Some(
                tags.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            );
        }
        for (key, slot) in [
            ("notes", &mut r.notes),
            ("groupName", &mut r.group),
            ("jobType", &mut r.job_type),
            ("host", &mut r.host),
            ("program", &mut r.program),
        ] {
            if let Some(v) = str_var(vars, key) {
                *slot = Some(v);
            }
        }
        let display = r
            .display_name
            .clone()
            .unwrap_or_else(|| format!("{}-display", r.name));
        json!({"upsertBucket": {
            "bucket": {
                "id": r.id,
                "name": r.name,
                "displayName": display,
                "description": r.notes,
                "config": r.config.as_ref().map(Value::to_string),
                "sweepName": null,
                "project": {
                    "id": format!("project-{}", r.project),
                    "name": r.project,
                    "entity": {"id": format!("entity-{}", r.entity), "name": r.entity}
                },
                "historyLineCount": r.history_lines().len()
            },
            "inserted": r.upserts.len() == 1
        }})
    }

    /// The SDK's `ArtifactType` query (asked before logging a table): the type of the artifact
    /// `name:alias` if the backend holds it.
    fn artifact_type(&self, vars: &Value, settings: &Settings) -> Value {
        let entity = str_var(vars, "entity").unwrap_or_else(|| settings.entity.clone());
        let project = str_var(vars, "project").unwrap_or_else(|| "uncategorized".into());
        let full = str_var(vars, "name").unwrap_or_default();
        let name = full.split_once(':').map_or(full.as_str(), |(n, _)| n);
        let artifact = self
            .artifacts
            .iter()
            .rev()
            .find(|a| a.entity == entity && a.project == project && a.name == name)
            .map(|a| json!({"artifactType": {"name": a.type_name}}));
        json!({"project": {"artifact": artifact}})
    }

    fn create_run_files(&mut self, vars: &Value, settings: &Settings, base_url: &str) -> Value {
        let entity = str_var(vars, "entity").unwrap_or_else(|| settings.entity.clone());
        let project = str_var(vars, "project").unwrap_or_else(|| "uncategorized".into());
        let run = str_var(vars, "run").unwrap_or_default();
        let files: Vec<String> = vars
            .get("files")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let r = self.run_mut(&entity, &project, &run);
        r.requested_files.extend(files.iter().cloned());
        let id = r.id.clone();
        let prefix = format!(
            "{base_url}{RUN_UPLOAD}{}/{}/{}/",
            percent_encode_segment(&entity),
            percent_encode_segment(&project),
            percent_encode_segment(&run)
        );
        json!({"createRunFiles": {
            "runID": id,
            "uploadHeaders": [],
            "files": files.iter().map(|f| json!({
                "name": f,
                "uploadUrl": format!("{prefix}{}", percent_encode_path(f)),
            })).collect::<Vec<_>>()
        }})
    }

    fn run_resume_status(&mut self, vars: &Value, settings: &Settings) -> Value {
        let entity = str_var(vars, "entity").unwrap_or_else(|| settings.entity.clone());
        let project = str_var(vars, "project").unwrap_or_else(|| "uncategorized".into());
        let name = str_var(vars, "name").unwrap_or_default();
        let bucket = self.run_index(&entity, &project, &name).map(|i| {
            let r = &self.runs[i];
            let history = r.history_lines();
            json!({
                "id": r.id,
                "name": r.name,
                "summaryMetrics": r.summary.clone().unwrap_or_else(|| "{}".into()),
                "displayName": r.display_name,
                "logLineCount": r.console_lines().len(),
                "historyLineCount": history.len(),
                "eventsLineCount": r.events_lines().len(),
                "historyTail": serde_json::to_string(&history.last().map(|l| vec![l.clone()]).unwrap_or_default()).unwrap_or_default(),
                "eventsTail": "[]",
                "config": r.config.as_ref().map_or_else(|| "{}".into(), Value::to_string),
                "tags": r.tags.clone().unwrap_or_default(),
                "notes": r.notes,
                "wandbConfig": r.config.as_ref()
                    .and_then(|c| c.pointer("/_wandb/value/t"))
                    .map(|t| json!({"t": t}).to_string())
                    .unwrap_or_else(|| "{}".into()),
            })
        });
        json!({"model": {
            "id": format!("project-{project}"),
            "name": project,
            "entity": {"id": format!("entity-{entity}"), "name": entity},
            "bucket": bucket
        }})
    }

    fn create_artifact(&mut self, vars: &Value, settings: &Settings) -> Value {
        let input = vars.get("input").unwrap_or(vars);
        let entity = str_var(input, "entityName").unwrap_or_else(|| settings.entity.clone());
        let project = str_var(input, "projectName").unwrap_or_else(|| "uncategorized".into());
        let name = str_var(input, "artifactCollectionName").unwrap_or_default();
        let digest = str_var(input, "digest").unwrap_or_default();
        let same_collection =
            |a: &&ArtifactRecord| a.entity == entity && a.project == project && a.name == name;
        // The server deduplicates by digest within a collection.
        if let Some(existing) = self
            .artifacts
            .iter()
            .filter(same_collection)
            .find(|a| a.digest == digest && a.state == ArtifactState::Committed)
        {
            return json!({"createArtifact": {"artifact": {
                "id": existing.id,
                "state": "COMMITTED",
                "artifactSequence": {"latestArtifact": {"id": existing.id}}
            }}});
        }
        let latest = self
            .artifacts
            .iter()
            .rev()
            .find(same_collection)
            .map(|a| a.id.clone());
        let id = self.new_id("artifact");
        self.artifacts.push(ArtifactRecord {
            id: id.clone(),
            entity,
            project,
            name,
            type_name: str_var(input, "artifactTypeName").unwrap_or_default(),
            digest,
            run: str_var(input, "runName"),
            aliases: input
                .get("aliases")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|x| str_var(x, "alias")).collect())
                .unwrap_or_default(),
            input: input.clone(),
            state: ArtifactState::Pending,
            manifest_name: None,
            manifest_digest: None,
            manifest: None,
            file_specs: Vec::new(),
            files: Default::default(),
        });
        json!({"createArtifact": {"artifact": {
            "id": id,
            "state": "PENDING",
            "artifactSequence": {"latestArtifact": latest.map(|l| json!({"id": l}))}
        }}})
    }

    fn artifact_manifest(&mut self, vars: &Value, base_url: &str, field: &str) -> Value {
        let input = vars.get("input").unwrap_or(vars);
        let manifest_id = str_var(input, "artifactManifestID");
        let artifact_id = str_var(input, "artifactID").or_else(|| {
            // UpdateArtifactManifest names the manifest, whose id carries the artifact's.
            manifest_id
                .as_deref()
                .and_then(|m| m.strip_prefix("manifest-of-"))
                .map(str::to_string)
        });
        let Some(a) = artifact_id
            .as_deref()
            .and_then(|id| self.artifacts.iter_mut().find(|a| a.id == id))
        else {
            return json!({field: null});
        };
        let file_name = str_var(input, "name")
            .or_else(|| a.manifest_name.clone())
            .unwrap_or_else(|| "wandb_manifest.json".into());
        a.manifest_name = Some(file_name.clone());
        if let Some(d) = str_var(input, "digest").filter(|d| !d.is_empty()) {
            a.manifest_digest = Some(d);
        }
        let include_upload = input
            .get("includeUpload")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let mut file = json!({"id": format!("manifest-file-of-{}", a.id)});
        if include_upload {
            file["uploadUrl"] = json!(format!(
                "{base_url}{MANIFEST_UPLOAD}{}/{}",
                percent_encode_segment(&a.id),
                percent_encode_segment(&file_name)
            ));
            file["uploadHeaders"] = json!([]);
        }
        json!({field: {"artifactManifest": {"id": format!("manifest-of-{}", a.id), "file": file}}})
    }

    fn create_artifact_files(&mut self, vars: &Value, base_url: &str) -> Value {
        let specs = vars
            .get("artifactFiles")
            .or_else(|| vars.pointer("/input/artifactFiles"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut edges = Vec::new();
        for spec in specs {
            let id = str_var(&spec, "artifactID").unwrap_or_default();
            let name = str_var(&spec, "name").unwrap_or_default();
            if let Some(a) = self.artifacts.iter_mut().find(|a| a.id == id) {
                a.file_specs.push(spec.clone());
            }
            edges.push(json!({"node": {
                "storagePath": format!("wandb_artifacts/{id}/{name}"),
                "uploadUrl": format!(
                    "{base_url}{ARTIFACT_UPLOAD}{}/{}",
                    percent_encode_segment(&id),
                    percent_encode_path(&name)
                ),
                "uploadHeaders": [],
                "uploadMultipartUrls": null,
                "artifact": {"id": id}
            }}));
        }
        json!({"createArtifactFiles": {"files": {"edges": edges}}})
    }
}

/// A string variable (absent, null and non-strings give `None`).
fn str_var(vars: &Value, key: &str) -> Option<String> {
    vars.get(key).and_then(Value::as_str).map(str::to_string)
}

fn graphql_error(message: &str) -> Response {
    Response::json(
        200,
        &json!({"data": null, "errors": [{"message": message}]}),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn settings() -> Settings {
        Settings {
            entity: "ent".into(),
            features: vec![("FILESTREAM_GZIP".into(), true)],
        }
    }

    fn data(state: &mut State, op: &str, vars: Value) -> Value {
        let r = state.graphql(op, &vars, &settings(), "http://h");
        assert_eq!(r.status, 200);
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        v["data"].clone()
    }

    #[test]
    fn upserts_name_unnamed_runs_and_find_runs_by_bucket_id() {
        let mut st = State::default();
        let d = data(&mut st, "UpsertBucket", json!({"project": "p"}));
        let bucket = &d["upsertBucket"]["bucket"];
        let name = bucket["name"].as_str().unwrap().to_string();
        assert!(name.starts_with("fakerun"), "{name}");
        assert_eq!(bucket["project"]["entity"]["name"], "ent");
        assert_eq!(d["upsertBucket"]["inserted"], true);
        let id = bucket["id"].as_str().unwrap().to_string();
        let d = data(
            &mut st,
            "UpsertBucket",
            json!({"id": id, "config": "{\"a\": {\"value\": 1}}", "summaryMetrics": "{\"s\": 2}"}),
        );
        assert_eq!(d["upsertBucket"]["bucket"]["name"], name.as_str());
        assert_eq!(d["upsertBucket"]["inserted"], false);
        assert_eq!(st.runs.len(), 1);
        assert_eq!(st.runs[0].config_values()["a"], json!(1));
        assert_eq!(st.runs[0].upserted_summary(), Some(&json!({"s": 2})));
    }

    #[test]
    fn resume_status_reports_what_the_backend_holds() {
        let mut st = State::default();
        data(
            &mut st,
            "UpsertBucket",
            json!({"name": "r", "project": "p",
                   "config": "{\"_wandb\": {\"value\": {\"t\": {\"1\": [1]}}}}"}),
        );
        let body = json!({"files": {
            "wandb-history.jsonl": {"offset": 0, "content": ["{\"_step\":0}", "{\"_step\":1}"]},
            "output.log": {"offset": 0, "content": ["x"]},
            "wandb-summary.json": {"offset": 0, "content": ["{\"_step\":1}"]}
        }});
        st.file_stream("ent", "p", "r", body.to_string().as_bytes());
        let d = data(
            &mut st,
            "RunResumeStatus",
            json!({"project": "p", "name": "r"}),
        );
        let b = &d["model"]["bucket"];
        assert_eq!(b["historyLineCount"], 2);
        assert_eq!(b["logLineCount"], 1);
        assert_eq!(b["eventsLineCount"], 0);
        let tail: Vec<String> = serde_json::from_str(b["historyTail"].as_str().unwrap()).unwrap();
        assert_eq!(tail, vec!["{\"_step\":1}"]);
        let wc: Value = serde_json::from_str(b["wandbConfig"].as_str().unwrap()).unwrap();
        assert!(wc.get("t").is_some());
        assert_eq!(b["summaryMetrics"], "{\"_step\":1}");
        let features = data(&mut st, "ServerFeaturesQuery", json!({}));
        assert_eq!(
            features["serverInfo"]["features"],
            json!([{"name": "FILESTREAM_GZIP", "isEnabled": true}])
        );
    }

    #[test]
    fn operation_names() {
        assert_eq!(
            operation_from_query("mutation UpsertBucket(\n $id: String) { x }").as_deref(),
            Some("UpsertBucket")
        );
        assert_eq!(
            operation_from_query("query Viewer{ viewer { id } }").as_deref(),
            Some("Viewer")
        );
        assert_eq!(
            operation_from_query(
                "# a comment\nfragment F on T { a { b } }\nmutation CreateArtifact($i: X) { y }"
            )
            .as_deref(),
            Some("CreateArtifact")
        );
        assert_eq!(operation_from_query("{ viewer { id } }"), None);
        let (op, vars) = graphql_parts(br#"{"query":"query ServerInfo{a}","variables":{"x":1}}"#);
        assert_eq!(op.as_deref(), Some("ServerInfo"));
        assert_eq!(vars, Some(json!({"x": 1})));
        let (op, _) = graphql_parts(br#"{"operationName":"Named","query":"query Other{a}"}"#);
        assert_eq!(op.as_deref(), Some("Named"));
    }
}
