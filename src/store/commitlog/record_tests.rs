//! Record layout tests: the spec §2.12 / Appendix A vector, every host-width/version layout, the scanner's
//! verdicts on damaged input, and a proptest round trip.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::net::SocketAddr;

use bytes::Bytes;
use proptest::prelude::*;

use super::record::*;
use crate::store::message::{self, socket_addr_bytes, sys_flag, DelayLevelTable};

const SPEC_2_12: &str = "
0000: 00 00 00 c7 da a3 20 a7 69 c8 65 ed 00 00 00 01
0010: 00 00 00 00 00 00 00 00 00 00 00 05 00 00 00 00
0020: 40 00 00 00 00 00 00 00 00 00 01 8b cf e5 68 00
0030: 7f 00 00 01 00 00 d4 31 00 00 01 8b cf e5 68 7b
0040: c0 a8 00 0a 00 00 2a 9f 00 00 00 00 00 00 00 00
0050: 00 00 00 00 00 00 00 0e 48 65 6c 6c 6f 20 52 6f
0060: 63 6b 65 74 4d 51 09 54 6f 70 69 63 54 65 73 74
0070: 00 55 43 4c 55 53 54 45 52 01 44 65 66 61 75 6c
0080: 74 43 6c 75 73 74 65 72 02 4b 45 59 53 01 4b 45
0090: 59 31 02 54 41 47 53 01 54 61 67 41 02 55 4e 49
00a0: 51 5f 4b 45 59 01 37 46 30 30 30 30 30 31 30 43
00b0: 37 42 31 38 42 34 41 41 43 32 34 36 34 44 36 36
00c0: 44 34 30 30 30 30 02";

fn hex_dump(s: &str) -> Vec<u8> {
    s.lines()
        .filter_map(|l| l.split_once(':'))
        .flat_map(|(_, rest)| rest.split_whitespace().map(|h| u8::from_str_radix(h, 16).unwrap()).collect::<Vec<_>>())
        .collect()
}

const PROPS: &str = "CLUSTER\u{1}DefaultCluster\u{2}KEYS\u{1}KEY1\u{2}TAGS\u{1}TagA\u{2}UNIQ_KEY\u{1}7F0000010C7B18B4AAC2464D66D40000\u{2}";

fn opts(check_crc: bool) -> ScanOptions<'static> {
    static TABLE: std::sync::OnceLock<DelayLevelTable> = std::sync::OnceLock::new();
    ScanOptions { check_crc, force_verify_prop_crc: false, delay_levels: TABLE.get_or_init(DelayLevelTable::default) }
}

fn encode(f: &RecordFields<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; f.total_size()];
    encode_record(&mut buf, f);
    buf
}

fn spec_fields<'a>(born: &'a [u8], store: &'a [u8]) -> RecordFields<'a> {
    RecordFields {
        version: MessageVersion::V1,
        body_crc: message::crc32(b"Hello RocketMQ"),
        queue_id: 1,
        flag: 0,
        queue_offset: 5,
        physical_offset: 1_073_741_824,
        sys_flag: 0,
        born_timestamp: 1_700_000_000_000,
        born_host: born,
        store_timestamp: 1_700_000_000_123,
        store_host: store,
        reconsume_times: 0,
        prepared_transaction_offset: 0,
        body: b"Hello RocketMQ",
        topic: b"TopicTest",
        properties: [PROPS.as_bytes(), b"", b""],
        crc_reserved: false,
    }
}

#[test]
fn appendix_a_record_vector() {
    let born = socket_addr_bytes(&"127.0.0.1:54321".parse().unwrap());
    let store = socket_addr_bytes(&"192.168.0.10:10911".parse().unwrap());
    let f = spec_fields(&born.0[..born.1], &store.0[..store.1]);
    assert_eq!(f.total_size(), 199);
    let bytes = encode(&f);
    assert_eq!(bytes, hex_dump(SPEC_2_12));

    let Scan::Message(req) = check_message_and_return_size(&bytes, &opts(true)) else { panic!("not a message") };
    assert_eq!(req.topic, "TopicTest");
    assert_eq!(req.queue_id, 1);
    assert_eq!(req.commit_log_offset, 1_073_741_824);
    assert_eq!(req.msg_size, 199);
    assert_eq!(req.tags_code, 2_598_919);
    assert_eq!(req.store_timestamp, 1_700_000_000_123);
    assert_eq!(req.consume_queue_offset, 5);
    assert_eq!(req.keys.as_deref(), Some("KEY1"));
    assert_eq!(req.uniq_key.as_deref(), Some("7F0000010C7B18B4AAC2464D66D40000"));
    assert_eq!(pickup_store_timestamp(&bytes), Some(1_700_000_000_123));

    let m = decode_message(&Bytes::from(bytes)).unwrap();
    assert_eq!(m.body, &b"Hello RocketMQ"[..]);
    assert_eq!(m.born_host, "127.0.0.1:54321".parse::<SocketAddr>().unwrap());
    assert_eq!(m.msg_id(), "C0A8000A00002A9F0000000040000000");
    assert_eq!(m.property("TAGS"), Some("TagA"));
}

