//! Crash test: a child process appends under SYNC_FLUSH and is killed with SIGKILL at random moments, many
//! times, on the same store directory. After every kill the directory is reopened in-process (abnormal
//! recovery) and checked:
//!
//! * the commit log ends exactly where a raw, independent scan of the files finds the first invalid record
//!   (nothing after a torn record is served; every record served passes the CRC scanner);
//! * every append the child reported stored (`PUT_OK` under SYNC_FLUSH, written to its stdout only after the
//!   put completed) is there, at the physical and queue offset it was given, with its body and key, also
//!   through `get_message`, `look_message_by_offset` and `query_message`;
//! * every consume queue is contiguous from 0, each entry points at the record with that queue offset, and
//!   min/max offsets agree with the commit log.
//!
//! Some cycles tear the first record after the last acknowledged one (second half zeroed, or one body byte
//! flipped) before reopening, the way a lost page would; some cycles skip the in-process reopen so the next
//! child recovers the crashed directory itself (and may be killed while recovering). A crashed snapshot of
//! the last cycle (and one from the middle of the run) is opened by the real Java 4.9.8 and 5.3.3 stores
//! (`java-fixtures/store-verify`), which must recover it cleanly and report every acknowledged message.
//!
//! The child is this test binary re-executed with `THRUSTER_CRASH_CHILD` set (test `child_process_entry`),
//! so `cargo test` builds everything. A separate test binary rather than a module of `tests/it`: the child
//! re-executes its own binary, and a small binary with two tests keeps that cheap and independent of the
//! `it` suite's filters and thread count.
//!
//! Knobs: `THRUSTER_CRASH_SEED` (printed at the start; rerun with it to reproduce), `THRUSTER_CRASH_CYCLES`
//! (default 60), `THRUSTER_REQUIRE_JAVA` (fail instead of skipping when the Java verifier is not built),
//! `THRUSTER_STORE_VERIFY` (verifier script path).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::FileExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::Value;
use thruster::store::commitlog::record::{
    check_message_and_return_size, decode_message, Scan, ScanOptions, MESSAGE_MAGIC_CODE,
};
use thruster::store::commitlog::PutMessageStatus;
use thruster::store::config::{FlushDiskType, MessageStoreConfig};
use thruster::store::message::{encode_batch_body, tags_code, DelayLevelTable, MessageExtBatch, MessageExtBrokerInner};
use thruster::store::store::MessageStore;

const COMMIT_LOG_FILE: usize = 64 * 1024;
const CQ_FILE: usize = 64 * 20;
const HASH_SLOTS: usize = 256;
const INDEX_NUM: usize = 256;
const TOPICS: [&str; 2] = ["CrashA", "CrashB"];
const QUEUES: u64 = 3;
const PRODUCERS: u64 = 3;
/// Each cycle's child numbers its messages from `cycle * SEQ_STRIDE`, so sequence numbers (and keys) never
/// repeat even when an unacknowledged message survives.
const SEQ_STRIDE: u64 = 1_000_000;
const CHILD_ENV: &str = "THRUSTER_CRASH_CHILD";

fn config(root: &Path) -> MessageStoreConfig {
    MessageStoreConfig {
        store_path_root_dir: root.to_path_buf(),
        mapped_file_size_commit_log: COMMIT_LOG_FILE,
        mapped_file_size_consume_queue: CQ_FILE,
        max_hash_slot_num: HASH_SLOTS,
        max_index_num: INDEX_NUM,
        flush_disk_type: FlushDiskType::SyncFlush,
        ..Default::default()
    }
}

/// splitmix64: small, seedable, good enough for timings and choices.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

// ---- what a message with sequence number `seq` looks like ------------------------------------------------

fn key(seq: u64) -> String {
    format!("CK-{seq:010}")
}

fn tag(seq: u64) -> &'static str {
    ["TagA", "TagB", "TagC"][(seq % 3) as usize]
}

fn props(seq: u64) -> String {
    format!("KEYS\u{1}{}\u{2}TAGS\u{1}{}\u{2}", key(seq), tag(seq))
}

/// Body: `seq=<n>;` then a pattern that depends on `seq`; sizes from 16 bytes to 9 KB so 64 KiB files roll.
fn body(seq: u64) -> Vec<u8> {
    const SIZES: [usize; 8] = [16, 64, 200, 512, 1000, 2000, 4000, 9000];
    let len = SIZES[(Rng(seq).next() % 8) as usize];
    let mut b = format!("seq={seq};").into_bytes();
    let mut i = 0u64;
    while b.len() < len {
        b.push(b'a' + ((seq + i) % 26) as u8);
        i += 1;
    }
    b
}

