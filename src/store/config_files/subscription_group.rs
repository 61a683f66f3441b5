//! `config/subscriptionGroup.json`: consumer group settings (`SubscriptionGroupManager`, serialised itself,
//! and `SubscriptionGroupConfig`).
//!
//! ```text
//! {
//! ⇥"dataVersion":{ counter, [5.3.3] stateVersion, timestamp },
//! ⇥[5.3.3] "forbiddenTable":{ "<group>":{ "<topic>":<int bits> } },
//! ⇥"subscriptionGroupTable":{
//! ⇥⇥"<group>":{ SubscriptionGroupConfig, properties sorted:
//! ⇥⇥⇥[5.3.3] attributes {}, brokerId 0, consumeBroadcastEnable true, consumeEnable true,
//! ⇥⇥⇥consumeFromMinEnable true, [5.3.3] consumeMessageOrderly false, [5.3.3] consumeTimeoutMinute 15,
//! ⇥⇥⇥groupName, [5.3.3] groupRetryPolicy {"type":"CUSTOMIZED"}, [5.3.3] groupSysFlag 0,
//! ⇥⇥⇥notifyConsumerIdsChangedEnable true, retryMaxTimes 16, retryQueueNums 1,
//! ⇥⇥⇥[5.3.3] subscriptionDataSet [ {expression, expressionType, topic, version}, … ] (only when set),
//! ⇥⇥⇥whichBrokerWhenConsumeSlowly 1
//! ⇥⇥}, …
//! ⇥}
//! }
//! ```
//!
//! Note: 4.9.8's `SubscriptionGroupManager.dataVersion` has no setter, so a 4.9.8 broker restarts the counter
//! on every load; Thruster keeps the file's version in both flavors.

use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value;

use super::attributes::{self, AttributeError};
use super::bean::{self, BeanReader, BeanWriter, Extra};
use super::document::{ConfigDocument, DocumentState};
use super::java_order::{self, ChmOrder};
use super::pretty::Node;
use super::topics::{fresh_version, version_for};
use super::{Flavor, SUBSCRIPTION_GROUP_JSON};
use crate::protocol::data_version::DataVersion;
use crate::store::config_file::{ConfigFileError, DecodeError, LoadSource};

/// `MixAll.TOOLS_CONSUMER_GROUP`.
pub const TOOLS_CONSUMER_GROUP: &str = "TOOLS_CONSUMER";
/// `MixAll.FILTERSRV_CONSUMER_GROUP`.
pub const FILTERSRV_CONSUMER_GROUP: &str = "FILTERSRV_CONSUMER";
/// `MixAll.SELF_TEST_CONSUMER_GROUP`.
pub const SELF_TEST_CONSUMER_GROUP: &str = "SELF_TEST_C_GROUP";
/// `MixAll.ONS_HTTP_PROXY_GROUP`.
pub const ONS_HTTP_PROXY_GROUP: &str = "CID_ONS-HTTP-PROXY";
/// `MixAll.CID_ONSAPI_PULL_GROUP`.
pub const CID_ONSAPI_PULL_GROUP: &str = "CID_ONSAPI_PULL";
/// `MixAll.CID_ONSAPI_PERMISSION_GROUP`.
pub const CID_ONSAPI_PERMISSION_GROUP: &str = "CID_ONSAPI_PERMISSION";
/// `MixAll.CID_ONSAPI_OWNER_GROUP`.
pub const CID_ONSAPI_OWNER_GROUP: &str = "CID_ONSAPI_OWNER";
/// [5.3.3] `MixAll.CID_SYS_RMQ_TRANS`.
pub const CID_SYS_RMQ_TRANS: &str = "CID_RMQ_SYS_TRANS";
/// `MixAll.CID_RMQ_SYS_PREFIX`: groups with this prefix are system groups (`isSysConsumerGroup`).
pub const CID_RMQ_SYS_PREFIX: &str = "CID_RMQ_SYS_";
/// [5.3.3] `Validators.CHARACTER_MAX_LENGTH`: longest group name auto-created.
pub const CHARACTER_MAX_LENGTH: usize = 255;

