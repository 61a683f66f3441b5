//! `RemotingCommand`: the unit every frame carries, request or response.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.RemotingCommand` (minus the wire encoding, which lives in
//! [`super::frame`] and [`super::header`]).

use bytes::Bytes;

use super::ext_fields::ExtFields;

/// Bit 0 of `flag`: set on every response.
pub const FLAG_RESPONSE: i32 = 0x1;
/// Bit 1 of `flag`: a request that expects no answer.
pub const FLAG_ONEWAY: i32 = 0x2;

/// `MQVersion.Version.V3_0_7_SNAPSHOT.ordinal()`: the first client that takes a broker-initiated offset reset
/// or consumer-status query (220 / 221).
pub const VERSION_3_0_7_SNAPSHOT: i32 = 49;
/// `MQVersion.Version.V3_1_8_SNAPSHOT.ordinal()`: the first client that answers 307 / 309 relayed by a broker.
pub const VERSION_3_1_8_SNAPSHOT: i32 = 72;
/// `MQVersion.Version.V4_9_8.ordinal()`, what 4.9.8 processes send.
pub const VERSION_4_9_8: i32 = 409;
/// `MQVersion.Version.V4_9_4.ordinal()`: from here on clients get standard-JSON routes.
pub const VERSION_4_9_4: i32 = 401;
/// `MQVersion.Version.V5_3_3.ordinal()`, what 5.3.3 processes send.
pub const VERSION_5_3_3: i32 = 479;
/// The version ordinal Thruster puts in every command it creates (never 0: clients read the broker's).
pub const SERVER_VERSION: i32 = VERSION_5_3_3;

/// How the header of a frame is encoded (the high byte of the header-length word).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SerializeType {
    /// Type 0: a fastjson object.
    #[default]
    Json,
    /// Type 1: the compact `RocketMQSerializable` binary form.
    RocketMq,
}

impl SerializeType {
    /// The code carried in the frame's type byte.
    pub fn code(self) -> u8 {
        match self {
            SerializeType::Json => 0,
            SerializeType::RocketMq => 1,
        }
    }

    /// The type for a frame's type byte, `None` for anything but 0 and 1.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(SerializeType::Json),
            1 => Some(SerializeType::RocketMq),
            _ => None,
        }
    }

    /// The Java enum name (`serializeTypeCurrentRPC`).
    pub fn name(self) -> &'static str {
        match self {
            SerializeType::Json => "JSON",
            SerializeType::RocketMq => "ROCKETMQ",
        }
    }
}

/// `LanguageCode`: the sender's language, by name in JSON headers and by code in binary ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum LanguageCode {
    Java,
    Cpp,
    Dotnet,
    Python,
    Delphi,
    Erlang,
    Ruby,
    Other,
    Http,
    Go,
    Php,
    Oms,
    Rust,
    NodeJs,
}

const LANGUAGES: [(LanguageCode, &str); 14] = [
    (LanguageCode::Java, "JAVA"),
    (LanguageCode::Cpp, "CPP"),
    (LanguageCode::Dotnet, "DOTNET"),
    (LanguageCode::Python, "PYTHON"),
    (LanguageCode::Delphi, "DELPHI"),
    (LanguageCode::Erlang, "ERLANG"),
    (LanguageCode::Ruby, "RUBY"),
    (LanguageCode::Other, "OTHER"),
    (LanguageCode::Http, "HTTP"),
    (LanguageCode::Go, "GO"),
    (LanguageCode::Php, "PHP"),
    (LanguageCode::Oms, "OMS"),
    (LanguageCode::Rust, "RUST"),
    (LanguageCode::NodeJs, "NODE_JS"),
];

impl LanguageCode {
    /// The byte used in ROCKETMQ binary headers (the table index equals Java's code).
    pub fn code(self) -> u8 {
        LANGUAGES.iter().position(|(l, _)| *l == self).map_or(7, |i| i as u8)
    }

    /// The language for a binary code; unknown codes are `None`, as in Java.
    pub fn from_code(code: u8) -> Option<Self> {
        LANGUAGES.get(usize::from(code)).map(|(l, _)| *l)
    }

    /// The Java enum constant name.
    pub fn name(self) -> &'static str {
        LANGUAGES.iter().find(|(l, _)| *l == self).map_or("OTHER", |(_, n)| n)
    }

    /// The language for a Java enum name; unknown names are `None`, as in Java.
    pub fn from_name(name: &str) -> Option<Self> {
        LANGUAGES.iter().find(|(_, n)| *n == name).map(|(l, _)| *l)
    }
}

