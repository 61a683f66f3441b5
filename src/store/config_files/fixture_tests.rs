//! Tests against files written by the real Java broker classes (`fixtures/config/`, see its README).

use std::fs;
use std::path::{Path, PathBuf};

use super::consumer_offset::{ConsumerOffsetManager, ConsumerOffsetSettings};
use super::delay_offset::DelayOffsetManager;
use super::subscription_group::{GroupRetryPolicyType, SubscriptionGroupManager, SubscriptionGroupSettings};
use super::topics::{system_topics, TopicConfigManager, TopicFilterType, TopicSettings};
use super::*;
use crate::protocol::data_version::DataVersion;
use crate::store::config_file::{sibling, LoadSource};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/config");
const V4: &str = "v4.9.8";
const V5: &str = "v5.3.3";

fn fixture(version: &str, dir: &str, name: &str) -> Vec<u8> {
    let path = Path::new(FIXTURES).join(version).join(dir).join("config").join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn flavor(version: &str) -> Flavor {
    if version == V4 {
        Flavor::V4_9_8
    } else {
        Flavor::V5_3_3
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Decoding then encoding gives Java's bytes back, for every Java-written file.
#[test]
fn every_java_file_round_trips_byte_for_byte() {
    let cases: &[(&str, &str, &[&str])] = &[
        (V4, "broker-a", &[TOPICS_JSON, CONSUMER_OFFSET_JSON, SUBSCRIPTION_GROUP_JSON, DELAY_OFFSET_JSON]),
        (V4, "empty", &[CONSUMER_OFFSET_JSON, DELAY_OFFSET_JSON]),
        (V5, "broker-a", &[TOPICS_JSON, CONSUMER_OFFSET_JSON, SUBSCRIPTION_GROUP_JSON, DELAY_OFFSET_JSON]),
        (V5, "empty", &[TOPICS_JSON, CONSUMER_OFFSET_JSON, SUBSCRIPTION_GROUP_JSON, DELAY_OFFSET_JSON]),
        (V4, "broker-a-reloaded", &[TOPICS_JSON, CONSUMER_OFFSET_JSON, SUBSCRIPTION_GROUP_JSON]),
        (V5, "broker-a-reloaded", &[TOPICS_JSON, CONSUMER_OFFSET_JSON, SUBSCRIPTION_GROUP_JSON]),
        (V5, "nulls-reloaded", &[TOPICS_JSON, SUBSCRIPTION_GROUP_JSON]),
    ];
    for (version, dir, names) in cases {
        for name in *names {
            let java = fixture(version, dir, name);
            let f = flavor(version);
            let ours = reencode(name, &java, f);
            assert_eq!(text(&ours), text(&java), "{version}/{dir}/{name}");
        }
    }
}

fn reencode(name: &str, bytes: &[u8], f: Flavor) -> Vec<u8> {
    match name {
        TOPICS_JSON => TopicConfigSerializeWrapper::decode(bytes, f).unwrap().unwrap().encode(f),
        CONSUMER_OFFSET_JSON => ConsumerOffsetFile::decode(bytes, f).unwrap().unwrap().encode(f),
        SUBSCRIPTION_GROUP_JSON => SubscriptionGroupFile::decode(bytes, f).unwrap().unwrap().encode(f),
        DELAY_OFFSET_JSON => DelayOffsetFile::decode(bytes, f).unwrap().unwrap().encode(f),
        other => panic!("unknown {other}"),
    }
}

fn copy_store(version: &str, dir: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(FIXTURES).join(version).join(dir).join("config");
    let dst = tmp.path().join("config");
    fs::create_dir_all(&dst).unwrap();
    for e in fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), dst.join(e.file_name())).unwrap();
    }
    tmp
}

fn broker_a() -> TopicSettings {
    TopicSettings { broker_name: "broker-a".into(), ..TopicSettings::default() }
}

