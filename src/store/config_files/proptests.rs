//! Property tests: any table survives encode → decode in both flavors, Java-valid JSON comes out, and no
//! byte string makes a decoder panic.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use proptest::prelude::*;

use super::bean::Extra;
use super::subscription_group::{GroupRetryPolicy, SimpleSubscriptionData};
use super::topics::TopicFilterType;
use super::*;
use crate::protocol::data_version::DataVersion;

fn any_string() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter)
}

fn flavor() -> impl Strategy<Value = Flavor> {
    prop_oneof![Just(Flavor::V4_9_8), Just(Flavor::V5_3_3)]
}

fn version(f: Flavor) -> impl Strategy<Value = DataVersion> {
    (any::<i64>(), any::<i64>(), any::<i64>()).prop_map(move |(counter, state, timestamp)| DataVersion {
        counter,
        state_version: f.is_v5().then_some(state),
        timestamp,
    })
}

fn topic(f: Flavor) -> impl Strategy<Value = TopicConfig> {
    (
        any_string(),
        (any::<i32>(), any::<i32>(), any::<i32>(), any::<i32>()),
        any::<bool>(),
        any::<bool>(),
        // Java's null attributes never reach the file (they come back as the default `{}`).
        proptest::collection::vec((any_string(), any_string()), 0..4),
    )
        .prop_map(move |(name, (r, w, p, sys), order, multi, attrs)| TopicConfig {
            read_queue_nums: r,
            write_queue_nums: w,
            perm: p,
            topic_sys_flag: sys,
            order,
            topic_filter_type: if multi { TopicFilterType::MultiTag } else { TopicFilterType::SingleTag },
            attributes: f.is_v5().then(|| attrs.into_iter().collect()),
            ..TopicConfig::new(name)
        })
}

fn topics_file() -> impl Strategy<Value = (Flavor, TopicConfigSerializeWrapper)> {
    flavor().prop_flat_map(|f| {
        (version(f), proptest::collection::vec(topic(f), 0..8)).prop_map(move |(v, topics)| {
            let table: IndexMap<String, TopicConfig> = topics.into_iter().map(|t| (t.topic_name.clone(), t)).collect();
            (
                f,
                TopicConfigSerializeWrapper {
                    data_version: v,
                    topic_config_table: table,
                    extra: Extra::new(),
                    data_version_extra: Extra::new(),
                },
            )
        })
    })
}

fn offsets_file() -> impl Strategy<Value = (Flavor, ConsumerOffsetFile)> {
    flavor().prop_flat_map(|f| {
        (
            proptest::option::of(version(Flavor::V5_3_3)),
            proptest::collection::vec(
                (any_string(), proptest::collection::btree_map(any::<i32>(), any::<i64>(), 0..6)),
                0..6,
            ),
        )
            .prop_map(move |(v, table)| {
                (
                    f,
                    ConsumerOffsetFile {
                        data_version: if f.is_v5() { v.or(Some(DataVersion::now())) } else { None },
                        offset_table: table.into_iter().collect(),
                        extra: Extra::new(),
                        data_version_extra: Extra::new(),
                    },
                )
            })
    })
}

fn group(f: Flavor) -> impl Strategy<Value = SubscriptionGroupConfig> {
    (
        any_string(),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        (any::<i32>(), any::<i32>(), any::<i64>(), any::<i64>(), any::<i32>(), any::<i32>()),
        proptest::option::of(proptest::collection::vec((any_string(), any_string(), any::<i64>()), 0..3)),
        any::<bool>(),
    )
        .prop_map(move |(name, (e, m, b, o, n), (rq, rm, id, slow, sys, timeout), subs, policy)| {
            let d = SubscriptionGroupConfig::new(name);
            let mut c = SubscriptionGroupConfig {
                consume_enable: e,
                consume_from_min_enable: m,
                consume_broadcast_enable: b,
                notify_consumer_ids_changed_enable: n,
                retry_queue_nums: rq,
                retry_max_times: rm,
                broker_id: id,
                which_broker_when_consume_slowly: slow,
                ..d
            };
            if f.is_v5() {
                c.consume_message_orderly = o;
                c.group_sys_flag = sys;
                c.consume_timeout_minute = timeout;
                c.subscription_data_set = subs.map(|s| {
                    s.into_iter()
                        .map(|(topic, expression, version)| SimpleSubscriptionData {
                            topic: Some(topic),
                            expression_type: Some("TAG".into()),
                            expression: Some(expression),
                            version,
                            extra: Extra::new(),
                        })
                        .collect()
                });
                if policy {
                    c.group_retry_policy = Some(GroupRetryPolicy {
                        customized_retry_policy: Some(Default::default()),
                        exponential_retry_policy: Some(Default::default()),
                        ..GroupRetryPolicy::default()
                    });
                }
            }
            c
        })
}