/// Topic and queue of a single message, or of a whole batch from its first sequence number.
fn route(seq: u64) -> (usize, i32) {
    ((seq % 2) as usize, ((seq / 2) % QUEUES) as i32)
}

// ---- child ----------------------------------------------------------------------------------------------

/// Child mode: runs only when the parent re-executes this binary with `THRUSTER_CRASH_CHILD` set; a no-op
/// otherwise.
#[test]
fn child_process_entry() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else { return };
    let first_seq: u64 = std::env::var("THRUSTER_CRASH_FIRST_SEQ").unwrap().parse().unwrap();
    let seed: u64 = std::env::var("THRUSTER_CRASH_CHILD_SEED").unwrap().parse().unwrap();
    let store = Arc::new(MessageStore::open(config(Path::new(&dir))).expect("child: open store"));
    let out = Arc::new(Mutex::new(std::io::stdout()));
    say(&out, "\nREADY"); // after libtest's "test child_process_entry ... " (no newline)
    let next = Arc::new(AtomicU64::new(first_seq));
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|t| {
            let (store, out, next) = (Arc::clone(&store), Arc::clone(&out), Arc::clone(&next));
            std::thread::spawn(move || produce(&store, &out, &next, Rng(seed ^ (t + 1).wrapping_mul(0x1234_5678))))
        })
        .collect();
    for p in producers {
        p.join().unwrap();
    }
    // Only reached if the parent never killed us (it died): leave without a clean shutdown, like a crash.
    std::process::exit(3);
}

/// Writes one line and flushes it; exits if the parent is gone.
fn say(out: &Mutex<std::io::Stdout>, line: &str) {
    let mut o = out.lock().unwrap();
    if writeln!(o, "{line}").and_then(|()| o.flush()).is_err() {
        std::process::exit(4);
    }
}

fn produce(store: &MessageStore, out: &Mutex<std::io::Stdout>, next: &AtomicU64, mut rng: Rng) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        let n = if rng.below(6) == 0 { 2 + rng.below(4) } else { 1 };
        let first = next.fetch_add(n, Ordering::Relaxed);
        let (t, q) = route(first);
        let born_host = "127.0.0.1:50000".parse().unwrap();
        let store_host = "127.0.0.1:10911".parse().unwrap();
        let r = if n == 1 {
            store
                .put_message(MessageExtBrokerInner {
                    topic: TOPICS[t].into(),
                    queue_id: q,
                    body: Bytes::from(body(first)),
                    properties: props(first),
                    born_timestamp: 1_700_000_000_000,
                    born_host,
                    store_host,
                    ..Default::default()
                })
                .wait()
        } else {
            let bodies: Vec<(Vec<u8>, String)> = (first..first + n).map(|s| (body(s), props(s))).collect();
            let batch = MessageExtBatch {
                topic: TOPICS[t].into(),
                queue_id: q,
                body: Bytes::from(encode_batch_body(bodies.iter().map(|(b, p)| (0, &b[..], p.as_str())))),
                properties: "CLUSTER\u{1}CrashCluster\u{2}".into(),
                sys_flag: 0,
                born_timestamp: 1_700_000_000_000,
                born_host,
                store_host,
                reconsume_times: 0,
            };
            store.put_messages(&batch).wait()
        };
        if r.status != PutMessageStatus::PutOk {
            say(out, &format!("NACK {first} {n} {:?}", r.status));
            continue;
        }
        let a = r.append.unwrap();
        let offsets = if a.batch_offsets.is_empty() { vec![a.wrote_offset] } else { a.batch_offsets.clone() };
        assert_eq!(offsets.len() as u64, n);
        let end = a.end_offset();
        for (i, phy) in offsets.iter().enumerate() {
            let size = offsets.get(i + 1).copied().unwrap_or(end) - phy;
            let seq = first + i as u64;
            say(out, &format!("ACK {seq} {t} {q} {} {phy} {size}", a.logics_offset + i as i64));
        }
    }
}

// ---- parent ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ack {
    seq: u64,
    topic: usize,
    queue: i32,
    queue_offset: i64,
    phy: i64,
    size: i64,
}

fn parse_ack(line: &str) -> Option<Ack> {
    let mut w = line.strip_prefix("ACK ")?.split(' ');
    let mut n = || w.next().and_then(|x| x.parse::<i64>().ok());
    Some(Ack { seq: n()? as u64, topic: n()? as usize, queue: n()? as i32, queue_offset: n()?, phy: n()?, size: n()? })
}

