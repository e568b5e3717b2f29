//! The API key in `~/.netrc`, read and written as `wandb login` does: the entry is
//! `machine <host[:port]>`, `  login user`, `  password <key>`, values quoted like a POSIX
//! shell's words when needed; a new file is made readable by its owner only.

use std::path::{Path, PathBuf};

/// The netrc file: `$NETRC`, else `~/.netrc` if it exists, else `~/_netrc` if it exists, else
/// the platform's usual name (`~/.netrc`; `~/_netrc` on Windows).
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NETRC").filter(|v| !v.is_empty()) {
        return Some(expand_home(Path::new(&p)));
    }
    let home = home()?;
    let unix = home.join(".netrc");
    let windows = home.join("_netrc");
    if unix.exists() {
        Some(unix)
    } else if windows.exists() || cfg!(windows) {
        Some(windows)
    } else {
        Some(unix)
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var_os("USERPROFILE").filter(|v| !v.is_empty()))
        .map(PathBuf::from)
}

fn expand_home(p: &Path) -> PathBuf {
    match (p.strip_prefix("~"), home()) {
        (Ok(rest), Some(h)) => h.join(rest),
        _ => p.to_path_buf(),
    }
}

/// The `host[:port]` of a URL (`https://api.wandb.ai` gives `api.wandb.ai`).
pub fn netloc(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    (!host.is_empty()).then_some(host)
}

/// A line's tokens, with shell-style quotes (`'...'`, `"..."`, `\x`) removed; falls back to
/// whitespace splitting for a line with unbalanced quotes, as a broken file must not stop a
/// login.
fn tokens(line: &str) -> Vec<String> {
    shell_split(line).unwrap_or_else(|| line.split_whitespace().map(String::from).collect())
}

fn shell_split(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        ch => cur.push(ch),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => cur.push(chars.next()?),
                        ch => cur.push(ch),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.push(chars.next()?);
            }
            '#' if !in_word => break,
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Some(out)
}

/// `s` quoted as a POSIX shell word when it holds anything but `[A-Za-z0-9_@%+=:,./-]`.
fn quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\"'\"'"))
    }
}

/// The password of `machine` in netrc text.
pub fn find_password(text: &str, machine: &str) -> Option<String> {
    let toks: Vec<String> = text.lines().flat_map(tokens).collect();
    let mut i = 0;
    let mut in_entry = false;
    while i < toks.len() {
        match toks[i].as_str() {
            "machine" => {
                in_entry = toks.get(i + 1).is_some_and(|m| m == machine);
                i += 2;
            }
            "default" => {
                in_entry = false;
                i += 1;
            }
            "password" if in_entry => return toks.get(i + 1).cloned(),
            "login" | "password" | "account" => i += 2,
            "macdef" => return None,
            _ => i += 1,
        }
    }
    None
}

/// The netrc text with the entry of `machine` replaced by one holding `key`.
pub fn with_entry(text: &str, machine: &str, key: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut in_old = false;
    for line in text.lines() {
        let t = tokens(line);
        if t.len() >= 2 && t[0] == "machine" && t[1] == machine {
            in_old = true;
        } else if t.first().is_some_and(|f| f == "machine" || f == "default") {
            in_old = false;
        }
        if !in_old {
            lines.push(line.to_string());
        }
    }
    lines.push(format!("machine {}", quote(machine)));
    lines.push("  login user".to_string());
    lines.push(format!("  password {}", quote(key)));
    lines.push(String::new());
    lines.join("\n")
}

/// Reads the key for the URL's host from the netrc file.
pub fn read_key(base_url: &str) -> Option<String> {
    let text = std::fs::read_to_string(path()?).ok()?;
    find_password(&text, netloc(base_url)?).filter(|k| !k.is_empty())
}

/// Stores `key` for the URL's host; a new file is created with mode 0600.
pub fn write_key(base_url: &str, key: &str) -> Result<PathBuf, String> {
    let machine = netloc(base_url).ok_or_else(|| format!("{base_url:?} is not a URL"))?;
    let path = path().ok_or("no home folder: set HOME or NETRC")?;
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            create_private(&path).map_err(|e| format!("creating {}: {e}", path.display()))?;
            String::new()
        }
        Err(e) => return Err(format!("reading {}: {e}", path.display())),
    };
    std::fs::write(&path, with_entry(&text, machine, key))
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(path)
}

fn create_private(path: &Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path).map(drop)
}

/// What is wrong with a key's format, as the SDK checks it (40+ characters of letters, digits
/// and underscores after an optional `prefix-`; three dot-separated parts for a JWT).
pub fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("the API key is empty".into());
    }
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    let parts: Vec<&str> = key.split('.').collect();
    if parts.len() == 3 && parts.iter().all(|p| word(p)) {
        return Ok(());
    }
    let secret = key.split_once('-').map_or(key, |(_, s)| s);
    if !word(secret) {
        return Err("the API key may only contain the letters A-Z, digits and underscores".into());
    }
    let n = secret.chars().count();
    if n < 40 {
        return Err(format!("the API key must have 40+ characters, has {n}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn entries_are_replaced_and_read() {
        let before = "machine other.host\n  login a\n  password p1\nmachine api.wandb.ai\n  login user\n  password old\ndefault login x password y\n";
        let after = with_entry(before, "api.wandb.ai", "k2");
        assert_eq!(
            after,
            "machine other.host\n  login a\n  password p1\ndefault login x password y\nmachine api.wandb.ai\n  login user\n  password k2\n"
        );
        assert_eq!(find_password(&after, "api.wandb.ai").as_deref(), Some("k2"));
        assert_eq!(find_password(&after, "other.host").as_deref(), Some("p1"));
        assert_eq!(find_password(&after, "nowhere"), None);
        let one_line = "machine 127.0.0.1:8080 login user password 'a b'\n";
        assert_eq!(
            find_password(one_line, "127.0.0.1:8080").as_deref(),
            Some("a b")
        );
    }

    #[test]
    fn quoting_is_a_shells() {
        assert_eq!(quote("api.wandb.ai"), "api.wandb.ai");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\"'\"'s'");
        assert_eq!(
            shell_split(&format!("password {}", quote("it's"))).unwrap()[1],
            "it's"
        );
    }

    #[test]
    fn netlocs_and_keys() {
        assert_eq!(netloc("https://api.wandb.ai"), Some("api.wandb.ai"));
        assert_eq!(netloc("http://127.0.0.1:8080/x"), Some("127.0.0.1:8080"));
        assert_eq!(netloc("nope"), None);
        assert!(check_key(&"a".repeat(40)).is_ok());
        assert!(check_key(&format!("local-{}", "a".repeat(40))).is_ok());
        assert!(check_key("short").unwrap_err().contains("40+"));
        assert!(check_key(&"a b".repeat(20)).is_err());
        assert!(check_key("").is_err());
    }
}
