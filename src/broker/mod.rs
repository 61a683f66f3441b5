//! The broker: client management, NameServer registration and request dispatch over the message store.
//!
//! - [`config`]: `BrokerConfig` (Java's names, defaults and `broker.conf` format);
//! - [`local_address`]: the default `brokerIP1`/`brokerIP2`/`brokerName`, chosen as Java chooses them;
//! - [`namesrv_registry`]: REGISTER_BROKER at start, periodically and on change; UNREGISTER_BROKER at shutdown;
//! - [`dispatch`]: the request handler of both listeners, one `match` on the request code;
//! - `processor/<family>.rs`: the request processors (`client`, `consumer`, `send`, `query`, `pull`, `offset`,
//!   `lock`);
//! - [`long_polling`]: where suspended pulls wait, woken per (topic, queue) by the store's arrival hook;
//! - [`rebalance_lock`]: the LOCK_BATCH_MQ / UNLOCK_BATCH_MQ lock table;
//! - [`client`]: producer and consumer group managers, NOTIFY_CONSUMER_IDS_CHANGED, channel expiry;
//! - [`topic`]: topic naming rules (retry/DLQ topics, system topic names, `TopicValidator`);
//! - [`schedule`]: the schedule service delivering due delay-level messages from `SCHEDULE_TOPIC_XXXX`;
//! - [`uniq_id`]: `UNIQ_KEY` generation for messages stored without one.
//!
//! A [`Broker`] owns the [`MessageStore`] and the store's config managers (`config/topics.json`,
//! `subscriptionGroup.json`, `consumerOffset.json`, `delayOffset.json` under `storePathRootDir`); there is one
//! type per concept, the store's. [`start`] opens them, binds `listenPort` and the fast port `listenPort - 2`,
//! registers with every NameServer once, and returns; registration then repeats every
//! `registerNameServerPeriod`, client channels are scanned for expiry every 10 s, consumer offsets are persisted
//! every `flushConsumerOffsetInterval`. When the shutdown signal fires the listeners stop, the broker
//! unregisters, and [`BrokerHandle::join`] persists the config files and shuts the store down cleanly. Nothing
//! here prints: `main.rs` prints Java's boot line once [`start`] has returned.

pub mod client;
pub mod config;
pub mod dispatch;
pub mod java_config;
pub mod local_address;
pub mod long_polling;
pub mod namesrv_registry;
mod processor;
pub mod rebalance_lock;
pub mod runtime_info;
pub mod schedule;
pub mod stats;
pub mod topic;
pub mod uniq_id;

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use parking_lot::{Mutex, RwLock, RwLockReadGuard};
use tokio::task::JoinHandle;

pub use client::{ConsumerManager, ProducerManager};
pub use config::{BrokerConfig, BrokerRole, ConfigError, ConfigFile, FlushDiskType};
pub use dispatch::Port;
pub use namesrv_registry::NamesrvRegistry;

use dispatch::BrokerRequestHandler;
use long_polling::PullHoldService;
use rebalance_lock::RebalanceLockManager;
use schedule::ScheduleMessageService;
use uniq_id::UniqIdGenerator;

use crate::net::{Server, Shutdown};
use crate::store::config::{MessageStoreConfig, StoreCompat};
use crate::store::config_file::ConfigFileError;
use crate::store::config_files::consumer_offset::ConsumerOffsetSettings;
use crate::store::config_files::subscription_group::SubscriptionGroupSettings;
use crate::store::config_files::topics::TopicSettings;
use crate::store::config_files::{
    ConsumerOffsetManager, DelayOffsetManager, Flavor, SubscriptionGroupManager, TopicConfigManager,
};
use crate::store::error::StoreError;
use crate::store::store::MessageStore;

