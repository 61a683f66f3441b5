//! `MessageStore`: the store facade (Java `MessageStore` / `DefaultMessageStore`), a synchronous API the broker
//! maps request codes onto. Owns every background thread (reput, flush, group commit, clean-up); they stop on
//! [`MessageStore::shutdown`] or drop.
//!
//! ```text
//!  open:     lock -> load commit log, consume queues, checkpoint, index -> recovery (normal | abnormal, §6)
//!            -> dispatch what the queues miss -> rebuild queue-offset counters -> start services -> abort file
//!  put:      checks -> (delay level -> SCHEDULE_TOPIC_XXXX) -> commit log append -> wake dispatch
//!            -> SYNC_FLUSH: wait for the group commit (PutMessageHandle)
//!  shutdown: stop clean-up -> final commit-log flush -> dispatch the rest -> flush CQs, index, checkpoint
//!            -> delete abort (only if writeable and caught up) -> release lock
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use parking_lot::{Mutex, RwLock};

use super::checkpoint::StoreCheckpoint;
use super::cleanup::{CleanupService, DiskStatus};
use super::commitlog::record::{decode_message, MessageExt};
use super::commitlog::{CommitLog, PutMessageResult, PutMessageStatus};
use super::config::{BrokerRole, FlushDiskType, MessageStoreConfig};
use super::consume_queue::{BoundaryType, ConsumeQueueStore};
use super::dispatch::{ArrivingHook, Dispatcher, ReputService};
use super::error::{Result, StoreError};
use super::flush::{self, FlushWaiter, GroupCommitService, PeriodicService};
use super::get_message::{get_message, total_physical_memory, GetContext};
pub use super::get_message::{GetMessageResult, GetMessageStatus, MessageFilter, QueryMessageResult, TagsFilter};
use super::index_file::IndexService;
use super::lock::{self, StoreLock};
use super::message::{DelayLevelTable, MessageExtBatch, MessageExtBrokerInner};
use super::recovery::{self, RecoveryContext, RecoveryOutcome};

/// A put that may still wait for its flush: `.await` it or call [`wait`](PutMessageHandle::wait).
#[derive(Debug)]
pub struct PutMessageHandle {
    result: Option<PutMessageResult>,
    flush: Option<FlushWaiter>,
}

impl PutMessageHandle {
    fn ready(result: PutMessageResult) -> Self {
        PutMessageHandle { result: Some(result), flush: None }
    }

    /// The append outcome, before the flush verdict (offsets and msgId are final once stored).
    pub fn provisional(&self) -> Option<&PutMessageResult> {
        self.result.as_ref()
    }

    /// Blocks until the result is final.
    pub fn wait(mut self) -> PutMessageResult {
        let mut result = self.result.take().unwrap_or_else(|| PutMessageResult::of(PutMessageStatus::UnknownError));
        if let Some(w) = self.flush.take() {
            result.status = w.wait();
        }
        result
    }
}

impl Future for PutMessageHandle {
    type Output = PutMessageResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<PutMessageResult> {
        if let Some(w) = self.flush.as_mut() {
            match Pin::new(w).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(status) => {
                    self.flush = None;
                    if let Some(r) = self.result.as_mut() {
                        r.status = status;
                    }
                }
            }
        }
        Poll::Ready(self.result.take().unwrap_or_else(|| PutMessageResult::of(PutMessageStatus::UnknownError)))
    }
}

#[derive(Debug, Default)]
struct Services {
    reput: Option<ReputService>,
    flush_commit_log: Option<PeriodicService>,
    flush_consume_queue: Option<PeriodicService>,
    cleanup: Option<PeriodicService>,
    warm_commit_log: Option<PeriodicService>,
}

/// The message store.
#[derive(Debug)]
pub struct MessageStore {
    config: MessageStoreConfig,
    commit_log: Arc<CommitLog>,
    consume_queues: Arc<ConsumeQueueStore>,
    index: Option<Arc<IndexService>>,
    checkpoint: Arc<StoreCheckpoint>,
    dispatcher: Arc<Dispatcher>,
    cleanup: Arc<CleanupService>,
    delay_levels: DelayLevelTable,
    memory: u64,
    recovery: RecoveryOutcome,
    services: Mutex<Services>,
    group_commit: RwLock<Option<Arc<GroupCommitService>>>,
    shut_down: AtomicBool,
    lock: Mutex<Option<StoreLock>>,
}

