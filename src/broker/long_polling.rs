//! Long polling (Java's `PullRequestHoldService` + `NotifyMessageArrivingListener`, broker-client-protocol.md
//! §5.4): where suspended pulls wait for new messages of their (topic, queue).
//!
//! ```text
//!  reput thread ── hook(topic, queue, max) ──► PullHoldService::notify_message_arriving
//!                                               └─ watch::Sender<i64> of (topic, queue) ← send_replace(max)
//!  held pull task ── subscribe(topic, queue) ──► watch::Receiver<i64>: wakes on every new max, re-reads the
//!                                               store from its own offset with its own filter
//! ```
//!
//! One `watch` channel per queue that has ever had a waiter: the hook (called from the store's reput thread
//! for every dispatched message) is a map lookup and, if some pull waits on that queue, one `send_replace`.
//! Each woken pull re-checks its own offset and filter, so a message that does not match leaves it waiting,
//! as Java's `isMatchedByConsumeQueue` check does. Waiters hold no lock while they wait; a pull whose task is
//! dropped simply drops its receiver. Timing is `tokio::time`, so tests can pause the clock.

use std::collections::HashMap;
use std::sync::Arc;

use dashmap::DashMap;
use parking_lot::RwLock;
use tokio::sync::watch;

/// Queue id → the wake-up channel of the pulls waiting on it.
type QueueWaiters = Arc<RwLock<HashMap<i32, watch::Sender<i64>>>>;

/// The suspended pulls' wake-up channels, per (topic, queue).
#[derive(Debug, Default)]
pub struct PullHoldService {
    topics: DashMap<String, QueueWaiters>,
}

impl PullHoldService {
    /// An empty service.
    pub fn new() -> Self {
        PullHoldService::default()
    }

    /// `notifyMessageArriving`: a message was dispatched to `(topic, queue_id)`, whose next offset is now
    /// `max_offset`. Wakes every pull waiting on that queue (they re-check their offset and filter). Cheap when
    /// nobody waits: one lookup, no allocation.
    pub fn notify_message_arriving(&self, topic: &str, queue_id: i32, max_offset: i64) {
        let Some(queues) = self.topics.get(topic).map(|q| q.value().clone()) else { return };
        let queues = queues.read();
        if let Some(tx) = queues.get(&queue_id) {
            if tx.receiver_count() > 0 {
                tx.send_replace(max_offset);
            }
        }
    }

    /// A receiver woken on every message arriving at `(topic, queue_id)` after this call.
    pub fn subscribe(&self, topic: &str, queue_id: i32) -> watch::Receiver<i64> {
        let queues = match self.topics.get(topic) {
            Some(q) => q.value().clone(),
            None => self.topics.entry(topic.to_owned()).or_default().value().clone(),
        };
        if let Some(tx) = queues.read().get(&queue_id) {
            return tx.subscribe();
        }
        let mut w = queues.write();
        w.entry(queue_id).or_insert_with(|| watch::channel(-1).0).subscribe()
    }

    /// How many pulls wait on `(topic, queue_id)` now.
    pub fn waiting(&self, topic: &str, queue_id: i32) -> usize {
        self.topics.get(topic).and_then(|q| q.read().get(&queue_id).map(watch::Sender::receiver_count)).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn wakes_only_its_queue() {
        let hold = PullHoldService::new();
        hold.notify_message_arriving("t", 0, 1); // nobody waits: no-op
        let mut rx0 = hold.subscribe("t", 0);
        let rx1 = hold.subscribe("t", 1);
        assert_eq!(hold.waiting("t", 0), 1);
        hold.notify_message_arriving("t", 0, 5);
        rx0.changed().await.unwrap();
        assert_eq!(*rx0.borrow_and_update(), 5);
        assert!(!rx1.has_changed().unwrap());
        hold.notify_message_arriving("other", 1, 3);
        assert!(!rx1.has_changed().unwrap());
        drop(rx0);
        assert_eq!(hold.waiting("t", 0), 0);
    }
}
