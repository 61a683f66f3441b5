//! Index files (spec §4): a hash index from `topic#key` to commit-log offsets, one file per
//! `maxIndexNum` entries, named by creation time.
//!
//! ```text
//!  index/yyyyMMddHHmmssSSS        size = 40 + 4·S + 20·N   (S = maxHashSlotNum, N = maxIndexNum)
//!  0        40                          40 + 4·S                              40 + 4·S + 20·N
//!  +--------+---------------------------+-------------------------------------+
//!  | header | slots: S × i32            | entries: N × 20 bytes (entry 0 unused)
//!  +--------+---------------------------+-------------------------------------+
//!
//!  header: 0 beginTimestamp i64 | 8 endTimestamp i64 | 16 beginPhyOffset i64 | 24 endPhyOffset i64
//!          32 hashSlotCount i32 | 36 indexCount i32 (next entry number, starts at 1; <= 0 read as 1)
//!  slot s: entry number of the newest entry whose keyHash % S == s (0 = empty)
//!  entry:  0 keyHash i32 (abs of Java hash, i32::MIN -> 0) | 4 phyOffset i64 | 12 timeDiff i32 (seconds
//!          since beginTimestamp) | 16 prevIndex i32 (older entry in the same slot, 0 = end)
//! ```
//!
//! Every field is accessed with aligned 32-bit atomics ([`Access::InPlace`]): the dispatcher inserts while
//! queries walk the chains.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use super::checkpoint::StoreCheckpoint;
use super::commitlog::record::DispatchRequest;
use super::error::{IoContext, Result};
use super::mapped_file::{os, Access, MappedFile};
use super::message::{java_hash, sys_flag};

/// Header size.
pub const INDEX_HEADER_SIZE: usize = 40;
const HASH_SLOT_SIZE: usize = 4;
const INDEX_SIZE: usize = 20;
const BEGIN_TIMESTAMP: usize = 0;
const END_TIMESTAMP: usize = 8;
const BEGIN_PHY_OFFSET: usize = 16;
const END_PHY_OFFSET: usize = 24;
const HASH_SLOT_COUNT: usize = 32;
const INDEX_COUNT: usize = 36;

/// Java `indexKeyHashMethod`: `abs(key.hashCode())`, with `abs(i32::MIN)` (still negative) replaced by 0.
pub fn index_key_hash(key: &str) -> i32 {
    let h = java_hash(key).wrapping_abs();
    if h < 0 {
        0
    } else {
        h
    }
}

/// `topic#key`, the indexed form of a key.
pub fn build_key(topic: &str, key: &str) -> String {
    let mut s = String::with_capacity(topic.len() + 1 + key.len());
    s.push_str(topic);
    s.push('#');
    s.push_str(key);
    s
}

/// One index file.
#[derive(Debug)]
pub struct IndexFile {
    file: MappedFile,
    slots: usize,
    entries: usize,
}

impl IndexFile {
    /// Byte size of a file with these counts.
    pub fn file_size(slots: usize, entries: usize) -> usize {
        INDEX_HEADER_SIZE + slots * HASH_SLOT_SIZE + entries * INDEX_SIZE
    }

    /// Creates a new file; its header starts at `end_phy_offset` / `end_timestamp` of the previous file
    /// (when those are > 0), as Java does.
    pub fn create(path: &Path, slots: usize, entries: usize, end_phy_offset: i64, end_timestamp: i64) -> Result<Self> {
        let file = MappedFile::create_named(path, 0, Self::file_size(slots, entries), Access::InPlace)?;
        let f = IndexFile { file, slots, entries };
        if end_phy_offset > 0 {
            f.file.store_i64(BEGIN_PHY_OFFSET, end_phy_offset);
            f.file.store_i64(END_PHY_OFFSET, end_phy_offset);
        }
        if end_timestamp > 0 {
            f.file.store_i64(BEGIN_TIMESTAMP, end_timestamp);
            f.file.store_i64(END_TIMESTAMP, end_timestamp);
        }
        Ok(f)
    }

    /// Opens an existing file, which must have exactly the configured size.
    pub fn open(path: &Path, slots: usize, entries: usize) -> Result<Self> {
        let size = Self::file_size(slots, entries);
        let file = MappedFile::open(path, 0, size, Access::InPlace, size)?;
        Ok(IndexFile { file, slots, entries })
    }

    /// File name (creation time).
    pub fn file_name(&self) -> String {
        self.file.file_name()
    }

