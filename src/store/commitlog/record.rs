//! The commit-log record: encoder, the blank end-of-file record, the validating scanner (Java
//! `checkMessageAndReturnSize`) and a full decoder (spec §2.2–§2.7, §2.11).
//!
//! ```text
//!  IPv4 born and store hosts, V1 magic (offsets in bytes; IPv6 hosts add 12 each, V2 topic length adds 1)
//!   0 TOTALSIZE i32 | 4 MAGICCODE i32 | 8 BODYCRC i32 | 12 QUEUEID i32
//!  16 FLAG i32 | 20 QUEUEOFFSET i64 | 28 PHYSICALOFFSET i64
//!  36 SYSFLAG i32 | 40 BORNTIMESTAMP i64 | 48 BORNHOST ip(4|16)+port(4)
//!  56 STORETIMESTAMP i64 | 64 STOREHOST ip(4|16)+port(4) | 72 RECONSUMETIMES i32
//!  76 PREPAREDTRANSACTIONOFFSET i64 | 84 BODYLENGTH i32 | 88 BODY
//!  .. TOPICLENGTH i8 (V2: i16) | TOPIC | PROPERTIESLENGTH i16 | PROPERTIES
//!
//!  TOTALSIZE = 91 + body + topic + properties   (IPv4/IPv4, V1)
//!
//!  blank end-of-file record:  TOTALSIZE = bytes left in the file (i32) | BLANK_MAGIC_CODE (i32)
//! ```

use std::borrow::Cow;
use std::net::SocketAddr;

use bytes::{Buf, BufMut, Bytes};

use crate::store::message::{self, property, sys_flag, DelayLevelTable, SCHEDULE_TOPIC};

/// V1 message magic, `DA A3 20 A7`.
pub const MESSAGE_MAGIC_CODE: i32 = 0xDAA3_20A7_u32 as i32;
/// [5.3.3] V2 message magic (2-byte topic length), `DA A3 20 AB`.
pub const MESSAGE_MAGIC_CODE_V2: i32 = 0xDAA3_20AB_u32 as i32;
/// End-of-file blank record magic, `CB D4 31 94`.
pub const BLANK_MAGIC_CODE: i32 = 0xCBD4_3194_u32 as i32;
/// Size of the blank record, and the room every file keeps free after its last message.
pub const END_FILE_MIN_BLANK_LENGTH: usize = 8;
/// Bytes reserved at the end of the properties for the [5.3.3] `__CRC32#` property.
pub const CRC32_RESERVED_LEN: usize = 20;

/// Position of QUEUEOFFSET in a record.
pub const QUEUE_OFFSET_POS: usize = 20;
/// Position of PHYSICALOFFSET in a record.
pub const PHYSICAL_OFFSET_POS: usize = 28;
/// Position of SYSFLAG in a record.
pub const SYSFLAG_POS: usize = 36;

/// Position of STORETIMESTAMP: 56, or 68 with an IPv6 born host (Java derives it from bit 0x10 alone).
pub fn store_timestamp_pos(sys_flag: i32) -> usize {
    if sys_flag & sys_flag::BORNHOST_V6 == 0 {
        56
    } else {
        68
    }
}

/// Record format version, chosen by the magic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageVersion {
    /// 1-byte topic length (the only one 4.9.8 reads).
    #[default]
    V1,
    /// [5.3.3] 2-byte topic length.
    V2,
}

impl MessageVersion {
    /// The magic code written for this version.
    pub fn magic(self) -> i32 {
        match self {
            MessageVersion::V1 => MESSAGE_MAGIC_CODE,
            MessageVersion::V2 => MESSAGE_MAGIC_CODE_V2,
        }
    }

    /// Width of the topic length field.
    pub fn topic_length_size(self) -> usize {
        match self {
            MessageVersion::V1 => 1,
            MessageVersion::V2 => 2,
        }
    }

    fn from_magic(magic: i32) -> Option<Self> {
        match magic {
            MESSAGE_MAGIC_CODE => Some(MessageVersion::V1),
            MESSAGE_MAGIC_CODE_V2 => Some(MessageVersion::V2),
            _ => None,
        }
    }
}

