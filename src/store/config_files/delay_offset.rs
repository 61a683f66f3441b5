//! `config/delayOffset.json`: how far each delay level of `SCHEDULE_TOPIC_XXXX` has been delivered
//! (`ScheduleMessageService`, `DelayOffsetSerializeWrapper`).
//!
//! ```text
//! {
//! ⇥[5.3.3] "dataVersion":{ counter, stateVersion, timestamp },
//! ⇥"offsetTable":{<delayLevel>:<offset>,…                     Integer keys 1…18, bare and inline
//! ⇥}
//! }
//! ```
//!
//! The offset of level `l` is the queue offset of the next entry to deliver in
//! `consumequeue/SCHEDULE_TOPIC_XXXX/<l - 1>/`. Levels never used are absent.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::bean::{self, BeanReader, BeanWriter, Extra};
use super::document::{ConfigDocument, DocumentState};
use super::pretty::Node;
use super::topics::{fresh_version, version_for};
use super::{Flavor, DELAY_OFFSET_JSON};
use crate::protocol::data_version::DataVersion;
use crate::store::config_file::{ConfigFileError, DecodeError, LoadSource};

/// `ScheduleMessageService.queueId2DelayLevel`.
pub fn queue_id_to_delay_level(queue_id: i32) -> i32 {
    queue_id + 1
}

/// `ScheduleMessageService.delayLevel2QueueId`.
pub fn delay_level_to_queue_id(delay_level: i32) -> i32 {
    delay_level - 1
}

/// The `delayOffset.json` document (`DelayOffsetSerializeWrapper`).
#[derive(Debug, Clone, PartialEq)]
pub struct DelayOffsetFile {
    /// [5.3.3] The version (`None` in the 4.9.8 flavor, which keeps a read one among `extra`).
    pub data_version: Option<DataVersion>,
    /// Delay level → offset, ascending.
    pub offset_table: BTreeMap<i32, i64>,
    /// Unknown top-level properties.
    pub extra: Extra,
    /// Unknown properties of `dataVersion`.
    pub data_version_extra: Extra,
}

impl DelayOffsetFile {
    /// An empty table (5.3.3: with a fresh version).
    pub fn new(flavor: Flavor) -> Self {
        DelayOffsetFile {
            data_version: flavor.is_v5().then(|| fresh_version(flavor)),
            offset_table: BTreeMap::new(),
            extra: Extra::new(),
            data_version_extra: Extra::new(),
        }
    }

    /// Decodes a file's bytes; `Ok(None)` for a blank or `null` document.
    pub fn decode(bytes: &[u8], flavor: Flavor) -> Result<Option<Self>, DecodeError> {
        bean::parse_document(bytes)?.map(|v| Self::from_value(v, flavor)).transpose()
    }

    /// Decodes a parsed document. A 5.3.3 file without `dataVersion` (one written by 4.9.8) leaves the
    /// version as it was (`None` here).
    pub fn from_value(v: Value, flavor: Flavor) -> Result<Self, DecodeError> {
        let mut r = BeanReader::new(v, "")?;
        let mut data_version_extra = Extra::new();
        let data_version = if flavor.is_v5() { r.data_version("dataVersion", &mut data_version_extra)? } else { None };
        let offset_table = match r.take("offsetTable") {
            None => BTreeMap::new(),
            Some(t) => bean::int_long_map(t, "offsetTable")?,
        };
        Ok(DelayOffsetFile { data_version, offset_table, extra: r.finish(), data_version_extra })
    }

    /// The document node.
    pub fn to_node(&self, flavor: Flavor) -> Node {
        BeanWriter::new()
            .prop_if(flavor.is_v5(), "dataVersion", || {
                let v = self.data_version.unwrap_or_else(|| fresh_version(flavor));
                bean::data_version_node(&version_for(flavor, v), &self.data_version_extra)
            })
            .prop("offsetTable", bean::int_long_map_node(&self.offset_table))
            .extra(&self.extra)
            .build()
    }

    /// The file's bytes, as Java's `persist()` writes them.
    pub fn encode(&self, flavor: Flavor) -> Vec<u8> {
        self.to_node(flavor).to_pretty()
    }
}

/// Owns `delayOffset.json`: the persistence half of `ScheduleMessageService`.
///
/// Java persists it every `flushDelayOffsetInterval` (10 s) while the schedule service runs (master only)
/// and when the service stops; the caller does the same with [`DelayOffsetManager::persist`].
#[derive(Debug)]
pub struct DelayOffsetManager {
    update_version_step: u64,
    doc: ConfigDocument<DelayState>,
}

/// The document and the count of updates since the version last moved.
#[derive(Debug)]
struct DelayState(DelayOffsetFile, u64);

impl DocumentState for DelayState {
    type File = DelayOffsetFile;

    fn decode(bytes: &[u8], flavor: Flavor) -> Result<Option<DelayOffsetFile>, DecodeError> {
        DelayOffsetFile::decode(bytes, flavor)
    }