    /// Path.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    fn i64_at(&self, pos: usize) -> i64 {
        self.file.load_i64(pos).unwrap_or(0)
    }

    fn i32_at(&self, pos: usize) -> i32 {
        self.file.load_u32(pos).unwrap_or(0) as i32
    }

    /// `beginTimestamp`.
    pub fn begin_timestamp(&self) -> i64 {
        self.i64_at(BEGIN_TIMESTAMP)
    }

    /// `endTimestamp`.
    pub fn end_timestamp(&self) -> i64 {
        self.i64_at(END_TIMESTAMP)
    }

    /// `beginPhyOffset`.
    pub fn begin_phy_offset(&self) -> i64 {
        self.i64_at(BEGIN_PHY_OFFSET)
    }

    /// `endPhyOffset`.
    pub fn end_phy_offset(&self) -> i64 {
        self.i64_at(END_PHY_OFFSET)
    }

    /// `hashSlotCount`.
    pub fn hash_slot_count(&self) -> i32 {
        self.i32_at(HASH_SLOT_COUNT)
    }

    /// `indexCount`, the next entry number (a stored value <= 0 reads as 1).
    pub fn index_count(&self) -> i32 {
        self.i32_at(INDEX_COUNT).max(1)
    }

    /// True when no entry can be added.
    pub fn is_write_full(&self) -> bool {
        self.index_count() as usize >= self.entries
    }

    /// Java `isTimeMatched`: does [begin, end] overlap the file's time range?
    pub fn is_time_matched(&self, begin: i64, end: i64) -> bool {
        let (b, e) = (self.begin_timestamp(), self.end_timestamp());
        (begin < b && end > e) || (begin >= b && begin <= e) || (end >= b && end <= e)
    }

    fn slot_pos(&self, key_hash: i32) -> usize {
        INDEX_HEADER_SIZE + (key_hash as usize % self.slots) * HASH_SLOT_SIZE
    }

    fn entry_pos(&self, n: usize) -> usize {
        INDEX_HEADER_SIZE + self.slots * HASH_SLOT_SIZE + n * INDEX_SIZE
    }

    /// Inserts `key` (spec §4.6); false if the file is full. Single writer.
    pub fn put_key(&self, key: &str, phy_offset: i64, store_timestamp: i64) -> bool {
        let count = self.index_count();
        if count as usize >= self.entries {
            return false;
        }
        let key_hash = index_key_hash(key);
        let slot_pos = self.slot_pos(key_hash);
        let mut slot_value = self.i32_at(slot_pos);
        if slot_value <= 0 || slot_value > count {
            slot_value = 0;
        }
        let begin = self.begin_timestamp();
        let time_diff = if begin <= 0 { 0 } else { ((store_timestamp - begin) / 1000).clamp(0, i64::from(i32::MAX)) };
        let pos = self.entry_pos(count as usize);
        let ok = self.file.store_u32(pos, key_hash as u32)
            && self.file.store_i64(pos + 4, phy_offset)
            && self.file.store_u32(pos + 12, time_diff as u32)
            && self.file.store_u32(pos + 16, slot_value as u32)
            && self.file.store_u32(slot_pos, count as u32);
        if !ok {
            return false;
        }
        if count <= 1 {
            self.file.store_i64(BEGIN_PHY_OFFSET, phy_offset);
            self.file.store_i64(BEGIN_TIMESTAMP, store_timestamp);
        }
        if slot_value == 0 {
            self.file.store_u32(HASH_SLOT_COUNT, (self.hash_slot_count() + 1) as u32);
        }
        self.file.store_u32(INDEX_COUNT, (count + 1) as u32);
        self.file.store_i64(END_PHY_OFFSET, phy_offset);
        self.file.store_i64(END_TIMESTAMP, store_timestamp);
        true
    }

    /// Collects offsets of entries for `key` stored within [begin, end] (spec §4.7), newest first.
    pub fn select_phy_offsets(&self, out: &mut Vec<i64>, key: &str, max_num: usize, begin: i64, end: i64) {
        let key_hash = index_key_hash(key);
        let count = self.index_count();
        let slot_value = self.i32_at(self.slot_pos(key_hash));
        if slot_value <= 0 || slot_value > count || count <= 1 {
            return;
        }
        let begin_ts = self.begin_timestamp();
        let mut next = slot_value;
        let mut guard = 0usize;
        loop {
            if out.len() >= max_num || guard > self.entries {
                break;
            }
            guard += 1;
            let pos = self.entry_pos(next as usize);
            let hash_read = self.i32_at(pos);
            let phy_read = self.i64_at(pos + 4);
            let time_diff = i64::from(self.i32_at(pos + 12));
            let prev = self.i32_at(pos + 16);
            if time_diff < 0 {
                break;
            }
            let time_read = begin_ts + time_diff * 1000;
            if hash_read == key_hash && time_read >= begin && time_read <= end {
                out.push(phy_read);
            }
            if prev <= 0 || prev > count || prev == next || time_read < begin {
                break;
            }
            next = prev;
        }
    }

    /// Forces the file to disk.
    pub fn flush(&self) -> Result<()> {
        self.file.flush(0).map(|_| ())
    }

    /// Deletes the file.
    pub fn delete(&self) -> Result<()> {
        self.file.delete()
    }
}

