//! Recovery with damaged inputs, through the whole store: each case names the damage and the result it must
//! give (spec §6).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use bytes::Bytes;

use crate::store::config::MessageStoreConfig;
use crate::store::message::MessageExtBrokerInner;
use crate::store::store::MessageStore;

const FILE: usize = 16 * 1024;

fn config(root: &Path) -> MessageStoreConfig {
    MessageStoreConfig {
        store_path_root_dir: root.to_path_buf(),
        mapped_file_size_commit_log: FILE,
        mapped_file_size_consume_queue: 20 * 16,
        max_hash_slot_num: 64,
        max_index_num: 400,
        ..Default::default()
    }
}

fn msg(topic: &str, queue_id: i32, i: usize) -> MessageExtBrokerInner {
    MessageExtBrokerInner {
        topic: topic.into(),
        queue_id,
        body: Bytes::from(format!("body-{i}-{}", "x".repeat(300))),
        properties: format!("KEYS\u{1}key{i}\u{2}UNIQ_KEY\u{1}U{i}\u{2}TAGS\u{1}T{}\u{2}", i % 3),
        born_timestamp: 1,
        born_host: "127.0.0.1:1000".parse().unwrap(),
        store_host: "127.0.0.1:10911".parse().unwrap(),
        ..Default::default()
    }
}

/// Puts `n` messages alternating between queues 0 and 1 of `T`; returns (physical offset, size) of each.
fn fill(store: &MessageStore, n: usize) -> Vec<(i64, i32)> {
    (0..n)
        .map(|i| {
            let r = store.put_message_sync(msg("T", (i % 2) as i32, i));
            let a = r.append.unwrap();
            (a.wrote_offset, a.wrote_bytes)
        })
        .collect()
}

fn wait_dispatched(store: &MessageStore) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while store.dispatch_behind_bytes() > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

fn commit_log_file(root: &Path, offset: i64) -> (PathBuf, u64) {
    let start = offset - offset % FILE as i64;
    (root.join("commitlog").join(format!("{start:020}")), (offset - start) as u64)
}

fn patch(root: &Path, offset: i64, bytes: &[u8]) {
    use std::os::unix::fs::FileExt;
    let (path, pos) = commit_log_file(root, offset);
    let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.write_all_at(bytes, pos).unwrap();
}

/// Copies a directory tree: a snapshot of a running store is what a `kill -9` leaves behind.
fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

fn total_in_queues(store: &MessageStore) -> i64 {
    store.max_offset_in_queue("T", 0) + store.max_offset_in_queue("T", 1)
}

#[test]
fn clean_shutdown_then_normal_recovery_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let offsets;
    {
        let store = MessageStore::open(config(dir.path())).unwrap();
        assert!(dir.path().join("abort").exists(), "abort exists while running");
        offsets = fill(&store, 100);
        store.shutdown().unwrap();
        assert!(!dir.path().join("abort").exists(), "clean shutdown deletes abort");
    }
    let store = MessageStore::open(config(dir.path())).unwrap();
    let o = store.recovery_outcome().clone();
    assert!(!o.abnormal);
    assert!(!o.rebuilt_consume_queues);
    let (last_off, last_size) = offsets[99];
    assert_eq!(o.process_offset, last_off + i64::from(last_size));
    assert_eq!(o.last_valid_offset, last_off);
    assert_eq!(store.max_phy_offset(), o.process_offset);
    assert_eq!(total_in_queues(&store), 100);
    assert_eq!(store.query_message("T", "key42", 10, 0, i64::MAX).messages.len(), 1);
    // counters continue
    let r = store.put_message_sync(msg("T", 0, 100));
    assert_eq!(r.append.unwrap().logics_offset, 50);
}

#[test]
fn crash_snapshot_runs_abnormal_recovery_and_loses_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let snap = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    fill(&store, 120);
    wait_dispatched(&store);
    copy_dir(dir.path(), snap.path());
    drop(store);
    assert!(snap.path().join("abort").exists());
    let recovered = MessageStore::open(config(snap.path())).unwrap();
    let o = recovered.recovery_outcome().clone();
    assert!(o.abnormal);
    assert_eq!(total_in_queues(&recovered), 120);
    assert_eq!(recovered.query_message("T", "U119", 10, 0, i64::MAX).messages.len(), 1);
    assert_eq!(recovered.query_message("T", "key3", 10, 0, i64::MAX).messages.len(), 1);
    let r = recovered.put_message_sync(msg("T", 1, 120));
    assert_eq!(r.append.unwrap().logics_offset, 60);
}