impl MessageStore {
    /// Opens (creating if needed) the store at `config.store_path_root_dir`, recovers it and starts the
    /// background services.
    pub fn open(config: MessageStoreConfig) -> Result<Self> {
        config.validate().map_err(StoreError::Config)?;
        let root = config.root().to_path_buf();
        std::fs::create_dir_all(&root).map_err(|e| StoreError::io(format!("create dir {}", root.display()), e))?;
        let store_lock = StoreLock::acquire(&config.lock_path())?;
        let last_exit_ok = !lock::abort_file_exists(&config.abort_path());
        tracing::info!(root = %root.display(), last_exit_ok, "opening message store");

        let commit_log = Arc::new(CommitLog::new(&config));
        commit_log.load()?;
        let consume_queues =
            Arc::new(ConsumeQueueStore::new(config.consume_queue_dir(), config.consume_queue_file_size()));
        let repaired_queues = consume_queues.load()?;
        let checkpoint = Arc::new(StoreCheckpoint::open(&config.checkpoint_path())?);
        let index = if config.message_index_enable {
            let svc = IndexService::new(
                config.index_dir(),
                config.max_hash_slot_num,
                config.max_index_num,
                config.max_msgs_num_batch,
                Arc::clone(&checkpoint),
            );
            svc.load(last_exit_ok)?;
            Some(Arc::new(svc))
        } else {
            None
        };

        let outcome = recovery::recover(&RecoveryContext {
            config: &config,
            commit_log: &commit_log,
            consume_queues: &consume_queues,
            index: index.as_ref(),
            checkpoint: &checkpoint,
            last_exit_ok,
            repaired_queues: &repaired_queues,
        })?;

        let delay_levels = config.delay_levels();
        let bounded_by_flush = config.flush_disk_type == FlushDiskType::SyncFlush && !config.read_uncommitted;
        let dispatcher = Arc::new(Dispatcher::new(
            Arc::clone(&commit_log),
            Arc::clone(&consume_queues),
            index.clone(),
            Arc::clone(&checkpoint),
            delay_levels.clone(),
            bounded_by_flush,
        ));
        dispatcher.set_reput_from(outcome.dispatch_from);
        let mut redispatched = 0usize;
        loop {
            let n = dispatcher.dispatch_available();
            redispatched += n;
            if n == 0 {
                break;
            }
            tracing::info!(redispatched, behind = dispatcher.behind(), "startup dispatch in progress");
        }
        commit_log.set_queue_offsets(consume_queues.queue_offset_table());
        consume_queues.correct_min_offsets(commit_log.min_offset());
        tracing::info!(?outcome, redispatched, "message store recovered");

        let cleanup =
            Arc::new(CleanupService::new(&config, Arc::clone(&commit_log), Arc::clone(&consume_queues), index.clone()));
        let memory = match total_physical_memory() {
            0 => 8 << 30,
            m => m,
        };
        let store = MessageStore {
            commit_log,
            consume_queues,
            index,
            checkpoint,
            dispatcher,
            cleanup,
            delay_levels,
            memory,
            recovery: outcome,
            services: Mutex::new(Services::default()),
            group_commit: RwLock::new(None),
            shut_down: AtomicBool::new(false),
            lock: Mutex::new(Some(store_lock)),
            config,
        };
        store.start_services()?;
        lock::create_abort_file(&store.config.abort_path())?;
        Ok(store)
    }

