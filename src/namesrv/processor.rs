//! The NameServer's request processor: one `match` on the request code (both tags' `DefaultRequestProcessor`
//! and 5.3.3's `ClientRequestProcessor`), one small function per code.
//!
//! Business failures are response codes with Java's remarks; nothing here closes a connection. Unknown codes
//! get `REQUEST_CODE_NOT_SUPPORTED` (as 5.3.3 does; 4.9.8 stays silent, which makes clients time out).

use std::time::{Duration, Instant};

use parking_lot::RwLock;

use super::config::{is_loadable_properties, JavaCompat, NamesrvConfig};
use super::kv_config::{store_file, KvConfigManager, NAMESPACE_ORDER_TOPIC_CONFIG};
use super::route_info::{BrokerRegistration, ChannelId, RegisterError, RouteInfoManager, RouteOptions};
use crate::net::{Connection, RequestHandler};
use crate::protocol::body::GetBrokerMemberGroupResponseBody;
use crate::protocol::data_version::DataVersion;
use crate::protocol::namesrv::*;
use crate::protocol::route::TopicRouteData;
use crate::protocol::topic::{RegisterBrokerBody, TopicConfigSerializeWrapper, VERSION_3_0_11};
use crate::remoting::command::VERSION_4_9_4;
use crate::remoting::fastjson::{from_slice, to_vec_plain, to_vec_standard};
use crate::remoting::{RemotingCommand, RequestCode, ResponseCode};

/// Ext field carrying the broker's / client's zone (`MixAll.ZONE_NAME`).
pub const ZONE_NAME: &str = "__ZONE_NAME";
/// Ext field switching on zone-filtered routes (`MixAll.ZONE_MODE`).
pub const ZONE_MODE: &str = "__ZONE_MODE";
/// `FAQUrl.suggestTodo(FAQUrl.APPLY_TOPIC_URL)` of 5.3.3, appended to TOPIC_NOT_EXIST remarks.
const APPLY_TOPIC_SUGGESTION: &str = "\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.";
/// The same suggestion as 4.9.8 words it.
const APPLY_TOPIC_SUGGESTION_4_9_8: &str = "\nSee http://rocketmq.apache.org/docs/faq/ for further details.";

/// The NameServer state behind the socket: route tables, KV table, live configuration.
#[derive(Debug)]
pub struct NamesrvProcessor {
    route: RouteInfoManager,
    kv: KvConfigManager,
    config: RwLock<NamesrvConfig>,
    /// Fixed at start, as Java reads `configBlackList` once.
    black_list: Vec<String>,
    started: Instant,
    /// Connections brokers registered on, so that an expired broker's connection can be closed as Java does.
    broker_connections: dashmap::DashMap<ChannelId, Connection>,
}

impl RequestHandler for NamesrvProcessor {
    async fn handle(&self, conn: &Connection, request: RemotingCommand) -> Option<RemotingCommand> {
        if request.code == RequestCode::REGISTER_BROKER {
            self.broker_connections.entry(conn.id()).or_insert_with(|| conn.clone());
        }
        Some(self.process(conn.id(), &request))
    }

    fn on_close(&self, conn: &Connection) {
        self.broker_connections.remove(&conn.id());
        self.route.on_channel_destroy(conn.id());
    }
}

impl NamesrvProcessor {
    /// The liveness scan: removes brokers not heard from in time and closes their connections.
    pub fn scan_not_active_brokers(&self, now: Instant) {
        for removed in self.route.scan_not_active_broker(now) {
            if let Some(conn) = removed.channel.and_then(|id| self.broker_connections.remove(&id)) {
                conn.1.close();
            }
        }
    }

    /// Loads the KV table from `kvConfigPath` and starts with empty routes.
    pub fn new(config: NamesrvConfig) -> Self {
        NamesrvProcessor {
            route: RouteInfoManager::new(),
            kv: KvConfigManager::load(&config.kv_config_path),
            black_list: config.black_list(),
            config: RwLock::new(config),
            started: Instant::now(),
            broker_connections: dashmap::DashMap::new(),
        }
    }

    /// The route tables.
    pub fn route(&self) -> &RouteInfoManager {
        &self.route
    }

    /// The KV table.
    pub fn kv(&self) -> &KvConfigManager {
        &self.kv
    }

    /// A copy of the live configuration.
    pub fn config(&self) -> NamesrvConfig {
        self.config.read().clone()
    }

