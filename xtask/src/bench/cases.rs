//! The Rust side of each benchmark: its input (built once, untimed) and the operation a user
//! of wb-types pays for, through the families' public APIs, mirroring `tests/bench/bench.py`.
//!
//! Media values are built and passed to `val_to_json` on a run (what logging does with them:
//! bind to the run, write the file, build the JSON); the table is built and added to an
//! artifact whose entry is written to disk; the run bench writes a whole offline run.

use super::floor::{self, Floor};
use super::inputs;
use super::report::Goal;
use std::path::{Path, PathBuf};
use wb_types::core::internal::value::val_to_json;
use wb_types::core::json::{self, Dialect, Value};
use wb_types::ndarray::{Array2, Array3, Array4};
use wb_types::table::{Cell, Table};
use wb_types::{Artifact, DirRun, Histogram, LogValue, Step, WbValue};

/// What one run of an operation produced.
pub enum Produced {
    /// Files (compared by the Python side, and their sizes reported).
    Files(Vec<PathBuf>),
    /// A JSON text with no file behind it (the histogram), compared by the Python side.
    Json(String),
}

/// A benchmark, input built.
pub trait Bench {
    /// Untimed work before each run (e.g. a fresh copy of an input the operation consumes).
    fn before(&mut self) -> Result<(), String> {
        Ok(())
    }
    /// The timed operation, writing any files under `dir` (the same folder for every run).
    fn run(&mut self, dir: &Path) -> Result<Produced, String>;
    /// The operation's physical floor on the same input ([`floor`](super::floor)), timed
    /// beside it; `None` for benchmarks judged against the SDK only.
    fn floor(&mut self) -> Option<Floor> {
        None
    }
    /// Parts of the last `runs` runs timed separately, by name (milliseconds per run), for
    /// the report's note: e.g. the time spent inside `log` calls.
    fn parts(&self, runs: usize) -> Vec<(&'static str, Vec<f64>)> {
        let _ = runs;
        Vec::new()
    }
}

/// Environment variables the Python side of a benchmark needs (the online run's backend).
pub fn python_env(name: &str) -> Result<Vec<(String, String)>, String> {
    match name {
        "run-online" => {
            let backend = sdk_backend()?;
            Ok(vec![
                ("WANDB_BASE_URL".into(), backend.base_url().to_owned()),
                ("WANDB_API_KEY".into(), ONLINE_KEY.into()),
            ])
        }
        _ => Ok(Vec::new()),
    }
}

/// A benchmark's definition: its row of the table and how to build it.
pub struct Def {
    /// Name (`--only NAME`).
    pub name: &'static str,
    /// The input, in words.
    pub input: &'static str,
    /// The goal.
    pub goal: Goal,
    /// Builds the input; `Err` says why the bench cannot run (a family API not there yet).
    pub make: fn() -> Result<Box<dyn Bench>, String>,
}

const fn speed(ratio: f64) -> Goal {
    Goal {
        ratio,
        max_size_ratio: None,
        max_floor_ratio: None,
    }
}

