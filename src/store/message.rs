//! Messages as the store sees them: the put input ([`MessageExtBrokerInner`], [`MessageExtBatch`]), the
//! properties string, SYSFLAG bits, the Java string hash, the masked CRC, delay levels and offset message ids.
//!
//! Properties string (spec §2.4, ERRATA): `name 0x01 value 0x02` per pair, UTF-8, no escaping.
//!
//! ```text
//!  4.9.8: K1 \x01 V1 \x02 K2 \x01 V2            (last separator deleted)
//!  5.3.3: K1 \x01 V1 \x02 K2 \x01 V2 \x02       (trailing separator kept)
//! ```
//!
//! Readers accept both; a later duplicate name wins (Java fills a `HashMap` in order).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use bytes::Bytes;

/// Separates a property name from its value.
pub const NAME_VALUE_SEPARATOR: char = '\u{1}';
/// Ends a property pair.
pub const PROPERTY_SEPARATOR: char = '\u{2}';

/// Property names the store reads or writes (Java `MessageConst`).
pub mod property {
    /// Tags; the consume-queue tag code is its Java hash.
    pub const TAGS: &str = "TAGS";
    /// Space-separated keys, each indexed as `topic#key`.
    pub const KEYS: &str = "KEYS";
    /// Client-generated message id, indexed as `topic#id`.
    pub const UNIQ_KEY: &str = "UNIQ_KEY";
    /// Delay level.
    pub const DELAY: &str = "DELAY";
    /// Original topic of a delayed / timer message.
    pub const REAL_TOPIC: &str = "REAL_TOPIC";
    /// Original queue id of a delayed / timer message.
    pub const REAL_QID: &str = "REAL_QID";
    /// `false` = do not wait for the disk flush (SYNC_FLUSH).
    pub const WAIT: &str = "WAIT";
    /// Cluster name added by the broker.
    pub const CLUSTER: &str = "CLUSTER";
    /// [5.3.3] inner-batch message count.
    pub const INNER_NUM: &str = "INNER_NUM";
    /// [5.3.3] inner-batch first queue offset.
    pub const INNER_BASE: &str = "INNER_BASE";
    /// Duplication info (`duplicationEnable`).
    pub const DUP_INFO: &str = "DUP_INFO";
    /// [5.3.3] whole-record CRC property.
    pub const CRC32: &str = "__CRC32#";
}

/// The topic delayed messages are parked on.
pub const SCHEDULE_TOPIC: &str = "SCHEDULE_TOPIC_XXXX";

/// SYSFLAG bits (Java `MessageSysFlag`), spec §2.5.
pub mod sys_flag {
    /// Body compressed by the producer.
    pub const COMPRESSED: i32 = 0x1;
    /// Topic filter type MULTI_TAG.
    pub const MULTI_TAGS: i32 = 0x2;
    /// Transaction type: not transactional.
    pub const TRANSACTION_NOT_TYPE: i32 = 0;
    /// Transaction type: prepared (half) message.
    pub const TRANSACTION_PREPARED_TYPE: i32 = 0x4;
    /// Transaction type: commit.
    pub const TRANSACTION_COMMIT_TYPE: i32 = 0x8;
    /// Transaction type: rollback.
    pub const TRANSACTION_ROLLBACK_TYPE: i32 = 0xC;
    /// Born host is IPv6 (20-byte BORNHOST).
    pub const BORNHOST_V6: i32 = 0x10;
    /// Store host is IPv6 (20-byte STOREHOSTADDRESS).
    pub const STOREHOSTADDRESS_V6: i32 = 0x20;
    /// [5.3.3] inner batch must be unwrapped.
    pub const NEED_UNWRAP: i32 = 0x40;
    /// [5.3.3] inner batch record.
    pub const INNER_BATCH: i32 = 0x80;

    /// The transaction type bits.
    pub fn transaction_value(flag: i32) -> i32 {
        flag & TRANSACTION_ROLLBACK_TYPE
    }

    /// `flag` with its transaction type replaced by `ty`.
    pub fn reset_transaction_value(flag: i32, ty: i32) -> i32 {
        (flag & !TRANSACTION_ROLLBACK_TYPE) | ty
    }
}

/// Java `String.hashCode` over UTF-16 code units, with i32 wrap-around.
pub fn java_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// RocketMQ CRC: CRC-32 (zlib) with the top bit cleared (`UtilAll.crc32`).
pub fn crc32(bytes: &[u8]) -> i32 {
    (crc32fast::hash(bytes) & 0x7FFF_FFFF) as i32
}

