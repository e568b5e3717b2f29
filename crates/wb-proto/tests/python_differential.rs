//! Differential test against the protobuf classes of the Python SDK (`wandb==0.31.0`): for each
//! message, the same fields are set on our struct and, through the protobuf JSON mapping, on
//! the SDK's compiled class; then
//! - Python parses our bytes and re-encodes them to exactly the bytes of its own message (a
//!   wrong field number or wire type would show as an unknown field or a missing value);
//! - we decode Python's bytes into exactly our message;
//! - where both encoders write fields in the same order, our bytes equal Python's.
//!
//! It needs a Python with wandb 0.31.0, so it is opt-in (`cargo test -p wb-proto -- --ignored`;
//! CI runs it after `cargo xtask conformance`): `$WB_PYTHON`, `$WB_CONFORMANCE_PYTHON`, or the
//! conformance venv (`target/conformance-venv`). Without one the test is skipped with a
//! message, except in CI (`CI=true`), where it fails.
#![recursion_limit = "512"]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use prost::Message;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SCRIPT: &str = r#"
import binascii, json, sys
import wandb
assert wandb.__version__ == "0.31.0", wandb.__version__
from wandb.proto import wandb_server_pb2, wandb_internal_pb2  # registers the messages
from google.protobuf import descriptor_pool, json_format, message_factory
out = []
for line in sys.stdin:
    case = json.loads(line)
    cls = message_factory.GetMessageClass(
        descriptor_pool.Default().FindMessageTypeByName(case["type"]))
    ours = cls.FromString(binascii.unhexlify(case["hex"]))
    theirs = json_format.ParseDict(case["json"], cls())
    out.append({
        "python": theirs.SerializeToString(deterministic=True).hex(),
        "ours_reencoded": ours.SerializeToString(deterministic=True).hex(),
        "ours_text": str(ours),
        "python_text": str(theirs),
    })
print(json.dumps(out))
"#;

fn has_wandb_031(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import wandb; print(wandb.__version__)"])
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0.31.0")
}

fn python() -> Option<PathBuf> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let mut candidates: Vec<PathBuf> = ["WB_PYTHON", "WB_CONFORMANCE_PYTHON"]
        .iter()
        .filter_map(std::env::var_os)
        .map(PathBuf::from)
        .collect();
    candidates.push(if cfg!(windows) {
        target.join("conformance-venv/Scripts/python.exe")
    } else {
        target.join("conformance-venv/bin/python")
    });
    if let Some(p) = candidates.iter().find(|c| c.is_file() && has_wandb_031(c)) {
        return Some(p.clone());
    }
    let msg = format!(
        "the differential protobuf test needs a Python with wandb==0.31.0; none of {candidates:?} \
         has it. Set WB_PYTHON=/path/to/python, or run `cargo xtask conformance` once to build \
         target/conformance-venv."
    );
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{msg}");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

struct Case {
    name: &'static str,
    ty: &'static str,
    ours: Vec<u8>,
    json: Value,
}

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    for (name, m, j) in common::server_requests() {
        v.push(Case {
            name,
            ty: "wandb_internal.ServerRequest",
            ours: m.encode_to_vec(),
            json: j,
        });
    }
    for (name, m, j) in common::server_responses() {
        v.push(Case {
            name,
            ty: "wandb_internal.ServerResponse",
            ours: m.encode_to_vec(),
            json: j,
        });
    }
    v
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
#[ignore = "needs the SDK's Python (WB_PYTHON or target/conformance-venv)"]
fn our_messages_are_the_sdks() {
    let Some(py) = python() else { return };
    let cases = cases();
    let input: String = cases
        .iter()
        .map(|c| json!({"type": c.ty, "hex": hex(&c.ours), "json": c.json}).to_string() + "\n")
        .collect();
    let mut child = Command::new(&py)
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), cases.len());

    let requests = common::server_requests();
    let responses = common::server_responses();
    let mut same_bytes = 0;
    for (i, (case, r)) in cases.iter().zip(&results).enumerate() {
        let python_bytes = unhex(r["python"].as_str().unwrap());
        assert_eq!(
            r["ours_reencoded"],
            r["python"],
            "{}: Python reads our bytes as\n{}\nbut the same fields are\n{}",
            case.name,
            r["ours_text"].as_str().unwrap(),
            r["python_text"].as_str().unwrap()
        );
        // Decoding Python's bytes gives back our message.
        if i < requests.len() {
            let back = wb_proto::ServerRequest::decode(python_bytes.as_slice()).unwrap();
            assert_eq!(back, requests[i].1, "{}", case.name);
        } else {
            let back = wb_proto::ServerResponse::decode(python_bytes.as_slice()).unwrap();
            assert_eq!(back, responses[i - requests.len()].1, "{}", case.name);
        }
        if python_bytes == case.ours {
            same_bytes += 1;
        } else {
            eprintln!("{}: same message, fields in another order", case.name);
        }
    }
    eprintln!("{same_bytes}/{} messages byte-identical", cases.len());
}
