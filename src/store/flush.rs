//! Flushing (spec §7): the commit-log flush thread (ASYNC_FLUSH), group commit (SYNC_FLUSH) with its timeout
//! watcher, and the consume-queue flush thread that also writes the checkpoint.
//!
//! ```text
//!  ASYNC_FLUSH: put -> mapping -> PUT_OK            FlushRealTime: every 500 ms flush if >= 4 dirty pages,
//!                                                                 every 10 s thoroughly + physicMsgTimestamp
//!  SYNC_FLUSH:  put -> mapping -> request{end, deadline} -> GroupCommit: one fsync for every waiting request,
//!               completed together (PUT_OK), or FLUSH_DISK_TIMEOUT by the watcher at the deadline
//!  FlushConsumeQueue: every 1 s flush CQs if >= 2 dirty pages; every 60 s thoroughly, then the checkpoint
//!               (logicsMsgTimestamp captured before the flush, so it never runs ahead of the disk)
//! ```
//!
//! Every service owns its thread and stops it (after a final flush) on `shutdown` or drop.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::checkpoint::StoreCheckpoint;
use super::commitlog::{CommitLog, PutMessageStatus};
use super::consume_queue::ConsumeQueueStore;
use super::dispatch::Dispatcher;

/// A one-shot result shared by the flusher, the timeout watcher and the waiting put (first completion wins).
#[derive(Debug, Default)]
struct Completion {
    state: Mutex<(Option<PutMessageStatus>, Option<Waker>)>,
    cv: Condvar,
}

impl Completion {
    fn complete(&self, status: PutMessageStatus) {
        let mut st = self.state.lock();
        if st.0.is_none() {
            st.0 = Some(status);
            if let Some(w) = st.1.take() {
                w.wake();
            }
            self.cv.notify_all();
        }
    }

    fn is_done(&self) -> bool {
        self.state.lock().0.is_some()
    }
}

/// Waits for a SYNC_FLUSH put to reach the disk: `.await` it, or [`wait`](FlushWaiter::wait) from a plain
/// thread. Yields `PutOk` or `FlushDiskTimeout`.
#[derive(Debug)]
pub struct FlushWaiter {
    completion: Arc<Completion>,
    deadline: Instant,
}

impl FlushWaiter {
    /// A waiter that is already complete.
    pub fn ready(status: PutMessageStatus) -> Self {
        let completion = Arc::new(Completion::default());
        completion.complete(status);
        FlushWaiter { completion, deadline: Instant::now() }
    }

    /// Blocks the calling thread until the flush completes or times out.
    pub fn wait(self) -> PutMessageStatus {
        let mut st = self.completion.state.lock();
        // The watcher completes at the deadline; the extra second only guards against a stopped watcher.
        let limit = self.deadline + Duration::from_secs(1);
        while st.0.is_none() {
            if self.completion.cv.wait_until(&mut st, limit).timed_out() {
                return st.0.unwrap_or(PutMessageStatus::FlushDiskTimeout);
            }
        }
        st.0.unwrap_or(PutMessageStatus::FlushDiskTimeout)
    }

    /// The result if already known.
    pub fn try_result(&self) -> Option<PutMessageStatus> {
        self.completion.state.lock().0
    }
}