/// Consume-queue tag code of a `TAGS` value: its Java hash, sign-extended; 0 when empty or absent.
pub fn tags_code(tags: Option<&str>) -> i64 {
    match tags {
        Some(t) if !t.is_empty() => i64::from(java_hash(t)),
        _ => 0,
    }
}

/// How the store writes a properties string it builds itself (delay transformation, 5.3.3 CRC area).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PropertiesFormat {
    /// 4.9.8 `messageProperties2String`: no separator after the last pair.
    NoTrailingSeparator,
    /// 5.3.3: a separator after every pair.
    #[default]
    TrailingSeparator,
}

/// Iterates the `(name, value)` pairs of a properties string the way Java's parser accepts them: split on
/// 0x02, pieces shorter than 3 bytes skipped, split at the first 0x01, name and value non-empty.
pub fn property_pairs(props: &str) -> impl Iterator<Item = (&str, &str)> {
    // Both separators are ASCII, so splitting the bytes keeps every piece on char boundaries; byte search is
    // several times cheaper than `str::split(char)` here, and this runs several times per SEND.
    let mut rest = props;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let end = memchr_byte(rest.as_bytes(), PROPERTY_SEPARATOR as u8).unwrap_or(rest.len());
        let piece = rest.get(..end).unwrap_or_default();
        rest = rest.get(end + 1..).unwrap_or_default();
        if piece.len() < 3 {
            continue;
        }
        let Some(split) = memchr_byte(piece.as_bytes(), NAME_VALUE_SEPARATOR as u8) else { continue };
        let (k, v) = (piece.get(..split).unwrap_or_default(), piece.get(split + 1..).unwrap_or_default());
        if !k.is_empty() && !v.is_empty() {
            return Some((k, v));
        }
    })
}

fn memchr_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// The value of `name` (the last occurrence wins, as with Java's map).
pub fn get_property<'a>(props: &'a str, name: &str) -> Option<&'a str> {
    if !props.contains(name) {
        return None;
    }
    property_pairs(props).filter(|(k, _)| *k == name).last().map(|(_, v)| v)
}

/// Builds a properties string from pairs (pairs with an empty name are written as Java would write them).
pub fn properties_to_string<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    format: PropertiesFormat,
) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        out.push_str(k);
        out.push(NAME_VALUE_SEPARATOR);
        out.push_str(v);
        out.push(PROPERTY_SEPARATOR);
    }
    if format == PropertiesFormat::NoTrailingSeparator && out.ends_with(PROPERTY_SEPARATOR) {
        out.pop();
    }
    out
}

/// A message handed to the store for one commit-log record (Java `MessageExtBrokerInner`).
///
/// The store fills in the queue offset, physical offset, store timestamp and body CRC itself; it sets the two
/// IPv6 SYSFLAG bits from the address types.
#[derive(Debug, Clone)]
pub struct MessageExtBrokerInner {
    /// Topic (≤ 127 UTF-8 bytes for a V1 record).
    pub topic: String,
    /// Queue id.
    pub queue_id: i32,
    /// Producer flag, stored verbatim.
    pub flag: i32,
    /// Body bytes (still compressed if SYSFLAG says so).
    pub body: Bytes,
    /// Encoded properties string (see module docs).
    pub properties: String,
    /// SYSFLAG from the request.
    pub sys_flag: i32,
    /// Producer send time, epoch ms.
    pub born_timestamp: i64,
    /// Producer address.
    pub born_host: SocketAddr,
    /// Broker address (`brokerIP1:listenPort`).
    pub store_host: SocketAddr,
    /// Redelivery count.
    pub reconsume_times: i32,
    /// For transaction commit/rollback: the half message's physical offset.
    pub prepared_transaction_offset: i64,
}

impl Default for MessageExtBrokerInner {
    fn default() -> Self {
        let any = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0);
        MessageExtBrokerInner {
            topic: String::new(),
            queue_id: 0,
            flag: 0,
            body: Bytes::new(),
            properties: String::new(),
            sys_flag: 0,
            born_timestamp: 0,
            born_host: any,
            store_host: any,
            reconsume_times: 0,
            prepared_transaction_offset: 0,
        }
    }
}

impl MessageExtBrokerInner {
    /// A property value.
    pub fn property(&self, name: &str) -> Option<&str> {
        get_property(&self.properties, name)
    }