#[test]
fn host_widths_and_versions_move_the_fields() {
    let v4: SocketAddr = "10.0.0.1:1".parse().unwrap();
    let v6: SocketAddr = "[fe80::1]:2".parse().unwrap();
    for (born, store, ts_pos, body_pos) in [(v4, v4, 56, 88), (v6, v4, 68, 100), (v4, v6, 56, 100), (v6, v6, 68, 112)] {
        for version in [MessageVersion::V1, MessageVersion::V2] {
            let b = socket_addr_bytes(&born);
            let s = socket_addr_bytes(&store);
            let mut flag = 0;
            if b.1 == 20 {
                flag |= sys_flag::BORNHOST_V6;
            }
            if s.1 == 20 {
                flag |= sys_flag::STOREHOSTADDRESS_V6;
            }
            let mut f = spec_fields(&b.0[..b.1], &s.0[..s.1]);
            f.sys_flag = flag;
            f.version = version;
            let bytes = encode(&f);
            let extra = (b.1 - 8) + (s.1 - 8) + (version.topic_length_size() - 1);
            assert_eq!(bytes.len(), 199 + extra);
            assert_eq!(store_timestamp_pos(flag), ts_pos);
            assert_eq!(i64::from_be_bytes(bytes[ts_pos..ts_pos + 8].try_into().unwrap()), 1_700_000_000_123);
            assert_eq!(&bytes[body_pos..body_pos + 5], b"Hello");
            let magic = i32::from_be_bytes(bytes[4..8].try_into().unwrap());
            assert_eq!(magic, version.magic());
            let Scan::Message(req) = check_message_and_return_size(&bytes, &opts(true)) else { panic!() };
            assert_eq!(req.msg_size as usize, bytes.len());
            let m = decode_message(&Bytes::from(bytes)).unwrap();
            assert_eq!((m.born_host, m.store_host, m.version), (born, store, version));
        }
    }
}

#[test]
fn blank_record_and_garbage() {
    let mut buf = [0u8; 64];
    encode_blank(&mut buf, 64);
    assert_eq!(&buf[..8], &[0, 0, 0, 64, 0xCB, 0xD4, 0x31, 0x94]);
    assert_eq!(check_message_and_return_size(&buf, &opts(true)), Scan::Blank);
    assert_eq!(check_message_and_return_size(&[0u8; 64], &opts(true)), Scan::Invalid { size: -1 });
    assert_eq!(check_message_and_return_size(&[0u8; 4], &opts(true)), Scan::Invalid { size: -1 });
    assert_eq!(check_message_and_return_size(&[], &opts(true)), Scan::Invalid { size: -1 });
}

fn spec_bytes() -> Vec<u8> {
    hex_dump(SPEC_2_12)
}

#[test]
fn scanner_verdicts_on_damage() {
    // flipped body byte: invalid only when the CRC is checked
    let mut b = spec_bytes();
    b[90] ^= 1;
    assert_eq!(check_message_and_return_size(&b, &opts(true)), Scan::Invalid { size: -1 });
    assert!(matches!(check_message_and_return_size(&b, &opts(false)), Scan::Message(_)));
    // truncated record: fewer than TOTALSIZE bytes left
    let b = spec_bytes();
    assert_eq!(check_message_and_return_size(&b[..150], &opts(false)), Scan::Invalid { size: -1 });
    // TOTALSIZE disagrees with the parts: invalid with size = TOTALSIZE
    let mut b = spec_bytes();
    b.extend_from_slice(&[0u8; 16]);
    b[3] = 0xc7 + 8;
    assert_eq!(check_message_and_return_size(&b, &opts(false)), Scan::Invalid { size: 207 });
    // negative TOTALSIZE, bad magic, V1 topic length > 127
    let mut b = spec_bytes();
    b[0] = 0x80;
    assert_eq!(check_message_and_return_size(&b, &opts(false)), Scan::Invalid { size: -1 });
    let mut b = spec_bytes();
    b[7] = 0xA8;
    assert_eq!(check_message_and_return_size(&b, &opts(false)), Scan::Invalid { size: -1 });
    let mut b = spec_bytes();
    b[0x66] = 0x89;
    assert_eq!(check_message_and_return_size(&b, &opts(false)), Scan::Invalid { size: -1 });
}

#[test]
fn delayed_message_tag_code_is_the_delivery_time() {
    let born = socket_addr_bytes(&"127.0.0.1:1".parse().unwrap());
    let mut f = spec_fields(&born.0[..8], &born.0[..8]);
    f.topic = b"SCHEDULE_TOPIC_XXXX";
    let props = "DELAY\u{1}3\u{2}TAGS\u{1}TagA\u{2}";
    f.properties = [props.as_bytes(), b"", b""];
    let tc = |f: &RecordFields<'_>| match check_message_and_return_size(&encode(f), &opts(false)) {
        Scan::Message(r) => Some(r.tags_code),
        _ => None,
    };
    assert_eq!(tc(&f), Some(1_700_000_000_123 + 10_000));
    let props = "DELAY\u{1}99\u{2}";
    f.properties = [props.as_bytes(), b"", b""];
    assert_eq!(tc(&f), Some(1_700_000_000_123 + 7_200_000), "clamped to the max level");
    let props = "DELAY\u{1}x\u{2}";
    f.properties = [props.as_bytes(), b"", b""];
    assert_eq!(tc(&f), None);
    f.topic = b"Other";
    assert_eq!(tc(&f), Some(0));
}

