//! Dispatch ("reput", spec §6.8): turns commit-log records into consume-queue entries and index keys, strictly
//! in commit-log order, then tells the broker which queue grew (to wake long-polling pulls).
//!
//! ```text
//!  commit log  ... | rec | rec | rec | BLANK |  | rec | rec |
//!                    ^ reput_from                        ^ bound (max offset; flushed offset under SYNC_FLUSH)
//!  each valid record: CQ entry (NOT/COMMIT only) -> index keys -> hook(topic, queue, cq offset + 1)
//! ```
//!
//! [`Dispatcher`] is the logic (also used synchronously by recovery and shutdown). A put dispatches its own
//! record on the putting thread ([`Dispatcher::on_put`]) unless another thread is dispatching; the
//! [`ReputService`] thread (owned by the store, stopped on drop) takes what a flush makes dispatchable under
//! SYNC_FLUSH and anything a racing put left behind (within its 10 ms wait).

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use parking_lot::{Condvar, Mutex, RwLock};

use super::checkpoint::StoreCheckpoint;
use super::commitlog::record::{check_message_and_return_size, DispatchRequest, Scan, ScanOptions};
use super::commitlog::CommitLog;
use super::consume_queue::ConsumeQueueStore;
use super::index_file::IndexService;
use super::message::{sys_flag, DelayLevelTable};

/// Called after a message was dispatched: `(topic, queue_id, max_offset)` where `max_offset` is the queue
/// offset after the message (Java `MessageArrivingListener.arriving`).
pub type ArrivingHook = Arc<dyn Fn(&str, i32, i64) + Send + Sync>;

/// The dispatch logic and position.
pub struct Dispatcher {
    commit_log: Arc<CommitLog>,
    consume_queues: Arc<ConsumeQueueStore>,
    index: Option<Arc<IndexService>>,
    checkpoint: Arc<StoreCheckpoint>,
    delay_levels: DelayLevelTable,
    /// Dispatch only what is flushed (SYNC_FLUSH without `readUnCommitted`).
    bounded_by_flush: bool,
    reput_from: AtomicI64,
    hook: RwLock<Option<ArrivingHook>>,
    /// Set when a consume-queue or index write failed (the store then refuses puts, as Java's running flags).
    write_error: AtomicBool,
    wake: Mutex<bool>,
    wake_cv: Condvar,
    sleeping: AtomicBool,
    /// Held while dispatching: by the reput thread, or by a putter dispatching its own message inline.
    dispatching: Mutex<()>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("reput_from", &self.reput_from())
            .field("bounded_by_flush", &self.bounded_by_flush)
            .finish_non_exhaustive()
    }
}

impl Dispatcher {
    /// A dispatcher starting at physical offset 0.
    pub fn new(
        commit_log: Arc<CommitLog>,
        consume_queues: Arc<ConsumeQueueStore>,
        index: Option<Arc<IndexService>>,
        checkpoint: Arc<StoreCheckpoint>,
        delay_levels: DelayLevelTable,
        bounded_by_flush: bool,
    ) -> Self {
        Dispatcher {
            commit_log,
            consume_queues,
            index,
            checkpoint,
            delay_levels,
            bounded_by_flush,
            reput_from: AtomicI64::new(0),
            hook: RwLock::new(None),
            write_error: AtomicBool::new(false),
            wake: Mutex::new(false),
            wake_cv: Condvar::new(),
            sleeping: AtomicBool::new(false),
            dispatching: Mutex::new(()),
        }
    }

    /// Next physical offset to dispatch.
    pub fn reput_from(&self) -> i64 {
        self.reput_from.load(Ordering::Acquire)
    }

    /// Sets the next physical offset to dispatch.
    pub fn set_reput_from(&self, offset: i64) {
        self.reput_from.store(offset, Ordering::Release);
    }

    /// Installs the message-arrival hook.
    pub fn set_hook(&self, hook: Option<ArrivingHook>) {
        *self.hook.write() = hook;
    }

    /// True if a consume-queue or index write failed.
    pub fn has_write_error(&self) -> bool {
        self.write_error.load(Ordering::Acquire)
    }

    /// Upper bound of what may be dispatched now.
    pub fn bound(&self) -> i64 {
        if self.bounded_by_flush {
            self.commit_log.flushed_where().min(self.commit_log.max_offset())
        } else {
            self.commit_log.max_offset()
        }
    }