    fn options(&self) -> RouteOptions {
        let c = self.config.read();
        RouteOptions {
            delete_topic_with_broker_registration: c.delete_topic_with_broker_registration,
            support_acting_master: c.support_acting_master,
        }
    }

    /// Handles one request that arrived on connection `channel`; always produces a response (the server drops
    /// it for oneway requests).
    pub fn process(&self, channel: ChannelId, req: &RemotingCommand) -> RemotingCommand {
        tracing::debug!(code = req.code, channel, "receive request");
        match req.code {
            RequestCode::PUT_KV_CONFIG => self.put_kv_config(req),
            RequestCode::GET_KV_CONFIG => self.get_kv_config(req),
            RequestCode::DELETE_KV_CONFIG => self.delete_kv_config(req),
            RequestCode::QUERY_DATA_VERSION => self.query_data_version(req),
            RequestCode::REGISTER_BROKER => self.register_broker(channel, req),
            RequestCode::UNREGISTER_BROKER => self.unregister_broker(req),
            RequestCode::BROKER_HEARTBEAT => self.broker_heartbeat(req),
            RequestCode::GET_BROKER_MEMBER_GROUP => self.get_broker_member_group(req),
            RequestCode::GET_ROUTEINFO_BY_TOPIC => self.get_route_info_by_topic(req),
            RequestCode::GET_BROKER_CLUSTER_INFO => ok_with_body(req, to_vec_plain(&self.route.get_all_cluster_info())),
            RequestCode::WIPE_WRITE_PERM_OF_BROKER => self.wipe_write_perm_of_broker(req),
            RequestCode::ADD_WRITE_PERM_OF_BROKER => self.add_write_perm_of_broker(req),
            RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER => self.get_all_topic_list(req),
            RequestCode::DELETE_TOPIC_IN_NAMESRV => self.delete_topic_in_namesrv(req),
            RequestCode::REGISTER_TOPIC_IN_NAMESRV => self.register_topic_in_namesrv(req),
            RequestCode::GET_KVLIST_BY_NAMESPACE => self.get_kv_list_by_namespace(req),
            RequestCode::GET_TOPICS_BY_CLUSTER => self.get_topics_by_cluster(req),
            RequestCode::GET_SYSTEM_TOPIC_LIST_FROM_NS => {
                ok_with_body(req, to_vec_plain(&self.route.get_system_topic_list()))
            }
            RequestCode::GET_UNIT_TOPIC_LIST => self.topic_list_if_enabled(req, RouteInfoManager::get_unit_topics),
            RequestCode::GET_HAS_UNIT_SUB_TOPIC_LIST => {
                self.topic_list_if_enabled(req, RouteInfoManager::get_has_unit_sub_topic_list)
            }
            RequestCode::GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST => {
                self.topic_list_if_enabled(req, RouteInfoManager::get_has_unit_sub_un_unit_topic_list)
            }
            RequestCode::UPDATE_NAMESRV_CONFIG => self.update_namesrv_config(req),
            RequestCode::GET_NAMESRV_CONFIG => self.get_namesrv_config(req),
            code => req.error_response(
                ResponseCode::REQUEST_CODE_NOT_SUPPORTED,
                format!(" request type {code} not supported"),
            ),
        }
    }

    fn put_kv_config(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: PutKVConfigRequestHeader = req.decode_header();
        let (Some(namespace), Some(key)) = (h.namespace, h.key) else {
            return req.error_response(ResponseCode::SYSTEM_ERROR, "namespace or key is null");
        };
        self.kv.put(&namespace, &key, h.value.as_deref());
        req.response(ResponseCode::SUCCESS)
    }

    fn get_kv_config(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: GetKVConfigRequestHeader = req.decode_header();
        let value = match (&h.namespace, &h.key) {
            (Some(ns), Some(key)) => self.kv.get(ns, key),
            _ => None,
        };
        match value {
            Some(value) => {
                req.response(ResponseCode::SUCCESS).with_header(&GetKVConfigResponseHeader { value: Some(value) })
            }
            None => req
                .error_response(
                    ResponseCode::QUERY_NOT_FOUND,
                    format!("No config item, Namespace: {} Key: {}", or_null(&h.namespace), or_null(&h.key)),
                )
                .with_header(&GetKVConfigResponseHeader::default()),
        }
    }

    fn delete_kv_config(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: DeleteKVConfigRequestHeader = req.decode_header();
        if let (Some(namespace), Some(key)) = (&h.namespace, &h.key) {
            self.kv.delete(namespace, key);
        }
        req.response(ResponseCode::SUCCESS)
    }