#[test]
fn crc32_property_vector_and_check() {
    // Appendix A: value 123456789 → "__CRC32#" 0x01 "9876543210" 0x02
    let mut crc: u32 = 123_456_789;
    let mut digits = String::new();
    for _ in 0..10 {
        digits.push(char::from(b'0' + (crc % 10) as u8));
        crc /= 10;
    }
    assert_eq!(digits, "9876543210");

    let born = socket_addr_bytes(&"127.0.0.1:1".parse().unwrap());
    let mut f = spec_fields(&born.0[..8], &born.0[..8]);
    f.crc_reserved = true;
    let mut bytes = encode(&f);
    assert_eq!(bytes.len(), 219);
    write_crc32_property(&mut bytes);
    let tail = &bytes[bytes.len() - 20..];
    assert_eq!(&tail[..9], b"__CRC32#\x01");
    assert_eq!(tail[19], 2);
    let strict = ScanOptions { force_verify_prop_crc: true, ..opts(true) };
    assert!(matches!(check_message_and_return_size(&bytes, &strict), Scan::Message(_)));
    let n = bytes.len();
    bytes[n - 40] ^= 0x20;
    assert_eq!(check_message_and_return_size(&bytes, &strict), Scan::Invalid { size: -1 });
}

proptest! {
    #[test]
    fn record_round_trip(
        queue_id in any::<i32>(), flag in any::<i32>(), qo in any::<i64>(), po in any::<i64>(),
        born_ts in any::<i64>(), store_ts in any::<i64>(), reconsume in any::<i32>(), prep in any::<i64>(),
        v6_born in any::<bool>(), v6_store in any::<bool>(), v2 in any::<bool>(),
        body in proptest::collection::vec(any::<u8>(), 0..300),
        topic in "[A-Za-z0-9%_|-]{1,127}",
        props in proptest::collection::vec(("[A-Z_]{1,8}", "[a-z0-9 ]{1,12}"), 0..5),
        trailing in any::<bool>(),
    ) {
        let born: SocketAddr = if v6_born { "[2001:db8::1]:9".parse().unwrap() } else { "1.2.3.4:9".parse().unwrap() };
        let store: SocketAddr = if v6_store { "[2001:db8::2]:10911".parse().unwrap() } else { "5.6.7.8:10911".parse().unwrap() };
        let b = socket_addr_bytes(&born);
        let s = socket_addr_bytes(&store);
        let mut sf = 0;
        if v6_born { sf |= sys_flag::BORNHOST_V6; }
        if v6_store { sf |= sys_flag::STOREHOSTADDRESS_V6; }
        let format = if trailing { message::PropertiesFormat::TrailingSeparator } else { message::PropertiesFormat::NoTrailingSeparator };
        let props_s = message::properties_to_string(props.iter().map(|(k, v)| (k.as_str(), v.as_str())), format);
        let f = RecordFields {
            version: if v2 { MessageVersion::V2 } else { MessageVersion::V1 },
            body_crc: message::crc32(&body), queue_id, flag, queue_offset: qo, physical_offset: po,
            sys_flag: sf, born_timestamp: born_ts, born_host: &b.0[..b.1], store_timestamp: store_ts,
            store_host: &s.0[..s.1], reconsume_times: reconsume, prepared_transaction_offset: prep,
            body: &body, topic: topic.as_bytes(), properties: [props_s.as_bytes(), b"", b""], crc_reserved: false,
        };
        let bytes = encode(&f);
        let mut padded = bytes.clone();
        padded.extend_from_slice(&[0u8; 8]);
        let scan = check_message_and_return_size(&padded, &opts(true));
        let Scan::Message(r) = scan else { panic!("scan failed: {scan:?}") };
        prop_assert_eq!(r.msg_size as usize, bytes.len());
        prop_assert_eq!((r.queue_id, r.consume_queue_offset, r.commit_log_offset, r.store_timestamp), (queue_id, qo, po, store_ts));
        prop_assert_eq!(r.topic.as_ref(), topic.as_str());
        let m = decode_message(&Bytes::from(bytes)).unwrap();
        prop_assert_eq!(&m.body[..], &body[..]);
        prop_assert_eq!((m.flag, m.reconsume_times, m.prepared_transaction_offset, m.born_timestamp), (flag, reconsume, prep, born_ts));
        prop_assert_eq!((m.born_host, m.store_host), (born, store));
        prop_assert_eq!(m.properties, props_s);
    }

    #[test]
    fn scanner_never_panics(data in proptest::collection::vec(any::<u8>(), 0..400), crc in any::<bool>()) {
        let _ = check_message_and_return_size(&data, &opts(crc));
        let _ = decode_message(&Bytes::from(data));
    }
}
