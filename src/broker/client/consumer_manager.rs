//! `ConsumerManager`: consumer groups, their live channels and subscriptions, and NOTIFY_CONSUMER_IDS_CHANGED.
//!
//! Mirrors Java's `ConsumerManager` / `ConsumerGroupInfo` / `DefaultConsumerIdsChangeListener` (5.3.3, real-time
//! notification):
//! - a heartbeat adds the channel to the group (a *change* if it was not there) and merges the subscriptions:
//!   a new topic is a change, a listed topic replaces the stored one only when its `subVersion` is larger (not
//!   a change), a topic no longer listed is dropped (a change);
//! - on a change, if notification is enabled (broker `notifyConsumerIdsChangedEnable` and the group's config
//!   flag) and the group is not broadcasting, every channel of the group gets a oneway
//!   NOTIFY_CONSUMER_IDS_CHANGED — the new member included;
//! - UNREGISTER_CLIENT, a closed connection and the 120 s expiry remove the channel, drop the group once empty,
//!   and notify the remaining members the same way. (Java's expiry scan closes the channel instead and so
//!   notifies nobody; Thruster cannot close it from here, and notifying lets the others rebalance at once.)
//!
//! Notifications are sent after the table lock is released.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::{ClientChannel, ClientChannelInfo};
use crate::protocol::heartbeat::{
    ConsumeFromWhere, ConsumeType, MessageModel, NotifyConsumerIdsChangedRequestHeader, SubscriptionData,
};
use crate::remoting::{RemotingCommand, RequestCode};

/// Mirrors `ConsumerGroupInfo`: one consumer group as the broker sees it.
#[derive(Debug, Clone)]
pub struct ConsumerGroupInfo {
    /// The group.
    pub group_name: String,
    /// Topic → subscription (the highest `subVersion` seen).
    pub subscription_table: BTreeMap<String, SubscriptionData>,
    /// Connection id → channel info, in arrival order.
    pub channel_info_table: BTreeMap<u64, ClientChannelInfo>,
    /// From the last heartbeat.
    pub consume_type: Option<ConsumeType>,
    /// From the last heartbeat.
    pub message_model: Option<MessageModel>,
    /// From the last heartbeat.
    pub consume_from_where: Option<ConsumeFromWhere>,
    /// When a heartbeat last touched the group.
    pub last_update: Instant,
}

impl ConsumerGroupInfo {
    fn new(group: &str, mode: &ConsumeMode) -> Self {
        ConsumerGroupInfo {
            group_name: group.to_owned(),
            subscription_table: BTreeMap::new(),
            channel_info_table: BTreeMap::new(),
            consume_type: mode.consume_type,
            message_model: mode.message_model,
            consume_from_where: mode.consume_from_where,
            last_update: Instant::now(),
        }
    }

    /// `getAllClientId`: the client ids of the live channels, exactly as the clients sent them.
    pub fn all_client_ids(&self) -> Vec<String> {
        self.channel_info_table.values().map(|c| c.client_id.clone()).collect()
    }

    fn all_channels(&self) -> Vec<Arc<dyn ClientChannel>> {
        self.channel_info_table.values().map(|c| c.channel.clone()).collect()
    }

    fn is_broadcasting(&self) -> bool {
        self.message_model == Some(MessageModel::Broadcasting)
    }

    /// `updateChannel`: true if the channel is new to the group.
    fn update_channel(&mut self, info: &ClientChannelInfo, mode: &ConsumeMode) -> bool {
        self.consume_type = mode.consume_type;
        self.message_model = mode.message_model;
        self.consume_from_where = mode.consume_from_where;
        let added = match self.channel_info_table.get_mut(&info.channel_id()) {
            None => {
                self.channel_info_table.insert(info.channel_id(), info.clone());
                tracing::info!(group = %self.group_name, client = %info.client_id, "new consumer connected");
                true
            }
            Some(old) => {
                if old.client_id != info.client_id {
                    tracing::error!(group = %self.group_name, old = %old.client_id, new = %info.client_id,
                        "consumer channel exists in broker, but clientId is not the same one");
                    *old = info.clone();
                }
                old.touch(info.last_update);
                false
            }
        };
        self.last_update = info.last_update;
        added
    }

