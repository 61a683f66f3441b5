//! `BrokerConfig`: the broker's settings, with Java's names, defaults and text format.
//!
//! One struct holds the keys of Java's `BrokerConfig` (and its base `BrokerIdentity`) that Thruster's broker
//! reads, plus the few `MessageStoreConfig` / `NettyServerConfig` keys the broker itself needs (`listenPort`,
//! `brokerRole`, `flushDiskType`, `storePathRootDir`, `haListenPort`). Every other key of the `-c` file is
//! kept in [`BrokerConfig::extra`], so [`BrokerConfig::to_properties`] hands the store the whole file (Java
//! applies one `Properties` object to all its config objects, and remembers all of it).
//!
//! Parsing mirrors `MixAll.properties2Object` (5.3.3): numbers must parse exactly (a value with blanks is
//! ignored and the default stays), booleans are `"true"` in any case, strings are trimmed, and the enum keys
//! (`brokerRole`, `flushDiskType`) accept only the exact constant names.
//!
//! Defaults are Java's, with the values `BrokerStartup` sets before reading the file: `listenPort` 10911.
//! `brokerIP1`/`brokerIP2` default to the local address chosen as Java does ([`super::local_address`]),
//! `brokerName` to the host name. [`BrokerConfig::finish`] applies `BrokerStartup`'s post-processing
//! (masters get id 0, slaves need id > 0, `haListenPort` from `listenPort`, namesrv address validation).
//!
//! Precedence (applied by `main.rs`): command-line flag > environment (`NAMESRV_ADDR`, `ROCKETMQ_HOME`) >
//! file > default. (Java lets the file override the environment; Thruster follows the house rule.)

use std::collections::BTreeMap;
use std::fmt;

use super::local_address::{local_address, local_host_name};
use crate::protocol::route::perm;

pub use crate::store::config::{BrokerRole, FlushDiskType};

use crate::config::{java_config, java_trim};

fn home_dir() -> String {
    std::env::var("HOME").unwrap_or_else(|_| ".".to_owned())
}

