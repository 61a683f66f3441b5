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

/// Owns `topics.json`. Mirrors `org.apache.rocketmq.broker.topic.TopicConfigManager` of the chosen flavor.
///
/// Every change bumps the data version and persists the file (a persist failure is logged, as in Java; the
/// in-memory change stays). Methods take `&self`; the table sits behind a lock.
#[derive(Debug)]
pub struct TopicConfigManager {
    settings: TopicSettings,
    doc: ConfigDocument<TopicsState>,
}

/// The document plus the table's Java iteration order (`new ConcurrentHashMap<>(1024)`).
#[derive(Debug)]
struct TopicsState {
    file: TopicConfigSerializeWrapper,
    order: ChmOrder,
}

impl TopicsState {
    fn insert(&mut self, config: TopicConfig) -> Option<TopicConfig> {
        let topic = config.topic_name.clone();
        let old = self.file.topic_config_table.insert(topic.clone(), config);
        if old.is_none() {
            self.order.put(&topic);
            java_order::reorder(&mut self.file.topic_config_table, &self.order);
        }
        old
    }

    fn remove(&mut self, topic: &str) -> Option<TopicConfig> {
        let old = self.file.topic_config_table.shift_remove(topic);
        if old.is_some() {
            self.order.remove(topic);
        }
        old
    }
}

impl DocumentState for TopicsState {
    type File = TopicConfigSerializeWrapper;

    fn decode(bytes: &[u8], flavor: Flavor) -> Result<Option<TopicConfigSerializeWrapper>, DecodeError> {
        TopicConfigSerializeWrapper::decode(bytes, flavor)
    }

    /// `putAll` of the file's table in the order of the map fastjson read it into; the file's data version
    /// and unknown properties are taken.
    fn merge(&mut self, file: TopicConfigSerializeWrapper, _flavor: Flavor) {
        let parsed = java_order::fresh_chm_order(file.topic_config_table.keys().map(String::as_str));
        self.order.put_all(parsed.keys());
        let mut table = file.topic_config_table;
        for (k, v) in std::mem::take(&mut self.file.topic_config_table) {
            table.entry(k).or_insert(v);
        }
        java_order::reorder(&mut table, &self.order);
        self.file = TopicConfigSerializeWrapper {
            data_version: file.data_version,
            topic_config_table: table,
            extra: file.extra,
            data_version_extra: file.data_version_extra,
        };
    }

    fn encode(&self, flavor: Flavor) -> Vec<u8> {
        self.file.encode(flavor)
    }
}

impl TopicConfigManager {
    /// A manager for `<store_root>/config/topics.json` whose table holds the [`system_topics`].
    pub fn new(store_root: &Path, flavor: Flavor, settings: TopicSettings) -> Self {
        let mut state = TopicsState {
            file: TopicConfigSerializeWrapper::new(flavor),
            order: ChmOrder::with_initial_capacity(1024),
        };
        for t in system_topics(flavor, &settings) {
            state.insert(t);
        }
        TopicConfigManager { settings, doc: ConfigDocument::new(store_root, TOPICS_JSON, flavor, state) }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        self.doc.path()
    }

    /// The flavor.
    pub fn flavor(&self) -> Flavor {
        self.doc.flavor()
    }

    /// `load()`: merges the file (or its `.bak`) into the table (`putAll`, in the order of the map fastjson
    /// read it into) and takes its data version and unknown properties.
    pub fn load(&self) -> Result<LoadSource, ConfigFileError> {
        self.doc.load()
    }

    /// The file's bytes for the current table.
    pub fn encode(&self) -> Vec<u8> {
        self.doc.encode()
    }

    /// Writes the file now (tmp → fsync → `.bak` → rename).
    pub fn persist(&self) -> Result<(), ConfigFileError> {
        self.doc.persist()
    }

    fn persist_logged(&self) {
        self.doc.persist_logged();
    }

    /// A copy of the whole document (table, version, unknown properties).
    pub fn snapshot(&self) -> TopicConfigSerializeWrapper {
        self.doc.read().file.clone()
    }

