//! fastjson 1.2.x `PrettyFormat`: the exact bytes `JSON.toJSONString(obj, true)` writes, which is what
//! `ConfigManager.persist()` puts in every `config/*.json`.
//!
//! Checked byte for byte against fastjson `1.2.69_noneautotype` (4.9.8) and `1.2.83` (5.3.3) — both write the
//! same — with the Java-generated files under `fixtures/config/` (see its README). The layout, with `d` the
//! nesting depth of the value being written and `⇥ⁿ` n tab characters:
//!
//! | Java value | Written | Empty |
//! |---|---|---|
//! | bean (public getters) | `{` then per non-null property `,`-separated `\n⇥ᵈ⁺¹"name":value`, then `\n⇥ᵈ}`; properties sorted by name | `{\n⇥ᵈ⁺¹\n⇥ᵈ}` |
//! | `Map` with `String` keys | like a bean, entries in the map's iteration order | `{}` |
//! | `Map` with `Integer`/`Long` keys | `{` then `,`-separated `key:value` **inline, bare keys**, then `\n⇥ᵈ}` | `{}` |
//! | `Set`, Java array (`long[]`, `String[]`) | `[` items `,`-separated inline `]` (items at depth `d`) | `[]` |
//! | `List` | `[` then per item `,`-separated `\n⇥ᵈ⁺¹item`, then `\n⇥ᵈ]` | `[]` |
//! | `String` | `"…"`, escapes below | |
//! | `int`, `long`, `AtomicLong` | decimal, also beyond 2^53 | |
//! | `boolean`, enum | `true`/`false`, `"CONSTANT_NAME"` | |
//!
//! Values of map entries and bean properties are written at depth `d + 1`. `null` properties and map entries
//! are left out (no `,` either). The document ends with the final `}`, no newline.
//!
//! String escapes (keys and values alike): `"` → `\"`, `\` → `\\`, the controls `\b \t \n \f \r` by letter,
//! every other character below U+0020, U+007F–U+009F and U+2028/U+2029 as `\u00XX`/`\u2028` with upper-case hex;
//! everything else (including `/` and non-ASCII) raw UTF-8.

use serde_json::Value;

/// A value ready to be written, tagged with the Java type it stands for (which decides the layout).
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `null`: left out of beans and maps.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number already in text form (floats, u64 from unknown properties).
    Number(String),
    /// A string.
    Str(String),
    /// A Java bean: properties are sorted by name when written.
    Bean(Vec<(String, Node)>),
    /// A `Map<String, …>`, written in the order given.
    Map(Vec<(String, Node)>),
    /// A `Map<Integer|Long, …>`, written inline with bare keys, in the order given.
    IntMap(Vec<(i64, Node)>),
    /// A `Set` or a Java array, written inline.
    Array(Vec<Node>),
    /// A `java.util.List`, one item per line.
    List(Vec<Node>),
}

impl Node {
    /// An unknown property read from a file: objects become string-keyed maps (keys in file order),
    /// arrays inline arrays. (The reader cannot tell an `Integer`-keyed map from a `String`-keyed one, so an
    /// unknown integer-keyed map comes back with quoted keys, which fastjson reads as well.)
    pub fn from_value(value: &Value) -> Node {
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Node::Int(i),
                None => Node::Number(n.to_string()),
            },
            Value::String(s) => Node::Str(s.clone()),
            Value::Array(items) => Node::Array(items.iter().map(Node::from_value).collect()),
            Value::Object(map) => Node::Map(map.iter().map(|(k, v)| (k.clone(), Node::from_value(v))).collect()),
        }
    }

    /// The pretty document, as `JSON.toJSONString(value, true)` writes it.
    pub fn to_pretty(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4096);
        write(&mut out, self, Some(0));
        out
    }

    /// The compact document, as `JSON.toJSONString(value)` writes it (what the broker sends on the wire).
    pub fn to_compact(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4096);
        write(&mut out, self, None);
        out
    }
}

/// Nesting depth when pretty-printing, `None` for the compact form.
type Depth = Option<usize>;

fn deeper(depth: Depth) -> Depth {
    depth.map(|d| d + 1)
}

fn indent(out: &mut Vec<u8>, depth: Depth) {
    if let Some(depth) = depth {
        out.push(b'\n');
        out.extend(std::iter::repeat(b'\t').take(depth));
    }
}

