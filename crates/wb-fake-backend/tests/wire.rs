//! The backend over real sockets, driven by a hand-written HTTP/1.1 client: keep-alive, chunked
//! and gzip bodies, the run and artifact flows wandb-core follows, faults, a wrong key, a server
//! that goes down and comes back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;
use wb_fake_backend::{ArtifactState, Backend, Completion, Fault};

const KEY: &str = "0123456789abcdef0123456789abcdef01234567";

/// One client connection that can send several requests.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn basic(key: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("api:{key}"))
    )
}

impl Conn {
    fn open(addr: SocketAddr) -> Conn {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        Conn {
            reader: BufReader::new(s.try_clone().unwrap()),
            writer: s,
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) -> Resp {
        self.writer.write_all(bytes).unwrap();
        self.read_response()
    }

    fn request(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (n, v) in headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        self.send_raw(&bytes)
    }

    fn graphql(&mut self, op: &str, vars: Value) -> Resp {
        let body = json!({
            "query": format!("mutation {op}($x: String) {{ y }}"),
            "operationName": op,
            "variables": vars,
        });
        self.request(
            "POST",
            "/graphql",
            &[
                ("Authorization", &basic(KEY)),
                ("Content-Type", "application/json"),
            ],
            body.to_string().as_bytes(),
        )
    }

    fn read_response(&mut self) -> Resp {
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status: u16 = line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h).unwrap();
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (n, v) = h.split_once(':').unwrap();
            headers.push((n.to_string(), v.trim().to_string()));
        }
        let len: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse().unwrap())
            .unwrap();
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).unwrap();
        Resp {
            status,
            headers,
            body,
        }
    }

    /// Whether the server closed the connection (EOF or reset on the next read).
    fn is_closed(&mut self) -> bool {
        let mut b = [0u8; 1];
        matches!(self.reader.read(&mut b), Ok(0) | Err(_))
    }
}

fn upsert(conn: &mut Conn, name: &str) -> Value {
    let r = conn.graphql(
        "UpsertBucket",
        json!({"name": name, "project": "proj", "entity": null,
               "config": "{\"lr\": {\"value\": 0.5}}", "displayName": "shown", "tags": ["t1"]}),
    );
    assert_eq!(r.status, 200);
    r.json()
}

fn history_chunk(offset: usize, lines: &[&str]) -> Vec<u8> {
    json!({"files": {"wandb-history.jsonl": {"offset": offset, "content": lines}}})
        .to_string()
        .into_bytes()
}