    /// `updateSubscription`: true if a topic was added or removed (a newer `subVersion` alone is no change).
    fn update_subscription(&mut self, subs: &[SubscriptionData]) -> bool {
        let mut changed = false;
        for sub in subs {
            match self.subscription_table.get_mut(&sub.topic) {
                None => {
                    tracing::info!(group = %self.group_name, topic = %sub.topic, "subscription changed, add new topic");
                    self.subscription_table.insert(sub.topic.clone(), sub.clone());
                    changed = true;
                }
                Some(old) if sub.sub_version > old.sub_version => *old = sub.clone(),
                Some(_) => {}
            }
        }
        let before = self.subscription_table.len();
        self.subscription_table.retain(|topic, _| subs.iter().any(|s| &s.topic == topic));
        if self.subscription_table.len() != before {
            tracing::warn!(group = %self.group_name, "subscription changed, topics removed");
            changed = true;
        }
        changed
    }
}

/// The consume type, model and start position a heartbeat reports for a group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsumeMode {
    /// `consumeType`.
    pub consume_type: Option<ConsumeType>,
    /// `messageModel`.
    pub message_model: Option<MessageModel>,
    /// `consumeFromWhere`.
    pub consume_from_where: Option<ConsumeFromWhere>,
}

/// Every consumer group of the broker.
#[derive(Debug)]
pub struct ConsumerManager {
    table: Mutex<HashMap<String, ConsumerGroupInfo>>,
    /// [5.3.3] `topicGroupTable` as the Java 5.3.3 broker fills it: every topic ever subscribed by a heartbeat.
    /// (5.3.3 adds the *topic* to the topic's set where it means the group, and never removes it, so
    /// QUERY_TOPIC_CONSUME_BY_WHO answers the topic's own name once anyone subscribed to it.)
    subscribed_topics: Mutex<BTreeSet<String>>,
    channel_expired_timeout: Duration,
    /// Broker-level `notifyConsumerIdsChangedEnable`.
    notify_enabled: bool,
}

/// Channels to notify for a group, collected under the lock and sent after it.
type Pending = Vec<(String, Vec<Arc<dyn ClientChannel>>)>;

impl ConsumerManager {
    /// An empty manager; `notify_enabled` is the broker's `notifyConsumerIdsChangedEnable`.
    pub fn new(channel_expired_timeout: Duration, notify_enabled: bool) -> Self {
        ConsumerManager {
            table: Mutex::new(HashMap::new()),
            subscribed_topics: Mutex::new(BTreeSet::new()),
            channel_expired_timeout,
            notify_enabled,
        }
    }

    /// `registerConsumer`: adds or refreshes `info` in `group`, merges `subscriptions` (unless `None`: a v2
    /// heartbeat without subscriptions, Java's `registerConsumerWithoutSub`), and notifies the group's channels
    /// on a change when `notify` (the group config's flag) allows. Returns whether anything changed.
    pub fn register_consumer(
        &self,
        group: &str,
        info: &ClientChannelInfo,
        mode: ConsumeMode,
        subscriptions: Option<&[SubscriptionData]>,
        notify: bool,
    ) -> bool {
        if let Some(subs) = subscriptions {
            let mut topics = self.subscribed_topics.lock();
            for sub in subs {
                if !topics.contains(&sub.topic) {
                    topics.insert(sub.topic.clone());
                }
            }
        }
        let mut pending = Pending::new();
        let changed = {
            let mut table = self.table.lock();
            let group_info = table.entry(group.to_owned()).or_insert_with(|| ConsumerGroupInfo::new(group, &mode));
            let added = group_info.update_channel(info, &mode);
            let subs_changed = subscriptions.is_some_and(|subs| group_info.update_subscription(subs));
            if (added || subs_changed) && notify && !group_info.is_broadcasting() {
                pending.push((group.to_owned(), group_info.all_channels()));
            }
            added || subs_changed
        };
        self.send_notifications(pending);
        changed
    }

