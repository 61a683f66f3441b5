//! Reading Java beans out of a parsed document the way fastjson does, keeping what Thruster does not know.
//!
//! fastjson matches properties by name, ignores unknown ones and converts scalars leniently (a number may
//! come as a string, a boolean as `1`/`"true"`). [`BeanReader`] takes the known properties out of a JSON
//! object one by one; whatever is left is the bean's [`Extra`], written back verbatim by [`BeanWriter`] so
//! that properties of a newer Java version survive a round trip through Thruster.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::pretty::Node;
use crate::protocol::data_version::DataVersion;
use crate::remoting::fastjson;
use crate::store::config_file::DecodeError;

/// Parses a whole config document as `MixAll.file2String` + fastjson do: UTF-8 (invalid sequences replaced), fastjson's lenient JSON.
/// `Ok(None)` when the text is blank or `null` (Java's `fromJson` returns `null` for those and `decode` leaves
/// the tables as they are).
/// `{"$ref": …}` back-references that fastjson writes for shared objects are resolved.
pub fn parse_document(bytes: &[u8]) -> Result<Option<Value>, DecodeError> {
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if trimmed.is_empty() {
        return Ok(None);
    }
    let mut value: Value = match serde_json::from_str(trimmed) {
        Ok(v) => v,
        Err(_) => fastjson::parse_lenient(trimmed.as_bytes())?,
    };
    resolve_refs(&mut value);
    Ok(match value {
        Value::Null => None,
        v => Some(v),
    })
}

/// Properties of a bean that Thruster does not model, in file order; written back unchanged.
pub type Extra = Map<String, Value>;

/// Takes known properties out of one JSON object.
#[derive(Debug)]
pub struct BeanReader {
    obj: Map<String, Value>,
    path: String,
}

impl BeanReader {
    /// `value` must be a JSON object; `path` names it in error messages.
    pub fn new(value: Value, path: &str) -> Result<Self, DecodeError> {
        match value {
            Value::Object(obj) => Ok(BeanReader { obj, path: path.to_owned() }),
            other => Err(DecodeError::property(path, format!("expected an object, found {}", kind(&other)))),
        }
    }

    /// The dotted path of property `key`, for error messages.
    pub fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Removes property `key`; `None` if absent or `null`.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        match self.obj.shift_remove(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// Whether property `key` is present (even as `null`).
    pub fn has(&self, key: &str) -> bool {
        self.obj.contains_key(key)
    }

    /// An `int` property, `default` when absent.
    pub fn i32_or(&mut self, key: &str, default: i32) -> Result<i32, DecodeError> {
        match self.take(key) {
            None => Ok(default),
            Some(v) => {
                let path = self.path_of(key);
                to_i64(&v)
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| DecodeError::property(path, format!("not an int: {v}")))
            }
        }
    }

    /// A `long` property, `default` when absent.
    pub fn i64_or(&mut self, key: &str, default: i64) -> Result<i64, DecodeError> {
        match self.take(key) {
            None => Ok(default),
            Some(v) => {
                let path = self.path_of(key);
                to_i64(&v).ok_or_else(|| DecodeError::property(path, format!("not a long: {v}")))
            }
        }
    }

    /// A `boolean` property, `default` when absent.
    pub fn bool_or(&mut self, key: &str, default: bool) -> Result<bool, DecodeError> {
        match self.take(key) {
            None => Ok(default),
            Some(v) => {
                let path = self.path_of(key);
                to_bool(&v).ok_or_else(|| DecodeError::property(path, format!("not a boolean: {v}")))
            }
        }
    }

