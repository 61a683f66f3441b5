//! The route tables (`RouteInfoManager`) and the algorithms of spec §5: registration with the DataVersion
//! gate, route assembly, liveness, write-permission changes, unregistration, topic deletion and listings.
//!
//! Behaviour follows the 5.3.3 NameServer (liveness keyed by (cluster, address), per-topic registration gate,
//! refusal of a first registration carrying exactly one topic, unregistration by address value), which also
//! serves 4.9.8 brokers. Differences from Java: unregistration is applied synchronously instead of through a
//! batch queue, a closed connection removes every broker registered on it (Java: the first one found), and a
//! refused registration leaves no empty broker entry behind.
//!
//! Every mutation takes one write lock over all tables, so readers see consistent snapshots. Maps are ordered
//! (`BTreeMap`), so listings and routes come out sorted by name. Time is passed in by the caller, which keeps
//! the expiry logic testable.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use parking_lot::RwLock;
use serde_json::Value;

use crate::protocol::body::{BrokerMemberGroup, ClusterInfo, TopicList};
use crate::protocol::data_version::DataVersion;
use crate::protocol::route::{perm, topic_sys_flag, BrokerData, QueueData, TopicRouteData, MASTER_ID};
use crate::protocol::topic::{TopicConfig, TopicConfigSerializeWrapper};

/// `DEFAULT_BROKER_CHANNEL_EXPIRED_TIME`: a broker not heard from for this long is removed.
pub const DEFAULT_BROKER_CHANNEL_EXPIRED_TIME: Duration = Duration::from_secs(120);

/// Topics with this prefix are never rewritten for acting masters (`TopicValidator.SYNC_BROKER_MEMBER_GROUP_PREFIX`).
pub const SYNC_BROKER_MEMBER_GROUP_PREFIX: &str = "rmq_sys_SYNC_BROKER_MEMBER_";

/// Identifies one connection (the server's connection id): liveness is tied to the registering connection.
pub type ChannelId = u64;

/// Mirrors `BrokerAddrInfo`: the live-table key (5.3.3: the same address in two clusters is two brokers).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BrokerAddrInfo {
    /// Cluster name.
    pub cluster_name: String,
    /// `ip:port`.
    pub broker_addr: String,
}

impl BrokerAddrInfo {
    fn new(cluster_name: &str, broker_addr: &str) -> Self {
        BrokerAddrInfo { cluster_name: cluster_name.to_owned(), broker_addr: broker_addr.to_owned() }
    }
}

impl std::fmt::Display for BrokerAddrInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.broker_addr, self.cluster_name)
    }
}

/// Mirrors `BrokerLiveInfo`.
#[derive(Debug, Clone)]
pub struct BrokerLiveInfo {
    /// Last registration / heartbeat.
    pub last_update: Instant,
    /// Expiry after `last_update`.
    pub heartbeat_timeout: Duration,
    /// The topic-table version of the last registration.
    pub data_version: DataVersion,
    /// The connection of the last registration.
    pub channel: Option<ChannelId>,
    /// The broker's HA address.
    pub ha_server_addr: Option<String>,
}

/// One REGISTER_BROKER, decoded.
#[derive(Debug, Clone, Default)]
pub struct BrokerRegistration {
    /// `clusterName`.
    pub cluster_name: String,
    /// `brokerAddr` (from the header, never the socket).
    pub broker_addr: String,
    /// `brokerName`.
    pub broker_name: String,
    /// `brokerId`: 0 master, > 0 slave.
    pub broker_id: i64,
    /// `haServerAddr`.
    pub ha_server_addr: Option<String>,
    /// Ext field `__ZONE_NAME`.
    pub zone_name: Option<String>,
    /// [5.3.3] `heartbeatTimeoutMillis`.
    pub heartbeat_timeout_millis: Option<i64>,
    /// [5.3.3] `enableActingMaster`; `None` means a pre-5 broker.
    pub enable_acting_master: Option<bool>,
    /// The broker's topic table.
    pub topic_config_wrapper: TopicConfigSerializeWrapper,
    /// `None` for pre-3.0.11 bodies, which have no filter list.
    pub filter_server_list: Option<Vec<String>>,
    /// The connection it arrived on.
    pub channel: Option<ChannelId>,
}

