//! Framing: one `RemotingCommand` per frame on the TCP stream.
//!
//! ```text
//! 0        4                  8             8+H          4+L
//! +--------+------------------+-------------+------------+
//! |   L    | type(8) | H(24)  |   header    |    body    |
//! |  i32   |       i32        |   H bytes   |  L-4-H     |
//! +--------+------------------+-------------+------------+
//! ```
//! `L` counts everything after itself. The frame limit (`L + 4 <= 16 MiB`) is checked before anything is
//! allocated; a short read is `Ok(None)`; every malformed frame is an `Err` (the connection closes).

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::header::{binary, json};
use super::{DecodeError, RemotingCommand, SerializeType};

/// Java's `com.rocketmq.remoting.frameMaxLength` default: a whole frame, length field included.
pub const MAX_FRAME_LEN: usize = 16 * 1024 * 1024;

/// Decodes one frame from the front of `src`, or returns `Ok(None)` if it is not all there yet.
pub fn decode(src: &mut BytesMut) -> Result<Option<RemotingCommand>, DecodeError> {
    let Some(len_bytes) = src.get(..4) else {
        return Ok(None);
    };
    let len = i32::from_be_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]);
    let len = usize::try_from(len).map_err(|_| DecodeError::BadLength(len))?;
    if len + 4 > MAX_FRAME_LEN {
        return Err(DecodeError::TooLong(len + 4));
    }
    if len < 4 {
        return Err(DecodeError::BadLength(len as i32));
    }
    if src.len() < 4 + len {
        src.reserve(4 + len - src.len());
        return Ok(None);
    }
    src.advance(4);
    let frame = src.split_to(len).freeze();
    decode_frame(frame).map(Some)
}

/// Decodes a frame whose length prefix has been removed (`frame` is `L` bytes long).
pub fn decode_frame(frame: Bytes) -> Result<RemotingCommand, DecodeError> {
    let word = frame.get(..4).ok_or(DecodeError::BadLength(frame.len() as i32))?;
    let type_byte = word[0];
    let header_len = (usize::from(word[1]) << 16) | (usize::from(word[2]) << 8) | usize::from(word[3]);
    if header_len > frame.len() - 4 {
        return Err(DecodeError::HeaderBeyondFrame { header: header_len, frame: frame.len() });
    }
    let serialize_type = SerializeType::from_code(type_byte).ok_or(DecodeError::UnknownSerializeType(type_byte))?;
    let header = frame.slice(4..4 + header_len);
    let mut cmd = match serialize_type {
        SerializeType::Json => json::decode(&header)?,
        SerializeType::RocketMq => binary::decode(&header)?,
    };
    let body = frame.slice(4 + header_len..);
    cmd.body = if body.is_empty() { None } else { Some(body) };
    Ok(cmd)
}

/// Writes the length prefix and header of `cmd` (whose body follows separately) to `dst`.
///
/// Lets the caller send the body without copying it (vectored write).
pub fn encode_head(cmd: &RemotingCommand, dst: &mut BytesMut) -> Result<(), DecodeError> {
    let start = dst.len();
    dst.put_u64(0); // length and header-length word, back-filled below
    match cmd.serialize_type {
        SerializeType::Json => json::encode(cmd, dst),
        SerializeType::RocketMq => binary::encode(cmd, dst),
    }
    let header_len = dst.len() - start - 8;
    let total = 4 + header_len + cmd.body_len();
    if total + 4 > MAX_FRAME_LEN || header_len > 0x00FF_FFFF {
        dst.truncate(start);
        return Err(DecodeError::TooLong(total + 4));
    }
    let word = (u32::from(cmd.serialize_type.code()) << 24) | header_len as u32;
    dst[start..start + 4].copy_from_slice(&(total as u32).to_be_bytes());
    dst[start + 4..start + 8].copy_from_slice(&word.to_be_bytes());
    Ok(())
}

/// Writes the whole frame of `cmd`, body included, to `dst`.
pub fn encode(cmd: &RemotingCommand, dst: &mut BytesMut) -> Result<(), DecodeError> {
    encode_head(cmd, dst)?;
    for segment in cmd.body_segments() {
        dst.put_slice(segment);
    }
    Ok(())
}