/// Why a broker could not start.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    /// The configuration is refused (Java's `BrokerStartup` exits with -3).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A `config/*.json` file (and its `.bak`) could not be read.
    #[error(transparent)]
    ConfigFile(#[from] ConfigFileError),
    /// The message store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A listener could not be bound.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// `delayOffsetUpdateVersionStep` (5.3.3 default).
const DELAY_OFFSET_UPDATE_VERSION_STEP: u64 = 200;

/// The broker's state behind both listeners (Java's `BrokerController`).
#[derive(Debug)]
pub struct Broker {
    config: RwLock<BrokerConfig>,
    store: Arc<MessageStore>,
    topics: Arc<TopicConfigManager>,
    subscription_groups: SubscriptionGroupManager,
    offsets: ConsumerOffsetManager,
    delay_offsets: Arc<DelayOffsetManager>,
    flavor: Flavor,
    /// `brokerIP1:listenPort` as a socket address: the STOREHOST of records and offset message ids.
    store_host: RwLock<SocketAddr>,
    uniq_ids: UniqIdGenerator,
    schedule: Mutex<Option<ScheduleMessageService>>,
    producers: Arc<ProducerManager>,
    consumers: Arc<ConsumerManager>,
    registry: Arc<NamesrvRegistry>,
    /// `ClientManageProcessor.consumerGroupHeartbeatTable`: the last heartbeat fingerprint per consumer group.
    pub(crate) heartbeat_fingerprints: DashMap<String, i32>,
    /// Suspended pulls, woken by the store's message-arrival hook.
    pull_hold: Arc<PullHoldService>,
    /// Orderly consumers' queue locks (`RebalanceLockManager`).
    rebalance_locks: RebalanceLockManager,
    /// [5.3.3] `MessageRequestModeManager`: SET_MESSAGE_REQUEST_MODE bodies by (topic, group), in memory.
    pub(crate) message_request_modes:
        DashMap<(String, String), crate::protocol::pull::SetMessageRequestModeRequestBody>,
    /// `BrokerStatsManager` + `StoreStatsService` figures (sampled every second by [`run_stats_sampling`]).
    stats: Arc<stats::BrokerStatsManager>,
    /// Java's `Configuration`: what GET_BROKER_CONFIG prints and UPDATE_BROKER_CONFIG persists.
    java_config: Mutex<java_config::JavaConfiguration>,
}

impl Broker {
    /// Opens the broker's state for `config` (blocking: opens and recovers the store): the message store from
    /// every property of the config (`MessageStoreConfig::from_properties`), then the config managers loaded
    /// from `<storePathRootDir>/config/` in the flavor of `thrusterStoreCompat` (5.3.3 by default). No sockets,
    /// no tasks.
    pub fn open(config: BrokerConfig) -> Result<Self, BrokerError> {
        let pairs: Vec<(String, String)> = config.to_properties().into_iter().collect();
        let store_config = MessageStoreConfig::from_properties(&pairs);
        let flavor = match store_config.store_compat {
            StoreCompat::V4_9_8 => Flavor::V4_9_8,
            StoreCompat::V5_3_3 => Flavor::V5_3_3,
        };
        let root = store_config.root().to_path_buf();
        let topics = TopicConfigManager::new(&root, flavor, topic_settings(&config));
        topics.load()?;
        let offsets = ConsumerOffsetManager::new(&root, flavor, ConsumerOffsetSettings::default());
        offsets.load()?;
        let subscription_groups = SubscriptionGroupManager::new(
            &root,
            flavor,
            SubscriptionGroupSettings {
                auto_create_subscription_group: config.auto_create_subscription_group,
                enable_create_sys_group: config.enable_create_sys_group,
            },
        );
        subscription_groups.load()?;
        let delay_offsets = DelayOffsetManager::new(&root, flavor, DELAY_OFFSET_UPDATE_VERSION_STEP);
        delay_offsets.load()?;
        let store = MessageStore::open(store_config)?;
        let max_level = store.config().delay_levels().max_level();
        delay_offsets.correct_delay_offset(1..=max_level, |queue_id| {
            let topic = crate::store::message::SCHEDULE_TOPIC;
            let min = store.min_offset_in_queue(topic, queue_id);
            (min >= 0).then(|| (min, store.max_offset_in_queue(topic, queue_id)))
        });
        let expiry = Duration::from_millis(u64::try_from(config.channel_expired_timeout).unwrap_or(120_000));
        let topics = Arc::new(topics);
        let store_host = store_host_of(&config);
        let pull_hold = Arc::new(PullHoldService::new());
        if config.long_polling_enable && store.config().broker_role != BrokerRole::Slave {
            // Java registers the arriving listener only for long polling on a master.
            let hold = pull_hold.clone();
            store.set_message_arriving_hook(Some(Arc::new(move |topic: &str, queue_id: i32, max_offset: i64| {
                hold.notify_message_arriving(topic, queue_id, max_offset);
            })));
        }
        let stats = Arc::new(stats::BrokerStatsManager::new(
            &config.broker_cluster_name,
            &config.broker_name,
            flavor,
            crate::store::commitlog::now_ms(),
        ));
        Ok(Broker {
            producers: Arc::new(ProducerManager::new(expiry)),
            consumers: Arc::new(ConsumerManager::new(expiry, config.notify_consumer_ids_changed_enable)),
            registry: Arc::new(NamesrvRegistry::new(&config, topics.clone())),
            store: Arc::new(store),
            topics,
            subscription_groups,
            offsets,
            delay_offsets: Arc::new(delay_offsets),
            flavor,
            uniq_ids: UniqIdGenerator::new(store_host.ip()),
            store_host: RwLock::new(store_host),
            schedule: Mutex::new(None),
            java_config: Mutex::new(java_config::JavaConfiguration::new(flavor, &config)),
            config: RwLock::new(config),
            heartbeat_fingerprints: DashMap::new(),
            pull_hold,
            rebalance_locks: RebalanceLockManager::new(),
            message_request_modes: DashMap::new(),
            stats,
        })
    }

    /// The live configuration (hold the guard briefly).
    pub fn config(&self) -> RwLockReadGuard<'_, BrokerConfig> {
        self.config.read()
    }

    /// `brokerIP1:listenPort`, the address registered with the NameServers.
    pub fn broker_addr(&self) -> String {
        self.config.read().broker_addr()
    }

    /// The live configuration for a change (UPDATE_BROKER_CONFIG; hold the guard briefly).
    pub fn config_mut(&self) -> parking_lot::RwLockWriteGuard<'_, BrokerConfig> {
        self.config.write()
    }

    /// The configuration's DataVersion (`Configuration.getDataVersionJson`).
    pub fn config_version(&self) -> crate::protocol::data_version::DataVersion {
        self.java_config.lock().version()
    }

    /// GET_BROKER_CONFIG's text (`Configuration.getAllConfigsFormatString`).
    pub fn config_text(&self) -> String {
        let config = self.config.read();
        self.java_config.lock().text(&config)
    }

    /// UPDATE_BROKER_CONFIG (`Configuration.update`): applies `properties` live and persists the whole
    /// configuration.
    pub fn update_config(
        &self,
        properties: &[(String, String)],
    ) -> Result<(), crate::store::config_file::ConfigFileError> {
        let mut java = self.java_config.lock();
        let mut config = self.config.write();
        java.update(properties, &mut config)
    }

    /// The broker's statistics.
    pub fn stats(&self) -> &stats::BrokerStatsManager {
        &self.stats
    }

    /// Which Java broker's conventions the store and config files follow (`thrusterStoreCompat`).
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// `brokerIP1:listenPort`: the STOREHOST written into records (and so into offset message ids).
    pub fn store_host(&self) -> SocketAddr {
        *self.store_host.read()
    }

    /// A new `UNIQ_KEY` (for 5.3.3-style brokers storing a message that came without one).
    pub fn create_uniq_id(&self) -> String {
        self.uniq_ids.create()
    }

    /// Starts the schedule service (masters only, as Java), delivering due delay-level messages.
    pub fn start_schedule(&self) -> io::Result<()> {
        if self.store.config().broker_role == BrokerRole::Slave {
            return Ok(());
        }
        let mut slot = self.schedule.lock();
        if slot.is_none() {
            *slot = Some(ScheduleMessageService::start(self.store.clone(), self.delay_offsets.clone())?);
        }
        Ok(())
    }

    /// The message store.
    pub fn store(&self) -> &Arc<MessageStore> {
        &self.store
    }

    /// The topic table (`config/topics.json`).
    pub fn topics(&self) -> &TopicConfigManager {
        &self.topics
    }

    /// The consumer-group configs (`config/subscriptionGroup.json`).
    pub fn subscription_groups(&self) -> &SubscriptionGroupManager {
        &self.subscription_groups
    }

    /// The committed offsets (`config/consumerOffset.json`).
    pub fn offsets(&self) -> &ConsumerOffsetManager {
        &self.offsets
    }

    /// Delivery progress of the delay levels (`config/delayOffset.json`).
    pub fn delay_offsets(&self) -> &DelayOffsetManager {
        &self.delay_offsets
    }

    /// Producer groups and their channels.
    pub fn producers(&self) -> &ProducerManager {
        &self.producers
    }

    /// Consumer groups, their channels and subscriptions.
    pub fn consumers(&self) -> &ConsumerManager {
        &self.consumers
    }

    /// Suspended pulls (long polling).
    pub fn pull_hold(&self) -> &PullHoldService {
        &self.pull_hold
    }

    /// The queue locks of orderly consumers.
    pub fn rebalance_locks(&self) -> &RebalanceLockManager {
        &self.rebalance_locks
    }

    /// NameServer registration (call [`NamesrvRegistry::notify_changed`] after changing topics).
    pub fn registry(&self) -> &NamesrvRegistry {
        &self.registry
    }

    /// A connection closed: drop it from every producer and consumer group (notifying remaining consumers).
    pub(crate) fn on_channel_close(&self, channel_id: u64) {
        self.producers.do_channel_close_event(channel_id);
        self.consumers.do_channel_close_event(channel_id);
    }

    /// Writes every config file now (blocking; failures are logged, as Java's `ConfigManager.persist` does).
    pub fn persist_config(&self) {
        let results = [
            (self.topics.path(), self.topics.persist()),
            (self.offsets.path(), self.offsets.persist()),
            (self.subscription_groups.path(), self.subscription_groups.persist()),
            (self.delay_offsets.path(), self.delay_offsets.persist()),
        ];
        for (path, result) in results {
            if let Err(e) = result {
                tracing::error!("persist file {} exception: {e}", path.display());
            }
        }
    }

    /// Stops the schedule service, persists the config files and shuts the store down cleanly (deleting
    /// `abort`). Blocking; idempotent.
    pub fn shutdown(&self) {
        if let Some(mut schedule) = self.schedule.lock().take() {
            schedule.shutdown();
        }
        self.persist_config();
        if let Err(e) = self.store.shutdown() {
            tracing::error!("message store shutdown failed: {e}");
        }
    }
}