    fn start_services(&self) -> Result<()> {
        let c = &self.config;
        let io = |e: std::io::Error| StoreError::io("spawn store thread", e);
        let mut s = self.services.lock();
        s.reput = Some(ReputService::start(Arc::clone(&self.dispatcher)).map_err(io)?);
        // Keeps the pages ahead of the commit-log write position faulted in (see `CommitLog::warm_ahead`).
        let commit_log = Arc::clone(&self.commit_log);
        s.warm_commit_log = c
            .warm_maped_file_enable
            .then(|| {
                PeriodicService::start("CommitLogWarmer", Duration::from_millis(5), {
                    let mut lowered = false;
                    move |stopping| {
                        if !lowered {
                            lowered = true;
                            super::thread_priority::lower_to_idle();
                        }
                        while !stopping && commit_log.warm_ahead(super::commitlog::WARM_AHEAD) {}
                    }
                })
            })
            .transpose()
            .map_err(io)?;
        match c.flush_disk_type {
            FlushDiskType::AsyncFlush => {
                s.flush_commit_log = Some(
                    flush::start_flush_real_time(
                        Arc::clone(&self.commit_log),
                        Arc::clone(&self.checkpoint),
                        Duration::from_millis(c.flush_interval_commit_log.max(1)),
                        c.flush_commit_log_least_pages,
                        Duration::from_millis(c.flush_commit_log_thorough_interval),
                    )
                    .map_err(io)?,
                );
            }
            FlushDiskType::SyncFlush => {
                let svc = GroupCommitService::start(
                    Arc::clone(&self.commit_log),
                    Arc::clone(&self.checkpoint),
                    Arc::clone(&self.dispatcher),
                    Duration::from_millis(c.sync_flush_timeout),
                )
                .map_err(io)?;
                *self.group_commit.write() = Some(Arc::new(svc));
            }
        }
        s.flush_consume_queue = Some(
            flush::start_flush_consume_queue(
                Arc::clone(&self.consume_queues),
                Arc::clone(&self.checkpoint),
                Duration::from_millis(c.flush_interval_consume_queue.max(1)),
                c.flush_consume_queue_least_pages,
                Duration::from_millis(c.flush_consume_queue_thorough_interval),
            )
            .map_err(io)?,
        );
        let cleanup = Arc::clone(&self.cleanup);
        let started = std::time::Instant::now();
        s.cleanup = Some(
            PeriodicService::start(
                "CleanupService",
                Duration::from_millis(c.clean_resource_interval.max(1)),
                move |stopping| {
                    if !stopping && started.elapsed() >= Duration::from_secs(60) {
                        cleanup.run();
                    }
                },
            )
            .map_err(io)?,
        );
        Ok(())
    }

    /// The configuration.
    pub fn config(&self) -> &MessageStoreConfig {
        &self.config
    }

    /// What start-up recovery did.
    pub fn recovery_outcome(&self) -> &RecoveryOutcome {
        &self.recovery
    }

    /// The commit log (HA, admin tools).
    pub fn commit_log(&self) -> &Arc<CommitLog> {
        &self.commit_log
    }

    /// The consume queues.
    pub fn consume_queues(&self) -> &Arc<ConsumeQueueStore> {
        &self.consume_queues
    }

    /// The checkpoint.
    pub fn checkpoint(&self) -> &Arc<StoreCheckpoint> {
        &self.checkpoint
    }

    /// Installs the hook called for every dispatched message `(topic, queue_id, max_offset)`.
    pub fn set_message_arriving_hook(&self, hook: Option<ArrivingHook>) {
        self.dispatcher.set_hook(hook);
    }