/// The managers open a Java store and persist exactly what a Java broker persists after loading the same
/// store (`broker-a-reloaded`: Java's load re-hashes the offset table into a fresh map, and 4.9.8 restarts the
/// subscription group version); the old content goes to `.bak`.
#[test]
fn managers_open_a_java_store_and_persist_identical_bytes() {
    for version in [V4, V5] {
        let f = flavor(version);
        let store = copy_store(version, "broker-a");
        let root = store.path();

        let topics = TopicConfigManager::new(root, f, broker_a());
        assert_eq!(topics.load().unwrap(), LoadSource::Main);
        let offsets = ConsumerOffsetManager::new(root, f, ConsumerOffsetSettings::default());
        assert_eq!(offsets.load().unwrap(), LoadSource::Main);
        let groups = SubscriptionGroupManager::new(root, f, SubscriptionGroupSettings::default());
        assert_eq!(groups.load().unwrap(), LoadSource::Main);
        let delay = DelayOffsetManager::new(root, f, 200);
        assert_eq!(delay.load().unwrap(), LoadSource::Main);

        if f == Flavor::V4_9_8 {
            let v = groups.data_version();
            assert_eq!(v.counter, 0, "4.9.8 cannot read the subscription group version");
            groups.set_data_version(DataVersion { timestamp: 1_700_000_000_000, ..v });
        }

        topics.persist().unwrap();
        offsets.persist().unwrap();
        groups.persist().unwrap();
        delay.persist().unwrap();
        for name in [TOPICS_JSON, CONSUMER_OFFSET_JSON, SUBSCRIPTION_GROUP_JSON, DELAY_OFFSET_JSON] {
            let path = config_path(root, name);
            let expected_dir = if name == DELAY_OFFSET_JSON { "broker-a" } else { "broker-a-reloaded" };
            let java = fixture(version, expected_dir, name);
            assert_eq!(text(&fs::read(&path).unwrap()), text(&java), "{version} {name}");
            let before = fixture(version, "broker-a", name);
            assert_eq!(fs::read(sibling(&path, ".bak")).unwrap(), before, "{version} {name}.bak");
        }
    }
}

/// Properties that were `null` in Java's memory are absent from the file; reading restores Java's defaults,
/// so the next write is what a Java broker writes after loading the file.
#[test]
fn null_properties_come_back_as_java_defaults() {
    let store = copy_store(V5, "nulls");
    let f = Flavor::V5_3_3;
    let topics = TopicConfigManager::new(store.path(), f, broker_a());
    topics.load().unwrap();
    for t in system_topics(f, &broker_a()) {
        topics.delete_topic_config(&t.topic_name);
    }
    topics.set_data_version(DataVersion { counter: 0, state_version: Some(0), timestamp: 1_700_000_000_000 });
    let t = topics.select_topic_config("NullAttrTopic").unwrap();
    assert_eq!(t.attributes, Some(Default::default()));
    let groups = SubscriptionGroupManager::new(store.path(), f, SubscriptionGroupSettings::default());
    groups.load().unwrap();
    for g in super::subscription_group::system_groups(f) {
        groups.delete_subscription_group_config(&g.group_name);
    }
    groups.set_data_version(DataVersion { counter: 0, state_version: Some(0), timestamp: 1_700_000_000_000 });
    assert_eq!(text(&topics.encode()), text(&fixture(V5, "nulls-reloaded", TOPICS_JSON)));
    assert_eq!(text(&groups.encode()), text(&fixture(V5, "nulls-reloaded", SUBSCRIPTION_GROUP_JSON)));
    // The pure codec keeps what the file says.
    let raw = SubscriptionGroupFile::decode(&fixture(V5, "nulls", SUBSCRIPTION_GROUP_JSON), f).unwrap().unwrap();
    let ge = &raw.subscription_group_table["GroupE"];
    assert!(ge.group_retry_policy.is_some() && ge.attributes.is_some());
    let gf = raw.subscription_group_table["GroupF"].group_retry_policy.as_ref().unwrap();
    assert_eq!(gf.policy_type, Some(GroupRetryPolicyType::Customized));
}