java_config! {
    /// Mirrors Java's `BrokerConfig` (+ the broker-side keys of `MessageStoreConfig`/`NettyServerConfig`); see
    /// the module docs.
    pub struct BrokerConfig {
    // --- BrokerIdentity ---
    /// `brokerName`: the host name by default.
    broker_name: String = local_host_name() => "brokerName",
    /// `brokerClusterName`.
    broker_cluster_name: String = "DefaultCluster".to_owned() => "brokerClusterName",
    /// `brokerId`: 0 = master.
    broker_id: i64 = 0 => "brokerId",
    // --- BrokerConfig ---
    /// `rocketmqHome` (`ROCKETMQ_HOME`; optional for Thruster).
    rocketmq_home: Option<String> = None => "rocketmqHome",
    /// `namesrvAddr`: `;`-separated `host:port` list.
    namesrv_addr: Option<String> = None => "namesrvAddr",
    /// `listenPort` (`NettyServerConfig`, 10911 as `BrokerStartup` sets it). The fast port is `listenPort - 2`.
    listen_port: i32 = 10911 => "listenPort",
    /// `brokerIP1`: the address registered with the NameServer and given to clients.
    broker_ip1: String = local_address() => "brokerIP1",
    /// `brokerIP2`: the HA address.
    broker_ip2: String = local_address() => "brokerIP2",
    /// `brokerPermission`: applied to every registered topic when not read+write.
    broker_permission: i32 = perm::PERM_READ | perm::PERM_WRITE => "brokerPermission",
    /// `defaultTopicQueueNums`: queues of `TBW102`.
    default_topic_queue_nums: i32 = 8 => "defaultTopicQueueNums",
    /// `autoCreateTopicEnable`: create `TBW102` (perm 7) so producers may auto-create topics.
    auto_create_topic_enable: bool = true => "autoCreateTopicEnable",
    /// `clusterTopicEnable`: the cluster-name topic is read+write.
    cluster_topic_enable: bool = true => "clusterTopicEnable",
    /// `brokerTopicEnable`: the broker-name topic is read+write.
    broker_topic_enable: bool = true => "brokerTopicEnable",
    /// `autoCreateSubscriptionGroup`: heartbeats create unknown consumer groups.
    auto_create_subscription_group: bool = true => "autoCreateSubscriptionGroup",
    /// `msgTraceTopicName`.
    msg_trace_topic_name: String = "RMQ_SYS_TRACE_TOPIC".to_owned() => "msgTraceTopicName",
    /// `traceTopicEnable`: create the trace topic at start.
    trace_topic_enable: bool = false => "traceTopicEnable",
    /// `rejectTransactionMessage`.
    reject_transaction_message: bool = false => "rejectTransactionMessage",
    /// `fetchNamesrvAddrByAddressServer` (not supported; listed only).
    fetch_namesrv_addr_by_address_server: bool = false => "fetchNamesrvAddrByAddressServer",
    /// `longPollingEnable`.
    long_polling_enable: bool = true => "longPollingEnable",
    /// `shortPollingTimeMills`.
    short_polling_time_mills: i64 = 1000 => "shortPollingTimeMills",
    /// `notifyConsumerIdsChangedEnable`: send NOTIFY_CONSUMER_IDS_CHANGED at all.
    notify_consumer_ids_changed_enable: bool = true => "notifyConsumerIdsChangedEnable",
    /// `regionId`: the `MSG_REGION` of send responses.
    region_id: String = "DefaultRegion".to_owned() => "regionId",
    /// `registerBrokerTimeoutMills` (5.3.3: 24 000; 4.9.8: 6 000).
    register_broker_timeout_mills: i32 = 24_000 => "registerBrokerTimeoutMills",
    /// `traceOn`: the `TRACE_ON` of send responses.
    trace_on: bool = true => "traceOn",
    /// `rejectPullConsumerEnable`: ignore `CONSUME_ACTIVELY` consumers in heartbeats.
    reject_pull_consumer_enable: bool = false => "rejectPullConsumerEnable",
    /// `enablePropertyFilter`: allow SQL92 subscriptions.
    enable_property_filter: bool = false => "enablePropertyFilter",
    /// `compressedRegister` (ignored: registration bodies are always JSON, as 5.3.3 effectively sends).
    compressed_register: bool = false => "compressedRegister",
    /// `forceRegister`: register every period without asking QUERY_DATA_VERSION first.
    force_register: bool = true => "forceRegister",
    /// `registerNameServerPeriod` in ms, clamped to 10 000…60 000 when used.
    register_name_server_period: i32 = 30_000 => "registerNameServerPeriod",
    /// `enableSlaveActingMaster` (not supported; sent as `enableActingMaster`).
    enable_slave_acting_master: bool = false => "enableSlaveActingMaster",
    /// `realTimeNotifyConsumerChange`: notify at once (Thruster always does).
    real_time_notify_consumer_change: bool = true => "realTimeNotifyConsumerChange",
    /// `litePullMessageEnable`.
    lite_pull_message_enable: bool = true => "litePullMessageEnable",
    /// `transactionTimeOut` in ms.
    transaction_time_out: i64 = 6000 => "transactionTimeOut",
    /// `transactionCheckMax`.
    transaction_check_max: i32 = 15 => "transactionCheckMax",
    /// `transactionCheckInterval` in ms (5.3.3: 30 000; 4.9.8: 60 000).
    transaction_check_interval: i64 = 30_000 => "transactionCheckInterval",
    /// `storeReplyMessageEnable`.
    store_reply_message_enable: bool = true => "storeReplyMessageEnable",
    /// `channelExpiredTimeout` in ms: a client channel without heartbeat for this long is dropped.
    channel_expired_timeout: i64 = 120_000 => "channelExpiredTimeout",
    /// `subscriptionExpiredTimeout` in ms.
    subscription_expired_timeout: i64 = 600_000 => "subscriptionExpiredTimeout",
    /// `enableCreateSysGroup`: auto-create `CID_RMQ_SYS_*` groups even without `autoCreateSubscriptionGroup`.
    enable_create_sys_group: bool = true => "enableCreateSysGroup",
    /// `flushConsumerOffsetInterval` in ms: how often `consumerOffset.json` is written.
    flush_consumer_offset_interval: i64 = 5000 => "flushConsumerOffsetInterval",
    /// `startAcceptSendRequestTimeStamp`.
    start_accept_send_request_time_stamp: i64 = 0 => "startAcceptSendRequestTimeStamp",
    /// `slaveReadEnable`.
    slave_read_enable: bool = false => "slaveReadEnable",
    // --- MessageStoreConfig keys the broker reads ---
    /// `brokerRole`.
    broker_role: BrokerRole = BrokerRole::AsyncMaster => "brokerRole",
    /// `flushDiskType`.
    flush_disk_type: FlushDiskType = FlushDiskType::AsyncFlush => "flushDiskType",
    /// `storePathRootDir`.
    store_path_root_dir: String = format!("{}/store", home_dir()) => "storePathRootDir",
    /// `haListenPort`: 0 means `listenPort + 1` ([`BrokerConfig::finish`]).
    ha_listen_port: i32 = 0 => "haListenPort",
    }
    extra {
        /// Properties of the config file that name no field here (store keys among them), kept as read.
        extra: BTreeMap<String, String> = BTreeMap::new(),
        /// The `-c` file the broker was started with (UPDATE_BROKER_CONFIG persists to it).
        config_file: Option<ConfigFile> = None,
    }
}

