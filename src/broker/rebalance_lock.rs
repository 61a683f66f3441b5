//! `RebalanceLockManager`: which client of a consumer group holds which queue, for orderly consumers
//! (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ, broker-client-protocol.md §1.8, §2.11).
//!
//! A lock is held by a client id and lasts [`LOCK_MAX_LIVE_TIME`] (Java's
//! `rocketmq.broker.rebalance.lockMaxLiveTime`, 60 s) after its last grant; the client re-locks every 20 s.
//! A lock whose holder did not renew it in time goes to the next client that asks. In memory only, as Java.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::protocol::pull::MessageQueue;

/// Java's default `lockMaxLiveTime`.
pub const LOCK_MAX_LIVE_TIME: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
struct LockEntry {
    client_id: String,
    last_update: Instant,
}

impl LockEntry {
    fn expired(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last_update) > LOCK_MAX_LIVE_TIME
    }
}

/// Group → queue → holder.
#[derive(Debug, Default)]
pub struct RebalanceLockManager {
    table: Mutex<HashMap<String, HashMap<MessageQueue, LockEntry>>>,
}

impl RebalanceLockManager {
    /// No locks.
    pub fn new() -> Self {
        RebalanceLockManager::default()
    }

    /// `tryLockBatch`: the queues of `mqs` now held by `client_id` (newly locked, renewed, or taken over from an
    /// expired holder); queues held by another live client are left out.
    pub fn try_lock_batch(&self, group: &str, mqs: &[MessageQueue], client_id: &str) -> Vec<MessageQueue> {
        self.try_lock_batch_at(group, mqs, client_id, Instant::now())
    }

    fn try_lock_batch_at(&self, group: &str, mqs: &[MessageQueue], client_id: &str, now: Instant) -> Vec<MessageQueue> {
        let mut table = self.table.lock();
        let locks = table.entry(group.to_owned()).or_default();
        let mut granted = Vec::with_capacity(mqs.len());
        for mq in mqs {
            match locks.get_mut(mq) {
                Some(entry) if entry.client_id == client_id => entry.last_update = now,
                Some(entry) if entry.expired(now) => {
                    tracing::warn!(
                        group,
                        old = entry.client_id,
                        new = client_id,
                        ?mq,
                        "tryLockBatch, message queue lock expired, I got it"
                    );
                    *entry = LockEntry { client_id: client_id.to_owned(), last_update: now };
                }
                Some(entry) => {
                    tracing::warn!(
                        group,
                        locked_by = entry.client_id,
                        client_id,
                        ?mq,
                        "tryLockBatch, message queue locked by other client"
                    );
                    continue;
                }
                None => {
                    locks.insert(mq.clone(), LockEntry { client_id: client_id.to_owned(), last_update: now });
                }
            }
            if !granted.contains(mq) {
                granted.push(mq.clone());
            }
        }
        granted
    }

    /// `unlockBatch`: releases the queues of `mqs` that `client_id` holds.
    pub fn unlock_batch(&self, group: &str, mqs: &[MessageQueue], client_id: &str) {
        let mut table = self.table.lock();
        let Some(locks) = table.get_mut(group) else {
            tracing::warn!(group, client_id, "unlockBatch, group not exist");
            return;
        };
        for mq in mqs {
            if locks.get(mq).is_some_and(|e| e.client_id == client_id) {
                locks.remove(mq);
            }
        }
    }

    /// [5.3.3] `isLockAllExpired`: true when the group holds no live lock.
    pub fn is_lock_all_expired(&self, group: &str) -> bool {
        let now = Instant::now();
        self.table.lock().get(group).map_or(true, |locks| locks.values().all(|e| e.expired(now)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_renew_refuse_expire_unlock() {
        let m = RebalanceLockManager::new();
        let q0 = MessageQueue::new("t", "b", 0);
        let q1 = MessageQueue::new("t", "b", 1);
        let t0 = Instant::now();
        assert_eq!(m.try_lock_batch_at("g", std::slice::from_ref(&q0), "c1", t0), vec![q0.clone()]);
        // c2 gets only the free queue
        assert_eq!(m.try_lock_batch_at("g", &[q0.clone(), q1.clone()], "c2", t0), vec![q1.clone()]);
        // c1 renews
        assert_eq!(
            m.try_lock_batch_at("g", std::slice::from_ref(&q0), "c1", t0 + Duration::from_secs(50)),
            vec![q0.clone()]
        );
        assert!(m.try_lock_batch_at("g", std::slice::from_ref(&q0), "c2", t0 + Duration::from_secs(100)).is_empty());
        // after 60 s without renewal c2 takes it over
        assert_eq!(
            m.try_lock_batch_at("g", std::slice::from_ref(&q0), "c2", t0 + Duration::from_secs(111)),
            vec![q0.clone()]
        );
        // unlock by a non-holder is ignored; by the holder frees it
        m.unlock_batch("g", std::slice::from_ref(&q0), "c1");
        assert!(m.try_lock_batch_at("g", std::slice::from_ref(&q0), "c1", t0 + Duration::from_secs(112)).is_empty());
        m.unlock_batch("g", std::slice::from_ref(&q0), "c2");
        assert_eq!(m.try_lock_batch_at("g", std::slice::from_ref(&q0), "c1", t0 + Duration::from_secs(112)), vec![q0]);
        assert!(!m.is_lock_all_expired("g"));
        assert!(m.is_lock_all_expired("other"));
    }
}
