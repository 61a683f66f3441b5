//! `config/topics.json`: the broker's topic table (`TopicConfigManager`, `TopicConfigSerializeWrapper`).
//!
//! ```text
//! {                                          TopicConfigSerializeWrapper (bean)
//! ⇥"dataVersion":{ counter, [5.3.3] stateVersion, timestamp },
//! ⇥"topicConfigTable":{                      Map<String, TopicConfig>, table order
//! ⇥⇥"TopicTest":{                            TopicConfig (bean, properties sorted)
//! ⇥⇥⇥[5.3.3] "attributes":{…},                Map<String,String>; left out when null
//! ⇥⇥⇥"order":false, "perm":6, "readQueueNums":4, "topicFilterType":"SINGLE_TAG",
//! ⇥⇥⇥"topicName":"TopicTest", "topicSysFlag":0, "writeQueueNums":4
//! ⇥⇥}, …
//! ⇥}
//! }
//! ```
//!
//! 5.3.3's `TopicConfigSerializeWrapper` has no other property (the static-topic mapping fields belong to
//! `TopicConfigAndMappingSerializeWrapper`, which only goes over the wire; `topicQueueMapping.json` is a
//! separate file).

use std::collections::BTreeSet;
use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value;

use super::attributes::{self, AttributeError};
use super::bean::{self, BeanReader, BeanWriter, Extra};
use super::document::{ConfigDocument, DocumentState};
use super::java_order::{self, ChmOrder};
use super::pretty::Node;
use super::{Flavor, TOPICS_JSON};
use crate::protocol::data_version::DataVersion;
use crate::protocol::route::{perm, topic_sys_flag};
use crate::protocol::topic as proto;
pub use crate::protocol::topic::TopicFilterType;
use crate::store::config_file::{ConfigFileError, DecodeError, LoadSource};

/// `TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC`.
pub const AUTO_CREATE_TOPIC_KEY_TOPIC: &str = "TBW102";
/// `TopicValidator.RMQ_SYS_SCHEDULE_TOPIC`.
pub const RMQ_SYS_SCHEDULE_TOPIC: &str = "SCHEDULE_TOPIC_XXXX";
/// `TopicValidator.RMQ_SYS_BENCHMARK_TOPIC`.
pub const RMQ_SYS_BENCHMARK_TOPIC: &str = "BenchmarkTest";
/// `TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC`.
pub const RMQ_SYS_TRANS_HALF_TOPIC: &str = "RMQ_SYS_TRANS_HALF_TOPIC";
/// `TopicValidator.SYSTEM_TOPIC_PREFIX`.
pub const SYSTEM_TOPIC_PREFIX: &str = "rmq_sys_";
/// [5.3.3] `TopicValidator.RMQ_SYS_ROCKSDB_OFFSET_TOPIC`.
pub const RMQ_SYS_ROCKSDB_OFFSET_TOPIC: &str = "CHECKPOINT_TOPIC";
/// `TopicValidator.RMQ_SYS_TRACE_TOPIC`.
pub const RMQ_SYS_TRACE_TOPIC: &str = "RMQ_SYS_TRACE_TOPIC";
/// `TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC`.
pub const RMQ_SYS_TRANS_OP_HALF_TOPIC: &str = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
/// `TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC`.
pub const RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC: &str = "TRANS_CHECK_MAX_TIME_TOPIC";
/// `TopicValidator.RMQ_SYS_SELF_TEST_TOPIC`.
pub const RMQ_SYS_SELF_TEST_TOPIC: &str = "SELF_TEST_TOPIC";
/// `TopicValidator.RMQ_SYS_OFFSET_MOVED_EVENT`.
pub const RMQ_SYS_OFFSET_MOVED_EVENT: &str = "OFFSET_MOVED_EVENT";
/// [5.3.3] `PopAckConstants.REVIVE_TOPIC`; the topic is this prefix + cluster name.
pub const REVIVE_TOPIC_PREFIX: &str = "rmq_sys_REVIVE_LOG_";
/// [5.3.3] `TopicValidator.SYNC_BROKER_MEMBER_GROUP_PREFIX`; the topic is this prefix + broker name.
pub const SYNC_BROKER_MEMBER_GROUP_PREFIX: &str = "rmq_sys_SYNC_BROKER_MEMBER_";
/// [5.3.3] `TimerMessageStore.TIMER_TOPIC`.
pub const TIMER_TOPIC: &str = "rmq_sys_wheel_timer";
/// `MixAll.REPLY_TOPIC_POSTFIX`; the reply topic is `<cluster>_REPLY_TOPIC`.
pub const REPLY_TOPIC_POSTFIX: &str = "REPLY_TOPIC";
/// Queues of `SCHEDULE_TOPIC_XXXX` (one per delay level).
pub const SCHEDULE_TOPIC_QUEUE_NUM: i32 = 18;

