//! [`Run`]: a run directory and its `.wandb` log, written as the Python SDK and wandb-core
//! write them, and uploaded live through wandb-core in [`Mode::Online`].

use crate::error::{Error, Result};
use crate::framing::LogWriter;
use crate::history::{Leaf, PartialRow};
use crate::layout;
use crate::online::{DEFAULT_INIT_TIMEOUT, Online, Start};
use crate::row::{LogOptions, Row};
use crate::settings::{Given, Mode, Resolved, Source};
use crate::shared::{Shared, SharedRole};
use crate::telemetry::{Feature, Telemetry};
use prost::Message;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use wb_core::internal::value::{history_row_to_json, summary_to_json};
use wb_core::json::{Dialect, Map, Value, to_string};
use wb_core::{Artifact, ArtifactTarget, LogValue, RunTarget};
pub(crate) mod resume;
pub(crate) mod save;
pub(crate) mod user_artifact;

use wb_proto::{
    ArtifactManifest, ArtifactManifestEntry, ArtifactRecord, ConfigItem, ConfigRecord, FilePolicy,
    FileType, FilesItem, FilesRecord, HeaderRecord, HistoryItem, HistoryRecord, HistoryStep,
    Record, RecordInfo, RecordType, RunExitRecord, RunRecord, StoragePolicyConfigItem, SummaryItem,
    SummaryRecord, Timestamp, VersionInfo,
};

/// The `producer` this library writes in the header record: the wandb version whose format it
/// writes, and who wrote it.
pub const PRODUCER: &str = concat!("0.31.0+wb-run-", env!("CARGO_PKG_VERSION"));
/// The `min_consumer` wandb-core 0.31.0 writes (the oldest server that reads the file).
pub const MIN_CONSUMER: &str = "0.70.0";

/// Builds a [`Run`]: `Run::builder()`, then the settings, then [`RunBuilder::build`].
///
/// A setting not given here is read from the environment as the Python SDK reads it
/// (`WANDB_MODE`, `WANDB_PROJECT`, `WANDB_ENTITY`, `WANDB_NAME`, `WANDB_NOTES`, `WANDB_TAGS`,
/// `WANDB_RUN_ID`, `WANDB_RUN_GROUP`, `WANDB_JOB_TYPE`, `WANDB_DIR`, `WANDB_SILENT`, `WANDB_INIT_TIMEOUT`,
/// `WANDB_SAVE_CODE`, `WANDB_BASE_URL`, `WANDB_API_KEY`, then the `.netrc` entry for the server's
/// host).
#[derive(Debug, Clone, Default)]
pub struct RunBuilder {
    given: Given,
    config: Map,
    host: Option<String>,
    data_dir: Option<PathBuf>,
    core_path: Option<PathBuf>,
    source: Source,
    console: Option<crate::console::Console>,
    system: crate::system::SystemSettings,
    finish_timeout: Option<Duration>,
}

impl RunBuilder {
    /// A builder with nothing set.
    pub fn new() -> Self {
        RunBuilder::default()
    }

    /// The folder the run goes under: `<dir>/wandb/<run folder>` (default `$WANDB_DIR`, else
    /// the current folder).
    pub fn with_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.given.dir = Some(dir.into());
        self
    }

    /// The project (default `$WANDB_PROJECT`; the server's `uncategorized` when none).
    pub fn with_project(mut self, project: impl Into<String>) -> Self {
        self.given.project = Some(project.into());
        self
    }

    /// The display name (`wandb.init(name=...)`, default `$WANDB_NAME`).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.given.name = Some(name.into());
        self
    }

    /// The entity (user or team) of the run (default `$WANDB_ENTITY`, else the key's user).
    pub fn with_entity(mut self, entity: impl Into<String>) -> Self {
        self.given.entity = Some(entity.into());
        self
    }

    /// The run group (default `$WANDB_RUN_GROUP`).
    pub fn with_group(mut self, group: impl Into<String>) -> Self {
        self.given.group = Some(group.into());
        self
    }

    /// The job type (default `$WANDB_JOB_TYPE`).
    pub fn with_job_type(mut self, job_type: impl Into<String>) -> Self {
        self.given.job_type = Some(job_type.into());
        self
    }

    /// Notes (default `$WANDB_NOTES`).
    pub fn with_notes(mut self, notes: impl Into<String>) -> Self {
        self.given.notes = Some(notes.into());
        self
    }

    /// Tags, in order (default `$WANDB_TAGS`, comma-separated). Calling it again adds tags.
    pub fn with_tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.given
            .tags
            .get_or_insert_with(Vec::new)
            .extend(tags.into_iter().map(Into::into));
        self
    }

    /// The initial config (`wandb.init(config=...)`), added to what was set before.
    pub fn with_config(mut self, config: Map) -> Self {
        self.config.extend(config);
        self
    }

    /// One initial config value.
    pub fn with_config_value(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.config.insert(key.into(), value.into());
        self
    }

    /// The run id (default `$WANDB_RUN_ID`, else 8 random characters from `[a-z0-9]`, as the
    /// SDK generates).
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.given.id = Some(id.into());
        self
    }

    /// The mode (default `$WANDB_MODE`; without either, online when an API key is found and
    /// offline otherwise).
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.given.mode = Some(mode);
        self
    }

    /// The API key of an online run (default `$WANDB_API_KEY`, else the `.netrc` entry for
    /// the server's host, as `wandb login` writes it).
    pub fn with_api_key(mut self, key: impl Into<String>) -> Self {
        self.given.api_key = Some(key.into());
        self
    }

    /// The W&B server of an online run (default `$WANDB_BASE_URL`, else
    /// `https://api.wandb.ai`).
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.given.base_url = Some(url.into());
        self
    }

    /// Whether the run prints nothing (default `$WANDB_SILENT`, else `false`).
    pub fn with_silent(mut self, silent: bool) -> Self {
        self.given.silent = Some(silent);
        self
    }

    /// The host name written in the run record (default: this machine's).
    pub fn with_host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The wandb data folder, where artifact files are staged (default `$WANDB_DATA_DIR`, else
    /// the user data folder, `~/.local/share/wandb` on Linux).
    pub fn with_data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// The wandb-core binary of an online run (default: `$WB_CORE_PATH`, an installed `wandb`
    /// Python package, or the cache `wb core install` fills).
    pub fn with_core_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.core_path = Some(path.into());
        self
    }

    /// How long creating an online run waits for the server to accept it before it is an
    /// error (default `$WANDB_INIT_TIMEOUT` seconds, else 90, the SDK's `init_timeout`).
    pub fn with_init_timeout(mut self, timeout: Duration) -> Self {
        self.given.init_timeout = Some(timeout);
        self
    }

    /// How long [`Run::finish`] of an online run waits for wandb-core to upload what is left
    /// before it gives up with [`Error::UploadIncomplete`] (the run stays complete locally for
    /// `wb sync`). Default: no limit, as the SDK waits while core retries a server that is
    /// down; zero also means no limit, as the SDK's `finish_timeout=0`.
    pub fn with_finish_timeout(mut self, timeout: Duration) -> Self {
        self.finish_timeout = (!timeout.is_zero()).then_some(timeout);
        self
    }

    /// How a run whose id may already exist starts (`wandb.init(resume=...)`, default
    /// `$WANDB_RESUME`): see [`Resume`](crate::Resume). Give the id with [`RunBuilder::with_id`] (or
    /// `$WANDB_RUN_ID`).
    pub fn with_resume(mut self, resume: resume::Resume) -> Self {
        self.given.resume = Some(resume);
        self
    }

    /// Whether the run captures the process's stdout and stderr as console output (the SDK's
    /// `console` setting; default `$WANDB_CONSOLE`, else [`Console::Auto`](crate::Console),
    /// which captures). [`Console::Off`](crate::Console::Off) captures nothing; lines written
    /// by the `log` logger or the `tracing` layer reach the run either way.
    pub fn with_console(mut self, console: crate::console::Console) -> Self {
        self.console = Some(console);
        self
    }

    /// Whether system metrics (CPU, memory, disk, network, NVIDIA GPUs) are sampled in the
    /// background and written as `stats` records, as the SDK does (default `true`).
    pub fn with_system_metrics(mut self, on: bool) -> Self {
        self.system.stats = on.then_some(
            self.system
                .stats
                .unwrap_or(crate::system::DEFAULT_STATS_INTERVAL),
        );
        self
    }

    /// How often system metrics are sampled (default 15 seconds, the SDK's
    /// `x_stats_sampling_interval`; intervals under 0.1 s are raised to it). Turns them on.
    pub fn with_stats_interval(mut self, interval: Duration) -> Self {
        self.system.stats = Some(interval);
        self
    }

    /// Whether the run metadata (OS, host, program and arguments, git commit and remote,
    /// CPUs, memory, disk, GPUs: the SDK's `environment` records, which become
    /// `wandb-metadata.json`) is written (default `true`).
    pub fn with_metadata(mut self, on: bool) -> Self {
        self.system.metadata = on;
        self
    }

    /// The role of this process in a [`Mode::Shared`] run (default `$WANDB_X_PRIMARY`: false
    /// makes a worker; else [`SharedRole::Primary`]). Workers attach to the primary's run by
    /// its id ([`RunBuilder::with_id`]).
    pub fn with_shared_role(mut self, role: SharedRole) -> Self {
        self.given.shared_role = Some(role);
        self
    }

    /// The label of this process's system metrics and console lines in a [`Mode::Shared`]
    /// run, e.g. `rank-1` (the SDK's `x_label`; default `$WANDB_X_LABEL`, else
    /// `<host>-<8 random characters>` as the SDK makes it).
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.given.label = Some(label.into());
        self
    }

    /// Whether the run saves the git state of its repository, as `wandb.init(save_code=True)`
    /// does (default `$WANDB_SAVE_CODE`, else off): at start, `files/diff.patch` (the tracked
    /// files' changes against `HEAD`, as `git diff HEAD` prints them) and
    /// `files/diff_<commit>.patch` (against the branch's upstream), read from `.git` without a
    /// git binary. `WANDB_DISABLE_GIT` turns the patches off. A repository that cannot be read
    /// gives a warning, not an error.
    pub fn with_save_code(mut self, on: bool) -> Self {
        self.given.save_code = Some(on);
        self
    }

    /// Reads the environment from `source` instead of the process (for tests).
    #[cfg(test)]
    pub(crate) fn with_source(mut self, source: Source) -> Self {
        self.source = source;
        self
    }

    /// Creates the run: its folder and `.wandb` log (header and run records), or nothing in
    /// [`Mode::Disabled`].
    pub fn build(self) -> Result<Run> {
        Run::create(self)
    }
}