#[test]
fn java_content_is_read_correctly() {
    // topics.json
    let f5 = Flavor::V5_3_3;
    let t = TopicConfigSerializeWrapper::decode(&fixture(V5, "broker-a", TOPICS_JSON), f5).unwrap().unwrap();
    assert_eq!(t.data_version, DataVersion { counter: 6, state_version: Some(0), timestamp: 1_700_000_000_000 });
    let order = &t.topic_config_table["OrderTopic"];
    assert!(order.order);
    assert_eq!(order.topic_filter_type, TopicFilterType::MultiTag);
    assert_eq!((order.read_queue_nums, order.write_queue_nums, order.perm, order.topic_sys_flag), (8, 8, 6, 3));
    assert_eq!(order.attributes().get("message.type").map(String::as_str), Some("FIFO"));
    let weird = "W\"q\\b/s\t\u{4e2d}\u{7f}\u{85}\u{2028}\u{1f600}\u{1}";
    assert_eq!(t.topic_config_table[weird].topic_name, weird);
    assert!(!t.topic_config_table.contains_key("ToBeDeleted"));
    assert_eq!(t.topic_config_table["TBW102"].perm, 7);

    // consumerOffset.json
    let o =
        ConsumerOffsetFile::decode(&fixture(V4, "broker-a", CONSUMER_OFFSET_JSON), Flavor::V4_9_8).unwrap().unwrap();
    let b = &o.offset_table["TopicTest@GroupB"];
    assert_eq!(b[&0], 5_000_000_000);
    assert_eq!(b[&1], 9_007_199_254_740_993);
    assert_eq!(b[&3], -1);
    assert_eq!(o.offset_table["OrderTopic@GroupC"][&7], i64::MAX);
    assert_eq!(o.offset_table["OrderTopic@GroupC"][&1], i64::MIN);
    assert_eq!(o.offset_table["BigTopic@GroupC"].len(), 20);
    assert!(o.data_version.is_none());
    let o5 = ConsumerOffsetFile::decode(&fixture(V5, "broker-a", CONSUMER_OFFSET_JSON), f5).unwrap().unwrap();
    assert_eq!(o5.data_version.map(|v| v.counter), Some(12));
    assert!(o5.offset_table.contains_key("TopicTest@Bad@Group"));

    // subscriptionGroup.json
    let s = SubscriptionGroupFile::decode(&fixture(V5, "broker-a", SUBSCRIPTION_GROUP_JSON), f5).unwrap().unwrap();
    let gb = &s.subscription_group_table["GroupB"];
    assert!(!gb.consume_broadcast_enable && !gb.consume_from_min_enable && gb.consume_message_orderly);
    assert_eq!((gb.retry_queue_nums, gb.retry_max_times, gb.broker_id), (2, 3, 1));
    assert_eq!((gb.which_broker_when_consume_slowly, gb.group_sys_flag, gb.consume_timeout_minute), (2, 1, 30));
    let policy = gb.group_retry_policy.as_ref().unwrap();
    assert_eq!(policy.policy_type, Some(GroupRetryPolicyType::Exponential));
    let exp = policy.exponential_retry_policy.as_ref().unwrap();
    assert_eq!((exp.initial, exp.max, exp.multiplier), (1000, 60000, 3));
    let subs = gb.subscription_data_set.as_ref().unwrap();
    assert_eq!(subs.len(), 2);
    assert_eq!(subs[1].expression.as_deref(), Some("a > 5"));
    assert_eq!(subs[1].version, 18);
    let gd = &s.subscription_group_table["GroupD"];
    let next = gd.group_retry_policy.as_ref().unwrap().customized_retry_policy.as_ref().unwrap();
    assert_eq!(next.next.as_deref(), Some(&[1000, 2000, 3000][..]));
    assert_eq!(gd.subscription_data_set.as_deref(), Some(&[][..]));
    assert!(!s.subscription_group_table["GroupC"].consume_enable);
    assert_eq!(s.forbidden_table["GroupA"]["TopicTest"], 2);
    assert_eq!(s.forbidden_table["GroupB"]["TopicTest"], 8);

    // delayOffset.json
    let d = DelayOffsetFile::decode(&fixture(V5, "broker-a", DELAY_OFFSET_JSON), f5).unwrap().unwrap();
    assert_eq!(d.offset_table, [(1, 17), (2, 5), (3, 0), (16, 2), (18, 123_456_789_012)].into());
    assert_eq!(d.data_version.map(|v| v.counter), Some(40));
}