/// Mirrors `org.apache.rocketmq.common.TopicConfig` as stored in `topics.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicConfig {
    /// The topic (normally equal to the table key).
    pub topic_name: String,
    /// Readable queue count (default 16).
    pub read_queue_nums: i32,
    /// Writable queue count (default 16).
    pub write_queue_nums: i32,
    /// [`perm`] bits (default 6 = read | write).
    pub perm: i32,
    /// Legacy filter type (default `SINGLE_TAG`).
    pub topic_filter_type: TopicFilterType,
    /// [`topic_sys_flag`] bits.
    pub topic_sys_flag: i32,
    /// An order (FIFO) topic.
    pub order: bool,
    /// [5.3.3] Attributes without `+`/`-` prefixes (`queue.type`, `cleanup.policy`, `message.type`,
    /// `reserve.time`). Java's default is an empty map; `None` is Java's `null` (not written). Ignored by the
    /// 4.9.8 flavor, which keeps a read `attributes` among the unknown properties instead.
    pub attributes: Option<IndexMap<String, String>>,
    /// Properties Thruster does not know, written back as read.
    pub extra: Extra,
}

impl TopicConfig {
    /// `new TopicConfig(topicName)`: 16 read and write queues, perm 6, `SINGLE_TAG`, empty attributes.
    pub fn new(topic_name: impl Into<String>) -> Self {
        TopicConfig {
            topic_name: topic_name.into(),
            read_queue_nums: 16,
            write_queue_nums: 16,
            perm: perm::PERM_READ | perm::PERM_WRITE,
            topic_filter_type: TopicFilterType::SingleTag,
            topic_sys_flag: 0,
            order: false,
            attributes: Some(IndexMap::new()),
            extra: Extra::new(),
        }
    }

    /// `new TopicConfig(topicName, read, write, perm)`.
    pub fn with_queues(topic_name: impl Into<String>, read: i32, write: i32, perm: i32) -> Self {
        TopicConfig { read_queue_nums: read, write_queue_nums: write, perm, ..TopicConfig::new(topic_name) }
    }

    /// The attributes, empty if none.
    pub fn attributes(&self) -> IndexMap<String, String> {
        self.attributes.clone().unwrap_or_default()
    }

    /// Reads one table entry; `key` is its table key (used as the name when `topicName` is missing).
    pub fn from_value(v: Value, path: &str, key: &str, flavor: Flavor) -> Result<Self, DecodeError> {
        let mut r = BeanReader::new(v, path)?;
        let d = TopicConfig::new(key);
        let topic_filter_type = match r.take("topicFilterType") {
            None => d.topic_filter_type,
            Some(v) => parse_filter_type(&v)
                .ok_or_else(|| DecodeError::property(r.path_of("topicFilterType"), format!("unknown: {v}")))?,
        };
        let attributes = if !flavor.is_v5() {
            None
        } else if r.has("attributes") {
            match r.take("attributes") {
                None => None,
                Some(v) => Some(bean::string_map(v, &r.path_of("attributes"))?),
            }
        } else {
            Some(IndexMap::new())
        };
        Ok(TopicConfig {
            topic_name: r.string("topicName")?.unwrap_or(d.topic_name),
            read_queue_nums: r.i32_or("readQueueNums", d.read_queue_nums)?,
            write_queue_nums: r.i32_or("writeQueueNums", d.write_queue_nums)?,
            perm: r.i32_or("perm", d.perm)?,
            topic_filter_type,
            topic_sys_flag: r.i32_or("topicSysFlag", d.topic_sys_flag)?,
            order: r.bool_or("order", d.order)?,
            attributes,
            extra: r.finish(),
        })
    }

