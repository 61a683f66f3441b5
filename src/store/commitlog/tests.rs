#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::sync::Arc;

use bytes::Bytes;

use super::record::{check_message_and_return_size, decode_message, Scan, ScanOptions, BLANK_MAGIC_CODE};
use super::*;
use crate::store::config::{MessageStoreConfig, StoreCompat};
use crate::store::message::{encode_batch_body, DelayLevelTable, MessageExtBatch, MessageExtBrokerInner};

fn config(dir: &std::path::Path, file_size: usize) -> MessageStoreConfig {
    MessageStoreConfig {
        store_path_root_dir: dir.to_path_buf(),
        mapped_file_size_commit_log: file_size,
        ..Default::default()
    }
}

fn msg(topic: &str, queue_id: i32, body: &[u8], props: &str) -> MessageExtBrokerInner {
    MessageExtBrokerInner {
        topic: topic.into(),
        queue_id,
        body: Bytes::copy_from_slice(body),
        properties: props.into(),
        born_timestamp: 1,
        born_host: "127.0.0.1:5000".parse().unwrap(),
        store_host: "192.168.0.10:10911".parse().unwrap(),
        ..Default::default()
    }
}

fn scan_opts() -> ScanOptions<'static> {
    static T: std::sync::OnceLock<DelayLevelTable> = std::sync::OnceLock::new();
    ScanOptions { check_crc: true, force_verify_prop_crc: false, delay_levels: T.get_or_init(DelayLevelTable::default) }
}

#[test]
fn put_assigns_offsets_and_reads_back_without_copy() {
    let dir = tempfile::tempdir().unwrap();
    let cl = CommitLog::new(&config(dir.path(), 64 * 1024));
    cl.load().unwrap();
    let r1 = cl.put_message(&msg("T", 0, b"one", "TAGS\u{1}a\u{2}"));
    let r2 = cl.put_message(&msg("T", 0, b"two", ""));
    let r3 = cl.put_message(&msg("T", 1, b"three", ""));
    assert_eq!(r1.status, PutMessageStatus::PutOk);
    let (a1, a2, a3) = (r1.append.unwrap(), r2.append.unwrap(), r3.append.unwrap());
    assert_eq!((a1.logics_offset, a2.logics_offset, a3.logics_offset), (0, 1, 0));
    assert_eq!(a1.wrote_offset, 0);
    assert_eq!(a2.wrote_offset, i64::from(a1.wrote_bytes));
    assert_eq!(cl.max_offset(), a3.end_offset());
    assert_eq!(a1.msg_id(), "C0A8000A00002A9F0000000000000000");
    assert_eq!(cl.queue_offset("T", 0), 2);

    let bytes = cl.get_message(a2.wrote_offset, a2.wrote_bytes as usize).unwrap();
    let m = decode_message(&bytes).unwrap();
    assert_eq!(m.body, &b"two"[..]);
    assert_eq!(m.commit_log_offset, a2.wrote_offset);
    assert_eq!(m.store_timestamp, a2.store_timestamp);
    assert_eq!(cl.pickup_store_timestamp(a2.wrote_offset, a2.wrote_bytes as usize), a2.store_timestamp);
    assert!(cl.get_message(cl.max_offset(), 1).is_none());
    let data = cl.get_data(0).unwrap();
    assert_eq!(data.len() as i64, cl.max_offset());
}

#[test]
fn roll_over_writes_a_blank_record() {
    let dir = tempfile::tempdir().unwrap();
    let cl = CommitLog::new(&config(dir.path(), 4096));
    cl.load().unwrap();
    let body = vec![7u8; 1000];
    let mut last = None;
    for _ in 0..5 {
        let r = cl.put_message(&msg("T", 0, &body, ""));
        assert_eq!(r.status, PutMessageStatus::PutOk);
        last = r.append;
    }
    let last = last.unwrap();
    // 1092-byte records: 3 fit into 4096 with 8 to spare, the 4th goes to file 2
    assert_eq!(last.wrote_offset, 4096 + 1092);
    assert_eq!(last.logics_offset, 4);
    let files = cl.queue().files();
    assert_eq!(files.len(), 2);
    assert!(files[0].is_full());
    let blank = files[0].with_bytes(3 * 1092, 8, |b| b.to_vec()).unwrap();
    assert_eq!(i32::from_be_bytes(blank[..4].try_into().unwrap()), 4096 - 3 * 1092);
    assert_eq!(i32::from_be_bytes(blank[4..].try_into().unwrap()), BLANK_MAGIC_CODE);
    assert_eq!(cl.roll_next_file(10), 4096);
    let data = cl.get_data(3 * 1092).unwrap();
    assert_eq!(check_message_and_return_size(&data, &scan_opts()), Scan::Blank);
    // a record that could never fit is refused
    let huge = msg("T", 0, &vec![0u8; 4096], "");
    assert_eq!(cl.put_message(&huge).status, PutMessageStatus::MessageIllegal);
}

