//! The broker side of NameServer registration (remoting-and-namesrv.md §4.5, §4.6, §4.8, §5.8).
//!
//! [`NamesrvRegistry`] sends REGISTER_BROKER — the full topic table with its DataVersion, an uncompressed
//! JSON `RegisterBrokerBody` in the 5.3.3 shape, an empty filter-server list — to every NameServer of
//! `namesrvAddr` in parallel:
//! - once at start ([`NamesrvRegistry::register_broker_all`], awaited by `broker::start` before the boot line);
//! - every `registerNameServerPeriod` (clamped to 10…60 s, first run 10 s after start), asking
//!   QUERY_DATA_VERSION first when `forceRegister` is off;
//! - at once when [`NamesrvRegistry::notify_changed`] is called (a topic was created, the broker permission
//!   changed); a change during a registration triggers one more afterwards.
//!
//! Connections are kept open between registrations ([`RemotingClient`] reuses them): a NameServer ties the
//! broker's liveness to the connection its last registration arrived on. The `ORDER_TOPIC_CONFIG` KVTable of the
//! first successful answer sets the `order` flag of the named topics. On shutdown [`NamesrvRegistry::run`]
//! sends UNREGISTER_BROKER to each NameServer in turn (3 s each), as Java's `BrokerController.shutdown` does.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use parking_lot::RwLock;
use tokio::sync::Notify;

use super::config::BrokerConfig;
use crate::net::{RemotingClient, Shutdown};
use crate::protocol::body::KVTable;
use crate::protocol::data_version::DataVersion;
use crate::protocol::namesrv::{
    QueryDataVersionRequestHeader, QueryDataVersionResponseHeader, RegisterBrokerRequestHeader,
    RegisterBrokerResponseHeader, UnRegisterBrokerRequestHeader,
};
use crate::protocol::route::perm;
use crate::protocol::topic::{RegisterBrokerBody, TopicConfig, TopicConfigSerializeWrapper};
use crate::remoting::fastjson::{from_slice, to_vec_plain};
use crate::remoting::{RemotingCommand, RequestCode, ResponseCode};
use crate::store::config_files::TopicConfigManager;

/// Java's UNREGISTER_BROKER timeout.
pub const UNREGISTER_TIMEOUT: Duration = Duration::from_secs(3);
/// Delay of the first periodic registration after start (`BrokerController.start`).
pub const FIRST_PERIODIC_DELAY: Duration = Duration::from_secs(10);

/// Mirrors `RegisterBrokerResult`: what one NameServer answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegisterBrokerResult {
    /// The NameServer that answered.
    pub namesrv_addr: String,
    /// For a slave: its master's address.
    pub master_addr: Option<String>,
    /// For a slave: its master's HA address.
    pub ha_server_addr: Option<String>,
    /// The NameServer's `ORDER_TOPIC_CONFIG` namespace, if it has one.
    pub kv_table: Option<KVTable>,
}

/// Who this broker is, as the registration headers say it.
#[derive(Debug, Clone)]
struct Identity {
    cluster_name: String,
    broker_name: String,
    broker_id: i64,
    broker_addr: String,
    ha_server_addr: String,
    enable_acting_master: bool,
}

impl Identity {
    fn of(config: &BrokerConfig) -> Self {
        Identity {
            cluster_name: config.broker_cluster_name.clone(),
            broker_name: config.broker_name.clone(),
            broker_id: config.broker_id,
            broker_addr: config.broker_addr(),
            ha_server_addr: config.ha_server_addr(),
            enable_acting_master: config.enable_slave_acting_master,
        }
    }
}

/// Registers the broker with its NameServers; see the module docs.
#[derive(Debug)]
pub struct NamesrvRegistry {
    client: RemotingClient,
    namesrv_addrs: RwLock<Vec<String>>,
    identity: RwLock<Identity>,
    broker_permission: AtomicI32,
    timeout: Duration,
    force_register: bool,
    topics: Arc<TopicConfigManager>,
    /// 5.3.3's `mappingDataVersion` (static topics are not supported: fixed at start).
    mapping_data_version: DataVersion,
    changed: Notify,
    /// Registrations run one at a time (Java's `synchronized registerBrokerAll`).
    serial: tokio::sync::Mutex<()>,
}

