//! `config/consumerOffset.json`: committed consumer offsets (`ConsumerOffsetManager`, serialised itself).
//!
//! ```text
//! {
//! ⇥[5.3.3] "dataVersion":{ counter, stateVersion, timestamp },
//! ⇥[5.3.3] "groupTopicMap":{ "<group>":["<topic>",…], … },    derived from offsetTable, ignored on read
//! ⇥"offsetTable":{
//! ⇥⇥"<topic>@<group>":{<queueId>:<offset>,…                   Integer keys, bare and inline
//! ⇥⇥}, …
//! ⇥}
//! }
//! ```
//!
//! An offset is the queue offset of the next message the group will consume. 5.3.3's `pullOffsetTable` and
//! `resetOffsetTable` are memory-only (private fields without getters, so fastjson never writes them); they
//! are kept here in memory as well. With `enableLmq=true` Java writes `lmqConsumerOffset.json` instead
//! (not supported).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value;

use super::bean::{self, BeanReader, BeanWriter, Extra};
use super::document::{ConfigDocument, DocumentState};
use super::java_order::{self, ChmOrder};
use super::pretty::Node;
use super::topics::{fresh_version, version_for};
use super::{Flavor, CONSUMER_OFFSET_JSON};
use crate::protocol::data_version::DataVersion;
use crate::store::config_file::{ConfigFileError, DecodeError, LoadSource};

/// `ConsumerOffsetManager.TOPIC_GROUP_SEPARATOR`.
pub const TOPIC_GROUP_SEPARATOR: char = '@';

/// The offset table key `topic@group`.
pub fn topic_at_group(topic: &str, group: &str) -> String {
    format!("{topic}{TOPIC_GROUP_SEPARATOR}{group}")
}

/// Java's `key.split("@")` (trailing empty strings dropped): `Some((topic, group))` iff it has two parts.
pub fn split_topic_at_group(key: &str) -> Option<(&str, &str)> {
    let mut parts: Vec<&str> = key.split(TOPIC_GROUP_SEPARATOR).collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    match parts.as_slice() {
        [topic, group] => Some((topic, group)),
        _ => None,
    }
}

/// The `consumerOffset.json` document.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumerOffsetFile {
    /// [5.3.3] The table's version (`None` in the 4.9.8 flavor, which keeps a read one among `extra`).
    pub data_version: Option<DataVersion>,
    /// `topic@group` → queue id → offset, keys in table order.
    pub offset_table: IndexMap<String, BTreeMap<i32, i64>>,
    /// Unknown top-level properties.
    pub extra: Extra,
    /// Unknown properties of `dataVersion`.
    pub data_version_extra: Extra,
}

impl ConsumerOffsetFile {
    /// An empty table (5.3.3: with a fresh version).
    pub fn new(flavor: Flavor) -> Self {
        ConsumerOffsetFile {
            data_version: flavor.is_v5().then(|| fresh_version(flavor)),
            offset_table: IndexMap::new(),
            extra: Extra::new(),
            data_version_extra: Extra::new(),
        }
    }

    /// Decodes a file's bytes; `Ok(None)` for a blank or `null` document.
    pub fn decode(bytes: &[u8], flavor: Flavor) -> Result<Option<Self>, DecodeError> {
        bean::parse_document(bytes)?.map(|v| Self::from_value(v, flavor)).transpose()
    }

    /// Decodes a parsed document. `groupTopicMap` is dropped (it is recomputed on write).
    pub fn from_value(v: Value, flavor: Flavor) -> Result<Self, DecodeError> {
        let mut r = BeanReader::new(v, "")?;
        let mut data_version_extra = Extra::new();
        let data_version = if flavor.is_v5() {
            Some(r.data_version("dataVersion", &mut data_version_extra)?.unwrap_or_else(|| fresh_version(flavor)))
        } else {
            None
        };
        r.take("groupTopicMap");
        let offset_table = match r.take("offsetTable") {
            None => IndexMap::new(),
            Some(t) => bean::bean_map(t, "offsetTable", bean::int_long_map)?,
        };
        Ok(ConsumerOffsetFile { data_version, offset_table, extra: r.finish(), data_version_extra })
    }

