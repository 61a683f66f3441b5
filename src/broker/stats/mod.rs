//! The broker's statistics, kept as Java's `BrokerStatsManager` (its `StatsItemSet`s of `StatsItem`s), the
//! store's `StoreStatsService` and `BrokerStats` keep them; read by VIEW_BROKER_STATS_DATA (315),
//! GET_CONSUME_STATS (208) / GET_BROKER_CONSUME_STATS (317) (`consumeTps`), GET_TOPIC_STATS_INFO (202,
//! 5.3.3 `topicPutTps`) and GET_BROKER_RUNTIME_INFO (28).
//!
//! - [`item`]: one counter with its minute/hour/day sample windows ([`StatsItem`], [`StatsSnapshot`]);
//! - [`store_stats`]: the store-wide put/get figures and TPS strings ([`StoreStatsService`]) and the
//!   midnight counters ([`BrokerStats`]);
//! - [`java_fmt`]: Java's `Double.toString`, `%.2f` and `MessageFormat` number text.
//!
//! # What to call where
//!
//! One [`BrokerStatsManager`] per broker (`BrokerStatsManager::new(cluster, broker_name, flavor, now_ms)`),
//! shared by `Arc`. Every recording call is relaxed atomics on counters found in lock-free maps (`papaya`):
//! no lock, and no allocation once a topic (or topic@group) has been seen.
//!
//! | where | call | Java |
//! |---|---|---|
//! | SEND (10/310/320) after `put_message` succeeded | [`on_put`](BrokerStatsManager::on_put)`(topic, msgs, bytes, elapsed_ms)` | `incTopicPutNums/Size`, `incBrokerPutNums`, store put totals and put time |
//! | any store put that failed (status not OK) | [`on_put_failed`](BrokerStatsManager::on_put_failed)`(elapsed_ms)` | `putMessageFailedTimes`, put time |
//! | other successful store puts (send-back, schedule delivery, DLQ, transactions) | [`store()`](BrokerStatsManager::store)`.on_put(msgs, bytes, elapsed_ms)` | store put totals only |
//! | PULL answered SUCCESS (FOUND) | [`on_get`](BrokerStatsManager::on_get)`(group, topic, msgs, bytes, elapsed_ms)` | `incGroupGetNums/Size`, `incBrokerGetNums`, `incGroupGetLatency`, store found/transferred |
//! | PULL whose store read found nothing | [`on_get_miss`](BrokerStatsManager::on_get_miss)`(elapsed_ms)` | `getMessageTimesTotalMiss` |
//! | CONSUMER_SEND_MSG_BACK put OK | [`on_send_back`](BrokerStatsManager::on_send_back)`(group, original_topic)` (+ `store().on_put`) | `incSendBackNums` |
//! | every second (tokio interval) | [`sample`](BrokerStatsManager::sample)`(now_ms)` | `StoreStatsService` thread (1 s), `StatsItemSet` timers (10 s / 10 min / 1 h) |
//! | at local midnight, then every 24 h | [`on_midnight`](BrokerStatsManager::on_midnight)`()`; first delay from [`next_morning_ms`] | `BrokerStats.record()` |
//! | DELETE_TOPIC_IN_BROKER / DELETE_SUBSCRIPTIONGROUP | [`on_topic_deleted`](BrokerStatsManager::on_topic_deleted) / [`on_group_deleted`](BrokerStatsManager::on_group_deleted) | `onTopicDeleted` / `onGroupDeleted` |
//! | 315 VIEW_BROKER_STATS_DATA | [`broker_stats_data`](BrokerStatsManager::broker_stats_data)`(name, key)`; `None` → SYSTEM_ERROR with [`stats_not_exist_remark`] | `ViewBrokerStatsData` |
//! | 208 / 317 `consumeTps` | [`consume_tps`](BrokerStatsManager::consume_tps)`(group, topic)` summed over topics | `tpsGroupGetNums` |
//! | 202 (5.3.3) `topicPutTps` | [`topic_put_tps`](BrokerStatsManager::topic_put_tps)`(topic)` | `tpsTopicPutNums` |
//! | 28 GET_BROKER_RUNTIME_INFO | [`runtime_info`](BrokerStatsManager::runtime_info)`(now_ms)`: the stats keys only | `StoreStatsService.getRuntimeInfo` + `BrokerStats` |
//!
//! The topic passed on the SEND path is the one the record was stored under, as Java reads `msg.getTopic()`
//! after the put: `SCHEDULE_TOPIC_XXXX` for a delayed message, `%DLQ%<group>` when redirected. For
//! CONSUMER_SEND_MSG_BACK Java 4.9.8 additionally counts `TOPIC_PUT_NUMS/SIZE` of `SCHEDULE_TOPIC_XXXX` (not
//! `BROKER_PUT_NUMS`); that detail is not reproduced.
//!
//! [`sample`](BrokerStatsManager::sample) must run every second: the store's TPS windows (10, 60, 600) are
//! counted in one-second samples. It takes the time from its caller, so tests drive it explicitly; the item
//! windows are sampled when their period has come due since the manager's start (as Java's fixed-rate timers,
//! started with the broker, fire at start + k × period).

