//! Property tests: every constructor, on arbitrary input (shapes including zero and odd sizes,
//! NaN and infinities, arbitrary bytes and strings), returns a value or an error, never panics;
//! every value it returns binds to a run and serializes (run and artifact JSON).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ndarray::{ArrayD, IxDyn};
use proptest::prelude::*;
use wb_types::audio::Audio;
use wb_types::core::json::Value;
use wb_types::graph::{Graph, Node};
use wb_types::image::{BoundingBoxes2D, Box2D, Image, ImageFormat, ImageMask, ImageOptions};
use wb_types::object3d::{Atom, Bond, Molecule, Object3D, box3d, molecule, object3d, triple};
use wb_types::table::{Cell, Table};
use wb_types::video::{Video, VideoFormat};
use wb_types::{Artifact, DirRun, Histogram, Html, Plotly, Step, WbValue};

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -300.0..300.0f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => any::<f64>(),
    ]
}

fn shape(max_dims: usize) -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(0usize..6, 0..=max_dims)
}

fn array(max_dims: usize) -> impl Strategy<Value = ArrayD<f64>> {
    shape(max_dims).prop_flat_map(|s| {
        let n = s.iter().product::<usize>();
        proptest::collection::vec(float(), n)
            .prop_map(move |d| ArrayD::from_shape_vec(IxDyn(&s), d).unwrap())
    })
}