/// fastjson wrote `{"$ref":"$.topicConfigTable.RefA.attributes"}` for a shared attributes map.
#[test]
fn shared_references_are_resolved() {
    let t =
        TopicConfigSerializeWrapper::decode(&fixture(V5, "shared-ref", TOPICS_JSON), Flavor::V5_3_3).unwrap().unwrap();
    assert_eq!(t.topic_config_table["RefB"].attributes(), t.topic_config_table["RefA"].attributes());
    assert_eq!(t.topic_config_table["RefB"].attributes().len(), 1);
}

/// The same content built from scratch in Thruster gives Java's bytes (maps whose order is not a hash
/// accident: integer keys, one-entry tables, empty tables).
#[test]
fn content_built_in_thruster_matches_java() {
    let ts = DataVersion { counter: 0, state_version: Some(0), timestamp: 1_700_000_000_000 };
    for version in [V4, V5] {
        let f = flavor(version);
        let dir = tempfile::tempdir().unwrap();
        let delay = DelayOffsetManager::new(dir.path(), f, 200);
        for (level, offset) in [(16, 2), (1, 17), (3, 0), (2, 5), (18, 123_456_789_012)] {
            delay.update_offset(level, offset);
        }
        delay.set_data_version(DataVersion { counter: 40, ..ts });
        assert_eq!(text(&delay.encode()), text(&fixture(version, "broker-a", DELAY_OFFSET_JSON)), "{version}");

        let empty_offsets = ConsumerOffsetManager::new(dir.path(), f, ConsumerOffsetSettings::default());
        empty_offsets.set_data_version(ts);
        assert_eq!(text(&empty_offsets.encode()), text(&fixture(version, "empty", CONSUMER_OFFSET_JSON)));
        let empty_delay = DelayOffsetManager::new(dir.path(), f, 200);
        empty_delay.set_data_version(ts);
        assert_eq!(text(&empty_delay.encode()), text(&fixture(version, "empty", DELAY_OFFSET_JSON)));
    }
    let f5 = Flavor::V5_3_3;
    let mut topics = TopicConfigSerializeWrapper::new(f5);
    topics.data_version = ts;
    assert_eq!(text(&topics.encode(f5)), text(&fixture(V5, "empty", TOPICS_JSON)));
    let mut groups = SubscriptionGroupFile::new(f5);
    groups.data_version = ts;
    assert_eq!(text(&groups.encode(f5)), text(&fixture(V5, "empty", SUBSCRIPTION_GROUP_JSON)));

    // consumerOffset.json: commits in the order Java's table iterated; inner maps sort themselves, and the
    // derived groupTopicMap follows Java's HashMap order.
    let java = fixture(V5, "broker-a", CONSUMER_OFFSET_JSON);
    let parsed = ConsumerOffsetFile::decode(&java, f5).unwrap().unwrap();
    let m = ConsumerOffsetManager::new(&dir_path(), f5, ConsumerOffsetSettings::default());
    for (key, queues) in &parsed.offset_table {
        let (topic, group) = key.split_once('@').unwrap();
        for (q, o) in queues.iter().rev() {
            m.commit_offset("h", group, topic, *q, *o);
        }
    }
    m.set_data_version(DataVersion { counter: 12, ..ts });
    assert_eq!(text(&m.encode()), text(&java));
}

fn dir_path() -> PathBuf {
    std::env::temp_dir().join("thruster-unused")
}