    /// Sets (replaces) a property, rebuilding the properties string in `format`.
    pub fn put_property(&mut self, name: &str, value: &str, format: PropertiesFormat) {
        let mut pairs: Vec<(&str, &str)> = property_pairs(&self.properties).filter(|(k, _)| *k != name).collect();
        pairs.push((name, value));
        self.properties = properties_to_string(pairs, format);
    }

    /// Removes a property, rebuilding the properties string in `format`.
    pub fn remove_property(&mut self, name: &str, format: PropertiesFormat) {
        if self.property(name).is_some() {
            let pairs: Vec<(&str, &str)> = property_pairs(&self.properties).filter(|(k, _)| *k != name).collect();
            self.properties = properties_to_string(pairs, format);
        }
    }

    /// Delay level from `DELAY` (0 when absent or not a number).
    pub fn delay_time_level(&self) -> i32 {
        self.property(property::DELAY).and_then(|v| v.trim().parse().ok()).unwrap_or(0)
    }

    /// False only when `WAIT=false` (Java `isWaitStoreMsgOK`).
    pub fn wait_store_msg_ok(&self) -> bool {
        self.property(property::WAIT).map_or(true, |v| v.eq_ignore_ascii_case("true"))
    }

    /// `TAGS`, if any.
    pub fn tags(&self) -> Option<&str> {
        self.property(property::TAGS)
    }

    /// Moves a delay-level message to `SCHEDULE_TOPIC_XXXX` (spec §2.13): level clamped to `max_level`,
    /// `REAL_TOPIC`/`REAL_QID` added, queue id = level − 1. Only for non-transactional or commit messages with
    /// a level > 0; returns true if the message was changed. 4.9.8 does this in the commit log, 5.3.3 in the
    /// broker's put hook; the store does it when asked to ([`crate::store::config::MessageStoreConfig`]).
    pub fn apply_delay_level(&mut self, max_level: i32, format: PropertiesFormat) -> bool {
        let tran = sys_flag::transaction_value(self.sys_flag);
        if tran != sys_flag::TRANSACTION_NOT_TYPE && tran != sys_flag::TRANSACTION_COMMIT_TYPE {
            return false;
        }
        let mut level = self.delay_time_level();
        if level <= 0 {
            return false;
        }
        if level > max_level && max_level > 0 {
            level = max_level;
            self.put_property(property::DELAY, &level.to_string(), format);
        }
        let topic = std::mem::replace(&mut self.topic, SCHEDULE_TOPIC.to_string());
        self.put_property(property::REAL_TOPIC, &topic, format);
        self.put_property(property::REAL_QID, &self.queue_id.to_string(), format);
        self.queue_id = level - 1;
        true
    }
}

/// A producer batch (Java `MessageExtBatch`): `body` is the client's concatenation of mini-records, re-encoded
/// by the store as one full record per inner message (spec §2.10).
///
/// ```text
///  inner message (client encoding, MessageDecoder.encodeMessage):
///  +-----------+-----------+---------+------+---------+------+----------+-----------+
///  | TOTALSIZE | MAGICCODE | BODYCRC | FLAG | BODYLEN | BODY | PROPSLEN | PROPERTIES|
///  | i32       | i32       | i32     | i32  | i32     |      | i16      |           |
///  +-----------+-----------+---------+------+---------+------+----------+-----------+
/// ```
#[derive(Debug, Clone)]
pub struct MessageExtBatch {
    /// Topic of every inner message.
    pub topic: String,
    /// Queue id of every inner message.
    pub queue_id: i32,
    /// The encoded inner messages.
    pub body: Bytes,
    /// Batch-level properties string (the broker adds `CLUSTER`), appended to each inner message's properties.
    pub properties: String,
    /// SYSFLAG for every inner record.
    pub sys_flag: i32,
    /// Born timestamp for every inner record.
    pub born_timestamp: i64,
    /// Producer address.
    pub born_host: SocketAddr,
    /// Broker address.
    pub store_host: SocketAddr,
    /// Redelivery count.
    pub reconsume_times: i32,
}

/// One inner message of a batch body, as ranges into the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchItem {
    /// Producer flag.
    pub flag: i32,
    /// Byte range of the body within the batch body.
    pub body: (usize, usize),
    /// Byte range of the properties within the batch body.
    pub properties: (usize, usize),
    /// Masked CRC of the body.
    pub body_crc: i32,
}