pub mod item;
pub mod java_fmt;
pub mod store_stats;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

pub use item::{StatsItem, StatsSnapshot};
pub use store_stats::{BrokerStats, StoreStatsService, STORE_SAMPLE_PERIOD_MS};

use item::{DAY_SAMPLE_PERIOD_MS, HOUR_SAMPLE_PERIOD_MS, MINUTE_SAMPLE_PERIOD_MS};

use crate::store::config_files::topics::{
    AUTO_CREATE_TOPIC_KEY_TOPIC, REPLY_TOPIC_POSTFIX, RMQ_SYS_BENCHMARK_TOPIC, RMQ_SYS_OFFSET_MOVED_EVENT,
    RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_SELF_TEST_TOPIC, RMQ_SYS_TRACE_TOPIC, RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
    RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC,
};
use crate::store::config_files::Flavor;

/// `Stats.TOPIC_PUT_NUMS`, key `<topic>`: messages put (value) per send (times).
pub const TOPIC_PUT_NUMS: &str = "TOPIC_PUT_NUMS";
/// `Stats.TOPIC_PUT_SIZE`, key `<topic>`: bytes written per send.
pub const TOPIC_PUT_SIZE: &str = "TOPIC_PUT_SIZE";
/// `Stats.GROUP_GET_NUMS`, key `<topic>@<group>`: messages delivered per pull.
pub const GROUP_GET_NUMS: &str = "GROUP_GET_NUMS";
/// `Stats.GROUP_GET_SIZE`, key `<topic>@<group>`: bytes delivered per pull.
pub const GROUP_GET_SIZE: &str = "GROUP_GET_SIZE";
/// `Stats.GROUP_GET_LATENCY`, key `<topic>@<group>` (queue stats off): pull latency ms per pull.
pub const GROUP_GET_LATENCY: &str = "GROUP_GET_LATENCY";
/// `Stats.SNDBCK_PUT_NUMS`, key `<topic>@<group>`: messages sent back, one per call.
pub const SNDBCK_PUT_NUMS: &str = "SNDBCK_PUT_NUMS";
/// `Stats.BROKER_PUT_NUMS`, key = the cluster name: messages put (value only, no times).
pub const BROKER_PUT_NUMS: &str = "BROKER_PUT_NUMS";
/// `Stats.BROKER_GET_NUMS`, key = the cluster name: messages delivered (value only).
pub const BROKER_GET_NUMS: &str = "BROKER_GET_NUMS";
/// 5.3.3 `BROKER_PUT_NUMS_WITHOUT_SYSTEM_TOPIC`, key = the cluster name.
pub const BROKER_PUT_NUMS_WITHOUT_SYSTEM_TOPIC: &str = "BROKER_PUT_NUMS_WITHOUT_SYSTEM_TOPIC";
/// 5.3.3 `BROKER_GET_NUMS_WITHOUT_SYSTEM_TOPIC`, key = the cluster name.
pub const BROKER_GET_NUMS_WITHOUT_SYSTEM_TOPIC: &str = "BROKER_GET_NUMS_WITHOUT_SYSTEM_TOPIC";

/// Mirrors `body.BrokerStatsItem`: one window of a VIEW_BROKER_STATS_DATA answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct BrokerStatsItem {
    /// Average value per call.
    #[serde(default)]
    pub avgpt: f64,
    /// Value added within the window.
    #[serde(default)]
    pub sum: i64,
    /// Value per second over the window.
    #[serde(default)]
    pub tps: f64,
}

impl From<StatsSnapshot> for BrokerStatsItem {
    fn from(s: StatsSnapshot) -> Self {
        BrokerStatsItem { avgpt: s.avgpt, sum: s.sum, tps: s.tps }
    }
}

