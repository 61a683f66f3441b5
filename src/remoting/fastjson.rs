//! fastjson-compatible JSON: what Java writes, and a reader for everything Java may send.
//!
//! Writing (`RemotingSerializable.encode()` and the NameServer's browser-compatible route encoding):
//! properties come from serde in the order the Rust struct declares them, so wire structs declare fields
//! alphabetically, as fastjson sorts them, and skip `None`s. Two forms:
//! - [`to_vec_plain`]: fastjson's default. Integer map keys are written **bare** (`{0:"a:1"}`); characters
//!   `0x00-0x1F` and `0x7F-0x9F` are escaped, the rest written raw as UTF-8.
//! - [`to_vec_standard`]: `BrowserCompatible` + `MapSortField`: integer keys quoted, every character at or
//!   above `0x7F` written as `\uXXXX`, `/` as `\/`, longs beyond ±2^53-1 as strings.
//!
//! Reading ([`from_slice`]): standard JSON first; on failure a lenient parser that also accepts fastjson's
//! unquoted and non-string keys (a number, or an object such as a `MessageQueue`, which becomes the key's
//! compact JSON text), single-quoted strings and stray commas.

use std::io;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};
use serde_json::{Map, Value};

/// A JSON body could not be read.
#[derive(Debug, thiserror::Error)]
#[error("bad JSON at byte {at}: {what}")]
pub struct JsonError {
    /// Byte offset of the problem.
    pub at: usize,
    /// What was wrong.
    pub what: String,
}

/// Serialises `value` as fastjson's default `JSON.toJSONString` would.
pub fn to_vec_plain<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    write(value, false)
}

/// Serialises `value` as the NameServer's browser-compatible route encoding would.
pub fn to_vec_standard<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    write(value, true)
}

fn write<T: Serialize + ?Sized>(value: &T, browser: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, FastjsonFormatter::new(browser));
    // Serialising plain data structures into a Vec cannot fail.
    if value.serialize(&mut ser).is_err() {
        out.clear();
        out.extend_from_slice(b"{}");
    }
    out
}

/// Appends `s` as a fastjson double-quoted string (plain form) to `out`.
pub fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escape_plain(out, s);
    out.push(b'"');
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_u_escape(out: &mut Vec<u8>, unit: u16) {
    out.extend_from_slice(b"\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[usize::from((unit >> shift) & 0xF)]);
    }
}

fn escape_plain(out: &mut Vec<u8>, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' => push_u_escape(out, c as u16),
            _ => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

fn escape_browser(out: &mut Vec<u8>, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '/' => out.extend_from_slice(b"\\/"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\r' => out.extend_from_slice(b"\\r"),
            c if (c as u32) < 0x20 || (c as u32) >= 0x7f => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    push_u_escape(out, *unit);
                }
            }
            c => out.push(c as u8),
        }
    }
}

/// A serde_json formatter that writes what fastjson writes (see the module docs).
struct FastjsonFormatter {
    browser: bool,
    in_key: bool,
    /// A key's opening quote, held back until we know whether the key is a number.
    pending_quote: bool,
    numeric_key: bool,
}

impl FastjsonFormatter {
    fn new(browser: bool) -> Self {
        FastjsonFormatter { browser, in_key: false, pending_quote: false, numeric_key: false }
    }

    fn flush_quote<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.pending_quote {
            self.pending_quote = false;
            w.write_all(b"\"")?;
        }
        Ok(())
    }

    fn number<W: ?Sized + io::Write>(&mut self, w: &mut W, digits: &str, unsafe_in_js: bool) -> io::Result<()> {
        if self.pending_quote {
            self.pending_quote = false;
            self.numeric_key = true;
            return w.write_all(digits.as_bytes());
        }
        if self.browser && unsafe_in_js && !self.in_key {
            return write!(w, "\"{digits}\"");
        }
        w.write_all(digits.as_bytes())
    }
}

const JS_SAFE: i64 = 9_007_199_254_740_991;