    /// The bean as `flavor` writes it.
    pub fn to_node(&self, flavor: Flavor) -> Node {
        BeanWriter::new()
            .prop_if(flavor.is_v5(), "attributes", || {
                self.attributes.as_ref().map_or(Node::Null, bean::string_map_node)
            })
            .prop("order", Node::Bool(self.order))
            .prop("perm", Node::Int(i64::from(self.perm)))
            .prop("readQueueNums", Node::Int(i64::from(self.read_queue_nums)))
            .prop("topicFilterType", Node::Str(self.topic_filter_type.name().to_owned()))
            .prop("topicName", Node::Str(self.topic_name.clone()))
            .prop("topicSysFlag", Node::Int(i64::from(self.topic_sys_flag)))
            .prop("writeQueueNums", Node::Int(i64::from(self.write_queue_nums)))
            .extra(&self.extra)
            .build()
    }

    /// The wire type (`protocol::topic::TopicConfig`), e.g. for REGISTER_BROKER; attributes only for 5.3.3.
    pub fn to_protocol(&self, flavor: Flavor) -> proto::TopicConfig {
        proto::TopicConfig {
            attributes: if flavor.is_v5() {
                self.attributes.as_ref().map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            } else {
                None
            },
            order: self.order,
            perm: self.perm,
            read_queue_nums: self.read_queue_nums,
            topic_filter_type: self.topic_filter_type,
            topic_name: self.topic_name.clone(),
            topic_sys_flag: self.topic_sys_flag,
            write_queue_nums: self.write_queue_nums,
        }
    }

    /// From the wire type (e.g. an UPDATE_AND_CREATE_TOPIC request).
    pub fn from_protocol(p: &proto::TopicConfig) -> Self {
        TopicConfig {
            topic_name: p.topic_name.clone(),
            read_queue_nums: p.read_queue_nums,
            write_queue_nums: p.write_queue_nums,
            perm: p.perm,
            topic_filter_type: p.topic_filter_type,
            topic_sys_flag: p.topic_sys_flag,
            order: p.order,
            attributes: Some(
                p.attributes
                    .as_ref()
                    .map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
            ),
            extra: Extra::new(),
        }
    }
}

/// Enum constants by name, or by ordinal as fastjson also accepts.
fn parse_filter_type(v: &Value) -> Option<TopicFilterType> {
    match v {
        Value::String(s) => TopicFilterType::from_name(s),
        Value::Number(n) => match n.as_i64()? {
            0 => Some(TopicFilterType::SingleTag),
            1 => Some(TopicFilterType::MultiTag),
            _ => None,
        },
        _ => None,
    }
}

/// The version stamp as `flavor` writes it: 5.3.3 always has `stateVersion`.
pub(crate) fn version_for(flavor: Flavor, v: DataVersion) -> DataVersion {
    if flavor.is_v5() {
        v.with_state_version()
    } else {
        v
    }
}

/// `new DataVersion()` in `flavor`'s shape.
pub(crate) fn fresh_version(flavor: Flavor) -> DataVersion {
    let v = DataVersion::now();
    if flavor.is_v5() {
        v
    } else {
        DataVersion { state_version: None, ..v }
    }
}