    /// Bytes of the commit log not yet dispatched (up to the bound).
    pub fn behind(&self) -> i64 {
        (self.bound() - self.reput_from()).max(0)
    }

    /// After a put: dispatches at once on the caller's thread when the new record is already within the bound
    /// (no thread hand-off per message: one fewer context switch, and consumers see it sooner); otherwise (a
    /// flush must move the bound first) leaves it to the reput thread.
    pub fn on_put(&self) {
        if self.bounded_by_flush {
            self.wakeup();
        } else {
            self.try_dispatch();
        }
    }

    /// Dispatches what is available unless another thread is dispatching (that one then also takes what was
    /// published before it re-checks). Never blocks, and never loops for long: if records are still waiting
    /// after a few rounds (puts racing in, or a record that cannot be dispatched yet), the reput thread gets them.
    pub fn try_dispatch(&self) {
        // Pairs with the fence after the unlock below: either the holder sees our published bound after its
        // unlock, or our try_lock sees the lock free.
        std::sync::atomic::fence(Ordering::SeqCst);
        for _ in 0..4 {
            let Some(guard) = self.dispatching.try_lock() else { return };
            self.dispatch_unlocked();
            drop(guard);
            std::sync::atomic::fence(Ordering::SeqCst);
            if self.behind() == 0 {
                return;
            }
        }
        self.wakeup();
    }

    /// Wakes the background thread (called after puts and flushes, once the new bound is published).
    pub fn wakeup(&self) {
        // Pairs with the fence in `wait`: either the sleeper sees the new bound, or we see it sleeping.
        std::sync::atomic::fence(Ordering::SeqCst);
        if self.sleeping.load(Ordering::SeqCst) {
            let mut pending = self.wake.lock();
            *pending = true;
            self.wake_cv.notify_one();
        }
    }

    fn wait(&self, timeout: Duration) {
        let mut pending = self.wake.lock();
        self.sleeping.store(true, Ordering::SeqCst);
        std::sync::atomic::fence(Ordering::SeqCst);
        if !*pending && self.behind() == 0 {
            self.wake_cv.wait_for(&mut pending, timeout);
        }
        *pending = false;
        self.sleeping.store(false, Ordering::SeqCst);
    }

    /// Dispatches everything currently readable up to the bound; returns the number of messages dispatched.
    pub fn dispatch_available(&self) -> usize {
        let _guard = self.dispatching.lock();
        self.dispatch_unlocked()
    }

    /// [`dispatch_available`](Self::dispatch_available) with `dispatching` held by the caller.
    fn dispatch_unlocked(&self) -> usize {
        let opts = ScanOptions { check_crc: false, force_verify_prop_crc: false, delay_levels: &self.delay_levels };
        let mut count = 0;
        loop {
            let mut reput = self.reput_from();
            let min = self.commit_log.min_offset();
            if reput < min {
                tracing::warn!(reput, min, "reput offset below the commit-log min offset; jumping forward");
                reput = min;
                self.set_reput_from(reput);
            }
            let bound = self.bound();
            if reput >= bound {
                return count;
            }
            let Some(data) = self.commit_log.get_data(reput) else {
                // At the end of a full file whose successor does not exist yet, or a missing file.
                let next = self.commit_log.roll_next_file(reput);
                if self.commit_log.queue().find_by_offset(next, false).is_some() && next <= bound {
                    self.set_reput_from(next);
                    continue;
                }
                return count;
            };
            let limit = usize::try_from(bound - reput).unwrap_or(usize::MAX).min(data.len());
            let region = data.get(..limit).unwrap_or_default();
            let mut pos = 0usize;
            let mut progressed = false;
            while pos < region.len() {
                let rest = region.get(pos..).unwrap_or_default();
                match check_message_and_return_size(rest, &opts) {
                    Scan::Message(req) => {
                        self.dispatch(&req);
                        count += 1;
                        pos += req.msg_size as usize;
                        self.set_reput_from(reput + pos as i64);
                        progressed = true;
                    }
                    Scan::Blank => {
                        self.set_reput_from(self.commit_log.roll_next_file(reput + pos as i64));
                        progressed = true;
                        break;
                    }
                    Scan::Invalid { size } if size > 0 => {
                        tracing::error!(
                            offset = reput + pos as i64,
                            size,
                            "[BUG]read total count not equals msg total size"
                        );
                        pos += size as usize;
                        self.set_reput_from(reput + pos as i64);
                        progressed = true;
                    }
                    Scan::Invalid { .. } => {
                        let declared = rest.get(..4).and_then(|b| b.try_into().ok()).map_or(0, i32::from_be_bytes);
                        if limit < data.len() && declared > 0 && declared as usize > rest.len() {
                            // The record crosses the bound (not flushed yet): wait for it.
                            return count;
                        }
                        tracing::error!(
                            offset = reput + pos as i64,
                            "[BUG]dispatch message to consume queue error; skipping the rest of the readable region"
                        );
                        self.set_reput_from(reput + region.len() as i64);
                        progressed = true;
                        break;
                    }
                }
            }
            if !progressed {
                return count;
            }
        }
    }