/// The run id rules of `wandb.init(id=...)`.
fn validate_run_id(id: &str) -> Result<()> {
    const RESERVED: &str = ":;,#?/'";
    if id.is_empty() {
        return Err(Error::InvalidSetting("Run ID cannot be empty".into()));
    }
    if id.trim() != id {
        return Err(Error::InvalidSetting(
            "Run ID cannot start or end with whitespace".into(),
        ));
    }
    if id
        .chars()
        .any(|c| RESERVED.contains(c) || c == '\\' || c == '\0')
    {
        return Err(Error::InvalidSetting(format!(
            "Run ID cannot contain the characters: {RESERVED} (nor \\ or NUL, which cannot be in a file name), got {id:?}"
        )));
    }
    Ok(())
}

/// The project name rules of `wandb.init(project=...)`.
fn validate_project(project: &str) -> Result<()> {
    const INVALID: [char; 6] = ['/', '\\', '#', '?', '%', ':'];
    if project.chars().count() > 128 {
        return Err(Error::InvalidSetting(format!(
            "Invalid project name {project:?}: exceeded 128 characters"
        )));
    }
    let found: Vec<String> = INVALID
        .iter()
        .filter(|c| project.contains(**c))
        .map(char::to_string)
        .collect();
    if !found.is_empty() {
        return Err(Error::InvalidSetting(format!(
            "Invalid project name {project:?}: cannot contain characters '/,\\,#,?,%,:', found '{}'",
            found.join(",")
        )));
    }
    Ok(())
}

/// Steps and the row being built: the log order lock.
#[derive(Debug, Default)]
struct StepState {
    /// The SDK's `_local_step` (the step in media file names).
    local_step: i64,
    /// wandb-core's `partialHistoryStep` (the step of the row being built).
    core_step: i64,
    row: PartialRow,
    /// `define_metric` definitions and the summary state (wandb-core's metric handler).
    metrics: crate::metric::Metrics,
}

/// The open log file and the record counter.
#[derive(Debug)]
struct LogState {
    file: Option<File>,
    framer: LogWriter,
    next_num: i64,
    /// `config._wandb`, written whole on each change as the SDK does.
    config_wandb: Map,
    /// Set when a write failed part way: the file's framing can no longer be trusted.
    broken: Option<String>,
}