/// Mirrors `body.BrokerStatsData`, the VIEW_BROKER_STATS_DATA body (fields in fastjson's alphabetical order;
/// write it with `crate::remoting::fastjson::to_vec_plain`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerStatsData {
    /// The last 24 hours.
    #[serde(default)]
    pub stats_day: BrokerStatsItem,
    /// The last hour.
    #[serde(default)]
    pub stats_hour: BrokerStatsItem,
    /// The last minute.
    #[serde(default)]
    pub stats_minute: BrokerStatsItem,
}

/// The SYSTEM_ERROR remark of VIEW_BROKER_STATS_DATA for an item that does not exist.
pub fn stats_not_exist_remark(stats_name: &str, stats_key: &str) -> String {
    format!("The stats <{stats_name}> <{stats_key}> not exist")
}

/// Epoch ms of the next local midnight after `now_ms` (`UtilAll.computeNextMorningTimeMillis`; a DST
/// change that day shifts it by the change).
pub fn next_morning_ms(now_ms: i64) -> i64 {
    let t = crate::store::mapped_file::os::local_time(now_ms);
    let since_midnight =
        ((i64::from(t.hour) * 60 + i64::from(t.minute)) * 60 + i64::from(t.second)) * 1000 + i64::from(t.millis);
    now_ms - since_midnight + 86_400_000
}

/// One consumer group's items under one topic (keys `<topic>@<group>`).
#[derive(Debug, Default)]
struct GroupStats {
    get_nums: StatsItem,
    get_size: StatsItem,
    get_latency: StatsItem,
    send_back_nums: StatsItem,
}

impl GroupStats {
    fn items(&self) -> [&StatsItem; 4] {
        [&self.get_nums, &self.get_size, &self.get_latency, &self.send_back_nums]
    }
}

/// One topic's items (key `<topic>`) and its groups'.
#[derive(Debug)]
struct TopicStats {
    /// `TopicValidator.isSystemTopic`, decided once when the topic is first seen.
    system: bool,
    put_nums: StatsItem,
    put_size: StatsItem,
    groups: papaya::HashMap<String, GroupStats>,
}

/// When each window of the items is next due (Java's three fixed-rate timers per `StatsItemSet`, started
/// with the broker).
#[derive(Debug)]
struct Schedule {
    minute: i64,
    hour: i64,
    day: i64,
}

/// Whether a fixed-rate timer at `*next` fires at `now_ms`; advances it (skipping missed periods rather than
/// firing them back to back).
fn fire(next: &mut i64, period: i64, now_ms: i64) -> bool {
    if now_ms < *next {
        return false;
    }
    *next += period;
    if *next <= now_ms {
        *next = now_ms + period;
    }
    true
}

/// Mirrors `BrokerStatsManager` (the items mqadmin reads) together with the store's `StoreStatsService` and
/// the broker's `BrokerStats`. See the module docs for what to call where.
#[derive(Debug)]
pub struct BrokerStatsManager {
    cluster_name: String,
    /// Topics the broker registers as system topics besides the fixed ones: the cluster and broker names
    /// and `<cluster>_REPLY_TOPIC`.
    own_system_topics: [String; 3],
    flavor: Flavor,
    topics: papaya::HashMap<String, TopicStats>,
    broker_put_nums: StatsItem,
    broker_get_nums: StatsItem,
    broker_put_nums_without_system: StatsItem,
    broker_get_nums_without_system: StatsItem,
    store: StoreStatsService,
    daily: BrokerStats,
    schedule: Mutex<Schedule>,
}

impl BrokerStatsManager {
    /// A manager for a broker of `cluster_name`/`broker_name` started at `now_ms`, answering as `flavor`
    /// (4.9.8 and 5.3.3 take `msgPutTotal*`/`msgGetTotal*` from different counters).
    pub fn new(cluster_name: &str, broker_name: &str, flavor: Flavor, now_ms: i64) -> Self {
        BrokerStatsManager {
            cluster_name: cluster_name.to_owned(),
            own_system_topics: [
                cluster_name.to_owned(),
                broker_name.to_owned(),
                format!("{cluster_name}_{REPLY_TOPIC_POSTFIX}"),
            ],
            flavor,
            topics: papaya::HashMap::new(),
            broker_put_nums: StatsItem::new(),
            broker_get_nums: StatsItem::new(),
            broker_put_nums_without_system: StatsItem::new(),
            broker_get_nums_without_system: StatsItem::new(),
            store: StoreStatsService::new(now_ms),
            daily: BrokerStats::default(),
            // Java's timers also fire at the start itself, over an empty set: a no-op, skipped here so that a
            // first `sample` that runs after the first puts does not sample them early.
            schedule: Mutex::new(Schedule {
                minute: now_ms + MINUTE_SAMPLE_PERIOD_MS,
                hour: now_ms + HOUR_SAMPLE_PERIOD_MS,
                day: now_ms + DAY_SAMPLE_PERIOD_MS,
            }),
        }
    }