    /// Runs the dispatchers for one record: consume queue, index, then the arrival hook.
    pub fn dispatch(&self, req: &DispatchRequest<'_>) {
        let tran = sys_flag::transaction_value(req.sys_flag);
        let to_queue = tran == sys_flag::TRANSACTION_NOT_TYPE || tran == sys_flag::TRANSACTION_COMMIT_TYPE;
        if to_queue {
            let cq = self.consume_queues.find_or_create(&req.topic, req.queue_id);
            match cq.put_message_position_info(
                req.commit_log_offset,
                req.msg_size,
                req.tags_code,
                req.consume_queue_offset,
            ) {
                Ok(true) => self.checkpoint.set_logics_msg_timestamp(req.store_timestamp),
                Ok(false) => {
                    tracing::error!(topic = %req.topic, queue = req.queue_id, "consume queue write failed");
                    self.write_error.store(true, Ordering::Release);
                }
                Err(e) => {
                    tracing::error!(topic = %req.topic, queue = req.queue_id, error = %e, "consume queue write failed");
                    self.write_error.store(true, Ordering::Release);
                }
            }
        }
        if let Some(index) = &self.index {
            if let Err(e) = index.build_index(req) {
                tracing::error!(error = %e, "index write failed");
                self.write_error.store(true, Ordering::Release);
            }
        }
        if to_queue {
            if let Some(hook) = self.hook.read().as_ref() {
                hook(&req.topic, req.queue_id, req.consume_queue_offset + 1);
            }
        }
    }
}

/// The background reput thread; stops (after catching up) on [`shutdown`](ReputService::shutdown) or drop.
#[derive(Debug)]
pub struct ReputService {
    dispatcher: Arc<Dispatcher>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ReputService {
    /// Starts the thread.
    pub fn start(dispatcher: Arc<Dispatcher>) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let d = Arc::clone(&dispatcher);
        let s = Arc::clone(&stop);
        let thread = std::thread::Builder::new().name("ReputMessageService".into()).spawn(move || {
            let mut stuck = false;
            while !s.load(Ordering::Acquire) {
                if d.dispatch_available() > 0 {
                    stuck = false;
                } else if d.behind() > 0 {
                    // Data arrived meanwhile (retry at once), or a record waits at the bound (back off).
                    if stuck {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    stuck = true;
                } else {
                    stuck = false;
                    // Flushes (SYNC_FLUSH) wake us; puts dispatch inline; the timeout bounds a missed one.
                    d.wait(Duration::from_millis(10));
                }
            }
        })?;
        Ok(ReputService { dispatcher, stop, thread: Some(thread) })
    }

    /// The dispatcher.
    pub fn dispatcher(&self) -> &Arc<Dispatcher> {
        &self.dispatcher
    }

    /// Stops the thread, then dispatches whatever is left synchronously.
    pub fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Release);
        {
            let mut pending = self.dispatcher.wake.lock();
            *pending = true;
            self.dispatcher.wake_cv.notify_all();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        while self.dispatcher.dispatch_available() > 0 {}
    }
}

impl Drop for ReputService {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use bytes::Bytes;

    use super::*;
    use crate::store::config::MessageStoreConfig;
    use crate::store::message::MessageExtBrokerInner;

    fn setup(dir: &std::path::Path) -> (Arc<CommitLog>, Arc<ConsumeQueueStore>, Arc<IndexService>, Arc<Dispatcher>) {
        let config = MessageStoreConfig {
            store_path_root_dir: dir.to_path_buf(),
            mapped_file_size_commit_log: 4096,
            mapped_file_size_consume_queue: 200,
            ..Default::default()
        };
        let cl = Arc::new(CommitLog::new(&config));
        cl.load().unwrap();
        let cqs = Arc::new(ConsumeQueueStore::new(config.consume_queue_dir(), config.consume_queue_file_size()));
        cqs.load().unwrap();
        let cp = Arc::new(StoreCheckpoint::open(&config.checkpoint_path()).unwrap());
        let idx = Arc::new(IndexService::new(config.index_dir(), 16, 100, 64, Arc::clone(&cp)));
        idx.load(true).unwrap();
        let d = Arc::new(Dispatcher::new(
            Arc::clone(&cl),
            Arc::clone(&cqs),
            Some(Arc::clone(&idx)),
            cp,
            DelayLevelTable::default(),
            false,
        ));
        (cl, cqs, idx, d)
    }