    /// A `String` property.
    pub fn string(&mut self, key: &str) -> Result<Option<String>, DecodeError> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => {
                let path = self.path_of(key);
                to_string(&v).map(Some).ok_or_else(|| DecodeError::property(path, format!("not a string: {v}")))
            }
        }
    }

    /// A `DataVersion` property: `None` when absent. Unknown properties of the version go to `extra`.
    pub fn data_version(&mut self, key: &str, extra: &mut Extra) -> Result<Option<DataVersion>, DecodeError> {
        let Some(v) = self.take(key) else {
            return Ok(None);
        };
        let mut r = BeanReader::new(v, &self.path_of(key))?;
        let version = DataVersion {
            counter: r.i64_or("counter", 0)?,
            state_version: match r.take("stateVersion") {
                None => None,
                Some(v) => Some(
                    to_i64(&v)
                        .ok_or_else(|| DecodeError::property(r.path_of("stateVersion"), format!("not a long: {v}")))?,
                ),
            },
            timestamp: r.i64_or("timestamp", 0)?,
        };
        *extra = r.finish();
        Ok(Some(version))
    }

    /// What is left: the unknown properties.
    pub fn finish(self) -> Extra {
        self.obj
    }
}

/// Builds a [`Node::Bean`]: known properties, then the unknown ones (properties are sorted when written).
#[derive(Debug, Default)]
pub struct BeanWriter(Vec<(String, Node)>);

impl BeanWriter {
    /// An empty bean.
    pub fn new() -> Self {
        BeanWriter::default()
    }

    /// Adds a property.
    pub fn prop(mut self, name: &str, value: Node) -> Self {
        self.0.push((name.to_owned(), value));
        self
    }

    /// Adds a property if `cond`.
    pub fn prop_if(self, cond: bool, name: &str, value: impl FnOnce() -> Node) -> Self {
        if cond {
            self.prop(name, value())
        } else {
            self
        }
    }

    /// Adds the unknown properties (a name already written as a known property is skipped).
    pub fn extra(mut self, extra: &Extra) -> Self {
        for (k, v) in extra {
            if !self.0.iter().any(|(name, _)| name == k) {
                self.0.push((k.clone(), Node::from_value(v)));
            }
        }
        self
    }

    /// The bean node.
    pub fn build(self) -> Node {
        Node::Bean(self.0)
    }
}

/// The `DataVersion` bean: `counter`, `stateVersion` (when set), `timestamp`, plus unknown properties.
pub fn data_version_node(v: &DataVersion, extra: &Extra) -> Node {
    BeanWriter::new()
        .prop("counter", Node::Int(v.counter))
        .prop("stateVersion", v.state_version.map_or(Node::Null, Node::Int))
        .prop("timestamp", Node::Int(v.timestamp))
        .extra(extra)
        .build()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// fastjson's `castToLong`: integers, integral floats, and numeric strings.
pub fn to_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64().filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64).map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// fastjson's `castToBoolean`: `true`/`false`, `1`/`0`, and those as strings.
pub fn to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i == 1),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// fastjson's `castToString` for scalars.
pub fn to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A `Map<Integer, Long>` (queue id or delay level → offset). Keys may be bare or quoted; `null` values are
/// skipped.
pub fn int_long_map(v: Value, path: &str) -> Result<BTreeMap<i32, i64>, DecodeError> {
    let Value::Object(obj) = v else {
        return Err(DecodeError::property(path, format!("expected an object, found {}", kind(&v))));
    };
    let mut out = BTreeMap::new();
    for (k, v) in obj {
        if v.is_null() {
            continue;
        }
        let key: i32 = k.trim().parse().map_err(|_| DecodeError::property(path, format!("not an int key: {k:?}")))?;
        let value =
            to_i64(&v).ok_or_else(|| DecodeError::property(format!("{path}.{k}"), format!("not a long: {v}")))?;
        out.insert(key, value);
    }
    Ok(out)
}

/// A `Map<String, String>` in file order; scalar values are converted to strings, `null` values skipped.
pub fn string_map(v: Value, path: &str) -> Result<IndexMap<String, String>, DecodeError> {
    let Value::Object(obj) = v else {
        return Err(DecodeError::property(path, format!("expected an object, found {}", kind(&v))));
    };
    let mut out = IndexMap::with_capacity(obj.len());
    for (k, v) in obj {
        if v.is_null() {
            continue;
        }
        let s =
            to_string(&v).ok_or_else(|| DecodeError::property(format!("{path}.{k}"), format!("not a string: {v}")))?;
        out.insert(k, s);
    }
    Ok(out)
}

