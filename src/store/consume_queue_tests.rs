#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;

fn cq(dir: &Path, entries_per_file: usize) -> ConsumeQueue {
    ConsumeQueue::new(dir, "TopicTest", 1, entries_per_file * CQ_STORE_UNIT_SIZE)
}

#[test]
fn entry_layout_matches_spec_2_12() {
    let e = CqEntry { phy_offset: 0x4000_0000, size: 199, tags_code: 2_598_919 };
    assert_eq!(
        e.encode(),
        [0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0xc7, 0, 0, 0, 0, 0, 0x27, 0xa8, 0x07],
        "spec §2.12: 00000000 40000000 | 000000c7 | 00000000 0027a807"
    );
    assert_eq!(CqEntry::decode(&e.encode()), Some(e));
    assert!(CqEntry { phy_offset: 0, size: i32::MAX, tags_code: 0 }.is_present());
    assert!(!CqEntry { phy_offset: 0, size: 0, tags_code: 0 }.is_present());
    assert!(is_ext_addr(i64::MIN + 5));
    assert!(!is_ext_addr(i64::from(i32::MIN)));
}

#[test]
fn appendix_a_queue_offset_to_file() {
    // queue offset 1,234,567 with the default 6,000,000-byte files
    let dir = tempfile::tempdir().unwrap();
    let q = ConsumeQueue::new(dir.path(), "T", 0, 6_000_000);
    q.put_message_position_info(100, 10, 0, 1_234_567).unwrap();
    let f = q.files().last().unwrap();
    assert_eq!(f.file_name(), "00000000000024000000");
    assert_eq!(f.wrote_position(), 691_340 + 20);
    assert_eq!(q.min_offset_in_queue(), 1_234_567, "pre-filled queue starts at the first real entry");
    assert_eq!(q.max_offset_in_queue(), 1_234_568);
    let filler = q.files().last().unwrap().with_bytes(0, 20, CqEntry::decode).flatten().unwrap();
    assert_eq!(filler, CqEntry { phy_offset: 0, size: i32::MAX, tags_code: 0 });
    assert_eq!(q.entry(1_234_567).unwrap().phy_offset, 100);
}

#[test]
fn put_skips_duplicates_and_reads_entries() {
    let dir = tempfile::tempdir().unwrap();
    let q = cq(dir.path(), 4);
    for i in 0..10i64 {
        assert!(q.put_message_position_info(i * 100, 100, i, i).unwrap());
    }
    // duplicate by physical offset and by position
    assert!(q.put_message_position_info(500, 100, 0, 5).unwrap());
    assert_eq!(q.max_offset_in_queue(), 10);
    assert_eq!(q.files().len(), 3);
    assert_eq!(q.max_physic_offset(), 1000);
    let buf = q.get_index_buffer(5).unwrap();
    assert_eq!(buf.len(), 3 * 20, "to the end of the file holding offset 5");
    assert_eq!(CqEntry::decode(&buf[..20]).unwrap().phy_offset, 500);
    assert!(q.get_index_buffer(10).is_none() || q.get_index_buffer(10).unwrap().is_empty());
    assert_eq!(q.entry(9).unwrap().tags_code, 9);
}

#[test]
fn recover_finds_the_end_and_cuts_garbage() {
    let dir = tempfile::tempdir().unwrap();
    {
        let q = cq(dir.path(), 4);
        for i in 0..6i64 {
            q.put_message_position_info(i * 100, 100, 0, i).unwrap();
        }
        q.flush(0).unwrap();
    }
    let q = cq(dir.path(), 4);
    q.load().unwrap();
    assert_eq!(q.max_offset_in_queue(), 8, "loaded files count as full");
    q.recover().unwrap();
    assert_eq!(q.max_offset_in_queue(), 6);
    assert_eq!(q.max_physic_offset(), 600);
    // appending continues at 6
    q.put_message_position_info(600, 100, 0, 6).unwrap();
    assert_eq!(q.max_offset_in_queue(), 7);
}