#[test]
fn limits_and_transaction_types() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path(), 1 << 20);
    c.max_message_size = 100;
    let cl = CommitLog::new(&c);
    cl.load().unwrap();
    assert_eq!(cl.put_message(&msg("T", 0, &[0u8; 101], "")).status, PutMessageStatus::MessageIllegal);
    let long_props = format!("K\u{1}{}", "v".repeat(40_000));
    assert_eq!(cl.put_message(&msg("T", 0, b"x", &long_props)).status, PutMessageStatus::PropertiesSizeExceeded);
    assert_eq!(cl.put_message(&msg("", 0, b"x", "")).status, PutMessageStatus::MessageIllegal);
    let mut half = msg("T", 0, b"x", "");
    half.sys_flag = crate::store::message::sys_flag::TRANSACTION_PREPARED_TYPE;
    cl.put_message(&msg("T", 0, b"x", ""));
    let r = cl.put_message(&half).append.unwrap();
    assert_eq!(r.logics_offset, 0, "prepared records store queue offset 0");
    assert_eq!(cl.queue_offset("T", 0), 1, "and do not advance the counter");

    // V2 only for long topics under 5.3.3 conventions
    let long_topic = format!("%RETRY%{}", "g".repeat(130));
    let r = cl.put_message(&msg(&long_topic, 0, b"x", "")).append.unwrap();
    let rec = cl.get_message(r.wrote_offset, r.wrote_bytes as usize).unwrap();
    assert_eq!(&rec[4..8], &[0xDA, 0xA3, 0x20, 0xAB]);
    let Scan::Message(req) = check_message_and_return_size(&rec, &scan_opts()) else { panic!() };
    assert_eq!(req.topic, long_topic.as_str());
    c.store_compat = StoreCompat::V4_9_8;
    let dir2 = tempfile::tempdir().unwrap();
    c.store_path_root_dir = dir2.path().to_path_buf();
    let cl2 = CommitLog::new(&c);
    cl2.load().unwrap();
    assert_eq!(cl2.put_message(&msg(&long_topic, 0, b"x", "")).status, PutMessageStatus::MessageIllegal);
}

#[test]
fn ipv6_hosts_set_the_sysflag_bits() {
    let dir = tempfile::tempdir().unwrap();
    let cl = CommitLog::new(&config(dir.path(), 1 << 20));
    cl.load().unwrap();
    let mut m = msg("T", 0, b"x", "");
    m.born_host = "[::1]:1".parse().unwrap();
    m.store_host = "[fe80::2]:10911".parse().unwrap();
    let a = cl.put_message(&m).append.unwrap();
    assert_eq!(a.msg_id().len(), 56);
    let rec = cl.get_message(a.wrote_offset, a.wrote_bytes as usize).unwrap();
    let d = decode_message(&rec).unwrap();
    assert_eq!(d.sys_flag & 0x30, 0x30);
    assert_eq!(d.born_host, m.born_host);
    assert_eq!(d.store_host, m.store_host);
}