/// Splits a batch body into its inner messages; `None` if it is malformed.
pub fn parse_batch_body(body: &[u8]) -> Option<Vec<BatchItem>> {
    let mut items = Vec::new();
    let mut pos = 0usize;
    let be_i32 = |at: usize| body.get(at..at + 4).and_then(|b| b.try_into().ok()).map(i32::from_be_bytes);
    while pos < body.len() {
        let flag = be_i32(pos + 12)?;
        let body_len = usize::try_from(be_i32(pos + 16)?).ok()?;
        let body_start = pos + 20;
        let body_end = body_start.checked_add(body_len)?;
        let props_len_bytes: [u8; 2] = body.get(body_end..body_end + 2)?.try_into().ok()?;
        let props_len = usize::try_from(i16::from_be_bytes(props_len_bytes)).ok()?;
        let props_start = body_end + 2;
        let props_end = props_start.checked_add(props_len)?;
        let body_bytes = body.get(body_start..body_end)?;
        std::str::from_utf8(body.get(props_start..props_end)?).ok()?;
        items.push(BatchItem {
            flag,
            body: (body_start, body_end),
            properties: (props_start, props_end),
            body_crc: crc32(body_bytes),
        });
        pos = props_end;
    }
    Some(items)
}

/// Encodes inner messages the way the client does (for tests and tools).
pub fn encode_batch_body<'a>(msgs: impl IntoIterator<Item = (i32, &'a [u8], &'a str)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (flag, body, props) in msgs {
        let total = 4 + 4 + 4 + 4 + 4 + body.len() + 2 + props.len();
        out.extend_from_slice(&(total as i32).to_be_bytes());
        out.extend_from_slice(&0i32.to_be_bytes());
        out.extend_from_slice(&crc32(body).to_be_bytes());
        out.extend_from_slice(&flag.to_be_bytes());
        out.extend_from_slice(&(body.len() as i32).to_be_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(&(props.len() as i16).to_be_bytes());
        out.extend_from_slice(props.as_bytes());
    }
    out
}

/// Host bytes as stored: 4-byte IPv4 or 16-byte IPv6 address, then the port as i32.
pub fn socket_addr_bytes(addr: &SocketAddr) -> ([u8; 20], usize) {
    use bytes::BufMut;
    let mut out = [0u8; 20];
    let mut w: &mut [u8] = &mut out;
    match addr.ip() {
        IpAddr::V4(ip) => w.put_slice(&ip.octets()),
        IpAddr::V6(ip) => w.put_slice(&ip.octets()),
    }
    w.put_i32(i32::from(addr.port()));
    let len = 20 - w.len();
    (out, len)
}

/// Decodes host bytes (8 or 20 bytes) back to an address.
pub fn socket_addr_from_bytes(b: &[u8]) -> Option<SocketAddr> {
    let (ip, port) = match b.len() {
        8 => (IpAddr::from(<[u8; 4]>::try_from(b.get(..4)?).ok()?), b.get(4..8)?),
        20 => (IpAddr::from(<[u8; 16]>::try_from(b.get(..16)?).ok()?), b.get(16..20)?),
        _ => return None,
    };
    let port = i32::from_be_bytes(port.try_into().ok()?);
    Some(SocketAddr::new(ip, port as u16))
}

/// Offset message id (Java `MessageDecoder.createMessageId`): upper-case hex of the store host bytes followed
/// by the 8-byte physical offset (32 hex digits for IPv4, 56 for IPv6).
pub fn create_message_id(store_host: &SocketAddr, phy_offset: i64) -> String {
    let (host, len) = socket_addr_bytes(store_host);
    let mut s = String::with_capacity((len + 8) * 2);
    push_hex_upper(&mut s, host.get(..len).unwrap_or_default());
    push_hex_upper(&mut s, &phy_offset.to_be_bytes());
    s
}

/// Appends `bytes` as upper-case hex (Java `UtilAll.bytes2string`), two digits a byte.
pub fn push_hex_upper(out: &mut String, bytes: &[u8]) {
    let digit = |n: u8| char::from(if n < 10 { b'0' + n } else { b'A' + (n - 10) });
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(digit(b >> 4));
        out.push(digit(b & 0x0f));
    }
}