#[test]
fn flipped_body_byte_cuts_the_log_at_that_record() {
    let dir = tempfile::tempdir().unwrap();
    let offsets = {
        let store = MessageStore::open(config(dir.path())).unwrap();
        let o = fill(&store, 100);
        store.shutdown().unwrap();
        o
    };
    let (bad, _) = offsets[90];
    patch(dir.path(), bad + 100, b"\xFF");
    let store = MessageStore::open(config(dir.path())).unwrap();
    let o = store.recovery_outcome().clone();
    assert_eq!(o.process_offset, bad, "recovered end = start of the record with the bad CRC");
    assert_eq!(store.max_phy_offset(), bad);
    assert_eq!(total_in_queues(&store), 90, "consume queues cut back to the recovered end");
    assert_eq!(store.max_offset_in_queue("T", 0), 45);
    assert!(store.query_message("T", "key89", 10, 0, i64::MAX).messages.len() == 1);
    assert!(store.query_message("T", "key95", 10, 0, i64::MAX).messages.is_empty());
    // the next put reuses the offsets
    let a = store.put_message_sync(msg("T", 0, 200)).append.unwrap();
    assert_eq!((a.wrote_offset, a.logics_offset), (bad, 45));
    wait_dispatched(&store);
    assert_eq!(store.query_message("T", "key200", 10, 0, i64::MAX).messages.len(), 1, "indexed again");
}

#[test]
fn crc_check_can_be_disabled() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = MessageStore::open(config(dir.path())).unwrap();
        let o = fill(&store, 10);
        store.shutdown().unwrap();
        patch(dir.path(), o[5].0 + 100, b"\xFF");
    }
    let mut c = config(dir.path());
    c.check_crc_on_recover = false;
    let store = MessageStore::open(c).unwrap();
    assert_eq!(total_in_queues(&store), 10);
}

#[test]
fn torn_last_record_is_cut_and_the_tail_zeroed() {
    let dir = tempfile::tempdir().unwrap();
    let offsets = {
        let store = MessageStore::open(config(dir.path())).unwrap();
        let o = fill(&store, 30);
        store.shutdown().unwrap();
        o
    };
    let (last, size) = offsets[29];
    // a torn write: the second half of the last record never reached the disk
    patch(dir.path(), last + i64::from(size) / 2, &vec![0u8; size as usize / 2 + 1]);
    std::fs::write(dir.path().join("abort"), b"").unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    let o = store.recovery_outcome().clone();
    assert!(o.abnormal);
    assert_eq!(o.process_offset, last);
    assert_eq!(total_in_queues(&store), 29);
    drop(store);
    let (path, pos) = commit_log_file(dir.path(), last);
    let raw = std::fs::read(path).unwrap();
    assert!(raw[pos as usize..].iter().all(|b| *b == 0), "bytes after the recovered end are zero");
}

#[test]
fn zero_filled_tail_ends_the_log_where_the_zeros_start() {
    let dir = tempfile::tempdir().unwrap();
    let offsets = {
        let store = MessageStore::open(config(dir.path())).unwrap();
        let o = fill(&store, 60);
        store.shutdown().unwrap();
        o
    };
    let (cut, _) = offsets[55];
    let (path, pos) = commit_log_file(dir.path(), cut);
    let len = std::fs::metadata(&path).unwrap().len();
    patch(dir.path(), cut, &vec![0u8; (len - pos) as usize]);
    // later files (if any) are all zero as well: delete nothing, recovery must cope
    let store = MessageStore::open(config(dir.path())).unwrap();
    assert_eq!(store.recovery_outcome().process_offset, cut);
    assert_eq!(total_in_queues(&store), 55);
}

#[test]
fn trailing_preallocated_zero_file_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let end = {
        let store = MessageStore::open(config(dir.path())).unwrap();
        fill(&store, 5);
        store.shutdown().unwrap();
        store.max_phy_offset()
    };
    // Java pre-allocates the next file: full length, all zeros
    std::fs::write(dir.path().join("commitlog").join(format!("{FILE:020}")), vec![0u8; FILE]).unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    assert_eq!(store.recovery_outcome().process_offset, end);
    assert!(!dir.path().join("commitlog").join(format!("{FILE:020}")).exists());
    assert_eq!(total_in_queues(&store), 5);
}