/// One request or response.
#[derive(Debug, Clone, PartialEq)]
pub struct RemotingCommand {
    /// Request code, or response code on responses.
    pub code: i32,
    /// Sender's language; `None` when the sender's value was unknown to us (Java decodes it to null).
    pub language: Option<LanguageCode>,
    /// Sender's `MQVersion` ordinal.
    pub version: i32,
    /// Request id; a response carries its request's.
    pub opaque: i32,
    /// Bit flags: [`FLAG_RESPONSE`], [`FLAG_ONEWAY`].
    pub flag: i32,
    /// Free text, e.g. an error description.
    pub remark: Option<String>,
    /// The flattened custom header; `None` and empty differ in JSON (`{}` vs absent).
    pub ext_fields: Option<ExtFields>,
    /// How the header was (or will be) encoded.
    pub serialize_type: SerializeType,
    /// Opaque payload; an empty body is `None`, as in Java.
    pub body: Option<Bytes>,
    /// More body, written right after `body` (usually instead of it): segments a sender holds as views, e.g. the
    /// mapped-file records of a PULL answer, so that the server writes them with vectored I/O instead of
    /// copying them into one buffer. Decoding never fills it: a received body is always one `body`.
    pub body_parts: Vec<Bytes>,
}

impl RemotingCommand {
    /// A new request with `code`, Thruster's version and `opaque` 0 (the client assigns it).
    pub fn request(code: i32) -> Self {
        RemotingCommand {
            code,
            language: Some(LanguageCode::Java),
            version: SERVER_VERSION,
            opaque: 0,
            flag: 0,
            remark: None,
            ext_fields: None,
            serialize_type: SerializeType::Json,
            body: None,
            body_parts: Vec::new(),
        }
    }

    /// The response to this request with `code`: same `opaque`, RESPONSE bit, same serialize type.
    pub fn response(&self, code: i32) -> Self {
        RemotingCommand {
            code,
            language: Some(LanguageCode::Java),
            version: SERVER_VERSION,
            opaque: self.opaque,
            flag: FLAG_RESPONSE,
            remark: None,
            ext_fields: None,
            serialize_type: self.serialize_type,
            body: None,
            body_parts: Vec::new(),
        }
    }

    /// The response to this request with `code` and a remark.
    pub fn error_response(&self, code: i32, remark: impl Into<String>) -> Self {
        self.response(code).with_remark(remark)
    }

    /// Sets the remark.
    pub fn with_remark(mut self, remark: impl Into<String>) -> Self {
        self.remark = Some(remark.into());
        self
    }

    /// Sets the body; an empty body becomes `None`.
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        let body = body.into();
        self.body = if body.is_empty() { None } else { Some(body) };
        self
    }

    /// Sets the body as segments written back to back (one segment becomes `body`); no copy is made.
    pub fn set_body_parts(&mut self, mut parts: Vec<Bytes>) {
        parts.retain(|p| !p.is_empty());
        if parts.len() <= 1 {
            self.body = parts.pop();
            self.body_parts = Vec::new();
        } else {
            self.body = None;
            self.body_parts = parts;
        }
    }

    /// Every body segment in wire order (`body`, then `body_parts`).
    pub fn body_segments(&self) -> impl Iterator<Item = &Bytes> {
        self.body.iter().chain(self.body_parts.iter())
    }

    /// Flattens `header` into `extFields` (replacing what was there).
    pub fn with_header<H: super::CustomHeader>(mut self, header: &H) -> Self {
        let mut ext = ExtFields::default();
        header.encode(&mut ext);
        self.ext_fields = Some(ext);
        self
    }

    /// Reads a typed custom header from `extFields`, leniently like Java (missing or bad fields keep defaults).
    pub fn decode_header<H: super::CustomHeader>(&self) -> H {
        match &self.ext_fields {
            Some(ext) => H::decode(ext),
            None => H::decode(&ExtFields::default()),
        }
    }

    /// One ext field by its Java name.
    pub fn ext(&self, key: &str) -> Option<&str> {
        self.ext_fields.as_ref().and_then(|e| e.get(key))
    }

    /// Is the RESPONSE bit set?
    pub fn is_response(&self) -> bool {
        self.flag & FLAG_RESPONSE != 0
    }

    /// Is the ONEWAY bit set?
    pub fn is_oneway(&self) -> bool {
        self.flag & FLAG_ONEWAY != 0
    }

    /// Marks the command as oneway.
    pub fn mark_oneway(&mut self) {
        self.flag |= FLAG_ONEWAY;
    }

    /// Body length in bytes, `body_parts` included (0 for no body).
    pub fn body_len(&self) -> usize {
        self.body_segments().map(Bytes::len).sum()
    }
}