impl Future for FlushWaiter {
    type Output = PutMessageStatus;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<PutMessageStatus> {
        let mut st = self.completion.state.lock();
        match st.0 {
            Some(s) => Poll::Ready(s),
            None => {
                st.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

struct Request {
    end_offset: i64,
    completion: Arc<Completion>,
}

#[derive(Default)]
struct GroupQueue {
    requests: Vec<Request>,
    watch: Vec<(Instant, Arc<Completion>)>,
}

/// State shared by the group-commit thread, the watcher and submitters.
struct GroupShared {
    queue: Mutex<GroupQueue>,
    cv: Condvar,
    watch_cv: Condvar,
    stop: AtomicBool,
}

/// SYNC_FLUSH group commit (Java `GroupCommitService` + `FlushDiskWatcher`).
pub struct GroupCommitService {
    shared: Arc<GroupShared>,
    timeout: Duration,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl std::fmt::Debug for GroupCommitService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommitService").field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl GroupCommitService {
    /// Starts the group-commit and watcher threads.
    pub fn start(
        commit_log: Arc<CommitLog>,
        checkpoint: Arc<StoreCheckpoint>,
        dispatcher: Arc<Dispatcher>,
        timeout: Duration,
    ) -> std::io::Result<Self> {
        let shared = Arc::new(GroupShared {
            queue: Mutex::new(GroupQueue::default()),
            cv: Condvar::new(),
            watch_cv: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let s = Arc::clone(&shared);
        let commit = std::thread::Builder::new().name("GroupCommitService".into()).spawn(move || {
            let mut pending: Vec<Request> = Vec::new();
            loop {
                {
                    let mut q = s.queue.lock();
                    if q.requests.is_empty() && pending.is_empty() {
                        if s.stop.load(Ordering::Acquire) {
                            break;
                        }
                        s.cv.wait_for(&mut q, Duration::from_millis(10));
                    }
                    pending.append(&mut q.requests);
                }
                if pending.is_empty() {
                    // Messages sent with WAIT=false only wake us: flush them too (Java `doCommit` flushes when
                    // it has no requests).
                    if commit_log.flushed_where() < commit_log.max_offset() {
                        if let Err(e) = commit_log.flush(0) {
                            tracing::error!(error = %e, "commit log flush failed");
                        }
                        dispatcher.wakeup();
                    }
                    continue;
                }
                let target = pending.iter().map(|r| r.end_offset).max().unwrap_or(0);
                for attempt in 0..1000 {
                    if let Err(e) = commit_log.flush(0) {
                        tracing::error!(error = %e, "commit log flush failed");
                    }
                    if commit_log.flushed_where() >= target || s.stop.load(Ordering::Acquire) {
                        break;
                    }
                    if attempt > 0 {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
                let flushed = commit_log.flushed_where();
                let ts = commit_log.queue().store_timestamp();
                if ts > 0 {
                    checkpoint.set_physic_msg_timestamp(ts);
                }
                pending.retain(|r| {
                    if flushed >= r.end_offset {
                        r.completion.complete(PutMessageStatus::PutOk);
                        return false;
                    }
                    !r.completion.is_done()
                });
                dispatcher.wakeup();
            }
        })?;
        let s = Arc::clone(&shared);
        let watcher = std::thread::Builder::new().name("FlushDiskWatcher".into()).spawn(move || {
            let mut q = s.queue.lock();
            loop {
                let now = Instant::now();
                q.watch.retain(|(deadline, c)| {
                    if c.is_done() {
                        return false;
                    }
                    if *deadline <= now {
                        c.complete(PutMessageStatus::FlushDiskTimeout);
                        return false;
                    }
                    true
                });
                if s.stop.load(Ordering::Acquire) && q.watch.is_empty() {
                    break;
                }
                let next = q.watch.iter().map(|(d, _)| *d).min().unwrap_or(now + Duration::from_millis(100));
                s.watch_cv.wait_until(&mut q, next.min(now + Duration::from_millis(100)));
            }
        })?;
        Ok(GroupCommitService { shared, timeout, threads: Mutex::new(vec![commit, watcher]) })
    }

    /// Queues a flush request for everything below `end_offset`.
    pub fn submit(&self, end_offset: i64) -> FlushWaiter {
        let completion = Arc::new(Completion::default());
        let deadline = Instant::now() + self.timeout;
        if self.shared.stop.load(Ordering::Acquire) {
            completion.complete(PutMessageStatus::FlushDiskTimeout);
            return FlushWaiter { completion, deadline };
        }
        {
            let mut q = self.shared.queue.lock();
            q.requests.push(Request { end_offset, completion: Arc::clone(&completion) });
            q.watch.push((deadline, Arc::clone(&completion)));
        }
        self.shared.cv.notify_one();
        self.shared.watch_cv.notify_one();
        FlushWaiter { completion, deadline }
    }

    /// Wakes the thread without a request (a SYNC_FLUSH put with `WAIT=false`).
    pub fn wakeup(&self) {
        self.shared.cv.notify_one();
    }

    /// Stops the threads after the queued requests were served.
    pub fn shutdown(&self) {
        self.shared.stop.store(true, Ordering::Release);
        self.shared.cv.notify_all();
        self.shared.watch_cv.notify_all();
        let threads = std::mem::take(&mut *self.threads.lock());
        for t in threads {
            let _ = t.join();
        }
    }
}

impl Drop for GroupCommitService {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A periodic background task on its own thread, stopped (after a last run) on shutdown or drop.
#[derive(Debug)]
pub struct PeriodicService {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl PeriodicService {
    /// Runs `tick(false)` every `interval`, and `tick(true)` once when stopping.
    pub fn start(name: &str, interval: Duration, mut tick: impl FnMut(bool) + Send + 'static) -> std::io::Result<Self> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let s = Arc::clone(&stop);
        let thread = std::thread::Builder::new().name(name.to_string()).spawn(move || loop {
            {
                let mut stopped = s.0.lock();
                if !*stopped {
                    s.1.wait_for(&mut stopped, interval);
                }
                if *stopped {
                    drop(stopped);
                    tick(true);
                    return;
                }
            }
            tick(false);
        })?;
        Ok(PeriodicService { stop, thread: Some(thread) })
    }

    /// Stops the thread (running the final tick) and waits for it.
    pub fn shutdown(&mut self) {
        *self.stop.0.lock() = true;
        self.stop.1.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for PeriodicService {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// ASYNC_FLUSH commit-log flusher (Java `FlushRealTimeService`).
pub fn start_flush_real_time(
    commit_log: Arc<CommitLog>,
    checkpoint: Arc<StoreCheckpoint>,
    interval: Duration,
    least_pages: usize,
    thorough_interval: Duration,
) -> std::io::Result<PeriodicService> {
    let mut last_thorough = Instant::now();
    PeriodicService::start("FlushRealTimeService", interval, move |stopping| {
        let rounds = if stopping { 10 } else { 1 };
        for _ in 0..rounds {
            let thorough = stopping || last_thorough.elapsed() >= thorough_interval;
            if thorough {
                last_thorough = Instant::now();
            }
            let least = if thorough { 0 } else { least_pages };
            match commit_log.flush(least) {
                Ok(progressed) => {
                    let ts = commit_log.queue().store_timestamp();
                    if thorough && ts > 0 {
                        checkpoint.set_physic_msg_timestamp(ts);
                    }
                    if stopping && !progressed {
                        break;
                    }
                }
                Err(e) => tracing::error!(error = %e, "commit log flush failed"),
            }
        }
    })
}

/// Consume-queue flusher and checkpoint writer (Java `FlushConsumeQueueService`).
pub fn start_flush_consume_queue(
    consume_queues: Arc<ConsumeQueueStore>,
    checkpoint: Arc<StoreCheckpoint>,
    interval: Duration,
    least_pages: usize,
    thorough_interval: Duration,
) -> std::io::Result<PeriodicService> {
    let mut last_thorough = Instant::now();
    PeriodicService::start("FlushConsumeQueueService", interval, move |stopping| {
        let thorough = stopping || last_thorough.elapsed() >= thorough_interval;
        if thorough {
            last_thorough = Instant::now();
        }
        if let Err(e) = flush_consume_queues(&consume_queues, &checkpoint, if thorough { 0 } else { least_pages }) {
            tracing::error!(error = %e, "consume queue flush failed");
        }
    })
}

/// Flushes every consume queue; after a thorough flush (`least_pages == 0`) writes the checkpoint with the
/// logics timestamp captured before the flush.
pub fn flush_consume_queues(
    consume_queues: &ConsumeQueueStore,
    checkpoint: &StoreCheckpoint,
    least_pages: usize,
) -> super::error::Result<()> {
    let logics_ts = checkpoint.logics_msg_timestamp();
    consume_queues.flush(least_pages)?;
    if least_pages == 0 {
        checkpoint.flush_with_logics(logics_ts)?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn completion_first_wins_and_waiter_wakes() {
        let c = Arc::new(Completion::default());
        let w = FlushWaiter { completion: Arc::clone(&c), deadline: Instant::now() + Duration::from_secs(5) };
        let t = std::thread::spawn(move || w.wait());
        std::thread::sleep(Duration::from_millis(20));
        c.complete(PutMessageStatus::PutOk);
        c.complete(PutMessageStatus::FlushDiskTimeout);
        assert_eq!(t.join().unwrap(), PutMessageStatus::PutOk);
        assert_eq!(FlushWaiter::ready(PutMessageStatus::FlushDiskTimeout).wait(), PutMessageStatus::FlushDiskTimeout);
    }

    #[test]
    fn periodic_service_runs_a_final_tick() {
        let count = Arc::new(Mutex::new((0, false)));
        let c = Arc::clone(&count);
        let mut svc = PeriodicService::start("t", Duration::from_millis(5), move |stopping| {
            let mut g = c.lock();
            g.0 += 1;
            g.1 |= stopping;
        })
        .unwrap();
        std::thread::sleep(Duration::from_millis(40));
        svc.shutdown();
        let g = count.lock();
        assert!(g.0 >= 2);
        assert!(g.1);
    }
}