/// 5.3.3 files pass through a 4.9.8-flavoured Thruster without losing anything; 4.9.8 files opened as
/// 5.3.3 gain 5.3.3's defaults.
#[test]
fn files_cross_versions_without_loss() {
    for name in [TOPICS_JSON, CONSUMER_OFFSET_JSON, SUBSCRIPTION_GROUP_JSON, DELAY_OFFSET_JSON] {
        let java5 = fixture(V5, "broker-a", name);
        let through_v4 = reencode(name, &java5, Flavor::V4_9_8);
        let back = reencode(name, &through_v4, Flavor::V5_3_3);
        assert_eq!(text(&back), text(&java5), "{name}");
    }
    let up = reencode(TOPICS_JSON, &fixture(V4, "broker-a", TOPICS_JSON), Flavor::V5_3_3);
    let up = TopicConfigSerializeWrapper::decode(&up, Flavor::V5_3_3).unwrap().unwrap();
    assert_eq!(up.data_version.state_version, Some(0));
    assert!(up.topic_config_table.values().all(|t| t.attributes.as_ref().is_some_and(|a| a.is_empty())));
    let up = reencode(SUBSCRIPTION_GROUP_JSON, &fixture(V4, "broker-a", SUBSCRIPTION_GROUP_JSON), Flavor::V5_3_3);
    assert!(text(&up).contains("\"groupRetryPolicy\":{\n\t\t\t\t\"type\":\"CUSTOMIZED\"\n\t\t\t}"));
}

/// A torn main file: the managers fall back to the Java-written `.bak`.
#[test]
fn managers_fall_back_to_java_bak() {
    let store = copy_store(V5, "broker-a");
    let root = store.path();
    fs::write(config_path(root, TOPICS_JSON), b"{\"dataVersion\":{\"coun").unwrap();
    fs::write(config_path(root, CONSUMER_OFFSET_JSON), b"").unwrap();
    fs::remove_file(config_path(root, SUBSCRIPTION_GROUP_JSON)).unwrap();
    let topics = TopicConfigManager::new(root, Flavor::V5_3_3, broker_a());
    assert_eq!(topics.load().unwrap(), LoadSource::Backup);
    assert_eq!(text(&topics.encode()), text(&fixture(V5, "broker-a-reloaded", TOPICS_JSON)));
    let offsets = ConsumerOffsetManager::new(root, Flavor::V5_3_3, ConsumerOffsetSettings::default());
    assert_eq!(offsets.load().unwrap(), LoadSource::Backup);
    assert_eq!(offsets.query_offset("GroupA", "TopicTest", 2), 251);
    let groups = SubscriptionGroupManager::new(root, Flavor::V5_3_3, SubscriptionGroupSettings::default());
    assert_eq!(groups.load().unwrap(), LoadSource::Backup);
    assert!(groups.get("GroupB").is_some());
}

/// Unknown properties at every level survive a load/persist cycle, sorted in among the known ones.
#[test]
fn unknown_properties_survive() {
    let doc = r#"{"dataVersion":{"counter":1,"epoch":7,"timestamp":2},"newTopLevel":[1,2],
        "topicConfigTable":{"T":{"aNew":{"x":"y"},"perm":6,"topicName":"T","zNew":null,"zzNew":true}}}"#;
    let f = Flavor::V4_9_8;
    let t = TopicConfigSerializeWrapper::decode(doc.as_bytes(), f).unwrap().unwrap();
    let out = text(&t.encode(f));
    assert_eq!(
        out,
        "{\n\t\"dataVersion\":{\n\t\t\"counter\":1,\n\t\t\"epoch\":7,\n\t\t\"timestamp\":2\n\t},\n\t\"newTopLevel\":[1,2],\n\t\"topicConfigTable\":{\n\t\t\"T\":{\n\t\t\t\"aNew\":{\n\t\t\t\t\"x\":\"y\"\n\t\t\t},\n\t\t\t\"order\":false,\n\t\t\t\"perm\":6,\n\t\t\t\"readQueueNums\":16,\n\t\t\t\"topicFilterType\":\"SINGLE_TAG\",\n\t\t\t\"topicName\":\"T\",\n\t\t\t\"topicSysFlag\":0,\n\t\t\t\"writeQueueNums\":16,\n\t\t\t\"zzNew\":true\n\t\t}\n\t}\n}"
    );
}

