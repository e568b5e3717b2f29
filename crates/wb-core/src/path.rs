//! The SDK's rules for turning a log key into a file name under the run's `files/` folder.

use crate::error::{Error, Result};

/// The step part of a media file name: an integer step, or `summary` for summary values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// A history step.
    Num(i64),
    /// A value set in the run summary.
    Summary,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Num(n) => write!(f, "{n}"),
            Step::Summary => f.write_str("summary"),
        }
    }
}

impl From<i64> for Step {
    fn from(n: i64) -> Self {
        Step::Num(n)
    }
}

/// The key as the SDK makes it safe for a path: leading `/` stripped, every component that is
/// exactly `.` or `..` turned into `_` or `__`, everything else kept. So a key can create
/// sub-folders but never leave the media folder.
///
/// Refused, because no file can be named by them (the SDK fails on them too): a key that is
/// empty once leading `/` are removed, and a key containing a NUL byte.
pub fn safe_key(key: &str) -> Result<String> {
    let trimmed = key.trim_start_matches('/');
    if trimmed.is_empty() {
        return Err(Error::InvalidKey {
            key: key.to_owned(),
            reason: "a key must name a file: it is empty once leading '/' are removed".into(),
        });
    }
    if key.contains('\0') {
        return Err(Error::InvalidKey {
            key: key.to_owned(),
            reason: "keys must not contain NUL bytes".into(),
        });
    }
    let parts: Vec<&str> = trimmed
        .split('/')
        .map(|p| match p {
            "." => "_",
            ".." => "__",
            p => p,
        })
        .collect();
    Ok(parts.join("/"))
}

/// `{safe_key}_{step}_{id}{ext}`, the media file name the SDK gives a value.
pub fn media_file_name(key: &str, step: Step, id: &str, ext: &str) -> Result<String> {
    Ok(format!("{}_{}_{}{}", safe_key(key)?, step, id, ext))
}

/// The extension of a file name as `splitext` gives it (`a.tar.gz` → `.gz`, `.hidden` → ``).
pub fn splitext_ext(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name);
    let stripped = base.trim_start_matches('.');
    match stripped.rfind('.') {
        Some(i) => &stripped[i..],
        None => "",
    }
}

/// The `with_suffix` rule: `name` plus `.{log_type}.json` unless it already ends with that
/// suffix (`"t"` → `"t.table.json"`).
pub fn with_suffix(name: &str, log_type: Option<&str>) -> String {
    let suffix = match log_type {
        Some(t) => format!("{t}.json"),
        None => "json".to_owned(),
    };
    if name.ends_with(&suffix) {
        name.to_owned()
    } else {
        format!("{name}.{suffix}")
    }
}

/// The SDK's check of an artifact entry name (`validate_artifact_path`): a relative path that
/// stays inside the artifact, on POSIX and on Windows. Refused: `.` (or an empty name), a
/// leading `/` or `\\`, a drive (`C:`), and any `..` component (split at `/` and `\\`), with
/// the SDK's message `Invalid artifact path: '<name>'`.
pub fn validate_artifact_path(name: &str) -> Result<()> {
    let normalized: Vec<&str> = name
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let bytes = name.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    let bad = normalized.is_empty()
        || name.starts_with('/')
        || name.starts_with('\\')
        || drive
        || name.split(['/', '\\']).any(|c| c == "..");
    if bad {
        return Err(crate::Error::value(format!(
            "Invalid artifact path: {}",
            crate::pyrepr::py_str_repr(name)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_key_follows_the_sdk() {
        assert_eq!(safe_key("a/b/c").unwrap(), "a/b/c");
        assert_eq!(safe_key("/abs/x").unwrap(), "abs/x");
        assert_eq!(safe_key("////image").unwrap(), "image");
        assert_eq!(safe_key("../up").unwrap(), "__/up");
        assert_eq!(safe_key("../../../image").unwrap(), "__/__/__/image");
        assert_eq!(safe_key("a/./b").unwrap(), "a/_/b");
        assert_eq!(safe_key("my///image").unwrap(), "my///image");
        assert_eq!(safe_key(".hidden").unwrap(), ".hidden");
        assert_eq!(safe_key("x y.z é").unwrap(), "x y.z é");
        assert!(safe_key("///").is_err());
        assert!(safe_key("a\0b").is_err());
    }

    #[test]
    fn artifact_paths_stay_inside() {
        for ok in [
            "t.table.json",
            "a/b.table.json",
            "a//b.json",
            "./a.json",
            "media/x.json",
        ] {
            assert!(validate_artifact_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "/media/path.table.json",
            "../up.json",
            "x/../y.json",
            ".",
            "",
            "C:x.json",
        ] {
            let e = validate_artifact_path(bad).unwrap_err().to_string();
            assert!(e.contains("Invalid artifact path: '"), "{bad}: {e}");
        }
    }

    #[test]
    fn suffix_and_ext() {
        assert_eq!(
            with_suffix("my_table", Some("table")),
            "my_table.table.json"
        );
        assert_eq!(with_suffix("t.table.json", Some("table")), "t.table.json");
        assert_eq!(
            with_suffix("media/cls", Some("classes")),
            "media/cls.classes.json"
        );
        assert_eq!(with_suffix("x", None), "x.json");
        assert_eq!(splitext_ext("a/b.tar.gz"), ".gz");
        assert_eq!(splitext_ext("five.png"), ".png");
        assert_eq!(splitext_ext(".hidden"), "");
        assert_eq!(splitext_ext("noext"), "");
    }
}
