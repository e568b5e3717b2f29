//! git's change compaction (`xdl_change_compact` in xdiff), run on a raw edit script: each
//! group of changed lines is slid up and down over equal lines (merging with the groups it
//! meets), then left lined up with the other side's last change it can align with, or else
//! placed where git's indent heuristic scores best.

use imara_diff::{Interner, Token};

/// One file of the diff: its lines (as interned tokens, with each line's indent) and which
/// lines are changed, with an unchanged sentinel before the first and after the last.
pub(super) struct Side {
    tokens: Vec<Token>,
    indent: Vec<i32>,
    /// `changed[i + 1]` for line `i`.
    changed: Vec<bool>,
}

/// A group: the changed lines `start..end` (empty between two unchanged lines).
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

const MAX_INDENT: i32 = 200;
const MAX_BLANKS: i32 = 20;
const INDENT_HEURISTIC_MAX_SLIDING: usize = 100;
const START_OF_FILE_PENALTY: i32 = 1;
const END_OF_FILE_PENALTY: i32 = 21;
const TOTAL_BLANK_WEIGHT: i32 = -30;
const POST_BLANK_WEIGHT: i32 = 6;
const RELATIVE_INDENT_PENALTY: i32 = -4;
const RELATIVE_INDENT_WITH_BLANK_PENALTY: i32 = 10;
const RELATIVE_OUTDENT_PENALTY: i32 = 24;
const RELATIVE_OUTDENT_WITH_BLANK_PENALTY: i32 = 17;
const RELATIVE_DEDENT_PENALTY: i32 = 23;
const RELATIVE_DEDENT_WITH_BLANK_PENALTY: i32 = 17;
const INDENT_WEIGHT: i32 = 60;

/// git's `get_indent`: spaces count 1, tabs to the next multiple of 8, other white space 0;
/// -1 for a line of only white space.
fn indent_of(line: &[u8]) -> i32 {
    let mut ret = 0;
    for &c in line {
        match c {
            b' ' => ret += 1,
            b'\t' => ret += 8 - ret % 8,
            b'\n' | 0x0b | 0x0c | b'\r' => {}
            _ => return ret,
        }
        if ret >= MAX_INDENT {
            return MAX_INDENT;
        }
    }
    -1
}

impl Side {
    pub(super) fn new(
        tokens: &[Token],
        interner: &Interner<&[u8]>,
        changed: impl Fn(u32) -> bool,
    ) -> Side {
        let mut flags = vec![false; tokens.len() + 2];
        for i in 0..tokens.len() {
            flags[i + 1] = changed(i as u32);
        }
        Side {
            tokens: tokens.to_vec(),
            indent: tokens.iter().map(|&t| indent_of(interner[t])).collect(),
            changed: flags,
        }
    }

    fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether line `i` is changed (false past the end).
    pub(super) fn changed(&self, i: usize) -> bool {
        self.changed.get(i + 1).copied().unwrap_or(false)
    }

    /// Whether line `i - 1` is changed (false for `i == 0`).
    fn changed_before(&self, i: usize) -> bool {
        self.changed[i]
    }

    fn set(&mut self, i: usize, v: bool) {
        self.changed[i + 1] = v;
    }

    fn first_group(&self) -> Group {
        let mut end = 0;
        while self.changed(end) {
            end += 1;
        }
        Group { start: 0, end }
    }

    /// Moves to the next group; false at the end.
    fn next(&self, g: &mut Group) -> bool {
        if g.end == self.len() {
            return false;
        }
        g.start = g.end + 1;
        g.end = g.start;
        while self.changed(g.end) {
            g.end += 1;
        }
        true
    }

    /// Moves to the previous group; false at the start.
    fn previous(&self, g: &mut Group) -> bool {
        if g.start == 0 {
            return false;
        }
        g.end = g.start - 1;
        g.start = g.end;
        while self.changed_before(g.start) {
            g.start -= 1;
        }
        true
    }

    /// Slides the group one line down if the line after it equals its first; false if not.
    fn slide_down(&mut self, g: &mut Group) -> bool {
        if g.end < self.len() && self.tokens[g.start] == self.tokens[g.end] {
            self.set(g.start, false);
            self.set(g.end, true);
            g.start += 1;
            g.end += 1;
            while self.changed(g.end) {
                g.end += 1;
            }
            true
        } else {
            false
        }
    }

    /// Slides the group one line up if the line before it equals its last; false if not.
    fn slide_up(&mut self, g: &mut Group) -> bool {
        if g.start > 0 && self.tokens[g.start - 1] == self.tokens[g.end - 1] {
            g.start -= 1;
            g.end -= 1;
            self.set(g.start, true);
            self.set(g.end, false);
            while self.changed_before(g.start) {
                g.start -= 1;
            }
            true
        } else {
            false
        }
    }

