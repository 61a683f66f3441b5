//! Consume queues (spec §3): one file queue per (topic, queue id) of fixed 20-byte entries.
//!
//! ```text
//!  consumequeue/<topic>/<queueId>/<20-digit byte offset>   (file = mappedFileSizeConsumeQueue, 300,000 entries)
//!
//!  entry q at byte q*20:
//!  0                               8               12                              20
//!  +-------------------------------+---------------+-------------------------------+
//!  | commit-log physical offset i64| record size i32| tag code i64                 |
//!  +-------------------------------+---------------+-------------------------------+
//!  present  <=> physical offset >= 0 && size > 0;  all-zero = end of the written part
//!  filler   =  (0, 0x7FFFFFFF, 0) before the first entry of a queue that starts above 0
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::{Mutex, RwLock};

use super::error::{IoContext, Result, StoreError};
use super::mapped_file_queue::MappedFileQueue;

/// Size of one entry.
pub const CQ_STORE_UNIT_SIZE: usize = 20;
const UNIT: i64 = CQ_STORE_UNIT_SIZE as i64;

/// Smallest tag-code value that is an ext address rather than a tag code (`ConsumeQueueExt`).
pub const MAX_EXT_ADDR: i64 = i32::MIN as i64 - 1;

/// True if a tag-code field holds a ConsumeQueueExt address instead of a tag code.
pub fn is_ext_addr(tags_code: i64) -> bool {
    tags_code <= MAX_EXT_ADDR
}

/// One decoded entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CqEntry {
    /// Commit-log physical offset.
    pub phy_offset: i64,
    /// Commit-log record size.
    pub size: i32,
    /// Tag code (or ext address).
    pub tags_code: i64,
}

impl CqEntry {
    /// Decodes 20 bytes.
    pub fn decode(b: &[u8]) -> Option<Self> {
        Some(CqEntry {
            phy_offset: i64::from_be_bytes(b.get(0..8)?.try_into().ok()?),
            size: i32::from_be_bytes(b.get(8..12)?.try_into().ok()?),
            tags_code: i64::from_be_bytes(b.get(12..20)?.try_into().ok()?),
        })
    }

    /// Encodes to 20 bytes.
    pub fn encode(&self) -> [u8; CQ_STORE_UNIT_SIZE] {
        let mut out = [0u8; CQ_STORE_UNIT_SIZE];
        for (dst, src) in out.iter_mut().zip(
            self.phy_offset
                .to_be_bytes()
                .iter()
                .chain(self.size.to_be_bytes().iter())
                .chain(self.tags_code.to_be_bytes().iter()),
        ) {
            *dst = *src;
        }
        out
    }

    /// Present = a written entry (filler included).
    pub fn is_present(&self) -> bool {
        self.phy_offset >= 0 && self.size > 0
    }
}

/// Which side of a timestamp `get_offset_by_time` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoundaryType {
    /// First message stored at or after the time (max offset if none).
    #[default]
    Lower,
    /// Last message stored at or before the time (min offset if none).
    Upper,
}

/// One consume queue.
#[derive(Debug)]
pub struct ConsumeQueue {
    topic: String,
    queue_id: i32,
    files: MappedFileQueue,
    /// End (offset + size) of the newest entry's record, −1 when empty.
    max_physic_offset: AtomicI64,
    /// Byte offset of the first readable entry (`minLogicOffset`).
    min_logic_offset: AtomicI64,
    write: Mutex<()>,
}

impl ConsumeQueue {
    /// The queue `root/<topic>/<queue_id>` with files of `file_size` bytes (a multiple of 20).
    pub fn new(root: &Path, topic: &str, queue_id: i32, file_size: usize) -> Self {
        ConsumeQueue {
            topic: topic.to_string(),
            queue_id,
            files: MappedFileQueue::new(root.join(topic).join(queue_id.to_string()), file_size),
            max_physic_offset: AtomicI64::new(-1),
            min_logic_offset: AtomicI64::new(0),
            write: Mutex::new(()),
        }
    }

    /// Topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Queue id.
    pub fn queue_id(&self) -> i32 {
        self.queue_id
    }

    /// The file queue.
    pub fn files(&self) -> &MappedFileQueue {
        &self.files
    }

    /// Maps the existing files.
    pub fn load(&self) -> Result<()> {
        self.files.load()
    }

