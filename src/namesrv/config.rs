//! `NamesrvConfig`: the NameServer's settings, with Java's names, defaults and text format.
//!
//! One struct holds what Java spreads over `NamesrvConfig` and `NettyServerConfig` (5.3.3 field sets), because
//! both are set from the same `-c` file, listed together by GET_NAMESRV_CONFIG and updated together by
//! UPDATE_NAMESRV_CONFIG. `listenPort` defaults to 9876, which `NamesrvStartup` sets before reading the file.
//!
//! Java semantics mirrored here (`MixAll.properties2Object`, `Configuration`):
//! - a key is applied through the field of that Java name; `int`/`long` values must parse exactly (no
//!   surrounding blanks) or the old value stays, booleans are `"true"` in any case, strings are trimmed;
//! - keys of the config file that name no field are kept ([`NamesrvConfig::extra`]) and listed by
//!   GET_NAMESRV_CONFIG; an update only changes such a key if the file had it (`mergeIfExist`);
//! - the listing is `key=value\n` per non-null property, sorted by key (5.3.3; 4.9.8 used hash order),
//!   with no escaping.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use crate::config::java_config;

fn home_dir() -> String {
    std::env::var("HOME").unwrap_or_else(|_| ".".to_owned())
}

/// The Java NameServer whose answers Thruster mirrors where the two tags differ (the FAQ link in remarks and
/// the key set of GET_NAMESRV_CONFIG). Everything else is the same in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JavaCompat {
    /// `rocketmq-all-4.9.8`.
    V4_9_8,
    /// `rocketmq-all-5.3.3` (the default: a superset that 4.9.8 tools read as well).
    #[default]
    V5_3_3,
}

impl std::str::FromStr for JavaCompat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "4.9.8" | "4" => Ok(JavaCompat::V4_9_8),
            "5.3.3" | "5" => Ok(JavaCompat::V5_3_3),
            other => Err(format!("unknown Java version {other:?} (expected 4.9.8 or 5.3.3)")),
        }
    }
}

/// The properties of 4.9.8's `NamesrvConfig` and `NettyServerConfig`.
const KEYS_4_9_8: [&str; 21] = [
    "rocketmqHome",
    "kvConfigPath",
    "configStorePath",
    "productEnvName",
    "clusterTest",
    "orderMessageEnable",
    "configBlackList",
    "listenPort",
    "serverWorkerThreads",
    "serverCallbackExecutorThreads",
    "serverSelectorThreads",
    "serverOnewaySemaphoreValue",
    "serverAsyncSemaphoreValue",
    "serverChannelMaxIdleTimeSeconds",
    "serverSocketSndBufSize",
    "serverSocketRcvBufSize",
    "writeBufferHighWaterMark",
    "writeBufferLowWaterMark",
    "serverSocketBacklog",
    "serverPooledByteBufAllocatorEnable",
    "useEpollNativeSelector",
];