/// [5.3.3] Mirrors `GroupRetryPolicyType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupRetryPolicyType {
    /// `EXPONENTIAL`.
    Exponential,
    /// `CUSTOMIZED` (the default).
    Customized,
}

impl GroupRetryPolicyType {
    /// The Java constant name.
    pub fn name(self) -> &'static str {
        match self {
            GroupRetryPolicyType::Exponential => "EXPONENTIAL",
            GroupRetryPolicyType::Customized => "CUSTOMIZED",
        }
    }

    fn parse(v: &Value) -> Option<Self> {
        match v {
            Value::String(s) if s == "EXPONENTIAL" => Some(GroupRetryPolicyType::Exponential),
            Value::String(s) if s == "CUSTOMIZED" => Some(GroupRetryPolicyType::Customized),
            Value::Number(n) => match n.as_i64()? {
                0 => Some(GroupRetryPolicyType::Exponential),
                1 => Some(GroupRetryPolicyType::Customized),
                _ => None,
            },
            _ => None,
        }
    }
}

/// [5.3.3] Mirrors `ExponentialRetryPolicy`: `min(max, initial * multiplier^n)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExponentialRetryPolicy {
    /// First delay, ms (5000).
    pub initial: i64,
    /// Largest delay, ms (7200000).
    pub max: i64,
    /// Factor (2).
    pub multiplier: i64,
    /// Unknown properties.
    pub extra: Extra,
}

impl Default for ExponentialRetryPolicy {
    fn default() -> Self {
        ExponentialRetryPolicy { initial: 5_000, max: 7_200_000, multiplier: 2, extra: Extra::new() }
    }
}

/// The 18 default delays of `CustomizedRetryPolicy` (1s 5s 10s 30s 1m … 2h), ms.
pub const DEFAULT_CUSTOMIZED_RETRY_NEXT: [i64; 18] = [
    1_000, 5_000, 10_000, 30_000, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000,
    600_000, 1_200_000, 1_800_000, 3_600_000, 7_200_000,
];

/// [5.3.3] Mirrors `CustomizedRetryPolicy`: delays by reconsume count.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomizedRetryPolicy {
    /// Delays in ms (`long[]`, written inline); `None` = Java `null`.
    pub next: Option<Vec<i64>>,
    /// Unknown properties.
    pub extra: Extra,
}

impl Default for CustomizedRetryPolicy {
    fn default() -> Self {
        CustomizedRetryPolicy { next: Some(DEFAULT_CUSTOMIZED_RETRY_NEXT.to_vec()), extra: Extra::new() }
    }
}

/// [5.3.3] Mirrors `GroupRetryPolicy`.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRetryPolicy {
    /// Which policy applies (`CUSTOMIZED` by default); `None` = Java `null`.
    pub policy_type: Option<GroupRetryPolicyType>,
    /// Parameters of the exponential policy.
    pub exponential_retry_policy: Option<ExponentialRetryPolicy>,
    /// Parameters of the customized policy.
    pub customized_retry_policy: Option<CustomizedRetryPolicy>,
    /// Unknown properties.
    pub extra: Extra,
}

impl Default for GroupRetryPolicy {
    fn default() -> Self {
        GroupRetryPolicy {
            policy_type: Some(GroupRetryPolicyType::Customized),
            exponential_retry_policy: None,
            customized_retry_policy: None,
            extra: Extra::new(),
        }
    }
}

/// [5.3.3] Mirrors `SimpleSubscriptionData` (an element of `subscriptionDataSet`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimpleSubscriptionData {
    /// Topic.
    pub topic: Option<String>,
    /// `TAG` or `SQL92`.
    pub expression_type: Option<String>,
    /// The filter expression.
    pub expression: Option<String>,
    /// Subscription version.
    pub version: i64,
    /// Unknown properties.
    pub extra: Extra,
}

