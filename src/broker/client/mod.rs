//! The clients the broker knows: producer and consumer groups, learned from heartbeats.
//!
//! - [`ClientChannel`]: what the broker needs of a client connection (an id, its address, a way to send it
//!   oneway and synchronous requests); implemented by [`crate::net::Connection`];
//! - [`ClientChannelInfo`]: one connection of one client in one group (Java's `ClientChannelInfo`);
//! - [`producer_manager`]: `ProducerManager` (group → channels, client id → channel);
//! - [`consumer_manager`]: `ConsumerManager` and `ConsumerGroupInfo` (channels, subscriptions, consume mode
//!   per group) and the NOTIFY_CONSUMER_IDS_CHANGED fan-out.
//!
//! Channels leave a group by UNREGISTER_CLIENT, when their connection closes, or when no heartbeat refreshed
//! them for `channelExpiredTimeout` (120 s; scanned every 10 s by [`run_housekeeping`]).

pub mod consumer_manager;
pub mod producer_manager;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;
use futures::FutureExt;

pub use consumer_manager::{ConsumerGroupInfo, ConsumerManager};
pub use producer_manager::ProducerManager;

use crate::net::{Connection, Shutdown};
use crate::remoting::{LanguageCode, RemotingCommand};

/// Java's `ClientHousekeepingService` period (first scan after one period too).
pub const HOUSEKEEPING_INTERVAL: Duration = Duration::from_secs(10);

/// A client connection as the broker uses it. Object-safe so that managers can be tested without sockets.
pub trait ClientChannel: Send + Sync + fmt::Debug {
    /// A process-unique id of the connection.
    fn id(&self) -> u64;
    /// The client's socket address.
    fn remote_addr(&self) -> SocketAddr;
    /// Sends a oneway request (e.g. NOTIFY_CONSUMER_IDS_CHANGED); false if the connection is gone or full.
    fn send_oneway(&self, request: RemotingCommand) -> bool;
    /// Sends a request and waits up to `timeout` for the answer (`None` on timeout or close).
    fn request(&self, request: RemotingCommand, timeout: Duration) -> BoxFuture<'_, Option<RemotingCommand>>;
    /// Closes the connection (an expired client's, as Java's `RemotingUtil.closeChannel`).
    fn close(&self);
}

impl ClientChannel for Connection {
    fn id(&self) -> u64 {
        Connection::id(self)
    }

    fn remote_addr(&self) -> SocketAddr {
        self.peer()
    }

    fn send_oneway(&self, request: RemotingCommand) -> bool {
        Connection::send_oneway(self, request)
    }

    fn request(&self, request: RemotingCommand, timeout: Duration) -> BoxFuture<'_, Option<RemotingCommand>> {
        Connection::request(self, request, timeout).boxed()
    }

    fn close(&self) {
        Connection::close(self);
    }
}

/// Mirrors `ClientChannelInfo`: one client's connection as registered in a group.
#[derive(Debug, Clone)]
pub struct ClientChannelInfo {
    /// The connection.
    pub channel: Arc<dyn ClientChannel>,
    /// The client id from the heartbeat, exactly as sent.
    pub client_id: String,
    /// The client's language (from the request header).
    pub language: Option<LanguageCode>,
    /// The client's `MQVersion` ordinal (from the request header).
    pub version: i32,
    /// When a heartbeat last refreshed it (monotonic, for expiry).
    pub last_update: Instant,
    /// The same moment in ms since the epoch (for admin listings).
    pub last_update_timestamp: i64,
}

impl ClientChannelInfo {
    /// A channel info refreshed now.
    pub fn new(
        channel: Arc<dyn ClientChannel>,
        client_id: impl Into<String>,
        language: Option<LanguageCode>,
        version: i32,
    ) -> Self {
        ClientChannelInfo {
            channel,
            client_id: client_id.into(),
            language,
            version,
            last_update: Instant::now(),
            last_update_timestamp: now_millis(),
        }
    }

    /// The connection id.
    pub fn channel_id(&self) -> u64 {
        self.channel.id()
    }

    fn touch(&mut self, at: Instant) {
        self.last_update = at;
        self.last_update_timestamp = now_millis();
    }

    fn expired(&self, now: Instant, timeout: Duration) -> bool {
        now.saturating_duration_since(self.last_update) > timeout
    }
}

fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Every [`HOUSEKEEPING_INTERVAL`], drops producer and consumer channels not refreshed within their expiry,
/// until `shutdown` fires.
pub async fn run_housekeeping(producers: Arc<ProducerManager>, consumers: Arc<ConsumerManager>, shutdown: Shutdown) {
    let start = tokio::time::Instant::now() + HOUSEKEEPING_INTERVAL;
    let mut tick = tokio::time::interval_at(start, HOUSEKEEPING_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.wait() => break,
            _ = tick.tick() => {
                let now = Instant::now();
                let expired = producers.scan_not_active_channel(now).into_iter().chain(consumers.scan_not_active_channel(now));
                for channel in expired {
                    tracing::info!("closing expired client channel {}", channel.remote_addr());
                    channel.close();
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! A fake [`ClientChannel`] that records what the broker sent it.

    use super::*;
    use parking_lot::Mutex;

    #[derive(Debug)]
    pub(crate) struct FakeChannel {
        pub(crate) id: u64,
        pub(crate) sent: Mutex<Vec<RemotingCommand>>,
    }

    impl FakeChannel {
        pub(crate) fn new(id: u64) -> Arc<FakeChannel> {
            Arc::new(FakeChannel { id, sent: Mutex::new(Vec::new()) })
        }

        pub(crate) fn take_codes(&self) -> Vec<i32> {
            self.sent.lock().drain(..).map(|c| c.code).collect()
        }
    }

    impl ClientChannel for FakeChannel {
        fn id(&self) -> u64 {
            self.id
        }

        fn remote_addr(&self) -> SocketAddr {
            SocketAddr::from(([127, 0, 0, 1], 40000 + self.id as u16))
        }

        fn send_oneway(&self, request: RemotingCommand) -> bool {
            self.sent.lock().push(request);
            true
        }

        fn request(&self, request: RemotingCommand, _timeout: Duration) -> BoxFuture<'_, Option<RemotingCommand>> {
            self.sent.lock().push(request);
            async { None }.boxed()
        }

        fn close(&self) {}
    }

    pub(crate) fn info(channel: &Arc<FakeChannel>, client_id: &str) -> ClientChannelInfo {
        ClientChannelInfo::new(channel.clone(), client_id, Some(LanguageCode::Java), 409)
    }
}
