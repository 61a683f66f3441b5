//! The message store through its public API: puts (single, batch, delayed, SYNC_FLUSH), gets with tag
//! filters, key queries, lookups by offset message id, time searches, retention, restart, and the Java-written
//! fixtures are checked in `store_fixtures.rs`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use thruster::store::commitlog::record::decode_message;
use thruster::store::commitlog::PutMessageStatus;
use thruster::store::config::{FlushDiskType, MessageStoreConfig};
use thruster::store::consume_queue::BoundaryType;
use thruster::store::error::StoreError;
use thruster::store::message::{self, MessageExtBatch, MessageExtBrokerInner, SCHEDULE_TOPIC};
use thruster::store::store::{GetMessageStatus, MessageStore, TagsFilter};

fn config(root: &Path) -> MessageStoreConfig {
    MessageStoreConfig {
        store_path_root_dir: root.to_path_buf(),
        mapped_file_size_commit_log: 64 * 1024,
        mapped_file_size_consume_queue: 20 * 64,
        max_hash_slot_num: 128,
        max_index_num: 1000,
        ..Default::default()
    }
}

fn msg(topic: &str, queue_id: i32, body: &str, props: &str) -> MessageExtBrokerInner {
    MessageExtBrokerInner {
        topic: topic.into(),
        queue_id,
        body: Bytes::from(body.to_string()),
        properties: props.into(),
        born_timestamp: 1_700_000_000_000,
        born_host: "10.0.0.5:40000".parse().unwrap(),
        store_host: "192.168.0.10:10911".parse().unwrap(),
        ..Default::default()
    }
}

fn wait_dispatched(store: &MessageStore) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.dispatch_behind_bytes() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(store.dispatch_behind_bytes(), 0);
}

#[test]
fn put_get_with_tag_filter_and_zero_copy_views() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    let missing = store.get_message("g", "T", 0, 0, 32, None).unwrap();
    assert_eq!(missing.status, GetMessageStatus::NoMatchedLogicQueue);
    for i in 0..10 {
        let tag = if i % 2 == 0 { "TagA" } else { "TagB" };
        let r = store.put_message_sync(msg("T", 0, &format!("m{i}"), &format!("TAGS\u{1}{tag}\u{2}")));
        assert_eq!(r.status, PutMessageStatus::PutOk);
        assert!(r.status.is_stored());
    }
    wait_dispatched(&store);
    let all = store.get_message("g", "T", 0, 0, 32, None).unwrap();
    assert_eq!(all.status, GetMessageStatus::Found);
    assert_eq!(all.message_count(), 10);
    assert_eq!(all.next_begin_offset, 10);
    assert_eq!((all.min_offset, all.max_offset), (0, 10));
    assert_eq!(all.message_queue_offsets, (0..10).collect::<Vec<i64>>());

    let a = store.get_message("g", "T", 0, 0, 32, Some(&TagsFilter::from_expression("TagA"))).unwrap();
    assert_eq!(a.message_count(), 5);
    let bodies: Vec<Bytes> = a.messages.iter().map(|m| decode_message(m).unwrap().body).collect();
    assert_eq!(bodies, ["m0", "m2", "m4", "m6", "m8"].map(|s| Bytes::from(s.to_string())));
    let none = store.get_message("g", "T", 0, 0, 32, Some(&TagsFilter::from_expression("TagC"))).unwrap();
    assert_eq!(none.status, GetMessageStatus::NoMatchedMessage);
    assert_eq!(none.next_begin_offset, 10);

    // views of the mapped commit log, not copies: two reads share the same bytes
    let again = store.get_message("g", "T", 0, 3, 1, None).unwrap();
    assert_eq!(again.messages[0].as_ptr(), all.messages[3].as_ptr());

    assert_eq!(store.get_message("g", "T", 0, 10, 32, None).unwrap().status, GetMessageStatus::OffsetOverflowOne);
    let bad = store.get_message("g", "T", 0, 99, 32, None).unwrap();
    assert_eq!((bad.status, bad.next_begin_offset), (GetMessageStatus::OffsetOverflowBadly, 10));
    let limited = store.get_message("g", "T", 0, 2, 3, None).unwrap();
    assert_eq!((limited.message_count(), limited.next_begin_offset), (3, 5));
}