    /// The document node.
    pub fn to_node(&self, flavor: Flavor) -> Node {
        let v5 = flavor.is_v5();
        BeanWriter::new()
            .prop_if(v5, "dataVersion", || {
                let v = self.data_version.unwrap_or_else(|| fresh_version(flavor));
                bean::data_version_node(&version_for(flavor, v), &self.data_version_extra)
            })
            .prop_if(v5, "groupTopicMap", || {
                Node::Map(
                    group_topic_map(self.offset_table.keys())
                        .into_iter()
                        .map(|(g, topics)| (g, Node::Array(topics.into_iter().map(Node::Str).collect())))
                        .collect(),
                )
            })
            .prop(
                "offsetTable",
                Node::Map(self.offset_table.iter().map(|(k, v)| (k.clone(), bean::int_long_map_node(v))).collect()),
            )
            .extra(&self.extra)
            .build()
    }

    /// The file's bytes, as Java's `persist()` writes them.
    pub fn encode(&self, flavor: Flavor) -> Vec<u8> {
        self.to_node(flavor).to_pretty()
    }
}

/// [5.3.3] `getGroupTopicMap()`: group → topics, built from the offset table keys in table order into a
/// `HashMap(128)` of `HashSet(8)`s, and returned in those Java collections' iteration order.
pub fn group_topic_map<'a>(keys: impl Iterator<Item = &'a String>) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for key in keys {
        let Some((topic, group)) = split_topic_at_group(key) else {
            continue;
        };
        let i = *index.entry(group).or_insert_with(|| {
            groups.push((group.to_owned(), Vec::new()));
            groups.len() - 1
        });
        if let Some((_, topics)) = groups.get_mut(i) {
            if !topics.iter().any(|t| t == topic) {
                topics.push(topic.to_owned());
            }
        }
    }
    for (_, topics) in &mut groups {
        let cap = java_order::hash_map_capacity(8, topics.len());
        java_order::hash_map_order(topics, cap, |s| s);
    }
    let cap = java_order::hash_map_capacity(128, groups.len());
    java_order::hash_map_order(&mut groups, cap, |(g, _)| g);
    groups
}

/// The `BrokerConfig` values the manager reads; `Default` = Java's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsumerOffsetSettings {
    /// [5.3.3] `consumerOffsetUpdateVersionStep` (500): the data version moves every this many commits.
    pub update_version_step: u64,
    /// [5.3.3] `useServerSideResetOffset` (true): a reset offset answers queries until the client commits.
    pub use_server_side_reset_offset: bool,
}

impl Default for ConsumerOffsetSettings {
    fn default() -> Self {
        ConsumerOffsetSettings { update_version_step: 500, use_server_side_reset_offset: true }
    }
}

#[derive(Debug)]
struct State {
    file: ConsumerOffsetFile,
    /// Java's iteration order of the offset table: `new ConcurrentHashMap<>(512)` in a fresh broker, the map
    /// fastjson built (a default `ConcurrentHashMap`) after a load.
    order: ChmOrder,
    reset_offset_table: HashMap<String, BTreeMap<i32, i64>>,
    pull_offset_table: HashMap<String, BTreeMap<i32, i64>>,
    version_change_counter: u64,
}

impl State {
    /// The queue map of `key`, created (and placed in Java's order) if new.
    fn table_entry(&mut self, key: &str) -> &mut BTreeMap<i32, i64> {
        if !self.file.offset_table.contains_key(key) {
            self.file.offset_table.insert(key.to_owned(), BTreeMap::new());
            self.order.put(key);
            java_order::reorder(&mut self.file.offset_table, &self.order);
        }
        self.file.offset_table.entry(key.to_owned()).or_default()
    }
}