/// Java `calMsgLength`: the TOTALSIZE of a record with these parts (negative lengths count as 0).
pub fn calc_msg_length(version: MessageVersion, sys_flag: i32, body_len: i64, topic_len: i64, props_len: i64) -> i64 {
    let born = if sys_flag & sys_flag::BORNHOST_V6 == 0 { 8 } else { 20 };
    let store = if sys_flag & sys_flag::STOREHOSTADDRESS_V6 == 0 { 8 } else { 20 };
    4 + 4
        + 4
        + 4
        + 4
        + 8
        + 8
        + 4
        + 8
        + born
        + 8
        + store
        + 4
        + 8
        + 4
        + body_len.max(0)
        + version.topic_length_size() as i64
        + topic_len
        + 2
        + props_len.max(0)
}

/// Everything the encoder writes for one record.
#[derive(Debug, Clone, Copy)]
pub struct RecordFields<'a> {
    /// Magic / topic-length width.
    pub version: MessageVersion,
    /// BODYCRC (already masked).
    pub body_crc: i32,
    /// QUEUEID.
    pub queue_id: i32,
    /// FLAG.
    pub flag: i32,
    /// QUEUEOFFSET.
    pub queue_offset: i64,
    /// PHYSICALOFFSET.
    pub physical_offset: i64,
    /// SYSFLAG (with the IPv6 bits matching the host byte lengths).
    pub sys_flag: i32,
    /// BORNTIMESTAMP.
    pub born_timestamp: i64,
    /// BORNHOST bytes (8 or 20).
    pub born_host: &'a [u8],
    /// STORETIMESTAMP.
    pub store_timestamp: i64,
    /// STOREHOSTADDRESS bytes (8 or 20).
    pub store_host: &'a [u8],
    /// RECONSUMETIMES.
    pub reconsume_times: i32,
    /// PREPAREDTRANSACTIONOFFSET.
    pub prepared_transaction_offset: i64,
    /// BODY.
    pub body: &'a [u8],
    /// TOPIC (UTF-8).
    pub topic: &'a [u8],
    /// PROPERTIES, written as the concatenation of these parts.
    pub properties: [&'a [u8]; 3],
    /// [5.3.3] reserve 20 bytes for the `__CRC32#` property (filled by [`write_crc32_property`]).
    pub crc_reserved: bool,
}

impl RecordFields<'_> {
    /// Properties length as stored (parts plus the CRC reservation).
    pub fn properties_len(&self) -> usize {
        self.properties.iter().map(|p| p.len()).sum::<usize>() + if self.crc_reserved { CRC32_RESERVED_LEN } else { 0 }
    }

    /// TOTALSIZE of the encoded record.
    pub fn total_size(&self) -> usize {
        calc_msg_length(
            self.version,
            self.sys_flag,
            self.body.len() as i64,
            self.topic.len() as i64,
            self.properties_len() as i64,
        ) as usize
    }
}

