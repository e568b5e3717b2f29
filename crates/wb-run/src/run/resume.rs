//! Resuming a run (`wandb.init(id=..., resume=...)`, `WANDB_RESUME`).
//!
//! Online, wandb-core asks the server about the run (`RunResumeStatus`) and answers the run
//! record with what it found: the step after the last one, the runtime so far and the summary.
//! The run then logs from that step, its `_runtime` goes on from that runtime, and the old
//! summary is sent back as the SDK's `_set_run_obj` does, so it is kept. `must` with a run the
//! server does not have, and `never` with one it has, are refused by core ([`Error::Resume`]).
//! Offline, as in the SDK, the setting changes nothing but `auto`'s resume file: the run
//! starts from step 0 with the given id.

use super::Run;
use crate::error::{Error, Result};
use crate::row::Row;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use wb_core::json::{Value, parse};
use wb_proto::RunRecord;

/// How a run with an id that may already exist is started (`wandb.init(resume=...)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Resume {
    /// Resume the run if the server has it, else start it.
    Allow,
    /// Resume the run; an error if the server does not have it.
    Must,
    /// Start a new run; an error if the server already has one with this id.
    Never,
    /// As `Allow`, and without an id, take the id of this folder's last run that did not
    /// finish cleanly (kept in `wandb/wandb-resume.json` until a run finishes with exit code 0).
    Auto,
}

impl Resume {
    /// The SDK's name of the mode.
    pub fn as_str(self) -> &'static str {
        match self {
            Resume::Allow => "allow",
            Resume::Must => "must",
            Resume::Never => "never",
            Resume::Auto => "auto",
        }
    }
}

impl fmt::Display for Resume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Resume {
    type Err = Error;

    /// The SDK's names, and `true` for `auto` (the SDK's `resume=True`).
    fn from_str(s: &str) -> Result<Resume> {
        match s {
            "allow" => Ok(Resume::Allow),
            "must" => Ok(Resume::Must),
            "never" => Ok(Resume::Never),
            "auto" | "true" | "True" => Ok(Resume::Auto),
            other => Err(Error::InvalidSetting(format!(
                "invalid resume {other:?}: resume must be one of \"allow\", \"must\", \"never\" or \"auto\""
            ))),
        }
    }
}

/// `<wandb dir>/wandb-resume.json`, where `auto` keeps the id of the last run.
pub(crate) fn resume_file(wandb_dir: &Path) -> PathBuf {
    wandb_dir.join("wandb-resume.json")
}

/// The id `auto` resumes: the resume file's `run_id`, when it has one.
pub(crate) fn load_auto_id(wandb_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(resume_file(wandb_dir)).ok()?;
    parse(&text)
        .ok()?
        .get("run_id")?
        .as_str()
        .map(str::to_owned)
}

/// Writes the resume file as the SDK does (`json.dump({"run_id": id})`).
pub(crate) fn save_auto_id(wandb_dir: &Path, id: &str) -> Result<()> {
    std::fs::create_dir_all(wandb_dir).map_err(|e| Error::io("creating folder", wandb_dir, e))?;
    let path = resume_file(wandb_dir);
    let text = wb_core::json::to_string(
        &Value::Object(wb_core::json_map! {"run_id" => id}),
        wb_core::json::Dialect::Python,
    );
    std::fs::write(&path, text).map_err(|e| Error::io("writing", &path, e))
}

/// Removes the resume file (a run without `resume`, or one that finished with exit code 0).
pub(crate) fn remove_auto_id(wandb_dir: &Path) {
    let _ = std::fs::remove_file(resume_file(wandb_dir));
}

/// Picks the run id for `resume`: `auto` takes the resume file's id when none was given
/// (and warns when the given one differs), then records the id used.
pub(crate) fn choose_id(
    resume: Option<Resume>,
    given: Option<String>,
    wandb_dir: &Path,
    silent: bool,
) -> Option<String> {
    if resume != Some(Resume::Auto) {
        return given;
    }
    match (load_auto_id(wandb_dir), given) {
        (Some(previous), None) => Some(previous),
        (Some(previous), Some(id)) => {
            if previous != id && !silent {
                eprintln!(
                    "wandb: WARNING Ignoring ID {previous} loaded due to resume='auto' because the run ID is set to {id}."
                );
            }
            Some(id)
        }
        (None, given) => given,
    }
}

