//! A small HTTP/1.1 request reader and response writer: what a Go `net/http` client sends.
//!
//! Requests: origin-form targets, `Content-Length` or `chunked` bodies, `Expect: 100-continue`,
//! `Content-Encoding: gzip`; keep-alive unless `Connection: close` or HTTP/1.0.

use std::io::{self, BufRead, Read, Write};

/// The longest request line or header line accepted, in bytes.
const MAX_LINE: usize = 64 * 1024;
/// The most header lines accepted in one request.
const MAX_HEADERS: usize = 256;
/// The largest request body accepted (after decompression), in bytes.
pub(crate) const MAX_BODY: usize = 1 << 30;

/// Why a request could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpError {
    /// The connection failed or was closed in the middle of a request.
    #[error("reading the request failed: {0}")]
    Io(#[from] io::Error),
    /// The bytes are not an HTTP/1.x request this server understands.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// A line, the header count or the body is over this server's limits.
    #[error("request too large: {0}")]
    TooLarge(String),
}

impl HttpError {
    /// The status to answer before closing the connection, where one can be sent.
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            HttpError::Io(_) => None,
            HttpError::Malformed(_) => Some(400),
            HttpError::TooLarge(_) => Some(413),
        }
    }
}

/// One request as read from the wire, body decoded (de-chunked and gunzipped).
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// The path, percent-decoded, without the query.
    pub(crate) path: String,
    /// The raw query string after `?`, if any.
    pub(crate) query: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    /// Whether the body arrived gzip-compressed (`Content-Encoding: gzip`).
    pub(crate) gzipped: bool,
    /// Whether the connection stays open after the response.
    pub(crate) keep_alive: bool,
}

impl Request {
    /// The first header of that name (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one line ending in `\n` (the `\r` is optional), without the line ending.
/// `Ok(None)` at a clean end of stream before any byte.
fn read_line(reader: &mut impl BufRead) -> Result<Option<String>, HttpError> {
    let mut line = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        if line.len() > MAX_LINE {
            return Err(HttpError::TooLarge(format!(
                "a line is longer than {MAX_LINE} bytes"
            )));
        }
        return Err(HttpError::Io(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the connection closed in the middle of a line",
        )));
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| HttpError::Malformed("a request or header line is not UTF-8".into()))
}

/// Reads the next request from a connection. `Ok(None)` when the client closed the connection
/// between requests. `continue_writer` receives `100 Continue` when the client asks for it.
pub(crate) fn read_request(
    reader: &mut impl BufRead,
    continue_writer: &mut impl Write,
) -> Result<Option<Request>, HttpError> {
    // Blank lines before a request line are allowed (RFC 9112 section 2.2).
    let line = loop {
        match read_line(reader)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HttpError::Malformed(format!(
            "request line {line:?} is not `METHOD TARGET HTTP/1.x`"
        )));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(HttpError::Malformed(format!(
            "method {method:?} is not a token"
        )));
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => {
            return Err(HttpError::Malformed(format!(
                "version {version:?}: only HTTP/1.0 and HTTP/1.1 are served"
            )));
        }
    };
    if !target.starts_with('/') {
        return Err(HttpError::Malformed(format!(
            "target {target:?}: only origin-form targets (starting with /) are served"
        )));
    }
    let (raw_path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (target, None),
    };
    let path = percent_decode(raw_path)?;

    let mut headers = Vec::new();
    loop {
        let Some(h) = read_line(reader)? else {
            return Err(HttpError::Io(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the connection closed in the middle of the headers",
            )));
        };
        if h.is_empty() {
            break;
        }
        if headers.len() >= MAX_HEADERS {
            return Err(HttpError::TooLarge(format!(
                "more than {MAX_HEADERS} header lines"
            )));
        }
        let Some((name, value)) = h.split_once(':') else {
            return Err(HttpError::Malformed(format!(
                "header line {h:?} has no colon"
            )));
        };
        if name.is_empty() || name.ends_with(' ') || name.ends_with('\t') {
            return Err(HttpError::Malformed(format!(
                "header name {name:?} is not a token"
            )));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let mut req = Request {
        method: method.to_string(),
        path,
        query,
        headers,
        body: Vec::new(),
        gzipped: false,
        keep_alive: !http10,
    };
    if let Some(conn) = req.header("connection") {
        let conn = conn.to_ascii_lowercase();
        if conn.split(',').any(|t| t.trim() == "close") {
            req.keep_alive = false;
        } else if conn.split(',').any(|t| t.trim() == "keep-alive") {
            req.keep_alive = true;
        }
    }

    let chunked = match req.header("transfer-encoding") {
        None => false,
        Some(te) if te.eq_ignore_ascii_case("chunked") => true,
        Some(te) => {
            return Err(HttpError::Malformed(format!(
                "transfer-encoding {te:?}: only chunked is served"
            )));
        }
    };
    let length =
        match req.header("content-length") {
            Some(_) if chunked => {
                return Err(HttpError::Malformed(
                    "both Content-Length and Transfer-Encoding were given".into(),
                ));
            }
            Some(v) => Some(v.parse::<usize>().map_err(|_| {
                HttpError::Malformed(format!("Content-Length {v:?} is not a number"))
            })?),
            None => None,
        };
    if length.is_some_and(|n| n > MAX_BODY) {
        return Err(HttpError::TooLarge(format!(
            "a body of more than {MAX_BODY} bytes"
        )));
    }
    let has_body = chunked || length.is_some_and(|n| n > 0);
    if has_body
        && req
            .header("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        continue_writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        continue_writer.flush()?;
    }
    let raw = if chunked {
        read_chunked(reader)?
    } else if let Some(n) = length {
        let mut body = vec![0; n];
        reader.read_exact(&mut body)?;
        body
    } else {
        Vec::new()
    };
    req.body = match req.header("content-encoding") {
        None => raw,
        Some(e) if e.eq_ignore_ascii_case("identity") => raw,
        Some(e) if e.eq_ignore_ascii_case("gzip") => {
            req.gzipped = true;
            gunzip(&raw)?
        }
        Some(e) => {
            return Err(HttpError::Malformed(format!(
                "content-encoding {e:?}: only gzip and identity are served"
            )));
        }
    };
    Ok(Some(req))
}