/// Writes the record into `buf`, which must be exactly [`RecordFields::total_size`] bytes long (the caller
/// checked the topic and properties lengths fit their fields). A reserved CRC area is filled as
/// [`write_crc32_property`] would.
///
/// TOTALSIZE is stored last, behind a compiler fence: `buf` is the zeroed tail of a live mapping, and a
/// process killed in the middle must leave TOTALSIZE = 0 (the end of the log for recovery), never a record
/// whose length and BODYCRC check out while its topic or properties (which no CRC covers) are still zeros.
pub fn encode_record(buf: &mut [u8], f: &RecordFields<'_>) {
    let total = f.total_size();
    debug_assert_eq!(buf.len(), total);
    let Some((size_field, rest)) = buf.split_at_mut_checked(4) else { return };
    let buf = &mut &mut *rest;
    buf.put_i32(f.version.magic());
    buf.put_i32(f.body_crc);
    buf.put_i32(f.queue_id);
    buf.put_i32(f.flag);
    buf.put_i64(f.queue_offset);
    buf.put_i64(f.physical_offset);
    buf.put_i32(f.sys_flag);
    buf.put_i64(f.born_timestamp);
    buf.put_slice(f.born_host);
    buf.put_i64(f.store_timestamp);
    buf.put_slice(f.store_host);
    buf.put_i32(f.reconsume_times);
    buf.put_i64(f.prepared_transaction_offset);
    buf.put_i32(f.body.len() as i32);
    buf.put_slice(f.body);
    match f.version {
        MessageVersion::V1 => buf.put_u8(f.topic.len() as u8),
        MessageVersion::V2 => buf.put_i16(f.topic.len() as i16),
    }
    buf.put_slice(f.topic);
    buf.put_i16(f.properties_len() as i16);
    for part in f.properties {
        buf.put_slice(part);
    }
    let size = (total as i32).to_be_bytes();
    if f.crc_reserved {
        if let Some(split) = rest.len().checked_sub(CRC32_RESERVED_LEN) {
            let (head, tail) = rest.split_at_mut(split);
            let mut h = crc32fast::Hasher::new();
            h.update(&size);
            h.update(head);
            put_crc32_property(tail, h.finalize() & 0x7FFF_FFFF);
        }
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
    size_field.copy_from_slice(&size);
}

/// [5.3.3] Fills the reserved last 20 bytes of `record` with `__CRC32#` 0x01 <10 digits, least significant
/// first> 0x02, the CRC being taken over the bytes before them.
pub fn write_crc32_property(record: &mut [u8]) {
    let Some(split) = record.len().checked_sub(CRC32_RESERVED_LEN) else { return };
    let (head, tail) = record.split_at_mut(split);
    put_crc32_property(tail, message::crc32(head) as u32);
}

fn put_crc32_property(tail: &mut [u8], mut crc: u32) {
    let mut t: &mut [u8] = tail;
    t.put_slice(property::CRC32.as_bytes());
    t.put_u8(1);
    for _ in 0..10 {
        t.put_u8(b'0' + (crc % 10) as u8);
        crc /= 10;
    }
    t.put_u8(2);
}

/// Writes the 8-byte blank record announcing that the `remaining` bytes from here to the end are unused.
pub fn encode_blank(mut buf: &mut [u8], remaining: i32) {
    buf.put_i32(remaining);
    buf.put_i32(BLANK_MAGIC_CODE);
}

/// What the dispatcher and recovery learn from one valid record (Java `DispatchRequest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchRequest<'a> {
    /// Stored topic.
    pub topic: Cow<'a, str>,
    /// Queue id.
    pub queue_id: i32,
    /// Physical offset (PHYSICALOFFSET field).
    pub commit_log_offset: i64,
    /// TOTALSIZE.
    pub msg_size: i32,
    /// Consume-queue tag code (spec §3.3).
    pub tags_code: i64,
    /// STORETIMESTAMP.
    pub store_timestamp: i64,
    /// QUEUEOFFSET.
    pub consume_queue_offset: i64,
    /// `KEYS`.
    pub keys: Option<Cow<'a, str>>,
    /// `UNIQ_KEY`.
    pub uniq_key: Option<Cow<'a, str>>,
    /// SYSFLAG.
    pub sys_flag: i32,
    /// PREPAREDTRANSACTIONOFFSET.
    pub prepared_transaction_offset: i64,
    /// The raw properties string.
    pub properties: Cow<'a, str>,
}

/// Outcome of scanning at a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scan<'a> {
    /// A valid message record.
    Message(DispatchRequest<'a>),
    /// The blank record: the rest of the file is unused.
    Blank,
    /// Not a valid record. `size` is −1, or TOTALSIZE when only the recomputed length disagreed (the
    /// dispatcher then skips `size` bytes; recovery stops either way).
    Invalid {
        /// −1 or the TOTALSIZE read.
        size: i32,
    },
}