proptest! {
    #[test]
    fn topics_round_trip((f, file) in topics_file()) {
        let bytes = file.encode(f);
        prop_assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok(), "topics.json is plain JSON");
        let back = TopicConfigSerializeWrapper::decode(&bytes, f).unwrap().unwrap();
        prop_assert_eq!(&back, &file);
        prop_assert_eq!(back.encode(f), bytes);
    }

    #[test]
    fn offsets_round_trip((f, file) in offsets_file()) {
        let bytes = file.encode(f);
        let back = ConsumerOffsetFile::decode(&bytes, f).unwrap().unwrap();
        prop_assert_eq!(&back, &file);
    }

    #[test]
    fn groups_round_trip(f in flavor(), groups in proptest::collection::vec(group(Flavor::V5_3_3), 0..5)) {
        let groups: Vec<SubscriptionGroupConfig> = groups
            .into_iter()
            .map(|g| if f.is_v5() { g } else { SubscriptionGroupConfig { extra: Extra::new(), ..strip_v5(g) } })
            .collect();
        let mut file = SubscriptionGroupFile::new(f);
        file.subscription_group_table = groups.into_iter().map(|g| (g.group_name.clone(), g)).collect();
        let bytes = file.encode(f);
        prop_assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok());
        let back = SubscriptionGroupFile::decode(&bytes, f).unwrap().unwrap();
        prop_assert_eq!(&back, &file);
    }

    #[test]
    fn delay_round_trip(f in flavor(), table in proptest::collection::btree_map(any::<i32>(), any::<i64>(), 0..20)) {
        let mut file = DelayOffsetFile::new(f);
        file.offset_table = table;
        let back = DelayOffsetFile::decode(&file.encode(f), f).unwrap().unwrap();
        prop_assert_eq!(back, file);
    }

    #[test]
    fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256), f in flavor()) {
        let _ = TopicConfigSerializeWrapper::decode(&bytes, f);
        let _ = ConsumerOffsetFile::decode(&bytes, f);
        let _ = SubscriptionGroupFile::decode(&bytes, f);
        let _ = DelayOffsetFile::decode(&bytes, f);
    }

    #[test]
    fn json_shaped_input_never_panics(doc in json_doc(), f in flavor()) {
        let bytes = doc.to_string().into_bytes();
        let _ = TopicConfigSerializeWrapper::decode(&bytes, f);
        let _ = ConsumerOffsetFile::decode(&bytes, f);
        let _ = SubscriptionGroupFile::decode(&bytes, f);
        let _ = DelayOffsetFile::decode(&bytes, f);
    }
}

/// A 5.3.3 group as the 4.9.8 flavor sees it: 5.3.3-only properties at their defaults.
fn strip_v5(g: SubscriptionGroupConfig) -> SubscriptionGroupConfig {
    let d = SubscriptionGroupConfig::default();
    SubscriptionGroupConfig {
        consume_message_orderly: d.consume_message_orderly,
        group_sys_flag: d.group_sys_flag,
        consume_timeout_minute: d.consume_timeout_minute,
        subscription_data_set: None,
        group_retry_policy: d.group_retry_policy,
        attributes: d.attributes,
        ..g
    }
}

/// Random JSON built from the property names the decoders look for.
fn json_doc() -> impl Strategy<Value = serde_json::Value> {
    let names = prop_oneof![
        Just("dataVersion"),
        Just("counter"),
        Just("stateVersion"),
        Just("timestamp"),
        Just("topicConfigTable"),
        Just("offsetTable"),
        Just("subscriptionGroupTable"),
        Just("forbiddenTable"),
        Just("attributes"),
        Just("perm"),
        Just("topicFilterType"),
        Just("groupRetryPolicy"),
        Just("type"),
        Just("customizedRetryPolicy"),
        Just("next"),
        Just("subscriptionDataSet"),
        Just("0"),
        Just("$ref"),
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "\\PC{0,8}".prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("$.topicConfigTable")),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::vec((names.clone(), inner), 0..5)
                .prop_map(|kv| { serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()) }),
        ]
    })
}

#[test]
fn int_keyed_maps_sort_ascending() {
    let m: BTreeMap<i32, i64> = [(-1, 1), (20, 2), (3, 3)].into();
    let mut file = DelayOffsetFile::new(Flavor::V4_9_8);
    file.offset_table = m;
    assert_eq!(String::from_utf8(file.encode(Flavor::V4_9_8)).unwrap(), "{\n\t\"offsetTable\":{-1:1,3:3,20:2\n\t}\n}");
}