    /// A copy of the table.
    pub fn topic_config_table(&self) -> IndexMap<String, TopicConfig> {
        self.doc.read().file.topic_config_table.clone()
    }

    /// The table's data version (in the flavor's shape).
    pub fn data_version(&self) -> DataVersion {
        version_for(self.doc.flavor(), self.doc.read().file.data_version)
    }

    /// Replaces the data version (e.g. a slave taking its master's).
    pub fn set_data_version(&self, version: DataVersion) {
        self.doc.write().file.data_version = version;
    }

    /// `updateDataVersion()` / `dataVersion.nextVersion()`.
    pub fn update_data_version(&self) {
        self.doc.write().file.data_version.next_version();
    }

    /// `selectTopicConfig`.
    pub fn select_topic_config(&self, topic: &str) -> Option<TopicConfig> {
        self.doc.read().file.topic_config_table.get(topic).cloned()
    }

    /// `containsTopic`.
    pub fn contains_topic(&self, topic: &str) -> bool {
        self.doc.read().file.topic_config_table.contains_key(topic)
    }

    /// `isOrderTopic`.
    pub fn is_order_topic(&self, topic: &str) -> bool {
        self.doc.read().file.topic_config_table.get(topic).is_some_and(|t| t.order)
    }

    /// `putTopicConfig`: no version bump, no persist. Returns the previous config.
    pub fn put_topic_config(&self, config: TopicConfig) -> Option<TopicConfig> {
        self.doc.write().insert(config)
    }

    /// Inserts `config` unless its topic exists; on insert bumps the version and persists.
    fn insert_new(
        &self,
        topic: &str,
        make: impl FnOnce(&TopicConfigSerializeWrapper) -> Option<TopicConfig>,
    ) -> Created {
        let created = {
            let mut state = self.doc.write();
            if let Some(existing) = state.file.topic_config_table.get(topic) {
                return Created { config: Some(existing.clone()), created: false };
            }
            let Some(config) = make(&state.file) else {
                return Created { config: None, created: false };
            };
            state.insert(config.clone());
            state.file.data_version.next_version();
            config
        };
        self.persist_logged();
        Created { config: Some(created), created: true }
    }

    /// `createTopicInSendMessageMethod`: creates `topic` from `default_topic` (normally `TBW102`) if that one
    /// has the inherit permission: `min(client_default_topic_queue_nums, default's writeQueueNums)` queues,
    /// the default's perm without INHERIT, its filter type. With auto-creation off, `TBW102`'s perm is first
    /// reset to read|write (so nothing inherits from it), as Java does.
    pub fn create_topic_in_send_message_method(
        &self,
        topic: &str,
        default_topic: &str,
        remote_address: &str,
        client_default_topic_queue_nums: i32,
        topic_sys_flag: i32,
    ) -> Created {
        let auto_create = self.settings.auto_create_topic_enable;
        {
            let mut state = self.doc.write();
            if !state.file.topic_config_table.contains_key(topic)
                && default_topic == AUTO_CREATE_TOPIC_KEY_TOPIC
                && !auto_create
            {
                if let Some(d) = state.file.topic_config_table.get_mut(default_topic) {
                    d.perm = perm::PERM_READ | perm::PERM_WRITE;
                }
            }
        }
        self.insert_new(topic, |state| {
            let Some(default) = state.topic_config_table.get(default_topic) else {
                tracing::warn!(
                    "Create new topic failed, because the default topic[{default_topic}] not exist. producer:[{remote_address}]"
                );
                return None;
            };
            if !perm::is_inherited(default.perm) {
                tracing::warn!(
                    "Create new topic failed, because the default topic[{default_topic}] has no perm [{}] producer:[{remote_address}]",
                    default.perm
                );
                return None;
            }
            let queues = client_default_topic_queue_nums.min(default.write_queue_nums).max(0);
            let mut t = TopicConfig::with_queues(topic, queues, queues, default.perm & !perm::PERM_INHERIT);
            t.topic_sys_flag = topic_sys_flag;
            t.topic_filter_type = default.topic_filter_type;
            tracing::info!("Create new topic by default topic:[{default_topic}] config:[{t:?}] producer:[{remote_address}]");
            Some(t)
        })
    }

