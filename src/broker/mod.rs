//! The broker: client management and NameServer registration today; SEND/PULL on top of the store next.
//!
//! - [`config`]: `BrokerConfig` (Java's names, defaults and `broker.conf` format);
//! - [`local_address`]: the default `brokerIP1`/`brokerIP2`/`brokerName`, chosen as Java chooses them;
//! - [`namesrv_registry`]: REGISTER_BROKER at start, periodically and on change; UNREGISTER_BROKER at shutdown;
//! - [`dispatch`]: the request handler of both listeners, one `match` on the request code;
//! - `processor/<family>.rs`: the request processors (`client`, `consumer`);
//! - [`client`]: producer and consumer group managers, NOTIFY_CONSUMER_IDS_CHANGED, channel expiry;
//! - [`protocol`]: heartbeat-family wire types (to move to `crate::protocol::heartbeat`);
//! - [`topic`], [`subscription`], [`offset`]: the seams to the store's config managers (topics, consumer
//!   groups, committed offsets), with in-memory implementations until the store is merged ([`BrokerStores`]).
//!
//! [`start`] binds `listenPort` and the fast port `listenPort - 2`, registers with every NameServer once, and
//! returns; registration then repeats every `registerNameServerPeriod`, client channels are scanned for expiry
//! every 10 s, and when the shutdown signal fires the listeners stop and the broker unregisters. Nothing here
//! prints: `main.rs` prints Java's boot line once [`start`] has returned.

pub mod client;
pub mod config;
pub mod dispatch;
pub mod local_address;
pub mod namesrv_registry;
pub mod offset;
mod processor;
pub mod protocol;
pub mod subscription;
pub mod topic;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use parking_lot::{RwLock, RwLockReadGuard};
use tokio::task::JoinHandle;

pub use client::{ConsumerManager, ProducerManager};
pub use config::{BrokerConfig, BrokerRole, ConfigError, FlushDiskType};
pub use dispatch::Port;
pub use namesrv_registry::NamesrvRegistry;

use dispatch::BrokerRequestHandler;
use offset::{ConsumerOffsetStore, MemConsumerOffsets};
use subscription::{MemSubscriptionGroups, SubscriptionGroupStore};
use topic::{MemTopicConfigs, TopicConfigStore};

use crate::net::{Server, Shutdown};

/// The store-backed tables the broker reads and writes. The lead backs these with the store's config
/// managers (`topics.json`, `subscriptionGroup.json`, `consumerOffset.json`) on merge.
#[derive(Debug, Clone)]
pub struct BrokerStores {
    /// Topic configs (`TopicConfigManager`).
    pub topics: Arc<dyn TopicConfigStore>,
    /// Consumer-group configs (`SubscriptionGroupManager`).
    pub subscription_groups: Arc<dyn SubscriptionGroupStore>,
    /// Committed offsets (`ConsumerOffsetManager`).
    pub offsets: Arc<dyn ConsumerOffsetStore>,
}

impl BrokerStores {
    /// In-memory tables: Java's system topics for `config`, auto-created groups, no offsets.
    pub fn in_memory(config: &BrokerConfig) -> Self {
        BrokerStores {
            topics: Arc::new(MemTopicConfigs::with_system_topics(config)),
            subscription_groups: Arc::new(MemSubscriptionGroups::new(config)),
            offsets: Arc::new(MemConsumerOffsets::new()),
        }
    }
}

/// The broker's state behind both listeners (Java's `BrokerController`, minus the store).
#[derive(Debug)]
pub struct Broker {
    config: RwLock<BrokerConfig>,
    stores: BrokerStores,
    producers: Arc<ProducerManager>,
    consumers: Arc<ConsumerManager>,
    registry: Arc<NamesrvRegistry>,
    /// `ClientManageProcessor.consumerGroupHeartbeatTable`: the last heartbeat fingerprint per consumer group.
    pub(crate) heartbeat_fingerprints: DashMap<String, i32>,
}

impl Broker {
    /// The state for `config` over `stores` (no sockets, no tasks).
    pub fn new(config: BrokerConfig, stores: BrokerStores) -> Self {
        let expiry = Duration::from_millis(u64::try_from(config.channel_expired_timeout).unwrap_or(120_000));
        Broker {
            producers: Arc::new(ProducerManager::new(expiry)),
            consumers: Arc::new(ConsumerManager::new(expiry, config.notify_consumer_ids_changed_enable)),
            registry: Arc::new(NamesrvRegistry::new(&config, stores.topics.clone())),
            stores,
            config: RwLock::new(config),
            heartbeat_fingerprints: DashMap::new(),
        }
    }

