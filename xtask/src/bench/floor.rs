//! The physical floor of object3d: the work any writer of the same `.pts.json` must do on the
//! same input, and nothing else. Every float becomes its shortest round-trip digits (`zmij`),
//! laid out as the file lays them out (`[x,y,z,r,g,b],` rows), and the bytes are hashed with
//! SHA-256 (the file's name is its hash). The cores are used as our encoder uses them: chunks of
//! rows are formatted on `available_parallelism` threads and hashed in order on the calling
//! thread, which formats chunks itself while the next one in order is not ready. Not done here:
//! building the JSON around the file, writing it, binding it to a run.
//!
//! Our time over this floor says how much of object3d's time is ours to remove, on any
//! machine; the SDK ratio depends on how fast the machine runs Python.

use ndarray::ArrayView2;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Values per chunk, as the encoder's streaming writer uses.
const CHUNK_VALUES: usize = 8192;

/// What one floor run made: the bytes it hashed and their hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Floor {
    /// Bytes formatted and hashed.
    pub bytes: u64,
    /// Lowercase hex SHA-256 of those bytes.
    pub sha256: String,
}

fn format_rows(points: ArrayView2<'_, f64>, first: bool, out: &mut Vec<u8>) {
    let mut buf = zmij::Buffer::new();
    for (i, row) in points.rows().into_iter().enumerate() {
        if i > 0 || !first {
            out.push(b',');
        }
        out.push(b'[');
        for (j, x) in row.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(buf.format_finite(*x).as_bytes());
        }
        out.push(b']');
    }
}

/// Formats `points` (finite floats) as the file's rows and hashes them, on `threads` threads.
pub fn object3d(points: ArrayView2<'_, f64>, threads: usize) -> Floor {
    let n = points.nrows();
    let rows_per = (CHUNK_VALUES / points.ncols().max(1)).max(1);
    let nchunks = n.div_ceil(rows_per);
    let make = |c: usize| {
        let rows = (c * rows_per)..((c + 1) * rows_per).min(n);
        let mut v = Vec::with_capacity(rows.len() * points.ncols() * 20);
        format_rows(points.slice(ndarray::s![rows, ..]), c == 0, &mut v);
        v
    };
    let next = AtomicUsize::new(0);
    let take = || {
        let c = next.fetch_add(1, Ordering::Relaxed);
        (c < nchunks).then_some(c)
    };
    let mut hasher = Sha256::new();
    let mut bytes = 2u64;
    hasher.update(b"[");
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, Vec<u8>)>();
        for _ in 1..threads.min(nchunks) {
            let tx = tx.clone();
            let (take, make) = (&take, &make);
            scope.spawn(move || {
                while let Some(c) = take() {
                    if tx.send((c, make(c))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending: Vec<Option<Vec<u8>>> = vec![None; nchunks];
        let mut done = 0;
        while done < nchunks {
            for (c, v) in rx.try_iter() {
                pending[c] = Some(v);
            }
            if let Some(v) = pending[done].take() {
                hasher.update(&v);
                bytes += v.len() as u64;
                done += 1;
            } else if let Some(c) = take() {
                pending[c] = Some(make(c));
            } else if let Ok((c, v)) = rx.recv() {
                pending[c] = Some(v);
            } else {
                break;
            }
        }
    });
    hasher.update(b"]");
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Floor { bytes, sha256 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::cases::Bench as _;
    use ndarray::Array2;

    #[test]
    fn the_floor_hashes_the_file_our_encoder_writes() {
        // The same bytes as the `.pts.json` the object3d bench writes (so the floor does the
        // file's work, no less), on one thread and on several, for a row count that does not
        // fill the last chunk.
        let points = Array2::from_shape_fn((3001, 6), |(i, j)| {
            let k = (6 * i + j + 1) as f64;
            ((k * 0.618_033_988_749_894_9) % 1.0) * 200.0 - 100.0
        });
        let dir = tempfile::tempdir().unwrap();
        let mut bench = super::super::cases::Object3dBench::with_points(points.clone());
        let super::super::cases::Produced::Files(files) = bench.run(dir.path()).unwrap() else {
            panic!("object3d writes a file");
        };
        let file = std::fs::read(&files[0]).unwrap();
        let want = Floor {
            bytes: file.len() as u64,
            sha256: wb_types::core::internal::hash::sha256_hex(&file),
        };
        assert_eq!(object3d(points.view(), 1), want);
        assert_eq!(object3d(points.view(), 3), want);
    }
}
