#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::borrow::Cow;
use std::os::unix::fs::FileExt;

use super::*;

fn req<'a>(topic: &'a str, offset: i64, ts: i64, keys: Option<&'a str>, uniq: Option<&'a str>) -> DispatchRequest<'a> {
    DispatchRequest {
        topic: Cow::Borrowed(topic),
        queue_id: 0,
        commit_log_offset: offset,
        msg_size: 100,
        tags_code: 0,
        store_timestamp: ts,
        consume_queue_offset: 0,
        keys: keys.map(Cow::Borrowed),
        uniq_key: uniq.map(Cow::Borrowed),
        sys_flag: 0,
        prepared_transaction_offset: 0,
        properties: Cow::Borrowed(""),
    }
}

fn checkpoint(dir: &Path) -> Arc<StoreCheckpoint> {
    Arc::new(StoreCheckpoint::open(&dir.join("checkpoint")).unwrap())
}

#[test]
fn key_hash_vectors() {
    assert_eq!(index_key_hash("TopicTest#KEY1"), 1_656_969_516);
    assert_eq!(index_key_hash("TopicTest#KEY1") % 5_000_000, 1_969_516);
    assert_eq!(index_key_hash("polygenelubricants"), 0);
    assert_eq!(IndexFile::file_size(5_000_000, 20_000_000), 420_000_040);
}

#[test]
fn appendix_a_positions_with_default_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("20240101093015123");
    let f = IndexFile::create(&path, 5_000_000, 20_000_000, 0, 0).unwrap();
    assert!(f.put_key("TopicTest#KEY1", 1_073_741_824, 1_700_000_000_123));
    f.flush().unwrap();
    let file = std::fs::File::open(&path).unwrap();
    assert_eq!(file.metadata().unwrap().len(), 420_000_040);
    let mut slot = [0u8; 4];
    file.read_exact_at(&mut slot, 7_878_104).unwrap();
    assert_eq!(i32::from_be_bytes(slot), 1, "slot holds entry number 1");
    let mut entry = [0u8; 20];
    file.read_exact_at(&mut entry, 20_000_060).unwrap();
    assert_eq!(&entry[0..4], &1_656_969_516i32.to_be_bytes());
    assert_eq!(&entry[4..12], &1_073_741_824i64.to_be_bytes());
    assert_eq!(&entry[12..16], &[0; 4], "timeDiff 0: beginTimestamp was 0");
    assert_eq!(&entry[16..20], &[0; 4]);
    let mut header = [0u8; 40];
    file.read_exact_at(&mut header, 0).unwrap();
    assert_eq!(&header[0..8], &1_700_000_000_123i64.to_be_bytes());
    assert_eq!(&header[8..16], &1_700_000_000_123i64.to_be_bytes());
    assert_eq!(&header[16..24], &1_073_741_824i64.to_be_bytes());
    assert_eq!(&header[24..32], &1_073_741_824i64.to_be_bytes());
    assert_eq!(&header[32..36], &1i32.to_be_bytes());
    assert_eq!(&header[36..40], &2i32.to_be_bytes());
}

#[test]
fn chains_time_diffs_and_queries() {
    let dir = tempfile::tempdir().unwrap();
    let f = IndexFile::create(&dir.path().join("x"), 4, 100, 0, 0).unwrap();
    assert_eq!(f.index_count(), 1);
    // several keys share 4 slots; the same key three times
    for i in 0..10i64 {
        assert!(f.put_key(&format!("T#k{}", i % 3), i * 10, 10_000 + i * 1000));
    }
    let mut out = Vec::new();
    f.select_phy_offsets(&mut out, "T#k0", 64, 0, i64::MAX);
    assert_eq!(out, vec![90, 60, 30, 0], "newest first");
    out.clear();
    f.select_phy_offsets(&mut out, "T#k0", 2, 0, i64::MAX);
    assert_eq!(out.len(), 2);
    out.clear();
    // time window: entry i has timeDiff i seconds after the first message's time
    f.select_phy_offsets(&mut out, "T#k1", 64, 13_000, 17_000);
    assert_eq!(out, vec![70, 40]);
    assert!(f.is_time_matched(0, 11_000));
    assert!(!f.is_time_matched(30_000, 40_000));
    assert_eq!(f.hash_slot_count(), 3);
}