/// One record as the recovered store serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rec {
    phy: i64,
    size: i64,
    seq: u64,
    topic: String,
    queue: i32,
    queue_offset: i64,
}

/// What the Rust store recovered, for the comparison with Java.
#[derive(Debug, Clone)]
struct View {
    abnormal: bool,
    max_phy: i64,
    records: Vec<Rec>,
    queues: BTreeMap<(String, i32), i64>,
}

#[derive(Debug, Default)]
struct Stats {
    cycles: usize,
    verified: usize,
    chained: usize,
    killed_before_ready: usize,
    abnormal: usize,
    torn_by_test: usize,
    torn_by_kill: usize,
    nacks: usize,
    max_child_acks: usize,
    records_checked: usize,
    zero_length_tails: usize,
    zero_length_index: usize,
    full_checks: usize,
    v4_workarounds: usize,
}

struct ChildRun {
    acks: Vec<Ack>,
    ready: bool,
    nacks: usize,
}

/// When the parent kills the child: `early` = at a random moment from the spawn (while it starts, opens or
/// recovers the store), otherwise at a random moment after it reported the store open.
#[derive(Debug, Clone, Copy)]
struct KillAt {
    early: bool,
    after: Duration,
}

fn run_child(dir: &Path, first_seq: u64, seed: u64, kill: KillAt) -> ChildRun {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_process_entry", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir)
        .env("THRUSTER_CRASH_FIRST_SEQ", first_seq.to_string())
        .env("THRUSTER_CRASH_CHILD_SEED", seed.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut run = ChildRun { acks: Vec::new(), ready: false, nacks: 0 };
        let mut r = BufReader::new(stdout);
        let mut line = String::new();
        // A line cut by the kill has no newline: it was never fully reported, so it does not count.
        while r.read_line(&mut line).unwrap_or(0) > 0 && line.ends_with('\n') {
            let l = line.trim_end();
            if l == "READY" {
                run.ready = true;
                let _ = ready_tx.send(());
            } else if l.starts_with("NACK ") {
                run.nacks += 1;
            } else if let Some(a) = parse_ack(l) {
                run.acks.push(a);
            }
            line.clear();
        }
        run
    });
    if !kill.early {
        ready_rx.recv_timeout(Duration::from_secs(20)).expect("child did not open the store within 20 s");
    }
    std::thread::sleep(kill.after);
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGKILL), "child exited on its own (see its stderr): {status:?}");
    reader.join().unwrap()
}

fn commit_log_file(dir: &Path, offset: i64) -> PathBuf {
    let start = offset - offset % COMMIT_LOG_FILE as i64;
    dir.join("commitlog").join(format!("{start:020}"))
}

fn read_i32(b: &[u8], at: usize) -> Option<i32> {
    b.get(at..at + 4).map(|x| i32::from_be_bytes(x.try_into().unwrap()))
}

/// Independent of the store: scans the commit-log files from a known-good offset to the first invalid
/// record (blank -> next file if there is one). Returns the offset recovery must stop at and whether the
/// bytes there are non-zero (a torn record).
fn raw_scan(dir: &Path, from: i64) -> (i64, bool) {
    let table = DelayLevelTable::default();
    let opts = ScanOptions { check_crc: true, force_verify_prop_crc: false, delay_levels: &table };
    let mut off = from;
    loop {
        let path = commit_log_file(dir, off);
        let Ok(data) = std::fs::read(&path) else { return (off, false) };
        let mut pos = (off % COMMIT_LOG_FILE as i64) as usize;
        loop {
            let rest = &data[pos..];
            match check_message_and_return_size(rest, &opts) {
                Scan::Message(r) if r.msg_size > 0 => pos += r.msg_size as usize,
                Scan::Blank => break,
                _ => {
                    let dirty = rest.iter().take(64).any(|b| *b != 0);
                    return ((off - off % COMMIT_LOG_FILE as i64) + pos as i64, dirty);
                }
            }
        }
        let next = off - off % COMMIT_LOG_FILE as i64 + COMMIT_LOG_FILE as i64;
        // a zero-length file (killed between create and set_len) is deleted at load, as Java 5.3.3 does
        if std::fs::metadata(commit_log_file(dir, next)).map_or(true, |m| m.len() == 0) {
            return ((off - off % COMMIT_LOG_FILE as i64) + pos as i64, false);
        }
        off = next;
    }
}