/// Options of the scanner.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions<'a> {
    /// Verify BODYCRC (recovery with `checkCRCOnRecover`).
    pub check_crc: bool,
    /// [5.3.3] `forceVerifyPropCRC`: verify `__CRC32#` instead of BODYCRC (only when `check_crc`).
    pub force_verify_prop_crc: bool,
    /// Delay levels, for tag codes on `SCHEDULE_TOPIC_XXXX`.
    pub delay_levels: &'a DelayLevelTable,
}

const INVALID: Scan<'static> = Scan::Invalid { size: -1 };

/// Java `checkMessageAndReturnSize` over `buf` = the bytes from the record start to the end of the readable
/// region (recovery: end of file). Accepts V1 and V2 magics. Never panics on arbitrary input.
pub fn check_message_and_return_size<'a>(buf: &'a [u8], opts: &ScanOptions<'_>) -> Scan<'a> {
    scan(buf, opts).unwrap_or(INVALID)
}

fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if b.len() < n {
        return None;
    }
    let (head, rest) = b.split_at(n);
    *b = rest;
    Some(head)
}

fn scan<'a>(buf: &'a [u8], opts: &ScanOptions<'_>) -> Option<Scan<'a>> {
    let mut b = buf;
    if b.len() <= 4 {
        return Some(INVALID);
    }
    let total_size = b.try_get_i32().ok()?;
    if (b.len() as i64) < i64::from(total_size) - 4 {
        return Some(INVALID);
    }
    let magic = b.try_get_i32().ok()?;
    if magic == BLANK_MAGIC_CODE {
        return Some(Scan::Blank);
    }
    let Some(version) = MessageVersion::from_magic(magic) else {
        return Some(INVALID);
    };
    // Java copies variable parts into a `byte[totalSize]`: a negative size or a part longer than it throws.
    let cap = usize::try_from(total_size).ok()?;
    let body_crc = b.try_get_i32().ok()?;
    let queue_id = b.try_get_i32().ok()?;
    let _flag = b.try_get_i32().ok()?;
    let queue_offset = b.try_get_i64().ok()?;
    let physical_offset = b.try_get_i64().ok()?;
    let sys_flag = b.try_get_i32().ok()?;
    let _born_ts = b.try_get_i64().ok()?;
    let born_len = if sys_flag & sys_flag::BORNHOST_V6 == 0 { 8 } else { 20 };
    if born_len > cap {
        return None;
    }
    take(&mut b, born_len)?;
    let store_timestamp = b.try_get_i64().ok()?;
    let store_len = if sys_flag & sys_flag::STOREHOSTADDRESS_V6 == 0 { 8 } else { 20 };
    if store_len > cap {
        return None;
    }
    take(&mut b, store_len)?;
    let _reconsume = b.try_get_i32().ok()?;
    let prepared_transaction_offset = b.try_get_i64().ok()?;
    let body_len = b.try_get_i32().ok()?;
    if body_len > 0 {
        let n = body_len as usize;
        if n > cap {
            return None;
        }
        let body = take(&mut b, n)?;
        if opts.check_crc && !opts.force_verify_prop_crc && message::crc32(body) != body_crc {
            tracing::warn!(body_crc, "CRC check failed");
            return Some(INVALID);
        }
    }
    let topic_len: i32 = match version {
        MessageVersion::V1 => i32::from(b.try_get_i8().ok()?),
        MessageVersion::V2 => i32::from(b.try_get_i16().ok()?),
    };
    let topic_len = usize::try_from(topic_len).ok().filter(|n| *n <= cap)?;
    let topic = String::from_utf8_lossy(take(&mut b, topic_len)?);
    let props_len = b.try_get_i16().ok()?;
    let mut tags_code = 0i64;
    let mut keys = None;
    let mut uniq_key = None;
    let mut properties: Cow<'a, str> = Cow::Borrowed("");
    if props_len > 0 {
        let n = props_len as usize;
        if n > cap {
            return None;
        }
        let raw = take(&mut b, n)?;
        match std::str::from_utf8(raw) {
            Ok(p) => {
                let k = KnownProperties::parse(p);
                tags_code = k.tags_code(&topic, store_timestamp, opts)?;
                keys = k.keys.map(Cow::Borrowed);
                uniq_key = k.uniq_key.map(Cow::Borrowed);
                properties = Cow::Borrowed(p);
            }
            Err(_) => {
                let owned = String::from_utf8_lossy(raw).into_owned();
                let k = KnownProperties::parse(&owned);
                tags_code = k.tags_code(&topic, store_timestamp, opts)?;
                keys = k.keys.map(|s| Cow::Owned(s.to_string()));
                uniq_key = k.uniq_key.map(|s| Cow::Owned(s.to_string()));
                properties = Cow::Owned(owned);
            }
        }
    }
    if opts.check_crc && opts.force_verify_prop_crc && !prop_crc_ok(buf, total_size, &properties) {
        return Some(INVALID);
    }
    let read_len = calc_msg_length(version, sys_flag, i64::from(body_len), topic_len as i64, i64::from(props_len));
    if read_len != i64::from(total_size) {
        tracing::error!(total_size, read_len, "[BUG]read total count not equals msg total size");
        return Some(Scan::Invalid { size: total_size });
    }
    Some(Scan::Message(DispatchRequest {
        topic,
        queue_id,
        commit_log_offset: physical_offset,
        msg_size: total_size,
        tags_code,
        store_timestamp,
        consume_queue_offset: queue_offset,
        keys,
        uniq_key,
        sys_flag,
        prepared_transaction_offset,
        properties,
    }))
}

