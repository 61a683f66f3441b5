//! The two header encodings: fastjson text ([`json`]) and `RocketMQSerializable` binary ([`binary`]).

pub(crate) mod binary;
pub(crate) mod json;