/// Mirrors `RegisterBrokerResult`: the master of a slave, if alive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterBrokerResult {
    /// The master's HA address.
    pub ha_server_addr: Option<String>,
    /// The master's address.
    pub master_addr: Option<String>,
}

/// Why a registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    /// [5.3.3] A single-topic (incremental) registration from a broker id not registered yet.
    #[error("register broker failed")]
    NotYetRegistered,
}

/// Flags of `NamesrvConfig` that change route behaviour.
#[derive(Debug, Clone, Copy, Default)]
pub struct RouteOptions {
    /// `deleteTopicWithBrokerRegistration`.
    pub delete_topic_with_broker_registration: bool,
    /// `supportActingMaster`.
    pub support_acting_master: bool,
}

#[derive(Debug, Default)]
struct Tables {
    /// topic → broker name → queue data.
    topic_queue_table: BTreeMap<String, BTreeMap<String, QueueData>>,
    /// broker name → addresses.
    broker_addr_table: BTreeMap<String, BrokerData>,
    /// cluster → broker names.
    cluster_addr_table: BTreeMap<String, BTreeSet<String>>,
    broker_live_table: HashMap<BrokerAddrInfo, BrokerLiveInfo>,
    filter_server_table: HashMap<BrokerAddrInfo, Vec<String>>,
    /// [5.3.3] topic → broker name → `TopicQueueMappingInfo`.
    topic_queue_mapping_info_table: BTreeMap<String, BTreeMap<String, Value>>,
}

/// The NameServer's route tables.
#[derive(Debug, Default)]
pub struct RouteInfoManager {
    tables: RwLock<Tables>,
}

/// One broker removed by unregistration, expiry or a closed connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedBroker {
    /// Its live-table key.
    pub addr: BrokerAddrInfo,
    /// The connection of its last registration, if known.
    pub channel: Option<ChannelId>,
    /// Its broker name, if it was still in the broker table.
    pub broker_name: Option<String>,
}

impl RouteInfoManager {
    /// Empty tables.
    pub fn new() -> Self {
        Self::default()
    }

