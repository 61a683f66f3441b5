//! The ROCKETMQ binary header (serialize type 1), mirroring `RocketMQSerializable`.
//!
//! ```text
//! 0      2     3        5        9      13     17         17+R   21+R
//! +------+-----+--------+--------+------+------+----------+------+--------------------------+
//! | code | lang| version| opaque | flag |  R   | remark   |  E   | ext entries (E bytes)    |
//! | i16  | u8  |  i16   |  i32   | i32  | i32  | R bytes  | i32  | (i16 klen, key, i32 vlen, |
//! |      |     |        |        |      |      | UTF-8    |      |  value) repeated          |
//! +------+-----+--------+--------+------+------+----------+------+--------------------------+
//! ```
//! Big-endian. A zero-length string is null: an empty remark is no remark, an entry with an empty value is
//! dropped. `code` and `version` are truncated to 16 bits on write and sign-extended on read, like Java.

use bytes::{BufMut, BytesMut};

use crate::remoting::{DecodeError, ExtFields, LanguageCode, RemotingCommand, SerializeType};

/// Decodes a binary header of exactly `header.len()` bytes (the body is not part of it).
pub(crate) fn decode(header: &[u8]) -> Result<RemotingCommand, DecodeError> {
    let mut r = Reader { buf: header, limit: header.len() };
    let code = i32::from(r.i16()?);
    let language = LanguageCode::from_code(r.u8()?);
    let version = i32::from(r.i16()?);
    let opaque = r.i32()?;
    let flag = r.i32()?;
    let remark_len = r.i32()?;
    let remark = r.string(remark_len)?;
    let ext_len = r.i32()?;
    let ext_fields = if ext_len == 0 {
        None
    } else {
        let ext_len = usize::try_from(ext_len).map_err(|_| DecodeError::BadHeader("negative ext length"))?;
        if ext_len > header.len() {
            return Err(DecodeError::BadHeader("ext length beyond header"));
        }
        let mut area = Reader { buf: r.take(ext_len)?, limit: header.len() };
        let mut ext = ExtFields::new();
        while !area.buf.is_empty() {
            let klen = i32::from(area.i16()?);
            let key = area.string(klen)?;
            let vlen = area.i32()?;
            let value = area.string(vlen)?;
            if let (Some(k), Some(v)) = (key, value) {
                ext.insert(k, v);
            }
        }
        Some(ext)
    };
    Ok(RemotingCommand {
        code,
        language,
        version,
        opaque,
        flag,
        remark,
        ext_fields,
        serialize_type: SerializeType::RocketMq,
        body: None,
        body_parts: Vec::new(),
    })
}

/// Appends the binary header of `cmd` to `dst`.
pub(crate) fn encode(cmd: &RemotingCommand, dst: &mut BytesMut) {
    // Truncation to 16 bits is the wire format (Java casts the same way).
    dst.put_i16(cmd.code as i16);
    dst.put_u8(cmd.language.unwrap_or(LanguageCode::Java).code());
    dst.put_i16(cmd.version as i16);
    dst.put_i32(cmd.opaque);
    dst.put_i32(cmd.flag);
    match &cmd.remark {
        Some(remark) if !remark.is_empty() => {
            dst.put_i32(len_i32(remark.len()));
            dst.put_slice(remark.as_bytes());
        }
        _ => dst.put_i32(0),
    }
    match &cmd.ext_fields {
        Some(ext) if !ext.is_empty() => {
            let area: usize = ext.iter().map(|(k, v)| 2 + k.len() + 4 + v.len()).sum();
            dst.put_i32(len_i32(area));
            for (k, v) in ext.iter() {
                dst.put_i16(k.len() as i16);
                dst.put_slice(k.as_bytes());
                dst.put_i32(len_i32(v.len()));
                dst.put_slice(v.as_bytes());
            }
        }
        _ => dst.put_i32(0),
    }
}

/// Lengths are bounded by the 16 MiB frame limit, so they always fit.
fn len_i32(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

struct Reader<'a> {
    buf: &'a [u8],
    /// Java rejects any string longer than the whole header.
    limit: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.buf.len() {
            return Err(DecodeError::BadHeader("truncated binary header"));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }

    fn i16(&mut self) -> Result<i16, DecodeError> {
        Ok(i16::from_be_bytes(self.array()?))
    }

    fn i32(&mut self) -> Result<i32, DecodeError> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    /// A length-prefixed UTF-8 string; length 0 is null.
    fn string(&mut self, len: i32) -> Result<Option<String>, DecodeError> {
        if len == 0 {
            return Ok(None);
        }
        let len = usize::try_from(len).map_err(|_| DecodeError::BadHeader("negative string length"))?;
        if len > self.limit {
            return Err(DecodeError::BadHeader("string length beyond header"));
        }
        let bytes = self.take(len)?;
        // Java's `new String(bytes, UTF_8)` replaces malformed input instead of failing.
        Ok(Some(match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => String::from_utf8_lossy(bytes).into_owned(),
        }))
    }
}
