//! `output.log` as wandb-core writes it from `output_raw` records: each stream goes through
//! its own small terminal emulator (`\r` returns to the start of the line, `\n` starts the
//! next one, `ESC[A` / `ESC[B` move the cursor up and down, other escape sequences are kept
//! as text), and the lines of both streams, in the order they were started, are the file's
//! lines, with no prefix or timestamp.
//!
//! As in core, only the last 32 lines can still change, a line holds at most 4096 characters,
//! and a line's text in the file is the text it had at its last change (writing a character
//! equal to the one already there, such as a trailing space, is no change).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// How many lines stay open to change (core's `maxTerminalLines`): the height of each
/// stream's terminal and the number of lines the file model keeps.
const MAX_LINES: usize = 32;
/// The longest line, in characters (core's `maxTerminalLineLength`).
const MAX_LINE_LENGTH: usize = 4096;

/// One line of the model: its current characters and its text as of its last change.
#[derive(Debug, Default)]
struct Line {
    chars: Vec<char>,
    written: String,
}

/// The lines of both streams; the ones that can no longer change are in the file.
#[derive(Debug, Default)]
struct Lines {
    /// The number of the first line in `open`.
    first: usize,
    open: VecDeque<Line>,
    /// Lines that left `open`, waiting to be appended to the file.
    done: Vec<String>,
}

impl Lines {
    /// Starts a new empty line below all others and returns its number.
    fn next_line(&mut self) -> usize {
        let num = self.first + self.open.len();
        self.open.push_back(Line::default());
        if self.open.len() > MAX_LINES {
            if let Some(old) = self.open.pop_front() {
                self.done.push(old.written);
            }
            self.first += 1;
        }
        num
    }

    /// Puts `c` at column `x` of line `num` (spaces fill the gap); a line that can no longer
    /// change, or a column beyond the longest line, is left alone.
    fn put_char(&mut self, num: usize, c: char, x: usize) {
        if num < self.first || x >= MAX_LINE_LENGTH {
            return;
        }
        let Some(line) = self.open.get_mut(num - self.first) else {
            return;
        };
        if line.chars.len() <= x {
            line.chars.resize(x + 1, ' ');
        }
        if line.chars[x] == c {
            return;
        }
        line.chars[x] = c;
        line.written = line.chars.iter().collect();
    }
}

/// The cursor of one stream's terminal.
#[derive(Debug, Default)]
struct Terminal {
    /// The line numbers on screen, top first.
    view: Vec<usize>,
    y: usize,
    x: usize,
    /// The escape sequence being read (`""`, `"\x1b"` or `"\x1b["`).
    escape: &'static str,
}

impl Terminal {
    fn write(&mut self, lines: &mut Lines, text: &str) {
        for c in text.chars() {
            match self.escape {
                "\x1b" if c == '[' => self.escape = "\x1b[",
                "\x1b[" if c == 'A' => {
                    self.y = self.y.saturating_sub(1);
                    self.escape = "";
                }
                "\x1b[" if c == 'B' => {
                    self.escape = "";
                    self.down();
                }
                "" => match c {
                    '\r' => self.x = 0,
                    '\n' => {
                        self.x = 0;
                        self.down();
                    }
                    '\x1b' => self.escape = "\x1b",
                    _ => self.put(lines, c),
                },
                // An unknown sequence is printed as text, then the character itself.
                seq => {
                    self.escape = "";
                    for s in seq.chars() {
                        self.put(lines, s);
                    }
                    self.put(lines, c);
                }
            }
        }
    }

    fn down(&mut self) {
        self.y += 1;
        if self.y >= MAX_LINES {
            if !self.view.is_empty() {
                self.view.remove(0);
            }
            self.y -= 1;
        }
    }

    fn put(&mut self, lines: &mut Lines, c: char) {
        while self.y >= self.view.len() {
            self.view.push(lines.next_line());
        }
        lines.put_char(self.view[self.y], c, self.x);
        self.x += 1;
    }
}

/// The stream an `output_raw` record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

/// `files/output.log` of a run whose console lines are not handled by wandb-core.
#[derive(Debug)]
pub(crate) struct OutputLog {
    path: PathBuf,
    file: Option<BufWriter<File>>,
    lines: Lines,
    stdout: Terminal,
    stderr: Terminal,
    /// Set when writing failed: the file is left as it is.
    broken: bool,
}