    /// The live configuration (hold the guard briefly).
    pub fn config(&self) -> RwLockReadGuard<'_, BrokerConfig> {
        self.config.read()
    }

    /// `brokerIP1:listenPort`, the address registered with the NameServers.
    pub fn broker_addr(&self) -> String {
        self.config.read().broker_addr()
    }

    /// The topic table.
    pub fn topics(&self) -> &dyn TopicConfigStore {
        &*self.stores.topics
    }

    /// The consumer-group configs.
    pub fn subscription_groups(&self) -> &dyn SubscriptionGroupStore {
        &*self.stores.subscription_groups
    }

    /// The committed offsets.
    pub fn offsets(&self) -> &dyn ConsumerOffsetStore {
        &*self.stores.offsets
    }

    /// Producer groups and their channels.
    pub fn producers(&self) -> &ProducerManager {
        &self.producers
    }

    /// Consumer groups, their channels and subscriptions.
    pub fn consumers(&self) -> &ConsumerManager {
        &self.consumers
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
    /// shutdown signal).
    pub async fn join(self) {
        self.main.join().await;
        self.fast.join().await;
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, e.to_string())
}

/// Starts a broker on `0.0.0.0:listenPort` and `0.0.0.0:listenPort-2` with in-memory tables.
pub async fn start(config: BrokerConfig, shutdown: Shutdown) -> io::Result<BrokerHandle> {
    let port = u16::try_from(config.listen_port).map_err(invalid)?;
    let fast = u16::try_from(config.fast_listen_port()).map_err(invalid)?;
    let main_addr = SocketAddr::from(([0, 0, 0, 0], port));
    let fast_addr = SocketAddr::from(([0, 0, 0, 0], fast));
    let stores = BrokerStores::in_memory(&config);
    start_with(config, stores, main_addr, fast_addr, shutdown).await
}

/// Starts a broker on explicit listener addresses with in-memory tables (tests bind `127.0.0.1:0` twice).
pub async fn start_on(
    config: BrokerConfig,
    main_addr: SocketAddr,
    fast_addr: SocketAddr,
    shutdown: Shutdown,
) -> io::Result<BrokerHandle> {
    let stores = BrokerStores::in_memory(&config);
    start_with(config, stores, main_addr, fast_addr, shutdown).await
}

/// Starts a broker over `stores` on explicit listener addresses: binds both listeners, takes the bound main
/// port as `listenPort`, applies the startup checks ([`BrokerConfig::finish`]), registers with every
/// NameServer once (failures are logged, as in Java), then spawns periodic registration and client expiry.
pub async fn start_with(
    mut config: BrokerConfig,
    stores: BrokerStores,
    main_addr: SocketAddr,
    fast_addr: SocketAddr,
    shutdown: Shutdown,
) -> io::Result<BrokerHandle> {
    let ha_port_unset = config.ha_listen_port <= 0;
    config.listen_port = i32::from(main_addr.port());
    config.finish().map_err(invalid)?;
    let broker = Arc::new(Broker::new(config, stores));
    let main =
        Server::bind(main_addr, Arc::new(BrokerRequestHandler::new(broker.clone(), Port::Main)), shutdown.clone())
            .await?;
    let fast =
        Server::bind(fast_addr, Arc::new(BrokerRequestHandler::new(broker.clone(), Port::Fast)), shutdown.clone())
            .await?;
    let period = {
        let mut config = broker.config.write();
        config.listen_port = i32::from(main.local_addr().port());
        if ha_port_unset {
            config.ha_listen_port = config.listen_port + 1;
        }
        broker.registry.update_identity(&config);
        Duration::from_millis(config.register_period_millis())
    };
    tracing::info!(main = %main.local_addr(), fast = %fast.local_addr(), "broker listening");

    broker.registry.register_broker_all(true).await;
    let tasks = vec![
        tokio::spawn(broker.registry.clone().run(period, shutdown.clone())),
        tokio::spawn(client::run_housekeeping(broker.producers.clone(), broker.consumers.clone(), shutdown)),
    ];
    Ok(BrokerHandle { broker, main, fast, tasks })
}