    fn get_kv_list_by_namespace(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: GetKVListByNamespaceRequestHeader = req.decode_header();
        match h.namespace.as_deref().and_then(|ns| self.kv.list(ns)) {
            Some(table) => ok_with_body(req, to_vec_plain(&table)),
            None => req.error_response(
                ResponseCode::QUERY_NOT_FOUND,
                format!("No config item, Namespace: {}", or_null(&h.namespace)),
            ),
        }
    }

    fn register_broker(&self, channel: ChannelId, req: &RemotingCommand) -> RemotingCommand {
        let h: RegisterBrokerRequestHeader = req.decode_header();
        let empty_header = RegisterBrokerResponseHeader::default();
        let body = req.body.as_deref();
        if h.body_crc32 != 0 {
            let crc = (crc32fast::hash(body.unwrap_or_default()) & 0x7FFF_FFFF) as i32;
            if crc != h.body_crc32 {
                tracing::warn!(channel, "receive registerBroker request,crc32 not match");
                return req.error_response(ResponseCode::SYSTEM_ERROR, "crc32 not match").with_header(&empty_header);
            }
        }
        let (Some(cluster_name), Some(broker_addr), Some(broker_name), Some(broker_id)) =
            (h.cluster_name, h.broker_addr, h.broker_name, h.broker_id)
        else {
            return req.error_response(
                ResponseCode::SYSTEM_ERROR,
                "RegisterBrokerRequestHeader lacks clusterName, brokerAddr, brokerName or brokerId",
            );
        };
        let decoded = match body {
            None => Ok((empty_wrapper(), Some(Vec::new()))),
            Some(bytes) if req.version >= VERSION_3_0_11 => {
                RegisterBrokerBody::decode(bytes, h.compressed, req.version)
                    .map(|b| (b.topic_config_serialize_wrapper, Some(b.filter_server_list)))
            }
            Some(bytes) => from_slice::<TopicConfigSerializeWrapper>(bytes).map(|w| (w, None)).map_err(Into::into),
        };
        let (topic_config_wrapper, filter_server_list) = match decoded {
            Ok(d) => d,
            Err(e) => {
                return req
                    .error_response(ResponseCode::SYSTEM_ERROR, format!("Failed to decode RegisterBrokerBody: {e}"))
            }
        };
        let registration = BrokerRegistration {
            cluster_name,
            broker_addr,
            broker_name,
            broker_id,
            ha_server_addr: h.ha_server_addr,
            zone_name: req.ext(ZONE_NAME).map(str::to_owned),
            heartbeat_timeout_millis: h.heartbeat_timeout_millis,
            enable_acting_master: h.enable_acting_master,
            topic_config_wrapper,
            filter_server_list,
            channel: Some(channel),
        };
        let result = match self.route.register_broker(registration, self.options(), Instant::now()) {
            Ok(result) => result,
            Err(e @ RegisterError::NotYetRegistered) => {
                return req.error_response(ResponseCode::SYSTEM_ERROR, e.to_string());
            }
        };
        let header =
            RegisterBrokerResponseHeader { ha_server_addr: result.ha_server_addr, master_addr: result.master_addr };
        let mut response = req.response(ResponseCode::SUCCESS).with_header(&header);
        if self.config.read().return_order_topic_config_to_broker {
            if let Some(table) = self.kv.list(NAMESPACE_ORDER_TOPIC_CONFIG) {
                response = response.with_body(to_vec_plain(&table));
            }
        }
        response
    }

    fn unregister_broker(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: UnRegisterBrokerRequestHeader = req.decode_header();
        if let (Some(cluster), Some(addr), Some(name)) = (&h.cluster_name, &h.broker_addr, &h.broker_name) {
            self.route.unregister_broker(cluster, addr, name);
        }
        req.response(ResponseCode::SUCCESS)
    }

    fn broker_heartbeat(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: BrokerHeartbeatRequestHeader = req.decode_header();
        if let (Some(cluster), Some(addr)) = (&h.cluster_name, &h.broker_addr) {
            self.route.update_broker_info_update_timestamp(cluster, addr, Instant::now());
        }
        req.response(ResponseCode::SUCCESS)
    }

