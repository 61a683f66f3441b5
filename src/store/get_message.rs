//! Reading for consumers (Java `DefaultMessageStore.getMessage` / `queryMessage`): consume-queue entries are
//! filtered by tag code and turned into [`Bytes`] views of the commit log, never copies.
//!
//! ```text
//!  queue offset  --CQ entry (phy, size, tagCode)-->  filter(tagCode)  -->  commit log [phy, phy+size) view
//!  stops at maxMsgNums, or at the transfer limits (256 KiB / 32 msgs in memory, 64 KiB / 8 msgs "in disk",
//!  in disk = more than accessMessageInMemoryMaxRatio % of RAM behind the commit-log end)
//! ```

use std::collections::HashSet;

use bytes::Bytes;

use super::commitlog::CommitLog;
use super::config::{BrokerRole, MessageStoreConfig};
use super::consume_queue::{is_ext_addr, ConsumeQueue, CqEntry, CQ_STORE_UNIT_SIZE};

/// Outcome of a get (Java `GetMessageStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GetMessageStatus {
    /// Messages found.
    Found,
    /// Entries read, none matched the filter.
    NoMatchedMessage,
    /// The commit-log data of the entries was deleted.
    MessageWasRemoving,
    /// The consume-queue file for the offset could not be read.
    OffsetFoundNull,
    /// Offset beyond max + 1.
    OffsetOverflowBadly,
    /// Offset == max (nothing new yet).
    OffsetOverflowOne,
    /// Offset below the min offset.
    OffsetTooSmall,
    /// No such queue.
    NoMatchedLogicQueue,
    /// The queue is empty.
    NoMessageInQueue,
}

impl GetMessageStatus {
    /// Java constant name.
    pub fn java_name(self) -> &'static str {
        match self {
            GetMessageStatus::Found => "FOUND",
            GetMessageStatus::NoMatchedMessage => "NO_MATCHED_MESSAGE",
            GetMessageStatus::MessageWasRemoving => "MESSAGE_WAS_REMOVING",
            GetMessageStatus::OffsetFoundNull => "OFFSET_FOUND_NULL",
            GetMessageStatus::OffsetOverflowBadly => "OFFSET_OVERFLOW_BADLY",
            GetMessageStatus::OffsetOverflowOne => "OFFSET_OVERFLOW_ONE",
            GetMessageStatus::OffsetTooSmall => "OFFSET_TOO_SMALL",
            GetMessageStatus::NoMatchedLogicQueue => "NO_MATCHED_LOGIC_QUEUE",
            GetMessageStatus::NoMessageInQueue => "NO_MESSAGE_IN_QUEUE",
        }
    }
}

/// Result of a get (Java `GetMessageResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetMessageResult {
    /// Status.
    pub status: GetMessageStatus,
    /// Where the next pull should start.
    pub next_begin_offset: i64,
    /// Queue min offset.
    pub min_offset: i64,
    /// Queue max offset.
    pub max_offset: i64,
    /// One view per message: the whole commit-log record.
    pub messages: Vec<Bytes>,
    /// Queue offset of each message.
    pub message_queue_offsets: Vec<i64>,
    /// Sum of the record sizes.
    pub buffer_total_size: usize,
    /// The reader is far behind (data likely not in page cache).
    pub suggest_pulling_from_slave: bool,
}

impl GetMessageResult {
    fn empty(status: GetMessageStatus) -> Self {
        GetMessageResult {
            status,
            next_begin_offset: 0,
            min_offset: 0,
            max_offset: 0,
            messages: Vec::new(),
            message_queue_offsets: Vec::new(),
            buffer_total_size: 0,
            suggest_pulling_from_slave: false,
        }
    }

    /// Number of messages.
    pub fn message_count(&self) -> usize {
        self.messages.len()
    }
}