#[test]
fn batch_is_one_record_per_message() {
    let dir = tempfile::tempdir().unwrap();
    let cl = CommitLog::new(&config(dir.path(), 1 << 20));
    cl.load().unwrap();
    cl.put_message(&msg("B", 2, b"first", ""));
    let body =
        encode_batch_body([(1, &b"a"[..], "KEYS\u{1}k1"), (2, &b"bb"[..], ""), (3, &b"ccc"[..], "TAGS\u{1}t\u{2}")]);
    let batch = MessageExtBatch {
        topic: "B".into(),
        queue_id: 2,
        body: Bytes::from(body),
        properties: "CLUSTER\u{1}c\u{2}".into(),
        sys_flag: 0,
        born_timestamp: 9,
        born_host: "127.0.0.1:1".parse().unwrap(),
        store_host: "127.0.0.1:10911".parse().unwrap(),
        reconsume_times: 0,
    };
    let r = cl.put_messages(&batch);
    assert_eq!(r.status, PutMessageStatus::PutOk);
    let a = r.append.unwrap();
    assert_eq!(a.msg_num, 3);
    assert_eq!(a.logics_offset, 1);
    assert_eq!(a.msg_id().split(',').count(), 3);
    assert_eq!(cl.queue_offset("B", 2), 4);
    let data = cl.get_data(a.wrote_offset).unwrap();
    let mut pos = 0usize;
    let mut seen = Vec::new();
    while pos < data.len() {
        let Scan::Message(req) = check_message_and_return_size(&data[pos..], &scan_opts()) else { panic!() };
        let m = decode_message(&data.slice(pos..pos + req.msg_size as usize)).unwrap();
        seen.push((m.flag, m.queue_offset, m.properties.clone(), m.body.clone()));
        assert_eq!(m.commit_log_offset, a.wrote_offset + pos as i64);
        pos += req.msg_size as usize;
    }
    assert_eq!(
        seen,
        vec![
            (1, 1, "KEYS\u{1}k1\u{2}CLUSTER\u{1}c\u{2}".to_string(), Bytes::from_static(b"a")),
            (2, 2, "CLUSTER\u{1}c\u{2}".to_string(), Bytes::from_static(b"bb")),
            (3, 3, "TAGS\u{1}t\u{2}CLUSTER\u{1}c\u{2}".to_string(), Bytes::from_static(b"ccc")),
        ]
    );
    let mut bad = batch.clone();
    bad.body = Bytes::from_static(b"\x00\x00");
    assert_eq!(cl.put_messages(&bad).status, PutMessageStatus::MessageIllegal);
}

#[test]
fn crc_property_is_written_when_enabled() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path(), 1 << 20);
    c.enabled_append_prop_crc = true;
    let cl = CommitLog::new(&c);
    cl.load().unwrap();
    let a = cl.put_message(&msg("T", 0, b"body", "TAGS\u{1}x")).append.unwrap();
    let rec = cl.get_message(a.wrote_offset, a.wrote_bytes as usize).unwrap();
    let strict = ScanOptions { force_verify_prop_crc: true, ..scan_opts() };
    let Scan::Message(req) = check_message_and_return_size(&rec, &strict) else { panic!() };
    assert!(req.properties.starts_with("TAGS\u{1}x\u{2}__CRC32#\u{1}"));
}

#[test]
fn concurrent_puts_keep_queue_offsets_dense() {
    let dir = tempfile::tempdir().unwrap();
    let cl = Arc::new(CommitLog::new(&config(dir.path(), 16 * 1024)));
    cl.load().unwrap();
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let cl = Arc::clone(&cl);
            std::thread::spawn(move || {
                (0..200)
                    .map(|i| cl.put_message(&msg("C", t % 2, format!("{t}-{i}").as_bytes(), "")).append.unwrap())
                    .count()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    assert_eq!(cl.queue_offset("C", 0), 400);
    assert_eq!(cl.queue_offset("C", 1), 400);
    // scan everything: physical order, per-queue dense offsets
    let mut next = [0i64; 2];
    let mut offset = 0i64;
    while offset < cl.max_offset() {
        let data = cl.get_data(offset).unwrap();
        match check_message_and_return_size(&data, &scan_opts()) {
            Scan::Message(r) => {
                assert_eq!(r.commit_log_offset, offset);
                let q = r.queue_id as usize;
                assert_eq!(r.consume_queue_offset, next[q]);
                next[q] += 1;
                offset += i64::from(r.msg_size);
            }
            Scan::Blank => offset = cl.roll_next_file(offset),
            Scan::Invalid { .. } => panic!("invalid record at {offset}"),
        }
    }
    assert_eq!(next, [400, 400]);
}
