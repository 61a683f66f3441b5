//! The RocketMQ remoting wire, without I/O.
//!
//! - [`frame`]: length-prefixed frames, the 16 MiB limit, decode/encode of whole commands;
//! - `header::{json, binary}`: the two header encodings;
//! - [`command`]: [`RemotingCommand`], flags, versions, languages;
//! - [`custom_header`] + [`ext_fields`]: typed headers flattened to `extFields` by Java field name;
//! - [`code`]: the complete `RequestCode` / `ResponseCode` tables;
//! - [`fastjson`]: bodies written and read the way Java's fastjson does.

pub mod code;
pub mod command;
pub mod custom_header;
pub mod ext_fields;
pub mod fastjson;
pub mod frame;
mod header;

pub use code::{request as RequestCode, response as ResponseCode, JavaHandler, Request, Versions};
pub use command::{LanguageCode, RemotingCommand, SerializeType, FLAG_ONEWAY, FLAG_RESPONSE, SERVER_VERSION};
pub use custom_header::{CustomHeader, HeaderField};
pub use ext_fields::ExtFields;

/// Why bytes from the network could not be decoded; every variant closes the connection, as in Java.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The frame length is negative or too small to hold the header-length word.
    #[error("bad frame length {0}")]
    BadLength(i32),
    /// The frame (length field included) exceeds 16 MiB.
    #[error("frame of {0} bytes exceeds the 16 MiB limit")]
    TooLong(usize),
    /// The header length is larger than the frame.
    #[error("header length {header} beyond frame length {frame}")]
    HeaderBeyondFrame {
        /// Header length from the frame.
        header: usize,
        /// Bytes in the frame after the length field.
        frame: usize,
    },
    /// The type byte is neither JSON (0) nor ROCKETMQ (1).
    #[error("unknown serialize type {0}")]
    UnknownSerializeType(u8),
    /// The JSON header is not JSON.
    #[error("bad JSON header: {0}")]
    BadJson(fastjson::JsonError),
    /// The binary header is malformed.
    #[error("bad binary header: {0}")]
    BadHeader(&'static str),
}

#[cfg(test)]
mod roundtrip_tests;