impl Formatter for FastjsonFormatter {
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.in_key = true;
        if !first {
            w.write_all(b",")?;
        }
        Ok(())
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.in_key = false;
        Ok(())
    }

    fn begin_string<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.in_key && !self.browser {
            self.pending_quote = true;
            Ok(())
        } else {
            w.write_all(b"\"")
        }
    }

    fn end_string<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.numeric_key {
            self.numeric_key = false;
            return Ok(());
        }
        self.flush_quote(w)?;
        w.write_all(b"\"")
    }

    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        self.flush_quote(w)?;
        let mut out = Vec::with_capacity(fragment.len());
        if self.browser {
            escape_browser(&mut out, fragment);
        } else {
            escape_plain(&mut out, fragment);
        }
        w.write_all(&out)
    }

    fn write_char_escape<W: ?Sized + io::Write>(&mut self, w: &mut W, escape: CharEscape) -> io::Result<()> {
        self.flush_quote(w)?;
        let s: &[u8] = match escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"\\/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => {
                let mut out = Vec::with_capacity(6);
                push_u_escape(&mut out, u16::from(byte));
                return w.write_all(&out);
            }
        };
        w.write_all(s)
    }

    fn write_i32<W: ?Sized + io::Write>(&mut self, w: &mut W, v: i32) -> io::Result<()> {
        self.number(w, &v.to_string(), false)
    }

    fn write_i64<W: ?Sized + io::Write>(&mut self, w: &mut W, v: i64) -> io::Result<()> {
        self.number(w, &v.to_string(), !(-JS_SAFE..=JS_SAFE).contains(&v))
    }

    fn write_u32<W: ?Sized + io::Write>(&mut self, w: &mut W, v: u32) -> io::Result<()> {
        self.number(w, &v.to_string(), false)
    }

    fn write_u64<W: ?Sized + io::Write>(&mut self, w: &mut W, v: u64) -> io::Result<()> {
        self.number(w, &v.to_string(), v > JS_SAFE as u64)
    }
}

/// Reads a JSON body that Java may have written (see the module docs).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Ok(v),
        Err(strict) => {
            let value = parse_lenient(bytes)?;
            serde_json::from_value(value)
                .map_err(|e| JsonError { at: 0, what: format!("{e} (strict parse: {strict})") })
        }
    }
}

/// Parses fastjson-flavoured JSON into a [`Value`]; non-string keys become their compact JSON text.
pub fn parse_lenient(bytes: &[u8]) -> Result<Value, JsonError> {
    let mut p = Lenient { src: bytes, at: 0, depth: 0 };
    let v = p.value()?;
    p.ws();
    if p.at != bytes.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(v)
}

const MAX_DEPTH: usize = 128;

struct Lenient<'a> {
    src: &'a [u8],
    at: usize,
    depth: usize,
}