/// `brokerIP1:listenPort` as a socket address (127.0.0.1 if `brokerIP1` is not an IP address).
fn store_host_of(config: &BrokerConfig) -> SocketAddr {
    let ip = config.broker_ip1.trim_matches(|c| c == '[' || c == ']').parse().unwrap_or_else(|_| {
        tracing::warn!(broker_ip1 = %config.broker_ip1, "brokerIP1 is not an IP address; using 127.0.0.1 as store host");
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    });
    SocketAddr::new(ip, u16::try_from(config.listen_port).unwrap_or(0))
}

/// The `TopicConfigManager` settings of `config`.
fn topic_settings(config: &BrokerConfig) -> TopicSettings {
    TopicSettings {
        broker_cluster_name: config.broker_cluster_name.clone(),
        broker_name: config.broker_name.clone(),
        auto_create_topic_enable: config.auto_create_topic_enable,
        default_topic_queue_nums: config.default_topic_queue_nums,
        cluster_topic_enable: config.cluster_topic_enable,
        broker_topic_enable: config.broker_topic_enable,
        trace_topic_enable: config.trace_topic_enable,
        msg_trace_topic_name: config.msg_trace_topic_name.clone(),
        ..TopicSettings::default()
    }
}

/// A running broker.
#[derive(Debug)]
pub struct BrokerHandle {
    broker: Arc<Broker>,
    main: Server,
    fast: Server,
    tasks: Vec<JoinHandle<()>>,
}