impl NamesrvRegistry {
    /// A registry for the broker described by `config` (its `listenPort` must be the bound port).
    pub fn new(config: &BrokerConfig, topics: Arc<TopicConfigManager>) -> Self {
        NamesrvRegistry {
            client: RemotingClient::new(),
            namesrv_addrs: RwLock::new(config.namesrv_addr_list()),
            identity: RwLock::new(Identity::of(config)),
            broker_permission: AtomicI32::new(config.broker_permission),
            timeout: Duration::from_millis(u64::try_from(config.register_broker_timeout_mills).unwrap_or(0).max(1)),
            force_register: config.force_register,
            topics,
            mapping_data_version: DataVersion::now(),
            changed: Notify::new(),
            serial: tokio::sync::Mutex::new(()),
        }
    }

    /// Takes the broker's name, cluster, id and addresses from `config` again (`broker::start` calls it once
    /// the listeners are bound, so that a port-0 test broker registers its real port).
    pub fn update_identity(&self, config: &BrokerConfig) {
        *self.identity.write() = Identity::of(config);
    }

    /// The NameServer addresses registered with.
    pub fn namesrv_addrs(&self) -> Vec<String> {
        self.namesrv_addrs.read().clone()
    }

    /// Replaces the NameServer list (UPDATE_BROKER_CONFIG of `namesrvAddr`); takes effect at the next run.
    pub fn update_namesrv_addrs(&self, addrs: Vec<String>) {
        *self.namesrv_addrs.write() = addrs;
    }

    /// The broker permission applied to registered topics.
    pub fn broker_permission(&self) -> i32 {
        self.broker_permission.load(Ordering::Relaxed)
    }

    /// Changes the broker permission and re-registers at once. (The caller also bumps the topic DataVersion,
    /// as Java does, so that NameServers rewrite their queue data.)
    pub fn set_broker_permission(&self, value: i32) {
        self.broker_permission.store(value, Ordering::Relaxed);
        self.notify_changed();
    }

    /// [5.3.3] The static-topic mapping table's version (fixed at start: static topics are not supported).
    pub fn mapping_data_version(&self) -> DataVersion {
        self.mapping_data_version
    }

    /// Asks [`run`](Self::run) for a full registration now (after the one in progress, if any).
    pub fn notify_changed(&self) {
        self.changed.notify_one();
    }

    /// The REGISTER_BROKER body: the topic table (perms restricted by a non-read+write broker permission, as
    /// 5.3.3 does: ANDed), DataVersion, 5.3.3 mapping fields, empty filter-server list.
    pub fn build_register_body(&self) -> RegisterBrokerBody {
        let mut wrapper: TopicConfigSerializeWrapper = self.topics.build_topic_config_serialize_wrapper();
        let broker_perm = self.broker_permission();
        if !perm::is_readable(broker_perm) || !perm::is_writeable(broker_perm) {
            for config in wrapper.topic_config_table.values_mut() {
                *config = TopicConfig {
                    attributes: Some(Default::default()),
                    topic_sys_flag: config.topic_sys_flag,
                    ..TopicConfig::new(
                        config.topic_name.clone(),
                        config.read_queue_nums,
                        config.write_queue_nums,
                        config.perm & broker_perm,
                    )
                };
            }
        }
        wrapper.data_version = wrapper.data_version.with_state_version();
        wrapper.mapping_data_version.get_or_insert(self.mapping_data_version);
        wrapper.topic_queue_mapping_detail_map.get_or_insert_with(Default::default);
        wrapper.topic_queue_mapping_info_map.get_or_insert_with(Default::default);
        RegisterBrokerBody { filter_server_list: Vec::new(), topic_config_serialize_wrapper: wrapper }
    }