/// Binds and serializes a value that a constructor accepted.
fn exercise(v: &dyn WbValue) {
    let tmp = tempfile::tempdir().unwrap();
    let run = DirRun::new(tmp.path().join("files"));
    v.bind_to_run(&run, "k", Step::Num(1)).unwrap();
    v.to_run_json(&run).unwrap();
    if v.artifact_addable() {
        let mut art = Artifact::new("p", "dataset");
        art.add(v, "k").unwrap();
    }
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| Value::Int(i128::from(i))),
        float().prop_map(Value::Float),
        "[a-z]{0,6}".prop_map(Value::Str),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec(("[a-z_]{1,8}", inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn histograms(data in proptest::collection::vec(float(), 0..200), bins in 0usize..600) {
        if let Ok(h) = Histogram::from_sequence(&data) { exercise(&h); }
        if let Ok(h) = Histogram::from_sequence_with(&data, wb_types::core::HistogramOptions::default().with_num_bins(bins)) { exercise(&h); }
        let f32s: Vec<f32> = data.iter().map(|x| *x as f32).collect();
        let _ = Histogram::from_sequence_with(&f32s, wb_types::core::HistogramOptions::default().with_num_bins(bins));
        let edges: Vec<f64> = data.iter().copied().chain([1.0]).collect();
        if let Ok(h) = Histogram::from_np_histogram(data.clone(), edges) { exercise(&h); }
        let _ = Histogram::from_np_histogram(data.clone(), data);
    }

    #[test]
    fn images(a in array(4), mode in 0usize..5) {
        let options = match mode {
            0 => ImageOptions::default(),
            n => ImageOptions::default().with_mode(["L", "LA", "RGB", "RGBA"][n - 1].parse().unwrap()),
        };
        if let Ok(img) = Image::from_array_with(a.view(), options) { exercise(&img); }
        let bytes: ArrayD<u8> = a.mapv(|x| x as u8);
        if let Ok(img) = Image::from_array(bytes.view()) { exercise(&img); }
        if let Ok(m) = ImageMask::from_array(a.view()) {
            let base = ndarray::Array2::<u8>::zeros((2, 2));
            if let Ok(img) = Image::from_array(base.view()).map(|i| i.with_mask("m", m)) { exercise(&img); }
        }
    }

    #[test]
    fn encoded_images(bytes in proptest::collection::vec(any::<u8>(), 0..300), fmt in "[a-z]{0,4}") {
        if let Ok(img) = fmt.parse::<ImageFormat>().and_then(|f| Image::from_bytes(bytes.clone(), f)) {
            let _ = img.to_pixels();
            exercise(&img);
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(bytes);
        if let Ok(img) = Image::from_bytes(png, ImageFormat::Png) { let _ = img.to_pixels(); }
    }

    #[test]
    fn boxes(coords in proptest::collection::vec(float(), 4), class_id in any::<i64>(), val in value()) {
        let b = Box2D::from_min_max(coords[0], coords[1], coords[2], coords[3]).with_class_id(class_id).with_score("s", coords[0]);
        if let Ok(bb) = BoundingBoxes2D::from_boxes([b]) {
            let base = ndarray::Array2::<u8>::zeros((3, 3));
            if let Ok(img) = Image::from_array(base.view()).map(|i| i.with_boxes("b", bb)) { exercise(&img); }
        }
        let _ = BoundingBoxes2D::new(val);
    }

    #[test]
    fn audio(samples in proptest::collection::vec(float(), 0..300), rate in any::<u32>(), channels in 0usize..4) {
        if let Ok(a) = Audio::from_samples(&samples, rate) { exercise(&a); }
        let f32s: Vec<f32> = samples.iter().map(|x| *x as f32).collect();
        let _ = Audio::from_samples(&f32s, rate);
        let _ = Audio::from_interleaved(&samples, channels, rate.max(1));
        let a = ArrayD::from_shape_vec(IxDyn(&[samples.len()]), samples).unwrap();
        let _ = Audio::from_array(a.view(), rate);
    }

    #[test]
    fn video(a in array(5), fps in float()) {
        if let Ok(v) = Video::from_array_with_fps(a.view(), VideoFormat::Gif, fps) { exercise(&v); }
        let bytes: ArrayD<u8> = a.mapv(|x| x as u8);
        let _ = Video::from_array(bytes.view(), VideoFormat::Gif);
    }

    #[test]
    fn objects_3d(a in array(3), bytes in proptest::collection::vec(any::<u8>(), 0..200), c in proptest::collection::vec(float(), 11)) {
        if let Ok(o) = Object3D::from_numpy(a.view()) { exercise(&o); }
        for t in object3d::SUPPORTED_TYPES.iter().chain(&["", "png"]) {
            if let Ok(o) = Object3D::from_bytes(bytes.clone(), t) { exercise(&o); }
        }
        if let Ok(b) = box3d([c[0], c[1], c[2]], [c[3], c[4], c[5]], [c[6], c[7], c[8], c[9]], triple(c[10], 0, 1))
            && let Ok(pts) = a.view().into_dimensionality::<ndarray::Ix2>()
            && let Ok(o) = Object3D::from_point_cloud(pts, &[b], &[])
        {
            exercise(&o);
        }
    }

    #[test]
    fn molecules(bytes in proptest::collection::vec(any::<u8>(), 0..200), xs in proptest::collection::vec(float(), 0..9), bonds in proptest::collection::vec((0usize..6, 0usize..6, any::<u8>()), 0..4), el in "[A-Za-z]{0,3}") {
        for t in molecule::SUPPORTED_TYPES.iter().chain(&["xyz"]) {
            if let Ok(m) = Molecule::from_bytes(bytes.clone(), t) { exercise(&m); }
        }
        let atoms: Vec<Atom> = xs.chunks(3).filter(|c| c.len() == 3).map(|c| Atom::new(el.clone(), [c[0], c[1], c[2]])).collect();
        let bonds: Vec<Bond> = bonds.into_iter().map(|(a, b, o)| Bond::new(a, b, o)).collect();
        if let Ok(m) = Molecule::from_atoms(&atoms, &bonds) { exercise(&m); }
    }

    #[test]
    fn tables(cols in proptest::collection::vec("[a-z0-9]{0,3}", 0..4), rows in proptest::collection::vec(proptest::collection::vec(value(), 0..4), 0..6)) {
        let rows: Vec<Vec<Cell>> = rows.iter().map(|r| r.iter().map(Cell::from).collect()).collect();
        if let Ok(t) = Table::from_rows(cols.clone(), rows) { exercise(&t); }
        if let Ok(mut t) = Table::new(cols) {
            let _ = t.add_data(vec![Cell::from(1.0), Cell::from(f64::NAN)]);
            let _ = t.add_column("extra", vec![Cell::from("x")], true);
        }
    }

    #[test]
    fn graphs_html_plotly(edges in proptest::collection::vec((0usize..8, 0usize..8), 0..8), n in 0usize..5, text in ".{0,64}", fig in value()) {
        let mut g = Graph::new("torch");
        for i in 0..n { g.add_node(Node::new().with_id(format!("n{i}"))); }
        for (a, b) in edges { let _ = g.add_edge(a, b); }
        exercise(&g);
        let _ = Graph::from_graph_json_str(&text);
        exercise(&Html::from_literal(&text));
        if let Ok(h) = Html::new_with(&text, wb_types::core::HtmlOptions::default().with_inject(false)) { exercise(&h); }
        if let Ok(p) = Plotly::from_figure(&fig) { exercise(&p); }
        let _ = Plotly::from_figure_json(&text);
    }
}