    /// Finds the written end (spec §3.6): from the third-to-last file, walk entries until the first one that is
    /// not present; cut there. Remembers the max physical offset.
    pub fn recover(&self) -> Result<()> {
        let files = self.files.files();
        if files.is_empty() {
            return Ok(());
        }
        let mut index = files.len().saturating_sub(3);
        let file_size = self.files.file_size();
        let mut max_phy = -1i64;
        let process_offset = loop {
            let Some(mf) = files.get(index) else { break 0 };
            let mut end_in_file = 0usize;
            mf.with_bytes(0, mf.wrote_position(), |b| {
                for chunk in b.chunks_exact(CQ_STORE_UNIT_SIZE) {
                    match CqEntry::decode(chunk) {
                        Some(e) if e.is_present() => {
                            end_in_file += CQ_STORE_UNIT_SIZE;
                            max_phy = e.phy_offset + i64::from(e.size);
                        }
                        _ => break,
                    }
                }
            });
            if end_in_file == file_size && index + 1 < files.len() {
                index += 1;
                continue;
            }
            break mf.from_offset() + end_in_file as i64;
        };
        drop(files);
        self.max_physic_offset.store(max_phy, Ordering::Release);
        self.files.set_flushed_where(process_offset);
        self.files.truncate_dirty(process_offset)
    }

    /// Writes the entry for queue offset `cq_offset` (Java `putMessagePositionInfo`): duplicates (by physical
    /// offset, or by a position below the current end) are skipped; the first file of a queue that starts
    /// above 0 is pre-filled with filler entries. False if no file could be created or written.
    pub fn put_message_position_info(&self, offset: i64, size: i32, tags_code: i64, cq_offset: i64) -> Result<bool> {
        let _w = self.write.lock();
        if offset + i64::from(size) <= self.max_physic_offset.load(Ordering::Acquire) {
            // Java warns per record; abnormal recovery re-dispatches up to a whole file of them, and a line per
            // record made recovery several times slower, so this is debug.
            tracing::debug!(topic = %self.topic, queue = self.queue_id, offset, "Maybe try to build consume queue repeatedly");
            return Ok(true);
        }
        let expect = cq_offset * UNIT;
        let mf = self.files.last_or_create(expect)?;
        if mf.is_first_in_queue() && cq_offset != 0 && mf.wrote_position() == 0 {
            self.min_logic_offset.store(expect, Ordering::Release);
            self.files.set_flushed_where(expect);
            let filler = CqEntry { phy_offset: 0, size: i32::MAX, tags_code: 0 }.encode();
            let until = (expect - mf.from_offset()).max(0) as usize;
            for _ in (0..until).step_by(CQ_STORE_UNIT_SIZE) {
                mf.append(&filler);
            }
            tracing::info!(file = %mf.path().display(), expect, "fill pre blank space");
        }
        if cq_offset != 0 {
            let current = mf.from_offset() + mf.wrote_position() as i64;
            if expect < current {
                tracing::debug!(topic = %self.topic, queue = self.queue_id, expect, current, "Build consume queue repeatedly");
                return Ok(true);
            }
            if expect != current {
                tracing::warn!(topic = %self.topic, queue = self.queue_id, expect, current, "[BUG]logic queue order maybe wrong");
            }
        }
        self.max_physic_offset.store(offset + i64::from(size), Ordering::Release);
        // SIZE last, behind a compiler fence: a process killed in the middle leaves SIZE = 0, which recovery
        // reads as the end of the queue; a torn entry with offset and size but no tag code would be kept (and
        // re-dispatch would skip it as already built), mis-filtering pulls for good.
        let entry = CqEntry { phy_offset: offset, size, tags_code }.encode();
        let written = mf.append_with(CQ_STORE_UNIT_SIZE, |b| {
            let (Some((dst_head, dst_tags)), Some((src_head, src_tags))) =
                (b.split_at_mut_checked(12), entry.split_at_checked(12))
            else {
                return;
            };
            dst_tags.copy_from_slice(src_tags);
            let (Some((dst_phy, dst_size)), Some((src_phy, src_size))) =
                (dst_head.split_at_mut_checked(8), src_head.split_at_checked(8))
            else {
                return;
            };
            dst_phy.copy_from_slice(src_phy);
            std::sync::atomic::compiler_fence(Ordering::SeqCst);
            dst_size.copy_from_slice(src_size);
        });
        Ok(written.is_some())
    }