    /// `unregisterConsumer`: removes connection `channel_id` from `group` (dropping the group once empty) and
    /// notifies the remaining channels when `notify` allows.
    pub fn unregister_consumer(&self, group: &str, channel_id: u64, notify: bool) {
        let mut pending = Pending::new();
        {
            let mut table = self.table.lock();
            let Some(group_info) = table.get_mut(group) else { return };
            if let Some(old) = group_info.channel_info_table.remove(&channel_id) {
                tracing::info!(group, client = %old.client_id, "unregister a consumer");
            }
            if notify && !group_info.is_broadcasting() {
                pending.push((group.to_owned(), group_info.all_channels()));
            }
            if group_info.channel_info_table.is_empty() {
                table.remove(group);
                tracing::info!(group, "unregister consumer ok, no any connection, and remove consumer group");
            }
        }
        self.send_notifications(pending);
    }

    /// `doChannelCloseEvent`: removes connection `channel_id` from every group and notifies the remaining
    /// members of each; true if it was in a group.
    pub fn do_channel_close_event(&self, channel_id: u64) -> bool {
        let mut pending = Pending::new();
        let removed = self.remove_channels(|info| info.channel_id() == channel_id, &mut pending);
        self.send_notifications(pending);
        !removed.is_empty()
    }

    /// `scanNotActiveChannel`: drops channels not refreshed within `channelExpiredTimeout`, notifies the
    /// remaining members of their groups, and returns the dropped channels.
    pub fn scan_not_active_channel(&self, now: Instant) -> Vec<Arc<dyn ClientChannel>> {
        let timeout = self.channel_expired_timeout;
        let mut pending = Pending::new();
        let removed = self.remove_channels(|info| info.expired(now, timeout), &mut pending);
        for channel in &removed {
            tracing::warn!(addr = %channel.remote_addr(), "SCAN: remove expired consumer channel");
        }
        self.send_notifications(pending);
        removed
    }

    fn remove_channels(
        &self,
        doomed: impl Fn(&ClientChannelInfo) -> bool,
        pending: &mut Pending,
    ) -> Vec<Arc<dyn ClientChannel>> {
        let mut removed = Vec::new();
        let mut table = self.table.lock();
        table.retain(|group, group_info| {
            let before = removed.len();
            group_info.channel_info_table.retain(|_, info| {
                let remove = doomed(info);
                if remove {
                    tracing::warn!(group, client = %info.client_id, "remove consumer channel");
                    removed.push(info.channel.clone());
                }
                !remove
            });
            if removed.len() > before && !group_info.is_broadcasting() {
                pending.push((group.clone(), group_info.all_channels()));
            }
            !group_info.channel_info_table.is_empty()
        });
        removed
    }

    fn send_notifications(&self, pending: Pending) {
        if !self.notify_enabled {
            return;
        }
        for (group, channels) in pending {
            for channel in channels {
                let header = NotifyConsumerIdsChangedRequestHeader { consumer_group: Some(group.clone()) };
                let request = RemotingCommand::request(RequestCode::NOTIFY_CONSUMER_IDS_CHANGED).with_header(&header);
                if !channel.send_oneway(request) {
                    tracing::warn!(group, addr = %channel.remote_addr(), "notifyConsumerIdsChanged failed");
                }
            }
        }
    }

    /// A copy of `group`'s state, if the group has live channels.
    pub fn consumer_group_info(&self, group: &str) -> Option<ConsumerGroupInfo> {
        self.table.lock().get(group).cloned()
    }

    /// `getAllClientId` of `group`: `None` if the group is unknown.
    pub fn client_ids(&self, group: &str) -> Option<Vec<String>> {
        self.table.lock().get(group).map(ConsumerGroupInfo::all_client_ids)
    }

    /// `findSubscriptionData`: the group's subscription to `topic`.
    pub fn find_subscription_data(&self, group: &str, topic: &str) -> Option<SubscriptionData> {
        self.table.lock().get(group).and_then(|g| g.subscription_table.get(topic).cloned())
    }

