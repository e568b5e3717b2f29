//! Float formatting in the styles of Python `repr`, pydantic and Go.

use std::fmt::Write;

/// How a float is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatStyle {
    /// Python `repr` (stdlib `json`): decimal for `1e-4 <= |x| < 1e16`, else `1e-05`, `1e+16`.
    Python,
    /// pydantic-core (`json_util.dumps`): decimal for `1e-5 <= |x| < 1e16`, else `1e-6`, `1e+16`.
    Pydantic,
    /// Go `strconv.AppendFloat(v, 'g', -1, 64)`: exponent form (`1e-05`, `1.234567e+06`) when
    /// the decimal exponent is below -4 or at least 6, else decimal; integral floats have no `.0`.
    Go,
}

/// The shortest round-trip decimal digits of a float, without leading or trailing zeros.
struct Digits {
    buf: [u8; 32],
    len: usize,
    /// The decimal exponent: `|x| = d1.d2d3... * 10^exp`.
    exp: i32,
}

impl Digits {
    fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("0")
    }
}

/// The shortest round-trip decimal digits of a finite, non-zero `|x|` and its decimal exponent.
///
/// Among shortest candidates, the one nearest the exact value is taken, ties to even, as
/// CPython's `repr` (David Gay's algorithm) and Go's `strconv` do (`1042995743071348.25` is
/// `1042995743071348.2`). Rust's own `{:e}` breaks such ties the other way, so the digits come
/// from `zmij`, whose choice matches Python's. No allocation: this runs for every float of
/// every table, history row and histogram.
fn shortest_digits(x: f64) -> Digits {
    let mut zb = zmij::Buffer::new();
    let s = zb.format_finite(x.abs()).as_bytes();
    let (mant, exp) = match s.iter().position(|&b| b == b'e' || b == b'E') {
        Some(i) => (&s[..i], parse_exp(&s[i + 1..])),
        None => (s, 0),
    };
    let mut d = Digits {
        buf: [0; 32],
        len: 0,
        exp: 0,
    };
    // zmij writes `123`, `123.456` or `0.000123`, then maybe an exponent.
    let (int, frac) = match mant.iter().position(|&b| b == b'.') {
        Some(p) => (&mant[..p], &mant[p + 1..]),
        None => (mant, &[][..]),
    };
    let mut push = |part: &[u8]| {
        let n = part.len().min(d.buf.len() - d.len);
        d.buf[d.len..d.len + n].copy_from_slice(&part[..n]);
        d.len += n;
    };
    if int.iter().all(|&b| b == b'0') {
        let zeros = frac.iter().take_while(|&&b| b == b'0').count();
        push(&frac[zeros..]);
        d.exp = exp - 1 - zeros as i32;
    } else {
        let zeros = int.iter().take_while(|&&b| b == b'0').count();
        push(&int[zeros..]);
        push(frac);
        d.exp = exp + (int.len() - zeros) as i32 - 1;
    }
    // At most 17 significant digits: anything cut off by the buffer was a trailing zero.
    while d.len > 0 && d.buf[d.len - 1] == b'0' {
        d.len -= 1;
    }
    if d.len == 0 {
        d.buf[0] = b'0';
        d.len = 1;
    }
    d
}

/// The exponent after zmij's `e`: an optional sign and decimal digits.
fn parse_exp(s: &[u8]) -> i32 {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, s),
    };
    let v = digits
        .iter()
        .fold(0i32, |acc, &b| acc * 10 + i32::from(b.wrapping_sub(b'0')));
    if neg { -v } else { v }
}

fn push_zeros(out: &mut String, n: i32) {
    for _ in 0..n {
        out.push('0');
    }
}

