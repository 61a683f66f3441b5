//! The schedule service (Java's `ScheduleMessageService`): delivers delay-level messages parked in
//! `SCHEDULE_TOPIC_XXXX` to their real topic once due, and persists its progress in `delayOffset.json`.
//!
//! The store parks a message with `DELAY = l > 0` in queue `l - 1` of `SCHEDULE_TOPIC_XXXX`, with
//! `REAL_TOPIC`/`REAL_QID` added and its consume-queue tag code set to the delivery time (store time + the
//! level's delay). One thread walks every level's queue in order from the offset recorded for the level: an
//! entry that is due is re-written to `REAL_TOPIC`/`REAL_QID` (same body, flag, sysFlag, born data, store
//! host and reconsume count; the property string kept, `DELAY` included, as Java keeps it) with
//! [`MessageStore::put_message_undelayed`], and the level's offset moves past it. An entry not yet due stops
//! that level until its time; a failed write is retried after 100 ms. A delivery time further ahead than the
//! level's delay (a clock change) is treated as due now. Offsets are persisted every 10 s and at shutdown.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use crate::store::commitlog::now_ms;
use crate::store::config_files::delay_offset::{delay_level_to_queue_id, DelayOffsetManager};
use crate::store::consume_queue::is_ext_addr;
use crate::store::message::{property, DelayLevelTable, MessageExtBrokerInner, SCHEDULE_TOPIC};
use crate::store::store::MessageStore;

use super::topic::RMQ_SYS_TRANS_HALF_TOPIC;

/// `FIRST_DELAY_TIME`: the first pass runs this long after start.
const FIRST_DELAY: Duration = Duration::from_millis(1000);
/// `DELAY_FOR_A_WHILE`: the pause after a failed delivery or an empty/missing queue.
const DELAY_FOR_A_WHILE_MS: i64 = 100;
/// `flushDelayOffsetInterval`.
const PERSIST_INTERVAL_MS: i64 = 10_000;

/// The running service; stops on [`shutdown`](Self::shutdown) or drop.
#[derive(Debug)]
pub struct ScheduleMessageService {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Debug)]
struct Shared {
    stop: AtomicBool,
    lock: Mutex<()>,
    wake: Condvar,
}

impl ScheduleMessageService {
    /// Starts delivering from the offsets in `offsets` (levels never used start at 0).
    pub fn start(store: Arc<MessageStore>, offsets: Arc<DelayOffsetManager>) -> std::io::Result<Self> {
        let shared = Arc::new(Shared { stop: AtomicBool::new(false), lock: Mutex::new(()), wake: Condvar::new() });
        let levels = store.config().delay_levels();
        let worker = Worker { store, offsets, levels, shared: shared.clone() };
        let thread = std::thread::Builder::new().name("ScheduleMessageService".into()).spawn(move || worker.run())?;
        Ok(ScheduleMessageService { shared, thread: Some(thread) })
    }

