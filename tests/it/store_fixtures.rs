//! Store directories written by the real Java store (`fixtures/store/v4.9.8|v5.3.3/{clean,crashed}`, see its
//! README) opened by the Rust store and checked against what Java itself reported after reopening them
//! (`*.manifest.json`): recovered offsets, every record field, consume-queue entries, the pull path, index
//! queries, and which files recovery deleted. The directory can be moved with `THRUSTER_STORE_FIXTURES`.
//! Skipped (with a message) when the fixtures are absent.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde_json::Value;
use thruster::store::commitlog::record::{check_message_and_return_size, decode_message, Scan, ScanOptions};
use thruster::store::config::MessageStoreConfig;
use thruster::store::message::DelayLevelTable;
use thruster::store::store::MessageStore;

fn fixtures_root() -> PathBuf {
    std::env::var_os("THRUSTER_STORE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("store"))
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap().flatten() {
        let to = dst.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

fn list_files(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            list_files(root, &e.path(), out);
        } else {
            out.insert(e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

/// `ip:port` / `[ipv6]:port` as Java prints them (IPv6 uncompressed).
fn host(s: &str) -> SocketAddr {
    let (ip, port) = s.rsplit_once(':').unwrap();
    let ip: IpAddr = ip.trim_start_matches('[').trim_end_matches(']').parse().unwrap();
    SocketAddr::new(ip, port.parse().unwrap())
}

fn base64(data: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn i(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

#[test]
fn java_written_stores_match_java_manifests() {
    let root = fixtures_root();
    if !root.join("README.md").exists() {
        eprintln!("no Java store fixtures at {}; skipped", root.display());
        return;
    }
    let mut checked = 0;
    for version in ["v4.9.8", "v5.3.3"] {
        for case in ["clean", "crashed"] {
            let src = root.join(version).join(case);
            let manifest = root.join(version).join(format!("{case}.manifest.json"));
            if !src.is_dir() || !manifest.exists() {
                continue;
            }
            let m: Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
            check_case(&format!("{version}/{case}"), &src, &m);
            checked += 1;
        }
    }
    assert!(checked > 0, "fixtures present but no case found under {}", root.display());
}

fn check_case(name: &str, src: &Path, m: &Value) {
    let copy = tempfile::tempdir().unwrap();
    copy_dir(src, copy.path());
    let sc = &m["storeConfig"];
    let config = MessageStoreConfig {
        store_path_root_dir: copy.path().to_path_buf(),
        mapped_file_size_commit_log: i(&sc["mappedFileSizeCommitLog"]) as usize,
        mapped_file_size_consume_queue: i(&sc["mappedFileSizeConsumeQueue"]) as usize,
        max_hash_slot_num: i(&sc["maxHashSlotNum"]) as usize,
        max_index_num: i(&sc["maxIndexNum"]) as usize,
        ..Default::default()
    };
    let mut before = BTreeSet::new();
    list_files(copy.path(), copy.path(), &mut before);
    let store = MessageStore::open(config).unwrap_or_else(|e| panic!("{name}: open failed: {e}"));
    assert_eq!(store.recovery_outcome().abnormal, m["before"]["abort"].as_bool().unwrap(), "{name}: recovery kind");
    assert_eq!(store.min_phy_offset(), i(&m["minPhyOffset"]), "{name}: minPhyOffset");
    assert_eq!(store.max_phy_offset(), i(&m["maxPhyOffset"]), "{name}: maxPhyOffset");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while store.dispatch_behind_bytes() > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }

    // files recovery deleted (index files Java recreates have new names: compare only the deletions)
    let mut after = BTreeSet::new();
    list_files(copy.path(), copy.path(), &mut after);
    let deleted: BTreeSet<String> = before.difference(&after).cloned().collect();
    let expected: BTreeSet<String> =
        m["recovery"]["deletedFiles"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(deleted, expected, "{name}: files deleted by recovery");

    check_commit_log(name, &store, m);
    check_messages(name, &store, m);
    check_queues(name, &store, m);
    check_queries(name, &store, m);
    store.shutdown().unwrap();
    assert!(!copy.path().join("abort").exists());
    eprintln!(
        "{name}: {} records, {} queues, {} queries match Java",
        m["messages"].as_array().map_or(0, Vec::len),
        m["queues"].as_array().map_or(0, Vec::len),
        m["queries"].as_array().map_or(0, Vec::len)
    );
}

fn check_commit_log(name: &str, store: &MessageStore, m: &Value) {
    let file_size = i(&m["storeConfig"]["mappedFileSizeCommitLog"]);
    let table = DelayLevelTable::default();
    let opts = ScanOptions { check_crc: true, force_verify_prop_crc: false, delay_levels: &table };
    let (mut off, max) = (store.min_phy_offset(), store.max_phy_offset());
    let (mut records, mut blanks) = (0, Vec::new());
    while off < max {
        let data = store.get_commit_log_data(off).unwrap();
        match check_message_and_return_size(&data, &opts) {
            Scan::Message(r) => {
                records += 1;
                off += i64::from(r.msg_size);
            }
            Scan::Blank => {
                blanks.push(serde_json::json!([off, file_size - off % file_size]));
                off = off - off % file_size + file_size;
            }
            Scan::Invalid { size } => panic!("{name}: invalid record at {off} ({size})"),
        }
    }
    assert_eq!(records, i(&m["commitLog"]["records"]), "{name}: records");
    assert_eq!(Value::from(blanks), m["commitLog"]["blankRecords"], "{name}: blank records");
}

fn check_messages(name: &str, store: &MessageStore, m: &Value) {
    let table = DelayLevelTable::default();
    let opts = ScanOptions { check_crc: true, force_verify_prop_crc: false, delay_levels: &table };
    for x in m["messages"].as_array().unwrap() {
        let phy = i(&x["phyOffset"]);
        let at = format!("{name}: record at {phy}");
        let rec = store.select_one_message_by_offset(phy).unwrap_or_else(|| panic!("{at}: not readable"));
        assert_eq!(rec.len() as i64, i(&x["size"]), "{at}: size");
        assert_eq!(format!("{:08x}", u32::from_be_bytes(rec[4..8].try_into().unwrap())), x["magic"], "{at}");
        let Scan::Message(d) = check_message_and_return_size(&rec, &opts) else { panic!("{at}: scanner refused") };
        let e = decode_message(&rec).unwrap();
        assert_eq!(e.topic, x["topic"].as_str().unwrap(), "{at}: topic");
        assert_eq!(i64::from(e.queue_id), i(&x["queueId"]), "{at}: queueId");
        assert_eq!(e.queue_offset, i(&x["queueOffset"]), "{at}: queueOffset");
        assert_eq!(d.tags_code, i(&x["tagsCode"]), "{at}: tagsCode");
        assert_eq!(i64::from(e.sys_flag), i(&x["sysFlag"]), "{at}: sysFlag");
        assert_eq!(i64::from(e.flag), i(&x["flag"]), "{at}: flag");
        assert_eq!(e.born_timestamp, i(&x["bornTimestamp"]), "{at}: bornTimestamp");
        assert_eq!(e.born_host, host(x["bornHost"].as_str().unwrap()), "{at}: bornHost");
        assert_eq!(e.store_timestamp, i(&x["storeTimestamp"]), "{at}: storeTimestamp");
        assert_eq!(e.store_host, host(x["storeHost"].as_str().unwrap()), "{at}: storeHost");
        assert_eq!(e.msg_id(), x["msgId"].as_str().unwrap(), "{at}: msgId");
        assert_eq!(d.uniq_key.as_deref(), x["uniqKey"].as_str(), "{at}: uniqKey");
        assert_eq!(e.property("KEYS"), x["keys"].as_str(), "{at}: keys");
        assert_eq!(e.property("TAGS"), x["tags"].as_str(), "{at}: tags");
        let mut keys: Vec<String> = Vec::new();
        for k in d.uniq_key.iter().map(|u| u.to_string()).chain(
            d.keys.iter().flat_map(|k| k.split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect::<Vec<_>>()),
        ) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        assert_eq!(Value::from(keys), x["indexKeys"], "{at}: indexKeys");
        assert_eq!(i64::from(e.reconsume_times), i(&x["reconsumeTimes"]), "{at}: reconsumeTimes");
        assert_eq!(e.prepared_transaction_offset, i(&x["preparedTransactionOffset"]), "{at}");
        assert_eq!(i64::from(e.body_crc), i(&x["bodyCRC"]), "{at}: bodyCRC");
        assert_eq!(e.body.len() as i64, i(&x["bodyLength"]), "{at}: bodyLength");
        if let Some(text) = x["body"].as_str() {
            assert_eq!(std::str::from_utf8(&e.body).unwrap(), text, "{at}: body");
        }
        if let Some(b64) = x["bodyBase64"].as_str() {
            assert_eq!(base64(&e.body), b64, "{at}: body (base64)");
        }
        assert_eq!(e.properties, x["propertiesRaw"].as_str().unwrap(), "{at}: properties");
        let in_cq = store
            .consume_queues()
            .find(&e.topic, e.queue_id)
            .and_then(|cq| cq.entry(e.queue_offset))
            .is_some_and(|en| en.phy_offset == phy && i64::from(en.size) == rec.len() as i64);
        assert_eq!(in_cq, x["inConsumeQueue"].as_bool().unwrap(), "{at}: inConsumeQueue");
    }
}

fn check_queues(name: &str, store: &MessageStore, m: &Value) {
    let listed: BTreeSet<(String, i32)> = m["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["topic"].as_str().unwrap().to_string(), i(&q["queueId"]) as i32))
        .collect();
    for cq in store.consume_queues().all() {
        if cq.max_offset_in_queue() > 0 {
            assert!(listed.contains(&(cq.topic().to_string(), cq.queue_id())), "{name}: extra queue {}", cq.topic());
        }
    }
    for q in m["queues"].as_array().unwrap() {
        let (topic, qid) = (q["topic"].as_str().unwrap(), i(&q["queueId"]) as i32);
        let at = format!("{name}: queue {topic}/{qid}");
        let (min, max) = (i(&q["minOffset"]), i(&q["maxOffset"]));
        assert_eq!(store.min_offset_in_queue(topic, qid).max(0), min, "{at}: minOffset");
        assert_eq!(store.max_offset_in_queue(topic, qid), max, "{at}: maxOffset");
        let cq = store.consume_queues().find(topic, qid);
        for e in q["entries"].as_array().unwrap() {
            let e = e.as_array().unwrap();
            let got = cq.as_ref().and_then(|cq| cq.entry(i(&e[0])));
            match got {
                Some(u) => assert_eq!(
                    [u.phy_offset, i64::from(u.size), u.tags_code],
                    [i(&e[1]), i(&e[2]), i(&e[3])],
                    "{at}: entry {}",
                    e[0]
                ),
                None => assert_eq!(e.len(), 1, "{at}: entry {} missing", e[0]),
            }
        }
        // the pull path, as the dump walks it
        let (mut pulled, mut statuses) = (Vec::new(), Vec::<String>::new());
        let mut off = min;
        for _ in 0..10_000 {
            if off >= max {
                break;
            }
            let r = store.get_message("PULL_GROUP", topic, qid, off, 32, None).unwrap();
            let s = r.status.java_name().to_string();
            if !statuses.contains(&s) {
                statuses.push(s);
            }
            for msg in &r.messages {
                let d = decode_message(msg).unwrap();
                pulled.push(serde_json::json!([d.queue_offset, d.commit_log_offset]));
            }
            if r.next_begin_offset <= off {
                break;
            }
            off = r.next_begin_offset;
        }
        assert_eq!(Value::from(statuses), q["pullStatuses"], "{at}: pull statuses");
        assert_eq!(Value::from(pulled), q["pulled"], "{at}: pulled");
    }
}

fn check_queries(name: &str, store: &MessageStore, m: &Value) {
    for q in m["queries"].as_array().unwrap() {
        let (topic, key) = (q["topic"].as_str().unwrap(), q["key"].as_str().unwrap());
        let r = store.query_message(topic, key, 64, 0, i64::MAX);
        let got: Vec<i64> = r.messages.iter().map(|b| decode_message(b).unwrap().commit_log_offset).collect();
        let want: Vec<i64> = q["phyOffsets"].as_array().unwrap().iter().map(i).collect();
        assert_eq!(got, want, "{name}: query {topic}#{key}");
    }
}

/// The verifier script of `java-fixtures/` (needs its Maven modules built: `target/classpath.txt`).
fn java_verifier() -> Option<PathBuf> {
    let script = std::env::var_os("THRUSTER_STORE_VERIFY")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("java-fixtures").join("store-verify"));
    let base = script.parent()?;
    let built = ["store-v4", "store-v5"].iter().all(|m| base.join(m).join("target").join("classpath.txt").exists());
    (script.exists() && built).then_some(script)
}

fn rust_config(root: &Path) -> MessageStoreConfig {
    MessageStoreConfig {
        store_path_root_dir: root.to_path_buf(),
        mapped_file_size_commit_log: 65536,
        mapped_file_size_consume_queue: 1280,
        max_hash_slot_num: 128,
        max_index_num: 128,
        ..Default::default()
    }
}

/// A scenario close to the Java one: roll-overs, several queues, tags (also non-ASCII and MULTI_TAG style),
/// keys with odd spacing, both properties forms, a batch, IPv6 hosts, a compressed flag, delays, a prepared and
/// a commit record, enough keys to fill an index file.
fn write_rust_scenario(store: &MessageStore) -> i64 {
    use bytes::Bytes;
    use thruster::store::message::{encode_batch_body, sys_flag, MessageExtBatch, MessageExtBrokerInner};
    let base = |topic: &str, queue_id: i32, body: Vec<u8>, props: String| MessageExtBrokerInner {
        topic: topic.into(),
        queue_id,
        body: Bytes::from(body),
        properties: props,
        born_timestamp: 1_700_000_000_000,
        born_host: "127.0.0.1:50000".parse().unwrap(),
        store_host: "127.0.0.1:10911".parse().unwrap(),
        ..Default::default()
    };
    let mut last_half = 0;
    for n in 0..60i32 {
        let tags = ["TagA", "TagB", "TagC", "标签"][(n % 4) as usize];
        let mut props =
            format!("KEYS\u{1}KEY-{n:03} ORDER-{}\u{2}UNIQ_KEY\u{1}7F0000010C7B18B4AAC20000{n:08X}\u{2}", n % 5);
        if n % 6 != 0 {
            props.push_str(&format!("TAGS\u{1}{tags}\u{2}"));
        }
        props.push_str(&format!("seq\u{1}{n}"));
        if n % 2 == 0 {
            props.push('\u{2}');
        }
        let body = if n % 3 == 0 { vec![b'x'; 8000] } else { format!("hello {n} ✓").into_bytes() };
        let mut m = base("TopicTest", n % 4, body, props);
        m.flag = n % 3;
        if n == 7 {
            m.properties = "KEYS\u{1}KEY-007  ORDER-2 \u{2}TAGS\u{1}TagA||TagB\u{2}".into();
            m.sys_flag = sys_flag::MULTI_TAGS;
        }
        if n == 11 {
            m.sys_flag = 0x301;
        }
        if n == 13 {
            m.born_host = "[2001:db8::1]:50010".parse().unwrap();
        }
        if n == 14 {
            m.born_host = "[2001:db8::1]:50011".parse().unwrap();
            m.store_host = "[2001:db8::10]:10911".parse().unwrap();
        }
        if n == 20 || n == 21 {
            m.properties.push_str("\u{2}DELAY\u{1}3\u{2}");
        }
        if n == 30 {
            m.topic = "RMQ_SYS_TRANS_HALF_TOPIC".into();
            m.queue_id = 0;
            m.sys_flag = sys_flag::TRANSACTION_PREPARED_TYPE;
        }
        let r = store.put_message_sync(m);
        assert!(r.is_ok(), "{n}: {:?}", r.status);
        if n == 30 {
            last_half = r.append.unwrap().wrote_offset;
        }
    }
    let mut commit = base("TopicTrans", 0, b"committed".to_vec(), "KEYS\u{1}TX-1\u{2}".into());
    commit.sys_flag = sys_flag::TRANSACTION_COMMIT_TYPE;
    commit.prepared_transaction_offset = last_half;
    assert!(store.put_message_sync(commit).is_ok());
    let body = encode_batch_body((0..5).map(|k| (k, &b"batch-body"[..], "KEYS\u{1}BATCH-KEY\u{2}")));
    let batch = MessageExtBatch {
        topic: "TopicBatch".into(),
        queue_id: 1,
        body: Bytes::from(body),
        properties: "CLUSTER\u{1}DefaultCluster\u{2}".into(),
        sys_flag: 0,
        born_timestamp: 1_700_000_000_001,
        born_host: "127.0.0.1:50001".parse().unwrap(),
        store_host: "127.0.0.1:10911".parse().unwrap(),
        reconsume_times: 0,
    };
    assert!(store.put_messages(&batch).wait().is_ok());
    store.max_phy_offset()
}

fn java_dump(script: &Path, version: &str, dir: &Path) -> Value {
    let out = std::process::Command::new(script)
        .arg(version)
        .arg(dir)
        .args(["65536", "1280", "128", "128"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "Java {version} could not open the Rust store: {}",
        String::from_utf8_lossy(&out.stderr).lines().rev().take(30).collect::<Vec<_>>().join("\n")
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Rust -> Java: a store written (clean shutdown, and a torn crash snapshot) by the Rust store is opened by the
/// real Java 4.9.8 and 5.3.3 stores; what Java reports must equal what the Rust store reports on the same files.
#[test]
fn rust_written_stores_open_in_java() {
    let Some(script) = java_verifier() else {
        assert!(
            std::env::var_os("THRUSTER_REQUIRE_JAVA").is_none(),
            "THRUSTER_REQUIRE_JAVA is set but java-fixtures/store-verify is not built (mvn -f java-fixtures/pom.xml package)"
        );
        eprintln!("java-fixtures/store-verify not built; skipped (set THRUSTER_STORE_VERIFY)");
        return;
    };
    // clean
    let clean = tempfile::tempdir().unwrap();
    let end = {
        let store = MessageStore::open(rust_config(clean.path())).unwrap();
        let end = write_rust_scenario(&store);
        store.shutdown().unwrap();
        end
    };
    assert!(std::fs::read_dir(clean.path().join("index")).unwrap().count() >= 2, "index rolled over");
    // crashed: snapshot of a running store, last record torn
    let running = tempfile::tempdir().unwrap();
    let crashed = tempfile::tempdir().unwrap();
    let torn_at = {
        let store = MessageStore::open(rust_config(running.path())).unwrap();
        write_rust_scenario(&store);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while store.dispatch_behind_bytes() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let last = store.put_message_sync(thruster::store::message::MessageExtBrokerInner {
            topic: "TopicTest".into(),
            queue_id: 1,
            body: bytes::Bytes::from(vec![b'L'; 200]),
            properties: "KEYS\u{1}CRASH-LAST\u{2}".into(),
            born_host: "127.0.0.1:1".parse().unwrap(),
            store_host: "127.0.0.1:10911".parse().unwrap(),
            ..Default::default()
        });
        let a = last.append.unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        copy_dir(running.path(), crashed.path());
        store.shutdown().unwrap();
        // tear the second half of the last record
        use std::os::unix::fs::FileExt;
        let file_start = a.wrote_offset - a.wrote_offset % 65536;
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(crashed.path().join("commitlog").join(format!("{file_start:020}")))
            .unwrap();
        let half = i64::from(a.wrote_bytes) / 2;
        f.write_all_at(&vec![0u8; half as usize], (a.wrote_offset + half - file_start) as u64).unwrap();
        a.wrote_offset
    };
    assert!(crashed.path().join("abort").exists());

    for version in ["4.9.8", "5.3.3"] {
        let m = java_dump(&script, version, clean.path());
        assert_eq!(i(&m["maxPhyOffset"]), end, "Java {version} sees the whole Rust commit log");
        assert_eq!(m["commitLog"]["scanStop"], "reached maxPhyOffset");
        check_case(&format!("rust clean -> java {version}"), clean.path(), &m);

        let m = java_dump(&script, version, crashed.path());
        assert_eq!(i(&m["maxPhyOffset"]), torn_at, "Java {version} cuts the torn record");
        check_case(&format!("rust crashed -> java {version}"), crashed.path(), &m);
    }
}