fn write_decimal(out: &mut String, digits: &str, exp: i32, keep_point_zero: bool) {
    let n = digits.len() as i32;
    if exp < 0 {
        out.push_str("0.");
        push_zeros(out, -exp - 1);
        out.push_str(digits);
    } else if exp + 1 >= n {
        out.push_str(digits);
        push_zeros(out, exp + 1 - n);
        if keep_point_zero {
            out.push_str(".0");
        }
    } else {
        let (int, frac) = digits.split_at((exp + 1) as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
}

fn write_exponent(out: &mut String, digits: &str, exp: i32, min_exp_digits: usize) {
    let (first, rest) = digits.split_at(1);
    out.push_str(first);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    let width = if e >= 100 {
        3
    } else if e >= 10 {
        2
    } else {
        1
    };
    push_zeros(out, min_exp_digits.saturating_sub(width) as i32);
    let _ = write!(out, "{e}");
}

/// The common case, without taking the digits apart: when zmij wrote `|x|` in plain decimal
/// (`123.456`, `0.0012`, `7.0`) and `style` writes it in decimal too, the text is zmij's, with
/// `.0` added (Python, pydantic) or removed (Go) for integral values. Returns `false`, writing
/// nothing, when the slow path must decide.
fn write_plain(out: &mut String, s: &str, style: FloatStyle) -> bool {
    // One pass: where the point is, and no exponent.
    let mut dot = s.len();
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'.' => dot = i,
            b'e' | b'E' => return false,
            _ => {}
        }
    }
    let int = &s[..dot];
    let frac = s.get(dot + 1..).unwrap_or("");
    // The decimal exponent of the first significant digit.
    let exp = if int.bytes().all(|b| b == b'0') {
        let zeros = frac.bytes().take_while(|&b| b == b'0').count();
        if zeros == frac.len() {
            return false; // zero (handled by the caller) or not zmij's usual form
        }
        -1 - zeros as i32
    } else if int.starts_with('0') {
        return false;
    } else {
        int.len() as i32 - 1
    };
    let integral = frac.bytes().all(|b| b == b'0');
    match style {
        FloatStyle::Python | FloatStyle::Pydantic => {
            let min = if style == FloatStyle::Python { -4 } else { -5 };
            if !(min..16).contains(&exp) {
                return false;
            }
            if integral {
                out.push_str(int);
                out.push_str(".0");
            } else {
                out.push_str(s);
            }
        }
        FloatStyle::Go => {
            if !(-4..6).contains(&exp) {
                return false;
            }
            out.push_str(if integral { int } else { s });
        }
    }
    true
}