    /// The entries from queue offset `start_index` to the end of the readable part of its file (Java
    /// `getIndexBuffer`), as a view of the mapping; `None` below the min offset or if absent.
    pub fn get_index_buffer(&self, start_index: i64) -> Option<Bytes> {
        let offset = start_index.checked_mul(UNIT)?;
        if offset < self.min_logic_offset() {
            return None;
        }
        let mf = self.files.find_by_offset(offset, false)?;
        mf.view_from(usize::try_from(offset - mf.from_offset()).ok()?)
    }

    /// The entry at queue offset `index`, if written.
    pub fn entry(&self, index: i64) -> Option<CqEntry> {
        let offset = index.checked_mul(UNIT)?;
        let mf = self.files.find_by_offset(offset, false)?;
        let pos = usize::try_from(offset - mf.from_offset()).ok()?;
        mf.with_bytes(pos, CQ_STORE_UNIT_SIZE, CqEntry::decode).flatten()
    }

    /// Byte offset of the first readable entry.
    pub fn min_logic_offset(&self) -> i64 {
        self.min_logic_offset.load(Ordering::Acquire)
    }

    /// Sets the min logic offset (bytes).
    pub fn set_min_logic_offset(&self, v: i64) {
        self.min_logic_offset.store(v, Ordering::Release);
    }

    /// First readable queue offset.
    pub fn min_offset_in_queue(&self) -> i64 {
        self.min_logic_offset() / UNIT
    }

    /// Next queue offset to be written (= number of slots written, filler included).
    pub fn max_offset_in_queue(&self) -> i64 {
        self.files.max_offset() / UNIT
    }

    /// End of the newest entry's record (−1 when empty).
    pub fn max_physic_offset(&self) -> i64 {
        self.max_physic_offset.load(Ordering::Acquire)
    }

    /// Number of readable messages.
    pub fn message_total_in_queue(&self) -> i64 {
        self.max_offset_in_queue() - self.min_offset_in_queue()
    }