/// Store directories written by the Java store (`fixtures/store/<version>/<case>/config/`, from the store
/// branch), when present: every config file and `.bak` decodes and re-encodes to the same bytes, and the
/// managers open each directory from the main files with every entry.
#[test]
fn java_store_fixtures_if_present() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/store");
    let mut found = Vec::new();
    collect_config_files(&root, &mut found);
    assert!(!root.exists() || found.len() >= 4, "fixtures/store exists but holds no config files");
    for path in &found {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let base = name.trim_end_matches(".bak");
        let f = if path.to_string_lossy().contains("4.9.8") { Flavor::V4_9_8 } else { Flavor::V5_3_3 };
        let bytes = fs::read(path).unwrap();
        assert_eq!(text(&reencode(base, &bytes, f)), text(&bytes), "{}", path.display());
    }
    let dirs: std::collections::BTreeSet<PathBuf> =
        found.iter().filter_map(|p| p.parent().and_then(Path::parent)).map(Path::to_path_buf).collect();
    for store in dirs {
        let f = if store.to_string_lossy().contains("4.9.8") { Flavor::V4_9_8 } else { Flavor::V5_3_3 };
        let copy = tempfile::tempdir().unwrap();
        fs::create_dir_all(copy.path().join("config")).unwrap();
        for e in fs::read_dir(store.join("config")).unwrap() {
            let e = e.unwrap();
            fs::copy(e.path(), copy.path().join("config").join(e.file_name())).unwrap();
        }
        let file = |name: &str| fs::read(config_path(&store, name)).ok();
        let topics = TopicConfigManager::new(copy.path(), f, broker_a());
        if let Some(bytes) = file(TOPICS_JSON) {
            assert_eq!(topics.load().unwrap(), LoadSource::Main);
            let java = TopicConfigSerializeWrapper::decode(&bytes, f).unwrap().unwrap();
            let ours = topics.topic_config_table();
            for (k, v) in &java.topic_config_table {
                assert_eq!(ours.get(k), Some(v), "{} {k}", store.display());
            }
        }
        let offsets = ConsumerOffsetManager::new(copy.path(), f, ConsumerOffsetSettings::default());
        if let Some(bytes) = file(CONSUMER_OFFSET_JSON) {
            assert_eq!(offsets.load().unwrap(), LoadSource::Main);
            let java = ConsumerOffsetFile::decode(&bytes, f).unwrap().unwrap();
            let mut ours: Vec<_> = offsets.offset_table().into_iter().collect();
            let mut theirs: Vec<_> = java.offset_table.into_iter().collect();
            ours.sort();
            theirs.sort();
            assert_eq!(ours, theirs, "{}", store.display());
        }
        let groups = SubscriptionGroupManager::new(copy.path(), f, SubscriptionGroupSettings::default());
        if let Some(bytes) = file(SUBSCRIPTION_GROUP_JSON) {
            assert_eq!(groups.load().unwrap(), LoadSource::Main);
            let java = SubscriptionGroupFile::decode(&bytes, f).unwrap().unwrap();
            for (k, v) in &java.subscription_group_table {
                assert_eq!(groups.get(k).as_ref(), Some(v), "{} {k}", store.display());
            }
        }
        let delay = DelayOffsetManager::new(copy.path(), f, 200);
        if let Some(bytes) = file(DELAY_OFFSET_JSON) {
            assert_eq!(delay.load().unwrap(), LoadSource::Main);
            let java = DelayOffsetFile::decode(&bytes, f).unwrap().unwrap();
            assert_eq!(delay.offset_table(), java.offset_table);
        }
    }
}