/// A W&B run: `<root>/wandb/offline-run-YYYYMMDD_HHMMSS-<id>/` (offline) or
/// `<root>/wandb/run-YYYYMMDD_HHMMSS-<id>/` (online) with `files/`, `logs/` and
/// `run-<id>.wandb`, which `wb sync` / `wandb sync` upload and `wandb leet` reads.
///
/// [`Mode::Online`] also uploads the run live through wandb-core, W&B's own uploader:
/// creating the run returns once the server has it ([`Run::url`]), `log` only queues records
/// for core (it never waits on the network), and [`Run::finish`] waits until everything is
/// uploaded. The local log holds every record whatever happens to core; if core stops, the
/// run goes on locally, says so, and [`Run::is_online`] turns false. A `finish` whose upload
/// did not complete (core stopped, the server refused the data, or did not take it within
/// [`RunBuilder::with_finish_timeout`]) returns [`Error::UploadIncomplete`]; `wb sync` of the
/// run folder uploads the rest. [`Mode::Disabled`] makes every call succeed and writes
/// nothing.
///
/// Logging works as `wandb.log` does in the SDK, with wandb-core's handling of steps: each
/// [`Run::log`] is one step; [`Run::log_with`] with a step adds to that step (rows for the same step merge
/// and are written when a later step starts or at [`Run::finish`]). Every method takes `&self`:
/// share the run between threads with an `Arc`; rows are written in step order, each one whole.
///
/// ```no_run
/// use wb_core::Histogram;
/// use wb_run::{Row, Run};
///
/// let run = Run::builder().with_project("my-project").with_name("first").build()?;
/// for step in 0..10 {
///     let weights: Vec<f64> = (0..100).map(|i| (i * step) as f64).collect();
///     run.log(
///         Row::new()
///             .with("loss", 1.0 / (step + 1) as f64)
///             .with_media("weights", Histogram::from_sequence(&weights)?),
///     )?;
/// }
/// run.summary(Row::new().with("best_loss", 0.1))?;
/// run.finish(0)?;
/// println!("wandb sync {}", run.dir().display());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Run {
    mode: Mode,
    /// A disabled run that was finished (a disabled run has no log file to close).
    disabled_finished: std::sync::atomic::AtomicBool,
    id: String,
    project: String,
    entity: String,
    name: Option<String>,
    run_dir: PathBuf,
    files_dir: PathBuf,
    log_path: PathBuf,
    data_dir: PathBuf,
    started: Instant,
    start_time: SystemTime,
    steps: Mutex<StepState>,
    log: Arc<Mutex<LogState>>,
    /// The connection to wandb-core of an online run.
    online: Option<Arc<Online>>,
    /// Whether the server had the run and it was resumed.
    resumed: bool,
    /// The step the run started at (after the last one of a resumed run).
    starting_step: u64,
    /// Console output: the capture of stdout/stderr and `output.log`.
    console: crate::console::ConsoleHook,
    /// The system metrics thread, stopped by `finish`.
    sampler: Option<crate::system::Sampler>,
    /// `save_code`'s git patches, made in the background.
    patches: Option<crate::system::git_diff::Saver>,
    /// The role and label of this process in a shared run.
    shared: Option<Shared>,
    /// The cumulative telemetry record.
    telemetry: Telemetry,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn unix_seconds(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Go's `Duration.Seconds()`: whole seconds plus nanoseconds / 1e9.
fn go_seconds(d: Duration) -> f64 {
    d.as_secs() as f64 + f64::from(d.subsec_nanos()) / 1e9
}

fn compact(v: &Value) -> String {
    to_string(v, Dialect::Compact)
}

/// A summary value as the SDK's `_summary_encode` leaves it: dicts are walked and a NaN leaf
/// reached through them becomes `null` (`json_friendly`); lists and media JSON are kept as
/// they are (a NaN inside a list stays NaN).
fn summary_friendly(logged: &LogValue, mut v: Value) -> Value {
    match (logged, &mut v) {
        (LogValue::Map(m), Value::Object(o)) => Value::Object(
            std::mem::take(o)
                .into_iter()
                .map(|(k, v)| {
                    let v = match m.get(&k) {
                        Some(l) => summary_friendly(l, v),
                        None => v,
                    };
                    (k, v)
                })
                .collect(),
        ),
        (LogValue::Json(_), _) => json_dict_friendly(v),
        _ => v,
    }
}

/// `_summary_encode` on plain JSON: NaN leaves under dicts become `null`, lists are kept.
fn json_dict_friendly(mut v: Value) -> Value {
    match &mut v {
        Value::Float(f) if f.is_nan() => Value::Null,
        Value::Object(m) => Value::Object(
            std::mem::take(m)
                .into_iter()
                .map(|(k, v)| (k, json_dict_friendly(v)))
                .collect(),
        ),
        _ => v,
    }
}

/// NaN becomes `null` in config values (in lists too), as the SDK's `json_friendly_val` makes
/// it.
fn config_friendly(mut v: Value) -> Value {
    match &mut v {
        Value::Float(f) if f.is_nan() => Value::Null,
        Value::Array(items) => Value::Array(
            std::mem::take(items)
                .into_iter()
                .map(config_friendly)
                .collect(),
        ),
        Value::Object(m) => Value::Object(
            std::mem::take(m)
                .into_iter()
                .map(|(k, v)| (k, config_friendly(v)))
                .collect(),
        ),
        _ => v,
    }
}

fn record(kind: RecordType, info: Option<&str>) -> Record {
    Record {
        num: 0,
        record_type: Some(kind),
        control: None,
        uuid: String::new(),
        info: info.map(|id| RecordInfo {
            stream_id: id.to_owned(),
            tracelog_id: String::new(),
        }),
    }
}

fn summary_leaf(path: Vec<String>, value_json: String) -> SummaryItem {
    SummaryItem {
        key: String::new(),
        nested_key: path,
        value_json,
    }
}

impl Run {
    /// Starts building a run: `Run::builder().with_project("p")...build()?`.
    pub fn builder() -> RunBuilder {
        RunBuilder::new()
    }

    fn create(b: RunBuilder) -> Result<Run> {
        let (settings, warnings) = crate::settings::resolve(b.given, &b.source)?;
        let telemetry = Telemetry::new(crate::telemetry::init_features(
            &settings,
            !b.config.is_empty(),
            b.finish_timeout.is_some(),
        ));
        let console = crate::console::resolve(b.console, &b.source)?;
        let Resolved {
            mode,
            fell_back_offline,
            project,
            entity,
            name,
            notes,
            tags,
            id,
            group,
            job_type,
            dir: root,
            silent,
            api_key,
            base_url,
            init_timeout,
            resume,
            shared_role,
            label,
            save_code,
        } = settings;
        if !silent {
            for w in &warnings {
                eprintln!("wandb: WARNING {w}");
            }
            if fell_back_offline {
                eprintln!("wandb: Using W&B in offline mode.");
            }
        }
        if !project.is_empty() {
            validate_project(&project)?;
        }
        let api_key = match (mode, api_key) {
            (Mode::Online | Mode::Shared, None) => return Err(Error::NoApiKey { base_url }),
            (_, key) => key.map(|(k, _)| k),
        };
        let id = match resume::choose_id(resume, id, &layout::wandb_dir(&root), silent) {
            Some(id) => {
                validate_run_id(&id)?;
                id
            }
            None => wb_core::internal::random::random_id(8),
        };
        let start_time = SystemTime::now();
        let started = Instant::now();
        let wandb_dir = layout::wandb_dir(&root);
        let mut dir_name = layout::run_dir_name(mode, start_time, &id);
        // The SDK's `set_sync_dir_suffix`: a run of the same id started in the same second
        // (a resumed run, a test) gets `-1`, `-2`, ...
        let first_name = dir_name.clone();
        let mut index = 1;
        while mode != Mode::Disabled && wandb_dir.join(&dir_name).exists() {
            dir_name = format!("{first_name}-{index}");
            index += 1;
        }
        let run_dir = wandb_dir.join(&dir_name);
        let files_dir = run_dir.join("files");
        let logs_dir = run_dir.join("logs");
        let log_path = run_dir.join(format!("run-{id}.wandb"));
        let data_dir = b.data_dir.unwrap_or_else(layout::default_data_dir);
        let host = b.host.unwrap_or_else(layout::host_name);
        let shared = (mode == Mode::Shared).then(|| Shared {
            role: shared_role,
            label: label.unwrap_or_else(|| crate::shared::default_label(&host)),
        });
        if mode == Mode::Disabled {
            return Ok(Run {
                mode,
                disabled_finished: std::sync::atomic::AtomicBool::new(false),
                project,
                entity,
                name,
                run_dir,
                files_dir,
                log_path,
                data_dir,
                started,
                start_time,
                steps: Mutex::new(StepState::default()),
                log: Arc::new(Mutex::new(LogState {
                    file: None,
                    framer: LogWriter::new(),
                    next_num: 1,
                    config_wandb: Map::new(),
                    broken: None,
                })),
                online: None,
                resumed: false,
                starting_step: 0,
                console: crate::console::ConsoleHook::default(),
                sampler: None,
                patches: None,
                shared: None,
                telemetry,
                id,
            });
        }
        for d in [&files_dir, &logs_dir] {
            std::fs::create_dir_all(d).map_err(|e| Error::io("creating folder", d, e))?;
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&log_path)
            .map_err(|e| Error::io("creating", &log_path, e))?;
        layout::relink(&wandb_dir, "latest-run", Path::new(&dir_name));
        let debug_rel = Path::new(&dir_name).join("logs").join("debug.log");
        layout::relink(&wandb_dir, "debug.log", &debug_rel);

        let mut run = Run {
            mode,
            disabled_finished: std::sync::atomic::AtomicBool::new(false),
            project,
            entity,
            name,
            run_dir,
            files_dir,
            log_path,
            data_dir,
            started,
            start_time,
            steps: Mutex::new(StepState::default()),
            log: Arc::new(Mutex::new(LogState {
                file: Some(file),
                framer: LogWriter::new(),
                next_num: 1,
                config_wandb: Map::new(),
                broken: None,
            })),
            online: None,
            resumed: false,
            starting_step: 0,
            console: crate::console::ConsoleHook::default(),
            sampler: None,
            patches: None,
            shared,
            telemetry,
            id,
        };
        match resume {
            Some(resume::Resume::Auto) => resume::save_auto_id(&wandb_dir, &run.id)?,
            Some(_) => {}
            None => resume::remove_auto_id(&wandb_dir),
        }

        let header = record(
            RecordType::Header(HeaderRecord {
                version_info: Some(VersionInfo {
                    producer: PRODUCER.into(),
                    min_consumer: MIN_CONSUMER.into(),
                    info: None,
                }),
                info: None,
            }),
            Some(&run.id),
        );
        let mut config = vec![ConfigItem {
            key: "_wandb".into(),
            nested_key: Vec::new(),
            value_json: "{}".into(),
        }];
        config.extend(b.config.into_iter().map(|(k, v)| ConfigItem {
            key: k,
            nested_key: Vec::new(),
            value_json: compact(&config_friendly(v)),
        }));
        let since_epoch = start_time.duration_since(UNIX_EPOCH).unwrap_or_default();
        let run_fields = RunRecord {
            run_id: run.id.clone(),
            entity: run.entity.clone(),
            project: run.project.clone(),
            config: Some(ConfigRecord {
                update: config,
                remove: Vec::new(),
                info: None,
            }),
            run_group: group,
            job_type,
            display_name: run.name.clone().unwrap_or_default(),
            notes,
            tags,
            host,
            start_time: Some(Timestamp {
                seconds: since_epoch.as_secs() as i64,
                nanos: since_epoch.subsec_nanos() as i32,
            }),
            telemetry: Some(run.telemetry.encoded()),
            ..RunRecord::default()
        };
        let run_record = record(RecordType::Run(run_fields.clone()), Some(&run.id));
        run.emit(|_| Ok(vec![header, run_record]))?;
        if let (Mode::Online | Mode::Shared, Some(api_key)) = (mode, api_key) {
            let start = Start {
                core_path: b.core_path.as_deref(),
                init_timeout: init_timeout.unwrap_or(DEFAULT_INIT_TIMEOUT),
                base_url: &base_url,
                api_key: &api_key,
                root_dir: &root,
                wandb_dir: &wandb_dir,
                run_dir: &run.run_dir,
                log_path: &run.log_path,
                start_unix: unix_seconds(start_time),
                silent,
                resume,
                shared: run.shared.as_ref(),
                finish_timeout: b.finish_timeout,
            };
            match Online::start(&start, &run_fields) {
                Ok((online, server_run)) => {
                    if run.entity.is_empty() {
                        run.entity = server_run.entity.clone();
                    }
                    run.online = Some(Arc::new(online));
                    run.resumed = server_run.resumed;
                    run.starting_step = server_run.starting_step.max(0) as u64;
                    run.apply_resumed(&server_run)?;
                    if run.resumed {
                        // Recorded for the first telemetry record (the run record went out).
                        let _ = run.telemetry.set(Feature::Resumed, &run.id);
                    }
                }
                Err(e) => {
                    // The run never started: close its log without an exit record.
                    let _ = lock(&run.log).file.take();
                    run.debug_log(&format!("wb-run: online run {} failed: {e}", run.id));
                    return Err(e);
                }
            }
        }
        if save_code && run.shared.as_ref().is_none_or(|s| s.role.is_primary()) {
            let sink = run.record_sink();
            let done: crate::system::git_diff::Done = Box::new(move |files, warnings| {
                for w in warnings {
                    if !silent {
                        eprintln!("wandb: WARNING {w}");
                    }
                }
                if let Some(files) = files {
                    let id = sink.run_id().to_owned();
                    let _ = sink.emit(vec![record(RecordType::Files(files), Some(&id))]);
                }
            });
            run.patches = Some(crate::system::git_diff::Saver::start(
                &root,
                &run.files_dir,
                done,
            ));
        }
        let facts = crate::system::RunFacts {
            root: &root,
            host: &run_fields.host,
            started: start_time,
        };
        run.sampler = crate::system::start(b.system, &facts, run.sink());
        run.console = crate::console::ConsoleHook::start(&run, console);
        // The run is ready: the SDK's first telemetry record.
        run.emit(|_| Ok(run.telemetry.ready(&run.id).into_iter().collect()))?;
        run.debug_log(&format!(
            "wb-run {}: {} run {} started in {}",
            env!("CARGO_PKG_VERSION"),
            mode,
            run.id,
            run.run_dir.display()
        ));
        Ok(run)
    }

    /// The run id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The project.
    pub fn project(&self) -> &str {
        &self.project
    }

    /// The display name, if one was given.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The run directory (`.../wandb/offline-run-YYYYMMDD_HHMMSS-<id>`), what `wandb sync`
    /// takes.
    pub fn dir(&self) -> &Path {
        &self.run_dir
    }

    /// When the run started (the run record's `start_time`).
    pub fn start_time(&self) -> SystemTime {
        self.start_time
    }

    /// The `.wandb` log file.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The command that uploads this run: `wandb sync <run dir>`.
    pub fn sync_command(&self) -> String {
        format!("wandb sync {}", self.run_dir.display())
    }

    /// The step the next [`Run::log`] goes to.
    pub fn step(&self) -> u64 {
        lock(&self.steps).core_step as u64
    }

    /// The run's mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The run's page on the W&B server (online runs).
    pub fn url(&self) -> Option<&str> {
        self.online.as_deref().map(Online::url)
    }

    /// Whether the run is uploading live: an online run whose wandb-core still takes its
    /// records. False for offline and disabled runs, and once core has stopped (the run then
    /// goes on locally; `wb sync` uploads the rest).
    pub fn is_online(&self) -> bool {
        self.online.as_deref().is_some_and(Online::is_alive)
    }

    /// The label of this process's system metrics and console lines in a [`Mode::Shared`]
    /// run (the SDK's `x_label`); `None` in other modes.
    pub fn label(&self) -> Option<&str> {
        self.shared.as_ref().map(|s| s.label.as_str())
    }

    /// The role of this process in a [`Mode::Shared`] run; `None` in other modes.
    pub fn shared_role(&self) -> Option<SharedRole> {
        self.shared.as_ref().map(|s| s.role)
    }

    /// Whether [`Run::finish`] was called.
    pub fn is_finished(&self) -> bool {
        if self.mode == Mode::Disabled {
            return self
                .disabled_finished
                .load(std::sync::atomic::Ordering::SeqCst);
        }
        lock(&self.log).file.is_none()
    }

    /// Logs one row as the next step (`run.log(row)`), and returns that step.
    pub fn log(&self, row: impl Into<Row>) -> Result<u64> {
        self.log_with(row, LogOptions::default())
    }

    /// `run.log(row, step=..., commit=...)`: without a step, the row goes to the current
    /// step; with one, rows for the same step merge and the step's row is written when a
    /// later step starts or the run finishes. A step below the current one is refused
    /// ([`Error::StepDecreased`]) and nothing is written. Returns the step logged to.
    pub fn log_with(&self, row: impl Into<Row>, options: LogOptions) -> Result<u64> {
        let (step, commit) = (options.step(), options.commit());
        let row = row.into();
        crate::row::check_depth(row.as_map())?;
        let mut st = lock(&self.steps);
        self.check_open()?;
        if self.mode == Mode::Disabled {
            return Ok(st.core_step as u64);
        }
        if step.is_some() {
            self.emit_with_telemetry(&[Feature::SetStepLog], Vec::new())?;
        }
        let step = match (&self.shared, step) {
            (Some(_), Some(s)) => {
                crate::shared::warn_step_ignored(s);
                None
            }
            (_, step) => step,
        };
        let step = step
            .map(|s| {
                i64::try_from(s).map_err(|_| {
                    Error::InvalidSetting(format!("step {s} is beyond the largest step, 2^63-1"))
                })
            })
            .transpose()?;
        if let Some(s) = step
            && s < st.core_step
        {
            return Err(Error::StepDecreased {
                step: s as u64,
                current: st.core_step as u64,
            });
        }
        // The SDK side: bind media (file names use the local step) and convert.
        let mut json = history_row_to_json(self, row.as_map(), st.local_step)?;
        let tables = crate::telemetry::table_features(json.values());
        json.shift_remove("_step");
        if !json.contains_key("_timestamp") {
            json.insert(
                "_timestamp".into(),
                Value::Float(unix_seconds(SystemTime::now())),
            );
        }
        // The core side: merge into the step's row, write completed steps.
        let mut out = Vec::new();
        if let Some(s) = step
            && s > st.core_step
        {
            self.flush_row(&mut st, s, &mut out);
        }
        for (k, v) in json {
            st.row.merge(k, v);
        }
        let logged = st.core_step;
        if commit.unwrap_or(step.is_none()) {
            let next = st.core_step + 1;
            self.flush_row(&mut st, next, &mut out);
        }
        if let Some(s) = step {
            st.local_step = st.local_step.max(s);
        }
        if (step.is_none() && commit.is_none()) || commit == Some(true) {
            st.local_step += 1;
        }
        if !out.is_empty() || !tables.is_empty() {
            self.emit_with_telemetry(&tables, out)?;
        }
        Ok(logged as u64)
    }

    /// Sets summary values (`run.summary.update(row)`): one summary item per top-level key,
    /// the whole value as JSON. Media in a summary are named `<dotted.key>_summary_<hash>`.
    pub fn summary(&self, row: impl Into<Row>) -> Result<()> {
        let row = row.into();
        crate::row::check_depth(row.as_map())?;
        self.check_open()?;
        if self.mode == Mode::Disabled {
            return Ok(());
        }
        self.emit_with_telemetry(&[Feature::SetSummary], Vec::new())?;
        let json = summary_to_json(self, row.as_map())?;
        let tables = crate::telemetry::table_features(json.values());
        {
            let mut st = lock(&self.steps);
            for k in json.keys() {
                st.metrics.set_explicit(std::slice::from_ref(k));
            }
        }
        let update = json
            .into_iter()
            .map(|(k, v)| {
                let v = match row.as_map().get(&k) {
                    Some(logged) => summary_friendly(logged, v),
                    None => v,
                };
                SummaryItem {
                    key: k,
                    nested_key: Vec::new(),
                    value_json: compact(&v),
                }
            })
            .collect();
        let rec = record(
            RecordType::Summary(SummaryRecord {
                update,
                remove: Vec::new(),
                info: None,
            }),
            Some(&self.id),
        );
        self.emit_with_telemetry(&tables, vec![rec])
    }

    /// Defines a metric (`run.define_metric(name, ...)`): its x-axis (a step metric, filled
    /// into rows that lack it unless `step_sync` is off), whether charts hide it, and which
    /// statistics the run summary keeps for it. A name ending in `*` defines every metric it
    /// starts (`"train/*"`); nested keys are joined with `.` (`"eval.loss"`).
    ///
    /// Writes the SDK's `metric` record (uploaded by wandb-core in online runs, where the
    /// charts use it) and applies the definition to the summary from the next written step,
    /// as wandb-core does: `{"min": .., "max": .., "mean": .., "last": .., "first": ..}` for
    /// the kinds asked, nothing for [`Summary::None`](crate::Summary::None). Definitions of
    /// the same name add up unless [`MetricOptions::with_overwrite`](crate::MetricOptions::with_overwrite).
    /// An empty name or a `*` before the end is refused ([`Error::InvalidMetric`]).
    ///
    /// ```no_run
    /// use wb_run::{MetricOptions, Row, Run, Summary};
    ///
    /// let run = Run::builder().with_project("my-project").build()?;
    /// run.define_metric("epoch", MetricOptions::default())?;
    /// run.define_metric(
    ///     "val/*",
    ///     MetricOptions::default()
    ///         .with_step_metric("epoch")
    ///         .with_summary([Summary::Min, Summary::Last]),
    /// )?;
    /// for epoch in 0..3 {
    ///     run.log(Row::new().with("epoch", epoch).with("val/loss", 1.0 / (epoch + 1) as f64))?;
    /// }
    /// // The summary holds {"val/loss": {"min": 0.333.., "last": 0.333..}, "epoch": 2, ...}.
    /// run.finish(0)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn define_metric(
        &self,
        name: impl AsRef<str>,
        options: crate::metric::MetricOptions,
    ) -> Result<()> {
        let rec = crate::metric::metric_record(name.as_ref(), &options)?;
        let mut st = lock(&self.steps);
        self.check_open()?;
        if self.mode == Mode::Disabled {
            return Ok(());
        }
        st.metrics.process(&rec);
        let rec = record(RecordType::Metric(rec), Some(&self.id));
        self.emit_with_telemetry(&crate::telemetry::metric_features(&options), vec![rec])
    }

    /// Updates the config (`run.config.update(values)`): one config item per top-level key.
    pub fn config_update(&self, values: Map) -> Result<()> {
        crate::row::check_config_depth(&values)?;
        if self.mode == Mode::Disabled {
            return Ok(());
        }
        let update = values
            .into_iter()
            .map(|(k, v)| ConfigItem {
                key: k,
                nested_key: Vec::new(),
                value_json: compact(&config_friendly(v)),
            })
            .collect();
        let rec = record(
            RecordType::Config(ConfigRecord {
                update,
                remove: Vec::new(),
                info: None,
            }),
            Some(&self.id),
        );
        self.emit(|_| Ok(vec![rec]))
    }

    /// Finishes the run (`run.finish(exit_code=...)`): writes the last step's row, the final
    /// runtime and the exit record, and closes the log. Exit code 0 marks the run finished,
    /// anything else failed. Finishing twice does nothing.
    ///
    /// An online run then waits for wandb-core's upload; if it did not complete (core
    /// stopped, the server refused the data, or [`RunBuilder::with_finish_timeout`] passed),
    /// the error is [`Error::UploadIncomplete`]: the run is complete in its folder all the
    /// same, for `wb sync`.
    pub fn finish(&self, exit_code: i32) -> Result<()> {
        if let Some(patches) = &self.patches {
            patches.wait();
        }
        self.console.stop();
        if let Some(sampler) = &self.sampler {
            sampler.stop();
        }
        let mut st = lock(&self.steps);
        if self.is_finished() {
            return Ok(());
        }
        if self.mode == Mode::Disabled {
            self.disabled_finished
                .store(true, std::sync::atomic::Ordering::SeqCst);
            return Ok(());
        }
        let mut out = vec![self.runtime_summary()];
        let next = st.core_step + 1;
        self.flush_row(&mut st, next, &mut out);
        let exit = record(
            RecordType::Exit(RunExitRecord {
                exit_code,
                runtime: self.started.elapsed().as_secs().min(i32::MAX as u64) as i32,
                not_complete: false,
                info: None,
            }),
            Some(&self.id),
        );
        out.push(exit.clone());
        self.emit_with_telemetry(&[Feature::Finish], out)?;
        let file = lock(&self.log).file.take();
        drop(st);
        let synced = match file {
            Some(f) => f
                .sync_all()
                .map_err(|e| Error::io("syncing", &self.log_path, e)),
            None => Ok(()),
        };
        // No lock is held while core uploads what is left.
        let upload_failed = match &self.online {
            Some(online) => {
                let failed = online.finish(exit, exit_code, &self.run_dir);
                if !online.is_alive() {
                    crate::console::rebuild_output_log(&self.run_dir);
                }
                failed
            }
            None => None,
        };
        synced?;
        if exit_code == 0
            && let Some(wandb_dir) = self.run_dir.parent()
        {
            resume::remove_auto_id(wandb_dir);
        }
        self.debug_log(&format!(
            "wb-run: run {} finished with exit code {exit_code}",
            self.id
        ));
        match upload_failed {
            Some(reason) => Err(Error::UploadIncomplete {
                run_id: self.id.clone(),
                run_dir: self.run_dir.clone(),
                reason,
            }),
            None => Ok(()),
        }
    }

    fn check_open(&self) -> Result<()> {
        if self.is_finished() {
            Err(Error::Finished {
                run_id: self.id.clone(),
            })
        } else {
            Ok(())
        }
    }

    /// wandb-core's `updateRunTiming`: whole seconds as `_wandb.runtime` and `_runtime`.
    fn runtime_summary(&self) -> Record {
        let secs = self.started.elapsed().as_secs().to_string();
        record(
            RecordType::Summary(SummaryRecord {
                update: vec![
                    summary_leaf(vec!["_wandb".into(), "runtime".into()], secs.clone()),
                    SummaryItem {
                        key: "_runtime".into(),
                        nested_key: Vec::new(),
                        value_json: secs,
                    },
                ],
                remove: Vec::new(),
                info: None,
            }),
            None,
        )
    }

    /// wandb-core's `flushPartialHistory(true, next)`: writes the step's row (runtime summary,
    /// derived summary, history) when it has anything, then moves to `next`.
    fn flush_row(&self, st: &mut StepState, next: i64, out: &mut Vec<Record>) {
        if st.row.is_empty() {
            st.core_step = next;
            return;
        }
        st.row
            .set("_runtime", Value::Float(go_seconds(self.started.elapsed())));
        // In shared mode the server numbers the rows of every process: no step is sent.
        let shared = self.shared.is_some();
        if !shared {
            st.row.set("_step", Value::Int(i128::from(st.core_step)));
        }
        let StepState { row, metrics, .. } = st;
        metrics.prepare_row(row);
        out.push(self.runtime_summary());
        metrics.set_explicit(&["_wandb".into(), "runtime".into()]);
        metrics.set_explicit(&["_runtime".into()]);
        // The derived summary: each leaf's latest value (a `null` leaf has none, so wandb-core
        // leaves it, and whatever the summary held there, alone), or the statistics its
        // defined metric asks for.
        let mut update: Vec<SummaryItem> = Vec::new();
        let leaves: Vec<Leaf> = row.take_leaves_with(|path, value, text| {
            update.extend(metrics.summary_item(path, value, text));
        });
        if !update.is_empty() {
            out.push(record(
                RecordType::Summary(SummaryRecord {
                    update,
                    remove: Vec::new(),
                    info: None,
                }),
                None,
            ));
        }
        let item = leaves
            .into_iter()
            .map(|(nested_key, value_json)| HistoryItem {
                key: String::new(),
                nested_key,
                value: None,
                value_json,
            })
            .collect();
        out.push(record(
            RecordType::History(HistoryRecord {
                item,
                step: (!shared).then_some(HistoryStep { num: st.core_step }),
                info: None,
            }),
            None,
        ));
        st.core_step = next;
    }

    /// Numbers, frames and writes records (from `make`, which sees the log state) in one write.
    /// Called from the user's own calls only: it may warn, once no lock is held, that core
    /// stopped.
    fn emit(&self, make: impl FnOnce(&mut LogState) -> Result<Vec<Record>>) -> Result<()> {
        let result = self.sink_parts().emit(make);
        if let Some(o) = &self.online {
            o.report_lost(&self.run_dir);
        }
        result
    }

    /// Sets telemetry `features` and writes the telemetry records that makes (each change its
    /// own record, as the SDK writes them), then `records`, in one write.
    fn emit_with_telemetry(&self, features: &[Feature], records: Vec<Record>) -> Result<()> {
        self.emit(|_| {
            let mut out = self.telemetry.set_each(features.iter().copied(), &self.id);
            out.extend(records);
            Ok(out)
        })
    }

    fn sink_parts(&self) -> SinkParts<'_> {
        SinkParts {
            mode: self.mode,
            id: &self.id,
            log_path: &self.log_path,
            log: &self.log,
            online: self.online.as_deref(),
        }
    }

    /// The run's console output hooks.
    #[cfg_attr(not(any(feature = "log", feature = "tracing")), allow(dead_code))]
    pub(crate) fn console_hook(&self) -> &crate::console::ConsoleHook {
        &self.console
    }

    /// A handle that writes records to this run's log from another thread (console capture).
    pub(crate) fn record_sink(&self) -> RecordSink {
        RecordSink {
            mode: self.mode,
            id: self.id.clone(),
            log_path: self.log_path.clone(),
            log: Arc::clone(&self.log),
            online: self.online.clone(),
        }
    }

    /// Where the system sampler's records go: the same log (and core), through a
    /// [`RecordSink`]; false once the run is finished.
    fn sink(&self) -> crate::system::Sink {
        let sink = self.record_sink();
        // In a shared run, each process's system metrics are told apart by its label, as
        // wandb-core's monitor names them (`<key>/l:<label>`).
        let label = self.label().map(str::to_owned);
        Box::new(move |record| {
            let record = match &label {
                Some(label) => crate::shared::label_stats(record, label),
                None => record,
            };
            sink.emit(vec![record]).is_ok()
        })
    }

    fn debug_log(&self, line: &str) {
        if self.mode == Mode::Disabled {
            return;
        }
        let path = self.run_dir.join("logs").join("debug.log");
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{line}");
        }
    }

    fn artifact_record(&self, artifact: &Artifact) -> Result<ArtifactRecord> {
        let staging = self.data_dir.join("artifacts").join("staging");
        let mut entries: Vec<(&String, &wb_core::internal::artifact::ArtifactEntry)> =
            artifact.entries.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut contents = Vec::with_capacity(entries.len());
        let mut digest_input = String::from("wandb-artifact-manifest-v1\n");
        for (name, entry) in entries {
            let staged = layout::stage_file(&staging, &entry.data)?;
            digest_input.push_str(&format!("{name}:{}\n", entry.digest));
            contents.push(ArtifactManifestEntry {
                path: name.clone(),
                digest: entry.digest.clone(),
                size: entry.size as i64,
                local_path: staged.to_string_lossy().into_owned(),
                ..ArtifactManifestEntry::default()
            });
        }
        Ok(ArtifactRecord {
            run_id: self.id.clone(),
            project: self.project.clone(),
            entity: self.entity.clone(),
            artifact_type: artifact.artifact_type.clone(),
            name: artifact.name.clone(),
            digest: wb_core::internal::hash::md5_hex(digest_input.as_bytes()),
            aliases: vec!["latest".into()],
            manifest: Some(ArtifactManifest {
                version: 1,
                storage_policy: "wandb-storage-policy-v1".into(),
                storage_policy_config: vec![StoragePolicyConfigItem {
                    key: "storageLayout".into(),
                    value_json: "\"V2\"".into(),
                }],
                contents,
                manifest_file_path: String::new(),
            }),
            finalize: true,
            client_id: artifact.client_id().to_owned(),
            sequence_client_id: artifact.sequence_client_id().to_owned(),
            digest_algorithm: "MANIFEST_MD5".into(),
            incremental_beta1: artifact.incremental,
            description: artifact.description().unwrap_or_default().to_owned(),
            metadata: if artifact.metadata().is_empty() {
                String::new()
            } else {
                compact(&Value::Object(artifact.metadata().clone()))
            },
            ..ArtifactRecord::default()
        })
    }
}

