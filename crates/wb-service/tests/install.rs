//! `install` against a fake package index on 127.0.0.1 serving a wheel built here: the binaries
//! arrive executable, a wrong sha256 installs nothing, a mirror without the release JSON works.
#![cfg(all(feature = "install", unix))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use wb_service::{Error, InstallOptions, install};

/// A wheel with a `wandb-core` that reports `version`, and a `wandb-symon`.
fn wheel(version: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("wandb/__init__.py", opts).unwrap();
    zip.write_all(b"").unwrap();
    zip.start_file("wandb/bin/wandb-core", opts).unwrap();
    write!(
        zip,
        "#!/bin/sh\necho 'wandb-core'\necho 'Version: {version}'\n"
    )
    .unwrap();
    zip.start_file("wandb/bin/wandb-symon", opts).unwrap();
    zip.write_all(b"#!/bin/sh\nexit 0\n").unwrap();
    zip.finish().unwrap().into_inner()
}

fn platform_wheel_name() -> String {
    let tag = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", a) if cfg!(target_env = "musl") => format!("musllinux_1_2_{a}"),
        ("linux", a) => format!("manylinux_2_28_{a}"),
        ("macos", "aarch64") => "macosx_13_0_arm64".into(),
        ("macos", a) => format!("macosx_13_0_{a}"),
        (o, a) => format!("{o}_{a}"),
    };
    format!("wandb-0.31.0-py3-none-{tag}.whl")
}

struct Index {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

/// Serves `/pypi/wandb/0.31.0/json` (or, with `mirror`, only `/pypi/wandb/json`) listing the
/// wheel with `sha256`, and the wheel itself.
fn serve(wheel: Vec<u8>, sha256: String, mirror: bool) -> Index {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let name = platform_wheel_name();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            seen.lock().unwrap().push(path.clone());
            let files = serde_json::json!([
                {"filename": "wandb-0.31.0.tar.gz", "url": "/files/wandb-0.31.0.tar.gz",
                 "digests": {"sha256": "00"}},
                {"filename": "wandb-0.31.0-py3-none-any_other_os.whl", "url": "/files/x.whl",
                 "digests": {"sha256": "00"}},
                // Relative to the JSON's address, as mirrors list them.
                {"filename": name,
                 "url": if mirror { format!("../../files/{name}") } else { format!("/files/{name}") },
                 "digests": {"sha256": sha256}},
            ]);
            let (status, body): (&str, Vec<u8>) = match path.as_str() {
                "/pypi/wandb/0.31.0/json" if !mirror => (
                    "200 OK",
                    serde_json::json!({"urls": files}).to_string().into_bytes(),
                ),
                "/pypi/wandb/json" => (
                    "200 OK",
                    serde_json::json!({"releases": {"0.31.0": files}})
                        .to_string()
                        .into_bytes(),
                ),
                p if p == format!("/files/{name}") => ("200 OK", wheel.clone()),
                _ => ("404 Not Found", Vec::new()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    Index { url, requests }
}

fn sha(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[test]
fn installs_both_binaries_executable() {
    for mirror in [false, true] {
        let w = wheel("0.31.0");
        let index = serve(w.clone(), sha(&w), mirror);
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("cache/wb-types/wandb-core/0.31.0/here");
        let done = install(
            &InstallOptions::default()
                .with_index_url(&index.url)
                .with_dir(&dir),
        )
        .unwrap();
        assert_eq!(done.wheel(), Some(platform_wheel_name().as_str()));
        assert_eq!(done.core(), dir.join("wandb-core"));
        let mut text = String::new();
        std::fs::File::open(done.core())
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(text.contains("Version: 0.31.0"));
        for exe in [done.core(), done.symon().unwrap()] {
            let mode = std::fs::metadata(exe).unwrap().permissions().mode();
            assert_eq!(mode & 0o111, 0o111, "{exe:?} is not executable");
        }
        // Nothing left beside the folder.
        let left: Vec<_> = std::fs::read_dir(dir.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("here")]);
        let asked = index.requests.lock().unwrap().clone();
        assert_eq!(
            asked.last().unwrap(),
            &format!("/files/{}", platform_wheel_name())
        );
        // A second install keeps what is there without asking the index.
        let again = install(
            &InstallOptions::default()
                .with_index_url(&index.url)
                .with_dir(&dir),
        )
        .unwrap();
        assert_eq!(again.wheel(), None);
        assert_eq!(index.requests.lock().unwrap().len(), asked.len());
    }
}

#[test]
fn a_wrong_sha256_installs_nothing() {
    let w = wheel("0.31.0");
    let index = serve(w, "ab".repeat(32), false);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("core");
    let err = install(
        &InstallOptions::default()
            .with_index_url(&index.url)
            .with_dir(&dir),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Install(_)), "{err}");
    assert!(err.to_string().contains("sha256"), "{err}");
    assert!(!dir.exists());
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
}

#[test]
fn a_wheel_of_another_version_installs_nothing() {
    let w = wheel("0.30.0");
    let index = serve(w.clone(), sha(&w), false);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("core");
    let err = install(
        &InstallOptions::default()
            .with_index_url(&index.url)
            .with_dir(&dir),
    )
    .unwrap_err();
    assert!(matches!(err, Error::WrongVersion { .. }), "{err}");
    assert!(!dir.exists());
}