/// Filter applied while reading (Java `MessageFilter`).
pub trait MessageFilter {
    /// Decides from the consume-queue tag code (`None` when it is an unreadable ext address).
    fn is_matched_by_consume_queue(&self, tags_code: Option<i64>) -> bool;
    /// Decides from the whole record (SQL92 filters); default: match.
    fn is_matched_by_commit_log(&self, _record: &[u8]) -> bool {
        true
    }
}

/// Tag filter of a TAG-type subscription (Java `ExpressionMessageFilter` in tag mode): matches when the
/// subscription is `*`, the entry has no tag code, or the code's low 32 bits are one of the subscribed tags'
/// Java hashes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagsFilter {
    /// Subscribed tag hash codes; `None` = `*` (everything).
    pub codes: Option<HashSet<i32>>,
}

impl TagsFilter {
    /// Builds a filter from a `||`-separated tag expression (`*` or empty = all).
    pub fn from_expression(expr: &str) -> Self {
        let expr = expr.trim();
        if expr.is_empty() || expr == "*" {
            return TagsFilter { codes: None };
        }
        let codes = expr.split("||").map(str::trim).filter(|t| !t.is_empty()).map(super::message::java_hash).collect();
        TagsFilter { codes: Some(codes) }
    }
}

impl MessageFilter for TagsFilter {
    fn is_matched_by_consume_queue(&self, tags_code: Option<i64>) -> bool {
        match (&self.codes, tags_code) {
            (None, _) | (_, None) => true,
            (Some(codes), Some(code)) => codes.contains(&(code as i32)),
        }
    }
}

/// Result of a key query (Java `QueryMessageResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryMessageResult {
    /// One view per message found (sorted by physical offset).
    pub messages: Vec<Bytes>,
    /// `endTimestamp` of the newest index file.
    pub index_last_update_timestamp: i64,
    /// `endPhyOffset` of the newest index file.
    pub index_last_update_phyoffset: i64,
    /// Sum of the record sizes.
    pub buffer_total_size: usize,
}

/// Total physical memory in bytes (`/proc/meminfo`), 0 if unknown.
pub fn total_physical_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()).map(|kb| kb * 1024))
        })
        .unwrap_or(0)
}

/// Inputs of [`get_message`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct GetContext<'a> {
    pub config: &'a MessageStoreConfig,
    pub commit_log: &'a CommitLog,
    pub memory: u64,
}

impl GetContext<'_> {
    fn next_offset_correction(&self, old: i64, new: i64) -> i64 {
        if self.config.broker_role != BrokerRole::Slave || self.config.offset_check_in_slave {
            new
        } else {
            old
        }
    }

    fn memory_budget(&self) -> i64 {
        (self.memory as f64 * (f64::from(self.config.access_message_in_memory_max_ratio) / 100.0)) as i64
    }

    fn is_batch_full(&self, size: usize, max_msgs: usize, total: usize, count: usize, in_disk: bool) -> bool {
        if total == 0 || count == 0 {
            return false;
        }
        if max_msgs <= count {
            return true;
        }
        let (bytes, msgs) = if in_disk {
            (self.config.max_transfer_bytes_on_message_in_disk, self.config.max_transfer_count_on_message_in_disk)
        } else {
            (self.config.max_transfer_bytes_on_message_in_memory, self.config.max_transfer_count_on_message_in_memory)
        };
        total + size > bytes || count + 1 > msgs
    }
}