    /// git's `measure_split` and `score_add_split` for a split before line `split`.
    fn score_split(&self, split: usize, score: &mut Score) {
        let n = self.len();
        let end_of_file = split >= n;
        let indent = if end_of_file { -1 } else { self.indent[split] };
        let mut pre_blank = 0;
        let mut pre_indent = -1;
        for i in (0..split).rev() {
            pre_indent = self.indent[i];
            if pre_indent != -1 {
                break;
            }
            pre_blank += 1;
            if pre_blank == MAX_BLANKS {
                pre_indent = 0;
                break;
            }
        }
        let mut post_blank = 0;
        let mut post_indent = -1;
        for i in split + 1..n {
            post_indent = self.indent[i];
            if post_indent != -1 {
                break;
            }
            post_blank += 1;
            if post_blank == MAX_BLANKS {
                post_indent = 0;
                break;
            }
        }

        if pre_indent == -1 && pre_blank == 0 {
            score.penalty += START_OF_FILE_PENALTY;
        }
        if end_of_file {
            score.penalty += END_OF_FILE_PENALTY;
        }
        let post_blank = if indent == -1 { 1 + post_blank } else { 0 };
        let total_blank = pre_blank + post_blank;
        score.penalty += TOTAL_BLANK_WEIGHT * total_blank;
        score.penalty += POST_BLANK_WEIGHT * post_blank;
        let indent = if indent != -1 { indent } else { post_indent };
        let any_blanks = total_blank != 0;
        score.effective_indent += indent;
        if indent == -1 || pre_indent == -1 {
        } else if indent > pre_indent {
            score.penalty += if any_blanks {
                RELATIVE_INDENT_WITH_BLANK_PENALTY
            } else {
                RELATIVE_INDENT_PENALTY
            };
        } else if indent == pre_indent {
        } else if post_indent != -1 && post_indent > indent {
            score.penalty += if any_blanks {
                RELATIVE_OUTDENT_WITH_BLANK_PENALTY
            } else {
                RELATIVE_OUTDENT_PENALTY
            };
        } else {
            score.penalty += if any_blanks {
                RELATIVE_DEDENT_WITH_BLANK_PENALTY
            } else {
                RELATIVE_DEDENT_PENALTY
            };
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Score {
    effective_indent: i32,
    penalty: i32,
}

/// git's `score_cmp`.
fn score_cmp(a: Score, b: Score) -> i32 {
    let cmp = i32::from(a.effective_indent > b.effective_indent)
        - i32::from(a.effective_indent < b.effective_indent);
    INDENT_WEIGHT * cmp + (a.penalty - b.penalty)
}

/// Compacts `side`'s groups, keeping `other`'s group cursor in step (its changes are not
/// moved here; git runs this once for each side). Without the indent heuristic, a group
/// that can move and lines up with nothing stays slid down as far as it goes.
pub(super) fn compact(side: &mut Side, other: &Side, indent_heuristic: bool) {
    let mut g = side.first_group();
    let mut go = other.first_group();
    loop {
        if g.end != g.start {
            let mut earliest_end;
            let mut end_matching_other;
            let mut group_size;
            loop {
                group_size = g.end - g.start;
                end_matching_other = None;
                while side.slide_up(&mut g) {
                    other.previous(&mut go);
                }
                earliest_end = g.end;
                if go.end > go.start {
                    end_matching_other = Some(g.end);
                }
                while side.slide_down(&mut g) {
                    other.next(&mut go);
                    if go.end > go.start {
                        end_matching_other = Some(g.end);
                    }
                }
                if group_size == g.end - g.start {
                    break;
                }
            }
            if g.end == earliest_end {
                // It could not move.
            } else if end_matching_other.is_some() {
                while go.end == go.start {
                    if !side.slide_up(&mut g) {
                        break;
                    }
                    other.previous(&mut go);
                }
            } else if indent_heuristic {
                let mut shift = earliest_end;
                if g.end > group_size && g.end - group_size - 1 > shift {
                    shift = g.end - group_size - 1;
                }
                if g.end >= INDENT_HEURISTIC_MAX_SLIDING
                    && g.end - INDENT_HEURISTIC_MAX_SLIDING > shift
                {
                    shift = g.end - INDENT_HEURISTIC_MAX_SLIDING;
                }
                let mut best: Option<(usize, Score)> = None;
                while shift <= g.end {
                    let mut score = Score::default();
                    side.score_split(shift, &mut score);
                    side.score_split(shift - group_size, &mut score);
                    if best.is_none_or(|(_, b)| score_cmp(score, b) <= 0) {
                        best = Some((shift, score));
                    }
                    shift += 1;
                }
                if let Some((best_shift, _)) = best {
                    while g.end > best_shift {
                        if !side.slide_up(&mut g) {
                            break;
                        }
                        other.previous(&mut go);
                    }
                }
            }
        }
        if !side.next(&mut g) {
            break;
        }
        other.next(&mut go);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_are_gits() {
        assert_eq!(indent_of(b"x\n"), 0);
        assert_eq!(indent_of(b"    x\n"), 4);
        assert_eq!(indent_of(b"  \tx"), 8);
        assert_eq!(indent_of(b" \r\x0cx"), 1);
        assert_eq!(indent_of(b"   \n"), -1);
        assert_eq!(indent_of(b""), -1);
        assert_eq!(indent_of(&[b' '; 300]), MAX_INDENT);
    }
}