/// Result of an index query (Java `QueryOffsetResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOffsetResult {
    /// Physical offsets found (hash collisions included).
    pub phy_offsets: Vec<i64>,
    /// `endTimestamp` of the newest index file.
    pub index_last_update_timestamp: i64,
    /// `endPhyOffset` of the newest index file.
    pub index_last_update_phyoffset: i64,
}

/// All index files (Java `IndexService`).
#[derive(Debug)]
pub struct IndexService {
    dir: PathBuf,
    slots: usize,
    entries: usize,
    max_msgs_num_batch: usize,
    files: RwLock<Vec<Arc<IndexFile>>>,
    write: Mutex<()>,
    checkpoint: Arc<StoreCheckpoint>,
    flushers: Mutex<Vec<std::thread::JoinHandle<()>>>,
}

impl IndexService {
    /// The index files under `dir`.
    pub fn new(
        dir: impl Into<PathBuf>,
        slots: usize,
        entries: usize,
        max_msgs_num_batch: usize,
        checkpoint: Arc<StoreCheckpoint>,
    ) -> Self {
        IndexService {
            dir: dir.into(),
            slots,
            entries,
            max_msgs_num_batch,
            files: RwLock::new(Vec::new()),
            write: Mutex::new(()),
            checkpoint,
            flushers: Mutex::new(Vec::new()),
        }
    }

