//! Property tests: any command survives encode → decode in both serialize types, and no byte string makes
//! the decoder panic.

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;

use super::{frame, ExtFields, LanguageCode, RemotingCommand, SerializeType};

fn command() -> impl Strategy<Value = RemotingCommand> {
    (
        any::<i16>(),
        0u8..14,
        any::<i16>(),
        any::<i32>(),
        0i32..4,
        proptest::option::of("\\PC{1,40}"),
        proptest::option::of(proptest::collection::vec(("[a-zA-Z_]{1,12}", "\\PC{1,30}"), 0..6)),
        any::<bool>(),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 1..64)),
    )
        .prop_map(|(code, lang, version, opaque, flag, remark, ext, binary, body)| RemotingCommand {
            code: i32::from(code),
            language: LanguageCode::from_code(lang),
            version: i32::from(version),
            opaque,
            flag,
            remark,
            ext_fields: ext.map(|pairs| pairs.into_iter().collect::<ExtFields>()),
            serialize_type: if binary { SerializeType::RocketMq } else { SerializeType::Json },
            body: body.map(Bytes::from),
            body_parts: Vec::new(),
        })
}

proptest! {
    #[test]
    fn encode_then_decode_is_identity(cmd in command()) {
        let bytes = frame::encode_to_bytes(&cmd).unwrap();
        let mut buf = BytesMut::from(&bytes[..]);
        let mut back = frame::decode(&mut buf).unwrap().unwrap();
        prop_assert!(buf.is_empty());
        // Binary headers carry no empty ext map: both mean "no custom header".
        if cmd.serialize_type == SerializeType::RocketMq && cmd.ext_fields.as_ref().is_some_and(ExtFields::is_empty) {
            back.ext_fields = Some(ExtFields::new());
        }
        prop_assert_eq!(back, cmd);
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut buf = BytesMut::from(&data[..]);
        while let Ok(Some(_)) = frame::decode(&mut buf) {}
    }

    #[test]
    fn mutated_frames_never_panic(cmd in command(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = frame::encode_to_bytes(&cmd).unwrap().to_vec();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        let mut buf = BytesMut::from(&bytes[..]);
        let _ = frame::decode(&mut buf);
    }
}