    /// Whether `topic` belongs to what `group` consumes for the admin statistics: Java skips a topic when
    /// `findSubscriptionData(group, topic) == null && findSubscriptionDataCount(group) > 0` (an online group
    /// that subscribes other topics).
    pub fn consumes_topic(&self, group: &str, topic: &str) -> bool {
        match self.table.lock().get(group) {
            Some(g) if !g.subscription_table.is_empty() => g.subscription_table.contains_key(topic),
            _ => true,
        }
    }

    /// For a pull without FLAG_SUBSCRIPTION: `None` if the group is unknown, else its message model and its
    /// subscription to `topic` (one lock, no copy of the channel table).
    pub fn pull_subscription(
        &self,
        group: &str,
        topic: &str,
    ) -> Option<(Option<MessageModel>, Option<SubscriptionData>)> {
        let table = self.table.lock();
        let g = table.get(group)?;
        Some((g.message_model, g.subscription_table.get(topic).cloned()))
    }

    /// `findChannel(group, clientId)`.
    pub fn find_channel(&self, group: &str, client_id: &str) -> Option<ClientChannelInfo> {
        let table = self.table.lock();
        table.get(group)?.channel_info_table.values().find(|c| c.client_id == client_id).cloned()
    }

    /// `queryTopicConsumeByWho`: the groups subscribed to `topic`.
    pub fn query_topic_consume_by_who(&self, topic: &str) -> BTreeSet<String> {
        let table = self.table.lock();
        table.iter().filter(|(_, g)| g.subscription_table.contains_key(topic)).map(|(name, _)| name.clone()).collect()
    }

    /// [5.3.3] Whether a heartbeat ever subscribed `topic` (see `subscribed_topics`).
    pub fn ever_subscribed(&self, topic: &str) -> bool {
        self.subscribed_topics.lock().contains(topic)
    }

    /// Every group with at least one live channel, sorted.
    pub fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = self.table.lock().keys().cloned().collect();
        groups.sort_unstable();
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{info, FakeChannel};
    use super::*;

    const NOTIFY: i32 = RequestCode::NOTIFY_CONSUMER_IDS_CHANGED;

    fn clustering() -> ConsumeMode {
        ConsumeMode {
            consume_type: Some(ConsumeType::ConsumePassively),
            message_model: Some(MessageModel::Clustering),
            consume_from_where: Some(ConsumeFromWhere::ConsumeFromLastOffset),
        }
    }

    fn subs(topics: &[(&str, i64)]) -> Vec<SubscriptionData> {
        topics.iter().map(|(t, v)| SubscriptionData::new(*t, "*", *v)).collect()
    }

    #[test]
    fn joining_notifies_every_member() {
        let m = ConsumerManager::new(Duration::from_secs(120), true);
        let a = FakeChannel::new(1);
        let b = FakeChannel::new(2);
        assert!(m.register_consumer("g", &info(&a, "c1"), clustering(), Some(&subs(&[("T", 1)])), true));
        assert_eq!(a.take_codes(), [NOTIFY], "the first member is notified too");
        assert!(!m.register_consumer("g", &info(&a, "c1"), clustering(), Some(&subs(&[("T", 1)])), true));
        assert!(a.take_codes().is_empty(), "a plain refresh is no change");

        assert!(m.register_consumer("g", &info(&b, "c2"), clustering(), Some(&subs(&[("T", 1)])), true));
        assert_eq!(a.take_codes(), [NOTIFY]);
        assert_eq!(b.take_codes(), [NOTIFY]);
        assert_eq!(m.client_ids("g").unwrap(), ["c1", "c2"]);

        let sent = m.consumer_group_info("g").unwrap();
        assert_eq!(sent.consume_type, Some(ConsumeType::ConsumePassively));
        let notify = RemotingCommand::request(NOTIFY)
            .with_header(&NotifyConsumerIdsChangedRequestHeader { consumer_group: Some("g".into()) });
        assert_eq!(notify.ext("consumerGroup"), Some("g"));
    }

