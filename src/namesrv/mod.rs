//! The NameServer: a stand-alone, in-memory registry of brokers and topic routes.
//!
//! - [`config`]: `NamesrvConfig` (Java's names, defaults and text format);
//! - [`route_info`]: the route tables and the registration / route / liveness algorithms;
//! - [`kv_config`]: the persisted KV namespaces (`ORDER_TOPIC_CONFIG` …);
//! - [`processor`]: one `match` on the request code, one function per code.
//!
//! [`start`] binds the listener and spawns the liveness scanner; both stop when the shutdown signal fires.

pub mod config;
pub mod kv_config;
pub mod processor;
pub mod route_info;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

pub use config::{JavaCompat, NamesrvConfig};
pub use processor::NamesrvProcessor;

use crate::net::{Server, Shutdown};

/// A running NameServer.
#[derive(Debug)]
pub struct NamesrvHandle {
    server: Server,
    scanner: JoinHandle<()>,
    processor: Arc<NamesrvProcessor>,
}

impl NamesrvHandle {
    /// The bound address (with the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// The state behind the socket (route tables, KV table, configuration).
    pub fn processor(&self) -> &Arc<NamesrvProcessor> {
        &self.processor
    }

    /// Waits until the listener and the scanner have stopped (after the shutdown signal).
    pub async fn join(self) {
        self.server.join().await;
        let _ = self.scanner.await;
    }
}

/// Starts a NameServer on `bindAddress:listenPort` of `config` (default `0.0.0.0:9876`).
pub async fn start(config: NamesrvConfig, shutdown: Shutdown) -> io::Result<NamesrvHandle> {
    let addr = config.listen_addr().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("bad listen address {}:{}", config.bind_address, config.listen_port),
        )
    })?;
    start_on(config, addr, shutdown).await
}

/// Starts a NameServer on `addr` (tests bind `127.0.0.1:0`).
pub async fn start_on(config: NamesrvConfig, addr: SocketAddr, shutdown: Shutdown) -> io::Result<NamesrvHandle> {
    let scan_interval = u64::try_from(config.scan_not_active_broker_interval)
        .ok()
        .filter(|ms| *ms > 0)
        .map_or(Duration::from_secs(5), Duration::from_millis);
    let processor = Arc::new(NamesrvProcessor::new(config));
    let server = Server::bind(addr, processor.clone(), shutdown.clone()).await?;
    tracing::info!("name server listening on {}", server.local_addr());
    let scanner = tokio::spawn(scan_not_active_brokers(processor.clone(), scan_interval, shutdown));
    Ok(NamesrvHandle { server, scanner, processor })
}

/// Every `interval` (first after 5 ms, as Java schedules it), removes brokers not heard from in time.
async fn scan_not_active_brokers(processor: Arc<NamesrvProcessor>, interval: Duration, shutdown: Shutdown) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + Duration::from_millis(5), interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.wait() => break,
            _ = tick.tick() => {
                processor.scan_not_active_brokers(Instant::now());
            }
        }
    }
}
