//! Topic configs as the broker's processors and registration need them.
//!
//! [`TopicConfigStore`] is the seam to Java's `TopicConfigManager` (persisted as `config/topics.json`). The
//! store branch owns that file; until it is merged, [`MemTopicConfigs`] keeps the table in memory, created
//! with the system topics Java's manager creates at start (broker-client-protocol.md §8.1). The lead backs
//! the trait with the store's manager on merge; nothing else in the broker depends on the in-memory type.
//!
//! Later additions (SEND auto-creation through `TBW102`, admin updates) extend this trait:
//! `create_topic_in_send_message_method`, `update_topic_config`, `delete_topic_config`.

use std::collections::BTreeMap;
use std::fmt;

use parking_lot::RwLock;

use super::config::BrokerConfig;
use crate::protocol::body::KVTable;
use crate::protocol::data_version::DataVersion;
use crate::protocol::route::perm;
use crate::protocol::topic::{TopicConfig, TopicConfigSerializeWrapper};

/// `TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC`.
pub const AUTO_CREATE_TOPIC_KEY_TOPIC: &str = "TBW102";
/// `TopicValidator.RMQ_SYS_SELF_TEST_TOPIC`.
pub const SELF_TEST_TOPIC: &str = "SELF_TEST_TOPIC";
/// `TopicValidator.RMQ_SYS_BENCHMARK_TOPIC`.
pub const BENCHMARK_TOPIC: &str = "BenchmarkTest";
/// `TopicValidator.RMQ_SYS_OFFSET_MOVED_EVENT`.
pub const OFFSET_MOVED_EVENT: &str = "OFFSET_MOVED_EVENT";
/// `TopicValidator.RMQ_SYS_SCHEDULE_TOPIC`.
pub const SCHEDULE_TOPIC: &str = "SCHEDULE_TOPIC_XXXX";
/// `MixAll.REPLY_TOPIC_POSTFIX`: the reply topic is `<cluster>_REPLY_TOPIC`.
pub const REPLY_TOPIC_POSTFIX: &str = "REPLY_TOPIC";
/// `MixAll.RETRY_GROUP_TOPIC_PREFIX`.
pub const RETRY_GROUP_TOPIC_PREFIX: &str = "%RETRY%";
/// `TopicConfigManager.SCHEDULE_TOPIC_QUEUE_NUM`.
const SCHEDULE_TOPIC_QUEUE_NUM: i32 = 18;

/// `MixAll.getRetryTopic`.
pub fn retry_topic(group: &str) -> String {
    format!("{RETRY_GROUP_TOPIC_PREFIX}{group}")
}

/// The broker's topic table (Java's `TopicConfigManager`), behind which the store's `topics.json` manager will
/// sit. Implementations are internally synchronised.
pub trait TopicConfigStore: Send + Sync + fmt::Debug {
    /// `selectTopicConfig`: the config of `topic`, if any.
    fn select_topic_config(&self, topic: &str) -> Option<TopicConfig>;

    /// `buildTopicConfigSerializeWrapper`: the whole table with its DataVersion, for REGISTER_BROKER.
    fn build_topic_config_serialize_wrapper(&self) -> TopicConfigSerializeWrapper;

    /// `createTopicInSendMessageBackMethod`: returns the existing config of `topic` (updating its `order` flag if
    /// it differs), or creates it with `queue_nums` read/write queues, `perm`, `order` and `topic_sys_flag`,
    /// bumping the DataVersion. The flag is true when the topic was created: the caller must then register with
    /// the NameServers at once.
    fn create_topic_in_send_message_back_method(
        &self,
        topic: &str,
        queue_nums: i32,
        perm: i32,
        order: bool,
        topic_sys_flag: i32,
    ) -> (TopicConfig, bool);

    /// `updateOrderTopicConfig` (5.3.3): sets `order` on every topic named in the NameServer's
    /// `ORDER_TOPIC_CONFIG` table, bumping the DataVersion if anything changed (never clears the flag).
    fn update_order_topic_config(&self, order_topics: &KVTable);