impl OutputLog {
    /// The file is created at the first line, as core creates it.
    pub(crate) fn new(path: &Path) -> OutputLog {
        OutputLog {
            path: path.to_path_buf(),
            file: None,
            lines: Lines::default(),
            stdout: Terminal::default(),
            stderr: Terminal::default(),
            broken: false,
        }
    }

    /// Text written to one stream.
    pub(crate) fn write(&mut self, stream: Stream, text: &str) {
        match stream {
            Stream::Stdout => self.stdout.write(&mut self.lines, text),
            Stream::Stderr => self.stderr.write(&mut self.lines, text),
        }
        if !self.lines.done.is_empty() {
            let done = std::mem::take(&mut self.lines.done);
            self.append(&done);
        }
    }

    /// Writes the lines that can still change; nothing can be written after.
    pub(crate) fn finish(&mut self) {
        let open: Vec<String> = self.lines.open.drain(..).map(|l| l.written).collect();
        self.append(&open);
        if let Some(f) = &mut self.file
            && f.flush().is_err()
        {
            self.broken = true;
        }
        self.file = None;
        self.broken = true;
    }

    fn append(&mut self, lines: &[String]) {
        if self.broken || lines.is_empty() {
            return;
        }
        if self.file.is_none() {
            match File::create(&self.path) {
                Ok(f) => self.file = Some(BufWriter::new(f)),
                Err(_) => {
                    self.broken = true;
                    return;
                }
            }
        }
        let Some(f) = &mut self.file else {
            return;
        };
        let mut ok = true;
        for l in lines {
            ok &= f.write_all(l.as_bytes()).is_ok() && f.write_all(b"\n").is_ok();
        }
        ok &= f.flush().is_ok();
        if !ok {
            self.broken = true;
        }
    }
}

/// The file's text for a sequence of writes, without a file (for tests).
#[cfg(test)]
pub(crate) fn render(writes: &[(Stream, &str)]) -> String {
    let mut lines = Lines::default();
    let (mut out, mut err) = (Terminal::default(), Terminal::default());
    for (s, t) in writes {
        match s {
            Stream::Stdout => out.write(&mut lines, t),
            Stream::Stderr => err.write(&mut lines, t),
        }
    }
    let mut all = std::mem::take(&mut lines.done);
    all.extend(lines.open.drain(..).map(|l| l.written));
    all.iter().map(|l| format!("{l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::{Stream::*, render};

    #[test]
    fn carriage_returns_overwrite_and_streams_keep_their_own_lines() {
        assert_eq!(render(&[(Stdout, "a 1\ra 2\ra 3\n")]), "a 3\n");
        assert_eq!(render(&[(Stdout, "long line\rshort\n")]), "shortline\n");
        assert_eq!(
            render(&[(Stdout, "out "), (Stderr, "err\n"), (Stdout, "more\n")]),
            "out more\nerr\n"
        );
        assert_eq!(render(&[(Stdout, "a\n\n\nb")]), "a\n\n\nb\n");
        assert_eq!(render(&[(Stdout, "trailing\n\n")]), "trailing\n");
    }

    #[test]
    fn escapes_move_the_cursor_or_stay_as_text() {
        assert_eq!(
            render(&[(Stdout, "one\ntwo\n\x1b[A\x1b[AONE\n")]),
            "ONE\ntwo\n"
        );
        assert_eq!(render(&[(Stdout, "\x1b[31mred\n")]), "\x1b[31mred\n");
    }

    #[test]
    fn a_trailing_space_is_no_change_and_lines_stop_at_4096_characters() {
        assert_eq!(render(&[(Stdout, "hi \n")]), "hi\n");
        assert_eq!(render(&[(Stdout, "hi \rhi x\n")]), "hi x\n");
        let long = "x".repeat(5000);
        assert_eq!(
            render(&[(Stdout, &long)]),
            format!("{}\n", "x".repeat(4096))
        );
    }

    #[test]
    fn only_the_last_32_lines_can_change() {
        // stdout's line 0 is still on its screen, but 32 stderr lines closed it.
        let errs = "e\n".repeat(32);
        let want = format!("a\n{errs}");
        assert_eq!(
            render(&[(Stdout, "a"), (Stderr, &errs), (Stdout, "\rb")]),
            want
        );
        let errs = "e\n".repeat(31);
        let want = format!("b\n{errs}");
        assert_eq!(
            render(&[(Stdout, "a"), (Stderr, &errs), (Stdout, "\rb")]),
            want
        );
    }
}