java_config! {
    /// Mirrors `NamesrvConfig` + `NettyServerConfig` (5.3.3); see the module docs.
    pub struct NamesrvConfig {
    /// `rocketmqHome`: `ROCKETMQ_HOME` from the environment.
    rocketmq_home: Option<String> = std::env::var("ROCKETMQ_HOME").ok() => "rocketmqHome",
    /// `kvConfigPath`: where the KV table is persisted.
    kv_config_path: String = format!("{}/namesrv/kvConfig.json", home_dir()) => "kvConfigPath",
    /// `configStorePath`: where UPDATE_NAMESRV_CONFIG writes the whole configuration.
    config_store_path: String = format!("{}/namesrv/namesrv.properties", home_dir()) => "configStorePath",
    /// `productEnvName` (cluster-test mode only).
    product_env_name: String = "center".to_owned() => "productEnvName",
    /// `clusterTest` (not supported; kept for the listing).
    cluster_test: bool = false => "clusterTest",
    /// `orderMessageEnable`: put `orderTopicConf` into routes.
    order_message_enable: bool = false => "orderMessageEnable",
    /// `returnOrderTopicConfigToBroker`: answer REGISTER_BROKER with the `ORDER_TOPIC_CONFIG` namespace.
    return_order_topic_config_to_broker: bool = true => "returnOrderTopicConfigToBroker",
    /// `clientRequestThreadPoolNums` (listed only).
    client_request_thread_pool_nums: i32 = 8 => "clientRequestThreadPoolNums",
    /// `defaultThreadPoolNums` (listed only).
    default_thread_pool_nums: i32 = 16 => "defaultThreadPoolNums",
    /// `clientRequestThreadPoolQueueCapacity` (listed only).
    client_request_thread_pool_queue_capacity: i32 = 50000 => "clientRequestThreadPoolQueueCapacity",
    /// `defaultThreadPoolQueueCapacity` (listed only).
    default_thread_pool_queue_capacity: i32 = 10000 => "defaultThreadPoolQueueCapacity",
    /// `scanNotActiveBrokerInterval` in ms: the liveness scan period.
    scan_not_active_broker_interval: i64 = 5000 => "scanNotActiveBrokerInterval",
    /// `unRegisterBrokerQueueCapacity` (listed only: unregistration is synchronous here).
    un_register_broker_queue_capacity: i32 = 3000 => "unRegisterBrokerQueueCapacity",
    /// `supportActingMaster`: report a read-only slave as master in routes.
    support_acting_master: bool = false => "supportActingMaster",
    /// `enableAllTopicList`: allow GET_ALL_TOPIC_LIST_FROM_NAMESERVER.
    enable_all_topic_list: bool = true => "enableAllTopicList",
    /// `enableTopicList`: allow GET_TOPICS_BY_CLUSTER and the unit topic lists.
    enable_topic_list: bool = true => "enableTopicList",
    /// `notifyMinBrokerIdChanged` (not supported; listed only).
    notify_min_broker_id_changed: bool = false => "notifyMinBrokerIdChanged",
    /// `enableControllerInNamesrv` (not supported; listed only).
    enable_controller_in_namesrv: bool = false => "enableControllerInNamesrv",
    /// `needWaitForService`: refuse routes for `waitSecondsForService` after start.
    need_wait_for_service: bool = false => "needWaitForService",
    /// `waitSecondsForService`.
    wait_seconds_for_service: i32 = 45 => "waitSecondsForService",
    /// `deleteTopicWithBrokerRegistration`: a registration drops the broker's topics missing from it.
    delete_topic_with_broker_registration: bool = false => "deleteTopicWithBrokerRegistration",
    /// `configBlackList`: `;`-separated keys UPDATE_NAMESRV_CONFIG refuses.
    config_black_list: String = "configBlackList;configStorePath;kvConfigPath".to_owned() => "configBlackList",
    /// `bindAddress` (`NettyServerConfig`).
    bind_address: String = "0.0.0.0".to_owned() => "bindAddress",
    /// `listenPort` (`NettyServerConfig`; 9876 as set by `NamesrvStartup`).
    listen_port: i32 = 9876 => "listenPort",
    /// `serverWorkerThreads` (listed only).
    server_worker_threads: i32 = 8 => "serverWorkerThreads",
    /// `serverCallbackExecutorThreads` (listed only).
    server_callback_executor_threads: i32 = 0 => "serverCallbackExecutorThreads",
    /// `serverSelectorThreads` (listed only).
    server_selector_threads: i32 = 3 => "serverSelectorThreads",
    /// `serverOnewaySemaphoreValue` (listed only).
    server_oneway_semaphore_value: i32 = 256 => "serverOnewaySemaphoreValue",
    /// `serverAsyncSemaphoreValue` (listed only).
    server_async_semaphore_value: i32 = 64 => "serverAsyncSemaphoreValue",
    /// `serverChannelMaxIdleTimeSeconds` (the server closes idle connections after 120 s).
    server_channel_max_idle_time_seconds: i32 = 120 => "serverChannelMaxIdleTimeSeconds",
    /// `serverSocketSndBufSize` (listed only).
    server_socket_snd_buf_size: i32 = 0 => "serverSocketSndBufSize",
    /// `serverSocketRcvBufSize` (listed only).
    server_socket_rcv_buf_size: i32 = 0 => "serverSocketRcvBufSize",
    /// `writeBufferHighWaterMark` (listed only).
    write_buffer_high_water_mark: i32 = 0 => "writeBufferHighWaterMark",
    /// `writeBufferLowWaterMark` (listed only).
    write_buffer_low_water_mark: i32 = 0 => "writeBufferLowWaterMark",
    /// `serverSocketBacklog` (listed only).
    server_socket_backlog: i32 = 1024 => "serverSocketBacklog",
    /// `serverNettyWorkerGroupEnable` (listed only).
    server_netty_worker_group_enable: bool = true => "serverNettyWorkerGroupEnable",
    /// `serverPooledByteBufAllocatorEnable` (listed only).
    server_pooled_byte_buf_allocator_enable: bool = true => "serverPooledByteBufAllocatorEnable",
    /// `enableShutdownGracefully` (listed only).
    enable_shutdown_gracefully: bool = false => "enableShutdownGracefully",
    /// `shutdownWaitTimeSeconds` (listed only).
    shutdown_wait_time_seconds: i32 = 30 => "shutdownWaitTimeSeconds",
    /// `useEpollNativeSelector` (listed only).
    use_epoll_native_selector: bool = false => "useEpollNativeSelector",
    }
    extra {
        /// Properties of the config file that name no field (listed by GET_NAMESRV_CONFIG, as in Java).
        extra: BTreeMap<String, String> = BTreeMap::new(),
        /// Which Java NameServer to mirror where 4.9.8 and 5.3.3 answer differently (not a Java key: set with
        /// `thruster namesrv --java-compat`).
        java_compat: JavaCompat = JavaCompat::default(),
    }
}