impl BrokerConfig {
    /// Every non-null Java field as `(java name, value)`, in declaration order.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        self.java_fields()
    }
}

/// The `-c` file: where it is and its properties in file order (Java's `BrokerPathConfigHelper` path and the
/// `Properties` `BrokerStartup` registers with the broker's `Configuration`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigFile {
    /// The file's path as given on the command line.
    pub path: std::path::PathBuf,
    /// Its properties, in file order.
    pub properties: Vec<(String, String)>,
}

/// Why a configuration cannot start a broker (Java's `BrokerStartup` exits with -3 for these).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// An entry of `namesrvAddr` is not `host:port`.
    #[error("The Name Server Address[{0}] illegal, please set it as follows, \"127.0.0.1:9876;192.168.0.1:9876\"")]
    BadNamesrvAddr(String),
    /// A slave with `brokerId` ≤ 0.
    #[error("Slave's brokerId must be > 0")]
    SlaveBrokerId,
}

impl BrokerConfig {
    /// Java's defaults with the properties of a `-c` file applied (unknown keys kept in `extra`).
    pub fn from_properties<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut config = BrokerConfig::default();
        config.apply_properties(pairs);
        config
    }

    /// Applies properties: known keys set their field, the others go to `extra`.
    pub fn apply_properties<K: AsRef<str>, V: AsRef<str>>(&mut self, pairs: impl IntoIterator<Item = (K, V)>) {
        for (k, v) in pairs {
            if !self.set(k.as_ref(), v.as_ref()) {
                self.extra.insert(k.as_ref().to_owned(), v.as_ref().to_owned());
            }
        }
    }

    /// `BrokerStartup`'s post-processing and checks: masters get `brokerId` 0, a slave must have an id > 0,
    /// `haListenPort` ≤ 0 becomes `listenPort + 1`, and every `namesrvAddr` entry must be `host:port`.
    pub fn finish(&mut self) -> Result<(), ConfigError> {
        if let Some(addrs) = self.namesrv_addr.as_deref().filter(|a| !a.trim().is_empty()) {
            for addr in addrs.split(';') {
                if !is_host_port(addr) {
                    return Err(ConfigError::BadNamesrvAddr(addrs.to_owned()));
                }
            }
        }
        match self.broker_role {
            BrokerRole::AsyncMaster | BrokerRole::SyncMaster => self.broker_id = 0,
            BrokerRole::Slave if self.broker_id <= 0 => return Err(ConfigError::SlaveBrokerId),
            BrokerRole::Slave => {}
        }
        if self.ha_listen_port <= 0 {
            self.ha_listen_port = self.listen_port + 1;
        }
        Ok(())
    }

    /// The NameServer addresses (`namesrvAddr` split on `;`, blanks dropped).
    pub fn namesrv_addr_list(&self) -> Vec<String> {
        self.namesrv_addr
            .as_deref()
            .unwrap_or_default()
            .split(';')
            .map(java_trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// `getBrokerAddr()`: `brokerIP1:listenPort`, what the NameServer hands to clients.
    pub fn broker_addr(&self) -> String {
        format!("{}:{}", self.broker_ip1, self.listen_port)
    }

    /// `getHAServerAddr()`: `brokerIP2:haListenPort`.
    pub fn ha_server_addr(&self) -> String {
        let port = if self.ha_listen_port > 0 { self.ha_listen_port } else { self.listen_port + 1 };
        format!("{}:{}", self.broker_ip2, port)
    }

    /// The fast ("VIP") port: `listenPort - 2`.
    pub fn fast_listen_port(&self) -> i32 {
        self.listen_port - 2
    }

    /// The period between registrations: `registerNameServerPeriod` clamped to 10 000…60 000 ms, as
    /// `BrokerController.start` schedules it.
    pub fn register_period_millis(&self) -> u64 {
        self.register_name_server_period.clamp(10_000, 60_000) as u64
    }

    /// Every property, known fields and `extra` alike, sorted by key (what `-p` prints, and what the store's
    /// own config is built from).
    pub fn to_properties(&self) -> BTreeMap<String, String> {
        let mut all = self.extra.clone();
        all.extend(self.fields().into_iter().map(|(k, v)| (k.to_owned(), v)));
        all
    }
}

impl fmt::Display for BrokerConfig {
    /// `key=value` lines, sorted by key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, v) in self.to_properties() {
            writeln!(f, "{k}={v}")?;
        }
        Ok(())
    }
}