/// Mirrors `SubscriptionGroupConfig` (4.9.8 `common.subscription`, 5.3.3 `remoting.protocol.subscription`).
/// `Default` = Java's field initialisers. The 5.3.3-only properties are neither read nor written by the
/// 4.9.8 flavor (which keeps them among the unknown properties when it finds them).
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionGroupConfig {
    /// The group (normally equal to the table key).
    pub group_name: String,
    /// `consumeEnable` (true).
    pub consume_enable: bool,
    /// `consumeFromMinEnable` (true).
    pub consume_from_min_enable: bool,
    /// `consumeBroadcastEnable` (true).
    pub consume_broadcast_enable: bool,
    /// [5.3.3] `consumeMessageOrderly` (false).
    pub consume_message_orderly: bool,
    /// `retryQueueNums` (1).
    pub retry_queue_nums: i32,
    /// `retryMaxTimes` (16).
    pub retry_max_times: i32,
    /// [5.3.3] `groupRetryPolicy` (`{"type":"CUSTOMIZED"}`); `None` = Java `null`.
    pub group_retry_policy: Option<GroupRetryPolicy>,
    /// `brokerId` (0 = master).
    pub broker_id: i64,
    /// `whichBrokerWhenConsumeSlowly` (1).
    pub which_broker_when_consume_slowly: i64,
    /// `notifyConsumerIdsChangedEnable` (true).
    pub notify_consumer_ids_changed_enable: bool,
    /// [5.3.3] `groupSysFlag` (0).
    pub group_sys_flag: i32,
    /// [5.3.3] `consumeTimeoutMinute` (15).
    pub consume_timeout_minute: i32,
    /// [5.3.3] `subscriptionDataSet` (a `Set`, written inline; `None` = Java `null`, the default).
    pub subscription_data_set: Option<Vec<SimpleSubscriptionData>>,
    /// [5.3.3] `attributes` (`{}`); `None` = Java `null`.
    pub attributes: Option<IndexMap<String, String>>,
    /// Unknown properties.
    pub extra: Extra,
}

impl Default for SubscriptionGroupConfig {
    fn default() -> Self {
        SubscriptionGroupConfig {
            group_name: String::new(),
            consume_enable: true,
            consume_from_min_enable: true,
            consume_broadcast_enable: true,
            consume_message_orderly: false,
            retry_queue_nums: 1,
            retry_max_times: 16,
            group_retry_policy: Some(GroupRetryPolicy::default()),
            broker_id: 0,
            which_broker_when_consume_slowly: 1,
            notify_consumer_ids_changed_enable: true,
            group_sys_flag: 0,
            consume_timeout_minute: 15,
            subscription_data_set: None,
            attributes: Some(IndexMap::new()),
            extra: Extra::new(),
        }
    }
}

/// A nullable bean property: absent → Java's default, `null` → `None`.
fn nullable<T>(
    r: &mut BeanReader,
    key: &str,
    default: impl FnOnce() -> Option<T>,
    read: impl FnOnce(Value, &str) -> Result<T, DecodeError>,
) -> Result<Option<T>, DecodeError> {
    if !r.has(key) {
        return Ok(default());
    }
    let path = r.path_of(key);
    r.take(key).map(|v| read(v, &path)).transpose()
}

fn i64_array(v: Value, path: &str) -> Result<Vec<i64>, DecodeError> {
    let Value::Array(items) = v else {
        return Err(DecodeError::property(path, "expected an array"));
    };
    items
        .iter()
        .map(|i| bean::to_i64(i).ok_or_else(|| DecodeError::property(path, format!("not a long: {i}"))))
        .collect()
}

impl GroupRetryPolicy {
    fn from_value(v: Value, path: &str) -> Result<Self, DecodeError> {
        let mut r = BeanReader::new(v, path)?;
        let policy_type = nullable(
            &mut r,
            "type",
            || Some(GroupRetryPolicyType::Customized),
            |v, p| GroupRetryPolicyType::parse(&v).ok_or_else(|| DecodeError::property(p, format!("unknown: {v}"))),
        )?;
        let exponential_retry_policy = match r.take("exponentialRetryPolicy") {
            None => None,
            Some(v) => {
                let mut e = BeanReader::new(v, &r.path_of("exponentialRetryPolicy"))?;
                let d = ExponentialRetryPolicy::default();
                Some(ExponentialRetryPolicy {
                    initial: e.i64_or("initial", d.initial)?,
                    max: e.i64_or("max", d.max)?,
                    multiplier: e.i64_or("multiplier", d.multiplier)?,
                    extra: e.finish(),
                })
            }
        };
        let customized_retry_policy = match r.take("customizedRetryPolicy") {
            None => None,
            Some(v) => {
                let mut c = BeanReader::new(v, &r.path_of("customizedRetryPolicy"))?;
                let next = nullable(&mut c, "next", || Some(DEFAULT_CUSTOMIZED_RETRY_NEXT.to_vec()), i64_array)?;
                Some(CustomizedRetryPolicy { next, extra: c.finish() })
            }
        };
        Ok(GroupRetryPolicy { policy_type, exponential_retry_policy, customized_retry_policy, extra: r.finish() })
    }

