//! `ProducerManager`: which connections belong to which producer group, and which connection a client id uses.
//!
//! Mirrors Java's `ProducerManager` (5.3.3): a heartbeat registers the channel in each of the client's producer
//! groups (or refreshes it), UNREGISTER_CLIENT removes it from one group, a closed connection removes it from
//! all, and a channel without a heartbeat for `channelExpiredTimeout` is dropped by the housekeeping scan. The
//! client-id index serves request–reply (PUSH_REPLY_MESSAGE_TO_CLIENT to `REPLY_TO_CLIENT`) and transaction
//! check-back picks a channel of the producer group.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::{ClientChannel, ClientChannelInfo};

/// Producer groups and their channels.
#[derive(Debug)]
pub struct ProducerManager {
    inner: Mutex<Tables>,
    channel_expired_timeout: Duration,
}

#[derive(Debug, Default)]
struct Tables {
    /// group → connection id → channel info.
    groups: HashMap<String, BTreeMap<u64, ClientChannelInfo>>,
    /// client id → its most recent connection.
    clients: HashMap<String, Arc<dyn ClientChannel>>,
}

impl ProducerManager {
    /// An empty manager whose channels expire after `channel_expired_timeout` without a heartbeat.
    pub fn new(channel_expired_timeout: Duration) -> Self {
        ProducerManager { inner: Mutex::new(Tables::default()), channel_expired_timeout }
    }

    /// `registerProducer`: adds the channel to `group`, or refreshes it if already there.
    pub fn register_producer(&self, group: &str, info: &ClientChannelInfo) {
        let mut t = self.inner.lock();
        let channels = t.groups.entry(group.to_owned()).or_default();
        match channels.get_mut(&info.channel_id()) {
            Some(found) => found.touch(info.last_update),
            None => {
                channels.insert(info.channel_id(), info.clone());
                t.clients.insert(info.client_id.clone(), info.channel.clone());
                tracing::info!(group, client = %info.client_id, addr = %info.channel.remote_addr(), "new producer connected");
            }
        }
    }

    /// `unregisterProducer`: removes connection `channel_id` from `group` (and the group once empty).
    pub fn unregister_producer(&self, group: &str, channel_id: u64, client_id: &str) {
        let mut t = self.inner.lock();
        let Some(channels) = t.groups.get_mut(group) else { return };
        if let Some(old) = channels.remove(&channel_id) {
            tracing::info!(group, client = %old.client_id, "unregister a producer");
        }
        if channels.is_empty() {
            t.groups.remove(group);
            tracing::info!(group, "unregister a producer group, no channel left");
        }
        if t.clients.get(client_id).is_some_and(|c| c.id() == channel_id) {
            t.clients.remove(client_id);
        }
    }

    /// `doChannelCloseEvent`: removes connection `channel_id` from every group; true if it was in one.
    pub fn do_channel_close_event(&self, channel_id: u64) -> bool {
        let mut t = self.inner.lock();
        let mut removed = false;
        t.groups.retain(|group, channels| {
            if let Some(old) = channels.remove(&channel_id) {
                removed = true;
                tracing::info!(group, client = %old.client_id, "remove closed producer channel");
            }
            !channels.is_empty()
        });
        t.clients.retain(|_, channel| channel.id() != channel_id);
        removed
    }

    /// `scanNotActiveChannel`: drops channels not refreshed within the expiry; returns them.
    pub fn scan_not_active_channel(&self, now: Instant) -> Vec<Arc<dyn ClientChannel>> {
        let timeout = self.channel_expired_timeout;
        let mut t = self.inner.lock();
        let mut expired = Vec::new();
        t.groups.retain(|group, channels| {
            channels.retain(|_, info| {
                let keep = !info.expired(now, timeout);
                if !keep {
                    tracing::warn!(group, addr = %info.channel.remote_addr(), "SCAN: remove expired producer channel");
                    expired.push(info.channel.clone());
                }
                keep
            });
            !channels.is_empty()
        });
        t.clients.retain(|_, channel| !expired.iter().any(|e| e.id() == channel.id()));
        expired
    }

    /// `findChannel(clientId)`: the connection a client id registered last.
    pub fn find_channel(&self, client_id: &str) -> Option<Arc<dyn ClientChannel>> {
        self.inner.lock().clients.get(client_id).cloned()
    }

    /// `getAvailableChannel(group)`: one connection of the group (the most recently refreshed), if any.
    pub fn available_channel(&self, group: &str) -> Option<Arc<dyn ClientChannel>> {
        let t = self.inner.lock();
        let channels = t.groups.get(group)?;
        channels.values().max_by_key(|info| info.last_update).map(|info| info.channel.clone())
    }

    /// The channels of `group` (empty if unknown), for admin listings.
    pub fn group_channels(&self, group: &str) -> Vec<ClientChannelInfo> {
        self.inner.lock().groups.get(group).map(|c| c.values().cloned().collect()).unwrap_or_default()
    }

    /// Every producer group with at least one channel, sorted.
    pub fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = self.inner.lock().groups.keys().cloned().collect();
        groups.sort_unstable();
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{info, FakeChannel};
    use super::*;

    #[test]
    fn register_refresh_unregister() {
        let m = ProducerManager::new(Duration::from_secs(120));
        let a = FakeChannel::new(1);
        let b = FakeChannel::new(2);
        m.register_producer("pg", &info(&a, "c1"));
        m.register_producer("CLIENT_INNER_PRODUCER", &info(&a, "c1"));
        m.register_producer("pg", &info(&b, "c2"));
        m.register_producer("pg", &info(&b, "c2"));
        assert_eq!(m.group_channels("pg").len(), 2);
        assert_eq!(m.groups(), ["CLIENT_INNER_PRODUCER", "pg"]);
        assert_eq!(m.find_channel("c2").map(|c| c.id()), Some(2));
        assert!(m.available_channel("pg").is_some());

        m.unregister_producer("pg", 2, "c2");
        assert_eq!(m.group_channels("pg").len(), 1);
        assert!(m.find_channel("c2").is_none());
        m.unregister_producer("pg", 1, "c1");
        assert_eq!(m.groups(), ["CLIENT_INNER_PRODUCER"]);
        assert!(m.available_channel("pg").is_none());
    }

    #[test]
    fn close_and_expiry_remove_channels() {
        let m = ProducerManager::new(Duration::from_secs(120));
        let a = FakeChannel::new(1);
        let b = FakeChannel::new(2);
        m.register_producer("pg", &info(&a, "c1"));
        m.register_producer("pg", &info(&b, "c2"));
        assert!(m.do_channel_close_event(1));
        assert!(!m.do_channel_close_event(1));
        assert!(m.find_channel("c1").is_none());

        let later = Instant::now() + Duration::from_secs(119);
        assert!(m.scan_not_active_channel(later).is_empty());
        let expired = m.scan_not_active_channel(Instant::now() + Duration::from_secs(121));
        assert_eq!(expired.iter().map(|c| c.id()).collect::<Vec<_>>(), [2]);
        assert!(m.groups().is_empty());
        assert!(m.find_channel("c2").is_none());
    }
}
