//! Fuzz target bodies, shared by the libFuzzer binaries (`fuzz/fuzz_targets/`, a workspace of
//! its own) and the corpus replay this crate's test runs in every `cargo test`
//! (`tests/corpus_smoke.rs`). Each function must return normally for every input: a panic, an
//! abort (allocation failure) or a hang is a finding.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use wb_types::core::ArtifactSource;
use wb_types::core::json::{self, Dialect};
use wb_types::{Artifact, Registry};

/// Arbitrary bytes into wandb's JSON reader, and what it parsed back out through every writer
/// (the Python dialect re-parses to the same value).
pub fn json_parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(v) = json::parse(text) else {
        return;
    };
    for d in [Dialect::Compact, Dialect::Python, Dialect::Go] {
        let out = json::to_string(&v, d);
        // Every dialect writes JSON that reads back.
        let back = json::parse(&out);
        assert!(back.is_ok(), "{d:?} output does not parse: {out:?}");
    }
}

/// Serves `bytes` for every entry name (the fuzzer controls what each referenced file holds).
struct FuzzSource {
    bytes: Arc<[u8]>,
}

impl ArtifactSource for FuzzSource {
    fn read_entry(&self, name: &str) -> wb_types::core::Result<Arc<[u8]>> {
        if self.bytes.is_empty() {
            return Err(wb_types::core::Error::value(format!("no entry {name:?}")));
        }
        Ok(self.bytes.clone())
    }
    fn entry_names(&self) -> Vec<String> {
        vec!["media/a.png".into(), "t.table.json".into()]
    }
}

fn registry() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(wb_types::registry)
}

/// `registry().decode(json, source)`: the input is JSON text, optionally followed by a NUL
/// byte and the bytes every referenced artifact entry holds. A decoded value is then written
/// back as artifact JSON and compared with itself.
pub fn registry_from_json(data: &[u8]) {
    let (text, entry) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let Ok(v) = json::parse(text) else {
        return;
    };
    let src = FuzzSource {
        bytes: Arc::from(entry),
    };
    if let Ok(Some(value)) = registry().decode(&v, &src) {
        let _ = value.class_name();
        let _ = value.wb_eq(value.as_ref());
        let mut art = Artifact::new("fuzz", "dataset");
        if let Ok(j) = value.to_artifact_json(&mut art) {
            let _ = json::to_string(&j, Dialect::Python);
        }
    }
}

/// The `.wandb` reader. First byte 0: the rest is a `.wandb` file as is. Otherwise the rest is
/// cut at every `0xFF 0x00` pair into record payloads that are framed with valid checksums, so
/// the protobuf decoding and the run rebuilding (history, summary, config) are reached too.
pub fn wandb_reader(data: &[u8]) {
    use wb_types::run::{LogWriter, RecordReader, RunLog};
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let file: Vec<u8> = if *mode == 0 {
        rest.to_vec()
    } else {
        let mut w = LogWriter::new();
        let mut start = 0;
        let mut i = 0;
        while i + 1 < rest.len() {
            if rest[i] == 0xFF && rest[i + 1] == 0 {
                w.add_record(&rest[start..i]);
                start = i + 2;
                i += 2;
            } else {
                i += 1;
            }
        }
        w.add_record(&rest[start..]);
        w.take()
    };
    for r in RecordReader::new(file.as_slice()) {
        let _ = r;
    }
    if let Ok(log) = RunLog::from_reader(RecordReader::new(file.as_slice())) {
        let _ = log.run();
        let _ = log.exit_code();
        let _ = log.history();
        let _ = log.summary();
        let _ = log.config();
        let _ = log.files();
    }
}

fn scratch_dir() -> &'static Path {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("wb-fuzz-case-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        d
    })
}

/// The conformance case parser: the bytes as a case file (`case::load`), every entry's value
/// through `args::decode`, and the bytes as a `.npy` file (`NdArray::parse_npy`).
pub fn case_parser(data: &[u8]) {
    use wb_cases::args::{Arg, NdArray, decode};
    let _ = NdArray::parse_npy(data);
    let dir = scratch_dir();
    let path = dir.join("fuzz_case.json");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(case) = wb_cases::case::load(&path) {
        for (_, v) in &case.entries {
            if let Ok(Arg::NdArray(nd)) = decode(v, dir) {
                let _ = nd.as_f64();
                let _ = nd.as_i64();
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(v) = json::parse(text)
    {
        let _ = decode(&v, dir);
    }
}

/// The parsers that read user-given file bytes: the first byte picks one, the rest is the file.
/// 3-D files (`Object3D::from_bytes`, validated with the `gltf` crate for glTF/GLB; molecule
/// files), encoded images (size from the header, then a full decode), `.npz` table columns,
/// graph files and Plotly figures.
pub fn media_bytes(data: &[u8]) {
    use wb_types::graph::Graph;
    use wb_types::image::{Image, ImageFormat};
    use wb_types::object3d::{Molecule, MoleculeFormat, Object3DFormat};
    let Some((sel, rest)) = data.split_first() else {
        return;
    };
    let o3d = Object3DFormat::ALL;
    let mol = MoleculeFormat::ALL;
    let sel = usize::from(*sel);
    if sel < o3d.len() {
        if let Ok(o) = wb_types::object3d::Object3D::from_bytes(rest.to_vec(), o3d[sel]) {
            let _ = o.file().sha256();
        }
    } else if sel < o3d.len() + mol.len() {
        let _ = Molecule::from_bytes(rest.to_vec(), mol[sel - o3d.len()]);
    } else {
        match sel - o3d.len() - mol.len() {
            0 => {
                if let Ok(img) = Image::from_bytes(rest.to_vec(), ImageFormat::Png) {
                    let _ = img.to_pixels();
                }
            }
            1 => {
                let _ = wb_types::table::NdArray::from_npz(rest, "arr_0");
            }
            2 => {
                if let Ok(text) = std::str::from_utf8(rest) {
                    if let Ok(g) = Graph::from_graph_json_str(text) {
                        let _ = g.to_graph_json_string();
                        let _ = g.to_petgraph();
                    }
                    let _ = wb_types::Plotly::from_figure_json(text);
                }
            }
            _ => {}
        }
    }
}