    /// REGISTER_BROKER (spec §5.2, 5.3.3 algorithm).
    pub fn register_broker(
        &self,
        reg: BrokerRegistration,
        options: RouteOptions,
        now: Instant,
    ) -> Result<RegisterBrokerResult, RegisterError> {
        let mut guard = self.tables.write();
        let t = &mut *guard;
        let addr_info = BrokerAddrInfo::new(&reg.cluster_name, &reg.broker_addr);
        let incoming_dv = reg.topic_config_wrapper.data_version;

        // Checks first, so that a refused registration leaves nothing behind.
        let existing = t.broker_addr_table.get(&reg.broker_name);
        let old_addr_at_id = existing.and_then(|bd| bd.broker_addrs.get(&reg.broker_id)).cloned();
        if let Some(old_addr) = old_addr_at_id.as_deref().filter(|a| *a != reg.broker_addr) {
            let old_state = t
                .broker_live_table
                .get(&BrokerAddrInfo::new(&reg.cluster_name, old_addr))
                .map(|live| live.data_version.state_version());
            if old_state.is_some_and(|s| s > incoming_dv.state_version()) {
                tracing::warn!(
                    "Registering Broker conflicts with the existed one, just ignore.: Cluster:{}, BrokerName:{}, \
                     BrokerId:{}, Old BrokerAddr:{old_addr}, New BrokerAddr:{}",
                    reg.cluster_name,
                    reg.broker_name,
                    reg.broker_id,
                    reg.broker_addr
                );
                t.broker_live_table.remove(&addr_info);
                return Ok(RegisterBrokerResult::default());
            }
        }
        if old_addr_at_id.is_none() && reg.topic_config_wrapper.topic_config_table.len() == 1 {
            tracing::warn!(
                "Can't register topicConfigWrapper={:?} because broker[{}]={} has not registered.",
                reg.topic_config_wrapper.topic_config_table.keys().collect::<Vec<_>>(),
                reg.broker_id,
                reg.broker_addr
            );
            return Err(RegisterError::NotYetRegistered);
        }

        t.cluster_addr_table.entry(reg.cluster_name.clone()).or_default().insert(reg.broker_name.clone());
        let mut register_first = !t.broker_addr_table.contains_key(&reg.broker_name);
        let broker_data = t
            .broker_addr_table
            .entry(reg.broker_name.clone())
            .or_insert_with(|| BrokerData::new(&reg.cluster_name, &reg.broker_name));
        broker_data.enable_acting_master = reg.enable_acting_master == Some(true);
        broker_data.zone_name = reg.zone_name.clone();
        // A slave switched to master keeps a single entry per address.
        broker_data.broker_addrs.retain(|id, addr| *addr != reg.broker_addr || *id == reg.broker_id);
        let old_addr = broker_data.broker_addrs.insert(reg.broker_id, reg.broker_addr.clone());
        register_first |= old_addr.map_or(true, |a| a.is_empty());
        let is_master = reg.broker_id == MASTER_ID;
        let is_prime_slave = reg.enable_acting_master.is_some()
            && !is_master
            && broker_data.broker_addrs.keys().next() == Some(&reg.broker_id);
        let acting_master = broker_data.enable_acting_master;

        if is_master || is_prime_slave {
            let wrapper = &reg.topic_config_wrapper;
            let mappings = wrapper.topic_queue_mapping_info_map.as_ref();
            if options.delete_topic_with_broker_registration && mappings.map_or(true, BTreeMap::is_empty) {
                t.delete_topics_missing_from(&reg.broker_name, wrapper);
            }
            let changed = t.is_broker_topic_config_changed(&addr_info, &incoming_dv);
            for (key, config) in &wrapper.topic_config_table {
                let topic = if config.topic_name.is_empty() { key } else { &config.topic_name };
                if register_first || changed || !t.has_queue_data(topic, &reg.broker_name) {
                    let mut config = config.clone();
                    if is_prime_slave && acting_master {
                        config.perm &= !perm::PERM_WRITE;
                    }
                    t.create_and_update_queue_data(topic, &reg.broker_name, &config);
                }
            }
            if changed || register_first {
                for (topic, info) in mappings.into_iter().flatten() {
                    let bname = info.get("bname").and_then(Value::as_str).unwrap_or(&reg.broker_name).to_owned();
                    t.topic_queue_mapping_info_table.entry(topic.clone()).or_default().insert(bname, info.clone());
                }
            }
        }

        let timeout = reg
            .heartbeat_timeout_millis
            .and_then(|ms| u64::try_from(ms).ok())
            .map_or(DEFAULT_BROKER_CHANNEL_EXPIRED_TIME, Duration::from_millis);
        let live = BrokerLiveInfo {
            last_update: now,
            heartbeat_timeout: timeout,
            data_version: incoming_dv,
            channel: reg.channel,
            ha_server_addr: reg.ha_server_addr.clone(),
        };
        if t.broker_live_table.insert(addr_info.clone(), live).is_none() {
            tracing::info!(
                "new broker registered, {addr_info} HAService: {}",
                reg.ha_server_addr.as_deref().unwrap_or("null")
            );
        }
        if let Some(list) = reg.filter_server_list {
            if list.is_empty() {
                t.filter_server_table.remove(&addr_info);
            } else {
                t.filter_server_table.insert(addr_info, list);
            }
        }

        let mut result = RegisterBrokerResult::default();
        if !is_master {
            let master = t.broker_addr_table.get(&reg.broker_name).and_then(|bd| bd.master_addr());
            if let Some(master_addr) = master {
                if let Some(live) = t.broker_live_table.get(&BrokerAddrInfo::new(&reg.cluster_name, master_addr)) {
                    result.ha_server_addr = live.ha_server_addr.clone();
                    result.master_addr = Some(master_addr.to_owned());
                }
            }
        }
        Ok(result)
    }

    /// UNREGISTER_BROKER (5.3.3 semantics, applied at once): the live and filter entries of (cluster, addr),
    /// the address (under any id) of the broker name, then the broker name, cluster and queue data if empty.
    pub fn unregister_broker(&self, cluster_name: &str, broker_addr: &str, broker_name: &str) -> RemovedBroker {
        let mut t = self.tables.write();
        t.unregister(&BrokerAddrInfo::new(cluster_name, broker_addr), broker_name)
    }