/// What [`Run`]'s writes need, borrowed: shared by the run and by [`RecordSink`].
struct SinkParts<'a> {
    mode: Mode,
    id: &'a str,
    log_path: &'a Path,
    log: &'a Mutex<LogState>,
    online: Option<&'a Online>,
}

impl SinkParts<'_> {
    fn emit(&self, make: impl FnOnce(&mut LogState) -> Result<Vec<Record>>) -> Result<()> {
        if self.mode == Mode::Disabled {
            return Ok(());
        }
        let mut log = lock(self.log);
        if let Some(why) = &log.broken {
            return Err(Error::io(
                "writing",
                self.log_path,
                std::io::Error::other(format!(
                    "an earlier write failed ({why}); the log is closed"
                )),
            ));
        }
        if log.file.is_none() {
            return Err(Error::Finished {
                run_id: self.id.to_owned(),
            });
        }
        let records = make(&mut log)?;
        // The records core uploads: all but the header and run records (sent when the run
        // started) and the exit record (sent by `finish`, which waits for its answer).
        let forward: Vec<Record> = match self.online {
            Some(o) if o.is_alive() => records
                .iter()
                .filter(|r| {
                    !matches!(
                        r.record_type,
                        Some(RecordType::Header(_) | RecordType::Run(_) | RecordType::Exit(_))
                    )
                })
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        let mut buf = Vec::new();
        for mut r in records {
            r.num = log.next_num;
            log.next_num += 1;
            buf.clear();
            r.encode(&mut buf).map_err(|e| {
                Error::io(
                    "encoding a record for",
                    self.log_path,
                    std::io::Error::other(e),
                )
            })?;
            log.framer.add_record(&buf);
        }
        let LogState {
            file,
            framer,
            broken,
            ..
        } = &mut *log;
        let result = match file {
            Some(f) => f.write_all(framer.buffer()),
            None => Ok(()),
        };
        framer.clear();
        result.map_err(|e| {
            *broken = Some(e.to_string());
            Error::io("writing", self.log_path, e)
        })?;
        if let Some(o) = self.online
            && !forward.is_empty()
        {
            o.forward(forward);
        }
        Ok(())
    }
}