    /// `registerBrokerAll`: registers with every NameServer in parallel (unless `force` is off and
    /// QUERY_DATA_VERSION says nothing changed), applies the first answer's order-topic table, and returns the
    /// successful answers in NameServer-list order.
    pub async fn register_broker_all(&self, force: bool) -> Vec<RegisterBrokerResult> {
        let _serial = self.serial.lock().await;
        let addrs = self.namesrv_addrs();
        if addrs.is_empty() {
            return Vec::new();
        }
        let body = self.build_register_body();
        if !force && !self.need_register(&addrs, &body.topic_config_serialize_wrapper.data_version).await {
            return Vec::new();
        }
        let body = body.encode();
        let id = self.identity.read().clone();
        let header = RegisterBrokerRequestHeader {
            broker_name: Some(id.broker_name.clone()),
            broker_addr: Some(id.broker_addr.clone()),
            cluster_name: Some(id.cluster_name.clone()),
            ha_server_addr: Some(id.ha_server_addr.clone()),
            broker_id: Some(id.broker_id),
            heartbeat_timeout_millis: None,
            enable_acting_master: Some(id.enable_acting_master),
            compressed: false,
            body_crc32: (crc32fast::hash(&body) & 0x7FFF_FFFF) as i32,
        };
        let request = RemotingCommand::request(RequestCode::REGISTER_BROKER).with_header(&header).with_body(body);
        let calls = addrs.iter().map(|addr| self.register_one(addr, request.clone()));
        let results: Vec<RegisterBrokerResult> = join_all(calls).await.into_iter().flatten().collect();
        if let Some(kv) = results.first().and_then(|r| r.kv_table.as_ref()) {
            let order_topics: Vec<String> = kv.table.keys().cloned().collect();
            self.topics.update_order_topic_config(&order_topics);
        }
        results
    }

    async fn register_one(&self, addr: &str, request: RemotingCommand) -> Option<RegisterBrokerResult> {
        match self.client.invoke(addr, request, self.timeout).await {
            Ok(response) if response.code == ResponseCode::SUCCESS => {
                let header: RegisterBrokerResponseHeader = response.decode_header();
                let kv_table = response.body.as_deref().and_then(|b| match from_slice::<KVTable>(b) {
                    Ok(kv) => Some(kv),
                    Err(e) => {
                        tracing::warn!(namesrv = addr, "bad KVTable in the REGISTER_BROKER answer: {e}");
                        None
                    }
                });
                tracing::info!(namesrv = addr, "Registering current broker to name server completed");
                Some(RegisterBrokerResult {
                    namesrv_addr: addr.to_owned(),
                    master_addr: header.master_addr,
                    ha_server_addr: header.ha_server_addr,
                    kv_table,
                })
            }
            Ok(response) => {
                tracing::error!(namesrv = addr, code = response.code, remark = ?response.remark,
                    "Failed to register current broker to name server");
                None
            }
            Err(e) => {
                tracing::error!(namesrv = addr, "Failed to register current broker to name server: {e}");
                None
            }
        }
    }

    /// `needRegister`: QUERY_DATA_VERSION to every NameServer; true if any answers "changed", a different
    /// DataVersion, or fails to answer (a non-SUCCESS answer counts as unchanged).
    async fn need_register(&self, addrs: &[String], local: &DataVersion) -> bool {
        let id = self.identity.read().clone();
        let header = QueryDataVersionRequestHeader {
            broker_name: Some(id.broker_name.clone()),
            broker_addr: Some(id.broker_addr.clone()),
            cluster_name: Some(id.cluster_name.clone()),
            broker_id: Some(id.broker_id),
        };
        let request = RemotingCommand::request(RequestCode::QUERY_DATA_VERSION)
            .with_header(&header)
            .with_body(to_vec_plain(local));
        let calls = addrs.iter().map(|addr| {
            let request = request.clone();
            async move {
                match self.client.invoke(addr, request, self.timeout).await {
                    Ok(r) if r.code == ResponseCode::SUCCESS => {
                        let changed = r.decode_header::<QueryDataVersionResponseHeader>().changed;
                        let remote = r.body.as_deref().map(from_slice::<DataVersion>);
                        let differs = matches!(remote, Some(Ok(v)) if v != *local) || matches!(remote, Some(Err(_)));
                        changed.unwrap_or(true) || differs
                    }
                    Ok(_) => false,
                    Err(e) => {
                        tracing::error!(namesrv = %addr, "Query data version from name server failed: {e}");
                        true
                    }
                }
            }
        });
        join_all(calls).await.into_iter().any(|changed| changed)
    }