    /// Stops the thread (after its current delivery) and persists the offsets. Idempotent.
    pub fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        {
            let _g = self.shared.lock.lock();
            self.shared.wake.notify_all();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for ScheduleMessageService {
    fn drop(&mut self) {
        self.shutdown();
    }
}

struct Worker {
    store: Arc<MessageStore>,
    offsets: Arc<DelayOffsetManager>,
    levels: DelayLevelTable,
    shared: Arc<Shared>,
}

impl Worker {
    fn stopped(&self) -> bool {
        self.shared.stop.load(Ordering::Acquire)
    }

    /// Sleeps until `deadline_ms` or the stop signal.
    fn sleep_until(&self, deadline_ms: i64) {
        let mut g = self.shared.lock.lock();
        while !self.stopped() {
            let left = deadline_ms - now_ms();
            if left <= 0 {
                break;
            }
            self.shared.wake.wait_for(&mut g, Duration::from_millis(left as u64));
        }
    }

    fn run(self) {
        let start = now_ms() + FIRST_DELAY.as_millis() as i64;
        // level → earliest time worth looking again
        let mut next_check: BTreeMap<i32, i64> = (1..=self.levels.max_level()).map(|l| (l, start)).collect();
        let mut next_persist = now_ms() + PERSIST_INTERVAL_MS;
        while !self.stopped() {
            let now = now_ms();
            for (level, at) in next_check.iter_mut() {
                if self.stopped() {
                    break;
                }
                if *at <= now {
                    *at = self.deliver_level(*level);
                }
            }
            if now_ms() >= next_persist {
                self.persist();
                next_persist = now_ms() + PERSIST_INTERVAL_MS;
            }
            let wake = next_check.values().copied().min().unwrap_or(now + DELAY_FOR_A_WHILE_MS).min(next_persist);
            self.sleep_until(wake);
        }
        self.persist();
    }

    fn persist(&self) {
        if let Err(e) = self.offsets.persist() {
            tracing::error!("persist file {} exception: {e}", self.offsets.path().display());
        }
    }

    /// Delivers every due entry of `level`; returns when to look at the level again.
    fn deliver_level(&self, level: i32) -> i64 {
        let queue_id = delay_level_to_queue_id(level);
        let Some(cq) = self.store.consume_queues().find(SCHEDULE_TOPIC, queue_id) else {
            return now_ms() + DELAY_FOR_A_WHILE_MS;
        };
        let mut offset = self.offsets.offset(level).unwrap_or(0);
        let (min, max) = (cq.min_offset_in_queue(), cq.max_offset_in_queue());
        if offset < min {
            tracing::error!(level, offset, min, "schedule CQ offset invalid, reset to the minimum");
            offset = min;
            self.offsets.update_offset(level, offset);
        } else if offset > max {
            tracing::error!(level, offset, max, "schedule CQ offset invalid, reset to the maximum");
            offset = max;
            self.offsets.update_offset(level, offset);
        }
        while offset < max && !self.stopped() {
            let Some(entry) = cq.entry(offset) else {
                return now_ms() + DELAY_FOR_A_WHILE_MS;
            };
            let now = now_ms();
            let mut deliver_at = entry.tags_code;
            if is_ext_addr(deliver_at) {
                let stored = self.store.commit_log().pickup_store_timestamp(entry.phy_offset, entry.size as usize);
                deliver_at = self.levels.deliver_timestamp(level, stored);
            }
            // correctDeliverTimestamp: a time beyond now + the level's delay is due now.
            if deliver_at > self.levels.deliver_timestamp(level, now) {
                deliver_at = now;
            }
            if deliver_at > now {
                return deliver_at;
            }
            if let Some(msg) = self.store.look_message_by_offset(entry.phy_offset) {
                if let Some(inner) = message_timeup(msg) {
                    let result = self.store.put_message_undelayed(inner).wait();
                    if !result.is_ok() {
                        tracing::error!(level, offset, status = ?result.status, "a delayed message is due, but storing it failed");
                        return now_ms() + DELAY_FOR_A_WHILE_MS;
                    }
                }
            }
            offset += 1;
            self.offsets.update_offset(level, offset);
        }
        now_ms() + DELAY_FOR_A_WHILE_MS
    }
}

/// `messageTimeup`: the parked record as a message for its real topic and queue; `None` (dropped, as Java
/// does) when `REAL_TOPIC`/`REAL_QID` are missing or the real topic is the transaction half topic.
fn message_timeup(msg: crate::store::commitlog::record::MessageExt) -> Option<MessageExtBrokerInner> {
    let topic = msg.property(property::REAL_TOPIC)?.to_owned();
    let queue_id: i32 = msg.property(property::REAL_QID)?.parse().ok()?;
    if topic == RMQ_SYS_TRANS_HALF_TOPIC {
        tracing::error!("[BUG] the real topic of schedule msg is {topic}, discard the msg");
        return None;
    }
    Some(MessageExtBrokerInner {
        topic,
        queue_id,
        flag: msg.flag,
        body: msg.body,
        properties: msg.properties,
        sys_flag: msg.sys_flag,
        born_timestamp: msg.born_timestamp,
        born_host: msg.born_host,
        store_host: msg.store_host,
        reconsume_times: msg.reconsume_times,
        prepared_transaction_offset: 0,
    })
}