    fn to_node(&self) -> Node {
        BeanWriter::new()
            .prop(
                "customizedRetryPolicy",
                self.customized_retry_policy.as_ref().map_or(Node::Null, |c| {
                    BeanWriter::new()
                        .prop(
                            "next",
                            c.next
                                .as_ref()
                                .map_or(Node::Null, |n| Node::Array(n.iter().map(|i| Node::Int(*i)).collect())),
                        )
                        .extra(&c.extra)
                        .build()
                }),
            )
            .prop(
                "exponentialRetryPolicy",
                self.exponential_retry_policy.as_ref().map_or(Node::Null, |e| {
                    BeanWriter::new()
                        .prop("initial", Node::Int(e.initial))
                        .prop("max", Node::Int(e.max))
                        .prop("multiplier", Node::Int(e.multiplier))
                        .extra(&e.extra)
                        .build()
                }),
            )
            .prop("type", self.policy_type.map_or(Node::Null, |t| Node::Str(t.name().to_owned())))
            .extra(&self.extra)
            .build()
    }
}

impl SimpleSubscriptionData {
    fn from_value(v: Value, path: &str) -> Result<Self, DecodeError> {
        let mut r = BeanReader::new(v, path)?;
        Ok(SimpleSubscriptionData {
            topic: r.string("topic")?,
            expression_type: r.string("expressionType")?,
            expression: r.string("expression")?,
            version: r.i64_or("version", 0)?,
            extra: r.finish(),
        })
    }

    fn to_node(&self) -> Node {
        let s = |v: &Option<String>| v.clone().map_or(Node::Null, Node::Str);
        BeanWriter::new()
            .prop("expression", s(&self.expression))
            .prop("expressionType", s(&self.expression_type))
            .prop("topic", s(&self.topic))
            .prop("version", Node::Int(self.version))
            .extra(&self.extra)
            .build()
    }
}

impl SubscriptionGroupConfig {
    /// `new SubscriptionGroupConfig()` with `groupName` set.
    pub fn new(group_name: impl Into<String>) -> Self {
        SubscriptionGroupConfig { group_name: group_name.into(), ..SubscriptionGroupConfig::default() }
    }

    /// The attributes, empty if none.
    pub fn attributes(&self) -> IndexMap<String, String> {
        self.attributes.clone().unwrap_or_default()
    }

    /// Reads one table entry; `key` is its table key (used as the name when `groupName` is missing).
    pub fn from_value(v: Value, path: &str, key: &str, flavor: Flavor) -> Result<Self, DecodeError> {
        let mut r = BeanReader::new(v, path)?;
        let d = SubscriptionGroupConfig::default();
        let mut c = SubscriptionGroupConfig {
            group_name: r.string("groupName")?.unwrap_or_else(|| key.to_owned()),
            consume_enable: r.bool_or("consumeEnable", d.consume_enable)?,
            consume_from_min_enable: r.bool_or("consumeFromMinEnable", d.consume_from_min_enable)?,
            consume_broadcast_enable: r.bool_or("consumeBroadcastEnable", d.consume_broadcast_enable)?,
            retry_queue_nums: r.i32_or("retryQueueNums", d.retry_queue_nums)?,
            retry_max_times: r.i32_or("retryMaxTimes", d.retry_max_times)?,
            broker_id: r.i64_or("brokerId", d.broker_id)?,
            which_broker_when_consume_slowly: r
                .i64_or("whichBrokerWhenConsumeSlowly", d.which_broker_when_consume_slowly)?,
            notify_consumer_ids_changed_enable: r
                .bool_or("notifyConsumerIdsChangedEnable", d.notify_consumer_ids_changed_enable)?,
            ..SubscriptionGroupConfig::default()
        };
        if flavor.is_v5() {
            c.consume_message_orderly = r.bool_or("consumeMessageOrderly", d.consume_message_orderly)?;
            c.group_sys_flag = r.i32_or("groupSysFlag", d.group_sys_flag)?;
            c.consume_timeout_minute = r.i32_or("consumeTimeoutMinute", d.consume_timeout_minute)?;
            c.group_retry_policy =
                nullable(&mut r, "groupRetryPolicy", || d.group_retry_policy.clone(), GroupRetryPolicy::from_value)?;
            c.subscription_data_set = nullable(
                &mut r,
                "subscriptionDataSet",
                || None,
                |v, p| {
                    let Value::Array(items) = v else {
                        return Err(DecodeError::property(p, "expected an array"));
                    };
                    items
                        .into_iter()
                        .filter(|i| !i.is_null())
                        .map(|i| SimpleSubscriptionData::from_value(i, p))
                        .collect()
                },
            )?;
            c.attributes = nullable(&mut r, "attributes", || Some(IndexMap::new()), bean::string_map)?;
        }
        c.extra = r.finish();
        Ok(c)
    }