impl BrokerHandle {
    /// The main listener's bound address (`listenPort`).
    pub fn local_addr(&self) -> SocketAddr {
        self.main.local_addr()
    }

    /// The fast listener's bound address (`listenPort - 2`).
    pub fn fast_addr(&self) -> SocketAddr {
        self.fast.local_addr()
    }

    /// The state behind the sockets.
    pub fn broker(&self) -> &Arc<Broker> {
        &self.broker
    }

    /// `brokerIP1:listenPort` as registered.
    pub fn broker_addr(&self) -> String {
        self.broker.broker_addr()
    }

    /// Waits until the listeners have stopped and the broker has unregistered from its NameServers (after the
    /// shutdown signal), then persists the config files and shuts the store down cleanly (deleting `abort`).
    pub async fn join(self) {
        self.main.join().await;
        self.fast.join().await;
        for task in self.tasks {
            let _ = task.await;
        }
        let broker = self.broker;
        let _ = tokio::task::spawn_blocking(move || broker.shutdown()).await;
    }
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, e.to_string())
}

/// Starts a broker on `0.0.0.0:listenPort` and `0.0.0.0:listenPort-2` over the store at `storePathRootDir`.
pub async fn start(config: BrokerConfig, shutdown: Shutdown) -> Result<BrokerHandle, BrokerError> {
    let port = u16::try_from(config.listen_port).map_err(invalid)?;
    let fast = u16::try_from(config.fast_listen_port()).map_err(invalid)?;
    let main_addr = SocketAddr::from(([0, 0, 0, 0], port));
    let fast_addr = SocketAddr::from(([0, 0, 0, 0], fast));
    start_on(config, main_addr, fast_addr, shutdown).await
}

