//! What `finish` shows while wandb-core uploads the rest of an online run, as the SDK shows
//! it (`wandb/sdk/lib/progress.py`): core's operation stats (`OperationStatsRequest`, polled
//! every half second), drawn on a terminal as a block of up to six lines that is redrawn in
//! place (each operation with a spinner, its progress and its running time); on anything else
//! (a pipe, a file, `TERM=dumb`) as one plain line printed each time it changes; nothing when
//! the run is silent.
//!
//! The display is a function of the stats records: [`Display::update`] returns the bytes to
//! write to stderr, so what a terminal and a log file receive is tested without a terminal.

use wb_proto::{Operation, OperationStats};

/// Lines of the terminal block at most.
const MAX_LINES: usize = 6;
/// Operations named on the plain line at most.
const MAX_OPS: usize = 5;
/// The spinner's frames.
const SPINNER: [char; 8] = ['⢿', '⣻', '⣽', '⣾', '⣷', '⣯', '⣟', '⡿'];
/// What the block says before core has reported any operation.
const DEFAULT_TEXT: &str = "Finishing up...";
/// Moves the cursor up one line and deletes it.
const CLEAR_LINE: &str = "\r\x1b[Am\x1b[2K\r";
/// The `wandb` prefix as the SDK colours it on a terminal (blue, bold).
const PREFIX_TERM: &str = "\x1b[34m\x1b[1mwandb\x1b[0m";

/// The SDK's `_time_to_string`: a short duration.
pub(crate) fn time_to_string(seconds: f64) -> String {
    if seconds < 10.0 {
        format!("{seconds:.1}s")
    } else if seconds < 60.0 {
        format!("{seconds:.0}s")
    } else if seconds < 3600.0 {
        format!("{:.1}m", seconds / 60.0)
    } else {
        let hours = (seconds / 3600.0) as i64;
        let minutes = ((seconds / 60.0) % 60.0) as i64;
        format!("{hours}h{minutes}m")
    }
}

/// How the lines are styled: the SDK's terminal printer (colours, and the spinner and `↳`
/// only where the terminal takes Unicode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    pub unicode: bool,
}

impl Style {
    /// The spinner's frame for `tick`, coloured; empty without Unicode.
    pub(crate) fn loading_symbol(self, tick: usize) -> String {
        if !self.unicode {
            return String::new();
        }
        format!("\x1b[38;5;178m{}\x1b[0m", SPINNER[tick % SPINNER.len()])
    }
}

/// The SDK's `_OperationStatsPrinter.render`: up to `max_lines` lines for the operations,
/// their sub-operations and errors, and a `+ N more task(s)` line when some are not shown.
pub(crate) fn operation_lines(
    stats: &OperationStats,
    max_lines: usize,
    symbol: &str,
    style: Style,
) -> Vec<String> {
    let mut lines = Vec::new();
    let mut shown: i64 = 0;
    for op in &stats.operations {
        add_operation(
            &mut lines, &mut shown, op, false, "", max_lines, symbol, style,
        );
    }
    if shown < stats.total_operations {
        if max_lines >= 1 && lines.len() >= max_lines {
            shown -= 1;
            lines.pop();
        }
        lines.push(format!("+ {} more task(s)", stats.total_operations - shown));
    }
    lines
}

#[allow(clippy::too_many_arguments)]
fn add_operation(
    lines: &mut Vec<String>,
    shown: &mut i64,
    op: &Operation,
    is_subtask: bool,
    indent: &str,
    max_lines: usize,
    symbol: &str,
    style: Style,
) {
    if lines.len() >= max_lines {
        return;
    }
    if !is_subtask {
        *shown += 1;
    }
    let mut status_indent = 0;
    let mut parts: Vec<String> = Vec::new();
    if is_subtask && style.unicode {
        status_indent += 2;
        parts.push("↳".into());
    }
    if !symbol.is_empty() {
        status_indent += 2;
        parts.push(symbol.to_owned());
    }
    parts.push(op.desc.clone());
    if !op.progress.is_empty() {
        parts.push(op.progress.clone());
    }
    parts.push(format!("({})", time_to_string(op.runtime_seconds)));
    lines.push(format!("{indent}{}", parts.join(" ")));
    if !op.error_status.is_empty() {
        lines.push(format!(
            "{indent}{}\x1b[31mERROR\x1b[0m \x1b[37m{}\x1b[0m",
            " ".repeat(status_indent),
            op.error_status
        ));
    }
    let sub_indent = format!("{indent}  ");
    for task in &op.subtasks {
        add_operation(
            lines,
            shown,
            task,
            true,
            &sub_indent,
            max_lines,
            symbol,
            style,
        );
    }
}