impl Lenient<'_> {
    fn err(&self, what: &str) -> JsonError {
        JsonError { at: self.at, what: what.to_owned() }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.at).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Result<Value, JsonError> {
        self.ws();
        match self.peek() {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(q @ (b'"' | b'\'')) => self.string(q).map(Value::String),
            Some(_) => self.bare(),
            None => Err(self.err("unexpected end")),
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Value, JsonError>) -> Result<Value, JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn object(&mut self) -> Result<Value, JsonError> {
        self.at += 1; // '{'
        let mut map = Map::new();
        loop {
            self.ws();
            match self.peek() {
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(map));
                }
                Some(b',') => {
                    self.at += 1;
                    continue;
                }
                None => return Err(self.err("unterminated object")),
                _ => {}
            }
            let key = match self.value()? {
                Value::String(s) => s,
                other => other.to_string(),
            };
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.err("expected ':'"));
            }
            self.at += 1;
            let v = self.value()?;
            map.insert(key, v);
        }
    }

    fn array(&mut self) -> Result<Value, JsonError> {
        self.at += 1; // '['
        let mut items = Vec::new();
        loop {
            self.ws();
            match self.peek() {
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                Some(b',') => {
                    self.at += 1;
                    continue;
                }
                None => return Err(self.err("unterminated array")),
                _ => items.push(self.value()?),
            }
        }
    }

    fn string(&mut self, quote: u8) -> Result<String, JsonError> {
        self.at += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            self.at += 1;
            if b == quote {
                return String::from_utf8(out).map_err(|_| self.err("invalid UTF-8"));
            }
            if b != b'\\' {
                out.push(b);
                continue;
            }
            let Some(e) = self.peek() else {
                return Err(self.err("unterminated escape"));
            };
            self.at += 1;
            let c = match e {
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode_escape()?,
                other => char::from(other),
            };
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }

    fn hex4(&mut self) -> Result<u16, JsonError> {
        let digits = self.src.get(self.at..self.at + 4).ok_or_else(|| self.err("short \\u escape"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.err("bad \\u escape"))?;
        let unit = u16::from_str_radix(text, 16).map_err(|_| self.err("bad \\u escape"))?;
        self.at += 4;
        Ok(unit)
    }

    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) && self.src.get(self.at..self.at + 2) == Some(b"\\u") {
            let save = self.at;
            self.at += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let c = 0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{fffd}'));
            }
            self.at = save;
        }
        Ok(char::from_u32(u32::from(first)).unwrap_or('\u{fffd}'))
    }

    /// A number, `true`/`false`/`null`, or an unquoted identifier (fastjson allows unquoted keys).
    fn bare(&mut self) -> Result<Value, JsonError> {
        let start = self.at;
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.' | b'_' | b'$') {
                self.at += 1;
            } else {
                break;
            }
        }
        if self.at == start {
            return Err(self.err("unexpected character"));
        }
        let text = std::str::from_utf8(self.src.get(start..self.at).unwrap_or_default()).unwrap_or_default();
        Ok(match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => match serde_json::from_str::<serde_json::Number>(text) {
                Ok(n) => Value::Number(n),
                Err(_) => Value::String(text.to_owned()),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(Serialize)]
    struct Broker {
        #[serde(rename = "brokerAddrs")]
        broker_addrs: BTreeMap<i64, String>,
        #[serde(rename = "brokerName")]
        broker_name: String,
    }

    #[test]
    fn plain_form_writes_bare_numeric_keys() {
        let b = Broker {
            broker_addrs: [(0, "10.0.0.1:10911".to_owned()), (1, "10.0.0.2:10911".to_owned())].into(),
            broker_name: "broker-a".into(),
        };
        assert_eq!(
            String::from_utf8(to_vec_plain(&b)).unwrap(),
            r#"{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"broker-a"}"#
        );
        assert_eq!(
            String::from_utf8(to_vec_standard(&b)).unwrap(),
            r#"{"brokerAddrs":{"0":"10.0.0.1:10911","1":"10.0.0.2:10911"},"brokerName":"broker-a"}"#
        );
    }

    #[test]
    fn browser_form_escapes_non_ascii_and_slash() {
        let v = serde_json::json!({"k": "主/é\u{1}"});
        assert_eq!(String::from_utf8(to_vec_standard(&v)).unwrap(), r#"{"k":"\u4E3B\/\u00E9\u0001"}"#);
        assert_eq!(String::from_utf8(to_vec_plain(&v)).unwrap(), "{\"k\":\"主/é\\u0001\"}");
    }

    #[test]
    fn lenient_reader_accepts_fastjson_keys() {
        let v = parse_lenient(br#"{"brokerAddrs":{0:"a:1",1:'b:2',},{"brokerName":"b","queueId":0}:42}"#).unwrap();
        assert_eq!(v["brokerAddrs"]["0"], "a:1");
        assert_eq!(v["brokerAddrs"]["1"], "b:2");
        assert_eq!(v[r#"{"brokerName":"b","queueId":0}"#], 42);
    }

    #[test]
    fn lenient_reader_never_recurses_unbounded() {
        let deep = "[".repeat(100_000);
        assert!(parse_lenient(deep.as_bytes()).is_err());
    }
}
