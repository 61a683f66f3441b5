//! Tests of `topics.rs`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
use super::*;

fn settings() -> TopicSettings {
    TopicSettings { broker_name: "broker-a".into(), ..TopicSettings::default() }
}

#[test]
fn system_topics_per_version() {
    let names = |f| system_topics(f, &settings()).into_iter().map(|t| t.topic_name).collect::<Vec<_>>();
    assert_eq!(
        names(Flavor::V4_9_8),
        [
            "SELF_TEST_TOPIC",
            "TBW102",
            "BenchmarkTest",
            "DefaultCluster",
            "broker-a",
            "OFFSET_MOVED_EVENT",
            "SCHEDULE_TOPIC_XXXX",
            "DefaultCluster_REPLY_TOPIC"
        ]
    );
    assert_eq!(
        names(Flavor::V5_3_3)[8..],
        [
            "rmq_sys_REVIVE_LOG_DefaultCluster",
            "rmq_sys_SYNC_BROKER_MEMBER_broker-a",
            "RMQ_SYS_TRANS_HALF_TOPIC",
            "RMQ_SYS_TRANS_OP_HALF_TOPIC",
            "rmq_sys_wheel_timer"
        ]
    );
}

#[test]
fn create_in_send_inherits_from_tbw102() {
    let dir = tempfile::tempdir().unwrap();
    let m = TopicConfigManager::new(dir.path(), Flavor::V5_3_3, settings());
    let before = m.data_version().counter;
    let c = m.create_topic_in_send_message_method("TopicTest", "TBW102", "1.2.3.4:5", 4, 0);
    assert!(c.created);
    let t = c.config.unwrap();
    assert_eq!((t.read_queue_nums, t.write_queue_nums, t.perm), (4, 4, 6));
    assert_eq!(m.data_version().counter, before + 1);
    assert!(m.path().exists());
    let again = m.create_topic_in_send_message_method("TopicTest", "TBW102", "x", 8, 0);
    assert!(!again.created);
    // More queues than TBW102's 8 are capped.
    let big = m.create_topic_in_send_message_method("Big", "TBW102", "x", 100, 0).config.unwrap();
    assert_eq!(big.write_queue_nums, 8);
    // A default topic without INHERIT creates nothing.
    assert!(m.create_topic_in_send_message_method("Nope", "BenchmarkTest", "x", 4, 0).config.is_none());
}

#[test]
fn create_in_send_with_auto_create_off_resets_tbw102() {
    let dir = tempfile::tempdir().unwrap();
    let m = TopicConfigManager::new(dir.path(), Flavor::V4_9_8, settings());
    m.put_topic_config(TopicConfig::with_queues("TBW102", 8, 8, 7));
    let m = TopicConfigManager { settings: TopicSettings { auto_create_topic_enable: false, ..settings() }, ..m };
    assert!(m.create_topic_in_send_message_method("T", "TBW102", "x", 4, 0).config.is_none());
    assert_eq!(m.select_topic_config("TBW102").unwrap().perm, 6);
}

#[test]
fn update_applies_attributes_in_v5_only() {
    let dir = tempfile::tempdir().unwrap();
    let m5 = TopicConfigManager::new(dir.path(), Flavor::V5_3_3, settings());
    let mut t = TopicConfig::with_queues("Fifo", 8, 8, 6);
    t.attributes = Some([("+message.type".to_owned(), "FIFO".to_owned())].into_iter().collect());
    m5.update_topic_config(t.clone()).unwrap();
    assert_eq!(m5.select_topic_config("Fifo").unwrap().attributes().get("message.type").unwrap(), "FIFO");
    let mut bad = t.clone();
    bad.attributes = Some([("+queue.type".to_owned(), "BatchCQ".to_owned())].into_iter().collect());
    assert!(m5.update_topic_config(bad).is_err(), "queue.type is not changeable");

    let m4 = TopicConfigManager::new(dir.path(), Flavor::V4_9_8, settings());
    m4.update_topic_config(t).unwrap();
    let text = String::from_utf8(m4.encode()).unwrap();
    assert!(!text.contains("attributes"), "4.9.8 writes no attributes");
}

#[test]
fn order_topics_from_namesrv() {
    let dir = tempfile::tempdir().unwrap();
    for (flavor, cleared) in [(Flavor::V4_9_8, true), (Flavor::V5_3_3, false)] {
        let m = TopicConfigManager::new(dir.path(), flavor, settings());
        let mut old = TopicConfig::new("OldOrder");
        old.order = true;
        m.put_topic_config(old);
        m.put_topic_config(TopicConfig::new("NewOrder"));
        m.update_order_topic_config(&["NewOrder".to_owned()]);
        assert!(m.is_order_topic("NewOrder"));
        assert_eq!(!m.is_order_topic("OldOrder"), cleared);
    }
}

#[test]
fn delete_bumps_version_and_unknown_topic_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let m = TopicConfigManager::new(dir.path(), Flavor::V5_3_3, settings());
    let v = m.data_version().counter;
    assert!(m.delete_topic_config("nope").is_none());
    assert_eq!(m.data_version().counter, v);
    assert!(m.delete_topic_config("BenchmarkTest").is_some());
    assert_eq!(m.data_version().counter, v + 1);
    assert!(!m.contains_topic("BenchmarkTest"));
}

#[test]
fn load_merges_file_first_then_missing_system_topics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(
        dir.path().join("config/topics.json"),
        br#"{"dataVersion":{"counter":7,"timestamp":5},"topicConfigTable":{"Mine":{"perm":2,"topicName":"Mine","future":1},"SELF_TEST_TOPIC":{"topicName":"SELF_TEST_TOPIC","readQueueNums":3}}}"#,
    )
    .unwrap();
    let m = TopicConfigManager::new(dir.path(), Flavor::V5_3_3, settings());
    assert_eq!(m.load().unwrap(), LoadSource::Main);
    let table = m.topic_config_table();
    assert!(table.contains_key("Mine") && table.contains_key("TBW102"));
    assert_eq!(table["SELF_TEST_TOPIC"].read_queue_nums, 3);
    let mine = &table["Mine"];
    assert_eq!((mine.perm, mine.read_queue_nums), (2, 16));
    assert_eq!(mine.extra["future"], 1);
    assert_eq!(m.data_version(), DataVersion { counter: 7, state_version: Some(0), timestamp: 5 });
    let text = String::from_utf8(m.encode()).unwrap();
    assert!(text.contains("\t\t\t\"future\":1,\n\t\t\t\"order\":false"), "{text}");
}
