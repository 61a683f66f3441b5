//! The JSON header (serialize type 0): the fastjson form of the `RemotingCommand` bean.
//!
//! Written exactly as fastjson writes it: properties in alphabetical order
//! (`code, extFields, flag, language, opaque, remark, serializeTypeCurrentRPC, version`), nulls omitted,
//! no whitespace. Read leniently: unknown keys ignored, missing keys keep Java's defaults, ext values that
//! are numbers or booleans taken as their text.

use std::fmt;

use bytes::{BufMut, BytesMut};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::remoting::fastjson::{self, write_string};
use crate::remoting::{DecodeError, ExtFields, LanguageCode, RemotingCommand, SerializeType};

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonHeader {
    code: i32,
    language: Option<String>,
    version: i32,
    opaque: i32,
    flag: i32,
    remark: Option<String>,
    #[serde(rename = "extFields")]
    ext_fields: Option<ExtFields>,
}

/// Decodes a JSON header.
pub(crate) fn decode(header: &[u8]) -> Result<RemotingCommand, DecodeError> {
    let h: JsonHeader = fastjson::from_slice(header).map_err(DecodeError::BadJson)?;
    let language = match h.language {
        None => Some(LanguageCode::Java),
        Some(name) => LanguageCode::from_name(&name),
    };
    Ok(RemotingCommand {
        code: h.code,
        language,
        version: h.version,
        opaque: h.opaque,
        flag: h.flag,
        remark: h.remark,
        ext_fields: h.ext_fields,
        serialize_type: SerializeType::Json,
        body: None,
        body_parts: Vec::new(),
    })
}

/// Appends the JSON header of `cmd` to `dst`.
pub(crate) fn encode(cmd: &RemotingCommand, dst: &mut BytesMut) {
    let mut out: Vec<u8> = Vec::with_capacity(128 + cmd.remark.as_ref().map_or(0, String::len));
    out.extend_from_slice(b"{\"code\":");
    out.extend_from_slice(cmd.code.to_string().as_bytes());
    if let Some(ext) = &cmd.ext_fields {
        out.extend_from_slice(b",\"extFields\":{");
        for (i, (k, v)) in ext.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_string(&mut out, k);
            out.push(b':');
            write_string(&mut out, v);
        }
        out.push(b'}');
    }
    out.extend_from_slice(b",\"flag\":");
    out.extend_from_slice(cmd.flag.to_string().as_bytes());
    if let Some(language) = cmd.language {
        out.extend_from_slice(b",\"language\":\"");
        out.extend_from_slice(language.name().as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b",\"opaque\":");
    out.extend_from_slice(cmd.opaque.to_string().as_bytes());
    if let Some(remark) = &cmd.remark {
        out.extend_from_slice(b",\"remark\":");
        write_string(&mut out, remark);
    }
    out.extend_from_slice(b",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":");
    out.extend_from_slice(cmd.version.to_string().as_bytes());
    out.push(b'}');
    dst.put_slice(&out);
}

impl<'de> Deserialize<'de> for ExtFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ExtVisitor;
        impl<'de> Visitor<'de> for ExtVisitor {
            type Value = ExtFields;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of strings")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ExtFields, A::Error> {
                let mut ext = ExtFields::new();
                while let Some(key) = map.next_key::<String>()? {
                    match map.next_value::<serde_json::Value>()? {
                        serde_json::Value::String(s) => ext.insert(key, s),
                        serde_json::Value::Null => {}
                        other => ext.insert(key, other.to_string()),
                    }
                }
                Ok(ext)
            }

            fn visit_unit<E: de::Error>(self) -> Result<ExtFields, E> {
                Ok(ExtFields::new())
            }
        }
        d.deserialize_any(ExtVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_fastjson() {
        let mut req = RemotingCommand::request(105);
        req.version = 409;
        req.opaque = 3;
        req.ext_fields = Some([("topic", "TopicTest")].into_iter().collect());
        let mut out = BytesMut::new();
        encode(&req, &mut out);
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            r#"{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":3,"serializeTypeCurrentRPC":"JSON","version":409}"#
        );
    }

    #[test]
    fn decodes_leniently() {
        let cmd = decode(br#"{"code":17,"language":"KLINGON","extFields":{"a":1,"b":true,"c":null},"x":[1]}"#).unwrap();
        assert_eq!(cmd.code, 17);
        assert_eq!(cmd.language, None);
        let ext = cmd.ext_fields.unwrap();
        assert_eq!(ext.get("a"), Some("1"));
        assert_eq!(ext.get("b"), Some("true"));
        assert_eq!(ext.get("c"), None);
    }
}
