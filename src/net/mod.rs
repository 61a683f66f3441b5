//! Sockets: the tokio server and client around the [`crate::remoting`] codec.
//!
//! - [`codec`]: the tokio-util `Decoder`/`Encoder` (a thin wrapper over `remoting::frame`);
//! - [`server`]: accept loop, one task per connection, concurrent request handling, idle close;
//! - [`client`]: a remoting client with opaque matching, timeouts and oneway calls;
//! - [`shutdown`]: SIGINT/SIGTERM and the shutdown signal shared by servers.

pub mod client;
pub mod codec;
pub mod server;
pub mod shutdown;

pub use client::{ClientError, RemotingClient};
pub use server::{Connection, RequestHandler, Server};
pub use shutdown::Shutdown;

use std::sync::atomic::{AtomicI32, Ordering};

static NEXT_OPAQUE: AtomicI32 = AtomicI32::new(1);

/// A process-wide request id, like Java's `RemotingCommand.requestId` counter (wraps on overflow).
pub fn next_opaque() -> i32 {
    NEXT_OPAQUE.fetch_add(1, Ordering::Relaxed)
}
