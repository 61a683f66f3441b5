//! Tests of `subscription_group.rs`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
use super::*;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn auto_create_rules() {
    let dir = tempfile::tempdir().unwrap();
    let off =
        SubscriptionGroupSettings { auto_create_subscription_group: false, ..SubscriptionGroupSettings::default() };
    let m = SubscriptionGroupManager::new(dir.path(), Flavor::V5_3_3, off);
    assert!(m.find_subscription_group_config("GroupX").is_none());
    assert!(m.find_subscription_group_config("CID_RMQ_SYS_X").is_some());
    let m = SubscriptionGroupManager::new(dir.path(), Flavor::V5_3_3, SubscriptionGroupSettings::default());
    let v = m.data_version().counter;
    let c = m.find_subscription_group_config("GroupA").unwrap();
    assert_eq!(c, SubscriptionGroupConfig::new("GroupA"));
    assert_eq!(m.data_version().counter, v + 1);
    assert!(m.find_subscription_group_config("bad group").is_none(), "illegal characters");
    assert!(m.find_subscription_group_config(&"g".repeat(256)).is_none(), "too long");
    let m4 = SubscriptionGroupManager::new(dir.path(), Flavor::V4_9_8, SubscriptionGroupSettings::default());
    assert!(m4.find_subscription_group_config("bad group").is_some(), "4.9.8 does not validate");
}

#[test]
fn forbidden_bits() {
    let dir = tempfile::tempdir().unwrap();
    let m = SubscriptionGroupManager::new(dir.path(), Flavor::V5_3_3, SubscriptionGroupSettings::default());
    m.update_forbidden("G", "T", 1, true);
    m.update_forbidden("G", "U", 0, true);
    assert!(m.is_forbidden("G", "T", 1));
    assert!(!m.is_forbidden("G", "T", 0));
    assert_eq!(m.forbidden("G", "U"), 1);
    m.update_forbidden("G", "T", 1, false);
    assert!(m.forbidden_table().is_empty(), "Java drops the whole group when one topic reaches 0");
}

#[test]
fn v5_properties_round_trip_through_v4_as_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let m5 = SubscriptionGroupManager::new(dir.path(), Flavor::V5_3_3, SubscriptionGroupSettings::default());
    let mut c = SubscriptionGroupConfig::new("G");
    c.consume_message_orderly = true;
    c.group_retry_policy = Some(GroupRetryPolicy {
        policy_type: Some(GroupRetryPolicyType::Exponential),
        exponential_retry_policy: Some(ExponentialRetryPolicy::default()),
        ..GroupRetryPolicy::default()
    });
    m5.update_subscription_group_config(c).unwrap();
    m5.update_forbidden("G", "T", 2, true);
    let version = m5.data_version();
    let v5_bytes = m5.encode();

    let m4 = SubscriptionGroupManager::new(dir.path(), Flavor::V4_9_8, SubscriptionGroupSettings::default());
    m4.load().unwrap();
    let g = m4.get("G").unwrap();
    assert!(!g.consume_message_orderly, "4.9.8 has no such property");
    assert_eq!(g.extra["consumeMessageOrderly"], true);
    assert_eq!(m4.data_version().counter, 0, "4.9.8 restarts the version on load");
    m4.set_data_version(version);
    m4.persist().unwrap();
    let m5b = SubscriptionGroupManager::new(dir.path(), Flavor::V5_3_3, SubscriptionGroupSettings::default());
    m5b.load().unwrap();
    assert_eq!(text(&m5b.encode()), text(&v5_bytes), "a 4.9.8-flavoured pass loses nothing");
}

#[test]
fn attributes_are_refused_in_v5() {
    let dir = tempfile::tempdir().unwrap();
    let m = SubscriptionGroupManager::new(dir.path(), Flavor::V5_3_3, SubscriptionGroupSettings::default());
    let mut c = SubscriptionGroupConfig::new("G");
    c.attributes = Some([("+x".to_owned(), "1".to_owned())].into_iter().collect());
    assert_eq!(m.update_subscription_group_config(c).unwrap_err().0, "unsupported key: x");
}
