//! Thruster: a RocketMQ NameServer and Broker, wire- and store-compatible with Apache RocketMQ 4.9.8/5.3.3.
//!
//! Module map (see `docs/ARCHITECTURE.md` for the request paths and invariants):
//! - [`remoting`]: the wire without I/O (frames, headers, codes, fastjson bodies);
//! - [`protocol`]: typed headers and bodies, by request family;
//! - [`net`]: tokio server and client around the codec;
//! - [`namesrv`]: the NameServer (route table, KV config, request processor);
//! - [`config`]: Java-style `.properties` files.

pub mod config;
pub mod namesrv;
pub mod net;
pub mod protocol;
pub mod remoting;
pub mod store;