#[test]
fn service_rolls_files_and_queries_across_them() {
    let dir = tempfile::tempdir().unwrap();
    let cp = checkpoint(dir.path());
    let svc = IndexService::new(dir.path().join("index"), 8, 5, 64, Arc::clone(&cp));
    svc.load(true).unwrap();
    for i in 0..10i64 {
        svc.build_index(&req("T", i * 100, 1000 + i, Some("K1 K2"), Some(&format!("U{i}")))).unwrap();
    }
    let files = svc.files();
    assert!(files.len() >= 6, "4 entries per file, 3 keys per message: {}", files.len());
    let names: Vec<String> = files.iter().map(|f| f.file_name()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted, "names unique and in creation order");
    // a new file starts where the full one ended
    assert_eq!(files[1].begin_phy_offset(), files[0].end_phy_offset());
    let r = svc.query_offset("T", "K1", 64, 0, i64::MAX);
    let mut found = r.phy_offsets.clone();
    found.sort();
    found.dedup();
    assert_eq!(found, (0..10).map(|i| i * 100).collect::<Vec<_>>());
    assert_eq!(r.index_last_update_phyoffset, 900);
    assert_eq!(svc.query_offset("T", "U7", 64, 0, i64::MAX).phy_offsets, vec![700]);
    assert!(svc.query_offset("Other", "K1", 64, 0, i64::MAX).phy_offsets.is_empty());
    // re-dispatch of an already indexed record is skipped
    svc.build_index(&req("T", 500, 1005, Some("DUP"), None)).unwrap();
    assert!(svc.query_offset("T", "DUP", 64, 0, i64::MAX).phy_offsets.is_empty());
    svc.flush().unwrap();
    assert!(cp.index_msg_timestamp() > 0, "full files advanced indexMsgTimestamp");
    // retention: files ending below the commit-log min offset go, never the newest
    let before = svc.files().len();
    assert!(svc.delete_expired_file(450).unwrap() > 0);
    assert!(svc.files().len() < before);
    svc.delete_expired_file(i64::MAX).unwrap();
    assert_eq!(svc.files().len(), 1, "the newest file is never deleted");
}

#[test]
fn rollback_records_are_not_indexed_and_crash_prunes_new_files() {
    let dir = tempfile::tempdir().unwrap();
    let cp = checkpoint(dir.path());
    {
        let svc = IndexService::new(dir.path().join("index"), 8, 100, 64, Arc::clone(&cp));
        svc.load(true).unwrap();
        let mut r = req("T", 0, 1000, Some("A"), None);
        r.sys_flag = crate::store::message::sys_flag::TRANSACTION_ROLLBACK_TYPE;
        svc.build_index(&r).unwrap();
        assert!(svc.query_offset("T", "A", 64, 0, i64::MAX).phy_offsets.is_empty());
        svc.build_index(&req("T", 100, 2000, Some("B"), None)).unwrap();
        svc.flush().unwrap();
    }
    let svc = IndexService::new(dir.path().join("index"), 8, 100, 64, Arc::clone(&cp));
    svc.load(true).unwrap();
    assert_eq!(svc.files().len(), 1, "clean start keeps the file");
    let svc = IndexService::new(dir.path().join("index"), 8, 100, 64, cp);
    svc.load(false).unwrap();
    assert_eq!(svc.files().len(), 0, "after a crash, files newer than indexMsgTimestamp are deleted");
}

#[test]
fn zero_length_index_file_left_by_a_kill_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let cp = checkpoint(dir.path());
    {
        let svc = IndexService::new(dir.path().join("index"), 8, 100, 64, Arc::clone(&cp));
        svc.load(true).unwrap();
        svc.build_index(&req("T", 100, 2000, Some("B"), None)).unwrap();
        svc.flush().unwrap();
    }
    // killed between creating the next file and sizing it
    std::fs::File::create(dir.path().join("index").join("29991231235959999")).unwrap();
    let svc = IndexService::new(dir.path().join("index"), 8, 100, 64, cp);
    svc.load(true).unwrap();
    assert_eq!(svc.files().len(), 1);
    assert!(!dir.path().join("index").join("29991231235959999").exists());
    assert_eq!(svc.query_offset("T", "B", 64, 0, i64::MAX).phy_offsets, vec![100]);
}