/// Tears the record at `at` (if one was written there): zero its second half, or flip one body byte.
fn tear(dir: &Path, at: i64, flip: bool) -> bool {
    let path = commit_log_file(dir, at);
    let Ok(data) = std::fs::read(&path) else { return false };
    let pos = (at % COMMIT_LOG_FILE as i64) as usize;
    let (Some(total), Some(magic)) = (read_i32(&data, pos), read_i32(&data, pos + 4)) else { return false };
    if magic != MESSAGE_MAGIC_CODE || total <= 0 || pos + total as usize > data.len() {
        return false;
    }
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    if flip {
        // IPv4 hosts: BODYLEN at 84, BODY at 88
        let body_len = read_i32(&data, pos + 84).unwrap() as usize;
        let at = pos + 88 + body_len / 2;
        f.write_all_at(&[data[at] ^ 0x5A], at as u64).unwrap();
    } else {
        let half = total as usize / 2;
        f.write_all_at(&vec![0u8; total as usize - half], (pos + half) as u64).unwrap();
    }
    true
}

fn wait_dispatched(store: &MessageStore) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.dispatch_behind_bytes() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(store.dispatch_behind_bytes(), 0, "dispatch did not catch up");
}

/// Reopens the store and checks it against the raw scan and the acknowledgements. `full`: every record from
/// offset 0 and every ack through `query_message`; otherwise the records from `from` (a file start at or
/// before the last verified end) and, of the older acks, a random sample. `fresh` (acks since the last
/// verification) always lie in the checked window.
#[allow(clippy::too_many_arguments)]
fn verify(
    dir: &Path,
    expected_end: i64,
    abort_before: bool,
    acked: &BTreeMap<u64, Ack>,
    fresh: &[u64],
    rng: &mut Rng,
    full: bool,
    from: i64,
) -> View {
    let from = if full { 0 } else { from };
    let store = MessageStore::open(config(dir)).unwrap_or_else(|e| panic!("reopen failed: {e}"));
    assert_eq!(store.recovery_outcome().abnormal, abort_before, "recovery kind");
    assert_eq!(store.max_phy_offset(), expected_end, "recovered end of the commit log");
    assert_eq!(store.min_phy_offset(), 0);
    wait_dispatched(&store);

    // every record served validates (CRC), bodies and keys match their sequence numbers
    let table = DelayLevelTable::default();
    let opts = ScanOptions { check_crc: true, force_verify_prop_crc: false, delay_levels: &table };
    let mut records = Vec::new();
    let mut by_seq: HashMap<u64, usize> = HashMap::new();
    let mut off = from;
    while off < expected_end {
        let data = store.get_commit_log_data(off).unwrap_or_else(|| panic!("no data at {off}"));
        match check_message_and_return_size(&data, &opts) {
            Scan::Message(r) => {
                let rec = store.select_one_message_by_offset(off).unwrap();
                let m = decode_message(&rec).unwrap();
                let seq: u64 = m
                    .property("KEYS")
                    .and_then(|k| k.strip_prefix("CK-"))
                    .unwrap_or_else(|| panic!("record at {off} has no key: {m:?}"))
                    .parse()
                    .unwrap_or_else(|e| panic!("record at {off} (window from {from}): bad key: {e}: {m:?}"));
                assert_eq!(m.body, Bytes::from(body(seq)), "body of seq {seq} at {off}");
                assert_eq!(m.property("TAGS"), Some(tag(seq)), "tag of seq {seq}");
                assert_eq!(m.commit_log_offset, off);
                assert!(by_seq.insert(seq, records.len()).is_none(), "seq {seq} stored twice");
                records.push(Rec {
                    phy: off,
                    size: i64::from(r.msg_size),
                    seq,
                    topic: m.topic.clone(),
                    queue: m.queue_id,
                    queue_offset: m.queue_offset,
                });
                off += i64::from(r.msg_size);
            }
            Scan::Blank => off = off - off % COMMIT_LOG_FILE as i64 + COMMIT_LOG_FILE as i64,
            Scan::Invalid { size } => panic!("invalid record served at {off} ({size})"),
        }
    }
    assert_eq!(off, expected_end, "scan ends at the max offset");

    // consume queues: contiguous from 0, every entry points at its record, min/max agree
    let mut per_queue: BTreeMap<(String, i32), Vec<&Rec>> = BTreeMap::new();
    for r in &records {
        per_queue.entry((r.topic.clone(), r.queue)).or_default().push(r);
    }
    let mut queues = BTreeMap::new();
    for t in TOPICS {
        for q in 0..QUEUES as i32 {
            let recs = per_queue.get(&(t.to_string(), q)).map(Vec::as_slice).unwrap_or_default();
            // queue offset of the first record in the window (0 in a full check)
            let first = if full { 0 } else { recs.first().map_or(store.max_offset_in_queue(t, q), |r| r.queue_offset) };
            for (i, r) in recs.iter().enumerate() {
                assert_eq!(r.queue_offset, first + i as i64, "{t}/{q}: queue offsets contiguous (seq {})", r.seq);
            }
            let n = first + recs.len() as i64;
            assert_eq!(store.max_offset_in_queue(t, q), n, "{t}/{q}: max offset");
            if n > 0 {
                assert_eq!(store.min_offset_in_queue(t, q), 0, "{t}/{q}: min offset");
            }
            if !recs.is_empty() {
                let cq = store.consume_queues().find(t, q).unwrap();
                for r in recs {
                    let e = cq.entry(r.queue_offset).unwrap();
                    assert_eq!((e.phy_offset, i64::from(e.size)), (r.phy, r.size), "{t}/{q}@{}", r.queue_offset);
                    assert_eq!(e.tags_code, tags_code(Some(tag(r.seq))), "{t}/{q}@{} tag", r.queue_offset);
                }
                // the pull path serves exactly these records, each one valid
                let mut at = first;
                while at < n {
                    let got = store.get_message("g", t, q, at, 32, None).unwrap();
                    assert!(got.message_count() > 0, "{t}/{q}: nothing served at {at} of {n}: {:?}", got.status);
                    for (m, qo) in got.messages.iter().zip(&got.message_queue_offsets) {
                        let r = recs[(*qo - first) as usize];
                        assert!(matches!(check_message_and_return_size(m, &opts), Scan::Message(_)));
                        assert_eq!(decode_message(m).unwrap().commit_log_offset, r.phy, "{t}/{q}@{qo}");
                    }
                    at = got.next_begin_offset;
                }
                assert_eq!(at, n);
            }
            if n > 0 || store.consume_queues().find(t, q).is_some() {
                queues.insert((t.to_string(), q), n);
            }
        }
    }

    // every acknowledged append is there, where it was reported (older than the window: a sample, read by offset)
    let all: Vec<&Ack> = acked.values().collect();
    let old: Vec<&Ack> = if full {
        Vec::new()
    } else {
        let old: Vec<&Ack> = all.iter().copied().filter(|a| a.phy < from).collect();
        (0..old.len().min(50)).map(|_| old[rng.below(old.len() as u64) as usize]).collect()
    };
    for a in &old {
        let m = store.look_message_by_offset(a.phy).unwrap_or_else(|| panic!("acked seq {} lost ({a:?})", a.seq));
        assert_eq!(m.property("KEYS"), Some(key(a.seq).as_str()), "acked seq {}", a.seq);
        assert_eq!(m.body, Bytes::from(body(a.seq)), "acked seq {}", a.seq);
        assert_eq!((m.topic.as_str(), m.queue_id, m.queue_offset), (TOPICS[a.topic], a.queue, a.queue_offset));
        let e = store.consume_queues().find(TOPICS[a.topic], a.queue).unwrap().entry(a.queue_offset).unwrap();
        assert_eq!((e.phy_offset, i64::from(e.size)), (a.phy, a.size), "acked seq {}: CQ entry", a.seq);
    }
    for a in all.iter().filter(|a| a.phy >= from) {
        let i = *by_seq.get(&a.seq).unwrap_or_else(|| panic!("acked seq {} lost ({a:?})", a.seq));
        let r = &records[i];
        assert_eq!(
            (r.phy, r.size, r.topic.as_str(), r.queue, r.queue_offset),
            (a.phy, a.size, TOPICS[a.topic], a.queue, a.queue_offset),
            "acked seq {}",
            a.seq
        );
    }
    // ... and found by key
    let mut check_query = |a: &Ack| {
        let q = store.query_message(TOPICS[a.topic], &key(a.seq), 32, 0, i64::MAX);
        let hit = q
            .messages
            .iter()
            .filter_map(decode_message)
            .any(|m| m.commit_log_offset == a.phy && m.property("KEYS") == Some(key(a.seq).as_str()));
        assert!(hit, "query_message does not find acked seq {} at {}", a.seq, a.phy);
        let m = store.look_message_by_offset(a.phy).unwrap();
        assert_eq!(m.property("KEYS"), Some(key(a.seq).as_str()));
    };
    if full {
        acked.values().for_each(&mut check_query);
    } else {
        fresh.iter().for_each(|s| check_query(&acked[s]));
        old.into_iter().for_each(check_query);
    }
    store.shutdown().unwrap();
    assert!(!dir.join("abort").exists(), "clean shutdown removes abort");
    View { abnormal: abort_before, max_phy: expected_end, records, queues }
}