impl NamesrvConfig {
    /// Every non-null field as `(java name, value)`, in declaration order; under [`JavaCompat::V4_9_8`] only
    /// the fields 4.9.8's `NamesrvConfig` and `NettyServerConfig` have.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut out = self.java_fields();
        if self.java_compat == JavaCompat::V4_9_8 {
            out.retain(|(k, _)| KEYS_4_9_8.contains(k));
        }
        out
    }
}

/// Keys UPDATE_NAMESRV_CONFIG always refuses, whatever `configBlackList` says.
const FIXED_BLACK_LIST: [&str; 4] = ["configBlackList", "configStorePath", "kvConfigPath", "rocketmqHome"];

impl NamesrvConfig {
    /// Java's defaults with the properties of a `-c` file applied (unknown keys kept in `extra`).
    pub fn from_properties<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut config = NamesrvConfig::default();
        config.apply_file_properties(pairs);
        config
    }

    /// Applies the properties of a config file: known keys set their field, the others go to `extra`.
    pub fn apply_file_properties<K: AsRef<str>, V: AsRef<str>>(&mut self, pairs: impl IntoIterator<Item = (K, V)>) {
        for (k, v) in pairs {
            if !self.set(k.as_ref(), v.as_ref()) {
                self.extra.insert(k.as_ref().to_owned(), v.as_ref().to_owned());
            }
        }
    }

    /// UPDATE_NAMESRV_CONFIG (`Configuration.update`): fields are set; an unknown key only replaces an
    /// `extra` entry that already exists.
    pub fn update<K: AsRef<str>, V: AsRef<str>>(&mut self, pairs: impl IntoIterator<Item = (K, V)>) {
        for (k, v) in pairs {
            let (k, v) = (k.as_ref(), v.as_ref());
            if !self.set(k, v) {
                if let Some(old) = self.extra.get_mut(k) {
                    *old = v.to_owned();
                }
            }
        }
    }

    /// The keys UPDATE_NAMESRV_CONFIG refuses: the fixed four plus `configBlackList`'s entries.
    pub fn black_list(&self) -> Vec<String> {
        let mut list: Vec<String> = FIXED_BLACK_LIST.iter().map(|s| (*s).to_owned()).collect();
        list.extend(self.config_black_list.split(';').map(str::to_owned));
        list
    }

    /// The GET_NAMESRV_CONFIG body (and the `configStorePath` file): every non-null property as `key=value\n`,
    /// sorted by key.
    pub fn to_properties_text(&self) -> String {
        let mut all: BTreeMap<&str, String> = self.extra.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        all.extend(self.fields());
        let mut text = String::new();
        for (k, v) in all {
            text.push_str(k);
            text.push('=');
            text.push_str(&v);
            text.push('\n');
        }
        text
    }

    /// `bindAddress:listenPort`, if both are valid.
    pub fn listen_addr(&self) -> Option<SocketAddr> {
        let port = u16::try_from(self.listen_port).ok()?;
        let ip = self.bind_address.parse().ok()?;
        Some(SocketAddr::new(ip, port))
    }
}