/// Owns `consumerOffset.json`. Mirrors `org.apache.rocketmq.broker.offset.ConsumerOffsetManager`.
///
/// Commits only change memory; the broker persists periodically (`flushConsumerOffsetInterval`, 5 s) and at
/// shutdown with [`ConsumerOffsetManager::persist`].
#[derive(Debug)]
pub struct ConsumerOffsetManager {
    settings: ConsumerOffsetSettings,
    doc: ConfigDocument<State>,
}

impl DocumentState for State {
    type File = ConsumerOffsetFile;

    fn decode(bytes: &[u8], flavor: Flavor) -> Result<Option<ConsumerOffsetFile>, DecodeError> {
        ConsumerOffsetFile::decode(bytes, flavor)
    }

    /// Java's `decode`: the file's table replaces the table.
    fn merge(&mut self, file: ConsumerOffsetFile, _flavor: Flavor) {
        self.order = java_order::fresh_chm_order(file.offset_table.keys().map(String::as_str));
        self.file = file;
        java_order::reorder(&mut self.file.offset_table, &self.order);
    }

    fn encode(&self, flavor: Flavor) -> Vec<u8> {
        self.file.encode(flavor)
    }
}

impl ConsumerOffsetManager {
    /// A manager for `<store_root>/config/consumerOffset.json` with an empty table.
    pub fn new(store_root: &Path, flavor: Flavor, settings: ConsumerOffsetSettings) -> Self {
        let state = State {
            file: ConsumerOffsetFile::new(flavor),
            order: ChmOrder::with_initial_capacity(512),
            reset_offset_table: HashMap::new(),
            pull_offset_table: HashMap::new(),
            version_change_counter: 0,
        };
        ConsumerOffsetManager { settings, doc: ConfigDocument::new(store_root, CONSUMER_OFFSET_JSON, flavor, state) }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        self.doc.path()
    }

    /// `load()`: replaces the table with the file's (or its `.bak`'s), as Java's `decode` does.
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

    /// A copy of the whole document.
    pub fn snapshot(&self) -> ConsumerOffsetFile {
        self.doc.read().file.clone()
    }

    /// A copy of the table.
    pub fn offset_table(&self) -> IndexMap<String, BTreeMap<i32, i64>> {
        self.doc.read().file.offset_table.clone()
    }

    /// [5.3.3] The data version (`None` for 4.9.8).
    pub fn data_version(&self) -> Option<DataVersion> {
        self.doc.read().file.data_version.map(|v| version_for(self.doc.flavor(), v))
    }

    /// [5.3.3] `setDataVersion`.
    pub fn set_data_version(&self, version: DataVersion) {
        if self.doc.flavor().is_v5() {
            self.doc.write().file.data_version = Some(version);
        }
    }

    /// `commitOffset`. [5.3.3] Every `update_version_step`-th commit moves the data version.
    pub fn commit_offset(&self, client_host: &str, group: &str, topic: &str, queue_id: i32, offset: i64) {
        let key = topic_at_group(topic, group);
        let mut state = self.doc.write();
        let previous = state.table_entry(&key).insert(queue_id, offset);
        if let Some(stored) = previous.filter(|stored| offset < *stored) {
            tracing::warn!(
                "[NOTIFYME]update consumer offset less than store. clientHost={client_host}, key={topic}@{group}, queueId={queue_id}, requestOffset={offset}, storeOffset={stored}"
            );
        }
        if self.doc.flavor().is_v5() {
            state.version_change_counter += 1;
            if self.settings.update_version_step > 0
                && state.version_change_counter % self.settings.update_version_step == 0
            {
                if let Some(v) = state.file.data_version.as_mut() {
                    v.next_version();
                }
            }
        }
    }