    /// The store-wide figures (for store puts that are not client sends, see the module docs).
    pub fn store(&self) -> &StoreStatsService {
        &self.store
    }

    /// 5.3.3 `TopicValidator.isSystemTopic` with this broker's own system topics.
    fn is_system_topic(&self, topic: &str) -> bool {
        matches!(
            topic,
            AUTO_CREATE_TOPIC_KEY_TOPIC
                | RMQ_SYS_SCHEDULE_TOPIC
                | RMQ_SYS_BENCHMARK_TOPIC
                | RMQ_SYS_TRANS_HALF_TOPIC
                | RMQ_SYS_TRACE_TOPIC
                | RMQ_SYS_TRANS_OP_HALF_TOPIC
                | RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC
                | RMQ_SYS_SELF_TEST_TOPIC
                | RMQ_SYS_OFFSET_MOVED_EVENT
                | "CHECKPOINT_TOPIC"
        ) || topic.starts_with("rmq_sys_")
            || self.own_system_topics.iter().any(|t| t == topic)
    }

    /// Runs `f` on `topic`'s stats, creating them the first time (the only allocation).
    #[inline]
    fn with_topic<R>(&self, topic: &str, f: impl FnOnce(&TopicStats) -> R) -> R {
        let topics = self.topics.pin();
        if let Some(t) = topics.get(topic) {
            return f(t);
        }
        let t = topics.get_or_insert_with(topic.to_owned(), || TopicStats {
            system: self.is_system_topic(topic),
            put_nums: StatsItem::new(),
            put_size: StatsItem::new(),
            groups: papaya::HashMap::new(),
        });
        f(t)
    }

    /// Runs `f` on the `<topic>@<group>` stats, creating them the first time.
    #[inline]
    fn with_group<R>(&self, group: &str, topic: &str, f: impl FnOnce(&TopicStats, &GroupStats) -> R) -> R {
        self.with_topic(topic, |t| {
            let groups = t.groups.pin();
            let g = match groups.get(group) {
                Some(g) => g,
                None => groups.get_or_insert_with(group.to_owned(), GroupStats::default),
            };
            f(t, g)
        })
    }

    /// A client SEND stored `msgs` messages of `bytes` bytes in `elapsed_ms`: `TOPIC_PUT_NUMS += msgs` (one
    /// call), `TOPIC_PUT_SIZE += bytes`, `BROKER_PUT_NUMS += msgs`, and the store's put figures.
    #[inline]
    pub fn on_put(&self, topic: &str, msgs: i32, bytes: i64, elapsed_ms: i64) {
        self.on_topic_put(topic, msgs, bytes);
        self.store.on_put(i64::from(msgs), bytes, elapsed_ms);
    }

    /// The `BrokerStatsManager` half of [`on_put`](Self::on_put), for puts counted per topic whose store
    /// figures are recorded elsewhere.
    #[inline]
    pub fn on_topic_put(&self, topic: &str, msgs: i32, bytes: i64) {
        let msgs = i64::from(msgs);
        let system = self.with_topic(topic, |t| {
            t.put_nums.add(msgs, 1);
            t.put_size.add(bytes, 1);
            t.system
        });
        self.broker_put_nums.add(msgs, 0);
        if !system {
            self.broker_put_nums_without_system.add(msgs, 0);
        }
    }

    /// A store put failed after `elapsed_ms`.
    pub fn on_put_failed(&self, elapsed_ms: i64) {
        self.store.on_put_failed(elapsed_ms);
    }