    /// Recomputes the min offset from the commit log's min offset (spec §3.5, the 5.3.3 rule: a queue whose last
    /// entry points below it is empty; otherwise binary search in the first file).
    pub fn correct_min_offset(&self, min_commit_log_offset: i64) {
        let max = self.max_offset_in_queue();
        if max == 0 {
            return;
        }
        if let Some(last) = self.entry(max - 1) {
            if last.phy_offset < min_commit_log_offset {
                self.set_min_logic_offset(max * UNIT);
                return;
            }
        }
        let Some(first) = self.files.first() else { return };
        let n = first.wrote_position() / CQ_STORE_UNIT_SIZE;
        let found = first
            .with_bytes(0, n * CQ_STORE_UNIT_SIZE, |b| {
                let at =
                    |i: usize| b.get(i * CQ_STORE_UNIT_SIZE..(i + 1) * CQ_STORE_UNIT_SIZE).and_then(CqEntry::decode);
                // first entry (not filler) whose physical offset >= the commit-log min offset
                let (mut lo, mut hi) = (0usize, n);
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    match at(mid) {
                        Some(e) if e.size != i32::MAX && e.phy_offset >= min_commit_log_offset => hi = mid,
                        _ => lo = mid + 1,
                    }
                }
                (lo < n).then_some(lo)
            })
            .flatten();
        if let Some(i) = found {
            let v = first.from_offset() + (i * CQ_STORE_UNIT_SIZE) as i64;
            if v > self.min_logic_offset() {
                self.set_min_logic_offset(v);
            }
        }
    }

    /// Cuts entries pointing at or beyond `phy_offset` (spec §6.7).
    pub fn truncate_dirty_logic_files(&self, phy_offset: i64) -> Result<()> {
        let _w = self.write.lock();
        loop {
            let Some(last) = self.files.last() else { break };
            let wrote = last.wrote_position();
            let entries: Vec<CqEntry> = last
                .with_bytes(0, wrote - wrote % CQ_STORE_UNIT_SIZE, |b| {
                    b.chunks_exact(CQ_STORE_UNIT_SIZE).filter_map(CqEntry::decode).collect()
                })
                .unwrap_or_default();
            let keep = entries.iter().take_while(|e| e.phy_offset < phy_offset).count();
            let from = last.from_offset();
            drop(last);
            if keep == 0 && !entries.is_empty() {
                self.files.delete_from(from)?;
                continue;
            }
            if keep < entries.len() {
                self.files.truncate_dirty(from + (keep * CQ_STORE_UNIT_SIZE) as i64)?;
            }
            break;
        }
        let max_phy = match self.max_offset_in_queue() {
            0 => -1,
            m => self.entry(m - 1).map_or(-1, |e| e.phy_offset + i64::from(e.size)),
        };
        self.max_physic_offset.store(max_phy, Ordering::Release);
        if self.min_logic_offset() > self.files.max_offset() {
            self.set_min_logic_offset(self.files.max_offset());
        }
        Ok(())
    }

    /// Queue offset by store time (see [`BoundaryType`]); `store_time(phy, size)` reads the commit log (−1 if
    /// unreadable); entries below `min_phy_offset` are treated as older than any time.
    pub fn get_offset_by_time(
        &self,
        timestamp: i64,
        boundary: BoundaryType,
        min_phy_offset: i64,
        store_time: impl Fn(i64, i32) -> i64,
    ) -> i64 {
        let (min, max) = (self.min_offset_in_queue(), self.max_offset_in_queue());
        if min >= max {
            return min.min(max);
        }
        let time_at = |q: i64| match self.entry(q) {
            Some(e) if e.phy_offset >= min_phy_offset && e.size != i32::MAX => store_time(e.phy_offset, e.size),
            _ => i64::MIN,
        };
        // first q with time(q) >= ts (LOWER) or > ts (UPPER, then step back one)
        let pred = |q: i64| match boundary {
            BoundaryType::Lower => time_at(q) >= timestamp,
            BoundaryType::Upper => time_at(q) > timestamp,
        };
        let (mut lo, mut hi) = (min, max);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        match boundary {
            BoundaryType::Lower => lo,
            BoundaryType::Upper => (lo - 1).max(min),
        }
    }

    /// Deletes files whose entries all point below `min_phy_offset` (never the last) and corrects the min offset.
    pub fn delete_expired_file(&self, min_phy_offset: i64) -> Result<usize> {
        let n = self.files.delete_expired_by_offset(min_phy_offset, CQ_STORE_UNIT_SIZE)?;
        self.correct_min_offset(min_phy_offset);
        Ok(n)
    }

    /// Flushes; true if something was written.
    pub fn flush(&self, least_pages: usize) -> Result<bool> {
        self.files.flush(least_pages)
    }

    /// Deletes every file and the queue directory.
    pub fn destroy(&self) -> Result<()> {
        let _w = self.write.lock();
        self.files.destroy()?;
        self.max_physic_offset.store(-1, Ordering::Release);
        self.min_logic_offset.store(0, Ordering::Release);
        Ok(())
    }
}

type QueueTable = HashMap<String, HashMap<i32, Arc<ConsumeQueue>>>;

/// All consume queues under `consumequeue/`.
#[derive(Debug)]
pub struct ConsumeQueueStore {
    root: PathBuf,
    file_size: usize,
    table: RwLock<QueueTable>,
}

impl ConsumeQueueStore {
    /// The queues under `root` with files of `file_size` bytes.
    pub fn new(root: impl Into<PathBuf>, file_size: usize) -> Self {
        ConsumeQueueStore { root: root.into(), file_size, table: RwLock::new(HashMap::new()) }
    }

    /// Loads every `<topic>/<queueId>/` directory (non-numeric queue entries are ignored). A queue whose files
    /// cannot be used (a hole, or a file of the wrong size, which Java would refuse) is derived data: it is
    /// deleted so dispatch can rebuild it from the commit log; its name is returned.
    pub fn load(&self) -> Result<Vec<String>> {
        let mut repaired = Vec::new();
        std::fs::create_dir_all(&self.root).ctx(|| format!("create dir {}", self.root.display()))?;
        let mut table = QueueTable::new();
        for topic_entry in std::fs::read_dir(&self.root).ctx(|| format!("read dir {}", self.root.display()))? {
            let topic_entry = topic_entry.ctx(|| format!("read dir {}", self.root.display()))?;
            if !topic_entry.path().is_dir() {
                continue;
            }
            let topic = topic_entry.file_name().to_string_lossy().into_owned();
            let dir = topic_entry.path();
            for q in std::fs::read_dir(&dir).ctx(|| format!("read dir {}", dir.display()))? {
                let q = q.ctx(|| format!("read dir {}", dir.display()))?;
                let Some(queue_id) = q.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else { continue };
                if !q.path().is_dir() {
                    continue;
                }
                let cq = ConsumeQueue::new(&self.root, &topic, queue_id, self.file_size);
                match cq.load() {
                    Ok(()) => {}
                    Err(e @ (StoreError::Layout { .. } | StoreError::FileSize { .. })) => {
                        tracing::error!(topic = %topic, queue_id, error = %e, "unusable consume queue; deleting it to rebuild from the commit log");
                        for f in std::fs::read_dir(q.path()).ctx(|| format!("read dir {}", q.path().display()))? {
                            let f = f.ctx(|| format!("read dir {}", q.path().display()))?;
                            if f.path().is_file() {
                                std::fs::remove_file(f.path()).ctx(|| format!("delete {}", f.path().display()))?;
                            }
                        }
                        cq.load()?;
                        repaired.push(format!("{topic}/{queue_id}"));
                    }
                    Err(e) => return Err(e),
                }
                table.entry(topic.clone()).or_default().insert(queue_id, Arc::new(cq));
            }
        }
        *self.table.write() = table;
        Ok(repaired)
    }