#[test]
fn keys_message_ids_and_time_searches() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    let mut ids = Vec::new();
    for i in 0..20 {
        let props = format!("KEYS\u{1}order-{i} shared\u{2}UNIQ_KEY\u{1}UNIQ{i:04}\u{2}");
        let r = store.put_message_sync(msg("Orders", i % 4, &format!("o{i}"), &props));
        ids.push(r.append.unwrap().msg_id());
    }
    wait_dispatched(&store);
    let q = store.query_message("Orders", "order-7", 32, 0, i64::MAX);
    assert_eq!(q.messages.len(), 1);
    assert_eq!(decode_message(&q.messages[0]).unwrap().body, Bytes::from_static(b"o7"));
    assert_eq!(store.query_message("Orders", "shared", 32, 0, i64::MAX).messages.len(), 20);
    assert_eq!(store.query_message("Orders", "shared", 5, 0, i64::MAX).messages.len(), 5);
    assert_eq!(store.query_message("Orders", "UNIQ0013", 32, 0, i64::MAX).messages.len(), 1);
    assert!(store.query_message("Other", "order-7", 32, 0, i64::MAX).messages.is_empty());

    // offset message id -> store host + physical offset -> the record
    let (host, offset) = message::decode_message_id(&ids[11]).unwrap();
    assert_eq!(host, "192.168.0.10:10911".parse().unwrap());
    let m = store.look_message_by_offset(offset).unwrap();
    assert_eq!(m.body, Bytes::from_static(b"o11"));
    assert_eq!(m.msg_id(), ids[11]);
    assert_eq!(m.property("UNIQ_KEY"), Some("UNIQ0011"));

    let first = store.earliest_message_time("Orders", 1);
    assert!(first > 0);
    assert_eq!(store.message_store_timestamp("Orders", 1, 0), first);
    assert_eq!(store.get_offset_in_queue_by_time("Orders", 1, 0), 0);
    assert_eq!(store.get_offset_in_queue_by_time("Orders", 1, i64::MAX), 5);
    assert_eq!(store.get_offset_in_queue_by_time_with_boundary("Orders", 1, i64::MAX, BoundaryType::Upper), 4);
    assert!(store.earliest_message_time_global() > 0);
    assert_eq!(store.message_total_in_queue("Orders", 2), 5);
    assert_eq!(store.min_offset_in_queue("Nope", 0), -1);
    assert_eq!(store.max_offset_in_queue("Nope", 0), 0);
    assert!(store.commit_log_offset_in_queue("Orders", 0, 1) > 0);
}

#[test]
fn delayed_messages_go_to_the_schedule_topic_with_the_delivery_time_as_tag_code() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    let r = store.put_message_sync(msg("Real", 3, "later", "DELAY\u{1}3\u{2}TAGS\u{1}x\u{2}"));
    let a = r.append.unwrap();
    wait_dispatched(&store);
    assert_eq!(store.max_offset_in_queue(SCHEDULE_TOPIC, 2), 1, "level 3 -> queue 2");
    let stored = store.look_message_by_offset(a.wrote_offset).unwrap();
    assert_eq!(stored.topic, SCHEDULE_TOPIC);
    assert_eq!(stored.property("REAL_TOPIC"), Some("Real"));
    assert_eq!(stored.property("REAL_QID"), Some("3"));
    let e = store.consume_queues().find(SCHEDULE_TOPIC, 2).unwrap().entry(0).unwrap();
    assert_eq!(e.tags_code, stored.store_timestamp + 10_000);
}

