//! Run settings as the Python SDK resolves them: the builder's values, then the `WANDB_*`
//! environment variables, then `~/.netrc` for the API key, then the defaults.

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::fmt;
#[cfg(test)]
use std::path::Path;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The server a run goes to when neither the builder nor `WANDB_BASE_URL` names one.
pub const DEFAULT_BASE_URL: &str = "https://api.wandb.ai";

/// How a run is recorded (`wandb.init(mode=...)`, `WANDB_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// Written locally and uploaded live through wandb-core.
    Online,
    /// Written locally only (`wb sync` or `wandb sync` uploads it later); needs no binary.
    Offline,
    /// Every call succeeds and nothing is written.
    Disabled,
    /// Online, with several processes logging to one run (the SDK's experimental shared
    /// mode): see [`SharedRole`](crate::SharedRole) and `RunBuilder::with_shared_role`.
    Shared,
}

impl Mode {
    /// The SDK's name of the mode.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Online => "online",
            Mode::Offline => "offline",
            Mode::Disabled => "disabled",
            Mode::Shared => "shared",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = Error;

    /// The SDK's names, with its aliases `run` (online) and `dryrun` (offline).
    fn from_str(s: &str) -> Result<Mode> {
        match s {
            "online" | "run" => Ok(Mode::Online),
            "offline" | "dryrun" => Ok(Mode::Offline),
            "disabled" => Ok(Mode::Disabled),
            "shared" => Ok(Mode::Shared),
            other => Err(Error::InvalidSetting(format!(
                "invalid mode {other:?}: the mode must be one of \"online\", \"offline\", \"disabled\" or \"shared\" (also \"run\" and \"dryrun\")"
            ))),
        }
    }
}

/// Where settings come from besides the builder: environment variables and the home folder.
/// The process's environment in real use; a map in tests, so they need not change the
/// process environment.
#[derive(Debug, Clone, Default)]
pub(crate) enum Source {
    /// `std::env` and the user's home folder.
    #[default]
    Process,
    /// Fixed variables and home folder.
    #[cfg_attr(not(test), allow(dead_code))]
    Fixed {
        vars: HashMap<String, String>,
        home: Option<PathBuf>,
    },
}

impl Source {
    /// A non-empty variable.
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        let v = match self {
            Source::Process => std::env::var(name).ok(),
            Source::Fixed { vars, .. } => vars.get(name).cloned(),
        };
        v.filter(|v| !v.is_empty())
    }

    fn home(&self) -> Option<PathBuf> {
        match self {
            Source::Process => std::env::var_os("HOME")
                .or_else(|| std::env::var_os("USERPROFILE"))
                .map(PathBuf::from)
                .filter(|p| !p.as_os_str().is_empty()),
            Source::Fixed { home, .. } => home.clone(),
        }
    }
}

/// The settings a builder was given (each `None` when not given).
#[derive(Debug, Clone, Default)]
pub(crate) struct Given {
    pub mode: Option<Mode>,
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    pub project: Option<String>,
    pub entity: Option<String>,
    pub name: Option<String>,
    pub notes: Option<String>,
    pub tags: Option<Vec<String>>,
    pub id: Option<String>,
    pub group: Option<String>,
    pub job_type: Option<String>,
    pub dir: Option<PathBuf>,
    pub silent: Option<bool>,
    pub init_timeout: Option<Duration>,
    pub resume: Option<crate::run::resume::Resume>,
    pub shared_role: Option<crate::SharedRole>,
    pub label: Option<String>,
    pub save_code: Option<bool>,
}

/// Where the API key was found (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeySource {
    Builder,
    Env,
    Netrc(PathBuf),
}