/// Writes records to a run's log (and forwards them to core) from another thread; every
/// write fails with [`Error::Finished`] once the run is finished.
#[derive(Debug, Clone)]
pub(crate) struct RecordSink {
    mode: Mode,
    id: String,
    log_path: PathBuf,
    log: Arc<Mutex<LogState>>,
    online: Option<Arc<Online>>,
}

impl RecordSink {
    /// Numbers, frames and writes `records` in one write, as the run's own writes are.
    pub(crate) fn emit(&self, records: Vec<Record>) -> Result<()> {
        SinkParts {
            mode: self.mode,
            id: &self.id,
            log_path: &self.log_path,
            log: &self.log,
            online: self.online.as_deref(),
        }
        .emit(|_| Ok(records))
    }

    /// The run id.
    pub(crate) fn run_id(&self) -> &str {
        &self.id
    }

    /// Whether core writes the run's files (`output.log`) itself: an online run.
    pub(crate) fn is_online(&self) -> bool {
        self.online.is_some()
    }
}

impl RunTarget for Run {
    fn files_dir(&self) -> &Path {
        &self.files_dir
    }

    fn run_id(&self) -> &str {
        &self.id
    }

    /// A `FilesRecord` with policy NOW and type OTHER, as `_publish_file` sends.
    fn publish_file(&self, rel_path: &str) -> wb_core::Result<()> {
        let rec = record(
            RecordType::Files(FilesRecord {
                files: vec![FilesItem {
                    path: rel_path.to_owned(),
                    policy: FilePolicy::Now as i32,
                    file_type: FileType::Other as i32,
                }],
                info: None,
            }),
            Some(&self.id),
        );
        self.emit(|_| Ok(vec![rec])).map_err(to_core)
    }