    /// `queryOffset(group, topic, queueId)`: the committed offset, -1 if none. [5.3.3] A pending server-side
    /// reset offset wins.
    pub fn query_offset(&self, group: &str, topic: &str, queue_id: i32) -> i64 {
        let key = topic_at_group(topic, group);
        let state = self.doc.read();
        if self.doc.flavor().is_v5() && self.settings.use_server_side_reset_offset {
            if let Some(o) = state.reset_offset_table.get(&key).and_then(|m| m.get(&queue_id)) {
                return *o;
            }
        }
        state.file.offset_table.get(&key).and_then(|m| m.get(&queue_id)).copied().unwrap_or(-1)
    }

    /// `queryOffset(group, topic)`: all queues of one `topic@group`.
    pub fn query_offsets(&self, group: &str, topic: &str) -> Option<BTreeMap<i32, i64>> {
        self.doc.read().file.offset_table.get(&topic_at_group(topic, group)).cloned()
    }

    /// `cloneOffset`: copies `topic@src_group` to `topic@dest_group`.
    pub fn clone_offset(&self, src_group: &str, dest_group: &str, topic: &str) {
        let mut state = self.doc.write();
        if let Some(offsets) = state.file.offset_table.get(&topic_at_group(topic, src_group)).cloned() {
            *state.table_entry(&topic_at_group(topic, dest_group)) = offsets;
        }
    }

    fn remove_where(state: &mut State, keep: impl Fn(&str, &str) -> bool) -> bool {
        let before = state.file.offset_table.len();
        let order = &mut state.order;
        state.file.offset_table.retain(|key, _| {
            let kept = split_topic_at_group(key).map_or(true, |(topic, group)| keep(topic, group));
            if !kept {
                order.remove(key);
            }
            kept
        });
        state.file.offset_table.len() != before
    }

    /// `removeOffset(group)`: drops every `*@group` entry ([5.3.3] also its reset and pull offsets).
    /// Returns whether the committed table changed.
    pub fn remove_offset(&self, group: &str) -> bool {
        let mut state = self.doc.write();
        let state = &mut *state;
        let removed = Self::remove_where(state, |_, g| g != group);
        for table in [&mut state.reset_offset_table, &mut state.pull_offset_table] {
            table.retain(|key, _| split_topic_at_group(key).map_or(true, |(_, g)| g != group));
        }
        removed
    }

    /// [5.3.3] `cleanOffset(group)`: drops every `*@group` entry.
    pub fn clean_offset(&self, group: &str) -> bool {
        Self::remove_where(&mut self.doc.write(), |_, g| g != group)
    }

    /// [5.3.3] `cleanOffsetByTopic(topic)`: drops every `topic@*` entry.
    pub fn clean_offset_by_topic(&self, topic: &str) -> bool {
        Self::remove_where(&mut self.doc.write(), |t, _| t != topic)
    }

    /// `scanUnsubscribedTopic`: drops `topic@group` entries the group no longer subscribes to whose every
    /// offset is at or below the queue's minimum offset (`min_offset(topic, queue_id)`).
    pub fn scan_unsubscribed_topic(
        &self,
        is_subscribed: impl Fn(&str, &str) -> bool,
        min_offset: impl Fn(&str, i32) -> i64,
    ) {
        let mut state = self.doc.write();
        let State { file, order, .. } = &mut *state;
        file.offset_table.retain(|key, offsets| {
            let Some((topic, group)) = split_topic_at_group(key) else {
                return true;
            };
            let behind = !offsets.is_empty() && offsets.iter().all(|(q, o)| *o <= min_offset(topic, *q));
            let remove = !is_subscribed(group, topic) && behind;
            if remove {
                tracing::warn!("remove topic offset, {key}");
                order.remove(key);
            }
            !remove
        });
    }

    /// `whichTopicByConsumer`.
    pub fn which_topic_by_consumer(&self, group: &str) -> HashSet<String> {
        let state = self.doc.read();
        state
            .file
            .offset_table
            .keys()
            .filter_map(|k| split_topic_at_group(k))
            .filter(|(_, g)| *g == group)
            .map(|(t, _)| t.to_owned())
            .collect()
    }