#[test]
fn keep_alive_connection_serves_a_run() {
    let backend = Backend::start().unwrap();
    let mut c = Conn::open(backend.addr());
    let answer = upsert(&mut c, "run1");
    let bucket = &answer["data"]["upsertBucket"]["bucket"];
    assert_eq!(bucket["name"], "run1");
    assert_eq!(bucket["displayName"], "shown");
    assert_eq!(bucket["project"]["name"], "proj");
    assert_eq!(bucket["project"]["entity"]["name"], "fake-entity");

    let fs = "/files/fake-entity/proj/run1/file_stream";
    let r = c.request(
        "POST",
        fs,
        &[],
        &history_chunk(0, &[r#"{"_step":0,"a":1}"#]),
    );
    assert_eq!(r.status, 200);
    assert!(r.json().is_object());
    let body = json!({
        "files": {
            "wandb-history.jsonl": {"offset": 1, "content": [r#"{"_step":1,"a":2}"#]},
            "wandb-summary.json": {"offset": 0, "content": [r#"{"a":2}"#]},
            "output.log": {"offset": 0, "content": ["hello", "world"]},
            "wandb-events.jsonl": {"offset": 0, "content": [r#"{"cpu":1}"#]}
        },
        "uploaded": ["config.yaml"],
        "complete": true,
        "exitcode": 3
    });
    let r = c.request("POST", fs, &[], body.to_string().as_bytes());
    assert_eq!(r.status, 200);

    let run = backend.run("run1").unwrap();
    assert_eq!(run.entity(), "fake-entity");
    assert_eq!(run.project(), "proj");
    assert_eq!(run.display_name(), Some("shown"));
    assert_eq!(run.tags(), Some(&["t1".to_string()][..]));
    assert_eq!(run.config_values()["lr"], json!(0.5));
    assert_eq!(
        run.history().unwrap(),
        vec![json!({"_step": 0, "a": 1}), json!({"_step": 1, "a": 2})]
    );
    assert!(run.missing_history_lines().is_empty());
    assert_eq!(run.summary().unwrap(), Some(json!({"a": 2})));
    assert_eq!(run.console_lines(), vec!["hello", "world"]);
    assert_eq!(run.events_lines(), vec![r#"{"cpu":1}"#]);
    assert_eq!(run.uploaded(), &["config.yaml".to_string()]);
    assert_eq!(run.completion(), Completion::Complete { exit_code: 3 });
    assert_eq!(run.file_stream_requests(), 2);

    let reqs = backend.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].operation(), Some("UpsertBucket"));
    assert_eq!(reqs[0].variables().unwrap()["name"], "run1");
    assert_eq!(reqs[0].api_key().as_deref(), Some(KEY));
    assert_eq!(reqs[1].path(), fs);
    assert_eq!(backend.operations(), vec!["UpsertBucket"]);
}

#[test]
fn chunked_gzip_and_continue_bodies() {
    use flate2::write::GzEncoder;
    let backend = Backend::start().unwrap();
    let mut c = Conn::open(backend.addr());
    let body = history_chunk(0, &[r#"{"x":1}"#, r#"{"x":2}"#]);
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&body).unwrap();
    let gz = enc.finish().unwrap();
    // Gzip sent in two chunks.
    let (a, b) = gz.split_at(gz.len() / 2);
    let mut bytes =
        b"POST /files/e/p/r/file_stream HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n\
                      Transfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    for part in [a, b] {
        bytes.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        bytes.extend_from_slice(part);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(c.send_raw(&bytes).status, 200);

    // Expect: 100-continue gets the interim answer, then the final one.
    c.writer
        .write_all(b"PUT /upload/x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
        .unwrap();
    let interim = c.read_interim();
    assert_eq!(interim, "HTTP/1.1 100 Continue");
    c.writer.write_all(b"abc").unwrap();
    assert_eq!(c.read_response().status, 200);

    let run = backend.run("r").unwrap();
    assert_eq!(run.history_lines(), vec![r#"{"x":1}"#, r#"{"x":2}"#]);
    let reqs = backend.requests();
    assert!(reqs[0].is_gzipped());
    assert_eq!(reqs[0].body(), body.as_slice());
    assert_eq!(backend.uploads()["/upload/x"], b"abc");
}

impl Conn {
    /// Reads a `100 Continue` status line and its blank line.
    fn read_interim(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let mut blank = String::new();
        self.reader.read_line(&mut blank).unwrap();
        assert_eq!(blank, "\r\n");
        line.trim_end().to_string()
    }
}

#[test]
fn run_files_upload_to_the_urls_handed_out() {
    let backend = Backend::start().unwrap();
    let mut c = Conn::open(backend.addr());
    upsert(&mut c, "run2");
    let names = [
        "media/images/a b_0_\u{2603}.png",
        "config.yaml",
        "wandb-summary.json",
    ];
    let r = c.graphql(
        "CreateRunFiles",
        json!({"entity": "fake-entity", "project": "proj", "run": "run2", "files": names}),
    );
    let answer = r.json();
    let files = answer["data"]["createRunFiles"]["files"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(files.len(), names.len());
    assert_eq!(answer["data"]["createRunFiles"]["uploadHeaders"], json!([]));
    for (i, f) in files.iter().enumerate() {
        assert_eq!(f["name"], names[i]);
        let url = f["uploadUrl"].as_str().unwrap();
        let path = url.strip_prefix(backend.base_url()).unwrap();
        let body = format!("bytes of {}", names[i]).into_bytes();
        assert_eq!(c.request("PUT", path, &[], &body).status, 200);
    }
    let run = backend.run("run2").unwrap();
    assert_eq!(run.requested_files().len(), 3);
    for n in names {
        assert_eq!(run.file(n).unwrap(), format!("bytes of {n}").as_bytes());
    }
    // What was uploaded reads back.
    let url = files[0]["uploadUrl"].as_str().unwrap();
    let path = url.strip_prefix(backend.base_url()).unwrap();
    let r = c.request("GET", path, &[], b"");
    assert_eq!(r.body, format!("bytes of {}", names[0]).as_bytes());
}

#[test]
fn artifact_flow_as_wandb_core_drives_it() {
    let backend = Backend::start().unwrap();
    let mut c = Conn::open(backend.addr());
    upsert(&mut c, "run3");
    let input = json!({"input": {
        "entityName": "fake-entity", "projectName": "proj", "artifactTypeName": "run_table",
        "artifactCollectionName": "run-run3-table", "runName": "run3", "digest": "d1",
        "aliases": [{"artifactCollectionName": "run-run3-table", "alias": "latest"}],
        "clientID": "c", "sequenceClientID": "s", "enableDigestDeduplication": true
    }});
    let a = c.graphql("CreateArtifact", input.clone()).json();
    let art = &a["data"]["createArtifact"]["artifact"];
    assert_eq!(art["state"], "PENDING");
    assert_eq!(art["artifactSequence"]["latestArtifact"], Value::Null);
    let id = art["id"].as_str().unwrap().to_string();

    let m = c
        .graphql(
            "CreateArtifactManifest",
            json!({"artifactID": id, "name": "wandb_manifest.json", "digest": "",
                   "entityName": "fake-entity", "projectName": "proj", "runName": "run3",
                   "manifestType": "FULL", "includeUpload": false}),
        )
        .json();
    let manifest = &m["data"]["createArtifactManifest"]["artifactManifest"];
    assert!(manifest["id"].is_string());
    assert!(manifest["file"].get("uploadUrl").is_none());

    let f = c
        .graphql(
            "CreateArtifactFiles",
            json!({"input": {"storageLayout": "V2", "artifactFiles": [
                {"artifactID": id, "name": "table.table.json", "md5": "x"},
                {"artifactID": id, "name": "dir/b c.txt", "md5": "y"}
            ]}}),
        )
        .json();
    let edges = f["data"]["createArtifactFiles"]["files"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(edges.len(), 2);
    for (edge, body) in edges.iter().zip([&b"{\"t\":1}"[..], b"text"]) {
        assert_eq!(edge["node"]["artifact"]["id"], id.as_str());
        assert_eq!(edge["node"]["uploadMultipartUrls"], Value::Null);
        let url = edge["node"]["uploadUrl"].as_str().unwrap();
        let path = url.strip_prefix(backend.base_url()).unwrap().to_string();
        assert_eq!(c.request("PUT", &path, &[], body).status, 200);
    }

    let m = c
        .graphql(
            "CreateArtifactManifest",
            json!({"artifactID": id, "name": "wandb_manifest.json", "digest": "md",
                   "entityName": "fake-entity", "projectName": "proj", "runName": "run3",
                   "manifestType": "FULL", "includeUpload": true}),
        )
        .json();
    let file = &m["data"]["createArtifactManifest"]["artifactManifest"]["file"];
    assert_eq!(file["uploadHeaders"], json!([]));
    let path = file["uploadUrl"]
        .as_str()
        .unwrap()
        .strip_prefix(backend.base_url())
        .unwrap()
        .to_string();
    let manifest_json = json!({"version": 1, "contents": {"table.table.json": {"digest": "x"}}});
    c.request("PUT", &path, &[], manifest_json.to_string().as_bytes());

    let before = backend.artifact("run-run3-table").unwrap();
    assert_eq!(before.state(), ArtifactState::Pending);
    let done = c
        .graphql("CommitArtifact", json!({"artifactID": id}))
        .json();
    assert_eq!(done["data"]["commitArtifact"]["artifact"]["digest"], "d1");

    let art = backend.artifact("run-run3-table").unwrap();
    assert_eq!(art.state(), ArtifactState::Committed);
    assert_eq!(art.type_name(), "run_table");
    assert_eq!(art.run(), Some("run3"));
    assert_eq!(art.aliases(), &["latest".to_string()]);
    assert_eq!(art.manifest_digest(), Some("md"));
    assert_eq!(art.manifest().unwrap(), Some(manifest_json));
    assert_eq!(art.file("table.table.json").unwrap(), b"{\"t\":1}");
    assert_eq!(art.file("dir/b c.txt").unwrap(), b"text");
    assert_eq!(art.file_specs().len(), 2);

    // The same digest again: the server answers the committed artifact (deduplication).
    let again = c.graphql("CreateArtifact", input).json();
    let art2 = &again["data"]["createArtifact"]["artifact"];
    assert_eq!(art2["state"], "COMMITTED");
    assert_eq!(art2["id"], id.as_str());
    // The SDK's ArtifactType query sees it.
    let t = c
        .graphql(
            "ArtifactType",
            json!({"entity": "fake-entity", "project": "proj", "name": "run-run3-table:latest"}),
        )
        .json();
    assert_eq!(
        t["data"]["project"]["artifact"]["artifactType"]["name"],
        "run_table"
    );
}

#[test]
fn unknown_operations_and_paths() {
    let backend = Backend::start().unwrap();
    let mut c = Conn::open(backend.addr());
    let r = c.graphql("SomethingNew", json!({}));
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"data": null}));
    assert_eq!(backend.unknown_operations(), vec!["SomethingNew"]);
    assert_eq!(c.request("GET", "/nowhere", &[], b"").status, 404);
    let r = c.request("POST", "/graphql", &[], b"not json");
    assert_eq!(r.status, 400);
    // Resume status of a run the backend does not hold: no bucket.
    let r = c
        .graphql("RunResumeStatus", json!({"project": "p", "name": "nope"}))
        .json();
    assert_eq!(r["data"]["model"]["bucket"], Value::Null);
}

#[test]
fn faults_fail_the_next_matching_requests_and_change_nothing() {
    let backend = Backend::start().unwrap();
    backend.inject(
        Fault::new(429, 2)
            .with_path_prefix("/files/")
            .with_retry_after(7),
    );
    backend.inject(Fault::new(500, 1).with_operation("UpsertBucket"));
    let mut c = Conn::open(backend.addr());
    let fs = "/files/fake-entity/proj/run4/file_stream";
    let line = [r#"{"_step":0}"#];
    for _ in 0..2 {
        let r = c.request("POST", fs, &[], &history_chunk(0, &line));
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), Some("7"));
    }
    assert!(
        backend.run("run4").is_none(),
        "a faulted request must not be applied"
    );
    assert_eq!(
        c.request("POST", fs, &[], &history_chunk(0, &line)).status,
        200
    );
    let r = c.graphql("UpsertBucket", json!({"name": "run4", "project": "proj"}));
    assert_eq!(r.status, 500);
    assert!(r.json()["errors"].is_array());
    assert_eq!(backend.run("run4").unwrap().upserts().len(), 0);
    assert!(backend.pending_faults().is_empty());
    upsert(&mut c, "run4");
    let statuses: Vec<(u16, bool)> = backend
        .requests()
        .iter()
        .map(|r| (r.status(), r.is_injected()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (429, true),
            (429, true),
            (200, false),
            (500, true),
            (200, false)
        ]
    );
    let run = backend.run("run4").unwrap();
    assert_eq!(run.history_lines(), line);
    assert_eq!(run.upserts().len(), 1);

    // A custom body, and clearing.
    backend.inject(Fault::new(503, 5).with_body("down for maintenance"));
    let r = c.request("GET", "/x", &[], b"");
    assert_eq!(
        (r.status, r.body.as_slice()),
        (503, &b"down for maintenance"[..])
    );
    assert_eq!(backend.pending_faults()[0].remaining(), 4);
    backend.clear_faults();
    assert_eq!(c.request("GET", "/x", &[], b"").status, 404);
}

#[test]
fn a_wrong_key_gets_401_where_auth_applies() {
    let backend = Backend::builder().with_api_key(KEY).start().unwrap();
    let mut c = Conn::open(backend.addr());
    let wrong = basic(&"w".repeat(40));
    let r = c.request(
        "POST",
        "/graphql",
        &[("Authorization", &wrong)],
        br#"{"query":"query Viewer{a}"}"#,
    );
    assert_eq!(r.status, 401);
    assert!(r.json()["errors"][0]["message"].is_string());
    let r = c.request(
        "POST",
        "/files/e/p/r/file_stream",
        &[],
        &history_chunk(0, &["{}"]),
    );
    assert_eq!(r.status, 401, "no key at all");
    assert_eq!(c.graphql("Viewer", json!({})).status, 200, "the right key");
    // Upload URLs are pre-signed in W&B: no key needed.
    assert_eq!(c.request("PUT", "/upload/x", &[], b"1").status, 200);
    backend.set_api_key(None);
    let r = c.request(
        "POST",
        "/graphql",
        &[("Authorization", &wrong)],
        br#"{"query":"query Viewer{a}"}"#,
    );
    assert_eq!(r.status, 200);
    assert!(backend.run("r").is_none());
}

#[test]
fn stop_and_resume_listening_on_the_same_port() {
    let backend = Backend::start().unwrap();
    let addr = backend.addr();
    let mut c = Conn::open(addr);
    upsert(&mut c, "run5");
    backend.stop_listening();
    assert!(!backend.is_listening());
    assert!(c.is_closed(), "open connections are closed");
    assert!(
        TcpStream::connect(addr).is_err(),
        "new connections are refused"
    );
    assert_eq!(
        backend.run("run5").unwrap().upserts().len(),
        1,
        "the record stays"
    );
    backend.resume_listening().unwrap();
    assert!(backend.is_listening());
    let mut c = Conn::open(addr);
    upsert(&mut c, "run5");
    assert_eq!(backend.run("run5").unwrap().upserts().len(), 2);
    // Stopping twice, resuming twice: no-ops.
    backend.stop_listening();
    backend.stop_listening();
    backend.resume_listening().unwrap();
    backend.resume_listening().unwrap();
    drop(backend);
    assert!(
        TcpStream::connect(addr).is_err(),
        "dropping the backend stops it"
    );
}

#[test]
fn malformed_requests_get_400_and_a_closed_connection() {
    let backend = Backend::start().unwrap();
    let mut c = Conn::open(backend.addr());
    let r = c.send_raw(b"GET / HTTP/3\r\n\r\n");
    assert_eq!(r.status, 400);
    assert!(c.is_closed());
    // Connection: close is honoured.
    let mut c = Conn::open(backend.addr());
    let r = c.request("GET", "/x", &[("Connection", "close")], b"");
    assert_eq!(r.header("connection"), Some("close"));
    assert!(c.is_closed());
}

#[test]
fn concurrent_connections_are_all_recorded() {
    let backend = Backend::start().unwrap();
    let addr = backend.addr();
    std::thread::scope(|s| {
        for t in 0..6 {
            s.spawn(move || {
                let mut c = Conn::open(addr);
                for i in 0..20 {
                    let line = format!(r#"{{"t":{t},"i":{i}}}"#);
                    let path = format!("/files/e/p/run-{t}/file_stream");
                    let r = c.request("POST", &path, &[], &history_chunk(i, &[&line]));
                    assert_eq!(r.status, 200);
                }
            });
        }
    });
    assert_eq!(backend.request_count(), 120);
    for t in 0..6 {
        let run = backend.run(&format!("run-{t}")).unwrap();
        let rows = run.history().unwrap();
        assert_eq!(rows.len(), 20);
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row, &json!({"t": t, "i": i}));
        }
    }
    assert!(backend.wait_until(Duration::from_secs(5), |b| b.request_count() == 120));
}

#[test]
fn a_disconnect_fault_closes_the_connection_unanswered() {
    let backend = Backend::builder()
        .with_request_bodies(false)
        .start()
        .unwrap();
    backend.inject(Fault::disconnect(1).with_path_prefix("/files/"));
    let mut c = Conn::open(backend.addr());
    let fs = "/files/e/p/r/file_stream";
    c.writer
        .write_all(
            format!(
                "POST {fs} HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
                history_chunk(0, &["{}"]).len()
            )
            .as_bytes(),
        )
        .unwrap();
    c.writer.write_all(&history_chunk(0, &["{}"])).unwrap();
    assert!(c.is_closed(), "no answer, the connection is closed");
    assert!(backend.run("r").is_none());
    let mut c = Conn::open(backend.addr());
    assert_eq!(
        c.request("POST", fs, &[], &history_chunk(0, &["{}"]))
            .status,
        200
    );
    let reqs = backend.requests();
    assert_eq!(
        reqs.iter()
            .map(|r| (r.status(), r.is_injected()))
            .collect::<Vec<_>>(),
        vec![(0, true), (200, false)]
    );
    assert!(
        reqs.iter().all(|r| r.body().is_empty()),
        "bodies were not kept"
    );
    assert_eq!(backend.run("r").unwrap().history_lines(), vec!["{}"]);
}