/// Mirrors `TopicConfigSerializeWrapper`: the whole `topics.json` document.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicConfigSerializeWrapper {
    /// The table's version.
    pub data_version: DataVersion,
    /// Topic → config, in table order.
    pub topic_config_table: IndexMap<String, TopicConfig>,
    /// Unknown top-level properties.
    pub extra: Extra,
    /// Unknown properties of `dataVersion`.
    pub data_version_extra: Extra,
}

impl TopicConfigSerializeWrapper {
    /// An empty table with a fresh version.
    pub fn new(flavor: Flavor) -> Self {
        TopicConfigSerializeWrapper {
            data_version: fresh_version(flavor),
            topic_config_table: IndexMap::new(),
            extra: Extra::new(),
            data_version_extra: Extra::new(),
        }
    }

    /// Decodes a file's bytes; `Ok(None)` for a blank or `null` document.
    pub fn decode(bytes: &[u8], flavor: Flavor) -> Result<Option<Self>, DecodeError> {
        bean::parse_document(bytes)?.map(|v| Self::from_value(v, flavor)).transpose()
    }

    /// Decodes a parsed document. A missing `dataVersion` is a fresh one, as in Java.
    pub fn from_value(v: Value, flavor: Flavor) -> Result<Self, DecodeError> {
        let mut r = BeanReader::new(v, "")?;
        let mut data_version_extra = Extra::new();
        let data_version =
            r.data_version("dataVersion", &mut data_version_extra)?.unwrap_or_else(|| fresh_version(flavor));
        let topic_config_table = match r.take("topicConfigTable") {
            None => IndexMap::new(),
            Some(t) => bean::bean_map(t, "topicConfigTable", |v, path| {
                let key = path.get("topicConfigTable.".len()..).unwrap_or_default();
                TopicConfig::from_value(v, path, key, flavor)
            })?,
        };
        Ok(TopicConfigSerializeWrapper { data_version, topic_config_table, extra: r.finish(), data_version_extra })
    }

    /// The document node.
    pub fn to_node(&self, flavor: Flavor) -> Node {
        BeanWriter::new()
            .prop(
                "dataVersion",
                bean::data_version_node(&version_for(flavor, self.data_version), &self.data_version_extra),
            )
            .prop(
                "topicConfigTable",
                Node::Map(self.topic_config_table.iter().map(|(k, v)| (k.clone(), v.to_node(flavor))).collect()),
            )
            .extra(&self.extra)
            .build()
    }

    /// The file's bytes, as Java's `persist()` writes them.
    pub fn encode(&self, flavor: Flavor) -> Vec<u8> {
        self.to_node(flavor).to_pretty()
    }

    /// The wire type (`protocol::topic::TopicConfigSerializeWrapper`), for REGISTER_BROKER.
    pub fn to_protocol(&self, flavor: Flavor) -> proto::TopicConfigSerializeWrapper {
        proto::TopicConfigSerializeWrapper {
            data_version: version_for(flavor, self.data_version),
            mapping_data_version: None,
            topic_config_table: self
                .topic_config_table
                .iter()
                .map(|(k, v)| (k.clone(), v.to_protocol(flavor)))
                .collect(),
            topic_queue_mapping_detail_map: None,
            topic_queue_mapping_info_map: None,
        }
    }
}

/// The `BrokerConfig`/`MessageStoreConfig` values `TopicConfigManager` reads; `Default` = Java's defaults
/// (except `broker_name`, which Java takes from the host name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSettings {
    /// `brokerClusterName` (`DefaultCluster`).
    pub broker_cluster_name: String,
    /// `brokerName`.
    pub broker_name: String,
    /// `autoCreateTopicEnable` (true): adds `TBW102` and lets producers create topics.
    pub auto_create_topic_enable: bool,
    /// `defaultTopicQueueNums` (8): queues of `TBW102`.
    pub default_topic_queue_nums: i32,
    /// `clusterTopicEnable` (true): the cluster-name topic is readable and writable.
    pub cluster_topic_enable: bool,
    /// `brokerTopicEnable` (true): the broker-name topic is readable and writable.
    pub broker_topic_enable: bool,
    /// `traceTopicEnable` (false).
    pub trace_topic_enable: bool,
    /// `msgTraceTopicName` (`RMQ_SYS_TRACE_TOPIC`).
    pub msg_trace_topic_name: String,
    /// [5.3.3] `reviveQueueNum` (8): queues of the POP revive topic.
    pub revive_queue_num: i32,
    /// [5.3.3] `timerWheelEnable` (true): adds `rmq_sys_wheel_timer`.
    pub timer_wheel_enable: bool,
}

