//! The manager half of [`super`]: the table in memory, Java's operations on it, and the file.

#[allow(unused_imports)]
use super::*;

/// Owns `topics.json`. Mirrors `org.apache.rocketmq.broker.topic.TopicConfigManager` of the chosen flavor.
///
/// Every change bumps the data version and persists the file (a persist failure is logged, as in Java; the
/// in-memory change stays). Methods take `&self`; the table sits behind a lock.
#[derive(Debug)]
pub struct TopicConfigManager {
    pub(super) settings: TopicSettings,
    /// `TopicValidator`'s system topic set for these settings (fixed once the manager exists).
    pub(super) system_topic_set: BTreeSet<String>,
    pub(super) doc: ConfigDocument<TopicsState>,
}

/// The document plus the table's Java iteration order (`new ConcurrentHashMap<>(1024)`).
#[derive(Debug)]
pub(super) struct TopicsState {
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
        let mut system_topic_set: BTreeSet<String> = [
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
        if flavor.is_v5() {
            system_topic_set.insert(RMQ_SYS_ROCKSDB_OFFSET_TOPIC.to_owned());
        }
        for t in system_topics(flavor, &settings) {
            system_topic_set.insert(t.topic_name.clone());
            state.insert(t);
        }
        TopicConfigManager {
            settings,
            system_topic_set,
            doc: ConfigDocument::new(store_root, TOPICS_JSON, flavor, state),
        }
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
    /// manager's constructor registers as a system topic (built once, in [`Self::new`]).
    pub fn system_topic_set(&self) -> &BTreeSet<String> {
        &self.system_topic_set
    }

    /// `TopicValidator.isSystemTopic`: in [`Self::system_topic_set`] or prefixed `rmq_sys_`.
    pub fn is_system_topic(&self, topic: &str) -> bool {
        topic.starts_with(SYSTEM_TOPIC_PREFIX) || self.system_topic_set.contains(topic)
    }

    /// `buildTopicConfigSerializeWrapper` as the wire type, for REGISTER_BROKER.
    pub fn build_topic_config_serialize_wrapper(&self) -> proto::TopicConfigSerializeWrapper {
        self.doc.read().file.to_protocol(self.doc.flavor())
    }
}