fn collect_config_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_config_files(&p, out);
        } else if p.parent().and_then(|d| d.file_name()).is_some_and(|d| d == "config")
            && [TOPICS_JSON, CONSUMER_OFFSET_JSON, SUBSCRIPTION_GROUP_JSON, DELAY_OFFSET_JSON]
                .iter()
                .any(|n| p.file_name().is_some_and(|f| f == *n))
        {
            out.push(p);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// The other direction: files Thruster writes, read by the Java broker.

const TS: i64 = 1_700_000_000_000;

/// Fills a store the way a running Thruster would: the managers' own operations only.
fn build_thruster_store(root: &Path, f: Flavor) {
    use super::subscription_group::{
        CustomizedRetryPolicy, ExponentialRetryPolicy, GroupRetryPolicy, SimpleSubscriptionData,
        SubscriptionGroupConfig,
    };
    let stamp = |v: DataVersion| DataVersion { timestamp: TS, ..v };
    let v5 = f.is_v5();

    let topics = TopicConfigManager::new(root, f, broker_a());
    topics.create_topic_in_send_message_method("TopicTest", "TBW102", "127.0.0.1:1", 4, 0);
    topics.create_topic_in_send_message_back_method("%RETRY%GroupA", 1, 6, false, 0);
    let mut order = TopicConfig::with_queues("OrderTopic", 8, 8, 6);
    order.order = true;
    order.topic_filter_type = TopicFilterType::MultiTag;
    if v5 {
        order.attributes = Some([("+message.type".to_owned(), "FIFO".to_owned())].into_iter().collect());
    }
    topics.update_topic_config(order).unwrap();
    let weird = "W\"q\\b/s\t\u{4e2d}\u{7f}\u{85}\u{2028}\u{1f600}\u{1}";
    topics.update_topic_config(TopicConfig::with_queues(weird, 1, 1, 2)).unwrap();
    for i in 0..40 {
        topics.create_topic_in_send_message_method(&format!("T{i}"), "TBW102", "x", 2, 0);
    }
    topics.delete_topic_config("T7");
    topics.update_topic_unit_flag("T8", true);
    topics.set_data_version(stamp(topics.data_version()));
    topics.persist().unwrap();

    let offsets = ConsumerOffsetManager::new(root, f, ConsumerOffsetSettings::default());
    for q in (0..20).rev() {
        offsets.commit_offset("h", "GroupA", "TopicTest", q, i64::from(q) * 1000 + 7);
    }
    offsets.commit_offset("h", "GroupB", "TopicTest", 0, 5_000_000_000);
    offsets.commit_offset("h", "GroupB", "TopicTest", 1, 9_007_199_254_740_993);
    offsets.commit_offset("h", "GroupB", "TopicTest", 2, -1);
    offsets.commit_offset("h", "GroupB", "TopicTest", 3, i64::MIN);
    for i in 0..30 {
        offsets.commit_offset("h", &format!("G{i}"), &format!("T{}", i % 7), 0, i);
    }
    offsets.clone_offset("GroupA", "GroupClone", "TopicTest");
    offsets.remove_offset("G3");
    if let Some(v) = offsets.data_version() {
        offsets.set_data_version(stamp(v));
    }
    offsets.persist().unwrap();

    let groups = SubscriptionGroupManager::new(root, f, SubscriptionGroupSettings::default());
    groups.find_subscription_group_config("GroupA");
    let mut b = SubscriptionGroupConfig::new("GroupB");
    b.consume_broadcast_enable = false;
    b.retry_max_times = 3;
    b.broker_id = 1;
    b.which_broker_when_consume_slowly = 2;
    b.consume_message_orderly = true;
    b.consume_timeout_minute = 30;
    b.group_retry_policy = Some(GroupRetryPolicy {
        policy_type: Some(super::subscription_group::GroupRetryPolicyType::Exponential),
        exponential_retry_policy: Some(ExponentialRetryPolicy {
            initial: 1000,
            max: 60_000,
            multiplier: 3,
            ..ExponentialRetryPolicy::default()
        }),
        customized_retry_policy: Some(CustomizedRetryPolicy::default()),
        ..GroupRetryPolicy::default()
    });
    b.subscription_data_set = Some(vec![SimpleSubscriptionData {
        topic: Some("TopicTest".into()),
        expression_type: Some("TAG".into()),
        expression: Some("TagA || TagB".into()),
        version: 17,
        ..SimpleSubscriptionData::default()
    }]);
    groups.update_subscription_group_config(b).unwrap();
    for i in 0..20 {
        groups.find_subscription_group_config(&format!("CID_{i}"));
    }
    groups.delete_subscription_group_config("CID_4");
    groups.disable_consume("CID_5");
    if v5 {
        groups.update_forbidden("GroupA", "TopicTest", 1, true);
        groups.update_forbidden("GroupA", "OrderTopic", 0, true);
    }
    groups.set_data_version(stamp(groups.data_version()));
    groups.persist().unwrap();

    let delay = DelayOffsetManager::new(root, f, 200);
    for (level, offset) in [(3, 0), (1, 17), (18, 123_456_789_012)] {
        delay.update_offset(level, offset);
    }
    if let Some(v) = delay.data_version() {
        delay.set_data_version(stamp(v));
    }
    delay.persist().unwrap();
}

fn thruster_dir(version: &str) -> PathBuf {
    Path::new(FIXTURES).join("thruster").join(version)
}

/// Regenerates `fixtures/config/thruster/` (then run `generator/gen.sh`, which has Java read it):
/// `cargo test --lib write_thruster_store -- --ignored`.
#[test]
#[ignore]
fn write_thruster_store() {
    for version in [V4, V5] {
        let dir = thruster_dir(version);
        let _ = fs::remove_dir_all(&dir);
        build_thruster_store(&dir.join("store"), flavor(version));
        for e in fs::read_dir(dir.join("store/config")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "bak") {
                fs::remove_file(p).unwrap();
            }
        }
    }
}