#[test]
fn truncate_dirty_removes_entries_beyond_the_commit_log_end() {
    let dir = tempfile::tempdir().unwrap();
    let q = cq(dir.path(), 4);
    for i in 0..10i64 {
        q.put_message_position_info(i * 100, 100, 0, i).unwrap();
    }
    q.truncate_dirty_logic_files(550).unwrap();
    assert_eq!(q.max_offset_in_queue(), 6, "entries at 0..=500 stay");
    assert_eq!(q.max_physic_offset(), 600);
    assert_eq!(q.files().len(), 2);
    q.truncate_dirty_logic_files(0).unwrap();
    assert_eq!(q.max_offset_in_queue(), 0);
    assert_eq!(q.max_physic_offset(), -1);
}

#[test]
fn min_offset_follows_the_commit_log() {
    let dir = tempfile::tempdir().unwrap();
    let q = cq(dir.path(), 4);
    for i in 0..10i64 {
        q.put_message_position_info(i * 100, 100, 0, i).unwrap();
    }
    q.correct_min_offset(250);
    assert_eq!(q.min_offset_in_queue(), 3, "first entry of the first file at or above the commit-log min");
    assert_eq!(q.delete_expired_file(450).unwrap(), 1);
    assert_eq!(q.min_offset_in_queue(), 5);
    q.correct_min_offset(10_000);
    assert_eq!(q.min_offset_in_queue(), 10, "last entry below the commit-log min: queue empty");
}

#[test]
fn offset_by_time_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let q = cq(dir.path(), 4);
    // store time of entry i = 1000 + 10 * (i / 2)  (pairs share a timestamp)
    for i in 0..10i64 {
        q.put_message_position_info(i * 100, 100, 0, i).unwrap();
    }
    let time = |phy: i64, _size: i32| 1000 + 10 * (phy / 100 / 2);
    assert_eq!(q.get_offset_by_time(1020, BoundaryType::Lower, 0, time), 4);
    assert_eq!(q.get_offset_by_time(1020, BoundaryType::Upper, 0, time), 5);
    assert_eq!(q.get_offset_by_time(1015, BoundaryType::Lower, 0, time), 4);
    assert_eq!(q.get_offset_by_time(1015, BoundaryType::Upper, 0, time), 3);
    assert_eq!(q.get_offset_by_time(0, BoundaryType::Lower, 0, time), 0);
    assert_eq!(q.get_offset_by_time(0, BoundaryType::Upper, 0, time), 0);
    assert_eq!(q.get_offset_by_time(99_999, BoundaryType::Lower, 0, time), 10);
    assert_eq!(q.get_offset_by_time(99_999, BoundaryType::Upper, 0, time), 9);
}

#[test]
fn store_loads_topics_and_builds_the_offset_table() {
    let dir = tempfile::tempdir().unwrap();
    let s = ConsumeQueueStore::new(dir.path(), 80);
    s.find_or_create("A", 0).put_message_position_info(0, 10, 0, 0).unwrap();
    s.find_or_create("A", 3).put_message_position_info(10, 10, 0, 0).unwrap();
    s.find_or_create("A", 3).put_message_position_info(20, 10, 0, 1).unwrap();
    s.find_or_create("%RETRY%g", 0).put_message_position_info(30, 10, 0, 0).unwrap();
    std::fs::create_dir_all(dir.path().join("A").join("notaqueue")).unwrap();
    s.flush(0).unwrap();

    let s2 = ConsumeQueueStore::new(dir.path(), 80);
    s2.load().unwrap();
    assert_eq!(s2.recover().unwrap(), 40);
    let t = s2.queue_offset_table();
    assert_eq!(t["A"][&0], 1);
    assert_eq!(t["A"][&3], 2);
    assert_eq!(t["%RETRY%g"][&0], 1);
    s2.truncate_dirty(15).unwrap();
    assert_eq!(s2.find("A", 3).unwrap().max_offset_in_queue(), 1);
    s2.delete_topic("A").unwrap();
    assert!(s2.find("A", 0).is_none());
    assert!(!dir.path().join("A").join("0").exists());
}
