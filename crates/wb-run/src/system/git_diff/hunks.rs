//! The hunks of a text diff as `git diff` prints them: an edit script from imara-diff's Myers,
//! with imara-diff's postprocessing (groups slid over equal lines and placed by its version of
//! git's indent heuristic), changes closer than 2 × 3 lines merged
//! into one hunk with 3 lines of context, `@@ -a,b +c,d @@ <function>` headers with git's
//! default function line (the nearest line above the hunk starting with a letter, `_` or `$`,
//! cut to 80 bytes, trailing space removed), and `\ No newline at end of file` after a last
//! line without one.
//!
//! imara-diff's Myers is not git's to the line: among equally short edit scripts it can pick
//! another one on files with many repeated lines (its preprocessing, for one, counts repeated
//! lines after removing the files' common start and end, git's in the whole files). The
//! hunks are then as short as git's but placed elsewhere; `tests/git_diff.rs` measures how
//! often on random code-like edits.

use imara_diff::{Algorithm, Diff, InternedInput, sources::byte_lines};

/// How hunks are made: git's `diff.*` settings that change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Options {
    /// Lines of context around a change (`diff.context`, default 3).
    pub context: u32,
    /// Unchanged lines, past twice the context, that still join two changes into one hunk
    /// (`diff.interHunkContext`, default 0).
    pub inter_hunk: u32,
    /// `diff.indentHeuristic` (default on).
    pub indent_heuristic: bool,
    /// `diff.algorithm=minimal`: no early stop in Myers' search.
    pub minimal: bool,
    /// `diff.suppressBlankEmpty`: an empty context line is printed without its space.
    pub suppress_blank_empty: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            context: 3,
            inter_hunk: 0,
            indent_heuristic: true,
            minimal: false,
            suppress_blank_empty: false,
        }
    }
}
/// git's function line buffer.
const FUNC_LINE_MAX: usize = 80;

/// Splits `data` into lines, each with its `\n` (the last may have none).
fn lines(data: &[u8]) -> Vec<&[u8]> {
    byte_lines(data).collect()
}

/// A change: `before` lines of the old file replaced by `after` lines of the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    before: std::ops::Range<u32>,
    after: std::ops::Range<u32>,
}

/// The changes from `old` to `new`: imara-diff's Myers, then its postprocessing (with the
/// indent heuristic unless `diff.indentHeuristic` is off). imara-diff's own code is used
/// rather than a translation of git's (LGPL) xdiff; the two place a group differently in
/// rare cases with many equal lines (`tests/git_diff.rs` measures how rarely).
fn changes(old: &[u8], new: &[u8], opts: &Options) -> Vec<Change> {
    let input = InternedInput::new(byte_lines(old), byte_lines(new));
    let algorithm = if opts.minimal {
        Algorithm::MyersMinimal
    } else {
        Algorithm::Myers
    };
    let mut diff = Diff::compute(algorithm, &input);
    if opts.indent_heuristic {
        diff.postprocess_lines(&input);
    } else {
        diff.postprocess_no_heuristic(&input);
    }
    let out: Vec<Change> = diff
        .hunks()
        .map(|h| Change {
            before: h.before,
            after: h.after,
        })
        .collect();
    out
}

/// Appends the hunks that turn `old` into `new`; returns whether there were any.
pub(crate) fn write_hunks(out: &mut Vec<u8>, old: &[u8], new: &[u8], opts: &Options) -> bool {
    let changes = changes(old, new, opts);
    let context = opts.context;
    // `diff.suppressBlankEmpty`: an empty context line loses its space.
    let context_line = |out: &mut Vec<u8>, l: &[u8]| {
        if opts.suppress_blank_empty && l == b"\n" {
            out.push(b'\n');
        } else {
            line(out, b' ', l);
        }
    };
    if changes.is_empty() {
        return false;
    }
    let a = lines(old);
    let b = lines(new);
    let (n1, n2) = (a.len() as u32, b.len() as u32);
    let mut i = 0;
    while i < changes.len() {
        // Changes at most 2 × context (+ inter-hunk context) unchanged lines apart share a
        // hunk.
        let mut j = i;
        while j + 1 < changes.len()
            && changes[j + 1].before.start - changes[j].before.end <= 2 * context + opts.inter_hunk
        {
            j += 1;
        }
        let (first, last) = (&changes[i], &changes[j]);
        let s1 = first.before.start.saturating_sub(context);
        let s2 = first.after.start.saturating_sub(context);
        let e1 = (last.before.end + context).min(n1);
        let e2 = (last.after.end + context).min(n2);
        out.extend_from_slice(b"@@ -");
        range(out, s1, e1 - s1);
        out.extend_from_slice(b" +");
        range(out, s2, e2 - s2);
        out.extend_from_slice(b" @@");
        if let Some(f) = function_line(&a, s1) {
            out.push(b' ');
            out.extend_from_slice(f);
        }
        out.push(b'\n');
        let mut at = s1;
        for c in &changes[i..=j] {
            for l in &a[at as usize..c.before.start as usize] {
                context_line(out, l);
            }
            for l in &a[c.before.start as usize..c.before.end as usize] {
                line(out, b'-', l);
            }
            for l in &b[c.after.start as usize..c.after.end as usize] {
                line(out, b'+', l);
            }
            at = c.before.end;
        }
        for l in &a[at as usize..e1 as usize] {
            context_line(out, l);
        }
        i = j + 1;
    }
    true
}