/// `fixtures/config/thruster/<v>/store` is what Thruster writes today, and `…/java-reloaded` is what the
/// Java broker of that version persisted after loading it (see `generator/gen.sh`): Java read every topic,
/// offset and group, and Thruster reading the same files ends up with the same bytes.
#[test]
fn java_reads_what_thruster_writes() {
    for version in [V4, V5] {
        let f = flavor(version);
        let fresh = tempfile::tempdir().unwrap();
        build_thruster_store(fresh.path(), f);
        let committed = thruster_dir(version).join("store/config");
        for name in [TOPICS_JSON, CONSUMER_OFFSET_JSON, SUBSCRIPTION_GROUP_JSON, DELAY_OFFSET_JSON] {
            assert_eq!(
                text(&fs::read(config_path(fresh.path(), name)).unwrap()),
                text(&fs::read(committed.join(name)).unwrap()),
                "{version} {name}: fixtures/config/thruster is stale; rerun write_thruster_store and gen.sh"
            );
        }

        let store = tempfile::tempdir().unwrap();
        fs::create_dir_all(store.path().join("config")).unwrap();
        for name in [TOPICS_JSON, CONSUMER_OFFSET_JSON, SUBSCRIPTION_GROUP_JSON] {
            fs::copy(committed.join(name), config_path(store.path(), name)).unwrap();
        }
        let topics = TopicConfigManager::new(store.path(), f, broker_a());
        topics.load().unwrap();
        let offsets = ConsumerOffsetManager::new(store.path(), f, ConsumerOffsetSettings::default());
        offsets.load().unwrap();
        let groups = SubscriptionGroupManager::new(store.path(), f, SubscriptionGroupSettings::default());
        groups.load().unwrap();
        if f == Flavor::V4_9_8 {
            groups.set_data_version(DataVersion { timestamp: TS, ..groups.data_version() });
        }
        let java = thruster_dir(version).join("java-reloaded/config");
        let ours = [
            (TOPICS_JSON, topics.encode()),
            (CONSUMER_OFFSET_JSON, offsets.encode()),
            (SUBSCRIPTION_GROUP_JSON, groups.encode()),
        ];
        for (name, bytes) in ours {
            let theirs = fs::read(java.join(name)).unwrap();
            assert_eq!(text(&bytes), text(&theirs), "{version} {name}");
        }
        // And the content is all there (Java falls back to empty tables when it cannot parse a file).
        let reread =
            TopicConfigSerializeWrapper::decode(&fs::read(java.join(TOPICS_JSON)).unwrap(), f).unwrap().unwrap();
        assert!(reread.topic_config_table.contains_key("W\"q\\b/s\t\u{4e2d}\u{7f}\u{85}\u{2028}\u{1f600}\u{1}"));
        assert_eq!(reread.topic_config_table.len(), topics.topic_config_table().len());
        let reread =
            ConsumerOffsetFile::decode(&fs::read(java.join(CONSUMER_OFFSET_JSON)).unwrap(), f).unwrap().unwrap();
        assert_eq!(reread.offset_table["TopicTest@GroupB"][&1], 9_007_199_254_740_993);
        assert_eq!(reread.offset_table.len(), offsets.offset_table().len());
    }
}