    /// [5.3.3] semantics: a missing or unreadable body counts as changed; a known broker is always refreshed.
    fn query_data_version(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: QueryDataVersionRequestHeader = req.decode_header();
        let cluster = h.cluster_name.as_deref().unwrap_or_default();
        let addr = h.broker_addr.as_deref().unwrap_or_default();
        let theirs = req.body.as_deref().and_then(|b| from_slice::<DataVersion>(b).ok());
        let changed = theirs.map_or(true, |dv| self.route.is_broker_topic_config_changed(cluster, addr, &dv));
        self.route.update_broker_info_update_timestamp(cluster, addr, Instant::now());
        let mut response =
            req.response(ResponseCode::SUCCESS).with_header(&QueryDataVersionResponseHeader { changed: Some(changed) });
        if let Some(ours) = self.route.query_broker_topic_config(cluster, addr) {
            response = response.with_body(to_vec_plain(&ours.with_state_version()));
        }
        response
    }

    fn get_route_info_by_topic(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: GetRouteInfoRequestHeader = req.decode_header();
        let (wait, order_enabled) = {
            let c = self.config.read();
            let wait = Duration::from_secs(u64::try_from(c.wait_seconds_for_service).unwrap_or(0));
            (c.need_wait_for_service && self.started.elapsed() < wait, c.order_message_enable)
        };
        if wait {
            tracing::warn!("name server not ready. request code {}", req.code);
            return req.error_response(ResponseCode::SYSTEM_ERROR, "name server not ready");
        }
        let topic = h.topic.as_deref();
        let Some(mut route) = topic.and_then(|t| self.route.pickup_topic_route_data(t, self.options())) else {
            let suggestion = match self.config.read().java_compat {
                JavaCompat::V4_9_8 => APPLY_TOPIC_SUGGESTION_4_9_8,
                JavaCompat::V5_3_3 => APPLY_TOPIC_SUGGESTION,
            };
            return req.error_response(
                ResponseCode::TOPIC_NOT_EXIST,
                format!("No topic route info in name server for the topic: {}{suggestion}", or_null(&h.topic)),
            );
        };
        if order_enabled {
            route.order_topic_conf = topic.and_then(|t| self.kv.get(NAMESPACE_ORDER_TOPIC_CONFIG, t));
        }
        let zone = req.ext(ZONE_NAME).filter(|z| !z.trim().is_empty());
        let body = match zone {
            // ZoneRouteRPCHook re-encodes the filtered route in the plain form.
            Some(zone) if req.ext(ZONE_MODE).is_some_and(|m| m.eq_ignore_ascii_case("true")) => {
                to_vec_plain(&filter_by_zone(route, zone))
            }
            _ if req.version >= VERSION_4_9_4 || h.accept_standard_json_only == Some(true) => to_vec_standard(&route),
            _ => to_vec_plain(&route),
        };
        ok_with_body(req, body)
    }

    fn get_broker_member_group(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: GetBrokerMemberGroupRequestHeader = req.decode_header();
        let group = self.route.get_broker_member_group(
            h.cluster_name.as_deref().unwrap_or_default(),
            h.broker_name.as_deref().unwrap_or_default(),
        );
        ok_with_body(req, to_vec_plain(&GetBrokerMemberGroupResponseBody { broker_member_group: Some(group) }))
    }

    fn wipe_write_perm_of_broker(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: WipeWritePermOfBrokerRequestHeader = req.decode_header();
        let count = h.broker_name.as_deref().map_or(0, |b| self.route.wipe_write_perm_of_broker(b));
        tracing::info!("wipe write perm of broker[{}], {count}", or_null(&h.broker_name));
        req.response(ResponseCode::SUCCESS)
            .with_header(&WipeWritePermOfBrokerResponseHeader { wipe_topic_count: Some(count) })
    }

    fn add_write_perm_of_broker(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: AddWritePermOfBrokerRequestHeader = req.decode_header();
        let count = h.broker_name.as_deref().map_or(0, |b| self.route.add_write_perm_of_broker(b));
        tracing::info!("add write perm of broker[{}], {count}", or_null(&h.broker_name));
        req.response(ResponseCode::SUCCESS)
            .with_header(&AddWritePermOfBrokerResponseHeader { add_topic_count: Some(count) })
    }

    fn get_all_topic_list(&self, req: &RemotingCommand) -> RemotingCommand {
        if !self.config.read().enable_all_topic_list {
            return req.error_response(ResponseCode::SYSTEM_ERROR, "disable");
        }
        ok_with_body(req, to_vec_plain(&self.route.get_all_topic_list()))
    }

    fn delete_topic_in_namesrv(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: DeleteTopicFromNamesrvRequestHeader = req.decode_header();
        if let Some(topic) = &h.topic {
            self.route.delete_topic(topic, h.cluster_name.as_deref());
        }
        req.response(ResponseCode::SUCCESS)
    }