/// `start,count` (1-based; the count left out when 1; the line before when empty).
fn range(out: &mut Vec<u8>, start: u32, count: u32) {
    let first = if count == 0 { start } else { start + 1 };
    out.extend_from_slice(first.to_string().as_bytes());
    if count != 1 {
        out.push(b',');
        out.extend_from_slice(count.to_string().as_bytes());
    }
}

fn line(out: &mut Vec<u8>, prefix: u8, l: &[u8]) {
    out.push(prefix);
    out.extend_from_slice(l);
    if l.last() != Some(&b'\n') {
        out.extend_from_slice(b"\n\\ No newline at end of file\n");
    }
}

/// git's default function line for a hunk starting at old line `s1`: the nearest line above
/// it that starts with a letter, `_` or `$`.
fn function_line<'a>(a: &[&'a [u8]], s1: u32) -> Option<&'a [u8]> {
    a[..s1 as usize].iter().rev().find_map(|l| {
        let first = *l.first()?;
        if !(first.is_ascii_alphabetic() || first == b'_' || first == b'$') {
            return None;
        }
        let mut l = &l[..l.len().min(FUNC_LINE_MAX)];
        // C's isspace: space, \t, \n, \v, \f, \r.
        while let Some((&last, rest)) = l.split_last() {
            if matches!(last, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
                l = rest;
            } else {
                break;
            }
        }
        Some(l)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hunks(old: &str, new: &str) -> String {
        let mut out = Vec::new();
        write_hunks(
            &mut out,
            old.as_bytes(),
            new.as_bytes(),
            &Options::default(),
        );
        String::from_utf8(out).unwrap()
    }

    fn numbered(n: u32) -> String {
        (1..=n).map(|i| format!("line {i}\n")).collect()
    }

    #[test]
    fn close_changes_share_a_hunk_and_far_ones_do_not() {
        let old = numbered(30);
        // Lines 5 and 12 changed: 6 unchanged lines between, one hunk.
        let new = old
            .replace("line 5\n", "five\n")
            .replace("line 12\n", "twelve\n");
        assert_eq!(
            hunks(&old, &new),
            "@@ -2,14 +2,14 @@ line 1\n line 2\n line 3\n line 4\n-line 5\n+five\n line 6\n \
             line 7\n line 8\n line 9\n line 10\n line 11\n-line 12\n+twelve\n line 13\n \
             line 14\n line 15\n"
        );
        // Lines 5 and 13: 7 between, two hunks; the second's function line is the nearest
        // line above it starting with a letter.
        let new = old
            .replace("line 5\n", "five\n")
            .replace("line 13\n", "thirteen\n");
        let got = hunks(&old, &new);
        assert!(got.starts_with("@@ -2,7 +2,7 @@ line 1\n"), "{got}");
        assert!(got.contains("@@ -10,7 +10,7 @@ line 9\n"), "{got}");
    }

    #[test]
    fn headers_count_lines_as_git_does() {
        assert_eq!(hunks("", "a\n"), "@@ -0,0 +1 @@\n+a\n");
        assert_eq!(hunks("a\nb\n", ""), "@@ -1,2 +0,0 @@\n-a\n-b\n");
        assert_eq!(
            hunks("a", "b"),
            "@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
        );
        assert_eq!(
            hunks("a\n", "a"),
            "@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n"
        );
        assert!(!write_hunks(
            &mut Vec::new(),
            b"same\n",
            b"same\n",
            &Options::default()
        ));
    }

    #[test]
    fn function_lines_start_with_a_letter_underscore_or_dollar() {
        let a: Vec<&[u8]> = vec![
            b"fn main() {   \n",
            b"    x\n",
            b"_private:\n",
            b"  y\n",
            b"# comment\n",
        ];
        assert_eq!(function_line(&a, 5), Some(&b"_private:"[..]));
        assert_eq!(function_line(&a, 2), Some(&b"fn main() {"[..]));
        assert_eq!(function_line(&a, 0), None);
        let long = [b'x'; 100];
        let a: Vec<&[u8]> = vec![&long];
        assert_eq!(function_line(&a, 1).unwrap().len(), FUNC_LINE_MAX);
    }
}