/// A `Map<String, Integer>` in file order; `null` values skipped.
pub fn string_int_map(v: Value, path: &str) -> Result<IndexMap<String, i32>, DecodeError> {
    let Value::Object(obj) = v else {
        return Err(DecodeError::property(path, format!("expected an object, found {}", kind(&v))));
    };
    let mut out = IndexMap::with_capacity(obj.len());
    for (k, v) in obj {
        if v.is_null() {
            continue;
        }
        let n = to_i64(&v)
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| DecodeError::property(format!("{path}.{k}"), format!("not an int: {v}")))?;
        out.insert(k, n);
    }
    Ok(out)
}

/// A `Map<String, Bean>` in file order, each value read with `read`; `null` values skipped.
pub fn bean_map<T>(
    v: Value,
    path: &str,
    mut read: impl FnMut(Value, &str) -> Result<T, DecodeError>,
) -> Result<IndexMap<String, T>, DecodeError> {
    let Value::Object(obj) = v else {
        return Err(DecodeError::property(path, format!("expected an object, found {}", kind(&v))));
    };
    let mut out = IndexMap::with_capacity(obj.len());
    for (k, v) in obj {
        if v.is_null() {
            continue;
        }
        let item = read(v, &format!("{path}.{k}"))?;
        out.insert(k, item);
    }
    Ok(out)
}

/// A `Map<String, String>` node in the map's order.
pub fn string_map_node(m: &IndexMap<String, String>) -> Node {
    Node::Map(m.iter().map(|(k, v)| (k.clone(), Node::Str(v.clone()))).collect())
}

/// A `Map<Integer, Long>` node in ascending key order.
pub fn int_long_map_node(m: &BTreeMap<i32, i64>) -> Node {
    Node::IntMap(m.iter().map(|(k, v)| (i64::from(*k), Node::Int(*v))).collect())
}

// ---------------------------------------------------------------------------------------------------------
// fastjson back-references

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

/// Replaces fastjson's `{"$ref":"$.a.b"}` back-references (written when one Java object is reachable twice)
/// with a copy of the object they point to, as fastjson's reader does. Supported: `$` (root), `$.key…`,
/// `[n]`, `@` (the enclosing object) and `..` (its parent); an unresolvable reference becomes `null`. Map keys
/// containing `.` are matched greedily.
pub fn resolve_refs(root: &mut Value) {
    for _ in 0..4 {
        let mut found = Vec::new();
        collect_refs(root, &mut Vec::new(), &mut found);
        if found.is_empty() {
            return;
        }
        let resolved: Vec<(Vec<Seg>, Value)> = found
            .into_iter()
            .map(|(loc, r)| {
                let target = resolve(root, &loc, &r).cloned().unwrap_or(Value::Null);
                (loc, target)
            })
            .collect();
        for (loc, target) in resolved {
            if let Some(slot) = get_mut(root, &loc) {
                *slot = target;
            }
        }
    }
}

fn ref_of(v: &Value) -> Option<&str> {
    match v {
        Value::Object(m) if m.len() == 1 => m.get("$ref").and_then(Value::as_str),
        _ => None,
    }
}

fn collect_refs(v: &Value, loc: &mut Vec<Seg>, found: &mut Vec<(Vec<Seg>, String)>) {
    if let Some(r) = ref_of(v) {
        found.push((loc.clone(), r.to_owned()));
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                loc.push(Seg::Key(k.clone()));
                collect_refs(child, loc, found);
                loc.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                loc.push(Seg::Index(i));
                collect_refs(child, loc, found);
                loc.pop();
            }
        }
        _ => {}
    }
}

fn get<'a>(root: &'a Value, loc: &[Seg]) -> Option<&'a Value> {
    loc.iter().try_fold(root, |v, seg| match seg {
        Seg::Key(k) => v.get(k.as_str()),
        Seg::Index(i) => v.get(*i),
    })
}