/// Every benchmark, in the order.
pub fn all() -> Vec<Def> {
    vec![
        Def {
            name: "image",
            input: "512x512x3 uint8 noise + photo-like -> PNG, bound to a run",
            goal: Goal {
                ratio: 3.0,
                max_size_ratio: Some(1.0),
                max_floor_ratio: None,
            },
            make: || Ok(Box::new(ImageBench::new())),
        },
        Def {
            name: "histogram",
            input: "10 000 000 f64, 64 bins",
            goal: speed(8.0),
            make: || Ok(Box::new(HistogramBench::new())),
        },
        Def {
            name: "table",
            input: "10 000 rows x 5 columns (int, float, str, bool, list) -> artifact JSON",
            goal: speed(200.0),
            make: table_bench,
        },
        Def {
            name: "video",
            input: "16x3x256x256 uint8 -> GIF",
            goal: Goal {
                ratio: 20.0,
                max_size_ratio: Some(1.1),
                max_floor_ratio: None,
            },
            make: video_bench,
        },
        Def {
            name: "video-mp4",
            input: "16x3x256x256 uint8 -> MP4 (H.264)",
            // Our default encoder (rusty_h264, scalar Rust, Constrained Baseline at a fixed
            // quantizer) does the work the SDK hands to libx264 (C with SIMD) through ffmpeg, and
            // writes files up to ~3x its size, so the goal is only not to be slower than the SDK,
            // and there is no size goal (docs/performance.md).
            goal: speed(1.0),
            make: video_mp4_bench,
        },
        Def {
            name: "object3d",
            input: "100 000 x 6 f64 -> pts.json",
            // Judged against its floor (formatting and hashing the file, see `floor`): the
            // SDK ratio is shown beside it.
            goal: Goal {
                ratio: 10.0,
                max_size_ratio: None,
                max_floor_ratio: Some(1.3),
            },
            make: || Ok(Box::new(Object3dBench::new())),
        },
        Def {
            name: "audio",
            input: "5 s mono 44.1 kHz f32 -> WAV",
            goal: speed(5.0),
            make: || Ok(Box::new(AudioBench::new())),
        },
        Def {
            name: "run",
            input: "offline run, 10 000 steps x (3 scalars + 64-bin histogram)",
            goal: speed(10.0),
            make: run_bench,
        },
        // The same run without system metrics and metadata (the SDK's x_disable_stats and
        // x_disable_meta): `run` must stay within 5% of it (docs/performance.md).
        Def {
            name: "run-nostats",
            input: "the run bench, system metrics and metadata off",
            goal: speed(10.0),
            make: run_nostats_bench,
        },
        Def {
            name: "run-online",
            input: "online run through wandb-core to a fake backend, the run bench's 10 000 steps, \
                    until finish returns with everything uploaded",
            goal: speed(10.0),
            make: run_online_bench,
        },
    ]
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The next step to log at: each call logs at a new step, so each writes a new file (as in
/// training), never replacing the previous one; the Python side does the same.
fn next_step() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static STEP: AtomicI64 = AtomicI64::new(0);
    STEP.fetch_add(1, Ordering::Relaxed)
}

/// `val_to_json(run, key, value, step)` on a plain run folder under `dir`, at the next step;
/// the file's path.
fn log_media(dir: &Path, key: &str, value: impl WbValue) -> Result<PathBuf, String> {
    let files = dir.join("files");
    let run = DirRun::new(&files);
    let step = Step::Num(next_step());
    let js = val_to_json(&run, key, &LogValue::media(value), step).map_err(err)?;
    let path = js
        .get("path")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("the JSON of {key} has no path: {js:?}"))?;
    Ok(files.join(path))
}

struct ImageBench {
    noise: Array3<u8>,
    photo: Array3<u8>,
}

impl ImageBench {
    fn new() -> Self {
        ImageBench {
            noise: inputs::noise_image(),
            photo: inputs::photo_image(),
        }
    }
}

impl Bench for ImageBench {
    fn run(&mut self, dir: &Path) -> Result<Produced, String> {
        use wb_types::image::Image;
        let noise = Image::from_array(self.noise.view()).map_err(err)?;
        let a = log_media(dir, "noise", noise)?;
        let photo = Image::from_array(self.photo.view()).map_err(err)?;
        let b = log_media(dir, "photo", photo)?;
        Ok(Produced::Files(vec![a, b]))
    }
}

struct HistogramBench {
    data: Vec<f64>,
}

impl HistogramBench {
    fn new() -> Self {
        HistogramBench {
            data: inputs::histogram_data(),
        }
    }
}

impl Bench for HistogramBench {
    fn run(&mut self, dir: &Path) -> Result<Produced, String> {
        let h = Histogram::from_sequence(&self.data).map_err(err)?;
        let js = h.to_run_json(&DirRun::new(dir)).map_err(err)?;
        Ok(Produced::Json(json::to_string(&js, Dialect::Compact)))
    }
}

pub(super) struct Object3dBench {
    points: Array2<f64>,
}

impl Object3dBench {
    fn new() -> Self {
        Self::with_points(inputs::points())
    }

    pub(super) fn with_points(points: Array2<f64>) -> Self {
        Object3dBench { points }
    }
}

impl Bench for Object3dBench {
    fn run(&mut self, dir: &Path) -> Result<Produced, String> {
        let o = wb_types::object3d::Object3D::from_array(self.points.view()).map_err(err)?;
        Ok(Produced::Files(vec![log_media(dir, "points", o)?]))
    }

    fn floor(&mut self) -> Option<Floor> {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        Some(floor::object3d(self.points.view(), threads))
    }
}

struct AudioBench {
    samples: Vec<f32>,
}

impl AudioBench {
    fn new() -> Self {
        AudioBench {
            samples: inputs::audio_samples(),
        }
    }
}

impl Bench for AudioBench {
    fn run(&mut self, dir: &Path) -> Result<Produced, String> {
        let a = wb_types::audio::Audio::from_samples(&self.samples, inputs::SAMPLE_RATE)
            .map_err(err)?;
        Ok(Produced::Files(vec![log_media(dir, "audio", a)?]))
    }
}

fn table_bench() -> Result<Box<dyn Bench>, String> {
    Ok(Box::new(TableBench {
        rows: inputs::table_rows(),
        cells: None,
        done: None,
    }))
}