impl Default for TopicSettings {
    fn default() -> Self {
        TopicSettings {
            broker_cluster_name: "DefaultCluster".into(),
            broker_name: "DEFAULT_BROKER".into(),
            auto_create_topic_enable: true,
            default_topic_queue_nums: 8,
            cluster_topic_enable: true,
            broker_topic_enable: true,
            trace_topic_enable: false,
            msg_trace_topic_name: RMQ_SYS_TRACE_TOPIC.into(),
            revive_queue_num: 8,
            timer_wheel_enable: true,
        }
    }
}

/// The topics `TopicConfigManager`'s constructor (4.9.8) / `init()` (5.3.3) puts in the table, in that
/// order. They reach `topics.json` with the next persist.
pub fn system_topics(flavor: Flavor, s: &TopicSettings) -> Vec<TopicConfig> {
    let rw = perm::PERM_READ | perm::PERM_WRITE;
    let q = |name: &str, queues: i32| TopicConfig::with_queues(name, queues, queues, rw);
    let mut out = vec![q(RMQ_SYS_SELF_TEST_TOPIC, 1)];
    if s.auto_create_topic_enable {
        out.push(TopicConfig::with_queues(
            AUTO_CREATE_TOPIC_KEY_TOPIC,
            s.default_topic_queue_nums,
            s.default_topic_queue_nums,
            perm::PERM_INHERIT | rw,
        ));
    }
    out.push(q(RMQ_SYS_BENCHMARK_TOPIC, 1024));
    let mut cluster = TopicConfig::new(s.broker_cluster_name.as_str());
    cluster.perm = perm::PERM_INHERIT | if s.cluster_topic_enable { rw } else { 0 };
    out.push(cluster);
    out.push(TopicConfig::with_queues(
        s.broker_name.as_str(),
        1,
        1,
        perm::PERM_INHERIT | if s.broker_topic_enable { rw } else { 0 },
    ));
    out.push(q(RMQ_SYS_OFFSET_MOVED_EVENT, 1));
    out.push(q(RMQ_SYS_SCHEDULE_TOPIC, SCHEDULE_TOPIC_QUEUE_NUM));
    if s.trace_topic_enable {
        out.push(q(&s.msg_trace_topic_name, 1));
    }
    out.push(q(&format!("{}_{REPLY_TOPIC_POSTFIX}", s.broker_cluster_name), 1));
    if flavor.is_v5() {
        out.push(q(&format!("{REVIVE_TOPIC_PREFIX}{}", s.broker_cluster_name), s.revive_queue_num));
        out.push(TopicConfig::with_queues(
            format!("{SYNC_BROKER_MEMBER_GROUP_PREFIX}{}", s.broker_name),
            1,
            1,
            perm::PERM_INHERIT,
        ));
        out.push(q(RMQ_SYS_TRANS_HALF_TOPIC, 1));
        out.push(q(RMQ_SYS_TRANS_OP_HALF_TOPIC, 1));
        if s.timer_wheel_enable {
            out.push(q(TIMER_TOPIC, 1));
        }
    }
    out
}

/// Result of the `createTopicIn…` operations.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    /// The topic's config (`None` when it could not be created).
    pub config: Option<TopicConfig>,
    /// The topic was created by this call: Java then registers the broker with the NameServers.
    pub created: bool,
}

#[path = "topic_manager.rs"]
mod manager;
pub use manager::*;

#[cfg(test)]
#[path = "topics_tests.rs"]
mod tests;