/// The SDK's `_to_static_text` for one group of operations: the first five descriptions,
/// `; `-separated, and `(+ N more)` for the rest.
pub(crate) fn static_line(stats: &OperationStats) -> String {
    let descs: Vec<&str> = stats
        .operations
        .iter()
        .take(MAX_OPS)
        .map(|op| op.desc.as_str())
        .collect();
    let mut line = descs.join("; ");
    let remaining = stats.total_operations - descs.len() as i64;
    if !descs.is_empty() && remaining > 0 {
        line.push_str(&format!(" (+ {remaining} more)"));
    }
    line
}

/// Where the progress goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Display {
    /// A silent run: nothing.
    Off,
    /// Not a terminal: a plain line each time it changes.
    Plain { last: String },
    /// A terminal: a block redrawn in place.
    Terminal {
        style: Style,
        tick: usize,
        printed: usize,
    },
}

impl Display {
    /// The display for stderr: off when silent, a terminal block when stderr is a terminal
    /// (and `TERM` is not `dumb`), plain lines otherwise.
    pub(crate) fn for_stderr(silent: bool) -> Display {
        use std::io::IsTerminal;
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Display::new(
            silent,
            std::io::stderr().is_terminal() && !dumb,
            unicode_locale(),
        )
    }

    /// The display for an output that is a terminal or not.
    pub(crate) fn new(silent: bool, terminal: bool, unicode: bool) -> Display {
        match (silent, terminal) {
            (true, _) => Display::Off,
            (false, true) => Display::Terminal {
                style: Style { unicode },
                tick: 0,
                printed: 0,
            },
            (false, false) => Display::Plain {
                last: String::new(),
            },
        }
    }

    /// Whether anything is shown (the stats need not be polled otherwise).
    pub(crate) fn is_on(&self) -> bool {
        *self != Display::Off
    }

    /// One screen update (the SDK updates ten times a second) with the latest stats, if any:
    /// the bytes to write to stderr.
    pub(crate) fn update(&mut self, stats: Option<&OperationStats>) -> String {
        match self {
            Display::Off => String::new(),
            Display::Plain { last } => {
                let line = stats.map(static_line).unwrap_or_default();
                if line.is_empty() || line == *last {
                    return String::new();
                }
                last.clone_from(&line);
                format!("wandb: {line}\n")
            }
            Display::Terminal {
                style,
                tick,
                printed,
            } => {
                let symbol = style.loading_symbol(*tick);
                *tick += 1;
                let mut lines = stats
                    .map(|s| operation_lines(s, MAX_LINES, &symbol, *style))
                    .unwrap_or_default();
                if lines.is_empty() {
                    lines.push(if symbol.is_empty() {
                        DEFAULT_TEXT.to_owned()
                    } else {
                        format!("{symbol} {DEFAULT_TEXT}")
                    });
                }
                let mut out = CLEAR_LINE.repeat(*printed);
                for l in &lines {
                    out.push_str(&format!("{PREFIX_TERM}: {l}\n"));
                }
                *printed = lines.len();
                out
            }
        }
    }

    /// Clears the terminal block at the end (plain lines stay).
    pub(crate) fn close(&mut self) -> String {
        match self {
            Display::Terminal { printed, .. } => {
                let out = CLEAR_LINE.repeat(*printed);
                *printed = 0;
                out
            }
            _ => String::new(),
        }
    }
}