    fn register_topic_in_namesrv(&self, req: &RemotingCommand) -> RemotingCommand {
        let h: RegisterTopicRequestHeader = req.decode_header();
        let Some(body) = req.body.as_deref() else {
            return req.response(ResponseCode::SUCCESS);
        };
        let route: TopicRouteData = match from_slice(body) {
            Ok(route) => route,
            Err(e) => {
                return req.error_response(ResponseCode::SYSTEM_ERROR, format!("Failed to decode TopicRouteData: {e}"))
            }
        };
        if let Some(topic) = &h.topic {
            self.route.register_topic(topic, &route.queue_datas);
        }
        req.response(ResponseCode::SUCCESS)
    }

    fn get_topics_by_cluster(&self, req: &RemotingCommand) -> RemotingCommand {
        if !self.config.read().enable_topic_list {
            return req.error_response(ResponseCode::SYSTEM_ERROR, "disable");
        }
        let h: GetTopicsByClusterRequestHeader = req.decode_header();
        ok_with_body(
            req,
            to_vec_plain(&h.cluster.as_deref().map(|c| self.route.get_topics_by_cluster(c)).unwrap_or_default()),
        )
    }

    fn topic_list_if_enabled(
        &self,
        req: &RemotingCommand,
        list: fn(&RouteInfoManager) -> crate::protocol::body::TopicList,
    ) -> RemotingCommand {
        if !self.config.read().enable_topic_list {
            return req.error_response(ResponseCode::SYSTEM_ERROR, "disable");
        }
        ok_with_body(req, to_vec_plain(&list(&self.route)))
    }

    fn update_namesrv_config(&self, req: &RemotingCommand) -> RemotingCommand {
        let Some(body) = req.body.as_deref() else {
            return req.response(ResponseCode::SUCCESS);
        };
        let text = String::from_utf8_lossy(body);
        tracing::info!("updateConfig called: {text:?}");
        if !is_loadable_properties(&text) {
            tracing::error!("updateConfig MixAll.string2Properties error {text}");
            return req.error_response(ResponseCode::SYSTEM_ERROR, "string2Properties error");
        }
        let props = crate::config::parse_properties(&text);
        if props.iter().any(|(k, _)| self.black_list.iter().any(|b| b == k)) {
            return req.error_response(ResponseCode::NO_PERMISSION, "Can not update config in black list.");
        }
        let (path, content) = {
            let mut config = self.config.write();
            config.update(props);
            (config.config_store_path.clone(), config.to_properties_text())
        };
        if let Err(e) = store_file(std::path::Path::new(&path), content.as_bytes()) {
            tracing::error!("persist string2File error, {path}: {e}");
        }
        req.response(ResponseCode::SUCCESS)
    }

    fn get_namesrv_config(&self, req: &RemotingCommand) -> RemotingCommand {
        let text = self.config.read().to_properties_text();
        req.response(ResponseCode::SUCCESS).with_body(text.into_bytes())
    }
}

fn ok_with_body(req: &RemotingCommand, body: Vec<u8>) -> RemotingCommand {
    req.response(ResponseCode::SUCCESS).with_body(body)
}

/// How Java prints a null `String` in a remark.
fn or_null(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("null")
}

/// A registration without body: no topics, DataVersion {0, 0, 0}.
fn empty_wrapper() -> TopicConfigSerializeWrapper {
    TopicConfigSerializeWrapper {
        data_version: DataVersion { counter: 0, state_version: Some(0), timestamp: 0 },
        ..Default::default()
    }
}

/// [5.3.3] `ZoneRouteRPCHook.filterByZoneName`: keep broker names of the zone, or without a master.
fn filter_by_zone(mut route: TopicRouteData, zone: &str) -> TopicRouteData {
    let (kept, removed): (Vec<_>, Vec<_>) = route.broker_datas.into_iter().partition(|bd| {
        bd.master_addr().is_none() || bd.zone_name.as_deref().is_some_and(|z| z.eq_ignore_ascii_case(zone))
    });
    route.queue_datas.retain(|qd| !removed.iter().any(|bd| bd.broker_name == qd.broker_name));
    for addr in removed.iter().flat_map(|bd| bd.broker_addrs.values()) {
        route.filter_server_table.remove(addr);
    }
    route.broker_datas = kept;
    route
}

#[cfg(test)]
#[path = "processor_tests.rs"]
mod tests;