    fn msg(topic: &str, q: i32, props: &str) -> MessageExtBrokerInner {
        MessageExtBrokerInner {
            topic: topic.into(),
            queue_id: q,
            body: Bytes::from_static(&[1u8; 500]),
            properties: props.into(),
            born_host: "127.0.0.1:1".parse().unwrap(),
            store_host: "127.0.0.1:10911".parse().unwrap(),
            ..Default::default()
        }
    }

    #[test]
    fn dispatches_across_files_into_queues_and_index() {
        let dir = tempfile::tempdir().unwrap();
        let (cl, cqs, idx, d) = setup(dir.path());
        let arrivals = Arc::new(AtomicUsize::new(0));
        let a = Arc::clone(&arrivals);
        d.set_hook(Some(Arc::new(move |topic: &str, _q: i32, max: i64| {
            assert_eq!(topic, "T");
            assert!(max >= 1);
            a.fetch_add(1, Ordering::SeqCst);
        })));
        for i in 0..20 {
            let mut m = msg("T", i % 2, &format!("KEYS\u{1}k{i}\u{2}TAGS\u{1}TagA\u{2}"));
            if i == 5 {
                m.sys_flag = sys_flag::TRANSACTION_PREPARED_TYPE;
            }
            assert!(cl.put_message(&m).is_ok());
        }
        assert!(cl.queue().len() > 2, "several files, blank records between them");
        assert_eq!(d.dispatch_available(), 20);
        assert_eq!(d.behind(), 0);
        assert_eq!(arrivals.load(Ordering::SeqCst), 19, "the prepared record is not in a queue");
        let q0 = cqs.find("T", 0).unwrap();
        let q1 = cqs.find("T", 1).unwrap();
        assert_eq!(q0.max_offset_in_queue() + q1.max_offset_in_queue(), 19);
        let e = q1.entry(0).unwrap();
        assert_eq!(e.tags_code, 2_598_919);
        assert_eq!(idx.query_offset("T", "k5", 10, 0, i64::MAX).phy_offsets.len(), 1, "prepared records are indexed");
        assert_eq!(d.dispatch_available(), 0);
    }

    #[test]
    fn puts_dispatch_inline_and_racing_puts_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (cl, cqs, _idx, d) = setup(dir.path());
        // one thread: each put is in a queue when on_put returns, no background thread involved
        for i in 0..5 {
            assert!(cl.put_message(&msg("S", 0, "")).is_ok());
            d.on_put();
            assert_eq!(cqs.find("S", 0).unwrap().max_offset_in_queue(), i + 1);
        }
        // racing putters (puts serialize in the commit log; dispatch is whoever holds the lock): with the reput
        // thread as the backstop, every record ends up in its queue exactly once, in commit-log order
        let svc = ReputService::start(Arc::clone(&d)).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let (cl, d) = (Arc::clone(&cl), Arc::clone(&d));
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        assert!(cl.put_message(&msg("R", t, "")).is_ok());
                        d.on_put();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while d.behind() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        drop(svc);
        for q in 0..4 {
            let cq = cqs.find("R", q).unwrap();
            assert_eq!(cq.max_offset_in_queue(), 50);
            let offsets: Vec<i64> = (0..50).map(|i| cq.entry(i).unwrap().phy_offset).collect();
            assert!(offsets.windows(2).all(|w| w[0] < w[1]), "queue {q} entries follow the commit log");
        }
    }

    #[test]
    fn background_thread_follows_puts_and_stops_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let (cl, cqs, _idx, d) = setup(dir.path());
        let svc = ReputService::start(Arc::clone(&d)).unwrap();
        for _ in 0..10 {
            cl.put_message(&msg("B", 0, ""));
            d.wakeup();
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while d.behind() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        drop(svc);
        assert_eq!(cqs.find("B", 0).unwrap().max_offset_in_queue(), 10);
    }
}