    /// An `ArtifactRecord` (alias `latest`, storage policy `wandb-storage-policy-v1` with layout
    /// V2, digest algorithm `MANIFEST_MD5`), each entry staged as a read-only copy under the
    /// data folder's `artifacts/staging/`.
    fn log_artifact(&self, artifact: Artifact) -> wb_core::Result<()> {
        let art = self.artifact_record(&artifact).map_err(to_core)?;
        let rec = record(RecordType::Artifact(art), Some(&self.id));
        self.emit(|_| Ok(vec![rec])).map_err(to_core)
    }

    /// Writes the whole `_wandb` config key, as the SDK does on each change.
    fn update_config_singleton(
        &self,
        section: &str,
        key: &str,
        value: Value,
    ) -> wb_core::Result<()> {
        let id = self.id.clone();
        self.emit(|log| {
            let sec = log
                .config_wandb
                .entry(section.to_owned())
                .or_insert_with(Value::object);
            if !matches!(sec, Value::Object(_)) {
                *sec = Value::object();
            }
            if let Some(m) = sec.as_object_mut() {
                m.insert(key.to_owned(), value);
            }
            let json = compact(&Value::Object(log.config_wandb.clone()));
            Ok(vec![record(
                RecordType::Config(ConfigRecord {
                    update: vec![ConfigItem {
                        key: "_wandb".into(),
                        nested_key: Vec::new(),
                        value_json: json,
                    }],
                    remove: Vec::new(),
                    info: None,
                }),
                Some(&id),
            )])
        })
        .map_err(to_core)
    }
}

