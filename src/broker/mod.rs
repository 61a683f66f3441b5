//! The broker.
//!
//! - [`config`]: `BrokerConfig` (Java's names, defaults and `broker.conf` format);
//! - [`local_address`]: the default `brokerIP1`/`brokerIP2`/`brokerName`, chosen as Java chooses them;
//! - [`protocol`]: heartbeat-family wire types (to move to `crate::protocol::heartbeat`);
//! - [`client`]: producer and consumer group managers, NOTIFY_CONSUMER_IDS_CHANGED, channel expiry;
//! - [`topic`], [`subscription`], [`offset`]: the seams to the store's config managers (topics, consumer
//!   groups, committed offsets), with in-memory implementations until the store is merged.

pub mod client;
pub mod config;
pub mod local_address;
pub mod offset;
pub mod protocol;
pub mod subscription;
pub mod topic;

pub use config::{BrokerConfig, BrokerRole, FlushDiskType};