#[test]
fn missing_consume_queue_file_is_rebuilt_from_the_commit_log() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = MessageStore::open(config(dir.path())).unwrap();
        fill(&store, 100);
        store.shutdown().unwrap();
    }
    // queue 1 loses its newest file (16 entries per file: 50 entries = 4 files)
    let q1 = dir.path().join("consumequeue").join("T").join("1");
    let mut files: Vec<_> = std::fs::read_dir(&q1).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    std::fs::remove_file(files.last().unwrap()).unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    assert!(store.recovery_outcome().rebuilt_consume_queues);
    assert_eq!(store.max_offset_in_queue("T", 1), 50);
    assert_eq!(store.max_offset_in_queue("T", 0), 50);
    let got = store.get_message("g", "T", 1, 40, 32, None).unwrap();
    assert_eq!(got.message_count(), 8, "a get stops at the end of the consume-queue file (16 entries)");
    assert_eq!(got.next_begin_offset, 48);
    drop(store);

    // a whole queue directory missing, and a hole in another queue
    std::fs::remove_dir_all(&q1).unwrap();
    let q0 = dir.path().join("consumequeue").join("T").join("0");
    let mut files: Vec<_> = std::fs::read_dir(&q0).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    std::fs::remove_file(&files[1]).unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    assert!(store.recovery_outcome().rebuilt_consume_queues);
    assert_eq!(store.max_offset_in_queue("T", 0), 50);
    assert_eq!(store.max_offset_in_queue("T", 1), 50);
    assert_eq!(store.min_offset_in_queue("T", 1), 0);
}

#[test]
fn consume_queue_ahead_of_the_commit_log_is_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let offsets = {
        let store = MessageStore::open(config(dir.path())).unwrap();
        let o = fill(&store, 40);
        store.shutdown().unwrap();
        o
    };
    // the commit log lost its tail (e.g. unflushed pages after a power cut) but the CQs kept theirs
    let (cut, _) = offsets[35];
    let (path, pos) = commit_log_file(dir.path(), cut);
    let len = std::fs::metadata(&path).unwrap().len();
    patch(dir.path(), cut, &vec![0u8; (len - pos) as usize]);
    let store = MessageStore::open(config(dir.path())).unwrap();
    assert_eq!(total_in_queues(&store), 35);
    let got = store.get_message("g", "T", 1, 17, 32, None).unwrap();
    assert_eq!(got.message_count(), 0, "queue 1 ends at 17 (35 messages: 18 on queue 0, 17 on queue 1)");
    assert_eq!(store.max_offset_in_queue("T", 1), 17);
}

#[test]
fn empty_commit_log_destroys_stale_consume_queues() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = MessageStore::open(config(dir.path())).unwrap();
        fill(&store, 10);
        store.shutdown().unwrap();
    }
    std::fs::remove_dir_all(dir.path().join("commitlog")).unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    assert_eq!(store.max_phy_offset(), 0);
    assert_eq!(total_in_queues(&store), 0);
    let a = store.put_message_sync(msg("T", 0, 0)).append.unwrap();
    assert_eq!((a.wrote_offset, a.logics_offset), (0, 0));
}

#[test]
fn crash_with_a_recent_checkpoint_rescans_only_the_tail_but_rebuilds_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let snap = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    fill(&store, 120);
    wait_dispatched(&store);
    copy_dir(dir.path(), snap.path());
    drop(store);
    // a checkpoint saying everything up to "now + 10 s" was flushed: the scan starts at the newest file
    let cp = crate::store::checkpoint::StoreCheckpoint::open(&snap.path().join("checkpoint")).unwrap();
    let later = crate::store::commitlog::now_ms() + 10_000;
    cp.set_physic_msg_timestamp(later);
    cp.set_logics_msg_timestamp(later);
    cp.flush().unwrap();
    drop(cp);
    let files = std::fs::read_dir(snap.path().join("commitlog")).unwrap().count();
    assert!(files >= 3);
    let recovered = MessageStore::open(config(snap.path())).unwrap();
    let o = recovered.recovery_outcome().clone();
    assert!(o.abnormal);
    assert_eq!(o.dispatch_from, 0, "index rebuilt from the start: its only file was newer than the checkpoint");
    assert!(o.records_scanned < 120, "recovery itself only scanned the newest file");
    assert_eq!(total_in_queues(&recovered), 120);
    assert_eq!(recovered.query_message("T", "key3", 10, 0, i64::MAX).messages.len(), 1);
}
