//! The remoting client.

/// Client failures.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Could not connect.
    #[error("connect to {0} failed")]
    Connect(String),
}

/// A remoting client.
#[derive(Debug, Default)]
pub struct RemotingClient;