    /// The bean as `flavor` writes it.
    pub fn to_node(&self, flavor: Flavor) -> Node {
        let v5 = flavor.is_v5();
        BeanWriter::new()
            .prop_if(v5, "attributes", || self.attributes.as_ref().map_or(Node::Null, bean::string_map_node))
            .prop("brokerId", Node::Int(self.broker_id))
            .prop("consumeBroadcastEnable", Node::Bool(self.consume_broadcast_enable))
            .prop("consumeEnable", Node::Bool(self.consume_enable))
            .prop("consumeFromMinEnable", Node::Bool(self.consume_from_min_enable))
            .prop_if(v5, "consumeMessageOrderly", || Node::Bool(self.consume_message_orderly))
            .prop_if(v5, "consumeTimeoutMinute", || Node::Int(i64::from(self.consume_timeout_minute)))
            .prop("groupName", Node::Str(self.group_name.clone()))
            .prop_if(v5, "groupRetryPolicy", || {
                self.group_retry_policy.as_ref().map_or(Node::Null, GroupRetryPolicy::to_node)
            })
            .prop_if(v5, "groupSysFlag", || Node::Int(i64::from(self.group_sys_flag)))
            .prop("notifyConsumerIdsChangedEnable", Node::Bool(self.notify_consumer_ids_changed_enable))
            .prop("retryMaxTimes", Node::Int(i64::from(self.retry_max_times)))
            .prop("retryQueueNums", Node::Int(i64::from(self.retry_queue_nums)))
            .prop_if(v5, "subscriptionDataSet", || {
                self.subscription_data_set
                    .as_ref()
                    .map_or(Node::Null, |set| Node::Array(set.iter().map(SimpleSubscriptionData::to_node).collect()))
            })
            .prop("whichBrokerWhenConsumeSlowly", Node::Int(self.which_broker_when_consume_slowly))
            .extra(&self.extra)
            .build()
    }
}

/// The `subscriptionGroup.json` document.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionGroupFile {
    /// The table's version.
    pub data_version: DataVersion,
    /// [5.3.3] group → topic → forbidden bits (ignored by the 4.9.8 flavor, which keeps it as unknown).
    pub forbidden_table: IndexMap<String, IndexMap<String, i32>>,
    /// Group → config, in table order.
    pub subscription_group_table: IndexMap<String, SubscriptionGroupConfig>,
    /// Unknown top-level properties.
    pub extra: Extra,
    /// Unknown properties of `dataVersion`.
    pub data_version_extra: Extra,
}

impl SubscriptionGroupFile {
    /// An empty table with a fresh version.
    pub fn new(flavor: Flavor) -> Self {
        SubscriptionGroupFile {
            data_version: fresh_version(flavor),
            forbidden_table: IndexMap::new(),
            subscription_group_table: IndexMap::new(),
            extra: Extra::new(),
            data_version_extra: Extra::new(),
        }
    }