/// Whether the locale's encoding is UTF-8 (what the SDK's `is_unicode_safe` asks of stderr).
fn unicode_locale() -> bool {
    if cfg!(windows) {
        return true;
    }
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(desc: &str, secs: f64) -> Operation {
        Operation {
            desc: desc.into(),
            runtime_seconds: secs,
            ..Operation::default()
        }
    }

    fn stats(ops: Vec<Operation>, total: i64) -> OperationStats {
        OperationStats {
            label: String::new(),
            operations: ops,
            total_operations: total,
        }
    }

    #[test]
    fn non_terminals_print_each_new_line_once_and_silent_runs_nothing() {
        let s = stats(
            vec![op("uploading history", 0.5), op("uploading files", 1.0)],
            2,
        );
        let mut plain = Display::new(false, false, true);
        assert_eq!(plain.update(None), "");
        assert_eq!(
            plain.update(Some(&s)),
            "wandb: uploading history; uploading files\n"
        );
        assert_eq!(
            plain.update(Some(&s)),
            "",
            "an unchanged line is not repeated"
        );
        assert_eq!(plain.close(), "");
        let mut off = Display::new(true, true, true);
        assert!(!off.is_on());
        assert_eq!(off.update(Some(&s)), "");
        assert_eq!(off.close(), "");
    }

    #[test]
    fn a_terminal_block_is_redrawn_in_place_and_cleared() {
        let mut term = Display::new(false, true, false);
        assert_eq!(
            term.update(None),
            format!("{PREFIX_TERM}: {DEFAULT_TEXT}\n")
        );
        let s = stats(
            vec![op("uploading history", 2.25), op("uploading files", 12.0)],
            2,
        );
        assert_eq!(
            term.update(Some(&s)),
            format!(
                "{CLEAR_LINE}{PREFIX_TERM}: uploading history (2.2s)\n\
                 {PREFIX_TERM}: uploading files (12s)\n"
            )
        );
        assert_eq!(term.close(), CLEAR_LINE.repeat(2));
    }

    /// Operation stats that exercise every rule: more operations than lines, sub-operations,
    /// errors, progress texts, durations in each unit.
    fn cases() -> Vec<OperationStats> {
        let mut nested = op("uploading artifact run-abc-tbl", 75.0);
        nested.progress = "3/5 files".into();
        nested.subtasks = vec![
            op("uploading media/table.json", 0.04),
            Operation {
                error_status: "retrying HTTP 500".into(),
                ..op("uploading manifest", 9.96)
            },
        ];
        let many: Vec<Operation> = (0..8)
            .map(|i| op(&format!("task {i}"), f64::from(i) * 7.5))
            .collect();
        vec![
            stats(vec![], 0),
            stats(vec![op("uploading history", 0.25)], 1),
            stats(vec![nested.clone(), op("updating run metadata", 3725.0)], 2),
            stats(many.clone(), 12),
            stats(many[..5].to_vec(), 5),
            stats(vec![nested, op("x", 59.5)], 4),
        ]
    }

    fn to_json(stats: &OperationStats) -> serde_json::Value {
        fn op_json(o: &Operation) -> serde_json::Value {
            serde_json::json!({
                "desc": o.desc, "runtime_seconds": o.runtime_seconds, "progress": o.progress,
                "error_status": o.error_status,
                "subtasks": o.subtasks.iter().map(op_json).collect::<Vec<_>>(),
            })
        }
        serde_json::json!({
            "operations": stats.operations.iter().map(op_json).collect::<Vec<_>>(),
            "total_operations": stats.total_operations,
        })
    }

    const SDK_RENDER: &str = r#"
import json, sys
from google.protobuf import json_format
from wandb.proto import wandb_internal_pb2 as pb
from wandb.sdk.lib import printer, progress
out = []
for i, case in enumerate(json.loads(sys.stdin.read())):
    stats = json_format.ParseDict(case, pb.OperationStats())
    p = printer._PrinterTerm(settings=None)
    symbol = p.loading_symbol(i)
    lines = progress._OperationStatsPrinter(p, progress._MAX_LINES_TO_PRINT, symbol).render(stats)
    line = progress.ProgressPrinter(p, None, "")._to_static_text(stats)
    out.append({"lines": lines, "static": line})
print(json.dumps(out))
"#;

    /// Our rendering of each case is the SDK's own (`wandb/sdk/lib/progress.py`, run on the
    /// same stats), with and without Unicode.
    #[test]
    fn the_lines_are_the_sdks() {
        let python = wb_fake_backend::locate_sdk_python().ok().filter(|p| {
            std::process::Command::new(p)
                .args(["-c", "import wandb; print(wandb.__version__)"])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0.31.0")
        });
        let Some(python) = python else {
            eprintln!("SKIPPED: no Python with wandb 0.31.0");
            return;
        };
        let cases = cases();
        let input = serde_json::Value::Array(cases.iter().map(to_json).collect()).to_string();
        for (encoding, unicode) in [("utf-8", true), ("ascii", false)] {
            let mut child = std::process::Command::new(&python)
                .args(["-c", SDK_RENDER])
                .env("PYTHONIOENCODING", encoding)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success());
            let sdk: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let style = Style { unicode };
            for (i, case) in cases.iter().enumerate() {
                let ours = operation_lines(case, MAX_LINES, &style.loading_symbol(i), style);
                assert_eq!(
                    serde_json::json!(ours),
                    sdk[i]["lines"],
                    "case {i}, unicode {unicode}"
                );
                assert_eq!(static_line(case), sdk[i]["static"], "case {i}");
            }
        }
    }
}