    #[test]
    fn subscription_merge_rules() {
        let m = ConsumerManager::new(Duration::from_secs(120), true);
        let a = FakeChannel::new(1);
        m.register_consumer("g", &info(&a, "c1"), clustering(), Some(&subs(&[("T", 5), ("U", 5)])), true);
        a.take_codes();
        assert!(!m.register_consumer("g", &info(&a, "c1"), clustering(), Some(&subs(&[("T", 9), ("U", 3)])), true));
        assert_eq!(m.find_subscription_data("g", "T").unwrap().sub_version, 9, "a newer subVersion replaces");
        assert_eq!(m.find_subscription_data("g", "U").unwrap().sub_version, 5, "an older one does not");
        assert!(a.take_codes().is_empty(), "a newer subVersion alone notifies nobody");

        assert!(m.register_consumer("g", &info(&a, "c1"), clustering(), Some(&subs(&[("T", 9)])), true));
        assert!(m.find_subscription_data("g", "U").is_none());
        assert_eq!(a.take_codes(), [NOTIFY], "a dropped topic is a change");
        assert!(!m.register_consumer("g", &info(&a, "c1"), clustering(), None, true), "v2 light heartbeat");
        assert!(m.find_subscription_data("g", "T").is_some());
        assert_eq!(m.query_topic_consume_by_who("T"), ["g".to_owned()].into());
    }

    #[test]
    fn leaving_notifies_the_rest() {
        let m = ConsumerManager::new(Duration::from_secs(120), true);
        let (a, b, c) = (FakeChannel::new(1), FakeChannel::new(2), FakeChannel::new(3));
        for (ch, id) in [(&a, "c1"), (&b, "c2"), (&c, "c3")] {
            m.register_consumer("g", &info(ch, id), clustering(), Some(&subs(&[("T", 1)])), true);
        }
        for ch in [&a, &b, &c] {
            ch.take_codes();
        }
        m.unregister_consumer("g", 3, true);
        assert_eq!(a.take_codes(), [NOTIFY]);
        assert!(c.take_codes().is_empty());
        assert!(m.do_channel_close_event(2));
        assert_eq!(a.take_codes(), [NOTIFY]);
        assert_eq!(m.client_ids("g").unwrap(), ["c1"]);
        assert!(!m.do_channel_close_event(2));
        m.unregister_consumer("g", 1, true);
        assert!(m.client_ids("g").is_none(), "an empty group is dropped");
        assert!(m.groups().is_empty());
    }

    #[test]
    fn expiry_broadcasting_and_disabled_notification() {
        let m = ConsumerManager::new(Duration::from_secs(120), true);
        let (a, b) = (FakeChannel::new(1), FakeChannel::new(2));
        m.register_consumer("g", &info(&a, "c1"), clustering(), Some(&[]), true);
        let mut late = info(&b, "c2");
        late.last_update += Duration::from_secs(60);
        m.register_consumer("g", &late, clustering(), Some(&[]), true);
        a.take_codes();
        b.take_codes();
        let expired = m.scan_not_active_channel(Instant::now() + Duration::from_secs(150));
        assert_eq!(expired.iter().map(|c| c.id()).collect::<Vec<_>>(), [1]);
        assert_eq!(b.take_codes(), [NOTIFY]);
        assert_eq!(m.client_ids("g").unwrap(), ["c2"]);

        let broadcast = ConsumeMode { message_model: Some(MessageModel::Broadcasting), ..clustering() };
        m.register_consumer("bg", &info(&a, "c1"), broadcast, Some(&subs(&[("T", 1)])), true);
        assert!(a.take_codes().is_empty(), "broadcasting groups are not notified");

        m.register_consumer("quiet", &info(&a, "c1"), clustering(), Some(&subs(&[("T", 1)])), false);
        assert!(a.take_codes().is_empty(), "the group config disabled notification");

        let off = ConsumerManager::new(Duration::from_secs(120), false);
        off.register_consumer("g", &info(&a, "c1"), clustering(), Some(&subs(&[("T", 1)])), true);
        assert!(a.take_codes().is_empty(), "the broker disabled notification");
        assert_eq!(off.find_channel("g", "c1").map(|c| c.channel_id()), Some(1));
    }
}