#[test]
fn batch_put_and_arrival_hook() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    let seen = Arc::new(AtomicI64::new(0));
    let s = Arc::clone(&seen);
    store.set_message_arriving_hook(Some(Arc::new(move |topic: &str, queue: i32, max: i64| {
        if topic == "Batch" && queue == 1 {
            s.fetch_max(max, Ordering::SeqCst);
        }
    })));
    let body = message::encode_batch_body((0..5).map(|i| (i, &b"payload"[..], "KEYS\u{1}bk")));
    let batch = MessageExtBatch {
        topic: "Batch".into(),
        queue_id: 1,
        body: Bytes::from(body),
        properties: "CLUSTER\u{1}DefaultCluster\u{2}".into(),
        sys_flag: 0,
        born_timestamp: 1,
        born_host: "10.0.0.5:1".parse().unwrap(),
        store_host: "10.0.0.6:10911".parse().unwrap(),
        reconsume_times: 0,
    };
    let r = store.put_messages(&batch).wait();
    assert_eq!(r.status, PutMessageStatus::PutOk);
    let a = r.append.unwrap();
    assert_eq!((a.msg_num, a.logics_offset), (5, 0));
    assert_eq!(a.msg_id().split(',').count(), 5);
    wait_dispatched(&store);
    assert_eq!(seen.load(Ordering::SeqCst), 5);
    let got = store.get_message("g", "Batch", 1, 0, 32, None).unwrap();
    assert_eq!(got.message_count(), 5);
    let m = decode_message(&got.messages[4]).unwrap();
    assert_eq!((m.flag, m.queue_offset), (4, 4));
    assert_eq!(m.properties, "KEYS\u{1}bk\u{2}CLUSTER\u{1}DefaultCluster\u{2}");
    let mut delayed = batch.clone();
    delayed.properties = "DELAY\u{1}2\u{2}".into();
    assert_eq!(store.put_messages(&delayed).wait().status, PutMessageStatus::MessageIllegal);
}

#[test]
fn sync_flush_group_commit_answers_after_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path());
    c.flush_disk_type = FlushDiskType::SyncFlush;
    let store = Arc::new(MessageStore::open(c).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..50 {
                    let r = store.put_message(msg("S", t % 4, &format!("{t}-{i}"), "")).wait();
                    assert_eq!(r.status, PutMessageStatus::PutOk);
                    let end = r.append.unwrap().end_offset();
                    assert!(store.commit_log().flushed_where() >= end, "answered before the flush");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // WAIT=false: answered at once
    let r = store.put_message(msg("S", 0, "nowait", "WAIT\u{1}false\u{2}"));
    assert!(r.provisional().is_some());
    assert_eq!(r.wait().status, PutMessageStatus::PutOk);
    // under SYNC_FLUSH dispatch is bounded by the flushed offset; the WAIT=false message is flushed by the
    // group-commit thread's next round
    let deadline = Instant::now() + Duration::from_secs(5);
    let total = || (0..4).map(|q| store.max_offset_in_queue("S", q)).sum::<i64>();
    while total() < 401 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(total(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_flush_handles_can_be_awaited() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path());
    c.flush_disk_type = FlushDiskType::SyncFlush;
    let store = Arc::new(MessageStore::open(c).unwrap());
    let handles: Vec<_> = (0..32).map(|i| store.put_message(msg("A", 0, &format!("a{i}"), ""))).collect();
    let results = futures::future::join_all(handles).await;
    assert!(results.iter().all(|r| r.status == PutMessageStatus::PutOk));
    let mut offsets: Vec<i64> = results.iter().map(|r| r.append.as_ref().unwrap().logics_offset).collect();
    offsets.sort_unstable();
    assert_eq!(offsets, (0..32).collect::<Vec<i64>>());
}

#[test]
fn restart_keeps_messages_counters_and_the_lock_excludes_a_second_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = MessageStore::open(config(dir.path())).unwrap();
        assert!(matches!(MessageStore::open(config(dir.path())), Err(StoreError::Locked(_))));
        for i in 0..30 {
            store.put_message_sync(msg("R", i % 3, &format!("r{i}"), &format!("KEYS\u{1}k{i}\u{2}")));
        }
        store.shutdown().unwrap();
        assert_eq!(store.put_message_sync(msg("R", 0, "late", "")).status, PutMessageStatus::ServiceNotAvailable);
    }
    assert_eq!(std::fs::read(dir.path().join("lock")).unwrap(), b"lock");
    assert_eq!(std::fs::metadata(dir.path().join("checkpoint")).unwrap().len(), 4096);
    let store = MessageStore::open(config(dir.path())).unwrap();
    assert!(!store.recovery_outcome().abnormal);
    assert_eq!((0..3).map(|q| store.max_offset_in_queue("R", q)).sum::<i64>(), 30);
    let r = store.put_message_sync(msg("R", 2, "r30", ""));
    assert_eq!(r.append.unwrap().logics_offset, 10);
    assert_eq!(store.query_message("R", "k29", 8, 0, i64::MAX).messages.len(), 1);
}

