//! Consumer-group configs (Java's `SubscriptionGroupManager`, persisted as `config/subscriptionGroup.json`).
//!
//! [`SubscriptionGroupStore`] is the seam; [`MemSubscriptionGroups`] keeps the table in memory until the store
//! branch's manager is merged and the lead backs the trait with it.

use std::collections::BTreeMap;
use std::fmt;

use parking_lot::RwLock;
use serde::{Deserialize, Serialize};

use super::config::BrokerConfig;

/// `MixAll.CID_RMQ_SYS_PREFIX`: groups the broker creates even without `autoCreateSubscriptionGroup`.
pub const CID_RMQ_SYS_PREFIX: &str = "CID_RMQ_SYS_";
/// `Validators.CHARACTER_MAX_LENGTH`: the longest group name.
pub const GROUP_MAX_LENGTH: usize = 255;

fn yes() -> bool {
    true
}
fn one() -> i32 {
    1
}
fn sixteen() -> i32 {
    16
}
fn one_long() -> i64 {
    1
}
fn fifteen() -> i32 {
    15
}

/// Mirrors `subscription.SubscriptionGroupConfig` (the fields both tags share, plus 5.3.3's
/// `consumeMessageOrderly`, `groupSysFlag`, `consumeTimeoutMinute` and `attributes`). Missing JSON properties
/// take Java's field defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionGroupConfig {
    /// [5.3.3] Free-form attributes.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// The broker id consumers are told to pull from (0).
    #[serde(default)]
    pub broker_id: i64,
    /// Broadcasting consumers may pull.
    #[serde(default = "yes")]
    pub consume_broadcast_enable: bool,
    /// The group may consume at all.
    #[serde(default = "yes")]
    pub consume_enable: bool,
    /// New groups start from the minimum offset when the queue is young.
    #[serde(default = "yes")]
    pub consume_from_min_enable: bool,
    /// [5.3.3] Orderly consumption.
    #[serde(default)]
    pub consume_message_orderly: bool,
    /// [5.3.3] Push-consumer timeout.
    #[serde(default = "fifteen")]
    pub consume_timeout_minute: i32,
    /// The group.
    #[serde(default)]
    pub group_name: String,
    /// [5.3.3] Group system flag.
    #[serde(default)]
    pub group_sys_flag: i32,
    /// Send NOTIFY_CONSUMER_IDS_CHANGED to this group's clients.
    #[serde(default = "yes")]
    pub notify_consumer_ids_changed_enable: bool,
    /// Maximum reconsume times before the DLQ.
    #[serde(default = "sixteen")]
    pub retry_max_times: i32,
    /// Queues of `%RETRY%<group>`.
    #[serde(default = "one")]
    pub retry_queue_nums: i32,
    /// The slave suggested to slow consumers.
    #[serde(default = "one_long")]
    pub which_broker_when_consume_slowly: i64,
}

impl SubscriptionGroupConfig {
    /// Java's defaults for `group`.
    pub fn new(group: impl Into<String>) -> Self {
        SubscriptionGroupConfig {
            attributes: BTreeMap::new(),
            broker_id: 0,
            consume_broadcast_enable: true,
            consume_enable: true,
            consume_from_min_enable: true,
            consume_message_orderly: false,
            consume_timeout_minute: 15,
            group_name: group.into(),
            group_sys_flag: 0,
            notify_consumer_ids_changed_enable: true,
            retry_max_times: 16,
            retry_queue_nums: 1,
            which_broker_when_consume_slowly: 1,
        }
    }
}

/// `TopicValidator.isTopicOrGroupIllegal`: a character outside `[%|a-zA-Z0-9_-]`.
pub fn is_topic_or_group_illegal(name: &str) -> bool {
    !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '%' | '|' | '_' | '-'))
}

/// The broker's consumer-group table. Implementations are internally synchronised.
pub trait SubscriptionGroupStore: Send + Sync + fmt::Debug {
    /// `findSubscriptionGroupConfig`: the group's config; an unknown group is created with defaults when
    /// `autoCreateSubscriptionGroup` is on (or it is a `CID_RMQ_SYS_` group and `enableCreateSysGroup` is on)
    /// and its name is legal (≤ 255 characters of `[%|a-zA-Z0-9_-]`); otherwise `None`.
    fn find_subscription_group_config(&self, group: &str) -> Option<SubscriptionGroupConfig>;
}

/// An in-memory [`SubscriptionGroupStore`] (nothing persisted), until the store's manager is merged.
#[derive(Debug)]
pub struct MemSubscriptionGroups {
    groups: RwLock<BTreeMap<String, SubscriptionGroupConfig>>,
    auto_create: bool,
    create_sys_group: bool,
}

impl MemSubscriptionGroups {
    /// An empty table applying `config`'s `autoCreateSubscriptionGroup` and `enableCreateSysGroup`.
    pub fn new(config: &BrokerConfig) -> Self {
        MemSubscriptionGroups {
            groups: RwLock::new(BTreeMap::new()),
            auto_create: config.auto_create_subscription_group,
            create_sys_group: config.enable_create_sys_group,
        }
    }

    /// Adds or replaces a group config.
    pub fn put(&self, config: SubscriptionGroupConfig) {
        self.groups.write().insert(config.group_name.clone(), config);
    }
}

impl SubscriptionGroupStore for MemSubscriptionGroups {
    fn find_subscription_group_config(&self, group: &str) -> Option<SubscriptionGroupConfig> {
        if let Some(found) = self.groups.read().get(group) {
            return Some(found.clone());
        }
        let may_create = self.auto_create || (self.create_sys_group && group.starts_with(CID_RMQ_SYS_PREFIX));
        if !may_create || group.chars().count() > GROUP_MAX_LENGTH || is_topic_or_group_illegal(group) {
            return None;
        }
        let mut groups = self.groups.write();
        let config = groups.entry(group.to_owned()).or_insert_with(|| {
            tracing::info!("auto create a subscription group, {group}");
            SubscriptionGroupConfig::new(group)
        });
        Some(config.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::fastjson::from_slice;

    #[test]
    fn auto_creation_rules() {
        let on = MemSubscriptionGroups::new(&BrokerConfig::default());
        let g = on.find_subscription_group_config("cg1").unwrap();
        assert_eq!((g.retry_queue_nums, g.retry_max_times), (1, 16));
        assert!(g.notify_consumer_ids_changed_enable);
        assert!(on.find_subscription_group_config("bad group").is_none());
        assert!(on.find_subscription_group_config(&"g".repeat(256)).is_none());

        let off = MemSubscriptionGroups::new(&BrokerConfig {
            auto_create_subscription_group: false,
            ..BrokerConfig::default()
        });
        assert!(off.find_subscription_group_config("cg1").is_none());
        assert!(off.find_subscription_group_config("CID_RMQ_SYS_TRANS").is_some());
        off.put(SubscriptionGroupConfig {
            notify_consumer_ids_changed_enable: false,
            ..SubscriptionGroupConfig::new("x")
        });
        assert!(!off.find_subscription_group_config("x").unwrap().notify_consumer_ids_changed_enable);
    }

    #[test]
    fn json_defaults_are_javas() {
        let c: SubscriptionGroupConfig = from_slice(br#"{"groupName":"g"}"#).unwrap();
        assert_eq!(c, SubscriptionGroupConfig::new("g"));
    }
}