/// Parses an offset message id into (store host, physical offset).
pub fn decode_message_id(id: &str) -> Option<(SocketAddr, i64)> {
    if !id.is_ascii() || (id.len() != 32 && id.len() != 56) {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..id.len()).step_by(2).map(|i| id.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    let bytes = bytes?;
    let split = bytes.len() - 8;
    let addr = socket_addr_from_bytes(bytes.get(..split)?)?;
    let offset = i64::from_be_bytes(bytes.get(split..)?.try_into().ok()?);
    Some((addr, offset))
}

/// The delay-level table (`messageDelayLevel`, e.g. `1s 5s 10s … 2h`), levels numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelayLevelTable {
    delays_ms: Vec<i64>,
}

impl DelayLevelTable {
    /// Parses `"1s 5s 10s 30s 1m …"` (units s, m, h, d); an unparsable entry makes the whole table invalid,
    /// as in Java.
    pub fn parse(spec: &str) -> Option<Self> {
        let mut delays_ms = Vec::new();
        for item in spec.split(' ') {
            let unit_ms = match item.chars().last()? {
                's' => 1000,
                'm' => 60_000,
                'h' => 3_600_000,
                'd' => 86_400_000,
                _ => return None,
            };
            let num: i64 = item.get(..item.len() - 1)?.parse().ok()?;
            delays_ms.push(num.checked_mul(unit_ms)?);
        }
        Some(DelayLevelTable { delays_ms })
    }

    /// The highest level.
    pub fn max_level(&self) -> i32 {
        self.delays_ms.len() as i32
    }

    /// Delivery time of a message stored at `store_timestamp` with `level` (Java `computeDeliverTimestamp`):
    /// store time + the level's delay, or + 1000 ms for a level missing from the table.
    pub fn deliver_timestamp(&self, level: i32, store_timestamp: i64) -> i64 {
        let delay = usize::try_from(level - 1).ok().and_then(|i| self.delays_ms.get(i));
        match delay {
            Some(d) => store_timestamp + d,
            None => store_timestamp + 1000,
        }
    }
}