/// The properties the store itself reads (the last occurrence of each wins).
struct KnownProperties<'p> {
    tags: Option<&'p str>,
    keys: Option<&'p str>,
    uniq_key: Option<&'p str>,
    delay: Option<&'p str>,
}

impl<'p> KnownProperties<'p> {
    fn parse(props: &'p str) -> Self {
        let mut k = KnownProperties { tags: None, keys: None, uniq_key: None, delay: None };
        for (name, value) in message::property_pairs(props) {
            match name {
                property::KEYS => k.keys = Some(value),
                property::UNIQ_KEY => k.uniq_key = Some(value),
                property::TAGS => k.tags = Some(value),
                property::DELAY => k.delay = Some(value),
                _ => {}
            }
        }
        k
    }

    /// Tag code (spec §3.3); `None` when a `DELAY` on the schedule topic is not a number (Java throws).
    fn tags_code(&self, topic: &str, store_timestamp: i64, opts: &ScanOptions<'_>) -> Option<i64> {
        let mut code = message::tags_code(self.tags);
        if let (Some(d), true) = (self.delay, topic == SCHEDULE_TOPIC) {
            let level = d.parse::<i32>().ok()?.min(opts.delay_levels.max_level());
            if level > 0 {
                code = opts.delay_levels.deliver_timestamp(level, store_timestamp);
            }
        }
        Some(code)
    }
}

fn prop_crc_ok(record: &[u8], total_size: i32, properties: &str) -> bool {
    let Some(digits) = message::get_property(properties, property::CRC32) else {
        tracing::warn!("failed to check message CRC, not found CRC in properties");
        return false;
    };
    let mut expected: i64 = 0;
    for c in digits.bytes().rev() {
        expected = expected.wrapping_mul(10).wrapping_add(i64::from(c) - i64::from(b'0'));
    }
    let expected = expected as i32;
    let end = (total_size as usize).saturating_sub(CRC32_RESERVED_LEN);
    match record.get(..end) {
        Some(head) => expected >= 0 && message::crc32(head) == expected,
        None => false,
    }
}