    /// A connection closed: every broker whose last registration came over it is removed at once.
    pub fn on_channel_destroy(&self, channel: ChannelId) -> Vec<RemovedBroker> {
        let mut t = self.tables.write();
        let gone: Vec<BrokerAddrInfo> =
            t.broker_live_table.iter().filter(|(_, l)| l.channel == Some(channel)).map(|(k, _)| k.clone()).collect();
        gone.into_iter()
            .map(|addr| {
                let removed = t.destroy(&addr);
                tracing::info!("the broker's channel destroyed, unregister {addr} ({:?})", removed.broker_name);
                removed
            })
            .collect()
    }

    /// The liveness scan: removes every broker not refreshed within its timeout.
    pub fn scan_not_active_broker(&self, now: Instant) -> Vec<RemovedBroker> {
        let mut t = self.tables.write();
        let expired: Vec<(BrokerAddrInfo, Duration)> = t
            .broker_live_table
            .iter()
            .filter(|(_, l)| l.last_update + l.heartbeat_timeout < now)
            .map(|(k, l)| (k.clone(), l.heartbeat_timeout))
            .collect();
        expired
            .into_iter()
            .map(|(addr, timeout)| {
                tracing::warn!("The broker channel expired, {addr} {}ms", timeout.as_millis());
                t.destroy(&addr)
            })
            .collect()
    }

    /// BROKER_HEARTBEAT / QUERY_DATA_VERSION: refreshes a known broker's last-update time.
    pub fn update_broker_info_update_timestamp(&self, cluster_name: &str, broker_addr: &str, now: Instant) {
        if let Some(live) =
            self.tables.write().broker_live_table.get_mut(&BrokerAddrInfo::new(cluster_name, broker_addr))
        {
            live.last_update = now;
        }
    }

    /// The DataVersion of the broker's last registration, `None` if it is not live.
    pub fn query_broker_topic_config(&self, cluster_name: &str, broker_addr: &str) -> Option<DataVersion> {
        let t = self.tables.read();
        t.broker_live_table.get(&BrokerAddrInfo::new(cluster_name, broker_addr)).map(|l| l.data_version)
    }

    /// True if the broker is unknown or registered a different DataVersion.
    pub fn is_broker_topic_config_changed(&self, cluster_name: &str, broker_addr: &str, dv: &DataVersion) -> bool {
        self.tables.read().is_broker_topic_config_changed(&BrokerAddrInfo::new(cluster_name, broker_addr), dv)
    }

    /// Is (cluster, addr) in the live table?
    pub fn is_broker_alive(&self, cluster_name: &str, broker_addr: &str) -> bool {
        self.tables.read().broker_live_table.contains_key(&BrokerAddrInfo::new(cluster_name, broker_addr))
    }

    /// GET_ROUTEINFO_BY_TOPIC (spec §5.3): `None` unless the topic has queue data **and** broker data.
    pub fn pickup_topic_route_data(&self, topic: &str, options: RouteOptions) -> Option<TopicRouteData> {
        let t = self.tables.read();
        let qd_map = t.topic_queue_table.get(topic)?;
        let mut route = TopicRouteData { queue_datas: qd_map.values().cloned().collect(), ..Default::default() };
        for broker_name in qd_map.keys() {
            let Some(bd) = t.broker_addr_table.get(broker_name) else {
                continue;
            };
            if !t.filter_server_table.is_empty() {
                for addr in bd.broker_addrs.values() {
                    let servers = t.filter_server_table.get(&BrokerAddrInfo::new(&bd.cluster, addr));
                    route.filter_server_table.insert(addr.clone(), servers.cloned().unwrap_or_default());
                }
            }
            route.broker_datas.push(bd.clone());
        }
        if route.queue_datas.is_empty() || route.broker_datas.is_empty() {
            return None;
        }
        route.topic_queue_mapping_by_broker = t.topic_queue_mapping_info_table.get(topic).cloned();
        if options.support_acting_master && !topic.starts_with(SYNC_BROKER_MEMBER_GROUP_PREFIX) {
            apply_acting_master(&mut route);
        }
        Some(route)
    }

