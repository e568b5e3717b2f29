//! `np_histogram` against numpy 2.4 on inputs large enough to take the block, table and
//! multi-thread paths, with values on and one ULP either side of every edge (made by
//! `tests/golden/numpy/make_histogram_numpy.py`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use wb_core::internal::histogram::np_histogram;
use wb_core::json::{self, Value};

/// The script's `hash_values`: `i * 2654435761 mod 2^32`, scaled into `[lo, hi)` in f64.
fn hash_values(n: usize, lo: f64, hi: f64) -> Vec<f64> {
    (0..n as u64)
        .map(|i| {
            let u = (i.wrapping_mul(2_654_435_761) % (1 << 32)) as f64 / 4_294_967_296.0;
            u * (hi - lo) + lo
        })
        .collect()
}

fn floats(v: &Value, key: &str) -> Vec<f64> {
    v.get(key)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn large_inputs_match_numpy() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/numpy/histogram_numpy.json"
    );
    let golden = json::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = golden.get("cases").unwrap().as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let name = case.get("name").unwrap().as_str().unwrap();
        let n = case.get("n").unwrap().as_i64().unwrap() as usize;
        let lo = case.get("lo").unwrap().as_f64().unwrap();
        let hi = case.get("hi").unwrap().as_f64().unwrap();
        let bins = case.get("bins").unwrap().as_i64().unwrap() as usize;
        let want_counts: Vec<i64> = case
            .get("counts")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        let want_edges = floats(case, "edges");
        let mut data = hash_values(n, lo, hi);
        data.extend(floats(case, "extra"));
        let (counts, edges): (Vec<i64>, Vec<f64>) = match case.get("dtype").unwrap().as_str() {
            Some("f32") => {
                let d: Vec<f32> = data.iter().map(|&x| x as f32).collect();
                let (c, e) = np_histogram(&d, bins).unwrap();
                (c, e.into_iter().map(f64::from).collect())
            }
            _ => np_histogram(&data, bins).unwrap(),
        };
        assert_eq!(edges, want_edges, "{name}: edges");
        assert_eq!(counts, want_counts, "{name}: counts");
    }
}