/// wb-core's trait returns wb-core errors: pass core errors through, wrap the others.
fn to_core(e: Error) -> wb_core::Error {
    match e {
        Error::Core(c) => c,
        Error::Io {
            action,
            path,
            source,
        } => wb_core::Error::io(action, path, source),
        other => wb_core::Error::Unsupported(other.to_string()),
    }
}

impl Drop for Run {
    /// A run dropped without [`Run::finish`] is finished with exit code 0, or 1 while
    /// unwinding from a panic (the SDK finishes runs at interpreter exit).
    fn drop(&mut self) {
        if !self.is_finished() {
            let code = if std::thread::panicking() { 1 } else { 0 };
            let _ = self.finish(code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_and_projects_follow_the_sdk_rules() {
        assert!(validate_run_id("abc123").is_ok());
        assert_eq!(
            validate_run_id("").unwrap_err().to_string(),
            "Run ID cannot be empty"
        );
        assert!(
            validate_run_id("a/b")
                .unwrap_err()
                .to_string()
                .starts_with("Run ID cannot contain the characters: :;,#?/'")
        );
        assert!(validate_run_id(" a").is_err());
        assert!(validate_project("my-project").is_ok());
        assert_eq!(
            validate_project("a/b#").unwrap_err().to_string(),
            "Invalid project name \"a/b#\": cannot contain characters '/,\\,#,?,%,:', found '/,#'"
        );
        assert!(validate_project(&"x".repeat(129)).is_err());
    }

    fn source(vars: &[(&str, &str)], home: &Path) -> Source {
        Source::Fixed {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            home: Some(home.to_path_buf()),
        }
    }

    /// Every file and folder under `dir`.
    fn tree(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                out.push(e.path());
                if e.path().is_dir() {
                    stack.push(e.path());
                }
            }
        }
        out
    }

    #[test]
    fn disabled_runs_succeed_and_write_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        std::fs::create_dir(&root).unwrap();
        let data = tmp.path().join("data");
        for builder in [
            Run::builder().with_mode(Mode::Disabled),
            Run::builder().with_source(source(&[("WANDB_MODE", "disabled")], tmp.path())),
        ] {
            let run = builder
                .with_dir(&root)
                .with_project("p")
                .with_data_dir(&data)
                .with_config_value("lr", 0.1)
                .with_source(source(&[("WANDB_MODE", "disabled")], tmp.path()))
                .build()
                .unwrap();
            assert_eq!(run.mode(), Mode::Disabled);
            let h = wb_core::Histogram::from_sequence(&[1.0, 2.0]).unwrap();
            run.log(Row::new().with("x", 1).with_media("h", h)).unwrap();
            run.log_with(Row::new().with("y", 2), LogOptions::default().with_step(5))
                .unwrap();
            run.summary(Row::new().with("best", 1)).unwrap();
            run.config_update(Map::new()).unwrap();
            assert!(!run.is_finished());
            run.finish(0).unwrap();
            assert!(run.is_finished());
            assert!(run.log(Row::new().with("x", 1)).is_err());
        }
        assert_eq!(tree(&root), Vec::<PathBuf>::new());
        assert!(!data.exists());
    }