/// Java's `String.compareTo`: UTF-16 code unit order.
fn java_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn write(out: &mut Vec<u8>, node: &Node, depth: Depth) {
    match node {
        Node::Null => out.extend_from_slice(b"null"),
        Node::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Node::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Node::Number(n) => out.extend_from_slice(n.as_bytes()),
        Node::Str(s) => write_string(out, s),
        Node::Bean(props) => {
            let mut props: Vec<&(String, Node)> = props.iter().filter(|(_, v)| *v != Node::Null).collect();
            props.sort_by(|a, b| java_cmp(&a.0, &b.0));
            out.push(b'{');
            if props.is_empty() {
                indent(out, deeper(depth));
            }
            write_entries(out, props.into_iter(), depth);
            indent(out, depth);
            out.push(b'}');
        }
        Node::Map(entries) => {
            let mut entries = entries.iter().filter(|(_, v)| *v != Node::Null).peekable();
            out.push(b'{');
            if entries.peek().is_some() {
                write_entries(out, entries, depth);
                indent(out, depth);
            }
            out.push(b'}');
        }
        Node::IntMap(entries) => {
            out.push(b'{');
            let mut first = true;
            for (k, v) in entries.iter().filter(|(_, v)| *v != Node::Null) {
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(k.to_string().as_bytes());
                out.push(b':');
                write(out, v, deeper(depth));
            }
            if !first {
                indent(out, depth);
            }
            out.push(b'}');
        }
        Node::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(out, item, depth);
            }
            out.push(b']');
        }
        Node::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                indent(out, deeper(depth));
                write(out, item, deeper(depth));
            }
            if !items.is_empty() {
                indent(out, depth);
            }
            out.push(b']');
        }
    }
}

fn write_entries<'a>(out: &mut Vec<u8>, entries: impl Iterator<Item = &'a (String, Node)>, depth: Depth) {
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        indent(out, deeper(depth));
        write_string(out, k);
        out.push(b':');
        write(out, v, deeper(depth));
    }
}

/// Appends `s` as fastjson writes a string (see the module docs for the escapes).
pub fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' => {
                out.extend_from_slice(format!("\\u{:04X}", c as u32).as_bytes());
            }
            _ => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn pretty(n: &Node) -> String {
        String::from_utf8(n.to_pretty()).unwrap()
    }

    fn s(v: &str) -> Node {
        Node::Str(v.into())
    }

    /// `fixtures/config/layout.json`: what fastjson 1.2.69 and 1.2.83 both write for `Layout.Outer`.
    #[test]
    fn layout_matches_fastjson_for_every_container_kind() {
        let inner = || Node::Bean(vec![("b".into(), Node::Int(3)), ("a".into(), s("v"))]);
        let empty_bean = || Node::Bean(vec![("a".into(), Node::Null), ("b".into(), Node::Null)]);
        let doc = Node::Bean(vec![
            ("arr".into(), Node::Array(vec![s("x"), s("y")])),
            ("beanList".into(), Node::List(vec![inner(), empty_bean()])),
            ("byInt".into(), Node::IntMap(vec![(0, inner()), (5, empty_bean())])),
            ("empty".into(), empty_bean()),
            (
                "intToStr".into(),
                Node::IntMap(vec![
                    (1, Node::Map(vec![("k1".into(), Node::Int(1)), ("k2".into(), Node::Int(2))])),
                    (2, Node::Map(vec![])),
                ]),
            ),
            ("ints".into(), Node::Array(vec![])),
            ("list".into(), Node::List(vec![s("a"), s("b")])),
            ("longToList".into(), Node::IntMap(vec![(-7, Node::List(vec![Node::Int(1), Node::Int(2)]))])),
            ("nothing".into(), Node::Null),
            (
                "strNull".into(),
                Node::Map(vec![("n".into(), Node::Null), ("x".into(), inner()), ("z".into(), Node::Null)]),
            ),
            (
                "strToList".into(),
                Node::Map(vec![("s".into(), Node::List(vec![s("p"), s("q")])), ("e".into(), Node::List(vec![]))]),
            ),
        ]);
        let expected = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/config/layout.json")).unwrap();
        assert_eq!(pretty(&doc), String::from_utf8(expected).unwrap());
    }
    #[test]
    fn top_level_empty_bean() {
        assert_eq!(pretty(&Node::Bean(vec![])), "{\n\t\n}");
    }

    /// `fixtures/config/escapes.json`: fastjson's escapes for U+0000…U+00A0 and a few others.
    #[test]
    fn escapes_match_fastjson() {
        let mut all: String = (0u32..0xA1).filter_map(char::from_u32).collect();
        all.push_str("\u{2028}\u{2029}\u{ff}\u{feff}\u{fffe}");
        let doc = Node::Map(vec![(all.clone(), Node::Str(all))]);
        let expected = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/config/escapes.json")).unwrap();
        assert_eq!(doc.to_pretty(), expected);
    }

    #[test]
    fn bean_properties_sort_like_java_strings() {
        let doc = Node::Bean(vec![("b".into(), Node::Int(1)), ("B".into(), Node::Int(2)), ("a".into(), Node::Int(3))]);
        assert_eq!(pretty(&doc), "{\n\t\"B\":2,\n\t\"a\":3,\n\t\"b\":1\n}");
    }
}