// ---- Java ------------------------------------------------------------------------------------------------

fn java_verifier() -> Option<PathBuf> {
    let script = std::env::var_os("THRUSTER_STORE_VERIFY")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("java-fixtures").join("store-verify"));
    let base = script.parent()?;
    let built = ["store-v4", "store-v5"].iter().all(|m| base.join(m).join("target").join("classpath.txt").exists());
    (script.exists() && built).then_some(script)
}

fn java_dump(script: &Path, version: &str, dir: &Path) -> Value {
    let out = Command::new(script)
        .arg(version)
        .arg(dir)
        .args([COMMIT_LOG_FILE, CQ_FILE, HASH_SLOTS, INDEX_NUM].map(|n| n.to_string()))
        .output()
        .unwrap();
    if !out.status.success() {
        // keep the snapshot for a post-mortem
        let keep = std::env::temp_dir().join(format!("thruster-crash-java-{version}-{}", std::process::id()));
        copy_dir(dir, &keep);
        let err = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = err.lines().collect();
        panic!(
            "Java {version} could not open the crashed Rust store (copy kept at {}):\n{}",
            keep.display(),
            lines[lines.len().saturating_sub(60)..].join("\n")
        );
    }
    serde_json::from_slice(&out.stdout).unwrap()
}

fn i(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

/// Java's view of a crashed snapshot must equal the Rust view of the same bytes, and hold every ack.
fn check_java(name: &str, m: &Value, view: &View, acked: &BTreeMap<u64, Ack>) {
    assert_eq!(m["before"]["abort"], view.abnormal, "{name}: abort file");
    assert_eq!(i(&m["minPhyOffset"]), 0, "{name}: minPhyOffset");
    assert_eq!(i(&m["maxPhyOffset"]), view.max_phy, "{name}: Java recovers to the same end");
    assert_eq!(i(&m["commitLog"]["records"]), view.records.len() as i64, "{name}: records");
    let msgs = m["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), view.records.len(), "{name}: messages");
    for (x, r) in msgs.iter().zip(&view.records) {
        let at = format!("{name}: record at {}", r.phy);
        assert_eq!(i(&x["phyOffset"]), r.phy, "{at}");
        assert_eq!(i(&x["size"]), r.size, "{at}");
        assert_eq!(x["topic"], r.topic.as_str(), "{at}");
        assert_eq!(i(&x["queueId"]), i64::from(r.queue), "{at}");
        assert_eq!(i(&x["queueOffset"]), r.queue_offset, "{at}");
        assert_eq!(x["inConsumeQueue"], true, "{at}");
        assert_eq!(x["keys"], key(r.seq).as_str(), "{at}");
        assert_eq!(i(&x["bodyLength"]), body(r.seq).len() as i64, "{at}");
    }
    let mut queues = BTreeMap::new();
    for q in m["queues"].as_array().unwrap() {
        let k = (q["topic"].as_str().unwrap().to_string(), i(&q["queueId"]) as i32);
        assert_eq!(i(&q["minOffset"]), 0, "{name}: {k:?} min");
        assert_eq!(q["entries"].as_array().unwrap().len() as i64, i(&q["maxOffset"]), "{name}: {k:?} entries");
        assert!(q["pullStatuses"].as_array().unwrap().iter().all(|s| s == "FOUND"), "{name}: {k:?} pulls");
        queues.insert(k, i(&q["maxOffset"]));
    }
    queues.retain(|_, n| *n > 0);
    let mut rust = view.queues.clone();
    rust.retain(|_, n| *n > 0);
    assert_eq!(queues, rust, "{name}: queues and max offsets");
    let mut found: HashMap<(String, String), Vec<i64>> = HashMap::new();
    for q in m["queries"].as_array().unwrap() {
        let k = (q["topic"].as_str().unwrap().to_string(), q["key"].as_str().unwrap().to_string());
        found.insert(k, q["phyOffsets"].as_array().unwrap().iter().map(i).collect());
    }
    let mut missing = Vec::new();
    for a in acked.values() {
        let hit = found.get(&(TOPICS[a.topic].to_string(), key(a.seq))).is_some_and(|p| p.contains(&a.phy));
        if !hit {
            missing.push(a.seq);
        }
    }
    assert!(missing.is_empty(), "{name}: Java's queryMessage misses {} acked keys: {:?}", missing.len(), &missing);
    eprintln!(
        "{name}: Java recovered to {} with {} records, {} queues; all {} acked messages present and found by key",
        view.max_phy,
        view.records.len(),
        queues.len(),
        acked.len()
    );
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap().flatten() {
        let to = dst.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &to);
        } else if e.file_name() != "lock" {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

struct Snapshot {
    name: String,
    dir: tempfile::TempDir,
    /// For Java 4.9.8 when the snapshot has a zero-length last commit-log / consume-queue file: the same copy
    /// without it (4.9.8's loader refuses such a file; 5.3.3 and the Rust store delete it).
    v4_dir: Option<tempfile::TempDir>,
    acked: BTreeMap<u64, Ack>,
}

/// Zero-length newest files of the commit log, each consume queue and the index: a kill between creating a
/// new mapped file and sizing it.
fn zero_length_tails(root: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![root.join("commitlog"), root.join("index")];
    for topic in std::fs::read_dir(root.join("consumequeue")).into_iter().flatten().flatten() {
        dirs.extend(std::fs::read_dir(topic.path()).into_iter().flatten().flatten().map(|q| q.path()));
    }
    let mut out = Vec::new();
    for d in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d).into_iter().flatten().flatten().map(|e| e.path()).collect();
        files.sort();
        if let Some(last) = files.last().filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() == 0)) {
            out.push(last.clone());
        }
    }
    out
}