/// `wandb.Table(columns, data)` and `Artifact.add(table, "t")`, the entry written to disk.
struct TableBench {
    rows: Vec<inputs::TableRow>,
    /// The rows as cells: the user's data, ready before the timed call (the Python side's
    /// list of lists); `Table::from_rows` consumes it, so each run gets a fresh copy.
    cells: Option<Vec<Vec<Cell>>>,
    /// The last run's table, dropped before the next run, outside the timing. The user's data
    /// outlives the operation on both sides: the Python side's `data` list (its strings, lists
    /// and numbers) stays referenced after `wandb.Table(columns, data)` returns (the table
    /// copies only the row lists, and frees those copies within the op; `from_rows` frees the
    /// row `Vec`s within it too), and here the table now owns those cells, so freeing them
    /// (~0.6 ms of `free` for 20 000 strings and lists) is the end of the user's data, not
    /// part of logging it.
    done: Option<Table>,
}

impl Bench for TableBench {
    fn before(&mut self) -> Result<(), String> {
        self.done = None;
        let cells = self
            .rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Int(r.id),
                    Cell::Float(r.score),
                    Cell::Str(r.name.clone()),
                    Cell::Bool(r.flag),
                    Cell::List(r.tags.iter().map(|&t| Cell::Int(t)).collect()),
                ]
            })
            .collect();
        self.cells = Some(cells);
        Ok(())
    }

    fn run(&mut self, dir: &Path) -> Result<Produced, String> {
        let rows = self.cells.take().ok_or("no rows prepared")?;
        let table = Table::from_rows(inputs::TABLE_COLUMNS, rows).map_err(err)?;
        let mut art = Artifact::new("bench-table", "dataset");
        let name = art.add(&table, "t").map_err(err)?;
        // A new file each run, as each artifact gets its own.
        let path = dir.join(format!("{}-{name}", next_step()));
        std::fs::write(&path, &*art.entry_bytes(&name).map_err(err)?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        self.done = Some(table);
        Ok(Produced::Files(vec![path]))
    }
}

fn video_bench() -> Result<Box<dyn Bench>, String> {
    Ok(Box::new(VideoBench {
        frames: inputs::video_frames(),
        format: wb_types::video::VideoFormat::Gif,
    }))
}

fn video_mp4_bench() -> Result<Box<dyn Bench>, String> {
    Ok(Box::new(VideoBench {
        frames: inputs::video_frames(),
        format: wb_types::video::VideoFormat::Mp4,
    }))
}

/// `wandb.Video(frames, fps=4, format=...)` (`"gif"` or `"mp4"`), logged.
struct VideoBench {
    frames: Array4<u8>,
    format: wb_types::video::VideoFormat,
}

impl Bench for VideoBench {
    fn run(&mut self, dir: &Path) -> Result<Produced, String> {
        use wb_types::video::{Video, VideoOptions};
        let v = Video::from_array_with(
            self.frames.view(),
            VideoOptions::default()
                .with_format(self.format)
                .with_fps(4.0),
        )
        .map_err(err)?;
        Ok(Produced::Files(vec![log_media(dir, "video", v)?]))
    }
}

fn run_bench() -> Result<Box<dyn Bench>, String> {
    Ok(Box::new(RunBench {
        base: inputs::run_base(),
        folders: RunFolders::default(),
        system: true,
    }))
}

fn run_nostats_bench() -> Result<Box<dyn Bench>, String> {
    Ok(Box::new(RunBench {
        base: inputs::run_base(),
        folders: RunFolders::default(),
        system: false,
    }))
}

/// The run folders the run benches leave: the first run's (the output compared with the
/// SDK's) stays; each later one is removed, untimed, before the next run.
#[derive(Default)]
struct RunFolders {
    /// The previous run's folder, to remove before the next run.
    last: Option<PathBuf>,
    /// Whether the first run was left in place.
    kept: bool,
}

impl RunFolders {
    /// The benches' `before`: removes the previous run's folder, unless it is the first.
    fn remove_last(&mut self) -> Result<(), String> {
        if let Some(d) = self.last.take() {
            std::fs::remove_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        Ok(())
    }

    /// Notes the folder of the run just finished.
    fn finished(&mut self, dir: &Path) {
        if self.kept {
            self.last = Some(dir.to_path_buf());
        }
        self.kept = true;
    }
}

/// The row the run benches log at step `s`: three scalars and a 64-bin histogram of `base`
/// shifted by the step, as the Python side logs it.
fn run_row(base: &[f64], s: u64) -> Result<wb_run::Row, String> {
    let (loss, acc, lr) = inputs::run_scalars(s);
    let shift = s as f64 * 0.001;
    let data: Vec<f64> = base.iter().map(|b| b + shift).collect();
    let h = Histogram::from_sequence(&data).map_err(err)?;
    Ok(wb_run::Row::new()
        .with("loss", loss)
        .with("acc", acc)
        .with("lr", lr)
        .with_media("h", h))
}

/// An offline run: 10 000 `log` calls of three scalars and a histogram, then `finish`.
struct RunBench {
    base: Vec<f64>,
    folders: RunFolders,
    /// Whether system metrics and metadata are on (the default).
    system: bool,
}

impl Bench for RunBench {
    fn before(&mut self) -> Result<(), String> {
        self.folders.remove_last()
    }

