//! The commit log: one global append-only log of records (spec §2), in files of `mappedFileSizeCommitLog`.
//!
//! ```text
//!  commitlog/00000000000000000000                    commitlog/00000000001073741824
//!  +--------+--------+-----+--------+-------------+  +--------+--------+----
//!  | record | record | ... | record | BLANK (R,m) |  | record | record | ...
//!  +--------+--------+-----+--------+-------------+  +--------+--------+----
//!  a record that does not fit with 8 bytes to spare goes to the next file; the 8-byte blank
//!  record (TOTALSIZE = R = bytes left, BLANK_MAGIC_CODE) ends the full file.
//! ```
//!
//! Appends are serialised by one put lock. Everything that allocates or hashes (validation, body CRC, host
//! bytes, the batch split) happens before the lock; inside it the store timestamp, queue offset and physical
//! offset are assigned and the record is encoded straight into the mapped file. Reads return [`Bytes`] views
//! of the mapping (no copy).

pub mod record;
#[cfg(test)]
mod record_tests;
pub mod status;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use parking_lot::Mutex;

use self::record::{encode_blank, encode_record, MessageVersion, RecordFields, END_FILE_MIN_BLANK_LENGTH};
pub use self::status::{AppendMessageResult, AppendMessageStatus, PutMessageResult, PutMessageStatus};
use super::config::MessageStoreConfig;
use super::error::Result;
use super::mapped_file::MappedFile;
use super::mapped_file_queue::MappedFileQueue;
use super::message::{self, socket_addr_bytes, sys_flag, MessageExtBatch, MessageExtBrokerInner};

/// Current wall-clock time in epoch milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// How far past the write position [`CommitLog::warm_ahead`] keeps the newest file's pages faulted in.
pub const WARM_AHEAD: usize = 64 << 20;
/// Bytes pre-faulted per [`CommitLog::warm_ahead`] call.
const WARM_CHUNK: usize = 1 << 20;

/// Settings the commit log needs (copied from [`MessageStoreConfig`]).
#[derive(Debug, Clone)]
struct Limits {
    file_size: usize,
    max_body: usize,
    max_record: usize,
    allow_v2: bool,
    crc_property: bool,
}

/// State guarded by the put lock.
#[derive(Debug, Default)]
struct PutState {
    /// Next queue offset per topic and queue id (Java `topicQueueTable`, key `topic-queueId`).
    queue_offsets: HashMap<String, HashMap<i32, i64>>,
    /// The file being appended to.
    current: Option<Arc<MappedFile>>,
}

impl PutState {
    fn next_offset(&mut self, topic: &str, queue_id: i32) -> i64 {
        match self.queue_offsets.get(topic) {
            Some(q) => q.get(&queue_id).copied().unwrap_or(0),
            None => 0,
        }
    }

    fn advance(&mut self, topic: &str, queue_id: i32, next: i64) {
        match self.queue_offsets.get_mut(topic) {
            Some(q) => {
                q.insert(queue_id, next);
            }
            None => {
                self.queue_offsets.insert(topic.to_string(), HashMap::from([(queue_id, next)]));
            }
        }
    }
}

/// A message validated and measured outside the put lock.
struct Prepared<'m> {
    version: MessageVersion,
    sys_flag: i32,
    body_crc: i32,
    born: ([u8; 20], usize),
    store: ([u8; 20], usize),
    total: usize,
    crc_reserved: bool,
    msg: &'m MessageExtBrokerInner,
}

/// The commit log.
#[derive(Debug)]
pub struct CommitLog {
    queue: MappedFileQueue,
    limits: Limits,
    put: Mutex<PutState>,
    /// Published end of the log (last file start + write position), updated after every append.
    max_offset: AtomicI64,
    /// Time the current holder took the put lock, 0 when free (Java `beginTimeInLock`).
    begin_time_in_lock: AtomicI64,
    /// Physical offset up to which the newest file is pre-faulted ([`CommitLog::warm_ahead`]).
    warmed: AtomicI64,
    /// Pre-faulting is not supported here (old kernel, other OS): stop trying.
    warm_unsupported: AtomicBool,
}