    /// `createTopicInSendMessageBackMethod` (retry and DLQ topics). [5.3.3] An existing topic whose `order`
    /// differs from `is_order` gets `order` updated (4.9.8 returns it unchanged).
    pub fn create_topic_in_send_message_back_method(
        &self,
        topic: &str,
        client_default_topic_queue_nums: i32,
        perm: i32,
        is_order: bool,
        topic_sys_flag: i32,
    ) -> Created {
        if self.doc.flavor().is_v5() {
            let changed = {
                let mut state = self.doc.write();
                match state.file.topic_config_table.get_mut(topic) {
                    Some(t) if t.order != is_order => {
                        t.order = is_order;
                        state.file.data_version.next_version();
                        true
                    }
                    _ => false,
                }
            };
            if changed {
                self.persist_logged();
            }
        }
        self.insert_new(topic, |_| {
            let mut t =
                TopicConfig::with_queues(topic, client_default_topic_queue_nums, client_default_topic_queue_nums, perm);
            t.topic_sys_flag = topic_sys_flag;
            if self.doc.flavor().is_v5() {
                t.order = is_order;
            }
            Some(t)
        })
    }

    /// `createTopicOfTranCheckMaxTime`: `TRANS_CHECK_MAX_TIME_TOPIC`.
    pub fn create_topic_of_tran_check_max_time(&self, client_default_topic_queue_nums: i32, perm: i32) -> Created {
        self.insert_new(RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, |_| {
            Some(TopicConfig::with_queues(
                RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
                client_default_topic_queue_nums,
                client_default_topic_queue_nums,
                perm,
            ))
        })
    }

    /// [5.3.3] `createTopicIfAbsent`.
    pub fn create_topic_if_absent(&self, config: TopicConfig) -> Created {
        let topic = config.topic_name.clone();
        self.insert_new(&topic, |_| Some(config))
    }

    fn update_sys_flag(&self, topic: &str, f: impl FnOnce(i32) -> i32) -> Option<TopicConfig> {
        let updated = {
            let mut state = self.doc.write();
            let t = state.file.topic_config_table.get_mut(topic)?;
            t.topic_sys_flag = f(t.topic_sys_flag);
            let t = t.clone();
            state.file.data_version.next_version();
            t
        };
        self.persist_logged();
        Some(updated)
    }

    /// `updateTopicUnitFlag`. Returns the updated config (Java then registers with the NameServers).
    pub fn update_topic_unit_flag(&self, topic: &str, unit: bool) -> Option<TopicConfig> {
        self.update_sys_flag(
            topic,
            |f| {
                if unit {
                    f | topic_sys_flag::FLAG_UNIT
                } else {
                    f & !topic_sys_flag::FLAG_UNIT
                }
            },
        )
    }

    /// `updateTopicUnitSubFlag`.
    pub fn update_topic_unit_sub_flag(&self, topic: &str, has_unit_sub: bool) -> Option<TopicConfig> {
        self.update_sys_flag(topic, |f| {
            if has_unit_sub {
                f | topic_sys_flag::FLAG_UNIT_SUB
            } else {
                f & !topic_sys_flag::FLAG_UNIT_SUB
            }
        })
    }

    /// [5.3.3] `updateSingleTopicConfigWithoutPersist`: applies the request's `+key`/`-key` attributes to the
    /// stored ones, then puts the config and bumps the version. 4.9.8 puts the config as given.
    pub fn update_topic_config_without_persist(&self, mut config: TopicConfig) -> Result<(), AttributeError> {
        let mut state = self.doc.write();
        if self.doc.flavor().is_v5() {
            let current = state.file.topic_config_table.get(&config.topic_name);
            let requested = config.attributes.clone().unwrap_or_default();
            let final_attributes = attributes::alter_current_attributes(
                current.is_none(),
                attributes::TOPIC_ATTRIBUTES,
                &current.map(TopicConfig::attributes).unwrap_or_default(),
                &requested,
            )?;
            config.attributes = Some(final_attributes);
        }
        state.insert(config);
        state.file.data_version.next_version();
        Ok(())
    }