/// The settings a run uses, resolved.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub mode: Mode,
    /// Set when no mode was given and no key was found: the run went offline, as the SDK does
    /// when the user chooses offline at its login prompt.
    pub fell_back_offline: bool,
    pub api_key: Option<(String, KeySource)>,
    pub base_url: String,
    pub project: String,
    pub entity: String,
    pub name: Option<String>,
    pub notes: String,
    pub tags: Vec<String>,
    pub id: Option<String>,
    pub group: String,
    pub job_type: String,
    pub dir: PathBuf,
    pub silent: bool,
    /// How long creating an online run waits for the server (`None`: the default).
    pub init_timeout: Option<Duration>,
    /// `resume` (the builder's, else `WANDB_RESUME`).
    pub resume: Option<crate::run::resume::Resume>,
    /// The role of this process in a shared run (`Primary` unless given).
    pub shared_role: crate::SharedRole,
    /// The label given for this process's system metrics and console lines (`x_label`).
    pub label: Option<String>,
    /// Whether the git patches are saved (`save_code`; off when `WANDB_DISABLE_GIT` is set).
    pub save_code: bool,
}

/// The SDK's boolean parsing of an environment value (`true`, `1`, `yes`, `on`, ...).
fn truthy(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => Some(true),
        "0" | "false" | "f" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

/// `WANDB_TAGS`: comma-separated, as the SDK splits it; each tag 1 to 64 characters.
fn parse_tags(v: &str) -> Result<Vec<String>> {
    v.split(',')
        .map(|t| {
            let n = t.chars().count();
            if n == 0 || n > 64 {
                Err(Error::InvalidSetting(format!(
                    "invalid tag {t:?} in WANDB_TAGS={v:?}: tags must be between 1 and 64 characters"
                )))
            } else {
                Ok(t.to_owned())
            }
        })
        .collect()
}

/// The `host[:port]` of a URL (what `.netrc`'s `machine` names).
fn url_netloc(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let netloc = rest.split(['/', '?', '#']).next().unwrap_or("");
    let netloc = netloc.rsplit_once('@').map_or(netloc, |(_, h)| h);
    (!netloc.is_empty()).then_some(netloc)
}

/// The `.netrc` file: `$NETRC`, else `~/.netrc`, else `~/_netrc` when only that exists.
fn netrc_path(src: &Source) -> Option<PathBuf> {
    if let Some(p) = src.var("NETRC") {
        return Some(expand_home(&p, src));
    }
    let home = src.home()?;
    let unix = home.join(".netrc");
    let windows = home.join("_netrc");
    if !unix.exists() && windows.exists() {
        Some(windows)
    } else {
        Some(unix)
    }
}

fn expand_home(p: &str, src: &Source) -> PathBuf {
    match (p.strip_prefix("~/"), src.home()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(p),
    }
}

/// The password of `machine` in a `.netrc` text (tokens separated by white space; the
/// `default` entry when no machine matches, as Python's `netrc.authenticators` does).
pub(crate) fn netrc_password(text: &str, machine: &str) -> Option<String> {
    let mut tokens = netrc_tokens(text).into_iter().peekable();
    let mut found: Option<String> = None;
    let mut default: Option<String> = None;
    while let Some(tok) = tokens.next() {
        let target = match tok.as_str() {
            "machine" => match tokens.next() {
                Some(name) if name == machine => Target::Match,
                Some(_) => Target::Other,
                None => break,
            },
            "default" => Target::Default,
            "macdef" => {
                // A macro runs to the next blank line; the tokenizer does not keep lines, so
                // skip its name and stop looking for passwords in it.
                tokens.next();
                continue;
            }
            _ => continue,
        };
        let mut password = None;
        while let Some(next) = tokens.peek() {
            if matches!(next.as_str(), "machine" | "default" | "macdef") {
                break;
            }
            let key = tokens.next().unwrap_or_default();
            let value = tokens.next();
            if matches!(key.as_str(), "password" | "passwd") {
                password = value;
            }
        }
        match target {
            Target::Match if found.is_none() => found = password,
            Target::Default => default = password,
            _ => {}
        }
    }
    found.or(default)
}

enum Target {
    Match,
    Other,
    Default,
}

/// White-space separated tokens, with `"..."` quoting and `#` comments at the start of a
/// token, as Python's `netrc` module reads them.
fn netrc_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut chars = line.chars().peekable();
        loop {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            let Some(&c) = chars.peek() else { break };
            if c == '#' {
                break;
            }
            let mut tok = String::new();
            if c == '"' {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => tok.extend(chars.next()),
                        c => tok.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    chars.next();
                    if c == '\\' {
                        tok.extend(chars.next());
                    } else {
                        tok.push(c);
                    }
                }
            }
            out.push(tok);
        }
    }
    out
}