impl Run {
    /// Applies the server's answer to a resumed run: steps go on after the last one, the
    /// runtime from the runtime so far, and the old summary is sent back (the SDK's
    /// `_set_run_obj`).
    pub(super) fn apply_resumed(&mut self, server_run: &RunRecord) -> Result<()> {
        if !server_run.resumed {
            return Ok(());
        }
        {
            let st = self.steps.get_mut().unwrap_or_else(|p| p.into_inner());
            st.core_step = server_run.starting_step;
            st.local_step = server_run.starting_step;
        }
        if server_run.runtime > 0 {
            let before = Duration::from_secs(server_run.runtime as u64);
            if let Some(t) = self.started.checked_sub(before) {
                self.started = t;
            }
        }
        let mut row = Row::new();
        if let Some(summary) = &server_run.summary {
            for item in &summary.update {
                if let Ok(v) = parse(&item.value_json) {
                    row.insert(item.key.clone(), v);
                }
            }
        }
        if !row.as_map().is_empty() {
            self.summary(row)?;
        }
        Ok(())
    }

    /// Whether the server had this run and it was resumed (online runs with a resume mode).
    pub fn is_resumed(&self) -> bool {
        self.resumed
    }

    /// The step this run started at: 0, or for a resumed run the step after the last one
    /// the server had (the SDK's `run.starting_step`).
    pub fn starting_step(&self) -> u64 {
        self.starting_step
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_with_the_sdks_names() {
        for r in [Resume::Allow, Resume::Must, Resume::Never, Resume::Auto] {
            assert_eq!(r.as_str().parse::<Resume>().unwrap(), r);
            assert_eq!(r.to_string(), r.as_str());
        }
        assert_eq!("true".parse::<Resume>().unwrap(), Resume::Auto);
        assert!(
            "sometimes"
                .parse::<Resume>()
                .unwrap_err()
                .to_string()
                .contains("must be one of")
        );
    }

    #[test]
    fn auto_keeps_the_id_in_the_resume_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("wandb");
        assert_eq!(choose_id(Some(Resume::Auto), None, &dir, true), None);
        save_auto_id(&dir, "abc123").unwrap();
        assert_eq!(
            std::fs::read_to_string(resume_file(&dir)).unwrap(),
            "{\"run_id\": \"abc123\"}"
        );
        assert_eq!(
            choose_id(Some(Resume::Auto), None, &dir, true).as_deref(),
            Some("abc123")
        );
        assert_eq!(
            choose_id(Some(Resume::Auto), Some("x".into()), &dir, true).as_deref(),
            Some("x")
        );
        assert_eq!(choose_id(Some(Resume::Allow), None, &dir, true), None);
        remove_auto_id(&dir);
        assert!(!resume_file(&dir).exists());
    }
}

#[cfg(test)]
mod settings_tests {
    use super::Resume;
    use crate::settings::{Given, Source, resolve};

    fn env(vars: &[(&str, &str)]) -> Source {
        Source::Fixed {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            home: None,
        }
    }

    #[test]
    fn wandb_resume_is_read_and_the_builder_wins() {
        let offline = || Given {
            mode: Some(crate::Mode::Offline),
            ..Given::default()
        };
        let src = env(&[("WANDB_RESUME", "must"), ("WANDB_RUN_ID", "abc")]);
        let r = resolve(offline(), &src).unwrap().0;
        assert_eq!(
            (r.resume, r.id.as_deref()),
            (Some(Resume::Must), Some("abc"))
        );
        let given = Given {
            resume: Some(Resume::Never),
            ..offline()
        };
        assert_eq!(resolve(given, &src).unwrap().0.resume, Some(Resume::Never));
        assert_eq!(resolve(offline(), &env(&[])).unwrap().0.resume, None);
        let err = resolve(offline(), &env(&[("WANDB_RESUME", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("WANDB_RESUME"), "{err}");
    }
}