/// Would `java.util.Properties.load` accept this text? It throws only on a malformed `\uXXXX` escape
/// (UPDATE_NAMESRV_CONFIG then answers `string2Properties error`).
pub fn is_loadable_properties(text: &str) -> bool {
    let mut continued = false;
    for line in text.split(['\n', '\r']) {
        let trimmed = line.trim_start_matches([' ', '\t', '\u{c}']);
        if !continued && (trimmed.starts_with('#') || trimmed.starts_with('!')) {
            continue;
        }
        let mut chars = trimmed.chars();
        let mut trailing_backslashes = 0usize;
        while let Some(c) = chars.next() {
            if c != '\\' {
                trailing_backslashes = 0;
                continue;
            }
            match chars.next() {
                Some('u') => {
                    let hex: Vec<char> = chars.by_ref().take(4).collect();
                    if hex.len() != 4 || !hex.iter().all(char::is_ascii_hexdigit) {
                        return false;
                    }
                    trailing_backslashes = 0;
                }
                Some(_) => trailing_backslashes = 0,
                None => trailing_backslashes = 1,
            }
        }
        continued = trailing_backslashes == 1;
    }
    true
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_javas() {
        let c = NamesrvConfig::default();
        assert_eq!(c.listen_port, 9876);
        assert!(c.kv_config_path.ends_with("/namesrv/kvConfig.json"));
        assert!(c.config_store_path.ends_with("/namesrv/namesrv.properties"));
        assert!(!c.order_message_enable);
        assert!(c.return_order_topic_config_to_broker);
        assert_eq!(c.scan_not_active_broker_interval, 5000);
        assert_eq!(c.listen_addr(), Some("0.0.0.0:9876".parse().unwrap()));
    }

    #[test]
    fn set_parses_like_properties2object() {
        let mut c = NamesrvConfig::from_properties([
            ("listenPort", "9877"),
            ("orderMessageEnable", "TRUE"),
            ("productEnvName", "  prod \t"),
            ("serverWorkerThreads", " 9"),
            ("brokerName", "x"),
        ]);
        assert_eq!(c.listen_port, 9877);
        assert!(c.order_message_enable);
        assert_eq!(c.product_env_name, "prod");
        assert_eq!(c.server_worker_threads, 8, "Integer.parseInt refuses blanks");
        assert_eq!(c.extra.get("brokerName").map(String::as_str), Some("x"));
        c.update([("brokerName", "y"), ("unknownKey", "z"), ("enableTopicList", "false")]);
        assert_eq!(c.extra.get("brokerName").map(String::as_str), Some("y"));
        assert!(!c.extra.contains_key("unknownKey"));
        assert!(!c.enable_topic_list);
    }

    #[test]
    fn listing_is_sorted_key_value_lines() {
        let mut c = NamesrvConfig::from_properties([("zzz", "1")]);
        c.rocketmq_home = None;
        c.kv_config_path = "/root/namesrv/kvConfig.json".into();
        let text = c.to_properties_text();
        let lines: Vec<&str> = text.lines().collect();
        let mut sorted = lines.clone();
        sorted.sort_unstable();
        assert_eq!(lines, sorted);
        assert!(text.ends_with("zzz=1\n"));
        assert!(lines.contains(&"kvConfigPath=/root/namesrv/kvConfig.json"));
        assert!(lines.contains(&"listenPort=9876"));
        assert!(lines.contains(&"serverChannelMaxIdleTimeSeconds=120"));
        assert!(!text.contains("rocketmqHome"), "null fields are not listed");
        assert_eq!(lines.len(), NamesrvConfig::KEYS.len() - 1 + 1);
    }

    #[test]
    fn black_list() {
        let c = NamesrvConfig::from_properties([("configBlackList", "a;b")]);
        assert_eq!(c.black_list(), ["configBlackList", "configStorePath", "kvConfigPath", "rocketmqHome", "a", "b"]);
    }

    #[test]
    fn loadable_properties() {
        assert!(is_loadable_properties("a=b\n"));
        assert!(is_loadable_properties("a=\\u0041\n# \\uZZZZ\n"));
        assert!(is_loadable_properties("a=\\\\uZZ\n"));
        assert!(!is_loadable_properties("a=\\uZZ\n"));
        assert!(!is_loadable_properties("a=\\u00"));
    }
}