/// Writes `x` in `style`. Non-finite values are written as `NaN`, `Infinity` and `-Infinity`,
/// the literals all three of wandb's encoders use.
pub fn format_float(out: &mut String, x: f64, style: FloatStyle) {
    if x.is_nan() {
        out.push_str("NaN");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    if x.is_sign_negative() {
        out.push('-');
    }
    if x == 0.0 {
        out.push_str(if style == FloatStyle::Go { "0" } else { "0.0" });
        return;
    }
    let mut zb = zmij::Buffer::new();
    let abs = x.abs();
    if style != FloatStyle::Go && (decimal_min(style)..1e16).contains(&abs) {
        // zmij writes every `|x|` in `[1e-5, 1e16)` in decimal form, with `.0` on integral
        // values: exactly Python's and pydantic's text there. The bound decides as the
        // shortest digits' exponent would, since both bounds are the doubles nearest the powers
        // of ten: any shortest-digit string of a double at or above `1e-4` is at least `1e-4`
        // and of one below it is below it (likewise `1e-5`; `1e16` is exact).
        out.push_str(zb.format_finite(abs));
        return;
    }
    format_general(out, x, style);
}

/// The smallest `|x|` written in decimal form by `style` (Python and pydantic).
fn decimal_min(style: FloatStyle) -> f64 {
    if style == FloatStyle::Python {
        1e-4
    } else {
        1e-5
    }
}

/// [`format_float`] of a finite non-zero `x` whose sign is written, by taking zmij's text
/// apart.
fn format_general(out: &mut String, x: f64, style: FloatStyle) {
    let mut zb = zmij::Buffer::new();
    if write_plain(out, zb.format_finite(x.abs()), style) {
        return;
    }
    let d = shortest_digits(x);
    let (digits, exp) = (d.as_str(), d.exp);
    match style {
        FloatStyle::Python => {
            if (-4..16).contains(&exp) {
                write_decimal(out, digits, exp, true);
            } else {
                write_exponent(out, digits, exp, 2);
            }
        }
        FloatStyle::Pydantic => {
            if (-5..16).contains(&exp) {
                write_decimal(out, digits, exp, true);
            } else {
                write_exponent(out, digits, exp, 1);
            }
        }
        FloatStyle::Go => {
            // strconv 'g' with the shortest precision decides with a precision of 6.
            let eprec = 6;
            if exp < -4 || exp >= eprec {
                write_exponent(out, digits, exp, 2);
            } else {
                write_decimal(out, digits, exp, false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64, s: FloatStyle) -> String {
        let mut o = String::new();
        format_float(&mut o, x, s);
        o
    }

    #[test]
    fn python_repr_matches_cpython() {
        // Expected strings printed by CPython 3.11 `json.dumps`.
        let cases = [
            (1e-7, "1e-07"),
            (1e-5, "1e-05"),
            (1e-4, "0.0001"),
            (1.5e-6, "1.5e-06"),
            (1.0, "1.0"),
            (100.0, "100.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.23e16, "1.23e+16"),
            (1e21, "1e+21"),
            (5e-324, "5e-324"),
            (-0.0, "-0.0"),
            (f64::from(0.1f32), "0.10000000149011612"),
            (0.1, "0.1"),
            (123456789.123, "123456789.123"),
            (1e300, "1e+300"),
            // An exact tie between two shortest candidates: CPython rounds to even.
            (1_042_995_743_071_348.0 + 0.25, "1042995743071348.2"),
            (0.000123, "0.000123"),
            (123456.5, "123456.5"),
        ];
        for (x, want) in cases {
            assert_eq!(f(x, FloatStyle::Python), want, "{x:e}");
        }
    }

    /// 19 989 random doubles and their CPython 3.11 `repr` (`tests/data/float_repr.txt`, made by
    /// `make_float_repr.py` there).
    #[test]
    fn python_repr_on_random_doubles() {
        let text = include_str!("../../tests/data/float_repr.txt");
        let mut n = 0;
        for line in text.lines() {
            let (hex, want) = line.split_once(' ').unwrap();
            // The hex is the float's bytes in memory (little-endian) order.
            let x = f64::from_le_bytes(u64::from_str_radix(hex, 16).unwrap().to_be_bytes());
            assert_eq!(f(x, FloatStyle::Python), want, "{hex}");
            n += 1;
        }
        assert!(n > 19_000);
    }

    #[test]
    fn pydantic_matches_json_util() {
        // Expected strings printed by wandb 0.31.0 `json_util.dumps`.
        let cases = [
            (1e-7, "1e-7"),
            (1e-5, "0.00001"),
            (1e-4, "0.0001"),
            (1e-6, "1e-6"),
            (1.5e-6, "1.5e-6"),
            (1.0, "1.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1e21, "1e+21"),
            (5e-324, "5e-324"),
            (-0.0, "-0.0"),
            (1e300, "1e+300"),
        ];
        for (x, want) in cases {
            assert_eq!(f(x, FloatStyle::Pydantic), want, "{x:e}");
        }
    }

    /// The decimal-range shortcut against the general path, at and around its bounds and on
    /// pseudo-random bit patterns.
    #[test]
    fn decimal_range_shortcut_matches_the_general_path() {
        let mut xs = vec![];
        for b in [1e-5, 1e-4, 1e16, 1.0, 1e15] {
            let bits = f64::to_bits(b);
            for d in 0..4u64 {
                xs.extend([f64::from_bits(bits - d), f64::from_bits(bits + d)]);
            }
        }
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            // Exponents around the decimal range, any significand.
            let exp = 1023 - 20 + (seed >> 56) % 80;
            xs.push(f64::from_bits((exp << 52) | (seed & ((1 << 52) - 1))));
        }
        for x in xs {
            for style in [FloatStyle::Python, FloatStyle::Pydantic] {
                let mut general = String::new();
                format_general(&mut general, x, style);
                assert_eq!(f(x, style), general, "{x:e}");
            }
        }
    }

    #[test]
    fn go_g_format() {
        // Go `strconv.FormatFloat(x, 'g', -1, 64)`.
        let cases = [
            (1.7953134884996274e9, "1.7953134884996274e+09"),
            (1.234567e6, "1.234567e+06"),
            (1e-5, "1e-05"),
            (123456.5, "123456.5"),
            (0.5, "0.5"),
            (-0.0, "-0"),
            (1.0, "1"),
            (100.0, "100"),
            (1e6, "1e+06"),
            (0.0001, "0.0001"),
            (9.223372036854776e18, "9.223372036854776e+18"),
        ];
        for (x, want) in cases {
            assert_eq!(f(x, FloatStyle::Go), want, "{x:e}");
        }
    }
}