    /// `whichGroupByTopic`.
    pub fn which_group_by_topic(&self, topic: &str) -> HashSet<String> {
        let state = self.doc.read();
        state
            .file
            .offset_table
            .keys()
            .filter_map(|k| split_topic_at_group(k))
            .filter(|(t, _)| *t == topic)
            .map(|(_, g)| g.to_owned())
            .collect()
    }

    /// [5.3.3] `getGroupTopicMap`, in Java's order.
    pub fn group_topic_map(&self) -> Vec<(String, Vec<String>)> {
        group_topic_map(self.doc.read().file.offset_table.keys())
    }

    /// [5.3.3] `assignResetOffset`: a server-side reset, also written to the committed table. Ignored for
    /// empty names or negative ids/offsets.
    pub fn assign_reset_offset(&self, topic: &str, group: &str, queue_id: i32, offset: i64) {
        if topic.is_empty() || group.is_empty() || queue_id < 0 || offset < 0 {
            tracing::warn!(
                "Illegal arguments when assigning reset offset. Topic={topic}, group={group}, queueId={queue_id}, offset={offset}"
            );
            return;
        }
        let key = topic_at_group(topic, group);
        let mut state = self.doc.write();
        state.reset_offset_table.entry(key.clone()).or_default().insert(queue_id, offset);
        state.table_entry(&key).insert(queue_id, offset);
    }

    /// [5.3.3] `hasOffsetReset`.
    pub fn has_offset_reset(&self, topic: &str, group: &str, queue_id: i32) -> bool {
        self.doc.read().reset_offset_table.get(&topic_at_group(topic, group)).is_some_and(|m| m.contains_key(&queue_id))
    }

    /// [5.3.3] `queryThenEraseResetOffset`.
    pub fn query_then_erase_reset_offset(&self, topic: &str, group: &str, queue_id: i32) -> Option<i64> {
        self.doc.write().reset_offset_table.get_mut(&topic_at_group(topic, group)).and_then(|m| m.remove(&queue_id))
    }

    /// [5.3.3] `commitPullOffset` (memory only).
    pub fn commit_pull_offset(&self, group: &str, topic: &str, queue_id: i32, offset: i64) {
        self.doc.write().pull_offset_table.entry(topic_at_group(topic, group)).or_default().insert(queue_id, offset);
    }

    /// [5.3.3] `queryPullOffset`: the last pull offset, else [`Self::query_offset`].
    pub fn query_pull_offset(&self, group: &str, topic: &str, queue_id: i32) -> i64 {
        let pulled = self
            .doc
            .read()
            .pull_offset_table
            .get(&topic_at_group(topic, group))
            .and_then(|m| m.get(&queue_id))
            .copied();
        pulled.unwrap_or_else(|| self.query_offset(group, topic, queue_id))
    }

    /// [5.3.3] `clearPullOffset`.
    pub fn clear_pull_offset(&self, group: &str, topic: &str) {
        self.doc.write().pull_offset_table.remove(&topic_at_group(topic, group));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn split_is_javas() {
        assert_eq!(split_topic_at_group("T@G"), Some(("T", "G")));
        assert_eq!(split_topic_at_group("T@G@"), Some(("T", "G")));
        assert_eq!(split_topic_at_group("@G"), Some(("", "G")));
        assert_eq!(split_topic_at_group("T@"), None);
        assert_eq!(split_topic_at_group("T@B@G"), None);
        assert_eq!(split_topic_at_group(""), None);
    }

    #[test]
    fn commit_query_clone_remove() {
        let dir = tempfile::tempdir().unwrap();
        let m = ConsumerOffsetManager::new(dir.path(), Flavor::V4_9_8, ConsumerOffsetSettings::default());
        assert_eq!(m.query_offset("G", "T", 0), -1);
        m.commit_offset("h", "G", "T", 0, 10);
        m.commit_offset("h", "G", "T", 1, 11);
        m.commit_offset("h", "G", "U", 0, 5);
        m.commit_offset("h", "H", "T", 0, 1);
        assert_eq!(m.query_offset("G", "T", 1), 11);
        m.clone_offset("G", "G2", "T");
        assert_eq!(m.query_offsets("G2", "T"), Some(BTreeMap::from([(0, 10), (1, 11)])));
        assert_eq!(m.which_topic_by_consumer("G"), HashSet::from(["T".to_owned(), "U".to_owned()]));
        assert_eq!(m.which_group_by_topic("T").len(), 3);
        assert!(m.remove_offset("G"));
        let mut keys: Vec<String> = m.offset_table().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["T@G2", "T@H"]);
        assert!(m.data_version().is_none());
    }