    /// The queue, if it exists.
    pub fn find(&self, topic: &str, queue_id: i32) -> Option<Arc<ConsumeQueue>> {
        self.table.read().get(topic).and_then(|q| q.get(&queue_id)).cloned()
    }

    /// The queue, created (empty, no files yet) if needed.
    pub fn find_or_create(&self, topic: &str, queue_id: i32) -> Arc<ConsumeQueue> {
        if let Some(cq) = self.find(topic, queue_id) {
            return cq;
        }
        let mut table = self.table.write();
        let queues = table.entry(topic.to_string()).or_default();
        Arc::clone(
            queues
                .entry(queue_id)
                .or_insert_with(|| Arc::new(ConsumeQueue::new(&self.root, topic, queue_id, self.file_size))),
        )
    }

    /// Every queue.
    pub fn all(&self) -> Vec<Arc<ConsumeQueue>> {
        self.table.read().values().flat_map(|q| q.values().cloned()).collect()
    }

    /// Topics that have queues.
    pub fn topics(&self) -> Vec<String> {
        self.table.read().keys().cloned().collect()
    }

    /// The queues of one topic.
    pub fn queues_of(&self, topic: &str) -> Vec<Arc<ConsumeQueue>> {
        self.table.read().get(topic).map(|q| q.values().cloned().collect()).unwrap_or_default()
    }

    /// Recovers every queue; returns the max physical offset over all queues (−1 if none has entries).
    pub fn recover(&self) -> Result<i64> {
        let mut max = -1;
        for cq in self.all() {
            cq.recover()?;
            max = max.max(cq.max_physic_offset());
        }
        Ok(max)
    }

    /// The queue-offset table for the commit log: every queue's max offset.
    pub fn queue_offset_table(&self) -> HashMap<String, HashMap<i32, i64>> {
        self.table
            .read()
            .iter()
            .map(|(t, qs)| (t.clone(), qs.iter().map(|(id, cq)| (*id, cq.max_offset_in_queue())).collect()))
            .collect()
    }

    /// Cuts every queue at `phy_offset`.
    pub fn truncate_dirty(&self, phy_offset: i64) -> Result<()> {
        for cq in self.all() {
            cq.truncate_dirty_logic_files(phy_offset)?;
        }
        Ok(())
    }

    /// Corrects every queue's min offset.
    pub fn correct_min_offsets(&self, min_commit_log_offset: i64) {
        for cq in self.all() {
            cq.correct_min_offset(min_commit_log_offset);
        }
    }

    /// Flushes every queue; true if anything was written.
    pub fn flush(&self, least_pages: usize) -> Result<bool> {
        let mut any = false;
        for cq in self.all() {
            any |= cq.flush(least_pages)?;
        }
        Ok(any)
    }

    /// Deletes every queue (the commit log is empty).
    pub fn destroy_all(&self) -> Result<()> {
        for cq in self.all() {
            cq.destroy()?;
        }
        self.table.write().clear();
        Ok(())
    }

    /// Drops and deletes the queues of a topic.
    pub fn delete_topic(&self, topic: &str) -> Result<()> {
        let removed = self.table.write().remove(topic);
        if let Some(qs) = removed {
            for cq in qs.values() {
                cq.destroy()?;
            }
            let _ = std::fs::remove_dir(self.root.join(topic));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "consume_queue_tests.rs"]
mod tests;