    fn check_store_status(&self) -> Option<PutMessageStatus> {
        if self.shut_down.load(Ordering::Acquire) {
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if self.config.broker_role == BrokerRole::Slave {
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if !self.is_writeable() {
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if self.commit_log.is_os_page_cache_busy(self.config.os_page_cache_busy_time_out_mills) {
            return Some(PutMessageStatus::OsPageCacheBusy);
        }
        None
    }

    /// False when puts are refused: disk full, or a consume-queue / index write failed.
    pub fn is_writeable(&self) -> bool {
        self.cleanup.disk_status() != DiskStatus::Full && !self.dispatcher.has_write_error()
    }

    /// Stores one message (spec §2.9). Delay-level messages are moved to `SCHEDULE_TOPIC_XXXX` first. Under
    /// SYNC_FLUSH (and `WAIT` not `false`) the handle completes once the record is on disk.
    pub fn put_message(&self, mut msg: MessageExtBrokerInner) -> PutMessageHandle {
        if let Some(status) = self.check_store_status() {
            return PutMessageHandle::ready(PutMessageResult::of(status));
        }
        msg.apply_delay_level(self.delay_levels.max_level(), self.config.properties_format());
        let result = self.commit_log.put_message(&msg);
        self.after_put(result, msg.wait_store_msg_ok())
    }

    /// Stores one message as it is, without the delay-level transformation: for the schedule service's
    /// redelivery of a due message, whose properties keep `DELAY` (Java clears the level only in memory).
    pub fn put_message_undelayed(&self, msg: MessageExtBrokerInner) -> PutMessageHandle {
        if let Some(status) = self.check_store_status() {
            return PutMessageHandle::ready(PutMessageResult::of(status));
        }
        let result = self.commit_log.put_message(&msg);
        self.after_put(result, msg.wait_store_msg_ok())
    }

    /// Stores a batch (spec §2.10); delayed batches are refused.
    pub fn put_messages(&self, batch: &MessageExtBatch) -> PutMessageHandle {
        if let Some(status) = self.check_store_status() {
            return PutMessageHandle::ready(PutMessageResult::of(status));
        }
        let delayed = super::message::get_property(&batch.properties, super::message::property::DELAY)
            .and_then(|d| d.parse::<i32>().ok())
            .is_some_and(|d| d > 0);
        if delayed {
            return PutMessageHandle::ready(PutMessageResult::of(PutMessageStatus::MessageIllegal));
        }
        let wait = super::message::get_property(&batch.properties, super::message::property::WAIT)
            .map_or(true, |v| v.eq_ignore_ascii_case("true"));
        let result = self.commit_log.put_messages(batch);
        self.after_put(result, wait)
    }

    /// Convenience: [`put_message`](Self::put_message) and wait.
    pub fn put_message_sync(&self, msg: MessageExtBrokerInner) -> PutMessageResult {
        self.put_message(msg).wait()
    }

    fn after_put(&self, result: PutMessageResult, wait: bool) -> PutMessageHandle {
        self.dispatcher.on_put();
        let Some(end) = result.append.as_ref().filter(|_| result.is_ok()).map(|a| a.end_offset()) else {
            return PutMessageHandle::ready(result);
        };
        if self.config.flush_disk_type != FlushDiskType::SyncFlush {
            return PutMessageHandle::ready(result);
        }
        if !wait {
            if let Some(svc) = self.group_commit.read().as_ref() {
                svc.wakeup();
            }
            return PutMessageHandle::ready(result);
        }
        let waiter = match self.group_commit.read().as_ref() {
            Some(svc) => svc.submit(end),
            None => FlushWaiter::ready(PutMessageStatus::FlushDiskTimeout),
        };
        PutMessageHandle { result: Some(result), flush: Some(waiter) }
    }

    /// Reads up to `max_msg_nums` messages of a queue from `offset` (Java `getMessage`).
    pub fn get_message(
        &self,
        _group: &str,
        topic: &str,
        queue_id: i32,
        offset: i64,
        max_msg_nums: usize,
        filter: Option<&dyn MessageFilter>,
    ) -> Option<GetMessageResult> {
        if self.shut_down.load(Ordering::Acquire) {
            return None;
        }
        let cq = self.consume_queues.find(topic, queue_id);
        let ctx = GetContext { config: &self.config, commit_log: &self.commit_log, memory: self.memory };
        Some(get_message(ctx, cq.as_deref(), offset, max_msg_nums, filter))
    }

    /// Next queue offset of a queue (0 if it does not exist).
    pub fn max_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.consume_queues.find(topic, queue_id).map_or(0, |cq| cq.max_offset_in_queue())
    }

    /// First readable queue offset (−1 if the queue does not exist).
    pub fn min_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.consume_queues.find(topic, queue_id).map_or(-1, |cq| cq.min_offset_in_queue())
    }

    /// Physical offset of a queue entry (0 if absent).
    pub fn commit_log_offset_in_queue(&self, topic: &str, queue_id: i32, cq_offset: i64) -> i64 {
        self.consume_queues.find(topic, queue_id).and_then(|cq| cq.entry(cq_offset)).map_or(0, |e| e.phy_offset)
    }

    /// First queue offset stored at or after `timestamp` (Java `getOffsetInQueueByTime`, 5.3.3 LOWER).
    pub fn get_offset_in_queue_by_time(&self, topic: &str, queue_id: i32, timestamp: i64) -> i64 {
        self.get_offset_in_queue_by_time_with_boundary(topic, queue_id, timestamp, BoundaryType::Lower)
    }

    /// Queue offset by store time with an explicit boundary (0 if the queue does not exist).
    pub fn get_offset_in_queue_by_time_with_boundary(
        &self,
        topic: &str,
        queue_id: i32,
        timestamp: i64,
        boundary: BoundaryType,
    ) -> i64 {
        let Some(cq) = self.consume_queues.find(topic, queue_id) else { return 0 };
        let cl = &self.commit_log;
        cq.get_offset_by_time(timestamp, boundary, cl.min_offset(), |phy, size| {
            cl.pickup_store_timestamp(phy, usize::try_from(size).unwrap_or(0))
        })
    }

    /// Store time of the oldest readable message of a queue (−1 if none).
    pub fn earliest_message_time(&self, topic: &str, queue_id: i32) -> i64 {
        let Some(cq) = self.consume_queues.find(topic, queue_id) else { return -1 };
        self.message_store_timestamp(topic, queue_id, cq.min_offset_in_queue())
    }

    /// Store time of the oldest message in the commit log (−1 if none).
    pub fn earliest_message_time_global(&self) -> i64 {
        let min = self.commit_log.min_offset();
        self.commit_log.pickup_store_timestamp(min, self.config.max_message_size * 2)
    }

    /// Store time of the message at a queue offset (−1 if absent).
    pub fn message_store_timestamp(&self, topic: &str, queue_id: i32, cq_offset: i64) -> i64 {
        self.consume_queues
            .find(topic, queue_id)
            .and_then(|cq| cq.entry(cq_offset))
            .map_or(-1, |e| self.commit_log.pickup_store_timestamp(e.phy_offset, usize::try_from(e.size).unwrap_or(0)))
    }

    /// Java 4.9.8's `!checkInDiskByConsumeOffset`: the entry at `cq_offset` exists and its record lies within
    /// `accessMessageInMemoryMaxRatio` % of RAM behind the commit log's end ("hot"; 5.3.3 asks the page cache
    /// with `mincore`, this is the 4.9.8 approximation of it).
    pub fn check_in_mem_by_consume_offset(&self, topic: &str, queue_id: i32, cq_offset: i64) -> bool {
        let Some(entry) = self.consume_queues.find(topic, queue_id).and_then(|cq| cq.entry(cq_offset)) else {
            return false;
        };
        let budget = (self.memory as f64 * (f64::from(self.config.access_message_in_memory_max_ratio) / 100.0)) as i64;
        self.commit_log.max_offset() - entry.phy_offset <= budget
    }

    /// Number of readable messages in a queue (−1 if it does not exist).
    pub fn message_total_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.consume_queues.find(topic, queue_id).map_or(-1, |cq| cq.message_total_in_queue())
    }