    /// The `ConfigManager` part of `load()`: merges the file's levels; [5.3.3] takes its data version when it
    /// has one.
    fn merge(&mut self, file: DelayOffsetFile, _flavor: Flavor) {
        let current = &mut self.0;
        current.offset_table.extend(file.offset_table);
        if file.data_version.is_some() {
            current.data_version = file.data_version;
            current.data_version_extra = file.data_version_extra;
        }
        current.extra = file.extra;
    }

    fn encode(&self, flavor: Flavor) -> Vec<u8> {
        self.0.encode(flavor)
    }
}

impl DelayOffsetManager {
    /// A manager for `<store_root>/config/delayOffset.json`; [5.3.3] the version moves every
    /// `update_version_step` updates (`delayOffsetUpdateVersionStep`, default 200).
    pub fn new(store_root: &Path, flavor: Flavor, update_version_step: u64) -> Self {
        DelayOffsetManager {
            update_version_step,
            doc: ConfigDocument::new(
                store_root,
                DELAY_OFFSET_JSON,
                flavor,
                DelayState(DelayOffsetFile::new(flavor), 0),
            ),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        self.doc.path()
    }

    /// `load()`: merges the file's levels into the table. Follow with [`Self::correct_delay_offset`] once the
    /// consume queues are loaded.
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
    pub fn snapshot(&self) -> DelayOffsetFile {
        self.doc.read().0.clone()
    }

    /// Level → offset.
    pub fn offset_table(&self) -> BTreeMap<i32, i64> {
        self.doc.read().0.offset_table.clone()
    }

    /// The offset of `delay_level`, if the level was ever used.
    pub fn offset(&self, delay_level: i32) -> Option<i64> {
        self.doc.read().0.offset_table.get(&delay_level).copied()
    }

    /// [5.3.3] The data version (`None` for 4.9.8).
    pub fn data_version(&self) -> Option<DataVersion> {
        self.doc.read().0.data_version.map(|v| version_for(self.doc.flavor(), v))
    }

    /// [5.3.3] `setDataVersion`.
    pub fn set_data_version(&self, version: DataVersion) {
        if self.doc.flavor().is_v5() {
            self.doc.write().0.data_version = Some(version);
        }
    }

    /// `updateOffset`: records delivery progress of a level. [5.3.3] Every `update_version_step`-th update
    /// moves the data version.
    pub fn update_offset(&self, delay_level: i32, offset: i64) {
        let mut state = self.doc.write();
        let DelayState(file, counter) = &mut *state;
        file.offset_table.insert(delay_level, offset);
        if self.doc.flavor().is_v5() {
            *counter += 1;
            if self.update_version_step > 0 && *counter % self.update_version_step == 0 {
                if let Some(v) = file.data_version.as_mut() {
                    v.next_version();
                }
            }
        }
    }

    /// `correctDelayOffset`: clamps each level of `levels` into `min_max(queue_id)` = the schedule queue's
    /// `(min, max)` offsets (`None` if the queue does not exist). Returns the levels changed.
    pub fn correct_delay_offset(
        &self,
        levels: impl IntoIterator<Item = i32>,
        min_max: impl Fn(i32) -> Option<(i64, i64)>,
    ) -> Vec<(i32, i64, i64)> {
        let mut changed = Vec::new();
        let mut state = self.doc.write();
        for level in levels {
            let Some(current) = state.0.offset_table.get(&level).copied() else {
                continue;
            };
            let Some((min, max)) = min_max(delay_level_to_queue_id(level)) else {
                continue;
            };
            let mut corrected = current;
            if current < min {
                corrected = min;
            }
            if current > max {
                corrected = max;
            }
            if corrected != current {
                tracing::error!("correct delay offset [ delayLevel {level} ] from {current} to {corrected}");
                state.0.offset_table.insert(level, corrected);
                changed.push((level, current, corrected));
            }
        }
        changed
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn update_correct_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let m = DelayOffsetManager::new(dir.path(), Flavor::V4_9_8, 200);
        m.update_offset(3, 0);
        m.update_offset(1, 17);
        m.update_offset(2, 50);
        let changed = m.correct_delay_offset(1..=18, |q| (q == 1).then_some((10, 20)));
        assert_eq!(changed, [(2, 50, 20)]);
        assert_eq!(String::from_utf8(m.encode()).unwrap(), "{\n\t\"offsetTable\":{1:17,2:20,3:0\n\t}\n}");
        m.persist().unwrap();
        let again = DelayOffsetManager::new(dir.path(), Flavor::V4_9_8, 200);
        assert_eq!(again.load().unwrap(), LoadSource::Main);
        assert_eq!(again.offset_table(), m.offset_table());
    }

    #[test]
    fn v5_keeps_its_version_when_the_file_has_none() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(dir.path().join("config/delayOffset.json"), "{\"offsetTable\":{1:5}}").unwrap();
        let m = DelayOffsetManager::new(dir.path(), Flavor::V5_3_3, 2);
        let v = m.data_version().unwrap();
        m.load().unwrap();
        assert_eq!(m.data_version().unwrap(), v);
        assert_eq!(m.offset(1), Some(5));
        m.update_offset(1, 6);
        m.update_offset(1, 7);
        assert_eq!(m.data_version().unwrap().counter, v.counter + 1);
    }
}
