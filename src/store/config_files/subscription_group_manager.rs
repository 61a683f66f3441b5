//! The manager half of [`super`]: the table in memory, Java's operations on it, and the file.

#[allow(unused_imports)]
use super::*;

/// Owns `subscriptionGroup.json`. Mirrors `org.apache.rocketmq.broker.subscription.SubscriptionGroupManager`.
///
/// Every change bumps the data version and persists the file (failures are logged, as in Java).
#[derive(Debug)]
pub struct SubscriptionGroupManager {
    settings: SubscriptionGroupSettings,
    doc: ConfigDocument<GroupsState>,
}

/// The document plus the Java iteration order of its two tables (`new ConcurrentHashMap<>(1024)` and
/// `new ConcurrentHashMap<>(4)`).
#[derive(Debug)]
struct GroupsState {
    file: SubscriptionGroupFile,
    order: ChmOrder,
    forbidden_order: ChmOrder,
}

impl GroupsState {
    fn insert(&mut self, config: SubscriptionGroupConfig) {
        let group = config.group_name.clone();
        if self.file.subscription_group_table.insert(group.clone(), config).is_none() {
            self.order.put(&group);
            java_order::reorder(&mut self.file.subscription_group_table, &self.order);
        }
    }

    fn remove(&mut self, group: &str) -> Option<SubscriptionGroupConfig> {
        let old = self.file.subscription_group_table.shift_remove(group);
        if old.is_some() {
            self.order.remove(group);
        }
        old
    }

    fn remove_forbidden(&mut self, group: &str) {
        if self.file.forbidden_table.shift_remove(group).is_some() {
            self.forbidden_order.remove(group);
        }
    }

    /// The file with the inner forbidden maps in the order of Java's `new ConcurrentHashMap<>()`s.
    fn to_node(&self, flavor: Flavor) -> Node {
        let mut file = self.file.clone();
        for topics in file.forbidden_table.values_mut() {
            let order = java_order::fresh_chm_order(topics.keys().map(String::as_str));
            java_order::reorder(topics, &order);
        }
        file.to_node(flavor)
    }
}

impl DocumentState for GroupsState {
    type File = SubscriptionGroupFile;

    fn decode(bytes: &[u8], flavor: Flavor) -> Result<Option<SubscriptionGroupFile>, DecodeError> {
        SubscriptionGroupFile::decode(bytes, flavor)
    }

    fn merge(&mut self, mut file: SubscriptionGroupFile, flavor: Flavor) {
        let state = self;
        let keys = || file.subscription_group_table.keys().map(String::as_str);
        if flavor.is_v5() {
            // setSubscriptionGroupTable: fastjson builds a fresh ConcurrentHashMap.
            let parsed = java_order::fresh_chm_order(keys());
            state.order.put_all(parsed.keys());
        } else {
            // No setter: fastjson puts into the parsed object's own table, which holds the system groups.
            let mut parsed = ChmOrder::with_initial_capacity(1024);
            for g in system_groups(flavor) {
                parsed.put(&g.group_name);
            }
            for k in keys() {
                parsed.put(k);
            }
            state.order.put_all(parsed.keys());
        }
        let parsed = java_order::fresh_chm_order(file.forbidden_table.keys().map(String::as_str));
        state.forbidden_order.put_all(parsed.keys());
        for (k, v) in std::mem::take(&mut state.file.subscription_group_table) {
            file.subscription_group_table.entry(k).or_insert(v);
        }
        for (k, v) in std::mem::take(&mut state.file.forbidden_table) {
            file.forbidden_table.entry(k).or_insert(v);
        }
        java_order::reorder(&mut file.subscription_group_table, &state.order);
        java_order::reorder(&mut file.forbidden_table, &state.forbidden_order);
        if !flavor.is_v5() {
            file.data_version = fresh_version(flavor);
            file.data_version_extra = Extra::new();
        }
        state.file = file;
    }

    fn encode(&self, flavor: Flavor) -> Vec<u8> {
        self.to_node(flavor).to_pretty()
    }
}