/// Reads a chunked body and its trailers.
fn read_chunked(reader: &mut impl BufRead) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    loop {
        let Some(line) = read_line(reader)? else {
            return Err(HttpError::Io(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the connection closed in the middle of a chunked body",
            )));
        };
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| {
            HttpError::Malformed(format!("chunk size {size_text:?} is not hexadecimal"))
        })?;
        if size == 0 {
            // Trailer fields, then the blank line.
            loop {
                match read_line(reader)? {
                    Some(t) if t.is_empty() => return Ok(body),
                    Some(_) => continue,
                    None => {
                        return Err(HttpError::Io(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the connection closed in the chunked trailers",
                        )));
                    }
                }
            }
        }
        if body.len().saturating_add(size) > MAX_BODY {
            return Err(HttpError::TooLarge(format!(
                "a body of more than {MAX_BODY} bytes"
            )));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Err(HttpError::Malformed("a chunk does not end in CRLF".into()));
        }
    }
}

/// Decompresses a gzip body, at most [`MAX_BODY`] bytes of output.
fn gunzip(raw: &[u8]) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(raw)
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| HttpError::Malformed(format!("the gzip body does not decompress: {e}")))?;
    if out.len() > MAX_BODY {
        return Err(HttpError::TooLarge(format!(
            "a body of more than {MAX_BODY} bytes once decompressed"
        )));
    }
    Ok(out)
}

/// Decodes `%XX` escapes in a path; the result must be UTF-8.
pub(crate) fn percent_decode(s: &str) -> Result<String, HttpError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            let Some(b) = hex else {
                return Err(HttpError::Malformed(format!(
                    "path {s:?} has a % not followed by two hex digits"
                )));
            };
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| HttpError::Malformed(format!("path {s:?} is not UTF-8 once decoded")))
}

/// Escapes one path segment: everything but unreserved characters (RFC 3986 section 2.3).
pub(crate) fn percent_encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escapes a `/`-separated path segment by segment, keeping the slashes.
pub(crate) fn percent_encode_path(s: &str) -> String {
    s.split('/')
        .map(percent_encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// A response to send.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// A JSON response.
    pub(crate) fn json(status: u16, value: &serde_json::Value) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: value.to_string().into_bytes(),
        }
    }

    /// A plain-text response.
    pub(crate) fn text(status: u16, body: impl Into<String>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            body: body.into().into_bytes(),
        }
    }

    /// Writes the response; `keep_alive` false adds `Connection: close`.
    pub(crate) fn write_to(&self, w: &mut impl Write, keep_alive: bool) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (n, v) in &self.headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        if !keep_alive {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        w.write_all(head.as_bytes())?;
        w.write_all(&self.body)?;
        w.flush()
    }
}

