//! Arbitrary bytes through the frame decoder (both header types, the lenient JSON reader), then a
//! re-encode of whatever decoded: nothing may panic, and a decoded command must survive a round trip.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use thruster::remoting::{fastjson, frame};

fuzz_target!(|data: &[u8]| {
    let mut buf = BytesMut::from(data);
    while let Ok(Some(cmd)) = frame::decode(&mut buf) {
        // Escaping can grow a JSON header; only an over-limit frame may refuse to encode.
        let Ok(bytes) = frame::encode_to_bytes(&cmd) else { continue };
        let again = frame::decode(&mut BytesMut::from(&bytes[..])).expect("re-decodes").expect("whole frame");
        assert_eq!(again.code as i16, cmd.code as i16);
        assert_eq!(again.opaque, cmd.opaque);
        assert_eq!(again.body, cmd.body);
    }
    let _ = fastjson::parse_lenient(data);
});