    /// Decodes a file's bytes; `Ok(None)` for a blank or `null` document.
    pub fn decode(bytes: &[u8], flavor: Flavor) -> Result<Option<Self>, DecodeError> {
        bean::parse_document(bytes)?.map(|v| Self::from_value(v, flavor)).transpose()
    }

    /// Decodes a parsed document.
    pub fn from_value(v: Value, flavor: Flavor) -> Result<Self, DecodeError> {
        let mut r = BeanReader::new(v, "")?;
        let mut data_version_extra = Extra::new();
        let data_version =
            r.data_version("dataVersion", &mut data_version_extra)?.unwrap_or_else(|| fresh_version(flavor));
        let forbidden_table = match flavor.is_v5().then(|| r.take("forbiddenTable")).flatten() {
            Some(t) => bean::bean_map(t, "forbiddenTable", bean::string_int_map)?,
            None => IndexMap::new(),
        };
        let subscription_group_table = match r.take("subscriptionGroupTable") {
            None => IndexMap::new(),
            Some(t) => bean::bean_map(t, "subscriptionGroupTable", |v, path| {
                let key = path.get("subscriptionGroupTable.".len()..).unwrap_or_default();
                SubscriptionGroupConfig::from_value(v, path, key, flavor)
            })?,
        };
        Ok(SubscriptionGroupFile {
            data_version,
            forbidden_table,
            subscription_group_table,
            extra: r.finish(),
            data_version_extra,
        })
    }

    /// The document node.
    pub fn to_node(&self, flavor: Flavor) -> Node {
        BeanWriter::new()
            .prop(
                "dataVersion",
                bean::data_version_node(&version_for(flavor, self.data_version), &self.data_version_extra),
            )
            .prop_if(flavor.is_v5(), "forbiddenTable", || {
                Node::Map(
                    self.forbidden_table
                        .iter()
                        .map(|(g, topics)| {
                            let inner = topics.iter().map(|(t, v)| (t.clone(), Node::Int(i64::from(*v)))).collect();
                            (g.clone(), Node::Map(inner))
                        })
                        .collect(),
                )
            })
            .prop(
                "subscriptionGroupTable",
                Node::Map(self.subscription_group_table.iter().map(|(k, v)| (k.clone(), v.to_node(flavor))).collect()),
            )
            .extra(&self.extra)
            .build()
    }

    /// The file's bytes, as Java's `persist()` writes them.
    pub fn encode(&self, flavor: Flavor) -> Vec<u8> {
        self.to_node(flavor).to_pretty()
    }
}

/// The `BrokerConfig` values the manager reads; `Default` = Java's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscriptionGroupSettings {
    /// `autoCreateSubscriptionGroup` (true).
    pub auto_create_subscription_group: bool,
    /// [5.3.3] `enableCreateSysGroup` (true): `CID_RMQ_SYS_*` groups are created even without auto-creation.
    pub enable_create_sys_group: bool,
}

impl Default for SubscriptionGroupSettings {
    fn default() -> Self {
        SubscriptionGroupSettings { auto_create_subscription_group: true, enable_create_sys_group: true }
    }
}

/// The groups `SubscriptionGroupManager.init()` puts in the table, in that order.
pub fn system_groups(flavor: Flavor) -> Vec<SubscriptionGroupConfig> {
    let mut names = vec![
        TOOLS_CONSUMER_GROUP,
        FILTERSRV_CONSUMER_GROUP,
        SELF_TEST_CONSUMER_GROUP,
        ONS_HTTP_PROXY_GROUP,
        CID_ONSAPI_PULL_GROUP,
        CID_ONSAPI_PERMISSION_GROUP,
        CID_ONSAPI_OWNER_GROUP,
    ];
    if flavor.is_v5() {
        names.push(CID_SYS_RMQ_TRANS);
    }
    names.into_iter().map(SubscriptionGroupConfig::new).collect()
}

/// `TopicValidator.isTopicOrGroupIllegal`: only `%|-_` and ASCII letters and digits are allowed.
pub fn is_topic_or_group_illegal(name: &str) -> bool {
    !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '%' | '|' | '-' | '_'))
}

#[path = "subscription_group_manager.rs"]
mod manager;
pub use manager::*;

#[cfg(test)]
#[path = "subscription_group_tests.rs"]
mod tests;