    /// A PULL answered SUCCESS with `msgs` messages of `bytes` bytes, `elapsed_ms` after it began:
    /// `GROUP_GET_NUMS += msgs`, `GROUP_GET_SIZE += bytes`, `GROUP_GET_LATENCY += elapsed_ms` (one call each),
    /// `BROKER_GET_NUMS += msgs`, and the store's found/transferred figures.
    #[inline]
    pub fn on_get(&self, group: &str, topic: &str, msgs: i32, bytes: i64, elapsed_ms: i64) {
        let msgs = i64::from(msgs);
        let system = self.with_group(group, topic, |t, g| {
            g.get_nums.add(msgs, 1);
            g.get_size.add(bytes, 1);
            g.get_latency.add(elapsed_ms, 1);
            t.system
        });
        self.broker_get_nums.add(msgs, 0);
        if !system {
            self.broker_get_nums_without_system.add(msgs, 0);
        }
        self.store.on_get_found(msgs, elapsed_ms);
    }

    /// A store read for a PULL found nothing (NO_MATCHED_MESSAGE, OFFSET_FOUND_NULL, moved offsets …).
    #[inline]
    pub fn on_get_miss(&self, elapsed_ms: i64) {
        self.store.on_get_miss(elapsed_ms);
    }

    /// CONSUMER_SEND_MSG_BACK stored a message of `group` taken from `topic` (the message's `RETRY_TOPIC`
    /// property if set, else its topic): `SNDBCK_PUT_NUMS` of `<topic>@<group>` += 1.
    pub fn on_send_back(&self, group: &str, topic: &str) {
        self.with_group(group, topic, |_, g| g.send_back_nums.add(1, 1));
    }

    /// `onTopicDeleted`: drops the topic's items and every `<topic>@<group>` item.
    pub fn on_topic_deleted(&self, topic: &str) {
        self.topics.pin().remove(topic);
    }

    /// `onGroupDeleted`: drops every `<topic>@<group>` item of `group`.
    pub fn on_group_deleted(&self, group: &str) {
        for (_, t) in self.topics.pin().iter() {
            t.groups.pin().remove(group);
        }
    }

    /// The sampler, every [`STORE_SAMPLE_PERIOD_MS`] (1 s): samples the store figures, and the items'
    /// minute/hour/day windows when 10 s / 10 min / 1 h have come due since the start.
    pub fn sample(&self, now_ms: i64) {
        self.store.sample(now_ms);
        let (minute, hour, day) = {
            let mut s = self.schedule.lock();
            (
                fire(&mut s.minute, MINUTE_SAMPLE_PERIOD_MS, now_ms),
                fire(&mut s.hour, HOUR_SAMPLE_PERIOD_MS, now_ms),
                fire(&mut s.day, DAY_SAMPLE_PERIOD_MS, now_ms),
            )
        };
        if !(minute || hour || day) {
            return;
        }
        self.for_each_live_item(|item| {
            if minute {
                item.sample_minute_window(now_ms);
            }
            if hour {
                item.sample_hour_window(now_ms);
            }
            if day {
                item.sample_day_window(now_ms);
            }
        });
    }

    fn for_each_live_item(&self, mut f: impl FnMut(&StatsItem)) {
        let broker_items = [
            &self.broker_put_nums,
            &self.broker_get_nums,
            &self.broker_put_nums_without_system,
            &self.broker_get_nums_without_system,
        ];
        let mut visit = |item: &StatsItem| {
            if item.is_live() {
                f(item);
            }
        };
        broker_items.into_iter().for_each(&mut visit);
        for (_, t) in self.topics.pin().iter() {
            visit(&t.put_nums);
            visit(&t.put_size);
            for (_, g) in t.groups.pin().iter() {
                g.items().into_iter().for_each(&mut visit);
            }
        }
    }

    /// `BrokerStats.record()`: run at local midnight and every 24 h after (first delay:
    /// [`next_morning_ms`]` - now`).
    pub fn on_midnight(&self) {
        self.daily.record(self.msg_put_total_now(), self.msg_get_total_now());
    }

    /// `getMsgPutTotalTodayNow`: 4.9.8 the store's put total, 5.3.3 `BROKER_PUT_NUMS_WITHOUT_SYSTEM_TOPIC`.
    fn msg_put_total_now(&self) -> i64 {
        match self.flavor {
            Flavor::V4_9_8 => self.store.put_message_times_total(),
            Flavor::V5_3_3 => self.broker_put_nums_without_system.value(),
        }
    }

    /// `getMsgGetTotalTodayNow`: 4.9.8 the store's transferred count, 5.3.3
    /// `BROKER_GET_NUMS_WITHOUT_SYSTEM_TOPIC`.
    fn msg_get_total_now(&self) -> i64 {
        match self.flavor {
            Flavor::V4_9_8 => self.store.get_transferred_msg_count(),
            Flavor::V5_3_3 => self.broker_get_nums_without_system.value(),
        }
    }