    /// Loads the files in name order; after a crash (`last_exit_ok == false`) deletes those whose
    /// `endTimestamp` is newer than the checkpoint's `indexMsgTimestamp` (spec §4.8).
    pub fn load(&self, last_exit_ok: bool) -> Result<()> {
        std::fs::create_dir_all(&self.dir).ctx(|| format!("create dir {}", self.dir.display()))?;
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .ctx(|| format!("read dir {}", self.dir.display()))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| e.path())
            .collect();
        paths.sort();
        let mut files = Vec::new();
        for p in paths {
            // A process killed between creating a new index file and sizing it leaves it empty: it holds no
            // key (Java maps it to full size and treats it as a fresh file; dropping it is equivalent).
            if std::fs::metadata(&p).is_ok_and(|m| m.len() == 0) {
                tracing::warn!(file = %p.display(), "deleting zero-length index file");
                std::fs::remove_file(&p).ctx(|| format!("delete {}", p.display()))?;
                continue;
            }
            let f = IndexFile::open(&p, self.slots, self.entries)?;
            if !last_exit_ok && f.end_timestamp() > self.checkpoint.index_msg_timestamp() {
                tracing::info!(file = %p.display(), "deleting index file newer than the checkpoint");
                f.delete()?;
                continue;
            }
            files.push(Arc::new(f));
        }
        *self.files.write() = files;
        Ok(())
    }

    /// Snapshot of the files, oldest first.
    pub fn files(&self) -> Vec<Arc<IndexFile>> {
        self.files.read().clone()
    }

    /// Indexes one dispatched record (spec §4.5): `topic#UNIQ_KEY` and `topic#<each KEYS token>`; rollback
    /// records and records below the newest file's `endPhyOffset` are skipped.
    pub fn build_index(&self, req: &DispatchRequest<'_>) -> Result<()> {
        let _w = self.write.lock();
        let mut file = self.last_or_create()?;
        if req.commit_log_offset < file.end_phy_offset() {
            return Ok(());
        }
        if sys_flag::transaction_value(req.sys_flag) == sys_flag::TRANSACTION_ROLLBACK_TYPE {
            return Ok(());
        }
        let topic = req.topic.as_ref();
        if let Some(uniq) = req.uniq_key.as_deref() {
            file = self.put_key(file, &build_key(topic, uniq), req)?;
        }
        if let Some(keys) = req.keys.as_deref() {
            for key in keys.split(' ').filter(|k| !k.is_empty()) {
                file = self.put_key(file, &build_key(topic, key), req)?;
            }
        }
        Ok(())
    }

    fn put_key(&self, mut file: Arc<IndexFile>, key: &str, req: &DispatchRequest<'_>) -> Result<Arc<IndexFile>> {
        while !file.put_key(key, req.commit_log_offset, req.store_timestamp) {
            file = self.last_or_create()?;
        }
        Ok(file)
    }

    /// The newest file, or a new one when it is full or there is none (caller holds `write`). The full file
    /// is flushed in the background; then the checkpoint's `indexMsgTimestamp` advances.
    fn last_or_create(&self) -> Result<Arc<IndexFile>> {
        let last = self.files.read().last().cloned();
        let (end_phy, end_ts) = match &last {
            Some(f) if !f.is_write_full() => return Ok(Arc::clone(f)),
            Some(f) => (f.end_phy_offset(), f.end_timestamp()),
            None => (0, 0),
        };
        let mut now = super::commitlog::now_ms();
        let mut path = self.dir.join(os::time_millis_to_human_string(now));
        while path.exists() || last.as_ref().is_some_and(|l| l.path() >= path.as_path()) {
            now += 1;
            path = self.dir.join(os::time_millis_to_human_string(now));
        }
        let file = Arc::new(IndexFile::create(&path, self.slots, self.entries, end_phy, end_ts)?);
        self.files.write().push(Arc::clone(&file));
        if let Some(full) = last {
            let checkpoint = Arc::clone(&self.checkpoint);
            let handle = std::thread::Builder::new()
                .name("IndexFlush".into())
                .spawn(move || {
                    if let Err(e) = full.flush() {
                        tracing::error!(error = %e, "index file flush failed");
                        return;
                    }
                    checkpoint.set_index_msg_timestamp(full.end_timestamp());
                    if let Err(e) = checkpoint.flush() {
                        tracing::error!(error = %e, "checkpoint flush failed");
                    }
                })
                .map_err(|e| super::error::StoreError::io("spawn index flush thread", e))?;
            let mut flushers = self.flushers.lock();
            flushers.retain(|h| !h.is_finished());
            flushers.push(handle);
        }
        Ok(file)
    }

    /// Finds offsets of messages with `key` on `topic` stored within [begin, end] (spec §4.7).
    pub fn query_offset(&self, topic: &str, key: &str, max_num: usize, begin: i64, end: i64) -> QueryOffsetResult {
        let max_num = max_num.min(self.max_msgs_num_batch);
        let mut result = QueryOffsetResult::default();
        let files = self.files();
        let full_key = build_key(topic, key);
        for (i, f) in files.iter().enumerate().rev() {
            if i + 1 == files.len() {
                result.index_last_update_timestamp = f.end_timestamp();
                result.index_last_update_phyoffset = f.end_phy_offset();
            }
            if f.is_time_matched(begin, end) {
                f.select_phy_offsets(&mut result.phy_offsets, &full_key, max_num, begin, end);
            }
            if f.begin_timestamp() < begin || result.phy_offsets.len() >= max_num {
                break;
            }
        }
        result
    }

    /// Deletes files (never the newest) whose `endPhyOffset` is below `min_phy_offset`, oldest first.
    pub fn delete_expired_file(&self, min_phy_offset: i64) -> Result<usize> {
        let _w = self.write.lock();
        let mut files = self.files.write();
        let mut n = 0;
        while files.len() > 1 && files.first().is_some_and(|f| f.end_phy_offset() < min_phy_offset) {
            let f = files.remove(0);
            f.delete()?;
            n += 1;
        }
        Ok(n)
    }

    /// Deletes the `n` newest files (recovery: they reference offsets beyond the commit log's end).
    pub fn remove_newest(&self, n: usize) -> Result<()> {
        let _w = self.write.lock();
        let mut files = self.files.write();
        for _ in 0..n {
            if let Some(f) = files.pop() {
                f.delete()?;
            }
        }
        Ok(())
    }

    /// Flushes every file and waits for background flushes.
    pub fn flush(&self) -> Result<()> {
        for h in std::mem::take(&mut *self.flushers.lock()) {
            let _ = h.join();
        }
        for f in self.files() {
            f.flush()?;
        }
        Ok(())
    }

    /// Deletes every index file.
    pub fn destroy(&self) -> Result<()> {
        let mut files = self.files.write();
        for f in files.drain(..) {
            f.delete()?;
        }
        Ok(())
    }
}

impl Drop for IndexService {
    fn drop(&mut self) {
        for h in std::mem::take(&mut *self.flushers.lock()) {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
#[path = "index_file_tests.rs"]
mod tests;