/// The whole frame of `cmd` as bytes.
pub fn encode_to_bytes(cmd: &RemotingCommand) -> Result<Bytes, DecodeError> {
    let mut dst = BytesMut::with_capacity(256 + cmd.body_len());
    encode(cmd, &mut dst)?;
    Ok(dst.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::LanguageCode;

    fn sample(ty: SerializeType) -> RemotingCommand {
        let mut cmd = RemotingCommand::request(310);
        cmd.opaque = 42;
        cmd.remark = Some("主题 remark".into());
        cmd.ext_fields = Some([("a", "1"), ("bb", "x y")].into_iter().collect());
        cmd.serialize_type = ty;
        cmd.body = Some(Bytes::from_static(b"hello"));
        cmd
    }

    #[test]
    fn round_trip_both_types() {
        for ty in [SerializeType::Json, SerializeType::RocketMq] {
            let bytes = encode_to_bytes(&sample(ty)).unwrap();
            let mut buf = BytesMut::from(&bytes[..]);
            let back = decode(&mut buf).unwrap().unwrap();
            assert_eq!(back, sample(ty));
            assert!(buf.is_empty());
        }
    }

    #[test]
    fn body_parts_are_one_body_on_the_wire() {
        let mut cmd = sample(SerializeType::Json);
        cmd.set_body_parts(vec![Bytes::from_static(b"he"), Bytes::new(), Bytes::from_static(b"llo")]);
        assert_eq!(cmd.body_len(), 5);
        let bytes = encode_to_bytes(&cmd).unwrap();
        assert_eq!(decode(&mut BytesMut::from(&bytes[..])).unwrap().unwrap(), sample(SerializeType::Json));
    }

    #[test]
    fn every_prefix_needs_more() {
        for ty in [SerializeType::Json, SerializeType::RocketMq] {
            let bytes = encode_to_bytes(&sample(ty)).unwrap();
            for n in 0..bytes.len() {
                let mut buf = BytesMut::from(&bytes[..n]);
                assert!(matches!(decode(&mut buf), Ok(None)), "prefix {n}");
            }
        }
    }

    #[test]
    fn limits_checked_before_allocation() {
        let mut buf = BytesMut::from(&[0x01u8, 0x00, 0x00, 0x00][..]);
        assert!(matches!(decode(&mut buf), Err(DecodeError::TooLong(_))));
        assert!(buf.capacity() < 1024);
        let mut buf = BytesMut::from(&[0xFFu8, 0xFF, 0xFF, 0xF0][..]);
        assert!(matches!(decode(&mut buf), Err(DecodeError::BadLength(_))));
        // exactly at the limit is accepted as "need more"
        let ok = ((MAX_FRAME_LEN - 4) as u32).to_be_bytes();
        assert!(matches!(decode(&mut BytesMut::from(&ok[..])), Ok(None)));
        let over = ((MAX_FRAME_LEN - 3) as u32).to_be_bytes();
        assert!(decode(&mut BytesMut::from(&over[..])).is_err());
    }

    #[test]
    fn malformed_frames_are_errors() {
        // header length beyond frame
        let mut b = BytesMut::from(&[0, 0, 0, 6, 0, 0, 0, 9, b'{', b'}'][..]);
        assert!(matches!(decode(&mut b), Err(DecodeError::HeaderBeyondFrame { .. })));
        // unknown serialize type
        let mut b = BytesMut::from(&[0, 0, 0, 6, 7, 0, 0, 2, b'{', b'}'][..]);
        assert!(matches!(decode(&mut b), Err(DecodeError::UnknownSerializeType(7))));
        // broken JSON
        let mut b = BytesMut::from(&[0, 0, 0, 6, 0, 0, 0, 2, b'{', b'x'][..]);
        assert!(decode(&mut b).is_err());
        // truncated binary header
        let mut b = BytesMut::from(&[0, 0, 0, 7, 1, 0, 0, 3, 0, 1, 0][..]);
        assert!(decode(&mut b).is_err());
    }

    #[test]
    fn binary_empty_strings_are_null() {
        let mut cmd = RemotingCommand::request(10);
        cmd.serialize_type = SerializeType::RocketMq;
        cmd.remark = Some(String::new());
        cmd.ext_fields = Some([("k", "")].into_iter().collect());
        let bytes = encode_to_bytes(&cmd).unwrap();
        let back = decode(&mut BytesMut::from(&bytes[..])).unwrap().unwrap();
        assert_eq!(back.remark, None);
        assert!(back.ext_fields.map_or(true, |e| e.get("k").is_none()));
        assert_eq!(back.language, Some(LanguageCode::Java));
    }
}