    /// `isOrderTopic`.
    fn is_order_topic(&self, topic: &str) -> bool {
        self.select_topic_config(topic).is_some_and(|c| c.order)
    }
}

/// An in-memory [`TopicConfigStore`] (nothing persisted), until the store's manager is merged.
#[derive(Debug)]
pub struct MemTopicConfigs {
    inner: RwLock<Table>,
}

#[derive(Debug)]
struct Table {
    topics: BTreeMap<String, TopicConfig>,
    data_version: DataVersion,
}

/// A 5.3.3-shaped topic config (`attributes` written as `{}`).
fn topic(name: impl Into<String>, queues: i32, perm: i32) -> TopicConfig {
    TopicConfig { attributes: Some(BTreeMap::new()), ..TopicConfig::new(name, queues, queues, perm) }
}

impl MemTopicConfigs {
    /// An empty table.
    pub fn new() -> Self {
        MemTopicConfigs { inner: RwLock::new(Table { topics: BTreeMap::new(), data_version: DataVersion::now() }) }
    }

    /// The table Java's `TopicConfigManager` starts with for `config` (broker-client-protocol.md §8.1).
    pub fn with_system_topics(config: &BrokerConfig) -> Self {
        let rw = perm::PERM_READ | perm::PERM_WRITE;
        let mut topics = vec![topic(SELF_TEST_TOPIC, 1, rw)];
        if config.auto_create_topic_enable {
            topics.push(topic(AUTO_CREATE_TOPIC_KEY_TOPIC, config.default_topic_queue_nums, perm::PERM_INHERIT | rw));
        }
        topics.push(topic(BENCHMARK_TOPIC, 1024, rw));
        let cluster_perm = perm::PERM_INHERIT | if config.cluster_topic_enable { rw } else { 0 };
        topics.push(topic(config.broker_cluster_name.clone(), 16, cluster_perm));
        let broker_perm = perm::PERM_INHERIT | if config.broker_topic_enable { rw } else { 0 };
        topics.push(topic(config.broker_name.clone(), 1, broker_perm));
        topics.push(topic(OFFSET_MOVED_EVENT, 1, rw));
        topics.push(topic(SCHEDULE_TOPIC, SCHEDULE_TOPIC_QUEUE_NUM, rw));
        if config.trace_topic_enable {
            topics.push(topic(config.msg_trace_topic_name.clone(), 1, rw));
        }
        topics.push(topic(format!("{}_{REPLY_TOPIC_POSTFIX}", config.broker_cluster_name), 1, rw));
        let store = MemTopicConfigs::new();
        {
            let mut table = store.inner.write();
            for t in topics {
                table.topics.insert(t.topic_name.clone(), t);
            }
        }
        store
    }

    /// Adds or replaces a topic (bumping the DataVersion).
    pub fn put_topic_config(&self, config: TopicConfig) {
        let mut table = self.inner.write();
        table.topics.insert(config.topic_name.clone(), config);
        table.data_version.next_version();
    }
}

impl Default for MemTopicConfigs {
    fn default() -> Self {
        Self::new()
    }
}

impl TopicConfigStore for MemTopicConfigs {
    fn select_topic_config(&self, topic: &str) -> Option<TopicConfig> {
        self.inner.read().topics.get(topic).cloned()
    }

    fn build_topic_config_serialize_wrapper(&self) -> TopicConfigSerializeWrapper {
        let table = self.inner.read();
        TopicConfigSerializeWrapper {
            data_version: table.data_version,
            topic_config_table: table.topics.clone(),
            ..Default::default()
        }
    }