    #[test]
    fn the_run_folder_is_named_by_mode_and_settings_come_from_the_source() {
        let tmp = tempfile::tempdir().unwrap();
        let vars = [
            ("WANDB_MODE", "offline"),
            ("WANDB_PROJECT", "env-project"),
            ("WANDB_RUN_ID", "envid123"),
            ("WANDB_NAME", "env-name"),
            ("WANDB_SILENT", "true"),
        ];
        let run = Run::builder()
            .with_dir(tmp.path())
            .with_data_dir(tmp.path().join("data"))
            .with_source(source(&vars, tmp.path()))
            .build()
            .unwrap();
        assert_eq!(
            (run.mode(), run.id(), run.project(), run.name()),
            (Mode::Offline, "envid123", "env-project", Some("env-name"))
        );
        let folder = run
            .dir()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(folder.starts_with("offline-run-") && folder.ends_with("-envid123"));
        run.finish(0).unwrap();
        let log = crate::RunLog::read(run.dir()).unwrap();
        let rec = log.run().unwrap();
        assert_eq!(
            (rec.project.as_str(), rec.display_name.as_str()),
            ("env-project", "env-name")
        );
    }

    #[test]
    fn online_without_a_key_is_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let err = Run::builder()
            .with_dir(tmp.path())
            .with_mode(Mode::Online)
            .with_source(source(&[], tmp.path()))
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::NoApiKey { .. }), "{err}");
        assert!(err.to_string().contains("WANDB_API_KEY"));
        assert_eq!(tree(tmp.path()), Vec::<PathBuf>::new());
    }

    #[test]
    fn run_is_send_and_sync() {
        fn is<T: Send + Sync>() {}
        is::<Run>();
    }

    #[test]
    fn go_seconds_matches_duration_seconds() {
        assert_eq!(go_seconds(Duration::new(1, 345_301_571)), 1.345301571);
        assert_eq!(go_seconds(Duration::from_nanos(993_597_601)), 0.993597601);
    }
}