    /// `unregisterBrokerAll`: UNREGISTER_BROKER to each NameServer in turn, then closes the connections.
    pub async fn unregister_broker_all(&self) {
        let id = self.identity.read().clone();
        let header = UnRegisterBrokerRequestHeader {
            broker_name: Some(id.broker_name.clone()),
            broker_addr: Some(id.broker_addr.clone()),
            cluster_name: Some(id.cluster_name.clone()),
            broker_id: Some(id.broker_id),
        };
        for addr in self.namesrv_addrs() {
            let request = RemotingCommand::request(RequestCode::UNREGISTER_BROKER).with_header(&header);
            match self.client.invoke(&addr, request, UNREGISTER_TIMEOUT).await {
                Ok(r) if r.code == ResponseCode::SUCCESS => tracing::info!(namesrv = %addr, "unregisterBroker OK"),
                Ok(r) => tracing::warn!(namesrv = %addr, code = r.code, "unregisterBroker failed"),
                Err(e) => tracing::warn!(namesrv = %addr, "unregisterBroker failed: {e}"),
            }
        }
        self.client.close_all();
    }

    /// Registers every `period` (first after [`FIRST_PERIODIC_DELAY`]) and whenever notified, until `shutdown`
    /// fires; then unregisters from every NameServer.
    pub async fn run(self: Arc<Self>, period: Duration, shutdown: Shutdown) {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + FIRST_PERIODIC_DELAY, period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let force = tokio::select! {
                _ = shutdown.wait() => break,
                _ = tick.tick() => self.force_register,
                _ = self.changed.notified() => true,
            };
            tokio::select! {
                _ = shutdown.wait() => break,
                _ = self.register_broker_all(force) => {}
            }
        }
        self.unregister_broker_all().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::config_files::topics::TopicSettings;
    use crate::store::config_files::Flavor;

    fn registry(perm: i32) -> NamesrvRegistry {
        let config = BrokerConfig {
            broker_name: "broker-a".into(),
            broker_ip1: "127.0.0.1".into(),
            broker_permission: perm,
            ..BrokerConfig::default()
        };
        let settings = TopicSettings { broker_name: "broker-a".into(), ..TopicSettings::default() };
        let topics = TopicConfigManager::new(std::path::Path::new("unused"), Flavor::V5_3_3, settings);
        NamesrvRegistry::new(&config, Arc::new(topics))
    }

    #[test]
    fn body_is_the_5_3_3_shape() {
        let body = registry(6).build_register_body();
        let text = String::from_utf8(body.encode()).unwrap();
        assert!(text.starts_with(r#"{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":"#));
        assert!(text.contains(r#""stateVersion":0"#));
        assert!(text.contains(r#""mappingDataVersion":{"#));
        assert!(text.contains(r#""TBW102":{"attributes":{},"order":false,"perm":7,"readQueueNums":8"#));
        assert!(text.ends_with(r#""topicQueueMappingDetailMap":{},"topicQueueMappingInfoMap":{}}}"#));
        let decoded = RegisterBrokerBody::decode(text.as_bytes(), false, 479).unwrap();
        assert_eq!(decoded, body);
    }

    #[test]
    fn restricted_broker_permission_is_anded() {
        let body = registry(perm::PERM_READ).build_register_body();
        let table = &body.topic_config_serialize_wrapper.topic_config_table;
        assert_eq!(table["TBW102"].perm, perm::PERM_READ);
        assert!(table.values().all(|c| c.perm & perm::PERM_WRITE == 0));
        let r = registry(6);
        r.set_broker_permission(perm::PERM_WRITE | perm::PERM_READ | perm::PERM_INHERIT);
        assert_eq!(r.build_register_body().topic_config_serialize_wrapper.topic_config_table["TBW102"].perm, 7);
    }

    #[tokio::test]
    async fn no_namesrv_means_no_registration() {
        assert!(registry(6).register_broker_all(true).await.is_empty());
    }
}