    /// Runs `f` on the live item `stats_name`/`stats_key` (`BrokerStatsManager.getStatsItem`).
    fn with_item<R>(&self, stats_name: &str, stats_key: &str, f: impl FnOnce(&StatsItem) -> R) -> Option<R> {
        let live = |item: &StatsItem| item.is_live().then(|| f(item));
        let broker_item = match stats_name {
            BROKER_PUT_NUMS => Some(&self.broker_put_nums),
            BROKER_GET_NUMS => Some(&self.broker_get_nums),
            BROKER_PUT_NUMS_WITHOUT_SYSTEM_TOPIC => Some(&self.broker_put_nums_without_system),
            BROKER_GET_NUMS_WITHOUT_SYSTEM_TOPIC => Some(&self.broker_get_nums_without_system),
            _ => None,
        };
        if let Some(item) = broker_item {
            return if stats_key == self.cluster_name { live(item) } else { None };
        }
        let topics = self.topics.pin();
        match stats_name {
            TOPIC_PUT_NUMS | TOPIC_PUT_SIZE => {
                let t = topics.get(stats_key)?;
                live(if stats_name == TOPIC_PUT_NUMS { &t.put_nums } else { &t.put_size })
            }
            GROUP_GET_NUMS | GROUP_GET_SIZE | GROUP_GET_LATENCY | SNDBCK_PUT_NUMS => {
                // Topic names cannot contain '@', so the first one separates topic and group.
                let (topic, group) = stats_key.split_once('@')?;
                let t = topics.get(topic)?;
                let groups = t.groups.pin();
                let g = groups.get(group)?;
                live(match stats_name {
                    GROUP_GET_NUMS => &g.get_nums,
                    GROUP_GET_SIZE => &g.get_size,
                    GROUP_GET_LATENCY => &g.get_latency,
                    _ => &g.send_back_nums,
                })
            }
            _ => None,
        }
    }

    /// VIEW_BROKER_STATS_DATA: the minute, hour and day windows of one item; `None` when Java's
    /// `getStatsItem` would return null (answer SYSTEM_ERROR with [`stats_not_exist_remark`]).
    pub fn broker_stats_data(&self, stats_name: &str, stats_key: &str) -> Option<BrokerStatsData> {
        self.with_item(stats_name, stats_key, |item| BrokerStatsData {
            stats_day: item.stats_in_day().into(),
            stats_hour: item.stats_in_hour().into(),
            stats_minute: item.stats_in_minute().into(),
        })
    }

    /// One window of one item, if it exists (for callers that want `times` too).
    pub fn stats_in_minute(&self, stats_name: &str, stats_key: &str) -> Option<StatsSnapshot> {
        self.with_item(stats_name, stats_key, StatsItem::stats_in_minute)
    }

    /// `tpsGroupGetNums(group, topic)`: `GROUP_GET_NUMS` minute TPS of `<topic>@<group>`, 0 if unknown — one
    /// topic's share of `ConsumeStats.consumeTps`.
    pub fn consume_tps(&self, group: &str, topic: &str) -> f64 {
        let topics = self.topics.pin();
        let Some(t) = topics.get(topic) else {
            return 0.0;
        };
        let groups = t.groups.pin();
        groups.get(group).map_or(0.0, |g| g.get_nums.stats_in_minute().tps)
    }

    /// 5.3.3 `tpsTopicPutNums(topic)`: `TOPIC_PUT_NUMS` minute TPS, 0 if unknown (`TopicStatsTable.topicPutTps`).
    pub fn topic_put_tps(&self, topic: &str) -> f64 {
        self.topics.pin().get(topic).map_or(0.0, |t| t.put_nums.stats_in_minute().tps)
    }

    /// The statistics entries of GET_BROKER_RUNTIME_INFO at `now_ms`: the store's ([`StoreStatsService::runtime_info`],
    /// with both transferred-TPS spellings) and the six `msgPutTotal*`/`msgGetTotal*` ones. The caller adds the
    /// store, config and thread-pool keys.
    pub fn runtime_info(&self, now_ms: i64) -> Vec<(String, String)> {
        let mut out = self.store.runtime_info(now_ms);
        out.extend(self.daily.runtime_info(self.msg_put_total_now(), self.msg_get_total_now()));
        out
    }
}

#[cfg(test)]
mod tests;