/// Starts a broker on explicit listener addresses (tests bind `127.0.0.1:0` twice): binds both listeners,
/// takes the bound main port as `listenPort`, applies the startup checks ([`BrokerConfig::finish`]), opens the
/// store and the config files, registers with every NameServer once (failures are logged, as in Java), then
/// spawns periodic registration, client expiry and offset persistence.
pub async fn start_on(
    mut config: BrokerConfig,
    main_addr: SocketAddr,
    fast_addr: SocketAddr,
    shutdown: Shutdown,
) -> Result<BrokerHandle, BrokerError> {
    let ha_port_unset = config.ha_listen_port <= 0;
    config.listen_port = i32::from(main_addr.port());
    config.finish()?;
    let broker = tokio::task::spawn_blocking(move || Broker::open(config))
        .await
        .map_err(|e| io::Error::other(format!("broker open task: {e}")))??;
    let broker = Arc::new(broker);
    let bound = bind_listeners(&broker, main_addr, fast_addr, &shutdown).await;
    let (main, fast) = match bound {
        Ok(listeners) => listeners,
        Err(e) => {
            let b = broker.clone();
            let _ = tokio::task::spawn_blocking(move || b.shutdown()).await;
            return Err(e.into());
        }
    };
    let period = {
        let mut config = broker.config.write();
        config.listen_port = i32::from(main.local_addr().port());
        if ha_port_unset {
            config.ha_listen_port = config.listen_port + 1;
        }
        broker.registry.update_identity(&config);
        *broker.store_host.write() = store_host_of(&config);
        Duration::from_millis(config.register_period_millis())
    };
    if let Err(e) = broker.start_schedule() {
        let b = broker.clone();
        let _ = tokio::task::spawn_blocking(move || b.shutdown()).await;
        return Err(e.into());
    }
    tracing::info!(main = %main.local_addr(), fast = %fast.local_addr(), "broker listening");

    broker.registry.register_broker_all(true).await;
    let offsets_period =
        Duration::from_millis(u64::try_from(broker.config().flush_consumer_offset_interval).unwrap_or(5000).max(1));
    let tasks = vec![
        tokio::spawn(broker.registry.clone().run(period, shutdown.clone())),
        tokio::spawn(client::run_housekeeping(broker.producers.clone(), broker.consumers.clone(), shutdown.clone())),
        tokio::spawn(run_stats_sampling(broker.stats.clone(), shutdown.clone())),
        tokio::spawn(persist_offsets_periodically(broker.clone(), offsets_period, shutdown)),
    ];
    Ok(BrokerHandle { broker, main, fast, tasks })
}