#[test]
fn sigkill_during_sync_flush_appends() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let started = Instant::now();
    let seed = std::env::var("THRUSTER_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    let cycles: usize = std::env::var("THRUSTER_CRASH_CYCLES").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    eprintln!("crash test: seed {seed} (THRUSTER_CRASH_SEED={seed} reproduces the choices), {cycles} cycles");
    let java = java_verifier();
    if java.is_none() {
        assert!(
            std::env::var_os("THRUSTER_REQUIRE_JAVA").is_none(),
            "THRUSTER_REQUIRE_JAVA is set but java-fixtures/store-verify is not built (mvn -f java-fixtures/pom.xml package)"
        );
        eprintln!("java-fixtures/store-verify not built; the Java part is skipped (set THRUSTER_STORE_VERIFY)");
    }
    // crashed snapshots for Java: the middle and the last cycle, or every k-th with THRUSTER_CRASH_JAVA_EVERY=k
    let every: usize = std::env::var("THRUSTER_CRASH_JAVA_EVERY").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let snapshot_cycles: Vec<usize> =
        (0..cycles).filter(|c| *c == cycles / 2 || *c + 1 == cycles || (every > 0 && c % every == every - 1)).collect();

    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let mut acked: BTreeMap<u64, Ack> = BTreeMap::new();
    let mut fresh: Vec<u64> = Vec::new();
    let mut good_end = 0i64; // every byte below is verified and no child wrote there since
    let mut acked_end = 0i64; // end of the last acknowledged record: what lies beyond was never acked
    let mut stats = Stats::default();
    let mut snapshots: Vec<(Snapshot, View)> = Vec::new();
    let mut java_jobs = Vec::new();

    for cycle in 0..cycles {
        stats.cycles += 1;
        let child_seed = rng.next();
        // mostly 0-100 ms after the store is open; sometimes 0-40 ms after the spawn (exec, open, recovery)
        let early = rng.below(5) == 0 && !snapshot_cycles.contains(&cycle);
        let kill = KillAt { early, after: Duration::from_millis(rng.below(if early { 40 } else { 100 })) };
        let run = run_child(&root, cycle as u64 * SEQ_STRIDE, child_seed, kill);
        stats.killed_before_ready += usize::from(!run.ready);
        for p in zero_length_tails(&root) {
            if p.starts_with(root.join("index")) {
                stats.zero_length_index += 1;
            } else {
                stats.zero_length_tails += 1;
            }
        }
        stats.nacks += run.nacks;
        stats.max_child_acks = stats.max_child_acks.max(run.acks.len());
        for a in run.acks {
            acked_end = acked_end.max(a.phy + a.size);
            assert!(acked.insert(a.seq, a).is_none(), "seq {} acked twice", a.seq);
            fresh.push(a.seq);
        }
        // Tear the first record after the last acknowledged one (nothing acked lies beyond it).
        let last = snapshot_cycles.contains(&cycle) || cycle + 1 == cycles;
        let mut torn_at = None;
        if rng.below(3) == 0 {
            let at = acked_end.max(good_end);
            if tear(&root, at, rng.below(2) == 0) {
                stats.torn_by_test += 1;
                torn_at = Some(at);
            }
        }
        // Sometimes let the next child recover the crash itself.
        if !last && torn_at.is_none() && rng.below(5) == 0 {
            stats.chained += 1;
            continue;
        }
        let abort_before = root.join("abort").exists();
        stats.abnormal += usize::from(abort_before);
        let (end, dirty) = raw_scan(&root, good_end);
        if let Some(at) = torn_at {
            assert_eq!(end, at, "cycle {cycle}: the raw scan stops at the torn record");
        } else if dirty {
            stats.torn_by_kill += 1;
        }
        let snapshot = snapshot_cycles.contains(&cycle).then(|| {
            let s = tempfile::tempdir().unwrap();
            copy_dir(&root, s.path());
            let empty: Vec<PathBuf> =
                zero_length_tails(s.path()).into_iter().filter(|p| !p.starts_with(s.path().join("index"))).collect();
            let v4_dir = (!empty.is_empty()).then(|| {
                let v4 = tempfile::tempdir().unwrap();
                copy_dir(s.path(), v4.path());
                for p in &empty {
                    let rel = p.strip_prefix(s.path()).unwrap();
                    eprintln!("cycle {cycle}: zero-length {} removed for Java 4.9.8 only", rel.display());
                    std::fs::remove_file(v4.path().join(rel)).unwrap();
                }
                v4
            });
            stats.v4_workarounds += usize::from(v4_dir.is_some());
            Snapshot { name: format!("cycle {cycle}"), dir: s, v4_dir, acked: acked.clone() }
        });
        // every record from 0 every 10th cycle, for the Java snapshots and at the end; else from the file
        // before the last verified end
        let full = cycle % 10 == 9 || snapshot.is_some() || cycle + 1 == cycles;
        let from = (good_end - good_end % COMMIT_LOG_FILE as i64 - COMMIT_LOG_FILE as i64).max(0);
        let view = verify(&root, end, abort_before, &acked, &fresh, &mut rng, full, from);
        stats.verified += 1;
        stats.full_checks += usize::from(full);
        stats.records_checked += view.records.len();
        fresh.clear();
        good_end = end;
        match (snapshot, java.clone()) {
            (Some(s), Some(script)) => {
                // Java runs beside the next cycles; the snapshot is not touched by them.
                let dir = s.dir.path().to_path_buf();
                let v4_dir = s.v4_dir.as_ref().map_or_else(|| dir.clone(), |d| d.path().to_path_buf());
                java_jobs.push(std::thread::spawn(move || {
                    let both = ["4.9.8", "5.3.3"].map(|v| {
                        let dir = if v == "4.9.8" { v4_dir.clone() } else { dir.clone() };
                        let script = script.clone();
                        std::thread::spawn(move || (v.to_string(), java_dump(&script, v, &dir)))
                    });
                    let dumps: Vec<(String, Value)> = both.into_iter().map(|j| j.join().unwrap()).collect();
                    (dumps, s, view)
                }));
            }
            (Some(s), None) => snapshots.push((s, view)),
            (None, _) => {}
        }
    }
    let cycles_done = started.elapsed();
    let mut java_checked = 0;
    for job in java_jobs {
        let (dumps, s, view) = job.join().unwrap();
        for (version, m) in dumps {
            check_java(&format!("{} -> Java {version}", s.name), &m, &view, &s.acked);
            java_checked += 1;
        }
    }
    drop(snapshots);
    eprintln!(
        "crash test: {} cycles ({} verified in-process, {} chained into the next child, {} killed before the \
         store was open, {} abnormal recoveries checked), {} torn tails made by the test, {} left by SIGKILL, \
         {} acked messages all present ({} per child at most; {} record checks over all reopenings, {} of them \
         full), {} NACKs, {} zero-length new commit-log / consume-queue files and {} index files left by a kill, {} Java dumps matched \
         ({} with a zero-length tail removed for 4.9.8); \
         cycles {:.1} s, total {:.1} s",
        stats.cycles,
        stats.verified,
        stats.chained,
        stats.killed_before_ready,
        stats.abnormal,
        stats.torn_by_test,
        stats.torn_by_kill,
        acked.len(),
        stats.max_child_acks,
        stats.records_checked,
        stats.full_checks,
        stats.nacks,
        stats.zero_length_tails,
        stats.zero_length_index,
        java_checked,
        stats.v4_workarounds,
        cycles_done.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    assert!(!acked.is_empty(), "no append was ever acknowledged");
}