    /// GET_BROKER_CLUSTER_INFO.
    pub fn get_all_cluster_info(&self) -> ClusterInfo {
        let t = self.tables.read();
        ClusterInfo { broker_addr_table: t.broker_addr_table.clone(), cluster_addr_table: t.cluster_addr_table.clone() }
    }

    /// GET_BROKER_MEMBER_GROUP: every address under `broker_name` (the cluster is echoed, not checked).
    pub fn get_broker_member_group(&self, cluster_name: &str, broker_name: &str) -> BrokerMemberGroup {
        let t = self.tables.read();
        BrokerMemberGroup {
            broker_addrs: t.broker_addr_table.get(broker_name).map(|bd| bd.broker_addrs.clone()).unwrap_or_default(),
            broker_name: broker_name.to_owned(),
            cluster: cluster_name.to_owned(),
        }
    }

    /// WIPE_WRITE_PERM_OF_BROKER: clears the write bit of every queue data of `broker_name`; returns the count.
    pub fn wipe_write_perm_of_broker(&self, broker_name: &str) -> i32 {
        self.operate_write_perm(broker_name, |p| p & !perm::PERM_WRITE)
    }

    /// ADD_WRITE_PERM_OF_BROKER: sets perm to exactly read+write (dropping inherit); returns the count.
    pub fn add_write_perm_of_broker(&self, broker_name: &str) -> i32 {
        self.operate_write_perm(broker_name, |_| perm::PERM_READ | perm::PERM_WRITE)
    }

    fn operate_write_perm(&self, broker_name: &str, f: impl Fn(i32) -> i32) -> i32 {
        let mut t = self.tables.write();
        let mut count = 0;
        for qd in t.topic_queue_table.values_mut().filter_map(|m| m.get_mut(broker_name)) {
            qd.perm = f(qd.perm);
            count += 1;
        }
        count
    }

    /// DELETE_TOPIC_IN_NAMESRV: with a cluster, only that cluster's broker names lose the topic (the topic goes
    /// when nothing is left; an unknown cluster changes nothing); without, the topic goes entirely.
    pub fn delete_topic(&self, topic: &str, cluster_name: Option<&str>) {
        let mut guard = self.tables.write();
        let t = &mut *guard;
        let Some(cluster) = cluster_name.filter(|c| !c.is_empty()) else {
            t.topic_queue_table.remove(topic);
            return;
        };
        let Some(names) = t.cluster_addr_table.get(cluster) else {
            return;
        };
        if let Some(qd_map) = t.topic_queue_table.get_mut(topic) {
            for name in names {
                if let Some(qd) = qd_map.remove(name) {
                    tracing::info!("deleteTopic, remove one broker's topic {name} {topic} {qd:?}");
                }
            }
            if qd_map.is_empty() {
                tracing::info!("deleteTopic, remove the topic all queue {cluster} {topic}");
                t.topic_queue_table.remove(topic);
            }
        }
    }

    /// [5.3.3] REGISTER_TOPIC_IN_NAMESRV: puts the queue data (one per broker name); ignored as a whole if a
    /// broker name is unknown.
    pub fn register_topic(&self, topic: &str, queue_datas: &[QueueData]) {
        let mut t = self.tables.write();
        if queue_datas.is_empty() {
            return;
        }
        if let Some(bad) = queue_datas.iter().find(|qd| !t.broker_addr_table.contains_key(&qd.broker_name)) {
            tracing::warn!("Register topic contains illegal broker, {topic}, {bad:?}");
            return;
        }
        let qd_map = t.topic_queue_table.entry(topic.to_owned()).or_default();
        for qd in queue_datas {
            qd_map.insert(qd.broker_name.clone(), qd.clone());
        }
        tracing::info!("Register topic route:{topic}, {queue_datas:?}");
    }

    /// GET_ALL_TOPIC_LIST_FROM_NAMESERVER: every topic with queue data.
    pub fn get_all_topic_list(&self) -> TopicList {
        let t = self.tables.read();
        TopicList { broker_addr: None, topic_list: t.topic_queue_table.keys().cloned().collect() }
    }