    fn create_topic_in_send_message_back_method(
        &self,
        name: &str,
        queue_nums: i32,
        perm: i32,
        order: bool,
        topic_sys_flag: i32,
    ) -> (TopicConfig, bool) {
        let mut table = self.inner.write();
        if let Some(existing) = table.topics.get_mut(name) {
            if existing.order != order {
                existing.order = order;
                let updated = existing.clone();
                table.data_version.next_version();
                return (updated, false);
            }
            return (existing.clone(), false);
        }
        let config = TopicConfig { topic_sys_flag, order, ..topic(name, queue_nums, perm) };
        table.topics.insert(name.to_owned(), config.clone());
        table.data_version.next_version();
        tracing::info!("create new topic {name}");
        (config, true)
    }

    fn update_order_topic_config(&self, order_topics: &KVTable) {
        let mut table = self.inner.write();
        let mut changed = false;
        for name in order_topics.table.keys() {
            if let Some(config) = table.topics.get_mut(name) {
                if !config.order {
                    config.order = true;
                    changed = true;
                    tracing::info!("update order topic config, topic={name}, order=true");
                }
            }
        }
        if changed {
            table.data_version.next_version();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> BrokerConfig {
        BrokerConfig::from_properties([("brokerName", "broker-a"), ("brokerClusterName", "C")])
    }

    #[test]
    fn system_topics_at_start() {
        let store = MemTopicConfigs::with_system_topics(&config());
        let tbw = store.select_topic_config("TBW102").unwrap();
        assert_eq!((tbw.read_queue_nums, tbw.write_queue_nums, tbw.perm), (8, 8, 7));
        assert_eq!(store.select_topic_config("C").unwrap().perm, 7);
        assert_eq!(store.select_topic_config("C").unwrap().read_queue_nums, 16);
        assert_eq!(store.select_topic_config("broker-a").unwrap().read_queue_nums, 1);
        assert_eq!(store.select_topic_config("SCHEDULE_TOPIC_XXXX").unwrap().read_queue_nums, 18);
        assert_eq!(store.select_topic_config("C_REPLY_TOPIC").unwrap().perm, 6);
        assert!(store.select_topic_config("RMQ_SYS_TRACE_TOPIC").is_none());
        let wrapper = store.build_topic_config_serialize_wrapper();
        assert_eq!(wrapper.topic_config_table.len(), 8);

        let no_auto = BrokerConfig { auto_create_topic_enable: false, cluster_topic_enable: false, ..config() };
        let store = MemTopicConfigs::with_system_topics(&no_auto);
        assert!(store.select_topic_config("TBW102").is_none());
        assert_eq!(store.select_topic_config("C").unwrap().perm, 1);
    }

    #[test]
    fn send_back_creation_bumps_the_version_once() {
        let store = MemTopicConfigs::new();
        let v0 = store.build_topic_config_serialize_wrapper().data_version;
        let (c, created) = store.create_topic_in_send_message_back_method("%RETRY%g", 1, 6, false, 0);
        assert!(created);
        assert_eq!((c.read_queue_nums, c.write_queue_nums, c.perm), (1, 1, 6));
        let v1 = store.build_topic_config_serialize_wrapper().data_version;
        assert_eq!(v1.counter, v0.counter + 1);
        let (_, created) = store.create_topic_in_send_message_back_method("%RETRY%g", 1, 6, false, 0);
        assert!(!created);
        assert_eq!(store.build_topic_config_serialize_wrapper().data_version, v1);
        let (c, created) = store.create_topic_in_send_message_back_method("%RETRY%g", 1, 6, true, 0);
        assert!(!created && c.order && store.is_order_topic("%RETRY%g"));
    }

    #[test]
    fn order_table_sets_but_never_clears() {
        let store = MemTopicConfigs::new();
        store.put_topic_config(TopicConfig::new("A", 4, 4, 6));
        store.put_topic_config(TopicConfig { order: true, ..TopicConfig::new("B", 4, 4, 6) });
        let kv = KVTable { table: [("A".to_owned(), "broker-a:4".to_owned())].into() };
        store.update_order_topic_config(&kv);
        assert!(store.is_order_topic("A"));
        assert!(store.is_order_topic("B"));
        assert!(!store.is_order_topic("missing"));
    }
}