/// Java `getMessage` for one queue (`cq` = `None`: the queue does not exist).
pub(crate) fn get_message(
    ctx: GetContext<'_>,
    cq: Option<&ConsumeQueue>,
    offset: i64,
    max_msg_nums: usize,
    filter: Option<&dyn MessageFilter>,
) -> GetMessageResult {
    let Some(cq) = cq else {
        let mut r = GetMessageResult::empty(GetMessageStatus::NoMatchedLogicQueue);
        r.next_begin_offset = ctx.next_offset_correction(offset, 0);
        return r;
    };
    let max_offset_py = ctx.commit_log.max_offset();
    let min_offset = cq.min_offset_in_queue();
    let max_offset = cq.max_offset_in_queue();
    let mut r = GetMessageResult::empty(GetMessageStatus::NoMessageInQueue);
    r.min_offset = min_offset;
    r.max_offset = max_offset;
    if max_offset == 0 {
        r.next_begin_offset = ctx.next_offset_correction(offset, 0);
    } else if offset < min_offset {
        r.status = GetMessageStatus::OffsetTooSmall;
        r.next_begin_offset = ctx.next_offset_correction(offset, min_offset);
    } else if offset == max_offset {
        r.status = GetMessageStatus::OffsetOverflowOne;
        r.next_begin_offset = ctx.next_offset_correction(offset, offset);
    } else if offset > max_offset {
        r.status = GetMessageStatus::OffsetOverflowBadly;
        r.next_begin_offset = ctx.next_offset_correction(offset, max_offset);
    } else {
        match cq.get_index_buffer(offset) {
            None => {
                r.status = GetMessageStatus::OffsetFoundNull;
                let size = cq.files().file_size() as i64 / CQ_STORE_UNIT_SIZE as i64;
                let roll = offset + size - offset.rem_euclid(size.max(1));
                r.next_begin_offset = ctx.next_offset_correction(offset, roll);
            }
            Some(buf) => read_entries(ctx, &mut r, &buf, offset, max_msg_nums, filter, max_offset_py),
        }
    }
    r
}

fn read_entries(
    ctx: GetContext<'_>,
    r: &mut GetMessageResult,
    buf: &Bytes,
    offset: i64,
    max_msg_nums: usize,
    filter: Option<&dyn MessageFilter>,
    max_offset_py: i64,
) {
    r.status = GetMessageStatus::NoMatchedMessage;
    let max_filter = (max_msg_nums * CQ_STORE_UNIT_SIZE).max(16_000);
    let mut next_phy_file_start = i64::MIN;
    let mut max_phy_pulling = 0i64;
    let mut read = 0usize;
    let budget = ctx.memory_budget();
    for (i, chunk) in buf.chunks_exact(CQ_STORE_UNIT_SIZE).enumerate() {
        let pos = i * CQ_STORE_UNIT_SIZE;
        if pos >= max_filter {
            break;
        }
        read = pos + CQ_STORE_UNIT_SIZE;
        let Some(CqEntry { phy_offset, size, tags_code }) = CqEntry::decode(chunk) else { break };
        max_phy_pulling = phy_offset;
        if next_phy_file_start != i64::MIN && phy_offset < next_phy_file_start {
            continue;
        }
        let size_u = usize::try_from(size).unwrap_or(0);
        let in_disk = max_offset_py - phy_offset > budget;
        if ctx.is_batch_full(size_u, max_msg_nums, r.buffer_total_size, r.messages.len(), in_disk) {
            read = pos;
            break;
        }
        let code = if is_ext_addr(tags_code) { None } else { Some(tags_code) };
        if let Some(f) = filter {
            if !f.is_matched_by_consume_queue(code) {
                continue;
            }
        }
        let Some(record) = ctx.commit_log.get_message(phy_offset, size_u) else {
            if r.buffer_total_size == 0 {
                r.status = GetMessageStatus::MessageWasRemoving;
            }
            next_phy_file_start = ctx.commit_log.roll_next_file(phy_offset);
            continue;
        };
        if let Some(f) = filter {
            if !f.is_matched_by_commit_log(&record) {
                continue;
            }
        }
        r.buffer_total_size += record.len();
        r.messages.push(record);
        r.message_queue_offsets.push(offset + i as i64);
        r.status = GetMessageStatus::Found;
        next_phy_file_start = i64::MIN;
    }
    r.next_begin_offset = offset + (read / CQ_STORE_UNIT_SIZE) as i64;
    r.suggest_pulling_from_slave = max_offset_py - max_phy_pulling > budget;
}