    /// The whole record at a physical offset, as a view (Java `selectOneMessageByOffset`).
    pub fn select_one_message_by_offset(&self, commit_log_offset: i64) -> Option<Bytes> {
        let head = self.commit_log.get_message(commit_log_offset, 4)?;
        let size = i32::from_be_bytes(head.get(..4)?.try_into().ok()?);
        self.commit_log.get_message(commit_log_offset, usize::try_from(size).ok()?)
    }

    /// The decoded message at a physical offset (Java `lookMessageByOffset`; also serves offset msgIds).
    pub fn look_message_by_offset(&self, commit_log_offset: i64) -> Option<MessageExt> {
        decode_message(&self.select_one_message_by_offset(commit_log_offset)?)
    }

    /// Messages whose `KEYS` or `UNIQ_KEY` equal `key` (hash matches; the client re-checks the key), stored
    /// within [begin, end] (Java `queryMessage`: up to 3 passes with a shrinking end time).
    pub fn query_message(&self, topic: &str, key: &str, max_num: usize, begin: i64, end: i64) -> QueryMessageResult {
        let mut result = QueryMessageResult::default();
        let Some(index) = &self.index else { return result };
        let mut last_query_time = end;
        for _ in 0..3 {
            let mut q = index.query_offset(topic, key, max_num, begin, last_query_time);
            if q.phy_offsets.is_empty() {
                break;
            }
            q.phy_offsets.sort_unstable();
            result.index_last_update_timestamp = q.index_last_update_timestamp;
            result.index_last_update_phyoffset = q.index_last_update_phyoffset;
            for (m, offset) in q.phy_offsets.iter().enumerate() {
                let Some(record) = self.select_one_message_by_offset(*offset) else { continue };
                if m == 0 {
                    if let Some(ts) = super::commitlog::record::pickup_store_timestamp(&record) {
                        last_query_time = ts;
                    }
                }
                result.buffer_total_size += record.len();
                result.messages.push(record);
            }
            if result.buffer_total_size > 0 || last_query_time < begin {
                break;
            }
        }
        result
    }

    /// Commit-log bytes from `offset` to the end of its file (HA transfer, Java `getCommitLogData`).
    pub fn get_commit_log_data(&self, offset: i64) -> Option<Bytes> {
        if self.shut_down.load(Ordering::Acquire) {
            return None;
        }
        self.commit_log.get_data(offset)
    }

    /// End of the commit log.
    pub fn max_phy_offset(&self) -> i64 {
        self.commit_log.max_offset()
    }

    /// Start of the commit log.
    pub fn min_phy_offset(&self) -> i64 {
        self.commit_log.min_offset()
    }

    /// Bytes written but not yet dispatched to consume queues.
    pub fn dispatch_behind_bytes(&self) -> i64 {
        self.dispatcher.behind()
    }