impl CommitLog {
    /// A commit log over `config`'s commit-log directory (nothing is read until [`load`](Self::load)).
    pub fn new(config: &MessageStoreConfig) -> Self {
        let file_size = config.mapped_file_size_commit_log;
        CommitLog {
            queue: MappedFileQueue::new(config.commit_log_dir(), file_size),
            limits: Limits {
                file_size,
                max_body: config.max_message_size,
                max_record: config.max_message_size.saturating_add(64 * 1024),
                allow_v2: config.allow_v2_records(),
                crc_property: config.enabled_append_prop_crc,
            },
            put: Mutex::new(PutState::default()),
            max_offset: AtomicI64::new(0),
            begin_time_in_lock: AtomicI64::new(0),
            warmed: AtomicI64::new(0),
            warm_unsupported: AtomicBool::new(false),
        }
    }

    /// Maps the existing files (each marked fully written; recovery sets the real end).
    pub fn load(&self) -> Result<()> {
        std::fs::create_dir_all(self.queue.dir())
            .map_err(|e| super::error::StoreError::io(format!("create dir {}", self.queue.dir().display()), e))?;
        self.queue.load()?;
        self.refresh_max_offset();
        Ok(())
    }

    /// The file queue (recovery, flush, retention).
    pub fn queue(&self) -> &MappedFileQueue {
        &self.queue
    }

    /// Size of each file.
    pub fn file_size(&self) -> usize {
        self.limits.file_size
    }

    /// Re-reads the max offset from the files and forgets the cached current file (after recovery).
    pub fn refresh_max_offset(&self) {
        let mut put = self.put.lock();
        put.current = None;
        self.max_offset.store(self.queue.max_offset(), Ordering::Release);
    }

    /// End of the log: the next record's physical offset.
    pub fn max_offset(&self) -> i64 {
        self.max_offset.load(Ordering::Acquire)
    }

    /// Start of the first file (0 when there is none).
    pub fn min_offset(&self) -> i64 {
        self.queue.min_offset().max(0)
    }

    /// Everything below this offset is on disk.
    pub fn flushed_where(&self) -> i64 {
        self.queue.flushed_where()
    }

    /// Start of the file after the one holding `offset`.
    pub fn roll_next_file(&self, offset: i64) -> i64 {
        let size = self.limits.file_size as i64;
        offset + size - offset.rem_euclid(size)
    }

    /// Replaces the queue-offset table (after recovery: each consume queue's max offset).
    pub fn set_queue_offsets(&self, table: HashMap<String, HashMap<i32, i64>>) {
        self.put.lock().queue_offsets = table;
    }

    /// The next queue offset of a queue.
    pub fn queue_offset(&self, topic: &str, queue_id: i32) -> i64 {
        self.put.lock().next_offset(topic, queue_id)
    }

    /// Forgets a queue's counter (topic deleted).
    pub fn remove_queue(&self, topic: &str, queue_id: i32) {
        let mut put = self.put.lock();
        if let Some(q) = put.queue_offsets.get_mut(topic) {
            q.remove(&queue_id);
            if q.is_empty() {
                put.queue_offsets.remove(topic);
            }
        }
    }

    /// How long the put lock has been held now, in ms (0 when free; Java `lockTimeMills`).
    pub fn lock_time_mills(&self) -> i64 {
        let begin = self.begin_time_in_lock.load(Ordering::Relaxed);
        if begin > 0 {
            (now_ms() - begin).max(0)
        } else {
            0
        }
    }

    /// True if the put lock has been held longer than `timeout_ms` (Java `isOSPageCacheBusy`).
    pub fn is_os_page_cache_busy(&self, timeout_ms: u64) -> bool {
        let begin = self.begin_time_in_lock.load(Ordering::Relaxed);
        begin > 0 && now_ms() - begin > timeout_ms as i64
    }