#[test]
fn retention_deletes_old_files_and_queues_follow() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path());
    c.file_reserved_time = 0;
    c.delete_when = "99".into();
    c.delete_commit_log_files_interval = 0;
    c.delete_consume_queue_files_interval = 0;
    let store = MessageStore::open(c).unwrap();
    let body = "z".repeat(4000);
    for i in 0..100 {
        store.put_message_sync(msg("Old", 0, &body, &format!("KEYS\u{1}k{i}\u{2}")));
    }
    wait_dispatched(&store);
    let files_before = store.commit_log().queue().len();
    assert!(files_before >= 6);
    store.execute_delete_files_manually();
    store.run_cleanup_once();
    assert_eq!(store.commit_log().queue().len(), 1, "all but the newest file");
    let min_phy = store.min_phy_offset();
    assert!(min_phy > 0);
    let min_q = store.min_offset_in_queue("Old", 0);
    assert!(min_q > 0, "consume queue min offset follows the commit log");
    let got = store.get_message("g", "Old", 0, 0, 32, None).unwrap();
    assert_eq!((got.status, got.next_begin_offset), (GetMessageStatus::OffsetTooSmall, min_q));
    let got = store.get_message("g", "Old", 0, min_q, 32, None).unwrap();
    assert_eq!(got.status, GetMessageStatus::Found);
    assert!(decode_message(&got.messages[0]).unwrap().commit_log_offset >= min_phy);
    // new puts still work and keep counting
    let r = store.put_message_sync(msg("Old", 0, "new", ""));
    assert_eq!(r.append.unwrap().logics_offset, 100);
    wait_dispatched(&store);
    let kept: HashSet<String> = HashSet::new();
    assert_eq!(store.clean_unused_topic(&kept).unwrap(), 1);
    assert_eq!(store.max_offset_in_queue("Old", 0), 0);
}

/// Rough throughput check: `cargo test --release --test it store::put_throughput -- --ignored --nocapture`.
#[test]
#[ignore]
fn put_throughput() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path());
    c.mapped_file_size_commit_log = 128 << 20;
    c.mapped_file_size_consume_queue = 300_000 * 20;
    c.max_hash_slot_num = 500_000;
    c.max_index_num = 2_000_000;
    let store = Arc::new(MessageStore::open(c).unwrap());
    let n = 400_000usize;
    let threads = 4;
    let start = Instant::now();
    let hs: Vec<_> = (0..threads)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                let body = Bytes::from(vec![b'x'; 128]);
                for i in 0..n / threads {
                    let mut m = msg("Bench", (i % 8) as i32, "", "TAGS\u{1}TagA\u{2}");
                    m.body = body.clone();
                    m.properties = format!("TAGS\u{1}TagA\u{2}UNIQ_KEY\u{1}{t}-{i}\u{2}");
                    assert!(store.put_message(m).wait().is_ok());
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    let put = start.elapsed();
    wait_dispatched(&store);
    let all = start.elapsed();
    eprintln!("{n} puts: {:?} ({:.0}/s); dispatched after {:?}", put, n as f64 / put.as_secs_f64(), all);
    let start = Instant::now();
    let mut got = 0;
    for q in 0..8 {
        let mut off = 0;
        loop {
            let r = store.get_message("g", "Bench", q, off, 32, None).unwrap();
            if r.message_count() == 0 {
                break;
            }
            got += r.message_count();
            off = r.next_begin_offset;
        }
    }
    eprintln!("{got} gets: {:?} ({:.0}/s)", start.elapsed(), got as f64 / start.elapsed().as_secs_f64());
}