/// Samples the statistics every second (`StoreStatsService`'s cadence; the item windows sample themselves
/// when due) and rolls the daily counters at local midnight, until `shutdown` fires.
async fn run_stats_sampling(stats: Arc<stats::BrokerStatsManager>, shutdown: Shutdown) {
    use crate::store::commitlog::now_ms;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut midnight = stats::next_morning_ms(now_ms());
    loop {
        tokio::select! {
            _ = shutdown.wait() => break,
            _ = tick.tick() => {
                let now = now_ms();
                stats.sample(now);
                if now >= midnight {
                    stats.on_midnight();
                    midnight = stats::next_morning_ms(now);
                }
            }
        }
    }
}

async fn bind_listeners(
    broker: &Arc<Broker>,
    main_addr: SocketAddr,
    fast_addr: SocketAddr,
    shutdown: &Shutdown,
) -> io::Result<(Server, Server)> {
    let main =
        Server::bind(main_addr, Arc::new(BrokerRequestHandler::new(broker.clone(), Port::Main)), shutdown.clone())
            .await?;
    let fast =
        Server::bind(fast_addr, Arc::new(BrokerRequestHandler::new(broker.clone(), Port::Fast)), shutdown.clone())
            .await?;
    Ok((main, fast))
}

/// `consumerOffsetManager.persist()` every `flushConsumerOffsetInterval` (Java's `BrokerController` schedule).
async fn persist_offsets_periodically(broker: Arc<Broker>, period: Duration, shutdown: Shutdown) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.wait() => break,
            _ = tick.tick() => {
                let b = broker.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    if let Err(e) = b.offsets.persist() {
                        tracing::error!("persist file {} exception: {e}", b.offsets.path().display());
                    }
                })
                .await;
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! A broker over a store in a temporary directory, for processor unit tests.

    use super::*;

    /// A [`Broker`] whose store lives in a temporary directory (removed on drop, after the store shut down).
    #[derive(Debug)]
    pub(crate) struct TestBroker {
        pub(crate) broker: Arc<Broker>,
        _dir: tempfile::TempDir,
    }

    impl TestBroker {
        /// Opens a broker for `config` with `storePathRootDir` in a fresh temporary directory and small
        /// commit-log files.
        pub(crate) fn open(mut config: BrokerConfig) -> TestBroker {
            let dir = tempfile::tempdir().expect("tempdir");
            config.store_path_root_dir = dir.path().display().to_string();
            config.extra.entry("mappedFileSizeCommitLog".into()).or_insert_with(|| (4 << 20).to_string());
            config.extra.entry("mappedFileSizeConsumeQueue".into()).or_insert_with(|| (1000 * 20).to_string());
            let broker = Arc::new(Broker::open(config).expect("open broker"));
            TestBroker { broker, _dir: dir }
        }
    }

    impl std::ops::Deref for TestBroker {
        type Target = Broker;

        fn deref(&self) -> &Broker {
            &self.broker
        }
    }

    impl Drop for TestBroker {
        fn drop(&mut self) {
            self.broker.shutdown();
        }
    }
}
