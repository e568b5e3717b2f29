//! Python's `repr(str)`, as CPython 3.11 writes it.

use crate::pyrepr_table::NON_PRINTABLE;
use std::fmt::Write;

/// Whether CPython's `str.isprintable()` is false for `c` (Unicode 14 categories Cc, Cf, Cs,
/// Co, Cn, Zl, Zp and Zs other than the space), so that `repr` escapes it.
fn is_non_printable(c: char) -> bool {
    let c = c as u32;
    if (0x20..0x7f).contains(&c) {
        return false;
    }
    NON_PRINTABLE
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `repr(s)`: in single quotes unless `s` has a `'` and no `"`; `\\`, the quote, `\t`, `\n`,
/// `\r` escaped by name, and every other character Python does not print as `\xhh`, `\uhhhh`
/// or `\Uhhhhhhhh`.
pub fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_non_printable(c) => {
                let n = c as u32;
                let _ = match n {
                    0..=0xff => write!(out, "\\x{n:02x}"),
                    0x100..=0xffff => write!(out, "\\u{n:04x}"),
                    _ => write!(out, "\\U{n:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_disjoint() {
        assert!(NON_PRINTABLE.iter().all(|(lo, hi)| lo <= hi));
        assert!(NON_PRINTABLE.windows(2).all(|w| w[0].1 + 1 < w[1].0));
    }

    #[test]
    fn escapes_by_range() {
        assert_eq!(py_str_repr("é\n"), "'é\\n'");
        assert_eq!(
            py_str_repr("\u{80}\u{9f}\u{a0}\u{ad}"),
            "'\\x80\\x9f\\xa0\\xad'"
        );
        assert_eq!(py_str_repr("\u{2028}\u{e000}"), "'\\u2028\\ue000'");
        assert_eq!(
            py_str_repr("\u{e0001}\u{10ffff}"),
            "'\\U000e0001\\U0010ffff'"
        );
        assert_eq!(py_str_repr("☃ 😀"), "'☃ 😀'");
    }
}