    fn prepare<'m>(&self, msg: &'m MessageExtBrokerInner) -> std::result::Result<Prepared<'m>, PutMessageStatus> {
        let topic_len = msg.topic.len();
        let version = if topic_len > 127 {
            if !self.limits.allow_v2 || topic_len > i16::MAX as usize {
                tracing::warn!(topic_len, "topic too long for the record format");
                return Err(PutMessageStatus::MessageIllegal);
            }
            MessageVersion::V2
        } else {
            MessageVersion::V1
        };
        if msg.topic.is_empty() {
            return Err(PutMessageStatus::MessageIllegal);
        }
        let props_len = msg.properties.len() + self.crc_extra(msg.properties.as_bytes());
        if props_len > i16::MAX as usize {
            return Err(PutMessageStatus::PropertiesSizeExceeded);
        }
        if msg.body.len() > self.limits.max_body {
            tracing::warn!(body = msg.body.len(), max = self.limits.max_body, "message body size exceeded");
            return Err(PutMessageStatus::MessageIllegal);
        }
        let born = socket_addr_bytes(&msg.born_host);
        let store = socket_addr_bytes(&msg.store_host);
        let mut flag = msg.sys_flag;
        if born.1 == 20 {
            flag |= sys_flag::BORNHOST_V6;
        }
        if store.1 == 20 {
            flag |= sys_flag::STOREHOSTADDRESS_V6;
        }
        let prepared = Prepared {
            version,
            sys_flag: flag,
            body_crc: message::crc32(&msg.body),
            born,
            store,
            total: 0,
            crc_reserved: self.limits.crc_property,
            msg,
        };
        let total = prepared.fields(0, 0, 0).total_size();
        if total > self.limits.max_record || total + END_FILE_MIN_BLANK_LENGTH > self.limits.file_size {
            tracing::warn!(total, "message size exceeded");
            return Err(PutMessageStatus::MessageIllegal);
        }
        Ok(Prepared { total, ..prepared })
    }

    /// [5.3.3] bytes the `__CRC32#` property adds (and a separator when the properties lack a trailing one).
    fn crc_extra(&self, props: &[u8]) -> usize {
        if !self.limits.crc_property {
            return 0;
        }
        record::CRC32_RESERVED_LEN + usize::from(!props.is_empty() && props.last() != Some(&2))
    }

    /// Appends one message (spec §2.9). The delay-level transformation, if any, must already be applied.
    pub fn put_message(&self, msg: &MessageExtBrokerInner) -> PutMessageResult {
        let prepared = match self.prepare(msg) {
            Ok(p) => p,
            Err(status) => return PutMessageResult::of(status),
        };
        let tran = sys_flag::transaction_value(prepared.sys_flag);
        let counts = tran == sys_flag::TRANSACTION_NOT_TYPE || tran == sys_flag::TRANSACTION_COMMIT_TYPE;

        let mut put = self.put.lock();
        let now = now_ms();
        self.begin_time_in_lock.store(now, Ordering::Relaxed);
        let queue_offset = if counts { put.next_offset(&msg.topic, msg.queue_id) } else { 0 };
        let outcome = self.append_locked(&mut put, prepared.total, now, |buf, phys| {
            let f = prepared.fields(queue_offset, phys, now);
            encode_record(&mut *buf, &f);
        });
        let result = match outcome {
            Ok(phys) => {
                if counts {
                    put.advance(&msg.topic, msg.queue_id, queue_offset + 1);
                }
                PutMessageResult {
                    status: PutMessageStatus::PutOk,
                    append: Some(AppendMessageResult {
                        status: AppendMessageStatus::PutOk,
                        wrote_offset: phys,
                        wrote_bytes: prepared.total as i32,
                        store_timestamp: now,
                        logics_offset: queue_offset,
                        msg_num: 1,
                        page_cache_rt: now_ms() - now,
                        store_host: msg.store_host,
                        batch_offsets: Vec::new(),
                    }),
                }
            }
            Err(status) => PutMessageResult::of(status),
        };
        self.begin_time_in_lock.store(0, Ordering::Relaxed);
        drop(put);
        result
    }

    /// Appends a batch as one full record per inner message, all in the same file (spec §2.10).
    pub fn put_messages(&self, batch: &MessageExtBatch) -> PutMessageResult {
        if sys_flag::transaction_value(batch.sys_flag) != sys_flag::TRANSACTION_NOT_TYPE {
            return PutMessageResult::of(PutMessageStatus::MessageIllegal);
        }
        if batch.body.len() > self.limits.max_body {
            return PutMessageResult::of(PutMessageStatus::MessageIllegal);
        }
        let Some(items) = message::parse_batch_body(&batch.body) else {
            return PutMessageResult::of(PutMessageStatus::MessageIllegal);
        };
        if items.is_empty() {
            return PutMessageResult::of(PutMessageStatus::MessageIllegal);
        }
        let topic_len = batch.topic.len();
        let version = if topic_len > 127 && self.limits.allow_v2 && topic_len <= i16::MAX as usize {
            MessageVersion::V2
        } else if topic_len > 127 || topic_len == 0 {
            return PutMessageResult::of(PutMessageStatus::MessageIllegal);
        } else {
            MessageVersion::V1
        };
        let born = socket_addr_bytes(&batch.born_host);
        let store = socket_addr_bytes(&batch.store_host);
        let mut flag = batch.sys_flag;
        if born.1 == 20 {
            flag |= sys_flag::BORNHOST_V6;
        }
        if store.1 == 20 {
            flag |= sys_flag::STOREHOSTADDRESS_V6;
        }
        let batch_props = batch.properties.as_bytes();
        let body: &[u8] = &batch.body;
        // Per record: fields minus the offsets/timestamp, which are assigned under the lock.
        let mut records: Vec<RecordFields<'_>> = Vec::with_capacity(items.len());
        let mut total = 0usize;
        for it in &items {
            let inner_props = body.get(it.properties.0..it.properties.1).unwrap_or_default();
            let sep: &[u8] = if !inner_props.is_empty() && !batch_props.is_empty() && inner_props.last() != Some(&2) {
                b"\x02"
            } else {
                b""
            };
            let mut f = RecordFields {
                version,
                body_crc: it.body_crc,
                queue_id: batch.queue_id,
                flag: it.flag,
                queue_offset: 0,
                physical_offset: 0,
                sys_flag: flag,
                born_timestamp: batch.born_timestamp,
                born_host: born.0.get(..born.1).unwrap_or_default(),
                store_timestamp: 0,
                store_host: store.0.get(..store.1).unwrap_or_default(),
                reconsume_times: batch.reconsume_times,
                prepared_transaction_offset: 0,
                body: body.get(it.body.0..it.body.1).unwrap_or_default(),
                topic: batch.topic.as_bytes(),
                properties: [inner_props, sep, batch_props],
                crc_reserved: false,
            };
            f.crc_reserved = self.limits.crc_property;
            if f.properties_len() > i16::MAX as usize {
                return PutMessageResult::of(PutMessageStatus::PropertiesSizeExceeded);
            }
            let size = f.total_size();
            if size > self.limits.max_record {
                return PutMessageResult::of(PutMessageStatus::MessageIllegal);
            }
            total += size;
            records.push(f);
        }
        if total + END_FILE_MIN_BLANK_LENGTH > self.limits.file_size || total > i32::MAX as usize {
            return PutMessageResult::of(PutMessageStatus::MessageIllegal);
        }
        let mut offsets = Vec::with_capacity(records.len());

        let mut put = self.put.lock();
        let now = now_ms();
        self.begin_time_in_lock.store(now, Ordering::Relaxed);
        let first_queue_offset = put.next_offset(&batch.topic, batch.queue_id);
        let outcome = self.append_locked(&mut put, total, now, |buf, phys| {
            let mut rest = buf;
            let mut at = phys;
            for (i, f) in records.iter_mut().enumerate() {
                f.queue_offset = first_queue_offset + i as i64;
                f.physical_offset = at;
                f.store_timestamp = now;
                let size = f.total_size();
                let (head, tail) = std::mem::take(&mut rest).split_at_mut(size);
                encode_record(&mut *head, f);
                offsets.push(at);
                at += size as i64;
                rest = tail;
            }
        });
        let result = match outcome {
            Ok(phys) => {
                put.advance(&batch.topic, batch.queue_id, first_queue_offset + records.len() as i64);
                PutMessageResult {
                    status: PutMessageStatus::PutOk,
                    append: Some(AppendMessageResult {
                        status: AppendMessageStatus::PutOk,
                        wrote_offset: phys,
                        wrote_bytes: total as i32,
                        store_timestamp: now,
                        logics_offset: first_queue_offset,
                        msg_num: records.len() as i32,
                        page_cache_rt: now_ms() - now,
                        store_host: batch.store_host,
                        batch_offsets: offsets,
                    }),
                }
            }
            Err(status) => PutMessageResult::of(status),
        };
        self.begin_time_in_lock.store(0, Ordering::Relaxed);
        drop(put);
        result
    }

    /// Writes `len` bytes with `encode(buf, physical_offset)` at the end of the log, closing the current file
    /// with a blank record and moving to a new one if they do not fit with 8 bytes to spare. Caller holds the
    /// put lock (`put`). Returns the physical offset written at.
    fn append_locked(
        &self,
        put: &mut PutState,
        len: usize,
        store_timestamp: i64,
        encode: impl FnOnce(&mut [u8], i64),
    ) -> std::result::Result<i64, PutMessageStatus> {
        let mut file = match put.current.take().filter(|f| !f.is_full()) {
            Some(f) => f,
            None => self.next_file(0)?,
        };
        let pos = file.wrote_position();
        let room = file.size() - pos;
        if len + END_FILE_MIN_BLANK_LENGTH > room {
            if room >= END_FILE_MIN_BLANK_LENGTH {
                file.append_with(END_FILE_MIN_BLANK_LENGTH, |b| encode_blank(b, room as i32));
            }
            file.mark_full();
            file = self.next_file(file.from_offset())?;
        }
        let phys = file.from_offset() + file.wrote_position() as i64;
        let mut encode = Some(encode);
        let written = file.append_with(len, |buf| {
            if let Some(enc) = encode.take() {
                enc(buf, phys);
            }
        });
        if written.is_none() {
            put.current = Some(file);
            return Err(PutMessageStatus::UnknownError);
        }
        file.set_store_timestamp(store_timestamp);
        self.max_offset.store(phys + len as i64, Ordering::Release);
        put.current = Some(file);
        Ok(phys)
    }

    fn next_file(&self, hint: i64) -> std::result::Result<Arc<MappedFile>, PutMessageStatus> {
        match self.queue.last_or_create(hint) {
            Ok(f) => Ok(f),
            Err(e) => {
                tracing::error!(error = %e, "create mapped file failed");
                Err(PutMessageStatus::CreateMappedFileFailed)
            }
        }
    }

    /// The record bytes `[offset, offset + size)` as a view of the mapping; `None` if not (or no longer) there.
    pub fn get_message(&self, offset: i64, size: usize) -> Option<Bytes> {
        let file = self.queue.find_by_offset(offset, offset == 0)?;
        let pos = usize::try_from(offset - file.from_offset()).ok()?;
        file.view(pos, size)
    }

    /// Everything readable from `offset` to the end of its file (Java `getData`).
    pub fn get_data(&self, offset: i64) -> Option<Bytes> {
        let file = self.queue.find_by_offset(offset, offset == 0)?;
        let pos = usize::try_from(offset - file.from_offset()).ok()?;
        file.view_from(pos)
    }

    /// STORETIMESTAMP of the record at `offset` (−1 if it cannot be read).
    pub fn pickup_store_timestamp(&self, offset: i64, size: usize) -> i64 {
        let Some(file) = self.queue.find_by_offset(offset, false) else { return -1 };
        let Ok(pos) = usize::try_from(offset - file.from_offset()) else { return -1 };
        let wrote = file.wrote_position();
        let len = size.min(wrote.saturating_sub(pos));
        file.with_bytes(pos, len, record::pickup_store_timestamp).flatten().unwrap_or(-1)
    }

    /// Pre-faults the next chunk (up to 4 MiB) of the newest file between the write position and `ahead` bytes
    /// past it, so appends do not take page faults inside the put lock (faulting in fresh pages of a sparse
    /// mapping is the largest cost of an append otherwise). Java's counterpart is `warmMappedFileEnable` (off
    /// by default: it writes zeros over the whole next file). Returns true if it did work (call again), false
    /// when caught up or not supported. Called by the store's warmer thread.
    pub fn warm_ahead(&self, ahead: usize) -> bool {
        if self.warm_unsupported.load(Ordering::Relaxed) {
            return false;
        }
        let Some(file) = self.queue.last() else { return false };
        let wrote = file.wrote_position();
        let end = wrote.saturating_add(ahead).min(file.size());
        // offsets of an older file come out negative: start at the write position
        let done = usize::try_from(self.warmed.load(Ordering::Acquire) - file.from_offset()).unwrap_or(0).max(wrote);
        if done >= end {
            return false;
        }
        let len = (end - done).min(WARM_CHUNK);
        match file.prefault(done, len) {
            Ok(()) => {
                self.warmed.store(file.from_offset() + (done + len) as i64, Ordering::Release);
                true
            }
            Err(e) => {
                let unsupported = e.kind() == std::io::ErrorKind::Unsupported || e.raw_os_error() == Some(libc::EINVAL);
                if unsupported {
                    self.warm_unsupported.store(true, Ordering::Relaxed);
                    tracing::info!(error = %e, "pre-faulting the commit log is not supported; appends take page faults");
                } else {
                    tracing::debug!(error = %e, "pre-faulting the commit log failed");
                }
                false
            }
        }
    }

    /// Flushes (see [`MappedFileQueue::flush`]).
    pub fn flush(&self, least_pages: usize) -> Result<bool> {
        self.queue.flush(least_pages)
    }
}

impl Prepared<'_> {
    fn fields(&self, queue_offset: i64, physical_offset: i64, store_timestamp: i64) -> RecordFields<'_> {
        let m = self.msg;
        let props = m.properties.as_bytes();
        let crc_reserved = self.crc_reserved;
        // 5.3.3: with the CRC property, a separator is added first if the properties lack a trailing one.
        let sep: &[u8] = if crc_reserved && !props.is_empty() && props.last() != Some(&2) { b"\x02" } else { b"" };
        RecordFields {
            version: self.version,
            body_crc: self.body_crc,
            queue_id: m.queue_id,
            flag: m.flag,
            queue_offset,
            physical_offset,
            sys_flag: self.sys_flag,
            born_timestamp: m.born_timestamp,
            born_host: self.born.0.get(..self.born.1).unwrap_or_default(),
            store_timestamp,
            store_host: self.store.0.get(..self.store.1).unwrap_or_default(),
            reconsume_times: m.reconsume_times,
            prepared_transaction_offset: m.prepared_transaction_offset,
            body: &m.body,
            topic: m.topic.as_bytes(),
            properties: [props, sep, b""],
            crc_reserved,
        }
    }
}