    #[test]
    fn version_moves_every_step_commits_in_v5() {
        let dir = tempfile::tempdir().unwrap();
        let settings = ConsumerOffsetSettings { update_version_step: 3, ..ConsumerOffsetSettings::default() };
        let m = ConsumerOffsetManager::new(dir.path(), Flavor::V5_3_3, settings);
        let v0 = m.data_version().unwrap().counter;
        m.commit_offset("h", "G", "T", 0, 1);
        m.commit_offset("h", "G", "T", 0, 2);
        assert_eq!(m.data_version().unwrap().counter, v0);
        m.commit_offset("h", "G", "T", 0, 3);
        assert_eq!(m.data_version().unwrap().counter, v0 + 1);
    }

    #[test]
    fn reset_and_pull_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let m = ConsumerOffsetManager::new(dir.path(), Flavor::V5_3_3, ConsumerOffsetSettings::default());
        m.commit_offset("h", "G", "T", 0, 100);
        m.assign_reset_offset("T", "G", 0, 5);
        assert!(m.has_offset_reset("T", "G", 0));
        m.commit_offset("h", "G", "T", 0, 7);
        assert_eq!(m.query_offset("G", "T", 0), 5, "the reset wins until erased");
        assert_eq!(m.query_then_erase_reset_offset("T", "G", 0), Some(5));
        assert_eq!(m.query_offset("G", "T", 0), 7);
        assert_eq!(m.query_pull_offset("G", "T", 0), 7);
        m.commit_pull_offset("G", "T", 0, 9);
        assert_eq!(m.query_pull_offset("G", "T", 0), 9);
        m.clear_pull_offset("G", "T");
        assert_eq!(m.query_pull_offset("G", "T", 0), 7);
        let text = String::from_utf8(m.encode()).unwrap();
        assert!(!text.contains("pullOffsetTable") && !text.contains("resetOffsetTable"));
    }

    #[test]
    fn scan_unsubscribed() {
        let dir = tempfile::tempdir().unwrap();
        let m = ConsumerOffsetManager::new(dir.path(), Flavor::V4_9_8, ConsumerOffsetSettings::default());
        m.commit_offset("h", "G", "Old", 0, 3);
        m.commit_offset("h", "G", "Live", 0, 3);
        m.commit_offset("h", "G", "Ahead", 0, 30);
        m.scan_unsubscribed_topic(|_, t| t == "Live", |_, _| 10);
        let mut keys: Vec<String> = m.offset_table().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["Ahead@G", "Live@G"]);
    }

    #[test]
    fn v4_keeps_v5_data_version_as_unknown_and_drops_group_topic_map() {
        let doc = br#"{"dataVersion":{"counter":3,"stateVersion":0,"timestamp":9},"groupTopicMap":{"G":["T"]},"offsetTable":{"T@G":{0:1}}}"#;
        let f = ConsumerOffsetFile::decode(doc, Flavor::V4_9_8).unwrap().unwrap();
        assert_eq!(
            String::from_utf8(f.encode(Flavor::V4_9_8)).unwrap(),
            "{\n\t\"dataVersion\":{\n\t\t\"counter\":3,\n\t\t\"stateVersion\":0,\n\t\t\"timestamp\":9\n\t},\n\t\"offsetTable\":{\n\t\t\"T@G\":{0:1\n\t\t}\n\t}\n}"
        );
    }
}