/// A fully decoded record (Java `MessageExt`), body shared with the mapped file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageExt {
    /// TOTALSIZE.
    pub store_size: i32,
    /// Record version.
    pub version: MessageVersion,
    /// BODYCRC.
    pub body_crc: i32,
    /// QUEUEID.
    pub queue_id: i32,
    /// FLAG.
    pub flag: i32,
    /// QUEUEOFFSET.
    pub queue_offset: i64,
    /// PHYSICALOFFSET.
    pub commit_log_offset: i64,
    /// SYSFLAG.
    pub sys_flag: i32,
    /// BORNTIMESTAMP.
    pub born_timestamp: i64,
    /// BORNHOST.
    pub born_host: SocketAddr,
    /// STORETIMESTAMP.
    pub store_timestamp: i64,
    /// STOREHOSTADDRESS.
    pub store_host: SocketAddr,
    /// RECONSUMETIMES.
    pub reconsume_times: i32,
    /// PREPAREDTRANSACTIONOFFSET.
    pub prepared_transaction_offset: i64,
    /// BODY (a view of the record).
    pub body: Bytes,
    /// TOPIC.
    pub topic: String,
    /// PROPERTIES string.
    pub properties: String,
}

impl MessageExt {
    /// Offset message id of this record.
    pub fn msg_id(&self) -> String {
        message::create_message_id(&self.store_host, self.commit_log_offset)
    }

    /// A property value.
    pub fn property(&self, name: &str) -> Option<&str> {
        message::get_property(&self.properties, name)
    }
}

/// Decodes one whole record (no CRC check); `None` if it is not a well-formed message record.
pub fn decode_message(record: &Bytes) -> Option<MessageExt> {
    let mut b: &[u8] = record;
    let store_size = b.try_get_i32().ok()?;
    let version = MessageVersion::from_magic(b.try_get_i32().ok()?)?;
    let body_crc = b.try_get_i32().ok()?;
    let queue_id = b.try_get_i32().ok()?;
    let flag = b.try_get_i32().ok()?;
    let queue_offset = b.try_get_i64().ok()?;
    let commit_log_offset = b.try_get_i64().ok()?;
    let sys_flag = b.try_get_i32().ok()?;
    let born_timestamp = b.try_get_i64().ok()?;
    let born_host =
        message::socket_addr_from_bytes(take(&mut b, if sys_flag & sys_flag::BORNHOST_V6 == 0 { 8 } else { 20 })?)?;
    let store_timestamp = b.try_get_i64().ok()?;
    let store_host = message::socket_addr_from_bytes(take(
        &mut b,
        if sys_flag & sys_flag::STOREHOSTADDRESS_V6 == 0 { 8 } else { 20 },
    )?)?;
    let reconsume_times = b.try_get_i32().ok()?;
    let prepared_transaction_offset = b.try_get_i64().ok()?;
    let body_len = usize::try_from(b.try_get_i32().ok()?.max(0)).ok()?;
    let body_start = record.len() - b.len();
    take(&mut b, body_len)?;
    let body = record.slice(body_start..body_start + body_len);
    let topic_len = match version {
        MessageVersion::V1 => i32::from(b.try_get_i8().ok()?),
        MessageVersion::V2 => i32::from(b.try_get_i16().ok()?),
    };
    let topic = String::from_utf8_lossy(take(&mut b, usize::try_from(topic_len).ok()?)?).into_owned();
    let props_len = usize::try_from(b.try_get_i16().ok()?.max(0)).ok()?;
    let properties = String::from_utf8_lossy(take(&mut b, props_len)?).into_owned();
    Some(MessageExt {
        store_size,
        version,
        body_crc,
        queue_id,
        flag,
        queue_offset,
        commit_log_offset,
        sys_flag,
        born_timestamp,
        born_host,
        store_timestamp,
        store_host,
        reconsume_times,
        prepared_transaction_offset,
        body,
        topic,
        properties,
    })
}

/// Reads STORETIMESTAMP from the start of a record (Java `pickupStoreTimestamp`).
pub fn pickup_store_timestamp(record: &[u8]) -> Option<i64> {
    let flag = i32::from_be_bytes(record.get(SYSFLAG_POS..SYSFLAG_POS + 4)?.try_into().ok()?);
    let pos = store_timestamp_pos(flag);
    Some(i64::from_be_bytes(record.get(pos..pos + 8)?.try_into().ok()?))
}
