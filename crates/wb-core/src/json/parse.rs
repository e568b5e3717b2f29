//! A JSON reader that accepts what wandb writes: `NaN`, `Infinity`, `-Infinity` and integers
//! beyond 64 bits. Never panics, and never recurses: nesting is followed with a stack on the
//! heap, so the thread's stack size does not matter; nesting deeper than [`MAX_DEPTH`] levels is
//! an error.

use super::value::{Map, Value};

/// The deepest nesting accepted: at most this many arrays and objects may enclose one another
/// (`[[]]` is 2 levels). Python's `json` (and so wandb's SDK) reads and writes at most about
/// 990 levels before a `RecursionError`, so every file wandb writes is within it.
pub const MAX_DEPTH: usize = 1000;

/// A JSON syntax error, with the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON at byte {offset}: {message}")]
pub struct ParseError {
    /// Byte offset into the input.
    pub offset: usize,
    /// What was wrong.
    pub message: String,
}

/// Parses one JSON document (surrounding white space allowed).
pub fn parse(input: &str) -> Result<Value, ParseError> {
    let mut p = Parser {
        s: input.as_bytes(),
        i: 0,
    };
    p.ws();
    let v = p.document()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("trailing characters after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

/// An array or object being read: its members so far.
enum Open {
    Array(Vec<Value>),
    /// The members so far and the key of the member being read.
    Object(Map, String),
}

impl Parser<'_> {
    fn err(&self, message: &str) -> ParseError {
        ParseError {
            offset: self.i,
            message: message.to_owned(),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    /// One value, with the arrays and objects in it.
    fn document(&mut self) -> Result<Value, ParseError> {
        let mut open: Vec<Open> = Vec::new();
        loop {
            // Read a value: a scalar or an empty container whole; a container with members up
            // to its first member, which is read next.
            let mut done = match self.s.get(self.i) {
                Some(b'[') => {
                    self.enter(open.len())?;
                    if self.eat("]") {
                        Value::Array(Vec::new())
                    } else {
                        open.push(Open::Array(Vec::new()));
                        continue;
                    }
                }
                Some(b'{') => {
                    self.enter(open.len())?;
                    if self.eat("}") {
                        Value::Object(Map::new())
                    } else {
                        let key = self.key()?;
                        open.push(Open::Object(Map::new(), key));
                        continue;
                    }
                }
                _ => self.scalar()?,
            };
            // `done` is complete: add it to its container, closing the containers that end
            // here, until one goes on with another member.
            loop {
                let Some(container) = open.last_mut() else {
                    return Ok(done);
                };
                self.ws();
                match container {
                    Open::Array(items) => {
                        items.push(done);
                        if self.eat(",") {
                            self.ws();
                            break;
                        }
                        if !self.eat("]") {
                            return Err(self.err("expected ',' or ']'"));
                        }
                    }
                    Open::Object(map, key) => {
                        map.insert(std::mem::take(key), done);
                        if self.eat(",") {
                            *key = self.key()?;
                            break;
                        }
                        if !self.eat("}") {
                            return Err(self.err("expected ',' or '}'"));
                        }
                    }
                }
                // Closed: it is the value just read, in the container around it.
                done = match open.pop() {
                    Some(Open::Array(items)) => Value::Array(items),
                    Some(Open::Object(map, _)) => Value::Object(map),
                    None => Value::Null, // not reached: `container` was on the stack
                };
            }
        }
    }

    /// Steps into the `[` or `{` at the cursor, `depth` containers down, and past the white
    /// space after it.
    fn enter(&mut self, depth: usize) -> Result<(), ParseError> {
        if depth >= MAX_DEPTH {
            return Err(self.err(&format!(
                "JSON nested deeper than {MAX_DEPTH} levels: at most {MAX_DEPTH} arrays and \
                 objects may enclose one another (wandb's Python SDK cannot write deeper JSON \
                 either)"
            )));
        }
        self.i += 1;
        self.ws();
        Ok(())
    }

    /// An object member's key and the `:` after it, with the white space around them.
    fn key(&mut self) -> Result<String, ParseError> {
        self.ws();
        if self.s.get(self.i) != Some(&b'"') {
            return Err(self.err("expected a string key"));
        }
        let k = self.string()?;
        self.ws();
        if !self.eat(":") {
            return Err(self.err("expected ':'"));
        }
        self.ws();
        Ok(k)
    }

    /// A value that is not an array or an object.
    fn scalar(&mut self) -> Result<Value, ParseError> {
        match self.s.get(self.i) {
            None => Err(self.err("unexpected end of input")),
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b't') if self.eat("true") => Ok(Value::Bool(true)),
            Some(b'f') if self.eat("false") => Ok(Value::Bool(false)),
            Some(b'n') if self.eat("null") => Ok(Value::Null),
            Some(b'N') if self.eat("NaN") => Ok(Value::Float(f64::NAN)),
            Some(b'I') if self.eat("Infinity") => Ok(Value::Float(f64::INFINITY)),
            Some(b'-') if self.eat("-Infinity") => Ok(Value::Float(f64::NEG_INFINITY)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("expected a JSON value")),
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("truncated \\u escape"))?;
        let h = std::str::from_utf8(h).map_err(|_| self.err("bad \\u escape"))?;
        let v = u32::from_str_radix(h, 16).map_err(|_| self.err("bad \\u escape"))?;
        self.i += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1;
        let mut out = String::new();
        let mut start = self.i;
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return Err(self.err("unterminated string"));
            };
            match b {
                b'"' => {
                    out.push_str(self.slice(start)?);
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(self.slice(start)?);
                    self.i += 1;
                    let Some(&e) = self.s.get(self.i) else {
                        return Err(self.err("unterminated escape"));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{08}'),
                        b'f' => out.push('\u{0c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi) && self.eat("\\u") {
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    return Err(self.err("unpaired surrogate"));
                                }
                            } else {
                                hi
                            };
                            out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                        }
                        _ => return Err(self.err("unknown escape")),
                    }
                    start = self.i;
                }
                0..=0x1f => return Err(self.err("control character in string")),
                _ => self.i += 1,
            }
        }
    }

    fn slice(&self, start: usize) -> Result<&str, ParseError> {
        std::str::from_utf8(&self.s[start..self.i]).map_err(|_| self.err("invalid UTF-8"))
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        let mut is_float = false;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        while let Some(&b) = self.s.get(self.i) {
            match b {
                b'0'..=b'9' => {}
                b'.' | b'e' | b'E' | b'+' | b'-' => is_float = true,
                _ => break,
            }
            self.i += 1;
        }
        let text =
            std::str::from_utf8(&self.s[start..self.i]).map_err(|_| self.err("bad number"))?;
        if !is_float && let Ok(i) = text.parse::<i128>() {
            return Ok(Value::Int(i));
        }
        text.parse::<f64>()
            .map(Value::Float)
            .map_err(|_| ParseError {
                offset: start,
                message: format!("invalid number {text:?}"),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Dialect, to_string};

    #[test]
    fn round_trips_wandb_literals() {
        let text = r#"{"a": [NaN, Infinity, -Infinity, 1e-07, 1180591620717411303424], "b": "\u00e9\ud83d\ude00"}"#;
        let v = parse(text).unwrap();
        assert_eq!(to_string(&v, Dialect::Python), text);
    }

    #[test]
    fn errors_not_panics() {
        for bad in [
            "",
            "[",
            "{\"a\"",
            "\"\\u12",
            "[1,]",
            "nul",
            "-",
            "\"\\ud800\\u0041\"",
            "01x",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn nesting_up_to_max_depth_is_read_deeper_is_refused() {
        for depth in [1, 2, 999, MAX_DEPTH] {
            let text = "[".repeat(depth) + &"]".repeat(depth);
            let v = parse(&text).unwrap();
            assert_eq!(to_string(&v, Dialect::Compact), text);
            let text = "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth);
            assert_eq!(to_string(&parse(&text).unwrap(), Dialect::Compact), text);
        }
        // One level more, or 100 000 (on a test thread's 2 MiB stack), with or without the
        // closing brackets: refused where the level too many opens.
        for depth in [MAX_DEPTH + 1, 100_000] {
            for text in [
                "[".repeat(depth) + &"]".repeat(depth),
                "[".repeat(depth),
                " [{\"k\": ".repeat(depth / 2 + 1),
            ] {
                let err = parse(&text).unwrap_err();
                let opener = text.match_indices(['[', '{']).nth(MAX_DEPTH).unwrap().0;
                assert_eq!(err.offset, opener, "{err}");
                assert_eq!(
                    err.to_string(),
                    format!(
                        "invalid JSON at byte {opener}: JSON nested deeper than 1000 levels: at \
                         most 1000 arrays and objects may enclose one another (wandb's Python \
                         SDK cannot write deeper JSON either)"
                    )
                );
            }
        }
    }
}