    /// `updateTopicConfig`: [`Self::update_topic_config_without_persist`], then persist.
    pub fn update_topic_config(&self, config: TopicConfig) -> Result<(), AttributeError> {
        self.update_topic_config_without_persist(config)?;
        self.persist_logged();
        Ok(())
    }

    /// [5.3.3] `updateTopicConfigList`: every config, one persist (stops at the first refused update).
    pub fn update_topic_config_list(&self, configs: Vec<TopicConfig>) -> Result<(), AttributeError> {
        let mut result = Ok(());
        for c in configs {
            result = self.update_topic_config_without_persist(c);
            if result.is_err() {
                break;
            }
        }
        self.persist_logged();
        result
    }

    /// `updateOrderTopicConfig` with the NameServer's ORDER_TOPIC_CONFIG KV table keys: marks those topics
    /// ordered; 4.9.8 also clears `order` on every other topic.
    pub fn update_order_topic_config(&self, order_topics: &[String]) {
        let changed = {
            let mut state = self.doc.write();
            let mut changed = false;
            for topic in order_topics {
                if let Some(t) = state.file.topic_config_table.get_mut(topic.as_str()) {
                    if !t.order {
                        t.order = true;
                        changed = true;
                    }
                }
            }
            if !self.doc.flavor().is_v5() {
                for (topic, t) in state.file.topic_config_table.iter_mut() {
                    if t.order && !order_topics.iter().any(|o| o == topic) {
                        t.order = false;
                        changed = true;
                    }
                }
            }
            if changed {
                state.file.data_version.next_version();
            }
            changed
        };
        if changed {
            self.persist_logged();
        }
    }

    /// `deleteTopicConfig`: returns the removed config.
    pub fn delete_topic_config(&self, topic: &str) -> Option<TopicConfig> {
        let old = {
            let mut state = self.doc.write();
            let old = state.remove(topic);
            if old.is_some() {
                state.file.data_version.next_version();
            }
            old
        };
        match &old {
            Some(_) => self.persist_logged(),
            None => tracing::warn!("delete topic config failed, topic: {topic} not exists"),
        }
        old
    }

    /// `TopicValidator.getSystemTopicSet()` as this broker has it: Java's fixed set plus every topic the
    /// manager's constructor registers as a system topic.
    pub fn system_topic_set(&self) -> BTreeSet<String> {
        let mut set: BTreeSet<String> = [
            AUTO_CREATE_TOPIC_KEY_TOPIC,
            RMQ_SYS_SCHEDULE_TOPIC,
            RMQ_SYS_BENCHMARK_TOPIC,
            RMQ_SYS_TRANS_HALF_TOPIC,
            RMQ_SYS_TRACE_TOPIC,
            RMQ_SYS_TRANS_OP_HALF_TOPIC,
            RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
            RMQ_SYS_SELF_TEST_TOPIC,
            RMQ_SYS_OFFSET_MOVED_EVENT,
        ]
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
        if self.doc.flavor().is_v5() {
            set.insert(RMQ_SYS_ROCKSDB_OFFSET_TOPIC.to_owned());
        }
        set.extend(system_topics(self.doc.flavor(), &self.settings).into_iter().map(|t| t.topic_name));
        set
    }

    /// `TopicValidator.isSystemTopic`: in [`Self::system_topic_set`] or prefixed `rmq_sys_`.
    pub fn is_system_topic(&self, topic: &str) -> bool {
        topic.starts_with(SYSTEM_TOPIC_PREFIX) || self.system_topic_set().contains(topic)
    }

    /// `buildTopicConfigSerializeWrapper` as the wire type, for REGISTER_BROKER.
    pub fn build_topic_config_serialize_wrapper(&self) -> proto::TopicConfigSerializeWrapper {
        self.doc.read().file.to_protocol(self.doc.flavor())
    }
}

#[cfg(test)]
#[path = "topics_tests.rs"]
mod tests;