/// The API key for `base_url`: the builder's, else `WANDB_API_KEY`, else the `.netrc` entry
/// for the URL's host (an unreadable `.netrc` is skipped with a warning, as in the SDK).
fn find_api_key(
    given: Option<&str>,
    base_url: &str,
    src: &Source,
    warnings: &mut Vec<String>,
) -> Option<(String, KeySource)> {
    if let Some(k) = given {
        return Some((k.to_owned(), KeySource::Builder));
    }
    if let Some(k) = src.var("WANDB_API_KEY") {
        return Some((k, KeySource::Env));
    }
    let path = netrc_path(src)?;
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            warnings.push(format!(
                "Failed to read netrc file at {}: {e}",
                path.display()
            ));
            return None;
        }
    };
    let machine = url_netloc(base_url)?;
    let key = netrc_password(&text, machine)?;
    if key.is_empty() {
        warnings.push(format!(
            "Found entry for machine {machine:?} with no API key at {}",
            path.display()
        ));
        return None;
    }
    Some((key, KeySource::Netrc(path)))
}

/// Resolves the settings: the builder's values win over the environment's, the environment's
/// over the defaults. Returns the settings and the warnings to print.
pub(crate) fn resolve(given: Given, src: &Source) -> Result<(Resolved, Vec<String>)> {
    let mut warnings = Vec::new();
    let env_mode = src
        .var("WANDB_MODE")
        .map(|m| m.parse::<Mode>())
        .transpose()?;
    let mode_given = given.mode.or(env_mode);
    let base_url = given
        .base_url
        .or_else(|| src.var("WANDB_BASE_URL"))
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned())
        .trim_end_matches('/')
        .to_owned();
    let needs_key = mode_given.is_none_or(|m| matches!(m, Mode::Online | Mode::Shared));
    let api_key = if needs_key {
        find_api_key(given.api_key.as_deref(), &base_url, src, &mut warnings)
    } else {
        None
    };
    // The SDK's default mode is online; without a key it asks at a prompt (online with a key
    // typed in, or offline). A library cannot prompt: without a key it goes offline.
    let (mode, fell_back_offline) = match (mode_given, &api_key) {
        (Some(m), _) => (m, false),
        (None, Some(_)) => (Mode::Online, false),
        (None, None) => (Mode::Offline, true),
    };
    let silent = match (given.silent, src.var("WANDB_SILENT")) {
        (Some(s), _) => s,
        (None, Some(v)) => truthy(&v).ok_or_else(|| {
            Error::InvalidSetting(format!(
                "invalid WANDB_SILENT={v:?}: use true or false (also 1/0, yes/no, on/off)"
            ))
        })?,
        (None, None) => false,
    };
    let tags = match (given.tags, src.var("WANDB_TAGS")) {
        (Some(t), _) => t,
        (None, Some(v)) => parse_tags(&v)?,
        (None, None) => Vec::new(),
    };
    let dir = match (given.dir, src.var("WANDB_DIR")) {
        (Some(d), _) => d,
        (None, Some(d)) => expand_home(&d, src),
        (None, None) => PathBuf::from("."),
    };
    let init_timeout = match (given.init_timeout, src.var("WANDB_INIT_TIMEOUT")) {
        (Some(t), _) => Some(t),
        (None, Some(v)) => Some(
            v.trim()
                .parse::<f64>()
                .ok()
                .and_then(|s| Duration::try_from_secs_f64(s).ok())
                .ok_or_else(|| {
                    Error::InvalidSetting(format!(
                        "invalid WANDB_INIT_TIMEOUT={v:?}: give a number of seconds, 0 or more"
                    ))
                })?,
        ),
        (None, None) => None,
    };
    let resume =
        match (given.resume, src.var("WANDB_RESUME")) {
            (Some(r), _) => Some(r),
            (None, Some(v)) => Some(v.trim().parse::<crate::run::resume::Resume>().map_err(
                |_| {
                    Error::InvalidSetting(format!(
                        "invalid WANDB_RESUME={v:?}: use allow, must, never or auto"
                    ))
                },
            )?),
            (None, None) => None,
        };
    // `x_primary` from the environment (`WANDB_X_PRIMARY` or `WANDB__PRIMARY`, as the SDK
    // maps `WANDB_*` variables onto its settings): false makes this process a worker.
    let shared_role = match given.shared_role {
        Some(r) => r,
        None => match src
            .var("WANDB_X_PRIMARY")
            .or_else(|| src.var("WANDB__PRIMARY"))
        {
            Some(v) => match truthy(&v) {
                Some(true) => crate::SharedRole::Primary,
                Some(false) => crate::SharedRole::Worker,
                None => {
                    return Err(Error::InvalidSetting(format!(
                        "invalid WANDB_X_PRIMARY={v:?}: use true or false (also 1/0, yes/no, on/off)"
                    )));
                }
            },
            None => crate::SharedRole::Primary,
        },
    };
    let label = given
        .label
        .or_else(|| src.var("WANDB_X_LABEL"))
        .or_else(|| src.var("WANDB__LABEL"));
    // The SDK's `save_code`: `WANDB_SAVE_CODE` true and `WANDB_DISABLE_CODE` not (a value
    // that is not a boolean counts as false); `WANDB_DISABLE_GIT` leaves the patches out.
    let env_true = |name: &str| src.var(name).and_then(|v| truthy(&v)).unwrap_or(false);
    let save_code = given
        .save_code
        .unwrap_or_else(|| env_true("WANDB_SAVE_CODE") && !env_true("WANDB_DISABLE_CODE"))
        && !env_true("WANDB_DISABLE_GIT");
    let resolved = Resolved {
        mode,
        fell_back_offline,
        api_key,
        base_url,
        project: given
            .project
            .or_else(|| src.var("WANDB_PROJECT"))
            .unwrap_or_default(),
        entity: given
            .entity
            .or_else(|| src.var("WANDB_ENTITY"))
            .unwrap_or_default(),
        name: given.name.or_else(|| src.var("WANDB_NAME")),
        notes: given
            .notes
            .or_else(|| src.var("WANDB_NOTES"))
            .unwrap_or_default(),
        tags,
        id: given.id.or_else(|| src.var("WANDB_RUN_ID")),
        group: given
            .group
            .or_else(|| src.var("WANDB_RUN_GROUP"))
            .unwrap_or_default(),
        job_type: given
            .job_type
            .or_else(|| src.var("WANDB_JOB_TYPE"))
            .unwrap_or_default(),
        dir,
        silent,
        init_timeout,
        resume,
        shared_role,
        label,
        save_code,
    };
    Ok((resolved, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)], home: Option<&Path>) -> Source {
        Source::Fixed {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            home: home.map(Path::to_path_buf),
        }
    }

    fn resolved(given: Given, src: &Source) -> Resolved {
        resolve(given, src).unwrap().0
    }

    const KEY: &str = "0123456789012345678901234567890123456789";

    #[test]
    fn save_code_reads_the_sdks_variables_and_the_builder_wins() {
        let save = |vars: &[(&str, &str)], given: Option<bool>| {
            let g = Given {
                save_code: given,
                ..Given::default()
            };
            resolved(g, &env(vars, None)).save_code
        };
        assert!(!save(&[], None));
        assert!(save(&[("WANDB_SAVE_CODE", "true")], None));
        // The SDK's `_env_as_bool`: a value that is not a boolean is false.
        assert!(!save(&[("WANDB_SAVE_CODE", "maybe")], None));
        assert!(!save(
            &[("WANDB_SAVE_CODE", "1"), ("WANDB_DISABLE_CODE", "true")],
            None
        ));
        assert!(save(&[], Some(true)));
        assert!(!save(&[("WANDB_SAVE_CODE", "true")], Some(false)));
        assert!(!save(&[("WANDB_DISABLE_GIT", "true")], Some(true)));
    }

    #[test]
    fn modes_parse_with_the_sdks_names_and_aliases() {
        for (s, m) in [
            ("online", Mode::Online),
            ("run", Mode::Online),
            ("offline", Mode::Offline),
            ("dryrun", Mode::Offline),
            ("disabled", Mode::Disabled),
        ] {
            assert_eq!(s.parse::<Mode>().unwrap(), m);
        }
        assert_eq!(Mode::Online.to_string(), "online");
        assert_eq!("shared".parse::<Mode>().unwrap(), Mode::Shared);
        assert!(
            "sharde"
                .parse::<Mode>()
                .unwrap_err()
                .to_string()
                .contains("must be one of")
        );
    }

    #[test]
    fn wandb_mode_is_read_and_the_builder_wins() {
        let src = env(&[("WANDB_MODE", "disabled")], None);
        assert_eq!(resolved(Given::default(), &src).mode, Mode::Disabled);
        let given = Given {
            mode: Some(Mode::Offline),
            ..Given::default()
        };
        assert_eq!(resolved(given, &src).mode, Mode::Offline);
        assert!(resolve(Given::default(), &env(&[("WANDB_MODE", "x")], None)).is_err());
    }

    #[test]
    fn no_mode_is_online_with_a_key_and_offline_without() {
        let with_key = env(&[("WANDB_API_KEY", KEY)], None);
        let r = resolved(Given::default(), &with_key);
        assert_eq!((r.mode, r.fell_back_offline), (Mode::Online, false));
        assert_eq!(r.api_key, Some((KEY.to_owned(), KeySource::Env)));
        let home = tempfile::tempdir().unwrap();
        let r = resolved(Given::default(), &env(&[], Some(home.path())));
        assert_eq!((r.mode, r.fell_back_offline), (Mode::Offline, true));
        // An explicit online mode stays online: creating the run then says the key is missing.
        let given = Given {
            mode: Some(Mode::Online),
            ..Given::default()
        };
        let r = resolved(given, &env(&[], Some(home.path())));
        assert_eq!((r.mode, r.api_key), (Mode::Online, None));
    }

    #[test]
    fn the_key_comes_from_the_builder_then_the_env_then_netrc_for_the_hosts_entry() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join(".netrc"),
            "machine api.wandb.ai\n  login user\n  password netrc-default\n\
             machine 127.0.0.1:8080 login user password netrc-local\n",
        )
        .unwrap();
        let src = env(&[], Some(home.path()));
        let r = resolved(Given::default(), &src);
        assert_eq!(r.base_url, DEFAULT_BASE_URL);
        assert_eq!(
            r.api_key,
            Some((
                "netrc-default".to_owned(),
                KeySource::Netrc(home.path().join(".netrc"))
            ))
        );
        let local = env(
            &[("WANDB_BASE_URL", "http://127.0.0.1:8080/")],
            Some(home.path()),
        );
        let r = resolved(Given::default(), &local);
        assert_eq!(r.base_url, "http://127.0.0.1:8080");
        assert_eq!(r.api_key.unwrap().0, "netrc-local");
        let other = env(
            &[("WANDB_BASE_URL", "http://127.0.0.1:9")],
            Some(home.path()),
        );
        assert_eq!(resolved(Given::default(), &other).api_key, None);
        let env_key = env(&[("WANDB_API_KEY", KEY)], Some(home.path()));
        assert_eq!(resolved(Given::default(), &env_key).api_key.unwrap().0, KEY);
        let given = Given {
            api_key: Some("from-builder".into()),
            ..Given::default()
        };
        assert_eq!(
            resolved(given, &env_key).api_key,
            Some(("from-builder".to_owned(), KeySource::Builder))
        );
    }

    #[test]
    fn netrc_env_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("my-netrc");
        std::fs::write(&file, "machine api.wandb.ai password \"quoted key\"\n").unwrap();
        let src = env(&[("NETRC", file.to_str().unwrap())], None);
        assert_eq!(
            resolved(Given::default(), &src).api_key,
            Some(("quoted key".to_owned(), KeySource::Netrc(file)))
        );
    }

    #[test]
    fn netrc_parsing_matches_pythons_netrc() {
        let text = "# comment\ndefault login x password dflt\nmachine a.b login u password p1\n";
        assert_eq!(netrc_password(text, "a.b").as_deref(), Some("p1"));
        assert_eq!(netrc_password(text, "c.d").as_deref(), Some("dflt"));
        assert_eq!(netrc_password("machine a.b login u\n", "a.b"), None);
        assert_eq!(url_netloc("https://api.wandb.ai"), Some("api.wandb.ai"));
        assert_eq!(url_netloc("http://127.0.0.1:99/x"), Some("127.0.0.1:99"));
    }

    #[test]
    fn run_settings_are_read_from_the_environment_and_the_builder_wins() {
        let src = env(
            &[
                ("WANDB_MODE", "offline"),
                ("WANDB_PROJECT", "p-env"),
                ("WANDB_ENTITY", "e-env"),
                ("WANDB_NAME", "n-env"),
                ("WANDB_NOTES", "notes-env"),
                ("WANDB_TAGS", "a,b c,d"),
                ("WANDB_RUN_ID", "id-env"),
                ("WANDB_RUN_GROUP", "g-env"),
                ("WANDB_JOB_TYPE", "j-env"),
                ("WANDB_DIR", "/tmp/wandb-dir-env"),
                ("WANDB_SILENT", "true"),
                ("WANDB_INIT_TIMEOUT", "2.5"),
            ],
            None,
        );
        let r = resolved(Given::default(), &src);
        assert_eq!(r.init_timeout, Some(Duration::from_millis(2500)));
        assert_eq!(r.project, "p-env");
        assert_eq!(r.entity, "e-env");
        assert_eq!(r.name.as_deref(), Some("n-env"));
        assert_eq!(r.notes, "notes-env");
        assert_eq!(r.tags, ["a", "b c", "d"]);
        assert_eq!(r.id.as_deref(), Some("id-env"));
        assert_eq!(r.group, "g-env");
        assert_eq!(r.job_type, "j-env");
        assert_eq!(r.dir, PathBuf::from("/tmp/wandb-dir-env"));
        assert!(r.silent);
        let given = Given {
            project: Some("p".into()),
            entity: Some("e".into()),
            name: Some("n".into()),
            notes: Some("notes".into()),
            tags: Some(vec!["t".into()]),
            id: Some("id".into()),
            group: Some("g".into()),
            job_type: Some("j".into()),
            dir: Some(PathBuf::from("/d")),
            silent: Some(false),
            init_timeout: Some(Duration::from_secs(7)),
            ..Given::default()
        };
        let r = resolved(given, &src);
        assert_eq!(r.init_timeout, Some(Duration::from_secs(7)));
        assert_eq!(
            (
                r.project.as_str(),
                r.entity.as_str(),
                r.name.as_deref(),
                r.notes.as_str(),
                r.tags.as_slice(),
            ),
            ("p", "e", Some("n"), "notes", ["t".to_owned()].as_slice())
        );
        assert_eq!(
            (r.id.as_deref(), r.group.as_str(), r.job_type.as_str()),
            (Some("id"), "g", "j")
        );
        assert_eq!((r.dir, r.silent), (PathBuf::from("/d"), false));
    }

    #[test]
    fn defaults_without_environment() {
        let r = resolved(
            Given {
                mode: Some(Mode::Offline),
                ..Given::default()
            },
            &env(&[], None),
        );
        assert_eq!(r.base_url, DEFAULT_BASE_URL);
        assert_eq!(r.dir, PathBuf::from("."));
        assert!(!r.silent && r.tags.is_empty() && r.project.is_empty() && r.id.is_none());
    }

    #[test]
    fn bad_tags_and_silent_values_are_refused() {
        assert!(resolve(Given::default(), &env(&[("WANDB_TAGS", "a,,b")], None)).is_err());
        assert!(resolve(Given::default(), &env(&[("WANDB_SILENT", "maybe")], None)).is_err());
        assert!(
            resolve(
                Given::default(),
                &env(&[("WANDB_INIT_TIMEOUT", "-1")], None)
            )
            .is_err()
        );
    }
}