/// `NetworkUtil.string2SocketAddress` accepts `host:port` split at the last `:` with a numeric port.
fn is_host_port(addr: &str) -> bool {
    match addr.rsplit_once(':') {
        Some((host, port)) => !host.is_empty() && port.parse::<u16>().is_ok(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_javas() {
        let c = BrokerConfig::default();
        assert_eq!(c.broker_cluster_name, "DefaultCluster");
        assert_eq!(c.broker_id, 0);
        assert_eq!(c.listen_port, 10911);
        assert_eq!(c.fast_listen_port(), 10909);
        assert_eq!(c.broker_permission, 6);
        assert_eq!(c.default_topic_queue_nums, 8);
        assert!(c.auto_create_topic_enable && c.auto_create_subscription_group && c.force_register);
        assert!(!c.enable_property_filter);
        assert_eq!(c.register_name_server_period, 30_000);
        assert_eq!(c.channel_expired_timeout, 120_000);
        assert_eq!(c.broker_role, BrokerRole::AsyncMaster);
        assert_eq!(c.flush_disk_type, FlushDiskType::AsyncFlush);
        assert!(c.store_path_root_dir.ends_with("/store"));
        assert!(!c.broker_ip1.is_empty() && !c.broker_name.is_empty());
        assert_eq!(c.namesrv_addr, None);
    }

    #[test]
    fn file_keys_parse_like_properties2object() {
        let text =
            "brokerClusterName = C1\nbrokerName=broker-a\nbrokerId=3\nbrokerRole=SLAVE\nflushDiskType=sync_flush\n\
                    listenPort= 20911 \nbrokerIP1=127.0.0.1\nautoCreateTopicEnable=FALSE\nnamesrvAddr=a:1;b:2\n\
                    mappedFileSizeCommitLog=134217728\nregisterNameServerPeriod=5000\n";
        let c = BrokerConfig::from_properties(crate::config::parse_properties(text));
        assert_eq!(c.broker_cluster_name, "C1");
        assert_eq!(c.broker_name, "broker-a");
        assert_eq!(c.broker_id, 3);
        assert_eq!(c.broker_role, BrokerRole::Slave);
        assert_eq!(c.flush_disk_type, FlushDiskType::AsyncFlush, "enum names are exact");
        assert_eq!(c.listen_port, 10911, "a number with blanks is ignored");
        assert!(!c.auto_create_topic_enable);
        assert_eq!(c.namesrv_addr_list(), ["a:1", "b:2"]);
        assert_eq!(c.extra.get("mappedFileSizeCommitLog").map(String::as_str), Some("134217728"));
        assert_eq!(c.register_period_millis(), 10_000);
        assert_eq!(c.broker_addr(), "127.0.0.1:10911");
        let props = c.to_properties();
        assert_eq!(props.get("brokerRole").map(String::as_str), Some("SLAVE"));
        assert_eq!(props.get("mappedFileSizeCommitLog").map(String::as_str), Some("134217728"));
        assert!(c.to_string().contains("brokerName=broker-a\n"));
    }

    #[test]
    fn finish_applies_startup_rules() {
        let mut c = BrokerConfig::from_properties([("brokerId", "5"), ("listenPort", "20911")]);
        c.finish().unwrap();
        assert_eq!(c.broker_id, 0, "a master's id is forced to 0");
        assert_eq!(c.ha_listen_port, 20912);
        assert!(c.ha_server_addr().ends_with(":20912"));

        let mut slave = BrokerConfig::from_properties([("brokerRole", "SLAVE")]);
        assert_eq!(slave.finish(), Err(ConfigError::SlaveBrokerId));
        slave.broker_id = 1;
        assert_eq!(slave.finish(), Ok(()));

        let mut bad = BrokerConfig::from_properties([("namesrvAddr", "127.0.0.1:9876;nope")]);
        assert!(matches!(bad.finish(), Err(ConfigError::BadNamesrvAddr(_))));
    }
}