    /// GET_TOPICS_BY_CLUSTER: topics with queue data on any broker name of `cluster` (unknown: empty).
    pub fn get_topics_by_cluster(&self, cluster: &str) -> TopicList {
        let t = self.tables.read();
        let mut list = TopicList::default();
        if let Some(names) = t.cluster_addr_table.get(cluster) {
            for (topic, qd_map) in &t.topic_queue_table {
                if names.iter().any(|n| qd_map.contains_key(n)) {
                    list.topic_list.insert(topic.clone());
                }
            }
        }
        list
    }

    /// GET_SYSTEM_TOPIC_LIST_FROM_NS: cluster names and broker names, plus one broker address.
    pub fn get_system_topic_list(&self) -> TopicList {
        let t = self.tables.read();
        let mut list = TopicList::default();
        for (cluster, names) in &t.cluster_addr_table {
            list.topic_list.insert(cluster.clone());
            list.topic_list.extend(names.iter().cloned());
        }
        list.broker_addr = t.broker_addr_table.values().find_map(|bd| bd.broker_addrs.values().next().cloned());
        list
    }

    /// GET_UNIT_TOPIC_LIST: topics whose first queue data has `FLAG_UNIT`.
    pub fn get_unit_topics(&self) -> TopicList {
        self.topics_by_first_sys_flag(topic_sys_flag::has_unit_flag)
    }

    /// GET_HAS_UNIT_SUB_TOPIC_LIST: topics whose first queue data has `FLAG_UNIT_SUB`.
    pub fn get_has_unit_sub_topic_list(&self) -> TopicList {
        self.topics_by_first_sys_flag(topic_sys_flag::has_unit_sub_flag)
    }

    /// GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST: `FLAG_UNIT_SUB` without `FLAG_UNIT`.
    pub fn get_has_unit_sub_un_unit_topic_list(&self) -> TopicList {
        self.topics_by_first_sys_flag(|f| !topic_sys_flag::has_unit_flag(f) && topic_sys_flag::has_unit_sub_flag(f))
    }

    fn topics_by_first_sys_flag(&self, keep: impl Fn(i32) -> bool) -> TopicList {
        let t = self.tables.read();
        let topic_list = t
            .topic_queue_table
            .iter()
            .filter(|(_, m)| m.values().next().is_some_and(|qd| keep(qd.topic_sys_flag)))
            .map(|(topic, _)| topic.clone())
            .collect();
        TopicList { broker_addr: None, topic_list }
    }
}

impl Tables {
    fn is_broker_topic_config_changed(&self, addr: &BrokerAddrInfo, dv: &DataVersion) -> bool {
        self.broker_live_table.get(addr).map_or(true, |live| live.data_version != *dv)
    }

    fn has_queue_data(&self, topic: &str, broker_name: &str) -> bool {
        self.topic_queue_table.get(topic).is_some_and(|m| m.contains_key(broker_name))
    }

    fn create_and_update_queue_data(&mut self, topic: &str, broker_name: &str, config: &TopicConfig) {
        let qd = QueueData {
            broker_name: broker_name.to_owned(),
            perm: config.perm,
            read_queue_nums: config.read_queue_nums,
            topic_sys_flag: config.topic_sys_flag,
            write_queue_nums: config.write_queue_nums,
        };
        let is_new_topic = !self.topic_queue_table.contains_key(topic);
        let qd_map = self.topic_queue_table.entry(topic.to_owned()).or_default();
        match qd_map.get(broker_name) {
            Some(existing) if *existing == qd => {}
            Some(existing) => {
                tracing::info!("topic changed, {topic} OLD: {existing:?} NEW: {qd:?}");
                qd_map.insert(broker_name.to_owned(), qd);
            }
            None => {
                if is_new_topic {
                    tracing::info!("new topic registered, {topic} {qd:?}");
                }
                qd_map.insert(broker_name.to_owned(), qd);
            }
        }
    }