/// The reason phrase of the statuses this server answers.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use std::io::{BufReader, Cursor};

    fn parse(bytes: &[u8]) -> (Result<Option<Request>, HttpError>, Vec<u8>) {
        let mut reader = BufReader::new(Cursor::new(bytes.to_vec()));
        let mut cont = Vec::new();
        let r = read_request(&mut reader, &mut cont);
        (r, cont)
    }

    fn ok(bytes: &[u8]) -> Request {
        parse(bytes).0.unwrap().unwrap()
    }

    #[test]
    fn content_length_body_and_headers() {
        let r = ok(
            b"POST /graphql?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\
                     Authorization:  Basic YXBpOms= \r\n\r\nhello",
        );
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/graphql");
        assert_eq!(r.query.as_deref(), Some("x=1"));
        assert_eq!(r.body, b"hello");
        assert_eq!(r.header("authorization"), Some("Basic YXBpOms="));
        assert!(r.keep_alive);
        assert!(!r.gzipped);
    }

    #[test]
    fn two_requests_on_one_connection() {
        let bytes = b"PUT /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n";
        let mut reader = BufReader::new(Cursor::new(bytes.to_vec()));
        let mut sink = Vec::new();
        let a = read_request(&mut reader, &mut sink).unwrap().unwrap();
        let b = read_request(&mut reader, &mut sink).unwrap().unwrap();
        assert_eq!((a.method.as_str(), a.body.as_slice()), ("PUT", &b"abc"[..]));
        assert_eq!((b.method.as_str(), b.path.as_str()), ("GET", "/b"));
        assert!(read_request(&mut reader, &mut sink).unwrap().is_none());
    }

    #[test]
    fn chunked_body_with_extensions_and_trailers() {
        let r = ok(b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
                     4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n");
        assert_eq!(r.body, b"Wikipedia in\r\n\r\nchunks.");
    }

    #[test]
    fn gzip_body_is_decompressed() {
        use flate2::write::GzEncoder;
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(br#"{"files":{}}"#).unwrap();
        let gz = enc.finish().unwrap();
        let mut bytes = format!(
            "POST /f HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            gz.len()
        )
        .into_bytes();
        bytes.extend_from_slice(&gz);
        let r = ok(&bytes);
        assert!(r.gzipped);
        assert_eq!(r.body, br#"{"files":{}}"#);
    }

    #[test]
    fn expect_continue_is_answered_before_the_body() {
        let (r, cont) =
            parse(b"PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi");
        assert_eq!(r.unwrap().unwrap().body, b"hi");
        assert_eq!(cont, b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn connection_close_and_http10() {
        assert!(!ok(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
        assert!(!ok(b"GET / HTTP/1.0\r\n\r\n").keep_alive);
        assert!(ok(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
    }

    #[test]
    fn percent_decoding_of_paths() {
        let r = ok(b"PUT /upload/a%20b/%E2%98%83.png HTTP/1.1\r\n\r\n");
        assert_eq!(r.path, "/upload/a b/\u{2603}.png");
        assert_eq!(
            percent_encode_path("media/images/a b_0_\u{2603}.png"),
            "media/images/a%20b_0_%E2%98%83.png"
        );
        let s = "x y/z%?#\u{e9}";
        assert_eq!(percent_decode(&percent_encode_path(s)).unwrap(), s);
    }

    #[test]
    fn malformed_requests_are_errors_with_a_status() {
        for bad in [
            &b"GET\r\n\r\n"[..],
            b"GET / HTTP/2\r\n\r\n",
            b"get / HTTP/1.1\r\n\r\n",
            b"GET http://x/ HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"POST / HTTP/1.1\r\nContent-Encoding: br\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc",
            b"GET /%zz HTTP/1.1\r\n\r\n",
        ] {
            let err = parse(bad).0.unwrap_err();
            assert_eq!(
                err.status(),
                Some(400),
                "{:?}: {err}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn truncated_requests_are_io_errors() {
        for cut in [
            &b"GET / HTTP/1.1\r\nHost: a"[..],
            b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        ] {
            let err = parse(cut).0.unwrap_err();
            assert!(matches!(err, HttpError::Io(_)), "{err}");
            assert_eq!(err.status(), None);
        }
    }

    #[test]
    fn limits_are_enforced() {
        let mut long = b"GET /".to_vec();
        long.extend(std::iter::repeat_n(b'a', MAX_LINE + 10));
        long.extend_from_slice(b" HTTP/1.1\r\n\r\n");
        assert_eq!(parse(&long).0.unwrap_err().status(), Some(413));
        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..=MAX_HEADERS {
            many.extend_from_slice(format!("H{i}: v\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        assert_eq!(parse(&many).0.unwrap_err().status(), Some(413));
        let huge = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert_eq!(parse(huge.as_bytes()).0.unwrap_err().status(), Some(413));
    }

    #[test]
    fn response_framing() {
        let mut out = Vec::new();
        let mut r = Response::text(429, "slow down");
        r.headers.push(("Retry-After".into(), "1".into()));
        r.write_to(&mut out, false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Retry-After: 1\r\nContent-Length: 9\r\nConnection: close\r\n\r\nslow down"
        );
    }
}
