//! Committed consumer offsets (Java's `ConsumerOffsetManager`, persisted as `config/consumerOffset.json`).
//!
//! [`ConsumerOffsetStore`] is the seam the offset processors (QUERY/UPDATE_CONSUMER_OFFSET, commit piggy-backed
//! on PULL) will use once the store is merged; [`MemConsumerOffsets`] keeps offsets in memory until the lead
//! backs the trait with the store branch's manager.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use parking_lot::RwLock;

/// The broker's committed-offset table, keyed like Java's `topic@group` → queue id → offset. Implementations
/// are internally synchronised.
pub trait ConsumerOffsetStore: Send + Sync + fmt::Debug {
    /// `queryOffset`: the committed offset, or -1 when the group never committed one for that queue.
    fn query_offset(&self, group: &str, topic: &str, queue_id: i32) -> i64;

    /// `commitOffset`: records `offset` for the queue (`client_host` is for logging, as in Java).
    fn commit_offset(&self, client_host: &str, group: &str, topic: &str, queue_id: i32, offset: i64);

    /// Every queue's offset of `group` on `topic` (`queryOffset(group, topic)`), sorted by queue id.
    fn query_offsets(&self, group: &str, topic: &str) -> BTreeMap<i32, i64>;
}

/// An in-memory [`ConsumerOffsetStore`] (nothing persisted), until the store's manager is merged.
#[derive(Debug, Default)]
pub struct MemConsumerOffsets {
    table: RwLock<HashMap<String, BTreeMap<i32, i64>>>,
}

impl MemConsumerOffsets {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Java's `topic@group` key.
fn key(group: &str, topic: &str) -> String {
    format!("{topic}@{group}")
}

impl ConsumerOffsetStore for MemConsumerOffsets {
    fn query_offset(&self, group: &str, topic: &str, queue_id: i32) -> i64 {
        self.table.read().get(&key(group, topic)).and_then(|q| q.get(&queue_id).copied()).unwrap_or(-1)
    }

    fn commit_offset(&self, client_host: &str, group: &str, topic: &str, queue_id: i32, offset: i64) {
        tracing::trace!(client_host, group, topic, queue_id, offset, "commit offset");
        self.table.write().entry(key(group, topic)).or_default().insert(queue_id, offset);
    }

    fn query_offsets(&self, group: &str, topic: &str) -> BTreeMap<i32, i64> {
        self.table.read().get(&key(group, topic)).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_then_query() {
        let offsets = MemConsumerOffsets::new();
        assert_eq!(offsets.query_offset("g", "T", 0), -1);
        offsets.commit_offset("127.0.0.1:5000", "g", "T", 0, 42);
        offsets.commit_offset("127.0.0.1:5000", "g", "T", 1, 7);
        assert_eq!(offsets.query_offset("g", "T", 0), 42);
        assert_eq!(offsets.query_offset("h", "T", 0), -1);
        assert_eq!(offsets.query_offsets("g", "T"), [(0, 42), (1, 7)].into());
    }
}