    /// True if the put lock has been held too long (Java `isOSPageCacheBusy`).
    pub fn is_os_page_cache_busy(&self) -> bool {
        self.commit_log.is_os_page_cache_busy(self.config.os_page_cache_busy_time_out_mills)
    }

    /// Arms manual deletion of expired commit-log files (admin `deleteExpiredCommitLog`).
    pub fn execute_delete_files_manually(&self) {
        self.cleanup.execute_delete_files_manually();
    }

    /// Runs one clean-up pass now (normally every `cleanResourceInterval`, first after 60 s).
    pub fn run_cleanup_once(&self) {
        self.cleanup.run();
    }

    /// Deletes the consume queues of topics not in `keep` (system queues kept; Java `cleanUnusedTopic`).
    pub fn clean_unused_topic(&self, keep: &std::collections::HashSet<String>) -> Result<usize> {
        let mut n = 0;
        for topic in self.consume_queues.topics() {
            if keep.contains(&topic)
                || topic == super::message::SCHEDULE_TOPIC
                || topic == "RMQ_SYS_TRANS_OP_HALF_TOPIC"
                || topic.starts_with("%LMQ%")
            {
                continue;
            }
            self.delete_topic_queues(&topic)?;
            n += 1;
        }
        Ok(n)
    }

    /// Java's `cleanExpiredConsumerQueue` (admin `cleanExpiredCQ`): drops the consume queues whose last entry
    /// points below the commit log's min offset, i.e. that only index deleted messages (`SCHEDULE_TOPIC_XXXX`
    /// kept). Works per topic: a topic goes when every one of its queues is expired. Returns how many went.
    pub fn clean_expired_consume_queue(&self) -> Result<usize> {
        let min = self.commit_log.min_offset();
        let mut n = 0;
        for topic in self.consume_queues.topics() {
            if topic == super::message::SCHEDULE_TOPIC {
                continue;
            }
            let queues = self.consume_queues.queues_of(&topic);
            let expired = |cq: &Arc<crate::store::consume_queue::ConsumeQueue>| {
                let last = cq.max_physic_offset();
                last >= 0 && last < min
            };
            if !queues.is_empty() && queues.iter().all(expired) {
                tracing::info!(topic, "cleanExpiredConsumerQueue: removing the consume queues of {topic}");
                self.delete_topic_queues(&topic)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Deletes a topic's consume queues and counters.
    pub fn delete_topic_queues(&self, topic: &str) -> Result<()> {
        for cq in self.consume_queues.queues_of(topic) {
            self.commit_log.remove_queue(topic, cq.queue_id());
        }
        self.consume_queues.delete_topic(topic)
    }

    /// Flushes the commit log, consume queues, index and checkpoint now.
    pub fn flush(&self) -> Result<()> {
        self.commit_log.flush(0)?;
        let ts = self.commit_log.queue().store_timestamp();
        if ts > 0 {
            self.checkpoint.set_physic_msg_timestamp(ts);
        }
        flush::flush_consume_queues(&self.consume_queues, &self.checkpoint, 0)?;
        if let Some(index) = &self.index {
            index.flush()?;
        }
        Ok(())
    }

    /// Clean shutdown: stop services, flush everything, write the checkpoint, delete `abort` (only if the store
    /// is writeable and dispatch caught up), release the lock. Idempotent.
    pub fn shutdown(&self) -> Result<()> {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        let mut s = std::mem::take(&mut *self.services.lock());
        if let Some(mut c) = s.cleanup.take() {
            c.shutdown();
        }
        if let Some(mut w) = s.warm_commit_log.take() {
            w.shutdown();
        }
        if let Some(svc) = self.group_commit.write().take() {
            svc.shutdown();
        }
        if let Some(mut f) = s.flush_commit_log.take() {
            f.shutdown();
        }
        self.commit_log.flush(0)?;
        if let Some(mut r) = s.reput.take() {
            r.shutdown();
        }
        if let Some(mut f) = s.flush_consume_queue.take() {
            f.shutdown();
        }
        self.flush()?;
        let caught_up = self.dispatcher.behind() == 0;
        if self.is_writeable() && caught_up {
            lock::delete_abort_file(&self.config.abort_path())?;
        } else {
            tracing::warn!(caught_up, writeable = self.is_writeable(), "keeping the abort file");
        }
        self.lock.lock().take();
        tracing::info!("message store shut down");
        Ok(())
    }
}

impl Drop for MessageStore {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            tracing::error!(error = %e, "message store shutdown failed");
        }
    }
}