    fn run(&mut self, dir: &Path) -> Result<Produced, String> {
        use wb_run::Run;
        let run = Run::builder()
            .with_dir(dir)
            .with_project("wb-bench")
            .with_mode(wb_run::Mode::Offline)
            .with_system_metrics(self.system)
            .with_metadata(self.system)
            .build()
            .map_err(err)?;
        for s in 0..inputs::RUN_STEPS {
            run.log(run_row(&self.base, s)?).map_err(err)?;
        }
        run.finish(0).map_err(err)?;
        self.folders.finished(run.dir());
        Ok(Produced::Files(vec![run.log_path().to_path_buf()]))
    }
}

/// The API key both sides give the fake backends (any 40 characters).
const ONLINE_KEY: &str = "0123456789abcdef0123456789abcdef01234567";

/// The fake backend the SDK's online runs upload to (its own, started once).
fn sdk_backend() -> Result<&'static wb_fake_backend::Backend, String> {
    static BACKEND: std::sync::OnceLock<Result<wb_fake_backend::Backend, String>> =
        std::sync::OnceLock::new();
    BACKEND
        .get_or_init(|| {
            wb_fake_backend::Backend::builder()
                .with_request_bodies(false)
                .start()
                .map_err(err)
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn run_online_bench() -> Result<Box<dyn Bench>, String> {
    let core = wb_fake_backend::locate_wandb_core().map_err(err)?;
    let backend = wb_fake_backend::Backend::builder()
        .with_request_bodies(false)
        .start()
        .map_err(err)?;
    Ok(Box::new(RunOnlineBench {
        base: inputs::run_base(),
        core,
        backend,
        folders: RunFolders::default(),
        in_log_ms: Vec::new(),
        tail_ms: Vec::new(),
    }))
}

/// The run bench online: the run created (core started, the run accepted by the fake
/// backend), 10 000 `log` calls, then `finish`, which returns once core has uploaded
/// everything. Beside the whole, the time inside the `log` calls and the time from the last
/// `log` to `finish` returning (core's own work after the loop, the same on both sides).
struct RunOnlineBench {
    base: Vec<f64>,
    core: PathBuf,
    backend: wb_fake_backend::Backend,
    folders: RunFolders,
    in_log_ms: Vec<f64>,
    tail_ms: Vec<f64>,
}

impl Bench for RunOnlineBench {
    fn before(&mut self) -> Result<(), String> {
        self.folders.remove_last()
    }

    fn run(&mut self, dir: &Path) -> Result<Produced, String> {
        use std::time::{Duration, Instant};
        use wb_run::Run;
        let run = Run::builder()
            .with_dir(dir)
            .with_project("wb-bench")
            .with_mode(wb_run::Mode::Online)
            .with_core_path(&self.core)
            .with_base_url(self.backend.base_url())
            .with_api_key(ONLINE_KEY)
            .with_silent(true)
            .build()
            .map_err(err)?;
        let mut in_log = Duration::ZERO;
        for s in 0..inputs::RUN_STEPS {
            let row = run_row(&self.base, s)?;
            let t = Instant::now();
            run.log(row).map_err(err)?;
            in_log += t.elapsed();
        }
        let t = Instant::now();
        run.finish(0).map_err(err)?;
        self.tail_ms.push(t.elapsed().as_secs_f64() * 1e3);
        self.in_log_ms.push(in_log.as_secs_f64() * 1e3);
        if !run.is_online() {
            return Err("the run stopped uploading".into());
        }
        let rows = self
            .backend
            .run(run.id())
            .map(|r| r.history_lines().len())
            .unwrap_or(0);
        if rows as u64 != inputs::RUN_STEPS {
            return Err(format!(
                "the backend received {rows} history rows of {}",
                inputs::RUN_STEPS
            ));
        }
        self.folders.finished(run.dir());
        Ok(Produced::Files(vec![run.log_path().to_path_buf()]))
    }

    fn parts(&self, runs: usize) -> Vec<(&'static str, Vec<f64>)> {
        let last = |v: &Vec<f64>| v[v.len().saturating_sub(runs)..].to_vec();
        vec![
            ("in log", last(&self.in_log_ms)),
            ("last log to finish", last(&self.tail_ms)),
        ]
    }
}