    fn delete_topics_missing_from(&mut self, broker_name: &str, wrapper: &TopicConfigSerializeWrapper) {
        self.topic_queue_table.retain(|topic, qd_map| {
            if !wrapper.topic_config_table.contains_key(topic) && qd_map.remove(broker_name).is_some() {
                tracing::info!("deleteTopic, remove one broker's topic {broker_name} {topic}");
            }
            !qd_map.is_empty()
        });
    }

    /// Expiry or closed connection (`onChannelDestroy`): unregister by the broker name found for the address.
    fn destroy(&mut self, addr: &BrokerAddrInfo) -> RemovedBroker {
        let broker_name = self
            .broker_addr_table
            .values()
            .find(|bd| bd.cluster == addr.cluster_name && bd.broker_addrs.values().any(|a| *a == addr.broker_addr))
            .map(|bd| bd.broker_name.clone());
        match broker_name {
            Some(name) => self.unregister(addr, &name),
            None => {
                let live = self.broker_live_table.remove(addr);
                self.filter_server_table.remove(addr);
                RemovedBroker { addr: addr.clone(), channel: live.and_then(|l| l.channel), broker_name: None }
            }
        }
    }

    fn unregister(&mut self, addr: &BrokerAddrInfo, broker_name: &str) -> RemovedBroker {
        let live = self.broker_live_table.remove(addr);
        tracing::info!(
            "unregisterBroker, remove from brokerLiveTable {}, {addr}",
            if live.is_some() { "OK" } else { "Failed" }
        );
        let channel = live.and_then(|l| l.channel);
        self.filter_server_table.remove(addr);
        let mut remove_name = false;
        let mut known = false;
        if let Some(bd) = self.broker_addr_table.get_mut(broker_name) {
            known = true;
            bd.broker_addrs.retain(|_, a| *a != addr.broker_addr);
            if bd.broker_addrs.is_empty() {
                self.broker_addr_table.remove(broker_name);
                tracing::info!("unregisterBroker, remove name from brokerAddrTable OK, {broker_name}");
                remove_name = true;
            }
        }
        if remove_name {
            if let Some(names) = self.cluster_addr_table.get_mut(&addr.cluster_name) {
                names.remove(broker_name);
                if names.is_empty() {
                    self.cluster_addr_table.remove(&addr.cluster_name);
                    tracing::info!("unregisterBroker, remove cluster from clusterAddrTable {}", addr.cluster_name);
                }
            }
            self.topic_queue_table.retain(|_, qd_map| {
                qd_map.remove(broker_name);
                !qd_map.is_empty()
            });
        } else if known {
            // [5.3.3] The master of an acting-master group left: its queues become read-only.
            let no_master = self.broker_addr_table.get(broker_name).is_some_and(|bd| {
                bd.enable_acting_master && bd.broker_addrs.keys().next().map_or(true, |id| *id > MASTER_ID)
            });
            if no_master {
                for qd in self.topic_queue_table.values_mut().filter_map(|m| m.get_mut(broker_name)) {
                    qd.perm &= !perm::PERM_WRITE;
                }
            }
        }
        RemovedBroker { addr: addr.clone(), channel, broker_name: known.then(|| broker_name.to_owned()) }
    }
}

/// [5.3.3] `supportActingMaster`: in a group without a master whose queues lost the write bit, the lowest id
/// is reported as id 0.
fn apply_acting_master(route: &mut TopicRouteData) {
    let needed =
        route.broker_datas.iter().any(|bd| !bd.broker_addrs.is_empty() && !bd.broker_addrs.contains_key(&MASTER_ID));
    if !needed {
        return;
    }
    for bd in &mut route.broker_datas {
        if bd.broker_addrs.is_empty() || bd.broker_addrs.contains_key(&MASTER_ID) || !bd.enable_acting_master {
            continue;
        }
        let read_only = route
            .queue_datas
            .iter()
            .find(|qd| qd.broker_name == bd.broker_name)
            .is_some_and(|qd| !perm::is_writeable(qd.perm));
        if read_only {
            if let Some((_, addr)) = bd.broker_addrs.pop_first() {
                bd.broker_addrs.insert(MASTER_ID, addr);
            }
        }
    }
}

#[cfg(test)]
#[path = "route_info_tests.rs"]
mod tests;