impl Default for DelayLevelTable {
    fn default() -> Self {
        DelayLevelTable {
            delays_ms: [1, 5, 10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200]
                .iter()
                .map(|s| s * 1000)
                .collect(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {

    #[test]
    fn property_parsing_follows_java_string2message_properties() {
        let props = "KEYS\u{1}a b\u{2}x\u{2}\u{1}v\u{2}TAGS\u{1}t\u{1}u\u{2}KEYS\u{1}c\u{2}E\u{1}\u{2}";
        let pairs: Vec<_> = property_pairs(props).collect();
        // pieces shorter than 3, an empty name or an empty value are skipped; the value keeps later \u{1}s
        assert_eq!(pairs, vec![("KEYS", "a b"), ("TAGS", "t\u{1}u"), ("KEYS", "c")]);
        assert_eq!(get_property(props, "KEYS"), Some("c"), "the last occurrence wins");
        assert_eq!(get_property(props, "TAGS"), Some("t\u{1}u"));
        assert_eq!(get_property(props, "TAG"), None);
        assert_eq!(get_property(props, "E"), None);
        assert_eq!(get_property("", "KEYS"), None);
        assert_eq!(get_property("KEYS\u{1}v", "KEYS"), Some("v"), "no trailing separator");
    }

    #[test]
    fn hex_is_upper_case_two_digits_a_byte() {
        let mut s = String::from("id:");
        push_hex_upper(&mut s, &[0x00, 0x0f, 0xa0, 0xff, 0x7e]);
        assert_eq!(s, "id:000FA0FF7E");
    }

    use super::*;

    #[test]
    fn java_hash_vectors() {
        assert_eq!(java_hash("a"), 97);
        assert_eq!(java_hash("TagA"), 2_598_919);
        assert_eq!(java_hash("TopicTest#KEY1"), -1_656_969_516);
        assert_eq!(java_hash("polygenelubricants"), i32::MIN);
        assert_eq!(java_hash(""), 0);
        // a supplementary character hashes as its two UTF-16 surrogates
        assert_eq!(java_hash("😀"), 0xD83D * 31 + 0xDE00);
    }

    #[test]
    fn crc_vectors() {
        assert_eq!(crc32(b"123456789"), 0x4BF4_3926);
        assert_eq!(crc32(b"Hello RocketMQ"), 0x69C8_65ED);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn tag_codes() {
        assert_eq!(tags_code(Some("TagA")).to_be_bytes(), [0, 0, 0, 0, 0, 0x27, 0xA8, 0x07]);
        assert_eq!(tags_code(Some("")), 0);
        assert_eq!(tags_code(None), 0);
        let neg = tags_code(Some("polygenelubricants"));
        assert_eq!(neg.to_be_bytes(), [0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0, 0, 0]);
    }

    #[test]
    fn properties_both_forms() {
        let pairs = [("KEYS", "K1"), ("TAGS", "TagA")];
        let v533 = properties_to_string(pairs, PropertiesFormat::TrailingSeparator);
        let v498 = properties_to_string(pairs, PropertiesFormat::NoTrailingSeparator);
        assert_eq!(v533, "KEYS\u{1}K1\u{2}TAGS\u{1}TagA\u{2}");
        assert_eq!(v498, "KEYS\u{1}K1\u{2}TAGS\u{1}TagA");
        for s in [&v533, &v498] {
            assert_eq!(property_pairs(s).collect::<Vec<_>>(), pairs);
            assert_eq!(get_property(s, "TAGS"), Some("TagA"));
        }
        assert_eq!(properties_to_string([], PropertiesFormat::NoTrailingSeparator), "");
        // lenient: short pieces, empty names/values, duplicates (last wins)
        let odd = "\u{2}a\u{2}\u{1}x\u{2}k\u{1}\u{2}T\u{1}1\u{2}T\u{1}2";
        assert_eq!(property_pairs(odd).collect::<Vec<_>>(), [("T", "1"), ("T", "2")]);
        assert_eq!(get_property(odd, "T"), Some("2"));
        // value may contain 0x01 after the first one
        assert_eq!(get_property("k\u{1}a\u{1}b", "k"), Some("a\u{1}b"));
    }

    #[test]
    fn delay_transformation() {
        let mut m = MessageExtBrokerInner {
            topic: "T".into(),
            queue_id: 3,
            properties: "DELAY\u{1}30\u{2}TAGS\u{1}x\u{2}".into(),
            ..Default::default()
        };
        assert!(m.apply_delay_level(18, PropertiesFormat::TrailingSeparator));
        assert_eq!(m.topic, SCHEDULE_TOPIC);
        assert_eq!(m.queue_id, 17);
        assert_eq!(m.property("DELAY"), Some("18"));
        assert_eq!(m.property("REAL_TOPIC"), Some("T"));
        assert_eq!(m.property("REAL_QID"), Some("3"));
        assert!(m.properties.ends_with('\u{2}'));
        let mut half = MessageExtBrokerInner {
            properties: "DELAY\u{1}1".into(),
            sys_flag: sys_flag::TRANSACTION_PREPARED_TYPE,
            ..Default::default()
        };
        assert!(!half.apply_delay_level(18, PropertiesFormat::NoTrailingSeparator));
    }

    #[test]
    fn delay_table() {
        let t = DelayLevelTable::parse("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h").unwrap();
        assert_eq!(t, DelayLevelTable::default());
        assert_eq!(t.max_level(), 18);
        assert_eq!(t.deliver_timestamp(3, 1000), 11_000);
        assert_eq!(t.deliver_timestamp(18, 0), 7_200_000);
        assert_eq!(t.deliver_timestamp(19, 5), 1005);
        assert!(DelayLevelTable::parse("1x").is_none());
        assert_eq!(DelayLevelTable::parse("1d").unwrap().deliver_timestamp(1, 0), 86_400_000);
    }

    #[test]
    fn message_ids() {
        let host: SocketAddr = "192.168.0.10:10911".parse().unwrap();
        let id = create_message_id(&host, 1_073_741_824);
        assert_eq!(id, "C0A8000A00002A9F0000000040000000");
        assert_eq!(decode_message_id(&id), Some((host, 1_073_741_824)));
        let v6: SocketAddr = "[::1]:10911".parse().unwrap();
        let id6 = create_message_id(&v6, 5);
        assert_eq!(id6.len(), 56);
        assert_eq!(decode_message_id(&id6), Some((v6, 5)));
        assert_eq!(decode_message_id("zz"), None);
    }

    #[test]
    fn batch_body_round_trip() {
        let body = encode_batch_body([(1, &b"hello"[..], "KEYS\u{1}a"), (2, &b""[..], "")]);
        let items = parse_batch_body(&body).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].flag, 1);
        assert_eq!(&body[items[0].body.0..items[0].body.1], b"hello");
        assert_eq!(&body[items[0].properties.0..items[0].properties.1], b"KEYS\x01a");
        assert_eq!(items[0].body_crc, crc32(b"hello"));
        assert_eq!(items[1].body, (items[1].body.0, items[1].body.0));
        assert!(parse_batch_body(&body[..body.len() - 1]).is_none());
    }
}