impl SubscriptionGroupManager {
    /// A manager for `<store_root>/config/subscriptionGroup.json` whose table holds the [`system_groups`].
    pub fn new(store_root: &Path, flavor: Flavor, settings: SubscriptionGroupSettings) -> Self {
        let mut state = GroupsState {
            file: SubscriptionGroupFile::new(flavor),
            order: ChmOrder::with_initial_capacity(1024),
            forbidden_order: ChmOrder::with_initial_capacity(4),
        };
        for g in system_groups(flavor) {
            state.insert(g);
        }
        SubscriptionGroupManager {
            settings,
            doc: ConfigDocument::new(store_root, SUBSCRIPTION_GROUP_JSON, flavor, state),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        self.doc.path()
    }

    /// `load()`: merges the file (or its `.bak`) into the table and the forbidden table (`putAll`, in the
    /// order Java's parsed object iterates) and takes its data version — except that 4.9.8, whose
    /// `dataVersion` has no setter, restarts from a fresh version (counter 0), as Java does.
    pub fn load(&self) -> Result<LoadSource, ConfigFileError> {
        self.doc.load()
    }

    /// The file's bytes for the current table.
    pub fn encode(&self) -> Vec<u8> {
        self.doc.encode()
    }

    /// `encode()` without pretty-printing: the GET_ALL_SUBSCRIPTIONGROUP_CONFIG body.
    pub fn encode_compact(&self) -> Vec<u8> {
        self.doc.read().to_node(self.doc.flavor()).to_compact()
    }

    /// Writes the file now (tmp → fsync → `.bak` → rename).
    pub fn persist(&self) -> Result<(), ConfigFileError> {
        self.doc.persist()
    }

    fn persist_logged(&self) {
        self.doc.persist_logged();
    }

    /// A copy of the whole document.
    pub fn snapshot(&self) -> SubscriptionGroupFile {
        self.doc.read().file.clone()
    }

    /// A copy of the table.
    pub fn subscription_group_table(&self) -> IndexMap<String, SubscriptionGroupConfig> {
        self.doc.read().file.subscription_group_table.clone()
    }

    /// The data version (in the flavor's shape).
    pub fn data_version(&self) -> DataVersion {
        version_for(self.doc.flavor(), self.doc.read().file.data_version)
    }

    /// [5.3.3] `setDataVersion` (e.g. when a slave syncs from its master).
    pub fn set_data_version(&self, version: DataVersion) {
        self.doc.write().file.data_version = version;
    }

    /// `containsSubscriptionGroup`.
    pub fn contains_subscription_group(&self, group: &str) -> bool {
        !group.trim().is_empty() && self.doc.read().file.subscription_group_table.contains_key(group)
    }

    /// The stored config of `group`, without auto-creation.
    pub fn get(&self, group: &str) -> Option<SubscriptionGroupConfig> {
        self.doc.read().file.subscription_group_table.get(group).cloned()
    }

    /// `findSubscriptionGroupConfig`: the group's config, auto-created with Java's defaults (and persisted) when
    /// `autoCreateSubscriptionGroup` is on or it is a `CID_RMQ_SYS_` group. [5.3.3] A name longer than 255
    /// characters or with characters outside `[%|a-zA-Z0-9_-]` is not created.
    pub fn find_subscription_group_config(&self, group: &str) -> Option<SubscriptionGroupConfig> {
        if let Some(c) = self.get(group) {
            return Some(c);
        }
        let sys = group.starts_with(CID_RMQ_SYS_PREFIX);
        let allowed = self.settings.auto_create_subscription_group
            || if self.doc.flavor().is_v5() { self.settings.enable_create_sys_group && sys } else { sys };
        if !allowed {
            return None;
        }
        if self.doc.flavor().is_v5()
            && (group.chars().count() > CHARACTER_MAX_LENGTH || is_topic_or_group_illegal(group))
        {
            return None;
        }
        let config = SubscriptionGroupConfig::new(group);
        {
            let mut state = self.doc.write();
            if !state.file.subscription_group_table.contains_key(group) {
                state.insert(config.clone());
                tracing::info!("auto create a subscription group, {config:?}");
            }
            state.file.data_version.next_version();
        }
        self.persist_logged();
        Some(config)
    }

    /// `updateSubscriptionGroupConfigWithoutPersist`: [5.3.3] applies the `+key`/`-key` attributes (no
    /// attribute is supported in 5.3.3, so any is refused), puts the config, bumps the version.
    pub fn update_subscription_group_config_without_persist(
        &self,
        mut config: SubscriptionGroupConfig,
    ) -> Result<(), AttributeError> {
        let mut state = self.doc.write();
        if self.doc.flavor().is_v5() {
            let current = state.file.subscription_group_table.get(&config.group_name);
            let final_attributes = attributes::alter_current_attributes(
                current.is_none(),
                attributes::SUBSCRIPTION_GROUP_ATTRIBUTES,
                &current.map(SubscriptionGroupConfig::attributes).unwrap_or_default(),
                &config.attributes(),
            )?;
            config.attributes = Some(final_attributes);
        }
        state.insert(config);
        state.file.data_version.next_version();
        Ok(())
    }

    /// `updateSubscriptionGroupConfig`: the above, then persist.
    pub fn update_subscription_group_config(&self, config: SubscriptionGroupConfig) -> Result<(), AttributeError> {
        self.update_subscription_group_config_without_persist(config)?;
        self.persist_logged();
        Ok(())
    }

    /// [5.3.3] `updateSubscriptionGroupConfigList`: every config, one persist.
    pub fn update_subscription_group_config_list(
        &self,
        configs: Vec<SubscriptionGroupConfig>,
    ) -> Result<(), AttributeError> {
        if configs.is_empty() {
            return Ok(());
        }
        let mut result = Ok(());
        for c in configs {
            result = self.update_subscription_group_config_without_persist(c);
            if result.is_err() {
                break;
            }
        }
        self.persist_logged();
        result
    }

    /// `disableConsume`: sets `consumeEnable=false` and bumps the version (no persist, as in Java).
    pub fn disable_consume(&self, group: &str) {
        let mut state = self.doc.write();
        if let Some(c) = state.file.subscription_group_table.get_mut(group) {
            c.consume_enable = false;
            state.file.data_version.next_version();
        }
    }

    /// `deleteSubscriptionGroupConfig`: returns the removed config. [5.3.3] Also drops its forbidden entries.
    pub fn delete_subscription_group_config(&self, group: &str) -> Option<SubscriptionGroupConfig> {
        let old = {
            let mut state = self.doc.write();
            let old = state.remove(group);
            state.remove_forbidden(group);
            if old.is_some() {
                state.file.data_version.next_version();
            }
            old
        };
        match &old {
            Some(_) => self.persist_logged(),
            None => tracing::warn!("delete subscription group failed, subscription groupName: {group} not exist"),
        }
        old
    }

    /// [5.3.3] `getForbidden(group, topic)`: the forbidden bits (0 if none or negative).
    pub fn forbidden(&self, group: &str, topic: &str) -> i32 {
        self.doc
            .read()
            .file
            .forbidden_table
            .get(group)
            .and_then(|t| t.get(topic))
            .copied()
            .filter(|v| *v >= 0)
            .unwrap_or(0)
    }

    /// [5.3.3] `getForbidden(group, topic, index)`.
    pub fn is_forbidden(&self, group: &str, topic: &str, index: u32) -> bool {
        let bit = 1i32.wrapping_shl(index);
        self.forbidden(group, topic) & bit == bit
    }

    /// [5.3.3] `updateForbidden`: sets or clears bit `index`.
    pub fn update_forbidden(&self, group: &str, topic: &str, index: u32, set: bool) {
        let bit = 1i32.wrapping_shl(index);
        let current = self.forbidden(group, topic);
        let value = if set { current | bit } else { current & !bit };
        self.update_forbidden_value(group, topic, value);
    }

    /// [5.3.3] `updateForbiddenValue`: stores `value`, bumps the version and persists. A value ≤ 0 removes
    /// the **whole group's** entry without a version bump or persist — exactly what Java does.
    pub fn update_forbidden_value(&self, group: &str, topic: &str, value: i32) {
        {
            let mut state = self.doc.write();
            if value <= 0 {
                state.remove_forbidden(group);
                tracing::info!("clear group forbidden, {group}@{topic} ");
                return;
            }
            if !state.file.forbidden_table.contains_key(group) {
                let GroupsState { file, forbidden_order, .. } = &mut *state;
                file.forbidden_table.insert(group.to_owned(), IndexMap::new());
                forbidden_order.put(group);
                java_order::reorder(&mut file.forbidden_table, forbidden_order);
            }
            if let Some(topics) = state.file.forbidden_table.get_mut(group) {
                topics.insert(topic.to_owned(), value);
            }
            state.file.data_version.next_version();
        }
        self.persist_logged();
    }

    /// [5.3.3] A copy of the forbidden table.
    pub fn forbidden_table(&self) -> IndexMap<String, IndexMap<String, i32>> {
        self.doc.read().file.forbidden_table.clone()
    }
}
