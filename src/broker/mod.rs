//! The broker.
//!
//! - [`config`]: `BrokerConfig` (Java's names, defaults and `broker.conf` format);
//! - [`local_address`]: the default `brokerIP1`/`brokerIP2`/`brokerName`, chosen as Java chooses them.

pub mod config;
pub mod local_address;

pub use config::{BrokerConfig, BrokerRole, FlushDiskType};