fn get_mut<'a>(root: &'a mut Value, loc: &[Seg]) -> Option<&'a mut Value> {
    loc.iter().try_fold(root, |v, seg| match seg {
        Seg::Key(k) => v.get_mut(k.as_str()),
        Seg::Index(i) => v.get_mut(*i),
    })
}

fn resolve<'a>(root: &'a Value, loc: &[Seg], r: &str) -> Option<&'a Value> {
    match r {
        "@" => get(root, loc.get(..loc.len().checked_sub(1)?)?),
        ".." => get(root, loc.get(..loc.len().checked_sub(2)?)?),
        _ => {
            let mut rest = r.strip_prefix('$')?;
            let mut node = root;
            while !rest.is_empty() {
                if let Some(after) = rest.strip_prefix('[') {
                    let end = after.find(']')?;
                    let index: usize = after.get(..end)?.parse().ok()?;
                    node = node.get(index)?;
                    rest = after.get(end + 1..)?;
                } else {
                    let after = rest.strip_prefix('.')?;
                    let obj = node.as_object()?;
                    let key = obj
                        .keys()
                        .filter(|k| {
                            after.starts_with(k.as_str())
                                && matches!(after.as_bytes().get(k.len()), None | Some(b'.' | b'['))
                        })
                        .max_by_key(|k| k.len())?;
                    node = obj.get(key)?;
                    rest = after.get(key.len()..)?;
                }
            }
            Some(node)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_resolve_like_fastjson() {
        let mut v = json!({
            "topicConfigTable": {
                "A": {"attributes": {"message.type": "FIFO"}, "topicName": "A"},
                "B": {"attributes": {"$ref": "$.topicConfigTable.A.attributes"}, "topicName": "B"},
                "C": {"self": {"$ref": "@"}, "up": {"$ref": ".."}, "bad": {"$ref": "$.nope"}}
            },
            "list": [{"x": 1}, {"$ref": "$.list[0]"}]
        });
        resolve_refs(&mut v);
        assert_eq!(v["topicConfigTable"]["B"]["attributes"], json!({"message.type": "FIFO"}));
        assert_eq!(v["list"][1], json!({"x": 1}));
        assert!(v["topicConfigTable"]["C"]["self"].is_object());
        assert!(v["topicConfigTable"]["C"]["up"]["C"].is_object());
        assert!(v["topicConfigTable"]["C"]["bad"].is_null());
    }

    #[test]
    fn dotted_keys_match_greedily() {
        let mut v = json!({"m": {"a": {"b": 1}, "a.b": {"c": 2}}, "r": {"$ref": "$.m.a.b.c"}});
        resolve_refs(&mut v);
        assert_eq!(v["r"], 2);
    }

    #[test]
    fn scalars_convert_like_fastjson() {
        assert_eq!(to_i64(&json!("12")), Some(12));
        assert_eq!(to_i64(&json!(3.0)), Some(3));
        assert_eq!(to_i64(&json!(3.5)), None);
        assert_eq!(to_bool(&json!("TRUE")), Some(true));
        assert_eq!(to_bool(&json!(0)), Some(false));
        assert_eq!(to_string(&json!(7)).as_deref(), Some("7"));
    }

    #[test]
    fn blank_and_null_documents_are_nothing() {
        assert!(parse_document(b"  \n\t").unwrap().is_none());
        assert!(parse_document(b"null").unwrap().is_none());
        assert!(parse_document(b"{0:1}").unwrap().is_some());
        let v = parse_document(b"{\"k\":\"\xff\"}").unwrap().unwrap();
        assert_eq!(v["k"], "\u{fffd}");
    }

    #[test]
    fn int_maps_accept_quoted_keys() {
        let m = int_long_map(json!({"0": 250, "1": "7", "2": null}), "t").unwrap();
        assert_eq!(m, BTreeMap::from([(0, 250), (1, 7)]));
        assert!(int_long_map(json!({"x": 1}), "t").is_err());
    }
}
